package e2e

import (
	"net/url"
	"strings"
	"testing"
)

func cdr(ext, callID, dir, start string, kv ...any) map[string]any {
	return overlay(map[string]any{"extension": ext, "caller": "+14155550100", "callee": ext, "callee_domain": "acme.example",
		"started_at": start, "call_id": callID, "direction": dir, "end_reason": "CALLER_DISCONNECTED", "status_code": 200}, kv...)
}

func TestCDRs(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		s.createUser(p.admin, map[string]any{"name": "switch", "email": "switch@acme.example", "extension_number": "990",
			"password": "Switch-password-1", "role": "Replicator"})
		sw := s.signIn("switch", "Switch-password-1", "acme.example")

		answered := cdr("201", "call-1", "INBOUND_CALL", "2026-11-24T10:00:00Z", "rang_at", "2026-11-24T10:00:01Z",
			"answered_at", "2026-11-24T10:00:05Z", "ended_at", "2026-11-24T10:02:05Z", "cost", 0.01234, "trunk", "sip:trunk.example")
		missed := cdr("201", "call-2", "OUTBOUND_CALL", "2026-11-24T11:00:00Z", "caller", "201", "callee", "+33123456789",
			"end_reason", "NO_ANSWER", "status_code", 480, "ended_at", "2026-11-24T11:00:30Z")
		bobs := cdr("202", "call-3", "INTERNAL_CALL", "2026-11-24T12:00:00Z", "caller", "201")
		before := len(items(t, s.must(200, "GET", "/api/user/cdrs", p.alice, nil)))

		// Refused batches store nothing.
		for _, c := range []struct {
			body  []any
			field string
		}{
			{[]any{answered, cdr("299", "x", "INBOUND_CALL", "2026-11-24T10:00:00Z")}, "items[1].extension"},
			{[]any{cdr("201", "x", "INBOUND_CALL", "2026-11-24T10:00:00Z", "answered_at", "2026-11-24T10:00:05Z", "ended_at", "2026-11-24T10:00:01Z")}, "items[0].ended_at"},
			{[]any{cdr("201", "x", "INBOUND_CALL", "2026-11-24T10:00:00Z", "status_code", 42)}, "items[0].status_code"},
			{[]any{cdr("201", "x", "INBOUND_CALL", "2026-11-24T10:00:00Z", "caller", "")}, "items[0].caller"},
			{[]any{cdr("201", "x", "INBOUND_CALL", "2026-11-24T10:00:00Z", "duration", 60)}, "items[0].duration"},
		} {
			wantInvalid(t, s.do("POST", "/api/cdrs", sw, map[string]any{"items": c.body}), c.field)
		}
		if r := s.do("POST", "/api/cdrs", sw, map[string]any{"items": []any{cdr("201", "x", "SIDEWAYS", "2026-11-24T10:00:00Z")}}); r.Status/100 != 4 {
			t.Fatalf("bad direction: %d", r.Status)
		}
		if n := len(items(t, s.must(200, "GET", "/api/user/cdrs", p.alice, nil))); n != before {
			t.Fatalf("a refused batch stored records: %d", n)
		}
		// Only a switch (call log full access) ingests.
		s.must(403, "POST", "/api/cdrs", p.alice, map[string]any{"items": []any{answered}})

		ids := s.must(201, "POST", "/api/cdrs", sw, map[string]any{"items": []any{answered, missed, bobs}}).JSON(t)["ids"].([]any)
		if len(ids) != 3 {
			t.Fatalf("ids: %v", ids)
		}
		// The same call again is a conflict, and nothing of the batch is stored.
		r := s.must(409, "POST", "/api/cdrs", sw, map[string]any{"items": []any{cdr("202", "call-9", "INBOUND_CALL", "2026-11-24T13:00:00Z"), answered}})
		if _, f := r.ErrField(t); f != "items[1].call_id" {
			t.Fatalf("duplicate field %q", f)
		}

		l := s.must(200, "GET", "/api/user/cdrs", p.alice, nil).JSON(t)
		list := l["items"].([]any)
		if l["count"] != float64(2) || list[0].(map[string]any)["call_id"] != "call-2" {
			t.Fatalf("alice's records, newest first: %v", l)
		}
		first := list[1].(map[string]any)
		if first["duration"] != float64(120) || first["answered_at"] != "2026-11-24T10:00:05Z" || first["trunk"] != "sip:trunk.example" {
			t.Fatalf("answered record: %v", first)
		}
		if !strings.Contains(string(s.must(200, "GET", "/api/user/cdrs/"+ids[0].(string), p.alice, nil).Body), `"cost":0.01234`) {
			t.Fatal("cost is not exact")
		}
		if list[0].(map[string]any)["answered_at"] != nil {
			t.Fatalf("a missed call has an answer time: %v", list[0])
		}
		q := url.Values{"filter": {"direction eq 'OUTBOUND_CALL' and status_code ge 400"}}
		if l := s.must(200, "GET", "/api/user/cdrs?"+q.Encode(), p.alice, nil).JSON(t); l["count"] != float64(1) {
			t.Fatalf("filter: %v", l)
		}
		q = url.Values{"orderby": {"started_at asc"}, "top": {"1"}}
		if l := items(t, s.must(200, "GET", "/api/user/cdrs?"+q.Encode(), p.alice, nil)); len(l) != 1 || l[0]["call_id"] != "call-1" {
			t.Fatalf("orderby: %v", l)
		}
		wantInvalid(t, s.do("GET", "/api/user/cdrs?"+url.Values{"filter": {"password eq 'x'"}}.Encode(), p.alice, nil), "filter")

		// Each user sees only their own; other tenants nothing.
		s.must(404, "GET", "/api/user/cdrs/"+ids[2].(string), p.alice, nil)
		s.must(200, "GET", "/api/user/cdrs/"+ids[2].(string), p.bob, nil)
		s.must(404, "GET", "/api/user/cdrs/"+ids[0].(string), globex, nil)
		if n := len(items(t, s.must(200, "GET", "/api/user/cdrs", globex, nil))); n != 0 {
			t.Fatalf("another tenant sees %d records", n)
		}
	})
}
