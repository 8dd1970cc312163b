package directory

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// PermRoles is the permission that manages a tenant's custom roles.
const PermRoles = "user_management.roles"

var roleRules = fieldRules{accept: keySet([]string{"name", "description", "permissions"}), readOnly: keySet([]string{"built_in"})}

// callerPermissions resolves the permissions of an authenticated principal:
// a built-in role's from the code, a custom role's from the row joined in
// by the session lookup. An unknown role grants nothing.
func callerPermissions(p *store.Principal) model.Permissions {
	if r, ok := model.BuiltInRole(p.Role); ok {
		return r.Permissions
	}
	var perms model.Permissions
	if p.RolePermissions != "" {
		_ = json.Unmarshal([]byte(p.RolePermissions), &perms)
	}
	return perms
}

// resolveGrant finds role (any case) among the built-in roles and tenantID's
// custom ones and returns its canonical name. Unknown roles are refused on
// field; so are roles holding a permission the caller lacks (c == nil is
// the system itself, at bootstrap).
func (s *Service) resolveGrant(ctx context.Context, c *Caller, tenantID, field, role string) (string, error) {
	var r *model.Role
	if b, ok := model.BuiltInRoleFold(role); ok {
		r = &b
	} else {
		found, err := s.store.GetRole(ctx, tenantID, role)
		if errors.Is(err, model.ErrNotFound) {
			return "", model.Invalid(field, "unknown role %q", role)
		} else if err != nil {
			return "", err
		}
		r = found
	}
	if c != nil && !c.Perms.Covers(r.Permissions) {
		return "", model.Forbidden("you cannot grant the role %s: it holds permissions you do not have", r.Name)
	}
	return r.Name, nil
}

// ListRoles lists the built-in roles and the caller's tenant's own.
func (s *Service) ListRoles(ctx context.Context, c *Caller, p query.Params) (int, []model.Role, error) {
	if err := c.require(PermRoles); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.RoleSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListRoles(ctx, c.TenantID, q)
}

// GetRole returns a built-in role or one of the caller's tenant's roles.
func (s *Service) GetRole(ctx context.Context, c *Caller, name string) (*model.Role, error) {
	if err := c.require(PermRoles); err != nil {
		return nil, err
	}
	return s.store.GetRole(ctx, c.TenantID, name)
}

// RolePatch is the body of a custom role's create or update.
type RolePatch = Patch[model.Role]

// CreateRole creates a custom role in the caller's tenant from the
// contract's role body. Nobody creates a role holding a permission they
// do not hold themselves.
func (s *Service) CreateRole(ctx context.Context, c *Caller, p *RolePatch) (*model.Role, error) {
	if err := c.require(PermRoles); err != nil {
		return nil, err
	}
	r := &model.Role{}
	if err := apply(p, r, roleRules); err != nil {
		return nil, err
	}
	if err := model.ValidateRole(r); err != nil {
		return nil, err
	}
	if !c.Perms.Covers(r.Permissions) {
		return nil, model.Forbidden("the role holds permissions you do not have")
	}
	e := c.audit("create", "role", "", r.Name, p.Fields())
	if err := s.store.CreateRole(store.WithAudit(ctx, e), c.TenantID, r); err != nil {
		return nil, err
	}
	return r, nil
}

// UpdateRole changes a custom role of the caller's tenant (fields left out
// keep their value). Built-in roles cannot be changed. The caller must
// hold every permission of the role before and after the change.
func (s *Service) UpdateRole(ctx context.Context, c *Caller, name string, p *RolePatch) error {
	if err := c.require(PermRoles); err != nil {
		return err
	}
	if model.IsReservedRoleName(name) {
		return model.Forbidden("built-in roles cannot be changed")
	}
	return update(ctx, c, "", p, updater[model.Role]{kind: "role", rules: roleRules,
		store: func(ctx context.Context, change func(*model.Role) error) error {
			return discard(s.store.UpdateRole(ctx, c.TenantID, name, change))
		},
		before: func(r *model.Role) error {
			if !c.Perms.Covers(r.Permissions) {
				return model.Forbidden("the role holds permissions you do not have")
			}
			return nil
		},
		after: func(r *model.Role) error {
			if err := model.ValidateRole(r); err != nil {
				return err
			}
			if !c.Perms.Covers(r.Permissions) {
				return model.Forbidden("the role would hold permissions you do not have")
			}
			return nil
		},
		name: func(r *model.Role) string { return r.Name },
	})
}

// DeleteRole deletes a custom role of the caller's tenant that no user
// holds. Built-in roles cannot be deleted.
func (s *Service) DeleteRole(ctx context.Context, c *Caller, name string) error {
	if err := c.require(PermRoles); err != nil {
		return err
	}
	if model.IsReservedRoleName(name) {
		return model.Forbidden("built-in roles cannot be deleted")
	}
	r, err := s.store.GetRole(ctx, c.TenantID, name)
	if err != nil {
		return err
	}
	if !c.Perms.Covers(r.Permissions) {
		return model.Forbidden("the role holds permissions you do not have")
	}
	return s.store.DeleteRole(store.WithAudit(ctx, c.audit("delete", "role", "", r.Name, nil)), c.TenantID, name)
}
