package store_test

import (
	"context"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// tree builds city → two counties → a township under the first → a village.
type tree struct {
	city, countyA, countyB, town, village org.Org
}

func buildTree(t *testing.T, db *store.DB) tree {
	t.Helper()
	ctx := context.Background()
	mk := func(parent int64, k org.Kind, name string) org.Org {
		t.Helper()
		o, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: parent, Kind: k, Name: name})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	var tr tree
	tr.city = mk(0, org.City, "聊城市政协")
	tr.countyA = mk(tr.city.ID, org.County, "东阿县政协")
	tr.countyB = mk(tr.city.ID, org.County, "阳谷县政协")
	tr.town = mk(tr.countyA.ID, org.Township, "铜城街道")
	tr.village = mk(tr.town.ID, org.Village, "前街社区")
	return tr
}

func actorAt(o org.Org) app.Actor {
	return app.Actor{AccountID: 1, Name: "测试", Role: "office", OrgID: o.ID, Path: o.Path, CommitteeID: o.CommitteeID}
}

func TestOrgTreePathsAndCommittees(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		tr := buildTree(t, db)
		if tr.city.Path != "/"+itoa(tr.city.ID)+"/" || tr.city.CommitteeID != tr.city.ID || tr.city.Depth != 0 {
			t.Fatalf("city = %+v", tr.city)
		}
		if tr.village.Path != tr.town.Path+itoa(tr.village.ID)+"/" || tr.village.Depth != 3 {
			t.Fatalf("village path %q depth %d", tr.village.Path, tr.village.Depth)
		}
		if tr.town.CommitteeID != tr.countyA.ID || tr.village.CommitteeID != tr.countyA.ID {
			t.Fatalf("township/village committee = %d/%d, want county %d", tr.town.CommitteeID, tr.village.CommitteeID, tr.countyA.ID)
		}
	})
}

func TestOrgScoping(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		b := actorAt(tr.countyB)
		if _, err := db.FindOrgByID(ctx, b, tr.town.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reading county A's township: err = %v, want not found", err)
		}
		if _, err := db.FindOrgByID(ctx, b, tr.city.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reading its parent: err = %v, want not found", err)
		}
		list, err := db.FindOrgs(ctx, actorAt(tr.countyA), store.OrgFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 {
			t.Fatalf("county A sees %d orgs, want 3 (itself, township, village)", len(list))
		}
		// Creating under another subtree answers as if it did not exist.
		_, err = db.CreateOrg(ctx, b, org.Input{ParentID: tr.town.ID, Kind: org.Village, Name: "外村"})
		if app.ErrorFields(err).Get("parent_id") == "" {
			t.Fatalf("create under foreign parent: err = %v, want parent_id field error", err)
		}
	})
}

func TestOrgValidation(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		cases := []struct {
			name  string
			in    org.Input
			field string
		}{
			{"village under county", org.Input{ParentID: tr.countyA.ID, Kind: org.Village, Name: "某村"}, "kind"},
			{"empty name", org.Input{ParentID: tr.town.ID, Kind: org.Village, Name: "  "}, "name"},
			{"duplicate name", org.Input{ParentID: tr.town.ID, Kind: org.Village, Name: "前街社区"}, "name"},
			{"bad code", org.Input{ParentID: tr.town.ID, Kind: org.Village, Name: "新村", Code: "12a"}, "code"},
		}
		for _, c := range cases {
			_, err := db.CreateOrg(ctx, app.System, c.in)
			if app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err).Get(c.field) == "" {
				t.Errorf("%s: err = %v, want field error on %s", c.name, err, c.field)
			}
		}
	})
}

func TestOrgMoveKeepsHistory(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		moved, err := db.MoveOrg(ctx, actorAt(tr.city), tr.town.ID, tr.countyB.ID, "行政区划调整")
		if err != nil {
			t.Fatal(err)
		}
		if moved.ParentID != tr.countyB.ID || moved.CommitteeID != tr.countyB.ID || moved.Path != tr.countyB.Path+itoa(tr.town.ID)+"/" {
			t.Fatalf("moved = %+v", moved)
		}
		v, err := db.FindOrgByID(ctx, app.System, tr.village.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Path != moved.Path+itoa(v.ID)+"/" || v.CommitteeID != tr.countyB.ID || v.Depth != 3 {
			t.Fatalf("village after move = %+v", v)
		}
		// County A no longer sees it; county B does.
		if _, err := db.FindOrgByID(ctx, actorAt(tr.countyA), tr.village.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("old county still sees moved village: %v", err)
		}
		moves, err := db.FindOrgMoves(ctx, actorAt(tr.countyB), tr.town.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(moves) != 1 || moves[0].FromName != "东阿县政协" || moves[0].ToName != "阳谷县政协" || moves[0].Reason != "行政区划调整" {
			t.Fatalf("moves = %+v", moves)
		}
		// A node cannot move under its own descendant or to the wrong tier.
		if _, err := db.MoveOrg(ctx, app.System, tr.town.ID, tr.city.ID, ""); app.ErrorFields(err).Get("parent_id") == "" {
			t.Fatalf("township under city: err = %v", err)
		}
	})
}

func TestOrgArchive(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		if err := db.ArchiveOrg(ctx, app.System, tr.town.ID); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("archive with children: %v", err)
		}
		if err := db.ArchiveOrg(ctx, app.System, tr.village.ID); err != nil {
			t.Fatal(err)
		}
		list, _ := db.FindOrgs(ctx, app.System, store.OrgFilter{ParentID: tr.town.ID})
		if len(list) != 0 {
			t.Fatalf("archived village still listed: %+v", list)
		}
		// The name is free again for a new village.
		if _, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: tr.town.ID, Kind: org.Village, Name: "前街社区"}); err != nil {
			t.Fatalf("re-create after archive: %v", err)
		}
	})
}

func itoa(n int64) string { return app.Itoa(n) }
