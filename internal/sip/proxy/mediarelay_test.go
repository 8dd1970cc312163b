package proxy

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
)

// fakeRelay records what the proxy asks of a media relay.
type fakeRelay struct {
	mu      sync.Mutex
	fail    bool
	offers  []string
	deleted []string
}

func (f *fakeRelay) Offer(_ context.Context, callID, fromTag, sdp string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return "", errors.New("relay down")
	}
	f.offers = append(f.offers, callID+" "+fromTag)
	return "relayed offer", nil
}

func (f *fakeRelay) Answer(_ context.Context, callID, fromTag, toTag, sdp string) (string, error) {
	return "relayed answer", nil
}

func (f *fakeRelay) Delete(_ context.Context, callID, fromTag string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted = append(f.deleted, callID+" "+fromTag)
	return nil
}

func invite(t *testing.T, contact, source string) *sip.Request {
	t.Helper()
	req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", User: "202", Host: "acme.example"})
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "201", Host: "acme.example"}, Params: sip.NewParams()}
	from.Params.Add("tag", "caller-tag")
	req.AppendHeader(from)
	req.AppendHeader(sip.NewHeader("Contact", contact))
	req.SetSource(source)
	req.SetBody([]byte("v=0\r\n"))
	return req
}

// TestAnchorOffer: the offer of a call with a party behind NAT (the
// caller, or a phone the plan rings), or of any call of a tenant that
// relays all, goes through the relay; a call between reachable phones
// keeps its SDP; a relay that fails leaves the media end to end; Close
// (node shutdown) deletes what is still anchored.
func TestAnchorOffer(t *testing.T) {
	ring := func(targets ...string) []routing.Hop {
		return []routing.Hop{{Plan: routing.Plan{Steps: []routing.Step{{Action: routing.ActRing, Targets: targets}}}}}
	}
	direct := ring("sip:202@127.0.0.1:5070")
	for _, c := range []struct {
		name, contact, source, relay string
		hops                         []routing.Hop
		fail, want                   bool
	}{
		{"reachable", "<sip:201@127.0.0.1:5080>", "127.0.0.1:5080", "", direct, false, false},
		{"caller behind NAT", "<sip:201@10.0.0.2:5060>", "203.0.113.9:4000", "", direct, false, true},
		{"callee behind NAT", "<sip:201@127.0.0.1:5080>", "127.0.0.1:5080", "", ring("sip:202@10.0.0.3:5060;sb-flow=udp~203.0.113.7~4001"), false, true},
		{"callee on TCP, not behind NAT", "<sip:201@127.0.0.1:5080>", "127.0.0.1:5080", "", ring("sip:202@127.0.0.1:5060;transport=tcp;sb-flow=tcp~127.0.0.1~4001"), false, false},
		{"tenant relays all", "<sip:201@127.0.0.1:5080>", "127.0.0.1:5080", model.MediaRelayAlways, direct, false, true},
		{"relay down", "<sip:201@10.0.0.2:5060>", "203.0.113.9:4000", "", direct, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeRelay{fail: c.fail}
			p := &Proxy{relay: f, log: slog.New(slog.DiscardHandler), anchoredCalls: anchored{m: map[string]string{}}}
			req := invite(t, c.contact, c.source)
			cl := &call{callID: "call-1", tenant: &model.Tenant{MediaRelay: c.relay}}
			p.anchorOffer(context.Background(), req, cl, c.hops)
			if cl.relayed != c.want || (string(req.Body()) == "relayed offer") != c.want {
				t.Fatalf("relayed %v, body %q", cl.relayed, req.Body())
			}
			p.Close()
			if c.want && (len(f.deleted) != 1 || f.deleted[0] != "call-1 caller-tag") {
				t.Fatalf("shutdown deleted %v", f.deleted)
			}
			p.release(cl) // already deleted at shutdown: not again
			if len(f.deleted) > 1 {
				t.Fatalf("deleted twice: %v", f.deleted)
			}
		})
	}
}
