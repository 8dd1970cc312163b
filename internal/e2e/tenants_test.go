package e2e

import (
	"strings"
	"testing"
)

func tenantBody(domain string, admin map[string]any) map[string]any {
	a := map[string]any{"name": "boss", "password": "boss-Password-1", "email": "boss@" + domain, "extension_number": "100"}
	for k, v := range admin {
		if v == del {
			delete(a, k)
		} else {
			a[k] = v
		}
	}
	return map[string]any{"name": "Tenant " + domain, "domain": domain, "admin": a}
}

func tenantCount(s *server, sys string) int {
	s.t.Helper()
	return int(s.must(200, "GET", "/api/tenants", sys, nil).JSON(s.t)["count"].(float64))
}

func TestTenants(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		sys := s.adminToken()
		base := tenantCount(s, sys) // the system tenant may or may not be listed
		id, boss := s.tenant("acme.example")

		// Invalid tenants and invalid first admins create nothing at all.
		for _, c := range []struct {
			body  any
			field string
		}{
			{tenantBody("not a domain", nil), "domain"},
			{tenantBody("-bad.example", nil), "domain"},
			{tenantBody("bad-.example", nil), "domain"},
			{tenantBody("a..b", nil), "domain"},
			{tenantBody(strings.Repeat("a", 64)+".example", nil), "domain"},
			{tenantBody("system.local", nil), "domain"},
			{tenantBody("new.example", map[string]any{"password": "password"}), "admin.password"},
			{tenantBody("new.example", map[string]any{"name": "bad name"}), "admin.name"},
			{tenantBody("new.example", map[string]any{"extension_number": "1"}), "admin.extension_number"},
			{tenantBody("new.example", map[string]any{"email": "nope"}), "admin.email"},
			{tenantBody("new.example", map[string]any{"password": del}), "admin.password"},
			{map[string]any{"name": "No admin", "domain": "new.example"}, "admin"},
			{map[string]any{"name": "X", "domain": "new.example", "admin": tenantBody("x", nil)["admin"], "colour": "red"}, "colour"},
		} {
			r := s.do("POST", "/api/tenants", sys, c.body)
			if c.field == "domain" && r.Status == 409 {
				continue // system.local is taken: a conflict is an honest answer too
			}
			wantInvalid(t, r, c.field)
		}
		if r := s.must(409, "POST", "/api/tenants", sys, tenantBody("ACME.example", nil)); r.JSON(t) == nil {
			t.Fatal("no body")
		}
		if got := tenantCount(s, sys); got != base+1 {
			t.Fatalf("refused creates changed the tenant count: %d, want %d", got, base+1)
		}
		s.must(401, "POST", "/api/auth/sign_in", "", signInBody("boss", "boss-Password-1", "new.example"))

		// Only a SystemAdmin manages tenants.
		for _, p := range []struct{ method, path string }{
			{"GET", "/api/tenants"}, {"GET", "/api/tenants/" + id}, {"POST", "/api/tenants"},
			{"POST", "/api/tenants/" + id}, {"POST", "/api/tenants/" + id + "/destroy"},
		} {
			if r := s.do(p.method, p.path, boss, map[string]any{"name": "x"}); r.Status != 403 {
				t.Fatalf("tenant Admin %s %s: %d", p.method, p.path, r.Status)
			}
		}

		got := s.must(200, "GET", "/api/tenants/"+id, sys, nil).JSON(t)
		if got["domain"] != "acme.example" || got["enabled"] != true || got["name"] != "Tenant acme.example" {
			t.Fatalf("tenant: %v", got)
		}
		s.must(204, "POST", "/api/tenants/"+id, sys, map[string]any{"name": "Acme Dental", "time_zone": "Europe/Paris"})
		wantInvalid(t, s.do("POST", "/api/tenants/"+id, sys, map[string]any{"time_zone": "Mars/Olympus"}), "time_zone")
		wantInvalid(t, s.do("POST", "/api/tenants/"+id, sys, map[string]any{"domain": "renamed.example"}), "domain")
		wantInvalid(t, s.do("POST", "/api/tenants/"+id, sys, map[string]any{"name": nil}), "name")
		got = s.must(200, "GET", "/api/tenants/"+id, sys, nil).JSON(t)
		if got["name"] != "Acme Dental" || got["time_zone"] != "Europe/Paris" || got["domain"] != "acme.example" {
			t.Fatalf("after update: %v", got)
		}

		// Disabling a tenant locks its users out at once.
		s.must(204, "POST", "/api/tenants/"+id, sys, map[string]any{"enabled": false})
		s.must(401, "GET", "/api/user", boss, nil)
		s.must(401, "POST", "/api/auth/sign_in", "", signInBody("boss", "boss-Password-1", "acme.example"))
		s.must(204, "POST", "/api/tenants/"+id, sys, map[string]any{"enabled": true})
		boss = s.signIn("boss", "boss-Password-1", "acme.example")
		s.createUser(boss, map[string]any{"name": "ivy", "email": "ivy@acme.example", "extension_number": "230", "password": "Ivy-password-1"})

		// The system tenant cannot be destroyed or disabled.
		for _, it := range s.must(200, "GET", "/api/tenants", sys, nil).JSON(t)["items"].([]any) {
			if m := it.(map[string]any); m["system"] == true {
				s.must(403, "POST", "/api/tenants/"+m["id"].(string)+"/destroy", sys, nil)
				wantInvalid(t, s.do("POST", "/api/tenants/"+m["id"].(string), sys, map[string]any{"enabled": false}), "enabled")
			}
		}

		// Destroy removes the tenant with its users and sessions; a second destroy is 404.
		s.must(204, "POST", "/api/tenants/"+id+"/destroy", sys, nil)
		s.must(404, "POST", "/api/tenants/"+id+"/destroy", sys, nil)
		s.must(404, "GET", "/api/tenants/"+id, sys, nil)
		s.must(401, "GET", "/api/user", boss, nil)
		s.must(401, "POST", "/api/auth/sign_in", "", signInBody("ivy", "Ivy-password-1", "acme.example"))
		// The domain is free again.
		_, boss2 := s.tenant("acme.example")
		if n := userCount(s, boss2); n != 1 {
			t.Fatalf("a recreated tenant has %d users", n)
		}
	})
}
