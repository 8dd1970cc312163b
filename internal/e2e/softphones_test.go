package e2e

import (
	"context"
	"encoding/binary"
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

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// Tests with softphones and tools nobody here wrote: Debian's baresip,
// sipsak and linphonec (linphone-cli). .ci/run installs them; each test
// skips with a message when its program is missing.

// needClient skips the test when program (of Debian package pkg) is
// missing.
func needClient(t *testing.T, program, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		t.Skipf("%s is not installed (apt-get install -y %s); .ci/run installs it", program, pkg)
	}
	return p
}

// privateHosts returns a command prefix that runs a program with its own
// /etc/hosts naming domains 127.0.0.1 (a private mount namespace): tools
// such as sipsak resolve the tenant's domain themselves. It skips the
// test where mount namespaces are not available (not root).
func privateHosts(t *testing.T, domains ...string) []string {
	t.Helper()
	unshare := needClient(t, "unshare", "util-linux")
	hosts := filepath.Join(t.TempDir(), "hosts")
	text := "127.0.0.1 localhost\n127.0.0.1 " + strings.Join(domains, " ") + "\n"
	if err := os.WriteFile(hosts, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	prefix := []string{unshare, "-m", "sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`, hosts}
	if out, err := exec.Command(prefix[0], append(prefix[1:], "true")...).CombinedOutput(); err != nil {
		t.Skipf("cannot give a tool its own /etc/hosts (needs root and mount namespaces): %v %s", err, out)
	}
	return prefix
}

// run runs argv within a bounded time and returns its output and error.
func run(argv []string, within time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	return string(out), err
}

// setDigest sets the tenant's sip_digest as its own Admin, and moves the
// server's clock past the 5 s the challenges reuse the setting.
func setDigest(s *server, admin, setting string) {
	s.t.Helper()
	s.must(204, "POST", "/api/tenant", admin, map[string]any{"sip_digest": setting})
	s.advance(6 * time.Second)
}

// TestSipsak: sipsak registers (and its binding shows) on a tenant whose
// Admin chose MD5_ONLY, after failing on the default SHA256_THEN_MD5 (it
// reads only the first challenge); OPTIONS is answered.
func TestSipsak(t *testing.T) {
	bin := needClient(t, "sipsak", "sipsak")
	eachDB(t, func(t *testing.T, s *server) {
		hosts := privateHosts(t, "acme.example")
		admin, id201, _ := sipTenant(s, "acme.example")
		_, port, _ := net.SplitHostPort(s.app.SIPAddr())
		register := append(append([]string{}, hosts...), bin, "-U", "-s", "sip:201@acme.example", "-r", port, "-u", "201",
			"-a", "Sip-secret-201", "-x", "120", "-C", "sip:201@127.0.0.1:25999", "-H", "127.0.0.1", "-vv")
		out, err := run(register, 20*time.Second)
		if err == nil || !strings.Contains(out, "unsupported authentication algorithm") {
			t.Fatalf("sipsak on the default tenant: %v\n%s", err, tail(out, 1500))
		}
		setDigest(s, admin, "MD5_ONLY")
		if out, err := run(register, 20*time.Second); err != nil || !strings.Contains(out, "All usrloc tests completed successful") {
			t.Fatalf("sipsak REGISTER on MD5_ONLY: %v\n%s", err, tail(out, 1500))
		}
		if _, regs := registrations(t, s, admin, id201); len(regs) != 1 || !strings.Contains(fmt.Sprint(regs[0]["user_agent"]), "sipsak") {
			t.Fatalf("bindings after sipsak: %v", regs)
		}
		options := append(append([]string{}, hosts...), bin, "-s", "sip:201@acme.example", "-r", port, "-H", "127.0.0.1", "-vv")
		if out, err := run(options, 20*time.Second); err != nil || !strings.Contains(out, "SIP/2.0 200 OK") {
			t.Fatalf("sipsak OPTIONS: %v\n%s", err, tail(out, 1500))
		}
	})
}

// baresip is one baresip 1.0 process (Debian 12) as a phone: a config
// directory with its listen address and one account through the node.
type baresip struct {
	t        *testing.T
	dir      string
	port     int
	commands []string
}

// newBaresip writes the configuration of a phone that registers ext of
// domain over network (udp or tcp) through the node at sipAddr.
func newBaresip(t *testing.T, sipAddr, network, ext, domain, password string) *baresip {
	return newBaresipWith(t, sipAddr, network, ext, domain, password, baresipOptions{})
}

// baresipOptions change a baresip phone: parameters added to its account
// (";answermode=auto"), a directory it writes what it hears and sends
// to (WAV files, baresip's sndfile module), commands
// it runs once started ("/dial sip:202@acme.example").
type baresipOptions struct {
	account, heard string
	commands       []string
}

// freePortPair is a free port whose next port is free too: baresip
// listens for TLS on the port after its sip_listen port.
func freePortPair(t *testing.T) int {
	t.Helper()
	for i := 0; i < 20; i++ {
		p := freePort(t)
		if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+1)); err == nil {
			ln.Close()
			return p
		}
	}
	t.Fatal("no free pair of ports")
	return 0
}

// newBaresipWith is newBaresip with options.
func newBaresipWith(t *testing.T, sipAddr, network, ext, domain, password string, o baresipOptions) *baresip {
	t.Helper()
	needClient(t, "baresip", "baresip")
	b := &baresip{t: t, dir: t.TempDir(), port: freePortPair(t), commands: o.commands}
	dump := ""
	if o.heard != "" {
		dump = "module sndfile.so\nsnd_path " + o.heard + "\n"
	}
	config := fmt.Sprintf(`poll_method poll
sip_listen 127.0.0.1:%d
module_path /usr/lib/baresip/modules
module g711.so
module ausine.so
module aufile.so
module_app account.so
module_app menu.so
audio_player aufile,/dev/null
audio_source ausine,440
ausrc_srate 48000
ausrc_channels 2
audio_alert aufile,/dev/null
%s`, b.port, dump)
	account := fmt.Sprintf("<sip:%s@%s;transport=%s>;auth_pass=%s;outbound=\"sip:%s;transport=%s\";regint=300%s\n",
		ext, domain, network, password, sipAddr, network, o.account)
	for name, text := range map[string]string{"config": config, "accounts": account} {
		if err := os.WriteFile(filepath.Join(b.dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// runFor runs the phone for secs seconds (it registers at once) and
// returns its output; it is safe in any goroutine.
func (b *baresip) runFor(secs int) string {
	argv := []string{"baresip", "-f", b.dir, "-t", strconv.Itoa(secs)}
	for _, c := range b.commands {
		argv = append(argv, "-e", c)
	}
	out, err := run(argv, time.Duration(secs+15)*time.Second)
	if err != nil {
		out += fmt.Sprintf("\n(baresip: %v)", err)
	}
	return out
}

// TestBaresip: baresip 1.0 gives up on a tenant that offers SHA-256 at
// all ("Function not implemented"), even after MD5; once the tenant's
// Admin chooses MD5_ONLY it registers over UDP and TCP.
func TestBaresip(t *testing.T) {
	needClient(t, "baresip", "baresip")
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, _ := sipTenant(s, "acme.example")
		for _, setting := range []string{"SHA256_THEN_MD5", "MD5_THEN_SHA256"} {
			setDigest(s, admin, setting)
			if out := newBaresip(t, s.app.SIPAddr(), "udp", "201", "acme.example", "Sip-secret-201").runFor(2); !strings.Contains(out, "Function not implemented") {
				t.Fatalf("baresip on %s:\n%s", setting, tail(out, 2000))
			}
		}
		setDigest(s, admin, "MD5_ONLY")
		var wg sync.WaitGroup
		outs := make([]string, 2)
		for i, network := range []string{"udp", "tcp"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[i] = newBaresip(t, s.app.SIPAddr(), network, "201", "acme.example", "Sip-secret-201").runFor(3)
			}()
		}
		// Both phones are registered while they run.
		var regs []map[string]any
		for i := 0; i < 100; i++ {
			if _, regs = registrations(t, s, admin, id201); len(regs) == 2 {
				break
			}
			time.Sleep(30 * time.Millisecond)
		}
		wg.Wait()
		for i, network := range []string{"UDP", "TCP"} {
			if out := outs[i]; !strings.Contains(out, "/"+network+"/v4} 200 OK") {
				t.Fatalf("baresip on MD5_ONLY:\n%s", tail(out, 2000))
			}
		}
		if len(regs) != 2 || !strings.Contains(fmt.Sprint(regs), "baresip") {
			t.Fatalf("bindings while baresip ran: %v", regs)
		}
	})
}

// TestBaresipCall: two baresip 1.0 phones on a MD5_ONLY tenant call each
// other through the proxy: 201 over TCP dials 202 over UDP, which
// answers by itself (answermode=auto); 201's 440 Hz tone is what 202
// hears (recorded to a WAV file: the SDP passed the proxy intact), 201
// hangs up as it quits, and both users get a record of the answered call
// that the caller ended, no longer than it lasted.
func TestBaresipCall(t *testing.T) {
	needClient(t, "baresip", "baresip")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, id201, id202 := sipTenant(s, "acme.example")
	setDigest(s, admin, "MD5_ONLY")
	heard := t.TempDir()
	callee := newBaresipWith(t, s.app.SIPAddr(), "udp", "202", "acme.example", "Sip-secret-202",
		baresipOptions{account: ";answermode=auto", heard: heard})
	calleeOut := make(chan string, 1)
	go func() { calleeOut <- callee.runFor(16) }()
	waitRegistered(t, s, admin, id202, 1)
	caller := newBaresipWith(t, s.app.SIPAddr(), "tcp", "201", "acme.example", "Sip-secret-201",
		baresipOptions{commands: []string{"/dial sip:202@acme.example"}})
	started := time.Now()
	out := caller.runFor(8)
	lasted := time.Since(started)
	bout := <-calleeOut
	if !strings.Contains(out, "Call established") || !strings.Contains(bout, "Call established") {
		t.Fatalf("the call was not established:\ncaller:\n%s\ncallee:\n%s", tail(out, 2500), tail(bout, 2500))
	}
	if !strings.Contains(bout, "terminated") && !strings.Contains(bout, "closed") {
		t.Fatalf("the callee's call did not end at the caller's BYE:\n%s", tail(bout, 2500))
	}
	dumps, _ := filepath.Glob(filepath.Join(heard, "*-dec.wav"))
	if len(dumps) != 1 {
		t.Fatalf("the callee's recordings of what it heard: %v\n%s", dumps, tail(bout, 2000))
	}
	wav, err := os.ReadFile(dumps[0])
	if err != nil || len(wav) < 44 {
		t.Fatalf("the callee recorded nothing: %v", err)
	}
	var pcm []int16
	for i := 44; i+2 <= len(wav); i += 2 {
		pcm = append(pcm, int16(binary.LittleEndian.Uint16(wav[i:])))
	}
	if rate := binary.LittleEndian.Uint32(wav[24:]); rate != 8000 || len(pcm) < 8000 {
		t.Fatalf("the callee heard %d samples at %d Hz", len(pcm), rate)
	}
	if tone, other := goertzel(pcm, 440), goertzel(pcm, 1000); tone < 100*other || tone < 1e6 {
		t.Fatalf("the callee did not hear the caller's 440 Hz tone (power %.0f, at 1 kHz %.0f)", tone, other)
	}
	for _, who := range []struct{ name, pw, id string }{{"alice", "Alice-password-1", id201}, {"bob", "Bob-password-1", id202}} {
		list := records(t, s, s.signIn(who.name, who.pw, "acme.example"), 1)
		if len(list) != 1 {
			t.Fatalf("%s has %d records", who.name, len(list))
		}
		r := list[0]
		d, _ := r["duration"].(float64)
		if r["end_reason"] != "CALLER_DISCONNECTED" || r["status_code"] != float64(200) || d < 1 || d > lasted.Seconds()+1 {
			t.Fatalf("%s's record (the caller ran %s): %v", who.name, lasted, r)
		}
	}
}
