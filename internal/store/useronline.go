package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// liveBinding is true for a user row with an unexpired SIP binding.
const liveBinding = `EXISTS (SELECT 1 FROM sip_bindings b WHERE b.tenant_id = users.tenant_id AND b.user_id = users.id AND b.expires_at > ?)`

// ListUsersOnline is ListUsers of the users online at now (a live SIP
// binding) or, with online false, of those offline.
func (s *Store) ListUsersOnline(ctx context.Context, tenantID string, q *query.List, online bool, now time.Time) (int, []model.User, error) {
	cond := liveBinding
	if !online {
		cond = "NOT " + liveBinding
	}
	return listPaged(ctx, s, listSpec[model.User]{op: "list users", table: "users", cols: userColumns,
		conds: []string{"tenant_id = ?", cond}, args: []any{tenantID, micros(now)}, order: "created_at, id",
		trigram: usersTrigram(tenantID), scan: scanUser}, q)
}

// RegisteredDevices counts the live bindings at now of each of the
// tenant's users among ids (users without one are absent).
func (s *Store) RegisteredDevices(ctx context.Context, tenantID string, ids []string, now time.Time) (map[string]int, error) {
	out := map[string]int{}
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		part := ids[start:min(start+batch, len(ids))]
		args := []any{tenantID, micros(now)}
		for _, id := range part {
			args = append(args, id)
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		rows, err := s.c().query(ctx, `SELECT user_id, COUNT(*) FROM sip_bindings WHERE tenant_id = ? AND expires_at > ? AND user_id IN (`+
			marks+`) GROUP BY user_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("registered devices: %w", err)
		}
		for rows.Next() {
			var id string
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("registered devices: %w", err)
			}
			out[id] = n
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
