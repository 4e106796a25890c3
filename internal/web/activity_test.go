package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/store"
)

func TestActivityPagesAndAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	wang, err := e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "王建国"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateMember(ctx, app.System, e.countyB.ID, member.Input{Name: "赵强"}); err != nil {
		t.Fatal(err)
	}
	office := e.login("office-a")
	if code, page := office.get("/activities/new"); code != http.StatusOK || !strings.Contains(page, "招商考察") {
		t.Fatalf("new form: %d", code)
	}

	// Refused: bad figures, another county's member, no kind; what was typed stays.
	form := url.Values{"org_id": {id(e.countyA.ID)}, "title": {"赴苏州<招商>考察"}, "starts_on": {"2024-04-10"},
		"ends_on": {"2024-04-12"}, "places": {"苏州工业园区\n昆山开发区"}, "figures": {"考察企业：-3\n参加人数：九"},
		"members": {"王建国，带队\n赵强"}, "others": {"县商务局张科长，陪同"}}
	res := office.post("/activities", form)
	b := body(res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused form: %d\n%s", res.StatusCode, b)
	}
	for _, want := range []string{"应为非负整数", "请选择活动类型", "赴苏州&lt;招商&gt;考察", "考察企业：-3", "县商务局张科长，陪同"} {
		if !strings.Contains(b, want) {
			t.Fatalf("refused form lacks %q:\n%s", want, b)
		}
	}
	form.Set("kind", "investment")
	form.Set("figures", "考察企业：-3\n参加人数：9")
	res = office.post("/activities", form)
	b = body(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "不能为负数") ||
		!strings.Contains(b, "本政协没有名为“赵强”的委员") {
		t.Fatalf("store refusal: %d\n%s", res.StatusCode, b)
	}
	form.Set("figures", "考察企业：12\n参加人数 9")
	form.Set("members", "王建国，带队")
	res = office.post("/activities", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, body(res))
	}
	loc := res.Header.Get("Location")
	actURL := loc[:strings.Index(loc, "?")]

	_, page := office.get(actURL)
	for _, want := range []string{"赴苏州&lt;招商&gt;考察", "招商考察", "2024-04-10至04-12", "考察企业", "12", "王建国", "带队", "县商务局张科长"} {
		if !strings.Contains(page, want) {
			t.Fatalf("activity page lacks %q:\n%s", want, page)
		}
	}
	_, page = office.get("/activities?year=2024")
	if !strings.Contains(page, "赴苏州&lt;招商&gt;考察") || !strings.Contains(page, "招商考察") || !strings.Contains(page, "王建国（1人）") {
		t.Fatalf("list:\n%s", page)
	}
	if _, page = office.get("/activities?year=2023"); strings.Contains(page, "赴苏州") {
		t.Fatal("year filter")
	}
	if _, page = office.get(actURL + "/edit"); !strings.Contains(page, "王建国#"+id(wang.ID)) {
		t.Fatalf("edit form:\n%s", page)
	}
	if _, page = office.get("/members/" + id(wang.ID)); !strings.Contains(page, "/activities?member_id="+id(wang.ID)) {
		t.Fatal("member page has no link to the member's activities")
	}
	if code, _ := e.login("office-b").get(actURL); code != http.StatusNotFound {
		t.Fatalf("other county sees it: %d", code)
	}
	evs, _, _ := e.db.FindDutyEvents(ctx, app.System, store.DutyFilter{MemberID: wang.ID})
	if len(evs) != 1 || evs[0].Kind != "activity_investment" {
		t.Fatalf("duty events %+v", evs)
	}

	// Kinds: renaming one shows on the list; dropping a used one is refused.
	_, page = office.get("/activities/kinds")
	if !strings.Contains(page, "履职能力提升培训班") {
		t.Fatalf("kinds page:\n%s", page)
	}
	res = office.post("/activities/kinds", url.Values{"n": {"2"}, "code_0": {"investment"}, "label_0": {"外出招商"},
		"sort_0": {"1"}, "code_1": {"study"}, "label_1": {"学习会"}, "sort_1": {"2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save kinds: %d %s", res.StatusCode, body(res))
	}
	res = office.post("/activities/kinds", url.Values{"n": {"1"}, "code_0": {"study"}, "label_0": {"学习会"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "只能停用") {
		t.Fatalf("drop a used kind: %d\n%s", res.StatusCode, b)
	}
	if _, page = office.get("/activities"); !strings.Contains(page, "外出招商") {
		t.Fatal("renamed kind not on the list")
	}

	// API: create, read, update, delete.
	var a store.Activity
	in := store.ActivityInput{Kind: "study", Title: "理论学习会", StartsOn: app.MustDate("2024-05-01"),
		Figures: []store.ActivityFigure{{Name: "参加人数", Value: 40}}, Members: []store.ActivityPersonInput{{MemberID: wang.ID}}}
	if code := office.api("POST", "/api/v1/activities", in, &a); code != http.StatusCreated || a.KindLabel != "学习会" {
		t.Fatalf("api create: %d %+v", code, a)
	}
	var errBody struct {
		Fields []app.FieldError `json:"fields"`
	}
	bad := in
	bad.Figures = []store.ActivityFigure{{Name: "参加人数", Value: -1}}
	if code := office.api("POST", "/api/v1/activities", bad, &errBody); code != http.StatusUnprocessableEntity {
		t.Fatalf("api refusal: %d %+v", code, errBody)
	}
	var list struct {
		Items []store.Activity `json:"items"`
		Total int              `json:"total"`
	}
	if code := office.api("GET", "/api/v1/activities?member_id="+id(wang.ID), nil, &list); code != http.StatusOK || list.Total != 2 {
		t.Fatalf("api list: %d %+v", code, list)
	}
	in.Title = "理论学习会（二）"
	if code := office.api("PUT", "/api/v1/activities/"+id(a.ID), in, &a); code != http.StatusOK || a.Title != in.Title {
		t.Fatalf("api update: %d %+v", code, a)
	}
	if code := office.api("DELETE", "/api/v1/activities/"+id(a.ID), nil, nil); code != http.StatusNoContent {
		t.Fatalf("api delete: %d", code)
	}
	if code := office.api("GET", "/api/v1/activities/"+id(a.ID), nil, nil); code != http.StatusNotFound {
		t.Fatalf("deleted: %d", code)
	}
	res = office.post(actURL+"/delete", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if evs, _, _ := e.db.FindDutyEvents(ctx, app.System, store.DutyFilter{MemberID: wang.ID}); len(evs) != 0 {
		t.Fatalf("events after delete %+v", evs)
	}
}
