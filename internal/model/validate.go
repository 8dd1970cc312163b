package model

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// reservedUserNames may only be used in the system tenant (any case).
var reservedUserNames = []string{"admin", "system", "administrator", "root"}

// ValidateUserName checks a login username: 1 to 64 characters of letters
// (any script), digits 0-9 and the marks _ - ' . ; it must not start or end
// with a dot. The names admin, system, administrator and root (any case) are
// reserved outside the system tenant, and so is any name that looks like
// one (NameKey: аdmin with a Cyrillic а, admın, ADMİN). The field is "name".
func ValidateUserName(name string, systemTenant bool) error {
	const field = "name"
	if name == "" {
		return Invalid(field, "is required")
	}
	if !utf8.ValidString(name) {
		return Invalid(field, "is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLen {
		return Invalid(field, "must be at most %d characters (it has %d)", MaxNameLen, n)
	}
	for _, r := range name {
		switch {
		case unicode.IsLetter(r), r >= '0' && r <= '9', r == '_', r == '-', r == '\'', r == '.':
		case r == ' ':
			return Invalid(field, "must not contain spaces; use letters, digits and _ - ' . only")
		default:
			return Invalid(field, "contains %q; use letters, digits and _ - ' . only", r)
		}
	}
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
		return Invalid(field, "must not start or end with a dot")
	}
	if !systemTenant {
		for _, r := range reservedUserNames {
			if SameName(name, r) {
				return Invalid(field, "%q is reserved; choose another username", name)
			}
		}
	}
	return nil
}

// Bounds of an extension number (in digits) and of a DNS domain name.
const (
	MinExtensionLen = 3
	MaxExtensionLen = 64
	MaxDomainLen    = 253
)

// ValidateExtensionNumber checks an extension number: 3 to 64 digits 0-9.
// The field is "extension_number".
func ValidateExtensionNumber(ext string) error {
	const field = "extension_number"
	if ext == "" {
		return Invalid(field, "is required")
	}
	if !allDigits(ext) {
		return Invalid(field, "must contain digits 0-9 only")
	}
	if len(ext) < MinExtensionLen || len(ext) > MaxExtensionLen {
		return Invalid(field, "must be %d to %d digits long (it has %d)", MinExtensionLen, MaxExtensionLen, len(ext))
	}
	return nil
}

// ValidateEmail checks a required email address of the plain form
// local@domain.tld: at most 254 bytes, exactly one '@', a local part of 1 to
// 64 bytes, a DNS domain name with a dot, no spaces, no control characters
// and no display name.
func ValidateEmail(field, email string) error {
	if email == "" {
		return Invalid(field, "is required")
	}
	if len(email) > MaxEmailLen {
		return Invalid(field, "must be at most %d bytes (it has %d)", MaxEmailLen, len(email))
	}
	if !utf8.ValidString(email) {
		return Invalid(field, "is not valid UTF-8 text")
	}
	for _, r := range email {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return Invalid(field, "must not contain spaces or control characters")
		}
	}
	if strings.ContainsAny(email, "<>") {
		return Invalid(field, "must be only the address, as in name@example.com, without a display name or <>")
	}
	if strings.Count(email, "@") != 1 {
		return Invalid(field, "must contain exactly one '@', as in name@example.com")
	}
	local, domain, _ := strings.Cut(email, "@")
	if local == "" {
		return Invalid(field, "needs a name before the '@', as in name@example.com")
	}
	if len(local) > 64 {
		return Invalid(field, "the part before the '@' must be at most 64 bytes (it has %d)", len(local))
	}
	if domain == "" {
		return Invalid(field, "needs a domain after the '@', as in name@example.com")
	}
	if msg := domainProblem(domain); msg != "" {
		return Invalid(field, "the domain after the '@' %s", msg)
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return Invalid(field, "is not a valid email address; use the form name@example.com")
	}
	return nil
}

// ValidateDomainName checks a DNS host name such as pbx.example.com: at most
// 253 characters, at least two dot-separated labels of 1 to 63 letters, digits
// and hyphens, no label starting or ending with a hyphen, and a last label
// that is not all digits.
func ValidateDomainName(field, domain string) error {
	if domain == "" {
		return Invalid(field, "is required")
	}
	if msg := domainProblem(domain); msg != "" {
		return Invalid(field, "%s", msg)
	}
	return nil
}

// domainProblem returns why domain is not a valid host name, or "".
func domainProblem(domain string) string {
	if len(domain) > MaxDomainLen {
		return fmt.Sprintf("must be at most %d characters", MaxDomainLen)
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "needs at least two parts separated by a dot, as in example.com"
	}
	for _, l := range labels {
		if l == "" {
			return "must not have empty parts (no leading, trailing or double dots)"
		}
		if len(l) > 63 {
			return "has a part longer than 63 characters"
		}
		for i := 0; i < len(l); i++ {
			c := l[i] | 0x20 // ASCII lowercase; non-letters are checked below
			if !(c >= 'a' && c <= 'z' || l[i] >= '0' && l[i] <= '9' || l[i] == '-') {
				return "may contain only letters a-z, digits and hyphens (use punycode for international names)"
			}
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "must not have a part that starts or ends with a hyphen"
		}
	}
	if allDigits(labels[len(labels)-1]) {
		return "must end in a name, not a number (IP addresses are not accepted)"
	}
	return ""
}

// ValidateVoicemailPIN checks a voicemail PIN: 6 to 10 digits with no run of
// three equal digits (111) and no run of three consecutive digits going up or
// down (123, 321). The field is "voicemail_pin".
func ValidateVoicemailPIN(pin string) error {
	const field = "voicemail_pin"
	if pin == "" {
		return Invalid(field, "is required")
	}
	if !allDigits(pin) {
		return Invalid(field, "must contain digits 0-9 only")
	}
	if len(pin) < 6 || len(pin) > 10 {
		return Invalid(field, "must be 6 to 10 digits long (it has %d)", len(pin))
	}
	if run := weakDigitRun(pin); run != "" {
		return Invalid(field, "must not contain %q; avoid three equal or consecutive digits in a row", run)
	}
	return nil
}

// weakDigitRun returns the first run of three equal, ascending or descending
// digits in s, or "".
func weakDigitRun(s string) string {
	for i := 0; i+2 < len(s); i++ {
		a, b, c := int(s[i]), int(s[i+1]), int(s[i+2])
		if d := b - a; (d == 0 || d == 1 || d == -1) && c-b == d {
			return s[i : i+3]
		}
	}
	return ""
}

// ValidateOnCallPIN checks an on-call PIN: 4 to 10 digits. The field is
// "oncall_pin".
func ValidateOnCallPIN(pin string) error {
	const field = "oncall_pin"
	if pin == "" {
		return Invalid(field, "is required")
	}
	if !allDigits(pin) {
		return Invalid(field, "must contain digits 0-9 only")
	}
	if len(pin) < 4 || len(pin) > 10 {
		return Invalid(field, "must be 4 to 10 digits long (it has %d)", len(pin))
	}
	return nil
}

// ValidatePhoneNumber checks an optional phone number: empty, an E.164
// number ("+" then 2 to 15 digits, the first not 0) or an internal number of
// 1 to 32 digits.
func ValidatePhoneNumber(field, number string) error {
	if number == "" {
		return nil
	}
	if rest, ok := strings.CutPrefix(number, "+"); ok {
		if !allDigits(rest) || len(rest) < 2 || len(rest) > 15 || rest[0] == '0' {
			return Invalid(field, "must be in international format: '+' then 2 to 15 digits, not starting with 0 (e.g. +14155550100)")
		}
		return nil
	}
	if !allDigits(number) {
		return Invalid(field, "may contain only digits, optionally after a leading '+' (no spaces, dashes or brackets)")
	}
	if len(number) > MaxPhoneLen {
		return Invalid(field, "must be at most %d digits (it has %d)", MaxPhoneLen, len(number))
	}
	return nil
}

// languageTagShape is the subset of BCP 47 accepted: a 2-3 letter language
// then subtags of 2 to 8 letters or digits.
var languageTagShape = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// ValidateLanguageTag checks a BCP 47 language tag such as en-US, fr, pt-BR
// or zh-Hant-TW, at most 35 characters.
func ValidateLanguageTag(field, tag string) error {
	if tag == "" {
		return Invalid(field, "is required; use a language tag such as en-US")
	}
	if len(tag) > 35 || !languageTagShape.MatchString(tag) {
		return Invalid(field, "must be a language tag such as en-US, fr or pt-BR")
	}
	if _, err := language.Parse(tag); err != nil {
		return Invalid(field, "%q is not a known language tag; use one such as en-US, fr or pt-BR", tag)
	}
	return nil
}

// OneOf checks that value is exactly one of allowed (case-sensitive).
func OneOf(field, value string, allowed []string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	if value == "" {
		return Invalid(field, "is required; use one of %s", strings.Join(allowed, ", "))
	}
	return Invalid(field, "must be one of %s (got %q)", strings.Join(allowed, ", "), clip(value, 40))
}

// allDigits reports whether s is non-empty and made of ASCII digits only.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clip shortens s to at most n runes for quoting in a message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
