package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// valid returns a complete, valid create body; each case changes one thing.
func valid(n int) map[string]any {
	return map[string]any{
		"name": fmt.Sprintf("user%d", n), "email": fmt.Sprintf("user%d@acme.example", n),
		"extension_number": fmt.Sprintf("%d", 200+n), "password": "Long-enough-pw-1",
	}
}

func with(n int, kv ...any) map[string]any {
	b := valid(n)
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == del {
			delete(b, k)
			continue
		}
		b[k] = kv[i+1]
	}
	return b
}

// del marks a field to leave out of the body.
var del = &struct{}{}

func userCount(s *server, token string) int {
	s.t.Helper()
	return int(s.must(200, "GET", "/api/users?top=1", token, nil).JSON(s.t)["count"].(float64))
}

// wantInvalid asserts a 400/422 VALIDATE_FAILED naming field.
func wantInvalid(t *testing.T, r *response, field string) {
	t.Helper()
	if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 400 or 422: %s", r.Status, r.Body)
	}
	code, got := r.ErrField(t)
	if code != "VALIDATE_FAILED" || got != field {
		t.Fatalf("code %q field %q, want VALIDATE_FAILED %q: %s", code, got, field, r.Body)
	}
}

func TestCreateUserValidation(t *testing.T) {
	hours := func(from, to string) map[string]any {
		return map[string]any{"mode": "CUSTOM", "monday": map[string]any{"enabled": true,
			"ranges": []any{map[string]any{"from": from, "to": to}}}}
	}
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"missing name", with(1, "name", del), "name"},
		{"missing extension", with(1, "extension_number", del), "extension_number"},
		{"missing email", with(1, "email", del), "email"},
		{"missing password", with(1, "password", del), "password"},
		{"name with space", with(1, "name", "bad name"), "name"},
		{"name with @", with(1, "name", "a@b"), "name"},
		{"name starting with dot", with(1, "name", ".dot"), "name"},
		{"name ending with dot", with(1, "name", "dot."), "name"},
		{"name too long", with(1, "name", strings.Repeat("a", 65)), "name"},
		{"extension too short", with(1, "extension_number", "12"), "extension_number"},
		{"extension letters", with(1, "extension_number", "12a4"), "extension_number"},
		{"extension too long", with(1, "extension_number", strings.Repeat("1", 65)), "extension_number"},
		{"bad email", with(1, "email", "not-an-email"), "email"},
		{"short password", with(1, "password", "Short1!"), "password"},
		{"long password", with(1, "password", strings.Repeat("x", 129)), "password"},
		{"common password", with(1, "password", "password123"), "password"},
		{"pin too short", with(1, "voicemail_pin", "12345"), "voicemail_pin"},
		{"pin too long", with(1, "voicemail_pin", "12345678901"), "voicemail_pin"},
		{"pin not digits", with(1, "voicemail_pin", "12a456"), "voicemail_pin"},
		{"pin three equal", with(1, "voicemail_pin", "501119"), "voicemail_pin"},
		{"pin ascending run", with(1, "voicemail_pin", "914568"), "voicemail_pin"},
		{"pin descending run", with(1, "voicemail_pin", "917651"), "voicemail_pin"},
		{"sms enum", with(1, "sms", "allow"), "sms"},
		{"transport enum", with(1, "preferred_transport", "SCTP"), "preferred_transport"},
		{"interface enum", with(1, "interface", "LAN"), "interface"},
		{"play datetime enum", with(1, "voicemail_play_datetime", "24H"), "voicemail_play_datetime"},
		{"role unknown", with(1, "role", "Superhero"), "role"},
		{"forward action enum", with(1, "busy_office_hours_forward_rule", map[string]any{"action": "RING_ALL"}), "busy_office_hours_forward_rule.action"},
		{"forward number", with(1, "busy_office_hours_forward_rule", map[string]any{"action": "FORWARD_TO_NUMBER", "number": "call me"}), "busy_office_hours_forward_rule.number"},
		{"mobile phone", with(1, "mobile_phone", "+1 (555) 0100"), "mobile_phone"},
		{"office hours bad time", with(1, "office_hours", hours("25:00", "26:00")), "office_hours.monday.ranges[0].from"},
		{"office hours reversed", with(1, "office_hours", hours("17:00", "09:00")), "office_hours.monday.ranges[0].to"},
		{"max bindings zero", with(1, "max_bindings", 0), "max_bindings"},
		{"boolean as string", with(1, "enable_dnd", "yes"), "enable_dnd"},
		{"boolean as number", with(1, "enable_dnd", 1), "enable_dnd"},
		{"boolean as null", with(1, "enable_dnd", nil), "enable_dnd"},
		{"unknown field", with(1, "favourite_colour", "blue"), "favourite_colour"},
		{"read-only field", with(1, "created_at", "2020-01-01T00:00:00Z"), "created_at"},
		{"read-only id", with(1, "id", "abc"), "id"},
		{"department too long", with(1, "department", strings.Repeat("d", 129)), "department"},
	}
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		before := userCount(s, adm)
		for _, c := range cases {
			r := s.do("POST", "/api/users", adm, c.body)
			t.Run(c.name, func(t *testing.T) { wantInvalid(t, r, c.field) })
		}
		if after := userCount(s, adm); after != before {
			t.Fatalf("invalid creates changed the user count: %d -> %d", before, after)
		}
		// The system tenant's names are reserved for it, in any case: a customer
		// tenant cannot have an "admin" that could be mistaken for the SystemAdmin.
		for _, n := range []string{"Admin", "SYSTEM", "administrator", "rOOt"} {
			wantInvalid(t, s.do("POST", "/api/users", adm, with(2, "name", n)), "name")
		}
		s.must(201, "POST", "/api/users", s.adminToken(), with(3, "name", "root"))
		s.must(409, "POST", "/api/users", s.adminToken(), with(5, "name", "ADMIN"))
		// Valid edge cases are accepted: 128 characters of anything, never truncated.
		long := strings.Repeat("ü", 120) + "-pw-123"
		id := s.createUser(adm, with(4, "password", long, "voicemail_pin", "135792", "name", "o'brien-j.x_1"))
		s.must(200, "POST", "/api/auth/sign_in", "", map[string]any{"username": "o'brien-j.x_1", "password": long, "domain": "acme.example"})
		r := s.do("POST", "/api/auth/sign_in", "", map[string]any{"username": "o'brien-j.x_1", "password": long[:len(long)-1], "domain": "acme.example"})
		if r.Status != 401 {
			t.Fatalf("a truncated password signed in: %d", r.Status)
		}
		u := s.must(200, "GET", "/api/users/"+id, adm, nil).JSON(t)
		if u["voicemail_pin"] != "135792" {
			t.Fatalf("voicemail_pin = %v", u["voicemail_pin"])
		}
	})
}

func TestCreateUserDefaults(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		a := s.must(200, "GET", "/api/users/"+s.createUser(adm, valid(1)), adm, nil).JSON(t)
		b := s.must(200, "GET", "/api/users/"+s.createUser(adm, with(2, "first_name", "Ann", "last_name", "Lee")), adm, nil).JSON(t)
		if a["display_name"] != "user1" || b["display_name"] != "Ann Lee" {
			t.Fatalf("display names %v, %v", a["display_name"], b["display_name"])
		}
		for _, u := range []map[string]any{a, b} {
			if u["role"] != "StandardUser" || u["max_bindings"] != float64(10) || u["enabled"] != true {
				t.Fatalf("defaults: %v", u)
			}
			pin, _ := u["voicemail_pin"].(string)
			oncall, _ := u["oncall_pin"].(string)
			if len(pin) < 6 || len(oncall) < 4 || strings.Trim(pin+oncall, "0123456789") != "" {
				t.Fatalf("generated PINs %q %q", pin, oncall)
			}
			if _, ok := u["created_at"].(string); !ok {
				t.Fatalf("created_at missing: %v", u)
			}
			// All the contract's presence x office-hours rules are present with an action.
			n := 0
			for k, v := range u {
				if strings.HasSuffix(k, "_forward_rule") {
					if m, ok := v.(map[string]any); !ok || m["action"] == "" || m["action"] == nil {
						t.Fatalf("%s = %v", k, v)
					}
					n++
				}
			}
			if n != 16 { // the contract's user object has sixteen, plus custom_forward_rules
				t.Fatalf("%d forward rules, want 16", n)
			}
		}
		if a["voicemail_pin"] == b["voicemail_pin"] && a["oncall_pin"] == b["oncall_pin"] {
			t.Fatal("generated PINs repeat")
		}
	})
}

func TestDuplicates(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		s.createUser(adm, with(1, "name", "Carol"))
		before := userCount(s, adm)
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{with(2, "name", "carol"), "name"},
			{with(3, "name", "CAROL"), "name"},
			{with(4, "extension_number", "201"), "extension_number"},
		} {
			r := s.must(409, "POST", "/api/users", adm, c.body)
			if code, field := r.ErrField(t); code != "CONFLICT" || field != c.field {
				t.Fatalf("%s: %s %s", c.field, code, field)
			}
		}
		if userCount(s, adm) != before {
			t.Fatal("a conflicting create wrote a row")
		}
		// The same name and extension are free in another tenant.
		_, other := s.tenant("other.example")
		s.createUser(other, with(1, "name", "Carol"))
	})
}

func TestParallelCreatesSameExtension(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		const n = 20
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				statuses[i] = s.do("POST", "/api/users", adm, with(i, "extension_number", "555")).Status
			}(i)
		}
		wg.Wait()
		created, conflicts := 0, 0
		for _, st := range statuses {
			switch st {
			case 201:
				created++
			case 409:
				conflicts++
			}
		}
		if created != 1 || conflicts != n-1 {
			t.Fatalf("statuses %v: %d created, %d conflicts", statuses, created, conflicts)
		}
		list := s.must(200, "GET", "/api/users?filter=extension_number%20eq%20'555'", adm, nil).JSON(t)
		if list["count"] != float64(1) {
			t.Fatalf("extension 555 rows: %v", list["count"])
		}
	})
}

func TestUpdateUser(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		id := s.createUser(adm, with(1, "first_name", "Dana", "mobile_phone", "+15550100"))
		path := "/api/users/" + id
		before := string(s.must(200, "GET", path, adm, nil).Body)
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"name": "renamed"}, "name"},
			{map[string]any{"extension_number": "999"}, "extension_number"},
			{map[string]any{"nickname": "d"}, "nickname"},
			{map[string]any{"created_at": "2020-01-01T00:00:00Z"}, "created_at"},
			{map[string]any{"enable_dnd": "yes"}, "enable_dnd"},
			{map[string]any{"enable_dnd": 1}, "enable_dnd"},
			{map[string]any{"enable_dnd": nil}, "enable_dnd"},
			{map[string]any{"email": nil}, "email"},
			{map[string]any{"email": ""}, "email"},
			{map[string]any{"department": "ok", "sms": "NEVER"}, "sms"},
			{map[string]any{"voicemail_pin": "123456"}, "voicemail_pin"},
			{map[string]any{"password": "Another-pass-1"}, "password"},
		} {
			wantInvalid(t, s.do("POST", path, adm, c.body), c.field)
		}
		if after := string(s.must(200, "GET", path, adm, nil).Body); after != before {
			t.Fatalf("a refused update changed the user:\n%s\n%s", before, after)
		}
		s.must(204, "POST", path, adm, map[string]any{"enable_dnd": true, "department": "Sales",
			"office_hours": map[string]any{"mode": "CUSTOM", "monday": map[string]any{"enabled": true,
				"ranges": []any{map[string]any{"from": "09:00", "to": "12:30"}}}},
			"dnd_office_hours_forward_rule": map[string]any{"action": "FORWARD_TO_NUMBER", "number": "+15550199"}})
		u := s.must(200, "GET", path, adm, nil).JSON(t)
		fr := u["dnd_office_hours_forward_rule"].(map[string]any)
		if u["enable_dnd"] != true || u["department"] != "Sales" || u["first_name"] != "Dana" ||
			u["mobile_phone"] != "+15550100" || fr["action"] != "FORWARD_TO_NUMBER" || fr["number"] != "+15550199" {
			t.Fatalf("after update: %v", u)
		}
		oh := u["office_hours"].(map[string]any)
		if oh["mode"] != "CUSTOM" {
			t.Fatalf("office hours: %v", oh)
		}
		s.must(404, "POST", "/api/users/nosuchuser", adm, map[string]any{"department": "x"})
	})
}

func TestPasswordsAndRoles(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		id := s.createUser(adm, with(1, "name", "erin", "password", "Erin-first-pw"))
		tok := s.signIn("erin", "Erin-first-pw", "acme.example")
		wantInvalid(t, s.do("POST", "/api/users/"+id+"/password", adm, map[string]any{"password": "qwerty123"}), "password")
		s.must(204, "POST", "/api/users/"+id+"/password", adm, map[string]any{"password": "Erin-second-pw"})
		s.must(401, "GET", "/api/user", tok, nil) // a reset ends the user's sessions
		s.must(401, "POST", "/api/auth/sign_in", "", map[string]any{"username": "erin", "password": "Erin-first-pw", "domain": "acme.example"})
		tok = s.signIn("erin", "Erin-second-pw", "acme.example")

		wantInvalid(t, s.do("POST", "/api/users/"+id+"/extension_password", adm, map[string]any{"password": "short"}), "password")
		s.must(204, "POST", "/api/users/"+id+"/extension_password", adm, map[string]any{"password": "Sip-secret-pw-9"})

		// A StandardUser reaches only /api/user...
		for _, p := range []struct{ method, path string }{
			{"GET", "/api/users"}, {"GET", "/api/users/" + id}, {"POST", "/api/users"},
			{"POST", "/api/users/" + id + "/role"}, {"POST", "/api/users/" + id + "/destroy"}, {"GET", "/api/tenants"},
		} {
			r := s.do(p.method, p.path, tok, map[string]any{"role": "Admin"})
			if r.Status != 403 {
				t.Fatalf("StandardUser %s %s: %d", p.method, p.path, r.Status)
			}
		}
		// ... may change its own settings but not what only an admin sets.
		s.must(204, "POST", "/api/user", tok, map[string]any{"enable_dnd": true, "work_phone": "+15550111"})
		for _, f := range []string{"enabled", "max_bindings", "billing_contact", "sms"} {
			v := map[string]any{"enabled": false, "max_bindings": 50, "billing_contact": true, "sms": "ALLOW"}[f]
			r := s.do("POST", "/api/user", tok, map[string]any{f: v})
			if r.Status != 403 && r.Status != 400 && r.Status != 422 {
				t.Fatalf("self-set %s: %d %s", f, r.Status, r.Body)
			}
		}
		wantInvalid(t, s.do("POST", "/api/user/password", tok, map[string]any{"old_password": "wrong-one-123", "new_password": "Erin-third-pw"}), "old_password")
		s.must(204, "POST", "/api/user/password", tok, map[string]any{"old_password": "Erin-second-pw", "new_password": "Erin-third-pw"})
		tok = s.signIn("erin", "Erin-third-pw", "acme.example")
		s.must(204, "POST", "/api/user/extension_password", tok, map[string]any{"old_password": "Sip-secret-pw-9", "new_password": "Own-sip-secret-1"})
		me := s.must(200, "GET", "/api/user", tok, nil).JSON(t)
		if me["enable_dnd"] != true || me["work_phone"] != "+15550111" || me["enabled"] != true {
			t.Fatalf("me: %v", me)
		}

		// Roles: an Admin sets roles up to its own, never SystemAdmin; unknown roles are refused.
		wantInvalid(t, s.do("POST", "/api/users/"+id+"/role", adm, map[string]any{"role": "Wizard"}), "role")
		r := s.must(403, "POST", "/api/users/"+id+"/role", adm, map[string]any{"role": "SystemAdmin"})
		if code, _ := r.ErrField(t); code != "FORBIDDEN" {
			t.Fatal(code)
		}
		s.must(204, "POST", "/api/users/"+id+"/role", adm, map[string]any{"role": "Admin"})
		if got := s.must(200, "GET", "/api/users/"+id, adm, nil).JSON(t)["role"]; got != "Admin" {
			t.Fatalf("role = %v", got)
		}
		// Admins cannot lock themselves out.
		self := s.must(200, "GET", "/api/user", adm, nil).JSON(t)["id"].(string)
		s.must(403, "POST", "/api/users/"+self+"/role", adm, map[string]any{"role": "StandardUser"})
		s.must(403, "POST", "/api/users/"+self+"/destroy", adm, nil)
		wantInvalid(t, s.do("POST", "/api/users/"+self, adm, map[string]any{"enabled": false}), "enabled")

		// Disabling a user ends its access at once.
		s.must(204, "POST", "/api/users/"+id, adm, map[string]any{"enabled": false})
		s.must(401, "GET", "/api/user", tok, nil)
	})
}
