package e2e

import (
	"strings"
	"testing"
	"time"

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

// TestOwnTenantDigest: a tenant's own Admin reads their tenant and sets
// its sip_digest (MD5_ONLY included), audited; other fields, bad values
// and users without company.full_access are refused and change nothing;
// the phones of that tenant alone then get one MD5 challenge, and a
// SHA-256 answer fails.
func TestOwnTenantDigest(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		admin, _, _ := sipTenant(s, "acme.example")
		sipTenant(s, "other.example")
		boss := s.as(admin)
		if tn := ok(boss.GetOwnTenant(ctx))(s); tn.Domain != "acme.example" || tn.SIPDigest != "SHA256_THEN_MD5" {
			t.Fatalf("own tenant: %+v", tn)
		}
		wantInvalid(t, boss.UpdateOwnTenant(ctx, client.OwnTenantUpdate{SIPDigest: client.Ptr("MD4")}), "sip_digest")
		wantInvalid(t, s.do("POST", "/api/tenant", admin, map[string]any{"sip_trunk": "sip:192.0.2.1"}).Err(), "sip_trunk")
		wantInvalid(t, s.do("POST", "/api/tenant", admin, map[string]any{"sip_digest": nil}).Err(), "sip_digest")
		alice := s.signIn("alice", "Alice-password-1", "acme.example")
		wantStatus(t, s.do("POST", "/api/tenant", alice, map[string]any{"sip_digest": "MD5_ONLY"}).Err(), 403, "a StandardUser")
		if tn := ok(boss.GetOwnTenant(ctx))(s); tn.SIPDigest != "SHA256_THEN_MD5" || tn.SIPTrunk != "" {
			t.Fatalf("refused changes changed the tenant: %+v", tn)
		}
		s.ok(boss.UpdateOwnTenant(ctx, client.OwnTenantUpdate{SIPDigest: client.Ptr("MD5_ONLY")}))
		if tn := ok(boss.GetOwnTenant(ctx))(s); tn.SIPDigest != "MD5_ONLY" {
			t.Fatalf("after the change: %+v", tn)
		}
		entry := ok(boss.ListAuditLogs(ctx, &client.ListOptions{Top: 1}))(s).Items[0]
		if entry.Action != "update" || entry.ObjectType != "tenant" || entry.ObjectName != "acme.example" || entry.UserName != "boss" ||
			entry.Fields["sip_digest"] != "MD5_ONLY" || len(entry.Fields) != 1 {
			t.Fatalf("audit entry: %+v", entry)
		}
		// The company's office hours and time zone are the Admin's too; the
		// country (what is international) stays the provider's.
		s.must(204, "POST", "/api/tenant", admin, map[string]any{"time_zone": "Europe/Paris",
			"office_hours": map[string]any{"friday": map[string]any{"enabled": true, "ranges": []any{map[string]any{"from": "08:00", "to": "12:00"}}}}})
		wantInvalid(t, s.do("POST", "/api/tenant", admin, map[string]any{"country_code": "44"}).Err(), "country_code")
		wantInvalid(t, s.do("POST", "/api/tenant", admin, map[string]any{"time_zone": "Mars/Olympus"}).Err(), "time_zone")
		if tn := ok(boss.GetOwnTenant(ctx))(s); tn.TimeZone != "Europe/Paris" || !tn.OfficeHours.Friday.Enabled || tn.OfficeHours.Friday.Ranges[0].To != "12:00" || tn.CountryCode != "" {
			t.Fatalf("office hours by the Admin: %+v", tn)
		}

		s.advance(6 * time.Second) // challenges reuse the setting for up to 5 s
		ua := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		res := ua.raw(ua.request("Contact: "+ua.localContact("201")), 3*time.Second)
		if summarize(res) != "401 [MD5] stale=false" {
			t.Fatalf("MD5 only: %s", summarize(res))
		}
		sha := strings.Replace(challenges(res)[0], "algorithm=MD5", "algorithm=SHA-256", 1)
		if res := ua.raw(ua.request("Contact: "+ua.localContact("201"), ua.authorization(sha, "201", "Sip-secret-201")), 3*time.Second); res.StatusCode != 401 {
			t.Fatalf("a SHA-256 answer to an MD5-only tenant: %v", res)
		}
		if res := ua.raw(ua.request("Contact: "+ua.localContact("201"), ua.authorization(challenges(res)[0], "201", "Sip-secret-201")), 3*time.Second); res.StatusCode != 200 {
			t.Fatalf("MD5 answer: %v", res)
		}
		other := s.newUA("udp", "201", "other.example", "Sip-secret-201")
		if got := summarize(other.raw(other.request("Contact: "+other.localContact("201")), 3*time.Second)); got != "401 [SHA-256 MD5] stale=false" {
			t.Fatalf("another tenant's challenges: %s", got)
		}
	})
}
