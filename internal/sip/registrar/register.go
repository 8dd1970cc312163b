package registrar

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Config configures a Registrar.
type Config struct {
	Store  *store.Store
	Auth   *digest.Authenticator
	Limits Limits // DefaultLimits when zero
	Now    func() time.Time
	Log    *slog.Logger
	// Keep, when set, is told after each successful REGISTER how long
	// the connection it came on carries a binding (zero: none), so that
	// a TCP or TLS connection stays open for calls to reach the phone.
	Keep func(transport, source string, until time.Time)
	// Node is this node's SIP address (host:port) as the other nodes
	// reach it, kept with each binding: a phone behind NAT or on TCP or
	// TLS is reached only through the node it registered on.
	Node string
}

// Registrar answers REGISTER requests: it authenticates them, applies
// them to the user's bindings and keeps those in the store, where every
// node sees them.
type Registrar struct {
	st     *store.Store
	auth   *digest.Authenticator
	limits Limits
	now    func() time.Time
	log    *slog.Logger
	keep   func(transport, source string, until time.Time)
	batch  *committer
	users  *users
	node   string
}

// New makes a Registrar.
func New(cfg Config) *Registrar {
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Registrar{st: cfg.Store, auth: cfg.Auth, limits: cfg.Limits, now: cfg.Now, log: cfg.Log, keep: cfg.Keep,
		batch: &committer{st: cfg.Store, now: cfg.Now, log: cfg.Log}, users: newUsers(cfg.Store, cfg.Now), node: cfg.Node}
}

// Follow keeps the registrar's cache of users in step with the store's
// change events (of every node) until ctx ends.
func (reg *Registrar) Follow(ctx context.Context) error { return reg.users.follow(ctx) }

// Handlers are the requests the registrar answers, by method.
func (reg *Registrar) Handlers() map[sip.RequestMethod]sipgo.RequestHandler {
	return map[sip.RequestMethod]sipgo.RequestHandler{sip.REGISTER: reg.onRegister}
}

func (reg *Registrar) onRegister(req *sip.Request, tx sip.ServerTransaction) {
	if err := tx.Respond(reg.Handle(context.Background(), req)); err != nil {
		reg.log.Debug("sip respond", "error", err)
	}
}

// Handle answers one REGISTER.
func (reg *Registrar) Handle(ctx context.Context, req *sip.Request) *sip.Response {
	now := reg.now()
	if req.Method != sip.REGISTER {
		return sip.NewResponseFromRequest(req, 405, "Method Not Allowed", nil)
	}
	r, a, bad := parse(req, now)
	if r != nil {
		r.Node = reg.node
	}
	if bad != "" {
		return sip.NewResponseFromRequest(req, 400, bad, nil)
	}
	cached := reg.users.cached(a)
	u, fail, stale := reg.auth.CheckWith(ctx, req, a, digest.Registrar, now, reg.users.lookup)
	if u == nil && fail != "" && cached { // perhaps the password changed: read it again
		reg.users.forget(a)
		u, fail, stale = reg.auth.CheckWith(ctx, req, a, digest.Registrar, now, reg.users.lookup)
	}
	if u == nil {
		reg.auth.Failed(req, a, fail, now)
		return reg.auth.Challenge(req, a, digest.Registrar, stale, now)
	}
	if len(r.Contacts) == 0 {
		list, err := reg.st.ListBindings(ctx, u.TenantID, u.UserID, now)
		if err != nil {
			reg.log.Error("sip list bindings", "error", err)
			return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil)
		}
		return ok(req, list, now)
	}
	return reg.update(ctx, req, r, a, u, now)
}

// errRefused ends an update's Apply when the registrar refuses; errStale
// when the user's credentials changed since the request was checked.
var (
	errRefused = errors.New("refused")
	errStale   = errors.New("credentials changed")
)

// update applies r to the bindings of user u (authenticated as a) with
// the user's row locked, in the node's next batch of binding writes, and
// answers with the new set or the refusal once that batch has committed.
func (reg *Registrar) update(ctx context.Context, req *sip.Request, r *Request, a digest.AOR, u *store.SIPUser, now time.Time) *sip.Response {
	var out Outcome
	var final []model.Binding
	err := reg.batch.commit(ctx, store.BindingUpdate{TenantID: u.TenantID, UserID: u.UserID, Apply: func(locked *store.SIPUser, current []model.Binding) ([]model.Binding, error) {
		if !locked.Enabled || !locked.TenantEnabled {
			out = Outcome{Status: StatusForbidden, Reason: "Forbidden"}
			return nil, errRefused
		}
		if !sameCredentials(locked, u, a) {
			return nil, errStale
		}
		final, out = Apply(current, r, locked.MaxBindings, reg.limits)
		if out.Status != StatusOK {
			return nil, errRefused
		}
		for i := range final {
			final[i].TenantID, final[i].UserID = u.TenantID, u.UserID
		}
		return final, nil
	}})
	switch {
	case errors.Is(err, errRefused):
		res := sip.NewResponseFromRequest(req, out.Status, out.Reason, nil)
		if out.Status == StatusIntervalTooBrief {
			res.AppendHeader(sip.NewHeader("Min-Expires", strconv.Itoa(out.MinExpires)))
		}
		if out.Status == StatusForbidden {
			reg.log.Info("sip registration refused", "source", req.Source(), "aor", a.String(), "reason", out.Reason)
		}
		return res
	case errors.Is(err, model.ErrNotFound), errors.Is(err, errStale):
		reg.users.forget(a)
		return reg.auth.Challenge(req, a, digest.Registrar, false, now)
	case err != nil:
		reg.log.Error("sip update bindings", "error", err)
		return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil)
	}
	reg.keepConn(req, final)
	return ok(req, final, now)
}

// sameCredentials tells whether the user as locked for the update is the
// one the request was authenticated against (read before, perhaps from
// a cache): the same address of record and the same credentials.
func sameCredentials(locked, checked *store.SIPUser, a digest.AOR) bool {
	return locked.Extension == a.Ext && strings.EqualFold(locked.Domain, a.Domain) && locked.SIPDigest == checked.SIPDigest &&
		locked.Credentials == checked.Credentials && slices.Equal(locked.Devices, checked.Devices)
}

// keepConn tells Keep until when the request's connection carries one
// of the bindings.
func (reg *Registrar) keepConn(req *sip.Request, final []model.Binding) {
	if reg.keep == nil {
		return
	}
	var until time.Time
	for _, b := range final {
		if b.Source == req.Source() && b.ExpiresAt.After(until) {
			until = b.ExpiresAt
		}
	}
	reg.keep(req.Transport(), req.Source(), until)
}

// ok is the 200 listing every binding with its remaining time.
func ok(req *sip.Request, list []model.Binding, now time.Time) *sip.Response {
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	for _, b := range list {
		left := int(b.ExpiresAt.Sub(now).Round(time.Second) / time.Second)
		if left < 1 {
			left = 1
		}
		res.AppendHeader(sip.NewHeader("Contact", b.Contact+";expires="+strconv.Itoa(left)))
	}
	res.AppendHeader(sip.NewHeader("Date", now.UTC().Format(http.TimeFormat)))
	return res
}

// FlowFailed deletes the bindings registered over the TCP or TLS
// connection from source, which has closed (RFC 5626 flow failure), when
// that connection was the only way to them (model.Binding.FlowOnly:
// behind NAT, or outbound): calls skip them (and go on to the users'
// other phones or forwarding) until they register again, as they do on
// a new connection. Deleting rather than marking keeps one truth for
// every node and for the status API. Other bindings stay: they are
// reached by a new connection to their Contact (RFC 3261).
func (reg *Registrar) FlowFailed(transport, source string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Only this node's flows: the same address may hold a connection to
	// another node, which still reaches its phones.
	mine := func(b *model.Binding) bool { return b.FlowOnly() && (b.Node == reg.node || b.Node == "") }
	n, err := reg.st.DeleteFlowBindings(ctx, transport, source, mine)
	if err != nil {
		reg.log.Warn("sip flow failed: delete bindings", "transport", transport, "source", source, "error", err)
		return
	}
	if n > 0 {
		reg.log.Info("sip flow failed: bindings removed", "transport", transport, "source", source, "count", n)
	}
}

// Sweep deletes the bindings that have expired (reads never see them;
// this keeps the table small).
func (reg *Registrar) Sweep(ctx context.Context) {
	if n, err := reg.st.SweepBindings(ctx, reg.now()); err != nil && ctx.Err() == nil {
		reg.log.Warn("sweep bindings", "error", err)
	} else if n > 0 {
		reg.log.Debug("swept expired bindings", "count", n)
	}
}
