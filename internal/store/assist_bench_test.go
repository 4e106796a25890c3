package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// assistCounty fills a county for the figures benchmark: 10 townships of
// 30 villages, 50,000 households of 1–2 persons, 5,000 cadres, every
// household paired, 1,000,000 visits over 2025–2026 (about one in three
// with aid) and 20,000 problems, then the rollups rebuilt from them. Rows are
// written in bulk, not through the store's functions, which would take
// minutes; the figures read the same tables either way.
func assistCounty(tb testing.TB, db *store.DB) org.Org {
	tb.Helper()
	ctx := context.Background()
	mk := func(parent int64, k org.Kind, name string) org.Org {
		o, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: parent, Kind: k, Name: name})
		if err != nil {
			tb.Fatal(err)
		}
		return o
	}
	city := mk(0, org.City, "基准市政协")
	county := mk(city.ID, org.County, "基准县政协")
	var villages []int64
	for t := range 10 {
		town := mk(county.ID, org.Township, fmt.Sprintf("第%d镇", t+1))
		for v := range 30 {
			villages = append(villages, mk(town.ID, org.Village, fmt.Sprintf("第%d镇第%d村", t+1, v+1)).ID)
		}
	}
	now := db.Now().UTC().Format("2006-01-02 15:04:05")
	bulk := bulkInserter(tb, db, 1000)
	const households, cadres, visits = 50_000, 5_000, 1_000_000
	c := county.ID
	bulk(`INSERT INTO cadre (id, org_id, committee_id, name, created_at, updated_at) VALUES `, cadres, func(i int) string {
		return fmt.Sprintf("(%d, %d, %d, '干部%d', '%s', '%s')", i+1, c, c, i+1, now, now)
	})
	bulk(`INSERT INTO household (id, org_id, committee_id, head_name, registered_on, created_at, updated_at) VALUES `, households, func(i int) string {
		return fmt.Sprintf("(%d, %d, %d, '户主%d', '2024-12-01', '%s', '%s')", i+1, villages[i%len(villages)], c, i+1, now, now)
	})
	cats := []string{"orphan", "severe_disability", "extreme_poverty", "elder80", "low_income"}
	bulk(`INSERT INTO household_person (household_id, name, categories, created_at, updated_at) VALUES `, households*13/10, func(i int) string {
		return fmt.Sprintf("(%d, '成员%d', '%s', '%s', '%s')", i%households+1, i, cats[i%len(cats)], now, now)
	})
	bulk(`INSERT INTO pairing (committee_id, cadre_id, household_id, starts_on, created_at, updated_at) VALUES `, households, func(i int) string {
		return fmt.Sprintf("(%d, %d, %d, '2025-01-01', '%s', '%s')", c, i%cadres+1, i+1, now, now)
	})
	rng := rand.New(rand.NewPCG(6, 6))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	bulk(`INSERT INTO assist_visit (committee_id, org_id, cadre_id, household_id, visited_on, aid_fen, created_at) VALUES `, visits, func(i int) string {
		h := rng.IntN(households)
		day := start.AddDate(0, 0, rng.IntN(730))
		var fen int64
		if rng.IntN(3) == 0 {
			fen = int64(5000 + rng.IntN(50000))
		}
		return fmt.Sprintf("(%d, %d, %d, %d, '%s', %d, '%s')", c, villages[h%len(villages)], h%cadres+1, h+1,
			day.Format("2006-01-02"), fen, now)
	})
	bulk(`INSERT INTO assist_problem (committee_id, org_id, household_id, category, description, status, raised_on,
		resolution, resolved_on, created_at, updated_at) VALUES `, 20_000, func(i int) string {
		status, resolved := "open", ""
		if i%4 != 0 {
			status, resolved = "solved", "2026-06-15"
		}
		return fmt.Sprintf("(%d, %d, %d, 'living', '困难', '%s', '2026-0%d-10', '已解决', '%s', '%s', '%s')", c,
			villages[i%len(villages)], i%households+1, status, 1+i%6, resolved, now, now)
	})
	t0 := time.Now()
	if err := db.RebuildAssistRollups(ctx, app.System, county.ID); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("rollups rebuilt in %s", time.Since(t0).Round(time.Millisecond))
	if db.Dialect == store.Postgres { // as autovacuum would after a bulk load: the planner needs the tables' statistics
		if err := db.ConsultTestExec(ctx, `ANALYZE`); err != nil {
			tb.Fatal(err)
		}
	}
	return county
}

// BenchmarkAssistFiguresCounty: a county's quarter with 50,000 households
// and 1,000,000 visits (go test -run '^$' -bench AssistFigures ./internal/store).
func BenchmarkAssistFiguresCounty(b *testing.B) {
	for _, d := range storetest.Backends {
		b.Run(string(d), func(b *testing.B) {
			db := storetest.OpenDialect(b, d)
			t0 := time.Now()
			county := assistCounty(b, db)
			b.Logf("data written in %s", time.Since(t0).Round(time.Second))
			if keep := os.Getenv("XIESHANG_BENCH_KEEP"); keep != "" && d == store.SQLite && !exists(keep) { // for query tuning with sqlite3
				if err := db.ConsultTestExec(context.Background(), `VACUUM INTO '`+keep+`'`); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			a := actorAt(county)
			p := store.AssistPeriod{From: "2026-04", To: "2026-06"}
			af, err := db.FindAssistFigures(ctx, a, county.ID, p, "")
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%+v", af.Figures)
			towns, err := db.FindOrgs(ctx, a, store.OrgFilter{ParentID: county.ID})
			if err != nil {
				b.Fatal(err)
			}
			b.Run("county", func(b *testing.B) {
				for range b.N {
					if _, err := db.FindAssistFigures(ctx, a, county.ID, p, ""); err != nil {
						b.Fatal(err)
					}
				}
			})
			// What the /assist page computes: the county and each township below it.
			b.Run("page", func(b *testing.B) {
				for range b.N {
					if _, err := db.FindAssistFigures(ctx, a, county.ID, p, ""); err != nil {
						b.Fatal(err)
					}
					for _, t := range towns {
						if _, err := db.FindAssistFigures(ctx, a, t.ID, p, ""); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
			b.Run("exact", func(b *testing.B) { // the same figures counted from the records
				for range b.N {
					if _, err := db.ExactAssistFigures(ctx, a, county.ID, p, ""); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
