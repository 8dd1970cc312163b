package proxy

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// writeCDRs records the call for the caller and for the callee (the user
// who received it: after a forward to another extension, that user).
func (p *Proxy) writeCDRs(c *call, end time.Time) {
	p.release(c) // every end of a call passes here
	p.legEnded(c)
	if c.anchor != nil {
		c.anchor.Close()
	}
	p.outsideEnded(c)
	var out []model.CDR
	for _, u := range []*model.User{c.caller, c.callee} {
		if u != nil {
			out = append(out, c.record(u, end))
		}
	}
	p.storeCDRs(out)
}

// record is user u's record of the call as it stands, ended at end: the
// caller's names the number dialled, the callee's their own extension,
// with the original caller on both.
func (c *call) record(u *model.User, end time.Time) model.CDR {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	r := model.CDR{Caller: c.callerNumber, Callee: c.calleeNumber, StartedAt: c.started, RangAt: opt(c.rang),
		AnsweredAt: opt(c.ans), EndedAt: &end, CallID: c.callID, Direction: c.direction, EndReason: c.endReason,
		RerouteReason: c.reroute, StatusCode: c.status, Trunk: c.trunk, DIDCID: c.did}
	if c.caller != nil {
		r.CallerDisplayName, r.CallerDomain = c.caller.DisplayName, c.tenant.Domain
	}
	if c.callee != nil {
		r.CalleeDisplayName, r.CalleeDomain = c.callee.DisplayName, c.tenant.Domain
	}
	switch {
	case c.caller != nil && u.ID == c.caller.ID && c.dialled != "" && c.dialled != c.calleeNumber:
		// The caller called one number and was forwarded: the record
		// keeps the number dialled, and where the call went.
		r.Callee, r.CalleeDisplayName, r.Destination = c.dialled, c.dialledName, c.calleeNumber
	case c.callee == nil && c.caller != nil && c.direction == "OUTBOUND_CALL":
		r.Destination = c.calleeNumber
		r.OutboundCallerID = outboundCallerID(c.caller)
	}
	if c.emergency {
		r.ServiceNumber = c.calleeNumber
		r.UserData = "EMERGENCY"
	}
	if c.note != "" {
		r.UserData = strings.TrimSpace(r.UserData + " " + c.note)
		if len(r.UserData) > 1024 {
			r.UserData = r.UserData[:1024]
		}
	}
	if r.EndReason == "" {
		r.EndReason = "FAILED"
	}
	r.ID, r.TenantID, r.UserID = model.NewID(), u.TenantID, u.ID
	return r
}

// storeCDRs validates and stores records (a duplicate is ignored).
func (p *Proxy) storeCDRs(out []model.CDR) {
	for i := range out {
		if err := model.ValidateCDR(&out[i]); err != nil {
			p.log.Warn("sip call record", "error", err)
			return
		}
	}
	if err := p.writes.CreateCDRs(context.Background(), out); err != nil && !errors.Is(err, model.ErrConflict) {
		p.log.Warn("sip call record", "error", err)
	}
}

// giveUp ends a call that nobody answered with a final response and
// its records; when the caller cancelled it, with 487 and CANCELLED
// whatever step it was at.
func (p *Proxy) giveUp(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, code int, reason, endReason string) {
	if ctx.Err() != nil {
		code, reason, endReason = 487, "Request Terminated", "CANCELLED"
	}
	p.finish(req, tx, c, code, reason, endReason)
}
