package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// GroupSchema is the query.Schema of group lists.
func GroupSchema() query.Schema {
	return query.Schema{
		"name":        {Column: "name", Type: query.String, Filterable: true, Sortable: true},
		"description": {Column: "description", Type: query.String, Filterable: true, Sortable: true},
	}
}

const groupColumns = `id, name, description, outbound_caller_ids`

func scanGroup(row rowScanner) (*model.Group, error) {
	var g model.Group
	var ids string
	if err := row.Scan(&g.ID, &g.Name, &g.Description, &ids); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(ids), &g.OutboundCallerIDs); err != nil {
		return nil, fmt.Errorf("decode group %s: %w", g.ID, err)
	}
	return &g, nil
}

func groupConflict(op string, err error, g *model.Group) error {
	if field, ok := uniqueViolation(err); ok && field == "group_name" {
		return model.Conflict("name", "group name %q is already in use", g.Name)
	}
	return fmt.Errorf("%s: %w", op, err)
}

func groupArgs(g *model.Group) ([]any, error) {
	ids, err := json.Marshal(g.OutboundCallerIDs)
	if err != nil {
		return nil, err
	}
	return []any{g.Name, strings.ToLower(g.Name), g.Description, string(ids), query.Fold(g.Name + " " + g.Description)}, nil
}

// CreateGroup stores a group of tenantID; a taken name (ignoring case)
// is a *model.ConflictError on "name".
func (s *Store) CreateGroup(ctx context.Context, tenantID string, g *model.Group) error {
	args, err := groupArgs(g)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO user_groups (id, tenant_id, name, name_lower, description, outbound_caller_ids, search_text, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, append(append([]any{g.ID, tenantID}, args...), micros(now()))...)
		if err != nil {
			return groupConflict("create group", err, g)
		}
		return nil
	})
}

// GetGroup returns a group of tenantID or model.ErrNotFound.
func (s *Store) GetGroup(ctx context.Context, tenantID, id string) (*model.Group, error) {
	g, err := scanGroup(s.c().queryRow(ctx, `SELECT `+groupColumns+` FROM user_groups WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return nil, notFound("get group", err)
	}
	return g, nil
}

// ListGroups lists tenantID's groups with the query language.
func (s *Store) ListGroups(ctx context.Context, tenantID string, q *query.List) (int, []model.Group, error) {
	return listPaged(ctx, s, listSpec[model.Group]{op: "list groups", table: "user_groups", cols: groupColumns,
		conds: []string{"tenant_id = ?"}, args: []any{tenantID}, order: "name_lower, id", scan: scanGroup}, q)
}

// UpdateGroup loads a group (locked), applies fn and writes it back.
func (s *Store) UpdateGroup(ctx context.Context, tenantID, id string, fn func(*model.Group) error) error {
	return s.inTx(ctx, func(c conn) error {
		g, err := scanGroup(c.queryRow(ctx, `SELECT `+groupColumns+` FROM user_groups WHERE tenant_id = ? AND id = ?`+c.forUpdate(), tenantID, id))
		if err != nil {
			return notFound("update group", err)
		}
		if err := fn(g); err != nil {
			return err
		}
		args, err := groupArgs(g)
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE user_groups SET name = ?, name_lower = ?, description = ?, outbound_caller_ids = ?, search_text = ?
			WHERE tenant_id = ? AND id = ?`, append(args, tenantID, id)...)
		if err != nil {
			return groupConflict("update group", err, g)
		}
		return nil
	})
}

// DeleteGroup deletes a group and its memberships.
func (s *Store) DeleteGroup(ctx context.Context, tenantID, id string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM user_groups WHERE tenant_id = ? AND id = ?`, tenantID, id)
		return deleted("delete group", res, err)
	})
}

// GroupMembers lists a group's members by extension number.
func (s *Store) GroupMembers(ctx context.Context, tenantID, groupID string) ([]model.GroupMember, error) {
	return queryAll(ctx, s.c(), "list group members", func(row rowScanner) (*model.GroupMember, error) {
		var m model.GroupMember
		return &m, row.Scan(&m.ID, &m.Name, &m.DisplayName, &m.ExtensionNumber)
	}, `SELECT u.id, u.name, u.display_name, u.extension_number
		FROM user_group_members m JOIN users u ON u.id = m.user_id
		WHERE m.group_id = ? AND u.tenant_id = ? ORDER BY u.extension_number`, groupID, tenantID)
}

// AddGroupMember adds user userID to the group (idempotent).
func (s *Store) AddGroupMember(ctx context.Context, tenantID, groupID, userID string) error {
	return s.inTx(ctx, func(c conn) error {
		// Both must belong to the tenant: the insert selects them by it.
		if _, err := c.exec(ctx, `INSERT INTO user_group_members (group_id, user_id)
			SELECT g.id, u.id FROM user_groups g, users u
			WHERE g.id = ? AND g.tenant_id = ? AND u.id = ? AND u.tenant_id = ?
			ON CONFLICT DO NOTHING`, groupID, tenantID, userID, tenantID); err != nil {
			return fmt.Errorf("add group member: %w", err)
		}
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM user_group_members WHERE group_id = ? AND user_id = ?`, groupID, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("add group member: %w", model.ErrNotFound)
		}
		return nil
	})
}

// RemoveGroupMember removes a member, or returns model.ErrNotFound.
func (s *Store) RemoveGroupMember(ctx context.Context, groupID, userID string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM user_group_members WHERE group_id = ? AND user_id = ?`, groupID, userID)
		return deleted("remove group member", res, err)
	})
}

// IsGroupMember reports whether userID is in the group.
func (s *Store) IsGroupMember(ctx context.Context, groupID, userID string) (bool, error) {
	var n int
	err := s.c().queryRow(ctx, `SELECT COUNT(*) FROM user_group_members WHERE group_id = ? AND user_id = ?`, groupID, userID).Scan(&n)
	return n > 0, err
}

// GroupsOfUser lists the groups userID belongs to, by name.
func (s *Store) GroupsOfUser(ctx context.Context, tenantID, userID string) ([]model.Group, error) {
	return queryAll(ctx, s.c(), "groups of user", scanGroup, `SELECT g.id, g.name, g.description, g.outbound_caller_ids
		FROM user_groups g JOIN user_group_members m ON m.group_id = g.id
		WHERE g.tenant_id = ? AND m.user_id = ? ORDER BY g.name_lower, g.id`, tenantID, userID)
}
