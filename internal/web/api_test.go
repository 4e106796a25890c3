package web_test

// API-wide bad-input tests. They walk the route table, so every API route a
// resource adds later is covered without touching this file: broken, wrong
// and oversized bodies, ids that do not exist, are not numbers or lie in
// another subtree, no credentials, no CSRF header. Every answer must be a
// 4xx JSON error with a Chinese message, never a 5xx, and nothing may be
// written (the audit log, which every change appends to, does not grow).

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web"
)

var probeHan = regexp.MustCompile(`\p{Han}`)

// missingID is an id no fixture reaches.
const missingID = "999999"

// apiProbe sends raw API requests as one account: with a bearer token, or
// with a browser's session cookie (and its CSRF header when csrf is set).
type apiProbe struct {
	t       *testing.T
	e       *env
	token   string
	browser *client
	csrf    string
	pool    map[string][]int64 // ids of records this account sees, by collection name
}

// probeAnswer is one response, with its JSON error decoded when there is one.
type probeAnswer struct {
	method, path string
	status       int
	ctype        string
	body         []byte
	err          struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Fields  app.FieldErrors `json:"fields"`
	}
	jsonErr bool
}

func (a probeAnswer) String() string {
	b := a.body
	if len(b) > 300 {
		b = append(b[:300:300], "…"...)
	}
	return fmt.Sprintf("%s %s → %d %s %s", a.method, a.path, a.status, a.ctype, b)
}

// probeToken signs in as username and issues an API token.
func probeToken(e *env, username string) *apiProbe {
	e.t.Helper()
	ctx := context.Background()
	a, _, err := e.db.Login(ctx, username, testPassword, "127.0.0.1", "api_test")
	if err != nil {
		e.t.Fatalf("login %s: %v", username, err)
	}
	_, token, err := e.db.CreateAPIToken(ctx, a.Actor("127.0.0.1"), "api_test", time.Hour)
	if err != nil {
		e.t.Fatalf("token for %s: %v", username, err)
	}
	return &apiProbe{t: e.t, e: e, token: token}
}

// probeBrowser uses a signed-in browser's cookie; csrf sends its token.
func probeBrowser(e *env, username string, csrf bool) *apiProbe {
	c := e.login(username)
	p := &apiProbe{t: e.t, e: e, browser: c}
	if csrf {
		p.csrf = c.csrf
	}
	return p
}

func (p *apiProbe) do(method, path, ctype string, body []byte) probeAnswer {
	p.t.Helper()
	var a probeAnswer
	for try := 0; ; try++ {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequest(method, p.e.srv.URL+path, rd)
		if err != nil {
			p.t.Fatalf("%s %s: %v", method, path, err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		hc := http.DefaultClient
		if p.token != "" {
			req.Header.Set("Authorization", "Bearer "+p.token)
		}
		if p.browser != nil {
			hc = p.browser.http
			if p.csrf != "" {
				req.Header.Set("X-CSRF-Token", p.csrf)
			}
		}
		res, err := hc.Do(req)
		if err != nil {
			// The server may close the connection while an oversized body
			// is still being sent; ask again once.
			if try == 0 {
				continue
			}
			p.t.Fatalf("%s %s: %v", method, path, err)
		}
		a = probeAnswer{method: method, path: path, status: res.StatusCode, ctype: res.Header.Get("Content-Type")}
		a.body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		break
	}
	var env struct {
		Error *json.RawMessage `json:"error"`
	}
	if json.Unmarshal(a.body, &env) == nil && env.Error != nil && json.Unmarshal(*env.Error, &a.err) == nil {
		a.jsonErr = true
	}
	return a
}

func (p *apiProbe) json(method, path string, v any) probeAnswer {
	p.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		p.t.Fatal(err)
	}
	return p.do(method, path, "application/json", b)
}

// wantError checks that a is a JSON error with a Chinese message and one of
// the statuses (any 4xx when none is given).
func wantError(t *testing.T, what string, a probeAnswer, statuses ...int) bool {
	t.Helper()
	ok := true
	switch {
	case a.status >= 500:
		t.Errorf("%s: server error: %s", what, a)
		return false
	case len(statuses) == 0 && (a.status < 400 || a.status > 499):
		t.Errorf("%s: want a 4xx: %s", what, a)
		ok = false
	case len(statuses) > 0 && !slices.Contains(statuses, a.status):
		t.Errorf("%s: want status %v: %s", what, statuses, a)
		ok = false
	}
	if !strings.HasPrefix(a.ctype, "application/json") || !a.jsonErr {
		t.Errorf("%s: not a JSON error: %s", what, a)
		return false
	}
	if a.err.Code == "" || !probeHan.MatchString(a.err.Message) {
		t.Errorf("%s: error without a code or a Chinese message: %s", what, a)
		ok = false
	}
	for _, f := range a.err.Fields {
		if !probeHan.MatchString(f.Message) {
			t.Errorf("%s: field %s has no Chinese message: %s", what, f.Field, a)
			ok = false
		}
	}
	return ok
}

// apiRoutesOf returns the API routes, sorted for stable subtest names.
func apiRoutesOf(e *env) []web.Route {
	var out []web.Route
	for _, rt := range e.web.Routes() {
		if rt.API {
			out = append(out, rt)
		}
	}
	slices.SortFunc(out, func(a, b web.Route) int {
		return strings.Compare(a.Pattern+" "+a.Method, b.Pattern+" "+b.Method)
	})
	return out
}

func writes(method string) bool {
	return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE"
}

var probeParam = regexp.MustCompile(`\{[^}]+\}`)

// params returns the pattern's {name} segments as (index, collection) pairs:
// the collection is the literal segment before the parameter (orgs in
// /api/v1/orgs/{id}).
func params(pattern string) (segs []string, at []int) {
	segs = strings.Split(pattern, "/")
	for i, s := range segs {
		if probeParam.MatchString(s) {
			at = append(at, i)
		}
	}
	return segs, at
}

// collectPool lists every collection the account can see, to find ids of
// records that exist for it: the API's list routes (GET …/orgs,
// GET …/orgs/{id}/terms) are called, with the ids found so far filled in.
func (p *apiProbe) collectPool(routes []web.Route) {
	p.t.Helper()
	p.pool = map[string][]int64{}
	var lists []web.Route
	for _, rt := range routes {
		segs := strings.Split(rt.Pattern, "/")
		if rt.Method == "GET" && !probeParam.MatchString(segs[len(segs)-1]) && !strings.Contains(rt.Pattern, ".") {
			lists = append(lists, rt)
		}
	}
	slices.SortStableFunc(lists, func(a, b web.Route) int {
		_, x := params(a.Pattern)
		_, y := params(b.Pattern)
		return len(x) - len(y)
	})
	seen := map[string]map[int64]bool{}
	for _, rt := range lists {
		segs, at := params(rt.Pattern)
		name := segs[len(segs)-1]
		for _, path := range p.instances(segs, at, 8) {
			a := p.do("GET", path+"?limit=200", "", nil)
			if a.status != http.StatusOK {
				continue
			}
			var list struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
			}
			if json.Unmarshal(a.body, &list) != nil {
				continue
			}
			for _, it := range list.Items {
				if it.ID > 0 && !seen[name][it.ID] {
					if seen[name] == nil {
						seen[name] = map[int64]bool{}
					}
					seen[name][it.ID] = true
					p.pool[name] = append(p.pool[name], it.ID)
				}
			}
		}
	}
}

// instances fills the parameters of segs with ids from the pool, giving up
// to max concrete paths.
func (p *apiProbe) instances(segs []string, at []int, max int) []string {
	paths := []string{strings.Join(segs, "/")}
	for _, i := range at {
		ids := p.pool[segs[i-1]]
		var next []string
		for _, path := range paths {
			for _, id := range ids {
				s := strings.Split(path, "/")
				s[i] = app.Itoa(id)
				next = append(next, strings.Join(s, "/"))
				if len(next) >= max {
					break
				}
			}
		}
		paths = next
	}
	return paths
}

// resolve fills the route's parameters with ids of records the account sees,
// preferring ids whose GET on the same pattern answers 200 (a committee for
// …/terms, not a township). ok is false when some parameter has no id.
func (p *apiProbe) resolve(routes []web.Route, rt web.Route) (string, bool) {
	p.t.Helper()
	segs, at := params(rt.Pattern)
	if len(at) == 0 {
		return rt.Pattern, true
	}
	cands := p.instances(segs, at, 20)
	if len(cands) == 0 {
		return "", false
	}
	for _, other := range routes {
		if other.Method == "GET" && other.Pattern == rt.Pattern {
			for _, c := range cands {
				if p.do("GET", c, "", nil).status == http.StatusOK {
					return c, true
				}
			}
		}
	}
	return cands[0], true
}

// withParam replaces the i-th parameter of the pattern (every one when i < 0)
// by v, and the others by the resolved path's values.
func withParam(pattern, resolved string, i int, v string) string {
	segs, at := params(pattern)
	res := strings.Split(resolved, "/")
	for n, k := range at {
		if n == i || i < 0 || len(res) != len(segs) {
			segs[k] = v
		} else {
			segs[k] = res[k]
		}
	}
	return strings.Join(segs, "/")
}

// auditTotal counts the audit log: every change appends to it.
func auditTotal(e *env) int {
	e.t.Helper()
	_, n, err := e.db.FindAuditEntries(context.Background(), app.System, store.AuditFilter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// seedAPI creates a few records in counties A and B through the API, so that
// routes on terms, sectors, members and the like have ids to work on. A seed
// that fails (a route not there yet, a body it does not take) only narrows
// what is covered, and is logged.
func seedAPI(e *env, p *apiProbe) {
	e.t.Helper()
	post := func(path string, body map[string]any) int64 {
		a := p.json("POST", path, body)
		var out struct {
			ID int64 `json:"id"`
		}
		if a.status >= 300 || json.Unmarshal(a.body, &out) != nil || out.ID == 0 {
			e.t.Logf("seed %s: %s", path, a)
			return 0
		}
		return out.ID
	}
	for _, committee := range []int64{e.countyA.ID, e.countyB.ID} {
		c := "/api/v1/orgs/" + app.Itoa(committee)
		term := post(c+"/terms", map[string]any{"number": 1, "start_date": "2021-01-01", "end_date": "2030-12-31"})
		sector := post(c+"/sectors", map[string]any{"name": "经济界", "sort": 1})
		post(c+"/special-committees", map[string]any{"name": "提案委员会", "sort": 1})
		m := post("/api/v1/members", map[string]any{"committee_id": committee, "name": "测试委员", "gender": "女"})
		if m == 0 || term == 0 {
			continue
		}
		mp := "/api/v1/members/" + app.Itoa(m)
		post(mp+"/memberships", map[string]any{"term_id": term, "sector_id": sector, "start_date": "2021-01-01"})
		post(mp+"/roles", map[string]any{"term_id": term, "kind": "standing", "start_date": "2021-01-01"})
		seedMeeting(p, post, committee, term, m)
	}
}

// seedMeeting adds a standing-committee meeting of the member's committee
// (api_meeting.go): an agenda item and a leave request, then opened with the
// member signed in and an electronic vote running, so that the meeting,
// agenda, leave and vote routes have records to work on.
func seedMeeting(p *apiProbe, post func(string, map[string]any) int64, committee, term, member int64) {
	mt := post("/api/v1/meetings", map[string]any{"committee_id": committee, "term_id": term, "kind": "standing",
		"starts_at": "2030-06-01T09:00:00+08:00", "place": "政协会议室"})
	if mt == 0 {
		return
	}
	path := "/api/v1/meetings/" + app.Itoa(mt)
	item := post(path+"/agenda", map[string]any{"kind": "resolution", "title": "测试决议"})
	post(path+"/leave", map[string]any{"member_id": member, "reason": "出差"})
	if a := p.do("POST", path+"/open", "", nil); a.status != http.StatusOK {
		p.t.Logf("seed %s/open: %s", path, a)
		return
	}
	post(path+"/signins", map[string]any{"member_id": member})
	if item != 0 {
		post("/api/v1/agenda/"+app.Itoa(item)+"/votes", map[string]any{"mode": "electronic"})
	}
}

// badBodies are bodies every API route that takes one must refuse with 422.
var badBodies = []struct {
	name, ctype, body string
}{
	{"invalid JSON", "application/json", `{"name": `},
	{"not JSON", "application/json", `name=x&sort=1`},
	{"empty", "application/json", ``},
	{"blank", "application/json", " \n\t "},
	{"null", "application/json", `null`},
	{"array", "application/json", `[]`},
	{"array of objects", "application/json", `[{}]`},
	{"string", "application/json", `"x"`},
	{"number", "application/json", `42`},
	{"two objects", "application/json", `{} {}`},
	{"trailing bracket", "application/json", `{}]`},
	{"unknown field", "application/json", `{"no_such_field": 1}`},
	{"invalid UTF-8", "application/json", "{\"name\": \"\xff\xfe\"}"},
	{"deep nesting", "application/json", strings.Repeat("[", 20000) + strings.Repeat("]", 20000)},
	{"form body", "application/x-www-form-urlencoded", `name=x`},
	{"text body", "text/plain", `{}`},
	{"other charset", "application/json; charset=gbk", `{}`},
}

// requestFields lists the JSON fields of a request type by name, with the
// fields of embedded structs (apiMemberCreate embeds member.Input).
func requestFields(v any) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := out[name]; !dup {
				out[name] = f.Type
			}
		}
	}
	walk(reflect.TypeOf(v))
	return out
}

// wrongTypes gives, for each field of a request type, a value of the wrong
// JSON type.
func wrongTypes(v any) map[string]any {
	textU := reflect.TypeFor[encoding.TextUnmarshaler]()
	out := map[string]any{}
	for name, ft := range requestFields(v) {
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case reflect.PointerTo(ft).Implements(textU), ft.Kind() == reflect.String:
			out[name] = 12345
		case ft.Kind() == reflect.Struct || ft.Kind() == reflect.Map:
			out[name] = []int{1}
		default: // numbers, booleans, slices
			out[name] = map[string]any{"x": "abc"}
		}
	}
	return out
}

func TestAPIBadBodies(t *testing.T) {
	e := newEnv(t)
	admin := probeToken(e, "admin")
	browser := probeBrowser(e, "admin", true)
	// Routes the system administrator may not use (三员分立: the security
	// policy) are sent as the security administrator.
	sec, secBrowser := probeToken(e, "secadmin"), probeBrowser(e, "secadmin", true)
	routes := apiRoutesOf(e)
	seedAPI(e, admin)
	admin.collectPool(routes)
	before := auditTotal(e)
	covered := 0
	for _, rt := range routes {
		if !writes(rt.Method) || rt.Doc == nil || rt.Doc.Request == nil {
			continue
		}
		path, ok := admin.resolve(routes, rt)
		if !ok {
			t.Logf("%s %s: no record to send bad bodies to (only its 404s are checked)", rt.Method, rt.Pattern)
			continue
		}
		covered++
		admin, browser := admin, browser
		if rt.Perm != "" && !auth.Admin.Can(rt.Perm) {
			admin, browser = sec, secBrowser
		}
		t.Run(rt.Method+" "+rt.Pattern, func(t *testing.T) {
			for _, p := range []*apiProbe{admin, browser} {
				for _, b := range badBodies {
					wantError(t, b.name, p.do(rt.Method, path, b.ctype, []byte(b.body)), http.StatusUnprocessableEntity)
				}
			}
			a := admin.do(rt.Method, path, "application/json", []byte(`{"no_such_field": 1}`))
			if a.err.Fields.Get("no_such_field") != "未知字段" {
				t.Errorf("unknown field not named: %s", a)
			}
			for field, bad := range wrongTypes(rt.Doc.Request) {
				a := admin.json(rt.Method, path, map[string]any{field: bad})
				if wantError(t, "wrong type for "+field, a, http.StatusUnprocessableEntity) &&
					!strings.Contains(a.err.Fields.Get(field), "类型错误") {
					t.Errorf("wrong type for %s: the field is not named: %s", field, a)
				}
			}
			// Over the 1 MiB limit: 413, whatever the content.
			big := []byte(`{"name": "` + strings.Repeat("政", (1<<20)/3+512) + `"}`)
			wantError(t, "oversized body", admin.do(rt.Method, path, "application/json", big), http.StatusRequestEntityTooLarge)
			wantError(t, "oversized body (cookie)", browser.do(rt.Method, path, "application/json", big), http.StatusRequestEntityTooLarge)
		})
	}
	if after := auditTotal(e); after != before {
		t.Errorf("bad bodies changed data: the audit log grew from %d to %d rows", before, after)
	}
	t.Logf("%d write routes with bodies checked", covered)
}

func TestAPIBadDates(t *testing.T) {
	e := newEnv(t)
	admin := probeToken(e, "admin")
	routes := apiRoutesOf(e)
	seedAPI(e, admin)
	admin.collectPool(routes)
	before := auditTotal(e)
	dateT := reflect.TypeFor[app.Date]()
	for _, rt := range routes {
		if !writes(rt.Method) || rt.Doc == nil || rt.Doc.Request == nil {
			continue
		}
		path, ok := admin.resolve(routes, rt)
		if !ok {
			continue
		}
		for name, ft := range requestFields(rt.Doc.Request) {
			if ft != dateT && ft != reflect.PointerTo(dateT) {
				continue
			}
			for _, bad := range []string{"2022-02-30", "2022-13-01", "yesterday", "２０２２-01-01", "99999-01-01"} {
				what := fmt.Sprintf("%s %s %s=%q", rt.Method, rt.Pattern, name, bad)
				a := admin.json(rt.Method, path, map[string]any{name: bad})
				if wantError(t, what, a, http.StatusUnprocessableEntity) && !strings.Contains(a.err.Fields.Get(name), "日期") {
					t.Errorf("%s: the date field is not named: %s", what, a)
				}
			}
		}
	}
	if after := auditTotal(e); after != before {
		t.Errorf("bad dates changed data: the audit log grew from %d to %d rows", before, after)
	}
}

// badIDs are path values that name no record.
var badIDs = []string{missingID, "0", "-1", "abc", "1.5", "1e3", "0x10", "99999999999999999999", "%20", "%00",
	url.PathEscape("中"), "1%2F2"}

func TestAPIUnknownIDsAreNotFound(t *testing.T) {
	e := newEnv(t)
	admin := probeToken(e, "admin")
	routes := apiRoutesOf(e)
	seedAPI(e, admin)
	admin.collectPool(routes)
	before := auditTotal(e)
	for _, rt := range routes {
		_, at := params(rt.Pattern)
		if len(at) == 0 {
			continue
		}
		resolved, _ := admin.resolve(routes, rt)
		t.Run(rt.Method+" "+rt.Pattern, func(t *testing.T) {
			for i := range at {
				for _, bad := range badIDs {
					path := withParam(rt.Pattern, resolved, i, bad)
					var a probeAnswer
					if rt.Doc != nil && rt.Doc.Request != nil {
						a = admin.do(rt.Method, path, "application/json", []byte(`{}`))
					} else {
						a = admin.do(rt.Method, path, "", nil)
					}
					wantError(t, "id "+bad+" (look the record up before reading the body)", a, http.StatusNotFound)
				}
			}
		})
	}
	if after := auditTotal(e); after != before {
		t.Errorf("requests for unknown ids changed data: the audit log grew from %d to %d rows", before, after)
	}
}

// TestAPIOtherSubtreeLooksMissing: a record in county B answers office-a
// exactly as a record that does not exist, so its existence does not leak.
func TestAPIOtherSubtreeLooksMissing(t *testing.T) {
	e := newEnv(t)
	admin := probeToken(e, "admin")
	a := probeToken(e, "office-a")
	b := probeToken(e, "office-b")
	routes := apiRoutesOf(e)
	seedAPI(e, admin)
	b.collectPool(routes)
	before := auditTotal(e)
	checked := 0
	for _, rt := range routes {
		_, at := params(rt.Pattern)
		if len(at) == 0 {
			continue
		}
		foreign, ok := b.resolve(routes, rt)
		if !ok {
			continue
		}
		checked++
		send := func(path string) probeAnswer {
			if rt.Doc != nil && rt.Doc.Request != nil {
				return a.do(rt.Method, path, "application/json", []byte(`{}`))
			}
			return a.do(rt.Method, path, "", nil)
		}
		got := send(foreign)
		missing := send(withParam(rt.Pattern, foreign, -1, missingID))
		what := rt.Method + " " + rt.Pattern + " with county B's record"
		if !wantError(t, what, got) {
			continue
		}
		if got.status == http.StatusForbidden && missing.status != http.StatusForbidden {
			t.Errorf("%s: 403 tells office-a the record exists; want 404: %s", what, got)
		} else if got.status != missing.status || got.err.Code != missing.err.Code || got.err.Message != missing.err.Message {
			t.Errorf("%s answers unlike a missing record:\n  %s\n  %s", what, got, missing)
		}
	}
	if after := auditTotal(e); after != before {
		t.Errorf("requests across subtrees changed data: the audit log grew from %d to %d rows", before, after)
	}
	t.Logf("%d routes checked with another subtree's ids", checked)
}

func TestAPIRequiresCredentials(t *testing.T) {
	e := newEnv(t)
	anon := &apiProbe{t: t, e: e}
	forged := &apiProbe{t: t, e: e, token: "xs_" + strings.Repeat("0", 40)}
	for _, rt := range apiRoutesOf(e) {
		path := withParam(rt.Pattern, "", -1, missingID)
		for _, p := range []*apiProbe{anon, forged} {
			var a probeAnswer
			if writes(rt.Method) {
				a = p.do(rt.Method, path, "application/json", []byte(`{}`))
			} else {
				a = p.do(rt.Method, path, "", nil)
			}
			if rt.Public {
				if a.status >= 500 {
					t.Errorf("public %s %s: %s", rt.Method, rt.Pattern, a)
				}
				continue
			}
			if wantError(t, rt.Method+" "+rt.Pattern+" without credentials", a, http.StatusUnauthorized) &&
				a.err.Code != app.EUNAUTHORIZED {
				t.Errorf("%s %s: code %s", rt.Method, rt.Pattern, a.err.Code)
			}
		}
	}
	// The document itself is public.
	if a := anon.do("GET", "/api/v1/openapi.json", "", nil); a.status != 200 || !json.Valid(a.body) {
		t.Errorf("openapi.json without credentials: %s", a)
	}
}

func TestAPICookieWritesNeedCSRFHeader(t *testing.T) {
	e := newEnv(t)
	admin := probeToken(e, "admin")
	routes := apiRoutesOf(e)
	seedAPI(e, admin)
	admin.collectPool(routes)
	noHeader := probeBrowser(e, "admin", false)
	wrong := probeBrowser(e, "admin", false)
	wrong.csrf = "not-the-token"
	before := auditTotal(e)
	for _, rt := range routes {
		if !writes(rt.Method) || rt.Public {
			continue
		}
		// A record that exists: without the header nothing may happen to it.
		path, ok := admin.resolve(routes, rt)
		if !ok {
			path = withParam(rt.Pattern, "", -1, missingID)
		}
		for _, p := range []*apiProbe{noHeader, wrong} {
			a := p.do(rt.Method, path, "application/json", []byte(`{}`))
			if wantError(t, rt.Method+" "+rt.Pattern+" by cookie without a valid X-CSRF-Token", a, http.StatusForbidden) &&
				a.err.Code != app.EFORBIDDEN {
				t.Errorf("%s %s: code %s", rt.Method, rt.Pattern, a.err.Code)
			}
		}
	}
	if after := auditTotal(e); after != before {
		t.Errorf("writes without a CSRF header changed data: the audit log grew from %d to %d rows", before, after)
	}
}

// TestAPIQueryGarbage: list filters, paging and sorting take any query string
// without a 5xx; what they refuse they refuse in Chinese.
func TestAPIQueryGarbage(t *testing.T) {
	e := newEnv(t)
	admin := probeToken(e, "admin")
	routes := apiRoutesOf(e)
	seedAPI(e, admin)
	admin.collectPool(routes)
	values := []string{"", "abc", "-1", "0", "1.5", "99999999999999999999", "1e308", "NaN", "true", "%00",
		"'; DROP TABLE org; --", "%_\\", strings.Repeat("长", 5000), "\xff"}
	for _, rt := range routes {
		if rt.Method != "GET" {
			continue
		}
		path, ok := admin.resolve(routes, rt)
		if !ok {
			path = withParam(rt.Pattern, "", -1, missingID)
		}
		names := []string{"offset", "limit", "sort", "dir", "q", "no_such_param"}
		if rt.Doc != nil {
			for _, q := range rt.Doc.Query {
				if !slices.Contains(names, q.Name) {
					names = append(names, q.Name)
				}
			}
		}
		for _, name := range names {
			for _, v := range values {
				a := admin.do("GET", path+"?"+url.QueryEscape(name)+"="+url.QueryEscape(v), "", nil)
				if a.status >= 400 {
					wantError(t, fmt.Sprintf("GET %s?%s=%q", rt.Pattern, name, v), a)
				}
			}
		}
		// Repeated and malformed query strings.
		for _, raw := range []string{"limit=1&limit=2", "limit=%zz", "a;b=c", "offset=1&offset=x"} {
			if a := admin.do("GET", path+"?"+raw, "", nil); a.status >= 400 {
				wantError(t, "GET "+rt.Pattern+"?"+raw, a)
			}
		}
	}
}

// TestAPIUnknownPathIsJSON: under /api/ even a path no route matches answers
// a JSON 404.
func TestAPIUnknownPathIsJSON(t *testing.T) {
	e := newEnv(t)
	admin := probeToken(e, "admin")
	for _, path := range []string{"/api/v1/no-such-thing", "/api/v1/", "/api/v2/orgs", "/api/v1/orgs/1/no-such-child"} {
		wantError(t, "GET "+path, admin.do("GET", path, "", nil), http.StatusNotFound)
	}
}
