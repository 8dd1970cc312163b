package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// answerCall plays a phone behind NAT on u's socket: it takes the
// INVITE, answers 200 with its private Contact, takes the ACK and the
// BYE (answering it) — each must reach this socket, not the Contact.
func answerCall(u *sipUA, private string) error {
	next := func(method sip.RequestMethod) (*sip.Request, error) {
		for i := 0; i < 20; i++ {
			msg := u.readMessage(10 * time.Second)
			if msg == nil {
				return nil, fmt.Errorf("no %s reached the phone", method)
			}
			if req, ok := msg.(*sip.Request); ok && req.Method == method {
				return req, nil
			}
		}
		return nil, fmt.Errorf("no %s among 20 messages", method)
	}
	inv, err := next(sip.INVITE)
	if err != nil {
		return err
	}
	ok := sip.NewResponseFromRequest(inv, 200, "OK", nil)
	ok.To().Params.Add("tag", "natphone")
	sip.CopyHeaders("Record-Route", inv, ok)
	ok.AppendHeader(sip.NewHeader("Contact", "<"+private+">"))
	if _, err := u.conn.Write([]byte(ok.String())); err != nil {
		return err
	}
	if _, err := next(sip.ACK); err != nil {
		return err
	}
	bye, err := next(sip.BYE)
	if err != nil {
		return err
	}
	_, err = u.conn.Write([]byte(sip.NewResponseFromRequest(bye, 200, "OK", nil).String()))
	return err
}

// TestSIPBehindNAT: a phone registers over UDP and over TCP with the
// private Contact of an office LAN (10.99.0.1, where nothing listens)
// from its own socket; the status API says it is behind NAT, and a call
// from sipp reaches it where it registered from (the INVITE, then the
// ACK and the caller's BYE, whose Contact was private too), over the
// same TCP connection for TCP. It used to go to the private Contact.
func TestSIPBehindNAT(t *testing.T) {
	needTool(t, "sipp")
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, id202 := legacyTenant(s, "acme.example")
		for _, network := range []string{"udp", "tcp"} {
			bob := s.newUA(network, "202", "acme.example", "Sip-secret-202")
			private := "sip:202@10.99.0.1:5060;transport=" + network
			if res := bob.register("Contact: <"+private+">", "Expires: 600"); res.StatusCode != 200 {
				t.Fatalf("register over %s: %v", network, res)
			}
			_, regs := registrations(t, s, admin, id202)
			if len(regs) != 1 || regs[0]["behind_nat"] != true || regs[0]["contact_address"] != private {
				t.Fatalf("binding over %s: %v", network, regs)
			}
			answered := make(chan error, 1)
			go func() { answered <- answerCall(bob, private) }()
			if err := sippUAC(t, s.app.SIPAddr(), []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}); err != nil {
				t.Fatalf("call over %s: %v", network, err)
			}
			if err := <-answered; err != nil {
				t.Fatalf("phone behind NAT over %s: %v", network, err)
			}
			if res := bob.register("Contact: <"+private+">", "Expires: 0"); res == nil || res.StatusCode != 200 {
				t.Fatalf("unregister over %s: %v", network, res)
			}
		}
	})
}
