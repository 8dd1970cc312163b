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

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// natPhoneScenario is a phone's life behind NAT for sipp: it registers
// its private Contact (the 401 round included), then sends keepAlives
// OPTIONS one every second, as phones keep their NAT mapping open.
// Injection fields: extension; domain; [authentication ...]. The
// Contact names the host contactHost ("" the phone's own address).
func natPhoneScenario(keepAlives int, contactHost string) string {
	if contactHost == "" {
		contactHost = "[local_ip]"
	}
	register := func(auth string) string {
		if auth != "" {
			auth = "\n      " + auth
		}
		return `  <send retrans="500">
    <![CDATA[

      REGISTER sip:[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[field0]@[field1]>
      Call-ID: [call_id]
      CSeq: [cseq] REGISTER
      Contact: <sip:[field0]@` + contactHost + `:[local_port];transport=[transport]>
      Expires: 600
      Max-Forwards: 70` + auth + `
      Content-Length: 0

    ]]>
  </send>
`
	}
	keepAlive := `  <pause milliseconds="1000"/>
  <send retrans="500">
    <![CDATA[

      OPTIONS sip:[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[field1]>
      Call-ID: [call_id]
      CSeq: [cseq] OPTIONS
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
`
	return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="phone behind NAT">
` + register("") + `  <recv response="401" auth="true"/>
` + register("[field2]") + `  <recv response="200"/>
` + strings.Repeat(keepAlive, keepAlives) + `</scenario>
`
}

// natPhoneAnswers is the phone's answer to calls (sipp's out-of-call
// scenario: the INVITE belongs to no call of the main one).
var natPhoneAnswers = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="phone behind NAT answers">
  <recv request="INVITE" rrs="true"/>
` + uasAnswer("01") + `</scenario>
`

// startNATPhone runs sipp as a phone inside the lab's phone namespace
// over transport ("u1" or "t1"), registering ext and keeping alive for
// keepAlives seconds; wait reports its end, stop ends it first.
func startNATPhone(t *testing.T, lab *natLab, server, transport, ext string, keepAlives int) (wait func() error, stop func()) {
	t.Helper()
	return startPhone(t, lab.inPhone(), lab.PhoneIP, server, transport, ext, natPhoneScenario(keepAlives, ""), natPhoneAnswers, keepAlives)
}

// startPhone runs sipp (after the command prefix, such as ip netns
// exec) from ip:5060 as a phone of acme.example: its main scenario
// phoneXML (injection fields: ext; domain; [authentication]) and the
// out-of-call answerXML that takes calls; the phone lives about
// keepAlives seconds.
func startPhone(t *testing.T, prefix []string, ip, server, transport, ext, phoneXML, answerXML string, keepAlives int) (wait func() error, stop func()) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"phone.xml": phoneXML, "answer.xml": answerXML,
		"phone.csv": "SEQUENTIAL\n" + sippLine(ext, "acme.example", "Sip-secret-"+ext, "") + "\n"}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	port := "5060"
	if len(prefix) == 0 {
		port = strconv.Itoa(freePort(t))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(keepAlives+60)*time.Second)
	args := append(append([]string{}, prefix...), needTool(t, "sipp"), server, "-sf", filepath.Join(dir, "phone.xml"), "-oocsf", filepath.Join(dir, "answer.xml"),
		"-inf", filepath.Join(dir, "phone.csv"), "-m", "1", "-i", ip, "-p", port, "-t", transport,
		"-nostdin", "-timeout", strconv.Itoa(keepAlives+50)+"s", "-timeout_error", "-trace_err", "-error_file", filepath.Join(dir, "errors.log"))
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return func() error {
		defer cancel()
		if err := cmd.Wait(); err != nil {
			errs, _ := os.ReadFile(filepath.Join(dir, "errors.log"))
			return fmt.Errorf("%v: %s\n%s", err, tail(string(errs), 3000), out.String()[:min(len(out.String()), 1500)])
		}
		return nil
	}, cancel
}

// TestNATLab: a sipp phone in a network namespace behind an nftables
// masquerade router registers its private Contact over UDP, then over
// TCP. The node sees it come from the router's address (behind NAT in
// the status API), and a call from sipp outside, placed when the
// router's mapping would have timed out twice over without the phone's
// keep-alives, reaches it through the NAT: INVITE, ACK and BYE.
func TestNATLab(t *testing.T) {
	needTool(t, "sipp")
	const ttl = 3 // seconds the router keeps an idle mapping
	lab := newNATLab(t, ttl)
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) { c.SIPAddr = lab.HostIP + ":0" }, nil)
	admin, id201, id202 := legacyTenant(s, "acme.example")
	for _, c := range []struct{ transport, name, phone, phoneID, caller string }{
		{"u1", "UDP", "202", id202, "201"},
		{"t1", "TCP", "201", id201, "202"},
	} {
		keepAlives := 4*ttl + 6
		phoneDone, stopPhone := startNATPhone(t, lab, s.app.SIPAddr(), c.transport, c.phone, keepAlives)
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, regs := registrations(t, s, admin, c.phoneID)
			if len(regs) == 1 {
				want := "sip:" + c.phone + "@" + lab.PhoneIP + ":5060;transport=" + c.name
				if regs[0]["behind_nat"] != true || regs[0]["ip"] != lab.WANIP || regs[0]["contact_address"] != want {
					t.Fatalf("%s binding: %v (want %s from %s)", c.name, regs[0], want, lab.WANIP)
				}
				break
			}
			if time.Now().After(deadline) {
				stopPhone()
				t.Fatalf("the phone did not register over %s: %v\n%s", c.name, phoneDone(), tail(s.logs.String(), 4000))
			}
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(2 * ttl * time.Second)
		sf, _ := filepath.Abs("testdata/sipp/uac_auth.xml")
		if err := sippRunFrom(t, lab.HostIP, s.app.SIPAddr(), sf, []string{sippLine(c.caller, "acme.example", "Sip-secret-"+c.caller, c.phone)}); err != nil {
			t.Fatalf("call to the phone behind NAT over %s: %v", c.transport, err)
		}
		if err := phoneDone(); err != nil {
			t.Fatalf("the phone behind NAT over %s: %v", c.transport, err)
		}
	}
}

// TestNATLabMedia: with --rtpengine, a call from outside to the sipp
// phone behind the lab's NAT router has its media anchored in Debian's
// rtpengine on the host: the phone answers with its private address in
// its SDP and plays Debian's G.711 capture, as the caller does; the
// relay latches on the router's address for the phone and gets its RTP
// through the NAT, and the router forwards the caller's RTP in to the
// phone (its counter); hold goes through the relay; the relay forgets
// the call at its BYE.
func TestNATLabMedia(t *testing.T) {
	needTool(t, "sipp")
	lab := newNATLab(t, 30)
	inbound := lab.countInbound(t)
	rl := startRTPEngine(t, lab.HostIP)
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) {
		c.SIPAddr, c.Media.RTPEngine = lab.HostIP+":0", rl.ng
	}, nil)
	admin, _, id202 := legacyTenant(s, "acme.example")
	play := `  <nop>
    <action>
      <exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/>
    </action>
  </nop>
`
	phoneDone, _ := startPhone(t, lab.inPhone(), lab.PhoneIP, s.app.SIPAddr(), "u1", "202", natPhoneScenario(15, ""),
		relayedCalleeWith(rl.portRegexp(), calleeMedia{contact: "[local_ip]:[local_port]", addr: "[local_ip]", port: "[media_port]", play: play}), 15)
	waitRegistered(t, s, admin, id202, 1)
	stop := make(chan struct{})
	seen := make(chan map[string]int, 1)
	go func() { seen <- watchRelayed(rl, stop) }()
	err := sippRunFrom(t, lab.HostIP, s.app.SIPAddr(), relayedCaller(t, rl.portRegexp()), []string{sippLine("201", "acme.example", "Sip-secret-201", "202")})
	close(stop)
	packets := <-seen
	if err != nil {
		t.Fatalf("call to the phone behind NAT: %v\n%s", err, tail(rl.logs.String(), 2000))
	}
	if err := phoneDone(); err != nil {
		t.Fatalf("the phone behind NAT: %v", err)
	}
	t.Logf("relay counters %v; RTP forwarded in to the phone: %d", packets, inbound())
	fromPhone := 0
	for key, n := range packets {
		if strings.HasSuffix(key, " "+lab.WANIP) {
			fromPhone += n
		}
	}
	if fromPhone < 50 {
		t.Fatalf("the relay got %d RTP packets from the phone through the NAT (%s): %v", fromPhone, lab.WANIP, packets)
	}
	if n := inbound(); n < 50 {
		t.Fatalf("the router forwarded %d RTP packets in to the phone", n)
	}
	if calls := rl.calls(); len(calls) != 0 {
		t.Fatalf("the relay still holds %v after the BYE", calls)
	}
}

// TestNATLabAcrossNodes: two nodes on one PostgreSQL; the phone behind
// the lab's NAT router registers on the first, over UDP and then TCP,
// and the call comes in on the second. Only the first node can reach the
// phone (the router lets in only what answers the phone's own mapping,
// and the TCP connection is the first node's), so the second sends the
// INVITE through it (a Route with a token only the nodes can make), and
// ACK and BYE follow the same path. Before, the second node sent to the
// mapping itself, which the router dropped.
func TestNATLabAcrossNodes(t *testing.T) {
	needTool(t, "sipp")
	const ttl = 3
	lab := newNATLab(t, ttl)
	dsn := storetest.DSN(t, "postgres")
	onLab := func(c *config.Config) { c.SIPAddr = lab.HostIP + ":0" }
	a, b := startServerWith(t, dsn, onLab, nil), startServerWith(t, dsn, onLab, nil)
	admin, id201, id202 := legacyTenant(a, "acme.example")
	for _, c := range []struct{ transport, name, phone, phoneID, caller string }{
		{"u1", "UDP", "202", id202, "201"},
		{"t1", "TCP", "201", id201, "202"},
	} {
		phoneDone, stopPhone := startNATPhone(t, lab, a.app.SIPAddr(), c.transport, c.phone, 4*ttl+6)
		waitRegistered(t, a, admin, c.phoneID, 1)
		time.Sleep(2 * ttl * time.Second) // the router would have forgotten an idle mapping
		sf, _ := filepath.Abs("testdata/sipp/uac_auth.xml")
		if err := sippRunFrom(t, lab.HostIP, b.app.SIPAddr(), sf, []string{sippLine(c.caller, "acme.example", "Sip-secret-"+c.caller, c.phone)}); err != nil {
			stopPhone()
			t.Fatalf("call through the other node to the phone behind NAT over %s: %v\n%s", c.name, err, tail(b.logs.String(), 3000))
		}
		if err := phoneDone(); err != nil {
			t.Fatalf("the phone behind NAT over %s: %v", c.name, err)
		}
	}
}
