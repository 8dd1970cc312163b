package api

import (
	"context"
	"net/http"
	"strconv"

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

func (s *Server) groupRoutes() {
	d := s.deps.Directory
	groups := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "User groups", access: perm,
			permission: directory.PermUsers, status: status}
	}
	register(s, groups(http.MethodGet, "/api/groups", "list-groups", "List user groups", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*countedItemsOutput[model.Group], error) {
			n, list, err := d.ListGroups(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &countedItemsOutput[model.Group]{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	register(s, groups(http.MethodPost, "/api/groups", "create-group", "Create a user group", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *struct {
			Body    groupBody
			RawBody []byte
		}) (*createdOutput, error) {
			return created(d.CreateGroup(ctx, c, in.RawBody))
		})
	register(s, groups(http.MethodGet, "/api/groups/{id}", "get-group", "Get a user group", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[model.Group], error) {
			return oneOut(d.GetGroup(ctx, c, in.ID))
		})
	register(s, groups(http.MethodPost, "/api/groups/{id}", "update-group", "Change a user group", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID      string `path:"id" maxLength:"64"`
			Body    groupBody
			RawBody []byte
		}) (*struct{}, error) {
			return nil, d.UpdateGroup(ctx, c, in.ID, in.RawBody)
		})
	register(s, groups(http.MethodPost, "/api/groups/{id}/destroy", "destroy-group", "Delete a user group", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteGroup(ctx, c, in.ID)
		})
	register(s, groups(http.MethodGet, "/api/groups/{id}/members", "list-group-members", "List a group's members", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemsOutput[model.GroupMember], error) {
			return listOut(d.GroupMembers(ctx, c, in.ID))
		})
	register(s, groups(http.MethodGet, "/api/groups/{id}/members/{extension_number}", "get-group-member", "Check whether an extension is in a group (404 if not)", 0),
		func(ctx context.Context, c *directory.Caller, in *memberPath) (*itemOutput[model.GroupMember], error) {
			return oneOut(d.GroupMember(ctx, c, in.ID, in.ExtensionNumber))
		})
	register(s, groups(http.MethodPost, "/api/groups/{id}/members/{extension_number}", "add-group-member", "Add an extension to a group", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *memberPath) (*struct{}, error) {
			return nil, d.AddGroupMember(ctx, c, in.ID, in.ExtensionNumber)
		})
	register(s, groups(http.MethodPost, "/api/groups/{id}/members/{extension_number}/destroy", "remove-group-member", "Remove an extension from a group", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *memberPath) (*struct{}, error) {
			return nil, d.RemoveGroupMember(ctx, c, in.ID, in.ExtensionNumber)
		})
}

func (s *Server) tenantHolidayRoutes() {
	d := s.deps.Directory
	hol := func(method, path, id, summary, permission string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "Holidays", access: perm, permission: permission, status: status}
	}
	register(s, hol(http.MethodGet, "/api/holidays", "list-tenant-holidays", "List the tenant's holidays", directory.PermCompanyView, 0),
		func(ctx context.Context, c *directory.Caller, in *struct {
			Skip string `query:"skip" maxLength:"12"`
			Top  string `query:"top" maxLength:"4"`
		}) (*countedItemsOutput[model.Holiday], error) {
			n, list, err := d.ListTenantHolidays(ctx, c, listParams{Skip: in.Skip, Top: in.Top}.params())
			if err != nil {
				return nil, err
			}
			out := &countedItemsOutput[model.Holiday]{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	register(s, hol(http.MethodPost, "/api/holidays", "create-tenant-holiday", "Create a tenant holiday", directory.PermCompanyFull, http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *struct {
			Body    model.Holiday
			RawBody []byte
		}) (*createdOutput, error) {
			return created(d.CreateTenantHoliday(ctx, c, in.RawBody))
		})
	register(s, hol(http.MethodGet, "/api/holidays/{id}", "get-tenant-holiday", "Get a tenant holiday", directory.PermCompanyView, 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[model.Holiday], error) {
			return oneOut(d.GetTenantHoliday(ctx, c, in.ID))
		})
	register(s, hol(http.MethodPost, "/api/holidays/{id}", "update-tenant-holiday", "Change a tenant holiday", directory.PermCompanyFull, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID      string `path:"id" maxLength:"64"`
			Body    model.Holiday
			RawBody []byte
		}) (*struct{}, error) {
			return nil, d.UpdateTenantHoliday(ctx, c, in.ID, in.RawBody)
		})
	register(s, hol(http.MethodPost, "/api/holidays/{id}/destroy", "destroy-tenant-holiday", "Delete a tenant holiday (users stop observing it)", directory.PermCompanyFull, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteTenantHoliday(ctx, c, in.ID)
		})
}

type blobOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentLength      string `header:"Content-Length"`
	ContentDisposition string `header:"Content-Disposition"`
	Cache              string `header:"Cache-Control"`
	NoSniff            string `header:"X-Content-Type-Options"`
	Body               []byte
}

func (s *Server) blobRoutes() {
	d := s.deps.Directory
	max := d.BlobMaxSize()
	register(s, route{method: http.MethodPost, path: "/api/blobs", id: "upload-blob", tag: "Files", access: self, status: http.StatusCreated,
		maxBody: max, summary: "Upload a file (WAV or MP3 audio, PNG or JPEG image; the type is told by content) as the raw request body"},
		func(ctx context.Context, c *directory.Caller, in *struct {
			Name    string `query:"name" maxLength:"128" doc:"The file's name, for display"`
			RawBody []byte `contentType:"application/octet-stream"`
		}) (*struct{ Body *model.Blob }, error) {
			b, err := d.UploadBlob(ctx, c, in.Name, in.RawBody)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *model.Blob }{Body: b}, nil
		})
	register(s, route{method: http.MethodGet, path: "/api/blobs/{id}", id: "get-blob", tag: "Files", access: self,
		summary: "Download a file you uploaded (admins: any of the tenant's)"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*blobOutput, error) {
			b, data, err := d.GetBlob(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			return &blobOutput{ContentType: b.ContentType, ContentLength: strconv.Itoa(len(data)),
				ContentDisposition: `inline; filename="` + safeFilename(b.Name) + `"`, Cache: "private, max-age=3600",
				NoSniff: "nosniff", Body: data}, nil
		})
}

// safeFilename keeps what may go inside a quoted Content-Disposition.
func safeFilename(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		if r >= 0x20 && r != '"' && r != '\\' && r < 0x7f {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return "file"
	}
	return string(out)
}
