package client

import "time"

// RoutingExplanation is how a call to a user would be routed: the plan of
// the dialled user and of each user the call is forwarded to (hops).
type RoutingExplanation struct {
	Caller string    `json:"caller"`
	At     time.Time `json:"at"`
	Hops   []Hop     `json:"hops"`
}

// Hop is one user's part of a call's route.
type Hop struct {
	Extension string `json:"extension"`
	Plan      Plan   `json:"plan"`
}

// Plan is the forwarding decision for one user: the facts it rests on and
// the ordered steps.
type Plan struct {
	Facts Facts  `json:"facts"`
	Steps []Step `json:"steps"`
}

// Facts are what a forwarding decision rests on.
type Facts struct {
	LocalTime   string `json:"local_time"`
	OfficeHours bool   `json:"office_hours"`
	Holiday     string `json:"holiday"`
	Presence    string `json:"presence"`
	DND         bool   `json:"dnd"`
	Registered  bool   `json:"registered"`
	Busy        bool   `json:"busy"`
}

// Step is one step of a plan: Action RING, FORWARD, VOICEMAIL or REFUSE,
// the targets, and which setting and reason led to it.
type Step struct {
	Action          string   `json:"action"`
	Targets         []string `json:"targets"`
	Parallel        bool     `json:"parallel"`
	Timeout         int      `json:"timeout"`
	CallerID        string   `json:"caller_id"`
	RequireKeyPress bool     `json:"require_key_press"`
	// Status is the SIP status of a refusal.
	Status  int    `json:"status"`
	Setting string `json:"setting"`
	Reason  string `json:"reason"`
	// Refused are the step's outside numbers the call policy refuses.
	Refused []Refusal `json:"refused"`
}

// Refusal is an outside number a step may not dial, and why.
type Refusal struct {
	Target string `json:"target"`
	Reason string `json:"reason"`
}
