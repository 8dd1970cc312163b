package directory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// A body is parsed once into nodes: JSON values that keep an object's
// members in the order they were written (duplicates too). Decoding nodes
// into Go values follows encoding/json to the letter (see decodeState), so
// a body means exactly what it meant when it was decoded with it.

// node is one parsed JSON value.
type node struct {
	kind byte   // '{' object, '[' array, '"' string, '0' number, 't' boolean, 'n' null
	text string // a string's value, a number's literal
	bool bool
	keys []string // an object's member names, in order
	vals []*node  // an object's member values, or an array's elements
}

// maxJSONDepth is encoding/json's own bound on nesting.
const maxJSONDepth = 10000

// errSyntax stands for any JSON text that does not parse.
var errSyntax = errors.New("invalid JSON")

// parseJSON parses one JSON value from dec.
func parseJSON(dec *json.Decoder, depth int) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, errSyntax
	}
	return parseToken(dec, tok, depth)
}

func parseToken(dec *json.Decoder, tok json.Token, depth int) (*node, error) {
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxJSONDepth || (t != '{' && t != '[') {
			return nil, errSyntax
		}
		n := &node{kind: byte(t)}
		for dec.More() {
			if t == '{' {
				k, err := dec.Token()
				key, ok := k.(string)
				if err != nil || !ok {
					return nil, errSyntax
				}
				n.keys = append(n.keys, key)
			}
			v, err := parseJSON(dec, depth+1)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, errSyntax
		}
		return n, nil
	case string:
		return &node{kind: '"', text: t}, nil
	case json.Number:
		return &node{kind: '0', text: string(t)}, nil
	case bool:
		return &node{kind: 't', bool: t}, nil
	case nil:
		return &node{kind: 'n'}, nil
	}
	return nil, errSyntax
}

// parseText parses raw as exactly one JSON value.
func parseText(raw []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := parseJSON(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errSyntax
	}
	return n, nil
}

// member returns the value of an object's member key: the last one, as a
// JSON object decoded into a map keeps it.
func (n *node) member(key string) (*node, bool) {
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.vals[i], true
		}
	}
	return nil, false
}

// set gives an object the member key, replacing it if present.
func (n *node) set(key string, v *node) {
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			n.vals[i] = v
			return
		}
	}
	n.keys, n.vals = append(n.keys, key), append(n.vals, v)
}

// generic is the value as encoding/json decodes it into an any: objects
// become maps (the last of duplicate members wins), numbers float64.
func (n *node) generic() any {
	switch n.kind {
	case '{':
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			m[k] = n.vals[i].generic()
		}
		return m
	case '[':
		a := make([]any, len(n.vals))
		for i, v := range n.vals {
			a[i] = v.generic()
		}
		return a
	case '"':
		return n.text
	case '0':
		f, _ := strconv.ParseFloat(n.text, 64)
		return f
	case 't':
		return n.bool
	}
	return nil
}

// json writes the value back as JSON text (for types that decode
// themselves).
func (n *node) json() []byte {
	var b bytes.Buffer
	n.write(&b)
	return b.Bytes()
}

func (n *node) write(b *bytes.Buffer) {
	switch n.kind {
	case '{', '[':
		b.WriteByte(n.kind)
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			if n.kind == '{' {
				writeString(b, n.keys[i])
				b.WriteByte(':')
			}
			v.write(b)
		}
		b.WriteByte(map[byte]byte{'{': '}', '[': ']'}[n.kind])
	case '"':
		writeString(b, n.text)
	case '0':
		b.WriteString(n.text)
	case 't':
		b.WriteString(strconv.FormatBool(n.bool))
	default:
		b.WriteString("null")
	}
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode ends with a newline
}

// nodeOf is the node of a Go value, as encoding/json would write it.
func nodeOf(v reflect.Value) (*node, error) {
	if !v.IsValid() {
		return &node{kind: 'n'}, nil
	}
	if m, ok := reflect.TypeAssert[json.Marshaler](v); ok && (v.Kind() != reflect.Pointer || !v.IsNil()) {
		raw, err := m.MarshalJSON()
		if err != nil {
			return nil, err
		}
		return parseText(raw)
	}
	switch v.Kind() {
	case reflect.String:
		return &node{kind: '"', text: v.String()}, nil
	case reflect.Bool:
		return &node{kind: 't', bool: v.Bool()}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &node{kind: '0', text: strconv.FormatInt(v.Int(), 10)}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &node{kind: '0', text: strconv.FormatUint(v.Uint(), 10)}, nil
	case reflect.Float32, reflect.Float64:
		raw, err := json.Marshal(v.Float())
		if err != nil {
			return nil, err
		}
		return &node{kind: '0', text: string(raw)}, nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return &node{kind: 'n'}, nil
		}
		return nodeOf(v.Elem())
	case reflect.Map:
		if v.IsNil() {
			return &node{kind: 'n'}, nil
		}
		n := &node{kind: '{'}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			e, err := nodeOf(v.MapIndex(k))
			if err != nil {
				return nil, err
			}
			n.keys, n.vals = append(n.keys, k.String()), append(n.vals, e)
		}
		return n, nil
	case reflect.Slice:
		if v.IsNil() {
			return &node{kind: 'n'}, nil
		}
		n := &node{kind: '['}
		for i := 0; i < v.Len(); i++ {
			e, err := nodeOf(v.Index(i))
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, e)
		}
		return n, nil
	case reflect.Struct:
		n := &node{kind: '{'}
		for _, f := range model.JSONFields(v.Type()) {
			fv := v.FieldByIndex(f.Index)
			if omitEmpty(f.Field) && isEmptyValue(fv) {
				continue
			}
			e, err := nodeOf(fv)
			if err != nil {
				return nil, err
			}
			n.keys, n.vals = append(n.keys, f.Name), append(n.vals, e)
		}
		return n, nil
	}
	return nil, fmt.Errorf("patch: cannot take a %s", v.Type())
}

func omitEmpty(f reflect.StructField) bool {
	_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	return slices.Contains(strings.Split(opts, ","), "omitempty")
}

// isEmptyValue is encoding/json's notion of empty for omitempty.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
