-- Indexes that serve the users list's usual orders (schema version 12): by
-- display name (case-folded, as the list sorts it) and by email, within a
-- tenant. Name and extension orders use the unique indexes already there.
CREATE INDEX users_tenant_display_idx ON users (tenant_id, lower(display_name), display_name);
CREATE INDEX users_tenant_email_idx ON users (tenant_id, email_lower);
