package routing

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/dialplan"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

var paris, _ = time.LoadLocation("Europe/Paris")

// Tuesday 2026-11-24 10:00 in Paris is office hours; 20:00 is not.
var (
	office    = time.Date(2026, 11, 24, 10, 0, 0, 0, paris)
	nonOffice = time.Date(2026, 11, 24, 20, 0, 0, 0, paris)
)

// callee is user 201 with a new user's defaults and one registered phone.
func callee(edit func(c *Callee)) *Callee {
	u := &model.User{Name: "alice", ExtensionNumber: "201"}
	model.PresetCallHandling(&u.CallHandling)
	model.ApplyUserDefaults(u)
	c := &Callee{Extension: "201", OwnNumber: "+33100000201", Presence: model.PresenceAvailable, Settings: u.UserSettings,
		Contacts: []string{"sip:201@192.0.2.1:5060"}, FollowMeLast: -1}
	if edit != nil {
		edit(c)
	}
	return c
}

func env() Env {
	u := &model.User{}
	model.ApplyUserDefaults(u) // Monday-Friday 09:00-17:00
	return Env{Location: paris, TenantHours: u.OfficeHours.WeekHours}
}

// summary renders a plan compactly: ACTION[targets]/timeout@setting, ...
func summary(p Plan) string {
	var parts []string
	for _, s := range p.Steps {
		x := s.Action
		if len(s.Targets) > 0 {
			x += "[" + strings.Join(s.Targets, " ") + "]"
		}
		if s.Timeout > 0 {
			x += fmt.Sprintf("/%d", s.Timeout)
		}
		if s.Status > 0 {
			x += fmt.Sprintf("(%d)", s.Status)
		}
		parts = append(parts, x+"@"+s.Setting)
	}
	return strings.Join(parts, ", ")
}

func fr(action, number string) model.ForwardRule {
	return model.ForwardRule{Action: action, Number: number}
}

func TestDecide(t *testing.T) {
	call := Call{From: "+14155550100", At: office, Direct: true}
	after := Call{From: "+14155550100", At: nonOffice, Direct: true}
	phone := "sip:201@192.0.2.1:5060"
	cases := []struct {
		name string
		c    *Callee
		call Call
		env  Env
		want string
	}{
		{"available, office hours: ring, then voicemail", callee(nil), call, env(),
			"RING[" + phone + "]/30@available_office_hours_forward_rule, VOICEMAIL@available_no_answer_forward_rule"},
		{"available, non-office hours rule", callee(func(c *Callee) { c.Settings.AvailableNonOfficeHours = fr("FORWARD_TO_NUMBER", "+33600000000") }), after, env(),
			"FORWARD[+33600000000]@available_non_office_hours_forward_rule"},
		{"no-answer timeout and action", callee(func(c *Callee) {
			c.Settings.AvailableNoAnswer = model.NoAnswerForwardRule{Action: "FORWARD_TO_NUMBER", Number: "202", Timeout: 15}
		}), call, env(), "RING[" + phone + "]/15@available_office_hours_forward_rule, FORWARD[202]@available_no_answer_forward_rule"},
		{"no-answer ring again means give up", callee(func(c *Callee) { c.Settings.AvailableNoAnswer.Action = "RING_EXTENSION" }), call, env(),
			"RING[" + phone + "]/30@available_office_hours_forward_rule, REFUSE(480)@available_no_answer_forward_rule"},
		{"away", callee(func(c *Callee) {
			c.Presence = model.PresenceAway
			c.Settings.AwayOfficeHours = fr("FORWARD_TO_VOICEMAIL", "")
		}), call, env(),
			"VOICEMAIL@away_office_hours_forward_rule"},
		{"lunch", callee(func(c *Callee) { c.Presence = model.PresenceLunch; c.Settings.LunchNonOfficeHours = fr("HANG_UP", "") }), after, env(),
			"REFUSE(603)@lunch_non_office_hours_forward_rule"},
		{"business trip to mobile", callee(func(c *Callee) {
			c.Presence, c.MobilePhone = model.PresenceBusinessTrip, "+33611111111"
			c.Settings.TripOfficeHours = fr("FORWARD_TO_MOBILE", "")
		}), call, env(), "FORWARD[+33611111111]@trip_office_hours_forward_rule"},
		{"mobile without a number falls to voicemail", callee(func(c *Callee) {
			c.Presence = model.PresenceBusinessTrip
			c.Settings.TripOfficeHours = fr("FORWARD_TO_MOBILE", "")
		}), call, env(), "VOICEMAIL@trip_office_hours_forward_rule"},
		{"DND by flag", callee(func(c *Callee) { c.Settings.EnableDND = true }), call, env(), "VOICEMAIL@dnd_office_hours_forward_rule"},
		{"DND by presence, non-office", callee(func(c *Callee) {
			c.Presence = model.PresenceDND
			c.Settings.DNDNonOfficeHours = fr("FORWARD_TO_NUMBER", "203")
		}), after, env(), "FORWARD[203]@dnd_non_office_hours_forward_rule"},
		{"offline: the offline rule", callee(func(c *Callee) { c.Contacts = nil }), call, env(), "VOICEMAIL@offline_office_hours_forward_rule"},
		{"offline ringing: follow me still rings numbers", callee(func(c *Callee) {
			c.Contacts = nil
			c.Settings.OfflineOfficeHours = fr("RING_EXTENSION", "")
			c.Settings.FollowMe = model.FollowMe{Enabled: true, Numbers: []string{"+33622222222"}, Strategy: "RING_ALL", RingTime: 25, CallerID: "REMOTE"}
		}), call, env(), "RING[+33622222222]/25@follow_me, VOICEMAIL@available_no_answer_forward_rule"},
		{"network unavailability number", callee(func(c *Callee) {
			c.Contacts = nil
			c.Settings.NetworkUnavailableNumber, c.Settings.NetworkUnavailableRingTime = "+33633333333", 40
		}), call, env(), "RING[+33633333333]/40@network_unavailable_number, VOICEMAIL@available_no_answer_forward_rule"},
		{"network unavailability for direct calls only", callee(func(c *Callee) {
			c.Contacts = nil
			c.Settings.NetworkUnavailableNumber, c.Settings.NetworkUnavailableDirect = "+33633333333", true
		}), Call{From: "+14155550100", At: office}, env(), "VOICEMAIL@offline_office_hours_forward_rule"},
		{"busy without call waiting", callee(func(c *Callee) { c.ActiveCalls, c.Settings.EnableCallWaiting = 1, false }), call, env(),
			"VOICEMAIL@busy_office_hours_forward_rule"},
		{"busy, busy rule rings: straight to busy no-answer", callee(func(c *Callee) {
			c.ActiveCalls, c.Settings.EnableCallWaiting = 1, false
			c.Settings.BusyOfficeHours = fr("RING_EXTENSION", "")
			c.Settings.BusyNoAnswer = model.NoAnswerForwardRule{Action: "RING_EXTENSION", Timeout: 20}
		}), call, env(), "REFUSE(486)@busy_no_answer_forward_rule"},
		{"on a call with call waiting: rings", callee(func(c *Callee) { c.ActiveCalls = 1 }), call, env(),
			"RING[" + phone + "]/30@available_office_hours_forward_rule, VOICEMAIL@available_no_answer_forward_rule"},
		{"custom rule for one caller beats DND", callee(func(c *Callee) {
			c.Settings.EnableDND = true
			c.Settings.CustomForwardRules = []model.CustomForwardRule{{Action: "FORWARD_TO_NUMBER", Number: "+33644444444", CallerID: "+1 (415) 555-0100", Type: "ALL_HOURS"}}
		}), call, env(), "FORWARD[+33644444444]@custom_forward_rules[0]"},
		{"custom rule for another caller is skipped", callee(func(c *Callee) {
			c.Settings.CustomForwardRules = []model.CustomForwardRule{{Action: "HANG_UP", CallerID: "666", Type: "ALL_HOURS"}}
		}), call, env(), "RING[" + phone + "]/30@available_office_hours_forward_rule, VOICEMAIL@available_no_answer_forward_rule"},
		{"custom office-hours rule outside office hours is skipped", callee(func(c *Callee) {
			c.Settings.CustomForwardRules = []model.CustomForwardRule{{Action: "HANG_UP", CallerID: "+14155550100", Type: "OFFICE_HOURS"}}
		}), after, env(), "RING[" + phone + "]/30@available_non_office_hours_forward_rule, VOICEMAIL@available_no_answer_forward_rule"},
		{"custom non-office rule at night", callee(func(c *Callee) {
			c.Settings.CustomForwardRules = []model.CustomForwardRule{{Action: "HANG_UP", CallerID: "+14155550100", Type: "NON_OFFICE_HOURS"}}
		}), after, env(), "REFUSE(603)@custom_forward_rules[0]"},
		{"custom specific hours", callee(func(c *Callee) {
			w := model.WeekHours{Tuesday: model.DayHours{Enabled: true, Ranges: []model.TimeRange{{From: "09:30", To: "10:30"}}}}
			c.Settings.CustomForwardRules = []model.CustomForwardRule{{Action: "FORWARD_TO_VOICEMAIL", CallerID: "+14155550100", Type: "SPECIFIC_HOURS", Hours: &w}}
		}), call, env(), "VOICEMAIL@custom_forward_rules[0]"},
		{"holiday counts as non-office hours", callee(func(c *Callee) {
			c.Settings.AvailableNonOfficeHours = fr("FORWARD_TO_VOICEMAIL", "")
			c.Holidays = []model.Holiday{{Name: "Strike day", Consecutive: true, YearStart: 2026, YearEnd: 2026, MonthStart: 11, MonthEnd: 11,
				DayStart: 24, DayEnd: 24, HourEnd: 23, MinuteEnd: 59}}
		}), call, env(), "VOICEMAIL@available_non_office_hours_forward_rule"},
		{"custom office hours", callee(func(c *Callee) {
			c.Settings.OfficeHours = model.OfficeHours{Mode: "CUSTOM", WeekHours: model.WeekHours{Tuesday: model.DayHours{Enabled: true, Ranges: []model.TimeRange{{From: "18:00", To: "22:00"}}}}}
			c.Settings.AvailableOfficeHours = fr("FORWARD_TO_NUMBER", "204")
		}), after, env(), "FORWARD[204]@available_office_hours_forward_rule"},
		{"follow me ring all after the desk phone", callee(func(c *Callee) {
			c.Settings.FollowMe = model.FollowMe{Enabled: true, InitialRingTime: 10, Numbers: []string{"+331", "+332"}, Strategy: "RING_ALL", RingTime: 20, CallerID: "LOCAL"}
		}), call, env(), "RING[" + phone + "]/10@follow_me.initial_ring_time, RING[+331 +332]/20@follow_me, VOICEMAIL@available_no_answer_forward_rule"},
		{"simultaneous ring: phones and numbers together", callee(func(c *Callee) {
			c.Settings.FollowMe = model.FollowMe{Enabled: true, Numbers: []string{"+331"}, Strategy: "RING_ALL", RingTime: 25, CallerID: "REMOTE"}
		}), call, env(), "RING[" + phone + " +331]/25@follow_me (simultaneous ring), VOICEMAIL@available_no_answer_forward_rule"},
		{"simultaneous ring without a registered phone rings the numbers", callee(func(c *Callee) {
			c.Settings.FollowMe = model.FollowMe{Enabled: true, Numbers: []string{"+331"}, Strategy: "RING_ALL", RingTime: 25, CallerID: "REMOTE"}
			c.Contacts, c.Settings.OfflineOfficeHours = nil, fr("RING_EXTENSION", "")
		}), call, env(), "RING[+331]/25@follow_me, VOICEMAIL@available_no_answer_forward_rule"},
		{"follow me hunt", callee(func(c *Callee) {
			c.Settings.FollowMe = model.FollowMe{Enabled: true, Numbers: []string{"+331", "+332", "+333"}, Strategy: "HUNT", RingTime: 15, CallerID: "REMOTE"}
		}), call, env(), "RING[+331 +332 +333]/15@follow_me, VOICEMAIL@available_no_answer_forward_rule"},
		{"follow me memory hunt starts after the last answer", callee(func(c *Callee) {
			c.FollowMeLast = 1
			c.Settings.FollowMe = model.FollowMe{Enabled: true, Numbers: []string{"+331", "+332", "+333"}, Strategy: "MEMORY_HUNT", RingTime: 15, CallerID: "REMOTE"}
		}), call, env(), "RING[+333 +331 +332]/15@follow_me, VOICEMAIL@available_no_answer_forward_rule"},
		{"follow me for direct calls only, call from a queue", callee(func(c *Callee) {
			c.Settings.FollowMe = model.FollowMe{Enabled: true, Numbers: []string{"+331"}, Strategy: "RING_ALL", RingTime: 15, DirectCallsOnly: true}
		}), Call{From: "+14155550100", At: office}, env(), "RING[" + phone + "]/30@available_office_hours_forward_rule, VOICEMAIL@available_no_answer_forward_rule"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := summary(Decide(tc.c, tc.call, tc.env)); got != tc.want {
				t.Fatalf("plan\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestCallerIDAndKeyPress(t *testing.T) {
	call := Call{From: "+14155550100", At: office, Direct: true}
	c := callee(func(c *Callee) { c.Settings.AvailableOfficeHours = fr("FORWARD_TO_NUMBER", "+33600000000") })
	if s := Decide(c, call, env()).Steps[0]; s.CallerID != "+14155550100" || s.RequireKeyPress {
		t.Fatalf("default forward: %+v", s)
	}
	c.Settings.KeepOriginalCallerID, c.Settings.RequireKeyPress = false, true
	if s := Decide(c, call, env()).Steps[0]; s.CallerID != "+33100000201" || !s.RequireKeyPress {
		t.Fatalf("own caller ID and key press: %+v", s)
	}
	c.Settings.AvailableOfficeHours = fr("FORWARD_TO_NUMBER", "202")
	if s := Decide(c, call, env()).Steps[0]; s.RequireKeyPress {
		t.Fatalf("a forward to an extension needs no key press: %+v", s)
	}
	c.Settings.AvailableOfficeHours = fr("RING_EXTENSION", "")
	c.Settings.FollowMe = model.FollowMe{Enabled: true, Numbers: []string{"+331"}, Strategy: "RING_ALL", RingTime: 15, CallerID: "LOCAL"}
	if s := Decide(c, call, env()).Steps[0]; s.CallerID != "+33100000201" || !s.RequireKeyPress {
		t.Fatalf("follow me LOCAL: %+v", s)
	}
}

func TestHolidayCovers(t *testing.T) {
	h := model.Holiday{Name: "x", Consecutive: false, YearStart: 2026, YearEnd: 2026, MonthStart: 12, MonthEnd: 12, DayStart: 24, DayEnd: 26,
		HourStart: 12, MinuteStart: 0, HourEnd: 14, MinuteEnd: 30}
	at := func(d, hh, mm int) time.Time { return time.Date(2026, 12, d, hh, mm, 0, 0, paris) }
	for _, c := range []struct {
		t    time.Time
		want bool
	}{{at(24, 12, 0), true}, {at(25, 14, 30), true}, {at(25, 14, 31), false}, {at(25, 11, 59), false}, {at(27, 13, 0), false}, {at(23, 13, 0), false}} {
		if got := HolidayCovers(&h, c.t); got != c.want {
			t.Errorf("daily %v: %v", c.t, got)
		}
	}
	h.Consecutive = true // 24th 12:00 to 26th 14:30, nights included
	for _, c := range []struct {
		t    time.Time
		want bool
	}{{at(24, 11, 59), false}, {at(24, 23, 0), true}, {at(25, 3, 0), true}, {at(26, 14, 30), true}, {at(26, 14, 31), false}} {
		if got := HolidayCovers(&h, c.t); got != c.want {
			t.Errorf("consecutive %v: %v", c.t, got)
		}
	}
	yearly := model.Holiday{Name: "May Day", Consecutive: true, EveryYear: true, YearStart: 2020, YearEnd: 2030, MonthStart: 5, MonthEnd: 5,
		DayStart: 1, DayEnd: 1, HourEnd: 23, MinuteEnd: 59}
	if !HolidayCovers(&yearly, time.Date(2027, 5, 1, 9, 0, 0, 0, paris)) || HolidayCovers(&yearly, time.Date(2031, 5, 1, 9, 0, 0, 0, paris)) {
		t.Error("every year")
	}
}

func TestOutbound(t *testing.T) {
	fr := dialplan.Tenant{CountryCode: "33"}
	domestic, international := dialplan.Classify("0123456789", fr), dialplan.Classify("+14155552671", fr)
	ClassDomestic, ClassInternational := domestic, international
	std := Policies{Internal: true, Domestic: true}
	inherit := model.CallRestrictions{Internal: "INHERIT", Domestic: "INHERIT", International: "INHERIT"}
	if ok, _, _ := Outbound(std, inherit, ClassDomestic); !ok {
		t.Error("domestic for a standard user")
	}
	if ok, st, reason := Outbound(std, inherit, ClassInternational); ok || st != 403 || !strings.Contains(reason, "role") {
		t.Errorf("international for a standard user: %v %d %s", ok, st, reason)
	}
	deny := inherit
	deny.Domestic = "DENY"
	if ok, _, reason := Outbound(std, deny, ClassDomestic); ok || !strings.Contains(reason, "restricted") {
		t.Errorf("denied domestic: %s", reason)
	}
	if ok, _, _ := Outbound(Policies{Internal: true, Domestic: true, International: true}, deny, ClassInternational); !ok {
		t.Error("international allowed by role, inherited")
	}
	all := model.CallRestrictions{Internal: "DENY", Domestic: "DENY", International: "DENY"}
	if ok, _, _ := Outbound(Policies{}, all, dialplan.Classify("112", fr)); !ok {
		t.Error("emergency refused")
	}
	sat := dialplan.Classify("+88213100000", fr)
	if ok, _, reason := Outbound(Policies{Domestic: true, International: true}, inherit, sat); ok || !strings.Contains(reason, "+882") {
		t.Errorf("high-risk allowed: %s", reason)
	}
	if ok, _, _ := Outbound(Policies{Domestic: true, International: true, HighRisk: true}, inherit, sat); !ok {
		t.Error("high-risk refused though the tenant allows it")
	}
	if ok, _, _ := Outbound(Policies{Domestic: true, HighRisk: true}, inherit, sat); ok {
		t.Error("high-risk abroad allowed without international calls")
	}
	if ok, _, _ := Outbound(Policies{Domestic: true, International: true}, inherit, dialplan.Classify("%252B44", fr)); ok {
		t.Error("unclassifiable allowed")
	}
}

// TestResolveEnds is a property test: with random users forwarding to
// each other in random ways, every resolution ends within MaxHops users
// and MaxSteps steps each, never visits a user twice, and ends with a step
// that ends a call (voicemail, a refusal, a forward out, or ringing that
// gives up to one of those).
func TestResolveEnds(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	actions := model.ForwardActions
	for round := 0; round < 2000; round++ {
		n := 2 + rng.Intn(6)
		users := map[string]*Callee{}
		for i := 0; i < n; i++ {
			ext := fmt.Sprintf("%d", 200+i)
			target := func() string {
				if rng.Intn(4) == 0 {
					return "+3360000000" + fmt.Sprint(rng.Intn(10))
				}
				return fmt.Sprintf("%d", 200+rng.Intn(n+1)) // sometimes a missing user
			}
			rule := func() model.ForwardRule {
				a := actions[rng.Intn(len(actions))]
				if a == "FORWARD_TO_NUMBER" {
					return fr(a, target())
				}
				return fr(a, "")
			}
			users[ext] = callee(func(c *Callee) {
				c.Extension = ext
				s := &c.Settings
				for _, r := range []*model.ForwardRule{&s.AvailableOfficeHours, &s.AvailableNonOfficeHours, &s.BusyOfficeHours, &s.DNDOfficeHours,
					&s.OfflineOfficeHours, &s.AwayOfficeHours} {
					*r = rule()
				}
				na := rule()
				s.AvailableNoAnswer = model.NoAnswerForwardRule{Action: na.Action, Number: na.Number, Timeout: 5 + rng.Intn(30)}
				s.EnableDND = rng.Intn(4) == 0
				if rng.Intn(3) == 0 {
					c.Contacts = nil
				}
				c.ActiveCalls = rng.Intn(2)
				s.EnableCallWaiting = rng.Intn(2) == 0
			})
		}
		lookup := func(ext string) *Callee { return users[ext] }
		hops := Resolve(users["200"], Call{From: "+14155550100", At: office, Direct: true}, env(), lookup)
		if len(hops) == 0 || len(hops) > MaxHops {
			t.Fatalf("round %d: %d hops", round, len(hops))
		}
		seen := map[string]bool{}
		for _, h := range hops {
			if seen[h.Extension] {
				t.Fatalf("round %d: %s visited twice", round, h.Extension)
			}
			seen[h.Extension] = true
			if len(h.Plan.Steps) == 0 || len(h.Plan.Steps) > MaxSteps {
				t.Fatalf("round %d: plan of %d steps", round, len(h.Plan.Steps))
			}
			for _, s := range h.Plan.Steps[:len(h.Plan.Steps)-1] {
				if s.Action != ActRing {
					t.Fatalf("round %d: %s before the last step", round, s.Action)
				}
			}
		}
		last := hops[len(hops)-1].Plan.Steps
		end := last[len(last)-1]
		switch end.Action {
		case ActVoicemail, ActRefuse:
		case ActForward:
			if u := users[end.Targets[0]]; u != nil {
				t.Fatalf("round %d: ends forwarding to user %s unresolved", round, end.Targets[0])
			}
		default:
			t.Fatalf("round %d: ends with %s", round, end.Action)
		}
	}
}

func TestResolveLoopAndChain(t *testing.T) {
	users := map[string]*Callee{
		"201": callee(func(c *Callee) { c.Settings.AvailableOfficeHours = fr("FORWARD_TO_NUMBER", "202") }),
		"202": callee(func(c *Callee) { c.Extension = "202"; c.Settings.AvailableOfficeHours = fr("FORWARD_TO_NUMBER", "203") }),
		"203": callee(func(c *Callee) { c.Extension = "203"; c.Settings.AvailableOfficeHours = fr("FORWARD_TO_NUMBER", "201") }),
	}
	hops := Resolve(users["201"], Call{From: "+14155550100", At: office}, env(), func(e string) *Callee { return users[e] })
	if len(hops) != 3 || summary(hops[2].Plan) != "REFUSE(482)@available_office_hours_forward_rule" {
		t.Fatalf("loop: %d hops, last %s", len(hops), summary(hops[len(hops)-1].Plan))
	}
	users["203"].Settings.AvailableOfficeHours = fr("FORWARD_TO_VOICEMAIL", "")
	hops = Resolve(users["201"], Call{From: "+14155550100", At: office}, env(), func(e string) *Callee { return users[e] })
	if len(hops) != 3 || summary(hops[2].Plan) != "VOICEMAIL@available_office_hours_forward_rule" || hops[1].Extension != "202" {
		t.Fatalf("chain: %+v", hops)
	}
}
