package store

import (
	"context"
	"errors"
)

// errRollback makes PublishInTx roll its transaction back.
var errRollback = errors.New("roll back")

// PublishInTx publishes evs inside a transaction that commits when commit
// is true and rolls back otherwise (tests of event delivery).
func PublishInTx(ctx context.Context, s *Store, commit bool, evs ...Event) error {
	err := s.inTx(ctx, func(c conn) error {
		if err := c.publish(ctx, evs...); err != nil {
			return err
		}
		if !commit {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}

// DeliverToHub hands evs straight to the store's hub (tests of slow
// subscribers).
func DeliverToHub(s *Store, evs ...Event) { s.events.deliver(evs...) }

// CompactSettings runs the migrate step that rewrites whole settings
// documents as their difference from the baseline.
func CompactSettings(ctx context.Context, s *Store) (int, error) { return s.compactSettings(ctx) }

// CachedPrincipals says how many principals s holds in its cache.
func CachedPrincipals(s *Store) int { return s.principals.len() }

// ListenerConnected reports whether s's PostgreSQL listener listens (true
// on SQLite, which needs none).
func ListenerConnected(s *Store) bool { return s.listener == nil || s.listener.connected() }

// MigrateTo brings an empty database up to version only (tests of a
// migration on rows written before it).
func MigrateTo(ctx context.Context, s *Store, version int) error {
	ms, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	if _, err := s.c().exec(ctx, createVersionTable); err != nil {
		return err
	}
	var upto []migration
	for _, m := range ms {
		if m.version <= version {
			upto = append(upto, m)
		}
	}
	return s.applyMigrations(ctx, upto)
}
