// Package proxy is Switchboard's SIP proxy for calls: it authenticates an
// INVITE (407) or recognises it as coming from a tenant's trunk, asks the
// directory for the plan of the call and carries it out (forking to
// devices, hunting, forwarding through the trunk, voicemail), record-routes
// the dialog, relays in-dialog requests, writes the call records and keeps
// calls in progress in the store, where every node sees them.
package proxy

import (
	"context"
	"crypto/rand"
	"log/slog"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Config configures a Proxy.
type Config struct {
	Router Router
	Store  *store.Store
	Auth   *digest.Authenticator
	// Client sends the forwarded requests (the transport's).
	Client *sipgo.Client
	// Self is this node's listeners, for Record-Route.
	Self Self
	// KeyPressWait is how long a forwarded call's answerer has to press
	// a key when the user requires it (default 20 s).
	KeyPressWait time.Duration
	// Media, when set, answers voicemail without a voicemail_server and
	// the mailbox feature codes.
	Media *Media
	// Relay, when set, anchors the media of calls with a party behind
	// NAT (or of all calls, as the tenant says) in a media relay.
	Relay Relay
	// HopKey is the secret every node shares for the tokens of calls
	// sent through the node holding a phone's flow (random when empty:
	// one node alone).
	HopKey []byte
	Now    func() time.Time
	Log    *slog.Logger
}

// Proxy routes INVITEs and relays the requests of the dialogs it
// record-routes.
type Proxy struct {
	router       Router
	st           *store.Store
	writes       *store.CallWrites // call legs, calls in progress, records: group commit
	auth         *digest.Authenticator
	client       *sipgo.Client
	self         Self
	keyPressWait time.Duration
	media        *Media
	relay        Relay
	hopKey       []byte
	now          func() time.Time
	log          *slog.Logger
	dialogs      dialogs
	keys         keyWaits
	ringing      ringingForks
	// anchoredCalls are the calls whose media this node put in the relay.
	anchoredCalls anchored

	trunkMu sync.Mutex
	trunks  map[string]trunkEntry // source IP:port -> tenant (nil: none)
}

// New makes a Proxy.
func New(cfg Config) *Proxy {
	if cfg.KeyPressWait == 0 {
		cfg.KeyPressWait = 20 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if len(cfg.HopKey) == 0 {
		cfg.HopKey = make([]byte, 32)
		_, _ = rand.Read(cfg.HopKey)
	}
	writes := cfg.Store.NewCallWrites(cfg.Log)
	return &Proxy{hopKey: cfg.HopKey, router: cfg.Router, st: cfg.Store, writes: writes, auth: cfg.Auth, client: cfg.Client, self: cfg.Self, keyPressWait: cfg.KeyPressWait,
		media: cfg.Media, relay: cfg.Relay, anchoredCalls: anchored{m: map[string]string{}}, now: cfg.Now, log: cfg.Log, trunks: map[string]trunkEntry{}, keys: keyWaits{m: map[string]chan string{}},
		dialogs: dialogs{m: map[string]*call{}, st: cfg.Store, writes: writes, now: cfg.Now, log: cfg.Log}}
}

// Handlers are the requests the proxy answers, by method: INVITEs, and
// what passes through the dialogs it record-routes.
func (p *Proxy) Handlers() map[sip.RequestMethod]sipgo.RequestHandler {
	h := map[sip.RequestMethod]sipgo.RequestHandler{sip.INVITE: p.onInvite}
	for _, m := range []sip.RequestMethod{sip.ACK, sip.BYE, sip.INFO, sip.UPDATE, sip.REFER, sip.NOTIFY, sip.PRACK, sip.MESSAGE} {
		h[m] = p.onInDialog
	}
	return h
}

// Sweep forgets the calls in progress of nodes that stopped (see
// store.MaxCallAge).
func (p *Proxy) Sweep(ctx context.Context) {
	if err := p.st.SweepActiveCalls(ctx, p.now().Add(-store.MaxCallAge)); err != nil && ctx.Err() == nil {
		p.log.Warn("sweep active calls", "error", err)
	}
	if err := p.st.SweepCallLegs(ctx, p.now().Add(-store.MaxCallAge)); err != nil && ctx.Err() == nil {
		p.log.Warn("sweep call legs", "error", err)
	}
	if err := p.st.SweepOutsideCalls(ctx, p.now()); err != nil && ctx.Err() == nil {
		p.log.Warn("sweep outside calls", "error", err)
	}
}

// respond answers req with a response of its own.
func respond(tx sip.ServerTransaction, req *sip.Request, code int, reason string) {
	_ = tx.Respond(sip.NewResponseFromRequest(req, code, reason, nil))
}
