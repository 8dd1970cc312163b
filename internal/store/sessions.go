package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Session is one sign-in: a pair of access and refresh tokens of a user.
// Tokens are random; only their SHA-256 hex digests are stored.
type Session struct {
	ID             string
	TenantID       string
	UserID         string
	AccessHash     string
	RefreshHash    string
	AccessExpires  time.Time
	RefreshExpires time.Time
	CreatedAt      time.Time
	// Via says how the session began: "password", or "api_key:<token>".
	Via string
}

// Principal is who an access token speaks for, resolved in one query.
type Principal struct {
	SessionID     string
	UserID        string
	TenantID      string
	UserName      string
	Role          string
	Extension     string
	UserEnabled   bool
	TenantEnabled bool
	TenantSystem  bool
	Via           string
	// RolePermissions is the JSON permission matrix of Role when it is one
	// of the tenant's custom roles, "" otherwise.
	RolePermissions string
}

const insertSessionSQL = `INSERT INTO sessions (id, tenant_id, user_id, access_hash, refresh_hash,
	access_expires, refresh_expires, created_at, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

func insertSession(ctx context.Context, c conn, sess *Session) error {
	if sess.ID == "" {
		sess.ID = model.NewID()
	}
	sess.CreatedAt = norm(sess.CreatedAt)
	_, err := c.exec(ctx, insertSessionSQL, sess.ID, sess.TenantID, sess.UserID, sess.AccessHash, sess.RefreshHash,
		micros(sess.AccessExpires), micros(sess.RefreshExpires), micros(sess.CreatedAt), sess.Via)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// CreateSession stores sess. It sets sess.ID when empty and
// sess.CreatedAt when zero.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	return insertSession(ctx, s.c(), sess)
}

// PrincipalByAccess resolves an access token digest to its principal in
// one query over sessions, users and tenants. An unknown digest or an
// access token expired at now gives model.ErrNotFound. The caller checks
// UserEnabled and TenantEnabled.
func (s *Store) PrincipalByAccess(ctx context.Context, accessHash string, now time.Time) (*Principal, error) {
	var p Principal
	var perms sql.NullString
	err := s.queryRowFixed(ctx, `SELECT s.id, s.user_id, s.tenant_id, u.name, u.role, u.extension_number,
		u.enabled, t.enabled, t.system, s.via, r.permissions
		FROM sessions s
		JOIN users u ON u.id = s.user_id
		JOIN tenants t ON t.id = s.tenant_id
		LEFT JOIN roles r ON r.tenant_id = s.tenant_id AND r.name = u.role
		WHERE s.access_hash = ? AND s.access_expires > ?`, accessHash, micros(now)).
		Scan(&p.SessionID, &p.UserID, &p.TenantID, &p.UserName, &p.Role, &p.Extension,
			&p.UserEnabled, &p.TenantEnabled, &p.TenantSystem, &p.Via, &perms)
	p.RolePermissions = perms.String
	if err != nil {
		return nil, notFound("resolve access token", err)
	}
	return &p, nil
}

// RotateSession consumes the session whose refresh token digest is
// refreshHash, if unexpired at now, and stores next in its place for the
// same user, tenant and Via (which it copies into next), atomically: of
// two concurrent rotations of one token exactly one succeeds. Nothing to
// consume gives model.ErrNotFound.
func (s *Store) RotateSession(ctx context.Context, refreshHash string, now time.Time, next *Session) error {
	return s.inTx(ctx, func(c conn) error {
		var userID, tenantID, via string
		err := c.queryRow(ctx, `DELETE FROM sessions WHERE refresh_hash = ? AND refresh_expires > ?
			RETURNING user_id, tenant_id, via`, refreshHash, micros(now)).Scan(&userID, &tenantID, &via)
		if err != nil {
			return notFound("rotate session", err)
		}
		next.UserID, next.TenantID, next.Via = userID, tenantID, via
		return insertSession(ctx, c, next)
	})
}

// DeleteSession ends the session with id. Ending a session that does not
// exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.c().exec(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteSessionByAccess ends the session of an access token digest.
// Ending a session that does not exist is not an error, so sign-out is
// idempotent.
func (s *Store) DeleteSessionByAccess(ctx context.Context, accessHash string) error {
	if _, err := s.c().exec(ctx, `DELETE FROM sessions WHERE access_hash = ?`, accessHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of userID except exceptSessionID
// ("" ends them all).
func (s *Store) DeleteUserSessions(ctx context.Context, userID, exceptSessionID string) error {
	if _, err := s.c().exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, exceptSessionID); err != nil {
		return fmt.Errorf("delete user sessions: %w", err)
	}
	return nil
}

// PurgeExpiredSessions deletes the sessions whose refresh token expired at
// or before now and returns how many.
func (s *Store) PurgeExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.c().exec(ctx, `DELETE FROM sessions WHERE refresh_expires <= ?`, micros(now))
	if err != nil {
		return 0, fmt.Errorf("purge expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge expired sessions: %w", err)
	}
	return int(n), nil
}
