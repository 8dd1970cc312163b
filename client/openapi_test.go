package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/api"
)

// operation is one operation of the API and the client call that performs
// it: req and resp are values of the types the client encodes and decodes
// (nil: no JSON body).
type operation struct {
	id        string
	req, resp any
	call      func(c *Client) error
}

// ig drops a call's value and keeps its error.
func ig[T any](_ T, err error) error { return err }

// openAPI is the part of the document the test reads.
type openAPI struct {
	Paths      map[string]map[string]*apiOperation `json:"paths"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

type apiOperation struct {
	OperationID string `json:"operationId"`
	Parameters  []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema *schema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct {
			Schema *schema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
	method, path string
}

type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 any                `json:"type"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	Items                *schema            `json:"items"`
	AdditionalProperties any                `json:"additionalProperties"`
}

// servedDocument fetches the OpenAPI document as the server serves it.
func servedDocument(t *testing.T) (*openAPI, []byte) {
	t.Helper()
	srv := httptest.NewServer(api.New(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer srv.Close()
	raw, err := New(srv.URL).OpenAPI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPI
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for path, methods := range doc.Paths {
		for m, op := range methods {
			op.method, op.path = strings.ToUpper(m), path
		}
	}
	return &doc, raw
}

// recorded is what the client sent for one call.
type recorded struct {
	method, path, contentType string
	query                     []string
}

// recorder answers every request with 200 {} and keeps what it got.
func recorder(t *testing.T) (*Client, func() recorded) {
	var mu sync.Mutex
	var last recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		last = recorded{method: r.Method, path: r.URL.EscapedPath(), contentType: r.Header.Get("Content-Type")}
		for k := range r.URL.Query() {
			last.query = append(last.query, k)
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return New(srv.URL, WithToken("t")), func() recorded { mu.Lock(); defer mu.Unlock(); return last }
}

// TestClientCoversTheOpenAPIDocument calls every client method against a
// recorder and checks it reaches the operation the table says, that the
// table names every operation of the served document, and that every
// JSON member of the client's wire types is in the operation's schema,
// with the required members of a body always sent.
func TestClientCoversTheOpenAPIDocument(t *testing.T) {
	doc, _ := servedDocument(t)
	byID := map[string]*apiOperation{}
	for _, methods := range doc.Paths {
		for _, op := range methods {
			byID[op.OperationID] = op
		}
	}
	c, last := recorder(t)
	covered := map[string]bool{}
	for _, o := range operations() {
		op, ok := byID[o.id]
		if !ok {
			t.Errorf("%s: no such operation in the document", o.id)
			continue
		}
		if covered[o.id] {
			t.Errorf("%s: listed twice", o.id)
		}
		covered[o.id] = true
		if err := o.call(c); err != nil {
			t.Errorf("%s: %v", o.id, err)
			continue
		}
		checkCall(t, o.id, op, last())
		ck := &checker{doc: doc}
		ck.body(o.id+" request", o.req, requestSchema(op), true)
		ck.body(o.id+" answer", o.resp, responseSchema(op), false)
		for _, e := range ck.errs {
			t.Error(e)
		}
	}
	var missing []string
	for id := range byID {
		if !covered[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the client has no call for %d operations: %s", len(missing), strings.Join(missing, ", "))
	}
	t.Logf("the client covers %d of the document's %d operations", len(covered), len(byID))
}

// checkCall compares a recorded request with the operation's method, path
// (parameters filled with X1, X2 in order) and query parameters.
func checkCall(t *testing.T, id string, op *apiOperation, got recorded) {
	t.Helper()
	want, n := op.path, 0
	for strings.Contains(want, "{") {
		n++
		i, j := strings.Index(want, "{"), strings.Index(want, "}")
		want = want[:i] + fmt.Sprintf("X%d", n) + want[j+1:]
	}
	if got.method != op.method || got.path != want {
		t.Errorf("%s: sent %s %s, want %s %s", id, got.method, got.path, op.method, want)
	}
	var names []string
	for _, p := range op.Parameters {
		if p.In == "query" {
			names = append(names, p.Name)
		}
	}
	for _, q := range got.query {
		if !slices.Contains(names, q) {
			t.Errorf("%s: query parameter %q is not in the document (%v)", id, q, names)
		}
	}
	if ct, _, _ := strings.Cut(got.contentType, ";"); ct != "" && op.RequestBody != nil {
		if _, ok := op.RequestBody.Content[ct]; !ok {
			t.Errorf("%s: sent a %s body; the document takes %v", id, ct, reflect.ValueOf(op.RequestBody.Content).MapKeys())
		}
	}
}

func requestSchema(op *apiOperation) *schema {
	if op.RequestBody == nil {
		return nil
	}
	return op.RequestBody.Content["application/json"].Schema
}

func responseSchema(op *apiOperation) *schema {
	for code, r := range op.Responses {
		if strings.HasPrefix(code, "2") {
			return r.Content["application/json"].Schema
		}
	}
	return nil
}

// checker compares Go types with JSON schemas.
type checker struct {
	doc  *openAPI
	errs []string
}

func (ck *checker) errorf(format string, args ...any) {
	ck.errs = append(ck.errs, fmt.Sprintf(format, args...))
}

// body checks a body's Go type against its schema.
func (ck *checker) body(where string, v any, s *schema, request bool) {
	switch {
	case v == nil && s != nil && request:
		ck.errorf("%s: the document has a JSON body the client never sends", where)
	case v == nil:
	case s == nil:
		ck.errorf("%s: the client has a %T the document does not", where, v)
	default:
		ck.check(where, reflect.TypeOf(v), s, request)
	}
}

func (ck *checker) resolve(s *schema) *schema {
	for s != nil && s.Ref != "" {
		s = ck.doc.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

var (
	timeType   = reflect.TypeFor[time.Time]()
	numberType = reflect.TypeFor[json.Number]()
	rawType    = reflect.TypeFor[json.RawMessage]()
)

// check compares type t with schema s at where.
func (ck *checker) check(where string, t reflect.Type, s *schema, request bool) {
	s = ck.resolve(s)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s == nil || (s.Type == nil && s.Properties == nil && s.Items == nil) || t == rawType {
		return // any JSON value
	}
	want := ""
	switch {
	case t == timeType, t.Kind() == reflect.String && t != numberType:
		want = "string"
	case t == numberType, t.Kind() == reflect.Float64:
		want = "number"
	case t.Kind() == reflect.Bool:
		want = "boolean"
	case t.Kind() == reflect.Int:
		want = "integer"
	case t.Kind() == reflect.Slice:
		want = "array"
	case t.Kind() == reflect.Struct, t.Kind() == reflect.Map:
		want = "object"
	}
	if !hasType(s, want) && !(want == "number" && hasType(s, "integer")) {
		ck.errorf("%s: the client has %s (JSON %s), the document %v", where, t, want, s.Type)
		return
	}
	switch t.Kind() {
	case reflect.Slice:
		ck.check(where+"[]", t.Elem(), s.Items, request)
	case reflect.Map:
		if t.Elem().Kind() == reflect.Map && len(s.Properties) > 0 {
			return // PermissionsUpdate: its names are those of Permissions, which is checked
		}
		if ap, ok := s.AdditionalProperties.(map[string]any); !ok || ap == nil {
			ck.errorf("%s: the client has a map, the document an object with fixed members", where)
		}
	case reflect.Struct:
		if t != timeType {
			ck.object(where, t, s, request)
		}
	}
}

// object compares a struct's JSON members with an object schema.
func (ck *checker) object(where string, t reflect.Type, s *schema, request bool) {
	sent := map[string]bool{}
	ck.members(where, t, s, request, sent)
	if !request {
		return
	}
	for _, r := range s.Required {
		if !sent[r] {
			ck.errorf("%s.%s: required by the document, but the client may leave it out", where, r)
		}
	}
}

// members walks t's fields (embedded structs inline, as encoding/json
// does); sent collects the members that are always encoded.
func (ck *checker) members(where string, t reflect.Type, s *schema, request bool, sent map[string]bool) {
	if _, custom := reflect.PointerTo(t).MethodByName("UnmarshalJSON"); custom && !request {
		return // Change[T]: the object's members, checked by its own type
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ck.members(where, f.Type, s, request, sent)
			continue
		}
		if name == "" {
			name = f.Name
		}
		p, ok := s.Properties[name]
		if !ok {
			ck.errorf("%s.%s: the document has no such member", where, name)
			continue
		}
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			sent[name] = true
		}
		ck.check(where+"."+name, f.Type, p, request)
	}
}

func hasType(s *schema, want string) bool {
	switch ty := s.Type.(type) {
	case string:
		return ty == want
	case []any:
		for _, x := range ty {
			if x == want {
				return true
			}
		}
	case nil:
		return want == "object" && s.Properties != nil
	}
	return false
}

// notFoundOK drops a 404: GetRecording answers one for the recorder's
// empty list.
func notFoundOK[T any](_ T, err error) error {
	if IsNotFound(err) {
		return nil
	}
	return err
}

// TestCheckerCatchesDrift proves the check fails on the drifts it is for.
func TestCheckerCatchesDrift(t *testing.T) {
	doc, _ := servedDocument(t)
	s := &schema{Ref: "#/components/schemas/TenantCreate"}
	type admin struct {
		Name string `json:"name"`
	}
	for _, c := range []struct {
		name string
		v    any
		want string
	}{
		{"unknown member", struct {
			Name   string `json:"name"`
			Colour string `json:"colour"`
		}{}, ".colour: the document has no such member"},
		{"required left out", TenantCreate{}, ""},
		{"required omitempty", struct {
			Name   string      `json:"name,omitempty"`
			Domain string      `json:"domain"`
			Admin  TenantAdmin `json:"admin"`
		}{}, ".name: required by the document"},
		{"wrong type", struct {
			Name    string      `json:"name"`
			Domain  string      `json:"domain"`
			Admin   TenantAdmin `json:"admin"`
			Enabled string      `json:"enabled"`
		}{}, ".enabled: the client has string"},
		{"nested", struct {
			Name   string `json:"name"`
			Domain string `json:"domain"`
			Admin  admin  `json:"admin"`
		}{}, ".admin.password: required by the document"},
	} {
		ck := &checker{doc: doc}
		ck.body("x", c.v, s, true)
		got := strings.Join(ck.errs, "\n")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: errors %q, want %q", c.name, got, c.want)
		}
	}
}
