-- Meetings (schema version 16): conference rooms with their settings and
-- running state as JSON, who is invited (to list a room for its
-- invitees), and the participants the media server (or an invitation)
-- put in them.
CREATE TABLE meetings (
    id               TEXT   NOT NULL PRIMARY KEY,
    tenant_id        TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    owner_id         TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    extension_number TEXT   NOT NULL,
    data             TEXT   NOT NULL,
    state            TEXT   NOT NULL,
    search_text      TEXT   NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX meetings_extension_key ON meetings (tenant_id, extension_number);
CREATE INDEX meetings_owner_idx ON meetings (tenant_id, owner_id, created_at);

CREATE TABLE meeting_invitees (
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX meeting_invitees_user_idx ON meeting_invitees (user_id);

CREATE TABLE meeting_participants (
    id         TEXT    NOT NULL PRIMARY KEY,
    meeting_id TEXT    NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    data       TEXT    NOT NULL,
    seq        INTEGER NOT NULL
);
CREATE INDEX meeting_participants_meeting_idx ON meeting_participants (meeting_id, seq);
