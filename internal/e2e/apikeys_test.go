package e2e

import (
	"strings"
	"testing"
)

func TestAPIKeys(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, boss := s.tenant("acme.example")
		id := s.createUser(boss, map[string]any{"name": "ian", "email": "ian@acme.example", "extension_number": "200", "password": "Ian-password-1"})
		ian := s.signIn("ian", "Ian-password-1", "acme.example")

		k := s.must(201, "POST", "/api/user/api_keys", ian, map[string]any{"name": "CRM sync"}).JSON(t)
		token, secret := k["token"].(string), k["secret"].(string)
		if !strings.HasPrefix(token, "sbk_") || !strings.HasPrefix(secret, "sbs_") || len(secret) < 40 {
			t.Fatalf("key: %v", k)
		}
		wantInvalid(t, s.do("POST", "/api/user/api_keys", ian, map[string]any{"name": ""}), "name")
		wantInvalid(t, s.do("POST", "/api/user/api_keys", ian, map[string]any{"name": strings.Repeat("n", 65)}), "name")

		// Lists show tokens and names, never secrets.
		for _, r := range []*response{s.must(200, "GET", "/api/user/api_keys", ian, nil), s.must(200, "GET", "/api/users/"+id+"/api_keys", boss, nil)} {
			m := r.JSON(t)
			items := m["items"].([]any)
			if m["count"] != float64(1) || items[0].(map[string]any)["token"] != token || items[0].(map[string]any)["name"] != "CRM sync" {
				t.Fatalf("list: %s", r.Body)
			}
			if strings.Contains(string(r.Body), secret) || strings.Contains(string(r.Body), "secret") {
				t.Fatalf("a list shows the secret: %s", r.Body)
			}
		}

		// A key is no password: it cannot sign in (to the API or the portal).
		s.must(401, "POST", "/api/auth/sign_in", "", signInBody(token, secret, "acme.example"))
		s.must(401, "POST", "/api/auth/sign_in", "", signInBody("ian", secret, "acme.example"))
		// The key acts as its user, with its user's permissions.
		tok := s.must(200, "POST", "/api/auth/token", "", map[string]any{"token": token, "secret": secret}).JSON(t)
		access := tok["access_token"].(string)
		if tok["token_type"] != "Bearer" || tok["refresh_token"] == nil {
			t.Fatalf("tokens: %v", tok)
		}
		if me := s.must(200, "GET", "/api/user", access, nil).JSON(t); me["id"] != id {
			t.Fatalf("key acts as %v", me["id"])
		}
		s.must(403, "GET", "/api/users", access, nil)
		s.must(204, "POST", "/api/user", access, map[string]any{"department": "Integrations"})
		// ...but cannot mint keys or change the password.
		s.must(403, "POST", "/api/user/api_keys", access, map[string]any{"name": "another"})
		s.must(403, "POST", "/api/user/password", access, map[string]any{"old_password": "Ian-password-1", "new_password": "Ian-password-2"})
		// The audit log names the key.
		found := false
		for _, it := range s.must(200, "GET", "/api/audit_logs?filter=action%20eq%20'update'", boss, nil).JSON(t)["items"].([]any) {
			if m := it.(map[string]any); m["api_key"] == token && m["user_name"] == "ian" {
				found = true
			}
		}
		if !found {
			t.Fatal("no audit entry names the key")
		}

		// Wrong secrets and unknown tokens get the sign-in answer.
		bad := s.must(401, "POST", "/api/auth/token", "", map[string]any{"token": token, "secret": secret + "x"})
		unknown := s.must(401, "POST", "/api/auth/token", "", map[string]any{"token": "sbk_" + strings.Repeat("a", 32), "secret": secret})
		if string(bad.Body) != string(unknown.Body) {
			t.Fatalf("answers differ: %s / %s", bad.Body, unknown.Body)
		}
		// A key's tokens refresh into tokens still bound to the key.
		next := s.must(200, "POST", "/api/auth/refresh_token", "", map[string]any{"refresh_token": tok["refresh_token"]}).JSON(t)
		access2 := next["access_token"].(string)
		s.must(200, "GET", "/api/user", access2, nil)

		// Deleting the key stops every token obtained through it at once.
		s.must(204, "POST", "/api/user/api_keys/"+token+"/destroy", ian, nil)
		s.must(401, "GET", "/api/user", access2, nil)
		s.must(401, "POST", "/api/auth/token", "", map[string]any{"token": token, "secret": secret})
		s.must(404, "POST", "/api/user/api_keys/"+token+"/destroy", ian, nil)
		s.must(200, "GET", "/api/user", ian, nil) // the password session lives on

		// Disabling the user stops a key's tokens; so does deleting the user.
		k2 := s.must(201, "POST", "/api/user/api_keys", ian, map[string]any{"name": "second"}).JSON(t)
		a2 := s.must(200, "POST", "/api/auth/token", "", map[string]any{"token": k2["token"], "secret": k2["secret"]}).JSON(t)["access_token"].(string)
		s.must(204, "POST", "/api/users/"+id, boss, map[string]any{"enabled": false})
		s.must(401, "GET", "/api/user", a2, nil)
		s.must(401, "POST", "/api/auth/token", "", map[string]any{"token": k2["token"], "secret": k2["secret"]})
		s.must(204, "POST", "/api/users/"+id, boss, map[string]any{"enabled": true})
		a2 = s.must(200, "POST", "/api/auth/token", "", map[string]any{"token": k2["token"], "secret": k2["secret"]}).JSON(t)["access_token"].(string)
		// An admin revokes a user's key.
		s.must(204, "POST", "/api/users/"+id+"/api_keys/"+k2["token"].(string)+"/destroy", boss, nil)
		s.must(401, "GET", "/api/user", a2, nil)
		k3 := s.must(201, "POST", "/api/user/api_keys", s.signIn("ian", "Ian-password-1", "acme.example"), map[string]any{"name": "third"}).JSON(t)
		a3 := s.must(200, "POST", "/api/auth/token", "", map[string]any{"token": k3["token"], "secret": k3["secret"]}).JSON(t)["access_token"].(string)
		s.must(204, "POST", "/api/users/"+id+"/destroy", boss, nil)
		s.must(401, "GET", "/api/user", a3, nil)
		s.must(401, "POST", "/api/auth/token", "", map[string]any{"token": k3["token"], "secret": k3["secret"]})

		// Another tenant's admin cannot see or revoke keys across.
		_, other := s.tenant("other.example")
		bossID := s.must(200, "GET", "/api/user", boss, nil).JSON(t)["id"].(string)
		kb := s.must(201, "POST", "/api/user/api_keys", boss, map[string]any{"name": "boss key"}).JSON(t)
		s.must(404, "GET", "/api/users/"+bossID+"/api_keys", other, nil)
		s.must(404, "POST", "/api/users/"+bossID+"/api_keys/"+kb["token"].(string)+"/destroy", other, nil)
		s.must(404, "POST", "/api/user/api_keys/"+kb["token"].(string)+"/destroy", other, nil)
		s.must(200, "POST", "/api/auth/token", "", map[string]any{"token": kb["token"], "secret": kb["secret"]})

		// A user holds at most 20 keys.
		for i := 0; i < 19; i++ {
			s.must(201, "POST", "/api/user/api_keys", boss, map[string]any{"name": "k"})
		}
		if r := s.must(409, "POST", "/api/user/api_keys", boss, map[string]any{"name": "one too many"}); !strings.Contains(string(r.Body), "20") {
			t.Fatalf("limit answer: %s", r.Body)
		}
	})
}
