package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// The committee rollups (migration 0026) follow every change the store
// makes — households registered, moved to another village and exiting,
// persons, pairings started, ended and handed over, visits, problems raised
// and solved, a rebuild, a township moved to another county: after each,
// they equal the organisations' rows summed per committee
// (VerifyAssistRollups), and a committee's, a city's and the platform's
// figures read from them equal those summed from the organisations' rows
// and (before the township's move) those counted from the records.
func TestAssistCommitteeRollupsFollowEveryChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)
		village2, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: w.town2.ID, Kind: org.Village, Name: "刘集村"})
		if err != nil {
			t.Fatal(err)
		}
		cityOffice := actorAt(w.city)
		exact := true
		check := func(when string) {
			t.Helper()
			diff, err := db.VerifyAssistRollups(ctx)
			if err != nil || len(diff) > 0 {
				t.Fatalf("%s: the committee rollups differ from the organisations' rows (%v):\n%v", when, err, diff)
			}
			periods := []store.AssistPeriod{{From: "2024-01", To: "2024-12"}, {From: "2025-01", To: "2025-12"}}
			for m := 1; m <= 12; m++ {
				periods = append(periods, store.AssistPeriod{From: fmt.Sprintf("2024-%02d", m), To: fmt.Sprintf("2024-%02d", m)})
				if m%3 == 1 {
					periods = append(periods, store.AssistPeriod{From: fmt.Sprintf("2024-%02d", m), To: fmt.Sprintf("2024-%02d", m+2)})
				}
			}
			scopes := []struct {
				actor app.Actor
				org   int64
			}{{cityOffice, w.city.ID}, {cityOffice, w.countyA.ID}, {cityOffice, w.countyB.ID}, {app.System, 0}}
			for _, p := range periods {
				for _, s := range scopes {
					fast, err1 := db.FindAssistFigures(ctx, s.actor, s.org, p, "")
					slow, err2 := db.AssistFiguresByOrgs(ctx, s.actor, s.org, p)
					if err1 != nil || err2 != nil || fast.Figures != slow.Figures || !slices.Equal(fast.Kinds, slow.Kinds) ||
						fast.Sentence != slow.Sentence {
						t.Fatalf("%s, %v at %d:\ncommittees %+v %v %v\norgs       %+v %v %v", when, p, s.org,
							fast.Figures, fast.Kinds, err1, slow.Figures, slow.Kinds, err2)
					}
					if !exact {
						continue
					}
					rec, err := db.ExactAssistFigures(ctx, s.actor, s.org, p, "")
					if err != nil || fast.Figures != rec.Figures || !slices.Equal(fast.Kinds, rec.Kinds) {
						t.Fatalf("%s, %v at %d:\nrollups %+v %v\nrecords %+v %v %v", when, p, s.org, fast.Figures,
							fast.Kinds, rec.Figures, rec.Kinds, err)
					}
				}
			}
		}
		check("the world as built")
		figures := func() assist.Figures {
			t.Helper()
			f, err := db.FindAssistFigures(ctx, cityOffice, w.city.ID, store.AssistPeriod{From: "2024-01", To: "2024-12"}, "")
			if err != nil {
				t.Fatal(err)
			}
			return f.Figures
		}
		if f := figures(); f.Registered != 1 || f.Paired != 1 || f.Persons != 2 || f.Cadres != 1 {
			t.Fatalf("the city's figures %+v", f)
		}

		// A second household, in the other township, paired with 乙.
		h2, err := db.CreateHousehold(ctx, w.actorA, store.HouseholdInput{OrgID: village2.ID, HeadName: "王大爷",
			RegisteredOn: app.MustDate("2024-01-10")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddHouseholdPerson(ctx, w.actorA, h2.ID, store.PersonInput{Name: "王大爷", Relation: "户主",
			Categories: []string{"low_income"}}); err != nil {
			t.Fatal(err)
		}
		p2, err := db.CreatePairing(ctx, w.actorA, store.PairingInput{CadreID: w.yi.ID, HouseholdID: h2.ID,
			StartsOn: app.MustDate("2024-02-15")})
		if err != nil {
			t.Fatal(err)
		}
		check("a household registered and paired")

		// Visits, one with aid, and a problem raised and solved.
		if _, err := db.AddAssistVisit(ctx, w.jiaActor, store.AssistVisitInput{HouseholdID: w.hh.ID,
			VisitedOn: app.MustDate("2024-03-01"), Aid: []store.AidInput{{Item: "米", Yuan: "150"}}}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddAssistVisit(ctx, w.yiActor, store.AssistVisitInput{HouseholdID: h2.ID,
			VisitedOn: app.MustDate("2024-03-05")}, nil); err != nil {
			t.Fatal(err)
		}
		pr, err := db.CreateProblem(ctx, w.actorA, store.ProblemInput{HouseholdID: h2.ID, Category: "living",
			Description: "房屋漏雨", RaisedOn: app.MustDate("2024-03-05")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ChangeProblem(ctx, w.actorA, pr.ID, store.ProblemChange{Status: assist.ProblemSolved,
			Resolution: "已修缮", ResolvedOn: app.MustDate("2024-04-02")}); err != nil {
			t.Fatal(err)
		}
		check("visits and a problem")
		if f := figures(); f.Registered != 2 || f.Paired != 2 || f.Cadres != 2 || f.Visited != 2 || f.Aided != 1 ||
			f.AidFen != 15000 || f.ProblemsRaised != 1 || f.ProblemsSolved != 1 {
			t.Fatalf("the city's figures %+v", f)
		}

		// The first household moves to the other township's village.
		hh, err := db.FindHouseholdByID(ctx, w.actorA, w.hh.ID, "核对")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdateHousehold(ctx, w.actorA, hh.ID, store.HouseholdInput{OrgID: village2.ID, HeadName: hh.HeadName,
			Phone: "13912345678", RegisteredOn: hh.RegisteredOn}); err != nil {
			t.Fatal(err)
		}
		check("a household moved to another village")

		// 王大爷's pairing ends and he leaves the register; 甲 leaves and hands over to 钱委.
		if _, err := db.EndPairing(ctx, w.actorA, p2.ID, app.MustDate("2024-04-30"), "脱困"); err != nil {
			t.Fatal(err)
		}
		check("a pairing ended")
		if _, err := db.UpdateHousehold(ctx, w.actorA, h2.ID, store.HouseholdInput{OrgID: village2.ID, HeadName: "王大爷",
			RegisteredOn: app.MustDate("2024-01-10"), ExitedOn: app.MustDate("2024-05-10"), ExitReason: "迁出"}); err != nil {
			t.Fatal(err)
		}
		check("a household exited")
		if _, err := db.CadreLeaves(ctx, w.actorA, w.jia.ID, app.MustDate("2024-05-01"), w.qianC.ID, "调离"); err != nil {
			t.Fatal(err)
		}
		check("a cadre handed over")
		if f := figures(); f.Registered != 1 || f.Paired != 1 || f.Cadres != 1 || f.Persons != 2 {
			t.Fatalf("the city's figures %+v", f)
		}

		kept, err := db.AssistTestRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RebuildAssistRollups(ctx, w.actorA, w.countyA.ID); err != nil {
			t.Fatal(err)
		}
		check("a rebuild")
		// The rebuild writes the stock rows a household at a time would.
		rebuilt, err := db.AssistTestRows(ctx)
		if err != nil || !slices.Equal(kept, rebuilt) {
			t.Fatalf("kept change by change:\n%v\nrebuilt:\n%v\n%v", kept, rebuilt, err)
		}

		// The township moves to the other county: both counties' rows are
		// recounted. (Its households' cadre rows stay where they were kept,
		// as before the committee rollups: the records no longer agree.)
		if _, err := db.MoveOrg(ctx, cityOffice, w.town2.ID, w.countyB.ID, "行政区划调整"); err != nil {
			t.Fatal(err)
		}
		exact = false
		check("a township moved to another county")
		f, err := db.FindAssistFigures(ctx, cityOffice, w.countyB.ID, store.AssistPeriod{From: "2024-01", To: "2024-12"}, "")
		if g := f.Figures; err != nil || g.Registered != 1 || g.Paired != 1 || g.AidFen != 15000 || g.ProblemsRaised != 1 {
			t.Fatalf("the county moved to %+v %v", f.Figures, err)
		}
	})
}
