package e2e

import (
	"net"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestSIPTCPRegisteredKept: with short timeouts, a TCP connection whose
// REGISTER succeeded stays open past the idle timeout (calls reach the
// phone through it), while one that only got a challenge is closed.
func TestSIPTCPRegisteredKept(t *testing.T) {
	eachDBWith(t, func(c *config.Config) {
		c.Net.SIPFirstTimeout, c.Net.SIPIdleTimeout = 500*time.Millisecond, 500*time.Millisecond
	}, func(t *testing.T, s *server) {
		sipTenant(s, "acme.example")
		phone := s.newUA("tcp", "201", "acme.example", "Sip-secret-201")
		if res := phone.register("Contact: "+phone.localContact("201"), "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register: %v", res)
		}
		stranger := s.newUA("tcp", "201", "acme.example", "")
		if res := stranger.raw(stranger.request("Contact: "+stranger.localContact("201"), "Expires: 600"), 5*time.Second); res == nil || res.StatusCode != 401 {
			t.Fatalf("unauthenticated REGISTER: %v", res)
		}
		time.Sleep(1500 * time.Millisecond)
		_ = stranger.conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := stranger.conn.Read(make([]byte, 1)); err == nil || isTimeout(err) {
			t.Fatalf("an idle connection without a registration was kept: %v", err)
		}
		if res := phone.register(); res == nil || res.StatusCode != 200 || len(res.GetHeaders("Contact")) != 1 {
			t.Fatalf("the registered connection after the idle timeout: %v", res)
		}
	})
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// eachDBWith is eachDB with tune applied to each node's configuration.
func eachDBWith(t *testing.T, tune func(*config.Config), fn func(t *testing.T, s *server)) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, startServerWith(t, storetest.DSN(t, kind), tune, nil))
		})
	}
}
