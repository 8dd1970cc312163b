package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

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

// upload posts a raw file to /api/blobs.
func (s *server) upload(token, name string, data []byte) *response {
	s.t.Helper()
	return s.postRaw("/api/blobs?name="+name, token, "application/octet-stream", data)
}

// postRaw posts a raw body of the given content type.
func (s *server) postRaw(path, token, contentType string, data []byte) *response {
	s.t.Helper()
	req, err := http.NewRequest("POST", s.base+path, bytes.NewReader(data))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	suite.record(s.t.Name(), "POST", strings.SplitN(path, "?", 2)[0], data, raw)
	return &response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// items returns the "items" of a list response.
func items(t *testing.T, r *response) []map[string]any {
	t.Helper()
	raw, _ := r.JSON(t)["items"].([]any)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i] = v.(map[string]any)
	}
	return out
}

// wantStatus fails unless r has the status and, when code is set, that error code.
func wantStatus(t *testing.T, r *response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
}

// people makes a tenant with its Admin and two standard users, signed in.
type people struct {
	admin, alice, bob       string // tokens
	aliceID, bobID, adminID string
}

func makePeople(s *server, domain string) people {
	s.t.Helper()
	_, adm := s.tenant(domain)
	p := people{admin: adm}
	p.aliceID = s.createUser(adm, map[string]any{"name": "alice", "email": "alice@" + domain, "extension_number": "201", "password": "Alice-password-1"})
	p.bobID = s.createUser(adm, map[string]any{"name": "bob", "email": "bob@" + domain, "extension_number": "202", "password": "Bob-password-1"})
	p.alice = s.signIn("alice", "Alice-password-1", domain)
	p.bob = s.signIn("bob", "Bob-password-1", domain)
	p.adminID = s.must(200, "GET", "/api/user", adm, nil).JSON(s.t)["id"].(string)
	return p
}

func TestGroups(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")

		s.must(403, "GET", "/api/groups", p.alice, nil)
		s.must(403, "POST", "/api/groups", p.alice, map[string]any{"name": "sales"})
		wantInvalid(t, s.do("POST", "/api/groups", p.admin, map[string]any{"name": ""}), "name")
		wantInvalid(t, s.do("POST", "/api/groups", p.admin, map[string]any{"name": strings.Repeat("g", 65)}), "name")
		gid := s.must(201, "POST", "/api/groups", p.admin, map[string]any{"name": "sales", "description": "Sales floor",
			"outbound_caller_ids": []any{map[string]any{"caller_id": "+15550100", "preferred": true}}}).JSON(t)["id"].(string)
		r := s.must(409, "POST", "/api/groups", p.admin, map[string]any{"name": "sales"})
		if code, _ := r.ErrField(t); code != "CONFLICT" && code != "ALREADY_EXISTS" {
			t.Fatalf("duplicate group name: %s", r.Body)
		}
		// The same name is free in another tenant, and groups never cross.
		other := s.must(201, "POST", "/api/groups", globex, map[string]any{"name": "sales"}).JSON(t)["id"].(string)
		s.must(404, "GET", "/api/groups/"+other, p.admin, nil)
		s.must(404, "POST", "/api/groups/"+other+"/members/201", p.admin, nil)
		s.must(404, "POST", "/api/groups/"+gid+"/destroy", globex, nil)
		if l := s.must(200, "GET", "/api/groups", p.admin, nil).JSON(t); l["count"] != float64(1) {
			t.Fatalf("list: %v", l)
		}

		g := s.must(200, "GET", "/api/groups/"+gid, p.admin, nil).JSON(t)
		if g["name"] != "sales" || g["description"] != "Sales floor" {
			t.Fatalf("group: %v", g)
		}
		s.must(204, "POST", "/api/groups/"+gid, p.admin, map[string]any{"description": "Sales and support"})
		if g := s.must(200, "GET", "/api/groups/"+gid, p.admin, nil).JSON(t); g["name"] != "sales" || g["description"] != "Sales and support" {
			t.Fatalf("after update: %v", g)
		}

		// Members by extension; an unknown extension is 404 and changes nothing.
		s.must(404, "POST", "/api/groups/"+gid+"/members/999", p.admin, nil)
		s.must(404, "GET", "/api/groups/"+gid+"/members/201", p.admin, nil)
		s.must(204, "POST", "/api/groups/"+gid+"/members/201", p.admin, nil)
		s.must(204, "POST", "/api/groups/"+gid+"/members/202", p.admin, nil)
		s.must(204, "POST", "/api/groups/"+gid+"/members/202", p.admin, nil) // adding twice is harmless
		m := s.must(200, "GET", "/api/groups/"+gid+"/members/201", p.admin, nil).JSON(t)
		if m["extension_number"] != "201" || m["name"] != "alice" {
			t.Fatalf("member: %v", m)
		}
		if n := len(items(t, s.must(200, "GET", "/api/groups/"+gid+"/members", p.admin, nil))); n != 2 {
			t.Fatalf("members = %d", n)
		}
		// The group's caller IDs are offered to its members.
		ids := items(t, s.must(200, "GET", "/api/user/outbound_caller_ids", p.alice, nil))
		if len(ids) != 1 || ids[0]["caller_id"] != "+15550100" {
			t.Fatalf("alice's caller ids from the group: %v", ids)
		}

		// A destroyed user leaves every group.
		s.must(204, "POST", "/api/users/"+p.bobID+"/destroy", p.admin, nil)
		list := items(t, s.must(200, "GET", "/api/groups/"+gid+"/members", p.admin, nil))
		if len(list) != 1 || list[0]["extension_number"] != "201" {
			t.Fatalf("members after destroying bob: %v", list)
		}
		s.must(404, "GET", "/api/groups/"+gid+"/members/202", p.admin, nil)
		s.must(204, "POST", "/api/groups/"+gid+"/members/201/destroy", p.admin, nil)
		s.must(404, "POST", "/api/groups/"+gid+"/members/201/destroy", p.admin, nil)
		if n := len(items(t, s.must(200, "GET", "/api/groups/"+gid+"/members", p.admin, nil))); n != 0 {
			t.Fatalf("members = %d", n)
		}
		s.must(204, "POST", "/api/groups/"+gid+"/destroy", p.admin, nil)
		s.must(404, "GET", "/api/groups/"+gid, p.admin, nil)
	})
}

func TestBlobs(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			// Files on disk on one, in the database on the other.
			st := "fs"
			if kind == "postgres" {
				st = "db"
			}
			s := startServerWith(t, storetest.DSN(t, kind), func(c *config.Config) { c.BlobMaxSize = 4096; c.BlobStore = st }, nil)
			p := makePeople(s, "acme.example")
			_, globex := s.tenant("globex.example")
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
				r := s.upload(p.alice, f.name, f.data)
				wantStatus(t, r, 201, "upload "+f.name)
				b := r.JSON(t)
				if b["content_type"] != f.ct || b["kind"] != f.kind || b["size"] != float64(len(f.data)) || b["name"] != f.name {
					t.Fatalf("upload %s: %v", f.name, b)
				}
				id := b["id"].(string)
				res, err := s.client.Do(func() *http.Request {
					req, _ := http.NewRequest("GET", s.base+"/api/blobs/"+id, nil)
					req.Header.Set("Authorization", "Bearer "+p.alice)
					return req
				}())
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || res.Header.Get("Content-Type") != f.ct || !bytes.Equal(got, f.data) {
					t.Fatalf("download %s: %d %q %d bytes", f.name, res.StatusCode, res.Header.Get("Content-Type"), len(got))
				}
				// Its uploader and the tenant's admins read it; nobody else.
				s.must(200, "GET", "/api/blobs/"+id, p.admin, nil)
				s.must(404, "GET", "/api/blobs/"+id, p.bob, nil)
				s.must(404, "GET", "/api/blobs/"+id, globex, nil)
			}
			for _, bad := range []struct{ name, data string }{
				{"notes.wav", "this is plain text, not audio"},
				{"anim.png", "GIF89a\x01\x00\x01\x00"},
				{"empty.mp3", ""},
			} {
				r := s.upload(p.alice, bad.name, []byte(bad.data))
				if r.Status != 400 {
					t.Fatalf("upload %s: %d %s", bad.name, r.Status, r.Body)
				}
				if _, f := r.ErrField(t); bad.data != "" && f != "body" {
					t.Fatalf("upload %s: field %q", bad.name, f)
				}
				if bad.data != "" && !strings.Contains(string(r.Body), "WAV") {
					t.Fatalf("upload %s: the error should name the accepted types: %s", bad.name, r.Body)
				}
			}
			// Past the configured limit: 413.
			big := append(append([]byte{}, wavFile...), make([]byte, 4096)...)
			wantStatus(t, s.upload(p.alice, "big.wav", big), 413, "upload past the limit")
			s.must(401, "POST", "/api/blobs", "", "x")
		})
	}
}

func TestGreetingsAndAvatar(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		wav := s.upload(p.alice, "hi.wav", wavFile).JSON(t)["id"].(string)
		mp3 := s.upload(p.alice, "hi.mp3", mp3File).JSON(t)["id"].(string)
		png := s.upload(p.alice, "me.png", pngFile).JSON(t)["id"].(string)
		bobs := s.upload(p.bob, "bob.wav", wavFile).JSON(t)["id"].(string)

		// Only audio becomes a greeting; only the user's own (or, for admins, the tenant's) files.
		wantInvalid(t, s.do("POST", "/api/user/greetings", p.alice, map[string]any{"file_id": png}), "file_id")
		// Another user's file and a missing one get the same answer.
		wantInvalid(t, s.do("POST", "/api/user/greetings", p.alice, map[string]any{"file_id": bobs}), "file_id")
		wantInvalid(t, s.do("POST", "/api/user/greetings", p.alice, map[string]any{"file_id": "nosuchfile"}), "file_id")
		g1 := s.must(201, "POST", "/api/user/greetings", p.alice, map[string]any{"file_id": wav}).JSON(t)["id"].(string)
		g2 := s.must(201, "POST", "/api/users/"+p.aliceID+"/greetings", p.admin, map[string]any{"file_id": mp3}).JSON(t)["id"].(string)
		active := func(token, path string) []string {
			t.Helper()
			var on []string
			for _, g := range items(t, s.must(200, "GET", path, token, nil)) {
				if g["enabled"] == true {
					on = append(on, g["id"].(string))
				}
			}
			return on
		}
		if l := items(t, s.must(200, "GET", "/api/user/greetings", p.alice, nil)); len(l) != 2 || l[0]["file_name"] == "" {
			t.Fatalf("greetings: %v", l)
		}
		s.must(204, "POST", "/api/user/greetings/"+g1+"/enable", p.alice, nil)
		if on := active(p.alice, "/api/user/greetings"); len(on) != 1 || on[0] != g1 {
			t.Fatalf("active after enabling g1: %v", on)
		}
		s.must(204, "POST", "/api/users/"+p.aliceID+"/greetings/"+g2+"/enable", p.admin, nil)
		if on := active(p.admin, "/api/users/"+p.aliceID+"/greetings"); len(on) != 1 || on[0] != g2 {
			t.Fatalf("active after enabling g2: %v", on)
		}
		s.must(204, "POST", "/api/user/greetings/"+g2+"/disable", p.alice, nil)
		if on := active(p.alice, "/api/user/greetings"); len(on) != 0 {
			t.Fatalf("active after disabling: %v", on)
		}
		// Another user's greeting is out of reach of the self form, and of another tenant.
		for _, path := range []string{"/enable", "/disable", "/destroy"} {
			s.must(404, "POST", "/api/user/greetings/"+g1+path, p.bob, nil)
			s.must(404, "POST", "/api/users/"+p.aliceID+"/greetings/"+g1+path, globex, nil)
		}
		s.must(403, "GET", "/api/users/"+p.aliceID+"/greetings", p.bob, nil)
		s.must(204, "POST", "/api/user/greetings/"+g1+"/destroy", p.alice, nil)
		s.must(404, "POST", "/api/user/greetings/"+g1+"/destroy", p.alice, nil)
		if l := items(t, s.must(200, "GET", "/api/user/greetings", p.alice, nil)); len(l) != 1 || l[0]["id"] != g2 {
			t.Fatalf("after destroy: %v", l)
		}

		// Avatar: an image only; "" clears it.
		wantInvalid(t, s.do("POST", "/api/user", p.alice, map[string]any{"avatar_file_id": wav}), "avatar_file_id")
		wantInvalid(t, s.do("POST", "/api/user", p.alice, map[string]any{"avatar_file_id": bobs}), "avatar_file_id")
		s.must(204, "POST", "/api/user", p.alice, map[string]any{"avatar_file_id": png})
		u := s.must(200, "GET", "/api/users/"+p.aliceID, p.admin, nil).JSON(t)
		if u["avatar_file_name"] != "me.png" || u["avatar_file_size"] != float64(len(pngFile)) || !strings.Contains(u["avatar_file_url"].(string), png) {
			t.Fatalf("avatar: %v", u)
		}
		s.must(204, "POST", "/api/user", p.alice, map[string]any{"avatar_file_id": ""})
		if u := s.must(200, "GET", "/api/user", p.alice, nil).JSON(t); u["avatar_file_url"] != "" && u["avatar_file_url"] != nil {
			t.Fatalf("avatar not cleared: %v", u)
		}
	})
}

func phoneBody(mac string) map[string]any {
	return map[string]any{
		"mac": mac, "vendor": "Yealink", "model": "T54W", "password": "Phone-web-pw-1", "language": "GERMAN",
		"transfer": "ATTENDED", "timezone": "Europe/Berlin", "ringtone": "Ring1.wav", "queue_ringtone": "Ring2.wav",
		"external_ringtone": "Ring3.wav", "date_format": "DD.MM.YYYY", "time_format": "24", "powerled": "on",
		"backlight": "30", "screensaver": "600", "rps": true, "https": true, "codecs": []any{"G722", "PCMA"},
		"enable_lldp": true, "enable_vlan_wan_port": true, "wan_port_id": 100, "wan_port_priority": 5,
		"enable_vlan_pc_port": true, "pc_port_id": 4094, "pc_port_priority": 0, "interface": "PRIVATE_IPV4",
		"preferred_transport": "TLS", "serial_number": "SN-1234", "door_password1": "0042", "door_password2": "123456",
	}
}

// overlay sets key, value pairs on body and returns it.
func overlay(body map[string]any, kv ...any) map[string]any {
	for i := 0; i < len(kv); i += 2 {
		body[kv[i].(string)] = kv[i+1]
	}
	return body
}

func phoneWith(kv ...any) map[string]any { return overlay(phoneBody("00:15:65:00:00:10"), kv...) }

// badCase is a body that must be refused naming field.
type badCase struct {
	name  string
	body  map[string]any
	field string
}

// wantRefused posts every case and checks the 4xx names the field.
func wantRefused(t *testing.T, s *server, path, token string, cases []badCase) {
	t.Helper()
	for _, c := range cases {
		r := s.do("POST", path, token, c.body)
		if r.Status/100 != 4 {
			t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
		}
		if _, f := r.ErrField(t); f != c.field {
			t.Fatalf("%s: field %q, want %q: %s", c.name, f, c.field, r.Body)
		}
	}
}

func TestPhones(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		wantRefused(t, s, "/api/user/phones", p.alice, []badCase{
			{"bad mac", phoneWith("mac", "00:15:65:00:00"), "mac"},
			{"mac not hex", phoneWith("mac", "00:15:65:00:00:zz"), "mac"},
			{"broadcast mac", phoneWith("mac", "ff:ff:ff:ff:ff:ff"), "mac"},
			{"unknown vendor", phoneWith("vendor", "Acme"), "vendor"},
			{"model of another vendor", phoneWith("model", "VVX450"), "model"},
			{"vlan 0", phoneWith("wan_port_id", 0), "wan_port_id"},
			{"vlan 4095", phoneWith("pc_port_id", 4095), "pc_port_id"},
			{"priority 8", phoneWith("wan_port_priority", 8), "wan_port_priority"},
			{"door password letters", phoneWith("door_password1", "12a4"), "door_password1"},
			{"door password sign", phoneWith("door_password2", "+123"), "door_password2"},
			{"unknown codec", phoneWith("codecs", []any{"G722", "SPEEX"}), "codecs[1]"},
			{"codec twice", phoneWith("codecs", []any{"G722", "G722"}), "codecs[1]"},
			{"filename with slash", phoneWith("filename", "../etc/passwd"), "filename"},
		})
		for _, bad := range []map[string]any{phoneWith("language", "KLINGON"), phoneWith("transfer", "SIDEWAYS"), phoneWith("preferred_transport", "SCTP")} {
			if r := s.do("POST", "/api/user/phones", p.alice, bad); r.Status != 422 && r.Status != 400 {
				t.Fatalf("bad enum: %d %s", r.Status, r.Body)
			}
		}
		if n := len(items(t, s.must(200, "GET", "/api/user/phones", p.alice, nil))); n != 0 {
			t.Fatalf("a refused phone was stored: %d", n)
		}

		// Created with a MAC in another spelling: stored normalised, every field kept, the password never shown.
		id := s.must(201, "POST", "/api/user/phones", p.alice, phoneBody("00-15-65-AB-CD-EF")).JSON(t)["id"].(string)
		r := s.must(200, "GET", "/api/user/phones/"+id, p.alice, nil)
		if strings.Contains(string(r.Body), "Phone-web-pw-1") || strings.Contains(string(r.Body), `"password"`) {
			t.Fatalf("phone password in the response: %s", r.Body)
		}
		ph := r.JSON(t)
		want := phoneBody("00:15:65:ab:cd:ef")
		delete(want, "password")
		for k, v := range want {
			if k == "codecs" {
				if c := ph[k].([]any); len(c) != 2 || c[0] != "G722" || c[1] != "PCMA" {
					t.Fatalf("codecs: %v", c)
				}
				continue
			}
			if ph[k] != v && !(isNum(v) && ph[k] == toF(v)) {
				t.Fatalf("%s = %v, want %v", k, ph[k], v)
			}
		}
		if ph["filename"] == "" {
			t.Fatalf("no default filename: %v", ph)
		}
		// The admin form sees the same phone.
		if a := s.must(200, "GET", "/api/users/"+p.aliceID+"/phones/"+id, p.admin, nil).JSON(t); a["mac"] != "00:15:65:ab:cd:ef" {
			t.Fatalf("admin form: %v", a)
		}
		// One MAC per tenant, whoever has it and however it is spelt.
		for _, mac := range []string{"001565abcdef", "0015.65ab.cdef", "00:15:65:AB:CD:EF"} {
			s.must(409, "POST", "/api/users/"+p.bobID+"/phones", p.admin, phoneBody(mac))
		}
		s.must(201, "POST", "/api/user/phones", globex, phoneBody("00:15:65:ab:cd:ef"))

		// Update keeps what is left out; validation applies; other users cannot touch it.
		s.must(204, "POST", "/api/user/phones/"+id, p.alice, map[string]any{"language": "FRENCH", "wan_port_id": 200})
		wantInvalid(t, s.do("POST", "/api/user/phones/"+id, p.alice, map[string]any{"wan_port_id": 5000}), "wan_port_id")
		ph = s.must(200, "GET", "/api/user/phones/"+id, p.alice, nil).JSON(t)
		if ph["language"] != "FRENCH" || ph["wan_port_id"] != float64(200) || ph["transfer"] != "ATTENDED" || ph["door_password1"] != "0042" {
			t.Fatalf("after update: %v", ph)
		}
		for _, path := range []string{"/api/user/phones/" + id, "/api/user/phones/" + id + "/destroy"} {
			s.must(404, "POST", path, p.bob, map[string]any{"language": "DUTCH"})
		}
		s.must(404, "GET", "/api/user/phones/"+id, p.bob, nil)
		s.must(404, "GET", "/api/users/"+p.bobID+"/phones/"+id, p.admin, nil) // alice's phone under bob's id
		s.must(404, "GET", "/api/users/"+p.aliceID+"/phones/"+id, globex, nil)
		s.must(403, "GET", "/api/users/"+p.aliceID+"/phones", p.bob, nil)
		s.must(204, "POST", "/api/users/"+p.aliceID+"/phones/"+id+"/destroy", p.admin, nil)
		s.must(404, "GET", "/api/user/phones/"+id, p.alice, nil)
		// The MAC is free again.
		s.must(201, "POST", "/api/users/"+p.bobID+"/phones", p.admin, phoneBody("00:15:65:ab:cd:ef"))
	})
}

func isNum(v any) bool { _, ok := v.(int); return ok }

func toF(v any) float64 { return float64(v.(int)) }

func TestSpeedDials(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		for _, c := range []struct {
			kind, code string
			ok         bool
		}{
			{"speed_dial_8", "2", true}, {"speed_dial_8", "9", true}, {"speed_dial_8", "1", false}, {"speed_dial_8", "0", false},
			{"speed_dial_8", "10", false}, {"speed_dial_8", "a", false},
			{"speed_dial_100", "00", true}, {"speed_dial_100", "99", true}, {"speed_dial_100", "5", false},
			{"speed_dial_100", "100", false}, {"speed_dial_100", "1a", false},
		} {
			r := s.do("POST", "/api/user/"+c.kind, p.alice, map[string]any{"code": c.code, "phone_number": "+15550123", "description": "x"})
			if c.ok && r.Status != 201 || !c.ok && r.Status/100 != 4 {
				t.Fatalf("%s code %q: %d %s", c.kind, c.code, r.Status, r.Body)
			}
			if !c.ok {
				if _, f := r.ErrField(t); f != "code" {
					t.Fatalf("%s code %q: field %q", c.kind, c.code, f)
				}
			}
		}
		wantInvalid(t, s.do("POST", "/api/user/speed_dial_8", p.alice, map[string]any{"code": "3", "phone_number": "call me"}), "phone_number")
		// A code twice for one user is 409; another user may use it.
		s.must(409, "POST", "/api/user/speed_dial_8", p.alice, map[string]any{"code": "2", "phone_number": "203"})
		s.must(409, "POST", "/api/users/"+p.aliceID+"/speed_dial_100", p.admin, map[string]any{"code": "00", "phone_number": "203"})
		bobs := s.must(201, "POST", "/api/user/speed_dial_8", p.bob, map[string]any{"code": "2", "phone_number": "201"}).JSON(t)["id"].(string)

		l := items(t, s.must(200, "GET", "/api/user/speed_dial_8", p.alice, nil))
		if len(l) != 2 {
			t.Fatalf("alice's speed dial 8: %v", l)
		}
		var two, nine string
		for _, d := range l {
			switch d["code"] {
			case "2":
				two = d["id"].(string)
			case "9":
				nine = d["id"].(string)
			}
		}
		// Moving 9 onto 2 conflicts; moving it to 3 works and keeps the rest.
		s.must(409, "POST", "/api/user/speed_dial_8/"+nine, p.alice, map[string]any{"code": "2"})
		s.must(204, "POST", "/api/users/"+p.aliceID+"/speed_dial_8/"+nine, p.admin, map[string]any{"code": "3"})
		d := s.must(200, "GET", "/api/user/speed_dial_8/"+nine, p.alice, nil).JSON(t)
		if d["code"] != "3" || d["phone_number"] != "+15550123" || d["description"] != "x" {
			t.Fatalf("after update: %v", d)
		}
		wantInvalid(t, s.do("POST", "/api/user/speed_dial_8/"+nine, p.alice, map[string]any{"code": "55"}), "code")
		// The two lists are separate, and other users' entries are out of reach.
		if n := len(items(t, s.must(200, "GET", "/api/user/speed_dial_100", p.alice, nil))); n != 2 {
			t.Fatalf("alice's speed dial 100: %d", n)
		}
		s.must(404, "GET", "/api/user/speed_dial_100/"+nine, p.alice, nil)
		s.must(404, "GET", "/api/user/speed_dial_8/"+bobs, p.alice, nil)
		s.must(404, "POST", "/api/user/speed_dial_8/"+bobs+"/destroy", p.alice, nil)
		s.must(204, "POST", "/api/user/speed_dial_8/"+two+"/destroy", p.alice, nil)
		s.must(404, "GET", "/api/user/speed_dial_8/"+two, p.alice, nil)
		s.must(201, "POST", "/api/user/speed_dial_8", p.alice, map[string]any{"code": "2", "phone_number": "202"})
		s.must(200, "GET", "/api/user/speed_dial_8/"+bobs, p.bob, nil)
	})
}

func holiday(name string, kv ...any) map[string]any {
	return overlay(map[string]any{"name": name, "region": "FRA", "consecutive": true, "every_year": false,
		"year_start": 2026, "year_end": 2026, "month_start": 12, "month_end": 12, "day_start": 24, "day_end": 26,
		"hour_start": 0, "hour_end": 23, "minute_start": 0, "minute_end": 59}, kv...)
}

func TestHolidays(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		wantRefused(t, s, "/api/user/holidays", p.alice, []badCase{
			{"no name", holiday(""), "name"},
			{"30 February", holiday("x", "month_start", 2, "day_start", 30, "month_end", 3, "day_end", 1), "day_start"},
			{"29 February 2026", holiday("x", "month_start", 2, "day_start", 29, "month_end", 3, "day_end", 1), "day_start"},
			{"month 13", holiday("x", "month_end", 13), "month_end"},
			{"end before start", holiday("x", "day_end", 23), "day_end"},
			{"end year before start", holiday("x", "year_end", 2025), "day_end"},
			{"two-letter region", holiday("x", "region", "FR"), "region"},
			{"unknown region", holiday("x", "region", "XYZ"), "region"},
			{"hour 24", holiday("x", "hour_end", 24), "hour_end"},
			{"minute 60", holiday("x", "minute_start", 60), "minute_start"},
			{"same day, end time first", holiday("x", "day_end", 24, "hour_start", 12, "hour_end", 9), "hour_end"},
			{"year 1900", holiday("x", "year_start", 1900), "year_start"},
		})
		// 29 February is a date in a leap year and every year.
		s.must(201, "POST", "/api/user/holidays", p.alice, holiday("leap", "year_start", 2028, "year_end", 2028, "month_start", 2, "day_start", 29, "month_end", 2, "day_end", 29))
		s.must(201, "POST", "/api/user/holidays", p.alice, holiday("leap yearly", "every_year", true, "year_end", 2030, "month_start", 2, "day_start", 29, "month_end", 3, "day_end", 1))
		id := s.must(201, "POST", "/api/users/"+p.aliceID+"/holidays", p.admin, holiday("Christmas")).JSON(t)["id"].(string)
		h := s.must(200, "GET", "/api/user/holidays/"+id, p.alice, nil).JSON(t)
		for k, v := range holiday("Christmas") {
			if h[k] != v && !(isNum(v) && h[k] == toF(v)) {
				t.Fatalf("%s = %v, want %v", k, h[k], v)
			}
		}
		s.must(204, "POST", "/api/user/holidays/"+id, p.alice, map[string]any{"name": "Noël", "day_end": 27})
		wantInvalid(t, s.do("POST", "/api/user/holidays/"+id, p.alice, map[string]any{"day_end": 20}), "day_end")
		if h := s.must(200, "GET", "/api/users/"+p.aliceID+"/holidays/"+id, p.admin, nil).JSON(t); h["name"] != "Noël" || h["day_end"] != float64(27) || h["region"] != "FRA" {
			t.Fatalf("after update: %v", h)
		}
		s.must(404, "GET", "/api/user/holidays/"+id, p.bob, nil)
		s.must(404, "POST", "/api/user/holidays/"+id+"/destroy", p.bob, nil)
		s.must(404, "GET", "/api/users/"+p.aliceID+"/holidays/"+id, globex, nil)
		if n := len(items(t, s.must(200, "GET", "/api/user/holidays", p.alice, nil))); n != 3 {
			t.Fatalf("alice's holidays: %d", n)
		}
		s.must(204, "POST", "/api/user/holidays/"+id+"/destroy", p.alice, nil)
		s.must(404, "GET", "/api/user/holidays/"+id, p.alice, nil)

		// Tenant holidays: Admins manage them; users read them and choose which they observe.
		s.must(403, "POST", "/api/holidays", p.alice, holiday("May Day"))
		wantInvalid(t, s.do("POST", "/api/holidays", p.admin, holiday("x", "region", "ZZZ")), "region")
		may := s.must(201, "POST", "/api/holidays", p.admin, holiday("May Day", "every_year", true, "year_end", 2099, "month_start", 5, "day_start", 1, "month_end", 5, "day_end", 1)).JSON(t)["id"].(string)
		xmas := s.must(201, "POST", "/api/holidays", p.admin, holiday("Christmas")).JSON(t)["id"].(string)
		foreign := s.must(201, "POST", "/api/holidays", globex, holiday("Their day")).JSON(t)["id"].(string)
		if l := s.must(200, "GET", "/api/holidays", p.admin, nil).JSON(t); l["count"] != float64(2) {
			t.Fatalf("tenant holidays: %v", l)
		}
		s.must(404, "GET", "/api/holidays/"+foreign, p.admin, nil)
		s.must(204, "POST", "/api/holidays/"+xmas, p.admin, map[string]any{"name": "Christmas Day"})

		if l := items(t, s.must(200, "GET", "/api/user/global_holidays", p.alice, nil)); len(l) != 0 {
			t.Fatalf("observed before choosing: %v", l)
		}
		// Unknown and foreign ids are refused and change nothing.
		wantInvalid(t, s.do("POST", "/api/user/global_holidays", p.alice, map[string]any{"items": []any{may, foreign}}), "items[1]")
		wantInvalid(t, s.do("POST", "/api/user/global_holidays", p.alice, map[string]any{"items": []any{"nosuchholiday"}}), "items[0]")
		if r := s.must(200, "POST", "/api/user/global_holidays", p.alice, map[string]any{"items": []any{may, xmas}}).JSON(t); r["id"] != p.aliceID {
			t.Fatalf("answer: %v", r)
		}
		l := items(t, s.must(200, "GET", "/api/users/"+p.aliceID+"/global_holidays", p.admin, nil))
		if len(l) != 2 {
			t.Fatalf("observed: %v", l)
		}
		names := l[0]["name"].(string) + "," + l[1]["name"].(string)
		if !strings.Contains(names, "May Day") || !strings.Contains(names, "Christmas Day") {
			t.Fatalf("observed names: %s", names)
		}
		// Deleting a tenant holiday stops everyone observing it.
		s.must(204, "POST", "/api/holidays/"+xmas+"/destroy", p.admin, nil)
		if l := items(t, s.must(200, "GET", "/api/user/global_holidays", p.alice, nil)); len(l) != 1 || l[0]["id"] != may {
			t.Fatalf("observed after destroy: %v", l)
		}
		s.must(200, "POST", "/api/users/"+p.aliceID+"/global_holidays", p.admin, map[string]any{"items": []any{}})
		if l := items(t, s.must(200, "GET", "/api/user/global_holidays", p.alice, nil)); len(l) != 0 {
			t.Fatalf("observed after clearing: %v", l)
		}
	})
}

func TestPresenceStatusCallerIDs(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		st := s.must(200, "GET", "/api/user/status", p.alice, nil)
		if !strings.Contains(string(st.Body), `"registration":[]`) {
			t.Fatalf("registration should be an empty list: %s", st.Body)
		}
		m := st.JSON(t)
		if m["status"] != "OFFLINE" || m["presence"] != "AVAILABLE" || m["enable_dnd"] != false {
			t.Fatalf("status: %v", m)
		}
		for _, v := range []string{"DO_NOT_DISTURB", "AWAY", "BUSINESS_TRIP", "LUNCH", "AVAILABLE"} {
			s.must(204, "POST", "/api/user/presence", p.alice, map[string]any{"presence": v, "presence_note": "note " + v})
			m := s.must(200, "GET", "/api/users/"+p.aliceID+"/status", p.admin, nil).JSON(t)
			if m["presence"] != v || m["presence_note"] != "note "+v {
				t.Fatalf("after %s: %v", v, m)
			}
		}
		for _, bad := range []map[string]any{{"presence": "ASLEEP"}, {"presence": ""}, {"presence": "AWAY", "presence_note": strings.Repeat("n", 129)}} {
			if r := s.do("POST", "/api/user/presence", p.alice, bad); r.Status/100 != 4 {
				t.Fatalf("presence %v: %d", bad, r.Status)
			}
		}
		s.must(204, "POST", "/api/user", p.alice, map[string]any{"enable_dnd": true})
		if m := s.must(200, "GET", "/api/user/status", p.alice, nil).JSON(t); m["enable_dnd"] != true || m["presence_note"] != "note AVAILABLE" {
			t.Fatalf("status with DND: %v", m)
		}
		s.must(403, "GET", "/api/users/"+p.aliceID+"/status", p.bob, nil)
		s.must(404, "GET", "/api/users/"+p.aliceID+"/status", globex, nil)
		// No device is registered: nothing to remove.
		s.must(404, "POST", "/api/users/"+p.aliceID+"/status/any-instance/destroy_status", p.admin, nil)

		// Outbound caller IDs: the preferred one first; two preferred are refused.
		wantInvalid(t, s.do("POST", "/api/user", p.alice, map[string]any{"outbound_caller_ids": []any{
			map[string]any{"caller_id": "+15550001", "preferred": true}, map[string]any{"caller_id": "+15550002", "preferred": true}}}), "outbound_caller_ids[1].preferred")
		s.must(204, "POST", "/api/users/"+p.aliceID, p.admin, map[string]any{"outbound_caller_ids": []any{
			map[string]any{"caller_id": "+15550001", "description": "main"},
			map[string]any{"caller_id": "+15550002", "preferred": true, "description": "sales"}}})
		ids := items(t, s.must(200, "GET", "/api/user/outbound_caller_ids", p.alice, nil))
		if len(ids) != 2 || ids[0]["caller_id"] != "+15550002" || ids[1]["caller_id"] != "+15550001" || ids[0]["description"] != "sales" {
			t.Fatalf("caller ids: %v", ids)
		}
		if ids := items(t, s.must(200, "GET", "/api/user/outbound_caller_ids", p.bob, nil)); len(ids) != 0 {
			t.Fatalf("bob's caller ids: %v", ids)
		}
	})
}

func TestBalance(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		if b := string(s.must(200, "GET", "/api/users/"+p.aliceID+"/balance", p.admin, nil).Body); !strings.Contains(b, `"balance":0`) {
			t.Fatalf("initial balance: %s", b)
		}
		// Balances come back with all five decimals.
		for _, v := range []struct{ in, out string }{{"0.00001", "0.00001"}, {"12345678.12345", "12345678.12345"},
			{"-42.5", "-42.50000"}, {"99999999999.99999", "99999999999.99999"}, {"7", "7.00000"}, {"0", "0.00000"}} {
			s.must(204, "POST", "/api/users/"+p.aliceID+"/balance", p.admin, `{"balance":`+v.in+`}`)
			got := string(s.must(200, "GET", "/api/users/"+p.aliceID+"/balance", p.admin, nil).Body)
			if strings.TrimSpace(got) != `{"balance":`+v.out+`}` {
				t.Fatalf("balance %s came back as %s", v, got)
			}
		}
		for _, bad := range []string{`{"balance":0.000001}`, `{"balance":"12"}`, `{"balance":1e400}`, `{"balance":123456789012345678901}`, `{}`} {
			r := s.do("POST", "/api/users/"+p.aliceID+"/balance", p.admin, bad)
			if r.Status/100 != 4 {
				t.Fatalf("balance %s: %d %s", bad, r.Status, r.Body)
			}
		}
		if got := string(s.must(200, "GET", "/api/users/"+p.aliceID+"/balance", p.admin, nil).Body); strings.TrimSpace(got) != `{"balance":0.00000}` {
			t.Fatalf("a refused balance changed it: %s", got)
		}
		s.must(403, "GET", "/api/users/"+p.aliceID+"/balance", p.alice, nil)
		s.must(403, "POST", "/api/users/"+p.aliceID+"/balance", p.alice, `{"balance":1000}`)
		s.must(404, "POST", "/api/users/"+p.aliceID+"/balance", globex, `{"balance":1000}`)
	})
}

func TestProfileResetAndMS365(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		custom := map[string]any{"enable_dnd": true, "enable_acb": true, "department": "Sales", "voicemail_pin": "424242",
			"busy_no_answer_forward_rule": map[string]any{"action": "FORWARD_TO_NUMBER", "number": "+15559999", "timeout": 30},
			"outbound_caller_ids":         []any{map[string]any{"caller_id": "+15550001"}}}
		s.must(204, "POST", "/api/users/"+p.aliceID, p.admin, custom)
		s.must(204, "POST", "/api/users/"+p.bobID, p.admin, map[string]any{"enable_dnd": true})
		s.must(204, "POST", "/api/user/presence", p.alice, map[string]any{"presence": "LUNCH", "presence_note": "back at 2"})
		fresh := s.createUser(p.admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203", "password": "Carol-password-1"})
		defaults := s.must(200, "GET", "/api/users/"+fresh, p.admin, nil).JSON(t)

		s.must(403, "POST", "/api/users/"+p.aliceID+"/profile", p.bob, nil)
		s.must(404, "POST", "/api/users/"+p.aliceID+"/profile", globex, nil)
		s.must(204, "POST", "/api/users/"+p.aliceID+"/profile", p.admin, nil)
		u := s.must(200, "GET", "/api/users/"+p.aliceID, p.admin, nil).JSON(t)
		for _, k := range []string{"enable_dnd", "enable_acb", "busy_no_answer_forward_rule", "available_office_hours_forward_rule", "office_hours"} {
			if jsonText(u[k]) != jsonText(defaults[k]) {
				t.Fatalf("%s after reset = %v, want the default %v", k, u[k], defaults[k])
			}
		}
		// Identity, caller IDs and PIN stay; presence goes back to AVAILABLE.
		if u["name"] != "alice" || u["department"] != "Sales" || u["extension_number"] != "201" || jsonText(u["outbound_caller_ids"]) == jsonText(defaults["outbound_caller_ids"]) {
			t.Fatalf("reset lost identity or caller ids: %v", u)
		}
		if m := s.must(200, "GET", "/api/user/status", p.alice, nil).JSON(t); m["presence"] != "AVAILABLE" || m["presence_note"] != "" {
			t.Fatalf("presence after reset: %v", m)
		}
		s.signIn("alice", "Alice-password-1", "acme.example")
		// Bob still has DND until the whole tenant is reset.
		if u := s.must(200, "GET", "/api/users/"+p.bobID, p.admin, nil).JSON(t); u["enable_dnd"] != true {
			t.Fatalf("bob was reset too: %v", u)
		}
		s.must(204, "POST", "/api/users/profile?id="+p.bobID, p.admin, nil)
		if u := s.must(200, "GET", "/api/users/"+p.bobID, p.admin, nil).JSON(t); u["enable_dnd"] != false {
			t.Fatalf("bob not reset: %v", u)
		}
		s.must(204, "POST", "/api/users/"+p.bobID, p.admin, map[string]any{"enable_dnd": true})
		s.must(204, "POST", "/api/users/"+p.aliceID, p.admin, map[string]any{"enable_acb": true})
		s.must(204, "POST", "/api/users/profile", p.admin, nil)
		if a, b := s.must(200, "GET", "/api/users/"+p.aliceID, p.admin, nil).JSON(t), s.must(200, "GET", "/api/users/"+p.bobID, p.admin, nil).JSON(t); a["enable_acb"] != false || b["enable_dnd"] != false {
			t.Fatalf("tenant-wide reset: alice %v bob %v", a["enable_acb"], b["enable_dnd"])
		}

		// Microsoft 365: bind by object id or principal name, once per tenant.
		guid := "1B2C3D4E-0000-4000-8000-00000000ABCD"
		wantInvalid(t, s.do("POST", "/api/users/"+p.aliceID+"/ms365_binding", p.admin, map[string]any{"id": "not a guid"}), "id")
		s.must(403, "POST", "/api/users/"+p.aliceID+"/ms365_binding", p.alice, map[string]any{"id": guid})
		s.must(404, "POST", "/api/users/"+p.aliceID+"/ms365_binding/destroy", p.admin, nil)
		s.must(204, "POST", "/api/users/"+p.aliceID+"/ms365_binding", p.admin, map[string]any{"id": guid})
		if u := s.must(200, "GET", "/api/users/"+p.aliceID, p.admin, nil).JSON(t); u["sync_type"] != "Microsoft 365" {
			t.Fatalf("sync_type: %v", u["sync_type"])
		}
		s.must(409, "POST", "/api/users/"+p.bobID+"/ms365_binding", p.admin, map[string]any{"id": strings.ToLower(guid)})
		s.must(204, "POST", "/api/users/"+p.bobID+"/ms365_binding", p.admin, map[string]any{"id": "bob@acme.onmicrosoft.com"})
		s.must(404, "POST", "/api/users/"+p.aliceID+"/ms365_binding/destroy", globex, nil)
		s.must(204, "POST", "/api/users/"+p.aliceID+"/ms365_binding/destroy", p.admin, nil)
		if u := s.must(200, "GET", "/api/users/"+p.aliceID, p.admin, nil).JSON(t); u["sync_type"] == "Microsoft 365" {
			t.Fatalf("still bound: %v", u["sync_type"])
		}
		s.must(404, "POST", "/api/users/"+p.aliceID+"/ms365_binding/destroy", p.admin, nil)
		s.must(204, "POST", "/api/users/"+p.aliceID+"/ms365_binding", p.admin, map[string]any{"id": guid})
	})
}

// TestSelfFormReachesOnlyOwnObjects tries every self-service item path
// with ids of another user of the tenant and of another tenant.
func TestSelfFormReachesOnlyOwnObjects(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		_, globex := s.tenant("globex.example")
		mallory := s.createUser(globex, map[string]any{"name": "mallory", "email": "m@globex.example", "extension_number": "201", "password": "Mallory-password-1"})
		_ = mallory
		mtok := s.signIn("mallory", "Mallory-password-1", "globex.example")
		made := map[string]map[string]any{
			"phones":         phoneBody("00:15:65:00:00:99"),
			"speed_dial_8":   {"code": "4", "phone_number": "201"},
			"speed_dial_100": {"code": "44", "phone_number": "201"},
			"holidays":       holiday("Mine"),
		}
		change := map[string]map[string]any{"phones": {"language": "DUTCH"}, "speed_dial_8": {"description": "mine now"},
			"speed_dial_100": {"description": "mine now"}, "holidays": {"name": "mine now"}}
		for x, body := range made {
			bobs := s.must(201, "POST", "/api/user/"+x, p.bob, body).JSON(t)["id"].(string)
			body2 := map[string]any{}
			for k, v := range body {
				body2[k] = v
			}
			if x == "phones" {
				body2["mac"] = "00:15:65:00:00:98"
			}
			foreign := s.must(201, "POST", "/api/user/"+x, mtok, body2).JSON(t)["id"].(string)
			before := string(s.must(200, "GET", "/api/user/"+x+"/"+bobs, p.bob, nil).Body)
			for _, id := range []string{bobs, foreign} {
				s.must(404, "GET", "/api/user/"+x+"/"+id, p.alice, nil)
				s.must(404, "POST", "/api/user/"+x+"/"+id, p.alice, change[x])
				s.must(404, "POST", "/api/user/"+x+"/"+id+"/destroy", p.alice, nil)
				// An admin of the tenant through the wrong user's path: 404 too.
				s.must(404, "GET", "/api/users/"+p.aliceID+"/"+x+"/"+id, p.admin, nil)
			}
			if after := string(s.must(200, "GET", "/api/user/"+x+"/"+bobs, p.bob, nil).Body); after != before {
				t.Fatalf("%s changed by another user:\n%s\n%s", x, before, after)
			}
			if l := items(t, s.must(200, "GET", "/api/user/"+x, p.alice, nil)); len(l) != 0 {
				t.Fatalf("alice's %s lists others': %v", x, l)
			}
			// Another tenant's admin cannot reach in by user id.
			s.must(404, "GET", "/api/users/"+p.bobID+"/"+x, globex, nil)
			s.must(404, "POST", "/api/users/"+p.bobID+"/"+x, globex, body)
		}
	})
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
