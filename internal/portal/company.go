package portal

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// The company page: the tenant's own settings its Admin may change (the
// same inputs as a user's, from the tenant's type), what the provider
// set (shown, not editable), and the company's holidays.

var tenantMeta = func() map[string]*meta {
	m := map[string]*meta{}
	describe(reflect.TypeOf(model.Tenant{}), "", m)
	return m
}()

type companyData struct {
	Tenant   *model.Tenant
	Fields   []field
	Names    string
	Provider []fact
	Holidays []holidayRow
	Errors   map[string]string
	Holiday  map[string]string // a refused holiday's inputs, as typed
	HolErr   map[string]string
	CanEdit  bool
}

type fact struct{ Label, Value string }

type holidayRow struct {
	model.Holiday
	When string
}

func (p *Portal) company(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	p.showCompany(w, r, c, http.StatusOK, &companyData{})
}

func (p *Portal) showCompany(w http.ResponseWriter, r *http.Request, c *directory.Caller, status int, d *companyData) {
	ctx := r.Context()
	t, err := p.d.GetOwnTenant(ctx, c)
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	d.Tenant, d.CanEdit = t, c.Allowed(directory.PermCompanyFull)
	raw, _ := json.Marshal(t)
	var values map[string]any
	_ = json.Unmarshal(raw, &values)
	names := directory.OwnTenantEditable()
	for _, n := range names {
		if md := tenantMeta[n]; md != nil {
			d.Fields = append(d.Fields, fieldAt(md, md.Path, values[n], d.Errors))
		}
	}
	d.Names = strings.Join(names, ",")
	country := "not set: every number with a + is international"
	if t.CountryCode != "" {
		country = "+" + t.CountryCode
	}
	d.Provider = []fact{{"SIP domain", t.Domain}, {"Country calling code", country}, {"Trunk for outside calls", orNone(t.SIPTrunk)},
		{"Voicemail", orNone(t.VoicemailServer, "answered by Switchboard")}}
	_, hols, err := p.d.ListTenantHolidays(ctx, c, query.Params{Top: "100"})
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	for _, h := range hols {
		d.Holidays = append(d.Holidays, holidayRow{Holiday: h, When: holidayWhen(h)})
	}
	p.render(w, r, status, "company", &page{Title: "Company settings", Nav: "company", Me: c, Data: d})
}

func orNone(v string, none ...string) string {
	if v != "" {
		return v
	}
	if len(none) > 0 {
		return none[0]
	}
	return "none"
}

// holidayWhen is a holiday's dates in words.
func holidayWhen(h model.Holiday) string {
	day := func(y, m, d int) string {
		if h.EveryYear {
			return time.Date(2000, time.Month(m), d, 0, 0, 0, 0, time.UTC).Format("2 January")
		}
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Format("2 January 2006")
	}
	from, to := day(h.YearStart, h.MonthStart, h.DayStart), day(h.YearEnd, h.MonthEnd, h.DayEnd)
	out := from
	if to != from {
		out += " to " + to
	}
	if h.EveryYear {
		out += ", every year"
	}
	return out
}

func (p *Portal) saveCompany(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	patch := directory.NewPatch(model.Tenant{})
	errs := map[string]string{}
	for _, n := range directory.OwnTenantEditable() {
		if md := tenantMeta[n]; md != nil {
			if err := setFrom(patch, md, r.PostForm, errs); err != nil {
				p.fail(w, r, c, err)
				return
			}
		}
	}
	if len(errs) == 0 {
		err := p.d.UpdateOwnTenant(r.Context(), c, patch)
		if err == nil {
			flash(w, "Saved.")
			redirect(w, r, "/company")
			return
		}
		var ok bool
		if errs, ok = fieldErrors(err); !ok {
			p.fail(w, r, c, err)
			return
		}
	}
	p.showCompany(w, r, c, formRejected, &companyData{Errors: errs})
}

// addHoliday adds a holiday from a day (and an optional last day).
func (p *Portal) addHoliday(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	f := r.PostForm
	typed := map[string]string{"name": f.Get("name"), "from": f.Get("from"), "to": f.Get("to"), "every_year": f.Get("every_year")}
	h, errs := holidayFrom(f)
	if len(errs) == 0 {
		patch := directory.NewPatch(*h, "name", "consecutive", "every_year", "year_start", "year_end", "month_start", "month_end",
			"day_start", "day_end", "hour_end", "minute_end")
		_, err := p.d.CreateTenantHoliday(r.Context(), c, patch)
		if err == nil {
			flash(w, "Holiday added.")
			redirect(w, r, "/company#holidays")
			return
		}
		var ok bool
		if errs, ok = fieldErrors(err); !ok {
			p.fail(w, r, c, err)
			return
		}
	}
	p.showCompany(w, r, c, formRejected, &companyData{Holiday: typed, HolErr: errs})
}

// holidayFrom reads the holiday form: a name, a first day, an optional
// last day, and whether it comes back every year.
func holidayFrom(f url.Values) (*model.Holiday, map[string]string) {
	errs := map[string]string{}
	h := &model.Holiday{Name: strings.TrimSpace(f.Get("name")), EveryYear: f.Get("every_year") != "", HourEnd: 23, MinuteEnd: 59}
	from, err := time.Parse("2006-01-02", strings.TrimSpace(f.Get("from")))
	if err != nil {
		errs["from"] = "Give the first day, as 2026-12-25."
	}
	to := from
	if v := strings.TrimSpace(f.Get("to")); v != "" {
		if to, err = time.Parse("2006-01-02", v); err != nil {
			errs["to"] = "Give the last day as 2026-12-26, or leave it empty for one day."
		}
	}
	h.YearStart, h.MonthStart, h.DayStart = from.Year(), int(from.Month()), from.Day()
	h.YearEnd, h.MonthEnd, h.DayEnd = to.Year(), int(to.Month()), to.Day()
	h.Consecutive = !to.Equal(from)
	return h, errs
}

func (p *Portal) removeHoliday(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.DeleteTenantHoliday(r.Context(), c, r.PathValue("id")); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Holiday removed.")
	redirect(w, r, "/company#holidays")
}
