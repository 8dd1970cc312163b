package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// relayUser and relayPassword are the test relay's credentials; the
// password must never reach a log line.
const (
	relayUser     = "switchboard"
	relayPassword = "Relay-pass-9f31"
)

// mailRelay is an SMTP server for tests (go-smtp) that requires STARTTLS
// (or TLS from the start) and PLAIN authentication, and keeps what it is
// given.
type mailRelay struct {
	mu     sync.Mutex
	msgs   []relayed
	caFile string
	addr   string
}

type relayed struct {
	from string
	to   []string
	data []byte
}

type relaySession struct {
	r      *mailRelay
	authed bool
	cur    relayed
}

func (s *relaySession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *relaySession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != relayUser || pass != relayPassword {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.cur = relayed{from: from}
	return nil
}

func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *relaySession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = data
	s.r.mu.Lock()
	s.r.msgs = append(s.r.msgs, s.cur)
	s.r.mu.Unlock()
	return nil
}

func (s *relaySession) Reset()        { s.cur = relayed{} }
func (s *relaySession) Logout() error { return nil }

// startRelay starts the relay on a loopback port with a certificate of
// its own, written (PEM) to caFile for --smtp-ca. implicit: TLS from the
// start (smtps), else STARTTLS.
func startRelay(t *testing.T, implicit bool) *mailRelay {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	r := &mailRelay{caFile: filepath.Join(t.TempDir(), "relay.pem")}
	if err := os.WriteFile(r.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &relaySession{r: r}, nil }))
	srv.Domain = "relay.test"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	var ln net.Listener
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return r
}

// wait returns the n-th message once it has come.
func (r *mailRelay) wait(t *testing.T, n int) relayed {
	t.Helper()
	for i := 0; i < 200; i++ {
		r.mu.Lock()
		if len(r.msgs) >= n {
			m := r.msgs[n-1]
			r.mu.Unlock()
			return m
		}
		r.mu.Unlock()
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("the relay got no message %d", n)
	return relayed{}
}

// parts returns a MIME message's text and its attachments by file name.
func parts(t *testing.T, data []byte) (subject, text string, files map[string][]byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	files = map[string][]byte{}
	mt, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if !strings.HasPrefix(mt, "multipart/") {
		body, _ := io.ReadAll(msg.Body)
		return subject, decodePart(t, msg.Header.Get("Content-Transfer-Encoding"), body), files
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		raw, _ := io.ReadAll(p)
		body := decodePart(t, p.Header.Get("Content-Transfer-Encoding"), raw)
		if name := p.FileName(); name != "" {
			files[name] = []byte(body)
		} else if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			text = body
		}
	}
	return subject, text, files
}

// TestVoicemailEmail: with enable_voicemail_notify, a new message is
// emailed to the user through the --smtp relay (a real SMTP server the
// test starts: STARTTLS, then TLS from the start, PLAIN authentication).
// The voice file is attached only when the tenant allows it. The relay's
// password never reaches the logs.
func TestVoicemailEmail(t *testing.T) {
	for _, implicit := range []bool{false, true} {
		t.Run(fmt.Sprintf("implicit_tls=%v", implicit), func(t *testing.T) {
			t.Parallel()
			relay := startRelay(t, implicit)
			scheme := "smtp"
			if implicit {
				scheme = "smtps"
			}
			s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) {
				c.Media.SMTP = fmt.Sprintf("%s://%s:%s@%s", scheme, relayUser, relayPassword, relay.addr)
				c.Media.SMTPFrom = "pbx@acme.example"
				c.Media.SMTPCA = relay.caFile
			}, nil)
			ctx := context.Background()
			admin, _, id202 := sipTenant(s, "acme.example")
			tid := tenantID(t, s, "acme.example")
			s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"enable_voicemail_notify": true, "display_name": "Bob Builder"})

			// Off by default: no attachment.
			s.ok(leaveMessage(t, s, tid, "202", "+33611111111"))
			m := relay.wait(t, 1)
			if m.from != "pbx@acme.example" || len(m.to) != 1 || m.to[0] != "bob@acme.example" {
				t.Fatalf("envelope: %+v", m)
			}
			subject, text, files := parts(t, m.data)
			if !strings.Contains(subject, "+33611111111") || !strings.Contains(text, "Hello Bob Builder") ||
				!strings.Contains(text, "extension 202") || !strings.Contains(text, "Caller +33611111111") || !strings.Contains(text, "0:02") || len(files) != 0 {
				t.Fatalf("first email: %q\n%s\nfiles %d", subject, text, len(files))
			}

			// The tenant allows the attachment: the WAV comes with it.
			s.ok(s.system().UpdateTenant(ctx, tid, client.TenantUpdate{Voicemail: &client.VoicemailSettings{AttachAudio: true}}))
			s.ok(leaveMessage(t, s, tid, "202", "201"))
			_, text, files = parts(t, relay.wait(t, 2).data)
			if len(files) != 1 || !strings.Contains(text, "attached") {
				t.Fatalf("second email: %s, %d files", text, len(files))
			}
			for name, wav := range files {
				pcm, err := audio.Load(wav)
				if err != nil || !strings.HasSuffix(name, ".wav") || audio.Duration(pcm) != 1500 {
					t.Fatalf("attachment %s: %v, %d ms", name, err, audio.Duration(pcm))
				}
			}
			// Without notify, no email.
			s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"enable_voicemail_notify": false})
			s.ok(leaveMessage(t, s, tid, "202", "203"))
			time.Sleep(300 * time.Millisecond)
			relay.mu.Lock()
			n := len(relay.msgs)
			relay.mu.Unlock()
			if n != 2 {
				t.Fatalf("%d emails, want 2", n)
			}
			if strings.Contains(s.logs.String(), relayPassword) {
				t.Fatal("the relay's password is in the logs")
			}
		})
	}
}

// decodePart undoes a part's transfer encoding.
func decodePart(t *testing.T, enc string, raw []byte) string {
	t.Helper()
	switch strings.ToLower(enc) {
	case "base64":
		out, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.ReplaceAll(raw, []byte("\r\n"), nil))))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	return string(raw)
}
