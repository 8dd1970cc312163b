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

// TestApplyFlowThroughNode: a flow that another node holds is sent to
// that node, with a Route carrying a token only the nodes can make (for
// this Call-ID and flow) and the flow left in the Request-URI for it; a
// flow this node holds is used here, without either parameter.
func TestApplyFlowThroughNode(t *testing.T) {
	p := &Proxy{self: flowSelf{open: "TCP 198.51.100.7:40000"}, hopKey: []byte("k")}
	mk := func(uri string) *sip.Request {
		var u sip.Uri
		if err := sip.ParseUri(uri, &u); err != nil {
			t.Fatal(err)
		}
		req := sip.NewRequest(sip.INVITE, u)
		req.AppendHeader(sip.NewHeader("Call-ID", "c1"))
		req.SetTransport("UDP")
		return req
	}
	req := mk("sip:202@10.0.0.2;transport=tcp;sb-flow=tcp~198.51.100.9~40000;sb-node=192.0.2.11~5070")
	if !p.applyFlow(req) || req.Destination() != "192.0.2.11:5070" || req.Transport() != "UDP" {
		t.Fatalf("to another node's flow: to %s over %s", req.Destination(), req.Transport())
	}
	r := req.Route()
	if r == nil || r.Address.Host != "192.0.2.11" || r.Address.Port != 5070 {
		t.Fatalf("route %v", r)
	}
	if tok, _ := r.Address.UriParams.Get(hopParam); tok != p.hopToken("c1", "tcp~198.51.100.9~40000") || len(tok) != 32 {
		t.Fatalf("hop token %q", tok)
	}
	if v, _ := req.Recipient.UriParams.Get("sb-flow"); v != "tcp~198.51.100.9~40000" {
		t.Fatalf("the flow left for the node: %q", v)
	}
	if p.hopToken("c2", "tcp~198.51.100.9~40000") == p.hopToken("c1", "tcp~198.51.100.9~40000") ||
		(&Proxy{hopKey: []byte("other")}).hopToken("c1", "tcp~198.51.100.9~40000") == p.hopToken("c1", "tcp~198.51.100.9~40000") {
		t.Fatal("a token must depend on the call and the key")
	}

	req = mk("sip:202@10.0.0.2;transport=tcp;sb-flow=tcp~198.51.100.7~40000;sb-node=192.0.2.10~5060")
	if !p.applyFlow(req) || req.Destination() != "198.51.100.7:40000" || req.Transport() != "TCP" || req.Route() != nil {
		t.Fatalf("own node's flow: to %s over %s, route %v", req.Destination(), req.Transport(), req.Route())
	}
	for _, name := range []string{"sb-flow", "sb-node"} {
		if _, has := req.Recipient.UriParams.Get(name); has {
			t.Errorf("%s was sent to the phone", name)
		}
	}
}

// TestFlowContactKeepsMark: a Contact marked by the node that holds the
// phone's flow is not marked again by the next node.
func TestFlowContactKeepsMark(t *testing.T) {
	res := sip.NewResponse(200, "OK")
	params := sip.NewParams()
	params.Add("sb-flow", "tcp~198.51.100.9~40000")
	res.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "202", Host: "10.0.0.2", UriParams: params}})
	flowContact(res, "192.0.2.11:5070", "UDP")
	if got := res.Contact().Address.String(); got != "sip:202@10.0.0.2;sb-flow=tcp~198.51.100.9~40000" {
		t.Fatalf("contact %s", got)
	}
}
