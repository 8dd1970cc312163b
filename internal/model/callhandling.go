package model

import "fmt"

// Call-handling settings of the admin manual (003: call waiting, Follow Me,
// network unavailability number) and of the call-flow guide (002: call
// restrictions, require key press, keep original caller ID), beside the
// contract's forward rules.

// FollowMe strategies and caller-ID modes.
var (
	FollowMeStrategies = []string{"RING_ALL", "HUNT", "MEMORY_HUNT"}
	FollowMeCallerIDs  = []string{"REMOTE", "LOCAL"}
	// RestrictionModes are the values of each call class: INHERIT follows
	// the role's policy, DENY refuses the class whatever the role says.
	RestrictionModes = []string{"INHERIT", "DENY"}
)

// Defaults of call-handling settings.
const (
	defaultFollowMeRing = 20
	defaultNetworkRing  = 30
)

// The bounds of call-handling settings, as their tags declare them.
var (
	minNetworkRing, maxNetworkRing   = bound[CallHandling]("minimum", "network_unavailable_ring_time"), bound[CallHandling]("maximum", "network_unavailable_ring_time")
	minInitialRing, maxInitialRing   = bound[FollowMe]("minimum", "initial_ring_time"), bound[FollowMe]("maximum", "initial_ring_time")
	minFollowMeRing, maxFollowMeRing = bound[FollowMe]("minimum", "ring_time"), bound[FollowMe]("maximum", "ring_time")
	maxFollowMeNumbers               = bound[FollowMe]("maxItems", "numbers")
)

// FollowMe forwards calls to a list of numbers.
type FollowMe struct {
	Enabled bool `json:"enabled"`
	// InitialRingTime rings the user's own phones first for this many
	// seconds (0: go to the numbers at once).
	InitialRingTime int      `json:"initial_ring_time" minimum:"0" maximum:"600"`
	Numbers         []string `json:"numbers" maxItems:"10"`
	Strategy        string   `json:"strategy" enum:"RING_ALL,HUNT,MEMORY_HUNT"`
	// RingTime is how long the numbers ring (each, when hunting).
	RingTime int `json:"ring_time" minimum:"5" maximum:"600"`
	// CallerID shown where the call is forwarded: REMOTE (the caller) or
	// LOCAL (the user's own number).
	CallerID string `json:"caller_id" enum:"REMOTE,LOCAL"`
	// DirectCallsOnly applies Follow Me only to calls made to the user
	// directly (not through ring groups or queues).
	DirectCallsOnly bool `json:"direct_calls_only"`
}

// CallRestrictions narrow the role's outbound call policy per user.
type CallRestrictions struct {
	Internal      string `json:"internal" enum:"INHERIT,DENY"`
	Domestic      string `json:"domestic" enum:"INHERIT,DENY"`
	International string `json:"international" enum:"INHERIT,DENY"`
}

// CallHandling gathers the settings above; it is part of UserSettings.
type CallHandling struct {
	// EnableCallWaiting lets a second call ring while the user is on a
	// call; without it the user is busy (busy forward rules apply).
	EnableCallWaiting bool `json:"enable_call_waiting"`
	// RequireKeyPress makes whoever answers a forwarded call press a key
	// before it is connected (so a mobile's voicemail cannot take it).
	RequireKeyPress bool `json:"require_key_press"`
	// KeepOriginalCallerID shows the caller's number on forwarded calls;
	// otherwise the user's own number is shown.
	KeepOriginalCallerID bool `json:"keep_original_caller_id"`
	// NetworkUnavailableNumber takes the user's calls while no device is
	// registered, for NetworkUnavailableRingTime seconds.
	NetworkUnavailableNumber   string           `json:"network_unavailable_number" maxLength:"32"`
	NetworkUnavailableRingTime int              `json:"network_unavailable_ring_time" minimum:"5" maximum:"600"`
	NetworkUnavailableDirect   bool             `json:"network_unavailable_direct_calls_only"`
	FollowMe                   FollowMe         `json:"follow_me"`
	CallRestrictions           CallRestrictions `json:"call_restrictions"`
}

// PresetCallHandling sets the defaults that are not zero values, before a
// body or a stored document is read over them (so a member left out keeps
// its default and an explicit false stays false).
func PresetCallHandling(c *CallHandling) {
	c.EnableCallWaiting, c.KeepOriginalCallerID = true, true
}

// ApplyCallHandlingDefaults fills what is still unset (also on users
// stored before a setting existed).
func ApplyCallHandlingDefaults(c *CallHandling) {
	if c.NetworkUnavailableRingTime == 0 {
		c.NetworkUnavailableRingTime = defaultNetworkRing
	}
	f := &c.FollowMe
	setDefault(&f.Strategy, "RING_ALL")
	setDefault(&f.CallerID, "REMOTE")
	if f.RingTime == 0 {
		f.RingTime = defaultFollowMeRing
	}
	if f.Numbers == nil {
		f.Numbers = []string{}
	}
	r := &c.CallRestrictions
	setDefault(&r.Internal, "INHERIT")
	setDefault(&r.Domestic, "INHERIT")
	setDefault(&r.International, "INHERIT")
}

func validateCallHandling(c *CallHandling) error {
	if c.NetworkUnavailableNumber != "" {
		if err := ValidatePhoneNumber("network_unavailable_number", c.NetworkUnavailableNumber); err != nil {
			return err
		}
	}
	if c.NetworkUnavailableRingTime < minNetworkRing || c.NetworkUnavailableRingTime > maxNetworkRing {
		return Invalid("network_unavailable_ring_time", "must be from %d to %d seconds (got %d)", minNetworkRing, maxNetworkRing, c.NetworkUnavailableRingTime)
	}
	f := &c.FollowMe
	if f.InitialRingTime < minInitialRing || f.InitialRingTime > maxInitialRing {
		return Invalid("follow_me.initial_ring_time", "must be from %d to %d seconds (got %d)", minInitialRing, maxInitialRing, f.InitialRingTime)
	}
	if f.RingTime < minFollowMeRing || f.RingTime > maxFollowMeRing {
		return Invalid("follow_me.ring_time", "must be from %d to %d seconds (got %d)", minFollowMeRing, maxFollowMeRing, f.RingTime)
	}
	if err := OneOf("follow_me.strategy", f.Strategy, FollowMeStrategies); err != nil {
		return err
	}
	if err := OneOf("follow_me.caller_id", f.CallerID, FollowMeCallerIDs); err != nil {
		return err
	}
	if len(f.Numbers) > maxFollowMeNumbers {
		return Invalid("follow_me.numbers", "may list at most %d numbers (it lists %d)", maxFollowMeNumbers, len(f.Numbers))
	}
	seen := map[string]bool{}
	for i, n := range f.Numbers {
		field := fmt.Sprintf("follow_me.numbers[%d]", i)
		if err := ValidatePhoneNumber(field, n); err != nil {
			return err
		}
		if seen[n] {
			return Invalid(field, "%s is listed twice", n)
		}
		seen[n] = true
	}
	if f.Enabled && len(f.Numbers) == 0 {
		return Invalid("follow_me.numbers", "must list at least one number when Follow Me is enabled")
	}
	r := &c.CallRestrictions
	for _, x := range []struct{ name, v string }{{"internal", r.Internal}, {"domestic", r.Domestic}, {"international", r.International}} {
		if err := OneOf("call_restrictions."+x.name, x.v, RestrictionModes); err != nil {
			return err
		}
	}
	return nil
}
