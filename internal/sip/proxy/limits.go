package proxy

import (
	"context"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/dialplan"
	"github.com/switchboard-pbx/switchboard/internal/metrics"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// The fraud limits (README "Call policy and toll fraud"): every leg that
// leaves through a tenant's trunk for a user — dialled, forwarded, Follow
// Me — is admitted in the store under the tenant's limits on concurrent
// calls per user and per tenant and on international calls per user per
// hour, so that every node sharing the database counts the same calls.
// Emergency calls are never limited.

// limitReasons tell a caller which limit refused the call.
var limitReasons = map[string]string{
	store.LimitUserCalls:           "Forbidden: too many outside calls at once for this user",
	store.LimitTenantCalls:         "Forbidden: too many outside calls at once for this tenant",
	store.LimitInternationalHourly: "Forbidden: too many international calls in the last hour for this user",
}

// admitOutside admits the leg of call c to number (classified, as sent to
// the trunk) for user u, whose call or setting places it: "" when
// admitted, else the refusal's reason. A tripped limit is logged, counted
// in /metrics and written to the tenant's audit log.
func (p *Proxy) admitOutside(ctx context.Context, c *call, u *model.User, number string) string {
	n := dialplan.Classify(number, c.tenant.Numbering())
	if n.Class == dialplan.Emergency {
		return ""
	}
	perUser, perTenant, intl := c.tenant.CallPolicy.Limits()
	international := n.Class == dialplan.International || (n.Class == dialplan.Premium && n.International)
	o := store.OutsideCall{CallID: c.callID, Number: number, TenantID: c.tenant.ID, UserID: u.ID, International: international, At: p.now()}
	l := store.OutsideLimits{PerUser: perUser, PerTenant: perTenant, InternationalPerHour: intl}
	audit := func(limit string) *model.AuditLog {
		return &model.AuditLog{TenantID: c.tenant.ID, UserID: u.ID, UserName: u.Name, Action: "refuse_call", ObjectType: "user",
			ObjectID: u.ID, ObjectName: u.Name, Fields: map[string]any{"number": number, "call_id": c.callID, "limit": limit,
				"reason": limitReasons[limit]}}
	}
	tripped, err := p.st.AdmitOutsideCall(ctx, o, l, audit)
	if err != nil {
		p.log.Warn("sip outside call limits", "error", err)
		return "Forbidden: the call limits could not be checked"
	}
	if tripped == "" {
		c.outside = true
		return ""
	}
	reason := limitReasons[tripped]
	metrics.FraudLimitTripped(tripped)
	p.log.Info("sip call refused by fraud limit", "tenant", c.tenant.ID, "user", u.ID, "limit", tripped, "number", number, "call_id", c.callID)
	return reason
}

// admitLegs admits the numbers a ring or forward step would dial through
// the trunk for the user at at.ext; those refused move to the step's
// Refused list.
func (p *Proxy) admitLegs(ctx context.Context, c *call, step routing.Step, at place) routing.Step {
	if c.tenant.SIPTrunk == "" || step.Setting == "outbound" || (step.Action == routing.ActForward && at.handOff) ||
		(step.Action != routing.ActRing && step.Action != routing.ActForward) {
		return step
	}
	var u *model.User
	kept := step.Targets[:0:0]
	for _, t := range step.Targets {
		if strings.HasPrefix(t, "sip:") || strings.HasPrefix(t, "sips:") {
			kept = append(kept, t)
			continue
		}
		if u == nil {
			var err error
			if u, err = p.router.UserByExtension(ctx, c.tenant.ID, at.ext); err != nil {
				step.Refused = append(step.Refused, routing.Refusal{Target: t, Reason: "Forbidden: no user places this leg"})
				continue
			}
		}
		if reason := p.admitOutside(ctx, c, u, t); reason != "" {
			step.Refused = append(append([]routing.Refusal(nil), step.Refused...), routing.Refusal{Target: t, Reason: reason})
			continue
		}
		kept = append(kept, t)
	}
	step.Targets = kept
	return step
}

// outsideEnded frees the call's places under the concurrent limits.
func (p *Proxy) outsideEnded(c *call) {
	if !c.outside {
		return
	}
	c.outside = false
	if err := p.st.EndOutsideCall(context.Background(), c.callID, p.now()); err != nil {
		p.log.Warn("sip outside call limits", "error", err)
	}
}
