package demo

import (
	"context"
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// Consultation in the demo world: grassroots rooms in 东岭县 with the
// coverage the reports print (one township fully covered, one short of a
// village, one served by a joint room) and their activities; the city's
// topic collection for 2026 (public and members' suggestions, screened),
// its 2026 plan adopted at a chair's meeting, a city topic pushed down to
// two counties; a village's topic escalated to 东岭县 and run to its close
// (research, consultation, a recommendation paper, two handling units, one
// reply returned and redone); a city outcome sent to 市住建局 (the `unit`
// login) still unanswered past its deadline.

type consultLoader struct {
	*loader
	city     loaded
	counties []loaded
	now      time.Time
	stats    consultStats
	topicIDs map[string]int64 // by short key, for the later steps
}

type consultStats struct {
	rooms, activities, topics, suggestions, meetings int
}

func (cl *consultLoader) at(day string, hour int) {
	d := app.MustDate(day)
	cl.now = time.Date(d.Y, d.M, d.D, hour, 0, 0, 0, cl.db.Loc)
}

func (l *loader) consult(ctx context.Context, city loaded, counties []loaded) (consultStats, error) {
	cl := &consultLoader{loader: l, city: city, counties: counties, topicIDs: map[string]int64{}}
	saved := l.db.Now
	l.db.Now = func() time.Time { return cl.now }
	defer func() { l.db.Now = saved }()
	for _, step := range []struct {
		what string
		fn   func(context.Context) error
	}{
		{"议事室", cl.rooms},
		{"议题征集和年度协商计划", cl.collection},
		{"上下联动的议题", cl.tiers},
		{"议题办理和落实反馈", cl.handling},
	} {
		if err := step.fn(ctx); err != nil {
			return cl.stats, fmt.Errorf("demo: %s: %w", step.what, err)
		}
	}
	return cl.stats, nil
}

// townships lists a county's townships in their order.
func (cl *consultLoader) townships(ctx context.Context, county org.Org) ([]org.Org, error) {
	return cl.db.FindOrgs(ctx, cl.actor, store.OrgFilter{ParentID: county.ID, Kinds: []org.Kind{org.Township}})
}

func (cl *consultLoader) villagesOf(ctx context.Context, township org.Org) ([]org.Org, error) {
	return cl.db.FindOrgs(ctx, cl.actor, store.OrgFilter{ParentID: township.ID, Kinds: []org.Kind{org.Village}})
}

// rooms registers 东岭县's rooms: every village of the first township has
// its own, the second township's all but its last, the third one joint
// room at the township serving its first three villages; members are
// assigned to the first township's rooms and hold two activities in each.
func (cl *consultLoader) rooms(ctx context.Context) error {
	county := cl.counties[0]
	towns, err := cl.townships(ctx, county.org)
	if err != nil || len(towns) < 3 {
		return fmt.Errorf("townships of %s: %d, %v", county.org.Name, len(towns), err)
	}
	members, _, err := cl.db.FindMembers(ctx, cl.actor, store.MemberFilter{CommitteeID: county.org.ID, Status: member.Serving, Limit: 60})
	if err != nil {
		return err
	}
	cl.at("2025-03-15", 9)
	next := 0
	for i, t := range towns[:3] {
		vs, err := cl.villagesOf(ctx, t)
		if err != nil {
			return err
		}
		switch i {
		case 0, 1:
			if i == 1 {
				vs = vs[:len(vs)-1]
			}
			for j, v := range vs {
				room, err := cl.db.CreateRoom(ctx, cl.actor, consult.RoomInput{OrgID: v.ID, Name: v.Name + "协商议事室",
					Brand: "有事好商量", Address: v.Name + "党群服务中心二楼", Coordinator: v.Name + "联络员",
					CoordinatorPhone: fmt.Sprintf("1390635%04d", 100*i+j), Established: app.MustDate("2025-03-15")})
				if err != nil {
					return fmt.Errorf("room %s: %w", v.Name, err)
				}
				cl.stats.rooms++
				if i == 0 && len(members) >= 2 {
					if err := cl.roomWork(ctx, room, members[next%len(members)].ID, members[(next+1)%len(members)].ID, j); err != nil {
						return err
					}
					next += 2
				}
			}
		case 2:
			n := min(3, len(vs))
			var ids []int64
			for _, v := range vs[:n] {
				ids = append(ids, v.ID)
			}
			if _, err := cl.db.CreateRoom(ctx, cl.actor, consult.RoomInput{OrgID: t.ID, Name: t.Name + "联建协商议事室",
				Brand: "有事好商量", Address: t.Name + "便民服务中心", Coordinator: t.Name + "联络员",
				CoordinatorPhone: "13906359999", Established: app.MustDate("2025-05-20"), VillageIDs: ids}); err != nil {
				return fmt.Errorf("room %s: %w", t.Name, err)
			}
			cl.stats.rooms++
		}
	}
	return nil
}

var activityTopics = []struct{ title, result string }{
	{"村内生活垃圾分类和清运", "确定每周二、五集中清运，设分类投放点4处"},
	{"老年人助餐点选址", "选定村委会西侧闲置用房，由村集体改造"},
	{"农田灌溉机井维修", "列入镇年度维修计划，6月底前完成"},
	{"村规民约修订", "修订稿经村民代表会议表决通过"},
}

// roomWork assigns two members to a room and records two activities with them.
func (cl *consultLoader) roomWork(ctx context.Context, room consult.Room, a, b int64, k int) error {
	for _, m := range []int64{a, b} {
		if _, err := cl.db.AssignRoomMember(ctx, cl.actor, room.ID, consult.RoomMemberInput{MemberID: m,
			From: app.MustDate("2025-03-15")}); err != nil {
			return fmt.Errorf("assign member: %w", err)
		}
	}
	for n := range 2 {
		t := activityTopics[(k+n)%len(activityTopics)]
		day := fmt.Sprintf("2025-%02d-%02d", 4+3*n, 10+k%15)
		cl.at(day, 15)
		if _, err := cl.db.CreateRoomActivity(ctx, cl.actor, room.ID, consult.ActivityInput{HeldOn: app.MustDate(day),
			Title: t.title, Content: "围绕" + t.title + "听取村民意见，委员和村“两委”成员逐一回应。",
			MemberIDs: []int64{a, b}, Residents: 12 + 3*k + n, Others: "村“两委”成员、村民代表", Result: t.result}); err != nil {
			return fmt.Errorf("activity: %w", err)
		}
		cl.stats.activities++
	}
	return nil
}

// collection runs the city's 2026 topic collection: a public campaign,
// members' and a department's suggestions, screening into the 2026 plan,
// and the plan's adoption at a chair's meeting.
func (cl *consultLoader) collection(ctx context.Context) error {
	db, a, city := cl.db, cl.actor, cl.city.org
	cl.at("2025-11-10", 9)
	camp, err := db.CreateCampaign(ctx, a, consult.Campaign{OrgID: city.ID, Year: 2026, Title: "2026年度协商议题征集",
		Intro:   "围绕全市经济社会发展和群众关心的实际问题，面向全体委员和社会各界征集2026年度协商议题。",
		OpensOn: app.MustDate("2025-11-10"), ClosesOn: app.MustDate("2025-12-20"), Public: true})
	if err != nil {
		return fmt.Errorf("campaign: %w", err)
	}
	// From the public page (names optional; the address kept only as a keyed hash).
	for i, s := range []consult.Suggestion{
		{Title: "解决老城区停车难问题", Content: "老城区小区车位严重不足，建议利用边角地建设立体停车场，错时开放机关单位停车场。", Name: "王先生"},
		{Title: "增加社区养老服务站", Content: "很多老人白天独自在家，建议每个社区建一个日间照料中心，提供助餐服务。"},
		{Title: "请在市区修一个大型游乐场", Content: "孩子周末没有地方玩。", Name: "市民"},
	} {
		cl.at(fmt.Sprintf("2025-11-%02d", 15+3*i), 20)
		if _, err := db.SubmitPublicSuggestion(ctx, camp.ID, s, fmt.Sprintf("demo-address-%d", i)); err != nil {
			return fmt.Errorf("public suggestion: %w", err)
		}
		cl.stats.suggestions++
	}
	// From members, and a department entered by the office.
	for i, in := range []consult.TopicInput{
		{Title: "优化营商环境，破解中小企业融资难题", Description: "中小企业贷款难、贷款贵，建议建立政府性融资担保体系。",
			Source: consult.FromMember, SourceMemberID: cl.city.memberIDs["member"]},
		{Title: "加强城市老旧小区改造后的长效管理", Description: "改造完成后缺少物业管理，设施损坏无人维修。",
			Source: consult.FromMember, SourceMemberID: cl.city.memberIDs["vice-chair-1"]},
		{Title: "推进明湖流域生态保护补偿机制建设", Source: consult.FromDepartment, SourceName: "明湖市生态环境局"},
	} {
		cl.at(fmt.Sprintf("2025-12-%02d", 1+4*i), 10)
		in.OrgID, in.Year = city.ID, 2026
		t, err := db.SubmitSuggestion(ctx, a, camp.ID, in)
		if err != nil {
			return fmt.Errorf("suggestion %s: %w", in.Title, err)
		}
		cl.topicIDs[in.Title] = t.ID
		cl.stats.suggestions++
	}
	// The plan, with the office's own items.
	cl.at("2026-01-05", 9)
	plan, err := db.CreatePlan(ctx, a, store.PlanInput{CommitteeID: city.ID, Year: 2026, Title: ""})
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	leads, err := db.FindSpecialCommittees(ctx, a, city.ID)
	if err != nil || len(leads) == 0 {
		return fmt.Errorf("special committees: %d %v", len(leads), err)
	}
	lead := func(i int) int64 { return leads[i%len(leads)].ID }
	for i, it := range []struct {
		title, desc string
		form        consult.Form
		month       int
	}{
		{"加快推进明湖流域综合治理，打造沿湖生态经济带", "全会协商的重点议题。", consult.Plenary, 1},
		{"推动县域经济高质量发展", "围绕县域特色产业和园区建设开展专题协商。", consult.Thematic, 5},
		{"提升基层医疗卫生服务能力", "聚焦乡镇卫生院和村卫生室的人才、设备短板。", consult.Sector, 7},
	} {
		cl.at("2026-01-08", 9+i)
		if _, err := db.CreatePlanItem(ctx, a, plan.ID, store.PlanTopicInput{Title: it.title, Description: it.desc,
			PlanItemInput: consult.PlanItemInput{Form: it.form, LeadCommitteeID: lead(i), Month: it.month}}); err != nil {
			return fmt.Errorf("plan item %s: %w", it.title, err)
		}
		cl.stats.topics++
	}
	// Screening: suggestions selected into the plan or declined with a reason.
	collected, _, err := db.FindTopics(ctx, a, store.TopicFilter{CampaignID: camp.ID, State: consult.Collected, Limit: 100})
	if err != nil {
		return err
	}
	choices := map[string]struct {
		form   consult.Form
		month  int
		reason string
	}{
		"优化营商环境，破解中小企业融资难题": {consult.Thematic, 8, ""},
		"加强城市老旧小区改造后的长效管理":  {consult.Counterpart, 4, ""},
		"解决老城区停车难问题":        {consult.Online, 6, ""},
		"增加社区养老服务站":         {"", 0, "已纳入市民政局2026年民生实事项目，转交市民政局办理"},
		"请在市区修一个大型游乐场":      {"", 0, "不属于政协协商范围，已转市城市管理局参考"},
		"推进明湖流域生态保护补偿机制建设":  {"", 0, "与全会协商议题“明湖流域综合治理”合并协商"},
	}
	for i, t := range collected {
		c, ok := choices[t.Title]
		if !ok {
			continue
		}
		cl.at("2026-01-12", 9+i%8)
		if c.reason != "" {
			if _, err := db.DeclineTopic(ctx, a, t.ID, c.reason); err != nil {
				return fmt.Errorf("decline %s: %w", t.Title, err)
			}
			continue
		}
		if err := db.SelectTopic(ctx, a, t.ID, store.SelectInput{PlanID: plan.ID, PlanItemInput: consult.PlanItemInput{
			Form: c.form, LeadCommitteeID: lead(i), Month: c.month}}); err != nil {
			return fmt.Errorf("select %s: %w", t.Title, err)
		}
		cl.topicIDs[t.Title] = t.ID
	}
	return cl.adoptAtChairs(ctx, plan.ID)
}

// adoptAtChairs holds a chair's meeting that adopts the plan by show of hands.
func (cl *consultLoader) adoptAtChairs(ctx context.Context, planID int64) error {
	db, a, city := cl.db, cl.actor, cl.city.org
	terms, err := db.FindTerms(ctx, a, city.ID)
	if err != nil || len(terms) == 0 {
		return fmt.Errorf("terms: %v", err)
	}
	cl.at("2026-01-20", 9)
	start := time.Date(2026, 2, 3, 9, 0, 0, 0, db.Loc)
	m, err := db.CreateMeeting(ctx, a, city.ID, meeting.Input{TermID: terms[0].ID, Kind: meeting.Chairs, Seq: 55,
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "市政协机关第一会议室", Presider: cl.city.names["chair"]})
	if err != nil {
		return fmt.Errorf("chair's meeting: %w", err)
	}
	cl.stats.meetings++
	if _, err := db.SubmitPlan(ctx, a, planID, m.ID); err != nil {
		return fmt.Errorf("submit plan: %w", err)
	}
	cl.now = start.Add(-20 * time.Minute)
	if _, err := db.OpenMeeting(ctx, a, m.ID); err != nil {
		return fmt.Errorf("open: %w", err)
	}
	body, err := db.ExpectedMembers(ctx, a, m.ID)
	if err != nil {
		return err
	}
	for i, e := range body {
		at := start.Add(time.Duration(i-len(body)) * time.Minute)
		cl.now = at
		if _, err := db.SignIn(ctx, a, m.ID, e.MemberID, store.SignInClerk, at); err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
	}
	items, err := db.FindAgendaItems(ctx, a, m.ID)
	if err != nil || len(items) == 0 {
		return fmt.Errorf("agenda: %v", err)
	}
	cl.now = start.Add(40 * time.Minute)
	v, err := db.OpenVote(ctx, a, items[0].ID, store.VoteHands, meeting.PassRule{})
	if err != nil {
		return fmt.Errorf("vote: %w", err)
	}
	cl.now = start.Add(42 * time.Minute)
	if _, err := db.RecordHands(ctx, a, v.ID, meeting.Tally{For: len(body)}); err != nil {
		return fmt.Errorf("hands: %w", err)
	}
	if _, err := db.CloseVote(ctx, a, v.ID); err != nil {
		return fmt.Errorf("close vote: %w", err)
	}
	cl.now = start.Add(90 * time.Minute)
	_, err = db.CloseMeeting(ctx, a, m.ID)
	return err
}

// tiers: the city pushes a party-committee topic down to two counties; a
// village raises a topic in its room and sends it up to 东岭县, which
// selects it.
func (cl *consultLoader) tiers(ctx context.Context) error {
	db, a := cl.db, cl.actor
	city, county := cl.city.org, cl.counties[0].org
	cl.at("2026-02-20", 9)
	ct, err := db.CreateTopic(ctx, a, consult.TopicInput{OrgID: city.ID, Year: 2026, Title: "推进农村人居环境整治提升",
		Description: "市委交办：围绕农村厕所革命、生活垃圾和污水治理开展协商。", Form: consult.Thematic,
		PlannedMonth: 6, Source: consult.FromParty, SourceName: "中共明湖市委"})
	if err != nil {
		return fmt.Errorf("city topic: %w", err)
	}
	cl.stats.topics++
	cl.at("2026-02-25", 9)
	if _, err := db.AdvanceTopic(ctx, a, ct.ID, store.AdvanceInput{To: consult.Selected, Note: "市委交办，列入协商"}); err != nil {
		return err
	}
	cl.at("2026-03-01", 9)
	kids, err := db.PushDownTopic(ctx, a, ct.ID, []int64{county.ID, cl.counties[1].org.ID})
	if err != nil {
		return fmt.Errorf("push down: %w", err)
	}
	cl.stats.topics += len(kids)
	// 东岭县 names its participants on the pushed-down topic.
	cl.at("2026-03-10", 10)
	if _, err := db.AddTopicParticipant(ctx, a, kids[0].ID, store.ParticipantInput{Kind: "department",
		Name: "东岭县农业农村局", Affiliation: "县直部门"}); err != nil {
		return fmt.Errorf("participant: %w", err)
	}
	if _, err := db.AdvanceTopic(ctx, a, kids[0].ID, store.AdvanceInput{To: consult.Participants}); err != nil {
		return err
	}

	village := firstVillage(cl.counties[0].villages)
	cl.at("2026-03-10", 15)
	vt, err := db.CreateTopic(ctx, a, consult.TopicInput{OrgID: village.ID, Year: 2026, Title: "村内主干道硬化和路灯安装",
		Description: "村内主干道1.2公里为土路，雨天泥泞，夜间无照明，群众出行不便。", Form: consult.Grassroots,
		Source: consult.FromRoom, SourceName: village.Name + "协商议事室"})
	if err != nil {
		return fmt.Errorf("village topic: %w", err)
	}
	cl.stats.topics++
	cl.at("2026-03-20", 10)
	if _, err := db.AdvanceTopic(ctx, a, vt.ID, store.AdvanceInput{To: consult.Escalated,
		TargetOrgID: county.ID, Note: "涉及县级交通和财政资金，村级无法解决"}); err != nil {
		return fmt.Errorf("escalate: %w", err)
	}
	cl.stats.topics++
	links, err := db.FindTopicLinks(ctx, a, vt.ID)
	if err != nil || links.Upper == nil {
		return fmt.Errorf("escalated topic: %v", err)
	}
	cl.topicIDs["road"] = links.Upper.ID
	cl.at("2026-04-01", 9)
	_, err = db.AdvanceTopic(ctx, a, links.Upper.ID, store.AdvanceInput{To: consult.Selected, Note: "列入东岭县政协2026年度协商计划"})
	return err
}

// handling runs the county's road topic to its close, and sends a city
// outcome to 市住建局 that is still unanswered past its deadline.
func (cl *consultLoader) handling(ctx context.Context) error {
	db, a := cl.db, cl.actor
	county := cl.counties[0]
	id := cl.topicIDs["road"]
	step := func(day string, to, note string) error {
		cl.at(day, 16)
		if _, err := db.AdvanceTopic(ctx, a, id, store.AdvanceInput{To: to, Note: note}); err != nil {
			return fmt.Errorf("road topic → %s: %w", to, err)
		}
		return nil
	}
	members, _, err := db.FindMembers(ctx, a, store.MemberFilter{CommitteeID: county.org.ID, Status: member.Serving, Limit: 6})
	if err != nil || len(members) < 4 {
		return fmt.Errorf("county members: %d %v", len(members), err)
	}
	cl.at("2026-04-10", 10)
	for _, m := range members[:2] {
		if _, err := db.AddTopicParticipant(ctx, a, id, store.ParticipantInput{Kind: "member", MemberID: m.ID}); err != nil {
			return fmt.Errorf("participant: %w", err)
		}
	}
	if _, err := db.AddTopicParticipant(ctx, a, id, store.ParticipantInput{Kind: "resident", Name: "村民代表",
		Affiliation: firstVillage(county.villages).Name}); err != nil {
		return fmt.Errorf("participant: %w", err)
	}
	if err := step("2026-04-10", consult.Participants, ""); err != nil {
		return err
	}
	cl.at("2026-04-22", 17)
	if _, err := db.AddTopicVisit(ctx, a, id, store.VisitInput{Kind: "research", StartsOn: app.MustDate("2026-04-21"),
		EndsOn: app.MustDate("2026-04-22"), Places: firstVillage(county.villages).Name + "\n县交通运输局\n县财政局",
		MemberIDs: []int64{members[0].ID, members[1].ID, members[2].ID}, Others: "县交通运输局、县财政局负责同志",
		Findings: "主干道1.2公里需硬化，需安装路灯40盏；县级农村公路提升计划尚未覆盖该村。"}, nil); err != nil {
		return fmt.Errorf("visit: %w", err)
	}
	if err := step("2026-04-23", consult.Research, ""); err != nil {
		return err
	}
	terms, err := db.FindTerms(ctx, a, county.org.ID)
	if err != nil || len(terms) == 0 {
		return fmt.Errorf("county terms: %v", err)
	}
	start := time.Date(2026, 5, 12, 9, 0, 0, 0, db.Loc)
	cl.at("2026-05-06", 9)
	m, err := db.CreateMeeting(ctx, a, county.org.ID, meeting.Input{TermID: terms[0].ID, Kind: meeting.Symposium,
		Title: "农村道路建设专题协商座谈会", Topic: "村内主干道硬化和路灯安装", StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		Place: "东岭县政协会议室", Invitees: []int64{members[0].ID, members[1].ID, members[2].ID, members[3].ID}})
	if err != nil {
		return fmt.Errorf("consultation meeting: %w", err)
	}
	cl.stats.meetings++
	if err := db.LinkTopicMeeting(ctx, a, id, m.ID); err != nil {
		return err
	}
	if err := step("2026-05-12", consult.Consultation, ""); err != nil {
		return err
	}
	for i, sp := range []store.SpeechInput{
		{MemberID: members[1].ID, Opinion: "建议将该村纳入2026年县级农村公路提升计划，采取“以奖代补”方式筹资。"},
		{MemberID: members[3].ID, Opinion: "路灯建议采用太阳能路灯，减少后期电费负担。"},
		{Speaker: "县交通运输局副局长", Affiliation: "东岭县交通运输局", Opinion: "可在下半年安排硬化工程。"},
	} {
		cl.at("2026-05-12", 10+i)
		if _, err := db.AddTopicSpeech(ctx, a, id, sp); err != nil {
			return fmt.Errorf("speech: %w", err)
		}
	}
	cl.at("2026-05-25", 10)
	oc, err := db.AddTopicOutcome(ctx, a, id, store.OutcomeInput{Kind: "recommendation",
		Title: "关于加快村内道路硬化和照明建设的建议案", Body: "一、将该村主干道纳入县级农村公路提升计划；\n二、安装太阳能路灯40盏；\n三、建立村道日常管护机制。",
		SentTo: "中共东岭县委、东岭县人民政府", SentOn: app.MustDate("2026-05-25")}, nil)
	if err != nil {
		return fmt.Errorf("outcome: %w", err)
	}
	if err := step("2026-05-25", consult.Outcome, ""); err != nil {
		return err
	}
	var units []store.Unit
	for _, u := range []store.UnitInput{
		{CommitteeID: county.org.ID, Name: "东岭县交通运输局", ShortName: "县交通局", Kind: store.UnitGovernment},
		{CommitteeID: county.org.ID, Name: "东岭县财政局", ShortName: "县财政局", Kind: store.UnitGovernment},
	} {
		unit, err := db.CreateUnit(ctx, a, u)
		if err != nil {
			return fmt.Errorf("unit: %w", err)
		}
		units = append(units, unit)
	}
	cl.at("2026-05-28", 10)
	asg, err := db.AssignTopicOutcome(ctx, a, id, store.AssignInput{OutcomeID: oc.ID, LeadUnitIDs: []int64{units[0].ID},
		SupportUnitIDs: []int64{units[1].ID}, Deadline: app.MustDate("2026-08-28")})
	if err != nil || len(asg) != 2 {
		return fmt.Errorf("assign: %v", err)
	}
	if err := step("2026-05-28", consult.Sent, ""); err != nil {
		return err
	}
	// Each unit replies as itself; the lead's first reply is returned and redone.
	unitActor := func(u store.Unit) app.Actor {
		return app.Actor{Name: u.Name, Role: "unit", OrgID: county.org.ID, Path: county.org.Path,
			CommitteeID: county.org.ID, UnitID: u.ID}
	}
	reply := func(day string, k int, body string) (store.Reply, error) {
		cl.at(day, 15)
		r, err := db.ReplyAssignment(ctx, unitActor(units[k]), asg[k].ID, store.ReplyInput{Body: body}, nil)
		if err != nil {
			return r, fmt.Errorf("reply: %w", err)
		}
		return r, nil
	}
	judge := func(day string, r store.Reply, verdict, reason string) error {
		cl.at(day, 10)
		if _, err := db.JudgeReply(ctx, a, r.ID, store.VerdictInput{Verdict: verdict, Reason: reason}); err != nil {
			return fmt.Errorf("verdict: %w", err)
		}
		return nil
	}
	first, err := reply("2026-07-10", 0, "已将该村主干道纳入计划。")
	if err != nil {
		return err
	}
	second, err := reply("2026-07-15", 1, "县财政安排以奖代补资金，路灯由镇政府组织安装。")
	if err != nil {
		return err
	}
	if err := step("2026-07-16", consult.Feedback, ""); err != nil {
		return err
	}
	if err := judge("2026-07-17", first, "returned", "请写明资金来源、工程量和完工时间"); err != nil {
		return err
	}
	redo, err := reply("2026-07-24", 0, "该村主干道1.2公里已纳入2026年县级农村公路提升计划，县财政安排资金180万元，10月底前完工；太阳能路灯40盏已招标。")
	if err != nil {
		return err
	}
	if err := judge("2026-07-25", redo, "accepted", ""); err != nil {
		return err
	}
	if err := judge("2026-07-25", second, "accepted", ""); err != nil {
		return err
	}
	cl.at("2026-07-26", 10)
	for _, x := range asg {
		if _, err := db.SetAssignmentSatisfaction(ctx, a, x.ID, "satisfied"); err != nil {
			return fmt.Errorf("satisfaction: %w", err)
		}
	}
	if err := step("2026-11-05", consult.Closed, "道路硬化和路灯安装已完工，村民满意"); err != nil {
		return err
	}
	return cl.cityOverdue(ctx)
}

// cityOverdue runs the city's 老旧小区 topic to an outcome sent to 市住建局
// (the demo `unit` login's unit) with a deadline that has passed unanswered.
func (cl *consultLoader) cityOverdue(ctx context.Context) error {
	db, a := cl.db, cl.actor
	id := cl.topicIDs["加强城市老旧小区改造后的长效管理"]
	if id == 0 {
		return fmt.Errorf("the 老旧小区 topic was not selected")
	}
	step := func(day, to string) error {
		cl.at(day, 16)
		_, err := db.AdvanceTopic(ctx, a, id, store.AdvanceInput{To: to})
		return err
	}
	cl.at("2026-03-02", 10)
	if _, err := db.AddTopicParticipant(ctx, a, id, store.ParticipantInput{Kind: "member",
		MemberID: cl.city.memberIDs["vice-chair-1"]}); err != nil {
		return err
	}
	if err := step("2026-03-02", consult.Participants); err != nil {
		return err
	}
	cl.at("2026-03-20", 17)
	if _, err := db.AddTopicVisit(ctx, a, id, store.VisitInput{Kind: "inspection", StartsOn: app.MustDate("2026-03-20"),
		Places: "明湖街道幸福里小区\n明湖街道春晖小区", MemberIDs: []int64{cl.city.memberIDs["vice-chair-1"], cl.city.memberIDs["member"]},
		Findings: "改造后的两个小区均无物业，电梯和健身器材损坏无人维修。"}, nil); err != nil {
		return err
	}
	if err := step("2026-03-21", consult.Research); err != nil {
		return err
	}
	meetings, _, err := db.FindMeetings(ctx, a, store.MeetingFilter{CommitteeID: cl.city.org.ID, Kind: meeting.Chairs, Limit: 1})
	if err != nil || len(meetings) == 0 {
		return fmt.Errorf("a city meeting: %v", err)
	}
	if err := db.LinkTopicMeeting(ctx, a, id, meetings[0].ID); err != nil {
		return err
	}
	if err := step("2026-04-15", consult.Consultation); err != nil {
		return err
	}
	cl.at("2026-04-30", 10)
	oc, err := db.AddTopicOutcome(ctx, a, id, store.OutcomeInput{Kind: "opinions", Title: "关于加强老旧小区改造后长效管理的协商意见",
		Body: "建议建立“街道+社区+物业”联管机制，设立维修基金。", SentTo: "明湖市人民政府", SentOn: app.MustDate("2026-04-30")}, nil)
	if err != nil {
		return err
	}
	if err := step("2026-04-30", consult.Outcome); err != nil {
		return err
	}
	units, err := db.FindUnits(ctx, a, store.UnitFilter{})
	if err != nil {
		return err
	}
	var zhujian int64
	for _, u := range units {
		if u.Name == "明湖市住房和城乡建设局" {
			zhujian = u.ID
		}
	}
	cl.at("2026-05-06", 10)
	if _, err := db.AssignTopicOutcome(ctx, a, id, store.AssignInput{OutcomeID: oc.ID, LeadUnitIDs: []int64{zhujian},
		Deadline: app.MustDate("2026-08-06")}); err != nil {
		return err
	}
	return step("2026-05-06", consult.Sent)
}
