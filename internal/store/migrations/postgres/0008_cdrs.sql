-- Call detail records: one row per user a call concerned (the caller's
-- record and the callee's record of an internal call are two rows).
-- Times are microseconds since 1970 (0: never happened).
CREATE TABLE cdrs (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id             TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    caller              TEXT    NOT NULL,
    caller_domain       TEXT    NOT NULL DEFAULT '',
    caller_display_name TEXT    NOT NULL DEFAULT '',
    callee              TEXT    NOT NULL,
    callee_domain       TEXT    NOT NULL DEFAULT '',
    callee_display_name TEXT    NOT NULL DEFAULT '',
    started_at          BIGINT  NOT NULL,
    rang_at             BIGINT  NOT NULL DEFAULT 0,
    answered_at         BIGINT  NOT NULL DEFAULT 0,
    ended_at            BIGINT  NOT NULL DEFAULT 0,
    call_id             TEXT    NOT NULL DEFAULT '',
    direction           TEXT    NOT NULL,
    end_reason          TEXT    NOT NULL,
    reroute_reason      TEXT    NOT NULL DEFAULT '',
    status_code         INTEGER NOT NULL DEFAULT 0,
    destination         TEXT    NOT NULL DEFAULT '',
    outbound_caller_id  TEXT    NOT NULL DEFAULT '',
    did_cid             TEXT    NOT NULL DEFAULT '',
    trunk               TEXT    NOT NULL DEFAULT '',
    duration            INTEGER NOT NULL DEFAULT 0,
    cost                BIGINT  NOT NULL DEFAULT 0, -- in 0.00001 units (model.Balance)
    billed_account      TEXT    NOT NULL DEFAULT '',
    service_number      TEXT    NOT NULL DEFAULT '',
    user_data           TEXT    NOT NULL DEFAULT '',
    search_text         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX cdrs_user_started_idx ON cdrs (tenant_id, user_id, started_at DESC, id);
-- One record per call and user: a resent record is not stored twice.
CREATE UNIQUE INDEX cdrs_call_user_key ON cdrs (user_id, call_id, started_at) WHERE call_id <> '';
