package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/query"
)

// rowScanner is what *sql.Row and *sql.Rows have in common: each table's
// scan function reads one row through it.
type rowScanner = interface{ Scan(...any) error }

// listSpec describes one paged list of a table: what it reads, which rows
// always bound it, and its order when the request sets none.
type listSpec[T any] struct {
	op    string   // names the list in errors
	table string   // the table read
	cols  string   // the columns scan reads, in its order
	conds []string // fixed conditions (tenant, owner), with ? placeholders
	args  []any    // the arguments of conds
	order string   // the ORDER BY when the request has none
	// tiebreak is a unique column appended to a requested order so that
	// equal sort keys still give one order and pages never overlap;
	// "id" when empty.
	tiebreak string
	// trigram is the list's SQLite trigram index of search_text (see
	// search.go), nil for none.
	trigram *trigramIndex
	scan    func(rowScanner) (*T, error)
}

// listPaged runs a list request: the number of rows matching l's
// conditions and q (all pages), then the page q selects, in q's order then
// l.tiebreak (l.order by default). Every search word of q must occur in
// the row's folded search_text. A nil q lists everything.
func listPaged[T any](ctx context.Context, s *Store, l listSpec[T], q *query.List) (int, []T, error) {
	c := s.c()
	conds, args := l.conds, l.args
	from := l.table
	plan := searchPlan{total: -1}
	searching := q != nil && len(q.Search) > 0
	if l.trigram != nil && searching && s.dialect == DialectSQLite {
		var err error
		plan, err = trigramSearch(ctx, c, l.trigram, q.Search, len(l.conds) == 1 && strings.TrimSpace(q.Where) == "")
		if err != nil {
			return 0, nil, fmt.Errorf("%s: %w", l.op, err)
		}
		from += plan.hint
		if plan.cond != "" {
			conds = append(slices.Clone(conds), plan.cond)
			args = append(slices.Clone(args), plan.args...)
		}
	}
	where, args := s.listWhere(conds, args, q)
	total := plan.total
	if total < 0 {
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM `+from+where, searchArgs(s.dialect, searching, args)...).Scan(&total); err != nil {
			return 0, nil, fmt.Errorf("%s: count: %w", l.op, err)
		}
	}
	tiebreak := l.tiebreak
	if tiebreak == "" {
		tiebreak = "id"
	}
	page, pageArgs := s.listPage(q, l.order, tiebreak)
	out, err := queryAll(ctx, c, l.op, l.scan, `SELECT `+l.cols+` FROM `+from+where+page,
		searchArgs(s.dialect, searching, append(args, pageArgs...))...)
	if err != nil {
		return 0, nil, err
	}
	return total, out, nil
}

// listWhere builds the WHERE clause of a list: the fixed conditions, q's
// filter, and one substring test per search word on search_text. It
// returns the clause with a leading space (or "") and its arguments.
func (s *Store) listWhere(conds []string, args []any, q *query.List) (string, []any) {
	if q != nil {
		if strings.TrimSpace(q.Where) != "" {
			conds = append(conds, "("+q.Where+")")
			args = append(args, q.Args...)
		}
		for _, w := range q.Search {
			if w == "" {
				continue
			}
			cond, arg := searchCond(s.dialect, w)
			conds = append(conds, cond)
			args = append(args, arg)
		}
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// listPage returns the ORDER BY of a list (q's order then tiebreak, a
// unique column; order when q sets none) and its LIMIT/OFFSET, with
// their arguments.
func (s *Store) listPage(q *query.List, order, tiebreak string) (string, []any) {
	if q != nil {
		if o := q.OrderSQL(); o != "" {
			order = o + ", " + tiebreak
		}
	}
	out := " ORDER BY " + order
	var args []any
	if q == nil {
		return out, nil
	}
	if q.Top > 0 {
		out += " LIMIT ?"
		args = append(args, q.Top)
	}
	if q.Skip > 0 {
		if q.Top <= 0 && s.dialect == DialectSQLite {
			out += " LIMIT -1" // SQLite wants a LIMIT before OFFSET
		}
		out += " OFFSET ?"
		args = append(args, q.Skip)
	}
	return out, args
}

// queryAll runs q on c and reads every row with scan, in order. No rows
// is an empty slice; every error is wrapped with op.
func queryAll[T any](ctx context.Context, c conn, op string, scan func(rowScanner) (*T, error), q string, args ...any) ([]T, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// byIDs reads the rows of table with the given ids (and conds), in
// batches of at most 500 ids per query, keyed by id; missing ids are
// simply absent.
func byIDs[T any](ctx context.Context, s *Store, op, table, cols string, conds []string, args []any, ids []string,
	scan func(rowScanner) (*T, error), id func(*T) string) (map[string]*T, error) {
	out := make(map[string]*T, len(ids))
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		part := ids[start:min(start+batch, len(ids))]
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		qargs := append([]any{}, args...)
		for _, v := range part {
			qargs = append(qargs, v)
		}
		where := strings.Join(append(append([]string{}, conds...), "id IN ("+marks+")"), " AND ")
		found, err := queryAll(ctx, s.c(), op, scan, `SELECT `+cols+` FROM `+table+` WHERE `+where, qargs...)
		if err != nil {
			return nil, err
		}
		for i := range found {
			out[id(&found[i])] = &found[i]
		}
	}
	return out, nil
}
