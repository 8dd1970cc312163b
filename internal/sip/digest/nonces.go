package digest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"sync"
	"time"
)

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
