package client

import (
	"context"
	"time"
)

// SignInRequest is the body of SignIn.
type SignInRequest struct {
	// Username is the login name, name@domain, or the user's email.
	Username string `json:"username"`
	Password string `json:"password"`
	// Domain is the tenant's domain; leave it out for the system tenant or
	// when Username names it.
	Domain string `json:"domain,omitempty"`
}

// Tokens are a session's tokens: the access token goes in WithToken, the
// refresh token (single-use) to RefreshToken.
type Tokens struct {
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	// ExpiresIn is the access token's lifetime in seconds.
	ExpiresIn int `json:"expires_in"`
}

// SignInResult is the answer of SignIn and VerifyOTP: the tokens, or, when
// the user has two-factor login, a challenge (TwoFactorEnabled, Token) to
// answer with VerifyOTP (after EnrollOTPAtSignIn if EnrollmentRequired).
type SignInResult struct {
	Tokens
	TwoFactorEnabled   bool   `json:"two_factor_enabled"`
	EnrollmentRequired bool   `json:"enrollment_required"`
	Token              string `json:"token"`
	// RecoveryCodes are set once, when the code completed an enrolment.
	RecoveryCodes []string `json:"recovery_codes"`
}

// OTPEnrollment is a new authenticator secret: the otpauth URI and its QR
// code (a base64 PNG) for the authenticator app.
type OTPEnrollment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	QRPNG  string `json:"qr_png"`
}

// APIKey is an API key as lists show it: its token (public) and name,
// never its secret.
type APIKey struct {
	Token      string     `json:"token"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// NewAPIKey is a key just created: the secret is shown only this once.
type NewAPIKey struct {
	Token  string `json:"token"`
	Secret string `json:"secret"`
}

// SignIn signs in with a password (POST /api/auth/sign_in). Every failure
// is the same 401.
func (c *Client) SignIn(ctx context.Context, in SignInRequest) (*SignInResult, error) {
	var out SignInResult
	if err := c.post(ctx, "/api/auth/sign_in", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// VerifyOTP answers a two-factor challenge with an authenticator or
// recovery code (POST /api/auth/verify_otp).
func (c *Client) VerifyOTP(ctx context.Context, challenge, code string) (*SignInResult, error) {
	var out SignInResult
	if err := c.post(ctx, "/api/auth/verify_otp", otpChallenge{Token: challenge, Code: code}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EnrollOTPAtSignIn starts the enrolment a challenge with
// EnrollmentRequired asks for (POST /api/auth/otp_enroll); VerifyOTP with
// the first code completes it.
func (c *Client) EnrollOTPAtSignIn(ctx context.Context, challenge string) (*OTPEnrollment, error) {
	var out OTPEnrollment
	if err := c.post(ctx, "/api/auth/otp_enroll", tokenBody{Token: challenge}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RefreshToken exchanges a refresh token, once, for new tokens (POST
// /api/auth/refresh_token).
func (c *Client) RefreshToken(ctx context.Context, refreshToken string) (*Tokens, error) {
	var out Tokens
	if err := c.post(ctx, "/api/auth/refresh_token", refreshBody{RefreshToken: refreshToken}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SignOut ends the client's session: both of its tokens stop working (POST
// /api/auth/sign_out).
func (c *Client) SignOut(ctx context.Context) error {
	return c.post(ctx, "/api/auth/sign_out", nil, nil)
}

// APIKeyToken exchanges an API key's token and secret for tokens that act
// as the key's user (POST /api/auth/token).
func (c *Client) APIKeyToken(ctx context.Context, token, secret string) (*Tokens, error) {
	var out Tokens
	if err := c.post(ctx, "/api/auth/token", apiKeyBody{Token: token, Secret: secret}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// StartOTP starts the signed-in user's two-factor enrolment (POST
// /api/user/otp); ConfirmOTP with a first code turns it on.
func (c *Client) StartOTP(ctx context.Context) (*OTPEnrollment, error) {
	var out OTPEnrollment
	if err := c.post(ctx, "/api/user/otp", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ConfirmOTP turns two-factor login on with a first code and returns the
// recovery codes, shown only this once (POST /api/user/otp/confirm).
func (c *Client) ConfirmOTP(ctx context.Context, code string) ([]string, error) {
	var out recoveryCodes
	if err := c.post(ctx, "/api/user/otp/confirm", codeBody{Code: code}, &out); err != nil {
		return nil, err
	}
	return out.RecoveryCodes, nil
}

// DisableOTP turns the signed-in user's two-factor login off; it needs the
// password (POST /api/user/otp/disable).
func (c *Client) DisableOTP(ctx context.Context, password string) error {
	return c.post(ctx, "/api/user/otp/disable", passwordBody{Password: password}, nil)
}

// ResetUserOTP removes a user's authenticator, e.g. a lost phone; the user
// enrols again at the next sign-in (POST /api/users/{id}/otp/destroy).
func (c *Client) ResetUserOTP(ctx context.Context, userID string) error {
	return c.post(ctx, pathf("/api/users/%s/otp/destroy", userID), nil, nil)
}

// CreateAPIKey creates an API key of the signed-in user (POST
// /api/user/api_keys); a session from a key cannot.
func (c *Client) CreateAPIKey(ctx context.Context, name string) (*NewAPIKey, error) {
	var out NewAPIKey
	if err := c.post(ctx, "/api/user/api_keys", nameBody{Name: name}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAPIKeys lists the signed-in user's API keys (GET /api/user/api_keys).
func (c *Client) ListAPIKeys(ctx context.Context) (*List[APIKey], error) {
	return list[APIKey](ctx, c, "/api/user/api_keys", nil)
}

// DeleteAPIKey deletes one of the signed-in user's keys, ending every
// session obtained through it (POST /api/user/api_keys/{token}/destroy).
func (c *Client) DeleteAPIKey(ctx context.Context, token string) error {
	return c.post(ctx, pathf("/api/user/api_keys/%s/destroy", token), nil, nil)
}

// ListUserAPIKeys lists a user's API keys (GET /api/users/{id}/api_keys).
func (c *Client) ListUserAPIKeys(ctx context.Context, userID string) (*List[APIKey], error) {
	return list[APIKey](ctx, c, pathf("/api/users/%s/api_keys", userID), nil)
}

// DeleteUserAPIKey revokes a user's key (POST
// /api/users/{id}/api_keys/{token}/destroy).
func (c *Client) DeleteUserAPIKey(ctx context.Context, userID, token string) error {
	return c.post(ctx, pathf("/api/users/%s/api_keys/%s/destroy", userID, token), nil, nil)
}
