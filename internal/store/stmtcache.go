package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statement cache. Only fixed SQL texts written
// in this package are cached (never ones built from a list filter), so the
// bound is a safety net, not an eviction policy.
const maxCachedStmts = 64

// stmtCache keeps prepared statements of the hot point reads. SQLite
// (modernc) parses the SQL of every unprepared query, which costs about as
// much as running a point read; pgx already caches statements per
// connection, so PostgreSQL stores have no stmtCache.
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}}
}

// get returns the prepared statement for query, preparing it on first use.
// It returns nil when the cache is full or preparing fails; the caller
// then runs the query unprepared (and sees any error there).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st := c.stmts[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.stmts[query]; st != nil {
		return st
	}
	if len(c.stmts) >= maxCachedStmts {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		_ = st.Close()
		delete(c.stmts, q)
	}
}

// queryRowFixed runs a query whose SQL text is a constant of this package
// through the statement cache when the store has one.
func (s *Store) queryRowFixed(ctx context.Context, query string, args ...any) *sql.Row {
	q := rebind(s.dialect, query)
	if s.stmts != nil {
		if st := s.stmts.get(ctx, q); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return s.db.QueryRowContext(ctx, q, args...)
}
