package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/media"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// uasOKWithSDP answers the INVITE with 200 OK and SDP whose audio goes
// to port (PCMU and telephone-event), and takes the ACK.
func uasOKWithSDP(tag string, port int) string {
	return fmt.Sprintf(`  <send retrans="500">
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag%s[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user2 1 1 IN IP4 127.0.0.1
      s=-
      c=IN IP4 127.0.0.1
      t=0 0
      m=audio %d RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15

    ]]>
  </send>
  <recv request="ACK"/>
`, tag, port)
}

// TestSippKeyPressByTone: a require_key_press Follow Me number answers
// (sipp on the trunk); its leg's media is anchored in Switchboard: the
// person answering hears the key-press prompt (checked on the audio its
// SDP address receives), and the call connects only once sipp sends
// Debian's RFC 4733 capture of key 1, 1.5 s after answering. Then the
// anchor relays: the G.711 capture sipp plays next reaches the caller's
// SDP address.
func TestSippKeyPressByTone(t *testing.T) {
	needTool(t, "sipp")
	key := needPcap(t, "dtmf_2833_1.pcap")
	prompts, err := media.LoadPrompts()
	if err != nil {
		t.Fatal(err)
	}
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) { c.SIP.KeyPressWait = 8 * time.Second }, nil)
	admin, id201, _ := legacyTenant(s, "acme.example")
	s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
		"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
	callee, caller := newRTPPeer(t), newRTPPeer(t)
	scenario := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="trunk: a person answers, hears the prompt, presses 1 by RFC 4733">
  <recv request="INVITE"/>
` + uasOKWithSDP("01", callee.Port()) + `  <pause milliseconds="1500"/>
` + playStep(key, 500) + playStep(g711aPcap, 1500) + `  <recv request="BYE"/>
` + uasByeOK + `</scenario>
`
	sf := filepath.Join(t.TempDir(), "trunk.xml")
	_ = os.WriteFile(sf, []byte(scenario), 0o600)
	port, done := startUAS(t, 1, "-sf", sf, "-mi", "127.0.0.1", "-mp", strconv.Itoa(freePort(t)))
	tid := tenantID(t, s, "acme.example")
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "33", "sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", port)})
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"require_key_press": true,
		"offline_office_hours_forward_rule": map[string]any{"action": "RING_EXTENSION"}, "offline_non_office_hours_forward_rule": map[string]any{"action": "RING_EXTENSION"},
		"follow_me": map[string]any{"enabled": true, "numbers": []any{"+33100000002"}, "strategy": "HUNT", "ring_time": 10}})
	uac := filepath.Join(t.TempDir(), "uac.xml")
	_ = os.WriteFile(uac, []byte(sdpPort(voicemailScenario(`  <pause milliseconds="3000"/>
`+byeStep), caller.Port())), 0o600)
	if err := sippRunMedia(t, s.app.SIPAddr(), uac, []string{sippLine("203", "acme.example", "Sip-secret-203", "201")}); err != nil {
		t.Logf("trunk: %v", done())
		t.Fatalf("call: %v\n%s", err, tail(s.logs.String(), 3000))
	}
	if err := done(); err != nil {
		t.Fatalf("trunk: %v", err)
	}
	callee.waitFor(0, prompts["kp-press-a-key"], "the key-press prompt", 5*time.Second)
	var sent []byte
	for _, pkt := range pcapRTP(t, g711aPcap)[:50] {
		sent = append(sent, pkt[12:]...)
	}
	if got, law := caller.received(); law != 8 || !bytes.Contains(got, sent[:800]) {
		t.Fatalf("the caller received %d bytes of payload type %d, not the trunk's G.711 A-law capture", len(got), law)
	}
	alice := s.signIn("alice", "Alice-password-1", "acme.example")
	recs := records(t, s, alice, 1)
	if len(recs) != 1 || recs[0]["status_code"] != float64(200) || recs[0]["answered_at"] == nil {
		t.Fatalf("alice's record: %v", recs)
	}
	started, _ := time.Parse(time.RFC3339Nano, recs[0]["started_at"].(string))
	answered, _ := time.Parse(time.RFC3339Nano, recs[0]["answered_at"].(string))
	if d := answered.Sub(started); d < 1500*time.Millisecond || d > 6*time.Second || recs[0]["reroute_reason"] == "VOICEMAIL" {
		t.Fatalf("answered %v after the start (%v): not when the key was pressed", d, recs[0]["reroute_reason"])
	}
}
