package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// householdBenchWorld registers 2,000 households at a village, each with a
// phone and two persons with identity numbers (one with a disability), through
// the store as a clerk would, so that every sealed field is sealed.
func householdBenchWorld(b *testing.B, db *store.DB) houseWorld {
	b.Helper()
	ctx := context.Background()
	w := buildHouseWorld(b, db)
	t0 := time.Now()
	for i := range 2000 {
		h, err := db.CreateHousehold(ctx, w.actorA, store.HouseholdInput{OrgID: w.village.ID, HeadName: fmt.Sprintf("户主%d", i),
			Phone: fmt.Sprintf("139%08d", i), RegisteredOn: app.MustDate("2024-01-02")})
		if err != nil {
			b.Fatal(err)
		}
		for j := range 2 {
			in := store.PersonInput{Name: fmt.Sprintf("成员%d-%d", i, j), Relation: "户主",
				IDNumber:   member.MakeIDNumber("371524", app.DateOf(time.Date(1950, 1, 1+i, 0, 0, 0, 0, time.UTC)), j*2+1),
				Categories: []string{"elder80"}}
			if j == 1 {
				in.Relation, in.Disability = "配偶", "肢体二级"
			}
			if _, err := db.AddHouseholdPerson(ctx, w.actorA, h.ID, in); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Logf("2,000 households registered in %s", time.Since(t0).Round(time.Millisecond))
	return w
}

// BenchmarkHouseholdList: a page of 50 households (phones masked) and one
// household's record with its persons (identity numbers masked, disability
// and health in clear), as the list and the record pages read them
// (go test -run '^$' -bench HouseholdList ./internal/store). The figure
// before and after sealing the fields is in BENCHMARKS.md.
func BenchmarkHouseholdList(b *testing.B) {
	for _, d := range storetest.Backends {
		b.Run(string(d), func(b *testing.B) {
			db := storetest.OpenDialect(b, d)
			w := householdBenchWorld(b, db)
			ctx := context.Background()
			b.Run("page", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					hs, _, err := db.FindHouseholds(ctx, w.actorA, store.HouseholdFilter{Offset: 50 * (i % 40), Limit: 50})
					if err != nil || len(hs) != 50 || hs[0].Phone == "" {
						b.Fatalf("page: %d households, %v", len(hs), err)
					}
				}
			})
			b.Run("record", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					h, err := db.FindHouseholdByID(ctx, w.actorA, w.hh.ID+int64(1+i%2000), "入户走访")
					if err != nil || len(h.Persons) != 2 {
						b.Fatalf("record: %v", err)
					}
				}
			})
		})
	}
}
