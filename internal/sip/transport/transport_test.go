package transport

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/sip/guard"
)

// TestHandle: a registered method is answered by its handler over UDP,
// and nothing is answered once the source is banned.
func TestHandle(t *testing.T) {
	g := guard.New(1, time.Minute, time.Minute)
	tr, err := Listen(Config{Addr: "127.0.0.1:0", Guard: g})
	if err != nil {
		t.Fatal(err)
	}
	tr.Handle(sip.OPTIONS, func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "Handled", nil))
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = tr.Serve(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	c, err := net.Dial("udp", tr.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ask := func(branch string, wait time.Duration) string {
		msg := "OPTIONS sip:" + tr.Addr() + " SIP/2.0\r\nVia: SIP/2.0/UDP " + c.LocalAddr().String() + ";branch=z9hG4bK" + branch + "\r\n" +
			"Max-Forwards: 70\r\nFrom: <sip:t@example.com>;tag=1\r\nTo: <sip:t@example.com>\r\nCall-ID: " + branch + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4096)
		_ = c.SetReadDeadline(time.Now().Add(wait))
		n, _ := c.Read(buf)
		return string(buf[:n])
	}
	if res := ask("a", 10*time.Second); !strings.HasPrefix(res, "SIP/2.0 200 Handled") {
		t.Fatalf("answer: %q", res)
	}
	g.Fail("127.0.0.1", "sip:201@acme.example", time.Now())
	if res := ask("b", time.Second); res != "" {
		t.Fatalf("a banned source was answered: %q", res)
	}
}

func TestHandleTwice(t *testing.T) {
	tr, err := Listen(Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	h := func(*sip.Request, sip.ServerTransaction) {}
	tr.Handle(sip.NOTIFY, h)
	defer func() {
		if recover() == nil {
			t.Fatal("a second handler for NOTIFY was taken")
		}
	}()
	tr.Handle(sip.NOTIFY, h)
}
