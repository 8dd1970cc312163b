-- What the SIP proxies know of calls, shared by every node: the answered
-- calls in progress of each user (busy without call waiting), and the
-- Follow Me number that answered each user's last call (Memory Hunt).
CREATE TABLE active_calls (
    call_id    TEXT    NOT NULL,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at INTEGER  NOT NULL,
    PRIMARY KEY (call_id, user_id)
);
CREATE INDEX active_calls_user_idx ON active_calls (user_id);

CREATE TABLE followme_last (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    number  TEXT NOT NULL
);
