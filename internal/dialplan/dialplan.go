// Package dialplan is the one place a dialled number is read: it is
// normalised once (percent-decoding, Unicode compatibility forms such as
// full-width digits and plus, visual separators, the tenant country's
// international prefixes) and classified with libphonenumber
// (github.com/nyaruka/phonenumbers) as internal, emergency, domestic,
// international, premium (high-risk) or unclassifiable. The Dial string
// of the result is exactly what is classified and exactly what the SIP
// proxy sends to the trunk; a number that cannot be classified is
// refused (fail closed).
package dialplan

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// Classes of a dialled number.
const (
	Internal       = "internal"
	Emergency      = "emergency"
	Domestic       = "domestic"
	International  = "international"
	Premium        = "premium"
	Unclassifiable = "unclassifiable"
)

// MaxDigits bounds a dialled number (E.164 allows 15; a little slack for
// prefixes).
const MaxDigits = 20

// Tenant is what the classification needs of the tenant.
type Tenant struct {
	// CountryCode is the tenant's country calling code without "+".
	CountryCode string
	// Emergency are the tenant's emergency numbers (nil: the country's
	// defaults, see DefaultEmergency).
	Emergency []string
	// HighRisk are the tenant's own high-risk prefixes ("+CC…"), added to
	// DefaultHighRisk.
	HighRisk []string
}

// Number is a classified number.
type Number struct {
	// Dial is the normalised number: E.164 (+CC…) for outside numbers,
	// the digits for an emergency number, the extension for an internal
	// one; "" when unclassifiable.
	Dial  string `json:"dial"`
	Class string `json:"class"`
	// Reason tells why the number is unclassifiable or high-risk.
	Reason string `json:"reason,omitempty"`
	// International is set for a premium number outside the tenant's
	// country.
	International bool `json:"-"`
}

// DefaultHighRisk are the built-in high-risk prefixes: satellite and
// international networks (+870 Inmarsat, +881 global mobile satellite,
// +882 and +883 international networks) and +979 international premium
// rate. Numbers libphonenumber types as premium rate are high-risk too.
var DefaultHighRisk = []string{"+870", "+871", "+872", "+873", "+874", "+881", "+882", "+883", "+979"}

// defaultEmergency are the emergency numbers of some countries by calling
// code; every other country has 112 and 911.
var defaultEmergency = map[string][]string{
	"1":  {"911"},
	"7":  {"112", "101", "102", "103", "104"},
	"33": {"112", "15", "17", "18", "114", "115", "119", "191", "196", "197"},
	"34": {"112", "091", "092", "061", "080", "085"},
	"39": {"112", "113", "115", "118"},
	"41": {"112", "117", "118", "144"},
	"43": {"112", "122", "133", "144"},
	"44": {"999", "112"},
	"49": {"112", "110"},
	"61": {"000", "112", "106"},
	"64": {"111", "112"},
	"81": {"110", "118", "119"},
	"86": {"110", "119", "120", "122"},
	"91": {"112", "100", "101", "102", "108"},
}

// DefaultEmergency are the emergency numbers of a country by its calling
// code (README "Call policy").
func DefaultEmergency(countryCode string) []string {
	if l, ok := defaultEmergency[countryCode]; ok {
		return slices.Clone(l)
	}
	return []string{"112", "911"}
}

// EmergencyNumbers are the tenant's emergency numbers: its own list, else
// its country's defaults.
func (t Tenant) EmergencyNumbers() []string {
	if t.Emergency != nil {
		return t.Emergency
	}
	return DefaultEmergency(t.CountryCode)
}

// Normalise reads a dialled number as a phone would: percent-decoded
// once, Unicode compatibility forms folded (NFKC: full-width digits and
// plus become ASCII), visual separators (spaces, dashes, dots, slashes,
// parentheses) dropped. It returns "" unless what is left is digits with
// at most a leading "+" (a second percent-encoding, letters, '*' or '#'
// are not numbers).
func Normalise(s string) string {
	if len(s) > 4*MaxDigits*3 {
		return ""
	}
	if strings.Contains(s, "%") {
		d, err := url.PathUnescape(s)
		if err != nil {
			return ""
		}
		s = d
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9' || r == '+':
			b.WriteRune(r)
		case isSeparator(r):
		default:
			return ""
		}
	}
	n := b.String()
	digits := strings.TrimPrefix(n, "+")
	if digits == "" || len(digits) > MaxDigits || strings.Contains(digits, "+") {
		return ""
	}
	return n
}

// isSeparator tells whether r only groups digits for the eye.
func isSeparator(r rune) bool {
	switch r {
	case ' ', '-', '.', '(', ')', '/', '\t':
		return true
	}
	return unicode.Is(unicode.Pd, r) || unicode.Is(unicode.Zs, r)
}

// Classify classifies a dialled number that is not one of the tenant's
// extensions (the caller resolves those first: Internal).
func Classify(dialled string, t Tenant) Number {
	n := Normalise(dialled)
	if n == "" {
		return Number{Class: Unclassifiable, Reason: "not a phone number"}
	}
	if !strings.HasPrefix(n, "+") && slices.Contains(t.EmergencyNumbers(), n) {
		return Number{Dial: n, Class: Emergency}
	}
	region := "ZZ" // without a country only +CC… numbers are understood
	if cc, err := strconv.Atoi(t.CountryCode); err == nil {
		region = phonenumbers.GetRegionCodeForCountryCode(cc)
	}
	if region == "ZZ" && !strings.HasPrefix(n, "+") {
		return Number{Class: Unclassifiable, Reason: "a national number needs the tenant's country_code"}
	}
	pn, err := phonenumbers.Parse(n, region)
	if err != nil {
		return Number{Class: Unclassifiable, Reason: "not a phone number: " + err.Error()}
	}
	e164 := phonenumbers.Format(pn, phonenumbers.E164)
	international := strconv.Itoa(int(pn.GetCountryCode())) != t.CountryCode
	for _, list := range [][]string{DefaultHighRisk, t.HighRisk} {
		for _, prefix := range list {
			if prefix != "" && strings.HasPrefix(e164, prefix) {
				return Number{Dial: e164, Class: Premium, Reason: "high-risk prefix " + prefix, International: international}
			}
		}
	}
	if !phonenumbers.IsValidNumber(pn) {
		return Number{Class: Unclassifiable, Reason: "not a valid number (" + e164 + ")"}
	}
	if typ := phonenumbers.GetNumberType(pn); typ == phonenumbers.PREMIUM_RATE {
		return Number{Dial: e164, Class: Premium, Reason: "premium-rate number", International: international}
	}
	if international {
		return Number{Dial: e164, Class: International}
	}
	return Number{Dial: e164, Class: Domestic}
}

// ValidPrefix tells whether p is a high-risk prefix a tenant may add:
// "+" and 1 to 15 digits.
func ValidPrefix(p string) bool {
	d, ok := strings.CutPrefix(p, "+")
	if !ok || d == "" || len(d) > 15 {
		return false
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
