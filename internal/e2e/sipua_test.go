package e2e

import (
	"bufio"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// sipUA is a minimal SIP user agent for tests: it writes REGISTERs by
// hand and answers digest challenges with its own digest code, so the
// registrar is checked against an independent implementation.
type sipUA struct {
	t        *testing.T
	conn     net.Conn
	rd       *bufio.Reader
	network  string
	ext      string
	domain   string
	password string
	callID   string
	cseq     int
	// algorithm picks the challenge to answer: "SHA-256" or "MD5".
	algorithm string
	nc        int
}

// newUA dials the server's SIP address over network ("udp" or "tcp").
func (s *server) newUA(network, ext, domain, password string) *sipUA {
	s.t.Helper()
	return dialUA(s.t, s.app.SIPAddr(), network, ext, domain, password)
}

func dialUA(t *testing.T, addr, network, ext, domain, password string) *sipUA {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatalf("dial sip %s %s: %v", network, addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &sipUA{t: t, conn: c, rd: bufio.NewReader(c), network: network, ext: ext, domain: domain, password: password,
		callID: randHex(8) + "@test", algorithm: "SHA-256"}
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// localContact is a contact URI at this UA's own address.
func (u *sipUA) localContact(user string) string {
	return fmt.Sprintf("<sip:%s@%s;transport=%s>", user, u.conn.LocalAddr().String(), u.network)
}

// raw sends text as is and reads one answer (nil on timeout).
func (u *sipUA) raw(text string, wait time.Duration) *sip.Response {
	u.t.Helper()
	if _, err := u.conn.Write([]byte(text)); err != nil {
		u.t.Fatalf("sip write: %v", err)
	}
	return u.read(wait)
}

func (u *sipUA) read(wait time.Duration) *sip.Response {
	u.t.Helper()
	msg := u.readMessage(wait)
	if msg == nil {
		return nil
	}
	res, ok := msg.(*sip.Response)
	if !ok {
		u.t.Fatalf("not a response: %s", msg)
	}
	return res
}

// readMessage reads one message, request or response (nil on timeout).
func (u *sipUA) readMessage(wait time.Duration) sip.Message {
	u.t.Helper()
	_ = u.conn.SetReadDeadline(time.Now().Add(wait))
	var data []byte
	if u.network == "udp" {
		buf := make([]byte, 65535)
		n, err := u.conn.Read(buf)
		if err != nil {
			return nil
		}
		data = buf[:n]
	} else {
		var head strings.Builder
		length := 0
		for {
			line, err := u.rd.ReadString('\n')
			if err != nil {
				return nil
			}
			head.WriteString(line)
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			}
			if line == "\r\n" {
				break
			}
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(u.rd, body); err != nil {
			return nil
		}
		data = append([]byte(head.String()), body...)
	}
	msg, err := sip.ParseMessage(data)
	if err != nil {
		u.t.Fatalf("unparsable message: %v\n%s", err, data)
	}
	return msg
}

// request builds a REGISTER with the next CSeq.
func (u *sipUA) request(headers ...string) string {
	u.cseq++
	var b strings.Builder
	fmt.Fprintf(&b, "REGISTER sip:%s SIP/2.0\r\n", u.domain)
	fmt.Fprintf(&b, "Via: SIP/2.0/%s %s;branch=z9hG4bK%s;rport\r\n", strings.ToUpper(u.network), u.conn.LocalAddr(), randHex(6))
	fmt.Fprintf(&b, "Max-Forwards: 70\r\nFrom: <sip:%s@%s>;tag=%s\r\nTo: <sip:%s@%s>\r\n", u.ext, u.domain, randHex(4), u.ext, u.domain)
	fmt.Fprintf(&b, "Call-ID: %s\r\nCSeq: %d REGISTER\r\nUser-Agent: switchboard-test\r\n", u.callID, u.cseq)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	return b.String()
}

// challenges returns the response's WWW-Authenticate values.
func challenges(res *sip.Response) []string {
	var out []string
	for _, h := range res.GetHeaders("WWW-Authenticate") {
		out = append(out, h.Value())
	}
	return out
}

func param(challenge, name string) string {
	for _, part := range strings.Split(strings.TrimPrefix(challenge, "Digest "), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, name) {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

func digestHex(alg string, parts ...string) string {
	var h hash.Hash = sha256.New()
	if alg == "MD5" {
		h = md5.New()
	}
	h.Write([]byte(strings.Join(parts, ":")))
	return hex.EncodeToString(h.Sum(nil))
}

// authorization answers challenge as user with password.
func (u *sipUA) authorization(challenge, user, password string) string {
	alg, realm, nonce := param(challenge, "algorithm"), param(challenge, "realm"), param(challenge, "nonce")
	u.nc++
	nc, cnonce, uri := fmt.Sprintf("%08x", u.nc), randHex(4), "sip:"+u.domain
	ha1 := digestHex(alg, user, realm, password)
	ha2 := digestHex(alg, "REGISTER", uri)
	resp := digestHex(alg, ha1, nonce, nc, cnonce, "auth", ha2)
	return fmt.Sprintf(`Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", algorithm=%s, cnonce="%s", qop=auth, nc=%s`,
		user, realm, nonce, uri, resp, alg, cnonce, nc)
}

// pick returns the challenge of the UA's algorithm.
func (u *sipUA) pick(res *sip.Response) string {
	u.t.Helper()
	for _, c := range challenges(res) {
		if param(c, "algorithm") == u.algorithm {
			return c
		}
	}
	u.t.Fatalf("no %s challenge in %v", u.algorithm, res.StartLine())
	return ""
}

// register sends a REGISTER with headers, answers the challenge, and
// returns the final answer.
func (u *sipUA) register(headers ...string) *sip.Response {
	u.t.Helper()
	res := u.raw(u.request(headers...), 3*time.Second)
	if res == nil {
		u.t.Fatal("no answer to REGISTER")
	}
	if res.StatusCode != 401 {
		return res
	}
	u.nc = 0
	return u.raw(u.request(append(headers, u.authorization(u.pick(res), u.ext, u.password))...), 3*time.Second)
}

// contactExpiries maps each Contact URI of a 200 to its expires.
func contactExpiries(t *testing.T, res *sip.Response) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, h := range res.GetHeaders("Contact") {
		v := h.Value()
		uri := v
		if i := strings.IndexByte(v, '<'); i >= 0 {
			uri = v[i+1 : strings.IndexByte(v, '>')]
		}
		exp := -1
		for _, p := range strings.Split(v, ";") {
			if k, val, ok := strings.Cut(p, "="); ok && k == "expires" {
				exp, _ = strconv.Atoi(val)
			}
		}
		out[uri] = exp
	}
	return out
}
