package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"xieshang/internal/app"
)

// Bulk loading: the province-sized demo world (internal/demo) writes
// millions of rows — visits, duty events, ballots, sign-ins — that the
// store's one-record functions would write in hours. Bulk writes the rows a
// generator emits in multi-row prepared INSERTs inside one transaction, with
// one audit row saying what was loaded. It validates nothing beyond the
// database's own constraints: the caller is a loader that produces
// consistent rows and rebuilds the derived tables afterwards
// (RebuildDutyTally, RebuildAssistRollups).

// Bound-variable limits of one statement: SQLite's SQLITE_MAX_VARIABLE_NUMBER
// (32766 since 3.32) and PostgreSQL's wire protocol (65535).
const (
	sqliteMaxVars   = 32766
	postgresMaxVars = 65535
	// bulkMaxRows caps the rows of one statement: longer statements cost
	// more to build and parse than they save in round trips.
	bulkMaxRows = 500
)

// BulkLoad is one table's rows.
type BulkLoad struct {
	Table   string
	Columns []string
	// Rows calls emit once per row with the values in Columns order; an
	// error from emit (a failed INSERT) should be returned as it is.
	Rows func(emit func(vals ...any) error) error
	// Summary says what was loaded, for the audit row ("走访记录").
	Summary string
	// Progress, when set, is called after each statement with the rows
	// written so far.
	Progress func(rows int)
}

// bulkRowsPer is how many rows of cols columns one statement takes.
func (d Dialect) bulkRowsPer(cols int) int {
	limit := sqliteMaxVars
	if d == Postgres {
		limit = postgresMaxVars
	}
	return max(1, min(bulkMaxRows, limit/cols))
}

// identifier reports whether s is a plain lower-case SQL identifier: table
// and column names come from the loader's code, never from input, but they
// are spliced into SQL, so anything else is refused.
func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// bulkInsert is the INSERT of n rows of the load's columns.
func (d Dialect) bulkInsert(l BulkLoad, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", l.Table, strings.Join(l.Columns, ", "))
	k := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range l.Columns {
			if j > 0 {
				b.WriteString(", ")
			}
			k++
			b.WriteString(d.bulkPlaceholder(k))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Bulk writes the load's rows in one transaction and audits the load as
// actor. It returns the number of rows written. Rows with explicit ids are
// allowed: on PostgreSQL the table's identity is moved past the largest id
// afterwards, so that ordinary inserts continue after them.
func (db *DB) Bulk(ctx context.Context, actor app.Actor, l BulkLoad) (int, error) {
	if !identifier(l.Table) || len(l.Columns) == 0 {
		return 0, app.Errorf(app.EINVALID, "批量载入：表名或列名不正确")
	}
	hasID := false
	for _, c := range l.Columns {
		if !identifier(c) {
			return 0, app.Errorf(app.EINVALID, "批量载入：列名不正确")
		}
		hasID = hasID || c == "id"
	}
	per := db.Dialect.bulkRowsPer(len(l.Columns))
	written := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		full, err := tx.PrepareContext(ctx, db.Dialect.bulkInsert(l, per))
		if err != nil {
			return app.Internal(err, "bulk: prepare "+l.Table)
		}
		defer full.Close()
		args := make([]any, 0, per*len(l.Columns))
		flush := func() error {
			n := len(args) / len(l.Columns)
			if n == 0 {
				return nil
			}
			var err error
			if n == per {
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, db.Dialect.bulkInsert(l, n), args...)
			}
			if err != nil {
				return app.Internal(err, "bulk: insert into "+l.Table)
			}
			written += n
			args = args[:0]
			if l.Progress != nil {
				l.Progress(written)
			}
			return nil
		}
		emit := func(vals ...any) error {
			if len(vals) != len(l.Columns) {
				return app.Internal(fmt.Errorf("%d values for %d columns", len(vals), len(l.Columns)), "bulk: "+l.Table)
			}
			args = append(args, vals...)
			if len(args) == cap(args) {
				return flush()
			}
			return nil
		}
		if err := l.Rows(emit); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		if hasID && db.Dialect == Postgres && written > 0 {
			var seq sql.NullString // NULL when id is not an identity column (election_ballot's text key)
			if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id')`, l.Table).Scan(&seq); err != nil {
				return app.Internal(err, "bulk: identity of "+l.Table)
			}
			if seq.Valid {
				if _, err := tx.ExecContext(ctx, `SELECT setval($1::regclass, (SELECT MAX(id) FROM `+l.Table+`))`,
					seq.String); err != nil {
					return app.Internal(err, "bulk: identity of "+l.Table)
				}
			}
		}
		what := l.Summary
		if what == "" {
			what = l.Table
		}
		return tx.Audit(ctx, actor, Change{Action: "bulk_load", Entity: l.Table, OrgPath: "/",
			Summary: fmt.Sprintf("批量载入%s %d条", what, written)})
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}

// NextID is the id the next row of table gets when ids are given by the
// loader: one past the largest id in it (1 for an empty table).
func (db *DB) NextID(ctx context.Context, table string) (int64, error) {
	if !identifier(table) {
		return 0, app.Errorf(app.EINVALID, "表名不正确")
	}
	var id sql.NullInt64
	if err := db.write.QueryRowContext(ctx, `SELECT MAX(id) FROM `+table).Scan(&id); err != nil {
		return 0, app.Internal(err, "next id of "+table)
	}
	return id.Int64 + 1, nil
}

// Analyze refreshes the planner's statistics after a bulk load (ANALYZE on
// both databases; SQLite's also feeds its query planner's index choice).
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `ANALYZE`)
	return app.Internal(err, "analyze")
}

// CountRows counts the rows of a table (the loader's progress and tests).
func (db *DB) CountRows(ctx context.Context, table string) (int, error) {
	if !identifier(table) {
		return 0, app.Errorf(app.EINVALID, "表名不正确")
	}
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
	return n, app.Internal(err, "count "+table)
}
