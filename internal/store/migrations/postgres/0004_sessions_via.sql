-- Ending every session of an API key (when the key is deleted) looks sessions up by origin.
CREATE INDEX sessions_via_idx ON sessions (via);
