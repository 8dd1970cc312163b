package subscribe

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/sip/transport"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// AllowEvents is the Allow-Events value: the packages served.
const AllowEvents = PkgMessageSummary + ", " + PkgDialog + ", " + PkgPresence

// request is a SUBSCRIBE as read: its package, asked expiry (-1 none),
// and the tags of its dialog.
type request struct {
	pkg                 string
	expires             int
	callID              string
	fromTag, toTag      string
	from                digest.AOR
	resourceExt, domain string
}

func (n *Notifier) onSubscribe(req *sip.Request, tx sip.ServerTransaction) {
	res, s, st := n.handle(context.Background(), req)
	if err := tx.Respond(res); err != nil {
		n.log.Debug("sip respond", "error", err)
	}
	if s != nil {
		n.push(s, st) // after the 200: the first NOTIFY, or the refreshed state
	}
}

// handle answers one SUBSCRIBE; with a 200 it returns the subscription and
// the state to notify.
func (n *Notifier) handle(ctx context.Context, req *sip.Request) (*sip.Response, *subscription, *state) {
	now := n.now()
	r, code, reason := parse(req)
	if code != 0 {
		res := sip.NewResponseFromRequest(req, code, reason, nil)
		if code == 489 {
			res.AppendHeader(sip.NewHeader("Allow-Events", AllowEvents))
		}
		return res, nil, nil
	}
	u, fail, stale := n.auth.Check(ctx, req, r.from, digest.Registrar, now)
	if u == nil {
		n.auth.Failed(req, r.from, fail, now)
		return n.auth.Challenge(req, r.from, digest.Registrar, stale, now), nil, nil
	}
	if r.expires > 0 && r.expires < n.limits.MinExpires {
		res := sip.NewResponseFromRequest(req, 423, "Interval Too Brief", nil)
		res.AppendHeader(sip.NewHeader("Min-Expires", strconv.Itoa(n.limits.MinExpires)))
		return res, nil, nil
	}
	if r.expires < 0 {
		r.expires = n.limits.DefaultExpires
	}
	r.expires = min(r.expires, n.limits.MaxExpires)
	if r.toTag != "" {
		return n.refresh(ctx, req, r, u, now)
	}
	return n.create(ctx, req, r, u, now)
}

// parse reads a SUBSCRIBE; a non-zero code is the answer to a bad one.
func parse(req *sip.Request) (*request, int, string) {
	if len(req.Headers()) > transport.MaxHeaders {
		return nil, 400, "Too Many Headers"
	}
	to, from, callID, cseq := req.To(), req.From(), req.CallID(), req.CSeq()
	if to == nil || from == nil || callID == nil || cseq == nil || req.Via() == nil || req.Contact() == nil {
		return nil, 400, "Missing Mandatory Header"
	}
	if cseq.MethodName != sip.SUBSCRIBE {
		return nil, 400, "CSeq Method Mismatch"
	}
	r := &request{expires: -1, callID: callID.Value(), resourceExt: to.Address.User,
		from: digest.AOR{Ext: from.Address.User, Domain: strings.ToLower(from.Address.Host)}}
	r.fromTag, _ = from.Params.Get("tag")
	r.toTag, _ = to.Params.Get("tag")
	if r.from.Ext == "" || r.from.Domain == "" || len(r.from.Ext) > 64 || len(r.from.Domain) > 253 || r.fromTag == "" ||
		len(r.callID) > 256 || len(r.resourceExt) > 64 {
		return nil, 400, "Bad Address Of Record"
	}
	if r.resourceExt == "" {
		r.resourceExt = req.Recipient.User
	}
	ev := req.GetHeader("Event")
	if ev == nil {
		return nil, 489, "Bad Event"
	}
	r.pkg = strings.ToLower(strings.TrimSpace(strings.SplitN(ev.Value(), ";", 2)[0]))
	if r.pkg != PkgMessageSummary && r.pkg != PkgDialog && r.pkg != PkgPresence {
		return nil, 489, "Bad Event"
	}
	if h := req.GetHeader("Expires"); h != nil {
		v, err := strconv.ParseUint(strings.TrimSpace(h.Value()), 10, 32)
		if err != nil {
			return nil, 400, "Bad Expires"
		}
		r.expires = int(min(v, 1<<31-1))
	}
	return r, 0, ""
}

// create accepts a new subscription of user u.
func (n *Notifier) create(ctx context.Context, req *sip.Request, r *request, u *store.SIPUser, now time.Time) (*sip.Response, *subscription, *state) {
	watcher, err := n.st.GetUser(ctx, u.TenantID, u.UserID)
	if err != nil {
		return sip.NewResponseFromRequest(req, 403, "Forbidden", nil), nil, nil
	}
	target, code, reason := n.resolve(ctx, r, watcher)
	if code != 0 {
		return sip.NewResponseFromRequest(req, code, reason, nil), nil, nil
	}
	s := n.newSubscription(req, r, watcher, target, now)
	// Held before its state is read: a change from then on is notified.
	if r.expires == 0 { // a fetch: one NOTIFY, then nothing
		s.final = "timeout"
	} else if limit := n.reg.add(s, n.limits); limit != "" {
		n.log.Info("sip subscription refused", "source", req.Source(), "aor", r.from.String(), "limit", limit)
		if limit == "node" {
			res := sip.NewResponseFromRequest(req, 503, "Service Unavailable", nil)
			res.AppendHeader(sip.NewHeader("Retry-After", "60"))
			return res, nil, nil
		}
		return sip.NewResponseFromRequest(req, 403, "Too Many Subscriptions", nil), nil, nil
	}
	st, err := n.load(ctx, s.res, s.entity)
	if err != nil {
		n.reg.remove(s)
		n.log.Error("sip subscription state", "error", err)
		return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil), nil, nil
	}
	return n.accepted(req, s, r.expires), s, st
}

// resolve finds the user whose state r asks for: the watcher's own
// mailbox for message-waiting, any extension of its tenant otherwise.
func (n *Notifier) resolve(ctx context.Context, r *request, watcher *model.User) (*model.User, int, string) {
	target, err := n.st.GetUserByExtension(ctx, watcher.TenantID, r.resourceExt)
	switch {
	case err != nil && !errors.Is(err, model.ErrNotFound):
		n.log.Error("sip subscription resource", "error", err)
		return nil, 500, "Server Internal Error"
	case r.pkg == PkgMessageSummary && target != nil && target.ID != watcher.ID:
		return nil, 403, "Forbidden" // another user's mailbox
	case r.pkg == PkgMessageSummary:
		return watcher, 0, "" // its own (also when addressed as a voicemail code)
	case target == nil || !target.Enabled:
		return nil, 404, "Not Found"
	}
	return target, 0, ""
}

// newSubscription is the dialog a 200 to req sets up.
func (n *Notifier) newSubscription(req *sip.Request, r *request, watcher, target *model.User, now time.Time) *subscription {
	domain := r.from.Domain
	local := req.To().AsFrom()
	local.Params = local.Params.Clone()
	local.Params.Add("tag", sip.GenerateTagN(16))
	tag, _ := local.Params.Get("tag")
	s := &subscription{key: dialogKey(r.callID, r.fromTag, tag), watcher: watcher.ID, device: req.Source(),
		res:    resource{pkg: r.pkg, tenantID: watcher.TenantID, userID: target.ID},
		entity: "sip:" + target.ExtensionNumber + "@" + domain, callID: r.callID, local: local, remote: req.From().AsTo(),
		contact: req.Contact().Address, dest: req.Source(), network: req.Transport(), accepted: now,
		expires: now.Add(time.Duration(r.expires) * time.Second)}
	s.ours = sip.Uri{Scheme: "sip", Host: n.host, Port: n.port}
	if s.ours.Host == "" {
		s.ours.Host = req.Recipient.Host
		if h, _, err := net.SplitHostPort(req.Destination()); err == nil && net.ParseIP(h) != nil {
			s.ours.Host = h
		}
	}
	if !strings.EqualFold(s.network, "UDP") {
		s.ours.UriParams = sip.HeaderParams{{K: "transport", V: strings.ToLower(s.network)}}
	}
	return s
}

// refresh renews (or with Expires 0 ends) an existing subscription.
func (n *Notifier) refresh(ctx context.Context, req *sip.Request, r *request, u *store.SIPUser, now time.Time) (*sip.Response, *subscription, *state) {
	s := n.reg.get(dialogKey(r.callID, r.fromTag, r.toTag))
	if s == nil || s.watcher != u.UserID || s.res.pkg != r.pkg {
		return sip.NewResponseFromRequest(req, 481, "Subscription Does Not Exist", nil), nil, nil
	}
	st, err := n.load(ctx, s.res, s.entity)
	if err != nil {
		n.log.Error("sip subscription state", "error", err)
		return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil), nil, nil
	}
	s.mu.Lock()
	if s.final != "" {
		s.mu.Unlock()
		return sip.NewResponseFromRequest(req, 481, "Subscription Does Not Exist", nil), nil, nil
	}
	s.expires = now.Add(time.Duration(r.expires) * time.Second)
	if r.expires == 0 {
		s.final = "timeout"
	}
	s.contact = req.Contact().Address
	s.mu.Unlock()
	return n.accepted(req, s, r.expires), s, st
}

// accepted is the 200 that sets up or refreshes s.
func (n *Notifier) accepted(req *sip.Request, s *subscription, expires int) *sip.Response {
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	if to := res.To(); to != nil {
		tag, _ := s.local.Params.Get("tag")
		to.Params = to.Params.Clone()
		to.Params.Add("tag", tag)
	}
	res.AppendHeader(&sip.ContactHeader{Address: s.ours})
	res.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
	return res
}
