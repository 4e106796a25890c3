package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/demo"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// The dashboard of the demo city: the page, the workbook and the API show
// the figures the store counts (themselves checked against SQL in the
// store's tests); a county's office cannot open the city; a member has no
// dashboard; a custom period needs its days.
func TestDashboardDemo(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, io.Discard); err != nil {
		t.Fatal(err)
	}
	orgs, err := db.FindOrgs(ctx, app.System, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var city, county org.Org
	for _, o := range orgs {
		switch {
		case o.ParentID == 0 && city.ID == 0:
			city = o
		case o.Kind == org.County && o.IsCommittee() && county.ID == 0:
			county = o
		}
	}
	srv := httptest.NewServer(web.New(db, web.Config{}, nil))
	defer srv.Close()
	e := &env{t: t, db: db, srv: srv}
	e.account("dash-office", auth.Office, city.ID)
	e.account("dash-leader", auth.Leader, city.ID)
	e.account("dash-county", auth.Office, county.ID)
	e.account("dash-coord", auth.Coordinator, city.ID)

	d, err := db.FindDashboard(ctx, app.System, city.ID, app.MustDate("2026-01-01"), app.MustDate("2026-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Topics == 0 || d.Proposals.Submitted == 0 {
		t.Fatalf("the demo's 2026 figures are missing: %+v", d)
	}
	c := e.login("dash-office")
	q := "?org_id=" + id(city.ID) + "&period=year&year=2026"
	status, page := c.get("/dashboard" + q)
	if status != 200 {
		t.Fatalf("/dashboard %d\n%s", status, page)
	}
	for _, want := range []string{
		"2026年，" + city.WrittenName(),
		fmt.Sprintf("开展协商议题%d个", d.Topics),
		fmt.Sprintf("收到提案%d件，立案%d件", d.Proposals.Submitted, d.Proposals.Filed),
		fmt.Sprintf("<th scope=\"row\">协商议题（个）</th><td class=\"num\">%d</td>", d.Topics),
		`role="img"`, "<title id=\"c-meetings-t\">各类会议召开次数</title>", "句中数字的出处", `href="/dashboard"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if _, page := c.get("/dashboard?org_id=" + id(city.ID) + "&period=month&year=2026&month=3"); !strings.Contains(page, "2026年3月") {
		t.Error("a month's dashboard is not named as the month")
	}

	// The workbook: the summary and every table, the same figures.
	res, err := c.http.Get(srv.URL + "/dashboard.xlsx" + q)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("xlsx: %v %v", err, res.StatusCode)
	}
	f, err := excelize.OpenReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.GetSheetList(), ","); !strings.HasPrefix(got, "概述,主要指标,会议,协商议题") || !strings.Contains(got, "提案与社情民意") {
		t.Errorf("sheets %s", got)
	}
	rows, _ := f.GetRows("主要指标")
	cells := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			cells[r[0]] = r[1]
		}
	}
	for name, want := range map[string]int{"协商议题（个）": d.Topics, "提案（件）": d.Proposals.Submitted,
		"立案（件）": d.Proposals.Filed, "召开会议（次）": d.Held, "社情民意信息被采用（篇）": d.ReportsAdopted} {
		if cells[name] != app.Itoa(int64(want)) {
			t.Errorf("workbook %s = %q, want %d", name, cells[name], want)
		}
	}
	rows, _ = f.GetRows("概述")
	if len(rows) < 3 || !strings.Contains(rows[2][1], fmt.Sprintf("开展协商议题%d个", d.Topics)) {
		t.Errorf("summary sheet %v", rows)
	}

	// The API.
	var out struct {
		Topics    int `json:"topics"`
		Proposals struct {
			Submitted int `json:"submitted"`
		} `json:"proposals"`
		Summary struct {
			Text    string `json:"text"`
			Figures []struct{ Name, Value, Source string }
		} `json:"summary"`
	}
	if st := c.api("GET", "/api/v1/dashboard"+q, nil, &out); st != 200 || out.Topics != d.Topics ||
		out.Proposals.Submitted != d.Proposals.Submitted || !strings.Contains(out.Summary.Text, "开展协商议题") || len(out.Summary.Figures) == 0 {
		t.Errorf("api %d %+v", st, out)
	}

	// Scope and roles.
	cc := e.login("dash-county")
	if st, _ := cc.get("/dashboard" + q); st != 404 {
		t.Errorf("a county's office opens the city: %d", st)
	}
	if st, page := cc.get("/dashboard?period=year&year=2026"); st != 200 || !strings.Contains(page, county.Name) {
		t.Errorf("the county's own dashboard: %d", st)
	}
	if st := cc.api("GET", "/api/v1/dashboard"+q, nil, nil); st != 404 {
		t.Errorf("api: a county's office reads the city: %d", st)
	}
	if st, _ := e.login("dash-leader").get("/dashboard" + q); st != 200 {
		t.Errorf("leader: %d", st)
	}
	co := e.login("dash-coord")
	if st, _ := co.get("/dashboard"); st != http.StatusForbidden {
		t.Errorf("coordinator: %d", st)
	}
	if _, home := co.get("/"); strings.Contains(home, `href="/dashboard"`) {
		t.Error("the coordinator's nav offers 统计")
	}
	if st, page := c.get("/dashboard?period=custom&from=2026-01-01"); st != http.StatusUnprocessableEntity || !strings.Contains(page, "请填写截止日期") {
		t.Errorf("custom period without its end: %d\n%s", st, page)
	}
	if st, page := c.get("/dashboard?period=custom&from=2026-06-01&to=2026-01-01"); st != http.StatusUnprocessableEntity || !strings.Contains(page, "截止日期不早于开始日期") {
		t.Errorf("custom period backwards: %d", st)
	}
}
