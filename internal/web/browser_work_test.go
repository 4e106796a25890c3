package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/roster"
	"xieshang/internal/store"
)

// Browser flows through the working pages (issue 10): a village room's topic
// to the handling unit's feedback, a cadre's visit with aid and the figures,
// a proposal to closure, and the dashboard with a workbook downloaded. Each
// drives the forms as a user does, checks every page it shows (see
// tab.check) and ends with what the screen says and what the database holds.

// wFill fills named fields of the form that form (a CSS selector) matches:
// text is typed, a select's option is chosen by value or label (several,
// comma-separated, in a multiple select), a radio or checkbox is clicked by
// value, dates and numbers are set.
func (b *tab) wFill(form string, pairs ...string) {
	b.t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		name, value := pairs[i], pairs[i+1]
		sel := form + ` [name="` + name + `"]`
		kind := evalIn[string](b, `(() => {
			const el = document.querySelector(`+jsString(sel)+`);
			if (!el) return "missing";
			if (el.tagName === "SELECT") return el.multiple ? "multi" : "select";
			if (el.tagName === "TEXTAREA") return "type";
			if (el.type === "radio" || el.type === "checkbox") return "check";
			if (["date", "number", "month", "hidden"].includes(el.type)) return "set";
			return "type";
		})()`)
		switch kind {
		case "missing":
			b.t.Fatalf("fill %s: no field %s on %s", name, sel, evalIn[string](b, `location.pathname`))
		case "type":
			evalIn[bool](b, `(() => { const el = document.querySelector(`+jsString(sel)+`); el.value = ""; el.focus(); return true })()`)
			b.do("type into "+name, chromedp.SendKeys(chromedp.CSS(sel), value))
		default:
			err := evalIn[string](b, `((sel, kind, value) => {
				const els = [...document.querySelectorAll(sel)], el = els[0];
				const fire = e => { e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})) };
				if (kind === "set") { el.value = value; fire(el); return "" }
				if (kind === "check") {
					const box = els.find(e => e.value === value);
					if (!box) return "no choice " + value + " among " + els.map(e => e.value).join(",");
					if (!box.checked) box.click();
					return "";
				}
				const wanted = kind === "multi" ? value.split(",") : [value];
				for (const w of wanted) {
					const o = [...el.options].find(o => o.value === w || o.textContent.trim() === w);
					if (!o) return "no option " + w + " among " + [...el.options].map(o => o.value + "=" + o.textContent.trim()).join("; ");
					if (kind === "multi") o.selected = true; else el.value = o.value;
				}
				fire(el);
				return "";
			})(`+jsString(sel)+`, `+jsString(kind)+`, `+jsString(value)+`)`)
			if err != "" {
				b.t.Fatalf("fill %s: %s", name, err)
			}
		}
	}
}

// wSubmit clicks the button (a CSS selector) and waits for the page the
// click loads; the answer must be 200 (a redirect followed) unless want
// says otherwise. It returns the new page's path and query.
func (b *tab) wSubmit(what, button string, want ...int) string {
	b.t.Helper()
	c, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	res, err := chromedp.RunResponse(c, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	status := 200
	if len(want) > 0 {
		status = want[0]
	}
	if int(res.Status) != status {
		b.t.Fatalf("%s: answered %d, want %d; the page says:\n%s", what, res.Status, status, b.wPage())
	}
	b.do(what+": the page", chromedp.WaitReady(chromedp.CSS(`body`)))
	return evalIn[string](b, `location.pathname + location.search`)
}

// wForm is the selector of the form posting to an address ending in
// action, optionally with the hidden input to=value (an advance form).
func wForm(action string, to ...string) string {
	s := `form[action$="` + action + `"]`
	if len(to) > 0 {
		s += `:has(input[name="to"][value="` + to[0] + `"])`
	}
	return s
}

// wLink follows the first link of main whose text contains text.
func (b *tab) wLink(text string) string {
	b.t.Helper()
	return b.wPress("main a[href]", text)
}

// wPress clicks the first element sel matches whose text contains text (a
// link or a button) and waits for the page it loads.
func (b *tab) wPress(sel, text string) string {
	b.t.Helper()
	found := evalIn[bool](b, `(() => {
		const a = [...document.querySelectorAll(`+jsString(sel)+`)].find(a => a.innerText.includes(`+jsString(text)+`));
		if (!a) return false;
		document.querySelectorAll("[data-wpress]").forEach(e => e.removeAttribute("data-wpress"));
		a.setAttribute("data-wpress", "1");
		return true;
	})()`)
	if !found {
		b.t.Fatalf("no %s %q on %s:\n%s", sel, text, evalIn[string](b, `location.pathname`), b.wPage())
	}
	return b.wSubmit("press "+text, `[data-wpress="1"]`)
}

// wPage is the visible text of the page's main part, for failures.
func (b *tab) wPage() string {
	return evalIn[string](b, `(document.querySelector("main") || document.body).innerText`)
}

// wSees fails the test unless the visible text of sel holds every want.
func (b *tab) wSees(what, sel string, wants ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			b.t.Fatalf("%s: %s does not show %q:\n%s", what, sel, w, got)
		}
	}
}

// wSignOut signs out through the header's form.
func (b *tab) wSignOut() {
	b.t.Helper()
	b.do("sign out", chromedp.Click(chromedp.CSS(`.who button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
}

// wAs signs out whoever is signed in and signs in as user.
func (b *tab) wAs(user string) {
	b.t.Helper()
	if evalIn[bool](b, `!!document.querySelector(".who button[type=submit]")`) {
		b.wSignOut()
	}
	b.signIn(user)
}

// A topic raised by a village's room to the handling unit's feedback, in the
// browser: the room's coordinator raises it on the form, names the
// participants, records the research visit; the county's office links the
// consultation meeting, records a speech and the recommendation paper, and
// sends it to a handling unit; the unit replies from its inbox; the office
// accepts the reply, records the feedback and closes the topic; the
// coordinator sees the unit's reply on the topic's page. The database
// holds the steps, the work and the accepted reply.
func TestBrowserWorkConsultation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 10,
		StartDate: app.DateOf(e.db.Now().In(e.db.Loc).AddDate(-1, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	sector, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "农业界", Sort: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: "张委员"},
		&member.MembershipInput{TermID: term.ID, SectorID: sector.ID, StartDate: term.StartDate})
	if err != nil {
		t.Fatal(err)
	}
	mt, err := e.db.CreateMeeting(ctx, app.System, e.countyA.ID, meeting.Input{TermID: term.ID, Kind: meeting.Symposium,
		Title: "村道建设专题协商座谈会", StartsAt: e.db.Now().Add(time.Hour), Place: "县政协会议室", Invitees: []int64{m.ID}})
	if err != nil {
		t.Fatal(err)
	}
	e.account("coord-village", auth.Coordinator, e.village.ID)
	units, err := e.db.FindUnits(ctx, app.System, store.UnitFilter{CommitteeID: e.countyA.ID})
	if err != nil || len(units) != 1 { // the fixture's, unit-a's
		t.Fatalf("county A's units: %v %v", units, err)
	}
	today := e.db.Today()
	year := app.Itoa(int64(today.Y))
	const title = "村道硬化和路灯安装"

	// 1. The village room's coordinator raises the topic and prepares it.
	b := e.tab(t)
	b.signIn("coord-village")
	b.check("consult-coordinator-home")
	b.open("/topics")
	b.check("consult-topics-coordinator")
	b.wLink("提出议题")
	b.check("consult-topic-new")
	f := `form[action="/topics"]`
	b.wFill(f, "org_id", id(e.village.ID), "year", year, "title", title, "description", "村内主干道为土路，夜间无照明",
		"form", string(consult.Grassroots), "source", string(consult.FromRoom), "source_name", "甲村议事室")
	loc := b.wPress(f+" button", "保存")
	if !strings.HasPrefix(loc, "/topics/") || !strings.Contains(loc, "ok=created") {
		t.Fatalf("after raising: %s", loc)
	}
	topicPath := strings.SplitN(loc, "?", 2)[0]
	b.wSees("the new topic", "main", title, "甲村（村（社区）级）", "已征集", "甲村议事室")
	b.check("consult-topic-raised")
	advance := func(to, note string) {
		t.Helper()
		if note != "" {
			b.wFill(wForm("/advance", to), "note", note)
		}
		b.wSubmit("advance to "+to, wForm("/advance", to)+` button[type="submit"]`)
	}
	advance(consult.Selected, "列入村议事室本年度协商计划")
	b.wFill(wForm("/participants"), "kind", "resident", "name", "村民代表赵某", "affiliation", "甲村")
	b.wSubmit("add a participant", wForm("/participants")+` button[type="submit"]`)
	advance(consult.Participants, "")
	b.wFill(wForm("/visits"), "kind", "research", "starts_on", today.String(), "places", "甲村\n甲镇交通站", "others", "村议事室成员3人",
		"findings", "主干道1.2公里需硬化，需路灯40盏")
	b.wSubmit("record the research visit", wForm("/visits")+` button[type="submit"]`)
	advance(consult.Research, "")
	b.wSees("the coordinator's topic after research", "main", "调研视察", "村民代表赵某", "甲镇交通站", "主干道1.2公里需硬化")
	b.check("consult-topic-researched")

	// 2. The county's office holds the consultation and sends the outcome to a unit.
	b.wAs("office-a")
	b.open("/topics")
	b.check("consult-topics-office")
	if got := b.wLink(title); got != topicPath {
		t.Fatalf("the list's link opened %s, want %s", got, topicPath)
	}
	b.check("consult-topic-office")
	b.wFill(wForm("/meeting"), "meeting_id", id(mt.ID))
	b.wSubmit("link the meeting", wForm("/meeting")+` button[type="submit"]`)
	advance(consult.Consultation, "")
	b.wFill(wForm("/speeches"), "speaker", "县交通运输局副局长", "affiliation", "县交通运输局", "opinion", "今年可安排硬化")
	b.wSubmit("record a speech", wForm("/speeches")+` button[type="submit"]`)
	b.wFill(wForm("/outcomes"), "kind", "recommendation", "title", "关于改善甲村道路和照明的建议案",
		"body", "一、纳入农村公路提升计划；二、安装路灯40盏。", "sent_to", "县委、县政府", "sent_on", today.String())
	b.wSubmit("record the outcome", wForm("/outcomes")+` button[type="submit"]`)
	advance(consult.Outcome, "")
	deadline := today.Time(e.db.Loc).AddDate(0, 3, 0).Format("2006-01-02")
	b.wFill(wForm("/assignments"), "outcome_id", "建议案：关于改善甲村道路和照明的建议案", "lead_unit_ids", id(units[0].ID),
		"deadline", deadline)
	b.wSubmit("send to the unit", wForm("/assignments")+` button[type="submit"]`)
	advance(consult.Sent, "")
	b.wSees("the office's topic once sent", "#assignments", "单位unit-a", "主办", "尚未答复")
	b.check("consult-topic-sent")

	// 3. The unit replies from its inbox.
	b.wAs("unit-a")
	b.open("/unit")
	b.check("consult-unit-inbox")
	b.wLink(title)
	b.check("consult-unit-assignment")
	b.wFill(`form[action$="/reply"]`, "body", "已纳入2026年农村公路提升计划，县财政安排资金180万元，10月底前完工")
	b.wSubmit("the unit replies", `form[action$="/reply"] button[type="submit"]`)
	b.wSees("the unit's page after its reply", "main", "第1次答复", "县财政安排资金180万元", "待审核")
	b.check("consult-unit-replied")

	// 4. The office accepts the reply, records the feedback and closes the topic.
	b.wAs("office-a")
	b.open(topicPath)
	b.wSees("the office's topic with the reply", "#assignments", "第1次答复", "县财政安排资金180万元")
	b.check("consult-topic-replied")
	b.wSubmit("accept the reply", `#assignments button[name="verdict"][value="accepted"]`)
	b.wFill(wForm("/satisfaction"), "satisfaction", "satisfied")
	b.wSubmit("the room's satisfaction", wForm("/satisfaction")+` button[type="submit"]`)
	advance(consult.Feedback, "承办单位已答复并认可")
	advance(consult.Closed, "成果已落实")
	b.wSees("the closed topic", "main", "已办结", "已认可")
	b.check("consult-topic-closed")

	// 5. The coordinator sees the feedback on the room's topic.
	b.wAs("coord-village")
	b.open(topicPath)
	b.wSees("the coordinator's closed topic", "main", "已办结", "100%")
	b.wSees("the feedback on the coordinator's page", "#assignments", "单位unit-a", "已认可",
		"县财政安排资金180万元", "满意度：满意")
	b.check("consult-topic-feedback-coordinator")

	// The database.
	tid, _ := strconv.ParseInt(strings.TrimPrefix(topicPath, "/topics/"), 10, 64)
	got, err := e.db.FindTopicByID(ctx, app.System, tid)
	if err != nil || got.State != consult.Closed || got.Progress != 100 || got.OrgID != e.village.ID ||
		got.Source != consult.FromRoom || got.MeetingID != mt.ID {
		t.Fatalf("the topic: %+v %v", got, err)
	}
	steps, err := e.db.FindTopicSteps(ctx, app.System, tid)
	if err != nil {
		t.Fatal(err)
	}
	var path []string
	for _, s := range steps {
		path = append(path, s.To)
	}
	if strings.Join(path, ",") != "collected,selected,participants,research,consultation,outcome,sent,feedback,closed" {
		t.Errorf("steps: %v", path)
	}
	if !strings.HasPrefix(steps[0].Actor, "coord-village") || !strings.HasPrefix(steps[len(steps)-1].Actor, "office-a") {
		t.Errorf("who took the steps: %q … %q", steps[0].Actor, steps[len(steps)-1].Actor)
	}
	work, err := e.db.FindTopicWork(ctx, app.System, tid)
	if err != nil {
		t.Fatal(err)
	}
	if len(work.Participants) != 1 || len(work.Visits) != 1 || len(work.Visits[0].Places) != 2 || len(work.Speeches) != 1 ||
		len(work.Outcomes) != 1 || work.Outcomes[0].SentTo != "县委、县政府" || len(work.Assignments) != 1 {
		t.Fatalf("the work: %+v", work)
	}
	a := work.Assignments[0]
	if a.UnitID != units[0].ID || !a.Lead || a.Status != store.AssignAccepted || a.Satisfaction != "satisfied" ||
		a.Deadline.String() != deadline || len(a.Replies) != 1 || a.Replies[0].Verdict != store.VerdictAccepted ||
		!strings.Contains(a.Replies[0].Body, "180万元") {
		t.Fatalf("the assignment: %+v", a)
	}
}

// wRow is the text of each cell of the first row of the table sel matches
// whose first cell holds first.
func (b *tab) wRow(sel, first string) []string {
	b.t.Helper()
	row := evalIn[[]string](b, `(() => {
		const tr = [...document.querySelectorAll(`+jsString(sel+" tr")+`)].find(tr => tr.cells.length && tr.cells[0].innerText.includes(`+jsString(first)+`));
		return tr ? [...tr.cells].map(c => c.innerText.trim()) : [];
	})()`)
	if len(row) == 0 {
		b.t.Fatalf("no row %q in %s:\n%s", first, sel, b.wPage())
	}
	return row
}

// A cadre's visit with aid, in the browser: the township's cadre (one of
// two, each paired with a household of the village) sees the county's figures with
// nothing visited yet, records a visit with two lines of aid on one
// household's page, sees it listed there, and the figures page then shows
// one household of two visited and aided and the aid's value — the store's
// figures, and the visit is in the database as typed.
func TestBrowserWorkAssistVisit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	today := e.db.Today()
	acc := e.account("cadre-zhang", auth.Cadre, e.town.ID)
	cadre, err := e.db.CreateCadre(ctx, app.System, store.CadreInput{OrgID: e.town.ID, Name: "张干部", Post: "镇党委委员",
		AccountID: acc.ID})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.db.CreateCadre(ctx, app.System, store.CadreInput{OrgID: e.town.ID, Name: "王干部"})
	if err != nil {
		t.Fatal(err)
	}
	first := app.DateOf(today.Time(e.db.Loc).AddDate(0, 0, -int(today.D)+1))
	var houses []int64
	for i, head := range []string{"刘大娘", "陈大爷"} {
		h, err := e.db.CreateHousehold(ctx, app.System, store.HouseholdInput{OrgID: e.village.ID, HeadName: head, RegisteredOn: first})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.AddHouseholdPerson(ctx, app.System, h.ID, store.PersonInput{Name: head, Relation: "户主",
			Categories: []string{"elder80"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.CreatePairing(ctx, app.System, store.PairingInput{CadreID: []int64{cadre.ID, other.ID}[i],
			HouseholdID: h.ID, StartsOn: first}); err != nil {
			t.Fatal(err)
		}
		houses = append(houses, h.ID)
	}
	// The figures page's row for the cadre's organisation, and the store's.
	const (
		colVisited, colVisitCov, colAided, colAidCov, colAid = 6, 7, 8, 9, 10
	)
	b := e.tab(t)
	b.signIn("cadre-zhang")
	b.check("assist-cadre-home")
	b.open("/assist")
	b.check("assist-figures-before")
	storeFigures := func() store.AssistFigures {
		t.Helper()
		af, err := e.db.FindAssistFigures(ctx, app.System, e.town.ID, quarterOfDay(today), "")
		if err != nil {
			t.Fatal(err)
		}
		return af
	}
	sameFigures := func(what string, af store.AssistFigures) {
		t.Helper()
		row := b.wRow("table.stats tbody", af.OrgName)
		f := af.Figures
		want := []string{app.Itoa(int64(f.Visited)), f.VisitCoverage().Percent(), app.Itoa(int64(f.Aided)),
			f.AidCoverage().Percent(), fmt.Sprintf("%d.%02d", f.AidFen/100, f.AidFen%100)}
		got := []string{row[colVisited], row[colVisitCov], row[colAided], row[colAidCov], row[colAid]}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("%s: the page shows visited, coverage, aided, coverage, aid %q; the store %q", what, got, want)
		}
	}
	before := storeFigures()
	if before.Figures.Paired != 2 || before.Figures.Visited != 0 || before.Figures.AidFen != 0 {
		t.Fatalf("before the visit: %+v", before.Figures)
	}
	sameFigures("before the visit", before)

	// The visit, through the household's page.
	b.wLink("帮扶对象")
	b.check("assist-households-cadre")
	if got := b.wLink("刘大娘"); !strings.HasPrefix(got, "/households/"+id(houses[0])) {
		t.Fatalf("the list's link opened %s", got)
	}
	b.check("assist-household-cadre")
	f := `form[action="/visits"]`
	b.wFill(f, "visited_on", today.String(), "seen", "老人身体尚可，独居", "needs", "冬季取暖",
		"aid", "米 1袋 150\n慰问金 1份 200\n棉被 2床 280")
	b.wPress(f+" button", "保存走访")
	b.check("assist-household-visited")
	row := b.wRow("main table", today.String())
	if !strings.Contains(strings.Join(row, " "), "张干部") || !strings.Contains(strings.Join(row, " "), "棉被") {
		t.Fatalf("the household's visits show %q", row)
	}

	// The figures page now counts it.
	b.open("/assist")
	after := storeFigures()
	if after.Figures.Visited != 1 || after.Figures.Aided != 1 || after.Figures.AidFen != 63000 || after.Figures.Paired != 2 {
		t.Fatalf("the store's figures after the visit: %+v", after.Figures)
	}
	sameFigures("after the visit", after)
	if got := b.wRow("table.stats tbody", after.OrgName); got[colVisitCov] != "50.0%" || got[colAid] != "630.00" {
		t.Fatalf("the figures row: %q", got)
	}
	b.wSees("the sentence", "main", after.Sentence)
	b.check("assist-figures-after")

	// The database holds the visit as typed.
	vs, err := e.db.FindAssistVisits(ctx, app.System, store.AssistVisitFilter{HouseholdID: houses[0]})
	if err != nil || len(vs) != 1 {
		t.Fatalf("visits %+v %v", vs, err)
	}
	v := vs[0]
	if v.CadreID != cadre.ID || v.VisitedOn != today || v.Seen != "老人身体尚可，独居" || v.Needs != "冬季取暖" ||
		v.AidFen != 63000 || len(v.Aid) != 3 {
		t.Fatalf("the visit: %+v", v)
	}
	if vs, _ := e.db.FindAssistVisits(ctx, app.System, store.AssistVisitFilter{HouseholdID: houses[1]}); len(vs) != 0 {
		t.Fatalf("the other household has visits: %+v", vs)
	}
}

// quarterOfDay is the whole quarter a day falls in (the figures page's
// default period).
func quarterOfDay(d app.Date) store.AssistPeriod {
	first := (int(d.M)-1)/3*3 + 1
	return store.AssistPeriod{From: fmt.Sprintf("%d-%02d", d.Y, first), To: fmt.Sprintf("%d-%02d", d.Y, first+2)}
}

// A proposal to closure, in the browser: a member writes it on the form and
// submits it; the office files it and assigns it to a lead unit; the unit
// signs for it and replies with grade A and the reply letter uploaded; the
// member rates the handling 满意 with the way the unit kept in touch; the
// office closes it. The member's page shows it closed with the reply and
// the rating; the database holds every step and the assignment.
func TestBrowserWorkProposal(t *testing.T) {
	pe := newProposalEnv(t)
	ctx := context.Background()
	e := pe.env
	lead := e.account("unit-jian", auth.Unit, e.countyA.ID) // 单位unit-jian
	letter := filepath.Join(t.TempDir(), "答复函.pdf")
	if err := os.WriteFile(letter, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	const title = "关于加快老旧小区改造的建议"

	// The member writes and submits it.
	b := e.tab(t)
	b.signIn("wy-qian")
	b.check("proposal-member-home")
	b.open("/proposals")
	b.check("proposal-list-member")
	b.wLink("撰写提案")
	b.check("proposal-new")
	f := `form[action="/proposals/new"]`
	b.wFill(f, "term_id", id(pe.term.ID), "session", "4", "title", title, "category", "社会建设",
		"reason", "老旧小区设施老化，群众改造意愿强烈。", "suggestions", "分三年完成改造，优先加装电梯。")
	loc := b.wPress(f+" button", "保存")
	path := strings.SplitN(loc, "?", 2)[0]
	if !strings.HasPrefix(path, "/proposals/") {
		t.Fatalf("after saving: %s", loc)
	}
	b.wSees("the draft", "main", title, "草稿", "钱委")
	b.check("proposal-draft")
	b.wSubmit("submit", `#advance-submitted button[type="submit"]`)
	b.wSees("the submitted proposal", "main", "已提交", "第十届第四次会议第0001号")
	b.check("proposal-submitted")

	// The office files it and assigns it.
	b.wAs("office-a")
	b.open("/proposals")
	b.check("proposal-list-office")
	if got := b.wLink(title); got != path {
		t.Fatalf("the list's link opened %s, want %s", got, path)
	}
	b.check("proposal-office")
	b.wSubmit("file", `#advance-filed button[type="submit"]`)
	b.check("proposal-filed")
	b.wFill(`#advance-assigned`, "unit_"+id(lead.UnitID), "lead")
	b.wSubmit("assign", `#advance-assigned button[type="submit"]`)
	b.wSees("the assigned proposal", "main", "已交办", "单位unit-jian")
	b.check("proposal-assigned")

	// The unit signs for it and replies with the letter.
	b.wAs("unit-jian")
	b.open("/unit/proposals")
	b.check("proposal-unit-list")
	b.wLink(title)
	b.check("proposal-unit-show")
	b.wPress(`form[action$="/sign"] button`, "签收")
	b.check("proposal-unit-signed")
	rf := `form[action$="/reply"]`
	b.wFill(rf, "grade", "A", "body", "已完成12个小区改造，加装电梯8部。")
	b.do("attach the letter", chromedp.SetUploadFiles(chromedp.CSS(rf+` input[name="document"]`), []string{letter}))
	b.wPress(rf+" button", "提交答复")
	b.wSees("the unit's page after replying", "main", "答复已提交")
	b.check("proposal-unit-replied")

	// The member rates the handling; the office closes it.
	b.wAs("wy-qian")
	b.open(path)
	b.wSees("the member's page with the reply", "main", "已答复", "已完成12个小区改造")
	b.check("proposal-replied-member")
	rate := `#rate-` + id(lead.UnitID)
	b.wFill(rate, "satisfaction", "satisfied", "contact", "face", "note", "办理认真")
	b.wPress(rate+" button", "提交评价")
	b.wSees("the rated proposal", "main", "已评价", "提案人评价：满意")
	b.check("proposal-rated")
	b.wAs("office-a")
	b.open(path)
	b.wSubmit("close", `#advance-closed button[type="submit"]`)
	b.check("proposal-closed-office")
	b.wAs("wy-qian")
	b.open(path)
	b.wSees("the member's closed proposal", "main", "已办结", "单位unit-jian", "满意", "当面沟通", "已完成12个小区改造")
	b.check("proposal-closed-member")

	// The database.
	pid, _ := strconv.ParseInt(strings.TrimPrefix(path, "/proposals/"), 10, 64)
	p := pe.proposal(t, pid)
	if p.State != proposal.Closed || p.Title != title || p.Number != "第十届第四次会议第0001号" {
		t.Fatalf("the proposal: %+v", p)
	}
	steps, err := e.db.FindProposalSteps(ctx, app.System, pid)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, s.To)
	}
	want := []string{proposal.Draft, proposal.Submitted, proposal.Filed, proposal.Assigned, proposal.Accepted,
		proposal.Replied, proposal.Rated, proposal.Closed}
	if !slices.Equal(got, want) {
		t.Fatalf("steps %v, want %v", got, want)
	}
	work, err := e.db.FindProposalWork(ctx, app.System, pid)
	if err != nil || len(work.Assignments) != 1 {
		t.Fatalf("work %+v %v", work, err)
	}
	a := work.Assignments[0]
	if a.UnitID != lead.UnitID || a.Grade != proposal.GradeA || a.Satisfaction != proposal.Satisfied ||
		a.Contact != proposal.FaceToFace || len(a.Replies) != 1 || len(a.Replies[0].Files) != 1 {
		t.Fatalf("the assignment %+v", a)
	}
}

// wDownload clicks a download link (sel) and waits until Chromium has saved
// the file in a temporary directory; it returns the file's bytes.
func (b *tab) wDownload(what, sel string) []byte {
	b.t.Helper()
	dir := b.t.TempDir()
	c, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	progress := chromedp.Events(c, cdpbrowser.DownloadProgress) // subscribed before the click
	events := true
	err := chromedp.Do(c, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events})
		return err
	}), chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("%s: waiting for the download: %v", what, err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				b.t.Fatalf("%s: %v", what, err)
			}
			return data
		case cdpbrowser.DownloadProgressStateCanceled:
			b.t.Fatalf("%s: the download was canceled", what)
		}
	}
	b.t.Fatalf("%s: no download", what)
	return nil
}

// The dashboard and two workbooks, in the browser: county A's office opens
// the dashboard, whose main figures are the store's; downloads its
// workbook, whose main sheet has the same figures; then opens the member
// list and downloads the roster, whose rows are county A's members (not
// county B's) with their sectors and phones.
func TestBrowserWorkDashboardExport(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	today := e.db.Today()
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 10,
		StartDate: app.DateOf(e.db.Now().In(e.db.Loc).AddDate(-1, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	sector, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "教育界", Sort: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"张委员", "李委员", "王委员"} {
		if _, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name,
			Phone: fmt.Sprintf("1390000000%d", i)},
			&member.MembershipInput{TermID: term.ID, SectorID: sector.ID, StartDate: term.StartDate}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.CreateMember(ctx, app.System, e.countyB.ID, member.Input{Name: "乙县委员"}); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"农村公路提质增效", "村级养老服务"} {
		if _, err := e.db.CreateTopic(ctx, app.System, consult.TopicInput{OrgID: e.countyA.ID, Year: today.Y, Title: title,
			Source: consult.FromParty, Form: consult.Thematic}); err != nil {
			t.Fatal(err)
		}
	}
	d, err := e.db.FindDashboard(ctx, app.System, e.countyA.ID, app.MustDate(fmt.Sprintf("%d-01-01", today.Y)),
		app.MustDate(fmt.Sprintf("%d-12-31", today.Y)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Topics != 2 {
		t.Fatalf("the store counts %d topics, want 2", d.Topics)
	}
	want := map[string]string{"协商议题（个）": app.Itoa(int64(d.Topics)), "协商成果（项）": app.Itoa(int64(d.Outcomes)),
		"召开会议（次）": app.Itoa(int64(d.Held)), "提案（件）": app.Itoa(int64(d.Proposals.Submitted)),
		"立案（件）": app.Itoa(int64(d.Proposals.Filed)), "完成选举（项）": app.Itoa(int64(d.Elections))}

	// The dashboard.
	b := e.tab(t)
	b.signIn("office-a")
	b.open("/dashboard")
	b.check("dashboard-office")
	for name, v := range want {
		if row := b.wRow("#dash-overview table", name); len(row) < 2 || row[1] != v {
			t.Errorf("the dashboard's %s: %q, the store's %s", name, row, v)
		}
	}
	b.wSees("the summary", "main", fmt.Sprintf("开展协商议题%d个", d.Topics))

	// Its workbook.
	data := b.wDownload("the dashboard's workbook", `a[href^="/dashboard.xlsx"]`)
	wb, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the dashboard's workbook: %v", err)
	}
	rows, err := wb.GetRows("主要指标")
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			cells[r[0]] = r[1]
		}
	}
	for name, v := range want {
		if cells[name] != v {
			t.Errorf("the workbook's %s: %q, the store's %s", name, cells[name], v)
		}
	}

	// The member list and its roster.
	b.open("/members")
	b.check("members-office")
	data = b.wDownload("the roster", `main a[href^="/members/export.xlsx"]`)
	got, rowErrs, err := roster.Parse(bytes.NewReader(data), today, 100)
	if err != nil || len(rowErrs) != 0 {
		t.Fatalf("the roster: %v %v", rowErrs, err)
	}
	ms, _, err := e.db.FindMembers(ctx, app.System, store.MemberFilter{CommitteeID: e.countyA.ID, Sort: "name", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ms) || len(ms) != 3 {
		t.Fatalf("the roster has %d rows, the store %d members of county A", len(got), len(ms))
	}
	byName := map[string]roster.Row{}
	for _, r := range got {
		byName[r.Member.Name] = r
	}
	for _, m := range ms {
		r, ok := byName[m.Name]
		if !ok || r.Sector != "教育界" || r.Member.Phone != m.Phone {
			t.Errorf("the roster's row for %s: %+v (store: %+v)", m.Name, r, m)
		}
	}
	// Both downloads are in the audit log.
	for _, entity := range []string{"dashboard", "member"} {
		if _, n, _ := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "export", Entity: entity}); n != 1 {
			t.Errorf("%d %s exports in the audit log, want 1", n, entity)
		}
	}
}
