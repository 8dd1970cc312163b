package e2e

import (
	"fmt"
	"testing"
)

// TestUserDependents: before removing a user an admin sees what depends
// on it — its mailbox, groups, phones, and the other users' BLF keys,
// speed dials and forward rules pointing at its extension — then removes
// it keeping the mailbox (detached, greetings listed) or not.
func TestUserDependents(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		p := makePeople(s, "acme.example")
		carol := s.createUser(p.admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "2010", "password": "Carol-password-1",
			"blfs": []any{map[string]any{"key": "3", "value": "2011"}}}) // mentions 201 only as a prefix
		// alice (201): a group, a phone, a greeting.
		gid := s.must(201, "POST", "/api/groups", p.admin, map[string]any{"name": "sales"}).JSON(t)["id"].(string)
		s.must(204, "POST", "/api/groups/"+gid+"/members/201", p.admin, nil)
		s.must(201, "POST", "/api/users/"+p.aliceID+"/phones", p.admin, phoneBody("00-15-65-AB-CD-EF"))
		wav := s.upload(p.alice, "hello.wav", wavFile).JSON(t)["id"].(string)
		s.must(201, "POST", "/api/user/greetings", p.alice, map[string]any{"file_id": wav})
		// bob (202) points at 201 four ways.
		s.must(204, "POST", "/api/users/"+p.bobID, p.admin, map[string]any{
			"blfs":                              []any{map[string]any{"key": "1", "value": "201", "first_name": "Alice"}},
			"busy_office_hours_forward_rule":    map[string]any{"action": "FORWARD_TO_NUMBER", "number": "201"},
			"available_no_answer_forward_rule":  map[string]any{"action": "FORWARD_TO_NUMBER", "number": "201", "timeout": 20},
			"follow_me":                         map[string]any{"enabled": true, "numbers": []any{"+33611111111", "201"}},
			"dnd_non_office_hours_forward_rule": map[string]any{"action": "FORWARD_TO_NUMBER", "number": "2010"}, // carol, not alice
		})
		s.must(201, "POST", "/api/user/speed_dial_8", p.bob, map[string]any{"code": "2", "phone_number": "201"})
		s.must(201, "POST", "/api/user/speed_dial_8", p.bob, map[string]any{"code": "3", "phone_number": "2010"})

		s.must(403, "GET", "/api/users/"+p.aliceID+"/dependents", p.bob, nil)
		_, globex := s.tenant("globex.example")
		s.must(404, "GET", "/api/users/"+p.aliceID+"/dependents", globex, nil)
		d := s.must(200, "GET", "/api/users/"+p.aliceID+"/dependents", p.admin, nil).JSON(t)
		mb := d["mailbox"].(map[string]any)
		str := func(k string) string { return fmt.Sprint(d[k]) }
		if mb["greetings"] != float64(1) || len(d["groups"].([]any)) != 1 || len(d["phones"].([]any)) != 1 ||
			str("blf_keys") != fmt.Sprintf("[map[setting:blfs key 1 user_id:%s user_name:bob]]", p.bobID) ||
			str("speed_dials") != fmt.Sprintf("[map[setting:8 code 2 user_id:%s user_name:bob]]", p.bobID) ||
			len(d["forward_rules"].([]any)) != 3 {
			t.Fatalf("dependents: %s", s.must(200, "GET", "/api/users/"+p.aliceID+"/dependents", p.admin, nil).Body)
		}
		// carol's extension is named by bob's DND rule and speed dial 3.
		dc := s.must(200, "GET", "/api/users/"+carol+"/dependents", p.admin, nil).JSON(t)
		if len(dc["forward_rules"].([]any)) != 1 || len(dc["speed_dials"].([]any)) != 1 || len(dc["blf_keys"].([]any)) != 0 {
			t.Fatalf("carol's dependents: %v", dc)
		}

		// A bad choice changes nothing; KEEP detaches the mailbox.
		wantInvalid(t, s.do("POST", "/api/users/"+p.aliceID+"/destroy", p.admin, map[string]any{"mailbox": "ARCHIVE"}), "mailbox")
		s.must(200, "GET", "/api/users/"+p.aliceID, p.admin, nil)
		s.must(403, "GET", "/api/mailboxes/detached", p.bob, nil)
		s.must(204, "POST", "/api/users/"+p.aliceID+"/destroy", p.admin, map[string]any{"mailbox": "KEEP"})
		s.must(404, "GET", "/api/users/"+p.aliceID, p.admin, nil)
		kept := items(t, s.must(200, "GET", "/api/mailboxes/detached", p.admin, nil))
		if len(kept) != 1 || kept[0]["extension"] != "201" || kept[0]["user_name"] != "alice" || len(kept[0]["greetings"].([]any)) != 1 {
			t.Fatalf("detached mailboxes: %v", kept)
		}
		if n := len(items(t, s.must(200, "GET", "/api/mailboxes/detached", globex, nil))); n != 0 {
			t.Fatalf("another tenant sees %d mailboxes", n)
		}
		// DELETE (and no body) removes the mailbox with the user.
		s.must(204, "POST", "/api/users/"+carol+"/destroy", p.admin, map[string]any{"mailbox": "DELETE"})
		s.must(204, "POST", "/api/users/"+p.bobID+"/destroy", p.admin, nil)
		if n := len(items(t, s.must(200, "GET", "/api/mailboxes/detached", p.admin, nil))); n != 1 {
			t.Fatalf("%d detached mailboxes", n)
		}
	})
}
