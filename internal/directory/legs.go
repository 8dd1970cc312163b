package directory

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/dialplan"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
)

// A leg is a call the system places on a user's behalf because of one of
// the user's settings: a forward, the mobile forward, a Follow Me number,
// the network unavailability number. Each is checked against the policy
// of that user and the tenant when the setting is saved and again when
// the call is placed (a role or restriction may have changed).

// leg is one outside number a user's settings may dial.
type leg struct {
	field    string // the setting, as the API names it
	number   string
	followMe bool
}

// forwardRuleFields are the JSON names of ForwardRules' fields, in order.
var forwardRuleFields = func() []string {
	t := reflect.TypeFor[model.ForwardRules]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
	}
	return names
}()

// userLegs lists the outside numbers u's settings may dial (a forward
// rule's extension-like number is left out unless it is an emergency
// number: the plan continues with that extension's user, and a number
// that is none is checked when dialled).
func userLegs(u *model.User, t dialplan.Tenant) []leg {
	emergency := t.EmergencyNumbers()
	var legs []leg
	add := func(field, action, number string) {
		switch action {
		case "FORWARD_TO_MOBILE":
			field, number = field+".action", u.MobilePhone
		case "FORWARD_TO_NUMBER":
			field += ".number"
		default:
			return
		}
		if number != "" && (!routing.IsExtensionLike(number) || slices.Contains(emergency, number)) {
			legs = append(legs, leg{field: field, number: number})
		}
	}
	rules := reflect.ValueOf(u.ForwardRules)
	for i, name := range forwardRuleFields {
		f := rules.Field(i)
		add(name, f.FieldByName("Action").String(), f.FieldByName("Number").String())
	}
	for i, r := range u.CustomForwardRules {
		add(fmt.Sprintf("custom_forward_rules[%d]", i), r.Action, r.Number)
	}
	// An extension-like number there is checked when a call is placed.
	if n := u.NetworkUnavailableNumber; n != "" && (!routing.IsExtensionLike(n) || slices.Contains(emergency, n)) {
		legs = append(legs, leg{field: "network_unavailable_number", number: n})
	}
	if u.FollowMe.Enabled {
		for i, n := range u.FollowMe.Numbers {
			if !routing.IsExtensionLike(n) || slices.Contains(emergency, n) {
				legs = append(legs, leg{field: fmt.Sprintf("follow_me.numbers[%d]", i), number: n, followMe: true})
			}
		}
	}
	return legs
}

// legVerdict decides one leg of user u (role r) to number: the role must
// grant forwarding (or Follow Me) to outside numbers, an emergency
// number is never a forward target, and the number's class must be one
// the user may call.
func legVerdict(tenant *model.Tenant, r *model.Role, u *model.User, number string, followMe bool) routing.Verdict {
	v := outboundVerdict(tenant, r, u, number)
	p := r.Permissions.Policies
	switch {
	case followMe && !p.FollowMe:
		v.Allowed, v.Status, v.Reason = false, 403, "Forbidden: the user's role does not allow Follow Me to outside numbers"
	case !followMe && !p.ForwardExternalCalls:
		v.Allowed, v.Status, v.Reason = false, 403, "Forbidden: the user's role does not allow forwarding to outside numbers"
	case v.Number.Class == dialplan.Emergency:
		v.Allowed, v.Status, v.Reason = false, 403, "Forbidden: an emergency number is never a forward target"
	}
	return v
}

// checkLegs refuses settings of u that would dial a number u may not
// call: 400 naming the setting and the reason. Legs in unchanged (the
// settings as they were, by field) are not the ones being saved and are
// left to the check when a call is placed, so an admin can restrict a
// user whatever the user's forwards.
func (s *Service) checkLegs(ctx context.Context, tenant *model.Tenant, u *model.User, r *model.Role, unchanged map[string]string) error {
	for _, l := range userLegs(u, dialTenant(tenant)) {
		if n, ok := unchanged[l.field]; ok && n == l.number {
			continue
		}
		if v := legVerdict(tenant, r, u, l.number, l.followMe); !v.Allowed {
			return model.Invalid(l.field, "%s: %s", l.number, strings.TrimPrefix(v.Reason, "Forbidden: "))
		}
	}
	return nil
}

// checkUserLegs is checkLegs with u's role read first.
func (s *Service) checkUserLegs(ctx context.Context, tenant *model.Tenant, u *model.User) error {
	if len(userLegs(u, dialTenant(tenant))) == 0 {
		return nil
	}
	r, err := s.roleOf(ctx, tenant.ID, u.Role)
	if err != nil {
		return err
	}
	return s.checkLegs(ctx, tenant, u, r, nil)
}

// legsByField are a user's legs by setting, to tell which a save changes.
func legsByField(u *model.User, t dialplan.Tenant) map[string]string {
	m := map[string]string{}
	for _, l := range userLegs(u, t) {
		m[l.field] = l.number
	}
	return m
}

// roleOf returns a role of the tenant by name: a built-in one from the
// code, a custom one from the store.
func (s *Service) roleOf(ctx context.Context, tenantID, name string) (*model.Role, error) {
	if r, ok := model.BuiltInRole(name); ok {
		return &r, nil
	}
	return s.store.GetRole(ctx, tenantID, name)
}

// checkPlanLegs checks, when a call is placed, every outside number the
// plans would dial against the policy of the user whose plan it is:
// allowed numbers become the classified string the trunk is sent, refused
// ones move to the step's Refused list (the step is skipped when none is
// left), so the explain API and the proxy see the same decision.
func (s *Service) checkPlanLegs(ctx context.Context, tenant *model.Tenant, hops []routing.Hop, users map[string]*model.User) error {
	roles := map[string]*model.Role{}
	for hi := range hops {
		u := users[hops[hi].Extension]
		if u == nil {
			continue
		}
		r, ok := roles[u.Role]
		if !ok {
			var err error
			if r, err = s.role(ctx, u.TenantID, u.Role); err != nil {
				return err
			}
			roles[u.Role] = r
		}
		steps := hops[hi].Plan.Steps
		for si := range steps {
			st := &steps[si]
			handOff := hi < len(hops)-1 && si == len(steps)-1
			if handOff || (st.Action != routing.ActRing && st.Action != routing.ActForward) {
				continue
			}
			checkStep(tenant, r, u, st)
		}
	}
	return nil
}

// checkStep checks the outside numbers of one ring or forward step.
func checkStep(tenant *model.Tenant, r *model.Role, u *model.User, st *routing.Step) {
	kept := st.Targets[:0:0]
	for _, t := range st.Targets {
		if strings.HasPrefix(t, "sip:") || strings.HasPrefix(t, "sips:") {
			kept = append(kept, t) // a device
			continue
		}
		v := legVerdict(tenant, r, u, t, st.Setting == "follow_me")
		if !v.Allowed {
			st.Refused = append(st.Refused, routing.Refusal{Target: t, Reason: v.Reason})
			continue
		}
		kept = append(kept, v.Number.Dial)
	}
	st.Targets = kept
}
