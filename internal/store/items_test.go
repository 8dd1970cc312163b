package store_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func item(tenantID, userID, kind, tk, uk string) *store.Item {
	return &store.Item{ID: model.NewID(), TenantID: tenantID, UserID: userID, Kind: kind, TenantKey: tk, UserKey: uk,
		Data: json.RawMessage(`{"k":"` + tk + uk + `"}`)}
}

var phoneKeys = store.ItemKeyField{Tenant: "mac"}
var dialKeys = store.ItemKeyField{User: "code"}

func TestItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		ann, bob := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101")
		cid := mkUser(t, s, b.ID, "cid", "100")

		// Tenant keys are unique per tenant and kind, across users.
		p1 := item(a.ID, ann.ID, "phone", "00:15:65:00:00:01", "")
		must(t, s.CreateItem(ctx, p1, phoneKeys, 20, "mac"))
		wantConflict(t, s.CreateItem(ctx, item(a.ID, bob.ID, "phone", "00:15:65:00:00:01", ""), phoneKeys, 20, "mac"), "mac")
		must(t, s.CreateItem(ctx, item(b.ID, cid.ID, "phone", "00:15:65:00:00:01", ""), phoneKeys, 20, "mac"))
		// User keys are unique per user and kind.
		d1 := item(a.ID, ann.ID, "speed_dial_8", "", "2")
		must(t, s.CreateItem(ctx, d1, dialKeys, 8, "code"))
		wantConflict(t, s.CreateItem(ctx, item(a.ID, ann.ID, "speed_dial_8", "", "2"), dialKeys, 8, "code"), "code")
		must(t, s.CreateItem(ctx, item(a.ID, bob.ID, "speed_dial_8", "", "2"), dialKeys, 8, "code"))
		must(t, s.CreateItem(ctx, item(a.ID, ann.ID, "speed_dial_100", "", "2"), dialKeys, 100, "code"))
		// An owner of another tenant is not found.
		wantNotFound(t, s.CreateItem(ctx, item(b.ID, ann.ID, "phone", "00:15:65:00:00:02", ""), phoneKeys, 20, "mac"))

		// Reads are scoped to tenant, user and kind.
		if got, err := s.GetItem(ctx, a.ID, ann.ID, "phone", p1.ID); err != nil || string(got.Data) != string(p1.Data) || got.TenantKey != p1.TenantKey {
			t.Fatalf("get: %+v %v", got, err)
		}
		for _, k := range [][3]string{{b.ID, ann.ID, "phone"}, {a.ID, bob.ID, "phone"}, {a.ID, ann.ID, "speed_dial_8"}} {
			_, err := s.GetItem(ctx, k[0], k[1], k[2], p1.ID)
			wantNotFound(t, err)
		}
		list, err := s.ListItems(ctx, a.ID, ann.ID, "speed_dial_8", 100)
		must(t, err)
		if len(list) != 1 || list[0].ID != d1.ID {
			t.Fatalf("list: %+v", list)
		}

		// Update: a key clash changes nothing; fn's error changes nothing.
		d2 := item(a.ID, ann.ID, "speed_dial_8", "", "3")
		must(t, s.CreateItem(ctx, d2, dialKeys, 8, "code"))
		wantConflict(t, s.UpdateItem(ctx, a.ID, ann.ID, "speed_dial_8", d2.ID, dialKeys, func(it *store.Item) error {
			it.UserKey, it.Data = "2", json.RawMessage(`{"changed":true}`)
			return nil
		}), "code")
		if got, _ := s.GetItem(ctx, a.ID, ann.ID, "speed_dial_8", d2.ID); got.UserKey != "3" || string(got.Data) != string(d2.Data) {
			t.Fatalf("a refused update changed the item: %+v", got)
		}
		must(t, s.UpdateItem(ctx, a.ID, ann.ID, "speed_dial_8", d2.ID, dialKeys, func(it *store.Item) error {
			it.UserKey = "4"
			return nil
		}))
		wantNotFound(t, s.UpdateItem(ctx, a.ID, bob.ID, "speed_dial_8", d2.ID, dialKeys, func(*store.Item) error { return nil }))

		// The per-user bound holds, also for creates racing each other.
		var wg sync.WaitGroup
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_ = s.CreateItem(ctx, item(a.ID, bob.ID, "holiday", "", ""), store.ItemKeyField{}, 5, "name")
			}(i)
		}
		wg.Wait()
		if n, err := s.CountItems(ctx, a.ID, bob.ID, "holiday"); err != nil || n != 5 {
			t.Fatalf("holidays after racing creates: %d %v", n, err)
		}
		wantConflict(t, s.CreateItem(ctx, item(a.ID, bob.ID, "holiday", "", ""), store.ItemKeyField{}, 5, "name"), "name")

		// Tenant items and the users' references to them go together.
		th := item(a.ID, "", "tenant_holiday", "", "")
		must(t, s.CreateItem(ctx, th, store.ItemKeyField{}, 500, "name"))
		ref := func() store.Item {
			return store.Item{ID: model.NewID(), UserKey: th.ID, Data: json.RawMessage(`{}`)}
		}
		must(t, s.ReplaceItems(ctx, a.ID, ann.ID, "global_holiday", []store.Item{ref()}))
		must(t, s.ReplaceItems(ctx, a.ID, bob.ID, "global_holiday", []store.Item{ref()}))
		wantNotFound(t, s.DeleteTenantItem(ctx, b.ID, "tenant_holiday", th.ID, "global_holiday"))
		must(t, s.DeleteTenantItem(ctx, a.ID, "tenant_holiday", th.ID, "global_holiday"))
		for _, u := range []string{ann.ID, bob.ID} {
			if n, _ := s.CountItems(ctx, a.ID, u, "global_holiday"); n != 0 {
				t.Fatalf("references left after deleting the tenant holiday: %d", n)
			}
		}

		// UpdateItems rewrites a user's items together.
		for i := 0; i < 3; i++ {
			must(t, s.CreateItem(ctx, item(a.ID, ann.ID, "greeting", "", ""), store.ItemKeyField{}, 20, "file_id"))
		}
		must(t, s.UpdateItems(ctx, a.ID, ann.ID, "greeting", func(items []store.Item) ([]store.Item, error) {
			for i := range items {
				items[i].Data = json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))
			}
			return items, nil
		}))
		gs, _ := s.ListItems(ctx, a.ID, ann.ID, "greeting", 20)
		for i, g := range gs {
			if string(g.Data) != fmt.Sprintf(`{"n":%d}`, i) && string(g.Data) != fmt.Sprintf(`{"n": %d}`, i) {
				t.Fatalf("greeting %d: %s", i, g.Data)
			}
		}

		// Delete is scoped; deleting a user deletes its items, not others'.
		wantNotFound(t, s.DeleteItem(ctx, a.ID, bob.ID, "phone", p1.ID))
		must(t, s.DeleteItem(ctx, a.ID, ann.ID, "phone", p1.ID))
		wantNotFound(t, s.DeleteItem(ctx, a.ID, ann.ID, "phone", p1.ID))
		must(t, s.DeleteUser(ctx, a.ID, ann.ID))
		if n, _ := s.CountItems(ctx, a.ID, ann.ID, "speed_dial_8"); n != 0 {
			t.Fatalf("a deleted user's items remain: %d", n)
		}
		if n, _ := s.CountItems(ctx, a.ID, bob.ID, "speed_dial_8"); n != 1 {
			t.Fatalf("another user's items went too: %d", n)
		}
		// Its phone's MAC is free for someone else.
		must(t, s.CreateItem(ctx, item(a.ID, bob.ID, "phone", "00:15:65:00:00:01", ""), phoneKeys, 20, "mac"))
	})
}

func TestGroupsStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		ann, bob := mkUser(t, s, a.ID, "ann", "100"), mkUser(t, s, a.ID, "bob", "101")
		cid := mkUser(t, s, b.ID, "cid", "100")
		g := &model.Group{ID: model.NewID(), Name: "Sales", OutboundCallerIDs: []model.OutboundCallerID{{CallerID: "+15550100"}}}
		must(t, s.CreateGroup(ctx, a.ID, g))
		wantConflict(t, s.CreateGroup(ctx, a.ID, &model.Group{ID: model.NewID(), Name: "sales"}), "name")
		gb := &model.Group{ID: model.NewID(), Name: "sales"}
		must(t, s.CreateGroup(ctx, b.ID, gb))
		if _, err := s.GetGroup(ctx, b.ID, g.ID); err == nil {
			t.Fatal("a group read from another tenant")
		}

		must(t, s.AddGroupMember(ctx, a.ID, g.ID, ann.ID))
		must(t, s.AddGroupMember(ctx, a.ID, g.ID, ann.ID)) // idempotent
		must(t, s.AddGroupMember(ctx, a.ID, g.ID, bob.ID))
		// Neither a foreign user nor a foreign group can be joined.
		wantNotFound(t, s.AddGroupMember(ctx, a.ID, g.ID, cid.ID))
		wantNotFound(t, s.AddGroupMember(ctx, a.ID, gb.ID, ann.ID))
		wantNotFound(t, s.AddGroupMember(ctx, b.ID, g.ID, cid.ID))
		members, err := s.GroupMembers(ctx, a.ID, g.ID)
		must(t, err)
		if len(members) != 2 {
			t.Fatalf("members: %+v", members)
		}
		if gs, _ := s.GroupsOfUser(ctx, a.ID, ann.ID); len(gs) != 1 || gs[0].Name != "Sales" || gs[0].OutboundCallerIDs[0].CallerID != "+15550100" {
			t.Fatalf("groups of ann: %+v", gs)
		}

		must(t, s.DeleteUser(ctx, a.ID, bob.ID))
		if members, _ := s.GroupMembers(ctx, a.ID, g.ID); len(members) != 1 || members[0].ID != ann.ID {
			t.Fatalf("members after deleting bob: %+v", members)
		}
		must(t, s.RemoveGroupMember(ctx, g.ID, ann.ID))
		wantNotFound(t, s.RemoveGroupMember(ctx, g.ID, ann.ID))
		must(t, s.AddGroupMember(ctx, a.ID, g.ID, ann.ID))
		wantNotFound(t, s.DeleteGroup(ctx, b.ID, g.ID))
		must(t, s.DeleteGroup(ctx, a.ID, g.ID))
		if gs, _ := s.GroupsOfUser(ctx, a.ID, ann.ID); len(gs) != 0 {
			t.Fatalf("groups of ann after deleting the group: %+v", gs)
		}
	})
}

func TestBlobsStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		ann := mkUser(t, s, a.ID, "ann", "100")
		data := []byte("RIFF\x24\x00\x00\x00WAVE")
		bl := &model.Blob{ID: model.NewID(), TenantID: a.ID, UserID: ann.ID, Name: "hi.wav", ContentType: "audio/wav", Kind: model.BlobAudio, Size: int64(len(data)), SHA256: "x"}
		must(t, s.CreateBlob(ctx, bl, data))
		got, err := s.GetBlob(ctx, a.ID, bl.ID)
		must(t, err)
		if got.Name != "hi.wav" || got.UserID != ann.ID || got.Size != int64(len(data)) || got.ContentType != "audio/wav" {
			t.Fatalf("blob: %+v", got)
		}
		_, err = s.GetBlob(ctx, b.ID, bl.ID)
		wantNotFound(t, err)
		raw, err := s.BlobData(ctx, bl.ID)
		must(t, err)
		if string(raw) != string(data) {
			t.Fatalf("data: %q", raw)
		}
		// Metadata only (the bytes are on disk): no database bytes.
		meta := &model.Blob{ID: model.NewID(), TenantID: a.ID, UserID: ann.ID, Name: "x.png", ContentType: "image/png", Kind: model.BlobImage, Size: 3}
		must(t, s.CreateBlob(ctx, meta, nil))
		_, err = s.BlobData(ctx, meta.ID)
		wantNotFound(t, err)
		wantNotFound(t, s.DeleteBlob(ctx, b.ID, bl.ID))
		must(t, s.DeleteBlob(ctx, a.ID, bl.ID))
		_, err = s.GetBlob(ctx, a.ID, bl.ID)
		wantNotFound(t, err)
		_, err = s.BlobData(ctx, bl.ID)
		wantNotFound(t, err)
	})
}
