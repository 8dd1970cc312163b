package e2e

import (
	"fmt"
	"net"
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

// TestSIPFlowFailure: a phone registered over TCP whose connection
// closes loses its binding at once (RFC 5626 flow failure: the status
// API shows it unregistered), and a call to it is refused 480 without
// the proxy dialling the phone's old address, where another program now
// listens. The binding used to stay until it expired and calls were
// sent to whoever held that port.
func TestSIPFlowFailure(t *testing.T) {
	needTool(t, "sipp")
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, id202 := legacyTenant(s, "acme.example")
		bob := s.newUA("tcp", "202", "acme.example", "Sip-secret-202")
		if res := bob.register("Contact: <sip:202@10.99.0.1:5060;transport=tcp>", "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register: %v", res)
		}
		if _, regs := registrations(t, s, admin, id202); len(regs) != 1 {
			t.Fatalf("bindings: %v", regs)
		}
		old := bob.conn.LocalAddr().String()
		bob.conn.Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, regs := registrations(t, s, admin, id202)
			if len(regs) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the closed flow's binding stayed: %v", regs)
			}
			time.Sleep(100 * time.Millisecond)
		}
		squatter, err := net.Listen("tcp", old)
		if err != nil {
			t.Skipf("cannot listen on the phone's old address %s: %v", old, err)
		}
		defer squatter.Close()
		reached := make(chan struct{}, 1)
		go func() {
			if c, err := squatter.Accept(); err == nil {
				c.Close()
				reached <- struct{}{}
			}
		}()
		if err := sippUACRefused(t, s.app.SIPAddr(), []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}, 480); err != nil {
			t.Fatalf("call to the phone whose flow failed: %v", err)
		}
		select {
		case <-reached:
			t.Fatal("the proxy dialled the failed flow's address")
		default:
		}
	})
}
