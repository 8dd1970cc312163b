package transport

import (
	"net"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/sip/guard"
)

// readFilter drops, before parsing, what an ignored source sends (nil
// data is sipgo's "drop it"), and answers STUN keep-alives on UDP
// (RFC 5626 section 4.4.2) in place of handing them to the SIP parser.
// CRLF keep-alives on TCP and TLS (section 4.4.1) pass: sipgo answers a
// double CRLF with a single one between messages.
func (t *Transport) readFilter(p sip.TransportReadProps, data []byte) ([]byte, error) {
	if p.RemoteAddr == nil {
		return data, nil
	}
	now := t.now()
	if t.guard.Banned(guard.SourceIP(p.RemoteAddr.String()), now) || t.guard.Banned(guard.ConnKey(p.Transport, p.RemoteAddr.String()), now) {
		return nil, nil
	}
	if p.Transport == "UDP" && stunBinding(data) {
		if addr, ok := p.RemoteAddr.(*net.UDPAddr); ok {
			_, _ = t.udp.WriteTo(stunBindingResponse(data, addr), addr)
		}
		return nil, nil
	}
	return data, nil
}
