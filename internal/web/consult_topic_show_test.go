package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/store"
)

// topicEnv is the test server with a selected topic of county A whose
// title tries script injection, an outcome, and two handling units with an
// account each ("unit-a" and "unit-a2").
type topicEnv struct {
	*env
	topic      store.Topic
	outcome    store.Outcome
	jian, jiao store.Unit
}

func newTopicEnv(t *testing.T) topicEnv {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	te := topicEnv{env: e}
	office := app.Actor{AccountID: 1, Name: "测试", Role: "office", OrgID: e.countyA.ID, Path: e.countyA.Path,
		CommitteeID: e.countyA.CommitteeID}
	tp, err := e.db.CreateTopic(ctx, office, consult.TopicInput{OrgID: e.countyA.ID, Year: 2026,
		Title: `<script>alert(1)</script>停车难`, Form: consult.Thematic, Source: consult.FromOffice})
	if err != nil {
		t.Fatal(err)
	}
	if tp, err = e.db.AdvanceTopic(ctx, office, tp.ID, store.AdvanceInput{To: consult.Selected, Note: "列入计划"}); err != nil {
		t.Fatal(err)
	}
	te.topic = tp
	units, err := e.db.FindUnits(ctx, office, store.UnitFilter{})
	if err != nil || len(units) != 1 { // unit-a's, made by the fixture
		t.Fatalf("units %+v %v", units, err)
	}
	te.jian = units[0]
	a2 := e.account("unit-a2", auth.Unit, e.countyA.ID)
	if te.jiao, err = e.db.FindUnitByID(ctx, office, a2.UnitID); err != nil {
		t.Fatal(err)
	}
	return te
}

func TestTopicPageStateTimelineActionsAndEscaping(t *testing.T) {
	te := newTopicEnv(t)
	c := te.login("office-a")
	path := "/topics/" + id(te.topic.ID)
	status, page := c.get(path)
	if status != http.StatusOK {
		t.Fatalf("topic page: %d", status)
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;停车难", "已选定", "专题协商", "列入计划",
		"确定协商主体", `name="to" value="participants"`, "10%", "参加主体（0）", "交承办单位办理"} {
		if want == "交承办单位办理" {
			continue // no outcome yet: the assignment form is not shown
		}
		if !strings.Contains(page, want) {
			t.Fatalf("topic page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert(1)") {
		t.Fatal("title not escaped")
	}
	// A requirement not met: the store's message on the page, 409, nothing changed.
	res := c.post(path+"/advance", url.Values{"to": {"participants"}})
	if b := body(res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "请先确定参加协商的主体") {
		t.Fatalf("advance without participants: %d", res.StatusCode)
	}
	// A participant by 姓名#编号 that does not exist: a field error on the page.
	res = c.post(path+"/participants", url.Values{"kind": {"member"}, "member": {"无名#99999"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "本政协没有编号为99999的委员") ||
		!strings.Contains(b, `value="无名#99999"`) {
		t.Fatalf("bad member: %d", res.StatusCode)
	}
	res = c.post(path+"/participants", url.Values{"kind": {"expert"}, "name": {`<b>陈工</b>`}, "affiliation": {"聊城大学"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add expert: %d %s", res.StatusCode, body(res))
	}
	res = c.post(path+"/advance", url.Values{"to": {"participants"}, "note": {"专家参加"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("advance: %d %s", res.StatusCode, body(res))
	}
	_, page = c.get(path)
	for _, want := range []string{"主体确定", "专家参加", "&lt;b&gt;陈工&lt;/b&gt;", "开展调研视察", "20%"} {
		if !strings.Contains(page, want) {
			t.Fatalf("after advance the page lacks %q", want)
		}
	}
	// A visit with a photo that is not an image: re-rendered with the reason.
	res = c.postFile(path+"/visits", url.Values{"kind": {"research"}, "starts_on": {"2026-03-01"}, "places": {"前街社区"},
		"others": {"县住建局"}}, "file", "", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("visit: %d %s", res.StatusCode, body(res))
	}
	_, page = c.get(path)
	if !strings.Contains(page, "调研 · 2026年3月1日") || !strings.Contains(page, "前街社区") {
		t.Fatal("visit not shown")
	}

	// A member account reads the page without forms; county B and a unit do not see it.
	if status, page := te.login("office-b").get(path); status != http.StatusNotFound {
		t.Fatalf("county B: %d %s", status, page)
	}
	if status, _ := te.login("unit-a").get(path); status != http.StatusForbidden {
		t.Fatalf("unit account: %d", status)
	}
	if status, page := te.login("leader-a").get(path); status != http.StatusOK || strings.Contains(page, `action="/topics/`+id(te.topic.ID)+`/participants"`) {
		t.Fatalf("leader: %d", status)
	}
}

func TestUnitInboxReplyReturnAndRedo(t *testing.T) {
	te := newTopicEnv(t)
	ctx := context.Background()
	office := te.login("office-a")
	path := "/topics/" + id(te.topic.ID)
	// Run the topic to an outcome through the store, then assign through the page.
	admin := app.System
	if _, err := te.db.AddTopicParticipant(ctx, admin, te.topic.ID, store.ParticipantInput{Kind: "resident", Name: "居民"}); err != nil {
		t.Fatal(err)
	}
	o, err := te.db.AddTopicOutcome(ctx, admin, te.topic.ID, store.OutcomeInput{Kind: "recommendation", Title: "停车建议案",
		Body: "增加车位"}, &store.DocumentInput{FileName: "建议案.pdf", Data: []byte("%PDF-1.4 x")})
	if err != nil {
		t.Fatal(err)
	}
	deadline := te.db.Now().AddDate(0, 1, 0).Format("2006-01-02")
	res := office.post(path+"/assignments", url.Values{"outcome_id": {id(o.ID)}, "lead_unit_ids": {id(te.jian.ID)},
		"support_unit_ids": {id(te.jiao.ID)}, "deadline": {deadline}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", res.StatusCode, body(res))
	}
	res = office.post(path+"/assignments", url.Values{"outcome_id": {id(o.ID)}, "lead_unit_ids": {id(te.jian.ID)},
		"deadline": {deadline}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "已交办过该成果") {
		t.Fatalf("assign twice: %d", res.StatusCode)
	}
	work, err := te.db.FindTopicWork(ctx, admin, te.topic.ID)
	if err != nil || len(work.Assignments) != 2 {
		t.Fatalf("assignments %v", err)
	}
	var jianAsg, jiaoAsg int64
	for _, a := range work.Assignments {
		if a.UnitID == te.jian.ID {
			jianAsg = a.ID
		} else {
			jiaoAsg = a.ID
		}
	}

	// The unit's inbox shows only its assignment; the other's is 404.
	unit := te.login("unit-a")
	status, page := unit.get("/unit")
	if status != http.StatusOK || !strings.Contains(page, "&lt;script&gt;") || !strings.Contains(page, "停车建议案") ||
		!strings.Contains(page, "主办") || strings.Contains(page, "协办") {
		t.Fatalf("inbox: %d %s", status, page)
	}
	if status, _ := unit.get("/unit/assignments/" + id(jiaoAsg)); status != http.StatusNotFound {
		t.Fatalf("other unit's assignment: %d", status)
	}
	res = unit.post("/unit/assignments/"+id(jiaoAsg)+"/reply", url.Values{"body": {"冒名"}})
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("reply to another unit's: %d", res.StatusCode)
	}
	status, page = unit.get("/unit/assignments/" + id(jianAsg))
	if status != http.StatusOK || !strings.Contains(page, "增加车位") || !strings.Contains(page, "建议案.pdf") {
		t.Fatalf("assignment page: %d", status)
	}
	// The outcome's document is readable by the unit it was sent to.
	if status, _ := unit.get("/topic-files/" + id(o.Files[0].ID)); status != http.StatusOK {
		t.Fatalf("outcome file: %d", status)
	}
	res = unit.post("/unit/assignments/"+id(jianAsg)+"/reply", url.Values{"body": {" "}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写答复内容") {
		t.Fatalf("empty reply: %d", res.StatusCode)
	}
	res = unit.postFile("/unit/assignments/"+id(jianAsg)+"/reply", url.Values{"body": {"已规划新增车位200个"}}, "file", "答复.pdf",
		[]byte("%PDF-1.4 reply"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", res.StatusCode, body(res))
	}
	_, page = unit.get("/unit/assignments/" + id(jianAsg))
	if !strings.Contains(page, "等待政协机关审核") || !strings.Contains(page, "答复.pdf") {
		t.Fatal("reply not shown")
	}

	// The office returns it with a reason; the unit replies again; the office accepts.
	work, _ = te.db.FindTopicWork(ctx, admin, te.topic.ID)
	var first int64
	for _, a := range work.Assignments {
		if a.ID == jianAsg {
			first = a.Replies[0].ID
		}
	}
	res = office.post(path+"/replies/"+id(first)+"/verdict", url.Values{"verdict": {"returned"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "退回须说明理由") {
		t.Fatalf("return without reason: %d", res.StatusCode)
	}
	res = office.post(path+"/replies/"+id(first)+"/verdict", url.Values{"verdict": {"returned"}, "reason": {"请说明资金来源"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d %s", res.StatusCode, body(res))
	}
	_, page = unit.get("/unit")
	if !strings.Contains(page, "已退回重办") {
		t.Fatal("returned status not in the inbox")
	}
	_, page = unit.get("/unit/assignments/" + id(jianAsg))
	if !strings.Contains(page, "请说明资金来源") || !strings.Contains(page, "提交答复") {
		t.Fatal("return reason or the form missing")
	}
	res = unit.post("/unit/assignments/"+id(jianAsg)+"/reply", url.Values{"body": {"资金由财政安排"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("redo: %d", res.StatusCode)
	}
	work, _ = te.db.FindTopicWork(ctx, admin, te.topic.ID)
	var second int64
	for _, a := range work.Assignments {
		if a.ID == jianAsg {
			if len(a.Replies) != 2 {
				t.Fatalf("replies kept: %d", len(a.Replies))
			}
			second = a.Replies[1].ID
		}
	}
	res = office.post(path+"/replies/"+id(second)+"/verdict", url.Values{"verdict": {"accepted"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.StatusCode)
	}
	res = office.post(path+"/assignments/"+id(jianAsg)+"/satisfaction", url.Values{"satisfaction": {"satisfied"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("satisfaction: %d", res.StatusCode)
	}
	_, page = office.get(path)
	for _, want := range []string{"第2次答复", "已认可", "已退回", "请说明资金来源", "满意度：满意", "待答复"} {
		if !strings.Contains(page, want) {
			t.Fatalf("topic page lacks %q", want)
		}
	}

	// The same through the API: the unit's inbox, and another unit's reply refused.
	var inbox []store.Assignment
	if st := unit.api("GET", "/api/v1/unit/assignments", nil, &inbox); st != 200 || len(inbox) != 1 || inbox[0].Status != "accepted" {
		t.Fatalf("api inbox: %d %+v", st, inbox)
	}
	other := te.login("unit-a2")
	if st := other.api("POST", "/api/v1/unit/assignments/"+id(jianAsg)+"/replies", map[string]string{"body": "x"}, nil); st != 404 {
		t.Fatalf("api reply to another unit's: %d", st)
	}
	var rp store.Reply
	if st := other.api("POST", "/api/v1/unit/assignments/"+id(jiaoAsg)+"/replies", map[string]string{"body": "配合"}, &rp); st != 201 || rp.ID == 0 {
		t.Fatalf("api reply: %d", st)
	}
	var detail struct {
		Topic store.Topic     `json:"topic"`
		Work  store.TopicWork `json:"work"`
	}
	if st := office.api("GET", "/api/v1/topics/"+id(te.topic.ID), nil, &detail); st != 200 || len(detail.Work.Assignments) != 2 {
		t.Fatalf("api detail: %d", st)
	}
}

func TestUnitsPage(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	res := c.post("/units", url.Values{"name": {""}, "kind": {"government"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "单位名称不能为空") {
		t.Fatalf("empty name: %d", res.StatusCode)
	}
	res = c.post("/units", url.Values{"name": {"<i>东阿县交通运输局</i>"}, "kind": {"government"}, "phone": {"0635-1234567"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, body(res))
	}
	status, page := c.get("/units")
	if status != 200 || !strings.Contains(page, "&lt;i&gt;东阿县交通运输局&lt;/i&gt;") || !strings.Contains(page, "政府及其部门") {
		t.Fatalf("list: %d", status)
	}
	if status, _ := e.login("cadre-a").get("/units"); status != http.StatusForbidden {
		t.Fatalf("member: %d", status)
	}
	// A unit account's form offers the units; without one it is refused.
	res = c.post("/accounts", url.Values{"username": {"jtj"}, "display_name": {"交通局"}, "role": {"unit"},
		"org_id": {id(e.countyA.ID)}, "password": {testPassword}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "承办单位账号须关联承办单位") {
		t.Fatalf("unit account without unit: %d", res.StatusCode)
	}
}
