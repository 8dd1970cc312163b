// Package directory holds Switchboard's business rules for tenants, users
// and sign-in. The REST API, the portal and the CLI all call it, so a rule
// lives in exactly one place.
package directory

import (
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Config tunes token lifetimes.
type Config struct {
	AccessTTL  time.Duration
	RefreshTTL time.Duration
	// Now is the clock (time.Now when nil); tests move it to expire tokens.
	Now func() time.Time
	// Login bounds password guessing (DefaultLoginLimits when zero).
	Login LoginLimits
	// Blobs keeps uploaded files; BlobMaxSize bounds them
	// (DefaultBlobMaxSize when zero).
	Blobs       BlobStorage
	BlobMaxSize int64
	// Mailer sends voicemail-to-email notifications (nil: none are sent).
	Mailer Mailer
	// Prompts are the voicemail prompts tenants may replace.
	Prompts PromptCatalog
	// ImportDir is where uploaded CSV files wait for their import job
	// (the system's temporary directory when empty).
	ImportDir string
}

// DefaultConfig returns the documented defaults: access tokens live one
// hour, refresh tokens thirty days.
func DefaultConfig() Config {
	return Config{AccessTTL: time.Hour, RefreshTTL: 30 * 24 * time.Hour}
}

// Service implements the directory's use cases.
type Service struct {
	store  *store.Store
	hasher *auth.Hasher
	log    *slog.Logger
	cfg    Config
	now    func() time.Time
	// transports are the node's SIP listeners (SetSIPTransports).
	transports atomic.Pointer[[]model.Transport]
	// sync holds the sync tokens' key (loaded on first use) and when the
	// change log was last pruned.
	sync struct {
		mu        sync.Mutex
		key       []byte
		lastPrune time.Time
	}
	// prov is where phones reach the node and the key their SIP
	// passwords are derived under (loaded on first use).
	prov struct {
		mu  sync.Mutex
		cfg ProvisioningConfig
		key []byte
	}
	// imports are the CSV user imports this node runs.
	imports importJobs
	// cache holds what calls read, once FollowChanges runs (callcache.go).
	cache atomic.Pointer[callCache]
}

// New returns a Service.
func New(st *store.Store, hasher *auth.Hasher, log *slog.Logger, cfg Config) *Service {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Service{store: st, hasher: hasher, log: log, cfg: cfg, now: now}
	s.imports.init()
	return s
}

// Caller is an authenticated principal with its resolved permissions.
type Caller struct {
	store.Principal
	Perms model.Permissions
	// Source is the address the request came from ("cli" for the
	// operator's command line), for the audit log.
	Source string
}

// audit starts the audit entry of a change the caller makes.
func (c *Caller) audit(action, objectType, objectID, objectName string, fields map[string]any) *model.AuditLog {
	e := &model.AuditLog{Action: action, ObjectType: objectType, ObjectID: objectID, ObjectName: objectName, Fields: fields}
	if c != nil {
		e.TenantID, e.UserID, e.UserName, e.SourceIP = c.TenantID, c.UserID, c.UserName, c.Source
		if key, ok := strings.CutPrefix(c.Via, ViaAPIKey); ok {
			e.APIKey = key
		}
	}
	return e
}

// Can reports whether the caller holds the dotted permission flag.
func (c *Caller) Can(flag string) bool { return c.Perms.Has(flag) }

// Allowed reports whether the caller holds perm: one dotted flag, or
// alternatives joined by " or ".
func (c *Caller) Allowed(perm string) bool {
	for _, f := range strings.Split(perm, " or ") {
		if c.Can(f) {
			return true
		}
	}
	return false
}

// require returns a ForbiddenError unless the caller holds perm.
func (c *Caller) require(perm string) error {
	if !c.Allowed(perm) {
		return model.Forbidden("this action needs the %s permission", perm)
	}
	return nil
}
