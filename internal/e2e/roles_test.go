package e2e

import (
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

func TestRoles(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, boss := s.newTenant("acme.example")
		_, other := s.newTenant("other.example")

		list := ok(boss.ListRoles(ctx, &client.ListOptions{OrderBy: "name"}))(s)
		if list.Count != 7 {
			t.Fatalf("built-in roles: %+v", list)
		}
		if first := list.Items[0]; first.Name != "Admin" || !first.BuiltIn || first.Description == "" {
			t.Fatalf("first role: %+v", first)
		}
		admin := ok(boss.GetRole(ctx, "admin"))(s)
		if p := admin.Permissions.UserManagement; !p.Users || !p.Roles {
			t.Fatalf("Admin permissions: %+v", admin)
		}

		// What a StandardUser holds, plus managing users: enough to help them.
		helpdesk := client.Grant("user_management.users", "general.meeting", "general.voicemail_view_only",
			"general.voicemail_full_access", "user_call_log.call_log_view_only", "user_call_log.call_log_full_access",
			"user_call_log.call_recording_view_only", "user_call_log.call_recording_full_access",
			"policies.internal_calls", "policies.domestic_calls", "policies.forward_external_calls", "policies.follow_me")
		ok(boss.CreateRole(ctx, client.RoleInput{Name: client.Ptr("Helpdesk"), Description: client.Ptr("Resets passwords"),
			Permissions: helpdesk}))(s)
		for _, c := range []struct {
			body  any // client.RoleInput, or a raw body
			code  int
			field string
		}{
			{role("HELPDESK"), 409, "name"},
			{role("admin"), 400, "name"},
			{role("Queuemanager"), 400, "name"},
			{role("Bad/Name"), 400, "name"},
			{role(" padded"), 400, "name"},
			{role(""), 400, "name"},
			{client.RoleInput{Name: client.Ptr("X"), Description: client.Ptr(strings.Repeat("d", 257))}, 422, "description"},
			{client.RoleInput{Name: client.Ptr("X"), Permissions: client.Grant("trunk.launch")}, 422, "permissions.trunk.launch"},
			{map[string]any{"name": "X", "permissions": map[string]any{"trunk": map[string]any{"view_only": "yes"}}}, 422, "permissions.trunk.view_only"},
			{map[string]any{"name": "X", "colour": "red"}, 422, "colour"},
			{map[string]any{"name": "X", "built_in": true}, 422, "built_in"},
		} {
			var err error
			if in, typed := c.body.(client.RoleInput); typed {
				_, err = boss.CreateRole(ctx, in)
			} else {
				err = s.do("POST", "/api/roles", boss, c.body).Err()
			}
			code, field := errField(t, err)
			st := status(err)
			if field != c.field || (st != c.code && !(c.code >= 400 && c.code < 423 && (st == 400 || st == 422))) {
				t.Errorf("%v: %d %s %q: %v", c.body, st, code, field, err)
			}
		}
		// Nobody creates a role holding a permission they lack.
		wantStatus(t, ign(boss.CreateRole(ctx, client.RoleInput{Name: client.Ptr("Tenants"), Permissions: client.Grant("system.tenant")})),
			403, "a role with system.tenant")
		if n := ok(boss.ListRoles(ctx, nil))(s).Count; n != 8 {
			t.Fatalf("roles after refused creates: %v", n)
		}

		// Custom roles are per tenant.
		wantStatus(t, ign(other.GetRole(ctx, "Helpdesk")), 404, "another tenant's role")
		if n := ok(other.ListRoles(ctx, nil))(s).Count; n != 7 {
			t.Fatalf("the other tenant sees %v roles", n)
		}
		ok(other.CreateRole(ctx, role("helpdesk")))(s)

		// Assign it (any case); the holder gets exactly its permissions.
		hd := ok(boss.CreateUser(ctx, client.UserCreate{Name: "hank", Email: "hank@acme.example", ExtensionNumber: "300", Password: "Hank-password-1"}))(s)
		std := ok(boss.CreateUser(ctx, client.UserCreate{Name: "sue", Email: "sue@acme.example", ExtensionNumber: "301", Password: "Sue-password-1"}))(s)
		s.ok(boss.SetUserRole(ctx, hd, "helpDESK"))
		if r := ok(boss.GetUser(ctx, hd))(s).Role; r != "Helpdesk" {
			t.Fatalf("role = %v", r)
		}
		hank := s.login("hank", "Hank-password-1", "acme.example")
		ok(hank.ListUsers(ctx, nil))(s)
		wantStatus(t, ign(hank.ListRoles(ctx, nil)), 403, "Helpdesk lists roles")
		s.ok(hank.SetUserPassword(ctx, std, "Sue-password-2"))
		bossID := ok(boss.CurrentUser(ctx))(s).ID
		// ...but cannot take over someone who holds more than they do.
		wantStatus(t, hank.SetUserPassword(ctx, bossID, "Taken-over-pw-1"), 403, "Helpdesk resets an Admin's password")
		wantStatus(t, hank.UpdateUser(ctx, bossID, client.UserUpdate{Department: client.Ptr("x")}), 403, "Helpdesk changes an Admin")
		wantStatus(t, hank.DeleteUser(ctx, bossID, ""), 403, "Helpdesk deletes an Admin")
		wantStatus(t, hank.SetUserRole(ctx, std, "Admin"), 403, "Helpdesk grants Admin")
		s.login("boss", "boss-Password-1", "acme.example")

		// Built-in roles cannot change or go.
		wantStatus(t, boss.UpdateRole(ctx, "Admin", client.RoleInput{Description: client.Ptr("mine now")}), 403, "change Admin")
		wantStatus(t, boss.DeleteRole(ctx, "standarduser"), 403, "delete StandardUser")

		// A change to the role applies at once, and a rename follows the users.
		s.ok(boss.UpdateRole(ctx, "HELPDESK", client.RoleInput{Name: client.Ptr("Support desk"),
			Permissions: client.PermissionsUpdate{}.Revoke("user_management.users")}))
		wantStatus(t, ign(hank.ListUsers(ctx, nil)), 403, "list users after the change")
		if r := ok(boss.GetUser(ctx, hd))(s).Role; r != "Support desk" {
			t.Fatalf("role after rename = %v", r)
		}
		got := ok(boss.GetRole(ctx, "support desk"))(s)
		if got.Description != "Resets passwords" || !got.Permissions.General.Meeting || got.Permissions.UserManagement.Users {
			t.Fatalf("after update: %+v", got)
		}
		wantStatus(t, ign(boss.GetRole(ctx, "Helpdesk")), 404, "the old name")
		wantStatus(t, boss.UpdateRole(ctx, "Nope", client.RoleInput{Description: client.Ptr("x")}), 404, "a missing role")

		// A role in use stays; the answer says how many hold it.
		err := boss.DeleteRole(ctx, "Support desk")
		wantStatus(t, err, 409, "delete a role in use")
		if !strings.Contains(err.Error(), "1 user still has it") {
			t.Fatalf("409: %v", err)
		}
		s.ok(boss.SetUserRole(ctx, hd, "StandardUser"))
		s.ok(boss.DeleteRole(ctx, "Support desk"))
		wantStatus(t, boss.DeleteRole(ctx, "Support desk"), 404, "a second delete")
		ok(other.GetRole(ctx, "helpdesk"))(s) // the other tenant's is untouched

		// Lists take the query language.
		if n := ok(other.ListRoles(ctx, &client.ListOptions{Filter: "built_in eq false"}))(s).Count; n != 1 {
			t.Fatalf("custom roles of other: %v", n)
		}
		wantStatus(t, ign(boss.ListRoles(ctx, &client.ListOptions{OrderBy: "permissions"})), 400, "orderby permissions")
	})
}

// role is a role body with only a name.
func role(name string) client.RoleInput { return client.RoleInput{Name: client.Ptr(name)} }
