package routing

import "context"

// CallState tells what is known of calls in progress, on every node.
type CallState interface {
	// ActiveCalls is how many answered calls the user is on.
	ActiveCalls(ctx context.Context, userID string) (int, error)
	// LastAnswered is the Follow Me number that answered the user's last
	// call ("" if none).
	LastAnswered(ctx context.Context, userID string) (string, error)
}

// Lookup finds a user of the tenant by extension (nil: no such user).
type Lookup func(extension string) *Callee

// MaxHops bounds how many users one call may be forwarded through.
const MaxHops = 5

// Hop is one user's plan inside a resolved call.
type Hop struct {
	Extension string `json:"extension"`
	Plan      Plan   `json:"plan"`
}

// Resolve decides the plan of callee and, where a plan forwards to another
// extension of the tenant, that user's plan in turn, at most MaxHops deep.
// A forward back to a user already in the chain, or one hop too many,
// ends with a refusal (482 Loop Detected) instead of following it, so
// every resolution ends.
func Resolve(callee *Callee, call Call, env Env, lookup Lookup) []Hop {
	var hops []Hop
	seen := map[string]bool{}
	for c := callee; c != nil; {
		seen[c.Extension] = true
		p := Decide(c, call, env)
		hops = append(hops, Hop{Extension: c.Extension, Plan: p})
		last := &p.Steps[len(p.Steps)-1]
		if last.Action != ActForward || !IsExtensionLike(last.Targets[0]) {
			return hops
		}
		next := last.Targets[0]
		if seen[next] || len(hops) >= MaxHops {
			loop := Step{Action: ActRefuse, Status: 482, Reason: "Loop Detected", Setting: last.Setting}
			hops[len(hops)-1].Plan.Steps[len(p.Steps)-1] = loop
			return hops
		}
		c = lookup(next)
		if c == nil {
			// Not a user: the proxy dials it like any other number.
			return hops
		}
		// The next user sees the call as internal and forwarded.
		call = Call{From: last.CallerID, Internal: true, Direct: false, At: call.At}
	}
	return hops
}
