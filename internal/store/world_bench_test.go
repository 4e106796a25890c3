package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/seal"
	"xieshang/internal/store"
)

// BenchmarkWorldDashboard times the city office's dashboard and its
// assistance figures on an existing province world (scripts/bench's cached
// database, copied first: the new migrations are applied to it):
//
//	XIESHANG_BENCH_WORLD=/tmp/world.db go test -run '^$' -bench WorldDashboard ./internal/store
//
// (or a postgres:// URL of a restored dump). Skipped without it.
func BenchmarkWorldDashboard(b *testing.B) {
	dsn := os.Getenv("XIESHANG_BENCH_WORLD")
	if dsn == "" {
		b.Skip("XIESHANG_BENCH_WORLD not set")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if keys, _, err := seal.ForDatabase(dsn, !store.IsPostgres(dsn)); err == nil {
		db.SetKeys(keys) // the world's own key file (scripts/bench)
	}
	t0 := time.Now()
	applied, err := db.Migrate(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("migrations %v applied in %s", applied, time.Since(t0).Round(time.Millisecond))
	var cityID int64
	var path string
	if err := db.ConsultTestQueryRow(ctx, `SELECT id, path FROM org WHERE kind = 'city' ORDER BY id LIMIT 1`, &cityID, &path); err != nil {
		b.Fatal(err)
	}
	a := app.Actor{AccountID: 1, Role: "office", OrgID: cityID, Path: path, CommitteeID: cityID}
	from, to := app.MustDate("2026-01-01"), app.MustDate("2026-12-31")
	p := store.AssistPeriod{From: "2026-01", To: "2026-12"}
	f, err := db.FindAssistFigures(ctx, a, cityID, p, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%+v %v", f.Figures, f.Kinds)
	slow, err := db.AssistFiguresByOrgs(ctx, a, cityID, p)
	if err != nil || slow.Figures != f.Figures || slow.Sentence != f.Sentence {
		b.Fatalf("by organisations %+v %v", slow.Figures, err)
	}
	b.Run("assist-by-orgs", func(b *testing.B) { // as before migration 0026
		for range b.N {
			if _, err := db.AssistFiguresByOrgs(ctx, a, cityID, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("assist", func(b *testing.B) {
		for range b.N {
			if _, err := db.FindAssistFigures(ctx, a, cityID, p, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	d, err := db.FindDashboard(ctx, a, cityID, from, to)
	if err != nil || d.Assist == nil || d.Assist.Figures != f.Figures {
		b.Fatalf("dashboard %+v %v", d.Assist, err)
	}
	st, err := db.FindConsultStats(ctx, a, cityID, 2026, 0)
	if err != nil || d.Topics != st.Topics || d.WithFeedback != st.WithFeedback || d.Outcomes != st.WithFeedback+st.NoFeedback {
		b.Fatalf("dashboard topics %d %d/%d, stats %d %d+%d %v", d.Topics, d.WithFeedback, d.Outcomes, st.Topics,
			st.WithFeedback, st.NoFeedback, err)
	}
	b.Logf("topics %d, outcomes %d with feedback %d; rooms %+v", d.Topics, d.Outcomes, d.WithFeedback, d.Rooms)
	b.Run("dashboard", func(b *testing.B) {
		for range b.N {
			if _, err := db.FindDashboard(ctx, a, cityID, from, to); err != nil {
				b.Fatal(err)
			}
		}
	}) // Rebuilding every committee's rollups, as the province loader does;
	// the figures stay as they were.
	b.Run("rebuild", func(b *testing.B) {
		var committees []int64
		for range b.N {
			t0 := time.Now()
			if committees == nil {
				cs, err := db.FindCommittees(ctx, a)
				if err != nil {
					b.Fatal(err)
				}
				for _, c := range cs {
					committees = append(committees, c.ID)
				}
			}
			for _, c := range committees {
				if err := db.RebuildAssistRollups(ctx, a, c); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%d committees rebuilt in %s", len(committees), time.Since(t0).Round(time.Millisecond))
		}
		if diff, err := db.VerifyAssistRollups(ctx); err != nil || len(diff) > 0 {
			b.Fatalf("after the rebuild: %v %v", diff, err)
		}
		after, err := db.FindAssistFigures(ctx, a, cityID, p, "")
		if err != nil || after.Figures != f.Figures {
			b.Fatalf("after the rebuild %+v, before %+v (%v)", after.Figures, f.Figures, err)
		}
	})
}
