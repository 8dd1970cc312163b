package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
)

// TestContacts: personal contacts with the seed's fields, business
// contacts that admins manage, extension contacts derived from the users,
// favorites on each, validation and isolation.
func TestContacts(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		_, globex := s.newTenant("globex.example")
		full := client.ContactInput{Name: client.Ptr("Zoë Martin"), Email: client.Ptr("zoe@example.com"), Company: client.Ptr("Acme"),
			Title: client.Ptr("CTO"), Business: client.Ptr("+33100000001"), Business2: client.Ptr("+33100000002"),
			MobilePhone: client.Ptr("+33600000001"), MobilePhone2: client.Ptr("+33600000002"), HomePhone: client.Ptr("+33100000003"),
			HomePhone2: client.Ptr("+33100000004"), Other: client.Ptr("+33100000005"), BusinessFax: client.Ptr("+33100000006"),
			HomeFax: client.Ptr("+33100000007"), Address: client.Ptr("1 rue de la Paix, Paris"), Notes: client.Ptr("Met at the fair")}
		id := ok(p.alice.CreateContact(ctx, full))(s)
		got := ok(p.alice.GetContact(ctx, id))(s)
		gotMap := toMap(t, got)
		for k, v := range toMap(t, full) {
			if gotMap[k] != v {
				t.Fatalf("%s: %v, want %v", k, gotMap[k], v)
			}
		}
		if got.Favorite || got.SyncType != "" {
			t.Fatalf("new contact: %+v", got)
		}
		for _, c := range []struct {
			body  any // client.ContactInput, or a raw body
			field string
		}{
			{client.ContactInput{Email: client.Ptr("a@b.example")}, "name"},
			{client.ContactInput{Name: client.Ptr("x"), Email: client.Ptr("not-an-email")}, "email"},
			{client.ContactInput{Name: client.Ptr("x"), MobilePhone: client.Ptr("call me")}, "mobile_phone"},
			{client.ContactInput{Name: client.Ptr(strings.Repeat("n", 129))}, "name"},
			{map[string]any{"name": "x", "favorite": true}, "favorite"},
			{map[string]any{"name": "x", "shoe_size": 42}, "shoe_size"},
		} {
			var err error
			if in, typed := c.body.(client.ContactInput); typed {
				_, err = p.alice.CreateContact(ctx, in)
			} else {
				err = s.do("POST", "/api/user/contacts", p.alice, c.body).Err()
			}
			wantInvalid(t, err, c.field)
		}
		s.ok(p.alice.UpdateContact(ctx, id, client.ContactInput{Title: client.Ptr("CEO")}))
		s.ok(p.alice.SetContactFavorite(ctx, id, true))
		if got := ok(p.alice.GetContact(ctx, id))(s); got.Title != "CEO" || !got.Favorite || got.Company != "Acme" {
			t.Fatalf("after update: %+v", got)
		}
		// Search and paging.
		ok(p.alice.CreateContact(ctx, client.ContactInput{Name: client.Ptr("Anna Lee")}))(s)
		if l := ok(p.alice.ListContacts(ctx, &client.ListOptions{Search: "zoe", Top: 10}))(s); l.Count != 1 {
			t.Fatalf("search: %+v", l)
		}
		if l := ok(p.alice.ListContacts(ctx, nil))(s).Items; len(l) != 2 || l[0].Name != "Anna Lee" {
			t.Fatalf("list: %+v", l)
		}
		// Another user's contact is not found, for reading, changing or favorites.
		wantStatus(t, ign(p.bob.GetContact(ctx, id)), 404, "bob reads alice's contact")
		wantStatus(t, p.bob.UpdateContact(ctx, id, client.ContactInput{Title: client.Ptr("x")}), 404, "bob changes it")
		wantStatus(t, p.bob.SetContactFavorite(ctx, id, true), 404, "bob marks it")
		wantStatus(t, p.bob.DeleteContact(ctx, id), 404, "bob deletes it")

		// Business contacts: admins write, everyone reads and favorites.
		wantStatus(t, ign(p.alice.CreateBusinessContact(ctx, client.ContactInput{Name: client.Ptr("Plumber")})), 403, "a user writes a business contact")
		bid := ok(p.admin.CreateBusinessContact(ctx, client.ContactInput{Name: client.Ptr("Plumber"), Business: client.Ptr("+33111111111")}))(s)
		wantStatus(t, ign(globex.GetBusinessContact(ctx, bid)), 404, "another tenant's admin reads it")
		wantStatus(t, ign(s.login("boss", "boss-Password-1", "globex.example").GetMyBusinessContact(ctx, bid)), 404, "another tenant reads it")
		s.ok(p.alice.SetBusinessContactFavorite(ctx, bid, true))
		if b := ok(p.alice.ListMyBusinessContacts(ctx, nil))(s).Items; len(b) != 1 || !b[0].Favorite {
			t.Fatalf("alice's business contacts: %+v", b)
		}
		if b := ok(p.bob.ListMyBusinessContacts(ctx, nil))(s).Items; len(b) != 1 || b[0].Favorite {
			t.Fatalf("bob's business contacts: %+v", b)
		}
		wantStatus(t, p.alice.DeleteBusinessContact(ctx, bid), 403, "a user deletes a business contact")

		// Extension contacts: the tenant's users, never another tenant's.
		ext := s.must(200, "GET", "/api/user/extension_contacts?orderby=extension_number", p.alice, nil).JSON(t)["items"].([]any)
		if e := ext[1].(map[string]any); len(ext) != 3 || e["extension_number"] != "201" || e["password"] != nil || e["role"] != nil {
			t.Fatalf("extension contacts: %v", ext)
		}
		// Only what the directory shows can be filtered on.
		wantInvalid(t, ign(p.alice.ListExtensionContacts(ctx, &client.ListOptions{Filter: "role eq 'Admin'"})), "filter")
		s.ok(p.alice.SetExtensionContactFavorite(ctx, p.bobID, true))
		gina := ok(globex.CreateUser(ctx, client.UserCreate{Name: "gina", Email: "g@globex.example", ExtensionNumber: "201", Password: "Gina-password-1"}))(s)
		wantStatus(t, p.alice.SetExtensionContactFavorite(ctx, gina, true), 404, "another tenant's user")
		for _, e := range ok(p.alice.ListExtensionContacts(ctx, nil))(s).Items {
			if (e.ID == p.bobID) != e.Favorite {
				t.Fatalf("favorite marks: %+v", e)
			}
		}
		s.ok(p.alice.DeleteContact(ctx, id))
		wantStatus(t, ign(p.alice.GetContact(ctx, id)), 404, "a deleted contact")
	})
}

// syncCopy keeps a copy of a list by sync tokens and diffs, as a phone
// app does.
type syncCopy[T any] struct {
	s     *server
	token string
	items map[string]T
	list  func(context.Context, *client.ListOptions) (*client.List[T], error)
	diff  func(context.Context, string) (*client.SyncDiff[T], error)
	id    func(T) string
}

// syncer is what TestSyncProperty does with any syncCopy.
type syncer interface {
	pull()
	same(t *testing.T)
}

// startSync takes a token, then lists (the order the README tells
// clients).
func startSync[T any](s *server, c *client.Client, l client.SyncList, list func(context.Context, *client.ListOptions) (*client.List[T], error),
	diff func(context.Context, string) (*client.SyncDiff[T], error), id func(T) string) *syncCopy[T] {
	s.t.Helper()
	sc := &syncCopy[T]{s: s, items: map[string]T{}, list: list, diff: diff, id: id}
	sc.token = ok(c.SyncToken(context.Background(), l))(s)
	sc.items = sc.serverList()
	return sc
}

// serverList reads the whole list, page by page.
func (c *syncCopy[T]) serverList() map[string]T {
	c.s.t.Helper()
	all := map[string]T{}
	for it, err := range client.All(context.Background(), c.list, nil) {
		c.s.ok(err)
		all[c.id(it)] = it
	}
	return all
}

func (c *syncCopy[T]) pull() {
	c.s.t.Helper()
	d := ok(c.diff(context.Background(), c.token))(c.s)
	c.token = d.Token
	for _, ch := range d.Items {
		switch ch.ChangeType {
		case "DELETED":
			delete(c.items, ch.ID)
		case "CREATED", "UPDATED":
			if got := c.id(ch.Object); got != ch.ID {
				c.s.t.Fatalf("a %s change of %s holds object %q", ch.ChangeType, ch.ID, got)
			}
			c.items[ch.ID] = ch.Object
		default:
			c.s.t.Fatalf("change type %v", ch.ChangeType)
		}
	}
}

// same fails unless the copy is exactly the server's list.
func (c *syncCopy[T]) same(t *testing.T) {
	t.Helper()
	if want := c.serverList(); !reflect.DeepEqual(want, c.items) {
		ids := func(m map[string]T) []string {
			var out []string
			for k := range m {
				out = append(out, k)
			}
			sort.Strings(out)
			return out
		}
		t.Fatalf("the synced copy differs from the server's list:\nserver %v\nclient %v\n%s\n%s", ids(want), ids(c.items), jsonText(want), jsonText(c.items))
	}
}

// TestSyncProperty replays random changes — creates, updates, deletes,
// favorites, by the user and by an admin — on personal, business and
// extension contacts and call records, with diffs pulled at random
// moments, and checks that a client applying every diff from its first
// token ends with exactly the server's list, deletions included.
func TestSyncProperty(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		ok(p.admin.CreateUser(ctx, client.UserCreate{Name: "switch", Email: "switch@acme.example", ExtensionNumber: "990",
			Password: "Switch-password-1", Role: "Replicator"}))(s)
		sw := s.login("switch", "Switch-password-1", "acme.example")
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 11))
		a := p.alice
		contactID := func(c client.Contact) string { return c.ID }
		clients := []syncer{
			startSync(s, a, client.SyncContacts, a.ListContacts, a.ContactsDiff, contactID),
			startSync(s, a, client.SyncBusinessContacts, a.ListMyBusinessContacts, a.BusinessContactsDiff, contactID),
			startSync(s, a, client.SyncExtensionContacts, a.ListExtensionContacts, a.ExtensionContactsDiff, func(c client.ExtensionContact) string { return c.ID }),
			startSync(s, a, client.SyncCDRs, a.ListCDRs, a.CDRsDiff, func(c client.CDR) string { return c.ID }),
		}
		var mine, biz, users []string
		pick := func(l []string) (string, int) {
			i := rng.IntN(len(l))
			return l[i], i
		}
		drop := func(l []string, i int) []string { return append(l[:i], l[i+1:]...) }
		calls := 0
		for step := 0; step < 160; step++ {
			switch op := rng.IntN(12); {
			case op == 0 || (op == 1 && len(mine) == 0):
				mine = append(mine, ok(a.CreateContact(ctx, client.ContactInput{Name: client.Ptr(fmt.Sprintf("Contact %d", step))}))(s))
			case op == 1:
				id, _ := pick(mine)
				s.ok(a.UpdateContact(ctx, id, client.ContactInput{Notes: client.Ptr(fmt.Sprintf("step %d", step))}))
			case op == 2 && len(mine) > 0:
				id, i := pick(mine)
				s.ok(a.DeleteContact(ctx, id))
				mine = drop(mine, i)
			case op == 3 && len(mine) > 0:
				id, _ := pick(mine)
				s.ok(a.SetContactFavorite(ctx, id, rng.IntN(2) == 0))
			case op == 4 || (op == 5 && len(biz) == 0):
				biz = append(biz, ok(p.admin.CreateBusinessContact(ctx, client.ContactInput{Name: client.Ptr(fmt.Sprintf("Firm %d", step))}))(s))
			case op == 5:
				id, i := pick(biz)
				if rng.IntN(2) == 0 {
					s.ok(p.admin.DeleteBusinessContact(ctx, id))
					biz = drop(biz, i)
				} else {
					s.ok(p.admin.UpdateBusinessContact(ctx, id, client.ContactInput{Company: client.Ptr(fmt.Sprintf("Co %d", step))}))
				}
			case op == 6 && len(biz) > 0:
				id, _ := pick(biz)
				s.ok(a.SetBusinessContactFavorite(ctx, id, rng.IntN(2) == 0))
				// Another user's favorites are not alice's changes.
				s.ok(p.bob.SetBusinessContactFavorite(ctx, id, true))
			case op == 7:
				users = append(users, ok(p.admin.CreateUser(ctx, client.UserCreate{Name: fmt.Sprintf("u%d", step),
					Email: fmt.Sprintf("u%d@acme.example", step), ExtensionNumber: fmt.Sprintf("%d", 500+step), Password: "User-password-1"}))(s))
			case op == 8 && len(users) > 0:
				id, i := pick(users)
				switch rng.IntN(3) {
				case 0:
					s.ok(p.admin.DeleteUser(ctx, id, ""))
					users = drop(users, i)
				case 1:
					s.ok(p.admin.UpdateUser(ctx, id, client.UserUpdate{Department: client.Ptr(fmt.Sprintf("Dept %d", step))}))
				default:
					s.ok(a.SetExtensionContactFavorite(ctx, id, rng.IntN(2) == 0))
				}
			case op == 9:
				calls++
				ok(sw.IngestCDRs(ctx, []client.CDRInput{cdr("201", fmt.Sprintf("sync-%d", calls), "INBOUND_CALL",
					time.Date(2026, 11, 24, 10, 0, calls, 0, time.UTC))}))(s)
			default:
				clients[rng.IntN(len(clients))].pull()
			}
		}
		for _, c := range clients {
			c.pull()
			c.pull() // a diff with nothing new is empty and keeps working
			c.same(t)
		}
	})
}

// TestSyncTokens: tokens are opaque and tamper-proof; another user's,
// another list's, a forged or an expired token answers 403.
func TestSyncTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		tok := ok(p.alice.SyncToken(ctx, client.SyncContacts))(s)
		ok(p.alice.ContactsDiff(ctx, tok))(s)
		flipped := []byte(tok)
		flipped[len(flipped)/2] ^= 1
		if flipped[len(flipped)/2] == '-' || flipped[len(flipped)/2] == '_' {
			flipped[len(flipped)/2] = 'A'
		}
		for what, err := range map[string]error{
			"a forged token": ign(p.alice.ContactsDiff(ctx, string(flipped))),
			"not a token":    ign(p.alice.ContactsDiff(ctx, "not-a-token")),
			"another user's": ign(p.bob.ContactsDiff(ctx, tok)),
			"another list's": ign(p.alice.BusinessContactsDiff(ctx, tok)),
		} {
			wantStatus(t, err, 403, what)
		}
		s.advance(31 * 24 * time.Hour)
		fresh := s.login("alice", "Alice-password-1", "acme.example")
		wantStatus(t, ign(fresh.ContactsDiff(ctx, tok)), 403, "an expired token")
	})
}
