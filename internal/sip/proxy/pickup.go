package proxy

import (
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Directed call pickup. A phone of the tenant dials PickupPrefix and a
// ringing extension (*8201), or sends an INVITE whose Replaces header
// names a ringing call's early dialog (what phones send when a busy-lamp
// key of a ringing colleague is pressed, RFC 3891): the ringing call gains
// a branch to the picker's phone, marked to be answered at once
// (Call-Info answer-after=0, the Alert-Info most phones know), the other
// branches keep ringing until the picker's phone answers, then are
// cancelled as for any answer. The picker's own INVITE ends with 487
// ("Picked up"): a proxy cannot answer the caller's offer with the
// picker's, so the picker's phone is called instead. Only calls ringing on
// this node can be picked up (nodes share no transactions); a pickup of
// nothing, or of another tenant's call, answers 404.

// PickupPrefix is the directed pickup feature code: *8 and the extension.
const PickupPrefix = "*8"

// pickupWait bounds how long a pickup waits for the ringing call to take
// its branch.
const pickupWait = 2 * time.Second

// pickupAsk asks a fork to ring the picker's contact too.
type pickupAsk struct {
	contact string
	picker  string    // the picker's extension, for the call's record
	done    chan bool // true when the branch was sent
}

// pickedUp marks a fork's branch added by a pickup (branch.idx).
const pickedUp = -1

// ringingForks are this node's forks ringing an extension, by tenant and
// extension and by Call-ID.
type ringingForks struct {
	mu       sync.Mutex
	byExt    map[string][]*forking
	byCallID map[string]*forking
}

func ringKey(tenantID, ext string) string { return tenantID + "/" + ext }

// add registers f as ringing ext of tenantID until the returned func.
func (r *ringingForks) add(tenantID, ext string, f *forking) func() {
	k, id := ringKey(tenantID, ext), f.req.CallID().Value()
	r.mu.Lock()
	if r.byExt == nil {
		r.byExt, r.byCallID = map[string][]*forking{}, map[string]*forking{}
	}
	r.byExt[k] = append(r.byExt[k], f)
	r.byCallID[id] = f
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		list := r.byExt[k]
		for i, x := range list {
			if x == f {
				r.byExt[k] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(r.byExt[k]) == 0 {
			delete(r.byExt, k)
		}
		if r.byCallID[id] == f {
			delete(r.byCallID, id)
		}
	}
}

// byExtension is the oldest fork ringing ext of tenantID, or nil.
func (r *ringingForks) byExtension(tenantID, ext string) *forking {
	r.mu.Lock()
	defer r.mu.Unlock()
	if list := r.byExt[ringKey(tenantID, ext)]; len(list) > 0 {
		return list[0]
	}
	return nil
}

// byDialog is the fork of the call with callID, in tenantID, or nil.
func (r *ringingForks) byDialog(tenantID, callID string) *forking {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f := r.byCallID[callID]; f != nil && f.c.tenant.ID == tenantID {
		return f
	}
	return nil
}

// pickupTarget is the ringing call a picker's INVITE asks for: by the
// feature code's extension, or by its Replaces header; ok false when the
// INVITE is no pickup.
func (p *Proxy) pickupTarget(req *sip.Request, tenantID, target string) (f *forking, ok bool) {
	if ext, found := strings.CutPrefix(target, PickupPrefix); found && ext != "" {
		return p.ringing.byExtension(tenantID, ext), true
	}
	// A Replaces naming no ringing call here is for an answered dialog
	// (an attended transfer), routed as any call, unless it says
	// early-only: then it can only be a pickup (of nothing).
	if h := req.GetHeader("Replaces"); h != nil {
		callID, params, _ := strings.Cut(h.Value(), ";")
		f := p.ringing.byDialog(tenantID, strings.TrimSpace(callID))
		return f, f != nil || strings.Contains(strings.ToLower(params), "early-only")
	}
	return nil, false
}

// pickup rings the picker's phone (the Contact of its INVITE, reached the
// way it came) as a branch of the ringing call f.
func (p *Proxy) pickup(req *sip.Request, tx sip.ServerTransaction, f *forking, picker string) {
	h := req.Contact()
	switch {
	case f == nil && req.GetHeader("Replaces") != nil:
		respond(tx, req, 481, "Call/Transaction Does Not Exist") // RFC 3891
		return
	case f == nil || h == nil:
		respond(tx, req, 404, "Nothing to pick up")
		return
	}
	b := model.Binding{Contact: h.Value(), Source: req.Source(), Transport: req.Transport()}
	ask := pickupAsk{contact: b.Target(), picker: picker, done: make(chan bool, 1)}
	select {
	case f.adds <- ask:
	default:
		respond(tx, req, 486, "Busy Here") // another pickup of this call is being sent
		return
	}
	select {
	case ok := <-ask.done:
		if !ok {
			respond(tx, req, 480, "Temporarily Unavailable")
			return
		}
		respond(tx, req, 487, "Picked up")
	case <-time.After(pickupWait):
		respond(tx, req, 404, "Nothing to pick up") // the call ended meanwhile
	}
}

// pickupHeaders ask the picker's phone to answer at once.
var pickupHeaders = []sip.Header{
	sip.NewHeader("Call-Info", "<sip:pickup>;answer-after=0"),
	sip.NewHeader("Alert-Info", "<http://127.0.0.1/>;info=alert-autoanswer;delay=0"),
}

// addPickup sends the branch a pickup asks for, from the fork's loop.
func (f *forking) addPickup(ask pickupAsk) {
	extra := append(f.c.diversionHeaders(), pickupHeaders...)
	added := f.p.sendBranches(f.branchCtx, f.req, f.c, []string{ask.contact}, false, extra)
	for _, b := range added {
		b.idx, b.picker = pickedUp, ask.picker
		f.branches = append(f.branches, b)
		go f.watch(len(f.branches)-1, b)
	}
	ask.done <- len(added) > 0
}
