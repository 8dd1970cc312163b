package registrar

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Config configures the registrar.
type Config struct {
	Addr      string      // host:port for UDP and TCP; port 0 picks one
	TLSAddr   string      // host:port for TLS, with TLSConfig
	TLSConfig *tls.Config // nil: no TLS
	Limits    Limits
	NonceTTL  time.Duration // default 5 minutes
	// FailLimit failures from one source IP within FailWindow make the
	// registrar ignore it for Ban (FailLimit 0: never).
	FailLimit  int
	FailWindow time.Duration
	Ban        time.Duration
	SweepEvery time.Duration // default 30 s
	// KeyPressWait is how long a forwarded call's answerer has to press
	// a key when the user requires it (default 20 s).
	KeyPressWait time.Duration
	Now          func() time.Time
	Log          *slog.Logger
	Store        *store.Store
	// Router, when set, makes the server a proxy for INVITEs.
	Router Router
}

// Bounds of what a request may carry.
const (
	MaxMessageSize = 8192
	MaxHeaders     = 64
	maxValueLen    = 1024
)

// Server is a running registrar.
type Server struct {
	cfg    Config
	st     *store.Store
	log    *slog.Logger
	now    func() time.Time
	nonces *Nonces
	guard  *Guard
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	udp    net.PacketConn
	tcp    net.Listener
	tls    net.Listener

	digestMu sync.Mutex
	digests  map[string]digestEntry
	trunks   map[string]trunkEntry // source IP:port -> tenant (nil: none)

	router  Router
	client  *sipgo.Client
	dialogs dialogs
	keys    keyWaits
}

// New prepares a registrar without binding sockets (tests and fuzzing
// call Handle directly).
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	if cfg.NonceTTL == 0 {
		cfg.NonceTTL = 5 * time.Minute
	}
	if cfg.KeyPressWait == 0 {
		cfg.KeyPressWait = 20 * time.Second
	}
	if cfg.SweepEvery == 0 {
		cfg.SweepEvery = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	secret, err := cfg.Store.NodeSecret(ctx, "sip_nonce_key")
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("sip nonce key: %w", err)
	}
	return &Server{cfg: cfg, st: cfg.Store, log: cfg.Log.With("component", "sip"), now: cfg.Now,
		nonces: NewNonces(key, cfg.NonceTTL), guard: NewGuard(cfg.FailLimit, cfg.FailWindow, cfg.Ban),
		digests: map[string]digestEntry{}, trunks: map[string]trunkEntry{}, router: cfg.Router, keys: keyWaits{m: map[string]chan string{}}, dialogs: dialogs{m: map[string]*call{}, st: cfg.Store, now: cfg.Now, log: cfg.Log.With("component", "sip")}}, nil
}

// Listen binds UDP and TCP on cfg.Addr (the same port for both) and TLS
// on cfg.TLSAddr when configured.
func Listen(ctx context.Context, cfg Config) (*Server, error) {
	s, err := New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := s.bind(); err != nil {
		return nil, err
	}
	parser := sip.NewParser()
	parser.MaxMessageLength = MaxMessageSize
	quiet := slog.New(quietHandler{s.log.Handler()})
	setSIPLogger.Do(func() { sip.SetDefaultLogger(quiet) })
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("Switchboard"), sipgo.WithUserAgentParser(parser),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet), sip.WithTransportLayerReadFilter(s.readFilter)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(quiet)))
	if err != nil {
		s.closeSockets()
		return nil, err
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(quiet))
	if err != nil {
		s.closeSockets()
		return nil, err
	}
	host, _, _ := net.SplitHostPort(s.Addr())
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname(host))
	if err != nil {
		s.closeSockets()
		return nil, err
	}
	s.ua, s.srv, s.client = ua, srv, client
	srv.OnRegister(s.onRegister)
	srv.OnOptions(s.onOptions)
	if s.router != nil {
		srv.OnInvite(s.onInvite)
		srv.OnAck(s.onInDialog)
		srv.OnBye(s.onInDialog)
		srv.OnInfo(s.onInDialog)
		for _, m := range []sip.RequestMethod{sip.UPDATE, sip.REFER, sip.NOTIFY, sip.PRACK, sip.MESSAGE} {
			srv.OnRequest(m, s.onInDialog)
		}
	}
	return s, nil
}

func (s *Server) bind() error {
	host, port, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("sip address %q: %w", s.cfg.Addr, err)
	}
	// With port 0 the UDP port is picked first and TCP takes the same one;
	// retry when another program holds it for TCP.
	for attempt := 0; ; attempt++ {
		udp, err := net.ListenPacket("udp", s.cfg.Addr)
		if err != nil {
			return fmt.Errorf("cannot listen for SIP on udp %s: %w", s.cfg.Addr, err)
		}
		tcpAddr := net.JoinHostPort(host, strconv.Itoa(udp.LocalAddr().(*net.UDPAddr).Port))
		tcp, err := net.Listen("tcp", tcpAddr)
		if err != nil {
			udp.Close()
			if port == "0" && attempt < 10 {
				continue
			}
			return fmt.Errorf("cannot listen for SIP on tcp %s: %w", tcpAddr, err)
		}
		s.udp, s.tcp = udp, tcp
		break
	}
	if s.cfg.TLSConfig != nil {
		ln, err := tls.Listen("tcp", s.cfg.TLSAddr, s.cfg.TLSConfig)
		if err != nil {
			s.closeSockets()
			return fmt.Errorf("cannot listen for SIP on tls %s: %w", s.cfg.TLSAddr, err)
		}
		s.tls = ln
	}
	return nil
}

func (s *Server) closeSockets() {
	for _, c := range []interface{ Close() error }{s.udp, s.tcp, s.tls} {
		if c != nil {
			_ = c.Close()
		}
	}
}

// Addr is the bound UDP and TCP address.
func (s *Server) Addr() string { return s.udp.LocalAddr().String() }

// TLSAddr is the bound TLS address ("" without TLS).
func (s *Server) TLSAddr() string {
	if s.tls == nil {
		return ""
	}
	return s.tls.Addr().String()
}

// Serve answers until ctx ends, sweeping expired bindings meanwhile.
func (s *Server) Serve(ctx context.Context) error {
	var wg sync.WaitGroup
	serve := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil && ctx.Err() == nil {
				s.log.Error("sip transport stopped", "error", err)
			}
		}()
	}
	serve(func() error { return s.srv.ServeUDP(s.udp) })
	serve(func() error { return s.srv.ServeTCP(s.tcp) })
	if s.tls != nil {
		serve(func() error { return s.srv.ServeTLS(s.tls) })
	}
	ticker := time.NewTicker(s.cfg.SweepEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			s.closeSockets()
			_ = s.ua.Close()
			wg.Wait()
			return nil
		case <-ticker.C:
			if err := s.st.SweepActiveCalls(ctx, s.now().Add(-maxCallAge)); err != nil && ctx.Err() == nil {
				s.log.Warn("sweep active calls", "error", err)
			}
			if n, err := s.st.SweepBindings(ctx, s.now()); err != nil && ctx.Err() == nil {
				s.log.Warn("sweep bindings", "error", err)
			} else if n > 0 {
				s.log.Debug("swept expired bindings", "count", n)
			}
		}
	}
}

func (s *Server) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	ip := sourceIP(req.Source())
	if s.guard.Banned(ip, s.now()) {
		return
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	res.AppendHeader(sip.NewHeader("Allow", "REGISTER, OPTIONS, INVITE, ACK, BYE, CANCEL"))
	res.AppendHeader(sip.NewHeader("Accept", "application/sdp"))
	_ = tx.Respond(res)
}

func (s *Server) onRegister(req *sip.Request, tx sip.ServerTransaction) {
	if res := s.Handle(context.Background(), req); res != nil {
		if err := tx.Respond(res); err != nil {
			s.log.Debug("sip respond", "error", err)
		}
	}
}

// readFilter drops, before parsing, what an ignored source sends.
func (s *Server) readFilter(p sip.TransportReadProps, data []byte) ([]byte, error) {
	if p.RemoteAddr != nil && s.guard.Banned(sourceIP(p.RemoteAddr.String()), s.now()) {
		return nil, nil
	}
	return data, nil
}

var setSIPLogger sync.Once

// quietHandler logs sipgo's messages at debug level without the raw
// message data (which a peer controls and which may be large).
type quietHandler struct{ h slog.Handler }

func (q quietHandler) Enabled(ctx context.Context, _ slog.Level) bool {
	return q.h.Enabled(ctx, slog.LevelDebug)
}

func (q quietHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, slog.LevelDebug, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "data" && a.Key != "msg" {
			out.AddAttrs(a)
		}
		return true
	})
	return q.h.Handle(ctx, out)
}

func (q quietHandler) WithAttrs(as []slog.Attr) slog.Handler { return quietHandler{q.h.WithAttrs(as)} }

func (q quietHandler) WithGroup(name string) slog.Handler { return quietHandler{q.h.WithGroup(name)} }

func sourceIP(src string) string {
	host, _, err := net.SplitHostPort(src)
	if err != nil {
		return src
	}
	return host
}

// aor is the address of record of a REGISTER: the To header's URI.
type aor struct{ ext, domain string }

func (a aor) String() string { return "sip:" + a.ext + "@" + a.domain }

// Handle answers one REGISTER; nil means no answer (an ignored source).
func (s *Server) Handle(ctx context.Context, req *sip.Request) *sip.Response {
	now := s.now()
	src := req.Source()
	ip := sourceIP(src)
	if s.guard.Banned(ip, now) {
		return nil
	}
	if req.Method != sip.REGISTER {
		return sip.NewResponseFromRequest(req, 405, "Method Not Allowed", nil)
	}
	r, a, bad := s.parse(req, now)
	if bad != "" {
		return sip.NewResponseFromRequest(req, 400, bad, nil)
	}
	u, fail, stale := s.authenticate(ctx, req, a, now)
	if u == nil {
		s.failed(req, a, fail, now)
		return s.challenge(req, a, stale, now, false)
	}
	if len(r.Contacts) == 0 {
		list, err := s.st.ListBindings(ctx, u.TenantID, u.UserID, now)
		if err != nil {
			s.log.Error("sip list bindings", "error", err)
			return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil)
		}
		return s.ok(req, list, now)
	}
	var out Outcome
	var final []store.Binding
	errRefused := errors.New("refused")
	err := s.st.UpdateBindings(ctx, u.TenantID, u.UserID, now, func(locked *store.SIPUser, current []store.Binding) ([]store.Binding, error) {
		if !locked.Enabled || !locked.TenantEnabled {
			out = Outcome{Status: StatusForbidden, Reason: "Forbidden"}
			return nil, errRefused
		}
		final, out = Apply(current, r, locked.MaxBindings, s.cfg.Limits)
		if out.Status != StatusOK {
			return nil, errRefused
		}
		for i := range final {
			final[i].TenantID, final[i].UserID = u.TenantID, u.UserID
		}
		return final, nil
	})
	switch {
	case errors.Is(err, errRefused):
		res := sip.NewResponseFromRequest(req, out.Status, out.Reason, nil)
		if out.Status == StatusIntervalTooBrief {
			res.AppendHeader(sip.NewHeader("Min-Expires", strconv.Itoa(out.MinExpires)))
		}
		if out.Status == StatusForbidden {
			s.log.Info("sip registration refused", "source", src, "aor", a.String(), "reason", out.Reason)
		}
		return res
	case errors.Is(err, model.ErrNotFound):
		return s.challenge(req, a, false, now, false)
	case err != nil:
		s.log.Error("sip update bindings", "error", err)
		return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil)
	}
	return s.ok(req, final, now)
}

// parse checks a REGISTER's headers and reads its contacts.
func (s *Server) parse(req *sip.Request, now time.Time) (*Request, aor, string) {
	if len(req.Headers()) > MaxHeaders {
		return nil, aor{}, "Too Many Headers"
	}
	to, from, callID, cseq := req.To(), req.From(), req.CallID(), req.CSeq()
	if to == nil || from == nil || callID == nil || cseq == nil || req.Via() == nil {
		return nil, aor{}, "Missing Mandatory Header"
	}
	if cseq.MethodName != sip.REGISTER {
		return nil, aor{}, "CSeq Method Mismatch"
	}
	a := aor{ext: to.Address.User, domain: strings.ToLower(to.Address.Host)}
	if a.ext == "" || a.domain == "" || len(a.ext) > 64 || len(a.domain) > 253 || (to.Address.Scheme != "sip" && to.Address.Scheme != "sips") {
		return nil, aor{}, "Bad Address Of Record"
	}
	if len(callID.Value()) > 256 {
		return nil, aor{}, "Call-ID Too Long"
	}
	r := &Request{CallID: callID.Value(), CSeq: cseq.SeqNo, Expires: -1, Source: req.Source(),
		Transport: strings.ToUpper(req.Transport()), Now: now}
	if h := req.GetHeader("Expires"); h != nil {
		v, ok := parseDelta(h.Value())
		if !ok {
			return nil, aor{}, "Bad Expires"
		}
		r.Expires = v
	}
	if h := req.GetHeader("User-Agent"); h != nil {
		r.UserAgent = clip(h.Value(), 256)
	}
	for _, h := range req.GetHeaders("Contact") {
		ch, ok := h.(*sip.ContactHeader)
		if !ok {
			return nil, aor{}, "Bad Contact"
		}
		if len(r.Contacts) == MaxContacts {
			return nil, aor{}, "Too Many Contacts"
		}
		c := Contact{Expires: -1, Wildcard: ch.Address.Wildcard}
		if !c.Wildcard {
			if ch.Address.Host == "" {
				return nil, aor{}, "Bad Contact"
			}
			c.URI = ch.Address.String()
		}
		if v, ok := ch.Params.Get("expires"); ok {
			d, ok := parseDelta(v)
			if !ok {
				return nil, aor{}, "Bad Contact Expires"
			}
			c.Expires = d
		}
		c.Instance, _ = ch.Params.Get("+sip.instance")
		c.Instance = strings.Trim(c.Instance, `"`)
		c.RegID, _ = ch.Params.Get("reg-id")
		if c.Q, _ = ch.Params.Get("q"); c.Q != "" {
			if f, err := strconv.ParseFloat(c.Q, 64); err != nil || f < 0 || f > 1 || len(c.Q) > 5 {
				return nil, aor{}, "Bad Contact q"
			}
		}
		c.Push = ch.Params.Has("pn-provider")
		stored := ch.Clone()
		stored.Params.Remove("expires")
		c.Value = stored.Value()
		if len(c.Value) > maxValueLen || len(c.Instance) > 200 || len(c.RegID) > 10 {
			return nil, aor{}, "Contact Too Long"
		}
		r.Contacts = append(r.Contacts, c)
	}
	return r, a, ""
}

// parseDelta reads delta-seconds; huge values saturate.
func parseDelta(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 20 || strings.Trim(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > 1<<31-1 {
		return 1<<31 - 1, true
	}
	return int(n), true
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// authenticate checks the request's digest credentials against the
// address of record. It returns the user, or why it failed ("" when the
// request simply had no credentials) and whether the nonce was stale.
func (s *Server) authenticate(ctx context.Context, req *sip.Request, a aor, now time.Time) (*store.SIPUser, string, bool) {
	return s.authenticateAs(ctx, req, a, "Authorization", now)
}

// authenticateAs is authenticate with the credentials of header (Proxy-
// Authorization for INVITEs).
func (s *Server) authenticateAs(ctx context.Context, req *sip.Request, a aor, header string, now time.Time) (*store.SIPUser, string, bool) {
	h := req.GetHeader(header)
	if h == nil {
		return nil, "", false
	}
	c, err := ParseCredentials(h.Value())
	if err != nil {
		return nil, "malformed credentials", false
	}
	u, err := s.st.SIPUserByAOR(ctx, a.domain, a.ext)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		s.log.Error("sip user lookup", "error", err)
		return nil, "lookup error", false
	}
	alg := c.Algorithm
	if alg == "" {
		alg = AlgMD5 // RFC 2617: no algorithm means MD5
	}
	alg = strings.ToUpper(alg)
	// Work out the expected response even for unknown users, so that all
	// failures take about as long.
	ha1, offered := "", false
	if u != nil {
		ha1 = u.Credentials.HA1SHA256
		if alg == AlgMD5 {
			ha1 = u.Credentials.HA1MD5
		}
		offered = algorithmOffered(u.SIPDigest, alg)
	}
	if alg != AlgMD5 && alg != AlgSHA256 {
		return nil, "unsupported algorithm", false
	}
	match := ResponseMatches(ExpectedResponse(alg, ha1, string(req.Method), c), c.Response)
	switch {
	case u == nil:
		return nil, "unknown address of record", false
	case !u.Enabled || !u.TenantEnabled:
		return nil, "user or tenant disabled", false
	case c.Username != a.ext:
		return nil, "authentication user does not match the address of record", false
	case c.Realm != a.domain:
		return nil, "wrong realm", false
	case !offered:
		return nil, "algorithm not offered to this tenant", false
	case !strings.EqualFold(c.QOP, "auth"):
		return nil, "qop=auth missing", false
	case ha1 == "" || !match:
		return nil, "wrong password", false
	}
	switch s.nonces.Check(c.Nonce, now) {
	case NonceInvalid:
		return nil, "nonce not issued here", false
	case NonceStale:
		return nil, "", true
	}
	if !s.nonces.Use(c.Nonce, c.NC, now) {
		return nil, "", true // a replayed nonce count: ask again
	}
	return u, "", false
}

func algorithmOffered(setting, alg string) bool {
	switch setting {
	case model.SIPDigestSHA256:
		return alg == AlgSHA256
	default:
		return alg == AlgSHA256 || alg == AlgMD5
	}
}

// challenge is the 401 everyone gets who has not authenticated: the same
// for unknown extensions, disabled users and wrong passwords. The offered
// algorithms depend only on the tenant (the domain), never on the user.
// failed logs a failed authentication (reason "" is none: the request
// had no credentials) and counts it against the source.
func (s *Server) failed(req *sip.Request, a aor, reason string, now time.Time) {
	if reason == "" {
		return
	}
	s.log.Warn("sip authentication failed", "source", req.Source(), "aor", a.String(), "reason", reason, "method", string(req.Method))
	ip := sourceIP(req.Source())
	if s.guard.Fail(ip, now) {
		s.log.Warn("sip source ignored after repeated failures", "source_ip", ip, "for", s.guard.Ban.String())
	}
}

// challenge is the answer to a request without valid credentials: 401
// with WWW-Authenticate, or for a proxy (INVITE) 407 with
// Proxy-Authenticate.
func (s *Server) challenge(req *sip.Request, a aor, stale bool, now time.Time, proxy bool) *sip.Response {
	code, reason, header := 401, "Unauthorized", "WWW-Authenticate"
	if proxy {
		code, reason, header = 407, "Proxy Authentication Required", "Proxy-Authenticate"
	}
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	order := []string{AlgSHA256, AlgMD5}
	switch s.digestSetting(a.domain, now) {
	case model.SIPDigestMD5:
		order = []string{AlgMD5, AlgSHA256}
	case model.SIPDigestSHA256:
		order = []string{AlgSHA256}
	}
	for _, alg := range order {
		res.AppendHeader(sip.NewHeader(header, Challenge(alg, a.domain, s.nonces.Issue(now), stale)))
	}
	return res
}

// digestCacheTTL is how long a tenant's sip_digest setting is reused for
// challenges (checking an answer always reads it fresh).
const digestCacheTTL = 5 * time.Second

type digestEntry struct {
	setting string
	until   time.Time
}

// digestSetting returns the tenant's sip_digest ("" for an unknown
// domain), cached briefly: every REGISTER without credentials needs it.
func (s *Server) digestSetting(domain string, now time.Time) string {
	s.digestMu.Lock()
	e, ok := s.digests[domain]
	s.digestMu.Unlock()
	if ok && now.Before(e.until) {
		return e.setting
	}
	setting, err := s.st.TenantSIPDigest(context.Background(), domain)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		s.log.Warn("sip digest setting", "error", err)
		return ""
	}
	s.digestMu.Lock()
	if len(s.digests) >= 10000 { // unknown domains cannot grow it without bound
		clear(s.digests)
	}
	s.digests[domain] = digestEntry{setting: setting, until: now.Add(digestCacheTTL)}
	s.digestMu.Unlock()
	return setting
}

// ok is the 200 listing every binding with its remaining time.
func (s *Server) ok(req *sip.Request, list []store.Binding, now time.Time) *sip.Response {
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

// Close releases the sockets of a server that will not Serve.
func (s *Server) Close() {
	s.closeSockets()
	if s.ua != nil {
		_ = s.ua.Close()
	}
}
