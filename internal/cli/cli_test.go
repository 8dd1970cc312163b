package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/app"
	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func run(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"version"}, 0, "switchboard dev", ""},
		{nil, 2, "", "Usage:"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"serve", "--nope"}, 1, "", "flag provided but not defined: -nope"},
		{[]string{"serve", "--http", "8887"}, 1, "", "--http"},
		{[]string{"user"}, 1, "", "switchboard user reset-password"},
		{[]string{"user", "import", "x.csv"}, 1, "", "--tenant DOMAIN is required"},
		{[]string{"user", "list"}, 1, "", "--tenant DOMAIN is required (or --server URL)"},
		{[]string{"user", "list", "--tenant", "a.example", "extra"}, 1, "", "usage:"},
		{[]string{"user", "export", "--tenant", "a.example", "extra"}, 1, "", "usage:"},
		{[]string{"openapi"}, 0, `"openapi": "3.1.0"`, ""},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := run(t, "", nil, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.err) {
				t.Fatalf("code %d out %q err %q", code, out, errOut)
			}
		})
	}
}

func TestMigrateAndResetPassword(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{config.EnvDataDir: dir}
	if code, out, errOut := run(t, "", env, "migrate"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	// Bootstrap the system tenant the way serve does.
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Start(ctx, &config.Config{DataDir: dir, HTTPAddr: "127.0.0.1:0", SIPAddr: "127.0.0.1:0", AdminPassword: "first-Password-1", LogLevel: "info"},
		slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{HashParams: &auth.FastParams})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := a.Serve(ctx); err != nil {
		t.Fatal(err)
	}

	if code, _, errOut := run(t, "short\n", env, "user", "reset-password", "admin"); code != 1 || !strings.Contains(errOut, "password") {
		t.Fatalf("weak password accepted: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, "x-Password-9\n", env, "user", "reset-password", "nobody"); code != 1 || !strings.Contains(errOut, "not found") {
		t.Fatalf("unknown user: %d %q", code, errOut)
	}
	if code, out, errOut := run(t, "second-Password-2\n", env, "user", "reset-password", "admin"); code != 0 || !strings.Contains(out, "changed") {
		t.Fatalf("reset: %d %q %q", code, out, errOut)
	}
	st, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := directory.New(st, auth.NewHasher(auth.FastParams, 1), slog.New(slog.NewTextHandler(io.Discard, nil)), directory.DefaultConfig())
	if r, err := svc.SignIn(context.Background(), "admin", "second-Password-2", "", "test"); err != nil || r.Tokens == nil {
		t.Fatalf("new password does not sign in: %v", err)
	}
	if _, err := svc.SignIn(context.Background(), "admin", "first-Password-1", "", "test"); err == nil {
		t.Fatal("old password still signs in")
	}
	// The operator's reset is in the audit log like any other change.
	n, logs, err := st.ListAuditLogs(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || logs[0].Action != "set_password" || logs[0].UserName != "operator" || logs[0].SourceIP != "cli" ||
		logs[0].ObjectName != "admin" || logs[0].Fields["password"] != "********" {
		t.Fatalf("audit log: %d %+v", n, logs)
	}
}

// TestUserImportExport: the command line's CSV import (dry run with a bad
// row, refused run, fixed run with its progress bar) and export.
func TestUserImportExport(t *testing.T) {
	for _, kind := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(kind, func(t *testing.T) { testUserImportExport(t, storetest.DSN(t, kind)) })
	}
}

func testUserImportExport(t *testing.T, dsn string) {
	dir := t.TempDir()
	env := map[string]string{config.EnvDataDir: dir, config.EnvDB: dsn}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Start(ctx, &config.Config{DataDir: dir, DB: dsn, HTTPAddr: "127.0.0.1:0", SIPAddr: "127.0.0.1:0", AdminPassword: "first-Password-1", LogLevel: "info"},
		slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{HashParams: &auth.FastParams})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := a.Serve(ctx); err != nil {
		t.Fatal(err)
	}
	file := dir + "/users.csv"
	write := func(body string) {
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("email,first name,last name,extension,password\nann@sys.example,Ann,Lee,301,Ann-password-1\nbob@sys.example,Bob,Ray,30x,Bob-password-1\n")
	domain := model.SystemTenantDomain
	code, out, _ := run(t, "", env, "user", "import", file, "--tenant", domain, "--dry-run")
	if code != 1 || !strings.Contains(out, "row 3: extension_number:") || !strings.Contains(out, "nothing changed") {
		t.Fatalf("dry run: %d %q", code, out)
	}
	if code, out, _ := run(t, "", env, "user", "import", "--tenant", domain, file); code != 1 || !strings.Contains(out, "nothing was imported") {
		t.Fatalf("bad import: %d %q", code, out)
	}
	if code, out, _ := run(t, "", env, "user", "export", "--tenant", domain); code != 0 || strings.Contains(out, "ann@") {
		t.Fatalf("export before: %d %q", code, out)
	}
	write("email,first name,last name,extension,password\nann@sys.example,Ann,Lee,301,Ann-password-1\nbob@sys.example,Bob,Ray,302,Bob-password-1\n")
	code, out, errOut := run(t, "", env, "user", "import", file, "--tenant", domain)
	if code != 0 || !strings.Contains(out, "imported 2 users") || !strings.Contains(errOut, "write [") || !strings.Contains(errOut, "100%") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, "", env, "user", "export", "--tenant", domain)
	if code != 0 || !strings.HasPrefix(out, "name,extension_number,email,") || !strings.Contains(out, "ann,301,ann@sys.example,Ann,Lee") ||
		strings.Contains(out, "Ann-password-1") {
		t.Fatalf("export: %d %q", code, out)
	}
	code, out, _ = run(t, "", env, "user", "list", "--tenant", domain, "--orderby", "extension_number desc", "--search", "sys.example")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") ||
		!strings.HasPrefix(lines[1], "bob ") || !strings.Contains(lines[2], "ann@sys.example") || !strings.Contains(lines[2], "true") {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, _, errOut := run(t, "", env, "user", "list", "--tenant", domain, "--filter", "shoe_size gt 3"); code != 1 || !strings.Contains(errOut, "filter") {
		t.Fatalf("a bad filter: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, "", env, "user", "export", "--tenant", "nowhere.example"); code != 1 || !strings.Contains(errOut, "not found") {
		t.Fatalf("unknown tenant: %d %q", code, errOut)
	}
}

// TestUserCommandsThroughTheServer: list, import and export with --server
// go through a running server's API (on a loopback port), as the user of
// an access token or of an API key, in that user's tenant.
func TestUserCommandsThroughTheServer(t *testing.T) {
	for _, kind := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(kind, func(t *testing.T) { testUserCommandsThroughTheServer(t, storetest.DSN(t, kind)) })
	}
}

func testUserCommandsThroughTheServer(t *testing.T, dsn string) {
	ctx := context.Background()
	base := startTestServer(t, dsn)
	anon := client.New(base)
	sys := signedIn(t, anon, "admin", "first-Password-1", "")
	if _, err := sys.CreateTenant(ctx, client.TenantCreate{Name: "Acme", Domain: "acme.example", Admin: client.TenantAdmin{
		Name: "boss", Password: "boss-Password-1", Email: "boss@acme.example", ExtensionNumber: "100"}}); err != nil {
		t.Fatal(err)
	}
	boss := signedIn(t, anon, "boss", "boss-Password-1", "acme.example")
	dir := t.TempDir()
	file := dir + "/users.csv"
	write := func(body string) {
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tokenEnv := map[string]string{"SWITCHBOARD_TOKEN": bossToken(t, anon)}

	// Refused: no credentials, --tenant with --server, a bad token.
	for _, c := range []struct {
		env  map[string]string
		args []string
		err  string
	}{
		{nil, []string{"user", "list", "--server", base}, "SWITCHBOARD_TOKEN"},
		{tokenEnv, []string{"user", "list", "--server", base, "--tenant", "acme.example"}, "--tenant is for the database"},
		{map[string]string{"SWITCHBOARD_TOKEN": "sba_made-up"}, []string{"user", "export", "--server", base}, "401"},
		{map[string]string{"SWITCHBOARD_API_KEY": "sbk_x", "SWITCHBOARD_API_SECRET": "y"}, []string{"user", "list", "--server", base}, "API key"},
	} {
		if code, _, errOut := run(t, "", c.env, c.args...); code != 1 || !strings.Contains(errOut, c.err) {
			t.Fatalf("%v: %d %q", c.args, code, errOut)
		}
	}

	// Import: a dry run with a bad row, a refused run, the fixed file.
	write("email,first name,last name,extension,password\nann@acme.example,Ann,Lee,301,Ann-password-1\nbob@acme.example,Bob,Ray,30x,Bob-password-1\n")
	code, out, _ := run(t, "", tokenEnv, "user", "import", file, "--server", base, "--dry-run")
	if code != 1 || !strings.Contains(out, "row 3: extension_number:") || !strings.Contains(out, "dry run: 2 rows, 1 problems; nothing changed") {
		t.Fatalf("dry run: %d %q", code, out)
	}
	if code, out, _ := run(t, "", tokenEnv, "user", "import", "--server", base, file); code != 1 || !strings.Contains(out, "2 rows, 1 problems; nothing was imported") {
		t.Fatalf("bad import: %d %q", code, out)
	}
	write("email,first name,last name,extension,password\nann@acme.example,Ann,Lee,301,Ann-password-1\nbob@acme.example,Bob,Ray,302,Bob-password-1\n")
	if code, out, errOut := run(t, "", tokenEnv, "user", "import", file, "--server", base); code != 0 || !strings.Contains(out, "imported 2 users") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	if _, err := signedIn(t, anon, "ann", "Ann-password-1", "acme.example").CurrentUser(ctx); err != nil {
		t.Fatalf("an imported user: %v", err)
	}

	// List and export, with an API key of the Admin this time.
	key, err := boss.CreateAPIKey(ctx, "cli")
	if err != nil {
		t.Fatal(err)
	}
	keyEnv := map[string]string{"SWITCHBOARD_API_KEY": key.Token, "SWITCHBOARD_API_SECRET": key.Secret}
	code, out, errOut := run(t, "", keyEnv, "user", "list", "--server", base, "--orderby", "extension_number desc", "--filter", "extension_number ge '300'")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") || !strings.HasPrefix(lines[1], "bob ") ||
		!strings.Contains(lines[2], "ann@acme.example") || !strings.Contains(lines[2], "Ann Lee") || !strings.Contains(lines[2], "StandardUser") {
		t.Fatalf("list: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, "", keyEnv, "user", "export", "--server", base)
	if code != 0 || !strings.HasPrefix(out, "name,extension_number,email,") || !strings.Contains(out, "ann,301,ann@acme.example,Ann,Lee") ||
		strings.Contains(out, "Ann-password-1") || strings.Contains(out, "system.local") {
		t.Fatalf("export: %d %q", code, out)
	}
	// Each run exchanges the key anew (and signs that session out after).
	if code, out, errOut := run(t, "", keyEnv, "user", "list", "--server", base, "--search", "ann"); code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("list again: %d %q %q", code, out, errOut)
	}
}

// startTestServer runs a node on dsn with HTTP on a loopback port and
// returns its base URL.
func startTestServer(t *testing.T, dsn string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Start(ctx, &config.Config{DataDir: t.TempDir(), DB: dsn, HTTPAddr: "127.0.0.1:0", SIPAddr: "127.0.0.1:0",
		AdminPassword: "first-Password-1", LogLevel: "info"},
		slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{HashParams: &auth.FastParams})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + a.HTTPAddr()
}

// signedIn returns c signed in as a user.
func signedIn(t *testing.T, c *client.Client, user, password, domain string) *client.Client {
	t.Helper()
	r, err := c.SignIn(context.Background(), client.SignInRequest{Username: user, Password: password, Domain: domain})
	if err != nil {
		t.Fatal(err)
	}
	return c.With(client.WithToken(r.AccessToken))
}

// bossToken signs in as acme's Admin and returns the access token.
func bossToken(t *testing.T, c *client.Client) string {
	t.Helper()
	r, err := c.SignIn(context.Background(), client.SignInRequest{Username: "boss", Password: "boss-Password-1", Domain: "acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	return r.AccessToken
}

// `switchboard migrate` on a database with emails several users of a
// tenant share (from before emails were unique) succeeds, keeps every
// user and lists the duplicates.
func TestMigrateReportsEmailDuplicates(t *testing.T) {
	for _, kind := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(kind, func(t *testing.T) {
			dsn := storetest.DSN(t, kind)
			env := map[string]string{config.EnvDB: dsn}
			if code, out, errOut := run(t, "", env, "migrate"); code != 0 || strings.Contains(out, "warning") {
				t.Fatalf("migrate: %d %q %q", code, out, errOut)
			}
			ctx := context.Background()
			st, err := store.Open(ctx, dsn, "")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			tn := &model.Tenant{ID: model.NewID(), Name: "Acme", Domain: "acme.example", Enabled: true, TimeZone: "UTC"}
			if err := st.CreateTenant(ctx, tn, nil); err != nil {
				t.Fatal(err)
			}
			for i, name := range []string{"ann", "bea"} {
				u := &model.User{ID: model.NewID(), TenantID: tn.ID, Name: name, Role: model.RoleStandardUser,
					ExtensionNumber: string(rune('1' + i))}
				u.Email, u.Enabled = name+"@mail.example", true
				if err := st.CreateUser(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range []string{`DROP INDEX users_tenant_email_key`, `UPDATE users SET email_lower = 'ann@mail.example'`} {
				if _, err := st.DB().Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			code, out, errOut := run(t, "", env, "migrate")
			if code != 0 || !strings.Contains(out, "up to date") || !strings.Contains(out, "tenant acme.example: ann@mail.example: ann (") ||
				!strings.Contains(out, ", bea (") {
				t.Fatalf("migrate with duplicates: %d %q %q", code, out, errOut)
			}
			if n, err := st.CountUsers(ctx, tn.ID); err != nil || n != 2 {
				t.Fatalf("users after migrate: %d %v", n, err)
			}
		})
	}
}
