package e2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
)

// Debian's sipp ships these captures: 7.08 s of G.711 A-law speech
// (236 packets of 30 ms) and RFC 4733 key events.
const (
	sippPcapDir = "/usr/share/sip-tester"
	g711aPcap   = sippPcapDir + "/g711a.pcap"
	g711aMS     = 7080
)

// needPcap skips the test without Debian's sipp captures.
func needPcap(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(sippPcapDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not found (Debian's sip-tester ships it)", p)
	}
	return p
}

// voicemailScenario is a sipp call through the proxy (407, then the
// INVITE with credentials) offering G.711 and RFC 4733 events, followed by
// the steps after the ACK. Injection fields: caller extension; domain;
// [authentication ...]; callee.
func voicemailScenario(after string) string {
	invite := func(cseq int, auth string) string {
		return fmt.Sprintf(`  <send retrans="500">
    <![CDATA[

      INVITE sip:[field3]@[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Alice A" <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>
      Call-ID: [call_id]
      CSeq: %d INVITE
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      %s
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 0 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15

    ]]>
  </send>
`, cseq, auth)
	}
	return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="voicemail call">
` + invite(1, "") + `  <recv response="100" optional="true"/>
  <recv response="407" auth="true"/>
  <send>
    <![CDATA[

      ACK sip:[field3]@[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3];rport
      From: "Alice A" <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
` + invite(2, "[field2]") + `  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Alice A" <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 2 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
` + after + `</scenario>
`
}

// byeStep hangs up along the route.
const byeStep = `  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Alice A" <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 3 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
`

// byeFromServer waits for the server to hang up, and answers.
const byeFromServer = `  <recv request="BYE" timeout="20000"/>
` + uasByeOK

// playStep sends a capture's RTP, then waits ms.
func playStep(pcap string, ms int) string {
	return fmt.Sprintf(`  <nop><action><exec play_pcap_audio="%s"/></action></nop>
  <pause milliseconds="%d"/>
`, pcap, ms)
}

func pauseStep(ms int) string { return fmt.Sprintf("  <pause milliseconds=\"%d\"/>\n", ms) }

// sippVoicemail runs one voicemail scenario call from lines[0].
func sippVoicemail(t *testing.T, s *server, after string, line string) error {
	t.Helper()
	sf := filepath.Join(t.TempDir(), "voicemail.xml")
	if err := os.WriteFile(sf, []byte(voicemailScenario(after)), 0o600); err != nil {
		t.Fatal(err)
	}
	return sippRunMedia(t, s.app.SIPAddr(), sf, []string{line})
}

// shortGreeting is a 300 ms tone as a WAV file (so the tests do not wait
// through the default prompt).
func shortGreeting() []byte { return audio.WAV(audio.Tone(600, 300)) }

// voicemails waits until the user's mailbox lists n messages.
func voicemails(t *testing.T, s *server, c *client.Client, n int) []client.Voicemail {
	t.Helper()
	var l *client.List[client.Voicemail]
	for i := 0; i < 150; i++ {
		if l = ok(c.Me().ListVoicemails(context.Background(), nil))(s); len(l.Items) >= n {
			break
		}
		time.Sleep(40 * time.Millisecond)
	}
	return l.Items
}

// TestSippVoicemailDeposit: with no voicemail_server, a call to a user in
// DND is answered by the node: the user's greeting, a beep, then the
// caller's audio (Debian's G.711 capture) is kept as a message whose
// duration is within a second of what was sent — ended by hanging up, and
// by pressing # (RFC 4733), after which the server says so and hangs up.
// Silence and a sub-second message are dropped.
func TestSippVoicemailDeposit(t *testing.T) {
	needTool(t, "sipp")
	needPcap(t, "g711a.pcap")
	pound := needPcap(t, "dtmf_2833_pound.pcap")
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, id202 := legacyTenant(s, "acme.example")
		ctx := context.Background()
		bob := s.login("bob", "Bob-password-1", "acme.example")
		g := ok(bob.Me().CreateGreeting(ctx, upload(s, bob, "hello.wav", shortGreeting())))(s)
		s.ok(bob.Me().EnableGreeting(ctx, g))
		s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"enable_dnd": true})
		alice := sippLine("201", "acme.example", "Sip-secret-201", "202")

		if err := sippVoicemail(t, s, pauseStep(1500)+playStep(g711aPcap, g711aMS+500)+byeStep, alice); err != nil {
			t.Fatalf("deposit ended by BYE: %v", err)
		}
		if err := sippVoicemail(t, s, pauseStep(1500)+playStep(g711aPcap, g711aMS+300)+playStep(pound, 300)+byeFromServer, alice); err != nil {
			t.Fatalf("deposit ended by #: %v", err)
		}
		list := voicemails(t, s, bob, 2)
		if len(list) != 2 {
			t.Fatalf("bob has %d messages: %+v", len(list), list)
		}
		for _, m := range list {
			ms := float64(m.DurationMS)
			if math.Abs(ms-g711aMS) > 1000 || m.Caller != "201" || m.CallerName != "Alice A" || m.Extension != "202" ||
				m.Heard || m.Saved || float64(m.Duration) != math.Round(ms/1000) {
				t.Fatalf("message: %+v", m)
			}
			// The audio is a WAV of that length, for bob.
			pcm, err := audio.Load(ok(bob.GetBlob(ctx, m.FileID))(s).Data)
			if err != nil || math.Abs(float64(audio.Duration(pcm))-ms) > 5 || audio.Silent(pcm) {
				t.Fatalf("audio: %v, %d ms", err, audio.Duration(pcm))
			}
		}
		// Silence (a caller who says nothing) and a sub-second message
		// are dropped.
		if err := sippVoicemail(t, s, pauseStep(3000)+byeStep, alice); err != nil {
			t.Fatalf("silent call: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		if n := ok(bob.Me().ListVoicemails(ctx, nil))(s).Count; n != 2 {
			t.Fatalf("%d messages after a silent call", n)
		}
		// The record of the call says it went to voicemail and was answered.
		recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 3)
		if len(recs) < 3 || recs[0]["reroute_reason"] != "VOICEMAIL" || recs[0]["status_code"] != float64(200) {
			t.Fatalf("alice's records: %v", recs)
		}
		if !strings.Contains(s.logs.String(), "voicemail dropped") {
			t.Fatal("no trace of the dropped message")
		}
	})
}

// sippRunMedia is sippRun with a media port for the captures sipp plays.
func sippRunMedia(t *testing.T, addr, sf string, lines []string) error {
	t.Helper()
	bin := needTool(t, "sipp")
	dir := t.TempDir()
	inf := filepath.Join(dir, "calls.csv")
	if err := os.WriteFile(inf, []byte("SEQUENTIAL\n"+strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, addr, "-sf", sf, "-inf", inf, "-m", strconv.Itoa(len(lines)), "-l", "1", "-i", "127.0.0.1",
		"-p", strconv.Itoa(freePort(t)), "-mi", "127.0.0.1", "-mp", strconv.Itoa(freePort(t)), "-nostdin", "-timeout", "60s", "-timeout_error",
		"-recv_timeout", "20000", "-trace_err", "-error_file", filepath.Join(dir, "errors.log")).CombinedOutput()
	if err != nil {
		errs, _ := os.ReadFile(filepath.Join(dir, "errors.log"))
		return fmt.Errorf("%v: %s\n%s", err, tail(string(out), 300), tail(string(errs), 3000))
	}
	return nil
}
