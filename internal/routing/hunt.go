package routing

import (
	"math/rand/v2"
	"sort"
)

// Member is a member of a call queue or ring group as the decision sees it.
type Member struct {
	Extension string
	Contacts  []string // registered devices
	Skill     int      // call queues: higher rings first in HUNT
	// Available says the member takes calls now: a ready agent of a call
	// queue; for a ring group, not in DND.
	Available bool
}

// HuntGroup is a call queue or ring group as the decision sees it.
type HuntGroup struct {
	Extension   string
	Queue       bool // a call queue (agents), else a ring group
	Strategy    string
	RingTimeout int
}

// HuntPlan is the plan of a call to a call queue or ring group: the
// available members with a registered device, all together (RING_ALL) or
// one after another (HUNT: by skill level for queues, then extension;
// RANDOM: shuffled by rng; LEAST_RECENT and FEWEST_CALLS ring in HUNT
// order, as the proxy keeps no per-member call history yet), each for the
// group's ring timeout; then 480.
func HuntPlan(g HuntGroup, members []Member, rng *rand.Rand) Plan {
	var ready []Member
	for _, m := range members {
		if m.Available && len(m.Contacts) > 0 {
			ready = append(ready, m)
		}
	}
	setting := "ring_group"
	if g.Queue {
		setting = "call_queue"
	}
	unavailable := Step{Action: ActRefuse, Status: 480, Reason: "Temporarily Unavailable", Setting: setting}
	if len(ready) == 0 {
		unavailable.Reason = "No Member Available"
		return Plan{Steps: []Step{unavailable}}
	}
	timeout := orDefault(g.RingTimeout, 20)
	if g.Strategy == "" || g.Strategy == "RING_ALL" {
		var all []string
		for _, m := range ready {
			all = append(all, m.Contacts...)
		}
		return Plan{Steps: []Step{{Action: ActRing, Targets: all, Parallel: true, Timeout: timeout, Setting: setting + ".RING_ALL"}, unavailable}}
	}
	sort.SliceStable(ready, func(i, j int) bool {
		if g.Queue && ready[i].Skill != ready[j].Skill {
			return ready[i].Skill > ready[j].Skill
		}
		return ready[i].Extension < ready[j].Extension
	})
	if g.Strategy == "RANDOM" && rng != nil {
		rng.Shuffle(len(ready), func(i, j int) { ready[i], ready[j] = ready[j], ready[i] })
	}
	var steps []Step
	for _, m := range ready {
		steps = append(steps, Step{Action: ActRing, Targets: m.Contacts, Parallel: true, Timeout: timeout, Setting: setting + "." + g.Strategy + " " + m.Extension})
	}
	return Plan{Steps: append(steps, unavailable)}
}
