package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
)

// at parses an RFC 3339 time of a test's fixture.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// cdr is a call record of a switch for the user with extension ext.
func cdr(ext, callID, dir string, start time.Time, change ...func(*client.CDRInput)) client.CDRInput {
	c := client.CDRInput{Extension: ext, Caller: "+14155550100", Callee: ext, CalleeDomain: "acme.example",
		StartedAt: start, CallID: callID, Direction: dir, EndReason: "CALLER_DISCONNECTED", StatusCode: 200}
	for _, f := range change {
		f(&c)
	}
	return c
}

// replicator creates the tenant's switch, a user with the Replicator role,
// and signs it in.
func replicator(s *server, admin *client.Client, domain string) *client.Client {
	s.t.Helper()
	ok(admin.CreateUser(s.t.Context(), client.UserCreate{Name: "switch", Email: "switch@" + domain, ExtensionNumber: "990",
		Password: "Switch-password-1", Role: "Replicator"}))(s)
	return s.login("switch", "Switch-password-1", domain)
}

func TestCDRs(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		_, globex := s.newTenant("globex.example")
		sw := replicator(s, p.admin, "acme.example")
		ten := at("2026-11-24T10:00:00Z")

		answered := cdr("201", "call-1", "INBOUND_CALL", ten, func(c *client.CDRInput) {
			c.RangAt, c.AnsweredAt, c.EndedAt = client.Ptr(at("2026-11-24T10:00:01Z")), client.Ptr(at("2026-11-24T10:00:05Z")), client.Ptr(at("2026-11-24T10:02:05Z"))
			c.Cost, c.Trunk = "0.01234", "sip:trunk.example"
		})
		missed := cdr("201", "call-2", "OUTBOUND_CALL", at("2026-11-24T11:00:00Z"), func(c *client.CDRInput) {
			c.Caller, c.Callee, c.EndReason, c.StatusCode, c.EndedAt = "201", "+33123456789", "NO_ANSWER", 480, client.Ptr(at("2026-11-24T11:00:30Z"))
		})
		bobs := cdr("202", "call-3", "INTERNAL_CALL", at("2026-11-24T12:00:00Z"), func(c *client.CDRInput) { c.Caller = "201" })
		before := len(ok(p.alice.ListCDRs(ctx, nil))(s).Items)

		// Refused batches store nothing.
		for _, c := range []struct {
			body  []client.CDRInput
			field string
		}{
			{[]client.CDRInput{answered, cdr("299", "x", "INBOUND_CALL", ten)}, "items[1].extension"},
			{[]client.CDRInput{cdr("201", "x", "INBOUND_CALL", ten, func(c *client.CDRInput) {
				c.AnsweredAt, c.EndedAt = client.Ptr(at("2026-11-24T10:00:05Z")), client.Ptr(at("2026-11-24T10:00:01Z"))
			})}, "items[0].ended_at"},
			{[]client.CDRInput{cdr("201", "x", "INBOUND_CALL", ten, func(c *client.CDRInput) { c.StatusCode = 42 })}, "items[0].status_code"},
			{[]client.CDRInput{cdr("201", "x", "INBOUND_CALL", ten, func(c *client.CDRInput) { c.Caller = "" })}, "items[0].caller"},
			{[]client.CDRInput{cdr("201", "x", "INBOUND_CALL", ten, func(c *client.CDRInput) { c.Duration = 60 })}, "items[0].duration"},
		} {
			wantInvalid(t, ign(sw.IngestCDRs(ctx, c.body)), c.field)
		}
		if st := status(ign(sw.IngestCDRs(ctx, []client.CDRInput{cdr("201", "x", "SIDEWAYS", ten)}))); st/100 != 4 {
			t.Fatalf("bad direction: %d", st)
		}
		if n := len(ok(p.alice.ListCDRs(ctx, nil))(s).Items); n != before {
			t.Fatalf("a refused batch stored records: %d", n)
		}
		// Only a switch (call log full access) ingests.
		wantStatus(t, ign(p.alice.IngestCDRs(ctx, []client.CDRInput{answered})), 403, "a user ingests")

		ids := ok(sw.IngestCDRs(ctx, []client.CDRInput{answered, missed, bobs}))(s)
		if len(ids) != 3 {
			t.Fatalf("ids: %v", ids)
		}
		// The same call again is a conflict, and nothing of the batch is stored.
		_, err := sw.IngestCDRs(ctx, []client.CDRInput{cdr("202", "call-9", "INBOUND_CALL", at("2026-11-24T13:00:00Z")), answered})
		wantStatus(t, err, 409, "the same call again")
		if _, f := errField(t, err); f != "items[1].call_id" {
			t.Fatalf("duplicate field %q", f)
		}

		l := ok(p.alice.ListCDRs(ctx, nil))(s)
		if l.Count != 2 || l.Items[0].CallID != "call-2" {
			t.Fatalf("alice's records, newest first: %+v", l)
		}
		first := l.Items[1]
		if first.Duration != 120 || first.AnsweredAt == nil || !first.AnsweredAt.Equal(at("2026-11-24T10:00:05Z")) || first.Trunk != "sip:trunk.example" {
			t.Fatalf("answered record: %+v", first)
		}
		// The cost is exact and times are UTC, as the API writes them.
		if raw := string(s.must(200, "GET", "/api/user/cdrs/"+ids[0], p.alice, nil).Body); !strings.Contains(raw, `"cost":0.01234`) ||
			!strings.Contains(raw, `"answered_at":"2026-11-24T10:00:05Z"`) {
			t.Fatalf("cost or time not as sent: %s", raw)
		}
		if got := ok(p.alice.GetCDR(ctx, ids[0]))(s); got.Cost != "0.01234" || got.CallID != "call-1" {
			t.Fatalf("record: %+v", got)
		}
		if l.Items[0].AnsweredAt != nil {
			t.Fatalf("a missed call has an answer time: %+v", l.Items[0])
		}
		if l := ok(p.alice.ListCDRs(ctx, &client.ListOptions{Filter: "direction eq 'OUTBOUND_CALL' and status_code ge 400"}))(s); l.Count != 1 {
			t.Fatalf("filter: %+v", l)
		}
		if l := ok(p.alice.ListCDRs(ctx, &client.ListOptions{OrderBy: "started_at asc", Top: 1}))(s).Items; len(l) != 1 || l[0].CallID != "call-1" {
			t.Fatalf("orderby: %+v", l)
		}
		wantInvalid(t, ign(p.alice.ListCDRs(ctx, &client.ListOptions{Filter: "password eq 'x'"})), "filter")

		// Each user sees only their own; other tenants nothing.
		wantStatus(t, ign(p.alice.GetCDR(ctx, ids[2])), 404, "bob's record")
		ok(p.bob.GetCDR(ctx, ids[2]))(s)
		wantStatus(t, ign(globex.GetCDR(ctx, ids[0])), 404, "another tenant's record")
		if n := len(ok(globex.ListCDRs(ctx, nil))(s).Items); n != 0 {
			t.Fatalf("another tenant sees %d records", n)
		}
	})
}
