package model

import (
	"net"
	"strings"
	"time"
)

// Binding is one registered contact of a user (RFC 3261 section 10.3).
// InstanceID keys it: the device's +sip.instance (with its reg-id) when it
// sends one (RFC 5626), else a digest of the contact URI.
type Binding struct {
	TenantID   string
	UserID     string
	InstanceID string
	Contact    string // the Contact header value as registered, with its parameters
	CallID     string
	CSeq       uint32
	ExpiresAt  time.Time
	Q          string
	UserAgent  string
	Source     string // ip:port the REGISTER came from
	Transport  string
	EnablePush bool
	CreatedAt  time.Time
	// Node is the SIP address (host:port) of the node the REGISTER came
	// to, which holds its flow: the connection, or the NAT mapping, the
	// phone is reached by. Other nodes reach the phone through it.
	Node string
}

// FlowParam is the Contact URI parameter that carries the flow a phone
// is reached by (transport~ip~port: where its REGISTER came from), for
// the proxy to send there instead of the Contact's own address.
const FlowParam = "sb-flow"

// NodeParam is the Contact URI parameter, beside FlowParam, that names
// the node holding the flow (host~port): only that node can use the
// phone's connection or NAT mapping, so the others send through it.
const NodeParam = "sb-node"

// BehindNAT tells whether the binding's REGISTER came from another IP
// address than its Contact names (RFC 3581: the phone is behind NAT, and
// its Contact holds its private address). Another port alone is not
// taken for NAT: one host registering a contact for another of its
// programs is common.
func (b *Binding) BehindNAT() bool {
	host, _, ok := contactHostPort(b.Contact)
	ip, _, err := net.SplitHostPort(b.Source)
	return ok && err == nil && !strings.EqualFold(host, ip)
}

// FlowOnly tells whether the phone can be reached only over the flow it
// registered on: it is behind NAT, or it registered for RFC 5626
// outbound (a reg-id in its Contact). When that flow fails, such a
// binding is gone; any other binding stays reachable at its Contact
// (RFC 3261: a new connection to the address it names).
func (b *Binding) FlowOnly() bool {
	return b.BehindNAT() || strings.Contains(strings.ToLower(b.Contact), ";reg-id=")
}

// Target is the URI calls to the binding are sent to: the Contact URI,
// with FlowParam naming the source when the phone is behind NAT or
// registered over TCP or TLS (RFC 5626: over the connection it
// registered on, the only way to a phone behind NAT), and NodeParam
// naming the node that holds that flow.
func (b *Binding) Target() string {
	uri := ContactURI(b.Contact)
	t := strings.ToLower(b.Transport)
	if b.Source == "" || (!b.BehindNAT() && t != "tcp" && t != "tls") {
		return uri
	}
	ip, port, err := net.SplitHostPort(b.Source)
	if err != nil || t == "" {
		return uri
	}
	uri += ";" + FlowParam + "=" + t + "~" + ip + "~" + port
	if host, p, err := net.SplitHostPort(b.Node); err == nil {
		uri += ";" + NodeParam + "=" + host + "~" + p
	}
	return uri
}

// ContactURI is the URI of a Contact value (inside <> when present).
func ContactURI(v string) string {
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return v[i+1 : i+j]
		}
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		return v[:i]
	}
	return v
}

// contactHostPort is the host and port of a Contact value's URI (port
// 5060, 5061 for sips, when it names none).
func contactHostPort(v string) (string, string, bool) {
	uri := ContactURI(v)
	scheme, rest, ok := strings.Cut(uri, ":")
	if !ok {
		return "", "", false
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	if i := strings.IndexAny(rest, ";?"); i >= 0 {
		rest = rest[:i]
	}
	port := "5060"
	if strings.EqualFold(scheme, "sips") {
		port = "5061"
	}
	if host, p, err := net.SplitHostPort(rest); err == nil {
		return strings.Trim(host, "[]"), p, true
	}
	return strings.Trim(rest, "[]"), port, rest != ""
}
