package store_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// listCase is one paged list of the store, seen through its keys (the id,
// or the name of a role) so that one check serves every list.
type listCase struct {
	name   string
	schema query.Schema
	sortBy string // a sortable field every seeded row shares one value of
	// seed stores row i with key; a matching row carries the word
	// "quokka" in the text the list searches, the others do not.
	seed func(t *testing.T, i int, key string, match bool)
	list func(t *testing.T, q *query.List) (int, []string)
	key  func(i int) string // the key of row i; keys sort as i does
}

const pagedRows = 7

// TestListsPageWithoutOverlap runs every paged list through the same
// request: rows that all share the sort key's value, a search that skips
// the noise rows, pages of two. The count is the number of matches on
// every page; ties are broken by the unique key, ascending, whichever way
// the key sorts, so the pages put together are the whole list, each row
// once, in key order.
func TestListsPageWithoutOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, c := range listCases(t, s) {
			t.Run(c.name, func(t *testing.T) {
				// Rows go in out of key order, so insertion order
				// cannot pass for the tie-break.
				for i := range pagedRows {
					j := i * 3 % pagedRows
					c.seed(t, j, c.key(j), true)
				}
				for i := range 2 {
					c.seed(t, pagedRows+i, c.key(pagedRows+i), false)
				}
				want := make([]string, pagedRows)
				for i := range want {
					want[i] = c.key(i)
				}
				for _, dir := range []string{"asc", "desc"} {
					parse := func(skip, top int) *query.List {
						q, err := query.Parse(query.Params{Search: "Quokka", OrderBy: c.sortBy + " " + dir,
							Skip: strconv.Itoa(skip), Top: strconv.Itoa(top)}, c.schema)
						must(t, err)
						return q
					}
					n, all := c.list(t, parse(0, 100))
					if n != pagedRows || !slices.Equal(all, want) {
						t.Fatalf("%s: count %d, keys %v; want %d, %v", dir, n, all, pagedRows, want)
					}
					var pages []string
					for skip := 0; skip < pagedRows+2; skip += 2 {
						n, page := c.list(t, parse(skip, 2))
						eq(t, fmt.Sprintf("%s count at skip %d", dir, skip), n, pagedRows)
						pages = append(pages, page...)
					}
					if !slices.Equal(pages, want) {
						t.Fatalf("%s pages = %v, want %v", dir, pages, want)
					}
				}
			})
		}
	})
}

// listCases builds the paged lists of a fresh store.
func listCases(t *testing.T, s *store.Store) []listCase {
	tn := mkTenant(t, s, "lists.example")
	owner := mkUser(t, s, tn.ID, "owner", "100")
	word := func(match bool) string {
		if match {
			return "Quokka"
		}
		return "Wombat"
	}
	id := func(prefix string) func(int) string {
		return func(i int) string { return fmt.Sprintf("%s%02d", prefix, i) }
	}
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	return []listCase{
		{name: "users", schema: store.UserSchema(), sortBy: "department", key: id("user"),
			seed: func(t *testing.T, i int, key string, match bool) {
				u := newUser(tn.ID, fmt.Sprintf("u%d", i), strconv.Itoa(200+i))
				u.ID, u.Department, u.LastName = key, "Sales", word(match)
				must(t, s.CreateUser(ctx, u))
			},
			list: func(t *testing.T, q *query.List) (int, []string) {
				n, us, err := s.ListUsers(ctx, tn.ID, q)
				must(t, err)
				return n, keys(us, func(u model.User) string { return u.ID })
			}},
		{name: "tenants", schema: store.TenantSchema(), sortBy: "enabled", key: id("tenant"),
			seed: func(t *testing.T, i int, key string, match bool) {
				must(t, s.CreateTenant(ctx, &model.Tenant{ID: key, Name: word(match), Domain: fmt.Sprintf("t%d.example", i), Enabled: true}, nil))
			},
			list: func(t *testing.T, q *query.List) (int, []string) {
				n, ts, err := s.ListTenants(ctx, q)
				must(t, err)
				return n, keys(ts, func(t model.Tenant) string { return t.ID })
			}},
		{name: "groups", schema: store.GroupSchema(), sortBy: "description", key: id("group"),
			seed: func(t *testing.T, i int, key string, match bool) {
				must(t, s.CreateGroup(ctx, tn.ID, &model.Group{ID: key, Name: fmt.Sprintf("%s %d", word(match), i), Description: "same"}))
			},
			list: func(t *testing.T, q *query.List) (int, []string) {
				n, gs, err := s.ListGroups(ctx, tn.ID, q)
				must(t, err)
				return n, keys(gs, func(g model.Group) string { return g.ID })
			}},
		{name: "contacts", schema: store.ContactSchema(), sortBy: "name", key: id("contact"),
			seed: func(t *testing.T, i int, key string, match bool) {
				must(t, s.CreateContact(ctx, &model.Contact{ID: key, TenantID: tn.ID, UserID: owner.ID,
					ContactFields: model.ContactFields{Name: "Same Name", Company: word(match)}}, 100))
			},
			list: func(t *testing.T, q *query.List) (int, []string) {
				n, cs, err := s.ListContacts(ctx, tn.ID, owner.ID, q)
				must(t, err)
				return n, keys(cs, func(c model.Contact) string { return c.ID })
			}},
		{name: "cdrs", schema: store.CDRSchema(), sortBy: "direction", key: id("cdr"),
			seed: func(t *testing.T, i int, key string, match bool) {
				must(t, s.CreateCDRs(ctx, []model.CDR{{ID: key, TenantID: tn.ID, UserID: owner.ID, CallID: key, StartedAt: t0.Add(time.Duration(i) * time.Minute),
					Direction: "INBOUND_CALL", CallerDisplayName: word(match)}}))
			},
			list: func(t *testing.T, q *query.List) (int, []string) {
				n, rs, err := s.ListCDRs(ctx, tn.ID, owner.ID, q)
				must(t, err)
				return n, keys(rs, func(r model.CDR) string { return r.ID })
			}},
		{name: "audit", schema: store.AuditSchema(), sortBy: "action", key: id("audit"),
			seed: func(t *testing.T, i int, key string, match bool) {
				e := &model.AuditLog{ID: key, TenantID: tn.ID, Action: "create", ObjectType: "group", ObjectName: word(match)}
				must(t, s.CreateGroup(store.WithAudit(ctx, e), tn.ID, &model.Group{ID: model.NewID(), Name: "audited " + key}))
			},
			list: func(t *testing.T, q *query.List) (int, []string) {
				n, es, err := s.ListAuditLogs(ctx, tn.ID, q)
				must(t, err)
				return n, keys(es, func(e model.AuditLog) string { return e.ID })
			}},
		{name: "messages", schema: store.MessageSchema(), sortBy: "direction", key: id("msg"),
			seed: func(t *testing.T, i int, key string, match bool) {
				_, err := s.CreateMessages(ctx, []model.ExternalMessage{{ID: key, TenantID: tn.ID, UserID: owner.ID, Direction: "IN",
					MsgType: "SMS", Delivery: "DELIVERED", Content: word(match), CreatedAt: t0.Add(time.Duration(i) * time.Minute)}}, nil, t0, time.Hour)
				must(t, err)
			},
			list: func(t *testing.T, q *query.List) (int, []string) {
				n, ms, err := s.ListMessages(ctx, tn.ID, owner.ID, q)
				must(t, err)
				return n, keys(ms, func(m model.ExternalMessage) string { return m.ID })
			}},
		{name: "roles", schema: store.RoleSchema(), sortBy: "description", key: id("role"),
			seed: func(t *testing.T, i int, key string, match bool) {
				must(t, s.CreateRole(ctx, tn.ID, &model.Role{Name: key, Description: "same " + word(match)}))
			},
			list: func(t *testing.T, q *query.List) (int, []string) {
				n, rs, err := s.ListRoles(ctx, tn.ID, q)
				must(t, err)
				return n, keys(rs, func(r model.Role) string { return r.Name })
			}},
	}
}

// TestListDefaultOrders checks each list's order when the request sets
// none, ties included.
func TestListDefaultOrders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "orders.example")
		owner := mkUser(t, s, tn.ID, "owner", "100")
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

		// Audit: newest first, equal times by id descending.
		for _, e := range []struct {
			id  string
			min int
		}{{"a1", 0}, {"a3", 0}, {"a2", 0}, {"a0", 5}} {
			entry := &model.AuditLog{ID: e.id, TenantID: tn.ID, Action: "create", CreatedAt: t0.Add(time.Duration(e.min) * time.Minute)}
			must(t, s.CreateGroup(store.WithAudit(ctx, entry), tn.ID, &model.Group{ID: model.NewID(), Name: e.id}))
		}
		_, logs, err := s.ListAuditLogs(ctx, tn.ID, nil)
		must(t, err)
		eq(t, "audit order", strings.Join(keys(logs, func(e model.AuditLog) string { return e.ID }), " "), "a0 a3 a2 a1")

		// Call records: newest first, equal starts by id ascending.
		for _, r := range []struct {
			id  string
			min int
		}{{"c2", 0}, {"c1", 0}, {"c0", 5}} {
			must(t, s.CreateCDRs(ctx, []model.CDR{{ID: r.id, TenantID: tn.ID, UserID: owner.ID, CallID: r.id, StartedAt: t0.Add(time.Duration(r.min) * time.Minute)}}))
		}
		_, cdrs, err := s.ListCDRs(ctx, tn.ID, owner.ID, nil)
		must(t, err)
		eq(t, "cdr order", strings.Join(keys(cdrs, func(r model.CDR) string { return r.ID }), " "), "c0 c1 c2")

		// Users: oldest first, equal times by id.
		for _, id := range []string{"u2", "u1"} {
			u := newUser(tn.ID, id, "2"+id[1:])
			u.ID, u.CreatedAt = id, t0
			must(t, s.CreateUser(ctx, u))
		}
		_, users, err := s.ListUsers(ctx, tn.ID, nil)
		must(t, err)
		eq(t, "user order", strings.Join(names(users), " "), "u1 u2 owner")

		// Contacts and groups: by name, ignoring case.
		for _, name := range []string{"bob", "Alice", "carl"} {
			must(t, s.CreateContact(ctx, &model.Contact{ID: model.NewID(), TenantID: tn.ID, UserID: owner.ID, ContactFields: model.ContactFields{Name: name}}, 10))
		}
		_, contacts, err := s.ListContacts(ctx, tn.ID, owner.ID, nil)
		must(t, err)
		eq(t, "contact order", strings.Join(keys(contacts, func(c model.Contact) string { return c.Name }), " "), "Alice bob carl")
		_, groups, err := s.ListGroups(ctx, tn.ID, nil)
		must(t, err)
		eq(t, "group order", strings.Join(keys(groups, func(g model.Group) string { return g.Name }), " "), "a0 a1 a2 a3")
	})
}

func keys[T any](list []T, key func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = key(v)
	}
	return out
}
