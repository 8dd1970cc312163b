package model

import "testing"

// TestBindingTarget: a phone is behind NAT when its REGISTER came from
// another IP than its Contact names; calls then go to where it came
// from, as they always do to a phone on TCP or TLS (its connection).
func TestBindingTarget(t *testing.T) {
	for _, c := range []struct {
		contact, source, transport string
		node                       string
		nat                        bool
		target                     string
	}{
		{"<sip:202@192.168.1.20:5060>;expires=60", "203.0.113.7:40001", "UDP", "", true, "sip:202@192.168.1.20:5060;sb-flow=udp~203.0.113.7~40001"},
		{"<sip:202@192.168.1.20>", "203.0.113.7:5060", "UDP", "", true, "sip:202@192.168.1.20;sb-flow=udp~203.0.113.7~5060"},
		{"<sip:202@127.0.0.1:5999>", "127.0.0.1:40001", "UDP", "", false, "sip:202@127.0.0.1:5999"},
		{"<sip:202@127.0.0.1:5999;transport=tcp>", "127.0.0.1:40001", "TCP", "", false, "sip:202@127.0.0.1:5999;transport=tcp;sb-flow=tcp~127.0.0.1~40001"},
		{"<sip:202@10.0.0.5:5061;transport=tls>", "198.51.100.2:50000", "TLS", "", true, "sip:202@10.0.0.5:5061;transport=tls;sb-flow=tls~198.51.100.2~50000"},
		{"<sip:202@[2001:db8::1]:5060>", "[2001:db8::1]:5060", "UDP", "", false, "sip:202@[2001:db8::1]:5060"},
		{"sip:202@192.168.1.20", "", "UDP", "", false, "sip:202@192.168.1.20"},
		// The node holding the flow is named beside it; a binding reached
		// at its Contact needs no node.
		{"<sip:202@192.168.1.20:5060>", "203.0.113.7:40001", "UDP", "192.0.2.10:5060", true, "sip:202@192.168.1.20:5060;sb-flow=udp~203.0.113.7~40001;sb-node=192.0.2.10~5060"},
		{"<sip:202@10.0.0.5;transport=tcp>", "198.51.100.2:50000", "TCP", "[2001:db8::9]:5060", true, "sip:202@10.0.0.5;transport=tcp;sb-flow=tcp~198.51.100.2~50000;sb-node=2001:db8::9~5060"},
		{"<sip:202@127.0.0.1:5999>", "127.0.0.1:40001", "UDP", "192.0.2.10:5060", false, "sip:202@127.0.0.1:5999"},
	} {
		b := Binding{Contact: c.contact, Source: c.source, Transport: c.transport, Node: c.node}
		if b.BehindNAT() != c.nat || b.Target() != c.target {
			t.Errorf("%s from %s/%s: nat=%v target=%s, want %v %s", c.contact, c.source, c.transport, b.BehindNAT(), b.Target(), c.nat, c.target)
		}
	}
}

// TestBindingFlowOnly: a binding behind NAT, or registered for outbound
// (reg-id), is reached only over its flow; another over TCP is reached
// at its Contact too.
func TestBindingFlowOnly(t *testing.T) {
	for _, c := range []struct {
		contact, source string
		only            bool
	}{
		{"<sip:202@10.0.0.5:5060;transport=tcp>", "198.51.100.2:50000", true},
		{"<sip:202@127.0.0.1:5999;transport=tcp>", "127.0.0.1:40001", false},
		{"<sip:202@127.0.0.1:5999;transport=tcp>;+sip.instance=\"<urn:uuid:1>\";reg-id=1", "127.0.0.1:40001", true},
	} {
		b := Binding{Contact: c.contact, Source: c.source, Transport: "TCP"}
		if b.FlowOnly() != c.only {
			t.Errorf("%s from %s: flow only %v", c.contact, c.source, b.FlowOnly())
		}
	}
}
