package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
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
	"xieshang/internal/xlsx"
)

// grab returns the first submatch of pattern in page, or fails.
func grab(t *testing.T, pattern, page, what string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s: no match for %s in:\n%s", what, pattern, page)
	}
	return m[1]
}

// seeOther posts and insists on a redirect, returning its location.
func seeOther(t *testing.T, c *client, path string, form url.Values) string {
	t.Helper()
	res := c.post(path, form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d\n%s", path, res.StatusCode, body(res))
	}
	return res.Header.Get("Location")
}

// TestMeetingPlenaryEndToEnd runs a whole plenary through real HTTP on a real
// database: the office prepares it, the notice reaches the members' inboxes,
// one member is excused, five sign in with the QR code, the quorum holds, a
// resolution is adopted by electronic vote, and the minutes and the
// attendance sheet give the figures; the database holds the sign-ins, the
// ballots and the duty events.
func TestMeetingPlenaryEndToEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	// The office's fixtures: county A's 13th term, two sectors, seven
	// members (one a standing-committee member), each with an account.
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 13,
		StartDate: app.DateOf(e.db.Today().Time(e.db.Loc).AddDate(-1, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	var sectors []org.Sector
	for i, name := range []string{"经济界", "教育界"} {
		s, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: name, Sort: i + 1})
		if err != nil {
			t.Fatal(err)
		}
		sectors = append(sectors, s)
	}
	names := []string{"张一", "李二", "王三", "赵四", "钱五", "孙六", "周七"}
	var members []member.Member
	for i, name := range names {
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name},
			&member.MembershipInput{TermID: term.ID, SectorID: sectors[i%2].ID, StartDate: term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, m)
		a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: fmt.Sprintf("wy%d", i+1), DisplayName: name,
			Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: m.ID, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.AddRole(ctx, app.System, members[1].ID, member.RoleInput{TermID: term.ID, Kind: member.Standing,
		StartDate: term.StartDate}); err != nil {
		t.Fatal(err)
	}

	// The office creates the plenary with the form, starting tomorrow.
	office := e.login("office-a")
	starts := e.db.Now().In(e.db.Loc).Add(24 * time.Hour).Truncate(time.Minute)
	loc := seeOther(t, office, "/meetings", url.Values{"committee_id": {id(e.countyA.ID)}, "term_id": {id(term.ID)},
		"kind": {string(meeting.Plenary)}, "starts_at": {starts.Format("2006-01-02T15:04")},
		"ends_at": {starts.Add(3 * time.Hour).Format("2006-01-02T15:04")}, "place": {"县会议中心"}, "presider": {"刘主席"},
		"quorum_num": {"1"}, "quorum_den": {"2"}, "quorum_strict": {"1"}})
	meetingID := grab(t, `^/meetings/(\d+)\?ok=created$`, loc, "create meeting")
	path := "/meetings/" + meetingID
	const resolution = "政协第十三届甲县委员会第一次会议决议"
	seeOther(t, office, path+"/agenda", url.Values{"kind": {string(store.AgendaResolution)}, "title": {resolution}})
	seeOther(t, office, path+"/guests", url.Values{"name": {"郑八"}, "position": {"中共甲县县委书记"}, "kind": {"invited"}})

	// The notice: composed from the records, sent to all seven.
	status, page := office.get(path + "/notice")
	if status != http.StatusOK || !strings.Contains(page, "关于召开甲县政协十三届一次会议的通知") ||
		!strings.Contains(page, "（一）"+resolution+"。") || !strings.Contains(page, "将发送给应到人员 7 人") {
		t.Fatalf("notice page %d:\n%s", status, page)
	}
	if loc := seeOther(t, office, path+"/notify", nil); loc != path+"/notice?ok=notice_sent" {
		t.Fatalf("notify: location %q", loc)
	}
	_, page = office.get(path + "/notice?ok=notice_sent")
	noticeID := grab(t, `/notices/(\d+)/recipients`, page, "notice page after sending")
	if !strings.Contains(page, "会议通知已发送") || strings.Contains(page, "发送会议通知</button>") {
		t.Fatalf("notice page after sending:\n%s", page)
	}
	// Twice: refused, the page says when it went out.
	if res := office.post(path+"/notify", nil); res.StatusCode != http.StatusConflict || !strings.Contains(body(res), "会议通知已于") {
		t.Fatalf("second notice: %d", res.StatusCode)
	}
	if _, page = office.get(path); !strings.Contains(page, "已通知") || !strings.Contains(page, path+"/minutes") {
		t.Fatalf("meeting page after the notice:\n%s", page)
	}

	// Every member's inbox shows it; the first reads it and the office sees that.
	mcs := make([]*client, len(members))
	for i := range members {
		mcs[i] = e.login(fmt.Sprintf("wy%d", i+1))
	}
	_, inbox := mcs[0].get("/inbox")
	if !strings.Contains(inbox, "关于召开甲县政协十三届一次会议的通知") {
		t.Fatalf("member's inbox:\n%s", inbox)
	}
	if status, page := mcs[0].get("/inbox/" + grab(t, `/inbox/(\d+)`, inbox, "inbox link")); status != http.StatusOK ||
		!strings.Contains(page, "县会议中心") {
		t.Fatalf("open notice %d:\n%s", status, page)
	}
	if _, page := office.get("/notices/" + noticeID + "/recipients"); strings.Count(page, "已读</span>") != 1 ||
		!strings.Contains(page, "张一") || !strings.Contains(page, "周七") {
		t.Fatalf("recipients page:\n%s", page)
	}

	// 周七 asks for leave; the office approves.
	seeOther(t, mcs[6], path+"/leave", url.Values{"reason": {"赴省外学习"}})
	_, page = office.get(path)
	leaveID := grab(t, `/leave/(\d+)/approve`, page, "leave on the meeting page")
	seeOther(t, office, "/leave/"+leaveID+"/approve", url.Values{"meeting_id": {meetingID}})

	// The office opens the meeting; five members sign in with the QR code.
	seeOther(t, office, path+"/open", nil)
	_, qr := office.get(path + "/qr")
	token := grab(t, `/s/([A-Za-z0-9_-]{64})`, qr, "QR page")
	for _, mc := range mcs[:5] {
		if loc := seeOther(t, mc, "/s/"+token, nil); loc != "/s/"+token+"?ok=signed_in" {
			t.Fatalf("QR sign-in: location %q", loc)
		}
	}
	_, page = office.get(path)
	if !strings.Contains(page, "应到委员7人，实到5人，请假1人，符合规定人数") {
		t.Fatalf("meeting page after sign-ins:\n%s", page)
	}

	// An electronic vote on the resolution: four for, one abstains.
	itemID := grab(t, `/agenda/(\d+)/vote`, page, "vote form")
	seeOther(t, office, "/agenda/"+itemID+"/vote", url.Values{"mode": {"electronic"}, "meeting_id": {meetingID}})
	_, page = office.get(path)
	voteID := grab(t, `/votes/(\d+)/close`, page, "open vote")
	for i, mc := range mcs[:5] {
		choice := "for"
		if i == 4 {
			choice = "abstain"
		}
		seeOther(t, mc, "/votes/"+voteID+"/ballot", url.Values{"choice": {choice}})
	}
	seeOther(t, office, "/votes/"+voteID+"/close", nil)
	const figures = "赞成4票，反对0票，弃权1票，未投票0人，通过"
	if _, page = office.get(path); !strings.Contains(page, figures) {
		t.Fatalf("meeting page after the vote:\n%s", page)
	}
	seeOther(t, office, path+"/close", nil)

	// The minutes, from the records, in the report's words.
	status, minutes := office.get(path + "/minutes")
	for _, want := range []string{
		"甲县政协十三届一次会议纪要",
		"甲县政协十三届一次会议在县会议中心举行。",
		"刘主席主持会议。",
		"会议应到委员7人，实到5人，请假1人，符合规定人数。",
		"中共甲县县委书记郑八应邀出席会议。",
		"会议审议通过了" + resolution + "。",
		resolution + "表决结果：应到7人，实到5人；" + figures + "。",
		"请假委员（1人）：周七。",
		"甲县政协办公室",
	} {
		if !strings.Contains(minutes, want) {
			t.Errorf("minutes lack %q", want)
		}
	}
	if status != http.StatusOK || strings.Contains(minutes, `<nav aria-label="主导航">`) || t.Failed() {
		t.Fatalf("minutes %d:\n%s", status, minutes)
	}
	// A member account may not open the minutes of everyone's attendance.
	if status, _ := mcs[0].get(path + "/minutes"); status != http.StatusForbidden {
		t.Errorf("member's minutes: %d", status)
	}

	// The attendance sheet downloads and reads back.
	res, err := office.http.Get(e.srv.URL + path + "/attendance.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	book, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment; filename=\"attendance-"+meetingID+".xlsx\"") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Fatalf("sheet: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	rows, err := xlsx.ReadFirstSheet(strings.NewReader(string(book)), 1000, 20)
	if err != nil {
		t.Fatal(err)
	}
	// Title, header, seven members, the summary.
	if len(rows) != 10 || !strings.HasPrefix(rows[0][0], "甲县政协十三届一次会议签到表") ||
		strings.Join(rows[1], ",") != "姓名,界别,职务,签到时间,方式,迟到,请假,状态" {
		t.Fatalf("sheet rows %d: %q", len(rows), rows)
	}
	byName := map[string][]string{}
	for _, r := range rows[2:9] {
		byName[r[0]] = r
	}
	if r := byName["张一"]; len(r) < 8 || r[4] != "扫码签到" || r[7] != "出席" || r[3] == "" {
		t.Errorf("张一's line %q", r)
	}
	if r := byName["李二"]; len(r) < 8 || r[2] != "常委" {
		t.Errorf("李二's line %q", r)
	}
	if r := byName["周七"]; len(r) < 8 || r[6] != "已批准" || r[7] != "请假" {
		t.Errorf("周七's line %q", r)
	}
	if r := byName["孙六"]; len(r) < 8 || r[7] != "缺席" {
		t.Errorf("孙六's line %q", r)
	}
	if got := strings.Join(rows[9], ","); got != "合计,应到7人,,实到5人,,迟到0人,请假1人,缺席1人" {
		t.Errorf("summary %q", got)
	}

	// The database holds the sign-ins, the ballots and the duty events.
	mid, _ := strconv.ParseInt(meetingID, 10, 64)
	vid, _ := strconv.ParseInt(voteID, 10, 64)
	var signIns, ballots int
	err = e.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sign_in WHERE meeting_id = $1 AND method = 'qr'`,
			mid).Scan(&signIns); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_ballot WHERE vote_id = $1`, vid).Scan(&ballots)
	})
	if err != nil || signIns != 5 || ballots != 5 {
		t.Fatalf("sign-ins %d, ballots %d (%v), want 5 and 5", signIns, ballots, err)
	}
	events, _, err := e.db.FindDutyEvents(ctx, app.System, store.DutyFilter{MeetingID: mid, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, ev := range events {
		kinds[ev.Kind]++
	}
	if kinds[store.DutyAttended] != 5 || kinds[store.DutyExcused] != 1 || kinds[store.DutyAbsent] != 1 || kinds[store.DutyVoted] != 5 {
		t.Fatalf("duty events %v", kinds)
	}
}
