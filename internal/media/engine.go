// Package media is the part of Switchboard that answers calls itself:
// voicemail (leaving a message, and the mailbox by phone) with its
// prompts, playback and recording. It runs on diago (RTP, SDP, G.711,
// RFC 4733 events) over sipgo, as a user agent of its own that listens on
// an internal SIP address: the proxy forwards a call there (with the
// mailbox as the Request-URI's user, the Diversion header and a token
// that only this node's proxy knows), so the call keeps the proxy's
// record-route, call records and relaying, and media flows between the
// phone and this engine. It reaches data through the directory service.
package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/diago"
	dmedia "github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/sip/proxy"
)

// HandoffHeader carries, from the proxy to the engine, the node's token,
// the tenant and (for calls from an extension) the caller's extension:
// "token=T;tenant=ID;caller=EXT". The proxy always sets it itself, so a
// caller cannot forge it.
const HandoffHeader = "X-Switchboard-Media"

// Feature codes of the mailbox by phone.
const (
	CodeOwnMailbox = "*97" // the caller's own mailbox
	CodeAnyMailbox = "*98" // asks which mailbox, then its PIN
)

// Config configures an Engine.
type Config struct {
	// IP is the address RTP binds to and the internal SIP listener uses;
	// PublicIP, when set, is the address put in SDP instead (1:1 NAT).
	IP       string
	PublicIP string
	// SIPPort is the internal SIP listener's UDP port (0: a free one).
	SIPPort int
	// PortMin and PortMax bound the RTP ports (0, 0: any).
	PortMin, PortMax int
	Directory        *directory.Service
	Log              *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Engine answers the calls the proxy hands it.
type Engine struct {
	cfg     Config
	dir     *directory.Service
	log     *slog.Logger
	now     func() time.Time
	dg      *diago.Diago
	srv     *sipgo.Server
	ua      *sipgo.UserAgent
	addr    string
	token   string
	prompts Prompts
	calls   calls
	cache   *audioCache
	active  sync.WaitGroup
	// sessions counts the answered calls in progress; peak is the most
	// at once.
	sessions, peak atomic.Int64
}

// New sets an Engine up and binds nothing yet (see Serve).
func New(cfg Config) (*Engine, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ip := net.ParseIP(cfg.IP)
	if ip == nil || ip.IsUnspecified() {
		return nil, fmt.Errorf("media: %q is not an IP address to bind RTP to", cfg.IP)
	}
	prompts, err := LoadPrompts()
	if err != nil {
		return nil, fmt.Errorf("media prompts: %w", err)
	}
	port := cfg.SIPPort
	if port == 0 {
		if port, err = freeUDPPort(cfg.IP); err != nil {
			return nil, err
		}
	}
	tok := make([]byte, 16)
	_, _ = rand.Read(tok)
	e := &Engine{cfg: cfg, dir: cfg.Directory, log: cfg.Log.With("component", "media"), now: cfg.Now, prompts: prompts,
		token: hex.EncodeToString(tok), addr: net.JoinHostPort(cfg.IP, strconv.Itoa(port)),
		calls: calls{m: map[string]*call{}}, cache: newAudioCache(64)}
	// The RTP port range is a setting of diago's media package as a
	// whole (one engine per process).
	dmedia.RTPPortStart, dmedia.RTPPortEnd = cfg.PortMin, cfg.PortMax
	e.ua, err = sipgo.NewUA(sipgo.WithUserAgent("switchboard-voicemail"))
	if err != nil {
		return nil, err
	}
	e.srv, err = sipgo.NewServer(e.ua)
	if err != nil {
		return nil, err
	}
	tr := diago.Transport{Transport: "udp", BindHost: cfg.IP, BindPort: port}
	if cfg.PublicIP != "" {
		tr.MediaExternalIP = net.ParseIP(cfg.PublicIP)
	}
	e.dg = diago.NewDiago(e.ua, diago.WithTransport(tr), diago.WithServer(e.srv), diago.WithLogger(e.log),
		diago.WithServerRequestMiddleware(e.guard))
	// diago answers INFO on calls it answers with 406; DTMF by INFO (RFC
	// 2976 application/dtmf-relay) is handled here instead.
	e.srv.OnInfo(e.onInfo)
	return e, nil
}

// freeUDPPort finds a UDP port free on ip.
func freeUDPPort(ip string) (int, error) {
	c, err := net.ListenPacket("udp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("media: cannot bind UDP on %s: %w", ip, err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

// Addr is the internal SIP address (host:port, UDP) the proxy forwards to.
func (e *Engine) Addr() string { return e.addr }

// Token is the secret the proxy puts in HandoffHeader.
func (e *Engine) Token() string { return e.token }

// Serve answers calls until ctx ends, then waits (a few seconds at most)
// for the calls in progress to end.
func (e *Engine) Serve(ctx context.Context) error {
	if err := e.dg.ServeBackground(ctx, e.serveCall); err != nil {
		return fmt.Errorf("media: listen on %s: %w", e.addr, err)
	}
	e.log.Info("media engine listening", "sip", e.addr)
	<-ctx.Done()
	done := make(chan struct{})
	go func() { e.active.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return nil
}

// guard lets through new INVITEs only with this node's token (requests
// inside dialogs are matched to the calls diago knows).
func (e *Engine) guard(next sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		if req.IsInvite() {
			if _, ok := req.To().Params.Get("tag"); !ok {
				if h := parseHandoff(req); h.token != e.token {
					_ = tx.Respond(sip.NewResponseFromRequest(req, 403, "Forbidden", nil))
					return
				}
			}
		}
		next(req, tx)
	}
}

// handoff is what the proxy says about a call.
type handoff struct {
	token, tenant, caller string
}

func parseHandoff(req *sip.Request) handoff {
	var h handoff
	hdr := req.GetHeader(HandoffHeader)
	if hdr == nil {
		return h
	}
	for _, part := range strings.Split(hdr.Value(), ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "token":
			h.token = v
		case "tenant":
			h.tenant = v
		case "caller":
			h.caller = v
		}
	}
	return h
}

// HandoffValue is the HandoffHeader value the proxy sends.
func HandoffValue(token, tenantID, callerExt string) string {
	return "token=" + token + ";tenant=" + tenantID + ";caller=" + callerExt
}

// serveCall answers one call: a feature code opens a mailbox, anything
// else leaves a message in the mailbox of the Request-URI's extension.
func (e *Engine) serveCall(d *diago.DialogServerSession) {
	e.active.Add(1)
	defer e.active.Done()
	req := d.InviteRequest
	h := parseHandoff(req)
	user := req.Recipient.User
	ctx := d.Context()
	var err error
	switch user {
	case CodeOwnMailbox, CodeAnyMailbox:
		err = e.mailboxByPhone(ctx, d, h, user == CodeOwnMailbox)
	default:
		err = e.deposit(ctx, d, h, user)
	}
	if err != nil && !errors.Is(err, errHangup) && ctx.Err() == nil {
		e.log.Warn("media call", "call_id", req.CallID().Value(), "error", err.Error())
	}
}

// errHangup ends a call's handling when the caller has hung up.
var errHangup = errors.New("the caller hung up")

// ProxyHandoff is how the node's proxy reaches this engine.
func (e *Engine) ProxyHandoff() *proxy.Media {
	return &proxy.Media{Addr: e.addr, Codes: []string{CodeOwnMailbox, CodeAnyMailbox}, Anchor: e.NewAnchor,
		Handoff: func(tenantID, callerExt string) sip.Header {
			return sip.NewHeader(HandoffHeader, HandoffValue(e.token, tenantID, callerExt))
		}}
}
