package e2e

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

func qv(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestListUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, adm := s.newTenant("acme.example")
		for i, u := range []client.UserCreate{
			{Name: "jerome", FirstName: "Jérôme", LastName: "Dupont", Department: "Sales", MaxBindings: 3},
			{Name: "zoe", FirstName: "Zoë", LastName: "Åberg", Department: "Sales", MaxBindings: 5},
			{Name: "mike", FirstName: "Mike", LastName: "Jerome", Department: "Support", MaxBindings: 5},
			{Name: "anna", FirstName: "Anna", LastName: "Smith", Department: "Support", Enabled: client.Ptr(false)},
			{Name: "Bert", FirstName: "Bert", LastName: "Ng", Department: "Sales", MaxBindings: 7},
		} {
			u.Email, u.ExtensionNumber, u.Password = u.Name+"@acme.example", fmt.Sprintf("%d", 301+i), "Long-enough-pw-1"
			ok(adm.CreateUser(ctx, u))(s)
		}
		// Six users in all: the tenant's admin "boss" (ext 100) and the five above.
		for _, c := range []struct {
			q     client.ListOptions
			count int
			names []string
		}{
			{client.ListOptions{OrderBy: "name"}, 6, []string{"anna", "Bert", "boss", "jerome", "mike", "zoe"}},
			{client.ListOptions{OrderBy: "extension_number desc", Top: 2}, 6, []string{"Bert", "anna"}},
			{client.ListOptions{OrderBy: "extension_number", Skip: 4, Top: 10}, 6, []string{"anna", "Bert"}},
			{client.ListOptions{OrderBy: "extension_number", Skip: 50}, 6, nil},
			{client.ListOptions{OrderBy: "department asc, max_bindings desc, name", Filter: "department ne ''"}, 5, []string{"Bert", "zoe", "jerome", "anna", "mike"}},
			{client.ListOptions{Filter: "department eq 'Sales' and max_bindings ge 5", OrderBy: "name"}, 2, []string{"Bert", "zoe"}},
			{client.ListOptions{Filter: "enabled eq false"}, 1, []string{"anna"}},
			{client.ListOptions{Filter: "not (enabled eq true) or name eq 'zoe'", OrderBy: "name"}, 2, []string{"anna", "zoe"}},
			{client.ListOptions{Filter: "startswith(extension_number,'30') and endswith(email,'.example') and contains(first_name,'AN')", OrderBy: "name"}, 1, []string{"anna"}},
			{client.ListOptions{Filter: "role eq 'Admin'"}, 1, []string{"boss"}},
			{client.ListOptions{Filter: "created_at gt 2000-01-01T00:00:00Z", Top: 1, OrderBy: "created_at"}, 6, []string{"boss"}},
			// search: case- and accent-insensitive, over names, email and extension.
			{client.ListOptions{Search: "jero", OrderBy: "name"}, 2, []string{"jerome", "mike"}},
			{client.ListOptions{Search: "JÉRÔ", OrderBy: "name"}, 2, []string{"jerome", "mike"}},
			{client.ListOptions{Search: "zoe"}, 1, []string{"zoe"}},
			{client.ListOptions{Search: "aberg"}, 1, []string{"zoe"}},
			{client.ListOptions{Search: "303"}, 1, []string{"mike"}},
			{client.ListOptions{Search: "jero", Filter: "department eq 'Sales'"}, 1, []string{"jerome"}},
			{client.ListOptions{Search: "nobody-matches"}, 0, nil},
		} {
			l := ok(adm.ListUsers(ctx, &c.q))(s)
			var names []string
			for _, u := range l.Items {
				names = append(names, u.Name)
			}
			if l.Count != c.count || !slices.Equal(names, c.names) {
				t.Errorf("%+v: count %d names %v, want %d %v", c.q, l.Count, names, c.count, c.names)
			}
		}
	})
}

func TestListErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.newTenant("acme.example")
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
		ctx := t.Context()
		sys := s.system()
		s.newTenant("other.example")
		l := ok(sys.ListTenants(ctx, &client.ListOptions{Filter: "endswith(domain,'.example')", OrderBy: "domain desc"}))(s)
		if l.Count != 2 || l.Items[0].Domain != "other.example" {
			t.Fatalf("tenants: %+v", l)
		}
		wantStatus(t, ign(sys.ListTenants(ctx, &client.ListOptions{OrderBy: "secret"})), 400, "tenant orderby unknown")
	})
}
