package auth

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Token prefixes tell the kinds apart at a glance, so a refresh token is
// never mistaken for an access token (they are also stored in different
// columns).
const (
	AccessPrefix  = "sba_"
	RefreshPrefix = "sbr_"
)

// NewToken returns a fresh random token with prefix and the hash under
// which it is stored. The token itself is never stored.
func NewToken(prefix string) (token, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken returns the hex SHA-256 of a token. Tokens carry 256 bits of
// randomness, so a fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SIPCredentials returns the digest HA1 values of an extension password
// for username ext in realm, for MD5 and SHA-256 (RFC 8760).
func SIPCredentials(ext, realm, password string) model.SIPCredentials {
	in := []byte(ext + ":" + realm + ":" + password)
	m := md5.Sum(in)
	s := sha256.Sum256(in)
	return model.SIPCredentials{HA1MD5: hex.EncodeToString(m[:]), HA1SHA256: hex.EncodeToString(s[:])}
}

// SIPPasswordMatches reports, in constant time, whether password yields the
// stored credentials.
func SIPPasswordMatches(stored model.SIPCredentials, ext, realm, password string) bool {
	got := SIPCredentials(ext, realm, password)
	return subtle.ConstantTimeCompare([]byte(got.HA1SHA256), []byte(stored.HA1SHA256)) == 1
}
