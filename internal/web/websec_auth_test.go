package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
)

// tryLogin posts the sign-in form once, with a fresh login page's token.
func tryLogin(e *env, username, password string) *http.Response {
	e.t.Helper()
	_, res := acctSignIn(e, username, password)
	return res
}

// With the default throttle and lockout figures: MaxFailures failures in
// a window refuse even the right password until the window passes;
// LockAfter failures lock the account for LockFor, during which the right
// password is refused; the lock ends by itself, or at once when an office
// unlocks the account on its page.
func TestLoginLockoutDefaultFigures(t *testing.T) {
	clock := &testClock{}
	e := newEnvWith(t, serverOpts{clock: clock})
	th := auth.DefaultThrottle
	if th.MaxFailures >= th.LockAfter || th.LockFor <= th.Window {
		t.Fatalf("the test assumes throttling before locking: %+v", th)
	}
	fail := func(n int) {
		t.Helper()
		for i := 0; i < n; i++ {
			if res := tryLogin(e, "leader-a", "Wrong-pass-2026"); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d, want 401", i+1, res.StatusCode)
			}
		}
	}
	lock := func() {
		t.Helper()
		// MaxFailures in one window, the window passes, then the rest.
		fail(th.MaxFailures)
		res := tryLogin(e, "leader-a", testPassword)
		if b := body(res); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(b, "登录失败次数过多") {
			t.Fatalf("right password after %d failures: %d", th.MaxFailures, res.StatusCode)
		}
		clock.advance(th.Window + time.Second)
		fail(th.LockAfter - th.MaxFailures)
		clock.advance(th.Window + time.Second) // out of the throttle's window: only the lock refuses now
		res = tryLogin(e, "leader-a", testPassword)
		if b := body(res); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(b, "账号已被临时锁定") {
			t.Fatalf("right password after %d failures: %d, want locked\n%s", th.LockAfter, res.StatusCode, b)
		}
	}
	lock()
	// The lock ends by itself after LockFor.
	clock.advance(th.LockFor - th.Window)
	if res := tryLogin(e, "leader-a", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the lock expired: %d", res.StatusCode)
	}
	// Locked again, an office unlocks it from the account page.
	lock()
	office := e.login("office-city")
	leader := acctByName(e, "leader-a")
	page := office.acctCSRF("/accounts/" + id(leader.ID))
	if !strings.Contains(page, "锁定至") {
		t.Fatalf("account page does not show the lock:\n%s", page)
	}
	acctRedirect(t, office.post("/accounts/"+id(leader.ID)+"/unlock", nil), "unlock")
	if res := tryLogin(e, "leader-a", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after unlock: %d", res.StatusCode)
	}
}

// Failures from one address across many usernames (most unknown) are
// throttled too: after MaxPerIP, the address is refused even for an
// account that never failed, until the window passes.
func TestLoginThrottledPerAddress(t *testing.T) {
	clock := &testClock{}
	e := newEnvWith(t, serverOpts{clock: clock})
	th := auth.DefaultThrottle
	for i := 0; i < th.MaxPerIP; i++ {
		if res := tryLogin(e, fmt.Sprintf("guess%03d", i), "Wrong-pass-2026"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, res.StatusCode)
		}
	}
	res := tryLogin(e, "office-a", testPassword)
	if b := body(res); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(b, "登录失败次数过多") {
		t.Fatalf("an unfailed account from the guessing address: %d", res.StatusCode)
	}
	clock.advance(th.Window + time.Second)
	if res := tryLogin(e, "office-a", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d", res.StatusCode)
	}
}

// Every place a password is chosen enforces the policy with a Chinese 422
// naming the field: an account created by form and by the API, and one's own
// password change. (An administrator's reset generates a password that meets
// it: TestAccountResetPassword; the command line: TestUserResetWeakPassword.)
func TestPasswordPolicyEverywhere(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	c.acctCSRF("/accounts/new")
	weak := []struct{ pw, msg string }{
		{"Sh0rt-pw", "密码至少10位"},
		{"alllowercase2026", "密码须包含大写字母、小写字母、数字、符号中的至少三类"},
		{"Xx-new.user-2026", "密码不能包含用户名"},
	}
	for _, w := range weak {
		res := c.post("/accounts", url.Values{"username": {"new.user"}, "display_name": {"新用户"}, "role": {"leader"},
			"org_id": {id(e.countyA.ID)}, "password": {w.pw}})
		if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `id="e-password"`) ||
			!strings.Contains(b, w.msg) {
			t.Errorf("form create with %q: %d, want 422 naming password with %q", w.pw, res.StatusCode, w.msg)
		}
		var out struct {
			Error struct {
				Fields []struct{ Field, Message string } `json:"fields"`
			} `json:"error"`
		}
		status := c.api("POST", "/api/v1/accounts", map[string]any{"username": "new.user", "display_name": "新用户",
			"role": "leader", "org_id": e.countyA.ID, "password": w.pw}, &out)
		if status != http.StatusUnprocessableEntity || len(out.Error.Fields) != 1 || out.Error.Fields[0].Field != "password" ||
			out.Error.Fields[0].Message != w.msg {
			t.Errorf("API create with %q: %d %v", w.pw, status, out.Error.Fields)
		}
	}
	if list, _, _ := e.db.FindAccounts(context.Background(), app.System, store.AccountFilter{Username: "new.user"}); len(list) != 0 {
		t.Fatal("an account was created with a weak password")
	}
	c.acctCSRF("/me/password")
	for _, w := range weak {
		pw := strings.ReplaceAll(w.pw, "new.user", "office-a")
		res := c.post("/me/password", url.Values{"current_password": {testPassword}, "new_password": {pw}, "new_password2": {pw}})
		if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `id="e-new_password"`) ||
			!strings.Contains(b, w.msg) {
			t.Errorf("own change to %q: %d, want 422 naming new_password with %q", pw, res.StatusCode, w.msg)
		}
	}
	if _, res := acctSignIn(e, "office-a", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the password changed after refusals: %d", res.StatusCode)
	}
}

// sessionCookie returns the client's session cookie value.
func sessionCookie(c *client) string {
	u, _ := url.Parse(c.e.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "xs_session" {
			return ck.Value
		}
	}
	return ""
}

// withCookie sends GET path with only the given session cookie and answers
// the status and the Location.
func withCookie(t *testing.T, e *env, token, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "xs_session", Value: token})
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// A session ends after the policy's idle time without requests, and after
// its absolute lifetime however busy it is; the expired cookie then leads
// to the sign-in page and the API answers 401.
func TestSessionIdleAndAbsoluteExpiry(t *testing.T) {
	clock := &testClock{}
	e := newEnvWith(t, serverOpts{clock: clock})
	p := auth.DefaultSessionPolicy
	alive := func(tok, what string) bool {
		t.Helper()
		status, loc := withCookie(t, e, tok, "/")
		switch {
		case status == http.StatusOK:
			return true
		case status == http.StatusSeeOther && strings.HasPrefix(loc, "/login"):
			if st, _ := withCookie(t, e, tok, "/api/v1/me"); st != http.StatusUnauthorized {
				t.Errorf("%s: API answered %d with an expired session", what, st)
			}
			return false
		}
		t.Fatalf("%s: %d → %q", what, status, loc)
		return false
	}
	// Idle: used just within the idle time it lives on; left longer, it ends.
	idle := sessionCookie(e.login("office-a"))
	clock.advance(p.Idle - time.Minute)
	if !alive(idle, "used within the idle time") {
		t.Fatal("the session ended before its idle time")
	}
	clock.advance(p.Idle - time.Minute)
	if !alive(idle, "used again within the idle time") {
		t.Fatal("a request did not renew the idle time")
	}
	clock.advance(p.Idle + time.Minute)
	if alive(idle, "idle too long") {
		t.Fatalf("the session outlived %v without requests", p.Idle)
	}
	// Absolute: used every Idle-10min, it still ends at Absolute.
	busy := sessionCookie(e.login("office-a"))
	step := p.Idle - 10*time.Minute
	elapsed := time.Duration(0)
	for elapsed+step < p.Absolute {
		clock.advance(step)
		elapsed += step
		if !alive(busy, fmt.Sprintf("busy at %v", elapsed)) {
			t.Fatalf("a busy session ended at %v, before %v", elapsed, p.Absolute)
		}
	}
	clock.advance(step)
	if alive(busy, "busy past the absolute lifetime") {
		t.Fatalf("a busy session outlived its absolute lifetime %v", p.Absolute)
	}
}

// Signing out ends the session on the server (the old cookie, replayed, no
// longer works); changing one's password ends the account's other
// sessions; an administrator's reset ends all of them.
func TestSessionRevocation(t *testing.T) {
	e := newEnv(t)
	// Sign-out, then a replay of the cookie.
	c := e.login("office-a")
	old := sessionCookie(c)
	if status, _ := withCookie(t, e, old, "/"); status != http.StatusOK {
		t.Fatalf("the cookie before sign-out: %d", status)
	}
	acctRedirect(t, c.post("/logout", nil), "sign out")
	if status, loc := withCookie(t, e, old, "/"); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Fatalf("the signed-out cookie replayed: %d → %q", status, loc)
	}
	if status, _ := withCookie(t, e, old, "/api/v1/me"); status != http.StatusUnauthorized {
		t.Fatalf("the signed-out cookie on the API: %d", status)
	}
	// A password change keeps the changing session and ends the others.
	c1, c2 := e.login("office-a"), e.login("office-a")
	const next = "Changed-pass-2026"
	acctRedirect(t, c1.post("/me/password", url.Values{"current_password": {testPassword}, "new_password": {next},
		"new_password2": {next}}), "change")
	if status, _ := withCookie(t, e, sessionCookie(c1), "/"); status != http.StatusOK {
		t.Fatalf("the changing session: %d", status)
	}
	if status, _ := withCookie(t, e, sessionCookie(c2), "/"); status != http.StatusSeeOther {
		t.Fatalf("the other session after the change: %d", status)
	}
	// An administrator's reset ends every session of the account.
	l1, l2 := e.login("leader-a"), e.login("leader-a")
	office := e.login("office-city")
	leader := acctByName(e, "leader-a")
	office.acctCSRF("/accounts/" + id(leader.ID))
	if res := office.post("/accounts/"+id(leader.ID)+"/reset-password", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	for i, l := range []*client{l1, l2} {
		if status, _ := withCookie(t, e, sessionCookie(l), "/"); status != http.StatusSeeOther {
			t.Errorf("leader session %d after the reset: %d", i+1, status)
		}
	}
}

// The password policy is the deployment's (等保 level 3: complexity and
// periodic change): a stricter one is stated on the forms and enforced;
// with a maximum age, an older password must be changed at the next
// sign-in before anything else, and the new one lives on.
func TestPasswordPolicyConfigured(t *testing.T) {
	clock := &testClock{}
	e := newEnvWith(t, serverOpts{clock: clock})
	e.db.Passwords = auth.PasswordPolicy{MinLength: 12, MinClasses: 4, MaxAge: 90 * 24 * time.Hour}
	c := e.login("office-a")
	if status, page := c.get("/me/password"); status != http.StatusOK || !strings.Contains(page, "至少12位，包含大写字母、小写字母、数字、符号中的至少四类") ||
		!strings.Contains(page, "每90天须更换一次") {
		t.Fatalf("password form does not state the policy: %d", status)
	}
	for pw, want := range map[string]string{"Short-pw-26": "密码至少12位", "Longer-password": "密码须包含大写字母、小写字母、数字、符号中的至少四类"} {
		res := c.post("/me/password", url.Values{"current_password": {testPassword}, "new_password": {pw}, "new_password2": {pw}})
		if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, want) {
			t.Errorf("new password %q: %d, want 422 with %q", pw, res.StatusCode, want)
		}
	}
	// Within 90 days the password lives on; past them, the next sign-in
	// leads to the password page and nowhere else.
	clock.advance(89 * 24 * time.Hour)
	if status, _ := e.login("office-a").get("/members"); status != http.StatusOK {
		t.Fatalf("day 89: /members answered %d", status)
	}
	clock.advance(2 * 24 * time.Hour)
	c = e.anon()
	_, lp := c.get("/login")
	c.csrf = csrfRe.FindStringSubmatch(lp)[1]
	if res := c.post("/login", url.Values{"username": {"office-a"}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("day 91 sign-in: %d", res.StatusCode)
	}
	if status, _ := c.get("/members"); status != http.StatusSeeOther {
		t.Fatalf("day 91: /members answered %d, want a redirect to the password page", status)
	}
	page := c.acctCSRF("/me/password")
	if !strings.Contains(page, "您的密码已使用超过90天") {
		t.Fatalf("the password page does not say the password expired:\n%s", page)
	}
	const next = "Renewed-pass-2027"
	if res := c.post("/me/password", url.Values{"current_password": {testPassword}, "new_password": {next}, "new_password2": {next}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change the expired password: %d %s", res.StatusCode, body(res))
	}
	as, _, err := e.db.FindAccounts(context.Background(), app.System, store.AccountFilter{Username: "office-a"})
	if err != nil || len(as) != 1 {
		t.Fatalf("office-a: %v", err)
	}
	if a := as[0]; a.MustChangePassword || clock.now().Sub(a.PasswordChangedAt) > time.Minute {
		t.Fatalf("after the change: must change %v, changed at %v", a.MustChangePassword, a.PasswordChangedAt)
	}
}
