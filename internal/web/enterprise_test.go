package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xieshang/internal/store"
	"xieshang/internal/xlsx"
)

// rawID inserts a fixture row of a table whose store lives on another
// branch (cadres, households) and returns its id.
func (e *env) rawID(q string, args ...any) int64 {
	e.t.Helper()
	var id int64
	ctx := context.Background()
	if err := e.db.InTx(ctx, func(tx *store.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&id) }); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return id
}

func (e *env) cadre(name string, committeeID int64) int64 {
	return e.rawID(`INSERT INTO cadre (org_id, committee_id, name, post, created_at, updated_at)
		VALUES ($1, $1, $2, '县政协副主席', $3, $3) RETURNING id`, committeeID, name, time.Now().UTC())
}

func (e *env) household(orgID int64, head string) int64 {
	return e.rawID(`INSERT INTO household (org_id, committee_id, head_name, registered_on, created_at, updated_at)
		VALUES ($1, $2, $3, '2025-01-01', $4, $4) RETURNING id`, orgID, e.countyA.ID, head, time.Now().UTC())
}

func (c *client) download(path string) [][]string {
	c.t.Helper()
	res, err := c.http.Get(c.e.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	rows, err := xlsx.ReadFirstSheet(res.Body, 1000, 30)
	if err != nil {
		c.t.Fatal(err)
	}
	return rows
}

func TestEnterprisePagesAndAPI(t *testing.T) {
	e := newEnv(t)
	office := e.login("office-a")
	lead := e.cadre("李主席", e.countyA.ID)
	form := url.Values{"org_id": {id(e.town.ID)}, "name": {"<b>阿胶</b>机械厂"}, "uscc": {"91371524MA3C8PKL11"},
		"sector": {"装备制造"}, "size": {"small"}, "contact": {"王经理"}, "contact_phone": {"13812345678"}, "employees": {"86"}}
	res := office.post("/enterprises", form)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "校验位不正确") ||
		!strings.Contains(b, "&lt;b&gt;阿胶&lt;/b&gt;机械厂") {
		t.Fatalf("bad code: %d\n%s", res.StatusCode, b)
	}
	form.Set("uscc", "91371524ma3c8pkl10")
	res = office.post("/enterprises", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, body(res))
	}
	loc := res.Header.Get("Location")
	entURL := loc[:strings.Index(loc, "?")]
	res = office.post("/enterprises", form)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "已有该统一社会信用代码") {
		t.Fatalf("duplicate: %d", res.StatusCode)
	}

	_, page := office.get("/enterprises?q=" + url.QueryEscape("阿胶"))
	if !strings.Contains(page, "91371524MA3C8PKL10") || !strings.Contains(page, "&lt;b&gt;阿胶") ||
		strings.Contains(page, "<b>阿胶") || !strings.Contains(page, "13812345678") {
		t.Fatalf("ledger page:\n%s", page)
	}
	// A cadre (no member:contact) sees the phone masked; another county gets 404.
	_, page = e.login("cadre-a").get("/enterprises")
	if !strings.Contains(page, "138****5678") || strings.Contains(page, "13812345678") {
		t.Fatalf("cadre's ledger shows the phone:\n%s", page)
	}
	other := e.login("office-b")
	if st, _ := other.get(entURL); st != http.StatusNotFound {
		t.Fatalf("county B opens A's enterprise: %d", st)
	}
	if st := other.api("GET", "/api/v1"+entURL, nil, nil); st != http.StatusNotFound {
		t.Fatalf("county B API: %d", st)
	}

	// Liaison, a visit without a reason (refused), with one, a problem closed without and with a resolution.
	if res := office.post(entURL+"/liaisons", url.Values{"cadre_id": {id(lead)}, "starts_on": {"2026-01-05"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("liaison: %d %s", res.StatusCode, body(res))
	}
	res = office.post(entURL+"/visits", url.Values{"cadre_id": {id(lead)}, "visited_on": {"2026-02-01"}, "reason": {""}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写走访事由") {
		t.Fatalf("visit without reason: %d", res.StatusCode)
	}
	res = office.post(entURL+"/visits", url.Values{"cadre_id": {id(lead)}, "visited_on": {"2026-02-01"},
		"reason": {"企业反映天然气供应不足"}, "seen": {"生产线半负荷"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("visit: %d %s", res.StatusCode, body(res))
	}
	res = office.post(entURL+"/problems", url.Values{"category": {"energy"}, "description": {"天然气供应不足"},
		"department": {"县发改局"}, "raised_on": {"2026-02-01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("problem: %d %s", res.StatusCode, body(res))
	}
	var detail struct {
		Enterprise store.Enterprise       `json:"enterprise"`
		Visits     []store.LiaisonVisit   `json:"visits"`
		Problems   []store.LiaisonProblem `json:"problems"`
	}
	if st := office.api("GET", "/api/v1"+entURL, nil, &detail); st != 200 || len(detail.Visits) != 1 ||
		detail.Visits[0].Reason != "企业反映天然气供应不足" || len(detail.Problems) != 1 {
		t.Fatalf("detail %d %+v", st, detail)
	}
	pURL := entURL + "/problems/" + id(detail.Problems[0].ID) + "/status"
	res = office.post(pURL, url.Values{"status": {"solved"}, "resolved_on": {"2026-03-01"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写解决情况") {
		t.Fatalf("close without resolution: %d", res.StatusCode)
	}
	res = office.post(pURL, url.Values{"status": {"solved"}, "resolution": {"协调燃气公司增压"}, "resolved_on": {"2026-03-01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d %s", res.StatusCode, body(res))
	}
	_, page = office.get(entURL)
	for _, want := range []string{"李主席", "企业反映天然气供应不足", "天然气供应不足", "县发改局", "已解决", "协调燃气公司增压"} {
		if !strings.Contains(page, want) {
			t.Errorf("enterprise page lacks %q", want)
		}
	}

	// API: a bad code answers 422 with the field in Chinese; the export reads back.
	var apiErr struct {
		Error struct {
			Fields []struct{ Field, Message string } `json:"fields"`
		} `json:"error"`
	}
	raw := map[string]any{"name": "测试企业", "uscc": "91371524MA3C8PKL1"}
	if st := office.api("POST", "/api/v1/enterprises", raw, &apiErr); st != http.StatusUnprocessableEntity ||
		len(apiErr.Error.Fields) != 1 || apiErr.Error.Fields[0].Field != "uscc" || !strings.Contains(apiErr.Error.Fields[0].Message, "应为18位") {
		t.Fatalf("API bad code: %d %+v", st, apiErr)
	}
	var created store.Enterprise
	raw["uscc"] = "91350100M000100Y43"
	if st := office.api("POST", "/api/v1/enterprises", raw, &created); st != http.StatusCreated || created.OrgID != e.countyA.ID {
		t.Fatalf("API create: %d %+v", st, created)
	}
	rows := office.download("/enterprises.xlsx")
	found := false
	for _, r := range rows {
		if len(r) > 10 && r[1] == "<b>阿胶</b>机械厂" && r[2] == "91371524MA3C8PKL10" && r[9] == "13812345678" && r[10] == "李主席" {
			found = true
		}
	}
	if !found || len(rows) != 4 { // title, header, two enterprises
		t.Fatalf("export rows %v", rows)
	}
	if st, _ := e.login("leader-a").get("/enterprises.xlsx"); st != http.StatusForbidden {
		t.Fatalf("leader exports: %d", st)
	}
}

func TestVisitCampaignPages(t *testing.T) {
	e := newEnv(t)
	office := e.login("office-a")
	visitor := e.cadre("张干部", e.countyA.ID)
	h1 := e.household(e.village.ID, "刘大娘")
	e.household(e.village.ID, "陈大爷")

	res := office.post("/visit-campaigns", url.Values{"org_id": {id(e.town.ID)}, "title": {"遍访"}, "starts_on": {"2026-02-01"},
		"ends_on": {"2026-01-01"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "结束日期不能早于开始日期") {
		t.Fatalf("bad window: %d", res.StatusCode)
	}
	today := time.Now().In(e.db.Loc).Format("2006-01-02")
	res = office.post("/visit-campaigns", url.Values{"org_id": {id(e.town.ID)}, "title": {"<i>春节</i>遍访"},
		"starts_on": {"2026-01-01"}, "ends_on": {"2099-12-31"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, body(res))
	}
	loc := res.Header.Get("Location")
	cURL := loc[:strings.Index(loc, "?")]
	if res := office.post(cURL+"/targets", url.Values{"all": {"1"}, "cadre_id": {id(visitor)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("targets: %d %s", res.StatusCode, body(res))
	}
	if res := office.post(cURL+"/visits", url.Values{"household_id": {id(h1)}, "visited_on": {today}, "seen": {"安好"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("visit: %d %s", res.StatusCode, body(res))
	}
	_, page := office.get(cURL)
	for _, want := range []string{"&lt;i&gt;春节&lt;/i&gt;遍访", "1/2（50%）", "张干部", "刘大娘", "未走访", "暂未发现问题"} {
		if !strings.Contains(page, want) {
			t.Errorf("campaign page lacks %q", want)
		}
	}
	if res := office.post(cURL+"/problems", url.Values{"household_id": {id(h1)}, "category": {"housing"},
		"description": {"屋顶漏雨"}, "department": {"镇村建办"}, "raised_on": {today}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("problem: %d %s", res.StatusCode, body(res))
	}
	var d struct {
		Campaign store.VisitCampaign     `json:"campaign"`
		Visitors []store.VisitorProgress `json:"visitors"`
		Problems []store.LiaisonProblem  `json:"problems"`
	}
	if st := office.api("GET", "/api/v1"+cURL, nil, &d); st != 200 || d.Campaign.Visited != 1 || d.Campaign.Targets != 2 ||
		len(d.Visitors) != 1 || d.Visitors[0].Visited != 1 || len(d.Problems) != 1 || d.Campaign.Rectified {
		t.Fatalf("API detail %d %+v", st, d)
	}
	_, page = office.get(cURL)
	if strings.Contains(page, "问题已全部整改完毕") || !strings.Contains(page, "整改中：0/1 已办结") {
		t.Fatal("rectified before closing")
	}
	pURL := cURL + "/problems/" + id(d.Problems[0].ID) + "/status"
	res = office.post(pURL, url.Values{"status": {"solved"}, "resolved_on": {today}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写解决情况") {
		t.Fatalf("close without resolution: %d", res.StatusCode)
	}
	var closed store.LiaisonProblem
	if st := office.api("POST", "/api/v1"+pURL, map[string]any{"status": "solved", "resolution": "已维修",
		"resolved_on": today}, &closed); st != 200 || closed.StatusLabel != "已解决" {
		t.Fatalf("API close %d %+v", st, closed)
	}
	_, page = office.get(cURL)
	if !strings.Contains(page, "问题已全部整改完毕") {
		t.Fatal("campaign page does not say 问题已全部整改完毕")
	}
	rows := office.download(cURL + "/rectification.xlsx")
	if len(rows) != 3 || !strings.Contains(rows[0][0], "问题已全部整改完毕") || rows[2][3] != "刘大娘" || rows[2][6] != "已解决" {
		t.Fatalf("rectification export %v", rows)
	}
	if st, _ := e.login("office-b").get(cURL); st != http.StatusNotFound {
		t.Fatalf("county B opens A's campaign: %d", st)
	}
	_, page = office.get("/visit-campaigns")
	if !strings.Contains(page, "问题已全部整改完毕") || !strings.Contains(page, "1/2（50%）") {
		t.Fatal("campaign list")
	}
}
