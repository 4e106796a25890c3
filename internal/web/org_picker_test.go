package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// selectOf returns the HTML inside the page's first <select name=name>
// (its id f-NAME, or f-FORM-NAME on a page of several forms).
func selectOf(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select id="f-(?:[\w-]+-)?` + name + `" name="` + name + `"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no select %s on the page", name)
	}
	return m[1]
}

var optionRe = regexp.MustCompile(`<option value="([^"]*)"( selected)?( disabled)?>([^<]*)</option>`)

// options lists a select's options as "label" (", selected", ", disabled").
func options(html string) []string {
	var out []string
	for _, m := range optionRe.FindAllStringSubmatch(html, -1) {
		s := m[4]
		if m[2] != "" {
			s += ", selected"
		}
		if m[3] != "" {
			s += ", disabled"
		}
		out = append(out, s)
	}
	return out
}

func TestOrgFilterOffersTiersBranchAndSearch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var villages []org.Org // 甲镇 has 甲村 and 新村01 … 新村60: more than a search offers
	for i := 1; i <= 60; i++ {
		o, err := e.db.CreateOrg(ctx, app.System, org.Input{ParentID: e.town.ID, Kind: org.Village, Name: fmt.Sprintf("新村%02d", i)})
		if err != nil {
			t.Fatal(err)
		}
		villages = append(villages, o)
	}
	c := e.login("office-city")
	town, village := app.Itoa(e.town.ID), app.Itoa(villages[6].ID)
	pages := []struct{ path, param, first string }{
		{"/topics", "org_id", "全部"}, {"/consult", "org_id", "本账号所属组织"}, {"/dashboard", "org_id", "本账号所属组织"},
		{"/assist", "org_id", "本账号所属组织"}, {"/households", "org_id", "全部"}, {"/problems", "org_id", "全部"},
		{"/accounts", "org", "全部组织"},
	}
	for _, p := range pages {
		status, page := c.get(p.path)
		if status != 200 {
			t.Fatalf("%s: %d", p.path, status)
		}
		// The tiers down to township, in tree order, indented.
		want := []string{p.first + ", selected", "测试市政协", "　甲县政协", "　　甲镇", "　乙县政协"}
		if got := options(selectOf(t, page, p.param)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s offers %q, want %q", p.path, got, want)
		}
		if !strings.Contains(page, `name="org_q"`) {
			t.Errorf("%s has no organisation search field", p.path)
		}
		// A township chosen: its 61 villages are offered under it.
		_, page = c.get(p.path + "?" + p.param + "=" + town)
		got := options(selectOf(t, page, p.param))
		if len(got) != 5+61 || got[3] != "　　甲镇, selected" || got[4] != "　　　甲村" || got[11] != "　　　新村07" {
			t.Errorf("%s?%s=township offers %d: %q", p.path, p.param, len(got), got[:min(len(got), 12)])
		}
		// A name search: 50 of 60 matches in their own group, with where they lie, and a note.
		_, page = c.get(p.path + "?org_q=" + url.QueryEscape("新村"))
		sel := selectOf(t, page, p.param)
		if !strings.Contains(sel, `<optgroup label="名称含“新村”的组织（60个）">`) {
			t.Errorf("%s: no group of matches in %s", p.path, sel)
		}
		got = options(sel)
		if len(got) != 5+50+1 || got[5] != "新村01（甲县政协 / 甲镇）" || got[55] != "只列出前50个，请输入更多字缩小范围, disabled" {
			t.Errorf("%s?org_q=新村 offers %d: %q", p.path, len(got), got)
		}
		if !strings.Contains(page, "在“") {
			t.Errorf("%s: the search does not say what to do next", p.path)
		}
		// A village found by search and chosen: kept selected, with its siblings.
		_, page = c.get(p.path + "?" + p.param + "=" + village + "&org_q=" + url.QueryEscape("新村07"))
		got = options(selectOf(t, page, p.param))
		if len(got) != 5+61+1 || got[11] != "　　　新村07, selected" || got[66] != "新村07（甲县政协 / 甲镇）, selected" {
			t.Errorf("%s with a village chosen offers %d: %q", p.path, len(got), got)
		}
	}
	// A township's coordinator: its township and its villages without asking.
	e.account("coordinator-t", auth.Coordinator, e.town.ID)
	_, page := e.login("coordinator-t").get("/topics")
	if got := options(selectOf(t, page, "org_id")); len(got) != 1+1+61 || got[1] != "甲镇" || got[2] != "　甲村" {
		t.Errorf("the township's coordinator is offered %q", got)
	}
}

// TestOrgFieldOfFormsSearches: the organisation select of forms offers the
// tiers down to township and the villages found by name through a search
// box that belongs to the page's GET form; a household registered at a
// village found that way is saved, and a form sent back keeps the village.
func TestOrgFieldOfFormsSearches(t *testing.T) {
	e := newEnv(t)
	office, admin := e.login("office-city"), e.login("admin")
	for _, p := range []string{"/households/new", "/cadres", "/topics/new", "/accounts/new", "/activities/new",
		"/enterprises/new", "/visit-campaigns/new", "/reports/new"} {
		c := office
		if p == "/reports/new" { // the office reports as its own organisation
			c = admin
		}
		status, page := c.get(p)
		if status != 200 || !regexp.MustCompile(`<select id="f-(cadre-)?org_id" name="org_id"`).MatchString(page) {
			t.Fatalf("%s: %d, no organisation select", p, status)
		}
		if got := options(selectOf(t, page, "org_id")); len(got) != 5 || strings.Contains(page, "甲村") {
			t.Errorf("%s offers %q", p, got)
		}
		if !strings.Contains(page, `<form id="pick" method="get" hidden></form>`) ||
			!strings.Contains(page, `<input type="search" form="pick" name="org_q"`) ||
			!regexp.MustCompile(`formaction="`+p+`#f-(cadre-)?org_id"`).MatchString(page) {
			t.Errorf("%s: no organisation search box belonging to the page's GET form", p)
		}
		_, page = c.get(p + "?org_q=" + url.QueryEscape("甲村"))
		if got := options(selectOf(t, page, "org_id")); len(got) != 6 || got[5] != "甲村（甲县政协 / 甲镇）" {
			t.Errorf("%s?org_q=甲村 offers %q", p, got)
		}
	}
	c := office
	form := url.Values{"org_id": {app.Itoa(e.village.ID)}, "head_name": {"刘大娘"}, "registered_on": {"不是日期"}}
	res := c.post("/households", form)
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(selectOf(t, b, "org_id"), `selected>　　　甲村</option>`) {
		t.Errorf("a household sent back: %d, offers %q", res.StatusCode, options(selectOf(t, b, "org_id")))
	}
	form.Set("registered_on", "2024-01-02")
	if res := c.post("/households", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register at a village found by search: %d %s", res.StatusCode, body(res))
	}
	hs, _, err := e.db.FindHouseholds(context.Background(), app.System, store.HouseholdFilter{OrgID: e.village.ID})
	if err != nil || len(hs) != 1 || hs[0].HeadName != "刘大娘" {
		t.Fatalf("households at the village: %+v %v", hs, err)
	}
}
