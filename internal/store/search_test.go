package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestSearchDenseAndSparse checks that a search gives the same answer
// whichever plan it takes: a word most users match (the list-order walk)
// and a word few match (the search-index path, on SQLite), with paging.
func TestSearchDenseAndSparse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "search.example")
		var users []model.User
		for i := range 2500 {
			u := newUser(tn.ID, fmt.Sprintf("u%04d", i), fmt.Sprintf("%d", 10000+i))
			u.LastName = "Common"
			if i%500 == 7 {
				u.LastName = "Rarissime"
			}
			u.CreatedAt = at(i)
			users = append(users, *u)
		}
		must(t, s.BulkInsertUsers(ctx, users))
		for _, c := range []struct {
			search, orderby, skip string
			count                 int
			first                 []string
		}{
			{"common", "", "", 2495, []string{"u0000", "u0001", "u0002"}},
			{"common", "name desc", "10", 2495, []string{"u2489", "u2488", "u2487"}},
			{"rarissime", "", "", 5, []string{"u0007", "u0507", "u1007"}},
			{"rarissime", "name desc", "1", 5, []string{"u1507", "u1007", "u0507"}},
			{"u24", "extension_number desc", "", 100, []string{"u2499", "u2498", "u2497"}},
		} {
			l, err := query.Parse(query.Params{Search: c.search, OrderBy: c.orderby, Skip: c.skip}, store.UserSchema())
			must(t, err)
			total, page, err := s.ListUsers(ctx, tn.ID, l)
			must(t, err)
			got := names(page)
			if total != c.count || len(got) < len(c.first) || !slices.Equal(got[:len(c.first)], c.first) {
				t.Errorf("search %q order %q skip %q: total %d, first %v; want %d, %v", c.search, c.orderby, c.skip, total, got[:min(3, len(got))], c.count, c.first)
			}
		}
	})
}

// searchNames runs a users search (with an optional filter) in tenantID
// and returns the total and the names of the page, in name order.
func searchNames(t *testing.T, s *store.Store, tenantID, search, filter string) (int, []string) {
	t.Helper()
	l, err := query.Parse(query.Params{Search: search, Filter: filter, OrderBy: "name"}, store.UserSchema())
	must(t, err)
	total, page, err := s.ListUsers(ctx, tenantID, l)
	must(t, err)
	return total, names(page)
}

// TestSearchSemantics checks what a search word matches, whichever index
// serves it: a case- and accent-insensitive substring of the name,
// display name, email, extension, first or last name; every word must
// occur; words of one or two characters too; only the caller's tenant;
// and the index follows updates and deletions.
func TestSearchSemantics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "semantics.example")
		other := mkTenant(t, s, "other.example")
		add := func(tenantID, name, ext, first, last, display string) *model.User {
			u := newUser(tenantID, name, ext)
			u.FirstName, u.LastName, u.DisplayName = first, last, display
			must(t, s.CreateUser(ctx, u))
			return u
		}
		add(tn.ID, "jerome", "2001", "Jérôme", "Lefèvre", "")
		add(tn.ID, "anna", "2002", "Anna", "Åberg", "Reception Desk")
		add(tn.ID, "zoe", "3456", "Zoë", "García", "")
		bjorn := add(tn.ID, "bjorn", "2004", "Björn", "Müller", "")
		add(other.ID, "jerome2", "2001", "Jérôme", "Lefèvre", "")
		for _, c := range []struct {
			search, filter string
			want           []string
		}{
			{"JÉRÔME", "", []string{"jerome"}},               // case and accents folded
			{"lefevre", "", []string{"jerome"}},              // accents in the data
			{"efev", "", []string{"jerome"}},                 // inside a word
			{"aberg anna", "", []string{"anna"}},             // every word, any order
			{"aberg zoe", "", []string{}},                    // not every word
			{"reception", "", []string{"anna"}},              // display name
			{"zoe@example", "", []string{"zoe"}},             // email
			{"345", "", []string{"zoe"}},                     // extension digits
			{"200", "", []string{"anna", "bjorn", "jerome"}}, // a prefix of several extensions
			{"gar", "", []string{"zoe"}},                     // one trigram
			{"ia", "", []string{"zoe"}},                      // two letters: no trigram
			{"ü", "", []string{"bjorn"}},                     // one letter, folded
			{"e", "", []string{"anna", "bjorn", "jerome", "zoe"}},
			{"muller b", "", []string{"bjorn"}},                         // long and short words together
			{"example", "extension_number eq '2002'", []string{"anna"}}, // with a filter
			{"qqq", "", []string{}},
			{`"'%_\`, "", []string{}}, // quotes and wildcards are plain text
		} {
			total, got := searchNames(t, s, tn.ID, c.search, c.filter)
			if total != len(c.want) || !slices.Equal(got, c.want) {
				t.Errorf("search %q filter %q: %d %v, want %v", c.search, c.filter, total, got, c.want)
			}
		}
		// The other tenant's Jérôme is its own.
		if total, got := searchNames(t, s, other.ID, "jerome", ""); total != 1 || !slices.Equal(got, []string{"jerome2"}) {
			t.Errorf("other tenant: %d %v", total, got)
		}
		// Renamed, the user is found by the new name only.
		_, err := s.UpdateUser(ctx, tn.ID, bjorn.ID, func(u *model.User) error {
			u.LastName, u.DisplayName = "Novák", "Björn Novák"
			return nil
		})
		must(t, err)
		for search, want := range map[string][]string{"novak": {"bjorn"}, "muller": {}} {
			if total, got := searchNames(t, s, tn.ID, search, ""); total != len(want) || !slices.Equal(got, want) {
				t.Errorf("after rename, search %q: %d %v, want %v", search, total, got, want)
			}
		}
		must(t, s.DeleteUser(ctx, tn.ID, bjorn.ID))
		if total, got := searchNames(t, s, tn.ID, "novak", ""); total != 0 {
			t.Errorf("after delete: %d %v", total, got)
		}
		// A deleted tenant's users leave the index; a new tenant starts empty.
		must(t, s.DeleteTenant(ctx, other.ID))
		next := mkTenant(t, s, "next.example")
		if total, got := searchNames(t, s, next.ID, "jerome", ""); total != 0 {
			t.Errorf("new tenant after a deleted one: %d %v", total, got)
		}
		if s.Dialect() == store.DialectSQLite {
			_, err := s.DB().Exec(`INSERT INTO users_search (users_search) VALUES ('integrity-check')`)
			must(t, err)
		}
	})
}

// TestTrigramMigrationIndexesExistingUsers migrates a database whose users
// were written before migration 34: their searches go through the new
// trigram index, and the covering search index is gone.
func TestTrigramMigrationIndexesExistingUsers(t *testing.T) {
	for _, kind := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(kind, func(t *testing.T) {
			s, err := store.Open(ctx, storetest.DSN(t, kind), "")
			must(t, err)
			defer s.Close()
			must(t, store.MigrateTo(ctx, s, 33))
			tn := mkTenant(t, s, "before.example")
			for i := range 30 {
				u := newUser(tn.ID, fmt.Sprintf("old%02d", i), fmt.Sprintf("%d", 500+i))
				u.LastName = []string{"Lefèvre", "Åberg", "Nguyen"}[i%3]
				must(t, s.CreateUser(ctx, u))
			}
			must(t, s.Migrate(ctx))
			if total, got := searchNames(t, s, tn.ID, "LEFEVRE old1", ""); total != 3 || !slices.Equal(got, []string{"old12", "old15", "old18"}) {
				t.Errorf("search after migrating: %d %v", total, got)
			}
			indexes := map[string]string{
				store.DialectSQLite:   `SELECT name FROM sqlite_master WHERE name IN ('users_tenant_search_idx', 'users_search') ORDER BY name`,
				store.DialectPostgres: `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ('users_tenant_search_idx', 'users_search_trgm_idx')`,
			}
			rows, err := s.DB().Query(indexes[kind])
			must(t, err)
			var found []string
			for rows.Next() {
				var n string
				must(t, rows.Scan(&n))
				found = append(found, n)
			}
			must(t, rows.Err())
			rows.Close()
			want := map[string][]string{store.DialectSQLite: {"users_search"}, store.DialectPostgres: {"users_search_trgm_idx"}}[kind]
			if !slices.Equal(found, want) {
				t.Errorf("indexes after migrating: %v, want %v", found, want)
			}
		})
	}
}

// indexExists reports whether the store's schema has an index (or, on
// SQLite, any schema object) called name.
func indexExists(t *testing.T, s *store.Store, name string) bool {
	t.Helper()
	q := `SELECT COUNT(*) FROM sqlite_master WHERE name = ?`
	if s.Dialect() == store.DialectPostgres {
		q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1`
	}
	var n int
	must(t, s.DB().QueryRow(q, name).Scan(&n))
	return n > 0
}
