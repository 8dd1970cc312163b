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
`, re, i)
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
