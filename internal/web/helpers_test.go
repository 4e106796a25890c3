package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// testPassword is every fixture account's password.
const testPassword = "Test-pass-2026"

// env is a running server on a fresh database with a small tree:
// city → county A (→ township → village) and county B; accounts "admin",
// "secadmin" and "auditor" (whole deployment), "<role>-city" and "<role>-a"
// for every role but admin and member, and "office-b".
type env struct {
	t                                     *testing.T
	db                                    *store.DB
	srv                                   *httptest.Server
	web                                   *web.Server
	city, countyA, countyB, town, village org.Org
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.Open(t)
	e := &env{t: t, db: db}
	ctx := context.Background()
	mk := func(parent int64, k org.Kind, name string) org.Org {
		o, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: parent, Kind: k, Name: name})
		if err != nil {
			t.Fatalf("fixture org %s: %v", name, err)
		}
		return o
	}
	e.city = mk(0, org.City, "测试市政协")
	e.countyA = mk(e.city.ID, org.County, "甲县政协")
	e.countyB = mk(e.city.ID, org.County, "乙县政协")
	e.town = mk(e.countyA.ID, org.Township, "甲镇")
	e.village = mk(e.town.ID, org.Village, "甲村")
	e.account("admin", auth.Admin, 0)
	e.account("secadmin", auth.SecAdmin, 0)
	e.account("auditor", auth.Auditor, 0)
	for _, r := range auth.Roles {
		if r == auth.Admin || r == auth.MemberRole {
			continue
		}
		e.account(string(r)+"-city", r, e.city.ID)
		e.account(string(r)+"-a", r, e.countyA.ID)
	}
	e.account("office-b", auth.Office, e.countyB.ID)
	e.web = web.New(db, web.Config{}, nil)
	e.srv = httptest.NewServer(e.web)
	t.Cleanup(e.srv.Close)
	return e
}

// account creates a fixture account that need not change its password.
func (e *env) account(username string, role auth.Role, orgID int64) auth.Account {
	e.t.Helper()
	in := auth.AccountInput{Username: username, DisplayName: username, Role: role, OrgID: orgID, Password: testPassword}
	if role == auth.Unit { // a unit account names a handling unit of its committee
		o, err := e.db.FindOrgByID(context.Background(), app.System, orgID)
		if err != nil {
			e.t.Fatal(err)
		}
		u, err := e.db.CreateUnit(context.Background(), app.System, store.UnitInput{CommitteeID: o.CommitteeID,
			Name: "单位" + username})
		if err != nil {
			e.t.Fatalf("fixture unit %s: %v", username, err)
		}
		in.UnitID = u.ID
	}
	a, err := e.db.CreateAccount(context.Background(), app.System, in)
	if err != nil {
		e.t.Fatalf("fixture account %s: %v", username, err)
	}
	if err := e.db.ClearMustChangePassword(context.Background(), a.ID); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// client is a browser: a cookie jar and the CSRF token of its session.
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
	csrf string
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// anon returns a client that is not signed in.
func (e *env) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login signs in as username and returns the client.
func (e *env) login(username string) *client {
	e.t.Helper()
	c := e.anon()
	_, body := c.get("/login")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("login page has no csrf token")
	}
	c.csrf = m[1]
	res := c.post("/login", url.Values{"username": {username}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d", username, res.StatusCode)
	}
	_, body = c.get("/")
	m = csrfRe.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("home page after login has no csrf token:\n%s", body)
	}
	c.csrf = m[1]
	return c
}

// get fetches a path and returns status and body.
func (c *client) get(path string) (int, string) {
	c.t.Helper()
	res, err := c.http.Get(c.e.srv.URL + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// post sends a form with the session's CSRF token (unless the form has one).
func (c *client) post(path string, form url.Values) *http.Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok && c.csrf != "" {
		form.Set("csrf_token", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	c.t.Cleanup(func() { res.Body.Close() })
	return res
}

// body reads a response body.
func body(res *http.Response) string {
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// api sends a JSON request with the session cookie and CSRF header (method
// GET sends no body) and decodes the answer into out when non-nil.
func (c *client) api(method, path string, in any, out any) int {
	c.t.Helper()
	var rd io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, rd)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	if out != nil {
		b, _ := io.ReadAll(res.Body)
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: decode %q: %v", method, path, b, err)
		}
	}
	return res.StatusCode
}

func id(n int64) string { return app.Itoa(n) }

// digits are the numbers in an address, one shape whatever their value.
var digits = regexp.MustCompile(`\d+`)

// pageShape is the shape of a crawled address: its path with numbers as N
// and, for a list, the names of its query parameters, so that a crawl asks
// for one page of each shape.
func pageShape(u *url.URL) string {
	key := digits.ReplaceAllString(u.Path, "N")
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		key += "?" + strings.Join(keys, "&")
	}
	return key
}

// crawlLink appends href to a crawl's queue when it is a page of this server
// the crawl goes to (skipCrawl) of a shape not yet seen, and returns the queue.
func crawlLink(href string, seen map[string]bool, queue []string) []string {
	u, err := url.Parse(href)
	if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || skipCrawl(u.Path) {
		return queue
	}
	if key := pageShape(u); !seen[key] {
		seen[key] = true
		queue = append(queue, u.RequestURI())
	}
	return queue
}
