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
// is the only way through its NAT.
func applyFlow(req *sip.Request) {
	v, ok := req.Recipient.UriParams.Get(model.FlowParam)
	if !ok {
		return
	}
	req.Recipient.UriParams.Remove(model.FlowParam)
	parts := strings.Split(v, "~")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return
	}
	req.SetTransport(strings.ToUpper(parts[0]))
	req.SetDestination(net.JoinHostPort(parts[1], parts[2]))
}

// flowContact marks msg's Contact (a phone's INVITE, or its answer) with
// the flow it came by when the phone is behind NAT or on TCP or TLS, so
// the requests the other party sends to that Contact later in the dialog
// (ACK, BYE, re-INVITE) reach the phone the same way.
func flowContact(msg interface{ Contact() *sip.ContactHeader }, source, transport string) {
	h := msg.Contact()
	if h == nil || source == "" {
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
