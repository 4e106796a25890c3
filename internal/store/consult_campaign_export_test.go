package store

import "context"

// CountTestRows counts rows with a raw query, for tests that check what the
// database holds beyond what the store's reads show.
func (db *DB) CountTestRows(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}
