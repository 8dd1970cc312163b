package e2e

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
)

// TestErrorsSayWhatToDo: the answers a newcomer's first mistakes get name
// the fix (issue 21): a form body is told to send JSON, a wrong method
// gets 405 with Allow, a read-only field is called read-only, and a rule
// switched to another action without its number loses the old number
// instead of contradicting it.
func TestErrorsSayWhatToDo(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.newTenant("first.example")

		r, err := adm.Raw(context.Background(), "POST", "/api/users", "application/x-www-form-urlencoded", []byte("name=bob"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != 415 || !strings.Contains(string(r.Body), "Content-Type: application/json") ||
			!strings.Contains(string(r.Body), "application/x-www-form-urlencoded") {
			t.Fatalf("form body: %d %s", r.Status, r.Body)
		}

		r405 := s.must(405, "PUT", "/api/users", adm, `{}`)
		if got := r405.Header.Get("Allow"); got != "GET, POST" {
			t.Fatalf("Allow %q", got)
		}
		if !strings.Contains(string(r405.Body), "use GET or POST") {
			t.Fatalf("405 body %s", r405.Body)
		}
		if got := s.must(405, "DELETE", "/api/users/some-id", adm, nil).Header.Get("Allow"); got != "GET, POST" {
			t.Fatalf("Allow on a user %q", got)
		}
		s.must(404, "PUT", "/api/no/such/thing", adm, `{}`)

		bad := s.must(422, "POST", "/api/user", adm, `{"created_at":"2020-01-01T00:00:00Z"}`)
		if _, field := bad.ErrField(t); field != "created_at" || !strings.Contains(string(bad.Body), "is read-only") {
			t.Fatalf("read-only field: %s", bad.Body)
		}

		s.must(204, "POST", "/api/user", adm, `{"available_office_hours_forward_rule":{"action":"FORWARD_TO_NUMBER","number":"+14155552671"}}`)
		s.must(204, "POST", "/api/user", adm, `{"available_office_hours_forward_rule":{"action":"RING_EXTENSION"}}`)
		rule := s.must(200, "GET", "/api/user", adm, nil).JSON(t)["available_office_hours_forward_rule"].(map[string]any)
		if rule["action"] != "RING_EXTENSION" || rule["number"] != "" {
			t.Fatalf("rule after switching action: %v", rule)
		}
		// Sending a number alone keeps the action and sets the number.
		s.must(204, "POST", "/api/user", adm, `{"busy_no_answer_forward_rule":{"action":"FORWARD_TO_NUMBER","number":"+14155552672","timeout":25}}`)
		s.must(204, "POST", "/api/user", adm, `{"busy_no_answer_forward_rule":{"number":"+14155552673"}}`)
		nr := s.must(200, "GET", "/api/user", adm, nil).JSON(t)["busy_no_answer_forward_rule"].(map[string]any)
		if nr["action"] != "FORWARD_TO_NUMBER" || nr["number"] != "+14155552673" || nr["timeout"] != float64(25) {
			t.Fatalf("no-answer rule after a number alone: %v", nr)
		}
	})
}

// TestContractFieldsTransportsAndHolidayCount: the contract's user object
// has transports (where the phones reach the server) and its holiday
// lists a count.
func TestContractFieldsTransportsAndHolidayCount(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, adm := s.newTenant("fields.example")
		_, portStr, _ := net.SplitHostPort(s.app.SIPAddr())
		port, _ := strconv.Atoi(portStr)
		for _, path := range []string{"/api/user", "/api/users/" + s.must(200, "GET", "/api/user", adm, nil).JSON(t)["id"].(string)} {
			ts, ok := s.must(200, "GET", path, adm, nil).JSON(t)["transports"].([]any)
			if !ok || len(ts) != 2 {
				t.Fatalf("%s transports: %v", path, ts)
			}
			for i, want := range []string{"UDP", "TCP"} {
				tr := ts[i].(map[string]any)
				if tr["protocol"] != want || tr["port"] != float64(port) || tr["verification"] != "DISABLE" {
					t.Fatalf("%s transport %d: %v (SIP port %d)", path, i, tr, port)
				}
			}
		}
		bad := s.must(422, "POST", "/api/user", adm, `{"transports":[]}`)
		if _, field := bad.ErrField(t); field != "transports" || !strings.Contains(string(bad.Body), "read-only") {
			t.Fatalf("setting transports: %s", bad.Body)
		}

		if n := s.must(200, "GET", "/api/user/holidays", adm, nil).JSON(t)["count"]; n != float64(0) {
			t.Fatalf("empty holiday list count %v", n)
		}
		s.must(201, "POST", "/api/user/holidays", adm, `{"name":"Founders day","year_start":2026,"year_end":2026,"month_start":3,"day_start":1,"month_end":3,"day_end":1,"hour_start":0,"hour_end":23,"minute_start":0,"minute_end":59,"every_year":true}`)
		if n := s.must(200, "GET", "/api/user/holidays", adm, nil).JSON(t)["count"]; n != float64(1) {
			t.Fatalf("holiday list count %v", n)
		}
	})
}
