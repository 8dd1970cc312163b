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

// LockedError answers a sign-in from a locked account or address (429).
type LockedError struct{ RetryAfter time.Duration }

func (e *LockedError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again in %d seconds", e.Seconds())
}

// Seconds is the wait, rounded up to whole seconds.
func (e *LockedError) Seconds() int {
	return int((e.RetryAfter + time.Second - 1) / time.Second)
}

// guard holds the keys one sign-in attempt is counted under.
type guard struct {
	account, source string
}

func accountKey(id string) string { return "acct:" + strings.ToLower(id) }

func sourceKey(addr string) string { return "ip:" + addr }

// checkLocks refuses an attempt while its account or address is locked,
// before any password is checked.
func (s *Service) checkLocks(ctx context.Context, g guard) error {
	now := s.now().UTC()
	var until time.Time
	for _, k := range []string{g.account, g.source} {
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
	return nil
}

// fail counts a failed attempt against the guard's keys.
func (s *Service) fail(ctx context.Context, g guard) {
	l := s.cfg.Login.OrDefault()
	now := s.now().UTC()
	for _, k := range []struct {
		key   string
		limit int
	}{{g.account, l.AccountLimit}, {g.source, l.SourceLimit}} {
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

// succeed forgets the account's failures.
func (s *Service) succeed(ctx context.Context, g guard) {
	if g.account != "" {
		if err := s.store.ClearFailures(ctx, g.account); err != nil {
			s.log.Warn("clear failed sign-ins", "err", err)
		}
	}
}
