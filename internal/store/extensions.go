package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Every extension of a tenant belongs to one thing: a user, a call queue
// or ring group, or a meeting room. Each table has its own unique index;
// a write into one reads the others first (within its transaction).
const (
	extUsers    = "users"
	extGroups   = "hunt_groups"
	extMeetings = "meetings"
)

var extOwners = map[string]string{extUsers: "a user", extGroups: "a call queue or ring group", extMeetings: "a meeting room"}

// extensionsIn returns the extensions the tables hold in the tenant (only
// ext, when it is not "").
func extensionsIn(ctx context.Context, c conn, tenantID, ext string, tables ...string) (map[string]bool, error) {
	var parts []string
	var args []any
	for _, t := range tables {
		q := `SELECT extension_number FROM ` + t + ` WHERE tenant_id = ?`
		args = append(args, tenantID)
		if ext != "" {
			q += ` AND extension_number = ?`
			args = append(args, ext)
		}
		parts = append(parts, q)
	}
	rows, err := c.query(ctx, strings.Join(parts, " UNION "), args...)
	if err != nil {
		return nil, fmt.Errorf("extensions: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("extensions: %w", err)
		}
		out[e] = true
	}
	return out, rows.Err()
}

// extensionFree refuses ext when one of the tables holds it.
func extensionFree(ctx context.Context, c conn, tenantID, ext string, tables ...string) error {
	taken, err := extensionsIn(ctx, c, tenantID, ext, tables...)
	if err != nil {
		return err
	}
	if len(taken) > 0 {
		owners := make([]string, len(tables))
		for i, t := range tables {
			owners[i] = extOwners[t]
		}
		return model.Conflict("extension_number", "the extension belongs to %s", strings.Join(owners, " or "))
	}
	return nil
}
