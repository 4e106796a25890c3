package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/store"
	"xieshang/internal/xlsx"
)

func TestTopicRaiseListAndEdit(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	// Bad input: re-rendered with the reasons, nothing saved.
	res := c.post("/topics", url.Values{"org_id": {id(e.countyA.ID)}, "year": {"2026"}, "title": {""},
		"form": {"chat"}, "source": {"office"}})
	b := body(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "议题名称不能为空") ||
		!strings.Contains(b, "协商形式不正确") {
		t.Fatalf("bad topic: %d\n%s", res.StatusCode, b)
	}
	res = c.post("/topics", url.Values{"org_id": {id(e.countyB.ID)}, "year": {"2026"}, "title": {"越权议题"}, "source": {"office"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "不在本账号管辖范围内") {
		t.Fatalf("topic in another county: %d\n%s", res.StatusCode, b)
	}
	if _, n, _ := e.db.FindTopics(context.Background(), app.System, store.TopicFilter{}); n != 0 {
		t.Fatalf("%d topics saved from a bad form", n)
	}
	res = c.post("/topics", url.Values{"org_id": {id(e.town.ID)}, "year": {"2026"}, "title": {"<script>alert(1)</script>背街小巷改造"},
		"form": {"grassroots"}, "planned_month": {"5"}, "source": {"public"}, "source_name": {"王大爷"}, "source_phone": {"13900001111"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/topics/") {
		t.Fatalf("create: %d %s", res.StatusCode, body(res))
	}
	ts, _, err := e.db.FindTopics(context.Background(), app.System, store.TopicFilter{})
	if err != nil || len(ts) != 1 || ts[0].OrgID != e.town.ID || ts[0].Form != consult.Grassroots || ts[0].PlannedMonth != 5 {
		t.Fatalf("saved: %+v %v", ts, err)
	}
	tp := ts[0]
	code, page := c.get("/topics?state=collected")
	if code != 200 || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;背街小巷改造") || strings.Contains(page, "<script>alert(1)") ||
		!strings.Contains(page, "已征集") || !strings.Contains(page, "甲镇") || !strings.Contains(page, "基层协商") {
		t.Fatalf("list: %d\n%s", code, page)
	}
	if _, page := c.get("/topics?state=selected"); strings.Contains(page, "背街小巷改造") {
		t.Error("state filter ignored")
	}
	// Another county's office does not see it.
	if _, page := e.login("office-b").get("/topics"); strings.Contains(page, "背街小巷改造") {
		t.Error("county B sees county A's topic")
	}
	res = c.post("/topics/"+id(tp.ID)+"/edit", url.Values{"year": {"2026"}, "title": {"背街小巷改造提升"}, "form": {"thematic"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", res.StatusCode, body(res))
	}
	got, _ := e.db.FindTopicByID(context.Background(), app.System, tp.ID)
	if got.Title != "背街小巷改造提升" || got.Form != consult.Thematic || got.SourceName != "王大爷" {
		t.Errorf("after edit: %+v", got)
	}
	// The export holds the topic.
	res2, err := c.http.Get(e.srv.URL + "/consult/topics.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	rows, err := xlsx.ReadFirstSheet(res2.Body, 100, 20)
	if err != nil || len(rows) < 3 || rows[2][0] != "背街小巷改造提升" || rows[2][8] != "已征集" {
		t.Fatalf("export: %v %v", rows, err)
	}
	// A handling unit's account has no topics list.
	if code, _ := e.login("unit-a").get("/topics"); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("unit reads /topics: %d", code)
	}
}

func TestTopicAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("coordinator-a")
	var tp store.Topic
	if code := c.api("POST", "/api/v1/topics", consult.TopicInput{OrgID: e.village.ID, Year: 2026, Title: "村道亮化",
		Source: consult.FromRoom}, &tp); code != http.StatusCreated || tp.State != consult.Collected || tp.StateLabel != "已征集" {
		t.Fatalf("create: %d %+v", code, tp)
	}
	var bad struct {
		Error struct {
			Fields []struct{ Field, Message string } `json:"fields"`
		} `json:"error"`
	}
	code := c.api("POST", "/api/v1/topics", map[string]any{"org_id": e.village.ID, "year": 2026, "title": "", "source": "room"}, &bad)
	if code != http.StatusUnprocessableEntity || len(bad.Error.Fields) != 1 || bad.Error.Fields[0].Message != "议题名称不能为空" {
		t.Fatalf("bad create: %d %+v", code, bad)
	}
	var list struct {
		Items []store.Topic `json:"items"`
		Total int           `json:"total"`
	}
	if code := e.login("office-city").api("GET", "/api/v1/topics?org_id="+id(e.town.ID), nil, &list); code != 200 ||
		list.Total != 1 || list.Items[0].Title != "村道亮化" {
		t.Fatalf("list: %d %+v", code, list)
	}
}

func TestTopicGraphEditor(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	code, page := c.get("/consult/graph")
	if code != 200 || !strings.Contains(page, "平台内置流程") || !strings.Contains(page, `value="participants"`) {
		t.Fatalf("editor: %d\n%s", code, page)
	}
	g := consult.TopicGraph()
	form := url.Values{"committee_id": {id(e.countyA.ID)}, "initial": {g.Initial}}
	for _, s := range g.States {
		final := "0"
		if s.Final {
			final = "1"
		}
		form.Add("state_code", s.Code)
		form.Add("state_label", s.Label)
		form.Add("state_progress", strconv.Itoa(s.Progress))
		form.Add("state_due", strconv.Itoa(s.DueDays))
		form.Add("state_final", final)
	}
	form.Add("state_code", "hearing")
	form.Add("state_label", "听证")
	form.Add("state_progress", "40")
	form.Add("state_due", "10")
	form.Add("state_final", "0")
	for _, tr := range g.Transitions {
		form.Add("tr_from", tr.From)
		form.Add("tr_to", tr.To)
		form.Add("tr_label", tr.Label)
		form.Add("tr_roles", strings.Join(tr.Roles, ","))
		form.Add("tr_requires", strings.Join(tr.Requires, ","))
	}
	// A state nothing leads to is refused with its name.
	res := c.post("/consult/graph", form)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "状态“听证”从初始状态无法到达") {
		t.Fatalf("unreachable state saved: %d\n%s", res.StatusCode, b)
	}
	form.Add("tr_from", "research")
	form.Add("tr_to", "hearing")
	form.Add("tr_label", "召开听证会")
	form.Add("tr_roles", "office、coordinator")
	form.Add("tr_requires", "")
	form.Add("tr_from", "hearing")
	form.Add("tr_to", "consultation")
	form.Add("tr_label", "协商")
	form.Add("tr_roles", "office")
	form.Add("tr_requires", "meeting")
	res = c.post("/consult/graph", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, body(res))
	}
	g2, own, err := e.db.FindGraph(context.Background(), app.System, e.countyA.ID, store.GraphKindTopic)
	if err != nil || !own || len(g2.States) != len(g.States)+1 || len(g2.Transitions) != len(g.Transitions)+2 {
		t.Fatalf("saved graph: own %v, %d states, %d transitions, %v", own, len(g2.States), len(g2.Transitions), err)
	}
	if _, page := c.get("/consult/graph"); !strings.Contains(page, `value="hearing"`) || !strings.Contains(page, "本政协已自定义流程") {
		t.Error("editor does not show the saved state")
	}
	// Leaders read the graph but cannot save it.
	if res := e.login("leader-a").post("/consult/graph", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("leader saves the graph: %d", res.StatusCode)
	}
	var api struct {
		States []struct{ Code string } `json:"states"`
	}
	if code := c.api("GET", "/api/v1/consult/graph", nil, &api); code != 200 || len(api.States) != len(g.States)+1 {
		t.Errorf("api graph: %d %d", code, len(api.States))
	}
}

func TestConsultStatsPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	office := e.login("office-a")
	for i, org := range []int64{e.countyA.ID, e.town.ID, e.village.ID} {
		var tp store.Topic
		if code := office.api("POST", "/api/v1/topics", consult.TopicInput{OrgID: org, Year: 2026,
			Title: "统计议题" + strconv.Itoa(i), Source: consult.FromOffice}, &tp); code != http.StatusCreated {
			t.Fatalf("create %d", code)
		}
		if i == 0 {
			if _, err := e.db.AdvanceTopic(ctx, app.Actor{Role: "office", Path: "/", Name: "测试"}, tp.ID,
				store.AdvanceInput{To: consult.Selected}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := e.db.CreateRoom(ctx, app.System, consult.RoomInput{OrgID: e.village.ID, Name: "甲村协商议事室",
		Brand: "有事好商量"}); err != nil {
		t.Fatal(err)
	}
	code, page := office.get("/consult?year=2026")
	if code != 200 || !strings.Contains(page, "协商议题 <strong>3</strong> 个") ||
		!strings.Contains(page, "甲县政协议事室阵地覆盖1个村(社区)中的1个（100.0%），共有议事室1个") {
		t.Fatalf("stats: %d\n%s", code, page)
	}
	for _, want := range []string{"县(区)政协", "乡镇(街道)", "村(社区)", "已选定", "已征集"} {
		if !strings.Contains(page, want) {
			t.Errorf("stats page lacks %s", want)
		}
	}
	res, err := office.http.Get(e.srv.URL + "/consult/stats.xlsx?year=2026")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rows, err := xlsx.ReadFirstSheet(res.Body, 100, 20)
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1]
	if last[0] != "合计" || last[len(last)-1] != "3" {
		t.Errorf("stats sheet total row: %v", last)
	}
}
