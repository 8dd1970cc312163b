package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// roleBody documents the contract's role body; handlers read the raw body
// so that an update changes only the members present.
type roleBody struct {
	Name        string            `json:"name" maxLength:"64" doc:"ASCII letters, digits, spaces and _ - . ; not a built-in role's name"`
	Description string            `json:"description" maxLength:"256"`
	Permissions model.Permissions `json:"permissions"`
}

type roleNamePath struct {
	Name string `path:"name" maxLength:"64"`
}

// roleUpdateInput is the body of an update of the role {name}.
type roleUpdateInput struct {
	Name    string `path:"name" maxLength:"64"`
	Body    roleBody
	RawBody []byte
}

type roleListItem struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	BuiltIn     bool   `json:"built_in"`
}

type roleListOutput struct {
	Body struct {
		Count int            `json:"count"`
		Items []roleListItem `json:"items"`
	}
}

type roleCreatedOutput struct {
	Body struct {
		Name string `json:"name"`
	}
}

func (s *Server) roleRoutes() {
	d := s.deps.Directory
	roles := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "Roles", access: perm,
			permission: directory.PermRoles, status: status}
	}
	handle(s, roles(http.MethodGet, "/api/roles", "list-roles", "List the built-in roles and the tenant's own", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*roleListOutput, error) {
			n, list, err := d.ListRoles(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &roleListOutput{}
			out.Body.Count = n
			out.Body.Items = make([]roleListItem, len(list))
			for i, r := range list {
				out.Body.Items[i] = roleListItem{Name: r.Name, Description: r.Description, BuiltIn: r.BuiltIn}
			}
			return out, nil
		})
	handle(s, roles(http.MethodPost, "/api/roles", "create-role", "Create a custom role", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *createInput[roleBody, model.Role]) (*roleCreatedOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			r, err := d.CreateRole(ctx, c, p)
			if err != nil {
				return nil, err
			}
			out := &roleCreatedOutput{}
			out.Body.Name = r.Name
			return out, nil
		})
	handle(s, roles(http.MethodGet, "/api/roles/{name}", "get-role", "Get a role with its permissions", 0),
		func(ctx context.Context, c *directory.Caller, in *roleNamePath) (*itemOutput[model.Role], error) {
			return oneOut(d.GetRole(ctx, c, in.Name))
		})
	handle(s, roles(http.MethodPost, "/api/roles/{name}", "update-role", "Change a custom role (members left out keep their value)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *roleUpdateInput) (*struct{}, error) {
			p, err := directory.DecodePatch[model.Role](in.RawBody)
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateRole(ctx, c, in.Name, p)
		})
	handle(s, roles(http.MethodPost, "/api/roles/{name}/destroy", "destroy-role", "Delete a custom role that no user holds", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *roleNamePath) (*struct{}, error) {
			return nil, d.DeleteRole(ctx, c, in.Name)
		})
}
