package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/rtpengine"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// relay is Debian's rtpengine run in userspace for a test.
type relay struct {
	ng      string // control address
	portMin int    // its RTP ports are portMin..portMin+99
	logs    *syncBuffer
}

// startRTPEngine runs rtpengine on ip with a port range of its own.
func startRTPEngine(t *testing.T, ip string) *relay {
	t.Helper()
	bin := needTool(t, "rtpengine")
	var r [1]byte
	_, _ = rand.Read(r[:])
	rl := &relay{ng: fmt.Sprintf("%s:%d", ip, freePort(t)), portMin: 30000 + 100*int(r[0]%90), logs: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--interface="+ip, "--listen-ng="+rl.ng, "--foreground", "--table=-1", "--log-stderr",
		fmt.Sprintf("--port-min=%d", rl.portMin), fmt.Sprintf("--port-max=%d", rl.portMin+99), "--delete-delay=0", "--log-level=6")
	cmd.Stdout, cmd.Stderr = rl.logs, rl.logs
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	for i := 0; ; i++ {
		if _, err := rl.do(map[string]any{"command": "ping"}); err == nil {
			return rl
		} else if i == 30 {
			t.Fatalf("rtpengine does not answer: %v\n%s", err, rl.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (rl *relay) do(cmd map[string]any) (map[string]any, error) {
	return rtpengine.New([]string{rl.ng}).Do(context.Background(), rl.ng, cmd)
}

// calls are the Call-IDs the relay holds.
func (rl *relay) calls() []any {
	res, err := rl.do(map[string]any{"command": "list"})
	if err != nil {
		return []any{err.Error()}
	}
	calls, _ := res["calls"].([]any)
	return calls
}

// portRegexp matches an m=audio line with one of the relay's ports.
func (rl *relay) portRegexp() string { return fmt.Sprintf("m=audio %d[0-9][0-9] ", rl.portMin/100) }

// echoPeer is a phone's RTP socket: it counts what it receives, by
// source, and sends each packet back where it came from (symmetric RTP).
type echoPeer struct {
	conn *net.UDPConn
	mu   sync.Mutex
	from map[string]int
}

func newEchoPeer(t *testing.T) *echoPeer {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	e := &echoPeer{conn: c, from: map[string]int{}}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			n, addr, err := c.ReadFromUDP(buf)
			if err != nil {
				return
			}
			e.mu.Lock()
			e.from[addr.String()]++
			e.mu.Unlock()
			_, _ = c.WriteToUDP(buf[:n], addr)
		}
	}()
	return e
}

func (e *echoPeer) port() int { return e.conn.LocalAddr().(*net.UDPAddr).Port }

func (e *echoPeer) sources() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for k, v := range e.from {
		out[k] = v
	}
	return out
}

// relayedCallee answers a call (sipp out-of-call scenario) from behind
// NAT: its Contact is private, its SDP names the echo peer; the INVITE's
// SDP must name a relay port (offerRegexp). The caller then puts it on
// hold: that re-INVITE's SDP must be the relay's too, and sendonly.
func relayedCallee(offerRegexp string, mediaPort int) string {
	return relayedCalleeWith(offerRegexp, calleeMedia{contact: "10.99.0.1:[local_port]", addr: "127.0.0.1", port: strconv.Itoa(mediaPort)})
}

// calleeMedia is what a relayed callee puts in its answers: its Contact's
// host:port, its SDP's address and port, and what it does once the call
// is up (play, a sipp action such as playing a capture).
type calleeMedia struct{ contact, addr, port, play string }

// relayedCalleeWith is relayedCallee answering with m.
func relayedCalleeWith(offerRegexp string, m calleeMedia) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="callee behind NAT with media">
  <recv request="INVITE" rrs="true">
    <action>
      <ereg regexp="%[1]s" search_in="body" check_it="true" assign_to="offer"/>
    </action>
  </recv>
  <send retrans="500">
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:202@%[3]s>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- 1 1 IN IP4 %[4]s
      s=-
      c=IN IP4 %[4]s
      t=0 0
      m=audio %[2]s RTP/AVP 8
      a=rtpmap:8 PCMA/8000

    ]]>
  </send>
  <recv request="ACK"/>
%[5]s  <recv request="INVITE">
    <action>
      <ereg regexp="%[1]s" search_in="body" check_it="true" assign_to="reoffer"/>
      <ereg regexp="a=sendonly" search_in="body" check_it="true" assign_to="held"/>
    </action>
  </recv>
  <send retrans="500">
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:202@%[3]s>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- 1 2 IN IP4 %[4]s
      s=-
      c=IN IP4 %[4]s
      t=0 0
      m=audio %[2]s RTP/AVP 8
      a=rtpmap:8 PCMA/8000
      a=recvonly

    ]]>
  </send>
  <recv request="ACK"/>
  <recv request="BYE"/>
`+uasByeOK+`  <Reference variables="offer,reoffer,held"/>
</scenario>
`, offerRegexp, m.port, m.contact, m.addr, m.play)
}

// relayedCaller is testdata/sipp/uac_auth.xml offering PCMA, checking
// that the answer's SDP names a relay port (answerRegexp), and playing
// Debian's G.711 A-law capture to the answer's address for 3 s; then it
// puts the callee on hold (re-INVITE, sendonly), whose answer must name
// a relay port too and be recvonly, and hangs up.
func relayedCaller(t *testing.T, answerRegexp string) string {
	t.Helper()
	pcap := "/usr/share/sip-tester/g711a.pcap"
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("%s is missing (apt-get install -y sip-tester)", pcap)
	}
	raw, err := os.ReadFile("testdata/sipp/uac_auth.xml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(raw), "RTP/AVP 0\n      a=rtpmap:0 PCMU/8000", "RTP/AVP 8\n      a=rtpmap:8 PCMA/8000")
	text = strings.Replace(text, `<recv response="200" rrs="true"/>`, `<recv response="200" rrs="true">
    <action>
      <ereg regexp="`+answerRegexp+`" search_in="body" check_it="true" assign_to="answer"/>
    </action>
  </recv>`, 1)
	text = strings.Replace(text, `<pause milliseconds="300"/>`, `<nop>
    <action>
      <exec play_pcap_audio="`+pcap+`"/>
    </action>
  </nop>
  <pause milliseconds="3000"/>
  <send retrans="500">
    <![CDATA[

      INVITE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 3 INVITE
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687638 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8
      a=rtpmap:8 PCMA/8000
      a=sendonly

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200">
    <action>
      <ereg regexp="`+answerRegexp+`" search_in="body" check_it="true" assign_to="reanswer"/>
      <ereg regexp="a=recvonly" search_in="body" check_it="true" assign_to="holding"/>
    </action>
  </recv>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 3 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`, 1)
	text = strings.Replace(text, "CSeq: 3 BYE", "CSeq: 4 BYE", 1)
	text = strings.Replace(text, "</scenario>", `  <Reference variables="answer,reanswer,holding"/>
</scenario>`, 1)
	sf := filepath.Join(t.TempDir(), "caller.xml")
	if err := os.WriteFile(sf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return sf
}

// TestRelayedCall: with --rtpengine, a call to a phone behind NAT has
// its media anchored in Debian's rtpengine: the callee is offered, and
// the caller answered, SDP with the relay's address; the caller's RTP
// (sipp playing Debian's G.711 capture) reaches the callee's socket from
// a relay port, the callee's RTP goes back through it too (the relay's
// counters); putting the callee on hold (re-INVITE) goes through the
// relay both ways; and the call's media is deleted at its BYE. Without
// --rtpengine media went end to end (the SDP untouched).
func TestRelayedCall(t *testing.T) {
	needTool(t, "sipp")
	rl := startRTPEngine(t, "127.0.0.1")
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) { c.Media.RTPEngine = rl.ng }, nil)
	admin, _, id202 := legacyTenant(s, "acme.example")
	peer := newEchoPeer(t)
	phoneDone, _ := startPhone(t, nil, "127.0.0.1", s.app.SIPAddr(), "u1", "202",
		natPhoneScenario(12, "10.99.0.1"), relayedCallee(rl.portRegexp(), peer.port()), 12)
	waitRegistered(t, s, admin, id202, 1)

	// Watch the relay's counters while the call lasts (it is deleted at
	// the BYE, counters and all).
	stop := make(chan struct{})
	seen := make(chan map[string]int, 1)
	go func() { seen <- watchRelayed(rl, stop) }()
	err := sippRun(t, s.app.SIPAddr(), relayedCaller(t, rl.portRegexp()), []string{sippLine("201", "acme.example", "Sip-secret-201", "202")})
	close(stop)
	packets := <-seen
	if err != nil {
		t.Fatalf("relayed call: %v\n%s", err, tail(rl.logs.String(), 2000))
	}
	if err := phoneDone(); err != nil {
		t.Fatalf("callee: %v", err)
	}
	got := 0
	for src, n := range peer.sources() {
		host, port, _ := net.SplitHostPort(src)
		var p int
		fmt.Sscan(port, &p)
		if host != "127.0.0.1" || p < rl.portMin || p > rl.portMin+99 {
			t.Fatalf("RTP reached the callee from %s, not the relay (ports %d-%d)", src, rl.portMin, rl.portMin+99)
		}
		got += n
	}
	if got < 50 {
		t.Fatalf("the callee got %d RTP packets through the relay", got)
	}
	t.Logf("relay counters %v, callee got %v", packets, peer.sources())
	if len(packets) != 2 {
		t.Fatalf("relay counters (RTP packets from each party, by tag): %v", packets)
	}
	for tag, n := range packets {
		if n < 50 {
			t.Fatalf("the relay got %d RTP packets from %s: %v", n, tag, packets)
		}
	}
	if calls := rl.calls(); len(calls) != 0 {
		t.Fatalf("the relay still holds %v after the BYE", calls)
	}
}

// watchRelayed polls the relay until stop and returns the last counts
// it saw of the RTP packets received from each party of its call, by
// the party's tag and the address the relay latched on ("tag address").
func watchRelayed(rl *relay, stop <-chan struct{}) map[string]int {
	last := map[string]int{}
	for {
		select {
		case <-stop:
			return last
		case <-time.After(200 * time.Millisecond):
		}
		for _, id := range rl.calls() {
			res, err := rl.do(map[string]any{"command": "query", "call-id": id})
			if err != nil {
				continue
			}
			tags, _ := res["tags"].(map[string]any)
			counts := map[string]int{}
			for tag, v := range tags {
				medias, _ := v.(map[string]any)["medias"].([]any)
				for _, m := range medias {
					streams, _ := m.(map[string]any)["streams"].([]any)
					for _, st := range streams {
						stats, _ := st.(map[string]any)["stats"].(map[string]any)
						endpoint, _ := st.(map[string]any)["endpoint"].(map[string]any)
						if n, ok := stats["packets"].(int); ok {
							counts[fmt.Sprint(tag, " ", endpoint["address"])] += n
						}
					}
				}
			}
			last = counts
		}
	}
}

// TestRelayedCallCancelled: a call to a phone behind NAT is anchored in
// the relay while it rings, and when the caller cancels it its media is
// deleted there with it.
func TestRelayedCallCancelled(t *testing.T) {
	needTool(t, "sipp")
	rl := startRTPEngine(t, "127.0.0.1")
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) { c.Media.RTPEngine = rl.ng }, nil)
	legacyTenant(s, "acme.example")
	silent := s.newUA("udp", "202", "acme.example", "Sip-secret-202") // rings, never answers
	if res := silent.register("Contact: <sip:202@10.99.0.1:5060>", "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("register 202: %v", res)
	}
	raw, err := os.ReadFile("testdata/sipp/uac_auth.xml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	// After the authenticated INVITE: its 100 Trying (whose Via the
	// CANCEL takes), then the CANCEL.
	text = text[:strings.Index(text, `  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>`)] + `  <recv response="100"/>
  <pause milliseconds="1000"/>
  <send>
    <![CDATA[

      CANCEL sip:[field3]@[field1] SIP/2.0
      [last_Via:]
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>
      Call-ID: [call_id]
      CSeq: 2 CANCEL
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
  <recv response="487"/>
  <send>
    <![CDATA[

      ACK sip:[field3]@[field1] SIP/2.0
      [last_Via:]
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
</scenario>
`
	sf := filepath.Join(t.TempDir(), "cancel.xml")
	if err := os.WriteFile(sf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := sippRun(t, s.app.SIPAddr(), sf, []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(rl.calls()) != 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	logs := rl.logs.String()
	if !strings.Contains(logs, "Received command 'offer'") || !strings.Contains(logs, "Received command 'delete'") {
		t.Fatalf("the cancelled call was not offered then deleted:\n%s", tail(logs, 3000))
	}
	if calls := rl.calls(); len(calls) != 0 {
		t.Fatalf("the relay still holds %v", calls)
	}
}

// TestRelayAllCalls: a tenant's media_relay setting (SystemAdmin only;
// a tenant's Admin cannot change it, an unknown value is refused naming
// the field) set to ALWAYS anchors in the relay a call between phones
// that are not behind NAT, which NAT (the default) leaves end to end.
func TestRelayAllCalls(t *testing.T) {
	needTool(t, "sipp")
	rl := startRTPEngine(t, "127.0.0.1")
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) { c.Media.RTPEngine = rl.ng }, nil)
	admin, _, id202 := legacyTenant(s, "acme.example")
	tenants := s.must(200, "GET", "/api/tenants?filter="+urlq("domain eq 'acme.example'"), s.adminToken(), nil).JSON(t)["items"].([]any)
	tenant := tenants[0].(map[string]any)
	if tenant["media_relay"] != "NAT" {
		t.Fatalf("default media_relay: %v", tenant["media_relay"])
	}
	tid := tenant["id"].(string)
	if code, field := s.do("POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"media_relay": "SOMETIMES"}).ErrField(t); code != "VALIDATE_FAILED" || field != "media_relay" {
		t.Fatalf("an unknown media_relay: %s %s", code, field)
	}
	if r := s.do("POST", "/api/tenant", admin, map[string]any{"media_relay": "ALWAYS"}); r.Status < 400 || r.Status >= 500 {
		t.Fatalf("a tenant's Admin changed media_relay: %d", r.Status)
	}
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"media_relay": "ALWAYS"})

	peer := newEchoPeer(t)
	phoneDone, _ := startPhone(t, nil, "127.0.0.1", s.app.SIPAddr(), "u1", "202",
		natPhoneScenario(12, ""), relayedCallee(rl.portRegexp(), peer.port()), 12)
	waitRegistered(t, s, admin, id202, 1)
	if _, regs := registrations(t, s, admin, id202); regs[0]["behind_nat"] != false {
		t.Fatalf("the callee is behind NAT: %v", regs)
	}
	if err := sippRun(t, s.app.SIPAddr(), relayedCaller(t, rl.portRegexp()), []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}); err != nil {
		t.Fatalf("call: %v", err)
	}
	if err := phoneDone(); err != nil {
		t.Fatalf("callee: %v", err)
	}
	if len(peer.sources()) == 0 {
		t.Fatal("no RTP reached the callee")
	}
}

// TestRelayDeletedAtShutdown: a call anchored in the relay that is still
// up when its node shuts down (gracefully) is deleted from the relay by
// that node: the relay's ports are not left to its idle timeout.
func TestRelayDeletedAtShutdown(t *testing.T) {
	needTool(t, "sipp")
	rl := startRTPEngine(t, "127.0.0.1")
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) { c.Media.RTPEngine = rl.ng }, nil)
	admin, _, id202 := legacyTenant(s, "acme.example")
	_, stopPhone := startPhone(t, nil, "127.0.0.1", s.app.SIPAddr(), "u1", "202",
		natPhoneScenario(20, "10.99.0.1"), natPhoneAnswers, 20)
	defer stopPhone()
	waitRegistered(t, s, admin, id202, 1)
	held := sippUACHolding(t, s.app.SIPAddr(), sippLine("201", "acme.example", "Sip-secret-201", "202"), 15*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for len(rl.calls()) != 1 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if calls := rl.calls(); len(calls) != 1 {
		t.Fatalf("the call to the phone behind NAT is not in the relay: %v\n%s", calls, tail(s.logs.String(), 3000))
	}
	s.stop()
	deadline = time.Now().Add(5 * time.Second)
	for len(rl.calls()) != 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if calls := rl.calls(); len(calls) != 0 {
		t.Fatalf("the relay still holds %v after the node shut down", calls)
	}
	if !strings.Contains(rl.logs.String(), "Received command 'delete'") {
		t.Fatalf("no delete reached the relay:\n%s", tail(rl.logs.String(), 2000))
	}
	_ = held() // the caller's BYE finds no node: its failure is expected
}
