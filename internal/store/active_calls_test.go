package store_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestCallState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := mkTenant(t, s, "a.example")
		ann, bob := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101")
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		must(t, s.AddActiveCall(ctx, "c1", []string{ann.ID, bob.ID}, t0))
		must(t, s.AddActiveCall(ctx, "c1", []string{ann.ID}, t0)) // again: no double count
		must(t, s.AddActiveCall(ctx, "c2", []string{ann.ID}, t0))
		count := func(u *model.User, since time.Time) int {
			n, err := s.ActiveCalls(ctx, u.ID, since)
			must(t, err)
			return n
		}
		if count(ann, t0.Add(-time.Hour)) != 2 || count(bob, t0.Add(-time.Hour)) != 1 || count(ann, t0) != 0 {
			t.Fatal("active call counts")
		}
		must(t, s.RemoveActiveCall(ctx, "c1"))
		if count(ann, t0.Add(-time.Hour)) != 1 || count(bob, t0.Add(-time.Hour)) != 0 {
			t.Fatal("after removing c1")
		}
		must(t, s.SweepActiveCalls(ctx, t0))
		if count(ann, t0.Add(-time.Hour)) != 0 {
			t.Fatal("sweep")
		}
		if n, err := s.FollowMeLast(ctx, ann.ID); err != nil || n != "" {
			t.Fatalf("no memory yet: %q %v", n, err)
		}
		must(t, s.SetFollowMeLast(ctx, ann.ID, "+331"))
		must(t, s.SetFollowMeLast(ctx, ann.ID, "+332"))
		if n, _ := s.FollowMeLast(ctx, ann.ID); n != "+332" {
			t.Fatalf("memory %q", n)
		}
		// Deleting the user forgets both.
		must(t, s.AddActiveCall(ctx, "c3", []string{ann.ID}, t0))
		must(t, s.DeleteUser(ctx, a.ID, ann.ID))
		if n, _ := s.FollowMeLast(ctx, ann.ID); n != "" {
			t.Fatal("memory of a deleted user")
		}
	})
}
