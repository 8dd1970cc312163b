package media

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/diago"
	dmedia "github.com/emiago/diago/media"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/media/audio"
	"github.com/switchboard-pbx/switchboard/internal/sip/proxy"
)

// frameSamples is one 20 ms RTP packet of 8 kHz audio.
const frameSamples = audio.Rate / 50

// call is an answered call's media: what we send (paced 20 ms packets
// in the negotiated G.711 law) and what we receive (audio kept while
// recording, and keys pressed, by RFC 4733 events or SIP INFO).
type call struct {
	d      *diago.DialogServerSession
	m      *diago.DialogMedia
	ctx    context.Context
	codec  audio.Codec
	writer *dmedia.RTPPacketWriter
	digits chan rune
	// prompts are the tenant's prompt set (see promptsFor).
	prompts Prompts
	// Stats: packets sent, and sent more than one frame (20 ms) later
	// than due after the previous one; packets read, and read more than
	// readLate behind the sender's pace (a busy engine reads late).
	sent, late         int
	received, readLate atomic.Int64

	mu        sync.Mutex
	recording bool
	rec       []byte // received G.711 while recording
	recCodec  audio.Codec
	recMax    int // bytes
}

// calls are the answered calls by Call-ID, for INFO requests.
type calls struct {
	mu sync.Mutex
	m  map[string]*call
}

// answer answers the INVITE (G.711 µ-law or A-law, RFC 4733 events,
// symmetric RTP so that a phone behind NAT hears us at the address it
// sends from), takes the tenant's prompts and starts reading what the
// caller sends.
func (e *Engine) answer(ctx context.Context, d *diago.DialogServerSession, tenantID string) (*call, error) {
	prompts := e.promptsFor(ctx, tenantID)
	m, err := d.Answer(diago.AnswerOptions{RTPNAT: dmedia.RTPNATSymetric,
		Codecs: []dmedia.Codec{dmedia.CodecAudioUlaw, dmedia.CodecAudioAlaw, dmedia.CodecTelephoneEvent8000}})
	if err != nil {
		return nil, err
	}
	c := &call{d: d, m: m, ctx: ctx, digits: make(chan rune, 32), codec: audio.PCMU, writer: m.RTPPacketWriter, prompts: prompts}
	if dmedia.CodecAudioFromSession(m.MediaSession()).PayloadType == uint8(audio.PCMA) {
		c.codec = audio.PCMA
	}
	dtmfPT := uint8(101)
	for _, cd := range m.MediaSession().CommonCodecs() {
		if cd.Matches(dmedia.CodecTelephoneEvent8000) {
			dtmfPT = cd.PayloadTypeRecv()
		}
	}
	id := d.InviteRequest.CallID().Value()
	e.calls.mu.Lock()
	e.calls.m[id] = c
	e.calls.mu.Unlock()
	go func() {
		<-ctx.Done()
		e.calls.mu.Lock()
		delete(e.calls.m, id)
		e.calls.mu.Unlock()
	}()
	go c.read(dtmfPT)
	n := e.sessions.Add(1)
	for p := e.peak.Load(); n > p && !e.peak.CompareAndSwap(p, n); p = e.peak.Load() {
	}
	return c, nil
}

// end hangs up (if the caller has not) and logs the call's packet counts.
func (e *Engine) end(c *call) {
	c.hangup()
	e.sessions.Add(-1)
	e.log.Info("media call ended", "call_id", c.d.InviteRequest.CallID().Value(), "sent", c.sent, "sent_late", c.late,
		"received", c.received.Load(), "received_late", c.readLate.Load(), "active", e.peak.Load())
}

// read takes the caller's packets until the call ends: audio while
// recording, and RFC 4733 key events (each reported once, at its end).
func (c *call) read(dtmfPT uint8) {
	r := c.m.RTPPacketReader
	buf := make([]byte, dmedia.RTPBufSize)
	var lastEvent uint32
	seen := false
	var pace pacer
	for {
		n, err := r.Read(buf)
		if err != nil {
			return
		}
		hdr := r.PacketHeader
		c.received.Add(1)
		if pace.late(time.Now(), hdr.SequenceNumber, n) {
			c.readLate.Add(1)
		}
		switch pt := hdr.PayloadType; {
		case pt == dtmfPT:
			var ev dmedia.DTMFEvent
			if dmedia.DTMFDecode(buf[:n], &ev) != nil || !ev.EndOfEvent || (seen && hdr.Timestamp == lastEvent) {
				continue
			}
			seen, lastEvent = true, hdr.Timestamp
			c.key(dmedia.DTMFToRune(ev.Event))
		case pt == uint8(audio.PCMU) || pt == uint8(audio.PCMA):
			c.mu.Lock()
			if c.recording && len(c.rec)+n <= c.recMax {
				if len(c.rec) == 0 {
					c.recCodec = audio.Codec(pt)
				}
				c.rec = append(c.rec, buf[:n]...)
			}
			c.mu.Unlock()
		}
	}
}

// key reports a key press (dropped when 32 are waiting).
func (c *call) key(r rune) {
	select {
	case c.digits <- r:
	default:
	}
}

// onInfo takes a key pressed and sent as SIP INFO in a call we answered
// (application/dtmf-relay "Signal=5", or application/dtmf "5").
func (e *Engine) onInfo(req *sip.Request, tx sip.ServerTransaction) {
	e.calls.mu.Lock()
	c := e.calls.m[req.CallID().Value()]
	e.calls.mu.Unlock()
	if c == nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		return
	}
	if k := proxy.DTMFKey(req); k != "" {
		c.key(rune(k[0]))
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
}

// errKey stops a playback when a key is pressed.
var errKey = errors.New("key pressed")

// play sends pcm to the caller in 20 ms packets. With interrupt, a key
// pressed stops it and is returned (and stays unread for the caller).
func (c *call) play(pcm []int16, interrupt bool) (rune, error) {
	c.writer.ResetTimestamp() // after a pause, the RTP clock jumps
	frame := make([]byte, 0, frameSamples)
	var last time.Time
	for i := 0; i < len(pcm); i += frameSamples {
		if c.ctx.Err() != nil {
			return 0, errHangup
		}
		if interrupt {
			select {
			case r := <-c.digits:
				return r, errKey
			default:
			}
		}
		end := min(i+frameSamples, len(pcm))
		frame = audio.Encode(frame[:0], c.codec, pcm[i:end])
		for len(frame) < frameSamples {
			frame = append(frame, audio.Encode(nil, c.codec, []int16{0})[0])
		}
		// A packet sent more than a frame (20 ms) after the previous one's
		// due time is late: a 20 ms jitter buffer could not hide the gap.
		// (diago's writer keeps a 20 ms clock and drops the ticks a stall
		// missed, so one stall counts once.)
		now := time.Now()
		if i > 0 && now.Sub(last) > 2*20*time.Millisecond {
			c.late++
		}
		last = now
		c.sent++
		if _, err := c.writer.Write(frame); err != nil {
			return 0, errHangup
		}
	}
	return 0, nil
}

// say plays named prompts of the call's tenant one after another
// (unknown names are skipped); a key pressed stops them when interrupt is
// set.
func (c *call) say(interrupt bool, names ...string) (rune, error) {
	var pcm []int16
	for _, n := range names {
		pcm = append(pcm, c.prompts[n]...)
	}
	return c.play(pcm, interrupt)
}

// hangup ends the call from our side.
func (c *call) hangup() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.d.Hangup(ctx)
}

// clearKeys forgets keys pressed before now.
func (c *call) clearKeys() {
	for {
		select {
		case <-c.digits:
		default:
			return
		}
	}
}

// waitKey waits up to d for a key; 0 when none came.
func (c *call) waitKey(d time.Duration) (rune, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case r := <-c.digits:
		return r, nil
	case <-t.C:
		return 0, nil
	case <-c.ctx.Done():
		return 0, errHangup
	}
}

// record keeps what the caller says until a key (returned), the hang-up
// or max, and returns it as 8 kHz samples.
func (c *call) record(max time.Duration) ([]int16, rune) {
	c.mu.Lock()
	c.recording, c.rec, c.recMax = true, c.rec[:0], int(max/time.Second)*audio.Rate
	c.mu.Unlock()
	key := rune(0)
	t := time.NewTimer(max)
	select {
	case key = <-c.digits:
	case <-c.ctx.Done():
	case <-t.C:
	}
	t.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recording = false
	pcm := audio.Decode(make([]int16, 0, len(c.rec)), c.recCodec, c.rec)
	c.rec = nil
	return pcm, key
}

// readLate is how far behind the sender's pace a packet may be read
// before it counts as late.
const readLate = 40 * time.Millisecond

// pacer follows the pace of the packets a caller sends: packet seq is
// due at anchor + (seq - anchorSeq)·ptime. A packet read earlier than due
// moves the anchor (the sender started late); one read later than due by
// readLate counts as late. A jump of the sequence (a new stream) starts
// over.
type pacer struct {
	set    bool
	anchor time.Time
	seq    uint16
}

func (p *pacer) late(now time.Time, seq uint16, payload int) bool {
	ptime := time.Duration(max(payload, 1)) * time.Second / 8000 // G.711: one byte a sample
	d := int16(seq - p.seq)
	if !p.set || d < 0 || d > 500 {
		p.set, p.anchor, p.seq = true, now, seq
		return false
	}
	due := p.anchor.Add(time.Duration(d) * ptime)
	if now.Before(due) {
		p.anchor, p.seq = now, seq
		return false
	}
	return now.Sub(due) > readLate
}
