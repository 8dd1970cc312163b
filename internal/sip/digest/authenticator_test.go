package digest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/sip/siptest"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

var now = time.Unix(1_800_000_000, 0)

// testAuthenticator checks against a SQLite store with user 201 of
// acme.example (password Sip-secret-201).
func testAuthenticator(t *testing.T) *Authenticator {
	a, err := NewAuthenticator(context.Background(), Config{Store: siptest.Store(t)})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func invite(t *testing.T, extra string) *sip.Request {
	m, err := sip.ParseMessage([]byte("INVITE sip:202@acme.example SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa\r\n" +
		"From: <sip:201@acme.example>;tag=1\r\nTo: <sip:202@acme.example>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n" + extra + "Content-Length: 0\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	return m.(*sip.Request)
}

// TestProxyChallenge: an INVITE's challenge is a 407 with only
// Proxy-Authenticate headers, the same algorithms as REGISTER's 401.
func TestProxyChallenge(t *testing.T) {
	a := testAuthenticator(t)
	aor := AOR{Ext: "201", Domain: "acme.example"}
	res := a.Challenge(invite(t, ""), aor, Proxy, false, now)
	if res.StatusCode != 407 || len(res.GetHeaders("WWW-Authenticate")) != 0 || len(res.GetHeaders("Proxy-Authenticate")) != 2 {
		t.Fatalf("proxy challenge:\n%s", res)
	}
	res = a.Challenge(invite(t, ""), aor, Registrar, true, now)
	if res.StatusCode != 401 || len(res.GetHeaders("Proxy-Authenticate")) != 0 || len(res.GetHeaders("WWW-Authenticate")) != 2 ||
		!strings.Contains(res.GetHeaders("WWW-Authenticate")[0].Value(), "stale=true") {
		t.Fatalf("registrar challenge:\n%s", res)
	}
}

// TestCheck answers a proxy's challenge: the credentials count in the
// role's own header only, once per nonce count.
func TestCheck(t *testing.T) {
	a := testAuthenticator(t)
	aor := AOR{Ext: "201", Domain: "acme.example"}
	ch := a.Challenge(invite(t, ""), aor, Proxy, false, now).GetHeaders("Proxy-Authenticate")[0].Value()
	nonce := ch[strings.Index(ch, `nonce="`)+7:]
	nonce = nonce[:strings.IndexByte(nonce, '"')]
	answer := func(password string) string {
		c := &Credentials{Nonce: nonce, URI: "sip:202@acme.example", CNonce: "c1", QOP: "auth", NC: "00000001"}
		ha1 := auth.SIPCredentials("201", "acme.example", password).HA1SHA256
		return fmt.Sprintf(`Digest username="201", realm="acme.example", nonce="%s", uri="sip:202@acme.example", response="%s", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c1"`,
			nonce, ExpectedResponse(AlgSHA256, ha1, "INVITE", c))
	}
	ctx := context.Background()
	if u, why, _ := a.Check(ctx, invite(t, "Proxy-Authorization: "+answer("wrong")+"\r\n"), aor, Proxy, now); u != nil || why != "wrong password" {
		t.Fatalf("wrong password: %v %q", u, why)
	}
	good := "Proxy-Authorization: " + answer("Sip-secret-201") + "\r\n"
	if u, why, _ := a.Check(ctx, invite(t, good), aor, Registrar, now); u != nil || why != "" {
		t.Fatalf("a registrar read Proxy-Authorization: %v %q", u, why)
	}
	if u, why, _ := a.Check(ctx, invite(t, good), aor, Proxy, now); u == nil || u.MaxBindings != 3 {
		t.Fatalf("right password: %v %q", u, why)
	}
	if u, _, stale := a.Check(ctx, invite(t, good), aor, Proxy, now); u != nil || !stale {
		t.Fatal("a replayed nonce count was accepted")
	}
}

func TestRefusal(t *testing.T) {
	ok := &store.SIPUser{Enabled: true, TenantEnabled: true}
	c := Credentials{Username: "201", Realm: "acme.example", QOP: "auth"}
	aor := AOR{Ext: "201", Domain: "acme.example"}
	with := func(f func(*Credentials)) *Credentials { x := c; f(&x); return &x }
	for _, tc := range []struct {
		u       *store.SIPUser
		c       *Credentials
		offered bool
		match   bool
		want    string
	}{
		{ok, &c, true, true, ""},
		{nil, &c, true, true, "unknown address of record"},
		{&store.SIPUser{Enabled: true}, &c, true, true, "user or tenant disabled"},
		{ok, with(func(c *Credentials) { c.Username = "202" }), true, true, "authentication user does not match the address of record"},
		{ok, with(func(c *Credentials) { c.Realm = "other.example" }), true, true, "wrong realm"},
		{ok, &c, false, true, "algorithm not offered to this tenant"},
		{ok, with(func(c *Credentials) { c.QOP = "" }), true, true, "qop=auth missing"},
		{ok, with(func(c *Credentials) { c.QOP = "AUTH" }), true, true, ""},
		{ok, &c, true, false, "wrong password"},
		{nil, with(func(c *Credentials) { c.Realm = "x" }), false, false, "unknown address of record"},
	} {
		if got := refusal(tc.u, tc.c, aor, tc.offered, tc.match); got != tc.want {
			t.Errorf("%+v %+v offered=%v match=%v: %q, want %q", tc.u, tc.c, tc.offered, tc.match, got, tc.want)
		}
	}
}

func TestOfferedAlgorithms(t *testing.T) {
	for setting, want := range map[string]string{
		model.SIPDigestDefault: "SHA-256 MD5", model.SIPDigestMD5: "MD5 SHA-256", model.SIPDigestSHA256: "SHA-256", "": "SHA-256 MD5",
		model.SIPDigestMD5Only: "MD5",
	} {
		if got := strings.Join(offeredAlgorithms(setting), " "); got != want {
			t.Errorf("%q: %s, want %s", setting, got, want)
		}
		// What is offered is exactly what is accepted.
		for _, alg := range []string{AlgSHA256, AlgMD5} {
			if algorithmOffered(setting, alg) != strings.Contains(want, alg) {
				t.Errorf("%q accepts %s: %v", setting, alg, !strings.Contains(want, alg))
			}
		}
	}
}

// TestCheckTrunk: a trunk's credentials are checked against its own user
// name and password hashes in the tenant's realm, once per nonce count;
// a trunk without a password matches nothing.
func TestCheckTrunk(t *testing.T) {
	a := testAuthenticator(t)
	aor := AOR{Ext: "carrier", Domain: "acme.example"}
	ch := a.Challenge(invite(t, ""), aor, Proxy, false, now).GetHeaders("Proxy-Authenticate")[0].Value()
	nonce := ch[strings.Index(ch, `nonce="`)+7:]
	nonce = nonce[:strings.IndexByte(nonce, '"')]
	answer := func(user, password string) string {
		c := &Credentials{Nonce: nonce, URI: "sip:202@acme.example", CNonce: "c1", QOP: "auth", NC: "00000001"}
		ha1 := auth.SIPCredentials(user, "acme.example", password).HA1MD5
		return fmt.Sprintf("Proxy-Authorization: Digest username=%q, realm=\"acme.example\", nonce=%q, uri=\"sip:202@acme.example\", response=%q, algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c1\"\r\n",
			user, nonce, ExpectedResponse(AlgMD5, ha1, "INVITE", c))
	}
	cred := auth.SIPCredentials("carrier", "acme.example", "Trunk-secret-2468")
	for _, c := range []struct {
		name, header string
		cred         model.SIPCredentials
		setting      string
		ok           bool
		why          string
	}{
		{"no credentials", "", cred, "", false, ""},
		{"wrong password", answer("carrier", "wrong"), cred, "", false, "wrong password"},
		{"another user", answer("201", "Sip-secret-201"), cred, "", false, "authentication user does not match the address of record"},
		{"no password set", answer("carrier", ""), model.SIPCredentials{}, "", false, "unknown address of record"},
		{"MD5 not offered", answer("carrier", "Trunk-secret-2468"), cred, model.SIPDigestSHA256, false, "algorithm not offered to this tenant"},
		{"right", answer("carrier", "Trunk-secret-2468"), cred, "", true, ""},
	} {
		ok, why, _ := a.CheckTrunk(invite(t, c.header), aor, c.cred, c.setting, now)
		if ok != c.ok || why != c.why {
			t.Fatalf("%s: %v %q", c.name, ok, why)
		}
	}
	if ok, _, stale := a.CheckTrunk(invite(t, answer("carrier", "Trunk-secret-2468")), aor, cred, "", now); ok || !stale {
		t.Fatal("a replayed nonce count was accepted")
	}
}
