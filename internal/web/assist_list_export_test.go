package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/store"
)

// The cadres, pairings and problems lists export what their pages show,
// with the pages' filters, phones masked, dates as dates; each export is
// audited; a member's account gets what the page gives it (403).
func TestAssistListExports(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	office := app.Actor{AccountID: 1, Name: "办公室", Role: "office", OrgID: e.countyA.ID, Path: e.countyA.Path, CommitteeID: e.countyA.ID}
	cadre, err := e.db.CreateCadre(ctx, office, store.CadreInput{OrgID: e.countyA.ID, Name: "王干部", Post: "科员", Phone: "13912345678"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := e.db.CreateHousehold(ctx, office, store.HouseholdInput{OrgID: e.village.ID, HeadName: "李大爷", Address: "甲村1号",
		RegisteredOn: app.MustDate("2025-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreatePairing(ctx, office, store.PairingInput{CadreID: cadre.ID, HouseholdID: h.ID, StartsOn: app.MustDate("2025-02-01")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateProblem(ctx, office, store.ProblemInput{HouseholdID: h.ID, Category: "就医", Description: "需要办理慢病卡",
		RaisedOn: app.MustDate("2025-03-05")}); err != nil {
		t.Fatal(err)
	}
	// A visit's own address opens its household's page for those who read
	// assistance; another county gets 404, a member's account 403.
	v, err := e.db.AddAssistVisit(ctx, office, store.AssistVisitInput{CadreID: cadre.ID, HouseholdID: h.ID,
		VisitedOn: app.MustDate("2025-03-05"), Seen: "身体尚可"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("office-a")
	res, err := c.http.Get(e.srv.URL + "/visits/" + app.Itoa(v.ID))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/households/"+app.Itoa(h.ID)+"?purpose=") {
		t.Errorf("visit link: %d %s", res.StatusCode, loc)
	}
	if st, _ := e.login("office-b").get("/visits/" + app.Itoa(v.ID)); st != http.StatusNotFound {
		t.Errorf("another county's visit: %d", st)
	}
	st, rows := c.fetchXLSX("/cadres.xlsx")
	if st != http.StatusOK || len(rows) != 1 || rows[0][1] != "王干部" || strings.Contains(rows[0][4], "12345678") || rows[0][5] != "1" {
		t.Errorf("cadres: %d %q", st, rows)
	}
	st, rows = c.fetchXLSX("/pairings.xlsx")
	if st != http.StatusOK || len(rows) != 1 || rows[0][3] != "王干部" || rows[0][6] != "2025-02-01" {
		t.Errorf("pairings: %d %q", st, rows)
	}
	st, rows = c.fetchXLSX("/problems.xlsx?status=open")
	if st != http.StatusOK || len(rows) != 1 || rows[0][2] != "需要办理慢病卡" || rows[0][7] != "2025-03-05" {
		t.Errorf("problems: %d %q", st, rows)
	}
	if st, rows := c.fetchXLSX("/problems.xlsx?status=solved"); st != http.StatusOK || len(rows) != 0 {
		t.Errorf("solved problems (filter): %d %q", st, rows)
	}
	for _, page := range []string{"/cadres", "/pairings", "/problems?status=open"} {
		link := strings.Replace(page, "?", ".xlsx?", 1)
		if !strings.Contains(link, ".xlsx") {
			link += ".xlsx"
		}
		if _, b := c.get(page); !strings.Contains(b, `href="`+link+`"`) {
			t.Errorf("%s lacks its export link %s", page, link)
		}
	}
	es, _, err := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "export", Entity: "problems"})
	if err != nil || len(es) != 2 {
		t.Errorf("problem exports audited: %d %v", len(es), err)
	}
	if st, _ := e.login("unit-a").fetchXLSX("/problems.xlsx"); st != http.StatusForbidden {
		t.Errorf("a unit's account: %d", st)
	}
}

// The organisations and the campaigns export what their pages list.
func TestOrgAndCampaignExports(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	st, rows := c.fetchXLSX("/orgs.xlsx")
	names := strings.Join(column(rows, 1), ",")
	if st != http.StatusOK || names != "甲县政协,甲镇,甲村" {
		t.Errorf("county A's organisations: %d %q", st, rows)
	}
	if st, rows := c.fetchXLSX("/orgs.xlsx?q=" + "甲村"); st != http.StatusOK || len(rows) != 1 || rows[0][3] != "村(社区)" {
		t.Errorf("name search: %d %q", st, rows)
	}
	if st, _ := c.fetchXLSX("/campaigns.xlsx"); st != http.StatusOK {
		t.Errorf("campaigns: %d", st)
	}
	for page, link := range map[string]string{"/orgs": `href="/orgs.xlsx"`, "/campaigns": `href="/campaigns.xlsx"`} {
		if _, b := c.get(page); !strings.Contains(b, link) {
			t.Errorf("%s lacks its export link", page)
		}
	}
}

// The 履职活动 and visit campaigns export what their pages list.
func TestActivityAndVisitCampaignExports(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	office := app.Actor{AccountID: 1, Name: "办公室", Role: "office", OrgID: e.countyA.ID, Path: e.countyA.Path, CommitteeID: e.countyA.ID}
	if _, err := e.db.CreateActivity(ctx, office, store.ActivityInput{OrgID: e.countyA.ID, Kind: "investment", Title: "赴沿海招商考察",
		StartsOn: app.MustDate("2025-05-06"), EndsOn: app.MustDate("2025-05-08"),
		Figures: []store.ActivityFigure{{Name: "考察企业", Value: 12}}, Others: []store.ActivityPersonInput{{Name: "县商务局长"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateVisitCampaign(ctx, office, store.VisitCampaignInput{OrgID: e.countyA.ID, Title: "冬季遍访",
		StartsOn: app.MustDate("2025-12-01"), EndsOn: app.MustDate("2025-12-31")}); err != nil {
		t.Fatal(err)
	}
	c := e.login("office-a")
	st, rows := c.fetchXLSX("/activities.xlsx?year=2025")
	if st != http.StatusOK || len(rows) != 1 || rows[0][1] != "赴沿海招商考察" || rows[0][4] != "2025-05-06" ||
		rows[0][8] != "县商务局长" || rows[0][9] != "考察企业：12" {
		t.Errorf("activities: %d %q", st, rows)
	}
	if st, rows := c.fetchXLSX("/activities.xlsx?year=2024"); st != http.StatusOK || len(rows) != 0 {
		t.Errorf("activities of 2024: %d %q", st, rows)
	}
	st, rows = c.fetchXLSX("/visit-campaigns.xlsx")
	if st != http.StatusOK || len(rows) != 1 || rows[0][1] != "冬季遍访" || rows[0][9] != "未发现问题" {
		t.Errorf("visit campaigns: %d %q", st, rows)
	}
	for page, link := range map[string]string{"/activities?year=2025": `href="/activities.xlsx?year=2025"`,
		"/visit-campaigns": `href="/visit-campaigns.xlsx"`} {
		if _, b := c.get(page); !strings.Contains(b, link) {
			t.Errorf("%s lacks its export link", page)
		}
	}
}
