// Package routing decides what happens to a call to a user: a pure
// function of the callee's settings, presence, devices and calls in
// progress, the time in the tenant's time zone, the holidays and the
// caller. It does no I/O; the API explains its plans and the SIP proxy
// carries them out.
//
// Precedence (first that applies wins; README "Call routing"):
//
//  1. a custom forward rule whose caller ID matches the caller and whose
//     hours match now (in list order);
//  2. do not disturb (enable_dnd, or presence DO_NOT_DISTURB): the dnd rule;
//  3. no registered device: the network unavailability number when set
//     (then the no-answer rule), else the offline rule;
//  4. busy (a call in progress and call waiting off): the busy rule;
//  5. the presence rule (available, away, lunch, business trip).
//
// Each of those rules is taken in its office-hours or non-office-hours
// form; a holiday (the user's own, or an observed tenant holiday) counts as
// non-office hours. A rule whose action is RING_EXTENSION rings the user:
// Follow Me when enabled, else every registered device together for the
// no-answer timeout, then the no-answer rule (busy_no_answer when busy).
package routing

import (
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Callee is what the decision needs of the called user.
type Callee struct {
	Extension   string
	MobilePhone string
	// OwnNumber is shown as caller ID on forwards that do not keep the
	// original caller ID (the preferred outbound caller ID, else the
	// extension).
	OwnNumber string
	Presence  string
	Settings  model.UserSettings
	// Contacts are the registered devices' contact addresses.
	Contacts []string
	// ActiveCalls is the number of calls the user is on now.
	ActiveCalls int
	// FollowMeLast is the index of the Follow Me number that answered the
	// last call (-1: none), for MEMORY_HUNT.
	FollowMeLast int
	// Holidays are the user's own holidays and the tenant holidays they
	// observe.
	Holidays []model.Holiday
}

// Call is the call being routed.
type Call struct {
	From     string    // the caller's number or extension
	Internal bool      // from another extension of the tenant
	Direct   bool      // dialled the user (not through a ring group or queue)
	At       time.Time // when
}

// Env is the tenant's context.
type Env struct {
	Location    *time.Location  // the tenant's time zone
	TenantHours model.WeekHours // the office hours of office_hours.mode GLOBAL
}

// Step actions.
const (
	ActRing      = "RING"      // ring Targets (devices or numbers)
	ActForward   = "FORWARD"   // send the call to Targets[0]; the plan ends there
	ActVoicemail = "VOICEMAIL" // the user's mailbox; the plan ends there
	ActRefuse    = "REFUSE"    // refuse with Status and Reason
)

// Step is one step of a plan.
type Step struct {
	Action string `json:"action" enum:"RING,FORWARD,VOICEMAIL,REFUSE"`
	// Targets are contact addresses (devices), extensions or numbers.
	Targets []string `json:"targets,omitempty"`
	// Parallel rings the targets together; otherwise one after another,
	// each for Timeout seconds.
	Parallel bool `json:"parallel,omitempty"`
	// Timeout is how long the step rings before the next step, in seconds.
	Timeout         int    `json:"timeout,omitempty"`
	CallerID        string `json:"caller_id,omitempty"`
	RequireKeyPress bool   `json:"require_key_press,omitempty"`
	Status          int    `json:"status,omitempty" doc:"SIP status of a refusal"`
	Reason          string `json:"reason,omitempty"`
	// Setting names the setting that produced the step.
	Setting string `json:"setting"`
	// Refused are the outside numbers of the step the call policy
	// refuses (checked when the call is placed); a step left without
	// targets is skipped.
	Refused []Refusal `json:"refused,omitempty"`
}

// Refusal is an outside number a step may not dial, and why.
type Refusal struct {
	Target string `json:"target"`
	Reason string `json:"reason"`
}

// Facts are what the decision found out about now.
type Facts struct {
	LocalTime   string `json:"local_time"`
	OfficeHours bool   `json:"office_hours"`
	Holiday     string `json:"holiday,omitempty"`
	Presence    string `json:"presence"`
	DND         bool   `json:"dnd"`
	Registered  bool   `json:"registered"`
	Busy        bool   `json:"busy"`
}

// Plan is the decision: steps in order, and the facts behind them.
type Plan struct {
	Steps []Step `json:"steps"`
	Facts Facts  `json:"facts"`
}

// MaxSteps bounds a plan of one user.
const MaxSteps = 6

// Decide returns the plan for call to callee.
func Decide(c *Callee, call Call, env Env) Plan {
	loc := env.Location
	if loc == nil {
		loc = time.UTC
	}
	now := call.At.In(loc)
	s := &c.Settings
	week := &env.TenantHours
	if s.OfficeHours.Mode == "CUSTOM" {
		week = &s.OfficeHours.WeekHours
	}
	f := Facts{LocalTime: now.Format("Mon 2006-01-02 15:04 MST"), Presence: c.Presence, Registered: len(c.Contacts) > 0,
		DND: s.EnableDND || c.Presence == model.PresenceDND}
	if f.Presence == "" {
		f.Presence = model.PresenceAvailable
	}
	if h := holidayAt(c.Holidays, now); h != "" {
		f.Holiday = h
	} else {
		f.OfficeHours = InHours(week, now)
	}
	f.Busy = c.ActiveCalls > 0 && !s.EnableCallWaiting
	d := decider{c: c, call: call, f: f}
	steps := d.decide()
	if len(steps) > MaxSteps {
		steps = steps[:MaxSteps]
	}
	return Plan{Steps: steps, Facts: f}
}

type decider struct {
	c    *Callee
	call Call
	f    Facts
}

// pick returns the office-hours or non-office-hours form of a rule.
func (d *decider) pick(office, nonOffice model.ForwardRule, name string) (model.ForwardRule, string) {
	if d.f.OfficeHours {
		return office, name + "_office_hours_forward_rule"
	}
	return nonOffice, name + "_non_office_hours_forward_rule"
}

func (d *decider) decide() []Step {
	s := &d.c.Settings
	r := &s.ForwardRules
	for i, cr := range s.CustomForwardRules {
		if d.customMatches(&cr) {
			return d.action(cr.Action, cr.Number, fmt.Sprintf("custom_forward_rules[%d]", i))
		}
	}
	if d.f.DND {
		rule, name := d.pick(r.DNDOfficeHours, r.DNDNonOfficeHours, "dnd")
		return d.action(rule.Action, rule.Number, name)
	}
	if !d.f.Registered {
		if n := s.NetworkUnavailableNumber; n != "" && (!s.NetworkUnavailableDirect || d.call.Direct || d.call.Internal) {
			ring := Step{Action: ActRing, Targets: []string{n}, Timeout: orDefault(s.NetworkUnavailableRingTime, 30),
				CallerID: d.forwardCallerID(), RequireKeyPress: s.RequireKeyPress, Setting: "network_unavailable_number"}
			return append([]Step{ring}, d.noAnswer(false)...)
		}
		rule, name := d.pick(r.OfflineOfficeHours, r.OfflineNonOfficeHours, "offline")
		return d.action(rule.Action, rule.Number, name)
	}
	if d.f.Busy {
		rule, name := d.pick(r.BusyOfficeHours, r.BusyNonOfficeHours, "busy")
		return d.action(rule.Action, rule.Number, name)
	}
	var rule model.ForwardRule
	var name string
	switch d.f.Presence {
	case model.PresenceAway:
		rule, name = d.pick(r.AwayOfficeHours, r.AwayNonOfficeHours, "away")
	case model.PresenceLunch:
		rule, name = d.pick(r.LunchOfficeHours, r.LunchNonOfficeHours, "lunch")
	case model.PresenceBusinessTrip:
		rule, name = d.pick(r.TripOfficeHours, r.TripNonOfficeHours, "trip")
	default:
		rule, name = d.pick(r.AvailableOfficeHours, r.AvailableNonOfficeHours, "available")
	}
	return d.action(rule.Action, rule.Number, name)
}

// customMatches tells whether a custom rule applies to this call now.
func (d *decider) customMatches(cr *model.CustomForwardRule) bool {
	if digits(cr.CallerID) == "" || digits(cr.CallerID) != digits(d.call.From) {
		return false
	}
	switch cr.Type {
	case "OFFICE_HOURS":
		return d.f.OfficeHours
	case "NON_OFFICE_HOURS":
		return !d.f.OfficeHours
	case "SPECIFIC_HOURS":
		return cr.Hours != nil && InHours(cr.Hours, d.call.At)
	}
	return true // ALL_HOURS
}

// action turns a rule's action into steps.
func (d *decider) action(action, number, setting string) []Step {
	s := &d.c.Settings
	switch action {
	case "FORWARD_TO_VOICEMAIL":
		return []Step{{Action: ActVoicemail, Setting: setting}}
	case "FORWARD_TO_NUMBER":
		return []Step{d.forward(number, setting)}
	case "FORWARD_TO_MOBILE":
		if d.c.MobilePhone == "" {
			return []Step{{Action: ActVoicemail, Setting: setting, Reason: "no mobile_phone is set"}}
		}
		return []Step{d.forward(d.c.MobilePhone, setting)}
	case "HANG_UP":
		return []Step{{Action: ActRefuse, Status: 603, Reason: "Decline", Setting: setting}}
	}
	// RING_EXTENSION
	var steps []Step
	busy := d.f.Busy
	fm := &s.FollowMe
	followMe := fm.Enabled && len(fm.Numbers) > 0 && (!fm.DirectCallsOnly || d.call.Direct)
	if followMe {
		if fm.InitialRingTime > 0 && d.f.Registered && !busy {
			steps = append(steps, Step{Action: ActRing, Targets: d.c.Contacts, Parallel: true, Timeout: fm.InitialRingTime,
				Setting: "follow_me.initial_ring_time"})
		}
		callerID := d.call.From
		if fm.CallerID == "LOCAL" {
			callerID = d.c.OwnNumber
		}
		ring := Step{Action: ActRing, Timeout: orDefault(fm.RingTime, 20), CallerID: callerID, RequireKeyPress: s.RequireKeyPress,
			Setting: "follow_me"}
		switch fm.Strategy {
		case "HUNT":
			ring.Targets = append([]string(nil), fm.Numbers...)
		case "MEMORY_HUNT":
			ring.Targets = rotate(fm.Numbers, d.c.FollowMeLast+1)
		default: // RING_ALL
			ring.Targets, ring.Parallel = append([]string(nil), fm.Numbers...), true
			// Simultaneous ring: with no initial ring time the user's own
			// phones ring along with the numbers, not before them.
			if fm.InitialRingTime == 0 && d.f.Registered && !busy {
				ring.Targets = append(append([]string(nil), d.c.Contacts...), fm.Numbers...)
				ring.Setting = "follow_me (simultaneous ring)"
			}
		}
		steps = append(steps, ring)
	} else if d.f.Registered && !busy {
		rule := s.AvailableNoAnswer
		steps = append(steps, Step{Action: ActRing, Targets: d.c.Contacts, Parallel: true, Timeout: orDefault(rule.Timeout, 30),
			Setting: setting})
	}
	return append(steps, d.noAnswer(busy)...)
}

// noAnswer is the no-answer rule's step: busy_no_answer when busy.
func (d *decider) noAnswer(busy bool) []Step {
	r := &d.c.Settings.ForwardRules
	rule, name := r.AvailableNoAnswer, "available_no_answer_forward_rule"
	if busy {
		rule, name = r.BusyNoAnswer, "busy_no_answer_forward_rule"
	}
	if rule.Action == "RING_EXTENSION" || rule.Action == "" {
		status, reason := 480, "Temporarily Unavailable"
		if busy {
			status, reason = 486, "Busy Here"
		}
		return []Step{{Action: ActRefuse, Status: status, Reason: reason, Setting: name}}
	}
	// A no-answer rule never rings the user again: its action is final.
	return d.action(rule.Action, rule.Number, name)
}

func (d *decider) forward(number, setting string) Step {
	st := Step{Action: ActForward, Targets: []string{number}, CallerID: d.forwardCallerID(), Setting: setting}
	// Only calls leaving for an outside number may need a key press.
	st.RequireKeyPress = d.c.Settings.RequireKeyPress && !IsExtensionLike(number)
	return st
}

func (d *decider) forwardCallerID() string {
	if d.c.Settings.KeepOriginalCallerID {
		return d.call.From
	}
	return d.c.OwnNumber
}

func rotate(list []string, start int) []string {
	out := make([]string, 0, len(list))
	if len(list) == 0 {
		return out
	}
	start = ((start % len(list)) + len(list)) % len(list)
	for i := range list {
		out = append(out, list[(start+i)%len(list)])
	}
	return out
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// digits keeps the digits of a number (and a leading +).
func digits(n string) string {
	var b strings.Builder
	for i, r := range n {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IsExtensionLike tells whether a number looks like an extension (up to
// six digits, no +): the proxy resolves it among the tenant's users.
func IsExtensionLike(n string) bool {
	if n == "" || len(n) > 6 {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// InHours tells whether t (already in the right time zone) falls in week.
func InHours(week *model.WeekHours, t time.Time) bool {
	days := week.Days() // Monday first
	day := days[(int(t.Weekday())+6)%7].Day
	if !day.Enabled {
		return false
	}
	hm := t.Format("15:04")
	for _, r := range day.Ranges {
		if hm >= r.From && hm < r.To {
			return true
		}
	}
	return false
}

// holidayAt returns the name of the first holiday covering t, or "".
func holidayAt(hs []model.Holiday, t time.Time) string {
	for i := range hs {
		if HolidayCovers(&hs[i], t) {
			return hs[i].Name
		}
	}
	return ""
}

// HolidayCovers tells whether holiday h covers t (in the tenant's zone).
// A consecutive holiday runs from its start date and time to its end date
// and time; otherwise it covers the start to end times of each day from the
// start date to the end date. Every-year holidays repeat from year_start to
// year_end. The end minute is included.
func HolidayCovers(h *model.Holiday, t time.Time) bool {
	year := h.YearStart
	if h.EveryYear {
		if t.Year() < h.YearStart || t.Year() > h.YearEnd {
			return false
		}
		year = t.Year()
	}
	endYear := h.YearEnd
	if h.EveryYear {
		endYear = year
	}
	loc := t.Location()
	startDay := time.Date(year, time.Month(h.MonthStart), h.DayStart, 0, 0, 0, 0, loc)
	endDay := time.Date(endYear, time.Month(h.MonthEnd), h.DayEnd, 0, 0, 0, 0, loc)
	if h.Consecutive {
		start := startDay.Add(time.Duration(h.HourStart)*time.Hour + time.Duration(h.MinuteStart)*time.Minute)
		end := endDay.Add(time.Duration(h.HourEnd)*time.Hour + time.Duration(h.MinuteEnd+1)*time.Minute)
		return !t.Before(start) && t.Before(end)
	}
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	if today.Before(startDay) || today.After(endDay) {
		return false
	}
	mins := t.Hour()*60 + t.Minute()
	return mins >= h.HourStart*60+h.MinuteStart && mins <= h.HourEnd*60+h.MinuteEnd
}

// Digits keeps the digits of a number (and a leading +), as the routing
// compares numbers.
func Digits(n string) string { return digits(n) }
