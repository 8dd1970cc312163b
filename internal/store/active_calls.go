package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// MaxCallAge bounds how long a call counts as in progress: a node that
// stopped cannot remove its calls from active_calls, so rows older than
// this are ignored and swept.
const MaxCallAge = 12 * time.Hour

// AddActiveCall records that the users are on call callID (answered).
func (s *Store) AddActiveCall(ctx context.Context, callID string, userIDs []string, at time.Time) error {
	return s.inTx(ctx, func(c conn) error { return addActiveCall(ctx, c, callID, userIDs, at) })
}

func addActiveCall(ctx context.Context, c conn, callID string, userIDs []string, at time.Time) error {
	for _, u := range userIDs {
		if _, err := c.exec(ctx, `INSERT INTO active_calls (call_id, user_id, started_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			callID, u, micros(at)); err != nil {
			return fmt.Errorf("add active call: %w", err)
		}
	}
	return nil
}

// RemoveActiveCall forgets call callID (ended).
func (s *Store) RemoveActiveCall(ctx context.Context, callID string) error {
	return removeActiveCall(ctx, s.c(), callID)
}

func removeActiveCall(ctx context.Context, c conn, callID string) error {
	_, err := c.exec(ctx, `DELETE FROM active_calls WHERE call_id = ?`, callID)
	return err
}

// ActiveCalls counts a user's answered calls in progress that started
// after since (older rows are of calls whose node stopped; see
// MaxCallAge).
func (s *Store) ActiveCalls(ctx context.Context, userID string, since time.Time) (int, error) {
	var n int
	err := s.queryRowFixed(ctx, `SELECT COUNT(*) FROM active_calls WHERE user_id = ? AND started_at > ?`, userID, micros(since)).Scan(&n)
	return n, err
}

// SweepActiveCalls deletes rows of calls that started before since.
func (s *Store) SweepActiveCalls(ctx context.Context, since time.Time) error {
	_, err := s.c().exec(ctx, `DELETE FROM active_calls WHERE started_at <= ?`, micros(since))
	return err
}

// SetFollowMeLast remembers the Follow Me number that answered a user.
func (s *Store) SetFollowMeLast(ctx context.Context, userID, number string) error {
	_, err := s.c().exec(ctx, `INSERT INTO followme_last (user_id, number) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET number = excluded.number`, userID, number)
	return err
}

// FollowMeLast is the Follow Me number that answered a user last ("" if none).
func (s *Store) FollowMeLast(ctx context.Context, userID string) (string, error) {
	var n string
	err := s.queryRowFixed(ctx, `SELECT number FROM followme_last WHERE user_id = ?`, userID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return n, err
}
