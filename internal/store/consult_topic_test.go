package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
	"xieshang/internal/workflow"
)

func coordinatorAt(tr tree) app.Actor {
	a := actorAt(tr.village)
	a.Role, a.AccountID, a.Name = "coordinator", 2, "村联络员"
	return a
}

func mustTopic(t testing.TB, db *store.DB, actor app.Actor, in consult.TopicInput) store.Topic {
	t.Helper()
	tp, err := db.CreateTopic(context.Background(), actor, in)
	if err != nil {
		t.Fatalf("create topic %s: %v", in.Title, err)
	}
	return tp
}

func advance(t *testing.T, db *store.DB, actor app.Actor, id int64, to, note string) store.Topic {
	t.Helper()
	tp, err := db.AdvanceTopic(context.Background(), actor, id, store.AdvanceInput{To: to, Note: note})
	if err != nil {
		t.Fatalf("advance %d to %s: %v", id, to, err)
	}
	if tp.State != to {
		t.Fatalf("state %s, want %s", tp.State, to)
	}
	return tp
}

func topicCount(t *testing.T, db *store.DB) int {
	t.Helper()
	ts, total, err := db.FindTopics(context.Background(), app.System, store.TopicFilter{})
	if err != nil {
		t.Fatal(err)
	}
	_ = ts
	return total
}

func TestTopicTransitionsFollowTheGraph(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		office := actorAt(tr.countyA)
		tp := mustTopic(t, db, office, consult.TopicInput{OrgID: tr.countyA.ID, Year: 2026, Title: "城区停车难治理",
			Form: consult.Thematic, Source: consult.FromOffice})
		if tp.State != consult.Collected || tp.StateLabel != "已征集" || tp.Progress != 0 {
			t.Fatalf("new topic: %+v", tp)
		}
		// Not allowed by the graph: skipping ahead.
		_, err := db.AdvanceTopic(ctx, office, tp.ID, store.AdvanceInput{To: consult.Closed})
		if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "选定") {
			t.Fatalf("skip to closed: %v", err)
		}
		// Declining needs a reason.
		_, err = db.AdvanceTopic(ctx, office, tp.ID, store.AdvanceInput{To: consult.Declined})
		if app.ErrorFields(err).Get("note") == "" {
			t.Fatalf("decline without reason: %v", err)
		}
		// A handling unit's account may not select.
		unit := office
		unit.Role = "unit"
		if _, err := db.AdvanceTopic(ctx, unit, tp.ID, store.AdvanceInput{To: consult.Selected}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("unit selects: %v", err)
		}
		advance(t, db, office, tp.ID, consult.Selected, "列入年度协商计划")
		// Requirements: no participant yet.
		_, err = db.AdvanceTopic(ctx, office, tp.ID, store.AdvanceInput{To: consult.Participants})
		if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "协商的主体") {
			t.Fatalf("participants missing: %v", err)
		}
		if err := db.ConsultTestExec(ctx, `INSERT INTO topic_participant (topic_id, kind, name, created_at)
			VALUES ($1, 'expert', '李工', $2)`, tp.ID, db.Now()); err != nil {
			t.Fatal(err)
		}
		tp = advance(t, db, office, tp.ID, consult.Participants, "")
		if tp.Progress != 20 {
			t.Errorf("progress %d", tp.Progress)
		}
		steps, err := db.FindTopicSteps(ctx, office, tp.ID)
		if err != nil || len(steps) != 3 || steps[1].ToLabel != "已选定" || steps[1].Note != "列入年度协商计划" ||
			steps[1].Actor != office.Name {
			t.Fatalf("steps: %+v %v", steps, err)
		}
		// Another county does not see it.
		if _, err := db.FindTopicByID(ctx, actorAt(tr.countyB), tp.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("other county reads the topic: %v", err)
		}
		if _, err := db.AdvanceTopic(ctx, actorAt(tr.countyB), tp.ID, store.AdvanceInput{To: consult.Research}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("other county advances the topic: %v", err)
		}
	})
}

// The state graph is data: a committee adds a state (a public hearing
// between research and consultation) and topics use it, no code changed.
func TestTopicGraphIsData(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		office := actorAt(tr.countyA)
		g, own, err := db.FindGraph(ctx, office, 0, store.GraphKindTopic)
		if err != nil || own || g.Initial != consult.Collected {
			t.Fatalf("built-in graph: %v %v", own, err)
		}
		g.States = append(g.States, workflow.State{Code: "hearing", Label: "听证会", Progress: 42, DueDays: 15})
		var kept []workflow.Transition
		for _, tr := range g.Transitions {
			if tr.From == consult.Research && tr.To == consult.Consultation {
				continue
			}
			kept = append(kept, tr)
		}
		g.Transitions = append(kept,
			workflow.Transition{From: consult.Research, To: "hearing", Label: "召开听证会", Roles: []string{"office"}, Requires: []string{consult.NeedReason}},
			workflow.Transition{From: "hearing", To: consult.Consultation, Label: "召开协商会议", Roles: []string{"office"}, Requires: []string{consult.NeedMeeting}})
		if err := db.SaveGraph(ctx, office, tr.countyA.ID, g); err != nil {
			t.Fatalf("save graph: %v", err)
		}
		// A broken graph is refused with what is wrong.
		bad := g
		bad.Transitions = append(append([]workflow.Transition{}, g.Transitions...),
			workflow.Transition{From: "hearing", To: "nowhere", Label: "去", Roles: []string{"office"}})
		if err := db.SaveGraph(ctx, office, tr.countyA.ID, bad); app.ErrorFields(err).Get("transitions") == "" {
			t.Fatalf("broken graph saved: %v", err)
		}
		tp := mustTopic(t, db, office, consult.TopicInput{OrgID: tr.countyA.ID, Year: 2026, Title: "老旧小区加装电梯",
			Source: consult.FromMember})
		advance(t, db, office, tp.ID, consult.Selected, "")
		db.ConsultTestExec(ctx, `INSERT INTO topic_participant (topic_id, kind, name, created_at) VALUES ($1, 'resident', '居民代表', $2)`, tp.ID, db.Now())
		advance(t, db, office, tp.ID, consult.Participants, "")
		db.ConsultTestExec(ctx, `INSERT INTO topic_visit (topic_id, committee_id, kind, starts_on, ends_on, created_at, updated_at)
			VALUES ($1, $2, 'research', '2026-04-01', '2026-04-01', $3, $3)`, tp.ID, tr.countyA.ID, db.Now())
		advance(t, db, office, tp.ID, consult.Research, "")
		if _, err := db.AdvanceTopic(ctx, office, tp.ID, store.AdvanceInput{To: consult.Consultation}); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("the removed transition still works: %v", err)
		}
		tp = advance(t, db, office, tp.ID, "hearing", "居民意见分歧较大")
		if tp.StateLabel != "听证会" || tp.Progress != 42 || tp.Due.IsZero() {
			t.Fatalf("new state: %+v", tp)
		}
		// The state cannot be removed while a topic sits in it.
		if err := db.ResetGraph(ctx, office, tr.countyA.ID, store.GraphKindTopic); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("reset with a topic in hearing: %v", err)
		}
		// Another county keeps the built-in graph.
		other := mustTopic(t, db, actorAt(tr.countyB), consult.TopicInput{OrgID: tr.countyB.ID, Year: 2026,
			Title: "农村饮水安全", Source: consult.FromOffice})
		ob, own, _ := db.FindGraph(ctx, actorAt(tr.countyB), 0, store.GraphKindTopic)
		if own || len(ob.States) != len(consult.TopicGraph().States) || other.State != consult.Collected {
			t.Errorf("county B graph changed")
		}
		// Townships use their county's graph.
		town := mustTopic(t, db, actorAt(tr.town), consult.TopicInput{OrgID: tr.town.ID, Year: 2026, Title: "街巷路灯",
			Source: consult.FromRoom})
		if town.CommitteeID != tr.countyA.ID {
			t.Errorf("township topic committee %d", town.CommitteeID)
		}
	})
}

func TestTopicEscalationAndPushDown(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		coord := coordinatorAt(tr)
		raised := mustTopic(t, db, coord, consult.TopicInput{OrgID: tr.village.ID, Year: 2026, Title: "社区养老服务站建设",
			Source: consult.FromRoom, SourceName: "居民张某", SourcePhone: "13812345678"})
		if raised.SourcePhone != "138****5678" {
			t.Errorf("phone shown to a coordinator: %s", raised.SourcePhone)
		}
		before := topicCount(t, db)
		// Sideways (another county) and downward targets are refused; nothing is created.
		for _, target := range []int64{tr.countyB.ID, tr.village.ID, 0} {
			_, err := db.AdvanceTopic(ctx, coord, raised.ID, store.AdvanceInput{To: consult.Escalated, TargetOrgID: target})
			if app.ErrorFields(err).Get("target_org_id") == "" {
				t.Errorf("escalate to %d: %v", target, err)
			}
		}
		if n := topicCount(t, db); n != before {
			t.Fatalf("refused escalation left %d topics", n-before)
		}
		if _, err := db.AdvanceTopic(ctx, coord, raised.ID, store.AdvanceInput{To: consult.Escalated,
			TargetOrgID: tr.countyA.ID, Note: "涉及县级财政"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AdvanceTopic(ctx, coord, raised.ID, store.AdvanceInput{To: consult.Escalated,
			TargetOrgID: tr.countyA.ID}); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("escalated twice: %v", err)
		}
		links, err := db.FindTopicLinks(ctx, coord, raised.ID)
		if err != nil || links.Upper == nil || links.Upper.OrgName != "东阿县政协" || links.Upper.Visible ||
			links.Upper.StateLabel != "已征集" {
			t.Fatalf("village's view of the upper topic: %+v %v", links.Upper, err)
		}
		county := actorAt(tr.countyA)
		up, err := db.FindTopicByID(ctx, county, links.Upper.ID)
		if err != nil || up.Source != consult.FromLower || up.OriginID != raised.ID || !strings.Contains(up.Description, "涉及县级财政") {
			t.Fatalf("upper topic: %+v %v", up, err)
		}
		advance(t, db, county, up.ID, consult.Selected, "")
		links, _ = db.FindTopicLinks(ctx, coord, raised.ID)
		if links.Upper.StateLabel != "已选定" || links.Upper.Progress != 10 {
			t.Errorf("village sees %+v", links.Upper)
		}
		// The village's own topic is as far along as the county's.
		if own, _ := db.FindTopicByID(ctx, coord, raised.ID); own.Progress != 10 {
			t.Errorf("escalated topic's progress %d, want the county's 10", own.Progress)
		}

		// The city pushes a topic down to both counties; its progress is theirs.
		city := actorAt(tr.city)
		ct := mustTopic(t, db, city, consult.TopicInput{OrgID: tr.city.ID, Year: 2026, Title: "农村人居环境整治",
			Source: consult.FromParty})
		if _, err := db.PushDownTopic(ctx, city, ct.ID, []int64{tr.countyA.ID}); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("push down before selection: %v", err)
		}
		advance(t, db, city, ct.ID, consult.Selected, "")
		if _, err := db.PushDownTopic(ctx, county, up.ID, []int64{tr.countyB.ID}); app.ErrorFields(err).Get("org_ids") == "" {
			t.Errorf("push down to a sibling: %v", err)
		}
		kids, err := db.PushDownTopic(ctx, city, ct.ID, []int64{tr.countyA.ID, tr.countyB.ID})
		if err != nil || len(kids) != 2 || kids[0].StateLabel != "已选定" {
			t.Fatalf("push down: %+v %v", kids, err)
		}
		if _, err := db.PushDownTopic(ctx, city, ct.ID, []int64{tr.countyA.ID}); app.ErrorFields(err).Get("org_ids") == "" {
			t.Errorf("pushed down twice: %v", err)
		}
		db.ConsultTestExec(ctx, `INSERT INTO topic_participant (topic_id, kind, name, created_at) VALUES ($1, 'expert', '王教授', $2)`, kids[0].ID, db.Now())
		advance(t, db, county, kids[0].ID, consult.Participants, "")
		ct, err = db.FindTopicByID(ctx, city, ct.ID)
		if err != nil || ct.Progress != (20+10)/2 {
			t.Fatalf("city progress %d (%v)", ct.Progress, err)
		}
		links, _ = db.FindTopicLinks(ctx, city, ct.ID)
		if len(links.Children) != 2 || !links.Children[0].Visible || links.Children[0].StateLabel != "主体确定" {
			t.Errorf("city's children: %+v", links.Children)
		}
		// The county sees its child topic and the parent as a summary.
		kl, _ := db.FindTopicLinks(ctx, county, kids[0].ID)
		if kl.Parent == nil || kl.Parent.ID != ct.ID || kl.Parent.Visible {
			t.Errorf("county's parent link: %+v", kl.Parent)
		}
		// Overdue: the collected village topic is overdue after 60 days.
		over, _, err := db.FindTopics(ctx, app.System, store.TopicFilter{Overdue: true})
		if err != nil || len(over) != 0 {
			t.Errorf("overdue now: %d %v", len(over), err)
		}
	})
}

func TestTopicBadInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		_, err := db.CreateTopic(ctx, actorAt(tr.countyA), consult.TopicInput{OrgID: tr.countyB.ID, Year: 2026,
			Title: "越权", Source: consult.FromOffice})
		if app.ErrorFields(err).Get("org_id") == "" {
			t.Errorf("topic in another county: %v", err)
		}
		_, err = db.CreateTopic(ctx, actorAt(tr.countyA), consult.TopicInput{OrgID: tr.countyA.ID, Year: 2026,
			Title: "", Form: "chat", Source: consult.FromOffice})
		if f := app.ErrorFields(err); f.Get("title") == "" || f.Get("form") == "" {
			t.Errorf("bad fields: %v", err)
		}
		cadre := actorAt(tr.countyA)
		cadre.Role = "cadre"
		if _, err := db.CreateTopic(ctx, cadre, consult.TopicInput{OrgID: tr.countyA.ID, Year: 2026, Title: "帮扶",
			Source: consult.FromOffice}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("cadre creates a topic: %v", err)
		}
		if n := topicCount(t, db); n != 0 {
			t.Errorf("%d topics after refusals", n)
		}
	})
}

// A topic in an adopted plan keeps its plan fields: they change only
// through a revision of the plan, with its reason.
func TestTopicInAdoptedPlanKeepsPlanFields(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		office := actorAt(tr.countyA)
		tp := mustTopic(t, db, office, consult.TopicInput{OrgID: tr.countyA.ID, Year: 2026, Title: "乡村振兴",
			Form: consult.Thematic, PlannedMonth: 5, Source: consult.FromOffice})
		if err := db.ConsultTestExec(ctx, `INSERT INTO consult_plan (committee_id, year, title, status, created_at, updated_at)
			VALUES ($1, 2026, '2026年度协商工作计划', 'adopted', $2, $2)`, tr.countyA.ID, db.Now()); err != nil {
			t.Fatal(err)
		}
		if err := db.ConsultTestExec(ctx, `UPDATE topic SET plan_id = (SELECT id FROM consult_plan) WHERE id = $1`, tp.ID); err != nil {
			t.Fatal(err)
		}
		in := consult.TopicInput{Year: 2026, Title: "全面推进乡村振兴", Form: consult.Thematic, PlannedMonth: 7}
		if _, err := db.UpdateTopic(ctx, office, tp.ID, in); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("month changed outside the plan: %v", err)
		}
		in.PlannedMonth = 5
		got, err := db.UpdateTopic(ctx, office, tp.ID, in)
		if err != nil || got.Title != "全面推进乡村振兴" || got.PlannedMonth != 5 {
			t.Fatalf("title edit: %+v %v", got, err)
		}
	})
}

// A selected topic waits for its planned month: it is overdue only after
// that month ends (or after the state's limit, whichever is later).
func TestSelectedTopicDueAfterItsPlannedMonth(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		now := fixedClock(db) // 2026-03-02
		tr := buildTree(t, db)
		office := actorAt(tr.countyA)
		may := mustTopic(t, db, office, consult.TopicInput{OrgID: tr.countyA.ID, Year: 2026, Title: "五月协商",
			PlannedMonth: 5, Source: consult.FromOffice})
		loose := mustTopic(t, db, office, consult.TopicInput{OrgID: tr.countyA.ID, Year: 2026, Title: "未定月份",
			Source: consult.FromOffice})
		advance(t, db, office, may.ID, consult.Selected, "")
		advance(t, db, office, loose.ID, consult.Selected, "")
		*now = now.AddDate(0, 0, 45) // mid-April
		got, _ := db.FindTopicByID(context.Background(), office, may.ID)
		if got.Overdue || got.Due.In(db.Loc).Format("2006-01-02") != "2026-06-01" {
			t.Errorf("May topic in April: overdue %v, due %v", got.Overdue, got.Due.In(db.Loc))
		}
		if got, _ := db.FindTopicByID(context.Background(), office, loose.ID); !got.Overdue {
			t.Error("a topic without a month selected 45 days ago is not overdue")
		}
		*now = time.Date(2026, 6, 1, 0, 0, 1, 0, db.Loc)
		if got, _ := db.FindTopicByID(context.Background(), office, may.ID); !got.Overdue {
			t.Error("May topic not overdue in June")
		}
	})
}

// A topic raised from a room is linked to the room serving its village; a
// room elsewhere is refused.
func TestTopicRoom(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		room, err := db.CreateRoom(ctx, app.System, consult.RoomInput{OrgID: tr.village.ID, Name: "前街社区议事室"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := db.CreateRoom(ctx, app.System, consult.RoomInput{OrgID: tr.countyB.ID, Name: "乙县议事室"})
		if err == nil {
			t.Fatalf("a room at a county: %+v", other)
		}
		tp := mustTopic(t, db, coordinatorAt(tr), consult.TopicInput{OrgID: tr.village.ID, Year: 2026, Title: "楼道杂物清理",
			Source: consult.FromRoom})
		if tp.RoomID != room.ID {
			t.Errorf("room %d, want %d", tp.RoomID, room.ID)
		}
		_, err = db.CreateTopic(ctx, actorAt(tr.countyA), consult.TopicInput{OrgID: tr.countyA.ID, Year: 2026, Title: "县级议题",
			Source: consult.FromRoom, RoomID: room.ID})
		if app.ErrorFields(err).Get("room_id") == "" {
			t.Errorf("a county topic names a village's room: %v", err)
		}
	})
}

// The proposal workflow is kept by the same mechanism: a committee adds a
// pre-review step (预审) between submission and filing; bad graphs are
// refused with the proposal roles and requirements.
func TestProposalGraphSavedPerCommittee(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		office := actorAt(tr.countyA)
		g, own, err := db.FindGraph(ctx, office, 0, store.GraphKindProposal)
		if err != nil || own || g.Initial != proposal.Draft {
			t.Fatalf("built-in proposal graph: %v %v", own, err)
		}
		g.States = append(g.States, workflow.State{Code: "prereview", Label: "预审", Progress: 15, DueDays: 10})
		for i, tr := range g.Transitions {
			if tr.From == proposal.Submitted && tr.To == proposal.Filed {
				g.Transitions[i].From = "prereview"
			}
		}
		g.Transitions = append(g.Transitions, workflow.Transition{From: proposal.Submitted, To: "prereview", Label: "送预审",
			Roles: []string{"office"}})
		if err := db.SaveGraph(ctx, office, tr.countyA.ID, g); err != nil {
			t.Fatalf("save: %v", err)
		}
		saved, own, _ := db.FindGraph(ctx, office, 0, store.GraphKindProposal)
		if _, err := saved.Check(proposal.Submitted, proposal.Filed, "office"); !own || err == nil {
			t.Error("the old step survives the edit")
		}
		if _, err := saved.Check("prereview", proposal.Filed, "office"); err != nil {
			t.Errorf("the new step: %v", err)
		}
		// A topic requirement is not a proposal requirement.
		g.Transitions[0].Requires = []string{consult.NeedResearch}
		if err := db.SaveGraph(ctx, office, tr.countyA.ID, g); app.ErrorFields(err).Get("transitions") == "" {
			t.Errorf("a topic requirement in a proposal graph: %v", err)
		}
	})
}
