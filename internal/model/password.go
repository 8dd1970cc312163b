package model

import (
	"bufio"
	"crypto/rand"
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// Login password length bounds, in characters (runes).
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// SIP extension password length bounds, in ASCII characters.
const (
	MinExtensionPasswordLen = 8
	MaxExtensionPasswordLen = 64
)

//go:embed common_passwords.txt
var commonPasswordsText string

var (
	commonPasswordsOnce sync.Once
	commonPasswordSet   map[string]struct{}
)

// commonPasswords returns the lowercase common-password set, built once.
func commonPasswords() map[string]struct{} {
	commonPasswordsOnce.Do(func() {
		set := make(map[string]struct{}, 1200)
		sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			set[strings.ToLower(line)] = struct{}{}
		}
		commonPasswordSet = set
	})
	return commonPasswordSet
}

// IsCommonPassword reports whether pw is on the list of commonly used,
// easily guessed passwords, ignoring case.
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(pw)]
	return ok
}

// ValidatePassword checks a login password: 8 to 128 characters (any
// characters, spaces included; never truncated), not a common password, and
// not the same as any of context (the username or email), ignoring case.
func ValidatePassword(field, password string, context ...string) error {
	if password == "" {
		return Invalid(field, "is required")
	}
	if !utf8.ValidString(password) {
		return Invalid(field, "is not valid UTF-8 text")
	}
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen {
		return Invalid(field, "must be at least %d characters (it has %d); a few words make a good password", MinPasswordLen, n)
	}
	if n > MaxPasswordLen {
		return Invalid(field, "must be at most %d characters (it has %d)", MaxPasswordLen, n)
	}
	if IsCommonPassword(password) {
		return Invalid(field, "is too common and easily guessed; choose another")
	}
	for _, c := range context {
		if c != "" && strings.EqualFold(password, c) {
			return Invalid(field, "must not be the same as the username or email")
		}
	}
	return nil
}

// ValidateExtensionPassword checks a SIP extension password: 8 to 64
// printable ASCII characters except '"', '\' and ':' (they break SIP digest
// authentication and phone provisioning files), and not a common password.
func ValidateExtensionPassword(field, pw string) error {
	if pw == "" {
		return Invalid(field, "is required")
	}
	for i := 0; i < len(pw); i++ {
		c := pw[i]
		if c < 0x20 || c > 0x7e {
			return Invalid(field, "may contain only printable ASCII characters (letters, digits, punctuation)")
		}
		if c == '"' || c == '\\' || c == ':' {
			return Invalid(field, "must not contain %q (it breaks SIP phones' configuration)", rune(c))
		}
	}
	if len(pw) < MinExtensionPasswordLen || len(pw) > MaxExtensionPasswordLen {
		return Invalid(field, "must be %d to %d characters long (it has %d)", MinExtensionPasswordLen, MaxExtensionPasswordLen, len(pw))
	}
	if IsCommonPassword(pw) {
		return Invalid(field, "is too common and easily guessed; choose another")
	}
	return nil
}

// RandomDigits returns n random digits from crypto/rand. When n is 6 or
// more, the result has no run of three equal or consecutive digits, so a
// 6 to 10 digit result passes ValidateVoicemailPIN.
func RandomDigits(n int) string {
	if n <= 0 {
		return ""
	}
	for {
		s := randomFrom("0123456789", n)
		if n < 6 || weakDigitRun(s) == "" {
			return s
		}
	}
}

// RandomExtensionPassword returns a random 16-character password of ASCII
// letters and digits that passes ValidateExtensionPassword.
func RandomExtensionPassword() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for {
		s := randomFrom(alphabet, 16)
		if ValidateExtensionPassword("password", s) == nil {
			return s
		}
	}
}

// RandomPassword returns a random login password (letters and digits in
// three groups) that passes ValidatePassword, for a user an admin adds
// without typing one.
func RandomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	for {
		s := randomFrom(alphabet, 6) + "-" + randomFrom(alphabet, 6) + "-" + randomFrom(alphabet, 4)
		if ValidatePassword("password", s, "", "") == nil {
			return s
		}
	}
}

// randomFrom returns n bytes picked uniformly from alphabet (at most 256
// bytes) with crypto/rand, using rejection sampling to avoid modulo bias.
func randomFrom(alphabet string, n int) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+8)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}
