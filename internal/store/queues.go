package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

const huntColumns = `id, tenant_id, kind, name, extension_number, strategy, ring_timeout, created_at`

func scanHunt(row rowScanner) (*model.HuntGroup, error) {
	var g model.HuntGroup
	var created int64
	if err := row.Scan(&g.ID, &g.TenantID, &g.Kind, &g.Name, &g.ExtensionNumber, &g.Strategy, &g.RingTimeout, &created); err != nil {
		return nil, err
	}
	g.CreatedAt = fromMicros(created)
	return &g, nil
}

func huntConflict(op string, err error) error {
	if field, ok := uniqueViolation(err); ok {
		if field == "extension_number" {
			return model.Conflict("extension_number", "the extension is already taken")
		}
		return model.Conflict("name", "the name is already taken")
	}
	return fmt.Errorf("%s: %w", op, err)
}

// CreateHuntGroup stores a call queue or ring group; its extension may not
// be a user's nor another group's.
func (s *Store) CreateHuntGroup(ctx context.Context, g *model.HuntGroup) error {
	g.CreatedAt = norm(time.Now())
	return s.inTx(ctx, func(c conn) error {
		if err := extensionFree(ctx, c, g.TenantID, g.ExtensionNumber, extUsers, extMeetings); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO hunt_groups (`+huntColumns+`, name_lower) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			g.ID, g.TenantID, g.Kind, g.Name, g.ExtensionNumber, g.Strategy, g.RingTimeout, micros(g.CreatedAt), strings.ToLower(g.Name)); err != nil {
			return huntConflict("create group", err)
		}
		return nil
	})
}

// GetHuntGroup returns a group of kind in the tenant.
func (s *Store) GetHuntGroup(ctx context.Context, tenantID, kind, id string) (*model.HuntGroup, error) {
	g, err := scanHunt(s.c().queryRow(ctx, `SELECT `+huntColumns+` FROM hunt_groups WHERE tenant_id = ? AND kind = ? AND id = ?`, tenantID, kind, id))
	if err != nil {
		return nil, notFound("get group", err)
	}
	return g, nil
}

// ListHuntGroups lists a tenant's groups of kind by name.
func (s *Store) ListHuntGroups(ctx context.Context, tenantID, kind string) ([]model.HuntGroup, error) {
	return queryAll(ctx, s.c(), "list groups", scanHunt,
		`SELECT `+huntColumns+` FROM hunt_groups WHERE tenant_id = ? AND kind = ? ORDER BY name_lower LIMIT 10000`, tenantID, kind)
}

// UpdateHuntGroup changes a group with fn in one transaction.
func (s *Store) UpdateHuntGroup(ctx context.Context, tenantID, kind, id string, fn func(*model.HuntGroup) error) error {
	return s.inTx(ctx, func(c conn) error {
		g, err := scanHunt(c.queryRow(ctx, `SELECT `+huntColumns+` FROM hunt_groups WHERE tenant_id = ? AND kind = ? AND id = ?`+c.forUpdate(), tenantID, kind, id))
		if err != nil {
			return notFound("update group", err)
		}
		old := g.ExtensionNumber
		if err := fn(g); err != nil {
			return err
		}
		if g.ExtensionNumber != old {
			if err := extensionFree(ctx, c, tenantID, g.ExtensionNumber, extUsers, extMeetings); err != nil {
				return err
			}
		}
		if _, err := c.exec(ctx, `UPDATE hunt_groups SET name = ?, name_lower = ?, extension_number = ?, strategy = ?, ring_timeout = ? WHERE id = ?`,
			g.Name, strings.ToLower(g.Name), g.ExtensionNumber, g.Strategy, g.RingTimeout, id); err != nil {
			return huntConflict("update group", err)
		}
		return nil
	})
}

// DeleteHuntGroup removes a group (its members and events go with it).
func (s *Store) DeleteHuntGroup(ctx context.Context, tenantID, kind, id string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM hunt_groups WHERE tenant_id = ? AND kind = ? AND id = ?`, tenantID, kind, id)
		return deleted("delete group", res, err)
	})
}

// SetMember adds a user to a group, or changes its skill level.
func (s *Store) SetMember(ctx context.Context, groupID, userID string, skill int) error {
	_, err := s.c().exec(ctx, `INSERT INTO hunt_group_members (group_id, user_id, skill_level, status, status_at) VALUES (?, ?, ?, 'LOGGED_OUT', ?)
		ON CONFLICT (group_id, user_id) DO UPDATE SET skill_level = excluded.skill_level`, groupID, userID, skill, micros(time.Now()))
	if err != nil {
		return fmt.Errorf("set member: %w", err)
	}
	return nil
}

// RemoveMember takes a user out of a group.
func (s *Store) RemoveMember(ctx context.Context, groupID, userID string) error {
	res, err := s.c().exec(ctx, `DELETE FROM hunt_group_members WHERE group_id = ? AND user_id = ?`, groupID, userID)
	return deleted("remove member", res, err)
}

const agentColumns = `m.user_id, u.extension_number, u.display_name, m.skill_level, m.status, m.status_at`

func scanAgent(row rowScanner) (*model.Agent, error) {
	var a model.Agent
	var at int64
	if err := row.Scan(&a.UserID, &a.ExtensionNumber, &a.DisplayName, &a.SkillLevel, &a.Status, &at); err != nil {
		return nil, err
	}
	a.StatusAt = fromMicros(at)
	return &a, nil
}

// Members lists a group's members by extension.
func (s *Store) Members(ctx context.Context, groupID string) ([]model.Agent, error) {
	return queryAll(ctx, s.c(), "members", scanAgent, `SELECT `+agentColumns+` FROM hunt_group_members m JOIN users u ON u.id = m.user_id
		WHERE m.group_id = ? ORDER BY u.extension_number`, groupID)
}

// GroupsOfMember lists the groups of kind a user belongs to.
func (s *Store) GroupsOfMember(ctx context.Context, tenantID, kind, userID string) ([]model.HuntGroupSummary, error) {
	return queryAll(ctx, s.c(), "groups of member", func(row rowScanner) (*model.HuntGroupSummary, error) {
		var g model.HuntGroupSummary
		return &g, row.Scan(&g.ID, &g.Name, &g.ExtensionNumber)
	}, `SELECT g.id, g.name, g.extension_number FROM hunt_groups g JOIN hunt_group_members m ON m.group_id = g.id
		WHERE g.tenant_id = ? AND g.kind = ? AND m.user_id = ? ORDER BY g.name_lower`, tenantID, kind, userID)
}

// Agent returns a member of a call queue of the tenant.
func (s *Store) Agent(ctx context.Context, tenantID, groupID, userID string) (*model.Agent, error) {
	a, err := scanAgent(s.c().queryRow(ctx, `SELECT `+agentColumns+` FROM hunt_group_members m JOIN users u ON u.id = m.user_id
		JOIN hunt_groups g ON g.id = m.group_id WHERE g.tenant_id = ? AND g.kind = ? AND m.group_id = ? AND m.user_id = ?`,
		tenantID, model.KindCallQueue, groupID, userID))
	if err != nil {
		return nil, notFound("agent", err)
	}
	return a, nil
}

// SetAgentStatus changes an agent's status after check(from, to) allows
// it, and records the change with its time; setting the same status again
// records nothing.
func (s *Store) SetAgentStatus(ctx context.Context, tenantID, groupID, userID, status, by string, check func(from, to string) error) error {
	return s.inTx(ctx, func(c conn) error {
		var from string
		err := c.queryRow(ctx, `SELECT m.status FROM hunt_group_members m JOIN hunt_groups g ON g.id = m.group_id
			WHERE g.tenant_id = ? AND g.kind = ? AND m.group_id = ? AND m.user_id = ?`+c.forUpdate(), tenantID, model.KindCallQueue, groupID, userID).Scan(&from)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("agent: %w", model.ErrNotFound)
		} else if err != nil {
			return fmt.Errorf("agent: %w", err)
		}
		if err := check(from, status); err != nil {
			return err
		}
		if from == status {
			return nil
		}
		now := micros(time.Now())
		if _, err := c.exec(ctx, `UPDATE hunt_group_members SET status = ?, status_at = ? WHERE group_id = ? AND user_id = ?`, status, now, groupID, userID); err != nil {
			return fmt.Errorf("agent status: %w", err)
		}
		if _, err := c.exec(ctx, `INSERT INTO agent_events (group_id, user_id, status, previous, by_user, at) VALUES (?, ?, ?, ?, ?, ?)`,
			groupID, userID, status, from, by, now); err != nil {
			return fmt.Errorf("agent event: %w", err)
		}
		return nil
	})
}

// AgentEvents lists a queue's status changes, oldest first (at most 1,000
// from the newest).
func (s *Store) AgentEvents(ctx context.Context, groupID string) ([]model.AgentEvent, error) {
	return queryAll(ctx, s.c(), "agent events", func(row rowScanner) (*model.AgentEvent, error) {
		var e model.AgentEvent
		var at int64
		err := row.Scan(&e.UserID, &e.Status, &e.Previous, &e.By, &at)
		e.At = fromMicros(at)
		return &e, err
	}, `SELECT user_id, status, previous, by_user, at FROM (SELECT * FROM agent_events WHERE group_id = ? ORDER BY seq DESC LIMIT 1000) e
		ORDER BY seq`, groupID)
}

// HuntGroupByExtension returns the call queue or ring group of the tenant
// at ext (model.ErrNotFound if none).
func (s *Store) HuntGroupByExtension(ctx context.Context, tenantID, ext string) (*model.HuntGroup, error) {
	g, err := scanHunt(s.c().queryRow(ctx, `SELECT `+huntColumns+` FROM hunt_groups WHERE tenant_id = ? AND extension_number = ?`, tenantID, ext))
	if err != nil {
		return nil, notFound("group by extension", err)
	}
	return g, nil
}
