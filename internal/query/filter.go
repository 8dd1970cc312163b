package query

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Limits of a filter expression.
const (
	MaxDepth = 32
	MaxTerms = 64
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tBare // number, date or timestamp
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string // identifier, bare text, or the unquoted string
	pos  int
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of filter"
	case tString:
		return "a string"
	case tLParen:
		return "'('"
	case tRParen:
		return "')'"
	case tComma:
		return "','"
	}
	return fmt.Sprintf("%q", truncate(t.text, 30))
}

func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{tLParen, "(", i})
			i++
		case c == ')':
			toks = append(toks, token{tRParen, ")", i})
			i++
		case c == ',':
			toks = append(toks, token{tComma, ",", i})
			i++
		case c == '\'':
			start := i
			var sb strings.Builder
			i++
			for {
				if i >= len(src) {
					return nil, syntaxErr(start, "string is not closed with '")
				}
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						sb.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				sb.WriteByte(src[i])
				i++
			}
			toks = append(toks, token{tString, sb.String(), start})
		case isIdentStart(c):
			start := i
			for i < len(src) && (isIdentStart(src[i]) || isDigit(src[i])) {
				i++
			}
			toks = append(toks, token{tIdent, src[start:i], start})
		case isDigit(c) || c == '-':
			start := i
			for i < len(src) && (isIdentStart(src[i]) || isDigit(src[i]) || strings.IndexByte(":.+-", src[i]) >= 0) {
				i++
			}
			toks = append(toks, token{tBare, src[start:i], start})
		default:
			return nil, syntaxErr(i, "unexpected character %q", rune(c))
		}
	}
	return append(toks, token{kind: tEOF, pos: len(src)}), nil
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }

func syntaxErr(pos int, format string, args ...any) error {
	return model.Invalid("filter", "%s at position %d", fmt.Sprintf(format, args...), pos+1)
}

// parser compiles while it parses: each production returns its SQL.
type parser struct {
	toks   []token
	i      int
	schema Schema
	args   []any
	depth  int
	terms  int
}

func compileFilter(src string, s Schema) (string, []any, error) {
	toks, err := lex(src)
	if err != nil {
		return "", nil, err
	}
	p := &parser{toks: toks, schema: s}
	sql, err := p.or()
	if err != nil {
		return "", nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return "", nil, syntaxErr(t.pos, "expected 'and', 'or' or the end, found %s", t.describe())
	}
	return sql, p.args, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) keyword(word string) bool {
	t := p.peek()
	if t.kind == tIdent && strings.EqualFold(t.text, word) {
		p.i++
		return true
	}
	return false
}

func (p *parser) or() (string, error) {
	left, err := p.and()
	if err != nil {
		return "", err
	}
	for p.keyword("or") {
		right, err := p.and()
		if err != nil {
			return "", err
		}
		left = "(" + left + " OR " + right + ")"
	}
	return left, nil
}

func (p *parser) and() (string, error) {
	left, err := p.unary()
	if err != nil {
		return "", err
	}
	for p.keyword("and") {
		right, err := p.unary()
		if err != nil {
			return "", err
		}
		left = "(" + left + " AND " + right + ")"
	}
	return left, nil
}

func (p *parser) unary() (string, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxDepth {
		return "", syntaxErr(p.peek().pos, "expression is nested more than %d deep", MaxDepth)
	}
	if p.keyword("not") {
		inner, err := p.unary()
		if err != nil {
			return "", err
		}
		return "(NOT " + inner + ")", nil
	}
	return p.primary()
}

var functions = map[string]func(string) string{
	"contains":   func(s string) string { return LikePattern(s) },
	"startswith": func(s string) string { return likeEscaper.Replace(s) + "%" },
	"endswith":   func(s string) string { return "%" + likeEscaper.Replace(s) },
}

var operators = map[string]string{"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}

func (p *parser) primary() (string, error) {
	t := p.next()
	switch {
	case t.kind == tLParen:
		inner, err := p.or()
		if err != nil {
			return "", err
		}
		if c := p.next(); c.kind != tRParen {
			return "", syntaxErr(c.pos, "expected ')', found %s", c.describe())
		}
		return inner, nil
	case t.kind != tIdent:
		return "", syntaxErr(t.pos, "expected a field name, found %s", t.describe())
	}
	if p.terms++; p.terms > MaxTerms {
		return "", syntaxErr(t.pos, "filter has more than %d comparisons", MaxTerms)
	}
	if pattern, ok := functions[strings.ToLower(t.text)]; ok && p.peek().kind == tLParen {
		return p.function(t, pattern)
	}
	f, err := p.field(t)
	if err != nil {
		return "", err
	}
	opTok := p.next()
	op, ok := operators[strings.ToLower(opTok.text)]
	if opTok.kind != tIdent || !ok {
		return "", syntaxErr(opTok.pos, "expected an operator (eq, ne, gt, ge, lt, le) after %q, found %s", t.text, opTok.describe())
	}
	lit := p.next()
	v, err := literal(t.text, f, lit)
	if err != nil {
		return "", err
	}
	if f.Type == Bool && op != "=" && op != "<>" {
		return "", model.Invalid("filter", "field %q is boolean: compare it with eq or ne", t.text)
	}
	p.args = append(p.args, v)
	return f.Column + " " + op + " ?", nil
}

func (p *parser) function(name token, pattern func(string) string) (string, error) {
	p.next() // (
	ft := p.next()
	if ft.kind != tIdent {
		return "", syntaxErr(ft.pos, "expected a field name in %s(), found %s", name.text, ft.describe())
	}
	f, err := p.field(ft)
	if err != nil {
		return "", err
	}
	if f.Type != String {
		return "", model.Invalid("filter", "%s() works on text fields; %q is %s", strings.ToLower(name.text), ft.text, f.Type)
	}
	if c := p.next(); c.kind != tComma {
		return "", syntaxErr(c.pos, "expected ',' in %s(), found %s", name.text, c.describe())
	}
	s := p.next()
	if s.kind != tString {
		return "", syntaxErr(s.pos, "expected a quoted string in %s(), found %s", name.text, s.describe())
	}
	if c := p.next(); c.kind != tRParen {
		return "", syntaxErr(c.pos, "expected ')' to close %s(), found %s", name.text, c.describe())
	}
	p.args = append(p.args, strings.ToLower(pattern(s.text)))
	return "LOWER(" + f.Column + ") LIKE ? ESCAPE '\\'", nil
}

func (p *parser) field(t token) (Field, error) {
	f, ok := p.schema[t.text]
	if !ok || !f.Filterable {
		return Field{}, model.Invalid("filter", "unknown field %q at position %d (allowed: %s)", truncate(t.text, 40), t.pos+1,
			p.schema.names(func(f Field) bool { return f.Filterable }))
	}
	return f, nil
}

func literal(name string, f Field, t token) (any, error) {
	bad := func(want string) error {
		return model.Invalid("filter", "field %q is %s: compare it with %s, not %s (position %d)", name, f.Type, want, t.describe(), t.pos+1)
	}
	switch f.Type {
	case String:
		if t.kind != tString {
			return nil, bad("a quoted string like 'abc'")
		}
		return t.text, nil
	case Bool:
		if t.kind == tIdent && (strings.EqualFold(t.text, "true") || strings.EqualFold(t.text, "false")) {
			return strings.EqualFold(t.text, "true"), nil
		}
		return nil, bad("true or false")
	case Int:
		if t.kind == tBare {
			if n, err := strconv.ParseInt(t.text, 10, 64); err == nil {
				return n, nil
			}
		}
		return nil, bad("a whole number")
	case Time:
		if t.kind == tBare || t.kind == tString {
			if ts, ok := parseTime(t.text); ok {
				return ts.UnixMicro(), nil
			}
		}
		return nil, bad("a timestamp like 2024-01-31T09:00:00Z or a date like 2024-01-31")
	}
	return nil, bad("a value")
}

func parseTime(s string) (time.Time, bool) {
	if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return ts.UTC(), true
	}
	if ts, err := time.Parse("2006-01-02", s); err == nil {
		return ts.UTC(), true
	}
	return time.Time{}, false
}
