package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestUserCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := mkTenant(t, s, "a.example.com")
		b := mkTenant(t, s, "b.example.com")

		u := newUser(a.ID, "Alice", "101")
		u.Email = "Alice.Smith@Example.COM"
		u.DisplayName = "Alice Smith"
		u.PasswordHash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
		u.SIP = model.SIPCredentials{HA1MD5: "md5hex", HA1SHA256: "sha256hex"}
		u.AvatarFileSize = 1 << 40
		u.BillingContact = true
		must(t, s.CreateUser(ctx, u))
		if u.CreatedAt.IsZero() || u.UpdatedAt.IsZero() {
			t.Fatal("CreateUser did not set timestamps")
		}

		got, err := s.GetUser(ctx, a.ID, u.ID)
		must(t, err)
		if !reflect.DeepEqual(got, u) {
			t.Fatalf("GetUser =\n%+v\nwant\n%+v", got, u)
		}
		got, err = s.GetUserByName(ctx, a.ID, "aLiCe")
		must(t, err)
		eq(t, "by name", got.ID, u.ID)
		got, err = s.GetUserByExtension(ctx, a.ID, "101")
		must(t, err)
		eq(t, "by extension", got.ID, u.ID)
		_, err = s.GetUserByExtension(ctx, a.ID, "999")
		wantNotFound(t, err)

		// Another tenant's id, name or extension is not found.
		_, err = s.GetUser(ctx, b.ID, u.ID)
		wantNotFound(t, err)
		_, err = s.GetUserByName(ctx, b.ID, "alice")
		wantNotFound(t, err)

		// Conflicts: name ignoring case, extension; both free in another tenant.
		wantConflict(t, s.CreateUser(ctx, newUser(a.ID, "ALICE", "102")), "name")
		wantConflict(t, s.CreateUser(ctx, newUser(a.ID, "bob", "101")), "extension_number")
		other := mkUser(t, s, b.ID, "alice", "101")
		other.Email = "alice.smith@example.com"
		_, err = s.UpdateUser(ctx, b.ID, other.ID, func(u *model.User) error { u.Email = "ALICE.smith@example.com"; return nil })
		must(t, err)

		// Email lookups ignore case; "" searches every tenant.
		found, err := s.FindUsersByEmail(ctx, "", "alice.SMITH@example.com", 10)
		must(t, err)
		eq(t, "email hits", len(found), 2)
		found, err = s.FindUsersByEmail(ctx, a.ID, "alice.smith@example.com", 10)
		must(t, err)
		eq(t, "email hits in tenant", len(found), 1)
		found, err = s.FindUsersByEmail(ctx, "", "alice.smith@example.com", 1)
		must(t, err)
		eq(t, "limited hits", len(found), 1)
		found, err = s.FindUsersByEmail(ctx, "", "nobody@example.com", 1)
		must(t, err)
		eq(t, "no hits", len(found), 0)

		// Update applies fn and bumps UpdatedAt; fn's error aborts.
		bob := mkUser(t, s, a.ID, "bob", "102")
		before := bob.UpdatedAt
		time.Sleep(2 * time.Millisecond)
		upd, err := s.UpdateUser(ctx, a.ID, bob.ID, func(u *model.User) error { u.DisplayName = "Bobby"; u.ID = "hijack"; return nil })
		must(t, err)
		eq(t, "display name", upd.DisplayName, "Bobby")
		eq(t, "id kept", upd.ID, bob.ID)
		if !upd.UpdatedAt.After(before) {
			t.Fatalf("UpdatedAt %v not after %v", upd.UpdatedAt, before)
		}
		boom := errors.New("boom")
		_, err = s.UpdateUser(ctx, a.ID, bob.ID, func(u *model.User) error { u.DisplayName = "Nope"; return boom })
		if err != boom {
			t.Fatalf("fn error = %v, want boom as is", err)
		}
		got, err = s.GetUser(ctx, a.ID, bob.ID)
		must(t, err)
		eq(t, "after aborted update", got.DisplayName, "Bobby")
		_, err = s.UpdateUser(ctx, a.ID, bob.ID, func(u *model.User) error { u.ExtensionNumber = "101"; return nil })
		wantConflict(t, err, "extension_number")
		_, err = s.UpdateUser(ctx, a.ID, bob.ID, func(u *model.User) error { u.Name = "Alice"; return nil })
		wantConflict(t, err, "name")
		_, err = s.UpdateUser(ctx, b.ID, bob.ID, func(u *model.User) error { return nil })
		wantNotFound(t, err)

		n, err := s.CountUsers(ctx, a.ID)
		must(t, err)
		eq(t, "count", n, 2)

		// Delete removes sessions; a second delete is not found.
		must(t, s.CreateSession(ctx, &store.Session{TenantID: a.ID, UserID: bob.ID, AccessHash: "ab", RefreshHash: "rb",
			AccessExpires: time.Now().Add(time.Hour), RefreshExpires: time.Now().Add(time.Hour)}))
		wantNotFound(t, s.DeleteUser(ctx, b.ID, bob.ID))
		must(t, s.DeleteUser(ctx, a.ID, bob.ID))
		wantNotFound(t, s.DeleteUser(ctx, a.ID, bob.ID))
		_, err = s.PrincipalByAccess(ctx, "ab", time.Now())
		wantNotFound(t, err)
	})
}

func TestUserSettingsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		u := newUser(tn.ID, "carol", "103")
		u.SMS = "ALLOW"
		u.EnableDND = true
		u.OutboundCallerIDs = []model.OutboundCallerID{{ProviderID: "p1", CallerID: "+15551234", Preferred: true, Description: "main"}}
		u.OfficeHours = model.OfficeHours{Mode: "CUSTOM"}
		u.OfficeHours.Monday = model.DayHours{Enabled: true, Ranges: []model.TimeRange{{From: "09:00", To: "12:00"}, {From: "13:00", To: "17:30"}}}
		u.OfficeHours.Sunday = model.DayHours{Enabled: false, Ranges: []model.TimeRange{}}
		week := &model.WeekHours{Friday: model.DayHours{Enabled: true, Ranges: []model.TimeRange{{From: "00:00", To: "24:00"}}}}
		u.CustomForwardRules = []model.CustomForwardRule{
			{Action: "FORWARD_TO_NUMBER", Number: "5551000", CallerID: "5552000", Type: "SPECIFIC_HOURS", Hours: week},
			{Action: "HANG_UP", CallerID: "666", Type: "ALL_HOURS"},
		}
		u.BLFs = []model.BLF{{Key: "1", Value: "101", FirstName: "Zoë", LastName: "O'Brien"}}
		u.AvailableNoAnswer = model.NoAnswerForwardRule{Action: "FORWARD_TO_VOICEMAIL", Timeout: 25}
		u.BusyOfficeHours = model.ForwardRule{Action: "FORWARD_TO_MOBILE", Number: "+33612345678"}
		u.CustomOptions = "a=1\nb=\"2\""
		must(t, s.CreateUser(ctx, u))
		got, err := s.GetUser(ctx, tn.ID, u.ID)
		must(t, err)
		if !reflect.DeepEqual(got.UserSettings, u.UserSettings) {
			t.Fatalf("settings =\n%+v\nwant\n%+v", got.UserSettings, u.UserSettings)
		}
		if !reflect.DeepEqual(got, u) {
			t.Fatalf("user =\n%+v\nwant\n%+v", got, u)
		}
	})
}

func TestListUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := mkTenant(t, s, "a.example.com")
		b := mkTenant(t, s, "b.example.com")
		type spec struct {
			name, first, last, dept, ext string
			enabled                      bool
		}
		specs := []spec{
			{"jerome", "Jérôme", "Dupont", "Sales", "201", true},
			{"anna", "Anna", "Zed", "Sales", "202", true},
			{"zack", "Zack", "Adams", "Support", "203", false},
			{"bea", "Béatrice", "Moreau", "Support", "204", true},
			{"carl", "Carl", "Smith", "Sales", "205", true},
		}
		for i, sp := range specs {
			u := newUser(a.ID, sp.name, sp.ext)
			u.FirstName, u.LastName, u.Department, u.Enabled = sp.first, sp.last, sp.dept, sp.enabled
			u.CreatedAt = at(i)
			must(t, s.CreateUser(ctx, u))
		}
		// Noise in another tenant, with a matching name.
		mkUser(t, s, b.ID, "jerome", "201")

		list := func(q *query.List) (int, []string) {
			t.Helper()
			n, us, err := s.ListUsers(ctx, a.ID, q)
			must(t, err)
			return n, names(us)
		}
		n, got := list(nil)
		eq(t, "count", n, 5)
		if !slices.Equal(got, []string{"jerome", "anna", "zack", "bea", "carl"}) {
			t.Fatalf("default order = %v", got)
		}

		// Multi-key order: department ASC, name DESC.
		_, got = list(&query.List{OrderBy: []query.Order{{Column: "department"}, {Column: "name", Desc: true}}})
		if !slices.Equal(got, []string{"jerome", "carl", "anna", "zack", "bea"}) {
			t.Fatalf("department, name desc = %v", got)
		}

		// Filter + order + skip/top; count is of all matches.
		q := &query.List{Where: "department = ? AND enabled = ?", Args: []any{"Sales", true},
			OrderBy: []query.Order{{Column: "extension_number"}}, Skip: 1, Top: 1}
		n, got = list(q)
		eq(t, "filtered count", n, 3)
		if !slices.Equal(got, []string{"anna"}) {
			t.Fatalf("page = %v", got)
		}

		// Filters on time (Unix microseconds), int and bool.
		n, _ = list(&query.List{Where: "created_at >= ?", Args: []any{at(3).UnixMicro()}})
		eq(t, "created_at filter", n, 2)
		n, _ = list(&query.List{Where: "max_bindings = ? AND billing_contact = ?", Args: []any{int64(10), false}})
		eq(t, "int/bool filter", n, 5)

		// Search: accent-insensitive, every word must match.
		n, got = list(&query.List{Search: []string{query.Fold("jero")}})
		eq(t, "search count", n, 1)
		eq(t, "search hit", got[0], "jerome")
		n, got = list(&query.List{Search: []string{"beatrice"}})
		eq(t, "accent search", n, 1)
		eq(t, "accent hit", got[0], "bea")
		n, _ = list(&query.List{Search: []string{"example.com", "smith"}})
		eq(t, "two words", n, 1)
		n, _ = list(&query.List{Search: []string{"%"}})
		eq(t, "escaped wildcard", n, 0)
		n, _ = list(&query.List{Search: []string{"20"}})
		eq(t, "extension search", n, 5)

		// Skip past the end.
		n, got = list(&query.List{Skip: 10, Top: 5})
		eq(t, "count past end", n, 5)
		eq(t, "page past end", len(got), 0)

		// Tenant scoping.
		n, _, err := s.ListUsers(ctx, b.ID, nil)
		must(t, err)
		eq(t, "tenant b count", n, 1)
	})
}

func TestConcurrentExtensionConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		const n = 20
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				u := newUser(tn.ID, "user"+string(rune('a'+i)), "300")
				errs[i] = s.CreateUser(ctx, u)
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			var ce *model.ConflictError
			if !errors.As(err, &ce) || ce.Field != "extension_number" {
				t.Errorf("got %v, want an extension_number conflict", err)
			}
		}
		eq(t, "successes", ok, 1)
		c, err := s.CountUsers(ctx, tn.ID)
		must(t, err)
		eq(t, "users", c, 1)
	})
}

func TestBulkInsertUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		var us []model.User
		for i := range 50 {
			us = append(us, *newUser(tn.ID, "bulk"+string(rune('A'+i%26))+string(rune('a'+i/26)), string(rune('0'+i/10))+string(rune('0'+i%10))))
		}
		must(t, s.BulkInsertUsers(ctx, us))
		n, err := s.CountUsers(ctx, tn.ID)
		must(t, err)
		eq(t, "count", n, 50)
		dup := []model.User{*newUser(tn.ID, "fresh", "900"), *newUser(tn.ID, "other", "00")}
		wantConflict(t, s.BulkInsertUsers(ctx, dup), "extension_number")
		n, err = s.CountUsers(ctx, tn.ID)
		must(t, err)
		eq(t, "count after failed batch", n, 50)
	})
}

// TestCreateUsers: an import's users are written all or none, with one
// audit entry, and their keys are then reported for the next import.
func TestCreateUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		var us []*model.User
		for i := range 1200 {
			u := newUser(tn.ID, fmt.Sprintf("imp%d", i), fmt.Sprintf("%d", 2000+i))
			u.Email = fmt.Sprintf("Imp%d@A.example.com", i)
			us = append(us, u)
		}
		var seen []int
		audit := &model.AuditLog{TenantID: tn.ID, Action: "import", ObjectType: "user", ObjectName: "1200 users"}
		must(t, s.CreateUsers(store.WithAudit(ctx, audit), us, func(done int) { seen = append(seen, done) }))
		eq(t, "progress", fmt.Sprint(seen), "[500 1000 1200]")
		n, err := s.CountUsers(ctx, tn.ID)
		must(t, err)
		eq(t, "count", n, 1200)
		ch, err := s.Changes(ctx, tn.ID, "", store.SyncExtensionContact, true, 0, 5000)
		must(t, err)
		eq(t, "directory changes of the import", len(ch), 1200)
		k, err := s.TenantUserKeys(ctx, tn.ID)
		must(t, err)
		eq(t, "keys", len(k.Names)+len(k.Extensions)+len(k.Emails), 3600)
		eq(t, "email folded", k.Emails["imp7@a.example.com"], true)
		eq(t, "name", k.Names["imp7"], true)
		// One row taken: nothing of the batch is written.
		dup := []*model.User{newUser(tn.ID, "fresh1", "9000"), newUser(tn.ID, "fresh2", "2005")}
		wantConflict(t, s.CreateUsers(ctx, dup, nil), "extension_number")
		n, err = s.CountUsers(ctx, tn.ID)
		must(t, err)
		eq(t, "count after failed import", n, 1200)
		logs, _, err := s.ListAuditLogs(ctx, tn.ID, nil)
		must(t, err)
		eq(t, "audit entries", logs, 1)
	})
}
