package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgres opens the pgx pool for dsn. The DSN may name several hosts
// (postgres://h1:p1,h2:p2/db?target_session_attrs=read-write, as a
// pg_auto_failover monitor gives it): new connections then go to whichever
// host accepts writes. A connection that stays open while its server stops
// being the primary (demoted to a standby) would answer every write with
// "read-only transaction" (SQLSTATE 25006) for ever; such a connection is
// marked when that error passes through it and discarded before its next
// use, so that the pool dials the new primary instead.
func openPostgres(dsn string) (*sql.DB, error) {
	conf, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	conf.Tracer = readOnlyTracer{}
	return stdlib.OpenDB(*conf, stdlib.OptionResetSession(func(_ context.Context, c *pgx.Conn) error {
		if c.PgConn().CustomData()[readOnlyMark] != nil {
			return driver.ErrBadConn // database/sql closes it and takes another
		}
		return nil
	})), nil
}

// readOnlyMark is the key, in a connection's CustomData, of the mark that
// its server refused a write as read-only.
const readOnlyMark = "xieshang.read_only"

// readOnlyTracer marks a connection whose statement failed because the
// server is read-only: a standby, or a primary being demoted.
type readOnlyTracer struct{}

func (readOnlyTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (readOnlyTracer) TraceQueryEnd(_ context.Context, c *pgx.Conn, data pgx.TraceQueryEndData) {
	if readOnlyError(data.Err) {
		c.PgConn().CustomData()[readOnlyMark] = true
	}
}

// readOnlyError reports whether err says the server accepts no writes:
// read_only_sql_transaction (25006), or cannot_connect_now (57P03, a server
// starting up or shutting down).
func readOnlyError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "25006" || pe.Code == "57P03")
}
