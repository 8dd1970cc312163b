package proxy

import (
	"net"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// applyFlow sends req where the FlowParam of its Request-URI says (the
// address and transport a phone behind NAT, or on TCP or TLS, reached us
// from: RFC 3581 received/rport, RFC 5626 flows), without the parameter.
// On TCP and TLS the transport reuses the phone's own connection, which
// is the only way through its NAT. When that connection is no longer
// open on this node (the flow failed, RFC 5626), a phone not behind NAT
// is reached by a new connection to its Contact (RFC 3261), while for
// one behind NAT applyFlow returns false and req must not be sent:
// dialling its NAT mapping would only wait for a timeout, or reach
// whoever holds that port now. A flow that another node holds (its
// NodeParam) is reached through that node (see toNode).
func (p *Proxy) applyFlow(req *sip.Request) bool {
	v, ok := req.Recipient.UriParams.Get(model.FlowParam)
	if !ok {
		return true
	}
	if host, port, ok := flowNode(&req.Recipient); ok {
		if !p.self.Own(sip.Uri{Host: host, Port: port}) {
			p.toNode(req, v, host, port)
			return true
		}
		req.Recipient.UriParams.Remove(model.NodeParam)
	}
	req.Recipient.UriParams.Remove(model.FlowParam)
	parts := strings.Split(v, "~")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return true
	}
	transport, dest := strings.ToUpper(parts[0]), net.JoinHostPort(parts[1], parts[2])
	if transport != "UDP" && !p.self.FlowOpen(transport, dest) {
		return strings.EqualFold(strings.Trim(req.Recipient.Host, "[]"), parts[1])
	}
	req.SetTransport(transport)
	req.SetDestination(dest)
	return true
}

// flowContact marks msg's Contact (a phone's INVITE, or its answer) with
// the flow it came by when the phone is behind NAT or on TCP or TLS, so
// the requests the other party sends to that Contact later in the dialog
// (ACK, BYE, re-INVITE) reach the phone the same way. A Contact that
// is marked already (by the node holding the phone's flow, which
// record-routes the dialog too) stays as it is.
func flowContact(msg interface{ Contact() *sip.ContactHeader }, source, transport string) {
	h := msg.Contact()
	if h == nil || source == "" {
		return
	}
	if _, marked := h.Address.UriParams.Get(model.FlowParam); marked {
		return
	}
	b := model.Binding{Contact: h.Value(), Source: source, Transport: transport}
	target := b.Target()
	if target == model.ContactURI(h.Value()) {
		return
	}
	var u sip.Uri
	if sip.ParseUri(target, &u) == nil {
		h.Address = u
	}
}
