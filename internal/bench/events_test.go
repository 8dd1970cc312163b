package bench

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/app"
	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// Event subscriptions held by one node, on SQLite and (when
// SWITCHBOARD_TEST_POSTGRES is set) PostgreSQL:
//
//	go test -run '^$' -bench Subscriptions -benchtime 50x ./internal/bench
const (
	subsTotal    = 10_000 // subscriptions the node holds
	subsUsers    = 100    // users of the tenant (extensions 1000-1099)
	subsWatchers = 100    // phones watching one busy lamp
	subsSockets  = 50     // UDP sockets of the phones (200 subscriptions each)
	subsPassword = "Bench-sip-pw-1"
)

// subPhones are the benchmark's phones: UDP sockets that SUBSCRIBE,
// answer every NOTIFY with 200 and count the NOTIFYs per watched user.
type subPhones struct {
	server  *net.UDPAddr
	socks   []*net.UDPConn
	mu      sync.Mutex
	waiting map[string]chan *sip.Response // Call-ID -> the SUBSCRIBE's answer
	counts  sync.Map                      // watched extension -> *atomic.Int64 of NOTIFYs
	total   atomic.Int64
}

func (p *subPhones) count(ext string) *atomic.Int64 {
	v, _ := p.counts.LoadOrStore(ext, new(atomic.Int64))
	return v.(*atomic.Int64)
}

// read answers NOTIFYs and hands responses to their waiting SUBSCRIBE.
func (p *subPhones) read(c *net.UDPConn) {
	buf := make([]byte, 65535)
	for {
		n, from, err := c.ReadFromUDP(buf)
		if err != nil {
			return
		}
		msg, err := sip.ParseMessage(buf[:n])
		if err != nil {
			continue
		}
		switch m := msg.(type) {
		case *sip.Request:
			res := sip.NewResponseFromRequest(m, 200, "OK", nil)
			_, _ = c.WriteToUDP([]byte(res.String()), from)
			p.count(m.To().Address.User).Add(1) // the watcher's To is its own; the entity is in the From
			p.count("from:" + m.From().Address.User).Add(1)
			p.total.Add(1)
		case *sip.Response:
			p.mu.Lock()
			ch := p.waiting[m.CallID().Value()]
			p.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		}
	}
}

// subscribe makes one subscription of ext to target's pkg from sock.
func (p *subPhones) subscribe(sock *net.UDPConn, ext, target, pkg string) error {
	callID := fmt.Sprintf("%d-%s-%s-%s@bench", time.Now().UnixNano(), ext, target, pkg)
	ch := make(chan *sip.Response, 4)
	p.mu.Lock()
	p.waiting[callID] = ch
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.waiting, callID)
		p.mu.Unlock()
	}()
	send := func(cseq int, authz string) (*sip.Response, error) {
		var b strings.Builder
		fmt.Fprintf(&b, "SUBSCRIBE sip:%s@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%d%s;rport\r\n", target, domain, sock.LocalAddr(), cseq, callID)
		fmt.Fprintf(&b, "From: <sip:%s@%s>;tag=t%s\r\nTo: <sip:%s@%s>\r\nCall-ID: %s\r\nCSeq: %d SUBSCRIBE\r\n", ext, domain, ext, target, domain, callID, cseq)
		fmt.Fprintf(&b, "Contact: <sip:%s@%s>\r\nEvent: %s\r\nExpires: 3600\r\nMax-Forwards: 70\r\n%sContent-Length: 0\r\n\r\n", ext, sock.LocalAddr(), pkg, authz)
		for try := 0; try < 10; try++ { // UDP: sent again (same branch) until answered
			if _, err := sock.WriteToUDP([]byte(b.String()), p.server); err != nil {
				return nil, err
			}
			select {
			case res := <-ch:
				return res, nil
			case <-time.After(2 * time.Second):
			}
		}
		return nil, fmt.Errorf("no answer to SUBSCRIBE %s", callID)
	}
	res, err := send(1, "")
	if err != nil {
		return err
	}
	var nonce string
	for _, h := range res.GetHeaders("WWW-Authenticate") {
		if strings.Contains(h.Value(), "algorithm=MD5") {
			nonce = strings.SplitN(strings.SplitN(h.Value(), `nonce="`, 2)[1], `"`, 2)[0]
		}
	}
	uri := "sip:" + target + "@" + domain
	md5hex := func(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
	resp := md5hex(md5hex(ext+":"+domain+":"+subsPassword) + ":" + nonce + ":00000001:c0ffee:auth:" + md5hex("SUBSCRIBE:"+uri))
	authz := fmt.Sprintf("Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", response=\"%s\", algorithm=MD5, cnonce=\"c0ffee\", qop=auth, nc=00000001\r\n",
		ext, domain, nonce, uri, resp)
	if res, err = send(2, authz); err != nil {
		return err
	}
	if res.StatusCode != 200 {
		return fmt.Errorf("SUBSCRIBE %s to %s's %s: %d", ext, target, pkg, res.StatusCode)
	}
	return nil
}

// startSubsNode starts a node whose bounds let the benchmark's phones
// hold subsTotal subscriptions, with subsUsers users.
func startSubsNode(b *testing.B, dsn string) (*app.App, string) {
	b.Helper()
	cfg := &config.Config{DataDir: b.TempDir(), DB: dsn, HTTPAddr: "127.0.0.1:0", SIPAddr: "127.0.0.1:0",
		AdminPassword: adminPassword, LogLevel: "warn", SIP: config.DefaultSIPSettings}
	cfg.SIP.SubsPerUser, cfg.SIP.SubsPerDevice, cfg.SIP.FailLimit = subsTotal, subsTotal, 0
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Start(ctx, cfg, log, app.Options{HashParams: &auth.FastParams, Out: io.Discard})
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	b.Cleanup(func() {
		cancel()
		<-done
	})
	c := newClient()
	base := "http://" + a.HTTPAddr()
	sys := signIn(b, c, base, "admin", adminPassword, "")
	m := mustCall(b, c, 201, "POST", base+"/api/tenants", sys, map[string]any{"name": "Bench", "domain": domain,
		"admin": map[string]any{"name": "boss", "password": bossPassword, "email": "boss@" + domain, "extension_number": "100"}})
	tenant := m["id"].(string)
	users := make([]model.User, subsUsers)
	for i := range users {
		ext := strconv.Itoa(1000 + i)
		u := model.User{ID: model.NewID(), TenantID: tenant, Name: "user" + ext, ExtensionNumber: ext}
		u.Enabled, u.Email = true, "user"+ext+"@"+domain
		model.ApplyUserDefaults(&u)
		u.SIP = auth.SIPCredentials(ext, domain, subsPassword)
		users[i] = u
	}
	if err := a.Store().BulkInsertUsers(context.Background(), users); err != nil {
		b.Fatal(err)
	}
	return a, tenant
}

// BenchmarkSubscriptions: a node holds subsTotal subscriptions (100
// phones on one busy lamp, the rest message-waiting and presence spread
// over the users); "lamp" is the time for one call state change to reach
// the lamp's 100 watchers, "burst" the NOTIFYs per second when every
// user's mailbox changes at once.
func BenchmarkSubscriptions(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			if kind == "postgres" && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip(storetest.EnvPostgres + " is not set")
			}
			benchSubscriptions(b, storetest.DSN(b, kind))
		})
	}
}

func benchSubscriptions(b *testing.B, dsn string) {
	a, tenant := startSubsNode(b, dsn)
	p := &subPhones{waiting: map[string]chan *sip.Response{}}
	var err error
	if p.server, err = net.ResolveUDPAddr("udp", a.SIPAddr()); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < subsSockets; i++ {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			b.Fatal(err)
		}
		_ = c.SetReadBuffer(4 << 20)
		b.Cleanup(func() { c.Close() })
		p.socks = append(p.socks, c)
		go p.read(c)
	}
	heap := heapNow()
	start := time.Now()
	if err := p.subscribeAll(); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	held := a.SIP().Notifier().Count()
	b.Logf("%d subscriptions in %v (%.0f/s), %.1f KiB of heap each", held, took.Round(time.Millisecond),
		float64(held)/took.Seconds(), float64(heapNow()-heap)/float64(held)/1024)
	waitTotal(b, p, int64(held)) // every first NOTIFY answered
	b.Run("lamp", func(b *testing.B) { benchLamp(b, a.Store(), p, tenant) })
	b.Run("burst", func(b *testing.B) { benchBurst(b, a.Store(), p, tenant) })
}

// subscribeAll makes the subscriptions, 200 per socket, sockets in
// parallel; the first two of each socket watch extension 1000's lamp.
func (p *subPhones) subscribeAll() error {
	var g sync.WaitGroup
	errs := make(chan error, len(p.socks))
	per := subsTotal / len(p.socks)
	for si, sock := range p.socks {
		g.Add(1)
		go func() {
			defer g.Done()
			for j := 0; j < per; j++ {
				n := si*per + j
				ext := strconv.Itoa(1000 + n%subsUsers)
				target, pkg := "1000", "dialog"
				switch {
				case j < subsWatchers/len(p.socks): // the lamp's watchers, on every socket
				case n%2 == 0:
					target, pkg = ext, "message-summary"
				default:
					target, pkg = strconv.Itoa(1000+(n/2)%subsUsers), "presence"
				}
				if err := p.subscribe(sock, ext, target, pkg); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	g.Wait()
	close(errs)
	return <-errs
}

func heapNow() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func waitTotal(b *testing.B, p *subPhones, want int64) {
	b.Helper()
	for deadline := time.Now().Add(60 * time.Second); p.total.Load() < want; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d NOTIFYs answered, want %d", p.total.Load(), want)
		}
	}
}

// benchLamp: each op is a call to extension 1000 ringing, then ending;
// each state reaches the 100 watchers (the time of the slower reported).
func benchLamp(b *testing.B, st *store.Store, p *subPhones, tenant string) {
	ctx := context.Background()
	_, users, err := st.ListUsers(ctx, tenant, nil)
	if err != nil {
		b.Fatal(err)
	}
	var id string
	for _, u := range users {
		if u.ExtensionNumber == "1000" {
			id = u.ID
		}
	}
	lamp := p.count("from:1000")
	var worst time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		callID := "bench-" + strconv.Itoa(i)
		for _, change := range []func() error{
			func() error {
				return st.SetCallLeg(ctx, store.CallLeg{CallID: callID, TenantID: tenant, UserID: id, Direction: store.LegRecipient,
					State: store.LegEarly, Peer: "1001", StartedAt: time.Now()})
			},
			func() error { return st.EndCall(ctx, callID) },
		} {
			before := lamp.Load()
			t0 := time.Now()
			if err := change(); err != nil {
				b.Fatal(err)
			}
			for lamp.Load() < before+subsWatchers {
				time.Sleep(50 * time.Microsecond)
			}
			worst = max(worst, time.Since(t0))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(2*b.N)/1000, "ms/state")
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms-worst")
}

// benchBurst: each op changes every user's mailbox at once; the node
// sends one NOTIFY to each message-waiting subscription.
func benchBurst(b *testing.B, st *store.Store, p *subPhones, tenant string) {
	ctx := context.Background()
	_, users, err := st.ListUsers(ctx, tenant, nil)
	if err != nil {
		b.Fatal(err)
	}
	var mwi int64
	per := subsTotal / subsSockets
	for n := 0; n < subsTotal; n++ {
		if n%per >= subsWatchers/subsSockets && n%2 == 0 {
			mwi++
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := p.total.Load()
		evs := make([]store.Event, 0, len(users))
		for _, u := range users {
			evs = append(evs, store.Event{Kind: store.EventMailbox, TenantID: tenant, ID: u.ID})
		}
		if err := st.Publish(ctx, evs...); err != nil {
			b.Fatal(err)
		}
		for deadline := time.Now().Add(time.Minute); p.total.Load() < before+mwi; time.Sleep(100 * time.Microsecond) {
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d NOTIFYs", p.total.Load()-before, mwi)
			}
		}
	}
	b.ReportMetric(float64(mwi*int64(b.N))/b.Elapsed().Seconds(), "notifies/s")
}
