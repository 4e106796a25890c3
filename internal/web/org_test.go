package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// mustContain fails unless body holds every want.
func mustContain(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("%s: should not show %q", what, b)
		}
	}
}

// location is a redirect's target.
func location(res *http.Response) string { return res.Header.Get("Location") }

func TestOrgTreeShowsOnlyTheSubtree(t *testing.T) {
	e := newEnv(t)
	status, page := e.login("office-b").get("/orgs")
	if status != 200 {
		t.Fatalf("office-b /orgs: %d", status)
	}
	mustContain(t, "office-b tree", page, "乙县政协", "县(区)政协")
	mustNotContain(t, "office-b tree", page, "甲镇", "甲县政协", "测试市政协", "甲村")

	c := e.login("office-city")
	_, page = c.get("/orgs")
	mustContain(t, "city tree", page, "测试市政协", "甲县政协", "乙县政协", "甲镇", "下辖村(社区) 1 个", "下辖县(区)政协 2 个")
	// Villages are listed on their township's page, not in the big tree.
	mustNotContain(t, "city tree", page, "甲村")
	_, page = c.get("/orgs/" + id(e.town.ID))
	mustContain(t, "township page", page, "甲村", "新增村(社区)", "测试市政协", "甲县政协")

	// A search spans every tier and shows where each match sits.
	_, page = c.get("/orgs?q=" + url.QueryEscape("甲村"))
	mustContain(t, "search", page, "甲村", "测试市政协 / 甲县政协 / 甲镇")
	// Searching from county B finds nothing of county A.
	_, page = e.login("office-b").get("/orgs?q=" + url.QueryEscape("甲"))
	mustContain(t, "office-b search", page, "没有名称包含")
	mustNotContain(t, "office-b search", page, "甲村", "甲镇")

	// Garbage in the search is refused, never a server error.
	if status, page := c.get("/orgs?q=%FF"); status != http.StatusUnprocessableEntity || !strings.Contains(page, "查询参数包含无效字符") {
		t.Errorf("invalid UTF-8 search: %d", status)
	}

	// Archived organisations appear only when asked for.
	if err := e.db.ArchiveOrg(context.Background(), app.System, e.village.ID); err != nil {
		t.Fatal(err)
	}
	_, page = c.get("/orgs/" + id(e.town.ID))
	mustNotContain(t, "township page without archived", page, "甲村")
	_, page = c.get("/orgs/" + id(e.town.ID) + "?archived=1")
	mustContain(t, "township page with archived", page, "甲村", "已撤销")
}

func TestOrgOtherSubtreeIsNotFound(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-b")
	for _, path := range []string{
		"/orgs/" + id(e.countyA.ID),
		"/orgs/" + id(e.countyA.ID) + "/edit",
		"/orgs/" + id(e.town.ID) + "/move",
		"/orgs/" + id(e.countyA.ID) + "/terms/new",
		"/orgs/new?parent=" + id(e.town.ID),
		"/orgs/" + id(e.city.ID),
	} {
		if status, page := c.get(path); status != http.StatusNotFound || !strings.Contains(page, "未找到") {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}
	for _, path := range []string{
		"/orgs/" + id(e.countyA.ID),
		"/orgs/" + id(e.town.ID) + "/move",
		"/orgs/" + id(e.village.ID) + "/archive",
		"/orgs/" + id(e.countyA.ID) + "/sectors",
	} {
		res := c.post(path, url.Values{"name": {"改名"}, "parent_id": {id(e.countyB.ID)}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", path, res.StatusCode)
		}
	}
	// Creating under a foreign parent is not found either.
	res := c.post("/orgs", url.Values{"parent_id": {id(e.town.ID)}, "kind": {"village"}, "name": {"外村"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("create under foreign parent: %d", res.StatusCode)
	}
	var out map[string]map[string]any
	if st := c.api("GET", "/api/v1/orgs/"+id(e.countyA.ID), nil, &out); st != http.StatusNotFound || out["error"]["message"] != "未找到该组织" {
		t.Errorf("API GET foreign org: %d %v", st, out)
	}
	if st := c.api("PATCH", "/api/v1/orgs/"+id(e.countyA.ID), map[string]any{"name": "改名"}, nil); st != http.StatusNotFound {
		t.Errorf("API PATCH foreign org: %d", st)
	}
	if st := c.api("GET", "/api/v1/orgs/"+id(e.countyA.ID)+"/terms", nil, nil); st != http.StatusNotFound {
		t.Errorf("API terms of foreign org: %d", st)
	}
	// Nothing changed.
	o, _ := e.db.FindOrgByID(context.Background(), app.System, e.countyA.ID)
	if o.Name != "甲县政协" {
		t.Fatalf("foreign org renamed to %q", o.Name)
	}
}

func TestOrgCreateForm(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	// The kind select offers only the tier allowed under the parent.
	_, page := c.get("/orgs/new?parent=" + id(e.town.ID))
	mustContain(t, "new village form", page, `<option value="village" selected>村(社区)</option>`, "甲镇")
	mustNotContain(t, "new village form", page, `value="township"`, `value="county"`)

	form := url.Values{"parent_id": {id(e.town.ID)}, "kind": {"village"}, "name": {"  "}, "short_name": {"新村简称"},
		"code": {"371524"}, "sort": {"7"}}
	res := c.post("/orgs", form)
	page = body(res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty name: %d", res.StatusCode)
	}
	mustContain(t, "empty name", page, "名称不能为空", `value="新村简称"`, `value="371524"`, `value="7"`)

	form.Set("name", "新村")
	form.Set("code", "12ab")
	res = c.post("/orgs", form)
	page = body(res)
	mustContain(t, "bad code", page, "行政区划代码应为6至12位数字", `value="新村"`)

	form.Set("code", "371524")
	form.Set("sort", "abc")
	res = c.post("/orgs", form)
	mustContain(t, "bad sort", body(res), "应为整数", `value="abc"`)

	form.Set("sort", "7")
	res = c.post("/orgs", form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(location(res), "?ok=created") {
		t.Fatalf("create: %d %s", res.StatusCode, location(res))
	}
	list, err := e.db.FindOrgs(context.Background(), app.System, store.OrgFilter{ParentID: e.town.ID, Name: "新村"})
	if err != nil || len(list) != 1 || list[0].ShortName != "新村简称" || list[0].Code != "371524" || list[0].Kind != org.Village {
		t.Fatalf("created = %+v, %v", list, err)
	}
	_, page = c.get(location(res))
	mustContain(t, "created page", page, "已创建", "新村", "村(社区)")

	// Duplicate names under one parent are a field error.
	res = c.post("/orgs", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(res), "同一上级下已有同名组织") {
		t.Fatalf("duplicate: %d", res.StatusCode)
	}

	// Edit keeps the tier and parent.
	res = c.post("/orgs/"+id(e.village.ID), url.Values{"name": {""}, "short_name": {"简"}})
	page = body(res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("edit with empty name: %d", res.StatusCode)
	}
	mustContain(t, "edit with empty name", page, "名称不能为空", `value="简"`)
	res = c.post("/orgs/"+id(e.village.ID), url.Values{"name": {"甲村社区"}, "sort": {"3"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	v, _ := e.db.FindOrgByID(context.Background(), app.System, e.village.ID)
	if v.Name != "甲村社区" || v.Sort != 3 || v.ParentID != e.town.ID {
		t.Fatalf("edited = %+v", v)
	}
}

func TestOrgMoveShowsHistory(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-city")
	_, page := c.get("/orgs/" + id(e.town.ID) + "/move")
	mustContain(t, "move form", page, `<option value="`+id(e.countyB.ID)+`"`, "当前上级", "甲县政协")
	mustNotContain(t, "move form", page, `<option value="`+id(e.countyA.ID)+`"`)

	res := c.post("/orgs/"+id(e.town.ID)+"/move", url.Values{"parent_id": {""}, "reason": {"区划调整"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(res), "请选择新上级组织") {
		t.Fatalf("move without parent: %d", res.StatusCode)
	}
	res = c.post("/orgs/"+id(e.town.ID)+"/move", url.Values{"parent_id": {id(e.countyB.ID)}, "reason": {"行政区划调整"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(location(res), "?ok=moved") {
		t.Fatalf("move: %d", res.StatusCode)
	}
	_, page = c.get(location(res))
	mustContain(t, "moved page", page, "已调整隶属关系", "隶属调整记录", "行政区划调整", "<td>甲县政协</td><td>乙县政协</td>")
	// County B now sees the township and its village; county A no longer does.
	if status, _ := e.login("office-b").get("/orgs/" + id(e.village.ID)); status != 200 {
		t.Errorf("office-b after move: %d", status)
	}
	if status, _ := e.login("office-a").get("/orgs/" + id(e.town.ID)); status != http.StatusNotFound {
		t.Errorf("office-a after move: %d", status)
	}
	// The account's own organisation cannot be moved.
	if status, _ := e.login("office-a").get("/orgs/" + id(e.countyA.ID) + "/move"); status != http.StatusForbidden {
		t.Errorf("moving one's own org: %d", status)
	}
}

func TestOrgArchiveRefusedWithChildren(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	res := c.post("/orgs/"+id(e.town.ID)+"/archive", nil)
	page := body(res)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("archive with children: %d", res.StatusCode)
	}
	mustContain(t, "archive refused", page, "该组织下还有1个下级组织，请先调整或撤销下级组织", "甲镇", "甲村")
	res = c.post("/orgs/"+id(e.village.ID)+"/archive", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive village: %d", res.StatusCode)
	}
	_, page = c.get(location(res))
	mustContain(t, "archived page", page, "已撤销")
	mustNotContain(t, "archived page", page, `/archive"`, ">编辑</a>")
	v, _ := e.db.FindOrgByID(context.Background(), app.System, e.village.ID)
	if !v.Archived {
		t.Fatal("village not archived")
	}
}

func TestTermForms(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	base := "/orgs/" + id(e.countyA.ID)
	res := c.post(base+"/terms", url.Values{"number": {"12"}, "start_date": {"2017-01-08"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create term 12: %d %s", res.StatusCode, body(res))
	}
	_, page := c.get(base)
	mustContain(t, "committee page", page, "第十二届", "2017-01-08", "本届")

	// The next term overlaps while the 12th is open.
	res = c.post(base+"/terms", url.Values{"number": {"13"}, "start_date": {"2022-01-10"}, "end_date": {""}})
	page = body(res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("overlapping term: %d", res.StatusCode)
	}
	mustContain(t, "overlap", page, "与第十二届（2017-01-08 起）时间重叠，请先填写第十二届的结束日期", `value="2022-01-10"`, `value="13"`)
	res = c.post(base+"/terms", url.Values{"number": {"13"}, "start_date": {"2022-13-40"}})
	mustContain(t, "bad date", body(res), "日期格式应为 YYYY-MM-DD", `value="2022-13-40"`)

	// Close the 12th, then the 13th fits.
	terms, err := e.db.FindTerms(context.Background(), app.System, e.countyA.ID)
	if err != nil || len(terms) != 1 {
		t.Fatalf("terms = %+v, %v", terms, err)
	}
	_, page = c.get("/terms/" + id(terms[0].ID) + "/edit")
	mustContain(t, "term edit form", page, `value="12"`, `value="2017-01-08"`)
	res = c.post("/terms/"+id(terms[0].ID), url.Values{"number": {"12"}, "start_date": {"2017-01-08"}, "end_date": {"2022-01-09"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close term 12: %d", res.StatusCode)
	}
	res = c.post(base+"/terms", url.Values{"number": {"13"}, "start_date": {"2022-01-10"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("term 13: %d %s", res.StatusCode, body(res))
	}
	_, page = c.get(base)
	mustContain(t, "two terms", page, "第十三届", "已届满")
	if i, j := strings.Index(page, "第十三届"), strings.Index(page, "第十二届"); i < 0 || j < i {
		t.Errorf("terms not newest first")
	}
	// Townships have no terms; county B cannot touch A's terms.
	if status, _ := c.get("/orgs/" + id(e.town.ID) + "/terms/new"); status != http.StatusNotFound {
		t.Errorf("term form for a township: %d", status)
	}
	b := e.login("office-b")
	if status, _ := b.get("/terms/" + id(terms[0].ID) + "/edit"); status != http.StatusNotFound {
		t.Errorf("office-b edits A's term: %d", status)
	}
	if res := b.post("/terms/"+id(terms[0].ID), url.Values{"number": {"12"}, "start_date": {"2017-01-08"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("office-b posts A's term: %d", res.StatusCode)
	}
}

func TestSectorInlineForms(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.login("office-a")
	base := "/orgs/" + id(e.countyA.ID)
	res := c.post(base+"/sectors", url.Values{"name": {"教育界"}, "sort": {"10"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add sector: %d", res.StatusCode)
	}
	res = c.post(base+"/sectors", url.Values{"name": {"教育界"}, "sort": {"20"}})
	page := body(res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate sector: %d", res.StatusCode)
	}
	mustContain(t, "duplicate sector", page, "已有同名界别", `value="20"`)
	sectors, err := e.db.FindSectors(ctx, app.System, e.countyA.ID)
	if err != nil || len(sectors) != 1 {
		t.Fatalf("sectors = %+v, %v", sectors, err)
	}
	sec := sectors[0]
	res = c.post("/sectors/"+id(sec.ID), url.Values{"name": {""}, "sort": {"5"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(res), "名称不能为空") {
		t.Fatalf("rename to empty: %d", res.StatusCode)
	}
	res = c.post("/sectors/"+id(sec.ID), url.Values{"name": {"教育界别"}, "sort": {"5"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rename: %d", res.StatusCode)
	}
	res = c.post(base+"/special-committees", url.Values{"name": {"提案委员会"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add special committee: %d", res.StatusCode)
	}
	res = c.post(base+"/defaults", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("seed defaults: %d", res.StatusCode)
	}
	_, page = c.get(location(res))
	mustContain(t, "after seeding", page, "已添加默认界别和专门委员会", "教育界别", "九三学社", "港澳台侨和外事委员会")
	if n := strings.Count(page, "提案委员会"); n < 1 {
		t.Errorf("提案委员会 missing")
	}

	// A sector with a member seated in it cannot be deleted.
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 13, StartDate: app.MustDate("2022-01-10")})
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddMembership(ctx, app.System, m.ID, member.MembershipInput{TermID: term.ID, SectorID: sec.ID,
		StartDate: app.MustDate("2022-01-10")}); err != nil {
		t.Fatal(err)
	}
	res = c.post("/sectors/"+id(sec.ID)+"/delete", nil)
	page = body(res)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("delete sector in use: %d", res.StatusCode)
	}
	mustContain(t, "delete refused", page, "界别“教育界别”下有1条委员任职记录，不能删除")
	if _, err := e.db.FindSectorByID(ctx, app.System, sec.ID); err != nil {
		t.Fatalf("sector gone after refused delete: %v", err)
	}
	// An unused one goes.
	sectors, _ = e.db.FindSectors(ctx, app.System, e.countyA.ID)
	unused := sectors[len(sectors)-1]
	res = c.post("/sectors/"+id(unused.ID)+"/delete", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(location(res), "ok=deleted") {
		t.Fatalf("delete unused sector: %d", res.StatusCode)
	}
	if _, err := e.db.FindSectorByID(ctx, app.System, unused.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("deleted sector still there: %v", err)
	}
	// County B cannot touch A's sectors.
	b := e.login("office-b")
	for _, path := range []string{"/sectors/" + id(sec.ID), "/sectors/" + id(sec.ID) + "/delete"} {
		if res := b.post(path, url.Values{"name": {"x"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("office-b POST %s: %d", path, res.StatusCode)
		}
	}
	var out map[string]any
	if st := b.api("PATCH", "/api/v1/sectors/"+id(sec.ID), map[string]any{"name": "x"}, &out); st != http.StatusNotFound {
		t.Errorf("office-b API PATCH sector: %d", st)
	}
}

func TestOrgAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	var created org.Org
	st := c.api("POST", "/api/v1/orgs", map[string]any{"parent_id": e.town.ID, "kind": "village", "name": "乙村", "code": "371524001"}, &created)
	if st != http.StatusCreated || created.ID == 0 || created.Name != "乙村" || created.Path != e.town.Path+id(created.ID)+"/" {
		t.Fatalf("API create: %d %+v", st, created)
	}
	var fail struct {
		Error struct {
			Code    string          `json:"code"`
			Message string          `json:"message"`
			Fields  app.FieldErrors `json:"fields"`
		} `json:"error"`
	}
	st = c.api("POST", "/api/v1/orgs", map[string]any{"parent_id": e.town.ID, "kind": "village", "name": ""}, &fail)
	if st != http.StatusUnprocessableEntity || fail.Error.Fields.Get("name") != "名称不能为空" {
		t.Errorf("API empty name: %d %+v", st, fail)
	}
	st = c.api("POST", "/api/v1/orgs", map[string]any{"parent_id": e.town.ID, "kind": "township", "name": "错层"}, &fail)
	if st != http.StatusUnprocessableEntity || fail.Error.Fields.Get("kind") != "乡镇(街道)下只能设立村(社区)" {
		t.Errorf("API wrong tier: %d %+v", st, fail)
	}
	// Malformed JSON, wrong types and unknown fields: a Chinese message, never a 500.
	for _, raw := range []string{`{"name":`, `{"name": 5}`, `{"nme": "x"}`, `[1,2]`, ``} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/orgs", strings.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.csrf)
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b := body(res)
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad JSON %q: %d %s", raw, res.StatusCode, b)
		}
		if !strings.Contains(b, `"code":"invalid"`) || !hasChinese(b) {
			t.Errorf("bad JSON %q: body %s", raw, b)
		}
	}
	// PATCH takes every editable field; kind is not one of them.
	var patched org.Org
	st = c.api("PATCH", "/api/v1/orgs/"+id(created.ID), map[string]any{"name": "乙村社区", "short_name": "乙村", "code": "", "sort": 2}, &patched)
	if st != 200 || patched.Name != "乙村社区" || patched.Code != "" || patched.Sort != 2 {
		t.Errorf("API patch: %d %+v", st, patched)
	}
	if st := c.api("PATCH", "/api/v1/orgs/"+id(created.ID), map[string]any{"name": "x", "kind": "county"}, &fail); st != http.StatusUnprocessableEntity || fail.Error.Fields.Get("kind") != "未知字段" {
		t.Errorf("API patch kind: %d %+v", st, fail)
	}
	// Lists page with totals.
	var list struct {
		Items  []store.OrgRow `json:"items"`
		Total  int            `json:"total"`
		Limit  int            `json:"limit"`
		Offset int            `json:"offset"`
	}
	if st := c.api("GET", "/api/v1/orgs?kind=village&limit=1", nil, &list); st != 200 || list.Total != 2 || len(list.Items) != 1 || list.Limit != 1 {
		t.Errorf("API list villages: %d %+v", st, list)
	}
	if st := c.api("GET", "/api/v1/orgs?q="+url.QueryEscape("乙村"), nil, &list); st != 200 || list.Total != 1 || list.Items[0].Trail != "甲县政协 / 甲镇" {
		t.Errorf("API search: %d %+v", st, list)
	}
	if st := c.api("GET", "/api/v1/orgs?kind=galaxy", nil, &fail); st != http.StatusUnprocessableEntity {
		t.Errorf("API bad kind: %d", st)
	}
	if st := c.api("GET", "/api/v1/orgs?sort=password", nil, &fail); st != http.StatusUnprocessableEntity {
		t.Errorf("API bad sort: %d", st)
	}
	// Terms, sectors, special committees.
	var term org.Term
	if st := c.api("POST", "/api/v1/orgs/"+id(e.countyA.ID)+"/terms", map[string]any{"number": 12, "start_date": "2017-01-08", "end_date": "2022-01-09"}, &term); st != http.StatusCreated || term.Number != 12 {
		t.Fatalf("API create term: %d %+v", st, term)
	}
	if st := c.api("POST", "/api/v1/orgs/"+id(e.countyA.ID)+"/terms", map[string]any{"number": 13, "start_date": "2021-01-01"}, &fail); st != http.StatusUnprocessableEntity || !strings.Contains(fail.Error.Fields.Get("start_date"), "时间重叠") {
		t.Errorf("API overlapping term: %d %+v", st, fail)
	}
	if st := c.api("POST", "/api/v1/orgs/"+id(e.countyA.ID)+"/terms", map[string]any{"number": 13, "start_date": "2022-02-30"}, &fail); st != http.StatusUnprocessableEntity || !strings.Contains(fail.Error.Message, "日期格式") {
		t.Errorf("API bad date: %d %+v", st, fail)
	}
	if st := c.api("PATCH", "/api/v1/terms/"+id(term.ID), map[string]any{"number": 12, "start_date": "2017-01-08", "end_date": "2022-01-10"}, &term); st != 200 || term.EndDate.String() != "2022-01-10" {
		t.Errorf("API patch term: %d %+v", st, term)
	}
	var terms apiListOf[org.Term]
	if st := c.api("GET", "/api/v1/orgs/"+id(e.countyA.ID)+"/terms", nil, &terms); st != 200 || terms.Total != 1 {
		t.Errorf("API terms: %d %+v", st, terms)
	}
	if st := c.api("GET", "/api/v1/orgs/"+id(e.town.ID)+"/terms", nil, &fail); st != http.StatusUnprocessableEntity {
		t.Errorf("API terms of a township: %d", st)
	}
	var sec org.Sector
	if st := c.api("POST", "/api/v1/orgs/"+id(e.countyA.ID)+"/sectors", map[string]any{"name": "经济界", "sort": 3}, &sec); st != http.StatusCreated || sec.Name != "经济界" {
		t.Fatalf("API create sector: %d %+v", st, sec)
	}
	if st := c.api("POST", "/api/v1/orgs/"+id(e.countyA.ID)+"/sectors", map[string]any{"name": "经济界"}, &fail); st != http.StatusUnprocessableEntity || fail.Error.Fields.Get("name") != "已有同名界别" {
		t.Errorf("API duplicate sector: %d %+v", st, fail)
	}
	if st := c.api("PATCH", "/api/v1/sectors/"+id(sec.ID), map[string]any{"name": "经济界别", "sort": 1}, &sec); st != 200 || sec.Name != "经济界别" {
		t.Errorf("API patch sector: %d %+v", st, sec)
	}
	var secs apiListOf[org.Sector]
	if st := c.api("GET", "/api/v1/orgs/"+id(e.countyA.ID)+"/sectors", nil, &secs); st != 200 || secs.Total != 1 || secs.Items[0].Name != "经济界别" {
		t.Errorf("API sectors: %d %+v", st, secs)
	}
	if st := c.api("DELETE", "/api/v1/sectors/"+id(sec.ID), nil, nil); st != http.StatusNoContent {
		t.Errorf("API delete sector: %d", st)
	}
	var sc org.SpecialCommittee
	if st := c.api("POST", "/api/v1/orgs/"+id(e.countyA.ID)+"/special-committees", map[string]any{"name": "提案委员会"}, &sc); st != http.StatusCreated {
		t.Fatalf("API create special committee: %d", st)
	}
	if st := c.api("PATCH", "/api/v1/special-committees/"+id(sc.ID), map[string]any{"name": "提案和委员工作委员会"}, &sc); st != 200 || sc.Name != "提案和委员工作委员会" {
		t.Errorf("API patch special committee: %d %+v", st, sc)
	}
	var scs apiListOf[org.SpecialCommittee]
	if st := c.api("GET", "/api/v1/orgs/"+id(e.countyA.ID)+"/special-committees", nil, &scs); st != 200 || scs.Total != 1 {
		t.Errorf("API special committees: %d %+v", st, scs)
	}
	if st := c.api("DELETE", "/api/v1/special-committees/"+id(sc.ID), nil, nil); st != http.StatusNoContent {
		t.Errorf("API delete special committee: %d", st)
	}
	// Move, moves and archive.
	city := e.login("office-city")
	var moved org.Org
	if st := city.api("POST", "/api/v1/orgs/"+id(e.town.ID)+"/move", map[string]any{"parent_id": e.countyB.ID, "reason": "区划调整"}, &moved); st != 200 || moved.ParentID != e.countyB.ID {
		t.Fatalf("API move: %d %+v", st, moved)
	}
	var moves apiListOf[org.Move]
	if st := city.api("GET", "/api/v1/orgs/"+id(e.town.ID)+"/moves", nil, &moves); st != 200 || moves.Total != 1 || moves.Items[0].Reason != "区划调整" {
		t.Errorf("API moves: %d %+v", st, moves)
	}
	if st := city.api("POST", "/api/v1/orgs/"+id(e.town.ID)+"/archive", nil, &fail); st != http.StatusConflict || !strings.Contains(fail.Error.Message, "下级组织") {
		t.Errorf("API archive with children: %d %+v", st, fail)
	}
	var archived org.Org
	if st := city.api("POST", "/api/v1/orgs/"+id(created.ID)+"/archive", nil, &archived); st != 200 || !archived.Archived {
		t.Errorf("API archive: %d %+v", st, archived)
	}
}

func hasChinese(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// apiListOf mirrors the API's list envelope for decoding.
type apiListOf[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

func TestOrgWritesForbiddenToReaders(t *testing.T) {
	e := newEnv(t)
	e.account("coordinator-b", auth.Coordinator, e.countyA.ID)
	c := e.login("coordinator-b")
	if status, page := c.get("/orgs"); status != 200 || !strings.Contains(page, "甲镇") {
		t.Fatalf("coordinator reads the tree: %d", status)
	}
	_, page := c.get("/orgs/" + id(e.countyA.ID))
	mustNotContain(t, "coordinator's org page", page, "新增乡镇(街道)", ">编辑</a>", "调整隶属", "新建届次")
	for _, path := range []string{"/orgs/new?parent=" + id(e.town.ID), "/orgs/" + id(e.town.ID) + "/edit", "/orgs/" + id(e.town.ID) + "/move",
		"/orgs/" + id(e.countyA.ID) + "/terms/new"} {
		if status, _ := c.get(path); status != http.StatusForbidden {
			t.Errorf("GET %s: %d, want 403", path, status)
		}
	}
	for _, path := range []string{"/orgs", "/orgs/" + id(e.town.ID), "/orgs/" + id(e.town.ID) + "/move", "/orgs/" + id(e.village.ID) + "/archive",
		"/orgs/" + id(e.countyA.ID) + "/terms", "/orgs/" + id(e.countyA.ID) + "/sectors", "/orgs/" + id(e.countyA.ID) + "/defaults",
		"/orgs/" + id(e.countyA.ID) + "/special-committees"} {
		res := c.post(path, url.Values{"name": {"x"}, "parent_id": {id(e.town.ID)}, "kind": {"village"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s: %d, want 403", path, res.StatusCode)
		}
	}
	if st := c.api("POST", "/api/v1/orgs", map[string]any{"parent_id": e.town.ID, "kind": "village", "name": "x"}, nil); st != http.StatusForbidden {
		t.Errorf("API create: %d", st)
	}
	if st := c.api("PATCH", "/api/v1/orgs/"+id(e.town.ID), map[string]any{"name": "x"}, nil); st != http.StatusForbidden {
		t.Errorf("API patch: %d", st)
	}
	if st := c.api("GET", "/api/v1/orgs/"+id(e.town.ID), nil, nil); st != 200 {
		t.Errorf("API read: %d", st)
	}
	// Nothing was created.
	list, _ := e.db.FindOrgs(context.Background(), app.System, store.OrgFilter{Name: "x"})
	if len(list) != 0 {
		t.Fatalf("reader created %+v", list)
	}
}
