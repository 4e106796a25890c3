package store

import "context"

// TermTestExec runs a statement on the write pool, for tests that need rows
// whose store functions belong to another area (term_member seats).
func (db *DB) TermTestExec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}
