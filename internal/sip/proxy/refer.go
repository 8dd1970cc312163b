package proxy

import (
	"context"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
)

// A REFER asks the other party of a call to call someone (a transfer). The
// party that is asked places that call with its own rights, so a REFER is
// the referrer's call and obeys the referrer's policy: a user's REFER to
// a number their role or restrictions refuse is answered 403 and not
// relayed, and so is a REFER from an outside party (through the trunk)
// to anything but an extension, which would make our phone dial out for
// a stranger. A REFER in a call this node does not know is allowed only
// to an extension (fail closed).

// referRefused checks an in-dialog REFER; it answers and returns true
// when the REFER must not be relayed.
func (p *Proxy) referRefused(req *sip.Request, tx sip.ServerTransaction) bool {
	if req.Method != sip.REFER {
		return false
	}
	h := req.GetHeader("Refer-To")
	if h == nil {
		respond(tx, req, 400, "Missing Refer-To")
		return true
	}
	var uri sip.Uri
	if err := sip.ParseUri(strings.Trim(strings.TrimSpace(strings.SplitN(h.Value(), ";", 2)[0]), "<>"), &uri); err != nil {
		respond(tx, req, 400, "Bad Refer-To")
		return true
	}
	target := uri.User
	referrer := p.referrer(req)
	if referrer == nil {
		if routing.IsExtensionLike(target) {
			return false
		}
		respond(tx, req, 403, "Forbidden: a transfer to an outside number needs a user of the tenant")
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if p.isInternal(ctx, referrer.TenantID, target) {
		return false
	}
	v, err := p.router.Outbound(ctx, referrer.TenantID, referrer.ID, target)
	if err != nil {
		respond(tx, req, 500, "Server Internal Error")
		return true
	}
	if !v.Allowed {
		p.log.Info("sip refer refused", "tenant", referrer.TenantID, "user", referrer.ID, "reason", v.Reason)
		respond(tx, req, 403, v.Reason)
		return true
	}
	return false
}

// referrer is the user of this node's call who sent req (by its From),
// or nil for the outside party or an unknown call.
func (p *Proxy) referrer(req *sip.Request) *model.User {
	if req.CallID() == nil || req.From() == nil {
		return nil
	}
	c := p.dialogs.get(req.CallID().Value())
	if c == nil {
		return nil
	}
	from := req.From().Address.User
	switch {
	case c.caller != nil && c.direction != "INBOUND_CALL" && from == c.callerNumber:
		return c.caller
	case c.callee != nil && from == c.calleeNumber:
		return c.callee
	}
	return nil
}

// isInternal says whether target is a user's extension or a call queue or
// ring group of the tenant.
func (p *Proxy) isInternal(ctx context.Context, tenantID, target string) bool {
	if !routing.IsExtensionLike(target) {
		return false
	}
	if _, err := p.router.UserByExtension(ctx, tenantID, target); err == nil {
		return true
	}
	_, err := p.router.HuntPlan(ctx, tenantID, target)
	return err == nil
}
