package e2e

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
)

// TestRecordings: a trusted switch uploads the audio and stores the
// recording for a user; the user lists, reads, downloads and deletes it;
// nobody else can.
func TestRecordings(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		sw := replicator(s, p.admin, "acme.example")
		_, globex := s.newTenant("globex.example")
		wav := upload(s, sw, "call.wav", wavFile)
		png := upload(s, sw, "pic.png", pngFile)
		other := upload(s, globex, "other.wav", wavFile)
		alices := upload(s, p.alice, "greeting.wav", wavFile) // not the switch's to give away
		rec := func(change ...func(*client.RecordingInput)) []client.RecordingInput {
			r := client.RecordingInput{Extension: "201", Caller: "+14155550100", Callee: "201", CallID: "c-1",
				StartedAt: at("2026-11-24T10:00:00Z"), EndedAt: at("2026-11-24T10:02:05Z"), FileID: wav}
			for _, f := range change {
				f(&r)
			}
			return []client.RecordingInput{r}
		}
		for _, c := range []struct {
			body  []client.RecordingInput
			field string
		}{
			{rec(func(r *client.RecordingInput) { r.Extension = "299" }), "items[0].extension"},
			{rec(func(r *client.RecordingInput) { r.EndedAt = at("2026-11-24T09:00:00Z") }), "items[0].ended_at"},
			{rec(func(r *client.RecordingInput) { r.FileID = png }), "items[0].file_id"},
			{rec(func(r *client.RecordingInput) { r.FileID = other }), "items[0].file_id"},
			{rec(func(r *client.RecordingInput) { r.FileID, r.Extension = alices, "202" }), "items[0].file_id"},
		} {
			wantInvalid(t, ign(sw.IngestRecordings(ctx, c.body)), c.field)
		}
		wantStatus(t, ign(p.alice.IngestRecordings(ctx, rec())), 403, "a user ingests")
		id := ok(sw.IngestRecordings(ctx, rec()))(s).IDs[0]

		if l := ok(p.alice.ListRecordings(ctx, &client.ListOptions{Filter: "caller eq '+14155550100'"}))(s); l.Count != 1 {
			t.Fatalf("alice's recordings: %+v", l)
		}
		got := ok(p.alice.GetRecording(ctx, id))(s)
		if got.Duration != 125 || got.FileName != "call.wav" || got.FileSize != len(wavFile) || got.FileURL != "/api/blobs/"+wav {
			t.Fatalf("recording: %+v", got)
		}
		if r := s.do("GET", got.FileURL, p.alice, nil); r.Status != 200 || r.Header.Get("Content-Type") != "audio/wav" {
			t.Fatalf("download: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		s.must(404, "GET", got.FileURL, p.bob, nil)
		wantStatus(t, ign(p.bob.GetRecording(ctx, id)), 404, "bob reads alice's recording")
		wantStatus(t, p.bob.DeleteRecording(ctx, id), 404, "bob deletes it")
		if n := ok(p.bob.ListRecordings(ctx, nil))(s).Count; n != 0 {
			t.Fatalf("bob sees %v recordings", n)
		}
		s.ok(p.alice.DeleteRecording(ctx, id))
		wantStatus(t, ign(p.alice.GetRecording(ctx, id)), 404, "a deleted recording")
		wantStatus(t, ign(p.alice.GetBlob(ctx, wav)), 404, "a deleted recording's audio")
	})
}

// TestExternalMessagesAndAutoResponder: messages a trusted switch stores
// are the user's to read; an inbound direct SMS to a user with the
// auto-responder on gets one auto-reply (an outbound message), not again
// within 30 s for the same number, never for group or internal messages.
func TestExternalMessagesAndAutoResponder(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		sw := replicator(s, p.admin, "acme.example")
		wantInvalid(t, p.alice.UpdateCurrentUser(ctx, client.UserUpdate{EnableSMSAutoResponder: client.Ptr(true)}), "sms_auto_response_text")
		s.ok(p.admin.UpdateUser(ctx, p.aliceID, client.UserUpdate{SMS: client.Ptr("ALLOW")}))
		s.ok(p.alice.UpdateCurrentUser(ctx, client.UserUpdate{EnableSMSAutoResponder: client.Ptr(true),
			SMSAutoResponseText: client.Ptr("Out of office until Monday.")}))
		sms := func(change ...func(*client.MessageInput)) client.MessageInput {
			m := client.MessageInput{Extension: "201", Sender: "+14155550100", SenderName: "Pat", Receiver: "+33100000201",
				DID: "+33100000201", MsgType: "SMS", Direction: "IN", Content: "Are you there?", Delivery: "DELIVERED"}
			for _, f := range change {
				f(&m)
			}
			return m
		}
		content := func(c string) func(*client.MessageInput) { return func(m *client.MessageInput) { m.Content = c } }
		sender := func(n string) func(*client.MessageInput) { return func(m *client.MessageInput) { m.Sender = n } }
		ingest := func(items ...client.MessageInput) (int, []string) {
			t.Helper()
			r := ok(sw.IngestMessages(ctx, items))(s)
			return r.AutoReplies, r.IDs
		}
		wantInvalid(t, ign(sw.IngestMessages(ctx, []client.MessageInput{sms(func(m *client.MessageInput) { m.Direction = "SIDEWAYS" })})), "items[0].direction")
		wantInvalid(t, ign(sw.IngestMessages(ctx, []client.MessageInput{sms(sender(""))})), "items[0].sender")
		wantStatus(t, ign(p.alice.IngestMessages(ctx, []client.MessageInput{sms()})), 403, "a user ingests")

		n, ids := ingest(sms(), sms(content("Hello?"))) // two from one number: one reply
		if n != 1 {
			t.Fatalf("%d auto-replies to two messages from one number", n)
		}
		if n, _ := ingest(sms(content("Again"))); n != 0 {
			t.Fatal("a second auto-reply within 30 s")
		}
		if n, _ := ingest(sms(sender("+14155550199")), sms(func(m *client.MessageInput) { m.Group, m.Sender = true, "+14155550177" }), sms(sender("202")),
			sms(func(m *client.MessageInput) {
				m.Direction, m.Sender, m.Receiver = "OUT", "+33100000201", "+14155550188"
			})); n != 1 {
			t.Fatalf("%d replies: want one (the other number), none for group, internal or outbound", n)
		}
		s.advance(31 * time.Second)
		alice := s.login("alice", "Alice-password-1", "acme.example")
		if n, _ := ingest(sms(content("Still there?"))); n != 1 {
			t.Fatal("no auto-reply after 30 s")
		}
		msgs := ok(alice.ListMessages(ctx, &client.ListOptions{Filter: "direction eq 'OUT'"}))(s).Items
		replies := 0
		for _, m := range msgs {
			if m.Reason == "AUTO_RESPONSE" {
				replies++
				if m.Content != "Out of office until Monday." || m.Receiver == "" || m.Sender != "+33100000201" || m.Delivery != "PENDING" {
					t.Fatalf("auto-reply: %+v", m)
				}
			}
		}
		if replies != 3 {
			t.Fatalf("%d auto-replies stored, want 3: %+v", replies, msgs)
		}
		if one := ok(alice.GetMessage(ctx, ids[0]))(s); one.Content != "Are you there?" || one.Direction != "IN" || one.CreatedAt.Year() < 2000 {
			t.Fatalf("message: %+v", one)
		}
		wantStatus(t, ign(p.bob.GetMessage(ctx, ids[0])), 404, "bob reads alice's message")
		// With SMS disabled for the user, no auto-reply.
		fresh := s.login("boss", "boss-Password-1", "acme.example")
		s.ok(fresh.UpdateUser(ctx, p.aliceID, client.UserUpdate{SMS: client.Ptr("DISABLE")}))
		s.advance(31 * time.Second)
		sw = s.login("switch", "Switch-password-1", "acme.example")
		if n, _ := ingest(sms(content("Hello again"))); n != 0 {
			t.Fatal("an auto-reply with SMS disabled")
		}
	})
}
