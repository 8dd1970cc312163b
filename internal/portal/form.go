package portal

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// The user editor is generated from the user's types, so every setting the
// API has is on a page: each field's kind, choices and bounds come from
// the struct tags the API documents, and a section's form posts exactly
// its fields back to the same update as the API, as a patch of the typed
// user built from the inputs.

type kind int

const (
	kText kind = iota
	kBool
	kInt
	kEnum
	kList // []string, one per line
	kJSON // any other value (none is editable: see TestNoJSONInputs)
	kGroup
	kRows // a list of objects: rows of inputs (rows.go)
	kWeek // a week of office hours: a grid of days (rows.go)
)

// meta describes one setting (or a group of them).
type meta struct {
	Path     string // dotted JSON path, also the input's name
	Label    string
	Kind     kind
	Choices  []string
	Min, Max string
	MaxLen   string
	Children []*meta
	// Secret fields are shown empty and kept when left empty.
	Secret bool
	// Elem describes a list's items (kRows), paths relative to the item.
	Elem []*meta
	// HasMode: office hours, whose week comes with a GLOBAL/CUSTOM mode.
	HasMode bool
}

var secretPaths = map[string]bool{"voicemail_pin": true, "oncall_pin": true}

var userMeta = func() map[string]*meta {
	m := map[string]*meta{}
	describe(reflect.TypeOf(model.User{}), "", m)
	return m
}()

// describe fills m with the JSON members of t (flattening embedded
// structs), nested members under their dotted path.
func describe(t reflect.Type, prefix string, m map[string]*meta) []*meta {
	var out []*meta
	for _, jf := range model.JSONFields(t) {
		f, name := jf.Field, jf.Name
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		md := &meta{Path: path, Label: label(name), MaxLen: f.Tag.Get("maxLength"), Min: f.Tag.Get("minimum"), Max: f.Tag.Get("maximum"),
			Secret: secretPaths[path]}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case f.Tag.Get("enum") != "":
			md.Kind, md.Choices = kEnum, strings.Split(f.Tag.Get("enum"), ",")
		case ft.Kind() == reflect.String:
			md.Kind = kText
		case ft.Kind() == reflect.Bool:
			md.Kind = kBool
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Int64:
			md.Kind = kInt
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			md.Kind = kList
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			md.Kind, md.Elem = kRows, describeRows(ft.Elem())
		case ft == weekType || ft == officeHoursType:
			md.Kind, md.HasMode = kWeek, ft == officeHoursType
		case ft.Kind() == reflect.Struct && ft != reflect.TypeOf(model.OfficeHours{}) && ft.PkgPath() == reflect.TypeOf(model.User{}).PkgPath() && f.Type.Kind() != reflect.Pointer:
			md.Kind = kGroup
			md.Children = describe(ft, path, m)
		default:
			md.Kind = kJSON
		}
		m[path] = md
		out = append(out, md)
	}
	return out
}

// label turns a JSON name into words: "enable_dnd" → "Enable DND".
func label(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	words := strings.Split(name, "_")
	for i, w := range words {
		switch w {
		case "dnd", "pin", "sip", "sms", "blfs", "acb", "id", "ids", "otp", "cid", "vlan", "url", "mac":
			words[i] = strings.ToUpper(w)
		default:
			if i == 0 {
				words[i] = strings.ToUpper(w[:1]) + w[1:]
			}
		}
	}
	return strings.Join(words, " ")
}

// section is one titled group of settings on the editor.
type section struct {
	ID, Title string
	Fields    []string
}

// userSections group every setting as a person looks for it; whatever a
// section does not name lands in Advanced.
var userSections = func() []section {
	rules := []string{}
	for _, p := range []string{"available", "busy", "dnd", "away", "lunch", "trip", "offline"} {
		rules = append(rules, p+"_office_hours_forward_rule", p+"_non_office_hours_forward_rule")
	}
	sections := []section{
		{"general", "General", []string{"email", "first_name", "last_name", "display_name", "enabled", "mobile_phone", "work_phone",
			"home_phone", "address", "department", "billing_contact"}},
		{"calls", "Calls and forwarding", append([]string{"enable_dnd", "enable_call_waiting", "available_no_answer_forward_rule",
			"busy_no_answer_forward_rule"}, append(rules, "keep_original_caller_id", "require_key_press", "call_recording",
			"play_recording_announcement", "network_unavailable_number",
			"network_unavailable_ring_time", "network_unavailable_direct_calls_only")...)},
		{"hours", "Office hours and custom rules", []string{"office_hours", "custom_forward_rules"}},
		{"followme", "Follow Me", []string{"follow_me"}},
		{"voicemail", "Voicemail", []string{"voicemail_prompt", "enable_voicemail_pin", "voicemail_pin", "enable_voicemail_notify",
			"voicemail_play_datetime"}},
		{"security", "Security and SIP", []string{"otp_required", "max_bindings", "interface", "preferred_transport",
			"call_restrictions", "anonymous_outbound_calls", "delivery_outbound_cid", "outbound_caller_ids"}},
	}
	named := map[string]bool{}
	for _, s := range sections {
		for _, f := range s.Fields {
			named[f] = true
		}
	}
	var rest []string
	for path, md := range userMeta {
		if !strings.Contains(path, ".") && !named[path] && editable[path] && md != nil {
			rest = append(rest, path)
		}
	}
	sort.Strings(rest)
	return append(sections, section{"advanced", "Advanced", rest})
}()

// editable are the members an update accepts (the rest are shown read-only
// elsewhere or not at all).
var editable = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range []reflect.Type{reflect.TypeOf(model.UserFields{}), reflect.TypeOf(model.UserSettings{})} {
		for _, f := range model.JSONFields(t) {
			m[f.Name] = true
		}
	}
	return m
}()

// selfSections are what a user edits on My Phone.
var selfSections = []section{
	{"calls", "Forwarding", userSections[1].Fields},
	{"hours", "Office hours and custom rules", userSections[2].Fields},
	{"followme", "Follow Me", []string{"follow_me"}},
}

// field is one input ready for the template.
type field struct {
	*meta
	// Path is the input's name: meta's, or an item's member (blfs.0.key).
	Path     string
	ID       string
	Value    string
	Checked  bool
	Error    string
	Children []field
	Rows     []row
	Days     []day
	// Blank inputs belong to the empty row that adds an item.
	Blank bool
	// Caption and When name a cell of the presence matrix.
	Caption, When string
	// Folded inputs are inside a <details> element, Open when they hold
	// a value.
	Folded, Open bool
}

// fieldsFor builds the inputs of names from the user's JSON values and
// the errors by path.
func fieldsFor(names []string, values map[string]any, errs map[string]string) []field {
	var out []field
	for _, n := range names {
		md := userMeta[n]
		if md == nil || !editable[n] {
			continue
		}
		out = append(out, fieldAt(md, md.Path, values[n], errs))
	}
	return out
}

// fieldAt is the input of md at path (md's own, or an item's member)
// holding v.
func fieldAt(md *meta, path string, v any, errs map[string]string) field {
	f := field{meta: md, Path: path, ID: "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(path), Error: errs[path]}
	switch md.Kind {
	case kRows:
		rowsOf(&f, md, v, errs)
	case kWeek:
		weekOf(&f, md, v, errs)
	case kGroup:
		obj, _ := v.(map[string]any)
		for _, c := range md.Children {
			f.Children = append(f.Children, fieldAt(c, path+"."+c.Name(), obj[c.Name()], errs))
		}
		if f.Error == "" { // an error on a member we do not show
			for p, e := range errs {
				if strings.HasPrefix(p, path+".") && userMeta[p] == nil {
					f.Error = e
				}
			}
		}
	case kBool:
		f.Checked, _ = v.(bool)
	case kList:
		if l, ok := v.([]any); ok {
			parts := make([]string, len(l))
			for i, x := range l {
				parts[i] = fmt.Sprint(x)
			}
			f.Value = strings.Join(parts, "\n")
		}
	case kJSON:
		if v != nil {
			raw, _ := json.MarshalIndent(v, "", "  ")
			f.Value = string(raw)
		}
	case kInt:
		if n, ok := v.(float64); ok {
			f.Value = strconv.FormatInt(int64(n), 10)
		}
	default:
		if v != nil && !md.Secret {
			f.Value = fmt.Sprint(v)
		}
	}
	return f
}

// Name is the last element of the path.
func (m *meta) Name() string {
	if i := strings.LastIndexByte(m.Path, '.'); i >= 0 {
		return m.Path[i+1:]
	}
	return m.Path
}

func (m *meta) IsBool() bool  { return m.Kind == kBool }
func (m *meta) IsInt() bool   { return m.Kind == kInt }
func (m *meta) IsEnum() bool  { return m.Kind == kEnum }
func (m *meta) IsList() bool  { return m.Kind == kList }
func (m *meta) IsJSON() bool  { return m.Kind == kJSON }
func (m *meta) IsGroup() bool { return m.Kind == kGroup }
func (m *meta) IsRows() bool  { return m.Kind == kRows }
func (m *meta) IsWeek() bool  { return m.Kind == kWeek }

// patchFrom turns a section's posted form into the patch of an update:
// the section's fields (listed in _fields) and nothing else, each of its
// own type (an unchecked box is false). A value that cannot be read is
// reported by path.
func patchFrom(form url.Values) (*directory.UserPatch, map[string]string, error) {
	p := directory.NewPatch(directory.UserInput{})
	errs := map[string]string{}
	for _, n := range strings.Split(form.Get("_fields"), ",") {
		md := userMeta[n]
		if md == nil || !editable[n] {
			continue
		}
		if err := setFrom(p, md, form, errs); err != nil {
			return nil, nil, err
		}
	}
	return p, errs, nil
}

// setter is a patch being built (of a user, of a tenant).
type setter interface {
	Set(path string, v any) error
}

// setFrom gives p the value of md's input (a group's, each of its members').
func setFrom(p setter, md *meta, form url.Values, errs map[string]string) error {
	raw := form.Get(md.Path)
	var v any
	switch md.Kind {
	case kGroup:
		for _, c := range md.Children {
			if err := setFrom(p, c, form, errs); err != nil {
				return err
			}
		}
		return nil
	case kBool:
		v = raw != ""
	case kInt:
		if strings.TrimSpace(raw) == "" {
			return nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			errs[md.Path] = "must be a whole number"
			return nil
		}
		v = n
	case kList:
		lines := []string{}
		for _, line := range strings.Split(raw, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				lines = append(lines, line)
			}
		}
		v = lines
	case kRows:
		return p.Set(md.Path, rowsFrom(md, form, errs))
	case kWeek:
		return p.Set(md.Path, weekFrom(md, md.Path, form, errs))
	case kJSON:
		// Settings edited as JSON text read as the API reads them.
		if strings.TrimSpace(raw) == "" {
			return nil
		}
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			errs[md.Path] = "must be JSON"
			return nil
		}
	default:
		if md.Secret && raw == "" {
			return nil
		}
		v = raw
	}
	return p.Set(md.Path, v)
}
