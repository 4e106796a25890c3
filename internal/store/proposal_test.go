package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
	"xieshang/internal/workflow"
)

// proposalWorld is the meeting world with two handling units of county A
// and their accounts' actors, and a clock the test moves.
type proposalWorld struct {
	meetingWorld
	jian, jiao         store.Unit
	unitJian, unitJiao app.Actor
	now                time.Time
}

func buildProposalWorld(t *testing.T, db *store.DB) *proposalWorld {
	t.Helper()
	ctx := context.Background()
	w := &proposalWorld{meetingWorld: buildMeetingWorld(t, db)}
	w.now = time.Date(2024, 3, 1, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return w.now }
	var err error
	if w.jian, err = db.CreateUnit(ctx, w.actorA, store.UnitInput{Name: "东阿县住房和城乡建设局", Kind: store.UnitGovernment}); err != nil {
		t.Fatal(err)
	}
	if w.jiao, err = db.CreateUnit(ctx, w.actorA, store.UnitInput{Name: "东阿县教育和体育局", Kind: store.UnitGovernment}); err != nil {
		t.Fatal(err)
	}
	unitActor := func(u store.Unit, id int64) app.Actor {
		a := actorAt(w.countyA)
		a.Role, a.UnitID, a.AccountID, a.Name = string(auth.Unit), u.ID, id, u.Name
		return a
	}
	w.unitJian, w.unitJiao = unitActor(w.jian, 501), unitActor(w.jiao, 502)
	return w
}

func (w *proposalWorld) days(n int) { w.now = w.now.AddDate(0, 0, n) }

func mustProposal(t *testing.T, db *store.DB, actor app.Actor, in proposal.Input) store.Proposal {
	t.Helper()
	p, err := db.CreateProposal(context.Background(), actor, in)
	if err != nil {
		t.Fatalf("create proposal %s: %v", in.Title, err)
	}
	return p
}

func moveProposal(t *testing.T, db *store.DB, actor app.Actor, id int64, in store.ProposalAdvance) store.Proposal {
	t.Helper()
	p, err := db.AdvanceProposal(context.Background(), actor, id, in)
	if err != nil {
		t.Fatalf("advance %d to %s: %v", id, in.To, err)
	}
	if p.State != in.To {
		t.Fatalf("state %s, want %s", p.State, in.To)
	}
	return p
}

func mustOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func proposalDuty(t *testing.T, db *store.DB, actor app.Actor, p store.Proposal) map[string][]int64 {
	t.Helper()
	es, _, err := db.FindDutyEvents(context.Background(), actor, store.DutyFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]int64{}
	for _, e := range es {
		if e.Source == store.SourceProposal && e.SourceID == p.ID {
			out[e.Kind] = append(out[e.Kind], e.MemberID)
		}
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out
}

// One proposal the whole way: drafted by a member, co-signed, submitted and
// numbered, filed, another merged into it, assigned to a lead and a
// supporting unit, signed for, replied, the reply returned, replied again
// with grade B, rated 基本满意, closed; key and excellent; duty events.
func TestProposalLifecycle(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildProposalWorld(t, db)
		office, qian := w.actorA, w.memberActor(w.qian)
		p := mustProposal(t, db, qian, proposal.Input{TermID: w.term.ID, Session: 4, Title: "关于加快老旧小区改造的建议",
			Reason: "老旧小区设施老化", Suggestions: "一是……", Category: "社会建设", MemberID: w.sun.ID})
		if p.State != proposal.Draft || p.MemberID != w.qian.ID || p.Proposer != "钱委" || p.Number != "" {
			t.Fatalf("draft: %+v", p)
		}
		// A draft is the proposer's own: another member does not see it.
		if _, err := db.FindProposalByID(ctx, w.memberActor(w.sun), p.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("another member reads the draft: %v", err)
		}
		p = moveProposal(t, db, qian, p.ID, store.ProposalAdvance{To: proposal.Cosigning})
		if p.CosignDeadline != "2024-03-16" {
			t.Fatalf("co-sign deadline %q", p.CosignDeadline)
		}
		mustOK(t, "sun co-signs", db.Cosign(ctx, w.memberActor(w.sun), p.ID, 0))
		mustOK(t, "office adds zhao", db.Cosign(ctx, office, p.ID, w.zhao.ID))
		wantErr(t, "co-sign twice", db.Cosign(ctx, w.memberActor(w.sun), p.ID, 0), app.ECONFLICT, "", "已联名")
		wantErr(t, "lead co-signs", db.Cosign(ctx, qian, p.ID, 0), app.ECONFLICT, "", "第一提案人")
		wantErr(t, "non-member of the term co-signs", db.Cosign(ctx, office, p.ID, w.wu.ID), app.EINVALID, "member_id", "本届委员")
		// Submitting before the deadline needs a reason.
		_, err := db.AdvanceProposal(ctx, qian, p.ID, store.ProposalAdvance{To: proposal.Submitted})
		wantErr(t, "early submit", err, app.EINVALID, "note", "2024-03-16")
		w.days(16) // 2024-03-17: co-signing is over
		wantErr(t, "late co-sign", db.Cosign(ctx, w.memberActor(w.li), p.ID, 0), app.ECONFLICT, "", "截止")
		// A member may not take the proposer's step on another's proposal.
		_, err = db.AdvanceProposal(ctx, w.memberActor(w.sun), p.ID, store.ProposalAdvance{To: proposal.Submitted})
		wantErr(t, "co-signer submits", err, app.EFORBIDDEN, "", "第一提案人")
		p = moveProposal(t, db, qian, p.ID, store.ProposalAdvance{To: proposal.Submitted})
		if p.Number != "第十届第四次会议第0001号" || p.SubmittedOn != "2024-03-17" || p.Cosigners != 2 {
			t.Fatalf("submitted: %q %q %d", p.Number, p.SubmittedOn, p.Cosigners)
		}
		// A member does not file.
		_, err = db.AdvanceProposal(ctx, qian, p.ID, store.ProposalAdvance{To: proposal.Filed})
		wantErr(t, "member files", err, app.EFORBIDDEN, "", "")
		// A second proposal of the same session, and one of another session.
		other := mustProposal(t, db, w.memberActor(w.sun), proposal.Input{TermID: w.term.ID, Session: 4, Title: "老旧小区改造资金保障"})
		other = moveProposal(t, db, w.memberActor(w.sun), other.ID, store.ProposalAdvance{To: proposal.Submitted})
		late := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 5, Title: "小区加装电梯", MemberID: w.li.ID})
		late = moveProposal(t, db, office, late.ID, store.ProposalAdvance{To: proposal.Submitted})
		if other.Number != "第十届第四次会议第0002号" || late.Number != "第十届第五次会议第0001号" {
			t.Fatalf("numbers %q %q", other.Number, late.Number)
		}
		p = moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Filed})
		// Merging across sessions is refused and changes nothing.
		_, err = db.AdvanceProposal(ctx, office, late.ID, store.ProposalAdvance{To: proposal.Merged, MergeInto: p.ID})
		wantErr(t, "merge across sessions", err, app.EINVALID, "merge_into", "同一次会议")
		if got, _ := db.FindProposalByID(ctx, office, late.ID); got.State != proposal.Submitted || got.MergedInto != 0 {
			t.Fatalf("refused merge changed %+v", got)
		}
		other = moveProposal(t, db, office, other.ID, store.ProposalAdvance{To: proposal.Merged, MergeInto: p.ID})
		if other.MergedInto != p.ID {
			t.Fatalf("merged into %d", other.MergedInto)
		}
		// Assignment needs a lead unit.
		_, err = db.AdvanceProposal(ctx, office, p.ID, store.ProposalAdvance{To: proposal.Assigned,
			Units: []store.AssignUnit{{UnitID: w.jiao.ID}}})
		wantErr(t, "no lead unit", err, app.EINVALID, "units", "主办单位")
		p = moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Assigned,
			Units: []store.AssignUnit{{UnitID: w.jian.ID, Lead: true}, {UnitID: w.jiao.ID}}})
		if len(p.Units) != 2 || p.Units[0] != "东阿县住房和城乡建设局" || p.Units[1] != "东阿县教育和体育局（会办）" {
			t.Fatalf("units %v", p.Units)
		}
		work, err := db.FindProposalWork(ctx, office, p.ID)
		mustOK(t, "work", err)
		if len(work.Assignments) != 2 || work.Assignments[0].Deadline != "2024-06-17" || work.Assignments[0].SignBy != "2024-03-24" ||
			len(work.Cosigners) != 2 || len(work.Merged) != 1 || work.Merged[0].ID != other.ID {
			t.Fatalf("work: %+v", work)
		}
		// The unit signs; the supporting unit asks to return it; the office refuses.
		mustOK(t, "jian signs", db.SignProposal(ctx, w.unitJian, p.ID, 0))
		if got, _ := db.FindProposalByID(ctx, office, p.ID); got.State != proposal.Assigned {
			t.Fatalf("one of two signed: %s", got.State)
		}
		wantErr(t, "return without reason", db.AskReturn(ctx, w.unitJiao, p.ID, ""), app.EINVALID, "note", "理由")
		mustOK(t, "jiao asks return", db.AskReturn(ctx, w.unitJiao, p.ID, "不属于本单位职责"))
		if got, _ := db.FindProposalByID(ctx, office, p.ID); got.State != proposal.ReturnAsked {
			t.Fatalf("after return asked: %s", got.State)
		}
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Assigned, Note: "涉及学校周边改造，请会办"})
		mustOK(t, "jiao signs", db.SignProposal(ctx, w.unitJiao, p.ID, 0))
		if got, _ := db.FindProposalByID(ctx, office, p.ID); got.State != proposal.Accepted {
			t.Fatalf("all signed: %s", got.State)
		}
		// Replies: without grade and document refused; the supporting unit's opinion does not move it.
		err = db.ReplyProposal(ctx, w.unitJian, p.ID, 0, store.ProposalReplyInput{Body: "正在办理"}, nil)
		if fe := app.ErrorFields(err); fe.Get("grade") == "" || fe.Get("document") == "" {
			t.Fatalf("reply without grade and document: %v", err)
		}
		mustOK(t, "jiao replies", db.ReplyProposal(ctx, w.unitJiao, p.ID, 0, store.ProposalReplyInput{Body: "配合做好学校周边改造"}, nil))
		if got, _ := db.FindProposalByID(ctx, office, p.ID); got.State != proposal.Accepted {
			t.Fatalf("supporting reply moved it: %s", got.State)
		}
		doc := &store.DocumentInput{FileName: "答复函.pdf", Data: pdfBytes}
		mustOK(t, "jian replies A", db.ReplyProposal(ctx, w.unitJian, p.ID, 0, store.ProposalReplyInput{Grade: "A", Body: "已完成改造"}, doc))
		if got, _ := db.FindProposalByID(ctx, office, p.ID); got.State != proposal.Replied {
			t.Fatalf("lead replied: %s", got.State)
		}
		// The office sends the reply back; the unit answers again, grade B.
		_, err = db.AdvanceProposal(ctx, office, p.ID, store.ProposalAdvance{To: proposal.ReplyReturned})
		wantErr(t, "return reply without reason", err, app.EINVALID, "note", "理由")
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.ReplyReturned, Note: "答复与实际进度不符"})
		mustOK(t, "jian replies B", db.ReplyProposal(ctx, w.unitJian, p.ID, 0,
			store.ProposalReplyInput{Grade: "b", Body: "已列入2024年改造计划"}, &store.DocumentInput{FileName: "答复函二.pdf", Data: pdfBytes}))
		// Rating: only the proposer.
		rating := store.RatingInput{Satisfaction: proposal.FairlySatisfied, Contact: proposal.FaceToFace}
		wantErr(t, "office rates", db.RateProposal(ctx, office, p.ID, w.jian.ID, rating), app.EFORBIDDEN, "", "提案人本人")
		wantErr(t, "co-signer rates", db.RateProposal(ctx, w.memberActor(w.sun), p.ID, w.jian.ID, rating), app.EFORBIDDEN, "", "提案人本人")
		wantErr(t, "no satisfaction", db.RateProposal(ctx, qian, p.ID, w.jian.ID, store.RatingInput{Contact: proposal.Phone}),
			app.EINVALID, "satisfaction", "满意")
		mustOK(t, "qian rates", db.RateProposal(ctx, qian, p.ID, w.jian.ID, rating))
		p, err = db.FindProposalByID(ctx, office, p.ID)
		if err != nil || p.State != proposal.Rated {
			t.Fatalf("rated: %s %v", p.State, err)
		}
		p = moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Closed})
		work, err = db.FindProposalWork(ctx, office, p.ID)
		mustOK(t, "work", err)
		lead := work.Assignments[0]
		if lead.Grade != proposal.GradeB || lead.Satisfaction != proposal.FairlySatisfied || lead.Contact != proposal.FaceToFace ||
			len(lead.Replies) != 2 || lead.Replies[0].Verdict != "returned" || lead.Replies[0].VerdictReason != "答复与实际进度不符" ||
			len(lead.Replies[1].Files) != 1 || lead.Replies[1].Files[0].FileName != "答复函二.pdf" {
			t.Fatalf("lead assignment: %+v", lead)
		}
		steps, err := db.FindProposalSteps(ctx, office, p.ID)
		mustOK(t, "steps", err)
		var path []string
		for _, s := range steps {
			path = append(path, s.To)
		}
		want := []string{proposal.Draft, proposal.Cosigning, proposal.Submitted, proposal.Filed, proposal.Assigned,
			proposal.ReturnAsked, proposal.Assigned, proposal.Accepted, proposal.Replied, proposal.ReplyReturned,
			proposal.Replied, proposal.Rated, proposal.Closed}
		if !slices.Equal(path, want) {
			t.Fatalf("steps %v", path)
		}
		// Key and excellent.
		wantErr(t, "key without leader", db.MarkKeyProposal(ctx, office, p.ID, 2024, ""), app.EINVALID, "key_leader", "督办领导")
		wantErr(t, "key of an unfiled one", db.MarkKeyProposal(ctx, office, late.ID, 2024, "张主席"), app.ECONFLICT, "", "已立案")
		mustOK(t, "key", db.MarkKeyProposal(ctx, office, p.ID, 2024, "张主席"))
		mustOK(t, "excellent", db.MarkExcellentProposal(ctx, office, p.ID, 2024))
		got := proposalDuty(t, db, office, p)
		co := []int64{w.zhao.ID, w.sun.ID}
		slices.Sort(co)
		if !slices.Equal(got[store.DutyProposalLead], []int64{w.qian.ID}) || !slices.Equal(got[store.DutyProposalCosigner], co) ||
			!slices.Equal(got[store.DutyProposalKeyLead], []int64{w.qian.ID}) || !slices.Equal(got[store.DutyProposalKeyCosigner], co) ||
			!slices.Equal(got[store.DutyProposalExcellentLead], []int64{w.qian.ID}) {
			t.Fatalf("duty %v", got)
		}
		if d := proposalDuty(t, db, office, other); !slices.Equal(d[store.DutyProposalLead], []int64{w.sun.ID}) {
			t.Fatalf("merged proposal's duty %v", d)
		}
		mustOK(t, "unkey", db.MarkKeyProposal(ctx, office, p.ID, 0, ""))
		if got := proposalDuty(t, db, office, p); len(got[store.DutyProposalKeyLead]) != 0 || len(got[store.DutyProposalLead]) != 1 {
			t.Fatalf("duty after unkey %v", got)
		}
		// Search by proposer, unit and words of the text.
		for _, q := range []string{"钱委", "住房和城乡", "老旧 改造", "2024年改造"} {
			ps, _, err := db.FindProposals(ctx, office, store.ProposalFilter{Query: q})
			mustOK(t, "search", err)
			found := slices.ContainsFunc(ps, func(x store.Proposal) bool { return x.ID == p.ID })
			if want := q != "2024年改造"; found != want {
				t.Errorf("search %q: found %v", q, found)
			}
		}
	})
}

// What each party sees: units only what was assigned to them, members their
// committee's, another county nothing.
func TestProposalScope(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildProposalWorld(t, db)
		office := w.actorA
		mk := func(title string, unit store.Unit) store.Proposal {
			p := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: title, MemberID: w.qian.ID})
			moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Submitted})
			moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Filed})
			return moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Assigned,
				Units: []store.AssignUnit{{UnitID: unit.ID, Lead: true}}})
		}
		a := mk("城区停车", w.jian)
		b := mk("校园安全", w.jiao)
		if _, err := db.FindProposalByID(ctx, w.unitJian, b.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("unit reads another unit's proposal: %v", err)
		}
		wantErr(t, "unit signs another's", db.SignProposal(ctx, w.unitJian, b.ID, 0), app.ENOTFOUND, "", "")
		ps, total, err := db.FindProposals(ctx, w.unitJian, store.ProposalFilter{})
		if err != nil || total != 1 || ps[0].ID != a.ID {
			t.Fatalf("unit's list: %d %v", total, err)
		}
		inbox, err := db.FindUnitProposals(ctx, w.unitJian, store.UnitProposalFilter{Open: true})
		if err != nil || len(inbox) != 1 || inbox[0].Title != "城区停车" || inbox[0].Status != store.PAAssigned || inbox[0].Overdue {
			t.Fatalf("inbox %+v %v", inbox, err)
		}
		w.days(8) // past the seven days to sign for it
		inbox, _ = db.FindUnitProposals(ctx, w.unitJian, store.UnitProposalFilter{Overdue: true})
		if len(inbox) != 1 || !inbox[0].Overdue {
			t.Fatalf("overdue inbox %+v", inbox)
		}
		// Co-assigned: both bureaus see a joint one, the education bureau still not the parking one.
		c := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "学校周边道路", MemberID: w.sun.ID})
		moveProposal(t, db, office, c.ID, store.ProposalAdvance{To: proposal.Submitted})
		moveProposal(t, db, office, c.ID, store.ProposalAdvance{To: proposal.Filed})
		moveProposal(t, db, office, c.ID, store.ProposalAdvance{To: proposal.Assigned,
			Units: []store.AssignUnit{{UnitID: w.jiao.ID, Lead: true}, {UnitID: w.jian.ID}}})
		if _, err := db.FindProposalByID(ctx, w.unitJian, c.ID); err != nil {
			t.Fatalf("co-assigned unit reads it: %v", err)
		}
		if _, err := db.FindProposalByID(ctx, w.unitJiao, a.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("unit reads another unit's proposal: %v", err)
		}
		if _, err := db.FindProposalByID(ctx, w.actorB, a.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("another county reads it: %v", err)
		}
		if _, err := db.FindProposalByID(ctx, w.memberActor(w.sun), a.ID); err != nil {
			t.Fatalf("a member of the committee reads it: %v", err)
		}
	})
}

// The proposal graph is data: a committee adds a pre-review step (预审)
// between submission and filing, and the next proposal must take it, no
// code changed; a graph that drops a state a proposal sits in is refused.
func TestProposalGraphIsData(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildProposalWorld(t, db)
		office := w.actorA
		g, own, err := db.FindGraph(ctx, office, 0, store.GraphKindProposal)
		if err != nil || own || g.Initial != proposal.Draft {
			t.Fatalf("built-in graph: %v %v", own, err)
		}
		g.States = append(g.States, workflow.State{Code: "prereview", Label: "预审", Progress: 15, DueDays: 10})
		g.Transitions = slices.DeleteFunc(g.Transitions, func(tr workflow.Transition) bool {
			return tr.From == proposal.Submitted && tr.To == proposal.Filed
		})
		g.Transitions = append(g.Transitions,
			workflow.Transition{From: proposal.Submitted, To: "prereview", Label: "送预审", Roles: []string{"office"}},
			workflow.Transition{From: "prereview", To: proposal.Filed, Label: "预审通过，立案", Roles: []string{"office"}, Requires: []string{"reason"}})
		mustOK(t, "save graph", db.SaveGraph(ctx, office, w.countyA.ID, g))
		p := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "农村饮水安全", MemberID: w.qian.ID})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Submitted})
		_, err = db.AdvanceProposal(ctx, office, p.ID, store.ProposalAdvance{To: proposal.Filed})
		wantErr(t, "skip the pre-review", err, app.ECONFLICT, "", "")
		p = moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: "prereview"})
		if p.StateLabel != "预审" || p.Progress != 15 {
			t.Fatalf("pre-review: %s %d", p.StateLabel, p.Progress)
		}
		_, err = db.AdvanceProposal(ctx, office, p.ID, store.ProposalAdvance{To: proposal.Filed})
		wantErr(t, "pre-review needs its reason", err, app.EINVALID, "note", "理由")
		p = moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Filed, Note: "符合立案标准"})
		if d := proposalDuty(t, db, office, p); len(d[store.DutyProposalLead]) != 1 {
			t.Fatalf("filing after pre-review: duty %v", d)
		}
		// Another county keeps the built-in graph.
		if g, own, err := db.FindGraph(ctx, w.actorB, 0, store.GraphKindProposal); err != nil || own || len(g.States) != len(proposal.Graph().States) {
			t.Fatalf("county B graph: %v %v", own, err)
		}
		// A proposal sits in pre-review: a graph without that state is refused.
		q := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "乡村学校", MemberID: w.sun.ID})
		moveProposal(t, db, office, q.ID, store.ProposalAdvance{To: proposal.Submitted})
		moveProposal(t, db, office, q.ID, store.ProposalAdvance{To: "prereview"})
		err = db.ResetGraph(ctx, office, w.countyA.ID, store.GraphKindProposal)
		wantErr(t, "reset with a proposal in pre-review", err, app.ECONFLICT, "", "prereview")
		// A member may not edit the graph.
		wantErr(t, "member edits the graph", db.SaveGraph(ctx, w.memberActor(w.qian), w.countyA.ID, g), app.EFORBIDDEN, "", "")
	})
}

// Not filed and turned into a social-conditions report: the report carries
// the proposal's text and authors and waits for the office; a letter makes
// no report; no duty event for either.
func TestProposalNotFiledBecomesReport(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildProposalWorld(t, db)
		office := w.actorA
		p := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "关于举办县城文化节的建议",
			Reason: "丰富群众文化生活。", Suggestions: "每年秋季举办。", MemberID: w.qian.ID})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Cosigning})
		mustOK(t, "co-sign", db.Cosign(ctx, office, p.ID, w.sun.ID))
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Submitted, Note: "提前提交"})
		_, err := db.AdvanceProposal(ctx, office, p.ID, store.ProposalAdvance{To: proposal.NotFiled, Note: "属一般性工作建议"})
		wantErr(t, "not filed without conversion", err, app.EINVALID, "conversion", "来信还是社情民意")
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.NotFiled, Note: "属一般性工作建议",
			Conversion: proposal.ToReport})
		work, err := db.FindProposalWork(ctx, office, p.ID)
		mustOK(t, "work", err)
		if work.ReportID == 0 {
			t.Fatal("no report made")
		}
		r, err := db.FindReportByID(ctx, office, work.ReportID)
		mustOK(t, "report", err)
		if r.Title != p.Title || !strings.Contains(r.Body, "第十届第四次会议第0001号") || !strings.Contains(r.Body, "每年秋季举办") ||
			r.State != proposal.ReportSubmitted || r.AuthorNames() != "钱委、孙委" {
			t.Fatalf("report %+v", r)
		}
		if d := proposalDuty(t, db, office, p); len(d) != 0 {
			t.Fatalf("duty for a proposal not filed: %v", d)
		}
		q := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "关于某小区物业纠纷的反映", MemberID: w.sun.ID})
		moveProposal(t, db, office, q.ID, store.ProposalAdvance{To: proposal.Submitted})
		moveProposal(t, db, office, q.ID, store.ProposalAdvance{To: proposal.NotFiled, Note: "属个案", Conversion: proposal.ToLetter})
		if work, _ := db.FindProposalWork(ctx, office, q.ID); work.ReportID != 0 {
			t.Fatalf("a letter made a report")
		}
	})
}

// A lead unit that replies before a supporting unit has signed does not
// leave the proposal waiting: the last signature takes it on to 已答复.
// Once closed, a supporting unit that never replied is not overdue.
func TestProposalReplyBeforeLastSignature(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildProposalWorld(t, db)
		office := w.actorA
		p := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "校园周边交通", MemberID: w.qian.ID})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Submitted})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Filed})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Assigned,
			Units: []store.AssignUnit{{UnitID: w.jian.ID, Lead: true}, {UnitID: w.jiao.ID}}})
		mustOK(t, "jian signs", db.SignProposal(ctx, w.unitJian, p.ID, 0))
		mustOK(t, "jian replies", db.ReplyProposal(ctx, w.unitJian, p.ID, 0, store.ProposalReplyInput{Grade: "A"},
			&store.DocumentInput{FileName: "答复.pdf", Data: pdfBytes}))
		if got, _ := db.FindProposalByID(ctx, office, p.ID); got.State != proposal.Assigned {
			t.Fatalf("before the last signature: %s", got.State)
		}
		err := db.ReplyProposal(ctx, w.unitJiao, p.ID, 0, store.ProposalReplyInput{Grade: "A"}, &store.DocumentInput{FileName: "答复.txt", Data: []byte("text")})
		wantErr(t, "reply before signing", err, app.ECONFLICT, "", "尚未签收")
		mustOK(t, "jiao signs", db.SignProposal(ctx, w.unitJiao, p.ID, 0))
		if got, _ := db.FindProposalByID(ctx, office, p.ID); got.State != proposal.Replied {
			t.Fatalf("after the last signature: %s", got.State)
		}
		mustOK(t, "rate", db.RateProposal(ctx, w.memberActor(w.qian), p.ID, w.jian.ID,
			store.RatingInput{Satisfaction: proposal.Satisfied, Contact: proposal.Phone}))
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Closed})
		w.days(200)
		inbox, err := db.FindUnitProposals(ctx, w.unitJiao, store.UnitProposalFilter{})
		if err != nil || len(inbox) != 1 || inbox[0].Overdue || inbox[0].Number != "第十届第四次会议第0001号" || inbox[0].Title != "校园周边交通" {
			t.Fatalf("supporting unit's list after closure: %+v %v", inbox, err)
		}
		// A wrong kind of reply document is named as the document field.
		q := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "城区绿化", MemberID: w.sun.ID})
		moveProposal(t, db, office, q.ID, store.ProposalAdvance{To: proposal.Submitted})
		moveProposal(t, db, office, q.ID, store.ProposalAdvance{To: proposal.Filed})
		moveProposal(t, db, office, q.ID, store.ProposalAdvance{To: proposal.Assigned, Units: []store.AssignUnit{{UnitID: w.jian.ID, Lead: true}}})
		mustOK(t, "sign", db.SignProposal(ctx, w.unitJian, q.ID, 0))
		err = db.ReplyProposal(ctx, w.unitJian, q.ID, 0, store.ProposalReplyInput{Grade: "B"}, &store.DocumentInput{FileName: "答复.png", Data: pngBytes})
		if app.ErrorFields(err).Get("document") == "" {
			t.Fatalf("a picture as the reply document: %v", err)
		}
		c, err := db.CountProposals(ctx, office, store.ProposalFilter{TermID: w.term.ID, State: proposal.Closed})
		if err != nil || c.Total != 2 || c.ByState[proposal.Closed] != 1 || c.ByState[proposal.Accepted] != 1 || c.Overdue != 0 {
			t.Fatalf("counts %+v %v", c, err)
		}
		w.days(100) // q's reply was due three months after assignment
		if c, _ := db.CountProposals(ctx, office, store.ProposalFilter{}); c.Overdue != 1 {
			t.Fatalf("overdue count %+v", c)
		}
	})
}
