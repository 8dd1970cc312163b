package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
)

// Every per-user endpoint of the contract comes in two forms sharing one
// implementation: /api/user/<x> for the signed-in user, and
// /api/users/{id}/<x> for an admin (user_management.users). The handlers
// below take the target user's id, "" for the signed-in user.

type itemsOutput[T any] struct {
	Body struct {
		Items []T `json:"items"`
	}
}

type countedItemsOutput[T any] struct {
	Body struct {
		Count int `json:"count"`
		Items []T `json:"items"`
	}
}

type itemOutput[T any] struct{ Body *T }

// createInput is the body of a create: documented (and checked by huma)
// as D, and decoded once, from its raw bytes, into the directory's patch
// of T, which knows the members given.
type createInput[D, T any] struct {
	Body    D
	RawBody []byte
}

func (in *createInput[D, T]) patch() (*directory.Patch[T], error) {
	return directory.DecodePatch[T](in.RawBody)
}

// updateInput is the body of an update of the object {id}.
type updateInput[D, T any] struct {
	ID      string `path:"id" maxLength:"64"`
	Body    D
	RawBody []byte
}

func (in *updateInput[D, T]) patch() (*directory.Patch[T], error) {
	return directory.DecodePatch[T](in.RawBody)
}

// itemUpdateInput is the body of an update of a user's item {item_id}.
type itemUpdateInput[D, T any] struct {
	ID      string `path:"id" maxLength:"64"`
	ItemID  string `path:"item_id" maxLength:"64"`
	Body    D
	RawBody []byte
}

func (in *itemUpdateInput[D, T]) patch() (*directory.Patch[T], error) {
	return directory.DecodePatch[T](in.RawBody)
}

// both registers an operation in its two forms. self and admin are the
// paths; adminItem tells whether the admin path ends with an item id
// ({item_id}; the self path then names it {id}).
type formRoutes struct {
	s          *Server
	tag        string
	selfPrefix string // "/api/user/phones"
	adminBase  string // "/api/users/{id}/phones"
	idPrefix   string // operation id prefix, e.g. "phone"
}

func (f formRoutes) selfRoute(method, suffix, id, summary string, status int) route {
	return route{method: method, path: f.selfPrefix + suffix, id: "my-" + id, summary: summary, tag: f.tag, access: self, status: status}
}

func (f formRoutes) adminRoute(method, suffix, id, summary string, status int) route {
	return route{method: method, path: f.adminBase + suffix, id: "user-" + id, summary: summary + " (of a user)", tag: f.tag,
		access: perm, permission: directory.PermUsers, status: status}
}

// crud registers list, create, get, update and destroy in both forms for
// a collection of T (whose own type documents the bodies).
func crud[T any](f formRoutes, col directory.Collection[T], noun string) {
	crudListed(f, col, noun, listOut[T])
}

// crudCounted is crud whose lists also say how many items there are
// ({"count","items"}, as the contract's holiday lists do).
func crudCounted[T any](f formRoutes, col directory.Collection[T], noun string) {
	crudListed(f, col, noun, countedList[T])
}

// crudListed is crud with the lists' answers shaped by out.
func crudListed[T, O any](f formRoutes, col directory.Collection[T], noun string, out func([]T, error) (*O, error)) {
	s := f.s
	handle(s, f.selfRoute(http.MethodGet, "", "list-"+f.idPrefix+"s", "List "+noun+"s", 0),
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*O, error) {
			return out(col.List(ctx, c, ""))
		})
	handle(s, f.adminRoute(http.MethodGet, "", "list-"+f.idPrefix+"s", "List "+noun+"s", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*O, error) {
			return out(col.List(ctx, c, in.ID))
		})
	crudItems(f, col, noun)
}

func countedList[T any](list []T, err error) (*countedItemsOutput[T], error) {
	return countedOut(len(list), list, err)
}

// crudItems registers create, get, update and destroy in both forms.
func crudItems[T any](f formRoutes, col directory.Collection[T], noun string) {
	s := f.s
	handle(s, f.selfRoute(http.MethodPost, "", "create-"+f.idPrefix, "Create a "+noun, http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *createInput[T, T]) (*createdOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return created(col.Create(ctx, c, "", p))
		})
	handle(s, f.adminRoute(http.MethodPost, "", "create-"+f.idPrefix, "Create a "+noun, http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *updateInput[T, T]) (*createdOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return created(col.Create(ctx, c, in.ID, p))
		})
	handle(s, f.selfRoute(http.MethodGet, "/{id}", "get-"+f.idPrefix, "Get a "+noun, 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[T], error) {
			return oneOut(col.Get(ctx, c, "", in.ID))
		})
	handle(s, f.adminRoute(http.MethodGet, "/{item_id}", "get-"+f.idPrefix, "Get a "+noun, 0),
		func(ctx context.Context, c *directory.Caller, in *userItemPath) (*itemOutput[T], error) {
			return oneOut(col.Get(ctx, c, in.ID, in.ItemID))
		})
	crudUpdates(f, col, noun)
}

// crudUpdates registers update and destroy in both forms.
func crudUpdates[T any](f formRoutes, col directory.Collection[T], noun string) {
	s := f.s
	handle(s, f.selfRoute(http.MethodPost, "/{id}", "update-"+f.idPrefix, "Change a "+noun+" (members left out keep their value)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *updateInput[T, T]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, col.Update(ctx, c, "", in.ID, p)
		})
	handle(s, f.adminRoute(http.MethodPost, "/{item_id}", "update-"+f.idPrefix, "Change a "+noun+" (members left out keep their value)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *itemUpdateInput[T, T]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, col.Update(ctx, c, in.ID, in.ItemID, p)
		})
	handle(s, f.selfRoute(http.MethodPost, "/{id}/destroy", "destroy-"+f.idPrefix, "Delete a "+noun, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, col.Delete(ctx, c, "", in.ID)
		})
	handle(s, f.adminRoute(http.MethodPost, "/{item_id}/destroy", "destroy-"+f.idPrefix, "Delete a "+noun, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *userItemPath) (*struct{}, error) {
			return nil, col.Delete(ctx, c, in.ID, in.ItemID)
		})
}

type userItemPath struct {
	ID     string `path:"id" maxLength:"64"`
	ItemID string `path:"item_id" maxLength:"64"`
}

func listOut[T any](list []T, err error) (*itemsOutput[T], error) {
	if err != nil {
		return nil, err
	}
	out := &itemsOutput[T]{}
	out.Body.Items = list
	return out, nil
}

func countedOut[T any](n int, list []T, err error) (*countedItemsOutput[T], error) {
	if err != nil {
		return nil, err
	}
	out := &countedItemsOutput[T]{}
	out.Body.Count, out.Body.Items = n, list
	return out, nil
}

func oneOut[T any](v *T, err error) (*itemOutput[T], error) {
	if err != nil {
		return nil, err
	}
	return &itemOutput[T]{Body: v}, nil
}

func created(id string, err error) (*createdOutput, error) {
	if err != nil {
		return nil, err
	}
	out := &createdOutput{}
	out.Body.ID = id
	return out, nil
}
