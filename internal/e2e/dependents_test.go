package e2e

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// TestUserDependents: before removing a user an admin sees what depends
// on it — its mailbox, groups, phones, and the other users' BLF keys,
// speed dials and forward rules pointing at its extension — then removes
// it keeping the mailbox (detached, greetings listed) or not.
func TestUserDependents(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		frenchTenant(t, s, "acme.example")
		carol := ok(p.admin.CreateUser(ctx, client.UserCreate{Name: "carol", Email: "carol@acme.example", ExtensionNumber: "2010",
			Password: "Carol-password-1", BLFs: []client.BLF{{Key: "3", Value: "2011"}}}))(s) // mentions 201 only as a prefix
		// alice (201): a group, a phone, a greeting.
		gid := ok(p.admin.CreateGroup(ctx, client.GroupInput{Name: client.Ptr("sales")}))(s)
		s.ok(p.admin.AddGroupMember(ctx, gid, "201"))
		ok(p.admin.ForUser(p.aliceID).Phones().Create(ctx, phone("00-15-65-AB-CD-EF")))(s)
		ok(p.alice.Me().CreateGreeting(ctx, upload(s, p.alice, "hello.wav", wavFile)))(s)
		// bob (202) points at 201 four ways.
		s.ok(p.admin.UpdateUser(ctx, p.bobID, client.UserUpdate{
			BLFs:                         []client.BLF{{Key: "1", Value: "201", FirstName: "Alice"}},
			BusyOfficeHoursForwardRule:   &client.ForwardRule{Action: "FORWARD_TO_NUMBER", Number: "201"},
			AvailableNoAnswerForwardRule: &client.NoAnswerForwardRule{Action: "FORWARD_TO_NUMBER", Number: "201", Timeout: 20},
			FollowMe:                     &client.FollowMeUpdate{Enabled: client.Ptr(true), Numbers: []string{"+33611111111", "201"}},
			DNDNonOfficeHoursForwardRule: &client.ForwardRule{Action: "FORWARD_TO_NUMBER", Number: "2010"}, // carol, not alice
		}))
		ok(p.bob.Me().SpeedDial8().Create(ctx, client.SpeedDialInput{Code: client.Ptr("2"), PhoneNumber: client.Ptr("201")}))(s)
		ok(p.bob.Me().SpeedDial8().Create(ctx, client.SpeedDialInput{Code: client.Ptr("3"), PhoneNumber: client.Ptr("2010")}))(s)

		wantStatus(t, ign(p.bob.UserDependents(ctx, p.aliceID)), 403, "bob reads alice's dependents")
		_, globex := s.newTenant("globex.example")
		wantStatus(t, ign(globex.UserDependents(ctx, p.aliceID)), 404, "another tenant reads them")
		d := ok(p.admin.UserDependents(ctx, p.aliceID))(s)
		if d.Mailbox.Greetings != 1 || len(d.Groups) != 1 || len(d.Phones) != 1 ||
			fmt.Sprint(d.BLFKeys) != fmt.Sprintf("[{%s bob blfs key 1}]", p.bobID) ||
			fmt.Sprint(d.SpeedDials) != fmt.Sprintf("[{%s bob 8 code 2}]", p.bobID) ||
			len(d.ForwardRules) != 3 {
			t.Fatalf("dependents: %+v", d)
		}
		// carol's extension is named by bob's DND rule and speed dial 3.
		if dc := ok(p.admin.UserDependents(ctx, carol))(s); len(dc.ForwardRules) != 1 || len(dc.SpeedDials) != 1 || len(dc.BLFKeys) != 0 {
			t.Fatalf("carol's dependents: %+v", dc)
		}

		// A bad choice changes nothing; KEEP detaches the mailbox.
		wantInvalid(t, p.admin.DeleteUser(ctx, p.aliceID, "ARCHIVE"), "mailbox")
		ok(p.admin.GetUser(ctx, p.aliceID))(s)
		wantStatus(t, ign(p.bob.ListDetachedMailboxes(ctx)), 403, "a user lists detached mailboxes")
		s.ok(p.admin.DeleteUser(ctx, p.aliceID, client.KeepMailbox))
		wantStatus(t, ign(p.admin.GetUser(ctx, p.aliceID)), 404, "a deleted user")
		kept := ok(p.admin.ListDetachedMailboxes(ctx))(s)
		var greetings []json.RawMessage
		if len(kept) == 1 {
			_ = json.Unmarshal(kept[0].Greetings, &greetings)
		}
		if len(kept) != 1 || kept[0].Extension != "201" || kept[0].UserName != "alice" || len(greetings) != 1 {
			t.Fatalf("detached mailboxes: %+v", kept)
		}
		if n := len(ok(globex.ListDetachedMailboxes(ctx))(s)); n != 0 {
			t.Fatalf("another tenant sees %d mailboxes", n)
		}
		// DELETE (and no body) removes the mailbox with the user.
		s.ok(p.admin.DeleteUser(ctx, carol, client.DeleteMailbox))
		s.ok(p.admin.DeleteUser(ctx, p.bobID, ""))
		if n := len(ok(p.admin.ListDetachedMailboxes(ctx))(s)); n != 1 {
			t.Fatalf("%d detached mailboxes", n)
		}
	})
}
