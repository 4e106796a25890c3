package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// electionWorld is the meeting world with six more members seated in
// county A's tenth term (twelve seated on 2024-06-10: 周退's seat ended and
// 吴外 has none), a plenary session and its 选举大会 sitting that day.
type electionWorld struct {
	meetingWorld
	chen, liu, huang, lin, he, guo member.Member
	session, sitting               meeting.Meeting
	seated                         []member.Member
}

func buildElectionWorld(t testing.TB, db *store.DB) electionWorld {
	t.Helper()
	ctx := context.Background()
	w := electionWorld{meetingWorld: buildMeetingWorld(t, db)}
	add := func(name string, seq int) member.Member {
		t.Helper()
		m, err := db.CreateMemberInTerm(ctx, w.actorA, w.countyA.ID, person(name, seq),
			&member.MembershipInput{TermID: w.term.ID, SectorID: w.econ.ID, StartDate: w.term.StartDate})
		if err != nil {
			t.Fatalf("member %s: %v", name, err)
		}
		return m
	}
	w.chen, w.liu, w.huang = add("陈一", 201), add("刘二", 202), add("黄三", 203)
	w.lin, w.he, w.guo = add("林四", 204), add("何五", 205), add("郭六", 206)
	w.seated = []member.Member{w.zhang, w.li, w.wang, w.zhao, w.qian, w.sun, w.chen, w.liu, w.huang, w.lin, w.he, w.guo}
	w.session = mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
		StartsAt: w.at("2024-06-09", 9, 0)})
	w.sitting = w.newSitting(t, db, meeting.Election)
	return w
}

func (w electionWorld) newSitting(t testing.TB, db *store.DB, k meeting.SittingKind) meeting.Meeting {
	t.Helper()
	return mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Sitting,
		ParentID: w.session.ID, Sitting: k, StartsAt: w.at("2024-06-10", 9, 0)})
}

// adopt puts an election's agenda item to a show of hands and passes it.
func adopt(t testing.TB, db *store.DB, a app.Actor, itemID int64, present int) {
	t.Helper()
	ctx := context.Background()
	v, err := db.OpenVote(ctx, a, itemID, store.VoteHands, meeting.PassRule{})
	if err != nil {
		t.Fatalf("open vote on item %d: %v", itemID, err)
	}
	if _, err := db.RecordHands(ctx, a, v.ID, meeting.Tally{For: present}); err != nil {
		t.Fatal(err)
	}
	if v, err := db.CloseVote(ctx, a, v.ID); err != nil || !v.Passed {
		t.Fatalf("close vote: %+v %v", v, err)
	}
}

func signIn(t testing.TB, db *store.DB, w electionWorld, meetingID int64, ms ...member.Member) {
	t.Helper()
	for _, m := range ms {
		if _, err := db.SignIn(context.Background(), w.actorA, meetingID, m.ID, store.SignInClerk, w.at("2024-06-10", 8, 50)); err != nil {
			t.Fatalf("sign in %s: %v", m.Name, err)
		}
	}
}

func mustOffice(t testing.TB, db *store.DB, a app.Actor, electionID int64, in store.OfficeInput, cands ...member.Member) election.Office {
	t.Helper()
	ctx := context.Background()
	o, err := db.AddOffice(ctx, a, electionID, in)
	if err != nil {
		t.Fatalf("office %s: %v", in.Name, err)
	}
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.ID
	}
	if err := db.SetCandidates(ctx, a, o.ID, ids); err != nil {
		t.Fatalf("candidates of %s: %v", in.Name, err)
	}
	return o
}

func rep(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// TestElectionPaperLifecycle: an election on paper ballots from its
// creation at the 选举大会 to the roles it gives.
func TestElectionPaperLifecycle(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildElectionWorld(t, db)
		a := w.actorA

		// Only at a sitting of a plenary session.
		_, err := db.CreateElection(ctx, a, w.session.ID, store.ElectionInput{Title: "补选", Mode: election.Paper})
		wantErr(t, "election at the session", err, app.ECONFLICT, "", "选举须在全体会议的一次大会")
		_, err = db.CreateElection(ctx, a, w.sitting.ID, store.ElectionInput{Title: " ", Mode: "shout"})
		wantErr(t, "bad input", err, app.EINVALID, "title", "请填写选举名称")
		wantErr(t, "bad mode", err, app.EINVALID, "mode", "纸质选票或电子投票")
		_, err = db.CreateElection(ctx, w.memberActor(w.qian), w.sitting.ID, store.ElectionInput{Title: "补选", Mode: election.Paper})
		wantErr(t, "member account creates", err, app.EFORBIDDEN, "", "委员账号")
		if _, err := db.CreateElection(ctx, w.actorB, w.sitting.ID, store.ElectionInput{Title: "补选", Mode: election.Paper}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B creates in county A: %v", err)
		}
		rules := election.DefaultRules()
		rules.Hold = election.Fraction{Num: 2, Den: 3, Strict: true} // more than 8 of 12
		el, err := db.CreateElection(ctx, a, w.sitting.ID, store.ElectionInput{Title: "补选县政协副主席和常务委员",
			Mode: election.Paper, Rules: rules})
		if err != nil || el.Status != election.Draft || el.RulesItemID == 0 || el.ScrutineersItemID == 0 || el.RulesAdopted {
			t.Fatalf("create: %+v %v", el, err)
		}
		items, err := db.FindAgendaItems(ctx, a, w.sitting.ID)
		if err != nil || len(items) != 2 || items[0].Kind != store.AgendaElectionRules ||
			items[0].Title != "《东阿县政协十届一次会议选举办法（草案）》" || items[1].Title != "总监票人、监票人名单（草案）" ||
			items[1].Kind.Label() != "监票人名单" {
			t.Fatalf("agenda: %+v %v", items, err)
		}

		vice := mustOffice(t, db, a, el.ID, store.OfficeInput{Name: "副主席", Role: member.ViceChair, Seats: 1}, w.qian)
		standing := mustOffice(t, db, a, el.ID, store.OfficeInput{Paper: 2, Name: "常务委员", Role: member.Standing, Seats: 2,
			Competitive: true}, w.sun, w.chen, w.liu)
		if vice.Paper != 1 || vice.Seq != 1 || standing.Paper != 2 || standing.Seq != 1 {
			t.Fatalf("offices: %+v %+v", vice, standing)
		}
		_, err = db.AddOffice(ctx, a, el.ID, store.OfficeInput{Name: "副主席", Seats: 0, Role: "king"})
		wantErr(t, "bad office", err, app.EINVALID, "name", "已在本次选举中")
		wantErr(t, "bad office", err, app.EINVALID, "seats", "应选名额")
		wantErr(t, "bad office", err, app.EINVALID, "role", "主席、副主席、秘书长或常委")
		err = db.SetCandidates(ctx, a, vice.ID, []int64{w.wu.ID})
		wantErr(t, "candidate without a seat", err, app.EINVALID, "candidates", "吴外在2024年6月10日不是本届委员会委员")
		err = db.SetCandidates(ctx, a, vice.ID, []int64{w.qian.ID, w.qian.ID})
		wantErr(t, "candidate twice", err, app.EINVALID, "candidates", "钱委重复")

		scrutineers := []store.ElectionScrutineer{{MemberID: w.huang.ID, Duty: store.ChiefScrutineer},
			{MemberID: w.lin.ID, Duty: store.Scrutineer}, {MemberID: w.he.ID, Duty: store.Teller}}
		err = db.SetScrutineers(ctx, a, el.ID, []store.ElectionScrutineer{{MemberID: w.huang.ID, Duty: store.Scrutineer}})
		wantErr(t, "no chief", err, app.EINVALID, "scrutineers", "请至少指定一名总监票人")
		// A candidate cannot be a scrutineer, and a scrutineer cannot be a candidate.
		err = db.SetScrutineers(ctx, a, el.ID, append(slices.Clone(scrutineers), store.ElectionScrutineer{MemberID: w.sun.ID,
			Duty: store.Teller}))
		wantErr(t, "candidate as scrutineer", err, app.EINVALID, "scrutineers", "孙委是常务委员候选人，不能担任计票人")
		if err := db.SetScrutineers(ctx, a, el.ID, scrutineers); err != nil {
			t.Fatal(err)
		}
		err = db.SetCandidates(ctx, a, standing.ID, []int64{w.sun.ID, w.chen.ID, w.lin.ID})
		wantErr(t, "scrutineer as candidate", err, app.EINVALID, "candidates", "林四是本次选举的监票人，不能作为候选人")

		_, err = db.OpenElection(ctx, a, el.ID)
		wantErr(t, "open before the sitting", err, app.ECONFLICT, "", "会议尚未开始签到")
		if _, err := db.OpenMeeting(ctx, a, w.sitting.ID); err != nil {
			t.Fatal(err)
		}
		signIn(t, db, w, w.sitting.ID, w.seated[:8]...)
		_, err = db.OpenElection(ctx, a, el.ID)
		wantErr(t, "open before adoption", err, app.ECONFLICT, "", "选举办法尚未经大会表决通过")

		adopt(t, db, a, el.RulesItemID, 8)
		_, err = db.UpdateElection(ctx, a, el.ID, store.ElectionInput{Title: "改", Mode: election.Paper})
		wantErr(t, "edit after the rules vote", err, app.ECONFLICT, "", "选举办法已付表决")
		_, err = db.AddOffice(ctx, a, el.ID, store.OfficeInput{Name: "秘书长", Seats: 1})
		wantErr(t, "office after the rules vote", err, app.ECONFLICT, "", "选举办法已付表决")
		_, err = db.OpenElection(ctx, a, el.ID)
		wantErr(t, "open before scrutineers approved", err, app.ECONFLICT, "", "总监票人、监票人名单尚未经大会表决通过")
		// The scrutineers by electronic vote: 7 of 8 present vote for (more than half of 应到 12).
		sv, err := db.OpenVote(ctx, a, el.ScrutineersItemID, store.VoteElectronic, meeting.PassRule{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range w.seated[:7] {
			version := dataVersion(t, db)
			if err := db.CastBallot(ctx, w.memberActor(m), sv.ID, m.ID, meeting.VoteFor); err != nil {
				t.Fatal(err)
			}
			if dataVersion(t, db) <= version {
				t.Fatalf("%s's vote left the data version at %d", m.Name, version)
			}
		}
		if v, err := db.CloseVote(ctx, a, sv.ID); err != nil || !v.Passed {
			t.Fatalf("scrutineers vote: %+v %v", v, err)
		}
		err = db.SetScrutineers(ctx, a, el.ID, scrutineers)
		wantErr(t, "scrutineers after their vote", err, app.ECONFLICT, "", "名单已付表决")
		got, err := db.FindElectionByID(ctx, a, el.ID)
		if err != nil || !got.RulesAdopted || !got.ScrutineersApproved || len(got.Offices) != 2 ||
			len(got.Offices[1].Candidates) != 3 || got.Offices[1].Candidates[2].Name != "刘二" ||
			len(got.Scrutineers) != 3 || got.Scrutineers[0].Name != "黄三" {
			t.Fatalf("election: %+v %v", got, err)
		}

		// 8 of 12 take part: not more than two-thirds.
		_, err = db.OpenElection(ctx, a, el.ID)
		wantErr(t, "hold rule", err, app.ECONFLICT, "", "出席委员8人，未达到超过全体委员的三分之二（全体委员12人），不能进行选举")
		signIn(t, db, w, w.sitting.ID, w.seated[8])
		opened, err := db.OpenElection(ctx, a, el.ID)
		if err != nil || opened.Status != election.Voting || opened.Figures != (election.Figures{All: 12, Expected: 12, Issued: 9}) {
			t.Fatalf("open: %+v %v", opened, err)
		}
		_, err = db.OpenElection(ctx, a, el.ID)
		wantErr(t, "open twice", err, app.ECONFLICT, "", "选票已发出")
		// A late arrival gets a ballot once.
		err = db.IssueBallot(ctx, a, el.ID, w.seated[9].ID)
		wantErr(t, "ballot before sign-in", err, app.ECONFLICT, "", "尚未签到")
		signIn(t, db, w, w.sitting.ID, w.seated[9])
		if err := db.IssueBallot(ctx, a, el.ID, w.seated[9].ID); err != nil {
			t.Fatal(err)
		}
		err = db.IssueBallot(ctx, a, el.ID, w.seated[9].ID)
		wantErr(t, "second ballot issued", err, app.ECONFLICT, "", "已领取选票")
		err = db.IssueBallot(ctx, a, el.ID, w.wu.ID)
		wantErr(t, "ballot to a stranger", err, app.EINVALID, "", "不在本次会议的应到名单中")
		if p, err := db.ElectionProgressOf(ctx, a, el.ID); err != nil || p.Issued != 10 {
			t.Fatalf("progress: %+v %v", p, err)
		}
		if s, err := db.VoterStatusOf(ctx, w.memberActor(w.seated[9]), el.ID, w.seated[9].ID); err != nil || !s.Received || s.Returned {
			t.Fatalf("voter status: %+v %v", s, err)
		}
		_, err = db.CastElectionBallot(ctx, w.memberActor(w.qian), el.ID, w.qian.ID, nil)
		wantErr(t, "electronic ballot on paper", err, app.ECONFLICT, "", "纸质选票")
		_, err = db.AppendEntries(ctx, a, el.ID, 1, 1, []string{"1"})
		wantErr(t, "entry while voting", err, app.ECONFLICT, "", "投票尚未结束")
		if c, err := db.CloseElectionVoting(ctx, a, el.ID); err != nil || c.Status != election.Counting {
			t.Fatalf("close: %+v %v", c, err)
		}

		// Paper 1: 8 for, 1 against, 1 abstain. Paper 2: eleven papers come
		// back for ten issued (one void by over-vote): the paper is void.
		paper1 := append(rep("1", 8), "2", "3")
		paper2 := append(append(append(rep("110", 5), rep("101", 3)...), "111", "011"), "1 1 0")
		office := a
		lin := w.memberActor(w.lin)
		_, err = db.AppendEntries(ctx, w.memberActor(w.qian), el.ID, 1, 2, paper1)
		wantErr(t, "entry by a non-scrutineer", err, app.EFORBIDDEN, "", "监票人、计票人或会务工作人员")
		_, err = db.AppendEntries(ctx, office, el.ID, 1, 1, []string{"1", "12", "", "x", "1/1"})
		wantErr(t, "bad lines", err, app.EINVALID, "", "有3行无法识别，本批未保存：第2行：副主席应有1个标记，实际2个；第4行")
		if n, err := db.AppendEntries(ctx, office, el.ID, 1, 1, paper1[:4]); err != nil || n != 4 {
			t.Fatalf("pass 1 batch 1: %d %v", n, err)
		}
		if n, err := db.AppendEntries(ctx, office, el.ID, 1, 1, paper1[4:]); err != nil || n != 10 {
			t.Fatalf("pass 1 batch 2: %d %v", n, err)
		}
		_, err = db.AppendEntries(ctx, office, el.ID, 1, 2, paper1)
		wantErr(t, "both passes by one account", err, app.ECONFLICT, "", "第二遍须由另一位监票人录入")
		// Pass 2 by the scrutineer, with two slips.
		slipped := slices.Clone(paper1)
		slipped[2], slipped[9] = "2", "1"
		if n, err := db.AppendEntries(ctx, lin, el.ID, 1, 2, slipped); err != nil || n != 10 {
			t.Fatalf("pass 2: %d %v", n, err)
		}
		_, err = db.AppendEntries(ctx, lin, el.ID, 1, 1, []string{"1"})
		wantErr(t, "scrutineer on the other's pass", err, app.ECONFLICT, "", "第一遍须由另一位监票人录入")
		if _, err := db.AppendEntries(ctx, office, el.ID, 2, 1, paper2); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AppendEntries(ctx, lin, el.ID, 2, 2, paper2[:10]); err != nil {
			t.Fatal(err)
		}
		passes, err := db.FindEntryPasses(ctx, a, el.ID)
		if err != nil || len(passes) != 4 || passes[0].Count != 10 || passes[1].Who != w.lin.Name || passes[3].Count != 10 ||
			passes[2].Count != 11 {
			t.Fatalf("passes: %+v %v", passes, err)
		}
		diffs, err := db.CompareEntries(ctx, a, el.ID, 1)
		if err != nil || len(diffs) != 2 || diffs[0] != (election.Difference{Seq: 3, First: "1", Second: "2"}) || diffs[1].Seq != 10 {
			t.Fatalf("differences: %+v %v", diffs, err)
		}
		_, err = db.SignTally(ctx, a, el.ID)
		wantErr(t, "sign while passes differ", err, app.ECONFLICT, "", "两遍录入不一致：第一张选票有2处不同（第一处为第3张）")
		for _, d := range diffs {
			if err := db.ResolveEntry(ctx, a, el.ID, 1, d.Seq, paper1[d.Seq-1]); err != nil {
				t.Fatal(err)
			}
		}
		// Corrections of one pass: insert, set, delete.
		if err := db.InsertEntry(ctx, lin, el.ID, 2, 2, 1, "000"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetEntry(ctx, lin, el.ID, 2, 2, 1, "3 3 3"); err != nil {
			t.Fatal(err)
		}
		entries, err := db.FindEntries(ctx, lin, el.ID, 2, 2)
		if err != nil || len(entries) != 11 || entries[0].Line != "333" || entries[1].Line != "110" {
			t.Fatalf("entries after insert: %+v %v", entries, err)
		}
		if err := db.DeleteEntry(ctx, lin, el.ID, 2, 2, 1); err != nil {
			t.Fatal(err)
		}
		err = db.SetEntry(ctx, lin, el.ID, 2, 2, 11, "110")
		wantErr(t, "set past the end", err, app.EINVALID, "seq", "1至10")
		err = db.SetEntry(ctx, lin, el.ID, 2, 2, 1, "1111")
		wantErr(t, "set a bad line", err, app.EINVALID, "line", "常务委员应有3个标记，实际4个")
		_, err = db.SignTally(ctx, a, el.ID)
		wantErr(t, "sign while a pass is short", err, app.ECONFLICT, "", "第二张选票有1处不同（第一处为第11张）")
		if err := db.ResolveEntry(ctx, a, el.ID, 2, 11, "110"); err != nil {
			t.Fatal(err)
		}
		_, err = db.SignTally(ctx, lin, el.ID)
		wantErr(t, "sign by a scrutineer", err, app.EFORBIDDEN, "", "总监票人本人")
		signed, err := db.SignTally(ctx, w.memberActor(w.huang), el.ID)
		if err != nil || signed.Status != election.Signed || signed.SignedBy != "黄三" || signed.Returned != 11 {
			t.Fatalf("signed: %+v %v", signed, err)
		}
		err = db.SetEntry(ctx, lin, el.ID, 2, 2, 1, "110")
		wantErr(t, "entry after signing", err, app.ECONFLICT, "", "计票结果已签字")
		tallies, err := db.FindTally(ctx, w.memberActor(w.guo), el.ID)
		if err != nil || len(tallies) != 2 {
			t.Fatalf("tally: %+v %v", tallies, err)
		}
		t1, t2 := tallies[0], tallies[1]
		vc := t1.Offices[0]
		if t1.Void || t1.Returned != 10 || t1.Figures != (election.Figures{All: 12, Expected: 12, Issued: 10}) ||
			vc.Valid != 10 || vc.Base != 12 || vc.Need != 7 || vc.Candidates[0].For != 8 || vc.Candidates[0].Against != 1 ||
			vc.Candidates[0].Abstain != 1 || !slices.Equal(vc.Elected, []int64{w.qian.ID}) {
			t.Fatalf("paper 1: %+v", t1)
		}
		sc := t2.Offices[0]
		if !t2.Void || t2.Returned != 11 || sc.Valid != 10 || sc.Void != 1 || sc.Candidates[0].For != 9 ||
			sc.Candidates[1].For != 7 || len(sc.Elected) != 0 || sc.Unfilled != 2 {
			t.Fatalf("paper 2 (more returned than issued): %+v", t2)
		}

		_, err = db.ConfirmElection(ctx, a, el.ID, app.MustDate("2024-06-01"))
		wantErr(t, "effective before the election", err, app.EINVALID, "effective_date", "不能早于选举日期")
		conf, err := db.ConfirmElection(ctx, a, el.ID, app.MustDate("2024-06-11"))
		if err != nil || conf.Status != election.Confirmed || conf.EffectiveDate != app.MustDate("2024-06-11") {
			t.Fatalf("confirm: %+v %v", conf, err)
		}
		roles, err := db.FindRoles(ctx, a, w.qian.ID)
		if err != nil || len(roles) != 1 || roles[0].Kind != member.ViceChair || roles[0].StartDate != app.MustDate("2024-06-11") {
			t.Fatalf("钱委's roles: %+v %v", roles, err)
		}
		if roles, _ := db.FindRoles(ctx, a, w.sun.ID); len(roles) != 0 {
			t.Fatalf("a void paper gave roles: %+v", roles)
		}
		_, err = db.ConfirmElection(ctx, a, el.ID, app.Date{})
		wantErr(t, "confirm twice", err, app.ECONFLICT, "", "已确认")
		entries2, _, err := db.FindAuditEntries(ctx, auditReader(a), store.AuditFilter{Entity: "election", EntityID: el.ID, Limit: 100})
		if err != nil || len(entries2) < 10 {
			t.Fatalf("audit: %d %v", len(entries2), err)
		}
		if _, err := db.FindElectionByID(ctx, w.actorB, el.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads county A's election: %v", err)
		}
		// A member account sees the elections of sittings it is expected at.
		if list, err := db.FindElections(ctx, w.memberActor(w.guo), w.sitting.ID); err != nil || len(list) != 1 {
			t.Fatalf("member's list: %+v %v", list, err)
		}
		if _, err := db.FindElectionByID(ctx, w.memberActor(w.zhou), el.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("a member not expected reads the election: %v", err)
		}
	})
}

// electronicElection sets up an electronic election at a new sitting with
// offices on two papers, adopted, with members signed in and ballots issued.
func electronicElection(t testing.TB, db *store.DB, w electionWorld, sitting meeting.Meeting, present []member.Member) store.Election {
	t.Helper()
	ctx := context.Background()
	a := w.actorA
	el, err := db.CreateElection(ctx, a, sitting.ID, store.ElectionInput{Title: "补选副主席和常务委员", Mode: election.Electronic})
	if err != nil {
		t.Fatal(err)
	}
	mustOffice(t, db, a, el.ID, store.OfficeInput{Name: "副主席", Role: member.ViceChair, Seats: 1}, w.qian)
	mustOffice(t, db, a, el.ID, store.OfficeInput{Paper: 2, Name: "常务委员", Role: member.Standing, Seats: 2,
		Competitive: true}, w.sun, w.chen, w.liu)
	if err := db.SetScrutineers(ctx, a, el.ID, []store.ElectionScrutineer{{MemberID: w.huang.ID, Duty: store.ChiefScrutineer},
		{MemberID: w.lin.ID, Duty: store.Scrutineer}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenMeeting(ctx, a, sitting.ID); err != nil {
		t.Fatal(err)
	}
	signIn(t, db, w, sitting.ID, present...)
	adopt(t, db, a, el.RulesItemID, len(present))
	adopt(t, db, a, el.ScrutineersItemID, len(present))
	el, err = db.OpenElection(ctx, a, el.ID)
	if err != nil {
		t.Fatal(err)
	}
	return el
}

func section(marks string, writeIns ...election.WriteIn) election.Section {
	s := election.Section{WriteIns: writeIns}
	for _, r := range marks {
		s.Marks = append(s.Marks, election.Mark(r))
	}
	return s
}

func ballots(p1, p2 election.Section) []election.Ballot {
	return []election.Ballot{{Sections: []election.Section{p1}}, {Sections: []election.Section{p2}}}
}

// TestElectionElectronic: casting, its refusals, receipts, the close and the count.
func TestElectionElectronic(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildElectionWorld(t, db)
		a := w.actorA
		present := w.seated[:10] // 郭六 and 何五 stay away
		el := electronicElection(t, db, w, w.sitting, present)
		if el.Figures.Issued != 10 || el.Status != election.Voting {
			t.Fatalf("opened: %+v", el)
		}
		cast := func(m member.Member, b []election.Ballot) (string, error) {
			return db.CastElectionBallot(ctx, w.memberActor(m), el.ID, m.ID, b)
		}
		good := ballots(section("1"), section("110"))

		_, err := cast(w.guo, good)
		wantErr(t, "member without a ballot", err, app.ECONFLICT, "", "未领取本次选举的选票")
		_, err = db.CastElectionBallot(ctx, w.memberActor(w.li), el.ID, w.zhang.ID, good)
		wantErr(t, "ballot for another member", err, app.EFORBIDDEN, "", "只能为本人投票")
		_, err = cast(w.zhang, good[:1])
		wantErr(t, "one paper short", err, app.EINVALID, "ballot", "本次选举有2张选票，提交了1张")
		_, err = cast(w.zhang, ballots(section("1"), section("111")))
		wantErr(t, "over-vote", err, app.EINVALID, "", "第2张选票有误")
		_, err = cast(w.zhang, ballots(section("2", election.WriteIn{MemberID: w.wu.ID, Name: "吴外"}), section("110")))
		wantErr(t, "write-in of a non-member", err, app.EINVALID, "", "")
		if !strings.Contains(fmt.Sprint(app.ErrorFields(err)), "另选人“吴外”不是本届委员会委员") {
			t.Fatalf("write-in error: %v", err)
		}
		if _, err := db.CastElectionBallot(ctx, w.actorB, el.ID, w.zhang.ID, good); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B casts: %v", err)
		}
		// Another election of the same sitting, not yet voting: refused.
		other, err := db.CreateElection(ctx, a, w.sitting.ID, store.ElectionInput{Title: "另一选举", Mode: election.Electronic})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CastElectionBallot(ctx, w.memberActor(w.zhang), other.ID, w.zhang.ID, good)
		wantErr(t, "ballot for another election", err, app.ECONFLICT, "", "尚未开始投票")

		codes := map[string]bool{}
		version := dataVersion(t, db)
		for i, m := range present[:8] {
			b := good
			switch i {
			case 0: // against 钱委, writes in 王秘
				b = ballots(section("2", election.WriteIn{MemberID: w.wang.ID}), section("011"))
			case 1:
				b = ballots(section("3"), section("000"))
			}
			code, err := cast(m, b)
			if err != nil || len(code) != 10 || codes[code] {
				t.Fatalf("%s casts: %q %v", m.Name, code, err)
			}
			codes[code] = true
			// A ballot has no audit row (it is secret) but is a change.
			if v := dataVersion(t, db); v <= version {
				t.Fatalf("%s's ballot left the data version at %d", m.Name, v)
			} else {
				version = v
			}
		}
		_, err = cast(present[0], good)
		wantErr(t, "second ballot", err, app.ECONFLICT, "", "已经投过票")
		if s, err := db.VoterStatusOf(ctx, w.memberActor(present[0]), el.ID, present[0].ID); err != nil || !s.Received || !s.Returned {
			t.Fatalf("voter status: %+v %v", s, err)
		}
		if p, err := db.ElectionProgressOf(ctx, a, el.ID); err != nil || p != (store.ElectionProgress{Issued: 10, Returned: 8}) {
			t.Fatalf("progress: %+v %v", p, err)
		}
		var code string
		for c := range codes {
			code = c
		}
		r, err := db.CheckReceipt(ctx, w.memberActor(w.guo), el.ID, strings.ToLower(code[:5])+"-"+code[5:])
		if err != nil || !r.Found || r.Counted || r.Papers != 2 {
			t.Fatalf("receipt while voting: %+v %v", r, err)
		}
		if r, err := db.CheckReceipt(ctx, a, el.ID, "AAAAAAAAAA"); err != nil || r.Found {
			t.Fatalf("unknown receipt: %+v %v", r, err)
		}
		_, err = db.CheckReceipt(ctx, a, el.ID, "??")
		wantErr(t, "malformed receipt", err, app.EINVALID, "code", "回执码")

		if _, err := db.CloseElectionVoting(ctx, a, el.ID); err != nil {
			t.Fatal(err)
		}
		_, err = cast(present[9], good)
		wantErr(t, "ballot after close", err, app.ECONFLICT, "", "投票已结束")
		_, err = db.CloseElectionVoting(ctx, a, el.ID)
		wantErr(t, "close twice", err, app.ECONFLICT, "", "不在投票中")
		signed, err := db.SignTally(ctx, a, el.ID)
		if err != nil || signed.SignedBy != "黄三" || signed.Returned != 8 {
			t.Fatalf("signed on behalf: %+v %v", signed, err)
		}
		tallies, err := db.FindTally(ctx, a, el.ID)
		if err != nil || len(tallies) != 2 {
			t.Fatalf("tally: %v %v", tallies, err)
		}
		vc := tallies[0].Offices[0]
		// 钱委: 6 for, 1 against, 1 abstain; 王秘 written in once. Need more than half of 应到 12: 7.
		if vc.Candidates[0].For != 6 || vc.Candidates[0].Against != 1 || vc.Candidates[0].Abstain != 1 ||
			len(vc.Candidates) != 2 || !vc.Candidates[1].WriteIn || vc.Candidates[1].Name != "王秘" || vc.Candidates[1].For != 1 ||
			len(vc.Elected) != 0 || vc.Unfilled != 1 {
			t.Fatalf("vice-chair tally: %+v", vc)
		}
		sc := tallies[1].Offices[0]
		if sc.Valid != 8 || sc.Candidates[0].For != 6 || sc.Candidates[1].For != 7 || sc.Candidates[2].For != 1 ||
			!slices.Equal(sc.Elected, []int64{w.chen.ID}) {
			t.Fatalf("standing tally: %+v", sc)
		}
		if r, err := db.CheckReceipt(ctx, a, el.ID, code); err != nil || !r.Counted {
			t.Fatalf("receipt after signing: %+v %v", r, err)
		}
		if _, err := db.ConfirmElection(ctx, a, el.ID, app.Date{}); err != nil {
			t.Fatal(err)
		}
		if roles, err := db.FindRoles(ctx, a, w.chen.ID); err != nil || len(roles) != 1 || roles[0].Kind != member.Standing ||
			roles[0].StartDate != app.MustDate("2024-06-10") {
			t.Fatalf("陈一's roles: %+v %v", roles, err)
		}
	})
}

// spearman is the rank correlation of two permutations of 0…n-1 given as
// position → value.
func spearman(xs []int) float64 {
	n := float64(len(xs))
	var d2 float64
	for i, x := range xs {
		d := float64(i - x)
		d2 += d * d
	}
	return 1 - 6*d2/(n*(n*n-1))
}

func columns(t *testing.T, db *store.DB, table string) []string {
	t.Helper()
	ctx := context.Background()
	q := `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`
	if db.Dialect == store.SQLite {
		q = `SELECT name FROM pragma_table_info($1)`
	}
	rows, err := db.ElectionTestQuery(ctx, q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// TestElectionSecrecy: after an electronic election nothing stored links a
// voter to a ballot: no column, no natural order, no time, no audit row.
func TestElectionSecrecy(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		seedMembers(t, db, w, 190)
		mw := meetingWorld{memberWorld: w, cst: db.Loc}
		a := w.actorA
		session := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
			StartsAt: mw.at("2024-06-09", 9, 0)})
		sitting := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Sitting,
			ParentID: session.ID, Sitting: meeting.Election, StartsAt: mw.at("2024-06-10", 9, 0)})
		if _, err := db.OpenMeeting(ctx, a, sitting.ID); err != nil {
			t.Fatal(err)
		}
		body, err := db.ExpectedMembers(ctx, a, sitting.ID)
		if err != nil || len(body) < 160 {
			t.Fatalf("body: %d %v", len(body), err)
		}
		for _, e := range body {
			if _, err := db.SignIn(ctx, a, sitting.ID, e.MemberID, store.SignInClerk, mw.at("2024-06-10", 8, 30)); err != nil {
				t.Fatal(err)
			}
		}
		el, err := db.CreateElection(ctx, a, sitting.ID, store.ElectionInput{Title: "选举常务委员", Mode: election.Electronic})
		if err != nil {
			t.Fatal(err)
		}
		o, err := db.AddOffice(ctx, a, el.ID, store.OfficeInput{Name: "常务委员", Role: member.Standing, Seats: 4, Competitive: true})
		if err != nil {
			t.Fatal(err)
		}
		var cands []int64
		for _, e := range body[len(body)-8:] {
			cands = append(cands, e.MemberID)
		}
		if err := db.SetCandidates(ctx, a, o.ID, cands); err != nil {
			t.Fatal(err)
		}
		if err := db.SetScrutineers(ctx, a, el.ID, []store.ElectionScrutineer{{MemberID: body[20].MemberID, Duty: store.ChiefScrutineer},
			{MemberID: body[21].MemberID, Duty: store.Scrutineer}}); err != nil {
			t.Fatal(err)
		}
		adopt(t, db, a, el.RulesItemID, len(body))
		adopt(t, db, a, el.ScrutineersItemID, len(body))
		if _, err := db.OpenElection(ctx, a, el.ID); err != nil {
			t.Fatal(err)
		}
		auditBefore, _, _ := db.FindAuditEntries(ctx, auditReader(a), store.AuditFilter{Limit: 1})

		// Every member casts a distinct ballot, in a random order.
		rng := rand.New(rand.NewPCG(4, 2024))
		voters := slices.Clone(body[:len(body)-8])
		rng.Shuffle(len(voters), func(i, j int) { voters[i], voters[j] = voters[j], voters[i] })
		castAt := map[string]int{} // content → cast order
		for i, v := range voters {
			var line string
			for {
				var b strings.Builder
				fors := 0
				for range 8 {
					m := byte('1' + rng.IntN(3))
					if m == '1' && fors == 4 {
						m = '2'
					} else if m == '1' {
						fors++
					}
					b.WriteByte(m)
				}
				if _, dup := castAt[b.String()]; !dup {
					line = b.String()
					break
				}
			}
			castAt[line] = i
			if _, err := db.CastElectionBallot(ctx, mw.memberActor(member.Member{ID: v.MemberID, Name: v.Name}), el.ID, v.MemberID,
				[]election.Ballot{{Sections: []election.Section{section(line)}}}); err != nil {
				t.Fatalf("cast %d: %v", i, err)
			}
		}
		// Nothing is audited or recorded per ballot while voting.
		auditDuring, _, _ := db.FindAuditEntries(ctx, auditReader(a), store.AuditFilter{Limit: 1})
		if auditDuring[0].ID != auditBefore[0].ID {
			t.Fatalf("audit rows written while voting: %+v", auditDuring[0])
		}
		if _, n, _ := db.FindDutyEvents(ctx, a, store.DutyFilter{Kind: store.DutyElectionVoted}); n != 0 {
			t.Fatalf("%d duty events while voting", n)
		}
		// The natural order of the ballots as a plain SELECT returns them,
		// as positions in the cast order.
		naturalOrder := func() []int {
			rows, err := db.ElectionTestQuery(ctx, `SELECT id, content, receipt FROM election_ballot WHERE election_id = $1`, el.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var order []int
			for rows.Next() {
				var id, content, receipt string
				if err := rows.Scan(&id, &content, &receipt); err != nil {
					t.Fatal(err)
				}
				i, ok := castAt[content]
				if !ok || len(id) != 32 || len(receipt) != 64 {
					t.Fatalf("ballot row %q %q %q", id, content, receipt)
				}
				order = append(order, i)
			}
			return order
		}
		// While voting, PostgreSQL's heap follows the order of writes (the
		// trusted superuser of the threat model); the close undoes it.
		t.Logf("%s: while voting, Spearman rho of natural order vs cast order = %.3f", db.Dialect, spearman(naturalOrder()))
		if _, err := db.CloseElectionVoting(ctx, a, el.ID); err != nil {
			t.Fatal(err)
		}

		// No column of a ballot names a member, an account, a time or a sequence.
		if got := columns(t, db, "election_ballot"); !slices.Equal(got, []string{"committee_id", "content", "election_id", "id", "paper", "receipt"}) {
			t.Fatalf("election_ballot columns: %v", got)
		}
		if got := columns(t, db, "election_voter"); !slices.Equal(got, []string{"committee_id", "election_id", "member_id", "paper", "received", "returned"}) {
			t.Fatalf("election_voter columns: %v", got)
		}
		// The ballots' natural order does not follow the order of casting.
		order := naturalOrder()
		if len(order) != len(voters) {
			t.Fatalf("%d ballots for %d voters", len(order), len(voters))
		}
		rho := spearman(order)
		t.Logf("%s: after close, %d ballots, Spearman rho of natural order vs cast order = %.3f", db.Dialect, len(order), rho)
		if rho > 0.3 || rho < -0.3 {
			t.Fatalf("ballot order follows the cast order: rho = %.3f", rho)
		}
		if db.Dialect == store.Postgres {
			var xmins int
			rows, err := db.ElectionTestQuery(ctx, `SELECT COUNT(DISTINCT xmin::text) FROM election_ballot WHERE election_id = $1`, el.ID)
			if err != nil {
				t.Fatal(err)
			}
			rows.Next()
			rows.Scan(&xmins)
			rows.Close()
			if xmins != 1 {
				t.Fatalf("ballot rows carry %d transaction ids", xmins)
			}
		}
		// The voters' natural order is member order.
		rows, err := db.ElectionTestQuery(ctx, `SELECT member_id, returned FROM election_voter WHERE election_id = $1`, el.ID)
		if err != nil {
			t.Fatal(err)
		}
		var members []int64
		for rows.Next() {
			var id int64
			var returned bool
			if err := rows.Scan(&id, &returned); err != nil {
				t.Fatal(err)
			}
			members = append(members, id)
		}
		rows.Close()
		if len(members) != len(body) || !slices.IsSorted(members) {
			t.Fatalf("voter rows not in member order: %v", members)
		}
		// Duty events: one per voter, written at close in member order with one time.
		events, n, err := db.FindDutyEvents(ctx, a, store.DutyFilter{Kind: store.DutyElectionVoted, Limit: 1000})
		if err != nil || n != len(voters) {
			t.Fatalf("duty events: %d %v", n, err)
		}
		slices.SortFunc(events, func(x, y store.DutyEvent) int { return int(x.ID - y.ID) })
		for i, e := range events {
			if e.CreatedAt != events[0].CreatedAt || (i > 0 && e.MemberID < events[i-1].MemberID) || e.SourceID != el.ID {
				t.Fatalf("duty event %d: %+v", i, e)
			}
		}
		closing, _, _ := db.FindAuditEntries(ctx, auditReader(a), store.AuditFilter{Entity: "election", EntityID: el.ID, Action: "election_close"})
		if len(closing) != 1 || !strings.Contains(closing[0].After, `"ballots_sha256"`) ||
			!strings.Contains(closing[0].Summary, fmt.Sprintf("收回%d张", len(voters))) {
			t.Fatalf("close audit: %+v", closing)
		}
	})
}

// TestElectionConcurrentCasts: members casting at the same moment, each of
// them twice at once, go through the group commit: one ballot each, the
// second refused, nobody else's cast failed by it.
func TestElectionConcurrentCasts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildElectionWorld(t, db)
		present := w.seated[:10]
		el := electronicElection(t, db, w, w.sitting, present)
		errs := make(chan error, 2*len(present))
		for i := range 2 * len(present) {
			m := present[i%len(present)]
			go func() {
				_, err := db.CastElectionBallot(ctx, w.memberActor(m), el.ID, m.ID, ballots(section("1"), section("110")))
				errs <- err
			}()
		}
		twice := 0
		for range 2 * len(present) {
			switch err := <-errs; {
			case err == nil:
			case app.ErrorCode(err) == app.ECONFLICT && strings.Contains(app.ErrorMessage(err), "已经投过票"):
				twice++
			default:
				t.Fatalf("concurrent cast: %v", err)
			}
		}
		if p, err := db.ElectionProgressOf(ctx, w.actorA, el.ID); err != nil || twice != len(present) || p.Returned != len(present) {
			t.Fatalf("%d refused, progress %+v, %v", twice, p, err)
		}
	})
}
