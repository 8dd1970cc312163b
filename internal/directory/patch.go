package directory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// maxBodyDepth bounds the nesting of a JSON body.
const maxBodyDepth = 16

// decodeObject parses body as one JSON object into its top-level members.
func decodeObject(body []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, model.Invalid("body", "must be a JSON object")
	}
	if dec.More() {
		return nil, model.Invalid("body", "must hold exactly one JSON object")
	}
	return m, nil
}

// applyMembers applies JSON members onto dst (a pointer to a struct),
// keeping every field that is left out. Keys outside allowed are refused:
// readOnly ones as read-only, the rest as unknown. A null anywhere is
// refused (except under keys listed in nullable), as are values of the
// wrong JSON type (so "yes", 1 or null are never booleans).
func applyMembers(m map[string]json.RawMessage, dst any, allowed, readOnly, nullable map[string]bool) error {
	for _, k := range sortedKeys(m) {
		if !allowed[k] {
			if readOnly[k] {
				return model.Invalid(k, "is read-only and cannot be set here")
			}
			return model.Invalid(k, "is not a known field")
		}
		if err := refuseNulls(k, m[k], nullable, 0); err != nil {
			return err
		}
	}
	if len(m) == 0 {
		return nil
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("re-encode body: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonFieldError(err)
	}
	return nil
}

func refuseNulls(path string, raw json.RawMessage, nullable map[string]bool, depth int) error {
	if depth > maxBodyDepth {
		return model.Invalid(path, "is nested too deeply")
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case 'n':
		if nullable[lastKey(path)] {
			return nil
		}
		return model.Invalid(path, "must not be null")
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return model.Invalid(path, "is not valid JSON")
		}
		for _, k := range sortedKeys(m) {
			if err := refuseNulls(path+"."+k, m[k], nullable, depth+1); err != nil {
				return err
			}
		}
	case '[':
		var a []json.RawMessage
		if err := json.Unmarshal(raw, &a); err != nil {
			return model.Invalid(path, "is not valid JSON")
		}
		for i, v := range a {
			if err := refuseNulls(fmt.Sprintf("%s[%d]", path, i), v, nullable, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func lastKey(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

func jsonFieldError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := jsonPath(te.Field)
		if field == "" {
			field = "body"
		}
		return model.Invalid(field, "must be %s", jsonTypeName(te.Type))
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return model.Invalid(strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`), "is not a known field")
	}
	return model.Invalid("body", "is not valid JSON")
}

// jsonPath drops the Go names of embedded structs that encoding/json puts
// in an error's field path ("UserSettings.enable_dnd" -> "enable_dnd").
func jsonPath(p string) string {
	var keep []string
	for _, seg := range strings.Split(p, ".") {
		if seg != "" && !(seg[0] >= 'A' && seg[0] <= 'Z') {
			keep = append(keep, seg)
		}
	}
	return strings.Join(keep, ".")
}

func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	}
	return "of type " + t.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonKeys lists the JSON member names of a struct type, flattening
// embedded structs as encoding/json does and skipping `json:"-"`.
func jsonKeys(t reflect.Type) []string {
	var out []string
	for _, f := range model.JSONFields(t) {
		out = append(out, f.Name)
	}
	return out
}

func keySet(keys ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, ks := range keys {
		for _, k := range ks {
			m[k] = true
		}
	}
	return m
}

func without(m map[string]bool, keys ...string) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// stringMember decodes an optional string member, removing it from m.
func stringMember(m map[string]json.RawMessage, key string) (string, bool, error) {
	raw, ok := m[key]
	if !ok {
		return "", false, nil
	}
	delete(m, key)
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", true, model.Invalid(key, "must be a string")
	}
	return s, true, nil
}
