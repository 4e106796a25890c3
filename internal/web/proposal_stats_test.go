package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
)

// proposalStatsWorld builds, through the store, county A's term 10 with a member
// of 教育界 and a handling unit, and four proposals:
//
//	session 1: 社会建设 filed, replied A, rated 满意, closed, key;
//	           经济建设 not filed (to a letter); 经济建设 pending review
//	session 2: 社会建设 filed and assigned, never signed
//
// then moves the clock ten days on, so that the last is overdue to sign.
func proposalStatsWorld(t *testing.T, e *env) (org.Term, store.Unit) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2024, 3, 1, 2, 0, 0, 0, time.UTC)
	e.db.Now = func() time.Time { return now }
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 10, StartDate: app.MustDate("2021-01-10")})
	must("term", err)
	sector, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "教育界", Sort: 1})
	must("sector", err)
	m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: "钱委员"},
		&member.MembershipInput{TermID: term.ID, SectorID: sector.ID, StartDate: term.StartDate})
	must("member", err)
	unit, err := e.db.CreateUnit(ctx, app.System, store.UnitInput{CommitteeID: e.countyA.ID, Name: "县住房和城乡建设局"})
	must("unit", err)
	office := app.Actor{AccountID: 1, Name: "提案委", Role: string(auth.Office), OrgID: e.countyA.ID, Path: e.countyA.Path,
		CommitteeID: e.countyA.ID}
	proposer, unitActor := office, office
	proposer.Role, proposer.MemberID, proposer.AccountID = string(auth.MemberRole), m.ID, 2
	unitActor.Role, unitActor.UnitID, unitActor.AccountID = string(auth.Unit), unit.ID, 3
	move := func(id int64, in store.ProposalAdvance) {
		t.Helper()
		_, err := e.db.AdvanceProposal(ctx, office, id, in)
		must("advance to "+in.To, err)
	}
	submit := func(session int, title, category string) int64 {
		t.Helper()
		p, err := e.db.CreateProposal(ctx, office, proposal.Input{TermID: term.ID, Session: session, Title: title,
			Category: category, MemberID: m.ID})
		must("create", err)
		move(p.ID, store.ProposalAdvance{To: proposal.Submitted})
		return p.ID
	}
	a := submit(1, "老旧小区改造", "社会建设")
	move(a, store.ProposalAdvance{To: proposal.Filed})
	move(a, store.ProposalAdvance{To: proposal.Assigned, Units: []store.AssignUnit{{UnitID: unit.ID, Lead: true}}})
	must("sign", e.db.SignProposal(ctx, unitActor, a, 0))
	must("reply", e.db.ReplyProposal(ctx, unitActor, a, 0, store.ProposalReplyInput{Grade: proposal.GradeA, Body: "已完成"},
		&store.DocumentInput{FileName: "答复函.pdf", Data: []byte("%PDF-1.4 test")}))
	must("rate", e.db.RateProposal(ctx, proposer, a, unit.ID, store.RatingInput{Satisfaction: proposal.Satisfied,
		Contact: proposal.FaceToFace}))
	move(a, store.ProposalAdvance{To: proposal.Closed})
	must("key", e.db.MarkKeyProposal(ctx, office, a, 2024, "张主席"))
	b := submit(1, "招商引资", "经济建设")
	move(b, store.ProposalAdvance{To: proposal.NotFiled, Note: "属于具体事务", Conversion: proposal.ToLetter})
	submit(1, "小微企业贷款", "经济建设")
	d := submit(2, "背街小巷", "社会建设")
	move(d, store.ProposalAdvance{To: proposal.Filed})
	move(d, store.ProposalAdvance{To: proposal.Assigned, Units: []store.AssignUnit{{UnitID: unit.ID, Lead: true}}})
	now = now.AddDate(0, 0, 10)
	return term, unit
}

var (
	trRe   = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	cellRe = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	tagRe  = regexp.MustCompile(`<[^>]+>`)
)

// pageTable reads the rows (header first) of the table in the section
// with the id, as text.
func pageTable(t *testing.T, page, id string) [][]string {
	t.Helper()
	start := strings.Index(page, `<section id="`+id+`">`)
	if start < 0 {
		t.Fatalf("no section %s on the page", id)
	}
	sec := page[start:]
	sec = sec[:strings.Index(sec, "</section>")]
	var rows [][]string
	for _, tr := range trRe.FindAllStringSubmatch(sec, -1) {
		var row []string
		for _, c := range cellRe.FindAllStringSubmatch(tr[1], -1) {
			row = append(row, strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(c[1], ""))))
		}
		rows = append(rows, trimRow(row))
	}
	return rows
}

func trimRow(row []string) []string {
	for len(row) > 0 && row[len(row)-1] == "" {
		row = row[:len(row)-1]
	}
	return row
}

func cells(vs ...any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	return trimRow(out)
}

func sameRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// The page, the workbook and the API show the figures the store counted;
// another committee's statistics are not found.
func TestProposalStatsPageWorkbookAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	term, unit := proposalStatsWorld(t, e)
	office := app.Actor{AccountID: 1, Role: string(auth.Office), OrgID: e.countyA.ID, Path: e.countyA.Path, CommitteeID: e.countyA.ID}
	// A social-conditions report adopted at county level with an instruction: the reports' block.
	rep, err := e.db.CreateReport(ctx, office, store.ReportInput{OrgID: e.countyA.ID, Year: 2024, Title: "农村学校校车接送情况",
		Body: "部分村距学校较远。", Authors: []store.ReportAuthorInput{{Name: "县政协办公室"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AdoptReport(ctx, office, rep.ID, proposal.Adoption{Level: proposal.County, AdoptedOn: e.db.Today(),
		AdoptedBy: "县委办公室《每日要情》第3期", Instruction: "请教育局研究。", Leader: "县长", InstructionOn: e.db.Today()}); err != nil {
		t.Fatal(err)
	}
	st, err := e.db.FindProposalStats(ctx, office, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The store's figures for this world (proved in detail by the store's tests).
	if st.TermID != term.ID || st.Total != (store.ProposalCounts{Submitted: 4, Filed: 2, NotFiled: 1, ToLetter: 1, Pending: 1,
		Closed: 1, Key: 1}) || len(st.ByUnit) != 1 || st.ByUnit[0].Overdue != 1 || st.Satisfied.Text != "100%" {
		t.Fatalf("store: %+v", st)
	}
	signBy := "2024-03-08"
	counts := func(label string, c store.ProposalCounts) []string {
		return cells(label, c.Submitted, c.Filed, c.NotFiled, c.ToLetter, c.ToReport, c.Merged, c.Pending, c.Closed, c.Key, c.Excellent)
	}
	u := st.ByUnit[0]
	unitRow := func(label string) []string {
		return cells(label, u.Lead, u.Supporting, u.Signed, u.Replied, u.Overdue, u.GradeA, u.GradeB, u.GradeC, u.Satisfied,
			u.Basically, u.Dissatisfied, "100%")
	}
	want := map[string][][]string{
		"by-session": {
			cells("会议", "提交", "立案", "不予立案", "其中转来信", "其中转社情民意", "并案", "待审查", "已办结", "重点提案", "优秀提案"),
			counts("第一次会议", st.BySession[0]), counts("第二次会议", st.BySession[1]), counts("合计", st.Total)},
		"by-category": {cells("类别", "提交", "立案"), cells("经济建设", 2, 0), cells("政治建设", 0, 0), cells("文化建设", 0, 0),
			cells("社会建设", 2, 2), cells("生态文明建设", 0, 0), cells("党的建设", 0, 0), cells("其他", 0, 0), cells("合计", 4, 2)},
		"by-sector": {cells("界别", "提交", "立案"), cells("教育界", 4, 2), cells("合计", 4, 2)},
		"by-unit": {cells("承办单位", "主办", "会办", "已签收", "已答复", "当前超期", "A类", "B类", "C类", "满意", "基本满意", "不满意", "满意率"),
			unitRow(unit.Name), unitRow("合计")},
		"replies": {cells("项目", "数量", "说明"),
			cells(proposal.GradeA.Label(), 1, "主办单位的答复（退回重办的不计）"), cells(proposal.GradeB.Label(), 0), cells(proposal.GradeC.Label(), 0),
			cells("满意", 1, "提案人对各承办单位办理的评价"), cells("基本满意", 0), cells("不满意", 0), cells("已评价", 1),
			cells("满意率", "100%", "满意1件次 ÷ 已评价1件次"), cells("满意和基本满意率", "100%", "满意和基本满意1件次 ÷ 已评价1件次"),
			cells("重点提案", 1), cells("优秀提案", 0), cells("已办结", 1)},
		"overdue-units": {cells("承办单位", "超期件数", "最早应办日期"), cells(unit.Name, 1, signBy)},
		"reports": {cells("项目", "条数", "其中有领导批示"), cells("报送信息", 1), cells("被合并", 0), cells("报送上级", 0),
			cells("被采用（条）", 1), cells("采用（次）", 1, 1), cells("其中县级采用", 1, 1), cells("其中市级采用", 0, 0),
			cells("其中省级采用", 0, 0), cells("其中全国政协采用", 0, 0), cells("未采用", 0)},
	}
	if got := counts("", st.BySession[0]); fmt.Sprint(got[1:]) != "[3 1 1 1 0 0 1 1 1 0]" {
		t.Fatalf("session 1 counts %v", got)
	}

	c := e.login("office-a")
	code, page := c.get("/proposals/stats")
	if code != http.StatusOK {
		t.Fatalf("page: %d\n%s", code, page)
	}
	for id, rows := range want {
		sameRows(t, "page table "+id, pageTable(t, page, id), rows)
	}
	for _, s := range []string{"甲县政协第十届各次会议共提交提案4件，经审查立案2件，不予立案1件（转为来信1件、转为社情民意信息0件），并案0件，待审查1件",
		"满意率100%", `href="/proposals/stats.xlsx?committee_id=` + id(e.countyA.ID) + `&amp;term_id=` + id(term.ID) + `"`} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}

	// The workbook: a summary sheet, then one sheet per table with the page's rows.
	res, err := c.http.Get(e.srv.URL + "/proposals/stats.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	book, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "proposal-stats.xlsx") {
		t.Fatalf("workbook: %d %s", res.StatusCode, res.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := []string{"概况", "审查情况", "按类别", "按界别", "承办单位", "答复与评价", "超期单位", "社情民意"}
	if got := f.GetSheetList(); fmt.Sprint(got) != fmt.Sprint(sheets) {
		t.Fatalf("sheets %v", got)
	}
	ids := []string{"", "by-session", "by-category", "by-sector", "by-unit", "replies", "overdue-units", "reports"}
	for i, name := range sheets {
		rows, err := f.GetRows(name)
		if err != nil || len(rows) < 2 {
			t.Fatalf("sheet %s: %v %v", name, rows, err)
		}
		if !strings.HasPrefix(rows[0][0], "甲县政协第十届各次会议") {
			t.Errorf("sheet %s title %q", name, rows[0][0])
		}
		var got [][]string
		for _, r := range rows[1:] {
			got = append(got, trimRow(r))
		}
		if ids[i] == "" {
			if len(got) != 6 || got[5][0] != "概述" || !strings.Contains(got[5][1], "共提交提案4件") || got[4][1] != "2024-03-11" {
				t.Errorf("summary sheet %q", got)
			}
			continue
		}
		sameRows(t, "sheet "+name, got, want[ids[i]])
	}

	// The API answers the store's figures.
	var api store.ProposalStats
	if code := c.api("GET", "/api/v1/proposals/stats?term_id="+id(term.ID), nil, &api); code != http.StatusOK {
		t.Fatalf("api: %d", code)
	}
	gotJSON, _ := json.Marshal(api)
	wantJSON, _ := json.Marshal(st)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("api:\n%s\nwant\n%s", gotJSON, wantJSON)
	}

	// One session; a leader sees it too.
	_, page = e.login("leader-a").get("/proposals/stats?session=2")
	sameRows(t, "session 2", pageTable(t, page, "by-session")[1:],
		[][]string{cells("第二次会议", 1, 1, 0, 0, 0, 0, 0, 0, 0, 0), cells("合计", 1, 1, 0, 0, 0, 0, 0, 0, 0, 0)})

	// Refused: a session out of range (422 with the reason), another
	// committee's statistics (404) and a handling unit (403).
	code, page = c.get("/proposals/stats?session=12")
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "1至10") {
		t.Errorf("session 12: %d", code)
	}
	if code, _ := c.get("/proposals/stats.xlsx?session=abc"); code != http.StatusUnprocessableEntity {
		t.Errorf("workbook of session abc: %d", code)
	}
	b := e.login("office-b")
	for _, path := range []string{"/proposals/stats?committee_id=" + id(e.countyA.ID), "/proposals/stats.xlsx?committee_id=" + id(e.countyA.ID),
		"/proposals/stats?term_id=" + id(term.ID)} {
		if code, body := b.get(path); code != http.StatusNotFound || strings.Contains(body, "老旧小区") {
			t.Errorf("county B GET %s: %d", path, code)
		}
	}
	var fail struct {
		Error struct{ Code string } `json:"error"`
	}
	if code := b.api("GET", "/api/v1/proposals/stats?committee_id="+id(e.countyA.ID), nil, &fail); code != http.StatusNotFound ||
		fail.Error.Code != app.ENOTFOUND {
		t.Errorf("county B API: %d %+v", code, fail)
	}
	// County B has no term: the page says so, the workbook is refused.
	if code, page := b.get("/proposals/stats"); code != http.StatusOK || !strings.Contains(page, "尚未设置届次") {
		t.Errorf("county B without a term: %d", code)
	}
	if code, _ := b.get("/proposals/stats.xlsx"); code != http.StatusConflict {
		t.Errorf("county B workbook without a term: %d", code)
	}
	// The city chooses county B while county A's term is still selected: the
	// page shows county B; the API refuses the pair.
	city := e.login("office-city")
	if code, page := city.get("/proposals/stats?committee_id=" + id(e.countyB.ID) + "&term_id=" + id(term.ID)); code != http.StatusOK ||
		!strings.Contains(page, "乙县政协尚未设置届次") {
		t.Errorf("city switching to county B: %d", code)
	}
	if code, page := city.get("/proposals/stats?committee_id=" + id(e.countyA.ID) + "&session=1"); code != http.StatusOK ||
		!strings.Contains(page, "甲县政协第十届第一次会议共提交提案3件") || !strings.Contains(page, `<option value="`+id(e.countyA.ID)+`" selected>甲县政协`) {
		t.Errorf("city reads county A: %d", code)
	}
	var refused struct {
		Error struct {
			Fields []struct{ Field, Message string }
		} `json:"error"`
	}
	if code := city.api("GET", "/api/v1/proposals/stats?committee_id="+id(e.countyB.ID)+"&term_id="+id(term.ID), nil, &refused); code != http.StatusUnprocessableEntity ||
		len(refused.Error.Fields) != 1 || refused.Error.Fields[0].Field != "term_id" {
		t.Errorf("API with another committee's term: %d %+v", code, refused)
	}
	if code, _ := e.login("unit-a").get("/proposals/stats"); code != http.StatusForbidden {
		t.Errorf("unit: %d", code)
	}
}
