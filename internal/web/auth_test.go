package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLoginLogout(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	status, body := c.get("/")
	if status != 200 || !strings.Contains(body, "甲县政协") || !strings.Contains(body, "office-a") {
		t.Fatalf("home: %d\n%s", status, body)
	}
	res := c.post("/logout", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if status, _ := c.get("/"); status != http.StatusSeeOther {
		t.Fatalf("after logout / answered %d, want redirect to login", status)
	}
}

func TestLoginWrongPassword(t *testing.T) {
	e := newEnv(t)
	c := e.anon()
	_, page := c.get("/login")
	c.csrf = csrfRe.FindStringSubmatch(page)[1]
	res := c.post("/login", url.Values{"username": {"office-a"}, "password": {"wrong"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body(res), "用户名或密码不正确") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
}

func TestLoginThrottled(t *testing.T) {
	e := newEnv(t)
	c := e.anon()
	var last *http.Response
	for i := 0; i < 6; i++ {
		_, page := c.get("/login")
		c.csrf = csrfRe.FindStringSubmatch(page)[1]
		last = c.post("/login", url.Values{"username": {"office-a"}, "password": {"wrong"}, "csrf_token": {c.csrf}})
	}
	if last.StatusCode != http.StatusTooManyRequests || !strings.Contains(body(last), "登录失败次数过多") {
		t.Fatalf("6th failure: %d, want 429", last.StatusCode)
	}
	// Even the right password is refused while throttled.
	_, page := c.get("/login")
	c.csrf = csrfRe.FindStringSubmatch(page)[1]
	res := c.post("/login", url.Values{"username": {"office-a"}, "password": {testPassword}, "csrf_token": {c.csrf}})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password while throttled: %d", res.StatusCode)
	}
}

func TestCSRFRejected(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	res := c.post("/logout", url.Values{"csrf_token": {"forged"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("logout with forged token: %d, want 403", res.StatusCode)
	}
	// The session is still alive.
	if status, _ := c.get("/"); status != 200 {
		t.Fatalf("session ended by a forged request: %d", status)
	}
	// Login without the double-submit cookie's value is refused too.
	a := e.anon()
	a.get("/login")
	res = a.post("/login", url.Values{"username": {"office-a"}, "password": {testPassword}, "csrf_token": {"x"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("login with bad csrf: %d", res.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	form := url.Values{"csrf_token": {c.csrf}}
	req, _ := http.NewRequest("POST", e.srv.URL+"/logout", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", res.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	res, err := http.Get(e.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP = %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
		t.Fatalf("headers = %v", res.Header)
	}
	for _, c := range res.Cookies() {
		if !c.HttpOnly {
			t.Fatalf("cookie %s not HttpOnly", c.Name)
		}
	}
}

// A body over the limit answers 413 with a Chinese message, before the CSRF
// check can mistake it for a forged request.
func TestOversizedFormIs413(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	big := url.Values{"csrf_token": {c.csrf}, "name": {strings.Repeat("政", 400_000)}}
	res := c.post("/orgs/"+id(e.town.ID), big)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body(res), "提交的内容过大") {
		t.Fatalf("oversized form: %d", res.StatusCode)
	}
}

// Query strings with invalid UTF-8 are refused before any handler sees them.
func TestInvalidUTF8QueryIs422(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	for _, p := range []string{"/orgs?q=%FF", "/audit?entity=%FF", "/members?name=%C3%28"} {
		if status, page := c.get(p); status != http.StatusUnprocessableEntity || !strings.Contains(page, "无效字符") {
			t.Errorf("GET %s: %d", p, status)
		}
	}
}

// After signing in, the home page tells the account of its previous sign-in
// (time and address) and of the failed attempts on it since (等保 level 3).
func TestLoginNotice(t *testing.T) {
	e := newEnv(t)
	_, page := e.login("office-a").get("/")
	if !strings.Contains(page, "这是本账号首次登录") || strings.Contains(page, "登录失败") {
		t.Fatalf("first sign-in: no first-time notice\n%s", page)
	}
	for range 2 {
		c := e.anon()
		_, lp := c.get("/login")
		c.csrf = csrfRe.FindStringSubmatch(lp)[1]
		if res := c.post("/login", url.Values{"username": {"office-a"}, "password": {"guess-123456"}}); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", res.StatusCode)
		}
	}
	_, page = e.login("office-a").get("/")
	for _, want := range []string{"上次登录：", "来自 127.0.0.1", "此后有 <strong>2 次登录失败</strong>", `href="/me/password"`} {
		if !strings.Contains(page, want) {
			t.Errorf("second sign-in: the notice lacks %q", want)
		}
	}
	// The notice is about this session: a third sign-in with no failure
	// between shows the second, and no warning.
	_, page = e.login("office-a").get("/")
	if !strings.Contains(page, "上次登录：") || strings.Contains(page, "登录失败") {
		t.Errorf("third sign-in: want the previous sign-in without failures")
	}
	// Another account's failures are not this account's.
	_, page = e.login("office-b").get("/")
	if !strings.Contains(page, "这是本账号首次登录") || strings.Contains(page, "登录失败") {
		t.Errorf("office-b: another account's failures shown")
	}
}
