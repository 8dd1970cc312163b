// Package bench measures the users API on a tenant of 100,000 users, on
// SQLite and (when SWITCHBOARD_TEST_POSTGRES is set) on PostgreSQL:
//
//	SWITCHBOARD_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//	  go test -run '^$' -bench . -benchtime 3s ./internal/bench
//
// Nothing here runs under plain `go test`: seeding happens inside the
// benchmark, once per database.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/app"
	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// Users is the size of the benchmark tenant.
const Users = 100_000

const (
	adminPassword = "bench-admin-Secret-1"
	bossPassword  = "bench-boss-Secret-1"
	domain        = "bench.example"
)

var (
	firstNames = []string{"Jérôme", "Anna", "Zoë", "Mike", "Sofía", "Liam", "Noémie", "Olivia", "Björn", "Chloé",
		"Lucas", "Amélie", "Noah", "Inès", "Ethan", "Léa", "Mateo", "Ana", "Hugo", "Maëlle", "Oscar", "Emma"}
	lastNames = []string{"Martin", "Dupont", "Smith", "Åberg", "García", "Müller", "Rossi", "Nguyen", "O'Brien",
		"Kowalski", "Jensen", "Lefèvre", "Novák", "Silva", "Yılmaz", "Brown", "Dubois", "Fernández", "Schmidt"}
	searchTerms = []string{"jero", "martin", "aberg", "zoe garcia", "sofia", "user4711", "@bench", "12345", "lefevre", "noemie rossi"}
)

// node is a running server with a seeded tenant.
type node struct {
	base   string
	store  *store.Store
	tenant string
	token  string
	ids    []string
	client *http.Client
}

func startNode(b *testing.B, dsn string, params auth.Params) (*app.App, string) {
	b.Helper()
	cfg := &config.Config{DataDir: b.TempDir(), DB: dsn, HTTPAddr: "127.0.0.1:0", SIPAddr: "127.0.0.1:0",
		AdminPassword: adminPassword, LogLevel: "warn"}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Start(ctx, cfg, log, app.Options{HashParams: &params, Out: io.Discard})
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	})
	return a, "http://" + a.HTTPAddr()
}

func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 64}, Timeout: time.Minute}
}

func call(c *http.Client, method, url, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}

func mustCall(b *testing.B, c *http.Client, want int, method, url, token string, body any) map[string]any {
	b.Helper()
	code, raw, err := call(c, method, url, token, body)
	if err != nil || code != want {
		b.Fatalf("%s %s: %d %v %s", method, url, code, err, raw)
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m
}

func signIn(b *testing.B, c *http.Client, base, user, password, dom string) string {
	b.Helper()
	m := mustCall(b, c, 200, "POST", base+"/api/auth/sign_in", "", map[string]any{"username": user, "password": password, "domain": dom})
	return m["access_token"].(string)
}

// seed starts a node on dsn, creates the tenant through the API and bulk-
// loads Users users into it through the store.
func seed(b *testing.B, dsn string) *node {
	b.Helper()
	a, base := startNode(b, dsn, auth.DefaultParams)
	c := newClient()
	sys := signIn(b, c, base, "admin", adminPassword, "")
	m := mustCall(b, c, 201, "POST", base+"/api/tenants", sys, map[string]any{"name": "Bench", "domain": domain,
		"admin": map[string]any{"name": "boss", "password": bossPassword, "email": "boss@" + domain, "extension_number": "100"}})
	n := &node{base: base, store: a.Store(), tenant: m["id"].(string), client: c}
	n.token = signIn(b, c, base, "boss", bossPassword, domain)

	hasher := auth.NewHasher(auth.DefaultParams, 1)
	hash, err := hasher.Hash(context.Background(), "Seeded-user-pw-1")
	if err != nil {
		b.Fatal(err)
	}
	sip := auth.SIPCredentials("0", domain, "Seeded-sip-pw-1")
	start := time.Now()
	const batch = 5000
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < Users; i += batch {
		users := make([]model.User, 0, batch)
		for j := i; j < i+batch && j < Users; j++ {
			u := model.User{ID: model.NewID(), TenantID: n.tenant, Name: "user" + strconv.Itoa(j),
				ExtensionNumber: strconv.Itoa(100000 + j)}
			u.FirstName = firstNames[rng.IntN(len(firstNames))]
			u.LastName = lastNames[rng.IntN(len(lastNames))]
			u.Email = fmt.Sprintf("user%d@%s", j, domain)
			u.Enabled = true
			u.Department = []string{"Sales", "Support", "Billing", "Front desk"}[j%4]
			model.ApplyUserDefaults(&u)
			u.PasswordHash, u.SIP = hash, sip
			users = append(users, u)
			n.ids = append(n.ids, u.ID)
		}
		if err := n.store.BulkInsertUsers(context.Background(), users); err != nil {
			b.Fatal(err)
		}
	}
	if n.store.Dialect() == store.DialectPostgres {
		// What autovacuum does shortly after a bulk load: statistics for the
		// planner and a visibility map for index-only scans.
		if _, err := n.store.DB().ExecContext(context.Background(), "VACUUM ANALYZE users"); err != nil {
			b.Fatal(err)
		}
	}
	if got := mustCall(b, c, 200, "GET", base+"/api/users?top=1", n.token, nil)["count"]; got != float64(Users+1) {
		b.Fatalf("seeded count %v", got)
	}
	b.Logf("seeded %d users in %v", Users, time.Since(start).Round(time.Millisecond))
	return n
}

func BenchmarkUsers(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			if kind == "postgres" && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("set SWITCHBOARD_TEST_POSTGRES to benchmark PostgreSQL")
			}
			dsn := storetest.DSN(b, kind)
			n := seed(b, dsn)
			b.Run("GetUser/http", func(b *testing.B) { benchGetHTTP(b, n) })
			b.Run("GetUser/store", func(b *testing.B) { benchGetStore(b, n) })
			b.Run("GetUser/ratio", func(b *testing.B) { benchGetRatio(b, n) })
			b.Run("Search", func(b *testing.B) { benchSearch(b, n) })
			b.Run("Portal/users-pages", func(b *testing.B) { benchPortalUsers(b, n) })
			b.Run("CreateUser/default-argon2id", func(b *testing.B) { benchCreate(b, n.base, n.token) })
			// A second node on the same database with cheap hashing shows
			// what the API costs apart from argon2id.
			_, fastBase := startNode(b, dsn, auth.FastParams)
			fastToken := signIn(b, newClient(), fastBase, "boss", bossPassword, domain)
			b.Run("CreateUser/fast-hash", func(b *testing.B) { benchCreate(b, fastBase, fastToken) })
		})
	}
}

// parallelism is the goroutines per CPU for the point reads, the same for
// HTTP and the store so the ratio compares like with like.
const parallelism = 4

func benchGetHTTP(b *testing.B, n *node) {
	var seq atomic.Uint64
	b.SetParallelism(parallelism)
	stop := profileCPU(b, "BENCH_HTTP_CPUPROFILE")
	defer stop()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(seq.Add(1), 7))
		for pb.Next() {
			id := n.ids[rng.IntN(len(n.ids))]
			code, _, err := call(n.client, "GET", n.base+"/api/users/"+id, n.token, nil)
			if err != nil || code != 200 {
				b.Errorf("GET user: %d %v", code, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func benchGetStore(b *testing.B, n *node) {
	var seq atomic.Uint64
	ctx := context.Background()
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(seq.Add(1), 7))
		for pb.Next() {
			if _, err := n.store.GetUser(ctx, n.tenant, n.ids[rng.IntN(len(n.ids))]); err != nil {
				b.Errorf("store GetUser: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func benchSearch(b *testing.B, n *node) {
	lat := make([]time.Duration, 0, b.N)
	hits := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		term := searchTerms[i%len(searchTerms)]
		start := time.Now()
		code, raw, err := call(n.client, "GET", n.base+"/api/users?top=100&search="+urlEscape(term), n.token, nil)
		lat = append(lat, time.Since(start))
		if os.Getenv("BENCH_VERBOSE") != "" {
			b.Logf("%q %v", term, time.Since(start))
		}
		if err != nil || code != 200 {
			b.Fatalf("search %q: %d %v", term, code, err)
		}
		if !bytes.Contains(raw, []byte(`"count":0`)) {
			hits++
		}
	}
	b.StopTimer()
	if hits == 0 {
		b.Fatal("no search matched anything: the benchmark measures nothing")
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}

var created atomic.Int64

func benchCreate(b *testing.B, base, token string) {
	c := newClient()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := created.Add(1)
			code, raw, err := call(c, "POST", base+"/api/users", token, map[string]any{
				"name": fmt.Sprintf("new%d", k), "email": fmt.Sprintf("new%d@%s", k, domain),
				"extension_number": strconv.FormatInt(900000+k, 10), "password": "Created-user-pw-1",
				"first_name": "Nouveau", "last_name": "Créé"})
			if err != nil || code != 201 {
				b.Errorf("create: %d %v %s", code, err, raw)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "users/s")
}

// profileCPU writes a CPU profile of what follows to the file named by
// the environment variable env, when set (the whole process: client and
// server), so a profile shows the HTTP reads without the seeding.
func profileCPU(b *testing.B, env string) func() {
	path := os.Getenv(env)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func urlEscape(s string) string {
	var out []byte
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			out = append(out, c)
		default:
			out = append(out, fmt.Sprintf("%%%02X", c)...)
		}
	}
	return string(out)
}
