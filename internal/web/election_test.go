package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
)

// electionFixture is county A's term with five seated members (张三, 李四,
// 王五, 赵六, 钱七), member accounts member-zhang, member-li and member-qian,
// the plenary of newMeetingFixture and a 选举大会 sitting of it.
type electionFixture struct {
	meetingFixture
	sittingID int64
	byName    map[string]member.Member
}

func newElectionFixture(t *testing.T, e *env) electionFixture {
	t.Helper()
	ctx := context.Background()
	fx := electionFixture{meetingFixture: newMeetingFixture(t, e), byName: map[string]member.Member{}}
	sectors, err := e.db.FindSectors(ctx, app.System, e.countyA.ID)
	if err != nil || len(sectors) == 0 {
		t.Fatalf("sectors: %v", err)
	}
	for _, name := range []string{"赵六", "钱七"} {
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name},
			&member.MembershipInput{TermID: fx.term.ID, SectorID: sectors[0].ID, StartDate: fx.term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		fx.members = append(fx.members, m)
	}
	for _, m := range fx.members {
		fx.byName[m.Name] = m
	}
	for user, name := range map[string]string{"member-li": "李四", "member-qian": "钱七", "member-zhao": "赵六"} {
		a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: user, DisplayName: name,
			Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: fx.byName[name].ID, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	s, err := e.db.CreateMeeting(ctx, app.System, e.countyA.ID, meeting.Input{TermID: fx.term.ID, Kind: meeting.Sitting,
		ParentID: fx.meetingID, Sitting: meeting.Election, StartsAt: fx.starts.Add(30 * time.Minute),
		EndsAt: fx.starts.Add(2 * time.Hour), Place: "县会议中心"})
	if err != nil {
		t.Fatalf("sitting: %v", err)
	}
	fx.sittingID = s.ID
	return fx
}

func (fx electionFixture) id(name string) string { return id(fx.byName[name].ID) }

// mustStatus checks a response's status and returns its body.
func mustStatus(t *testing.T, what string, res *http.Response, want int) string {
	t.Helper()
	b := body(res)
	if res.StatusCode != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, want, b)
	}
	return b
}

func wantBody(t *testing.T, what, page string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(page, p) {
			t.Fatalf("%s: %q not on the page:\n%s", what, p, page)
		}
	}
}

var electionLoc = regexp.MustCompile(`^/elections/(\d+)\?ok=election_created$`)

// adoptItems puts the election's two agenda items to a show of hands and
// closes them, passed, through the meeting page's forms.
func adoptItems(t *testing.T, e *env, c *client, sittingID int64, el store.Election, present int) {
	t.Helper()
	ctx := context.Background()
	for _, item := range []int64{el.RulesItemID, el.ScrutineersItemID} {
		mustStatus(t, "open vote", c.post("/agenda/"+id(item)+"/vote", url.Values{"meeting_id": {id(sittingID)},
			"mode": {"hands"}}), http.StatusSeeOther)
		votes, err := e.db.FindVotes(ctx, app.System, sittingID)
		if err != nil {
			t.Fatal(err)
		}
		var v store.Vote
		for _, x := range votes {
			if x.AgendaItemID == item {
				v = x
			}
		}
		mustStatus(t, "hands", c.post("/votes/"+id(v.ID)+"/hands", url.Values{"for": {strconv.Itoa(present)},
			"against": {"0"}, "abstain": {"0"}}), http.StatusSeeOther)
		mustStatus(t, "close vote", c.post("/votes/"+id(v.ID)+"/close", nil), http.StatusSeeOther)
	}
}

func findElection(t *testing.T, e *env, elID int64) store.Election {
	t.Helper()
	el, err := e.db.FindElectionByID(context.Background(), app.System, elID)
	if err != nil {
		t.Fatal(err)
	}
	return el
}

// TestElectionPaperThroughPages runs a paper election through the pages:
// create, offices, candidates, scrutineers, the two items adopted, ballots
// issued, two passes by two accounts with one difference, the comparison,
// a refused signature, the resolution, the signed report, the confirmation
// and the member's new role.
func TestElectionPaperThroughPages(t *testing.T) {
	e := newEnv(t)
	fx := newElectionFixture(t, e)
	ctx := context.Background()
	c := e.login("office-a")
	sitting := "/meetings/" + id(fx.sittingID)

	_, page := c.get(sitting)
	wantBody(t, "sitting page", page, "新建选举", sitting+"/elections")

	// The form starts from the default rules; bad input keeps what was typed.
	status, page := c.get("/elections/new?meeting=" + id(fx.sittingID))
	if status != http.StatusOK {
		t.Fatalf("new election form: %d", status)
	}
	wantBody(t, "new election form", page, "选举办法", `name="hold_den" type="number" value="2"`, "应到会委员")
	b := mustStatus(t, "bad election", c.post("/elections", url.Values{"meeting": {id(fx.sittingID)}, "title": {""},
		"mode": {"paper"}, "hold_strict": {"1"}, "hold_num": {"3"}, "hold_den": {"2"}, "elect_base": {"expected"},
		"elect_strict": {"1"}, "elect_num": {"1"}, "elect_den": {"2"}, "blank": {"abstain"}, "unclear": {"invalid"},
		"write_ins": {"against"}}), http.StatusUnprocessableEntity)
	wantBody(t, "bad election", b, "请填写选举名称", "比例应为不超过1的正分数", `value="3"`)

	form := url.Values{"meeting": {id(fx.sittingID)}, "title": {"补选县政协副主席和常务委员"}, "mode": {"paper"},
		"hold_strict": {"1"}, "hold_num": {"1"}, "hold_den": {"2"}, "elect_base": {"expected"}, "elect_strict": {"1"},
		"elect_num": {"1"}, "elect_den": {"2"}, "blank": {"abstain"}, "unclear": {"invalid"}, "write_ins": {"against"}}
	res := c.post("/elections", form)
	mustStatus(t, "create election", res, http.StatusSeeOther)
	m := electionLoc.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("create election: location %q", res.Header.Get("Location"))
	}
	elID, _ := strconv.ParseInt(m[1], 10, 64)
	path := "/elections/" + m[1]
	_, page = c.get(path + "?ok=election_created")
	wantBody(t, "election page", page, "补选县政协副主席和常务委员", "筹备中", "未付表决", "超过全体委员的二分之一")

	// Offices: 副主席 on paper 1, 常务委员 (差额) on paper 2.
	b = mustStatus(t, "bad office", c.post(path+"/offices", url.Values{"name": {"副主席"}, "seats": {"0"}}),
		http.StatusUnprocessableEntity)
	wantBody(t, "bad office", b, "应选名额应在1至")
	mustStatus(t, "office 1", c.post(path+"/offices", url.Values{"name": {"副主席"}, "role": {"vice_chair"},
		"seats": {"1"}, "competitive": {"0"}, "paper": {"1"}}), http.StatusSeeOther)
	mustStatus(t, "office 2", c.post(path+"/offices", url.Values{"name": {"常务委员"}, "role": {"standing"},
		"seats": {"1"}, "competitive": {"1"}, "paper": {"2"}}), http.StatusSeeOther)
	el := findElection(t, e, elID)
	if len(el.Offices) != 2 {
		t.Fatalf("offices: %+v", el.Offices)
	}
	vice, standing := el.Offices[0], el.Offices[1]
	_, page = c.get(path)
	wantBody(t, "office forms", page, `action="/offices/`+id(vice.ID)+`/candidates"`, `name="election_id" value="`+m[1]+`"`,
		`action="/offices/`+id(standing.ID)+`/delete"`, `name="chief_scrutineer"`, "第2张选票 · 1. 常务委员", "差额")

	// Candidates by name; an unknown name is refused with the reason.
	b = mustStatus(t, "unknown candidate", c.post("/offices/"+id(vice.ID)+"/candidates", url.Values{
		"election_id": {m[1]}, "candidates": {"王五\n无名氏"}}), http.StatusUnprocessableEntity)
	wantBody(t, "unknown candidate", b, "“无名氏”不是本次会议应到的本届委员", "无名氏")
	mustStatus(t, "candidates 1", c.post("/offices/"+id(vice.ID)+"/candidates", url.Values{"election_id": {m[1]},
		"candidates": {"王五"}}), http.StatusSeeOther)
	mustStatus(t, "candidates 2", c.post("/offices/"+id(standing.ID)+"/candidates", url.Values{"election_id": {m[1]},
		"candidates": {"张三\n钱七"}}), http.StatusSeeOther)

	// A candidate cannot be a scrutineer.
	b = mustStatus(t, "candidate as scrutineer", c.post(path+"/scrutineers", url.Values{
		"chief_scrutineer": {"王五"}, "scrutineer": {"赵六"}}), http.StatusUnprocessableEntity)
	wantBody(t, "candidate as scrutineer", b, "王五是副主席候选人，不能担任总监票人")
	mustStatus(t, "scrutineers", c.post(path+"/scrutineers", url.Values{"chief_scrutineer": {"李四"},
		"scrutineer": {"赵六"}}), http.StatusSeeOther)
	el = findElection(t, e, elID)
	if len(el.Scrutineers) != 2 || el.Scrutineers[0].Name != "李四" || len(el.Offices[1].Candidates) != 2 {
		t.Fatalf("after setup: %+v", el)
	}
	_, page = c.get(path + "/rules")
	wantBody(t, "rules text", page, "选举办法", "副主席", "常务委员")

	// The sitting opens, everyone signs in; the ballots wait for the votes.
	mustStatus(t, "open sitting", c.post(sitting+"/open", nil), http.StatusSeeOther)
	for _, mb := range fx.members {
		mustStatus(t, "sign in", c.post(sitting+"/signin", url.Values{"member_id": {id(mb.ID)}}), http.StatusSeeOther)
	}
	b = mustStatus(t, "open too early", c.post(path+"/open", nil), http.StatusConflict)
	wantBody(t, "open too early", b, "选举办法尚未经大会表决通过")
	adoptItems(t, e, c, fx.sittingID, el, len(fx.members))
	_, page = c.get(path)
	wantBody(t, "after the votes", page, "已通过")
	mustStatus(t, "open election", c.post(path+"/open", nil), http.StatusSeeOther)
	_, page = c.get(path)
	wantBody(t, "voting", page, "投票中", "发出选票", "5张", "补发选票")
	mustStatus(t, "close voting", c.post(path+"/close", nil), http.StatusSeeOther)

	// Pass 1 by the office. A bad batch saves nothing and names every bad line.
	entry := path + "/entry?paper=1&pass=1"
	_, page = c.get(entry)
	wantBody(t, "entry page", page, "王五", "<kbd>1</kbd> 赞成", "本遍已录入 <strong class=\"entry-count\">0</strong> 张")
	b = mustStatus(t, "bad batch", c.post(path+"/entry", url.Values{"paper": {"1"}, "pass": {"1"},
		"lines": {"1\n9\n11\n1"}}), http.StatusUnprocessableEntity)
	wantBody(t, "bad batch", b, "有2行无法识别，本批未保存", "第2行：", "第3行：", "1\n9\n11\n1</textarea>")
	if got, _ := e.db.FindEntries(ctx, app.System, elID, 1, 1); len(got) != 0 {
		t.Fatalf("bad batch saved %d lines", len(got))
	}
	mustStatus(t, "pass 1 paper 1", c.post(path+"/entry", url.Values{"paper": {"1"}, "pass": {"1"},
		"lines": {"1\n1\n2\n1\n3\n"}}), http.StatusSeeOther)
	mustStatus(t, "pass 1 paper 2", c.post(path+"/entry", url.Values{"paper": {"2"}, "pass": {"1"},
		"lines": {"10\n01\n10\n10\n10"}}), http.StatusSeeOther)
	_, page = c.get(entry + "&ok=entries_saved")
	wantBody(t, "after pass 1", page, "本批选票已保存", "<strong class=\"entry-count\">5</strong>")
	// The same account cannot enter the other pass.
	b = mustStatus(t, "same account pass 2", c.post(path+"/entry", url.Values{"paper": {"1"}, "pass": {"2"},
		"lines": {"1"}}), http.StatusConflict)
	wantBody(t, "same account pass 2", b, "须由另一位监票人录入")

	// Pass 2 by the scrutineer 李四 on their own account, with one slip.
	li := e.login("member-li")
	_, page = li.get(path + "/entry?paper=1&pass=2")
	wantBody(t, "scrutineer's entry page", page, "王五", "第1张选票 · 第2遍")
	mustStatus(t, "pass 2 paper 1", li.post(path+"/entry", url.Values{"paper": {"1"}, "pass": {"2"},
		"lines": {"1\n1\n2\n1\n1"}}), http.StatusSeeOther)
	mustStatus(t, "pass 2 paper 2", li.post(path+"/entry", url.Values{"paper": {"2"}, "pass": {"2"},
		"lines": {"10\n01\n10\n10\n10"}}), http.StatusSeeOther)

	_, page = c.get(path + "/compare?paper=1")
	wantBody(t, "compare", page, "共 1 处不一致", "<td class=\"num\">5</td>", "<code>3</code>", "<code>1</code>")
	_, page = c.get(path + "/compare?paper=2")
	wantBody(t, "compare paper 2", page, "两遍一致")
	b = mustStatus(t, "sign while different", c.post(path+"/sign", nil), http.StatusConflict)
	wantBody(t, "sign while different", b, "不一致")
	// Resolving is the office's; the scrutineer's member account may not.
	if res := li.post(path+"/resolve", url.Values{"paper": {"1"}, "seq": {"5"}, "line": {"3"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("member resolves: %d", res.StatusCode)
	}
	mustStatus(t, "resolve", c.post(path+"/resolve", url.Values{"paper": {"1"}, "seq": {"5"}, "line": {"3"}}),
		http.StatusSeeOther)
	_, page = c.get(path + "/compare?paper=1")
	wantBody(t, "after resolve", page, "两遍一致")
	if diffs, err := e.db.CompareEntries(ctx, app.System, elID, 1); err != nil || len(diffs) != 0 {
		t.Fatalf("differences after resolve: %v %v", diffs, err)
	}

	mustStatus(t, "sign", c.post(path+"/sign", nil), http.StatusSeeOther)
	_, page = c.get(path + "/report")
	wantBody(t, "report", page, "计票结果报告", "选举王五为甲县政协副主席", "发出选票5张，收回选票5张", "当选",
		"<td class=\"num\">3</td>", "总监票人：李四")
	tallies, err := e.db.FindTally(ctx, app.System, elID)
	if err != nil || len(tallies) != 2 {
		t.Fatalf("tally: %v %v", tallies, err)
	}
	if c := tallies[0].Offices[0].Candidates[0]; c.For != 3 || c.Against != 1 || c.Abstain != 1 || !c.Elected {
		t.Fatalf("vice-chair count: %+v", c)
	}
	if got := tallies[1].Offices[0].Elected; len(got) != 1 || got[0] != fx.byName["张三"].ID {
		t.Fatalf("standing elected: %v", got)
	}

	// Confirmed from the sitting's day: 王五 is 副主席.
	_, page = c.get("/members/" + fx.id("王五"))
	wantBody(t, "member before", page, "除委员外无其他职务")
	b = mustStatus(t, "confirm bad date", c.post(path+"/confirm", url.Values{"effective_date": {"2020-13-01"}}),
		http.StatusUnprocessableEntity)
	wantBody(t, "confirm bad date", b, "日期")
	mustStatus(t, "confirm", c.post(path+"/confirm", url.Values{"effective_date": {""}}), http.StatusSeeOther)
	_, page = c.get(path)
	wantBody(t, "confirmed", page, "已确认", "选举王五为甲县政协副主席")
	_, page = c.get("/members/" + fx.id("王五"))
	wantBody(t, "member after", page, "副主席", "补选县政协副主席和常务委员当选")
	roles, err := e.db.FindRoles(ctx, app.System, fx.byName["王五"].ID)
	if err != nil || len(roles) != 1 || roles[0].Kind != member.ViceChair ||
		roles[0].StartDate != app.DateOf(fx.starts.Add(30*time.Minute).In(e.db.Loc)) { // the election sitting's day
		t.Fatalf("roles: %+v %v", roles, err)
	}
}

var receiptRe = regexp.MustCompile(`<p class="receipt-code">([A-Z2-9]{10})</p>`)

// TestElectionElectronicAPIAndPhone sets an electronic election up through
// the API; members vote on the phone page and through the API, once each;
// the board shows the progress, then the result; the receipt is counted.
func TestElectionElectronicAPIAndPhone(t *testing.T) {
	e := newEnv(t)
	fx := newElectionFixture(t, e)
	ctx := context.Background()
	c := e.login("office-a")
	api := "/api/v1"

	var el store.Election
	if st := c.api("POST", api+"/meetings/"+id(fx.meetingID)+"/elections", map[string]any{"title": "选举", "mode": "electronic"}, nil); st != http.StatusConflict {
		t.Fatalf("election at the plenary itself: %d", st)
	}
	var bad struct {
		Error struct {
			Fields app.FieldErrors `json:"fields"`
		} `json:"error"`
	}
	if st := c.api("POST", api+"/meetings/"+id(fx.sittingID)+"/elections", map[string]any{"title": "", "mode": "x"}, &bad); st != http.StatusUnprocessableEntity ||
		!strings.Contains(bad.Error.Fields.Get("title"), "请填写选举名称") || !strings.Contains(bad.Error.Fields.Get("mode"), "纸质选票或电子投票") {
		t.Fatalf("bad election: %d %+v", st, bad)
	}
	if st := c.api("POST", api+"/meetings/"+id(fx.sittingID)+"/elections", map[string]any{"title": "补选县政协副主席",
		"mode": "electronic"}, &el); st != http.StatusCreated || el.Rules != election.DefaultRules() {
		t.Fatalf("create: %d %+v", st, el)
	}
	ep := api + "/elections/" + id(el.ID)
	var office election.Office
	if st := c.api("POST", ep+"/offices", map[string]any{"name": "副主席", "role": "vice_chair", "seats": 1}, &office); st != http.StatusCreated {
		t.Fatalf("office: %d", st)
	}
	if st := c.api("PUT", api+"/offices/"+id(office.ID)+"/candidates", map[string]any{"member_ids": []int64{fx.byName["王五"].ID}}, nil); st != http.StatusNoContent {
		t.Fatalf("candidates: %d", st)
	}
	if st := c.api("PUT", ep+"/scrutineers", map[string]any{"scrutineers": []map[string]any{
		{"member_id": fx.byName["王五"].ID, "duty": "chief_scrutineer"}}}, &bad); st != http.StatusUnprocessableEntity {
		t.Fatalf("candidate as scrutineer: %d", st)
	}
	if st := c.api("PUT", ep+"/scrutineers", map[string]any{"scrutineers": []map[string]any{
		{"member_id": fx.byName["李四"].ID, "duty": "chief_scrutineer"},
		{"member_id": fx.byName["赵六"].ID, "duty": "scrutineer"}}}, &el); st != http.StatusOK || len(el.Scrutineers) != 2 {
		t.Fatalf("scrutineers: %d %+v", st, el.Scrutineers)
	}

	// Four of five sign in; 钱七 does not come.
	mp := api + "/meetings/" + id(fx.sittingID)
	if st := c.api("POST", mp+"/open", nil, nil); st != http.StatusOK {
		t.Fatalf("open sitting: %d", st)
	}
	for _, name := range []string{"张三", "李四", "王五", "赵六"} {
		if st := c.api("POST", mp+"/signins", map[string]any{"member_id": fx.byName[name].ID}, nil); st != http.StatusCreated {
			t.Fatalf("sign in %s: %d", name, st)
		}
	}
	adoptItems(t, e, c, fx.sittingID, el, 4)
	if st := c.api("POST", ep+"/open", nil, &el); st != http.StatusOK || el.Status != election.Voting || el.Figures.Issued != 4 {
		t.Fatalf("open election: %d %+v", st, el)
	}
	_, board := c.get("/meetings/" + id(fx.sittingID) + "/board")
	wantBody(t, "board before votes", board, "选举投票中：已投 0 / 发出 4 张")

	// 张三 votes on the phone; the receipt is shown once; a second vote is refused.
	zhang := e.login("member-zhang")
	bp := "/elections/" + id(el.ID) + "/ballot"
	_, page := zhang.get("/meetings/" + id(fx.sittingID))
	wantBody(t, "member's sitting page", page, "/meetings/"+id(fx.sittingID)+"/elections")
	_, page = zhang.get("/meetings/" + id(fx.sittingID) + "/elections")
	wantBody(t, "member's election list", page, "补选县政协副主席", "投票中")
	_, page = zhang.get("/elections/" + id(el.ID))
	wantBody(t, "member's election page", page, "去投票", bp)
	_, page = zhang.get(bp)
	wantBody(t, "phone ballot", page, "王五", "赞成", "反对", "弃权", `name="m-`+id(office.ID)+`-0"`, "另选他人")
	b := mustStatus(t, "phone vote", zhang.post(bp, url.Values{"m-" + id(office.ID) + "-0": {"1"}}), http.StatusOK)
	wantBody(t, "phone vote", b, "请记下回执码")
	rm := receiptRe.FindStringSubmatch(b)
	if rm == nil {
		t.Fatalf("no receipt code:\n%s", b)
	}
	code := rm[1]
	_, page = zhang.get(bp)
	wantBody(t, "after voting", page, "您已投票，不能重复投票")
	if strings.Contains(page, code) {
		t.Fatal("the receipt code is shown again")
	}
	b = mustStatus(t, "second vote", zhang.post(bp, url.Values{"m-" + id(office.ID) + "-0": {"2"}}), http.StatusConflict)
	wantBody(t, "second vote", b, "您已投票，不能重复投票")

	// 李四 votes through the API: a bad mark is refused, then once only.
	li := e.login("member-li")
	if st := li.api("POST", ep+"/ballots", map[string]any{"papers": []any{map[string]any{"offices": []any{
		map[string]any{"marks": []string{"yes"}}}}}}, &bad); st != http.StatusUnprocessableEntity ||
		!strings.Contains(bad.Error.Fields.Get("papers"), "for、against、abstain 或 blank") {
		t.Fatalf("bad mark: %d %+v", st, bad)
	}
	ballot := map[string]any{"papers": []any{map[string]any{"offices": []any{map[string]any{"marks": []string{"against"}}}}}}
	var rc struct {
		Receipt string `json:"receipt"`
	}
	if st := li.api("POST", ep+"/ballots", ballot, &rc); st != http.StatusCreated || len(rc.Receipt) != 10 {
		t.Fatalf("API vote: %d %+v", st, rc)
	}
	if st := li.api("POST", ep+"/ballots", ballot, nil); st != http.StatusConflict {
		t.Fatalf("second API vote: %d", st)
	}
	// The office cannot vote; 钱七 got no ballot.
	if st := c.api("POST", ep+"/ballots", ballot, nil); st != http.StatusForbidden {
		t.Fatalf("office votes: %d", st)
	}
	qian := e.login("member-qian")
	_, page = qian.get(bp)
	wantBody(t, "no ballot", page, "您没有领取本次选举的选票")

	var prog store.ElectionProgress
	if st := c.api("GET", ep+"/progress", nil, &prog); st != http.StatusOK || prog.Issued != 4 || prog.Returned != 2 {
		t.Fatalf("progress: %d %+v", st, prog)
	}
	_, board = c.get("/meetings/" + id(fx.sittingID) + "/board")
	wantBody(t, "board during votes", board, "选举投票中：已投 2 / 发出 4 张")

	// The receipt before and after the count.
	rp := "/elections/" + id(el.ID) + "/receipt"
	b = mustStatus(t, "receipt before", zhang.post(rp, url.Values{"code": {strings.ToLower(code)}}), http.StatusOK)
	wantBody(t, "receipt before", b, "计票结果尚未签字")
	b = mustStatus(t, "bad receipt", zhang.post(rp, url.Values{"code": {"abc"}}), http.StatusUnprocessableEntity)
	wantBody(t, "bad receipt", b, "回执码应为10位字母或数字")

	if st := c.api("POST", ep+"/close", nil, &el); st != http.StatusOK || el.Status != election.Counting {
		t.Fatalf("close: %d %+v", st, el)
	}
	if st := c.api("POST", ep+"/ballots", ballot, nil); st != http.StatusForbidden {
		t.Fatalf("office ballot after close: %d", st)
	}
	if st := zhang.api("POST", ep+"/ballots", ballot, nil); st != http.StatusConflict {
		t.Fatalf("ballot after close: %d", st)
	}
	if st := c.api("POST", ep+"/sign", nil, &el); st != http.StatusOK || el.Status != election.Signed {
		t.Fatalf("sign: %d %+v", st, el)
	}
	b = mustStatus(t, "receipt after", zhang.post(rp, url.Values{"code": {code}}), http.StatusOK)
	wantBody(t, "receipt after", b, "已计入计票结果")
	var chk store.ReceiptCheck
	if st := li.api("POST", ep+"/receipt", map[string]any{"code": rc.Receipt}, &chk); st != http.StatusOK || !chk.Counted {
		t.Fatalf("API receipt: %d %+v", st, chk)
	}

	// 1 for of 4 expected: not elected; the board and the tally say so.
	var tally struct {
		Signed   bool             `json:"signed"`
		Tallies  []election.Tally `json:"tallies"`
		Report   []string         `json:"report"`
		Sentence string           `json:"sentence"`
	}
	if st := c.api("GET", ep+"/tally", nil, &tally); st != http.StatusOK || !tally.Signed || len(tally.Tallies) != 1 ||
		tally.Tallies[0].Returned != 2 || tally.Tallies[0].Offices[0].Candidates[0].For != 1 {
		t.Fatalf("tally: %d %+v", st, tally)
	}
	_, board = c.get("/meetings/" + id(fx.sittingID) + "/board")
	wantBody(t, "board after signing", board, "本次选举无人当选")
	if _, err := e.db.FindTally(ctx, app.System, el.ID); err != nil {
		t.Fatal(err)
	}
}

// TestElectionBoardShowsResult: after an electronic election with a winner
// is signed, the board shows the sentence and who is elected to what.
func TestElectionBoardShowsResult(t *testing.T) {
	e := newEnv(t)
	fx := newElectionFixture(t, e)
	ctx := context.Background()
	c := e.login("office-a")
	el, err := e.db.CreateElection(ctx, app.System, fx.sittingID, store.ElectionInput{Title: "补选副主席", Mode: election.Electronic})
	if err != nil {
		t.Fatal(err)
	}
	o, err := e.db.AddOffice(ctx, app.System, el.ID, store.OfficeInput{Name: "副主席", Role: member.ViceChair, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetCandidates(ctx, app.System, o.ID, []int64{fx.byName["王五"].ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetScrutineers(ctx, app.System, el.ID, []store.ElectionScrutineer{
		{MemberID: fx.byName["李四"].ID, Duty: store.ChiefScrutineer}, {MemberID: fx.byName["赵六"].ID, Duty: store.Scrutineer}}); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, "open sitting", c.post("/meetings/"+id(fx.sittingID)+"/open", nil), http.StatusSeeOther)
	for _, mb := range fx.members {
		mustStatus(t, "sign in", c.post("/meetings/"+id(fx.sittingID)+"/signin", url.Values{"member_id": {id(mb.ID)}}), http.StatusSeeOther)
	}
	adoptItems(t, e, c, fx.sittingID, el, 5)
	path := "/elections/" + id(el.ID)
	mustStatus(t, "open", c.post(path+"/open", nil), http.StatusSeeOther)
	// A write-in is a name typed on the phone: one that names nobody is
	// refused with the reason and nothing is stored; a member's name counts.
	zhao := e.login("member-zhao")
	against := url.Values{"m-" + id(o.ID) + "-0": {"2"}, "w-" + id(o.ID) + "-0": {"不存在"}}
	b := mustStatus(t, "unknown write-in", zhao.post(path+"/ballot", against), http.StatusUnprocessableEntity)
	wantBody(t, "unknown write-in", b, "“不存在”不是本次会议应到的本届委员", `value="不存在"`)
	if p, err := e.db.ElectionProgressOf(ctx, app.System, el.ID); err != nil || p.Returned != 0 {
		t.Fatalf("a refused ballot was stored: %+v %v", p, err)
	}
	against.Set("w-"+id(o.ID)+"-0", "钱七")
	wantBody(t, "write-in", mustStatus(t, "write-in", zhao.post(path+"/ballot", against), http.StatusOK), "请记下回执码")
	for _, user := range []string{"member-zhang", "member-li", "member-qian"} {
		m := e.login(user)
		mustStatus(t, user+" votes", m.post(path+"/ballot", url.Values{"m-" + id(o.ID) + "-0": {"1"}}), http.StatusOK)
	}
	_, page := c.get(path)
	wantBody(t, "progress on the election page", page, "已投 4 / 发出 5 张")
	mustStatus(t, "close", c.post(path+"/close", nil), http.StatusSeeOther)
	mustStatus(t, "sign", c.post(path+"/sign", nil), http.StatusSeeOther)
	_, board := c.get("/meetings/" + id(fx.sittingID) + "/board")
	wantBody(t, "board result", board, "选举王五为甲县政协副主席", "副主席：王五")
	tallies, err := e.db.FindTally(ctx, app.System, el.ID)
	if err != nil || len(tallies) != 1 {
		t.Fatalf("tally: %v %v", tallies, err)
	}
	vc := tallies[0].Offices[0]
	if len(vc.Candidates) != 2 || vc.Candidates[0].For != 3 || vc.Candidates[0].Against != 1 ||
		!vc.Candidates[1].WriteIn || vc.Candidates[1].MemberID != fx.byName["钱七"].ID || vc.Candidates[1].For != 1 {
		t.Fatalf("vice-chair tally with the write-in: %+v", vc)
	}
}

// TestElectionAccess: member accounts reach no office action; another
// county sees nothing.
func TestElectionAccess(t *testing.T) {
	e := newEnv(t)
	fx := newElectionFixture(t, e)
	ctx := context.Background()
	el, err := e.db.CreateElection(ctx, app.System, fx.sittingID, store.ElectionInput{Title: "补选副主席", Mode: election.Paper})
	if err != nil {
		t.Fatal(err)
	}
	path := "/elections/" + id(el.ID)
	zhang := e.login("member-zhang")
	status, page := zhang.get(path)
	if status != http.StatusOK || !strings.Contains(page, "补选副主席") || strings.Contains(page, path+"/open") ||
		strings.Contains(page, "增加职务") {
		t.Fatalf("member's election page %d:\n%s", status, page)
	}
	for _, p := range []string{"/elections/new?meeting=" + id(fx.sittingID), path + "/edit"} {
		if st, _ := zhang.get(p); st != http.StatusForbidden {
			t.Errorf("member GET %s: %d", p, st)
		}
	}
	for _, p := range []string{path + "/open", path + "/close", path + "/offices", path + "/scrutineers", path + "/confirm",
		path + "/resolve", path + "/issue"} {
		if res := zhang.post(p, url.Values{"name": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("member POST %s: %d", p, res.StatusCode)
		}
	}
	if st := zhang.api("POST", "/api/v1/elections/"+id(el.ID)+"/open", nil, nil); st != http.StatusForbidden {
		t.Errorf("member API open: %d", st)
	}
	if st := zhang.api("POST", "/api/v1/meetings/"+id(fx.sittingID)+"/elections", map[string]any{"title": "x", "mode": "paper"}, nil); st != http.StatusForbidden {
		t.Errorf("member API create: %d", st)
	}
	// A member not a scrutineer may not enter ballots nor sign.
	if res := zhang.post(path+"/entry", url.Values{"paper": {"1"}, "pass": {"1"}, "lines": {"1"}}); res.StatusCode != http.StatusForbidden &&
		res.StatusCode != http.StatusNotFound {
		t.Errorf("member enters: %d", res.StatusCode)
	}
	if res := zhang.post(path+"/sign", nil); res.StatusCode < 400 || res.StatusCode == http.StatusInternalServerError {
		t.Errorf("member signs: %d", res.StatusCode)
	}
	b := e.login("office-b")
	for _, p := range []string{path, path + "/rules", path + "/report", "/meetings/" + id(fx.sittingID) + "/elections"} {
		if st, _ := b.get(p); st != http.StatusNotFound {
			t.Errorf("county B GET %s: %d", p, st)
		}
	}
	if st := b.api("GET", "/api/v1/elections/"+id(el.ID), nil, nil); st != http.StatusNotFound {
		t.Errorf("county B API: %d", st)
	}
	// Garbage never answers 500.
	c := e.login("office-a")
	for _, p := range []string{path + "/entry?paper=abc&pass=9", path + "/compare?paper=7", "/elections/new?meeting=x",
		"/elections/999999", path + "/ballot"} {
		if st, _ := c.get(p); st >= 500 {
			t.Errorf("GET %s: %d", p, st)
		}
	}
	for _, p := range []string{path + "/entry", path + "/resolve", path + "/fix", path + "/issue", path + "/confirm",
		path + "/receipt", "/offices/999999", "/offices/abc/candidates"} {
		if res := c.post(p, url.Values{"paper": {"x"}, "seq": {"-1"}, "effective_date": {"nope"}}); res.StatusCode >= 500 {
			t.Errorf("POST %s: %d\n%s", p, res.StatusCode, body(res))
		}
	}
	var bad struct {
		Error struct {
			Message string          `json:"message"`
			Fields  app.FieldErrors `json:"fields"`
		} `json:"error"`
	}
	if st := c.api("POST", "/api/v1/elections/"+id(el.ID)+"/offices", map[string]any{"name": "", "seats": 0}, &bad); st != http.StatusUnprocessableEntity ||
		bad.Error.Fields.Get("name") == "" || !strings.Contains(bad.Error.Fields.Get("seats"), "应选名额") {
		t.Errorf("bad office: %d %+v", st, bad)
	}
	if st := c.api("GET", "/api/v1/elections/"+id(el.ID)+"/entries", nil, &bad); st != http.StatusUnprocessableEntity ||
		!strings.Contains(bad.Error.Fields.Get("paper"), "第几张选票") {
		t.Errorf("entries without paper: %d %+v", st, bad)
	}
}
