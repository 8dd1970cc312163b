package routing

import (
	"github.com/switchboard-pbx/switchboard/internal/dialplan"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Call classes of outbound calls (see internal/dialplan, which classes a
// dialled number).
const (
	ClassInternal      = dialplan.Internal
	ClassEmergency     = dialplan.Emergency
	ClassDomestic      = dialplan.Domestic
	ClassInternational = dialplan.International
	ClassPremium       = dialplan.Premium
	ClassUnclassified  = dialplan.Unclassifiable
)

// Policies are the outbound call classes a role allows, and whether the
// tenant lets its users call high-risk (premium, satellite) numbers.
type Policies struct {
	Internal, Domestic, International bool
	HighRisk                          bool
}

// Outbound decides whether a user may call number n: an emergency number
// always; an unclassifiable one never; a high-risk one only when the
// tenant allows them, then as the domestic or international call it is;
// otherwise the role must allow the class and the user's restriction
// must not DENY it. It returns the SIP refusal (403 with a reason) when
// not.
func Outbound(p Policies, r model.CallRestrictions, n dialplan.Number) (ok bool, status int, reason string) {
	class := n.Class
	switch class {
	case ClassEmergency:
		return true, 0, ""
	case ClassUnclassified:
		return false, 403, "Forbidden: the number cannot be classified (" + n.Reason + ")"
	case ClassPremium:
		if !p.HighRisk {
			return false, 403, "Forbidden: " + n.Reason + " (high-risk numbers are not allowed by the tenant)"
		}
		class = ClassDomestic
		if n.International {
			class = ClassInternational
		}
	}
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

// Verdict is the decision on one outside leg: the classified number
// (whose Dial string is what goes to the trunk) and whether the user may
// call it, with the refusal when not.
type Verdict struct {
	Number  dialplan.Number `json:"number"`
	Allowed bool            `json:"allowed"`
	Status  int             `json:"status,omitempty"`
	Reason  string          `json:"reason,omitempty"`
}
