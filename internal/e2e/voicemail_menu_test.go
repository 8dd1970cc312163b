package e2e

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/media"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
)

// menuCall starts a sipp call from line to a feature code whose media
// goes to peer; sipp holds the call until the server hangs up.
func menuCall(t *testing.T, s *server, peer *rtpPeer, line string) <-chan error {
	t.Helper()
	sf := filepath.Join(t.TempDir(), "menu.xml")
	if err := os.WriteFile(sf, []byte(sdpPort(voicemailScenario(byeFromServerAfter(60000)), peer.Port())), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sippRunMedia(t, s.app.SIPAddr(), sf, []string{line}) }()
	return done
}

func byeFromServerAfter(ms int) string {
	return strings.Replace(byeFromServer, `timeout="20000"`, `timeout="`+strconv.Itoa(ms)+`"`, 1)
}

// TestVoicemailMenuByTones: bob dials *97, types his PIN and walks the
// menu with RFC 4733 keys from Debian's captures; what his phone receives
// is checked against the prompts (the engine's exact G.711 of them): the
// PIN prompt, "you have two new messages", the main menu, each message
// announced with its time (24-hour clock) and caller, then played, and
// the answers to delete and save. The mailbox is then as he left it.
func TestVoicemailMenuByTones(t *testing.T) {
	needTool(t, "sipp")
	needPcap(t, "dtmf_2833_1.pcap")
	prompts, err := media.LoadPrompts()
	if err != nil {
		t.Fatal(err)
	}
	say := func(names ...string) []int16 {
		var pcm []int16
		for _, n := range names {
			pcm = append(pcm, prompts[n]...)
		}
		return pcm
	}
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, id202 := legacyTenant(s, "acme.example")
		tid := tenantID(t, s, "acme.example")
		s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"voicemail_pin": "246813", "voicemail_play_datetime": "24_HOUR_CLOCK"})
		for _, caller := range []string{"+33611111111", "201"} {
			if err := leaveMessage(t, s, tid, "202", caller); err != nil {
				t.Fatal(err)
			}
		}
		peer := newRTPPeer(t)
		done := menuCall(t, s, peer, sippLine("202", "acme.example", "Sip-secret-202", "*97"))
		const long = 20 * time.Second
		at := peer.waitFor(0, say("vm-enter-pin"), "the PIN prompt", long)
		peer.press("246813#")
		at = peer.waitFor(at, say("vm-you-have", "n-2", "vm-new-messages"), "you have two new messages", long)
		at = peer.waitFor(at, say("vm-main-menu"), "the main menu", long)
		peer.press("1")
		at = peer.waitFor(at, say("vm-message", "n-1", "vm-received"), "message one, received", long)
		at = peer.waitFor(at, say("vm-from", "n-3", "n-3", "n-6"), "from 336...", long)
		at = peer.waitFor(at, audio.Tone(440, 1500), "the first message", long)
		at = peer.waitFor(at, say("vm-message-menu"), "the message menu", long)
		peer.press("7")
		at = peer.waitFor(at, say("vm-deleted"), "message deleted", long)
		at = peer.waitFor(at, say("vm-message", "n-2"), "message two", long)
		at = peer.waitFor(at, say("vm-from", "n-2", "n-0", "n-1"), "from 201", long)
		peer.press("9")
		at = peer.waitFor(at, say("vm-saved"), "message saved", long)
		at = peer.waitFor(at, say("vm-no-more"), "no more messages", long)
		at = peer.waitFor(at, say("vm-main-menu"), "the main menu again", long)
		peer.press("*")
		peer.waitFor(at, say("vm-goodbye"), "goodbye", long)
		if err := <-done; err != nil {
			t.Fatalf("sipp: %v", err)
		}
		left := ok(s.login("bob", "Bob-password-1", "acme.example").Me().ListVoicemails(context.Background(), nil))(s).Items
		if len(left) != 1 || left[0].Caller != "201" || !left[0].Heard || !left[0].Saved {
			t.Fatalf("bob's mailbox after the call: %+v", left)
		}

		// Wrong PINs lock the mailbox (shared by every node through the
		// database); then even the right PIN is refused.
		bob, err := s.app.Store().GetUser(context.Background(), tid, id202)
		if err != nil {
			t.Fatal(err)
		}
		d := s.app.Directory()
		for i := 1; i <= directory.VoicemailPINLimit; i++ {
			err := d.CheckVoicemailPIN(context.Background(), bob, "135792")
			if want := directory.ErrWrongPIN; i == directory.VoicemailPINLimit {
				want = directory.ErrMailboxLocked
				if !errors.Is(err, want) {
					t.Fatalf("try %d: %v", i, err)
				}
			} else if !errors.Is(err, want) {
				t.Fatalf("try %d: %v", i, err)
			}
		}
		if err := d.CheckVoicemailPIN(context.Background(), bob, "246813"); !errors.Is(err, directory.ErrMailboxLocked) {
			t.Fatalf("right PIN while locked: %v", err)
		}
	})
}

// TestVoicemailPromptReplacement: a tenant replaces a prompt with its own
// recording (checked: a known prompt, a playable file of the tenant, at
// most 60 s, not silent; one replacement per prompt), and callers of that
// tenant hear it instead of the built-in one; removing it brings the
// built-in one back.
func TestVoicemailPromptReplacement(t *testing.T) {
	needTool(t, "sipp")
	eachDB(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		admin, _, _ := legacyTenant(s, "acme.example")
		boss := s.as(admin)
		list := ok(boss.ListVoicemailPrompts(ctx))(s)
		if len(list) != len(media.PromptTexts()) || list[0].ID != "" || list[0].Text == "" {
			t.Fatalf("prompts: %d, first %+v", len(list), list[0])
		}
		tone := audio.Tone(700, 1000)
		wav := upload(s, boss, "pin.wav", audio.WAV(tone))
		wantInvalid(t, ign(boss.ReplaceVoicemailPrompt(ctx, "vm-nonsense", wav)), "name")
		wantInvalid(t, ign(boss.ReplaceVoicemailPrompt(ctx, "vm-enter-pin", upload(s, boss, "a.png", pngFile))), "file_id")
		wantInvalid(t, ign(boss.ReplaceVoicemailPrompt(ctx, "vm-enter-pin", upload(s, boss, "quiet.wav", audio.WAV(audio.Silence(2000))))), "file_id")
		wantInvalid(t, ign(boss.ReplaceVoicemailPrompt(ctx, "vm-enter-pin", upload(s, boss, "long.wav", audio.WAV(audio.Tone(440, 61000))))), "file_id")
		id := ok(boss.ReplaceVoicemailPrompt(ctx, "vm-enter-pin", wav))(s)
		wantStatus(t, ign(boss.ReplaceVoicemailPrompt(ctx, "vm-enter-pin", wav)), 409, "a second replacement")
		wantStatus(t, ign(s.login("bob", "Bob-password-1", "acme.example").ListVoicemailPrompts(ctx)), 403, "a user lists prompts")
		pinPrompt := func() client.VoicemailPrompt {
			for _, p := range ok(boss.ListVoicemailPrompts(ctx))(s) {
				if p.Name == "vm-enter-pin" {
					return p
				}
			}
			t.Fatal("no vm-enter-pin prompt")
			return client.VoicemailPrompt{}
		}
		if p := pinPrompt(); p.ID != id || p.FileID != wav {
			t.Fatalf("the replacement: %+v", p)
		}

		// Bob dials *97: the PIN prompt is the tenant's tone.
		peer := newRTPPeer(t)
		sf := filepath.Join(t.TempDir(), "menu.xml")
		if err := os.WriteFile(sf, []byte(sdpPort(voicemailScenario(pauseStep(4000)+byeStep), peer.Port())), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := sippRunMedia(t, s.app.SIPAddr(), sf, []string{sippLine("202", "acme.example", "Sip-secret-202", "*97")}); err != nil {
			t.Fatalf("sipp: %v", err)
		}
		peer.waitFor(0, tone, "the tenant's PIN prompt", time.Second)
		s.ok(boss.DeleteVoicemailPrompt(ctx, id))
		wantStatus(t, boss.DeleteVoicemailPrompt(ctx, id), 404, "a second delete")
		if p := pinPrompt(); p.ID != "" || p.FileID != "" {
			t.Fatalf("after the delete: %+v", p)
		}
	})
}
