package model

import (
	"fmt"
	"strings"
	"testing"
)

// validUser returns a user that passes ValidateUser.
func validUser() *User {
	u := &User{Name: "alice", ExtensionNumber: "101"}
	u.Email = "alice@example.com"
	u.FirstName, u.LastName = "Alice", "Smith"
	ApplyUserDefaults(u)
	return u
}

func TestValidateUser(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(u *User)
		system bool
		field  string
		want   string
	}{
		{"default user", func(u *User) {}, false, "", ""},
		{"full user", func(u *User) {
			u.MobilePhone, u.WorkPhone, u.HomePhone = "+447700900123", "+14155550100", "2001"
			u.Address = "1 Main St\nSpringfield"
			u.CustomOptions = `{"ring_tone":"classic"}`
			u.OfficeHours.Mode = "CUSTOM"
			u.VoicemailPrompt = "pt-BR"
			u.OutboundCallerIDs = []OutboundCallerID{{CallerID: "+14155550100", Preferred: true}, {CallerID: "+14155550101"}}
			u.CustomForwardRules = []CustomForwardRule{
				{Action: "FORWARD_TO_NUMBER", Number: "+14155550199", CallerID: "+14155550123", Type: "ALL_HOURS"},
				{Action: "HANG_UP", CallerID: "100", Type: "SPECIFIC_HOURS", Hours: &WeekHours{Friday: day(true, "09:00", "12:00")}},
			}
			u.BLFs = []BLF{{Key: "1", Value: "102", FirstName: "Bob"}, {Key: "2", Value: "103"}}
			u.BusyOfficeHours = ForwardRule{Action: "FORWARD_TO_NUMBER", Number: "+14155550100"}
			u.AvailableNoAnswer.Timeout = 600
		}, false, "", ""},
		{"reserved name", func(u *User) { u.Name = "Admin" }, false, "name", "reserved"},
		{"reserved name in system tenant", func(u *User) { u.Name = "Admin" }, true, "", ""},
		{"role", func(u *User) { u.Role = "" }, false, "role", "required"},
		{"extension", func(u *User) { u.ExtensionNumber = "12" }, false, "extension_number", "3 to 64"},
		{"email required", func(u *User) { u.Email = "" }, false, "email", "required"},
		{"display_name", func(u *User) { u.DisplayName = strings.Repeat("x", displayNameLen+1) }, false, "display_name", "at most 128"},
		{"display_name newline", func(u *User) { u.DisplayName = "a\nb" }, false, "display_name", "control characters"},
		{"first_name", func(u *User) { u.FirstName = strings.Repeat("é", MaxNameLen+1) }, false, "first_name", "at most 64"},
		{"last_name", func(u *User) { u.LastName = strings.Repeat("x", MaxNameLen+1) }, false, "last_name", "at most 64"},
		{"mobile_phone", func(u *User) { u.MobilePhone = "555-1234" }, false, "mobile_phone", "only digits"},
		{"home_phone", func(u *User) { u.HomePhone = "+0123" }, false, "home_phone", "international"},
		{"address", func(u *User) { u.Address = strings.Repeat("x", addressLen+1) }, false, "address", "at most 512"},
		{"department", func(u *User) { u.Department = strings.Repeat("x", departmentLen+1) }, false, "department", "at most 128"},
		{"max_bindings low", func(u *User) { u.MaxBindings = -1 }, false, "max_bindings", "between 1 and 100"},
		{"max_bindings high", func(u *User) { u.MaxBindings = maxBindings + 1 }, false, "max_bindings", "between 1 and 100"},
		{"oncall_pin", func(u *User) { u.OnCallPIN = "12" }, false, "oncall_pin", "4 to 10"},
		{"sms", func(u *User) { u.SMS = "allow" }, false, "sms", "one of DISABLE"},
		{"caller ids too many", func(u *User) {
			for i := 0; i <= userCallerIDs; i++ {
				u.OutboundCallerIDs = append(u.OutboundCallerIDs, OutboundCallerID{CallerID: fmt.Sprint(1000 + i)})
			}
		}, false, "outbound_caller_ids", "at most 50"},
		{"caller id empty", func(u *User) { u.OutboundCallerIDs = []OutboundCallerID{{}} }, false, "outbound_caller_ids[0].caller_id", "required"},
		{"caller id bad", func(u *User) { u.OutboundCallerIDs = []OutboundCallerID{{CallerID: "abc"}} }, false, "outbound_caller_ids[0].caller_id", "only digits"},
		{"two preferred", func(u *User) {
			u.OutboundCallerIDs = []OutboundCallerID{{CallerID: "+14155550100", Preferred: true}, {CallerID: "+14155550101", Preferred: true}}
		}, false, "outbound_caller_ids[1].preferred", "only one caller ID may be preferred"},
		{"duplicate caller id", func(u *User) {
			u.OutboundCallerIDs = []OutboundCallerID{{CallerID: "+14155550100"}, {CallerID: "+14155550100"}}
		}, false, "outbound_caller_ids[1].caller_id", "already listed"},
		{"caller id description", func(u *User) {
			u.OutboundCallerIDs = []OutboundCallerID{{CallerID: "+14155550100", Description: strings.Repeat("d", 129)}}
		}, false, "outbound_caller_ids[0].description", "at most 128"},
		{"custom_options bad json", func(u *User) { u.CustomOptions = "{bad" }, false, "custom_options", "valid JSON"},
		{"custom_options too long", func(u *User) { u.CustomOptions = `"` + strings.Repeat("x", customOptionsLen) + `"` }, false, "custom_options", "at most 8192"},
		{"office_hours mode", func(u *User) { u.OfficeHours.Mode = "global" }, false, "office_hours.mode", "GLOBAL, CUSTOM"},
		{"office_hours overlap", func(u *User) { u.OfficeHours.Monday = day(true, "09:00", "12:00", "11:00", "13:00") }, false,
			"office_hours.monday.ranges[1].from", "overlaps"},
		{"custom rules too many", func(u *User) {
			for i := 0; i <= customRulesMax; i++ {
				u.CustomForwardRules = append(u.CustomForwardRules, CustomForwardRule{Action: "HANG_UP", CallerID: "100", Type: "ALL_HOURS"})
			}
		}, false, "custom_forward_rules", "at most 20"},
		{"custom rule caller id", func(u *User) {
			u.CustomForwardRules = []CustomForwardRule{{Action: "HANG_UP", Type: "ALL_HOURS"}}
		}, false, "custom_forward_rules[0].caller_id", "required"},
		{"custom rule number", func(u *User) {
			u.CustomForwardRules = []CustomForwardRule{{Action: "FORWARD_TO_NUMBER", CallerID: "100", Type: "ALL_HOURS"}}
		}, false, "custom_forward_rules[0].number", "required when action is FORWARD_TO_NUMBER"},
		{"custom rule type", func(u *User) {
			u.CustomForwardRules = []CustomForwardRule{{Action: "HANG_UP", CallerID: "100", Type: "ALWAYS"}}
		}, false, "custom_forward_rules[0].type", "ALL_HOURS"},
		{"custom rule hours missing", func(u *User) {
			u.CustomForwardRules = []CustomForwardRule{{Action: "HANG_UP", CallerID: "100", Type: "SPECIFIC_HOURS"}}
		}, false, "custom_forward_rules[0].hours", "required when type is SPECIFIC_HOURS"},
		{"custom rule hours not allowed", func(u *User) {
			u.CustomForwardRules = []CustomForwardRule{{Action: "HANG_UP", CallerID: "100", Type: "ALL_HOURS", Hours: &WeekHours{}}}
		}, false, "custom_forward_rules[0].hours", "unless type is SPECIFIC_HOURS"},
		{"custom rule hours invalid", func(u *User) {
			u.CustomForwardRules = []CustomForwardRule{
				{Action: "HANG_UP", CallerID: "100", Type: "ALL_HOURS"},
				{Action: "HANG_UP", CallerID: "101", Type: "ALL_HOURS"},
				{Action: "HANG_UP", CallerID: "102", Type: "SPECIFIC_HOURS", Hours: &WeekHours{Friday: day(true, "09:00", "08:00")}},
			}
		}, false, "custom_forward_rules[2].hours.friday.ranges[0].to", "later than from"},
		{"voicemail_prompt", func(u *User) { u.VoicemailPrompt = "english" }, false, "voicemail_prompt", "language tag"},
		{"voicemail_pin", func(u *User) { u.VoicemailPIN = "123456" }, false, "voicemail_pin", `"123"`},
		{"voicemail_play_datetime", func(u *User) { u.VoicemailPlayDatetime = "12H" }, false, "voicemail_play_datetime", "12_HOUR_CLOCK"},
		{"interface", func(u *User) { u.Interface = "" }, false, "interface", "required"},
		{"preferred_transport", func(u *User) { u.PreferredTransport = "udp" }, false, "preferred_transport", "UDP, TCP, TLS"},
		{"blfs too many", func(u *User) {
			for i := 0; i <= blfsMax; i++ {
				u.BLFs = append(u.BLFs, BLF{Key: fmt.Sprint(i)})
			}
		}, false, "blfs", "at most 200"},
		{"blf key empty", func(u *User) { u.BLFs = []BLF{{Key: "1"}, {Key: "2"}, {Key: "3"}, {Value: "101"}} }, false, "blfs[3].key", "required"},
		{"blf key long", func(u *User) { u.BLFs = []BLF{{Key: strings.Repeat("k", 33)}} }, false, "blfs[0].key", "at most 32"},
		{"blf duplicate", func(u *User) { u.BLFs = []BLF{{Key: "1"}, {Key: "1"}} }, false, "blfs[1].key", "already used by blfs[0]"},
		{"blf value", func(u *User) { u.BLFs = []BLF{{Key: "1", Value: strings.Repeat("v", 65)}} }, false, "blfs[0].value", "at most 64"},
		{"blf name", func(u *User) { u.BLFs = []BLF{{Key: "1", LastName: strings.Repeat("n", 65)}} }, false, "blfs[0].last_name", "at most 64"},
		{"forward number missing", func(u *User) { u.BusyOfficeHours = ForwardRule{Action: "FORWARD_TO_NUMBER"} }, false,
			"busy_office_hours_forward_rule.number", "required when action is FORWARD_TO_NUMBER"},
		{"forward number bad", func(u *User) { u.DNDOfficeHours = ForwardRule{Action: "FORWARD_TO_NUMBER", Number: "call me"} }, false,
			"dnd_office_hours_forward_rule.number", "only digits"},
		{"forward number not allowed", func(u *User) { u.TripNonOfficeHours.Number = "100" }, false,
			"trip_non_office_hours_forward_rule.number", "must be empty unless"},
		{"forward action", func(u *User) { u.OfflineNonOfficeHours.Action = "VOICEMAIL" }, false,
			"offline_non_office_hours_forward_rule.action", "FORWARD_TO_VOICEMAIL"},
		{"no answer number", func(u *User) { u.AvailableNoAnswer = NoAnswerForwardRule{Action: "FORWARD_TO_NUMBER", Timeout: 20} }, false,
			"available_no_answer_forward_rule.number", "required"},
		{"no answer timeout low", func(u *User) { u.AvailableNoAnswer.Timeout = 4 }, false,
			"available_no_answer_forward_rule.timeout", "between 5 and 600"},
		{"no answer timeout high", func(u *User) { u.BusyNoAnswer.Timeout = 601 }, false,
			"busy_no_answer_forward_rule.timeout", "between 5 and 600"},
		{"first error wins", func(u *User) { u.Email = ""; u.SMS = "x"; u.BLFs = []BLF{{}} }, false, "email", "required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := validUser()
			c.edit(u)
			assertFieldError(t, ValidateUser(u, c.system), c.field, c.want)
		})
	}
}

func TestValidateTenant(t *testing.T) {
	tenant := func(name, domain, tz string) *Tenant {
		return &Tenant{Name: name, Domain: domain, TimeZone: tz}
	}
	checkCases(t, []vcase{
		{"ok", ValidateTenant(tenant("Acme Inc.", "acme.example.com", "UTC")), "", ""},
		{"system", ValidateTenant(tenant("System", SystemTenantDomain, "Europe/Paris")), "", ""},
		{"name 128", ValidateTenant(tenant(strings.Repeat("n", 128), "acme.example.com", "UTC")), "", ""},
		{"name empty", ValidateTenant(tenant("", "acme.example.com", "UTC")), "name", "required"},
		{"name blank", ValidateTenant(tenant("   ", "acme.example.com", "UTC")), "name", "required"},
		{"name long", ValidateTenant(tenant(strings.Repeat("n", 129), "acme.example.com", "UTC")), "name", "at most 128"},
		{"domain", ValidateTenant(tenant("Acme", "acme", "UTC")), "domain", "two parts"},
		{"domain empty", ValidateTenant(tenant("Acme", "", "UTC")), "domain", "required"},
		{"tz empty", ValidateTenant(tenant("Acme", "acme.example.com", "")), "time_zone", "required"},
		{"tz unknown", ValidateTenant(tenant("Acme", "acme.example.com", "Mars/Olympus")), "time_zone", "not a known time zone"},
		{"tz local", ValidateTenant(tenant("Acme", "acme.example.com", "Local")), "time_zone", "not Local"},
		{"tz path", ValidateTenant(tenant("Acme", "acme.example.com", "../etc/passwd")), "time_zone", "not a known time zone"},
		{"sip digest", ValidateTenant(&Tenant{Name: "Acme", Domain: "acme.example.com", TimeZone: "UTC", SIPDigest: SIPDigestSHA256}), "", ""},
		{"sip digest unknown", ValidateTenant(&Tenant{Name: "Acme", Domain: "acme.example.com", TimeZone: "UTC", SIPDigest: "MD4"}), "sip_digest", "must be one of"},
	})
}
