package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/member"
)

// TestMemberRoleSort: the 排序 of a role is set when appointing, shown and
// changed on the member page and through the API, validated, scoped, and
// puts members of the same role in the list's protocol order.
func TestMemberRoleSort(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	ctx := context.Background()
	c := e.login("office-a")
	start := fx.termA.StartDate.String()
	ids := map[string]string{}
	mids := map[string]int64{}
	for _, name := range []string{"丙副", "甲副", "乙副"} {
		m, err := e.db.CreateMemberInTerm(ctx, app.System, e.countyA.ID, member.Input{Name: name},
			&member.MembershipInput{TermID: fx.termA.ID, SectorID: fx.econA.ID, StartDate: fx.termA.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		ids[name], mids[name] = id(m.ID), m.ID
	}
	_, page := c.get("/members/" + ids["丙副"])
	if !strings.Contains(page, `name="sort"`) || !strings.Contains(page, "排序") {
		t.Fatalf("the role form lacks 排序:\n%s", page)
	}
	// Out of range: refused on the field, keeping what was typed.
	res := c.post("/members/"+ids["丙副"]+"/roles", url.Values{"term_id": {id(fx.termA.ID)}, "kind": {"vice_chair"},
		"start_date": {start}, "sort": {"1000"}})
	if page := body(res); res.StatusCode != 422 || !strings.Contains(page, "排序应为 0–999 的整数") ||
		!strings.Contains(page, `value="1000"`) {
		t.Fatalf("sort 1000: %d\n%s", res.StatusCode, page)
	}
	for name, sort := range map[string]string{"丙副": "3", "甲副": "1"} {
		res := c.post("/members/"+ids[name]+"/roles", url.Values{"term_id": {id(fx.termA.ID)}, "kind": {"vice_chair"},
			"start_date": {start}, "sort": {sort}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("appoint %s: %d\n%s", name, res.StatusCode, body(res))
		}
	}
	// Through the API, with sort.
	var role member.Role
	if status := c.api("POST", "/api/v1/members/"+ids["乙副"]+"/roles", map[string]any{"term_id": fx.termA.ID,
		"kind": "vice_chair", "start_date": start, "sort": 5}, &role); status != http.StatusCreated || role.Sort != 5 {
		t.Fatalf("API appoint: %d %+v", status, role)
	}
	if status := c.api("POST", "/api/v1/roles/"+id(role.ID)+"/sort", map[string]any{"sort": 2}, &role); status != 200 || role.Sort != 2 {
		t.Fatalf("API sort: %d %+v", status, role)
	}
	var fail map[string]any
	if status := c.api("POST", "/api/v1/roles/"+id(role.ID)+"/sort", map[string]any{"sort": -1}, &fail); status != 422 {
		t.Fatalf("API sort -1: %d %v", status, fail)
	}
	b := e.login("office-b")
	if status := b.api("POST", "/api/v1/roles/"+id(role.ID)+"/sort", map[string]any{"sort": 1}, &fail); status != 404 {
		t.Fatalf("other county API sort: %d", status)
	}
	// The list: vice-chairs by 排序, not by character code.
	_, list := c.get("/members?sort=role&role=vice_chair")
	if i, j, k := strings.Index(list, "甲副"), strings.Index(list, "乙副"), strings.Index(list, "丙副"); i < 0 || !(i < j && j < k) {
		t.Fatalf("vice-chairs not in protocol order:\n%s", list)
	}
	// The page shows the order; the row form changes it.
	roles, err := e.db.FindRoles(ctx, app.System, mids["丙副"])
	if err != nil || len(roles) != 1 || roles[0].Sort != 3 {
		t.Fatalf("roles of 丙副 = %+v %v", roles, err)
	}
	_, page = c.get("/members/" + ids["丙副"])
	if !strings.Contains(page, `action="/roles/`+id(roles[0].ID)+`/sort"`) || !strings.Contains(page, `value="3"`) {
		t.Fatalf("the roles table lacks the order:\n%s", page)
	}
	res = c.post("/roles/"+id(roles[0].ID)+"/sort", url.Values{"sort": {"abc"}})
	if page := body(res); res.StatusCode != 422 || !strings.Contains(page, "未能修改排序") {
		t.Fatalf("sort abc: %d\n%s", res.StatusCode, page)
	}
	if res := b.post("/roles/"+id(roles[0].ID)+"/sort", url.Values{"sort": {"1"}}); res.StatusCode != 404 {
		t.Fatalf("other county sort: %d", res.StatusCode)
	}
	res = c.post("/roles/"+id(roles[0].ID)+"/sort", url.Values{"sort": {"0"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("clear sort: %d\n%s", res.StatusCode, body(res))
	}
	if r, err := e.db.FindRoleByID(ctx, app.System, roles[0].ID); err != nil || r.Sort != 0 {
		t.Fatalf("stored = %+v %v", r, err)
	}
	res = c.post("/roles/"+id(roles[0].ID)+"/sort", url.Values{"sort": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sort 1: %d\n%s", res.StatusCode, body(res))
	}
	// 丙副 and 甲副 both 1 (then by name), 乙副 2.
	_, list = c.get("/members?sort=role&role=vice_chair")
	if i, j, k := strings.Index(list, "丙副"), strings.Index(list, "甲副"), strings.Index(list, "乙副"); i < 0 || !(i < j && j < k) {
		t.Fatalf("after the change:\n%s", list)
	}
}
