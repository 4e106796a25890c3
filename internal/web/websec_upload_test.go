package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"xieshang/internal/auth"
	"xieshang/internal/demo"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// postFile posts a multipart form with the session's CSRF token and one
// file under field (none when name is ""). The server may close the
// connection while an oversized body is still being sent: the request is
// then tried once more.
func (c *client) postFile(path string, fields url.Values, field, name string, data []byte) *http.Response {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, err := mw.CreateFormFile(field, name)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	var res *http.Response
	var err error
	for try := 0; try < 2; try++ {
		req, _ := http.NewRequest("POST", c.e.srv.URL+path, bytes.NewReader(b.Bytes()))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if res, err = c.http.Do(req); err == nil {
			break
		}
	}
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	res.Body = io.NopCloser(bytes.NewReader(raw))
	return res
}

// Every upload route, on the demo world with a 64 KB upload limit: a good
// file is taken (so the refusals below are the file's doing); a file over
// the limit answers 413 with a Chinese message; a file of the wrong type (a
// Windows program renamed .xlsx, .pdf or .jpg, an HTML page named .pdf)
// answers 4xx naming the problem; nothing refused is stored.
func TestUploadLimitsAndTypesEveryRoute(t *testing.T) {
	db := storetest.Open(t)
	if _, err := demo.Load(context.Background(), db, io.Discard); err != nil {
		t.Fatal(err)
	}
	const limit = 64 << 10
	srv := httptest.NewServer(web.New(db, web.Config{MaxUploadBytes: limit}, nil))
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, srv: srv}
	c := e.anon()
	_, page := c.get("/login")
	c.csrf = csrfRe.FindStringSubmatch(page)[1]
	if res := c.post("/login", url.Values{"username": {"office"}, "password": {demo.Password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	c.acctCSRF("/")
	q := func(sql string) string { return id(e.rawID(sql)) }

	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 512)...)
	html := []byte("<!doctype html><html><body><script>alert(1)</script></body></html>")
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{1}, 200)...)
	big := func(head []byte) []byte {
		return append(append([]byte{}, head...), bytes.Repeat([]byte{7}, limit+16<<10)...)
	}

	item := q(`SELECT ai.id FROM agenda_item ai JOIN meeting m ON m.id = ai.meeting_id
		WHERE m.status <> 'closed' ORDER BY ai.id LIMIT 1`)
	term := q(`SELECT t.id FROM term t JOIN org o ON o.id = t.committee_id WHERE o.parent_id IS NULL ORDER BY t.id DESC LIMIT 1`)
	committee := q(`SELECT committee_id FROM term WHERE id = ` + term)
	proposal := q(`SELECT id FROM proposal WHERE state IN ('draft', 'submitted') ORDER BY id LIMIT 1`)
	topic := q(`SELECT v.topic_id FROM topic_visit v JOIN topic t ON t.id = v.topic_id
		WHERE t.state NOT IN ('declined', 'escalated', 'closed') ORDER BY v.id LIMIT 1`)
	topicKind := ""
	e.db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT kind FROM topic_visit WHERE topic_id = $1 ORDER BY id LIMIT 1`, topic).Scan(&topicKind)
	})
	var household, cadre, occasion string
	e.db.InTx(context.Background(), func(tx *store.Tx) error {
		var h, cd int64
		err := tx.QueryRowContext(context.Background(), `SELECT household_id, cadre_id, occasion FROM assist_visit
			WHERE household_id IS NOT NULL ORDER BY id LIMIT 1`).Scan(&h, &cd, &occasion)
		household, cadre = id(h), id(cd)
		return err
	})
	today := e.db.Today().String()

	routes := []struct {
		name, path, field, table string
		fields                   url.Values
		goodName                 string
		good                     []byte
		wrong                    map[string][]byte // file name → content
	}{
		{"roster import", "/members/import", "file", "import_job",
			url.Values{"committee_id": {committee}, "term_id": {term}}, "", nil,
			map[string][]byte{"名册.xlsx": exe, "名册.exe": exe, "名册.html": html}},
		{"meeting document", "/agenda/" + item + "/documents", "file", "agenda_document",
			url.Values{"agenda_item_id": {item}}, "决议.pdf", pdf,
			map[string][]byte{"决议.pdf": exe, "决议.exe": exe, "页面.pdf": html}},
		{"press upload", "/press", "file", "press_import", nil, "", nil,
			map[string][]byte{"版面.txt": exe, "版面.pdf": pdf, "版面.exe": exe}},
		{"proposal file", "/proposals/" + proposal + "/files", "file", "proposal_file", nil, "附件.pdf", pdf,
			map[string][]byte{"附件.pdf": exe, "附件.docx": exe, "附件.pdf ": html}},
		{"topic visit photo", "/topics/" + topic + "/visits", "photos", "topic_file",
			url.Values{"kind": {topicKind}, "starts_on": {today}, "ends_on": {today}, "places": {"甲村"}, "others": {"县政协委员"}, "findings": {"调研发现"}},
			"现场.jpg", jpeg, map[string][]byte{"现场.jpg": exe, "现场.png": html, "现场.exe": jpeg, "现场.pdf": pdf}},
		{"topic outcome file", "/topics/" + topic + "/outcomes", "file", "topic_file",
			url.Values{"kind": {"report"}, "title": {"调研报告"}, "body": {"报告正文"}}, "报告.pdf", pdf,
			map[string][]byte{"报告.pdf": exe, "报告.docx": html, "报告.jpg": jpeg}},
		{"proposal with its text", "/proposals/new", "file", "proposal", nil, "", nil,
			map[string][]byte{"提案.pdf": exe, "提案.docx": html}},
		{"household visit photo", "/visits", "photos", "assist_file",
			url.Values{"household_id": {household}, "cadre_id": {cadre}, "visited_on": {today}, "occasion": {occasion},
				"seen": {"家中整洁"}, "needs": {"无"}}, "走访.jpg", jpeg, map[string][]byte{"走访.jpg": exe, "走访.png": html, "走访.pdf": pdf}},
	}
	for _, rt := range routes {
		count := func() int64 { return e.rawID(`SELECT COUNT(*) FROM ` + rt.table) }
		before := count()
		if rt.good != nil {
			res := c.postFile(rt.path, rt.fields, rt.field, rt.goodName, rt.good)
			if res.StatusCode != http.StatusSeeOther || count() != before+1 {
				t.Errorf("%s: a good file: %d, %d stored\n%s", rt.name, res.StatusCode, count()-before, errorsOf(body(res)))
				continue
			}
			before++
		}
		res := c.postFile(rt.path, rt.fields, rt.field, "big"+map[bool]string{true: ".jpg", false: ".pdf"}[rt.field == "photos"],
			big(append(append([]byte{}, rt.good...), pdf...)))
		b := body(res)
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b, "过大") && !strings.Contains(b, "上限") {
			t.Errorf("%s: over the limit: %d\n%s", rt.name, res.StatusCode, b)
		}
		for name, data := range rt.wrong {
			res := c.postFile(rt.path, rt.fields, rt.field, name, data)
			b := body(res)
			msgs := errorsOf(b)
			if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(msgs, "文件") && !strings.Contains(msgs, "上传") {
				t.Errorf("%s: %s (%d bytes): %d, want a 4xx naming the file\n%s", rt.name, name, len(data), res.StatusCode, msgs)
			}
		}
		if n := count(); n != before {
			t.Errorf("%s: %d refused file(s) stored", rt.name, n-before)
		}
	}
}

// errorsOf picks a page's error messages, for failure reports.
func errorsOf(page string) string {
	return strings.Join(errorRe.FindAllString(page, -1), "\n")
}

var errorRe = regexp.MustCompile(`<[^>]*class="[^"]*\berror\b[^"]*"[^>]*>(<div>)?[^<]+`)

// The upload limit holds on every form route, whatever its handler does: an
// oversized multipart body posted by a signed-in account allowed everything
// answers 413 with a Chinese message, before any handler runs. (The JSON
// API's bodies: TestAPIBadBodies.)
func TestOversizedUploadIs413OnEveryPostRoute(t *testing.T) {
	const limit = 64 << 10
	e := newEnvWith(t, serverOpts{cfg: web.Config{MaxUploadBytes: limit}})
	// The system admin holds every permission but a handling unit's and
	// the security and audit administrators' (三员分立).
	admin, unit, sec, aud := e.login("admin"), e.login("unit-a"), e.login("secadmin"), e.login("auditor")
	param := regexp.MustCompile(`\{[^}]+\}`)
	big := bytes.Repeat([]byte("%PDF-1.4 "), limit/8)
	n := 0
	for _, rt := range e.web.Routes() {
		if rt.Method != "POST" || rt.API || rt.Public || rt.Pattern == "/logout" {
			continue
		}
		path := param.ReplaceAllString(rt.Pattern, "1")
		c := admin
		switch {
		case rt.Perm == "" || auth.Admin.Can(rt.Perm):
		case auth.SecAdmin.Can(rt.Perm):
			c = sec
		case auth.Auditor.Can(rt.Perm):
			c = aud
		default:
			c = unit
		}
		res := c.postFile(path, nil, "file", "大文件.pdf", big)
		if b := body(res); res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b, "提交的内容过大") {
			t.Errorf("POST %s: %d, want 413 提交的内容过大", rt.Pattern, res.StatusCode)
		}
		n++
	}
	if n < 50 {
		t.Fatalf("only %d POST routes", n)
	}
	t.Logf("%d form routes answer 413", n)
}
