package proxy

import (
	"context"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// The proxy keeps each user's side of a call in the store (call_legs)
// as it rings, is answered and ends; every change is a store event, from
// which every node notifies its busy-lamp and presence subscribers.

// legCalling records that the caller (a user of the tenant) is calling.
func (p *Proxy) legCalling(c *call) {
	if c.caller == nil || c.callerLeg {
		return
	}
	c.callerLeg = true
	name := ""
	if c.callee != nil {
		name = displayName(c.callee)
	}
	p.setLeg(store.CallLeg{CallID: c.callID, TenantID: c.tenant.ID, UserID: c.caller.ID, Direction: store.LegInitiator,
		State: store.LegEarly, Peer: c.calleeNumber, PeerName: name, StartedAt: c.started})
}

// legRinging records that the callee rings, when the step rings its own
// devices (ext is the extension whose plan it is).
func (p *Proxy) legRinging(c *call, ext string) {
	if c.callee == nil || c.calleeLeg || ext != c.callee.ExtensionNumber {
		return
	}
	c.calleeLeg = true
	name := ""
	if c.caller != nil {
		name = displayName(c.caller)
	}
	p.setLeg(store.CallLeg{CallID: c.callID, TenantID: c.tenant.ID, UserID: c.callee.ID, Direction: store.LegRecipient,
		State: store.LegEarly, Peer: c.callerNumber, PeerName: name, StartedAt: c.started})
}

// legStoppedRinging forgets the callee's ringing (its devices were not
// answered; the call goes on elsewhere, or ends).
func (p *Proxy) legStoppedRinging(c *call) {
	if !c.calleeLeg {
		return
	}
	c.calleeLeg = false
	if err := p.writes.EndCallLeg(context.Background(), c.tenant.ID, c.callee.ID, c.callID); err != nil {
		p.log.Warn("sip call leg", "error", err)
	}
}

// legAnswered marks the call's sides answered.
func (p *Proxy) legAnswered(c *call) {
	if !c.callerLeg && !c.calleeLeg {
		return
	}
	if err := p.writes.ConfirmCall(context.Background(), c.callID); err != nil {
		p.log.Warn("sip call leg", "error", err)
	}
}

// legEnded forgets the call's sides.
func (p *Proxy) legEnded(c *call) {
	if !c.callerLeg && !c.calleeLeg {
		return
	}
	c.callerLeg, c.calleeLeg = false, false
	if err := p.writes.EndCall(context.Background(), c.callID); err != nil {
		p.log.Warn("sip call leg", "error", err)
	}
}

func (p *Proxy) setLeg(l store.CallLeg) {
	if err := p.writes.SetCallLeg(context.Background(), l); err != nil {
		p.log.Warn("sip call leg", "error", err)
	}
}

func displayName(u *model.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Name
}
