// Package subscribe is Switchboard's notifier for SIP event subscriptions
// (RFC 6665): phones SUBSCRIBE, authenticated by digest as for REGISTER,
// to the message-waiting summary of their own mailbox (RFC 3842), to the
// calls of an extension of their tenant (the dialog package, RFC 4235:
// busy lamps) and to a user's presence (RFC 3863 PIDF with RPID
// activities). Subscriptions live in the memory of the node that accepted
// them; each node notifies its own subscribers of the changes made on any
// node, which reach it as store events (PostgreSQL LISTEN/NOTIFY).
package subscribe

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// The event packages a node serves.
const (
	PkgMessageSummary = "message-summary"
	PkgDialog         = "dialog"
	PkgPresence       = "presence"
)

// Limits bound subscriptions. Zero fields take DefaultLimits' values.
type Limits struct {
	MinExpires     int // shorter requests get 423 (seconds)
	MaxExpires     int // longer requests are granted this
	DefaultExpires int // when the SUBSCRIBE has no Expires
	PerUser        int // subscriptions one user (all devices) may hold on a node
	PerDevice      int // subscriptions one device (source address) may hold
	PerNode        int // subscriptions a node holds in all
}

// DefaultLimits: a receptionist's phone with a hundred busy-lamp keys,
// presence and message-waiting fits a device's share.
var DefaultLimits = Limits{MinExpires: 60, MaxExpires: 3600, DefaultExpires: 3600, PerUser: 400, PerDevice: 200, PerNode: 100000}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *int }{{&l.MinExpires, &d.MinExpires}, {&l.MaxExpires, &d.MaxExpires},
		{&l.DefaultExpires, &d.DefaultExpires}, {&l.PerUser, &d.PerUser}, {&l.PerDevice, &d.PerDevice}, {&l.PerNode, &d.PerNode}} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	return l
}

// Config configures a Notifier.
type Config struct {
	Store  *store.Store
	Auth   *digest.Authenticator
	Client *sipgo.Client // sends the NOTIFYs (the transport's)
	// Addr is the node's SIP address (host:port) for the Contact of its
	// dialogs; an unspecified host is replaced by the host the phone
	// addressed.
	Addr   string
	Limits Limits
	Now    func() time.Time
	Log    *slog.Logger
}

// Notifier accepts SUBSCRIBEs and sends the NOTIFYs of the subscriptions
// it holds.
type Notifier struct {
	st     *store.Store
	auth   *digest.Authenticator
	client *sipgo.Client
	host   string
	port   int
	limits Limits
	now    func() time.Time
	log    *slog.Logger
	reg    *registry
	events <-chan store.Event
}

// New makes a Notifier; Run makes it follow the store's changes.
func New(cfg Config) *Notifier {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	host, port, _ := net.SplitHostPort(cfg.Addr)
	p, _ := strconv.Atoi(port)
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = ""
	}
	return &Notifier{st: cfg.Store, auth: cfg.Auth, client: cfg.Client, host: host, port: p, limits: cfg.Limits.withDefaults(),
		now: cfg.Now, log: cfg.Log, reg: newRegistry()}
}

// Handlers are the requests the notifier answers, by method.
func (n *Notifier) Handlers() map[sip.RequestMethod]sipgo.RequestHandler {
	return map[sip.RequestMethod]sipgo.RequestHandler{sip.SUBSCRIBE: n.onSubscribe}
}

// Count is the number of subscriptions the node holds.
func (n *Notifier) Count() int { return n.reg.count() }

// Follow starts listening to the store's change events (of every node)
// until ctx ends; call it before the SUBSCRIBEs are answered, so that no
// change after a first NOTIFY is missed.
func (n *Notifier) Follow(ctx context.Context) error {
	events, err := n.st.Subscribe(ctx)
	if err != nil {
		return err
	}
	n.events = events
	return nil
}

// Run notifies the changes Follow hears and ends the subscriptions whose
// time is up, until ctx ends; at its end every subscription is dropped
// (phones subscribe again at their next refresh, to whichever node
// answers).
func (n *Notifier) Run(ctx context.Context) error {
	events := n.events
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			n.onEvent(ctx, ev)
		case <-tick.C:
			n.expire(ctx)
		case <-ctx.Done():
			return nil
		}
	}
}
