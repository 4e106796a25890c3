package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/store"
)

// TestCadrePickersOfferTheTownshipAndSearch: the household page's pickers
// offer the household's township's cadres, find the others by name (at
// most 50), and pairing with a cadre found by search works end to end.
func TestCadrePickersOfferTheTownshipAndSearch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cadre := func(orgID int64, name string) store.Cadre {
		t.Helper()
		c, err := e.db.CreateCadre(ctx, app.System, store.CadreInput{OrgID: orgID, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cadre(e.town.ID, "甲干部")
	cadre(e.village.ID, "村干部")
	left := cadre(e.town.ID, "离岗干部")
	if _, err := e.db.CadreLeaves(ctx, app.System, left.ID, app.MustDate("2024-01-01"), 0, "调离"); err != nil {
		t.Fatal(err)
	}
	zhang := cadre(e.countyA.ID, "县干部张三")
	cadre(e.countyB.ID, "乙县张四")
	for i := 1; i <= 60; i++ {
		cadre(e.countyA.ID, fmt.Sprintf("王%02d", i))
	}
	h, err := e.db.CreateHousehold(ctx, app.System, store.HouseholdInput{OrgID: e.village.ID, HeadName: "刘大娘",
		RegisteredOn: app.MustDate("2024-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	office := e.login("office-a")
	path := "/households/" + app.Itoa(h.ID)

	// Without a search: the township's two active cadres, for both forms.
	_, page := office.get(path)
	want := []string{"请选择, selected", "甲干部（甲镇）", "村干部（甲村）"}
	if got := options(selectOf(t, page, "cadre_id")); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the pair form offers %q, want %q", got, want)
	}
	if n := strings.Count(page, `<optgroup label="甲镇的干部">`); n != 2 {
		t.Errorf("%d pickers of the township's cadres, want 2 (pairing, visit)", n)
	}
	if !strings.Contains(page, `<form method="get" action="`+path+`#cadre-search"`) || !strings.Contains(page, `name="cadre_q"`) {
		t.Error("no cadre search on the household page")
	}

	// A search finds a county cadre, not another county's.
	_, page = office.get(path + "?cadre_q=" + url.QueryEscape("张"))
	sel := selectOf(t, page, "cadre_id")
	if !strings.Contains(sel, `<optgroup label="姓名含“张”的干部">`) || !strings.Contains(sel, ">县干部张三（甲县政协）<") ||
		strings.Contains(sel, "乙县张四") {
		t.Errorf("search 张: %q", options(sel))
	}
	if !strings.Contains(page, `value="张"`) {
		t.Error("the search field does not keep what was asked")
	}
	_, page = office.get(path + "?cadre_q=" + url.QueryEscape("王"))
	got := options(selectOf(t, page, "cadre_id"))
	if len(got) != 3+50+1 || got[len(got)-1] != "只列出前50名，请输入更多字缩小范围, disabled" {
		t.Errorf("search 王 offers %d: %q", len(got), got[len(got)-3:])
	}
	_, page = office.get(path + "?cadre_q=" + url.QueryEscape("乙县"))
	if !strings.Contains(selectOf(t, page, "cadre_id"), "没有找到") {
		t.Error("a search outside the scope does not say so")
	}

	// A form sent back with errors keeps the cadre found by search.
	res := office.post(path+"/pairings", url.Values{"cadre_id": {app.Itoa(zhang.ID)}, "starts_on": {"不是日期"}})
	b := body(res)
	if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(options(selectOf(t, b, "cadre_id"))[1], "县干部张三（甲县政协）, selected") {
		t.Errorf("pair with a bad date: %d, offers %q", res.StatusCode, options(selectOf(t, b, "cadre_id")))
	}
	// Pairing with the cadre found by search: the same fields as ever.
	res = office.post(path+"/pairings", url.Values{"cadre_id": {app.Itoa(zhang.ID)}, "starts_on": {"2024-03-01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pair: %d %s", res.StatusCode, body(res))
	}
	ps, err := e.db.FindPairings(ctx, app.System, store.PairingFilter{HouseholdID: h.ID})
	if err != nil || len(ps) != 1 || ps[0].CadreID != zhang.ID || !ps[0].Active() {
		t.Fatalf("pairings %+v %v", ps, err)
	}

	// The cadre list's leaving form and the pairing list's handover: search first.
	for _, p := range []struct{ path, picker string }{{"/cadres", "cadre_id"}, {"/cadres", "successor_id"}, {"/pairings", "to_cadre_id"}} {
		_, page := office.get(p.path)
		if got := options(selectOf(t, page, p.picker)); len(got) != 2 || got[1] != "请先在上方按姓名查找干部, disabled" {
			t.Errorf("%s %s offers %q", p.path, p.picker, got)
		}
		_, page = office.get(p.path + "?cadre_q=" + url.QueryEscape("张三"))
		if got := options(selectOf(t, page, p.picker)); len(got) != 2 || got[1] != "县干部张三（甲县政协）" {
			t.Errorf("%s?cadre_q=张三 %s offers %q", p.path, p.picker, got)
		}
	}

	// An enterprise's and a visit campaign's pickers: the township's cadres,
	// and by name only the committee's (the city office sees county B too).
	ent, err := e.db.CreateEnterprise(ctx, app.System, store.EnterpriseInput{OrgID: e.town.ID, Name: "阿胶机械厂",
		USCC: "91371524MA3C8PKL10"})
	if err != nil {
		t.Fatal(err)
	}
	camp, err := e.db.CreateVisitCampaign(ctx, app.System, store.VisitCampaignInput{OrgID: e.town.ID, Title: "春节遍访",
		StartsOn: app.MustDate("2026-01-01"), EndsOn: app.MustDate("2099-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	city := e.login("office-city")
	for _, p := range []struct{ path, first string }{{"/enterprises/" + app.Itoa(ent.ID), "请选择"},
		{"/visit-campaigns/" + app.Itoa(camp.ID), "（不选）"}} {
		_, page := city.get(p.path)
		want := []string{p.first + ", selected", "甲干部（甲镇）", "村干部（甲村）"}
		if got := options(selectOf(t, page, "cadre_id")); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s offers %q, want %q", p.path, got, want)
		}
		_, page = city.get(p.path + "?cadre_q=" + url.QueryEscape("张"))
		if sel := selectOf(t, page, "cadre_id"); !strings.Contains(sel, ">县干部张三（甲县政协）<") || strings.Contains(sel, "乙县张四") {
			t.Errorf("%s?cadre_q=张 offers %q", p.path, options(sel))
		}
	}
	res = city.post("/enterprises/"+app.Itoa(ent.ID)+"/liaisons", url.Values{"cadre_id": {app.Itoa(zhang.ID)}, "starts_on": {"2024-03-01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("liaison with a cadre found by search: %d %s", res.StatusCode, body(res))
	}
}
