package web_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xieshang/internal/auth"
	"xieshang/internal/store"
)

func TestAuditPageScoped(t *testing.T) {
	e := newEnv(t)
	e.account("office-a2", auth.Office, e.countyA.ID)
	a := e.login("office-a")
	a.acctCSRF("/accounts/new")
	acctRedirect(t, a.post("/accounts", url.Values{"username": {"audit.probe"}, "display_name": {"探针"}, "role": {"leader"},
		"org_id": {id(e.countyA.ID)}, "password": {"Strong-pass-2026"}}), "create probe")
	b := e.login("office-b")
	a2 := e.login("office-a2")

	// A colleague in county A reads office-a's actions.
	status, page := a2.get("/audit")
	if status != 200 || !strings.Contains(page, "新建账号 audit.probe（领导）") || !strings.Contains(page, "登录 office-a ") {
		t.Fatalf("office-a2's log: %d\n%s", status, page)
	}
	// Who, when (Asia/Shanghai), what, and the record after the change.
	today := time.Now().In(e.db.Loc).Format("2006-01-02")
	for _, want := range []string{"office-a(office-a)", today, "新建", "<details>", "变更内容", "audit.probe", "修改后"} {
		if !strings.Contains(page, want) {
			t.Errorf("office-a2's log lacks %q", want)
		}
	}
	// 三员分立: an office clerk changes settings, so it reads the others'
	// actions but never its own.
	if strings.Contains(page, "登录 office-a2") {
		t.Fatalf("office-a2 reads its own sign-in:\n%s", page)
	}
	_, page = a.get("/audit")
	if strings.Contains(page, "audit.probe") || strings.Contains(page, "登录 office-a ") || !strings.Contains(page, "登录 office-a2") {
		t.Fatalf("office-a's log shows its own actions or misses its colleague's:\n%s", page)
	}
	_, page = b.get("/audit")
	if strings.Contains(page, "audit.probe") || strings.Contains(page, "登录 office-a") || strings.Contains(page, "登录 office-b") {
		t.Fatalf("office-b's log shows county A's entries or its own:\n%s", page)
	}

	cases := []struct {
		query   string
		want    string
		notWant string
		status  int
	}{
		{"entity=account&action=create", "新建账号 audit.probe", "登录 office-a ", 200},
		{"action=login", "登录 office-a ", "新建账号 audit.probe", 200},
		{"account=office-a", "新建账号 audit.probe", "", 200},
		{"account=office-a2", "没有记录", "登录 office-a2", 200},
		{"account=nobody", "未找到该账号", "新建账号 audit.probe", 422},
		{"account=office-b", "未找到该账号", "登录 office-b", 422}, // outside scope
		{"from=" + today + "&to=" + today, "新建账号 audit.probe", "", 200},
		{"to=2000-01-01", "没有记录", "新建账号 audit.probe", 200},
		{"from=yesterday", "日期格式应为", "", 422},
		{"entity_id=-3", "应为正整数", "", 422},
	}
	for _, c := range cases {
		status, page := a2.get("/audit?" + c.query)
		if status != c.status || !strings.Contains(page, c.want) || (c.notWant != "" && strings.Contains(page, c.notWant)) {
			t.Errorf("%s: %d, want %d with %q and without %q", c.query, status, c.status, c.want, c.notWant)
		}
	}

	// The API answers the same scope.
	var list struct {
		Items []struct {
			Summary string `json:"summary"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if status := b.api("GET", "/api/v1/audit?entity=account", nil, &list); status != 200 {
		t.Fatalf("office-b API: %d", status)
	}
	for _, it := range list.Items {
		if strings.Contains(it.Summary, "office-a") || strings.Contains(it.Summary, "audit.probe") {
			t.Fatalf("office-b's API log shows %q", it.Summary)
		}
	}
	if status := a2.api("GET", "/api/v1/audit?action=create&entity=account&account_id=office-a", nil, &list); status != 200 || list.Total != 1 ||
		list.Items[0].Summary != "新建账号 audit.probe（领导）" {
		t.Fatalf("office-a2 API: %d %+v", status, list)
	}
	if status := a.api("GET", "/api/v1/audit?action=create&entity=account&account_id=office-a", nil, &list); status != 200 || list.Total != 0 {
		t.Fatalf("office-a reads its own actions through the API: %d %+v", status, list)
	}
	if status := a.api("GET", "/api/v1/audit?from=bad", nil, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("API bad date: %d", status)
	}
	// Leaders do not read the log.
	if status, _ := e.login("leader-a").get("/audit"); status != http.StatusForbidden {
		t.Fatalf("leader /audit: %d", status)
	}
}

func TestAuditPaged(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 50; i++ {
		e.account(fmt.Sprintf("page%02d", i), auth.Unit, e.countyB.ID)
	}
	c := e.login("auditor")
	status, page := c.get("/audit")
	if status != 200 || !strings.Contains(page, "第 1–50 条") || !strings.Contains(page, "offset=50") {
		t.Fatalf("first page: %d", status)
	}
	if status, page = c.get("/audit?offset=50"); status != 200 || !strings.Contains(page, "第 51–") {
		t.Fatalf("second page: %d", status)
	}
}

func TestAuditVerifyPage(t *testing.T) {
	e := newEnv(t)
	adm := e.login("auditor")
	status, page := adm.get("/audit/verify")
	today := time.Now().In(e.db.Loc).Format("2006-01-02")
	if status != 200 || !strings.Contains(page, "校验通过") || !strings.Contains(page, "最早一条记录："+today) ||
		!strings.Contains(page, "不少于 180 天") || strings.Contains(page, "防篡改触发器") {
		t.Fatalf("clean log: %d\n%s", status, page)
	}
	for _, who := range []string{"office-a", "admin", "secadmin", "auditor-a"} {
		if status, _ := e.login(who).get("/audit/verify"); status != http.StatusForbidden {
			t.Fatalf("%s verifies every chain: %d", who, status)
		}
	}
	path := e.db.SQLitePath()
	if e.db.Dialect != store.SQLite || path == "" {
		t.Skip("tampering through a second connection is done on SQLite; the store tests cover PostgreSQL")
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var chain, seq int64
	if err := raw.QueryRow(`SELECT chain, seq FROM audit_log WHERE summary LIKE '新建组织 甲镇%'`).Scan(&chain, &seq); err != nil {
		t.Fatal(err)
	}
	// The database refuses the edit; an intruder with the file drops the
	// trigger first, and the page names both.
	edit := `UPDATE audit_log SET summary = '新建组织 乙镇' WHERE chain = $1 AND seq = $2`
	if _, err := raw.Exec(edit, chain, seq); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("editing an entry: %v, want refused", err)
	}
	if _, err := raw.Exec(`DROP TRIGGER audit_log_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(edit, chain, seq); err != nil {
		t.Fatal(err)
	}
	status, page = adm.get("/audit/verify")
	if status != 200 || !strings.Contains(page, "发现 1 处问题") || !strings.Contains(page, "edited") ||
		!strings.Contains(page, "seq "+id(seq)) || !strings.Contains(page, "防篡改触发器") || !strings.Contains(page, "audit_log_no_update") {
		t.Fatalf("tampered log: %d\n%s", status, page)
	}
}
