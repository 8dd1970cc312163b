package routing

import (
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Call classes of outbound calls.
const (
	ClassInternal      = "internal"
	ClassDomestic      = "domestic"
	ClassInternational = "international"
)

// Classify tells the class of a dialled number: an extension of the
// tenant is internal; a number in international form (+CC… or 00CC…)
// outside the tenant's country code is international; anything else is
// domestic. countryCode is the tenant's, without + (e.g. "1", "33").
func Classify(number string, isExtension bool, countryCode string) string {
	if isExtension {
		return ClassInternal
	}
	n := digits(number)
	switch {
	case strings.HasPrefix(n, "+"):
		n = n[1:]
	case strings.HasPrefix(n, "00"):
		n = n[2:]
	default:
		return ClassDomestic
	}
	if countryCode != "" && strings.HasPrefix(n, countryCode) {
		return ClassDomestic
	}
	return ClassInternational
}

// Policies are the outbound call classes a role allows.
type Policies struct {
	Internal, Domestic, International bool
}

// Outbound decides whether a user may call a number of class: the role
// must allow the class and the user's restriction must not DENY it. It
// returns the SIP refusal (403 with a reason) when not.
func Outbound(p Policies, r model.CallRestrictions, class string) (ok bool, status int, reason string) {
	allowed, mode := false, ""
	switch class {
	case ClassInternal:
		allowed, mode = p.Internal, r.Internal
	case ClassDomestic:
		allowed, mode = p.Domestic, r.Domestic
	case ClassInternational:
		allowed, mode = p.International, r.International
	}
	if mode == "DENY" {
		return false, 403, "Forbidden: " + class + " calls are restricted for this user"
	}
	if !allowed {
		return false, 403, "Forbidden: the user's role does not allow " + class + " calls"
	}
	return true, 0, ""
}
