package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"xieshang/internal/app"
	"xieshang/internal/store"
)

// pressTestPage is a page any reasonable parser reads the same way: two
// items, each a title line, a dateline with the reporter, a trailing byline;
// the second item's committee is not in the fixture's tree.
const pressTestPage = `甲县政协视察重点项目建设

本报讯（记者 张三）6月5日，甲县政协组织委员视察全县重点项目建设。视察会上应到委员30人，实到委员28人。（王五）

丙县政协慰问困难群众

本报讯（记者 李四）6月6日，丙县政协组织委员走访慰问困难群众，送去米面油等物资。（赵六）
`

var pressLoc = regexp.MustCompile(`^/press/(\d+)$`)

// pressImport pastes the test page and returns the import.
func pressImport(t *testing.T, e *env, c *client) store.PressImport {
	t.Helper()
	res := c.post("/press", url.Values{"text": {pressTestPage}, "year": {"2024"}})
	m := pressLoc.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("import: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body(res))
	}
	imp, err := e.db.FindPressImport(context.Background(), app.System, parseID(t, m[1]))
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Items) != 2 {
		t.Fatalf("items: %+v", imp.Items)
	}
	return imp
}

func pressActivities(t *testing.T, e *env) []store.Activity {
	t.Helper()
	list, _, err := e.db.FindActivities(context.Background(), app.System, store.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestPressImportPreviewEditConfirm(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	if code, page := c.get("/press/new"); code != 200 || !strings.Contains(page, "版面文字") {
		t.Fatalf("new: %d", code)
	}
	imp := pressImport(t, e, c)
	if n := len(pressActivities(t, e)); n != 0 {
		t.Fatalf("activities before confirmation: %d", n)
	}
	path := "/press/" + app.Itoa(imp.ID)
	code, page := c.get(path)
	for _, want := range []string{"甲县政协视察重点项目建设", "丙县政协慰问困难群众", "未找到组织，请选择", "应到委员：30", "实到委员：28",
		"2024-06-05", "确认全部可导入的条目（1条）"} {
		if code != 200 || !strings.Contains(page, want) {
			t.Fatalf("import page lacks %q (%d)", want, code)
		}
	}
	if code, list := c.get("/press"); code != 200 || !strings.Contains(list, path) {
		t.Fatalf("list: %d", code)
	}

	// The unknown committee's item is refused until an organisation is chosen.
	second := "/press/items/" + app.Itoa(imp.Items[1].ID) + "/confirm"
	res := c.post(second, url.Values{"org_id": {""}, "kind": {"assistance"}, "title": {"丙县政协慰问困难群众"},
		"starts_on": {"2024-06-06"}})
	if b := body(res); res.StatusCode != 422 || !strings.Contains(b, "未找到组织，请选择") {
		t.Fatalf("no org: %d", res.StatusCode)
	}
	if n := len(pressActivities(t, e)); n != 0 {
		t.Fatalf("a refused confirmation wrote %d activities", n)
	}
	// Bad figures and a bad date answer with the field and reason, keeping what was typed.
	first := "/press/items/" + app.Itoa(imp.Items[0].ID) + "/confirm"
	res = c.post(first, url.Values{"org_id": {app.Itoa(e.countyA.ID)}, "kind": {"research"}, "title": {"改过的标题"},
		"starts_on": {"2024-13-40"}, "figures": {"应到委员：三十"}})
	if b := body(res); res.StatusCode != 422 || !strings.Contains(b, "应为非负整数") || !strings.Contains(b, "改过的标题") {
		t.Fatalf("bad figures: %d\n%s", res.StatusCode, b)
	}

	// Edited and confirmed: the activity with its figures and its source.
	res = c.post(first, url.Values{"org_id": {app.Itoa(e.countyA.ID)}, "kind": {"research"}, "title": {"县政协视察重点项目"},
		"starts_on": {"2024-06-05"}, "figures": {"应到委员：30\n实到委员：28"}, "organiser": {"张三、王五"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), path+"?ok=press_confirmed") {
		t.Fatalf("confirm: %d %s", res.StatusCode, body(res))
	}
	acts := pressActivities(t, e)
	if len(acts) != 1 {
		t.Fatalf("activities: %+v", acts)
	}
	a := acts[0]
	if a.Title != "县政协视察重点项目" || a.Kind != "research" || a.OrgID != e.countyA.ID || a.StartsOn.String() != "2024-06-05" ||
		len(a.Figures) != 2 || a.Figures[1] != (store.ActivityFigure{Name: "实到委员", Value: 28}) || a.Organiser != "张三、王五" {
		t.Fatalf("activity %+v", a)
	}
	_, apage := c.get("/activities/" + app.Itoa(a.ID))
	src := "/press/items/" + app.Itoa(imp.Items[0].ID)
	if !strings.Contains(apage, "来源：报纸（粘贴的文本）第1条") || !strings.Contains(apage, src) {
		t.Fatalf("activity page lacks its source")
	}
	if code, ipage := c.get(src); code != 200 || !strings.Contains(ipage, "实到委员28人") || !strings.Contains(ipage, "丙县政协") {
		t.Fatalf("source page: %d", code)
	}

	// The second item with an organisation chosen.
	res = c.post(second, url.Values{"org_id": {app.Itoa(e.town.ID)}, "kind": {"assistance"}, "title": {"甲镇慰问困难群众"},
		"starts_on": {"2024-06-06"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm the second: %d %s", res.StatusCode, body(res))
	}

	// The same page again: both items show as imported; nothing doubles.
	again := pressImport(t, e, c)
	_, page = c.get("/press/" + app.Itoa(again.ID))
	if strings.Count(page, "不再重复导入") != 2 || strings.Contains(page, "确认全部可导入的条目") ||
		!strings.Contains(page, "/activities/"+app.Itoa(a.ID)) {
		t.Fatalf("the page again does not show its items imported:\n%s", page)
	}
	res = c.post("/press/items/"+app.Itoa(again.Items[0].ID)+"/confirm", url.Values{"org_id": {app.Itoa(e.countyA.ID)},
		"kind": {"research"}, "title": {"再来一次"}, "starts_on": {"2024-06-05"}})
	if b := body(res); res.StatusCode != 409 || !strings.Contains(b, "不再重复导入") {
		t.Fatalf("confirming the same item again: %d", res.StatusCode)
	}
	if res := c.post("/press/"+app.Itoa(again.ID)+"/confirm", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm all: %d", res.StatusCode)
	}
	if n := len(pressActivities(t, e)); n != 2 {
		t.Fatalf("activities after the page again: %d, want 2", n)
	}

	// Another committee's office does not see the import; a leader may not import.
	if code, _ := e.login("office-b").get(path); code != 404 {
		t.Fatalf("county B's office: %d", code)
	}
	if code, _ := e.login("leader-a").get("/press/new"); code != 403 {
		t.Fatalf("leader: %d", code)
	}
}

func TestPressConfirmAll(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	imp := pressImport(t, e, c)
	res := c.post("/press/"+app.Itoa(imp.ID)+"/confirm", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "ok=press_all") {
		t.Fatalf("confirm all: %d", res.StatusCode)
	}
	got, err := e.db.FindPressImport(context.Background(), app.System, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The item with a known committee is imported; the other waits for its organisation.
	if got.Items[0].State != store.PressConfirmed || got.Items[1].State != store.PressPending || len(pressActivities(t, e)) != 1 {
		t.Fatalf("after confirm all: %+v", got.Items)
	}
	if res := c.post("/press/items/"+app.Itoa(imp.Items[1].ID)+"/skip", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("skip: %d", res.StatusCode)
	}
	_, page := c.get("/press/" + app.Itoa(imp.ID))
	if !strings.Contains(page, "恢复此条") || !strings.Contains(page, "已跳过 1 条") {
		t.Fatalf("skipped item not shown")
	}
}

func TestPressImportBadInput(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	for _, tc := range []struct {
		what   string
		res    func() *http.Response
		status int
		want   string
	}{
		{"empty", func() *http.Response { return c.post("/press", url.Values{"text": {"  \n "}}) }, 422, "请粘贴报纸版面的文字"},
		{"bad year", func() *http.Response {
			return c.post("/press", url.Values{"text": {pressTestPage}, "year": {"二〇二四"}})
		}, 422, "年份应为"},
		{"binary upload", func() *http.Response {
			return c.postFile("/press", nil, "file", "page.txt", []byte("\x00\x01\x02binary\x00\xff\xfe"))
		}, 422, `class="error"`},
		{"a PDF", func() *http.Response {
			return c.postFile("/press", nil, "file", "page.pdf", []byte("%PDF-1.4 x"))
		}, 422, "只能上传 .txt 文本文件"},
		{"a PDF named .txt", func() *http.Response {
			return c.postFile("/press", nil, "file", "page.txt", []byte("%PDF-1.4 x"))
		}, 422, "这是 PDF 文件"},
		{"too large", func() *http.Response {
			return c.postFile("/press", nil, "file", "big.txt", bytes.Repeat([]byte("政协委员视察\n"), 9<<20/19+1))
		}, 413, "文件超过8 MB的上限"},
	} {
		res := tc.res()
		b := body(res)
		if res.StatusCode != tc.status || !strings.Contains(b, tc.want) {
			t.Errorf("%s: %d, want %d with %q", tc.what, res.StatusCode, tc.status, tc.want)
		}
	}
	if list, n, err := e.db.FindPressImports(context.Background(), app.System, 0, 0); err != nil || n != 0 {
		t.Fatalf("bad input stored imports: %+v %v", list, err)
	}
}

// A page uploaded in GB18030 (as Windows offices save text) is read, and
// kept as the same page in UTF-8 beside its items.
func TestPressImportGB18030Upload(t *testing.T) {
	e := newEnv(t)
	c := e.login("office-a")
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(pressTestPage))
	if err != nil {
		t.Fatal(err)
	}
	res := c.postFile("/press", url.Values{"year": {"2024"}}, "file", "版面.txt", gb)
	m := pressLoc.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("GB18030 upload: %d\n%s", res.StatusCode, body(res))
	}
	imp, err := e.db.FindPressImport(context.Background(), app.System, parseID(t, m[1]))
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Items) != 2 || imp.Items[0].Article.Title != "甲县政协视察重点项目建设" {
		t.Fatalf("items of the GB18030 page: %+v", imp.Items)
	}
	if imp.SourceText != pressTestPage {
		t.Errorf("the page kept beside its items:\n%q\nwant the page as uploaded, in UTF-8", imp.SourceText)
	}
}
