-- Contacts and change sync (schema version 13). A contact row is a user's
-- personal contact, or a business contact of the tenant when user_id is ''.
-- favorites are each user's marks on contacts of any kind (personal,
-- business, extension). sync_changes is the change log that sync tokens
-- point into: one row per change, user_id '' for changes every user of the
-- tenant sees (business and extension contacts); seq orders the changes of
-- a tenant as they committed (writers of one tenant are serialized).
CREATE TABLE contacts (
    id          TEXT   NOT NULL PRIMARY KEY,
    tenant_id   TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     TEXT   NOT NULL DEFAULT '',
    data        TEXT   NOT NULL,
    search_text TEXT   NOT NULL DEFAULT '',
    name_lower  TEXT   NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX contacts_owner_idx ON contacts (tenant_id, user_id, name_lower, id);

CREATE TABLE favorites (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    object_id TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, object_id)
);
CREATE INDEX favorites_object_idx ON favorites (kind, object_id);

CREATE TABLE sync_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT   NOT NULL,
    user_id     TEXT   NOT NULL DEFAULT '',
    kind        TEXT   NOT NULL,
    object_id   TEXT   NOT NULL,
    change_type TEXT   NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX sync_changes_scope_idx ON sync_changes (tenant_id, kind, seq);
CREATE INDEX sync_changes_at_idx ON sync_changes (at);
