package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/org"
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
		exec(`INSERT INTO assist_visit (committee_id, org_id, cadre_id, household_id, visited_on, aid_fen, created_at)
			VALUES ($1, $2, $3, $3, '2026-02-10', $4, $5)`, tr.countyA.ID, tr.village.ID, i, aid, now)
		exec(`INSERT INTO assist_visit (committee_id, org_id, cadre_id, household_id, visited_on, aid_fen, created_at)
			VALUES ($1, $2, $3, $3, '2026-03-20', 0, $4)`, tr.countyA.ID, tr.village.ID, i, now)
		if i < 13 {
			exec(`INSERT INTO assist_visit (committee_id, org_id, cadre_id, household_id, visited_on, aid_fen, created_at)
				VALUES ($1, $2, $3, $3, '2026-05-12', 10000, $4)`, tr.countyA.ID, tr.village.ID, i, now)
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
		if err := db.RebuildAssistRollups(ctx, office, tr.countyA.ID); err != nil {
			t.Fatal(err)
		}
		q1, err := db.FindAssistFigures(ctx, office, 0, store.AssistPeriod{From: "2026-01", To: "2026-03"}, "县政协")
		if err != nil {
			t.Fatal(err)
		}
		// The rollups agree with the records, for every period tried.
		for _, p := range []store.AssistPeriod{{"2026-01", "2026-03"}, {"2026-04", "2026-06"}, {"2026-02", "2026-02"},
			{"2026-01", "2026-12"}, {"2025-12", "2025-12"}} {
			for _, org := range []int64{tr.countyA.ID, tr.town.ID, tr.village.ID} {
				fast, err1 := db.FindAssistFigures(ctx, office, org, p, "")
				exact, err2 := db.ExactAssistFigures(ctx, office, org, p, "")
				if err1 != nil || err2 != nil || fast.Figures != exact.Figures || fast.Sentence != exact.Sentence {
					t.Errorf("%v at %d:\nrollup %+v %v\nexact  %+v %v", p, org, fast.Figures, err1, exact.Figures, err2)
				}
			}
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
		for _, p := range []store.AssistPeriod{{"2026-13", "2026-03"}, {"2026-02", "2026-04"}, {"2026-01", "2026-02"}} {
			if _, err := db.FindAssistFigures(ctx, office, 0, p, ""); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("bad period %v: %v", p, err)
			}
		}
		if _, err := db.FindAssistFigures(ctx, office, tr.countyB.ID, store.AssistPeriod{From: "2026-01", To: "2026-03"}, ""); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("another county's org: %v", err)
		}
	})
}

// The rollups kept change by change — households registered and exiting,
// persons added, pairings started, ended and handed over, visits entered
// out of order, problems — equal the figures counted from the records, for
// every month, quarter and year and every organisation.
func TestAssistRollupsFollowEveryChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		village2, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: tr.town.ID, Kind: org.Village, Name: "后街社区"})
		if err != nil {
			t.Fatal(err)
		}
		villages := []int64{tr.village.ID, village2.ID}
		rng := rand.New(rand.NewPCG(9, 9))
		c := tr.countyA.ID
		now := db.Now()
		day := func() app.Date {
			return app.DateOf(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(700)))
		}
		for i := 1; i <= 6; i++ {
			if err := db.ConsultTestExec(ctx, `INSERT INTO cadre (id, org_id, committee_id, name, created_at, updated_at)
				VALUES ($1, $2, $2, $3, $4, $4)`, i, c, fmt.Sprintf("干部%d", i), now); err != nil {
				t.Fatal(err)
			}
		}
		cats := []string{"orphan", "elder80", "severe_disability,low_income", ""}
		for h := 1; h <= 30; h++ {
			v := villages[h%2]
			reg := day()
			must := func(q string, args ...any) {
				t.Helper()
				if err := db.AssistTestExec(ctx, int64(h), q, args...); err != nil {
					t.Fatalf("%v: %s", err, q)
				}
			}
			must(`INSERT INTO household (id, org_id, committee_id, head_name, registered_on, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6)`, h, v, c, fmt.Sprintf("户%d", h), reg.String(), now)
			for range 1 + rng.IntN(3) {
				must(`INSERT INTO household_person (household_id, name, categories, created_at, updated_at) VALUES ($1, '人', $2, $3, $3)`,
					h, cats[rng.IntN(len(cats))], now)
			}
			if rng.IntN(5) > 0 { // paired, sometimes ended and handed over
				start := reg.Time(time.UTC).AddDate(0, 0, rng.IntN(60))
				must(`INSERT INTO pairing (committee_id, cadre_id, household_id, starts_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
					c, 1+rng.IntN(6), h, app.DateOf(start).String(), now)
				if rng.IntN(3) == 0 {
					end := app.DateOf(start.AddDate(0, 0, 30+rng.IntN(200))).String()
					must(`UPDATE pairing SET ends_on = $2 WHERE household_id = $1`, h, end)
					must(`INSERT INTO pairing (committee_id, cadre_id, household_id, starts_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
						c, 1+rng.IntN(6), h, end, now)
				}
			}
			if rng.IntN(6) == 0 { // leaving the register ends the pairings (as UpdateHousehold requires)
				exit := app.DateOf(reg.Time(time.UTC).AddDate(0, 0, 100+rng.IntN(300))).String()
				must(`UPDATE pairing SET ends_on = $2 WHERE household_id = $1 AND (ends_on = '' OR ends_on > $2)`, h, exit)
				must(`DELETE FROM pairing WHERE household_id = $1 AND starts_on >= $2`, h, exit)
				must(`UPDATE household SET exited_on = $2 WHERE id = $1`, h, exit)
			}
		}
		for range 200 { // visits in any order, some before the pairing began (not counted as paired visits)
			h := 1 + rng.IntN(30)
			fen := int64(0)
			if rng.IntN(2) == 0 {
				fen = int64(100 * (1 + rng.IntN(500)))
			}
			if err := db.AssistTestVisit(ctx, c, villages[h%2], 1, int64(h), day(), fen); err != nil {
				t.Fatal(err)
			}
		}
		for range 25 {
			h := 1 + rng.IntN(30)
			raised := day()
			var solved app.Date
			if rng.IntN(3) > 0 {
				solved = app.DateOf(raised.Time(time.UTC).AddDate(0, 0, rng.IntN(90)))
			}
			if err := db.AssistTestProblem(ctx, c, villages[h%2], int64(h), raised, solved); err != nil {
				t.Fatal(err)
			}
		}
		office := actorAt(tr.countyA)
		check := func(when string) {
			t.Helper()
			n := 0
			for y := 2025; y <= 2026; y++ {
				periods := []store.AssistPeriod{{fmt.Sprintf("%d-01", y), fmt.Sprintf("%d-12", y)}}
				for q := 0; q < 4; q++ {
					periods = append(periods, store.AssistPeriod{fmt.Sprintf("%d-%02d", y, 3*q+1), fmt.Sprintf("%d-%02d", y, 3*q+3)})
				}
				for m := 1; m <= 12; m++ {
					periods = append(periods, store.AssistPeriod{fmt.Sprintf("%d-%02d", y, m), fmt.Sprintf("%d-%02d", y, m)})
				}
				for _, p := range periods {
					for _, o := range []int64{c, tr.town.ID, tr.village.ID, village2.ID} {
						fast, err1 := db.FindAssistFigures(ctx, office, o, p, "")
						exact, err2 := db.ExactAssistFigures(ctx, office, o, p, "")
						if err1 != nil || err2 != nil || fast.Figures != exact.Figures || fast.Sentence != exact.Sentence {
							t.Errorf("%s, %v at %d:\nrollup %+v %v\nexact  %+v %v\n%s\n%s", when, p, o, fast.Figures, err1,
								exact.Figures, err2, fast.Sentence, exact.Sentence)
							return
						}
						n++
					}
				}
			}
			t.Logf("%s: %d figures agree", when, n)
		}
		check("kept change by change")
		if err := db.RebuildAssistRollups(ctx, office, c); err != nil {
			t.Fatal(err)
		}
		check("after a rebuild")
	})
}

// checkRollups compares the rollups kept by the store's own functions with
// the figures counted from the records, for every month, quarter and year
// of 2024–2026 and the organisations given.
func checkRollups(t *testing.T, db *store.DB, actor app.Actor, orgs ...int64) {
	t.Helper()
	ctx := context.Background()
	for y := 2024; y <= 2026; y++ {
		periods := []store.AssistPeriod{{fmt.Sprintf("%d-01", y), fmt.Sprintf("%d-12", y)}}
		for m := 1; m <= 12; m++ {
			periods = append(periods, store.AssistPeriod{fmt.Sprintf("%d-%02d", y, m), fmt.Sprintf("%d-%02d", y, m)})
			if m%3 == 1 {
				periods = append(periods, store.AssistPeriod{fmt.Sprintf("%d-%02d", y, m), fmt.Sprintf("%d-%02d", y, m+2)})
			}
		}
		for _, p := range periods {
			for _, o := range orgs {
				fast, err1 := db.FindAssistFigures(ctx, actor, o, p, "")
				exact, err2 := db.ExactAssistFigures(ctx, actor, o, p, "")
				if err1 != nil || err2 != nil || fast.Figures != exact.Figures || fast.Sentence != exact.Sentence {
					t.Fatalf("rollups differ, %v at %d:\nrollup %+v %v\nexact  %+v %v", p, o, fast.Figures, err1, exact.Figures, err2)
				}
			}
		}
	}
}
