package auth

import (
	"context"
	"strings"
	"sync"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := NewHasher(FastParams, 2)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("unexpected encoding %q", enc)
	}
	if strings.Contains(enc, "correct") {
		t.Fatal("hash contains the password")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"correct horse battery", true},
		{"correct horse batter", false},
		{"Correct horse battery", false},
		{"", false},
	} {
		t.Run(tc.pw, func(t *testing.T) {
			ok, err := h.Verify(ctx, enc, tc.pw)
			if err != nil || ok != tc.want {
				t.Fatalf("Verify(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
			}
		})
	}
	again, _ := h.Hash(ctx, "correct horse battery")
	if again == enc {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestVerifyLongPasswordNotTruncated(t *testing.T) {
	h := NewHasher(FastParams, 1)
	ctx := context.Background()
	long := strings.Repeat("é", 128)
	enc, _ := h.Hash(ctx, long)
	if ok, _ := h.Verify(ctx, enc, long[:len(long)-2]+"e"); ok {
		t.Fatal("a password differing in its last character verified")
	}
	if ok, _ := h.Verify(ctx, enc, long); !ok {
		t.Fatal("long password did not verify")
	}
}

func TestVerifyEmptyHashNeverMatches(t *testing.T) {
	h := NewHasher(FastParams, 1)
	for _, pw := range []string{"", "switchboard-dummy-password"} {
		if ok, err := h.Verify(context.Background(), "", pw); ok || err != nil {
			t.Fatalf("Verify(empty hash, %q) = %v, %v", pw, ok, err)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := NewHasher(FastParams, 1)
	for _, enc := range []string{"x", "$argon2i$v=19$m=64,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		if _, err := h.Verify(context.Background(), enc, "pw"); err == nil {
			t.Errorf("Verify(%q) accepted a malformed hash", enc)
		}
	}
}

func TestHasherBoundsConcurrency(t *testing.T) {
	h := NewHasher(FastParams, 2)
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.Hash(context.Background(), "parallel password"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if h.Peak() != 2 {
		t.Fatalf("%d hashes ran at once, want exactly the limit of 2", h.Peak())
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.sem <- struct{}{}
	h.sem <- struct{}{}
	cancel()
	if _, err := h.Hash(ctx, "x"); err == nil {
		t.Fatal("Hash did not give up when its context ended while waiting")
	}
}

func TestTokensAndSIP(t *testing.T) {
	a, ah := NewToken(AccessPrefix)
	b, bh := NewToken(AccessPrefix)
	if a == b || ah == bh || HashToken(a) != ah || !strings.HasPrefix(a, "sba_") {
		t.Fatal("tokens are not random or hashes are inconsistent")
	}
	// RFC 2617 example: Mufasa / testrealm@host.com / Circle Of Life.
	c := SIPCredentials("Mufasa", "testrealm@host.com", "Circle Of Life")
	if c.HA1MD5 != "939e7578ed9e3c518a452acee763bce9" {
		t.Fatalf("HA1 MD5 = %s", c.HA1MD5)
	}
	if !SIPPasswordMatches(c, "Mufasa", "testrealm@host.com", "Circle Of Life") || SIPPasswordMatches(c, "Mufasa", "testrealm@host.com", "circle of life") {
		t.Fatal("SIPPasswordMatches wrong")
	}
}
