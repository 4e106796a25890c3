package store_test

import (
	"context"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// FindMemberNames lists what FindMembers lists, in the same order, for the
// same filters and scope.
func TestFindMemberNamesMatchesFindMembers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		for _, c := range []struct {
			actor app.Actor
			f     store.MemberFilter
		}{
			{w.actorA, store.MemberFilter{CommitteeID: w.countyA.ID, Sort: "name"}},
			{w.actorA, store.MemberFilter{}},
			{w.actorA, store.MemberFilter{CommitteeID: w.countyA.ID, Sort: "name", Desc: true}},
			{w.actorA, store.MemberFilter{TermID: w.term.ID, SectorID: w.edu.ID}},
			{w.actorB, store.MemberFilter{CommitteeID: w.countyA.ID}}, // another county's: none
		} {
			full, _, err := db.FindMembers(ctx, c.actor, withLimit(c.f, 1000))
			if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
				t.Fatal(err)
			}
			names, err := db.FindMemberNames(ctx, c.actor, c.f)
			if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
				t.Fatal(err)
			}
			if len(names) != len(full) {
				t.Fatalf("%+v: %d names, %d members", c.f, len(names), len(full))
			}
			for i := range full {
				if names[i].ID != full[i].ID || names[i].Name != full[i].Name {
					t.Fatalf("%+v: #%d %+v, want %d %s", c.f, i, names[i], full[i].ID, full[i].Name)
				}
			}
		}
		if n, _ := db.FindMemberNames(ctx, w.actorA, store.MemberFilter{CommitteeID: w.countyA.ID}); len(n) < 5 {
			t.Fatalf("county A's members: %d", len(n))
		}
	})
}

func withLimit(f store.MemberFilter, n int) store.MemberFilter {
	f.Limit = n
	return f
}
