package store_test

import (
	"context"
	"slices"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func orgNames(list []org.Org) []string {
	var out []string
	for _, o := range list {
		out = append(out, o.Name)
	}
	return out
}

func TestFindOrgChoices(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		village2, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: tr.town.ID, Kind: org.Village, Name: "后街社区"})
		if err != nil {
			t.Fatal(err)
		}
		upper := []org.Kind{org.City, org.County, org.Township}
		city := actorAt(tr.city)
		cases := []struct {
			name  string
			actor app.Actor
			f     store.OrgChoiceFilter
			want  []string
		}{
			{"the tiers down to township", city, store.OrgChoiceFilter{Kinds: upper},
				[]string{"聊城市政协", "东阿县政协", "阳谷县政协", "铜城街道"}},
			{"a village's branch adds it and its siblings", city,
				store.OrgChoiceFilter{Kinds: upper, Expand: []int64{tr.city.ID, tr.countyA.ID, tr.town.ID, tr.village.ID}},
				[]string{"聊城市政协", "东阿县政协", "阳谷县政协", "铜城街道", "前街社区", "后街社区"}},
			{"a township's own villages", actorAt(tr.town), store.OrgChoiceFilter{Kinds: upper, Expand: []int64{tr.town.ID}},
				[]string{"铜城街道", "前街社区", "后街社区"}},
			{"another county's branch adds nothing", actorAt(tr.countyB),
				store.OrgChoiceFilter{Kinds: upper, Expand: []int64{tr.city.ID, tr.countyA.ID, tr.town.ID}},
				[]string{"阳谷县政协"}},
			{"nothing asked", city, store.OrgChoiceFilter{}, nil},
		}
		for _, c := range cases {
			list, err := db.FindOrgChoices(ctx, c.actor, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := orgNames(list); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		// An archived village is not offered.
		if err := db.ArchiveOrg(ctx, app.System, village2.ID); err != nil {
			t.Fatal(err)
		}
		list, err := db.FindOrgChoices(ctx, city, store.OrgChoiceFilter{Expand: []int64{tr.town.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if got := orgNames(list); !slices.Equal(got, []string{"铜城街道", "前街社区"}) {
			t.Errorf("after archiving: %v", got)
		}
	})
}
