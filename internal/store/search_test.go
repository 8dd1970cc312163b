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
