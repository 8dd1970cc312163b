package model

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones validate the same on hosts without tzdata
	"unicode"
	"unicode/utf8"
)

// The bounds of a user's members, as their tags declare them.
var (
	displayNameLen   = bound[UserFields]("maxLength", "display_name")
	firstNameLen     = bound[UserFields]("maxLength", "first_name")
	lastNameLen      = bound[UserFields]("maxLength", "last_name")
	addressLen       = bound[UserFields]("maxLength", "address")
	departmentLen    = bound[UserFields]("maxLength", "department")
	minBindings      = bound[UserFields]("minimum", "max_bindings")
	maxBindings      = bound[UserFields]("maximum", "max_bindings")
	userCallerIDs    = bound[UserSettings]("maxItems", "outbound_caller_ids")
	customOptionsLen = bound[UserSettings]("maxLength", "custom_options")
	autoResponseLen  = bound[UserSettings]("maxLength", "sms_auto_response_text")
	customRulesMax   = bound[UserSettings]("maxItems", "custom_forward_rules")
	blfsMax          = bound[UserSettings]("maxItems", "blfs")
	providerIDLen    = bound[OutboundCallerID]("maxLength", "provider_id")
	callerIDTextLen  = bound[OutboundCallerID]("maxLength", "description")
	blfKeyLen        = bound[BLF]("maxLength", "key")
	blfValueLen      = bound[BLF]("maxLength", "value")
	blfFirstNameLen  = bound[BLF]("maxLength", "first_name")
	blfLastNameLen   = bound[BLF]("maxLength", "last_name")
	minNoAnswerWait  = bound[NoAnswerForwardRule]("minimum", "timeout")
	maxNoAnswerWait  = bound[NoAnswerForwardRule]("maximum", "timeout")
)

// checkText checks a free-text field: valid UTF-8, at most max characters
// and, unless multiline, no control characters (multiline text may hold
// line breaks and tabs).
func checkText(field, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Invalid(field, "must be at most %d characters (it has %d)", max, n)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return Invalid(field, "must not contain control characters or line breaks")
		}
	}
	return nil
}

// checkForward checks the action and number of a forward rule at prefix.
func checkForward(prefix, action, number string) error {
	if err := OneOf(prefix+".action", action, ForwardActions); err != nil {
		return err
	}
	if action == "FORWARD_TO_NUMBER" {
		if number == "" {
			return Invalid(prefix+".number", "is required when action is FORWARD_TO_NUMBER")
		}
		return ValidatePhoneNumber(prefix+".number", number)
	}
	if number != "" {
		return Invalid(prefix+".number", "must be empty unless action is FORWARD_TO_NUMBER (action is %s)", action)
	}
	return nil
}

// ValidateUser checks every field of u as it will be stored (after
// ApplyUserDefaults) and returns the first problem, in the order of the
// fields in the user's JSON. systemTenant allows the reserved usernames.
func ValidateUser(u *User, systemTenant bool) error {
	if err := ValidateUserName(u.Name, systemTenant); err != nil {
		return err
	}
	if strings.TrimSpace(u.Role) == "" {
		return Invalid("role", "is required")
	}
	if err := checkText("role", u.Role, MaxNameLen, false); err != nil {
		return err
	}
	if err := ValidateExtensionNumber(u.ExtensionNumber); err != nil {
		return err
	}
	if err := validateUserFields(&u.UserFields); err != nil {
		return err
	}
	return validateUserSettings(&u.UserSettings)
}

func validateUserFields(f *UserFields) error {
	if err := ValidateEmail("email", f.Email); err != nil {
		return err
	}
	texts := []struct {
		field string
		value string
		max   int
	}{
		{"display_name", f.DisplayName, displayNameLen},
		{"first_name", f.FirstName, firstNameLen},
		{"last_name", f.LastName, lastNameLen},
	}
	for _, t := range texts {
		if err := checkText(t.field, t.value, t.max, false); err != nil {
			return err
		}
	}
	for _, p := range []struct{ field, value string }{
		{"mobile_phone", f.MobilePhone}, {"work_phone", f.WorkPhone}, {"home_phone", f.HomePhone},
	} {
		if err := ValidatePhoneNumber(p.field, p.value); err != nil {
			return err
		}
	}
	if err := checkText("address", f.Address, addressLen, true); err != nil {
		return err
	}
	if err := checkText("department", f.Department, departmentLen, false); err != nil {
		return err
	}
	if f.MaxBindings < minBindings || f.MaxBindings > maxBindings {
		return Invalid("max_bindings", "must be between %d and %d (got %d)", minBindings, maxBindings, f.MaxBindings)
	}
	return ValidateOnCallPIN(f.OnCallPIN)
}

func validateUserSettings(s *UserSettings) error {
	if err := OneOf("sms", s.SMS, SMSModes); err != nil {
		return err
	}
	if err := validateCallerIDs(s.OutboundCallerIDs, userCallerIDs); err != nil {
		return err
	}
	if err := checkText("custom_options", s.CustomOptions, customOptionsLen, true); err != nil {
		return err
	}
	if err := checkText("sms_auto_response_text", s.SMSAutoResponseText, autoResponseLen, true); err != nil {
		return err
	}
	if s.EnableSMSAutoResponder && strings.TrimSpace(s.SMSAutoResponseText) == "" {
		return Invalid("sms_auto_response_text", "is required when enable_sms_auto_responder is on")
	}
	if s.CustomOptions != "" && !json.Valid([]byte(s.CustomOptions)) {
		return Invalid("custom_options", "must be valid JSON (or empty)")
	}
	if err := OneOf("office_hours.mode", s.OfficeHours.Mode, OfficeHoursModes); err != nil {
		return err
	}
	if err := ValidateWeekHours("office_hours", &s.OfficeHours.WeekHours); err != nil {
		return err
	}
	if err := validateCustomRules(s.CustomForwardRules); err != nil {
		return err
	}
	if err := ValidateLanguageTag("voicemail_prompt", s.VoicemailPrompt); err != nil {
		return err
	}
	if err := ValidateVoicemailPIN(s.VoicemailPIN); err != nil {
		return err
	}
	if s.CallRecording != "" { // users from before the setting: NONE
		if err := OneOf("call_recording", s.CallRecording, CallRecordingModes); err != nil {
			return err
		}
	}
	if err := OneOf("voicemail_play_datetime", s.VoicemailPlayDatetime, PlayDateTimeModes); err != nil {
		return err
	}
	if err := ValidateMailboxChoice(s.Mailbox); err != nil {
		return err
	}
	if err := OneOf("interface", s.Interface, Interfaces); err != nil {
		return err
	}
	if err := OneOf("preferred_transport", s.PreferredTransport, Transports); err != nil {
		return err
	}
	if err := validateBLFs(s.BLFs); err != nil {
		return err
	}
	if err := validateForwardRules(&s.ForwardRules); err != nil {
		return err
	}
	return validateCallHandling(&s.CallHandling)
}

// validateCallerIDs checks a list of caller IDs of at most max entries.
func validateCallerIDs(ids []OutboundCallerID, max int) error {
	if len(ids) > max {
		return Invalid("outbound_caller_ids", "may have at most %d entries (it has %d)", max, len(ids))
	}
	seen := make(map[string]int, len(ids))
	preferred := -1
	for i, c := range ids {
		p := fmt.Sprintf("outbound_caller_ids[%d]", i)
		if err := checkText(p+".provider_id", c.ProviderID, providerIDLen, false); err != nil {
			return err
		}
		if c.CallerID == "" {
			return Invalid(p+".caller_id", "is required")
		}
		if err := ValidatePhoneNumber(p+".caller_id", c.CallerID); err != nil {
			return err
		}
		if j, dup := seen[c.CallerID]; dup {
			return Invalid(p+".caller_id", "%s is already listed as outbound_caller_ids[%d]", c.CallerID, j)
		}
		seen[c.CallerID] = i
		if c.Preferred {
			if preferred >= 0 {
				return Invalid(p+".preferred", "only one caller ID may be preferred; outbound_caller_ids[%d] already is", preferred)
			}
			preferred = i
		}
		if err := checkText(p+".description", c.Description, callerIDTextLen, false); err != nil {
			return err
		}
	}
	return nil
}

func validateCustomRules(rules []CustomForwardRule) error {
	if len(rules) > customRulesMax {
		return Invalid("custom_forward_rules", "may have at most %d rules (it has %d)", customRulesMax, len(rules))
	}
	for i, r := range rules {
		p := fmt.Sprintf("custom_forward_rules[%d]", i)
		if err := checkForward(p, r.Action, r.Number); err != nil {
			return err
		}
		if r.CallerID == "" {
			return Invalid(p+".caller_id", "is required; give the caller's number this rule applies to")
		}
		if err := ValidatePhoneNumber(p+".caller_id", r.CallerID); err != nil {
			return err
		}
		if err := OneOf(p+".type", r.Type, CustomRuleTypes); err != nil {
			return err
		}
		if r.Type == "SPECIFIC_HOURS" {
			if r.Hours == nil {
				return Invalid(p+".hours", "is required when type is SPECIFIC_HOURS")
			}
			if err := ValidateWeekHours(p+".hours", r.Hours); err != nil {
				return err
			}
		} else if r.Hours != nil {
			return Invalid(p+".hours", "must be left out unless type is SPECIFIC_HOURS (type is %s)", r.Type)
		}
	}
	return nil
}

func validateBLFs(blfs []BLF) error {
	if len(blfs) > blfsMax {
		return Invalid("blfs", "may have at most %d keys (it has %d)", blfsMax, len(blfs))
	}
	seen := make(map[string]int, len(blfs))
	for i, b := range blfs {
		p := fmt.Sprintf("blfs[%d]", i)
		if b.Key == "" {
			return Invalid(p+".key", "is required")
		}
		if err := checkText(p+".key", b.Key, blfKeyLen, false); err != nil {
			return err
		}
		if j, dup := seen[b.Key]; dup {
			return Invalid(p+".key", "key %q is already used by blfs[%d]", b.Key, j)
		}
		seen[b.Key] = i
		for _, t := range []struct {
			field, value string
			max          int
		}{
			{".value", b.Value, blfValueLen}, {".first_name", b.FirstName, blfFirstNameLen}, {".last_name", b.LastName, blfLastNameLen},
		} {
			if err := checkText(p+t.field, t.value, t.max, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func validateForwardRules(r *ForwardRules) error {
	plain := func(name string, fr ForwardRule) error {
		return checkForward(name+"_forward_rule", fr.Action, fr.Number)
	}
	noAnswer := func(name string, nr NoAnswerForwardRule) error {
		p := name + "_forward_rule"
		if err := checkForward(p, nr.Action, nr.Number); err != nil {
			return err
		}
		if nr.Timeout < minNoAnswerWait || nr.Timeout > maxNoAnswerWait {
			return Invalid(p+".timeout", "must be between %d and %d seconds (got %d)", minNoAnswerWait, maxNoAnswerWait, nr.Timeout)
		}
		return nil
	}
	for _, check := range []func() error{
		func() error { return plain("available_office_hours", r.AvailableOfficeHours) },
		func() error { return plain("available_non_office_hours", r.AvailableNonOfficeHours) },
		func() error { return noAnswer("available_no_answer", r.AvailableNoAnswer) },
		func() error { return plain("busy_office_hours", r.BusyOfficeHours) },
		func() error { return plain("busy_non_office_hours", r.BusyNonOfficeHours) },
		func() error { return noAnswer("busy_no_answer", r.BusyNoAnswer) },
		func() error { return plain("dnd_office_hours", r.DNDOfficeHours) },
		func() error { return plain("dnd_non_office_hours", r.DNDNonOfficeHours) },
		func() error { return plain("away_office_hours", r.AwayOfficeHours) },
		func() error { return plain("away_non_office_hours", r.AwayNonOfficeHours) },
		func() error { return plain("lunch_office_hours", r.LunchOfficeHours) },
		func() error { return plain("lunch_non_office_hours", r.LunchNonOfficeHours) },
		func() error { return plain("trip_office_hours", r.TripOfficeHours) },
		func() error { return plain("trip_non_office_hours", r.TripNonOfficeHours) },
		func() error { return plain("offline_office_hours", r.OfflineOfficeHours) },
		func() error { return plain("offline_non_office_hours", r.OfflineNonOfficeHours) },
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// The bounds of a tenant's settings, as their tags declare them.
var (
	countryCodeLen     = bound[Tenant]("maxLength", "country_code")
	sipTrunkLen        = bound[Tenant]("maxLength", "sip_trunk")
	voicemailServerLen = bound[Tenant]("maxLength", "voicemail_server")
)

// ValidateTenant checks a tenant as stored (after ApplyTenantDefaults): a
// name of 1 to 128 characters that is not blank, a DNS domain name, and an
// IANA time zone such as "UTC" or "Europe/Paris".
func ValidateTenant(t *Tenant) error {
	if strings.TrimSpace(t.Name) == "" {
		return Invalid("name", "is required")
	}
	if err := checkText("name", t.Name, MaxTextLen, false); err != nil {
		return err
	}
	if err := ValidateDomainName("domain", t.Domain); err != nil {
		return err
	}
	if t.CountryCode != "" && (len(t.CountryCode) > countryCodeLen || !allDigits(t.CountryCode) || t.CountryCode[0] == '0') {
		return Invalid("country_code", "must be a country calling code of 1 to 3 digits without '+', such as 1 or 33")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"sip_trunk", t.SIPTrunk, sipTrunkLen}, {"voicemail_server", t.VoicemailServer, voicemailServerLen}} {
		if f.v != "" && !validSIPHost(f.v, f.max) {
			return Invalid(f.name, "must be a SIP URI of a host, such as sip:192.0.2.10:5060 or sip:trunk.example.com;transport=tcp")
		}
	}
	if err := ValidateWeekHours("office_hours", &t.OfficeHours); err != nil {
		return err
	}
	if err := ValidateVoicemailSettings(&t.Voicemail); err != nil {
		return err
	}
	if err := ValidateCallPolicy(&t.CallPolicy); err != nil {
		return err
	}
	if err := ValidateTrunkAuth(&t.SIPTrunkAuth); err != nil {
		return err
	}
	if t.SIPDigest != "" { // "" is the default, SHA256_THEN_MD5
		if err := OneOf("sip_digest", t.SIPDigest, SIPDigests); err != nil {
			return err
		}
	}
	if t.MediaRelay != "" { // "" is the default, NAT
		if err := OneOf("media_relay", t.MediaRelay, MediaRelays); err != nil {
			return err
		}
	}
	if t.TimeZone == "" {
		return Invalid("time_zone", "is required; use an IANA time zone such as UTC or Europe/Paris")
	}
	if t.TimeZone == "Local" {
		return Invalid("time_zone", "must name a time zone such as UTC or Europe/Paris, not Local")
	}
	if _, err := time.LoadLocation(t.TimeZone); err != nil {
		return Invalid("time_zone", "%q is not a known time zone; use an IANA name such as UTC or Europe/Paris", clip(t.TimeZone, 40))
	}
	return nil
}

// validSIPHost accepts sip:host[:port][;transport=udp|tcp|tls] of at most
// max bytes, with a DNS name or an IP address and no user part.
func validSIPHost(u string, max int) bool {
	rest, ok := strings.CutPrefix(u, "sip:")
	if !ok || len(u) > max || strings.ContainsAny(rest, "@ <>\"") {
		return false
	}
	host, params, _ := strings.Cut(rest, ";")
	if params != "" && params != "transport=udp" && params != "transport=tcp" && params != "transport=tls" {
		return false
	}
	if h, port, err := net.SplitHostPort(host); err == nil {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return false
		}
		host = h
	}
	return net.ParseIP(host) != nil || ValidateDomainName("host", host) == nil
}
