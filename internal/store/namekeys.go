package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Users' name keys (users.name_key, model.NameKey) are unique per tenant
// so that a look-alike of a taken name ("аlice" with a Cyrillic а beside
// "alice") is refused. Writes check it (nameFree); Migrate fills the keys
// of users from before the column and creates the unique index when no two
// users of a tenant already share a key (such pairs are kept as they are).

const nameKeyIndex = "users_tenant_name_key_key"

// nameFree reports a conflict on "name" when another user of u's tenant
// has a name that looks like u's.
func nameFree(ctx context.Context, c conn, u *model.User) error {
	var other string
	err := c.queryRow(ctx, `SELECT name FROM users WHERE tenant_id = ? AND name_key = ? AND id <> ? LIMIT 1`,
		u.TenantID, model.NameKey(u.Name), u.ID).Scan(&other)
	switch {
	case err == nil:
		return model.Conflict("name", "user name %q is already in use or looks like %q, which is", u.Name, other)
	case errors.Is(err, sql.ErrNoRows):
		return nil
	default:
		return fmt.Errorf("check name: %w", err)
	}
}

// ensureNameKeys fills the name keys still empty and creates the unique
// index when no two users of a tenant share a key.
func ensureNameKeys(ctx context.Context, c conn) error {
	rows, err := c.query(ctx, `SELECT id, name FROM users WHERE name_key = ''`)
	if err != nil {
		return fmt.Errorf("name keys: %w", err)
	}
	var ids, names []string
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return fmt.Errorf("name keys: %w", err)
		}
		ids, names = append(ids, id), append(names, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("name keys: %w", err)
	}
	for i, id := range ids {
		if _, err := c.exec(ctx, `UPDATE users SET name_key = ? WHERE id = ?`, model.NameKey(names[i]), id); err != nil {
			return fmt.Errorf("name keys: %w", err)
		}
	}
	var shared int
	if err := c.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT tenant_id, name_key FROM users
		GROUP BY tenant_id, name_key HAVING COUNT(*) > 1) d`).Scan(&shared); err != nil {
		return fmt.Errorf("name keys: %w", err)
	}
	if shared > 0 {
		return nil
	}
	if _, err := c.exec(ctx, `CREATE UNIQUE INDEX IF NOT EXISTS `+nameKeyIndex+` ON users (tenant_id, name_key)`); err != nil {
		return fmt.Errorf("create %s: %w", nameKeyIndex, err)
	}
	// The unique index serves every look-up the plain one (migration 19)
	// did, which only stays while duplicates keep the unique one out.
	if _, err := c.exec(ctx, `DROP INDEX IF EXISTS users_tenant_name_key_idx`); err != nil {
		return fmt.Errorf("drop users_tenant_name_key_idx: %w", err)
	}
	return nil
}
