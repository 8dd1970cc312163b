package e2e

import (
	"context"
	"fmt"
	"net"
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

// Tests with real SIP peers: Debian's sipp (sip-tester) and sipvicious.
// .ci/run installs them; elsewhere the tests skip when they are missing.

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (apt-get install -y sip-tester sipvicious); .ci/run installs it", name)
	}
	return p
}

// freePort returns a UDP and TCP port free on 127.0.0.1 right now.
func freePort(t *testing.T) int {
	t.Helper()
	for i := 0; i < 20; i++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		pc.Close()
		if err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// sippStep is one REGISTER of a scenario and the answer it must get.
type sippStep struct {
	auth    bool     // answer the previous 401
	contact string   // "" this UA's contact, "*" wildcard, "-" none
	headers []string // extra headers, e.g. "Expires: 300"
	expect  int
}

// sippScenario writes a sipp scenario of steps. Injection fields:
// extension; domain; [authentication ...]; contact user.
func sippScenario(steps []sippStep) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="ISO-8859-1" ?>` + "\n<scenario name=\"register steps\">\n")
	for _, s := range steps {
		b.WriteString("  <send retrans=\"500\">\n    <![CDATA[\n\n")
		b.WriteString("      REGISTER sip:[field1] SIP/2.0\n")
		b.WriteString("      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport\n")
		b.WriteString("      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag[call_number]\n")
		b.WriteString("      To: <sip:[field0]@[field1]>\n")
		b.WriteString("      Call-ID: [call_id]\n      CSeq: [cseq] REGISTER\n      Max-Forwards: 70\n      User-Agent: sipp\n")
		switch s.contact {
		case "":
			// A fixed contact: each sipp run has its own port.
			b.WriteString("      Contact: <sip:[field3]@127.0.0.1:5999>\n")
		case "-":
		default:
			b.WriteString("      Contact: " + s.contact + "\n")
		}
		if s.auth {
			b.WriteString("      [field2]\n")
		}
		for _, h := range s.headers {
			b.WriteString("      " + h + "\n")
		}
		b.WriteString("      Content-Length: 0\n\n    ]]>\n  </send>\n")
		if s.expect == 401 {
			b.WriteString("  <recv response=\"401\" auth=\"true\"/>\n")
		} else {
			fmt.Fprintf(&b, "  <recv response=\"%d\"/>\n", s.expect)
		}
	}
	b.WriteString("</scenario>\n")
	return b.String()
}

// sipp runs steps once per injection line against addr; it fails the test
// when a call does not get every expected answer.
func sipp(t *testing.T, addr, transport string, lines []string, steps []sippStep) {
	t.Helper()
	bin := needTool(t, "sipp")
	dir := t.TempDir()
	sf, inf := filepath.Join(dir, "scenario.xml"), filepath.Join(dir, "users.csv")
	if err := os.WriteFile(sf, []byte(sippScenario(steps)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inf, []byte("SEQUENTIAL\n"+strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	errFile := filepath.Join(dir, "errors.log")
	cmd := exec.CommandContext(ctx, bin, addr, "-sf", sf, "-inf", inf, "-m", strconv.Itoa(len(lines)), "-l", "1",
		"-i", "127.0.0.1", "-p", strconv.Itoa(freePort(t)), "-t", transport, "-timeout", "30s", "-timeout_error",
		"-recv_timeout", "5000", "-nostdin", "-trace_err", "-error_file", errFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		errs, _ := os.ReadFile(errFile)
		t.Fatalf("sipp (%s): %v\n%s\n%s", transport, err, tail(string(out), 1500), tail(string(errs), 3000))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func sippLine(ext, domain, password, contactUser string) string {
	return fmt.Sprintf("%s;%s;[authentication username=%s password=%s];%s", ext, domain, ext, password, contactUser)
}

// legacyTenant is a tenant whose challenges offer MD5 first: sipp 3.6 and
// sipvicious only know MD5 and read only the first challenge.
func legacyTenant(s *server, domain string) (admin, id201, id202 string) {
	s.t.Helper()
	admin, id201, id202 = sipTenant(s, domain)
	tenants := s.must(200, "GET", "/api/tenants?filter="+urlq("domain eq '"+domain+"'"), s.adminToken(), nil).JSON(s.t)["items"].([]any)
	tid := tenants[0].(map[string]any)["id"].(string)
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"sip_digest": "MD5_THEN_SHA256"})
	return admin, id201, id202
}

func TestSippRegistrations(t *testing.T) {
	needTool(t, "sipp")
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, id202 := legacyTenant(s, "acme.example")
		addr := s.app.SIPAddr()
		alice := sippLine("201", "acme.example", "Sip-secret-201", "201")
		registered := func(id string, n int) {
			t.Helper()
			if _, regs := registrations(t, s, admin, id); len(regs) != n {
				t.Fatalf("%d bindings, want %d: %v", len(regs), n, regs)
			}
		}
		reg := func(headers ...string) []sippStep {
			return []sippStep{{expect: 401}, {auth: true, headers: headers, expect: 200}}
		}

		// Register, refresh, unregister, over UDP and TCP.
		for _, tr := range []string{"u1", "t1"} {
			steps := append(reg("Expires: 120"), reg("Expires: 300")...)
			sipp(t, addr, tr, []string{alice}, steps)
			registered(id201, 1)
			sipp(t, addr, tr, []string{alice}, append(reg("Expires: 120"), reg("Expires: 0")...))
			registered(id201, 0)
		}
		// Query: a REGISTER without Contact lists the bindings.
		sipp(t, addr, "u1", []string{alice}, append(reg("Expires: 300"), sippStep{contact: "-", expect: 401}, sippStep{auth: true, contact: "-", expect: 200}))
		registered(id201, 1)
		// Wildcard removes everything.
		sipp(t, addr, "u1", []string{sippLine("201", "acme.example", "Sip-secret-201", "201b")}, reg("Expires: 300"))
		registered(id201, 2)
		sipp(t, addr, "u1", []string{alice}, []sippStep{{contact: "*", headers: []string{"Expires: 0"}, expect: 401},
			{auth: true, contact: "*", headers: []string{"Expires: 0"}, expect: 200}})
		registered(id201, 0)
		// Too brief: 423.
		sipp(t, addr, "u1", []string{alice}, []sippStep{{headers: []string{"Expires: 30"}, expect: 401}, {auth: true, headers: []string{"Expires: 30"}, expect: 423}})
		// A wrong password and an unknown extension get the same 401 again.
		sipp(t, addr, "u1", []string{sippLine("201", "acme.example", "wrong-one", "201"), sippLine("299", "acme.example", "Sip-secret-201", "299")},
			[]sippStep{{expect: 401}, {auth: true, headers: []string{"Expires: 300"}, expect: 401}})
		registered(id201, 0)
		// Max bindings: the second contact of a user allowed one is refused.
		s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"max_bindings": 1})
		bob := func(user string) string { return sippLine("202", "acme.example", "Sip-secret-202", user) }
		sipp(t, addr, "t1", []string{bob("202a")}, reg("Expires: 300"))
		sipp(t, addr, "t1", []string{bob("202b")}, []sippStep{{expect: 401}, {auth: true, headers: []string{"Expires: 300"}, expect: 403}})
		registered(id202, 1)
	})
}

// TestSipviciousFindsNothing: svwar cannot tell existing extensions from
// missing ones, by REGISTER, OPTIONS or INVITE.
func TestSipviciousFindsNothing(t *testing.T) {
	bin := needTool(t, "svwar")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	legacyTenant(s, "acme.example")
	host, port, _ := net.SplitHostPort(s.app.SIPAddr())
	for _, args := range [][]string{
		{"-e200-210", "-m", "REGISTER"},
		{"--force", "-e195-215", "-m", "REGISTER"},
		{"--force", "-e200-205", "-m", "OPTIONS"},
		{"--force", "-e200-205", "-m", "INVITE"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		cmd := exec.CommandContext(ctx, bin, append(args, "--domain", "acme.example", "-P", strconv.Itoa(freePort(t)), "-p", port, host)...)
		out, _ := cmd.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Fatalf("svwar %v did not finish: %s", args, out)
		}
		text := string(out)
		if !strings.Contains(text, "found nothing") || strings.Contains(text, "| 201") || strings.Contains(text, "| 202") {
			t.Fatalf("svwar %v:\n%s", args, text)
		}
	}
}

// TestSvcrackIsStopped: svcrack finds a password early in its list (the
// tool works against this registrar), but not one at position 500 of 1,000:
// the source is ignored after --sip-fail-limit failures.
func TestSvcrackIsStopped(t *testing.T) {
	bin := needTool(t, "svcrack")
	run := func(t *testing.T, position int) (string, *server) {
		s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) {
			c.SIP = config.DefaultSIPSettings // 20 failures
		}, nil)
		legacyTenant(s, "acme.example")
		words := make([]string, 1000)
		for i := range words {
			words[i] = fmt.Sprintf("guess-%04d", i)
		}
		words[position] = "Sip-secret-201"
		list := filepath.Join(t.TempDir(), "words.txt")
		if err := os.WriteFile(list, []byte(strings.Join(words, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		host, port, _ := net.SplitHostPort(s.app.SIPAddr())
		ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
		defer cancel()
		out, _ := exec.CommandContext(ctx, bin, "-u", "201", "-d", list, "--domain", "acme.example", "-P", strconv.Itoa(freePort(t)),
			"-p", port, host).CombinedOutput()
		if ctx.Err() != nil {
			t.Fatalf("svcrack did not finish: %s", out)
		}
		return string(out), s
	}
	t.Run("control", func(t *testing.T) {
		t.Parallel()
		out, _ := run(t, 5)
		if !strings.Contains(out, "Sip-secret-201") {
			t.Fatalf("svcrack did not find a password at position 5, so it is not really testing the registrar:\n%s", out)
		}
	})
	t.Run("stopped", func(t *testing.T) {
		t.Parallel()
		out, s := run(t, 500)
		if strings.Contains(out, "Sip-secret-201") || !strings.Contains(out, "found nothing") {
			t.Fatalf("svcrack:\n%s", out)
		}
		logs := s.logs.String()
		if n := strings.Count(logs, "sip authentication failed"); n != 20 {
			t.Fatalf("%d failures logged, want 20 (then silence)", n)
		}
		if !strings.Contains(logs, "sip source ignored after repeated failures") {
			t.Fatal("no ban logged")
		}
	})
}

// sippUAS starts Debian sipp's built-in UAS (answers INVITE with 180 and
// 200, then BYE with 200) for n calls on a free port; wait reports its end.
func sippUAS(t *testing.T, n int) (port int, wait func() error) {
	t.Helper()
	return startUAS(t, n, "-sn", "uas")
}

// startUAS starts sipp as a UAS for n calls on a free port with the given
// scenario arguments; wait reports its end.
func startUAS(t *testing.T, n int, scenario ...string) (port int, wait func() error) {
	t.Helper()
	bin := needTool(t, "sipp")
	port = freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	args := append(scenario, "-i", "127.0.0.1", "-p", strconv.Itoa(port), "-m", strconv.Itoa(n), "-nostdin", "-timeout", "30s", "-timeout_error")
	cmd := exec.CommandContext(ctx, bin, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return port, func() error {
		if err := cmd.Wait(); err != nil {
			return fmt.Errorf("%v: %s", err, tail(out.String(), 1500))
		}
		return nil
	}
}

// sippUAC runs testdata/sipp/uac_auth.xml once per injection line.
func sippUAC(t *testing.T, addr string, lines []string) error {
	t.Helper()
	sf, _ := filepath.Abs("testdata/sipp/uac_auth.xml")
	return sippRun(t, addr, sf, lines)
}

// sippUACRefused runs a call that must end with final status (after the
// 407 round): the scenario is testdata/sipp/uac_auth.xml cut after the
// authenticated INVITE, expecting status, then the ACK.
func sippUACRefused(t *testing.T, addr string, lines []string, status int) error {
	t.Helper()
	return sippUACRefusedEdited(t, addr, lines, status, func(s string) string { return s })
}

// sippUACRefusedEdited is sippUACRefused with the scenario's text
// changed by edit first.
func sippUACRefusedEdited(t *testing.T, addr string, lines []string, status int, edit func(string) string) error {
	t.Helper()
	raw, err := os.ReadFile("testdata/sipp/uac_auth.xml")
	if err != nil {
		t.Fatal(err)
	}
	text := edit(string(raw))
	cut := strings.Index(text, `  <recv response="200" rrs="true"/>`)
	text = text[:cut] + fmt.Sprintf(`  <recv response="%d"/>
  <send>
    <![CDATA[

      ACK sip:[field3]@[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-4];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
</scenario>
`, status)
	sf := filepath.Join(t.TempDir(), "refused.xml")
	if err := os.WriteFile(sf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return sippRun(t, addr, sf, lines)
}

func sippRun(t *testing.T, addr, sf string, lines []string) error {
	t.Helper()
	return sippRunFrom(t, "127.0.0.1", addr, sf, lines)
}

// sippRunFrom runs scenario sf once per injection line from local
// address ip.
func sippRunFrom(t *testing.T, ip, addr, sf string, lines []string, extra ...string) error {
	t.Helper()
	bin := needTool(t, "sipp")
	dir := t.TempDir()
	inf := filepath.Join(dir, "calls.csv")
	if err := os.WriteFile(inf, []byte("SEQUENTIAL\n"+strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := append([]string{addr, "-sf", sf, "-inf", inf, "-m", strconv.Itoa(len(lines)), "-l", "1", "-i", ip,
		"-p", strconv.Itoa(freePort(t)), "-nostdin", "-timeout", "30s", "-timeout_error", "-recv_timeout", "10000",
		"-trace_err", "-error_file", filepath.Join(dir, "errors.log")}, extra...)
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		errs, _ := os.ReadFile(filepath.Join(dir, "errors.log"))
		return fmt.Errorf("%v: %s\n%s", err, tail(string(out), 300), tail(string(errs), 3000))
	}
	return nil
}

// TestSippCallThroughProxy: a call between two registered extensions,
// with real SIP peers on both ends, through the proxy's 407 challenge,
// the callee's plan, Record-Route for ACK and BYE, and call records.
func TestSippCallThroughProxy(t *testing.T) {
	needTool(t, "sipp")
	eachDB(t, func(t *testing.T, s *server) {
		legacyTenant(s, "acme.example") // sipp answers MD5 challenges only
		uasPort, wait := sippUAS(t, 1)
		bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
		if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", uasPort), "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register the callee: %v", res)
		}
		if err := sippUAC(t, s.app.SIPAddr(), []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}); err != nil {
			t.Fatalf("caller: %v", err)
		}
		if err := wait(); err != nil {
			t.Fatalf("callee: %v", err)
		}
		for _, who := range []struct{ name, pw string }{{"alice", "Alice-password-1"}, {"bob", "Bob-password-1"}} {
			tok := s.signIn(who.name, who.pw, "acme.example")
			var list []map[string]any
			for i := 0; i < 50; i++ { // the record is written when the BYE is answered
				if list = items(t, s.must(200, "GET", "/api/user/cdrs", tok, nil)); len(list) > 0 {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if len(list) != 1 {
				t.Fatalf("%s has %d records", who.name, len(list))
			}
			r := list[0]
			if r["caller"] != "201" || r["callee"] != "202" || r["direction"] != "INTERNAL_CALL" || r["status_code"] != float64(200) ||
				r["answered_at"] == nil || r["end_reason"] != "CALLER_DISCONNECTED" {
				t.Fatalf("%s's record: %v", who.name, r)
			}
		}
	})
}

// records waits for a user's call records (written when the call ends).
func records(t *testing.T, s *server, token string, n int) []map[string]any {
	t.Helper()
	var list []map[string]any
	for i := 0; i < 100; i++ {
		if list = items(t, s.must(200, "GET", "/api/user/cdrs", token, nil)); len(list) >= n {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return list
}

// TestSippCallPlans: the callee's settings change what happens to real
// calls — no answer then forward to another extension, DND to voicemail
// (refused for a user without a mailbox), an international
// call refused by the role's policy, a domestic one without a trunk.
func TestSippCallPlans(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, _, id202 := legacyTenant(s, "acme.example")
	id203 := s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
		"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
	alice := sippLine("201", "acme.example", "Sip-secret-201", "")

	// 202 rings 5 s without answering, then forwards to 203, who answers.
	s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"available_no_answer_forward_rule": map[string]any{
		"action": "FORWARD_TO_NUMBER", "number": "203", "timeout": 5}})
	silent := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
	if res := silent.register("Contact: <sip:202@127.0.0.1:9>", "Expires: 600"); res.StatusCode != 200 { // nobody listens there
		t.Fatalf("register 202: %v", res)
	}
	uasPort, wait := sippUAS(t, 1)
	carol := s.newUA("udp", "203", "acme.example", "Sip-secret-203")
	if res := carol.register(fmt.Sprintf("Contact: <sip:203@127.0.0.1:%d>", uasPort), "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("register 203: %v", res)
	}
	if err := sippUAC(t, s.app.SIPAddr(), []string{alice + "202"}); err != nil {
		t.Fatalf("call 202: %v", err)
	}
	if err := wait(); err != nil {
		t.Fatalf("203's phone: %v", err)
	}
	recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 1)
	if len(recs) != 1 || recs[0]["status_code"] != float64(200) || recs[0]["reroute_reason"] != "FORWARD" {
		t.Fatalf("alice's record of the forwarded call: %v", recs)
	}
	_ = id203

	// DND: voicemail; bob's mailbox choice NONE refuses it with 480 (the
	// node answers voicemail itself otherwise, see voicemail_test.go).
	s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"enable_dnd": true, "mailbox": "NONE"})
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{alice + "202"}, 480); err != nil {
		t.Fatalf("DND: %v", err)
	}
	aliceTok := s.signIn("alice", "Alice-password-1", "acme.example")
	if recs := records(t, s, aliceTok, 2); len(recs) != 2 || recs[0]["status_code"] != float64(480) || recs[0]["reroute_reason"] != "VOICEMAIL" {
		t.Fatalf("alice's record of the DND call: %v", recs)
	}
	// A StandardUser may not call abroad; domestic calls need a trunk.
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{alice + "+14155550100"}, 403); err != nil {
		t.Fatalf("international: %v", err)
	}
	if recs := records(t, s, aliceTok, 3); len(recs) != 3 || recs[0]["status_code"] != float64(403) || recs[0]["direction"] != "OUTBOUND_CALL" ||
		recs[0]["end_reason"] != "REJECTED" {
		t.Fatalf("alice's record of the refused international call: %v", recs)
	}
	s.must(204, "POST", "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken(), map[string]any{"country_code": "1"})
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{alice + "+14155550100"}, 503); err != nil {
		t.Fatalf("domestic without a trunk: %v", err)
	}
	// A user's own restriction refuses domestic calls too.
	s.must(204, "POST", "/api/users/"+s.must(200, "GET", "/api/users?filter="+urlq("name eq 'alice'"), admin, nil).JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string),
		admin, map[string]any{"call_restrictions": map[string]any{"domestic": "DENY"}})
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{alice + "+14155550100"}, 403); err != nil {
		t.Fatalf("restricted domestic: %v", err)
	}
}

func tenantID(t *testing.T, s *server, domain string) string {
	t.Helper()
	l := s.must(200, "GET", "/api/tenants?filter="+urlq("domain eq '"+domain+"'"), s.adminToken(), nil).JSON(t)["items"].([]any)
	return l[0].(map[string]any)["id"].(string)
}

// sippUASChecking is a UAS for n calls that fails unless each INVITE's
// header matches regexp; it answers 180, 200 and the BYE.
func sippUASChecking(t *testing.T, header, regexp string) (port int, wait func() error) {
	t.Helper()
	// header "" checks the whole message (e.g. the request line).
	ereg := fmt.Sprintf(`<ereg regexp="%s" search_in="hdr" header="%s:" check_it="true" assign_to="dummy"/>`, regexp, header)
	if header == "" {
		ereg = fmt.Sprintf(`<ereg regexp="%s" search_in="msg" check_it="true" assign_to="dummy"/>`, regexp)
	}
	scenario := fmt.Sprintf(`<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="uas checking %[1]s">
  <recv request="INVITE">
    <action>
      %[3]s
    </action>
  </recv>
  <send>
    <![CDATA[

      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
`+uasAnswer("01")+`  <Reference variables="dummy"/>
</scenario>
`, header, regexp, ereg)
	return uasScenario(t, scenario)
}

// TestSippTrunkAndVoicemail: outbound calls leave through the tenant's
// trunk with the caller's number asserted; voicemail goes to the
// tenant's voicemail server with the mailbox and a Diversion header.
func TestSippTrunkAndVoicemail(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, _, id202 := legacyTenant(s, "acme.example")
	tid := tenantID(t, s, "acme.example")
	wantInvalid(t, s.do("POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"sip_trunk": "http://trunk.example"}).Err(), "sip_trunk")
	wantInvalid(t, s.do("POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"voicemail_server": "sip:vm@host"}).Err(), "voicemail_server")
	trunkPort, trunkDone := sippUASChecking(t, "P-Asserted-Identity", "sip:201@acme.example")
	vmPort, vmDone := sippUASChecking(t, "Diversion", "sip:202@acme.example>;reason=do-not-disturb")
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "33",
		"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort), "voicemail_server": fmt.Sprintf("sip:127.0.0.1:%d", vmPort)})
	alice := sippLine("201", "acme.example", "Sip-secret-201", "")

	if err := sippUAC(t, s.app.SIPAddr(), []string{alice + "+33123456789"}); err != nil {
		t.Fatalf("outbound call: %v", err)
	}
	if err := trunkDone(); err != nil {
		t.Fatalf("trunk: %v", err)
	}
	s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"enable_dnd": true})
	if err := sippUAC(t, s.app.SIPAddr(), []string{alice + "202"}); err != nil {
		t.Fatalf("call to voicemail: %v", err)
	}
	if err := vmDone(); err != nil {
		t.Fatalf("voicemail server: %v", err)
	}
	recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 2)
	var out, vm map[string]any
	for _, r := range recs {
		switch r["callee"] {
		case "+33123456789":
			out = r
		case "202":
			vm = r
		}
	}
	if out == nil || out["direction"] != "OUTBOUND_CALL" || out["destination"] != "+33123456789" || out["trunk"] == "" || out["status_code"] != float64(200) {
		t.Fatalf("outbound record: %v (all: %v)", out, recs)
	}
	if vm == nil || vm["reroute_reason"] != "VOICEMAIL" || vm["answered_at"] == nil {
		t.Fatalf("voicemail record: %v", vm)
	}
}

// busyBob makes carol (203), takes call waiting from bob (202), declines
// his busy calls (603) and registers him at a sipp UAS for one call.
func busyBob(t *testing.T, s *server, admin, id202 string) (wait func() error) {
	t.Helper()
	s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
		"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
	s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"enable_call_waiting": false,
		"busy_office_hours_forward_rule": map[string]any{"action": "HANG_UP"}, "busy_non_office_hours_forward_rule": map[string]any{"action": "HANG_UP"}})
	uasPort, wait := sippUAS(t, 1)
	bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
	if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", uasPort), "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("register bob: %v", res)
	}
	return wait
}

// longCall starts a call that stays up for pause; its result comes later.
func longCall(t *testing.T, addr, line string, pause time.Duration) <-chan error {
	t.Helper()
	raw, _ := os.ReadFile("testdata/sipp/uac_auth.xml")
	long := filepath.Join(t.TempDir(), "long.xml")
	_ = os.WriteFile(long, []byte(strings.Replace(string(raw), `<pause milliseconds="300"/>`,
		fmt.Sprintf(`<pause milliseconds="%d"/>`, pause.Milliseconds()), 1)), 0o600)
	done := make(chan error, 1)
	go func() { done <- sippRun(t, addr, long, []string{line}) }()
	return done
}

// waitBusy waits until the explanation shows the user busy.
func waitBusy(t *testing.T, s *server, token, userID string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(string(s.must(200, "GET", routingURL(userID, "", ""), token, nil).Body), `"busy":true`) {
			return
		}
	}
	t.Fatal("the user never showed busy while on a call")
}

// TestSippBusyAndMemoryHunt: a user on a call without call waiting is
// busy (the busy rule applies); Memory Hunt starts after the Follow Me
// number that answered last.
func TestSippBusyAndMemoryHunt(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, id201, id202 := legacyTenant(s, "acme.example")
	alice := sippLine("201", "acme.example", "Sip-secret-201", "")
	carol := sippLine("203", "acme.example", "Sip-secret-203", "")

	// Bob, without call waiting, answers alice and stays on the call.
	wait := busyBob(t, s, admin, id202)
	first := longCall(t, s.app.SIPAddr(), alice+"202", 2500*time.Millisecond)
	waitBusy(t, s, admin, id202)
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{carol + "202"}, 603); err != nil {
		t.Fatalf("second call to a busy bob: %v", err)
	}
	if err := <-first; err != nil {
		t.Fatalf("first call: %v", err)
	}
	if err := wait(); err != nil {
		t.Fatalf("bob's phone: %v", err)
	}

	// Memory Hunt through the trunk: the first call starts with the first
	// number, the next with the one after the number that answered.
	tid := tenantID(t, s, "acme.example")
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "33"}) // French numbers are domestic
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{
		"offline_office_hours_forward_rule": map[string]any{"action": "RING_EXTENSION"}, "offline_non_office_hours_forward_rule": map[string]any{"action": "RING_EXTENSION"},
		"follow_me": map[string]any{"enabled": true, "numbers": []any{"+33100000001", "+33100000002"}, "strategy": "MEMORY_HUNT", "ring_time": 10}})
	for _, want := range []string{"+33100000001", "+33100000002", "+33100000001"} {
		port, done := sippUASChecking(t, "", "INVITE sip:\\"+want+"@") // the number rung first
		s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", port)})
		s.advance(6 * time.Second) // the registrar's cached tenant settings
		if err := sippUAC(t, s.app.SIPAddr(), []string{carol + "201"}); err != nil {
			t.Fatalf("call %s: %v", want, err)
		}
		if err := done(); err != nil {
			t.Fatalf("trunk for %s: %v", want, err)
		}
	}
}

// TestSippTimeRules: outside office hours and on a holiday the
// non-office-hours rule decides; with call waiting a user on a call still
// rings.
func TestSippTimeRules(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, _, id202 := legacyTenant(s, "acme.example")
	alice := sippLine("201", "acme.example", "Sip-secret-201", "")
	tid := tenantID(t, s, "acme.example")
	uasPort, wait := sippUAS(t, 3)
	bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
	if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", uasPort), "Expires: 3600"); res.StatusCode != 200 {
		t.Fatalf("register bob: %v", res)
	}
	// Bob's non-office-hours rule hangs up; office hours ring him.
	s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"available_non_office_hours_forward_rule": map[string]any{"action": "HANG_UP"}})
	week := func(open bool) map[string]any {
		day := map[string]any{"enabled": open, "ranges": []any{}}
		if open {
			day["ranges"] = []any{map[string]any{"from": "00:00", "to": "24:00"}}
		}
		w := map[string]any{}
		for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
			w[d] = day
		}
		return w
	}
	// Office hours all week: the call rings and is answered.
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"office_hours": week(true)})
	if err := sippUAC(t, s.app.SIPAddr(), []string{alice + "202"}); err != nil {
		t.Fatalf("during office hours: %v", err)
	}
	aliceTok := s.signIn("alice", "Alice-password-1", "acme.example")
	lastStatus := func(n int) any {
		t.Helper()
		recs := records(t, s, aliceTok, n)
		if len(recs) != n {
			t.Fatalf("alice has %d records, want %d", len(recs), n)
		}
		return recs[0]["status_code"]
	}
	if st := lastStatus(1); st != float64(200) {
		t.Fatalf("office hours record: %v", st)
	}
	// A holiday today turns it into non-office hours: declined.
	now := time.Now().UTC()
	hol := s.must(201, "POST", "/api/user/holidays", s.signIn("bob", "Bob-password-1", "acme.example"), holiday("Today",
		"region", "", "year_start", now.Year(), "year_end", now.Year(), "month_start", int(now.Month()), "month_end", int(now.Month()),
		"day_start", now.Day(), "day_end", now.Day(), "hour_start", 0, "hour_end", 23, "minute_end", 59)).JSON(t)["id"].(string)
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{alice + "202"}, 603); err != nil {
		t.Fatalf("on a holiday: %v", err)
	}
	if st := lastStatus(2); st != float64(603) {
		t.Fatalf("holiday record: %v", st)
	}
	s.must(204, "POST", "/api/users/"+id202+"/holidays/"+hol+"/destroy", admin, nil)
	// No office hours at all: non-office hours, declined.
	closed := week(false)
	closed["monday"] = map[string]any{"enabled": true, "ranges": []any{map[string]any{"from": "00:00", "to": "00:01"}}}
	if now.Weekday() == time.Monday && now.Hour() == 0 && now.Minute() == 0 {
		t.Skip("the test's closed week is open at this minute")
	}
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"office_hours": closed})
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{alice + "202"}, 603); err != nil {
		t.Fatalf("outside office hours: %v", err)
	}
	if st := lastStatus(3); st != float64(603) {
		t.Fatalf("outside office hours record: %v", st)
	}
	// Call waiting on (the default): bob on a call still rings for a second one.
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"office_hours": week(true)})
	raw, _ := os.ReadFile("testdata/sipp/uac_auth.xml")
	long := filepath.Join(t.TempDir(), "long.xml")
	_ = os.WriteFile(long, []byte(strings.Replace(string(raw), `<pause milliseconds="300"/>`, `<pause milliseconds="2000"/>`, 1)), 0o600)
	first := make(chan error, 1)
	go func() { first <- sippRun(t, s.app.SIPAddr(), long, []string{alice + "202"}) }()
	time.Sleep(700 * time.Millisecond) // the first call is answered well within this; it lasts 2 s
	s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
		"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
	if err := sippUAC(t, s.app.SIPAddr(), []string{sippLine("203", "acme.example", "Sip-secret-203", "") + "202"}); err != nil {
		t.Fatalf("second call with call waiting: %v", err)
	}
	if err := <-first; err != nil {
		t.Fatalf("first call: %v", err)
	}
	if err := wait(); err != nil {
		t.Fatalf("bob's phone: %v", err)
	}
}

// TestSippInboundTrunk: a call from the tenant's trunk (by its address and
// port, no digest) to a number among a user's outbound caller IDs rings
// that user; an unknown number is 404; the same INVITE from elsewhere is
// challenged.
func TestSippInboundTrunk(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, _, id202 := legacyTenant(s, "acme.example")
	trunkPort := freePort(t)
	s.must(204, "POST", "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken(), map[string]any{"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort)})
	s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"outbound_caller_ids": []any{map[string]any{"caller_id": "+33199999999"}}})
	uasPort, wait := sippUAS(t, 1)
	bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
	if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", uasPort), "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("register bob: %v", res)
	}
	invite := func(conn net.Conn, number string) string {
		return fmt.Sprintf("INVITE sip:%s@acme.example SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%s\r\nMax-Forwards: 70\r\n"+
			"From: <sip:+14155550100@trunk.example>;tag=t1\r\nTo: <sip:%s@acme.example>\r\nCall-ID: %s@trunk\r\nCSeq: 1 INVITE\r\n"+
			"Contact: <sip:trunk@%s>\r\nContent-Length: 0\r\n\r\n", number, conn.LocalAddr(), randHex(6), number, randHex(6), conn.LocalAddr())
	}
	final := func(ua *sipUA, text string) int {
		if _, err := ua.conn.Write([]byte(text)); err != nil {
			t.Fatal(err)
		}
		for {
			res := ua.read(3 * time.Second)
			if res == nil {
				t.Fatal("no final answer")
			}
			if res.StatusCode >= 200 {
				return res.StatusCode
			}
		}
	}
	// From the trunk's address: an unknown number is 404.
	laddr, _ := net.ResolveUDPAddr("udp", fmt.Sprintf("127.0.0.1:%d", trunkPort))
	raddr, _ := net.ResolveUDPAddr("udp", s.app.SIPAddr())
	tc, err := net.DialUDP("udp", laddr, raddr)
	if err != nil {
		t.Fatal(err)
	}
	trunk := &sipUA{t: t, conn: tc, network: "udp"}
	if code := final(trunk, invite(tc, "+33100000000")); code != 404 {
		t.Fatalf("unknown number from the trunk: %d", code)
	}
	tc.Close()
	// From anywhere else the same INVITE must authenticate.
	other := s.newUA("udp", "x", "acme.example", "")
	if code := final(other, invite(other.conn, "+33199999999")); code != 407 {
		t.Fatalf("INVITE from outside the trunk: %d", code)
	}

	// A real call from the trunk's port rings bob and is answered.
	raw, _ := os.ReadFile("testdata/sipp/uac_auth.xml")
	text := string(raw)
	second := strings.Index(text[strings.Index(text, `<send retrans="500">`)+1:], `<send retrans="500">`) + strings.Index(text, `<send retrans="500">`) + 1
	scenario := `<?xml version="1.0" encoding="ISO-8859-1" ?>` + "\n<scenario name=\"from the trunk\">\n  " +
		strings.Replace(text[second:], "      [field2]\n", "", 1)
	sf := filepath.Join(t.TempDir(), "trunk.xml")
	_ = os.WriteFile(sf, []byte(scenario), 0o600)
	dir := t.TempDir()
	inf := filepath.Join(dir, "calls.csv")
	_ = os.WriteFile(inf, []byte("SEQUENTIAL\n+14155550100;acme.example;;+33199999999\n"), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, needTool(t, "sipp"), s.app.SIPAddr(), "-sf", sf, "-inf", inf, "-m", "1", "-i", "127.0.0.1",
		"-p", strconv.Itoa(trunkPort), "-nostdin", "-timeout", "30s", "-timeout_error", "-recv_timeout", "10000").CombinedOutput()
	if err != nil {
		t.Fatalf("call from the trunk: %v: %s", err, tail(string(out), 1200))
	}
	if err := wait(); err != nil {
		t.Fatalf("bob's phone: %v", err)
	}
	recs := records(t, s, s.signIn("bob", "Bob-password-1", "acme.example"), 1)
	if len(recs) != 1 || recs[0]["direction"] != "INBOUND_CALL" || recs[0]["did_cid"] != "+33199999999" || recs[0]["caller"] != "+14155550100" {
		t.Fatalf("bob's record: %v", recs)
	}
}

// TestSippBusyAcrossNodes: two nodes on one PostgreSQL database; a user on
// a call through one node is busy for a call through the other.
func TestSippBusyAcrossNodes(t *testing.T) {
	needTool(t, "sipp")
	dsn := storetest.DSN(t, "postgres")
	n1, n2 := startServer(t, dsn), startServer(t, dsn)
	admin, _, id202 := legacyTenant(n1, "acme.example")
	wait := busyBob(t, n1, admin, id202)
	first := longCall(t, n1.app.SIPAddr(), sippLine("201", "acme.example", "Sip-secret-201", "")+"202", 2500*time.Millisecond)
	waitBusy(t, n2, admin, id202) // seen from the other node
	if err := sippUACRefused(t, n2.app.SIPAddr(), []string{sippLine("203", "acme.example", "Sip-secret-203", "") + "202"}, 603); err != nil {
		t.Fatalf("call through the other node: %v", err)
	}
	if err := <-first; err != nil {
		t.Fatalf("first call: %v", err)
	}
	if err := wait(); err != nil {
		t.Fatalf("bob's phone: %v", err)
	}
	if strings.Contains(string(n2.must(200, "GET", routingURL(id202, "", ""), admin, nil).Body), `"busy":true`) {
		t.Fatal("bob is still busy after the call")
	}
}

// TestSippFollowMeHunt: Hunt rings the Follow Me numbers in order through
// the trunk; the first is busy, the second answers; the record says so.
func TestSippFollowMeHunt(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, id201, _ := legacyTenant(s, "acme.example")
	s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
		"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
	// The trunk: busy for the first number, answers the second.
	scenario := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="trunk: first number busy, second answers">
  <recv request="INVITE">
    <action><ereg regexp="INVITE sip:\+33100000001@" search_in="msg" check_it="true" assign_to="d1"/></action>
  </recv>
` + uasBusy + `  <recv request="INVITE">
    <action><ereg regexp="INVITE sip:\+33100000002@" search_in="msg" check_it="true" assign_to="d2"/></action>
  </recv>
` + uasAnswer("02") + `  <Reference variables="d1,d2"/>
</scenario>
`
	port, done := uasScenario(t, scenario)
	s.must(204, "POST", "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken(), map[string]any{"country_code": "33", "sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", port)})
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{
		"offline_office_hours_forward_rule": map[string]any{"action": "RING_EXTENSION"}, "offline_non_office_hours_forward_rule": map[string]any{"action": "RING_EXTENSION"},
		"follow_me": map[string]any{"enabled": true, "numbers": []any{"+33100000001", "+33100000002"}, "strategy": "HUNT", "ring_time": 10}})
	if err := sippUAC(t, s.app.SIPAddr(), []string{sippLine("203", "acme.example", "Sip-secret-203", "") + "201"}); err != nil {
		t.Fatalf("call: %v", err)
	}
	if err := done(); err != nil {
		t.Fatalf("trunk: %v", err)
	}
	recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 1)
	if len(recs) != 1 || recs[0]["status_code"] != float64(200) || recs[0]["caller"] != "203" || recs[0]["answered_at"] == nil {
		t.Fatalf("alice's record: %v", recs)
	}
}

// uasAnswer is the end of a UAS scenario: 200 OK (To tag with suffix),
// then the ACK, the BYE and its 200.
func uasAnswer(tag string) string {
	return uasOK(tag) + `  <recv request="BYE"/>
` + uasByeOK
}

// uasOK answers the INVITE with 200 OK (To tag with suffix) and takes
// the ACK.
func uasOK(tag string) string {
	return `  <send retrans="500">
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag` + tag + `[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
`
}

// uasByeOK answers a BYE (or another in-dialog request) with 200 OK.
const uasByeOK = `  <send>
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

// TestSippRequireKeyPress: with require_key_press, a Follow Me number
// counts as answered only when the person answering presses a key (SIP
// INFO DTMF). The first number's own voicemail answers and presses
// nothing: the proxy ends that leg after the wait and hunts on; the
// second presses 5 and gets the call, the caller's ACK stopping at the
// proxy. Then a number that never presses lets the call go on to the
// user's voicemail (the no-answer rule).
func TestSippRequireKeyPress(t *testing.T) {
	needTool(t, "sipp")
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) { c.SIP.KeyPressWait = 2 * time.Second }, nil)
	admin, id201, _ := legacyTenant(s, "acme.example")
	s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
		"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
	answerHeld, byeOK := uasOK, uasByeOK
	// The proxy's BYE of a leg that pressed nothing comes from the caller.
	byeFromProxy := `  <recv request="BYE">
    <action><ereg regexp="From: &lt;sip:203@acme.example&gt;" search_in="msg" check_it="true" assign_to="b"/></action>
  </recv>
` + byeOK
	scenario := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="trunk: a voicemail answers first, then a person presses 5">
  <recv request="INVITE">
    <action><ereg regexp="INVITE sip:\+33100000001@" search_in="msg" check_it="true" assign_to="d1"/></action>
  </recv>
` + answerHeld("01") + byeFromProxy + `  <recv request="INVITE">
    <action>
      <ereg regexp="INVITE sip:\+33100000002@" search_in="msg" check_it="true" assign_to="d2"/>
      <ereg regexp="sip:[^&gt;;]*" search_in="hdr" header="Contact:" check_it="true" assign_to="ct"/>
      <ereg regexp="&lt;.*" search_in="hdr" header="From:" check_it="true" assign_to="from"/>
      <ereg regexp="&lt;[^&gt;]*&gt;" search_in="hdr" header="Record-Route:" check_it="true" assign_to="rr"/>
    </action>
  </recv>
` + answerHeld("02") + `  <send retrans="500">
    <![CDATA[

      INFO [$ct] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Route: [$rr]
      From: <sip:+33100000002@[local_ip]:[local_port]>;tag=[pid]SIPpTag02[call_number]
      To: [$from]
      Call-ID: [call_id]
      CSeq: 1 INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=5
      Duration=160

    ]]>
  </send>
  <recv response="200"/>
  <recv request="BYE"/>
` + byeOK + `  <Reference variables="d1,d2,b"/>
</scenario>
`
	port, done := uasScenario(t, scenario)
	tid := tenantID(t, s, "acme.example")
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "33", "sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", port)})
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"require_key_press": true,
		"offline_office_hours_forward_rule": map[string]any{"action": "RING_EXTENSION"}, "offline_non_office_hours_forward_rule": map[string]any{"action": "RING_EXTENSION"},
		"follow_me": map[string]any{"enabled": true, "numbers": []any{"+33100000001", "+33100000002"}, "strategy": "HUNT", "ring_time": 10}})
	carol := sippLine("203", "acme.example", "Sip-secret-203", "") + "201"
	if err := sippUAC(t, s.app.SIPAddr(), []string{carol}); err != nil {
		t.Logf("trunk: %v", done())
		t.Fatalf("call: %v\n%s", err, tail(s.logs.String(), 3000))
	}
	if err := done(); err != nil {
		t.Fatalf("trunk: %v", err)
	}
	alice := s.signIn("alice", "Alice-password-1", "acme.example")
	recs := records(t, s, alice, 1)
	if len(recs) != 1 || recs[0]["status_code"] != float64(200) || recs[0]["answered_at"] == nil {
		t.Fatalf("alice's record: %v", recs)
	}
	// Answered once the second number pressed its key, after the first
	// number's wait (2 s) ran out.
	started, _ := time.Parse(time.RFC3339Nano, recs[0]["started_at"].(string))
	answered, _ := time.Parse(time.RFC3339Nano, recs[0]["answered_at"].(string))
	if d := answered.Sub(started); d < 2*time.Second {
		t.Fatalf("answered %v after the start, before the first number's key press wait ended", d)
	}

	// A number that never presses a key: the call goes on to voicemail.
	silent := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="trunk: a voicemail answers and presses nothing">
  <recv request="INVITE"/>
` + answerHeld("01") + byeFromProxy + `  <Reference variables="b"/>
</scenario>
`
	port2, done2 := uasScenario(t, silent)
	vmPort, vmDone := sippUASChecking(t, "Diversion", "sip:201@acme.example>;reason=no-answer")
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", port2),
		"voicemail_server": fmt.Sprintf("sip:127.0.0.1:%d", vmPort)})
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{
		"available_no_answer_forward_rule": map[string]any{"action": "FORWARD_TO_VOICEMAIL"},
		"follow_me":                        map[string]any{"enabled": true, "numbers": []any{"+33100000003"}, "strategy": "HUNT", "ring_time": 10}})
	if err := sippUAC(t, s.app.SIPAddr(), []string{carol}); err != nil {
		t.Fatalf("second call: %v", err)
	}
	if err := done2(); err != nil {
		t.Fatalf("trunk (silent): %v", err)
	}
	if err := vmDone(); err != nil {
		t.Fatalf("voicemail: %v", err)
	}
	recs = records(t, s, alice, 2)
	if len(recs) != 2 {
		t.Fatalf("alice's records: %v", recs)
	}
	var vm map[string]any
	for _, r := range recs {
		if r["reroute_reason"] == "VOICEMAIL" {
			vm = r
		}
	}
	// Alice's own record says she forwarded the call to voicemail (the
	// caller's says it was answered there).
	if vm == nil || vm["end_reason"] != "FORWARDED" || vm["destination"] != "voicemail" || vm["status_code"] != float64(181) {
		t.Fatalf("no voicemail record: %v", recs)
	}
}

// TestSippInDialogInfo: requests other than ACK and BYE inside a call
// (here an INFO carrying a DTMF key) pass the proxy through its
// Record-Route to the other party, and their answers come back.
func TestSippInDialogInfo(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	legacyTenant(s, "acme.example")
	uas := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="uas: receives an INFO in the call">
  <recv request="INVITE"/>
` + uasOK("01") + `  <recv request="INFO">
    <action><ereg regexp="Signal=7" search_in="body" check_it="true" assign_to="k"/></action>
  </recv>
` + uasByeOK + `  <recv request="BYE"/>
` + uasByeOK + `  <Reference variables="k"/>
</scenario>
`
	dir := t.TempDir()
	uasFile := filepath.Join(dir, "uas.xml")
	_ = os.WriteFile(uasFile, []byte(uas), 0o600)
	port, done := startUAS(t, 1, "-sf", uasFile)
	bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
	if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", port), "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("register the callee: %v", res)
	}
	raw, err := os.ReadFile("testdata/sipp/uac_auth.xml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(raw), `  <pause milliseconds="300"/>`, `  <send retrans="500">
    <![CDATA[

      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 3 INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=7
      Duration=160

    ]]>
  </send>
  <recv response="200"/>`, 1)
	text = strings.Replace(text, "CSeq: 3 BYE", "CSeq: 4 BYE", 1)
	uacFile := filepath.Join(dir, "uac.xml")
	_ = os.WriteFile(uacFile, []byte(text), 0o600)
	if err := sippRun(t, s.app.SIPAddr(), uacFile, []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}); err != nil {
		t.Fatalf("caller: %v", err)
	}
	if err := done(); err != nil {
		t.Fatalf("callee: %v", err)
	}
}

// TestSippHuntGroups: calls to a ring group or a call queue ring its
// available members through the proxy — a ring group in HUNT order (the
// first member busy, the second answers), a call queue only its READY
// agents (480 while the only agent is logged out).
func TestSippHuntGroups(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, _, id202 := legacyTenant(s, "acme.example")
	id203 := s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
		"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
	busy := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="busy member">
  <recv request="INVITE"/>
` + uasBusy + `</scenario>
`
	bobPort, bobDone := uasScenario(t, busy)
	carolPort, carolDone := sippUAS(t, 2)
	for _, r := range []struct {
		ext, pw string
		port    int
	}{{"202", "Sip-secret-202", bobPort}, {"203", "Sip-secret-203", carolPort}} {
		ua := s.newUA("udp", r.ext, "acme.example", r.pw)
		if res := ua.register(fmt.Sprintf("Contact: <sip:%s@127.0.0.1:%d>", r.ext, r.port), "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register %s: %v", r.ext, res)
		}
	}
	rg := s.must(201, "POST", "/api/ring_groups", admin, map[string]any{"name": "Sales", "extension_number": "700", "strategy": "HUNT", "ring_timeout": 10}).JSON(t)["id"].(string)
	s.must(204, "POST", "/api/ring_groups/"+rg+"/members/"+id202, admin, nil)
	s.must(204, "POST", "/api/ring_groups/"+rg+"/members/"+id203, admin, nil)
	alice := sippLine("201", "acme.example", "Sip-secret-201", "")
	if err := sippUAC(t, s.app.SIPAddr(), []string{alice + "700"}); err != nil {
		t.Fatalf("call to the ring group: %v", err)
	}
	if err := bobDone(); err != nil {
		t.Fatalf("bob (busy): %v", err)
	}
	q := s.must(201, "POST", "/api/call_queues", admin, map[string]any{"name": "Support", "extension_number": "600"}).JSON(t)["id"].(string)
	s.must(204, "POST", "/api/call_queues/"+q+"/members/"+id203, admin, nil)
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{alice + "600"}, 480); err != nil {
		t.Fatalf("call to a queue without a ready agent: %v", err)
	}
	s.must(204, "POST", "/api/users/"+id203+"/call_queues/"+q+"/agent", admin, map[string]any{"status": "READY"})
	if err := sippUAC(t, s.app.SIPAddr(), []string{alice + "600"}); err != nil {
		t.Fatalf("call to the queue: %v", err)
	}
	if err := carolDone(); err != nil {
		t.Fatalf("carol: %v", err)
	}
	recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 3)
	answered := 0
	for _, r := range recs {
		if r["answered_at"] != nil && (r["callee"] == "700" || r["callee"] == "600") {
			answered++
		}
		if r["destination"] != "" {
			t.Fatalf("an internal call with a destination: %v", r)
		}
	}
	if len(recs) != 3 || answered != 2 {
		t.Fatalf("alice's records: %v", recs)
	}
}

// uasBusy answers the INVITE with 486 Busy Here and takes the ACK.
const uasBusy = `  <send>
    <![CDATA[

      SIP/2.0 486 Busy Here
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
`

// uasScenario starts sipp as a UAS for one call playing the scenario
// text; wait reports its end.
func uasScenario(t *testing.T, scenario string) (port int, wait func() error) {
	t.Helper()
	sf := filepath.Join(t.TempDir(), "uas.xml")
	if err := os.WriteFile(sf, []byte(scenario), 0o600); err != nil {
		t.Fatal(err)
	}
	return startUAS(t, 1, "-sf", sf)
}
