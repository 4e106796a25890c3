package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
)

// policyForm is the security policy form with every setting filled from p.
func policyForm(p auth.SecurityPolicy) url.Values {
	v := url.Values{}
	for _, f := range auth.PolicyFields {
		v.Set(f.Key, id(int64(*f.Of(&p))))
	}
	return v
}

// The security policy page: only the security administrator opens it, only
// the one of the whole deployment saves it; values out of range come back by
// field; a saved change is audited with before and after, is read by the
// audit administrator, and applies at once (a longer minimum refuses a
// short new password).
func TestSecuritySettingsPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, who := range []string{"admin", "auditor", "office-a", "leader-a", "auditor-a"} {
		c := e.login(who)
		if status, _ := c.get("/settings/security"); status != http.StatusForbidden {
			t.Errorf("%s opens the security policy: %d", who, status)
		}
		if _, home := c.get("/"); strings.Contains(home, `href="/settings/security"`) {
			t.Errorf("%s is offered the security policy", who)
		}
	}
	sec := e.login("secadmin")
	status, page := sec.get("/settings/security")
	if status != 200 || !strings.Contains(page, `href="/settings/security"`) || !strings.Contains(page, "密码最短长度") ||
		!strings.Contains(page, "默认") || !strings.Contains(page, `action="/settings/security"`) {
		t.Fatalf("security page: %d\n%s", status, page)
	}
	if st, _ := sec.get("/audit"); st != http.StatusForbidden {
		t.Errorf("the security administrator reads the audit trail: %d", st)
	}

	// A security administrator of a committee sees the policy but does not save it.
	secA := e.login("secadmin-a")
	if status, page := secA.get("/settings/security"); status != 200 || strings.Contains(page, `action="/settings/security"`) ||
		!strings.Contains(page, "只有全平台的安全管理员可以修改") {
		t.Fatalf("committee security page: %d", status)
	}
	st, err := e.db.SecuritySettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := st.Policy
	want.PasswordMinLength = 16
	if res := secA.post("/settings/security", policyForm(want)); res.StatusCode != http.StatusForbidden {
		t.Fatalf("committee security administrator saves: %d", res.StatusCode)
	}

	// Out of range or not a number: 422, each field named with its reason, nothing saved.
	bad := policyForm(want)
	bad.Set("password_min_length", "40")
	bad.Set("audit_retention_days", "30")
	bad.Set("session_idle_minutes", "abc")
	bad.Set("lock_minutes", "")
	res := sec.post("/settings/security", bad)
	b := body(res)
	for _, msg := range []string{"密码最短长度应为8至32位", "审计日志保留应为180至3650天", "应为整数", "锁定时长不能为空"} {
		if !strings.Contains(b, msg) {
			t.Errorf("invalid policy: %q missing (%d)", msg, res.StatusCode)
		}
	}
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid policy: %d", res.StatusCode)
	}
	changes := func() []string {
		t.Helper()
		list, _, err := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Action: "settings_change", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range list {
			out = append(out, x.Summary+"|"+x.Before+"|"+x.After)
		}
		return out
	}
	if n := len(changes()); n != 0 {
		t.Fatalf("a refused policy wrote %d audit rows", n)
	}

	res = sec.post("/settings/security", policyForm(want))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/security?ok=saved" {
		t.Fatalf("save: %d %s", res.StatusCode, body(res))
	}
	if _, page := sec.get("/settings/security"); !strings.Contains(page, "已保存") || !strings.Contains(page, "16 位") {
		t.Fatalf("the saved policy is not shown:\n%s", page)
	}
	got := changes()
	if len(got) != 1 || !strings.Contains(got[0], "密码最短长度 10→16") || !strings.Contains(got[0], `"password_min_length":10`) ||
		!strings.Contains(got[0], `"password_min_length":16`) {
		t.Fatalf("audit rows of the change: %q", got)
	}
	if _, page := e.login("auditor").get("/audit?action=settings_change"); !strings.Contains(page, "密码最短长度 10→16") {
		t.Error("the audit administrator does not see the change")
	}

	// The new minimum applies to the next password change.
	leader := e.login("leader-a")
	res = leader.post("/me/password", url.Values{"current_password": {testPassword}, "new_password": {"Short-pass-2026"},
		"new_password2": {"Short-pass-2026"}})
	if b := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "密码至少16位") {
		t.Fatalf("a 15-character password under a minimum of 16: %d", res.StatusCode)
	}
	res = leader.post("/me/password", url.Values{"current_password": {testPassword}, "new_password": {"Longer-pass-2026x"},
		"new_password2": {"Longer-pass-2026x"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a 17-character password: %d %s", res.StatusCode, body(res))
	}
}

// The JSON API reads and changes the policy (only the settings sent), and the
// security administrator unlocks a locked account from the policy page.
func TestSecuritySettingsAPIAndUnlock(t *testing.T) {
	e := newEnv(t)
	sec := e.login("secadmin")
	var st struct {
		Policy auth.SecurityPolicy `json:"policy"`
		Source map[string]string   `json:"source"`
	}
	if status := sec.api("GET", "/api/v1/settings/security", nil, &st); status != 200 || st.Policy.LockAfter != 10 ||
		st.Source["lock_after"] != "默认" {
		t.Fatalf("GET policy: %d %+v", status, st)
	}
	var apiErr struct {
		Error struct {
			Fields app.FieldErrors `json:"fields"`
		} `json:"error"`
	}
	if status := sec.api("PATCH", "/api/v1/settings/security", map[string]any{"lock_after": 2}, &apiErr); status != http.StatusUnprocessableEntity ||
		!strings.Contains(apiErr.Error.Fields.Get("lock_after"), "3至50次") {
		t.Fatalf("lock_after 2: %d %+v", status, apiErr)
	}
	if status := e.login("admin").api("PATCH", "/api/v1/settings/security", map[string]any{"lock_after": 4}, nil); status != http.StatusForbidden {
		t.Fatalf("the system administrator changes the policy: %d", status)
	}
	if status := sec.api("PATCH", "/api/v1/settings/security", map[string]any{"lock_after": 4}, &st); status != 200 ||
		st.Policy.LockAfter != 4 || st.Source["lock_after"] != "已保存" {
		t.Fatalf("PATCH lock_after 4: %d %+v", status, st)
	}

	// Four failures lock leader-a (under the throttle's five).
	for i := 0; i < 4; i++ {
		if res := tryLogin(e, "leader-a", "Wrong-pass-2026"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, res.StatusCode)
		}
	}
	if res := tryLogin(e, "leader-a", testPassword); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body(res), "账号已被临时锁定") {
		t.Fatalf("after 4 failures under lock_after 4: %d", res.StatusCode)
	}
	leader := acctByName(e, "leader-a")
	_, page := sec.get("/settings/security")
	unlock := "/accounts/" + id(leader.ID) + "/unlock"
	if !strings.Contains(page, `action="`+unlock+`"`) {
		t.Fatalf("the locked account is not listed:\n%s", page)
	}
	if res := e.login("auditor").post(unlock, nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("the audit administrator unlocks: %d", res.StatusCode)
	}
	res := sec.post(unlock, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/security?ok=unlocked" {
		t.Fatalf("unlock: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := tryLogin(e, "leader-a", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after unlock: %d", res.StatusCode)
	}
	// An office may not unlock an account it may not assign.
	adm := acctByName(e, "admin")
	if res := e.login("office-city").post("/accounts/"+id(adm.ID)+"/unlock", nil); res.StatusCode != http.StatusNotFound &&
		res.StatusCode != http.StatusForbidden {
		t.Fatalf("office unlocks the system administrator: %d", res.StatusCode)
	}
}
