package model

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestApplyUserDefaults(t *testing.T) {
	u := &User{Name: "alice", ExtensionNumber: "101"}
	u.Email = "alice@example.com"
	u.FirstName, u.LastName = " Alice ", ""
	ApplyUserDefaults(u)

	checks := []struct{ name, got, want string }{
		{"role", u.Role, "StandardUser"},
		{"display_name", u.DisplayName, "Alice"},
		{"sms", u.SMS, "DISABLE"},
		{"voicemail_prompt", u.VoicemailPrompt, "en-US"},
		{"voicemail_play_datetime", u.VoicemailPlayDatetime, "DISABLE"},
		{"interface", u.Interface, "WEB_DOMAIN"},
		{"preferred_transport", u.PreferredTransport, "UDP"},
		{"office_hours.mode", u.OfficeHours.Mode, "GLOBAL"},
		{"monday", u.OfficeHours.Monday.Ranges[0].From + "-" + u.OfficeHours.Monday.Ranges[0].To, "09:00-17:00"},
		{"friday", u.OfficeHours.Friday.Ranges[0].From + "-" + u.OfficeHours.Friday.Ranges[0].To, "09:00-17:00"},
		{"available_office_hours", u.AvailableOfficeHours.Action, "RING_EXTENSION"},
		{"available_non_office_hours", u.AvailableNonOfficeHours.Action, "RING_EXTENSION"},
		{"away", u.AwayNonOfficeHours.Action, "RING_EXTENSION"},
		{"lunch", u.LunchOfficeHours.Action, "RING_EXTENSION"},
		{"trip", u.TripNonOfficeHours.Action, "RING_EXTENSION"},
		{"busy", u.BusyOfficeHours.Action, "FORWARD_TO_VOICEMAIL"},
		{"dnd", u.DNDNonOfficeHours.Action, "FORWARD_TO_VOICEMAIL"},
		{"offline", u.OfflineOfficeHours.Action, "FORWARD_TO_VOICEMAIL"},
		{"available_no_answer", u.AvailableNoAnswer.Action, "FORWARD_TO_VOICEMAIL"},
		{"busy_no_answer", u.BusyNoAnswer.Action, "FORWARD_TO_VOICEMAIL"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
			}
		})
	}
	t.Run("numbers and flags", func(t *testing.T) {
		if u.MaxBindings != 10 || u.AvailableNoAnswer.Timeout != 30 || u.BusyNoAnswer.Timeout != 30 {
			t.Errorf("max_bindings %d, timeouts %d/%d", u.MaxBindings, u.AvailableNoAnswer.Timeout, u.BusyNoAnswer.Timeout)
		}
		if u.Enabled || u.DeliveryOutboundCID {
			t.Error("Enabled and DeliveryOutboundCID must be left to the caller")
		}
		if !u.OfficeHours.Wednesday.Enabled || u.OfficeHours.Saturday.Enabled || u.OfficeHours.Sunday.Enabled {
			t.Error("want Monday-Friday enabled, weekend disabled")
		}
		assertFieldError(t, ValidateVoicemailPIN(u.VoicemailPIN), "", "")
		assertFieldError(t, ValidateOnCallPIN(u.OnCallPIN), "", "")
	})
	t.Run("empty slices encode as []", func(t *testing.T) {
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"outbound_caller_ids":[]`, `"custom_forward_rules":[]`, `"blfs":[]`, `"sunday":{"enabled":false,"ranges":[]}`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("JSON lacks %s", want)
			}
		}
	})
	t.Run("default user is valid", func(t *testing.T) {
		assertFieldError(t, ValidateUser(u, false), "", "")
	})
}

func TestApplyUserDefaultsKeepsValues(t *testing.T) {
	u := &User{Name: "bob", Role: "Admin"}
	u.DisplayName = "Bobby"
	u.MaxBindings = 3
	u.OnCallPIN, u.VoicemailPIN = "4321", "135792"
	u.SMS, u.Interface = "ALLOW", "SBC_DOMAIN"
	u.OfficeHours.Mode = "CUSTOM"
	u.OfficeHours.Saturday = DayHours{Enabled: true, Ranges: []TimeRange{{From: "10:00", To: "14:00"}}}
	u.BusyOfficeHours = ForwardRule{Action: "FORWARD_TO_NUMBER", Number: "+14155550100"}
	u.BusyNoAnswer = NoAnswerForwardRule{Action: "HANG_UP", Timeout: 45}
	ApplyUserDefaults(u)
	if u.Role != "Admin" || u.DisplayName != "Bobby" || u.MaxBindings != 3 || u.OnCallPIN != "4321" ||
		u.VoicemailPIN != "135792" || u.SMS != "ALLOW" || u.Interface != "SBC_DOMAIN" || u.OfficeHours.Mode != "CUSTOM" ||
		u.BusyOfficeHours.Number != "+14155550100" || u.BusyNoAnswer.Action != "HANG_UP" || u.BusyNoAnswer.Timeout != 45 {
		t.Errorf("defaults overwrote set values: %+v", u)
	}
	if u.OfficeHours.Monday.Enabled {
		t.Error("a week with a set day must not get the default hours")
	}
	v := &User{Name: "carol"}
	ApplyUserDefaults(v)
	if v.DisplayName != "carol" {
		t.Errorf("display_name = %q, want the name", v.DisplayName)
	}
}

func TestApplyTenantDefaults(t *testing.T) {
	tn := &Tenant{Name: "Acme", Domain: "acme.example.com"}
	ApplyTenantDefaults(tn)
	if tn.TimeZone != "UTC" || tn.Enabled {
		t.Errorf("got time_zone %q enabled %v", tn.TimeZone, tn.Enabled)
	}
	tn.TimeZone = "Europe/Paris"
	ApplyTenantDefaults(tn)
	if tn.TimeZone != "Europe/Paris" {
		t.Errorf("time_zone overwritten: %q", tn.TimeZone)
	}
	assertFieldError(t, ValidateTenant(tn), "", "")
}
