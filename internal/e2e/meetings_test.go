package e2e

import (
	"fmt"
	"testing"
	"time"
)

// TestMeetings: rooms as a state machine with validation — video settings
// only in VIDEO mode, numeric PINs, a time window, a capacity — owned by
// their creator, seen by invitees, controlled by the owner; invitations
// recorded as INVITING until the media server reports the join.
func TestMeetings(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		s.createUser(p.admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203", "password": "Carol-password-1"})
		carol := s.signIn("carol", "Carol-password-1", "acme.example")
		sw := replicator(s, p.admin, "acme.example")
		soon, later := time.Now().Add(time.Hour).UTC().Format(time.RFC3339), time.Now().Add(2*time.Hour).UTC().Format(time.RFC3339)
		past1, past2 := time.Now().Add(-3*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(-2*time.Hour).UTC().Format(time.RFC3339)
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"mode": "AUDIO", "height": 720}, "height"},
			{map[string]any{"mode": "AUDIO", "layout": "LAYOUT4"}, "layout"},
			{map[string]any{"mode": "HOLOGRAM"}, "mode"},
			{map[string]any{"mode": "AUDIO", "room_pin": "12ab"}, "room_pin"},
			{map[string]any{"mode": "AUDIO", "room_pin": "1234", "admin_pin": "1234"}, "admin_pin"},
			{map[string]any{"mode": "AUDIO", "capacity": 1}, "capacity"},
			{map[string]any{"mode": "AUDIO", "language": "english!"}, "language"},
			{map[string]any{"mode": "AUDIO", "timezone": "Mars/Olympus"}, "timezone"},
			{map[string]any{"mode": "AUDIO", "scheduled_start_at": later, "scheduled_end_at": soon}, "scheduled_end_at"},
			{map[string]any{"mode": "AUDIO", "scheduled_start_at": soon}, "scheduled_end_at"},
			{map[string]any{"mode": "AUDIO", "scheduled_start_at": past1, "scheduled_end_at": past2}, "scheduled_end_at"},
			{map[string]any{"mode": "VIDEO", "framerate": 120}, "framerate"},
			{map[string]any{"mode": "AUDIO", "internal_invitees": []any{"bm8tc3VjaC11c2Vy"}}, "internal_invitees[0]"},
			{map[string]any{"mode": "AUDIO", "custom_options": "{not json"}, "custom_options"},
		} {
			wantInvalid(t, s.do("POST", "/api/user/meetings", p.alice, c.body), c.field)
		}
		r := s.must(201, "POST", "/api/user/meetings", p.alice, map[string]any{"mode": "AUDIO", "subject": "Weekly", "room_pin": "2468",
			"admin_pin": "1357", "internal_invitees": []any{p.bobID}, "scheduled_start_at": soon, "scheduled_end_at": later, "timezone": "Europe/Paris",
			"close_on_nobody": true}).JSON(t)
		id := r["id"].(string)
		if r["extension_number"] != "8000" {
			t.Fatalf("first room's extension: %v", r)
		}
		m := s.must(200, "GET", "/api/user/meetings/"+id, p.alice, nil).JSON(t)
		if m["ownership"] != true || m["capacity"] != float64(9) || m["language"] != "en-US" || m["control"] != "FREE" || m["domain"] != "acme.example" ||
			m["token"] == "" || m["height"] != nil || m["admin_pin"] != "1357" {
			t.Fatalf("meeting: %v", m)
		}
		// The invitee sees it without the admin PIN and cannot control it;
		// others do not see it.
		l := items(t, s.must(200, "GET", "/api/user/meetings", p.bob, nil))
		if len(l) != 1 || l[0]["ownership"] != false || l[0]["admin_pin"] != "" {
			t.Fatalf("bob's meetings: %v", l)
		}
		s.must(403, "POST", "/api/user/meetings/"+id+"/start", p.bob, nil)
		s.must(404, "GET", "/api/user/meetings/"+id, carol, nil)
		wantInvalid(t, s.do("POST", "/api/user/meetings/"+id, p.alice, map[string]any{"mode": "VIDEO"}), "mode")

		// The state machine.
		s.must(409, "POST", "/api/user/meetings/"+id+"/lock", p.alice, nil)
		s.must(409, "POST", "/api/user/meetings/"+id+"/participants/invite", p.alice, map[string]any{"number": "202"})
		s.must(204, "POST", "/api/user/meetings/"+id+"/start", p.alice, nil)
		s.must(409, "POST", "/api/user/meetings/"+id+"/start", p.alice, nil)
		s.must(204, "POST", "/api/user/meetings/"+id+"/participants/invite", p.alice, map[string]any{"number": "202"})
		s.must(409, "POST", "/api/user/meetings/"+id+"/participants/invite", p.alice, map[string]any{"number": "202"})
		ps := items(t, s.must(200, "GET", "/api/user/meetings/"+id+"/participants", p.bob, nil))
		if len(ps) != 1 || ps[0]["state"] != "INVITING" || ps[0]["display_name"] != `"bob"<sip:202@acme.example>` {
			t.Fatalf("participants: %v", ps)
		}
		bobP := ps[0]["id"].(string)
		s.must(403, "POST", "/api/meetings/"+id+"/events", p.alice, map[string]any{"type": "JOINED", "number": "202"})
		if r := s.must(200, "POST", "/api/meetings/"+id+"/events", sw, map[string]any{"type": "JOINED", "number": "202"}).JSON(t); r["participant_id"] != bobP {
			t.Fatalf("join: %v", r)
		}
		ext := s.must(200, "POST", "/api/meetings/"+id+"/events", sw, map[string]any{"type": "JOINED", "number": "+33611111111", "display_name": "Guest"}).JSON(t)["participant_id"].(string)
		if p := s.must(200, "GET", "/api/user/meetings/"+id+"/participants/"+bobP, p.alice, nil).JSON(t); p["state"] != "JOINED" {
			t.Fatalf("bob after the join: %v", p)
		}
		s.must(204, "POST", "/api/user/meetings/"+id+"/lock", p.alice, nil)
		s.must(409, "POST", "/api/user/meetings/"+id+"/participants/invite", p.alice, map[string]any{"number": "203"})
		s.must(409, "POST", "/api/meetings/"+id+"/events", sw, map[string]any{"type": "JOINED", "number": "203"})
		s.must(204, "POST", "/api/user/meetings/"+id+"/unlock", p.alice, nil)
		wantInvalid(t, s.do("POST", "/api/user/meetings/"+id, p.alice, map[string]any{"capacity": 2, "height": 720}), "height")
		s.must(204, "POST", "/api/user/meetings/"+id, p.alice, map[string]any{"capacity": 2})
		if r := s.do("POST", "/api/user/meetings/"+id+"/participants/invite", p.alice, map[string]any{"number": "203"}); r.Status != 409 {
			t.Fatalf("invite into a full room: %d", r.Status)
		}
		wantInvalid(t, s.do("POST", "/api/user/meetings/"+id, p.alice, map[string]any{"capacity": 1}), "capacity")
		s.must(204, "POST", "/api/user/meetings/"+id+"/mute", p.alice, nil)
		st := s.must(200, "GET", "/api/user/meetings/"+id+"/status", p.alice, nil).JSON(t)
		if st["status"] != "ONLINE" || st["muted"] != true || st["locked"] != false || st["recording"] != false {
			t.Fatalf("status: %v", st)
		}
		s.must(204, "POST", "/api/user/meetings/"+id+"/participants/"+bobP+"/unmute", p.alice, nil)
		s.must(204, "POST", "/api/user/meetings/"+id+"/participants/"+ext+"/chairman", p.alice, nil)
		wantInvalid(t, s.do("POST", "/api/user/meetings/"+id+"/participants/"+ext+"/position", p.alice, map[string]any{"position": 1}), "position")
		ps = items(t, s.must(200, "GET", "/api/user/meetings/"+id+"/participants", p.alice, nil))
		if ps[0]["muted"] != false || ps[1]["muted"] != true || ps[0]["chairman"] != false || ps[1]["chairman"] != true {
			t.Fatalf("after mute, unmute and chairman: %v", ps)
		}
		s.must(409, "POST", "/api/user/meetings/"+id+"/stop_recording", p.alice, nil)
		s.must(204, "POST", "/api/user/meetings/"+id+"/start_recording", p.alice, nil)
		if st := s.must(200, "GET", "/api/user/meetings/"+id+"/status", p.alice, nil).JSON(t); st["recording"] != true {
			t.Fatalf("recording: %v", st)
		}
		s.must(204, "POST", "/api/user/meetings/"+id+"/participants/"+ext+"/destroy", p.alice, nil)
		s.must(404, "GET", "/api/user/meetings/"+id+"/participants/"+ext, p.alice, nil)
		// The last one leaves: close_on_nobody stops the room.
		s.must(200, "POST", "/api/meetings/"+id+"/events", sw, map[string]any{"type": "LEFT", "number": "202"})
		if st := s.must(200, "GET", "/api/user/meetings/"+id+"/status", p.alice, nil).JSON(t); st["status"] != "OFFLINE" || st["recording"] != false {
			t.Fatalf("after the last leave: %v", st)
		}

		// A video room: defaults, layout and positions.
		v := s.must(201, "POST", "/api/user/meetings", p.alice, map[string]any{"mode": "VIDEO", "layout": "LAYOUT4"}).JSON(t)
		vid := v["id"].(string)
		if v["extension_number"] != "8001" {
			t.Fatalf("second room: %v", v)
		}
		vm := s.must(200, "GET", "/api/user/meetings/"+vid, p.alice, nil).JSON(t)
		if vm["height"] != float64(720) || vm["width"] != float64(1280) || vm["bitrate"] != float64(1024) || vm["framerate"] != float64(15) {
			t.Fatalf("video defaults: %v", vm)
		}
		s.must(204, "POST", "/api/user/meetings/"+vid+"/start", p.alice, nil)
		var ids []string
		for i := 0; i < 3; i++ {
			ids = append(ids, s.must(200, "POST", "/api/meetings/"+vid+"/events", sw, map[string]any{"type": "JOINED", "number": fmt.Sprintf("+3361000000%d", i)}).JSON(t)["participant_id"].(string))
		}
		s.must(204, "POST", "/api/user/meetings/"+vid+"/participants/layout", p.alice, map[string]any{"items": []any{ids[2], ids[0]}})
		wantInvalid(t, s.do("POST", "/api/user/meetings/"+vid+"/participants/layout", p.alice, map[string]any{"items": []any{"bm8tb25l"}}), "items")
		s.must(204, "POST", "/api/user/meetings/"+vid+"/participants/"+ids[1]+"/position", p.alice, map[string]any{"position": 2})
		ps = items(t, s.must(200, "GET", "/api/user/meetings/"+vid+"/participants", p.alice, nil))
		if ps[0]["position"] != float64(1) || ps[1]["position"] != float64(2) || ps[2]["position"] != float64(0) {
			t.Fatalf("layout: %v", ps)
		}
		wantInvalid(t, s.do("POST", "/api/user/meetings/"+vid+"/participants/"+ids[1]+"/position", p.alice, map[string]any{"position": 9}), "position")
		s.must(204, "POST", "/api/user/meetings/"+vid+"/stop", p.alice, nil)
		if ps := items(t, s.must(200, "GET", "/api/user/meetings/"+vid+"/participants", p.alice, nil)); len(ps) != 0 {
			t.Fatalf("participants after stop: %v", ps)
		}
		// A room whose window is over cannot start.
		s.must(204, "POST", "/api/user/meetings/"+id, p.alice, map[string]any{"scheduled_start_at": past1, "scheduled_end_at": past2})
		s.must(409, "POST", "/api/user/meetings/"+id+"/start", p.alice, nil)
		// Meeting extensions are taken for users.
		if r := s.do("POST", "/api/users", p.admin, map[string]any{"name": "mia", "email": "mia@acme.example", "extension_number": "8000", "password": "Mia-password-1"}); r.Status != 409 {
			t.Fatalf("a user on a meeting's extension: %d", r.Status)
		}
		s.must(403, "POST", "/api/user/meetings/"+id+"/destroy", p.bob, nil)
		s.must(204, "POST", "/api/user/meetings/"+id+"/destroy", p.alice, nil)
		s.must(404, "GET", "/api/user/meetings/"+id, p.alice, nil)
	})
}
