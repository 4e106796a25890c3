package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// Queries with their ids written into the text are not kept: a thousand
// pages of them leave room for the texts that repeat.
func TestStatementCacheSkipsLiteralLists(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 1200 {
		var n int
		q := fmt.Sprintf(`SELECT COUNT(*) FROM org WHERE id IN (%d, %d)`, i, i+1)
		if err := db.read.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	const repeated = `SELECT COUNT(*) FROM org WHERE id IN ($1, $2)`
	var n int
	if err := db.read.QueryRowContext(ctx, repeated, 1, 2).Scan(&n); err != nil {
		t.Fatal(err)
	}
	db.read.mu.RLock()
	kept, ok := len(db.read.stmts), db.read.stmts[repeated] != nil
	db.read.mu.RUnlock()
	if !ok || kept > 50 {
		t.Fatalf("%d statements kept, the repeated one %v", kept, ok)
	}
	for q, want := range map[string]bool{
		`SELECT x FROM t WHERE id IN (12,13)`:    true,
		`select x from t where id in ( 7 )`:      true,
		`SELECT x FROM t WHERE id IN ($1, $2)`:   false,
		`SELECT x FROM t WHERE kind IN ('a')`:    false,
		`SELECT x FROM t WHERE state NOT IN (1)`: true,
	} {
		if got := literalList.MatchString(q); got != want {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
}
