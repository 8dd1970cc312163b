-- SIP registrar: the digest algorithms a tenant offers (MD5 may be off); bindings of users'
-- devices (RFC 3261 section 10.3, keyed per RFC 5626 when the device sends
-- +sip.instance); node-shared secrets (the digest nonce key).
ALTER TABLE tenants ADD COLUMN sip_digest TEXT NOT NULL DEFAULT 'SHA256_THEN_MD5';

CREATE TABLE sip_bindings (
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    instance_id TEXT    NOT NULL,
    contact     TEXT    NOT NULL,
    call_id     TEXT    NOT NULL,
    cseq        BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    q           TEXT    NOT NULL DEFAULT '',
    user_agent  TEXT    NOT NULL DEFAULT '',
    source      TEXT    NOT NULL DEFAULT '',
    transport   TEXT    NOT NULL DEFAULT '',
    enable_push BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (user_id, instance_id)
);
CREATE INDEX sip_bindings_expiry_idx ON sip_bindings (expires_at);

CREATE TABLE node_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
