package store_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/duty"
	"xieshang/internal/meeting"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// dutyYear builds county A's 2024 from real records: a proposal by 钱委
// co-signed by 孙委, filed and made key; a report by both adopted by the
// city (half each); the plenary's opening sitting (everyone signs in) and
// closing sitting (钱委's leave refused, absent). Returns the proposal.
func dutyYear(t *testing.T, db *store.DB) (*proposalWorld, store.Proposal) {
	t.Helper()
	ctx := context.Background()
	w := buildProposalWorld(t, db)
	office, qian := w.actorA, w.memberActor(w.qian)
	p := mustProposal(t, db, qian, proposal.Input{TermID: w.term.ID, Session: 4, Title: "关于加快老旧小区改造的建议",
		Reason: "设施老化", Suggestions: "一是……", Category: "社会建设"})
	p = moveProposal(t, db, qian, p.ID, store.ProposalAdvance{To: proposal.Cosigning})
	mustOK(t, "sun co-signs", db.Cosign(ctx, w.memberActor(w.sun), p.ID, 0))
	w.days(16)
	p = moveProposal(t, db, qian, p.ID, store.ProposalAdvance{To: proposal.Submitted})
	p = moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Filed})
	mustOK(t, "key", db.MarkKeyProposal(ctx, office, p.ID, 2024, "张主席"))

	r := mustReport(t, db, qian, store.ReportInput{Year: 2024, Title: "关于加强农村养老服务的建议",
		Body: "农村留守老人多。", Authors: []store.ReportAuthorInput{{Member: "孙委"}}})
	if _, err := db.AdoptReport(ctx, office, r.ID, proposal.Adoption{Level: proposal.City, AdoptedOn: app.MustDate("2024-03-17"),
		AdoptedBy: "市政协办公室《社情民意》第5期"}); err != nil {
		t.Fatal(err)
	}

	w.now = time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC)
	session := mustMeeting(t, db, office, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
		StartsAt: w.at("2024-06-09", 9, 0)})
	opening := mustMeeting(t, db, office, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Sitting,
		ParentID: session.ID, Sitting: meeting.Opening, StartsAt: w.at("2024-06-10", 9, 0)})
	closing := mustMeeting(t, db, office, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Sitting,
		ParentID: session.ID, Sitting: meeting.Closing, StartsAt: w.at("2024-06-11", 9, 0)})
	leave, err := db.RequestLeave(ctx, qian, closing.ID, w.qian.ID, "外出")
	mustOK(t, "leave", err)
	_, err = db.DecideLeave(ctx, office, leave.ID, false)
	mustOK(t, "refuse leave", err)
	for _, c := range []struct {
		m   meeting.Meeting
		day string
		who []int64
	}{
		{opening, "2024-06-10", []int64{w.zhang.ID, w.li.ID, w.wang.ID, w.zhao.ID, w.qian.ID, w.sun.ID}},
		{closing, "2024-06-11", []int64{w.zhang.ID, w.li.ID, w.wang.ID, w.zhao.ID, w.sun.ID}},
	} {
		_, err := db.OpenMeeting(ctx, office, c.m.ID)
		mustOK(t, "open", err)
		for _, id := range c.who {
			_, err := db.SignIn(ctx, office, c.m.ID, id, store.SignInClerk, w.at(c.day, 8, 50))
			mustOK(t, "sign in", err)
		}
		_, err = db.CloseMeeting(ctx, office, c.m.ID)
		mustOK(t, "close", err)
	}
	return w, p
}

// checkTally compares the tally with the events counted from duty_event,
// and a rebuild with both.
func checkTally(t *testing.T, db *store.DB, when string) {
	t.Helper()
	ctx := context.Background()
	kept, err := db.DutyTallyRows(ctx, false)
	mustOK(t, "tally", err)
	counted, err := db.DutyTallyRows(ctx, true)
	mustOK(t, "counted", err)
	if len(counted) == 0 || !slices.Equal(kept, counted) {
		t.Fatalf("%s: tally\n%v\nwant\n%v", when, kept, counted)
	}
	mustOK(t, "rebuild", db.RebuildDutyTally(ctx))
	rebuilt, err := db.DutyTallyRows(ctx, false)
	mustOK(t, "tally", err)
	if !slices.Equal(rebuilt, counted) {
		t.Fatalf("%s: rebuilt\n%v\nwant\n%v", when, rebuilt, counted)
	}
}

// Every writer of duty events keeps the tally: meetings, proposals (key on,
// off, on), reports, a room activity moved across a year and losing a
// member, and random retractions.
func TestDutyTallyKeptByEveryWriter(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, p := dutyYear(t, db)
		office := w.actorA
		checkTally(t, db, "the year built")

		mustOK(t, "key off", db.MarkKeyProposal(ctx, office, p.ID, 0, ""))
		mustOK(t, "excellent", db.MarkExcellentProposal(ctx, office, p.ID, 2024))
		checkTally(t, db, "key taken back")
		mustOK(t, "key again", db.MarkKeyProposal(ctx, office, p.ID, 2024, "张主席"))

		w.now = time.Date(2025, 2, 1, 2, 0, 0, 0, time.UTC)
		village, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: w.town.ID, Kind: org.Village, Name: "前街社区"})
		mustOK(t, "village", err)
		room, err := db.CreateRoom(ctx, office, consult.RoomInput{OrgID: w.town.ID, Name: "铜城街道协商议事室",
			VillageIDs: []int64{village.ID}})
		mustOK(t, "room", err)
		for _, m := range []int64{w.qian.ID, w.sun.ID} {
			_, err := db.AssignRoomMember(ctx, office, room.ID, consult.RoomMemberInput{MemberID: m, From: app.MustDate("2024-01-01")})
			mustOK(t, "assign", err)
		}
		in := consult.ActivityInput{HeldOn: app.MustDate("2024-12-31"), Title: "加装电梯议事", MemberIDs: []int64{w.qian.ID, w.sun.ID}}
		act, err := db.CreateRoomActivity(ctx, office, room.ID, in)
		mustOK(t, "activity", err)
		checkTally(t, db, "room activity")
		in.HeldOn, in.MemberIDs = app.MustDate("2025-01-02"), []int64{w.qian.ID}
		_, err = db.UpdateRoomActivity(ctx, office, act.ID, in)
		mustOK(t, "move activity", err)
		checkTally(t, db, "room activity moved to 2025 without 孙委")

		rng := rand.New(rand.NewPCG(8, 2024))
		for i := 0; i < 6; i++ {
			events, _, err := db.FindDutyEvents(ctx, office, store.DutyFilter{Limit: 1000})
			mustOK(t, "events", err)
			e := events[rng.IntN(len(events))]
			mustOK(t, "retract", db.InTx(ctx, func(tx *store.Tx) error {
				if rng.IntN(2) == 0 {
					return tx.RetractDuty(ctx, e.Source, e.SourceID, e.MemberID)
				}
				return tx.RetractDuty(ctx, e.Source, e.SourceID)
			}))
			checkTally(t, db, "random retraction "+e.Kind)
		}
	})
}

func fileTotals(f store.DutyFile) map[string]string {
	out := map[string]string{"total": f.Total.String()}
	for _, c := range f.Categories {
		if c.N > 0 {
			out[c.Category] = c.Points.String()
		}
	}
	return out
}

// A member's year built from real events scores exactly by the default
// rules; changing a rule changes the file at once (scores are computed at
// read time); the rank within the sector shares ties; the rules refuse
// overlapping years and unknown kinds; the file is the member's own or the
// office's.
func TestDutyFileAndRanking(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, p := dutyYear(t, db)
		office := w.actorA

		f, err := db.FindDutyFile(ctx, office, w.qian.ID, 2024)
		mustOK(t, "file", err)
		// Opening sitting 5; closing: leave refused −2 and absent −3;
		// proposal lead 15 + key 15; report adopted by the city, half: 5.
		got := fileTotals(f)
		want := map[string]string{"total": "35", "meeting": "0", "proposal": "30", "report": "5"}
		if !mapsEqual(got, want) || f.Sector != "教育界" || f.Rank != 1 || f.SectorSize != 7 || f.Standing || f.Rules.ID != 0 {
			t.Fatalf("钱委's file: %v rank %d/%d sector %q standing %v", got, f.Rank, f.SectorSize, f.Sector, f.Standing)
		}
		var links []string
		for _, e := range f.Events {
			links = append(links, e.Kind+":"+e.Points.String()+":"+e.Link.Page+":"+e.Link.Title)
			if e.Link.ID == 0 {
				t.Errorf("event without a link: %+v", e)
			}
		}
		for _, l := range []string{"proposal_lead:15:proposal:" + p.Title, "proposal_key_lead:15:proposal:" + p.Title,
			"report_city:5:report:关于加强农村养老服务的建议", "attended:5:meeting:十届一次会议开幕会", "absent:-3:meeting:十届一次会议闭幕会",
			"leave_refused:-2:meeting:十届一次会议闭幕会"} {
			if !slices.Contains(links, l) {
				t.Errorf("no %q in %v", l, links)
			}
		}

		// The ranking: 钱委 35, 孙委 21, four at 10 share the third place, 周退 0.
		rk, err := db.FindDutyRanking(ctx, office, 0, 2024, w.edu.ID)
		mustOK(t, "ranking", err)
		var lines []string
		for _, r := range rk.Rows {
			lines = append(lines, r.Name+":"+r.Total.String()+":"+app.Itoa(int64(r.Rank)))
		}
		if strings.Join(lines, " ") != "钱委:35:1 孙委:21:2 张主席:10:3 李副:10:3 王秘:10:3 赵常:10:3 周退:0:7" {
			t.Fatalf("ranking: %v", lines)
		}

		// Changing a rule recomputes: lead 20; standing members 8 a sitting.
		r := duty.DefaultRules(2024)
		eight := duty.Points(800)
		for i := range r.Rules {
			switch {
			case r.Rules[i].Kind == "proposal_lead":
				r.Rules[i].Points = 2000
			case r.Rules[i].Kind == "attended" && r.Rules[i].Meeting == "sitting":
				r.Rules[i].Standing = &eight
			}
		}
		saved, err := db.SaveDutyRules(ctx, office, 0, 0, r)
		mustOK(t, "save rules", err)
		if f, _ = db.FindDutyFile(ctx, office, w.qian.ID, 2024); f.Total.String() != "40" || f.Rules.ID != saved.ID {
			t.Fatalf("after the rule change: %s", f.Total)
		}
		if f, _ = db.FindDutyFile(ctx, office, w.li.ID, 2024); f.Total.String() != "16" || !f.Standing {
			t.Fatalf("李副 (vice-chair from March) at standing rates: %s %v", f.Total, f.Standing)
		}
		if f, _ = db.FindDutyFile(ctx, office, w.sun.ID, 2024); f.Total.String() != "21" || f.Standing || f.Rank != 2 {
			t.Fatalf("孙委: %s %v rank %d", f.Total, f.Standing, f.Rank)
		}
		if f, _ = db.FindDutyFile(ctx, office, w.qian.ID, 2023); f.Total != 0 || f.Rules.ID != 0 {
			t.Fatalf("2023 keeps the default rules: %+v", f.Rules)
		}

		// Overlapping years and unknown kinds are refused.
		r.FromYear, r.ToYear = 2020, 2024
		_, err = db.SaveDutyRules(ctx, office, 0, 0, r)
		wantErr(t, "overlap", err, app.EINVALID, "from_year", "与已有的2024年起积分规则重叠")
		r.FromYear, r.ToYear = 2020, 2023
		r.Rules = append(r.Rules, duty.Rule{Kind: "activity_golf", Points: 100})
		_, err = db.SaveDutyRules(ctx, office, 0, 0, r)
		wantErr(t, "unknown kind", err, app.EINVALID, "rules", "未知的履职事项“activity_golf”")
		_, err = db.SaveDutyRules(ctx, w.memberActor(w.qian), 0, 0, duty.DefaultRules(2020))
		wantErr(t, "member saves rules", err, app.EFORBIDDEN, "", "不能修改积分规则")
		if sets, _ := db.ListDutyRules(ctx, office, 0); len(sets) != 1 {
			t.Fatalf("rule sets: %+v", sets)
		}
		// Updating the set itself is no overlap; deleting brings the defaults back.
		saved.FromYear = 2023
		_, err = db.SaveDutyRules(ctx, office, 0, saved.ID, saved.Rules)
		mustOK(t, "update own range", err)
		mustOK(t, "delete rules", db.DeleteDutyRules(ctx, office, saved.ID))
		if f, _ = db.FindDutyFile(ctx, office, w.qian.ID, 2024); f.Total.String() != "35" {
			t.Fatalf("after delete: %s", f.Total)
		}
		entries, _, _ := db.FindAuditEntries(ctx, auditReader(office), store.AuditFilter{Entity: "duty_rules"})
		if len(entries) != 3 {
			t.Fatalf("audit: %d", len(entries))
		}

		// Scope: a member's own file only; another county's office sees none.
		if _, err := db.FindDutyFile(ctx, w.memberActor(w.qian), w.qian.ID, 2024); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindDutyFile(ctx, w.memberActor(w.sun), w.qian.ID, 2024); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("another member's file: %v", err)
		}
		if _, err := db.FindDutyFile(ctx, w.actorB, w.qian.ID, 2024); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B: %v", err)
		}
		if _, err := db.FindDutyRanking(ctx, w.memberActor(w.qian), 0, 2024, 0); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("member ranking: %v", err)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
