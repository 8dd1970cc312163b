package e2e

import (
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// newTenantBody is a valid tenant body with changes to its first Admin.
func newTenantBody(domain string, change ...func(*client.TenantAdmin)) client.TenantCreate {
	b := client.TenantCreate{Name: "Tenant " + domain, Domain: domain,
		Admin: client.TenantAdmin{Name: "boss", Password: "boss-Password-1", Email: "boss@" + domain, ExtensionNumber: "100"}}
	for _, f := range change {
		f(&b.Admin)
	}
	return b
}

func TestTenants(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		sys := s.system()
		count := func() int { return ok(sys.ListTenants(ctx, nil))(s).Count }
		base := count() // the system tenant may or may not be listed
		id, boss := s.newTenant("acme.example")

		// Invalid tenants and invalid first admins create nothing at all.
		admin := func(f func(*client.TenantAdmin)) func(*client.TenantAdmin) { return f }
		noPassword := newTenantBody("new.example")
		for _, c := range []struct {
			body  any // client.TenantCreate, or a raw body
			field string
		}{
			{newTenantBody("not a domain"), "domain"},
			{newTenantBody("-bad.example"), "domain"},
			{newTenantBody("bad-.example"), "domain"},
			{newTenantBody("a..b"), "domain"},
			{newTenantBody(strings.Repeat("a", 64) + ".example"), "domain"},
			{newTenantBody("system.local"), "domain"},
			{newTenantBody("new.example", admin(func(a *client.TenantAdmin) { a.Password = "password" })), "admin.password"},
			{newTenantBody("new.example", admin(func(a *client.TenantAdmin) { a.Name = "bad name" })), "admin.name"},
			{newTenantBody("new.example", admin(func(a *client.TenantAdmin) { a.ExtensionNumber = "1" })), "admin.extension_number"},
			{newTenantBody("new.example", admin(func(a *client.TenantAdmin) { a.Email = "nope" })), "admin.email"},
			{map[string]any{"name": noPassword.Name, "domain": noPassword.Domain, "admin": map[string]any{"name": "boss",
				"email": "boss@new.example", "extension_number": "100"}}, "admin.password"},
			{map[string]any{"name": "No admin", "domain": "new.example"}, "admin"},
			{map[string]any{"name": "X", "domain": "new.example", "admin": newTenantBody("x").Admin, "colour": "red"}, "colour"},
		} {
			var err error
			if b, typed := c.body.(client.TenantCreate); typed {
				_, err = sys.CreateTenant(ctx, b)
			} else {
				err = s.do("POST", "/api/tenants", sys, c.body).Err()
			}
			if c.field == "domain" && status(err) == 409 {
				continue // system.local is taken: a conflict is an honest answer too
			}
			wantInvalid(t, err, c.field)
		}
		_, err := sys.CreateTenant(ctx, newTenantBody("ACME.example"))
		wantStatus(t, err, 409, "a domain in another case")
		errField(t, err)
		if got := count(); got != base+1 {
			t.Fatalf("refused creates changed the tenant count: %d, want %d", got, base+1)
		}
		wantStatus(t, ign(s.as("").SignIn(ctx, signInAs("boss", "boss-Password-1", "new.example"))), 401, "a refused tenant's admin")

		// Only a SystemAdmin manages tenants.
		for what, err := range map[string]error{
			"list": ign(boss.ListTenants(ctx, nil)), "get": ign(boss.GetTenant(ctx, id)),
			"create": ign(boss.CreateTenant(ctx, client.TenantCreate{Name: "x"})), "update": boss.UpdateTenant(ctx, id, client.TenantUpdate{Name: client.Ptr("x")}),
			"delete": boss.DeleteTenant(ctx, id),
		} {
			wantStatus(t, err, 403, "a tenant Admin: "+what)
		}

		if got := ok(sys.GetTenant(ctx, id))(s); got.Domain != "acme.example" || !got.Enabled || got.Name != "Tenant acme.example" {
			t.Fatalf("tenant: %+v", got)
		}
		s.ok(sys.UpdateTenant(ctx, id, client.TenantUpdate{Name: client.Ptr("Acme Dental"), TimeZone: client.Ptr("Europe/Paris")}))
		wantInvalid(t, sys.UpdateTenant(ctx, id, client.TenantUpdate{TimeZone: client.Ptr("Mars/Olympus")}), "time_zone")
		wantInvalid(t, s.do("POST", "/api/tenants/"+id, sys, map[string]any{"domain": "renamed.example"}).Err(), "domain")
		wantInvalid(t, s.do("POST", "/api/tenants/"+id, sys, map[string]any{"name": nil}).Err(), "name")
		if got := ok(sys.GetTenant(ctx, id))(s); got.Name != "Acme Dental" || got.TimeZone != "Europe/Paris" || got.Domain != "acme.example" {
			t.Fatalf("after update: %+v", got)
		}

		// Disabling a tenant locks its users out at once.
		s.ok(sys.UpdateTenant(ctx, id, client.TenantUpdate{Enabled: client.Ptr(false)}))
		wantStatus(t, ign(boss.CurrentUser(ctx)), 401, "a disabled tenant's session")
		wantStatus(t, ign(s.as("").SignIn(ctx, signInAs("boss", "boss-Password-1", "acme.example"))), 401, "a disabled tenant's sign-in")
		s.ok(sys.UpdateTenant(ctx, id, client.TenantUpdate{Enabled: client.Ptr(true)}))
		boss = s.login("boss", "boss-Password-1", "acme.example")
		ok(boss.CreateUser(ctx, client.UserCreate{Name: "ivy", Email: "ivy@acme.example", ExtensionNumber: "230", Password: "Ivy-password-1"}))(s)

		// The system tenant cannot be destroyed or disabled.
		for _, it := range ok(sys.ListTenants(ctx, nil))(s).Items {
			if it.System {
				wantStatus(t, sys.DeleteTenant(ctx, it.ID), 403, "delete the system tenant")
				wantInvalid(t, sys.UpdateTenant(ctx, it.ID, client.TenantUpdate{Enabled: client.Ptr(false)}), "enabled")
			}
		}

		// Destroy removes the tenant with its users and sessions; a second destroy is 404.
		s.ok(sys.DeleteTenant(ctx, id))
		wantStatus(t, sys.DeleteTenant(ctx, id), 404, "a second delete")
		wantStatus(t, ign(sys.GetTenant(ctx, id)), 404, "a deleted tenant")
		wantStatus(t, ign(boss.CurrentUser(ctx)), 401, "a deleted tenant's session")
		wantStatus(t, ign(s.as("").SignIn(ctx, signInAs("ivy", "Ivy-password-1", "acme.example"))), 401, "a deleted tenant's user")
		// The domain is free again.
		_, boss2 := s.newTenant("acme.example")
		if n := userCount(s, boss2); n != 1 {
			t.Fatalf("a recreated tenant has %d users", n)
		}
	})
}
