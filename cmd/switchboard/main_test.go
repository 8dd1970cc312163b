package main

// These tests build the real binary and run it as a user would: flags,
// environment, exit codes, stdout/stderr, SIGTERM, restarts.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "switchboard-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "switchboard")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(goTool, "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// lockedBuffer is an io.Writer safe to read while the process writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is a running switchboard process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *lockedBuffer
	done           chan error
}

// env is a clean environment: no SWITCHBOARD_* from the caller, plus extra.
func env(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SWITCHBOARD_") {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

func start(t *testing.T, environ []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(binary, args...), stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = environ
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits up to d for the process to exit and returns its exit code.
func (p *proc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // let Cleanup's receive succeed
		if err == nil {
			return 0
		}
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		t.Fatalf("wait: %v", err)
	case <-time.After(d):
		t.Fatalf("process still running after %v\nstdout: %s\nstderr: %s", d, p.stdout, p.stderr)
	}
	return -1
}

// run runs the binary to completion (at most 30 s).
func run(t *testing.T, environ []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	p := start(t, environ, args...)
	code = p.wait(t, 30*time.Second)
	return code, p.stdout.String(), p.stderr.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitHealthy polls /healthz for up to 15 s.
func waitHealthy(t *testing.T, p *proc, addr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("server exited: %v\nstderr: %s", err, p.stderr)
		default:
		}
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server at %s not healthy\nstderr: %s", addr, p.stderr)
}

func post(t *testing.T, url, token string, body any) (int, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return doJSON(t, req)
}

func get(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return doJSON(t, req)
}

func doJSON(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return res.StatusCode, m
}

func signIn(t *testing.T, addr, password string) (int, string) {
	t.Helper()
	code, m := post(t, "http://"+addr+"/api/auth/sign_in", "", map[string]any{"username": "admin", "password": password})
	tok, _ := m["access_token"].(string)
	return code, tok
}

func TestVersionAndUsage(t *testing.T) {
	code, out, _ := run(t, env(), "version")
	if code != 0 || !strings.HasPrefix(out, "switchboard ") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, _, errOut := run(t, env())
	if code != 2 || !strings.Contains(errOut, "Usage:") {
		t.Fatalf("no command: %d %q", code, errOut)
	}
	code, _, errOut = run(t, env(), "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
	code, out, _ = run(t, env(), "openapi")
	if code != 0 || !strings.Contains(out, `"openapi": "3.`) {
		t.Fatalf("openapi: %d %.200s", code, out)
	}
}

func TestBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"serve", "--bogus"}, nil, "bogus"},
		{[]string{"serve", "--http", "not-an-address"}, nil, "--http"},
		{[]string{"serve", "--http", "127.0.0.1:99999"}, nil, "--http"},
		{[]string{"serve", "--sip", "localhost"}, nil, "--sip"},
		{[]string{"serve", "--log-level", "chatty"}, nil, "log"},
		{[]string{"serve"}, []string{"SWITCHBOARD_HTTP=nope"}, "--http"},
		{[]string{"serve", "--db", "mysql://root@127.0.0.1/x"}, nil, "--db"},
		{[]string{"migrate", "--bogus"}, nil, "bogus"},
	} {
		environ := env(append([]string{"SWITCHBOARD_DATA_DIR=" + dir}, c.env...)...)
		code, _, errOut := run(t, environ, c.args...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v %v: exit %d, stderr %q (want it to mention %q)", c.args, c.env, code, errOut, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused start wrote to the data dir: %v", entries)
	}
}

func TestUnreachableDatabase(t *testing.T) {
	closed := freeAddr(t) // nothing listens there once freeAddr returns
	dsn := "postgres://sbuser:TopSecretPw@" + closed + "/x?sslmode=disable&connect_timeout=2"
	start := time.Now()
	code, _, errOut := run(t, env(), "serve", "--db", dsn, "--http", freeAddr(t))
	if code == 0 || !strings.Contains(errOut, "cannot reach PostgreSQL at "+closed) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(errOut, "TopSecretPw") {
		t.Fatalf("the database password leaked: %q", errOut)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("took %v to give up", d)
	}
}

func TestBusyPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	code, _, errOut := run(t, env("SWITCHBOARD_ADMIN_PASSWORD=Busy-port-pw-1"), "serve", "--data-dir", t.TempDir(), "--http", l.Addr().String())
	if code == 0 || !strings.Contains(errOut, "cannot listen for HTTP on "+l.Addr().String()) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// TestGeneratedPasswordRestartAndSIGTERM covers the first start (generated
// password printed once), SIGTERM, and a restart that keeps the data.
func TestGeneratedPasswordRestartAndSIGTERM(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dataDir := t.TempDir()
			args := []string{"serve", "--data-dir", dataDir}
			if kind == "postgres" {
				args = append(args, "--db", storetest.DSN(t, kind))
			}
			addr := freeAddr(t)
			p := start(t, env(), append(args, "--http", addr)...)
			waitHealthy(t, p, addr)
			out := p.stdout.String()
			i := strings.Index(out, "generated password: ")
			if i < 0 {
				t.Fatalf("no generated password on stdout: %q", out)
			}
			password := strings.Fields(out[i+len("generated password: "):])[0]
			if strings.Count(out, password) != 1 || strings.Contains(p.stderr.String(), password) {
				t.Fatal("the generated password is shown more than once or logged")
			}
			code, token := signIn(t, addr, password)
			if code != 200 {
				t.Fatalf("sign in with the generated password: %d", code)
			}
			code, _ = post(t, "http://"+addr+"/api/tenants", token, map[string]any{"name": "Acme", "domain": "acme.example",
				"admin": map[string]any{"name": "boss", "password": "boss-Password-1", "email": "boss@acme.example", "extension_number": "100"}})
			if code != 201 {
				t.Fatalf("create tenant: %d", code)
			}
			if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if code := p.wait(t, 20*time.Second); code != 0 {
				t.Fatalf("SIGTERM exit %d\nstderr: %s", code, p.stderr)
			}
			if !strings.Contains(p.stderr.String(), "shutting down") {
				t.Fatalf("no shutdown log: %s", p.stderr)
			}

			addr = freeAddr(t)
			p = start(t, env(), append(args, "--http", addr)...)
			waitHealthy(t, p, addr)
			if strings.Contains(p.stdout.String(), "generated password") {
				t.Fatal("a restart printed a new password")
			}
			code, token = signIn(t, addr, password)
			if code != 200 {
				t.Fatalf("sign in after restart: %d", code)
			}
			code, list := get(t, "http://"+addr+"/api/tenants?filter=domain%20eq%20'acme.example'", token)
			if code != 200 || list["count"] != float64(1) {
				t.Fatalf("tenant after restart: %d %v", code, list)
			}
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			if code := p.wait(t, 20*time.Second); code != 0 {
				t.Fatalf("second SIGTERM exit %d", code)
			}
		})
	}
}

func TestEnvironmentAndAdminPassword(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	p := start(t, env("SWITCHBOARD_DATA_DIR="+dir, "SWITCHBOARD_HTTP="+addr, "SWITCHBOARD_SIP=127.0.0.1:0",
		"SWITCHBOARD_ADMIN_PASSWORD=Env-admin-pw-77"), "serve")
	waitHealthy(t, p, addr)
	if code, _ := signIn(t, addr, "Env-admin-pw-77"); code != 200 {
		t.Fatalf("sign in with SWITCHBOARD_ADMIN_PASSWORD: %d", code)
	}
	if strings.Contains(p.stdout.String()+p.stderr.String(), "Env-admin-pw-77") {
		t.Fatal("the admin password was printed")
	}
	if _, err := os.Stat(filepath.Join(dir, "switchboard.db")); err != nil {
		t.Fatalf("SWITCHBOARD_DATA_DIR not used: %v", err)
	}
	if strings.Contains(p.stderr.String(), "already exists") {
		t.Fatalf("a warning on the first start: %s", p.stderr.String())
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait(t, 20*time.Second)

	// A second start with another password: the variable is ignored (the
	// admin exists), and the server says so and how to reset it.
	p = start(t, env("SWITCHBOARD_DATA_DIR="+dir, "SWITCHBOARD_HTTP="+addr, "SWITCHBOARD_SIP=127.0.0.1:0",
		"SWITCHBOARD_ADMIN_PASSWORD=Other-admin-pw-78"), "serve")
	waitHealthy(t, p, addr)
	if code, _ := signIn(t, addr, "Env-admin-pw-77"); code != 200 {
		t.Fatalf("the first password after a restart: %d", code)
	}
	logs := p.stderr.String()
	if !strings.Contains(logs, "SWITCHBOARD_ADMIN_PASSWORD is set but the SystemAdmin already exists") ||
		!strings.Contains(logs, "switchboard user reset-password admin") || strings.Contains(logs, "Other-admin-pw-78") {
		t.Fatalf("no warning about the ignored variable: %s", logs)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait(t, 20*time.Second)
}

func TestMigrateAndNoMigrate(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := run(t, env(), "serve", "--data-dir", dir, "--no-migrate", "--http", freeAddr(t))
	if code == 0 || !strings.Contains(errOut, "switchboard migrate") {
		t.Fatalf("serve --no-migrate on an empty database: %d %q", code, errOut)
	}
	code, out, errOut := run(t, env(), "migrate", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "schema is up to date") {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	if code, _, _ := run(t, env(), "migrate", "--data-dir", dir); code != 0 {
		t.Fatal("a second migrate failed")
	}
	addr := freeAddr(t)
	p := start(t, env("SWITCHBOARD_ADMIN_PASSWORD=Migrated-pw-1"), "serve", "--data-dir", dir, "--no-migrate", "--http", addr)
	waitHealthy(t, p, addr)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestGracefulShutdownFinishesRequests sends SIGTERM while requests are in
// flight: each gets a full answer, and the process exits 0.
func TestGracefulShutdownFinishesRequests(t *testing.T) {
	addr := freeAddr(t)
	p := start(t, env("SWITCHBOARD_ADMIN_PASSWORD=Graceful-pw-1"), "serve", "--data-dir", t.TempDir(), "--http", addr)
	waitHealthy(t, p, addr)
	// Sign-ins run argon2id at the production cost, two at a time: eight
	// of them are still queued or hashing when the signal lands. Each
	// request is written whole on its own connection before the signal.
	const n = 8
	body := `{"username":"admin","password":"Graceful-pw-1"}`
	req := fmt.Sprintf("POST /api/auth/sign_in HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		addr, len(body), body)
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	// The server accepts them (it is still hashing). 100 ms was too short
	// on a loaded machine: a connection still in the kernel's backlog when
	// the listener closes gets EOF, which no server can avoid.
	time.Sleep(500 * time.Millisecond)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	sent := time.Now()
	for i, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("request %d answered %d", i, res.StatusCode)
		}
	}
	if code := p.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("exit %d: %s", code, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "shutting down") {
		t.Fatalf("no shutdown log: %s", p.stderr)
	}
	t.Logf("all %d in-flight requests answered; exited %v after SIGTERM", n, time.Since(sent))
}
