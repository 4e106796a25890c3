package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web"
)

// meetingFixture is county A's 13th term with three seated members (one a
// standing-committee member), a member account "member-zhang" for the first,
// and a plenary meeting created through the web form, starting tomorrow.
type meetingFixture struct {
	term      org.Term
	members   []member.Member
	meetingID int64
	starts    time.Time
}

func newMeetingFixture(t *testing.T, e *env) meetingFixture {
	t.Helper()
	ctx := context.Background()
	today := e.db.Today()
	var fx meetingFixture
	var err error
	fx.term, err = e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 13,
		StartDate: app.DateOf(today.Time(e.db.Loc).AddDate(-1, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	sector, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "经济界", Sort: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"张三", "李四", "王五"} {
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name},
			&member.MembershipInput{TermID: fx.term.ID, SectorID: sector.ID, StartDate: fx.term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		fx.members = append(fx.members, m)
	}
	if _, err := e.db.AddRole(ctx, app.System, fx.members[1].ID, member.RoleInput{TermID: fx.term.ID, Kind: member.Standing,
		StartDate: fx.term.StartDate}); err != nil {
		t.Fatal(err)
	}
	a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "member-zhang", DisplayName: "张三",
		Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: fx.members[0].ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	fx.starts = e.db.Now().In(e.db.Loc).Add(24 * time.Hour).Truncate(time.Minute)
	c := e.login("office-a")
	res := c.post("/meetings", url.Values{"committee_id": {id(e.countyA.ID)}, "term_id": {id(fx.term.ID)},
		"kind": {string(meeting.Plenary)}, "starts_at": {fx.starts.Format("2006-01-02T15:04")},
		"ends_at": {fx.starts.Add(3 * time.Hour).Format("2006-01-02T15:04")}, "place": {"县会议中心"},
		"quorum_num": {"1"}, "quorum_den": {"2"}, "quorum_strict": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create meeting: %d\n%s", res.StatusCode, body(res))
	}
	m := regexp.MustCompile(`^/meetings/(\d+)\?ok=created$`).FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("create meeting: location %q", res.Header.Get("Location"))
	}
	fx.meetingID, _ = strconv.ParseInt(m[1], 10, 64)
	return fx
}

func TestMeetingCreateOpenSignInQuorum(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	c := e.login("office-a")
	path := "/meetings/" + id(fx.meetingID)
	status, page := c.get(path)
	if status != http.StatusOK || !strings.Contains(page, "十三届一次会议") || !strings.Contains(page, "县会议中心") {
		t.Fatalf("meeting page %d:\n%s", status, page)
	}
	if status, form := c.get("/meetings/new?committee_id=" + id(e.countyA.ID)); status != http.StatusOK ||
		!strings.Contains(form, "新建会议") || !strings.Contains(form, "王五") || !strings.Contains(form, `type="datetime-local"`) {
		t.Fatalf("new meeting form %d:\n%s", status, form)
	}
	if _, list := c.get("/meetings?kind=plenary&committee_id=" + id(e.countyA.ID)); !strings.Contains(list, "十三届一次会议") {
		t.Fatalf("list lacks the meeting:\n%s", list)
	}
	// A form error keeps the typed values and says what is wrong.
	res := c.post("/meetings", url.Values{"committee_id": {id(e.countyA.ID)}, "term_id": {id(fx.term.ID)},
		"kind": {string(meeting.Bimonthly)}, "place": {"政协三楼"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写开始时间") ||
		!strings.Contains(b, "请填写会议名称") || !strings.Contains(b, `value="政协三楼"`) {
		t.Fatalf("invalid meeting: %d\n%s", res.StatusCode, b)
	}

	if res := c.post(path+"/open", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: %d\n%s", res.StatusCode, body(res))
	}
	if res := c.post(path+"/signin", url.Values{"member_id": {id(fx.members[0].ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", res.StatusCode, body(res))
	}
	_, page = c.get(path)
	if !strings.Contains(page, "应到委员3人，实到1人，不符合规定人数") || !strings.Contains(page, "超过应到人数的二分之一") {
		t.Fatalf("after one sign-in:\n%s", page)
	}
	// Twice: a conflict shown on the page.
	res = c.post(path+"/signin", url.Values{"member_id": {id(fx.members[0].ID)}})
	if b := body(res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "不能重复签到") {
		t.Fatalf("second sign-in: %d\n%s", res.StatusCode, b)
	}
	c.post(path+"/signin", url.Values{"member_id": {id(fx.members[1].ID)}})
	_, page = c.get(path)
	if !strings.Contains(page, "应到委员3人，实到2人，符合规定人数") {
		t.Fatalf("after two sign-ins:\n%s", page)
	}
	att, err := e.db.AttendanceOf(context.Background(), app.System, fx.meetingID)
	if err != nil || att.Expected != 3 || att.Present != 2 {
		t.Fatalf("attendance %+v %v", att, err)
	}

	// County B's office does not see county A's meeting, nor may it sign in there.
	b := e.login("office-b")
	if status, _ := b.get(path); status != http.StatusNotFound {
		t.Errorf("county B GET: %d", status)
	}
	if res := b.post(path+"/signin", url.Values{"member_id": {id(fx.members[2].ID)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("county B sign-in: %d", res.StatusCode)
	}
	if att, _ := e.db.AttendanceOf(context.Background(), app.System, fx.meetingID); att.Present != 2 {
		t.Errorf("county B signed someone in: %+v", att)
	}
	// A leader reads, but may not act.
	if res := e.login("leader-a").post(path+"/signin", url.Values{"member_id": {id(fx.members[2].ID)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("leader sign-in: %d", res.StatusCode)
	}
}

func TestMeetingQRSignIn(t *testing.T) {
	e := newEnv(t)
	// A server with a known sign-in key, so that the test can sign a token.
	key := []byte("0123456789abcdef0123456789abcdef")
	e.web = web.New(e.db, web.Config{SignKey: key}, nil)
	e.srv = httptest.NewServer(e.web)
	t.Cleanup(e.srv.Close)
	fx := newMeetingFixture(t, e)
	c := e.login("office-a")
	path := "/meetings/" + id(fx.meetingID)
	c.post(path+"/open", nil)
	status, qrPage := c.get(path + "/qr")
	if status != http.StatusOK || !strings.Contains(qrPage, "data:image/png;base64,") {
		t.Fatalf("qr page %d:\n%s", status, qrPage)
	}
	m := regexp.MustCompile(`/s/([A-Za-z0-9_-]{64})`).FindStringSubmatch(qrPage)
	if m == nil {
		t.Fatalf("no sign-in link on the QR page:\n%s", qrPage)
	}
	token := m[1]

	// Not signed in: to the login page, coming back afterwards.
	res, err := e.anon().http.Get(e.srv.URL + "/s/" + token)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	mc := e.login("member-zhang")
	status, page := mc.get("/s/" + token)
	if status != http.StatusOK || !strings.Contains(page, "十三届一次会议") || !strings.Contains(page, ">签到</button>") {
		t.Fatalf("sign page %d:\n%s", status, page)
	}
	res = mc.post("/s/"+token, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", res.StatusCode, body(res))
	}
	_, page = mc.get(res.Header.Get("Location"))
	if !strings.Contains(page, "签到成功") {
		t.Fatalf("after sign-in:\n%s", page)
	}
	list, err := e.db.ExpectedMembers(context.Background(), app.System, fx.meetingID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range list {
		if l.MemberID == fx.members[0].ID && (!l.SignedIn || l.Method != store.SignInQR) {
			t.Fatalf("sign-in not recorded by QR: %+v", l)
		}
	}
	// Twice.
	res = mc.post("/s/"+token, nil)
	if b := body(res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "不能重复签到") {
		t.Fatalf("second QR sign-in: %d\n%s", res.StatusCode, b)
	}
	// Forged: one character changed.
	forged := []byte(token)
	if forged[10] == 'A' {
		forged[10] = 'B'
	} else {
		forged[10] = 'A'
	}
	if status, page := mc.get("/s/" + string(forged)); status == http.StatusOK || !strings.Contains(page, "签到码无效") {
		t.Fatalf("forged token %d:\n%s", status, page)
	}
	if res := mc.post("/s/"+string(forged), nil); res.StatusCode == http.StatusSeeOther || !strings.Contains(body(res), "签到码无效") {
		t.Fatalf("forged token accepted: %d", res.StatusCode)
	}
	// Expired: a token signed with the server's key, expiring in the past.
	expired := meeting.SignToken(key, fx.meetingID, e.db.Now().Add(-time.Minute))
	if status, page := mc.get("/s/" + expired); status == http.StatusOK || !strings.Contains(page, "签到码已过期") {
		t.Fatalf("expired token %d:\n%s", status, page)
	}
}

func TestMeetingElectronicVoteAndBoard(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	ctx := context.Background()
	c := e.login("office-a")
	path := "/meetings/" + id(fx.meetingID)
	c.post(path+"/open", nil)
	for _, m := range fx.members[:2] {
		if res := c.post(path+"/signin", url.Values{"member_id": {id(m.ID)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in: %d\n%s", res.StatusCode, body(res))
		}
	}
	if res := c.post(path+"/agenda", url.Values{"kind": {string(store.AgendaResolution)}, "title": {"政治决议"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("agenda: %d\n%s", res.StatusCode, body(res))
	}
	items, err := e.db.FindAgendaItems(ctx, app.System, fx.meetingID)
	if err != nil || len(items) != 1 {
		t.Fatalf("items %+v %v", items, err)
	}
	if res := c.post("/agenda/"+id(items[0].ID)+"/vote", url.Values{"mode": {"electronic"}, "meeting_id": {id(fx.meetingID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open vote: %d\n%s", res.StatusCode, body(res))
	}
	votes, err := e.db.FindVotes(ctx, app.System, fx.meetingID)
	if err != nil || len(votes) != 1 {
		t.Fatalf("votes %+v %v", votes, err)
	}
	vote := "/votes/" + id(votes[0].ID)

	mc := e.login("member-zhang")
	if _, mine := mc.get("/meetings"); !strings.Contains(mine, "我的会议") || !strings.Contains(mine, "十三届一次会议") {
		t.Fatalf("member's list:\n%s", mine)
	}
	if _, page := mc.get(path); !strings.Contains(page, "去表决") || strings.Contains(page, "李四") {
		t.Fatalf("member's meeting page:\n%s", page)
	}
	if status, page := mc.get(vote + "/ballot"); status != http.StatusOK || !strings.Contains(page, `value="for"`) {
		t.Fatalf("ballot page %d:\n%s", status, page)
	}
	if res := mc.post(vote+"/ballot", url.Values{"choice": {"against"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ballot: %d\n%s", res.StatusCode, body(res))
	}
	if res := mc.post(vote+"/ballot", url.Values{"choice": {"for"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("changed ballot: %d\n%s", res.StatusCode, body(res))
	}
	if _, page := mc.get(vote + "/ballot"); !strings.Contains(page, "您已选择：<strong>赞成</strong>") {
		t.Fatalf("ballot page after voting:\n%s", page)
	}
	// The office may not vote for a member.
	if res := c.post(vote+"/ballot", url.Values{"choice": {"for"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("office ballot: %d", res.StatusCode)
	}

	status, board := c.get(path + "/board")
	if status != http.StatusOK || !strings.Contains(board, "已表决 1 人") || strings.Contains(board, "赞成") ||
		!strings.Contains(board, `http-equiv="refresh"`) || !strings.Contains(board, "应到委员3人，实到2人，符合规定人数") {
		t.Fatalf("board during the vote %d:\n%s", status, board)
	}
	if res := c.post(vote+"/close", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close vote: %d\n%s", res.StatusCode, body(res))
	}
	// Default rule: more than half of 3 expected needs 2 for-votes.
	want := "赞成1票，反对0票，弃权0票，未投票1人，未通过"
	if _, board = c.get(path + "/board"); !strings.Contains(board, want) {
		t.Fatalf("board after the vote:\n%s", board)
	}
	if _, page := c.get(path); !strings.Contains(page, want) || !strings.Contains(page, "应到3人，实到2人") {
		t.Fatalf("meeting page after the vote:\n%s", page)
	}
	if res := mc.post(vote+"/ballot", url.Values{"choice": {"against"}}); res.StatusCode != http.StatusConflict ||
		!strings.Contains(body(res), "表决已结束") {
		t.Errorf("ballot after close: %d", res.StatusCode)
	}
	if res := c.post(path+"/close", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close meeting: %d\n%s", res.StatusCode, body(res))
	}
}

func TestMeetingLeaveRequest(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	ctx := context.Background()
	path := "/meetings/" + id(fx.meetingID)
	mc := e.login("member-zhang")
	res := mc.post(path+"/leave", url.Values{"reason": {""}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写请假事由") {
		t.Fatalf("empty reason: %d\n%s", res.StatusCode, b)
	}
	if res := mc.post(path+"/leave", url.Values{"reason": {"外出学习"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("leave: %d\n%s", res.StatusCode, body(res))
	}
	if _, page := mc.get(path); !strings.Contains(page, "请假（待审批）") {
		t.Fatalf("member's page after the request:\n%s", page)
	}
	leaves, err := e.db.FindLeaveRequests(ctx, app.System, fx.meetingID)
	if err != nil || len(leaves) != 1 || leaves[0].MemberID != fx.members[0].ID {
		t.Fatalf("leaves %+v %v", leaves, err)
	}
	c := e.login("office-a")
	if _, page := c.get(path); !strings.Contains(page, "外出学习") || !strings.Contains(page, "批准") {
		t.Fatalf("office page with the request:\n%s", page)
	}
	if res := c.post("/leave/"+id(leaves[0].ID)+"/approve", url.Values{"meeting_id": {id(fx.meetingID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", res.StatusCode, body(res))
	}
	// County B may not decide it.
	if res := e.login("office-b").post("/leave/"+id(leaves[0].ID)+"/refuse", url.Values{"meeting_id": {id(fx.meetingID)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("county B refuse: %d", res.StatusCode)
	}
	c.post(path+"/open", nil)
	c.post(path+"/signin", url.Values{"member_id": {id(fx.members[1].ID)}})
	c.post(path+"/signin", url.Values{"member_id": {id(fx.members[2].ID)}})
	if _, page := c.get(path); !strings.Contains(page, "应到委员3人，实到2人，请假1人，符合规定人数") {
		t.Fatalf("office page after approval:\n%s", page)
	}
	att, err := e.db.AttendanceOf(ctx, app.System, fx.meetingID)
	if err != nil || att.Excused != 1 || att.Absent != 0 {
		t.Fatalf("attendance %+v %v", att, err)
	}
}
