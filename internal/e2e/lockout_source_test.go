package e2e

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestLockoutCannotShutOut: an attacker who fails the SystemAdmin's
// password from one address locks only that address for the account;
// the SystemAdmin signs in from another address with the right password,
// only slowed down (by at least the first delay); on PostgreSQL a second
// node sees the same counts. Through HTTP, a trusted proxy's
// X-Forwarded-For is the address that counts.
func TestLockoutCannotShutOut(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, kind)
			tune := func(c *config.Config) {
				c.Login = config.LoginLimits{AccountLimit: 3, SourceLimit: 50, Window: time.Minute, Lockout: 10 * time.Minute, Delay: 200 * time.Millisecond}
				c.Net.TrustedProxies = "127.0.0.1"
				if err := c.Net.Validate(); err != nil {
					t.Fatal(err)
				}
			}
			s := startServerWith(t, dsn, tune, nil)
			ctx := context.Background()
			dir := s.app.Directory()
			const attacker, owner = "198.51.100.66", "203.0.113.7"
			for i := 0; i < 5; i++ {
				if _, err := dir.SignIn(ctx, "admin", "guess-"+string(rune('a'+i)), "", attacker); err == nil {
					t.Fatal("a wrong password signed in")
				}
			}
			var le *directory.LockedError
			if _, err := dir.SignIn(ctx, "admin", adminPassword, "", attacker); !errors.As(err, &le) {
				t.Fatalf("the attacker's address after 5 failures: %v, want locked", err)
			}
			start := time.Now()
			if _, err := dir.SignIn(ctx, "admin", adminPassword, "", owner); err != nil {
				t.Fatalf("the SystemAdmin from a clean address with the right password: %v", err)
			}
			if took := time.Since(start); took < 200*time.Millisecond {
				t.Fatalf("a sign-in on an account under attack was not slowed (took %v)", took)
			}
			if kind == "postgres" {
				other := startServerWith(t, dsn, tune, nil)
				if _, err := other.app.Directory().SignIn(ctx, "admin", adminPassword, "", attacker); !errors.As(err, &le) {
					t.Fatalf("another node let the locked address in: %v", err)
				}
			}

			// Through HTTP behind a trusted proxy: the forwarded address is
			// the one locked, the proxy itself is not.
			signIn := func(from, password string) int {
				req, _ := http.NewRequest("POST", s.base+"/api/auth/sign_in", strings.NewReader(`{"username":"admin","password":"`+password+`"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", from)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			for i := 0; i < 3; i++ {
				if st := signIn("198.51.100.99", "wrong"); st != 401 {
					t.Fatalf("wrong password over HTTP: %d", st)
				}
			}
			if st := signIn("198.51.100.99", adminPassword); st != 429 {
				t.Fatalf("the forwarded attacker address: %d, want 429", st)
			}
			if st := signIn("198.51.100.100", adminPassword); st != 200 {
				t.Fatalf("another client behind the same proxy: %d, want 200", st)
			}
		})
	}
}
