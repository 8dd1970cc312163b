package routing

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestHuntPlan(t *testing.T) {
	members := []Member{
		{Extension: "203", Contacts: []string{"sip:203@c"}, Skill: 1, Available: true},
		{Extension: "201", Contacts: []string{"sip:201@a", "sip:201@b"}, Skill: 5, Available: true},
		{Extension: "202", Contacts: []string{"sip:202@a"}, Skill: 9, Available: false}, // not ready
		{Extension: "204", Skill: 9, Available: true},                                   // no device
	}
	targets := func(p Plan) string {
		var out []string
		for _, s := range p.Steps {
			if s.Action == ActRing {
				out = append(out, fmt.Sprint(s.Targets))
			} else {
				out = append(out, fmt.Sprintf("%s %d", s.Action, s.Status))
			}
		}
		return fmt.Sprint(out)
	}
	for _, c := range []struct {
		g    HuntGroup
		want string
	}{
		{HuntGroup{Strategy: "RING_ALL", RingTimeout: 15}, "[[sip:203@c sip:201@a sip:201@b] REFUSE 480]"},
		{HuntGroup{Strategy: "HUNT"}, "[[sip:201@a sip:201@b] [sip:203@c] REFUSE 480]"},              // by extension
		{HuntGroup{Strategy: "HUNT", Queue: true}, "[[sip:201@a sip:201@b] [sip:203@c] REFUSE 480]"}, // by skill
		{HuntGroup{Strategy: "FEWEST_CALLS", Queue: true}, "[[sip:201@a sip:201@b] [sip:203@c] REFUSE 480]"},
	} {
		if got := targets(HuntPlan(c.g, members, nil)); got != c.want {
			t.Errorf("%+v: %s, want %s", c.g, got, c.want)
		}
	}
	members[0].Skill = 10 // the queue's skill order puts 203 first
	if got := targets(HuntPlan(HuntGroup{Strategy: "HUNT", Queue: true}, members, nil)); got != "[[sip:203@c] [sip:201@a sip:201@b] REFUSE 480]" {
		t.Errorf("skill order: %s", got)
	}
	if p := HuntPlan(HuntGroup{Strategy: "RING_ALL"}, members[2:3], nil); len(p.Steps) != 1 || p.Steps[0].Status != 480 || p.Steps[0].Reason != "No Member Available" {
		t.Errorf("nobody available: %+v", p)
	}
	if p := HuntPlan(HuntGroup{Strategy: "RING_ALL"}, members, nil); p.Steps[0].Timeout != 20 {
		t.Errorf("default ring timeout: %d", p.Steps[0].Timeout)
	}
	// RANDOM rings every available member once, in some order.
	seen := map[string]bool{}
	for seed := uint64(0); seed < 20; seed++ {
		p := HuntPlan(HuntGroup{Strategy: "RANDOM"}, members, rand.New(rand.NewPCG(seed, 1)))
		if len(p.Steps) != 3 {
			t.Fatalf("random plan: %+v", p)
		}
		seen[p.Steps[0].Targets[0]] = true
	}
	if len(seen) != 2 {
		t.Errorf("RANDOM never changed the first member: %v", seen)
	}
}
