package proxy

import (
	"context"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/metrics"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
)

// place is where a step stands in a call's plan.
type place struct {
	ext     string // the extension whose plan it is
	first   bool   // the first step of that plan
	handOff bool   // the last step of a plan that the next hop's plan follows
}

// execute runs the plan's steps in order until one ends the call or
// connects it.
func (p *Proxy) execute(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, hops []routing.Hop) {
	p.anchorOffer(ctx, req, c, hops)
	p.legCalling(c)
	for hi, hop := range hops {
		if hi > 0 && ctx.Err() == nil {
			// The previous plan ended by forwarding to this user.
			prev := hops[hi-1]
			p.divert(c, prev.Extension, hop.Extension, prev.Plan.Steps[len(prev.Plan.Steps)-1].Setting)
			p.nextHop(ctx, c, hop.Extension)
			c.reroute = "FORWARD"
		}
		for si, step := range hop.Plan.Steps {
			if ctx.Err() != nil {
				p.finish(req, tx, c, 487, "Request Terminated", "CANCELLED")
				return
			}
			at := place{ext: hop.Extension, first: si == 0, handOff: hi < len(hops)-1 && si == len(hop.Plan.Steps)-1}
			if p.runStep(ctx, req, tx, c, step, at) {
				return
			}
		}
	}
	p.giveUp(ctx, req, tx, c, 480, "Temporarily Unavailable", "NO_ANSWER")
}

// runStep carries out one step; true when the call is over for the proxy
// (answered, or finished with a final response), false to go on.
func (p *Proxy) runStep(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, step routing.Step, at place) bool {
	step = p.admitLegs(ctx, c, step, at)
	for _, r := range step.Refused {
		metrics.CallRefused("leg")
		p.log.Info("sip leg refused by call policy", "tenant", c.tenant.ID, "extension", at.ext, "setting", step.Setting,
			"target", r.Target, "reason", r.Reason)
		c.addNote("refused " + step.Setting + " " + r.Target + ": " + r.Reason + ";")
	}
	if (step.Action == routing.ActRing || step.Action == routing.ActForward) && len(step.Targets) == 0 {
		return false // every target refused: the step is skipped
	}
	switch step.Action {
	case routing.ActRing:
		return p.ring(ctx, req, tx, c, step, at)
	case routing.ActForward:
		if at.handOff {
			return false // the next hop is that user's plan
		}
		return p.forward(ctx, req, tx, c, step, at)
	case routing.ActVoicemail:
		return p.voicemail(ctx, req, tx, c, step, at)
	case routing.ActRefuse:
		p.finish(req, tx, c, step.Status, step.Reason, refusalEnd(step.Status))
		return true
	}
	return false
}

// finish ends the call with a final response and writes its records.
func (p *Proxy) finish(req *sip.Request, tx sip.ServerTransaction, c *call, code int, reason, endReason string) {
	c.status, c.endReason = code, endReason
	respond(tx, req, code, reason)
	p.writeCDRs(c, p.now())
}

// ring rings the step's targets: all at once, or one after another (a
// hunt), each for the step's time; true when one answered.
func (p *Proxy) ring(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, step routing.Step, at place) bool {
	contacts := ringContacts(step.Targets, c.tenant.SIPTrunk)
	if len(contacts) == 0 {
		return false // numbers without a trunk cannot ring
	}
	extra := c.diversionHeaders() // a forwarded call
	if step.CallerID != "" {      // numbers rung for the user (Follow Me, unavailability)
		extra = append(extra, assertedIdentity(step.CallerID, c.tenant.Domain))
	}
	p.legRinging(c, at.ext)
	c.ringingExt = at.ext
	defer func() { c.ringingExt = "" }()
	for _, group := range ringGroups(contacts, step.Parallel) {
		if res, who := p.fork(ctx, req, tx, c, group, time.Duration(step.Timeout)*time.Second, step.RequireKeyPress, extra...); res != nil {
			if who == pickedUp {
				c.addNote("Picked up by extension " + c.picker + ".")
				p.connect(req, tx, c, res, false)
				return true
			}
			p.rememberAnswer(ctx, c, at.ext, step.Setting, group[who])
			p.connect(req, tx, c, res, step.RequireKeyPress)
			return true
		}
	}
	p.legStoppedRinging(c)
	c.reroute = "NO_ANSWER"
	return false
}

// ringContacts are the URIs that ring targets: devices' contacts as they
// are, numbers (Follow Me) through the tenant's trunk, none without one.
func ringContacts(targets []string, trunk string) []string {
	var contacts []string
	for _, t := range targets {
		if strings.HasPrefix(t, "sip:") || strings.HasPrefix(t, "sips:") {
			contacts = append(contacts, t)
		} else if uri := trunkURI(trunk, t); uri != "" {
			contacts = append(contacts, uri)
		}
	}
	return contacts
}

// ringGroups are the forks that ring contacts: one of them all, or for a
// hunt (not parallel) one per contact, in order.
func ringGroups(contacts []string, parallel bool) [][]string {
	if parallel || len(contacts) < 2 {
		return [][]string{contacts}
	}
	groups := make([][]string, len(contacts))
	for i, c := range contacts {
		groups[i] = []string{c}
	}
	return groups
}

// forward sends the call to the step's number through the tenant's trunk
// (a forward of the user at.ext, told in a Diversion header); the plan
// ends there.
func (p *Proxy) forward(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, step routing.Step, at place) bool {
	uri := trunkURI(c.tenant.SIPTrunk, step.Targets[0])
	if uri == "" {
		p.finish(req, tx, c, 503, "No Outbound Trunk Configured", "FAILED")
		return true
	}
	if c.direction != "OUTBOUND_CALL" {
		c.reroute = "FORWARD"
		p.divert(c, at.ext, step.Targets[0], step.Setting)
	}
	c.trunk = c.tenant.SIPTrunk
	extra := append(c.diversionHeaders(), assertedIdentity(step.CallerID, c.tenant.Domain))
	if !p.answerVia(ctx, req, tx, c, uri, step.RequireKeyPress, extra...) {
		p.giveUp(ctx, req, tx, c, 480, "Temporarily Unavailable", "NO_ANSWER")
	}
	return true
}

// voicemail sends the call to the mailbox of the plan's user on the
// tenant's voicemail server, or of the node's media engine when the
// tenant has none, with the Diversion headers (RFC 5806) naming that
// user first; the plan ends there.
func (p *Proxy) voicemail(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, step routing.Step, at place) bool {
	c.reroute, c.toMedia = "VOICEMAIL", true
	p.divert(c, at.ext, toVoicemail, step.Setting)
	extra := c.diversionHeaders()
	mailbox := voicemailTarget(at.ext, c.tenant)
	if mailbox == "" { // no voicemail server: the node's own voicemail
		var handoff sip.Header
		if mailbox, handoff = p.localVoicemail(at.ext, c); handoff != nil {
			extra = append(extra, handoff)
		}
	}
	if mailbox == "" || !p.answerVia(ctx, req, tx, c, mailbox, false, extra...) {
		p.giveUp(ctx, req, tx, c, 480, "Voicemail Unavailable", "UNREACHABLE")
	}
	return true
}

// voicemailTarget is the mailbox URI of extension ext on the tenant's
// voicemail server ("" without one).
func voicemailTarget(ext string, tenant *model.Tenant) string {
	server := strings.TrimPrefix(tenant.VoicemailServer, "sip:")
	if server == "" {
		return ""
	}
	return "sip:" + ext + "@" + server
}

// refusalEnd is the end reason of a call's record for a refusal status.
func refusalEnd(status int) string {
	switch status {
	case 486:
		return "BUSY"
	case 480:
		return "NO_ANSWER"
	}
	return "REJECTED"
}

// rememberAnswer keeps which Follow Me number answered a user's call, for
// Memory Hunt to start after it next time.
func (p *Proxy) rememberAnswer(ctx context.Context, c *call, ext, setting, uri string) {
	if setting != "follow_me" {
		return
	}
	var u sip.Uri
	if sip.ParseUri(uri, &u) != nil {
		return
	}
	if user, err := p.router.UserByExtension(ctx, c.tenant.ID, ext); err == nil {
		p.dialogs.answeredBy(user.ID, u.User)
	}
}

// answerVia forks to one URI without a time limit and, when it answers,
// relays the answer and keeps the dialog; false when it did not answer.
func (p *Proxy) answerVia(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, uri string, keyPress bool, extra ...sip.Header) bool {
	res, _ := p.fork(ctx, req, tx, c, []string{uri}, 120*time.Second, keyPress, extra...)
	if res == nil {
		return false
	}
	p.connect(req, tx, c, res, keyPress)
	return true
}

// connect relays the answer of a call to the caller and keeps the
// dialog (its record is written at BYE). held: the proxy acknowledged
// the answer itself (key press), so the caller's ACK stops here.
func (p *Proxy) connect(req *sip.Request, tx sip.ServerTransaction, c *call, res *sip.Response, held bool) {
	c.status, c.ans = res.StatusCode, p.now()
	c.callerTag, _ = req.From().Params.Get("tag")
	if held {
		c.ackedCSeq = req.CSeq().SeqNo
	}
	p.dialogs.hold(c.callID, c) // before the caller can ACK
	_ = tx.Respond(res)
	p.dialogs.persist(c.callID, c)
	p.legAnswered(c)
}

// trunkURI is the URI of number at the trunk ("" without a trunk).
func trunkURI(trunk, number string) string {
	host, ok := strings.CutPrefix(trunk, "sip:")
	if !ok || host == "" || number == "" {
		return ""
	}
	return "sip:" + number + "@" + host
}

// assertedIdentity is the P-Asserted-Identity (RFC 3325) a forwarded call
// carries: the caller ID the plan chose.
func assertedIdentity(callerID, domain string) sip.Header {
	if callerID == "" {
		callerID = "anonymous"
	}
	return sip.NewHeader("P-Asserted-Identity", "<sip:"+callerID+"@"+domain+">")
}

// outboundCallerID is the number an outbound call presents: the user's
// preferred outbound caller ID, else the extension.
func outboundCallerID(u *model.User) string {
	for _, id := range u.OutboundCallerIDs {
		if id.Preferred {
			return id.CallerID
		}
	}
	return u.ExtensionNumber
}
