package query

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

var testSchema = Schema{
	"name":       {Column: "name", Type: String, Filterable: true, Sortable: true},
	"email":      {Column: "email", Type: String, Filterable: true, Sortable: true},
	"enabled":    {Column: "enabled", Type: Bool, Filterable: true, Sortable: true},
	"max":        {Column: "max_bindings", Type: Int, Filterable: true, Sortable: true},
	"created_at": {Column: "created_at", Type: Time, Filterable: true, Sortable: true},
	"secret":     {Column: "secret", Type: String},
}

func TestFilterCompiles(t *testing.T) {
	tests := []struct {
		filter string
		where  string
		args   []any
	}{
		{"name eq 'bob'", "name = ?", []any{"bob"}},
		{"name EQ 'O''Brien'", "name = ?", []any{"O'Brien"}},
		{"enabled eq true", "enabled = ?", []any{true}},
		{"enabled ne FALSE", "enabled <> ?", []any{false}},
		{"max ge 3 and max lt -1", "(max_bindings >= ? AND max_bindings < ?)", []any{int64(3), int64(-1)}},
		{"created_at gt 2024-01-01T00:00:00Z", "created_at > ?", []any{int64(1704067200000000)}},
		{"created_at le '2024-01-01'", "created_at <= ?", []any{int64(1704067200000000)}},
		{"name eq 'a' or name eq 'b' and enabled eq true", "(name = ? OR (name = ? AND enabled = ?))", []any{"a", "b", true}},
		{"(name eq 'a' or name eq 'b') and enabled eq true", "((name = ? OR name = ?) AND enabled = ?)", []any{"a", "b", true}},
		{"not enabled eq true", "(NOT enabled = ?)", []any{true}},
		{"not (name eq 'a')", "(NOT name = ?)", []any{"a"}},
		{"contains(name,'Ab%')", `LOWER(name) LIKE ? ESCAPE '\'`, []any{`%ab\%%`}},
		{"startswith( email , 'x_' )", `LOWER(email) LIKE ? ESCAPE '\'`, []any{`x\_%`}},
		{"endswith(email,'.ORG')", `LOWER(email) LIKE ? ESCAPE '\'`, []any{`%.org`}},
		{"not contains(name,'z')", `(NOT LOWER(name) LIKE ? ESCAPE '\')`, []any{"%z%"}},
	}
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			l, err := Parse(Params{Filter: tc.filter}, testSchema)
			if err != nil {
				t.Fatal(err)
			}
			if l.Where != tc.where || !reflect.DeepEqual(l.Args, tc.args) {
				t.Fatalf("got %q %#v, want %q %#v", l.Where, l.Args, tc.where, tc.args)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	tests := []struct{ filter, want string }{
		{"foo eq 'x'", `unknown field "foo"`},
		{"secret eq 'x'", `unknown field "secret"`},
		{"name eq 'x", "not closed"},
		{"name eq", "compare it with a quoted string"},
		{"name 'x'", "expected an operator"},
		{"name like 'x'", "expected an operator"},
		{"name eq 1", "is string"},
		{"enabled eq 'yes'", "true or false"},
		{"enabled gt true", "boolean"},
		{"max eq 1.5", "whole number"},
		{"created_at gt yesterday", "timestamp"},
		{"(name eq 'x'", "expected ')'"},
		{"name eq 'x')", "expected 'and', 'or'"},
		{"name eq 'x' and", "expected a field name"},
		{"contains(enabled,'x')", "text fields"},
		{"contains(name 'x')", "expected ','"},
		{"contains(name,x)", "quoted string"},
		{"name eq 'x' ; drop table users", "unexpected character"},
		{strings.Repeat("(", 40) + "name eq 'x'" + strings.Repeat(")", 40), "nested"},
		{strings.Repeat("name eq 'x' or ", 70) + "name eq 'x'", "more than 64"},
		{strings.Repeat("x", 2001), "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.filter[:min(len(tc.filter), 40)], func(t *testing.T) {
			_, err := Parse(Params{Filter: tc.filter}, testSchema)
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field != "filter" || !strings.Contains(fe.Message, tc.want) {
				t.Fatalf("err = %v, want filter error containing %q", err, tc.want)
			}
		})
	}
}

func TestOrderByAndPaging(t *testing.T) {
	l, err := Parse(Params{OrderBy: "enabled desc, name ASC,email", Skip: "5", Top: "10"}, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.OrderSQL(); got != "enabled DESC, lower(name) ASC, name ASC, lower(email) ASC, email ASC" || l.Skip != 5 || l.Top != 10 {
		t.Fatalf("got %q skip %d top %d", got, l.Skip, l.Top)
	}
	def, _ := Parse(Params{}, testSchema)
	if def.Top != 100 || def.Skip != 0 || def.Where != "" || def.OrderSQL() != "" {
		t.Fatalf("defaults wrong: %+v", def)
	}
	bad := []struct {
		p           Params
		field, want string
	}{
		{Params{OrderBy: "secret"}, "orderby", "cannot sort"},
		{Params{OrderBy: "name up"}, "orderby", "asc or desc"},
		{Params{OrderBy: "name, name desc"}, "orderby", "twice"},
		{Params{OrderBy: "name asc desc"}, "orderby", "expected"},
		{Params{OrderBy: "name,"}, "orderby", "expected"},
		{Params{Top: "0"}, "top", "1 to 100"},
		{Params{Top: "101"}, "top", "1 to 100"},
		{Params{Top: "abc"}, "top", "1 to 100"},
		{Params{Skip: "-1"}, "skip", "0 to"},
		{Params{Skip: "1.5"}, "skip", "0 to"},
		{Params{Search: strings.Repeat("a ", 9)}, "search", "words"},
		{Params{Search: strings.Repeat("é", 65)}, "search", "longer than"},
	}
	for _, tc := range bad {
		_, err := Parse(tc.p, testSchema)
		var fe *model.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Message, tc.want) {
			t.Errorf("%+v: err = %v, want %s error containing %q", tc.p, err, tc.field, tc.want)
		}
	}
}

func TestSearchFolds(t *testing.T) {
	l, err := Parse(Params{Search: "  JÉRÔME  Straße "}, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l.Search, []string{"jerome", "strasse"}) {
		t.Fatalf("search = %q", l.Search)
	}
	if !strings.Contains(Fold("Jérôme Ångström Łódź"), "jerome angstrom lodz") {
		t.Fatalf("Fold = %q", Fold("Jérôme Ångström Łódź"))
	}
	if LikePattern(`a%b_c\d`) != `%a\%b\_c\\d%` {
		t.Fatalf("LikePattern = %q", LikePattern(`a%b_c\d`))
	}
}

func TestSearchTextKeepsEveryMatch(t *testing.T) {
	for _, c := range []struct {
		fields []string
		want   string
	}{
		{[]string{"user5", "Liam Muller", "user5@bench.example", "100005", "Liam", "Müller"}, "liam muller user5@bench.example 100005"},
		{[]string{"anna", "", "", "2002", "Anna", ""}, "anna 2002"},
		{[]string{"Zoë  Zoe", "ZOE"}, "zoe"},
		{[]string{"", " "}, ""},
	} {
		got := SearchText(c.fields...)
		if got != c.want {
			t.Errorf("SearchText(%q) = %q, want %q", c.fields, got, c.want)
		}
		// Every substring of a field's folded word still occurs.
		for _, w := range strings.Fields(Fold(strings.Join(c.fields, " "))) {
			for i := range len(w) {
				for j := i + 1; j <= len(w); j++ {
					if !strings.Contains(got, w[i:j]) {
						t.Errorf("SearchText(%q) = %q lost %q", c.fields, got, w[i:j])
					}
				}
			}
		}
	}
}
