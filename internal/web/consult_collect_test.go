package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web"
)

const xss = "<script>alert(1)</script>"

// collectEnv is a test server whose signing key the test knows, so it can
// make form tokens served at a chosen time, and a campaign of county A open
// today.
func collectEnv(t *testing.T, public bool) (*env, []byte, store.Campaign) {
	t.Helper()
	e := newEnv(t)
	key := []byte("collect-test-key")
	srv := httptest.NewServer(web.New(e.db, web.Config{SignKey: key}, nil))
	t.Cleanup(srv.Close)
	e.srv = srv
	today := e.db.Today()
	c, err := e.db.CreateCampaign(context.Background(), app.System, consult.Campaign{OrgID: e.countyA.ID, Year: today.Y,
		Title: "年度协商议题征集", Intro: "欢迎提出建议", OpensOn: app.DateOf(today.Time(e.db.Loc).AddDate(0, 0, -1)),
		ClosesOn: app.DateOf(today.Time(e.db.Loc).AddDate(0, 0, 10)), Public: public})
	if err != nil {
		t.Fatal(err)
	}
	return e, key, c
}

func suggestionCount(t *testing.T, e *env, campaignID int64) int {
	t.Helper()
	_, total, err := e.db.FindTopics(context.Background(), app.System, store.TopicFilter{CampaignID: campaignID})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func TestPublicSuggestionPageWithoutLogin(t *testing.T) {
	saved = 0
	e, key, c := collectEnv(t, true)
	anon := e.anon()
	path := "/public/campaigns/" + id(c.ID)
	status, page := anon.get(path)
	if status != http.StatusOK || !strings.Contains(page, "年度协商议题征集") || !strings.Contains(page, `name="form_token"`) ||
		!strings.Contains(page, `name="website"`) {
		t.Fatalf("public page %d:\n%s", status, page)
	}
	served := regexpValue(t, page, "form_token")
	good := func() string { return consult.SuggestionToken(key, c.ID, time.Now().Add(-10*time.Second)) }
	form := func(title, token string) url.Values {
		return url.Values{"title": {title}, "content": {"建议增开城区至开发区的公交线路，方便群众出行。"},
			"name": {xss}, "phone": {"0635-1234567"}, "form_token": {token}}
	}
	refused := func(name string, res *http.Response, status int, want string) {
		t.Helper()
		b := body(res)
		if res.StatusCode != status || !strings.Contains(b, want) {
			t.Fatalf("%s: status %d, want %d with %q:\n%s", name, res.StatusCode, status, want, b)
		}
		if n := suggestionCount(t, e, c.ID); n != saved {
			t.Fatalf("%s: %d suggestions saved, want %d", name, n, saved)
		}
	}
	// Posted at once with the token just served: too fast.
	refused("too fast", anon.post(path, form("公交线路", served)), http.StatusUnprocessableEntity, "提交过快")
	refused("forged token", anon.post(path, form("公交线路", "123.abc")), http.StatusUnprocessableEntity, "表单已失效")
	hp := form("公交线路", good())
	hp.Set("website", "http://spam.example")
	refused("honeypot", anon.post(path, hp), http.StatusUnprocessableEntity, "不应填写")
	refused("empty", anon.post(path, url.Values{"title": {""}, "content": {""}, "form_token": {good()}}),
		http.StatusUnprocessableEntity, "请填写建议题目")
	links := form("公交线路", good())
	links.Set("content", "看这里 http://a.example http://b.example http://c.example 很好的建议")
	refused("links", anon.post(path, links), http.StatusUnprocessableEntity, "网址链接不能超过2个")

	res := anon.post(path, form(xss, good()))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?sent=1" {
		t.Fatalf("submit: %d %s", res.StatusCode, body(res))
	}
	saved = 1
	if _, page := anon.get(path + "?sent=1"); !strings.Contains(page, "感谢您的建议") {
		t.Fatalf("thanks missing:\n%s", page)
	}
	refused("duplicate", anon.post(path, form(xss, good())), http.StatusConflict, "相同的建议")
	for i := range 4 {
		f := form("建议"+app.Itoa(int64(i)), good())
		f.Set("content", "第"+app.Itoa(int64(i))+"条建议的具体内容和理由")
		if res := anon.post(path, f); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("suggestion %d: %d %s", i, res.StatusCode, body(res))
		}
		saved++
	}
	flood := form("第六条", good())
	flood.Set("content", "第六条建议的具体内容和理由")
	refused("flood", anon.post(path, flood), http.StatusTooManyRequests, "每小时最多提交5条")

	// The office sees them, escaped; the phone masked only without the contact permission.
	office := e.login("office-a")
	_, page = office.get("/campaigns/" + id(c.ID))
	if strings.Contains(page, xss) || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") ||
		!strings.Contains(page, "群众建议") {
		t.Fatalf("office page escaping:\n%s", page)
	}
	// A campaign that is not public has no public page.
	priv, err := e.db.CreateCampaign(context.Background(), app.System, consult.Campaign{OrgID: e.countyA.ID, Year: 2026,
		Title: "内部征集", OpensOn: app.MustDate("2026-01-01"), ClosesOn: app.MustDate("2026-01-31")})
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := anon.get("/public/campaigns/" + id(priv.ID)); status != http.StatusNotFound {
		t.Fatalf("private campaign public page: %d", status)
	}
}

var saved int

func regexpValue(t *testing.T, page, name string) string {
	t.Helper()
	i := strings.Index(page, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no %s in page", name)
	}
	rest := page[i+len(`name="`+name+`" value="`):]
	return rest[:strings.Index(rest, `"`)]
}

func TestPublicCampaignClosedWindow(t *testing.T) {
	e, key, _ := collectEnv(t, true)
	c, err := e.db.CreateCampaign(context.Background(), app.System, consult.Campaign{OrgID: e.countyA.ID, Year: 2020,
		Title: "往年征集", OpensOn: app.MustDate("2020-01-01"), ClosesOn: app.MustDate("2020-01-31"), Public: true})
	if err != nil {
		t.Fatal(err)
	}
	anon := e.anon()
	path := "/public/campaigns/" + id(c.ID)
	if _, page := anon.get(path); !strings.Contains(page, "已于2020年1月31日截止") || strings.Contains(page, "form_token") {
		t.Fatalf("closed page:\n%s", page)
	}
	res := anon.post(path, url.Values{"title": {"迟到的建议"}, "content": {"这是一条迟到的建议内容。"},
		"form_token": {consult.SuggestionToken(key, c.ID, time.Now().Add(-time.Minute))}})
	if b := body(res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "已于2020年1月31日截止") {
		t.Fatalf("late post: %d %s", res.StatusCode, b)
	}
}

func TestCampaignScreeningAndMemberSuggestion(t *testing.T) {
	saved = 0
	e, key, c := collectEnv(t, true)
	ctx := context.Background()
	m, err := e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "钱委员"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "wy-qian", DisplayName: "钱委员",
		Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: m.ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	mc := e.login("wy-qian")
	res := mc.post("/campaigns/"+id(c.ID)+"/suggestions", url.Values{"title": {"社区养老服务"}, "description": {"建议加强社区养老。"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("member suggestion: %d %s", res.StatusCode, body(res))
	}
	// A member cannot screen.
	ts, _, _ := e.db.FindTopics(ctx, app.System, store.TopicFilter{CampaignID: c.ID})
	if len(ts) != 1 || ts[0].Source != consult.FromMember || ts[0].SourceMemberID != m.ID {
		t.Fatalf("member topic: %+v", ts)
	}
	memberTopic := ts[0].ID
	if res := mc.post("/campaigns/"+id(c.ID)+"/suggestions/"+id(memberTopic)+"/decline", url.Values{"note": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("member declines: %d", res.StatusCode)
	}
	// The office enters a department's suggestion; one from the public page arrives.
	office := e.login("office-a")
	res = office.post("/campaigns/"+id(c.ID)+"/suggestions", url.Values{"title": {"优化营商环境"}, "source": {"department"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "部门名称") {
		t.Fatalf("department without name: %d %s", res.StatusCode, b)
	}
	res = office.post("/campaigns/"+id(c.ID)+"/suggestions", url.Values{"title": {"优化营商环境"}, "source": {"department"},
		"source_name": {"县发改局"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("department suggestion: %d %s", res.StatusCode, body(res))
	}
	res = e.anon().post("/public/campaigns/"+id(c.ID), url.Values{"title": {xss}, "content": {"老旧小区加装电梯的补贴办法建议"},
		"form_token": {consult.SuggestionToken(key, c.ID, time.Now().Add(-time.Minute))}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("public: %d %s", res.StatusCode, body(res))
	}
	ts, _, _ = e.db.FindTopics(ctx, app.System, store.TopicFilter{CampaignID: c.ID})
	var publicTopic int64
	for _, tp := range ts {
		if tp.Source == consult.FromPublic {
			publicTopic = tp.ID
		}
	}
	_, page := office.get("/campaigns/" + id(c.ID))
	for _, want := range []string{"征集到的建议（3）", "委员提出", "党政部门", "县发改局", "选定列入年度计划", "不予采纳"} {
		if !strings.Contains(page, want) {
			t.Fatalf("screening page lacks %q:\n%s", want, page)
		}
	}
	sel := func(topic int64) *http.Response {
		return office.post("/campaigns/"+id(c.ID)+"/suggestions/"+id(topic)+"/select",
			url.Values{"form": {"thematic"}, "month": {"9"}})
	}
	if b := body(sel(publicTopic)); !strings.Contains(b, "尚未建立") {
		t.Fatalf("select without plan: %s", b)
	}
	year := e.db.Today().Y
	if _, err := e.db.CreatePlan(ctx, app.System, store.PlanInput{CommitteeID: e.countyA.ID, Year: year}); err != nil {
		t.Fatal(err)
	}
	if res := sel(publicTopic); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("select: %d %s", res.StatusCode, body(res))
	}
	res = office.post("/campaigns/"+id(c.ID)+"/suggestions/"+id(memberTopic)+"/decline", url.Values{"note": {""}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "理由") {
		t.Fatalf("decline without reason: %d %s", res.StatusCode, b)
	}
	if res := office.post("/campaigns/"+id(c.ID)+"/suggestions/"+id(memberTopic)+"/decline",
		url.Values{"note": {"已列入提案办理"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decline: %d", res.StatusCode)
	}
	tp, _ := e.db.FindTopicByID(ctx, app.System, memberTopic)
	if tp.State != consult.Declined {
		t.Fatalf("declined state: %s", tp.State)
	}
	// The public list shows the selected one, escaped, without personal data.
	_, page = e.anon().get("/public/campaigns/" + id(c.ID) + "/selected")
	if strings.Contains(page, xss) || !strings.Contains(page, "&lt;script&gt;") || !strings.Contains(page, "专题协商") ||
		!strings.Contains(page, "9月") || strings.Contains(page, "社区养老服务") || strings.Contains(page, "县发改局") {
		t.Fatalf("public selected list:\n%s", page)
	}
}

func TestPlanPageShowsAdoptionAndHistory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	today := e.db.Today()
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 13,
		StartDate: app.DateOf(today.Time(e.db.Loc).AddDate(-1, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	sector, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "经济界", Sort: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: "常委甲"},
		&member.MembershipInput{TermID: term.ID, SectorID: sector.ID, StartDate: term.StartDate})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddRole(ctx, app.System, m.ID, member.RoleInput{TermID: term.ID, Kind: member.Standing,
		StartDate: term.StartDate}); err != nil {
		t.Fatal(err)
	}
	office := e.login("office-a")
	res := office.post("/plans", url.Values{"committee_id": {id(e.countyA.ID)}, "year": {app.Itoa(int64(today.Y))}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create plan: %d %s", res.StatusCode, body(res))
	}
	planPath := res.Header.Get("Location")
	planPath = planPath[:strings.Index(planPath, "?")]
	res = office.post(planPath+"/items", url.Values{"title": {xss}, "form": {"counterpart"}, "month": {"4"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("plan item: %d %s", res.StatusCode, body(res))
	}
	mt, err := e.db.CreateMeeting(ctx, app.System, e.countyA.ID, meeting.Input{TermID: term.ID, Kind: meeting.Standing,
		StartsAt: e.db.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if res := office.post(planPath+"/submit", url.Values{"meeting_id": {id(mt.ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", res.StatusCode, body(res))
	}
	planID, _ := strconv.ParseInt(strings.TrimPrefix(planPath, "/plans/"), 10, 64)
	p, err := e.db.FindPlanByID(ctx, app.System, planID)
	if err != nil || p.AgendaItemID == 0 {
		t.Fatalf("submitted: %+v %v", p, err)
	}
	if _, err := e.db.OpenMeeting(ctx, app.System, mt.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SignIn(ctx, app.System, mt.ID, m.ID, store.SignInClerk, e.db.Now()); err != nil {
		t.Fatal(err)
	}
	v, err := e.db.OpenVote(ctx, app.System, p.AgendaItemID, store.VoteHands, meeting.PassRule{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.RecordHands(ctx, app.System, v.ID, meeting.Tally{For: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CloseVote(ctx, app.System, v.ID); err != nil {
		t.Fatal(err)
	}
	_, page := office.get(planPath)
	for _, want := range []string{"已通过", "表决结果：通过", "/meetings/" + id(mt.ID), "对口协商", "4月", "&lt;script&gt;"} {
		if !strings.Contains(page, want) {
			t.Fatalf("plan page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, xss) {
		t.Fatal("plan page not escaped")
	}
	items, _ := e.db.FindPlanItems(ctx, app.System, planID)
	itemPath := planPath + "/items/" + id(items[0].ID)
	res = office.post(itemPath, url.Values{"form": {"counterpart"}, "month": {"6"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "须填写理由") {
		t.Fatalf("revise without reason: %d %s", res.StatusCode, b)
	}
	if res := office.post(itemPath, url.Values{"form": {"counterpart"}, "month": {"6"}, "reason": {"配合调研安排"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revise: %d %s", res.StatusCode, body(res))
	}
	_, page = office.get(planPath)
	for _, want := range []string{"修订记录", "第2版", "配合调研安排", "计划月份4月→6月"} {
		if !strings.Contains(page, want) {
			t.Fatalf("plan page lacks %q:\n%s", want, page)
		}
	}
	// The API shows the same.
	var out struct {
		Status    string `json:"status"`
		VoteID    int64  `json:"vote_id"`
		Revisions []struct {
			Version int      `json:"version"`
			Changes []string `json:"changes"`
		} `json:"revisions"`
	}
	if st := office.api("GET", "/api/v1"+planPath, nil, &out); st != http.StatusOK || out.Status != "adopted" ||
		out.VoteID != v.ID || len(out.Revisions) != 1 || out.Revisions[0].Version != 2 {
		t.Fatalf("api plan: %d %+v", st, out)
	}
}
