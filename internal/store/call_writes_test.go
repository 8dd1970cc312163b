package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestCallWrites: many calls' writes at once (group commit) all land, each
// call's legs end in the state its last write says, and a duplicate
// record fails alone while the others of its batch are stored.
func TestCallWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := mkTenant(t, s, "a.example")
		ann, bob := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101")
		w := s.NewCallWrites(nil)
		t0 := time.Now().UTC().Truncate(time.Second)
		const calls = 40
		var wg sync.WaitGroup
		errs := make(chan error, 10*calls)
		for i := range calls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprintf("call-%d", i)
				leg := store.CallLeg{CallID: id, TenantID: a.ID, UserID: ann.ID, Direction: store.LegInitiator, State: store.LegEarly, StartedAt: t0}
				errs <- w.SetCallLeg(ctx, leg)
				errs <- w.AddActiveCall(ctx, id, []string{ann.ID, bob.ID}, t0)
				errs <- w.ConfirmCall(ctx, id)
				if i%2 == 0 { // half the calls end
					errs <- w.RemoveActiveCall(ctx, id)
					errs <- w.EndCall(ctx, id)
					errs <- w.CreateCDRs(ctx, []model.CDR{{ID: model.NewID(), TenantID: a.ID, UserID: ann.ID, Caller: "100", Callee: "101",
						StartedAt: t0, EndedAt: &t0, CallID: id, Direction: "INTERNAL_CALL", EndReason: "CALLER_DISCONNECTED", StatusCode: 200}})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		legs, err := s.CallLegs(ctx, a.ID, ann.ID, t0.Add(-time.Hour))
		must(t, err)
		if len(legs) != calls/2 {
			t.Fatalf("%d legs in progress, want %d", len(legs), calls/2)
		}
		for _, l := range legs {
			if l.State != store.LegConfirmed {
				t.Fatalf("leg %s is %s", l.CallID, l.State)
			}
		}
		n, err := s.ActiveCalls(ctx, bob.ID, t0.Add(-time.Hour))
		must(t, err)
		if n != calls/2 {
			t.Fatalf("bob is on %d calls, want %d", n, calls/2)
		}
		q, err := query.Parse(query.Params{}, store.CDRSchema())
		must(t, err)
		count, _, err := s.ListCDRs(ctx, a.ID, ann.ID, q)
		must(t, err)
		if count != calls/2 {
			t.Fatalf("%d records, want %d", count, calls/2)
		}
		// A duplicate record fails alone, with its conflict; the other
		// writes queued with it are stored.
		dup := model.CDR{ID: model.NewID(), TenantID: a.ID, UserID: ann.ID, Caller: "100", Callee: "101",
			StartedAt: t0, EndedAt: &t0, CallID: "call-0", Direction: "INTERNAL_CALL", EndReason: "CALLER_DISCONNECTED", StatusCode: 200}
		var dupErr error
		var wg2 sync.WaitGroup
		for i := range 10 {
			wg2.Add(1)
			go func() {
				defer wg2.Done()
				if i == 5 {
					dupErr = w.CreateCDRs(ctx, []model.CDR{dup})
					return
				}
				r := dup
				r.ID, r.CallID = model.NewID(), fmt.Sprintf("other-%d", i)
				must(t, w.CreateCDRs(ctx, []model.CDR{r}))
			}()
		}
		wg2.Wait()
		if !errors.Is(dupErr, model.ErrConflict) {
			t.Fatalf("duplicate: %v", dupErr)
		}
		count, _, err = s.ListCDRs(ctx, a.ID, ann.ID, q)
		must(t, err)
		if count != calls/2+9 {
			t.Fatalf("%d records, want %d", count, calls/2+9)
		}
	})
}
