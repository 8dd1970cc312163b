// Package digest is SIP digest authentication (RFC 7616 with qop=auth,
// SHA-256 and MD5 per RFC 8760): it reads credentials, works out the
// expected response from a stored HA1, issues and checks nonces that every
// node accepts, and builds challenges. Authenticator applies it to the
// users in the store, for the registrar (401) and the proxy (407) alike.
package digest

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// Digest algorithms (RFC 8760 names).
const (
	AlgSHA256 = "SHA-256"
	AlgMD5    = "MD5"
)

// Credentials are the parameters of a Digest Authorization header.
type Credentials struct {
	Username, Realm, Nonce, URI, Response, Algorithm, CNonce, QOP, NC, Opaque string
}

// field is where the parameter named key goes (nil: ignored).
func (c *Credentials) field(key string) *string {
	switch key {
	case "username":
		return &c.Username
	case "realm":
		return &c.Realm
	case "nonce":
		return &c.Nonce
	case "uri":
		return &c.URI
	case "response":
		return &c.Response
	case "algorithm":
		return &c.Algorithm
	case "cnonce":
		return &c.CNonce
	case "qop":
		return &c.QOP
	case "nc":
		return &c.NC
	case "opaque":
		return &c.Opaque
	}
	return nil
}

// maxAuthHeader bounds an Authorization value.
const maxAuthHeader = 2048

var errBadCredentials = errors.New("malformed Digest credentials")

// ParseCredentials reads `Digest k=v, k="v", ...`. Unknown parameters are
// ignored; a repeated or malformed one is an error.
func ParseCredentials(h string) (*Credentials, error) {
	if len(h) > maxAuthHeader {
		return nil, errBadCredentials
	}
	h = strings.TrimSpace(h)
	if len(h) < 7 || !strings.EqualFold(h[:7], "digest ") {
		return nil, errBadCredentials
	}
	rest := h[7:]
	c := &Credentials{}
	seen := map[string]bool{}
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			break
		}
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return nil, errBadCredentials
		}
		key := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := -1
			for i := 1; i < len(rest); i++ {
				if rest[i] == '\\' {
					i++
					continue
				}
				if rest[i] == '"' {
					end = i
					break
				}
			}
			if end < 0 {
				return nil, errBadCredentials
			}
			val = strings.ReplaceAll(rest[1:end], `\`, "")
			rest = rest[end+1:]
		} else {
			end := strings.IndexAny(rest, ", \t")
			if end < 0 {
				end = len(rest)
			}
			val, rest = rest[:end], rest[end:]
		}
		if seen[key] {
			return nil, errBadCredentials
		}
		seen[key] = true
		if f := c.field(key); f != nil {
			*f = val
		}
	}
	c.Response = strings.ToLower(c.Response)
	if c.Username == "" || c.Nonce == "" || c.Response == "" || c.URI == "" {
		return nil, errBadCredentials
	}
	return c, nil
}

func newHash(alg string) hash.Hash {
	if alg == AlgMD5 {
		return md5.New()
	}
	return sha256.New()
}

func hexHash(alg string, parts ...string) string {
	h := newHash(alg)
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{':'})
		}
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ExpectedResponse is the digest response (RFC 7616 with qop=auth) for
// the stored ha1 of the algorithm.
func ExpectedResponse(alg, ha1, method string, c *Credentials) string {
	ha2 := hexHash(alg, method, c.URI)
	return hexHash(alg, ha1, c.Nonce, c.NC, c.CNonce, c.QOP, ha2)
}

// ResponseMatches compares in constant time.
func ResponseMatches(expected, got string) bool {
	return subtle.ConstantTimeCompare([]byte(expected), []byte(got)) == 1
}

// Challenge is a WWW-Authenticate value.
func Challenge(alg, realm, nonce string, stale bool) string {
	s := fmt.Sprintf(`Digest realm="%s", nonce="%s", algorithm=%s, qop="auth"`, quoteSafe(realm), nonce, alg)
	if stale {
		s += ", stale=true"
	}
	return s
}

func quoteSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
