package model

import (
	"fmt"
	"time"
)

// CDR enumerations. The contract shows INBOUND_CALL, CALLER_DISCONNECTED
// and TRANSFER; the rest complete what a PBX records.
var (
	CDRDirections    = []string{"INBOUND_CALL", "OUTBOUND_CALL", "INTERNAL_CALL"}
	CDREndReasons    = []string{"CALLER_DISCONNECTED", "CALLEE_DISCONNECTED", "NO_ANSWER", "BUSY", "REJECTED", "CANCELLED", "FAILED", "UNREACHABLE", "FORWARDED"}
	CDRRerouteReason = []string{"", "TRANSFER", "FORWARD", "FOLLOW_ME", "NO_ANSWER", "BUSY", "UNAVAILABLE", "VOICEMAIL"}
)

// CDR is a call detail record of one user, with the contract's fields.
type CDR struct {
	ID                string     `json:"id"`
	Caller            string     `json:"caller" maxLength:"64"`
	CallerDomain      string     `json:"caller_domain" maxLength:"253"`
	CallerDisplayName string     `json:"caller_display_name" maxLength:"128"`
	Callee            string     `json:"callee" maxLength:"64"`
	CalleeDomain      string     `json:"callee_domain" maxLength:"253"`
	CalleeDisplayName string     `json:"callee_display_name" maxLength:"128"`
	StartedAt         time.Time  `json:"started_at"`
	RangAt            *time.Time `json:"rang_at"`
	AnsweredAt        *time.Time `json:"answered_at"`
	EndedAt           *time.Time `json:"ended_at"`
	CallID            string     `json:"call_id" maxLength:"256"`
	Direction         string     `json:"direction" enum:"INBOUND_CALL,OUTBOUND_CALL,INTERNAL_CALL"`
	EndReason         string     `json:"end_reason" enum:"CALLER_DISCONNECTED,CALLEE_DISCONNECTED,NO_ANSWER,BUSY,REJECTED,CANCELLED,FAILED,UNREACHABLE,FORWARDED"`
	RerouteReason     string     `json:"reroute_reason" maxLength:"16" doc:"TRANSFER, FORWARD, FOLLOW_ME, NO_ANSWER, BUSY, UNAVAILABLE, VOICEMAIL or empty"`
	StatusCode        int        `json:"status_code" doc:"The final SIP status"`
	Destination       string     `json:"destination" maxLength:"64"`
	OutboundCallerID  string     `json:"outbound_caller_id" maxLength:"32"`
	DIDCID            string     `json:"did_cid" maxLength:"32"`
	Trunk             string     `json:"trunk" maxLength:"128"`
	Duration          int        `json:"duration" doc:"Seconds from answer to end"`
	Cost              Balance    `json:"cost" doc:"Exact to five decimals"`
	BilledAccount     string     `json:"billed_account" maxLength:"128"`
	ServiceNumber     string     `json:"service_number" maxLength:"32"`
	UserData          string     `json:"user_data" maxLength:"1024"`
	// RecordingID is the user's recording of the call, when Switchboard
	// recorded it (read-only: found by call_id among the recordings).
	RecordingID string `json:"recording_id" readOnly:"true" doc:"The user's recording of this call (GET /api/user/recordings/{id}); empty when the call was not recorded"`

	TenantID string `json:"-"`
	UserID   string `json:"-"`
}

// cdrLens bound a record's texts, as their tags declare them.
var cdrLens = maxLengths[CDR]("caller", "caller_domain", "caller_display_name", "callee", "callee_domain", "callee_display_name",
	"call_id", "destination", "outbound_caller_id", "did_cid", "trunk", "billed_account", "service_number", "user_data")

// ValidateCDR checks a record: required parties, known enumerations,
// times in order (start, ring, answer, end), a SIP status and bounded text.
// Duration is computed from answer and end when both are given.
func ValidateCDR(c *CDR) error {
	if c.Caller == "" {
		return Invalid("caller", "is required")
	}
	if c.Callee == "" {
		return Invalid("callee", "is required")
	}
	for _, f := range []struct{ name, v string }{{"caller", c.Caller}, {"caller_domain", c.CallerDomain}, {"caller_display_name", c.CallerDisplayName},
		{"callee", c.Callee}, {"callee_domain", c.CalleeDomain}, {"callee_display_name", c.CalleeDisplayName},
		{"call_id", c.CallID}, {"destination", c.Destination}, {"outbound_caller_id", c.OutboundCallerID},
		{"did_cid", c.DIDCID}, {"trunk", c.Trunk}, {"billed_account", c.BilledAccount},
		{"service_number", c.ServiceNumber}, {"user_data", c.UserData}} {
		if err := checkText(f.name, f.v, cdrLens[f.name], false); err != nil {
			return err
		}
	}
	if err := OneOf("direction", c.Direction, CDRDirections); err != nil {
		return err
	}
	if err := OneOf("end_reason", c.EndReason, CDREndReasons); err != nil {
		return err
	}
	if err := OneOf("reroute_reason", c.RerouteReason, CDRRerouteReason); err != nil {
		return err
	}
	if c.StatusCode != 0 && (c.StatusCode < 100 || c.StatusCode > 699) {
		return Invalid("status_code", "must be a SIP status from 100 to 699 (got %d)", c.StatusCode)
	}
	if c.StartedAt.IsZero() {
		return Invalid("started_at", "is required")
	}
	prev, prevName := c.StartedAt, "started_at"
	for _, t := range []struct {
		name string
		v    *time.Time
	}{{"rang_at", c.RangAt}, {"answered_at", c.AnsweredAt}, {"ended_at", c.EndedAt}} {
		if t.v == nil {
			continue
		}
		if t.v.Before(prev) {
			return Invalid(t.name, "is before %s", prevName)
		}
		prev, prevName = *t.v, t.name
	}
	if c.AnsweredAt != nil && c.EndedAt != nil {
		c.Duration = int(c.EndedAt.Sub(*c.AnsweredAt).Round(time.Second) / time.Second)
	} else if c.Duration != 0 {
		return Invalid("duration", "must be 0 for a call that was not answered and ended (got %d)", c.Duration)
	}
	if c.Cost < 0 {
		return Invalid("cost", "must not be negative")
	}
	return nil
}

// String is for logs.
func (c *CDR) String() string { return fmt.Sprintf("cdr %s %s->%s", c.ID, c.Caller, c.Callee) }
