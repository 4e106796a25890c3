package store

import (
	"context"
	"database/sql"
)

// ElectionTestQuery runs a raw query on the write connection, so that the
// secrecy tests read the tables as anyone with database access would: plain
// SELECTs, no ORDER BY. Compiled only into this package's tests.
func (db *DB) ElectionTestQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.write.QueryContext(ctx, query, args...)
}
