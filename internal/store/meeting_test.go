package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// meetingWorld is the member world plus county A's tenth-term roster:
//
//	张主席 chair from the term's start
//	李副   vice-chair elected mid-term, from 2024-03-01
//	王秘   secretary-general
//	赵常   standing-committee member
//	钱委, 孙委 members
//	周退   a member whose seat ended on 2024-05-01
//	吴外   a member of the committee without a seat in the term
type meetingWorld struct {
	memberWorld
	zhang, li, wang, zhao, qian, sun, zhou, wu member.Member
	cst                                        *time.Location
}

func buildMeetingWorld(t testing.TB, db *store.DB) meetingWorld {
	t.Helper()
	ctx := context.Background()
	w := meetingWorld{memberWorld: buildMemberWorld(t, db), cst: db.Loc}
	seq := 100
	add := func(name string, roles ...member.RoleInput) member.Member {
		t.Helper()
		seq++
		m, err := db.CreateMemberInTerm(ctx, w.actorA, w.countyA.ID, person(name, seq),
			&member.MembershipInput{TermID: w.term.ID, SectorID: w.edu.ID, StartDate: w.term.StartDate})
		if err != nil {
			t.Fatalf("member %s: %v", name, err)
		}
		for _, r := range roles {
			r.TermID = w.term.ID
			if _, err := db.AddRole(ctx, w.actorA, m.ID, r); err != nil {
				t.Fatalf("role of %s: %v", name, err)
			}
		}
		return m
	}
	start := w.term.StartDate
	w.zhang = add("张主席", member.RoleInput{Kind: member.Chair, StartDate: start})
	w.li = add("李副", member.RoleInput{Kind: member.ViceChair, StartDate: app.MustDate("2024-03-01")})
	w.wang = add("王秘", member.RoleInput{Kind: member.SecretaryGeneral, StartDate: start})
	w.zhao = add("赵常", member.RoleInput{Kind: member.Standing, StartDate: start})
	w.qian = add("钱委")
	w.sun = add("孙委")
	w.zhou = add("周退")
	seats, err := db.FindMemberships(ctx, w.actorA, w.zhou.ID)
	if err != nil || len(seats) != 1 {
		t.Fatalf("seat of 周退: %v %v", seats, err)
	}
	if err := db.EndMembership(ctx, w.actorA, seats[0].ID, app.MustDate("2024-05-01")); err != nil {
		t.Fatal(err)
	}
	seq++
	w.wu, err = db.CreateMember(ctx, w.actorA, w.countyA.ID, person("吴外", seq))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// at is a time on a day in the committee's zone (China Standard Time).
func (w meetingWorld) at(day string, hour, minute int) time.Time {
	d := app.MustDate(day)
	return time.Date(d.Y, d.M, d.D, hour, minute, 0, 0, w.cst)
}

func (w meetingWorld) memberActor(m member.Member) app.Actor {
	a := actorAt(w.countyA)
	a.AccountID, a.Role, a.MemberID, a.Name = 1000+m.ID, string(auth.MemberRole), m.ID, m.Name
	return a
}

func mustMeeting(t testing.TB, db *store.DB, actor app.Actor, committeeID int64, in meeting.Input) meeting.Meeting {
	t.Helper()
	m, err := db.CreateMeeting(context.Background(), actor, committeeID, in)
	if err != nil {
		t.Fatalf("create meeting %+v: %v", in, err)
	}
	return m
}

// wantErr checks an error's code and that its message (or a field's) contains want.
func wantErr(t testing.TB, what string, err error, code, field, want string) {
	t.Helper()
	if app.ErrorCode(err) != code {
		t.Fatalf("%s: err = %v, want code %s", what, err, code)
	}
	msg := app.ErrorMessage(err)
	if field != "" {
		msg = app.ErrorFields(err).Get(field)
	}
	if !strings.Contains(msg, want) {
		t.Fatalf("%s: message %q (%v), want it to contain %q", what, msg, err, want)
	}
}

func expectedNames(em []store.ExpectedMember) string {
	var s []string
	for _, e := range em {
		s = append(s, e.Name)
	}
	return strings.Join(s, ",")
}

func TestMeetingNumbering(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		city := actorAt(w.city)
		term13, err := db.CreateTerm(ctx, city, w.city.ID, org.TermInput{Number: 13, StartDate: app.MustDate("2023-01-08")})
		if err != nil {
			t.Fatal(err)
		}
		plenary := meeting.Input{TermID: term13.ID, Kind: meeting.Plenary, Seq: 4, StartsAt: w.at("2024-06-10", 9, 0),
			Place: "市会议中心"}
		fourth := mustMeeting(t, db, city, w.city.ID, plenary)
		if fourth.Title != "十三届四次会议" || fourth.Seq != 4 || fourth.TermNumber != 13 || fourth.Status != meeting.Draft ||
			fourth.Quorum != meeting.Plenary.DefaultQuorum() {
			t.Fatalf("fourth session = %+v", fourth)
		}
		// The next one takes the next number, computed, not typed.
		plenary.Seq, plenary.StartsAt = 0, w.at("2025-01-10", 9, 0)
		fifth := mustMeeting(t, db, city, w.city.ID, plenary)
		if fifth.Seq != 5 || fifth.Title != "十三届五次会议" {
			t.Fatalf("next session = %d %q", fifth.Seq, fifth.Title)
		}
		// A number in use is a field error on seq, and nothing is recorded.
		plenary.Seq = 4
		_, err = db.CreateMeeting(ctx, city, w.city.ID, plenary)
		wantErr(t, "number collision", err, app.EINVALID, "seq", "十三届四次会议已存在")
		list, total, err := db.FindMeetings(ctx, city, store.MeetingFilter{CommitteeID: w.city.ID})
		if err != nil || total != 2 || len(list) != 2 || list[0].ID != fifth.ID {
			t.Fatalf("list after collision: %d %+v %v", total, list, err)
		}
		// Renumbering onto a taken number is refused the same way.
		in := plenary
		in.Seq = 4
		_, err = db.UpdateMeeting(ctx, city, fifth.ID, in)
		wantErr(t, "renumber collision", err, app.EINVALID, "seq", "十三届四次会议已存在")
		in.Seq, in.Place = 0, "市政协礼堂"
		up, err := db.UpdateMeeting(ctx, city, fifth.ID, in)
		if err != nil || up.Seq != 5 || up.Place != "市政协礼堂" {
			t.Fatalf("edit keeps the number: %+v %v", up, err)
		}

		// Numbering is per term and kind: county A's first chair's meeting.
		chairs := mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Chairs,
			StartsAt: w.at("2024-06-10", 15, 0)})
		if chairs.Title != "十届一次主席会议" || chairs.Seq != 1 {
			t.Fatalf("chair's meeting = %q %d", chairs.Title, chairs.Seq)
		}
		standing := mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Standing,
			Seq: 9, StartsAt: w.at("2024-06-11", 9, 0)})
		if standing.Title != "十届九次常委会会议" {
			t.Fatalf("standing = %q", standing.Title)
		}
		// A sitting takes its session's title and term.
		opening := mustMeeting(t, db, city, w.city.ID, meeting.Input{TermID: term13.ID, Kind: meeting.Sitting,
			ParentID: fourth.ID, Sitting: meeting.Opening, StartsAt: w.at("2024-06-10", 9, 0)})
		if opening.Title != "十三届四次会议开幕会" || opening.ParentID != fourth.ID || opening.Seq != 0 {
			t.Fatalf("sitting = %+v", opening)
		}
		// Unnumbered kinds keep their typed title; without one it is a field error.
		_, err = db.CreateMeeting(ctx, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Bimonthly,
			StartsAt: w.at("2024-06-12", 9, 0), Invitees: []int64{w.qian.ID}})
		wantErr(t, "no title", err, app.EINVALID, "title", "请填写会议名称")
		bi := mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Bimonthly,
			Title: "关于优化营商环境的双月协商会", Seq: 7, StartsAt: w.at("2024-06-12", 9, 0), Invitees: []int64{w.qian.ID}})
		if bi.Seq != 0 || bi.Title != "关于优化营商环境的双月协商会" {
			t.Fatalf("bimonthly = %+v", bi)
		}
		// Bad input: a date outside the term, another committee's term,
		// invitees of another committee.
		_, err = db.CreateMeeting(ctx, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Chairs,
			StartsAt: w.at("2020-06-10", 9, 0)})
		wantErr(t, "before the term", err, app.EINVALID, "starts_at", "第十届任期内")
		_, err = db.CreateMeeting(ctx, w.actorA, w.countyA.ID, meeting.Input{TermID: w.termB.ID, Kind: meeting.Chairs,
			StartsAt: w.at("2024-06-10", 9, 0)})
		wantErr(t, "term of county B", err, app.EINVALID, "term_id", "本会的届次")
		mb, err := db.CreateMember(ctx, w.actorB, w.countyB.ID, person("阳谷委员", 900))
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CreateMeeting(ctx, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Symposium,
			Title: "座谈会", StartsAt: w.at("2024-06-12", 9, 0), Invitees: []int64{w.qian.ID, mb.ID}})
		wantErr(t, "foreign invitee", err, app.EINVALID, "invitees", "不属于本会")

		// Scoping: county B sees nothing of county A and cannot create there.
		if _, err := db.FindMeetingByID(ctx, w.actorB, chairs.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B finds county A's meeting: %v", err)
		}
		_, err = db.CreateMeeting(ctx, w.actorB, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Chairs,
			StartsAt: w.at("2024-06-10", 9, 0)})
		wantErr(t, "create in county A as B", err, app.EINVALID, "committee_id", "市、县(区)政协")
		if _, total, _ := db.FindMeetings(ctx, w.actorB, store.MeetingFilter{}); total != 0 {
			t.Fatalf("county B lists %d meetings", total)
		}
		// The city sees its own and the counties'; filters narrow.
		if _, total, _ := db.FindMeetings(ctx, city, store.MeetingFilter{}); total != 6 {
			t.Fatalf("city lists %d meetings, want 6", total)
		}
		got, total, err := db.FindMeetings(ctx, city, store.MeetingFilter{Kind: meeting.Plenary, Sort: "title", Desc: true, Limit: 1})
		if err != nil || total != 2 || len(got) != 1 || got[0].ID != fourth.ID {
			t.Fatalf("plenaries by title: %d %+v %v", total, got, err)
		}
		got, total, _ = db.FindMeetings(ctx, w.actorA, store.MeetingFilter{From: app.MustDate("2024-06-11"),
			To: app.MustDate("2024-06-11")})
		if total != 1 || got[0].ID != standing.ID {
			t.Fatalf("on 2024-06-11: %d %+v", total, got)
		}
		entries, _, err := db.FindAuditEntries(ctx, auditReader(city), store.AuditFilter{Entity: "meeting", EntityID: fourth.ID})
		if err != nil || len(entries) != 1 || entries[0].Summary != "新建会议 十三届四次会议" {
			t.Fatalf("audit: %+v %v", entries, err)
		}
	})
}

func TestMeetingExpectedBody(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		mk := func(kind meeting.Kind, when time.Time, invitees ...int64) meeting.Meeting {
			title := ""
			if !kind.Numbered() {
				title = "协商会"
			}
			return mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: kind, Title: title,
				StartsAt: when, Invitees: invitees})
		}
		expect := func(m meeting.Meeting, want string) []store.ExpectedMember {
			t.Helper()
			em, err := db.ExpectedMembers(ctx, a, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := expectedNames(em); got != want {
				t.Fatalf("%s expects %s, want %s", m.Title, got, want)
			}
			return em
		}
		// The vice-chair elected on 2024-03-01 is in the chair's meeting only from then on.
		expect(mk(meeting.Chairs, w.at("2024-02-15", 9, 0)), "张主席,王秘")
		june := mk(meeting.Chairs, w.at("2024-06-10", 9, 0))
		em := expect(june, "张主席,李副,王秘")
		if em[1].Role != member.ViceChair || em[1].Sector != "教育界" {
			t.Fatalf("vice-chair line = %+v", em[1])
		}
		expect(mk(meeting.Standing, w.at("2024-06-10", 14, 0)), "张主席,李副,王秘,赵常")
		// The member whose seat ended on 2024-05-01 is expected in April, not in June.
		expect(mk(meeting.Plenary, w.at("2024-04-20", 9, 0)), "张主席,李副,王秘,赵常,周退,孙委,钱委")
		plenary := mk(meeting.Plenary, w.at("2024-06-10", 9, 0))
		expect(plenary, "张主席,李副,王秘,赵常,孙委,钱委")
		// A named list expects its invitees, a member without a seat too.
		expect(mk(meeting.Bimonthly, w.at("2024-06-12", 9, 0), w.sun.ID, w.wu.ID, w.sun.ID), "孙委,吴外")

		// Opening freezes the body: a role ended afterwards changes nothing.
		if _, err := db.OpenMeeting(ctx, a, june.ID); err != nil {
			t.Fatal(err)
		}
		roles, err := db.FindRoles(ctx, a, w.li.ID)
		if err != nil || len(roles) != 1 {
			t.Fatalf("roles of 李副: %+v %v", roles, err)
		}
		if err := db.EndRole(ctx, a, roles[0].ID, app.MustDate("2024-04-01")); err != nil {
			t.Fatal(err)
		}
		em = expect(june, "张主席,李副,王秘")
		if em[1].Role != member.ViceChair {
			t.Fatalf("frozen role = %q", em[1].Role)
		}
		// ... while a meeting not yet open follows the roles as they now stand.
		expect(mk(meeting.Chairs, w.at("2024-06-20", 9, 0)), "张主席,王秘")
		att, err := db.AttendanceOf(ctx, a, june.ID)
		if err != nil || att != (meeting.Attendance{Expected: 3, Absent: 3}) {
			t.Fatalf("attendance of the opened chair's meeting = %+v %v", att, err)
		}
		_, err = db.OpenMeeting(ctx, a, june.ID)
		wantErr(t, "open twice", err, app.ECONFLICT, "", "会议已开始")
		// Only meetings with somebody expected open.
		empty := mustMeeting(t, db, w.actorB, w.countyB.ID, meeting.Input{TermID: w.termB.ID, Kind: meeting.Standing,
			StartsAt: w.at("2024-06-10", 9, 0)})
		_, err = db.OpenMeeting(ctx, w.actorB, empty.ID)
		wantErr(t, "empty body", err, app.ECONFLICT, "", "没有应到人员")
		// An open meeting keeps what it froze.
		in := meeting.Input{TermID: w.term.ID, Kind: meeting.Chairs, StartsAt: w.at("2024-06-10", 10, 0)}
		_, err = db.UpdateMeeting(ctx, a, june.ID, in)
		wantErr(t, "move an open meeting", err, app.ECONFLICT, "", "只能修改议题、地点、主持人和结束时间")
		in.StartsAt, in.Place = june.StartsAt, "县政协三楼会议室"
		if up, err := db.UpdateMeeting(ctx, a, june.ID, in); err != nil || up.Place != "县政协三楼会议室" {
			t.Fatalf("place of an open meeting: %+v %v", up, err)
		}
		// Scoping.
		if _, err := db.ExpectedMembers(ctx, w.actorB, june.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads the expected list: %v", err)
		}
		if _, err := db.OpenMeeting(ctx, w.actorB, plenary.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B opens county A's meeting: %v", err)
		}
	})
}

func TestMeetingSignInAndLeave(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		m := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
			StartsAt: w.at("2024-06-10", 9, 0)})
		if _, err := db.AddGuest(ctx, a, m.ID, store.GuestInput{Name: "刘局长", Position: "县发改局局长",
			Kind: store.GuestAttending}); err != nil {
			t.Fatal(err)
		}
		_, err := db.AddGuest(ctx, a, m.ID, store.GuestInput{Name: "", Kind: "boss"})
		wantErr(t, "bad guest", err, app.EINVALID, "kind", "应邀出席或列席")

		// Before the meeting (the clock stands at 2024-06-01): leave requests.
		_, err = db.SignIn(ctx, a, m.ID, w.zhang.ID, store.SignInClerk, w.at("2024-06-10", 8, 50))
		wantErr(t, "sign in before opening", err, app.ECONFLICT, "", "尚未开始签到")
		_, err = db.RequestLeave(ctx, a, m.ID, w.qian.ID, "  ")
		wantErr(t, "leave without reason", err, app.EINVALID, "reason", "请填写请假事由")
		qianLeave, err := db.RequestLeave(ctx, w.memberActor(w.qian), m.ID, w.qian.ID, "外出学习")
		if err != nil || qianLeave.Status != store.LeavePending || qianLeave.Name != "钱委" {
			t.Fatalf("leave: %+v %v", qianLeave, err)
		}
		_, err = db.RequestLeave(ctx, a, m.ID, w.qian.ID, "再次请假")
		wantErr(t, "leave twice", err, app.ECONFLICT, "", "已提交过")
		_, err = db.RequestLeave(ctx, w.memberActor(w.qian), m.ID, w.sun.ID, "代请")
		wantErr(t, "leave for another member", err, app.EFORBIDDEN, "", "只能为本人请假")
		_, err = db.RequestLeave(ctx, a, m.ID, w.zhou.ID, "已辞职")
		wantErr(t, "leave by a non-member", err, app.EINVALID, "", "不在本次会议的应到名单中")
		sunLeave, err := db.RequestLeave(ctx, a, m.ID, w.sun.ID, "身体原因")
		if err != nil {
			t.Fatal(err)
		}
		if l, err := db.DecideLeave(ctx, a, qianLeave.ID, true); err != nil || l.Status != store.LeaveApproved {
			t.Fatalf("approve: %+v %v", l, err)
		}
		if _, err := db.DecideLeave(ctx, a, sunLeave.ID, false); err != nil {
			t.Fatal(err)
		}
		_, err = db.DecideLeave(ctx, a, qianLeave.ID, false)
		wantErr(t, "decide twice", err, app.ECONFLICT, "", "已审批（已批准）")
		if _, err := db.DecideLeave(ctx, w.actorB, sunLeave.ID, true); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B decides county A's leave: %v", err)
		}

		if _, err := db.OpenMeeting(ctx, a, m.ID); err != nil {
			t.Fatal(err)
		}
		// Sign-in: on time by the clerk, late by QR, twice, not expected, someone else's QR.
		s, err := db.SignIn(ctx, a, m.ID, w.zhang.ID, store.SignInClerk, w.at("2024-06-10", 8, 50))
		if err != nil || s.Late || s.Name != "张主席" {
			t.Fatalf("sign in 张主席: %+v %v", s, err)
		}
		if _, err := db.SignIn(ctx, a, m.ID, w.li.ID, store.SignInClerk, w.at("2024-06-10", 9, 0)); err != nil {
			t.Fatal(err)
		}
		s, err = db.SignIn(ctx, w.memberActor(w.zhao), m.ID, w.zhao.ID, store.SignInQR, w.at("2024-06-10", 9, 5))
		if err != nil || !s.Late || s.Method != store.SignInQR {
			t.Fatalf("late QR sign-in: %+v %v", s, err)
		}
		_, err = db.SignIn(ctx, a, m.ID, w.zhang.ID, store.SignInClerk, w.at("2024-06-10", 9, 10))
		wantErr(t, "sign in twice", err, app.ECONFLICT, "", "张主席已签到（06-10 08:50）")
		_, err = db.SignIn(ctx, a, m.ID, w.zhou.ID, store.SignInClerk, w.at("2024-06-10", 9, 10))
		wantErr(t, "sign in a non-member", err, app.EINVALID, "", "不在本次会议的应到名单中")
		_, err = db.SignIn(ctx, a, m.ID, w.wu.ID, store.SignInClerk, w.at("2024-06-10", 9, 10))
		wantErr(t, "sign in a member without a seat", err, app.EINVALID, "", "不在本次会议的应到名单中")
		_, err = db.SignIn(ctx, w.memberActor(w.zhao), m.ID, w.wang.ID, store.SignInQR, w.at("2024-06-10", 9, 10))
		wantErr(t, "QR for someone else", err, app.EFORBIDDEN, "", "委员本人")
		_, err = db.SignIn(ctx, a, m.ID, w.wang.ID, "fax", w.at("2024-06-10", 9, 10))
		wantErr(t, "unknown method", err, app.EINVALID, "", "签到方式")
		if _, err := db.SignIn(ctx, w.actorB, m.ID, w.wang.ID, store.SignInClerk, w.at("2024-06-10", 9, 10)); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B signs in at county A's meeting: %v", err)
		}

		// Leave after the start is refused.
		db.Now = func() time.Time { return w.at("2024-06-10", 9, 30) }
		_, err = db.RequestLeave(ctx, a, m.ID, w.wang.ID, "临时有事")
		wantErr(t, "leave after the start", err, app.ECONFLICT, "", "不能再请假")

		// 应到6 (周退's seat ended before the day), 实到3 (one late), 请假1
		// (钱委, approved; 孙委's was refused), 缺席2, 列席1 apart.
		att, err := db.AttendanceOf(ctx, a, m.ID)
		want := meeting.Attendance{Expected: 6, Present: 3, Excused: 1, Absent: 2, Late: 1, Guests: 1}
		if err != nil || att != want {
			t.Fatalf("attendance = %+v, want %+v (%v)", att, want, err)
		}
		em, err := db.ExpectedMembers(ctx, a, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]store.ExpectedMember{}
		for _, e := range em {
			byName[e.Name] = e
		}
		if e := byName["赵常"]; !e.SignedIn || !e.Late || e.Method != store.SignInQR {
			t.Fatalf("赵常 = %+v", e)
		}
		if e := byName["钱委"]; e.SignedIn || e.Leave != store.LeaveApproved || e.LeaveReason != "外出学习" {
			t.Fatalf("钱委 = %+v", e)
		}

		// Closing writes every expected member's duty event in the same transaction.
		if _, err := db.CloseMeeting(ctx, a, m.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.SignIn(ctx, a, m.ID, w.wang.ID, store.SignInClerk, w.at("2024-06-10", 11, 0))
		wantErr(t, "sign in after close", err, app.ECONFLICT, "", "会议已结束")
		_, err = db.RequestLeave(ctx, a, m.ID, w.wang.ID, "补请假")
		wantErr(t, "leave after close", err, app.ECONFLICT, "", "会议已结束")
		_, err = db.CloseMeeting(ctx, a, m.ID)
		wantErr(t, "close twice", err, app.ECONFLICT, "", "会议已结束")
		events, total, err := db.FindDutyEvents(ctx, a, store.DutyFilter{MeetingID: m.ID, Limit: 100})
		if err != nil || total != 7 {
			t.Fatalf("duty events: %d %v", total, err)
		}
		kinds := map[string][]int64{}
		for _, e := range events {
			kinds[e.Kind] = append(kinds[e.Kind], e.MemberID)
			if e.OccurredOn != app.MustDate("2024-06-10") || e.CommitteeID != w.countyA.ID {
				t.Fatalf("event %+v", e)
			}
		}
		if len(kinds[store.DutyAttended]) != 3 || len(kinds[store.DutyAbsent]) != 2 ||
			len(kinds[store.DutyExcused]) != 1 || kinds[store.DutyExcused][0] != w.qian.ID ||
			len(kinds[store.DutyLeaveRefused]) != 1 || kinds[store.DutyLeaveRefused][0] != w.sun.ID {
			t.Fatalf("duty events by kind: %v", kinds)
		}
		zhang, _, _ := db.FindDutyEvents(ctx, a, store.DutyFilter{MemberID: w.zhang.ID})
		if len(zhang) != 1 || zhang[0].Kind != store.DutyAttended || zhang[0].Source != store.SourceSignIn {
			t.Fatalf("张主席's record: %+v", zhang)
		}
		if _, total, _ := db.FindDutyEvents(ctx, w.actorB, store.DutyFilter{}); total != 0 {
			t.Fatalf("county B sees %d duty events of county A", total)
		}
		entries, _, _ := db.FindAuditEntries(ctx, auditReader(a), store.AuditFilter{Entity: "meeting", EntityID: m.ID, Action: "close"})
		if len(entries) != 1 || !strings.Contains(entries[0].Summary, "应到委员6人，实到3人，请假1人，不符合规定人数") {
			t.Fatalf("close audit: %+v", entries)
		}
		if _, err := db.AddGuest(ctx, a, m.ID, store.GuestInput{Name: "王主任", Kind: store.GuestInvited}); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("guest after close: %v", err)
		}
	})
}

func TestMeetingVotes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		m := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
			StartsAt: w.at("2024-06-10", 9, 0)})
		resolution, err := db.AddAgendaItem(ctx, a, m.ID, store.AgendaItemInput{Kind: store.AgendaResolution,
			Title: "政协第十届委员会第四次会议政治决议"})
		if err != nil || resolution.Seq != 1 {
			t.Fatalf("agenda item: %+v %v", resolution, err)
		}
		plan, err := db.AddAgendaItem(ctx, a, m.ID, store.AgendaItemInput{Kind: store.AgendaWorkPlan, Title: "2024年协商工作计划"})
		if err != nil || plan.Seq != 2 {
			t.Fatalf("agenda item: %+v %v", plan, err)
		}
		_, err = db.AddAgendaItem(ctx, a, m.ID, store.AgendaItemInput{Seq: 2, Kind: store.AgendaOther, Title: "其他"})
		wantErr(t, "agenda number taken", err, app.EINVALID, "seq", "第2项议程已存在")
		report, err := db.AddAgendaItem(ctx, a, m.ID, store.AgendaItemInput{Kind: store.AgendaResearchReport, Title: "调研报告"})
		if err != nil {
			t.Fatal(err)
		}

		_, err = db.OpenVote(ctx, a, resolution.ID, store.VoteElectronic, meeting.PassRule{})
		wantErr(t, "vote before opening", err, app.ECONFLICT, "", "会议尚未开始")
		if _, err := db.OpenMeeting(ctx, a, m.ID); err != nil {
			t.Fatal(err)
		}
		// 应到6: more than half is 4. Three present do not make a quorum.
		for _, mb := range []member.Member{w.zhang, w.li, w.wang} {
			if _, err := db.SignIn(ctx, a, m.ID, mb.ID, store.SignInClerk, w.at("2024-06-10", 8, 55)); err != nil {
				t.Fatal(err)
			}
		}
		q, err := db.QuorumOf(ctx, a, m.ID)
		if err != nil || q.Met || q.Need != 4 || q.Expected != 6 || q.Present != 3 {
			t.Fatalf("quorum = %+v %v", q, err)
		}
		_, err = db.OpenVote(ctx, a, resolution.ID, store.VoteElectronic, meeting.PassRule{})
		wantErr(t, "vote without quorum", err, app.ECONFLICT, "", "未达到法定人数，不能表决：应到6人，实到3人，须超过应到人数的二分之一（至少4人）")
		if _, err := db.SignIn(ctx, a, m.ID, w.zhao.ID, store.SignInClerk, w.at("2024-06-10", 8, 58)); err != nil {
			t.Fatal(err)
		}
		_, err = db.OpenVote(ctx, a, resolution.ID, "shout", meeting.PassRule{})
		wantErr(t, "bad mode", err, app.EINVALID, "mode", "举手表决或电子表决")
		v, err := db.OpenVote(ctx, a, resolution.ID, store.VoteElectronic, meeting.PassRule{})
		if err != nil || v.Status != store.VoteOpen || v.Rule != meeting.DefaultPassRule() {
			t.Fatalf("open vote: %+v %v", v, err)
		}
		_, err = db.OpenVote(ctx, a, plan.ID, store.VoteHands, meeting.PassRule{})
		wantErr(t, "second open vote", err, app.ECONFLICT, "", "正在表决")

		voteID := v.ID
		cast := func(who member.Member, c meeting.Choice) error {
			return db.CastBallot(ctx, w.memberActor(who), voteID, who.ID, c)
		}
		wantErr(t, "ballot not signed in", cast(w.qian, meeting.VoteFor), app.ECONFLICT, "", "请先签到")
		wantErr(t, "ballot not expected", cast(w.zhou, meeting.VoteFor), app.EINVALID, "", "不在本次会议的应到名单中")
		wantErr(t, "bad choice", cast(w.zhang, "maybe"), app.EINVALID, "", "请选择赞成、反对或弃权")
		wantErr(t, "ballot for another", db.CastBallot(ctx, w.memberActor(w.li), v.ID, w.zhang.ID, meeting.VoteFor),
			app.EFORBIDDEN, "", "只能为本人投票")
		if err := db.CastBallot(ctx, w.actorB, v.ID, w.zhang.ID, meeting.VoteFor); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B casts in county A's vote: %v", err)
		}
		for _, b := range []struct {
			who member.Member
			c   meeting.Choice
		}{{w.zhang, meeting.VoteAgainst}, {w.zhang, meeting.VoteFor}, {w.li, meeting.VoteFor}, {w.wang, meeting.VoteAbstain}} {
			if err := cast(b.who, b.c); err != nil {
				t.Fatalf("%s votes %s: %v", b.who.Name, b.c, err)
			}
		}
		// The board shows how many voted, never how; a changed vote is still one ballot.
		p, err := db.VoteProgress(ctx, a, v.ID)
		if err != nil || p != (store.VoteProgress{VoteID: v.ID, Status: store.VoteOpen, Mode: store.VoteElectronic,
			Cast: 3, Present: 4, Expected: 6}) {
			t.Fatalf("progress = %+v %v", p, err)
		}
		if open, _ := db.FindVoteByID(ctx, a, v.ID); open.Tally != (meeting.Tally{}) || open.Result() != "" {
			t.Fatalf("open vote shows a tally: %+v", open)
		}
		_, err = db.RecordHands(ctx, a, v.ID, meeting.Tally{For: 4})
		wantErr(t, "hands on an electronic vote", err, app.ECONFLICT, "", "电子表决")
		_, err = db.CloseMeeting(ctx, a, m.ID)
		wantErr(t, "close with an open vote", err, app.ECONFLICT, "", "未结束的表决")

		// For-votes 2 of 应到 6: not more than half, 未通过.
		closed, err := db.CloseVote(ctx, a, v.ID)
		want := meeting.Tally{For: 2, Against: 0, Abstain: 1, NotVoted: 1}
		if err != nil || closed.Tally != want || closed.Passed || closed.Result() != "未通过" ||
			closed.Expected != 6 || closed.Present != 4 {
			t.Fatalf("closed = %+v %v", closed, err)
		}
		wantErr(t, "ballot after close", cast(w.zhao, meeting.VoteFor), app.ECONFLICT, "", "表决已结束")
		_, err = db.CloseVote(ctx, a, v.ID)
		wantErr(t, "close twice", err, app.ECONFLICT, "", "表决已结束")
		_, err = db.OpenVote(ctx, a, resolution.ID, store.VoteHands, meeting.PassRule{})
		wantErr(t, "vote an item twice", err, app.ECONFLICT, "", "已表决")
		_, err = db.UpdateAgendaItem(ctx, a, resolution.ID, store.AgendaItemInput{Kind: store.AgendaResolution, Title: "改"})
		wantErr(t, "edit a voted item", err, app.ECONFLICT, "", "已付表决")

		// Show of hands: counts entered, checked against 实到, then 通过.
		hands, err := db.OpenVote(ctx, a, plan.ID, store.VoteHands, meeting.PassRule{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CloseVote(ctx, a, hands.ID)
		wantErr(t, "close hands without counts", err, app.ECONFLICT, "", "请先录入")
		_, err = db.RecordHands(ctx, a, hands.ID, meeting.Tally{For: 4, Against: 1})
		wantErr(t, "more hands than present", err, app.EINVALID, "for", "超过实到人数4人")
		if _, err := db.RecordHands(ctx, a, hands.ID, meeting.Tally{For: 4}); err != nil {
			t.Fatal(err)
		}
		voteID = hands.ID
		wantErr(t, "ballot in a show of hands", cast(w.zhang, meeting.VoteFor), app.ECONFLICT, "", "举手表决")
		closed, err = db.CloseVote(ctx, a, hands.ID)
		if err != nil || !closed.Passed || closed.Result() != "通过" || closed.Tally != (meeting.Tally{For: 4}) {
			t.Fatalf("hands closed = %+v %v", closed, err)
		}

		// A pass rule as data: two-thirds of those present.
		third, err := db.OpenVote(ctx, a, report.ID, store.VoteElectronic,
			meeting.PassRule{Num: 2, Den: 3, Base: meeting.BasePresent})
		if err != nil {
			t.Fatal(err)
		}
		voteID = third.ID
		for _, who := range []member.Member{w.zhang, w.li, w.wang} {
			if err := cast(who, meeting.VoteFor); err != nil {
				t.Fatal(err)
			}
		}
		if closed, err = db.CloseVote(ctx, a, third.ID); err != nil || !closed.Passed {
			t.Fatalf("3 of 4 present, two-thirds rule: %+v %v", closed, err)
		}

		votes, err := db.FindVotes(ctx, a, m.ID)
		if err != nil || len(votes) != 3 || votes[0].ItemTitle != resolution.Title || votes[1].Mode != store.VoteHands {
			t.Fatalf("votes = %+v %v", votes, err)
		}
		// Duty events: one "voted" per counted ballot, none for a show of hands.
		events, total, err := db.FindDutyEvents(ctx, a, store.DutyFilter{Kind: store.DutyVoted, Limit: 100})
		if err != nil || total != 6 {
			t.Fatalf("voted events: %d %v", total, err)
		}
		perVote := map[int64]int{}
		for _, e := range events {
			if e.Source != store.SourceVote || e.MeetingID != m.ID {
				t.Fatalf("event %+v", e)
			}
			perVote[e.SourceID]++
		}
		if perVote[v.ID] != 3 || perVote[third.ID] != 3 || perVote[hands.ID] != 0 {
			t.Fatalf("voted events per vote: %v", perVote)
		}
		// Ballots are audited once, at close, with a digest; never one row each.
		entries, _, _ := db.FindAuditEntries(ctx, auditReader(a), store.AuditFilter{Entity: "meeting", EntityID: m.ID, Action: "vote_close"})
		if len(entries) != 3 || !strings.Contains(entries[2].Summary, "赞成2票，反对0票，弃权1票，未投票1人，未通过") ||
			!strings.Contains(entries[2].After, `"ballots_sha256"`) {
			t.Fatalf("vote audit: %+v", entries)
		}

		// The meeting closes; every expected member has an attendance event.
		if _, err := db.CloseMeeting(ctx, a, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := db.FindDutyEvents(ctx, a, store.DutyFilter{MeetingID: m.ID, Limit: 100}); total != 6+6 {
			t.Fatalf("duty events of the meeting: %d, want 6 votes + 6 attendance", total)
		}
		if _, err := db.VoteProgress(ctx, w.actorB, v.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads the progress: %v", err)
		}
		if _, err := db.FindVotes(ctx, w.actorB, m.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B lists the votes: %v", err)
		}
	})
}

// TestMeetingConcurrentSignInsAndBallots: members signing in and voting at
// the same moment, each of them twice at once: one sign-in and one ballot
// each, and the second sign-in is the conflict, never a second row.
func TestMeetingConcurrentSignInsAndBallots(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		m := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
			StartsAt: w.at("2024-06-10", 9, 0)})
		if _, err := db.OpenMeeting(ctx, a, m.ID); err != nil {
			t.Fatal(err)
		}
		body := []member.Member{w.zhang, w.li, w.wang, w.zhao, w.qian, w.sun}
		run := func(n int, fn func(i int) error) []error {
			errs := make(chan error, n)
			for i := range n {
				go func() { errs <- fn(i) }()
			}
			var out []error
			for range n {
				out = append(out, <-errs)
			}
			return out
		}
		conflicts := 0
		for _, err := range run(2*len(body), func(i int) error {
			who := body[i%len(body)]
			_, err := db.SignIn(ctx, w.memberActor(who), m.ID, who.ID, store.SignInQR, w.at("2024-06-10", 8, 59))
			return err
		}) {
			switch {
			case err == nil:
			case app.ErrorCode(err) == app.ECONFLICT && strings.Contains(app.ErrorMessage(err), "已签到"):
				conflicts++
			default:
				t.Fatalf("concurrent sign-in: %v", err)
			}
		}
		att, err := db.AttendanceOf(ctx, a, m.ID)
		if err != nil || conflicts != len(body) || att.Present != len(body) {
			t.Fatalf("%d conflicts, attendance %+v, %v", conflicts, att, err)
		}
		item, err := db.AddAgendaItem(ctx, a, m.ID, store.AgendaItemInput{Kind: store.AgendaResolution, Title: "决议"})
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.OpenVote(ctx, a, item.ID, store.VoteElectronic, meeting.PassRule{})
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range run(4*len(body), func(i int) error {
			who := body[i%len(body)]
			return db.CastBallot(ctx, w.memberActor(who), v.ID, who.ID, meeting.Choices[i%3])
		}) {
			if err != nil {
				t.Fatalf("concurrent ballot: %v", err)
			}
		}
		closed, err := db.CloseVote(ctx, a, v.ID)
		if err != nil || closed.Tally.Cast() != len(body) || closed.Tally.NotVoted != 0 {
			t.Fatalf("closed %+v: %v", closed, err)
		}
	})
}
