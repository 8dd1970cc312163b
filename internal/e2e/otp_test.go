package e2e

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

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
	m := s.must(200, "POST", "/api/auth/sign_in", "", signInBody(user, pw, domain)).JSON(s.t)
	if m["two_factor_enabled"] != true || m["access_token"] != nil || (m["enrollment_required"] == true) != enrol {
		s.t.Fatalf("sign-in answer: %v", m)
	}
	return m["token"].(string)
}

func TestTwoFactorLogin(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		tenantID, boss := s.tenant("acme.example")
		id := s.createUser(boss, map[string]any{"name": "ann", "email": "ann@acme.example", "extension_number": "200", "password": "Ann-password-1"})
		ann := s.signIn("ann", "Ann-password-1", "acme.example")

		enr := s.must(200, "POST", "/api/user/otp", ann, nil).JSON(t)
		secret := enr["secret"].(string)
		png, _ := base64.StdEncoding.DecodeString(enr["qr_png"].(string))
		if !strings.HasPrefix(enr["uri"].(string), "otpauth://totp/Switchboard%20acme.example:ann@acme.example?") ||
			!strings.Contains(enr["uri"].(string), "secret="+secret) || !strings.HasPrefix(string(png), "\x89PNG") {
			t.Fatalf("enrolment: %v", enr["uri"])
		}
		wantInvalid(t, s.do("POST", "/api/user/otp/confirm", ann, map[string]any{"code": "000000"}), "code")
		if m := s.must(200, "GET", "/api/user", ann, nil).JSON(t); m["otp_enabled"] != false {
			t.Fatal("a wrong code turned two-factor login on")
		}
		first := s.code(secret, 0)
		rec := s.must(200, "POST", "/api/user/otp/confirm", ann, map[string]any{"code": first}).JSON(t)["recovery_codes"].([]any)
		if len(rec) != 10 {
			t.Fatalf("%d recovery codes", len(rec))
		}
		me := s.must(200, "GET", "/api/user", ann, nil)
		if me.JSON(t)["otp_enabled"] != true || strings.Contains(string(me.Body), secret) {
			t.Fatalf("me: %s", me.Body)
		}
		s.must(409, "POST", "/api/user/otp", ann, nil)

		// Sign-in now asks for a code; the code used at enrolment is spent.
		tok := s.challenge("ann", "Ann-password-1", "acme.example", false)
		s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": first})
		s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": "123"})
		s.advance(30 * time.Second)
		c2 := s.code(secret, 0)
		v := s.must(200, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": c2}).JSON(t)
		s.must(200, "GET", "/api/user", v["access_token"].(string), nil)
		if v["recovery_codes"] != nil {
			t.Fatal("recovery codes shown again")
		}
		s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": c2}) // the challenge is used up
		tok = s.challenge("ann", "Ann-password-1", "acme.example", false)
		s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": c2}) // and so is the code
		// One step either side is accepted, two are not.
		s.advance(90 * time.Second)
		s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": s.code(secret, -60*time.Second)})
		s.must(200, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": s.code(secret, -30*time.Second)})

		// A recovery code works once, however it is typed.
		tok = s.challenge("ann", "Ann-password-1", "acme.example", false)
		typed := strings.ToUpper(strings.ReplaceAll(rec[0].(string), "-", " "))
		s.must(200, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": typed})
		tok = s.challenge("ann", "Ann-password-1", "acme.example", false)
		s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": rec[0]})
		// Five wrong tries end the challenge, even for a right code after.
		for i := 0; i < 4; i++ {
			s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": "000000"})
		}
		s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": rec[1]})
		// Challenges expire after five minutes.
		tok = s.challenge("ann", "Ann-password-1", "acme.example", false)
		s.advance(5*time.Minute + time.Second)
		s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": s.code(secret, 0)})

		// Turning it off needs the password.
		ann = s.must(200, "POST", "/api/auth/verify_otp", "", map[string]any{"token": s.challenge("ann", "Ann-password-1", "acme.example", false),
			"code": rec[2]}).JSON(t)["access_token"].(string)
		wantInvalid(t, s.do("POST", "/api/user/otp/disable", ann, map[string]any{"password": "wrong-password-1"}), "password")
		s.must(204, "POST", "/api/user/otp/disable", ann, map[string]any{"password": "Ann-password-1"})
		s.signIn("ann", "Ann-password-1", "acme.example")

		// An admin requires it: the next sign-in enrols, then completes with the first code.
		wantInvalid(t, s.do("POST", "/api/user", ann, map[string]any{"otp_required": false}), "otp_required")
		s.must(204, "POST", "/api/users/"+id, boss, map[string]any{"otp_required": true})
		tok = s.challenge("ann", "Ann-password-1", "acme.example", true)
		s.must(401, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": "000000"})
		enr = s.must(200, "POST", "/api/auth/otp_enroll", "", map[string]any{"token": tok}).JSON(t)
		secret = enr["secret"].(string)
		v = s.must(200, "POST", "/api/auth/verify_otp", "", map[string]any{"token": tok, "code": s.code(secret, 0)}).JSON(t)
		if len(v["recovery_codes"].([]any)) != 10 {
			t.Fatalf("enrolment at sign-in: %v", v)
		}
		ann = v["access_token"].(string)
		s.must(403, "POST", "/api/user/otp/disable", ann, map[string]any{"password": "Ann-password-1"})
		// An admin resets a lost authenticator; the user enrols again.
		s.must(204, "POST", "/api/users/"+id+"/otp/destroy", boss, nil)
		s.challenge("ann", "Ann-password-1", "acme.example", true)

		// The tenant can require it of everyone.
		s.must(204, "POST", "/api/tenants/"+tenantID, s.adminToken(), map[string]any{"otp_required": true})
		s.challenge("boss", "boss-Password-1", "acme.example", true)
		if got := s.must(200, "GET", "/api/tenants/"+tenantID, s.adminToken(), nil).JSON(t)["otp_required"]; got != true {
			t.Fatalf("tenant otp_required = %v", got)
		}

		// API-key sessions cannot touch the second factor.
		k := s.must(201, "POST", "/api/user/api_keys", boss, map[string]any{"name": "k"}).JSON(t)
		kt := s.must(200, "POST", "/api/auth/token", "", map[string]any{"token": k["token"], "secret": k["secret"]}).JSON(t)["access_token"].(string)
		s.must(403, "POST", "/api/user/otp", kt, nil)

		// The audit log has the enrolments, without any secret.
		log := s.must(200, "GET", "/api/audit_logs?filter="+strings.ReplaceAll("contains(action,'otp')", " ", "%20"), boss, nil)
		if n := log.JSON(t)["count"]; n != float64(4) || strings.Contains(string(log.Body), secret) {
			t.Fatalf("otp audit entries: %s", log.Body)
		}
	})
}
