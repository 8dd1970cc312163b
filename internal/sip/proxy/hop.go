package proxy

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// A phone behind NAT, or on TCP or TLS, is reached only over the flow it
// registered on (its connection, or its NAT mapping), which one node
// holds: the binding names it (model.NodeParam). A call that another
// node routes to such a phone goes through that node, the way RFC 5626
// edge proxies carry flows (there with Path): the INVITE gets a Route to
// the holding node whose hopParam is a token only the nodes can make
// (an HMAC, with the secret they share, of the Call-ID and the flow), and
// that node sends it down the flow, record-routing itself so the rest of
// the dialog follows the same path. The token never reaches a phone: the
// holding node removes its Route before sending on.

// hopParam is the Route URI parameter that carries the token.
const hopParam = "sb-hop"

// hopMaxTime bounds how long a node relays one hopped INVITE (the node
// that routed it cancels it long before: its ring time).
const hopMaxTime = 5 * time.Minute

// hopToken is the token for a call's hop to the node of flow.
func (p *Proxy) hopToken(callID, flow string) string {
	m := hmac.New(sha256.New, p.hopKey)
	m.Write([]byte(callID))
	m.Write([]byte{0})
	m.Write([]byte(flow))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// flowNode is the node named by the NodeParam of u ("host~port"), and
// whether u names one.
func flowNode(u *sip.Uri) (host string, port int, ok bool) {
	v, has := u.UriParams.Get(model.NodeParam)
	i := strings.LastIndexByte(v, '~')
	if !has || i <= 0 {
		return "", 0, false
	}
	port, err := strconv.Atoi(v[i+1:])
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, false
	}
	return v[:i], port, true
}

// toNode sends req, for a flow that node (host, port) holds, to that
// node with a Route carrying the hop token; the Request-URI keeps the
// flow for it.
func (p *Proxy) toNode(req *sip.Request, flow, host string, port int) {
	params := sip.NewParams()
	params.Add("transport", "udp")
	params.Add("lr", "")
	callID := ""
	if h := req.CallID(); h != nil {
		callID = h.Value()
	}
	params.Add(hopParam, p.hopToken(callID, flow))
	req.PrependHeader(&sip.RouteHeader{Address: sip.Uri{Scheme: "sip", Host: host, Port: port, UriParams: params}})
	req.SetTransport("UDP")
	req.SetDestination(net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port)))
}

// hopped handles an INVITE that another node routed here for a flow this
// node holds; false when req is no such INVITE. A Route to this node
// with a wrong token is refused.
func (p *Proxy) hopped(req *sip.Request, tx sip.ServerTransaction) bool {
	r := req.Route()
	if r == nil || !p.self.Own(r.Address) {
		return false
	}
	token, ok := r.Address.UriParams.Get(hopParam)
	if !ok {
		return false
	}
	flow, _ := req.Recipient.UriParams.Get(model.FlowParam)
	callID := ""
	if h := req.CallID(); h != nil {
		callID = h.Value()
	}
	if flow == "" || callID == "" || !hmac.Equal([]byte(token), []byte(p.hopToken(callID, flow))) {
		p.log.Info("sip hop refused: bad token", "source", req.Source())
		respond(tx, req, 403, "Forbidden")
		return true
	}
	p.hop(req, tx)
	return true
}

// hop sends a hopped INVITE down this node's flow and relays the answers
// back, cancelling it when the routing node cancels.
func (p *Proxy) hop(req *sip.Request, tx sip.ServerTransaction) {
	out := req.Clone()
	p.popOwnRoutes(out)
	out.SetDestination("")
	out.SetTransport(transportOf(&out.Recipient))
	if !p.applyFlow(out) {
		respond(tx, req, 430, "Flow Failed")
		return
	}
	p.recordRoute(out, req.Transport())
	respond(tx, req, 100, "Trying")
	ctx, cancel := context.WithTimeout(context.Background(), hopMaxTime)
	defer cancel()
	btx, err := p.client.TransactionRequest(ctx, out, sipgo.ClientRequestDecreaseMaxForward, sipgo.ClientRequestAddVia)
	if err != nil {
		respond(tx, req, 503, "Service Unavailable")
		return
	}
	defer btx.Terminate()
	tx.OnCancel(func(*sip.Request) { p.cancelBranch(out) })
	for {
		select {
		case res, ok := <-btx.Responses():
			if !ok {
				return
			}
			if res.StatusCode == 100 {
				continue
			}
			_ = tx.Respond(relayVia(req, out, res))
			if res.StatusCode >= 200 {
				return
			}
		case <-btx.Done():
			respond(tx, req, 408, "Request Timeout")
			return
		case <-ctx.Done():
			p.cancelBranch(out)
			respond(tx, req, 408, "Request Timeout")
			return
		}
	}
}
