package store_test

import (
	"context"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func TestListOrgs(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		if _, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: tr.town.ID, Kind: org.Village, Name: "后街社区",
			ShortName: "后街100%"}); err != nil {
			t.Fatal(err)
		}
		city := actorAt(tr.city)
		// The tree levels with child counts.
		rows, total, err := db.ListOrgs(ctx, city, store.OrgListFilter{Kinds: []org.Kind{org.City, org.County, org.Township}})
		if err != nil || total != 4 || len(rows) != 4 {
			t.Fatalf("tree rows = %d/%d, %v", len(rows), total, err)
		}
		counts := map[int64]int{}
		for _, r := range rows {
			counts[r.ID] = r.Children
		}
		if counts[tr.city.ID] != 2 || counts[tr.countyA.ID] != 1 || counts[tr.countyB.ID] != 0 || counts[tr.town.ID] != 2 {
			t.Fatalf("child counts = %v", counts)
		}
		// A search across tiers with trails, paged and sorted by name.
		rows, total, err = db.ListOrgs(ctx, city, store.OrgListFilter{Name: "社区", Sort: "name", Limit: 1})
		if err != nil || total != 2 || len(rows) != 1 || rows[0].Trail != "聊城市政协 / 东阿县政协 / 铜城街道" {
			t.Fatalf("search = %+v (total %d), %v", rows, total, err)
		}
		// The trail stops at the actor's root.
		rows, _, _ = db.ListOrgs(ctx, actorAt(tr.countyA), store.OrgListFilter{Name: "前街"})
		if len(rows) != 1 || rows[0].Trail != "东阿县政协 / 铜城街道" {
			t.Fatalf("county trail = %+v", rows)
		}
		// LIKE wildcards in the search are literal; the short name matches too.
		rows, _, _ = db.ListOrgs(ctx, city, store.OrgListFilter{Name: "100%"})
		if len(rows) != 1 || rows[0].Name != "后街社区" {
			t.Fatalf("literal %% search = %+v", rows)
		}
		if rows, _, _ = db.ListOrgs(ctx, city, store.OrgListFilter{Name: "%"}); len(rows) != 1 {
			t.Fatalf("%% alone matched %d rows", len(rows))
		}
		// Scope: county B sees only itself.
		rows, total, _ = db.ListOrgs(ctx, actorAt(tr.countyB), store.OrgListFilter{})
		if total != 1 || rows[0].ID != tr.countyB.ID {
			t.Fatalf("county B lists %+v", rows)
		}
		// Archived rows only on request; an unknown sort key keeps tree order.
		if err := db.ArchiveOrg(ctx, app.System, tr.village.ID); err != nil {
			t.Fatal(err)
		}
		rows, _, _ = db.ListOrgs(ctx, city, store.OrgListFilter{ParentID: tr.town.ID, Sort: "name; DROP TABLE org"})
		if len(rows) != 1 {
			t.Fatalf("without archived: %+v", rows)
		}
		rows, _, _ = db.ListOrgs(ctx, city, store.OrgListFilter{ParentID: tr.town.ID, IncludeArchived: true, Sort: "name", Desc: true})
		if len(rows) != 2 || !rows[1].Archived && !rows[0].Archived {
			t.Fatalf("with archived: %+v", rows)
		}
	})
}
