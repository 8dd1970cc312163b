// Package transport is the network side of Switchboard's SIP server: the
// UDP, TCP and TLS listeners on sipgo, the filter that drops what ignored
// sources send before it is parsed, sipgo's logging, and the table of
// request handlers by method that the SIP features register into.
package transport

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/netlimit"
	"github.com/switchboard-pbx/switchboard/internal/sip/guard"
)

// Bounds of what a request may carry.
const (
	MaxMessageSize = 8192
	MaxHeaders     = 64
)

// Config configures a Transport.
type Config struct {
	Addr      string      // host:port for UDP and TCP; port 0 picks one
	TLSAddr   string      // host:port for TLS, with TLSConfig
	TLSConfig *tls.Config // nil: no TLS
	// Guard's banned sources are dropped unparsed, and their requests
	// never reach a handler (nil: none are).
	Guard *guard.Guard
	// Conns caps the TCP and TLS connections open at once, in all and
	// per source address (each listener; defaults below the file limit).
	Conns netlimit.Limits
	// Timeouts close TCP and TLS connections that send nothing useful.
	Timeouts Timeouts
	// FlowFailed, when set, is told of a TCP or TLS connection that
	// carried a binding (see Keep) and closed, from either end, while
	// the transport serves: the phone can no longer be reached by it. It
	// runs on the connection's goroutine.
	FlowFailed func(transport, source string)
	Now        func() time.Time
	Log        *slog.Logger
}

// Transport is the bound listeners of a SIP server, the user agent they
// feed and the handlers of requests by method.
type Transport struct {
	cfg    Config
	log    *slog.Logger
	guard  *guard.Guard
	now    func() time.Time
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	client *sipgo.Client
	udp    net.PacketConn
	tcp    net.Listener
	tls    net.Listener
	conns  *conns

	mu       sync.Mutex
	handlers map[sip.RequestMethod]bool // the methods registered
}

// Listen binds UDP and TCP on cfg.Addr (the same port for both) and TLS
// on cfg.TLSAddr when configured. Requests are answered once Serve runs.
func Listen(cfg Config) (*Transport, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Guard == nil {
		cfg.Guard = guard.New(0, 0, 0)
	}
	t := &Transport{cfg: cfg, log: cfg.Log, guard: cfg.Guard, now: cfg.Now, handlers: map[sip.RequestMethod]bool{},
		conns: &conns{tm: cfg.Timeouts.resolve(), now: time.Now, failed: cfg.FlowFailed, by: map[string]*streamConn{}}}
	if err := t.bind(); err != nil {
		return nil, err
	}
	if err := t.start(); err != nil {
		t.closeSockets()
		return nil, err
	}
	return t, nil
}

// start makes the user agent, the server and the client on the sockets.
func (t *Transport) start() error {
	parser := sip.NewParser()
	parser.MaxMessageLength = MaxMessageSize
	quiet := slog.New(quietHandler{t.log.Handler()})
	setSIPLogger.Do(func() { sip.SetDefaultLogger(quiet) })
	setUDPSize.Do(func() { sip.UDPMTUSize = MaxMessageSize + 200 })
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("Switchboard"), sipgo.WithUserAgentParser(parser),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet), sip.WithTransportLayerReadFilter(t.readFilter)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(quiet)))
	if err != nil {
		return err
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(quiet))
	if err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(t.Addr())
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname(host))
	if err != nil {
		return err
	}
	t.ua, t.srv, t.client = ua, srv, client
	return nil
}

// Handle has h answer the requests of method. Requests from sources the
// guard bans get no answer. Registering a method twice is a programming
// error and panics (two features would claim the same requests).
func (t *Transport) Handle(method sip.RequestMethod, h sipgo.RequestHandler) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.handlers[method] {
		panic(fmt.Sprintf("sip transport: a second handler for %s", method))
	}
	t.handlers[method] = true
	t.srv.OnRequest(method, func(req *sip.Request, tx sip.ServerTransaction) {
		if t.guard.Banned(guard.SourceIP(req.Source()), t.now()) {
			return
		}
		t.conns.seen(req.Transport(), req.Source())
		h(req, tx)
	})
}

// Keep holds the TCP or TLS connection that source (a request's
// Source) came in on open until until, however quiet it is: a
// registered binding is reached through it. A zero until lets the idle
// timeout apply again. until is on the transport's clock (Config.Now).
// Other transports are ignored.
func (t *Transport) Keep(transport, source string, until time.Time) {
	if !until.IsZero() {
		until = time.Now().Add(until.Sub(t.now()))
	}
	t.conns.keep(transport, source, until)
}

// FlowOpen tells whether the TCP or TLS connection that source came in
// on is still open (a phone's flow, RFC 5626); other transports always
// are.
func (t *Transport) FlowOpen(transport, source string) bool {
	switch transport {
	case "TCP", "TLS":
		return t.conns.open(transport, source)
	}
	return true
}

// StreamConns is the number of accepted TCP and TLS connections open.
func (t *Transport) StreamConns() int { return t.conns.count() }

// Client sends requests from the transport's sockets (a proxy's
// forwarded requests).
func (t *Transport) Client() *sipgo.Client { return t.client }

// Addr is the bound UDP and TCP address.
func (t *Transport) Addr() string { return t.udp.LocalAddr().String() }

// TLSAddr is the bound TLS address ("" without TLS).
func (t *Transport) TLSAddr() string {
	if t.tls == nil {
		return ""
	}
	return t.tls.Addr().String()
}

// Serve answers requests until ctx ends, then closes the sockets and the
// user agent.
func (t *Transport) Serve(ctx context.Context) error {
	var wg sync.WaitGroup
	serve := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil && ctx.Err() == nil {
				t.log.Error("sip transport stopped", "error", err)
			}
		}()
	}
	serve(func() error { return t.srv.ServeUDP(t.udp) })
	serve(func() error { return t.srv.ServeTCP(t.tcp) })
	if t.tls != nil {
		serve(func() error { return t.srv.ServeTLS(t.tls) })
	}
	<-ctx.Done()
	t.conns.stop()
	t.closeSockets()
	_ = t.ua.Close()
	wg.Wait()
	return nil
}

// Close releases the sockets of a transport that will not Serve.
func (t *Transport) Close() {
	t.conns.stop()
	t.closeSockets()
	if t.ua != nil {
		_ = t.ua.Close()
	}
}
