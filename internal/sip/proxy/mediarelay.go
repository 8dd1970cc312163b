package proxy

import (
	"context"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
)

// Relay is a media relay that anchors a call's RTP (rtpengine over its
// ng protocol): each SDP offer and answer goes through it and comes
// back with the relay's address, and the call's media is deleted when
// it ends.
type Relay interface {
	Offer(ctx context.Context, callID, fromTag, sdp string) (string, error)
	Answer(ctx context.Context, callID, fromTag, toTag, sdp string) (string, error)
	Delete(ctx context.Context, callID, fromTag string) error
}

// anchored is the set of this node's calls whose media is in the relay,
// by Call-ID (the caller's From tag as value), so that node shutdown
// deletes what the calls' own ends did not.
type anchored struct {
	mu sync.Mutex
	m  map[string]string
}

func (a *anchored) add(callID, fromTag string) {
	a.mu.Lock()
	if len(a.m) < maxDialogs {
		a.m[callID] = fromTag
	}
	a.mu.Unlock()
}

func (a *anchored) take(callID string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	tag, ok := a.m[callID]
	delete(a.m, callID)
	return tag, ok
}

func (a *anchored) all() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.m
	a.m = map[string]string{}
	return m
}

// relayTimeout bounds one relay command on a call's path.
const relayTimeout = 3 * time.Second

// anchorOffer puts the caller's SDP offer through the relay when the call
// needs it (see needsRelay): req's body becomes the relay's, and the call
// is marked for its answer and its end. A relay that fails leaves the
// media end to end (logged).
func (p *Proxy) anchorOffer(ctx context.Context, req *sip.Request, c *call, hops []routing.Hop) {
	if p.relay == nil || len(req.Body()) == 0 || !p.needsRelay(req, c, hops) {
		return
	}
	tag, _ := req.From().Params.Get("tag")
	ctx, cancel := context.WithTimeout(ctx, relayTimeout)
	defer cancel()
	sdp, err := p.relay.Offer(ctx, c.callID, tag, string(req.Body()))
	if err != nil {
		p.log.Warn("media relay offer: media goes end to end", "call", c.callID, "error", err)
		return
	}
	req.SetBody([]byte(sdp))
	c.relayed, c.relayTag = true, tag
	p.anchoredCalls.add(c.callID, tag)
}

// anchorAnswer puts the callee's SDP answer in res (a 18x or 2xx to the
// caller's INVITE, already turned into the caller's response) through
// the relay.
func (p *Proxy) anchorAnswer(c *call, res *sip.Response) {
	if !c.relayed || len(res.Body()) == 0 {
		return
	}
	toTag, _ := res.To().Params.Get("tag")
	ctx, cancel := context.WithTimeout(context.Background(), relayTimeout)
	defer cancel()
	sdp, err := p.relay.Answer(ctx, c.callID, c.relayTag, toTag, string(res.Body()))
	if err != nil {
		p.log.Warn("media relay answer", "call", c.callID, "error", err)
		return
	}
	res.SetBody([]byte(sdp))
}

// reoffer puts the SDP offer of a re-INVITE (hold, resume, a new
// address) of an anchored call through the relay, with the sender's
// tag; true when it did, for reanswer.
func (p *Proxy) reoffer(out *sip.Request) bool {
	if p.relay == nil || out.Method != sip.INVITE || len(out.Body()) == 0 || out.CallID() == nil {
		return false
	}
	c := p.dialogs.get(out.CallID().Value())
	if c == nil || !c.relayed {
		return false
	}
	tag, _ := out.From().Params.Get("tag")
	ctx, cancel := context.WithTimeout(context.Background(), relayTimeout)
	defer cancel()
	sdp, err := p.relay.Offer(ctx, c.callID, tag, string(out.Body()))
	if err != nil {
		p.log.Warn("media relay re-offer", "call", c.callID, "error", err)
		return false
	}
	out.SetBody([]byte(sdp))
	return true
}

// reanswer puts the SDP answer res to the re-INVITE out through the
// relay.
func (p *Proxy) reanswer(out *sip.Request, res *sip.Response) {
	if len(res.Body()) == 0 {
		return
	}
	from, _ := out.From().Params.Get("tag")
	to, _ := out.To().Params.Get("tag")
	ctx, cancel := context.WithTimeout(context.Background(), relayTimeout)
	defer cancel()
	sdp, err := p.relay.Answer(ctx, out.CallID().Value(), from, to, string(res.Body()))
	if err != nil {
		p.log.Warn("media relay re-answer", "call", out.CallID().Value(), "error", err)
		return
	}
	res.SetBody([]byte(sdp))
}

// release deletes a call's media in the relay (its end, whatever it was).
func (p *Proxy) release(c *call) {
	if !c.relayed {
		return
	}
	c.relayed = false
	if _, ok := p.anchoredCalls.take(c.callID); !ok {
		return
	}
	p.deleteMedia(c.callID, c.relayTag)
}

func (p *Proxy) deleteMedia(callID, tag string) {
	ctx, cancel := context.WithTimeout(context.Background(), relayTimeout)
	defer cancel()
	p.deleteMediaIn(ctx, callID, tag)
}

func (p *Proxy) deleteMediaIn(ctx context.Context, callID, tag string) {
	if err := p.relay.Delete(ctx, callID, tag); err != nil {
		p.log.Warn("media relay delete", "call", callID, "error", err)
	}
}

// Close deletes in the relay the media of the calls still anchored by
// this node (node shutdown: their BYEs will not pass here), a few at a
// time and within relayTimeout in all, so that a relay that is down
// cannot hold the shutdown up.
func (p *Proxy) Close() {
	if p.relay == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), relayTimeout)
	defer cancel()
	var wg sync.WaitGroup
	slots := make(chan struct{}, 16)
	for callID, tag := range p.anchoredCalls.all() {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			p.deleteMediaIn(ctx, callID, tag)
		}()
	}
	wg.Wait()
}

// needsRelay tells whether a call's media goes through the relay: all of
// the tenant's calls when it says so, else those with a party behind
// NAT — the caller (its Contact names another address than it sent
// from) or a phone the plan rings (a flow to another address than its
// Contact's).
func (p *Proxy) needsRelay(req *sip.Request, c *call, hops []routing.Hop) bool {
	if c.tenant != nil && c.tenant.MediaRelay == model.MediaRelayAlways {
		return true
	}
	if h := req.Contact(); h != nil {
		b := model.Binding{Contact: h.Value(), Source: req.Source()}
		if b.BehindNAT() {
			return true
		}
	}
	for _, hop := range hops {
		for _, step := range hop.Plan.Steps {
			for _, t := range step.Targets {
				if flowBehindNAT(t) {
					return true
				}
			}
		}
	}
	return false
}

// flowBehindNAT tells whether target (a binding's Target) carries a flow
// from another address than its Contact's host.
func flowBehindNAT(target string) bool {
	var u sip.Uri
	if sip.ParseUri(target, &u) != nil {
		return false
	}
	v, ok := u.UriParams.Get(model.FlowParam)
	if !ok {
		return false
	}
	parts := strings.Split(v, "~")
	return len(parts) == 3 && net.ParseIP(parts[1]) != nil && !strings.EqualFold(strings.Trim(u.Host, "[]"), parts[1])
}
