package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// manyUsersCSV is a file of n users of domain (no passwords), extensions
// from first.
func manyUsersCSV(domain string, first, n int) []byte {
	var b bytes.Buffer
	b.WriteString("email,first name,last name,extension,mobile\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "user%d@%s,Pat,Lee,%d,+3361%07d\n", first+i, domain, first+i, i)
	}
	return b.Bytes()
}

// jobOf reads the job of a 202 answer.
func jobOf(t *testing.T, r *client.Response) *client.ImportJob {
	t.Helper()
	var j client.ImportJob
	if r.Status != 202 || json.Unmarshal(r.Body, &j) != nil || j.ID == "" {
		t.Fatalf("want 202 and a job: %d %s", r.Status, r.Body)
	}
	if loc := r.Header.Get("Location"); loc != "/api/user_import_jobs/"+j.ID {
		t.Fatalf("Location %q", loc)
	}
	return &j
}

// TestCSVImportJob: POST answers 202 with a QUEUED or RUNNING job at
// once, polling shows it succeed with its report; a retry with the same
// Idempotency-Key returns the same job and imports nothing twice (another
// file under that key is a conflict); another tenant reads none of its
// jobs; a plain user may read none.
func TestCSVImportJob(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, boss := s.newTenant("acme.example")
		file := []byte("email,first name,last name,extension,password\n" +
			"ann@acme.example,Ann,Lee,301,Ann-password-1\nbob@acme.example,Bob,Ray,302,\n")
		r := ok(boss.Raw(ctx, "POST", "/api/users/import", "text/csv", file))(s)
		j := jobOf(t, r)
		if (j.Status != "QUEUED" && j.Status != "RUNNING") || j.Report != nil || j.DryRun {
			t.Fatalf("new job: %+v", j)
		}
		var seen []string
		done := ok(boss.WaitUserImport(ctx, j.ID, 10*time.Millisecond, func(j *client.ImportJob) { seen = append(seen, j.Status) }))(s)
		if done.Status != "SUCCEEDED" || done.Report == nil || done.Report.Created != 2 || done.Report.WithoutPassword != 1 ||
			done.FinishedAt == nil || done.Total != 2 {
			t.Fatalf("finished job: %+v %+v (seen %v)", done, done.Report, seen)
		}
		s.login("ann", "Ann-password-1", "acme.example")
		before := userCount(s, boss)

		// The same key again, while and after the job runs: one job.
		key := "retry-" + j.ID
		file2 := []byte("email,extension\ncid@acme.example,303\ndee@acme.example,304\n")
		first := ok(boss.StartUserImport(ctx, file2, client.ImportOptions{IdempotencyKey: key}))(s)
		again := ok(boss.StartUserImport(ctx, file2, client.ImportOptions{IdempotencyKey: key}))(s)
		if again.ID != first.ID {
			t.Fatalf("a retry started job %s, not %s", again.ID, first.ID)
		}
		ok(boss.WaitUserImport(ctx, first.ID, 10*time.Millisecond, nil))(s)
		late := ok(boss.StartUserImport(ctx, file2, client.ImportOptions{IdempotencyKey: key}))(s)
		if late.ID != first.ID || late.Status != "SUCCEEDED" || late.Report.Created != 2 {
			t.Fatalf("a late retry: %+v", late)
		}
		if n := userCount(s, boss); n != before+2 {
			t.Fatalf("users after retries: %d, want %d", n, before+2)
		}
		_, err := boss.StartUserImport(ctx, file, client.ImportOptions{IdempotencyKey: key})
		wantStatus(t, err, 409, "another file under a used key")
		_, err = boss.StartUserImport(ctx, file2, client.ImportOptions{IdempotencyKey: key, DryRun: true})
		wantStatus(t, err, 409, "a dry run under a used key")

		// Job ids are per tenant; reading them needs the users permission.
		_, evil := s.newTenant("evil.example")
		wantStatus(t, ign(evil.UserImportJob(ctx, j.ID)), 404, "another tenant's job")
		same := ok(evil.StartUserImport(ctx, file2, client.ImportOptions{IdempotencyKey: key}))(s) // its own key space
		if same.ID == first.ID {
			t.Fatal("another tenant's retry got the first tenant's job")
		}
		plain := s.login("ann", "Ann-password-1", "acme.example")
		wantStatus(t, ign(plain.UserImportJob(ctx, j.ID)), 403, "a plain user reads a job")
		wantStatus(t, ign(boss.UserImportJob(ctx, "no-such-job")), 404, "an unknown job")
	})
}

// TestCSVImportOnePerTenant: while a tenant's import runs, a second one
// is refused (409) whatever its key, another tenant's is not; once it has
// finished the tenant imports again.
func TestCSVImportOnePerTenant(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, boss := s.newTenant("acme.example")
		_, other := s.newTenant("other.example")
		big := manyUsersCSV("acme.example", 10000, 20000)
		j := ok(boss.StartUserImport(ctx, big, client.ImportOptions{DryRun: true}))(s)
		small := []byte("email,extension\nzed@acme.example,399\n")
		_, err := boss.StartUserImport(ctx, small, client.ImportOptions{IdempotencyKey: "another"})
		wantStatus(t, err, 409, "a second import of the tenant")
		var e *client.Error
		if !errors.As(err, &e) || !strings.Contains(e.Message(), "already running") {
			t.Fatalf("409 message: %v", err)
		}
		if running := ok(boss.UserImportJob(ctx, j.ID))(s); running.Finished() {
			t.Fatalf("the big job finished before the second import was refused: %+v", running)
		}
		ok(other.ImportUsers(ctx, []byte("email,extension\nzed@other.example,399\n"), false))(s)
		done := ok(boss.WaitUserImport(ctx, j.ID, 50*time.Millisecond, nil))(s)
		if done.Status != "SUCCEEDED" || done.Report.Rows != 20000 || len(done.Report.Errors) != 0 || done.Report.Created != 0 {
			t.Fatalf("the dry run: %+v", done)
		}
		if rep := ok(boss.ImportUsers(ctx, small, false))(s); rep.Created != 1 {
			t.Fatalf("after the first: %+v", rep)
		}
	})
}

// TestCSVImportBadInput: what cannot be read is refused at once, naming
// the field: a body over the limit (413), not CSV (415), a bad
// Idempotency-Key (400); nothing is started, so the tenant may import
// right after.
func TestCSVImportBadInput(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, boss := s.newTenant("acme.example")
		var huge bytes.Buffer
		huge.WriteString("email,extension,address\n")
		cell := strings.Repeat("x", 1000)
		for huge.Len() <= 64<<20 {
			fmt.Fprintf(&huge, "a@acme.example,1,%s\n", cell)
		}
		r := ok(boss.Raw(ctx, "POST", "/api/users/import", "text/csv", huge.Bytes()))(s)
		if r.Status != 413 || !strings.Contains(string(r.Body), "larger than") {
			t.Fatalf("huge: %d %s", r.Status, r.Body)
		}
		r = ok(boss.Raw(ctx, "POST", "/api/users/import", "application/json", []byte(`{"email":"x"}`)))(s)
		if r.Status != 415 || !strings.Contains(string(r.Body), "Content-Type") {
			t.Fatalf("JSON: %d %s", r.Status, r.Body)
		}
		for _, key := range []string{strings.Repeat("k", 256), "with space", "é"} {
			_, err := boss.StartUserImport(ctx, []byte("email,extension\n"), client.ImportOptions{IdempotencyKey: key})
			wantInvalid(t, err, "Idempotency-Key")
		}
		if rep := ok(boss.ImportUsers(ctx, []byte("email,extension\nann@acme.example,301\n"), false))(s); rep.Created != 1 {
			t.Fatalf("import after refusals: %+v", rep)
		}
	})
}

// TestCSVImportNodeShutdown: a node shut down during an import rolls it
// back and records the job as FAILED; another node on the same database
// answers its status, and the tenant imports again.
func TestCSVImportNodeShutdown(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, kind)
			s := startServer(t, dsn)
			_, boss := s.newTenant("acme.example")
			before := userCount(s, boss)
			j := ok(boss.StartUserImport(context.Background(), manyUsersCSV("acme.example", 10000, 30000), client.ImportOptions{}))(s)
			for {
				cur := ok(boss.UserImportJob(context.Background(), j.ID))(s)
				if cur.Finished() {
					t.Fatalf("the import finished before the shutdown: %+v", cur)
				}
				if cur.Done > 0 {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			s.stop()
			s2 := startServer(t, dsn)
			boss2 := s2.login("boss", "boss-Password-1", "acme.example")
			got := ok(boss2.UserImportJob(context.Background(), j.ID))(s2)
			if got.Status != "FAILED" || !strings.Contains(got.Error, "shut down") || got.FinishedAt == nil {
				t.Fatalf("the interrupted job: %+v", got)
			}
			if n := userCount(s2, boss2); n != before {
				t.Fatalf("users after the interrupted import: %d, want %d", n, before)
			}
			if rep := ok(boss2.ImportUsers(context.Background(), []byte("email,extension\nann@acme.example,301\n"), false))(s2); rep.Created != 1 {
				t.Fatalf("import after the restart: %+v", rep)
			}
		})
	}
}

// TestCSVImportDeadNode: a job whose node died without shutting down (a
// RUNNING row that no node of this process runs, kill -9) holds its
// tenant while its heartbeat is fresh; two minutes without one, reading
// it records it FAILED, and the tenant imports again.
func TestCSVImportDeadNode(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		tenantID, boss := s.newTenant("acme.example")
		st := s.app.Store()
		dead, _, err := st.CreateImportJob(ctx, &model.ImportJob{ID: model.NewID(), TenantID: tenantID}, time.Now().Add(-time.Hour))
		s.ok(err)
		s.ok(st.ImportJobProgress(ctx, dead.ID, model.ImportPhaseCheck, 10, 100))
		if j := ok(boss.UserImportJob(ctx, dead.ID))(s); j.Status != "RUNNING" || j.Done != 10 || j.Total != 100 {
			t.Fatalf("the other node's job: %+v", j)
		}
		file := []byte("email,extension\nann@acme.example,301\n")
		_, err = boss.StartUserImport(ctx, file, client.ImportOptions{})
		wantStatus(t, err, 409, "an import while another node's runs")
		s.advance(3 * time.Minute) // no heartbeat since
		j := ok(boss.UserImportJob(ctx, dead.ID))(s)
		if j.Status != "FAILED" || !strings.Contains(j.Error, "stopped") || j.FinishedAt == nil {
			t.Fatalf("the dead node's job: %+v", j)
		}
		if rep := ok(boss.ImportUsers(ctx, file, false))(s); rep.Created != 1 {
			t.Fatalf("import after the dead job: %+v", rep)
		}
	})
}
