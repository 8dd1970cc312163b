package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// UserByCallerID returns a user of the tenant having number among its
// outbound caller IDs (the number a trunk delivers calls to), or
// model.ErrNotFound.
func (s *Store) UserByCallerID(ctx context.Context, tenantID, number string) (*model.User, error) {
	if number == "" || strings.Trim(number, "+0123456789") != "" || len(number) > 32 {
		return nil, fmt.Errorf("user by caller id: %w", model.ErrNotFound)
	}
	u, err := scanUser(s.c().queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = ? AND settings LIKE ? ORDER BY created_at LIMIT 1`,
		tenantID, `%"caller_id":"`+number+`"%`))
	if err != nil {
		return nil, notFound("user by caller id", err)
	}
	return u, nil
}
