package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestSubscribeMessageWaiting: SUBSCRIBE to message-summary (RFC 3842)
// is challenged like REGISTER, answered with a dialog (To tag, Expires
// within bounds) and a first NOTIFY with the mailbox's counts; every
// change of the mailbox (a message left, heard, deleted) is a NOTIFY with
// the next CSeq; a refresh renews it, Expires: 0 ends it with a
// terminated NOTIFY, and an unknown dialog is 481.
func TestSubscribeMessageWaiting(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		_, _, id202 := sipTenant(s, "acme.example")
		tid := tenantID(t, s, "acme.example")
		bob := s.login("bob", "Bob-password-1", "acme.example")
		w := newWatcher(t, s.app.SIPAddr(), "202", "acme.example", "Sip-secret-202")

		res := w.subscribe("message-summary", "202", "Expires: 7200", "Accept: application/simple-message-summary")
		if res.StatusCode != 200 || w.toTag == "" || header(res, "Expires") != "3600" || res.Contact() == nil {
			t.Fatalf("SUBSCRIBE: %s (Expires %q, To tag %q)", res.StartLine(), header(res, "Expires"), w.toTag)
		}
		n := w.notify(3 * time.Second)
		body := string(n.Body())
		if header(n, "Event") != "message-summary" || !strings.HasPrefix(header(n, "Subscription-State"), "active;expires=") ||
			header(n, "Content-Type") != "application/simple-message-summary" ||
			!strings.Contains(body, "Messages-Waiting: no") || !strings.Contains(body, "Voice-Message: 0/0") {
			t.Fatalf("first NOTIFY: %s\n%s", n.String(), body)
		}
		if tag, _ := n.From().Params.Get("tag"); tag != w.toTag || n.CallID().Value() != w.callID {
			t.Fatalf("NOTIFY outside the dialog: %s", n.String())
		}
		first := n.CSeq().SeqNo

		// A message left: waiting, 1 new.
		s.ok(leaveMessage(t, s, tid, "202", "201"))
		n = w.notifyWith(5*time.Second, "Messages-Waiting: yes", "Voice-Message: 1/0")
		if n.CSeq().SeqNo <= first {
			t.Fatalf("CSeq did not increase: %d then %d", first, n.CSeq().SeqNo)
		}
		// Heard through the API: 0 new, 1 old.
		msg := ok(bob.Me().ListVoicemails(ctx, nil))(s).Items[0]
		yes := true
		s.ok(bob.Me().UpdateVoicemail(ctx, msg.ID, client.VoicemailUpdate{Heard: &yes}))
		w.notifyWith(5*time.Second, "Messages-Waiting: no", "Voice-Message: 0/1")
		// Deleted: nothing left.
		s.ok(bob.Me().DeleteVoicemail(ctx, msg.ID))
		w.notifyWith(5*time.Second, "Messages-Waiting: no", "Voice-Message: 0/0")

		// A refresh in the dialog renews it and notifies the state again.
		if res := w.subscribe("message-summary", "202", "Expires: 600"); res.StatusCode != 200 || header(res, "Expires") != "600" {
			t.Fatalf("refresh: %s %q", res.StartLine(), header(res, "Expires"))
		}
		w.notifyWith(3*time.Second, "Voice-Message: 0/0")
		// Too brief: 423 with Min-Expires.
		if res := w.subscribe("message-summary", "202", "Expires: 5"); res.StatusCode != 423 || header(res, "Min-Expires") != "60" {
			t.Fatalf("brief: %s", res.StartLine())
		}
		// Unsubscribe: 200, then a terminated NOTIFY; the dialog is gone.
		if res := w.subscribe("message-summary", "202", "Expires: 0"); res.StatusCode != 200 {
			t.Fatalf("unsubscribe: %s", res.StartLine())
		}
		if st := header(w.notify(3*time.Second), "Subscription-State"); !strings.HasPrefix(st, "terminated") {
			t.Fatalf("after unsubscribe: %q", st)
		}
		if res := w.subscribe("message-summary", "202", "Expires: 600"); res.StatusCode != 481 {
			t.Fatalf("refresh of an ended subscription: %s", res.StartLine())
		}
		if got := s.app.SIP().Notifier().Count(); got != 0 {
			t.Fatalf("%d subscriptions left", got)
		}
		_ = id202
	})
}

// TestSubscribeRules: unknown packages (489), wrong passwords (401 again,
// nothing held), another user's mailbox (403), an unknown extension
// (404), the per-device and per-user bounds (403), a NOTIFY refused by
// the phone (the subscription ends), expiry (a terminated NOTIFY with
// reason timeout) and a disabled user (reason deactivated).
func TestSubscribeRules(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, _ := sipTenant(s, "acme.example")
		addr := s.app.SIPAddr()
		n := s.app.SIP().Notifier()
		w := newWatcher(t, addr, "201", "acme.example", "Sip-secret-201")
		if res := w.subscribe("conference", "202"); res.StatusCode != 489 || header(res, "Allow-Events") == "" {
			t.Fatalf("unknown package: %s", res.StartLine())
		}
		bad := newWatcher(t, addr, "201", "acme.example", "wrong")
		if res := bad.subscribe("dialog", "202"); res.StatusCode != 401 {
			t.Fatalf("wrong password: %s", res.StartLine())
		}
		if res := newWatcher(t, addr, "201", "acme.example", "Sip-secret-201").subscribe("message-summary", "202"); res.StatusCode != 403 {
			t.Fatalf("bob's mailbox: %s", res.StartLine())
		}
		if res := newWatcher(t, addr, "201", "acme.example", "Sip-secret-201").subscribe("dialog", "299"); res.StatusCode != 404 {
			t.Fatalf("unknown extension: %s", res.StartLine())
		}
		if got := n.Count(); got != 0 {
			t.Fatalf("%d subscriptions held after refusals", got)
		}

		// A NOTIFY answered 481 ends the subscription.
		gone := newWatcher(t, addr, "201", "acme.example", "Sip-secret-201")
		gone.notifyStatus = 481
		if res := gone.subscribe("presence", "202"); res.StatusCode != 200 {
			t.Fatalf("presence: %s", res.StartLine())
		}
		gone.notify(3 * time.Second)
		waitCount(t, n, 0)

		// Expiry: the node's clock passes the subscription's end.
		w = newWatcher(t, addr, "201", "acme.example", "Sip-secret-201")
		if res := w.subscribe("dialog", "202", "Expires: 120"); res.StatusCode != 200 {
			t.Fatalf("dialog: %s", res.StartLine())
		}
		w.notify(3 * time.Second)
		s.advance(121 * time.Second)
		if st := header(w.notify(5*time.Second), "Subscription-State"); st != "terminated;reason=timeout" {
			t.Fatalf("expired: %q", st)
		}
		waitCount(t, n, 0)

		// Disabling the user ends what it holds.
		w = newWatcher(t, addr, "201", "acme.example", "Sip-secret-201")
		if res := w.subscribe("message-summary", "201"); res.StatusCode != 200 {
			t.Fatalf("mwi: %s", res.StartLine())
		}
		w.notify(3 * time.Second)
		s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"enabled": false})
		if st := header(w.notify(5*time.Second), "Subscription-State"); st != "terminated;reason=deactivated" {
			t.Fatalf("disabled: %q", st)
		}
		waitCount(t, n, 0)
	})
}

// TestSubscribeLimits: a device past --sip-subscriptions-per-device, and
// a user past --sip-subscriptions-per-user over several devices, get 403;
// unsubscribing frees a place.
func TestSubscribeLimits(t *testing.T) {
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) {
		c.SIP = config.DefaultSIPSettings
		c.SIP.SubsPerDevice, c.SIP.SubsPerUser = 2, 3
	}, nil)
	sipTenant(s, "acme.example")
	addr := s.app.SIPAddr()
	phone := newWatcher(t, addr, "201", "acme.example", "Sip-secret-201")
	for i, want := range []int{200, 200, 403} {
		phone.callID, phone.tag, phone.toTag, phone.cseq = randHex(8)+"@watch", randHex(4), "", 0
		if res := phone.subscribe("presence", "202"); res.StatusCode != want {
			t.Fatalf("subscription %d of one device: %s", i+1, res.StartLine())
		}
	}
	other := newWatcher(t, addr, "201", "acme.example", "Sip-secret-201")
	for i, want := range []int{200, 403} {
		other.callID, other.tag, other.toTag, other.cseq = randHex(8)+"@watch", randHex(4), "", 0
		if res := other.subscribe("dialog", "202"); res.StatusCode != want {
			t.Fatalf("subscription %d of the user's second device: %s", i+1, res.StartLine())
		}
	}
	other.callID, other.tag, other.toTag, other.cseq = randHex(8)+"@watch", randHex(4), "", 0
	if res := newWatcher(t, addr, "202", "acme.example", "Sip-secret-202").subscribe("dialog", "201"); res.StatusCode != 200 {
		t.Fatalf("another user is not bound by 201's count: %s", res.StartLine())
	}
}

// waitCount waits until the node holds want subscriptions.
func waitCount(t *testing.T, n interface{ Count() int }, want int) {
	t.Helper()
	for i := 0; i < 100 && n.Count() != want; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if got := n.Count(); got != want {
		t.Fatalf("%d subscriptions held, want %d", got, want)
	}
}

// TestSubscribeAcrossNodes: two nodes on one PostgreSQL database; phones
// subscribed on node B hear of changes made through node A — a message
// left, a presence set through A's API, and a call routed by A that rings
// and is answered.
func TestSubscribeAcrossNodes(t *testing.T) {
	needTool(t, "sipp")
	dsn := storetest.DSN(t, "postgres")
	a, b := startServer(t, dsn), startServer(t, dsn)
	admin, _, _ := legacyTenant(a, "acme.example")
	a.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
		"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
	tid := tenantID(t, a, "acme.example")
	mwi := newWatcher(t, b.app.SIPAddr(), "202", "acme.example", "Sip-secret-202")
	lamp := newWatcher(t, b.app.SIPAddr(), "203", "acme.example", "Sip-secret-203")
	pres := newWatcher(t, b.app.SIPAddr(), "203", "acme.example", "Sip-secret-203")
	for _, w := range []struct {
		w   *watcher
		pkg string
	}{{mwi, "message-summary"}, {lamp, "dialog"}, {pres, "presence"}} {
		if res := w.w.subscribe(w.pkg, "202"); res.StatusCode != 200 {
			t.Fatalf("%s on node B: %s", w.pkg, res.StartLine())
		}
		w.w.notify(3 * time.Second)
	}
	a.ok(leaveMessage(t, a, tid, "202", "201"))
	mwi.notifyWith(5*time.Second, "Messages-Waiting: yes", "Voice-Message: 1/0")

	a.must(204, "POST", "/api/user/presence", a.signIn("bob", "Bob-password-1", "acme.example"),
		map[string]any{"presence": "LUNCH", "presence_note": "Canteen"})
	pres.notifyWith(5*time.Second, "<rpid:meal/>", "Canteen")

	uasPort, callee := ringingUAS(t)
	bob := a.newUA("udp", "202", "acme.example", "Sip-secret-202")
	if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", uasPort), "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("register bob: %v", res)
	}
	call := longCall(t, a.app.SIPAddr(), sippLine("201", "acme.example", "Sip-secret-201", "")+"202", 500*time.Millisecond)
	lamp.notifyWith(10*time.Second, "<state>early</state>")
	lamp.notifyWith(10*time.Second, "<state>confirmed</state>")
	if err := <-call; err != nil {
		t.Fatalf("call through node A: %v", err)
	}
	if err := callee(); err != nil {
		t.Fatalf("bob's phone: %v", err)
	}
	lamp.notifyWith(10*time.Second, "<state>terminated</state>")
}
