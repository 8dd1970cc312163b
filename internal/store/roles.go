package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// builtInTenant is the tenant_id of the built-in roles' rows.
const builtInTenant = ""

// RoleSchema is the query.Schema of role lists.
func RoleSchema() query.Schema {
	return query.Schema{
		"name":        {Column: "name", Type: query.String, Filterable: true, Sortable: true},
		"description": {Column: "description", Type: query.String, Filterable: true, Sortable: true},
		"built_in":    {Column: "built_in", Type: query.Bool, Filterable: true, Sortable: true},
	}
}

const roleColumns = `name, description, permissions, built_in`

func scanRole(row rowScanner) (*model.Role, error) {
	var r model.Role
	var perms string
	if err := row.Scan(&r.Name, &r.Description, &perms, &r.BuiltIn); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(perms), &r.Permissions); err != nil {
		return nil, fmt.Errorf("decode permissions of role %s: %w", r.Name, err)
	}
	return &r, nil
}

func roleArgs(tenantID string, r *model.Role) ([]any, error) {
	perms, err := json.Marshal(r.Permissions)
	if err != nil {
		return nil, fmt.Errorf("encode permissions: %w", err)
	}
	t := micros(now())
	return []any{tenantID, r.Name, strings.ToLower(r.Name), r.Description, string(perms), r.BuiltIn, t, t,
		query.Fold(r.Name + " " + r.Description)}, nil
}

const insertRoleSQL = `INSERT INTO roles (tenant_id, name, name_lower, description, permissions, built_in,
	created_at, updated_at, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// SyncBuiltInRoles makes the stored copies of the built-in roles (which
// lists read) match roles, in one transaction. Nodes starting together may
// run it at once: each row is an upsert.
func (s *Store) SyncBuiltInRoles(ctx context.Context, roles []model.Role) error {
	return s.inTx(ctx, func(c conn) error {
		names := make([]any, 0, len(roles)+1)
		marks := make([]string, 0, len(roles))
		names = append(names, builtInTenant)
		for i := range roles {
			r := roles[i]
			r.BuiltIn = true
			args, err := roleArgs(builtInTenant, &r)
			if err != nil {
				return err
			}
			if _, err := c.exec(ctx, insertRoleSQL+` ON CONFLICT (tenant_id, name_lower) DO UPDATE SET
				name = excluded.name, description = excluded.description, permissions = excluded.permissions,
				built_in = excluded.built_in, updated_at = excluded.updated_at, search_text = excluded.search_text`, args...); err != nil {
				return fmt.Errorf("sync built-in role %s: %w", r.Name, err)
			}
			names = append(names, strings.ToLower(r.Name))
			marks = append(marks, "?")
		}
		_, err := c.exec(ctx, `DELETE FROM roles WHERE tenant_id = ? AND name_lower NOT IN (`+strings.Join(marks, ", ")+`)`, names...)
		if err != nil {
			return fmt.Errorf("sync built-in roles: %w", err)
		}
		return c.publish(ctx, Event{Kind: EventRole}) // every tenant
	})
}

// EventRole is published when a role is created, changed or deleted
// (TenantID names its tenant, empty for the built-in roles).
const EventRole = "role"

// ListRoles lists the built-in roles and tenantID's own with the query
// language (built-in first, then by name, by default).
func (s *Store) ListRoles(ctx context.Context, tenantID string, q *query.List) (int, []model.Role, error) {
	// Roles have no id: a name is unique (ignoring case) among the rows a
	// list reads.
	return listPaged(ctx, s, listSpec[model.Role]{op: "list roles", table: "roles", cols: roleColumns,
		conds: []string{"tenant_id IN (?, ?)"}, args: []any{builtInTenant, tenantID}, order: "built_in DESC, name_lower, name",
		tiebreak: "name_lower", scan: scanRole}, q)
}

// GetRole returns the role named name (ignoring case): tenantID's own or a
// built-in one. Unknown names give model.ErrNotFound.
func (s *Store) GetRole(ctx context.Context, tenantID, name string) (*model.Role, error) {
	r, err := scanRole(s.queryRowFixed(ctx, `SELECT `+roleColumns+` FROM roles
		WHERE tenant_id IN (?, ?) AND name_lower = ? ORDER BY built_in DESC LIMIT 1`,
		builtInTenant, tenantID, strings.ToLower(name)))
	if err != nil {
		return nil, notFound("get role", err)
	}
	return r, nil
}

func roleConflict(op string, err error, r *model.Role) error {
	if field, ok := uniqueViolation(err); ok && field == "role_name" {
		return model.Conflict("name", "role name %q is already in use", r.Name)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// CreateRole stores a custom role of tenantID. A name taken in the tenant
// (ignoring case) gives a *model.ConflictError for "name".
func (s *Store) CreateRole(ctx context.Context, tenantID string, r *model.Role) error {
	r.BuiltIn = false
	args, err := roleArgs(tenantID, r)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, insertRoleSQL, args...); err != nil {
			return roleConflict("create role", err, r)
		}
		return c.publish(ctx, Event{Kind: EventRole, TenantID: tenantID, ID: r.Name})
	})
}

// UpdateRole loads tenantID's custom role name (locked), applies fn and
// writes it back; a new name is carried over to the users holding the
// role, in the same transaction. Built-in roles are not found here.
func (s *Store) UpdateRole(ctx context.Context, tenantID, name string, fn func(*model.Role) error) (*model.Role, error) {
	var out *model.Role
	err := s.inTx(ctx, func(c conn) error {
		r, err := scanRole(c.queryRow(ctx, `SELECT `+roleColumns+` FROM roles WHERE tenant_id = ? AND name_lower = ?`+c.forUpdate(),
			tenantID, strings.ToLower(name)))
		if err != nil {
			return notFound("update role", err)
		}
		old := r.Name
		if err := fn(r); err != nil {
			return err
		}
		r.BuiltIn = false
		perms, err := json.Marshal(r.Permissions)
		if err != nil {
			return fmt.Errorf("encode permissions: %w", err)
		}
		_, err = c.exec(ctx, `UPDATE roles SET name = ?, name_lower = ?, description = ?, permissions = ?,
			updated_at = ?, search_text = ? WHERE tenant_id = ? AND name_lower = ?`,
			r.Name, strings.ToLower(r.Name), r.Description, string(perms), micros(now()),
			query.Fold(r.Name+" "+r.Description), tenantID, strings.ToLower(old))
		if err != nil {
			return roleConflict("update role", err, r)
		}
		if r.Name != old {
			if _, err := c.exec(ctx, `UPDATE users SET role = ? WHERE tenant_id = ? AND role = ?`, r.Name, tenantID, old); err != nil {
				return fmt.Errorf("rename role of users: %w", err)
			}
		}
		out = r
		return c.publish(ctx, Event{Kind: EventRole, TenantID: tenantID, ID: old})
	})
	return out, err
}

// DeleteRole deletes tenantID's custom role name. A role still held by
// users is kept and a *model.ConflictError says how many hold it.
func (s *Store) DeleteRole(ctx context.Context, tenantID, name string) error {
	return s.inTx(ctx, func(c conn) error {
		var canonical string
		err := c.queryRow(ctx, `SELECT name FROM roles WHERE tenant_id = ? AND name_lower = ?`+c.forUpdate(),
			tenantID, strings.ToLower(name)).Scan(&canonical)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("delete role: %w", model.ErrNotFound)
		} else if err != nil {
			return fmt.Errorf("delete role: %w", err)
		}
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE tenant_id = ? AND role = ?`, tenantID, canonical).Scan(&n); err != nil {
			return fmt.Errorf("delete role: %w", err)
		}
		if n > 0 {
			noun := "users still have"
			if n == 1 {
				noun = "user still has"
			}
			return model.Conflict("name", "role %q cannot be deleted: %d %s it", canonical, n, noun)
		}
		if _, err = c.exec(ctx, `DELETE FROM roles WHERE tenant_id = ? AND name_lower = ?`, tenantID, strings.ToLower(name)); err != nil {
			return fmt.Errorf("delete role: %w", err)
		}
		return c.publish(ctx, Event{Kind: EventRole, TenantID: tenantID, ID: canonical})
	})
}
