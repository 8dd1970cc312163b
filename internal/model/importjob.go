package model

import "time"

// The states of a user import job. QUEUED and RUNNING are active: a
// tenant has at most one active job.
const (
	ImportQueued    = "QUEUED"
	ImportRunning   = "RUNNING"
	ImportSucceeded = "SUCCEEDED"
	ImportFailed    = "FAILED"
)

// The phases of a running import: every row is checked, then (unless a
// dry run, and only when no row has a problem) all are written in one
// transaction.
const (
	ImportPhaseCheck = "CHECK"
	ImportPhaseWrite = "WRITE"
)

// RowError is one problem of an import: its row as a spreadsheet numbers
// it (the header is row 1), the column's field, and the reason.
type RowError struct {
	Row   int    `json:"row" doc:"Row number as a spreadsheet shows it; the header is row 1"`
	Field string `json:"field,omitempty"`
	// Column is the field's column as the file's header names it ("first
	// name", "Extension"), when the file has it.
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// ImportReport says what an import found and did.
type ImportReport struct {
	DryRun bool `json:"dry_run"`
	// Rows is how many user rows the file has.
	Rows int `json:"rows"`
	// Created is how many users were created (0 on a dry run or on errors).
	Created int `json:"created"`
	// WithoutPassword counts users created without a login password: they
	// cannot sign in until one is set.
	WithoutPassword int        `json:"without_password"`
	Errors          []RowError `json:"errors"`
}

// ImportJob is one CSV user import: what it has done so far and, once
// finished, its report (a FAILED job with row problems has a report whose
// errors name them; one that failed for another reason says why in Error).
type ImportJob struct {
	ID       string `json:"id"`
	TenantID string `json:"-"`
	// CreatedBy is the user who started it.
	CreatedBy      string `json:"-"`
	IdempotencyKey string `json:"-"`
	// BodySHA256 is the file's digest: a retry with the same key must send
	// the same file.
	BodySHA256 string        `json:"-"`
	DryRun     bool          `json:"dry_run"`
	Status     string        `json:"status" enum:"QUEUED,RUNNING,SUCCEEDED,FAILED"`
	Phase      string        `json:"phase,omitempty" enum:"CHECK,WRITE" doc:"What a running job does: checking every row, then writing them all in one transaction"`
	Done       int           `json:"done" doc:"Rows of the phase done so far"`
	Total      int           `json:"total" doc:"Rows of the phase"`
	Report     *ImportReport `json:"report,omitempty" doc:"Once finished: the rows, the users created and every row's problem"`
	Error      string        `json:"error,omitempty" doc:"Why a job failed when it is not its rows (the node shut down, a conflict meanwhile)"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at" doc:"The running node's last heartbeat"`
	FinishedAt *time.Time    `json:"finished_at,omitempty"`
}

// Active reports whether the job is queued or running.
func (j *ImportJob) Active() bool { return j.Status == ImportQueued || j.Status == ImportRunning }
