package directory

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// wantField fails unless err is a FieldError on field whose message holds msg.
func wantField(t *testing.T, err error, field, msg string) {
	t.Helper()
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != field || !strings.Contains(fe.Message, msg) {
		t.Fatalf("err = %v, want field %q with %q", err, field, msg)
	}
}

func storedUser() *model.User {
	u := &model.User{Name: "bob"}
	u.Department, u.Enabled = "Sales", true
	u.OfficeHours.Mode = "CUSTOM"
	u.OfficeHours.Monday = model.DayHours{Enabled: true, Ranges: []model.TimeRange{{From: "09:00", To: "17:00"}}}
	u.OutboundCallerIDs = []model.OutboundCallerID{{CallerID: "+15550100", Description: "main", Preferred: true}}
	u.CustomForwardRules = []model.CustomForwardRule{{Action: "HANG_UP", Hours: &model.WeekHours{Monday: model.DayHours{Enabled: true}}}}
	return u
}

// TestPatchApply applies bodies to a stored user as an admin's update
// does: every kind of refusal names its field, and what is applied keeps
// encoding/json's merge semantics (members left out keep their value).
func TestPatchApply(t *testing.T) {
	tests := []struct {
		name, body   string
		field, msg   string // the refusal expected, "" for none
		check        func(u *model.User) bool
		nullableOnly bool
	}{
		{name: "keeps left-out fields", body: `{"enable_dnd":true}`,
			check: func(u *model.User) bool { return u.EnableDND && u.Department == "Sales" && u.Enabled }},
		{name: "changes given fields", body: `{"department":"Billing","enabled":false}`,
			check: func(u *model.User) bool { return u.Department == "Billing" && !u.Enabled }},
		{name: "object merges", body: `{"office_hours":{"tuesday":{"enabled":true}}}`,
			check: func(u *model.User) bool {
				return u.OfficeHours.Mode == "CUSTOM" && u.OfficeHours.Tuesday.Enabled && len(u.OfficeHours.Monday.Ranges) == 1
			}},
		{name: "array elements merge as encoding/json merges them", body: `{"outbound_caller_ids":[{"caller_id":"+15550199"}]}`,
			check: func(u *model.User) bool {
				c := u.OutboundCallerIDs
				return len(c) == 1 && c[0].CallerID == "+15550199" && c[0].Description == "main"
			}},
		{name: "empty array empties", body: `{"outbound_caller_ids":[]}`,
			check: func(u *model.User) bool { return u.OutboundCallerIDs != nil && len(u.OutboundCallerIDs) == 0 }},
		{name: "nullable hours", body: `{"custom_forward_rules":[{"hours":null}]}`,
			check: func(u *model.User) bool {
				return u.CustomForwardRules[0].Hours == nil && u.CustomForwardRules[0].Action == "HANG_UP"
			}},
		{name: "nested key in any case", body: `{"office_hours":{"MODE":"GLOBAL"}}`,
			check: func(u *model.User) bool { return u.OfficeHours.Mode == "GLOBAL" }},
		{name: "duplicate keys: the last wins", body: `{"department":"a","department":"b"}`,
			check: func(u *model.User) bool { return u.Department == "b" }},
		{name: "nested duplicates merge", body: `{"office_hours":{"friday":{"enabled":true},"friday":{"ranges":[]}}}`,
			check: func(u *model.User) bool { return u.OfficeHours.Friday.Enabled && u.OfficeHours.Friday.Ranges != nil }},
		{name: "unknown field", body: `{"nope":1}`, field: "nope", msg: "is not a known field"},
		{name: "unknown field in another case", body: `{"Department":"x"}`, field: "Department", msg: "is not a known field"},
		{name: "read-only field", body: `{"name":"alice"}`, field: "name", msg: "is read-only"},
		{name: "null refused", body: `{"department":null}`, field: "department", msg: "must not be null"},
		{name: "nested null refused", body: `{"office_hours":{"mode":null}}`, field: "office_hours.mode", msg: "must not be null"},
		{name: "null in an array", body: `{"blfs":[null]}`, field: "blfs[0]", msg: "must not be null"},
		{name: "string as bool", body: `{"enable_dnd":"yes"}`, field: "enable_dnd", msg: "must be a boolean (true or false)"},
		{name: "number as bool", body: `{"enable_dnd":1}`, field: "enable_dnd", msg: "must be a boolean"},
		{name: "number as string", body: `{"department":5}`, field: "department", msg: "must be a string"},
		{name: "fraction as integer", body: `{"max_bindings":1.5}`, field: "max_bindings", msg: "must be an integer"},
		{name: "integer too large", body: `{"max_bindings":99999999999999999999}`, field: "max_bindings", msg: "must be an integer"},
		{name: "object as array", body: `{"blfs":{}}`, field: "blfs", msg: "must be an array"},
		{name: "array as object", body: `{"office_hours":[]}`, field: "office_hours", msg: "must be an object"},
		{name: "type error named without array index", body: `{"custom_forward_rules":[{"hours":{"monday":{"enabled":"x"}}}]}`,
			field: "custom_forward_rules.hours.monday.enabled", msg: "must be a boolean"},
		{name: "nested unknown named by its key", body: `{"office_hours":{"weekday":{}}}`, field: "weekday", msg: "is not a known field"},
		{name: "too deep", body: `{"blfs":` + strings.Repeat("[", 18) + strings.Repeat("]", 18) + `}`, field: "blfs" + strings.Repeat("[0]", 17), msg: "nested too deeply"},
		// Precedence: refusals by name order first, then type problems by name order.
		{name: "unknown before type", body: `{"zzz":1,"enable_dnd":"yes"}`, field: "zzz", msg: "is not a known field"},
		{name: "null before type", body: `{"address":1,"zzz":2,"department":null}`, field: "department", msg: "must not be null"},
		{name: "first type problem by name", body: `{"enable_dnd":"yes","department":5}`, field: "department", msg: "must be a string"},
		{name: "first type problem in an object in order", body: `{"office_hours":{"zz":1,"monday":{"enabled":"x"}}}`, field: "zz", msg: "is not a known field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := DecodePatch[UserInput]([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			u := storedUser()
			err = apply(p, u, userAdminRules)
			if tc.field != "" {
				wantField(t, err, tc.field, tc.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(u) || u.Name != "bob" {
				raw, _ := json.Marshal(u)
				t.Fatalf("unexpected result %s", raw)
			}
		})
	}
}

// TestPatchMatchesEncodingJSON: for bodies that pass, applying a patch
// gives what encoding/json gives decoding the same body into the stored
// value (the semantics the API always had).
func TestPatchMatchesEncodingJSON(t *testing.T) {
	for _, body := range []string{
		`{"enable_dnd":true,"office_hours":{"monday":{"ranges":[{"to":"12:00"},{"from":"13:00","to":"18:00"}]}}}`,
		`{"outbound_caller_ids":[{"provider_id":"p"},{"caller_id":"+15550101"}],"blfs":[{"key":"1"}]}`,
		`{"custom_forward_rules":[{"hours":{"tuesday":{"enabled":true}}},{"action":"HANG_UP","hours":null}]}`,
		`{"follow_me":{"numbers":["+15550100"]},"call_restrictions":{"international":"DENY"}}`,
	} {
		p, err := DecodePatch[UserInput]([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		got, want := storedUser(), storedUser()
		if err := apply(p, got, userAdminRules); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if err := json.Unmarshal([]byte(body), want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("%s:\n got %s\nwant %s", body, g, w)
		}
	}
}

func TestDecodePatchRejectsNonObjects(t *testing.T) {
	for _, tc := range []struct{ body, msg string }{
		{``, "must be a JSON object"}, {`[]`, "must be a JSON object"}, {`null`, "must be a JSON object"},
		{`"x"`, "must be a JSON object"}, {`{`, "must be a JSON object"}, {`{"a":}`, "must be a JSON object"},
		{`{"a":1} {"b":2}`, "must hold exactly one JSON object"},
		{`{"a":` + strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth) + `}`, "must be a JSON object"},
	} {
		_, err := DecodePatch[model.Group]([]byte(tc.body))
		wantField(t, err, "body", tc.msg)
	}
}

func TestPatchValueAndFields(t *testing.T) {
	p, err := DecodePatch[model.MeetingSettings]([]byte(`{"subject":"Board","capacity":12,"scheduled_start_at":"2030-01-02T10:00:00Z","internal_invitees":["a"]}`))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC)
	if p.Value.Subject != "Board" || p.Value.Capacity != 12 || p.Value.ScheduledStartAt == nil || !p.Value.ScheduledStartAt.Equal(start) {
		t.Fatalf("value %+v", p.Value)
	}
	if !p.Has("capacity") || p.Has("mode") || len(p.Given()) != 4 {
		t.Fatalf("given %v", p.Given())
	}
	// The audit log records members as JSON decodes them into any.
	raw, _ := json.Marshal(p.Fields())
	if string(raw) != `{"capacity":12,"internal_invitees":["a"],"scheduled_start_at":"2030-01-02T10:00:00Z","subject":"Board"}` {
		t.Fatalf("fields %s", raw)
	}
	// A type that decodes itself and fails stops decoding, before other problems.
	p, _ = DecodePatch[model.MeetingSettings]([]byte(`{"capacity":"x","scheduled_end_at":"tomorrow"}`))
	wantField(t, apply(p, &model.Meeting{}, meetingCreateRules), "body", "is not valid JSON")
}

// TestPatchOwnMembers: members a use case reads itself (passwords) take a
// null as empty and refuse other types.
func TestPatchOwnMembers(t *testing.T) {
	for _, tc := range []struct {
		body  string
		given bool
		value string
		msg   string
	}{
		{`{}`, false, "", ""},
		{`{"password":"s3cret"}`, true, "s3cret", ""},
		{`{"password":null}`, true, "", ""},
		{`{"password":5}`, true, "", "must be a string"},
		{`{"password":{"a":null}}`, true, "", "must be a string"},
	} {
		p, err := DecodePatch[UserInput]([]byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		given, err := p.own("password")
		if tc.msg != "" {
			wantField(t, err, "password", tc.msg)
			continue
		}
		if err != nil || given != tc.given || p.Value.Password != tc.value {
			t.Fatalf("%s: %v %v %q", tc.body, given, err, p.Value.Password)
		}
	}
}

// TestPatchBuilders: patches built from typed values (the portal, the
// first Admin) mean what the same JSON body means.
func TestPatchBuilders(t *testing.T) {
	g := NewPatch(model.Group{Name: "Sales", Description: "ignored"}, "name")
	if !g.Has("name") || g.Has("description") || g.Value.Name != "Sales" || g.Value.Description != "" {
		t.Fatalf("NewPatch: %+v %v", g.Value, g.Given())
	}
	if err := NewPatch(model.Group{}, "nope").check(groupRules); err == nil {
		t.Fatal("a member the type lacks was accepted")
	}

	p := NewPatch(UserInput{})
	for path, v := range map[string]any{"enable_dnd": true, "follow_me.ring_time": 30, "follow_me.numbers": []string{"+15550100"},
		"custom_forward_rules": []any{map[string]any{"action": "HANG_UP", "timeout": 2.0}}} {
		if err := p.Set(path, v); err != nil {
			t.Fatal(path, err)
		}
	}
	if err := p.Set("follow_me.ring_time", time.Second); err == nil {
		t.Fatal("a Duration was set on an integer")
	}
	if err := p.Set("follow_me.nope", 1); err == nil {
		t.Fatal("an unknown member was set")
	}
	u := storedUser()
	u.FollowMe.Strategy = "HUNT"
	wantField(t, apply(p, u, userAdminRules), "timeout", "is not a known field")
	// A JSON value of the wrong type is the body's problem, reported as such.
	q := NewPatch(UserInput{})
	if err := q.Set("follow_me.ring_time", "30"); err != nil {
		t.Fatal(err)
	}
	wantField(t, apply(q, storedUser(), userAdminRules), "follow_me.ring_time", "must be an integer")
	if err := p.SetJSON("custom_forward_rules", []byte(`[{"action":"FORWARD_TO_NUMBER","number":"+15550100"}]`)); err != nil {
		t.Fatal(err)
	}
	if err := apply(p, u, userAdminRules); err != nil {
		t.Fatal(err)
	}
	if !u.EnableDND || u.FollowMe.RingTime != 30 || u.FollowMe.Strategy != "HUNT" || u.FollowMe.Numbers[0] != "+15550100" ||
		u.CustomForwardRules[0].Number != "+15550100" || u.CustomForwardRules[0].Hours == nil {
		raw, _ := json.Marshal(u)
		t.Fatalf("built patch applied: %s", raw)
	}
	if err := p.SetJSON("blfs", []byte(`[`)); err == nil {
		t.Fatal("bad JSON text was taken")
	}
}

func TestKeySets(t *testing.T) {
	for _, k := range []string{"email", "enable_dnd", "office_hours", "available_no_answer_forward_rule", "max_bindings", "voicemail_pin"} {
		if !editableKeys[k] {
			t.Errorf("%s is not editable", k)
		}
	}
	for _, k := range []string{"id", "name", "role", "extension_number", "created_at", "password"} {
		if editableKeys[k] {
			t.Errorf("%s must not be editable", k)
		}
	}
	for _, k := range []string{"enabled", "max_bindings", "billing_contact", "sms"} {
		if selfKeys[k] {
			t.Errorf("a user must not change their own %s", k)
		}
	}
	if got := jsonKeys(reflect.TypeOf(struct {
		A int `json:"a"`
		B int `json:"-"`
		model.BLF
	}{})); strings.Join(got, ",") != "a,key,value,first_name,last_name" {
		t.Fatalf("jsonKeys = %v", got)
	}
	if got := nullableNames(reflect.TypeOf(UserInput{})); !reflect.DeepEqual(got, map[string]bool{"hours": true}) {
		t.Fatalf("nullable user members: %v", got)
	}
	if got := nullableNames(reflect.TypeOf(model.MeetingSettings{})); len(got) != 2 || !got["scheduled_start_at"] || !got["scheduled_end_at"] {
		t.Fatalf("nullable meeting members: %v", got)
	}
}

func TestCallerGrant(t *testing.T) {
	admin, _ := model.BuiltInRole(model.RoleAdmin)
	c := &Caller{Perms: admin.Permissions}
	s := &Service{}
	// Built-in roles resolve without the store; custom ones are tested end to end.
	if name, err := s.resolveGrant(context.Background(), c, "t", "role", "standarduser"); err != nil || name != model.RoleStandardUser {
		t.Fatalf("%q %v", name, err)
	}
	if _, err := s.resolveGrant(context.Background(), c, "t", "role", model.RoleSystemAdmin); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("Admin granting SystemAdmin: %v", err)
	}
	if !c.Can(PermUsers) || c.Can(PermTenants) {
		t.Fatal("Admin permissions wrong")
	}
}
