package proxy

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Require key press: a forwarded call of a user with require_key_press
// counts as answered only when the person answering presses a key, so a
// mobile's own voicemail cannot take the call. The leg's media is
// anchored in Switchboard (see Anchor): the person answering hears a
// short prompt, and the key counts as an RFC 4733 event, or as SIP INFO
// (application/dtmf-relay or application/dtmf, which desk and mobile
// gateways send; the only way without a media engine or an SDP offer).
// Until then the proxy holds the callee's 2xx: it acknowledges it itself,
// the caller keeps hearing ringback, and the plan goes on (next number,
// voicemail) when no key comes within the wait, the callee hangs up, or
// the caller cancels; the proxy then ends the callee's leg with a BYE.

// keyWaits are the answered legs waiting for a key, by Call-ID and the
// callee's tag (the From tag of its INFO and BYE).
type keyWaits struct {
	mu sync.Mutex
	m  map[string]chan string
}

const maxKeyWaits = 10000

func keyWaitKey(callID, tag string) string { return callID + "\x00" + tag }

func (k *keyWaits) add(key string) chan string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.m) >= maxKeyWaits {
		return nil
	}
	ch := make(chan string, 1)
	k.m[key] = ch
	return ch
}

func (k *keyWaits) remove(key string) {
	k.mu.Lock()
	delete(k.m, key)
	k.mu.Unlock()
}

func (k *keyWaits) get(key string) chan string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[key]
}

// DTMFKey is the key a SIP INFO carries ("" if none): the
// application/dtmf-relay body's Signal (10 and 11 are * and #), or the
// application/dtmf body, as desk phones and gateways send them. The media
// engine reads keys of the calls it answers with it too.
func DTMFKey(req *sip.Request) string {
	ct := ""
	if h := req.ContentType(); h != nil {
		ct = strings.ToLower(strings.TrimSpace(strings.SplitN(h.Value(), ";", 2)[0]))
	}
	body := string(req.Body())
	var key string
	switch ct {
	case "application/dtmf-relay":
		for _, line := range strings.Split(body, "\n") {
			name, value, ok := strings.Cut(line, "=")
			if ok && strings.EqualFold(strings.TrimSpace(name), "signal") {
				key = strings.TrimSpace(value)
			}
		}
	case "application/dtmf":
		key = strings.TrimSpace(body)
	}
	switch key {
	case "10":
		return "*"
	case "11":
		return "#"
	}
	if len(key) == 1 && strings.Contains("0123456789*#ABCDabcd", key) {
		return strings.ToUpper(key)
	}
	return ""
}

// keyEvent takes an INFO or BYE from a callee whose answer waits for a
// key; false when the request is not for such a leg.
func (p *Proxy) keyEvent(req *sip.Request, tx sip.ServerTransaction) bool {
	if req.Method != sip.INFO && req.Method != sip.BYE {
		return false
	}
	from, id := req.From(), req.CallID()
	if from == nil || id == nil {
		return false
	}
	tag, _ := from.Params.Get("tag")
	ch := p.keys.get(keyWaitKey(id.Value(), tag))
	if ch == nil {
		return false
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	event := "BYE"
	if req.Method == sip.INFO {
		if event = DTMFKey(req); event == "" {
			return true // some other INFO: acknowledged, not a key
		}
	}
	select {
	case ch <- event:
	default:
	}
	return true
}

// awaitKey holds an answered leg (out answered res on btx) until its
// callee presses a key: true then. Otherwise (no key within the wait,
// the callee hung up, abort) the leg is ended and false returned.
func (p *Proxy) awaitKey(abort context.Context, out *sip.Request, btx sip.ClientTransaction, res *sip.Response, a Anchor) bool {
	tag, _ := res.To().Params.Get("tag")
	key := keyWaitKey(out.CallID().Value(), tag)
	ch := p.keys.add(key)
	defer p.keys.remove(key)
	ack := inDialog(sip.ACK, out, res, out.CSeq().SeqNo)
	if err := p.client.WriteRequest(ack, sipgo.ClientRequestAddVia); err != nil {
		p.log.Debug("sip key press ack", "error", err)
	}
	btx.OnRetransmission(func(r *sip.Response) {
		if r.StatusCode >= 200 && r.StatusCode < 300 {
			_ = p.client.WriteRequest(ack.Clone(), func(*sipgo.Client, *sip.Request) error { return nil })
		}
	})
	if ch == nil {
		p.bye(out, res)
		return false
	}
	if a != nil { // the callee hears the prompt; its RFC 4733 key counts
		a.Answer(res.Body())
		a.AwaitKey(abort, ch)
	}
	timer := time.NewTimer(p.keyPressWait)
	defer timer.Stop()
	select {
	case ev := <-ch:
		if ev != "BYE" {
			p.log.Debug("sip key pressed", "call_id", out.CallID().Value())
			return true
		}
		return false // the callee hung up: its leg is over
	case <-timer.C:
	case <-abort.Done():
	}
	p.bye(out, res)
	return false
}

// bye ends a leg the proxy answered itself (in the background).
func (p *Proxy) bye(out *sip.Request, res *sip.Response) {
	req := inDialog(sip.BYE, out, res, out.CSeq().SeqNo+1)
	ctx, stop := context.WithTimeout(context.Background(), 32*time.Second)
	btx, err := p.client.TransactionRequest(ctx, req, sipgo.ClientRequestAddVia)
	if err != nil {
		stop()
		p.log.Debug("sip key press bye", "error", err)
		return
	}
	go func() {
		defer stop()
		for {
			select {
			case r, ok := <-btx.Responses():
				if !ok || r.StatusCode >= 200 {
					return
				}
			case <-btx.Done():
				return
			}
		}
	}()
}

// inDialog builds a request of the proxy itself in the dialog that res
// (a 2xx) made for the forwarded INVITE out: to the callee's Contact,
// through the route set the callee recorded after us (RFC 3261 12.1.2).
func inDialog(method sip.RequestMethod, out *sip.Request, res *sip.Response, seq uint32) *sip.Request {
	target := out.Recipient
	if c := res.Contact(); c != nil {
		target = c.Address
	}
	req := sip.NewRequest(method, *target.Clone())
	// Record-Route of the answer, topmost first: the hops after us, down
	// to the first of ours (one, or two when double record-routed; what
	// out carried are ours and the caller's side). Reversed, the route.
	sent := map[string]bool{}
	for _, h := range out.GetHeaders("Record-Route") {
		for _, v := range splitHeaderList(h.Value()) {
			sent[v] = true
		}
	}
	var routes []sip.Uri
collect:
	for _, h := range res.GetHeaders("Record-Route") {
		for _, v := range splitHeaderList(h.Value()) {
			if sent[v] {
				break collect
			}
			var u sip.Uri
			if sip.ParseUri(strings.Trim(v, "<> "), &u) == nil {
				routes = append(routes, u)
			}
		}
	}
	for i := len(routes) - 1; i >= 0; i-- {
		req.AppendHeader(&sip.RouteHeader{Address: routes[i]})
	}
	mf := sip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	req.AppendHeader(sip.HeaderClone(out.From()))
	req.AppendHeader(sip.HeaderClone(res.To()))
	req.AppendHeader(sip.HeaderClone(out.CallID()))
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	req.SetTransport(out.Transport())
	return req
}

// splitHeaderList splits a comma-separated header value outside <>.
func splitHeaderList(v string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range v {
		switch r {
		case '<':
			depth++
		case '>':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(v[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(v[start:]))
}
