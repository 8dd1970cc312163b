-- A user's own settings beyond the user row (schema version 5, SQLite): groups,
-- files, per-user collections (phones, speed dials, holidays, greetings), presence,
-- balance and the Microsoft 365 binding. Timestamps are Unix microseconds UTC.

CREATE TABLE user_groups (
    id                  TEXT NOT NULL PRIMARY KEY,
    tenant_id           TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    name_lower          TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    outbound_caller_ids TEXT NOT NULL DEFAULT '[]',
    created_at          BIGINT NOT NULL,
    search_text         TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX user_groups_tenant_name_key ON user_groups (tenant_id, name_lower);

CREATE TABLE user_group_members (
    group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX user_group_members_user_idx ON user_group_members (user_id);

-- Uploaded files. The bytes live behind a storage interface: files under the data
-- dir, or blob_data when the nodes share only the database.
CREATE TABLE blobs (
    id           TEXT NOT NULL PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    kind         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX blobs_tenant_idx ON blobs (tenant_id);
CREATE TABLE blob_data (
    id   TEXT NOT NULL PRIMARY KEY REFERENCES blobs (id) ON DELETE CASCADE,
    data BLOB NOT NULL
);

-- Per-user collections, one row each, the body as JSON. tenant_key is unique in the
-- tenant per kind (a phone's MAC), user_key unique for the user per kind (a speed
-- dial's code); both are '' when the kind has none. Tenant-wide holidays have
-- user_id ''.
CREATE TABLE user_items (
    id         TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    tenant_key TEXT NOT NULL DEFAULT '',
    user_key   TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE INDEX user_items_user_idx ON user_items (tenant_id, user_id, kind, created_at);
CREATE UNIQUE INDEX user_items_tenant_key ON user_items (tenant_id, kind, tenant_key) WHERE tenant_key <> '';
CREATE UNIQUE INDEX user_items_user_key ON user_items (tenant_id, user_id, kind, user_key) WHERE user_key <> '';

ALTER TABLE users ADD COLUMN presence TEXT NOT NULL DEFAULT 'AVAILABLE';
ALTER TABLE users ADD COLUMN presence_note TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN ms365_id TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN balance BIGINT NOT NULL DEFAULT 0;
