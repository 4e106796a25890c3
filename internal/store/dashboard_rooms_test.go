package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// On the demo world, the dashboard of the platform and of every city,
// county and township shows the room coverage RoomCoverage computes for
// the organisation and its children, and (committees and the platform) the
// assistance figures summed from the organisations' rollups.
func TestDashboardRoomsAndAssistDemo(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, county := demoOrgs(t, db)
		orgs, err := db.FindOrgs(ctx, app.System, store.OrgFilter{Kinds: []org.Kind{org.City, org.County, org.Township}})
		if err != nil {
			t.Fatal(err)
		}
		from, to := app.MustDate("2026-01-01"), app.MustDate("2026-12-31")
		countyActor := app.Actor{Name: "县办公室", Role: "office", OrgID: county.ID, Path: county.Path, CommitteeID: county.ID}
		check := func(a app.Actor, id int64) {
			t.Helper()
			cov, err := db.RoomCoverage(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if id == 0 {
				id = a.OrgID
			}
			var self *consult.Coverage
			var below []consult.Coverage
			for i, c := range cov {
				switch {
				case id != 0 && c.Org.ID == id:
					self = &cov[i]
				case id != 0 && c.Org.ParentID == id, id == 0 && c.Org.ParentID == 0:
					below = append(below, c)
				}
			}
			d, err := db.FindDashboard(ctx, a, id, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.Rooms, self) || !reflect.DeepEqual(d.RoomsBelow, below) {
				t.Fatalf("org %d: the dashboard's rooms\n%+v\n%+v\nRoomCoverage's\n%+v\n%+v", id, d.Rooms, d.RoomsBelow, self, below)
			}
			slow, err := db.AssistFiguresByOrgs(ctx, a, id, store.AssistPeriod{From: "2026-01", To: "2026-12"})
			if err != nil || d.Assist == nil || d.Assist.Figures != slow.Figures || !slices.Equal(d.Assist.Kinds, slow.Kinds) {
				t.Fatalf("org %d: the dashboard's assistance figures %+v, by organisations %+v %v", id, d.Assist, slow.Figures, err)
			}
		}
		check(app.System, 0)
		for _, o := range orgs {
			check(app.System, o.ID)
		}
		check(countyActor, 0)
		if diff, err := db.VerifyAssistRollups(ctx); err != nil || len(diff) > 0 {
			t.Fatalf("the demo's committee rollups: %v %v", diff, err)
		}
	})
}
