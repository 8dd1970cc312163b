package e2e

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// multipartForm encodes fields as a multipart/form-data body.
func multipartForm(t *testing.T, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &body, mw.FormDataContentType()
}

// send posts a body of any content type with the browser's cookies and
// the given extra headers.
func (b *browser) send(path, contentType string, body *bytes.Buffer, headers map[string]string) int {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.s.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	code, _, _ := b.read(b.c.Do(req))
	return code
}

// otherPort is base's origin on the next port: the same site, another
// origin.
func otherPort(t *testing.T, base string) string {
	t.Helper()
	u := mustURL(t, base)
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + u.Hostname() + ":" + strconv.Itoa(port%65535+1)
}

// TestPortalCSRF: every portal POST needs its CSRF token whatever the
// content type (a multipart body without one used to pass), and a browser
// POST started by another origin — a page on another port of the same
// host is the same site, so SameSite=Strict cookies still go — is refused
// even with a token.
func TestPortalCSRF(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		ctx := context.Background()
		b := newBrowser(s)
		b.signIn("boss", "boss-Password-1", "acme.example")
		b.get("/users/new")
		users, groups := userCount(s, p.admin), len(ok(p.admin.ListGroups(ctx, nil))(s).Items)
		keys := len(ok(p.admin.ListAPIKeys(ctx))(s).Items)

		attacks := []struct {
			path   string
			fields map[string]string
		}{
			{"/users/new", map[string]string{"name": "mallory", "email": "mallory@acme.example", "extension_number": "399"}},
			{"/users/" + p.aliceID + "/password", map[string]string{"password": "Taken-over-pass-1", "confirm": "Taken-over-pass-1"}},
			{"/me/apikeys", map[string]string{"name": "backdoor"}},
			{"/groups", map[string]string{"name": "evil"}},
		}
		for _, a := range attacks {
			// Without a token: multipart, urlencoded and text/plain alike.
			body, ct := multipartForm(t, a.fields)
			if code := b.send(a.path, ct, body, nil); code != http.StatusForbidden {
				t.Errorf("multipart %s without a token: %d", a.path, code)
			}
			form := url.Values{}
			for k, v := range a.fields {
				form.Set(k, v)
			}
			if code := b.send(a.path, "application/x-www-form-urlencoded", bytes.NewBufferString(form.Encode()), nil); code != http.StatusForbidden {
				t.Errorf("urlencoded %s without a token: %d", a.path, code)
			}
			if code := b.send(a.path, "text/plain", bytes.NewBufferString(form.Encode()), nil); code != http.StatusForbidden {
				t.Errorf("text/plain %s without a token: %d", a.path, code)
			}
			// With the right token but started by another origin.
			with := map[string]string{"_csrf": b.csrf}
			for k, v := range a.fields {
				with[k] = v
			}
			for _, h := range []map[string]string{
				{"Sec-Fetch-Site": "same-site", "Origin": otherPort(t, s.base)},
				{"Sec-Fetch-Site": "cross-site"},
				{"Origin": "http://evil.example"},
				{"Origin": "null"},
			} {
				body, ct := multipartForm(t, with)
				if code := b.send(a.path, ct, body, h); code != http.StatusForbidden {
					t.Errorf("%s from another origin %v: %d", a.path, h, code)
				}
			}
		}
		if userCount(s, p.admin) != users || len(ok(p.admin.ListGroups(ctx, nil))(s).Items) != groups ||
			len(ok(p.admin.ListAPIKeys(ctx))(s).Items) != keys {
			t.Fatal("a forged form changed something")
		}
		if _, err := client.New(s.base).SignIn(ctx, client.SignInRequest{Username: "alice", Password: "Taken-over-pass-1", Domain: "acme.example"}); err == nil {
			t.Fatal("a forged form set alice's password")
		}
		// The portal's own multipart form, from its own origin, works.
		body, ct := multipartForm(t, map[string]string{"_csrf": b.csrf, "name": "friends"})
		if code := b.send("/groups", ct, body, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": s.base}); code != http.StatusSeeOther {
			t.Fatalf("a same-origin multipart form: %d", code)
		}
		if len(ok(p.admin.ListGroups(ctx, nil))(s).Items) != groups+1 {
			t.Fatal("the same-origin form did not create the group")
		}
		// Sign-in too: a login form from another origin is refused.
		anon := newBrowser(s)
		anon.get("/login")
		form := url.Values{"_csrf": {anon.csrf}, "username": {"boss"}, "password": {"boss-Password-1"}, "domain": {"acme.example"}}
		if code := anon.send("/login", "application/x-www-form-urlencoded", bytes.NewBufferString(form.Encode()), map[string]string{"Sec-Fetch-Site": "cross-site"}); code != http.StatusForbidden {
			t.Fatalf("cross-site sign-in: %d", code)
		}
	})
}

// TestPortalNext: after signing in, next leads only to a path of the
// portal itself, whatever encoding tries to name another host.
func TestPortalNext(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		s.tenant("acme.example")
		cases := map[string]string{
			"/users?search=bob":           "/users?search=bob",
			"/me#greetings":               "/me#greetings",
			"/%09/evil.example":           "/",
			"/\t/evil.example":            "/",
			"/\n/evil.example":            "/",
			"//evil.example":              "/",
			"///evil.example":             "/",
			"/\\evil.example":             "/",
			"\\/evil.example":             "/",
			"/%5Cevil.example":            "/",
			"/%2F/evil.example":           "/",
			"/%252F/evil.example":         "/",
			"/%25252F%25252Fevil.example": "/",
			"https://evil.example/":       "/",
			"http:/evil.example":          "/",
			"javascript:alert(1)":         "/",
			"evil.example":                "/",
			" //evil.example":             "/",
			"/\u2028/evil.example":        "/",
			"/\u200b/evil.example":        "/",
			"/users/%2e%2e/%2e%2e/me":     "/users/%2e%2e/%2e%2e/me",
		}
		for next, want := range cases {
			b := newBrowser(s)
			b.get("/login?next=" + url.QueryEscape(next))
			code, _, h := b.post("/login", url.Values{"username": {"boss"}, "password": {"boss-Password-1"}, "domain": {"acme.example"}, "next": {next}})
			if code != http.StatusSeeOther || h.Get("Location") != want {
				t.Errorf("next %q: %d to %q, want %q", next, code, h.Get("Location"), want)
			}
			// Already signed in, GET /login?next= redirects at once.
			if code, _, h := b.get("/login?next=" + url.QueryEscape(next)); code != http.StatusSeeOther || h.Get("Location") != want {
				t.Errorf("signed in, next %q: %d to %q, want %q", next, code, h.Get("Location"), want)
			}
		}
		// The issue's own link: the tab percent-encoded in the query.
		b := newBrowser(s)
		b.signIn("boss", "boss-Password-1", "acme.example")
		if _, _, h := b.get("/login?next=/%09/evil.example"); h.Get("Location") != "/" {
			t.Fatalf("/login?next=/%%09/evil.example goes to %q", h.Get("Location"))
		}
	})
}
