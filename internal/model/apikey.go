package model

import "time"

// APIKey lets an integration act as its user: the token is public, the
// secret is shown once at creation and kept only as its SHA-256.
type APIKey struct {
	Token      string     `json:"token"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at" doc:"null until the key is first used"`

	TenantID   string `json:"-"`
	UserID     string `json:"-"`
	SecretHash string `json:"-"`
}

// MaxAPIKeysPerUser bounds how many keys one user may hold.
const MaxAPIKeysPerUser = 20

// ValidateAPIKeyName checks a key's name: 1 to 64 characters of text.
func ValidateAPIKeyName(name string) error {
	if name == "" {
		return Invalid("name", "is required")
	}
	return checkText("name", name, MaxNameLen, false)
}
