-- Refresh-token reuse detection (schema version 20): a session rotated
-- from another keeps its family (the id of the session signed in first);
-- each consumed refresh token is remembered with its family until it would
-- have expired, so presenting it again ends the whole family.
ALTER TABLE sessions ADD COLUMN family_id TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_family_idx ON sessions (family_id);
CREATE TABLE spent_refresh_tokens (
    refresh_hash TEXT    NOT NULL PRIMARY KEY,
    family_id    TEXT    NOT NULL,
    expires      INTEGER NOT NULL
);
CREATE INDEX spent_refresh_tokens_expires_idx ON spent_refresh_tokens (expires);
