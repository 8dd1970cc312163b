package model

import (
	"fmt"
	"time"
)

// Holiday is a user's or a tenant's holiday, with the contract's fields.
// Consecutive holidays run without a break from the start date and time
// to the end date and time; the others are the daily window from
// hour_start:minute_start to hour_end:minute_end on each day from the
// start date to the end date. Every-year holidays repeat on their month
// and day each year (the years then only say from which year on).
type Holiday struct {
	ID          string `json:"id"`
	Name        string `json:"name" maxLength:"128"`
	Region      string `json:"region" maxLength:"3" doc:"ISO 3166-1 alpha-3 country code, e.g. FRA"`
	Consecutive bool   `json:"consecutive"`
	EveryYear   bool   `json:"every_year"`
	YearStart   int    `json:"year_start"`
	YearEnd     int    `json:"year_end"`
	MonthStart  int    `json:"month_start"`
	MonthEnd    int    `json:"month_end"`
	DayStart    int    `json:"day_start"`
	DayEnd      int    `json:"day_end"`
	HourStart   int    `json:"hour_start"`
	HourEnd     int    `json:"hour_end"`
	MinuteStart int    `json:"minute_start"`
	MinuteEnd   int    `json:"minute_end"`
}

// holidayNameLen bounds a holiday's name, as its tag declares it.
var holidayNameLen = bound[Holiday]("maxLength", "name")

// ValidateHoliday checks names, the region, that both dates exist (29
// February only in a leap year, or every year), that the end is not before
// the start, and the times of day.
func ValidateHoliday(h *Holiday) error {
	if h.Name == "" {
		return Invalid("name", "is required")
	}
	if err := checkText("name", h.Name, holidayNameLen, false); err != nil {
		return err
	}
	if h.Region != "" && !IsCountryCode(h.Region) {
		return Invalid("region", "must be an ISO 3166-1 alpha-3 country code such as FRA or USA (got %q)", clip(h.Region, 8))
	}
	for _, y := range []struct {
		name string
		v    int
	}{{"year_start", h.YearStart}, {"year_end", h.YearEnd}} {
		if y.v < 1970 || y.v > 9999 {
			return Invalid(y.name, "must be a year from 1970 to 9999 (got %d)", y.v)
		}
	}
	start, err := holidayDate("start", h.YearStart, h.MonthStart, h.DayStart, h.EveryYear)
	if err != nil {
		return err
	}
	end, err := holidayDate("end", h.YearEnd, h.MonthEnd, h.DayEnd, h.EveryYear)
	if err != nil {
		return err
	}
	for _, t := range []struct {
		name string
		v    int
		max  int
	}{{"hour_start", h.HourStart, 23}, {"hour_end", h.HourEnd, 23}, {"minute_start", h.MinuteStart, 59}, {"minute_end", h.MinuteEnd, 59}} {
		if t.v < 0 || t.v > t.max {
			return Invalid(t.name, "must be from 0 to %d (got %d)", t.max, t.v)
		}
	}
	startMin, endMin := h.HourStart*60+h.MinuteStart, h.HourEnd*60+h.MinuteEnd
	if h.EveryYear {
		// Repeating: compare within a year; the years bound the repetition.
		if h.YearEnd < h.YearStart {
			return Invalid("year_end", "must not be before year_start")
		}
		start, end = time.Date(2000, start.Month(), start.Day(), 0, 0, 0, 0, time.UTC), time.Date(2000, end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	}
	if end.Before(start) {
		return Invalid("day_end", "the end date is before the start date")
	}
	if end.Equal(start) || !h.Consecutive {
		if endMin < startMin {
			return Invalid("hour_end", "the end time %02d:%02d is before the start time %02d:%02d", h.HourEnd, h.MinuteEnd, h.HourStart, h.MinuteStart)
		}
	}
	return nil
}

func holidayDate(which string, y, m, d int, everyYear bool) (time.Time, error) {
	if m < 1 || m > 12 {
		return time.Time{}, Invalid("month_"+which, "must be from 1 to 12 (got %d)", m)
	}
	year := y
	if everyYear {
		year = 2000 // a leap year: 29 February repeats in the years that have it
	}
	t := time.Date(year, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if d < 1 || t.Month() != time.Month(m) {
		return time.Time{}, Invalid("day_"+which, "%s has no day %d%s", time.Month(m), d, yearNote(y, everyYear))
	}
	return t, nil
}

func yearNote(y int, everyYear bool) string {
	if everyYear {
		return ""
	}
	return fmt.Sprintf(" in %d", y)
}
