package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestOutsideCallLimits: legs through the trunk are admitted up to the
// user's and the tenant's concurrent calls and the user's international
// calls per hour; a tripped limit writes its audit entry; ended calls
// free their place but still count for the hour; concurrent admissions
// (as from several nodes) never exceed a limit.
func TestOutsideCallLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := mkTenant(t, s, "a.example")
		ann, bob := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101")
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		l := store.OutsideLimits{PerUser: 2, PerTenant: 3, InternationalPerHour: 3}
		admit := func(call string, u *model.User, intl bool, at time.Time, audit func(string) *model.AuditLog) string {
			t.Helper()
			got, err := s.AdmitOutsideCall(ctx, store.OutsideCall{CallID: call, Number: "+33" + call, TenantID: a.ID, UserID: u.ID,
				International: intl, At: at}, l, audit)
			must(t, err)
			return got
		}
		for _, c := range []struct {
			call string
			u    *model.User
			intl bool
			want string
		}{
			{"c1", ann, false, ""}, {"c2", ann, true, ""}, {"c2", ann, true, ""}, // a second leg of c2
			{"c3", ann, false, store.LimitUserCalls}, {"c4", bob, false, ""}, {"c5", bob, false, store.LimitTenantCalls},
		} {
			if got := admit(c.call, c.u, c.intl, t0, nil); got != c.want {
				t.Fatalf("%s: %q, want %q", c.call, got, c.want)
			}
		}
		e := func(limit string) *model.AuditLog {
			return &model.AuditLog{TenantID: a.ID, UserID: bob.ID, Action: "refuse", ObjectType: "call", ObjectName: limit}
		}
		if admit("c5", bob, false, t0, e) != store.LimitTenantCalls {
			t.Fatal("c5 again")
		}
		n, logs, err := s.ListAuditLogs(ctx, a.ID, nil)
		must(t, err)
		if n != 1 || logs[0].Action != "refuse" || logs[0].ObjectName != store.LimitTenantCalls {
			t.Fatalf("audit: %d %v", n, logs)
		}
		must(t, s.EndOutsideCall(ctx, "c1", t0))
		must(t, s.EndOutsideCall(ctx, "c2", t0))
		// Two more international calls for ann: the third of the hour is
		// the limit, the fourth trips it; an hour later it passes.
		if admit("c6", ann, true, t0, nil) != "" {
			t.Fatal("c6")
		}
		must(t, s.EndOutsideCall(ctx, "c6", t0))
		if admit("c7", ann, true, t0, nil) != "" {
			t.Fatal("c7")
		}
		must(t, s.EndOutsideCall(ctx, "c7", t0))
		if got := admit("c8", ann, true, t0, nil); got != store.LimitInternationalHourly {
			t.Fatalf("c8: %q", got)
		}
		must(t, s.EndOutsideCall(ctx, "c4", t0))
		later := t0.Add(time.Hour + time.Second)
		must(t, s.SweepOutsideCalls(ctx, later))
		if got := admit("c9", ann, true, later, nil); got != "" {
			t.Fatalf("c9 an hour later: %q", got)
		}
		must(t, s.EndOutsideCall(ctx, "c9", later))

		// Many admissions at once: never more than the tenant's limit.
		l = store.OutsideLimits{PerUser: 100, PerTenant: 4}
		var wg sync.WaitGroup
		var mu sync.Mutex
		admitted := 0
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := s.AdmitOutsideCall(ctx, store.OutsideCall{CallID: fmt.Sprintf("p%d", i), Number: "+3312", TenantID: a.ID,
					UserID: bob.ID, At: later}, l, nil)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				if got == "" {
					admitted++
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		if admitted != 4 {
			t.Fatalf("admitted %d concurrent calls, limit 4", admitted)
		}
	})
}
