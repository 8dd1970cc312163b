package transport

import (
	"net"
	"strconv"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// RouteURI is the URI that brings a dialog's requests back to this node
// over network (UDP, TCP or TLS): the listener's own address with
// ;transport and ;lr, for the proxy's Record-Route headers (RFC 3261
// section 16.6, RFC 5658 when the two sides differ).
func (t *Transport) RouteURI(network string) sip.Uri {
	network = strings.ToLower(network)
	addr := t.Addr()
	if network == "tls" && t.tls != nil {
		addr = t.TLSAddr()
	}
	host, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	params := sip.NewParams()
	params.Add("transport", network)
	params.Add("lr", "")
	return sip.Uri{Scheme: "sip", Host: host, Port: port, UriParams: params}
}

// Own tells whether u names one of this node's listeners (its host and
// the UDP/TCP or the TLS port; no port means the scheme's default).
func (t *Transport) Own(u sip.Uri) bool {
	port := u.Port
	if port == 0 {
		port = 5060
		if u.IsEncrypted() {
			port = 5061
		}
	}
	for _, addr := range []string{t.Addr(), t.TLSAddr()} {
		host, p, err := net.SplitHostPort(addr)
		if err == nil && strings.EqualFold(host, u.Host) && p == strconv.Itoa(port) {
			return true
		}
	}
	return false
}
