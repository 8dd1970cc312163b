package e2e

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestTCPFailuresCountPerConnection: a guesser failing on its TCP
// connection has that connection ignored at the limit, while another
// phone's new TCP connection from the same address still registers: the
// address is not banned for one connection's failures. On the old code
// the address was banned and the phone got no answer.
func TestTCPFailuresCountPerConnection(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			s := startServerWith(t, storetest.DSN(t, kind), func(c *config.Config) {
				c.SIP = config.DefaultSIPSettings
				c.SIP.FailLimit = 6
			}, nil)
			sipTenant(s, "acme.example")
			guesser := s.newUA("tcp", "201", "acme.example", "wrong-password")
			for i := 0; i < 6; i++ {
				if res := guesser.register("Contact: "+guesser.localContact("201"), "Expires: 300"); res.StatusCode != 401 {
					t.Fatalf("guess %d: %v", i, res)
				}
			}
			if res := guesser.raw(guesser.request("Contact: "+guesser.localContact("201"), "Expires: 300"), time.Second); res != nil {
				t.Fatalf("the guesser's connection after the limit: %v", res)
			}
			phone := s.newUA("tcp", "202", "acme.example", "Sip-secret-202")
			if res := phone.register("Contact: "+phone.localContact("202"), "Expires: 300"); res.StatusCode != 200 {
				t.Fatalf("another connection from the same address: %v", res)
			}
		})
	}
}
