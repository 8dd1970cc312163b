package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
)

func (s *Server) otpRoutes() {
	d := s.deps.Directory
	me := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "Two-factor login", access: self, status: status}
	}
	handle(s, me(http.MethodPost, "/api/user/otp", "start-my-otp", "Start enrolling an authenticator: a secret, its otpauth URI and QR code", 0),
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*struct{ Body *directory.OTPEnrollment }, error) {
			e, err := d.StartMyOTP(ctx, c)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *directory.OTPEnrollment }{Body: e}, nil
		})
	handle(s, me(http.MethodPost, "/api/user/otp/confirm", "confirm-my-otp", "Turn two-factor login on with the first code; answers the ten recovery codes, shown only now", 0),
		func(ctx context.Context, c *directory.Caller, in *struct {
			Body struct {
				Code string `json:"code" maxLength:"32" required:"true"`
			}
		}) (*struct {
			Body struct {
				RecoveryCodes []string `json:"recovery_codes"`
			}
		}, error) {
			codes, err := d.ConfirmMyOTP(ctx, c, in.Body.Code)
			if err != nil {
				return nil, err
			}
			out := &struct {
				Body struct {
					RecoveryCodes []string `json:"recovery_codes"`
				}
			}{}
			out.Body.RecoveryCodes = codes
			return out, nil
		})
	handle(s, me(http.MethodPost, "/api/user/otp/disable", "disable-my-otp", "Turn two-factor login off (needs the password)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *struct {
			Body struct {
				Password string `json:"password" maxLength:"1024" required:"true"`
			}
		}) (*struct{}, error) {
			return nil, d.DisableMyOTP(ctx, c, in.Body.Password)
		})
	handle(s, route{method: http.MethodPost, path: "/api/users/{id}/otp/destroy", id: "reset-user-otp", tag: "Two-factor login",
		summary: "Remove a user's authenticator (a lost phone)", access: perm, permission: directory.PermUsers, status: http.StatusNoContent},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.ResetUserOTP(ctx, c, in.ID)
		})
}
