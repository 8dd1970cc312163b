package store

import (
	"context"
	"database/sql"
	"errors"
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
	// FamilyID is the id of the session this one was rotated from, all the
	// way back to the sign-in ("" or ID for a session signed in).
	FamilyID string
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
	access_expires, refresh_expires, created_at, via, family_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func insertSession(ctx context.Context, c conn, sess *Session) error {
	if sess.ID == "" {
		sess.ID = model.NewID()
	}
	sess.CreatedAt = norm(sess.CreatedAt)
	if sess.FamilyID == "" {
		sess.FamilyID = sess.ID
	}
	_, err := c.exec(ctx, insertSessionSQL, sess.ID, sess.TenantID, sess.UserID, sess.AccessHash, sess.RefreshHash,
		micros(sess.AccessExpires), micros(sess.RefreshExpires), micros(sess.CreatedAt), sess.Via, sess.FamilyID)
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

// EventSession is published when sessions of a user end (ID names the
// user): sign-out, rotation, a revoked API key or family.
const EventSession = "session"

// PrincipalByAccess resolves an access token digest to its principal in
// one query over sessions, users and tenants, or from this node's cache
// of them (see principal_cache.go), which change events keep current. An
// unknown digest or an access token expired at now gives
// model.ErrNotFound. The caller checks UserEnabled and TenantEnabled.
func (s *Store) PrincipalByAccess(ctx context.Context, accessHash string, now time.Time) (*Principal, error) {
	at := micros(now)
	if !s.eventsLive() {
		p, _, err := s.principalByAccess(ctx, accessHash, at)
		return p, err
	}
	if p, ok := s.principals.get(accessHash, at, time.Now()); ok {
		return &p, nil
	}
	gen := s.principals.gen.Load()
	p, expires, err := s.principalByAccess(ctx, accessHash, at)
	if err != nil {
		return nil, err
	}
	if s.eventsLive() {
		s.principals.put(accessHash, *p, expires, gen, time.Now())
	}
	return p, nil
}

// principalByAccess reads the principal of accessHash and when its access
// token expires (Unix µs) from the database.
func (s *Store) principalByAccess(ctx context.Context, accessHash string, at int64) (*Principal, int64, error) {
	var p Principal
	var perms sql.NullString
	var expires int64
	err := s.queryRowFixed(ctx, `SELECT s.id, s.user_id, s.tenant_id, u.name, u.role, u.extension_number,
		u.enabled, t.enabled, t.system, s.via, r.permissions, s.access_expires
		FROM sessions s
		JOIN users u ON u.id = s.user_id
		JOIN tenants t ON t.id = s.tenant_id
		LEFT JOIN roles r ON r.tenant_id = s.tenant_id AND r.name = u.role
		WHERE s.access_hash = ? AND s.access_expires > ?`, accessHash, at).
		Scan(&p.SessionID, &p.UserID, &p.TenantID, &p.UserName, &p.Role, &p.Extension,
			&p.UserEnabled, &p.TenantEnabled, &p.TenantSystem, &p.Via, &perms, &expires)
	p.RolePermissions = perms.String
	if err != nil {
		return nil, 0, notFound("resolve access token", err)
	}
	return &p, expires, nil
}

// RotateSession consumes the session whose refresh token digest is
// refreshHash, if unexpired at now, and stores next in its place for the
// same user, tenant, Via and family (which it copies into next),
// atomically: of two concurrent rotations of one token exactly one
// succeeds. Nothing to consume gives model.ErrNotFound. A refresh token
// consumed before (a replay: someone holds a copy) gives ErrRefreshReused
// and ends every session of its family, the thief's and the owner's.
func (s *Store) RotateSession(ctx context.Context, refreshHash string, now time.Time, next *Session) error {
	reused := false
	err := s.inTx(ctx, func(c conn) error {
		var userID, tenantID, via, family string
		var expires int64
		err := c.queryRow(ctx, `DELETE FROM sessions WHERE refresh_hash = ? AND refresh_expires > ?
			RETURNING user_id, tenant_id, via, family_id, refresh_expires`, refreshHash, micros(now)).Scan(&userID, &tenantID, &via, &family, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			// A replay's revocation commits; the caller still gets an error.
			if reused, err = revokeFamilyOf(ctx, c, refreshHash, now); err != nil || reused {
				return err
			}
			return notFound("rotate session", sql.ErrNoRows)
		}
		if err != nil {
			return fmt.Errorf("rotate session: %w", err)
		}
		if _, err := c.exec(ctx, `INSERT INTO spent_refresh_tokens (refresh_hash, family_id, expires) VALUES (?, ?, ?)`,
			refreshHash, family, expires); err != nil {
			return fmt.Errorf("rotate session: %w", err)
		}
		next.UserID, next.TenantID, next.Via, next.FamilyID = userID, tenantID, via, family
		if err := insertSession(ctx, c, next); err != nil {
			return err
		}
		return c.publish(ctx, Event{Kind: EventSession, TenantID: tenantID, ID: userID})
	})
	if err == nil && reused {
		return ErrRefreshReused
	}
	return err
}

// ErrRefreshReused reports a refresh token presented again after it was
// rotated; its session family has been ended. It matches
// model.ErrNotFound.
var ErrRefreshReused = fmt.Errorf("refresh token reused; its sessions were ended: %w", model.ErrNotFound)

// revokeFamilyOf ends the sessions of the family of a spent refresh
// token, reporting whether it was one.
func revokeFamilyOf(ctx context.Context, c conn, refreshHash string, now time.Time) (bool, error) {
	var family string
	err := c.queryRow(ctx, `SELECT family_id FROM spent_refresh_tokens WHERE refresh_hash = ? AND expires > ?`,
		refreshHash, micros(now)).Scan(&family)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("rotate session: %w", err)
	}
	if err := deleteSessions(ctx, c, "rotate session", `family_id = ?`, family); err != nil {
		return false, err
	}
	return true, nil
}

// deleteSessions deletes the sessions matching where and tells every
// node whose sessions ended, in c's transaction.
func deleteSessions(ctx context.Context, c conn, op, where string, args ...any) error {
	users, err := queryAll(ctx, c, op, func(row rowScanner) (*Event, error) {
		ev := Event{Kind: EventSession}
		return &ev, row.Scan(&ev.TenantID, &ev.ID)
	}, `DELETE FROM sessions WHERE `+where+` RETURNING tenant_id, user_id`, args...)
	if err != nil {
		return err
	}
	seen := map[Event]bool{}
	for _, ev := range users {
		if !seen[ev] {
			seen[ev] = true
			if err := c.publish(ctx, ev); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteSession ends the session with id. Ending a session that does not
// exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.inTx(ctx, func(c conn) error { return deleteSessions(ctx, c, "delete session", `id = ?`, id) })
}

// DeleteSessionByAccess ends the session of an access token digest.
// Ending a session that does not exist is not an error, so sign-out is
// idempotent.
func (s *Store) DeleteSessionByAccess(ctx context.Context, accessHash string) error {
	return s.inTx(ctx, func(c conn) error {
		return deleteSessions(ctx, c, "delete session", `access_hash = ?`, accessHash)
	})
}

// DeleteUserSessions ends every session of userID except exceptSessionID
// ("" ends them all).
func (s *Store) DeleteUserSessions(ctx context.Context, userID, exceptSessionID string) error {
	return s.inTx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, exceptSessionID); err != nil {
			return fmt.Errorf("delete user sessions: %w", err)
		}
		return c.publish(ctx, Event{Kind: EventSession, ID: userID})
	})
}

// PurgeExpiredSessions deletes the sessions whose refresh token expired at
// or before now and returns how many.
func (s *Store) PurgeExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.c().exec(ctx, `DELETE FROM sessions WHERE refresh_expires <= ?`, micros(now))
	if err != nil {
		return 0, fmt.Errorf("purge expired sessions: %w", err)
	}
	if _, err := s.c().exec(ctx, `DELETE FROM spent_refresh_tokens WHERE expires <= ?`, micros(now)); err != nil {
		return 0, fmt.Errorf("purge spent refresh tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge expired sessions: %w", err)
	}
	return int(n), nil
}
