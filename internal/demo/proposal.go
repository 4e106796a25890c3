package demo

import (
	"context"
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
)

// Proposals in the demo world: the city committee's 十三届四次会议 (December
// 2024), handled through 2025 and closed — one the `member` login's with
// co-signers, rated 基本满意, a key proposal supervised by the chair and
// named excellent; one merged into another; one not filed and turned into
// a social-conditions report; a sector's group proposal; a C reply rated
// 不满意 — and the 十三届五次会议 (January 2026) still in hand: the
// `member` login's waiting for its rating, one assigned to the `unit`
// login's bureau waiting to be signed for, one filed and not yet assigned,
// one submitted, and one gathering co-signers the `member` login may join.

type proposalStats struct{ proposals, closed int }

// demoPDF is a reply document: a one-page PDF whose text layer is its title.
func demoPDF(title string) []byte {
	return []byte("%PDF-1.4\n% " + title + "\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func (l *loader) proposals(ctx context.Context, city loaded) (proposalStats, error) {
	var st proposalStats
	db, office := l.db, l.actor
	var now time.Time
	saved := db.Now
	db.Now = func() time.Time { return now }
	defer func() { db.Now = saved }()
	at := func(day string, hour int) {
		d := app.MustDate(day)
		now = time.Date(d.Y, d.M, d.D, hour, 0, 0, 0, db.Loc)
	}
	terms, err := db.FindTerms(ctx, office, city.org.ID)
	if err != nil || len(terms) == 0 {
		return st, fmt.Errorf("terms: %v", err)
	}
	term := terms[len(terms)-1]
	for _, t := range terms {
		if t.Number > term.Number {
			term = t
		}
	}
	members, _, err := db.FindMembers(ctx, office, store.MemberFilter{CommitteeID: city.org.ID, TermID: term.ID,
		Sort: "name", Limit: 400})
	if err != nil || len(members) < 40 {
		return st, fmt.Errorf("members: %d %v", len(members), err)
	}
	mine := city.memberIDs["member"]
	var others []int64 // ordinary members, by name, without the member login's
	for _, m := range members {
		if m.ID != mine && m.ID != city.memberIDs["chair"] {
			others = append(others, m.ID)
		}
	}
	sectors, err := db.FindSectors(ctx, office, city.org.ID)
	if err != nil {
		return st, err
	}
	var minjin int64
	for _, s := range sectors {
		if s.Name == "民进" {
			minjin = s.ID
		}
	}
	units := map[string]int64{}
	found, err := db.FindUnits(ctx, office, store.UnitFilter{CommitteeID: city.org.ID})
	if err != nil {
		return st, err
	}
	for _, u := range found {
		units[u.Name] = u.ID
	}
	at("2024-12-01", 9)
	for _, name := range []string{"明湖市教育局", "明湖市交通运输局", "明湖市财政局", "明湖市生态环境局", "明湖市卫生健康委员会"} {
		if _, ok := units[name]; ok {
			continue
		}
		u, err := db.CreateUnit(ctx, office, store.UnitInput{CommitteeID: city.org.ID, Name: name, Kind: store.UnitGovernment})
		if err != nil {
			return st, fmt.Errorf("unit %s: %w", name, err)
		}
		units[name] = u.ID
	}
	zhujian := units["明湖市住房和城乡建设局"]
	memberActor := office
	if acc, ok := l.accountByName["member"]; ok {
		memberActor = app.Actor{AccountID: acc.ID, Name: acc.DisplayName, Role: string(auth.MemberRole), OrgID: city.org.ID,
			Path: city.org.Path, CommitteeID: city.org.ID, MemberID: mine}
	}
	unitActor := office
	if acc, ok := l.accountByName["unit"]; ok {
		unitActor = app.Actor{AccountID: acc.ID, Name: acc.DisplayName, Role: string(auth.Unit), OrgID: city.org.ID,
			Path: city.org.Path, CommitteeID: city.org.ID, UnitID: acc.UnitID}
	}

	var fail error
	check := func(what string, err error) {
		if err != nil && fail == nil {
			fail = fmt.Errorf("%s: %w", what, err)
		}
	}
	draft := func(actor app.Actor, session int, in proposal.Input) int64 {
		in.TermID, in.Session = term.ID, session
		p, err := db.CreateProposal(ctx, actor, in)
		check("proposal "+in.Title, err)
		st.proposals++
		return p.ID
	}
	move := func(actor app.Actor, id int64, in store.ProposalAdvance) {
		if fail != nil {
			return
		}
		_, err := db.AdvanceProposal(ctx, actor, id, in)
		check(fmt.Sprintf("proposal %d → %s", id, in.To), err)
	}
	cosign := func(id int64, ms ...int64) {
		for _, m := range ms {
			if fail == nil {
				check("co-sign", db.Cosign(ctx, office, id, m))
			}
		}
	}
	reply := func(actor app.Actor, id, unit int64, grade proposal.Grade, reason, body string) {
		if fail != nil {
			return
		}
		var doc *store.DocumentInput
		if grade != "" {
			doc = &store.DocumentInput{FileName: "答复函.pdf", Data: demoPDF(body)}
		}
		check("reply", db.ReplyProposal(ctx, actor, id, unit, store.ProposalReplyInput{Grade: grade, Reason: reason, Body: body}, doc))
	}
	sign := func(actor app.Actor, id, unit int64) {
		if fail == nil {
			check("sign", db.SignProposal(ctx, actor, id, unit))
		}
	}
	assign := func(id int64, lead string, support ...string) {
		us := []store.AssignUnit{{UnitID: units[lead], Lead: true}}
		for _, s := range support {
			us = append(us, store.AssignUnit{UnitID: units[s]})
		}
		move(office, id, store.ProposalAdvance{To: proposal.Assigned, Units: us})
	}

	// 十三届四次会议: proposals written before and during the session.
	at("2024-12-10", 9)
	p1 := draft(memberActor, 4, proposal.Input{Title: "关于加快推进城区老旧小区改造的建议", Category: "社会建设",
		Reason:      "我市城区2000年以前建成的老旧小区有126个，普遍存在管网老化、无障碍设施缺失、停车位不足等问题，群众改造意愿强烈。",
		Suggestions: "一是将老旧小区改造列入年度民生实事，分三年完成；二是统筹管线、电梯、停车一体改造；三是建立居民议事会，改造方案由居民商定。"})
	move(memberActor, p1, store.ProposalAdvance{To: proposal.Cosigning})
	cosign(p1, others[0], others[1])
	at("2024-12-18", 9)
	move(memberActor, p1, store.ProposalAdvance{To: proposal.Submitted, Note: "联名已满，提前提交"})
	p2 := draft(office, 4, proposal.Input{Title: "关于推进城区公共停车设施建设的提案", Category: "经济建设", MemberID: others[2],
		Reason: "城区机动车保有量五年增长一倍，公共停车泊位缺口约2万个。", Suggestions: "编制停车设施专项规划，鼓励社会资本建设立体停车库。"})
	move(office, p2, store.ProposalAdvance{To: proposal.Submitted})
	p3 := draft(office, 4, proposal.Input{Title: "关于缓解市人民医院周边停车难的建议", Category: "社会建设", MemberID: others[3],
		Reason: "就医高峰时段医院周边道路拥堵严重。", Suggestions: "利用周边空地建设临时停车场，推行错时共享停车。"})
	move(office, p3, store.ProposalAdvance{To: proposal.Submitted})
	p4 := draft(office, 4, proposal.Input{Title: "关于举办明湖市民文化节的建议", Category: "文化建设", MemberID: others[4],
		Reason: "丰富市民文化生活。", Suggestions: "每年秋季举办市民文化节。"})
	move(office, p4, store.ProposalAdvance{To: proposal.Submitted})
	p5 := draft(office, 4, proposal.Input{Title: "关于加强中小学生心理健康教育的提案", Category: "社会建设", AuthorKind: proposal.ByGroup,
		GroupKind: proposal.GroupSector, SectorID: minjin,
		Reason:      "中小学生心理问题呈低龄化趋势，专职心理教师配备不足。",
		Suggestions: "按师生比配齐专职心理健康教师，建立学校、家庭、医院联动的心理危机干预机制。"})
	move(office, p5, store.ProposalAdvance{To: proposal.Submitted})
	p6 := draft(office, 4, proposal.Input{Title: "关于加强农村饮用水水源地保护的建议", Category: "生态文明建设", MemberID: others[5],
		Reason: "部分农村水源地保护区内仍有养殖场。", Suggestions: "全面排查水源保护区，限期搬迁养殖场，建立长效巡查机制。"})
	move(office, p6, store.ProposalAdvance{To: proposal.Submitted})

	// Review after the session.
	at("2024-12-27", 10)
	for _, id := range []int64{p1, p2, p5, p6} {
		move(office, id, store.ProposalAdvance{To: proposal.Filed})
	}
	move(office, p3, store.ProposalAdvance{To: proposal.Merged, MergeInto: p2})
	move(office, p4, store.ProposalAdvance{To: proposal.NotFiled, Conversion: proposal.ToReport,
		Note: "属于一般性工作建议，不符合立案标准，转为社情民意信息报送"})
	at("2025-01-06", 10)
	assign(p1, "明湖市住房和城乡建设局", "明湖市财政局")
	assign(p2, "明湖市交通运输局")
	assign(p5, "明湖市教育局", "明湖市卫生健康委员会")
	assign(p6, "明湖市生态环境局")
	check("key proposal", db.MarkKeyProposal(ctx, office, p1, 2025, city.names["chair"]))
	at("2025-01-09", 9)
	sign(unitActor, p1, 0)
	for _, id := range []int64{p1, p2, p5, p6} {
		w, err := db.FindProposalWork(ctx, office, id)
		check("work", err)
		for _, a := range w.Assignments {
			if a.Status == store.PAAssigned {
				sign(office, id, a.UnitID)
			}
		}
	}
	at("2025-03-20", 15)
	reply(office, p1, units["明湖市财政局"], "", "", "市财政已将老旧小区改造配套资金列入2025年预算。")
	reply(unitActor, p1, 0, proposal.GradeA, "", "2025年已完成42个小区改造，其余列入计划。")
	reply(office, p2, units["明湖市交通运输局"], proposal.GradeA, "", "已编制停车专项规划，新建公共泊位6200个。")
	reply(office, p5, units["明湖市教育局"], proposal.GradeB, "", "已制定专职心理教师配备三年计划，2025年招聘48名。")
	reply(office, p6, units["明湖市生态环境局"], proposal.GradeC, "涉及养殖户安置和补偿资金，需省级统筹", "已完成排查，搬迁需分步实施。")
	at("2025-03-28", 10)
	move(office, p1, store.ProposalAdvance{To: proposal.ReplyReturned, Note: "答复称全部小区已列入计划，但未附年度计划安排，请补充"})
	at("2025-04-10", 10)
	reply(unitActor, p1, 0, proposal.GradeB, "", "2025年改造42个小区，2026年改造50个，2027年完成其余34个；年度计划附后。")
	at("2025-04-20", 10)
	rate := func(actor app.Actor, id, unit int64, s proposal.Satisfaction, c proposal.Contact, note string) {
		if fail == nil {
			check("rate", db.RateProposal(ctx, actor, id, unit, store.RatingInput{Satisfaction: s, Contact: c, Note: note}))
		}
	}
	rate(memberActor, p1, zhujian, proposal.FairlySatisfied, proposal.FaceToFace, "希望加快进度")
	rate(office, p5, units["明湖市教育局"], proposal.Satisfied, proposal.Meeting, "")
	for _, r := range []struct {
		id, unit int64
		s        proposal.Satisfaction
		c        proposal.Contact
	}{{p2, units["明湖市交通运输局"], proposal.Satisfied, proposal.Phone}, {p6, units["明湖市生态环境局"], proposal.Dissatisfied, proposal.Letter}} {
		// Ratings by members without an account: the office records them
		// as the members gave them on paper (here, as that member).
		w, _ := db.FindProposalByID(ctx, office, r.id)
		rater := app.Actor{Name: w.Proposer, Role: string(auth.MemberRole), OrgID: city.org.ID, Path: city.org.Path,
			CommitteeID: city.org.ID, MemberID: w.MemberID}
		rate(rater, r.id, r.unit, r.s, r.c, "")
	}
	at("2025-05-10", 10)
	for _, id := range []int64{p1, p2, p5, p6} {
		move(office, id, store.ProposalAdvance{To: proposal.Closed})
		st.closed++
	}
	at("2025-12-15", 10)
	check("excellent", db.MarkExcellentProposal(ctx, office, p1, 2025))

	// 十三届五次会议 (January 2026): still in hand.
	at("2026-01-08", 9)
	p7 := draft(memberActor, 5, proposal.Input{Title: "关于优化城区义务教育学校划片招生的建议", Category: "社会建设",
		Reason:      "部分学区学位紧张与空余并存，划片边界多年未调整。",
		Suggestions: "按学龄人口预测动态调整学区，公开学位预警信息。"})
	move(memberActor, p7, store.ProposalAdvance{To: proposal.Submitted})
	p8 := draft(office, 5, proposal.Input{Title: "关于完善城市排水防涝设施的建议", Category: "生态文明建设", MemberID: others[6],
		Reason: "2025年汛期城区多处积水。", Suggestions: "改造易涝点排水管网，建设海绵城市设施。"})
	move(office, p8, store.ProposalAdvance{To: proposal.Submitted})
	p9 := draft(office, 5, proposal.Input{Title: "关于发展夜间经济的建议", Category: "经济建设", MemberID: others[7],
		Reason: "夜间消费潜力有待释放。", Suggestions: "打造夜间消费街区，延长公共交通运营时间。"})
	move(office, p9, store.ProposalAdvance{To: proposal.Submitted})
	p10 := draft(office, 5, proposal.Input{Title: "关于推进社区养老服务中心建设的建议", Category: "社会建设", MemberID: others[8],
		Reason: "城区60岁以上人口占比达22%。", Suggestions: "每个街道建设一处综合养老服务中心。"})
	move(office, p10, store.ProposalAdvance{To: proposal.Submitted})
	at("2026-01-20", 10)
	for _, id := range []int64{p7, p8, p9} {
		move(office, id, store.ProposalAdvance{To: proposal.Filed})
	}
	at("2026-02-03", 10)
	assign(p7, "明湖市教育局", "明湖市住房和城乡建设局")
	at("2026-02-06", 10)
	w7, err := db.FindProposalWork(ctx, office, p7)
	check("work", err)
	for _, a := range w7.Assignments {
		if a.UnitID == zhujian {
			sign(unitActor, p7, 0)
		} else {
			sign(office, p7, a.UnitID)
		}
	}
	at("2026-04-15", 15)
	reply(office, p7, units["明湖市教育局"], proposal.GradeA, "", "2026年起按学龄人口预测每年调整学区，学位预警信息在教育局网站公开。")
	at("2026-11-28", 10)
	assign(p8, "明湖市住房和城乡建设局")
	// Gathering co-signers now: the member login may join until the deadline.
	p11 := draft(office, 5, proposal.Input{Title: "关于建设城市慢行绿道系统的建议", Category: "生态文明建设", MemberID: others[9],
		Reason: "城区缺少连续的步行和骑行通道。", Suggestions: "依托河道和公园建设慢行绿道，串联主要景点和社区。"})
	move(office, p11, store.ProposalAdvance{To: proposal.Cosigning})
	cosign(p11, others[10])
	if fail != nil {
		return st, fail
	}
	return st, l.reports(ctx, city, memberActor, others, at)
}

// reports: social-conditions reports of the city committee in 2026 — the
// member login's, co-written, adopted by the city and then the province
// with a vice-governor's instruction; two merged into one adopted by the
// city; one declined; one forwarded and waiting; the one the not-filed
// proposal became, waiting for the office.
func (l *loader) reports(ctx context.Context, city loaded, memberActor app.Actor, others []int64, at func(string, int)) error {
	db, office := l.db, l.actor
	at("2026-03-02", 9)
	create := func(actor app.Actor, title, body string, authors ...int64) (int64, error) {
		in := store.ReportInput{OrgID: city.org.ID, Year: 2026, Title: title, Body: body}
		for _, m := range authors {
			in.Authors = append(in.Authors, store.ReportAuthorInput{MemberID: m})
		}
		r, err := db.CreateReport(ctx, actor, in)
		if err != nil {
			return 0, fmt.Errorf("report %s: %w", title, err)
		}
		return r.ID, nil
	}
	r1, err := create(memberActor, "关于农村留守儿童课后托管难的情况反映",
		"部分乡镇留守儿童放学后无人看护，建议依托村级活动场所开设课后托管点。", others[11])
	if err != nil {
		return err
	}
	r2, err := create(office, "关于城区电动自行车充电难的反映", "老旧小区缺少集中充电设施，飞线充电现象突出。", others[12])
	if err != nil {
		return err
	}
	r3, err := create(office, "群众反映电动车充电安全隐患", "楼道充电存在火灾隐患。", others[13])
	if err != nil {
		return err
	}
	r4, err := create(office, "关于某商场促销活动的意见", "商场促销噪音扰民。", others[14])
	if err != nil {
		return err
	}
	r5, err := create(office, "关于加强预制菜食品安全监管的建议", "预制菜生产企业小散多，监管存在盲区。", others[15], others[16])
	if err != nil {
		return err
	}
	at("2026-03-10", 10)
	if _, err := db.MergeReports(ctx, office, r2, []int64{r3}, "反映同一问题，合并编报"); err != nil {
		return fmt.Errorf("merge reports: %w", err)
	}
	if _, err := db.DeclineReport(ctx, office, r4, "属个别商户经营行为，已转市场监管部门处理"); err != nil {
		return fmt.Errorf("decline report: %w", err)
	}
	for _, id := range []int64{r1, r2, r5} {
		if _, err := db.ForwardReport(ctx, office, id, store.ForwardInput{To: "明湖市委办公室、市政府办公室"}); err != nil {
			return fmt.Errorf("forward report: %w", err)
		}
	}
	adopt := func(id int64, in proposal.Adoption) error {
		if _, err := db.AdoptReport(ctx, office, id, in); err != nil {
			return fmt.Errorf("adopt report: %w", err)
		}
		return nil
	}
	at("2026-04-10", 16)
	if err := adopt(r1, proposal.Adoption{Level: proposal.City, AdoptedOn: app.MustDate("2026-04-08"),
		AdoptedBy: "市委办公室《每日要情》第86期"}); err != nil {
		return err
	}
	if err := adopt(r2, proposal.Adoption{Level: proposal.City, AdoptedOn: app.MustDate("2026-04-08"),
		AdoptedBy: "市政府办公室《政务信息》第41期", Instruction: "请市住建局会同消防救援支队研究解决。", Leader: "副市长",
		InstructionOn: app.MustDate("2026-04-10")}); err != nil {
		return err
	}
	at("2026-05-20", 10)
	if _, err := db.ForwardReport(ctx, office, r1, store.ForwardInput{To: "省政协办公厅"}); err != nil {
		return fmt.Errorf("forward report: %w", err)
	}
	at("2026-06-25", 16)
	return adopt(r1, proposal.Adoption{Level: proposal.Province, AdoptedOn: app.MustDate("2026-06-18"),
		AdoptedBy: "省政协办公厅《社情民意》第23期", Instruction: "此事关乎留守儿童健康成长，请省教育厅会同民政厅研究。",
		Leader: "副省长", InstructionOn: app.MustDate("2026-06-25")})
}
