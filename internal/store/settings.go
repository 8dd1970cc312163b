package store

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// A user's settings are stored as the members that differ from a frozen
// baseline (the defaults of a new user when the baseline was written),
// behind a version marker: {"_v":1,"enable_dnd":true,...}. A new user
// stores a few dozen bytes instead of the ~2.7 KB of the whole document,
// and reading a user is still one row: the missing members come from the
// baseline. The baseline is frozen (a file, never computed from today's
// defaults), so changing a default later cannot change stored users;
// a new baseline would be version 2, beside this one. Rows written before
// the marker existed hold the whole document and read as before;
// compactSettings rewrites them.

//go:embed settings_base_v1.json
var settingsBaseV1 []byte

const settingsV1Prefix = `{"_v":1`

// settingsMember is one top-level member of the settings document.
type settingsMember struct {
	name  string
	index []int
	typ   reflect.Type
	// shared says the baseline's value holds slices, maps or pointers:
	// each user gets a copy of it, never the baseline's own.
	shared bool
}

var settingsCodec struct {
	once    sync.Once
	members []settingsMember
	base    map[string]json.RawMessage
	// defaults is the baseline decoded: what a member left out of a
	// stored difference holds.
	defaults model.UserSettings
	err      error
}

func settingsSetup() error {
	settingsCodec.once.Do(func() {
		settingsCodec.members = jsonMembers(reflect.TypeOf(model.UserSettings{}), nil)
		settingsCodec.err = json.Unmarshal(settingsBaseV1, &settingsCodec.base)
		for k, raw := range settingsCodec.base {
			// The file is indented for reading; members compare compact.
			var c bytes.Buffer
			if err := json.Compact(&c, raw); err != nil {
				settingsCodec.err = err
			}
			settingsCodec.base[k] = c.Bytes()
		}
		for _, m := range settingsCodec.members {
			if _, ok := settingsCodec.base[m.name]; !ok && settingsCodec.err == nil {
				settingsCodec.err = fmt.Errorf("settings baseline v1 lacks %q", m.name)
			}
		}
		if settingsCodec.err == nil {
			settingsCodec.err = json.Unmarshal(settingsBaseV1, &settingsCodec.defaults)
		}
		v := reflect.ValueOf(&settingsCodec.defaults).Elem()
		for i := range settingsCodec.members {
			m := &settingsCodec.members[i]
			m.shared = holdsReferences(v.FieldByIndex(m.index))
		}
	})
	return settingsCodec.err
}

// jsonMembers lists the JSON members of struct type t in encoding order,
// flattening embedded structs without a name as encoding/json does.
func jsonMembers(t reflect.Type, prefix []int) []settingsMember {
	var out []settingsMember
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		idx := append(append([]int(nil), prefix...), i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonMembers(f.Type, idx)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, settingsMember{name: name, index: idx, typ: f.Type})
	}
	return out
}

// encodeSettings is the stored text of s: the members that differ from
// the baseline.
func encodeSettings(s *model.UserSettings) (string, error) {
	if err := settingsSetup(); err != nil {
		return "", err
	}
	v := reflect.ValueOf(s).Elem()
	var b strings.Builder
	b.WriteString(settingsV1Prefix)
	for _, m := range settingsCodec.members {
		raw, err := json.Marshal(v.FieldByIndex(m.index).Interface())
		if err != nil {
			return "", fmt.Errorf("encode user settings %s: %w", m.name, err)
		}
		if bytes.Equal(raw, settingsCodec.base[m.name]) {
			continue
		}
		name, _ := json.Marshal(m.name)
		b.WriteByte(',')
		b.Write(name)
		b.WriteByte(':')
		b.Write(raw)
	}
	b.WriteByte('}')
	return b.String(), nil
}

// decodeSettings reads stored text into s: a versioned difference from
// the baseline, or (rows not yet compacted) the whole document. A
// difference is parsed once: the members it holds are decoded from it,
// the others copied from the decoded baseline.
func decodeSettings(text string, s *model.UserSettings) error {
	if !strings.HasPrefix(text, settingsV1Prefix) {
		return json.Unmarshal([]byte(text), s)
	}
	if err := settingsSetup(); err != nil {
		return err
	}
	var diff map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &diff); err != nil {
		return err
	}
	*s = settingsCodec.defaults
	v := reflect.ValueOf(s).Elem()
	for _, m := range settingsCodec.members {
		f := v.FieldByIndex(m.index)
		raw, ok := diff[m.name]
		if !ok {
			if m.shared {
				f.Set(deepCopy(f))
			}
			continue
		}
		// Into a zero value, as decoding the whole document did.
		nv := reflect.New(m.typ)
		if err := json.Unmarshal(raw, nv.Interface()); err != nil {
			return err
		}
		f.Set(nv.Elem())
	}
	return nil
}

// holdsReferences reports whether v reaches a non-nil slice, map or
// pointer (which a shallow copy would share).
func holdsReferences(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		return !v.IsNil()
	case reflect.Struct:
		for i := range v.NumField() {
			if holdsReferences(v.Field(i)) {
				return true
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if holdsReferences(v.Index(i)) {
				return true
			}
		}
	}
	return false
}

// deepCopy returns a copy of v sharing no slice, map or pointer with it
// (unexported struct fields, such as a time.Time's location, are shared).
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(deepCopy(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), deepCopy(it.Value()))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(deepCopy(v.Elem()))
		return out
	case reflect.Struct, reflect.Array:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		n := v.Len
		if v.Kind() == reflect.Struct {
			n = v.NumField
		}
		for i := range n() {
			if f := elem(out, i); f.CanSet() {
				f.Set(deepCopy(elem(v, i)))
			}
		}
		return out
	}
	return v
}

// elem is field i of a struct or element i of an array.
func elem(v reflect.Value, i int) reflect.Value {
	if v.Kind() == reflect.Struct {
		return v.Field(i)
	}
	return v.Index(i)
}

// compactSettings rewrites, in batches of one transaction each, the users
// whose settings still hold the whole document (written before the
// baseline existed) as their difference from it, and returns how many it
// rewrote. One pass in id order; a row changed meanwhile is left as it
// is (the update matches the old text), for the next migrate. It runs
// with every migrate and reads no row twice.
func (s *Store) compactSettings(ctx context.Context) (int, error) {
	const batch = 500
	total, after := 0, ""
	for {
		n := 0
		err := s.inTx(ctx, func(c conn) error {
			rows, err := c.query(ctx, `SELECT id, settings FROM users WHERE id > ? AND settings NOT LIKE ? ESCAPE '\' ORDER BY id LIMIT ?`,
				after, strings.Replace(settingsV1Prefix, "_", `\_`, 1)+"%", batch)
			if err != nil {
				return fmt.Errorf("read settings to compact: %w", err)
			}
			type row struct{ id, old, new string }
			var todo []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.old); err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, r)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			for _, r := range todo {
				var us model.UserSettings
				if err := decodeSettings(r.old, &us); err != nil {
					return fmt.Errorf("decode settings of user %s: %w", r.id, err)
				}
				compact, err := encodeSettings(&us)
				if err != nil {
					return err
				}
				if _, err := c.exec(ctx, `UPDATE users SET settings = ? WHERE id = ? AND settings = ?`, compact, r.id, r.old); err != nil {
					return fmt.Errorf("compact settings of user %s: %w", r.id, err)
				}
			}
			n = len(todo)
			if n > 0 {
				after = todo[n-1].id
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}
