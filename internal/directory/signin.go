package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Tokens is the answer to a successful sign-in or refresh.
type Tokens struct {
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
}

// Session origins (store.Session.Via).
const (
	ViaPassword = "password"
	ViaAPIKey   = store.ViaAPIKey // followed by the key's token
)

// errBadCredentials is the one answer for every failed sign-in, so that
// unknown users, wrong passwords and disabled accounts look the same.
var errBadCredentials = errors.New("invalid username or password")

// ErrBadCredentials reports a failed sign-in. It matches
// model.ErrUnauthenticated with errors.Is.
var ErrBadCredentials = &credentialsError{}

type credentialsError struct{}

func (*credentialsError) Error() string        { return errBadCredentials.Error() }
func (*credentialsError) Is(target error) bool { return target == model.ErrUnauthenticated }

// SignIn checks a username (the login name, name@domain, or an email) and
// password and returns fresh tokens. Every failure is ErrBadCredentials and
// costs one password verification, whether or not the user exists.
func (s *Service) SignIn(ctx context.Context, username, password, domain, source string) (*SignInResult, error) {
	if len(username) > 320 || len(password) > 1024 || len(domain) > 253 {
		return nil, ErrBadCredentials
	}
	u, t, err := s.findLogin(ctx, strings.TrimSpace(username), strings.TrimSpace(domain))
	switch {
	case errors.Is(err, ErrEmailAmbiguous):
		return nil, err
	case errors.Is(err, model.ErrNotFound):
		u, t = nil, nil
	case err != nil:
		return nil, err
	}
	// Failures count against the account found, or against the name as
	// typed when there is none, so unknown names are limited alike.
	g := guard{account: accountKey(strings.ToLower(strings.TrimSpace(domain)) + "|" + strings.TrimSpace(username)), source: sourceKey(source)}
	if u != nil {
		g.account = accountKey(u.ID)
	}
	if err := s.checkLocks(ctx, g); err != nil {
		return nil, err
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := s.hasher.Verify(ctx, hash, password)
	if err != nil && !errors.Is(err, auth.ErrMalformedHash) {
		return nil, err
	}
	if !ok || u == nil || !u.Enabled || !t.Enabled {
		s.log.Info("sign-in failed", "username_len", len(username), "domain", domain, "source", source)
		s.fail(ctx, g)
		return nil, ErrBadCredentials
	}
	s.succeed(ctx, g)
	if u.OTPEnabled || otpRequired(u, t) {
		return s.challenge(ctx, u, t)
	}
	tokens, err := s.issue(ctx, u, ViaPassword)
	if err != nil {
		return nil, err
	}
	return &SignInResult{Tokens: tokens}, nil
}

// errNoLogin is findLogin's answer when nobody matches the name.
var errNoLogin = fmt.Errorf("no account matches the name: %w", model.ErrNotFound)

// ErrEmailAmbiguous reports a sign-in by an email address that several
// accounts use (in several tenants without a domain given, or in one
// tenant from before emails were unique): the user must name the tenant's
// domain or sign in by user name. Nobody is signed in.
var ErrEmailAmbiguous = &model.FieldError{Field: "domain",
	Message: "several accounts use this email address: give your organisation's domain, or sign in with your user name"}

// findLogin resolves the login name. Nobody matching is errNoLogin
// (model.ErrNotFound); an email several accounts use is ErrEmailAmbiguous.
func (s *Service) findLogin(ctx context.Context, username, domain string) (*model.User, *model.Tenant, error) {
	if username == "" {
		return nil, nil, errNoLogin
	}
	var tenant *model.Tenant
	var err error
	if domain != "" {
		tenant, err = s.store.GetTenantByDomain(ctx, domain)
	} else if i := strings.LastIndexByte(username, '@'); i > 0 {
		// name@domain first; if that tenant or user does not exist, the
		// whole string may be an email address.
		if t, err := s.store.GetTenantByDomain(ctx, username[i+1:]); err == nil {
			if u, err := s.store.GetUserByName(ctx, t.ID, username[:i]); err == nil {
				return u, t, nil
			}
		}
		return s.findByEmail(ctx, "", username)
	} else {
		tenant, err = s.store.SystemTenant(ctx)
	}
	if err != nil {
		return nil, nil, notFoundAs(err, errNoLogin)
	}
	u, err := s.store.GetUserByName(ctx, tenant.ID, username)
	if err == nil {
		return u, tenant, nil
	}
	if !errors.Is(err, model.ErrNotFound) || !strings.Contains(username, "@") {
		return nil, nil, notFoundAs(err, errNoLogin)
	}
	return s.findByEmail(ctx, tenant.ID, username)
}

// findByEmail finds the one account of tenantID ("" for any tenant) with
// this email.
func (s *Service) findByEmail(ctx context.Context, tenantID, email string) (*model.User, *model.Tenant, error) {
	users, err := s.store.FindUsersByEmail(ctx, tenantID, email, 2)
	switch {
	case err != nil:
		return nil, nil, err
	case len(users) == 0:
		return nil, nil, errNoLogin
	case len(users) > 1:
		return nil, nil, ErrEmailAmbiguous
	}
	t, err := s.store.GetTenant(ctx, users[0].TenantID)
	if err != nil {
		return nil, nil, notFoundAs(err, errNoLogin)
	}
	return &users[0], t, nil
}

// notFoundAs returns as when err is a model.ErrNotFound, else err.
func notFoundAs(err, as error) error {
	if errors.Is(err, model.ErrNotFound) {
		return as
	}
	return err
}

func (s *Service) issue(ctx context.Context, u *model.User, via string) (*Tokens, error) {
	access, accessHash := auth.NewToken(auth.AccessPrefix)
	refresh, refreshHash := auth.NewToken(auth.RefreshPrefix)
	now := s.now().UTC()
	sess := &store.Session{
		ID: model.NewID(), TenantID: u.TenantID, UserID: u.ID,
		AccessHash: accessHash, RefreshHash: refreshHash,
		AccessExpires: now.Add(s.cfg.AccessTTL), RefreshExpires: now.Add(s.cfg.RefreshTTL),
		CreatedAt: now, Via: via,
	}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	return &Tokens{TokenType: "Bearer", AccessToken: access, RefreshToken: refresh, ExpiresIn: int(s.cfg.AccessTTL.Seconds())}, nil
}

// Refresh consumes a refresh token (single use) and returns new tokens.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (*Tokens, error) {
	if !strings.HasPrefix(refreshToken, auth.RefreshPrefix) || len(refreshToken) > 128 {
		return nil, model.ErrUnauthenticated
	}
	access, accessHash := auth.NewToken(auth.AccessPrefix)
	refresh, refreshHash := auth.NewToken(auth.RefreshPrefix)
	now := s.now().UTC()
	next := &store.Session{
		ID: model.NewID(), AccessHash: accessHash, RefreshHash: refreshHash,
		AccessExpires: now.Add(s.cfg.AccessTTL), RefreshExpires: now.Add(s.cfg.RefreshTTL), CreatedAt: now,
	}
	if err := s.store.RotateSession(ctx, auth.HashToken(refreshToken), now, next); err != nil {
		if errors.Is(err, store.ErrRefreshReused) {
			s.log.Warn("a rotated refresh token was presented again; its sessions were ended")
		}
		if errors.Is(err, model.ErrNotFound) {
			return nil, model.ErrUnauthenticated
		}
		return nil, err
	}
	// The user may have been disabled since the session began.
	if _, err := s.Authenticate(ctx, access); err != nil {
		_ = s.store.DeleteSessionByAccess(ctx, accessHash)
		return nil, err
	}
	return &Tokens{TokenType: "Bearer", AccessToken: access, RefreshToken: refresh, ExpiresIn: int(s.cfg.AccessTTL.Seconds())}, nil
}

// SignOut ends the session of an access token.
func (s *Service) SignOut(ctx context.Context, accessToken string) error {
	return s.store.DeleteSessionByAccess(ctx, auth.HashToken(accessToken))
}

// Authenticate resolves a bearer access token to a Caller. Expired,
// unknown and refresh tokens, disabled users and disabled tenants all give
// model.ErrUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, accessToken string) (*Caller, error) {
	if !strings.HasPrefix(accessToken, auth.AccessPrefix) || len(accessToken) > 128 {
		return nil, model.ErrUnauthenticated
	}
	p, err := s.store.PrincipalByAccess(ctx, auth.HashToken(accessToken), s.now().UTC())
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, model.ErrUnauthenticated
		}
		return nil, err
	}
	if !p.UserEnabled || !p.TenantEnabled {
		return nil, model.ErrUnauthenticated
	}
	return &Caller{Principal: *p, Perms: callerPermissions(p)}, nil
}

// EndSession signs the caller out: their access and refresh tokens stop
// working at once.
func (s *Service) EndSession(ctx context.Context, c *Caller) error {
	return s.store.DeleteSession(ctx, c.SessionID)
}
