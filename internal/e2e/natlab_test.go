package e2e

import (
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// natLab is a phone behind a NAT router, in Linux network namespaces:
// the phone's namespace holds a private LAN address (PhoneIP) whose
// default route is the router; the router's namespace masquerades (nft)
// what leaves by its WAN side (WANIP) towards the host, which holds
// HostIP on the other end of that link. Each lab has its own names and
// addresses, and goes with the test.
type natLab struct {
	Phone, Router                 string // namespace names
	HostIP, WANIP, PhoneIP        string
	hostIf, wanIf, lanIf, phoneIf string
}

// newNATLab builds a lab whose router forgets an idle UDP or TCP mapping
// after mappingTTL seconds (its conntrack timeouts), or skips the test
// when it cannot (not root, no ip or nft).
func newNATLab(t *testing.T, mappingTTL int) *natLab {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the NAT lab needs root (network namespaces)")
	}
	for _, tool := range []string{"ip", "nft", "sysctl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install -y iproute2 nftables procps); .ci/run installs it", tool)
		}
	}
	var r [3]byte
	if _, err := rand.Read(r[:]); err != nil {
		t.Fatal(err)
	}
	sfx := fmt.Sprintf("%x", r)
	l := &natLab{Phone: "sbph-" + sfx, Router: "sbrt-" + sfx,
		hostIf: "sbh" + sfx, wanIf: "sbw" + sfx, lanIf: "sbl" + sfx, phoneIf: "sbp" + sfx,
		// 100.64.0.0/10 (shared address space) for the WAN link, a
		// private /24 for the LAN: neither is routed on a test machine.
		HostIP: fmt.Sprintf("100.%d.%d.1", 64+r[0]%64, r[1]), WANIP: fmt.Sprintf("100.%d.%d.2", 64+r[0]%64, r[1]),
		PhoneIP: fmt.Sprintf("10.%d.%d.2", 200+r[2]%50, r[1])}
	lanRouter := strings.TrimSuffix(l.PhoneIP, ".2") + ".1"
	t.Cleanup(func() {
		// Deleting the router's namespace deletes both veth pairs.
		for _, args := range [][]string{{"netns", "del", l.Router}, {"netns", "del", l.Phone}, {"link", "del", l.hostIf}} {
			_ = exec.Command("ip", args...).Run()
		}
	})
	ruleset := fmt.Sprintf("table ip nat {\n chain post {\n  type nat hook postrouting priority 100; policy accept;\n  oifname %q masquerade\n }\n}\n", l.wanIf)
	steps := [][]string{
		{"ip", "netns", "add", l.Router},
		{"ip", "netns", "add", l.Phone},
		{"ip", "link", "add", l.hostIf, "type", "veth", "peer", "name", l.wanIf, "netns", l.Router},
		{"ip", "addr", "add", l.HostIP + "/30", "dev", l.hostIf},
		{"ip", "link", "set", l.hostIf, "up"},
		{"ip", "-n", l.Router, "link", "set", "lo", "up"},
		{"ip", "-n", l.Router, "addr", "add", l.WANIP + "/30", "dev", l.wanIf},
		{"ip", "-n", l.Router, "link", "set", l.wanIf, "up"},
		{"ip", "-n", l.Router, "link", "add", l.lanIf, "type", "veth", "peer", "name", l.phoneIf, "netns", l.Phone},
		{"ip", "-n", l.Router, "addr", "add", lanRouter + "/24", "dev", l.lanIf},
		{"ip", "-n", l.Router, "link", "set", l.lanIf, "up"},
		{"ip", "-n", l.Phone, "link", "set", "lo", "up"},
		{"ip", "-n", l.Phone, "addr", "add", l.PhoneIP + "/24", "dev", l.phoneIf},
		{"ip", "-n", l.Phone, "link", "set", l.phoneIf, "up"},
		{"ip", "-n", l.Phone, "route", "add", "default", "via", lanRouter},
		{"ip", "netns", "exec", l.Router, "sysctl", "-qw", "net.ipv4.ip_forward=1"},
		{"ip", "netns", "exec", l.Router, "nft", "-f", "-"},
		{"ip", "netns", "exec", l.Router, "sysctl", "-qw",
			fmt.Sprintf("net.netfilter.nf_conntrack_udp_timeout=%d", mappingTTL),
			fmt.Sprintf("net.netfilter.nf_conntrack_udp_timeout_stream=%d", mappingTTL),
			fmt.Sprintf("net.netfilter.nf_conntrack_tcp_timeout_established=%d", mappingTTL)},
	}
	for _, args := range steps {
		cmd := exec.Command(args[0], args[1:]...)
		if args[len(args)-1] == "-" {
			cmd.Stdin = strings.NewReader(ruleset)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("NAT lab: %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return l
}

// inPhone is the command line of args run inside the phone's namespace.
func (l *natLab) inPhone(args ...string) []string {
	return append([]string{"ip", "netns", "exec", l.Phone}, args...)
}

// countInbound has the router count the UDP packets it forwards to the
// phone other than SIP (its RTP); the returned func reads the count.
func (l *natLab) countInbound(t *testing.T) func() int {
	t.Helper()
	rules := fmt.Sprintf("table ip count {\n chain tophone {\n  type filter hook forward priority 0; policy accept;\n  oifname %q udp dport != 5060 counter\n }\n}\n", l.lanIf)
	cmd := exec.Command("ip", "netns", "exec", l.Router, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("NAT lab counter: %v\n%s", err, out)
	}
	return func() int {
		out, err := exec.Command("ip", "netns", "exec", l.Router, "nft", "list", "chain", "ip", "count", "tophone").CombinedOutput()
		if err != nil {
			t.Fatalf("NAT lab counter: %v\n%s", err, out)
		}
		var n int
		if _, after, ok := strings.Cut(string(out), "counter packets "); ok {
			fmt.Sscan(after, &n)
		}
		return n
	}
}
