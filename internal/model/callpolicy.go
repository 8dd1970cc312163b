package model

import (
	"fmt"
	"slices"

	"github.com/switchboard-pbx/switchboard/internal/dialplan"
)

// CallPolicy is a tenant's rules for the calls that leave through its
// trunk.
type CallPolicy struct {
	// EmergencyNumbers are the numbers that reach the emergency services
	// from the tenant's phones (empty: the defaults of the tenant's
	// country_code, README "Call policy"). Any enabled user may call
	// them whatever the role, restrictions and limits; they are never a
	// forward target.
	EmergencyNumbers []string `json:"emergency_numbers" maxItems:"10" doc:"Emergency numbers (empty: the defaults of country_code, see the README); 2 to 6 digits each"`
	// AllowHighRisk lets the tenant's users call high-risk numbers
	// (premium rate, satellite, the prefixes below), as the domestic or
	// international calls they are. Off by default.
	AllowHighRisk bool `json:"allow_high_risk" doc:"Allow calls to high-risk numbers (premium rate, satellite and international networks, high_risk_prefixes); off by default"`
	// HighRiskPrefixes are the tenant's own high-risk prefixes, added to
	// the built-in ones (dialplan.DefaultHighRisk).
	HighRiskPrefixes []string `json:"high_risk_prefixes" maxItems:"50" doc:"High-risk prefixes of the tenant's own (+ and 1 to 15 digits), added to the built-in +870 to +874, +881, +882, +883, +979"`
	// MaxOutsideCallsPerUser bounds each user's calls through the trunk
	// at once (0: DefaultMaxOutsideCallsPerUser).
	MaxOutsideCallsPerUser int `json:"max_outside_calls_per_user" minimum:"0" maximum:"1000" doc:"Calls through the trunk one user may have at once (0: the default, 3)"`
	// MaxOutsideCalls bounds the tenant's calls through the trunk at once
	// (0: DefaultMaxOutsideCalls).
	MaxOutsideCalls int `json:"max_outside_calls" minimum:"0" maximum:"100000" doc:"Calls through the trunk the tenant may have at once (0: the default, 30)"`
	// MaxInternationalCallsPerHour bounds each user's international calls
	// started in any hour (0: DefaultMaxInternationalCallsPerHour).
	MaxInternationalCallsPerHour int `json:"max_international_calls_per_hour" minimum:"0" maximum:"100000" doc:"International calls one user may start in an hour (0: the default, 10)"`
}

// Call policy bounds and the fraud limits' defaults.
const (
	maxEmergencyNumbers                 = 10
	maxHighRiskPrefixes                 = 50
	DefaultMaxOutsideCallsPerUser       = 3
	DefaultMaxOutsideCalls              = 30
	DefaultMaxInternationalCallsPerHour = 10
)

// Limits are the fraud limits in force: per user and per tenant
// concurrent calls through the trunk, international calls per user per
// hour (defaults in place of zeros).
func (p CallPolicy) Limits() (perUser, perTenant, internationalPerHour int) {
	def := func(v, d int) int {
		if v == 0 {
			return d
		}
		return v
	}
	return def(p.MaxOutsideCallsPerUser, DefaultMaxOutsideCallsPerUser), def(p.MaxOutsideCalls, DefaultMaxOutsideCalls),
		def(p.MaxInternationalCallsPerHour, DefaultMaxInternationalCallsPerHour)
}

// ValidateCallPolicy checks a tenant's call policy.
func ValidateCallPolicy(p *CallPolicy) error {
	if len(p.EmergencyNumbers) > maxEmergencyNumbers {
		return Invalid("call_policy.emergency_numbers", "holds at most %d numbers", maxEmergencyNumbers)
	}
	for i, n := range p.EmergencyNumbers {
		field := fmt.Sprintf("call_policy.emergency_numbers[%d]", i)
		if len(n) < 2 || len(n) > 6 || !allDigits(n) {
			return Invalid(field, "must be 2 to 6 digits, such as 112 or 911")
		}
		if slices.Contains(p.EmergencyNumbers[:i], n) {
			return Invalid(field, "%s is listed twice", n)
		}
	}
	if len(p.HighRiskPrefixes) > maxHighRiskPrefixes {
		return Invalid("call_policy.high_risk_prefixes", "holds at most %d prefixes", maxHighRiskPrefixes)
	}
	for i, pre := range p.HighRiskPrefixes {
		if !dialplan.ValidPrefix(pre) {
			return Invalid(fmt.Sprintf("call_policy.high_risk_prefixes[%d]", i), "must be + and 1 to 15 digits, such as +4470")
		}
	}
	for _, f := range []struct {
		name   string
		v, max int
	}{{"max_outside_calls_per_user", p.MaxOutsideCallsPerUser, 1000}, {"max_outside_calls", p.MaxOutsideCalls, 100000},
		{"max_international_calls_per_hour", p.MaxInternationalCallsPerHour, 100000}} {
		if f.v < 0 || f.v > f.max {
			return Invalid("call_policy."+f.name, "must be 0 (the default) to %d", f.max)
		}
	}
	return nil
}

// Numbering is what the number classifier needs of the tenant: its
// country, emergency numbers and high-risk prefixes.
func (t *Tenant) Numbering() dialplan.Tenant {
	d := dialplan.Tenant{CountryCode: t.CountryCode, HighRisk: t.CallPolicy.HighRiskPrefixes}
	if len(t.CallPolicy.EmergencyNumbers) > 0 {
		d.Emergency = t.CallPolicy.EmergencyNumbers
	}
	return d
}

// IsEmergencyNumber tells whether dialled is one of the tenant's
// emergency numbers, as dialled (no international prefix).
func (t *Tenant) IsEmergencyNumber(dialled string) bool {
	return dialplan.Classify(dialled, t.Numbering()).Class == dialplan.Emergency
}
