package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

type groupBody struct {
	Name              string                   `json:"name" maxLength:"64"`
	OutboundCallerIDs []model.OutboundCallerID `json:"outbound_caller_ids" maxItems:"50"`
	Description       string                   `json:"description" maxLength:"256"`
}

type memberPath struct {
	ID              string `path:"id" maxLength:"64"`
	ExtensionNumber string `path:"extension_number" maxLength:"64"`
}

// groupsRoute is a route of the user groups' admin.
func groupsRoute(method, path, id, summary string, status int) route {
	return route{method: method, path: path, id: id, summary: summary, tag: "User groups", access: perm,
		permission: directory.PermUsers, status: status}
}

func (s *Server) groupRoutes() {
	d := s.deps.Directory
	handle(s, groupsRoute(http.MethodGet, "/api/groups", "list-groups", "List user groups", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*countedItemsOutput[model.Group], error) {
			return countedOut(d.ListGroups(ctx, c, in.params()))
		})
	handle(s, groupsRoute(http.MethodPost, "/api/groups", "create-group", "Create a user group", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *createInput[groupBody, model.Group]) (*createdOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return created(d.CreateGroup(ctx, c, p))
		})
	handle(s, groupsRoute(http.MethodGet, "/api/groups/{id}", "get-group", "Get a user group", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[model.Group], error) {
			return oneOut(d.GetGroup(ctx, c, in.ID))
		})
	handle(s, groupsRoute(http.MethodPost, "/api/groups/{id}", "update-group", "Change a user group", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *updateInput[groupBody, model.Group]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateGroup(ctx, c, in.ID, p)
		})
	handle(s, groupsRoute(http.MethodPost, "/api/groups/{id}/destroy", "destroy-group", "Delete a user group", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteGroup(ctx, c, in.ID)
		})
}

func (s *Server) groupMemberRoutes() {
	d := s.deps.Directory
	handle(s, groupsRoute(http.MethodGet, "/api/groups/{id}/members", "list-group-members", "List a group's members", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemsOutput[model.GroupMember], error) {
			return listOut(d.GroupMembers(ctx, c, in.ID))
		})
	handle(s, groupsRoute(http.MethodGet, "/api/groups/{id}/members/{extension_number}", "get-group-member", "Check whether an extension is in a group (404 if not)", 0),
		func(ctx context.Context, c *directory.Caller, in *memberPath) (*itemOutput[model.GroupMember], error) {
			return oneOut(d.GroupMember(ctx, c, in.ID, in.ExtensionNumber))
		})
	handle(s, groupsRoute(http.MethodPost, "/api/groups/{id}/members/{extension_number}", "add-group-member", "Add an extension to a group", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *memberPath) (*struct{}, error) {
			return nil, d.AddGroupMember(ctx, c, in.ID, in.ExtensionNumber)
		})
	handle(s, groupsRoute(http.MethodPost, "/api/groups/{id}/members/{extension_number}/destroy", "remove-group-member", "Remove an extension from a group", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *memberPath) (*struct{}, error) {
			return nil, d.RemoveGroupMember(ctx, c, in.ID, in.ExtensionNumber)
		})
}

// holidayPageInput pages through the tenant's holidays.
type holidayPageInput = struct {
	Skip string `query:"skip" maxLength:"12"`
	Top  string `query:"top" maxLength:"4"`
}

func (s *Server) tenantHolidayRoutes() {
	d := s.deps.Directory
	hol := func(method, path, id, summary, permission string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "Holidays", access: perm, permission: permission, status: status}
	}
	handle(s, hol(http.MethodGet, "/api/holidays", "list-tenant-holidays", "List the tenant's holidays", directory.PermCompanyView, 0),
		func(ctx context.Context, c *directory.Caller, in *holidayPageInput) (*countedItemsOutput[model.Holiday], error) {
			return countedOut(d.ListTenantHolidays(ctx, c, listParams{Skip: in.Skip, Top: in.Top}.params()))
		})
	handle(s, hol(http.MethodPost, "/api/holidays", "create-tenant-holiday", "Create a tenant holiday", directory.PermCompanyFull, http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *createInput[model.Holiday, model.Holiday]) (*createdOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return created(d.CreateTenantHoliday(ctx, c, p))
		})
	handle(s, hol(http.MethodGet, "/api/holidays/{id}", "get-tenant-holiday", "Get a tenant holiday", directory.PermCompanyView, 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[model.Holiday], error) {
			return oneOut(d.GetTenantHoliday(ctx, c, in.ID))
		})
	handle(s, hol(http.MethodPost, "/api/holidays/{id}", "update-tenant-holiday", "Change a tenant holiday", directory.PermCompanyFull, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *updateInput[model.Holiday, model.Holiday]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateTenantHoliday(ctx, c, in.ID, p)
		})
	handle(s, hol(http.MethodPost, "/api/holidays/{id}/destroy", "destroy-tenant-holiday", "Delete a tenant holiday (users stop observing it)", directory.PermCompanyFull, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteTenantHoliday(ctx, c, in.ID)
		})
}
