-- Switchboard schema, version 1 (SQLite). Timestamps are Unix microseconds UTC.

CREATE TABLE tenants (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    domain      TEXT    NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    time_zone   TEXT    NOT NULL DEFAULT '',
    system      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    search_text TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX tenants_domain_key ON tenants (domain);
CREATE INDEX tenants_created_idx ON tenants (created_at, id);

CREATE TABLE users (
    id               TEXT    NOT NULL PRIMARY KEY,
    tenant_id        TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    name_lower       TEXT    NOT NULL,
    role             TEXT    NOT NULL DEFAULT '',
    extension_number TEXT    NOT NULL,
    email            TEXT    NOT NULL DEFAULT '',
    email_lower      TEXT    NOT NULL DEFAULT '',
    display_name     TEXT    NOT NULL DEFAULT '',
    first_name       TEXT    NOT NULL DEFAULT '',
    last_name        TEXT    NOT NULL DEFAULT '',
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    mobile_phone     TEXT    NOT NULL DEFAULT '',
    work_phone       TEXT    NOT NULL DEFAULT '',
    home_phone       TEXT    NOT NULL DEFAULT '',
    address          TEXT    NOT NULL DEFAULT '',
    department       TEXT    NOT NULL DEFAULT '',
    max_bindings     INTEGER NOT NULL DEFAULT 0,
    oncall_pin       TEXT    NOT NULL DEFAULT '',
    billing_contact  BOOLEAN NOT NULL DEFAULT FALSE,
    settings         TEXT    NOT NULL DEFAULT '{}',
    profile          TEXT    NOT NULL DEFAULT '',
    avatar_file_name TEXT    NOT NULL DEFAULT '',
    avatar_file_size BIGINT  NOT NULL DEFAULT 0,
    avatar_file_url  TEXT    NOT NULL DEFAULT '',
    sync_type        TEXT    NOT NULL DEFAULT '',
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    password_hash    TEXT    NOT NULL DEFAULT '',
    sip_ha1_md5      TEXT    NOT NULL DEFAULT '',
    sip_ha1_sha256   TEXT    NOT NULL DEFAULT '',
    search_text      TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX users_tenant_name_key ON users (tenant_id, name_lower);
CREATE UNIQUE INDEX users_tenant_extension_key ON users (tenant_id, extension_number);
CREATE INDEX users_tenant_created_idx ON users (tenant_id, created_at, id);
CREATE INDEX users_email_lower_idx ON users (email_lower);

CREATE TABLE sessions (
    id              TEXT   NOT NULL PRIMARY KEY,
    tenant_id       TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id         TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access_hash     TEXT   NOT NULL,
    refresh_hash    TEXT   NOT NULL,
    access_expires  BIGINT NOT NULL,
    refresh_expires BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    via             TEXT   NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX sessions_access_hash_key ON sessions (access_hash);
CREATE UNIQUE INDEX sessions_refresh_hash_key ON sessions (refresh_hash);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_tenant_idx ON sessions (tenant_id);
CREATE INDEX sessions_refresh_expires_idx ON sessions (refresh_expires);
