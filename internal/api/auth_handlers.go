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

type refreshInput struct {
	Body struct {
		RefreshToken string `json:"refresh_token" maxLength:"128" required:"true"`
	}
}

func (s *Server) authRoutes() {
	register(s, route{method: http.MethodPost, path: "/api/auth/sign_in", id: "sign-in", tag: "Auth",
		summary: "Sign in with a username and password", access: public},
		func(ctx context.Context, _ *directory.Caller, in *signInInput) (*tokensOutput, error) {
			t, err := s.deps.Directory.SignIn(ctx, in.Body.Username, in.Body.Password, in.Body.Domain)
			if err != nil {
				return nil, err
			}
			return &tokensOutput{Body: t}, nil
		})
	register(s, route{method: http.MethodPost, path: "/api/auth/refresh_token", id: "refresh-token", tag: "Auth",
		summary: "Exchange a refresh token (single use) for new tokens", access: public},
		func(ctx context.Context, _ *directory.Caller, in *refreshInput) (*tokensOutput, error) {
			t, err := s.deps.Directory.Refresh(ctx, in.Body.RefreshToken)
			if err != nil {
				return nil, err
			}
			return &tokensOutput{Body: t}, nil
		})
	register(s, route{method: http.MethodPost, path: "/api/auth/sign_out", id: "sign-out", tag: "Auth",
		summary: "End the session of the access token", access: self, status: http.StatusNoContent},
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*struct{}, error) {
			return nil, s.deps.Directory.EndSession(ctx, c)
		})
}
