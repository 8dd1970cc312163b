package directory

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/totp"
)

// Two-factor login settings.
const (
	otpChallengeTTL   = 5 * time.Minute
	otpMaxAttempts    = 5
	recoveryCodeCount = 10
	otpIssuer         = "Switchboard"
	otpTokenPrefix    = "sbo_"
)

// SignInResult is what a password sign-in answers: tokens, or, when the
// user signs in with a second factor, a challenge token for verify_otp.
type SignInResult struct {
	Tokens *Tokens
	// TwoFactor is set when a code is needed; Token names the challenge.
	TwoFactor bool
	Token     string
	// EnrollmentRequired says the user must first enrol an authenticator
	// (an admin or the tenant requires two-factor login).
	EnrollmentRequired bool
}

// OTPEnrollment is a new authenticator secret, shown to its user to scan.
type OTPEnrollment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	QRPNG  []byte `json:"qr_png" doc:"The URI as a QR code, PNG, base64"`
}

// OTPVerified is what a successful verify_otp answers.
type OTPVerified struct {
	Tokens *Tokens
	// RecoveryCodes are set when this code completed an enrolment.
	RecoveryCodes []string
}

func otpRequired(u *model.User, t *model.Tenant) bool { return u.OTPRequired || t.OTPRequired }

func recoveryHash(userID, code string) string {
	sum := sha256.Sum256([]byte(userID + ":" + totp.NormalizeRecoveryCode(code)))
	return hex.EncodeToString(sum[:])
}

// enrol gives u a new pending secret, which its first code turns on.
func (s *Service) enrol(ctx context.Context, u *model.User, t *model.Tenant) (*OTPEnrollment, error) {
	secret := totp.NewSecret()
	uri := totp.URI(otpIssuer+" "+t.Domain, u.Name+"@"+t.Domain, secret)
	png, err := totp.QRPNG(uri)
	if err != nil {
		return nil, err
	}
	_, err = s.store.UpdateUser(ctx, u.TenantID, u.ID, func(u *model.User) error {
		u.OTP.PendingSecret = secret
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &OTPEnrollment{Secret: secret, URI: uri, QRPNG: png}, nil
}

// enable turns two-factor login on with the pending secret and returns
// fresh recovery codes (kept only hashed).
func enable(u *model.User, step int64) []string {
	codes := totp.RecoveryCodes(recoveryCodeCount)
	u.OTP.Secret, u.OTP.PendingSecret, u.OTP.LastStep = u.OTP.PendingSecret, "", step
	u.OTP.Recovery = make([]string, len(codes))
	for i, c := range codes {
		u.OTP.Recovery[i] = recoveryHash(u.ID, c)
	}
	u.OTPEnabled = true
	return codes
}

// challenge starts the second step of a sign-in.
func (s *Service) challenge(ctx context.Context, u *model.User, t *model.Tenant) (*SignInResult, error) {
	token, hash := auth.NewToken(otpTokenPrefix)
	ch := &store.OTPChallenge{TokenHash: hash, TenantID: u.TenantID, UserID: u.ID, Expires: s.now().UTC().Add(otpChallengeTTL)}
	if err := s.store.CreateOTPChallenge(ctx, ch); err != nil {
		return nil, err
	}
	return &SignInResult{TwoFactor: true, Token: token, EnrollmentRequired: !u.OTPEnabled}, nil
}

// attempt counts a try at the challenge token and loads its user and tenant.
func (s *Service) attempt(ctx context.Context, token string) (*store.OTPChallenge, *model.User, *model.Tenant, error) {
	if len(token) > 128 {
		return nil, nil, nil, ErrBadCredentials
	}
	ch, err := s.store.AttemptOTPChallenge(ctx, auth.HashToken(token), s.now().UTC(), otpMaxAttempts)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, nil, ErrBadCredentials
	} else if err != nil {
		return nil, nil, nil, err
	}
	u, err := s.store.GetUser(ctx, ch.TenantID, ch.UserID)
	if err != nil {
		return nil, nil, nil, ErrBadCredentials
	}
	t, err := s.store.GetTenant(ctx, ch.TenantID)
	if err != nil || !u.Enabled || !t.Enabled {
		return nil, nil, nil, ErrBadCredentials
	}
	return ch, u, t, nil
}

// EnrollDuringSignIn gives a user whom two-factor login is required of,
// but who has not enrolled, a secret to scan; verify_otp with its first
// code completes both the enrolment and the sign-in.
func (s *Service) EnrollDuringSignIn(ctx context.Context, token string) (*OTPEnrollment, error) {
	_, u, t, err := s.attempt(ctx, token)
	if err != nil {
		return nil, err
	}
	if u.OTPEnabled {
		return nil, model.Conflict("token", "two-factor login is already set up: send a code to verify_otp")
	}
	return s.enrol(ctx, u, t)
}

// VerifyOTP completes a sign-in with a code from the authenticator (valid
// for one step either side, once) or an unused recovery code.
func (s *Service) VerifyOTP(ctx context.Context, token, code, source string) (*OTPVerified, error) {
	g := guard{source: sourceKey(source)}
	if err := s.checkLocks(ctx, g); err != nil {
		return nil, err
	}
	ch, u, _, err := s.attempt(ctx, token)
	if err != nil {
		s.fail(ctx, g)
		return nil, err
	}
	g.account = accountKey(u.ID)
	if err := s.checkLocks(ctx, g); err != nil {
		return nil, err
	}
	if len(code) > 32 {
		s.fail(ctx, g)
		return nil, ErrBadCredentials
	}
	var codes []string
	now := s.now().UTC()
	errBadCode := errors.New("bad code")
	// Recorded only if this code completes an enrolment (Action is set then).
	e := &model.AuditLog{TenantID: u.TenantID, UserID: u.ID, UserName: u.Name, ObjectType: "user",
		ObjectID: u.ID, ObjectName: u.Name, Fields: map[string]any{"otp_enabled": true}}
	_, err = s.store.UpdateUser(store.WithAudit(ctx, e), u.TenantID, u.ID, func(u *model.User) error {
		switch {
		case u.OTPEnabled:
			if step, ok := totp.Verify(u.OTP.Secret, code, now, u.OTP.LastStep); ok {
				u.OTP.LastStep = step
				return nil
			}
			h := recoveryHash(u.ID, code)
			for i, r := range u.OTP.Recovery {
				if subtle.ConstantTimeCompare([]byte(r), []byte(h)) == 1 {
					u.OTP.Recovery = append(u.OTP.Recovery[:i:i], u.OTP.Recovery[i+1:]...)
					return nil
				}
			}
		case u.OTP.PendingSecret != "":
			if step, ok := totp.Verify(u.OTP.PendingSecret, code, now, 0); ok {
				codes = enable(u, step)
				e.Action = "enable_otp"
				return nil
			}
		}
		return errBadCode
	})
	if errors.Is(err, errBadCode) {
		s.fail(ctx, g)
		return nil, ErrBadCredentials
	} else if err != nil {
		return nil, err
	}
	s.succeed(ctx, g)
	if err := s.store.DeleteOTPChallenge(ctx, ch.TokenHash); err != nil {
		return nil, err
	}
	tokens, err := s.issue(ctx, u, ViaPassword)
	if err != nil {
		return nil, err
	}
	return &OTPVerified{Tokens: tokens, RecoveryCodes: codes}, nil
}

// StartMyOTP begins the caller's enrolment: a new secret to scan, which
// ConfirmMyOTP turns on with its first code.
func (s *Service) StartMyOTP(ctx context.Context, c *Caller) (*OTPEnrollment, error) {
	if err := c.requirePasswordSession(); err != nil {
		return nil, err
	}
	u, err := s.store.GetUser(ctx, c.TenantID, c.UserID)
	if err != nil {
		return nil, err
	}
	if u.OTPEnabled {
		return nil, model.Conflict("otp_enabled", "two-factor login is already on; turn it off first to enrol a new authenticator")
	}
	t, err := s.store.GetTenant(ctx, c.TenantID)
	if err != nil {
		return nil, err
	}
	return s.enrol(ctx, u, t)
}

// ConfirmMyOTP turns two-factor login on with the first code of the secret
// StartMyOTP gave, and returns the ten recovery codes (shown only now).
func (s *Service) ConfirmMyOTP(ctx context.Context, c *Caller, code string) ([]string, error) {
	if err := c.requirePasswordSession(); err != nil {
		return nil, err
	}
	var codes []string
	now := s.now().UTC()
	e := c.audit("enable_otp", "user", c.UserID, c.UserName, map[string]any{"otp_enabled": true})
	_, err := s.store.UpdateUser(store.WithAudit(ctx, e), c.TenantID, c.UserID, func(u *model.User) error {
		if u.OTPEnabled {
			return model.Conflict("otp_enabled", "two-factor login is already on")
		}
		if u.OTP.PendingSecret == "" {
			return model.Invalid("code", "start with POST /api/user/otp to get a secret first")
		}
		step, ok := totp.Verify(u.OTP.PendingSecret, code, now, 0)
		if !ok {
			return model.Invalid("code", "is not the current code of the new secret")
		}
		codes = enable(u, step)
		return nil
	})
	return codes, err
}

// DisableMyOTP turns the caller's two-factor login off after checking
// their password, unless an admin or the tenant requires it.
func (s *Service) DisableMyOTP(ctx context.Context, c *Caller, password string) error {
	if err := c.requirePasswordSession(); err != nil {
		return err
	}
	u, err := s.store.GetUser(ctx, c.TenantID, c.UserID)
	if err != nil {
		return err
	}
	if err := s.checkPassword(ctx, u, "password", password); err != nil {
		return err
	}
	t, err := s.store.GetTenant(ctx, c.TenantID)
	if err != nil {
		return err
	}
	if otpRequired(u, t) {
		return model.Forbidden("two-factor login is required for your account; an admin can reset it")
	}
	e := c.audit("disable_otp", "user", c.UserID, c.UserName, map[string]any{"otp_enabled": false})
	_, err = s.store.UpdateUser(store.WithAudit(ctx, e), c.TenantID, c.UserID, func(u *model.User) error {
		clearOTP(u)
		return nil
	})
	return err
}

func clearOTP(u *model.User) {
	u.OTPEnabled = false
	u.OTP = model.OTPState{}
}

// ResetUserOTP removes a user's authenticator (a lost phone): an admin
// action. If two-factor login is required, the user enrols again at their
// next sign-in.
func (s *Service) ResetUserOTP(ctx context.Context, c *Caller, id string) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	e := c.audit("reset_otp", "user", id, "", map[string]any{"otp_enabled": false})
	_, err := s.store.UpdateUser(store.WithAudit(ctx, e), c.TenantID, id, func(u *model.User) error {
		if err := s.requireOutranks(ctx, c, u); err != nil {
			return err
		}
		e.ObjectName = u.Name
		clearOTP(u)
		return nil
	})
	return err
}
