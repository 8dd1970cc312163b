package e2e

import (
	"net/url"
	"strings"
	"testing"
)

func auditItems(t *testing.T, s *server, token string, q url.Values) (int, []map[string]any) {
	t.Helper()
	m := s.must(200, "GET", "/api/audit_logs?"+q.Encode(), token, nil).JSON(t)
	var items []map[string]any
	for _, it := range m["items"].([]any) {
		items = append(items, it.(map[string]any))
	}
	return int(m["count"].(float64)), items
}

func TestAuditLog(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		acmeID, boss := s.tenant("acme.example")
		_, other := s.tenant("other.example")
		id := s.createUser(boss, map[string]any{"name": "ann", "email": "ann@acme.example", "extension_number": "200",
			"password": "Ann-password-1", "voicemail_pin": "135792", "department": "Sales"})
		s.must(204, "POST", "/api/users/"+id, boss, map[string]any{"department": "Support", "enable_dnd": true})
		s.must(204, "POST", "/api/users/"+id+"/password", boss, map[string]any{"password": "Ann-password-2"})
		s.must(201, "POST", "/api/roles", boss, map[string]any{"name": "Viewer", "permissions": perms("company.view_only")})
		s.must(204, "POST", "/api/roles/Viewer", boss, map[string]any{"description": "Reads the audit log"})
		before, _ := auditItems(t, s, boss, nil)
		// Refused changes leave no entry.
		s.must(409, "POST", "/api/users", boss, map[string]any{"name": "ANN", "email": "x@acme.example", "extension_number": "201", "password": "Ann-password-1"})
		s.must(403, "POST", "/api/roles", boss, map[string]any{"name": "Boss2", "permissions": perms("system.tenant")})
		if n, _ := auditItems(t, s, boss, nil); n != before {
			t.Fatalf("refused changes were logged: %d -> %d", before, n)
		}
		s.must(204, "POST", "/api/users/"+id+"/destroy", boss, nil)

		n, items := auditItems(t, s, boss, nil)
		var got []string
		for _, it := range items {
			got = append(got, it["action"].(string)+" "+it["object_type"].(string)+" "+it["object_name"].(string))
			if it["tenant_id"] != acmeID {
				t.Errorf("entry of another tenant: %v", it)
			}
		}
		want := []string{"delete user ann", "update role Viewer", "create role Viewer", "set_password user ann",
			"update user ann", "create user ann", "create tenant acme.example"}
		if n != len(want) || strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("audit log (%d):\n%s\nwant:\n%s", n, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		create := items[5]
		f := create["fields"].(map[string]any)
		if create["user_name"] != "boss" || create["source_ip"] != "127.0.0.1" || create["user_id"] == "" ||
			f["password"] != "********" || f["voicemail_pin"] != "********" || f["department"] != "Sales" {
			t.Fatalf("create entry: %v", create)
		}
		if f := items[4]["fields"].(map[string]any); f["department"] != "Support" || f["enable_dnd"] != true || len(f) != 2 {
			t.Fatalf("update entry fields: %v", f)
		}
		if items[6]["user_name"] != "admin" {
			t.Fatalf("tenant entry: %v", items[6])
		}

		// The query language works; other tenants and plain users see nothing of it.
		if n, _ := auditItems(t, s, boss, url.Values{"filter": {"object_type eq 'role'"}}); n != 2 {
			t.Fatalf("role entries: %d", n)
		}
		if n, items := auditItems(t, s, boss, url.Values{"orderby": {"created_at asc"}, "top": {"1"}}); n != 7 || items[0]["action"] != "create" || items[0]["object_type"] != "tenant" {
			t.Fatalf("oldest: %v", items)
		}
		if n, _ := auditItems(t, s, other, url.Values{"filter": {"object_name eq 'ann'"}}); n != 0 {
			t.Fatalf("another tenant sees %d entries", n)
		}
		s.createUser(boss, map[string]any{"name": "vic", "email": "vic@acme.example", "extension_number": "202", "password": "Vic-password-1"})
		s.must(403, "GET", "/api/audit_logs", s.signIn("vic", "Vic-password-1", "acme.example"), nil)
		// The SystemAdmin sees every tenant's, and may filter by tenant.
		sys := s.adminToken()
		if n, _ := auditItems(t, s, sys, url.Values{"filter": {"tenant_id eq '" + acmeID + "'"}}); n != 8 {
			t.Fatalf("SystemAdmin view of acme: %d", n)
		}
		// acme's eight, other's creation and the system tenant's own bootstrap.
		if n, _ := auditItems(t, s, sys, nil); n != 10 {
			t.Fatalf("SystemAdmin sees %d entries", n)
		}
		if r := s.do("GET", "/api/audit_logs?filter="+url.QueryEscape("tenant_id eq 'x'"), boss, nil); r.Status != 400 {
			t.Fatalf("a tenant admin filtering by tenant: %d", r.Status)
		}
	})
}
