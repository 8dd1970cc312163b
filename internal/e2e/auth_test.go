package e2e

import (
	"testing"
	"time"
)

func signInBody(user, pw, domain string) map[string]any {
	b := map[string]any{"username": user, "password": pw}
	if domain != "" {
		b["domain"] = domain
	}
	return b
}

func TestSignIn(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		id := s.createUser(adm, map[string]any{"name": "fay", "email": "Fay.Jones@acme.example", "extension_number": "210", "password": "Fay-password-1"})
		s.createUser(adm, map[string]any{"name": "gus", "email": "gus@acme.example", "extension_number": "211", "password": "Gus-password-1", "enabled": false})

		tok := s.must(200, "POST", "/api/auth/sign_in", "", signInBody("fay", "Fay-password-1", "acme.example")).JSON(t)
		if tok["token_type"] != "Bearer" || tok["expires_in"] != float64(3600) || tok["access_token"] == tok["refresh_token"] {
			t.Fatalf("tokens: %v", tok)
		}
		// Other ways to name the user: name@domain, the email (any case), the name in another case.
		for _, b := range []map[string]any{
			signInBody("fay@acme.example", "Fay-password-1", ""),
			signInBody("fay.jones@ACME.example", "Fay-password-1", "acme.example"),
			signInBody("FAY", "Fay-password-1", "acme.example"),
		} {
			s.must(200, "POST", "/api/auth/sign_in", "", b)
		}
		// Unknown user, wrong password, disabled user, wrong tenant and unknown
		// tenant all get the very same answer.
		var first string
		for i, b := range []map[string]any{
			signInBody("nobody", "Fay-password-1", "acme.example"),
			signInBody("fay", "Fay-password-2", "acme.example"),
			signInBody("gus", "Gus-password-1", "acme.example"),
			signInBody("fay", "Fay-password-1", ""),
			signInBody("fay", "Fay-password-1", "nowhere.example"),
			signInBody("admin", adminPassword, "acme.example"),
		} {
			r := s.must(401, "POST", "/api/auth/sign_in", "", b)
			if i == 0 {
				first = string(r.Body)
			} else if string(r.Body) != first {
				t.Fatalf("case %d answers differently: %s vs %s", i, r.Body, first)
			}
		}
		wantInvalid(t, s.do("POST", "/api/auth/sign_in", "", map[string]any{"username": "fay"}), "password")

		access, refresh := tok["access_token"].(string), tok["refresh_token"].(string)
		if me := s.must(200, "GET", "/api/user", access, nil).JSON(t); me["id"] != id {
			t.Fatalf("me: %v", me)
		}
		// A refresh token is not an access token, nor the other way round.
		s.must(401, "GET", "/api/user", refresh, nil)
		s.must(401, "POST", "/api/auth/refresh_token", "", map[string]any{"refresh_token": access})
		// Missing, malformed and made-up bearer tokens.
		s.must(401, "GET", "/api/user", "", nil)
		s.must(401, "GET", "/api/user", "sba_made-up", nil)
		r := s.do("GET", "/api/user", "", nil)
		if code, _ := r.ErrField(t); code != "UNAUTHENTICATED" {
			t.Fatal(code)
		}

		// Refresh tokens are single-use; the new pair works, the old access token ends.
		next := s.must(200, "POST", "/api/auth/refresh_token", "", map[string]any{"refresh_token": refresh}).JSON(t)
		s.must(401, "POST", "/api/auth/refresh_token", "", map[string]any{"refresh_token": refresh})
		s.must(401, "GET", "/api/user", access, nil)
		access2 := next["access_token"].(string)
		s.must(200, "GET", "/api/user", access2, nil)

		// Sign-out ends the session: both of its tokens stop working.
		s.must(204, "POST", "/api/auth/sign_out", access2, nil)
		s.must(401, "GET", "/api/user", access2, nil)
		s.must(401, "POST", "/api/auth/refresh_token", "", map[string]any{"refresh_token": next["refresh_token"]})
		s.must(401, "POST", "/api/auth/sign_out", access2, nil)

		// Access tokens expire after expires_in; the refresh token outlives them.
		tok = s.must(200, "POST", "/api/auth/sign_in", "", signInBody("fay", "Fay-password-1", "acme.example")).JSON(t)
		s.advance(3601 * time.Second)
		s.must(401, "GET", "/api/user", tok["access_token"].(string), nil)
		fresh := s.must(200, "POST", "/api/auth/refresh_token", "", map[string]any{"refresh_token": tok["refresh_token"]}).JSON(t)
		s.must(200, "GET", "/api/user", fresh["access_token"].(string), nil)
		s.advance(31 * 24 * time.Hour)
		s.must(401, "POST", "/api/auth/refresh_token", "", map[string]any{"refresh_token": fresh["refresh_token"]})
	})
}

func TestChangeOwnPasswordEndsOtherSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.tenant("acme.example")
		s.createUser(adm, map[string]any{"name": "hal", "email": "hal@acme.example", "extension_number": "220", "password": "Hal-password-1"})
		phone := s.signIn("hal", "Hal-password-1", "acme.example")
		laptop := s.signIn("hal", "Hal-password-1", "acme.example")
		wantInvalid(t, s.do("POST", "/api/user/password", laptop, map[string]any{"old_password": "Hal-password-1", "new_password": "12345678"}), "new_password")
		s.must(204, "POST", "/api/user/password", laptop, map[string]any{"old_password": "Hal-password-1", "new_password": "Hal-password-2"})
		s.must(200, "GET", "/api/user", laptop, nil)
		s.must(401, "GET", "/api/user", phone, nil)
		s.signIn("hal", "Hal-password-2", "acme.example")
	})
}
