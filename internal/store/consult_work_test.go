package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

var (
	pngBytes = []byte("\x89PNG\r\n\x1a\n0000000000")
	pdfBytes = []byte("%PDF-1.4 test")
)

// handleWorld is the meeting world with a selected topic of county A, two
// handling units and their accounts' actors.
type handleWorld struct {
	meetingWorld
	topic        store.Topic
	jian, jiao   store.Unit // 县住建局, 县教育局
	unitJian     app.Actor
	unitJiao     app.Actor
	consultation meeting.Meeting
}

func buildHandleWorld(t *testing.T, db *store.DB) handleWorld {
	t.Helper()
	ctx := context.Background()
	w := handleWorld{meetingWorld: buildMeetingWorld(t, db)}
	var err error
	if w.jian, err = db.CreateUnit(ctx, w.actorA, store.UnitInput{Name: "东阿县住房和城乡建设局", ShortName: "县住建局",
		Kind: store.UnitGovernment}); err != nil {
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
	w.topic = mustTopic(t, db, w.actorA, consult.TopicInput{OrgID: w.countyA.ID, Year: 2024, Title: "老旧小区加装电梯",
		Form: consult.Thematic, Source: consult.FromOffice})
	advance(t, db, w.actorA, w.topic.ID, consult.Selected, "列入年度协商计划")
	w.consultation = mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Symposium,
		Title: "加装电梯专题协商会", StartsAt: w.at("2024-06-20", 9, 0), Invitees: []int64{w.qian.ID, w.sun.ID}})
	return w
}

func dutyKinds(t *testing.T, db *store.DB, a app.Actor, kind string) []store.DutyEvent {
	t.Helper()
	es, _, err := db.FindDutyEvents(context.Background(), a, store.DutyFilter{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestHandlingUnits(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHandleWorld(t, db)
		_, err := db.CreateUnit(ctx, w.actorA, store.UnitInput{Name: "东阿县住房和城乡建设局"})
		wantErr(t, "duplicate name", err, app.EINVALID, "name", "同名")
		_, err = db.CreateUnit(ctx, w.actorA, store.UnitInput{Name: " ", Phone: "abc"})
		wantErr(t, "empty name", err, app.EINVALID, "name", "不能为空")
		member := w.memberActor(w.qian)
		_, err = db.CreateUnit(ctx, member, store.UnitInput{Name: "某局"})
		wantErr(t, "member creates", err, app.EFORBIDDEN, "", "不能管理承办单位")

		u, err := db.UpdateUnit(ctx, w.actorA, w.jian.ID, store.UnitInput{Name: "东阿县住建局", Contact: "刘科长",
			Phone: "0635-1234567", Kind: store.UnitGovernment})
		if err != nil || u.Name != "东阿县住建局" || u.Contact != "刘科长" || u.KindLabel != "政府及其部门" {
			t.Fatalf("update: %+v %v", u, err)
		}
		// County B neither sees nor changes county A's units.
		if _, err := db.FindUnitByID(ctx, w.actorB, w.jian.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads: %v", err)
		}
		if _, err := db.UpdateUnit(ctx, w.actorB, w.jian.ID, store.UnitInput{Name: "x"}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B updates: %v", err)
		}
		// A township's office sees its county's units.
		town := actorAt(w.town)
		if us, err := db.FindUnits(ctx, town, store.UnitFilter{}); err != nil || len(us) != 2 {
			t.Fatalf("township sees %d units: %v", len(us), err)
		}
		if _, err := db.ArchiveUnit(ctx, w.actorA, w.jiao.ID, true); err != nil {
			t.Fatal(err)
		}
		us, err := db.FindUnits(ctx, w.actorA, store.UnitFilter{})
		if err != nil || len(us) != 1 {
			t.Fatalf("after archive: %d %v", len(us), err)
		}
		if us, _ = db.FindUnits(ctx, w.actorA, store.UnitFilter{Archived: true}); len(us) != 2 {
			t.Fatalf("with archived: %d", len(us))
		}

		// A unit account must name a unit of its committee.
		in := auth.AccountInput{Username: "zjj", DisplayName: "住建局", Role: auth.Unit, OrgID: w.countyA.ID,
			Password: "Test-pass-2026"}
		_, err = db.CreateAccount(ctx, w.actorA, in)
		wantErr(t, "unit account without unit", err, app.EINVALID, "unit_id", "须关联承办单位")
		bUnit, err := db.CreateUnit(ctx, w.actorB, store.UnitInput{Name: "阳谷县住建局"})
		if err != nil {
			t.Fatal(err)
		}
		in.UnitID = bUnit.ID
		_, err = db.CreateAccount(ctx, app.System, in)
		wantErr(t, "unit of another committee", err, app.EINVALID, "unit_id", "不是该账号所属政协")
		in.UnitID = w.jian.ID
		a, err := db.CreateAccount(ctx, w.actorA, in)
		if err != nil || a.UnitID != w.jian.ID || a.Actor("").UnitID != w.jian.ID {
			t.Fatalf("unit account: %+v %v", a, err)
		}
	})
}

func TestTopicWorkAndDuty(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHandleWorld(t, db)
		id := w.topic.ID

		// Participants: members by name or 姓名#编号, a department, an expert.
		p, err := db.AddTopicParticipant(ctx, w.actorA, id, store.ParticipantInput{Kind: store.ParticipantMember, Member: "钱委"})
		if err != nil || p.MemberID != w.qian.ID || p.Affiliation == "" {
			t.Fatalf("member participant: %+v %v", p, err)
		}
		_, err = db.AddTopicParticipant(ctx, w.actorA, id, store.ParticipantInput{Kind: store.ParticipantMember,
			Member: "孙委#" + app.Itoa(w.qian.ID)})
		wantErr(t, "name and id disagree", err, app.EINVALID, "member", "不是孙委")
		_, err = db.AddTopicParticipant(ctx, w.actorA, id, store.ParticipantInput{Kind: store.ParticipantMember, Member: "钱委"})
		wantErr(t, "twice", err, app.EINVALID, "member", "已是参加主体")
		_, err = db.AddTopicParticipant(ctx, w.actorA, id, store.ParticipantInput{Kind: store.ParticipantMember, Member: "查无此人"})
		wantErr(t, "unknown member", err, app.EINVALID, "member", "没有名为")
		if _, err := db.AddTopicParticipant(ctx, w.actorA, id, store.ParticipantInput{Kind: store.ParticipantDepartment,
			UnitID: w.jian.ID}); err != nil {
			t.Fatal(err)
		}
		expert, err := db.AddTopicParticipant(ctx, w.actorA, id, store.ParticipantInput{Kind: store.ParticipantExpert,
			Name: "陈工", Affiliation: "聊城大学"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveTopicParticipant(ctx, w.actorA, id, expert.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.AddTopicParticipant(ctx, w.actorB, id, store.ParticipantInput{Kind: store.ParticipantExpert, Name: "x"})
		if app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B adds: %v", err)
		}
		advance(t, db, w.actorA, id, consult.Participants, "")

		// A visit: members earn research duty events; photos must be images.
		in := store.VisitInput{Kind: store.VisitResearch, StartsOn: app.MustDate("2024-06-05"), EndsOn: app.MustDate("2024-06-06"),
			Places: "铜城街道前街社区\n\n新城街道御水苑社区\n", Members: "钱委、孙委", Findings: "加装意愿高，资金分摊难"}
		_, err = db.AddTopicVisit(ctx, w.actorA, id, in, []store.DocumentInput{{FileName: "a.pdf", Data: pdfBytes}})
		wantErr(t, "pdf as photo", err, app.EINVALID, "photos", "JPEG 或 PNG")
		if es := dutyKinds(t, db, w.actorA, store.DutyResearch); len(es) != 0 {
			t.Fatalf("refused visit wrote %d duty events", len(es))
		}
		bad := in
		bad.Places, bad.EndsOn = "", app.MustDate("2024-06-01")
		_, err = db.AddTopicVisit(ctx, w.actorA, id, bad, nil)
		if errs := app.ErrorFields(err); errs.Get("places") == "" || errs.Get("ends_on") == "" {
			t.Fatalf("bad visit: %v", err)
		}
		v, err := db.AddTopicVisit(ctx, w.actorA, id, in, []store.DocumentInput{{FileName: "现场.png", Data: pngBytes}})
		if err != nil || len(v.Members) != 2 || len(v.Places) != 2 || len(v.Photos) != 1 {
			t.Fatalf("visit: %+v %v", v, err)
		}
		es := dutyKinds(t, db, w.actorA, store.DutyResearch)
		if len(es) != 2 || es[0].Source != store.SourceTopicVisit || es[0].SourceID != v.ID || es[0].OccurredOn.String() != "2024-06-05" {
			t.Fatalf("research duty: %+v", es)
		}
		advance(t, db, w.actorA, id, consult.Research, "")

		// Speeches need the meeting linked; a member speaker earns a speech event.
		_, err = db.AddTopicSpeech(ctx, w.actorA, id, store.SpeechInput{Member: "钱委", Opinion: "建议财政补贴"})
		wantErr(t, "speech before meeting", err, app.ECONFLICT, "", "关联协商会议")
		if err := db.LinkTopicMeeting(ctx, w.actorA, id, w.consultation.ID); err != nil {
			t.Fatal(err)
		}
		sp, err := db.AddTopicSpeech(ctx, w.actorA, id, store.SpeechInput{Member: "钱委", Opinion: "建议财政补贴"})
		if err != nil || sp.Seq != 1 || sp.MemberID != w.qian.ID {
			t.Fatalf("speech: %+v %v", sp, err)
		}
		if _, err := db.AddTopicSpeech(ctx, w.actorA, id, store.SpeechInput{Speaker: "刘局长", Affiliation: "县住建局",
			Opinion: "将出台实施细则"}); err != nil {
			t.Fatal(err)
		}
		es = dutyKinds(t, db, w.actorA, store.DutySpeech)
		if len(es) != 1 || es[0].MemberID != w.qian.ID || es[0].MeetingID != w.consultation.ID || es[0].OccurredOn.String() != "2024-06-20" {
			t.Fatalf("speech duty: %+v", es)
		}

		// Outcomes: kind and title required; documents PDF or Word only.
		_, err = db.AddTopicOutcome(ctx, w.actorA, id, store.OutcomeInput{Kind: "memo", SentTo: "县委"}, nil)
		if errs := app.ErrorFields(err); errs.Get("kind") == "" || errs.Get("title") == "" || errs.Get("sent_on") == "" {
			t.Fatalf("bad outcome: %v", err)
		}
		_, err = db.AddTopicOutcome(ctx, w.actorA, id, store.OutcomeInput{Kind: store.OutcomeRecommendation, Title: "建议案"},
			&store.DocumentInput{FileName: "x.png", Data: pngBytes})
		wantErr(t, "png outcome", err, app.EINVALID, "file", "PDF 或 Word")
		o, err := db.AddTopicOutcome(ctx, w.actorA, id, store.OutcomeInput{Kind: store.OutcomeRecommendation,
			Title: "关于加快老旧小区加装电梯的建议案", Body: "一、…"}, &store.DocumentInput{FileName: "建议案.pdf", Data: pdfBytes})
		if err != nil || len(o.Files) != 1 {
			t.Fatalf("outcome: %+v %v", o, err)
		}
		o, err = db.UpdateTopicOutcome(ctx, w.actorA, id, o.ID, store.OutcomeInput{Kind: o.Kind, Title: o.Title, Body: o.Body,
			SentTo: "县委、县政府", SentOn: app.MustDate("2024-06-25")}, nil)
		if err != nil || o.SentTo != "县委、县政府" || o.SentOn.String() != "2024-06-25" {
			t.Fatalf("sent: %+v %v", o, err)
		}

		work, err := db.FindTopicWork(ctx, w.actorA, id)
		if err != nil || len(work.Participants) != 2 || len(work.Visits) != 1 || len(work.Visits[0].Photos) != 1 ||
			len(work.Speeches) != 2 || len(work.Outcomes) != 1 || len(work.Outcomes[0].Files) != 1 {
			t.Fatalf("work: %+v %v", work, err)
		}
		// The photo is read back with its bytes by the office, not by county B.
		f, data, err := db.FindTopicFileData(ctx, w.actorA, work.Visits[0].Photos[0].ID)
		if err != nil || string(data) != string(pngBytes) || f.ContentType != store.TypePNG {
			t.Fatalf("photo: %+v %v", f, err)
		}
		if _, _, err := db.FindTopicFileData(ctx, w.actorB, f.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads photo: %v", err)
		}
		// A member reads the work; a member cannot record it.
		if _, err := db.FindTopicWork(ctx, w.memberActor(w.qian), id); err != nil {
			t.Fatal(err)
		}
		_, err = db.AddTopicSpeech(ctx, w.memberActor(w.qian), id, store.SpeechInput{Speaker: "x", Opinion: "y"})
		wantErr(t, "member records", err, app.EFORBIDDEN, "", "不能办理")
	})
}

// runToOutcome takes the world's topic to the outcome state and returns the
// outcome.
func runToOutcome(t *testing.T, db *store.DB, w handleWorld) store.Outcome {
	t.Helper()
	ctx := context.Background()
	id := w.topic.ID
	if _, err := db.AddTopicParticipant(ctx, w.actorA, id, store.ParticipantInput{Kind: store.ParticipantMember,
		MemberID: w.qian.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTopicParticipant(ctx, w.actorA, id, store.ParticipantInput{Kind: store.ParticipantResident,
		Name: "居民代表老张", Affiliation: "前街社区"}); err != nil {
		t.Fatal(err)
	}
	advance(t, db, w.actorA, id, consult.Participants, "委员、部门和群众代表参加")
	if _, err := db.AddTopicVisit(ctx, w.actorA, id, store.VisitInput{Kind: store.VisitInspection,
		StartsOn: app.MustDate("2024-06-05"), Places: "前街社区", MemberIDs: []int64{w.qian.ID, w.sun.ID}}, nil); err != nil {
		t.Fatal(err)
	}
	advance(t, db, w.actorA, id, consult.Research, "")
	if err := db.LinkTopicMeeting(ctx, w.actorA, id, w.consultation.ID); err != nil {
		t.Fatal(err)
	}
	advance(t, db, w.actorA, id, consult.Consultation, "")
	if _, err := db.AddTopicSpeech(ctx, w.actorA, id, store.SpeechInput{MemberID: w.sun.ID, Opinion: "分类推进"}); err != nil {
		t.Fatal(err)
	}
	o, err := db.AddTopicOutcome(ctx, w.actorA, id, store.OutcomeInput{Kind: store.OutcomeRecommendation,
		Title: "建议案", SentTo: "县委、县政府", SentOn: app.MustDate("2024-06-25")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	advance(t, db, w.actorA, id, consult.Outcome, "")
	return o
}

func TestFeedbackUnitScopeReturnAndSatisfaction(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHandleWorld(t, db)
		o := runToOutcome(t, db, w)
		id := w.topic.ID
		deadline := app.MustDate("2024-07-31")

		// Assigning: validations.
		_, err := db.AssignTopicOutcome(ctx, w.actorA, id, store.AssignInput{OutcomeID: o.ID,
			LeadUnitIDs: []int64{w.jian.ID}, SupportUnitIDs: []int64{w.jian.ID}, Deadline: app.MustDate("2024-05-01")})
		if errs := app.ErrorFields(err); errs.Get("deadline") == "" || errs.Get("support_unit_ids") == "" {
			t.Fatalf("bad assign: %v", err)
		}
		bUnit, err := db.CreateUnit(ctx, w.actorB, store.UnitInput{Name: "阳谷县教育局"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.AssignTopicOutcome(ctx, w.actorA, id, store.AssignInput{OutcomeID: o.ID,
			LeadUnitIDs: []int64{w.jian.ID, bUnit.ID}, Deadline: deadline})
		wantErr(t, "foreign unit", err, app.EINVALID, "lead_unit_ids", "不是本政协的承办单位")
		as, err := db.AssignTopicOutcome(ctx, w.actorA, id, store.AssignInput{OutcomeID: o.ID, LeadUnitIDs: []int64{w.jian.ID},
			Deadline: deadline})
		if err != nil || len(as) != 1 || as[0].Status != store.AssignSent || !as[0].Lead {
			t.Fatalf("assign: %+v %v", as, err)
		}
		jianAsg := as[0]

		// The unit sees its assignment; the other unit sees nothing and cannot reply.
		inbox, err := db.FindUnitInbox(ctx, w.unitJian, store.UnitInboxFilter{})
		if err != nil || len(inbox) != 1 || inbox[0].TopicTitle != "老旧小区加装电梯" {
			t.Fatalf("inbox: %+v %v", inbox, err)
		}
		if inbox, _ := db.FindUnitInbox(ctx, w.unitJiao, store.UnitInboxFilter{}); len(inbox) != 0 {
			t.Fatalf("other unit's inbox: %+v", inbox)
		}
		if _, err := db.FindUnitAssignment(ctx, w.unitJiao, jianAsg.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other unit reads: %v", err)
		}
		_, err = db.ReplyAssignment(ctx, w.unitJiao, jianAsg.ID, store.ReplyInput{Body: "冒名答复"}, nil)
		if app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other unit replies: %v", err)
		}
		if _, err := db.ReplyAssignment(ctx, w.actorA, jianAsg.ID, store.ReplyInput{Body: "x"}, nil); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("office replies: %v", err)
		}
		a, err := db.FindAssignmentByID(ctx, w.actorA, jianAsg.ID)
		if err != nil || len(a.Replies) != 0 || a.Status != store.AssignSent {
			t.Fatalf("refused replies wrote: %+v %v", a, err)
		}
		// Satisfaction waits for a reply.
		_, err = db.SetAssignmentSatisfaction(ctx, w.actorA, jianAsg.ID, store.Satisfied)
		wantErr(t, "early satisfaction", err, app.ECONFLICT, "", "尚未答复")

		// Reply, return with a reason, reply again, accept.
		ua, err := db.FindUnitAssignment(ctx, w.unitJian, jianAsg.ID)
		if err != nil || ua.Outcome.Title != "建议案" {
			t.Fatalf("unit assignment: %+v %v", ua, err)
		}
		r1, err := db.ReplyAssignment(ctx, w.unitJian, jianAsg.ID, store.ReplyInput{Body: "已部署"},
			&store.DocumentInput{FileName: "答复.pdf", Data: pdfBytes})
		if err != nil || len(r1.Files) != 1 {
			t.Fatalf("reply: %+v %v", r1, err)
		}
		_, err = db.ReplyAssignment(ctx, w.unitJian, jianAsg.ID, store.ReplyInput{Body: "再答"}, nil)
		wantErr(t, "reply while waiting", err, app.ECONFLICT, "", "等待")
		// The unit reads its reply document; the other unit does not.
		if _, _, err := db.FindTopicFileData(ctx, w.unitJian, r1.Files[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.FindTopicFileData(ctx, w.unitJiao, r1.Files[0].ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other unit reads reply file: %v", err)
		}
		_, err = db.JudgeReply(ctx, w.actorA, r1.ID, store.VerdictInput{Verdict: store.VerdictReturned})
		wantErr(t, "return without reason", err, app.EINVALID, "reason", "理由")
		_, err = db.JudgeReply(ctx, w.actorB, r1.ID, store.VerdictInput{Verdict: store.VerdictAccepted})
		if app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B judges: %v", err)
		}
		a, err = db.JudgeReply(ctx, w.actorA, r1.ID, store.VerdictInput{Verdict: store.VerdictReturned, Reason: "未说明资金来源"})
		if err != nil || a.Status != store.AssignReturned || a.Replies[0].Verdict != store.VerdictReturned {
			t.Fatalf("returned: %+v %v", a, err)
		}
		_, err = db.JudgeReply(ctx, w.actorA, r1.ID, store.VerdictInput{Verdict: store.VerdictAccepted})
		wantErr(t, "judge twice", err, app.ECONFLICT, "", "已审核")
		r2, err := db.ReplyAssignment(ctx, w.unitJian, jianAsg.ID, store.ReplyInput{Body: "资金由财政和居民按比例分摊"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, err = db.JudgeReply(ctx, w.actorA, r2.ID, store.VerdictInput{Verdict: store.VerdictAccepted})
		if err != nil || a.Status != store.AssignAccepted || len(a.Replies) != 2 || a.Replies[0].VerdictReason != "未说明资金来源" ||
			a.AcceptedAt.IsZero() {
			t.Fatalf("accepted: %+v %v", a, err)
		}
		_, err = db.ReplyAssignment(ctx, w.unitJian, jianAsg.ID, store.ReplyInput{Body: "再答"}, nil)
		wantErr(t, "reply after acceptance", err, app.ECONFLICT, "", "已被认可")
		_, err = db.SetAssignmentSatisfaction(ctx, w.actorA, jianAsg.ID, "great")
		wantErr(t, "bad satisfaction", err, app.EINVALID, "satisfaction", "满意")
		a, err = db.SetAssignmentSatisfaction(ctx, w.actorA, jianAsg.ID, store.Basically)
		if err != nil || a.SatisfactionLabel != "基本满意" {
			t.Fatalf("satisfaction: %+v %v", a, err)
		}

		// Overdue: a deadline passed without an accepted reply.
		if _, err := db.AssignTopicOutcome(ctx, w.actorA, id, store.AssignInput{OutcomeID: o.ID,
			SupportUnitIDs: []int64{w.jiao.ID}, Deadline: app.MustDate("2024-06-10")}); err != nil {
			t.Fatal(err)
		}
		now := db.Now
		db.Now = func() time.Time { return now().AddDate(0, 0, 20) }
		inbox, err = db.FindUnitInbox(ctx, w.unitJiao, store.UnitInboxFilter{Overdue: true})
		if err != nil || len(inbox) != 1 || !inbox[0].Overdue || inbox[0].Lead {
			t.Fatalf("overdue inbox: %+v %v", inbox, err)
		}
		if inbox, _ := db.FindUnitInbox(ctx, w.unitJian, store.UnitInboxFilter{Overdue: true}); len(inbox) != 0 {
			t.Fatalf("accepted is overdue: %+v", inbox)
		}
	})
}

// TestTopicFromSelectionToClosed runs one topic from selection through
// participants, research, the consultation, an outcome sent to two units,
// both replying, one returned and redone, feedback, closed.
func TestTopicFromSelectionToClosed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildHandleWorld(t, db)
		id := w.topic.ID
		o := runToOutcome(t, db, w)
		_, err := db.AdvanceTopic(ctx, w.actorA, id, store.AdvanceInput{To: consult.Sent})
		wantErr(t, "sent without units", err, app.ECONFLICT, "", "承办单位")
		if _, err := db.AssignTopicOutcome(ctx, w.actorA, id, store.AssignInput{OutcomeID: o.ID,
			LeadUnitIDs: []int64{w.jian.ID}, SupportUnitIDs: []int64{w.jiao.ID}, Deadline: app.MustDate("2024-08-31")}); err != nil {
			t.Fatal(err)
		}
		advance(t, db, w.actorA, id, consult.Sent, "报送县委、县政府并交办")
		_, err = db.AdvanceTopic(ctx, w.actorA, id, store.AdvanceInput{To: consult.Feedback})
		wantErr(t, "feedback before replies", err, app.ECONFLICT, "", "2个承办单位尚未答复")

		reply := func(u app.Actor, body string) store.Reply {
			t.Helper()
			inbox, err := db.FindUnitInbox(ctx, u, store.UnitInboxFilter{Open: true})
			if err != nil || len(inbox) != 1 {
				t.Fatalf("inbox of %s: %+v %v", u.Name, inbox, err)
			}
			r, err := db.ReplyAssignment(ctx, u, inbox[0].ID, store.ReplyInput{Body: body}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		rJian := reply(w.unitJian, "已制定加装电梯实施方案")
		rJiao := reply(w.unitJiao, "配合做好宣传")
		advance(t, db, w.actorA, id, consult.Feedback, "")
		if _, err := db.JudgeReply(ctx, w.actorA, rJian.ID, store.VerdictInput{Verdict: store.VerdictAccepted}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.JudgeReply(ctx, w.actorA, rJiao.ID, store.VerdictInput{Verdict: store.VerdictReturned,
			Reason: "请说明具体措施"}); err != nil {
			t.Fatal(err)
		}
		_, err = db.AdvanceTopic(ctx, w.actorA, id, store.AdvanceInput{To: consult.Closed})
		wantErr(t, "closed with a returned reply", err, app.ECONFLICT, "", "1个承办单位的答复尚未认可")
		rJiao2 := reply(w.unitJiao, "在学校开展安全宣传，已完成12场")
		if _, err := db.JudgeReply(ctx, w.actorA, rJiao2.ID, store.VerdictInput{Verdict: store.VerdictAccepted}); err != nil {
			t.Fatal(err)
		}
		work, err := db.FindTopicWork(ctx, w.actorA, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range work.Assignments {
			if _, err := db.SetAssignmentSatisfaction(ctx, w.actorA, a.ID, store.Satisfied); err != nil {
				t.Fatal(err)
			}
		}
		tp := advance(t, db, w.actorA, id, consult.Closed, "各承办单位答复均已认可")
		if tp.Progress != 100 || tp.StateLabel != "已办结" {
			t.Fatalf("closed: %+v", tp)
		}
		steps, err := db.FindTopicSteps(ctx, w.actorA, id)
		if err != nil {
			t.Fatal(err)
		}
		var path []string
		for _, s := range steps {
			path = append(path, s.To)
		}
		if got := strings.Join(path, ">"); got != "collected>selected>participants>research>consultation>outcome>sent>feedback>closed" {
			t.Fatalf("steps %s", got)
		}
		work, err = db.FindTopicWork(ctx, w.actorA, id)
		if err != nil || len(work.Assignments) != 2 {
			t.Fatal(err)
		}
		replies := 0
		for _, a := range work.Assignments {
			replies += len(a.Replies)
			if a.Status != store.AssignAccepted || a.Satisfaction != store.Satisfied {
				t.Fatalf("assignment %+v", a)
			}
		}
		if replies != 3 {
			t.Fatalf("%d replies kept, want 3", replies)
		}
		// Nothing more is recorded on a closed topic.
		_, err = db.AddTopicParticipant(ctx, w.actorA, id, store.ParticipantInput{Kind: store.ParticipantExpert, Name: "迟到"})
		wantErr(t, "closed topic", err, app.ECONFLICT, "", "已办结")
	})
}
