package e2e

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/media"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// tonePcap writes an Ethernet/IPv4/UDP capture of RTP packets (G.711
// A-law, 20 ms each, 20 ms apart) carrying a tone of freq Hz for ms, for
// sipp's play_pcap_audio.
func tonePcap(t *testing.T, freq float64, ms int) string {
	t.Helper()
	le, be := binary.LittleEndian, binary.BigEndian
	out := le.AppendUint32(nil, 0xa1b2c3d4)
	out = le.AppendUint16(out, 2)
	out = le.AppendUint16(out, 4)
	out = append(out, make([]byte, 8)...)
	out = le.AppendUint32(out, 65535)
	out = le.AppendUint32(out, 1) // Ethernet
	law := audio.Encode(nil, audio.PCMA, audio.Tone(freq, ms))
	for i := 0; i+160 <= len(law); i += 160 {
		rtp := []byte{0x80, 8}
		rtp = be.AppendUint16(rtp, uint16(i/160))
		rtp = be.AppendUint32(rtp, uint32(i))
		rtp = be.AppendUint32(rtp, 0x7e57)
		rtp = append(rtp, law[i:i+160]...)
		udp := be.AppendUint16(nil, 6000)
		udp = be.AppendUint16(udp, 6002)
		udp = be.AppendUint16(udp, uint16(8+len(rtp)))
		udp = append(be.AppendUint16(udp, 0), rtp...)
		ip := []byte{0x45, 0}
		ip = be.AppendUint16(ip, uint16(20+len(udp)))
		ip = append(ip, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1)
		frame := append(append(make([]byte, 12), 0x08, 0), append(ip, udp...)...)
		usec := (i / 160) * 20000
		out = le.AppendUint32(out, uint32(usec/1e6))
		out = le.AppendUint32(out, uint32(usec%1e6))
		out = le.AppendUint32(out, uint32(len(frame)))
		out = le.AppendUint32(out, uint32(len(frame)))
		out = append(out, frame...)
	}
	p := filepath.Join(t.TempDir(), fmt.Sprintf("tone%.0f.pcap", freq))
	if err := os.WriteFile(p, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// goertzel is the power of frequency freq in 8 kHz samples.
func goertzel(pcm []int16, freq float64) float64 {
	k := 2 * math.Cos(2*math.Pi*freq/audio.Rate)
	var s1, s2 float64
	for _, v := range pcm {
		s1, s2 = float64(v)+k*s1-s2, s1
	}
	return (s1*s1 + s2*s2 - k*s1*s2) / float64(max(len(pcm), 1))
}

// stereoChannels splits a 16-bit stereo WAV file (as Switchboard writes
// it: a 44-byte header) into its channels.
func stereoChannels(t *testing.T, wav []byte) (left, right []int16) {
	t.Helper()
	if len(wav) < 44 || string(wav[:4]) != "RIFF" || binary.LittleEndian.Uint16(wav[22:]) != 2 ||
		binary.LittleEndian.Uint32(wav[24:]) != 8000 || binary.LittleEndian.Uint16(wav[34:]) != 16 {
		t.Fatalf("not an 8 kHz 16-bit stereo WAV file (%d bytes)", len(wav))
	}
	body := wav[44:]
	for i := 0; i+4 <= len(body); i += 4 {
		left = append(left, int16(binary.LittleEndian.Uint16(body[i:])))
		right = append(right, int16(binary.LittleEndian.Uint16(body[i+2:])))
	}
	return left, right
}

// recordingTrunk is a sipp trunk that answers (SDP at its own media
// port), plays a tone capture, and takes the caller's BYE; the INVITE's
// SDP must match sdpCheck.
func recordingTrunk(t *testing.T, tone, sdpCheck string) (port int, done func() error) {
	scenario := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="trunk: answers and plays a tone">
  <recv request="INVITE">
    <action><ereg regexp="` + sdpCheck + `" search_in="body" check_it="true" assign_to="sdp"/></action>
  </recv>
  <send retrans="500">
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTagT[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=trunk 1 1 IN IP4 [media_ip]
      s=-
      c=IN IP4 [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000

    ]]>
  </send>
  <recv request="ACK"/>
` + playStep(tone, 100) + `  <recv request="BYE"/>
` + uasByeOK + `  <Reference variables="sdp"/>
</scenario>
`
	sf := filepath.Join(t.TempDir(), "trunk.xml")
	_ = os.WriteFile(sf, []byte(scenario), 0o600)
	return startUAS(t, 1, "-sf", sf, "-mi", "127.0.0.1", "-mp", fmt.Sprint(freePort(t)))
}

// TestSippCallRecording: alice records her outbound calls. She calls a
// number (sipp on the trunk) and each party's sipp plays its own tone
// (600 Hz from alice, 1,500 Hz from the trunk): the call's media is
// anchored, and alice's recording (in /api/user/recordings, linked from
// her call record) is a stereo WAV file whose left channel holds her tone
// and right channel the trunk's, each found by a Goertzel filter. With
// recording off, the next call's SDP reaches the trunk as alice's phone
// sent it (media end to end) and leaves no recording.
func TestSippCallRecording(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, id201, _ := legacyTenant(s, "acme.example")
	tid := tenantID(t, s, "acme.example")
	if bad := s.must(422, "POST", "/api/users/"+id201, admin, map[string]any{"call_recording": "SOMETIMES"}); !strings.Contains(string(bad.Body), `"field":"call_recording"`) {
		t.Fatalf("a bad mode: %s", bad.Body)
	}
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"call_recording": "OUTBOUND"})
	// The tenant's Admin may keep internal calls out of recording (an
	// outbound call like this one is still recorded).
	s.must(204, "POST", "/api/tenant", admin, map[string]any{"never_record_internal_calls": true})
	if own := s.must(200, "GET", "/api/tenant", admin, nil).JSON(t); own["never_record_internal_calls"] != true {
		t.Fatalf("own tenant: %v", own)
	}
	callerTone, calleeTone := tonePcap(t, 600, 3000), tonePcap(t, 1500, 3000)
	alicePort := freePort(t)
	call := func(sdpCheck string) {
		t.Helper()
		port, done := recordingTrunk(t, calleeTone, sdpCheck)
		s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "33", "sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", port)})
		uac := filepath.Join(t.TempDir(), "uac.xml")
		_ = os.WriteFile(uac, []byte(sdpPort(voicemailScenario(playStep(callerTone, 3500)+byeStep), alicePort)), 0o600)
		if err := sippRunMedia(t, s.app.SIPAddr(), uac, []string{sippLine("201", "acme.example", "Sip-secret-201", "+33123456789")}); err != nil {
			t.Logf("trunk: %v", done())
			t.Fatalf("call: %v\n%s", err, tail(s.logs.String(), 2000))
		}
		if err := done(); err != nil {
			t.Fatalf("trunk: %v", err)
		}
	}
	// Recorded: the media is anchored (the recording proves it).
	call(`m=audio [0-9]+`)
	alice := s.signIn("alice", "Alice-password-1", "acme.example")
	var recs []any
	for deadline := time.Now().Add(10 * time.Second); len(recs) == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		recs = s.must(200, "GET", "/api/user/recordings", alice, nil).JSON(t)["items"].([]any)
	}
	if len(recs) != 1 {
		t.Fatalf("alice's recordings: %v", recs)
	}
	rec := recs[0].(map[string]any)
	cdrs := records(t, s, alice, 1)
	if rec["callee"] != "+33123456789" || rec["caller"] != "201" || cdrs[0]["recording_id"] != rec["id"] || rec["call_id"] != cdrs[0]["call_id"] {
		t.Fatalf("recording %v, call record %v", rec, cdrs[0])
	}
	left, right := stereoChannels(t, s.must(200, "GET", rec["file_url"].(string), alice, nil).Body)
	for _, ch := range []struct {
		name      string
		pcm       []int16
		want, not float64
	}{{"left (alice)", left, 600, 1500}, {"right (the trunk)", right, 1500, 600}} {
		want, not := goertzel(ch.pcm, ch.want), goertzel(ch.pcm, ch.not)
		t.Logf("%s: %.0f Hz power %.3g, %.0f Hz power %.3g", ch.name, ch.want, want, ch.not, not)
		if want < 1e6 || want < 100*not {
			t.Fatalf("the %s channel does not hold its party's %.0f Hz tone (power %.3g against %.3g at %.0f Hz)", ch.name, ch.want, want, not, ch.not)
		}
	}
	if d := time.Duration(len(left)) * time.Second / 8000; d < 2500*time.Millisecond || d > 10*time.Second {
		t.Fatalf("recording of %v", d)
	}

	// Recording off: media end to end, nothing recorded.
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"call_recording": "NONE"})
	call(fmt.Sprintf(`m=audio %d `, alicePort))
	time.Sleep(time.Second)
	if recs := s.must(200, "GET", "/api/user/recordings", alice, nil).JSON(t)["items"].([]any); len(recs) != 1 {
		t.Fatalf("alice's recordings after a call not recorded: %v", recs)
	}
	cdrs = records(t, s, alice, 2)
	if cdrs[0]["recording_id"] != "" {
		t.Fatalf("the call not recorded links a recording: %v", cdrs[0])
	}
}

// reinviteStep is alice's re-INVITE (CSeq 3) moving her audio to port,
// answered and acknowledged; her BYE then takes CSeq 4.
func reinviteStep(port int) string {
	return fmt.Sprintf(`  <send retrans="500">
    <![CDATA[

      INVITE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Alice A" <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 3 INVITE
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687638 IN IP4 [local_ip]
      s=-
      c=IN IP4 127.0.0.1
      t=0 0
      m=audio %d RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200"/>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Alice A" <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 3 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
`, port)
}

// TestSippRecordingAcrossReInvite: a recorded call stays anchored when
// alice's phone moves its audio with a re-INVITE: the trunk is offered
// the relay again (its tone, played after the re-INVITE, is in the
// recording's right channel) and the relay sends it to alice's new port.
func TestSippRecordingAcrossReInvite(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, id201, _ := legacyTenant(s, "acme.example")
	tid := tenantID(t, s, "acme.example")
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"call_recording": "BOTH"})
	moved := newRTPPeer(t)
	trunk := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="trunk: answers, takes a re-INVITE, plays a tone">
  <recv request="INVITE"/>
` + uasOKWithSDP("T", freePort(t)) + `  <recv request="INVITE"/>
` + strings.Replace(uasOKWithSDP("T", 0), "[last_To:];tag=[pid]SIPpTagT[call_number]", "[last_To:]", 1) +
		playStep(tonePcap(t, 1500, 2000), 2500) + `  <recv request="BYE"/>
` + uasByeOK + `</scenario>
`
	trunk = strings.Replace(trunk, "m=audio 0 ", "m=audio [media_port] ", 1)
	sf := filepath.Join(t.TempDir(), "trunk.xml")
	_ = os.WriteFile(sf, []byte(trunk), 0o600)
	port, done := startUAS(t, 1, "-sf", sf, "-mi", "127.0.0.1", "-mp", fmt.Sprint(freePort(t)))
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "33", "sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", port)})
	uac := filepath.Join(t.TempDir(), "uac.xml")
	bye := strings.Replace(byeStep, "CSeq: 3 BYE", "CSeq: 4 BYE", 1)
	_ = os.WriteFile(uac, []byte(voicemailScenario(`  <pause milliseconds="300"/>
`+reinviteStep(moved.Port())+`  <pause milliseconds="3000"/>
`+bye)), 0o600)
	if err := sippRunMedia(t, s.app.SIPAddr(), uac, []string{sippLine("201", "acme.example", "Sip-secret-201", "+33123456789")}); err != nil {
		t.Logf("trunk: %v", done())
		t.Fatalf("call: %v\n%s", err, tail(s.logs.String(), 2000))
	}
	if err := done(); err != nil {
		t.Fatalf("trunk: %v", err)
	}
	if got, _ := moved.received(); len(got) < 8000 {
		t.Fatalf("alice's new port received %d bytes, not the trunk's tone", len(got))
	}
	alice := s.signIn("alice", "Alice-password-1", "acme.example")
	var recs []any
	for deadline := time.Now().Add(10 * time.Second); len(recs) == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		recs = s.must(200, "GET", "/api/user/recordings", alice, nil).JSON(t)["items"].([]any)
	}
	if len(recs) != 1 {
		t.Fatalf("alice's recordings: %v", recs)
	}
	_, right := stereoChannels(t, s.must(200, "GET", recs[0].(map[string]any)["file_url"].(string), alice, nil).Body)
	if p := goertzel(right, 1500); p < 1e6 {
		t.Fatalf("the trunk's tone after the re-INVITE is not in the recording (1500 Hz power %.3g)", p)
	}
}

// TestSippRecordingAnnouncementAndInternal: bob records his inbound
// calls, with the announcement. Alice's call to him (an internal call)
// is anchored here: her phone hears "This call is recorded" (the
// prompt's exact G.711) and bob gets a recording of the call, linked
// from his record. Once the tenant never records internal calls, her
// next call to him goes end to end (bob's phone is offered her own
// SDP): no announcement reaches her, no recording is made.
func TestSippRecordingAnnouncementAndInternal(t *testing.T) {
	needTool(t, "sipp")
	prompts, err := media.LoadPrompts()
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, _, id202 := legacyTenant(s, "acme.example")
	s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"call_recording": "INBOUND", "play_recording_announcement": true})
	calleeTone := tonePcap(t, 1500, 3000)
	bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
	call := func(sdpCheck func(alicePort int) string) *rtpPeer {
		t.Helper()
		peer := newRTPPeer(t)
		port, done := recordingTrunk(t, calleeTone, sdpCheck(peer.Port()))
		if res := bob.register("Contact: *", "Expires: 0"); res.StatusCode != 200 {
			t.Fatalf("unregister bob: %v", res)
		}
		if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", port), "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register bob: %v", res)
		}
		uac := filepath.Join(t.TempDir(), "uac.xml")
		_ = os.WriteFile(uac, []byte(sdpPort(voicemailScenario(pauseStep(5000)+byeStep), peer.Port())), 0o600)
		if err := sippRunMedia(t, s.app.SIPAddr(), uac, []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}); err != nil {
			t.Logf("bob's phone: %v", done())
			t.Fatalf("call: %v\n%s", err, tail(s.logs.String(), 2000))
		}
		if err := done(); err != nil {
			t.Fatalf("bob's phone: %v", err)
		}
		return peer
	}
	announcement := prompts["rec-announcement"]
	if len(announcement) < 4000 {
		t.Fatalf("the announcement prompt has %d samples", len(announcement))
	}
	peer := call(func(int) string { return `m=audio [0-9]+` })
	peer.waitFor(0, announcement, "the recording announcement", 5*time.Second)
	bobTok := s.signIn("bob", "Bob-password-1", "acme.example")
	var recs []any
	for deadline := time.Now().Add(10 * time.Second); len(recs) == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		recs = s.must(200, "GET", "/api/user/recordings", bobTok, nil).JSON(t)["items"].([]any)
	}
	cdrs := records(t, s, bobTok, 1)
	if len(recs) != 1 || cdrs[0]["recording_id"] != recs[0].(map[string]any)["id"] || cdrs[0]["direction"] != "INTERNAL_CALL" {
		t.Fatalf("bob's recordings %v, record %v", recs, cdrs[0])
	}

	s.must(204, "POST", "/api/tenant", admin, map[string]any{"never_record_internal_calls": true})
	peer = call(func(alicePort int) string { return fmt.Sprintf(`m=audio %d `, alicePort) })
	got, law := peer.received()
	if want := audio.Encode(nil, audio.Codec(law), announcement[:4000]); bytes.Contains(got, want) {
		t.Fatal("alice heard the announcement on a call that is not recorded")
	}
	time.Sleep(time.Second)
	if recs := s.must(200, "GET", "/api/user/recordings", bobTok, nil).JSON(t)["items"].([]any); len(recs) != 1 {
		t.Fatalf("bob's recordings after an internal call the tenant never records: %v", recs)
	}
	if cdrs := records(t, s, bobTok, 2); cdrs[0]["recording_id"] != "" {
		t.Fatalf("the internal call links a recording: %v", cdrs[0])
	}
}
