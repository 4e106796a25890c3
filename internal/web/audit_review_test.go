package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// reviewCount reads "TITLE：N 条" off the review page.
func reviewCount(t *testing.T, page, title string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(title) + `：(\d+) 条`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the review has no section %s", title)
	}
	return m[1]
}

func TestAuditReview(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.account("office-a2", auth.Office, e.countyA.ID)
	// Three failed sign-ins lock leader-a (a lower threshold than the default).
	e.db.Throttle = auth.Throttle{MaxFailures: 100, Window: time.Hour, LockAfter: 3, LockWindow: time.Hour,
		LockFor: time.Minute, MaxPerIP: 100}
	for range 3 {
		if _, _, err := e.db.Login(ctx, "leader-a", "wrong-password", "10.0.0.9", "test"); err == nil {
			t.Fatal("a wrong password signed in")
		}
	}
	a := e.login("office-a")
	a.acctCSRF("/accounts/new")
	acctRedirect(t, a.post("/accounts", url.Values{"username": {"review.probe"}, "display_name": {"探针"}, "role": {"leader"},
		"org_id": {id(e.countyA.ID)}, "password": {"Strong-pass-2026"}}), "create probe")
	if status, _ := a.get("/members/export.xlsx"); status != 200 {
		t.Fatalf("roster export: %d", status)
	}
	// Yesterday: one change at noon, one at 23:30 (outside working hours).
	real := e.db.Now
	yesterday := time.Now().In(e.db.Loc).AddDate(0, 0, -1)
	for _, c := range []struct {
		hour, min int
		name      string
	}{{12, 0, "午间镇"}, {23, 30, "夜间镇"}} {
		at := time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), c.hour, c.min, 0, 0, e.db.Loc)
		e.db.Now = func() time.Time { return at }
		if _, err := e.db.CreateOrg(ctx, app.System, org.Input{ParentID: e.countyA.ID, Kind: org.Township, Name: c.name}); err != nil {
			t.Fatal(err)
		}
	}
	e.db.Now = real

	a2 := e.login("office-a2")
	status, page := a2.get("/audit/review")
	if status != 200 {
		t.Fatalf("review: %d\n%s", status, page)
	}
	today := time.Now().In(e.db.Loc)
	from := today.AddDate(0, 0, -6).Format("2006-01-02")
	if !strings.Contains(page, `value="`+from+`"`) || !strings.Contains(page, `value="`+today.Format("2006-01-02")+`"`) {
		t.Fatalf("the default period is not the last 7 days (%s):\n%s", from, page)
	}
	if n := reviewCount(t, page, "登录失败和账号锁定"); n != "4" {
		t.Errorf("failed sign-ins and lockouts: %s, want 3 failures and 1 lockout", n)
	}
	for _, want := range []string{"账号锁定 leader-a", "10.0.0.9", "新建账号 review.probe", "导出委员", "校验通过",
		"href=\"/audit?action=login_failed&amp;action=lockout&amp;from=" + from} {
		if !strings.Contains(page, want) {
			t.Errorf("the review lacks %q", want)
		}
	}
	if n := reviewCount(t, page, "数据导出和个人信息查看"); n != "1" {
		t.Errorf("exports: %s, want 1", n)
	}
	if n := reviewCount(t, page, "安全设置变更"); n != "0" {
		t.Errorf("settings changes: %s, want 0", n)
	}
	// Each count is the log's: the linked list says the same total.
	m := regexp.MustCompile(`登录失败和账号锁定：4 条[\s\S]*?<a href="(/audit\?[^"]+)">在审计日志中查看全部`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no link to the failed sign-ins in the log")
	}
	if status, list := a2.get(html.UnescapeString(m[1])); status != 200 || !strings.Contains(list, "共 4 条") ||
		!strings.Contains(list, "登录失败 leader-a") || strings.Contains(list, "新建账号 review.probe") {
		t.Errorf("the linked list %s: %d", m[1], status)
	}
	// Account changes: office-a does not review its own (三员分立).
	changes := reviewCount(t, page, "账号和角色变更")
	_, own := a.get("/audit/review")
	if got := reviewCount(t, own, "账号和角色变更"); got == changes || strings.Contains(own, "新建账号 review.probe") {
		t.Errorf("office-a counts %s account changes, its colleague %s: office-a reviews its own", got, changes)
	}

	// Outside working hours, yesterday: the 23:30 change, not the noon one.
	y := yesterday.Format("2006-01-02")
	_, page = a2.get("/audit/review?from=" + y + "&to=" + y)
	if n := reviewCount(t, page, "非工作时间的操作"); n != "1" || !strings.Contains(page, "新建组织 夜间镇") || strings.Contains(page, "新建组织 午间镇") {
		t.Errorf("outside working hours yesterday: %s", n)
	}
	if status, list := a2.get("/audit?offhours=1&from=" + y + "&to=" + y); status != 200 || !strings.Contains(list, "共 1 条") ||
		!strings.Contains(list, "夜间镇") || !strings.Contains(list, "仅非工作时间") {
		t.Errorf("the log outside working hours: %d", status)
	}

	// The period is checked.
	for q, want := range map[string]string{
		"from=yesterday":                "日期格式应为",
		"from=2026-02-10&to=2026-02-01": "截止日期不能早于起始日期",
		"from=2024-01-01&to=2025-12-31": "审阅期间不能超过366天",
	} {
		if status, page := a2.get("/audit/review?" + q); status != http.StatusUnprocessableEntity || !strings.Contains(page, want) ||
			strings.Contains(page, "确认审阅") {
			t.Errorf("%s: %d, want 422 with %q and no sign-off", q, status, want)
		}
	}

	// The sign-off.
	period := url.Values{"from": {y}, "to": {today.Format("2006-01-02")}}
	for note, want := range map[string]string{"": "请填写审阅意见", strings.Repeat("审", 501): "不能超过500个字"} {
		f := url.Values{"from": period["from"], "to": period["to"], "note": {note}}
		if res := a2.post("/audit/review", f); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(res), want) {
			t.Errorf("note of %d characters: %d, want 422 with %q", len([]rune(note)), res.StatusCode, want)
		}
	}
	f := url.Values{"from": period["from"], "to": period["to"], "note": {"已核查：leader-a 的锁定系本人忘记密码。"}}
	res := a2.post("/audit/review", f)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "ok=reviewed") {
		t.Fatalf("sign-off: %d %q\n%s", res.StatusCode, loc, body(res))
	}
	signs, n, err := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "audit_review"})
	if err != nil || n != 1 || signs[0].Actor != "office-a2(office-a2)" || !strings.Contains(signs[0].Summary, y+" 至 ") ||
		!strings.Contains(signs[0].After, "忘记密码") {
		t.Fatalf("sign-off rows: %d %+v %v", n, signs, err)
	}
	// A colleague sees the sign-off among the past ones; its author does not.
	if _, page := a.get("/audit/review"); !strings.Contains(page, "忘记密码") || !strings.Contains(page, "office-a2") {
		t.Error("office-a does not see office-a2's sign-off")
	}
	if _, page := a2.get("/audit/review"); strings.Contains(page, "忘记密码") {
		t.Error("office-a2 reads its own sign-off")
	}
	// Who may not read the log may not review it.
	if status, _ := e.login("leader-city").get("/audit/review"); status != http.StatusForbidden {
		t.Errorf("a leader's review: %d", status)
	}
	rep, err := e.db.VerifyAudit(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("verify: %+v %v", rep.Problems, err)
	}
}
