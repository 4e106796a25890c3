package store

import (
	"context"
	"database/sql"
)

// DutyTallyRows reads the tally, or (countEvents) the same counted from
// duty_event: the tally's upkeep test compares the two.
func (db *DB) DutyTallyRows(ctx context.Context, countEvents bool) ([]DutyTallyRow, error) {
	return dutyTallyRows(ctx, db.read, countEvents)
}

// LimitReadConns caps the read pool (on PostgreSQL, the one pool) at n
// connections: with one, a read made while another's rows are open waits
// forever, which tests of such nesting turn into a timeout.
func (db *DB) LimitReadConns(n int) { db.read.SetMaxOpenConns(n) }

// WritePool is the pool writes go through (on PostgreSQL, the one pool).
func (db *DB) WritePool() *sql.DB { return db.write }
