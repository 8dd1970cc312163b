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

type contactBody struct {
	Body    model.ContactFields
	RawBody []byte
}

type contactUpdate struct {
	ID      string `path:"id" maxLength:"64"`
	Body    model.ContactFields
	RawBody []byte
}

type tokenOutput struct {
	Body struct {
		Token string `json:"token"`
	}
}

type diffInput struct {
	Token string `path:"token" maxLength:"1024"`
}

type diffOutput struct{ Body *directory.SyncDiff }

func (s *Server) contactRoutes() {
	d := s.deps.Directory
	// Personal contacts (the caller's own) and the tenant's business
	// contacts share one implementation.
	for _, business := range []bool{false, true} {
		base, name, tag := "/api/user/contacts", "contact", "Contacts"
		if business {
			base, name = "/api/user/business_contacts", "business contact"
		}
		kind := directory.KindContact
		if business {
			kind = directory.KindBusinessContact
		}
		idPrefix := "my-contact"
		if business {
			idPrefix = "my-business-contact"
		}
		register(s, route{method: http.MethodGet, path: base, id: "list-" + idPrefix + "s", tag: tag, access: self,
			summary: "List " + name + "s by name, with favorite marks"},
			func(ctx context.Context, c *directory.Caller, in *listParams) (*contactListOutput, error) {
				n, list, err := d.ListContacts(ctx, c, business, in.params())
				if err != nil {
					return nil, err
				}
				out := &contactListOutput{}
				out.Body.Count, out.Body.Items = n, list
				return out, nil
			})
		register(s, route{method: http.MethodGet, path: base + "/{id}", id: "get-" + idPrefix, tag: tag, access: self,
			summary: "Get a " + name},
			func(ctx context.Context, c *directory.Caller, in *idPath) (*contactOutput, error) {
				ct, err := d.GetContact(ctx, c, business, in.ID)
				if err != nil {
					return nil, err
				}
				return &contactOutput{Body: ct}, nil
			})
		for _, on := range []bool{true, false} {
			verb := "favorite"
			if !on {
				verb = "unfavorite"
			}
			register(s, route{method: http.MethodPost, path: base + "/{id}/" + verb, id: verb + "-" + idPrefix, tag: tag, access: self,
				status: http.StatusNoContent, summary: "Mark a " + name + " as one of your favorites (or not)"},
				func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
					return nil, d.SetFavorite(ctx, c, kind, in.ID, on)
				})
		}
		s.syncRoutes(base, kind, tag, name, route{access: self})
		if business {
			continue
		}
		register(s, route{method: http.MethodPost, path: base, id: "create-my-contact", tag: tag, access: self, status: http.StatusCreated,
			summary: "Add a personal contact (name required; at most 10,000)"},
			func(ctx context.Context, c *directory.Caller, in *contactBody) (*createdOutput, error) {
				return created(d.CreateContact(ctx, c, false, in.RawBody))
			})
		register(s, route{method: http.MethodPost, path: base + "/{id}", id: "update-my-contact", tag: tag, access: self, status: http.StatusNoContent,
			summary: "Change a personal contact (fields left out keep their value)"},
			func(ctx context.Context, c *directory.Caller, in *contactUpdate) (*struct{}, error) {
				return nil, d.UpdateContact(ctx, c, false, in.ID, in.RawBody)
			})
		register(s, route{method: http.MethodPost, path: base + "/{id}/destroy", id: "destroy-my-contact", tag: tag, access: self, status: http.StatusNoContent,
			summary: "Delete a personal contact"},
			func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
				return nil, d.DeleteContact(ctx, c, false, in.ID)
			})
	}

	// The tenant's business contacts, managed by admins.
	admin := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "Contacts", access: perm, permission: directory.PermUsers, status: status}
	}
	register(s, admin(http.MethodGet, "/api/business_contacts", "list-business-contacts", "List the tenant's business contacts", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*contactListOutput, error) {
			n, list, err := d.ListContacts(ctx, c, true, in.params())
			if err != nil {
				return nil, err
			}
			out := &contactListOutput{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	register(s, admin(http.MethodPost, "/api/business_contacts", "create-business-contact", "Add a business contact to the tenant's directory", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *contactBody) (*createdOutput, error) {
			return created(d.CreateContact(ctx, c, true, in.RawBody))
		})
	register(s, admin(http.MethodGet, "/api/business_contacts/{id}", "get-business-contact", "Get a business contact", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*contactOutput, error) {
			ct, err := d.GetContact(ctx, c, true, in.ID)
			if err != nil {
				return nil, err
			}
			return &contactOutput{Body: ct}, nil
		})
	register(s, admin(http.MethodPost, "/api/business_contacts/{id}", "update-business-contact", "Change a business contact", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *contactUpdate) (*struct{}, error) {
			return nil, d.UpdateContact(ctx, c, true, in.ID, in.RawBody)
		})
	register(s, admin(http.MethodPost, "/api/business_contacts/{id}/destroy", "destroy-business-contact", "Delete a business contact", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteContact(ctx, c, true, in.ID)
		})

	// Extension contacts: the tenant's users, derived.
	register(s, route{method: http.MethodGet, path: "/api/user/extension_contacts", id: "list-extension-contacts", tag: "Contacts", access: self,
		summary: "List the tenant's users as the directory shows them, with favorite marks"},
		func(ctx context.Context, c *directory.Caller, in *listParams) (*struct {
			Body struct {
				Count int                      `json:"count"`
				Items []model.ExtensionContact `json:"items"`
			}
		}, error) {
			n, list, err := d.ListExtensionContacts(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &struct {
				Body struct {
					Count int                      `json:"count"`
					Items []model.ExtensionContact `json:"items"`
				}
			}{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	for _, on := range []bool{true, false} {
		verb := "favorite"
		if !on {
			verb = "unfavorite"
		}
		register(s, route{method: http.MethodPost, path: "/api/user/extension_contacts/{id}/" + verb, id: verb + "-extension-contact", tag: "Contacts",
			access: self, status: http.StatusNoContent, summary: "Mark a colleague as one of your favorites (or not)"},
			func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
				return nil, d.SetFavorite(ctx, c, directory.KindExtensionContact, in.ID, on)
			})
	}
	s.syncRoutes("/api/user/extension_contacts", directory.KindExtensionContact, "Contacts", "extension contact", route{access: self})
	s.syncRoutes("/api/user/cdrs", directory.KindCDR, "Call history", "call record", route{access: perm, permission: directory.PermOwnCallLog})
}

// syncRoutes adds POST base/sync_tokens and POST base/sync_tokens/{token}/diff.
func (s *Server) syncRoutes(base, kind, tag, name string, who route) {
	d := s.deps.Directory
	register(s, route{method: http.MethodPost, path: base + "/sync_tokens", id: "sync-token-" + kind, tag: tag, access: who.access,
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
	register(s, route{method: http.MethodPost, path: base + "/sync_tokens/{token}/diff", id: "sync-diff-" + kind, tag: tag, access: who.access,
		permission: who.permission, summary: "The " + name + " changes since a sync token, and the next token (403: the token is unknown or expired; list again)"},
		func(ctx context.Context, c *directory.Caller, in *diffInput) (*diffOutput, error) {
			diff, err := d.Diff(ctx, c, kind, in.Token)
			if err != nil {
				return nil, err
			}
			return &diffOutput{Body: diff}, nil
		})
}
