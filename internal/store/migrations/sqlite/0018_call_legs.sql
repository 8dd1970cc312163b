-- Calls in progress by user, ringing (early) or answered (confirmed), for busy
-- lamps and presence (schema version 18). The proxy writes a row per user on a
-- call when it rings and when it is answered, and deletes the call's rows when
-- it ends; every write is a store event, so every node's subscribers hear it.
-- peer is the other party's number and peer_name its name.
CREATE TABLE call_legs (
    call_id    TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    tenant_id  TEXT   NOT NULL,
    direction  TEXT   NOT NULL,
    state      TEXT   NOT NULL,
    peer       TEXT   NOT NULL DEFAULT '',
    peer_name  TEXT   NOT NULL DEFAULT '',
    started_at BIGINT NOT NULL,
    PRIMARY KEY (call_id, user_id)
);
CREATE INDEX call_legs_user_idx ON call_legs (user_id, started_at);
-- A tenant's busy lamps show who calls a ringing extension unless blf_hide_caller.
ALTER TABLE tenants ADD COLUMN blf_hide_caller BOOLEAN NOT NULL DEFAULT FALSE;
