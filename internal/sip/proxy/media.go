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
