package model

import (
	"reflect"
	"strings"
)

// JSONField is one member of a struct as encoding/json sees it.
type JSONField struct {
	Name  string
	Field reflect.StructField
	// Index is the field's index path from the outer struct, through the
	// embedded structs it is flattened from (for reflect.Value.FieldByIndex).
	Index []int
}

// JSONFields lists the JSON members of struct type t in order, flattening
// embedded structs as encoding/json does and skipping `json:"-"` and
// unexported fields.
func JSONFields(t reflect.Type) []JSONField {
	var out []JSONField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name := strings.Split(tag, ",")[0]
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for _, inner := range JSONFields(f.Type) {
				inner.Index = append([]int{i}, inner.Index...)
				out = append(out, inner)
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, JSONField{Name: name, Field: f, Index: []int{i}})
	}
	return out
}

// NamedRule is one of a user's forward rules by its API name.
type NamedRule struct {
	Name, Action, Number string
}

// Rules lists the sixteen rules (presence x office hours, and the two
// no-answer rules) in declaration order, by their JSON names.
func (r *ForwardRules) Rules() []NamedRule {
	v := reflect.ValueOf(r).Elem()
	var out []NamedRule
	for i, f := range JSONFields(v.Type()) {
		rule := v.Field(i)
		out = append(out, NamedRule{Name: f.Name, Action: rule.FieldByName("Action").String(), Number: rule.FieldByName("Number").String()})
	}
	return out
}
