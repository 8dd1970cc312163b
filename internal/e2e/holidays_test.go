package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// newHoliday is a valid holiday (24 to 26 December 2026, in France) with
// changes.
func newHoliday(name string, change ...func(*client.HolidayInput)) client.HolidayInput {
	h := client.HolidayInput{Name: &name, Region: client.Ptr("FRA"), Consecutive: client.Ptr(true), EveryYear: client.Ptr(false),
		YearStart: client.Ptr(2026), YearEnd: client.Ptr(2026), MonthStart: client.Ptr(12), MonthEnd: client.Ptr(12),
		DayStart: client.Ptr(24), DayEnd: client.Ptr(26), HourStart: client.Ptr(0), HourEnd: client.Ptr(23),
		MinuteStart: client.Ptr(0), MinuteEnd: client.Ptr(59)}
	for _, f := range change {
		f(&h)
	}
	return h
}

// holiday is newHoliday as a raw body with key, value pairs set on it.
func holiday(name string, kv ...any) map[string]any {
	var m map[string]any
	b, _ := json.Marshal(newHoliday(name))
	_ = json.Unmarshal(b, &m)
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// dates sets a holiday's start and end (month, day).
func dates(m1, d1, m2, d2 int) func(*client.HolidayInput) {
	return func(h *client.HolidayInput) { h.MonthStart, h.DayStart, h.MonthEnd, h.DayEnd = &m1, &d1, &m2, &d2 }
}

func TestHolidays(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		_, globex := s.newTenant("globex.example")
		mine := p.alice.Me().Holidays()
		set := func(f func(h *client.HolidayInput)) func(*client.HolidayInput) { return f }
		for _, c := range []struct {
			name  string
			body  client.HolidayInput
			field string
		}{
			{"no name", newHoliday(""), "name"},
			{"30 February", newHoliday("x", dates(2, 30, 3, 1)), "day_start"},
			{"29 February 2026", newHoliday("x", dates(2, 29, 3, 1)), "day_start"},
			{"month 13", newHoliday("x", set(func(h *client.HolidayInput) { h.MonthEnd = client.Ptr(13) })), "month_end"},
			{"end before start", newHoliday("x", set(func(h *client.HolidayInput) { h.DayEnd = client.Ptr(23) })), "day_end"},
			{"end year before start", newHoliday("x", set(func(h *client.HolidayInput) { h.YearEnd = client.Ptr(2025) })), "day_end"},
			{"two-letter region", newHoliday("x", set(func(h *client.HolidayInput) { h.Region = client.Ptr("FR") })), "region"},
			{"unknown region", newHoliday("x", set(func(h *client.HolidayInput) { h.Region = client.Ptr("XYZ") })), "region"},
			{"hour 24", newHoliday("x", set(func(h *client.HolidayInput) { h.HourEnd = client.Ptr(24) })), "hour_end"},
			{"minute 60", newHoliday("x", set(func(h *client.HolidayInput) { h.MinuteStart = client.Ptr(60) })), "minute_start"},
			{"same day, end time first", newHoliday("x", set(func(h *client.HolidayInput) {
				h.DayEnd, h.HourStart, h.HourEnd = client.Ptr(24), client.Ptr(12), client.Ptr(9)
			})), "hour_end"},
			{"year 1900", newHoliday("x", set(func(h *client.HolidayInput) { h.YearStart = client.Ptr(1900) })), "year_start"},
		} {
			_, err := mine.Create(ctx, c.body)
			if st := status(err); st/100 != 4 {
				t.Fatalf("%s: %d %v", c.name, st, err)
			}
			if _, f := errField(t, err); f != c.field {
				t.Fatalf("%s: field %q, want %q: %v", c.name, f, c.field, err)
			}
		}
		// 29 February is a date in a leap year and every year.
		ok(mine.Create(ctx, newHoliday("leap", dates(2, 29, 2, 29), set(func(h *client.HolidayInput) { h.YearStart, h.YearEnd = client.Ptr(2028), client.Ptr(2028) }))))(s)
		ok(mine.Create(ctx, newHoliday("leap yearly", dates(2, 29, 3, 1), set(func(h *client.HolidayInput) { h.EveryYear, h.YearEnd = client.Ptr(true), client.Ptr(2030) }))))(s)
		id := ok(p.admin.ForUser(p.aliceID).Holidays().Create(ctx, newHoliday("Christmas")))(s)
		h := toMap(t, ok(mine.Get(ctx, id))(s))
		for k, v := range toMap(t, newHoliday("Christmas")) {
			if jsonText(h[k]) != jsonText(v) {
				t.Fatalf("%s = %v, want %v", k, h[k], v)
			}
		}
		s.ok(mine.Update(ctx, id, client.HolidayInput{Name: client.Ptr("Noël"), DayEnd: client.Ptr(27)}))
		wantInvalid(t, mine.Update(ctx, id, client.HolidayInput{DayEnd: client.Ptr(20)}), "day_end")
		if h := ok(p.admin.ForUser(p.aliceID).Holidays().Get(ctx, id))(s); h.Name != "Noël" || h.DayEnd != 27 || h.Region != "FRA" {
			t.Fatalf("after update: %+v", h)
		}
		wantStatus(t, ign(p.bob.Me().Holidays().Get(ctx, id)), 404, "bob reads alice's holiday")
		wantStatus(t, p.bob.Me().Holidays().Delete(ctx, id), 404, "bob deletes alice's holiday")
		wantStatus(t, ign(globex.ForUser(p.aliceID).Holidays().Get(ctx, id)), 404, "another tenant reads the holiday")
		if n := len(ok(mine.List(ctx))(s)); n != 3 {
			t.Fatalf("alice's holidays: %d", n)
		}
		s.ok(mine.Delete(ctx, id))
		wantStatus(t, ign(mine.Get(ctx, id)), 404, "a deleted holiday")

		// Tenant holidays: Admins manage them; users read them and choose which they observe.
		wantStatus(t, ign(p.alice.CreateTenantHoliday(ctx, newHoliday("May Day"))), 403, "a user creates a tenant holiday")
		wantInvalid(t, ign(p.admin.CreateTenantHoliday(ctx, newHoliday("x", set(func(h *client.HolidayInput) { h.Region = client.Ptr("ZZZ") })))), "region")
		may := ok(p.admin.CreateTenantHoliday(ctx, newHoliday("May Day", dates(5, 1, 5, 1), set(func(h *client.HolidayInput) {
			h.EveryYear, h.YearEnd = client.Ptr(true), client.Ptr(2099)
		}))))(s)
		xmas := ok(p.admin.CreateTenantHoliday(ctx, newHoliday("Christmas")))(s)
		foreign := ok(globex.CreateTenantHoliday(ctx, newHoliday("Their day")))(s)
		if l := ok(p.admin.ListTenantHolidays(ctx, nil))(s); l.Count != 2 {
			t.Fatalf("tenant holidays: %+v", l)
		}
		wantStatus(t, ign(p.admin.GetTenantHoliday(ctx, foreign)), 404, "another tenant's holiday")
		s.ok(p.admin.UpdateTenantHoliday(ctx, xmas, client.HolidayInput{Name: client.Ptr("Christmas Day")}))

		if l := ok(p.alice.Me().GlobalHolidays(ctx))(s); len(l) != 0 {
			t.Fatalf("observed before choosing: %+v", l)
		}
		// Unknown and foreign ids are refused and change nothing.
		wantInvalid(t, ign(p.alice.Me().SetGlobalHolidays(ctx, []string{may, foreign})), "items[1]")
		wantInvalid(t, ign(p.alice.Me().SetGlobalHolidays(ctx, []string{"nosuchholiday"})), "items[0]")
		if id := ok(p.alice.Me().SetGlobalHolidays(ctx, []string{may, xmas}))(s); id != p.aliceID {
			t.Fatalf("answer: %v", id)
		}
		l := ok(p.admin.ForUser(p.aliceID).GlobalHolidays(ctx))(s)
		if len(l) != 2 {
			t.Fatalf("observed: %+v", l)
		}
		if names := l[0].Name + "," + l[1].Name; !strings.Contains(names, "May Day") || !strings.Contains(names, "Christmas Day") {
			t.Fatalf("observed names: %s", names)
		}
		// Deleting a tenant holiday stops everyone observing it.
		s.ok(p.admin.DeleteTenantHoliday(ctx, xmas))
		if l := ok(p.alice.Me().GlobalHolidays(ctx))(s); len(l) != 1 || l[0].ID != may {
			t.Fatalf("observed after destroy: %+v", l)
		}
		ok(p.admin.ForUser(p.aliceID).SetGlobalHolidays(ctx, nil))(s)
		if l := ok(p.alice.Me().GlobalHolidays(ctx))(s); len(l) != 0 {
			t.Fatalf("observed after clearing: %+v", l)
		}
	})
}
