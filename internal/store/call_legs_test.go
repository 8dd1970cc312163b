package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestCallLegs: a call rings (a leg per user), is answered, ends; each
// change is an event naming the user; old legs are ignored and swept.
func TestCallLegs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch, err := s.Subscribe(sctx)
		must(t, err)
		now := time.Now().UTC().Truncate(time.Microsecond)
		since := now.Add(-time.Hour)
		must(t, s.SetCallLeg(ctx, store.CallLeg{CallID: "c1", TenantID: "t1", UserID: "alice", Direction: store.LegInitiator,
			State: store.LegEarly, Peer: "202", StartedAt: now}))
		must(t, s.SetCallLeg(ctx, store.CallLeg{CallID: "c1", TenantID: "t1", UserID: "bob", Direction: store.LegRecipient,
			State: store.LegEarly, Peer: "201", PeerName: "Alice", StartedAt: now}))
		for _, want := range []string{"alice", "bob"} {
			if ev := waitEvent(t, ch); ev.Kind != store.EventCall || ev.TenantID != "t1" || ev.ID != want {
				t.Fatalf("event %+v, want %s's", ev, want)
			}
		}
		legs, err := s.CallLegs(ctx, "t1", "bob", since)
		must(t, err)
		if len(legs) != 1 || legs[0].State != store.LegEarly || legs[0].PeerName != "Alice" || !legs[0].StartedAt.Equal(now) {
			t.Fatalf("bob's legs: %+v", legs)
		}
		must(t, s.ConfirmCall(ctx, "c1"))
		seen := map[string]bool{}
		seen[waitEvent(t, ch).ID], seen[waitEvent(t, ch).ID] = true, true
		if !seen["alice"] || !seen["bob"] {
			t.Fatalf("confirm events: %v", seen)
		}
		if legs, _ = s.CallLegs(ctx, "t1", "alice", since); len(legs) != 1 || legs[0].State != store.LegConfirmed {
			t.Fatalf("alice's legs: %+v", legs)
		}
		if legs, _ = s.CallLegs(ctx, "t2", "alice", since); len(legs) != 0 {
			t.Fatalf("another tenant sees %+v", legs)
		}
		must(t, s.EndCallLeg(ctx, "t1", "bob", "c1"))
		if ev := waitEvent(t, ch); ev.ID != "bob" {
			t.Fatalf("end leg event %+v", ev)
		}
		must(t, s.EndCall(ctx, "c1"))
		if ev := waitEvent(t, ch); ev.ID != "alice" {
			t.Fatalf("end call event %+v", ev)
		}
		must(t, s.EndCall(ctx, "c1")) // nothing left: no event
		noEvent(t, ch, 100*time.Millisecond)

		must(t, s.SetCallLeg(ctx, store.CallLeg{CallID: "old", TenantID: "t1", UserID: "bob", Direction: store.LegRecipient,
			State: store.LegConfirmed, StartedAt: now.Add(-2 * time.Hour)}))
		if legs, _ = s.CallLegs(ctx, "t1", "bob", since); len(legs) != 0 {
			t.Fatalf("a stopped node's call shows: %+v", legs)
		}
		must(t, s.SweepCallLegs(ctx, since))
		if legs, _ = s.CallLegs(ctx, "t1", "bob", time.Time{}); len(legs) != 0 {
			t.Fatalf("not swept: %+v", legs)
		}
	})
}
