package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

type contactListOutput struct {
	Body struct {
		Count int             `json:"count"`
		Items []model.Contact `json:"items"`
	}
}

type contactOutput struct{ Body *model.Contact }

type tokenOutput struct {
	Body struct {
		Token string `json:"token"`
	}
}

type diffInput struct {
	Token string `path:"token" maxLength:"1024"`
}

type diffOutput struct{ Body *directory.SyncDiff }

// extensionContactsOutput is an alias of an unnamed struct, so that its
// schema keeps the name huma derives from the operation.
type extensionContactsOutput = struct {
	Body struct {
		Count int                      `json:"count"`
		Items []model.ExtensionContact `json:"items"`
	}
}

// contactKind names the routes of personal or business contacts, which
// share one implementation.
type contactKind struct {
	business                   bool
	base, name, kind, idPrefix string
}

var contactKinds = []contactKind{
	{false, "/api/user/contacts", "contact", directory.KindContact, "my-contact"},
	{true, "/api/user/business_contacts", "business contact", directory.KindBusinessContact, "my-business-contact"},
}

func (k contactKind) route(method, path, id, summary string, status int) route {
	return route{method: method, path: k.base + path, id: id, summary: summary, tag: "Contacts", access: self, status: status}
}

// contactReadRoutes are what every user does with personal or business
// contacts: list them, get one, mark favorites.
func (s *Server) contactReadRoutes(k contactKind) {
	d := s.deps.Directory
	handle(s, k.route(http.MethodGet, "", "list-"+k.idPrefix+"s", "List "+k.name+"s by name, with favorite marks", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*contactListOutput, error) {
			return contactList(d.ListContacts(ctx, c, k.business, in.params()))
		})
	handle(s, k.route(http.MethodGet, "/{id}", "get-"+k.idPrefix, "Get a "+k.name, 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*contactOutput, error) {
			return contactOut(d.GetContact(ctx, c, k.business, in.ID))
		})
	s.favoriteRoutes(k.base, k.idPrefix, "Mark a "+k.name+" as one of your favorites (or not)", k.kind)
}

// favoriteRoutes add POST base/{id}/favorite and .../unfavorite.
func (s *Server) favoriteRoutes(base, idSuffix, summary, kind string) {
	d := s.deps.Directory
	for _, on := range []bool{true, false} {
		verb := "favorite"
		if !on {
			verb = "unfavorite"
		}
		handle(s, route{method: http.MethodPost, path: base + "/{id}/" + verb, id: verb + "-" + idSuffix, tag: "Contacts", access: self,
			status: http.StatusNoContent, summary: summary},
			func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
				return nil, d.SetFavorite(ctx, c, kind, in.ID, on)
			})
	}
}

// personalContactRoutes let a user keep their own contacts.
func (s *Server) personalContactRoutes() {
	d, k := s.deps.Directory, contactKinds[0]
	handle(s, k.route(http.MethodPost, "", "create-my-contact", "Add a personal contact (name required; at most 10,000)", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *createInput[model.ContactFields, model.ContactFields]) (*createdOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return created(d.CreateContact(ctx, c, false, p))
		})
	handle(s, k.route(http.MethodPost, "/{id}", "update-my-contact", "Change a personal contact (fields left out keep their value)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *updateInput[model.ContactFields, model.ContactFields]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateContact(ctx, c, false, in.ID, p)
		})
	handle(s, k.route(http.MethodPost, "/{id}/destroy", "destroy-my-contact", "Delete a personal contact", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteContact(ctx, c, false, in.ID)
		})
}

// businessContactRoutes let admins manage the tenant's business contacts.
func (s *Server) businessContactRoutes() {
	d := s.deps.Directory
	admin := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "Contacts", access: perm, permission: directory.PermUsers, status: status}
	}
	handle(s, admin(http.MethodGet, "/api/business_contacts", "list-business-contacts", "List the tenant's business contacts", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*contactListOutput, error) {
			return contactList(d.ListContacts(ctx, c, true, in.params()))
		})
	handle(s, admin(http.MethodPost, "/api/business_contacts", "create-business-contact", "Add a business contact to the tenant's directory", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *createInput[model.ContactFields, model.ContactFields]) (*createdOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return created(d.CreateContact(ctx, c, true, p))
		})
	handle(s, admin(http.MethodGet, "/api/business_contacts/{id}", "get-business-contact", "Get a business contact", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*contactOutput, error) {
			return contactOut(d.GetContact(ctx, c, true, in.ID))
		})
	handle(s, admin(http.MethodPost, "/api/business_contacts/{id}", "update-business-contact", "Change a business contact", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *updateInput[model.ContactFields, model.ContactFields]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateContact(ctx, c, true, in.ID, p)
		})
	handle(s, admin(http.MethodPost, "/api/business_contacts/{id}/destroy", "destroy-business-contact", "Delete a business contact", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteContact(ctx, c, true, in.ID)
		})
}

// extensionContactRoutes show the tenant's users as a directory (derived
// from the users, never stored apart).
func (s *Server) extensionContactRoutes() {
	d := s.deps.Directory
	handle(s, route{method: http.MethodGet, path: "/api/user/extension_contacts", id: "list-extension-contacts", tag: "Contacts", access: self,
		summary: "List the tenant's users as the directory shows them, with favorite marks"},
		func(ctx context.Context, c *directory.Caller, in *listParams) (*extensionContactsOutput, error) {
			n, list, err := d.ListExtensionContacts(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &extensionContactsOutput{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	s.favoriteRoutes("/api/user/extension_contacts", "extension-contact", "Mark a colleague as one of your favorites (or not)", directory.KindExtensionContact)
}

func contactList(n int, list []model.Contact, err error) (*contactListOutput, error) {
	if err != nil {
		return nil, err
	}
	out := &contactListOutput{}
	out.Body.Count, out.Body.Items = n, list
	return out, nil
}

func contactOut(ct *model.Contact, err error) (*contactOutput, error) {
	if err != nil {
		return nil, err
	}
	return &contactOutput{Body: ct}, nil
}

// syncRoutes adds POST base/sync_tokens and POST base/sync_tokens/{token}/diff.
func (s *Server) syncRoutes(base, kind, tag, name string, who route) {
	d := s.deps.Directory
	handle(s, route{method: http.MethodPost, path: base + "/sync_tokens", id: "sync-token-" + kind, tag: tag, access: who.access,
		permission: who.permission, summary: "A sync token at the newest " + name + " change: take it, list, then ask for diffs from it"},
		func(ctx context.Context, c *directory.Caller, in *struct{}) (*tokenOutput, error) {
			t, err := d.NewSyncToken(ctx, c, kind)
			if err != nil {
				return nil, err
			}
			out := &tokenOutput{}
			out.Body.Token = t
			return out, nil
		})
	handle(s, route{method: http.MethodPost, path: base + "/sync_tokens/{token}/diff", id: "sync-diff-" + kind, tag: tag, access: who.access,
		permission: who.permission, summary: "The " + name + " changes since a sync token, and the next token (403: the token is unknown or expired; list again)"},
		func(ctx context.Context, c *directory.Caller, in *diffInput) (*diffOutput, error) {
			diff, err := d.Diff(ctx, c, kind, in.Token)
			if err != nil {
				return nil, err
			}
			return &diffOutput{Body: diff}, nil
		})
}
