package portal

import "strings"

// The fourteen presence rules (seven presences, in and outside office
// hours) are one table: a row per presence, a column per time, each cell
// the rule's action and number. The inputs keep the rules' own names, so
// the section saves them as any other field.

// matrixRow is one presence with its two rules.
type matrixRow struct {
	Key, Label string
	Cells      []field
}

var matrixPresences = []struct{ key, label string }{
	{"available", "Available"}, {"busy", "Busy on a call"}, {"dnd", "Do not disturb"}, {"away", "Away"},
	{"lunch", "At lunch"}, {"trip", "On a business trip"}, {"offline", "Offline (no phone registered)"},
}

// viewOf builds a section's inputs: its presence rules as the matrix,
// the rest one by one.
func viewOf(s section, values map[string]any, errs map[string]string) sectionView {
	in := map[string]bool{}
	for _, f := range s.Fields {
		in[f] = true
	}
	var rows []matrixRow
	used := map[string]bool{}
	for _, p := range matrixPresences {
		office, after := p.key+"_office_hours_forward_rule", p.key+"_non_office_hours_forward_rule"
		if !in[office] || !in[after] || userMeta[office] == nil || userMeta[after] == nil {
			continue
		}
		row := matrixRow{Key: p.key, Label: p.label}
		for _, c := range []struct{ name, when string }{{office, "in office hours"}, {after, "outside office hours"}} {
			f := fieldAt(userMeta[c.name], c.name, values[c.name], errs)
			f.Caption, f.When = p.label+", "+c.when, c.when
			row.Cells = append(row.Cells, f)
			used[c.name] = true
		}
		rows = append(rows, row)
	}
	var plain []string
	for _, f := range s.Fields {
		if !used[f] {
			plain = append(plain, f)
		}
	}
	return sectionView{section: s, Matrix: rows, Fields: fieldsFor(plain, values, errs), Names: strings.Join(s.Fields, ",")}
}
