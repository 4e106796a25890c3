package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/store"
)

func TestSearchPageAndAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	topic := func(orgID int64, title, desc string) store.Topic {
		tp, err := e.db.CreateTopic(ctx, app.System, consult.TopicInput{OrgID: orgID, Year: 2026, Title: title,
			Description: desc, Form: consult.Thematic, Source: consult.FromOffice})
		if err != nil {
			t.Fatal(err)
		}
		return tp
	}
	mine := topic(e.countyA.ID, "推进5G基站建设<script>", "巩固产业扶贫成果，2023年度协商")
	topic(e.countyB.ID, "乙县扶贫协商", "")
	hh, err := e.db.CreateHousehold(ctx, app.System, store.HouseholdInput{OrgID: e.village.ID, HeadName: "张扶贫",
		Phone: "13912345678", RegisteredOn: app.MustDate("2024-01-02")})
	if err != nil {
		t.Fatal(err)
	}

	office := e.login("office-a")
	code, page := office.get("/search?q=" + url.QueryEscape("扶贫"))
	if code != http.StatusOK {
		t.Fatalf("search: %d\n%s", code, page)
	}
	for _, want := range []string{"协商议题", "帮扶户", "<mark>扶贫</mark>", "推进5G基站建设&lt;script&gt;", "/topics/" + id(mine.ID),
		"/households/" + id(hh.ID), "张<mark>扶贫</mark>", "甲村"} {
		if !strings.Contains(page, want) {
			t.Errorf("results lack %q", want)
		}
	}
	for _, not := range []string{"乙县<mark>扶贫</mark>协商", "13912345678", "<script>"} {
		if strings.Contains(page, not) {
			t.Errorf("results show %q", not)
		}
	}
	// Mixed scripts and numbers; the header's box on every page.
	for _, q := range []string{"5G基站", "2023年", "５ｇ"} {
		if _, page := office.get("/search?q=" + url.QueryEscape(q)); !strings.Contains(page, "/topics/"+id(mine.ID)) {
			t.Errorf("%s does not find the topic", q)
		}
	}
	if _, home := office.get("/"); !strings.Contains(home, `action="/search"`) {
		t.Error("no search box in the header")
	}
	// One kind, with paging; filters by year and organisation.
	if _, page := office.get("/search?kind=household&q=" + url.QueryEscape("扶贫")); strings.Contains(page, "/topics/") ||
		!strings.Contains(page, "/households/"+id(hh.ID)) {
		t.Errorf("households only:\n%s", page)
	}
	if _, page := office.get("/search?year=2025&q=" + url.QueryEscape("扶贫")); strings.Contains(page, "/topics/") {
		t.Error("year 2025 finds a 2026 topic")
	}
	if _, page := office.get("/search?org_id=" + id(e.town.ID) + "&q=" + url.QueryEscape("扶贫")); strings.Contains(page, "/topics/") ||
		!strings.Contains(page, "/households/") {
		t.Error("the township filter")
	}

	// Bad input: a clear 422 with the field, never a 500; operators and
	// broken text are just words.
	for _, c := range []struct{ q, want string }{
		{"q=" + strings.Repeat("扶", 10000), "搜索词过长"},
		{"q=x&org_id=" + id(e.countyB.ID), "不在本账号管辖范围内"},
		{"q=x&year=abc", "年份不正确"},
		{"q=x&kind=account", "没有这类记录"},
	} {
		res, err := office.http.Get(e.srv.URL + "/search?" + c.q)
		if err != nil {
			t.Fatal(err)
		}
		if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, c.want) {
			t.Errorf("%.40s: %d, want 422 with %s", c.q, res.StatusCode, c.want)
		}
	}
	for _, q := range []string{"", `"扶贫" OR *`, "NEAR(扶贫, 2)", "'; DROP TABLE search_doc; --", "扶贫'))--", "&|!:*<->"} {
		if code, page := office.get("/search?q=" + url.QueryEscape(q)); code != http.StatusOK {
			t.Errorf("%q: %d\n%s", q, code, page)
		}
	}
	// Broken UTF-8 in the address is refused before the search, with a reason.
	if code, page := office.get("/search?q=" + url.QueryEscape("\xff\xfe扶贫")); code != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "无效字符") {
		t.Errorf("invalid UTF-8: %d", code)
	}

	// The JSON API.
	var res struct {
		Groups []struct {
			Kind  string
			Total int
			Hits  []struct {
				ID    int64
				Title []struct {
					Text string
					Mark bool
				}
			}
		}
	}
	if code := office.api("GET", "/api/v1/search?q="+url.QueryEscape("扶贫"), nil, &res); code != http.StatusOK ||
		len(res.Groups) != 2 || res.Groups[0].Kind != "topic" || res.Groups[0].Hits[0].ID != mine.ID || res.Groups[1].Kind != "household" {
		t.Fatalf("api: %d %+v", code, res)
	}
	var apiErr struct {
		Error struct {
			Fields []struct{ Field, Message string }
		}
	}
	if code := office.api("GET", "/api/v1/search?q="+strings.Repeat("扶", 200), nil, &apiErr); code != http.StatusUnprocessableEntity ||
		len(apiErr.Error.Fields) != 1 || apiErr.Error.Fields[0].Field != "q" || !strings.Contains(apiErr.Error.Fields[0].Message, "过长") {
		t.Errorf("api long query: %d %+v", code, apiErr)
	}

	// Who sees what: the other county's office finds its own only; a cadre
	// not paired with the household does not find it; a handling unit may
	// search nothing.
	if _, page := e.login("office-b").get("/search?q=" + url.QueryEscape("扶贫")); !strings.Contains(page, "乙县<mark>扶贫</mark>协商") ||
		strings.Contains(page, "推进5G") || strings.Contains(page, "/households/") {
		t.Errorf("county B's office:\n%s", page)
	}
	if _, page := e.login("cadre-a").get("/search?q=" + url.QueryEscape("扶贫")); strings.Contains(page, "/households/") {
		t.Error("an unpaired cadre finds the household")
	}
	if _, page := e.login("unit-a").get("/search?q=" + url.QueryEscape("扶贫")); !strings.Contains(page, "没有可以搜索的内容") {
		t.Errorf("unit account:\n%s", page)
	}
}
