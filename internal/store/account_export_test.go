package store

import "context"

// AccountTestExec runs raw SQL on the write connection, so that account and
// audit tests can tamper with rows the way an intruder with database access
// would. Compiled only into this package's tests.
func (db *DB) AccountTestExec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := db.write.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
