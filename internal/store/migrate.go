package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded migration names in order.
func Migrations() []string {
	names, _ := fs.Glob(migrationFiles, "migrations/*.sql")
	for i, n := range names {
		names[i] = strings.TrimPrefix(n, "migrations/")
	}
	sort.Strings(names)
	return names
}

// Migrate applies the migrations not yet applied, each in its own transaction,
// recording applied names in schema_migration. Forward-only: a migration once
// released is never edited. Safe to run from several nodes at once.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migration (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrate: create schema_migration: %w", err)
	}
	for _, name := range Migrations() {
		body, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return applied, fmt.Errorf("migrate: read %s: %w", name, err)
		}
		did, err := db.applyMigration(ctx, name, db.Dialect.ddl(string(body)))
		if err != nil {
			return applied, fmt.Errorf("migrate: %s: %w", name, err)
		}
		if did {
			applied = append(applied, name)
		}
	}
	// Data derived in Go from the records, filled once every migration is in
	// (its source queries read today's schema).
	if slices.Contains(applied, searchMigration) || db.Dialect == Postgres && slices.Contains(applied, searchKindWords) {
		if err := db.RebuildSearch(ctx, nil); err != nil {
			return applied, fmt.Errorf("migrate: fill the search index: %w", err)
		}
		if db.Dialect == Postgres {
			if _, err := db.write.ExecContext(ctx, `ANALYZE search_doc`); err != nil {
				return applied, fmt.Errorf("migrate: analyze the search index: %w", err)
			}
		}
	}
	return applied, nil
}

// searchMigration creates the search index; applying it to a database with
// records fills the index from them.
const searchMigration = "0022_search.sql"

// searchKindWords rewrites PostgreSQL's index with each kind's words apart.
const searchKindWords = "0028_search_kind_words.sql"

func (db *DB) applyMigration(ctx context.Context, name, body string) (bool, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if db.Dialect == Postgres {
		// Serialise concurrent migrators (two nodes starting together).
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(726873)`); err != nil {
			return false, err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migration WHERE name = $1`, name).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migration (name, applied_at) VALUES ($1, $2)`,
		name, db.Now().UTC().Format("2006-01-02 15:04:05")); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// auditAppendOnly creates the triggers that keep the audit log append-only
// (auditTriggers).
const auditAppendOnly = "0031_audit_append_only.sql"
