package directory

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Per-user limits.
const (
	maxPhonesPerUser   = 20
	maxHolidaysPerUser = 200
	// MaxTenantHolidays bounds a tenant's holidays, and a user's
	// selection of them.
	MaxTenantHolidays = 500
)

var phoneFixed = []string{"id", "fwver", "url", "mac", "filename", "vendor", "model"}

var phones = &collection[model.Phone]{
	kind: "phone", max: maxPhonesPerUser, maxField: "mac", keys: store.ItemKeyField{Tenant: "mac"},
	create: fieldRules{accept: keysOf(model.Phone{}, "id", "fwver", "url"), readOnly: keySet(phoneFixed)},
	update: fieldRules{accept: keysOf(model.Phone{}, phoneFixed...), readOnly: keySet(phoneFixed)},
	init:   func(p *model.Phone) { p.WANPortID, p.PCPortID = 1, 1 },
	prepare: func(p *model.Phone, creating bool) (string, string, error) {
		if creating {
			model.ApplyPhoneDefaults(p)
		}
		if err := model.ValidatePhone(p); err != nil {
			return "", "", err
		}
		return p.MAC, "", nil
	},
	show: func(p *model.Phone) { p.Password = "" }, // write-only
	id:   func(p *model.Phone) *string { return &p.ID },
}

func speedDials(kind string, hundred bool, max int) *collection[model.SpeedDial] {
	return &collection[model.SpeedDial]{
		kind: kind, max: max, maxField: "code", keys: store.ItemKeyField{User: "code"},
		create: idFixed(model.SpeedDial{}), update: idFixed(model.SpeedDial{}),
		prepare: func(d *model.SpeedDial, _ bool) (string, string, error) {
			return "", d.Code, model.ValidateSpeedDial(d, hundred)
		},
		id: func(d *model.SpeedDial) *string { return &d.ID },
	}
}

// idFixed are the rules of an item whose members are all its own but
// its id.
func idFixed(v any) fieldRules {
	return fieldRules{accept: keysOf(v, "id"), readOnly: keySet([]string{"id"})}
}

var (
	speedDial8   = speedDials("speed_dial_8", false, 8)
	speedDial100 = speedDials("speed_dial_100", true, 100)
)

func holidays(kind string, max int) *collection[model.Holiday] {
	return &collection[model.Holiday]{
		kind: kind, max: max, maxField: "name",
		create: idFixed(model.Holiday{}), update: idFixed(model.Holiday{}),
		prepare: func(h *model.Holiday, _ bool) (string, string, error) { return "", "", model.ValidateHoliday(h) },
		id:      func(h *model.Holiday) *string { return &h.ID },
	}
}

var (
	userHolidays   = holidays("holiday", maxHolidaysPerUser)
	tenantHolidays = holidays("tenant_holiday", MaxTenantHolidays)
)

// globalHolidayRef is a user's selection of one tenant holiday.
const globalHolidayRef = "global_holiday"

// Phones are a user's IP phones.
func (s *Service) Phones() Collection[model.Phone] { return Collection[model.Phone]{s, phones} }

// SpeedDial8 is a user's speed dial 8 (codes 2-9).
func (s *Service) SpeedDial8() Collection[model.SpeedDial] {
	return Collection[model.SpeedDial]{s, speedDial8}
}

// SpeedDial100 is a user's speed dial 100 (codes 00-99).
func (s *Service) SpeedDial100() Collection[model.SpeedDial] {
	return Collection[model.SpeedDial]{s, speedDial100}
}

// Holidays are a user's own holidays.
func (s *Service) Holidays() Collection[model.Holiday] {
	return Collection[model.Holiday]{s, userHolidays}
}

// Tenant holidays are read with company.view_only and managed with
// company.full_access.
const (
	PermCompanyView = "company.view_only or company.full_access"
	PermCompanyFull = "company.full_access"
)

func (s *Service) tenantScope(c *Caller, write bool) (scope, error) {
	perm := PermCompanyView
	if write {
		perm = PermCompanyFull
	}
	if err := c.require(perm); err != nil {
		return scope{}, err
	}
	return scope{tenantID: c.TenantID, name: "tenant"}, nil
}

// ListTenantHolidays lists the tenant's holidays with the query language's
// paging (skip, top).
func (s *Service) ListTenantHolidays(ctx context.Context, c *Caller, p query.Params) (int, []model.Holiday, error) {
	sc, err := s.tenantScope(c, false)
	if err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(query.Params{Skip: p.Skip, Top: p.Top}, query.Schema{})
	if err != nil {
		return 0, nil, err
	}
	all, err := colList(ctx, s, tenantHolidays, sc)
	if err != nil {
		return 0, nil, err
	}
	from := min(q.Skip, len(all))
	to := min(from+q.Top, len(all))
	return len(all), all[from:to], nil
}

// GetTenantHoliday returns one tenant holiday.
func (s *Service) GetTenantHoliday(ctx context.Context, c *Caller, id string) (*model.Holiday, error) {
	sc, err := s.tenantScope(c, false)
	if err != nil {
		return nil, err
	}
	return colGet(ctx, s, tenantHolidays, sc, id)
}

// HolidayPatch is the body of a holiday's create or update.
type HolidayPatch = Patch[model.Holiday]

// CreateTenantHoliday adds a tenant holiday.
func (s *Service) CreateTenantHoliday(ctx context.Context, c *Caller, p *HolidayPatch) (string, error) {
	sc, err := s.tenantScope(c, true)
	if err != nil {
		return "", err
	}
	return colCreate(ctx, s, c, tenantHolidays, sc, p)
}

// UpdateTenantHoliday changes a tenant holiday.
func (s *Service) UpdateTenantHoliday(ctx context.Context, c *Caller, id string, p *HolidayPatch) error {
	sc, err := s.tenantScope(c, true)
	if err != nil {
		return err
	}
	return colUpdate(ctx, s, c, tenantHolidays, sc, id, p)
}

// DeleteTenantHoliday removes a tenant holiday and every user's selection
// of it, in one transaction.
func (s *Service) DeleteTenantHoliday(ctx context.Context, c *Caller, id string) error {
	sc, err := s.tenantScope(c, true)
	if err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	e := c.audit("delete", tenantHolidays.kind, id, sc.name, nil)
	return s.store.DeleteTenantItem(store.WithAudit(ctx, e), sc.tenantID, tenantHolidays.kind, id, globalHolidayRef)
}

// GlobalHolidays returns the tenant holidays a user observes.
func (s *Service) GlobalHolidays(ctx context.Context, c *Caller, userID string) ([]model.Holiday, error) {
	sc, err := s.colScope(ctx, c, userID, false)
	if err != nil {
		return nil, err
	}
	return s.observedHolidays(ctx, sc.tenantID, sc.userID)
}

// observedHolidays are the tenant holidays a user observes.
func (s *Service) observedHolidays(ctx context.Context, tenantID, userID string) ([]model.Holiday, error) {
	out := []model.Holiday{}
	refs, err := s.store.ListItems(ctx, tenantID, userID, globalHolidayRef, MaxTenantHolidays)
	if err != nil || len(refs) == 0 {
		return out, err
	}
	all, err := colList(ctx, s, tenantHolidays, scope{tenantID: tenantID})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]model.Holiday, len(all))
	for _, h := range all {
		byID[h.ID] = h
	}
	for _, r := range refs {
		if h, ok := byID[r.UserKey]; ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// SetGlobalHolidays replaces the tenant holidays a user observes with ids
// ("update from tenant holidays"). An id that is not one of the tenant's
// holidays is refused naming its position.
func (s *Service) SetGlobalHolidays(ctx context.Context, c *Caller, userID string, ids []string) error {
	sc, err := s.colScope(ctx, c, userID, true)
	if err != nil {
		return err
	}
	if len(ids) > MaxTenantHolidays {
		return model.Invalid("items", "may list at most %d holidays", MaxTenantHolidays)
	}
	seen := map[string]bool{}
	refs := make([]store.Item, 0, len(ids))
	for i, id := range ids {
		field := fmt.Sprintf("items[%d]", i)
		if seen[id] {
			return model.Invalid(field, "is listed twice")
		}
		seen[id] = true
		if !model.ValidID(id) {
			return model.Invalid(field, "is not a tenant holiday")
		}
		if _, err := s.store.GetItem(ctx, sc.tenantID, "", tenantHolidays.kind, id); err != nil {
			return model.Invalid(field, "is not a tenant holiday")
		}
		data, _ := json.Marshal(map[string]string{"holiday_id": id})
		refs = append(refs, store.Item{ID: model.NewID(), UserKey: id, Data: data})
	}
	e := c.audit("set_global_holidays", "user", sc.userID, sc.name, map[string]any{"items": ids})
	return s.store.ReplaceItems(store.WithAudit(ctx, e), sc.tenantID, sc.userID, globalHolidayRef, refs)
}
