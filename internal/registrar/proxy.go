package registrar

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Router is what the proxy needs of the directory: the plan of a call and
// the place to write its records.
type Router interface {
	// Route returns the plan of a call from caller (an extension of the
	// tenant or a number) to user callee.
	Route(ctx context.Context, tenant *model.Tenant, callee *model.User, caller string, internal bool, at time.Time, state routing.CallState) ([]routing.Hop, error)
	// Outbound tells whether user may call number (call restrictions).
	Outbound(ctx context.Context, tenantID, userID, number string) (ok bool, status int, reason string, err error)
	// WriteCDRs stores call records.
	WriteCDRs(ctx context.Context, cdrs []model.CDR) error
	// UserByExtension resolves an extension of a tenant (nil, nil if none).
	UserByExtension(ctx context.Context, tenantID, ext string) (*model.User, error)
	// Tenant returns a tenant (its domain, trunk and voicemail server).
	Tenant(ctx context.Context, tenantID string) (*model.Tenant, error)
	// TrunkTenant returns the tenant whose sip_trunk is at source, an
	// IP:port (nil, nil if none).
	TrunkTenant(ctx context.Context, source string) (*model.Tenant, error)
	// UserByNumber resolves a called number of a tenant: an extension, or
	// a number in a user's outbound caller IDs (nil, nil if none).
	UserByNumber(ctx context.Context, tenantID, number string) (*model.User, error)
	// HuntPlan is the plan of a call to the call queue or ring group at
	// an extension of the tenant (nil, nil if there is none).
	HuntPlan(ctx context.Context, tenantID, ext string) (*routing.Plan, error)
}

// call is the proxy's state of one call it routed.
type call struct {
	tenant               *model.Tenant
	caller, callee       *model.User // callee nil for a call to an outside number
	calleeNumber         string
	direction            string
	started, rang, ans   time.Time
	status               int
	endReason, reroute   string
	callID, callerNumber string
	trunk, did           string
	ackedCSeq            uint32 // the INVITE's, when the proxy sent the ACK itself
}

// dialogs remembers this node's answered calls until their BYE (for
// their records). Who is on a call (busy without call waiting) and which
// Follow Me number answered last (Memory Hunt) are kept in the database,
// so every node sees them.
type dialogs struct {
	mu  sync.Mutex
	m   map[string]*call
	st  *store.Store
	now func() time.Time
	log *slog.Logger
}

const maxDialogs = 100000

// maxCallAge bounds how long a call counts as in progress (a node that
// stopped cannot remove its calls).
const maxCallAge = 12 * time.Hour

// hold keeps an answered call in this node's memory.
func (d *dialogs) hold(id string, c *call) {
	d.mu.Lock()
	if len(d.m) < maxDialogs {
		d.m[id] = c
	}
	d.mu.Unlock()
}

func (d *dialogs) get(id string) *call {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m[id]
}

// persist records a held call as in progress for every node.
func (d *dialogs) persist(id string, c *call) {
	var users []string
	for _, u := range []*model.User{c.caller, c.callee} {
		if u != nil {
			users = append(users, u.ID)
		}
	}
	if err := d.st.AddActiveCall(context.Background(), id, users, d.now()); err != nil {
		d.log.Warn("sip active call", "error", err)
	}
}

func (d *dialogs) take(id string) *call {
	d.mu.Lock()
	c := d.m[id]
	delete(d.m, id)
	d.mu.Unlock()
	if c != nil {
		if err := d.st.RemoveActiveCall(context.Background(), id); err != nil {
			d.log.Warn("sip active call", "error", err)
		}
	}
	return c
}

// ActiveCalls is how many answered calls the user is on (routing.CallState).
func (d *dialogs) ActiveCalls(userID string) int {
	n, err := d.st.ActiveCalls(context.Background(), userID, d.now().Add(-maxCallAge))
	if err != nil {
		d.log.Warn("sip active calls", "error", err)
	}
	return n
}

// LastAnswered is the Follow Me number that answered the user's last call.
func (d *dialogs) LastAnswered(userID string) string {
	n, err := d.st.FollowMeLast(context.Background(), userID)
	if err != nil {
		d.log.Warn("sip follow me memory", "error", err)
	}
	return n
}

func (d *dialogs) answeredBy(userID, number string) {
	if err := d.st.SetFollowMeLast(context.Background(), userID, number); err != nil {
		d.log.Warn("sip follow me memory", "error", err)
	}
}

// onInvite authenticates the caller (407), decides the plan and carries
// it out: ringing forks to every target of a step at once, the first 2xx
// wins and the other branches are cancelled; a step that is not answered
// in time, or whose branches all fail, gives way to the next.
func (s *Server) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	now := s.now()
	ip := sourceIP(req.Source())
	if s.guard.Banned(ip, now) || s.router == nil {
		return
	}
	if to := req.To(); to != nil && req.GetHeader("Route") != nil {
		if _, ok := to.Params.Get("tag"); ok {
			s.onInDialog(req, tx) // a re-INVITE (hold, resume) in a dialog we record-route
			return
		}
	}
	// The caller's CANCEL ends the INVITE's processing.
	ctx, cancelCtx := context.WithCancel(context.Background())
	defer cancelCtx()
	tx.OnCancel(func(*sip.Request) { cancelCtx() })
	respond := func(code int, reason string) { _ = tx.Respond(sip.NewResponseFromRequest(req, code, reason, nil)) }
	from, to := req.From(), req.To()
	if from == nil || to == nil || req.CallID() == nil || req.CSeq() == nil || len(req.Headers()) > MaxHeaders {
		respond(400, "Bad Request")
		return
	}
	// A call from a tenant's trunk (by its address) needs no digest.
	if req.GetHeader("Proxy-Authorization") == nil {
		if tenant := s.trunkTenant(ctx, req.Source(), now); tenant != nil {
			s.inbound(ctx, req, tx, tenant, now)
			return
		}
	}
	a := aor{ext: from.Address.User, domain: strings.ToLower(from.Address.Host)}
	u, fail, stale := s.authenticateAs(ctx, req, a, "Proxy-Authorization", now)
	if u == nil {
		s.failed(req, a, fail, now)
		_ = tx.Respond(s.challenge(req, a, stale, now, true))
		return
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, 100, "Trying", nil))
	caller, err := s.router.UserByExtension(ctx, u.TenantID, a.ext)
	if err != nil || caller == nil {
		respond(403, "Forbidden")
		return
	}
	target := req.Recipient.User
	tenant, err := s.router.Tenant(ctx, u.TenantID)
	if err != nil {
		respond(500, "Server Internal Error")
		return
	}
	c := &call{tenant: tenant, caller: caller, started: now, callID: req.CallID().Value(), callerNumber: a.ext,
		calleeNumber: target, direction: "INTERNAL_CALL"}
	callee, err := s.router.UserByExtension(ctx, u.TenantID, target)
	if err != nil {
		respond(500, "Server Internal Error")
		return
	}
	if callee == nil {
		// A call queue or ring group rings its available members.
		if plan, err := s.router.HuntPlan(ctx, u.TenantID, target); err != nil {
			respond(500, "Server Internal Error")
			return
		} else if plan != nil {
			s.execute(ctx, req, tx, c, []routing.Hop{{Extension: target, Plan: *plan}})
			return
		}
		// Not an extension: an outbound call, allowed or refused by policy,
		// then sent out through the tenant's trunk.
		ok, status, reason, err := s.router.Outbound(ctx, u.TenantID, caller.ID, target)
		switch {
		case err != nil:
			respond(500, "Server Internal Error")
		case !ok:
			respond(status, reason)
			c.direction, c.status, c.endReason = "OUTBOUND_CALL", status, "REJECTED"
			s.writeCDRs(c, s.now())
		default:
			c.direction = "OUTBOUND_CALL"
			s.execute(ctx, req, tx, c, []routing.Hop{{Extension: a.ext, Plan: routing.Plan{Steps: []routing.Step{
				{Action: routing.ActForward, Targets: []string{target}, CallerID: outboundCallerID(caller), Setting: "outbound"}}}}})
		}
		return
	}
	c.callee = callee
	hops, err := s.router.Route(ctx, tenant, callee, a.ext, true, now, &s.dialogs)
	if err != nil {
		respond(500, "Server Internal Error")
		return
	}
	s.execute(ctx, req, tx, c, hops)
}

// trunkTenant is the tenant whose trunk is at source, cached for a few
// seconds like the digest setting (a first INVITE of every call asks).
func (s *Server) trunkTenant(ctx context.Context, source string, now time.Time) *model.Tenant {
	s.digestMu.Lock()
	e, ok := s.trunks[source]
	s.digestMu.Unlock()
	if ok && now.Before(e.until) {
		return e.tenant
	}
	tenant, err := s.router.TrunkTenant(ctx, source)
	if err != nil {
		s.log.Warn("sip trunk lookup", "error", err)
		return nil
	}
	s.digestMu.Lock()
	if len(s.trunks) >= 10000 {
		clear(s.trunks)
	}
	s.trunks[source] = trunkEntry{tenant: tenant, until: now.Add(digestCacheTTL)}
	s.digestMu.Unlock()
	return tenant
}

type trunkEntry struct {
	tenant *model.Tenant
	until  time.Time
}

// inbound routes a call that arrived from a tenant's trunk to the user
// owning the called number.
func (s *Server) inbound(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, tenant *model.Tenant, now time.Time) {
	_ = tx.Respond(sip.NewResponseFromRequest(req, 100, "Trying", nil))
	number, caller := req.Recipient.User, req.From().Address.User
	callee, err := s.router.UserByNumber(ctx, tenant.ID, number)
	if err != nil || callee == nil {
		code, reason := 404, "Not Found"
		if err != nil {
			code, reason = 500, "Server Internal Error"
		}
		_ = tx.Respond(sip.NewResponseFromRequest(req, code, reason, nil))
		return
	}
	c := &call{tenant: tenant, callee: callee, calleeNumber: callee.ExtensionNumber, callerNumber: caller, direction: "INBOUND_CALL",
		started: now, callID: req.CallID().Value(), trunk: tenant.SIPTrunk, did: number}
	hops, err := s.router.Route(ctx, tenant, callee, caller, false, now, &s.dialogs)
	if err != nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil))
		return
	}
	s.execute(ctx, req, tx, c, hops)
}

// execute runs the plan's steps in order.
func (s *Server) execute(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, hops []routing.Hop) {
	finish := func(code int, reason, endReason string) {
		c.status, c.endReason = code, endReason
		_ = tx.Respond(sip.NewResponseFromRequest(req, code, reason, nil))
		s.writeCDRs(c, s.now())
	}
	for hi, hop := range hops {
		if hi > 0 {
			c.reroute = "FORWARD"
		}
		for si, step := range hop.Plan.Steps {
			if ctx.Err() != nil {
				finish(487, "Request Terminated", "CANCELLED")
				return
			}
			last := si == len(hop.Plan.Steps)-1
			switch step.Action {
			case routing.ActRing:
				var contacts []string
				for _, t := range step.Targets {
					if strings.HasPrefix(t, "sip:") || strings.HasPrefix(t, "sips:") {
						contacts = append(contacts, t)
					} else if uri := trunkURI(c.tenant.SIPTrunk, t); uri != "" {
						contacts = append(contacts, uri) // Follow Me numbers, through the trunk
					}
				}
				if len(contacts) == 0 {
					continue // numbers without a trunk cannot ring
				}
				var extra []sip.Header
				if step.CallerID != "" { // numbers rung for the user (Follow Me, unavailability)
					extra = append(extra, assertedIdentity(step.CallerID, c.tenant.Domain))
				}
				if !step.Parallel && len(contacts) > 1 {
					// Hunt: one target after another, each for the step's time.
					var answered *sip.Response
					for _, one := range contacts {
						if answered = s.fork(ctx, req, tx, c, []string{one}, time.Duration(step.Timeout)*time.Second, step.RequireKeyPress, extra...); answered != nil {
							s.rememberAnswer(ctx, c, hop.Extension, step.Setting, one)
							break
						}
					}
					if answered != nil {
						s.connect(req, tx, c, answered, step.RequireKeyPress)
						return
					}
					c.reroute = "NO_ANSWER"
					continue
				}
				if res, who := s.forkWinner(ctx, req, tx, c, contacts, time.Duration(step.Timeout)*time.Second, step.RequireKeyPress, extra...); res != nil {
					s.rememberAnswer(ctx, c, hop.Extension, step.Setting, contacts[who])
					s.connect(req, tx, c, res, step.RequireKeyPress)
					return
				}
				c.reroute = "NO_ANSWER"
			case routing.ActForward:
				if hi < len(hops)-1 && last {
					continue // the next hop is that user's plan
				}
				uri := trunkURI(c.tenant.SIPTrunk, step.Targets[0])
				if uri == "" {
					finish(503, "No Outbound Trunk Configured", "FAILED")
					return
				}
				if c.direction != "OUTBOUND_CALL" {
					c.reroute = "FORWARD"
				}
				c.trunk = c.tenant.SIPTrunk
				if s.answerVia(ctx, req, tx, c, uri, step.RequireKeyPress, assertedIdentity(step.CallerID, c.tenant.Domain)) {
					return
				}
				finish(480, "Temporarily Unavailable", "NO_ANSWER")
				return
			case routing.ActVoicemail:
				c.reroute = "VOICEMAIL"
				server := strings.TrimPrefix(c.tenant.VoicemailServer, "sip:")
				if server == "" {
					finish(480, "Voicemail Unavailable", "UNREACHABLE")
					return
				}
				// The mailbox is the Request-URI's user, and the diverting
				// user is named in a Diversion header (RFC 5806).
				mailbox := "sip:" + hop.Extension + "@" + server
				reason := "unconditional"
				if si > 0 {
					reason = "no-answer"
				}
				div := sip.NewHeader("Diversion", "<sip:"+hop.Extension+"@"+c.tenant.Domain+">;reason="+reason)
				if s.answerVia(ctx, req, tx, c, mailbox, false, div) {
					return
				}
				finish(480, "Voicemail Unavailable", "UNREACHABLE")
				return
			case routing.ActRefuse:
				end := "REJECTED"
				if step.Status == 486 {
					end = "BUSY"
				} else if step.Status == 480 {
					end = "NO_ANSWER"
				}
				finish(step.Status, step.Reason, end)
				return
			}
		}
	}
	finish(480, "Temporarily Unavailable", "NO_ANSWER")
}

// rememberAnswer keeps which Follow Me number answered a user's call, for
// Memory Hunt to start after it next time.
func (s *Server) rememberAnswer(ctx context.Context, c *call, ext, setting, uri string) {
	if setting != "follow_me" {
		return
	}
	var u sip.Uri
	if sip.ParseUri(uri, &u) != nil {
		return
	}
	if user, err := s.router.UserByExtension(ctx, c.tenant.ID, ext); err == nil && user != nil {
		s.dialogs.answeredBy(user.ID, u.User)
	}
}

// answerVia forks to one URI without a time limit and, when it answers,
// relays the answer and keeps the dialog; false when it did not answer.
func (s *Server) answerVia(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, uri string, keyPress bool, extra ...sip.Header) bool {
	res := s.fork(ctx, req, tx, c, []string{uri}, 120*time.Second, keyPress, extra...)
	if res == nil {
		return false
	}
	s.connect(req, tx, c, res, keyPress)
	return true
}

// connect relays the answer of a call to the caller and keeps the
// dialog (its record is written at BYE). held: the proxy acknowledged
// the answer itself (key press), so the caller's ACK stops here.
func (s *Server) connect(req *sip.Request, tx sip.ServerTransaction, c *call, res *sip.Response, held bool) {
	c.status, c.ans = res.StatusCode, s.now()
	if held {
		c.ackedCSeq = req.CSeq().SeqNo
	}
	s.dialogs.hold(c.callID, c) // before the caller can ACK
	_ = tx.Respond(res)
	s.dialogs.persist(c.callID, c)
}

// trunkURI is the URI of number at the trunk ("" without a trunk).
func trunkURI(trunk, number string) string {
	host, ok := strings.CutPrefix(trunk, "sip:")
	if !ok || host == "" || number == "" {
		return ""
	}
	return "sip:" + number + "@" + host
}

// assertedIdentity is the P-Asserted-Identity (RFC 3325) a forwarded call
// carries: the caller ID the plan chose.
func assertedIdentity(callerID, domain string) sip.Header {
	if callerID == "" {
		callerID = "anonymous"
	}
	return sip.NewHeader("P-Asserted-Identity", "<sip:"+callerID+"@"+domain+">")
}

// outboundCallerID is the number an outbound call presents: the user's
// preferred outbound caller ID, else the extension.
func outboundCallerID(u *model.User) string {
	for _, id := range u.OutboundCallerIDs {
		if id.Preferred {
			return id.CallerID
		}
	}
	return u.ExtensionNumber
}

// fork sends the INVITE to every contact at once and returns the first
// 2xx, cancelling the other branches; nil when none answered in time.
func (s *Server) fork(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, contacts []string, timeout time.Duration, keyPress bool, extra ...sip.Header) *sip.Response {
	res, _ := s.forkWinner(ctx, req, tx, c, contacts, timeout, keyPress, extra...)
	return res
}

// forkWinner is fork that also tells which contact answered (-1: none).
// With keyPress, an answer counts only once its callee pressed a key
// (awaitKey); the other branches keep ringing meanwhile.
func (s *Server) forkWinner(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, c *call, contacts []string, timeout time.Duration, keyPress bool, extra ...sip.Header) (*sip.Response, int) {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	type branch struct {
		req      *sip.Request
		tx       sip.ClientTransaction
		idx      int                // index in contacts
		answered context.CancelFunc // set while its answer waits for a key
	}
	var branches []branch
	// Branches outlive ctx (the caller's CANCEL): they are cancelled with
	// CANCEL requests, and their transactions end on their own.
	branchCtx, cancelBranches := context.WithTimeout(context.Background(), timeout+35*time.Second)
	defer cancelBranches()
	for ci, contact := range contacts {
		out := req.Clone()
		var uri sip.Uri
		if err := sip.ParseUri(contact, &uri); err != nil {
			continue
		}
		out.Recipient = uri
		out.RemoveHeader("Proxy-Authorization")
		out.RemoveHeader("Route")
		for _, h := range extra {
			out.RemoveHeader(h.Name())
			out.AppendHeader(h)
		}
		out.SetDestination("")
		out.SetTransport(transportOf(&uri))
		btx, err := s.client.TransactionRequest(branchCtx, out, sipgo.ClientRequestDecreaseMaxForward, sipgo.ClientRequestAddVia, sipgo.ClientRequestAddRecordRoute)
		if err != nil {
			s.log.Debug("sip fork", "contact", contact, "error", err)
			continue
		}
		branches = append(branches, branch{req: out, tx: btx, idx: ci})
	}
	if len(branches) == 0 {
		return nil, -1
	}
	type result struct {
		i     int
		res   *sip.Response
		keyed int // 1: its callee pressed a key; 2: it did not
	}
	results := make(chan result, 16*len(branches))
	for i, b := range branches {
		go func(i int, b branch) {
			for {
				select {
				case res, ok := <-b.tx.Responses():
					if !ok {
						return
					}
					results <- result{i: i, res: res}
					if res.StatusCode >= 200 {
						return
					}
				case <-b.tx.Done():
					results <- result{i: i}
					return
				}
			}
		}(i, b)
	}
	cancelAll := func(except int) {
		for i, b := range branches {
			switch {
			case i == except:
			case b.answered != nil:
				b.answered() // awaitKey ends that leg with a BYE
			default:
				s.cancelBranch(b.req)
			}
		}
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	finals, ringing, expired := 0, false, false
	for finals < len(branches) {
		select {
		case r := <-results:
			switch {
			case r.keyed == 1:
				branches[r.i].answered = nil
				cancelAll(r.i)
				return relayVia(req, branches[r.i].req, r.res), branches[r.i].idx
			case r.keyed == 2:
				branches[r.i].answered = nil
				finals++
			case r.res == nil || r.res.StatusCode >= 300:
				finals++
			case r.res.StatusCode >= 200 && keyPress:
				if branches[r.i].answered != nil {
					continue // a retransmitted answer
				}
				// Held until its callee presses a key; the caller keeps
				// hearing ringback and the other branches keep ringing.
				abort, stop := context.WithCancel(ctx)
				branches[r.i].answered = stop
				go func(i int, b branch, res *sip.Response) {
					defer stop()
					keyed := 2
					if s.awaitKey(abort, b.req, b.tx, res) {
						keyed = 1
					}
					results <- result{i: i, res: res, keyed: keyed}
				}(r.i, branches[r.i], r.res)
			case r.res.StatusCode >= 200:
				cancelAll(r.i)
				return relayVia(req, branches[r.i].req, r.res), branches[r.i].idx
			case r.res.StatusCode >= 180 && !ringing && !expired:
				ringing = true
				if c.rang.IsZero() {
					c.rang = s.now()
				}
				_ = tx.Respond(relayVia(req, branches[r.i].req, r.res))
			}
		case <-timer.C:
			// Time is up for the branches still ringing; an answer that
			// waits for a key keeps its own time.
			expired = true
			waiting := false
			for _, b := range branches {
				if b.answered != nil {
					waiting = true
				} else {
					s.cancelBranch(b.req)
				}
			}
			if !waiting {
				return nil, -1
			}
		case <-ctx.Done():
			cancelAll(-1)
			return nil, -1
		}
	}
	return nil, -1
}

// cancelBranch sends CANCEL for a forwarded INVITE (same Via branch).
func (s *Server) cancelBranch(inv *sip.Request) {
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
	ctxTx, err := s.client.TransactionRequest(ctx, cancel, func(*sipgo.Client, *sip.Request) error { return nil })
	if err != nil {
		stop()
		return
	}
	go func() {
		defer stop()
		<-ctxTx.Done()
	}()
}

// relayVia is relay for a response to a request we forwarded as fwd: when
// the callee did not copy the Record-Route into its answer (some user
// agents do not), ours is added so in-dialog requests still pass the proxy.
func relayVia(req, fwd *sip.Request, res *sip.Response) *sip.Response {
	out := relay(req, res)
	if out.GetHeader("Record-Route") == nil && res.StatusCode < 300 && res.StatusCode > 100 {
		sip.CopyHeaders("Record-Route", fwd, out)
	}
	return out
}

// relay turns a downstream response into the upstream one for req.
func relay(req *sip.Request, res *sip.Response) *sip.Response {
	out := sip.NewResponseFromRequest(req, res.StatusCode, res.Reason, res.Body())
	if to := res.To(); to != nil {
		out.RemoveHeader("To")
		sip.CopyHeaders("To", res, out)
	}
	for _, name := range []string{"Contact", "Content-Type", "Record-Route", "Allow", "Supported"} {
		for out.RemoveHeader(name) { // RemoveHeader takes one at a time
		}
		sip.CopyHeaders(name, res, out)
	}
	return out
}

func transportOf(u *sip.Uri) string {
	if t, ok := u.UriParams.Get("transport"); ok && t != "" {
		return strings.ToUpper(t)
	}
	return "UDP"
}

// onInDialog forwards ACK and BYE (and other in-dialog requests) that
// reach the proxy through its Record-Route to their Request-URI.
func (s *Server) onInDialog(req *sip.Request, tx sip.ServerTransaction) {
	if s.guard.Banned(sourceIP(req.Source()), s.now()) {
		return
	}
	if s.keyEvent(req, tx) {
		return
	}
	if req.IsAck() && req.CallID() != nil && req.CSeq() != nil {
		if c := s.dialogs.get(req.CallID().Value()); c != nil && c.ackedCSeq != 0 && c.ackedCSeq == req.CSeq().SeqNo {
			return // the callee has had its ACK from us (key press)
		}
	}
	if req.GetHeader("Route") == nil {
		// Not routed through us (a stray ACK, or a request for a dialog
		// we did not record-route): nothing to forward.
		if !req.IsAck() {
			_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		}
		return
	}
	out := req.Clone()
	out.RemoveHeader("Route") // the top one: our own loose route
	out.SetDestination("")
	out.SetTransport(transportOf(&out.Recipient))
	if req.IsAck() {
		_ = s.client.WriteRequest(out, sipgo.ClientRequestAddVia)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 32*time.Second)
	defer cancel()
	btx, err := s.client.TransactionRequest(ctx, out, sipgo.ClientRequestDecreaseMaxForward, sipgo.ClientRequestAddVia)
	if err != nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 503, "Service Unavailable", nil))
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
			_ = tx.Respond(relay(req, res))
			if req.Method == sip.BYE {
				if c := s.dialogs.take(req.CallID().Value()); c != nil {
					c.endReason = "CALLEE_DISCONNECTED"
					if f := req.From(); f != nil && f.Address.User == c.callerNumber {
						c.endReason = "CALLER_DISCONNECTED"
					}
					s.writeCDRs(c, s.now())
				}
			}
			return
		case <-btx.Done():
			_ = tx.Respond(sip.NewResponseFromRequest(req, 408, "Request Timeout", nil))
			return
		}
	}
}

// writeCDRs records the call for the caller and for the callee.
func (s *Server) writeCDRs(c *call, end time.Time) {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	base := model.CDR{Caller: c.callerNumber, Callee: c.calleeNumber, StartedAt: c.started, RangAt: opt(c.rang),
		AnsweredAt: opt(c.ans), EndedAt: &end, CallID: c.callID, Direction: c.direction, EndReason: c.endReason,
		RerouteReason: c.reroute, StatusCode: c.status, Trunk: c.trunk, DIDCID: c.did}
	var users []*model.User
	if c.caller != nil {
		base.CallerDisplayName, base.CallerDomain = c.caller.DisplayName, c.tenant.Domain
		users = append(users, c.caller)
	}
	if c.callee != nil {
		base.CalleeDisplayName, base.CalleeDomain = c.callee.DisplayName, c.tenant.Domain
		users = append(users, c.callee)
	} else if c.caller != nil && c.direction == "OUTBOUND_CALL" {
		base.Destination = c.calleeNumber
		base.OutboundCallerID = outboundCallerID(c.caller)
	}
	if base.EndReason == "" {
		base.EndReason = "FAILED"
	}
	var out []model.CDR
	for _, u := range users {
		r := base
		r.ID, r.TenantID, r.UserID = model.NewID(), u.TenantID, u.ID
		if err := model.ValidateCDR(&r); err != nil {
			s.log.Warn("sip call record", "error", err)
			return
		}
		out = append(out, r)
	}
	if err := s.router.WriteCDRs(context.Background(), out); err != nil && !errors.Is(err, model.ErrConflict) {
		s.log.Warn("sip call record", "error", err)
	}
}

// CallState is the proxies' view of calls in progress.
func (s *Server) CallState() routing.CallState { return &s.dialogs }
