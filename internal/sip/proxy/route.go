package proxy

import (
	"strings"

	"github.com/emiago/sipgo/sip"
)

// Self is this node as a hop of the dialogs it record-routes (the
// transport's listeners).
type Self interface {
	// RouteURI is the Record-Route URI of the listener for network.
	RouteURI(network string) sip.Uri
	// Own tells whether a Route URI names this node.
	Own(u sip.Uri) bool
	// FlowOpen tells whether the TCP or TLS connection a phone reached
	// this node from (transport "TCP" or "TLS", source ip:port) is open.
	FlowOpen(transport, source string) bool
}

// recordRoute puts this node in the route set of a forwarded INVITE. When
// the caller came in on another transport (or listener) than the one the
// INVITE leaves by, two Record-Route headers go in (RFC 5658 double
// record-routing): the callee's side on top, the caller's below it, so
// each party sends its in-dialog requests (ACK, BYE) to the listener on
// its own transport. A TCP-only phone cannot send to a UDP route.
func (p *Proxy) recordRoute(out *sip.Request, inTransport string) {
	outside := p.self.RouteURI(out.Transport())
	inside := p.self.RouteURI(inTransport)
	if inside.String() != outside.String() {
		out.PrependHeader(&sip.RecordRouteHeader{Address: inside})
	}
	out.PrependHeader(&sip.RecordRouteHeader{Address: outside})
}

// popOwnRoutes removes the Route values at the top of req that name this
// node (one, or two when it double record-routed), keeping the rest in
// order. When none names it (a listener known by another name), the top
// one goes, as a loose router's own.
func (p *Proxy) popOwnRoutes(req *sip.Request) {
	var values []string
	for _, h := range req.GetHeaders("Route") {
		values = append(values, splitHeaderList(h.Value())...)
	}
	for req.RemoveHeader("Route") {
	}
	i := 0
	for i < len(values) && p.ownRoute(values[i]) {
		i++
	}
	if i == 0 && len(values) > 0 {
		i = 1
	}
	for _, v := range values[i:] {
		req.AppendHeader(sip.NewHeader("Route", v))
	}
}

// ownRoute tells whether a Route value names this node.
func (p *Proxy) ownRoute(value string) bool {
	s := strings.TrimSpace(value)
	if a, b := strings.IndexByte(s, '<'), strings.IndexByte(s, '>'); a >= 0 && b > a {
		s = s[a+1 : b]
	}
	var u sip.Uri
	return sip.ParseUri(s, &u) == nil && p.self.Own(u)
}
