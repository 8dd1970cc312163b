package e2e

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/totp"
)

// code returns the authenticator's code at the server's clock plus d.
func (s *server) code(secret string, d time.Duration) string {
	s.t.Helper()
	c, err := totp.Code(secret, time.Now().Add(time.Duration(s.skew.Load())+d))
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// challenge signs in and expects the second-factor answer.
func (s *server) challenge(user, pw, domain string, enrol bool) string {
	s.t.Helper()
	m := ok(s.as("").SignIn(s.t.Context(), signInAs(user, pw, domain)))(s)
	if !m.TwoFactorEnabled || m.AccessToken != "" || m.EnrollmentRequired != enrol {
		s.t.Fatalf("sign-in answer: %+v", m)
	}
	return m.Token
}

func TestTwoFactorLogin(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		anon := s.as("")
		verify := func(tok, code string) (*client.SignInResult, error) { return anon.VerifyOTP(ctx, tok, code) }
		tenantID, boss := s.newTenant("acme.example")
		id := ok(boss.CreateUser(ctx, client.UserCreate{Name: "ann", Email: "ann@acme.example", ExtensionNumber: "200", Password: "Ann-password-1"}))(s)
		ann := s.login("ann", "Ann-password-1", "acme.example")

		enr := ok(ann.StartOTP(ctx))(s)
		secret := enr.Secret
		png, _ := base64.StdEncoding.DecodeString(enr.QRPNG)
		if !strings.HasPrefix(enr.URI, "otpauth://totp/Switchboard%20acme.example:ann@acme.example?") ||
			!strings.Contains(enr.URI, "secret="+secret) || !strings.HasPrefix(string(png), "\x89PNG") {
			t.Fatalf("enrolment: %v", enr.URI)
		}
		wantInvalid(t, ign(ann.ConfirmOTP(ctx, "000000")), "code")
		if m := ok(ann.CurrentUser(ctx))(s); m.OTPEnabled {
			t.Fatal("a wrong code turned two-factor login on")
		}
		first := s.code(secret, 0)
		rec := ok(ann.ConfirmOTP(ctx, first))(s)
		if len(rec) != 10 {
			t.Fatalf("%d recovery codes", len(rec))
		}
		if me := ok(ann.CurrentUser(ctx))(s); !me.OTPEnabled {
			t.Fatalf("me: %+v", me)
		}
		if me := s.must(200, "GET", "/api/user", ann, nil); strings.Contains(string(me.Body), secret) {
			t.Fatalf("me shows the secret: %s", me.Body)
		}
		wantStatus(t, ign(ann.StartOTP(ctx)), 409, "enrol twice")

		// Sign-in now asks for a code; the code used at enrolment is spent.
		tok := s.challenge("ann", "Ann-password-1", "acme.example", false)
		wantStatus(t, ign(verify(tok, first)), 401, "the enrolment's code")
		wantStatus(t, ign(verify(tok, "123")), 401, "a short code")
		s.advance(30 * time.Second)
		c2 := s.code(secret, 0)
		v := ok(verify(tok, c2))(s)
		ok(s.as(v.AccessToken).CurrentUser(ctx))(s)
		if v.RecoveryCodes != nil {
			t.Fatal("recovery codes shown again")
		}
		wantStatus(t, ign(verify(tok, c2)), 401, "a used challenge") // the challenge is used up
		tok = s.challenge("ann", "Ann-password-1", "acme.example", false)
		wantStatus(t, ign(verify(tok, c2)), 401, "a used code") // and so is the code
		// One step either side is accepted, two are not.
		s.advance(90 * time.Second)
		wantStatus(t, ign(verify(tok, s.code(secret, -60*time.Second))), 401, "two steps back")
		ok(verify(tok, s.code(secret, -30*time.Second)))(s)

		// A recovery code works once, however it is typed.
		tok = s.challenge("ann", "Ann-password-1", "acme.example", false)
		ok(verify(tok, strings.ToUpper(strings.ReplaceAll(rec[0], "-", " "))))(s)
		tok = s.challenge("ann", "Ann-password-1", "acme.example", false)
		wantStatus(t, ign(verify(tok, rec[0])), 401, "a used recovery code")
		// Five wrong tries end the challenge, even for a right code after.
		for i := 0; i < 4; i++ {
			wantStatus(t, ign(verify(tok, "000000")), 401, "a wrong code")
		}
		wantStatus(t, ign(verify(tok, rec[1])), 401, "a right code after five wrong")
		// Challenges expire after five minutes.
		tok = s.challenge("ann", "Ann-password-1", "acme.example", false)
		s.advance(5*time.Minute + time.Second)
		wantStatus(t, ign(verify(tok, s.code(secret, 0))), 401, "an expired challenge")

		// Turning it off needs the password.
		ann = s.as(ok(verify(s.challenge("ann", "Ann-password-1", "acme.example", false), rec[2]))(s).AccessToken)
		wantInvalid(t, ann.DisableOTP(ctx, "wrong-password-1"), "password")
		s.ok(ann.DisableOTP(ctx, "Ann-password-1"))
		s.login("ann", "Ann-password-1", "acme.example")

		// An admin requires it: the next sign-in enrols, then completes with the first code.
		wantInvalid(t, ann.UpdateCurrentUser(ctx, client.UserUpdate{OTPRequired: client.Ptr(false)}), "otp_required")
		s.ok(boss.UpdateUser(ctx, id, client.UserUpdate{OTPRequired: client.Ptr(true)}))
		tok = s.challenge("ann", "Ann-password-1", "acme.example", true)
		wantStatus(t, ign(verify(tok, "000000")), 401, "a code before enrolling")
		secret = ok(anon.EnrollOTPAtSignIn(ctx, tok))(s).Secret
		v = ok(verify(tok, s.code(secret, 0)))(s)
		if len(v.RecoveryCodes) != 10 {
			t.Fatalf("enrolment at sign-in: %+v", v)
		}
		ann = s.as(v.AccessToken)
		wantStatus(t, ann.DisableOTP(ctx, "Ann-password-1"), 403, "turn off a required second factor")
		// An admin resets a lost authenticator; the user enrols again.
		s.ok(boss.ResetUserOTP(ctx, id))
		s.challenge("ann", "Ann-password-1", "acme.example", true)

		// The tenant can require it of everyone.
		s.ok(s.system().UpdateTenant(ctx, tenantID, client.TenantUpdate{OTPRequired: client.Ptr(true)}))
		s.challenge("boss", "boss-Password-1", "acme.example", true)
		if got := ok(s.system().GetTenant(ctx, tenantID))(s); !got.OTPRequired {
			t.Fatalf("tenant otp_required = %v", got.OTPRequired)
		}

		// API-key sessions cannot touch the second factor.
		k := ok(boss.CreateAPIKey(ctx, "k"))(s)
		kt := s.as(ok(anon.APIKeyToken(ctx, k.Token, k.Secret))(s).AccessToken)
		wantStatus(t, ign(kt.StartOTP(ctx)), 403, "a key's session enrols")

		// The audit log has the enrolments, without any secret.
		log := s.must(200, "GET", "/api/audit_logs?filter="+strings.ReplaceAll("contains(action,'otp')", " ", "%20"), boss, nil)
		if n := ok(boss.ListAuditLogs(ctx, &client.ListOptions{Filter: "contains(action,'otp')"}))(s).Count; n != 4 || strings.Contains(string(log.Body), secret) {
			t.Fatalf("otp audit entries: %s", log.Body)
		}
	})
}
