package store

import (
	"context"
	"strings"
)

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

// AuditTestTamper edits the audit log the way an intruder with DDL rights on
// the database would: drop the append-only triggers (migration 0031), run
// query, and put the triggers back so that only the chain can tell.
func (db *DB) AuditTestTamper(ctx context.Context, query string, args ...any) (int64, error) {
	for _, n := range auditTriggers[db.Dialect] {
		drop := "DROP TRIGGER " + n
		if db.Dialect == Postgres {
			table := "audit_log"
			if strings.HasPrefix(n, "audit_head") {
				table = "audit_head"
			}
			drop += " ON " + table
		}
		if _, err := db.write.ExecContext(ctx, drop); err != nil {
			return 0, err
		}
	}
	n, err := db.AccountTestExec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	body, err := migrationFiles.ReadFile("migrations/" + auditAppendOnly)
	if err != nil {
		return 0, err
	}
	ddl := db.Dialect.ddl(string(body))
	if db.Dialect == Postgres {
		ddl = strings.Replace(ddl, "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
	}
	_, err = db.write.ExecContext(ctx, ddl)
	return n, err
}
