package api

import (
	"bytes"
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// userCreateDoc documents the body of POST /api/users (the directory reads
// it as a directory.UserPatch, so that left-out fields get their defaults).
type userCreateDoc struct {
	Name              string `json:"name" maxLength:"64" required:"true" doc:"Login username: letters, digits, _ - ' . ; immutable"`
	Password          string `json:"password" maxLength:"128" required:"true" doc:"8 to 128 characters; common passwords are refused"`
	ExtensionNumber   string `json:"extension_number" maxLength:"64" required:"true" pattern:"^[0-9]{3,64}$"`
	ExtensionPassword string `json:"extension_password,omitempty" maxLength:"64" doc:"SIP password; generated when left out"`
	Role              string `json:"role,omitempty" maxLength:"64" doc:"Default StandardUser"`
	model.UserFields
	model.UserSettings
}

// userUpdateDoc documents the body of POST /api/users/{id} and /api/user.
type userUpdateDoc struct {
	model.UserFields
	model.UserSettings
	AvatarFileID string `json:"avatar_file_id,omitempty" maxLength:"64" doc:"An uploaded PNG or JPEG (POST /api/blobs) to use as the avatar; empty removes it"`
}

type listParams struct {
	Filter  string `query:"filter" maxLength:"2000" doc:"OData-style filter, e.g. enabled eq true and startswith(name,'a')"`
	Search  string `query:"search" maxLength:"256" doc:"Free text, case- and accent-insensitive"`
	OrderBy string `query:"orderby" maxLength:"256" doc:"field [asc|desc], comma-separated"`
	Skip    string `query:"skip" maxLength:"12" doc:"Items to skip (default 0)"`
	Top     string `query:"top" maxLength:"4" doc:"Page size 1-100 (default 100)"`
}

func (p listParams) params() query.Params {
	return query.Params{Filter: p.Filter, Search: p.Search, OrderBy: p.OrderBy, Skip: p.Skip, Top: p.Top}
}

type userListOutput struct {
	Body struct {
		Count int                 `json:"count"`
		Items []model.UserSummary `json:"items"`
	}
}

type idPath struct {
	ID string `path:"id" maxLength:"64"`
}

type createdOutput struct {
	Body struct {
		ID string `json:"id"`
	}
}

type userOutput struct{ Body *model.User }

type passwordInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Password string `json:"password" maxLength:"128" required:"true"`
	}
}

type roleInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Role string `json:"role" maxLength:"64" required:"true"`
	}
}

// destroyUserInput says what becomes of the mailbox of a user removed.
type destroyUserInput = struct {
	ID   string `path:"id" maxLength:"64"`
	Body *struct {
		Mailbox string `json:"mailbox,omitempty" enum:"KEEP,DELETE" doc:"What becomes of the user's mailbox (default DELETE)"`
	} `required:"false"`
}

// detachedMailboxesOutput lists the mailboxes kept from removed users.
type detachedMailboxesOutput = struct {
	Body struct {
		Items []directory.DetachedMailbox `json:"items"`
	}
}

// usersRoute is a route of the user admin (user_management.users).
func usersRoute(method, path, id, summary string, status int) route {
	return route{method: method, path: path, id: id, summary: summary, tag: "Users", access: perm,
		permission: directory.PermUsers, status: status}
}

func (s *Server) userRoutes() {
	d := s.deps.Directory
	handle(s, usersRoute(http.MethodGet, "/api/users", "list-users", "List the tenant's users", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*userListOutput, error) {
			n, list, err := d.ListUsers(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &userListOutput{}
			out.Body.Count = n
			out.Body.Items = make([]model.UserSummary, len(list))
			for i := range list {
				out.Body.Items[i] = list[i].Summary()
			}
			return out, nil
		})
	handle(s, usersRoute(http.MethodPost, "/api/users", "create-user", "Create a user", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *createInput[userCreateDoc, directory.UserInput]) (*createdOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			u, err := d.CreateUser(ctx, c, p)
			if err != nil {
				return nil, err
			}
			return created(u.ID, nil)
		})
	handle(s, usersRoute(http.MethodGet, "/api/users/{id}", "get-user", "Get a user's settings", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*userOutput, error) {
			u, err := d.GetUser(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			return &userOutput{Body: u}, nil
		})
	handle(s, usersRoute(http.MethodPost, "/api/users/{id}", "update-user", "Change a user's settings (fields left out keep their value)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *updateInput[userUpdateDoc, directory.UserInput]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateUser(ctx, c, in.ID, p)
		})
}

// userAccountRoutes are an admin's actions on a user's account.
func (s *Server) userAccountRoutes() {
	d := s.deps.Directory
	handle(s, usersRoute(http.MethodPost, "/api/users/{id}/password", "reset-user-password", "Reset a user's password; ends the user's sessions", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *passwordInput) (*struct{}, error) {
			return nil, d.SetPassword(ctx, c, in.ID, in.Body.Password)
		})
	handle(s, usersRoute(http.MethodPost, "/api/users/{id}/extension_password", "reset-user-extension-password", "Reset a user's SIP password", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *passwordInput) (*struct{}, error) {
			return nil, d.SetExtensionPassword(ctx, c, in.ID, in.Body.Password)
		})
	handle(s, usersRoute(http.MethodPost, "/api/users/{id}/role", "set-user-role", "Change a user's role", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *roleInput) (*struct{}, error) {
			return nil, d.SetRole(ctx, c, in.ID, in.Body.Role)
		})
}

// userRemovalRoutes remove users, show what depends on one first, and
// list the mailboxes kept from removed users.
func (s *Server) userRemovalRoutes() {
	d := s.deps.Directory
	handle(s, usersRoute(http.MethodPost, "/api/users/{id}/destroy", "destroy-user",
		"Delete a user; its mailbox is deleted with it unless the body says {\"mailbox\": \"KEEP\"} (kept detached, see GET /api/mailboxes/detached)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *destroyUserInput) (*struct{}, error) {
			mailbox := ""
			if in.Body != nil {
				mailbox = in.Body.Mailbox
			}
			return nil, d.DeleteUserWith(ctx, c, in.ID, mailbox)
		})
	handle(s, usersRoute(http.MethodGet, "/api/users/{id}/dependents", "user-dependents",
		"What depends on a user: its mailbox, groups, phones, and other users' BLF keys, speed dials and forward rules that point at its extension", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[directory.Dependents], error) {
			return oneOut(d.UserDependents(ctx, c, in.ID))
		})
	handle(s, usersRoute(http.MethodGet, "/api/mailboxes/detached", "list-detached-mailboxes", "Mailboxes kept from removed users", 0),
		func(ctx context.Context, c *directory.Caller, in *struct{}) (*detachedMailboxesOutput, error) {
			list, err := d.DetachedMailboxes(ctx, c)
			if err != nil {
				return nil, err
			}
			out := &detachedMailboxesOutput{}
			out.Body.Items = list
			return out, nil
		})
}

type csvOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (s *Server) userCSVRoutes() {
	d := s.deps.Directory
	s.userImportRoutes()
	handle(s, route{method: http.MethodGet, path: "/api/users/export", id: "export-users", tag: "Users", access: perm,
		permission: directory.PermUsers, produces: "text/csv",
		summary: "The tenant's users as CSV in the import's full format, without secrets"},
		func(ctx context.Context, c *directory.Caller, in *struct{}) (*csvOutput, error) {
			var buf bytes.Buffer
			if err := d.ExportUsers(ctx, c, &buf); err != nil {
				return nil, err
			}
			return &csvOutput{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="users.csv"`, Body: buf.Bytes()}, nil
		})
}
