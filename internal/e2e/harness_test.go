// Package e2e tests Switchboard through its public HTTP surface on a real
// server bound to a random loopback port, on SQLite and on PostgreSQL.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/app"
	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// adminPassword is the bootstrap SystemAdmin's password in tests.
const adminPassword = "e2e-admin-Secret-42"

// server is a running Switchboard node under test.
type server struct {
	t      *testing.T
	base   string
	logs   *syncBuffer
	app    *app.App
	client *http.Client  // records every exchange for the secret scan
	skew   *atomic.Int64 // nanoseconds added to the server's clock
	// stop shuts the node down (gracefully) and waits for it; the test's
	// cleanup does it too.
	stop func()
}

// advance moves the server's clock forward (token expiry).
func (s *server) advance(d time.Duration) { s.skew.Add(int64(d)) }

// syncBuffer collects the server's log lines so tests can scan them.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eachDB runs fn against a fresh server on SQLite and on PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, s *server)) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, startServer(t, storetest.DSN(t, kind)))
		})
	}
}

// startServer starts a node on dbURL ("" for SQLite in a temp dir).
func startServer(t *testing.T, dbURL string) *server {
	t.Helper()
	return startServerWith(t, dbURL, nil, nil)
}

// startServerWith starts a node whose configuration and options tune may
// change first.
func startServerWith(t *testing.T, dbURL string, tune func(*config.Config), hash *auth.Params) *server {
	t.Helper()
	cfg := &config.Config{DataDir: t.TempDir(), DB: dbURL, HTTPAddr: "127.0.0.1:0", SIPAddr: "127.0.0.1:0",
		AdminPassword: adminPassword, LogLevel: "debug",
		// Tests fail sign-ins on purpose; TestLockout sets real limits.
		Login: config.LoginLimits{AccountLimit: 1000, SourceLimit: 100000, Window: time.Minute, Lockout: time.Minute}}
	if tune != nil {
		tune(cfg)
	}
	if hash == nil {
		hash = &auth.FastParams
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	skew := &atomic.Int64{}
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	a, err := app.Start(ctx, cfg, log, app.Options{HashParams: hash, Out: io.Discard, Clock: clock})
	if err != nil {
		cancel()
		t.Fatalf("start server: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: 30 * time.Second}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			// Close the client's idle connections first: the server's graceful
			// shutdown waits a while for connections that never sent a request.
			hc.CloseIdleConnections()
			cancel()
			defer func() { suite.addLogs(logs.String()) }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Error("server did not shut down")
			}
		})
	}
	t.Cleanup(stop)
	s := &server{t: t, base: "http://" + a.HTTPAddr(), logs: logs, app: a, client: hc, skew: skew, stop: stop}
	hc.Transport = &recordingTransport{s: s, next: hc.Transport}
	return s
}

// recordingTransport keeps every exchange of the suite's clients for the
// secret scan (leakscan_test.go).
type recordingTransport struct {
	s    *server
	next http.RoundTripper
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var sent []byte
	if r.Body != nil {
		var err error
		if sent, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body.Close()
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(sent))
	}
	res, err := rt.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	got, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(got))
	suite.record(rt.s.t.Name(), r.Method, r.URL.Path, sent, got)
	statusSeen.record(rt.s.t.Name(), r.Method, r.URL.Path, res.StatusCode)
	return res, nil
}

// CloseIdleConnections lets the suite close the transport's idle
// connections before the server shuts down.
func (rt *recordingTransport) CloseIdleConnections() {
	if c, ok := rt.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// as returns a client of the server that calls with token ("" for none).
func (s *server) as(token string) *client.Client {
	return client.New(s.base, client.WithToken(token), client.WithHTTPClient(s.client))
}

// response is a finished raw exchange.
type response struct{ *client.Response }

// JSON decodes the body into a generic value.
func (r *response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// ErrField returns the first error's code and field.
func (r *response) ErrField(t *testing.T) (code, field string) {
	t.Helper()
	return errField(t, r.Err())
}

// errField returns the code and field of an API error, failing the test
// unless err is one with a message.
func errField(t *testing.T, err error) (code, field string) {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) || len(e.Errors) == 0 {
		t.Fatalf("not an error envelope: %v", err)
	}
	if e.Message() == "" {
		t.Fatalf("error without message: %v", err)
	}
	return e.Code(), e.Field()
}

// do sends a raw request: the one way of the suite to send what the client
// does not (malformed bodies, wrong types, unknown members, nulls). who is
// a bearer token (string, "" for none) or a *client.Client; body may be
// nil, a string or []byte (sent as is) or a value (encoded as JSON).
func (s *server) do(method, path string, who any, body any) *response {
	s.t.Helper()
	var c *client.Client
	switch w := who.(type) {
	case string:
		c = s.as(w)
	case *client.Client:
		c = w
	default:
		s.t.Fatalf("do: caller %T", who)
	}
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			s.t.Fatal(err)
		}
	}
	if body != nil && raw == nil {
		raw = []byte{}
	}
	r, err := c.Raw(context.Background(), method, path, "application/json", raw)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	return &response{r}
}

// serverErrors returns the server's error log lines.
func (s *server) serverErrors() string {
	var errs []string
	for _, l := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(l, `"level":"ERROR"`) {
			errs = append(errs, l)
		}
	}
	return strings.Join(errs, "\n")
}

// must sends a raw request and fails the test unless the status is want.
func (s *server) must(want int, method, path string, who any, body any) *response {
	s.t.Helper()
	r := s.do(method, path, who, body)
	if r.Status != want {
		s.t.Fatalf("%s %s: status %d, want %d: %s\nserver errors: %s", method, path, r.Status, want, r.Body, s.serverErrors())
	}
	return r
}

// ok fails the test on err, with the server's error log lines.
func (s *server) ok(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("%v\nserver errors: %s", err, s.serverErrors())
	}
}

// ok returns a client call's value, failing the test on its error:
// u := ok(c.GetUser(ctx, id))(s).
func ok[T any](v T, err error) func(*server) T {
	return func(s *server) T {
		s.t.Helper()
		s.ok(err)
		return v
	}
}

// status returns the HTTP status of a client call's error (0 for none).
func status(err error) int { return client.StatusOf(err) }

// wantStatus fails unless a client call failed with status (or, with 0,
// succeeded).
func wantStatus(t *testing.T, err error, want int, what string) {
	t.Helper()
	if got := client.StatusOf(err); got != want || (want == 0 && err != nil) {
		t.Fatalf("%s: %v, want status %d", what, err, want)
	}
}

// login signs in and returns a client with the session's token.
func (s *server) login(username, password, domain string) *client.Client {
	s.t.Helper()
	r := ok(s.as("").SignIn(context.Background(), client.SignInRequest{Username: username, Password: password, Domain: domain}))(s)
	if r.AccessToken == "" {
		s.t.Fatalf("sign-in of %s answered no token: %+v", username, r)
	}
	return s.as(r.AccessToken)
}

// system signs in as the bootstrap SystemAdmin.
func (s *server) system() *client.Client { return s.login("admin", adminPassword, "") }

// newTenant creates a tenant with an Admin "boss" and returns the
// tenant's id and the Admin's client.
func (s *server) newTenant(domain string) (string, *client.Client) {
	s.t.Helper()
	r := ok(s.system().CreateTenant(context.Background(), client.TenantCreate{Name: "Tenant " + domain, Domain: domain,
		Admin: client.TenantAdmin{Name: "boss", Password: "boss-Password-1", Email: "boss@" + domain, ExtensionNumber: "100"}}))(s)
	return r.ID, s.login("boss", "boss-Password-1", domain)
}

// signIn returns an access token.
func (s *server) signIn(username, password, domain string) string {
	s.t.Helper()
	r := ok(s.as("").SignIn(context.Background(), client.SignInRequest{Username: username, Password: password, Domain: domain}))(s)
	return r.AccessToken
}

// adminToken signs in as the bootstrap SystemAdmin.
func (s *server) adminToken() string { return s.signIn("admin", adminPassword, "") }

// tenant creates a tenant with an Admin and returns the Admin's token.
func (s *server) tenant(domain string) (tenantID, adminToken string) {
	s.t.Helper()
	id, _ := s.newTenant(domain)
	return id, s.signIn("boss", "boss-Password-1", domain)
}

// createUser creates a user from a raw body and returns its id.
func (s *server) createUser(who any, fields map[string]any) string {
	s.t.Helper()
	r := s.must(201, "POST", "/api/users", who, fields)
	return r.JSON(s.t)["id"].(string)
}

// items returns the "items" of a raw list answer.
func items(t *testing.T, r *response) []map[string]any {
	t.Helper()
	raw, _ := r.JSON(t)["items"].([]any)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i] = v.(map[string]any)
	}
	return out
}
