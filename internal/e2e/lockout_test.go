package e2e

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestSignInLockout(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			s := startServerWith(t, storetest.DSN(t, kind), func(c *config.Config) {
				c.Login = config.LoginLimits{AccountLimit: 3, SourceLimit: 8, Window: time.Minute, Lockout: 2 * time.Minute}
			}, nil)
			_, boss := s.tenant("acme.example")
			for _, n := range []string{"ann", "bob"} {
				s.createUser(boss, map[string]any{"name": n, "email": n + "@acme.example", "extension_number": map[string]string{"ann": "200", "bob": "201"}[n], "password": n + "-Password-1"})
			}
			// tenant() signed the SystemAdmin and boss in: successes do not count.
			for i := 0; i < 3; i++ {
				s.must(401, "POST", "/api/auth/sign_in", "", signInAs("ann", "wrong-password-"+strconv.Itoa(i), "acme.example"))
			}
			locked := s.must(429, "POST", "/api/auth/sign_in", "", signInAs("ann", "ann-Password-1", "acme.example"))
			if code, _ := locked.ErrField(t); code != "TOO_MANY_REQUESTS" {
				t.Fatal(code)
			}
			if ra, _ := strconv.Atoi(locked.Header.Get("Retry-After")); ra < 100 || ra > 120 {
				t.Fatalf("Retry-After %q", locked.Header.Get("Retry-After"))
			}
			// Unknown names lock the same way and answer the same.
			for i := 0; i < 3; i++ {
				s.must(401, "POST", "/api/auth/sign_in", "", signInAs("ghost", "wrong-password-1", "acme.example"))
			}
			ghost := s.must(429, "POST", "/api/auth/sign_in", "", signInAs("ghost", "wrong-password-1", "acme.example"))
			if string(ghost.Body)[:40] != string(locked.Body)[:40] {
				t.Fatalf("answers differ: %s / %s", ghost.Body, locked.Body)
			}
			// Six failures from this address so far; bob is fine until eight.
			s.must(200, "POST", "/api/auth/sign_in", "", signInAs("bob", "bob-Password-1", "acme.example"))
			s.must(401, "POST", "/api/auth/sign_in", "", signInAs("bob", "wrong-password-1", "acme.example"))
			s.must(401, "POST", "/api/auth/sign_in", "", signInAs("bob", "wrong-password-2", "acme.example"))
			s.must(429, "POST", "/api/auth/sign_in", "", signInAs("bob", "bob-Password-1", "acme.example"))
			// API key guessing from the locked address is refused as well.
			s.must(429, "POST", "/api/auth/token", "", map[string]any{"token": "sbk_x", "secret": "y"})
			// Locks end.
			s.advance(2*time.Minute + time.Second)
			s.signIn("ann", "ann-Password-1", "acme.example")
			s.signIn("bob", "bob-Password-1", "acme.example")
			// A success forgets the account's failures: two more are fine.
			for i := 0; i < 2; i++ {
				s.must(401, "POST", "/api/auth/sign_in", "", signInAs("ann", "wrong-password-x", "acme.example"))
			}
			s.signIn("ann", "ann-Password-1", "acme.example")
			// Failures spread wider than the window do not add up.
			for i := 0; i < 4; i++ {
				s.must(401, "POST", "/api/auth/sign_in", "", signInAs("bob", "wrong-password-y", "acme.example"))
				s.advance(31 * time.Second)
			}
			s.signIn("bob", "bob-Password-1", "acme.example")
		})
	}
}

// TestParallelSignInsBoundMemory sends 200 sign-ins at once to a node
// hashing at the production argon2id cost (19 MiB each). Unbounded, they
// would need 3.8 GiB; the hasher runs two at a time.
func TestParallelSignInsBoundMemory(t *testing.T) {
	s := startServerWith(t, "", nil, &auth.DefaultParams)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	var wg sync.WaitGroup
	var ok atomic.Int32
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := s.do("POST", "/api/auth/sign_in", "", signInAs("admin", adminPassword, "")); r.Status == 200 {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	if ok.Load() != 200 {
		t.Fatalf("%d of 200 sign-ins succeeded", ok.Load())
	}
	if p := peak.Load(); p > 256<<20 {
		t.Fatalf("heap peaked at %d MiB", p>>20)
	}
	t.Logf("heap peak %d MiB for 200 parallel sign-ins", peak.Load()>>20)
}
