package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
)

// One proposal from the member's draft to closure through the pages, as
// each party sees them: co-signed by two members, submitted and numbered,
// filed, another merged into it, assigned to a lead and a supporting unit,
// signed for by both units on their own pages, replied, the reply returned
// with a reason, replied again with grade B, rated 基本满意 by the proposer,
// closed by the office; then the statistics page counts it right, and the
// database holds the steps and the duty events.
func TestProposalEndToEnd(t *testing.T) {
	pe := newProposalEnv(t)
	ctx := context.Background()
	lead := pe.account("unit-jian", auth.Unit, pe.countyA.ID) // 单位unit-jian
	leadUnit, support := lead.UnitID, pe.other.ID             // unit-a's unit supports
	qian, sun, li := pe.login("wy-qian"), pe.login("wy-sun"), pe.login("wy-li")
	office, unitLead, unitSupport := pe.login("office-a"), pe.login("unit-jian"), pe.login("unit-a")

	// The member writes the proposal and opens co-signing.
	pid := created(t, qian, url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "title": {"关于加快老旧小区改造的建议"},
		"reason": {"老旧小区设施老化，群众改造意愿强烈。"}, "suggestions": {"分三年完成改造。"}, "category": {"社会建设"}}, "", nil)
	path := "/proposals/" + id(pid)
	seeOther(t, qian, path+"/advance", url.Values{"to": {"cosigning"}})
	_, page := sun.get(path)
	pageHas(t, "co-signing page", page, "征集联名", path+"/cosign")
	seeOther(t, sun, path+"/cosign", nil)
	seeOther(t, li, path+"/cosign", nil)
	if res := sun.post(path+"/cosign", nil); res.StatusCode != http.StatusConflict || !strings.Contains(body(res), "已联名") {
		t.Fatalf("co-signing twice: %d", res.StatusCode)
	}
	// Submitting before the deadline needs the proposer's reason.
	if res := qian.post(path+"/advance", url.Values{"to": {"submitted"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("early submission without a reason: %d", res.StatusCode)
	}
	seeOther(t, qian, path+"/advance", url.Values{"to": {"submitted"}, "note": {"联名已满，提前提交"}})
	_, page = qian.get(path)
	pageHas(t, "submitted", page, "第十届第四次会议第0001号", "已提交", "孙委", "李委")

	// Another member's proposal on the same subject, merged into it.
	other := created(t, li, url.Values{"term_id": {id(pe.term.ID)}, "session": {"4"}, "title": {"关于老旧小区加装电梯的建议"}}, "", nil)
	seeOther(t, li, "/proposals/"+id(other)+"/advance", url.Values{"to": {"submitted"}})
	seeOther(t, office, path+"/advance", url.Values{"to": {"filed"}})
	seeOther(t, office, "/proposals/"+id(other)+"/advance", url.Values{"to": {"merged"}, "merge_into": {id(pid)}})

	// Assigned to a lead and a supporting unit; each signs on its own page.
	seeOther(t, office, path+"/advance", url.Values{"to": {"assigned"}, "unit_" + id(leadUnit): {"lead"},
		"unit_" + id(support): {"support"}})
	_, page = office.get(path)
	pageLacks(t, "office's page while units sign", page, `value="accepted"`)
	_, page = unitLead.get("/unit/proposals")
	pageHas(t, "lead unit's list", page, "关于加快老旧小区改造的建议", "待签收")
	seeOther(t, unitLead, "/unit/proposals/"+id(pid)+"/sign", nil)
	seeOther(t, unitSupport, "/unit/proposals/"+id(pid)+"/sign", nil)
	if p := pe.proposal(t, pid); p.State != proposal.Accepted {
		t.Fatalf("both signed: %s", p.State)
	}
	// The lead replies; the office returns the reply with its reason.
	res := unitLead.postFile("/unit/proposals/"+id(pid)+"/reply", url.Values{"grade": {"A"}, "body": {"已全部完成改造。"}},
		"document", "答复函.pdf", pdf)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first reply: %d %s", res.StatusCode, body(res))
	}
	seeOther(t, office, path+"/advance", url.Values{"to": {"reply_returned"}, "note": {"答复与实际进度不符，请据实答复"}})
	_, page = unitLead.get("/unit/proposals")
	pageHas(t, "returned reply", page, "答复与实际进度不符，请据实答复")
	res = unitLead.postFile("/unit/proposals/"+id(pid)+"/reply", url.Values{"grade": {"B"}, "body": {"已改造42个小区，其余列入三年计划。"}},
		"document", "答复函（重新答复）.pdf", pdf)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second reply: %d %s", res.StatusCode, body(res))
	}
	// The proposer rates the lead unit; the office closes it.
	_, page = qian.get(path)
	pageHas(t, "proposer's page", page, "B类（正在解决或列入计划解决）", path+"/rate")
	pageLacks(t, "proposer's page", page, `value="rated"`) // rating moves it on by itself, no separate button
	seeOther(t, qian, path+"/rate", url.Values{"unit_id": {id(leadUnit)}, "satisfaction": {"basically"}, "contact": {"face"}})
	seeOther(t, office, path+"/advance", url.Values{"to": {"closed"}})
	_, page = qian.get(path)
	pageHas(t, "closed", page, "已办结", "基本满意", "当面沟通")

	// The database: every step, the lead unit's two replies, the duty events.
	steps, err := pe.db.FindProposalSteps(ctx, app.System, pid)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, s.To)
	}
	want := []string{proposal.Draft, proposal.Cosigning, proposal.Submitted, proposal.Filed, proposal.Assigned, proposal.Accepted,
		proposal.Replied, proposal.ReplyReturned, proposal.Replied, proposal.Rated, proposal.Closed}
	if !slices.Equal(got, want) {
		t.Fatalf("steps %v", got)
	}
	work, err := pe.db.FindProposalWork(ctx, app.System, pid)
	if err != nil || len(work.Assignments) != 2 || len(work.Merged) != 1 || len(work.Cosigners) != 2 {
		t.Fatalf("work %+v %v", work, err)
	}
	a := work.Assignments[0]
	if a.UnitID != leadUnit || a.Grade != proposal.GradeB || a.Satisfaction != proposal.FairlySatisfied || len(a.Replies) != 2 ||
		a.Replies[0].Verdict != "returned" {
		t.Fatalf("lead assignment %+v", a)
	}
	events, _, err := pe.db.FindDutyEvents(ctx, app.System, store.DutyFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	duty := map[string][]int64{}
	for _, e := range events {
		if e.Source == store.SourceProposal {
			duty[e.Kind] = append(duty[e.Kind], e.MemberID)
		}
	}
	for _, ids := range duty {
		slices.Sort(ids)
	}
	leads := []int64{pe.qian.ID, pe.li.ID} // 李委's merged proposal counts for him
	co := []int64{pe.sun.ID, pe.li.ID}
	slices.Sort(leads)
	slices.Sort(co)
	if !slices.Equal(duty[store.DutyProposalLead], leads) || !slices.Equal(duty[store.DutyProposalCosigner], co) {
		t.Fatalf("duty events %v", duty)
	}

	// The statistics page counts it: two submitted, one filed, one merged, one closed; one B reply rated 基本满意.
	_, page = office.get("/proposals/stats?term_id=" + id(pe.term.ID) + "&session=4")
	sameRows(t, "by session", pageTable(t, page, "by-session")[1:], [][]string{
		cells("第四次会议", 2, 1, 0, 0, 0, 1, 0, 1, 0, 0), cells("合计", 2, 1, 0, 0, 0, 1, 0, 1, 0, 0)})
	units := pageTable(t, page, "by-unit")
	if len(units) != 4 || fmtRow(units[1]) != "单位unit-a 0 1 1 0 0 0 0 0 0 0 0 —" ||
		fmtRow(units[2]) != "单位unit-jian 1 0 1 1 0 0 1 0 0 1 0 0%" || fmtRow(units[3]) != "合计 1 1 2 1 0 0 1 0 0 1 0 0%" {
		t.Fatalf("by unit %q", units)
	}
	replies := pageTable(t, page, "replies")
	for _, row := range [][]string{cells(proposal.GradeB.Label(), 1), cells("基本满意", 1), cells("已评价", 1),
		cells("满意率", "0%", "满意0件次 ÷ 已评价1件次"), cells("满意和基本满意率", "100%", "满意和基本满意1件次 ÷ 已评价1件次"),
		cells("已办结", 1)} {
		if !slices.ContainsFunc(replies, func(r []string) bool { return fmtRow(r) == fmtRow(row) }) {
			t.Errorf("replies table lacks %q: %q", row, replies)
		}
	}
}

func fmtRow(r []string) string { return strings.Join(r, " ") }
