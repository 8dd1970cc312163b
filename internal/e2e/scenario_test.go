package e2e

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// scenario is one request of a matrix and what its answer must be, in the
// style of pocketbase's ApiScenario tables: who calls, the method, the URL
// with {placeholders}, the body, the status and what the body holds.
type scenario struct {
	Name string
	// As names the caller among the fixture's callers ("" calls without a
	// token).
	As     string
	Method string
	// URL holds {placeholders} the fixture fills with its ids (escaped).
	URL string
	// Body is nil, a string (sent as is) or a value (sent as JSON).
	Body any
	// Status is the status the answer must have; NotStatus one it must not
	// have (when Status is 0).
	Status, NotStatus int
	// Content are strings the body must hold, NoContent strings it must not.
	Content, NoContent []string
	// SameAsMissing asks for the very answer (status and body) of the same
	// request with the fixture's made-up ids in place of its real ones.
	SameAsMissing bool
	// Check checks anything else.
	Check func(t *testing.T, r *response)
}

// fixture is what scenarios run against: callers by name and ids by
// placeholder, real ones and made-up ones for SameAsMissing.
type fixture struct {
	s       *server
	callers map[string]*client.Client
	ids     map[string]string
	missing map[string]string
}

var placeholder = regexp.MustCompile(`\{[a-z0-9_]+\}`)

// url fills a URL's placeholders from ids.
func (f *fixture) url(t *testing.T, pattern string, ids map[string]string) string {
	t.Helper()
	return placeholder.ReplaceAllStringFunc(pattern, func(p string) string {
		v, ok := ids[strings.Trim(p, "{}")]
		if !ok {
			t.Fatalf("%s: no id for %s", pattern, p)
		}
		return url.PathEscape(v)
	})
}

// send performs a scenario's request with ids.
func (f *fixture) send(t *testing.T, sc scenario, ids map[string]string) *response {
	t.Helper()
	who := any("")
	if sc.As != "" {
		c, ok := f.callers[sc.As]
		if !ok {
			t.Fatalf("no caller %q", sc.As)
		}
		who = c
	}
	return f.s.do(sc.Method, f.url(t, sc.URL, ids), who, sc.Body)
}

// runScenarios runs each scenario as a subtest, in order (they may depend
// on each other's effects), and returns how many requests they sent.
func runScenarios(t *testing.T, f *fixture, scenarios []scenario) int {
	t.Helper()
	sent := 0
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			r := f.send(t, sc, f.ids)
			sent++
			if sc.Status != 0 && r.Status != sc.Status || sc.NotStatus != 0 && r.Status == sc.NotStatus {
				t.Fatalf("%s %s as %q: status %d (want %d, not %d): %s", sc.Method, sc.URL, sc.As, r.Status, sc.Status, sc.NotStatus, r.Body)
			}
			for _, c := range sc.Content {
				if !strings.Contains(string(r.Body), c) {
					t.Errorf("the answer lacks %q: %s", c, r.Body)
				}
			}
			for _, c := range sc.NoContent {
				if strings.Contains(string(r.Body), c) {
					t.Errorf("the answer holds %q: %s", c, r.Body)
				}
			}
			if sc.SameAsMissing {
				m := f.send(t, sc, f.missing)
				sent++
				if m.Status != r.Status || string(m.Body) != string(r.Body) {
					t.Errorf("%s %s: the answer differs from a missing object's:\n%d %s\n%d %s", sc.Method, sc.URL, r.Status, r.Body, m.Status, m.Body)
				}
			}
			if sc.Check != nil {
				sc.Check(t, r)
			}
		})
	}
	return sent
}

// apiOperation is one operation of the served OpenAPI document.
type apiOperation struct {
	Method, Path, Permission string
}

// apiOperations returns the served document's operations, sorted.
func apiOperations(t *testing.T, s *server) []apiOperation {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Permission string `json:"x-permission"`
		} `json:"paths"`
	}
	raw := ok(s.as("").OpenAPI(t.Context()))(s)
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var ops []apiOperation
	for path, methods := range doc.Paths {
		for method, o := range methods {
			ops = append(ops, apiOperation{strings.ToUpper(method), path, o.Permission})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Path+ops[i].Method < ops[j].Path+ops[j].Method })
	return ops
}

// template is a path with its placeholders unnamed: /api/users/{}/phones.
func template(path string) string { return placeholder.ReplaceAllString(path, "{}") }
