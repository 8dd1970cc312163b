-- Users' list searches through a trigram index (schema version 34, SQLite).
-- users_search is a contentless FTS5 table of each user's folded
-- search_text, cut into trigrams with their positions (detail=full), so a
-- quoted search word is an exact substring test that never reads the users
-- table. Its rowid puts each tenant in a range of its own: the tenant's
-- rowid times 2^40 plus the user's rowid, so one tenant's matches are
-- counted without reading another's. Triggers keep it in step with users
-- (and drop a deleted tenant's range before its users cascade away). It
-- replaces the covering (tenant_id, search_text) index, which every search
-- scanned whole.
DROP INDEX users_tenant_search_idx;

CREATE VIRTUAL TABLE users_search USING fts5 (
    search_text,
    content = '',
    contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1',
    detail = full
);

INSERT INTO users_search (rowid, search_text)
    SELECT t.rowid * 1099511627776 + u.rowid, u.search_text FROM users u JOIN tenants t ON t.id = u.tenant_id;

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, search_text)
        SELECT t.rowid * 1099511627776 + new.rowid, new.search_text FROM tenants t WHERE t.id = new.tenant_id;
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF search_text ON users
    WHEN old.search_text IS NOT new.search_text BEGIN
    DELETE FROM users_search WHERE rowid = (SELECT t.rowid * 1099511627776 + old.rowid FROM tenants t WHERE t.id = old.tenant_id);
    INSERT INTO users_search (rowid, search_text)
        SELECT t.rowid * 1099511627776 + new.rowid, new.search_text FROM tenants t WHERE t.id = new.tenant_id;
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_search WHERE rowid = (SELECT t.rowid * 1099511627776 + old.rowid FROM tenants t WHERE t.id = old.tenant_id);
END;

CREATE TRIGGER users_search_tenant_delete BEFORE DELETE ON tenants BEGIN
    DELETE FROM users_search WHERE rowid BETWEEN old.rowid * 1099511627776 AND old.rowid * 1099511627776 + 1099511627775;
END;
