package store

import (
	"context"
	"fmt"
	"time"
)

// EventCall is published when a user's calls change (one rings, is
// answered, ends); TenantID and ID name the user, CallLegs then lists
// its calls.
const EventCall = "call"

// Call leg states and directions (the dialog event package's words).
const (
	LegEarly     = "early"
	LegConfirmed = "confirmed"
	LegInitiator = "initiator"
	LegRecipient = "recipient"
)

// CallLeg is one user's side of a call in progress.
type CallLeg struct {
	CallID, TenantID, UserID string
	Direction, State         string
	Peer, PeerName           string
	StartedAt                time.Time
}

// SetCallLeg records a user's side of a call (a new one, or its new
// state) and tells every node.
func (s *Store) SetCallLeg(ctx context.Context, l CallLeg) error {
	return s.inTx(ctx, func(c conn) error { return setCallLeg(ctx, c, l) })
}

func setCallLeg(ctx context.Context, c conn, l CallLeg) error {
	if _, err := c.exec(ctx, `INSERT INTO call_legs (call_id, user_id, tenant_id, direction, state, peer, peer_name, started_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id, user_id) DO UPDATE SET state = excluded.state`,
		l.CallID, l.UserID, l.TenantID, l.Direction, l.State, l.Peer, l.PeerName, micros(l.StartedAt)); err != nil {
		return fmt.Errorf("set call leg: %w", err)
	}
	return c.publish(ctx, Event{Kind: EventCall, TenantID: l.TenantID, ID: l.UserID})
}

// ConfirmCall marks every side of call callID answered.
func (s *Store) ConfirmCall(ctx context.Context, callID string) error {
	return s.inTx(ctx, func(c conn) error { return confirmCall(ctx, c, callID) })
}

const confirmCallSQL = `UPDATE call_legs SET state = '` + LegConfirmed + `' WHERE call_id = ?`

func confirmCall(ctx context.Context, c conn, callID string) error {
	return changeLegs(ctx, c, callID, confirmCallSQL)
}

// EndCall forgets every side of call callID (ended).
func (s *Store) EndCall(ctx context.Context, callID string) error {
	return s.inTx(ctx, func(c conn) error { return endCall(ctx, c, callID) })
}

func endCall(ctx context.Context, c conn, callID string) error {
	return changeLegs(ctx, c, callID, `DELETE FROM call_legs WHERE call_id = ?`)
}

// EndCallLeg forgets one user's side of call callID (it stopped ringing).
func (s *Store) EndCallLeg(ctx context.Context, tenantID, userID, callID string) error {
	return s.inTx(ctx, func(c conn) error { return endCallLeg(ctx, c, tenantID, userID, callID) })
}

func endCallLeg(ctx context.Context, c conn, tenantID, userID, callID string) error {
	res, err := c.exec(ctx, `DELETE FROM call_legs WHERE call_id = ? AND user_id = ?`, callID, userID)
	if err != nil {
		return fmt.Errorf("end call leg: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return c.publish(ctx, Event{Kind: EventCall, TenantID: tenantID, ID: userID})
}

// changeLegs runs stmt on the call's legs and tells every node about
// each user concerned.
func changeLegs(ctx context.Context, c conn, callID, stmt string) error {
	type who struct{ tenant, user string }
	users, err := queryAll(ctx, c, "call legs", func(row rowScanner) (*who, error) {
		var w who
		return &w, row.Scan(&w.tenant, &w.user)
	}, `SELECT tenant_id, user_id FROM call_legs WHERE call_id = ?`, callID)
	if err != nil || len(users) == 0 {
		return err
	}
	if _, err := c.exec(ctx, stmt, callID); err != nil {
		return fmt.Errorf("call legs: %w", err)
	}
	evs := make([]Event, len(users))
	for i, w := range users {
		evs[i] = Event{Kind: EventCall, TenantID: w.tenant, ID: w.user}
	}
	return c.publish(ctx, evs...)
}

// CallLegs lists a user's sides of calls in progress started after since
// (older rows are of calls whose node stopped; see MaxCallAge), oldest
// first.
func (s *Store) CallLegs(ctx context.Context, tenantID, userID string, since time.Time) ([]CallLeg, error) {
	return queryAll(ctx, s.c(), "call legs", func(row rowScanner) (*CallLeg, error) {
		var l CallLeg
		var at int64
		err := row.Scan(&l.CallID, &l.TenantID, &l.UserID, &l.Direction, &l.State, &l.Peer, &l.PeerName, &at)
		l.StartedAt = fromMicros(at)
		return &l, err
	}, `SELECT call_id, tenant_id, user_id, direction, state, peer, peer_name, started_at FROM call_legs
		WHERE tenant_id = ? AND user_id = ? AND started_at > ? ORDER BY started_at, call_id`, tenantID, userID, micros(since))
}

// SweepCallLegs deletes the legs of calls that started before since.
func (s *Store) SweepCallLegs(ctx context.Context, since time.Time) error {
	_, err := s.c().exec(ctx, `DELETE FROM call_legs WHERE started_at <= ?`, micros(since))
	return err
}
