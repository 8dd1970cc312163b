package store

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// ViaAPIKey begins the Via of a session obtained with an API key; the
// key's token follows.
const ViaAPIKey = "api_key:"

const apiKeyColumns = `token, tenant_id, user_id, name, secret_hash, created_at, last_used`

func scanAPIKey(row rowScanner) (*model.APIKey, error) {
	var k model.APIKey
	var created, used int64
	if err := row.Scan(&k.Token, &k.TenantID, &k.UserID, &k.Name, &k.SecretHash, &created, &used); err != nil {
		return nil, err
	}
	k.CreatedAt = fromMicros(created)
	if used != 0 {
		t := fromMicros(used)
		k.LastUsedAt = &t
	}
	return &k, nil
}

// CreateAPIKey stores k unless its user already holds max keys, which
// gives a *model.ConflictError. The count and the insert share one
// transaction (on PostgreSQL the user's row is locked for it).
func (s *Store) CreateAPIKey(ctx context.Context, k *model.APIKey, max int) error {
	k.CreatedAt = norm(k.CreatedAt)
	return s.inTx(ctx, func(c conn) error {
		var id string
		if err := c.queryRow(ctx, `SELECT id FROM users WHERE tenant_id = ? AND id = ?`+c.forUpdate(), k.TenantID, k.UserID).Scan(&id); err != nil {
			return notFound("create API key", err)
		}
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM api_keys WHERE user_id = ?`, k.UserID).Scan(&n); err != nil {
			return fmt.Errorf("create API key: %w", err)
		}
		if n >= max {
			return model.Conflict("name", "you already have %d API keys, the most a user may hold; delete one first", n)
		}
		_, err := c.exec(ctx, `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, 0)`,
			k.Token, k.TenantID, k.UserID, k.Name, k.SecretHash, micros(k.CreatedAt))
		if err != nil {
			return fmt.Errorf("create API key: %w", err)
		}
		return nil
	})
}

// ListAPIKeys returns the keys of a user of tenantID, oldest first.
func (s *Store) ListAPIKeys(ctx context.Context, tenantID, userID string) ([]model.APIKey, error) {
	return queryAll(ctx, s.c(), "list API keys", scanAPIKey, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = ? AND user_id = ?
		ORDER BY created_at, token`, tenantID, userID)
}

// GetAPIKey returns the key with token, or model.ErrNotFound.
func (s *Store) GetAPIKey(ctx context.Context, token string) (*model.APIKey, error) {
	k, err := scanAPIKey(s.queryRowFixed(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE token = ?`, token))
	if err != nil {
		return nil, notFound("get API key", err)
	}
	return k, nil
}

// TouchAPIKey records that the key was just exchanged for a token.
func (s *Store) TouchAPIKey(ctx context.Context, token string) error {
	_, err := s.c().exec(ctx, `UPDATE api_keys SET last_used = ? WHERE token = ?`, micros(now()), token)
	return err
}

// DeleteAPIKey deletes a key of a user of tenantID together with every
// session obtained through it, so its access tokens stop at once.
func (s *Store) DeleteAPIKey(ctx context.Context, tenantID, userID, token string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM api_keys WHERE tenant_id = ? AND user_id = ? AND token = ?`, tenantID, userID, token)
		if err := deleted("delete API key", res, err); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE via = ?`, ViaAPIKey+token); err != nil {
			return fmt.Errorf("end API key sessions: %w", err)
		}
		return c.publish(ctx, Event{Kind: EventSession, TenantID: tenantID, ID: userID})
	})
}
