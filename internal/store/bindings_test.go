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

func TestBindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		ann, bob := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101")
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		bind := func(id string, ttl time.Duration) model.Binding {
			return model.Binding{InstanceID: id, Contact: "<sip:100@192.0.2.1>", CallID: "c", CSeq: 1, ExpiresAt: t0.Add(ttl),
				UserAgent: "ua", Source: "192.0.2.1:5060", Transport: "UDP", CreatedAt: t0, Node: "192.0.2.9:5060"}
		}
		set := func(u *model.User, bs ...model.Binding) {
			t.Helper()
			must(t, s.UpdateBindings(ctx, a.ID, u.ID, t0, func(_ *store.SIPUser, _ []model.Binding) ([]model.Binding, error) { return bs, nil }))
		}
		set(ann, bind("i1", time.Minute), bind("i2", time.Hour))
		set(bob, bind("i1", time.Minute))
		list, err := s.ListBindings(ctx, a.ID, ann.ID, t0)
		must(t, err)
		if len(list) != 2 || list[0].InstanceID != "i1" || !list[1].ExpiresAt.Equal(t0.Add(time.Hour)) || list[0].Source != "192.0.2.1:5060" ||
			list[0].Node != "192.0.2.9:5060" {
			t.Fatalf("list: %+v", list)
		}
		// Expired ones are not listed, then swept.
		if list, _ := s.ListBindings(ctx, a.ID, ann.ID, t0.Add(2*time.Minute)); len(list) != 1 {
			t.Fatalf("after a minute: %+v", list)
		}
		n, err := s.SweepBindings(ctx, t0.Add(2*time.Minute))
		must(t, err)
		if n != 2 {
			t.Fatalf("swept %d, want 2", n)
		}
		// fn sees the user and the current set; its error changes nothing.
		boom := errors.New("boom")
		err = s.UpdateBindings(ctx, a.ID, ann.ID, t0, func(u *store.SIPUser, cur []model.Binding) ([]model.Binding, error) {
			if u.UserID != ann.ID || !u.Enabled || u.MaxBindings != 10 || len(cur) != 1 || u.SIPDigest != model.SIPDigestDefault {
				t.Errorf("fn got %+v %+v", u, cur)
			}
			return nil, boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
		if list, _ := s.ListBindings(ctx, a.ID, ann.ID, t0); len(list) != 1 {
			t.Fatalf("a failed update changed bindings: %+v", list)
		}
		// Another tenant's user is not found.
		wantNotFound(t, s.UpdateBindings(ctx, b.ID, ann.ID, t0, func(*store.SIPUser, []model.Binding) ([]model.Binding, error) { return nil, nil }))
		wantNotFound(t, s.DeleteBinding(ctx, b.ID, ann.ID, "i2", t0))
		must(t, s.DeleteBinding(ctx, a.ID, ann.ID, "i2", t0))
		wantNotFound(t, s.DeleteBinding(ctx, a.ID, ann.ID, "i2", t0))

		// Concurrent updates of one user apply one after the other: with
		// a limit of 3 checked inside fn, 3 of 10 get in.
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_ = s.UpdateBindings(ctx, a.ID, bob.ID, t0, func(_ *store.SIPUser, cur []model.Binding) ([]model.Binding, error) {
					if len(cur) >= 3 {
						return nil, boom
					}
					return append(cur, bind(fmt.Sprintf("p%d", i), time.Hour)), nil
				})
			}(i)
		}
		wg.Wait()
		if list, _ := s.ListBindings(ctx, a.ID, bob.ID, t0); len(list) != 3 {
			t.Fatalf("concurrent adds: %d bindings", len(list))
		}
		// Disabling the user unregisters its devices.
		_, err = s.UpdateUser(ctx, a.ID, bob.ID, func(u *model.User) error { u.Enabled = false; return nil })
		must(t, err)
		if list, _ := s.ListBindings(ctx, a.ID, bob.ID, t0); len(list) != 0 {
			t.Fatalf("a disabled user keeps %d bindings", len(list))
		}
		// Lookups by address of record.
		u, err := s.SIPUserByAOR(ctx, "A.EXAMPLE", "100")
		must(t, err)
		if u.UserID != ann.ID || u.TenantID != a.ID {
			t.Fatalf("aor: %+v", u)
		}
		_, err = s.SIPUserByAOR(ctx, "b.example", "100")
		wantNotFound(t, err)
		if d, err := s.TenantSIPDigest(ctx, "a.example"); err != nil || d != model.SIPDigestDefault {
			t.Fatalf("digest setting %q %v", d, err)
		}
		// One secret for every node.
		k1, err := s.NodeSecret(ctx, "k")
		must(t, err)
		k2, _ := s.NodeSecret(ctx, "k")
		if k1 != k2 || len(k1) != 64 {
			t.Fatalf("secrets %q %q", k1, k2)
		}
	})
}

// TestDeleteFlowBindings: the bindings of one closed flow (transport and
// source) that the predicate picks go, in every tenant; those of the
// same source over another transport, or of another port, or not
// picked, stay.
func TestDeleteFlowBindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		ann, bea := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, b.ID, "bea", "100")
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		bind := func(id, source, transport string) model.Binding {
			return model.Binding{InstanceID: id, Contact: "<sip:100@10.0.0.2>", CallID: id, CSeq: 1, ExpiresAt: t0.Add(time.Hour),
				Source: source, Transport: transport, CreatedAt: t0}
		}
		must(t, s.UpdateBindings(ctx, a.ID, ann.ID, t0, func(*store.SIPUser, []model.Binding) ([]model.Binding, error) {
			return []model.Binding{bind("tcp", "192.0.2.1:40000", "TCP"), bind("udp", "192.0.2.1:40000", "UDP"), bind("other", "192.0.2.1:40001", "TCP"),
				bind("kept", "192.0.2.1:40000", "TCP")}, nil
		}))
		must(t, s.UpdateBindings(ctx, b.ID, bea.ID, t0, func(*store.SIPUser, []model.Binding) ([]model.Binding, error) {
			return []model.Binding{bind("tcp", "192.0.2.1:40000", "TCP")}, nil
		}))
		n, err := s.DeleteFlowBindings(ctx, "TCP", "192.0.2.1:40000", func(b *model.Binding) bool { return b.InstanceID != "kept" })
		must(t, err)
		if n != 2 {
			t.Fatalf("deleted %d, want 2", n)
		}
		list, _ := s.ListBindings(ctx, a.ID, ann.ID, t0)
		if len(list) != 3 || list[0].InstanceID == "tcp" || list[1].InstanceID == "tcp" || list[2].InstanceID == "tcp" {
			t.Fatalf("left: %+v", list)
		}
		if list, _ := s.ListBindings(ctx, b.ID, bea.ID, t0); len(list) != 0 {
			t.Fatalf("the other tenant's flow binding stayed: %+v", list)
		}
	})
}
