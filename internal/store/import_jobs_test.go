package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestImportJobs: one active job per tenant (a second is a conflict, in
// another tenant it is not), an idempotency key returns its first job,
// ids are per tenant, progress and the finish are recorded once, and a job
// whose heartbeat is stale is failed so the tenant may import again.
func TestImportJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		stale := time.Now().Add(-time.Hour)
		job := func(tenant, key string) *model.ImportJob {
			return &model.ImportJob{ID: model.NewID(), TenantID: tenant, IdempotencyKey: key, BodySHA256: "x"}
		}
		first, created, err := s.CreateImportJob(ctx, job(a.ID, "k1"), stale)
		if err != nil || !created || first.Status != model.ImportQueued {
			t.Fatalf("first job: %+v %v %v", first, created, err)
		}
		again, created, err := s.CreateImportJob(ctx, job(a.ID, "k1"), stale)
		if err != nil || created || again.ID != first.ID {
			t.Fatalf("same key: %+v %v %v", again, created, err)
		}
		_, _, err = s.CreateImportJob(ctx, job(a.ID, "k2"), stale)
		var ce *model.ConflictError
		if !errors.As(err, &ce) || ce.Message != store.ImportJobBusy {
			t.Fatalf("second job of a tenant: %v", err)
		}
		other, created, err := s.CreateImportJob(ctx, job(b.ID, "k1"), stale) // the same key in another tenant
		if err != nil || !created || other.ID == first.ID {
			t.Fatalf("other tenant: %+v %v %v", other, created, err)
		}
		if _, err := s.GetImportJob(ctx, b.ID, first.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a job read from another tenant: %v", err)
		}
		must(t, s.ImportJobProgress(ctx, first.ID, model.ImportPhaseCheck, 5, 10))
		got, err := s.GetImportJob(ctx, a.ID, first.ID)
		if err != nil || got.Status != model.ImportRunning || got.Phase != model.ImportPhaseCheck || got.Done != 5 || got.Total != 10 {
			t.Fatalf("progress: %+v %v", got, err)
		}
		rep := &model.ImportReport{Rows: 10, Created: 10, Errors: []model.RowError{}}
		if ok, err := s.FinishImportJob(ctx, first.ID, model.ImportSucceeded, rep, ""); !ok || err != nil {
			t.Fatalf("finish: %v %v", ok, err)
		}
		if ok, err := s.FinishImportJob(ctx, first.ID, model.ImportFailed, nil, "late"); ok || err != nil {
			t.Fatalf("finished twice: %v %v", ok, err)
		}
		must(t, s.ImportJobProgress(ctx, first.ID, model.ImportPhaseWrite, 1, 10)) // no effect now
		got, _ = s.GetImportJob(ctx, a.ID, first.ID)
		if got.Status != model.ImportSucceeded || got.Report == nil || got.Report.Created != 10 || got.FinishedAt == nil || got.Phase != model.ImportPhaseCheck {
			t.Fatalf("finished job: %+v", got)
		}
		// The finished job frees the tenant; the new one dies (no heartbeat).
		dead, _, err := s.CreateImportJob(ctx, job(a.ID, ""), stale)
		must(t, err)
		if n, err := s.FailStaleImportJobs(ctx, a.ID, time.Now().Add(-time.Minute)); n != 0 || err != nil {
			t.Fatalf("a fresh job failed as stale: %d %v", n, err)
		}
		next, created, err := s.CreateImportJob(ctx, job(a.ID, ""), time.Now().Add(time.Minute))
		if err != nil || !created {
			t.Fatalf("after a stale job: %v", err)
		}
		got, _ = s.GetImportJob(ctx, a.ID, dead.ID)
		if got.Status != model.ImportFailed || got.Error != store.ImportJobStale || got.FinishedAt == nil {
			t.Fatalf("stale job: %+v", got)
		}
		if ok, _ := s.FinishImportJob(ctx, dead.ID, model.ImportSucceeded, rep, ""); ok {
			t.Fatal("a stale job was finished as succeeded")
		}
		_ = next
	})
}
