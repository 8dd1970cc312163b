package e2e

import (
	"net/url"
	"strings"
	"testing"
)

func TestTenantIsolation(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, acme := s.tenant("acme.example")
		_, globex := s.tenant("globex.example")
		victim := s.createUser(acme, map[string]any{"name": "jill", "email": "jill@acme.example", "extension_number": "240", "password": "Jill-password-1"})
		before := string(s.must(200, "GET", "/api/users/"+victim, acme, nil).Body)

		// Every path with the foreign id answers exactly like a missing one.
		missing := s.must(404, "GET", "/api/users/bm9zdWNodXNlcg==", globex, nil)
		for _, p := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/users/" + victim, nil},
			{"POST", "/api/users/" + victim, map[string]any{"department": "Pwned"}},
			{"POST", "/api/users/" + victim + "/password", map[string]any{"password": "Taken-over-pw-1"}},
			{"POST", "/api/users/" + victim + "/extension_password", map[string]any{"password": "Taken-over-pw-1"}},
			{"POST", "/api/users/" + victim + "/role", map[string]any{"role": "StandardUser"}},
			{"POST", "/api/users/" + victim + "/destroy", nil},
		} {
			r := s.do(p.method, p.path, globex, p.body)
			if r.Status != 404 || string(r.Body) != string(missing.Body) {
				t.Fatalf("%s %s from another tenant: %d %s", p.method, p.path, r.Status, r.Body)
			}
		}
		// Lists, filters and searches never reach across.
		for _, q := range []url.Values{qv(), qv("search", "jill"), qv("filter", "name eq 'jill'"), qv("filter", "extension_number eq '240'")} {
			m := s.must(200, "GET", "/api/users?"+q.Encode(), globex, nil).JSON(t)
			if strings.Contains(string(s.do("GET", "/api/users?"+q.Encode(), globex, nil).Body), "jill") {
				t.Fatalf("list %s shows the other tenant's user: %v", q.Encode(), m)
			}
		}
		// Nothing changed, and the victim still signs in with the old password.
		if after := string(s.must(200, "GET", "/api/users/"+victim, acme, nil).Body); after != before {
			t.Fatalf("the foreign tenant changed the user:\n%s\n%s", before, after)
		}
		s.signIn("jill", "Jill-password-1", "acme.example")
		// The same username and extension are independent per tenant.
		other := s.createUser(globex, map[string]any{"name": "jill", "email": "jill@globex.example", "extension_number": "240", "password": "Jill-globex-pw-1"})
		if other == victim {
			t.Fatal("ids collide across tenants")
		}
		s.must(401, "POST", "/api/auth/sign_in", "", signInBody("jill", "Jill-globex-pw-1", "acme.example"))
		s.signIn("jill", "Jill-globex-pw-1", "globex.example")
		// A SystemAdmin manages tenants but does not browse a tenant's users
		// through the tenant-scoped /api/users.
		if r := s.do("GET", "/api/users/"+victim, s.adminToken(), nil); r.Status != 404 {
			t.Fatalf("SystemAdmin GET foreign user: %d", r.Status)
		}
	})
}
