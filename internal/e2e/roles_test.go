package e2e

import (
	"net/url"
	"strings"
	"testing"
)

// perms builds a permission matrix with the given dotted flags set.
func perms(flags ...string) map[string]any {
	m := map[string]any{}
	for _, f := range flags {
		group, flag, _ := strings.Cut(f, ".")
		g, ok := m[group].(map[string]any)
		if !ok {
			g = map[string]any{}
			m[group] = g
		}
		g[flag] = true
	}
	return m
}

func TestRoles(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, boss := s.tenant("acme.example")
		_, other := s.tenant("other.example")

		list := s.must(200, "GET", "/api/roles?orderby=name", boss, nil).JSON(t)
		if list["count"] != float64(7) {
			t.Fatalf("built-in roles: %v", list)
		}
		first := list["items"].([]any)[0].(map[string]any)
		if first["name"] != "Admin" || first["built_in"] != true || first["description"] == "" {
			t.Fatalf("first role: %v", first)
		}
		admin := s.must(200, "GET", "/api/roles/admin", boss, nil).JSON(t)
		if p := admin["permissions"].(map[string]any)["user_management"].(map[string]any); p["users"] != true || p["roles"] != true {
			t.Fatalf("Admin permissions: %v", admin)
		}

		// What a StandardUser holds, plus managing users: enough to help them.
		helpdesk := perms("user_management.users", "general.meeting", "general.voicemail_view_only",
			"general.voicemail_full_access", "user_call_log.call_log_view_only", "user_call_log.call_log_full_access",
			"user_call_log.call_recording_view_only", "user_call_log.call_recording_full_access",
			"policies.internal_calls", "policies.domestic_calls")
		s.must(201, "POST", "/api/roles", boss, map[string]any{"name": "Helpdesk", "description": "Resets passwords",
			"permissions": helpdesk})
		for _, c := range []struct {
			body  any
			code  int
			field string
		}{
			{map[string]any{"name": "HELPDESK"}, 409, "name"},
			{map[string]any{"name": "admin"}, 400, "name"},
			{map[string]any{"name": "Queuemanager"}, 400, "name"},
			{map[string]any{"name": "Bad/Name"}, 400, "name"},
			{map[string]any{"name": " padded"}, 400, "name"},
			{map[string]any{"name": ""}, 400, "name"},
			{map[string]any{"name": "X", "description": strings.Repeat("d", 257)}, 422, "description"},
			{map[string]any{"name": "X", "permissions": map[string]any{"trunk": map[string]any{"launch": true}}}, 422, "permissions.trunk.launch"},
			{map[string]any{"name": "X", "permissions": map[string]any{"trunk": map[string]any{"view_only": "yes"}}}, 422, "permissions.trunk.view_only"},
			{map[string]any{"name": "X", "colour": "red"}, 422, "colour"},
			{map[string]any{"name": "X", "built_in": true}, 422, "built_in"},
		} {
			r := s.do("POST", "/api/roles", boss, c.body)
			code, field := r.ErrField(t)
			if field != c.field || (r.Status != c.code && !(c.code >= 400 && c.code < 423 && (r.Status == 400 || r.Status == 422))) {
				t.Errorf("%v: %d %s %q: %s", c.body, r.Status, code, field, r.Body)
			}
		}
		// Nobody creates a role holding a permission they lack.
		s.must(403, "POST", "/api/roles", boss, map[string]any{"name": "Tenants", "permissions": perms("system.tenant")})
		if n := s.must(200, "GET", "/api/roles", boss, nil).JSON(t)["count"]; n != float64(8) {
			t.Fatalf("roles after refused creates: %v", n)
		}

		// Custom roles are per tenant.
		s.must(404, "GET", "/api/roles/Helpdesk", other, nil)
		if n := s.must(200, "GET", "/api/roles", other, nil).JSON(t)["count"]; n != float64(7) {
			t.Fatalf("the other tenant sees %v roles", n)
		}
		s.must(201, "POST", "/api/roles", other, map[string]any{"name": "helpdesk"})

		// Assign it (any case); the holder gets exactly its permissions.
		hd := s.createUser(boss, map[string]any{"name": "hank", "email": "hank@acme.example", "extension_number": "300", "password": "Hank-password-1"})
		std := s.createUser(boss, map[string]any{"name": "sue", "email": "sue@acme.example", "extension_number": "301", "password": "Sue-password-1"})
		s.must(204, "POST", "/api/users/"+hd+"/role", boss, map[string]any{"role": "helpDESK"})
		if r := s.must(200, "GET", "/api/users/"+hd, boss, nil).JSON(t)["role"]; r != "Helpdesk" {
			t.Fatalf("role = %v", r)
		}
		hank := s.signIn("hank", "Hank-password-1", "acme.example")
		s.must(200, "GET", "/api/users", hank, nil)
		s.must(403, "GET", "/api/roles", hank, nil)
		s.must(204, "POST", "/api/users/"+std+"/password", hank, map[string]any{"password": "Sue-password-2"})
		bossID := s.must(200, "GET", "/api/user", boss, nil).JSON(t)["id"].(string)
		// ...but cannot take over someone who holds more than they do.
		s.must(403, "POST", "/api/users/"+bossID+"/password", hank, map[string]any{"password": "Taken-over-pw-1"})
		s.must(403, "POST", "/api/users/"+bossID, hank, map[string]any{"department": "x"})
		s.must(403, "POST", "/api/users/"+bossID+"/destroy", hank, nil)
		s.must(403, "POST", "/api/users/"+std+"/role", hank, map[string]any{"role": "Admin"})
		s.signIn("boss", "boss-Password-1", "acme.example")

		// Built-in roles cannot change or go.
		s.must(403, "POST", "/api/roles/Admin", boss, map[string]any{"description": "mine now"})
		s.must(403, "POST", "/api/roles/standarduser/destroy", boss, nil)

		// A change to the role applies at once, and a rename follows the users.
		s.must(204, "POST", "/api/roles/HELPDESK", boss, map[string]any{"name": "Support desk",
			"permissions": map[string]any{"user_management": map[string]any{"users": false}}})
		s.must(403, "GET", "/api/users", hank, nil)
		if r := s.must(200, "GET", "/api/users/"+hd, boss, nil).JSON(t)["role"]; r != "Support desk" {
			t.Fatalf("role after rename = %v", r)
		}
		got := s.must(200, "GET", "/api/roles/support%20desk", boss, nil).JSON(t)
		p := got["permissions"].(map[string]any)
		if got["description"] != "Resets passwords" || p["general"].(map[string]any)["meeting"] != true ||
			p["user_management"].(map[string]any)["users"] != false {
			t.Fatalf("after update: %v", got)
		}
		s.must(404, "GET", "/api/roles/Helpdesk", boss, nil)
		s.must(404, "POST", "/api/roles/Nope", boss, map[string]any{"description": "x"})

		// A role in use stays; the answer says how many hold it.
		r := s.must(409, "POST", "/api/roles/Support%20desk/destroy", boss, nil)
		if !strings.Contains(string(r.Body), "1 user still has it") {
			t.Fatalf("409 body: %s", r.Body)
		}
		s.must(204, "POST", "/api/users/"+hd+"/role", boss, map[string]any{"role": "StandardUser"})
		s.must(204, "POST", "/api/roles/Support%20desk/destroy", boss, nil)
		s.must(404, "POST", "/api/roles/Support%20desk/destroy", boss, nil)
		s.must(200, "GET", "/api/roles/helpdesk", other, nil) // the other tenant's is untouched

		// Lists take the query language.
		q := url.Values{"filter": {"built_in eq false"}}
		if n := s.must(200, "GET", "/api/roles?"+q.Encode(), other, nil).JSON(t)["count"]; n != float64(1) {
			t.Fatalf("custom roles of other: %v", n)
		}
		if r := s.do("GET", "/api/roles?orderby=permissions", boss, nil); r.Status != 400 {
			t.Fatalf("orderby permissions: %d", r.Status)
		}
	})
}
