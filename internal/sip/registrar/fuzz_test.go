package registrar

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/sip/siptest"
	"github.com/switchboard-pbx/switchboard/internal/sip/transport"
)

// fuzzServer is a registrar on a SQLite store with user 201 of acme.example.
func fuzzServer(t testing.TB) *Registrar {
	st := siptest.Store(t)
	a, err := digest.NewAuthenticator(context.Background(), digest.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Store: st, Auth: a, Now: func() time.Time { return time.Unix(1_800_000_000, 0) }})
}

const seedRegister = "REGISTER sip:acme.example SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport\r\n" +
	"Max-Forwards: 70\r\nFrom: <sip:201@acme.example>;tag=1928301774\r\nTo: <sip:201@acme.example>\r\n" +
	"Call-ID: a84b4c76e66710@192.0.2.1\r\nCSeq: %d REGISTER\r\n%sContent-Length: 0\r\n\r\n"

// FuzzRegister feeds the REGISTER handling mutated messages: it must never
// panic, never answer 5xx, and only answer with the registrar's statuses.
func FuzzRegister(f *testing.F) {
	s := fuzzServer(f)
	for _, extra := range []string{
		"Contact: <sip:201@192.0.2.1:5060>\r\nExpires: 600\r\n",
		"Contact: *\r\nExpires: 0\r\n",
		"Contact: <sip:201@192.0.2.1>;expires=30\r\n",
		"Contact: <sip:201@192.0.2.1>;+sip.instance=\"<urn:uuid:1>\";reg-id=1, <sip:201@192.0.2.2>;q=0.5\r\n",
		"Authorization: Digest username=\"201\", realm=\"acme.example\", nonce=\"x\", uri=\"sip:acme.example\", response=\"0\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c\"\r\nContact: <sip:201@192.0.2.1>\r\n",
		"",
	} {
		f.Add([]byte(fmt.Sprintf(seedRegister, 1, extra)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := sip.ParseMessage(data)
		if err != nil {
			return
		}
		req, ok := msg.(*sip.Request)
		if !ok || req.Method != sip.REGISTER {
			return
		}
		req.SetSource("192.0.2.1:5060")
		res := s.Handle(context.Background(), req)
		switch res.StatusCode {
		case 200, 400, 401, 403, 423:
		default:
			t.Fatalf("status %d for:\n%s", res.StatusCode, data)
		}
		if res.StatusCode == 401 && len(res.GetHeaders("WWW-Authenticate")) == 0 {
			t.Fatal("401 without a challenge")
		}
		if strings.Contains(res.String(), "Sip-secret") {
			t.Fatal("the answer holds the password")
		}
	})
}

// TestRegisterFlowDirect walks a REGISTER through Handle: challenge,
// answer, 200 listing the binding.
func TestRegisterFlowDirect(t *testing.T) {
	s := fuzzServer(t)
	parse := func(text string) *sip.Request {
		msg, err := sip.ParseMessage([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		r := msg.(*sip.Request)
		r.SetSource("192.0.2.1:5060")
		return r
	}
	res := s.Handle(context.Background(), parse(fmt.Sprintf(seedRegister, 1, "Contact: <sip:201@192.0.2.1:5060>\r\nExpires: 600\r\n")))
	if res.StatusCode != 401 {
		t.Fatalf("first: %d", res.StatusCode)
	}
	ch := res.GetHeaders("WWW-Authenticate")[0].Value()
	nonce := ch[strings.Index(ch, `nonce="`)+7:]
	nonce = nonce[:strings.IndexByte(nonce, '"')]
	c := &digest.Credentials{Username: "201", Realm: "acme.example", Nonce: nonce, URI: "sip:acme.example", CNonce: "c1", QOP: "auth", NC: "00000001"}
	ha1 := siptest.HA1()
	c.Response = digest.ExpectedResponse(digest.AlgSHA256, ha1, "REGISTER", c)
	authz := fmt.Sprintf("Authorization: Digest username=\"201\", realm=\"acme.example\", nonce=\"%s\", uri=\"sip:acme.example\", response=\"%s\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"c1\"\r\n", nonce, c.Response)
	res = s.Handle(context.Background(), parse(fmt.Sprintf(seedRegister, 2, authz+"Contact: <sip:201@192.0.2.1:5060>\r\nExpires: 600\r\n")))
	if res.StatusCode != 200 || len(res.GetHeaders("Contact")) != 1 || res.GetHeaders("Contact")[0].Value() != "<sip:201@192.0.2.1:5060>;expires=600" {
		t.Fatalf("second: %v", res)
	}
}

// BenchmarkRegister measures one authenticated registration (REGISTER,
// 401, REGISTER with credentials, 200) through Handle, on SQLite, without
// the network.
func BenchmarkRegister(b *testing.B) {
	s := fuzzServer(b)
	ha1 := siptest.HA1()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		first, _ := sip.ParseMessage([]byte(fmt.Sprintf(seedRegister, 2*i+1, "Contact: <sip:201@192.0.2.1:5060>\r\nExpires: 600\r\n")))
		r1 := first.(*sip.Request)
		r1.SetSource("192.0.2.1:5060")
		res := s.Handle(ctx, r1)
		ch := res.GetHeaders("WWW-Authenticate")[0].Value()
		nonce := ch[strings.Index(ch, `nonce="`)+7:]
		nonce = nonce[:strings.IndexByte(nonce, '"')]
		c := &digest.Credentials{Nonce: nonce, URI: "sip:acme.example", CNonce: "c1", QOP: "auth", NC: "00000001"}
		resp := digest.ExpectedResponse(digest.AlgSHA256, ha1, "REGISTER", c)
		authz := fmt.Sprintf("Authorization: Digest username=\"201\", realm=\"acme.example\", nonce=\"%s\", uri=\"sip:acme.example\", response=\"%s\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"c1\"\r\n", nonce, resp)
		second, _ := sip.ParseMessage([]byte(fmt.Sprintf(seedRegister, 2*i+2, authz+"Contact: <sip:201@192.0.2.1:5060>\r\nExpires: 600\r\n")))
		r2 := second.(*sip.Request)
		r2.SetSource("192.0.2.1:5060")
		if res := s.Handle(ctx, r2); res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
}

// BenchmarkRegisterUDP measures authenticated registrations through the
// real UDP transport: 32 phones register over and over in parallel.
func BenchmarkRegisterUDP(b *testing.B) {
	s := fuzzServer(b)
	reg := New(Config{Store: s.st, Auth: s.auth}) // on the real clock
	srv, err := transport.Listen(transport.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	for m, h := range reg.Handlers() {
		srv.Handle(m, h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	ha1 := siptest.HA1()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := net.Dial("udp", srv.Addr())
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		buf := make([]byte, 4096)
		cseq := 0
		callID := fmt.Sprintf("%p", c)
		send := func(extra string) string {
			cseq++
			msg := fmt.Sprintf("REGISTER sip:acme.example SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%s%d\r\nMax-Forwards: 70\r\n"+
				"From: <sip:201@acme.example>;tag=1\r\nTo: <sip:201@acme.example>\r\nCall-ID: %s\r\nCSeq: %d REGISTER\r\n"+
				"Contact: <sip:201@192.0.2.1>\r\nExpires: 600\r\n%sContent-Length: 0\r\n\r\n", c.LocalAddr(), callID, cseq, callID, cseq, extra)
			for {
				_, _ = c.Write([]byte(msg))
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
				n, err := c.Read(buf)
				if err == nil {
					return string(buf[:n])
				}
			}
		}
		for pb.Next() {
			res := send("")
			i := strings.Index(res, `nonce="`)
			if i < 0 {
				b.Errorf("no challenge: %s", res)
				return
			}
			nonce := res[i+7:]
			nonce = nonce[:strings.IndexByte(nonce, '"')]
			cr := &digest.Credentials{Nonce: nonce, URI: "sip:acme.example", CNonce: "c1", QOP: "auth", NC: "00000001"}
			authz := fmt.Sprintf("Authorization: Digest username=\"201\", realm=\"acme.example\", nonce=\"%s\", uri=\"sip:acme.example\", response=\"%s\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"c1\"\r\n",
				nonce, digest.ExpectedResponse(digest.AlgSHA256, ha1, "REGISTER", cr))
			if res := send(authz); !strings.HasPrefix(res, "SIP/2.0 200") {
				b.Errorf("answer: %.40s", res)
				return
			}
		}
	})
}
