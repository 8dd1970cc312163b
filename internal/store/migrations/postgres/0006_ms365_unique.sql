-- One Microsoft 365 account binds at most one user of a tenant (ids are stored lower-case).
CREATE UNIQUE INDEX users_ms365_key ON users (tenant_id, ms365_id) WHERE ms365_id <> '';
