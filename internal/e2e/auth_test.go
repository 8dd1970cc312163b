package e2e

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
)

// signInAs is a sign-in body.
func signInAs(user, pw, domain string) client.SignInRequest {
	return client.SignInRequest{Username: user, Password: pw, Domain: domain}
}

func TestSignIn(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		anon := s.as("")
		_, adm := s.newTenant("acme.example")
		id := ok(adm.CreateUser(ctx, client.UserCreate{Name: "fay", Email: "Fay.Jones@acme.example", ExtensionNumber: "210", Password: "Fay-password-1"}))(s)
		ok(adm.CreateUser(ctx, client.UserCreate{Name: "gus", Email: "gus@acme.example", ExtensionNumber: "211", Password: "Gus-password-1", Enabled: client.Ptr(false)}))(s)

		tok := ok(anon.SignIn(ctx, signInAs("fay", "Fay-password-1", "acme.example")))(s)
		if tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 || tok.AccessToken == tok.RefreshToken {
			t.Fatalf("tokens: %+v", tok)
		}
		// Other ways to name the user: name@domain, the email (any case), the name in another case.
		for _, b := range []client.SignInRequest{
			signInAs("fay@acme.example", "Fay-password-1", ""),
			signInAs("fay.jones@ACME.example", "Fay-password-1", "acme.example"),
			signInAs("FAY", "Fay-password-1", "acme.example"),
		} {
			ok(anon.SignIn(ctx, b))(s)
		}
		// Unknown user, wrong password, disabled user, wrong tenant and unknown
		// tenant all get the very same answer.
		var first string
		for i, b := range []client.SignInRequest{
			signInAs("nobody", "Fay-password-1", "acme.example"),
			signInAs("fay", "Fay-password-2", "acme.example"),
			signInAs("gus", "Gus-password-1", "acme.example"),
			signInAs("fay", "Fay-password-1", ""),
			signInAs("fay", "Fay-password-1", "nowhere.example"),
			signInAs("admin", adminPassword, "acme.example"),
		} {
			r := s.must(401, "POST", "/api/auth/sign_in", "", b)
			if i == 0 {
				first = string(r.Body)
			} else if string(r.Body) != first {
				t.Fatalf("case %d answers differently: %s vs %s", i, r.Body, first)
			}
		}
		wantInvalid(t, s.do("POST", "/api/auth/sign_in", "", map[string]any{"username": "fay"}).Err(), "password")

		access, refresh := s.as(tok.AccessToken), tok.RefreshToken
		if me := ok(access.CurrentUser(ctx))(s); me.ID != id {
			t.Fatalf("me: %+v", me)
		}
		// A refresh token is not an access token, nor the other way round.
		wantStatus(t, ign(s.as(refresh).CurrentUser(ctx)), 401, "a refresh token as an access token")
		wantStatus(t, ign(anon.RefreshToken(ctx, tok.AccessToken)), 401, "an access token as a refresh token")
		// Missing, malformed and made-up bearer tokens.
		wantStatus(t, ign(anon.CurrentUser(ctx)), 401, "no token")
		wantStatus(t, ign(s.as("sba_made-up").CurrentUser(ctx)), 401, "a made-up token")
		_, err := anon.CurrentUser(ctx)
		if code, _ := errField(t, err); code != "UNAUTHENTICATED" {
			t.Fatal(code)
		}

		// Refresh tokens are single-use; the new pair works, the old access token ends.
		next := ok(anon.RefreshToken(ctx, refresh))(s)
		wantStatus(t, ign(access.CurrentUser(ctx)), 401, "the refreshed session's old token")
		access2 := s.as(next.AccessToken)
		ok(access2.CurrentUser(ctx))(s)
		next = ok(anon.RefreshToken(ctx, next.RefreshToken))(s)
		access2 = s.as(next.AccessToken)
		ok(access2.CurrentUser(ctx))(s)
		// Presenting a rotated refresh token again is a replay (someone holds
		// a copy): it fails and ends the whole session family, whoever holds
		// its newest tokens (issue 16 point 11).
		wantStatus(t, ign(anon.RefreshToken(ctx, refresh)), 401, "a refresh token twice")
		wantStatus(t, ign(access2.CurrentUser(ctx)), 401, "the family's newest access token after a replay")
		wantStatus(t, ign(anon.RefreshToken(ctx, next.RefreshToken)), 401, "the family's newest refresh token after a replay")
		// Other sessions of the user live on.
		other := ok(anon.SignIn(ctx, signInAs("fay", "Fay-password-1", "acme.example")))(s)
		next = ok(anon.RefreshToken(ctx, other.RefreshToken))(s)
		access2 = s.as(next.AccessToken)
		ok(access2.CurrentUser(ctx))(s)

		// Sign-out ends the session: both of its tokens stop working.
		s.ok(access2.SignOut(ctx))
		wantStatus(t, ign(access2.CurrentUser(ctx)), 401, "after sign-out")
		wantStatus(t, ign(anon.RefreshToken(ctx, next.RefreshToken)), 401, "refresh after sign-out")
		wantStatus(t, access2.SignOut(ctx), 401, "a second sign-out")

		// Access tokens expire after expires_in; the refresh token outlives them.
		tok = ok(anon.SignIn(ctx, signInAs("fay", "Fay-password-1", "acme.example")))(s)
		s.advance(3601 * time.Second)
		wantStatus(t, ign(s.as(tok.AccessToken).CurrentUser(ctx)), 401, "an expired access token")
		fresh := ok(anon.RefreshToken(ctx, tok.RefreshToken))(s)
		ok(s.as(fresh.AccessToken).CurrentUser(ctx))(s)
		s.advance(31 * 24 * time.Hour)
		wantStatus(t, ign(anon.RefreshToken(ctx, fresh.RefreshToken)), 401, "an expired refresh token")
	})
}

func TestChangeOwnPasswordEndsOtherSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, adm := s.newTenant("acme.example")
		ok(adm.CreateUser(ctx, client.UserCreate{Name: "hal", Email: "hal@acme.example", ExtensionNumber: "220", Password: "Hal-password-1"}))(s)
		phone := s.login("hal", "Hal-password-1", "acme.example")
		laptop := s.login("hal", "Hal-password-1", "acme.example")
		wantInvalid(t, laptop.ChangePassword(ctx, "Hal-password-1", "12345678"), "new_password")
		s.ok(laptop.ChangePassword(ctx, "Hal-password-1", "Hal-password-2"))
		ok(laptop.CurrentUser(ctx))(s)
		wantStatus(t, ign(phone.CurrentUser(ctx)), 401, "the other session")
		s.login("hal", "Hal-password-2", "acme.example")
	})
}
