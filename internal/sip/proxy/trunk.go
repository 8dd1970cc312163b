package proxy

import (
	"context"
	"errors"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// trunkCacheTTL is how long the tenant of a trunk address is reused: the
// first INVITE of every call asks.
const trunkCacheTTL = 5 * time.Second

type trunkEntry struct {
	tenant *model.Tenant
	until  time.Time
}

// trunkTenant is the tenant whose trunk is at source (nil: none), cached
// for a few seconds.
func (p *Proxy) trunkTenant(ctx context.Context, source string, now time.Time) *model.Tenant {
	p.trunkMu.Lock()
	e, ok := p.trunks[source]
	p.trunkMu.Unlock()
	if ok && now.Before(e.until) {
		return e.tenant
	}
	tenant, err := p.router.TrunkTenant(ctx, source)
	if errors.Is(err, model.ErrNotFound) {
		tenant = nil // remembered too: most calls come from phones
	} else if err != nil {
		p.log.Warn("sip trunk lookup", "error", err)
		return nil
	}
	p.trunkMu.Lock()
	if len(p.trunks) >= 10000 {
		clear(p.trunks)
	}
	p.trunks[source] = trunkEntry{tenant: tenant, until: now.Add(trunkCacheTTL)}
	p.trunkMu.Unlock()
	return tenant
}

// inbound routes a call that arrived from a tenant's trunk to the user
// owning the called number.
func (p *Proxy) inbound(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, tenant *model.Tenant, now time.Time) {
	respond(tx, req, 100, "Trying")
	number, caller := req.Recipient.User, req.From().Address.User
	callee, err := p.router.UserByNumber(ctx, tenant.ID, number)
	switch {
	case errors.Is(err, model.ErrNotFound):
		respond(tx, req, 404, "Not Found")
		return
	case err != nil:
		respond(tx, req, 500, "Server Internal Error")
		return
	}
	c := &call{tenant: tenant, callee: callee, calleeNumber: callee.ExtensionNumber, dialled: callee.ExtensionNumber,
		dialledName: callee.DisplayName, callerNumber: caller, direction: "INBOUND_CALL",
		started: now, callID: req.CallID().Value(), trunk: tenant.SIPTrunk, did: number}
	hops, err := p.router.Route(ctx, tenant, callee, caller, false, now)
	if err != nil {
		respond(tx, req, 500, "Server Internal Error")
		return
	}
	p.execute(ctx, req, tx, c, hops)
}
