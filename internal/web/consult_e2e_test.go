package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// The end-to-end run, every step through HTTP as the people who take
// it: a village room raises a topic and escalates it; the county selects
// it, names the participants, records a research visit, holds the
// consultation meeting with speeches, writes a recommendation paper and
// sends it to two handling units; both reply, one reply is returned and
// redone, both are accepted, the topic closes; the village sees its topic
// closed upstairs, and the city sees the county's topic (and a topic it
// pushed down) with the child's progress.
func TestConsultationAcrossThreeTiers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// County A's term, three members, a consultation meeting and a second handling unit.
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 10,
		StartDate: app.DateOf(e.db.Now().In(e.db.Loc).AddDate(-1, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	sector, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "农业界", Sort: 1})
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]int64{}
	for _, name := range []string{"张委员", "李委员", "王委员"} {
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name},
			&member.MembershipInput{TermID: term.ID, SectorID: sector.ID, StartDate: term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		members[name] = m.ID
	}
	mt, err := e.db.CreateMeeting(ctx, app.System, e.countyA.ID, meeting.Input{TermID: term.ID, Kind: meeting.Symposium,
		Title: "村道建设专题协商座谈会", StartsAt: e.db.Now().Add(time.Hour), Place: "县政协会议室",
		Invitees: []int64{members["张委员"], members["李委员"]}})
	if err != nil {
		t.Fatal(err)
	}
	a2 := e.account("unit-a2", auth.Unit, e.countyA.ID)

	// 1. The village room's coordinator raises the topic and sends it up to the county.
	e.account("coord-village", auth.Coordinator, e.village.ID)
	vc := e.login("coord-village")
	res := vc.post("/topics", url.Values{"org_id": {id(e.village.ID)}, "year": {"2026"}, "title": {"村道硬化和路灯安装"},
		"description": {"村内主干道为土路，夜间无照明"}, "form": {"grassroots"}, "source": {"room"}, "source_name": {"甲村议事室"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("village raises: %d %s", res.StatusCode, body(res))
	}
	villagePath := strings.SplitN(res.Header.Get("Location"), "?", 2)[0]
	// Sideways is refused; up to the county works.
	if res := vc.post(villagePath+"/advance", url.Values{"to": {"escalated"}, "target_org_id": {id(e.countyB.ID)}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("escalate to another county: %d", res.StatusCode)
	}
	res = vc.post(villagePath+"/advance", url.Values{"to": {"escalated"}, "target_org_id": {id(e.countyA.ID)},
		"note": {"需要县级交通和财政支持"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("escalate: %d %s", res.StatusCode, body(res))
	}
	up := findTopic(t, e, store.TopicFilter{OrgID: e.countyA.ID, Query: "村道硬化"}, e.countyA.ID)
	if up.Source != consult.FromLower || up.State != consult.Collected {
		t.Fatalf("county's topic: %+v", up)
	}
	path := "/topics/" + id(up.ID)

	// 2. The county's office runs it.
	office := e.login("office-a")
	step := func(form url.Values, what string) {
		t.Helper()
		if res := office.post(path+"/advance", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", what, res.StatusCode, body(res))
		}
	}
	post := func(p string, form url.Values, what string) {
		t.Helper()
		if res := office.post(path+p, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", what, res.StatusCode, body(res))
		}
	}
	step(url.Values{"to": {"selected"}, "note": {"列入年度协商计划"}}, "select")
	// A requirement not met is said on the page, nothing moves.
	res = office.post(path+"/advance", url.Values{"to": {"participants"}})
	if b := body(res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "请先确定参加协商的主体") {
		t.Fatalf("participants missing: %d", res.StatusCode)
	}
	post("/participants", url.Values{"kind": {"member"}, "member": {"张委员"}}, "participant member")
	post("/participants", url.Values{"kind": {"resident"}, "name": {"村民代表赵某"}, "affiliation": {"甲村"}}, "participant resident")
	step(url.Values{"to": {"participants"}}, "participants")
	post("/visits", url.Values{"kind": {"research"}, "starts_on": {"2026-03-02"}, "ends_on": {"2026-03-03"},
		"places": {"甲村\n甲镇交通站"}, "members": {"张委员\n李委员"}, "findings": {"主干道1.2公里需硬化，需路灯40盏"}}, "visit")
	step(url.Values{"to": {"research"}}, "research")
	post("/meeting", url.Values{"meeting_id": {id(mt.ID)}}, "link meeting")
	step(url.Values{"to": {"consultation"}}, "consultation")
	post("/speeches", url.Values{"member": {"李委员"}, "opinion": {"建议纳入县级农村公路提升计划"}}, "speech")
	post("/speeches", url.Values{"speaker": {"县交通运输局副局长"}, "affiliation": {"县交通运输局"}, "opinion": {"今年可安排硬化"}}, "guest speech")
	post("/outcomes", url.Values{"kind": {"recommendation"}, "title": {"关于改善甲村道路和照明的建议案"},
		"body": {"一、纳入农村公路提升计划；二、安装路灯40盏。"}, "sent_to": {"县委、县政府"}, "sent_on": {"2026-03-20"}}, "outcome")
	step(url.Values{"to": {"outcome"}}, "outcome")
	work, err := e.db.FindTopicWork(ctx, app.System, up.ID)
	if err != nil || len(work.Outcomes) != 1 {
		t.Fatalf("work: %v", err)
	}
	units, err := e.db.FindUnits(ctx, app.System, store.UnitFilter{})
	if err != nil || len(units) < 2 {
		t.Fatalf("units: %d %v", len(units), err)
	}
	var lead, support store.Unit // unit-a's (made by the fixture) leads, unit-a2's supports
	for _, u := range units {
		switch {
		case u.ID == a2.UnitID:
			support = u
		case u.CommitteeID == e.countyA.ID:
			lead = u
		}
	}
	deadline := e.db.Now().In(e.db.Loc).AddDate(0, 3, 0).Format("2006-01-02")
	post("/assignments", url.Values{"outcome_id": {id(work.Outcomes[0].ID)}, "lead_unit_ids": {id(lead.ID)},
		"support_unit_ids": {id(support.ID)}, "deadline": {deadline}}, "assign")
	step(url.Values{"to": {"sent"}}, "sent")
	// Feedback cannot start before both units replied.
	if res := office.post(path+"/advance", url.Values{"to": {"feedback"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("feedback before replies: %d", res.StatusCode)
	}

	// 3. Both units reply from their inboxes; one reply is returned and redone.
	work, _ = e.db.FindTopicWork(ctx, app.System, up.ID)
	asg := map[int64]int64{}
	for _, a := range work.Assignments {
		asg[a.UnitID] = a.ID
	}
	unitOf := map[int64]*client{lead.ID: e.login("unit-a"), support.ID: e.login("unit-a2")}
	reply := func(unitID int64, text string) {
		t.Helper()
		c := unitOf[unitID]
		if c == nil {
			t.Fatalf("no account for unit %d", unitID)
		}
		if res := c.post("/unit/assignments/"+id(asg[unitID])+"/reply", url.Values{"body": {text}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d %s", res.StatusCode, body(res))
		}
	}
	// A unit cannot reply to the other's assignment.
	if res := unitOf[lead.ID].post("/unit/assignments/"+id(asg[support.ID])+"/reply", url.Values{"body": {"冒名答复"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("reply for another unit: %d", res.StatusCode)
	}
	reply(lead.ID, "已纳入计划")
	reply(support.ID, "路灯由镇里安装")
	latest := func(unitID int64) int64 {
		t.Helper()
		a, err := e.db.FindAssignmentByID(ctx, app.System, asg[unitID])
		if err != nil || len(a.Replies) == 0 {
			t.Fatalf("assignment: %v", err)
		}
		return a.Replies[len(a.Replies)-1].ID
	}
	post("/replies/"+id(latest(lead.ID))+"/verdict", url.Values{"verdict": {"returned"}, "reason": {"请写明资金来源和完成时间"}}, "return")
	step(url.Values{"to": {"feedback"}}, "feedback (the returned unit had replied)")
	if res := office.post(path+"/advance", url.Values{"to": {"closed"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("closed with a reply returned: %d", res.StatusCode)
	}
	reply(lead.ID, "已纳入2026年农村公路提升计划，县财政安排资金180万元，10月底前完工")
	post("/replies/"+id(latest(lead.ID))+"/verdict", url.Values{"verdict": {"accepted"}}, "accept lead")
	post("/replies/"+id(latest(support.ID))+"/verdict", url.Values{"verdict": {"accepted"}}, "accept support")
	post("/assignments/"+id(asg[lead.ID])+"/satisfaction", url.Values{"satisfaction": {"satisfied"}}, "satisfaction")
	step(url.Values{"to": {"closed"}, "note": {"成果已落实"}}, "close")

	// What the database holds.
	got, err := e.db.FindTopicByID(ctx, app.System, up.ID)
	if err != nil || got.State != consult.Closed || got.Progress != 100 {
		t.Fatalf("closed topic: %+v %v", got, err)
	}
	steps, _ := e.db.FindTopicSteps(ctx, app.System, up.ID)
	var path8 []string
	for _, s := range steps {
		path8 = append(path8, s.To)
	}
	if strings.Join(path8, ",") != "collected,selected,participants,research,consultation,outcome,sent,feedback,closed" {
		t.Errorf("steps: %v", path8)
	}
	a, _ := e.db.FindAssignmentByID(ctx, app.System, asg[lead.ID])
	if len(a.Replies) != 2 || a.Replies[0].Verdict != "returned" || a.Status != "accepted" || a.Satisfaction != "satisfied" {
		t.Errorf("lead unit's assignment: %+v", a)
	}
	duty, _, err := e.db.FindDutyEvents(ctx, app.System, store.DutyFilter{MemberID: members["李委员"]})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, d := range duty {
		kinds[d.Kind]++
	}
	if kinds[store.DutyResearch] != 1 || kinds[store.DutySpeech] != 1 {
		t.Errorf("李委员's duty events: %v", kinds)
	}

	// 4. What people see: the village its topic closed upstairs; the city the county's topic.
	if _, page := vc.get(villagePath); !strings.Contains(page, "已上报") || !strings.Contains(page, "已办结") ||
		!strings.Contains(page, "甲县政协") {
		t.Errorf("village page does not show the county's progress:\n%s", page)
	}
	city := e.login("office-city")
	if _, page := city.get("/topics?org_id=" + id(e.countyA.ID)); !strings.Contains(page, "村道硬化和路灯安装") ||
		!strings.Contains(page, `value="100"`) || !strings.Contains(page, "已办结") {
		t.Errorf("city's list does not show the county's topic closed")
	}
	// The city pushes a topic down to county A; the city's page shows the child's progress.
	res = city.post("/topics", url.Values{"org_id": {id(e.city.ID)}, "year": {"2026"}, "title": {"农村公路提质增效"},
		"source": {"party"}, "form": {"thematic"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("city topic: %d %s", res.StatusCode, body(res))
	}
	cityPath := strings.SplitN(res.Header.Get("Location"), "?", 2)[0]
	if res := city.post(cityPath+"/advance", url.Values{"to": {"selected"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("city selects: %d", res.StatusCode)
	}
	if res := city.post(cityPath+"/push", url.Values{"org_ids": {id(e.countyA.ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("push down: %d %s", res.StatusCode, body(res))
	}
	child := findTopic(t, e, store.TopicFilter{OrgID: e.countyA.ID, Query: "农村公路提质增效"}, e.countyA.ID)
	if _, err := e.db.AddTopicParticipant(ctx, app.System, child.ID, store.ParticipantInput{Kind: "expert", Name: "公路专家"}); err != nil {
		t.Fatal(err)
	}
	if res := office.post("/topics/"+id(child.ID)+"/advance", url.Values{"to": {"participants"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("county advances the child: %d", res.StatusCode)
	}
	_, page := city.get(cityPath)
	if !strings.Contains(page, "甲县政协") || !strings.Contains(page, "主体确定") || !strings.Contains(page, `value="20"`) {
		t.Errorf("city's topic page does not show the child's progress:\n%s", page)
	}
	parent, _ := e.db.FindTopicByID(ctx, app.System, child.ParentID)
	if parent.Progress != 20 {
		t.Errorf("city topic's progress %d, want the child's 20", parent.Progress)
	}
}

// findTopic finds the one topic the filter matches at the organisation
// itself (the filter's subtree holds lower tiers' topics too).
func findTopic(t *testing.T, e *env, f store.TopicFilter, orgID int64) store.Topic {
	t.Helper()
	ts, _, err := e.db.FindTopics(context.Background(), app.System, f)
	if err != nil {
		t.Fatal(err)
	}
	var found []store.Topic
	for _, tp := range ts {
		if tp.OrgID == orgID {
			found = append(found, tp)
		}
	}
	if len(found) != 1 {
		t.Fatalf("find topic %+v at org %d: %d", f, orgID, len(found))
	}
	return found[0]
}
