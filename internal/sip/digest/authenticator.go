package digest

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/sip/guard"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// AOR is an address of record: an extension at a tenant's domain.
type AOR struct{ Ext, Domain string }

func (a AOR) String() string { return "sip:" + a.Ext + "@" + a.Domain }

// Role is who asks for credentials (RFC 3261 section 22): a registrar
// challenges with 401 and WWW-Authenticate and reads Authorization, a
// proxy with 407 and Proxy-Authenticate and reads Proxy-Authorization.
type Role int

// Roles.
const (
	Registrar Role = iota
	Proxy
)

// CredentialsHeader is the header that carries the answer to the role's
// challenge.
func (r Role) CredentialsHeader() string {
	if r == Proxy {
		return "Proxy-Authorization"
	}
	return "Authorization"
}

// challenge is the status, reason and header of the role's challenge.
func (r Role) challenge() (int, string, string) {
	if r == Proxy {
		return 407, "Proxy Authentication Required", "Proxy-Authenticate"
	}
	return 401, "Unauthorized", "WWW-Authenticate"
}

// Config configures an Authenticator.
type Config struct {
	Store *store.Store
	// Guard counts failures per source (nil: none are counted).
	Guard    *guard.Guard
	NonceTTL time.Duration // default 5 minutes
	Log      *slog.Logger
}

// Authenticator checks requests' digest credentials against the users in
// the store, challenges the requests without valid ones and counts the
// failures against their source.
type Authenticator struct {
	st     *store.Store
	nonces *Nonces
	guard  *guard.Guard
	log    *slog.Logger

	mu      sync.Mutex
	digests map[string]settingEntry // domain -> its tenant's sip_digest, briefly
}

// NewAuthenticator makes an Authenticator whose nonces every node accepts
// (their key is a secret the nodes share in the store).
func NewAuthenticator(ctx context.Context, cfg Config) (*Authenticator, error) {
	if cfg.NonceTTL == 0 {
		cfg.NonceTTL = 5 * time.Minute
	}
	if cfg.Guard == nil {
		cfg.Guard = guard.New(0, 0, 0)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	secret, err := cfg.Store.NodeSecret(ctx, "sip_nonce_key")
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("sip nonce key: %w", err)
	}
	return &Authenticator{st: cfg.Store, nonces: NewNonces(key, cfg.NonceTTL), guard: cfg.Guard, log: cfg.Log,
		digests: map[string]settingEntry{}}, nil
}

// Check checks the request's credentials for role against the address of
// record. It returns the user, or why it failed ("" when the request
// simply had no credentials) and whether the nonce was stale.
func (a *Authenticator) Check(ctx context.Context, req *sip.Request, aor AOR, role Role, now time.Time) (*store.SIPUser, string, bool) {
	return a.CheckWith(ctx, req, aor, role, now, a.st.SIPUserByAOR)
}

// UserLookup finds the user of extension ext at a tenant's domain, or
// returns model.ErrNotFound.
type UserLookup func(ctx context.Context, domain, ext string) (*store.SIPUser, error)

// CheckWith is Check with the user found by lookup (a cache, say) rather
// than read from the store.
func (a *Authenticator) CheckWith(ctx context.Context, req *sip.Request, aor AOR, role Role, now time.Time, lookup UserLookup) (*store.SIPUser, string, bool) {
	h := req.GetHeader(role.CredentialsHeader())
	if h == nil {
		return nil, "", false
	}
	if a.guard.BannedAOR(guard.SourceIP(req.Source()), aor.String(), now) {
		return nil, "too many failures for this AOR from this source", false
	}
	c, err := ParseCredentials(h.Value())
	if err != nil {
		return nil, "malformed credentials", false
	}
	u, err := lookup(ctx, aor.Domain, aor.Ext)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		a.log.Error("sip user lookup", "error", err)
		return nil, "lookup error", false
	}
	if why, stale := a.verify(req, c, aor, u, now); why != "" || stale {
		return nil, why, stale
	}
	return u, "", false
}

// CheckTrunk checks the request's proxy credentials against a tenant's
// trunk: user name aor.Ext in realm aor.Domain (the tenant's), the
// password's hashes cred, the algorithms the tenant's sip_digest setting
// offers. It returns whether they pass, why not ("" when the request had
// none) and whether the nonce was stale.
func (a *Authenticator) CheckTrunk(req *sip.Request, aor AOR, cred model.SIPCredentials, setting string, now time.Time) (bool, string, bool) {
	h := req.GetHeader(Proxy.CredentialsHeader())
	if h == nil {
		return false, "", false
	}
	if a.guard.BannedAOR(guard.SourceIP(req.Source()), aor.String(), now) {
		return false, "too many failures for this AOR from this source", false
	}
	c, err := ParseCredentials(h.Value())
	if err != nil {
		return false, "malformed credentials", false
	}
	trunk := &store.SIPUser{Enabled: true, TenantEnabled: true, SIPDigest: setting, Credentials: cred}
	if cred.HA1MD5 == "" {
		trunk = nil // no password set: nothing matches
	}
	why, stale := a.verify(req, c, aor, trunk, now)
	return why == "" && !stale, why, stale
}

// verify checks credentials c of req against user u (nil: unknown) as
// aor, and their nonce: why they fail ("" when they pass) and whether the
// nonce was stale.
func (a *Authenticator) verify(req *sip.Request, c *Credentials, aor AOR, u *store.SIPUser, now time.Time) (string, bool) {
	alg := c.Algorithm
	if alg == "" {
		alg = AlgMD5 // RFC 2617: no algorithm means MD5
	}
	alg = strings.ToUpper(alg)
	// Work out the expected response even for unknown users, so that all
	// failures take about as long.
	ha1s, offered := []string{""}, false
	if u != nil {
		ha1s = candidates(u, alg)
		offered = algorithmOffered(u.SIPDigest, alg)
	}
	if alg != AlgMD5 && alg != AlgSHA256 {
		return "unsupported algorithm", false
	}
	match := false
	for _, ha1 := range ha1s { // every candidate, so a match takes no less time
		if ResponseMatches(ExpectedResponse(alg, ha1, string(req.Method), c), c.Response) && ha1 != "" {
			match = true
		}
	}
	if why := refusal(u, c, aor, offered, match); why != "" {
		return why, false
	}
	switch a.nonces.Check(c.Nonce, now) {
	case NonceInvalid:
		return "nonce not issued here", false
	case NonceStale:
		return "", true
	}
	if !a.nonces.Use(c.Nonce, c.NC, now) {
		return "", true // a replayed nonce count: ask again
	}
	return "", false
}

// candidates are the HA1 values of alg a response may match: the
// extension password's, then each provisioned device's own.
func candidates(u *store.SIPUser, alg string) []string {
	pick := func(c model.SIPCredentials) string {
		if alg == AlgMD5 {
			return c.HA1MD5
		}
		return c.HA1SHA256
	}
	out := []string{pick(u.Credentials)}
	for _, d := range u.Devices {
		out = append(out, pick(d))
	}
	return out
}

// refusal is why credentials c do not let user u (nil: unknown) in as
// aor, first reason first; "" when they do, nonce aside.
func refusal(u *store.SIPUser, c *Credentials, aor AOR, offered, match bool) string {
	switch {
	case u == nil:
		return "unknown address of record"
	case !u.Enabled || !u.TenantEnabled:
		return "user or tenant disabled"
	case c.Username != aor.Ext:
		return "authentication user does not match the address of record"
	case c.Realm != aor.Domain:
		return "wrong realm"
	case !offered:
		return "algorithm not offered to this tenant"
	case !strings.EqualFold(c.QOP, "auth"):
		return "qop=auth missing"
	case !match:
		return "wrong password"
	}
	return ""
}

func algorithmOffered(setting, alg string) bool {
	switch setting {
	case model.SIPDigestSHA256:
		return alg == AlgSHA256
	case model.SIPDigestMD5Only:
		return alg == AlgMD5
	default:
		return alg == AlgSHA256 || alg == AlgMD5
	}
}

// Failed logs a failed authentication (reason "" is none: the request
// had no credentials) and counts it against the source.
func (a *Authenticator) Failed(req *sip.Request, aor AOR, reason string, now time.Time) {
	if reason == "" {
		return
	}
	a.log.Warn("sip authentication failed", "source", req.Source(), "aor", aor.String(), "reason", reason, "method", string(req.Method))
	ip := guard.SourceIP(req.Source())
	if network := strings.ToUpper(req.Transport()); network == "TCP" || network == "TLS" {
		// A connection cannot be forged: its failures are its own.
		if a.guard.FailConn(guard.ConnKey(network, req.Source()), ip, aor.String(), now) {
			a.log.Warn("sip connection ignored after repeated failures", "source", req.Source(), "transport", network,
				"aor", aor.String(), "for", a.guard.Ban.String())
		}
		return
	}
	if a.guard.Fail(ip, aor.String(), now) {
		a.log.Warn("sip source ignored after repeated failures", "source_ip", ip, "aor", aor.String(), "for", a.guard.Ban.String())
	}
}

// Challenge is the answer to a request without valid credentials: the
// same for unknown extensions, disabled users and wrong passwords. The
// offered algorithms depend only on the tenant (the domain), never on
// the user.
func (a *Authenticator) Challenge(req *sip.Request, aor AOR, role Role, stale bool, now time.Time) *sip.Response {
	code, reason, header := role.challenge()
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	for _, alg := range offeredAlgorithms(a.digestSetting(aor.Domain, now)) {
		res.AppendHeader(sip.NewHeader(header, Challenge(alg, aor.Domain, a.nonces.Issue(now), stale)))
	}
	return res
}

// offeredAlgorithms are the algorithms a challenge offers for a tenant's
// sip_digest setting, preferred first.
func offeredAlgorithms(setting string) []string {
	switch setting {
	case model.SIPDigestMD5:
		return []string{AlgMD5, AlgSHA256}
	case model.SIPDigestSHA256:
		return []string{AlgSHA256}
	case model.SIPDigestMD5Only:
		return []string{AlgMD5}
	}
	return []string{AlgSHA256, AlgMD5}
}

// settingCacheTTL is how long a tenant's sip_digest setting is reused for
// challenges (checking an answer always reads it fresh).
const settingCacheTTL = 5 * time.Second

type settingEntry struct {
	setting string
	until   time.Time
}

// digestSetting returns the tenant's sip_digest ("" for an unknown
// domain), cached briefly: every REGISTER without credentials needs it.
func (a *Authenticator) digestSetting(domain string, now time.Time) string {
	a.mu.Lock()
	e, ok := a.digests[domain]
	a.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.setting
	}
	setting, err := a.st.TenantSIPDigest(context.Background(), domain)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		a.log.Warn("sip digest setting", "error", err)
		return ""
	}
	a.mu.Lock()
	if len(a.digests) >= 10000 { // unknown domains cannot grow it without bound
		clear(a.digests)
	}
	a.digests[domain] = settingEntry{setting: setting, until: now.Add(settingCacheTTL)}
	a.mu.Unlock()
	return setting
}
