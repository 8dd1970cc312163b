package model

import (
	"errors"
	"strings"
	"testing"
)

// vcase is one validator table row: want == "" means the input must pass;
// otherwise the error must be a *FieldError on field whose message contains
// want.
type vcase struct {
	name  string
	err   error
	field string
	want  string
}

func checkCases(t *testing.T, cases []vcase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Helper()
			assertFieldError(t, c.err, c.field, c.want)
		})
	}
}

func assertFieldError(t *testing.T, err error, field, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v, want *FieldError on %s containing %q", err, field, want)
	}
	if fe.Field != field {
		t.Errorf("field = %q, want %q (message %q)", fe.Field, field, fe.Message)
	}
	if !strings.Contains(fe.Message, want) {
		t.Errorf("message = %q, want it to contain %q", fe.Message, want)
	}
}

func TestValidateUserName(t *testing.T) {
	checkCases(t, []vcase{
		{"plain", ValidateUserName("alice", false), "", ""},
		{"marks", ValidateUserName("alice.o'neil-2", false), "", ""},
		{"underscore", ValidateUserName("bob_smith", false), "", ""},
		{"unicode letters", ValidateUserName("zoë.müller", false), "", ""},
		{"cjk", ValidateUserName("山田太郎", false), "", ""},
		{"64 chars", ValidateUserName(strings.Repeat("a", 64), false), "", ""},
		{"empty", ValidateUserName("", false), "name", "required"},
		{"65 chars", ValidateUserName(strings.Repeat("a", 65), false), "name", "at most 64"},
		{"leading dot", ValidateUserName(".alice", false), "name", "start or end with a dot"},
		{"trailing dot", ValidateUserName("alice.", false), "name", "start or end with a dot"},
		{"space", ValidateUserName("al ice", false), "name", "spaces"},
		{"at sign", ValidateUserName("al@ice", false), "name", "'@'"},
		{"reserved Admin", ValidateUserName("Admin", false), "name", "reserved"},
		{"reserved ROOT", ValidateUserName("ROOT", false), "name", "reserved"},
		{"reserved system", ValidateUserName("system", false), "name", "reserved"},
		{"reserved administrator", ValidateUserName("Administrator", false), "name", "reserved"},
		{"Admin in system tenant", ValidateUserName("Admin", true), "", ""},
		{"admin prefix not reserved", ValidateUserName("admin2", false), "", ""},
	})
}

func TestValidateExtensionNumber(t *testing.T) {
	checkCases(t, []vcase{
		{"three digits", ValidateExtensionNumber("101"), "", ""},
		{"64 digits", ValidateExtensionNumber(strings.Repeat("9", 64)), "", ""},
		{"empty", ValidateExtensionNumber(""), "extension_number", "required"},
		{"two digits", ValidateExtensionNumber("12"), "extension_number", "3 to 64"},
		{"65 digits", ValidateExtensionNumber(strings.Repeat("9", 65)), "extension_number", "3 to 64"},
		{"letter", ValidateExtensionNumber("12a4"), "extension_number", "digits 0-9 only"},
		{"plus", ValidateExtensionNumber("+1234"), "extension_number", "digits 0-9 only"},
	})
}

func TestValidateEmail(t *testing.T) {
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 60) + ".com"
	checkCases(t, []vcase{
		{"plain", ValidateEmail("email", "alice@example.com"), "", ""},
		{"plus and dots", ValidateEmail("email", "alice.o+pbx@mail.Example.co.uk"), "", ""},
		{"empty", ValidateEmail("email", ""), "email", "required"},
		{"too long", ValidateEmail("email", long), "email", "at most 254"},
		{"no at", ValidateEmail("email", "alice.example.com"), "email", "exactly one '@'"},
		{"two ats", ValidateEmail("email", "a@b@example.com"), "email", "exactly one '@'"},
		{"empty local", ValidateEmail("email", "@example.com"), "email", "before the '@'"},
		{"long local", ValidateEmail("email", strings.Repeat("a", 65)+"@example.com"), "email", "at most 64"},
		{"empty domain", ValidateEmail("email", "alice@"), "email", "after the '@'"},
		{"dotless domain", ValidateEmail("email", "alice@localhost"), "email", "two parts"},
		{"ip domain", ValidateEmail("email", "alice@10.0.0.1"), "email", "not a number"},
		{"space", ValidateEmail("email", "al ice@example.com"), "email", "spaces"},
		{"control", ValidateEmail("email", "alice\x00@example.com"), "email", "control"},
		{"display name", ValidateEmail("user.email", "Alice<alice@example.com>"), "user.email", "name@example.com"},
		{"leading dot local", ValidateEmail("email", ".alice@example.com"), "email", "not a valid email"},
		{"custom field", ValidateEmail("contact", "x"), "contact", "exactly one '@'"},
	})
}

func TestValidateDomainName(t *testing.T) {
	checkCases(t, []vcase{
		{"two labels", ValidateDomainName("domain", "example.com"), "", ""},
		{"mixed case and hyphen", ValidateDomainName("domain", "PBX-1.Example.com"), "", ""},
		{"system", ValidateDomainName("domain", SystemTenantDomain), "", ""},
		{"punycode", ValidateDomainName("domain", "xn--bcher-kva.example"), "", ""},
		{"empty", ValidateDomainName("domain", ""), "domain", "required"},
		{"one label", ValidateDomainName("domain", "localhost"), "domain", "two parts"},
		{"trailing dot", ValidateDomainName("domain", "example.com."), "domain", "empty parts"},
		{"double dot", ValidateDomainName("domain", "a..com"), "domain", "empty parts"},
		{"leading hyphen", ValidateDomainName("domain", "-a.com"), "domain", "hyphen"},
		{"trailing hyphen", ValidateDomainName("domain", "a-.com"), "domain", "hyphen"},
		{"underscore", ValidateDomainName("domain", "a_b.com"), "domain", "letters a-z"},
		{"unicode", ValidateDomainName("domain", "bücher.example"), "domain", "punycode"},
		{"label 64", ValidateDomainName("domain", strings.Repeat("a", 64)+".com"), "domain", "63"},
		{"numeric tld", ValidateDomainName("domain", "192.168.1.1"), "domain", "not a number"},
		{"too long", ValidateDomainName("d", strings.Repeat(strings.Repeat("a", 60)+".", 5)+"com"), "d", "253"},
	})
}

func TestValidateVoicemailPIN(t *testing.T) {
	checkCases(t, []vcase{
		{"ok", ValidateVoicemailPIN("135792"), "", ""},
		{"ten digits", ValidateVoicemailPIN("1357924680"), "", ""},
		{"pairs ok", ValidateVoicemailPIN("112244"), "", ""},
		{"empty", ValidateVoicemailPIN(""), "voicemail_pin", "required"},
		{"too short", ValidateVoicemailPIN("12345"), "voicemail_pin", "6 to 10"},
		{"too long", ValidateVoicemailPIN("13579246801"), "voicemail_pin", "6 to 10"},
		{"letters", ValidateVoicemailPIN("13a792"), "voicemail_pin", "digits 0-9 only"},
		{"repeat", ValidateVoicemailPIN("111222"), "voicemail_pin", `"111"`},
		{"ascending", ValidateVoicemailPIN("123579"), "voicemail_pin", `"123"`},
		{"descending", ValidateVoicemailPIN("987643"), "voicemail_pin", `"987"`},
		{"descending middle", ValidateVoicemailPIN("135321"), "voicemail_pin", `"321"`},
	})
}

func TestValidateOnCallPIN(t *testing.T) {
	checkCases(t, []vcase{
		{"four", ValidateOnCallPIN("1234"), "", ""},
		{"ten", ValidateOnCallPIN("1234567890"), "", ""},
		{"empty", ValidateOnCallPIN(""), "oncall_pin", "required"},
		{"three", ValidateOnCallPIN("123"), "oncall_pin", "4 to 10"},
		{"eleven", ValidateOnCallPIN("12345678901"), "oncall_pin", "4 to 10"},
		{"letters", ValidateOnCallPIN("12ab"), "oncall_pin", "digits 0-9 only"},
	})
}

func TestValidatePhoneNumber(t *testing.T) {
	checkCases(t, []vcase{
		{"empty", ValidatePhoneNumber("work_phone", ""), "", ""},
		{"e164", ValidatePhoneNumber("work_phone", "+14155550100"), "", ""},
		{"e164 15", ValidatePhoneNumber("work_phone", "+"+strings.Repeat("4", 15)), "", ""},
		{"internal", ValidatePhoneNumber("work_phone", "101"), "", ""},
		{"internal 32", ValidatePhoneNumber("work_phone", strings.Repeat("1", 32)), "", ""},
		{"e164 16", ValidatePhoneNumber("work_phone", "+"+strings.Repeat("4", 16)), "work_phone", "2 to 15"},
		{"e164 zero", ValidatePhoneNumber("work_phone", "+0441234"), "work_phone", "not starting with 0"},
		{"plus only", ValidatePhoneNumber("mobile_phone", "+"), "mobile_phone", "international format"},
		{"internal 33", ValidatePhoneNumber("work_phone", strings.Repeat("1", 33)), "work_phone", "at most 32"},
		{"spaces", ValidatePhoneNumber("home_phone", "415 555 0100"), "home_phone", "only digits"},
		{"feature code", ValidatePhoneNumber("x.number", "*72"), "x.number", "only digits"},
	})
}

func TestValidateLanguageTag(t *testing.T) {
	checkCases(t, []vcase{
		{"en-US", ValidateLanguageTag("voicemail_prompt", "en-US"), "", ""},
		{"fr", ValidateLanguageTag("voicemail_prompt", "fr"), "", ""},
		{"pt-BR", ValidateLanguageTag("voicemail_prompt", "pt-BR"), "", ""},
		{"zh-Hant-TW", ValidateLanguageTag("voicemail_prompt", "zh-Hant-TW"), "", ""},
		{"empty", ValidateLanguageTag("voicemail_prompt", ""), "voicemail_prompt", "required"},
		{"underscore", ValidateLanguageTag("voicemail_prompt", "en_US"), "voicemail_prompt", "language tag such as"},
		{"one letter", ValidateLanguageTag("lang", "e"), "lang", "language tag such as"},
		{"too long", ValidateLanguageTag("lang", "en"+strings.Repeat("-abcdefgh", 4)), "lang", "language tag such as"},
		{"ill-formed", ValidateLanguageTag("lang", "en-US-US-a1"), "lang", "not a known language tag"},
	})
}

func TestOneOf(t *testing.T) {
	checkCases(t, []vcase{
		{"ok", OneOf("sms", "ALLOW", SMSModes), "", ""},
		{"wrong case", OneOf("sms", "allow", SMSModes), "sms", "DISABLE, ALLOW, ALLOW_WITH_SENDER_ID"},
		{"unknown", OneOf("interface", "IPV4", Interfaces), "interface", `(got "IPV4")`},
		{"empty", OneOf("preferred_transport", "", Transports), "preferred_transport", "required; use one of UDP, TCP, TLS"},
	})
}
