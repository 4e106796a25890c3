package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// A cached route renders once per data version and account; the answer
// carries the asking session's CSRF token; a change, another day, the TTL
// or another account renders again; errors are not kept; a read's audit
// action runs again on every cached answer.
func TestServeCached(t *testing.T) {
	db := storetest.Open(t)
	s := New(db, Config{}, nil)
	ctx := context.Background()
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, db.Loc)
	db.Now = func() time.Time { return now }

	renders, hits := 0, 0
	status := http.StatusOK
	handle := func(w http.ResponseWriter, r *http.Request) error {
		renders++
		onCacheHit(r, func(context.Context, app.Actor) error { hits++; return nil })
		if status != http.StatusOK {
			return app.NotFound("页面")
		}
		return render(w, r, http.StatusOK, templ.Raw(`<form><input name="csrf_token" value="`+state(r).session.CSRFToken+`"></form>`))
	}
	get := func(account int64, token, uri string) (int, string) {
		t.Helper()
		st := &reqState{signed: true, account: auth.Account{ID: account}, session: auth.Session{CSRFToken: token}}
		r := httptest.NewRequest("GET", uri, nil).WithContext(withState(ctx, st))
		w := httptest.NewRecorder()
		s.serveCached(w, r, cacheData, handle)
		return w.Code, w.Body.String()
	}
	want := func(body, token string) {
		t.Helper()
		if !strings.Contains(body, `value="`+token+`"`) || strings.Contains(body, s.pages.placeholder) {
			t.Fatalf("body %q: want the token %s and no placeholder", body, token)
		}
	}

	_, b := get(1, "tokA", "/x?a=1")
	want(b, "tokA")
	_, b = get(1, "tokB", "/x?a=1") // another session of the account: a hit with its own token
	want(b, "tokB")
	if renders != 1 || hits != 1 {
		t.Fatalf("renders %d hits %d, want 1 and 1", renders, hits)
	}
	get(2, "tokC", "/x?a=1") // another account
	get(1, "tokA", "/x?a=2") // another address
	if renders != 3 {
		t.Fatalf("renders %d, want 3", renders)
	}

	// A change anywhere renders again.
	if _, err := db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "变更市政协"}); err != nil {
		t.Fatal(err)
	}
	get(1, "tokA", "/x?a=1")
	if renders != 4 {
		t.Fatalf("after a change: renders %d, want 4", renders)
	}
	// An audited read does not.
	if err := db.AuditRead(ctx, app.System, store.Change{Action: "export", Entity: "member", Summary: "导出委员名单"}); err != nil {
		t.Fatal(err)
	}
	get(1, "tokA", "/x?a=1")
	if renders != 4 {
		t.Fatalf("after an audited read: renders %d, want 4", renders)
	}
	// The clock: past the TTL, and the next day.
	now = now.Add(pageCacheTTL + time.Second)
	get(1, "tokA", "/x?a=1")
	now = now.Add(24 * time.Hour)
	get(1, "tokA", "/x?a=1")
	if renders != 6 {
		t.Fatalf("after the TTL and a day: renders %d, want 6", renders)
	}

	// An error page is not kept, and carries the token too.
	status = http.StatusNotFound
	for range 2 {
		code, b := get(1, "tokA", "/missing")
		if code != http.StatusNotFound {
			t.Fatalf("status %d, want 404", code)
		}
		if strings.Contains(b, s.pages.placeholder) {
			t.Fatalf("error page shows the placeholder")
		}
	}
	if renders != 8 {
		t.Fatalf("error pages: renders %d, want 8", renders)
	}
}

// The cache keeps its bytes under the limit, dropping the least recently
// used pages first, and never keeps a page larger than the limit.
func TestPageCacheEvicts(t *testing.T) {
	c := newPageCache()
	c.max = 100
	day := app.MustDate("2026-05-06")
	at := time.Now()
	put := func(uri string, size int) {
		c.put(&pageEntry{key: pageKey{1, uri}, version: 1, day: day, at: at, size: size})
	}
	has := func(uri string) bool { return c.get(pageKey{1, uri}, 1, day, at) != nil }
	put("/a", 40)
	put("/b", 40)
	has("/a") // /b is now the least recently used
	put("/c", 40)
	if !has("/a") || has("/b") || !has("/c") || c.bytes != 80 {
		t.Fatalf("after eviction: a %v b %v c %v bytes %d", has("/a"), has("/b"), has("/c"), c.bytes)
	}
	put("/huge", 101)
	if has("/huge") || c.bytes != 80 {
		t.Fatalf("a page over the limit was kept (bytes %d)", c.bytes)
	}
	if c.get(pageKey{1, "/a"}, 2, day, at) != nil || c.bytes != 40 {
		t.Fatalf("an entry of another version was answered or kept (bytes %d)", c.bytes)
	}
}
