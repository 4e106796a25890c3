package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"xieshang/internal/demo"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// Every kind of page the demo committee's accounts can reach by following
// links passes the accessibility check (WCAG 2.1 A and AA and axe-core's
// best practices, among them heading order), and every chart on them has
// its data in a table beside it; each page is saved as a screenshot. The
// crawl starts at each account's home page, keeps one page per address
// shape (numbers are one shape), and stays off exports, the API and
// sign-out.
func TestBrowserA11yCrawl(t *testing.T) {
	if os.Getenv("XIESHANG_TEST_DB") == "postgres" {
		t.Skip("the pages' markup does not depend on the database: crawled in the SQLite run")
	}
	db := storetest.Open(t)
	if _, err := demo.Load(context.Background(), db, io.Discard); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(db, web.Config{}, nil))
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, srv: srv}
	total := 0
	var officeSeen map[string]bool
	for _, user := range []string{"office", "member", "cadre", "coordinator", "admin", "secadmin", "auditor"} {
		// Each account crawls its own pages (their content differs by role),
		// except the three administrators, whose pages are mostly the
		// office's: they visit those the office did not (the security
		// policy, the audit verification).
		seen := map[string]bool{}
		switch user {
		case "office":
			officeSeen = seen
		case "admin", "secadmin", "auditor":
			seen = officeSeen
			total -= len(seen)
		}
		b := e.tab(t)
		b.signInWith(user, demo.Password)
		queue := []string{"/"}
		for len(queue) > 0 && len(seen) < 400 {
			p := queue[0]
			queue = queue[1:]
			if err := chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+p)); err != nil {
				if strings.Contains(err.Error(), "ERR_ABORTED") { // a download
					continue
				}
				t.Fatalf("open %s: %v", p, err)
			}
			if user == "office" { // the office reaches nearly every page: its screenshots show them all
				b.check("crawl-" + user + strings.NewReplacer("/", "-", "?", "_", "&", "_", "=", "").Replace(digits.ReplaceAllString(p, "N")))
			} else {
				b.a11y(user + " " + p)
			}
			// Charts come with their data as a table in the same section.
			if n := evalIn[int](b, `[...document.querySelectorAll("svg[role=img]")].filter(s => !(s.closest("section, .card") || document.body).querySelector("table")).length`); n > 0 {
				t.Errorf("%s %s: %d chart(s) without a table of their data beside them", user, p, n)
			}
			for _, href := range evalIn[[]string](b, `[...document.querySelectorAll("a[href]")].map(a => a.getAttribute("href"))`) {
				queue = crawlLink(href, seen, queue)
			}
		}
		t.Logf("%s: %d page shapes checked", user, len(seen))
		total += len(seen)
	}
	t.Logf("%d pages checked in all", total)
}

// skipCrawl: addresses the crawl does not open — downloads, the API, static
// files and anything that ends the session.
func skipCrawl(p string) bool {
	for _, s := range []string{".xlsx", ".csv", ".json", ".png", ".svg", ".pdf", "/api/", "/static/", "/logout", "/events"} {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}

// The check itself finds what it must: an input without a label, grey text
// too faint to read, an image without alternative text, a page without a
// language.
func TestBrowserA11yCheckFinds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html><head><title>坏页面</title></head><body><main>
<h1>坏页面</h1><input name="q"><p style="color:#bbb;background:#fff">浅灰色的字</p><img src="data:,">
</main></body></html>`)
	}))
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv}
	b := e.tab(t)
	if !loadAxe(t) {
		t.Skip("no axe-core (XIESHANG_AXE)")
	}
	b.open("/")
	found := map[string]bool{}
	for _, v := range axeViolations(b) {
		found[v.ID] = true
	}
	for _, id := range []string{"label", "color-contrast", "image-alt", "html-has-lang"} {
		if !found[id] {
			t.Errorf("axe did not report %s (reported %v)", id, found)
		}
	}
}

// By keyboard alone: sign in (Tab, type, Enter), skip to the content, and
// tab through a whole form page in document order — every element that
// takes focus shows a focus ring of at least 2 px whose colour stands out
// from what is behind it (3:1, WCAG 2.2 focus appearance), none is skipped
// or reordered by a positive tabindex, and the form's submit button is
// reached.
func TestBrowserKeyboard(t *testing.T) {
	e := newEnv(t)
	b := e.tab(t)
	focused := func() string {
		return evalIn[string](b, `(e => e && e !== document.body ? (e.id || e.name || e.tagName.toLowerCase() + ":" + e.innerText.trim()) : "")(document.activeElement)`)
	}
	keys := func(what, k string) {
		t.Helper()
		b.do(what, chromedp.KeyEvent(k))
	}
	b.open("/login")
	keys("tab to the user name", "\t")
	if f := focused(); f != "f-username" {
		t.Fatalf("the first Tab on the sign-in page focuses %q, want the user name", f)
	}
	keys("type the user name", "office-a\t")
	if f := focused(); f != "f-password" {
		t.Fatalf("Tab from the user name focuses %q, want the password", f)
	}
	keys("type the password", testPassword+"\r")
	b.do("wait for the home page", chromedp.WaitVisible(chromedp.CSS(`.who`)))

	keys("tab to the skip link", "\t")
	if f := focused(); f != "a:跳到正文" {
		t.Fatalf("the first Tab on a page focuses %q, want the skip link", f)
	}
	if x := evalIn[float64](b, `document.activeElement.getBoundingClientRect().left`); x < 0 {
		t.Errorf("the focused skip link is off screen (left %v)", x)
	}
	keys("follow the skip link", "\r")
	if h := evalIn[string](b, `location.hash`); h != "#main" {
		t.Errorf("the skip link led to %q, want #main", h)
	}

	b.open("/members/new")
	if n := evalIn[int](b, `[...document.querySelectorAll("[tabindex]")].filter(e => e.tabIndex > 0).length`); n > 0 {
		t.Errorf("%d elements with a positive tabindex reorder the keyboard path", n)
	}
	// The focusable elements in document order, as the Tab key should visit them.
	want := evalIn[[]string](b, `[...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")]
		.filter(e => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0 && !e.closest("[hidden]"))
		.map(e => e.id || e.name || e.tagName.toLowerCase() + ":" + e.innerText.trim())`)
	// ring describes the focused element's focus ring: width, and the
	// contrast of its colour with the background behind the element.
	const ring = `(() => {
		const e = document.activeElement, s = getComputedStyle(e);
		const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
		const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4 })
			.reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
		let bg = null;
		for (let p = e.parentElement; p && !bg; p = p.parentElement) {
			const c = rgb(getComputedStyle(p).backgroundColor);
			if (c.length === 3 || c[3] > 0) bg = c;
		}
		bg = bg || [255, 255, 255];
		const [l1, l2] = [lum(rgb(s.outlineColor)), lum(bg)].sort((a, b) => b - a);
		return JSON.stringify({width: s.outlineStyle === "none" ? 0 : parseFloat(s.outlineWidth), contrast: (l1 + 0.05) / (l2 + 0.05)});
	})()`
	b.do("focus the page's start", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	var got []string
	for i := 0; i < 3*len(want); i++ {
		keys("Tab", "\t")
		f := focused()
		if f == "" || (len(got) > 0 && f == got[0]) {
			break
		}
		if len(got) > 0 && got[len(got)-1] == f {
			continue // a date input's day, month and year take a Tab each
		}
		got = append(got, f)
		var r struct{ Width, Contrast float64 }
		if err := json.Unmarshal([]byte(evalIn[string](b, ring)), &r); err != nil {
			t.Fatal(err)
		}
		if r.Width < 2 || r.Contrast < 3 {
			t.Errorf("focus on %s: ring %.0f px, contrast %.1f:1 with its background (want ≥ 2 px, ≥ 3:1)", f, r.Width, r.Contrast)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the Tab key visits\n  %q\nwant the document order\n  %q", got, want)
	}
	if !slices.Contains(got, "button:保存") {
		t.Errorf("the Tab key never reaches the form's save button: %q", got)
	}
	screenshot(t, b.ctx, "keyboard-member-new")
}
