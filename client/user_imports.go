package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// The states of an ImportJob.
const (
	ImportQueued    = "QUEUED"
	ImportRunning   = "RUNNING"
	ImportSucceeded = "SUCCEEDED"
	ImportFailed    = "FAILED"
)

// ImportJob is a CSV user import running on the server (POST
// /api/users/import starts one, GET /api/user_import_jobs/{id} reads it).
// A dry run SUCCEEDS once every row is checked (its report lists the
// problems); an import SUCCEEDS only when every user was created, and
// otherwise FAILS having imported nothing: Report.Errors names the bad
// rows, or Error says why.
type ImportJob struct {
	ID         string        `json:"id"`
	DryRun     bool          `json:"dry_run"`
	Status     string        `json:"status"`
	Phase      string        `json:"phase,omitempty"`
	Done       int           `json:"done"`
	Total      int           `json:"total"`
	Report     *ImportReport `json:"report,omitempty"`
	Error      string        `json:"error,omitempty"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
	FinishedAt *time.Time    `json:"finished_at,omitempty"`
}

// Finished reports whether the job has ended.
func (j *ImportJob) Finished() bool { return j.Status == ImportSucceeded || j.Status == ImportFailed }

// ImportOptions tune StartUserImport.
type ImportOptions struct {
	DryRun bool
	// IdempotencyKey makes a retry of the same request return the job the
	// first one started (sent as the Idempotency-Key header).
	IdempotencyKey string
}

// StartUserImport sends a CSV file and returns the job that imports it
// (202). A file that cannot be read is refused at once (*Error 400, 413
// or 415); a tenant runs one import at a time (409).
func (c *Client) StartUserImport(ctx context.Context, csv []byte, opt ImportOptions) (*ImportJob, error) {
	var q url.Values
	if opt.DryRun {
		q = url.Values{"dry_run": {"true"}}
	}
	var out ImportJob
	err := c.send(ctx, call{method: http.MethodPost, path: "/api/users/import", query: q, raw: bytes.NewReader(csv),
		contentType: "text/csv", out: &out, requestHeader: http.Header{"Idempotency-Key": {opt.IdempotencyKey}}})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UserImportJob reads an import job of the tenant.
func (c *Client) UserImportJob(ctx context.Context, id string) (*ImportJob, error) {
	var out ImportJob
	if err := c.send(ctx, call{method: http.MethodGet, path: "/api/user_import_jobs/" + url.PathEscape(id), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// WaitUserImport polls a job until it finishes, telling progress (when
// set) each state it reads: first after 25 ms, then twice as long each
// time up to every (a short import is seen done at once, a long one is
// not polled more often than every).
func (c *Client) WaitUserImport(ctx context.Context, id string, every time.Duration, progress func(*ImportJob)) (*ImportJob, error) {
	wait := min(every, 25*time.Millisecond)
	for {
		j, err := c.UserImportJob(ctx, id)
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(j)
		}
		if j.Finished() {
			return j, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, every)
	}
}

// ImportFailedError is an import job that FAILED: nothing was imported.
type ImportFailedError struct{ Job *ImportJob }

func (e *ImportFailedError) Error() string {
	if r := e.Job.Report; r != nil && len(r.Errors) > 0 {
		return fmt.Sprintf("switchboard: the file has %d problems; nothing was imported", len(r.Errors))
	}
	return "switchboard: the import failed: " + e.Job.Error
}

// ImportUsers imports a CSV file and waits for the job's report: all or
// none. A dry run checks every row and changes nothing; its report lists
// the problems. A real run that fails returns *ImportFailedError (whose
// job's report lists each bad row). The request carries a fresh
// idempotency key and is sent again (up to three times) when the
// connection fails, without importing twice.
func (c *Client) ImportUsers(ctx context.Context, csv []byte, dryRun bool) (*ImportReport, error) {
	var key [16]byte
	_, _ = rand.Read(key[:])
	opt := ImportOptions{DryRun: dryRun, IdempotencyKey: hex.EncodeToString(key[:])}
	var job *ImportJob
	var err error
	for try := 0; try < 3; try++ {
		var apiErr *Error
		if job, err = c.StartUserImport(ctx, csv, opt); err == nil || errors.As(err, &apiErr) || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if job, err = c.WaitUserImport(ctx, job.ID, 500*time.Millisecond, nil); err != nil {
		return nil, err
	}
	if job.Status == ImportFailed {
		return job.Report, &ImportFailedError{Job: job}
	}
	return job.Report, nil
}
