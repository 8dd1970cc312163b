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
	// Anchor opens a relay that anchors one leg's media in Switchboard
	// (nil: legs are never anchored).
	Anchor func(ctx context.Context, tenantID string) (Anchor, error)
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

// anchorLeg opens an anchor for a forwarded INVITE out and puts its
// address in out's SDP; nil when the leg cannot be anchored (no media
// engine, no SDP offer: the key then comes only by SIP INFO).
func (p *Proxy) anchorLeg(ctx context.Context, c *call, out *sip.Request) Anchor {
	if p.media == nil || p.media.Anchor == nil || len(out.Body()) == 0 {
		return nil
	}
	a, err := p.media.Anchor(ctx, c.tenant.ID)
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
	if !p.answerVia(ctx, req, tx, c, "sip:"+code+"@"+p.media.Addr, false, p.media.Handoff(c.tenant.ID, c.callerNumber)) {
		p.giveUp(ctx, req, tx, c, 480, "Temporarily Unavailable", "UNREACHABLE")
	}
}
