package e2e

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// Issue 16 point 7: emails are unique in a tenant, ignoring case (409
// naming email); another tenant copying an email does not lock its owner
// out: a sign-in by that email without a domain asks for the domain (400)
// and never signs in the other account, whichever password is given.
func TestEmailsUniqueAndSignInByEmail(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		anon := s.as("")
		_, acme := s.newTenant("acme.example")
		ann := ok(acme.CreateUser(ctx, client.UserCreate{Name: "ann", Email: "Ann.Lee@mail.example", ExtensionNumber: "201", Password: "Ann-password-1"}))(s)
		// Before any copy the email alone signs Ann in.
		ok(anon.SignIn(ctx, signInAs("ann.lee@mail.example", "Ann-password-1", "")))(s)

		_, err := acme.CreateUser(ctx, client.UserCreate{Name: "bea", Email: "ANN.LEE@mail.example", ExtensionNumber: "202", Password: "Bea-password-1"})
		wantStatus(t, err, 409, "a second user with the email in another case")
		if code, field := errField(t, err); code != "CONFLICT" || field != "email" {
			t.Fatalf("conflict %s %s", code, field)
		}
		bea := ok(acme.CreateUser(ctx, client.UserCreate{Name: "bea", Email: "bea@mail.example", ExtensionNumber: "202", Password: "Bea-password-1"}))(s)
		wantStatus(t, acme.UpdateUser(ctx, bea, client.UserUpdate{Email: client.Ptr("ann.lee@MAIL.example")}), 409, "changing an email to a taken one")
		if u := ok(acme.GetUser(ctx, bea))(s); u.Email != "bea@mail.example" {
			t.Fatalf("a refused update changed the email: %q", u.Email)
		}
		// An import row with the email is refused too.
		if rep, err := acme.ImportUsers(ctx, []byte("username,email,extension_number\ncid,ann.lee@Mail.Example,203\n"), false); err == nil {
			t.Fatalf("import of a duplicate email: %+v", rep)
		}

		// Another tenant copies the email.
		_, evil := s.newTenant("evil.example")
		ok(evil.CreateUser(ctx, client.UserCreate{Name: "copy", Email: "ann.lee@mail.example", ExtensionNumber: "201", Password: "Copy-password-1"}))(s)
		for _, pw := range []string{"Ann-password-1", "Copy-password-1"} {
			_, err := anon.SignIn(ctx, signInAs("Ann.Lee@mail.example", pw, ""))
			wantInvalid(t, err, "domain")
		}
		tok := ok(anon.SignIn(ctx, signInAs("ann.lee@mail.example", "Ann-password-1", "acme.example")))(s)
		if me := ok(s.as(tok.AccessToken).CurrentUser(ctx))(s); me.ID != ann {
			t.Fatalf("signed in as %s, want ann %s", me.ID, ann)
		}
		_, err = anon.SignIn(ctx, signInAs("ann.lee@mail.example", "Copy-password-1", "acme.example"))
		wantStatus(t, err, 401, "the copy's password for Ann's account")
	})
}
