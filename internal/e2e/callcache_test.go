package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestSippForwardRuleAcrossNodes: two nodes on one PostgreSQL database.
// A call through node B caches Bob (forwarding to Carol, 203); Bob's
// forward rule is then changed through node A to Dave (204); once node B
// has the change event, the next call through node B reaches Dave, not
// Carol: node B's cache was dropped by the event (its entries otherwise
// live a minute).
func TestSippForwardRuleAcrossNodes(t *testing.T) {
	needTool(t, "sipp")
	dsn := storetest.DSN(t, "postgres")
	a, b := startServer(t, dsn), startServer(t, dsn)
	admin, _, id202 := legacyTenant(a, "acme.example")
	forwardTo := func(ext string) {
		a.must(204, "POST", "/api/users/"+id202, admin, map[string]any{
			"offline_office_hours_forward_rule":     map[string]any{"action": "FORWARD_TO_NUMBER", "number": ext},
			"offline_non_office_hours_forward_rule": map[string]any{"action": "FORWARD_TO_NUMBER", "number": ext}})
	}
	phone := func(ext string) func() error {
		a.createUser(admin, map[string]any{"name": "u" + ext, "email": "u" + ext + "@acme.example", "extension_number": ext,
			"password": "User-password-" + ext, "extension_password": "Sip-secret-" + ext})
		port, wait := sippUASChecking(t, "Diversion", "sip:202@acme.example>;reason=unavailable")
		ua := a.newUA("udp", ext, "acme.example", "Sip-secret-"+ext)
		if res := ua.register(fmt.Sprintf("Contact: <sip:%s@127.0.0.1:%d>", ext, port), "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register %s: %v", ext, res)
		}
		return wait
	}
	carol, dave := phone("203"), phone("204")
	forwardTo("203")
	alice := sippLine("201", "acme.example", "Sip-secret-201", "202")
	if err := sippUAC(t, b.app.SIPAddr(), []string{alice}); err != nil {
		t.Fatalf("first call through node B: %v", err)
	}
	if err := carol(); err != nil {
		t.Fatalf("carol's phone: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := b.app.Store().Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	forwardTo("204")         // through node A
	for ev := range events { // node B's caches see an event before its subscribers
		if ev.Kind == store.EventUser && ev.ID == id202 || ev.Kind == store.EventResync {
			break
		}
	}
	if err := sippUAC(t, b.app.SIPAddr(), []string{alice}); err != nil {
		t.Fatalf("second call through node B: %v", err)
	}
	if err := dave(); err != nil {
		t.Fatalf("dave's phone (the new rule): %v", err)
	}
}
