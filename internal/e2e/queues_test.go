package e2e

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// hunt is a hunt group body.
func hunt(name, ext string) client.HuntGroupInput {
	return client.HuntGroupInput{Name: &name, ExtensionNumber: &ext}
}

// TestCallQueuesAndRingGroups: admins manage queues and ring groups with
// members; extensions never collide with users'; members see theirs and
// set their agent status through the seven values, each change recorded
// with its time; isolation between tenants and users.
func TestCallQueuesAndRingGroups(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		_, globex := s.newTenant("globex.example")
		queues, rings := p.admin.CallQueues(), p.admin.RingGroups()
		wantStatus(t, ign(p.alice.CallQueues().Create(ctx, hunt("Support", "600"))), 403, "a user creates a queue")
		wantInvalid(t, ign(queues.Create(ctx, hunt("", "600"))), "name")
		wantInvalid(t, ign(queues.Create(ctx, hunt("Support", "6x"))), "extension_number")
		short := hunt("Support", "600")
		short.RingTimeout = client.Ptr(1)
		wantInvalid(t, ign(queues.Create(ctx, short)), "ring_timeout")
		wantStatus(t, ign(queues.Create(ctx, hunt("Support", "201"))), 409, "a user's extension")
		support := hunt("Support", "600")
		support.Strategy = client.Ptr("HUNT")
		q := ok(queues.Create(ctx, support))(s)
		rg := ok(rings.Create(ctx, hunt("Sales", "700")))(s)
		wantStatus(t, ign(rings.Create(ctx, hunt("Other", "600"))), 409, "a queue's extension for a ring group")
		wantStatus(t, ign(p.admin.CreateUser(ctx, client.UserCreate{Name: "carl", Email: "carl@acme.example", ExtensionNumber: "700", Password: "Carl-password-1"})),
			409, "a user on a ring group's extension")
		s.ok(queues.Update(ctx, q, client.HuntGroupInput{RingTimeout: client.Ptr(30)}))
		wantStatus(t, ign(globex.CallQueues().Get(ctx, q)), 404, "another tenant's queue")
		wantStatus(t, ign(rings.Get(ctx, q)), 404, "a queue is not a ring group")

		s.ok(queues.SetMember(ctx, q, p.aliceID, 7))
		s.ok(queues.SetMember(ctx, q, p.bobID, 0))
		s.ok(rings.SetMember(ctx, rg, p.aliceID, 0))
		wantInvalid(t, queues.SetMember(ctx, q, p.bobID, 11), "skill_level")
		if g := ok(queues.Get(ctx, q))(s); g.RingTimeout != 30 || g.Strategy != "HUNT" || len(g.Members) != 2 {
			t.Fatalf("queue: %+v", g)
		}

		if mine := ok(p.alice.Me().CallQueues(ctx))(s); len(mine) != 1 || mine[0].Name != "Support" || mine[0].ExtensionNumber != "600" {
			t.Fatalf("alice's queues: %+v", mine)
		}
		if l := ok(p.alice.MyRingGroups(ctx))(s); len(l) != 1 || l[0].Name != "Sales" {
			t.Fatalf("alice's ring groups: %+v", l)
		}
		if l := ok(p.admin.ForUser(p.bobID).CallQueues(ctx))(s); len(l) != 1 {
			t.Fatalf("bob's queues: %+v", l)
		}
		if a := ok(p.alice.Me().Agent(ctx, q))(s); a.Status != "LOGGED_OUT" || a.SkillLevel != 7 || a.ExtensionNumber != "201" {
			t.Fatalf("agent: %+v", a)
		}
		// Logged out: log in first.
		wantStatus(t, p.alice.Me().SetAgentStatus(ctx, q, "BREAK"), 409, "break while logged out")
		wantInvalid(t, p.alice.Me().SetAgentStatus(ctx, q, "NAPPING"), "status")
		for _, st := range []string{"LOGGED_IN", "READY", "WRAP_UP", "READY", "LUNCH", "NOT_READY", "BREAK", "LOGGED_OUT"} {
			s.ok(p.alice.Me().SetAgentStatus(ctx, q, st))
		}
		s.ok(p.alice.Me().SetAgentStatus(ctx, q, "LOGGED_OUT")) // no change, no event
		s.ok(p.admin.ForUser(p.bobID).SetAgentStatus(ctx, q, "READY"))
		if a := ok(p.admin.ForUser(p.bobID).Agent(ctx, q))(s); a.Status != "READY" {
			t.Fatalf("bob's agent: %+v", a)
		}
		ev := ok(p.admin.CallQueueAgentEvents(ctx, q))(s)
		if len(ev) != 9 || ev[0].Status != "LOGGED_IN" || ev[0].Previous != "LOGGED_OUT" || ev[0].By != "alice" ||
			ev[8].By != "boss" || ev[0].At.IsZero() {
			t.Fatalf("events: %+v", ev)
		}
		// Not a member, not your business.
		wantStatus(t, ign(s.login("boss", "boss-Password-1", "acme.example").Me().Agent(ctx, q)), 404, "the agent of a non-member")
		wantStatus(t, p.bob.ForUser(p.aliceID).SetAgentStatus(ctx, q, "READY"), 403, "bob sets alice's status")
		wantStatus(t, ign(p.alice.CallQueueAgentEvents(ctx, q)), 403, "a user reads the events")
		// Removing a member, then the queue.
		s.ok(queues.RemoveMember(ctx, q, p.bobID))
		wantStatus(t, ign(p.admin.ForUser(p.bobID).Agent(ctx, q)), 404, "a removed member's agent")
		s.ok(queues.Delete(ctx, q))
		if l := ok(p.alice.Me().CallQueues(ctx))(s); len(l) != 0 {
			t.Fatalf("queues after delete: %+v", l)
		}
	})
}
