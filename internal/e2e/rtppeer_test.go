package e2e

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/media/audio"
)

// rtpPeer is the media side of a test phone: it keeps the G.711 audio it
// receives (what the caller hears) and sends RFC 4733 key events read
// from Debian's sipp captures, from the one socket (symmetric RTP).
type rtpPeer struct {
	t    *testing.T
	conn *net.UDPConn
	mu   sync.Mutex
	got  []byte // received payload bytes, in order
	law  byte   // payload type of the received audio
	to   *net.UDPAddr
	seq  uint16
	ts   uint32
}

func newRTPPeer(t *testing.T) *rtpPeer {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	p := &rtpPeer{t: t, conn: c, seq: 1000, ts: 80000}
	t.Cleanup(func() { c.Close() })
	go p.read()
	return p
}

// Port is where the peer receives (the SDP's m= line).
func (p *rtpPeer) Port() int { return p.conn.LocalAddr().(*net.UDPAddr).Port }

func (p *rtpPeer) read() {
	buf := make([]byte, 2048)
	for {
		n, from, err := p.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		if n < 12 || buf[0]>>6 != 2 {
			continue
		}
		pt := buf[1] & 0x7F
		if pt != 0 && pt != 8 {
			continue
		}
		p.mu.Lock()
		p.to, p.law = from, pt
		p.got = append(p.got, buf[12:n]...)
		p.mu.Unlock()
	}
}

// heard is the audio received so far, as the caller's phone decodes it.
func (p *rtpPeer) received() ([]byte, byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]byte(nil), p.got...), p.law
}

// waitFor waits until the audio received contains the prompts' sound
// (the engine's exact G.711 of them), after position from; it returns
// the position after it.
func (p *rtpPeer) waitFor(from int, pcm []int16, what string, within time.Duration) int {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		got, law := p.received()
		if len(got) > from {
			want := audio.Encode(nil, audio.Codec(law), pcm)
			if len(want) > 4000 {
				want = want[:4000] // half a second identifies a prompt
			}
			if i := bytes.Index(got[from:], want); i >= 0 {
				return from + i + len(want)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("the caller did not hear %s within %v", what, within)
	return 0
}

// press sends a key as the RFC 4733 packets of Debian's capture
// dtmf_2833_<name>.pcap, with this peer's sequence numbers, timestamp
// and SSRC, at the capture's 20 ms pace.
func (p *rtpPeer) press(keys string) {
	p.t.Helper()
	for _, k := range keys {
		name := string(k)
		switch k {
		case '#':
			name = "pound"
		case '*':
			name = "star"
		}
		pkts := pcapRTP(p.t, needPcap(p.t, "dtmf_2833_"+name+".pcap"))
		p.ts += 8000
		for _, pkt := range pkts {
			out := append([]byte(nil), pkt...)
			binary.BigEndian.PutUint16(out[2:], p.seq)
			binary.BigEndian.PutUint32(out[4:], p.ts)
			binary.BigEndian.PutUint32(out[8:], 0x5e5e5e5e)
			p.seq++
			p.mu.Lock()
			to := p.to
			p.mu.Unlock()
			if to == nil {
				p.t.Fatal("no RTP from the server yet")
			}
			if _, err := p.conn.WriteToUDP(out, to); err != nil {
				p.t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pcapRTP returns the UDP payloads (RTP packets) of an Ethernet/IPv4
// capture.
func pcapRTP(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || len(data) < 24 || binary.LittleEndian.Uint32(data[20:]) != 1 {
		t.Fatalf("%s: not an Ethernet pcap: %v", path, err)
	}
	var out [][]byte
	for off := 24; off+16 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[off+8:]))
		frame := data[off+16 : off+16+n]
		off += 16 + n
		if len(frame) < 14+20+8 || binary.BigEndian.Uint16(frame[12:]) != 0x0800 {
			continue
		}
		ihl := int(frame[14]&0x0F) * 4
		if frame[14+9] != 17 { // UDP
			continue
		}
		out = append(out, frame[14+ihl+8:])
	}
	if len(out) == 0 {
		t.Fatalf("%s: no packets", path)
	}
	return out
}

// sdpPort names a fixed media port in a scenario's SDP.
func sdpPort(scenario string, port int) string {
	return strings.ReplaceAll(scenario, "m=audio [media_port]", fmt.Sprintf("m=audio %d", port))
}
