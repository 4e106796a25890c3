package store_test

import (
	"context"
	"fmt"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// assistWorld writes, row by row, the county of the real report: 13 cadres
// paired one-to-one with 13 households of 14 persons (orphans, severely
// disabled, extremely poor), every household visited and aided in the first
// quarter of 2026 (aid 2,136 yuan in all), 6 problems raised of which 5
// solved; in the second quarter all but the last household are visited.
func assistWorld(t *testing.T, db *store.DB, tr tree) {
	t.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if err := db.ConsultTestExec(ctx, q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	now := db.Now()
	cats := []string{"orphan", "severe_disability", "extreme_poverty"}
	for i := 1; i <= 13; i++ {
		exec(`INSERT INTO cadre (id, org_id, committee_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
			i, tr.countyA.ID, tr.countyA.ID, fmt.Sprintf("干部%d", i), now)
		exec(`INSERT INTO household (id, org_id, committee_id, head_name, registered_on, created_at, updated_at)
			VALUES ($1, $2, $3, $4, '2025-12-01', $5, $5)`, i, tr.village.ID, tr.countyA.ID, fmt.Sprintf("户主%d", i), now)
		exec(`INSERT INTO household_person (household_id, name, categories, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
			i, fmt.Sprintf("户主%d", i), cats[i%3], now)
		exec(`INSERT INTO pairing (committee_id, cadre_id, household_id, starts_on, created_at, updated_at)
			VALUES ($1, $2, $2, '2026-01-05', $3, $3)`, tr.countyA.ID, i, now)
		aid := int64(16400) // 164 yuan
		if i == 13 {
			aid = 16800 // 13 × 164 + 4 = 2,136 yuan
		}
		exec(`INSERT INTO household_month (household_id, month, committee_id, visits, aided, aid_fen) VALUES ($1, '2026-02', $2, 1, 1, $3)`,
			i, tr.countyA.ID, aid)
		if i < 13 {
			exec(`INSERT INTO household_month (household_id, month, committee_id, visits, aided, aid_fen) VALUES ($1, '2026-05', $2, 1, 1, 10000)`,
				i, tr.countyA.ID)
		}
	}
	// The fourteenth person: a second orphan in household 3.
	exec(`INSERT INTO household_person (household_id, name, categories, created_at, updated_at) VALUES (3, '孩子', 'orphan', $1, $1)`, now)
	// A household registered but not paired elsewhere in the county does not
	// exist: the register is exactly the 13. Problems: 6 raised, 5 solved.
	for i := 1; i <= 6; i++ {
		status, resolved := "solved", "2026-03-10"
		if i == 6 {
			status, resolved = "open", ""
		}
		exec(`INSERT INTO assist_problem (committee_id, org_id, household_id, category, description, status, raised_on,
			resolution, resolved_on, created_at, updated_at) VALUES ($1, $2, $3, 'living', '困难', $4, '2026-02-01', '已解决', $5, $6, $6)`,
			tr.countyA.ID, tr.village.ID, i, status, resolved, now)
	}
	// An enterprise liaised by cadre 1 with two problems, one solved.
	exec(`INSERT INTO enterprise (id, org_id, committee_id, name, uscc, created_at, updated_at)
		VALUES (1, $1, $2, '东阿阿胶厂', '91371524MA3C000000', $3, $3)`, tr.countyA.ID, tr.countyA.ID, now)
	exec(`INSERT INTO pairing (committee_id, cadre_id, enterprise_id, starts_on, created_at, updated_at)
		VALUES ($1, 1, 1, '2026-01-05', $2, $2)`, tr.countyA.ID, now)
	for i, st := range []string{"solved", "in_progress"} {
		exec(`INSERT INTO assist_problem (committee_id, org_id, enterprise_id, category, description, status, raised_on,
			resolution, resolved_on, created_at, updated_at) VALUES ($1, $1, 1, 'energy', '用气', $2, '2026-02-0`+fmt.Sprint(i+2)+`', '', $3, $4, $4)`,
			tr.countyA.ID, st, map[bool]string{true: "2026-03-01", false: ""}[st == "solved"], now)
	}
}

// The table test of the issue: the real figures reproduced from records,
// and a quarter in which one household was not visited.
func TestAssistFiguresRealCase(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		assistWorld(t, db, tr)
		office := actorAt(tr.countyA)
		q1, err := db.FindAssistFigures(ctx, office, 0, store.AssistPeriod{From: "2026-01", To: "2026-03"}, "县政协")
		if err != nil {
			t.Fatal(err)
		}
		f := q1.Figures
		want := assist.Figures{Cadres: 13, Registered: 13, Paired: 13, Persons: 14, Visited: 13, Aided: 13, AidFen: 213600,
			ProblemsRaised: 6, ProblemsSolved: 5, Enterprises: 1, Liaisons: 1, EnterpriseRaised: 2, EnterpriseSolved: 1}
		if f != want {
			t.Errorf("Q1 figures:\n got %+v\nwant %+v", f, want)
		}
		sentence := "县政协13名结对帮扶干部，“一对一”结对帮扶孤儿、重度残疾人、特困人员13户14人。至目前，" +
			"帮助解决急难愁盼问题5件，慰问物资价值2000余元，实现结对全覆盖、走访全覆盖、慰问全覆盖。"
		if q1.Sentence != sentence {
			t.Errorf("sentence:\n got %s\nwant %s", q1.Sentence, sentence)
		}
		q2, err := db.FindAssistFigures(ctx, office, tr.countyA.ID, store.AssistPeriod{From: "2026-04", To: "2026-06"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if v := q2.Figures.VisitCoverage(); v.Num != 12 || v.Den != 13 || v.Percent() != "92.3%" {
			t.Errorf("Q2 visit coverage %+v %s", v, v.Percent())
		}
		if q2.Figures.ProblemsRaised != 0 || q2.Figures.AidFen != 120000 {
			t.Errorf("Q2 figures %+v", q2.Figures)
		}
		// Another county sees none of it; a bad period is refused.
		other, err := db.FindAssistFigures(ctx, actorAt(tr.countyB), 0, store.AssistPeriod{From: "2026-01", To: "2026-03"}, "")
		if err != nil || other.Figures != (assist.Figures{}) {
			t.Errorf("county B: %+v %v", other.Figures, err)
		}
		if _, err := db.FindAssistFigures(ctx, office, 0, store.AssistPeriod{From: "2026-13", To: "2026-03"}, ""); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("bad period: %v", err)
		}
		if _, err := db.FindAssistFigures(ctx, office, tr.countyB.ID, store.AssistPeriod{From: "2026-01", To: "2026-03"}, ""); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("another county's org: %v", err)
		}
	})
}
