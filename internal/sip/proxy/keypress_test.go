package proxy

import (
	"testing"

	"github.com/emiago/sipgo/sip"
)

func TestDTMFKey(t *testing.T) {
	for _, c := range []struct{ ct, body, want string }{
		{"application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", "5"},
		{"application/dtmf-relay; charset=x", "signal = #\nDuration=100", "#"},
		{"Application/DTMF", "9", "9"},
		{"application/dtmf", " a ", "A"},
		{"application/dtmf-relay", "Duration=160", ""},
		{"application/dtmf-relay", "Signal=55", ""},
		{"application/dtmf-relay", "Signal=x", ""},
		{"application/dtmf-relay", "Signal=10\r\n", "*"},
		{"application/dtmf-relay", "Signal=11\r\n", "#"},
		{"application/media_control+xml", "<media_control/>", ""},
		{"", "5", ""},
	} {
		req := sip.NewRequest(sip.INFO, sip.Uri{User: "201", Host: "acme.example"})
		if c.ct != "" {
			req.AppendHeader(sip.NewHeader("Content-Type", c.ct))
		}
		req.SetBody([]byte(c.body))
		if got := DTMFKey(req); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.ct, c.body, got, c.want)
		}
	}
}

// TestInDialogRequest: the proxy's own ACK and BYE of a held answer go to
// the callee's Contact through the hops recorded after the proxy, in
// reverse order, without the proxy's own Record-Route.
func TestInDialogRequest(t *testing.T) {
	parse := func(text string) sip.Message {
		m, err := sip.ParseMessage([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	out := parse("INVITE sip:+331@192.0.2.50 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKp\r\nRecord-Route: <sip:192.0.2.99:5060;transport=udp;lr>\r\n" +
		"From: <sip:203@acme.example>;tag=caller\r\nTo: <sip:201@acme.example>\r\nCall-ID: c1\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n").(*sip.Request)
	res := parse("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKp\r\n" +
		"Record-Route: <sip:192.0.2.52;lr>, <sip:192.0.2.51;lr>\r\nRecord-Route: <sip:192.0.2.99:5060;transport=udp;lr>\r\n" +
		"From: <sip:203@acme.example>;tag=caller\r\nTo: <sip:201@acme.example>;tag=callee\r\nCall-ID: c1\r\nCSeq: 2 INVITE\r\n" +
		"Contact: <sip:gw@192.0.2.60:5070>\r\nContent-Length: 0\r\n\r\n").(*sip.Response)
	bye := inDialog(sip.BYE, out, res, 3)
	routes := bye.GetHeaders("Route")
	if bye.Recipient.String() != "sip:gw@192.0.2.60:5070" || len(routes) != 2 || routes[0].Value() != "<sip:192.0.2.51;lr>" ||
		routes[1].Value() != "<sip:192.0.2.52;lr>" || bye.CSeq().SeqNo != 3 || bye.CSeq().MethodName != sip.BYE ||
		bye.To().Params.GetOr("tag", "") != "callee" || bye.From().Params.GetOr("tag", "") != "caller" || bye.Destination() != "192.0.2.51:5060" {
		t.Fatalf("BYE:\n%s", bye)
	}
	ack := inDialog(sip.ACK, out, parse("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKp\r\n"+
		"From: <sip:203@acme.example>;tag=caller\r\nTo: <sip:201@acme.example>;tag=callee\r\nCall-ID: c1\r\nCSeq: 2 INVITE\r\n"+
		"Contact: <sip:gw@192.0.2.60:5070>\r\nContent-Length: 0\r\n\r\n").(*sip.Response), 2)
	if ack.GetHeader("Route") != nil || ack.Destination() != "192.0.2.60:5070" || ack.CSeq().SeqNo != 2 {
		t.Fatalf("ACK:\n%s", ack)
	}
}
