package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/org"
	"xieshang/internal/press"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func strp(s string) *string { return &s }

// pressPage is a hand-built parse of a page: a research visit of county A
// with figures, an item of an organisation the tree lacks, and county A's
// fifth-term twelfth chair's meeting.
func pressPage() []press.Article {
	return []press.Article{
		{Title: "东阿县政协视察重点项目建设", Org: "东阿县政协", Date: strp("2024-06-05"), Kind: press.KindResearch,
			Byline: []string{"张三", "李四"}, Figures: map[string]int64{press.FigCompaniesVisited: 6, press.FigProblemsRaised: 9},
			Text: "6月5日，东阿县政协组织委员视察重点项目建设，走访企业6家，发现问题9个。"},
		{Title: "丙县政协慰问困难群众", Org: "丙县政协", Date: strp("2024-06-06"), Kind: press.KindAssistance,
			Byline: []string{"王五"}, Figures: map[string]int64{press.FigHouseholds: 30},
			Text: "6月6日，丙县政协走访慰问困难群众30户。"},
		{Title: "东阿县政协召开十届十二次主席会议", Org: "东阿县政协", Date: strp("2024-06-10"), Kind: press.KindMeeting,
			Meeting: strp("十届十二次主席会议"), MeetingRef: &press.Meeting{Name: "十届十二次主席会议", Term: 10, Number: 12, Kind: "chair"},
			Byline: []string{}, Figures: map[string]int64{}, Text: "6月10日，东阿县政协召开十届十二次主席会议。"},
	}
}

func countRows(t *testing.T, db *store.DB, actor app.Actor) (activities int) {
	t.Helper()
	_, n, err := db.FindActivities(context.Background(), actor, store.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPressImportConfirm(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildRoomWorld(t, db)
		src := []byte("东阿县政协视察重点项目建设\n\n6月5日，……\n")
		imp, err := db.CreatePressImport(ctx, w.office, store.PressImportInput{SourceName: "dir/东阿报0605.txt", Source: src,
			Year: 2024, Articles: pressPage()})
		if err != nil {
			t.Fatal(err)
		}
		if imp.SourceName != "东阿报0605.txt" || imp.SourceText != string(src) || len(imp.SHA256) != 64 || imp.CommitteeID != w.countyA.ID ||
			len(imp.Items) != 3 || imp.NPending() != 3 || imp.Items[0].Article.Text == "" || imp.Items[1].Seq != 2 {
			t.Fatalf("import %+v", imp)
		}
		// Nothing written to the records before confirmation.
		if n := countRows(t, db, w.office); n != 0 {
			t.Fatalf("activities before confirmation: %d", n)
		}

		// The proposals: the org matched by name, the research kind, the
		// figures named; the unknown org not matched; the chair's meeting
		// found once it exists.
		term, err := db.CreateTerm(ctx, w.office, w.countyA.ID, org.TermInput{Number: 10, StartDate: app.MustDate("2021-12-01")})
		if err != nil {
			t.Fatal(err)
		}
		chairs, err := db.CreateMeeting(ctx, w.office, w.countyA.ID, meeting.Input{TermID: term.ID, Kind: meeting.Chairs, Seq: 12,
			StartsAt: time.Date(2024, 6, 10, 1, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		props, err := db.ProposePressItems(ctx, w.office, imp.Items)
		if err != nil {
			t.Fatal(err)
		}
		p := props[0]
		if !p.OrgFound || p.Input.OrgID != w.countyA.ID || p.Input.Kind != "research" || p.Input.StartsOn != app.MustDate("2024-06-05") ||
			p.Input.Organiser != "张三、李四" || len(p.Input.Figures) != 2 || p.Input.Figures[0].Name != "发现问题" || p.Meeting != nil {
			t.Fatalf("proposal 1 %+v", p)
		}
		if props[1].OrgFound || props[1].Input.OrgID != 0 || props[1].Input.Kind != "assistance" {
			t.Fatalf("proposal 2 %+v", props[1])
		}
		if props[2].Meeting == nil || props[2].Meeting.ID != chairs.ID {
			t.Fatalf("proposal 3 %+v", props[2])
		}

		// The unknown org is refused until one is chosen; nothing written.
		audits := auditCount(t, db)
		_, err = db.ConfirmPressItem(ctx, w.office, imp.Items[1].ID, props[1].Input)
		if app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err).Get("org_id") != "未找到组织，请选择" {
			t.Fatalf("unknown org: %v", err)
		}
		bad := props[0].Input
		bad.StartsOn, bad.Title = app.Date{}, ""
		_, err = db.ConfirmPressItem(ctx, w.office, imp.Items[0].ID, bad)
		if f := app.ErrorFields(err); f.Get("starts_on") != "请填写活动日期" || f.Get("title") != "请填写活动名称" {
			t.Fatalf("no date, no title: %v", err)
		}
		if n := countRows(t, db, w.office); n != 0 || auditCount(t, db) != audits {
			t.Fatalf("refused confirmations wrote %d activities", n)
		}

		// Confirmation creates the activity with its figures, no
		// participants, and a link back to its item.
		in := props[0].Input
		in.Title = "县政协视察重点项目建设"
		it, err := db.ConfirmPressItem(ctx, w.office, imp.Items[0].ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if it.State != store.PressConfirmed || it.Record.Kind != store.PressRecordActivity || it.Record.ID == 0 {
			t.Fatalf("confirmed item %+v", it)
		}
		a, err := db.FindActivity(ctx, w.office, it.Record.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != "县政协视察重点项目建设" || a.Kind != "research" || a.OrgID != w.countyA.ID || a.Organiser != "张三、李四" ||
			len(a.Figures) != 2 || a.Figures[1] != (store.ActivityFigure{Name: "走访企业", Value: 6}) || len(a.Participants) != 0 ||
			!strings.Contains(a.Summary, "来源：报纸（东阿报0605.txt）第1条") || !strings.Contains(a.Summary, "走访企业6家") {
			t.Fatalf("activity %+v", a)
		}
		srcItem, err := db.FindPressSource(ctx, w.office, store.PressRecord{Kind: store.PressRecordActivity, ID: a.ID})
		if err != nil || srcItem.ID != it.ID || srcItem.SourceLabel() != "报纸（东阿报0605.txt）第1条" {
			t.Fatalf("source of the activity: %+v %v", srcItem, err)
		}
		if auditCount(t, db) != audits+2 { // the activity and the item
			t.Fatalf("audit rows: %d, want %d", auditCount(t, db), audits+2)
		}
		if _, err := db.ConfirmPressItem(ctx, w.office, it.ID, in); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("confirming twice: %v", err)
		}

		// A meeting item links to the matching meeting: no activity.
		it3, err := db.ConfirmPressItem(ctx, w.office, imp.Items[2].ID, props[2].Input)
		if err != nil {
			t.Fatal(err)
		}
		if it3.Record != (store.PressRecord{Kind: store.PressRecordMeeting, ID: chairs.ID}) || countRows(t, db, w.office) != 1 {
			t.Fatalf("meeting item %+v", it3)
		}

		// The unknown org's item, once an org is chosen, and skipping.
		in2 := props[1].Input
		in2.OrgID = w.town.ID
		if _, err := db.SkipPressItem(ctx, w.office, imp.Items[1].ID, true); err != nil {
			t.Fatal(err)
		}
		it2, err := db.ConfirmPressItem(ctx, w.office, imp.Items[1].ID, in2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SkipPressItem(ctx, w.office, it2.ID, true); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("skipping a confirmed item: %v", err)
		}

		// The same page again: every item shows as imported with its
		// record, and confirming one again is refused.
		again, err := db.CreatePressImport(ctx, w.office, store.PressImportInput{Source: src, Year: 2024, Articles: pressPage()})
		if err != nil {
			t.Fatal(err)
		}
		if again.SourceName != "粘贴的文本" {
			t.Fatalf("source name %q", again.SourceName)
		}
		for i, x := range again.Items {
			if x.State != store.PressPending || x.Imported == nil {
				t.Fatalf("item %d of the page again: %+v", i+1, x)
			}
		}
		if *again.Items[0].Imported != it.Record || *again.Items[2].Imported != it3.Record {
			t.Fatalf("imported records %+v %+v", again.Items[0].Imported, again.Items[2].Imported)
		}
		_, err = db.ConfirmPressItem(ctx, w.office, again.Items[0].ID, in)
		if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(app.ErrorMessage(err), "已导入") {
			t.Fatalf("the same item again: %v", err)
		}
		if n := countRows(t, db, w.office); n != 2 {
			t.Fatalf("activities after the page again: %d, want 2", n)
		}

		// Deleting the activity returns its item to pending.
		if err := db.DeleteActivity(ctx, w.office, a.ID); err != nil {
			t.Fatal(err)
		}
		back, err := db.FindPressItem(ctx, w.office, it.ID)
		if err != nil || back.State != store.PressPending || back.Imported != nil {
			t.Fatalf("item after its activity was deleted: %+v %v", back, err)
		}
	})
}

func TestPressImportScope(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildRoomWorld(t, db)
		imp, err := db.CreatePressImport(ctx, w.office, store.PressImportInput{Source: []byte("x"), Articles: pressPage()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindPressImport(ctx, w.officeB, imp.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reading county A's import: %v", err)
		}
		if _, err := db.FindPressItem(ctx, w.officeB, imp.Items[0].ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reading county A's item: %v", err)
		}
		_, err = db.ConfirmPressItem(ctx, w.officeB, imp.Items[0].ID, store.PressConfirmInput{OrgID: w.countyB.ID, Kind: "other",
			Title: "x", StartsOn: app.MustDate("2024-06-05")})
		if app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B confirming county A's item: %v", err)
		}
		if list, n, err := db.FindPressImports(ctx, w.officeB, 0, 0); err != nil || n != 0 || len(list) != 0 {
			t.Fatalf("county B's list: %d %v", n, err)
		}
		if list, n, err := db.FindPressImports(ctx, w.office, 0, 0); err != nil || n != 1 || list[0].NItems != 3 {
			t.Fatalf("county A's list: %+v %v", list, err)
		}
		// Another committee's organisation is not offered nor taken.
		if _, err := db.MatchPressOrg(ctx, w.office, "阳谷县政协"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county A matching county B: %v", err)
		}
		if o, err := db.MatchPressOrg(ctx, w.office, "东阿县"); err != nil || o.ID != w.countyA.ID {
			t.Fatalf("东阿县 + 政协: %+v %v", o, err)
		}
		if o, err := db.MatchPressOrg(ctx, w.office, "铜城"); err != nil || o.ID != w.town.ID {
			t.Fatalf("铜城 (contained): %+v %v", o, err)
		}
		if _, err := db.MatchPressOrg(ctx, w.office, "社区"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("社区 (several): %v", err)
		}
		_, err = db.ConfirmPressItem(ctx, w.office, imp.Items[0].ID, store.PressConfirmInput{OrgID: w.countyB.ID, Kind: "other",
			Title: "x", StartsOn: app.MustDate("2024-06-05")})
		if app.ErrorFields(err).Get("org_id") != "请选择本账号管辖范围内的组织" {
			t.Fatalf("county A choosing county B: %v", err)
		}
		// Empty pages are refused.
		if _, err := db.CreatePressImport(ctx, w.office, store.PressImportInput{Source: []byte("x")}); app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("no items: %v", err)
		}
	})
}
