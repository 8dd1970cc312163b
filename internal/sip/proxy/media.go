package proxy

import (
	"context"
	"slices"

	"github.com/emiago/sipgo/sip"
)

// Media is the node's media engine, which answers voicemail itself when
// the tenant has no voicemail_server, and the feature codes of the
// mailbox by phone.
type Media struct {
	// Addr is the engine's internal SIP address (host:port, UDP).
	Addr string
	// Codes are the feature codes the engine answers (e.g. "*97").
	Codes []string
	// Handoff is the header that tells the engine the tenant and the
	// calling extension ("" from outside), with the node's token; the
	// proxy always sets it itself, replacing any the caller sent.
	Handoff func(tenantID, callerExt string) sip.Header
	// Anchor opens a relay that anchors one leg's media in Switchboard,
	// recording the call when rec is set (nil: legs are never anchored).
	Anchor func(ctx context.Context, tenantID string, rec *Recording) (Anchor, error)
}

// Recording asks an anchor to record the call it relays, from its
// answer to its end, for the users who record it.
type Recording struct {
	CallID, Caller, Callee string
	UserIDs                []string
	// Announce plays the caller a prompt saying the call is recorded.
	Announce bool
}

// recordingFor is the recording of call c as it stands (nil: not
// recorded): for its caller when the caller's outbound calls are
// recorded, for its callee when the callee's inbound calls are (with the
// callee's announcement), never for calls between users of a tenant that
// never records them, nor for calls to voicemail or feature codes.
func recordingFor(c *call) *Recording {
	if c.toMedia || (c.direction == "INTERNAL_CALL" && c.tenant.NeverRecordInternalCalls) {
		return nil
	}
	r := &Recording{CallID: c.callID, Caller: c.callerNumber, Callee: c.calleeNumber}
	if c.caller != nil && c.caller.RecordsCalls(false) {
		r.UserIDs = append(r.UserIDs, c.caller.ID)
	}
	if c.callee != nil && c.callee.RecordsCalls(true) {
		r.UserIDs = append(r.UserIDs, c.callee.ID)
		r.Announce = c.callee.PlayRecordingAnnouncement
	}
	if len(r.UserIDs) == 0 {
		return nil
	}
	return r
}

// Anchor is one leg's media anchored in Switchboard: the parties' SDP
// name its addresses, and it relays their RTP once connected.
type Anchor interface {
	// Offer is the caller's SDP offer as the callee gets it; false when
	// it has no audio to anchor.
	Offer(sdp []byte) ([]byte, bool)
	// Answer learns the callee's SDP answer and returns it as the caller
	// gets it.
	Answer(sdp []byte) []byte
	// AwaitKey plays the key-press prompt to the callee and sends the
	// key it presses (RFC 4733) on keys, until ctx ends.
	AwaitKey(ctx context.Context, keys chan<- string)
	// Connect relays the parties' media both ways.
	Connect()
	// Close ends the relay.
	Close()
}

// anchorLeg opens an anchor for a forwarded INVITE out when its call is
// recorded or keyPress asks for a key, and puts its address in out's SDP;
// nil when the leg is not anchored (neither, no media engine, no SDP
// offer: a key then comes only by SIP INFO, and the call is not recorded).
func (p *Proxy) anchorLeg(ctx context.Context, c *call, out *sip.Request, keyPress bool) Anchor {
	rec := recordingFor(c)
	if (!keyPress && rec == nil) || p.media == nil || p.media.Anchor == nil || len(out.Body()) == 0 {
		return nil
	}
	a, err := p.media.Anchor(ctx, c.tenant.ID, rec)
	if err != nil {
		p.log.Warn("sip media anchor", "error", err)
		return nil
	}
	sdp, ok := a.Offer(out.Body())
	if !ok {
		a.Close()
		return nil
	}
	out.SetBody(sdp)
	return a
}

// localVoicemail is the engine's URI for the mailbox of extension ext,
// and the hand-off header the call takes there ("" without an engine).
func (p *Proxy) localVoicemail(ext string, c *call) (string, sip.Header) {
	if p.media == nil {
		return "", nil
	}
	return "sip:" + ext + "@" + p.media.Addr, p.media.Handoff(c.tenant.ID, "")
}

// isFeatureCode tells whether an extension's call to target is for the
// media engine (the mailbox by phone).
func (p *Proxy) isFeatureCode(target string) bool {
	return p.media != nil && slices.Contains(p.media.Codes, target)
}

// featureCode sends a call to a feature code to the media engine, with
// the caller's extension (authenticated by the proxy).
func (p *Proxy) featureCode(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, code string) {
	c.toMedia = true
	if !p.answerVia(ctx, req, tx, c, "sip:"+code+"@"+p.media.Addr, false, p.media.Handoff(c.tenant.ID, c.callerNumber)) {
		p.giveUp(ctx, req, tx, c, 480, "Temporarily Unavailable", "UNREACHABLE")
	}
}
