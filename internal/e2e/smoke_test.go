package e2e

import (
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// TestWalkThrough follows the README's walk-through with the Go client.
func TestWalkThrough(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		s.must(200, "GET", "/healthz", "", nil)
		_, adm := s.newTenant("acme.example")
		id := ok(adm.CreateUser(ctx, client.UserCreate{Name: "jerome", FirstName: "Jérôme", LastName: "Martin",
			Email: "jerome@acme.example", ExtensionNumber: "101", Password: "Jerome-pass-1"}))(s)
		ok(adm.CreateUser(ctx, client.UserCreate{Name: "bob", Email: "bob@acme.example", ExtensionNumber: "102", Password: "Bob-pass-2024"}))(s)
		if u := ok(adm.GetUser(ctx, id))(s); u.DisplayName != "Jérôme Martin" || u.Role != "StandardUser" || u.MaxBindings != 10 {
			t.Fatalf("defaults wrong: %+v", u)
		}
		u := s.must(200, "GET", "/api/users/"+id, adm, nil).JSON(t)
		for _, secret := range []string{"password", "extension_password", "password_hash"} {
			if _, found := u[secret]; found {
				t.Fatalf("response has %s", secret)
			}
		}
		if l := ok(adm.ListUsers(ctx, &client.ListOptions{Search: "jero"}))(s); l.Count != 1 {
			t.Fatalf("search: %+v", l)
		}
		l := ok(adm.ListUsers(ctx, &client.ListOptions{OrderBy: "extension_number desc", Top: 1}))(s)
		if l.Count != 3 || len(l.Items) != 1 || l.Items[0].ExtensionNumber != "102" {
			t.Fatalf("list: %+v", l)
		}
		s.ok(adm.UpdateUser(ctx, id, client.UserUpdate{Department: client.Ptr("Billing")}))
		if got := ok(adm.GetUser(ctx, id))(s).Department; got != "Billing" {
			t.Fatalf("department = %v", got)
		}
		jerome := s.login("jerome", "Jerome-pass-1", "acme.example")
		if me := ok(jerome.CurrentUser(ctx))(s); me.ID != id {
			t.Fatalf("me = %+v", me)
		}
		_, err := jerome.ListUsers(ctx, nil)
		wantStatus(t, err, 403, "a user lists users")
		if code, _ := errField(t, err); code != "FORBIDDEN" {
			t.Fatal(code)
		}
		s.ok(adm.DeleteUser(ctx, id, ""))
		wantStatus(t, adm.DeleteUser(ctx, id, ""), 404, "a second delete")
		wantStatus(t, ign(jerome.CurrentUser(ctx)), 401, "a deleted user's session")
		if m := s.must(200, "GET", "/metrics", "", nil); !strings.Contains(string(m.Body), "switchboard_http_requests_total") {
			t.Fatal("metrics missing")
		}
	})
}
