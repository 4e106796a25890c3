package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"xieshang/internal/store"
	"xieshang/internal/web"
	"xieshang/internal/web/static"
)

// testClock is the database's clock for a test: the real time moved on by
// an offset the test sets, so that windows and lifetimes pass without
// sleeping. It is installed before the server starts.
type testClock struct{ off atomic.Int64 }

func (c *testClock) now() time.Time { return time.Now().Add(time.Duration(c.off.Load())) }

// advance moves the clock on by d.
func (c *testClock) advance(d time.Duration) { c.off.Add(int64(d)) }

// serverOpts chooses how newEnvWith serves the fixture world.
type serverOpts struct {
	cfg   web.Config
	log   *slog.Logger
	tls   bool
	clock *testClock
}

// newEnvWith is newEnv served by a server of its own: another configuration,
// a logger, TLS, or a test clock.
func newEnvWith(t *testing.T, o serverOpts) *env {
	t.Helper()
	e := newEnv(t)
	e.srv.Close()
	if o.clock != nil {
		e.db.Now = o.clock.now
	}
	e.web = web.New(e.db, o.cfg, o.log)
	if o.tls {
		e.srv = httptest.NewTLSServer(e.web)
	} else {
		e.srv = httptest.NewServer(e.web)
	}
	t.Cleanup(e.srv.Close)
	return e
}

// anonTLS is e.anon for a TLS server: the jar sends Secure cookies back.
func (e *env) anonTLS() *client {
	c := e.anon()
	c.http.Transport = e.srv.Client().Transport
	return c
}

// lockedBuffer is a log destination that handlers write to concurrently.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// cookieFlags reads the Set-Cookie headers of a response by name.
func cookieFlags(res *http.Response) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, c := range res.Cookies() {
		out[c.Name] = c
	}
	return out
}

// signInSteps signs in through the form, returning the login page's and the
// sign-in answer's cookies.
func signInSteps(t *testing.T, e *env, c *client, username, password string) (page, login map[string]*http.Cookie) {
	t.Helper()
	res, err := c.http.Get(e.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b := body(res)
	res.Body.Close()
	page = cookieFlags(res)
	c.csrf = csrfRe.FindStringSubmatch(b)[1]
	r2 := c.post("/login", url.Values{"username": {username}, "password": {password}})
	if r2.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in %s: %d", username, r2.StatusCode)
	}
	return page, cookieFlags(r2)
}

// The session and login-CSRF cookies carry HttpOnly and SameSite always, and
// Secure when the server is configured for TLS behind a proxy or itself
// receives the request over TLS; over plain HTTP without the setting they
// do not (a browser would then drop them).
func TestCookiesSecureOverTLS(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opts       serverOpts
		wantSecure bool
	}{
		{"TLS with SecureCookies", serverOpts{cfg: web.Config{SecureCookies: true}, tls: true}, true},
		{"TLS detected", serverOpts{tls: true}, true},
		{"behind a TLS proxy", serverOpts{cfg: web.Config{SecureCookies: true}}, true},
		{"plain HTTP", serverOpts{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, tc.opts)
			c := e.anon()
			if tc.opts.tls {
				c = e.anonTLS()
			}
			page, login := signInSteps(t, e, c, "office-a", testPassword)
			for _, ck := range []*http.Cookie{page["xs_login_csrf"], login["xs_session"]} {
				if ck == nil {
					t.Fatalf("cookies missing: page %v, login %v", page, login)
				}
				if !ck.HttpOnly || ck.SameSite == http.SameSiteDefaultMode || ck.SameSite == http.SameSiteNoneMode {
					t.Errorf("%s: HttpOnly %v SameSite %v", ck.Name, ck.HttpOnly, ck.SameSite)
				}
				if ck.Secure != tc.wantSecure {
					t.Errorf("%s: Secure %v, want %v", ck.Name, ck.Secure, tc.wantSecure)
				}
			}
			if tc.opts.tls { // the Secure session works over TLS
				if status, _ := c.get("/"); status != http.StatusOK {
					t.Fatalf("home over TLS: %d", status)
				}
			}
			// Signing out clears the cookie with the same flags.
			c.csrf = csrfRe.FindStringSubmatch(func() string { _, b := c.get("/"); return b }())[1]
			out := cookieFlags(c.post("/logout", nil))["xs_session"]
			if out == nil || out.MaxAge >= 0 || out.Secure != tc.wantSecure || !out.HttpOnly {
				t.Errorf("sign-out cookie: %+v", out)
			}
		})
	}
}

// Every kind of answer carries the security headers: a page, a JSON API
// answer, a 404, a static asset, a redirect, a file download, an error of
// the API, a refused form.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	anon := e.anon()
	do := func(cl *client, method, path string) *http.Response {
		req, _ := http.NewRequest(method, e.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := cl.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	for _, tc := range []struct {
		what, path string
		cl         *client
		status     int
		ctype      string
	}{
		{"login page", "/login", anon, 200, "text/html"},
		{"signed-in page", "/members", c, 200, "text/html"},
		{"API JSON", "/api/v1/me", c, 200, "application/json"},
		{"API 401", "/api/v1/me", anon, 401, "application/json"},
		{"API 404", "/api/v1/no-such-thing", c, 404, "application/json"},
		{"page 404", "/no-such-page", c, 404, "text/html"},
		{"page 403", "/accounts", e.login("leader-a"), 403, "text/html"},
		{"static CSS", static.URL("app.css"), anon, 200, "text/css"},
		{"static JS", static.URL("app.js"), anon, 200, "javascript"},
		{"redirect to sign-in", "/members", anon, 303, ""},
		{"download", "/workbook.xlsx", c, 200, "spreadsheetml"},
		{"health", "/healthz", anon, 200, ""},
	} {
		res := do(tc.cl, "GET", tc.path)
		if res.StatusCode != tc.status || !strings.Contains(res.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: %d %q, want %d %q", tc.what, res.StatusCode, res.Header.Get("Content-Type"), tc.status, tc.ctype)
		}
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", tc.what, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" ||
			h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", tc.what, h)
		}
	}
}

// Every answer has a request id: an incoming well-formed X-Request-Id is
// kept (a proxy's), anything else is replaced by a new one. An internal
// error logs the id, and the Chinese 500 page shows it for the clerk to
// quote.
func TestRequestIDInHeaderLogAnd500Page(t *testing.T) {
	var logs lockedBuffer
	e := newEnvWith(t, serverOpts{log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	c := e.login("office-a")
	get := func(path, rid string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		if rid != "" {
			req.Header.Set("X-Request-Id", rid)
		}
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		return res, body(res)
	}
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)
	res, _ := get("/", "")
	first := res.Header.Get("X-Request-Id")
	if !hexID.MatchString(first) {
		t.Fatalf("generated request id %q", first)
	}
	if res, _ := get("/", ""); res.Header.Get("X-Request-Id") == first {
		t.Fatal("two requests share an id")
	}
	if res, _ := get("/", "proxy-0123-abcd"); res.Header.Get("X-Request-Id") != "proxy-0123-abcd" {
		t.Fatalf("well-formed incoming id not kept: %q", res.Header.Get("X-Request-Id"))
	}
	for _, bad := range []string{"short", "has space 12345", strings.Repeat("a", 65), "x\"}{\"evil\":1"} {
		if got := func() string { res, _ := get("/", bad); return res.Header.Get("X-Request-Id") }(); !hexID.MatchString(got) {
			t.Errorf("incoming id %q: answered %q, want a new one", bad, got)
		}
	}
	// An internal error: a table the inbox reads is gone.
	ctx := context.Background()
	if err := e.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `ALTER TABLE notice RENAME TO notice_gone`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	res, page := get("/inbox", "clerk-quote-7777")
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(page, "系统内部错误") ||
		!strings.Contains(page, "请求编号") || !strings.Contains(page, "clerk-quote-7777") {
		t.Fatalf("500 page: %d\n%s", res.StatusCode, page)
	}
	if strings.Contains(page, "notice") {
		t.Error("the 500 page shows the cause")
	}
	e.srv.Close() // every handler has returned and logged
	var errLine, reqLine bool
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"msg":"internal error"`) && strings.Contains(line, `"request_id":"clerk-quote-7777"`) {
			errLine = true
		}
		if strings.Contains(line, `"msg":"request"`) && strings.Contains(line, `"request_id":"clerk-quote-7777"`) &&
			strings.Contains(line, `"status":500`) && strings.Contains(line, `"level":"ERROR"`) {
			reqLine = true
		}
	}
	if !errLine || !reqLine {
		t.Fatalf("the id is not in both log lines (error %v, request %v):\n%s", errLine, reqLine, logs.String())
	}
	if !strings.Contains(logs.String(), `"request_id":"`+first+`"`) {
		t.Error("the generated id is not logged")
	}
}

// Requests carrying an identity number, a phone number and passwords (the
// sign-in form, a password change, a member's creation, a search, the API)
// leave none of them in the server's log, even at debug level.
func TestLogsHoldNoPersonalData(t *testing.T) {
	var logs lockedBuffer
	e := newEnvWith(t, serverOpts{log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	fx := newMemberFixture(t, e)
	const phone, wrongPassword, newPassword = "13987654321", "Wrong-guess-4711", "Fresh-secret-8831"
	idNum := idNumber(9)
	// A failed and a successful sign-in.
	a := e.anon()
	_, page := a.get("/login")
	a.csrf = csrfRe.FindStringSubmatch(page)[1]
	a.post("/login?username=office-a", url.Values{"username": {"office-a"}, "password": {wrongPassword}})
	c := e.login("office-a")
	// A member with an identity number and a phone number, by form and by the API.
	res := c.post("/members", url.Values{"committee_id": {id(e.countyA.ID)}, "name": {"赵日志"}, "gender": {"男"},
		"id_number": {idNum}, "phone": {phone}, "workplace": {"甲县"}, "status": {"serving"},
		"term_id": {id(fx.termA.ID)}, "sector_id": {id(fx.econA.ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("member create: %d\n%s", res.StatusCode, body(res))
	}
	// A refused form (the values echo on the page, not in the log).
	c.post("/members", url.Values{"committee_id": {id(e.countyA.ID)}, "name": {"赵日志"}, "id_number": {idNum + "X"}, "phone": {phone}})
	var out map[string]any
	c.api("POST", "/api/v1/members", map[string]any{"committee_id": e.countyA.ID, "name": "钱日志", "gender": "女",
		"id_number": idNumber(8), "phone": "13911112222"}, &out)
	// Searches with personal data in the query string.
	c.get("/members?q=" + phone + "&id_number=" + idNum)
	c.get("/search?q=" + idNum)
	c.get("/api/v1/members?q=" + phone)
	// A password change, refused and then done.
	c.post("/me/password", url.Values{"current_password": {wrongPassword}, "new_password": {newPassword}, "new_password2": {newPassword}})
	c.post("/me/password", url.Values{"current_password": {testPassword}, "new_password": {newPassword}, "new_password2": {newPassword}})
	e.srv.Close()
	got := logs.String()
	if !strings.Contains(got, "path=/members") || !strings.Contains(got, "path=/login") || !strings.Contains(got, "level=DEBUG") {
		t.Fatalf("the requests were not logged at debug level:\n%s", got)
	}
	for _, secret := range []string{idNum, idNumber(8), phone, "13911112222", testPassword, wrongPassword, newPassword,
		"username=office-a"} {
		if strings.Contains(got, secret) {
			t.Errorf("the log holds %q:\n%s", secret, got)
		}
	}
}
