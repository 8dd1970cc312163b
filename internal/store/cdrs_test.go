package store_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestCDRStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		ann, bob := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101")
		t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		ans, end := t0.Add(5*time.Second), t0.Add(65*time.Second)
		rec := func(u *model.User, callID string, start time.Time) model.CDR {
			return model.CDR{ID: model.NewID(), TenantID: a.ID, UserID: u.ID, Caller: "+14155550100", Callee: u.ExtensionNumber,
				StartedAt: start, AnsweredAt: &ans, EndedAt: &end, Duration: 60, CallID: callID, Direction: "INBOUND_CALL",
				EndReason: "CALLER_DISCONNECTED", StatusCode: 200, Cost: 1234}
		}
		r1, r2, r3 := rec(ann, "c1", t0), rec(ann, "c2", t0.Add(time.Hour)), rec(bob, "c1", t0)
		must(t, s.CreateCDRs(ctx, []model.CDR{r1, r2, r3}))
		// A duplicate makes the whole batch fail.
		wantConflict(t, s.CreateCDRs(ctx, []model.CDR{rec(bob, "c9", t0), rec(ann, "c1", t0)}), "items[1].call_id")
		q, err := query.Parse(query.Params{}, store.CDRSchema())
		must(t, err)
		n, list, err := s.ListCDRs(ctx, a.ID, ann.ID, q)
		must(t, err)
		if n != 2 || list[0].CallID != "c2" || list[1].AnsweredAt == nil || !list[1].AnsweredAt.Equal(ans) || list[1].Cost != 1234 || list[1].RangAt != nil {
			t.Fatalf("ann's records: %d %+v", n, list)
		}
		if n, _, _ := s.ListCDRs(ctx, a.ID, bob.ID, q); n != 1 {
			t.Fatalf("bob's records: %d (the failed batch stored one?)", n)
		}
		got, err := s.GetCDR(ctx, a.ID, ann.ID, r1.ID)
		must(t, err)
		if got.Caller != r1.Caller || !got.StartedAt.Equal(t0) || got.Duration != 60 {
			t.Fatalf("get: %+v", got)
		}
		_, err = s.GetCDR(ctx, a.ID, bob.ID, r1.ID)
		wantNotFound(t, err)
		_, err = s.GetCDR(ctx, b.ID, ann.ID, r1.ID)
		wantNotFound(t, err)
		f, err := query.Parse(query.Params{Filter: "started_at ge 2026-11-24T10:30:00Z"}, store.CDRSchema())
		must(t, err)
		if n, list, _ := s.ListCDRs(ctx, a.ID, ann.ID, f); n != 1 || list[0].CallID != "c2" {
			t.Fatalf("time filter: %d %+v", n, list)
		}
		// A deleted user's records go with it.
		must(t, s.DeleteUser(ctx, a.ID, bob.ID))
		_, err = s.GetCDR(ctx, a.ID, bob.ID, r3.ID)
		wantNotFound(t, err)
	})
}
