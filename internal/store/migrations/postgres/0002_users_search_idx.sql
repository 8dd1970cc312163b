-- A covering index for list searches: counting the matches of a search
-- scans (tenant_id, search_text) alone instead of visiting every user row.
CREATE INDEX users_tenant_search_idx ON users (tenant_id, search_text);
