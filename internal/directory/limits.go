package directory

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/auth"
)

// LoginLimits bound password guessing (DefaultLoginLimits when zero).
type LoginLimits = auth.LoginLimits

// LockedError answers a sign-in from a locked address (429).
type LockedError struct{ RetryAfter time.Duration }

func (e *LockedError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again in %d seconds", e.Seconds())
}

// Seconds is the wait, rounded up to whole seconds.
func (e *LockedError) Seconds() int {
	return int((e.RetryAfter + time.Second - 1) / time.Second)
}

// guard holds what one sign-in attempt is counted under: the account
// (or the name as typed) and the source address. The counters live in
// the database, so every node shares them.
type guard struct {
	account, source string
}

func accountKey(id string) string { return "acct:" + strings.ToLower(id) }

func sourceKey(addr string) string { return "ip:" + addr }

// pair is the counter of the account's failures from the source: the
// one that locks, so an attacker's address locks only itself.
func (g guard) pair() string {
	if g.account == "" || g.source == "" {
		return ""
	}
	return "pair:" + strings.TrimPrefix(g.source, "ip:") + "|" + strings.TrimPrefix(g.account, "acct:")
}

// checkLocks refuses an attempt while its address is locked, in all or
// for this account, before any password is checked; then, when the
// account has had more failures than AccountLimit from anywhere, it
// waits the slow-down (on every attempt, so an early answer tells
// nothing). The right password from a clean address always gets in.
func (s *Service) checkLocks(ctx context.Context, g guard) error {
	l := s.cfg.Login.OrDefault()
	now := s.now().UTC()
	var until time.Time
	for _, k := range []string{g.source, g.pair()} {
		if k == "" {
			continue
		}
		t, err := s.store.LockedUntil(ctx, k, now)
		if err != nil {
			return err
		}
		if t.After(until) {
			until = t
		}
	}
	if !until.IsZero() {
		return &LockedError{RetryAfter: until.Sub(now)}
	}
	if g.account == "" {
		return nil
	}
	n, err := s.store.Failures(ctx, g.account, now, l.Window)
	if err != nil {
		return err
	}
	if d := l.SlowDown(n); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// fail counts a failed attempt: against the address (locks it at
// SourceLimit), the account from the address (locks that pair at
// AccountLimit) and the account (never locks; slows it down).
func (s *Service) fail(ctx context.Context, g guard) {
	l := s.cfg.Login.OrDefault()
	now := s.now().UTC()
	for _, k := range []struct {
		key   string
		limit int
	}{{g.source, l.SourceLimit}, {g.pair(), l.AccountLimit}, {g.account, 0}} {
		if k.key == "" {
			continue
		}
		until, err := s.store.RecordFailure(ctx, k.key, now, l.Window, k.limit, l.Lockout)
		if err != nil {
			s.log.Warn("count failed sign-in", "err", err)
		} else if !until.IsZero() {
			s.log.Warn("sign-in locked after repeated failures", "key_kind", strings.SplitN(k.key, ":", 2)[0], "until", until)
		}
	}
}

// succeed forgets the account's failures, in all and from this address.
func (s *Service) succeed(ctx context.Context, g guard) {
	for _, k := range []string{g.account, g.pair()} {
		if k == "" {
			continue
		}
		if err := s.store.ClearFailures(ctx, k); err != nil {
			s.log.Warn("clear failed sign-ins", "err", err)
		}
	}
}
