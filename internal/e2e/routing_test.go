package e2e

import (
	"net/url"
	"strings"
	"testing"
)

// plan renders an explanation as "ext: ACTION[targets]@setting; ..." per hop.
func plan(t *testing.T, r *response) string {
	t.Helper()
	var out []string
	for _, h := range r.JSON(t)["hops"].([]any) {
		hop := h.(map[string]any)
		var steps []string
		for _, s := range hop["plan"].(map[string]any)["steps"].([]any) {
			st := s.(map[string]any)
			x := st["action"].(string)
			if tg, ok := st["targets"].([]any); ok {
				var ts []string
				for _, v := range tg {
					// A phone registering a Contact of another address is
					// behind NAT: its target names the flow (sb-flow=...),
					// whose port changes per run.
					target, _, _ := strings.Cut(v.(string), ";sb-flow=")
					ts = append(ts, target)
				}
				x += "[" + strings.Join(ts, " ") + "]"
			}
			steps = append(steps, x+"@"+st["setting"].(string))
		}
		out = append(out, hop["extension"].(string)+": "+strings.Join(steps, ", "))
	}
	return strings.Join(out, "; ")
}

func routingURL(user, caller, at string) string {
	q := url.Values{}
	if caller != "" {
		q.Set("caller", caller)
	}
	if at != "" {
		q.Set("at", at)
	}
	return "/api/users/" + user + "/routing?" + q.Encode()
}

func TestRoutingExplain(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, id202 := sipTenant(s, "acme.example")
		_, globex := s.tenant("globex.example")
		tenants := s.must(200, "GET", "/api/tenants?filter="+urlq("domain eq 'acme.example'"), s.adminToken(), nil).JSON(t)["items"].([]any)
		s.must(204, "POST", "/api/tenants/"+tenants[0].(map[string]any)["id"].(string), s.adminToken(), map[string]any{"time_zone": "Europe/Paris", "country_code": "33"})
		const office, evening = "2026-11-24T10:00:00+01:00", "2026-11-24T20:00:00+01:00"

		// Alice's phone registers: office hours ring it, then voicemail.
		ua := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		if res := ua.register("Contact: <sip:201@192.0.2.1:5060>", "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register: %v", res)
		}
		r := s.must(200, "GET", routingURL(id201, "+14155550100", office), admin, nil)
		if got := plan(t, r); got != "201: RING[sip:201@192.0.2.1:5060]@available_office_hours_forward_rule, VOICEMAIL@available_no_answer_forward_rule" {
			t.Fatalf("office hours: %s", got)
		}
		facts := r.JSON(t)["hops"].([]any)[0].(map[string]any)["plan"].(map[string]any)["facts"].(map[string]any)
		if facts["office_hours"] != true || facts["registered"] != true || !strings.Contains(facts["local_time"].(string), "10:00") {
			t.Fatalf("facts: %v", facts)
		}
		// The evening rule forwards to Bob, who has no phone: his offline rule.
		s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"available_non_office_hours_forward_rule": map[string]any{"action": "FORWARD_TO_NUMBER", "number": "202"}})
		if got := plan(t, s.must(200, "GET", routingURL(id201, "+14155550100", evening), admin, nil)); got != "201: FORWARD[202]@available_non_office_hours_forward_rule; 202: VOICEMAIL@offline_non_office_hours_forward_rule" {
			t.Fatalf("evening: %s", got)
		}
		// A loop between users is refused, not followed.
		s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"offline_non_office_hours_forward_rule": map[string]any{"action": "FORWARD_TO_NUMBER", "number": "201"}})
		if got := plan(t, s.must(200, "GET", routingURL(id201, "", evening), admin, nil)); got != "201: FORWARD[202]@available_non_office_hours_forward_rule; 202: REFUSE@offline_non_office_hours_forward_rule" {
			t.Fatalf("loop: %s", got)
		}
		// An observed tenant holiday makes office hours non-office hours.
		hol := s.must(201, "POST", "/api/holidays", admin, holiday("Strike", "year_start", 2026, "year_end", 2026, "month_start", 11, "month_end", 11,
			"day_start", 24, "day_end", 24)).JSON(t)["id"].(string)
		alice := s.signIn("alice", "Alice-password-1", "acme.example")
		s.must(200, "POST", "/api/user/global_holidays", alice, map[string]any{"items": []any{hol}})
		if got := plan(t, s.must(200, "GET", "/api/user/routing?"+url.Values{"at": {office}}.Encode(), alice, nil)); !strings.HasPrefix(got, "201: FORWARD[202]@available_non_office_hours_forward_rule") {
			t.Fatalf("holiday: %s", got)
		}
		// DND wins over presence; a custom rule for one caller wins over DND.
		s.must(200, "POST", "/api/user/global_holidays", alice, map[string]any{"items": []any{}})
		s.must(204, "POST", "/api/user", alice, map[string]any{"enable_dnd": true,
			"custom_forward_rules": []any{map[string]any{"action": "FORWARD_TO_NUMBER", "number": "+33600000000", "caller_id": "+14155550100", "type": "ALL_HOURS"}}})
		if got := plan(t, s.must(200, "GET", routingURL(id201, "+14155550199", office), admin, nil)); got != "201: VOICEMAIL@dnd_office_hours_forward_rule" {
			t.Fatalf("dnd: %s", got)
		}
		if got := plan(t, s.must(200, "GET", routingURL(id201, "+14155550100", office), admin, nil)); got != "201: FORWARD[+33600000000]@custom_forward_rules[0]" {
			t.Fatalf("custom rule: %s", got)
		}
		// Follow Me, set through the API, shapes the ringing.
		s.must(204, "POST", "/api/user", alice, map[string]any{"enable_dnd": false, "custom_forward_rules": []any{},
			"follow_me": map[string]any{"enabled": true, "initial_ring_time": 10, "numbers": []any{"+33611111111", "+33622222222"}, "strategy": "HUNT", "ring_time": 15}})
		if got := plan(t, s.must(200, "GET", routingURL(id201, "", office), admin, nil)); got != "201: RING[sip:201@192.0.2.1:5060]@follow_me.initial_ring_time, RING[+33611111111 +33622222222]@follow_me, VOICEMAIL@available_no_answer_forward_rule" {
			t.Fatalf("follow me: %s", got)
		}

		// Validation.
		wantInvalid(t, s.do("GET", routingURL(id201, "", "yesterday"), admin, nil).Err(), "at")
		wantInvalid(t, s.do("GET", routingURL(id201, "not a number", ""), admin, nil).Err(), "caller")
		wantInvalid(t, s.do("POST", "/api/user", alice, map[string]any{"follow_me": map[string]any{"enabled": true, "numbers": []any{}}}).Err(), "follow_me.numbers")
		if r := s.do("POST", "/api/user", alice, map[string]any{"follow_me": map[string]any{"strategy": "RANDOM"}}); r.Status/100 != 4 {
			t.Fatalf("bad strategy: %d", r.Status)
		}
		wantInvalid(t, s.do("POST", "/api/user", alice, map[string]any{"network_unavailable_number": "call me"}).Err(), "network_unavailable_number")
		// Users cannot lift their own call restrictions; admins set them.
		if r := s.do("POST", "/api/user", alice, map[string]any{"call_restrictions": map[string]any{"international": "INHERIT"}}); r.Status/100 != 4 {
			t.Fatalf("self call_restrictions: %d", r.Status)
		}
		s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"call_restrictions": map[string]any{"international": "DENY"}})
		u := s.must(200, "GET", "/api/users/"+id201, admin, nil).JSON(t)
		if u["call_restrictions"].(map[string]any)["international"] != "DENY" || u["enable_call_waiting"] != true || u["keep_original_caller_id"] != true {
			t.Fatalf("call handling: %v %v %v", u["call_restrictions"], u["enable_call_waiting"], u["keep_original_caller_id"])
		}

		// The tenant's own office hours apply to users in GLOBAL mode (Bob).
		tid := tenants[0].(map[string]any)["id"].(string)
		wantInvalid(t, s.do("POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "+33"}).Err(), "country_code")
		wantInvalid(t, s.do("POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"office_hours": map[string]any{
			"tuesday": map[string]any{"enabled": true, "ranges": []any{map[string]any{"from": "22:00", "to": "18:00"}}}}}).Err(), "office_hours.tuesday.ranges[0].to")
		s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "33", "office_hours": map[string]any{
			"tuesday": map[string]any{"enabled": true, "ranges": []any{map[string]any{"from": "18:00", "to": "22:00"}}}}})
		s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"available_office_hours_forward_rule": map[string]any{"action": "FORWARD_TO_VOICEMAIL"}})
		bobUA := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
		if res := bobUA.register("Contact: <sip:202@192.0.2.2:5060>", "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register bob: %v", res)
		}
		if got := plan(t, s.must(200, "GET", routingURL(id202, "", evening), admin, nil)); got != "202: VOICEMAIL@available_office_hours_forward_rule" {
			t.Fatalf("tenant office hours in the evening: %s", got)
		}
		if got := plan(t, s.must(200, "GET", routingURL(id202, "", office), admin, nil)); !strings.HasPrefix(got, "202: RING[sip:202@192.0.2.2:5060]@available_non_office_hours_forward_rule") {
			t.Fatalf("tenant office hours in the morning: %s", got)
		}

		// Permissions and isolation.
		bob := s.signIn("bob", "Bob-password-1", "acme.example")
		s.must(403, "GET", routingURL(id201, "", ""), bob, nil)
		s.must(404, "GET", routingURL(id201, "", ""), globex, nil)
		s.must(200, "GET", "/api/user/routing", bob, nil)
	})
}
