package client

// The nested settings of a user (and of a tenant's office hours). They
// serve answers and bodies alike: in a body, empty strings and zero
// numbers are left out, and the days of a week are pointers, so that a
// change sends only what is set.

// TimeRange is a span of one day, "HH:MM" to "HH:MM" (24:00 allowed as an
// end).
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// DayHours says whether a weekday has office hours, and which.
type DayHours struct {
	Enabled bool        `json:"enabled"`
	Ranges  []TimeRange `json:"ranges,omitzero"`
}

// WeekHours is a week of DayHours; a nil day is left out of a body (and
// keeps its value).
type WeekHours struct {
	Monday    *DayHours `json:"monday,omitempty"`
	Tuesday   *DayHours `json:"tuesday,omitempty"`
	Wednesday *DayHours `json:"wednesday,omitempty"`
	Thursday  *DayHours `json:"thursday,omitempty"`
	Friday    *DayHours `json:"friday,omitempty"`
	Saturday  *DayHours `json:"saturday,omitempty"`
	Sunday    *DayHours `json:"sunday,omitempty"`
}

// OfficeHours is a user's office hours: Mode GLOBAL follows the tenant's
// week, CUSTOM the user's own.
type OfficeHours struct {
	Mode string `json:"mode,omitempty"`
	WeekHours
}

// ForwardRule is one of the presence x office-hours forward rules. Action
// is RING_EXTENSION, FORWARD_TO_VOICEMAIL, FORWARD_TO_NUMBER (with
// Number), FORWARD_TO_MOBILE or HANG_UP.
type ForwardRule struct {
	Action string `json:"action,omitempty"`
	Number string `json:"number,omitempty"`
}

// NoAnswerForwardRule is a forward rule applied after ringing for Timeout
// seconds (5 to 600).
type NoAnswerForwardRule struct {
	Action  string `json:"action,omitempty"`
	Number  string `json:"number,omitempty"`
	Timeout int    `json:"timeout,omitempty"`
}

// CustomForwardRule forwards the calls of one caller ID during some hours:
// Type is ALL_HOURS, OFFICE_HOURS, NON_OFFICE_HOURS or SPECIFIC_HOURS
// (with Hours).
type CustomForwardRule struct {
	Action   string     `json:"action,omitempty"`
	Number   string     `json:"number,omitempty"`
	CallerID string     `json:"caller_id,omitempty"`
	Type     string     `json:"type,omitempty"`
	Hours    *WeekHours `json:"hours,omitempty"`
}

// CallRestrictions deny kinds of outbound calls (INHERIT or DENY each).
type CallRestrictions struct {
	Internal      string `json:"internal,omitempty"`
	Domestic      string `json:"domestic,omitempty"`
	International string `json:"international,omitempty"`
}

// BLF is one busy-lamp-field key of the user's phones.
type BLF struct {
	Key       string `json:"key,omitempty"`
	Value     string `json:"value,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

// OutboundCallerID is a caller ID the user (or a group's members) may
// present on outbound calls; the Preferred one comes first.
type OutboundCallerID struct {
	ProviderID  string `json:"provider_id,omitempty"`
	CallerID    string `json:"caller_id,omitempty"`
	Preferred   bool   `json:"preferred"`
	Description string `json:"description,omitempty"`
}

// FollowMe rings other numbers too: Strategy RING_ALL, HUNT or
// MEMORY_HUNT, CallerID REMOTE or LOCAL.
type FollowMe struct {
	Enabled         bool     `json:"enabled"`
	Numbers         []string `json:"numbers"`
	Strategy        string   `json:"strategy"`
	InitialRingTime int      `json:"initial_ring_time"`
	RingTime        int      `json:"ring_time"`
	DirectCallsOnly bool     `json:"direct_calls_only"`
	CallerID        string   `json:"caller_id"`
}

// FollowMeUpdate is FollowMe in a body: only the members set are sent.
type FollowMeUpdate struct {
	Enabled         *bool    `json:"enabled,omitempty"`
	Numbers         []string `json:"numbers,omitzero"`
	Strategy        *string  `json:"strategy,omitempty"`
	InitialRingTime *int     `json:"initial_ring_time,omitempty"`
	RingTime        *int     `json:"ring_time,omitempty"`
	DirectCallsOnly *bool    `json:"direct_calls_only,omitempty"`
	CallerID        *string  `json:"caller_id,omitempty"`
}
