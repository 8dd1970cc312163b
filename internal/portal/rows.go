package portal

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Lists of objects (BLF keys, caller IDs, custom forward rules, SIP
// transports) are edited as rows of inputs, one row per item plus an empty
// row to add one, each with a Remove box; a week of office hours is a grid
// of the seven days in week order, each with a box and its times
// ("09:00-12:00, 13:00-17:00"). No setting is edited as JSON text.

var (
	weekType        = reflect.TypeOf(model.WeekHours{})
	officeHoursType = reflect.TypeOf(model.OfficeHours{})
)

// describeRows describes the members of a list's item type, with paths
// relative to the item.
func describeRows(elem reflect.Type) []*meta {
	return describe(elem, "", map[string]*meta{})
}

// row is one item of a list editor.
type row struct {
	Index  int
	ID     string
	Path   string
	New    bool
	Error  string
	Fields []field
}

// day is one day of a week grid.
type day struct {
	Label, ID, Path string
	Enabled         bool
	Ranges          string
	Error           string
}

// itemPath is the path of member name of item i of the list at path.
func itemPath(path string, i int, name string) string {
	return path + "." + strconv.Itoa(i) + "." + name
}

// rowsOf fills f's rows from the list v: one per item and an empty one.
func rowsOf(f *field, md *meta, v any, errs map[string]string) {
	items, _ := v.([]any)
	for i := 0; i <= len(items); i++ {
		var obj map[string]any
		if i < len(items) {
			obj, _ = items[i].(map[string]any)
		}
		base := f.Path + "." + strconv.Itoa(i)
		r := row{Index: i, ID: f.ID + "-" + strconv.Itoa(i), Path: base, New: i == len(items), Error: errs[base]}
		for _, c := range md.Elem {
			cf := fieldAt(c, itemPath(f.Path, i, c.Path), obj[c.Path], errs)
			cf.Blank = r.New
			// A rule's own hours matter for one type only: folded away
			// unless set or wrong.
			cf.Folded = c.Kind == kWeek
			cf.Open = cf.Error != "" || weekSet(cf.Days)
			r.Fields = append(r.Fields, cf)
		}
		f.Rows = append(f.Rows, r)
	}
	if f.Error == "" { // an error on the list, or on a member not shown
		for p, e := range errs {
			if strings.HasPrefix(p, f.Path+".") && !shownIn(f, p) {
				f.Error = e
			}
		}
	}
}

// shownIn says whether the error at p is shown on a row or its inputs.
func shownIn(f *field, p string) bool {
	for _, r := range f.Rows {
		if r.Path == p {
			return true
		}
		for _, c := range r.Fields {
			if c.Path == p || strings.HasPrefix(p, c.Path+".") && c.Kind == kWeek {
				return true
			}
		}
	}
	return false
}

var dayLabels = map[string]string{"monday": "Monday", "tuesday": "Tuesday", "wednesday": "Wednesday", "thursday": "Thursday",
	"friday": "Friday", "saturday": "Saturday", "sunday": "Sunday"}

// weekDays are the JSON names of the days, Monday first.
var weekDays = func() []string {
	var w model.WeekHours
	var out []string
	for _, d := range w.Days() {
		out = append(out, d.Name)
	}
	return out
}()

// weekOf fills f's days (and the mode of office hours) from v.
func weekOf(f *field, md *meta, v any, errs map[string]string) {
	obj, _ := v.(map[string]any)
	if md.HasMode {
		mode := &meta{Path: "mode", Label: "Office hours", Kind: kEnum, Choices: []string{"GLOBAL", "CUSTOM"}}
		m := fieldAt(mode, f.Path+".mode", obj["mode"], errs)
		f.Children = append(f.Children, m)
	}
	for _, name := range weekDays {
		p := f.Path + "." + name
		d := day{Label: dayLabels[name], ID: f.ID + "-" + name, Path: p, Error: errs[p]}
		dv, _ := obj[name].(map[string]any)
		d.Enabled, _ = dv["enabled"].(bool)
		ranges, _ := dv["ranges"].([]any)
		var parts []string
		for i, r := range ranges {
			rm, _ := r.(map[string]any)
			if to, _ := rm["to"].(string); to == "" { // a range typed wrong
				parts = append(parts, fmt.Sprint(rm["from"]))
			} else {
				parts = append(parts, fmt.Sprintf("%v-%v", rm["from"], to))
			}
			if e := errs[p+".ranges."+strconv.Itoa(i)+".from"] + errs[p+".ranges."+strconv.Itoa(i)+".to"]; d.Error == "" && e != "" {
				d.Error = e
			}
		}
		if d.Error == "" {
			d.Error = errs[p+".ranges"]
		}
		d.Ranges = strings.Join(parts, ", ")
		f.Days = append(f.Days, d)
	}
	if f.Error == "" {
		for p, e := range errs {
			if strings.HasPrefix(p, f.Path+".") && !strings.HasPrefix(p, f.Path+".mode") && !dayShown(f, p) {
				f.Error = e
			}
		}
	}
}

func dayShown(f *field, p string) bool {
	for _, d := range f.Days {
		if p == d.Path || strings.HasPrefix(p, d.Path+".") {
			return true
		}
	}
	return false
}

// rowsFrom reads the list at md.Path from the form: the rows in index
// order, without removed or untouched empty ones.
func rowsFrom(md *meta, form url.Values, errs map[string]string) []any {
	seen := map[int]bool{}
	prefix := md.Path + "."
	for k := range form {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			head, _, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(head); err == nil && i >= 0 && i < 1000 {
				seen[i] = true
			}
		}
	}
	idx := make([]int, 0, len(seen))
	for i := range seen {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	list := []any{}
	for _, i := range idx {
		base := md.Path + "." + strconv.Itoa(i)
		if form.Get(base+"._remove") != "" {
			continue
		}
		item, blank := map[string]any{}, true
		for _, c := range md.Elem {
			p := itemPath(md.Path, i, c.Path)
			v, set := valueFrom(c, p, form, errs)
			if set {
				item[c.Path] = v
				blank = false
			}
		}
		if !blank {
			list = append(list, item)
		}
	}
	return list
}

// valueFrom reads one member of a list item; set is false when its input
// was left empty (an unchecked box, an empty text or choice, a week with
// no day).
func valueFrom(md *meta, path string, form url.Values, errs map[string]string) (v any, set bool) {
	raw := strings.TrimSpace(form.Get(path))
	switch md.Kind {
	case kBool:
		return raw != "", raw != ""
	case kInt:
		if raw == "" {
			return nil, false
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			errs[path] = "Must be a whole number."
			return nil, true
		}
		return float64(n), true
	case kWeek:
		w := weekFrom(md, path, form, errs)
		for _, name := range weekDays {
			if d, _ := w[name].(map[string]any); d["enabled"] == true || len(d["ranges"].([]any)) > 0 {
				return w, true
			}
		}
		return nil, false
	default:
		return raw, raw != ""
	}
}

var rangeRE = regexp.MustCompile(`^([0-2]?[0-9]:[0-5][0-9])\s*[-–]\s*([0-2]?[0-9]:[0-5][0-9])$`)

// weekFrom reads a week grid at path: each day's box and times.
func weekFrom(md *meta, path string, form url.Values, errs map[string]string) map[string]any {
	w := map[string]any{}
	if md.HasMode {
		w["mode"] = form.Get(path + ".mode")
	}
	for _, name := range weekDays {
		p := path + "." + name
		ranges := []any{}
		for _, part := range strings.FieldsFunc(form.Get(p+".ranges"), func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			m := rangeRE.FindStringSubmatch(part)
			if m == nil {
				errs[p] = fmt.Sprintf("%q is not a time range: write them as 09:00-12:00, 13:00-17:00.", part)
				// Kept as typed for the form shown again (never saved:
				// the error stops the save).
				ranges = append(ranges, map[string]any{"from": part, "to": ""})
				continue
			}
			ranges = append(ranges, map[string]any{"from": pad(m[1]), "to": pad(m[2])})
		}
		w[name] = map[string]any{"enabled": form.Get(p+".enabled") != "", "ranges": ranges}
	}
	return w
}

// pad writes 9:00 as 09:00.
func pad(t string) string {
	if len(t) == 4 {
		return "0" + t
	}
	return t
}

// weekSet says whether a day of the grid is open or has hours.
func weekSet(days []day) bool {
	for _, d := range days {
		if d.Enabled || d.Ranges != "" || d.Error != "" {
			return true
		}
	}
	return false
}
