-- Access control (schema version 3, SQLite): custom roles, API keys, two-factor
-- login, sign-in failure counters and the audit log. Timestamps are Unix microseconds UTC.

-- Roles: the built-in ones (tenant_id '') mirrored for listing, and each tenant's own.
CREATE TABLE roles (
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_lower  TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    permissions TEXT NOT NULL DEFAULT '{}',
    built_in    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    search_text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, name_lower)
);

-- API keys: the token is public, the secret is kept only as its SHA-256.
CREATE TABLE api_keys (
    token       TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    last_used   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

-- Two-factor login.
ALTER TABLE users ADD COLUMN otp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN otp_pending_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN otp_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN otp_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN otp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN otp_recovery TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tenants ADD COLUMN otp_required BOOLEAN NOT NULL DEFAULT FALSE;

-- A password sign-in waiting for its second factor.
CREATE TABLE otp_challenges (
    token_hash TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires    BIGINT  NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX otp_challenges_expires_idx ON otp_challenges (expires);

-- Failed sign-ins per account and per source address, shared by all nodes.
CREATE TABLE login_failures (
    key          TEXT NOT NULL PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    window_start BIGINT  NOT NULL,
    locked_until BIGINT  NOT NULL DEFAULT 0
);

-- Every change, written in the transaction of the change.
CREATE TABLE audit_logs (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    api_key     TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL DEFAULT '',
    object_name TEXT NOT NULL DEFAULT '',
    fields      TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_logs_tenant_at_idx ON audit_logs (tenant_id, at, id);
CREATE INDEX audit_logs_at_idx ON audit_logs (at, id);
