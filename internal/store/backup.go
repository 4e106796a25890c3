package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of a SQLite database to target while the
// server keeps running (VACUUM INTO reads one snapshot). It returns the size.
// PostgreSQL deployments use pg_dump instead.
func (db *DB) Backup(ctx context.Context, target string) (int64, error) {
	if db.Dialect != SQLite {
		return 0, fmt.Errorf("backup: use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(target); err == nil {
		return 0, fmt.Errorf("backup: %s already exists", target)
	}
	if dir := filepath.Dir(target); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return 0, fmt.Errorf("backup: %w", err)
		}
	}
	// The read pool is query_only; VACUUM INTO writes only the new file but
	// SQLite counts it as a write, so use the write connection.
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, target); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	fi, err := os.Stat(target)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return fi.Size(), nil
}
