package subscribe

import (
	"context"
	"strconv"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/store"
)

// notifyTimeout bounds the wait for a NOTIFY's answer (Timer F).
const notifyTimeout = 32 * time.Second

// push makes s notify st: it becomes the pending state, and a sender
// goroutine (one per subscription at a time) sends NOTIFYs until none is
// pending, so that a subscriber gets its NOTIFYs in order, one after the
// other, and a burst of changes collapses into the newest state.
func (n *Notifier) push(s *subscription, st *state) {
	s.mu.Lock()
	s.pending = st
	start := !s.sending
	s.sending = true
	s.mu.Unlock()
	if start {
		go n.send(s)
	}
}

// terminate ends s with a last NOTIFY (reason: timeout, deactivated,
// noresource, ...). The subscription is forgotten at once.
func (n *Notifier) terminate(s *subscription, reason string, st *state) {
	s.mu.Lock()
	if s.final != "" && s.pending == nil && !s.sending {
		s.mu.Unlock()
		return
	}
	if s.final == "" {
		s.final = reason
	}
	s.mu.Unlock()
	n.reg.remove(s)
	if st == nil {
		st = &state{empty: true}
	}
	n.push(s, st)
}

// send is s's sender: it notifies the pending state until there is none.
func (n *Notifier) send(s *subscription) {
	for {
		s.mu.Lock()
		st := s.pending
		if st == nil {
			s.sending = false
			s.mu.Unlock()
			return
		}
		s.pending = nil
		req := n.notifyRequest(s, st)
		final := s.final != ""
		s.mu.Unlock()
		if !n.deliver(s, req) || final {
			n.reg.remove(s)
			s.mu.Lock()
			s.pending, s.sending = nil, false
			if s.final == "" {
				s.final = "gone"
			}
			s.mu.Unlock()
			return
		}
	}
}

// notifyRequest builds s's next NOTIFY of st (s locked).
func (n *Notifier) notifyRequest(s *subscription, st *state) *sip.Request {
	s.cseq++
	req := sip.NewRequest(sip.NOTIFY, s.contact)
	from, to := s.local, s.remote
	callID := sip.CallIDHeader(s.callID)
	maxFwd := sip.MaxForwardsHeader(70)
	req.AppendHeader(&from)
	req.AppendHeader(&to)
	req.AppendHeader(&callID)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: s.cseq, MethodName: sip.NOTIFY})
	req.AppendHeader(&maxFwd)
	req.AppendHeader(&sip.ContactHeader{Address: s.ours})
	req.AppendHeader(sip.NewHeader("Event", s.res.pkg))
	left := int(s.expires.Sub(n.now()).Round(time.Second) / time.Second)
	if s.final != "" {
		req.AppendHeader(sip.NewHeader("Subscription-State", "terminated;reason="+s.final))
	} else {
		req.AppendHeader(sip.NewHeader("Subscription-State", "active;expires="+strconv.Itoa(max(left, 1))))
	}
	if ctype, body := n.body(s, st); body != "" {
		req.AppendHeader(sip.NewHeader("Content-Type", ctype))
		req.SetBody([]byte(body))
	} else {
		req.SetBody(nil)
	}
	req.SetTransport(s.network)
	req.SetDestination(s.dest)
	return req
}

// deliver sends one NOTIFY; false when the subscription is over for the
// subscriber (any final answer but 2xx, or none).
func (n *Notifier) deliver(s *subscription, req *sip.Request) bool {
	ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
	defer cancel()
	tx, err := n.client.TransactionRequest(ctx, req, sipgo.ClientRequestAddVia)
	if err != nil {
		n.log.Debug("sip notify", "error", err)
		return false
	}
	defer tx.Terminate()
	for {
		select {
		case res := <-tx.Responses():
			if res.IsProvisional() {
				continue
			}
			if !res.IsSuccess() {
				n.log.Debug("sip notify refused", "status", res.StatusCode, "entity", s.entity)
			}
			return res.IsSuccess()
		case <-tx.Done():
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// onEvent notifies the subscriptions a store change concerns.
func (n *Notifier) onEvent(ctx context.Context, ev store.Event) {
	switch ev.Kind {
	case store.EventResync:
		for _, res := range n.reg.resources() {
			n.changed(ctx, res)
		}
	case store.EventMailbox:
		n.changed(ctx, resource{pkg: PkgMessageSummary, tenantID: ev.TenantID, userID: ev.ID})
	case store.EventUser:
		n.userChanged(ctx, ev.TenantID, ev.ID)
	case store.EventCall:
		n.changed(ctx, resource{pkg: PkgDialog, tenantID: ev.TenantID, userID: ev.ID})
		n.changed(ctx, resource{pkg: PkgPresence, tenantID: ev.TenantID, userID: ev.ID})
	}
}

// changed reads res's state once and pushes it to its subscriptions.
func (n *Notifier) changed(ctx context.Context, res resource) {
	subs := n.reg.watching(res)
	if len(subs) == 0 {
		return
	}
	st, err := n.load(ctx, res, subs[0].entity)
	if err != nil {
		n.log.Warn("sip subscription state", "error", err)
		return
	}
	for _, s := range subs {
		if st.gone {
			n.terminate(s, "noresource", st)
		} else {
			n.push(s, st)
		}
	}
}

// userChanged ends the subscriptions a disabled or deleted user held and
// updates those that watch it (presence).
func (n *Notifier) userChanged(ctx context.Context, tenantID, id string) {
	held, watched := n.reg.ofUser(tenantID, id)
	if len(held) > 0 {
		if u, err := n.st.GetUser(ctx, tenantID, id); err == nil && !u.Enabled || isNotFound(err) {
			for _, s := range held {
				n.terminate(s, "deactivated", nil)
			}
		}
	}
	seen := map[resource]bool{}
	for _, s := range watched {
		if !seen[s.res] {
			seen[s.res] = true
			n.changed(ctx, s.res)
		}
	}
}

// expire ends the subscriptions whose time is up.
func (n *Notifier) expire(ctx context.Context) {
	for _, s := range n.reg.expired(n.now()) {
		st, err := n.load(ctx, s.res, s.entity)
		if err != nil {
			st = nil
		}
		n.terminate(s, "timeout", st)
	}
}
