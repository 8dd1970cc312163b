package proxy

import (
	"context"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Router is what the proxy needs of the directory: the plan of a call and
// what it reads to make and carry it out. Look-ups of what does not exist return
// model.ErrNotFound (wrapped).
type Router interface {
	// Route returns the plan of a call from caller (an extension of the
	// tenant or a number) to user callee.
	Route(ctx context.Context, tenant *model.Tenant, callee *model.User, caller string, internal bool, at time.Time) ([]routing.Hop, error)
	// Outbound classifies number and tells whether user may call it (the
	// role's policy, call restrictions); the verdict's Number.Dial is
	// what goes to the trunk.
	Outbound(ctx context.Context, tenantID, userID, number string) (routing.Verdict, error)
	// UserByExtension resolves an extension of a tenant to an enabled
	// user.
	UserByExtension(ctx context.Context, tenantID, ext string) (*model.User, error)
	// SIPUser returns the user of extension ext at a tenant's SIP domain
	// with its credentials (a digest.UserLookup).
	SIPUser(ctx context.Context, domain, ext string) (*store.SIPUser, error)
	// Tenant returns a tenant (its domain, trunk and voicemail server).
	Tenant(ctx context.Context, tenantID string) (*model.Tenant, error)
	// TrunkTenant returns the tenant whose sip_trunk is at source, an
	// IP:port; over a connection (conn: TCP or TLS), also a trunk that
	// requires TCP or TLS at that IP with any port.
	TrunkTenant(ctx context.Context, source string, conn bool) (*model.Tenant, error)
	// UserByNumber resolves a called number of a tenant to an enabled
	// user: an extension, or a number in a user's outbound caller IDs.
	UserByNumber(ctx context.Context, tenantID, number string) (*model.User, error)
	// HuntPlan is the plan of a call to the call queue or ring group at
	// an extension of the tenant.
	HuntPlan(ctx context.Context, tenantID, ext string) (*routing.Plan, error)
}
