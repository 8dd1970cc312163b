package directory

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

func TestApplyMembers(t *testing.T) {
	base := func() *model.User {
		u := &model.User{Name: "bob"}
		u.Department, u.Enabled = "Sales", true
		return u
	}
	tests := []struct {
		name      string
		body      string
		field     string // expected error field, "" for success
		msg       string
		wantDept  string
		wantDND   bool
		wantEnabl bool
	}{
		{name: "keeps left-out fields", body: `{"enable_dnd":true}`, wantDept: "Sales", wantDND: true, wantEnabl: true},
		{name: "changes given field", body: `{"department":"Billing","enabled":false}`, wantDept: "Billing"},
		{name: "unknown field", body: `{"nope":1}`, field: "nope", msg: "not a known field"},
		{name: "read-only field", body: `{"name":"alice"}`, field: "name", msg: "read-only"},
		{name: "null refused", body: `{"department":null}`, field: "department", msg: "must not be null"},
		{name: "nested null refused", body: `{"office_hours":{"mode":null}}`, field: "office_hours.mode", msg: "must not be null"},
		{name: "null hours allowed", body: `{"custom_forward_rules":[{"action":"HANG_UP","hours":null}]}`, wantDept: "Sales", wantEnabl: true},
		{name: "string as bool", body: `{"enable_dnd":"yes"}`, field: "enable_dnd", msg: "boolean"},
		{name: "number as bool", body: `{"enable_dnd":1}`, field: "enable_dnd", msg: "boolean"},
		{name: "number as string", body: `{"department":5}`, field: "department", msg: "string"},
		{name: "nested unknown", body: `{"office_hours":{"weekday":{}}}`, field: "weekday", msg: "not a known field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := base()
			m, err := decodeObject([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			err = applyMembers(m, u, editableKeys, userReadOnly, nullableKeys)
			if tc.field != "" {
				var fe *model.FieldError
				if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Message, tc.msg) {
					t.Fatalf("err = %v, want field %s with %q", err, tc.field, tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.Department != tc.wantDept || u.EnableDND != tc.wantDND || u.Enabled != tc.wantEnabl || u.Name != "bob" {
				t.Fatalf("unexpected result %+v", u.UserFields)
			}
		})
	}
}

func TestDecodeObjectRejectsNonObjects(t *testing.T) {
	for _, body := range []string{``, `[]`, `null`, `"x"`, `{"a":1} {"b":2}`, `{`} {
		if _, err := decodeObject([]byte(body)); err == nil {
			t.Errorf("decodeObject(%q) accepted", body)
		}
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
