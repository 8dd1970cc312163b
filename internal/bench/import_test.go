package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// EnvImportRows overrides the rows of BenchmarkImport (CI's smoke run
// uses a small file).
const EnvImportRows = "SWITCHBOARD_BENCH_IMPORT_ROWS"

func importRows() int {
	if n, err := strconv.Atoi(os.Getenv(EnvImportRows)); err == nil && n > 0 {
		return n
	}
	return Users
}

// importFile is a CSV in the admin manual's headers (no passwords: the
// cost of argon2id is measured apart), n rows.
func importFile(n int) string {
	var sb strings.Builder
	sb.WriteString("email,first name,last name,extension,forum alias,mobile,call waiting\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "user%d@%s,%s,%s,%d,user%d,+3361%07d,yes\n", i, domain, firstNames[i%len(firstNames)],
			lastNames[i%len(lastNames)], 100000+i, i, i)
	}
	return sb.String()
}

// peakHeap samples the heap in use every 5 ms until stop is called and
// returns the highest value seen, in MiB.
func peakHeap() (stop func() float64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() float64 {
		close(done)
		<-finished
		return float64(peak.Load()) / (1 << 20)
	}
}

// BenchmarkImport imports 100,000 rows through POST /api/users/import (the
// job, polled until it succeeds) into an empty tenant, with the peak heap
// of the process (server and client), against a plain bulk insert of the same users through
// the store (store.CreateUsers, no parsing or checks), on each database.
func BenchmarkImport(b *testing.B) {
	rows := importRows()
	file := importFile(rows)
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			if kind == "postgres" && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("set SWITCHBOARD_TEST_POSTGRES to benchmark PostgreSQL")
			}
			a, base := startNode(b, storetest.DSN(b, kind), auth.FastParams)
			c := newClient()
			sys := signIn(b, c, base, "admin", adminPassword, "")
			tenants := 0
			newTenant := func() (id, token string) {
				tenants++
				dom := fmt.Sprintf("t%d.%s", tenants, domain)
				m := mustCall(b, c, 201, "POST", base+"/api/tenants", sys, map[string]any{"name": dom, "domain": dom,
					"admin": map[string]any{"name": "boss", "password": bossPassword, "email": "boss@" + dom, "extension_number": "100"}})
				return m["id"].(string), signIn(b, c, base, "boss", bossPassword, dom)
			}
			b.Run(fmt.Sprintf("csv-%d", rows), func(b *testing.B) {
				var peak float64
				var took time.Duration
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					_, token := newTenant()
					runtime.GC()
					b.StartTimer()
					stop := peakHeap()
					took += postImport(b, c, base, token, file)
					peak = max(peak, stop())
				}
				b.ReportMetric(float64(rows*b.N)/took.Seconds(), "rows/s")
				b.ReportMetric(peak, "peak-heap-MiB")
			})
			b.Run(fmt.Sprintf("store-bulk-%d", rows), func(b *testing.B) {
				var peak float64
				var took time.Duration
				sip := auth.SIPCredentials("0", domain, "Seeded-sip-pw-1")
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					tid, _ := newTenant()
					users := make([]*model.User, rows)
					for j := range users {
						u := &model.User{ID: model.NewID(), TenantID: tid, Name: "user" + strconv.Itoa(j), ExtensionNumber: strconv.Itoa(100000 + j)}
						u.Email = fmt.Sprintf("user%d@%s", j, domain)
						u.FirstName, u.LastName = firstNames[j%len(firstNames)], lastNames[j%len(lastNames)]
						u.MobilePhone, u.Enabled = fmt.Sprintf("+3361%07d", j), true
						model.PresetCallHandling(&u.CallHandling)
						model.ApplyUserDefaults(u)
						u.SIP = sip
						users[j] = u
					}
					runtime.GC()
					b.StartTimer()
					stop := peakHeap()
					start := time.Now()
					if err := a.Store().CreateUsers(context.Background(), users, nil); err != nil {
						b.Fatal(err)
					}
					took += time.Since(start)
					peak = max(peak, stop())
				}
				b.ReportMetric(float64(rows*b.N)/took.Seconds(), "rows/s")
				b.ReportMetric(peak, "peak-heap-MiB")
			})
		})
	}
}

// BenchmarkImportPasswords is what argon2id costs an import whose rows
// carry passwords: rows per second with the default parameters, hashed on
// every core.
func BenchmarkImportPasswords(b *testing.B) {
	const rows = 200
	var sb strings.Builder
	sb.WriteString("email,first name,last name,extension,password\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&sb, "pw%d@%s,Pat,Lee,%d,Imported-password-%d\n", i, domain, 500000+i, i)
	}
	file := sb.String()
	_, base := startNode(b, storetest.DSN(b, "sqlite"), auth.DefaultParams)
	c := newClient()
	sys := signIn(b, c, base, "admin", adminPassword, "")
	var took time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dom := fmt.Sprintf("pw%d.%s", i, domain)
		mustCall(b, c, 201, "POST", base+"/api/tenants", sys, map[string]any{"name": dom, "domain": dom,
			"admin": map[string]any{"name": "boss", "password": bossPassword, "email": "boss@" + dom, "extension_number": "100"}})
		token := signIn(b, c, base, "boss", bossPassword, dom)
		b.StartTimer()
		took += postImport(b, c, base, token, file)
	}
	b.ReportMetric(float64(rows*b.N)/took.Seconds(), "rows/s")
}

// postImport sends a CSV file to POST /api/users/import, polls its job
// until it finishes and returns how long the import took.
func postImport(b *testing.B, c *http.Client, base, token, file string) time.Duration {
	b.Helper()
	start := time.Now()
	req, _ := http.NewRequest("POST", base+"/api/users/import", strings.NewReader(file))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var job struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Error  string `json:"error"`
	}
	err = json.NewDecoder(res.Body).Decode(&job)
	res.Body.Close()
	if res.StatusCode != 202 || err != nil {
		b.Fatalf("import: %d %v", res.StatusCode, err)
	}
	for job.Status != "SUCCEEDED" {
		if job.Status == "FAILED" {
			b.Fatalf("import job failed: %s", job.Error)
		}
		time.Sleep(250 * time.Millisecond)
		m := mustCall(b, c, 200, "GET", base+"/api/user_import_jobs/"+job.ID, token, nil)
		job.Status, _ = m["status"].(string)
		job.Error, _ = m["error"].(string)
	}
	return time.Since(start)
}
