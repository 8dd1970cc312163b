package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// phone is a phone body with every field set.
func phone(mac string, change ...func(*client.PhoneInput)) client.PhoneInput {
	p := client.PhoneInput{
		MAC: &mac, Vendor: client.Ptr("Yealink"), Model: client.Ptr("T54W"), Password: client.Ptr("Phone-web-pw-1"),
		Language: client.Ptr("GERMAN"), Transfer: client.Ptr("ATTENDED"), Timezone: client.Ptr("Europe/Berlin"),
		Ringtone: client.Ptr("Ring1.wav"), QueueRingtone: client.Ptr("Ring2.wav"), ExternalRingtone: client.Ptr("Ring3.wav"),
		DateFormat: client.Ptr("DD.MM.YYYY"), TimeFormat: client.Ptr("24"), Powerled: client.Ptr("on"),
		Backlight: client.Ptr("30"), Screensaver: client.Ptr("600"), RPS: client.Ptr(true), HTTPS: client.Ptr(true),
		Codecs: []string{"G722", "PCMA"}, EnableLLDP: client.Ptr(true), EnableVLANWANPort: client.Ptr(true),
		WANPortID: client.Ptr(100), WANPortPriority: client.Ptr(5), EnableVLANPCPort: client.Ptr(true),
		PCPortID: client.Ptr(4094), PCPortPriority: client.Ptr(0), Interface: client.Ptr("PRIVATE_IPV4"),
		PreferredTransport: client.Ptr("TLS"), SerialNumber: client.Ptr("SN-1234"),
		DoorPassword1: client.Ptr("0042"), DoorPassword2: client.Ptr("123456"),
	}
	for _, f := range change {
		f(&p)
	}
	return p
}

// phoneWith is phone with one change of the default MAC's phone.
func phoneWith(change func(*client.PhoneInput)) client.PhoneInput {
	return phone("00:15:65:00:00:10", change)
}

func TestPhones(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		_, globex := s.newTenant("globex.example")
		phones := p.alice.Me().Phones()
		for _, c := range []struct {
			name  string
			body  client.PhoneInput
			field string
		}{
			{"bad mac", phoneWith(func(p *client.PhoneInput) { p.MAC = client.Ptr("00:15:65:00:00") }), "mac"},
			{"mac not hex", phoneWith(func(p *client.PhoneInput) { p.MAC = client.Ptr("00:15:65:00:00:zz") }), "mac"},
			{"broadcast mac", phoneWith(func(p *client.PhoneInput) { p.MAC = client.Ptr("ff:ff:ff:ff:ff:ff") }), "mac"},
			{"unknown vendor", phoneWith(func(p *client.PhoneInput) { p.Vendor = client.Ptr("Acme") }), "vendor"},
			{"model of another vendor", phoneWith(func(p *client.PhoneInput) { p.Model = client.Ptr("VVX450") }), "model"},
			{"vlan 0", phoneWith(func(p *client.PhoneInput) { p.WANPortID = client.Ptr(0) }), "wan_port_id"},
			{"vlan 4095", phoneWith(func(p *client.PhoneInput) { p.PCPortID = client.Ptr(4095) }), "pc_port_id"},
			{"priority 8", phoneWith(func(p *client.PhoneInput) { p.WANPortPriority = client.Ptr(8) }), "wan_port_priority"},
			{"door password letters", phoneWith(func(p *client.PhoneInput) { p.DoorPassword1 = client.Ptr("12a4") }), "door_password1"},
			{"door password sign", phoneWith(func(p *client.PhoneInput) { p.DoorPassword2 = client.Ptr("+123") }), "door_password2"},
			{"unknown codec", phoneWith(func(p *client.PhoneInput) { p.Codecs = []string{"G722", "SPEEX"} }), "codecs[1]"},
			{"codec twice", phoneWith(func(p *client.PhoneInput) { p.Codecs = []string{"G722", "G722"} }), "codecs[1]"},
			{"filename with slash", phoneWith(func(p *client.PhoneInput) { p.Filename = client.Ptr("../etc/passwd") }), "filename"},
		} {
			_, err := phones.Create(ctx, c.body)
			if st := status(err); st/100 != 4 {
				t.Fatalf("%s: %d %v", c.name, st, err)
			}
			if _, f := errField(t, err); f != c.field {
				t.Fatalf("%s: field %q, want %q: %v", c.name, f, c.field, err)
			}
		}
		for _, bad := range []client.PhoneInput{phoneWith(func(p *client.PhoneInput) { p.Language = client.Ptr("KLINGON") }),
			phoneWith(func(p *client.PhoneInput) { p.Transfer = client.Ptr("SIDEWAYS") }),
			phoneWith(func(p *client.PhoneInput) { p.PreferredTransport = client.Ptr("SCTP") })} {
			if st := status(ign(phones.Create(ctx, bad))); st != 422 && st != 400 {
				t.Fatalf("bad enum: %d", st)
			}
		}
		if n := len(ok(phones.List(ctx))(s)); n != 0 {
			t.Fatalf("a refused phone was stored: %d", n)
		}

		// Created with a MAC in another spelling: stored normalised, every field kept, the password never shown.
		id := ok(phones.Create(ctx, phone("00-15-65-AB-CD-EF")))(s)
		r := s.must(200, "GET", "/api/user/phones/"+id, p.alice, nil)
		if strings.Contains(string(r.Body), "Phone-web-pw-1") || strings.Contains(string(r.Body), `"password"`) {
			t.Fatalf("phone password in the response: %s", r.Body)
		}
		ph := toMap(t, ok(phones.Get(ctx, id))(s))
		want := toMap(t, phone("00:15:65:ab:cd:ef"))
		delete(want, "password")
		for k, v := range want {
			if jsonText(ph[k]) != jsonText(v) {
				t.Fatalf("%s = %v, want %v", k, ph[k], v)
			}
		}
		if ph["filename"] == "" {
			t.Fatalf("no default filename: %v", ph)
		}
		// The admin form sees the same phone.
		if a := ok(p.admin.ForUser(p.aliceID).Phones().Get(ctx, id))(s); a.MAC != "00:15:65:ab:cd:ef" {
			t.Fatalf("admin form: %+v", a)
		}
		// One MAC per tenant, whoever has it and however it is spelt.
		for _, mac := range []string{"001565abcdef", "0015.65ab.cdef", "00:15:65:AB:CD:EF"} {
			wantStatus(t, ign(p.admin.ForUser(p.bobID).Phones().Create(ctx, phone(mac))), 409, "MAC "+mac+" again")
		}
		ok(globex.Me().Phones().Create(ctx, phone("00:15:65:ab:cd:ef")))(s)

		// Update keeps what is left out; validation applies; other users cannot touch it.
		s.ok(phones.Update(ctx, id, client.PhoneInput{Language: client.Ptr("FRENCH"), WANPortID: client.Ptr(200)}))
		wantInvalid(t, phones.Update(ctx, id, client.PhoneInput{WANPortID: client.Ptr(5000)}), "wan_port_id")
		got := ok(phones.Get(ctx, id))(s)
		if got.Language != "FRENCH" || got.WANPortID != 200 || got.Transfer != "ATTENDED" || got.DoorPassword1 != "0042" {
			t.Fatalf("after update: %+v", got)
		}
		bobs := p.bob.Me().Phones()
		wantStatus(t, bobs.Update(ctx, id, client.PhoneInput{Language: client.Ptr("DUTCH")}), 404, "bob changes alice's phone")
		wantStatus(t, bobs.Delete(ctx, id), 404, "bob deletes alice's phone")
		wantStatus(t, ign(bobs.Get(ctx, id)), 404, "bob reads alice's phone")
		wantStatus(t, ign(p.admin.ForUser(p.bobID).Phones().Get(ctx, id)), 404, "alice's phone under bob's id")
		wantStatus(t, ign(globex.ForUser(p.aliceID).Phones().Get(ctx, id)), 404, "another tenant reads the phone")
		wantStatus(t, ign(p.bob.ForUser(p.aliceID).Phones().List(ctx)), 403, "bob lists alice's phones")
		s.ok(p.admin.ForUser(p.aliceID).Phones().Delete(ctx, id))
		wantStatus(t, ign(phones.Get(ctx, id)), 404, "a deleted phone")
		// The MAC is free again.
		ok(p.admin.ForUser(p.bobID).Phones().Create(ctx, phone("00:15:65:ab:cd:ef")))(s)
	})
}

func TestSpeedDials(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		dial := func(code, number string) client.SpeedDialInput {
			return client.SpeedDialInput{Code: &code, PhoneNumber: &number}
		}
		lists := map[string]func(*client.UserScope) client.Collection[client.SpeedDial, client.SpeedDialInput]{
			"speed_dial_8": (*client.UserScope).SpeedDial8, "speed_dial_100": (*client.UserScope).SpeedDial100,
		}
		for _, c := range []struct {
			kind, code string
			ok         bool
		}{
			{"speed_dial_8", "2", true}, {"speed_dial_8", "9", true}, {"speed_dial_8", "1", false}, {"speed_dial_8", "0", false},
			{"speed_dial_8", "10", false}, {"speed_dial_8", "a", false},
			{"speed_dial_100", "00", true}, {"speed_dial_100", "99", true}, {"speed_dial_100", "5", false},
			{"speed_dial_100", "100", false}, {"speed_dial_100", "1a", false},
		} {
			in := dial(c.code, "+15550123")
			in.Description = client.Ptr("x")
			_, err := lists[c.kind](p.alice.Me()).Create(ctx, in)
			if st := status(err); c.ok && err != nil || !c.ok && st/100 != 4 {
				t.Fatalf("%s code %q: %v", c.kind, c.code, err)
			}
			if !c.ok {
				if _, f := errField(t, err); f != "code" {
					t.Fatalf("%s code %q: field %q", c.kind, c.code, f)
				}
			}
		}
		sd8 := p.alice.Me().SpeedDial8()
		wantInvalid(t, ign(sd8.Create(ctx, dial("3", "call me"))), "phone_number")
		// A code twice for one user is 409; another user may use it.
		wantStatus(t, ign(sd8.Create(ctx, dial("2", "203"))), 409, "code 2 twice")
		wantStatus(t, ign(p.admin.ForUser(p.aliceID).SpeedDial100().Create(ctx, dial("00", "203"))), 409, "code 00 twice")
		bobs := ok(p.bob.Me().SpeedDial8().Create(ctx, dial("2", "201")))(s)

		l := ok(sd8.List(ctx))(s)
		if len(l) != 2 {
			t.Fatalf("alice's speed dial 8: %+v", l)
		}
		var two, nine string
		for _, d := range l {
			switch d.Code {
			case "2":
				two = d.ID
			case "9":
				nine = d.ID
			}
		}
		// Moving 9 onto 2 conflicts; moving it to 3 works and keeps the rest.
		wantStatus(t, sd8.Update(ctx, nine, client.SpeedDialInput{Code: client.Ptr("2")}), 409, "move 9 onto 2")
		s.ok(p.admin.ForUser(p.aliceID).SpeedDial8().Update(ctx, nine, client.SpeedDialInput{Code: client.Ptr("3")}))
		if d := ok(sd8.Get(ctx, nine))(s); d.Code != "3" || d.PhoneNumber != "+15550123" || d.Description != "x" {
			t.Fatalf("after update: %+v", d)
		}
		wantInvalid(t, sd8.Update(ctx, nine, client.SpeedDialInput{Code: client.Ptr("55")}), "code")
		// The two lists are separate, and other users' entries are out of reach.
		if n := len(ok(p.alice.Me().SpeedDial100().List(ctx))(s)); n != 2 {
			t.Fatalf("alice's speed dial 100: %d", n)
		}
		wantStatus(t, ign(p.alice.Me().SpeedDial100().Get(ctx, nine)), 404, "a speed dial 8 in the 100 list")
		wantStatus(t, ign(sd8.Get(ctx, bobs)), 404, "bob's speed dial")
		wantStatus(t, sd8.Delete(ctx, bobs), 404, "delete bob's speed dial")
		s.ok(sd8.Delete(ctx, two))
		wantStatus(t, ign(sd8.Get(ctx, two)), 404, "a deleted speed dial")
		ok(sd8.Create(ctx, dial("2", "202")))(s)
		ok(p.bob.Me().SpeedDial8().Get(ctx, bobs))(s)
	})
}

// ownCase is one kind of a user's objects, for TestSelfFormReachesOnlyOwnObjects.
type ownCase struct {
	name   string
	create func(u *client.UserScope, n int) (string, error) // n varies what must be unique
	get    func(u *client.UserScope, id string) (any, error)
	update func(u *client.UserScope, id string) error
	del    func(u *client.UserScope, id string) error
	list   func(u *client.UserScope) (int, error)
}

// ownCaseOf makes the ownCase of a collection.
func ownCaseOf[T, I any](name string, col func(*client.UserScope) client.Collection[T, I], body func(n int) I, change I) ownCase {
	ctx := context.Background()
	return ownCase{name: name,
		create: func(u *client.UserScope, n int) (string, error) { return col(u).Create(ctx, body(n)) },
		get:    func(u *client.UserScope, id string) (any, error) { return col(u).Get(ctx, id) },
		update: func(u *client.UserScope, id string) error { return col(u).Update(ctx, id, change) },
		del:    func(u *client.UserScope, id string) error { return col(u).Delete(ctx, id) },
		list: func(u *client.UserScope) (int, error) {
			l, err := col(u).List(ctx)
			return len(l), err
		},
	}
}

// TestSelfFormReachesOnlyOwnObjects tries every self-service item path
// with ids of another user of the tenant and of another tenant.
func TestSelfFormReachesOnlyOwnObjects(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		_, globex := s.newTenant("globex.example")
		ok(globex.CreateUser(ctx, client.UserCreate{Name: "mallory", Email: "m@globex.example", ExtensionNumber: "201", Password: "Mallory-password-1"}))(s)
		mallory := s.login("mallory", "Mallory-password-1", "globex.example")
		dial := func(code string) func(int) client.SpeedDialInput {
			return func(int) client.SpeedDialInput {
				return client.SpeedDialInput{Code: &code, PhoneNumber: client.Ptr("201")}
			}
		}
		macs := []string{"00:15:65:00:00:99", "00:15:65:00:00:98"}
		for _, x := range []ownCase{
			ownCaseOf("phones", (*client.UserScope).Phones, func(n int) client.PhoneInput { return phone(macs[n]) },
				client.PhoneInput{Language: client.Ptr("DUTCH")}),
			ownCaseOf("speed_dial_8", (*client.UserScope).SpeedDial8, dial("4"), client.SpeedDialInput{Description: client.Ptr("mine now")}),
			ownCaseOf("speed_dial_100", (*client.UserScope).SpeedDial100, dial("44"), client.SpeedDialInput{Description: client.Ptr("mine now")}),
			ownCaseOf("holidays", (*client.UserScope).Holidays, func(int) client.HolidayInput { return newHoliday("Mine") },
				client.HolidayInput{Name: client.Ptr("mine now")}),
		} {
			bobs := ok(x.create(p.bob.Me(), 0))(s)
			foreign := ok(x.create(mallory.Me(), 1))(s)
			before := jsonText(ok(x.get(p.bob.Me(), bobs))(s))
			for _, id := range []string{bobs, foreign} {
				wantStatus(t, ign(x.get(p.alice.Me(), id)), 404, x.name+": alice reads another's")
				wantStatus(t, x.update(p.alice.Me(), id), 404, x.name+": alice changes another's")
				wantStatus(t, x.del(p.alice.Me(), id), 404, x.name+": alice deletes another's")
				// An admin of the tenant through the wrong user's path: 404 too.
				wantStatus(t, ign(x.get(p.admin.ForUser(p.aliceID), id)), 404, x.name+": under alice's id")
			}
			if after := jsonText(ok(x.get(p.bob.Me(), bobs))(s)); after != before {
				t.Fatalf("%s changed by another user:\n%s\n%s", x.name, before, after)
			}
			if n := ok(x.list(p.alice.Me()))(s); n != 0 {
				t.Fatalf("alice's %s lists others': %d", x.name, n)
			}
			// Another tenant's admin cannot reach in by user id.
			wantStatus(t, ign(x.list(globex.ForUser(p.bobID))), 404, x.name+": another tenant lists bob's")
			wantStatus(t, ign(x.create(globex.ForUser(p.bobID), 0)), 404, x.name+": another tenant creates for bob")
		}
	})
}
