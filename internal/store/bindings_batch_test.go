package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestBindingsBatch: one transaction applies many users' updates in
// order; a refused update changes nothing of its own, the others are
// written; a user of another tenant is not found.
func TestBindingsBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		ann, bob := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101")
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		bind := func(id string, cseq uint32) model.Binding {
			return model.Binding{InstanceID: id, Contact: "<sip:" + id + "@192.0.2.1>", CallID: "c", CSeq: cseq, ExpiresAt: t0.Add(time.Hour),
				UserAgent: "ua", Source: "192.0.2.1:5060", Transport: "UDP", CreatedAt: t0}
		}
		add := func(tenantID, userID, id string, cseq uint32) store.BindingUpdate {
			return store.BindingUpdate{TenantID: tenantID, UserID: userID, Apply: func(u *store.SIPUser, cur []model.Binding) ([]model.Binding, error) {
				if u.UserID != userID || u.Domain != "a.example" || u.Extension == "" {
					return nil, fmt.Errorf("wrong user %+v", u)
				}
				return append(cur, bind(id, cseq)), nil
			}}
		}
		boom := errors.New("boom")
		refuse := store.BindingUpdate{TenantID: a.ID, UserID: bob.ID, Apply: func(_ *store.SIPUser, cur []model.Binding) ([]model.Binding, error) {
			if len(cur) != 1 || cur[0].InstanceID != "b1" {
				return nil, fmt.Errorf("refuse saw %+v", cur)
			}
			return nil, boom
		}}
		errs, err := s.UpdateBindingsBatch(ctx, t0, []store.BindingUpdate{
			add(a.ID, ann.ID, "a1", 1), add(a.ID, bob.ID, "b1", 1), add(a.ID, ann.ID, "a2", 2), refuse, add(b.ID, ann.ID, "x", 1),
		})
		must(t, err)
		for i, want := range []error{nil, nil, nil, boom, model.ErrNotFound} {
			if (want == nil) != (errs[i] == nil) || (want != nil && !errors.Is(errs[i], want)) {
				t.Fatalf("update %d: %v, want %v", i, errs[i], want)
			}
		}
		list, err := s.ListBindings(ctx, a.ID, ann.ID, t0)
		must(t, err)
		if len(list) != 2 || list[0].InstanceID != "a1" || list[1].InstanceID != "a2" || list[1].TenantID != a.ID || list[1].UserID != ann.ID {
			t.Fatalf("ann: %+v", list)
		}
		if list, _ := s.ListBindings(ctx, a.ID, bob.ID, t0); len(list) != 1 {
			t.Fatalf("bob: %+v", list)
		}
		// A refresh rewrites, a removal deletes, in one batch.
		errs, err = s.UpdateBindingsBatch(ctx, t0, []store.BindingUpdate{
			{TenantID: a.ID, UserID: ann.ID, Apply: func(_ *store.SIPUser, cur []model.Binding) ([]model.Binding, error) {
				return []model.Binding{bind("a2", 3)}, nil
			}},
			{TenantID: a.ID, UserID: bob.ID, Apply: func(_ *store.SIPUser, cur []model.Binding) ([]model.Binding, error) {
				return []model.Binding{}, nil
			}},
		})
		must(t, err)
		must(t, errors.Join(errs...))
		if list, _ := s.ListBindings(ctx, a.ID, ann.ID, t0); len(list) != 1 || list[0].CSeq != 3 {
			t.Fatalf("ann after refresh: %+v", list)
		}
		if list, _ := s.ListBindings(ctx, a.ID, bob.ID, t0); len(list) != 0 {
			t.Fatalf("bob after removal: %+v", list)
		}
	})
}

// TestBindingsBatchConcurrent: batches running at once (as on several
// nodes) that add bindings for the same users under a limit of 3 checked
// inside Apply leave exactly 3 per user: the users' rows are locked.
func TestBindingsBatchConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := mkTenant(t, s, "a.example")
		users := []*model.User{mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101"), mkUser(t, s, a.ID, "cy", "102")}
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		var wg sync.WaitGroup
		for w := 0; w < 6; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				var ups []store.BindingUpdate
				for i := range users { // each batch names the users in a different order
					u := users[(i+w)%len(users)]
					ups = append(ups, store.BindingUpdate{TenantID: a.ID, UserID: u.ID, Apply: func(_ *store.SIPUser, cur []model.Binding) ([]model.Binding, error) {
						if len(cur) >= 3 {
							return nil, errors.New("full")
						}
						return append(cur, model.Binding{InstanceID: fmt.Sprintf("w%d", w), Contact: "<sip:x@192.0.2.1>", CallID: "c", CSeq: 1,
							ExpiresAt: t0.Add(time.Hour), Source: "192.0.2.1:5060", Transport: "UDP", CreatedAt: t0}), nil
					}})
				}
				if _, err := s.UpdateBindingsBatch(ctx, t0, ups); err != nil {
					t.Errorf("batch %d: %v", w, err)
				}
			}(w)
		}
		wg.Wait()
		for _, u := range users {
			if list, _ := s.ListBindings(ctx, a.ID, u.ID, t0); len(list) != 3 {
				t.Fatalf("%s has %d bindings, want 3", u.Name, len(list))
			}
		}
	})
}
