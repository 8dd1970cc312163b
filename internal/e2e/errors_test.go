package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/auth"
)

// TestErrorsAndLimits sends what no client would (bodies too large or not
// JSON, unknown paths and methods, huge headers) through the raw path.
func TestErrorsAndLimits(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.newTenant("acme.example")
		before := userCount(s, adm)

		big := `{"name":"big","email":"big@acme.example","extension_number":"250","password":"Long-enough-pw-1","custom_options":"` +
			strings.Repeat("x", 1<<20) + `"}`
		r := s.must(413, "POST", "/api/users", adm, big)
		if code, _ := r.ErrField(t); code != "PAYLOAD_TOO_LARGE" {
			t.Fatalf("413 code %s", code)
		}
		for _, body := range []string{`{"name":`, `not json`, `[1,2]`, `{"name":"x"}{"name":"y"}`, ``} {
			r := s.do("POST", "/api/users", adm, body)
			if r.Status != 400 && r.Status != 422 {
				t.Fatalf("body %q: %d %s", body, r.Status, r.Body)
			}
			if code, _ := r.ErrField(t); code != "VALIDATE_FAILED" {
				t.Fatalf("body %q: code %s", body, code)
			}
		}
		if userCount(s, adm) != before {
			t.Fatal("a refused body created a user")
		}

		r = s.must(404, "GET", "/api/no/such/thing", adm, nil)
		if code, _ := r.ErrField(t); code != "NOT_FOUND" {
			t.Fatalf("unknown path code %s", code)
		}
		if len(r.Header.Get("X-Request-Id")) != 16 {
			t.Fatalf("X-Request-Id %q", r.Header.Get("X-Request-Id"))
		}
		if r := s.do("DELETE", "/api/users", adm, nil); r.Status != 405 && r.Status != 404 {
			t.Fatalf("DELETE /api/users: %d", r.Status)
		}
		// Headers are bounded too.
		req := strings.Repeat("a", 128<<10)
		if r := s.do("GET", "/api/user", req, nil); r.Status != 431 && r.Status != 401 {
			t.Fatalf("huge header: %d", r.Status)
		}
		if r := s.do("GET", "/api/users/"+strings.Repeat("A", 200), adm, nil); r.Status != 404 && r.Status != 422 && r.Status != 400 {
			t.Fatalf("over-long id: %d", r.Status)
		}
	})
}

func TestOpenAPI(t *testing.T) {
	s := startServer(t, "")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(s.must(200, "GET", "/api/openapi.json", "", nil).Body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	want := []string{"/api/auth/sign_in", "/api/auth/refresh_token", "/api/auth/sign_out",
		"/api/tenants", "/api/tenants/{id}", "/api/tenants/{id}/destroy",
		"/api/users", "/api/users/{id}", "/api/users/{id}/password", "/api/users/{id}/extension_password",
		"/api/users/{id}/role", "/api/users/{id}/destroy",
		"/api/user", "/api/user/password", "/api/user/extension_password"}
	for _, p := range want {
		ops, ok := doc.Paths[p]
		if !ok {
			t.Errorf("path %s missing", p)
			continue
		}
		for method, op := range ops {
			perm, _ := op["x-permission"].(string)
			if perm == "" {
				t.Errorf("%s %s has no x-permission", method, p)
			}
			public := p == "/api/auth/sign_in" || p == "/api/auth/refresh_token"
			if _, secured := op["security"]; secured == public {
				t.Errorf("%s %s: security %v, public %v", method, p, op["security"], public)
			}
		}
	}
}

// TestSecretsNeverLeak drives every endpoint that takes a secret, then scans
// every response body and every log line for the secrets and their hashes;
// it reads the raw bodies, so it stays on the raw path.
func TestSecretsNeverLeak(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		var bodies []string
		keep := func(r *response) *response { bodies = append(bodies, string(r.Body)); return r }
		const (
			bossPW  = "Boss-Secret-Zq81"
			userPW  = "User-Secret-Xy42"
			userPW2 = "User-Secret-Wv73"
			sipPW   = "Sip-Secret-Pp55"
			sipPW2  = "Sip-Secret-Rr66"
			badPW   = "Wrong-Secret-Tt99"
		)
		sys := s.system()
		keep(s.must(201, "POST", "/api/tenants", sys, newTenantBody("acme.example", func(a *client.TenantAdmin) { a.Password = bossPW })))
		keep(s.do("POST", "/api/tenants", sys, newTenantBody("acme2.example", func(a *client.TenantAdmin) { a.Password = "password1" })))
		boss := s.login("boss", bossPW, "acme.example")
		r := keep(s.must(201, "POST", "/api/users", boss, map[string]any{"name": "kim", "email": "kim@acme.example",
			"extension_number": "260", "password": userPW, "extension_password": sipPW}))
		id := r.JSON(t)["id"].(string)
		keep(s.do("POST", "/api/users", boss, map[string]any{"name": "kim2", "email": "kim2@acme.example", "extension_number": "261", "password": badPW[:5]}))
		keep(s.do("POST", "/api/users", boss, map[string]any{"name": "kim3", "email": "nope", "extension_number": "262", "password": badPW}))
		keep(s.must(200, "GET", "/api/users/"+id, boss, nil))
		keep(s.must(200, "GET", "/api/users", boss, nil))
		keep(s.do("POST", "/api/auth/sign_in", "", signInAs("kim", badPW, "acme.example")))
		tok := keep(s.must(200, "POST", "/api/auth/sign_in", "", signInAs("kim", userPW, "acme.example"))).JSON(t)
		access := tok["access_token"].(string)
		keep(s.must(200, "GET", "/api/user", access, nil))
		keep(s.do("POST", "/api/user/password", access, map[string]any{"old_password": badPW, "new_password": userPW2}))
		keep(s.must(204, "POST", "/api/user/password", access, map[string]any{"old_password": userPW, "new_password": userPW2}))
		keep(s.do("POST", "/api/user/extension_password", access, map[string]any{"old_password": badPW, "new_password": sipPW2}))
		keep(s.must(204, "POST", "/api/user/extension_password", access, map[string]any{"old_password": sipPW, "new_password": sipPW2}))
		keep(s.must(204, "POST", "/api/users/"+id+"/password", boss, map[string]any{"password": userPW}))
		keep(s.must(204, "POST", "/api/users/"+id+"/extension_password", boss, map[string]any{"password": sipPW}))
		keep(s.do("POST", "/api/users/"+id, boss, map[string]any{"password": userPW}))
		keep(s.do("GET", "/api/user", badPW, nil))

		secrets := []string{bossPW, userPW, userPW2, sipPW, sipPW2, badPW, badPW[:5], "password1", adminPassword, "$argon2id"}
		for _, pw := range []string{sipPW, sipPW2} {
			c := auth.SIPCredentials("260", "acme.example", pw)
			secrets = append(secrets, c.HA1MD5, c.HA1SHA256)
		}
		logs := s.logs.String()
		if !strings.Contains(logs, "/api/users") {
			t.Fatal("the request log is empty: the scan would prove nothing")
		}
		for _, sec := range secrets {
			if strings.Contains(logs, sec) {
				t.Errorf("log contains secret %q", sec)
			}
			for _, b := range bodies {
				if strings.Contains(b, sec) {
					t.Errorf("response contains secret %q: %s", sec, b)
				}
			}
		}
		// Tokens are secrets too: the access token never reaches the log.
		if strings.Contains(logs, access) || strings.Contains(logs, tok["refresh_token"].(string)) {
			t.Error("log contains a token")
		}
	})
}
