package e2e

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// watcher is a phone's subscription side for tests, written by hand over
// UDP: it SUBSCRIBEs (answering the 401 with its own digest code), reads
// the NOTIFYs and answers them (200, or a status the test chooses).
type watcher struct {
	t               *testing.T
	conn            *net.UDPConn
	server          *net.UDPAddr
	ext, domain, pw string
	callID, tag     string
	toTag           string
	cseq, nc        int
	notifyStatus    int            // the answer to NOTIFYs (200 when 0)
	notifies        []*sip.Request // read while waiting for a response
}

func newWatcher(t *testing.T, addr, ext, domain, password string) *watcher {
	t.Helper()
	srv, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &watcher{t: t, conn: c, server: srv, ext: ext, domain: domain, pw: password, callID: randHex(8) + "@watch", tag: randHex(4)}
}

// subscribeRequest is a SUBSCRIBE of this watcher's dialog to target's pkg.
func (w *watcher) subscribeRequest(pkg, target string, headers ...string) string {
	w.cseq++
	to := fmt.Sprintf("<sip:%s@%s>", target, w.domain)
	if w.toTag != "" {
		to += ";tag=" + w.toTag
	}
	var b strings.Builder
	fmt.Fprintf(&b, "SUBSCRIBE sip:%s@%s SIP/2.0\r\n", target, w.domain)
	fmt.Fprintf(&b, "Via: SIP/2.0/UDP %s;branch=z9hG4bK%s;rport\r\n", w.conn.LocalAddr(), randHex(6))
	fmt.Fprintf(&b, "Max-Forwards: 70\r\nFrom: <sip:%s@%s>;tag=%s\r\nTo: %s\r\n", w.ext, w.domain, w.tag, to)
	fmt.Fprintf(&b, "Call-ID: %s\r\nCSeq: %d SUBSCRIBE\r\nContact: <sip:%s@%s>\r\nEvent: %s\r\n", w.callID, w.cseq, w.ext, w.conn.LocalAddr(), pkg)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	return b.String()
}

// subscribe sends a SUBSCRIBE (answering a 401) and returns the final
// answer; a 200 sets the dialog's To tag.
func (w *watcher) subscribe(pkg, target string, headers ...string) *sip.Response {
	w.t.Helper()
	w.write(w.subscribeRequest(pkg, target, headers...))
	res := w.response(3 * time.Second)
	if res.StatusCode == 401 {
		var challenge string
		for _, h := range res.GetHeaders("WWW-Authenticate") {
			if param(h.Value(), "algorithm") == "SHA-256" {
				challenge = h.Value()
			}
		}
		w.write(w.subscribeRequest(pkg, target, append(headers, w.authorization(challenge, target))...))
		res = w.response(3 * time.Second)
	}
	if res.StatusCode == 200 {
		w.toTag, _ = res.To().Params.Get("tag")
	}
	return res
}

func (w *watcher) authorization(challenge, target string) string {
	alg, realm, nonce := param(challenge, "algorithm"), param(challenge, "realm"), param(challenge, "nonce")
	w.nc++
	nc, cnonce, uri := fmt.Sprintf("%08x", w.nc), randHex(4), "sip:"+target+"@"+w.domain
	ha1 := digestHex(alg, w.ext, realm, w.pw)
	resp := digestHex(alg, ha1, nonce, nc, cnonce, "auth", digestHex(alg, "SUBSCRIBE", uri))
	return fmt.Sprintf(`Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", algorithm=%s, cnonce="%s", qop=auth, nc=%s`,
		w.ext, realm, nonce, uri, resp, alg, cnonce, nc)
}

func (w *watcher) write(text string) {
	w.t.Helper()
	if _, err := w.conn.WriteToUDP([]byte(text), w.server); err != nil {
		w.t.Fatalf("sip write: %v", err)
	}
}

// next reads the next message (nil on timeout), answering NOTIFYs.
func (w *watcher) next(wait time.Duration) sip.Message {
	w.t.Helper()
	buf := make([]byte, 65535)
	_ = w.conn.SetReadDeadline(time.Now().Add(wait))
	n, from, err := w.conn.ReadFromUDP(buf)
	if err != nil {
		return nil
	}
	msg, err := sip.ParseMessage(buf[:n])
	if err != nil {
		w.t.Fatalf("unparsable message: %v\n%s", err, buf[:n])
	}
	if req, ok := msg.(*sip.Request); ok && req.Method == sip.NOTIFY {
		code := w.notifyStatus
		if code == 0 {
			code = 200
		}
		res := sip.NewResponseFromRequest(req, code, "Answer", nil)
		if _, err := w.conn.WriteToUDP([]byte(res.String()), from); err != nil {
			w.t.Fatalf("sip write: %v", err)
		}
	}
	return msg
}

// response reads until a response comes (NOTIFYs meanwhile are kept).
func (w *watcher) response(wait time.Duration) *sip.Response {
	w.t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		switch m := w.next(time.Until(deadline)).(type) {
		case *sip.Response:
			return m
		case *sip.Request:
			w.notifies = append(w.notifies, m)
		}
	}
	w.t.Fatal("no answer to SUBSCRIBE")
	return nil
}

// notify returns the next NOTIFY (failing the test after wait).
func (w *watcher) notify(wait time.Duration) *sip.Request {
	w.t.Helper()
	if len(w.notifies) > 0 {
		n := w.notifies[0]
		w.notifies = w.notifies[1:]
		return n
	}
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if m, ok := w.next(time.Until(deadline)).(*sip.Request); ok && m.Method == sip.NOTIFY {
			return m
		}
	}
	w.t.Fatalf("no NOTIFY within %v", wait)
	return nil
}

// notifyWith waits for a NOTIFY whose body holds every one of want.
func (w *watcher) notifyWith(wait time.Duration, want ...string) *sip.Request {
	w.t.Helper()
	deadline := time.Now().Add(wait)
	var last string
	for time.Now().Before(deadline) {
		n := w.notify(time.Until(deadline))
		last = string(n.Body())
		if containsAll(last, want) {
			return n
		}
	}
	w.t.Fatalf("no NOTIFY with %q; last:\n%s", want, last)
	return nil
}

func containsAll(s string, want []string) bool {
	for _, x := range want {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

func header(m interface{ GetHeader(string) sip.Header }, name string) string {
	if h := m.GetHeader(name); h != nil {
		return h.Value()
	}
	return ""
}
