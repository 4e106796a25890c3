package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/duty"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func activityEvents(t *testing.T, db *store.DB, m member.Member) []store.DutyEvent {
	t.Helper()
	ev, _, err := db.FindDutyEvents(context.Background(), app.System, store.DutyFilter{MemberID: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.DutyEvent
	for _, e := range ev {
		if e.Source == store.SourceActivity {
			out = append(out, e)
		}
	}
	return out
}

func TestActivityParticipantsEarnDutyEvents(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildRoomWorld(t, db)
		in := store.ActivityInput{Kind: "investment", Title: "赴苏州招商考察", StartsOn: app.MustDate("2024-04-10"),
			EndsOn: app.MustDate("2024-04-12"), Places: []string{"苏州工业园区", " ", "昆山开发区"},
			Summary: "考察电子信息企业", Organiser: "县政协经济委",
			Figures: []store.ActivityFigure{{Name: "考察企业", Value: 12}, {Name: "参加人数", Value: 9}},
			Members: []store.ActivityPersonInput{{Name: "王建国", Role: "带队"}, {Name: "李秀英#" + app.Itoa(w.m2.ID)}},
			Others:  []store.ActivityPersonInput{{Name: "县商务局张科长", Note: "陪同"}}}
		a, err := db.CreateActivity(ctx, w.office, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.KindLabel != "招商考察" || a.OrgID != w.countyA.ID || a.CommitteeID != w.countyA.ID ||
			strings.Join(a.Places, "|") != "苏州工业园区|昆山开发区" || len(a.Figures) != 2 || a.Figures[0].Value != 12 {
			t.Fatalf("activity %+v", a)
		}
		if len(a.Participants) != 3 || a.Participants[0].MemberID != w.m1.ID || a.Participants[0].Role != "带队" ||
			a.Participants[1].Role != "参加" || a.Participants[2].MemberID != 0 || a.Participants[2].Note != "陪同" {
			t.Fatalf("participants %+v", a.Participants)
		}
		for _, m := range []member.Member{w.m1, w.m2} {
			ev := activityEvents(t, db, m)
			if len(ev) != 1 || ev[0].Kind != duty.ActivityPrefix+"investment" || ev[0].SourceID != a.ID ||
				ev[0].OccurredOn != in.StartsOn || ev[0].CommitteeID != w.countyA.ID {
				t.Fatalf("%s's events %+v", m.Name, ev)
			}
		}

		// Refused, nothing written: another committee's member, an unknown
		// kind, bad figures, a future date.
		audits := auditCount(t, db)
		bad := in
		bad.Members = []store.ActivityPersonInput{{MemberID: w.mB.ID}}
		if _, err := db.CreateActivity(ctx, w.office, bad); !strings.Contains(app.ErrorFields(err).Get("members"), "本政协没有") {
			t.Fatalf("another committee's member: %v", err)
		}
		bad = in
		bad.Members = []store.ActivityPersonInput{{Name: "赵强"}}
		if _, err := db.CreateActivity(ctx, w.office, bad); !strings.Contains(app.ErrorFields(err).Get("members"), "赵强") {
			t.Fatalf("another committee's member by name: %v", err)
		}
		bad = in
		bad.Kind = "banquet"
		if _, err := db.CreateActivity(ctx, w.office, bad); !strings.Contains(app.ErrorFields(err).Get("kind"), "未知的活动类型") {
			t.Fatalf("unknown kind: %v", err)
		}
		for _, fs := range [][]store.ActivityFigure{
			{{Name: "考察企业", Value: -1}},
			{{Name: "", Value: 3}},
			{{Name: "考察企业", Value: 1}, {Name: "考察企业", Value: 2}},
			{{Name: strings.Repeat("长", 21), Value: 1}},
		} {
			bad = in
			bad.Figures = fs
			if _, err := db.CreateActivity(ctx, w.office, bad); app.ErrorFields(err).Get("figures") == "" {
				t.Fatalf("figures %+v: %v", fs, err)
			}
		}
		bad = in
		bad.StartsOn, bad.EndsOn = app.DateOf(db.Now().In(db.Loc).AddDate(0, 0, 2)), app.Date{}
		if _, err := db.CreateActivity(ctx, w.office, bad); app.ErrorFields(err).Get("starts_on") == "" {
			t.Fatalf("future date: %v", err)
		}
		bad = in
		bad.OrgID = w.countyA.ID
		if _, err := db.CreateActivity(ctx, w.officeB, bad); app.ErrorFields(err).Get("org_id") == "" {
			t.Fatalf("another county's office records for county A: %v", err)
		}
		if list, total, _ := db.FindActivities(ctx, w.office, store.ActivityFilter{}); total != 1 || len(list) != 1 ||
			auditCount(t, db) != audits || len(activityEvents(t, db, w.mB)) != 0 {
			t.Fatalf("a refused activity wrote something: %d", total)
		}

		// Edit: a new date moves the events; 李秀英 removed loses hers.
		in.StartsOn, in.EndsOn = app.MustDate("2024-04-15"), app.Date{}
		in.Members = in.Members[:1]
		if a, err = db.UpdateActivity(ctx, w.office, a.ID, in); err != nil {
			t.Fatal(err)
		}
		if ev := activityEvents(t, db, w.m1); len(ev) != 1 || ev[0].OccurredOn != app.MustDate("2024-04-15") {
			t.Fatalf("moved events %+v", ev)
		}
		if ev := activityEvents(t, db, w.m2); len(ev) != 0 {
			t.Fatalf("removed participant keeps the event: %+v", ev)
		}
		// Same date, 李秀英 back: only she gains an event.
		in.Members = append(in.Members, store.ActivityPersonInput{MemberID: w.m2.ID, Role: "参加"})
		if a, err = db.UpdateActivity(ctx, w.office, a.ID, in); err != nil {
			t.Fatal(err)
		}
		if len(activityEvents(t, db, w.m2)) != 1 || len(activityEvents(t, db, w.m1)) != 1 {
			t.Fatal("re-added participant")
		}
		// A new kind renames the events.
		in.Kind = "training"
		if a, err = db.UpdateActivity(ctx, w.office, a.ID, in); err != nil {
			t.Fatal(err)
		}
		if ev := activityEvents(t, db, w.m1); len(ev) != 1 || ev[0].Kind != duty.ActivityPrefix+"training" {
			t.Fatalf("kind change %+v", ev)
		}

		// Reading: another county does not see it; filters.
		if _, err := db.FindActivity(ctx, w.officeB, a.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other county reads: %v", err)
		}
		for _, c := range []struct {
			f    store.ActivityFilter
			want int
		}{
			{store.ActivityFilter{Year: 2024}, 1},
			{store.ActivityFilter{Year: 2023}, 0},
			{store.ActivityFilter{Kind: "training"}, 1},
			{store.ActivityFilter{Kind: "study"}, 0},
			{store.ActivityFilter{MemberID: w.m2.ID}, 1},
			{store.ActivityFilter{Query: "昆山"}, 1},
			{store.ActivityFilter{Query: "100%"}, 0},
			{store.ActivityFilter{OrgID: w.town.ID}, 0},
		} {
			if _, total, err := db.FindActivities(ctx, w.office, c.f); err != nil || total != c.want {
				t.Fatalf("filter %+v: %d %v", c.f, total, err)
			}
		}
		if _, total, _ := db.FindActivities(ctx, w.officeB, store.ActivityFilter{}); total != 0 {
			t.Fatal("other county lists it")
		}
		counts, err := db.CountActivitiesByKind(ctx, w.office, store.ActivityFilter{Year: 2024, Kind: "study"})
		if err != nil || len(counts) != len(duty.DefaultActivityKinds) || counts[0].Kind != "training" || counts[0].N != 1 {
			t.Fatalf("counts %+v %v", counts, err)
		}

		// Delete takes the events back.
		if err := db.DeleteActivity(ctx, w.officeB, a.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other county deletes: %v", err)
		}
		if err := db.DeleteActivity(ctx, w.office, a.ID); err != nil {
			t.Fatal(err)
		}
		if len(activityEvents(t, db, w.m1))+len(activityEvents(t, db, w.m2)) != 0 {
			t.Fatal("deleted activity keeps events")
		}
		if _, err := db.FindActivity(ctx, w.office, a.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("deleted activity found: %v", err)
		}
	})
}

func TestActivityKinds(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildRoomWorld(t, db)
		kinds, err := db.FindActivityKindList(ctx, w.office, 0)
		if err != nil || len(kinds) != len(duty.DefaultActivityKinds) {
			t.Fatalf("defaults %+v %v", kinds, err)
		}
		a, err := db.CreateActivity(ctx, w.office, store.ActivityInput{Kind: "study", Title: "理论学习会",
			StartsOn: app.MustDate("2024-03-01"), Members: []store.ActivityPersonInput{{MemberID: w.m1.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		// Drop a used kind: refused; archive it, rename another, add one.
		if _, err := db.SaveActivityKinds(ctx, w.office, 0, []store.ActivityKindItem{{Code: "training", Label: "培训"}}); !strings.Contains(app.ErrorFields(err).Get("kinds"), "不能删除") {
			t.Fatalf("drop a used kind: %v", err)
		}
		for _, bad := range [][]store.ActivityKindItem{
			{{Code: "study", Label: "学习会", Archived: true}},
			{{Code: "study", Label: "学习会"}, {Code: "x", Label: "学习会"}},
			{{Code: "study", Label: "学习会"}, {Code: "Bad Code", Label: "甲"}},
		} {
			if _, err := db.SaveActivityKinds(ctx, w.office, 0, bad); app.ErrorFields(err).Get("kinds") == "" {
				t.Fatalf("kinds %+v: %v", bad, err)
			}
		}
		saved, err := db.SaveActivityKinds(ctx, w.office, 0, []store.ActivityKindItem{
			{Code: "training", Label: "委员培训"}, {Label: "界别活动"}, {Code: "study", Label: "学习会", Archived: true}})
		if err != nil {
			t.Fatal(err)
		}
		if len(saved) != 3 || saved[0].Label != "委员培训" || saved[1].Code == "" || !saved[2].Archived || saved[2].Used != 1 {
			t.Fatalf("saved %+v", saved)
		}
		// Archived: refused for a new activity, kept by an old one.
		if _, err := db.CreateActivity(ctx, w.office, store.ActivityInput{Kind: "study", Title: "又一次学习",
			StartsOn: app.MustDate("2024-03-02")}); !strings.Contains(app.ErrorFields(err).Get("kind"), "已停用") {
			t.Fatalf("archived kind: %v", err)
		}
		if _, err := db.UpdateActivity(ctx, w.office, a.ID, store.ActivityInput{Kind: "study", Title: "理论学习会（一）",
			StartsOn: a.StartsOn}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateActivity(ctx, w.office, store.ActivityInput{Kind: "visit_member", Title: "走访",
			StartsOn: app.MustDate("2024-03-02")}); !strings.Contains(app.ErrorFields(err).Get("kind"), "未知") {
			t.Fatalf("a default kind the committee dropped: %v", err)
		}
		// Another county keeps the defaults and cannot save county A's.
		if k, _ := db.FindActivityKindList(ctx, w.officeB, 0); len(k) != len(duty.DefaultActivityKinds) {
			t.Fatalf("county B's kinds %+v", k)
		}
		if _, err := db.SaveActivityKinds(ctx, w.officeB, w.countyA.ID, saved); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B saves A's kinds: %v", err)
		}
		labels, err := db.FindActivityKinds(ctx, w.office, 0)
		if err != nil || len(labels) != 3 || labels[1].Label != "界别活动" {
			t.Fatalf("lead's reader %+v %v", labels, err)
		}
	})
}
