// Package store is the database: it opens SQLite (modernc, pure Go) or
// PostgreSQL (pgx), applies the embedded migrations and holds one file of
// plain SQL per area. Every query that reads or writes domain data takes the
// caller's app.Actor and limits itself to the actor's organisation subtree.
// Dialect differences live in dialect.go and nowhere else.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/seal"
)

// DB is the store. For SQLite it keeps two pools: many connections for reads
// and one for writes, so that writers queue in Go rather than spin on
// SQLITE_BUSY; for PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	read    *readPool
	write   *sql.DB
	dsn     string

	// Now is the clock; tests may replace it. Loc is the committee time zone.
	Now func() time.Time
	Loc *time.Location

	// Argon2, Throttle and Sessions override the auth defaults (tests make
	// hashing cheap and windows short); zero values mean the defaults.
	Argon2   auth.Argon2Params
	Throttle auth.Throttle
	Sessions auth.SessionPolicy

	// Passwords is the password policy (zero value: auth.DefaultPasswordPolicy).
	Passwords auth.PasswordPolicy

	// AuditAlg is the hash new audit entries are chained with: audit.AlgSM3
	// when empty, audit.AlgSHA256 by choice; entries keep the one they were
	// written with, so a chain stays verifiable across a change.
	AuditAlg string

	// keys seal sensitive personal fields (sealed.go); set by SetKeys.
	keys atomic.Pointer[seal.Keys]

	lists *listCache // ordered ids of recent list queries (listcache.go)

	dutyScores dutyScoreCache // committees' scored years (duty_cache.go)

	// Writes committed in groups (groupcommit.go): electronic ballots, the
	// audit rows of reads.
	casts *groupQueue[*cast]
	reads *groupQueue[*readAudit]

	// writes holds statements prepared on the write pool for hot paths (stmtcache.go: writeStmt).
	writes sync.Map

	// Notify names the delivery channels configured beyond the in-app inbox
	// (notice.go); the zero value sends notices to the inbox only.
	Notify NoticeDelivery
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL, or else a SQLite file path (its
// directory is created if missing). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, fmt.Errorf("store: load time zone: %w", err)
	}
	db := &DB{dsn: dsn, Now: time.Now, Loc: loc, lists: newListCache(128),
		casts: &groupQueue[*cast]{max: maxCastBatch, run: runCasts},
		reads: &groupQueue[*readAudit]{max: maxReadBatch, run: runReads}}
	if IsPostgres(dsn) {
		db.Dialect = Postgres
		p, err := openPostgres(dsn)
		if err != nil {
			return nil, err
		}
		p.SetMaxOpenConns(32)
		p.SetMaxIdleConns(32)
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.read, db.write = newReadPool(p), p
	} else {
		db.Dialect = SQLite
		path := strings.TrimPrefix(dsn, "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: create data directory: %w", err)
			}
		}
		conn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
		w, err := sql.Open("sqlite", conn+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		r, err := sql.Open("sqlite", conn+"&_pragma=query_only(1)")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		n := max(4, 2*runtime.NumCPU())
		r.SetMaxOpenConns(n)
		r.SetMaxIdleConns(n)
		db.read, db.write = newReadPool(r), w
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", db.Dialect, err)
	}
	return db, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.read.Close()
	if db.read.DB != db.write {
		if e := db.write.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers (readiness).
func (db *DB) Ping(ctx context.Context) error { return db.write.PingContext(ctx) }

// SQLitePath returns the file behind a SQLite store, "" for PostgreSQL.
func (db *DB) SQLitePath() string {
	if db.Dialect != SQLite {
		return ""
	}
	p := strings.TrimPrefix(db.dsn, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// Today is the current civil date in the committee time zone.
func (db *DB) Today() app.Date { return app.DateOf(db.Now().In(db.Loc)) }

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is one use case's transaction: the change, its audit rows and (later) its
// duty events commit together.
type Tx struct {
	*sql.Tx
	db  *DB
	Now time.Time // one timestamp for everything the transaction writes

	audited bool // the transaction wrote an audit row (Audit); if not, InTx advances the data version itself

	// Records whose search index rows are rewritten before commit (search.go).
	searchTouched map[searchKey]bool
	searchMoved   []int64 // organisations that moved: everything below them is re-tagged
}

// InTx runs fn in a write transaction, committing if it returns nil.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return app.Internal(err, "begin transaction")
	}
	defer sqlTx.Rollback()
	tx := &Tx{Tx: sqlTx, db: db, Now: db.Now().UTC()}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.flushSearch(ctx); err != nil {
		return err
	}
	if !tx.audited {
		// A change with no audit row (a ballot): the data version must still
		// advance (listcache.go). Audit advances it for the others.
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_head (chain, committee_id, seq, hash, changes)
			VALUES (0, 0, 0, '', 1) ON CONFLICT (chain) DO UPDATE SET changes = audit_head.changes + 1`); err != nil {
			return app.Internal(err, "advance the data version")
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return app.Internal(err, "commit")
	}
	return nil
}

// scanner is what *sql.Row and *sql.Rows offer.
type scanner interface{ Scan(dest ...any) error }

// notFound maps sql.ErrNoRows to a not-found error for what, and wraps others.
func notFound(err error, what, where string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return app.NotFound(what)
	}
	return app.Internal(err, where)
}

// renameNotFound renames a not-found error to what is missing from the caller's
// point of view (a leave request whose meeting the account cannot see is a
// leave request not found); any other error, such as a database that does not
// answer, passes unchanged so that it is not mistaken for an absent record.
func renameNotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) || app.ErrorCode(err) == app.ENOTFOUND {
		return app.NotFound(what)
	}
	return err
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// likeEscape escapes LIKE wildcards in user text; queries use ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// queryIDs reads one column of ids.
func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, app.Internal(err, "read ids")
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, app.Internal(err, "read ids")
		}
		ids = append(ids, id)
	}
	return ids, app.Internal(rows.Err(), "read ids")
}

// idList renders ids for an IN list (integers, never user text).
func idList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}
