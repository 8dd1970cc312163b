package directory

import (
	"context"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Online filters a user list by SIP registration.
type Online string

const (
	OnlineAny Online = ""
	OnlineYes Online = "online"
	OnlineNo  Online = "offline"
)

// ListUsersBy is ListUsers with the users online (a live SIP binding)
// or offline only, as the portal's users list filters them.
func (s *Service) ListUsersBy(ctx context.Context, c *Caller, p query.Params, online Online) (int, []model.User, error) {
	switch online {
	case OnlineAny:
		return s.ListUsers(ctx, c, p)
	case OnlineYes, OnlineNo:
	default:
		return 0, nil, model.Invalid("online", "must be online or offline")
	}
	if err := c.require(PermUsers); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.UserSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListUsersOnline(ctx, c.TenantID, q, online == OnlineYes, s.now())
}

// RegisteredDevices counts the registered SIP devices of the caller's
// tenant's users among ids (absent: none).
func (s *Service) RegisteredDevices(ctx context.Context, c *Caller, ids []string) (map[string]int, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	return s.store.RegisteredDevices(ctx, c.TenantID, ids, s.now())
}
