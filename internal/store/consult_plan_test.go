package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// adoptAt puts the plan to a show-of-hands vote at an opened standing
// committee meeting and closes it with for-votes from every member present.
func adoptAt(t *testing.T, db *store.DB, w meetingWorld, m meeting.Meeting, p store.Plan, against int) store.Vote {
	t.Helper()
	ctx := context.Background()
	a := w.actorA
	if _, err := db.OpenMeeting(ctx, a, m.ID); err != nil {
		t.Fatal(err)
	}
	for _, mb := range []member.Member{w.zhang, w.li, w.wang, w.zhao} {
		if _, err := db.SignIn(ctx, a, m.ID, mb.ID, store.SignInClerk, w.at("2024-06-10", 8, 55)); err != nil {
			t.Fatal(err)
		}
	}
	v, err := db.OpenVote(ctx, a, p.AgendaItemID, store.VoteHands, meeting.PassRule{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordHands(ctx, a, v.ID, meeting.Tally{For: 4 - against, Against: against}); err != nil {
		t.Fatal(err)
	}
	v, err = db.CloseVote(ctx, a, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPlanAdoptedAtMeetingAndRevisedWithHistory(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		p, err := db.CreatePlan(ctx, a, store.PlanInput{CommitteeID: w.countyA.ID, Year: 2024})
		if err != nil || p.Title != "东阿县政协2024年度协商工作计划" || p.Status != store.PlanDraft || p.Version != 1 {
			t.Fatalf("create plan: %+v %v", p, err)
		}
		_, err = db.CreatePlan(ctx, a, store.PlanInput{CommitteeID: w.countyA.ID, Year: 2024})
		wantErr(t, "second plan of the year", err, app.EINVALID, "year", "已建立")
		_, err = db.CreatePlan(ctx, a, store.PlanInput{CommitteeID: w.town.ID, Year: 2024})
		wantErr(t, "plan of a township", err, app.EINVALID, "committee_id", "政协")

		// An item created directly in the plan goes to selected through the graph.
		parking, err := db.CreatePlanItem(ctx, a, p.ID, store.PlanTopicInput{Title: "城区停车难治理",
			PlanItemInput: consult.PlanItemInput{Form: consult.Thematic, LeadCommitteeID: w.proposals.ID, Month: 5}})
		if err != nil {
			t.Fatal(err)
		}
		tp, err := db.FindTopicByID(ctx, a, parking)
		if err != nil || tp.State != consult.Selected || tp.PlanID != p.ID || tp.Source != consult.FromOffice ||
			tp.PlannedMonth != 5 || tp.LeadCommittee != w.proposals.Name {
			t.Fatalf("plan item topic: %+v %v", tp, err)
		}
		_, err = db.CreatePlanItem(ctx, a, p.ID, store.PlanTopicInput{Title: "", PlanItemInput: consult.PlanItemInput{Month: 13}})
		if f := app.ErrorFields(err); f.Get("title") == "" || f.Get("form") == "" || f.Get("month") == "" {
			t.Fatalf("bad plan item: %v", err)
		}
		// A collected topic is selected into the plan; before that it cannot be added.
		water := mustTopic(t, db, a, consult.TopicInput{OrgID: w.town.ID, Year: 2024, Title: "农村饮水安全",
			Source: consult.FromMember, SourceMemberID: w.qian.ID})
		err = db.AddPlanItem(ctx, a, p.ID, water.ID, consult.PlanItemInput{Form: consult.Grassroots, Month: 3})
		wantErr(t, "add collected", err, app.ECONFLICT, "", "选定后")
		if err := db.SelectTopic(ctx, a, water.ID, store.SelectInput{PlanItemInput: consult.PlanItemInput{
			Form: consult.Grassroots, Month: 3}}); err != nil {
			t.Fatal(err)
		}
		items, err := db.FindPlanItems(ctx, a, p.ID)
		if err != nil || len(items) != 2 || items[0].ID != water.ID || items[0].State != consult.Selected || items[1].ID != parking {
			t.Fatalf("items by month: %+v %v", items, err)
		}

		// Submitted to a standing committee meeting, adopted by its vote.
		plenary := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
			StartsAt: w.at("2024-06-09", 9, 0)})
		_, err = db.SubmitPlan(ctx, a, p.ID, plenary.ID)
		wantErr(t, "submit to plenary", err, app.EINVALID, "meeting_id", "常委会会议或主席会议")
		standing := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Standing,
			StartsAt: w.at("2024-06-10", 9, 0)})
		p, err = db.SubmitPlan(ctx, a, p.ID, standing.ID)
		if err != nil || p.Status != store.PlanSubmitted || p.MeetingID != standing.ID {
			t.Fatalf("submit: %+v %v", p, err)
		}
		agenda, err := db.FindAgendaItems(ctx, a, standing.ID)
		if err != nil || len(agenda) != 1 || agenda[0].Title != "《东阿县政协2024年度协商工作计划（草案）》" ||
			agenda[0].Kind != store.AgendaWorkPlan || agenda[0].ID != p.AgendaItemID {
			t.Fatalf("agenda: %+v %v", agenda, err)
		}
		_, err = db.SubmitPlan(ctx, a, p.ID, standing.ID)
		wantErr(t, "submit twice", err, app.ECONFLICT, "", "尚未表决")
		// Before adoption no reason is needed; the vote is not yet taken.
		v := adoptAt(t, db, w, standing, p, 0)
		if !v.Passed {
			t.Fatalf("vote: %+v", v)
		}
		p, err = db.FindPlanByID(ctx, a, p.ID)
		if err != nil || p.Status != store.PlanAdopted || p.AdoptedOn != "2024-06-10" || p.VoteID != v.ID ||
			p.VoteResult != "通过" || p.StatusLabel != "已通过" {
			t.Fatalf("adopted plan: %+v %v", p, err)
		}

		// Revisions: a reason is required; each keeps the items before it.
		err = db.UpdatePlanItem(ctx, a, p.ID, parking, consult.PlanItemInput{Form: consult.Thematic, Month: 7})
		wantErr(t, "revise without reason", err, app.EINVALID, "reason", "须填写理由")
		if err := db.UpdatePlanItem(ctx, a, p.ID, parking, consult.PlanItemInput{Form: consult.Thematic,
			LeadCommitteeID: w.proposals.ID, Month: 7, Reason: "调研安排推迟"}); err != nil {
			t.Fatal(err)
		}
		if err := db.RemovePlanItem(ctx, a, p.ID, water.ID, "并入市级议题"); err != nil {
			t.Fatal(err)
		}
		revs, err := db.FindPlanRevisions(ctx, a, p.ID)
		if err != nil || len(revs) != 2 {
			t.Fatalf("revisions: %+v %v", revs, err)
		}
		if revs[0].Version != 2 || revs[0].Reason != "调研安排推迟" || len(revs[0].Before) != 2 ||
			revs[0].Before[1].Month != 5 || len(revs[0].Changes) != 1 || !strings.Contains(revs[0].Changes[0], "计划月份5月→7月") {
			t.Fatalf("revision 2: %+v", revs[0])
		}
		if revs[1].Version != 3 || len(revs[1].Before) != 2 || len(revs[1].Changes) != 1 ||
			revs[1].Changes[0] != "删除“农村饮水安全”" {
			t.Fatalf("revision 3: %+v", revs[1])
		}
		p, _ = db.FindPlanByID(ctx, a, p.ID)
		if p.Version != 3 || p.Items != 1 {
			t.Fatalf("plan after revisions: %+v", p)
		}
		// Another county's office does not see the plan.
		if _, err := db.FindPlanByID(ctx, w.actorB, p.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other county reads plan: %v", err)
		}
	})
}

func TestPlanVoteFailedCanBeSubmittedAgain(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		p, err := db.CreatePlan(ctx, a, store.PlanInput{CommitteeID: w.countyA.ID, Year: 2024, Title: "年度计划"})
		if err != nil {
			t.Fatal(err)
		}
		chairs := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Chairs,
			StartsAt: w.at("2024-06-10", 9, 0)})
		_, err = db.SubmitPlan(ctx, a, p.ID, chairs.ID)
		wantErr(t, "submit empty plan", err, app.ECONFLICT, "", "还没有议题")
		if _, err := db.CreatePlanItem(ctx, a, p.ID, store.PlanTopicInput{Title: "营商环境",
			PlanItemInput: consult.PlanItemInput{Form: consult.Counterpart, Month: 9}}); err != nil {
			t.Fatal(err)
		}
		if p, err = db.SubmitPlan(ctx, a, p.ID, chairs.ID); err != nil {
			t.Fatal(err)
		}
		// Chair's meeting: 张, 李, 王 expected; two against.
		if _, err := db.OpenMeeting(ctx, a, chairs.ID); err != nil {
			t.Fatal(err)
		}
		for _, mb := range []member.Member{w.zhang, w.li, w.wang} {
			if _, err := db.SignIn(ctx, a, chairs.ID, mb.ID, store.SignInClerk, w.at("2024-06-10", 8, 55)); err != nil {
				t.Fatal(err)
			}
		}
		v, err := db.OpenVote(ctx, a, p.AgendaItemID, store.VoteHands, meeting.PassRule{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordHands(ctx, a, v.ID, meeting.Tally{For: 1, Against: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CloseVote(ctx, a, v.ID); err != nil {
			t.Fatal(err)
		}
		p, _ = db.FindPlanByID(ctx, a, p.ID)
		if p.Status != store.PlanSubmitted || p.VoteResult != "未通过" || p.StatusLabel != "会议表决未通过" {
			t.Fatalf("failed vote: %+v", p)
		}
		// Not adopted: items change without a reason or revision.
		items, _ := db.FindPlanItems(ctx, a, p.ID)
		if err := db.UpdatePlanItem(ctx, a, p.ID, items[0].ID, consult.PlanItemInput{Form: consult.Counterpart, Month: 10}); err != nil {
			t.Fatal(err)
		}
		if revs, _ := db.FindPlanRevisions(ctx, a, p.ID); len(revs) != 0 {
			t.Fatalf("revisions before adoption: %+v", revs)
		}
		if _, err := db.SubmitPlan(ctx, a, p.ID, chairs.ID); err != nil {
			t.Fatalf("submit again after a failed vote: %v", err)
		}
	})
}
