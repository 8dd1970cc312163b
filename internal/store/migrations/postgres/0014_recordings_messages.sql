-- Call recordings and external messages (SMS) of users (schema version 14).
-- A recording's audio is a blob the recording's user owns. sms_autoreplies
-- remembers when each user last auto-replied to each number (at most one
-- auto-reply per 30 s per number, across nodes).
CREATE TABLE recordings (
    id         TEXT   NOT NULL PRIMARY KEY,
    tenant_id  TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    call_id    TEXT   NOT NULL DEFAULT '',
    caller     TEXT   NOT NULL DEFAULT '',
    callee     TEXT   NOT NULL DEFAULT '',
    started_at BIGINT NOT NULL,
    ended_at   BIGINT NOT NULL,
    blob_id    TEXT   NOT NULL,
    search_text TEXT  NOT NULL DEFAULT ''
);
CREATE INDEX recordings_user_idx ON recordings (tenant_id, user_id, started_at);

CREATE TABLE external_messages (
    id              TEXT   NOT NULL PRIMARY KEY,
    tenant_id       TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id         TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    config_id       TEXT   NOT NULL DEFAULT '',
    sender          TEXT   NOT NULL DEFAULT '',
    sender_name     TEXT   NOT NULL DEFAULT '',
    receiver        TEXT   NOT NULL DEFAULT '',
    receiver_name   TEXT   NOT NULL DEFAULT '',
    channel_name    TEXT   NOT NULL DEFAULT '',
    channel_number  TEXT   NOT NULL DEFAULT '',
    brand           TEXT   NOT NULL DEFAULT '',
    did             TEXT   NOT NULL DEFAULT '',
    msg_type        TEXT   NOT NULL,
    direction       TEXT   NOT NULL,
    content         TEXT   NOT NULL DEFAULT '',
    reason          TEXT   NOT NULL DEFAULT '',
    delivery        TEXT   NOT NULL DEFAULT '',
    provider_msg_id TEXT   NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    search_text     TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX external_messages_user_idx ON external_messages (tenant_id, user_id, created_at);

CREATE TABLE sms_autoreplies (
    user_id TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number  TEXT   NOT NULL,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, number)
);
