package store

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// newDefaultUser is a user as the directory creates one with defaults.
func newDefaultUser() *model.User {
	u := &model.User{Name: "x"}
	u.Enabled, u.DeliveryOutboundCID, u.EnableVoicemailPIN = true, true, true
	model.PresetCallHandling(&u.CallHandling)
	model.ApplyUserDefaults(u)
	return u
}

func TestSettingsOfADefaultUserAreSmall(t *testing.T) {
	u := newDefaultUser()
	text, err := encodeSettings(&u.UserSettings)
	if err != nil {
		t.Fatal(err)
	}
	// Only the generated voicemail PIN differs from the baseline.
	if want := `{"_v":1,"voicemail_pin":"` + u.VoicemailPIN + `"}`; text != want {
		t.Fatalf("stored %s, want %s: a default changed since the baseline was frozen; "+
			"never edit settings_base_v1.json (stored users depend on it): add a version 2 baseline beside it", text, want)
	}
	var back model.UserSettings
	if err := decodeSettings(text, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, u.UserSettings) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", back, u.UserSettings)
	}
}

func TestSettingsRoundTripEveryMemberAndWholeDocuments(t *testing.T) {
	u := newDefaultUser()
	u.EnableDND, u.DeliveryOutboundCID = true, false
	u.OfficeHours.Monday = model.DayHours{Enabled: false, Ranges: []model.TimeRange{}}
	u.CustomForwardRules = []model.CustomForwardRule{{Action: "HANG_UP", CallerID: "666", Type: "ALL_HOURS"}}
	u.BusyNoAnswer = model.NoAnswerForwardRule{Action: "FORWARD_TO_NUMBER", Number: "+15550100", Timeout: 45}
	u.FollowMe.Numbers = []string{"+15550101"}
	u.CustomOptions = `a="<b>&"`
	text, err := encodeSettings(&u.UserSettings)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"enable_dnd", "delivery_outbound_cid", "office_hours", "custom_forward_rules", "busy_no_answer_forward_rule", "follow_me", "custom_options"} {
		if !strings.Contains(text, `"`+name+`":`) {
			t.Errorf("%s missing from %s", name, text)
		}
	}
	if strings.Contains(text, `"sms":`) || strings.Contains(text, `"blfs":`) {
		t.Errorf("default members stored: %s", text)
	}
	var back model.UserSettings
	if err := decodeSettings(text, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, u.UserSettings) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", back, u.UserSettings)
	}
	// A row written before the baseline holds the whole document.
	whole, _ := json.Marshal(&u.UserSettings)
	var legacy model.UserSettings
	if err := decodeSettings(string(whole), &legacy); err != nil || !reflect.DeepEqual(legacy, u.UserSettings) {
		t.Fatalf("whole document: %v\n%+v", err, legacy)
	}
	// A zero document ('{}', the column's default) stays zero.
	var zero model.UserSettings
	z, _ := encodeSettings(&zero)
	var zback model.UserSettings
	if err := decodeSettings(z, &zback); err != nil || !reflect.DeepEqual(zback, zero) {
		t.Fatalf("zero settings: %v %s", err, z)
	}
}

func TestSettingsBaselineHasEveryMember(t *testing.T) {
	if err := settingsSetup(); err != nil {
		t.Fatal(err)
	}
	if len(settingsCodec.members) < 40 {
		t.Fatalf("only %d members", len(settingsCodec.members))
	}
}

// Users decoded from the baseline share nothing with it or with each
// other: changing one user's office hours or lists (as a patch does)
// leaves the next user read with the defaults.
func TestDecodedSettingsShareNothing(t *testing.T) {
	text, err := encodeSettings(&newDefaultUser().UserSettings)
	if err != nil {
		t.Fatal(err)
	}
	var first, second model.UserSettings
	if err := decodeSettings(text, &first); err != nil {
		t.Fatal(err)
	}
	want := first.OfficeHours.Monday.Ranges[0]
	first.OfficeHours.Monday.Ranges[0] = model.TimeRange{From: "00:00", To: "01:00"}
	first.OfficeHours.Monday.Ranges = append(first.OfficeHours.Monday.Ranges, model.TimeRange{From: "02:00", To: "03:00"})
	first.FollowMe.Numbers = append(first.FollowMe.Numbers, "+15550100")
	if err := decodeSettings(text, &second); err != nil {
		t.Fatal(err)
	}
	if got := second.OfficeHours.Monday.Ranges; len(got) != 1 || got[0] != want {
		t.Fatalf("second user's Monday %+v, want [%+v]: the first user's change leaked", got, want)
	}
	if len(second.FollowMe.Numbers) != 0 {
		t.Fatalf("second user's follow-me numbers %v", second.FollowMe.Numbers)
	}
	if !reflect.DeepEqual(second, newDefaultUser().UserSettings) {
		// The PINs differ (generated); everything else must not.
		second.VoicemailPIN = ""
		d := newDefaultUser().UserSettings
		d.VoicemailPIN = ""
		if !reflect.DeepEqual(second, d) {
			t.Fatalf("second user's settings differ from the defaults:\n%+v\n%+v", second, d)
		}
	}
}

func BenchmarkDecodeSettings(b *testing.B) {
	u := newDefaultUser()
	u.EnableDND = true
	text, err := encodeSettings(&u.UserSettings)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var s model.UserSettings
		if err := decodeSettings(text, &s); err != nil {
			b.Fatal(err)
		}
	}
}
