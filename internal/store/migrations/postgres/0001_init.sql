-- Switchboard schema, version 1 (PostgreSQL). Timestamps are Unix microseconds UTC.
-- TEXT columns use COLLATE "C" so ORDER BY is byte order, as in SQLite.

CREATE TABLE tenants (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    domain      TEXT COLLATE "C" NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    time_zone   TEXT COLLATE "C" NOT NULL DEFAULT '',
    system      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    search_text TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX tenants_domain_key ON tenants (domain);
CREATE INDEX tenants_created_idx ON tenants (created_at, id);

CREATE TABLE users (
    id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    tenant_id        TEXT COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name             TEXT COLLATE "C" NOT NULL,
    name_lower       TEXT COLLATE "C" NOT NULL,
    role             TEXT COLLATE "C" NOT NULL DEFAULT '',
    extension_number TEXT COLLATE "C" NOT NULL,
    email            TEXT COLLATE "C" NOT NULL DEFAULT '',
    email_lower      TEXT COLLATE "C" NOT NULL DEFAULT '',
    display_name     TEXT COLLATE "C" NOT NULL DEFAULT '',
    first_name       TEXT COLLATE "C" NOT NULL DEFAULT '',
    last_name        TEXT COLLATE "C" NOT NULL DEFAULT '',
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    mobile_phone     TEXT COLLATE "C" NOT NULL DEFAULT '',
    work_phone       TEXT COLLATE "C" NOT NULL DEFAULT '',
    home_phone       TEXT COLLATE "C" NOT NULL DEFAULT '',
    address          TEXT COLLATE "C" NOT NULL DEFAULT '',
    department       TEXT COLLATE "C" NOT NULL DEFAULT '',
    max_bindings     INTEGER NOT NULL DEFAULT 0,
    oncall_pin       TEXT COLLATE "C" NOT NULL DEFAULT '',
    billing_contact  BOOLEAN NOT NULL DEFAULT FALSE,
    settings         TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    profile          TEXT COLLATE "C" NOT NULL DEFAULT '',
    avatar_file_name TEXT COLLATE "C" NOT NULL DEFAULT '',
    avatar_file_size BIGINT  NOT NULL DEFAULT 0,
    avatar_file_url  TEXT COLLATE "C" NOT NULL DEFAULT '',
    sync_type        TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    password_hash    TEXT COLLATE "C" NOT NULL DEFAULT '',
    sip_ha1_md5      TEXT COLLATE "C" NOT NULL DEFAULT '',
    sip_ha1_sha256   TEXT COLLATE "C" NOT NULL DEFAULT '',
    search_text      TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX users_tenant_name_key ON users (tenant_id, name_lower);
CREATE UNIQUE INDEX users_tenant_extension_key ON users (tenant_id, extension_number);
CREATE INDEX users_tenant_created_idx ON users (tenant_id, created_at, id);
CREATE INDEX users_email_lower_idx ON users (email_lower);

CREATE TABLE sessions (
    id              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    tenant_id       TEXT COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id         TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access_hash     TEXT COLLATE "C" NOT NULL,
    refresh_hash    TEXT COLLATE "C" NOT NULL,
    access_expires  BIGINT NOT NULL,
    refresh_expires BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    via             TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX sessions_access_hash_key ON sessions (access_hash);
CREATE UNIQUE INDEX sessions_refresh_hash_key ON sessions (refresh_hash);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_tenant_idx ON sessions (tenant_id);
CREATE INDEX sessions_refresh_expires_idx ON sessions (refresh_expires);
