package e2e

import (
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

func TestGroups(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		_, globex := s.newTenant("globex.example")
		group := func(name string) client.GroupInput { return client.GroupInput{Name: client.Ptr(name)} }

		wantStatus(t, ign(p.alice.ListGroups(ctx, nil)), 403, "a user lists groups")
		wantStatus(t, ign(p.alice.CreateGroup(ctx, group("sales"))), 403, "a user creates a group")
		wantInvalid(t, ign(p.admin.CreateGroup(ctx, group(""))), "name")
		wantInvalid(t, ign(p.admin.CreateGroup(ctx, group(strings.Repeat("g", 65)))), "name")
		gid := ok(p.admin.CreateGroup(ctx, client.GroupInput{Name: client.Ptr("sales"), Description: client.Ptr("Sales floor"),
			OutboundCallerIDs: []client.OutboundCallerID{{CallerID: "+15550100", Preferred: true}}}))(s)
		_, err := p.admin.CreateGroup(ctx, group("sales"))
		wantStatus(t, err, 409, "a duplicate group name")
		if code, _ := errField(t, err); code != "CONFLICT" && code != "ALREADY_EXISTS" {
			t.Fatalf("duplicate group name: %v", err)
		}
		// The same name is free in another tenant, and groups never cross.
		other := ok(globex.CreateGroup(ctx, group("sales")))(s)
		wantStatus(t, ign(p.admin.GetGroup(ctx, other)), 404, "another tenant's group")
		wantStatus(t, p.admin.AddGroupMember(ctx, other, "201"), 404, "a member into another tenant's group")
		wantStatus(t, globex.DeleteGroup(ctx, gid), 404, "another tenant deletes the group")
		if l := ok(p.admin.ListGroups(ctx, nil))(s); l.Count != 1 {
			t.Fatalf("list: %+v", l)
		}

		if g := ok(p.admin.GetGroup(ctx, gid))(s); g.Name != "sales" || g.Description != "Sales floor" {
			t.Fatalf("group: %+v", g)
		}
		s.ok(p.admin.UpdateGroup(ctx, gid, client.GroupInput{Description: client.Ptr("Sales and support")}))
		if g := ok(p.admin.GetGroup(ctx, gid))(s); g.Name != "sales" || g.Description != "Sales and support" {
			t.Fatalf("after update: %+v", g)
		}

		// Members by extension; an unknown extension is 404 and changes nothing.
		wantStatus(t, p.admin.AddGroupMember(ctx, gid, "999"), 404, "an unknown extension")
		wantStatus(t, ign(p.admin.GetGroupMember(ctx, gid, "201")), 404, "a member before adding")
		s.ok(p.admin.AddGroupMember(ctx, gid, "201"))
		s.ok(p.admin.AddGroupMember(ctx, gid, "202"))
		s.ok(p.admin.AddGroupMember(ctx, gid, "202")) // adding twice is harmless
		if m := ok(p.admin.GetGroupMember(ctx, gid, "201"))(s); m.ExtensionNumber != "201" || m.Name != "alice" {
			t.Fatalf("member: %+v", m)
		}
		if n := len(ok(p.admin.ListGroupMembers(ctx, gid))(s)); n != 2 {
			t.Fatalf("members = %d", n)
		}
		// The group's caller IDs are offered to its members.
		if ids := ok(p.alice.OutboundCallerIDs(ctx))(s); len(ids) != 1 || ids[0].CallerID != "+15550100" {
			t.Fatalf("alice's caller ids from the group: %+v", ids)
		}

		// A destroyed user leaves every group.
		s.ok(p.admin.DeleteUser(ctx, p.bobID, ""))
		if list := ok(p.admin.ListGroupMembers(ctx, gid))(s); len(list) != 1 || list[0].ExtensionNumber != "201" {
			t.Fatalf("members after destroying bob: %+v", list)
		}
		wantStatus(t, ign(p.admin.GetGroupMember(ctx, gid, "202")), 404, "a deleted user's membership")
		s.ok(p.admin.RemoveGroupMember(ctx, gid, "201"))
		wantStatus(t, p.admin.RemoveGroupMember(ctx, gid, "201"), 404, "a second removal")
		if n := len(ok(p.admin.ListGroupMembers(ctx, gid))(s)); n != 0 {
			t.Fatalf("members = %d", n)
		}
		s.ok(p.admin.DeleteGroup(ctx, gid))
		wantStatus(t, ign(p.admin.GetGroup(ctx, gid)), 404, "a deleted group")
	})
}
