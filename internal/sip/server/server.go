// Package server is the SIP side of a Switchboard node. It puts the
// parts together on one transport (UDP, TCP and TLS): the source guard,
// digest authentication, the registrar (REGISTER), the proxy (INVITE and
// what passes through its dialogs) and the answer to OPTIONS, and sweeps
// what they keep in the store. A new SIP feature (event subscriptions,
// NAT handling, media) is a package beside them whose handlers Listen
// registers by method.
package server

import (
	"context"
	"crypto/tls"
	"log/slog"
	"slices"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/netlimit"
	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/sip/guard"
	"github.com/switchboard-pbx/switchboard/internal/sip/proxy"
	"github.com/switchboard-pbx/switchboard/internal/sip/registrar"
	"github.com/switchboard-pbx/switchboard/internal/sip/subscribe"
	"github.com/switchboard-pbx/switchboard/internal/sip/transport"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Config configures the SIP server.
type Config struct {
	Addr      string      // host:port for UDP and TCP; port 0 picks one
	TLSAddr   string      // host:port for TLS, with TLSConfig
	TLSConfig *tls.Config // nil: no TLS
	Limits    registrar.Limits
	NonceTTL  time.Duration // default 5 minutes
	// FailLimit failures from one source IP within FailWindow make the
	// server ignore it for Ban (FailLimit 0: never).
	FailLimit  int
	FailWindow time.Duration
	Ban        time.Duration
	SweepEvery time.Duration // default 30 s
	// KeyPressWait is how long a forwarded call's answerer has to press
	// a key when the user requires it (default 20 s).
	KeyPressWait time.Duration
	// Conns caps the TCP and TLS connections (netlimit defaults when
	// zero); Timeouts close the idle ones that carry no binding.
	Conns    netlimit.Limits
	Timeouts transport.Timeouts
	Now      func() time.Time
	Log      *slog.Logger
	Store    *store.Store
	// Router, when set, makes the server a proxy for INVITEs.
	Router proxy.Router
	// Media, when set, is the node's media engine (voicemail).
	Media *proxy.Media
	// Relay, when set, anchors the media of calls across NAT (rtpengine).
	Relay proxy.Relay
	// Subscriptions bounds event subscriptions (subscribe.DefaultLimits
	// when zero).
	Subscriptions subscribe.Limits
}

// Notifier is the node's notifier of event subscriptions.
func (s *Server) Notifier() *subscribe.Notifier { return s.notifier }

// Server is a node's running SIP server.
type Server struct {
	tr         *transport.Transport
	sweepEvery time.Duration
	sweeps     []func(context.Context) // what the features keep in the store
	closers    []func()                // what the features release at shutdown
	notifier   *subscribe.Notifier
}

// Listen binds the sockets and registers every feature's handlers; the
// requests are answered once Serve runs.
func Listen(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.SweepEvery == 0 {
		cfg.SweepEvery = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	log := cfg.Log.With("component", "sip")
	g := guard.New(cfg.FailLimit, cfg.FailWindow, cfg.Ban)
	g.Protect = protector(cfg.Store, cfg.Now, log)
	auth, err := digest.NewAuthenticator(ctx, digest.Config{Store: cfg.Store, Guard: g, NonceTTL: cfg.NonceTTL, Log: log})
	if err != nil {
		return nil, err
	}
	var reg *registrar.Registrar // set before the transport serves
	tr, err := transport.Listen(transport.Config{Addr: cfg.Addr, TLSAddr: cfg.TLSAddr, TLSConfig: cfg.TLSConfig, Guard: g,
		Conns: cfg.Conns, Timeouts: cfg.Timeouts, Now: cfg.Now, Log: log,
		FlowFailed: func(transport, source string) { reg.FlowFailed(transport, source) }})
	if err != nil {
		return nil, err
	}
	s := &Server{tr: tr, sweepEvery: cfg.SweepEvery}
	tr.Handle(sip.OPTIONS, onOptions)
	reg = registrar.New(registrar.Config{Store: cfg.Store, Auth: auth, Limits: cfg.Limits, Now: cfg.Now, Log: log, Keep: tr.Keep, Node: tr.Addr()})
	if err := reg.Follow(ctx); err != nil {
		tr.Close()
		return nil, err
	}
	s.handle(reg.Handlers())
	if cfg.Router != nil {
		hopKey, err := cfg.Store.NodeSecret(ctx, "sip-flow-hop")
		if err != nil {
			tr.Close()
			return nil, err
		}
		px := proxy.New(proxy.Config{HopKey: []byte(hopKey), Router: cfg.Router, Store: cfg.Store, Auth: auth, Client: tr.Client(), Self: tr,
			KeyPressWait: cfg.KeyPressWait, Media: cfg.Media, Relay: cfg.Relay, Now: cfg.Now, Log: log})
		s.handle(px.Handlers())
		s.sweeps = append(s.sweeps, px.Sweep)
		s.closers = append(s.closers, px.Close)
	}
	s.sweeps = append(s.sweeps, reg.Sweep)
	s.notifier = subscribe.New(subscribe.Config{Store: cfg.Store, Auth: auth, Client: tr.Client(), Addr: tr.Addr(),
		Limits: cfg.Subscriptions, Now: cfg.Now, Log: log})
	if err := s.notifier.Follow(ctx); err != nil {
		tr.Close()
		return nil, err
	}
	s.handle(s.notifier.Handlers())
	return s, nil
}

// handle registers a feature's handlers with the transport.
func (s *Server) handle(handlers map[sip.RequestMethod]sipgo.RequestHandler) {
	for m, h := range handlers {
		s.tr.Handle(m, h)
	}
}

// onOptions answers OPTIONS (capabilities, and keep-alives).
func onOptions(req *sip.Request, tx sip.ServerTransaction) {
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	res.AppendHeader(sip.NewHeader("Allow", "REGISTER, OPTIONS, INVITE, ACK, BYE, CANCEL, SUBSCRIBE, NOTIFY"))
	res.AppendHeader(sip.NewHeader("Allow-Events", subscribe.AllowEvents))
	res.AppendHeader(sip.NewHeader("Accept", "application/sdp"))
	_ = tx.Respond(res)
}

// Addr is the bound UDP and TCP address.
func (s *Server) Addr() string { return s.tr.Addr() }

// TLSAddr is the bound TLS address ("" without TLS).
func (s *Server) TLSAddr() string { return s.tr.TLSAddr() }

// Serve answers until ctx ends, sweeping meanwhile.
func (s *Server) Serve(ctx context.Context) error {
	done, notified := make(chan struct{}), make(chan struct{})
	go func() {
		_ = s.tr.Serve(ctx)
		close(done)
	}()
	go func() {
		_ = s.notifier.Run(ctx)
		close(notified)
	}()
	ticker := time.NewTicker(s.sweepEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			<-done
			<-notified
			for _, c := range s.closers {
				c()
			}
			return nil
		case <-ticker.C:
			for _, sweep := range s.sweeps {
				sweep(ctx)
			}
		}
	}
}

// Close releases the sockets of a server that will not Serve.
func (s *Server) Close() { s.tr.Close() }

// protector tells the guard which addresses it must never ban (see
// guard.Protector): those with live bindings, and tenants' trunks.
func protector(st *store.Store, now func() time.Time, log *slog.Logger) guard.Protector {
	return func(ip, aor string) (bool, bool) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		aors, err := st.SourceAORs(ctx, ip, now())
		if err != nil {
			log.Warn("sip guard: source bindings", "error", err)
			return false, false
		}
		if len(aors) > 0 {
			return true, slices.Contains(aors, aor)
		}
		trunk, err := st.TrunkAtIP(ctx, ip)
		if err != nil {
			log.Warn("sip guard: trunk lookup", "error", err)
		}
		return trunk, false
	}
}
