package consult_test

import (
	"strings"
	"testing"

	"xieshang/internal/consult"
	"xieshang/internal/org"
)

// world is a small real-shaped tree: 聊城市政协 → 东阿县政协 with two street
// offices (铜城街道: 6 communities, 新城街道: 5) and 阳谷县政协 with 七级镇
// (2 villages) and 阿城镇 (no villages registered yet).
type world struct {
	orgs []org.Org
	id   map[string]int64
}

func newWorld() *world {
	w := &world{id: map[string]int64{}}
	add := func(parent string, k org.Kind, name string) {
		id := int64(len(w.orgs) + 1)
		w.id[name] = id
		w.orgs = append(w.orgs, org.Org{ID: id, ParentID: w.id[parent], Kind: k, Name: name})
	}
	add("", org.City, "聊城市政协")
	add("聊城市政协", org.County, "东阿县政协")
	add("东阿县政协", org.Township, "铜城街道")
	for _, n := range []string{"前街社区", "后街社区", "南关社区", "北关社区", "东关社区", "西关社区"} {
		add("铜城街道", org.Village, n)
	}
	add("东阿县政协", org.Township, "新城街道")
	for _, n := range []string{"太平社区", "兴隆社区", "城西社区", "城东社区", "湖滨社区"} {
		add("新城街道", org.Village, n)
	}
	add("聊城市政协", org.County, "阳谷县政协")
	add("阳谷县政协", org.Township, "七级镇")
	add("七级镇", org.Village, "七级村")
	add("七级镇", org.Village, "张庄村")
	add("阳谷县政协", org.Township, "阿城镇")
	return w
}

func (w *world) room(at string, archived bool, villages ...string) consult.Room {
	r := consult.Room{OrgID: w.id[at], Name: at + "协商议事室", Archived: archived}
	for _, v := range villages {
		r.Villages = append(r.Villages, consult.Ref{ID: w.id[v], Name: v})
	}
	return r
}

func TestComputeCoverage(t *testing.T) {
	w := newWorld()
	rooms := []consult.Room{
		// 铜城街道: a street-office room (联建) serving three communities and
		// three community rooms; 前街社区 is served by two rooms.
		w.room("铜城街道", false, "前街社区", "后街社区", "南关社区"),
		w.room("前街社区", false, "前街社区"),
		w.room("北关社区", false, "北关社区"),
		w.room("东关社区", false, "东关社区"),
		w.room("西关社区", false, "西关社区"),
		// 新城街道: four of five communities.
		w.room("太平社区", false, "太平社区"),
		w.room("兴隆社区", false, "兴隆社区"),
		w.room("城西社区", false, "城西社区"),
		w.room("新城街道", false, "城东社区"),
		// 七级镇: a township room serving no village yet, and an archived
		// village room that no longer counts.
		w.room("七级镇", false),
		w.room("张庄村", true, "张庄村"),
	}
	got := map[string]consult.Coverage{}
	var order []string
	for _, c := range consult.ComputeCoverage(w.orgs, rooms) {
		got[c.Org.Name] = c
		order = append(order, c.Org.Name)
	}
	if strings.Join(order, ",") != "聊城市政协,东阿县政协,铜城街道,新城街道,阳谷县政协,七级镇,阿城镇" {
		t.Fatalf("rows in order %v", order)
	}
	for _, tc := range []struct {
		name                    string
		villages, covered, room int
		percent                 string
		full                    bool
		uncovered               string
	}{
		{"铜城街道", 6, 6, 5, "100.0%", true, ""},
		{"新城街道", 5, 4, 4, "80.0%", false, "湖滨社区"},
		{"东阿县政协", 11, 10, 9, "90.9%", false, ""},
		{"七级镇", 2, 0, 1, "0.0%", false, "七级村,张庄村"},
		{"阿城镇", 0, 0, 0, "—", false, ""},
		{"阳谷县政协", 2, 0, 1, "0.0%", false, ""},
		{"聊城市政协", 13, 10, 10, "76.9%", false, ""},
	} {
		c := got[tc.name]
		var unc []string
		for _, u := range c.Uncovered {
			unc = append(unc, u.Name)
		}
		if c.Villages != tc.villages || c.Covered != tc.covered || c.Rooms != tc.room || c.Percent() != tc.percent ||
			c.Full() != tc.full || strings.Join(unc, ",") != tc.uncovered {
			t.Errorf("%s: %d/%d rooms %d %s full %v uncovered %v; want %d/%d rooms %d %s full %v uncovered %s",
				tc.name, c.Covered, c.Villages, c.Rooms, c.Percent(), c.Full(), unc,
				tc.covered, tc.villages, tc.room, tc.percent, tc.full, tc.uncovered)
		}
	}
}

func TestCoverageSubtreeAndArchivedVillages(t *testing.T) {
	w := newWorld()
	// A county office's view: its subtree only (the city is not in the list),
	// with one community dissolved (archived), which no longer counts.
	var sub []org.Org
	for _, o := range w.orgs {
		if o.ID >= w.id["东阿县政协"] && o.ID < w.id["阳谷县政协"] {
			if o.Name == "湖滨社区" {
				o.Archived = true
			}
			sub = append(sub, o)
		}
	}
	rooms := []consult.Room{w.room("新城街道", false, "太平社区", "兴隆社区", "城西社区", "城东社区")}
	rows := consult.ComputeCoverage(sub, rooms)
	if len(rows) != 3 || rows[0].Org.Name != "东阿县政协" {
		t.Fatalf("rows %+v", rows)
	}
	if c := rows[2]; c.Org.Name != "新城街道" || c.Villages != 4 || c.Covered != 4 || c.Percent() != "100.0%" || !c.Full() {
		t.Errorf("新城街道 without the dissolved community: %d/%d %s", c.Covered, c.Villages, c.Percent())
	}
	if c := rows[0]; c.Villages != 10 || c.Covered != 4 || c.Percent() != "40.0%" {
		t.Errorf("东阿县政协: %d/%d %s", c.Covered, c.Villages, c.Percent())
	}
	if tot := consult.Total(rows[:1]); tot.Villages != 10 || tot.Covered != 4 || tot.Rooms != 1 {
		t.Errorf("total %+v", tot)
	}
}

func TestCoveragePercentRounding(t *testing.T) {
	for _, tc := range []struct {
		covered, villages int
		want              string
	}{
		{5, 6, "83.3%"}, {2, 3, "66.7%"}, {1, 3, "33.3%"}, {1, 8, "12.5%"}, {1, 16, "6.3%"},
		{0, 7, "0.0%"}, {7, 7, "100.0%"}, {0, 0, "—"}, {999, 1000, "99.9%"}, {9995, 10000, "99.9%"}, {9994, 10000, "99.9%"},
	} {
		if got := (consult.Coverage{Covered: tc.covered, Villages: tc.villages}).Percent(); got != tc.want {
			t.Errorf("%d/%d = %s, want %s", tc.covered, tc.villages, got, tc.want)
		}
	}
}
