package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/app"
)

// Issue 16 point 12: every answer the suite's clients receive from the
// API is checked against the served OpenAPI document: the operation of
// (method, path) must list the status. TestMain fails the run when one
// is missing (after all tests, like the secret scan).

// statusSeen records (method, path, status) of every API exchange.
var statusSeen = &statusLog{seen: map[statusKey]string{}}

type statusKey struct {
	method, path string
	status       int
}

type statusLog struct {
	mu   sync.Mutex
	seen map[statusKey]string // → the first test that saw it
}

func (l *statusLog) record(test, method, path string, status int) {
	// 499 is not an answer: the server logs it when the client went away
	// first (a test's client timing out on a loaded machine).
	if !strings.HasPrefix(path, "/api/") || status == 499 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k := statusKey{method, path, status}
	if _, ok := l.seen[k]; !ok {
		l.seen[k] = test
	}
}

// openAPIOps maps a method and a path template of the document to its
// documented statuses.
type openAPIOps map[string]map[string]map[string]bool // method → template → status

func loadOpenAPIOps() (openAPIOps, error) {
	raw, err := app.OpenAPI()
	if err != nil {
		return nil, err
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	ops := openAPIOps{}
	for path, methods := range doc.Paths {
		for m, op := range methods {
			m = strings.ToUpper(m)
			if ops[m] == nil {
				ops[m] = map[string]map[string]bool{}
			}
			ops[m][path] = map[string]bool{}
			for st := range op.Responses {
				ops[m][path][st] = true
			}
		}
	}
	return ops, nil
}

// match returns the template of method that path fits best (the most
// literal segments), or "".
func (o openAPIOps) match(method, path string) string {
	segs := strings.Split(path, "/")
	best, bestLit := "", -1
	for tmpl := range o[method] {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		lit := 0
		fits := true
		for i, t := range ts {
			switch {
			case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
			case t == segs[i]:
				lit++
			default:
				fits = false
			}
		}
		if fits && lit > bestLit {
			best, bestLit = tmpl, lit
		}
	}
	return best
}

// undocumented returns one line per recorded answer whose status the
// document does not list for its operation.
func (l *statusLog) undocumented(ops openAPIOps) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	missing := map[string]string{}
	for k, test := range l.seen {
		tmpl := ops.match(k.method, k.path)
		if tmpl == "" || k.status == http.StatusRequestHeaderFieldsTooLarge {
			// No such operation (the router's own 404/405), or the HTTP
			// server's refusal before any route (headers over the limit).
			continue
		}
		st := strconv.Itoa(k.status)
		if !ops[k.method][tmpl][st] && !ops[k.method][tmpl]["default"] {
			line := fmt.Sprintf("%s %s answered %d, not in the OpenAPI document (e.g. %s %s)", k.method, tmpl, k.status, test, k.path)
			missing[fmt.Sprintf("%s %s %d", k.method, tmpl, k.status)] = line
		}
	}
	out := make([]string, 0, len(missing))
	for _, line := range missing {
		out = append(out, line)
	}
	sort.Strings(out)
	return out
}

// checkDocumentedStatuses is TestMain's check.
func checkDocumentedStatuses() []string {
	ops, err := loadOpenAPIOps()
	if err != nil {
		return []string{"openapi: " + err.Error()}
	}
	return statusSeen.undocumented(ops)
}

// The check can fail: an answer the document does not list is reported.
func TestDocumentedStatusCheckCatches(t *testing.T) {
	ops, err := loadOpenAPIOps()
	if err != nil {
		t.Fatal(err)
	}
	l := &statusLog{seen: map[statusKey]string{}}
	l.record("t", "GET", "/api/users/abc", 200)
	l.record("t", "GET", "/api/users/abc", 404)
	l.record("t", "GET", "/api/users/export", 200)
	l.record("t", "GET", "/api/nowhere", 404)
	if got := l.undocumented(ops); len(got) != 0 {
		t.Fatalf("documented answers flagged: %v", got)
	}
	l.record("t", "GET", "/api/users/export", 418)
	if got := l.undocumented(ops); len(got) != 1 || !strings.Contains(got[0], "/api/users/export answered 418") {
		t.Fatalf("an undocumented status: %v", got)
	}
	if ops.match("GET", "/api/users/export") != "/api/users/export" {
		t.Fatal("a literal path must win over {id}")
	}
}
