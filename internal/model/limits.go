package model

import (
	"fmt"
	"reflect"
	"strconv"
)

// A member's bounds are declared once, in the struct tags of the model's
// types (maxLength, maxItems, minimum, maximum): huma puts them in the
// OpenAPI document, the portal on its inputs, and validation reads them
// through bound, so no bound is written twice. The bounds of formats that
// several members share (a username, an email address, a phone number, a
// password) are constants (MaxNameLen, MaxEmailLen, MaxPhoneLen,
// MaxPasswordLen, ...). The API's tests hold every bound of the served
// document to these.

// Limit is what a member's tags bound; a zero MaxLength or MaxItems, or a
// nil Minimum or Maximum, bounds nothing.
type Limit struct {
	MaxLength, MaxItems int
	Minimum, Maximum    *int
}

// limitTags are the tags that bound a member.
var limitTags = []string{"maxLength", "maxItems", "minimum", "maximum"}

// Limits lists the bounds t's members declare, by JSON path at any depth
// ("office_hours.monday.ranges"; a list's items under the list's path,
// "blfs.key"). Members that declare none are left out.
func Limits(t reflect.Type) map[string]Limit {
	out := map[string]Limit{}
	collectLimits(t, "", out, map[reflect.Type]bool{})
	return out
}

func collectLimits(t reflect.Type, prefix string, out map[string]Limit, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	defer delete(seen, t)
	for _, f := range JSONFields(t) {
		path := prefix + f.Name
		var l Limit
		for _, key := range limitTags {
			v, ok := f.Field.Tag.Lookup(key)
			if !ok {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				panic(fmt.Sprintf("model: %s.%s: tag %s:%q is not an integer", t.Name(), f.Name, key, v))
			}
			switch key {
			case "maxLength":
				l.MaxLength = n
			case "maxItems":
				l.MaxItems = n
			case "minimum":
				l.Minimum = &n
			case "maximum":
				l.Maximum = &n
			}
		}
		if l != (Limit{}) {
			out[path] = l
		}
		collectLimits(f.Field.Type, path+".", out, seen)
	}
}

// maxLengths are the maxLength bounds of T's members names.
func maxLengths[T any](names ...string) map[string]int {
	m := make(map[string]int, len(names))
	for _, n := range names {
		m[n] = bound[T]("maxLength", n)
	}
	return m
}

// bound is one bound T declares: the tag key (maxLength, maxItems,
// minimum or maximum) of the member at path. A bound that is not declared
// is a programming error, found when the package is loaded.
func bound[T any](key, path string) int {
	l, ok := Limits(reflect.TypeFor[T]())[path]
	var v *int
	switch {
	case !ok:
	case key == "maxLength" && l.MaxLength > 0:
		v = &l.MaxLength
	case key == "maxItems" && l.MaxItems > 0:
		v = &l.MaxItems
	case key == "minimum":
		v = l.Minimum
	case key == "maximum":
		v = l.Maximum
	}
	if v == nil {
		panic(fmt.Sprintf("model: %s declares no %s for %s", reflect.TypeFor[T]().Name(), key, path))
	}
	return *v
}
