package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// A committee's scored year is kept for one data version: reads after a
// change (a proposal marked excellent) see it, a filtered ranking does not
// eat the kept rows, and a rebuild of the tally shows the same figures.
func TestDutyScoresFollowChanges(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, p := dutyYear(t, db)
		office := w.actorA
		ranking := func() string {
			t.Helper()
			rk, err := db.FindDutyRanking(ctx, office, 0, 2024, 0)
			mustOK(t, "ranking", err)
			var lines []string
			for _, r := range rk.Rows {
				lines = append(lines, r.Name+":"+r.Total.String()+":"+app.Itoa(int64(r.Rank)))
			}
			return strings.Join(lines, " ")
		}
		before := ranking()
		if before != "钱委:35:1 孙委:21:2 张主席:10:3 李副:10:3 王秘:10:3 赵常:10:3 周退:0:7" {
			t.Fatalf("ranking: %s", before)
		}
		if none, err := db.FindDutyRanking(ctx, office, 0, 2024, 999999); err != nil || len(none.Rows) != 0 {
			t.Fatalf("another sector's ranking: %+v %v", none.Rows, err)
		}
		if again := ranking(); again != before {
			t.Fatalf("after a filtered read: %s, want %s", again, before)
		}
		if f, err := db.FindDutyFile(ctx, office, w.sun.ID, 2024); err != nil || f.Rank != 2 || f.SectorSize != 7 {
			t.Fatalf("孙委's file: rank %d of %d, %v", f.Rank, f.SectorSize, err)
		}

		// Excellent: +10 to the lead (钱委), +2 to the co-signer (孙委).
		mustOK(t, "excellent", db.MarkExcellentProposal(ctx, office, p.ID, 2024))
		after := "钱委:45:1 孙委:23:2 张主席:10:3 李副:10:3 王秘:10:3 赵常:10:3 周退:0:7"
		if got := ranking(); got != after {
			t.Fatalf("after the change: %s, want %s", got, after)
		}
		if f, err := db.FindDutyFile(ctx, office, w.qian.ID, 2024); err != nil || f.Total.String() != "45" || f.Rank != 1 {
			t.Fatalf("钱委's file after the change: %s rank %d %v", f.Total, f.Rank, err)
		}
		mustOK(t, "rebuild", db.RebuildDutyTally(ctx))
		if got := ranking(); got != after {
			t.Fatalf("after a rebuild: %s, want %s", got, after)
		}
	})
}
