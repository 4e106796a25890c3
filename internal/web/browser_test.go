package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/store"
)

// browser starts headless Chromium for a test (Debian's chromium, or
// XIESHANG_CHROMIUM). Without one the test is skipped, unless
// XIESHANG_TEST_REQUIRE_BROWSER=1 (scripts/test sets it after installing
// Chromium), when it fails.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("XIESHANG_CHROMIUM")
	if path == "" {
		path, _ = exec.LookPath("chromium")
	}
	if path == "" {
		if os.Getenv("XIESHANG_TEST_REQUIRE_BROWSER") == "1" {
			t.Fatal("Chromium is required (XIESHANG_TEST_REQUIRE_BROWSER=1) but not installed")
		}
		t.Skip("no Chromium (apt-get install chromium, or set XIESHANG_CHROMIUM)")
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900)}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser with no deadline (see chromedp.Run)
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// screenshot saves the page as PNG under XIESHANG_ARTIFACTS (scripts/test:
// artifacts/screenshots), or nowhere when unset.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("XIESHANG_ARTIFACTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// In a real browser: a wrong password is refused with the reason on the
// form; each role signs in, lands on its home page with its name and role in
// the header, and the sign-in is in the audit log.
func TestBrowserLoginPerRole(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(c, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	// signIn fills the form and waits for the element the answer must show.
	signIn := func(user, password, until string) {
		t.Helper()
		step("sign in as "+user, chromedp.Navigate(e.srv.URL+"/login"),
			chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(until)))
	}

	signIn("office-city", "Wrong-pass-2026", `[role="alert"]`)
	if got := text(`[role="alert"]`); !strings.Contains(got, "用户名或密码不正确") {
		t.Fatalf("wrong password: the page says %q", got)
	}
	screenshot(t, ctx, "login-refused")

	logins := func() int {
		t.Helper()
		_, n, err := e.db.FindAuditEntries(context.Background(), app.System, store.AuditFilter{Action: "login"})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, c := range []struct{ user, role string }{
		{"office-city", "机关工作人员"}, {"leader-city", "领导"}, {"cadre-a", "帮扶干部"}, {"admin", "系统管理员"}, {"secadmin", "安全管理员"}, {"auditor", "审计管理员"},
	} {
		// A fresh session for each: sign out through the header's form.
		before := logins()
		signIn(c.user, testPassword, ".who")
		who := text(".who")
		if !strings.Contains(who, c.user) || !strings.Contains(who, c.role) {
			t.Fatalf("%s: the header says %q, want the name and %s", c.user, who, c.role)
		}
		screenshot(t, ctx, "home-"+c.user)
		if n := logins() - before; n != 1 {
			t.Fatalf("%s: %d sign-ins written to the audit log, want 1", c.user, n)
		}
		step("sign out "+c.user, chromedp.Click(chromedp.CSS(`.who button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	}
}

// In a real browser: the header's search box finds a two-character word in a
// member's record, marks it, and the hit's link opens the member.
func TestBrowserSearch(t *testing.T) {
	e := newEnv(t)
	m, err := e.db.CreateMember(context.Background(), app.System, e.countyA.ID,
		member.Input{Name: "协商测试委员", Workplace: "甲县扶贫协会"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err = chromedp.Do(c, chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "office-a"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#top-q`)),
		chromedp.SendKeys(chromedp.CSS(`#top-q`), "扶贫\n"),
		chromedp.WaitVisible(chromedp.CSS(`.search-group`)))
	if err != nil {
		t.Fatal(err)
	}
	group, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(`.search-group`)))
	if err != nil || !strings.Contains(group, "协商测试委员") || !strings.Contains(group, "扶贫") {
		t.Fatalf("the search's first group: %q (%v)", group, err)
	}
	marked, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(`.search-group mark`)))
	if err != nil || marked != "扶贫" {
		t.Fatalf("the marked word: %q (%v)", marked, err)
	}
	screenshot(t, ctx, "search-fupin")
	err = chromedp.Do(c, chromedp.Click(chromedp.CSS(`.search-group a.hit-title`)), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(c, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/members/"+id(m.ID)) {
		t.Fatalf("the hit opened %q, want member %d (%v)", loc, m.ID, err)
	}
}

// tab is one browser tab on the test server, with steps that fail the test
// with what they were doing.
type tab struct {
	t   *testing.T
	e   *env
	ctx context.Context
}

// tab starts a browser (see browser) on the env's server.
func (e *env) tab(t *testing.T) *tab {
	t.Helper()
	return &tab{t: t, e: e, ctx: browser(t)}
}

// do runs actions with a 30-second limit.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	c, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to a path of the server and waits for its body.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.e.srv.URL+path), chromedp.WaitReady(chromedp.CSS(`body`)))
}

// signIn signs in through the form as a fixture account.
func (b *tab) signIn(user string) {
	b.t.Helper()
	b.signInWith(user, testPassword)
}

// signInWith signs in through the form with a password.
func (b *tab) signInWith(user, password string) {
	b.t.Helper()
	b.do("sign in as "+user, chromedp.Navigate(b.e.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.who`)))
}

// text is the visible text of the first element sel matches.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return evalIn[string](b, `(document.querySelector(`+jsString(sel)+`)||{innerText:"(`+strings.ReplaceAll(sel, `"`, `'`)+` not found)"}).innerText`)
}

// evalIn evaluates a JavaScript expression in the tab.
func evalIn[T any](b *tab, js string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	c, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		b.t.Fatalf("evaluate %.80s: %v", js, err)
	}
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// check is what every page in a flow gets: the accessibility check and a
// screenshot named name.
func (b *tab) check(name string) {
	b.t.Helper()
	b.a11y(name)
	screenshot(b.t, b.ctx, name)
}

// axeViolation is one rule axe-core found broken, with the elements.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// loadAxe reads axe-core from XIESHANG_AXE (the path of axe.min.js,
// fetched by scripts/test). Without it the check is skipped (false), unless
// the browser tests are required.
func loadAxe(t *testing.T) bool {
	t.Helper()
	path := os.Getenv("XIESHANG_AXE")
	if path == "" {
		if os.Getenv("XIESHANG_TEST_REQUIRE_BROWSER") == "1" {
			t.Fatal("XIESHANG_AXE (axe.min.js) is required with the browser tests: run scripts/test")
		}
		return false
	}
	axeSource.once.Do(func() {
		src, err := os.ReadFile(path)
		axeSource.js, axeSource.err = string(src), err
	})
	if axeSource.err != nil {
		t.Fatalf("axe-core: %v", axeSource.err)
	}
	return true
}

// axeViolations runs axe-core (see loadAxe) in the page.
func axeViolations(b *tab) []axeViolation {
	b.t.Helper()
	if !evalIn[bool](b, `typeof axe === "object"`) {
		evalIn[bool](b, axeSource.js+";true")
	}
	report := evalIn[string](b, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.replace(/\s+/g, " ") : ""))}))))`, chromedp.EvalAwaitPromise)
	var violations []axeViolation
	if err := json.Unmarshal([]byte(report), &violations); err != nil {
		b.t.Fatalf("axe report: %v", err)
	}
	// axe-core has its duplicate-id rules off (WCAG 4.1.1 is obsolete); a label's for= must
	// still name one control only.
	if dup := evalIn[[]string](b, `[...new Set([...document.querySelectorAll("[id]")].map(e => e.id).filter((id, i, all) => all.indexOf(id) !== i))]`); len(dup) > 0 {
		violations = append(violations, axeViolation{ID: "duplicate-id", Impact: "serious",
			Help: "ids must be unique (a label names the first element of its id)", Nodes: dup})
	}
	return violations
}

var axeSource struct {
	once sync.Once
	js   string
	err  error
}

// a11y runs axe-core on the page for WCAG 2.1 A and AA and fails the test
// with each violation: rule, impact, and the elements.
func (b *tab) a11y(name string) {
	b.t.Helper()
	if !loadAxe(b.t) {
		return
	}
	violations := axeViolations(b)
	if len(violations) == 0 {
		return
	}
	var sb strings.Builder
	for _, v := range violations {
		fmt.Fprintf(&sb, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for i, n := range v.Nodes {
			if i == 5 {
				fmt.Fprintf(&sb, "\n    … and %d more", len(v.Nodes)-5)
				break
			}
			fmt.Fprintf(&sb, "\n    %s", n)
		}
	}
	url := evalIn[string](b, `location.pathname + location.search`)
	b.t.Errorf("accessibility: %s (%s) has %d violation(s):%s", name, url, len(violations), sb.String())
}
