package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/store"
)

// bulkInserter writes rows for the benchmarks in multi-row INSERTs of per
// rows: head is the statement up to VALUES, row(i) the i-th tuple.
func bulkInserter(tb testing.TB, db *store.DB, per int) func(head string, n int, row func(i int) string) {
	ctx := context.Background()
	return func(head string, n int, row func(i int) string) {
		tb.Helper()
		for start := 0; start < n; start += per {
			var b strings.Builder
			b.WriteString(head)
			for i := start; i < min(n, start+per); i++ {
				if i > start {
					b.WriteByte(',')
				}
				b.WriteString(row(i))
			}
			if err := db.ConsultTestExec(ctx, b.String()); err != nil {
				tb.Fatalf("%v: %.300s", err, b.String())
			}
		}
	}
}

// firstID is the smallest id of a table, for rows written in bulk.
func firstID(tb testing.TB, db *store.DB, table string) int64 {
	tb.Helper()
	var id int64
	if err := db.ConsultTestQueryRow(context.Background(), `SELECT COALESCE(MIN(id), 0) FROM `+table, &id); err != nil {
		tb.Fatal(err)
	}
	return id
}
