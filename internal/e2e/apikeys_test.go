package e2e

import (
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

func TestAPIKeys(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, boss := s.newTenant("acme.example")
		anon := s.as("")
		id := ok(boss.CreateUser(ctx, client.UserCreate{Name: "ian", Email: "ian@acme.example", ExtensionNumber: "200", Password: "Ian-password-1"}))(s)
		ian := s.login("ian", "Ian-password-1", "acme.example")

		k := ok(ian.CreateAPIKey(ctx, "CRM sync"))(s)
		token, secret := k.Token, k.Secret
		if !strings.HasPrefix(token, "sbk_") || !strings.HasPrefix(secret, "sbs_") || len(secret) < 40 {
			t.Fatalf("key: %+v", k)
		}
		wantInvalid(t, ign(ian.CreateAPIKey(ctx, "")), "name")
		wantInvalid(t, ign(ian.CreateAPIKey(ctx, strings.Repeat("n", 65))), "name")

		// Lists show tokens and names, never secrets.
		for _, r := range []*response{s.must(200, "GET", "/api/user/api_keys", ian, nil), s.must(200, "GET", "/api/users/"+id+"/api_keys", boss, nil)} {
			if strings.Contains(string(r.Body), secret) || strings.Contains(string(r.Body), "secret") {
				t.Fatalf("a list shows the secret: %s", r.Body)
			}
		}
		for _, l := range []*client.List[client.APIKey]{ok(ian.ListAPIKeys(ctx))(s), ok(boss.ListUserAPIKeys(ctx, id))(s)} {
			if l.Count != 1 || l.Items[0].Token != token || l.Items[0].Name != "CRM sync" {
				t.Fatalf("list: %+v", l)
			}
		}

		// A key is no password: it cannot sign in (to the API or the portal).
		for _, u := range []string{token, "ian"} {
			_, err := anon.SignIn(ctx, client.SignInRequest{Username: u, Password: secret, Domain: "acme.example"})
			wantStatus(t, err, 401, "sign in with a key's secret")
		}
		// The key acts as its user, with its user's permissions.
		tok := ok(anon.APIKeyToken(ctx, token, secret))(s)
		if tok.TokenType != "Bearer" || tok.RefreshToken == "" {
			t.Fatalf("tokens: %+v", tok)
		}
		key := s.as(tok.AccessToken)
		if me := ok(key.CurrentUser(ctx))(s); me.ID != id {
			t.Fatalf("key acts as %v", me.ID)
		}
		wantStatus(t, ign(key.ListUsers(ctx, nil)), 403, "a key lists users")
		s.ok(key.UpdateCurrentUser(ctx, client.UserUpdate{Department: client.Ptr("Integrations")}))
		// ...but cannot mint keys or change the password.
		wantStatus(t, ign(key.CreateAPIKey(ctx, "another")), 403, "a key mints a key")
		wantStatus(t, key.ChangePassword(ctx, "Ian-password-1", "Ian-password-2"), 403, "a key changes the password")
		// The audit log names the key.
		found := false
		for _, it := range ok(boss.ListAuditLogs(ctx, &client.ListOptions{Filter: "action eq 'update'"}))(s).Items {
			if it.APIKey == token && it.UserName == "ian" {
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
		key2 := s.as(ok(anon.RefreshToken(ctx, tok.RefreshToken))(s).AccessToken)
		ok(key2.CurrentUser(ctx))(s)

		// Deleting the key stops every token obtained through it at once.
		s.ok(ian.DeleteAPIKey(ctx, token))
		wantStatus(t, ign(key2.CurrentUser(ctx)), 401, "a deleted key's session")
		wantStatus(t, ign(anon.APIKeyToken(ctx, token, secret)), 401, "a deleted key")
		wantStatus(t, ian.DeleteAPIKey(ctx, token), 404, "a second delete")
		ok(ian.CurrentUser(ctx))(s) // the password session lives on

		// Disabling the user stops a key's tokens; so does deleting the user.
		k2 := ok(ian.CreateAPIKey(ctx, "second"))(s)
		a2 := s.as(ok(anon.APIKeyToken(ctx, k2.Token, k2.Secret))(s).AccessToken)
		s.ok(boss.UpdateUser(ctx, id, client.UserUpdate{Enabled: client.Ptr(false)}))
		wantStatus(t, ign(a2.CurrentUser(ctx)), 401, "a disabled user's key session")
		wantStatus(t, ign(anon.APIKeyToken(ctx, k2.Token, k2.Secret)), 401, "a disabled user's key")
		s.ok(boss.UpdateUser(ctx, id, client.UserUpdate{Enabled: client.Ptr(true)}))
		a2 = s.as(ok(anon.APIKeyToken(ctx, k2.Token, k2.Secret))(s).AccessToken)
		// An admin revokes a user's key.
		s.ok(boss.DeleteUserAPIKey(ctx, id, k2.Token))
		wantStatus(t, ign(a2.CurrentUser(ctx)), 401, "a revoked key's session")
		k3 := ok(s.login("ian", "Ian-password-1", "acme.example").CreateAPIKey(ctx, "third"))(s)
		a3 := s.as(ok(anon.APIKeyToken(ctx, k3.Token, k3.Secret))(s).AccessToken)
		s.ok(boss.DeleteUser(ctx, id, ""))
		wantStatus(t, ign(a3.CurrentUser(ctx)), 401, "a deleted user's key session")
		wantStatus(t, ign(anon.APIKeyToken(ctx, k3.Token, k3.Secret)), 401, "a deleted user's key")

		// Another tenant's admin cannot see or revoke keys across.
		_, other := s.newTenant("other.example")
		bossID := ok(boss.CurrentUser(ctx))(s).ID
		kb := ok(boss.CreateAPIKey(ctx, "boss key"))(s)
		wantStatus(t, ign(other.ListUserAPIKeys(ctx, bossID)), 404, "another tenant lists the keys")
		wantStatus(t, other.DeleteUserAPIKey(ctx, bossID, kb.Token), 404, "another tenant revokes a key")
		wantStatus(t, other.DeleteAPIKey(ctx, kb.Token), 404, "another tenant deletes a key as its own")
		ok(anon.APIKeyToken(ctx, kb.Token, kb.Secret))(s)

		// A user holds at most 20 keys.
		for i := 0; i < 19; i++ {
			ok(boss.CreateAPIKey(ctx, "k"))(s)
		}
		_, err := boss.CreateAPIKey(ctx, "one too many")
		wantStatus(t, err, 409, "the 21st key")
		if !strings.Contains(err.Error(), "20") {
			t.Fatalf("limit answer: %v", err)
		}
	})
}
