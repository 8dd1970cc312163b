package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestContacts: personal contacts with the seed's fields, business
// contacts that admins manage, extension contacts derived from the users,
// favorites on each, validation and isolation.
func TestContacts(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		full := map[string]any{"name": "Zoë Martin", "email": "zoe@example.com", "company": "Acme", "title": "CTO", "business": "+33100000001",
			"business2": "+33100000002", "mobile_phone": "+33600000001", "mobile_phone2": "+33600000002", "home_phone": "+33100000003",
			"home_phone2": "+33100000004", "other": "+33100000005", "business_fax": "+33100000006", "home_fax": "+33100000007",
			"address": "1 rue de la Paix, Paris", "notes": "Met at the fair"}
		id := s.must(201, "POST", "/api/user/contacts", p.alice, full).JSON(t)["id"].(string)
		got := s.must(200, "GET", "/api/user/contacts/"+id, p.alice, nil).JSON(t)
		for k, v := range full {
			if got[k] != v {
				t.Fatalf("%s: %v, want %v", k, got[k], v)
			}
		}
		if got["favorite"] != false || got["sync_type"] != "" {
			t.Fatalf("new contact: %v", got)
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"email": "a@b.example"}, "name"},
			{map[string]any{"name": "x", "email": "not-an-email"}, "email"},
			{map[string]any{"name": "x", "mobile_phone": "call me"}, "mobile_phone"},
			{map[string]any{"name": strings.Repeat("n", 129)}, "name"},
			{map[string]any{"name": "x", "favorite": true}, "favorite"},
			{map[string]any{"name": "x", "shoe_size": 42}, "shoe_size"},
		} {
			wantInvalid(t, s.do("POST", "/api/user/contacts", p.alice, c.body), c.field)
		}
		s.must(204, "POST", "/api/user/contacts/"+id, p.alice, map[string]any{"title": "CEO"})
		s.must(204, "POST", "/api/user/contacts/"+id+"/favorite", p.alice, nil)
		got = s.must(200, "GET", "/api/user/contacts/"+id, p.alice, nil).JSON(t)
		if got["title"] != "CEO" || got["favorite"] != true || got["company"] != "Acme" {
			t.Fatalf("after update: %v", got)
		}
		// Search and paging.
		s.must(201, "POST", "/api/user/contacts", p.alice, map[string]any{"name": "Anna Lee"})
		l := s.must(200, "GET", "/api/user/contacts?search=zoe&top=10", p.alice, nil).JSON(t)
		if l["count"] != float64(1) {
			t.Fatalf("search: %v", l)
		}
		if names := items(t, s.must(200, "GET", "/api/user/contacts", p.alice, nil)); len(names) != 2 || names[0]["name"] != "Anna Lee" {
			t.Fatalf("list: %v", names)
		}
		// Another user's contact is not found, for reading, changing or favorites.
		s.must(404, "GET", "/api/user/contacts/"+id, p.bob, nil)
		s.must(404, "POST", "/api/user/contacts/"+id, p.bob, map[string]any{"title": "x"})
		s.must(404, "POST", "/api/user/contacts/"+id+"/favorite", p.bob, nil)
		s.must(404, "POST", "/api/user/contacts/"+id+"/destroy", p.bob, nil)

		// Business contacts: admins write, everyone reads and favorites.
		s.must(403, "POST", "/api/business_contacts", p.alice, map[string]any{"name": "Plumber"})
		bid := s.must(201, "POST", "/api/business_contacts", p.admin, map[string]any{"name": "Plumber", "business": "+33111111111"}).JSON(t)["id"].(string)
		s.must(404, "GET", "/api/business_contacts/"+bid, globex, nil)
		s.must(404, "GET", "/api/user/business_contacts/"+bid, s.signIn("boss", "boss-Password-1", "globex.example"), nil)
		s.must(204, "POST", "/api/user/business_contacts/"+bid+"/favorite", p.alice, nil)
		if b := items(t, s.must(200, "GET", "/api/user/business_contacts", p.alice, nil)); len(b) != 1 || b[0]["favorite"] != true {
			t.Fatalf("alice's business contacts: %v", b)
		}
		if b := items(t, s.must(200, "GET", "/api/user/business_contacts", p.bob, nil)); len(b) != 1 || b[0]["favorite"] != false {
			t.Fatalf("bob's business contacts: %v", b)
		}
		s.must(403, "POST", "/api/business_contacts/"+bid+"/destroy", p.alice, nil)

		// Extension contacts: the tenant's users, never another tenant's.
		ext := items(t, s.must(200, "GET", "/api/user/extension_contacts?orderby=extension_number", p.alice, nil))
		if len(ext) != 3 || ext[1]["extension_number"] != "201" || ext[1]["password"] != nil || ext[1]["role"] != nil {
			t.Fatalf("extension contacts: %v", ext)
		}
		wantInvalid(t, s.do("GET", "/api/user/extension_contacts?filter="+urlq("role eq 'Admin'"), p.alice, nil), "filter") // only what the directory shows
		s.must(204, "POST", "/api/user/extension_contacts/"+p.bobID+"/favorite", p.alice, nil)
		s.must(404, "POST", "/api/user/extension_contacts/"+s.createUser(globex, map[string]any{"name": "gina", "email": "g@globex.example",
			"extension_number": "201", "password": "Gina-password-1"})+"/favorite", p.alice, nil)
		for _, e := range items(t, s.must(200, "GET", "/api/user/extension_contacts", p.alice, nil)) {
			if (e["id"] == p.bobID) != (e["favorite"] == true) {
				t.Fatalf("favorite marks: %v", e)
			}
		}
		s.must(204, "POST", "/api/user/contacts/"+id+"/destroy", p.alice, nil)
		s.must(404, "GET", "/api/user/contacts/"+id, p.alice, nil)
	})
}

// syncClient keeps a copy of a list by sync tokens and diffs, as a phone
// app does.
type syncClient struct {
	s           *server
	token, base string
	auth        string
	items       map[string]map[string]any
}

// start takes a token, then lists (the order the README tells clients).
func startSync(s *server, base, listPath, auth string) *syncClient {
	s.t.Helper()
	c := &syncClient{s: s, base: base, auth: auth, items: map[string]map[string]any{}}
	c.token = s.must(200, "POST", base+"/sync_tokens", auth, nil).JSON(s.t)["token"].(string)
	for _, it := range serverList(s, listPath, auth) {
		c.items[it["id"].(string)] = it
	}
	return c
}

func serverList(s *server, listPath, auth string) []map[string]any {
	s.t.Helper()
	var all []map[string]any
	for skip := 0; ; skip += 100 {
		page := items(s.t, s.must(200, "GET", fmt.Sprintf("%s?top=100&skip=%d", listPath, skip), auth, nil))
		all = append(all, page...)
		if len(page) < 100 {
			return all
		}
	}
}

func (c *syncClient) pull() {
	c.s.t.Helper()
	r := c.s.must(200, "POST", c.base+"/sync_tokens/"+url.PathEscape(c.token)+"/diff", c.auth, nil).JSON(c.s.t)
	c.token = r["token"].(string)
	for _, raw := range r["items"].([]any) {
		it := raw.(map[string]any)
		id := it["id"].(string)
		switch it["change_type"] {
		case "DELETED":
			delete(c.items, id)
		case "CREATED", "UPDATED":
			delete(it, "change_type")
			if inner, ok := it["items"].([]any); ok { // a call record, as the seed nests it
				if len(inner) != 1 {
					c.s.t.Fatalf("a record change holds %d records", len(inner))
				}
				it = inner[0].(map[string]any)
			}
			c.items[id] = it
		default:
			c.s.t.Fatalf("change type %v", it["change_type"])
		}
	}
}

// same fails unless the client's copy is exactly the server's list.
func (c *syncClient) same(t *testing.T, listPath string) {
	t.Helper()
	want := map[string]map[string]any{}
	for _, it := range serverList(c.s, listPath, c.auth) {
		want[it["id"].(string)] = it
	}
	if !reflect.DeepEqual(want, c.items) {
		ids := func(m map[string]map[string]any) []string {
			var out []string
			for k := range m {
				out = append(out, k)
			}
			sort.Strings(out)
			return out
		}
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(c.items)
		t.Fatalf("the synced copy differs from the server's list:\nserver %v\nclient %v\n%s\n%s", ids(want), ids(c.items), a, b)
	}
}

// TestSyncProperty replays random changes — creates, updates, deletes,
// favorites, by the user and by an admin — on personal, business and
// extension contacts and call records, with diffs pulled at random
// moments, and checks that a client applying every diff from its first
// token ends with exactly the server's list, deletions included.
func TestSyncProperty(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		s.createUser(p.admin, map[string]any{"name": "switch", "email": "switch@acme.example", "extension_number": "990",
			"password": "Switch-password-1", "role": "Replicator"})
		sw := s.signIn("switch", "Switch-password-1", "acme.example")
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 11))

		personal := startSync(s, "/api/user/contacts", "/api/user/contacts", p.alice)
		business := startSync(s, "/api/user/business_contacts", "/api/user/business_contacts", p.alice)
		extension := startSync(s, "/api/user/extension_contacts", "/api/user/extension_contacts", p.alice)
		cdrs := startSync(s, "/api/user/cdrs", "/api/user/cdrs", p.alice)
		clients := []*syncClient{personal, business, extension, cdrs}

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
				mine = append(mine, s.must(201, "POST", "/api/user/contacts", p.alice, map[string]any{"name": fmt.Sprintf("Contact %d", step)}).JSON(t)["id"].(string))
			case op == 1:
				id, _ := pick(mine)
				s.must(204, "POST", "/api/user/contacts/"+id, p.alice, map[string]any{"notes": fmt.Sprintf("step %d", step)})
			case op == 2 && len(mine) > 0:
				id, i := pick(mine)
				s.must(204, "POST", "/api/user/contacts/"+id+"/destroy", p.alice, nil)
				mine = drop(mine, i)
			case op == 3 && len(mine) > 0:
				id, _ := pick(mine)
				s.must(204, "POST", "/api/user/contacts/"+id+[]string{"/favorite", "/unfavorite"}[rng.IntN(2)], p.alice, nil)
			case op == 4 || (op == 5 && len(biz) == 0):
				biz = append(biz, s.must(201, "POST", "/api/business_contacts", p.admin, map[string]any{"name": fmt.Sprintf("Firm %d", step)}).JSON(t)["id"].(string))
			case op == 5:
				id, i := pick(biz)
				if rng.IntN(2) == 0 {
					s.must(204, "POST", "/api/business_contacts/"+id+"/destroy", p.admin, nil)
					biz = drop(biz, i)
				} else {
					s.must(204, "POST", "/api/business_contacts/"+id, p.admin, map[string]any{"company": fmt.Sprintf("Co %d", step)})
				}
			case op == 6 && len(biz) > 0:
				id, _ := pick(biz)
				s.must(204, "POST", "/api/user/business_contacts/"+id+[]string{"/favorite", "/unfavorite"}[rng.IntN(2)], p.alice, nil)
				// Another user's favorites are not alice's changes.
				s.must(204, "POST", "/api/user/business_contacts/"+id+"/favorite", p.bob, nil)
			case op == 7:
				users = append(users, s.createUser(p.admin, map[string]any{"name": fmt.Sprintf("u%d", step), "email": fmt.Sprintf("u%d@acme.example", step),
					"extension_number": fmt.Sprintf("%d", 500+step), "password": "User-password-1"}))
			case op == 8 && len(users) > 0:
				id, i := pick(users)
				switch rng.IntN(3) {
				case 0:
					s.must(204, "POST", "/api/users/"+id+"/destroy", p.admin, nil)
					users = drop(users, i)
				case 1:
					s.must(204, "POST", "/api/users/"+id, p.admin, map[string]any{"department": fmt.Sprintf("Dept %d", step)})
				default:
					s.must(204, "POST", "/api/user/extension_contacts/"+id+[]string{"/favorite", "/unfavorite"}[rng.IntN(2)], p.alice, nil)
				}
			case op == 9:
				calls++
				s.must(201, "POST", "/api/cdrs", sw, map[string]any{"items": []any{cdr("201", fmt.Sprintf("sync-%d", calls), "INBOUND_CALL",
					time.Date(2026, 11, 24, 10, 0, calls, 0, time.UTC).Format(time.RFC3339))}})
			default:
				clients[rng.IntN(len(clients))].pull()
			}
		}
		for _, c := range clients {
			c.pull()
			c.pull() // a diff with nothing new is empty and keeps working
		}
		personal.same(t, "/api/user/contacts")
		business.same(t, "/api/user/business_contacts")
		extension.same(t, "/api/user/extension_contacts")
		cdrs.same(t, "/api/user/cdrs")
	})
}

// TestSyncTokens: tokens are opaque and tamper-proof; another user's,
// another list's, a forged or an expired token answers 403.
func TestSyncTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		tok := s.must(200, "POST", "/api/user/contacts/sync_tokens", p.alice, nil).JSON(t)["token"].(string)
		s.must(200, "POST", "/api/user/contacts/sync_tokens/"+tok+"/diff", p.alice, nil)
		flipped := []byte(tok)
		flipped[len(flipped)/2] ^= 1
		if flipped[len(flipped)/2] == '-' || flipped[len(flipped)/2] == '_' {
			flipped[len(flipped)/2] = 'A'
		}
		for _, c := range []struct{ path, auth string }{
			{"/api/user/contacts/sync_tokens/" + string(flipped) + "/diff", p.alice},
			{"/api/user/contacts/sync_tokens/not-a-token/diff", p.alice},
			{"/api/user/contacts/sync_tokens/" + tok + "/diff", p.bob},
			{"/api/user/business_contacts/sync_tokens/" + tok + "/diff", p.alice},
		} {
			if r := s.do("POST", c.path, c.auth, nil); r.Status != 403 {
				t.Fatalf("%s: %d %s", c.path, r.Status, r.Body)
			}
		}
		s.advance(31 * 24 * time.Hour)
		fresh := s.signIn("alice", "Alice-password-1", "acme.example")
		if r := s.do("POST", "/api/user/contacts/sync_tokens/"+tok+"/diff", fresh, nil); r.Status != 403 {
			t.Fatalf("expired token: %d", r.Status)
		}
	})
}
