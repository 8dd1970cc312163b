package e2e

import (
	"context"
	"errors"
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// leaveMessage stores a message as the media engine does after a call
// (the calls themselves are in voicemail_test.go).
func leaveMessage(t *testing.T, s *server, tenantID, ext, caller string) error {
	t.Helper()
	d := s.app.Directory()
	box, err := d.VoicemailBoxAt(context.Background(), tenantID, ext)
	if err != nil {
		return err
	}
	pcm := audio.Tone(440, 1500)
	_, err = d.DepositVoicemail(context.Background(), box, directory.VoicemailDeposit{Caller: caller, CallerName: "Caller " + caller,
		CallID: "call-" + caller, DurationMS: audio.Duration(pcm), WAV: audio.WAV(pcm)})
	return err
}

// TestVoicemailMessagesAPI: the messages of a mailbox through HTTP — the
// owner's list (query language), get, download, mark heard/saved,
// delete; an admin's form; permissions and tenant isolation; the quota;
// the mailbox choice; the dependents count and KEEP/DELETE on removal;
// the mailbox-changed events (store.EventMailbox) with the counts.
func TestVoicemailMessagesAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		admin, id201, id202 := sipTenant(s, "acme.example")
		tid := tenantID(t, s, "acme.example")
		_, other := s.newTenant("other.example")
		boss := s.as(admin)
		bob := s.login("bob", "Bob-password-1", "acme.example")
		alice := s.login("alice", "Alice-password-1", "acme.example")

		// Every change of a mailbox is an event for every node.
		sctx, stop := context.WithCancel(ctx)
		defer stop()
		events, err := s.app.Store().Subscribe(sctx)
		s.ok(err)
		for _, caller := range []string{"+33611111111", "201", "203"} {
			s.ok(leaveMessage(t, s, tid, "202", caller))
		}
		s.ok(leaveMessage(t, s, tid, "201", "202"))
		seen := map[string]int{}
		for deadline := time.After(10 * time.Second); seen[id202] < 3 || seen[id201] < 1; {
			select {
			case ev := <-events:
				if ev.Kind == store.EventMailbox && ev.TenantID == tid {
					seen[ev.ID]++
				}
			case <-deadline:
				t.Fatalf("mailbox events seen: %v", seen)
			}
		}

		list := ok(bob.Me().ListVoicemails(ctx, nil))(s)
		if list.Count != 3 || list.Items[0].Caller != "203" || list.Items[2].Caller != "+33611111111" {
			t.Fatalf("bob's list (newest first): %+v", list)
		}
		if n := ok(bob.Me().ListVoicemails(ctx, &client.ListOptions{Search: "3361"}))(s).Count; n != 1 {
			t.Fatalf("search: %d", n)
		}
		one := list.Items[1].ID
		got := ok(bob.Me().GetVoicemail(ctx, one))(s)
		if got.Caller != "201" || got.CallerName != "Caller 201" || got.Duration != 2 || got.DurationMS != 1500 || got.Heard || got.Saved {
			t.Fatalf("get: %+v", got)
		}
		if wav := ok(bob.GetBlob(ctx, got.FileID))(s); string(wav.Data[:4]) != "RIFF" {
			t.Fatalf("download: %q", wav.Data[:16])
		}
		wantStatus(t, ign(alice.GetBlob(ctx, got.FileID)), 404, "alice downloads bob's message")

		// Mark heard, then saved; bad bodies are refused and change nothing.
		yes, no := true, false
		s.ok(bob.Me().UpdateVoicemail(ctx, one, client.VoicemailUpdate{Heard: &yes}))
		s.ok(bob.Me().UpdateVoicemail(ctx, one, client.VoicemailUpdate{Saved: &yes}))
		wantStatus(t, s.do("POST", "/api/user/voicemails/"+one, bob, map[string]any{"heard": "yes"}).Err(), 422, "a string for a boolean")
		wantStatus(t, s.do("POST", "/api/user/voicemails/"+one, bob, map[string]any{"color": "red"}).Err(), 422, "an unknown member")
		heard := ok(bob.Me().ListVoicemails(ctx, &client.ListOptions{Filter: "heard eq true and saved eq true"}))(s)
		if heard.Count != 1 || heard.Items[0].ID != one {
			t.Fatalf("heard and saved: %+v", heard)
		}
		if n, o, err := s.app.Directory().MailboxCounts(ctx, tid, id202); err != nil || n != 2 || o != 1 {
			t.Fatalf("counts: %d new, %d old, %v", n, o, err)
		}

		// Isolation: another user's message, another tenant's admin.
		aliceMsg := ok(alice.Me().ListVoicemails(ctx, nil))(s).Items[0].ID
		wantStatus(t, ign(bob.Me().GetVoicemail(ctx, aliceMsg)), 404, "bob reads alice's message")
		wantStatus(t, bob.Me().DeleteVoicemail(ctx, aliceMsg), 404, "bob deletes alice's message")
		wantStatus(t, ign(other.ForUser(id202).ListVoicemails(ctx, nil)), 404, "another tenant's admin")
		wantStatus(t, ign(other.ForUser(id202).GetVoicemail(ctx, one)), 404, "another tenant's admin reads")
		wantStatus(t, ign(alice.ForUser(id202).ListVoicemails(ctx, nil)), 403, "a user without user management")

		// The admin form; then a role without voicemail permissions.
		if n := ok(boss.ForUser(id202).ListVoicemails(ctx, &client.ListOptions{Filter: "heard eq false"}))(s).Count; n != 2 {
			t.Fatalf("admin list: %d", n)
		}
		s.ok(boss.ForUser(id202).UpdateVoicemail(ctx, one, client.VoicemailUpdate{Saved: &no}))
		s.ok(boss.ForUser(id202).DeleteVoicemail(ctx, list.Items[0].ID))
		wantStatus(t, boss.ForUser(id202).DeleteVoicemail(ctx, list.Items[0].ID), 404, "a second delete")
		s.must(201, "POST", "/api/roles", admin, map[string]any{"name": "novm", "permissions": map[string]any{"general": map[string]any{"meeting": true}}})
		s.must(204, "POST", "/api/users/"+id201+"/role", admin, map[string]any{"role": "novm"})
		wantStatus(t, ign(s.login("alice", "Alice-password-1", "acme.example").Me().ListVoicemails(ctx, nil)), 403, "no voicemail permission")

		// The quota: a mailbox of 2 is full.
		sys := s.system()
		s.ok(sys.UpdateTenant(ctx, tid, client.TenantUpdate{Voicemail: &client.VoicemailSettings{MaxMessages: 2}}))
		wantInvalid(t, sys.UpdateTenant(ctx, tid, client.TenantUpdate{Voicemail: &client.VoicemailSettings{MaxSeconds: 5}}), "voicemail.max_seconds")
		if box, err := s.app.Directory().VoicemailBoxAt(ctx, tid, "202"); err != nil || !box.Full {
			t.Fatalf("box: %+v, %v", box, err)
		}
		var conflict *model.ConflictError
		if err := leaveMessage(t, s, tid, "202", "555"); !errors.As(err, &conflict) {
			t.Fatalf("over quota: %v", err)
		}
		s.ok(sys.UpdateTenant(ctx, tid, client.TenantUpdate{Voicemail: &client.VoicemailSettings{MaxMessages: 100}}))

		// The mailbox choice: carol's messages go to bob's mailbox; NONE
		// has no mailbox; a bad value is refused naming the field.
		id203 := s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
			"password": "Carol-password-1", "mailbox": "202"})
		s.ok(leaveMessage(t, s, tid, "203", "+15550001"))
		bobs := ok(bob.Me().ListVoicemails(ctx, nil))(s)
		if bobs.Count != 3 || bobs.Items[0].Extension != "203" {
			t.Fatalf("carol's message in bob's mailbox: %+v", bobs)
		}
		none := "NONE"
		s.ok(boss.UpdateUser(ctx, id203, client.UserUpdate{Mailbox: &none}))
		if _, err := s.app.Directory().VoicemailBoxAt(ctx, tid, "203"); !errors.Is(err, directory.ErrNoMailbox) {
			t.Fatalf("NONE: %v", err)
		}
		bad := "bob"
		wantInvalid(t, boss.UpdateUser(ctx, id203, client.UserUpdate{Mailbox: &bad}), "mailbox")

		// Removal: the dependents count the messages; KEEP keeps them in the
		// detached mailbox, DELETE removes them and their files.
		if dep := ok(boss.UserDependents(ctx, id202))(s); dep.Mailbox.Messages != 3 {
			t.Fatalf("dependents: %+v", dep.Mailbox)
		}
		s.ok(boss.DeleteUser(ctx, id202, "KEEP"))
		kept := ok(boss.ListDetachedMailboxes(ctx))(s)
		if len(kept) != 1 || kept[0].Messages != 3 {
			t.Fatalf("detached: %+v", kept)
		}
		old := ok(boss.ListDetachedVoicemails(ctx, kept[0].ID, nil))(s)
		if old.Count != 3 {
			t.Fatalf("detached messages: %+v", old)
		}
		ok(boss.GetBlob(ctx, old.Items[0].FileID))(s)
		wantStatus(t, ign(other.ListDetachedVoicemails(ctx, kept[0].ID, nil)), 404, "another tenant's detached mailbox")
		aliceFile := ok(boss.ForUser(id201).ListVoicemails(ctx, nil))(s).Items[0].FileID
		s.ok(boss.DeleteUser(ctx, id201, "DELETE"))
		wantStatus(t, ign(boss.GetBlob(ctx, aliceFile)), 404, "a deleted mailbox's file")
	})
}

// TestVoicemailPortal: My Phone lists the user's messages with a player,
// marks them heard or saved, deletes them (CSRF needed), and never shows
// another user's; a role without voicemail permissions has no section.
func TestVoicemailPortal(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, _ := sipTenant(s, "acme.example")
		tid := tenantID(t, s, "acme.example")
		s.ok(leaveMessage(t, s, tid, "202", "+33611111111"))
		s.ok(leaveMessage(t, s, tid, "201", "+15550009999"))
		bob := s.login("bob", "Bob-password-1", "acme.example")
		msg := ok(bob.Me().ListVoicemails(context.Background(), nil))(s).Items[0]

		b := newBrowser(s)
		b.signIn("bob", "Bob-password-1", "acme.example")
		code, page, _ := b.get("/me")
		page = html.UnescapeString(page)
		if code != 200 || !strings.Contains(page, `id="voicemails"`) || !strings.Contains(page, "Caller +33611111111 (+33611111111)") ||
			!strings.Contains(page, `src="/files/`+msg.FileID+`"`) || strings.Contains(page, "+15550009999") || !strings.Contains(page, "<strong>new</strong>") {
			t.Fatalf("My Phone: %d\n%s", code, page)
		}
		if code, _, _ := b.get("/files/" + msg.FileID); code != 200 {
			t.Fatalf("playback: %d", code)
		}
		if code, _, _ := b.post("/me/voicemails/mark", url.Values{"id": {msg.ID}, "heard": {"true"}, "_csrf": {"forged"}}); code != 403 {
			t.Fatalf("without the CSRF token: %d", code)
		}
		b.get("/me")
		if code, _, _ := b.post("/me/voicemails/mark", url.Values{"id": {msg.ID}, "heard": {"true"}}); code != 303 {
			t.Fatalf("mark heard: %d", code)
		}
		b.get("/me")
		b.post("/me/voicemails/mark", url.Values{"id": {msg.ID}, "saved": {"true"}})
		if got := ok(bob.Me().GetVoicemail(context.Background(), msg.ID))(s); !got.Heard || !got.Saved {
			t.Fatalf("after the portal: %+v", got)
		}
		aliceMsg := ok(s.login("alice", "Alice-password-1", "acme.example").Me().ListVoicemails(context.Background(), nil))(s).Items[0].ID
		b.get("/me")
		if code, _, _ := b.post("/me/voicemails/remove", url.Values{"id": {aliceMsg}}); code != 404 {
			t.Fatalf("another user's message: %d", code)
		}
		b.get("/me")
		if code, _, _ := b.post("/me/voicemails/remove", url.Values{"id": {msg.ID}}); code != 303 {
			t.Fatalf("delete: %d", code)
		}
		if n := ok(bob.Me().ListVoicemails(context.Background(), nil))(s).Count; n != 0 {
			t.Fatalf("%d messages left", n)
		}
		s.must(201, "POST", "/api/roles", admin, map[string]any{"name": "novm", "permissions": map[string]any{"general": map[string]any{"meeting": true}}})
		s.must(204, "POST", "/api/users/"+id201+"/role", admin, map[string]any{"role": "novm"})
		a := newBrowser(s)
		a.signIn("alice", "Alice-password-1", "acme.example")
		if _, page, _ := a.get("/me"); strings.Contains(page, `id="voicemails"`) {
			t.Fatal("a role without voicemail permissions sees the messages")
		}
	})
}
