package e2e

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var softphoneURL = regexp.MustCompile(`<code id="softphone-url">([^<]+)</code>`)

// TestPortalSoftphoneQR: My Phone shows a one-time QR code (and its URL)
// that Linphone loads once.
func TestPortalSoftphoneQR(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		makePeople(s, "acme.example")
		b := newBrowser(s)
		b.signIn("alice", "Alice-password-1", "acme.example")
		if code, body, _ := b.get("/me"); code != 200 || !strings.Contains(body, `action="/me/softphone"`) {
			t.Fatalf("My Phone: %d", code)
		}
		code, body, _ := b.post("/me/softphone", url.Values{})
		m := softphoneURL.FindStringSubmatch(body)
		if code != 200 || m == nil || !strings.Contains(body, `id="softphone-qr"`) || !strings.Contains(body, `src="data:image/png;base64,`) {
			t.Fatalf("softphone QR: %d %s", code, body)
		}
		u := html.UnescapeString(m[1])
		if f := fetch(t, u, "", ""); f.status != 200 || !strings.Contains(f.body, "<config") {
			t.Fatalf("QR URL: %d", f.status)
		}
		if f := fetch(t, u, "", ""); f.status != 401 {
			t.Fatalf("QR URL twice: %d", f.status)
		}
		if code, _, _ := b.post("/me/softphone", url.Values{"_csrf": {"0"}}); code != 403 {
			t.Fatalf("without CSRF: %d", code)
		}
	})
}

// TestLinphoneProvisioned sets up Debian's linphonec (linphone-cli) from
// nothing but the softphone URL a QR code carries: its configuration file
// names only that URL ([misc] config-uri); liblinphone loads its account
// from Switchboard's remote-provisioning XML and registers with it.
func TestLinphoneProvisioned(t *testing.T) {
	bin := needClient(t, "linphonec", "linphone-cli")
	eachDB(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		p := makePeople(s, "acme.example")
		qr := ok(p.alice.IssueSoftphone(ctx))(s)
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, ".local", "share", "linphone"), 0o700); err != nil {
			t.Fatal(err)
		}
		rc := filepath.Join(dir, "linphonerc")
		conf := fmt.Sprintf("[misc]\nconfig-uri=%s\n\n[sip]\nsip_port=-1\nsip_tcp_port=-1\nsip_tls_port=-1\n\n[sound]\nplayback_dev_id=\ncapture_dev_id=\n", qr.URL)
		if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-c", rc, "-d", "5", "-l", filepath.Join(dir, "log"))
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = io.WriteString(stdin, "quit\n")
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-done
			}
		})
		online := false
		for i := 0; i < 150 && !online; i++ { // up to 30 s on a loaded machine
			st := ok(p.admin.ForUser(p.aliceID).Status(ctx))(s)
			online = st.Status == "ONLINE" && len(st.Registration) == 1 && strings.Contains(strings.ToLower(fmt.Sprint(st.Registration)), "linphone")
			if !online {
				time.Sleep(200 * time.Millisecond)
			}
		}
		if !online {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			t.Fatalf("linphonec did not register from its provisioned file; its log says:\n%s", grepLines(string(log), "rovision", "REGISTER", "http", "egistration", "proxy", "auth"))
		}
		// The QR code's URL was used up by that one fetch.
		if f := fetch(t, qr.URL, "", ""); f.status != 401 {
			t.Fatalf("the QR URL works twice: %d", f.status)
		}
	})
}

// grepLines keeps the lines of s holding any of words (at most 60).
func grepLines(s string, words ...string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, w := range words {
			if strings.Contains(l, w) {
				out = append(out, l)
				break
			}
		}
	}
	if len(out) > 60 {
		out = out[len(out)-60:]
	}
	return strings.Join(out, "\n")
}
