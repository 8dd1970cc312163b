package e2e

import (
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

func TestAuditLog(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		acmeID, boss := s.newTenant("acme.example")
		_, other := s.newTenant("other.example")
		audit := func(c *client.Client, opts *client.ListOptions) *client.List[client.AuditLog] {
			t.Helper()
			return ok(c.ListAuditLogs(ctx, opts))(s)
		}
		id := ok(boss.CreateUser(ctx, client.UserCreate{Name: "ann", Email: "ann@acme.example", ExtensionNumber: "200",
			Password: "Ann-password-1", VoicemailPIN: "135792", Department: "Sales"}))(s)
		s.ok(boss.UpdateUser(ctx, id, client.UserUpdate{Department: client.Ptr("Support"), EnableDND: client.Ptr(true)}))
		s.ok(boss.SetUserPassword(ctx, id, "Ann-password-2"))
		ok(boss.CreateRole(ctx, client.RoleInput{Name: client.Ptr("Viewer"), Permissions: client.Grant("company.view_only")}))(s)
		s.ok(boss.UpdateRole(ctx, "Viewer", client.RoleInput{Description: client.Ptr("Reads the audit log")}))
		before := audit(boss, nil).Count
		// Refused changes leave no entry.
		wantStatus(t, ign(boss.CreateUser(ctx, client.UserCreate{Name: "ANN", Email: "x@acme.example", ExtensionNumber: "201", Password: "Ann-password-1"})),
			409, "a duplicate name")
		wantStatus(t, ign(boss.CreateRole(ctx, client.RoleInput{Name: client.Ptr("Boss2"), Permissions: client.Grant("system.tenant")})), 403, "a role above")
		if n := audit(boss, nil).Count; n != before {
			t.Fatalf("refused changes were logged: %d -> %d", before, n)
		}
		s.ok(boss.DeleteUser(ctx, id, ""))

		l := audit(boss, nil)
		var got []string
		for _, it := range l.Items {
			got = append(got, it.Action+" "+it.ObjectType+" "+it.ObjectName)
			if it.TenantID != acmeID {
				t.Errorf("entry of another tenant: %+v", it)
			}
		}
		want := []string{"delete user ann", "update role Viewer", "create role Viewer", "set_password user ann",
			"update user ann", "create user ann", "create tenant acme.example"}
		if l.Count != len(want) || strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("audit log (%d):\n%s\nwant:\n%s", l.Count, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		create := l.Items[5]
		f := create.Fields
		if create.UserName != "boss" || create.SourceIP != "127.0.0.1" || create.UserID == "" ||
			f["password"] != "********" || f["voicemail_pin"] != "********" || f["department"] != "Sales" {
			t.Fatalf("create entry: %+v", create)
		}
		if f := l.Items[4].Fields; f["department"] != "Support" || f["enable_dnd"] != true || len(f) != 2 {
			t.Fatalf("update entry fields: %v", f)
		}
		if l.Items[6].UserName != "admin" {
			t.Fatalf("tenant entry: %+v", l.Items[6])
		}

		// The query language works; other tenants and plain users see nothing of it.
		if n := audit(boss, &client.ListOptions{Filter: "object_type eq 'role'"}).Count; n != 2 {
			t.Fatalf("role entries: %d", n)
		}
		if l := audit(boss, &client.ListOptions{OrderBy: "created_at asc", Top: 1}); l.Count != 7 || l.Items[0].Action != "create" || l.Items[0].ObjectType != "tenant" {
			t.Fatalf("oldest: %+v", l.Items)
		}
		if n := audit(other, &client.ListOptions{Filter: "object_name eq 'ann'"}).Count; n != 0 {
			t.Fatalf("another tenant sees %d entries", n)
		}
		ok(boss.CreateUser(ctx, client.UserCreate{Name: "vic", Email: "vic@acme.example", ExtensionNumber: "202", Password: "Vic-password-1"}))(s)
		wantStatus(t, ign(s.login("vic", "Vic-password-1", "acme.example").ListAuditLogs(ctx, nil)), 403, "a user reads the audit log")
		// The SystemAdmin sees every tenant's, and may filter by tenant.
		sys := s.system()
		if n := audit(sys, &client.ListOptions{Filter: "tenant_id eq '" + acmeID + "'"}).Count; n != 8 {
			t.Fatalf("SystemAdmin view of acme: %d", n)
		}
		// acme's eight, other's creation and the system tenant's own bootstrap.
		if n := audit(sys, nil).Count; n != 10 {
			t.Fatalf("SystemAdmin sees %d entries", n)
		}
		wantStatus(t, ign(boss.ListAuditLogs(ctx, &client.ListOptions{Filter: "tenant_id eq 'x'"})), 400, "a tenant admin filtering by tenant")
	})
}
