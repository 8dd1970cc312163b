package proxy

import (
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// fakeSelf listens on 192.0.2.10:5060 (UDP, TCP) and :5061 (TLS).
type fakeSelf struct{}

func (fakeSelf) FlowOpen(string, string) bool { return true }

func (fakeSelf) RouteURI(network string) sip.Uri {
	port := 5060
	if strings.EqualFold(network, "tls") {
		port = 5061
	}
	params := sip.NewParams()
	params.Add("transport", strings.ToLower(network))
	params.Add("lr", "")
	return sip.Uri{Scheme: "sip", Host: "192.0.2.10", Port: port, UriParams: params}
}

func (fakeSelf) Own(u sip.Uri) bool {
	return u.Host == "192.0.2.10" && (u.Port == 5060 || u.Port == 5061 || u.Port == 0)
}

// TestRecordRoute: one Record-Route when both sides use one transport,
// two (RFC 5658), the callee's side on top, when they differ; and an
// in-dialog request loses exactly our routes, whichever way it comes.
func TestRecordRoute(t *testing.T) {
	p := &Proxy{self: fakeSelf{}}
	for _, c := range []struct{ in, out, want string }{
		{"UDP", "UDP", "<sip:192.0.2.10:5060;transport=udp;lr>"},
		{"TCP", "UDP", "<sip:192.0.2.10:5060;transport=udp;lr>|<sip:192.0.2.10:5060;transport=tcp;lr>"},
		{"TLS", "UDP", "<sip:192.0.2.10:5060;transport=udp;lr>|<sip:192.0.2.10:5061;transport=tls;lr>"},
		{"UDP", "TLS", "<sip:192.0.2.10:5061;transport=tls;lr>|<sip:192.0.2.10:5060;transport=udp;lr>"},
	} {
		out := sip.NewRequest(sip.INVITE, sip.Uri{User: "202", Host: "192.0.2.20"})
		out.SetTransport(c.out)
		p.recordRoute(out, c.in)
		var got []string
		for _, h := range out.GetHeaders("Record-Route") {
			got = append(got, h.Value())
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("%s to %s: %v, want %s", c.in, c.out, got, c.want)
		}
	}
	for _, c := range []struct {
		routes []string
		want   string
	}{
		{[]string{"<sip:192.0.2.10:5060;transport=tcp;lr>, <sip:192.0.2.10:5060;transport=udp;lr>"}, ""},
		{[]string{"<sip:192.0.2.10:5061;transport=tls;lr>", "<sip:192.0.2.10:5060;transport=udp;lr>", "<sip:192.0.2.99;lr>"}, "<sip:192.0.2.99;lr>"},
		{[]string{"<sip:192.0.2.10:5060;transport=udp;lr>"}, ""},
		{[]string{"<sip:pbx.example;lr>", "<sip:192.0.2.99;lr>"}, "<sip:192.0.2.99;lr>"}, // a name we do not know: the top one is ours
	} {
		req := sip.NewRequest(sip.BYE, sip.Uri{User: "201", Host: "192.0.2.30"})
		for _, r := range c.routes {
			req.AppendHeader(sip.NewHeader("Route", r))
		}
		p.popOwnRoutes(req)
		var got []string
		for _, h := range req.GetHeaders("Route") {
			got = append(got, h.Value())
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("%v: left %v, want %q", c.routes, got, c.want)
		}
	}
}
