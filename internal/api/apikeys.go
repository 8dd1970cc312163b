package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

type apiKeyListOutput struct {
	Body struct {
		Count int            `json:"count"`
		Items []model.APIKey `json:"items"`
	}
}

func keyList(list []model.APIKey) *apiKeyListOutput {
	out := &apiKeyListOutput{}
	out.Body.Count, out.Body.Items = len(list), list
	return out
}

type apiKeyTokenPath struct {
	Token string `path:"token" maxLength:"64"`
}

func (s *Server) apiKeyRoutes() {
	d := s.deps.Directory
	me := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "API keys", access: self, status: status}
	}
	handle(s, me(http.MethodGet, "/api/user/api_keys", "list-my-api-keys", "List the signed-in user's API keys (tokens and names, never secrets)", 0),
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*apiKeyListOutput, error) {
			list, err := d.ListMyAPIKeys(ctx, c)
			if err != nil {
				return nil, err
			}
			return keyList(list), nil
		})
	handle(s, me(http.MethodPost, "/api/user/api_keys", "create-my-api-key", "Create an API key; the answer is the only time its secret is shown", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *struct {
			Body struct {
				Name string `json:"name" maxLength:"64" required:"true"`
			}
		}) (*struct{ Body *directory.NewAPIKey }, error) {
			k, err := d.CreateMyAPIKey(ctx, c, in.Body.Name)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *directory.NewAPIKey }{Body: k}, nil
		})
	handle(s, me(http.MethodPost, "/api/user/api_keys/{token}/destroy", "destroy-my-api-key", "Delete one of the signed-in user's API keys; its access tokens stop at once", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *apiKeyTokenPath) (*struct{}, error) {
			return nil, d.DeleteMyAPIKey(ctx, c, in.Token)
		})
	users := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "API keys", access: perm,
			permission: directory.PermUsers, status: status}
	}
	handle(s, users(http.MethodGet, "/api/users/{id}/api_keys", "list-user-api-keys", "List a user's API keys", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*apiKeyListOutput, error) {
			list, err := d.ListUserAPIKeys(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			return keyList(list), nil
		})
	handle(s, users(http.MethodPost, "/api/users/{id}/api_keys/{token}/destroy", "destroy-user-api-key", "Revoke a user's API key", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID    string `path:"id" maxLength:"64"`
			Token string `path:"token" maxLength:"64"`
		}) (*struct{}, error) {
			return nil, d.DeleteUserAPIKey(ctx, c, in.ID, in.Token)
		})
	handle(s, route{method: http.MethodPost, path: "/api/auth/token", id: "api-key-token", tag: "Auth", access: public,
		summary: "Exchange an API key's token and secret for an access token"},
		func(ctx context.Context, _ *directory.Caller, in *struct {
			Body struct {
				Token  string `json:"token" maxLength:"64" required:"true"`
				Secret string `json:"secret" maxLength:"128" required:"true"`
			}
		}) (*tokensOutput, error) {
			t, err := d.ExchangeAPIKey(ctx, in.Body.Token, in.Body.Secret, sourceFrom(ctx))
			if err != nil {
				return nil, err
			}
			return &tokensOutput{Body: t}, nil
		})
}
