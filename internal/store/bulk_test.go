package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
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

// Bulk writes every row a generator emits over many statements (a full
// statement and a short last one), audits the load once, moves the
// identity past explicit ids so ordinary inserts continue after them, and
// refuses identifiers that are not plain names and rows of the wrong width.
func TestBulk(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := db.Now().UTC()
		const n = 1234
		var progress int
		got, err := db.Bulk(ctx, app.System, store.BulkLoad{Table: "login_failure", Columns: []string{"id", "key", "at"},
			Summary: "登录失败记录", Progress: func(k int) { progress = k },
			Rows: func(emit func(vals ...any) error) error {
				for i := range n {
					if err := emit(int64(i+1), fmt.Sprintf("u:bulk%d", i), at); err != nil {
						return err
					}
				}
				return nil
			}})
		if err != nil || got != n || progress != n {
			t.Fatalf("Bulk: %d rows, progress %d, %v", got, progress, err)
		}
		if c, err := db.CountRows(ctx, "login_failure"); err != nil || c != n {
			t.Fatalf("rows: %d, %v", c, err)
		}
		if next, err := db.NextID(ctx, "login_failure"); err != nil || next != n+1 {
			t.Fatalf("next id %d, %v", next, err)
		}
		// An ordinary insert after the explicit ids (a failed login writes a row).
		if _, _, err := db.Login(ctx, "nobody", "wrong", "10.0.0.1", "test"); err == nil {
			t.Fatal("login of nobody succeeded")
		}
		before, _ := db.CountRows(ctx, "login_failure")
		if before <= n {
			t.Fatalf("a failed login after the load wrote no row: %d", before)
		}
		entries, _, err := db.FindAuditEntries(ctx, app.System, store.AuditFilter{Entity: "login_failure", Action: "bulk_load"})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Summary, "登录失败记录 1234条") {
			t.Fatalf("audit: %+v %v", entries, err)
		}
		for _, bad := range []store.BulkLoad{
			{Table: "login_failure; DROP TABLE org", Columns: []string{"key"}},
			{Table: "login_failure", Columns: []string{"key", "at) VALUES (1, 2); --"}},
			{Table: "login_failure"},
		} {
			bad.Rows = func(emit func(vals ...any) error) error { return nil }
			if _, err := db.Bulk(ctx, app.System, bad); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("%q %q: %v", bad.Table, bad.Columns, err)
			}
		}
		_, err = db.Bulk(ctx, app.System, store.BulkLoad{Table: "login_failure", Columns: []string{"key", "at"},
			Rows: func(emit func(vals ...any) error) error { return emit("u:short") }})
		if err == nil {
			t.Error("a row of the wrong width was written")
		}
		if c, _ := db.CountRows(ctx, "login_failure"); c != before {
			t.Errorf("a failed load left rows: %d, was %d", c, before)
		}
	})
}
