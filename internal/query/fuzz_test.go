package query

import (
	"strings"
	"testing"
)

// FuzzParse checks that no input makes the parser panic, and that a
// successful parse produces SQL made only of schema columns, keywords and
// placeholders: user text can only ever reach the database as an argument.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"name eq 'x'", "enabled eq true and not (max gt 3 or contains(email,'%'))",
		"created_at ge 2024-01-01", "name eq 'O''x'", "((", "name eq", "'", "not not not name eq 'a'",
		"startswith(name,'a') or endswith(email,'b')", "max eq -99999999999999999999",
	} {
		f.Add(s, "name desc", "search words")
	}
	allowed := []string{"LOWER(", "LIKE", "ESCAPE", `'\'`, "NOT", "AND", "OR", "?", "(", ")", "<>", "<=", ">=", "=", "<", ">", " "}
	for _, fld := range testSchema {
		allowed = append(allowed, fld.Column)
	}
	f.Fuzz(func(t *testing.T, filter, orderby, search string) {
		l, err := Parse(Params{Filter: filter, OrderBy: orderby, Search: search}, testSchema)
		if err != nil {
			return
		}
		if n := strings.Count(l.Where, "?"); n != len(l.Args) {
			t.Fatalf("%d placeholders, %d args for %q", n, len(l.Args), filter)
		}
		rest := l.Where
		// Longest tokens first so "max_bindings" is removed before "max".
		for changed := true; changed; {
			changed = false
			for _, a := range allowed {
				if strings.Contains(rest, a) {
					rest = strings.ReplaceAll(rest, a, "")
					changed = true
				}
			}
		}
		if rest != "" {
			t.Fatalf("unexpected SQL text %q in %q from %q", rest, l.Where, filter)
		}
	})
}
