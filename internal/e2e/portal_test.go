package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// browser is a cookie-keeping HTTP client that does not follow redirects,
// for the portal's pages.
type browser struct {
	t    *testing.T
	s    *server
	c    *http.Client
	csrf string
}

func newBrowser(s *server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, s: s, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([0-9a-f]{64})"`)

func (b *browser) get(path string) (int, string, http.Header) {
	b.t.Helper()
	res, err := b.c.Get(b.s.base + path)
	return b.read(res, err)
}

// read takes a page, remembering its CSRF token for the next post.
func (b *browser) read(res *http.Response, err error) (int, string, http.Header) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if m := csrfField.FindStringSubmatch(string(raw)); m != nil {
		b.csrf = m[1]
	}
	return res.StatusCode, string(raw), res.Header
}

// post sends a form with the page's CSRF token (unless form has one).
func (b *browser) post(path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", b.csrf)
	}
	res, err := b.c.PostForm(b.s.base+path, form)
	return b.read(res, err)
}

func (b *browser) signIn(user, password, domain string) {
	b.t.Helper()
	b.get("/login")
	code, body, h := b.post("/login", url.Values{"username": {user}, "password": {password}, "domain": {domain}, "next": {"/users"}})
	if code != http.StatusSeeOther {
		b.t.Fatalf("sign-in: %d %s", code, body)
	}
	for _, c := range h.Values("Set-Cookie") {
		if strings.HasPrefix(c, "sb_access=") && (!strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Strict")) {
			b.t.Fatalf("session cookie %q", c)
		}
	}
}

// TestPortal: the portal's rules through HTTP — sign-in needed, CSRF
// tokens on every form, admins only on admin pages, tenant isolation,
// escaping, security headers, sessions in the database (sign-out ends
// them; an expired access token is refreshed).
func TestPortal(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		frenchTenant(t, s, "acme.example")
		_, globex := s.tenant("globex.example")
		outsider := s.createUser(globex, map[string]any{"name": "gina", "email": "gina@globex.example", "extension_number": "201", "password": "Gina-password-1"})
		s.must(204, "POST", "/api/users/"+p.bobID, p.admin, map[string]any{"display_name": `<script>alert("x")</script>`})

		b := newBrowser(s)
		code, _, h := b.get("/users")
		if code != http.StatusSeeOther || h.Get("Location") != "/login?next=%2Fusers" {
			t.Fatalf("anonymous /users: %d %s", code, h.Get("Location"))
		}
		_, _, h = b.get("/login")
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") || h.Get("X-Frame-Options") != "DENY" {
			t.Fatalf("security headers: %v", h)
		}
		// A form without its token changes nothing.
		if code, _, _ := b.post("/login", url.Values{"_csrf": {"x"}, "username": {"boss"}, "password": {"boss-Password-1"}, "domain": {"acme.example"}}); code != http.StatusForbidden {
			t.Fatalf("sign-in without CSRF: %d", code)
		}
		_, body, _ := b.post("/login", url.Values{"username": {"boss"}, "password": {"nope"}, "domain": {"acme.example"}})
		if !strings.Contains(body, "The username or password is not right.") {
			t.Fatal("wrong password not reported")
		}
		b.signIn("boss", "boss-Password-1", "acme.example")
		code, body, _ = b.get("/users?search=bob")
		if code != 200 || !strings.Contains(body, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`) || strings.Contains(body, `<script>alert`) {
			t.Fatalf("users page: %d\n%s", code, body)
		}
		before := userCount(s, p.admin)
		if code, _, _ := b.post("/users/new", url.Values{"_csrf": {strings.Repeat("0", 64)}, "name": {"eve"}, "email": {"eve@acme.example"}, "extension_number": {"301"}}); code != http.StatusForbidden {
			t.Fatalf("add user with a forged token: %d", code)
		}
		if userCount(s, p.admin) != before {
			t.Fatal("a forged form created a user")
		}
		// Inline errors from the API's validation, nothing created.
		b.get("/users/new")
		_, body, _ = b.post("/users/new", url.Values{"name": {"eve"}, "email": {"not-an-email"}, "extension_number": {"301"}})
		if !strings.Contains(body, `id="email-error"`) || !strings.Contains(body, `aria-invalid="true"`) || userCount(s, p.admin) != before {
			t.Fatalf("bad email:\n%s", body)
		}
		// Another tenant's user is not found; a section saves only its fields.
		if code, _, _ := b.get("/users/" + outsider); code != http.StatusNotFound {
			t.Fatalf("another tenant's user: %d", code)
		}
		b.get("/users/" + p.aliceID)
		code, _, h = b.post("/users/"+p.aliceID, url.Values{"_fields": {"enable_dnd,follow_me"}, "_section": {"calls"}, "enable_dnd": {"1"},
			"follow_me.enabled": {"1"}, "follow_me.numbers": {"+33611111111\n+33622222222\n"}, "follow_me.strategy": {"HUNT"}, "follow_me.ring_time": {"25"},
			"follow_me.caller_id": {"LOCAL"}, "first_name": {"Mallory"}})
		if code != http.StatusSeeOther {
			t.Fatalf("save: %d", code)
		}
		u := s.must(200, "GET", "/api/users/"+p.aliceID, p.admin, nil).JSON(t)
		fm := u["follow_me"].(map[string]any)
		if u["enable_dnd"] != true || fm["strategy"] != "HUNT" || fm["ring_time"] != float64(25) || len(fm["numbers"].([]any)) != 2 || u["first_name"] == "Mallory" {
			t.Fatalf("after save: %v", u)
		}
		// An unchecked box is false.
		b.post("/users/"+p.aliceID, url.Values{"_fields": {"enable_dnd"}, "_section": {"calls"}})
		if s.must(200, "GET", "/api/users/"+p.aliceID, p.admin, nil).JSON(t)["enable_dnd"] != false {
			t.Fatal("unchecked DND stayed on")
		}
		// The export downloads CSV.
		if code, body, h := b.get("/users/export"); code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(body, "alice,201,") {
			t.Fatalf("export: %d %s", code, h.Get("Content-Type"))
		}
		// An expired access token is refreshed from the refresh cookie.
		s.advance(2 * time.Hour)
		if code, _, _ := b.get("/users"); code != 200 {
			t.Fatalf("after the access token expired: %d", code)
		}
		// Signing out ends the session in the database.
		b.get("/users")
		jarCookies := b.c.Jar.Cookies(mustURL(t, s.base))
		if code, _, _ := b.post("/logout", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("sign out: %d", code)
		}
		old := newBrowser(s)
		old.c.Jar.SetCookies(mustURL(t, s.base), jarCookies)
		if code, _, _ := old.get("/users"); code != http.StatusSeeOther {
			t.Fatalf("the signed-out session still works: %d", code)
		}

		// A plain user has My Phone, not the admin pages.
		u2 := newBrowser(s)
		u2.signIn("alice", "Alice-password-1", "acme.example")
		if code, _, _ := u2.get("/users"); code != http.StatusForbidden {
			t.Fatalf("plain user on /users: %d", code)
		}
		if code, _, _ := u2.get("/tenants"); code != http.StatusForbidden {
			t.Fatalf("plain user on /tenants: %d", code)
		}
		if code, body, _ := u2.get("/me"); code != 200 || !strings.Contains(body, "Two-factor sign-in is off.") {
			t.Fatalf("my phone: %d", code)
		}
		// Its call queues, with the agent status to set (a logged-out
		// agent must log in first: the refusal is shown on the page).
		q := s.must(201, "POST", "/api/call_queues", fresh0(s), map[string]any{"name": "Support", "extension_number": "600"}).JSON(t)["id"].(string)
		s.must(204, "POST", "/api/call_queues/"+q+"/members/"+p.aliceID, fresh0(s), nil)
		_, body, _ = u2.get("/me")
		if !strings.Contains(body, `id="agent-`+q+`"`) || !strings.Contains(body, `<option value="LOGGED_OUT" selected>`) {
			t.Fatalf("my queues:\n%s", body)
		}
		_, body, _ = u2.post("/me/agent", url.Values{"queue": {q}, "status": {"BREAK"}})
		if !strings.Contains(body, "log in (LOGGED_IN or READY) first") {
			t.Fatalf("break while logged out:\n%s", body)
		}
		if code, _, _ := u2.post("/me/agent", url.Values{"queue": {q}, "status": {"READY"}}); code != http.StatusSeeOther {
			t.Fatalf("ready: %d", code)
		}
		if a := s.must(200, "GET", "/api/users/"+p.aliceID+"/call_queues/"+q+"/agent", fresh0(s), nil).JSON(t); a["status"] != "READY" {
			t.Fatalf("agent after the portal: %v", a)
		}
		// Its settings form cannot reach what only admins change.
		u2.post("/me/settings", url.Values{"_fields": {"enabled,max_bindings,enable_dnd"}, "_section": {"calls"}, "enable_dnd": {"1"}, "max_bindings": {"50"}})
		fresh := s.signIn("boss", "boss-Password-1", "acme.example") // the clock moved past the first token
		me := s.must(200, "GET", "/api/users/"+p.aliceID, fresh, nil).JSON(t)
		if me["max_bindings"] == float64(50) || me["enabled"] != true {
			t.Fatalf("a user changed admin-only settings: %v", me)
		}
	})
}

// fresh0 signs the tenant's admin in again (the test moved the clock).
func fresh0(s *server) string { return s.signIn("boss", "boss-Password-1", "acme.example") }

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
