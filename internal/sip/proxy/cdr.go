package proxy

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// writeCDRs records the call for the caller and for the callee.
func (p *Proxy) writeCDRs(c *call, end time.Time) {
	p.legEnded(c)
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	base := model.CDR{Caller: c.callerNumber, Callee: c.calleeNumber, StartedAt: c.started, RangAt: opt(c.rang),
		AnsweredAt: opt(c.ans), EndedAt: &end, CallID: c.callID, Direction: c.direction, EndReason: c.endReason,
		RerouteReason: c.reroute, StatusCode: c.status, Trunk: c.trunk, DIDCID: c.did}
	var users []*model.User
	if c.caller != nil {
		base.CallerDisplayName, base.CallerDomain = c.caller.DisplayName, c.tenant.Domain
		users = append(users, c.caller)
	}
	if c.callee != nil {
		base.CalleeDisplayName, base.CalleeDomain = c.callee.DisplayName, c.tenant.Domain
		users = append(users, c.callee)
	} else if c.caller != nil && c.direction == "OUTBOUND_CALL" {
		base.Destination = c.calleeNumber
		base.OutboundCallerID = outboundCallerID(c.caller)
	}
	if c.emergency {
		base.ServiceNumber = c.calleeNumber
		base.UserData = "EMERGENCY"
	}
	if c.note != "" {
		base.UserData = strings.TrimSpace(base.UserData + " " + c.note)
		if len(base.UserData) > 1024 {
			base.UserData = base.UserData[:1024]
		}
	}
	if base.EndReason == "" {
		base.EndReason = "FAILED"
	}
	var out []model.CDR
	for _, u := range users {
		r := base
		r.ID, r.TenantID, r.UserID = model.NewID(), u.TenantID, u.ID
		if err := model.ValidateCDR(&r); err != nil {
			p.log.Warn("sip call record", "error", err)
			return
		}
		out = append(out, r)
	}
	if err := p.router.WriteCDRs(context.Background(), out); err != nil && !errors.Is(err, model.ErrConflict) {
		p.log.Warn("sip call record", "error", err)
	}
}
