package totp

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// RFC 6238 appendix B, SHA-1, 8 digits, secret "12345678901234567890".
func TestRFC6238Vectors(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	} {
		if got := hotp(key, Step(time.Unix(v.unix, 0)), 8); got != v.code {
			t.Errorf("T=%d: %s, want %s", v.unix, got, v.code)
		}
	}
	// The same secret through the public API: 6 digits are the last six.
	secret := b32.EncodeToString(key)
	if got, err := Code(secret, time.Unix(59, 0)); err != nil || got != "287082" {
		t.Fatalf("Code = %q %v", got, err)
	}
}

func TestVerifyWindowAndReplay(t *testing.T) {
	secret := NewSecret()
	now := time.Unix(1_700_000_000, 0)
	code := func(d time.Duration) string {
		c, err := Code(secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, d := range []time.Duration{-Period, 0, Period} {
		if _, ok := Verify(secret, code(d), now, 0); !ok {
			t.Errorf("code of %v refused", d)
		}
	}
	for _, d := range []time.Duration{-2 * Period, 2 * Period} {
		if _, ok := Verify(secret, code(d), now, 0); ok {
			t.Errorf("code of %v accepted", d)
		}
	}
	step, ok := Verify(secret, code(0), now, 0)
	if !ok || step != Step(now) {
		t.Fatal("current code refused")
	}
	if _, ok := Verify(secret, code(0), now, step); ok {
		t.Fatal("a code was accepted twice")
	}
	if _, ok := Verify(secret, code(-Period), now, step); ok {
		t.Fatal("an older code was accepted after a newer one")
	}
	if _, ok := Verify(secret, code(Period), now, step); !ok {
		t.Fatal("the next step's code was refused")
	}
	for _, bad := range []string{"", "12345", "1234567", "12a456", " 123456", "１２３４５６"} {
		if _, ok := Verify(secret, bad, now, 0); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, ok := Verify("not base32!", "123456", now, 0); ok {
		t.Fatal("a bad secret verified")
	}
	if len(secret) != 32 || strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		t.Fatalf("secret %q", secret)
	}
}

func TestURI(t *testing.T) {
	u := URI("Switchboard acme.example", "ann@acme.example", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/Switchboard%20acme.example:ann@acme.example?algorithm=SHA1&digits=6&issuer=Switchboard+acme.example&period=30&secret=JBSWY3DPEHPK3PXP"
	if u != want {
		t.Fatalf("URI\n%s\nwant\n%s", u, want)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := RecoveryCodes(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 12 || c[4] != '-' || c[9] != '-' || strings.Trim(strings.ReplaceAll(c, "-", ""), recoveryAlphabet) != "" {
			t.Fatalf("code %q", c)
		}
		if seen[c] {
			t.Fatal("duplicate recovery code")
		}
		seen[c] = true
	}
	if got := NormalizeRecoveryCode(" ABCD efgh-JK "); got != "abcdefghjk" {
		t.Fatalf("normalized %q", got)
	}
	if !bytes.Equal([]byte(NormalizeRecoveryCode(codes[0])), []byte(strings.ReplaceAll(codes[0], "-", ""))) {
		t.Fatal("a code does not normalize to itself")
	}
}

func TestQRPNG(t *testing.T) {
	png, err := QRPNG(URI("Switchboard", "ann@acme.example", NewSecret()))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 200 {
		t.Fatalf("not a PNG (%d bytes)", len(png))
	}
}
