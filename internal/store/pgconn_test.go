package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// TestReadOnlyConnectionReplaced: a pooled connection whose server turned
// read-only (a primary demoted to a standby keeps its sessions' sockets;
// here the session is made read-only by hand) fails the write it is given,
// and is then discarded, so that the next write runs on a new connection
// instead of failing the same way for ever.
func TestReadOnlyConnectionReplaced(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenDialect(t, store.Postgres)
	db.LimitReadConns(1) // one connection: the writes below must reuse it unless it is discarded
	pool := db.WritePool()
	c, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var before, after int
	if err := c.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, `SET SESSION default_transaction_read_only = on`); err != nil {
		t.Fatal(err)
	}
	c.Close()

	_, err = db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "只读市政协"})
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("write on the read-only connection: got %v, want a read-only error", err)
	}
	if _, err := db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "聊城市政协"}); err != nil {
		t.Fatalf("the write after the read-only error failed too: %v", err)
	}
	if err := pool.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after == before {
		t.Errorf("still on backend %d: the read-only connection was kept", before)
	}
}
