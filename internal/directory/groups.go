package directory

import (
	"context"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

var groupRules = fieldRules{accept: keysOf(model.Group{}, "id"), readOnly: keySet([]string{"id"})}

// ListGroups lists the tenant's user groups.
func (s *Service) ListGroups(ctx context.Context, c *Caller, p query.Params) (int, []model.Group, error) {
	if err := c.require(PermUsers); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.GroupSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListGroups(ctx, c.TenantID, q)
}

// GetGroup returns one group.
func (s *Service) GetGroup(ctx context.Context, c *Caller, id string) (*model.Group, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	return s.store.GetGroup(ctx, c.TenantID, id)
}

// GroupPatch is the body of a group's create or update.
type GroupPatch = Patch[model.Group]

// CreateGroup creates a group; names are unique in the tenant ignoring case.
func (s *Service) CreateGroup(ctx context.Context, c *Caller, p *GroupPatch) (string, error) {
	if err := c.require(PermUsers); err != nil {
		return "", err
	}
	g := &model.Group{ID: model.NewID()}
	if err := apply(p, g, groupRules); err != nil {
		return "", err
	}
	if err := model.ValidateGroup(g); err != nil {
		return "", err
	}
	e := c.audit("create", "group", g.ID, g.Name, p.Fields())
	return g.ID, s.store.CreateGroup(store.WithAudit(ctx, e), c.TenantID, g)
}

// UpdateGroup changes the members given.
func (s *Service) UpdateGroup(ctx context.Context, c *Caller, id string, p *GroupPatch) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	return update(ctx, c, id, p, updater[model.Group]{kind: "group", rules: groupRules,
		store: func(ctx context.Context, change func(*model.Group) error) error {
			return s.store.UpdateGroup(ctx, c.TenantID, id, change)
		},
		after: model.ValidateGroup,
		name:  func(g *model.Group) string { return g.Name },
	})
}

// DeleteGroup deletes a group (its members stay users).
func (s *Service) DeleteGroup(ctx context.Context, c *Caller, id string) error {
	g, err := s.GetGroup(ctx, c, id)
	if err != nil {
		return err
	}
	return s.store.DeleteGroup(store.WithAudit(ctx, c.audit("delete", "group", id, g.Name, nil)), c.TenantID, id)
}

// GroupMembers lists a group's members.
func (s *Service) GroupMembers(ctx context.Context, c *Caller, id string) ([]model.GroupMember, error) {
	if _, err := s.GetGroup(ctx, c, id); err != nil {
		return nil, err
	}
	return s.store.GroupMembers(ctx, c.TenantID, id)
}

// member resolves a group and an extension of the tenant; either unknown
// is model.ErrNotFound.
func (s *Service) member(ctx context.Context, c *Caller, id, ext string) (*model.Group, *model.User, error) {
	g, err := s.GetGroup(ctx, c, id)
	if err != nil {
		return nil, nil, err
	}
	if model.ValidateExtensionNumber(ext) != nil {
		return nil, nil, model.ErrNotFound
	}
	u, err := s.store.GetUserByExtension(ctx, c.TenantID, ext)
	if err != nil {
		return nil, nil, err
	}
	return g, u, nil
}

// GroupMember returns the member with extension ext, or model.ErrNotFound
// when the extension is unknown or not in the group.
func (s *Service) GroupMember(ctx context.Context, c *Caller, id, ext string) (*model.GroupMember, error) {
	_, u, err := s.member(ctx, c, id, ext)
	if err != nil {
		return nil, err
	}
	in, err := s.store.IsGroupMember(ctx, id, u.ID)
	if err != nil {
		return nil, err
	}
	if !in {
		return nil, model.ErrNotFound
	}
	return &model.GroupMember{ID: u.ID, Name: u.Name, DisplayName: u.DisplayName, ExtensionNumber: u.ExtensionNumber}, nil
}

// AddGroupMember adds the user with extension ext (idempotent).
func (s *Service) AddGroupMember(ctx context.Context, c *Caller, id, ext string) error {
	g, u, err := s.member(ctx, c, id, ext)
	if err != nil {
		return err
	}
	e := c.audit("add_member", "group", id, g.Name, map[string]any{"extension_number": ext})
	return s.store.AddGroupMember(store.WithAudit(ctx, e), c.TenantID, id, u.ID)
}

// RemoveGroupMember removes the user with extension ext.
func (s *Service) RemoveGroupMember(ctx context.Context, c *Caller, id, ext string) error {
	g, u, err := s.member(ctx, c, id, ext)
	if err != nil {
		return err
	}
	e := c.audit("remove_member", "group", id, g.Name, map[string]any{"extension_number": ext})
	return s.store.RemoveGroupMember(store.WithAudit(ctx, e), id, u.ID)
}
