package model

import (
	"reflect"
	"strings"
)

// JSONField is one member of a struct as encoding/json sees it.
type JSONField struct {
	Name  string
	Field reflect.StructField
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
			out = append(out, JSONFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, JSONField{Name: name, Field: f})
	}
	return out
}
