package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// The user_import_jobs table: CSV user imports run as jobs, so that any
// node answers their status.

const importJobColumns = `id, tenant_id, created_by, idempotency_key, body_sha256, dry_run, status, phase, done, total,
	report, error, created_at, updated_at, finished_at`

// ImportJobBusy is the message of the conflict a second import of a
// tenant meets while one is active.
const ImportJobBusy = "an import is already running for this tenant; wait for it to finish"

// CreateImportJob stores j as a new QUEUED job, after failing the
// tenant's active jobs whose heartbeat is older than staleBefore (their
// node died). When j has an idempotency key that the tenant already used,
// nothing is stored: the earlier job is returned with created false. A
// tenant with an active job gets a *model.ConflictError (ImportJobBusy).
func (s *Store) CreateImportJob(ctx context.Context, j *model.ImportJob, staleBefore time.Time) (job *model.ImportJob, created bool, err error) {
	if j.IdempotencyKey != "" {
		if old, err := s.importJobByKey(ctx, j.TenantID, j.IdempotencyKey); err == nil || !errors.Is(err, model.ErrNotFound) {
			return old, false, err
		}
	}
	if _, err := s.FailStaleImportJobs(ctx, j.TenantID, staleBefore); err != nil {
		return nil, false, err
	}
	t := now()
	j.Status, j.CreatedAt, j.UpdatedAt, j.FinishedAt = model.ImportQueued, t, t, nil
	_, err = s.c().exec(ctx, `INSERT INTO user_import_jobs (`+importJobColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, '', 0, 0, '', '', ?, ?, 0)`,
		j.ID, j.TenantID, j.CreatedBy, j.IdempotencyKey, j.BodySHA256, j.DryRun, j.Status, micros(t), micros(t))
	if _, unique := uniqueViolation(err); unique {
		if j.IdempotencyKey != "" {
			// A retry with the same key that raced this one won.
			if old, err := s.importJobByKey(ctx, j.TenantID, j.IdempotencyKey); err == nil {
				return old, false, nil
			}
		}
		return nil, false, model.Conflict("", ImportJobBusy)
	}
	if err != nil {
		return nil, false, fmt.Errorf("create import job: %w", err)
	}
	return j, true, nil
}

func (s *Store) importJobByKey(ctx context.Context, tenantID, key string) (*model.ImportJob, error) {
	return scanImportJob(s.c().queryRow(ctx, `SELECT `+importJobColumns+` FROM user_import_jobs
		WHERE tenant_id = ? AND idempotency_key = ?`, tenantID, key))
}

// GetImportJob returns a job of tenantID, or model.ErrNotFound.
func (s *Store) GetImportJob(ctx context.Context, tenantID, id string) (*model.ImportJob, error) {
	return scanImportJob(s.c().queryRow(ctx, `SELECT `+importJobColumns+` FROM user_import_jobs
		WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// ImportJobProgress records a running job's phase and progress; it is the
// job's heartbeat too. It changes nothing once the job has finished.
func (s *Store) ImportJobProgress(ctx context.Context, id, phase string, done, total int) error {
	_, err := s.c().exec(ctx, `UPDATE user_import_jobs SET status = ?, phase = ?, done = ?, total = ?, updated_at = ?
		WHERE id = ? AND status IN (?, ?)`,
		model.ImportRunning, phase, done, total, micros(now()), id, model.ImportQueued, model.ImportRunning)
	if err != nil {
		return fmt.Errorf("import job progress: %w", err)
	}
	return nil
}

// FinishImportJob records the end of an active job: SUCCEEDED or FAILED,
// its report (nil when none) and why it failed. A job already finished
// (failed as stale) is left as it is; finished reports whether this call
// finished it.
func (s *Store) FinishImportJob(ctx context.Context, id, status string, rep *model.ImportReport, why string) (finished bool, err error) {
	report := ""
	if rep != nil {
		b, err := json.Marshal(rep)
		if err != nil {
			return false, err
		}
		report = string(b)
	}
	t := micros(now())
	res, err := s.c().exec(ctx, `UPDATE user_import_jobs SET status = ?, report = ?, error = ?, updated_at = ?, finished_at = ?
		WHERE id = ? AND status IN (?, ?)`, status, report, why, t, t, id, model.ImportQueued, model.ImportRunning)
	if err != nil {
		return false, fmt.Errorf("finish import job: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ImportJobStale is why a job whose node stopped answering failed.
const ImportJobStale = "the node running the import stopped (it shut down or crashed); nothing was imported"

// FailStaleImportJobs fails the active jobs of tenantID ("" for every
// tenant) whose last heartbeat is before before; it returns how many.
func (s *Store) FailStaleImportJobs(ctx context.Context, tenantID string, before time.Time) (int, error) {
	t := micros(now())
	q := `UPDATE user_import_jobs SET status = ?, error = ?, finished_at = ? WHERE status IN (?, ?) AND updated_at < ?`
	args := []any{model.ImportFailed, ImportJobStale, t, model.ImportQueued, model.ImportRunning, micros(before)}
	if tenantID != "" {
		q += ` AND tenant_id = ?`
		args = append(args, tenantID)
	}
	res, err := s.c().exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("fail stale import jobs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func scanImportJob(r rowScanner) (*model.ImportJob, error) {
	var j model.ImportJob
	var report string
	var created, updated, finished int64
	err := r.Scan(&j.ID, &j.TenantID, &j.CreatedBy, &j.IdempotencyKey, &j.BodySHA256, &j.DryRun, &j.Status, &j.Phase,
		&j.Done, &j.Total, &report, &j.Error, &created, &updated, &finished)
	if err != nil {
		return nil, notFound("import job", err)
	}
	j.CreatedAt, j.UpdatedAt = fromMicros(created), fromMicros(updated)
	if finished != 0 {
		f := fromMicros(finished)
		j.FinishedAt = &f
	}
	if report != "" {
		j.Report = &model.ImportReport{}
		if err := json.Unmarshal([]byte(report), j.Report); err != nil {
			return nil, fmt.Errorf("import job report: %w", err)
		}
	}
	return &j, nil
}
