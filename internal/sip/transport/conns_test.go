package transport

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/netlimit"
)

// serveTCP starts a transport with short timeouts and small caps that
// answers OPTIONS, and REGISTER by keeping the connection for an hour.
func serveTCP(t *testing.T) *Transport {
	t.Helper()
	tr, err := Listen(Config{Addr: "127.0.0.1:0", Conns: netlimit.Limits{Total: 40, PerIP: 30},
		Timeouts: Timeouts{First: 400 * time.Millisecond, Idle: 800 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	tr.Handle(sip.OPTIONS, func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	tr.Handle(sip.REGISTER, func(req *sip.Request, tx sip.ServerTransaction) {
		tr.Keep(req.Transport(), req.Source(), time.Now().Add(time.Hour))
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = tr.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return tr
}

func dial(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ask sends method over c and returns the status line of the answer.
func ask(t *testing.T, c net.Conn, method string, n int) string {
	t.Helper()
	msg := fmt.Sprintf("%s sip:t@example.com SIP/2.0\r\nVia: SIP/2.0/TCP %s;branch=z9hG4bK-%s-%d\r\nMax-Forwards: 70\r\n"+
		"From: <sip:t@example.com>;tag=1\r\nTo: <sip:t@example.com>\r\nCall-ID: c%d-%s\r\nCSeq: %d %s\r\nContact: <sip:t@%s;transport=tcp>\r\nContent-Length: 0\r\n\r\n",
		method, c.LocalAddr(), method, n, n, c.LocalAddr(), n, method, c.LocalAddr())
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("%s answer: %v", method, err)
	}
	for { // drop the rest of the answer
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := c.Read(make([]byte, 4096)); err != nil {
			break
		}
	}
	return strings.TrimSpace(line)
}

// closed reports whether the server closed c within wait.
func closed(c net.Conn, wait time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	_, err := c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return err != nil
}

// TestStreamTimeouts: a connection that never sends a request is closed
// after First; one that sent a request is closed after Idle without
// another; one that registered is kept; a slow trickle does not move the
// first deadline.
func TestStreamTimeouts(t *testing.T) {
	tr := serveTCP(t)
	silent := dial(t, "127.0.0.1", tr.Addr())
	trickle := dial(t, "127.0.0.1", tr.Addr())
	asked := dial(t, "127.0.0.1", tr.Addr())
	registered := dial(t, "127.0.0.1", tr.Addr())
	if got := ask(t, asked, "OPTIONS", 1); got != "SIP/2.0 200 OK" {
		t.Fatalf("OPTIONS: %q", got)
	}
	if got := ask(t, registered, "REGISTER", 2); got != "SIP/2.0 200 OK" {
		t.Fatalf("REGISTER: %q", got)
	}
	for i := 0; i < 8; i++ { // 800 ms of one byte at a time, never a whole request
		if _, err := trickle.Write([]byte("O")); err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !closed(silent, 5*time.Second) {
		t.Fatal("a connection that sent nothing was kept")
	}
	if !closed(trickle, 5*time.Second) {
		t.Fatal("a connection trickling bytes without a whole request was kept")
	}
	if !closed(asked, 5*time.Second) {
		t.Fatal("an idle connection without a registration was kept")
	}
	if closed(registered, 2*time.Second) {
		t.Fatal("a connection carrying a registration was closed")
	}
	if got := ask(t, registered, "OPTIONS", 3); got != "SIP/2.0 200 OK" {
		t.Fatalf("OPTIONS on the registered connection: %q", got)
	}
	if n := tr.StreamConns(); n != 1 {
		t.Fatalf("%d connections tracked, want the registered one", n)
	}
}

// TestStreamFlood: 300 idle connections from many addresses against caps
// of 40 in all and 30 per address: the excess are closed at once, all
// are closed after the first timeout, and a new connection is answered.
func TestStreamFlood(t *testing.T) {
	tr := serveTCP(t)
	var conns []net.Conn
	for i := range 300 {
		conns = append(conns, dial(t, fmt.Sprintf("127.0.0.%d", 2+i%5), tr.Addr()))
	}
	refused := 0
	for _, c := range conns {
		if closed(c, 10*time.Millisecond) {
			refused++
		}
	}
	if refused < 300-40 {
		t.Fatalf("only %d of 300 connections refused with a total cap of 40", refused)
	}
	for i, c := range conns {
		if !closed(c, 5*time.Second) {
			t.Fatalf("idle connection %d still open after the first timeout", i)
		}
	}
	c := dial(t, "127.0.0.2", tr.Addr())
	if got := ask(t, c, "OPTIONS", 9); got != "SIP/2.0 200 OK" {
		t.Fatalf("OPTIONS after the flood: %q", got)
	}
}
