package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/roster"
	"xieshang/internal/store"
)

// memberFixture gives county A its tenth term (from 2021-01-10), sectors
// 教育界 and 经济界 and a special committee, and one seated member, 张三;
// county B a term, a sector and one member, 李四.
type memberFixture struct {
	termA, termB              org.Term
	eduA, econA, eduB         org.Sector
	proposalsA                org.SpecialCommittee
	zhang, li                 member.Member
	zhangID                   string
	zhangPhone, zhangIDNumber string
	countyAActor              app.Actor
}

// idNumber is a valid identity number, distinct for each seq.
func idNumber(seq int) string {
	birth := app.DateOf(time.Date(1968, 5, 4+seq/1000, 0, 0, 0, 0, time.UTC))
	return member.MakeIDNumber("371524", birth, seq%1000)
}

func newMemberFixture(t *testing.T, e *env) memberFixture {
	t.Helper()
	ctx := context.Background()
	var fx memberFixture
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	fx.termA, err = e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 10, StartDate: app.MustDate("2021-01-10")})
	must(err)
	fx.termB, err = e.db.CreateTerm(ctx, app.System, e.countyB.ID, org.TermInput{Number: 9, StartDate: app.MustDate("2021-01-12")})
	must(err)
	fx.eduA, err = e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "教育界", Sort: 10})
	must(err)
	fx.econA, err = e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "经济界", Sort: 20})
	must(err)
	fx.eduB, err = e.db.CreateSector(ctx, app.System, e.countyB.ID, org.NamedInput{Name: "教育界", Sort: 10})
	must(err)
	fx.proposalsA, err = e.db.CreateSpecialCommittee(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "提案委员会"})
	must(err)
	fx.zhangPhone, fx.zhangIDNumber = "13812345678", idNumber(1)
	fx.zhang, err = e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: "张三", Gender: "男",
		IDNumber: fx.zhangIDNumber, Phone: fx.zhangPhone, Workplace: "甲县第一中学校长"},
		&member.MembershipInput{TermID: fx.termA.ID, SectorID: fx.eduA.ID, StartDate: fx.termA.StartDate})
	must(err)
	fx.li, err = e.db.CreateMemberInTerm(ctx, app.System, e.countyB.ID, member.Input{Name: "李四", Phone: "13700001111",
		Workplace: "乙县医院院长"}, &member.MembershipInput{TermID: fx.termB.ID, SectorID: fx.eduB.ID, StartDate: fx.termB.StartDate})
	must(err)
	fx.zhangID = id(fx.zhang.ID)
	fx.countyAActor = app.Actor{Path: e.countyA.Path}
	return fx
}

func TestMemberListScoped(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	for _, c := range []struct {
		user        string
		see, notSee []string
	}{
		{"office-a", []string{"张三", "甲县第一中学校长", "教育界", "共 1 名委员", "新增委员", "导入名册", "下载模板"}, []string{"李四", "所属政协"}},
		{"office-b", []string{"李四", "共 1 名委员"}, []string{"张三"}},
		{"office-city", []string{"张三", "李四", "共 2 名委员", "所属政协", "甲县政协", "乙县政协"}, nil},
		{"leader-a", []string{"张三", "导出名册"}, []string{"李四", "新增委员", "导入名册"}},
	} {
		status, body := e.login(c.user).get("/members")
		if status != 200 {
			t.Fatalf("%s: /members answered %d", c.user, status)
		}
		for _, s := range c.see {
			if !strings.Contains(body, s) {
				t.Errorf("%s: list lacks %q", c.user, s)
			}
		}
		for _, s := range c.notSee {
			if strings.Contains(body, s) {
				t.Errorf("%s: list shows %q", c.user, s)
			}
		}
	}
	// Filters and sorting keep to the subtree and never fail on odd input.
	c := e.login("office-city")
	for _, q := range []string{"?q=张", "?committee_id=" + id(e.countyA.ID), "?sector_id=" + id(fx.eduB.ID),
		"?role=chair", "?status=resigned", "?sort=sector&dir=desc", "?sort=bogus", "?term_id=abc&offset=-5"} {
		status, body := c.get("/members" + q)
		if status != 200 {
			t.Fatalf("/members%s: %d", q, status)
		}
		switch q {
		case "?q=张", "?committee_id=" + id(e.countyA.ID):
			if !strings.Contains(body, "张三") || strings.Contains(body, "李四") {
				t.Errorf("/members%s shows the wrong members", q)
			}
		case "?sector_id=" + id(fx.eduB.ID):
			if strings.Contains(body, "张三") || !strings.Contains(body, "李四") {
				t.Errorf("/members%s shows the wrong members", q)
			}
		case "?role=chair", "?status=resigned":
			if !strings.Contains(body, "共 0 名委员") {
				t.Errorf("/members%s should be empty", q)
			}
		}
	}
}

func TestMemberListPaged(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	var rows []roster.Row
	for i := range 120 {
		rows = append(rows, roster.Row{Line: i + 2, Member: member.Input{Name: fmt.Sprintf("委员%03d", i)}, Sector: "经济界"})
	}
	if _, bad, err := e.db.ImportMembers(context.Background(), app.System, e.countyA.ID, fx.termA.ID, rows, nil); err != nil || bad != nil {
		t.Fatal(err, bad)
	}
	c := e.login("office-a")
	_, body := c.get("/members?sort=name")
	if !strings.Contains(body, "共 121 名委员") || !strings.Contains(body, "第 1–50 条，共 121 条") || strings.Count(body, `href="/members/`) < 50 {
		t.Fatalf("first page:\n%s", body)
	}
	_, body = c.get("/members?sort=name&offset=100")
	if !strings.Contains(body, "第 101–121 条") || !strings.Contains(body, "张三") {
		t.Fatalf("last page lacks 张三 (sorted last by name):\n%s", body)
	}
}

func TestMemberOtherCountyIsNotFound(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	b := e.login("office-b")
	for _, p := range []string{"/members/" + fx.zhangID, "/members/" + fx.zhangID + "/edit"} {
		if status, body := b.get(p); status != http.StatusNotFound || strings.Contains(body, "张三") {
			t.Errorf("office-b GET %s: %d", p, status)
		}
	}
	res := b.post("/members/"+fx.zhangID, url.Values{"name": {"改名"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("office-b POST edit: %d", res.StatusCode)
	}
	res = b.post("/members/"+fx.zhangID+"/roles", url.Values{"term_id": {id(fx.termA.ID)}, "kind": {"standing"}, "start_date": {"2022-01-01"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("office-b POST role: %d", res.StatusCode)
	}
	var out map[string]any
	if status := b.api("GET", "/api/v1/members/"+fx.zhangID, nil, &out); status != http.StatusNotFound {
		t.Errorf("office-b API GET: %d %v", status, out)
	}
	if status := b.api("PATCH", "/api/v1/members/"+fx.zhangID, map[string]any{"name": "改名"}, &out); status != http.StatusNotFound {
		t.Errorf("office-b API PATCH: %d %v", status, out)
	}
	if status := b.api("GET", "/api/v1/members/"+fx.zhangID+"/roles", nil, &out); status != http.StatusNotFound {
		t.Errorf("office-b API roles: %d %v", status, out)
	}
	m, err := e.db.FindMemberByID(context.Background(), app.System, fx.zhang.ID)
	if err != nil || m.Name != "张三" {
		t.Fatalf("张三 changed: %+v %v", m, err)
	}
	// Readers without the member permission are refused outright.
	if status, _ := e.login("cadre-a").get("/members"); status != http.StatusForbidden {
		t.Errorf("cadre-a /members: %d", status)
	}
	if status, _ := e.login("leader-a").get("/members/new"); status != http.StatusForbidden {
		t.Errorf("leader-a /members/new: %d", status)
	}
}

func TestMemberCreateForm(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	c := e.login("office-a")
	status, page := c.get("/members/new")
	if status != 200 || !strings.Contains(page, "新增委员") || !strings.Contains(page, "第十届") {
		t.Fatalf("new form: %d", status)
	}
	good := idNumber(7)
	bad := good[:17] + map[bool]string{true: "0", false: "1"}[good[17] != '0']
	form := url.Values{"committee_id": {id(e.countyA.ID)}, "name": {"王小明"}, "gender": {"男"}, "id_number": {bad},
		"phone": {"139-0000-1234"}, "workplace": {"甲县人民医院"}, "status": {"serving"},
		"term_id": {id(fx.termA.ID)}, "sector_id": {id(fx.econA.ID)}}
	res := c.post("/members", form)
	page = body(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "身份证号校验位不正确") ||
		!strings.Contains(page, `value="王小明"`) || !strings.Contains(page, `value="139-0000-1234"`) ||
		!strings.Contains(page, `value="`+bad+`"`) {
		t.Fatalf("bad id number: %d\n%s", res.StatusCode, page)
	}
	if _, total, _ := e.db.FindMembers(context.Background(), fx.countyAActor, store.MemberFilter{Name: "王小明"}); total != 0 {
		t.Fatalf("refused form wrote a member")
	}
	// A bad date is a field error too, and the rest is kept.
	form.Set("id_number", good)
	form.Set("birth_date", "1990-02-30")
	res = c.post("/members", form)
	if page := body(res); res.StatusCode != 422 || !strings.Contains(page, "日期格式应为") || !strings.Contains(page, `value="王小明"`) {
		t.Fatalf("bad date: %d", res.StatusCode)
	}
	form.Del("birth_date")
	res = c.post("/members", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, body(res))
	}
	loc := res.Header.Get("Location")
	status, page = c.get(loc)
	for _, want := range []string{"王小明", "经济界", "第十届", "13900001234", good, "已创建"} {
		if !strings.Contains(page, want) {
			t.Errorf("member page lacks %q", want)
		}
	}
	// The same identity number again is refused in Chinese on its field.
	form.Set("name", "王小明二")
	res = c.post("/members", form)
	if page := body(res); res.StatusCode != 422 || !strings.Contains(page, "该身份证号已登记为本会委员") || !strings.Contains(page, `value="王小明二"`) {
		t.Fatalf("duplicate id number: %d", res.StatusCode)
	}

	// Editing keeps what was typed on error, and saves otherwise.
	res = c.post(strings.TrimSuffix(loc, "?ok=created"), url.Values{"name": {""}, "workplace": {"新单位"}, "status": {"resigned"}})
	if page := body(res); res.StatusCode != 422 || !strings.Contains(page, "姓名不能为空") || !strings.Contains(page, "请填写状态变更日期") ||
		!strings.Contains(page, `value="新单位"`) {
		t.Fatalf("bad edit: %d\n%s", res.StatusCode, page)
	}
}

func TestMemberContactShownToOffice(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	// Every role that may read members also holds auth.MemberContact (admin,
	// office, leader), so full numbers are what these accounts see; masking
	// for a role without it is covered by member_mask_test.go.
	for _, user := range []string{"office-a", "leader-a"} {
		c := e.login(user)
		_, page := c.get("/members/" + fx.zhangID)
		if !strings.Contains(page, fx.zhangPhone) || !strings.Contains(page, fx.zhangIDNumber) {
			t.Errorf("%s does not see the full contact details", user)
		}
		_, list := c.get("/members")
		if !strings.Contains(list, fx.zhangPhone) {
			t.Errorf("%s: list masks the phone", user)
		}
		var m member.Member
		if c.api("GET", "/api/v1/members/"+fx.zhangID, nil, &m); m.Phone != fx.zhangPhone || m.IDNumber != fx.zhangIDNumber {
			t.Errorf("%s: API gives %q %q", user, m.Phone, m.IDNumber)
		}
	}
}

func TestMemberSeatsAndRoles(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	ctx := context.Background()
	wang, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: "王五"},
		&member.MembershipInput{TermID: fx.termA.ID, SectorID: fx.econA.ID, StartDate: fx.termA.StartDate})
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("office-a")
	base := "/members/" + fx.zhangID
	res := c.post(base+"/roles", url.Values{"term_id": {id(fx.termA.ID)}, "kind": {"chair"}, "start_date": {"2021-01-10"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("appoint chair: %d\n%s", res.StatusCode, body(res))
	}
	_, page := c.get(base)
	if !strings.Contains(page, "主席") || !strings.Contains(page, "现任") || !strings.Contains(page, "2021-01-10") {
		t.Fatalf("member page lacks the role:\n%s", page)
	}
	// A second chair at the same time is refused on the kind field, keeping what was typed.
	res = c.post("/members/"+id(wang.ID)+"/roles", url.Values{"term_id": {id(fx.termA.ID)}, "kind": {"chair"},
		"start_date": {"2023-03-01"}, "note": {"补选"}})
	page = body(res)
	if res.StatusCode != 422 || !strings.Contains(page, "已有主席（张三）") || !strings.Contains(page, `value="2023-03-01"`) ||
		!strings.Contains(page, `value="补选"`) {
		t.Fatalf("second chair: %d\n%s", res.StatusCode, page)
	}
	// Elected vice-chair mid-term.
	res = c.post("/members/"+id(wang.ID)+"/roles", url.Values{"term_id": {id(fx.termA.ID)}, "kind": {"vice_chair"},
		"start_date": {"2023-03-01"}, "note": {"十届三次会议选举"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("vice chair: %d\n%s", res.StatusCode, body(res))
	}
	roles, _ := e.db.FindRoles(ctx, app.System, wang.ID)
	if len(roles) != 1 || roles[0].Kind != member.ViceChair || roles[0].StartDate != app.MustDate("2023-03-01") {
		t.Fatalf("roles = %+v", roles)
	}
	// Ending it before it began is refused next to the row; then ended properly.
	res = c.post("/roles/"+id(roles[0].ID)+"/end", url.Values{"end_date": {"2020-01-01"}})
	if page := body(res); res.StatusCode != 422 || !strings.Contains(page, "结束日期不能早于任职开始日期") {
		t.Fatalf("early end: %d\n%s", res.StatusCode, page)
	}
	res = c.post("/roles/"+id(roles[0].ID)+"/end", url.Values{"end_date": {"2024-01-31"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end role: %d", res.StatusCode)
	}
	roles, _ = e.db.FindRoles(ctx, app.System, wang.ID)
	if roles[0].EndDate != app.MustDate("2024-01-31") {
		t.Fatalf("role after end = %+v", roles[0])
	}
	// The list sorts by protocol: the chair first.
	_, list := c.get("/members?sort=role")
	if i, j := strings.Index(list, "张三"), strings.Index(list, "王五"); i < 0 || j < 0 || i > j {
		t.Errorf("chair not listed first")
	}
	// Seats: a member of no term gets one with the special committee, and ends it.
	loner, err := e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "赵六"})
	if err != nil {
		t.Fatal(err)
	}
	res = c.post("/members/"+id(loner.ID)+"/memberships", url.Values{"term_id": {id(fx.termA.ID)}})
	if page := body(res); res.StatusCode != 422 || !strings.Contains(page, "请选择界别") {
		t.Fatalf("seat without sector: %d\n%s", res.StatusCode, page)
	}
	res = c.post("/members/"+id(loner.ID)+"/memberships", url.Values{"term_id": {id(fx.termA.ID)},
		"sector_id": {id(fx.econA.ID)}, "special_committee_id": {id(fx.proposalsA.ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("seat: %d\n%s", res.StatusCode, body(res))
	}
	seats, _ := e.db.FindMemberships(ctx, app.System, loner.ID)
	if len(seats) != 1 || seats[0].StartDate != fx.termA.StartDate || seats[0].SpecialCommittee != "提案委员会" {
		t.Fatalf("seats = %+v", seats)
	}
	res = c.post("/memberships/"+id(seats[0].ID)+"/end", url.Values{"end_date": {"2024-02-01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end seat: %d", res.StatusCode)
	}
	if status, _ := e.login("office-b").get("/members/" + id(loner.ID)); status != 404 {
		t.Fatalf("office-b sees 赵六: %d", status)
	}
	if res := e.login("office-b").post("/memberships/"+id(seats[0].ID)+"/end", url.Values{"end_date": {"2024-03-01"}}); res.StatusCode != 404 {
		t.Fatalf("office-b ends county A's seat: %d", res.StatusCode)
	}
	// The audit trail link leads to the member's changes.
	_, page = c.get(base)
	if !strings.Contains(page, "/audit?entity=member&amp;entity_id="+fx.zhangID) {
		t.Errorf("no audit link")
	}
}

// --- Import ---

// rosterFile builds a roster from the template: its header row, the example
// row removed, then rows given as header → value.
func rosterFile(t *testing.T, rows []map[string]string) []byte {
	t.Helper()
	var tpl bytes.Buffer
	if err := roster.Template(&tpl); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	sheet := roster.SheetName
	all, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	header := -1
	cols := map[string]int{}
	for i, r := range all {
		for j, h := range r {
			if strings.TrimSuffix(h, "*") == "姓名" {
				header = i
			}
			cols[strings.TrimSuffix(h, "*")] = j
		}
		if header >= 0 {
			break
		}
	}
	if header < 0 {
		t.Fatalf("template has no header: %v", all)
	}
	if err := f.RemoveRow(sheet, header+2); err != nil { // the example
		t.Fatal(err)
	}
	for i, r := range rows {
		for h, v := range r {
			c, ok := cols[h]
			if !ok {
				t.Fatalf("template has no column %q", h)
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, header+2+i)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// upload posts a multipart form with a file.
func (c *client) upload(path string, fields url.Values, fileName string, content []byte) *http.Response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", fileName)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	c.t.Cleanup(func() { res.Body.Close() })
	return res
}

func TestMemberImport(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	ctx := context.Background()
	c := e.login("office-a")
	status, page := c.get("/members/import")
	if status != 200 || !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, "第十届") {
		t.Fatalf("import form: %d", status)
	}
	fields := url.Values{"committee_id": {id(e.countyA.ID)}, "term_id": {id(fx.termA.ID)}}
	badID := idNumber(300)
	badID = badID[:17] + map[bool]string{true: "0", false: "1"}[badID[17] != '0']
	bad := rosterFile(t, []map[string]string{
		{"姓名": "甲", "身份证号": idNumber(100), "界别": "教育界"},
		{"姓名": "乙", "身份证号": idNumber(101), "界别": "文艺界"},
		{"姓名": "丙", "身份证号": badID, "界别": "经济界"},
		{"姓名": "丁", "身份证号": fx.zhangIDNumber, "界别": "经济界"},
		{"姓名": "戊", "界别": "经济界", "职务": "主持人"},
	})
	res := c.upload("/members/import", fields, "名册.xlsx", bad)
	page = body(res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad roster: %d\n%s", res.StatusCode, page)
	}
	for _, want := range []string{"行号", "原因", "未导入任何委员", "界别“文艺界”不存在。可选：教育界、经济界",
		"身份证号校验位不正确", "该身份证号已登记为本会委员"} {
		if !strings.Contains(page, want) {
			t.Errorf("error table lacks %q", want)
		}
	}
	for _, line := range []string{"3", "4", "5", "6"} {
		if !strings.Contains(page, `<td class="num">`+line+`</td>`) {
			t.Errorf("error table lacks row %s", line)
		}
	}
	if strings.Contains(page, `<td class="num">2</td>`) {
		t.Errorf("the good row is listed as an error")
	}
	if _, total, _ := e.db.FindMembers(ctx, fx.countyAActor, store.MemberFilter{}); total != 1 {
		t.Fatalf("refused roster wrote members: %d in county A", total)
	}
	// Not a workbook, and not .xlsx.
	res = c.upload("/members/import", fields, "名册.xlsx", []byte("not a zip"))
	if page := body(res); res.StatusCode != 422 || !strings.Contains(page, "名册文件") {
		t.Fatalf("garbage file: %d\n%s", res.StatusCode, page)
	}
	res = c.upload("/members/import", fields, "名册.xls", bad)
	if page := body(res); res.StatusCode != 422 || !strings.Contains(page, "请上传 .xlsx 格式") {
		t.Fatalf(".xls file: %d", res.StatusCode)
	}
	// County B's term is not county A's.
	res = c.upload("/members/import", url.Values{"committee_id": {id(e.countyA.ID)}, "term_id": {id(fx.termB.ID)}}, "名册.xlsx", bad)
	if res.StatusCode != 422 {
		t.Fatalf("foreign term: %d", res.StatusCode)
	}

	var good []map[string]string
	for i := range 250 {
		r := map[string]string{"姓名": fmt.Sprintf("新委员%03d", i), "身份证号": idNumber(1000 + i), "界别": "教育界",
			"手机号": fmt.Sprintf("1390000%04d", i)}
		switch {
		case i == 0:
			r["职务"], r["任职开始日期"], r["专门委员会"] = "副主席", "2023-03-01", "提案委员会"
		case i < 5:
			r["职务"], r["界别"] = "常委", "经济界"
		}
		good = append(good, r)
	}
	res = c.upload("/members/import", fields, "东阿县政协名册.xlsx", rosterFile(t, good))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("good roster: %d\n%s", res.StatusCode, body(res))
	}
	job := res.Header.Get("Location")
	if !strings.HasPrefix(job, "/members/import/jobs/") {
		t.Fatalf("redirect to %q", job)
	}
	status, page = c.get(job)
	if status != 200 || !(strings.Contains(page, "<progress") || strings.Contains(page, "已导入")) {
		t.Fatalf("job page: %d\n%s", status, page)
	}
	if strings.Contains(page, "<progress") && (!strings.Contains(page, `http-equiv="refresh"`) ||
		!strings.Contains(page, `data-progress-url="`+job+`.json"`)) {
		t.Errorf("running job page neither refreshes nor names its progress URL")
	}
	var p struct {
		Status    string `json:"status"`
		RowsDone  int    `json:"rows_done"`
		RowsTotal int    `json:"rows_total"`
		Message   string `json:"message"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, raw := c.get(job + ".json")
		if status != 200 || json.Unmarshal([]byte(raw), &p) != nil {
			t.Fatalf("progress: %d %s", status, raw)
		}
		if p.RowsTotal != 250 {
			t.Fatalf("progress total = %d", p.RowsTotal)
		}
		if p.Status != store.JobRunning || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if p.Status != store.JobDone || p.RowsDone != 250 {
		t.Fatalf("import ended %+v", p)
	}
	_, page = c.get(job)
	if !strings.Contains(page, "已导入 250 名委员") || !strings.Contains(page, "/members?committee_id="+id(e.countyA.ID)) ||
		strings.Contains(page, `http-equiv="refresh"`) {
		t.Fatalf("finished job page:\n%s", page)
	}
	list, total, err := e.db.FindMembers(ctx, fx.countyAActor, store.MemberFilter{TermID: fx.termA.ID, Limit: 300})
	if err != nil || total != 251 {
		t.Fatalf("after import: %d members, %v", total, err)
	}
	roles := map[string]int{}
	for _, m := range list {
		for _, r := range m.Roles {
			roles[string(r.Kind)+"/"+m.SectorName]++
		}
	}
	if roles["vice_chair/教育界"] != 1 || roles["standing/经济界"] != 4 {
		t.Fatalf("imported roles by sector = %v", roles)
	}
	// Jobs are scoped: county B's office cannot see county A's.
	b := e.login("office-b")
	if status, _ := b.get(job); status != 404 {
		t.Errorf("office-b sees the job page: %d", status)
	}
	if status, raw := b.get(job + ".json"); status != 404 || !strings.Contains(raw, `"code":"not_found"`) {
		t.Errorf("office-b sees the job's progress: %d %s", status, raw)
	}
	entries, n, _ := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "import", Limit: 5})
	if n != 1 || !strings.Contains(entries[0].Summary, "250") {
		t.Errorf("import audit = %+v", entries)
	}
}

func TestMemberTemplateAndExport(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	ctx := context.Background()
	if _, err := e.db.AddRole(ctx, app.System, fx.zhang.ID, member.RoleInput{TermID: fx.termA.ID, Kind: member.Standing,
		StartDate: app.MustDate("2022-01-01")}); err != nil {
		t.Fatal(err)
	}
	c := e.login("office-a")
	get := func(path string) (*http.Response, []byte) {
		res, err := c.http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, tpl := get("/members/template.xlsx")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Fatalf("template: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if rows, _, err := roster.Parse(bytes.NewReader(tpl), app.DateOf(time.Now()), 10); err != nil || len(rows) != 1 {
		t.Fatalf("template parses to %d rows: %v", len(rows), err)
	}
	res, file := get("/members/export.xlsx?term_id=" + id(fx.termA.ID))
	cd := res.Header.Get("Content-Disposition")
	if res.StatusCode != 200 || !strings.Contains(cd, "attachment") ||
		!strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("甲县政协委员名册")) {
		t.Fatalf("export: %d %q", res.StatusCode, cd)
	}
	rows, rowErrs, err := roster.Parse(bytes.NewReader(file), app.DateOf(time.Now()), 100)
	if err != nil || len(rowErrs) != 0 || len(rows) != 1 {
		t.Fatalf("export parses to %d rows, %v, %v", len(rows), rowErrs, err)
	}
	r := rows[0]
	if r.Member.Name != "张三" || r.Member.Phone != fx.zhangPhone || r.Member.IDNumber != fx.zhangIDNumber ||
		r.Sector != "教育界" || r.Role != member.Standing || r.RoleStart != app.MustDate("2022-01-01") {
		t.Fatalf("exported row = %+v", r)
	}
	if strings.Contains(string(file), "李四") {
		t.Fatalf("export contains another county's member")
	}
	entries, n, _ := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "export", Limit: 5})
	if n != 1 || !strings.Contains(entries[0].Summary, "1名") || entries[0].OrgPath != e.countyA.Path {
		t.Fatalf("export audit = %+v", entries)
	}
	// County B's export has only 李四.
	res, err = e.login("office-b").http.Get(e.srv.URL + "/members/export.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rows, _, err = roster.Parse(res.Body, app.DateOf(time.Now()), 100)
	if err != nil || len(rows) != 1 || rows[0].Member.Name != "李四" {
		t.Fatalf("county B export: %+v %v", rows, err)
	}
}

func TestMemberAPI(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	c := e.login("office-a")
	var m member.Member
	status := c.api("POST", "/api/v1/members", map[string]any{"committee_id": e.countyA.ID, "name": "孙七",
		"id_number": idNumber(9), "phone": "13600000000", "birth_date": app.DateOf(time.Date(1968, 5, 4, 0, 0, 0, 0, time.UTC)).String()}, &m)
	if status != http.StatusCreated || m.ID == 0 || m.Name != "孙七" || m.Status != member.Serving {
		t.Fatalf("create: %d %+v", status, m)
	}
	var fail struct {
		Error struct {
			Code   string          `json:"code"`
			Fields app.FieldErrors `json:"fields"`
		} `json:"error"`
	}
	status = c.api("POST", "/api/v1/members", map[string]any{"committee_id": e.countyA.ID, "name": "孙七二", "id_number": idNumber(9)}, &fail)
	if status != 422 || fail.Error.Fields.Get("id_number") != "该身份证号已登记为本会委员" {
		t.Fatalf("duplicate: %d %+v", status, fail)
	}
	mid := id(m.ID)
	// PATCH changes only what it names.
	status = c.api("PATCH", "/api/v1/members/"+mid, map[string]any{"workplace": "甲县农业局"}, &m)
	if status != 200 || m.Workplace != "甲县农业局" || m.Phone != "13600000000" {
		t.Fatalf("patch: %d %+v", status, m)
	}
	var seat member.TermMembership
	status = c.api("POST", "/api/v1/members/"+mid+"/memberships", map[string]any{"term_id": fx.termA.ID, "sector_id": fx.econA.ID}, &seat)
	if status != 201 || seat.SectorName != "经济界" || seat.StartDate != fx.termA.StartDate {
		t.Fatalf("seat: %d %+v", status, seat)
	}
	var role member.Role
	status = c.api("POST", "/api/v1/members/"+mid+"/roles", map[string]any{"term_id": fx.termA.ID, "kind": "standing", "start_date": "2022-06-01"}, &role)
	if status != 201 || role.Kind != member.Standing {
		t.Fatalf("role: %d %+v", status, role)
	}
	var list struct {
		Items []member.Member `json:"items"`
		Total int             `json:"total"`
	}
	if status := c.api("GET", "/api/v1/members?role=standing&sector_id="+id(fx.econA.ID), nil, &list); status != 200 ||
		list.Total != 1 || list.Items[0].Name != "孙七" || list.Items[0].SectorName != "经济界" || len(list.Items[0].Roles) != 1 {
		t.Fatalf("list: %d %+v", status, list)
	}
	if status := c.api("GET", "/api/v1/members?role=boss", nil, &fail); status != 422 || fail.Error.Fields.Get("role") == "" {
		t.Fatalf("bad role filter: %d %+v", status, fail)
	}
	var detail struct {
		member.Member
		Memberships []member.TermMembership `json:"memberships"`
	}
	if status := c.api("GET", "/api/v1/members/"+mid, nil, &detail); status != 200 || len(detail.Memberships) != 1 || len(detail.Roles) != 1 {
		t.Fatalf("detail: %d %+v", status, detail)
	}
	status = c.api("POST", "/api/v1/roles/"+id(role.ID)+"/end", map[string]any{"end_date": "2024-01-01"}, &role)
	if status != 200 || role.EndDate != app.MustDate("2024-01-01") {
		t.Fatalf("end role: %d %+v", status, role)
	}
	status = c.api("POST", "/api/v1/roles/"+id(role.ID)+"/end", map[string]any{"end_date": "2024-02-01"}, &fail)
	if status != 409 {
		t.Fatalf("end twice: %d", status)
	}
	// County B sees none of it.
	b := e.login("office-b")
	for _, p := range []string{"/api/v1/members/" + mid, "/api/v1/members/" + mid + "/memberships", "/api/v1/members/" + mid + "/roles"} {
		if status := b.api("GET", p, nil, &fail); status != 404 {
			t.Errorf("office-b GET %s: %d", p, status)
		}
	}
	if status := b.api("POST", "/api/v1/roles/"+id(role.ID)+"/end", map[string]any{"end_date": "2024-02-01"}, &fail); status != 404 {
		t.Errorf("office-b ends county A's role: %d", status)
	}
	if status := b.api("GET", "/api/v1/members", nil, &list); status != 200 || list.Total != 1 || list.Items[0].Name != "李四" {
		t.Errorf("office-b list: %d %+v", status, list)
	}
}
