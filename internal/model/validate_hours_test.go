package model

import "testing"

func day(enabled bool, ranges ...string) DayHours {
	d := DayHours{Enabled: enabled, Ranges: []TimeRange{}}
	for i := 0; i+1 < len(ranges); i += 2 {
		d.Ranges = append(d.Ranges, TimeRange{From: ranges[i], To: ranges[i+1]})
	}
	return d
}

func TestValidateTimeRange(t *testing.T) {
	check := func(from, to string) error {
		_, _, err := ValidateTimeRange("r", TimeRange{From: from, To: to})
		return err
	}
	checkCases(t, []vcase{
		{"day", check("09:00", "17:00"), "", ""},
		{"whole day", check("00:00", "24:00"), "", ""},
		{"late", check("23:00", "23:59"), "", ""},
		{"from 24:00", check("24:00", "24:00"), "r.from", "cannot be 24:00"},
		{"bad from", check("9:00", "17:00"), "r.from", "HH:MM"},
		{"hour 25", check("25:00", "26:00"), "r.from", "HH:MM"},
		{"minute 60", check("09:60", "17:00"), "r.from", "HH:MM"},
		{"bad to", check("09:00", "24:01"), "r.to", "HH:MM"},
		{"empty to", check("09:00", ""), "r.to", "HH:MM"},
		{"reversed", check("17:00", "09:00"), "r.to", "later than from (17:00)"},
		{"empty span", check("09:00", "09:00"), "r.to", "later than from"},
	})
}

func TestValidateWeekHours(t *testing.T) {
	week := func(mon DayHours) *WeekHours { return &WeekHours{Monday: mon, Friday: day(true, "09:00", "17:00")} }
	many := day(true)
	for i := 0; i < rangesPerDay+1; i++ {
		h := string(rune('0'+i/10)) + string(rune('0'+i%10))
		many.Ranges = append(many.Ranges, TimeRange{From: h + ":00", To: h + ":30"})
	}
	eight := many
	eight.Ranges = many.Ranges[:rangesPerDay]
	checkCases(t, []vcase{
		{"simple", ValidateWeekHours("office_hours", week(day(true, "09:00", "17:00"))), "", ""},
		{"split unsorted", ValidateWeekHours("office_hours", week(day(true, "13:00", "17:00", "09:00", "12:00"))), "", ""},
		{"touching", ValidateWeekHours("office_hours", week(day(true, "09:00", "12:00", "12:00", "24:00"))), "", ""},
		{"max ranges", ValidateWeekHours("office_hours", week(eight)), "", ""},
		{"disabled empty", ValidateWeekHours("office_hours", &WeekHours{}), "", ""},
		{"nil", ValidateWeekHours("hours", nil), "hours", "required"},
		{"overlap", ValidateWeekHours("office_hours", week(day(true, "09:00", "12:00", "11:00", "13:00"))),
			"office_hours.monday.ranges[1].from", "11:00-13:00 overlaps range 09:00-12:00"},
		{"overlap unsorted", ValidateWeekHours("office_hours", week(day(true, "11:00", "13:00", "09:00", "12:00"))),
			"office_hours.monday.ranges[1].from", "overlaps"},
		{"contained", ValidateWeekHours("office_hours", week(day(true, "08:00", "18:00", "13:00", "14:00", "09:00", "10:00"))),
			"office_hours.monday.ranges[2].from", "overlaps"},
		{"too many", ValidateWeekHours("office_hours", week(many)), "office_hours.monday.ranges", "at most 8"},
		{"enabled without ranges", ValidateWeekHours("office_hours", week(day(true))), "office_hours.monday.ranges", "at least one"},
		{"24:00 as from", ValidateWeekHours("office_hours", week(day(true, "24:00", "24:00"))), "office_hours.monday.ranges[0].from", "24:00"},
		{"reversed", ValidateWeekHours("office_hours", week(day(true, "17:00", "09:00"))), "office_hours.monday.ranges[0].to", "later than from"},
		{"disabled day still checked", ValidateWeekHours("office_hours", &WeekHours{Sunday: day(false, "10:00", "9:00")}),
			"office_hours.sunday.ranges[0].to", "HH:MM"},
		{"nested prefix", ValidateWeekHours("custom_forward_rules[2].hours", &WeekHours{Friday: day(true, "09:00", "25:00")}),
			"custom_forward_rules[2].hours.friday.ranges[0].to", "HH:MM"},
	})
}
