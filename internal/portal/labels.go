package portal

import "strings"

// Every choice is shown in words; the value posted is the API's enum.

// choice is one option of a select.
type choice struct {
	Value, Label string
	Selected     bool
}

// choiceLabels are the words for the API's enum values.
var choiceLabels = map[string]string{
	"RING_EXTENSION":       "Ring my phones",
	"FORWARD_TO_VOICEMAIL": "Voicemail",
	"FORWARD_TO_NUMBER":    "Forward to a number…",
	"FORWARD_TO_MOBILE":    "Forward to my mobile",
	"HANG_UP":              "Hang up",
	"INHERIT":              "As the role allows",
	"DENY":                 "Never",
	"REMOTE":               "The caller's number",
	"LOCAL":                "My own number",
	"RING_ALL":             "Ring all at once",
	"HUNT":                 "One after another",
	"MEMORY_HUNT":          "One after another, last answered first",
	"GLOBAL":               "The company's office hours",
	"CUSTOM":               "My own office hours (below)",
	"ALL_HOURS":            "At all hours",
	"OFFICE_HOURS":         "In office hours",
	"NON_OFFICE_HOURS":     "Outside office hours",
	"SPECIFIC_HOURS":       "At the hours given",
	"ALLOW":                "Allowed",
	"ALLOW_WITH_SENDER_ID": "Allowed, with a sender ID",
	"12_HOUR_CLOCK":        "Yes, 12-hour clock",
	"24_HOUR_CLOCK":        "Yes, 24-hour clock",
	"ENABLE":               "On",
	"DISABLE":              "Off",
	"ANY":                  "Any transport (UDP by address)",
	"UDP":                  "UDP",
	"TCP":                  "TCP",
	"TLS":                  "TLS",
	"PUBLIC_IPV4":          "Public IPv4 address",
	"PUBLIC_IPV6":          "Public IPv6 address",
	"PRIVATE_IPV4":         "Private IPv4 address",
	"PRIVATE_IPV6":         "Private IPv6 address",
	"SBC_DOMAIN":           "SBC domain",
	"WEB_DOMAIN":           "Web domain",
	"NONE":                 "None",
	"INBOUND":              "Inbound",
	"OUTBOUND":             "Outbound",
	"BOTH":                 "Both",
	"SHA256_THEN_MD5":      "SHA-256, then MD5 for older phones (recommended)",
	"MD5_THEN_SHA256":      "MD5 first, then SHA-256",
	"SHA256_ONLY":          "SHA-256 only",
	"MD5_ONLY":             "MD5 only (baresip 1.0, sipsak)",
	"NAT":                  "Calls with a phone behind NAT",
	"ALWAYS":               "All calls",
}

// fieldLabels name settings whose JSON name reads poorly as words.
var fieldLabels = map[string]string{
	"blf_hide_caller":             "Hide who calls from busy lamps",
	"sip_digest":                  "How phones prove their password (SIP digest)",
	"time_zone":                   "Time zone of the office hours",
	"never_record_internal_calls": "Never record calls between our users",
	"media_relay":                 "Calls whose audio goes through the media relay",
}

// fieldChoiceLabels override choiceLabels for one setting (by its name).
var fieldChoiceLabels = map[string]map[string]string{
	"voicemail_play_datetime": {"DISABLE": "No"},
	"sms":                     {"DISABLE": "Not allowed"},
	"call_recording": {"NONE": "Never", "INBOUND": "Calls to me", "OUTBOUND": "Calls I make",
		"BOTH": "All my calls"},
}

// choiceLabel is the words for value of the setting named name.
func choiceLabel(name, value string) string {
	if l, ok := fieldChoiceLabels[name][value]; ok {
		return l
	}
	if l, ok := choiceLabels[value]; ok {
		return l
	}
	if value == "" {
		return "—"
	}
	w := strings.ToLower(strings.ReplaceAll(value, "_", " "))
	return strings.ToUpper(w[:1]) + w[1:]
}

// Options are f's choices in words, the current one selected; the empty
// row of a list starts with an empty choice, so an untouched row adds
// nothing.
func (f field) Options() []choice {
	var out []choice
	if f.Blank {
		out = append(out, choice{Value: "", Label: "—", Selected: f.Value == ""})
	}
	for _, c := range f.Choices {
		out = append(out, choice{Value: c, Label: choiceLabel(f.Name(), c), Selected: c == f.Value})
	}
	return out
}
