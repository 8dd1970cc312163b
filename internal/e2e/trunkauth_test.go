package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

const trunkSecret = "Trunk-secret-2468"

// TestTrunkAuthSettings: the SystemAdmin makes a tenant's trunk require
// digest credentials and TCP; the password is write-only (never in a
// response or the audit log), bad settings are refused naming the field,
// and a tenant's Admin cannot change them. On the old code the setting
// did not exist.
func TestTrunkAuthSettings(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, _ := sipTenant(s, "acme.example")
		path, sys := "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken()
		for _, c := range []struct {
			auth  map[string]any
			field string
		}{
			{map[string]any{"require_digest": true}, "sip_trunk_auth.username"},
			{map[string]any{"require_digest": true, "username": "carrier"}, "sip_trunk_auth.password"},
			{map[string]any{"require_digest": true, "username": "carrier", "password": "short"}, "sip_trunk_auth.password"},
			{map[string]any{"username": "car rier"}, "sip_trunk_auth.username"},
			{map[string]any{"transport": "SCTP"}, "sip_trunk_auth.transport"},
		} {
			wantInvalid(t, s.do("POST", path, sys, map[string]any{"sip_trunk_auth": c.auth}).Err(), c.field)
		}
		s.must(204, "POST", path, sys, map[string]any{"sip_trunk_auth": map[string]any{"require_digest": true, "username": "carrier",
			"password": trunkSecret, "transport": "TCP"}})
		body := string(s.must(200, "GET", path, sys, nil).Body)
		got := s.must(200, "GET", path, sys, nil).JSON(t)["sip_trunk_auth"].(map[string]any)
		if strings.Contains(body, trunkSecret) || got["password"] != nil || got["require_digest"] != true || got["username"] != "carrier" ||
			got["transport"] != "TCP" {
			t.Fatalf("trunk auth: %s", body)
		}
		log := string(s.must(200, "GET", "/api/audit_logs?filter="+urlq("object_type eq 'tenant'"), sys, nil).Body)
		if strings.Contains(log, trunkSecret) || !strings.Contains(log, "sip_trunk_auth") {
			t.Fatalf("audit log: %s", log)
		}
		// A new username needs the password again (the hashes hold it).
		wantInvalid(t, s.do("POST", path, sys, map[string]any{"sip_trunk_auth": map[string]any{"username": "other"}}).Err(), "sip_trunk_auth.password")
		s.must(204, "POST", path, sys, map[string]any{"sip_trunk_auth": map[string]any{"transport": "ANY"}}) // the password stays
		if r := s.do("POST", "/api/tenant", admin, map[string]any{"sip_trunk_auth": map[string]any{"require_digest": false}}); r.Err() == nil {
			t.Fatal("a tenant's Admin changed the trunk's authentication")
		}
	})
}

// trunkSocket is a UDP socket at the trunk's address, to the server.
func trunkSocket(t *testing.T, s *server, trunkPort int) *net.UDPConn {
	t.Helper()
	laddr, _ := net.ResolveUDPAddr("udp", fmt.Sprintf("127.0.0.1:%d", trunkPort))
	raddr, _ := net.ResolveUDPAddr("udp", s.app.SIPAddr())
	tc, err := net.DialUDP("udp", laddr, raddr)
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// forgedTrunkInvite sends an INVITE for extension 201 over UDP from the
// trunk's address (tc, closed after), without credentials, and returns
// its final status.
func forgedTrunkInvite(t *testing.T, tc *net.UDPConn) int {
	t.Helper()
	defer tc.Close()
	ua := &sipUA{t: t, conn: tc, network: "udp"}
	callID := randHex(6)
	invite := fmt.Sprintf("INVITE sip:201@acme.example SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%s\r\nMax-Forwards: 70\r\n"+
		"From: <sip:+33612345678@trunk.example>;tag=t1\r\nTo: <sip:201@acme.example>\r\nCall-ID: %s@forged\r\nCSeq: 1 INVITE\r\n"+
		"Contact: <sip:forger@%s>\r\nContent-Length: 0\r\n\r\n", tc.LocalAddr(), randHex(6), callID, tc.LocalAddr())
	if _, err := tc.Write([]byte(invite)); err != nil {
		t.Fatal(err)
	}
	for {
		res := ua.read(3 * time.Second)
		if res == nil {
			t.Fatal("the forged INVITE got no answer")
		}
		// (Retransmitted answers to the trunk's earlier calls may come too.)
		if res.StatusCode >= 200 && res.CallID() != nil && res.CallID().Value() == callID+"@forged" {
			return res.StatusCode
		}
	}
}

// sippTrunkCall is the trunk placing a call with sipp (uac_auth.xml,
// answering the 407) from its own port over transport (u1 or t1).
func sippTrunkCall(t *testing.T, addr string, port int, transport, line string) error {
	t.Helper()
	bin := needTool(t, "sipp")
	sf, _ := filepath.Abs("testdata/sipp/uac_auth.xml")
	dir := t.TempDir()
	inf := filepath.Join(dir, "calls.csv")
	if err := os.WriteFile(inf, []byte("SEQUENTIAL\n"+line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, addr, "-sf", sf, "-inf", inf, "-m", "1", "-i", "127.0.0.1", "-p", strconv.Itoa(port),
		"-t", transport, "-nostdin", "-timeout", "30s", "-timeout_error", "-recv_timeout", "10000", "-trace_err",
		"-error_file", filepath.Join(dir, "errors.log")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, tail(string(out), 1500))
	}
	return nil
}

// TestSippTrunkCannotBeForged: a trunk that requires digest credentials
// gets a 407 for a forged UDP INVITE from its address (nothing reaches
// the callee), while the real trunk — sipp from the same address with
// the credentials — gets its call through to 201's phone. Once the trunk
// also requires TCP, a forged UDP INVITE from its address is refused
// (403) and the trunk calls over TCP. On the old code the forged INVITEs
// were inbound calls.
func TestSippTrunkCannotBeForged(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	legacyTenant(s, "acme.example")
	path, sys := "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken()
	trunkPort := freePort(t)
	s.must(204, "POST", path, sys, map[string]any{"country_code": "33", "sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort),
		"sip_trunk_auth": map[string]any{"require_digest": true, "username": "carrier", "password": trunkSecret}})
	uasPort, phoneDone := sippUAS(t, 2)
	phone := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
	if res := phone.register(fmt.Sprintf("Contact: <sip:201@127.0.0.1:%d>", uasPort), "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("register 201: %v", res)
	}
	if code := forgedTrunkInvite(t, trunkSocket(t, s, trunkPort)); code != 407 {
		t.Fatalf("forged INVITE from the trunk's address (digest required): %d, want 407", code)
	}
	line := "+33612345678;acme.example;[authentication username=carrier password=" + trunkSecret + "];201"
	if err := sippTrunkCall(t, s.app.SIPAddr(), trunkPort, "u1", line); err != nil {
		t.Fatalf("the trunk's call with credentials: %v", err)
	}
	wrong := "+33612345678;acme.example;[authentication username=carrier password=wrong-password-1];201"
	if err := sippTrunkCall(t, s.app.SIPAddr(), trunkPort, "u1", wrong); err == nil {
		t.Fatal("the trunk's call with a wrong password went through")
	}
	forger := trunkSocket(t, s, trunkPort) // held: nobody else takes the port meanwhile
	s.must(204, "POST", path, sys, map[string]any{"sip_trunk_auth": map[string]any{"transport": "TCP"}})
	time.Sleep(5100 * time.Millisecond) // the proxy's trunk cache
	if code := forgedTrunkInvite(t, forger); code != 403 {
		t.Fatalf("forged UDP INVITE from the trunk's address (TCP required): %d, want 403", code)
	}
	if err := sippTrunkCall(t, s.app.SIPAddr(), trunkPort, "t1", line); err != nil {
		t.Fatalf("the trunk's call over TCP: %v", err)
	}
	if err := phoneDone(); err != nil {
		t.Fatalf("201's phone: %v", err)
	}
	recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 2)
	if len(recs) != 2 || recs[0]["direction"] != "INBOUND_CALL" || recs[1]["direction"] != "INBOUND_CALL" {
		t.Fatalf("201's records: %v", recs)
	}
}
