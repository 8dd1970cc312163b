-- Calls through a tenant's trunk placed for its users (schema version 25), for
-- the fraud limits every node enforces together: concurrent outside calls per
-- user and per tenant, international calls per user per hour. A row is one
-- leg (the number dialled) of one call; ended_at is 0 while it is in progress.
-- Rows are kept an hour after they start (the hourly limit), then swept.
CREATE TABLE outside_calls (
    call_id       TEXT    NOT NULL,
    number        TEXT    NOT NULL,
    tenant_id     TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id       TEXT    NOT NULL,
    international BOOLEAN NOT NULL,
    started_at    BIGINT  NOT NULL,
    ended_at      BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, number)
);
CREATE INDEX outside_calls_tenant_idx ON outside_calls (tenant_id, ended_at);
CREATE INDEX outside_calls_user_idx ON outside_calls (user_id, started_at);
