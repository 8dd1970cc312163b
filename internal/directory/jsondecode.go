package directory

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// decodeState decodes nodes into Go values as encoding/json's Decoder does
// with DisallowUnknownFields: into an existing value (objects given merge
// into structs, arrays replace slices element by element), a value of the
// wrong type or an unknown member is kept (the first one) and decoding
// goes on, and a type that decodes itself and fails stops it. Problems are
// FieldErrors named by the JSON path without array indexes, as
// encoding/json names them.
type decodeState struct {
	saved error
}

func (d *decodeState) save(err error) {
	if d.saved == nil {
		d.saved = err
	}
}

func (d *decodeState) value(n *node, v reflect.Value, path []string) error {
	if !v.IsValid() {
		return nil
	}
	switch n.kind {
	case '{':
		return d.object(n, v, path)
	case '[':
		return d.array(n, v, path)
	}
	return d.literal(n, v, path)
}

func typeError(path []string, t reflect.Type) error {
	field := strings.Join(path, ".")
	if field == "" {
		field = "body"
	}
	return model.Invalid(field, "must be %s", jsonTypeName(t))
}

// selfDecodeError names the problem of a type that decodes itself.
func selfDecodeError(path []string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return typeError(append(path[:len(path):len(path)], te.Field), te.Type)
	}
	return model.Invalid("body", "is not valid JSON")
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

// indirect walks down v allocating pointers, until a non-pointer or a type
// that decodes itself (encoding/json's rules; with null it stops at the
// first pointer it can set to nil).
func indirect(v reflect.Value, null bool) (json.Unmarshaler, encoding.TextUnmarshaler, reflect.Value) {
	v0, haveAddr := v, false
	if v.Kind() != reflect.Pointer && v.Type().Name() != "" && v.CanAddr() {
		haveAddr, v = true, v.Addr()
	}
	for v.Kind() == reflect.Pointer {
		if null && v.CanSet() {
			break
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if v.Type().NumMethod() > 0 && v.CanInterface() {
			if u, ok := reflect.TypeAssert[json.Unmarshaler](v); ok {
				return u, nil, reflect.Value{}
			}
			if u, ok := reflect.TypeAssert[encoding.TextUnmarshaler](v); ok && !null {
				return nil, u, reflect.Value{}
			}
		}
		if haveAddr {
			v, haveAddr = v0, false
		} else {
			v = v.Elem()
		}
	}
	return nil, nil, v
}

// container finds where an object or array node goes: done when a type
// that decodes itself took it (err is its failure) or refused it.
func (d *decodeState) container(n *node, v reflect.Value, path []string) (target reflect.Value, done bool, err error) {
	u, ut, pv := indirect(v, false)
	if u != nil {
		return reflect.Value{}, true, u.UnmarshalJSON(n.json())
	}
	if ut != nil {
		d.save(typeError(path, v.Type()))
		return reflect.Value{}, true, nil
	}
	return pv, false, nil
}

func (d *decodeState) object(n *node, v reflect.Value, path []string) error {
	v, done, err := d.container(n, v, path)
	if done {
		return err
	}
	switch {
	case v.Kind() == reflect.Interface && v.NumMethod() == 0:
		v.Set(reflect.ValueOf(n.generic()))
		return nil
	case v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		for i, k := range n.keys {
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := d.value(n.vals[i], elem, path); err != nil {
				return err
			}
			v.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), elem)
		}
		return nil
	case v.Kind() != reflect.Struct:
		d.save(typeError(path, v.Type()))
		return nil
	}
	if r, ok := reflect.TypeAssert[interface{ ResetOnPatch() }](v.Addr()); ok && v.CanAddr() {
		r.ResetOnPatch()
	}
	fields := jsonFieldsOf(v.Type())
	for i, k := range n.keys {
		f, ok := fields.lookup(k)
		if !ok {
			d.save(model.Invalid(strings.Trim(fmt.Sprintf("%q", k), `"`), "is not a known field"))
			continue
		}
		if err := d.value(n.vals[i], v.FieldByIndex(f.Index), append(path[:len(path):len(path)], f.Name)); err != nil {
			return err
		}
	}
	return nil
}

func (d *decodeState) array(n *node, v reflect.Value, path []string) error {
	v, done, err := d.container(n, v, path)
	if done {
		return err
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.NumMethod() == 0 {
			v.Set(reflect.ValueOf(n.generic()))
			return nil
		}
		d.save(typeError(path, v.Type()))
		return nil
	case reflect.Slice, reflect.Array:
	default:
		d.save(typeError(path, v.Type()))
		return nil
	}
	i := 0
	for _, e := range n.vals {
		if v.Kind() == reflect.Slice {
			if i >= v.Cap() {
				v.Grow(1)
			}
			if i >= v.Len() {
				v.SetLen(i + 1)
			}
		}
		if i < v.Len() {
			if err := d.value(e, v.Index(i), path); err != nil {
				return err
			}
		}
		i++
	}
	if i < v.Len() {
		if v.Kind() == reflect.Array {
			for ; i < v.Len(); i++ {
				v.Index(i).SetZero()
			}
		} else {
			v.SetLen(i)
		}
	}
	if i == 0 && v.Kind() == reflect.Slice {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	return nil
}

func (d *decodeState) literal(n *node, v reflect.Value, path []string) error {
	u, ut, pv := indirect(v, n.kind == 'n')
	if u != nil {
		return u.UnmarshalJSON(n.json())
	}
	if ut != nil {
		if n.kind != '"' {
			d.save(typeError(path, v.Type()))
			return nil
		}
		return ut.UnmarshalText([]byte(n.text))
	}
	v = pv
	if v.Kind() == reflect.Interface && v.NumMethod() == 0 {
		v.Set(reflect.ValueOf(n.generic()))
		return nil
	}
	switch n.kind {
	case 'n':
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice:
			v.SetZero()
		}
	case 't':
		if v.Kind() != reflect.Bool {
			d.save(typeError(path, v.Type()))
			return nil
		}
		v.SetBool(n.bool)
	case '"':
		d.storeString(n.text, v, path)
	default:
		d.storeNumber(n.text, v, path)
	}
	return nil
}

func (d *decodeState) storeString(s string, v reflect.Value, path []string) {
	switch {
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			d.save(model.Invalid("body", "is not valid JSON"))
			return
		}
		v.SetBytes(b)
	default:
		d.save(typeError(path, v.Type()))
	}
}

func (d *decodeState) storeNumber(s string, v reflect.Value, path []string) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(n) {
			d.save(typeError(path, v.Type()))
			return
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v.OverflowUint(n) {
			d.save(typeError(path, v.Type()))
			return
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil || v.OverflowFloat(f) {
			d.save(typeError(path, v.Type()))
			return
		}
		v.SetFloat(f)
	case reflect.String:
		if v.Type() != reflect.TypeFor[json.Number]() {
			d.save(typeError(path, v.Type()))
			return
		}
		v.SetString(s)
	default:
		d.save(typeError(path, v.Type()))
	}
}

// jsonFields are a struct's JSON members, found by name as encoding/json
// finds them: the exact name first, then ignoring case.
type jsonFields struct {
	list  []model.JSONField
	exact map[string]model.JSONField
}

func (fs *jsonFields) lookup(key string) (model.JSONField, bool) {
	if f, ok := fs.exact[key]; ok {
		return f, true
	}
	for _, f := range fs.list {
		if strings.EqualFold(f.Name, key) {
			return f, true
		}
	}
	return model.JSONField{}, false
}

var jsonFieldsCache sync.Map // reflect.Type -> *jsonFields

func jsonFieldsOf(t reflect.Type) *jsonFields {
	if fs, ok := jsonFieldsCache.Load(t); ok {
		return fs.(*jsonFields)
	}
	fs := &jsonFields{list: model.JSONFields(t), exact: map[string]model.JSONField{}}
	for _, f := range fs.list {
		if _, dup := fs.exact[f.Name]; !dup {
			fs.exact[f.Name] = f
		}
	}
	jsonFieldsCache.Store(t, fs)
	return fs
}

// maxBodyDepth bounds the nesting of a body's members.
const maxBodyDepth = 16

// refuseNulls finds, in name order, the first null under a member that is
// not in nullable (by its last name), or nesting deeper than maxBodyDepth.
func refuseNulls(path string, n *node, nullable map[string]bool, depth int) error {
	if depth > maxBodyDepth {
		return model.Invalid(path, "is nested too deeply")
	}
	switch n.kind {
	case 'n':
		if nullable[lastKey(path)] {
			return nil
		}
		return model.Invalid(path, "must not be null")
	case '{':
		members := lastMembers(n)
		for _, k := range sortedKeys(members) {
			if err := refuseNulls(path+"."+k, members[k], nullable, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for i, v := range n.vals {
			if err := refuseNulls(fmt.Sprintf("%s[%d]", path, i), v, nullable, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// lastMembers are an object's members by name, the last of duplicates.
func lastMembers(n *node) map[string]*node {
	m := make(map[string]*node, len(n.keys))
	for i, k := range n.keys {
		m[k] = n.vals[i]
	}
	return m
}

func lastKey(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

var nullableCache sync.Map // reflect.Type -> map[string]bool

// nullableNames are the JSON names of t's pointer members at any depth: a
// null there means "none" (a rule's hours, a meeting's schedule), while a
// null anywhere else is refused.
func nullableNames(t reflect.Type) map[string]bool {
	if m, ok := nullableCache.Load(t); ok {
		return m.(map[string]bool)
	}
	out := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for _, f := range model.JSONFields(t) {
			if f.Field.Type.Kind() == reflect.Pointer {
				out[f.Name] = true
			}
			walk(f.Field.Type)
		}
	}
	walk(t)
	nullableCache.Store(t, out)
	return out
}
