package directory

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/dialplan"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// RoutingExplanation answers "what happens if someone calls this user
// now?": the plan of the user and of each user the call is forwarded to.
type RoutingExplanation struct {
	Caller string        `json:"caller"`
	At     time.Time     `json:"at"`
	Hops   []routing.Hop `json:"hops"`
}

// Routing explains the plan for a call from caller (a number or an
// extension; "" for anonymous) at the given time (zero: now) to a user.
// Calls in progress are those every node's SIP proxy connected.
func (s *Service) Routing(ctx context.Context, c *Caller, userID, caller string, at time.Time) (*RoutingExplanation, error) {
	u, err := s.target(ctx, c, userID, false)
	if err != nil {
		return nil, err
	}
	if caller != "" {
		if err := model.ValidatePhoneNumber("caller", caller); err != nil {
			return nil, err
		}
	}
	if at.IsZero() {
		at = s.now()
	}
	internal := false
	if routing.IsExtensionLike(caller) {
		if _, err := s.store.GetUserByExtension(ctx, u.TenantID, caller); err == nil {
			internal = true
		}
	}
	hops, err := s.routeCall(ctx, nil, u, caller, internal, at)
	if err != nil {
		return nil, err
	}
	return &RoutingExplanation{Caller: caller, At: at.UTC(), Hops: hops}, nil
}

// routeCall decides the plan of a call to user u and of every user it is
// forwarded to.
func (s *Service) routeCall(ctx context.Context, tenant *model.Tenant, u *model.User, caller string, internal bool, at time.Time) ([]routing.Hop, error) {
	if tenant == nil {
		var err error
		if tenant, err = s.tenant(ctx, u.TenantID); err != nil {
			return nil, err
		}
	}
	t := *tenant // defaults are filled in a copy
	tenant = &t
	loc := location(tenant.TimeZone)
	model.ApplyTenantDefaults(tenant) // an unset week is Monday to Friday 09:00-17:00
	env := routing.Env{Location: loc, TenantHours: tenant.OfficeHours}
	var lookupErr error
	state := callState{st: s.store, now: s.now}
	users := map[string]*model.User{}
	callee := func(u *model.User) *routing.Callee {
		users[u.ExtensionNumber] = u
		rc, err := s.routingCallee(ctx, u)
		if err == nil {
			err = addCallState(ctx, rc, u.ID, state)
		}
		if err != nil && lookupErr == nil {
			lookupErr = err
		}
		return rc
	}
	first := callee(u)
	if lookupErr != nil {
		return nil, lookupErr
	}
	call := routing.Call{From: caller, Internal: internal, Direct: true, At: at}
	hops := routing.Resolve(first, call, env, func(ext string) *routing.Callee {
		next, err := s.userByExtension(ctx, u.TenantID, ext)
		if err != nil || !next.Enabled {
			return nil
		}
		return callee(next)
	})
	if lookupErr != nil {
		return nil, lookupErr
	}
	return hops, s.checkPlanLegs(ctx, tenant, hops, users)
}

// addCallState fills in what of the calls in progress can change the
// plan of rc, and asks only that: the calls the user is on matter
// without call waiting, the number that answered last for Memory Hunt.
func addCallState(ctx context.Context, rc *routing.Callee, userID string, state routing.CallState) error {
	if !rc.Settings.EnableCallWaiting {
		n, err := state.ActiveCalls(ctx, userID)
		if err != nil {
			return err
		}
		rc.ActiveCalls = n
	}
	fm := &rc.Settings.FollowMe
	if fm.Enabled && fm.Strategy == "MEMORY_HUNT" {
		last, err := state.LastAnswered(ctx, userID)
		if err != nil {
			return err
		}
		for i, x := range fm.Numbers {
			if x == last {
				rc.FollowMeLast = i
			}
		}
	}
	return nil
}

// callState is routing.CallState read from the store, where every node's
// SIP proxy records the calls it connects and the Follow Me number that
// answered.
type callState struct {
	st  *store.Store
	now func() time.Time
}

// ActiveCalls counts the user's calls in progress.
func (c callState) ActiveCalls(ctx context.Context, userID string) (int, error) {
	return c.st.ActiveCalls(ctx, userID, c.now().Add(-store.MaxCallAge))
}

// LastAnswered is the Follow Me number that answered the user last.
func (c callState) LastAnswered(ctx context.Context, userID string) (string, error) {
	return c.st.FollowMeLast(ctx, userID)
}

var locations sync.Map // time zone name -> *time.Location

// location loads a time zone once (UTC when unknown).
func location(name string) *time.Location {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	locations.Store(name, l)
	return l
}

// SIPRouter is the directory as the SIP proxy sees it. Its look-ups
// return model.ErrNotFound (wrapped) when there is nothing to find.
type SIPRouter struct{ S *Service }

// Route is the plan of a call to user callee of tenant.
func (r SIPRouter) Route(ctx context.Context, tenant *model.Tenant, callee *model.User, caller string, internal bool, at time.Time) ([]routing.Hop, error) {
	return r.S.routeCall(ctx, tenant, callee, caller, internal, at)
}

// UserByExtension returns the enabled user of the tenant at ext.
func (r SIPRouter) UserByExtension(ctx context.Context, tenantID, ext string) (*model.User, error) {
	return enabled(r.S.userByExtension(ctx, tenantID, ext))
}

// SIPUser returns the user of extension ext at a tenant's SIP domain
// with its credentials, for digest authentication.
func (r SIPRouter) SIPUser(ctx context.Context, domain, ext string) (*store.SIPUser, error) {
	return r.S.sipUser(ctx, domain, ext)
}

// enabled passes on a user look-up's answer, a disabled user as none.
func enabled(u *model.User, err error) (*model.User, error) {
	if err == nil && !u.Enabled {
		return nil, fmt.Errorf("user %s is disabled: %w", u.ID, model.ErrNotFound)
	}
	return u, err
}

// Outbound decides whether user may call number: it is classified
// once (internal/dialplan) for the tenant's country, emergency numbers
// and high-risk prefixes, and its class checked against the role's policy
// and the user's call restrictions. The verdict's Number.Dial is what the
// trunk must be sent.
func (r SIPRouter) Outbound(ctx context.Context, tenantID, userID, number string) (routing.Verdict, error) {
	u, err := r.S.store.GetUser(ctx, tenantID, userID)
	if err != nil {
		return routing.Verdict{}, err
	}
	tenant, err := r.S.store.GetTenant(ctx, tenantID)
	if err != nil {
		return routing.Verdict{}, err
	}
	role, err := r.S.store.GetRole(ctx, tenantID, u.Role)
	if err != nil {
		return routing.Verdict{}, err
	}
	return outboundVerdict(tenant, role, u, number), nil
}

// outboundVerdict classifies number for the tenant and checks it against
// the user's role and call restrictions.
func outboundVerdict(tenant *model.Tenant, role *model.Role, u *model.User, number string) routing.Verdict {
	n := dialplan.Classify(number, dialTenant(tenant))
	p := role.Permissions.Policies
	ok, status, reason := routing.Outbound(routing.Policies{Internal: p.InternalCalls, Domestic: p.DomesticCalls,
		International: p.InternationalCalls, HighRisk: tenant.CallPolicy.AllowHighRisk}, u.CallRestrictions, n)
	return routing.Verdict{Number: n, Allowed: ok, Status: status, Reason: reason}
}

// dialTenant is what the number classifier needs of a tenant.
func dialTenant(t *model.Tenant) dialplan.Tenant {
	return t.Numbering()
}

// Tenant returns a tenant.
func (r SIPRouter) Tenant(ctx context.Context, tenantID string) (*model.Tenant, error) {
	return r.S.tenant(ctx, tenantID)
}

// TrunkTenant returns the tenant whose trunk is at source (IP:port; over
// a connection, conn, the IP of a trunk that requires TCP or TLS).
func (r SIPRouter) TrunkTenant(ctx context.Context, source string, conn bool) (*model.Tenant, error) {
	return r.S.store.TenantByTrunkAddr(ctx, source, conn)
}

// UserByNumber resolves a number a trunk calls: an extension, else a
// number among a user's outbound caller IDs; an enabled user either way.
func (r SIPRouter) UserByNumber(ctx context.Context, tenantID, number string) (*model.User, error) {
	u, err := r.UserByExtension(ctx, tenantID, number)
	if !errors.Is(err, model.ErrNotFound) { // a disabled user's extension is none too
		return u, err
	}
	return enabled(r.S.store.UserByCallerID(ctx, tenantID, number))
}

// routingCallee gathers what the decision needs of a user: settings,
// presence, registered devices and holidays.
func (s *Service) routingCallee(ctx context.Context, u *model.User) (*routing.Callee, error) {
	bindings, err := s.store.ListBindings(ctx, u.TenantID, u.ID, s.now())
	if err != nil {
		return nil, err
	}
	rc := &routing.Callee{Extension: u.ExtensionNumber, MobilePhone: u.MobilePhone, OwnNumber: u.ExtensionNumber,
		Presence: u.Presence, Settings: u.UserSettings, FollowMeLast: -1, Contacts: []string{}}
	model.ApplyCallHandlingDefaults(&rc.Settings.CallHandling)
	for _, id := range u.OutboundCallerIDs {
		if id.Preferred {
			rc.OwnNumber = id.CallerID
		}
	}
	for _, b := range bindings {
		rc.Contacts = append(rc.Contacts, b.Target())
	}
	holidays, err := s.holidaysOf(ctx, u)
	if err != nil {
		return nil, err
	}
	rc.Holidays = holidays
	return rc, nil
}

// userHolidays are a user's own holidays and the tenant holidays they observe.
func (s *Service) userHolidays(ctx context.Context, u *model.User) ([]model.Holiday, error) {
	own, err := colList(ctx, s, userHolidays, scope{tenantID: u.TenantID, userID: u.ID})
	if err != nil {
		return nil, err
	}
	observed, err := s.observedHolidays(ctx, u.TenantID, u.ID)
	return append(own, observed...), err
}

// HuntPlan is the plan of a call to the call queue or ring group of the
// tenant at ext.
func (r SIPRouter) HuntPlan(ctx context.Context, tenantID, ext string) (*routing.Plan, error) {
	s := r.S
	g, err := s.store.HuntGroupByExtension(ctx, tenantID, ext)
	if err != nil {
		return nil, err
	}
	agents, err := s.store.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	queue := g.Kind == model.KindCallQueue
	ids := make([]string, len(agents))
	for i, a := range agents {
		ids[i] = a.UserID
	}
	users, err := s.store.UsersByID(ctx, tenantID, ids) // one read for all members
	if err != nil {
		return nil, err
	}
	members := make([]routing.Member, 0, len(agents))
	for _, a := range agents {
		u := users[a.UserID]
		if u == nil {
			continue // removed meanwhile
		}
		m := routing.Member{Extension: a.ExtensionNumber, Skill: a.SkillLevel, Available: u.Enabled && !u.EnableDND}
		if queue {
			m.Available = u.Enabled && a.Status == "READY"
		}
		bindings, err := s.store.ListBindings(ctx, tenantID, u.ID, s.now())
		if err != nil {
			return nil, err
		}
		for _, b := range bindings {
			m.Contacts = append(m.Contacts, b.Target())
		}
		members = append(members, m)
	}
	plan := routing.HuntPlan(routing.HuntGroup{Extension: g.ExtensionNumber, Queue: queue, Strategy: g.Strategy, RingTimeout: g.RingTimeout},
		members, rand.New(rand.NewPCG(uint64(s.now().UnixNano()), 0)))
	return &plan, nil
}
