package model

import (
	"strings"
	"testing"
)

func TestCommonPasswordList(t *testing.T) {
	set := commonPasswords()
	long := 0
	for pw := range set {
		if pw != strings.ToLower(pw) {
			t.Errorf("entry %q is not lowercase", pw)
		}
		if len([]rune(pw)) >= MinPasswordLen {
			long++
		}
	}
	if long < 500 {
		t.Errorf("list has %d entries of %d+ characters, want at least 500", long, MinPasswordLen)
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{
		{"password", true}, {"PASSWORD1", true}, {"Qwerty123", true}, {"iloveyou", true},
		{"letmein", true}, {"123456", true}, {"correct horse battery", false}, {"", false},
		{"# Common passwords refused by ValidatePassword and ValidateExtensionPassword.", false},
	} {
		t.Run(c.pw, func(t *testing.T) {
			if got := IsCommonPassword(c.pw); got != c.want {
				t.Errorf("IsCommonPassword(%q) = %v, want %v", c.pw, got, c.want)
			}
		})
	}
}

func TestValidatePassword(t *testing.T) {
	checkCases(t, []vcase{
		{"passphrase", ValidatePassword("password", "correct horse battery"), "", ""},
		{"eight", ValidatePassword("password", "Xk7#pq2!"), "", ""},
		{"128 runes of é", ValidatePassword("password", strings.Repeat("é", 128)), "", ""},
		{"128 ascii", ValidatePassword("password", strings.Repeat("ab", 64)), "", ""},
		{"unicode short in bytes", ValidatePassword("password", "日本語のパスワー"), "", ""},
		{"empty", ValidatePassword("password", ""), "password", "required"},
		{"seven", ValidatePassword("password", "Xk7#pq2"), "password", "at least 8 characters (it has 7)"},
		{"seven runes many bytes", ValidatePassword("password", strings.Repeat("é", 7)), "password", "at least 8"},
		{"129", ValidatePassword("password", strings.Repeat("é", 129)), "password", "at most 128"},
		{"common", ValidatePassword("password", "password1"), "password", "too common"},
		{"common mixed case", ValidatePassword("new_password", "PassWord123"), "new_password", "too common"},
		{"equals username", ValidatePassword("password", "AliceSmith", "alicesmith", "alice@example.com"), "password", "same as the username"},
		{"equals email", ValidatePassword("password", "Alice@Example.com", "alicesmith", "alice@example.com"), "password", "same as the username"},
		{"empty context ignored", ValidatePassword("password", "correct horse battery", ""), "", ""},
		{"invalid utf8", ValidatePassword("password", "abcdefg\xff"), "password", "UTF-8"},
	})
}

func TestValidateExtensionPassword(t *testing.T) {
	checkCases(t, []vcase{
		{"alnum", ValidateExtensionPassword("extension_password", "Zr9kQ2mW"), "", ""},
		{"punctuation and space", ValidateExtensionPassword("extension_password", "a b!#$%&'()*+,-./;<=>?@[]^_`{|}~"), "", ""},
		{"64", ValidateExtensionPassword("extension_password", strings.Repeat("xY3", 21)+"z"), "", ""},
		{"empty", ValidateExtensionPassword("extension_password", ""), "extension_password", "required"},
		{"seven", ValidateExtensionPassword("extension_password", "Zr9kQ2m"), "extension_password", "8 to 64"},
		{"65", ValidateExtensionPassword("extension_password", strings.Repeat("a", 65)), "extension_password", "8 to 64"},
		{"quote", ValidateExtensionPassword("extension_password", `Zr9k"Q2mW`), "extension_password", `'"'`},
		{"backslash", ValidateExtensionPassword("extension_password", `Zr9k\Q2mW`), "extension_password", `'\\'`},
		{"colon", ValidateExtensionPassword("extension_password", "Zr9k:Q2mW"), "extension_password", "':'"},
		{"non-ascii", ValidateExtensionPassword("extension_password", "Zr9kéQ2mW"), "extension_password", "printable ASCII"},
		{"tab", ValidateExtensionPassword("extension_password", "Zr9k\tQ2mW"), "extension_password", "printable ASCII"},
		{"common", ValidateExtensionPassword("extension_password", "Qwerty123"), "extension_password", "too common"},
	})
}

func TestRandomDigits(t *testing.T) {
	for i := 0; i < 1000; i++ {
		pin := RandomDigits(6)
		if err := ValidateVoicemailPIN(pin); err != nil {
			t.Fatalf("RandomDigits(6) = %q: %v", pin, err)
		}
	}
	for _, n := range []int{0, 1, 4, 10, 20} {
		t.Run("len", func(t *testing.T) {
			s := RandomDigits(n)
			if len(s) != n || (n > 0 && !allDigits(s)) {
				t.Errorf("RandomDigits(%d) = %q", n, s)
			}
			if n == 10 {
				assertFieldError(t, ValidateVoicemailPIN(s), "", "")
			}
			if n >= 4 && n <= 10 {
				assertFieldError(t, ValidateOnCallPIN(s), "", "")
			}
		})
	}
	// Every digit shows up: the generator is not stuck on a subset.
	seen := map[rune]bool{}
	for i := 0; i < 50; i++ {
		for _, r := range RandomDigits(6) {
			seen[r] = true
		}
	}
	if len(seen) != 10 {
		t.Errorf("saw only %d distinct digits", len(seen))
	}
}

func TestRandomExtensionPassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		pw := RandomExtensionPassword()
		if len(pw) != 16 {
			t.Fatalf("len(%q) = %d, want 16", pw, len(pw))
		}
		for _, r := range pw {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				t.Fatalf("%q has %q, want letters and digits only", pw, r)
			}
		}
		if err := ValidateExtensionPassword("extension_password", pw); err != nil {
			t.Fatalf("%q: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("duplicate password %q", pw)
		}
		seen[pw] = true
	}
}
