package e2e

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// linphone is one linphonec process (Debian's linphone-cli 5.1) as a
// phone, driven through its stdin as its --pipe mode allows (the core
// then runs between commands), its output kept for expect.
type linphone struct {
	t     *testing.T
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	out   strings.Builder
}

// startLinphone starts a phone registering ext (password
// Sip-secret-EXT) of acme.example through proxy (host:port) over network
// (udp, tcp or tls; TLS does not check the certificate). Only that
// transport listens, on a free port.
func startLinphone(t *testing.T, proxy, network, ext string) *linphone {
	t.Helper()
	bin := needClient(t, "linphonec", "linphone-cli")
	dir := t.TempDir()
	// Its databases live under HOME; without them the core never starts.
	if err := os.MkdirAll(filepath.Join(dir, ".local/share/linphone"), 0o700); err != nil {
		t.Fatal(err)
	}
	ports := map[string]int{"udp": 0, "tcp": 0, "tls": 0}
	ports[network] = freePort(t)
	rc := fmt.Sprintf(`[sip]
sip_port=%d
sip_tcp_port=%d
sip_tls_port=%d
default_proxy=0
ping_with_options=0
verify_server_certs=0
verify_server_cn=0
inc_timeout=60

[rtp]
audio_rtp_port=%d

[video]
capture=0
display=0
automatically_initiate=0
automatically_accept=0

[proxy_0]
reg_proxy=<sip:%s;transport=%s>
reg_route=<sip:%s;transport=%s>
reg_identity=sip:%s@acme.example
reg_expires=600
reg_sendregister=1
publish=0

[auth_info_0]
username=%s
userid=%s
passwd=Sip-secret-%s
realm=acme.example
`, ports["udp"], ports["tcp"], ports["tls"], freePort(t), proxy, network, proxy, network, ext, ext, ext, ext)
	if err := os.WriteFile(filepath.Join(dir, "rc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	l := &linphone{t: t, name: ext + "/" + network}
	// Line-buffered output: it prints events as they come, not at exit.
	stdbuf := needClient(t, "stdbuf", "coreutils")
	l.cmd = exec.Command(stdbuf, "-oL", bin, "--pipe", "-c", filepath.Join(dir, "rc"), "-d", "0")
	l.cmd.Env = append(os.Environ(), "HOME="+dir)
	l.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var err error
	if l.stdin, err = l.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := l.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	l.cmd.Stderr = l.cmd.Stdout
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			l.mu.Lock()
			l.out.WriteString(sc.Text() + "\n")
			l.mu.Unlock()
		}
	}()
	// linphonec ignores SIGTERM while it ends its calls: kill its group.
	t.Cleanup(func() {
		_ = syscall.Kill(-l.cmd.Process.Pid, syscall.SIGKILL)
		_ = l.cmd.Wait()
	})
	return l
}

// send types a command.
func (l *linphone) send(command string) {
	l.t.Helper()
	if _, err := io.WriteString(l.stdin, command+"\n"); err != nil {
		l.t.Fatalf("linphonec %s: %v", l.name, err)
	}
}

// output is what the phone printed so far.
func (l *linphone) output() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.out.String()
}

// expect waits (bounded) until the phone has printed want n times.
func (l *linphone) expect(want string, n int, within time.Duration) {
	l.t.Helper()
	deadline := time.Now().Add(within)
	for strings.Count(l.output(), want) < n {
		if time.Now().After(deadline) {
			l.t.Fatalf("linphonec %s did not print %q within %s:\n%s", l.name, want, within, tail(l.output(), 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitRegistered waits until the user has n bindings.
func waitRegistered(t *testing.T, s *server, admin, userID string, n int) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if _, regs := registrations(t, s, admin, userID); len(regs) == n {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("user %s never had %d bindings", userID, n)
}

// TestLinphone: real linphone phones register over UDP, TCP and TLS and
// call each other through the proxy, answered by hand; whoever hangs up,
// both phones end the call at once and the records say who hung up, with
// the call's real duration. A TCP-only or TLS-only caller of a UDP phone
// used to get one Record-Route with transport=udp, so its ACK and BYE
// never left ("No listening point matching for [udp://...]") and the
// callee stayed in the call until its own timeout.
func TestLinphone(t *testing.T) {
	needClient(t, "linphonec", "linphone-cli")
	for _, c := range []struct {
		caller, callee string
		callerHangsUp  bool
		db             string
	}{
		{"tcp", "udp", true, "sqlite"},
		{"tcp", "udp", false, "postgres"},
		{"udp", "tcp", true, "sqlite"},
		{"tls", "udp", true, "postgres"},
		{"tls", "udp", false, "sqlite"},
	} {
		name := fmt.Sprintf("%s-to-%s-%s-hangs-up-%s", c.caller, c.callee, map[bool]string{true: "caller", false: "callee"}[c.callerHangsUp], c.db)
		t.Run(name, func(t *testing.T) {
			s, _ := startTLSServer(t, storetest.DSN(t, c.db))
			admin, id201, id202 := sipTenant(s, "acme.example")
			proxy := func(network string) string {
				if network == "tls" {
					return s.app.SIPTLSAddr()
				}
				return s.app.SIPAddr()
			}
			bob := startLinphone(t, proxy(c.callee), c.callee, "202")
			alice := startLinphone(t, proxy(c.caller), c.caller, "201")
			waitRegistered(t, s, admin, id201, 1)
			waitRegistered(t, s, admin, id202, 1)

			alice.send("call sip:202@acme.example")
			defer func() {
				if t.Failed() {
					var lines []string
					for _, l := range strings.Split(s.logs.String(), "\n") {
						if strings.Contains(l, "WARN") || strings.Contains(l, "ERROR") || strings.Contains(l, "fork") {
							lines = append(lines, l)
						}
					}
					t.Logf("caller:\n%s\ncallee:\n%s\nserver:\n%s", tail(alice.output(), 3000), tail(bob.output(), 3000), tail(strings.Join(lines, "\n"), 4000))
				}
			}()
			bob.expect("Receiving new incoming call", 1, 15*time.Second)
			bob.send("answer")
			answered := time.Now()
			alice.expect("connected.", 1, 15*time.Second)
			bob.expect("connected.", 1, 15*time.Second)
			time.Sleep(time.Second)
			hangs, other, want := alice, bob, "CALLER_DISCONNECTED"
			if !c.callerHangsUp {
				hangs, other, want = bob, alice, "CALLEE_DISCONNECTED"
			}
			hangs.send("terminate")
			// Both phones end it: the BYE crossed the proxy on each side's
			// own transport (10 s is far below the 32 s of a lost BYE).
			other.expect("ended (", 1, 10*time.Second)
			hangs.expect("ended (", 1, 10*time.Second)
			talked := time.Since(answered)
			for _, who := range []struct{ name, pw string }{{"alice", "Alice-password-1"}, {"bob", "Bob-password-1"}} {
				list := records(t, s, s.signIn(who.name, who.pw, "acme.example"), 1)
				if len(list) != 1 {
					t.Fatalf("%s has %d records", who.name, len(list))
				}
				r := list[0]
				d, _ := r["duration"].(float64)
				if r["end_reason"] != want || r["status_code"] != float64(200) || d > talked.Seconds()+1 {
					t.Fatalf("%s's record (the call lasted %s): %v", who.name, talked, r)
				}
			}
			if strings.Contains(alice.output()+bob.output(), "No listening point matching") {
				t.Fatalf("a phone could not follow the route:\n%s\n%s", tail(alice.output(), 2000), tail(bob.output(), 2000))
			}
		})
	}
}
