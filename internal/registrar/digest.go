package registrar

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"
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

// Nonces issues and checks nonces: each carries its issue time and an HMAC
// under a key every node shares, so any node verifies any node's nonce.
// Each nonce-count is accepted once per node.
type Nonces struct {
	key []byte
	ttl time.Duration

	mu        sync.Mutex
	used      map[string]uint32 // nonce -> highest nc accepted, this generation
	previous  map[string]uint32
	rotatedAt time.Time
}

// maxTrackedNonces bounds the nonce-count memory per generation.
const maxTrackedNonces = 200000

// NewNonces makes a nonce source with key and lifetime ttl.
func NewNonces(key []byte, ttl time.Duration) *Nonces {
	return &Nonces{key: key, ttl: ttl, used: map[string]uint32{}, previous: map[string]uint32{}}
}

const nonceRaw = 8 + 8 + 16 // time, random, mac

func (n *Nonces) mac(b []byte) []byte {
	m := hmac.New(sha256.New, n.key)
	m.Write(b)
	return m.Sum(nil)[:16]
}

// Issue returns a new nonce.
func (n *Nonces) Issue(now time.Time) string {
	var b [nonceRaw]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixNano()))
	_, _ = rand.Read(b[8:16])
	copy(b[16:], n.mac(b[:16]))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// NonceState is what Check finds.
type NonceState int

// Nonce states.
const (
	NonceInvalid NonceState = iota // not one of ours
	NonceStale                     // ours but expired, or its count was used
	NonceFresh
)

// Check tells whether nonce is ours and unexpired at now.
func (n *Nonces) Check(nonce string, now time.Time) NonceState {
	b, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(b) != nonceRaw || !hmac.Equal(b[16:], n.mac(b[:16])) {
		return NonceInvalid
	}
	issued := time.Unix(0, int64(binary.BigEndian.Uint64(b[:8])))
	if now.Sub(issued) > n.ttl || issued.Sub(now) > time.Minute {
		return NonceStale
	}
	return NonceFresh
}

// Use records nonce-count nc of nonce; it returns false when that count
// (or a higher one) was already accepted.
func (n *Nonces) Use(nonce, nc string, now time.Time) bool {
	count, err := strconv.ParseUint(nc, 16, 32)
	if err != nil || len(nc) != 8 || count == 0 {
		return false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if now.Sub(n.rotatedAt) > n.ttl || len(n.used) >= maxTrackedNonces {
		// Every nonce of the previous generation has expired by now.
		n.previous, n.used, n.rotatedAt = n.used, make(map[string]uint32, len(n.used)), now
	}
	last, ok := n.used[nonce]
	if !ok {
		last = n.previous[nonce]
	}
	if uint32(count) <= last {
		return false
	}
	n.used[nonce] = uint32(count)
	return true
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
