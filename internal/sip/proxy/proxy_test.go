package proxy

import (
	"testing"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

func TestProxyHelpers(t *testing.T) {
	for _, c := range []struct{ trunk, number, want string }{
		{"sip:192.0.2.10:5060", "+33123456789", "sip:+33123456789@192.0.2.10:5060"},
		{"sip:trunk.example;transport=tcp", "0612", "sip:0612@trunk.example;transport=tcp"},
		{"", "+33123456789", ""}, {"sip:192.0.2.10", "", ""},
	} {
		if got := trunkURI(c.trunk, c.number); got != c.want {
			t.Errorf("trunkURI(%q, %q) = %q", c.trunk, c.number, got)
		}
	}
	u := &model.User{ExtensionNumber: "201"}
	if outboundCallerID(u) != "201" {
		t.Error("extension as caller ID")
	}
	u.OutboundCallerIDs = []model.OutboundCallerID{{CallerID: "+331"}, {CallerID: "+332", Preferred: true}}
	if outboundCallerID(u) != "+332" {
		t.Error("preferred caller ID")
	}
	if h := assertedIdentity("", "acme.example"); h.Value() != "<sip:anonymous@acme.example>" {
		t.Errorf("anonymous: %s", h.Value())
	}

	parse := func(text string) sip.Message {
		m, err := sip.ParseMessage([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	req := parse("INVITE sip:202@acme.example SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa\r\nFrom: <sip:201@acme.example>;tag=1\r\n" +
		"To: <sip:202@acme.example>\r\nCall-ID: c1\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n").(*sip.Request)
	fwd := req.Clone()
	fwd.AppendHeader(sip.NewHeader("Record-Route", "<sip:192.0.2.99:5060;lr>"))
	res := parse("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKb\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa\r\n" +
		"From: <sip:201@acme.example>;tag=1\r\nTo: <sip:202@acme.example>;tag=callee\r\nCall-ID: c1\r\nCSeq: 2 INVITE\r\n" +
		"Contact: <sip:202@192.0.2.2:5062>\r\nContent-Length: 0\r\n\r\n").(*sip.Response)
	out := relayVia(req, fwd, res)
	if out.StatusCode != 200 || len(out.GetHeaders("Via")) != 1 || out.To().Params.GetOr("tag", "") != "callee" ||
		out.GetHeader("Contact").Value() != "<sip:202@192.0.2.2:5062>" || out.GetHeader("Record-Route") == nil {
		t.Fatalf("relayed answer:\n%s", out)
	}
}
