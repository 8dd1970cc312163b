-- Call queues and ring groups (schema version 15): kind 'call_queue' or
-- 'ring_group'; their members (users); a call queue member's agent status,
-- and every status change with its time (agent_events).
CREATE TABLE hunt_groups (
    id               TEXT   NOT NULL PRIMARY KEY,
    tenant_id        TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind             TEXT   NOT NULL,
    name             TEXT   NOT NULL,
    name_lower       TEXT   NOT NULL,
    extension_number TEXT   NOT NULL,
    strategy         TEXT   NOT NULL,
    ring_timeout     INTEGER NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX hunt_groups_name_key ON hunt_groups (tenant_id, kind, name_lower);
CREATE UNIQUE INDEX hunt_groups_extension_key ON hunt_groups (tenant_id, extension_number);

CREATE TABLE hunt_group_members (
    group_id    TEXT    NOT NULL REFERENCES hunt_groups (id) ON DELETE CASCADE,
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    skill_level INTEGER NOT NULL DEFAULT 1,
    status      TEXT    NOT NULL DEFAULT 'LOGGED_OUT',
    status_at   BIGINT  NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX hunt_group_members_user_idx ON hunt_group_members (user_id);

CREATE TABLE agent_events (
    seq BIGSERIAL PRIMARY KEY,
    group_id  TEXT   NOT NULL REFERENCES hunt_groups (id) ON DELETE CASCADE,
    user_id   TEXT   NOT NULL,
    status    TEXT   NOT NULL,
    previous  TEXT   NOT NULL,
    by_user   TEXT   NOT NULL DEFAULT '',
    at        BIGINT NOT NULL
);
CREATE INDEX agent_events_group_idx ON agent_events (group_id, seq);
