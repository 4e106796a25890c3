package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web"
)

// The CSRF matrix (issue 12): every state-changing route of the server
// (POST, PUT, PATCH, DELETE of the route list TestAccessMatrixComplete
// checks) is sent by a signed-in browser session without the session's CSRF
// token, and once with a wrong one, on the access matrix's own-relation
// record, as county A's office (or, for a route the office lacks the
// permission of, the first role that holds it, so that the CSRF check and
// not the permission answers). Each must answer 403 with the CSRF message
// and change nothing: the audit log has as many rows after as before.
//
// The design it asserts (middleware.go, wrap and checkCSRF):
//
//   - a request authenticated by the session cookie needs the token (form
//     field csrf_token or header X-CSRF-Token), web and /api/v1 routes alike:
//     a browser sends the cookie on a cross-site request to the API too;
//   - a request authenticated by an API token (Authorization: Bearer) is
//     exempt: no browser adds that header to a cross-site request, and a
//     request carrying it is never taken for the session. The test sends
//     every API route with a bearer token and no CSRF token and asserts the
//     CSRF check does not refuse it;
//   - routes in csrfExempt are not sent with a session, for the reason given.
//
// A new state-changing route is checked without any change here; one that
// does not check the token fails the test unless csrfExempt names it.

// csrfExempt: state-changing routes not checked with a session's token, and why.
var csrfExempt = map[string]string{
	"POST /login": "no session yet: the login form carries a double-submit cookie (xs_login_csrf), checked here without a session",
}

// csrfRefused is the message of the CSRF refusal (checkCSRF).
const csrfRefused = "页面已过期或请求来源无效"

func TestCSRFMatrix(t *testing.T) {
	start := time.Now()
	e := newEnv(t)
	f := newMatrixFixture(t, e)
	ctx := context.Background()
	auditRows := func() int {
		t.Helper()
		_, n, err := e.db.FindAuditEntries(ctx, app.System, store.AuditFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	routes := map[string]bool{}
	var unsafe []web.Route
	for _, rt := range e.web.Routes() {
		key := rt.Method + " " + rt.Pattern
		routes[key] = true
		if rt.Method == "GET" {
			continue
		}
		if _, ok := csrfExempt[key]; ok {
			continue
		}
		unsafe = append(unsafe, rt)
	}
	for key := range csrfExempt {
		if !routes[key] || strings.HasPrefix(key, "GET ") {
			t.Errorf("csrfExempt names %s, which is no state-changing route", key)
		}
	}
	// Logging out last: if it failed to check the token, the session the
	// other cases use would end.
	slices.SortStableFunc(unsafe, func(a, b web.Route) int {
		return boolInt(a.Pattern == "/logout") - boolInt(b.Pattern == "/logout")
	})

	// The role each route is sent as: the office, or the first role holding
	// the route's permission.
	roleFor := func(rt web.Route) auth.Role {
		if rt.Perm == "" || auth.Office.Can(rt.Perm) {
			return auth.Office
		}
		for _, r := range auth.Roles {
			if r.Can(rt.Perm) {
				return r
			}
		}
		t.Fatalf("%s %s: no role holds %s", rt.Method, rt.Pattern, rt.Perm)
		return ""
	}

	requests, apiRoutes, other := 0, 0, map[auth.Role]int{}
	for _, rt := range unsafe {
		key := rt.Method + " " + rt.Pattern
		role := roleFor(rt)
		if role != auth.Office {
			other[role]++
		}
		if rt.API {
			apiRoutes++
		}
		c := f.clients["own"][role]
		path := matrixPath(matrixCase{rt: rt, rule: accessMatrix[key], rel: "own", role: role}, f)
		for _, token := range []string{"", "wrong-" + c.csrf} {
			before := auditRows()
			status, answer := csrfSend(t, c, rt, path, token)
			requests++
			what := "without a token"
			if token != "" {
				what = "with a wrong token"
			}
			if status != http.StatusForbidden || !strings.Contains(answer, csrfRefused) {
				t.Errorf("%s %s as %s %s: %d, want 403 (%s)\n%.300s", rt.Method, path, role, what, status, csrfRefused, answer)
			}
			if after := auditRows(); after != before {
				t.Errorf("%s %s as %s %s: %d audit rows written", rt.Method, path, role, what, after-before)
			}
		}
	}
	if len(unsafe) < 200 {
		t.Fatalf("only %d state-changing routes: the route list is not the server's", len(unsafe))
	}

	// The refusal is the token's: the same change with the token goes
	// through (a unit's name by form and by the API, and signing out).
	unitID := f.ids["unit"]
	office := e.login("mx-office-own") // a session of its own: it signs out below
	unitName := func() string {
		t.Helper()
		u, err := e.db.FindUnitByID(ctx, app.System, parseInt(t, unitID))
		if err != nil {
			t.Fatal(err)
		}
		return u.Name
	}
	rename := url.Values{"name": {"矩阵承办单位甲"}, "kind": {"government"}}
	unitPost := web.Route{Method: "POST", Pattern: "/units/{id}"}
	if st, _ := csrfSendForm(t, office, unitPost, "/units/"+unitID, rename, ""); st != http.StatusForbidden || unitName() != "矩阵承办单位" {
		t.Fatalf("unit form without a token: %d, name %q", st, unitName())
	}
	if st, _ := csrfSendForm(t, office, unitPost, "/units/"+unitID, rename, office.csrf); st != http.StatusSeeOther || unitName() != "矩阵承办单位甲" {
		t.Fatalf("unit form with the token: %d, name %q", st, unitName())
	}
	unitPut := web.Route{Method: "PUT", Pattern: "/api/v1/units/{id}", API: true}
	renamed := `{"name": "矩阵承办单位乙", "kind": "government"}`
	if st, _ := csrfSendJSON(t, office, unitPut, "/api/v1/units/"+unitID, renamed, ""); st != http.StatusForbidden || unitName() != "矩阵承办单位甲" {
		t.Fatalf("unit API call with the session and without a token: %d, name %q", st, unitName())
	}
	if st, _ := csrfSendJSON(t, office, unitPut, "/api/v1/units/"+unitID, renamed, office.csrf); st != http.StatusOK || unitName() != "矩阵承办单位乙" {
		t.Fatalf("unit API call with the session and the token: %d, name %q", st, unitName())
	}
	logout := web.Route{Method: "POST", Pattern: "/logout"}
	if st, _ := csrfSendForm(t, office, logout, "/logout", url.Values{}, ""); st != http.StatusForbidden {
		t.Fatalf("sign-out without a token: %d", st)
	}
	if st, _ := office.get("/"); st != http.StatusOK {
		t.Fatalf("the session after a refused sign-out: %d, want it alive", st)
	}
	if st, _ := csrfSendForm(t, office, logout, "/logout", url.Values{}, office.csrf); st != http.StatusSeeOther {
		t.Fatalf("sign-out with the token: %d", st)
	}
	if st, _ := office.get("/"); st != http.StatusSeeOther {
		t.Fatalf("the session after signing out: %d, want the login page", st)
	}

	// Signing in: without the login form's cookie, or with a token that is
	// not the cookie's, the right password is refused and no session begins.
	anon := e.anon()
	signIn := web.Route{Method: "POST", Pattern: "/login"}
	creds := func() url.Values { return url.Values{"username": {"mx-office-own"}, "password": {testPassword}} }
	if st, _ := csrfSendForm(t, anon, signIn, "/login", creds(), ""); st != http.StatusForbidden {
		t.Errorf("signing in without the login token: %d, want 403", st)
	}
	if st, _ := anon.get("/login"); st != http.StatusOK { // sets the login cookie
		t.Fatalf("login page: %d", st)
	}
	if st, _ := csrfSendForm(t, anon, signIn, "/login", creds(), "wrong"); st != http.StatusForbidden {
		t.Errorf("signing in with a wrong login token: %d, want 403", st)
	}
	if st, _ := anon.get("/"); st != http.StatusSeeOther {
		t.Errorf("after the refused sign-ins: %d, want the login page (no session)", st)
	}
	requests += 2

	// API tokens: every API route with a bearer token and no CSRF token is
	// not refused for CSRF (nor with a server error). Reads and changes
	// first, removals last, as in the access matrix.
	tokens := map[auth.Role]string{}
	bearerOf := func(role auth.Role) string {
		if tok, ok := tokens[role]; ok {
			return tok
		}
		var me struct {
			Account auth.Account `json:"account"`
		}
		if st := f.clients["own"][role].api("GET", "/api/v1/me", nil, &me); st != http.StatusOK {
			t.Fatalf("who am I (%s): %d", role, st)
		}
		_, tok, err := e.db.CreateAPIToken(ctx, me.Account.Actor(""), "CSRF矩阵", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = tok
		return tok
	}
	var apis []web.Route
	for _, rt := range unsafe {
		if rt.API {
			apis = append(apis, rt)
		}
	}
	slices.SortStableFunc(apis, func(a, b web.Route) int { return boolInt(destructive(a)) - boolInt(destructive(b)) })
	bearerRequests, errors5xx := 0, 0
	for _, rt := range apis {
		key := rt.Method + " " + rt.Pattern
		role := roleFor(rt)
		path := matrixPath(matrixCase{rt: rt, rule: accessMatrix[key], rel: "own", role: role}, f)
		status, answer := bearerSend(t, e, bearerOf(role), rt, path)
		bearerRequests++
		if status >= 500 {
			errors5xx++
		}
		if status >= 500 || status == http.StatusForbidden && strings.Contains(answer, csrfRefused) {
			t.Errorf("%s %s as %s with a bearer token: %d, want no CSRF refusal\n%.300s", rt.Method, path, role, status, answer)
		}
	}
	var others []string
	for _, r := range auth.Roles {
		if other[r] > 0 {
			others = append(others, fmt.Sprintf("%d as %s", other[r], r))
		}
	}
	t.Logf("CSRF matrix: %d state-changing routes (%d API; %d exempt; sent as the office, %s) × 2 + 2 sign-ins = %d requests refused with nothing written; %d bearer-token requests not refused for CSRF (%d 5xx); %s",
		len(unsafe), apiRoutes, len(csrfExempt), strings.Join(others, ", "), requests, bearerRequests, errors5xx,
		time.Since(start).Round(time.Millisecond))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func parseInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

// csrfSend sends a state change with the session cookie and token (none
// when ""), as a browser's form (web routes: an empty form) or an API
// client's JSON (an empty object).
func csrfSend(t *testing.T, c *client, rt web.Route, path, token string) (int, string) {
	t.Helper()
	if rt.API {
		return csrfSendJSON(t, c, rt, path, "{}", token)
	}
	return csrfSendForm(t, c, rt, path, url.Values{}, token)
}

// csrfSendForm sends form with the token in the form field csrf_token.
func csrfSendForm(t *testing.T, c *client, rt web.Route, path string, form url.Values, token string) (int, string) {
	t.Helper()
	if token != "" {
		form.Set("csrf_token", token)
	}
	req, _ := http.NewRequest(rt.Method, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return csrfDo(t, c.http, req)
}

// csrfSendJSON sends body with the token in the header X-CSRF-Token.
func csrfSendJSON(t *testing.T, c *client, rt web.Route, path, body, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(rt.Method, c.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-CSRF-Token", token)
	}
	return csrfDo(t, c.http, req)
}

// bearerSend sends an empty JSON object with an API token and no cookie.
func bearerSend(t *testing.T, e *env, token string, rt web.Route, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(rt.Method, e.srv.URL+path, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return csrfDo(t, hc, req)
}

func csrfDo(t *testing.T, hc *http.Client, req *http.Request) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := hc.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
