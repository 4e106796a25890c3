package store_test

import (
	"context"
	"testing"

	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func TestFindCommitteeListsScoped(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		l, err := db.FindCommitteeLists(ctx, w.actorC, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Terms[w.countyA.ID]) != 1 || len(l.Terms[w.countyB.ID]) != 1 || len(l.Sectors[w.countyA.ID]) != 2 ||
			len(l.Sectors[w.countyB.ID]) != 1 || len(l.Specials[w.countyA.ID]) != 1 {
			t.Fatalf("city sees %+v", l)
		}
		l, err = db.FindCommitteeLists(ctx, w.actorA, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Terms[w.countyB.ID]) != 0 || len(l.Sectors[w.countyB.ID]) != 0 || len(l.Sectors[w.countyA.ID]) != 2 {
			t.Fatalf("county A sees %+v", l)
		}
		if l.Sectors[w.countyA.ID][0].Name != "教育界" {
			t.Fatalf("sectors not in sort order: %+v", l.Sectors[w.countyA.ID])
		}
		l, _ = db.FindCommitteeLists(ctx, w.actorC, w.countyB.ID)
		if len(l.Terms) != 1 || len(l.Sectors[w.countyA.ID]) != 0 {
			t.Fatalf("only county B: %+v", l)
		}
	})
}
