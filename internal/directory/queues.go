package directory

import (
	"context"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Call queues and ring groups: extensions that ring their members. Admins
// (user_management.users) manage them; members see theirs and, in call
// queues, get and set their agent status.

var huntRules = fieldRules{accept: keySet([]string{"name", "extension_number", "strategy", "ring_timeout"}),
	readOnly: keySet([]string{"id", "created_at"})}

// ListHuntGroups lists the tenant's call queues or ring groups.
func (s *Service) ListHuntGroups(ctx context.Context, c *Caller, kind string) ([]model.HuntGroup, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	return s.store.ListHuntGroups(ctx, c.TenantID, kind)
}

// GetHuntGroup returns one group and its members.
func (s *Service) GetHuntGroup(ctx context.Context, c *Caller, kind, id string) (*model.HuntGroup, []model.Agent, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, nil, err
	}
	if !model.ValidID(id) {
		return nil, nil, model.ErrNotFound
	}
	g, err := s.store.GetHuntGroup(ctx, c.TenantID, kind, id)
	if err != nil {
		return nil, nil, err
	}
	members, err := s.store.Members(ctx, g.ID)
	return g, members, err
}

// HuntGroupPatch is the body of a call queue's or ring group's create or
// update.
type HuntGroupPatch = Patch[model.HuntGroup]

// CreateHuntGroup adds a call queue or ring group.
func (s *Service) CreateHuntGroup(ctx context.Context, c *Caller, kind string, p *HuntGroupPatch) (string, error) {
	if err := c.require(PermUsers); err != nil {
		return "", err
	}
	g := &model.HuntGroup{ID: model.NewID(), TenantID: c.TenantID, Kind: kind}
	if err := apply(p, g, huntRules); err != nil {
		return "", err
	}
	if err := model.ValidateHuntGroup(g); err != nil {
		return "", err
	}
	return g.ID, s.store.CreateHuntGroup(store.WithAudit(ctx, c.audit("create", kind, g.ID, g.Name, p.Fields())), g)
}

// UpdateHuntGroup changes the members given.
func (s *Service) UpdateHuntGroup(ctx context.Context, c *Caller, kind, id string, p *HuntGroupPatch) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	return update(ctx, c, id, p, updater[model.HuntGroup]{kind: kind, rules: huntRules,
		store: func(ctx context.Context, change func(*model.HuntGroup) error) error {
			return s.store.UpdateHuntGroup(ctx, c.TenantID, kind, id, change)
		},
		after: model.ValidateHuntGroup,
	})
}

// DeleteHuntGroup removes a group.
func (s *Service) DeleteHuntGroup(ctx context.Context, c *Caller, kind, id string) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	return s.store.DeleteHuntGroup(store.WithAudit(ctx, c.audit("delete", kind, id, "", nil)), c.TenantID, kind, id)
}

// SetHuntMember adds a user of the tenant to a group (or changes its
// skill level, 1–10, default 1).
func (s *Service) SetHuntMember(ctx context.Context, c *Caller, kind, id, userID string, skill int) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if skill == 0 {
		skill = 1
	}
	if err := model.ValidateSkillLevel(skill); err != nil {
		return err
	}
	g, u, err := s.huntAndUser(ctx, c, kind, id, userID)
	if err != nil {
		return err
	}
	return s.store.SetMember(ctx, g.ID, u.ID, skill)
}

// RemoveHuntMember takes a user out of a group.
func (s *Service) RemoveHuntMember(ctx context.Context, c *Caller, kind, id, userID string) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	g, u, err := s.huntAndUser(ctx, c, kind, id, userID)
	if err != nil {
		return err
	}
	return s.store.RemoveMember(ctx, g.ID, u.ID)
}

func (s *Service) huntAndUser(ctx context.Context, c *Caller, kind, id, userID string) (*model.HuntGroup, *model.User, error) {
	if !model.ValidID(id) || !model.ValidID(userID) {
		return nil, nil, model.ErrNotFound
	}
	g, err := s.store.GetHuntGroup(ctx, c.TenantID, kind, id)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.store.GetUser(ctx, c.TenantID, userID)
	if err != nil {
		return nil, nil, err
	}
	return g, u, nil
}

// MyHuntGroups lists the groups of kind a user belongs to (userID "" for
// the caller; another user's needs user_management.users).
func (s *Service) MyHuntGroups(ctx context.Context, c *Caller, kind, userID string) ([]model.HuntGroupSummary, error) {
	u, err := s.target(ctx, c, userID, false)
	if err != nil {
		return nil, err
	}
	return s.store.GroupsOfMember(ctx, c.TenantID, kind, u.ID)
}

// Agent returns a user's agent state in a call queue (userID "" for the
// caller).
func (s *Service) Agent(ctx context.Context, c *Caller, userID, queueID string) (*model.Agent, error) {
	u, err := s.target(ctx, c, userID, false)
	if err != nil {
		return nil, err
	}
	if !model.ValidID(queueID) {
		return nil, model.ErrNotFound
	}
	return s.store.Agent(ctx, c.TenantID, queueID, u.ID)
}

// SetAgentStatus changes a user's agent status in a call queue (userID ""
// for the caller); the change is recorded with its time and who made it.
func (s *Service) SetAgentStatus(ctx context.Context, c *Caller, userID, queueID, status string) error {
	u, err := s.target(ctx, c, userID, userID != "")
	if err != nil {
		return err
	}
	if !model.ValidID(queueID) {
		return model.ErrNotFound
	}
	return s.store.SetAgentStatus(ctx, c.TenantID, queueID, u.ID, status, c.UserName, model.AgentTransition)
}

// AgentEvents lists a call queue's agent status changes.
func (s *Service) AgentEvents(ctx context.Context, c *Caller, queueID string) ([]model.AgentEvent, error) {
	g, _, err := s.GetHuntGroup(ctx, c, model.KindCallQueue, queueID)
	if err != nil {
		return nil, err
	}
	return s.store.AgentEvents(ctx, g.ID)
}
