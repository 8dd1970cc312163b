package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// Each node answers access tokens from memory (the principal cache), so
// these tests first use a token on the node that must refuse it later:
// a refusal then proves the change reached that node's cache, not merely
// the database.

// revocation is one way a token stops working: begin prepares it on
// node a, end makes the change on node a.
type revocation struct {
	name  string
	begin func(t *testing.T, a *server, ctx context.Context) ticket
	end   func(t *testing.T, a *server, ctx context.Context, tk ticket)
}

// ticket is an access token (and the API key it came from, if any), a
// request it passes, and the status that request gets once it is
// revoked.
type ticket struct {
	access, key, path string
	refused           int
}

func revocations() []revocation {
	return []revocation{
		{"sign-out", func(t *testing.T, a *server, ctx context.Context) ticket {
			return ticket{access: a.signIn("ann", "Ann-password-1", "sess.example"), path: "/api/user", refused: 401}
		}, func(t *testing.T, a *server, ctx context.Context, tk ticket) {
			a.ok(a.as(tk.access).SignOut(ctx))
		}},
		{"password change ends the other sessions", func(t *testing.T, a *server, ctx context.Context) ticket {
			return ticket{access: a.signIn("ben", "Ben-password-1", "sess.example"), path: "/api/user", refused: 401}
		}, func(t *testing.T, a *server, ctx context.Context, _ ticket) {
			a.ok(a.login("ben", "Ben-password-1", "sess.example").ChangePassword(ctx, "Ben-password-1", "Ben-password-2"))
		}},
		{"user disabled", func(t *testing.T, a *server, ctx context.Context) ticket {
			return ticket{access: a.signIn("cat", "Cat-password-1", "sess.example"), path: "/api/user", refused: 401}
		}, func(t *testing.T, a *server, ctx context.Context, _ ticket) {
			a.must(204, "POST", "/api/users/"+userID(t, a, "cat"), bossOf(a), map[string]any{"enabled": false})
		}},
		{"role lowered", func(t *testing.T, a *server, ctx context.Context) ticket {
			a.ok(bossOf(a).SetUserRole(ctx, userID(t, a, "dan"), "Admin"))
			return ticket{access: a.signIn("dan", "Dan-password-1", "sess.example"), path: "/api/users?top=1", refused: 403}
		}, func(t *testing.T, a *server, ctx context.Context, _ ticket) {
			a.ok(bossOf(a).SetUserRole(ctx, userID(t, a, "dan"), "StandardUser"))
		}},
		{"API key revoked", func(t *testing.T, a *server, ctx context.Context) ticket {
			k := ok(a.login("eve", "Eve-password-1", "sess.example").CreateAPIKey(ctx, "sync"))(a)
			tok := ok(a.as("").APIKeyToken(ctx, k.Token, k.Secret))(a)
			return ticket{access: tok.AccessToken, key: k.Token, path: "/api/user", refused: 401}
		}, func(t *testing.T, a *server, ctx context.Context, tk ticket) {
			a.ok(a.login("eve", "Eve-password-1", "sess.example").DeleteAPIKey(ctx, tk.key))
		}},
	}
}

func bossOf(s *server) *client.Client { return s.login("boss", "boss-Password-1", "sess.example") }

func userID(t *testing.T, s *server, name string) string {
	t.Helper()
	l := ok(bossOf(s).ListUsers(context.Background(), &client.ListOptions{Filter: "name eq '" + name + "'"}))(s)
	if len(l.Items) != 1 {
		t.Fatalf("user %s: %d found", name, len(l.Items))
	}
	return l.Items[0].ID
}

// sessionTenant makes the tenant and the users the revocations use.
func sessionTenant(s *server) {
	_, boss := s.newTenant("sess.example")
	for i, n := range []string{"ann", "ben", "cat", "dan", "eve"} {
		ok(boss.CreateUser(context.Background(), client.UserCreate{Name: n, Email: n + "@sess.example",
			ExtensionNumber: string(rune('2'+i)) + "00", Password: string(n[0]-32) + n[1:] + "-password-1"}))(s)
	}
}

// TestRevocationsOnOneNode: on one node (SQLite, and PostgreSQL) a token
// in the cache is refused by the very next request after the change.
func TestRevocationsOnOneNode(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		sessionTenant(s)
		ctx := context.Background()
		for _, r := range revocations() {
			t.Run(r.name, func(t *testing.T) {
				tk := r.begin(t, s, ctx)
				s.must(200, "GET", tk.path, tk.access, nil)
				s.must(200, "GET", tk.path, tk.access, nil) // from the cache
				r.end(t, s, ctx, tk)
				s.must(tk.refused, "GET", tk.path, tk.access, nil)
			})
		}
	})
}

// TestRevocationsReachEveryNode: two nodes on one PostgreSQL database. A
// token used on node B (so B holds it in memory) is refused by B once the
// change is made on node A. B hears of it through NOTIFY; the design
// bound is 1 s, and the loop waits up to 5 s so that a loaded machine
// does not fail the test (the speed is not what it checks).
func TestRevocationsReachEveryNode(t *testing.T) {
	dsn := storetest.DSN(t, "postgres")
	a, b := startServer(t, dsn), startServer(t, dsn)
	sessionTenant(a)
	ctx := context.Background()
	for _, r := range revocations() {
		t.Run(r.name, func(t *testing.T) {
			tk := r.begin(t, a, ctx)
			b.must(200, "GET", tk.path, tk.access, nil)
			b.must(200, "GET", tk.path, tk.access, nil) // from B's cache
			r.end(t, a, ctx, tk)
			start := time.Now()
			for {
				got := b.do("GET", tk.path, tk.access, nil).Status
				if got == tk.refused {
					t.Logf("node B refused after %v", time.Since(start).Round(time.Millisecond))
					break
				}
				if got != 200 {
					t.Fatalf("node B answered %d, want 200 until it refuses with %d", got, tk.refused)
				}
				if time.Since(start) > 5*time.Second {
					t.Fatalf("node B still accepts the token 5 s after the change on node A")
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}
