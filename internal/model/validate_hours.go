package model

import (
	"fmt"
	"sort"
)

// parseClock parses "HH:MM" into minutes after midnight. "24:00" (1440) is
// accepted only when end is true.
func parseClock(s string, end bool) (int, bool) {
	if len(s) != 5 || s[2] != ':' || !allDigits(s[:2]) || !allDigits(s[3:]) {
		return 0, false
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if end && h == 24 && m == 0 {
		return 24 * 60, true
	}
	if h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// ValidateTimeRange checks one range of a day at field (e.g.
// "office_hours.monday.ranges[0]"): from and to are "HH:MM" between 00:00
// and 23:59, to may also be "24:00", and from is earlier than to. It returns
// the range in minutes after midnight.
func ValidateTimeRange(field string, r TimeRange) (from, to int, err error) {
	from, ok := parseClock(r.From, false)
	if !ok {
		if r.From == "24:00" {
			return 0, 0, Invalid(field+".from", "cannot be 24:00; a range starts between 00:00 and 23:59")
		}
		return 0, 0, Invalid(field+".from", "must be a time from 00:00 to 23:59 in HH:MM form (got %q)", clip(r.From, 10))
	}
	to, ok = parseClock(r.To, true)
	if !ok {
		return 0, 0, Invalid(field+".to", "must be a time from 00:01 to 24:00 in HH:MM form (got %q)", clip(r.To, 10))
	}
	if from >= to {
		return 0, 0, Invalid(field+".to", "must be later than from (%s); a range cannot end before it starts or span midnight", r.From)
	}
	return from, to, nil
}

// rangesPerDay bounds a day's time ranges, as its tag declares it.
var rangesPerDay = bound[DayHours]("maxItems", "ranges")

// ValidateWeekHours checks a week of office hours at field (e.g.
// "office_hours"): every range is valid (see ValidateTimeRange), a day has
// at most the ranges DayHours declares, ranges of a day do not overlap (they may
// touch and need not be sorted), and an enabled day has at least one range.
func ValidateWeekHours(field string, w *WeekHours) error {
	if w == nil {
		return Invalid(field, "is required")
	}
	for _, d := range w.Days() {
		dayField := field + "." + d.Name
		rangesField := dayField + ".ranges"
		if len(d.Day.Ranges) > rangesPerDay {
			return Invalid(rangesField, "may have at most %d time ranges (it has %d)", rangesPerDay, len(d.Day.Ranges))
		}
		if d.Day.Enabled && len(d.Day.Ranges) == 0 {
			return Invalid(rangesField, "needs at least one time range when %s is enabled", d.Name)
		}
		type span struct{ i, from, to int }
		spans := make([]span, 0, len(d.Day.Ranges))
		for i, r := range d.Day.Ranges {
			from, to, err := ValidateTimeRange(fmt.Sprintf("%s[%d]", rangesField, i), r)
			if err != nil {
				return err
			}
			spans = append(spans, span{i, from, to})
		}
		sort.SliceStable(spans, func(a, b int) bool { return spans[a].from < spans[b].from })
		for k := 1; k < len(spans); k++ {
			prev, cur := spans[k-1], spans[k]
			if cur.from < prev.to {
				// Name the range that appears later in the input.
				a, b := prev, cur
				if a.i > b.i {
					a, b = b, a
				}
				rb, ra := d.Day.Ranges[b.i], d.Day.Ranges[a.i]
				return Invalid(fmt.Sprintf("%s[%d].from", rangesField, b.i),
					"range %s-%s overlaps range %s-%s on %s", rb.From, rb.To, ra.From, ra.To, d.Name)
			}
		}
	}
	return nil
}
