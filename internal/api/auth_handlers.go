package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
)

type signInInput struct {
	Body struct {
		Username string `json:"username" maxLength:"320" required:"true" doc:"Login name, name@domain, or email"`
		Password string `json:"password" maxLength:"1024" required:"true"`
		Domain   string `json:"domain,omitempty" maxLength:"253" doc:"Tenant domain; leave out for the system tenant"`
	}
}

type tokensOutput struct{ Body *directory.Tokens }

// signInBody is the union of sign-in's two answers: the tokens, or the
// second-factor challenge.
type signInBody struct {
	TokenType          string   `json:"token_type,omitempty"`
	AccessToken        string   `json:"access_token,omitempty"`
	RefreshToken       string   `json:"refresh_token,omitempty"`
	ExpiresIn          int      `json:"expires_in,omitempty"`
	TwoFactorEnabled   bool     `json:"two_factor_enabled,omitempty" doc:"A code is needed: send it with token to /api/auth/verify_otp"`
	Token              string   `json:"token,omitempty" doc:"The second-factor challenge (five minutes, five attempts)"`
	EnrollmentRequired bool     `json:"enrollment_required,omitempty" doc:"Two-factor login is required but not set up: get a secret from /api/auth/otp_enroll first"`
	RecoveryCodes      []string `json:"recovery_codes,omitempty" doc:"Set once, when the code completed an enrolment"`
}

func tokensBody(t *directory.Tokens) signInBody {
	return signInBody{TokenType: t.TokenType, AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, ExpiresIn: t.ExpiresIn}
}

type otpChallengeInput struct {
	Body struct {
		Token string `json:"token" maxLength:"128" required:"true"`
		Code  string `json:"code" maxLength:"32" required:"true" doc:"Six digits from the authenticator, or a recovery code"`
	}
}

type refreshInput struct {
	Body struct {
		RefreshToken string `json:"refresh_token" maxLength:"128" required:"true"`
	}
}

func (s *Server) authRoutes() {
	handle(s, route{method: http.MethodPost, path: "/api/auth/sign_in", id: "sign-in", tag: "Auth",
		summary: "Sign in with a username and password", access: public},
		func(ctx context.Context, _ *directory.Caller, in *signInInput) (*struct{ Body signInBody }, error) {
			r, err := s.deps.Directory.SignIn(ctx, in.Body.Username, in.Body.Password, in.Body.Domain, sourceFrom(ctx))
			if err != nil {
				return nil, err
			}
			if r.TwoFactor {
				return &struct{ Body signInBody }{Body: signInBody{TwoFactorEnabled: true, Token: r.Token, EnrollmentRequired: r.EnrollmentRequired}}, nil
			}
			return &struct{ Body signInBody }{Body: tokensBody(r.Tokens)}, nil
		})
	handle(s, route{method: http.MethodPost, path: "/api/auth/verify_otp", id: "verify-otp", tag: "Auth",
		summary: "Complete a two-factor sign-in with a code or a recovery code", access: public},
		func(ctx context.Context, _ *directory.Caller, in *otpChallengeInput) (*struct{ Body signInBody }, error) {
			v, err := s.deps.Directory.VerifyOTP(ctx, in.Body.Token, in.Body.Code, sourceFrom(ctx))
			if err != nil {
				return nil, err
			}
			b := tokensBody(v.Tokens)
			b.RecoveryCodes = v.RecoveryCodes
			return &struct{ Body signInBody }{Body: b}, nil
		})
	handle(s, route{method: http.MethodPost, path: "/api/auth/otp_enroll", id: "otp-enroll-at-sign-in", tag: "Auth",
		summary: "Get an authenticator secret during a sign-in that requires two-factor login", access: public},
		func(ctx context.Context, _ *directory.Caller, in *struct {
			Body struct {
				Token string `json:"token" maxLength:"128" required:"true"`
			}
		}) (*struct{ Body *directory.OTPEnrollment }, error) {
			e, err := s.deps.Directory.EnrollDuringSignIn(ctx, in.Body.Token)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *directory.OTPEnrollment }{Body: e}, nil
		})
	handle(s, route{method: http.MethodPost, path: "/api/auth/refresh_token", id: "refresh-token", tag: "Auth",
		summary: "Exchange a refresh token (single use) for new tokens", access: public},
		func(ctx context.Context, _ *directory.Caller, in *refreshInput) (*tokensOutput, error) {
			t, err := s.deps.Directory.Refresh(ctx, in.Body.RefreshToken)
			if err != nil {
				return nil, err
			}
			return &tokensOutput{Body: t}, nil
		})
	handle(s, route{method: http.MethodPost, path: "/api/auth/sign_out", id: "sign-out", tag: "Auth",
		summary: "End the session of the access token", access: self, status: http.StatusNoContent},
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*struct{}, error) {
			return nil, s.deps.Directory.EndSession(ctx, c)
		})
}
