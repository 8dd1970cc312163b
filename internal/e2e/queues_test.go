package e2e

import (
	"testing"
)

// TestCallQueuesAndRingGroups: admins manage queues and ring groups with
// members; extensions never collide with users'; members see theirs and
// set their agent status through the seven values, each change recorded
// with its time; isolation between tenants and users.
func TestCallQueuesAndRingGroups(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		s.must(403, "POST", "/api/call_queues", p.alice, map[string]any{"name": "Support", "extension_number": "600"})
		wantInvalid(t, s.do("POST", "/api/call_queues", p.admin, map[string]any{"name": "", "extension_number": "600"}), "name")
		wantInvalid(t, s.do("POST", "/api/call_queues", p.admin, map[string]any{"name": "Support", "extension_number": "6x"}), "extension_number")
		wantInvalid(t, s.do("POST", "/api/call_queues", p.admin, map[string]any{"name": "Support", "extension_number": "600", "ring_timeout": 1}), "ring_timeout")
		if r := s.do("POST", "/api/call_queues", p.admin, map[string]any{"name": "Support", "extension_number": "201"}); r.Status != 409 {
			t.Fatalf("a user's extension: %d %s", r.Status, r.Body)
		}
		q := s.must(201, "POST", "/api/call_queues", p.admin, map[string]any{"name": "Support", "extension_number": "600", "strategy": "HUNT"}).JSON(t)["id"].(string)
		rg := s.must(201, "POST", "/api/ring_groups", p.admin, map[string]any{"name": "Sales", "extension_number": "700"}).JSON(t)["id"].(string)
		if r := s.do("POST", "/api/ring_groups", p.admin, map[string]any{"name": "Other", "extension_number": "600"}); r.Status != 409 {
			t.Fatalf("a queue's extension for a ring group: %d", r.Status)
		}
		if r := s.do("POST", "/api/users", p.admin, map[string]any{"name": "carl", "email": "carl@acme.example", "extension_number": "700", "password": "Carl-password-1"}); r.Status != 409 {
			t.Fatalf("a user on a ring group's extension: %d %s", r.Status, r.Body)
		}
		s.must(204, "POST", "/api/call_queues/"+q, p.admin, map[string]any{"ring_timeout": 30})
		s.must(404, "GET", "/api/call_queues/"+q, globex, nil)
		s.must(404, "GET", "/api/ring_groups/"+q, p.admin, nil) // a queue is not a ring group

		s.must(204, "POST", "/api/call_queues/"+q+"/members/"+p.aliceID, p.admin, map[string]any{"skill_level": 7})
		s.must(204, "POST", "/api/call_queues/"+q+"/members/"+p.bobID, p.admin, nil)
		s.must(204, "POST", "/api/ring_groups/"+rg+"/members/"+p.aliceID, p.admin, nil)
		wantInvalid(t, s.do("POST", "/api/call_queues/"+q+"/members/"+p.bobID, p.admin, map[string]any{"skill_level": 11}), "skill_level")
		g := s.must(200, "GET", "/api/call_queues/"+q, p.admin, nil).JSON(t)
		if g["ring_timeout"] != float64(30) || g["strategy"] != "HUNT" || len(g["members"].([]any)) != 2 {
			t.Fatalf("queue: %v", g)
		}

		mine := items(t, s.must(200, "GET", "/api/user/call_queues", p.alice, nil))
		if len(mine) != 1 || mine[0]["name"] != "Support" || mine[0]["extension_number"] != "600" {
			t.Fatalf("alice's queues: %v", mine)
		}
		if l := items(t, s.must(200, "GET", "/api/user/ring_groups", p.alice, nil)); len(l) != 1 || l[0]["name"] != "Sales" {
			t.Fatalf("alice's ring groups: %v", l)
		}
		if l := items(t, s.must(200, "GET", "/api/users/"+p.bobID+"/call_queues", p.admin, nil)); len(l) != 1 {
			t.Fatalf("bob's queues: %v", l)
		}
		a := s.must(200, "GET", "/api/user/call_queues/"+q+"/agent", p.alice, nil).JSON(t)
		if a["status"] != "LOGGED_OUT" || a["skill_level"] != float64(7) || a["extension_number"] != "201" {
			t.Fatalf("agent: %v", a)
		}
		// Logged out: log in first.
		if r := s.do("POST", "/api/user/call_queues/"+q+"/agent", p.alice, map[string]any{"status": "BREAK"}); r.Status != 409 {
			t.Fatalf("break while logged out: %d", r.Status)
		}
		wantInvalid(t, s.do("POST", "/api/user/call_queues/"+q+"/agent", p.alice, map[string]any{"status": "NAPPING"}), "status")
		for _, st := range []string{"LOGGED_IN", "READY", "WRAP_UP", "READY", "LUNCH", "NOT_READY", "BREAK", "LOGGED_OUT"} {
			s.must(204, "POST", "/api/user/call_queues/"+q+"/agent", p.alice, map[string]any{"status": st})
		}
		s.must(204, "POST", "/api/user/call_queues/"+q+"/agent", p.alice, map[string]any{"status": "LOGGED_OUT"}) // no change, no event
		s.must(204, "POST", "/api/users/"+p.bobID+"/call_queues/"+q+"/agent", p.admin, map[string]any{"status": "READY"})
		if a := s.must(200, "GET", "/api/users/"+p.bobID+"/call_queues/"+q+"/agent", p.admin, nil).JSON(t); a["status"] != "READY" {
			t.Fatalf("bob's agent: %v", a)
		}
		ev := items(t, s.must(200, "GET", "/api/call_queues/"+q+"/agent_events", p.admin, nil))
		if len(ev) != 9 || ev[0]["status"] != "LOGGED_IN" || ev[0]["previous"] != "LOGGED_OUT" || ev[0]["by"] != "alice" ||
			ev[8]["by"] != "boss" || ev[0]["at"] == nil {
			t.Fatalf("events: %v", ev)
		}
		// Not a member, not your business.
		s.must(404, "GET", "/api/user/call_queues/"+q+"/agent", s.signIn("boss", "boss-Password-1", "acme.example"), nil)
		s.must(403, "POST", "/api/users/"+p.aliceID+"/call_queues/"+q+"/agent", p.bob, map[string]any{"status": "READY"})
		s.must(403, "GET", "/api/call_queues/"+q+"/agent_events", p.alice, nil)
		// Removing a member, then the queue.
		s.must(204, "POST", "/api/call_queues/"+q+"/members/"+p.bobID+"/destroy", p.admin, nil)
		s.must(404, "GET", "/api/users/"+p.bobID+"/call_queues/"+q+"/agent", p.admin, nil)
		s.must(204, "POST", "/api/call_queues/"+q+"/destroy", p.admin, nil)
		if l := items(t, s.must(200, "GET", "/api/user/call_queues", p.alice, nil)); len(l) != 0 {
			t.Fatalf("queues after delete: %v", l)
		}
	})
}
