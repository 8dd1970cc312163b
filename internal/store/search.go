package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"
)

// List searches: every search word must occur in the row's folded
// search_text (query.SearchText). A plain test of each row costs a pass
// over the whole tenant, so the users list has a trigram index: on
// PostgreSQL a pg_trgm GIN index that the planner picks for LIKE '%word%'
// by itself (migration 34), on SQLite the FTS5 table users_search, which
// the store reads itself (trigramSearch).

// tenantRowSpan is the width of one tenant's range of rowids in an FTS5
// trigram table: a row's entry has the rowid tenant rowid * tenantRowSpan
// + row rowid, so a tenant's matches are one range (migration 34).
const tenantRowSpan = 1 << 40

// sparseSearch is the match count up to which a SQLite search reads its
// matches through the trigram index and sorts them, rather than walking
// the table in list order until the page fills.
const sparseSearch = 2000

// minTrigramRunes is the shortest search word a trigram index can find;
// shorter words are tested on each row (search_text, as before).
const minTrigramRunes = 3

// trigramIndex is a SQLite FTS5 trigram table of a list's search_text,
// read for one tenant's rows.
type trigramIndex struct {
	table    string // the FTS5 table
	rows     string // the table it indexes
	tenantID string
}

// usersTrigram is the users list's trigram index for tenantID.
func usersTrigram(tenantID string) *trigramIndex {
	return &trigramIndex{table: "users_search", rows: "users", tenantID: tenantID}
}

// trigramQuery is the FTS5 query of the words long enough for the index:
// each one a quoted string, which the trigram tokenizer turns into a
// phrase of its consecutive trigrams (an exact substring test), all of
// them required. all reports whether every word is in it.
func trigramQuery(words []string) (match string, all bool) {
	parts := make([]string, 0, len(words))
	all = true
	for _, w := range words {
		if utf8.RuneCountInString(w) < minTrigramRunes {
			all = false
			continue
		}
		parts = append(parts, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
	}
	return strings.Join(parts, " AND "), all
}

// searchPlan is how a list runs its search: extra FROM text (an index
// hint), an extra condition with its arguments, and the total when the
// trigram index already gave it (-1 when the list must count).
type searchPlan struct {
	hint  string
	cond  string
	args  []any
	total int
}

// trigramSearch plans a SQLite list search with index t. exact says that
// the list has no condition but the tenant's and the search (no filter),
// so that the index's count is the list's total when every word is long
// enough. With few matches the list reads just them (by rowid); with many
// it walks its order, testing each row, and takes the total from the
// index when it can.
func trigramSearch(ctx context.Context, c conn, t *trigramIndex, words []string, exact bool) (searchPlan, error) {
	plan := searchPlan{total: -1}
	match, all := trigramQuery(words)
	if match == "" {
		return plan, nil
	}
	var tenantRow int64
	err := c.queryRow(ctx, `SELECT rowid FROM tenants WHERE id = ?`, t.tenantID).Scan(&tenantRow)
	if errors.Is(err, sql.ErrNoRows) {
		return plan, nil // no tenant, no rows: the plain list is as quick
	}
	if err != nil {
		return plan, fmt.Errorf("search: %w", err)
	}
	lo := tenantRow * tenantRowSpan
	hi := lo + tenantRowSpan - 1
	matches := `SELECT rowid FROM ` + t.table + ` WHERE ` + t.table + ` MATCH ? AND rowid BETWEEN ? AND ?`
	exact = exact && all
	var n int
	if err := c.queryRow(ctx, `SELECT COUNT(*) FROM (`+matches+` LIMIT ?)`, match, lo, hi, sparseSearch+1).Scan(&n); err != nil {
		return plan, fmt.Errorf("search: %w", err)
	}
	if n <= sparseSearch {
		// NOT INDEXED keeps SQLite from walking a tenant index instead of
		// looking the few matches up by rowid.
		plan.hint = " NOT INDEXED"
		plan.cond = `rowid IN (SELECT rowid - ? FROM ` + t.table + ` WHERE ` + t.table + ` MATCH ? AND rowid BETWEEN ? AND ?)`
		plan.args = []any{lo, match, lo, hi}
		if exact {
			plan.total = n
		}
		return plan, nil
	}
	if exact {
		if plan.total, err = countMatches(ctx, c, t, match, lo, hi); err != nil {
			return plan, fmt.Errorf("search: %w", err)
		}
	}
	return plan, nil
}

// countMatches counts the entries of a tenant's range [lo, hi] of index t
// that match: the lower and upper halves of the indexed table's rowids at
// once, on two connections of the pool (two cores; a word that most rows
// match costs about 25 ms a pass over 100,000 entries). The halves are
// counted in two snapshots, which for a list's total is as good as one:
// each row is in one half only.
func countMatches(ctx context.Context, c conn, t *trigramIndex, match string, lo, hi int64) (int, error) {
	var last int64
	if err := c.queryRow(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM `+t.rows).Scan(&last); err != nil {
		return 0, err
	}
	count := `SELECT COUNT(*) FROM ` + t.table + ` WHERE ` + t.table + ` MATCH ? AND rowid BETWEEN ? AND ?`
	mid := min(lo+last/2, hi)
	var upper int
	var g errgroup.Group
	g.Go(func() error { return c.queryRow(ctx, count, match, mid+1, hi).Scan(&upper) })
	var lower int
	err := c.queryRow(ctx, count, match, lo, mid).Scan(&lower)
	if gerr := g.Wait(); err == nil {
		err = gerr
	}
	return lower + upper, err
}

// searchCond is the test of one folded search word w on search_text, and
// its argument. On PostgreSQL it is a LIKE, which a pg_trgm index serves.
func searchCond(dialect, w string) (string, any) {
	if dialect == DialectPostgres {
		return `search_text LIKE ?`, "%" + likeEscape(w) + "%"
	}
	// search_text and w are both folded: a plain substring test does, and
	// instr skips LIKE's per-character matching.
	return `instr(search_text, ?) > 0`, w
}

// searchArgs prepends to a searching list query's arguments, on
// PostgreSQL, the mode that plans the statement with its arguments each
// time: a cached generic plan cannot tell a rare word (trigram index)
// from a common one (a scan).
func searchArgs(dialect string, searching bool, args []any) []any {
	if dialect != DialectPostgres || !searching {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}
