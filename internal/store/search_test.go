package store_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/proposal"
	"xieshang/internal/search"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// found runs a search and returns "kind:title" of every hit, sorted.
func found(t *testing.T, db *store.DB, actor app.Actor, f store.SearchFilter) []string {
	t.Helper()
	res, err := db.Search(context.Background(), actor, f)
	if err != nil {
		t.Fatalf("search %q: %v", f.Query, err)
	}
	var out []string
	for _, g := range res.Groups {
		if f.Kind != "" && g.Total < len(g.Hits) || f.Kind == "" && g.Total != 0 {
			t.Fatalf("%s: total %d with %d hits", g.Kind, g.Total, len(g.Hits))
		}
		for _, h := range g.Hits {
			out = append(out, h.Kind+":"+segText(h.Title))
		}
	}
	sort.Strings(out)
	return out
}

func segText(s []search.Segment) string {
	var b strings.Builder
	for _, x := range s {
		b.WriteString(x.Text)
	}
	return b.String()
}

func sameList(a, b []string) bool { return strings.Join(a, "|") == strings.Join(b, "|") }

func TestSearchFindsWordsAcrossKindsInScope(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)
		office := w.actorA
		tp := mustTopic(t, db, office, consult.TopicInput{OrgID: w.countyA.ID, Year: 2026, Title: "推进5G基站建设",
			Description: "2023年度产业扶贫协商成果的落实", Form: consult.Thematic, Source: consult.FromOffice})
		mustTopic(t, db, actorAt(w.countyB), consult.TopicInput{OrgID: w.countyB.ID, Year: 2026, Title: "阳谷扶贫协商",
			Form: consult.Thematic, Source: consult.FromOffice})
		m := mustMeeting(t, db, office, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Symposium,
			Title: "政协委员座谈会", Topic: "乡村振兴", StartsAt: time.Date(2024, 6, 20, 1, 0, 0, 0, time.UTC),
			Invitees: []int64{w.qian.ID}})
		if _, err := db.AddAgendaItem(ctx, office, m.ID, store.AgendaItemInput{Kind: store.AgendaWorkPlan, Title: "听取扶贫工作报告"}); err != nil {
			t.Fatal(err)
		}
		p := mustProposal(t, db, w.memberActor(w.qian), proposal.Input{TermID: w.term.ID, Session: 4,
			Title: "关于发展特色产业巩固扶贫成果的建议", Reason: "产业基础薄弱"})

		// Two-character words, across kinds, only in county A's subtree.
		want := []string{"household:刘大娘", "meeting:政协委员座谈会", "topic:推进5G基站建设"}
		if got := found(t, db, office, store.SearchFilter{Query: "扶贫 "}); !sameList(got, want[1:]) {
			t.Errorf("扶贫 (draft proposal left out): %q, want %q", got, want[1:])
		}
		if got := found(t, db, office, store.SearchFilter{Query: "协商"}); !sameList(got, []string{"topic:推进5G基站建设"}) {
			t.Errorf("协商: %q", got)
		}
		if got := found(t, db, actorAt(w.city), store.SearchFilter{Query: "协商"}); len(got) != 2 {
			t.Errorf("协商 for the city: %q, want both counties' topics", got)
		}
		if got := found(t, db, office, store.SearchFilter{Query: "政协"}); !sameList(got, []string{"meeting:政协委员座谈会"}) {
			t.Errorf("政协: %q", got)
		}
		// Mixed scripts, numbers, one character, full-width and case.
		for _, q := range []string{"5G基站", "５ｇ基站", "2023年", "基站", "5g", "2023", "振兴", "座"} {
			if got := found(t, db, office, store.SearchFilter{Query: q}); len(got) != 1 {
				t.Errorf("%s: %q, want one hit", q, got)
			}
		}
		// A phrase, not words scattered: 扶协 and 基建 appear nowhere.
		for _, q := range []string{"扶协", "基建", "5G建设", "2024年"} {
			if got := found(t, db, office, store.SearchFilter{Query: q}); len(got) != 0 {
				t.Errorf("%s: %q, want none", q, got)
			}
		}
		// The proposal is found once submitted for co-signing.
		moveProposal(t, db, w.memberActor(w.qian), p.ID, store.ProposalAdvance{To: proposal.Cosigning})
		if got := found(t, db, office, store.SearchFilter{Query: "扶贫", Kind: "proposal"}); !sameList(got, []string{"proposal:关于发展特色产业巩固扶贫成果的建议"}) {
			t.Errorf("扶贫 proposals: %q", got)
		}
		// The overview says there are more; one kind counts and pages.
		for i := range 7 {
			mustTopic(t, db, office, consult.TopicInput{OrgID: w.countyA.ID, Year: 2025, Title: fmt.Sprintf("第%d个城乡融合议题", i+1),
				Form: consult.Thematic, Source: consult.FromOffice})
		}
		res, err := db.Search(ctx, office, store.SearchFilter{Query: "城乡融合"})
		if err != nil || len(res.Groups) != 1 || len(res.Groups[0].Hits) != 5 || !res.Groups[0].More ||
			segText(res.Groups[0].Hits[0].Title) != "第7个城乡融合议题" {
			t.Fatalf("overview of 7 topics: %+v %v", res.Groups, err)
		}
		res, err = db.Search(ctx, office, store.SearchFilter{Query: "城乡融合", Kind: "topic", Limit: 3, Offset: 6})
		if err != nil || len(res.Groups) != 1 || res.Groups[0].Total != 7 || len(res.Groups[0].Hits) != 1 ||
			segText(res.Groups[0].Hits[0].Title) != "第1个城乡融合议题" {
			t.Fatalf("third page of 3: %+v %v", res.Groups, err)
		}
		// Filters: kind, year, organisation.
		if got := found(t, db, office, store.SearchFilter{Query: "扶贫", Year: 2026}); !sameList(got, []string{"topic:推进5G基站建设"}) {
			t.Errorf("扶贫 in 2026: %q", got)
		}
		if got := found(t, db, office, store.SearchFilter{Query: "扶贫", OrgID: w.village.ID}); !sameList(got, nil) {
			t.Errorf("扶贫 in the village: %q", got)
		}
		if got := found(t, db, office, store.SearchFilter{Query: "刘大娘", OrgID: w.village.ID}); !sameList(got, []string{"household:刘大娘"}) {
			t.Errorf("the household in its village: %q", got)
		}
		if _, err := db.Search(ctx, office, store.SearchFilter{Query: "扶贫", OrgID: w.countyB.ID}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("another county as the filter: %v", err)
		}
		// The highlight marks the word in the title and the snippet.
		res, err = db.Search(ctx, office, store.SearchFilter{Query: "扶贫", Kind: "topic"})
		if err != nil || len(res.Groups) != 1 || len(res.Groups[0].Hits) != 1 {
			t.Fatalf("topic search: %+v %v", res, err)
		}
		h := res.Groups[0].Hits[0]
		if h.RefID != tp.ID || h.OrgName != w.countyA.Name || h.Year != 2026 {
			t.Errorf("hit %+v", h)
		}
		marked := ""
		for _, s := range h.Snippet {
			if s.Mark {
				marked += s.Text
			}
		}
		if marked != "扶贫" || segText(h.Snippet) != "2023年度产业扶贫协商成果的落实" {
			t.Errorf("snippet %+v", h.Snippet)
		}
	})
}

func TestSearchBadQueries(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)
		mustTopic(t, db, w.actorA, consult.TopicInput{OrgID: w.countyA.ID, Year: 2026, Title: "扶贫协商 NEAR AND",
			Form: consult.Thematic, Source: consult.FromOffice})
		for _, q := range []string{"", "   ", `"`, `""`, "*", "扶贫*", `"扶贫" OR "协商"`, "NEAR(扶贫 协商)", "扶贫 AND",
			"'; DROP TABLE search_doc; --", "扶贫') OR 1=1 --", "tags : o1", "{tokens}: x", "^扶贫", "a:b:c", "\xff\xfe\xfd",
			"扶\x00贫", "-扶贫", "扶贫 NOT 协商", "(", ")", "\\", "'", "&|!<->:*"} {
			if _, err := db.Search(ctx, w.actorA, store.SearchFilter{Query: q}); err != nil {
				t.Errorf("query %q: %v", q, err)
			}
		}
		// Operators are words like any other: AND and NEAR are in the title, OR is not.
		if got := found(t, db, w.actorA, store.SearchFilter{Query: `"扶贫" AND "协商"`}); len(got) != 1 {
			t.Errorf("quoted words with AND: %q", got)
		}
		if got := found(t, db, w.actorA, store.SearchFilter{Query: `扶贫 (NEAR)`}); len(got) != 1 {
			t.Errorf("NEAR: %q", got)
		}
		if got := found(t, db, w.actorA, store.SearchFilter{Query: `"扶贫" OR "协商"`}); len(got) != 0 {
			t.Errorf("OR is a word, not an operator: %q", got)
		}
		if got := found(t, db, w.actorA, store.SearchFilter{Query: "'; DROP TABLE search_doc; --"}); len(got) != 0 {
			t.Errorf("injection found %q", got)
		}
		_, err := db.Search(ctx, w.actorA, store.SearchFilter{Query: strings.Repeat("扶贫", 5000)})
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorFields(err).Get("q"), "过长") {
			t.Errorf("10,000 characters: %v", err)
		}
		_, err = db.Search(ctx, w.actorA, store.SearchFilter{Query: "扶贫", Kind: "account"})
		if app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err).Get("kind") == "" {
			t.Errorf("unknown kind: %v", err)
		}
		// Still there after all that.
		if got := found(t, db, w.actorA, store.SearchFilter{Query: "扶贫"}); len(got) != 1 {
			t.Errorf("after the bad queries: %q", got)
		}
	})
}

func TestSearchHouseholdsOnlyForThoseWhoSeeThem(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)
		// The office finds the household by the head's name; never by the
		// phone, a person's identity number, disability or category.
		if got := found(t, db, w.actorA, store.SearchFilter{Query: "刘大娘"}); !sameList(got, []string{"household:刘大娘"}) {
			t.Errorf("office: %q", got)
		}
		for _, q := range []string{"13912345678", w.id1, w.id1[:6], "肢体", "孤儿", "小明"} {
			if got := found(t, db, w.actorA, store.SearchFilter{Query: q}); len(got) != 0 {
				t.Errorf("%s finds %q", q, got)
			}
		}
		// The paired cadre finds it; the other cadre and a member do not.
		if got := found(t, db, w.jiaActor, store.SearchFilter{Query: "刘大娘"}); !sameList(got, []string{"household:刘大娘"}) {
			t.Errorf("paired cadre: %q", got)
		}
		yi := w.yiActor
		yi.Path, yi.OrgID = w.countyA.Path, w.countyA.ID // even with the whole county in scope
		if got := found(t, db, yi, store.SearchFilter{Query: "刘大娘"}); len(got) != 0 {
			t.Errorf("unpaired cadre: %q", got)
		}
		qian := w.memberActor(w.qian)
		if got := found(t, db, qian, store.SearchFilter{Query: "刘大娘"}); len(got) != 0 {
			t.Errorf("member: %q", got)
		}
		for _, k := range store.SearchableKinds(qian) {
			if k.Name == "household" || k.Name == "member" {
				t.Errorf("a member may search %s", k.Name)
			}
		}
		// A member finds only the meetings it is expected at.
		mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Symposium,
			Title: "民营经济座谈会", StartsAt: time.Date(2024, 6, 20, 1, 0, 0, 0, time.UTC), Invitees: []int64{w.qian.ID}})
		mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Symposium,
			Title: "民营企业家座谈会", StartsAt: time.Date(2024, 6, 21, 1, 0, 0, 0, time.UTC), Invitees: []int64{w.sun.ID}})
		if got := found(t, db, qian, store.SearchFilter{Query: "座谈会"}); !sameList(got, []string{"meeting:民营经济座谈会"}) {
			t.Errorf("member's meetings: %q", got)
		}
		if got := found(t, db, w.actorA, store.SearchFilter{Query: "座谈会"}); len(got) != 2 {
			t.Errorf("office's meetings: %q", got)
		}
		_ = ctx
	})
}

// The index follows every change in the change's transaction, and equals
// the index rebuilt from the records.
func TestSearchIndexFollowsChanges(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHouseWorld(t, db)
		office := w.actorA
		tp := mustTopic(t, db, office, consult.TopicInput{OrgID: w.countyA.ID, Year: 2026, Title: "城区停车难治理",
			Form: consult.Thematic, Source: consult.FromOffice})
		if got := found(t, db, office, store.SearchFilter{Query: "停车"}); len(got) != 1 {
			t.Fatalf("new topic: %q", got)
		}
		in := consult.TopicInput{OrgID: w.countyA.ID, Year: 2026, Title: "老旧小区加装电梯", Form: consult.Thematic, Source: consult.FromOffice}
		if _, err := db.UpdateTopic(ctx, office, tp.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := found(t, db, office, store.SearchFilter{Query: "停车"}); len(got) != 0 {
			t.Errorf("old title still found: %q", got)
		}
		if got := found(t, db, office, store.SearchFilter{Query: "电梯"}); !sameList(got, []string{"topic:老旧小区加装电梯"}) {
			t.Errorf("new title: %q", got)
		}
		// A member renamed: found by the new name, and so are its proposals' proposer.
		p := mustProposal(t, db, w.memberActor(w.qian), proposal.Input{TermID: w.term.ID, Session: 4, Title: "关于电梯维保的建议"})
		moveProposal(t, db, w.memberActor(w.qian), p.ID, store.ProposalAdvance{To: proposal.Cosigning})
		mi := person("钱新名", 900)
		mi.IDNumber = w.qian.IDNumber
		if _, err := db.UpdateMember(ctx, office, w.qian.ID, mi); err != nil {
			t.Fatal(err)
		}
		if got := found(t, db, office, store.SearchFilter{Query: "钱新名"}); !sameList(got, []string{"member:钱新名", "proposal:关于电梯维保的建议"}) {
			t.Errorf("renamed member: %q", got)
		}
		// A failed change leaves the index as it was.
		bad := in
		bad.Title = ""
		if _, err := db.UpdateTopic(ctx, office, tp.ID, bad); err == nil {
			t.Fatal("empty title accepted")
		}
		if got := found(t, db, office, store.SearchFilter{Query: "电梯"}); len(got) != 2 {
			t.Errorf("after a refused change: %q", got)
		}
		// Moving the village to another township moves its household's scope.
		if got := found(t, db, office, store.SearchFilter{Query: "刘大娘", OrgID: w.town2.ID}); len(got) != 0 {
			t.Fatalf("before the move: %q", got)
		}
		if _, err := db.MoveOrg(ctx, app.System, w.village.ID, w.town2.ID, "区划调整"); err != nil {
			t.Fatal(err)
		}
		if got := found(t, db, office, store.SearchFilter{Query: "刘大娘", OrgID: w.town2.ID}); !sameList(got, []string{"household:刘大娘"}) {
			t.Errorf("after the move, in the new township: %q", got)
		}
		if got := found(t, db, office, store.SearchFilter{Query: "刘大娘", OrgID: w.town.ID}); len(got) != 0 {
			t.Errorf("after the move, in the old township: %q", got)
		}
		// Kept index = rebuilt index.
		before := indexRows(t, db)
		if err := db.RebuildSearch(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if after := indexRows(t, db); !sameList(before, after) {
			t.Errorf("kept index differs from the rebuilt one:\nkept    %q\nrebuilt %q", before, after)
		}
		if diff, err := db.VerifySearch(ctx); err != nil || len(diff) != 0 {
			t.Errorf("verify a current index: %q %v", diff, err)
		}
		// VerifySearch sees a stale row and a missing one.
		if err := db.ExecForTest(ctx, `UPDATE search_doc SET digest = 'x' WHERE kind = 'topic' AND ref_id = $1`, tp.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.ExecForTest(ctx, `DELETE FROM search_doc WHERE kind = 'household'`); err != nil {
			t.Fatal(err)
		}
		diff, err := db.VerifySearch(ctx)
		if want := []string{"topic " + itoa(tp.ID) + ": stale", "household " + itoa(w.hh.ID) + ": missing"}; err != nil || !sameList(diff, want) {
			t.Errorf("verify a damaged index: %q %v, want %q", diff, err, want)
		}
	})
}

// indexRows lists the index by kind, record and digest.
func indexRows(t *testing.T, db *store.DB) []string {
	t.Helper()
	return queryStrings(t, db, `SELECT kind || ':' || ref_id || ':' || digest FROM search_doc ORDER BY 1`)
}

// Whatever is typed, the database never sees a malformed query: the answer is
// hits or a field error, never an internal error (an FTS5 or tsquery syntax
// error would be one).
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"扶贫", "5G基站", `"a" OR b*`, "NEAR(x y, 2)", "'; DROP TABLE x; --", "\xff\xfe", "tags : o1",
		"{tokens tags}: x", "^协商", "a\x00b", "x:*", "'a':* & !b", "协 商 政 协 扶 贫 会 议", "a-b+c", "\\'", "()"} {
		f.Add(s)
	}
	db := storetest.OpenDialect(f, storetest.Backends[0])
	w := buildHouseWorld(f, db)
	mustTopic(f, db, w.actorA, consult.TopicInput{OrgID: w.countyA.ID, Year: 2026, Title: "扶贫协商 NEAR AND OR 5G",
		Form: consult.Thematic, Source: consult.FromOffice})
	f.Fuzz(func(t *testing.T, q string) {
		_, err := db.Search(context.Background(), w.actorA, store.SearchFilter{Query: q})
		if err != nil && app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("query %q: %v", q, err)
		}
	})
}
