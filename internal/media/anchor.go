package media

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/media/audio"
	"github.com/switchboard-pbx/switchboard/internal/sip/proxy"
)

// Media anchoring: for a leg that needs media from Switchboard (a
// require_key_press leg, a recorded call), the proxy puts an anchor's
// addresses in the SDP both ways, so both parties send their RTP here.
// The anchor is a plain packet relay with two UDP sockets, one facing
// the caller and one the callee: while a key is awaited, the callee hears
// the key-press prompt from it and its RFC 4733 events are read (nothing
// reaches the caller, who has no answer yet); once connected, packets
// pass unchanged both ways (no decoding, no jitter buffer), and are
// decoded only when the call is recorded (see recorder), after the
// caller heard the announcement when the recording user asks for one.
// Other calls are not anchored.
//
// Once anchored, a leg stays anchored until the call ends: moving the
// media back end to end would take a re-INVITE, which a proxy cannot
// send inside a dialog whose CSeq numbering belongs to the caller. A
// re-INVITE or UPDATE of either party (hold, resume, a new address) is
// rewritten like the first offer and answer (see proxy.anchoredOffer).

// anchorIdle closes an anchor that relayed nothing for this long (a call
// whose BYE this node never saw).
const anchorIdle = 10 * time.Minute

// anchor is one leg's relay.
type anchor struct {
	e      *Engine
	prompt []int16
	// ip is the address put in SDP; toCaller and toCallee are the
	// sockets that face each party (the caller's SDP names toCallee's
	// port to the callee, and the other way round).
	ip                 string
	toCaller, toCallee *net.UDPConn

	mu                sync.Mutex
	caller, callee    *net.UDPAddr // where each party receives
	callerIP          net.IP       // as its SDP said (a source elsewhere: behind NAT)
	calleeIP          net.IP
	calleeLaw         audio.Codec
	dtmfPT            uint8
	connected, closed bool

	// Recording: spec (nil: not recorded), the tenant, the recorder from
	// the answer on, and the announcement the caller hears first (the
	// callee's audio reaches the caller after it).
	spec         *proxy.Recording
	tenantID     string
	rec          *recorder
	announcement []int16
	announcing   bool

	keys      chan rune
	last      atomic.Int64 // unix nanoseconds of the last packet
	done      chan struct{}
	closeOnce sync.Once
}

// NewAnchor opens an anchor for a leg of the tenant's call (proxy.Media's
// Anchor), which records the call when rec is set; the prompts are the
// tenant's.
func (e *Engine) NewAnchor(ctx context.Context, tenantID string, rec *proxy.Recording) (proxy.Anchor, error) {
	prompts := e.promptsFor(ctx, tenantID)
	a, err := e.openAnchor(prompts["kp-press-a-key"])
	if err != nil {
		return nil, err
	}
	a.spec, a.tenantID = rec, tenantID
	if rec != nil && rec.Announce {
		a.announcement = prompts["rec-announcement"]
	}
	return a, nil
}

// openAnchor binds an anchor's sockets and starts relaying.
func (e *Engine) openAnchor(prompt []int16) (*anchor, error) {
	a := &anchor{e: e, ip: e.cfg.IP, prompt: prompt, keys: make(chan rune, 1), done: make(chan struct{}), dtmfPT: 101, calleeLaw: audio.PCMU}
	if e.cfg.PublicIP != "" {
		a.ip = e.cfg.PublicIP
	}
	var err error
	if a.toCaller, err = e.listenRTP(); err != nil {
		return nil, err
	}
	if a.toCallee, err = e.listenRTP(); err != nil {
		a.toCaller.Close()
		return nil, err
	}
	a.last.Store(time.Now().UnixNano())
	go a.relay(a.toCaller, true)
	go a.relay(a.toCallee, false)
	go a.watch()
	return a, nil
}

// listenRTP binds a UDP socket for RTP: in --rtp-port-min..max when set.
func (e *Engine) listenRTP() (*net.UDPConn, error) {
	lo, hi := e.cfg.PortMin, e.cfg.PortMax
	if lo <= 0 || hi < lo {
		return net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(e.cfg.IP)})
	}
	var err error
	for range 50 {
		port := lo + rand.IntN(hi-lo+1)
		var c *net.UDPConn
		if c, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(e.cfg.IP), Port: port}); err == nil {
			return c, nil
		}
	}
	return nil, errors.Join(errors.New("media: no free RTP port for an anchor"), err)
}

func port(c *net.UDPConn) int { return c.LocalAddr().(*net.UDPAddr).Port }

// Offer implements proxy.Anchor: the caller's offer as the callee gets it.
func (a *anchor) Offer(sdp []byte) ([]byte, bool) {
	s, ok := parseSDP(sdp)
	if !ok || s.addr.IP.IsUnspecified() { // 0.0.0.0: an old-style hold
		return nil, false
	}
	a.mu.Lock()
	a.caller, a.callerIP = s.addr, s.addr.IP
	if s.dtmfPT != 0 {
		a.dtmfPT = s.dtmfPT
	}
	a.mu.Unlock()
	return rewriteSDP(sdp, a.ip, port(a.toCallee)), true
}

// Answer implements proxy.Anchor: it learns where the callee receives,
// in which law, and returns the answer as the caller gets it.
func (a *anchor) Answer(sdp []byte) []byte {
	s, ok := parseSDP(sdp)
	if !ok || s.addr.IP.IsUnspecified() {
		return sdp
	}
	a.mu.Lock()
	a.callee, a.calleeIP = s.addr, s.addr.IP
	for _, f := range s.formats {
		if f == uint8(audio.PCMU) || f == uint8(audio.PCMA) {
			a.calleeLaw = audio.Codec(f)
			break
		}
	}
	if s.dtmfPT != 0 {
		a.dtmfPT = s.dtmfPT
	}
	a.mu.Unlock()
	return rewriteSDP(sdp, a.ip, port(a.toCaller))
}

// AwaitKey implements proxy.Anchor: the callee hears the prompt (again
// after a second's pause) until it presses a key, reported on keys, or
// ctx ends.
func (a *anchor) AwaitKey(ctx context.Context, keys chan<- string) {
	go func() {
		select {
		case k := <-a.keys:
			select {
			case keys <- string(k):
			default:
			}
		case <-ctx.Done():
		case <-a.done:
		}
	}()
	go a.playPrompt(ctx)
}

// playPrompt sends the prompt to the callee in 20 ms packets, over and
// over (a second's pause between), until ctx ends, a key comes or the leg
// is connected.
func (a *anchor) playPrompt(ctx context.Context) {
	if len(a.prompt) == 0 {
		return
	}
	a.mu.Lock()
	law := a.calleeLaw
	a.mu.Unlock()
	pcm := append(append([]int16(nil), a.prompt...), make([]int16, audio.Rate)...)
	a.send(ctx, a.toCallee, law, pcm, true, func() (*net.UDPAddr, bool) {
		return a.callee, !a.connected && len(a.keys) == 0
	})
}

// send plays pcm from socket out in 20 ms packets of law (over and over
// with loop) while more, called under a.mu, says where and whether to go
// on; until ctx ends or the anchor closes.
func (a *anchor) send(ctx context.Context, out *net.UDPConn, law audio.Codec, pcm []int16, loop bool, more func() (*net.UDPAddr, bool)) {
	pkt := make([]byte, 12, 12+frameSamples)
	pkt[0], pkt[1] = 0x80, byte(law)
	binary.BigEndian.PutUint32(pkt[8:], rand.Uint32())
	seq, ts := uint16(rand.Uint32()), rand.Uint32()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < len(pcm); i += frameSamples {
		select {
		case <-ctx.Done():
			return
		case <-a.done:
			return
		case <-tick.C:
		}
		a.mu.Lock()
		to, goOn := more()
		a.mu.Unlock()
		if !goOn {
			return
		}
		binary.BigEndian.PutUint16(pkt[2:], seq)
		binary.BigEndian.PutUint32(pkt[4:], ts)
		seq, ts = seq+1, ts+frameSamples
		if to != nil {
			_, _ = out.WriteToUDP(audio.Encode(pkt[:12], law, pcm[i:min(i+frameSamples, len(pcm))]), to)
		}
		if loop && i+frameSamples >= len(pcm) {
			i = -frameSamples
		}
	}
}

// Connect implements proxy.Anchor: packets pass both ways from now on;
// a recorded call's recording starts, after the announcement the caller
// hears when there is one (the callee's audio reaches the caller after
// it).
func (a *anchor) Connect() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.connected {
		return
	}
	a.connected = true
	if a.spec == nil {
		return
	}
	a.rec = newRecorder(time.Now())
	if len(a.announcement) > 0 {
		a.announcing = true
		law := a.calleeLaw // the caller got the callee's answer
		go func() {
			a.send(context.Background(), a.toCaller, law, a.announcement, false, func() (*net.UDPAddr, bool) { return a.caller, true })
			a.mu.Lock()
			a.announcing = false
			a.mu.Unlock()
		}()
	}
}

// Close implements proxy.Anchor.
func (a *anchor) Close() {
	a.closeOnce.Do(func() {
		a.mu.Lock()
		a.closed = true
		rec := a.rec
		a.mu.Unlock()
		close(a.done)
		a.toCaller.Close()
		a.toCallee.Close()
		if rec != nil {
			a.e.saveRecording(a.tenantID, a.spec, rec, time.Now())
		}
	})
}

// watch closes the anchor after anchorIdle without a packet.
func (a *anchor) watch() {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-a.done:
			return
		case <-t.C:
			if time.Since(time.Unix(0, a.last.Load())) > anchorIdle {
				a.Close()
				return
			}
		}
	}
}

// relay reads one socket: from the caller (fromCaller) or the callee.
// What a party sends goes to the other once connected; the callee's key
// events are read while a key is awaited. A party whose packets come
// from another host than its SDP named is behind NAT: it is answered
// where it sends from (symmetric RTP).
func (a *anchor) relay(in *net.UDPConn, fromCaller bool) {
	buf := make([]byte, 1500)
	var lastEvent uint32
	seenEvent := false
	for {
		n, src, err := in.ReadFromUDP(buf)
		if err != nil {
			return
		}
		if n < 12 || buf[0]>>6 != 2 {
			continue
		}
		a.last.Store(time.Now().UnixNano())
		a.mu.Lock()
		a.latch(src, fromCaller)
		connected, dtmfPT, rec := a.connected, a.dtmfPT, a.rec
		out, to := a.toCaller, a.caller
		if fromCaller {
			out, to = a.toCallee, a.callee
		} else if a.announcing {
			to = nil // the caller hears the announcement first
		}
		a.mu.Unlock()
		hdr := rtpHeaderLen(buf[:n])
		if !fromCaller && !connected && hdr > 0 && buf[1]&0x7F == dtmfPT && n >= hdr+4 {
			ts := binary.BigEndian.Uint32(buf[4:])
			if buf[hdr+1]&0x80 != 0 && (!seenEvent || ts != lastEvent) { // the event's end, once
				seenEvent, lastEvent = true, ts
				if k := eventKey(buf[hdr]); k != 0 {
					select {
					case a.keys <- k:
					default:
					}
				}
			}
		}
		if connected && to != nil {
			_, _ = out.WriteToUDP(buf[:n], to)
		}
		if rec != nil && hdr > 0 {
			if pt := audio.Codec(buf[1] & 0x7F); pt == audio.PCMU || pt == audio.PCMA {
				ch := 1
				if fromCaller {
					ch = 0
				}
				rec.add(ch, pt, binary.BigEndian.Uint32(buf[8:]), binary.BigEndian.Uint32(buf[4:]), buf[hdr:n], time.Now())
			}
		}
	}
}

// latch answers a party behind NAT where it sends from (under a.mu).
func (a *anchor) latch(src *net.UDPAddr, fromCaller bool) {
	if fromCaller {
		if a.caller != nil && !a.callerIP.Equal(src.IP) && !a.caller.IP.Equal(src.IP) {
			a.caller = src
		}
		return
	}
	if a.callee != nil && !a.calleeIP.Equal(src.IP) && !a.callee.IP.Equal(src.IP) {
		a.callee = src
	}
}

// rtpHeaderLen is the length of an RTP packet's header (with CSRCs and
// extension), 0 when the packet is shorter.
func rtpHeaderLen(p []byte) int {
	n := 12 + 4*int(p[0]&0x0F)
	if p[0]&0x10 != 0 {
		if len(p) < n+4 {
			return 0
		}
		n += 4 + 4*int(binary.BigEndian.Uint16(p[n+2:]))
	}
	if n > len(p) {
		return 0
	}
	return n
}

// eventKey is the key of an RFC 4733 event (0 for other events).
func eventKey(ev byte) rune {
	switch {
	case ev <= 9:
		return rune('0' + ev)
	case ev == 10:
		return '*'
	case ev == 11:
		return '#'
	case ev >= 12 && ev <= 15:
		return rune('A' + ev - 12)
	}
	return 0
}

// String names the anchor's ports (for logs).
func (a *anchor) String() string {
	return "anchor " + a.ip + " caller side " + strconv.Itoa(port(a.toCaller)) + " callee side " + strconv.Itoa(port(a.toCallee))
}
