package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
)

// acctSignIn signs in with a password and returns the client and the login
// answer, without following it (the account may have to change its password).
func acctSignIn(e *env, username, password string) (*client, *http.Response) {
	e.t.Helper()
	c := e.anon()
	_, page := c.get("/login")
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		e.t.Fatal("login page has no csrf token")
	}
	c.csrf = m[1]
	res := c.post("/login", url.Values{"username": {username}, "password": {password}})
	c.csrf = ""
	return c, res
}

// acctCSRF loads a page and takes the session's CSRF token from it.
func (c *client) acctCSRF(path string) string {
	c.t.Helper()
	status, page := c.get(path)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatalf("GET %s (%d) has no csrf token", path, status)
	}
	c.csrf = m[1]
	return page
}

// acctByName finds a fixture account.
func acctByName(e *env, username string) auth.Account {
	e.t.Helper()
	list, _, err := e.db.FindAccounts(context.Background(), app.System, store.AccountFilter{Username: username})
	if err != nil || len(list) != 1 {
		e.t.Fatalf("account %s: %v (%d found)", username, err, len(list))
	}
	return list[0]
}

// acctRedirect checks a 303 and returns its Location.
func acctRedirect(t *testing.T, res *http.Response, what string) string {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s: status %d, want 303\n%s", what, res.StatusCode, body(res))
	}
	return res.Header.Get("Location")
}

func TestAccountListScoped(t *testing.T) {
	e := newEnv(t)
	a := e.login("office-a")
	status, page := a.get("/accounts")
	if status != 200 {
		t.Fatalf("office-a /accounts: %d", status)
	}
	for _, want := range []string{"leader-a", "cadre-a", "unit-a", "甲县政协"} {
		if !strings.Contains(page, want) {
			t.Errorf("office-a's list lacks %q", want)
		}
	}
	for _, not := range []string{"office-b", "leader-city", ">admin<"} {
		if strings.Contains(page, not) {
			t.Errorf("office-a's list shows %q from outside county A", not)
		}
	}
	// The org filter offers only organisations in scope: the tiers down to
	// township, a village once its township is chosen or its name searched.
	if strings.Contains(page, "乙县政协") || strings.Contains(page, "测试市政协") || !strings.Contains(page, "甲镇") {
		t.Error("org filter offers organisations outside county A")
	}
	for _, q := range []string{"org=" + app.Itoa(e.town.ID), "org_q=" + url.QueryEscape("甲村"), "org_q=" + url.QueryEscape("村")} {
		if _, page = a.get("/accounts?" + q); !strings.Contains(page, ">　　甲村<") && !strings.Contains(page, ">甲村（甲镇）<") {
			t.Errorf("/accounts?%s does not offer 甲村", q)
		}
	}
	if _, page = a.get("/accounts?org_q=" + url.QueryEscape("乙县")); strings.Contains(page, "乙县政协") ||
		!strings.Contains(page, "没有找到") {
		t.Error("the org search finds outside county A or says nothing")
	}
	b := e.login("office-b")
	_, page = b.get("/accounts")
	if !strings.Contains(page, "office-b") || strings.Contains(page, "leader-a") {
		t.Errorf("office-b's list:\n%s", page)
	}

	cases := []struct {
		query    string
		want     []string
		notWant  []string
		inOrder  bool
		emptyMsg bool
	}{
		{query: "role=leader", want: []string{"leader-a"}, notWant: []string{"office-a<", "cadre-a"}},
		{query: "name=CADRE", want: []string{"cadre-a"}, notWant: []string{"leader-a"}},
		{query: "status=disabled", emptyMsg: true},
		{query: "status=active&role=unit", want: []string{"unit-a"}},
		{query: "sort=username&dir=desc", want: []string{"unit-a", "leader-a", "cadre-a"}, inOrder: true},
		{query: "sort=username", want: []string{"cadre-a", "leader-a", "unit-a"}, inOrder: true},
		{query: "org=" + id(e.countyB.ID), emptyMsg: true},
	}
	for _, c := range cases {
		status, page := a.get("/accounts?" + c.query)
		if status != 200 {
			t.Errorf("%s: status %d", c.query, status)
			continue
		}
		last := -1
		for _, w := range c.want {
			i := strings.Index(page, ">"+w)
			if i < 0 {
				t.Errorf("%s: %q missing", c.query, w)
			} else if c.inOrder && i < last {
				t.Errorf("%s: %q out of order", c.query, w)
			}
			last = i
		}
		for _, n := range c.notWant {
			if strings.Contains(page, ">"+n) {
				t.Errorf("%s: %q shown", c.query, n)
			}
		}
		if c.emptyMsg != strings.Contains(page, "没有符合条件的账号") {
			t.Errorf("%s: empty message shown = %v", c.query, !c.emptyMsg)
		}
	}
}

func TestAccountListPaged(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 55; i++ {
		e.account(fmt.Sprintf("vil%02d", i), auth.Coordinator, e.village.ID)
	}
	a := e.login("office-a")
	_, page := a.get("/accounts?org=" + id(e.village.ID) + "&sort=username")
	if !strings.Contains(page, "第 1–50 条，共 55 条") || !strings.Contains(page, "vil49") || strings.Contains(page, "vil50") {
		t.Fatalf("first page:\n%s", page)
	}
	if !strings.Contains(page, "offset=50") {
		t.Fatal("no link to the next page")
	}
	_, page = a.get("/accounts?org=" + id(e.village.ID) + "&sort=username&offset=50")
	if !strings.Contains(page, "第 51–55 条，共 55 条") || !strings.Contains(page, "vil54") || strings.Contains(page, "vil49") {
		t.Fatalf("second page:\n%s", page)
	}
}

func TestAccountOutOfScopeIsNotFound(t *testing.T) {
	e := newEnv(t)
	leader := acctByName(e, "leader-a")
	b := e.login("office-b")
	for _, path := range []string{"/accounts/" + id(leader.ID), "/accounts/" + id(leader.ID) + "/edit"} {
		if status, _ := b.get(path); status != http.StatusNotFound {
			t.Errorf("office-b GET %s: %d, want 404", path, status)
		}
	}
	for _, path := range []string{"/reset-password", "/unlock", "/revoke-sessions", ""} {
		res := b.post("/accounts/"+id(leader.ID)+path, url.Values{"display_name": {"x"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("office-b POST %s: %d, want 404", path, res.StatusCode)
		}
	}
	var out map[string]any
	if status := b.api("GET", "/api/v1/accounts/"+id(leader.ID), nil, &out); status != http.StatusNotFound {
		t.Errorf("office-b API: %d, want 404", status)
	}
	if status := b.api("PATCH", "/api/v1/accounts/"+id(leader.ID), map[string]any{"disabled": true}, nil); status != http.StatusNotFound {
		t.Errorf("office-b API PATCH: %d, want 404", status)
	}
	if got := acctByName(e, "leader-a"); got.Disabled {
		t.Fatal("office-b disabled county A's account")
	}
}

func TestAccountPagesNeedPermission(t *testing.T) {
	e := newEnv(t)
	c := e.login("leader-a")
	for _, path := range []string{"/accounts", "/accounts/new"} {
		if status, page := c.get(path); status != http.StatusForbidden || !strings.Contains(page, "无权") {
			t.Errorf("leader GET %s: %d", path, status)
		}
	}
	if status := c.api("GET", "/api/v1/accounts", nil, nil); status != http.StatusForbidden {
		t.Errorf("leader API accounts: %d", status)
	}
	// Everybody may manage their own password and tokens.
	for _, path := range []string{"/me/password", "/me/tokens"} {
		if status, _ := c.get(path); status != 200 {
			t.Errorf("leader GET %s: %d", path, status)
		}
	}
}

func TestAccountCreate(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	c.acctCSRF("/accounts/new")
	form := url.Values{"username": {"Liu.Yang"}, "display_name": {"刘洋"}, "role": {"leader"},
		"org_id": {id(e.town.ID)}, "password": {"weakpass"}}
	res := c.post("/accounts", form)
	page := body(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "密码至少10位") {
		t.Fatalf("weak password: %d\n%s", res.StatusCode, page)
	}
	for _, kept := range []string{`value="Liu.Yang"`, `value="刘洋"`, `value="leader" selected`,
		`value="` + id(e.town.ID) + `" selected`} {
		if !strings.Contains(page, kept) {
			t.Errorf("the form lost %s", kept)
		}
	}
	if strings.Contains(page, "weakpass") {
		t.Error("the password was echoed back")
	}
	form.Set("password", "Strong-pass-2026")
	loc := acctRedirect(t, c.post("/accounts", form), "create")
	if !strings.HasPrefix(loc, "/accounts/") || !strings.HasSuffix(loc, "?ok=created") {
		t.Fatalf("redirect to %q", loc)
	}
	a := acctByName(e, "liu.yang")
	if a.OrgID != e.town.ID || a.Role != auth.Leader || !a.MustChangePassword || !strings.HasPrefix(a.PasswordHash, "$argon2id$") {
		t.Fatalf("stored %+v", a)
	}
	_, page = c.get(loc)
	if !strings.Contains(page, "已创建") || !strings.Contains(page, "刘洋") || !strings.Contains(page, "甲镇") {
		t.Fatalf("account page:\n%s", page)
	}
	// Same username again: field error.
	res = c.post("/accounts", form)
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "用户名已被使用") {
		t.Fatalf("duplicate: %d", res.StatusCode)
	}
	// A member account needs a member.
	res = c.post("/accounts", url.Values{"username": {"wei.yuan"}, "display_name": {"委员"}, "role": {"member"},
		"org_id": {id(e.countyA.ID)}, "password": {"Strong-pass-2026"}, "member_id": {"abc"}})
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "选择无效") {
		t.Fatalf("bad member id: %d\n%s", res.StatusCode, page)
	}
}

func TestAccountCreateAdminRefused(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	page := c.acctCSRF("/accounts/new")
	for _, r := range []string{"admin", "secadmin", "auditor"} {
		if strings.Contains(page, `value="`+r+`"`) {
			t.Fatalf("office is offered the %s role", r)
		}
	}
	if !strings.Contains(page, `value="leader"`) || !strings.Contains(page, "至少10位") {
		t.Fatal("form lacks roles or the password policy hint")
	}
	res := c.post("/accounts", url.Values{"username": {"sneaky"}, "display_name": {"冒充"}, "role": {"admin"},
		"org_id": {id(e.countyA.ID)}, "password": {"Strong-pass-2026"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("forged admin creation: %d, want 403", res.StatusCode)
	}
	if list, _, _ := e.db.FindAccounts(context.Background(), app.System, store.AccountFilter{Username: "sneaky"}); len(list) != 0 {
		t.Fatal("the forged admin was created")
	}
	// Nor through the API, nor by promoting an existing account.
	var out map[string]any
	if status := c.api("POST", "/api/v1/accounts", map[string]any{"username": "sneaky", "display_name": "冒充",
		"role": "admin", "org_id": e.countyA.ID, "password": "Strong-pass-2026"}, &out); status != http.StatusForbidden {
		t.Fatalf("API admin creation: %d", status)
	}
	leader := acctByName(e, "leader-a")
	res = c.post("/accounts/"+id(leader.ID), url.Values{"display_name": {"leader-a"}, "role": {"admin"}, "org_id": {id(e.countyA.ID)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(res), "无权设置为系统管理员") {
		t.Fatalf("promotion to admin: %d", res.StatusCode)
	}
	// Nor the security or audit administrator (三员分立: only the system administrator creates them).
	for _, r := range []string{"secadmin", "auditor"} {
		res = c.post("/accounts", url.Values{"username": {"sneaky-" + r}, "display_name": {"冒充"}, "role": {r},
			"org_id": {id(e.countyA.ID)}, "password": {"Strong-pass-2026"}})
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("office creates a %s: %d, want 403", r, res.StatusCode)
		}
		res = c.post("/accounts/"+id(leader.ID), url.Values{"display_name": {"leader-a"}, "role": {r}, "org_id": {id(e.countyA.ID)}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("office promotes a leader to %s: %d", r, res.StatusCode)
		}
	}
	// The system admin is offered the three roles and creates them; no
	// account changes its own role.
	adm := e.login("admin")
	_, page = adm.get("/accounts/new")
	for _, r := range []string{"admin", "secadmin", "auditor"} {
		if !strings.Contains(page, `value="`+r+`"`) {
			t.Fatalf("admin is not offered the %s role", r)
		}
	}
	res = adm.post("/accounts", url.Values{"username": {"audit-two"}, "display_name": {"审计二"}, "role": {"auditor"},
		"password": {"Strong-pass-2026"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin creates a deployment-wide auditor: %d\n%s", res.StatusCode, body(res))
	}
	self := acctByName(e, "admin")
	res = adm.post("/accounts/"+id(self.ID), url.Values{"display_name": {"admin"}, "role": {"auditor"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "不能修改本人账号的角色") {
		t.Fatalf("admin makes itself the auditor: %d", res.StatusCode)
	}
}

func TestAccountEdit(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	leaderClient := e.login("leader-a")
	leader := acctByName(e, "leader-a")
	page := c.acctCSRF("/accounts/" + id(leader.ID) + "/edit")
	if !strings.Contains(page, `value="leader-a"`) {
		t.Fatalf("edit form:\n%s", page)
	}
	loc := acctRedirect(t, c.post("/accounts/"+id(leader.ID), url.Values{"display_name": {"李主席"}, "role": {"leader"},
		"org_id": {id(e.countyA.ID)}, "disabled": {"1"}}), "disable")
	if loc != "/accounts/"+id(leader.ID)+"?ok=saved" {
		t.Fatalf("redirect %q", loc)
	}
	if got := acctByName(e, "leader-a"); !got.Disabled || got.DisplayName != "李主席" {
		t.Fatalf("stored %+v", got)
	}
	if status, _ := leaderClient.get("/"); status != http.StatusSeeOther {
		t.Fatalf("disabled account still signed in: %d", status)
	}
	// A colleague reads the change in the account's history; office-a, who
	// made it, does not read its own actions (三员分立).
	_, page = e.login("office-city").get("/accounts/" + id(leader.ID))
	if !strings.Contains(page, "停用") || !strings.Contains(page, "停用账号 leader-a") {
		t.Fatalf("account page after disabling:\n%s", page)
	}
	if _, page = c.get("/accounts/" + id(leader.ID)); !strings.Contains(page, "停用") || strings.Contains(page, "停用账号 leader-a") {
		t.Fatalf("office-a's account page shows its own action or not the status:\n%s", page)
	}
	// Nobody disables themselves.
	me := acctByName(e, "office-a")
	res := c.post("/accounts/"+id(me.ID), url.Values{"display_name": {"office-a"}, "role": {"office"},
		"org_id": {id(e.countyA.ID)}, "disabled": {"1"}})
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "不能停用本人的账号") {
		t.Fatalf("self-disable: %d", res.StatusCode)
	}
}

func TestAccountDetailSessionsAndUnlock(t *testing.T) {
	e := newEnv(t)
	leaderClient := e.login("leader-a")
	leader := acctByName(e, "leader-a")
	c := e.login("office-a")
	page := c.acctCSRF("/accounts/" + id(leader.ID))
	for _, want := range []string{"当前登录（1）", "127.0.0.1", "Go-http-client", "登录 leader-a", "没有API令牌"} {
		if !strings.Contains(page, want) {
			t.Errorf("detail page lacks %q", want)
		}
	}
	acctRedirect(t, c.post("/accounts/"+id(leader.ID)+"/revoke-sessions", nil), "revoke sessions")
	if status, _ := leaderClient.get("/"); status != http.StatusSeeOther {
		t.Fatalf("leader still signed in after revoke: %d", status)
	}
	// Lock the account with failed sign-ins, then unlock it.
	e.db.Throttle = auth.Throttle{MaxFailures: 100, Window: auth.DefaultThrottle.Window, LockAfter: 2,
		LockFor: auth.DefaultThrottle.LockFor, MaxPerIP: 1000}
	for i := 0; i < 2; i++ {
		e.db.Login(context.Background(), "leader-a", "wrong-password", "192.0.2.1", "x")
	}
	_, page = c.get("/accounts/" + id(leader.ID))
	if !strings.Contains(page, "锁定至") || !strings.Contains(page, "/unlock") {
		t.Fatalf("locked account page:\n%s", page)
	}
	if _, res := acctSignIn(e, "leader-a", testPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("login while locked: %d", res.StatusCode)
	}
	loc := acctRedirect(t, c.post("/accounts/"+id(leader.ID)+"/unlock", nil), "unlock")
	_, page = c.get(loc)
	if !strings.Contains(page, "账号已解锁") || strings.Contains(page, "锁定至") {
		t.Fatalf("after unlock:\n%s", page)
	}
	if _, res := acctSignIn(e, "leader-a", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login after unlock: %d", res.StatusCode)
	}
}

func TestPasswordChange(t *testing.T) {
	e := newEnv(t)
	c1 := e.login("office-a")
	c2 := e.login("office-a")
	page := c1.acctCSRF("/me/password")
	if !strings.Contains(page, "至少10位") {
		t.Fatal("no policy hint on the password form")
	}
	const next = "Another-pass-2026"
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"wrong current", url.Values{"current_password": {"Wrong-pass-2026"}, "new_password": {next}, "new_password2": {next}}, "当前密码不正确"},
		{"mismatch", url.Values{"current_password": {testPassword}, "new_password": {next}, "new_password2": {next + "x"}}, "两次输入的新密码不一致"},
		{"weak", url.Values{"current_password": {testPassword}, "new_password": {"short"}, "new_password2": {"short"}}, "密码至少10位"},
		{"unchanged", url.Values{"current_password": {testPassword}, "new_password": {testPassword}, "new_password2": {testPassword}}, "新密码不能与当前密码相同"},
	}
	for _, c := range cases {
		res := c1.post("/me/password", c.form)
		page := body(res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, c.want) {
			t.Errorf("%s: %d, want 422 with %q", c.name, res.StatusCode, c.want)
		}
		if strings.Contains(page, "Wrong-pass-2026") || strings.Contains(page, next) {
			t.Errorf("%s: a password was echoed back", c.name)
		}
	}
	loc := acctRedirect(t, c1.post("/me/password", url.Values{"current_password": {testPassword},
		"new_password": {next}, "new_password2": {next}}), "change")
	if loc != "/?ok=password" {
		t.Fatalf("redirect %q", loc)
	}
	if status, page := c1.get(loc); status != 200 || !strings.Contains(page, "密码已修改") {
		t.Fatalf("the changing session: %d", status)
	}
	res, err := c2.http.Get(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("the other session: %d → %q, want redirect to /login", res.StatusCode, res.Header.Get("Location"))
	}
	if _, res := acctSignIn(e, "office-a", testPassword); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("old password: %d", res.StatusCode)
	}
	if _, res := acctSignIn(e, "office-a", next); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new password: %d", res.StatusCode)
	}
}

var secretRe = regexp.MustCompile(`<p class="secret"><code>([^<]+)</code>`)

func TestAccountResetPassword(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	leader := acctByName(e, "leader-a")
	c.acctCSRF("/accounts/" + id(leader.ID))
	res := c.post("/accounts/"+id(leader.ID)+"/reset-password", nil)
	page := body(res)
	m := secretRe.FindStringSubmatch(page)
	if res.StatusCode != 200 || m == nil || !strings.Contains(page, "只显示这一次") {
		t.Fatalf("reset: %d\n%s", res.StatusCode, page)
	}
	pw := m[1]
	if msg := auth.CheckPasswordPolicy(pw, "leader-a"); msg != "" {
		t.Fatalf("generated password %q breaks the policy: %s", pw, msg)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the page with the password may be cached")
	}
	if _, res := acctSignIn(e, "leader-a", testPassword); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("old password after reset: %d", res.StatusCode)
	}
	lc, res := acctSignIn(e, "leader-a", pw)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the reset password: %d", res.StatusCode)
	}
	for _, path := range []string{"/", "/accounts", "/me/tokens"} {
		r2, err := lc.http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusSeeOther || r2.Header.Get("Location") != "/me/password" {
			t.Fatalf("GET %s with a reset password: %d → %q, want /me/password", path, r2.StatusCode, r2.Header.Get("Location"))
		}
	}
	page = lc.acctCSRF("/me/password")
	if !strings.Contains(page, "请先设置新密码") {
		t.Fatal("the password page does not say why")
	}
	acctRedirect(t, lc.post("/me/password", url.Values{"current_password": {pw}, "new_password": {"Own-choice-2026"},
		"new_password2": {"Own-choice-2026"}}), "first change")
	if status, _ := lc.get("/"); status != 200 {
		t.Fatalf("after changing: %d", status)
	}
	// An office cannot reset its own password this way.
	me := acctByName(e, "office-a")
	if res := c.post("/accounts/"+id(me.ID)+"/reset-password", nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("self reset: %d", res.StatusCode)
	}
}

// bearer sends an API request with only a bearer token: no cookies, no CSRF.
func bearer(t *testing.T, e *env, token, method, path string, in any) (int, map[string]any, string) {
	t.Helper()
	var rd io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, raw)
	}
	return res.StatusCode, out, string(raw)
}

func TestAPITokenLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	page := c.acctCSRF("/me/tokens")
	if !strings.Contains(page, "没有API令牌") {
		t.Fatal("token page")
	}
	res := c.post("/me/tokens", url.Values{"name": {""}, "ttl": {"90"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(res), "令牌名称应为1至40个字") {
		t.Fatalf("empty name: %d", res.StatusCode)
	}
	res = c.post("/me/tokens", url.Values{"name": {"报表脚本"}, "ttl": {"90"}})
	page = body(res)
	m := secretRe.FindStringSubmatch(page)
	if res.StatusCode != http.StatusCreated || m == nil || !strings.HasPrefix(m[1], auth.APITokenPrefix) {
		t.Fatalf("create token: %d\n%s", res.StatusCode, page)
	}
	token := m[1]
	if _, page := c.get("/me/tokens"); strings.Contains(page, token) || !strings.Contains(page, "报表脚本") {
		t.Fatal("the token is shown again, or not listed")
	}
	status, me, raw := bearer(t, e, token, "GET", "/api/v1/me", nil)
	if status != 200 {
		t.Fatalf("GET /api/v1/me with the token: %d %s", status, raw)
	}
	acct, _ := me["account"].(map[string]any)
	if acct["username"] != "office-a" || me["role_label"] != "机关工作人员" || !strings.Contains(raw, `"account:manage"`) ||
		strings.Contains(raw, "argon2") || strings.Contains(raw, "password_hash") {
		t.Fatalf("me = %s", raw)
	}
	if org, _ := me["org"].(map[string]any); org["name"] != "甲县政协" {
		t.Fatalf("org = %v", me["org"])
	}
	// A state change with the token needs no cookie and no CSRF token.
	leader := acctByName(e, "leader-a")
	status, out, raw := bearer(t, e, token, "PATCH", "/api/v1/accounts/"+id(leader.ID), map[string]any{"display_name": "李领导"})
	if status != 200 || out["display_name"] != "李领导" || out["role"] != "leader" {
		t.Fatalf("PATCH with the token: %d %s", status, raw)
	}
	tokens, err := e.db.ListAPITokens(context.Background(), acctByName(e, "office-a").Actor(""))
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens: %v %v", tokens, err)
	}
	loc := acctRedirect(t, c.post("/me/tokens/"+id(tokens[0].ID)+"/revoke", nil), "revoke")
	if _, page := c.get(loc); !strings.Contains(page, "已吊销") {
		t.Fatal("revoked token not marked")
	}
	status, out, raw = bearer(t, e, token, "GET", "/api/v1/me", nil)
	errObj, _ := out["error"].(map[string]any)
	if status != http.StatusUnauthorized || errObj["code"] != app.EUNAUTHORIZED {
		t.Fatalf("revoked token: %d %s", status, raw)
	}
	// A made-up token is refused the same way.
	if status, _, _ := bearer(t, e, "xs_madeup", "GET", "/api/v1/me", nil); status != http.StatusUnauthorized {
		t.Fatalf("made-up token: %d", status)
	}
}

func TestAccountAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	var list struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	if status := c.api("GET", "/api/v1/accounts?sort=username&role=leader", nil, &list); status != 200 || list.Total != 1 ||
		list.Items[0]["username"] != "leader-a" {
		t.Fatalf("list: %d %+v", status, list)
	}
	if status := c.api("GET", "/api/v1/accounts?role=king", nil, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown role: %d", status)
	}
	var created map[string]any
	status := c.api("POST", "/api/v1/accounts", map[string]any{"username": "api.user", "display_name": "接口用户",
		"role": "cadre", "org_id": e.town.ID, "password": "Strong-pass-2026"}, &created)
	if status != http.StatusCreated || created["username"] != "api.user" || created["must_change_password"] != true {
		t.Fatalf("create: %d %v", status, created)
	}
	if _, ok := created["password_hash"]; ok {
		t.Fatal("the API returned a password hash")
	}
	var bad map[string]any
	status = c.api("POST", "/api/v1/accounts", map[string]any{"username": "x", "display_name": "",
		"role": "cadre", "org_id": e.town.ID, "password": "weak"}, &bad)
	errObj, _ := bad["error"].(map[string]any)
	if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(errObj["fields"]), "password") {
		t.Fatalf("invalid create: %d %v", status, bad)
	}
	newID := int64(created["id"].(float64))
	var patched map[string]any
	if status := c.api("PATCH", "/api/v1/accounts/"+id(newID), map[string]any{"disabled": true}, &patched); status != 200 ||
		patched["disabled"] != true || patched["display_name"] != "接口用户" || patched["role"] != "cadre" {
		t.Fatalf("patch: %d %v", status, patched)
	}
	if status := c.api("PATCH", "/api/v1/accounts/"+id(newID), map[string]any{"password": "x"}, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("patching the password: %d", status)
	}
}
