package store

import (
	"context"
	"database/sql"
	"regexp"
	"sync"
)

// readPool is the pool for reads with a cache of prepared statements by SQL
// text. database/sql prepares a statement on every QueryContext call without
// one; with pure-Go SQLite, parsing the SQL was a fifth of a list page's CPU.
// A *sql.Stmt is safe for concurrent use and prepares itself on each
// connection once. The cache is bounded: texts beyond it run unprepared.
type readPool struct {
	*sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
	max   int
}

// literalList finds an IN list of numbers written into a query's text.
var literalList = regexp.MustCompile(`(?i)\bIN \(\s*-?[0-9]`)

func newReadPool(db *sql.DB) *readPool {
	return &readPool{DB: db, stmts: make(map[string]*sql.Stmt), max: 1000}
}

func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	s, ok := p.stmts[query]
	p.mu.RUnlock()
	if ok {
		return s
	}
	if literalList.MatchString(query) {
		// A list of ids written into the text (a page's rows, a household's
		// persons) makes every page a new text: kept, they would fill the
		// cache with statements used once, and the texts that repeat would
		// then run unprepared.
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.stmts[query]; ok {
		return s
	}
	if p.stmts == nil || len(p.stmts) >= p.max {
		// Closed (a late reader, such as a live board publishing while the
		// server shuts down, gets the pool's own error), or full.
		return nil
	}
	s, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // let the plain call report the error
	}
	p.stmts[query] = s
	return s
}

// QueryContext runs a cached prepared statement for query.
func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a cached prepared statement for query.
func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the statements and the pool.
func (p *readPool) Close() error {
	p.mu.Lock()
	for _, s := range p.stmts {
		s.Close()
	}
	p.stmts = nil
	p.mu.Unlock()
	return p.DB.Close()
}

// writeStmt returns query prepared on the write pool, prepared once per
// connection and kept for the life of the DB, for hot write paths (a ballot,
// a sign-in) where parsing the SQL was half the cost on pure-Go SQLite. Call
// it before the transaction (SQLite's write pool has one connection, which
// an open transaction holds) and use the statement inside with
// tx.StmtContext, which reuses the preparation on the transaction's
// connection. Closing the DB closes the statements with the connections.
func (db *DB) writeStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := db.writes.Load(query); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := db.write.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.writes.LoadOrStore(query, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}
