package directory

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// target resolves whose settings a request works on: the caller's own
// (userID "", the /api/user/... form) or, in the admin form
// /api/users/{id}/..., a user of the caller's tenant. The admin form needs
// user_management.users, and to change anything the caller must hold every
// permission the user holds. Another tenant's user is not found.
func (s *Service) target(ctx context.Context, c *Caller, userID string, write bool) (*model.User, error) {
	if userID == "" {
		return s.store.GetUser(ctx, c.TenantID, c.UserID)
	}
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	if !model.ValidID(userID) {
		return nil, model.ErrNotFound
	}
	u, err := s.store.GetUser(ctx, c.TenantID, userID)
	if err != nil {
		return nil, err
	}
	if write {
		if err := s.requireOutranks(ctx, c, u); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// collection describes one per-user collection (phones, speed dials,
// holidays): how its items are keyed, bounded, defaulted and checked.
// Both the self-service and the admin form of every endpoint use it.
type collection[T any] struct {
	kind string
	// max bounds the items per user; maxField names the answer's field.
	max      int
	maxField string
	keys     store.ItemKeyField
	// create and update are the members a body may hold.
	create, update fieldRules
	// init, when set, fills a new item's defaults before the body's
	// members are applied (so an explicit zero is checked, not replaced).
	init func(v *T)
	// prepare fills defaults (on create), validates and returns the keys.
	prepare func(v *T, creating bool) (tenantKey, userKey string, err error)
	// show adjusts an item for a response (drops write-only members).
	show func(v *T)
	id   func(v *T) *string
}

func (col *collection[T]) decode(it *store.Item) (*T, error) {
	var v T
	if err := json.Unmarshal(it.Data, &v); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", col.kind, it.ID, err)
	}
	*col.id(&v) = it.ID
	return &v, nil
}

func (col *collection[T]) out(v *T) *T {
	if col.show != nil {
		col.show(v)
	}
	return v
}

// scope is where the items live: a user's, or the tenant's own (userID "").
type scope struct {
	tenantID, userID, name string
}

func (s *Service) colScope(ctx context.Context, c *Caller, userID string, write bool) (scope, error) {
	u, err := s.target(ctx, c, userID, write)
	if err != nil {
		return scope{}, err
	}
	return scope{tenantID: u.TenantID, userID: u.ID, name: u.Name}, nil
}

func colList[T any](ctx context.Context, s *Service, col *collection[T], sc scope) ([]T, error) {
	items, err := s.store.ListItems(ctx, sc.tenantID, sc.userID, col.kind, col.max)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(items))
	for i := range items {
		v, err := col.decode(&items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *col.out(v))
	}
	return out, nil
}

func colGet[T any](ctx context.Context, s *Service, col *collection[T], sc scope, id string) (*T, error) {
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	it, err := s.store.GetItem(ctx, sc.tenantID, sc.userID, col.kind, id)
	if err != nil {
		return nil, err
	}
	v, err := col.decode(it)
	if err != nil {
		return nil, err
	}
	return col.out(v), nil
}

func colCreate[T any](ctx context.Context, s *Service, c *Caller, col *collection[T], sc scope, p *Patch[T]) (string, error) {
	var v T
	if col.init != nil {
		col.init(&v)
	}
	if err := apply(p, &v, col.create); err != nil {
		return "", err
	}
	tk, uk, err := col.prepare(&v, true)
	if err != nil {
		return "", err
	}
	id := model.NewID()
	*col.id(&v) = id
	data, err := json.Marshal(&v)
	if err != nil {
		return "", err
	}
	it := &store.Item{ID: id, TenantID: sc.tenantID, UserID: sc.userID, Kind: col.kind, TenantKey: tk, UserKey: uk, Data: data}
	e := c.audit("create", col.kind, id, sc.name, p.Fields())
	if err := s.store.CreateItem(store.WithAudit(ctx, e), it, col.keys, col.max, col.maxField); err != nil {
		return "", err
	}
	return id, nil
}

func colUpdate[T any](ctx context.Context, s *Service, c *Caller, col *collection[T], sc scope, id string, p *Patch[T]) error {
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	var tk, uk string
	return update(ctx, c, id, p, updater[T]{kind: col.kind, rules: col.update,
		store: func(ctx context.Context, change func(*T) error) error {
			return s.store.UpdateItem(ctx, sc.tenantID, sc.userID, col.kind, id, col.keys, func(it *store.Item) error {
				v, err := col.decode(it)
				if err != nil {
					return err
				}
				if err := change(v); err != nil {
					return err
				}
				it.TenantKey, it.UserKey = tk, uk
				it.Data, err = json.Marshal(v)
				return err
			})
		},
		after: func(v *T) (err error) {
			tk, uk, err = col.prepare(v, false)
			return err
		},
		name: func(*T) string { return sc.name },
	})
}

func colDelete[T any](ctx context.Context, s *Service, c *Caller, col *collection[T], sc scope, id string) error {
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	e := c.audit("delete", col.kind, id, sc.name, nil)
	return s.store.DeleteItem(store.WithAudit(ctx, e), sc.tenantID, sc.userID, col.kind, id)
}

// Collection is the set of operations on one per-user collection that the
// API exposes in both forms: userID "" is the caller's own.
type Collection[T any] struct {
	s   *Service
	col *collection[T]
}

// List lists a user's items.
func (x Collection[T]) List(ctx context.Context, c *Caller, userID string) ([]T, error) {
	sc, err := x.s.colScope(ctx, c, userID, false)
	if err != nil {
		return nil, err
	}
	return colList(ctx, x.s, x.col, sc)
}

// Get returns one item.
func (x Collection[T]) Get(ctx context.Context, c *Caller, userID, id string) (*T, error) {
	sc, err := x.s.colScope(ctx, c, userID, false)
	if err != nil {
		return nil, err
	}
	return colGet(ctx, x.s, x.col, sc, id)
}

// Create adds an item and returns its id.
func (x Collection[T]) Create(ctx context.Context, c *Caller, userID string, p *Patch[T]) (string, error) {
	sc, err := x.s.colScope(ctx, c, userID, true)
	if err != nil {
		return "", err
	}
	return colCreate(ctx, x.s, c, x.col, sc, p)
}

// Update changes the members given.
func (x Collection[T]) Update(ctx context.Context, c *Caller, userID, id string, p *Patch[T]) error {
	sc, err := x.s.colScope(ctx, c, userID, true)
	if err != nil {
		return err
	}
	return colUpdate(ctx, x.s, c, x.col, sc, id, p)
}

// Delete removes an item.
func (x Collection[T]) Delete(ctx context.Context, c *Caller, userID, id string) error {
	sc, err := x.s.colScope(ctx, c, userID, true)
	if err != nil {
		return err
	}
	return colDelete(ctx, x.s, c, x.col, sc, id)
}
