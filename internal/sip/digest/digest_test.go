package digest

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

func TestParseCredentials(t *testing.T) {
	c, err := ParseCredentials(`Digest username="201", realm="acme.example",nonce="abc", uri="sip:acme.example", response="ABCDEF", algorithm=SHA-256, cnonce="x,y", qop=auth, nc=00000001, opaque=""`)
	if err != nil {
		t.Fatal(err)
	}
	if c.Username != "201" || c.Realm != "acme.example" || c.Nonce != "abc" || c.URI != "sip:acme.example" || c.Response != "abcdef" ||
		c.Algorithm != "SHA-256" || c.CNonce != "x,y" || c.QOP != "auth" || c.NC != "00000001" {
		t.Fatalf("%+v", c)
	}
	for _, bad := range []string{
		``, `Basic dXNlcjpwdw==`, `Digest`, `Digest username="201"`, `Digest username="201, nonce="a"`,
		`Digest username="a", username="b", nonce="n", uri="u", response="r"`, `Digest =x`,
		`Digest username="a", nonce="n", uri="u", response="r", ` + strings.Repeat("x", 3000),
	} {
		if _, err := ParseCredentials(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// TestExpectedResponseRFC2617 checks the MD5 computation against the worked
// example of RFC 2617 section 3.5.
func TestExpectedResponseRFC2617(t *testing.T) {
	sum := md5.Sum([]byte("Mufasa:testrealm@host.com:Circle Of Life"))
	c := &Credentials{Nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", URI: "/dir/index.html", CNonce: "0a4f113b", QOP: "auth", NC: "00000001"}
	if got := ExpectedResponse(AlgMD5, hex.EncodeToString(sum[:]), "GET", c); got != "6629fae49393a05397450978507c4ef1" {
		t.Fatalf("response %s", got)
	}
}

func TestNonces(t *testing.T) {
	n := NewNonces([]byte("k1"), 5*time.Minute)
	other := NewNonces([]byte("k2"), 5*time.Minute)
	now := time.Unix(1_800_000_000, 0)
	a, b := n.Issue(now), n.Issue(now)
	if a == b {
		t.Fatal("two nonces alike")
	}
	if n.Check(a, now.Add(time.Minute)) != NonceFresh || n.Check(a, now.Add(6*time.Minute)) != NonceStale {
		t.Fatal("lifetime")
	}
	if other.Check(a, now) != NonceInvalid || n.Check(a[:len(a)-2]+"AA", now) != NonceInvalid || n.Check("", now) != NonceInvalid {
		t.Fatal("forged nonces pass")
	}
	if !n.Use(a, "00000001", now) || n.Use(a, "00000001", now) || !n.Use(a, "00000003", now) || n.Use(a, "00000002", now) {
		t.Fatal("nonce counts")
	}
	if n.Use(b, "1", now) || n.Use(b, "0000000g", now) || n.Use(b, "00000000", now) {
		t.Fatal("bad nonce counts accepted")
	}
	// Counts survive one rotation of the tracking maps.
	if n.Use(a, "00000003", now.Add(6*time.Minute)) {
		t.Fatal("a used count after rotation")
	}
}
