package e2e

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
)

// listNames runs GET /api/users with the given query and returns count and
// the names in page order.
func listNames(s *server, token string, q url.Values) (int, []string) {
	s.t.Helper()
	m := s.must(200, "GET", "/api/users?"+q.Encode(), token, nil).JSON(s.t)
	var names []string
	for _, it := range m["items"].([]any) {
		names = append(names, it.(map[string]any)["name"].(string))
	}
	return int(m["count"].(float64)), names
}

func qv(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestListUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		people := []map[string]any{
			{"name": "jerome", "first_name": "Jérôme", "last_name": "Dupont", "department": "Sales", "max_bindings": 3},
			{"name": "zoe", "first_name": "Zoë", "last_name": "Åberg", "department": "Sales", "max_bindings": 5},
			{"name": "mike", "first_name": "Mike", "last_name": "Jerome", "department": "Support", "max_bindings": 5},
			{"name": "anna", "first_name": "Anna", "last_name": "Smith", "department": "Support", "enabled": false},
			{"name": "Bert", "first_name": "Bert", "last_name": "Ng", "department": "Sales", "max_bindings": 7},
		}
		for i, p := range people {
			p["email"] = fmt.Sprintf("%s@acme.example", p["name"])
			p["extension_number"] = fmt.Sprintf("%d", 301+i)
			p["password"] = "Long-enough-pw-1"
			s.createUser(adm, p)
		}
		// Six users in all: the tenant's admin "boss" (ext 100) and the five above.
		for _, c := range []struct {
			q     url.Values
			count int
			names []string
		}{
			{qv("orderby", "name"), 6, []string{"anna", "Bert", "boss", "jerome", "mike", "zoe"}},
			{qv("orderby", "extension_number desc", "top", "2"), 6, []string{"Bert", "anna"}},
			{qv("orderby", "extension_number", "skip", "4", "top", "10"), 6, []string{"anna", "Bert"}},
			{qv("orderby", "extension_number", "skip", "50"), 6, nil},
			{qv("orderby", "department asc, max_bindings desc, name", "filter", "department ne ''"), 5, []string{"Bert", "zoe", "jerome", "anna", "mike"}},
			{qv("filter", "department eq 'Sales' and max_bindings ge 5", "orderby", "name"), 2, []string{"Bert", "zoe"}},
			{qv("filter", "enabled eq false"), 1, []string{"anna"}},
			{qv("filter", "not (enabled eq true) or name eq 'zoe'", "orderby", "name"), 2, []string{"anna", "zoe"}},
			{qv("filter", "startswith(extension_number,'30') and endswith(email,'.example') and contains(first_name,'AN')", "orderby", "name"), 1, []string{"anna"}},
			{qv("filter", "role eq 'Admin'"), 1, []string{"boss"}},
			{qv("filter", "created_at gt 2000-01-01T00:00:00Z", "top", "1", "orderby", "created_at"), 6, []string{"boss"}},
			// search: case- and accent-insensitive, over names, email and extension.
			{qv("search", "jero", "orderby", "name"), 2, []string{"jerome", "mike"}},
			{qv("search", "JÉRÔ", "orderby", "name"), 2, []string{"jerome", "mike"}},
			{qv("search", "zoe"), 1, []string{"zoe"}},
			{qv("search", "aberg"), 1, []string{"zoe"}},
			{qv("search", "303"), 1, []string{"mike"}},
			{qv("search", "jero", "filter", "department eq 'Sales'"), 1, []string{"jerome"}},
			{qv("search", "nobody-matches"), 0, nil},
		} {
			count, names := listNames(s, adm, c.q)
			if count != c.count || !slices.Equal(names, c.names) {
				t.Errorf("%s: count %d names %v, want %d %v", c.q.Encode(), count, names, c.count, c.names)
			}
		}
	})
}

func TestListErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		for _, c := range []struct {
			q     url.Values
			field string
		}{
			{qv("top", "0"), "top"},
			{qv("top", "101"), "top"},
			{qv("top", "ten"), "top"},
			{qv("skip", "-1"), "skip"},
			{qv("skip", "x"), "skip"},
			{qv("filter", "name eq"), "filter"},
			{qv("filter", "name eq 'unterminated"), "filter"},
			{qv("filter", "(name eq 'a'"), "filter"},
			{qv("filter", "password_hash eq 'x'"), "filter"},
			{qv("filter", "shoe_size gt 3"), "filter"},
			{qv("filter", "max_bindings eq 'many'"), "filter"},
			{qv("filter", "enabled eq 1"), "filter"},
			{qv("filter", "name eq 'a'; DROP TABLE users"), "filter"},
			{qv("orderby", "shoe_size"), "orderby"},
			{qv("orderby", "name sideways"), "orderby"},
			{qv("orderby", "name,"), "orderby"},
		} {
			r := s.do("GET", "/api/users?"+c.q.Encode(), adm, nil)
			if r.Status != 400 {
				t.Errorf("%s: status %d: %s", c.q.Encode(), r.Status, r.Body)
				continue
			}
			if code, field := r.ErrField(t); code != "VALIDATE_FAILED" || field != c.field {
				t.Errorf("%s: %s %q: %s", c.q.Encode(), code, field, r.Body)
			}
		}
		// The tenant list takes the same language.
		sys := s.adminToken()
		s.tenant("other.example")
		m := s.must(200, "GET", "/api/tenants?filter="+url.QueryEscape("endswith(domain,'.example')")+"&orderby=domain%20desc", sys, nil).JSON(t)
		items := m["items"].([]any)
		if m["count"] != float64(2) || items[0].(map[string]any)["domain"] != "other.example" {
			t.Fatalf("tenants: %v", m)
		}
		if r := s.do("GET", "/api/tenants?orderby=secret", sys, nil); r.Status != 400 {
			t.Fatalf("tenant orderby unknown: %d", r.Status)
		}
	})
}
