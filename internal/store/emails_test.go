package store_test

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// Emails are unique within a tenant, ignoring case, on create, update and
// import; another tenant may use the same email.
func TestEmailUniquePerTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := mkTenant(t, s, "a.example.com")
		b := mkTenant(t, s, "b.example.com")
		alice := newUser(a.ID, "alice", "101")
		alice.Email = "Boss@Example.com"
		must(t, s.CreateUser(ctx, alice))

		dup := newUser(a.ID, "mallory", "102")
		dup.Email = "boss@EXAMPLE.com"
		wantConflict(t, s.CreateUser(ctx, dup), "email")
		wantConflict(t, s.CreateUsers(ctx, []*model.User{dup}, nil), "email")

		bob := mkUser(t, s, a.ID, "bob", "103")
		_, err := s.UpdateUser(ctx, a.ID, bob.ID, func(u *model.User) error { u.Email = "BOSS@example.com"; return nil })
		wantConflict(t, err, "email")
		// Changing one's own email's case is no conflict; no email is none.
		_, err = s.UpdateUser(ctx, a.ID, alice.ID, func(u *model.User) error { u.Email = "boss@example.com"; return nil })
		must(t, err)
		for _, n := range []string{"c1", "c2"} {
			u := newUser(a.ID, n, "")
			u.ExtensionNumber, u.Email = "2"+n[1:], ""
			must(t, s.CreateUser(ctx, u))
		}

		other := newUser(b.ID, "mallory", "101")
		other.Email = "boss@example.com"
		must(t, s.CreateUser(ctx, other))
		dups, err := s.EmailDuplicates(ctx)
		must(t, err)
		eq(t, "duplicates", len(dups), 0)
	})
}

// A database from before the rule keeps its duplicates: Migrate succeeds,
// changes nothing, and EmailDuplicates names them; once they are fixed the
// next Migrate creates the unique index.
func TestMigrateKeepsEmailDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		kind := s.Dialect()
		a := mkTenant(t, s, "a.example.com")
		u1 := mkUser(t, s, a.ID, "first", "101")
		u2 := mkUser(t, s, a.ID, "second", "102")
		mkUser(t, s, a.ID, "third", "103")
		// The old schema: no unique index, then a duplicate in another case.
		_, err := s.DB().Exec(`DROP INDEX users_tenant_email_key`)
		must(t, err)
		_, err = s.DB().Exec(rebind(kind, `UPDATE users SET email = ?, email_lower = ? WHERE id = ?`), "FIRST@example.com", "first@example.com", u2.ID)
		must(t, err)

		must(t, s.Migrate(ctx))
		dups, err := s.EmailDuplicates(ctx)
		must(t, err)
		if len(dups) != 1 || dups[0].Email != "first@example.com" || dups[0].Domain != "a.example.com" ||
			len(dups[0].UserIDs) != 2 || dups[0].UserIDs[0] != u1.ID || dups[0].UserIDs[1] != u2.ID {
			t.Fatalf("duplicates = %+v", dups)
		}
		n := 0
		must(t, s.DB().QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n))
		eq(t, "users kept", n, 3)
		// Without the index writes still refuse a new duplicate.
		dup := newUser(a.ID, "fourth", "104")
		dup.Email = "first@EXAMPLE.com"
		wantConflict(t, s.CreateUser(ctx, dup), "email")

		_, err = s.UpdateUser(ctx, a.ID, u2.ID, func(u *model.User) error { u.Email = "second@example.com"; return nil })
		must(t, err)
		must(t, s.Migrate(ctx))
		// The index is back: inserting a duplicate behind the checks fails.
		_, err = s.DB().Exec(rebind(kind, `UPDATE users SET email_lower = ? WHERE id = ?`), "first@example.com", u2.ID)
		if err == nil {
			t.Fatal("no unique email index after the duplicates were resolved")
		}
	})
}

// A name that looks like a taken one (UTS #39 skeleton) is taken too;
// Migrate fills the keys of users from before the column.
func TestLookalikeUserNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := mkTenant(t, s, "a.example.com")
		b := mkTenant(t, s, "b.example.com")
		mkUser(t, s, a.ID, "alice", "101")
		for i, look := range []string{"аlice", "ALİCE", "alıce", "ａｌｉｃｅ"} {
			u := newUser(a.ID, look, "20"+string(rune('0'+i)))
			u.Email = ""
			wantConflict(t, s.CreateUser(ctx, u), "name")
			wantConflict(t, s.CreateUsers(ctx, []*model.User{u}, nil), "name")
		}
		mkUser(t, s, b.ID, "аlice", "101")
		mkUser(t, s, a.ID, "bob", "102")

		// Keys of an older database are filled, then unique.
		_, err := s.DB().Exec(`DROP INDEX users_tenant_name_key_key`)
		must(t, err)
		_, err = s.DB().Exec(`UPDATE users SET name_key = ''`)
		must(t, err)
		must(t, s.Migrate(ctx))
		n := 0
		must(t, s.DB().QueryRow(`SELECT COUNT(*) FROM users WHERE name_key = ''`).Scan(&n))
		eq(t, "empty keys", n, 0)
		wantConflict(t, s.CreateUser(ctx, newUser(a.ID, "аlice", "301")), "name")
		_, err = s.DB().Exec(`UPDATE users SET name_key = 'x'`)
		if err == nil {
			t.Fatal("no unique name key index after Migrate")
		}
		// The plain index of migration 19 goes once the unique one is there.
		if indexExists(t, s, "users_tenant_name_key_idx") {
			t.Error("users_tenant_name_key_idx kept beside the unique index")
		}
	})
}
