package e2e

import (
	"strings"
	"testing"
)

func TestWalkThrough(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		s.must(200, "GET", "/healthz", "", nil)
		_, adm := s.tenant("acme.example")
		id := s.createUser(adm, map[string]any{"name": "jerome", "first_name": "Jérôme", "last_name": "Martin",
			"email": "jerome@acme.example", "extension_number": "101", "password": "Jerome-pass-1"})
		s.createUser(adm, map[string]any{"name": "bob", "email": "bob@acme.example", "extension_number": "102", "password": "Bob-pass-2024"})
		u := s.must(200, "GET", "/api/users/"+id, adm, nil).JSON(t)
		if u["display_name"] != "Jérôme Martin" || u["role"] != "StandardUser" || u["max_bindings"] != float64(10) {
			t.Fatalf("defaults wrong: %v", u)
		}
		for _, secret := range []string{"password", "extension_password", "password_hash"} {
			if _, ok := u[secret]; ok {
				t.Fatalf("response has %s", secret)
			}
		}
		list := s.must(200, "GET", "/api/users?search=jero", adm, nil).JSON(t)
		if list["count"] != float64(1) {
			t.Fatalf("search: %v", list)
		}
		list = s.must(200, "GET", "/api/users?orderby=extension_number%20desc&top=1", adm, nil).JSON(t)
		items := list["items"].([]any)
		if list["count"] != float64(3) || len(items) != 1 || items[0].(map[string]any)["extension_number"] != "102" {
			t.Fatalf("list: %v", list)
		}
		s.must(204, "POST", "/api/users/"+id, adm, map[string]any{"department": "Billing"})
		if got := s.must(200, "GET", "/api/users/"+id, adm, nil).JSON(t)["department"]; got != "Billing" {
			t.Fatalf("department = %v", got)
		}
		tok := s.signIn("jerome", "Jerome-pass-1", "acme.example")
		me := s.must(200, "GET", "/api/user", tok, nil).JSON(t)
		if me["id"] != id {
			t.Fatalf("me = %v", me)
		}
		r := s.must(403, "GET", "/api/users", tok, nil)
		if code, _ := r.ErrField(t); code != "FORBIDDEN" {
			t.Fatal(code)
		}
		s.must(204, "POST", "/api/users/"+id+"/destroy", adm, nil)
		s.must(404, "POST", "/api/users/"+id+"/destroy", adm, nil)
		s.must(401, "GET", "/api/user", tok, nil)
		if m := s.must(200, "GET", "/metrics", "", nil); !strings.Contains(string(m.Body), "switchboard_http_requests_total") {
			t.Fatal("metrics missing")
		}
	})
}
