package proxy

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/metrics"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/sip/transport"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// onInvite authenticates the caller (407), decides the plan and carries
// it out: ringing forks to every target of a step at once, the first 2xx
// wins and the other branches are cancelled; a step that is not answered
// in time, or whose branches all fail, gives way to the next.
func (p *Proxy) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	now := p.now()
	if to := req.To(); to != nil && req.GetHeader("Route") != nil {
		if _, ok := to.Params.Get("tag"); ok {
			p.onInDialog(req, tx) // a re-INVITE (hold, resume) in a dialog we record-route
			return
		}
		if p.hopped(req, tx) {
			return // another node's call to a phone whose flow this node holds
		}
	}
	// The caller's CANCEL ends the INVITE's processing.
	ctx, cancelCtx := context.WithCancel(context.Background())
	defer cancelCtx()
	tx.OnCancel(func(*sip.Request) { cancelCtx() })
	from, to := req.From(), req.To()
	if from == nil || to == nil || req.CallID() == nil || req.CSeq() == nil || len(req.Headers()) > transport.MaxHeaders {
		respond(tx, req, 400, "Bad Request")
		return
	}
	// A call from a tenant's trunk: by its address, with the transport
	// and credentials the trunk requires.
	conn := !strings.EqualFold(req.Transport(), "UDP")
	if tenant := p.trunkTenant(ctx, req.Source(), conn, now); tenant != nil && p.fromTrunk(ctx, req, tx, tenant, now) {
		return
	}
	a := digest.AOR{Ext: from.Address.User, Domain: strings.ToLower(from.Address.Host)}
	u, fail, stale := p.auth.CheckWith(ctx, req, a, digest.Proxy, now, p.router.SIPUser)
	if u == nil {
		p.auth.Failed(req, a, fail, now)
		_ = tx.Respond(p.auth.Challenge(req, a, digest.Proxy, stale, now))
		return
	}
	respond(tx, req, 100, "Trying")
	p.fromUser(ctx, req, tx, u, a.Ext, now)
}

// fromUser routes a call that user u, at extension ext, makes: to another
// user of the tenant, to a call queue or ring group, or to a number.
func (p *Proxy) fromUser(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, u *store.SIPUser, ext string, now time.Time) {
	caller, err := p.router.UserByExtension(ctx, u.TenantID, ext)
	if err != nil {
		respond(tx, req, 403, "Forbidden")
		return
	}
	target := req.Recipient.User
	tenant, err := p.router.Tenant(ctx, u.TenantID)
	if err != nil {
		respond(tx, req, 500, "Server Internal Error")
		return
	}
	c := &call{tenant: tenant, caller: caller, started: now, callID: req.CallID().Value(), callerNumber: ext,
		calleeNumber: target, dialled: target, direction: "INTERNAL_CALL"}
	if f, ok := p.pickupTarget(req, u.TenantID, target); ok {
		p.pickup(req, tx, f, ext)
		return
	}
	if p.isFeatureCode(target) {
		p.featureCode(ctx, req, tx, c, target)
		return
	}
	if tenant.IsEmergencyNumber(target) {
		p.outbound(ctx, req, tx, c, target) // before an extension of the same number
		return
	}
	callee, err := p.router.UserByExtension(ctx, u.TenantID, target)
	switch {
	case errors.Is(err, model.ErrNotFound):
		p.toGroupOrNumber(ctx, req, tx, c, target)
		return
	case err != nil:
		respond(tx, req, 500, "Server Internal Error")
		return
	}
	c.callee, c.dialledName = callee, callee.DisplayName
	hops, err := p.router.Route(ctx, tenant, callee, ext, true, now)
	if err != nil {
		respond(tx, req, 500, "Server Internal Error")
		return
	}
	p.execute(ctx, req, tx, c, hops)
}

// toGroupOrNumber routes a call to target, which is no user's extension:
// a call queue or ring group rings its available members; anything else
// is an outbound call.
func (p *Proxy) toGroupOrNumber(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, target string) {
	plan, err := p.router.HuntPlan(ctx, c.tenant.ID, target)
	switch {
	case err == nil:
		p.execute(ctx, req, tx, c, []routing.Hop{{Extension: target, Plan: *plan}})
	case errors.Is(err, model.ErrNotFound):
		p.outbound(ctx, req, tx, c, target)
	default:
		respond(tx, req, 500, "Server Internal Error")
	}
}

// outbound places a call to number, allowed or refused by policy, then
// sent out through the tenant's trunk as classified (E.164, or the
// emergency number).
func (p *Proxy) outbound(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, number string) {
	v, err := p.router.Outbound(ctx, c.tenant.ID, c.caller.ID, number)
	c.direction = "OUTBOUND_CALL"
	if v.Number.Dial != "" {
		c.calleeNumber = v.Number.Dial
	} else {
		c.calleeNumber = recordable(number)
	}
	switch {
	case err != nil:
		respond(tx, req, 500, "Server Internal Error")
	case !v.Allowed:
		metrics.CallRefused(v.Number.Class)
		p.log.Info("sip outbound call refused", "tenant", c.tenant.ID, "user", c.caller.ID, "class", v.Number.Class, "reason", v.Reason)
		respond(tx, req, v.Status, v.Reason)
		c.status, c.endReason, c.note = v.Status, "REJECTED", v.Reason
		p.writeCDRs(c, p.now())
	default:
		if v.Number.Class == routing.ClassEmergency {
			c.emergency = true
		} else if c.tenant.SIPTrunk != "" {
			if reason := p.admitOutside(ctx, c, c.caller, v.Number.Dial); reason != "" {
				respond(tx, req, 403, reason)
				c.status, c.endReason, c.note = 403, "REJECTED", reason
				p.writeCDRs(c, p.now())
				return
			}
		}
		p.execute(ctx, req, tx, c, []routing.Hop{{Extension: c.callerNumber, Plan: routing.Plan{Steps: []routing.Step{
			{Action: routing.ActForward, Targets: []string{v.Number.Dial}, CallerID: outboundCallerID(c.caller), Setting: "outbound"}}}}})
	}
}

// recordable is a dialled string as a call record can keep it: valid
// UTF-8 without control characters, at most 64 bytes.
func recordable(s string) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	for len(s) > 64 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	if s == "" {
		s = "?"
	}
	return s
}
