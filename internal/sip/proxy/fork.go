package proxy

import (
	"context"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// branch is one forwarded INVITE of a fork.
type branch struct {
	req      *sip.Request
	tx       sip.ClientTransaction
	idx      int                // index in the contacts forked to
	answered context.CancelFunc // set while its answer waits for a key
	anchor   Anchor             // the leg's media relay, when anchored
	picker   string             // the extension whose pickup added it
}

// branchEvent is what a branch reports: a response, its end (res nil),
// or whether the callee whose answer was held pressed a key.
type branchEvent struct {
	i     int
	res   *sip.Response
	keyed int // 1: its callee pressed a key; 2: it did not
}

// forking is the state of one fork while its branches ring.
type forking struct {
	p        *Proxy
	req      *sip.Request // the caller's INVITE
	tx       sip.ServerTransaction
	c        *call
	keyPress bool
	branches []branch
	events   chan branchEvent
	finals   int  // branches that are over
	ringing  bool // a 180 was relayed to the caller
	expired  bool // the fork's time is up
	winner   int  // the branch that answered (-1: none)
	// adds are pickups asking for a branch to the picker's phone;
	// branchCtx is the branches' context.
	adds      chan pickupAsk
	branchCtx context.Context
}

// fork sends the INVITE to every contact at once and returns the first
// 2xx, cancelling the other branches, and which contact answered; nil
// and -1 when none answered in time. With keyPress, an answer counts
// only once its callee pressed a key (awaitKey); the other branches keep
// ringing meanwhile.
func (p *Proxy) fork(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, contacts []string, timeout time.Duration, keyPress bool, extra ...sip.Header) (*sip.Response, int) {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	// Branches outlive ctx (the caller's CANCEL): they are cancelled with
	// CANCEL requests, and their transactions end on their own.
	branchCtx, cancelBranches := context.WithTimeout(context.Background(), timeout+35*time.Second)
	defer cancelBranches()
	f := &forking{p: p, req: req, tx: tx, c: c, keyPress: keyPress, winner: -1, adds: make(chan pickupAsk, 1), branchCtx: branchCtx}
	f.branches = p.sendBranches(branchCtx, req, c, contacts, keyPress, extra)
	if len(f.branches) == 0 {
		return nil, -1
	}
	defer f.closeAnchors()
	// A pickup adds at most one branch at a time, each sending at most a
	// few events: room for a handful more than the branches.
	f.events = make(chan branchEvent, 16*(len(f.branches)+4))
	if c.ringingExt != "" {
		defer p.ringing.add(c.tenant.ID, c.ringingExt, f)()
	}
	for i, b := range f.branches {
		go f.watch(i, b)
	}
	return f.wait(ctx, timeout)
}

// closeAnchors ends the media relays of the branches that did not win;
// the winner's is the call's until it ends.
func (f *forking) closeAnchors() {
	for i, b := range f.branches {
		switch {
		case b.anchor == nil:
		case i == f.winner:
			f.c.anchor = b.anchor
		default:
			b.anchor.Close()
		}
	}
}

// sendBranches forwards req to each contact that parses, with the extra
// headers; with keyPress, or when the call is recorded, each leg's media
// is anchored here (its callee hears the prompt and its key comes by RFC
// 4733 too; the call is recorded once answered).
func (p *Proxy) sendBranches(ctx context.Context, req *sip.Request, c *call, contacts []string, keyPress bool, extra []sip.Header) []branch {
	var branches []branch
	for ci, contact := range contacts {
		out, ok := branchRequest(req, contact, extra)
		if !ok {
			continue
		}
		if !p.applyFlow(out) {
			p.log.Debug("sip fork: flow failed", "contact", contact)
			continue
		}
		p.recordRoute(out, req.Transport())
		a := p.anchorLeg(ctx, c, out, keyPress)
		btx, err := p.client.TransactionRequest(ctx, out, sipgo.ClientRequestDecreaseMaxForward, sipgo.ClientRequestAddVia)
		if err != nil {
			p.log.Debug("sip fork", "contact", contact, "error", err)
			if a != nil {
				a.Close()
			}
			continue
		}
		branches = append(branches, branch{req: out, tx: btx, idx: ci, anchor: a})
	}
	return branches
}

// branchRequest is the caller's INVITE as forwarded to contact: without
// the caller's credentials and our route, with the extra headers in place
// of any of theirs; false when contact is not a URI. Its flow is applied
// by the caller (see applyFlow).
func branchRequest(req *sip.Request, contact string, extra []sip.Header) (*sip.Request, bool) {
	var uri sip.Uri
	if err := sip.ParseUri(contact, &uri); err != nil {
		return nil, false
	}
	out := req.Clone()
	out.Recipient = uri
	out.RemoveHeader("Proxy-Authorization")
	out.RemoveHeader("Route")
	for _, h := range extra {
		out.RemoveHeader(h.Name())
		out.AppendHeader(h)
	}
	out.SetDestination("")
	out.SetTransport(transportOf(&uri))
	flowContact(out, req.Source(), req.Transport())
	return out, true
}

// watch reports branch i's responses until its final one, or its end.
func (f *forking) watch(i int, b branch) {
	for {
		select {
		case res, ok := <-b.tx.Responses():
			if !ok {
				return
			}
			f.events <- branchEvent{i: i, res: res}
			if res.StatusCode >= 200 {
				return
			}
		case <-b.tx.Done():
			f.events <- branchEvent{i: i}
			return
		}
	}
}

// wait takes the branches' events until one wins, all are over, the time
// is up (and no answer waits for a key) or the caller cancels.
func (f *forking) wait(ctx context.Context, timeout time.Duration) (*sip.Response, int) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for f.finals < len(f.branches) {
		select {
		case e := <-f.events:
			if res, who, won := f.take(ctx, e); won {
				return res, who
			}
		case ask := <-f.adds:
			if f.expired {
				ask.done <- false
				continue
			}
			f.addPickup(ask)
		case <-timer.C:
			if !f.expire() {
				return nil, -1
			}
		case <-ctx.Done():
			f.cancelAll(-1)
			return nil, -1
		}
	}
	return nil, -1
}

// take handles one event; won when it makes its branch the answer (the
// others are cancelled), relayed to the caller as res.
func (f *forking) take(ctx context.Context, e branchEvent) (res *sip.Response, who int, won bool) {
	b := &f.branches[e.i]
	switch {
	case e.keyed == 1:
		b.answered = nil
		f.cancelAll(e.i)
		return f.win(e.i, e.res), b.idx, true
	case e.keyed == 2:
		b.answered = nil
		f.finals++
	case e.res == nil || e.res.StatusCode >= 300:
		f.finals++
	case e.res.StatusCode >= 200 && f.keyPress && b.idx != pickedUp:
		if b.answered == nil { // else a retransmitted answer
			f.holdForKey(ctx, e.i, e.res)
		}
	case e.res.StatusCode >= 200:
		f.cancelAll(e.i)
		return f.win(e.i, e.res), b.idx, true
	case e.res.StatusCode >= 180 && !f.ringing && !f.expired:
		f.ringing = true
		if f.c.rang.IsZero() {
			f.c.rang = f.p.now()
		}
		out := relayVia(f.req, b.req, e.res)
		f.p.anchorAnswer(f.c, out)
		_ = f.tx.Respond(out)
	}
	return nil, -1, false
}

// win makes branch i the answer: its 2xx res as the caller gets it (with
// the anchor's address when the leg is anchored, which from now on
// relays the parties' media).
func (f *forking) win(i int, res *sip.Response) *sip.Response {
	f.winner = i
	b := f.branches[i]
	if b.idx == pickedUp {
		f.c.picker = b.picker
	}
	out := relayVia(f.req, b.req, res)
	if b.anchor != nil {
		out.SetBody(b.anchor.Answer(res.Body()))
		b.anchor.Connect()
	}
	f.p.anchorAnswer(f.c, out) // the media relay, outside the anchor
	return out
}

// holdForKey holds branch i's answer res until its callee presses a key;
// the caller keeps hearing ringback and the other branches keep ringing.
// The outcome comes back as an event.
func (f *forking) holdForKey(ctx context.Context, i int, res *sip.Response) {
	abort, stop := context.WithCancel(ctx)
	f.branches[i].answered = stop
	b := f.branches[i]
	go func() {
		defer stop()
		keyed := 2
		if f.p.awaitKey(abort, b.req, b.tx, res, b.anchor) {
			keyed = 1
		}
		f.events <- branchEvent{i: i, res: res, keyed: keyed}
	}()
}

// expire cancels the branches still ringing when time is up; an answer
// that waits for a key keeps its own time. false when none waits: the
// fork is over.
func (f *forking) expire() bool {
	f.expired = true
	waiting := false
	for _, b := range f.branches {
		if b.answered != nil {
			waiting = true
		} else {
			f.p.cancelBranch(b.req)
		}
	}
	return waiting
}

// cancelAll ends every branch but except (-1: all).
func (f *forking) cancelAll(except int) {
	for i, b := range f.branches {
		switch {
		case i == except:
		case b.answered != nil:
			b.answered() // awaitKey ends that leg with a BYE
		default:
			f.p.cancelBranch(b.req)
		}
	}
}

// cancelBranch sends CANCEL for a forwarded INVITE (same Via branch).
func (p *Proxy) cancelBranch(inv *sip.Request) {
	cancel := sip.NewRequest(sip.CANCEL, inv.Recipient)
	if v := inv.Via(); v != nil {
		cancel.AppendHeader(v.Clone())
	}
	for _, name := range []string{"From", "To", "Call-ID", "Max-Forwards"} {
		sip.CopyHeaders(name, inv, cancel)
	}
	cancel.AppendHeader(&sip.CSeqHeader{SeqNo: inv.CSeq().SeqNo, MethodName: sip.CANCEL})
	cancel.SetTransport(inv.Transport())
	cancel.SetDestination(inv.Destination())
	ctx, stop := context.WithTimeout(context.Background(), 32*time.Second)
	ctxTx, err := p.client.TransactionRequest(ctx, cancel, func(*sipgo.Client, *sip.Request) error { return nil })
	if err != nil {
		stop()
		return
	}
	go func() {
		defer stop()
		<-ctxTx.Done()
	}()
}
