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

	"xieshang/internal/demo"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// injection is appended to every user-entered text the pages show.
const injection = ` <script>alert(1)</script>"><img src=x onerror=alert(1)>javascript:alert(1){{.}}' OR 1=1 --`

// injected lists the tables' text columns that people type in and pages
// display: names of organisations, members, units, cadres, households,
// enterprises, rooms; titles and texts of meetings, agenda items, notices,
// plans, campaigns, topics, visits, speeches, outcomes, replies, room
// activities, assistance visits and problems, proposals, reports,
// activities; and the search index's copies.
var injected = map[string][]string{
	"org":                  {"name"},
	"sector":               {"name"},
	"special_committee":    {"name"},
	"member":               {"name", "workplace", "address", "note"},
	"member_role":          {"note"},
	"meeting":              {"title", "place", "presider"},
	"meeting_guest":        {"name"},
	"leave_request":        {"reason"},
	"agenda_item":          {"title", "note"},
	"notice":               {"subject", "body"},
	"notice_recipient":     {"name"},
	"election":             {"title"},
	"election_office":      {"name"},
	"handling_unit":        {"name"},
	"consult_plan":         {"title"},
	"campaign":             {"title"},
	"topic":                {"title", "description"},
	"topic_step":           {"note"},
	"topic_participant":    {"name", "note"},
	"topic_visit":          {"places", "others", "findings"},
	"topic_speech":         {"opinion"},
	"topic_outcome":        {"title", "body"},
	"topic_reply":          {"body"},
	"room":                 {"name", "address"},
	"room_activity":        {"title", "content", "others"},
	"cadre":                {"name", "post"},
	"household":            {"head_name", "address", "note"},
	"household_person":     {"name"},
	"enterprise":           {"name", "address", "note"},
	"visit_campaign":       {"title", "note"},
	"assist_visit":         {"reason", "seen", "needs"},
	"assist_problem":       {"description"},
	"proposal":             {"title", "reason"},
	"proposal_step":        {"note"},
	"proposal_reply":       {"body"},
	"report":               {"title", "body"},
	"report_author":        {"name"},
	"report_step":          {"note"},
	"activity":             {"title", "places", "summary"},
	"activity_participant": {"name", "note"},
	"search_doc":           {"title", "body"},
	"api_token":            {"name"},
}

// unescaped are the payload's pieces that must never reach a page as markup.
var unescaped = []string{"<script>alert(1)</script>", `"><img`, "<img src=x", "onerror=alert(1)>"}

var jsURL = regexp.MustCompile(`(?i)(href|src|action|formaction)\s*=\s*["']?\s*javascript:`)

// Injection strings stored in every user-entered text the pages display
// (through the store, bypassing the forms' checks) come out escaped: a crawl
// of every page shape as each demo account finds no payload as markup and no
// javascript: address, and no page answers 5xx; the JSON API returns the
// strings as data, unchanged. Typed into search boxes, the strings come
// back escaped and break no query. A press import of a page carrying them is
// shown escaped too.
func TestOutputEscapedEverywhere(t *testing.T) {
	db := storetest.Open(t)
	if _, err := demo.Load(context.Background(), db, io.Discard); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tables := make([]string, 0, len(injected))
	for tb := range injected {
		tables = append(tables, tb)
	}
	slices.Sort(tables)
	rows := int64(0)
	for _, tb := range tables {
		sets := make([]string, len(injected[tb]))
		where := ""
		for i, col := range injected[tb] {
			sets[i] = col + " = " + col + " || $1"
			// A sealed value (a minor's name) with text appended is a
			// tampered ciphertext, not a stored string: leave those rows.
			for _, c := range store.SealedColumns {
				if c.Table == tb && c.Column == col {
					where = ` WHERE ` + col + ` NOT LIKE 'sm4$%'`
				}
			}
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE `+tb+` SET `+strings.Join(sets, ", ")+where, injection)
			if err == nil {
				n, _ := res.RowsAffected()
				rows += n
			}
			return err
		}); err != nil {
			t.Fatalf("inject into %s: %v", tb, err)
		}
	}
	srv := httptest.NewServer(web.New(db, web.Config{}, nil))
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, srv: srv}

	escaped := "&lt;script&gt;alert(1)&lt;/script&gt;"
	hrefRe := regexp.MustCompile(`href="([^"]+)"`)
	pages, showing := 0, 0
	check := func(who, p string, status int, page string) {
		pages++
		if status >= 500 {
			t.Errorf("%s GET %s: %d", who, p, status)
		}
		for _, bad := range unescaped {
			if i := strings.Index(page, bad); i >= 0 {
				t.Errorf("%s GET %s: unescaped %q: …%s…", who, p, bad, page[max(0, i-120):min(len(page), i+80)])
			}
		}
		if m := jsURL.FindString(page); m != "" {
			t.Errorf("%s GET %s: a javascript: address: %s", who, p, m)
		}
		if strings.Contains(page, escaped) {
			showing++
		}
	}
	for _, user := range []string{"office", "admin", "secadmin", "auditor", "leader", "member", "coordinator", "cadre", "unit", "office-dl"} {
		c := e.anon()
		_, page := c.get("/login")
		c.csrf = csrfRe.FindStringSubmatch(page)[1]
		if res := c.post("/login", url.Values{"username": {user}, "password": {demo.Password}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: login %d", user, res.StatusCode)
		}
		if user == "office" { // a press import of a page that carries the payload
			c.acctCSRF("/press/new")
			text := strings.ReplaceAll(pressTestPage, "视察", "视察"+injection)
			res := c.post("/press", url.Values{"text": {text}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("press import: %d\n%s", res.StatusCode, errorsOf(body(res)))
			}
		}
		seen := map[string]bool{}
		queue := []string{"/"}
		if user == "office" { // the payload typed into search boxes, echoed back in them
			for _, p := range []string{"/members?q=", "/members?name=", "/search?q=", "/proposals?q=", "/topics?q=", "/orgs?q=",
				"/accounts?q=", "/audit?entity="} {
				queue = append(queue, p+url.QueryEscape(injection))
			}
		}
		for len(queue) > 0 && len(seen) < 500 {
			p := queue[0]
			queue = queue[1:]
			status, page := c.get(p)
			check(user, p, status, page)
			for _, m := range hrefRe.FindAllStringSubmatch(page, -1) {
				queue = crawlLink(strings.ReplaceAll(m[1], "&amp;", "&"), seen, queue)
			}
		}
		t.Logf("%s: %d page shapes", user, len(seen))
		// The API hands the strings back as data.
		if user == "office" {
			for _, p := range []string{"/api/v1/members", "/api/v1/orgs", "/api/v1/meetings", "/api/v1/proposals", "/api/v1/topics"} {
				var out any
				status := c.api("GET", p, nil, &out)
				if status != http.StatusOK || !holdsString(out, injection) {
					t.Errorf("API %s: %d, the payload is not returned as data", p, status)
				}
			}
		}
	}
	t.Logf("%d rows injected; %d pages crawled, %d showing the payload escaped", rows, pages, showing)
	if showing < pages/3 {
		t.Fatalf("only %d of %d pages show the payload: the crawl did not reach the data", showing, pages)
	}
}

// holdsString reports whether a decoded JSON value has a string ending in suffix.
func holdsString(v any, suffix string) bool {
	switch v := v.(type) {
	case string:
		return strings.HasSuffix(v, suffix)
	case []any:
		return slices.ContainsFunc(v, func(x any) bool { return holdsString(x, suffix) })
	case map[string]any:
		for _, x := range v {
			if holdsString(x, suffix) {
				return true
			}
		}
	}
	return false
}
