package store_test

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		must(t, s.SyncBuiltInRoles(ctx, model.BuiltInRoles()))
		must(t, s.SyncBuiltInRoles(ctx, model.BuiltInRoles())) // idempotent
		a, b := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example")
		r := &model.Role{Name: "Helpdesk", Description: "d"}
		r.Permissions.UserManagement.Users = true
		must(t, s.CreateRole(ctx, a.ID, r))
		wantConflict(t, s.CreateRole(ctx, a.ID, &model.Role{Name: "HELPDESK"}), "name")
		must(t, s.CreateRole(ctx, b.ID, &model.Role{Name: "helpdesk"}))

		n, list, err := s.ListRoles(ctx, a.ID, nil)
		must(t, err)
		if n != 8 || list[0].Name != "Admin" || !list[0].BuiltIn || list[7].Name != "Helpdesk" || list[7].BuiltIn {
			t.Fatalf("roles of a: %d %+v", n, list)
		}
		got, err := s.GetRole(ctx, a.ID, "helpDesk")
		must(t, err)
		if !got.Permissions.UserManagement.Users || got.Name != "Helpdesk" {
			t.Fatalf("get: %+v", got)
		}
		if got, err := s.GetRole(ctx, b.ID, "admin"); err != nil || !got.BuiltIn {
			t.Fatalf("built-in from b: %+v %v", got, err)
		}

		u := newUser(a.ID, "hank", "100")
		u.Role = "Helpdesk"
		must(t, s.CreateUser(ctx, u))
		wantConflict(t, s.DeleteRole(ctx, a.ID, "helpdesk"), "name")
		_, err = s.UpdateRole(ctx, a.ID, "HELPDESK", func(r *model.Role) error { r.Name = "Support"; return nil })
		must(t, err)
		if got, _ := s.GetUser(ctx, a.ID, u.ID); got.Role != "Support" {
			t.Fatalf("the rename did not follow: %q", got.Role)
		}
		_, err = s.UpdateRole(ctx, a.ID, "admin", func(*model.Role) error { return nil })
		wantNotFound(t, err) // built-in rows are not a tenant's to update
		_, err = s.UpdateUser(ctx, a.ID, u.ID, func(u *model.User) error { u.Role = model.RoleStandardUser; return nil })
		must(t, err)
		must(t, s.DeleteRole(ctx, a.ID, "support"))
		wantNotFound(t, s.DeleteRole(ctx, a.ID, "support"))
		if _, err := s.GetRole(ctx, b.ID, "helpdesk"); err != nil {
			t.Fatal("b's role went with a's")
		}
		// A tenant's roles go with the tenant.
		must(t, s.DeleteTenant(ctx, b.ID))
		if n, _, _ := s.ListRoles(ctx, b.ID, nil); n != 7 {
			t.Fatalf("roles left of a deleted tenant: %d", n)
		}
	})
}
