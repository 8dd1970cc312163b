package e2e

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
)

// TestMeetings: rooms as a state machine with validation — video settings
// only in VIDEO mode, numeric PINs, a time window, a capacity — owned by
// their creator, seen by invitees, controlled by the owner; invitations
// recorded as INVITING until the media server reports the join.
func TestMeetings(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		a := p.alice
		ok(p.admin.CreateUser(ctx, client.UserCreate{Name: "carol", Email: "carol@acme.example", ExtensionNumber: "203", Password: "Carol-password-1"}))(s)
		carol := s.login("carol", "Carol-password-1", "acme.example")
		sw := replicator(s, p.admin, "acme.example")
		now := time.Now().UTC().Truncate(time.Second)
		soon, later := now.Add(time.Hour), now.Add(2*time.Hour)
		past1, past2 := now.Add(-3*time.Hour), now.Add(-2*time.Hour)
		room := func(mode string, change ...func(*client.MeetingInput)) client.MeetingInput {
			m := client.MeetingInput{Mode: &mode}
			for _, f := range change {
				f(&m)
			}
			return m
		}
		window := func(start, end *time.Time) func(*client.MeetingInput) {
			return func(m *client.MeetingInput) { m.ScheduledStartAt, m.ScheduledEndAt = start, end }
		}
		for _, c := range []struct {
			body  client.MeetingInput
			field string
		}{
			{room("AUDIO", func(m *client.MeetingInput) { m.Height = client.Ptr(720) }), "height"},
			{room("AUDIO", func(m *client.MeetingInput) { m.Layout = client.Ptr("LAYOUT4") }), "layout"},
			{room("HOLOGRAM"), "mode"},
			{room("AUDIO", func(m *client.MeetingInput) { m.RoomPIN = client.Ptr("12ab") }), "room_pin"},
			{room("AUDIO", func(m *client.MeetingInput) { m.RoomPIN, m.AdminPIN = client.Ptr("1234"), client.Ptr("1234") }), "admin_pin"},
			{room("AUDIO", func(m *client.MeetingInput) { m.Capacity = client.Ptr(1) }), "capacity"},
			{room("AUDIO", func(m *client.MeetingInput) { m.Language = client.Ptr("english!") }), "language"},
			{room("AUDIO", func(m *client.MeetingInput) { m.Timezone = client.Ptr("Mars/Olympus") }), "timezone"},
			{room("AUDIO", window(&later, &soon)), "scheduled_end_at"},
			{room("AUDIO", window(&soon, nil)), "scheduled_end_at"},
			{room("AUDIO", window(&past1, &past2)), "scheduled_end_at"},
			{room("VIDEO", func(m *client.MeetingInput) { m.Framerate = client.Ptr(120) }), "framerate"},
			{room("AUDIO", func(m *client.MeetingInput) { m.InternalInvitees = []string{"bm8tc3VjaC11c2Vy"} }), "internal_invitees[0]"},
			{room("AUDIO", func(m *client.MeetingInput) { m.CustomOptions = client.Ptr("{not json") }), "custom_options"},
		} {
			wantInvalid(t, ign(a.CreateMeeting(ctx, c.body)), c.field)
		}
		r := ok(a.CreateMeeting(ctx, room("AUDIO", window(&soon, &later), func(m *client.MeetingInput) {
			m.Subject, m.RoomPIN, m.AdminPIN, m.Timezone = client.Ptr("Weekly"), client.Ptr("2468"), client.Ptr("1357"), client.Ptr("Europe/Paris")
			m.InternalInvitees, m.CloseOnNobody = []string{p.bobID}, client.Ptr(true)
		})))(s)
		id := r.ID
		if r.ExtensionNumber != "8000" {
			t.Fatalf("first room's extension: %+v", r)
		}
		// Read once (its join token is a secret the suite's scan tracks), raw
		// to see that an audio room has no video members at all.
		raw := s.must(200, "GET", "/api/user/meetings/"+id, a, nil)
		var m client.Meeting
		if err := json.Unmarshal(raw.Body, &m); err != nil || !m.Ownership || m.Capacity != 9 || m.Language != "en-US" ||
			m.Control != "FREE" || m.Domain != "acme.example" || m.Token == "" || m.AdminPIN != "1357" || raw.JSON(t)["height"] != nil {
			t.Fatalf("meeting: %v %s", err, raw.Body)
		}
		// The invitee sees it without the admin PIN and cannot control it;
		// others do not see it.
		if l := ok(p.bob.ListMeetings(ctx, nil))(s).Items; len(l) != 1 || l[0].Ownership || l[0].AdminPIN != "" {
			t.Fatalf("bob's meetings: %+v", l)
		}
		wantStatus(t, p.bob.MeetingDo(ctx, id, client.MeetingStart), 403, "an invitee starts it")
		wantStatus(t, ign(carol.GetMeeting(ctx, id)), 404, "another user reads it")
		wantInvalid(t, a.UpdateMeeting(ctx, id, room("VIDEO")), "mode")

		// The state machine.
		invite := func(number string) error { return a.InviteParticipant(ctx, id, number) }
		event := func(c *client.Client, room, typ, number, name string) (string, error) {
			return c.ReportMeetingEvent(ctx, room, client.MeetingEvent{Type: typ, Number: number, DisplayName: name})
		}
		wantStatus(t, a.MeetingDo(ctx, id, client.MeetingLock), 409, "lock a stopped room")
		wantStatus(t, invite("202"), 409, "invite into a stopped room")
		s.ok(a.MeetingDo(ctx, id, client.MeetingStart))
		wantStatus(t, a.MeetingDo(ctx, id, client.MeetingStart), 409, "start twice")
		s.ok(invite("202"))
		wantStatus(t, invite("202"), 409, "invite twice")
		ps := ok(p.bob.ListParticipants(ctx, id))(s)
		if len(ps) != 1 || ps[0].State != "INVITING" || ps[0].DisplayName != `"bob"<sip:202@acme.example>` {
			t.Fatalf("participants: %+v", ps)
		}
		bobP := ps[0].ID
		wantStatus(t, ign(event(a, id, "JOINED", "202", "")), 403, "a user reports an event")
		if got := ok(event(sw, id, "JOINED", "202", ""))(s); got != bobP {
			t.Fatalf("join: %v", got)
		}
		ext := ok(event(sw, id, "JOINED", "+33611111111", "Guest"))(s)
		if p := ok(a.GetParticipant(ctx, id, bobP))(s); p.State != "JOINED" {
			t.Fatalf("bob after the join: %+v", p)
		}
		s.ok(a.MeetingDo(ctx, id, client.MeetingLock))
		wantStatus(t, invite("203"), 409, "invite into a locked room")
		wantStatus(t, ign(event(sw, id, "JOINED", "203", "")), 409, "join a locked room")
		s.ok(a.MeetingDo(ctx, id, client.MeetingUnlock))
		wantInvalid(t, a.UpdateMeeting(ctx, id, client.MeetingInput{Capacity: client.Ptr(2), Height: client.Ptr(720)}), "height")
		s.ok(a.UpdateMeeting(ctx, id, client.MeetingInput{Capacity: client.Ptr(2)}))
		wantStatus(t, invite("203"), 409, "invite into a full room")
		wantInvalid(t, a.UpdateMeeting(ctx, id, client.MeetingInput{Capacity: client.Ptr(1)}), "capacity")
		s.ok(a.MeetingDo(ctx, id, client.MeetingMute))
		if st := ok(a.GetMeetingStatus(ctx, id))(s); st.Status != "ONLINE" || !st.Muted || st.Locked || st.Recording {
			t.Fatalf("status: %+v", st)
		}
		s.ok(a.ParticipantDo(ctx, id, bobP, client.ParticipantUnmute))
		s.ok(a.ParticipantDo(ctx, id, ext, client.ParticipantChairman))
		wantInvalid(t, a.SetParticipantPosition(ctx, id, ext, 1), "position")
		ps = ok(a.ListParticipants(ctx, id))(s)
		if ps[0].Muted || !ps[1].Muted || ps[0].Chairman || !ps[1].Chairman {
			t.Fatalf("after mute, unmute and chairman: %+v", ps)
		}
		wantStatus(t, a.MeetingDo(ctx, id, client.MeetingStopRecording), 409, "stop a recording never started")
		s.ok(a.MeetingDo(ctx, id, client.MeetingStartRecording))
		if st := ok(a.GetMeetingStatus(ctx, id))(s); !st.Recording {
			t.Fatalf("recording: %+v", st)
		}
		s.ok(a.ParticipantDo(ctx, id, ext, client.ParticipantRemove))
		wantStatus(t, ign(a.GetParticipant(ctx, id, ext)), 404, "a removed participant")
		// The last one leaves: close_on_nobody stops the room.
		ok(event(sw, id, "LEFT", "202", ""))(s)
		if st := ok(a.GetMeetingStatus(ctx, id))(s); st.Status != "OFFLINE" || st.Recording {
			t.Fatalf("after the last leave: %+v", st)
		}

		// A video room: defaults, layout and positions.
		v := ok(a.CreateMeeting(ctx, room("VIDEO", func(m *client.MeetingInput) { m.Layout = client.Ptr("LAYOUT4") })))(s)
		vid := v.ID
		if v.ExtensionNumber != "8001" {
			t.Fatalf("second room: %+v", v)
		}
		if vm := ok(a.GetMeeting(ctx, vid))(s); vm.Height != 720 || vm.Width != 1280 || vm.Bitrate != 1024 || vm.Framerate != 15 {
			t.Fatalf("video defaults: %+v", vm)
		}
		s.ok(a.MeetingDo(ctx, vid, client.MeetingStart))
		var ids []string
		for i := 0; i < 3; i++ {
			ids = append(ids, ok(event(sw, vid, "JOINED", fmt.Sprintf("+3361000000%d", i), ""))(s))
		}
		s.ok(a.SetMeetingLayout(ctx, vid, []string{ids[2], ids[0]}))
		wantInvalid(t, a.SetMeetingLayout(ctx, vid, []string{"bm8tb25l"}), "items")
		s.ok(a.SetParticipantPosition(ctx, vid, ids[1], 2))
		if ps := ok(a.ListParticipants(ctx, vid))(s); ps[0].Position != 1 || ps[1].Position != 2 || ps[2].Position != 0 {
			t.Fatalf("layout: %+v", ps)
		}
		wantInvalid(t, a.SetParticipantPosition(ctx, vid, ids[1], 9), "position")
		s.ok(a.MeetingDo(ctx, vid, client.MeetingStop))
		if ps := ok(a.ListParticipants(ctx, vid))(s); len(ps) != 0 {
			t.Fatalf("participants after stop: %+v", ps)
		}
		// A room whose window is over cannot start.
		s.ok(a.UpdateMeeting(ctx, id, client.MeetingInput{ScheduledStartAt: &past1, ScheduledEndAt: &past2}))
		wantStatus(t, a.MeetingDo(ctx, id, client.MeetingStart), 409, "start a room whose window is over")
		// Meeting extensions are taken for users.
		_, err := p.admin.CreateUser(ctx, client.UserCreate{Name: "mia", Email: "mia@acme.example", ExtensionNumber: "8000", Password: "Mia-password-1"})
		wantStatus(t, err, 409, "a user on a meeting's extension")
		wantStatus(t, p.bob.DeleteMeeting(ctx, id), 403, "an invitee deletes it")
		s.ok(a.DeleteMeeting(ctx, id))
		wantStatus(t, ign(a.GetMeeting(ctx, id)), 404, "a deleted room")
	})
}
