package api

import "testing"

func TestPathMatches(t *testing.T) {
	for _, c := range []struct {
		tmpl, path string
		want       bool
	}{
		{"/api/users", "/api/users", true},
		{"/api/users/{id}", "/api/users/abc", true},
		{"/api/users/{id}", "/api/users/", false},
		{"/api/users/{id}", "/api/users/a/b", false},
		{"/api/users/{id}/destroy", "/api/users/a/destroy", true},
		{"/api/users/{id}/destroy", "/api/users/a/remove", false},
	} {
		if got := pathMatches(c.tmpl, c.path); got != c.want {
			t.Errorf("pathMatches(%q, %q) = %v", c.tmpl, c.path, got)
		}
	}
}

func TestUnsupportedMediaTypeSaysWhatToSend(t *testing.T) {
	if got := unsupportedMediaType("unknown content type: text/plain"); got != "Send the body as JSON with the header Content-Type: application/json (this request said text/plain)" {
		t.Fatal(got)
	}
	if got := unsupportedMediaType("something else"); got != "Send the body as JSON with the header Content-Type: application/json" {
		t.Fatal(got)
	}
}
