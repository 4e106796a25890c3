package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
)

// selectOf returns the HTML inside the page's <select name=name>.
func selectOf(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select id="f-` + name + `" name="` + name + `"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
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
