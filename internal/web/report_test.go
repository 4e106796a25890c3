package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/xlsx"
)

// reportEnv is the fixture tree with county A's first term, a sector and
// two members in it (钱委 with an account, 孙委), and 吴委 without a seat.
func reportEnv(t *testing.T) (*env, map[string]member.Member) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	term, err := e.db.CreateTerm(ctx, app.System, e.countyA.ID, org.TermInput{Number: 1, StartDate: app.MustDate("2021-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	econ, err := e.db.CreateSector(ctx, app.System, e.countyA.ID, org.NamedInput{Name: "经济界"})
	if err != nil {
		t.Fatal(err)
	}
	ms := map[string]member.Member{}
	for _, name := range []string{"钱委", "孙委"} {
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name},
			&member.MembershipInput{TermID: term.ID, SectorID: econ.ID, StartDate: term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		ms[name] = m
	}
	if ms["吴委"], err = e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "吴委"}); err != nil {
		t.Fatal(err)
	}
	a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "wy-qian", DisplayName: "钱委",
		Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: ms["钱委"].ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	return e, ms
}

// TestReportForms: a member submits a report with a co-author (the form
// without a title comes back with the reason and what was typed); the
// office adopts it at city level with an instruction (a second adoption at
// the level is refused on the page), a member cannot adopt, another county
// cannot see it; the figures page and workbook count it.
func TestReportForms(t *testing.T) {
	e, ms := reportEnv(t)
	ctx := context.Background()
	mc := e.login("wy-qian")
	if code, page := mc.get("/reports/new"); code != http.StatusOK || !strings.Contains(page, "本人为第一作者") {
		t.Fatalf("new form: %d\n%s", code, page)
	}
	res := mc.post("/reports", url.Values{"body": {"农村留守老人多，养老服务设施不足。"}, "authors": {"孙委"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写信息标题") ||
		!strings.Contains(b, "农村留守老人多") {
		t.Fatalf("missing title: %d\n%s", res.StatusCode, b)
	}
	res = mc.post("/reports", url.Values{"title": {"关于加强农村养老服务的建议"}, "body": {"农村留守老人多。"},
		"authors": {"查无此人"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "没有名为“查无此人”的委员") {
		t.Fatalf("unknown co-author: %d\n%s", res.StatusCode, b)
	}
	res = mc.post("/reports", url.Values{"title": {"关于加强农村养老服务的建议"}, "body": {"农村留守老人多。"},
		"authors": {"孙委\n"}, "category": {"社会民生"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", res.StatusCode, body(res))
	}
	loc := res.Header.Get("Location")
	rid, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(loc, "?")[0], "/reports/"), 10, 64)
	r1, err := e.db.FindReportByID(ctx, app.System, rid)
	if err != nil || r1.AuthorNames() != "钱委、孙委" || r1.Category != "社会民生" {
		t.Fatalf("submitted: %+v %v", r1, err)
	}
	if code, page := mc.get(loc); code != http.StatusOK || !strings.Contains(page, "关于加强农村养老服务的建议") ||
		strings.Contains(page, "登记采用") {
		t.Fatalf("member's report page: %d\n%s", code, page)
	}

	// The office submits one for a member without a seat, alone.
	oc := e.login("office-a")
	res = oc.post("/reports", url.Values{"title": {"城区停车难"}, "body": {"老城区停车位缺口大。"}, "authors": {"吴委"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("office submits: %d %s", res.StatusCode, body(res))
	}

	// A member cannot adopt; the office can, once per level.
	today := time.Now().In(e.db.Loc).Format("2006-01-02")
	adopt := func() url.Values { // a fresh form each time: post adds the client's CSRF token
		return url.Values{"level": {"city"}, "adopted_on": {today}, "adopted_by": {"市政协办公室《社情民意》第5期"},
			"leader": {"王市长"}, "instruction": {"请市民政局研究落实。"}}
	}
	path := "/reports/" + id(rid)
	if res := mc.post(path+"/adopt", adopt()); res.StatusCode != http.StatusForbidden {
		t.Fatalf("member adopts: %d", res.StatusCode)
	}
	if code, page := oc.get(path); code != http.StatusOK || !strings.Contains(page, "登记采用") || !strings.Contains(page, "报送上级") {
		t.Fatalf("office's report page: %d\n%s", code, page)
	}
	noBody := url.Values{"level": {"city"}, "adopted_on": {today}, "leader": {"王市长"}}
	if res := oc.post(path+"/adopt", noBody); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("adopt without body: %d", res.StatusCode)
	} else if b := body(res); !strings.Contains(b, "请填写采用单位") || !strings.Contains(b, "请填写批示内容") ||
		!strings.Contains(b, `value="王市长"`) {
		t.Fatalf("adopt without body:\n%s", b)
	}
	if res := oc.post(path+"/adopt", adopt()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adopt: %d %s", res.StatusCode, body(res))
	}
	if res := oc.post(path+"/adopt", adopt()); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body(res), "同一级别只登记一次") {
		t.Fatalf("adopt twice: %d", res.StatusCode)
	}
	if _, page := oc.get(path); !strings.Contains(page, "王市长") || !strings.Contains(page, "市级采用") {
		t.Fatalf("adopted page:\n%s", page)
	}
	ev, _, _ := e.db.FindDutyEvents(ctx, app.System, store.DutyFilter{MemberID: ms["孙委"].ID, Kind: store.DutyReportCity})
	if len(ev) != 1 || ev[0].Share != 2 {
		t.Fatalf("duty of the co-author: %+v", ev)
	}

	// Another county sees nothing of it.
	if code, _ := e.login("office-b").get(path); code != http.StatusNotFound {
		t.Fatalf("county B reads: %d", code)
	}

	// The list and its counts.
	if code, page := oc.get("/reports?state=adopted"); code != http.StatusOK || !strings.Contains(page, "关于加强农村养老服务的建议") ||
		strings.Contains(page, "城区停车难") || !strings.Contains(page, "已采用 1") {
		t.Fatalf("list:\n%s", page)
	}

	// The figures.
	year := strconv.Itoa(time.Now().In(e.db.Loc).Year())
	code, page := oc.get("/reports/stats?year=" + year)
	if code != http.StatusOK || !strings.Contains(page, "社情民意信息统计") || !strings.Contains(page, "经济界") ||
		!strings.Contains(page, "未分界别") {
		t.Fatalf("stats page: %d\n%s", code, page)
	}
	if code, _ := mc.get("/reports/stats"); code != http.StatusForbidden {
		t.Fatalf("member reads the figures: %d", code)
	}
	res2, err := oc.http.Get(e.srv.URL + "/reports/stats.xlsx?year=" + year)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	rows, err := xlsx.ReadFirstSheet(res2.Body, 100, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range rows[2:] {
		got[strings.TrimSpace(r[0])] = r[1:]
	}
	for label, want := range map[string]string{"报送信息": "2", "被采用（条）": "1", "市级采用": "1", "县级采用": "0", "未采用": "0"} {
		if len(got[label]) == 0 || got[label][0] != want {
			t.Errorf("workbook %s = %v, want %s (%v)", label, got[label], want, rows)
		}
	}
	if got["市级采用"][1] != "1" || got["采用（次）"][1] != "1" {
		t.Errorf("instructions: %v", rows)
	}
}

// TestReportAPI: the JSON API lists, shows and adopts.
func TestReportAPI(t *testing.T) {
	e, ms := reportEnv(t)
	mc := e.login("wy-qian")
	var created store.Report
	if code := mc.api("POST", "/api/v1/reports", map[string]any{"title": "小区噪音扰民", "body": "夜间施工。",
		"authors": []map[string]any{{"member_id": ms["孙委"].ID}, {"name": "街道办小李"}}}, &created); code != http.StatusCreated ||
		created.AuthorNames() != "钱委、孙委、街道办小李" {
		t.Fatalf("create: %d %+v", code, created)
	}
	var list struct {
		Items []store.Report `json:"items"`
		Total int            `json:"total"`
	}
	if code := mc.api("GET", "/api/v1/reports", nil, &list); code != http.StatusOK || list.Total != 1 {
		t.Fatalf("list: %d %+v", code, list)
	}
	// A role that may not write reports is refused before its body is read:
	// an empty body from a leader is 403, not 400.
	if code := e.login("leader-a").api("POST", "/api/v1/reports", nil, nil); code != http.StatusForbidden {
		t.Errorf("a leader's empty report: %d, want 403", code)
	}
	var fail struct {
		Error struct {
			Code   string          `json:"code"`
			Fields app.FieldErrors `json:"fields"`
		} `json:"error"`
	}
	path := "/api/v1/reports/" + id(created.ID)
	today := time.Now().In(e.db.Loc).Format("2006-01-02")
	if code := mc.api("POST", path+"/adoptions", map[string]any{"level": "county", "adopted_on": today,
		"adopted_by": "县政协《社情民意》第1期"}, &fail); code != http.StatusForbidden {
		t.Fatalf("member adopts: %d", code)
	}
	oc := e.login("office-a")
	if code := oc.api("POST", path+"/adoptions", map[string]any{"level": "county", "adopted_on": today}, &fail); code != http.StatusUnprocessableEntity ||
		fail.Error.Fields.Get("adopted_by") == "" {
		t.Fatalf("adopt without body: %d %+v", code, fail)
	}
	var ad store.ReportAdoption
	if code := oc.api("POST", path+"/adoptions", map[string]any{"level": "county", "adopted_on": today,
		"adopted_by": "县政协《社情民意》第1期"}, &ad); code != http.StatusCreated || ad.Level != "county" {
		t.Fatalf("adopt: %d %+v", code, ad)
	}
	var got store.Report
	if code := e.login("office-b").api("GET", path, nil, &fail); code != http.StatusNotFound {
		t.Fatalf("county B reads: %d", code)
	}
	if code := mc.api("GET", path, nil, &got); code != http.StatusOK || len(got.Adoptions) != 1 || got.State != "adopted" {
		t.Fatalf("show: %d %+v", code, got)
	}
}
