package proxy

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/metrics"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
)

// trunkCacheTTL is how long the tenant of a trunk address is reused: the
// first INVITE of every call asks.
const trunkCacheTTL = 5 * time.Second

type trunkEntry struct {
	tenant *model.Tenant
	until  time.Time
}

// trunkTenant is the tenant whose trunk is at source (nil: none; over a
// connection, conn, also a trunk requiring TCP or TLS at its IP), cached
// for a few seconds.
func (p *Proxy) trunkTenant(ctx context.Context, source string, conn bool, now time.Time) *model.Tenant {
	key := source
	if conn {
		key += " conn"
	}
	p.trunkMu.Lock()
	e, ok := p.trunks[key]
	p.trunkMu.Unlock()
	if ok && now.Before(e.until) {
		return e.tenant
	}
	tenant, err := p.router.TrunkTenant(ctx, source, conn)
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
	p.trunks[key] = trunkEntry{tenant: tenant, until: now.Add(trunkCacheTTL)}
	p.trunkMu.Unlock()
	return tenant
}

// fromTrunk takes an INVITE from the address of tenant's trunk as an
// inbound call when it shows what the trunk requires: the transport, and
// digest credentials (challenged with 407). It returns false for an
// INVITE with credentials that are not the trunk's (a phone's: it is
// authenticated as a user).
func (p *Proxy) fromTrunk(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, tenant *model.Tenant, now time.Time) bool {
	a := tenant.SIPTrunkAuth
	if h := req.GetHeader(digest.Proxy.CredentialsHeader()); h != nil {
		c, err := digest.ParseCredentials(h.Value())
		if !a.RequireDigest || err != nil || c.Username != a.Username {
			return false
		}
	}
	if !trunkTransportAllowed(a.Transport, strings.ToUpper(req.Transport())) {
		p.log.Warn("sip trunk call refused", "tenant", tenant.ID, "source", req.Source(), "transport", req.Transport(),
			"reason", "the trunk must use "+a.Transport)
		metrics.CallRefused("trunk_transport")
		respond(tx, req, 403, "Forbidden: this trunk must use "+a.Transport)
		return true
	}
	if a.RequireDigest {
		aor := digest.AOR{Ext: a.Username, Domain: tenant.Domain}
		ok, fail, stale := p.auth.CheckTrunk(req, aor, a.Credentials, tenant.SIPDigest, now)
		if !ok {
			p.auth.Failed(req, aor, fail, now)
			_ = tx.Respond(p.auth.Challenge(req, aor, digest.Proxy, stale, now))
			return true
		}
	}
	p.inbound(ctx, req, tx, tenant, now)
	return true
}

// trunkTransportAllowed tells whether a trunk requiring transport (ANY,
// TCP or TLS) may send over network (sipgo's: UDP, TCP, TLS, WS, WSS).
func trunkTransportAllowed(required, network string) bool {
	switch required {
	case model.TrunkTCP:
		return network == "TCP" || network == "TLS"
	case model.TrunkTLS:
		return network == "TLS"
	}
	return true
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
