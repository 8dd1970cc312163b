package directory

import (
	"context"
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// API key token and secret prefixes.
const (
	APIKeyTokenPrefix  = "sbk_"
	APIKeySecretPrefix = "sbs_"
)

// NewAPIKey is what creating a key answers: the only time the secret is
// shown.
type NewAPIKey struct {
	Token  string `json:"token"`
	Secret string `json:"secret"`
}

// viaAPIKey reports whether the caller's session came from an API key.
func (c *Caller) viaAPIKey() bool { return strings.HasPrefix(c.Via, ViaAPIKey) }

// requirePasswordSession keeps credentials in the hands of the person: a
// session obtained with an API key cannot mint keys or change passwords
// and second factors.
func (c *Caller) requirePasswordSession() error {
	if c.viaAPIKey() {
		return model.Forbidden("this needs a session signed in with a password, not an API key")
	}
	return nil
}

// CreateMyAPIKey creates an API key for the caller.
func (s *Service) CreateMyAPIKey(ctx context.Context, c *Caller, name string) (*NewAPIKey, error) {
	if err := c.requirePasswordSession(); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if err := model.ValidateAPIKeyName(name); err != nil {
		return nil, err
	}
	tokenRand, _ := auth.NewToken("")
	secret, secretHash := auth.NewToken(APIKeySecretPrefix)
	k := &model.APIKey{Token: APIKeyTokenPrefix + tokenRand[:32], Name: name, TenantID: c.TenantID, UserID: c.UserID,
		SecretHash: secretHash, CreatedAt: s.now().UTC()}
	e := c.audit("create", "api_key", k.Token, name, map[string]any{"name": name, "secret": model.Masked})
	if err := s.store.CreateAPIKey(store.WithAudit(ctx, e), k, model.MaxAPIKeysPerUser); err != nil {
		return nil, err
	}
	return &NewAPIKey{Token: k.Token, Secret: secret}, nil
}

// ListMyAPIKeys lists the caller's keys (tokens and names, never secrets).
func (s *Service) ListMyAPIKeys(ctx context.Context, c *Caller) ([]model.APIKey, error) {
	return s.store.ListAPIKeys(ctx, c.TenantID, c.UserID)
}

// DeleteMyAPIKey deletes one of the caller's keys; its tokens stop at once.
func (s *Service) DeleteMyAPIKey(ctx context.Context, c *Caller, token string) error {
	return s.store.DeleteAPIKey(store.WithAudit(ctx, c.audit("delete", "api_key", token, "", nil)), c.TenantID, c.UserID, token)
}

// ListUserAPIKeys lists a user's keys (an admin's view).
func (s *Service) ListUserAPIKeys(ctx context.Context, c *Caller, userID string) ([]model.APIKey, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	if !model.ValidID(userID) {
		return nil, model.ErrNotFound
	}
	if _, err := s.store.GetUser(ctx, c.TenantID, userID); err != nil {
		return nil, err
	}
	return s.store.ListAPIKeys(ctx, c.TenantID, userID)
}

// DeleteUserAPIKey revokes a user's key (an admin action).
func (s *Service) DeleteUserAPIKey(ctx context.Context, c *Caller, userID, token string) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if !model.ValidID(userID) {
		return model.ErrNotFound
	}
	u, err := s.store.GetUser(ctx, c.TenantID, userID)
	if err != nil {
		return err
	}
	if err := s.requireOutranks(ctx, c, u); err != nil {
		return err
	}
	e := c.audit("delete", "api_key", token, u.Name, nil)
	return s.store.DeleteAPIKey(store.WithAudit(ctx, e), c.TenantID, userID, token)
}

// ExchangeAPIKey trades a key's token and secret for tokens that act with
// the key's user's permissions. Unknown keys, wrong secrets, disabled
// users and tenants all give ErrBadCredentials.
func (s *Service) ExchangeAPIKey(ctx context.Context, token, secret, source string) (*Tokens, error) {
	g := guard{account: accountKey("key|" + token), source: sourceKey(source)}
	if err := s.checkLocks(ctx, g); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(token, APIKeyTokenPrefix) || len(token) > 64 || len(secret) > 128 {
		s.fail(ctx, g)
		return nil, ErrBadCredentials
	}
	k, err := s.store.GetAPIKey(ctx, token)
	if errors.Is(err, model.ErrNotFound) {
		s.fail(ctx, g)
		return nil, ErrBadCredentials
	} else if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(auth.HashToken(secret)), []byte(k.SecretHash)) != 1 {
		s.fail(ctx, g)
		return nil, ErrBadCredentials
	}
	s.succeed(ctx, g)
	u, err := s.store.GetUser(ctx, k.TenantID, k.UserID)
	if err != nil {
		return nil, ErrBadCredentials
	}
	t, err := s.store.GetTenant(ctx, k.TenantID)
	if err != nil || !u.Enabled || !t.Enabled {
		return nil, ErrBadCredentials
	}
	if err := s.store.TouchAPIKey(ctx, token); err != nil {
		s.log.Warn("record API key use", "err", err)
	}
	return s.issue(ctx, u, ViaAPIKey+token)
}
