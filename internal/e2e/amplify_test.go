package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// unknownKeys is a sign-in body of about 1 MiB: the two real members and
// n unknown ones.
func unknownKeys(n int) string {
	var b strings.Builder
	b.WriteString(`{"username":"admin","password":"x"`)
	for i := range n {
		fmt.Fprintf(&b, `,"k%d":0`, i)
	}
	b.WriteString("}")
	return b.String()
}

// TestErrorAmplification: absurd bodies get a small answer. A 1 MiB
// sign-in body with 95,000 unknown members was answered with 9 MB of
// errors; a body with 200 unknown members lists a few dozen and counts
// the rest.
func TestErrorAmplification(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		body := unknownKeys(95000)
		if len(body) > 1<<20 {
			t.Fatalf("the body is %d bytes, over the 1 MiB limit", len(body))
		}
		start := time.Now()
		r := s.do("POST", "/api/auth/sign_in", "", body)
		t.Logf("95,000 unknown members: %d, a %d-byte answer in %v", r.Status, len(r.Body), time.Since(start))
		if r.Status != 400 && r.Status != 422 {
			t.Fatalf("95,000 unknown members: %d", r.Status)
		}
		if len(r.Body) > 16<<10 {
			t.Fatalf("95,000 unknown members got a %d-byte answer", len(r.Body))
		}
		if code, field := r.ErrField(t); code != "VALIDATE_FAILED" || field == "" {
			t.Fatalf("95,000 unknown members: code %s field %q: %s", code, field, r.Body)
		}

		r = s.do("POST", "/api/auth/sign_in", "", unknownKeys(200))
		var env struct {
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
			Total int `json:"total"`
		}
		if err := json.Unmarshal(r.Body, &env); err != nil {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if r.Status != 422 || len(env.Errors) > 50 || env.Total != 200 {
			t.Fatalf("200 unknown members: %d, %d listed, total %d", r.Status, len(env.Errors), env.Total)
		}
		if !strings.Contains(env.Errors[0].Message, "is not a known field") {
			t.Fatalf("first error: %q", env.Errors[0].Message)
		}
	})
}
