package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// Sample files, recognised by their first bytes.
var (
	wavFile  = append([]byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00"), make([]byte, 64)...)
	mp3File  = append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), make([]byte, 64)...)
	pngFile  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), make([]byte, 64)...)
	jpegFile = append([]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), make([]byte, 64)...)
)

// upload uploads a file and returns its id.
func upload(s *server, c *client.Client, name string, data []byte) string {
	s.t.Helper()
	return ok(c.UploadBlob(context.Background(), name, bytes.NewReader(data)))(s).ID
}

func TestBlobs(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			// Files on disk on one, in the database on the other.
			st := "fs"
			if kind == "postgres" {
				st = "db"
			}
			s := startServerWith(t, storetest.DSN(t, kind), func(c *config.Config) { c.BlobMaxSize = 4096; c.BlobStore = st }, nil)
			p := makePeople(s, "acme.example")
			_, globex := s.newTenant("globex.example")
			for _, f := range []struct {
				name string
				data []byte
				ct   string
				kind string
			}{
				{"hello.wav", wavFile, "audio/wav", "audio"},
				{"hello.mp3", mp3File, "audio/mpeg", "audio"},
				{"face.png", pngFile, "image/png", "image"},
				{"face.jpg", jpegFile, "image/jpeg", "image"},
				// The type comes from the content, not the name.
				{"really-a-png.wav", pngFile, "image/png", "image"},
			} {
				b := ok(p.alice.UploadBlob(ctx, f.name, bytes.NewReader(f.data)))(s)
				if b.ContentType != f.ct || b.Kind != f.kind || b.Size != len(f.data) || b.Name != f.name {
					t.Fatalf("upload %s: %+v", f.name, b)
				}
				got := ok(p.alice.GetBlob(ctx, b.ID))(s)
				if got.ContentType != f.ct || !bytes.Equal(got.Data, f.data) {
					t.Fatalf("download %s: %q %d bytes", f.name, got.ContentType, len(got.Data))
				}
				// Its uploader and the tenant's admins read it; nobody else.
				ok(p.admin.GetBlob(ctx, b.ID))(s)
				wantStatus(t, ign(p.bob.GetBlob(ctx, b.ID)), 404, "another user reads the file")
				wantStatus(t, ign(globex.GetBlob(ctx, b.ID)), 404, "another tenant reads the file")
			}
			for _, bad := range []struct{ name, data string }{
				{"notes.wav", "this is plain text, not audio"},
				{"anim.png", "GIF89a\x01\x00\x01\x00"},
				{"empty.mp3", ""},
			} {
				_, err := p.alice.UploadBlob(ctx, bad.name, strings.NewReader(bad.data))
				wantStatus(t, err, 400, "upload "+bad.name)
				if _, f := errField(t, err); bad.data != "" && f != "body" {
					t.Fatalf("upload %s: field %q", bad.name, f)
				}
				if bad.data != "" && !strings.Contains(err.Error(), "WAV") {
					t.Fatalf("upload %s: the error should name the accepted types: %v", bad.name, err)
				}
			}
			// Past the configured limit: 413.
			big := append(append([]byte{}, wavFile...), make([]byte, 4096)...)
			wantStatus(t, ign(p.alice.UploadBlob(ctx, "big.wav", bytes.NewReader(big))), 413, "upload past the limit")
			wantStatus(t, ign(s.as("").UploadBlob(ctx, "x", strings.NewReader("x"))), 401, "upload without a token")
		})
	}
}

func TestGreetingsAndAvatar(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		_, globex := s.newTenant("globex.example")
		wav := upload(s, p.alice, "hi.wav", wavFile)
		mp3 := upload(s, p.alice, "hi.mp3", mp3File)
		png := upload(s, p.alice, "me.png", pngFile)
		bobs := upload(s, p.bob, "bob.wav", wavFile)

		// Only audio becomes a greeting; only the user's own (or, for admins, the tenant's) files.
		wantInvalid(t, ign(p.alice.Me().CreateGreeting(ctx, png)), "file_id")
		// Another user's file and a missing one get the same answer.
		wantInvalid(t, ign(p.alice.Me().CreateGreeting(ctx, bobs)), "file_id")
		wantInvalid(t, ign(p.alice.Me().CreateGreeting(ctx, "nosuchfile")), "file_id")
		g1 := ok(p.alice.Me().CreateGreeting(ctx, wav))(s)
		g2 := ok(p.admin.ForUser(p.aliceID).CreateGreeting(ctx, mp3))(s)
		active := func(u *client.UserScope) []string {
			t.Helper()
			var on []string
			for _, g := range ok(u.ListGreetings(ctx))(s) {
				if g.Enabled {
					on = append(on, g.ID)
				}
			}
			return on
		}
		if l := ok(p.alice.Me().ListGreetings(ctx))(s); len(l) != 2 || l[0].FileName == "" {
			t.Fatalf("greetings: %+v", l)
		}
		s.ok(p.alice.Me().EnableGreeting(ctx, g1))
		if on := active(p.alice.Me()); len(on) != 1 || on[0] != g1 {
			t.Fatalf("active after enabling g1: %v", on)
		}
		s.ok(p.admin.ForUser(p.aliceID).EnableGreeting(ctx, g2))
		if on := active(p.admin.ForUser(p.aliceID)); len(on) != 1 || on[0] != g2 {
			t.Fatalf("active after enabling g2: %v", on)
		}
		s.ok(p.alice.Me().DisableGreeting(ctx, g2))
		if on := active(p.alice.Me()); len(on) != 0 {
			t.Fatalf("active after disabling: %v", on)
		}
		// Another user's greeting is out of reach of the self form, and of another tenant.
		for _, u := range []*client.UserScope{p.bob.Me(), globex.ForUser(p.aliceID)} {
			wantStatus(t, u.EnableGreeting(ctx, g1), 404, "enable another's greeting")
			wantStatus(t, u.DisableGreeting(ctx, g1), 404, "disable another's greeting")
			wantStatus(t, u.DeleteGreeting(ctx, g1), 404, "delete another's greeting")
		}
		wantStatus(t, ign(p.bob.ForUser(p.aliceID).ListGreetings(ctx)), 403, "bob lists alice's greetings")
		s.ok(p.alice.Me().DeleteGreeting(ctx, g1))
		wantStatus(t, p.alice.Me().DeleteGreeting(ctx, g1), 404, "a second delete")
		if l := ok(p.alice.Me().ListGreetings(ctx))(s); len(l) != 1 || l[0].ID != g2 {
			t.Fatalf("after destroy: %+v", l)
		}

		// Avatar: an image only; "" clears it.
		wantInvalid(t, p.alice.UpdateCurrentUser(ctx, client.UserUpdate{AvatarFileID: &wav}), "avatar_file_id")
		wantInvalid(t, p.alice.UpdateCurrentUser(ctx, client.UserUpdate{AvatarFileID: &bobs}), "avatar_file_id")
		s.ok(p.alice.UpdateCurrentUser(ctx, client.UserUpdate{AvatarFileID: &png}))
		u := ok(p.admin.GetUser(ctx, p.aliceID))(s)
		if u.AvatarFileName != "me.png" || u.AvatarFileSize != len(pngFile) || !strings.Contains(u.AvatarFileURL, png) {
			t.Fatalf("avatar: %+v", u)
		}
		s.ok(p.alice.UpdateCurrentUser(ctx, client.UserUpdate{AvatarFileID: client.Ptr("")}))
		if u := ok(p.alice.CurrentUser(ctx))(s); u.AvatarFileURL != "" {
			t.Fatalf("avatar not cleared: %+v", u)
		}
	})
}
