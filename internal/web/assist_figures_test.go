package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/store"
	"xieshang/internal/xlsx"
)

func TestAssistFiguresPage(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	code, page := c.get("/assist?year=2026&quarter=1&who=" + "县政协")
	if code != http.StatusOK || !strings.Contains(page, "统计期间：2026-01 至 2026-03") ||
		!strings.Contains(page, "县政协0名结对帮扶干部") || !strings.Contains(page, "甲县政协") {
		t.Fatalf("figures page: %d\n%s", code, page)
	}
	if code, page := c.get("/assist?from=2026-00&to=2026-03"); code != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "统计期间的月份格式应为") {
		t.Errorf("bad period: %d", code)
	}
	// The default is the whole current quarter, whichever month it is.
	if code, page := c.get("/assist"); code != http.StatusOK || !strings.Contains(page, "统计期间：") {
		t.Errorf("default period: %d", code)
	}
	var af store.AssistFigures
	if code := c.api("GET", "/api/v1/assist/figures?from=2026-04&to=2026-06", nil, &af); code != 200 ||
		af.OrgName != "甲县政协" || af.Period.To != "2026-06" {
		t.Errorf("api: %d %+v", code, af)
	}
	// Members and handling units have no assistance figures.
	if code, _ := e.login("unit-a").get("/assist"); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("unit reads /assist: %d", code)
	}
	if code, _ := e.login("cadre-a").get("/assist"); code != http.StatusOK {
		t.Errorf("cadre reads /assist: %d", code)
	}
}

// Records entered through the store's own functions show on the figures
// page as the report's sentence, and in the workbook.
func TestAssistFiguresFromRecords(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := app.Actor{AccountID: 1, Name: "测试", Role: "office", OrgID: e.countyA.ID, Path: e.countyA.Path, CommitteeID: e.countyA.ID}
	today := e.db.Today()
	start := app.DateOf(today.Time(e.db.Loc).AddDate(0, 0, -int(today.D)+1)) // the first of this month
	cadre, err := e.db.CreateCadre(ctx, a, store.CadreInput{OrgID: e.countyA.ID, Name: "张干部", Post: "科员"})
	if err != nil {
		t.Fatal(err)
	}
	hh, err := e.db.CreateHousehold(ctx, a, store.HouseholdInput{OrgID: e.village.ID, HeadName: "李奶奶", RegisteredOn: start})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddHouseholdPerson(ctx, a, hh.ID, store.PersonInput{Name: "李奶奶", Relation: "户主",
		Categories: []string{"elder80"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreatePairing(ctx, a, store.PairingInput{CadreID: cadre.ID, HouseholdID: hh.ID, StartsOn: start}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddAssistVisit(ctx, a, store.AssistVisitInput{CadreID: cadre.ID, HouseholdID: hh.ID, VisitedOn: today,
		Seen: "身体尚可", Aid: []store.AidInput{{Item: "米面油", Quantity: "1份", Yuan: "2136"}}}, nil); err != nil {
		t.Fatal(err)
	}
	pr, err := e.db.CreateProblem(ctx, a, store.ProblemInput{HouseholdID: hh.ID, Category: "housing", Description: "屋顶漏雨",
		RaisedOn: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ChangeProblem(ctx, a, pr.ID, store.ProblemChange{Status: assist.ProblemSolved, Resolution: "已维修",
		ResolvedOn: today}); err != nil {
		t.Fatal(err)
	}
	c := e.login("office-a")
	month := today.Time(time.UTC).Format("2006-01")
	want := "县政协1名结对帮扶干部，“一对一”结对帮扶80岁以上老人1户1人。至目前，帮助解决急难愁盼问题1件，" +
		"慰问物资价值2000余元，实现结对全覆盖、走访全覆盖、慰问全覆盖。"
	code, page := c.get("/assist?from=" + month + "&to=" + month + "&who=县政协")
	if code != http.StatusOK || !strings.Contains(page, want) || !strings.Contains(page, "2136.00") {
		t.Fatalf("figures page: %d\n%s", code, page)
	}
	res, err := c.http.Get(e.srv.URL + "/assist/figures.xlsx?from=" + month + "&to=" + month + "&who=县政协")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rows, err := xlsx.ReadFirstSheet(res.Body, 100, 20)
	sentence := false
	for _, r := range rows {
		sentence = sentence || len(r) > 0 && r[0] == want
	}
	if err != nil || len(rows) < 4 || rows[2][0] != "甲县政协" || rows[2][3] != "1" || !sentence {
		t.Errorf("workbook: %v %v", rows, err)
	}
}

// Exporting households' personal data needs the permission and a reason,
// is logged, and names the exporter in the file; numbers are masked unless
// asked for in full.
func TestHouseholdExport(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := app.Actor{AccountID: 1, Name: "测试", Role: "office", OrgID: e.countyA.ID, Path: e.countyA.Path, CommitteeID: e.countyA.ID}
	hh, err := e.db.CreateHousehold(ctx, a, store.HouseholdInput{OrgID: e.village.ID, HeadName: "王大爷", Phone: "13912345678",
		RegisteredOn: e.db.Today()})
	if err != nil {
		t.Fatal(err)
	}
	id := "11010519491231002X"
	if _, err := e.db.AddHouseholdPerson(ctx, a, hh.ID, store.PersonInput{Name: "王大爷", Relation: "户主", IDNumber: id,
		Categories: []string{"elder80"}}); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.login("leader-a").get("/households/export"); code != http.StatusForbidden {
		t.Errorf("leader opens the export: %d", code)
	}
	c := e.login("office-a")
	if code, page := c.get("/households/export"); code != http.StatusOK || !strings.Contains(page, "导出用途") {
		t.Fatalf("export form: %d", code)
	}
	res := c.post("/households/export", map[string][]string{"reason": {""}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写导出用途") {
		t.Fatalf("export without a reason: %d", res.StatusCode)
	}
	read := func(full string) [][]string {
		t.Helper()
		res := c.post("/households/export", map[string][]string{"reason": {"报县民政局核对"}, "full": {full}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("export: %d %s", res.StatusCode, body(res))
		}
		rows, err := xlsx.ReadFirstSheet(res.Body, 100, 20)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := read("")
	if !strings.Contains(rows[0][0], "导出人：office-a（office-a）") || !strings.Contains(rows[0][0], "用途：报县民政局核对") ||
		rows[2][1] != "王大爷" || rows[2][9] != "110105********002X" || rows[2][3] != "139****5678" {
		t.Errorf("masked export: %v", rows)
	}
	rows = read("1")
	if rows[2][9] != id || rows[2][3] != "13912345678" {
		t.Errorf("full export: %v", rows[2])
	}
	logs, _, err := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "household_export"})
	if err != nil || len(logs) != 2 || !strings.Contains(logs[0].Summary, "报县民政局核对") {
		t.Errorf("export audit: %d %v", len(logs), err)
	}
}

// A problem closed without a resolution comes back on the list page with
// the reason and what was typed; nothing changes.
func TestProblemStatusFormErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := app.Actor{AccountID: 1, Name: "测试", Role: "office", OrgID: e.countyA.ID, Path: e.countyA.Path, CommitteeID: e.countyA.ID}
	hh, err := e.db.CreateHousehold(ctx, a, store.HouseholdInput{OrgID: e.village.ID, HeadName: "赵大娘", RegisteredOn: e.db.Today()})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := e.db.CreateProblem(ctx, a, store.ProblemInput{HouseholdID: hh.ID, Category: "housing", Description: "屋顶漏雨",
		RaisedOn: e.db.Today()})
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("office-a")
	res := c.post("/problems/"+id(pr.ID)+"/status", map[string][]string{"status": {"solved"}, "resolved_on": {e.db.Today().String()}})
	b := body(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写解决情况") ||
		!strings.Contains(b, `value="`+e.db.Today().String()+`"`) || !strings.Contains(b, "屋顶漏雨") {
		t.Fatalf("closed without a resolution: %d\n%s", res.StatusCode, b)
	}
	got, _ := e.db.FindProblemByID(ctx, a, pr.ID)
	if got.Status != assist.ProblemOpen {
		t.Errorf("status changed to %s", got.Status)
	}
	if res := c.post("/problems/999999/status", map[string][]string{"status": {"solved"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown problem: %d", res.StatusCode)
	}
}

// A refused handover comes back on the pairings page with its reason.
func TestPairingFormErrors(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	res := c.post("/pairings/0/handover", map[string][]string{"pairing_id": {"999999"}, "to_cadre_id": {"1"}, "on": {"2026-01-01"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown pairing: %d", res.StatusCode)
	}
	res = c.post("/cadres", map[string][]string{"org_id": {id(e.countyA.ID)}, "name": {""}, "phone": {"12ab"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "登记帮扶干部") ||
		!strings.Contains(b, `value="12ab"`) {
		t.Errorf("bad cadre: %d\n%s", res.StatusCode, b)
	}
}
