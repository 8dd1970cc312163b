// Package query implements the list query language of the API: an
// OData-style filter, free-text search, orderby and paging, compiled to a
// portable SQL fragment whose literals are all bound arguments.
package query

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// FieldType is the type of a documented field.
type FieldType int

// Field types.
const (
	String FieldType = iota
	Bool
	Int
	Time
)

func (t FieldType) String() string {
	return [...]string{"string", "boolean", "integer", "timestamp"}[t]
}

// Field describes one documented API field of a resource.
type Field struct {
	Column     string // SQL column, from code only
	Type       FieldType
	Filterable bool
	Sortable   bool
	// SortColumn, when set, is a column holding the value already folded
	// for sorting (an index can serve the order); NoFold sorts a string
	// field as is (digits only, where case folding changes nothing).
	SortColumn string
	NoFold     bool
}

// Schema maps API field names to fields.
type Schema map[string]Field

func (s Schema) names(pred func(Field) bool) string {
	var out []string
	for n, f := range s {
		if pred(f) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// Params are the raw query parameters ("" means absent).
type Params struct {
	Filter, Search, OrderBy, Skip, Top string
}

// List is a compiled, validated list request.
type List struct {
	Where   string // SQL boolean expression with ? placeholders, "" for none
	Args    []any
	OrderBy []Order
	Search  []string // folded words, all of which must match
	Skip    int
	Top     int
}

// Order is one sort key.
type Order struct {
	Column string
	Desc   bool
	// Fold sorts text the way people read a directory: "anna" before
	// "Bert" (ASCII case folded the same on SQLite and PostgreSQL), with
	// the exact value breaking ties so the order stays total.
	Fold bool
}

// OrderSQL renders the sort keys as "col ASC, col2 DESC" ("" when none);
// a folded key becomes "lower(col) ASC, col ASC".
func (l *List) OrderSQL() string {
	parts := make([]string, len(l.OrderBy))
	for i, o := range l.OrderBy {
		dir := " ASC"
		if o.Desc {
			dir = " DESC"
		}
		parts[i] = o.Column + dir
		if o.Fold {
			parts[i] = "lower(" + o.Column + ")" + dir + ", " + parts[i]
		}
	}
	return strings.Join(parts, ", ")
}

var special = strings.NewReplacer("ß", "ss", "æ", "ae", "ø", "o", "ł", "l", "đ", "d", "œ", "oe", "þ", "th", "ı", "i")

// Fold lowercases s and strips accents, so "Jérôme" becomes "jerome".
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(s))
	if err != nil {
		out = strings.ToLower(s)
	}
	return special.Replace(out)
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// LikePattern escapes s for LIKE ... ESCAPE '\' and wraps it for a
// contains match.
func LikePattern(s string) string { return "%" + likeEscaper.Replace(s) + "%" }

// SearchText is the folded text a list search matches, built from a
// row's text fields: each distinct word once, leaving out words that occur
// inside another word. A search word has no spaces, so it occurs in the
// joined fields exactly when it occurs in one of their words; keeping only
// the words no other word contains keeps every match and makes the text,
// and the indexes built on it, shorter.
func SearchText(fields ...string) string {
	words := strings.Fields(Fold(strings.Join(fields, " ")))
	keep := make([]string, 0, len(words))
	for i, w := range words {
		inside := false
		for j, o := range words {
			// A word inside a longer one, or the later copy of a repeat.
			if i != j && strings.Contains(o, w) && (len(o) > len(w) || j < i) {
				inside = true
				break
			}
		}
		if !inside {
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, " ")
}
