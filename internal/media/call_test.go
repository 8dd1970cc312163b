package media

import (
	"testing"

	"github.com/emiago/sipgo/sip"
)

// Keys sent by SIP INFO, as desk phones and gateways send them.
func TestInfoKey(t *testing.T) {
	for _, c := range []struct {
		ct, body string
		want     rune
		ok       bool
	}{
		{"application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", '5', true},
		{"application/dtmf-relay", "signal= #\nDuration=100", '#', true},
		{"application/dtmf-relay", "Signal=11\r\n", '#', true},
		{"application/dtmf-relay", "Signal=10\r\n", '*', true},
		{"application/dtmf", "7", '7', true},
		{"Application/DTMF-Relay; charset=x", "Signal=a", 'A', true},
		{"application/dtmf-relay", "Signal=55", 0, false},
		{"text/plain", "Signal=5", 0, false},
	} {
		req := sip.NewRequest(sip.INFO, sip.Uri{User: "x", Host: "127.0.0.1"})
		req.AppendHeader(sip.NewHeader("Content-Type", c.ct))
		req.SetBody([]byte(c.body))
		if got, ok := infoKey(req); got != c.want || ok != c.ok {
			t.Errorf("%s %q: %q %v, want %q %v", c.ct, c.body, got, ok, c.want, c.ok)
		}
	}
}
