package transport

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
)

// bind opens the sockets: UDP and TCP on one port, and TLS if configured.
func (t *Transport) bind() error {
	host, port, err := net.SplitHostPort(t.cfg.Addr)
	if err != nil {
		return fmt.Errorf("sip address %q: %w", t.cfg.Addr, err)
	}
	// With port 0 the UDP port is picked first and TCP takes the same one;
	// retry when another program holds it for TCP.
	for attempt := 0; ; attempt++ {
		udp, err := net.ListenPacket("udp", t.cfg.Addr)
		if err != nil {
			return fmt.Errorf("cannot listen for SIP on udp %s: %w", t.cfg.Addr, err)
		}
		tcpAddr := net.JoinHostPort(host, strconv.Itoa(udp.LocalAddr().(*net.UDPAddr).Port))
		tcp, err := net.Listen("tcp", tcpAddr)
		if err != nil {
			udp.Close()
			if port == "0" && attempt < 10 {
				continue
			}
			return fmt.Errorf("cannot listen for SIP on tcp %s: %w", tcpAddr, err)
		}
		t.udp, t.tcp = udp, t.conns.limit(tcp, t.cfg.Conns, "TCP")
		break
	}
	if t.cfg.TLSConfig != nil {
		ln, err := net.Listen("tcp", t.cfg.TLSAddr)
		if err != nil {
			t.closeSockets()
			return fmt.Errorf("cannot listen for SIP on tls %s: %w", t.cfg.TLSAddr, err)
		}
		// The caps and timeouts apply beneath TLS: a handshake that
		// never ends is bounded like a request that never comes.
		t.tls = tls.NewListener(t.conns.limit(ln, t.cfg.Conns, "TLS"), t.cfg.TLSConfig)
	}
	return nil
}

func (t *Transport) closeSockets() {
	for _, c := range []interface{ Close() error }{t.udp, t.tcp, t.tls} {
		if c != nil {
			_ = c.Close()
		}
	}
}
