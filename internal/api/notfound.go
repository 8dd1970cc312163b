package api

import (
	"net/http"
	"sort"
	"strings"
)

// noRoute answers a request no route takes: 405 with Allow when the path
// is an endpoint's under another method (RFC 9110 §15.5.6), else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	allow := s.methodsFor(r.URL.Path)
	if len(allow) == 0 {
		writeJSONError(w, newError(http.StatusNotFound, "", "No such endpoint: "+r.Method+" "+r.URL.Path))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeJSONError(w, newError(http.StatusMethodNotAllowed, "",
		r.Method+" is not allowed on "+r.URL.Path+"; use "+strings.Join(allow, " or ")))
}

// methodsFor lists the methods of the documented endpoints whose path
// template ("/api/users/{id}") matches path, sorted.
func (s *Server) methodsFor(path string) []string {
	seen := map[string]bool{}
	for tmpl, item := range s.api.OpenAPI().Paths {
		if !pathMatches(tmpl, path) {
			continue
		}
		for m, op := range map[string]bool{
			http.MethodGet: item.Get != nil, http.MethodPost: item.Post != nil, http.MethodPut: item.Put != nil,
			http.MethodPatch: item.Patch != nil, http.MethodDelete: item.Delete != nil,
		} {
			if op {
				seen[m] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// pathMatches matches a path against a template whose {name} segments
// take any one non-empty segment.
func pathMatches(tmpl, path string) bool {
	t, p := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(t) != len(p) {
		return false
	}
	for i := range t {
		if strings.HasPrefix(t[i], "{") && strings.HasSuffix(t[i], "}") {
			if p[i] == "" {
				return false
			}
			continue
		}
		if t[i] != p[i] {
			return false
		}
	}
	return true
}
