package rtpengine

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// startRelay runs Debian's rtpengine in userspace on 127.0.0.1 with
// its RTP ports from portMin; it returns the ng control address.
func startRelay(t *testing.T, portMin int) string {
	t.Helper()
	bin, err := exec.LookPath("rtpengine")
	if err != nil {
		t.Skip("rtpengine is not installed (apt-get install -y rtpengine-daemon); .ci/run installs it")
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--interface=127.0.0.1", "--listen-ng="+addr, "--foreground", "--table=-1",
		"--log-stderr", fmt.Sprintf("--port-min=%d", portMin), fmt.Sprintf("--port-max=%d", portMin+99), "--delete-delay=0")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	c := New([]string{addr})
	for i := 0; ; i++ {
		if _, err := c.Do(context.Background(), addr, map[string]any{"command": "ping"}); err == nil {
			return addr
		} else if i == 20 {
			t.Fatalf("rtpengine does not answer: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

const offerSDP = "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n"

// TestRelay: against a real rtpengine, an offer comes back with the
// relay's address and a port of its range in place of the phone's; the
// answer likewise; a command the relay refuses is an error naming its
// reason; a deleted call is gone.
func TestRelay(t *testing.T) {
	addr := startRelay(t, 34000)
	c := New([]string{addr})
	ctx := context.Background()
	offer, err := c.Offer(ctx, "call-1", "ft", offerSDP)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(offer, "c=IN IP4 127.0.0.1") || !strings.Contains(offer, "m=audio 340") || strings.Contains(offer, "10.0.0.2") {
		t.Fatalf("offer:\n%s", offer)
	}
	answer, err := c.Answer(ctx, "call-1", "ft", "tt", strings.ReplaceAll(offerSDP, "10.0.0.2", "10.0.0.3"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(answer, "c=IN IP4 127.0.0.1") || strings.Contains(answer, "10.0.0.3") {
		t.Fatalf("answer:\n%s", answer)
	}
	if err := c.Delete(ctx, "call-1", "ft"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, addr, map[string]any{"command": "query", "call-id": "call-1"}); err == nil {
		t.Fatal("the deleted call is still there")
	}
	if _, err := c.Answer(ctx, "never-offered", "ft", "tt", offerSDP); err == nil {
		t.Fatal("an answer to no offer was accepted")
	}
}

// TestRelayTimeout: a relay that does not answer is an error within the
// client's time, after retransmissions.
func TestRelayTimeout(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	got := make(chan int, 1)
	go func() {
		n := 0
		buf := make([]byte, 2048)
		for {
			_ = pc.SetReadDeadline(time.Now().Add(time.Second))
			if _, _, err := pc.ReadFrom(buf); err != nil {
				got <- n
				return
			}
			n++
		}
	}()
	c := New([]string{pc.LocalAddr().String()})
	c.Timeout, c.Retry = 600*time.Millisecond, 200*time.Millisecond
	start := time.Now()
	if _, err := c.Offer(context.Background(), "x", "ft", offerSDP); err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("offer to a silent relay: %v after %v", err, time.Since(start))
	}
	if n := <-got; n < 3 {
		t.Fatalf("%d datagrams sent, want retransmissions", n)
	}
}

// TestFor: a Call-ID always goes to the same relay, and calls spread
// over all of them.
func TestFor(t *testing.T) {
	c := New([]string{"a:1", "b:1", "c:1"})
	seen := map[string]int{}
	for i := 0; i < 300; i++ {
		id := fmt.Sprintf("call-%d@host", i)
		if c.For(id) != c.For(id) {
			t.Fatal("unstable choice")
		}
		seen[c.For(id)]++
	}
	for _, a := range []string{"a:1", "b:1", "c:1"} {
		if seen[a] < 50 {
			t.Fatalf("spread %v", seen)
		}
	}
	if _, err := ParseAddrs("127.0.0.1:2223, 10.0.0.9:2223"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "127.0.0.1", "host:", ":22"} {
		if _, err := ParseAddrs(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
