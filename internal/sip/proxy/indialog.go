package proxy

import (
	"context"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// onInDialog forwards ACK and BYE (and other in-dialog requests) that
// reach the proxy through its Record-Route to their Request-URI.
func (p *Proxy) onInDialog(req *sip.Request, tx sip.ServerTransaction) {
	if p.keyEvent(req, tx) {
		return
	}
	if req.IsAck() && req.CallID() != nil && req.CSeq() != nil {
		if c := p.dialogs.get(req.CallID().Value()); c != nil && c.ackedCSeq != 0 && c.ackedCSeq == req.CSeq().SeqNo {
			return // the callee has had its ACK from us (key press)
		}
	}
	if p.referRefused(req, tx) {
		return
	}
	if req.GetHeader("Route") == nil {
		// Not routed through us (a stray ACK, or a request for a dialog
		// we did not record-route): nothing to forward.
		if !req.IsAck() {
			respond(tx, req, 481, "Call/Transaction Does Not Exist")
		}
		return
	}
	out := req.Clone()
	p.popOwnRoutes(out) // our own loose route (two when double record-routed)
	out.SetDestination("")
	out.SetTransport(transportOf(&out.Recipient))
	if out.GetHeader("Route") == nil && !p.applyFlow(out) {
		if !req.IsAck() {
			respond(tx, req, 430, "Flow Failed")
		}
		return
	}
	flowContact(out, req.Source(), req.Transport())
	reoffered := p.reoffer(out)
	if req.IsAck() {
		_ = p.client.WriteRequest(out, sipgo.ClientRequestAddVia)
		return
	}
	answer := p.anchoredOffer(req, out)
	ctx, cancel := context.WithTimeout(context.Background(), 32*time.Second)
	defer cancel()
	btx, err := p.client.TransactionRequest(ctx, out, sipgo.ClientRequestDecreaseMaxForward, sipgo.ClientRequestAddVia)
	if err != nil {
		respond(tx, req, 503, "Service Unavailable")
		return
	}
	for {
		select {
		case res, ok := <-btx.Responses():
			if !ok {
				return
			}
			if res.StatusCode < 200 {
				continue
			}
			up := relay(req, res)
			if answer != nil && res.StatusCode < 300 && len(res.Body()) > 0 {
				up.SetBody(answer(res.Body()))
			}
			if reoffered && res.StatusCode < 300 {
				p.reanswer(out, up)
			}
			_ = tx.Respond(up)
			if req.Method == sip.BYE {
				p.hungUp(req)
			}
			return
		case <-btx.Done():
			respond(tx, req, 408, "Request Timeout")
			return
		}
	}
}

// hungUp ends the call of a BYE that passed the proxy and writes its
// records: the party that sent the BYE disconnected.
func (p *Proxy) hungUp(bye *sip.Request) {
	c := p.dialogs.take(bye.CallID().Value())
	if c == nil {
		return
	}
	c.endReason = "CALLEE_DISCONNECTED"
	if f := bye.From(); f != nil && f.Address.User == c.callerNumber {
		c.endReason = "CALLER_DISCONNECTED"
	}
	p.writeCDRs(c, p.now())
}

// anchoredOffer keeps an anchored call's media in its relay across a
// re-INVITE or UPDATE with an SDP offer (hold, resume, a new address):
// the offer forwarded as out names the relay, as the first one did, and
// the returned function rewrites the answer coming back (nil when the
// request is no such offer).
func (p *Proxy) anchoredOffer(req, out *sip.Request) func([]byte) []byte {
	if (req.Method != sip.INVITE && req.Method != sip.UPDATE) || len(req.Body()) == 0 || req.CallID() == nil || req.From() == nil {
		return nil
	}
	c := p.dialogs.get(req.CallID().Value())
	if c == nil || c.anchor == nil {
		return nil
	}
	a := c.anchor
	if tag, _ := req.From().Params.Get("tag"); tag == c.callerTag {
		if sdp, ok := a.Offer(req.Body()); ok {
			out.SetBody(sdp)
		}
		return a.Answer
	}
	out.SetBody(a.Answer(req.Body()))
	return func(sdp []byte) []byte {
		if s, ok := a.Offer(sdp); ok {
			return s
		}
		return sdp
	}
}
