-- Phone provisioning (schema version 21, SQLite).
-- A device credential belongs to one device of a user: a desk phone (phone_id,
-- the user_items row of the phone; removing the phone removes it) or a
-- softphone set up by QR code (phone_id NULL). It holds the provisioning
-- credential the device fetches its file with (lookup, the public half, and
-- the SHA-256 of the secret half; expires_at/used_at make a QR code's one-time
-- and expiring, 0 when not set) and the device's own SIP password for the
-- user's line: only its digest hashes are kept, and line_salt, from which the
-- password is derived again under a node secret when the file is rendered.
CREATE TABLE device_credentials (
    id          TEXT   NOT NULL PRIMARY KEY,
    tenant_id   TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    phone_id    TEXT   REFERENCES user_items (id) ON DELETE CASCADE,
    lookup      TEXT   NOT NULL,
    secret_hash TEXT   NOT NULL,
    line_salt   TEXT   NOT NULL,
    ha1_md5     TEXT   NOT NULL,
    ha1_sha256  TEXT   NOT NULL,
    expires_at  BIGINT NOT NULL DEFAULT 0,
    used_at     BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX device_credentials_lookup ON device_credentials (lookup);
CREATE UNIQUE INDEX device_credentials_phone ON device_credentials (phone_id) WHERE phone_id IS NOT NULL;
CREATE INDEX device_credentials_user ON device_credentials (tenant_id, user_id, created_at);

-- A tenant's own provisioning templates, by the file name phones name in
-- their `filename`; vendor says which renderer's values it is checked with.
CREATE TABLE provisioning_templates (
    tenant_id  TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    vendor     TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
