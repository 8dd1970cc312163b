package query

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Limits of the language.
const (
	DefaultTop     = 100
	MaxTop         = 100
	MaxSkip        = 1_000_000_000
	MaxFilterBytes = 2000
	MaxSearchBytes = 256
	MaxSearchWords = 8
	MaxWordRunes   = 64
	MaxOrderKeys   = 8
)

// Parse validates and compiles p against the schema.
func Parse(p Params, s Schema) (*List, error) {
	l := &List{Top: DefaultTop}
	var err error
	if l.Skip, err = intParam("skip", p.Skip, 0, 0, MaxSkip); err != nil {
		return nil, err
	}
	if l.Top, err = intParam("top", p.Top, DefaultTop, 1, MaxTop); err != nil {
		return nil, err
	}
	if l.OrderBy, err = parseOrderBy(p.OrderBy, s); err != nil {
		return nil, err
	}
	if l.Search, err = parseSearch(p.Search); err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.Filter) != "" {
		if len(p.Filter) > MaxFilterBytes {
			return nil, model.Invalid("filter", "is longer than %d bytes", MaxFilterBytes)
		}
		if l.Where, l.Args, err = compileFilter(p.Filter, s); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func intParam(name, raw string, def, lo, hi int) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, model.Invalid(name, "must be a whole number from %d to %d, got %q", lo, hi, truncate(raw, 20))
	}
	return n, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func parseOrderBy(raw string, s Schema) ([]Order, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	parts := strings.Split(raw, ",")
	if len(parts) > MaxOrderKeys {
		return nil, model.Invalid("orderby", "has more than %d keys", MaxOrderKeys)
	}
	seen := map[string]bool{}
	var out []Order
	for _, part := range parts {
		words := strings.Fields(part)
		if len(words) == 0 || len(words) > 2 {
			return nil, model.Invalid("orderby", "expected \"field [asc|desc]\", got %q", truncate(strings.TrimSpace(part), 40))
		}
		f, ok := s[words[0]]
		if !ok || !f.Sortable {
			return nil, model.Invalid("orderby", "cannot sort by %q (allowed: %s)", truncate(words[0], 40), s.names(func(f Field) bool { return f.Sortable }))
		}
		if seen[words[0]] {
			return nil, model.Invalid("orderby", "field %q appears twice", words[0])
		}
		seen[words[0]] = true
		o := Order{Column: f.Column, Fold: f.Type == String && !f.NoFold}
		if f.SortColumn != "" {
			o = Order{Column: f.SortColumn}
		}
		if len(words) == 2 {
			switch strings.ToLower(words[1]) {
			case "asc":
			case "desc":
				o.Desc = true
			default:
				return nil, model.Invalid("orderby", "direction must be asc or desc, got %q", truncate(words[1], 20))
			}
		}
		out = append(out, o)
	}
	return out, nil
}

func parseSearch(raw string) ([]string, error) {
	if len(raw) > MaxSearchBytes {
		return nil, model.Invalid("search", "is longer than %d bytes", MaxSearchBytes)
	}
	if !utf8.ValidString(raw) {
		return nil, model.Invalid("search", "is not valid UTF-8")
	}
	words := strings.Fields(Fold(raw))
	if len(words) > MaxSearchWords {
		return nil, model.Invalid("search", "has more than %d words", MaxSearchWords)
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) > MaxWordRunes {
			return nil, model.Invalid("search", "has a word longer than %d characters", MaxWordRunes)
		}
	}
	return words, nil
}
