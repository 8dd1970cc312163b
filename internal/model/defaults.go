package model

import "strings"

// Documented defaults of a new user's settings.
const (
	defaultRole                  = RoleStandardUser
	defaultSMS                   = "DISABLE"
	defaultVoicemailPrompt       = "en-US"
	defaultVoicemailPlayDatetime = "DISABLE"
	defaultInterface             = "WEB_DOMAIN"
	defaultTransport             = "UDP"
	defaultOfficeHoursMode       = "GLOBAL"
	defaultNoAnswerTimeout       = 30
	defaultTenantTimeZone        = "UTC"
)

// ApplyUserDefaults fills every unset setting of a new user with its
// documented default. It never touches Enabled or DeliveryOutboundCID, which
// the caller decides, and never overwrites a value that is already set.
func ApplyUserDefaults(u *User) {
	if u.Role == "" {
		u.Role = defaultRole
	}
	if u.DisplayName == "" {
		u.DisplayName = strings.TrimSpace(strings.TrimSpace(u.FirstName) + " " + strings.TrimSpace(u.LastName))
		if u.DisplayName == "" {
			u.DisplayName = u.Name
		}
	}
	setDefault(&u.Presence, PresenceAvailable)
	if u.MaxBindings == 0 {
		u.MaxBindings = DefaultMaxBinding
	}
	if u.OnCallPIN == "" {
		u.OnCallPIN = RandomDigits(6)
	}
	if u.VoicemailPIN == "" {
		u.VoicemailPIN = RandomDigits(6)
	}
	setDefault(&u.SMS, defaultSMS)
	setDefault(&u.CallRecording, "NONE")
	setDefault(&u.VoicemailPrompt, defaultVoicemailPrompt)
	setDefault(&u.VoicemailPlayDatetime, defaultVoicemailPlayDatetime)
	setDefault(&u.Mailbox, MailboxSelf)
	setDefault(&u.Interface, defaultInterface)
	setDefault(&u.PreferredTransport, defaultTransport)

	setDefault(&u.OfficeHours.Mode, defaultOfficeHoursMode)
	applyWeekDefaults(&u.OfficeHours.WeekHours)

	r := &u.ForwardRules
	for _, fr := range []*ForwardRule{
		&r.AvailableOfficeHours, &r.AvailableNonOfficeHours,
		&r.AwayOfficeHours, &r.AwayNonOfficeHours,
		&r.LunchOfficeHours, &r.LunchNonOfficeHours,
		&r.TripOfficeHours, &r.TripNonOfficeHours,
	} {
		setDefault(&fr.Action, "RING_EXTENSION")
	}
	for _, fr := range []*ForwardRule{
		&r.BusyOfficeHours, &r.BusyNonOfficeHours,
		&r.DNDOfficeHours, &r.DNDNonOfficeHours,
		&r.OfflineOfficeHours, &r.OfflineNonOfficeHours,
	} {
		setDefault(&fr.Action, "FORWARD_TO_VOICEMAIL")
	}
	for _, nr := range []*NoAnswerForwardRule{&r.AvailableNoAnswer, &r.BusyNoAnswer} {
		setDefault(&nr.Action, "FORWARD_TO_VOICEMAIL")
		if nr.Timeout == 0 {
			nr.Timeout = defaultNoAnswerTimeout
		}
	}

	if u.OutboundCallerIDs == nil {
		u.OutboundCallerIDs = []OutboundCallerID{}
	}
	if u.CustomForwardRules == nil {
		u.CustomForwardRules = []CustomForwardRule{}
	}
	if u.BLFs == nil {
		u.BLFs = []BLF{}
	}
	ApplyCallHandlingDefaults(&u.CallHandling)
}

// applyWeekDefaults gives a week with no day set the default office hours,
// Monday to Friday 09:00-17:00, and makes every nil range list empty so it
// encodes as [].
func applyWeekDefaults(w *WeekHours) {
	empty := true
	for _, d := range w.Days() {
		if d.Day.Enabled || len(d.Day.Ranges) > 0 {
			empty = false
		}
	}
	if empty {
		for _, d := range []*DayHours{&w.Monday, &w.Tuesday, &w.Wednesday, &w.Thursday, &w.Friday} {
			d.Enabled = true
			d.Ranges = []TimeRange{{From: "09:00", To: "17:00"}}
		}
	}
	for _, d := range w.Days() {
		if d.Day.Ranges == nil {
			d.Day.Ranges = []TimeRange{}
		}
	}
}

// ApplyTenantDefaults fills unset settings of a new tenant: the time zone
// becomes "UTC". Enabled is left to the caller.
func ApplyTenantDefaults(t *Tenant) {
	setDefault(&t.TimeZone, defaultTenantTimeZone)
	setDefault(&t.SIPDigest, SIPDigestDefault)
	setDefault(&t.MediaRelay, MediaRelayNAT)
	applyWeekDefaults(&t.OfficeHours)
}

func setDefault(p *string, v string) {
	if *p == "" {
		*p = v
	}
}
