package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sippWatchScenario is a sipp subscriber: SUBSCRIBE to pkg (answering the
// 401), the 200, then one NOTIFY per regular expression of notifies, in
// order, each checked and answered 200; then Expires: 0 and the
// terminated NOTIFY. Injection fields: extension; domain;
// [authentication ...]; watched extension.
func sippWatchScenario(pkg string, notifies []string) string {
	subscribe := func(cseq int, auth, expires, toTag string) string {
		return fmt.Sprintf(`  <send retrans="500">
    <![CDATA[

      SUBSCRIBE sip:[field3]@[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[field3]@[field1]>%s
      Call-ID: [call_id]
      CSeq: %d SUBSCRIBE
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      Event: %s
      Expires: %s
      %s
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
`, toTag, cseq, pkg, expires, auth)
	}
	ok := `  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
`
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="ISO-8859-1" ?>` + "\n<scenario name=\"watch\">\n")
	b.WriteString(subscribe(1, "", "600", ""))
	b.WriteString("  <recv response=\"401\" auth=\"true\"/>\n")
	b.WriteString(subscribe(2, "[field2]", "600", ""))
	b.WriteString("  <recv response=\"200\" rrs=\"true\"/>\n")
	for i, re := range notifies {
		fmt.Fprintf(&b, `  <recv request="NOTIFY">
    <action><ereg regexp="%s" search_in="msg" check_it="true" assign_to="n%d"/></action>
  </recv>
`, attrEscape.Replace(re), i)
		b.WriteString(ok)
	}
	b.WriteString(subscribe(3, "", "0", "[peer_tag_param]"))
	b.WriteString("  <recv response=\"401\" auth=\"true\"/>\n")
	b.WriteString(subscribe(4, "[field2]", "0", "[peer_tag_param]"))
	b.WriteString("  <recv response=\"200\"/>\n")
	b.WriteString(`  <recv request="NOTIFY">
    <action><ereg regexp="Subscription-State: terminated" search_in="msg" check_it="true" assign_to="end"/></action>
  </recv>
`)
	b.WriteString(ok)
	vars := []string{"end"}
	for i := range notifies {
		vars = append(vars, fmt.Sprintf("n%d", i))
	}
	fmt.Fprintf(&b, "  <Reference variables=\"%s\"/>\n</scenario>\n", strings.Join(vars, ","))
	return b.String()
}

var attrEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// sippWatch starts a sipp subscriber (see sippWatchScenario) of line;
// wait reports its end.
func sippWatch(t *testing.T, addr, line, pkg string, notifies []string) (wait func() error) {
	t.Helper()
	bin := needTool(t, "sipp")
	dir := t.TempDir()
	sf, inf := filepath.Join(dir, "watch.xml"), filepath.Join(dir, "lines.csv")
	if err := os.WriteFile(sf, []byte(sippWatchScenario(pkg, notifies)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inf, []byte("SEQUENTIAL\n"+line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	cmd := exec.CommandContext(ctx, bin, addr, "-sf", sf, "-inf", inf, "-m", "1", "-l", "1", "-i", "127.0.0.1",
		"-p", strconv.Itoa(freePort(t)), "-nostdin", "-timeout", "80s", "-timeout_error", "-recv_timeout", "40000",
		"-trace_err", "-error_file", filepath.Join(dir, "errors.log"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return func() error {
		if err := cmd.Wait(); err != nil {
			errs, _ := os.ReadFile(filepath.Join(dir, "errors.log"))
			return fmt.Errorf("%v: %s\n%s", err, tail(out.String(), 500), tail(string(errs), 3000))
		}
		return nil
	}
}

// TestSippMessageWaiting: a sipp phone subscribes to its message-waiting
// summary, gets "no", then a caller leaves a real voicemail (sipp playing
// Debian's G.711 capture) and the phone gets "yes" with one new message;
// it unsubscribes and gets the terminated NOTIFY.
func TestSippMessageWaiting(t *testing.T) {
	needTool(t, "sipp")
	needPcap(t, "g711a.pcap")
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, id202 := legacyTenant(s, "acme.example")
		s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"enable_dnd": true})
		bob := s.login("bob", "Bob-password-1", "acme.example")
		g := ok(bob.Me().CreateGreeting(context.Background(), upload(s, bob, "hello.wav", shortGreeting())))(s)
		s.ok(bob.Me().EnableGreeting(context.Background(), g))
		wait := sippWatch(t, s.app.SIPAddr(), sippLine("202", "acme.example", "Sip-secret-202", "202"), "message-summary",
			[]string{`Messages-Waiting: no`, `Messages-Waiting: yes`})
		for i := 0; i < 100 && s.app.SIP().Notifier().Count() == 0; i++ {
			time.Sleep(20 * time.Millisecond)
		}
		if s.app.SIP().Notifier().Count() == 0 {
			t.Fatalf("no subscription: %v\n%s", wait(), s.logs.String()[max(0, len(s.logs.String())-3000):])
		}
		alice := sippLine("201", "acme.example", "Sip-secret-201", "202")
		if err := sippVoicemail(t, s, pauseStep(1500)+playStep(g711aPcap, g711aMS+300)+byeStep, alice); err != nil {
			t.Fatalf("deposit: %v", err)
		}
		if err := wait(); err != nil {
			t.Fatalf("sipp watcher: %v", err)
		}
	})
}

// ringingUAS is a callee that rings for a second before it answers, then
// takes the caller's BYE.
func ringingUAS(t *testing.T) (port int, wait func() error) {
	t.Helper()
	sf := filepath.Join(t.TempDir(), "ringing.xml")
	text := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="ringing uas">
  <recv request="INVITE"/>
  <send>
    <![CDATA[

      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTagR[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="1000"/>
` + uasAnswer("R") + "</scenario>\n"
	if err := os.WriteFile(sf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return startUAS(t, 1, "-sf", sf)
}

// TestSippBusyLamp: carol's sipp phone watches bob's extension (the
// dialog package, RFC 4235): idle, then early with alice as the caller
// while bob's phone rings, confirmed once it answers, terminated when
// alice hangs up. Alice's own lamp (watched by a second subscriber) shows
// her side as the initiator. With blf_hide_caller the ringing lamp no
// longer says who calls.
func TestSippBusyLamp(t *testing.T) {
	needTool(t, "sipp")
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, _ := legacyTenant(s, "acme.example")
		s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
			"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
		uasPort, callee := ringingUAS(t)
		bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
		if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", uasPort), "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register bob: %v", res)
		}
		lamp := sippWatch(t, s.app.SIPAddr(), sippLine("203", "acme.example", "Sip-secret-203", "202"), "dialog", []string{
			`version="0" state="full" entity="sip:202@acme.example">[[:space:]]*</dialog-info>`,
			`direction="recipient">[[:space:]]*<state>early</state>[[:space:]]*<remote>[[:space:]]*<identity display="alice">sip:201@acme.example`,
			`<state>confirmed</state>`,
			`<state>terminated</state>`})
		aliceLamp := newWatcher(t, s.app.SIPAddr(), "203", "acme.example", "Sip-secret-203")
		if res := aliceLamp.subscribe("dialog", "201"); res.StatusCode != 200 {
			t.Fatalf("watch alice: %s", res.StartLine())
		}
		aliceLamp.notify(3 * time.Second)
		for i := 0; i < 100 && s.app.SIP().Notifier().Count() < 2; i++ {
			time.Sleep(20 * time.Millisecond)
		}
		if s.app.SIP().Notifier().Count() < 2 {
			t.Fatalf("carol's lamp did not subscribe: %v", lamp())
		}
		phone := newWatcher(t, s.app.SIPAddr(), "203", "acme.example", "Sip-secret-203")
		if res := phone.subscribe("presence", "202"); res.StatusCode != 200 {
			t.Fatalf("bob's presence: %s", res.StartLine())
		}
		phone.notify(3 * time.Second)
		call := longCall(t, s.app.SIPAddr(), sippLine("201", "acme.example", "Sip-secret-201", "")+"202", 1500*time.Millisecond)
		aliceLamp.notifyWith(10*time.Second, `direction="initiator"`, `<state>confirmed</state>`, "sip:202@acme.example")
		phone.notifyWith(10*time.Second, "<rpid:on-the-phone/>", "On the phone")
		if err := <-call; err != nil {
			t.Fatalf("alice's call: %v", err)
		}
		if err := callee(); err != nil {
			t.Fatalf("bob's phone: %v", err)
		}
		if err := lamp(); err != nil {
			t.Fatalf("carol's lamp: %v", err)
		}
		aliceLamp.notifyWith(10*time.Second, `<state>terminated</state>`)

		// The tenant's Admin hides callers: bob rings, nobody sees who calls.
		s.must(204, "POST", "/api/tenant", admin, map[string]any{"blf_hide_caller": true})
		uasPort, callee = ringingUAS(t)
		if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", uasPort), "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register bob: %v", res)
		}
		bobLamp := newWatcher(t, s.app.SIPAddr(), "203", "acme.example", "Sip-secret-203")
		if res := bobLamp.subscribe("dialog", "202"); res.StatusCode != 200 {
			t.Fatalf("watch bob: %s", res.StartLine())
		}
		call = longCall(t, s.app.SIPAddr(), sippLine("201", "acme.example", "Sip-secret-201", "")+"202", 500*time.Millisecond)
		if n := bobLamp.notifyWith(10*time.Second, `<state>early</state>`); strings.Contains(string(n.Body()), "201") {
			t.Fatalf("the caller shows:\n%s", n.Body())
		}
		if err := <-call; err != nil {
			t.Fatalf("alice's second call: %v", err)
		}
		if err := callee(); err != nil {
			t.Fatalf("bob's phone: %v", err)
		}
	})
}

// TestSippPresence: a sipp phone watches bob's presence (RFC 3863 PIDF):
// available, then bob sets "away" with a note through the API and the
// phone hears it at once; then do-not-disturb.
func TestSippPresence(t *testing.T) {
	needTool(t, "sipp")
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, _ := legacyTenant(s, "acme.example")
		s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
			"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
		phone := sippWatch(t, s.app.SIPAddr(), sippLine("203", "acme.example", "Sip-secret-203", "202"), "presence", []string{
			`entity="sip:202@acme.example"`,
			`<rpid:away/></rpid:activities>[[:space:]]*<dm:note>Back at 3</dm:note>`,
			`<basic>closed</basic>.*`,
		})
		for i := 0; i < 100 && s.app.SIP().Notifier().Count() == 0; i++ {
			time.Sleep(20 * time.Millisecond)
		}
		bob := s.signIn("bob", "Bob-password-1", "acme.example")
		s.must(204, "POST", "/api/user/presence", bob, map[string]any{"presence": "AWAY", "presence_note": "Back at 3"})
		time.Sleep(300 * time.Millisecond)
		s.must(204, "POST", "/api/user/presence", bob, map[string]any{"presence": "DO_NOT_DISTURB"})
		if err := phone(); err != nil {
			t.Fatalf("carol's phone: %v", err)
		}
	})
}
