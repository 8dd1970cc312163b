package directory

import (
	"context"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// TestCallCache: the proxy's reads come from the cache once read, and a
// change of the user or the tenant made on this node is seen by the next
// read (dropped before the change returned).
func TestCallCache(t *testing.T) {
	s, _ := testService(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s.FollowChanges(ctx); err != nil {
		t.Fatal(err)
	}
	r := SIPRouter{S: s}
	tn, err := s.store.GetTenantByDomain(ctx, "acme.example")
	if err != nil {
		t.Fatal(err)
	}
	u, err := r.UserByExtension(ctx, tn.ID, "100")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := r.UserByExtension(ctx, tn.ID, "100")
	if again != u {
		t.Fatal("the second read was not served from the cache")
	}
	if _, err := s.store.UpdateUser(ctx, tn.ID, u.ID, func(x *model.User) error { x.DisplayName = "Changed"; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.UserByExtension(ctx, tn.ID, "100"); got.DisplayName != "Changed" {
		t.Fatalf("a changed user was served stale: %q", got.DisplayName)
	}
	first, _ := r.Tenant(ctx, tn.ID)
	if _, err := s.store.UpdateTenant(ctx, tn.ID, func(x *model.Tenant) error { x.SIPTrunk = "sip:192.0.2.9:5060"; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Tenant(ctx, tn.ID); got == first || got.SIPTrunk != "sip:192.0.2.9:5060" {
		t.Fatal("a changed tenant was served stale")
	}
	su, err := r.SIPUser(ctx, "acme.example", "100")
	if err != nil || su.UserID != u.ID {
		t.Fatalf("sip user: %v", err)
	}
}

// TestEventTags: what each change event drops.
func TestEventTags(t *testing.T) {
	for _, c := range []struct {
		ev   store.Event
		want string
	}{
		{store.Event{Kind: store.EventUser, TenantID: "t1", ID: "u1"}, "u:u1"},
		{store.Event{Kind: store.EventItems, TenantID: "t1", ID: "u1"}, "u:u1"},
		{store.Event{Kind: store.EventItems, TenantID: "t1"}, "t:t1"},
		{store.Event{Kind: store.EventTenant, TenantID: "t1"}, "t:t1"},
		{store.Event{Kind: store.EventRole, TenantID: "t1", ID: "Boss"}, "t:t1"},
		{store.Event{Kind: store.EventCall, TenantID: "t1", ID: "u1"}, ""},
	} {
		got := ""
		if tags := eventTags(c.ev); len(tags) > 0 {
			got = tags[0]
		}
		if got != c.want {
			t.Errorf("%+v: %q, want %q", c.ev, got, c.want)
		}
	}
}
