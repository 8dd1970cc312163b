package directory

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// CSV user imports run as jobs. Starting one reads the upload into a
// spool file (checked as CSV on the way) and records the job in the
// store; the node then checks every row and, unless a dry run and only
// when no row has a problem, writes them all in one transaction. Any node
// answers a job's status from the store; the node running it adds its
// live progress and beats a heartbeat, and a job whose heartbeat stopped
// (its node died) is failed when next seen.

const (
	// importStaleAfter is how long a job may go without a heartbeat
	// before it counts as dead.
	importStaleAfter = 2 * time.Minute
	// importBeat is how often a running job records its progress.
	importBeat = time.Second
	// maxIdempotencyKey bounds an Idempotency-Key.
	maxIdempotencyKey = 255
)

// ImportShutDown is why a job failed when its node shut down.
const ImportShutDown = "the node shut down during the import; nothing was imported"

// StartImportOptions tune StartUserImport.
type StartImportOptions struct {
	DryRun bool
	// IdempotencyKey, when set, makes a retry with the same key return the
	// job the first request started instead of importing again.
	IdempotencyKey string
}

// importJobs are the imports this node runs, with their live progress.
type importJobs struct {
	mu      sync.Mutex
	base    context.Context
	stop    context.CancelFunc
	running map[string]*liveImport
	wg      sync.WaitGroup
}

// liveImport is the progress of a job this node runs.
type liveImport struct {
	mu          sync.Mutex
	phase       string
	done, total int
}

func (l *liveImport) set(phase string, done, total int) {
	l.mu.Lock()
	l.phase, l.done, l.total = phase, done, total
	l.mu.Unlock()
}

func (l *liveImport) get() (string, int, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.phase, l.done, l.total
}

func (j *importJobs) init() {
	j.base, j.stop = context.WithCancel(context.Background())
	j.running = map[string]*liveImport{}
}

func (j *importJobs) live(id string) *liveImport {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.running[id]
}

// StartUserImport reads a CSV file of users from body and starts a job
// that imports it (or only checks it, on a dry run). A file that cannot
// be read (not CSV or UTF-8, too large, a bad header) is refused at once.
// A retry with the IdempotencyKey of an earlier job returns that job; a
// second import of a tenant while one is running is a conflict.
func (s *Service) StartUserImport(ctx context.Context, c *Caller, body io.Reader, opt StartImportOptions) (*model.ImportJob, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	if err := checkIdempotencyKey(opt.IdempotencyKey); err != nil {
		return nil, err
	}
	sp, err := spoolImport(s.cfg.ImportDir, body)
	if err != nil {
		return nil, err
	}
	started := false
	defer func() {
		if !started {
			sp.remove()
		}
	}()
	im, err := s.newUserImport(ctx, c, sp, opt.DryRun)
	if err != nil {
		return nil, err
	}
	j := &model.ImportJob{ID: model.NewID(), TenantID: c.TenantID, CreatedBy: c.UserID, IdempotencyKey: opt.IdempotencyKey,
		BodySHA256: sp.sha256, DryRun: opt.DryRun}
	job, created, err := s.store.CreateImportJob(ctx, j, s.now().Add(-importStaleAfter))
	if err != nil {
		return nil, err
	}
	if !created {
		if job.BodySHA256 != sp.sha256 || job.DryRun != opt.DryRun {
			return nil, model.Conflict("Idempotency-Key", "the key was used for another import (another file or dry_run)")
		}
		return s.withLive(job), nil
	}
	started = true
	s.launchImport(job, im, sp)
	return job, nil
}

func checkIdempotencyKey(k string) error {
	if len(k) > maxIdempotencyKey {
		return model.Invalid("Idempotency-Key", "is longer than %d characters", maxIdempotencyKey)
	}
	for _, r := range k {
		if r < 0x21 || r > 0x7e {
			return model.Invalid("Idempotency-Key", "must be printable ASCII without spaces")
		}
	}
	return nil
}

// launchImport runs a stored job in the background of this node.
func (s *Service) launchImport(job *model.ImportJob, im *userImport, sp *spooledImport) {
	live := &liveImport{phase: model.ImportPhaseCheck, total: sp.rows}
	jobs := &s.imports
	jobs.mu.Lock()
	jobs.running[job.ID] = live
	jobs.wg.Add(1)
	jobs.mu.Unlock()
	go func() {
		defer jobs.wg.Done()
		defer func() {
			jobs.mu.Lock()
			delete(jobs.running, job.ID)
			jobs.mu.Unlock()
		}()
		defer sp.remove()
		s.runImport(jobs.base, job, im, sp, live)
	}()
}

// runImport runs a job to its end and records how it ended.
func (s *Service) runImport(ctx context.Context, job *model.ImportJob, im *userImport, sp *spooledImport, live *liveImport) {
	im.opt.Progress = live.set
	stopBeat := s.beat(job.ID, live)
	rep, err := im.run(ctx, func() (io.ReadCloser, error) { return os.Open(sp.path) })
	stopBeat()
	status, why := model.ImportSucceeded, ""
	var ie *ImportError
	var fe *model.FieldError
	var ce *model.ConflictError
	switch {
	case err == nil:
	case errors.As(err, &ie):
		status, rep = model.ImportFailed, ie.Report
	case ctx.Err() != nil:
		status, why = model.ImportFailed, ImportShutDown
	case errors.As(err, &fe):
		status, why = model.ImportFailed, fe.Error()+"; nothing was imported"
	case errors.As(err, &ce):
		status, why = model.ImportFailed, ce.Message+" (taken meanwhile); nothing was imported"
	default:
		s.log.Error("user import", "job", job.ID, "err", err)
		status, why = model.ImportFailed, "internal error (logged); nothing was imported"
	}
	fctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.store.FinishImportJob(fctx, job.ID, status, rep, why); err != nil {
		s.log.Error("finish user import", "job", job.ID, "err", err)
	}
}

// beat records a job's progress every importBeat until stopped (and once
// at once: the job is RUNNING). On SQLite a write that waits for the
// import's own transaction gives up; the progress is live on this node.
func (s *Service) beat(id string, live *liveImport) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	record := func() {
		ctx, cancel := context.WithTimeout(context.Background(), importBeat)
		defer cancel()
		phase, n, total := live.get()
		_ = s.store.ImportJobProgress(ctx, id, phase, n, total)
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(importBeat)
		defer t.Stop()
		for {
			record()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// UserImportJob returns a job of the caller's tenant, with its live
// progress when this node runs it. An active job whose node stopped
// beating is failed first.
func (s *Service) UserImportJob(ctx context.Context, c *Caller, id string) (*model.ImportJob, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	j, err := s.store.GetImportJob(ctx, c.TenantID, id)
	if err != nil {
		return nil, err
	}
	stale := s.now().Add(-importStaleAfter)
	if j.Active() && s.imports.live(id) == nil && j.UpdatedAt.Before(stale) {
		if _, err := s.store.FailStaleImportJobs(ctx, c.TenantID, stale); err != nil {
			return nil, err
		}
		return s.store.GetImportJob(ctx, c.TenantID, id)
	}
	return s.withLive(j), nil
}

// withLive adds this node's live progress to a job it runs.
func (s *Service) withLive(j *model.ImportJob) *model.ImportJob {
	if live := s.imports.live(j.ID); live != nil && j.Active() {
		j.Status = model.ImportRunning
		j.Phase, j.Done, j.Total = live.get()
	}
	return j
}

// StopImports stops the imports this node runs: each rolls back and is
// recorded as FAILED (ImportShutDown). It waits for them until ctx ends.
func (s *Service) StopImports(ctx context.Context) {
	s.imports.stop()
	done := make(chan struct{})
	go func() {
		s.imports.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// OperatorStartUserImport is StartUserImport for the command line, in
// the tenant of domain.
func (s *Service) OperatorStartUserImport(ctx context.Context, domain string, body io.Reader, opt StartImportOptions) (*model.ImportJob, error) {
	c, err := s.operatorIn(ctx, domain)
	if err != nil {
		return nil, err
	}
	return s.StartUserImport(ctx, c, body, opt)
}

// OperatorUserImportJob is UserImportJob for the command line.
func (s *Service) OperatorUserImportJob(ctx context.Context, domain, id string) (*model.ImportJob, error) {
	c, err := s.operatorIn(ctx, domain)
	if err != nil {
		return nil, err
	}
	return s.UserImportJob(ctx, c, id)
}
