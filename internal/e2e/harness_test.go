// Package e2e tests Switchboard through its public HTTP surface on a real
// server bound to a random loopback port, on SQLite and on PostgreSQL.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	client *http.Client
	skew   *atomic.Int64 // nanoseconds added to the server's clock
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
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: 30 * time.Second}
	t.Cleanup(func() {
		// Close the client's idle connections first: the server's graceful
		// shutdown waits a while for connections that never sent a request.
		client.CloseIdleConnections()
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
	return &server{t: t, base: "http://" + a.HTTPAddr(), logs: logs, app: a, client: client, skew: skew}
}

// response is a finished HTTP exchange.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

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
	var e struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Detail  *struct {
				Field string `json:"field"`
			} `json:"detail"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || len(e.Errors) == 0 {
		t.Fatalf("not an error envelope (%d): %s", r.Status, r.Body)
	}
	if e.Errors[0].Message == "" {
		t.Fatalf("error without message: %s", r.Body)
	}
	if e.Errors[0].Detail != nil {
		field = e.Errors[0].Detail.Field
	}
	return e.Errors[0].Code, field
}

// do sends a request. body may be nil, a string (sent as is) or a value
// (encoded as JSON).
func (s *server) do(method, path, token string, body any) *response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	var sent []byte
	switch b := body.(type) {
	case string:
		sent = []byte(b)
	case []byte:
		sent = b
	case nil:
	default:
		sent, _ = json.Marshal(b)
	}
	suite.record(s.t.Name(), method, path, sent, raw)
	return &response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// must sends a request and fails the test unless the status is want.
func (s *server) must(want int, method, path, token string, body any) *response {
	s.t.Helper()
	r := s.do(method, path, token, body)
	if r.Status != want {
		var errs []string
		for _, l := range strings.Split(s.logs.String(), "\n") {
			if strings.Contains(l, `"level":"ERROR"`) {
				errs = append(errs, l)
			}
		}
		s.t.Fatalf("%s %s: status %d, want %d: %s\nserver errors: %s", method, path, r.Status, want, r.Body, strings.Join(errs, "\n"))
	}
	return r
}

// signIn returns an access token.
func (s *server) signIn(username, password, domain string) string {
	s.t.Helper()
	body := map[string]string{"username": username, "password": password}
	if domain != "" {
		body["domain"] = domain
	}
	r := s.must(200, "POST", "/api/auth/sign_in", "", body)
	return r.JSON(s.t)["access_token"].(string)
}

// adminToken signs in as the bootstrap SystemAdmin.
func (s *server) adminToken() string { return s.signIn("admin", adminPassword, "") }

// tenant creates a tenant with an Admin and returns the Admin's token.
func (s *server) tenant(domain string) (tenantID, adminToken string) {
	s.t.Helper()
	r := s.must(201, "POST", "/api/tenants", s.adminToken(), map[string]any{
		"name": "Tenant " + domain, "domain": domain,
		"admin": map[string]string{"name": "boss", "password": "boss-Password-1", "email": "boss@" + domain, "extension_number": "100"},
	})
	return r.JSON(s.t)["id"].(string), s.signIn("boss", "boss-Password-1", domain)
}

// createUser creates a user and returns its id.
func (s *server) createUser(token string, fields map[string]any) string {
	s.t.Helper()
	r := s.must(201, "POST", "/api/users", token, fields)
	return r.JSON(s.t)["id"].(string)
}
