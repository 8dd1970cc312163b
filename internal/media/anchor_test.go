package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/media/audio"
	"github.com/switchboard-pbx/switchboard/internal/sip/proxy"
)

func TestParseAndRewriteSDP(t *testing.T) {
	offer := "v=0\r\no=a 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" +
		"m=audio 4000 RTP/AVP 8 0 96\r\na=rtpmap:96 telephone-event/8000\r\n" +
		"m=video 5000 RTP/AVP 97\r\nc=IN IP4 10.0.0.9\r\n"
	s, ok := parseSDP([]byte(offer))
	if !ok || s.addr.String() != "10.0.0.1:4000" || fmt.Sprint(s.formats) != "[8 0 96]" || s.dtmfPT != 96 {
		t.Fatalf("parsed %+v %v", s, ok)
	}
	out := string(rewriteSDP([]byte(offer), "192.0.2.7", 31000))
	want := strings.NewReplacer("c=IN IP4 10.0.0.1", "c=IN IP4 192.0.2.7", "m=audio 4000", "m=audio 31000").Replace(offer)
	if out != want {
		t.Fatalf("rewritten:\n%q\nwant\n%q", out, want)
	}
	// A media-level address wins over the session's.
	s, ok = parseSDP([]byte("v=0\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 0\nc=IN IP4 10.0.0.2\n"))
	if !ok || s.addr.String() != "10.0.0.2:4000" || s.dtmfPT != 0 {
		t.Fatalf("parsed %+v", s)
	}
	for _, bad := range []string{"", "v=0\nm=audio 4000 RTP/AVP 0\n", "v=0\nc=IN IP4 10.0.0.1\nm=video 4000 RTP/AVP 0\n", "v=0\nc=IN IP4 x\nm=audio 0 RTP/AVP 0\n"} {
		if _, ok := parseSDP([]byte(bad)); ok {
			t.Fatalf("%q parsed", bad)
		}
	}
}

// rtpTestPacket is an RTP packet of payload type pt.
func rtpTestPacket(pt byte, seq uint16, ts uint32, payload []byte) []byte {
	p := make([]byte, 12, 12+len(payload))
	p[0], p[1] = 0x80, pt
	binary.BigEndian.PutUint16(p[2:], seq)
	binary.BigEndian.PutUint32(p[4:], ts)
	return append(p, payload...)
}

// An anchored leg: the callee hears the prompt and nothing it sends
// reaches the caller until its key (an RFC 4733 event, reported once
// although its end is sent three times); once connected, packets pass
// both ways unchanged.
func TestAnchorKeyThenRelay(t *testing.T) {
	e := &Engine{cfg: Config{IP: "127.0.0.1"}}
	prompt := audio.Tone(500, 1000)
	a, err := e.openAnchor(prompt)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	listen := func() *net.UDPConn {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	caller, callee := listen(), listen()
	sdp := func(c *net.UDPConn, formats string) []byte {
		return []byte(fmt.Sprintf("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio %d RTP/AVP %s\r\na=rtpmap:101 telephone-event/8000\r\n", port(c), formats))
	}
	offer, ok := a.Offer(sdp(caller, "0 8 101"))
	if s, _ := parseSDP(offer); !ok || s.addr.Port != port(a.toCallee) {
		t.Fatalf("offer to the callee: %q", offer)
	}
	if s, _ := parseSDP(a.Answer(sdp(callee, "8 101"))); s.addr.Port != port(a.toCaller) {
		t.Fatal("the answer to the caller does not name the anchor")
	}
	keys := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a.AwaitKey(ctx, keys)
	read := func(c *net.UDPConn, within time.Duration) []byte {
		buf := make([]byte, 1500)
		_ = c.SetReadDeadline(time.Now().Add(within))
		n, _, err := c.ReadFromUDP(buf)
		if err != nil {
			return nil
		}
		return buf[:n]
	}
	got := read(callee, time.Second)
	if len(got) != 12+frameSamples || got[1] != 8 || !bytes.Equal(got[12:], audio.Encode(nil, audio.PCMA, prompt[:frameSamples])) {
		t.Fatalf("the callee heard %d bytes, not the prompt in A-law", len(got))
	}
	calleeSide := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port(a.toCallee)}
	_, _ = callee.WriteToUDP(rtpTestPacket(8, 1, 160, make([]byte, 160)), calleeSide)
	if p := read(caller, 200*time.Millisecond); p != nil {
		t.Fatal("the caller got the callee's audio before the key")
	}
	for i := range 3 { // key 5, end of event, sent three times
		_, _ = callee.WriteToUDP(rtpTestPacket(101, uint16(2+i), 320, []byte{5, 0x80 | 10, 3, 0x20}), calleeSide)
	}
	select {
	case k := <-keys:
		if k != "5" {
			t.Fatalf("key %q", k)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no key")
	}
	a.Connect()
	hello := rtpTestPacket(8, 9, 1600, bytes.Repeat([]byte{0xd5}, 160))
	_, _ = callee.WriteToUDP(hello, calleeSide)
	for {
		p := read(caller, time.Second)
		if p == nil {
			t.Fatal("the caller did not get the callee's packet once connected")
		}
		if bytes.Equal(p, hello) {
			break
		}
	}
	_, _ = caller.WriteToUDP(hello, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port(a.toCaller)})
	for {
		p := read(callee, time.Second)
		if p == nil {
			t.Fatal("the callee did not get the caller's packet")
		}
		if bytes.Equal(p, hello) {
			break
		}
	}
	if len(a.keys) != 0 {
		t.Fatal("a second key from one event")
	}
}

// The recorder puts each party's packets on the call's timeline by RTP
// timestamp (a gap stays silent), starts a new stream (another SSRC) at
// its arrival time, and drops nothing but what lies beyond the limit.
func TestRecorderTimeline(t *testing.T) {
	start := time.Now()
	r := newRecorder(start)
	tone := audio.Encode(nil, audio.PCMU, audio.Tone(1000, 20))
	r.add(0, audio.PCMU, 1, 5000, tone, start)
	r.add(0, audio.PCMU, 1, 5000+480, tone, start.Add(60*time.Millisecond)) // 40 ms lost before it
	r.add(1, audio.PCMU, 2, 9, tone, start.Add(500*time.Millisecond))
	r.add(1, audio.PCMU, 3, 77777, tone, start.Add(time.Second)) // a new source
	wav, ok := r.wav()
	if !ok {
		t.Fatal("nothing recorded")
	}
	left, right := r.tracks[0].pcm, r.tracks[1].pcm
	loud := func(p []int16) bool {
		peak := int16(0)
		for _, v := range p {
			peak = max(peak, v, -v)
		}
		return peak > 1000
	}
	if len(left) != 640 || !loud(left[:160]) || loud(left[160:480]) || !loud(left[480:]) {
		t.Fatalf("caller's track: %d samples", len(left))
	}
	if len(right) != 8160 || loud(right[:4000]) || !loud(right[4000:4160]) || loud(right[4160:8000]) || !loud(right[8000:]) {
		t.Fatalf("callee's track: %d samples", len(right))
	}
	if len(wav) != 44+4*8160 {
		t.Fatalf("WAV of %d bytes", len(wav))
	}
	if _, ok := newRecorder(start).wav(); ok {
		t.Fatal("an empty recording was kept")
	}
}

// A recorded call whose recording user asks for the announcement: once
// connected, the caller hears it before anything the callee sends.
func TestAnchorAnnouncement(t *testing.T) {
	e := &Engine{cfg: Config{IP: "127.0.0.1"}}
	a, err := e.openAnchor(nil)
	if err != nil {
		t.Fatal(err)
	}
	a.announcement = audio.Tone(700, 200)
	a.spec = &proxy.Recording{UserIDs: []string{"u"}}
	defer func() { a.spec = nil; a.Close() }() // nothing to save: no directory
	caller, _ := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	callee, _ := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	defer caller.Close()
	defer callee.Close()
	sdp := func(c *net.UDPConn) []byte {
		return []byte(fmt.Sprintf("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio %d RTP/AVP 0\r\n", port(c)))
	}
	a.Offer(sdp(caller))
	a.Answer(sdp(callee))
	a.Connect()
	calleeSide := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port(a.toCallee)}
	_, _ = callee.WriteToUDP(rtpTestPacket(0, 1, 160, bytes.Repeat([]byte{0x7f}, 160)), calleeSide)
	buf := make([]byte, 1500)
	_ = caller.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, _, err := caller.ReadFromUDP(buf)
	if err != nil || !bytes.Equal(buf[12:n], audio.Encode(nil, audio.PCMU, a.announcement[:frameSamples])) {
		t.Fatalf("the caller's first packet is not the announcement (%v)", err)
	}
	time.Sleep(300 * time.Millisecond) // the announcement is over
	_, _ = callee.WriteToUDP(rtpTestPacket(0, 2, 320, bytes.Repeat([]byte{0x7f}, 160)), calleeSide)
	for {
		_ = caller.SetReadDeadline(time.Now().Add(time.Second))
		n, _, err := caller.ReadFromUDP(buf)
		if err != nil {
			t.Fatal("the callee's audio never reached the caller after the announcement")
		}
		if n > 4 && buf[2] == 0 && buf[3] == 2 {
			break
		}
	}
}
