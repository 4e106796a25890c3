package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"xieshang/internal/demo"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// Every kind of page the demo committee's accounts can reach by following
// links passes the accessibility check (WCAG 2.1 A and AA, axe-core): the
// crawl starts at each account's home page, keeps one page per address
// shape (numbers are one shape), and stays off exports, the API and
// sign-out.
func TestBrowserA11yCrawl(t *testing.T) {
	db := storetest.Open(t)
	if _, err := demo.Load(context.Background(), db, io.Discard); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(db, web.Config{}, nil))
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, srv: srv}
	shape := regexp.MustCompile(`\d+`)
	seen := map[string]bool{}
	for _, user := range []string{"office", "member", "cadre", "coordinator", "admin"} {
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
			b.a11y(user + " " + p)
			for _, href := range evalIn[[]string](b, `[...document.querySelectorAll("a[href]")].map(a => a.getAttribute("href"))`) {
				u, err := url.Parse(href)
				if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || skipCrawl(u.Path) {
					continue
				}
				key := shape.ReplaceAllString(u.Path, "N")
				if u.RawQuery != "" { // one page of each list's query shape
					q := u.Query()
					keys := make([]string, 0, len(q))
					for k := range q {
						keys = append(keys, k)
					}
					slices.Sort(keys)
					key += "?" + strings.Join(keys, "&")
				}
				if !seen[key] {
					seen[key] = true
					queue = append(queue, u.RequestURI())
				}
			}
		}
	}
	t.Logf("%d page shapes checked", len(seen))
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
