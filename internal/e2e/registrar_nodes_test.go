package e2e

import (
	"fmt"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestSIPCSeqAcrossNodes: two nodes on one PostgreSQL database; a phone
// registers through node 1, then a REGISTER with the same Call-ID and a
// CSeq not higher reaches node 2: it is refused (400) and changes nothing,
// and a higher CSeq through node 2 refreshes the binding. Node 2 decides
// on the binding node 1 wrote, not on a copy of its own.
func TestSIPCSeqAcrossNodes(t *testing.T) {
	dsn := storetest.DSN(t, "postgres")
	n1, n2 := startServer(t, dsn), startServer(t, dsn)
	admin, id201, _ := sipTenant(n1, "acme.example")
	contact := "Contact: <sip:201@192.0.2.1:5060>"
	ua1 := dialUA(t, n1.app.SIPAddr(), "udp", "201", "acme.example", "Sip-secret-201")
	ua1.cseq = 10
	if res := ua1.register(contact, "Expires: 600"); res.StatusCode != 200 { // CSeq 11, then 12
		t.Fatalf("register through node 1: %v", res)
	}
	ua2 := dialUA(t, n2.app.SIPAddr(), "udp", "201", "acme.example", "Sip-secret-201")
	ua2.callID, ua2.cseq = ua1.callID, 10
	if res := ua2.register(contact, "Expires: 300"); res.StatusCode != 400 || res.Reason != "CSeq Out Of Order" { // 11, then 12
		t.Fatalf("a replayed CSeq through node 2: %v", res)
	}
	res := ua2.register(contact, "Expires: 300") // 13, then 14
	if res.StatusCode != 200 || contactExpiries(t, res)["sip:201@192.0.2.1:5060"] != 300 {
		t.Fatalf("a higher CSeq through node 2: %v", res)
	}
	if _, regs := registrations(t, n1, admin, id201); len(regs) != 1 {
		t.Fatalf("bindings seen by node 1: %v", regs)
	}
}

// TestSippCallAcrossNodes: a phone registered through node 1 is called by
// sipp through node 2 (both on one PostgreSQL database), at once.
func TestSippCallAcrossNodes(t *testing.T) {
	needTool(t, "sipp")
	dsn := storetest.DSN(t, "postgres")
	n1, n2 := startServer(t, dsn), startServer(t, dsn)
	legacyTenant(n1, "acme.example")
	uasPort, wait := sippUAS(t, 1)
	bob := n1.newUA("udp", "202", "acme.example", "Sip-secret-202")
	if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", uasPort), "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("register the callee through node 1: %v", res)
	}
	if err := sippUAC(t, n2.app.SIPAddr(), []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}); err != nil {
		t.Fatalf("caller through node 2: %v", err)
	}
	if err := wait(); err != nil {
		t.Fatalf("callee: %v", err)
	}
}

// TestSIPPasswordChangeAcrossNodes: node 2 keeps the users it
// authenticated in memory; after the extension password is changed
// through node 1, node 2 refuses the old password and takes the new one
// at once (the batch checks the user's row, whatever node 2 cached).
func TestSIPPasswordChangeAcrossNodes(t *testing.T) {
	dsn := storetest.DSN(t, "postgres")
	n1, n2 := startServer(t, dsn), startServer(t, dsn)
	admin, id201, _ := sipTenant(n1, "acme.example")
	contact := "Contact: <sip:201@192.0.2.1:5060>"
	if res := n2.newUA("udp", "201", "acme.example", "Sip-secret-201").register(contact, "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("first registration through node 2: %v", res)
	}
	n1.must(204, "POST", "/api/users/"+id201+"/extension_password", admin, map[string]any{"password": "Sip-secret-new-201"})
	if res := n2.newUA("udp", "201", "acme.example", "Sip-secret-201").register(contact, "Expires: 600"); res.StatusCode != 401 {
		t.Fatalf("the old password through node 2: %v", res)
	}
	if res := n2.newUA("udp", "201", "acme.example", "Sip-secret-new-201").register(contact, "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("the new password through node 2: %v", res)
	}
}
