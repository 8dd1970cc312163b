package store_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestTenantCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sys := &model.Tenant{ID: model.NewID(), Name: "System", Domain: model.SystemTenantDomain, Enabled: true, System: true}
		admin := newUser("", "admin", "100")
		admin.Role = model.RoleSystemAdmin
		must(t, s.CreateTenant(ctx, sys, admin))
		eq(t, "admin tenant", admin.TenantID, sys.ID)
		if sys.Created.IsZero() || admin.CreatedAt.IsZero() {
			t.Fatal("timestamps not set")
		}

		tn := &model.Tenant{ID: model.NewID(), Name: "Acme Corp", Domain: "Acme.Example.COM", Enabled: true, TimeZone: "Europe/Paris", Created: at(0),
			CountryCode: "33"}
		tn.OfficeHours.Monday = model.DayHours{Enabled: true, Ranges: []model.TimeRange{{From: "08:00", To: "12:00"}}}
		must(t, s.CreateTenant(ctx, tn, nil))
		eq(t, "stored domain", tn.Domain, "acme.example.com")

		got, err := s.GetTenant(ctx, tn.ID)
		must(t, err)
		if !reflect.DeepEqual(got, tn) {
			t.Fatalf("GetTenant = %+v, want %+v", got, tn)
		}
		got, err = s.GetTenantByDomain(ctx, "ACME.example.com")
		must(t, err)
		eq(t, "by domain", got.ID, tn.ID)
		got, err = s.SystemTenant(ctx)
		must(t, err)
		eq(t, "system tenant", got.ID, sys.ID)
		u, err := s.GetUserByName(ctx, sys.ID, "ADMIN")
		must(t, err)
		eq(t, "admin role", u.Role, model.RoleSystemAdmin)

		_, err = s.GetTenant(ctx, model.NewID())
		wantNotFound(t, err)
		_, err = s.GetTenantByDomain(ctx, "nope.example.com")
		wantNotFound(t, err)

		// Domain conflicts ignore case, on create and update.
		dup := &model.Tenant{ID: model.NewID(), Name: "Other", Domain: "ACME.EXAMPLE.com", Enabled: true}
		wantConflict(t, s.CreateTenant(ctx, dup, nil), "domain")
		// The failed create left nothing behind, admin included.
		dup2 := &model.Tenant{ID: model.NewID(), Name: "Other", Domain: "acme.example.com"}
		wantConflict(t, s.CreateTenant(ctx, dup2, newUser("", "someone", "200")), "domain")
		_, err = s.GetTenant(ctx, dup2.ID)
		wantNotFound(t, err)
		other := mkTenant(t, s, "other.example.com")
		_, err = s.UpdateTenant(ctx, other.ID, func(t *model.Tenant) error { t.Domain = "Acme.example.com"; return nil })
		wantConflict(t, err, "domain")

		// Update applies fn; fn's error aborts with no change.
		upd, err := s.UpdateTenant(ctx, tn.ID, func(t *model.Tenant) error { t.Name = "Acme Inc"; t.Enabled = false; return nil })
		must(t, err)
		eq(t, "updated name", upd.Name, "Acme Inc")
		boom := errors.New("boom")
		_, err = s.UpdateTenant(ctx, tn.ID, func(t *model.Tenant) error { t.Name = "Changed"; return boom })
		if err != boom {
			t.Fatalf("fn error = %v, want boom as is", err)
		}
		got, err = s.GetTenant(ctx, tn.ID)
		must(t, err)
		eq(t, "name after aborted update", got.Name, "Acme Inc")
		eq(t, "enabled after update", got.Enabled, false)
		_, err = s.UpdateTenant(ctx, model.NewID(), func(*model.Tenant) error { return nil })
		wantNotFound(t, err)

		// Delete cascades to users and sessions.
		victim := mkUser(t, s, tn.ID, "alice", "101")
		must(t, s.CreateSession(ctx, &store.Session{TenantID: tn.ID, UserID: victim.ID, AccessHash: "a1", RefreshHash: "r1",
			AccessExpires: at(60), RefreshExpires: at(600), Via: "password"}))
		must(t, s.DeleteTenant(ctx, tn.ID))
		wantNotFound(t, s.DeleteTenant(ctx, tn.ID))
		_, err = s.GetUser(ctx, tn.ID, victim.ID)
		wantNotFound(t, err)
		_, err = s.PrincipalByAccess(ctx, "a1", at(0))
		wantNotFound(t, err)
		var n int
		must(t, s.DB().QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n))
		eq(t, "sessions left", n, 0)
		n, err = s.CountUsers(ctx, tn.ID)
		must(t, err)
		eq(t, "users left", n, 0)
	})
}

func TestListTenants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for i, d := range []string{"b.example.com", "a.example.com", "c.example.org"} {
			tn := &model.Tenant{ID: model.NewID(), Name: []string{"Bravo Café", "Alpha", "Charlie"}[i], Domain: d, Enabled: i != 2, Created: at(i)}
			must(t, s.CreateTenant(ctx, tn, nil))
		}
		n, ts, err := s.ListTenants(ctx, nil)
		must(t, err)
		eq(t, "count", n, 3)
		eq(t, "first by created", ts[0].Domain, "b.example.com")

		n, ts, err = s.ListTenants(ctx, &query.List{OrderBy: []query.Order{{Column: "domain", Desc: true}}, Top: 2})
		must(t, err)
		eq(t, "count", n, 3)
		eq(t, "page size", len(ts), 2)
		eq(t, "first desc", ts[0].Domain, "c.example.org")

		n, ts, err = s.ListTenants(ctx, &query.List{Where: "enabled = ?", Args: []any{true}, Search: []string{"cafe"}})
		must(t, err)
		eq(t, "search count", n, 1)
		eq(t, "search hit", ts[0].Name, "Bravo Café")

		n, ts, err = s.ListTenants(ctx, &query.List{Search: []string{"example", "org"}})
		must(t, err)
		eq(t, "domain search", n, 1)
		eq(t, "domain hit", ts[0].Domain, "c.example.org")

		n, ts, err = s.ListTenants(ctx, &query.List{Skip: 2})
		must(t, err)
		eq(t, "skip count", n, 3)
		eq(t, "skip page", len(ts), 1)
	})
}
