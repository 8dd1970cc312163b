package api

import (
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// limit is a bound as the tests compare it (nil: none).
type limit struct{ maxLength, maxItems, minimum, maximum *int }

func (l limit) String() string {
	var parts []string
	for _, b := range []struct {
		name string
		v    *int
	}{{"maxLength", l.maxLength}, {"maxItems", l.maxItems}, {"minimum", l.minimum}, {"maximum", l.maximum}} {
		if b.v != nil {
			parts = append(parts, fmt.Sprintf("%s %d", b.name, *b.v))
		}
	}
	return strings.Join(parts, ", ")
}

func fromModel(l model.Limit) limit {
	out := limit{minimum: l.Minimum, maximum: l.Maximum}
	if l.MaxLength > 0 {
		out.maxLength = &l.MaxLength
	}
	if l.MaxItems > 0 {
		out.maxItems = &l.MaxItems
	}
	return out
}

func fromSchema(s *huma.Schema) limit {
	f := func(v *float64) *int {
		if v == nil {
			return nil
		}
		n := int(*v)
		return &n
	}
	return limit{maxLength: s.MaxLength, maxItems: s.MaxItems, minimum: f(s.Minimum), maximum: f(s.Maximum)}
}

func maxLen(n int) limit   { return limit{maxLength: &n} }
func maxItems(n int) limit { return limit{maxItems: &n} }
func between(lo, hi int) limit {
	return limit{minimum: &lo, maximum: &hi}
}

// tagOf is the bound the model's type t declares for its member name.
func tagOf(t any, name string) limit {
	return fromModel(model.Limits(reflect.TypeOf(t))[name])
}

// restated are the bounds that the API's own body types (and the
// directory's) write again, by schema and property, with the model's bound
// they restate: a member's tag, or the constant of a format.
var restated = map[string]limit{
	"UserCreateDoc.name":                           maxLen(model.MaxNameLen),
	"UserCreateDoc.password":                       maxLen(model.MaxPasswordLen),
	"UserCreateDoc.extension_number":               maxLen(model.MaxExtensionLen),
	"UserCreateDoc.extension_password":             maxLen(model.MaxExtensionPasswordLen),
	"UserCreateDoc.role":                           maxLen(model.MaxNameLen),
	"GroupBody.name":                               tagOf(model.Group{}, "name"),
	"GroupBody.description":                        tagOf(model.Group{}, "description"),
	"GroupBody.outbound_caller_ids":                tagOf(model.Group{}, "outbound_caller_ids"),
	"HuntDoc.name":                                 tagOf(model.HuntGroup{}, "name"),
	"HuntDoc.extension_number":                     tagOf(model.HuntGroup{}, "extension_number"),
	"HuntDoc.ring_timeout":                         tagOf(model.HuntGroup{}, "ring_timeout"),
	"RoleBody.name":                                maxLen(model.MaxNameLen),
	"RoleBody.description":                         maxLen(model.MaxRoleDescription),
	"RoleInputBody.role":                           maxLen(model.MaxNameLen),
	"TenantUpdateDoc.name":                         maxLen(model.MaxTextLen),
	"TenantUpdateDoc.country_code":                 tagOf(model.Tenant{}, "country_code"),
	"TenantUpdateDoc.sip_trunk":                    tagOf(model.Tenant{}, "sip_trunk"),
	"TenantUpdateDoc.voicemail_server":             tagOf(model.Tenant{}, "voicemail_server"),
	"TenantCreate.name":                            maxLen(model.MaxTextLen),
	"TenantCreate.domain":                          maxLen(model.MaxDomainLen),
	"TenantAdmin.name":                             maxLen(model.MaxNameLen),
	"TenantAdmin.password":                         maxLen(model.MaxPasswordLen),
	"TenantAdmin.email":                            maxLen(model.MaxEmailLen),
	"TenantAdmin.extension_number":                 maxLen(model.MaxExtensionLen),
	"PasswordInputBody.password":                   maxLen(model.MaxPasswordLen),
	"ChangePasswordInputBody.new_password":         maxLen(model.MaxPasswordLen),
	"Create-my-api-keyRequest.name":                maxLen(model.MaxNameLen),
	"My-set-presenceRequest.presence_note":         maxLen(model.MaxPresenceNote),
	"Bind-ms365Request.id":                         maxLen(model.MaxEmailLen),
	"Meeting-inviteRequest.number":                 maxLen(model.MaxPhoneLen),
	"Meeting-layoutRequest.items":                  maxItems(model.MaxMeetingCapacity),
	"Meeting-participant-positionRequest.position": between(-1, model.MaxMeetingCapacity-1),
	"Set-call_queue-memberRequest.skill_level":     tagOf(model.Agent{}, "skill_level"),
	"Set-ring_group-memberRequest.skill_level":     tagOf(model.Agent{}, "skill_level"),
	"IdList.items":                                 maxItems(directory.MaxTenantHolidays),
	"Ingest-cdrsRequest.items":                     maxItems(directory.MaxCDRBatch),
	"Ingest-recordingsRequest.items":               maxItems(directory.MaxIngestBatch),
	"Ingest-external-messagesRequest.items":        maxItems(directory.MaxIngestBatch),
	"CDRIn.extension":                              maxLen(model.MaxExtensionLen),
	"MessageIn.extension":                          maxLen(model.MaxExtensionLen),
	"RecordingIn.extension":                        maxLen(model.MaxExtensionLen),
}

// guards are bounds that only refuse oversized input before anything
// reads it: no member of the model stores them as given.
var guards = map[string]string{
	"SignInInputBody.username":             "a credential, looked up",
	"SignInInputBody.password":             "a credential, verified",
	"SignInInputBody.domain":               "a tenant's domain, looked up",
	"ChangePasswordInputBody.old_password": "a credential, verified",
	"Disable-my-otpRequest.password":       "a credential, verified",
	"OtpChallengeInputBody.token":          "a token, looked up",
	"OtpChallengeInputBody.code":           "a one-time code, verified",
	"Confirm-my-otpRequest.code":           "a one-time code, verified",
	"Otp-enroll-at-sign-inRequest.token":   "a token, looked up",
	"RefreshInputBody.refresh_token":       "a token, looked up",
	"Api-key-tokenRequest.token":           "a key, looked up",
	"Api-key-tokenRequest.secret":          "a credential, verified",
	"UserUpdateDoc.avatar_file_id":         "an id, looked up",
	"FileBody.file_id":                     "an id, looked up",
	"PromptReplacement.file_id":            "an id, looked up",
	"PromptReplacement.name":               "a prompt's name, looked up in the catalogue",
	"RecordingIn.file_id":                  "an id, looked up",
	"TenantCreate.time_zone":               "a time zone name, looked up in the tz database",
	"TenantUpdateDoc.time_zone":            "a time zone name, looked up in the tz database",
	"OwnTenantUpdateDoc.time_zone":         "a time zone name, looked up in the tz database",
	"MeetingEvent.number":                  "reported by the media server, matched against participants",
	"MeetingEvent.display_name":            "reported by the media server, shown as given",
	"RecordingIn.call_id":                  "sent by the trusted switch, kept as given",
	"RecordingIn.caller":                   "sent by the trusted switch, kept as given",
	"RecordingIn.callee":                   "sent by the trusted switch, kept as given",
}

// TestDocumentedLimitsAreTheModels walks the served OpenAPI document: each
// bound of a request body (maxLength, maxItems, minimum, maximum) must be
// the model's bound of that field. A member of a model type carries its
// own (the tag that huma documents is the one validation reads); a member
// the API's body types write again must equal the model's bound it
// restates (listed above), and a bound that is neither is an error.
func TestDocumentedLimitsAreTheModels(t *testing.T) {
	s := New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	doc := s.api.OpenAPI()
	reg := doc.Components.Schemas
	names := requestSchemas(doc)
	if len(names) < 40 {
		t.Fatalf("found only %d request schemas", len(names))
	}
	seen := map[string]bool{}
	for _, name := range names {
		goType := reg.TypeFromRef("#/components/schemas/" + name)
		if goType == nil {
			t.Fatalf("%s: no Go type", name)
		}
		for prop, ps := range reg.Map()[name].Properties {
			got := fromSchema(ps)
			if got == (limit{}) {
				continue
			}
			key := name + "." + prop
			seen[key] = true
			want, ok := modelLimit(goType, prop)
			if r, listed := restated[key]; listed {
				if ok {
					t.Errorf("%s: declared by the model type itself, it need not be listed", key)
				}
				want, ok = r, true
			}
			switch {
			case !ok && guards[key] == "":
				t.Errorf("%s: the bound %s is not the model's: declare it in the model (a tag or a format's constant) and list it in restated", key, got)
			case ok && got.String() != want.String():
				t.Errorf("%s: documented %s, the model's is %s", key, got, want)
			}
		}
	}
	if pattern := reg.Map()["UserCreateDoc"].Properties["extension_number"].Pattern; pattern != fmt.Sprintf("^[0-9]{%d,%d}$", model.MinExtensionLen, model.MaxExtensionLen) {
		t.Errorf("UserCreateDoc.extension_number: pattern %s", pattern)
	}
	for _, list := range []map[string]limit{restated} {
		for key := range list {
			if !seen[key] {
				t.Errorf("%s is listed but the document has no bound there", key)
			}
		}
	}
	for key := range guards {
		if !seen[key] {
			t.Errorf("%s is listed as a guard but the document has no bound there", key)
		}
	}
}

// modelLimit is the bound a model type declares for member prop of t,
// when the member is a model type's own.
func modelLimit(t reflect.Type, prop string) (limit, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, f := range model.JSONFields(t) {
		if f.Name != prop {
			continue
		}
		owner := t
		if len(f.Index) > 1 {
			owner = t.FieldByIndex(f.Index[:len(f.Index)-1]).Type
		}
		if owner.PkgPath() != reflect.TypeOf(model.User{}).PkgPath() {
			return limit{}, false
		}
		return fromModel(model.Limits(owner)[prop]), true
	}
	return limit{}, false
}

// requestSchemas are the schemas of the document's JSON request bodies and
// every schema they refer to, sorted.
func requestSchemas(doc *huma.OpenAPI) []string {
	seen := map[string]bool{}
	var visit func(s *huma.Schema)
	visit = func(s *huma.Schema) {
		if s == nil {
			return
		}
		if s.Ref != "" {
			name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
			if seen[name] {
				return
			}
			seen[name] = true
			s = doc.Components.Schemas.Map()[name]
		}
		visit(s.Items)
		for _, p := range s.Properties {
			visit(p)
		}
		for _, sub := range append(append(s.OneOf, s.AnyOf...), s.AllOf...) {
			visit(sub)
		}
	}
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil || op.RequestBody == nil {
				continue
			}
			if mt := op.RequestBody.Content["application/json"]; mt != nil {
				visit(mt.Schema)
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
