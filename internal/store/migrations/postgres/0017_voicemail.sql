-- Voicemail messages recorded by Switchboard's media engine (schema version 17).
-- A message is in a mailbox: mailbox_id is the id of the user whose mailbox it
-- is, or the id of a detached mailbox (a removed user's, kept by the admin). Its
-- audio is a blob (WAV) the mailbox's user owns. heard and saved are its state:
-- new messages are not heard; "old" ones (for message-waiting lamps) are heard.
-- Tenants hold their voicemail limits and options as one JSON document.
CREATE TABLE voicemail_messages (
    id          TEXT    NOT NULL PRIMARY KEY,
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    mailbox_id  TEXT    NOT NULL,
    extension   TEXT    NOT NULL DEFAULT '',
    caller      TEXT    NOT NULL DEFAULT '',
    caller_name TEXT    NOT NULL DEFAULT '',
    call_id     TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    duration_ms BIGINT  NOT NULL,
    heard       BOOLEAN NOT NULL DEFAULT FALSE,
    saved       BOOLEAN NOT NULL DEFAULT FALSE,
    blob_id     TEXT    NOT NULL,
    search_text TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX voicemail_messages_mailbox_idx ON voicemail_messages (tenant_id, mailbox_id, created_at);
ALTER TABLE tenants ADD COLUMN voicemail TEXT NOT NULL DEFAULT '';
