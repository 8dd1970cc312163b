package store

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// OutsideCall is one leg of a call through a tenant's trunk, placed for
// a user of the tenant (dialled, forwarded or Follow Me).
type OutsideCall struct {
	CallID, Number, TenantID, UserID string
	International                    bool
	At                               time.Time
}

// OutsideLimits are the fraud limits a leg is admitted under (0: none).
type OutsideLimits struct {
	PerUser, PerTenant, InternationalPerHour int
}

// The limits AdmitOutsideCall reports as tripped.
const (
	LimitUserCalls           = "max_outside_calls_per_user"
	LimitTenantCalls         = "max_outside_calls"
	LimitInternationalHourly = "max_international_calls_per_hour"
)

// AdmitOutsideCall records leg o unless it would exceed a limit: the
// calls in progress (distinct calls, legs not ended, started within
// MaxCallAge) of the user and of the tenant, and the user's international
// calls started in the last hour. Counting and recording happen in one
// transaction holding the tenant's row, so nodes sharing a database admit
// no more than the limits between them. Another leg of a call already
// admitted adds no call. It returns the limit tripped ("" when admitted);
// when one is tripped, the audit entry audit makes of it (if audit is not
// nil) is written in the same transaction.
func (s *Store) AdmitOutsideCall(ctx context.Context, o OutsideCall, l OutsideLimits, audit func(tripped string) *model.AuditLog) (tripped string, err error) {
	type check struct {
		max  int
		name string
		q    string
		args []any
	}
	live := micros(o.At.Add(-MaxCallAge))
	checks := []check{
		{l.PerUser, LimitUserCalls, `user_id = ? AND ended_at = 0 AND started_at > ?`, []any{o.UserID, live}},
		{l.PerTenant, LimitTenantCalls, `tenant_id = ? AND ended_at = 0 AND started_at > ?`, []any{o.TenantID, live}},
	}
	if o.International {
		checks = append(checks, check{l.InternationalPerHour, LimitInternationalHourly,
			`user_id = ? AND international = ? AND started_at > ?`, []any{o.UserID, true, micros(o.At.Add(-time.Hour))}})
	}
	err = s.inTx(ctx, func(c conn) error {
		if err := lockOwner(ctx, c, "admit outside call", o.TenantID, ""); err != nil {
			return err
		}
		for _, ch := range checks {
			if ch.max <= 0 {
				continue
			}
			var n int
			if err := c.queryRow(ctx, `SELECT COUNT(DISTINCT call_id) FROM outside_calls WHERE `+ch.q+` AND call_id <> ?`,
				append(ch.args, o.CallID)...).Scan(&n); err != nil {
				return fmt.Errorf("count outside calls: %w", err)
			}
			if n >= ch.max {
				tripped = ch.name
				if audit != nil {
					return insertAudit(ctx, c, audit(tripped))
				}
				return nil
			}
		}
		_, err := c.exec(ctx, `INSERT INTO outside_calls (call_id, number, tenant_id, user_id, international, started_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, o.CallID, o.Number, o.TenantID, o.UserID, o.International, micros(o.At))
		if err != nil {
			return fmt.Errorf("record outside call: %w", err)
		}
		return nil
	})
	return tripped, err
}

// EndOutsideCall marks the legs of call callID ended at at (they still
// count for the hourly limit).
func (s *Store) EndOutsideCall(ctx context.Context, callID string, at time.Time) error {
	_, err := s.c().exec(ctx, `UPDATE outside_calls SET ended_at = ? WHERE call_id = ? AND ended_at = 0`, micros(at), callID)
	return err
}

// SweepOutsideCalls deletes the legs the limits no longer need at now:
// ended ones that started more than an hour ago, and any that started
// more than MaxCallAge ago (its node stopped).
func (s *Store) SweepOutsideCalls(ctx context.Context, now time.Time) error {
	_, err := s.c().exec(ctx, `DELETE FROM outside_calls WHERE (ended_at <> 0 AND started_at <= ?) OR started_at <= ?`,
		micros(now.Add(-time.Hour)), micros(now.Add(-MaxCallAge)))
	return err
}
