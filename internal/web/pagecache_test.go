package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/web"
)

// Cached pages (pagecache.go) as users see them: each session gets its own
// CSRF token and can post with it; a change made anywhere — through this
// server, another node on the same database, or the store — shows on the
// next view; an account never sees a page rendered for another; and every
// view of a household or the household list is in the audit log, cached or
// not, while reading pages leaves the data version alone.
func TestCachedPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, err := e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "甲县委员"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateMember(ctx, app.System, e.countyB.ID, member.Input{Name: "乙县委员"}); err != nil {
		t.Fatal(err)
	}

	// Two sessions of one account: each page carries the session's own token.
	one, two := e.login("office-city"), e.login("office-city")
	if one.csrf == two.csrf {
		t.Fatal("two sessions share a CSRF token")
	}
	for range 2 {
		for _, c := range []*client{one, two} {
			code, page := c.get("/members?committee_id=" + id(e.countyA.ID))
			m := csrfRe.FindStringSubmatch(page)
			if code != 200 || m == nil || m[1] != c.csrf || !strings.Contains(page, "甲县委员") {
				t.Fatalf("members page %d: token %v, want %s", code, m, c.csrf)
			}
		}
	}
	// The second session posts with the token its cached page gave it.
	res := two.post("/members/"+id(a.ID), url.Values{"name": {"网页新增委员"}})
	if res.StatusCode != 303 {
		t.Fatalf("rename a member with the cached page's token: %d %s", res.StatusCode, body(res))
	}
	if _, page := one.get("/members?committee_id=" + id(e.countyA.ID)); !strings.Contains(page, "网页新增委员") {
		t.Fatal("a member added through the web is missing from the cached list")
	}

	// Another node on the same database, and the store directly.
	other := web.New(e.db, web.Config{}, nil)
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()
	oe := *e
	oe.srv = otherSrv
	onOther := oe.login("office-city")
	if _, page := onOther.get("/members?committee_id=" + id(e.countyA.ID)); !strings.Contains(page, "网页新增委员") {
		t.Fatal("the other node misses the member")
	}
	if _, err := e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "后加委员"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client{one, onOther} {
		if _, page := c.get("/members?committee_id=" + id(e.countyA.ID)); !strings.Contains(page, "后加委员") {
			t.Fatal("a change through the store is missing from a cached page")
		}
	}

	// Scope: county A's office, after the city's office cached the page.
	e.login("office-city").get("/members")
	if _, page := e.login("office-a").get("/members"); strings.Contains(page, "乙县委员") || !strings.Contains(page, "网页新增委员") {
		t.Fatal("county A's office sees county B's member or misses its own")
	}

	// Households: every view is audited, cached or not; reads change no version.
	h, err := e.db.CreateHousehold(ctx, app.System, store.HouseholdInput{OrgID: e.village.ID, HeadName: "缓存户",
		RegisteredOn: app.MustDate("2024-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	office := e.login("office-a")
	before, err := e.db.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	count := func(action string) int {
		t.Helper()
		_, n, err := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: action})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	views, lists := count("household_view"), count("household_list")
	for range 3 {
		if code, page := office.get(fmt.Sprintf("/households/%d", h.ID)); code != 200 || !strings.Contains(page, "缓存户") {
			t.Fatalf("household page %d", code)
		}
		if code, page := office.get("/households"); code != 200 || !strings.Contains(page, "缓存户") {
			t.Fatalf("household list %d", code)
		}
	}
	if v, l := count("household_view")-views, count("household_list")-lists; v != 3 || l != 3 {
		t.Fatalf("audited %d household views and %d list views, want 3 and 3", v, l)
	}
	for _, p := range []string{"/members", "/meetings", "/topics", "/proposals", "/enterprises", "/activities",
		"/audit", "/dashboard", "/duty", "/search?q=" + url.QueryEscape("委员")} {
		for range 2 {
			if code, _ := office.get(p); code != 200 {
				t.Fatalf("GET %s: %d", p, code)
			}
		}
	}
	if after, err := e.db.DataVersion(ctx); err != nil || after != before {
		t.Fatalf("reading pages moved the data version from %d to %d (%v)", before, after, err)
	}
}
