package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestCallPolicyLimitSettings: the tenant's Admin sets the fraud limits,
// allows high-risk numbers and adds high-risk prefixes through the tenant
// settings API (audited); bad values are refused naming the field. On the
// old code none of these settings existed.
func TestCallPolicyLimitSettings(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, _ := sipTenant(s, "acme.example")
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"max_outside_calls_per_user": -1}, "call_policy.max_outside_calls_per_user"},
			{map[string]any{"max_outside_calls": 100001}, "call_policy.max_outside_calls"},
			{map[string]any{"max_international_calls_per_hour": -5}, "call_policy.max_international_calls_per_hour"},
			{map[string]any{"high_risk_prefixes": []any{"+44", "4470"}}, "call_policy.high_risk_prefixes[1]"},
			{map[string]any{"high_risk_prefixes": []any{"+1234567890123456"}}, "call_policy.high_risk_prefixes[0]"},
			{map[string]any{"allow_high_risk": "yes"}, "call_policy.allow_high_risk"},
		} {
			wantInvalid(t, s.do("POST", "/api/tenant", admin, map[string]any{"call_policy": c.body}).Err(), c.field)
		}
		s.must(204, "POST", "/api/tenant", admin, map[string]any{"call_policy": map[string]any{"max_outside_calls_per_user": 2,
			"max_outside_calls": 7, "max_international_calls_per_hour": 4, "allow_high_risk": true, "high_risk_prefixes": []any{"+4470"}}})
		// An object given changes only its members given.
		s.must(204, "POST", "/api/tenant", admin, map[string]any{"call_policy": map[string]any{"emergency_numbers": []any{"911"}}})
		got := s.must(200, "GET", "/api/tenant", admin, nil).JSON(t)["call_policy"].(map[string]any)
		if got["max_outside_calls_per_user"] != float64(2) || got["max_outside_calls"] != float64(7) ||
			got["max_international_calls_per_hour"] != float64(4) || got["allow_high_risk"] != true ||
			fmt.Sprint(got["high_risk_prefixes"]) != "[+4470]" || fmt.Sprint(got["emergency_numbers"]) != "[911]" {
			t.Fatalf("call policy: %v", got)
		}
		log := string(s.must(200, "GET", "/api/audit_logs?filter="+urlq("object_type eq 'tenant'"), admin, nil).Body)
		if !strings.Contains(log, "max_outside_calls_per_user") || !strings.Contains(log, "+4470") {
			t.Fatalf("audit log: %s", log)
		}
		// The Go client replaces the whole policy.
		ctx := context.Background()
		s.ok(s.as(admin).UpdateOwnTenant(ctx, client.OwnTenantUpdate{CallPolicy: &client.CallPolicy{MaxOutsideCalls: 9}}))
		tn, err := s.as(admin).GetOwnTenant(ctx)
		if err != nil || tn.CallPolicy.MaxOutsideCalls != 9 || tn.CallPolicy.AllowHighRisk || len(tn.CallPolicy.EmergencyNumbers) != 0 ||
			len(tn.CallPolicy.HighRiskPrefixes) != 0 {
			t.Fatalf("call policy through the client: %+v %v", tn, err)
		}
	})
}

// sippTrunkRecorder is a trunk: a sipp UAS answering n calls, whose
// INVITEs' Request-URIs are returned by invites once it is done.
func sippTrunkRecorder(t *testing.T, n int) (port int, wait func() error, invites func() []string) {
	t.Helper()
	msgs := filepath.Join(t.TempDir(), "trunk.msg")
	port, wait = startUAS(t, n, "-sn", "uas", "-trace_msg", "-message_file", msgs)
	return port, wait, func() []string {
		raw, _ := os.ReadFile(msgs)
		return regexp.MustCompile(`(?m)^INVITE (sip:[^ ]+)`).FindAllString(string(raw), -1)
	}
}

// sippUACHolding places a call like sippUAC that stays up for hold
// before its BYE, in the background; wait reports its end.
func sippUACHolding(t *testing.T, addr, line string, hold time.Duration) (wait func() error) {
	t.Helper()
	raw, err := os.ReadFile("testdata/sipp/uac_auth.xml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(raw), `<pause milliseconds="300"/>`, `<pause milliseconds="`+strconv.Itoa(int(hold.Milliseconds()))+`"/>`, 1)
	sf := filepath.Join(t.TempDir(), "holding.xml")
	if err := os.WriteFile(sf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sippRun(t, addr, sf, []string{line}) }()
	return func() error { return <-done }
}

// TestSippFraudLimits: with a trunk recording what reaches it, the
// tenant's fraud limits refuse with 403 and the reason: a second outside
// call of a user while the first is up, another user's call beyond the
// tenant's concurrent calls, a forward leg beyond it (skipped: 480), a
// second international call in the hour, and a tenant's own high-risk
// prefix until the tenant allows high-risk numbers. Each is in /metrics,
// the audit log and the call record, and only the admitted calls reach
// the trunk. On the old code every call went out.
func TestSippFraudLimits(t *testing.T) {
	needTool(t, "sipp")
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, id202 := legacyTenant(s, "acme.example")
		trunkPort, trunkDone, invites := sippTrunkRecorder(t, 3)
		s.must(204, "POST", "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken(), map[string]any{"country_code": "1",
			"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort)})
		s.must(204, "POST", "/api/tenant", admin, map[string]any{"call_policy": map[string]any{"max_outside_calls_per_user": 1,
			"max_outside_calls": 1, "max_international_calls_per_hour": 1, "high_risk_prefixes": []any{"+1415555"}}})
		s.ok(s.as(admin).SetUserRole(context.Background(), id201, "StandardInternationalUser"))
		fwd := map[string]any{"action": "FORWARD_TO_NUMBER", "number": "2125550100"}
		s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"offline_office_hours_forward_rule": fwd,
			"offline_non_office_hours_forward_rule": fwd})
		alice, bob := sippLine("201", "acme.example", "Sip-secret-201", ""), sippLine("202", "acme.example", "Sip-secret-202", "")
		addr := s.app.SIPAddr()

		held := sippUACHolding(t, addr, alice+"2125550199", 4*time.Second)
		time.Sleep(1500 * time.Millisecond) // the call is up
		if err := sippUACRefused(t, addr, []string{alice + "2125550198"}, 403); err != nil {
			t.Fatalf("alice's second call at once: %v", err)
		}
		if err := sippUACRefused(t, addr, []string{bob + "2125550197"}, 403); err != nil {
			t.Fatalf("bob's call beyond the tenant's limit: %v", err)
		}
		if err := sippUACRefused(t, addr, []string{alice + "202"}, 480); err != nil {
			t.Fatalf("bob's forward beyond the tenant's limit: %v", err)
		}
		if err := held(); err != nil {
			t.Fatalf("alice's first call: %v", err)
		}
		// Its record is written once it no longer counts (sipp may be done
		// before the proxy).
		aliceTok := s.signIn("alice", "Alice-password-1", "acme.example")
		if recs := records(t, s, aliceTok, 3); len(recs) != 3 {
			t.Fatalf("alice's records after her first call: %v", recs)
		}
		if err := sippUAC(t, addr, []string{alice + "+442071234567"}); err != nil {
			t.Fatalf("alice's first international call: %v", err)
		}
		if err := sippUACRefused(t, addr, []string{alice + "+442071234568"}, 403); err != nil {
			t.Fatalf("alice's second international call in the hour: %v", err)
		}
		if err := sippUACRefused(t, addr, []string{alice + "4155552671"}, 403); err != nil {
			t.Fatalf("the tenant's high-risk prefix: %v", err)
		}
		s.must(204, "POST", "/api/tenant", admin, map[string]any{"call_policy": map[string]any{"allow_high_risk": true}})
		if err := sippUAC(t, addr, []string{alice + "4155552671"}); err != nil {
			t.Fatalf("high-risk allowed: %v", err)
		}
		if err := trunkDone(); err != nil {
			t.Fatalf("trunk: %v", err)
		}
		if got := strings.Join(invites(), " "); !regexp.MustCompile(`^INVITE sip:\+12125550199@\S+ INVITE sip:\+442071234567@\S+ INVITE sip:\+14155552671@\S+$`).MatchString(got) {
			t.Fatalf("the trunk got: %s", got)
		}
		recs := records(t, s, aliceTok, 7)
		var notes []string
		for _, r := range recs {
			notes = append(notes, fmt.Sprint(r["status_code"], " ", r["user_data"]))
		}
		want := []string{"200 ", "403 Forbidden: high-risk prefix +1415555", "403 Forbidden: too many international calls in the last hour",
			"200 ", "480 refused offline_", "403 Forbidden: too many outside calls at once for this user", "200 "}
		for i, w := range want {
			if i >= len(notes) || !strings.HasPrefix(notes[i], w) {
				t.Fatalf("alice's records (newest first):\n%s\nwant prefixes:\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
			}
		}
		if !strings.Contains(notes[4], "too many outside calls at once for this tenant") {
			t.Fatalf("the forwarded call's record: %s", notes[4])
		}
		bobs := records(t, s, s.signIn("bob", "Bob-password-1", "acme.example"), 1)
		if len(bobs) == 0 || bobs[len(bobs)-1]["status_code"] != float64(403) ||
			!strings.Contains(fmt.Sprint(bobs[len(bobs)-1]["user_data"]), "for this tenant") {
			t.Fatalf("bob's records: %v", bobs)
		}
		m := string(s.must(200, "GET", "/metrics", "", nil).Body)
		for _, l := range []string{"max_outside_calls_per_user", "max_outside_calls", "max_international_calls_per_hour"} {
			if !strings.Contains(m, `switchboard_sip_fraud_limits_tripped_total{limit="`+l+`"}`) {
				t.Fatalf("metrics lack %s: %s", l, m)
			}
		}
		log := s.must(200, "GET", "/api/audit_logs?filter="+urlq("action eq 'refuse_call'"), admin, nil).JSON(t)
		if log["count"] != float64(4) {
			t.Fatalf("audit log of refused calls: %v", log)
		}
	})
}

// TestSippFraudLimitsAcrossNodes: two nodes on one PostgreSQL database
// share the limits: a user's call up through one node counts when the
// same user calls out through the other (403), and once it ends the
// next call passes. On the old code the second call went out.
func TestSippFraudLimitsAcrossNodes(t *testing.T) {
	needTool(t, "sipp")
	dsn := storetest.DSN(t, "postgres")
	n1, n2 := startServer(t, dsn), startServer(t, dsn)
	admin, _, _ := legacyTenant(n1, "acme.example")
	trunkPort, trunkDone, invites := sippTrunkRecorder(t, 2)
	n1.must(204, "POST", "/api/tenants/"+tenantID(t, n1, "acme.example"), n1.adminToken(), map[string]any{"country_code": "1",
		"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort)})
	n1.must(204, "POST", "/api/tenant", admin, map[string]any{"call_policy": map[string]any{"max_outside_calls_per_user": 1}})
	alice := sippLine("201", "acme.example", "Sip-secret-201", "")
	held := sippUACHolding(t, n1.app.SIPAddr(), alice+"2125550199", 3*time.Second)
	time.Sleep(1500 * time.Millisecond)
	if err := sippUACRefused(t, n2.app.SIPAddr(), []string{alice + "2125550198"}, 403); err != nil {
		t.Fatalf("the second call through the other node: %v", err)
	}
	if err := held(); err != nil {
		t.Fatalf("the first call: %v", err)
	}
	if recs := records(t, n2, n2.signIn("alice", "Alice-password-1", "acme.example"), 2); len(recs) != 2 {
		t.Fatalf("alice's records after the first call: %v", recs)
	}
	if err := sippUAC(t, n2.app.SIPAddr(), []string{alice + "2125550197"}); err != nil {
		t.Fatalf("a call after the first ended: %v", err)
	}
	if err := trunkDone(); err != nil {
		t.Fatalf("trunk: %v", err)
	}
	if got := strings.Join(invites(), " "); !strings.Contains(got, "+12125550199@") || !strings.Contains(got, "+12125550197@") ||
		strings.Contains(got, "+12125550198@") {
		t.Fatalf("the trunk got: %s", got)
	}
}
