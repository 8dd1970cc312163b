package proxy

import (
	"testing"

	"github.com/emiago/sipgo/sip"
)

// flowSelf is fakeSelf with one open stream flow.
type flowSelf struct {
	fakeSelf
	open string // "TCP 198.51.100.7:40000"
}

func (f flowSelf) FlowOpen(transport, source string) bool { return transport+" "+source == f.open }

// TestApplyFlow: a request to a flow goes where the flow came from, over
// its transport, without the parameter; a TCP flow whose connection is
// no longer open is not sent at all when the phone is behind NAT
// (RFC 5626 flow failure), and goes to the Contact when it is not; a UDP
// flow always is sent.
func TestApplyFlow(t *testing.T) {
	p := &Proxy{self: flowSelf{open: "TCP 198.51.100.7:40000"}}
	for _, c := range []struct {
		uri, dest, transport string
		ok                   bool
	}{
		{"sip:202@10.0.0.2:5060;transport=tcp;sb-flow=tcp~198.51.100.7~40000", "198.51.100.7:40000", "TCP", true},
		{"sip:202@10.0.0.2:5060;transport=tcp;sb-flow=tcp~198.51.100.7~40001", "", "", false},
		{"sip:202@10.0.0.2:5060;sb-flow=udp~198.51.100.7~40001", "198.51.100.7:40001", "UDP", true},
		{"sip:202@198.51.100.7:5070;transport=tcp;sb-flow=tcp~198.51.100.7~40001", "", "UDP", true},
		{"sip:202@192.0.2.2:5060", "", "UDP", true},
	} {
		var u sip.Uri
		if err := sip.ParseUri(c.uri, &u); err != nil {
			t.Fatal(err)
		}
		req := sip.NewRequest(sip.INVITE, u)
		req.SetTransport("UDP")
		ok := p.applyFlow(req)
		if ok != c.ok || (ok && (req.Destination() != c.dest && c.dest != "" || req.Transport() != c.transport)) {
			t.Errorf("%s: ok=%v to %s over %s", c.uri, ok, req.Destination(), req.Transport())
		}
		if _, has := req.Recipient.UriParams.Get("sb-flow"); has {
			t.Errorf("%s: the flow parameter was sent", c.uri)
		}
	}
}
