package transport

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// serveKeepAlive starts a transport with TCP and TLS that keeps a
// registering connection for an hour and reports failed flows on flows.
func serveKeepAlive(t *testing.T, flows chan<- string) (*Transport, func()) {
	t.Helper()
	tr, err := Listen(Config{Addr: "127.0.0.1:0", TLSAddr: "127.0.0.1:0", TLSConfig: selfSignedTLS(t),
		FlowFailed: func(transport, source string) { flows <- transport + " " + source }})
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
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return tr, stop
}

func selfSignedTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sip.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// TestCRLFKeepAlive: a double CRLF ping on TCP and on TLS, between
// messages, is answered with a single CRLF pong (RFC 5626 section
// 4.4.1), and the connection goes on carrying requests.
func TestCRLFKeepAlive(t *testing.T) {
	tr, _ := serveKeepAlive(t, make(chan string, 4))
	tcp := dial(t, "127.0.0.1", tr.Addr())
	tlsConn, err := tls.Dial("tcp", tr.TLSAddr(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tlsConn.Close() })
	for name, c := range map[string]net.Conn{"tcp": tcp, "tls": tlsConn} {
		if got := ask(t, c, "OPTIONS", 1); got != "SIP/2.0 200 OK" {
			t.Fatalf("%s OPTIONS: %q", name, got)
		}
		for i := 0; i < 2; i++ {
			if _, err := c.Write([]byte("\r\n\r\n")); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 8)
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			n, err := c.Read(buf)
			if err != nil || string(buf[:n]) != "\r\n" {
				t.Fatalf("%s ping %d: pong %q, %v", name, i, buf[:n], err)
			}
		}
		if got := ask(t, c, "OPTIONS", 2); got != "SIP/2.0 200 OK" {
			t.Fatalf("%s OPTIONS after the pings: %q", name, got)
		}
	}
}

// TestSTUNKeepAlive: a STUN Binding request to the SIP port over UDP
// (RFC 5626 section 4.4.2) is answered with the address it came from,
// in XOR-MAPPED-ADDRESS; it used to go to the SIP parser and die there.
func TestSTUNKeepAlive(t *testing.T) {
	tr, _ := serveKeepAlive(t, make(chan string, 4))
	c, err := net.Dial("udp", tr.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := make([]byte, 20)
	binary.BigEndian.PutUint16(req[0:2], 0x0001)
	binary.BigEndian.PutUint32(req[4:8], 0x2112A442)
	copy(req[8:], "transaction1")
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 512)
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no STUN answer: %v", err)
	}
	res := buf[:n]
	if binary.BigEndian.Uint16(res[0:2]) != 0x0101 || string(res[8:20]) != "transaction1" || int(binary.BigEndian.Uint16(res[2:4])) != n-20 {
		t.Fatalf("answer %x", res)
	}
	local := c.LocalAddr().(*net.UDPAddr)
	a := res[20:]
	if binary.BigEndian.Uint16(a[0:2]) != 0x0020 || a[5] != 1 {
		t.Fatalf("first attribute %x", a)
	}
	port := binary.BigEndian.Uint16(a[6:8]) ^ 0x2112
	ip := binary.BigEndian.Uint32(a[8:12]) ^ 0x2112A442
	if int(port) != local.Port || ip != binary.BigEndian.Uint32(local.IP.To4()) {
		t.Fatalf("mapped %d/%x, want %v", port, ip, local)
	}
}

// TestFlowFailed: a TCP or TLS connection that carried a registration
// and closes is reported as a failed flow (and is no longer open); one
// that never registered is not, nor are the flows the transport closes
// when it stops.
func TestFlowFailed(t *testing.T) {
	flows := make(chan string, 4)
	tr, stop := serveKeepAlive(t, flows)
	idle := dial(t, "127.0.0.1", tr.Addr())
	ask(t, idle, "OPTIONS", 1)
	idle.Close()
	phone := dial(t, "127.0.0.1", tr.Addr())
	ask(t, phone, "REGISTER", 1)
	if !tr.FlowOpen("TCP", phone.LocalAddr().String()) {
		t.Fatal("the registered flow is not open")
	}
	phone.Close()
	select {
	case got := <-flows:
		if got != "TCP "+phone.LocalAddr().String() {
			t.Fatalf("failed flow %q, want the phone's", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the phone's closed flow was not reported")
	}
	if tr.FlowOpen("TCP", phone.LocalAddr().String()) {
		t.Fatal("the closed flow is still open")
	}
	other := dial(t, "127.0.0.1", tr.Addr())
	ask(t, other, "REGISTER", 2)
	stop()
	if !closed(other, 3*time.Second) {
		t.Fatal("the transport stopped with a flow open")
	}
	select {
	case got := <-flows:
		t.Fatalf("another flow reported: %q", got)
	case <-time.After(300 * time.Millisecond):
	}
}
