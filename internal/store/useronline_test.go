package store_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestUsersOnline: online is a live binding, counted per user, in the
// user's own tenant only; the list filters either way and pages.
func TestUsersOnline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		ann, bob, cid := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101"), mkUser(t, s, a.ID, "cid", "102")
		zed := mkUser(t, s, b.ID, "zed", "100")
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		set := func(tenant string, u *model.User, ttls ...time.Duration) {
			t.Helper()
			var bs []model.Binding
			for i, ttl := range ttls {
				bs = append(bs, model.Binding{InstanceID: string(rune('a' + i)), Contact: "<sip:x@192.0.2.1>", CallID: "c", CSeq: 1,
					ExpiresAt: t0.Add(ttl), Source: "192.0.2.1:5060", Transport: "UDP", CreatedAt: t0})
			}
			must(t, s.UpdateBindings(ctx, tenant, u.ID, t0, func(_ *store.SIPUser, _ []model.Binding) ([]model.Binding, error) { return bs, nil }))
		}
		set(a.ID, ann, time.Hour, time.Hour)
		set(a.ID, bob, time.Minute)
		set(b.ID, zed, time.Hour)
		at := t0.Add(2 * time.Minute) // bob's binding has expired
		n, on, err := s.ListUsersOnline(ctx, a.ID, &query.List{Top: 10}, true, at)
		must(t, err)
		if n != 1 || len(on) != 1 || on[0].ID != ann.ID {
			t.Fatalf("online: %d %+v", n, on)
		}
		n, off, err := s.ListUsersOnline(ctx, a.ID, &query.List{Top: 1}, false, at)
		must(t, err)
		if n != 2 || len(off) != 1 || (off[0].ID != bob.ID && off[0].ID != cid.ID) {
			t.Fatalf("offline: %d %+v", n, off)
		}
		counts, err := s.RegisteredDevices(ctx, a.ID, []string{ann.ID, bob.ID, cid.ID, zed.ID}, at)
		must(t, err)
		if len(counts) != 1 || counts[ann.ID] != 2 {
			t.Fatalf("counts %v (zed is another tenant's, bob's expired)", counts)
		}
	})
}
