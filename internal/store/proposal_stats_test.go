package store_test

import (
	"context"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// statsWorld is the meeting world (county A's term 10, 教育界 and 经济界)
// with a member of 经济界 and one without a sector, three handling units
// with their accounts, and proposals of sessions 4 and 5 in every state the
// statistics tell apart (see buildStatsWorld).
type statsWorld struct {
	meetingWorld
	chen, zheng        member.Member
	jian, jiao, min    store.Unit
	unitJian, unitJiao app.Actor
	unitMin            app.Actor
	now                time.Time
}

func (w *statsWorld) day(d string) {
	t := app.MustDate(d)
	w.now = time.Date(t.Y, t.M, t.D, 2, 0, 0, 0, time.UTC) // 10:00 in China
}

// statsMove advances a proposal or fails the test.
func statsMove(t *testing.T, db *store.DB, actor app.Actor, id int64, in store.ProposalAdvance) {
	t.Helper()
	p, err := db.AdvanceProposal(context.Background(), actor, id, in)
	if err != nil {
		t.Fatalf("advance %d to %s: %v", id, in.To, err)
	}
	if p.State != in.To {
		t.Fatalf("proposal %d is %s, want %s", id, p.State, in.To)
	}
}

func statsOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// buildStatsWorld writes, through the store's own functions:
//
//	session 4
//	  P1  钱委 (教育界) 社会建设  filed, 住建局 lead replies A (满意), 教体局 supporting replies
//	                            with a grade of its own (基本满意); closed; key and excellent
//	  P2  孙委 (教育界) 经济建设  filed, 教体局 lead B (不满意) and 民政局 lead C (满意): rated
//	  P3  陈经 (经济界) 经济建设  filed, then merged into P2
//	  P4  经济界 (group)  文化建设  not filed, to a letter
//	  P5  提案委员会 (group)  —   not filed, to a social-conditions report
//	  P6  民盟 (party)  生态文明建设 submitted, pending review
//	  P7  钱委 社会建设  assigned to 住建局 on 03-01, never signed (sign-by 03-08)
//	  P8  李副 (教育界) 党的建设 教体局 signed, reply due 03-20
//	  P10 郑无 (no sector) 政治建设 住建局 asked to return it, granted: filed again
//	  a draft and one gathering co-signers (no number: not counted)
//	session 5
//	  P11 孙委 社会建设  住建局 replied A, sent back; due 03-22
//	  P12 赵常 经济建设  assigned to 教体局 on 03-17 (sign-by 03-24)
//	  P13 王秘 其他      assigned to 住建局 on 03-18 (sign-by 03-25)
//	county B: one submitted proposal
//
// and leaves the clock on 2024-03-25.
func buildStatsWorld(t *testing.T, db *store.DB) *statsWorld {
	t.Helper()
	ctx := context.Background()
	w := &statsWorld{meetingWorld: buildMeetingWorld(t, db)}
	w.day("2024-03-01")
	db.Now = func() time.Time { return w.now }
	var err error
	w.chen, err = db.CreateMemberInTerm(ctx, w.actorA, w.countyA.ID, person("陈经", 201),
		&member.MembershipInput{TermID: w.term.ID, SectorID: w.econ.ID, StartDate: w.term.StartDate})
	statsOK(t, "member of 经济界", err)
	w.zheng, err = db.CreateMemberInTerm(ctx, w.actorA, w.countyA.ID, person("郑无", 202),
		&member.MembershipInput{TermID: w.term.ID, SectorID: w.econ.ID, StartDate: w.term.StartDate})
	statsOK(t, "member", err)
	// A seat without a sector, as rosters kept before sectors were required have.
	statsOK(t, "seat without a sector", db.ConsultTestExec(ctx, `UPDATE term_member SET sector_id = NULL WHERE member_id = $1`, w.zheng.ID))
	unit := func(name string, account int64) (store.Unit, app.Actor) {
		u, err := db.CreateUnit(ctx, w.actorA, store.UnitInput{Name: name, Kind: store.UnitGovernment})
		statsOK(t, "unit "+name, err)
		a := actorAt(w.countyA)
		a.Role, a.UnitID, a.AccountID, a.Name = string(auth.Unit), u.ID, account, name
		return u, a
	}
	w.jian, w.unitJian = unit("东阿县住房和城乡建设局", 601)
	w.jiao, w.unitJiao = unit("东阿县教育和体育局", 602)
	w.min, w.unitMin = unit("东阿县民政局", 603)
	office := w.actorA
	doc := func() *store.DocumentInput { return &store.DocumentInput{FileName: "答复函.pdf", Data: pdfBytes} }
	// submitted creates a proposal and submits it.
	submitted := func(session int, title, category string, author proposal.Input) int64 {
		t.Helper()
		in := author
		in.TermID, in.Session, in.Title, in.Category = w.term.ID, session, title, category
		p, err := db.CreateProposal(ctx, office, in)
		statsOK(t, "create "+title, err)
		statsMove(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Submitted})
		return p.ID
	}
	byMember := func(m member.Member) proposal.Input { return proposal.Input{MemberID: m.ID} }
	filed := func(session int, title, category string, m member.Member) int64 {
		t.Helper()
		id := submitted(session, title, category, byMember(m))
		statsMove(t, db, office, id, store.ProposalAdvance{To: proposal.Filed})
		return id
	}
	assign := func(id int64, deadline string, units ...store.AssignUnit) {
		t.Helper()
		in := store.ProposalAdvance{To: proposal.Assigned, Units: units}
		if deadline != "" {
			in.Deadline = app.MustDate(deadline)
		}
		statsMove(t, db, office, id, in)
	}
	lead := func(u store.Unit) store.AssignUnit { return store.AssignUnit{UnitID: u.ID, Lead: true} }
	reply := func(unit app.Actor, id int64, grade, reason string) {
		t.Helper()
		statsOK(t, unit.Name+" replies", db.ReplyProposal(ctx, unit, id, 0,
			store.ProposalReplyInput{Grade: proposal.Grade(grade), Reason: reason, Body: "答复"}, doc()))
	}
	rate := func(m member.Member, id int64, u store.Unit, s proposal.Satisfaction) {
		t.Helper()
		statsOK(t, "rate "+u.Name, db.RateProposal(ctx, w.memberActor(m), id, u.ID,
			store.RatingInput{Satisfaction: s, Contact: proposal.FaceToFace}))
	}

	// Session 4.
	p1 := filed(4, "老旧小区改造", "社会建设", w.qian)
	p2 := filed(4, "农村道路养护资金", "经济建设", w.sun)
	p3 := filed(4, "农村公路养护", "经济建设", w.chen)
	statsMove(t, db, office, p3, store.ProposalAdvance{To: proposal.Merged, MergeInto: p2})
	p4 := submitted(4, "发展文旅产业", "文化建设", proposal.Input{AuthorKind: proposal.ByGroup,
		GroupKind: proposal.GroupSector, SectorID: w.econ.ID})
	statsMove(t, db, office, p4, store.ProposalAdvance{To: proposal.NotFiled, Note: "属于具体事务", Conversion: proposal.ToLetter})
	p5 := submitted(4, "提案办理协商", "", proposal.Input{AuthorKind: proposal.ByGroup,
		GroupKind: proposal.GroupSpecial, SpecialCommitteeID: w.proposals.ID})
	statsMove(t, db, office, p5, store.ProposalAdvance{To: proposal.NotFiled, Note: "不属于提案范围", Conversion: proposal.ToReport})
	submitted(4, "黄河湿地保护", "生态文明建设", proposal.Input{AuthorKind: proposal.ByGroup, GroupKind: proposal.GroupParty,
		GroupName: "民盟东阿县委员会"})
	p7 := filed(4, "城区停车难", "社会建设", w.qian)
	p8 := filed(4, "基层党建", "党的建设", w.li)
	p10 := filed(4, "村务公开", "政治建设", w.zheng)
	_, err = db.CreateProposal(ctx, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "草稿", MemberID: w.qian.ID})
	statsOK(t, "draft", err)
	cosigning, err := db.CreateProposal(ctx, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "征集联名中", MemberID: w.sun.ID})
	statsOK(t, "cosigning", err)
	statsMove(t, db, office, cosigning.ID, store.ProposalAdvance{To: proposal.Cosigning})

	assign(p1, "", lead(w.jian), store.AssignUnit{UnitID: w.jiao.ID})
	statsOK(t, "sign p1", db.SignProposal(ctx, w.unitJian, p1, 0))
	statsOK(t, "sign p1", db.SignProposal(ctx, w.unitJiao, p1, 0))
	reply(w.unitJiao, p1, "A", "") // a supporting unit's grade is not a reply grade
	reply(w.unitJian, p1, "A", "")
	rate(w.qian, p1, w.jiao, proposal.FairlySatisfied)
	rate(w.qian, p1, w.jian, proposal.Satisfied)
	statsMove(t, db, office, p1, store.ProposalAdvance{To: proposal.Closed})
	statsOK(t, "key", db.MarkKeyProposal(ctx, office, p1, 2024, "张主席"))
	statsOK(t, "excellent", db.MarkExcellentProposal(ctx, office, p1, 2024))

	assign(p2, "", lead(w.jiao), lead(w.min))
	statsOK(t, "sign p2", db.SignProposal(ctx, w.unitJiao, p2, 0))
	statsOK(t, "sign p2", db.SignProposal(ctx, w.unitMin, p2, 0))
	reply(w.unitJiao, p2, "B", "")
	reply(w.unitMin, p2, "C", "财力所限")
	rate(w.sun, p2, w.jiao, proposal.Dissatisfied)
	rate(w.sun, p2, w.min, proposal.Satisfied)

	assign(p7, "", lead(w.jian))
	assign(p8, "2024-03-20", lead(w.jiao))
	statsOK(t, "sign p8", db.SignProposal(ctx, w.unitJiao, p8, 0))
	assign(p10, "", lead(w.jian))
	statsOK(t, "ask return", db.AskReturn(ctx, w.unitJian, p10, "不属于本单位职责"))
	statsMove(t, db, office, p10, store.ProposalAdvance{To: proposal.Filed})

	// Session 5.
	p11 := filed(5, "社区养老", "社会建设", w.sun)
	assign(p11, "2024-03-22", lead(w.jian))
	statsOK(t, "sign p11", db.SignProposal(ctx, w.unitJian, p11, 0))
	reply(w.unitJian, p11, "A", "")
	statsMove(t, db, office, p11, store.ProposalAdvance{To: proposal.ReplyReturned, Note: "答复过于简单"})
	p12 := filed(5, "中小企业融资", "经济建设", w.zhao)
	p13 := filed(5, "其他事项", "其他", w.wang)
	w.day("2024-03-17")
	assign(p12, "", lead(w.jiao))
	w.day("2024-03-18")
	assign(p13, "", lead(w.jian))

	// County B.
	pb, err := db.CreateProposal(ctx, w.actorB, proposal.Input{TermID: w.termB.ID, Session: 1, Title: "阳谷县的提案",
		AuthorKind: proposal.ByGroup, GroupKind: proposal.GroupOther, GroupName: "县工商联"})
	statsOK(t, "county B", err)
	statsMove(t, db, w.actorB, pb.ID, store.ProposalAdvance{To: proposal.Submitted})

	w.day("2024-03-25")
	return w
}

// Every figure of the statistics, counted from proposals built through the
// store, for the whole term and for one session; the scope refusals.
func TestProposalStats(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildStatsWorld(t, db)
		st, err := db.FindProposalStats(ctx, w.actorA, 0, 0, 0)
		statsOK(t, "stats", err)
		if st.CommitteeID != w.countyA.ID || st.CommitteeName != "东阿县政协" || st.TermID != w.term.ID || st.TermNumber != 10 ||
			st.Session != 0 || st.AsOf != "2024-03-25" || len(st.Sessions) != 2 || st.Sessions[0] != 4 || st.Sessions[1] != 5 {
			t.Fatalf("selection: %+v", st)
		}
		s4 := store.ProposalCounts{Session: 4, Submitted: 9, Filed: 5, NotFiled: 2, ToLetter: 1, ToReport: 1, Merged: 1,
			Pending: 1, Closed: 1, Key: 1, Excellent: 1}
		s5 := store.ProposalCounts{Session: 5, Submitted: 3, Filed: 3}
		total := store.ProposalCounts{Submitted: 12, Filed: 8, NotFiled: 2, ToLetter: 1, ToReport: 1, Merged: 1, Pending: 1,
			Closed: 1, Key: 1, Excellent: 1}
		if len(st.BySession) != 2 || st.BySession[0] != s4 || st.BySession[1] != s5 || st.Total != total {
			t.Fatalf("by session %+v total %+v", st.BySession, st.Total)
		}
		wantGroups(t, "category", st.ByCategory, []store.ProposalGroupCount{{Name: "经济建设", Submitted: 3, Filed: 2},
			{Name: "政治建设", Submitted: 1, Filed: 1}, {Name: "文化建设", Submitted: 1}, {Name: "社会建设", Submitted: 3, Filed: 3},
			{Name: "生态文明建设", Submitted: 1}, {Name: "党的建设", Submitted: 1, Filed: 1}, {Name: "其他", Submitted: 1, Filed: 1},
			{Name: "未分类", Submitted: 1}})
		wantGroups(t, "sector", st.BySector, []store.ProposalGroupCount{
			{Name: "教育界", SectorID: w.edu.ID, Submitted: 7, Filed: 7}, {Name: "经济界", SectorID: w.econ.ID, Submitted: 2},
			{Name: "专门委员会", Submitted: 1}, {Name: "党派团体", Submitted: 1}, {Name: "未分界别", Submitted: 1, Filed: 1}})
		wantUnits(t, st.ByUnit, []store.ProposalUnitCount{
			{UnitID: w.jian.ID, Name: w.jian.Name, Lead: 4, Signed: 2, Replied: 1, Overdue: 2, GradeA: 1, Satisfied: 1},
			{UnitID: w.jiao.ID, Name: w.jiao.Name, Lead: 3, Supporting: 1, Signed: 3, Replied: 2, Overdue: 2, GradeB: 1,
				Basically: 1, Dissatisfied: 1},
			{UnitID: w.min.ID, Name: w.min.Name, Lead: 1, Signed: 1, Replied: 1, GradeC: 1, Satisfied: 1}})
		if st.Grades != (store.ProposalGrades{A: 1, B: 1, C: 1}) {
			t.Errorf("grades %+v", st.Grades)
		}
		if st.Ratings != (store.ProposalRatings{Satisfied: 2, Basically: 1, Dissatisfied: 1, Rated: 4}) {
			t.Errorf("ratings %+v", st.Ratings)
		}
		if st.Satisfied != (store.ProposalRate{Count: 2, Of: 4, Text: "50%"}) ||
			st.Favourable != (store.ProposalRate{Count: 3, Of: 4, Text: "75%"}) {
			t.Errorf("rates %+v %+v", st.Satisfied, st.Favourable)
		}
		// 住建局: P7 unsigned since 03-01 (sign-by 03-08) and P11 sent back, due 03-22;
		// 教体局: P8 due 03-20 and P12 unsigned since 03-17 (sign-by 03-24); P13's
		// sign-by is today, not past.
		if len(st.OverdueUnits) != 2 ||
			st.OverdueUnits[0] != (store.ProposalOverdueUnit{UnitID: w.jian.ID, Name: w.jian.Name, Overdue: 2, Oldest: "2024-03-08"}) ||
			st.OverdueUnits[1] != (store.ProposalOverdueUnit{UnitID: w.jiao.ID, Name: w.jiao.Name, Overdue: 2, Oldest: "2024-03-20"}) {
			t.Errorf("overdue units %+v", st.OverdueUnits)
		}

		// The units' own lists mark the same assignments overdue.
		for _, u := range []app.Actor{w.unitJian, w.unitJiao, w.unitMin} {
			late, err := db.FindUnitProposals(ctx, u, store.UnitProposalFilter{Overdue: true})
			statsOK(t, "unit list", err)
			want := 0
			for _, c := range st.ByUnit {
				if c.UnitID == u.UnitID {
					want = c.Overdue
				}
			}
			if len(late) != want {
				t.Errorf("%s lists %d overdue, the statistics count %d", u.Name, len(late), want)
			}
		}

		// One session: the fifth.
		st5, err := db.FindProposalStats(ctx, w.actorA, w.countyA.ID, w.term.ID, 5)
		statsOK(t, "session 5", err)
		if st5.Session != 5 || len(st5.Sessions) != 2 || len(st5.BySession) != 1 || st5.BySession[0] != s5 ||
			st5.Total != (store.ProposalCounts{Submitted: 3, Filed: 3}) {
			t.Fatalf("session 5: %+v %+v", st5.BySession, st5.Total)
		}
		wantGroups(t, "category of session 5", st5.ByCategory, []store.ProposalGroupCount{{Name: "经济建设", Submitted: 1, Filed: 1},
			{Name: "政治建设"}, {Name: "文化建设"}, {Name: "社会建设", Submitted: 1, Filed: 1}, {Name: "生态文明建设"},
			{Name: "党的建设"}, {Name: "其他", Submitted: 1, Filed: 1}})
		wantGroups(t, "sector of session 5", st5.BySector, []store.ProposalGroupCount{
			{Name: "教育界", SectorID: w.edu.ID, Submitted: 3, Filed: 3}, {Name: "经济界", SectorID: w.econ.ID}})
		wantUnits(t, st5.ByUnit, []store.ProposalUnitCount{
			{UnitID: w.jian.ID, Name: w.jian.Name, Lead: 2, Signed: 1, Overdue: 1},
			{UnitID: w.jiao.ID, Name: w.jiao.Name, Lead: 1, Overdue: 1}})
		if st5.Ratings.Rated != 0 || st5.Satisfied.Text != "—" || st5.Favourable.Text != "—" || st5.Grades != (store.ProposalGrades{}) {
			t.Errorf("session 5 ratings %+v %+v grades %+v", st5.Ratings, st5.Satisfied, st5.Grades)
		}
		if len(st5.OverdueUnits) != 2 || st5.OverdueUnits[0].Oldest != "2024-03-22" || st5.OverdueUnits[1].Oldest != "2024-03-24" {
			t.Errorf("session 5 overdue %+v", st5.OverdueUnits)
		}

		// A day later P13 is overdue too.
		w.day("2024-03-26")
		st, err = db.FindProposalStats(ctx, w.actorA, 0, 0, 5)
		statsOK(t, "next day", err)
		if st.ByUnit[0].Overdue != 2 || st.OverdueUnits[0].UnitID != w.jian.ID || st.OverdueUnits[0].Oldest != "2024-03-22" {
			t.Errorf("next day: %+v %+v", st.ByUnit, st.OverdueUnits)
		}

		// Who sees what: the city sees county A's; members read them; county B
		// only its own; units have no statistics.
		if got, err := db.FindProposalStats(ctx, w.actorC, w.countyA.ID, 0, 0); err != nil || got.Total.Submitted != 12 {
			t.Errorf("city reads county A: %+v %v", got.Total, err)
		}
		if got, err := db.FindProposalStats(ctx, w.memberActor(w.sun), 0, 0, 0); err != nil || got.Total.Submitted != 12 {
			t.Errorf("member reads: %+v %v", got.Total, err)
		}
		b, err := db.FindProposalStats(ctx, w.actorB, 0, 0, 0)
		if err != nil || b.CommitteeID != w.countyB.ID || b.Total != (store.ProposalCounts{Submitted: 1, Pending: 1}) ||
			len(b.BySector) != 2 || b.BySector[1] != (store.ProposalGroupCount{Name: "其他集体", Submitted: 1}) {
			t.Errorf("county B: %+v %+v %v", b.Total, b.BySector, err)
		}
		_, err = db.FindProposalStats(ctx, w.actorB, w.countyA.ID, 0, 0)
		wantErr(t, "county B reads county A", err, app.ENOTFOUND, "", "")
		_, err = db.FindProposalStats(ctx, w.actorB, 0, w.term.ID, 0)
		wantErr(t, "county B reads county A's term", err, app.ENOTFOUND, "", "")
		_, err = db.FindProposalStats(ctx, w.actorC, w.countyB.ID, w.term.ID, 0)
		wantErr(t, "a term of another committee", err, app.EINVALID, "term_id", "不属于")
		_, err = db.FindProposalStats(ctx, w.actorA, 0, 0, 11)
		wantErr(t, "session 11", err, app.EINVALID, "session", "1至10")
		_, err = db.FindProposalStats(ctx, w.unitJian, 0, 0, 0)
		wantErr(t, "a unit", err, app.EFORBIDDEN, "", "提案统计")
	})
}

// A committee without a term has empty statistics, not an error.
func TestProposalStatsWithoutTerm(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		tr := buildTree(t, db)
		st, err := db.FindProposalStats(context.Background(), actorAt(tr.countyA), 0, 0, 0)
		if err != nil || st.CommitteeID != tr.countyA.ID || st.TermID != 0 || st.Total != (store.ProposalCounts{}) ||
			st.Satisfied.Text != "—" {
			t.Fatalf("%+v %v", st, err)
		}
	})
}

func wantGroups(t *testing.T, what string, got, want []store.ProposalGroupCount) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("by %s: %+v, want %+v", what, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("by %s row %d: %+v, want %+v", what, i, got[i], want[i])
		}
	}
}

func wantUnits(t *testing.T, got, want []store.ProposalUnitCount) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("by unit: %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("unit %s: %+v, want %+v", want[i].Name, got[i], want[i])
		}
	}
}
