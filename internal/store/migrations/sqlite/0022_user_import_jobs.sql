-- CSV user imports run as jobs (schema version 22, SQLite). A job is what
-- POST /api/users/import started: its progress (phase, done of total), its
-- report once finished (JSON), and the heartbeat (updated_at) of the node
-- running it, so any node answers its status and a job whose node died is
-- seen as failed. At most one active (QUEUED or RUNNING) job per tenant, and
-- one job per Idempotency-Key of a tenant, are held by unique indexes.
CREATE TABLE user_import_jobs (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_by      TEXT    NOT NULL DEFAULT '',
    idempotency_key TEXT    NOT NULL DEFAULT '',
    body_sha256     TEXT    NOT NULL DEFAULT '',
    dry_run         BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT    NOT NULL,
    phase           TEXT    NOT NULL DEFAULT '',
    done            BIGINT  NOT NULL DEFAULT 0,
    total           BIGINT  NOT NULL DEFAULT 0,
    report          TEXT    NOT NULL DEFAULT '',
    error           TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    finished_at     BIGINT  NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX user_import_jobs_active ON user_import_jobs (tenant_id) WHERE status IN ('QUEUED', 'RUNNING');
CREATE UNIQUE INDEX user_import_jobs_key ON user_import_jobs (tenant_id, idempotency_key) WHERE idempotency_key <> '';
CREATE INDEX user_import_jobs_tenant ON user_import_jobs (tenant_id, created_at);
