package store

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// OTPChallenge is a password sign-in waiting for its second factor.
type OTPChallenge struct {
	TokenHash string
	TenantID  string
	UserID    string
	Expires   time.Time
	Attempts  int
}

// CreateOTPChallenge stores ch.
func (s *Store) CreateOTPChallenge(ctx context.Context, ch *OTPChallenge) error {
	_, err := s.c().exec(ctx, `INSERT INTO otp_challenges (token_hash, tenant_id, user_id, expires, attempts) VALUES (?, ?, ?, ?, 0)`,
		ch.TokenHash, ch.TenantID, ch.UserID, micros(ch.Expires))
	if err != nil {
		return fmt.Errorf("create OTP challenge: %w", err)
	}
	return nil
}

// AttemptOTPChallenge counts one attempt at the challenge tokenHash
// (unexpired at now) and returns it, atomically, so that concurrent
// guesses all count. A challenge over maxAttempts is deleted and, like an
// unknown or expired one, gives model.ErrNotFound.
func (s *Store) AttemptOTPChallenge(ctx context.Context, tokenHash string, now time.Time, maxAttempts int) (*OTPChallenge, error) {
	var ch OTPChallenge
	gone := false
	err := s.inTx(ctx, func(c conn) error {
		var exp int64
		err := c.queryRow(ctx, `SELECT token_hash, tenant_id, user_id, expires, attempts FROM otp_challenges
			WHERE token_hash = ?`+c.forUpdate(), tokenHash).Scan(&ch.TokenHash, &ch.TenantID, &ch.UserID, &exp, &ch.Attempts)
		if err != nil {
			return notFound("OTP challenge", err)
		}
		ch.Expires = fromMicros(exp)
		ch.Attempts++
		if !now.Before(ch.Expires) || ch.Attempts > maxAttempts {
			gone = true // commit the delete, answer "not found"
			_, err := c.exec(ctx, `DELETE FROM otp_challenges WHERE token_hash = ?`, tokenHash)
			return err
		}
		_, err = c.exec(ctx, `UPDATE otp_challenges SET attempts = ? WHERE token_hash = ?`, ch.Attempts, tokenHash)
		return err
	})
	if err != nil {
		return nil, err
	}
	if gone {
		return nil, fmt.Errorf("OTP challenge: %w", model.ErrNotFound)
	}
	return &ch, nil
}

// DeleteOTPChallenge removes a challenge (once it has been answered).
func (s *Store) DeleteOTPChallenge(ctx context.Context, tokenHash string) error {
	_, err := s.c().exec(ctx, `DELETE FROM otp_challenges WHERE token_hash = ?`, tokenHash)
	return err
}

// PurgeExpiredOTPChallenges removes challenges expired at now.
func (s *Store) PurgeExpiredOTPChallenges(ctx context.Context, now time.Time) (int, error) {
	res, err := s.c().exec(ctx, `DELETE FROM otp_challenges WHERE expires <= ?`, micros(now))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
