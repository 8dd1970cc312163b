package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
)

type changePasswordInput struct {
	Body struct {
		OldPassword string `json:"old_password" maxLength:"1024" required:"true"`
		NewPassword string `json:"new_password" maxLength:"128" required:"true"`
	}
}

func (s *Server) meRoutes() {
	d := s.deps.Directory
	me := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "Current user", access: self, status: status}
	}
	handle(s, me(http.MethodGet, "/api/user", "get-current-user", "Get the signed-in user's settings", 0),
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*userOutput, error) {
			u, err := d.Me(ctx, c)
			if err != nil {
				return nil, err
			}
			return &userOutput{Body: u}, nil
		})
	handle(s, me(http.MethodPost, "/api/user", "update-current-user", "Change the signed-in user's settings", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *createInput[userUpdateDoc, directory.UserInput]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateMe(ctx, c, p)
		})
	handle(s, me(http.MethodPost, "/api/user/password", "change-current-user-password", "Change the signed-in user's password; ends their other sessions", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *changePasswordInput) (*struct{}, error) {
			return nil, d.ChangeMyPassword(ctx, c, in.Body.OldPassword, in.Body.NewPassword)
		})
	handle(s, me(http.MethodPost, "/api/user/extension_password", "change-current-user-extension-password", "Change the signed-in user's SIP password", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *changePasswordInput) (*struct{}, error) {
			return nil, d.ChangeMyExtensionPassword(ctx, c, in.Body.OldPassword, in.Body.NewPassword)
		})
}
