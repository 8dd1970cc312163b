package directory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Patch is the body of a create or an update, read once where it arrives
// (the API's handler, a portal form, a CSV row) and handed to the
// directory typed: Value holds the members given, and the patch knows
// which members were given at every depth, so that applying it changes
// exactly those. A member left out keeps its value; an object given
// changes only its own members given (but a forward rule given loses its
// number unless the number is given too: the number belongs to the
// action, see model.ForwardRule.ResetOnPatch); an array given sets the list's
// length, its objects merging into the elements already there, as
// encoding/json has always decoded the API's bodies.
//
// Reading a patch never fails on a member: the first problem of each
// member (a null where a value is needed, a value of the wrong type, an
// unknown nested member) is kept, and the use case that takes the patch
// reports it, knowing which members it accepts (see check).
type Patch[T any] struct {
	// Value holds the members given, decoded; the rest are zero.
	Value T
	// root holds the members as given, for applying them in place and
	// for the audit log.
	root     *node
	problems map[string]memberProblems
	// err is a mistake in building the patch (a member T lacks).
	err error
}

// memberProblems are what reading one member found.
type memberProblems struct {
	null  error // a null where none is allowed, or nesting too deep
	value error // the first value of a wrong type, or unknown member
	self  error // a value that decodes itself and failed
}

// DecodePatch reads a JSON body: one object whose members are T's.
func DecodePatch[T any](body []byte) (*Patch[T], error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	root, err := parseJSON(dec, 0)
	if err != nil || root.kind != '{' {
		return nil, model.Invalid("body", "must be a JSON object")
	}
	if dec.More() {
		return nil, model.Invalid("body", "must hold exactly one JSON object")
	}
	// The members of the body, as a map keeps them: the last of duplicates.
	members := lastMembers(root)
	p := &Patch[T]{root: &node{kind: '{'}}
	for _, k := range sortedKeys(members) {
		p.root.set(k, members[k])
	}
	p.decodeAll()
	return p, nil
}

// NewPatch is a patch giving the members names (JSON names) of v, for
// callers that build a body from typed values (the portal's forms, the
// first Admin of a tenant).
func NewPatch[T any](v T, names ...string) *Patch[T] {
	p := &Patch[T]{root: &node{kind: '{'}}
	rv := reflect.ValueOf(v)
	fields := jsonFieldsOf(rv.Type())
	for _, name := range names {
		f, ok := fields.exact[name]
		if !ok {
			p.err = fmt.Errorf("patch: %T has no member %q", v, name)
			continue
		}
		n, err := nodeOf(rv.FieldByIndex(f.Index))
		if err != nil {
			p.err = err
			continue
		}
		p.root.set(name, n)
	}
	p.decodeAll()
	return p
}

// Set gives the member at path (JSON names joined by dots, such as
// "follow_me.ring_time") the value v: a value of the member's own type, or
// a JSON value as encoding/json decodes it into an any (for members edited
// as JSON text), which is then read as a body's member is.
func (p *Patch[T]) Set(path string, v any) error {
	parts := strings.Split(path, ".")
	t, err := memberType(reflect.TypeOf(p.Value), parts)
	if err != nil {
		return err
	}
	if v != nil && !reflect.TypeOf(v).AssignableTo(t) && !isGenericJSON(v) {
		return fmt.Errorf("patch: %s is a %s, not a %T", path, t, v)
	}
	n, err := nodeOf(reflect.ValueOf(v))
	if err != nil {
		return err
	}
	p.put(parts, n)
	return nil
}

// SetJSON gives the member at path the JSON text raw, read exactly as the
// same member of a body is.
func (p *Patch[T]) SetJSON(path string, raw []byte) error {
	parts := strings.Split(path, ".")
	if _, err := memberType(reflect.TypeOf(p.Value), parts); err != nil {
		return err
	}
	n, err := parseText(raw)
	if err != nil {
		return err
	}
	p.put(parts, n)
	return nil
}

// put places n at path, under objects made as needed, and decodes the
// top-level member again.
func (p *Patch[T]) put(parts []string, n *node) {
	obj := p.root
	for _, part := range parts[:len(parts)-1] {
		next, ok := obj.member(part)
		if !ok || next.kind != '{' {
			next = &node{kind: '{'}
			obj.set(part, next)
		}
		obj = next
	}
	obj.set(parts[len(parts)-1], n)
	p.decodeMember(parts[0])
}

// memberType is the type of the member at path in t.
func memberType(t reflect.Type, path []string) (reflect.Type, error) {
	for _, name := range path {
		if t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("patch: %s is not an object", strings.Join(path, "."))
		}
		f, ok := jsonFieldsOf(t).exact[name]
		if !ok {
			return nil, fmt.Errorf("patch: %s has no member %q", t, name)
		}
		t = f.Field.Type
	}
	return t, nil
}

func isGenericJSON(v any) bool {
	switch v.(type) {
	case map[string]any, []any, float64, string, bool:
		return true
	}
	return false
}

func (p *Patch[T]) decodeAll() {
	p.problems = map[string]memberProblems{}
	for _, k := range p.root.keys {
		p.decodeMember(k)
	}
}

// decodeMember decodes the top-level member k into Value, again, and
// keeps its problems.
func (p *Patch[T]) decodeMember(k string) {
	delete(p.problems, k)
	v := reflect.ValueOf(&p.Value).Elem()
	n, _ := p.root.member(k)
	pr := memberProblems{null: refuseNulls(k, n, nullableNames(v.Type()), 0)}
	if f, ok := jsonFieldsOf(v.Type()).exact[k]; ok {
		fv := v.FieldByIndex(f.Index)
		fv.SetZero()
		d := &decodeState{}
		if err := d.value(n, fv, []string{k}); err != nil {
			pr.self = selfDecodeError([]string{k}, err)
		}
		pr.value = d.saved
	}
	if pr != (memberProblems{}) {
		p.problems[k] = pr
	}
}

// keys are the top-level members given, in name order (the order in which
// they are checked and applied).
func (p *Patch[T]) keys() []string {
	keys := append([]string(nil), p.root.keys...)
	sort.Strings(keys)
	return keys
}

// Has reports whether the top-level member name was given.
func (p *Patch[T]) Has(name string) bool {
	_, ok := p.root.member(name)
	return ok
}

// Given is the set of top-level members given.
func (p *Patch[T]) Given() map[string]bool {
	out := make(map[string]bool, len(p.root.keys))
	for _, k := range p.root.keys {
		out[k] = true
	}
	return out
}

// Fields are the members given as the audit log records them (the store
// masks the secrets among them).
func (p *Patch[T]) Fields() map[string]any {
	m, _ := p.root.generic().(map[string]any)
	return m
}

// own reads a member the use case takes itself rather than applying it (a
// password, an avatar's file): a null counts as empty, a value of another
// type is refused. Its value is in Value.
func (p *Patch[T]) own(name string) (given bool, err error) {
	if !p.Has(name) {
		return false, nil
	}
	pr := p.problems[name]
	if pr.self != nil {
		return true, pr.self
	}
	return true, pr.value
}

// fieldRules say which members of a body a use case takes: accepted ones
// are applied to the object by name; read-only ones are refused as
// read-only, any other as unknown; own ones the use case reads itself.
type fieldRules struct {
	accept, readOnly, own map[string]bool
}

// check refuses the patch as the directory always has: going through the
// members in name order, the first that is not accepted (as read-only or
// unknown) or holds a null; then the first, in name order, that decodes
// itself and fails; then the first whose value does not fit its type.
func (p *Patch[T]) check(r fieldRules) error {
	if p.err != nil {
		return p.err
	}
	keys := p.keys()
	for _, k := range keys {
		switch {
		case r.own[k]:
		case !r.accept[k] && r.readOnly[k]:
			return model.Invalid(k, "is read-only and cannot be set here")
		case !r.accept[k]:
			return model.Invalid(k, "is not a known field")
		case p.problems[k].null != nil:
			return p.problems[k].null
		}
	}
	for _, k := range keys {
		if err := p.problems[k].self; err != nil && !r.own[k] {
			return err
		}
	}
	for _, k := range keys {
		if err := p.problems[k].value; err != nil && !r.own[k] {
			return err
		}
	}
	return nil
}

// apply checks the patch and applies its members to dst by JSON name, as
// they were given: into the stored object, so that a member left out
// keeps its value and an object given merges into it.
func apply[T, D any](p *Patch[T], dst *D, r fieldRules) error {
	if err := p.check(r); err != nil {
		return err
	}
	v := reflect.ValueOf(dst).Elem()
	fields := jsonFieldsOf(v.Type())
	for _, k := range p.keys() {
		if r.own[k] {
			continue
		}
		f, ok := fields.exact[k]
		if !ok {
			return fmt.Errorf("patch: %T has no member %q", dst, k)
		}
		n, _ := p.root.member(k)
		d := &decodeState{}
		if err := d.value(n, v.FieldByIndex(f.Index), []string{k}); err != nil {
			return selfDecodeError([]string{k}, err)
		}
		if d.saved != nil {
			return d.saved
		}
	}
	return nil
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

// keysOf lists a body type's members, minus the given ones.
func keysOf(v any, except ...string) map[string]bool {
	return without(keySet(jsonKeys(reflect.TypeOf(v))), except...)
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

// IsReadOnlyField reports whether name is a top-level member that some
// resource shows but no body may set (an id, a creation time, a file's
// size): the API names such a member as read-only rather than unknown
// when its schema check refuses it before the directory sees the body.
func IsReadOnlyField(name string) bool {
	for _, r := range []fieldRules{userAdminRules, contactRules, groupRules, meetingCreateRules, huntRules, roleRules, tenantRules} {
		if r.readOnly[name] {
			return true
		}
	}
	return userReadOnly[name] || slices.Contains(phoneFixed, name)
}
