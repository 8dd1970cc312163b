package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LockedUntil returns when the lock on key ends (zero when key is not
// locked at now).
func (s *Store) LockedUntil(ctx context.Context, key string, now time.Time) (time.Time, error) {
	var until int64
	err := s.queryRowFixed(ctx, `SELECT locked_until FROM login_failures WHERE key = ?`, key).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, fmt.Errorf("read login failures: %w", err)
	}
	if t := fromMicros(until); t.After(now) {
		return t, nil
	}
	return time.Time{}, nil
}

// RecordFailure counts a failed sign-in against key: failures within
// window of the first one add up, and reaching limit locks key until
// now+lockout (limit 0: never locks, the count only grows). It returns the lock's end (zero when not locked). Every
// node shares the count, so spreading guesses over nodes gains nothing.
func (s *Store) RecordFailure(ctx context.Context, key string, now time.Time, window time.Duration, limit int, lockout time.Duration) (time.Time, error) {
	var locked time.Time
	err := s.inTx(ctx, func(c conn) error {
		// Make sure the row exists, then lock it: concurrent failures of
		// the same key queue here and each one counts.
		if _, err := c.exec(ctx, `INSERT INTO login_failures (key, failures, window_start, locked_until) VALUES (?, 0, ?, 0)
			ON CONFLICT (key) DO NOTHING`, key, micros(now)); err != nil {
			return err
		}
		var n int
		var start, until int64
		if err := c.queryRow(ctx, `SELECT failures, window_start, locked_until FROM login_failures WHERE key = ?`+c.forUpdate(), key).
			Scan(&n, &start, &until); err != nil {
			return err
		}
		if fromMicros(start).Add(window).Before(now) {
			n, start = 0, micros(now) // the window has passed: count afresh
		}
		n++
		if limit > 0 && n >= limit {
			until = micros(now.Add(lockout))
			locked = fromMicros(until)
			n, start = 0, micros(now) // after the lock, a fresh allowance
		}
		_, err := c.exec(ctx, `UPDATE login_failures SET failures = ?, window_start = ?, locked_until = ? WHERE key = ?`, n, start, until, key)
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("record login failure: %w", err)
	}
	return locked, nil
}

// Failures is the count of key's failures in the window that includes
// now (0 when none).
func (s *Store) Failures(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	var n int
	var start int64
	err := s.queryRowFixed(ctx, `SELECT failures, window_start FROM login_failures WHERE key = ?`, key).Scan(&n, &start)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("read login failures: %w", err)
	}
	if fromMicros(start).Add(window).Before(now) {
		return 0, nil
	}
	return n, nil
}

// ClearFailures forgets the failures of key (after a success).
func (s *Store) ClearFailures(ctx context.Context, key string) error {
	_, err := s.c().exec(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
	return err
}

// PurgeLoginFailures removes counters whose window and lock both ended
// before cutoff.
func (s *Store) PurgeLoginFailures(ctx context.Context, cutoff time.Time) error {
	_, err := s.c().exec(ctx, `DELETE FROM login_failures WHERE window_start < ? AND locked_until < ?`, micros(cutoff), micros(cutoff))
	return err
}
