package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func replicator(s *server, admin, domain string) string {
	s.t.Helper()
	s.createUser(admin, map[string]any{"name": "switch", "email": "switch@" + domain, "extension_number": "990",
		"password": "Switch-password-1", "role": "Replicator"})
	return s.signIn("switch", "Switch-password-1", domain)
}

// TestRecordings: a trusted switch uploads the audio and stores the
// recording for a user; the user lists, reads, downloads and deletes it;
// nobody else can.
func TestRecordings(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		sw := replicator(s, p.admin, "acme.example")
		_, globex := s.tenant("globex.example")
		wav := s.upload(sw, "call.wav", wavFile).JSON(t)["id"].(string)
		png := s.upload(sw, "pic.png", pngFile).JSON(t)["id"].(string)
		other := s.upload(globex, "other.wav", wavFile).JSON(t)["id"].(string)
		alices := s.upload(p.alice, "greeting.wav", wavFile).JSON(t)["id"].(string) // not the switch's to give away
		rec := func(kv ...any) map[string]any {
			return overlay(map[string]any{"extension": "201", "caller": "+14155550100", "callee": "201", "call_id": "c-1",
				"started_at": "2026-11-24T10:00:00Z", "ended_at": "2026-11-24T10:02:05Z", "file_id": wav}, kv...)
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{rec("extension", "299"), "items[0].extension"},
			{rec("ended_at", "2026-11-24T09:00:00Z"), "items[0].ended_at"},
			{rec("file_id", png), "items[0].file_id"},
			{rec("file_id", other), "items[0].file_id"},
			{rec("file_id", alices, "extension", "202"), "items[0].file_id"},
		} {
			wantInvalid(t, s.do("POST", "/api/recordings", sw, map[string]any{"items": []any{c.body}}), c.field)
		}
		s.must(403, "POST", "/api/recordings", p.alice, map[string]any{"items": []any{rec()}})
		id := s.must(201, "POST", "/api/recordings", sw, map[string]any{"items": []any{rec()}}).JSON(t)["ids"].([]any)[0].(string)

		list := s.must(200, "GET", "/api/user/recordings?filter="+url.QueryEscape("caller eq '+14155550100'"), p.alice, nil).JSON(t)
		if list["count"] != float64(1) {
			t.Fatalf("alice's recordings: %v", list)
		}
		got := s.must(200, "GET", "/api/user/recordings/"+id, p.alice, nil).JSON(t)["items"].([]any)[0].(map[string]any)
		if got["duration"] != float64(125) || got["file_name"] != "call.wav" || got["file_size"] != float64(len(wavFile)) ||
			got["file_url"] != "/api/blobs/"+wav {
			t.Fatalf("recording: %v", got)
		}
		if r := s.do("GET", got["file_url"].(string), p.alice, nil); r.Status != 200 || r.Header.Get("Content-Type") != "audio/wav" {
			t.Fatalf("download: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		s.must(404, "GET", got["file_url"].(string), p.bob, nil)
		s.must(404, "GET", "/api/user/recordings/"+id, p.bob, nil)
		s.must(404, "POST", "/api/user/recordings/"+id+"/destroy", p.bob, nil)
		if n := s.must(200, "GET", "/api/user/recordings", p.bob, nil).JSON(t)["count"]; n != float64(0) {
			t.Fatalf("bob sees %v recordings", n)
		}
		s.must(204, "POST", "/api/user/recordings/"+id+"/destroy", p.alice, nil)
		s.must(404, "GET", "/api/user/recordings/"+id, p.alice, nil)
		s.must(404, "GET", "/api/blobs/"+wav, p.alice, nil)
	})
}

// TestExternalMessagesAndAutoResponder: messages a trusted switch stores
// are the user's to read; an inbound direct SMS to a user with the
// auto-responder on gets one auto-reply (an outbound message), not again
// within 30 s for the same number, never for group or internal messages.
func TestExternalMessagesAndAutoResponder(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		sw := replicator(s, p.admin, "acme.example")
		wantInvalid(t, s.do("POST", "/api/user", p.alice, map[string]any{"enable_sms_auto_responder": true}), "sms_auto_response_text")
		s.must(204, "POST", "/api/users/"+p.aliceID, p.admin, map[string]any{"sms": "ALLOW"})
		s.must(204, "POST", "/api/user", p.alice, map[string]any{"enable_sms_auto_responder": true, "sms_auto_response_text": "Out of office until Monday."})
		sms := func(kv ...any) map[string]any {
			return overlay(map[string]any{"extension": "201", "sender": "+14155550100", "sender_name": "Pat", "receiver": "+33100000201",
				"did": "+33100000201", "msg_type": "SMS", "direction": "IN", "content": "Are you there?", "delivery": "DELIVERED"}, kv...)
		}
		ingest := func(items ...any) (int, []any) {
			r := s.must(201, "POST", "/api/external_messages", sw, map[string]any{"items": items}).JSON(t)
			return int(r["auto_replies"].(float64)), r["ids"].([]any)
		}
		wantInvalid(t, s.do("POST", "/api/external_messages", sw, map[string]any{"items": []any{sms("direction", "SIDEWAYS")}}), "items[0].direction")
		wantInvalid(t, s.do("POST", "/api/external_messages", sw, map[string]any{"items": []any{sms("sender", "")}}), "items[0].sender")
		s.must(403, "POST", "/api/external_messages", p.alice, map[string]any{"items": []any{sms()}})

		n, ids := ingest(sms(), sms("content", "Hello?")) // two from one number: one reply
		if n != 1 {
			t.Fatalf("%d auto-replies to two messages from one number", n)
		}
		if n, _ := ingest(sms("content", "Again")); n != 0 {
			t.Fatal("a second auto-reply within 30 s")
		}
		if n, _ := ingest(sms("sender", "+14155550199"), sms("group", true, "sender", "+14155550177"), sms("sender", "202"),
			sms("direction", "OUT", "sender", "+33100000201", "receiver", "+14155550188")); n != 1 {
			t.Fatalf("%d replies: want one (the other number), none for group, internal or outbound", n)
		}
		s.advance(31 * time.Second)
		tok := s.signIn("alice", "Alice-password-1", "acme.example")
		if n, _ := ingest(sms("content", "Still there?")); n != 1 {
			t.Fatal("no auto-reply after 30 s")
		}
		msgs := items(t, s.must(200, "GET", "/api/user/external_messages?filter="+urlq("direction eq 'OUT'"), tok, nil))
		replies := 0
		for _, m := range msgs {
			if m["reason"] == "AUTO_RESPONSE" {
				replies++
				if m["content"] != "Out of office until Monday." || m["receiver"] == "" || m["sender"] != "+33100000201" || m["delivery"] != "PENDING" {
					t.Fatalf("auto-reply: %v", m)
				}
			}
		}
		if replies != 3 {
			t.Fatalf("%d auto-replies stored, want 3: %v", replies, msgs)
		}
		one := s.must(200, "GET", "/api/user/external_messages/"+ids[0].(string), tok, nil).JSON(t)
		if one["content"] != "Are you there?" || one["direction"] != "IN" || !strings.HasPrefix(one["created_at"].(string), "20") {
			t.Fatalf("message: %v", one)
		}
		s.must(404, "GET", "/api/user/external_messages/"+ids[0].(string), p.bob, nil)
		// With SMS disabled for the user, no auto-reply.
		fresh := s.signIn("boss", "boss-Password-1", "acme.example")
		s.must(204, "POST", "/api/users/"+p.aliceID, fresh, map[string]any{"sms": "DISABLE"})
		s.advance(31 * time.Second)
		sw = s.signIn("switch", "Switch-password-1", "acme.example")
		if n, _ := ingest(sms("content", "Hello again")); n != 0 {
			t.Fatal("an auto-reply with SMS disabled")
		}
	})
}
