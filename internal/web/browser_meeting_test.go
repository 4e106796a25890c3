package web_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/roster"
	"xieshang/internal/store"
)

// Browser flows of the roster import, a plenary from notice to minutes, an
// electronic election, and the phone ballot and the board without
// JavaScript. Helpers here are prefixed bm (browser, meeting).

// bmDialogs accepts every JavaScript dialog the tab opens (the forms'
// data-confirm) and records its message.
type bmDialogs struct {
	mu   sync.Mutex
	seen []string
}

func (d *bmDialogs) messages() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.seen...)
}

// bmAcceptDialogs makes the tab answer "OK" to its confirm dialogs.
func bmAcceptDialogs(b *tab) *bmDialogs {
	b.t.Helper()
	d := &bmDialogs{}
	ctx := b.ctx
	err := chromedp.Listen(ctx, func(ev any) {
		if o, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			d.mu.Lock()
			d.seen = append(d.seen, o.Message)
			d.mu.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}) //nolint:errcheck // the test sees what follows
		}
	})
	if err != nil {
		b.t.Fatal(err)
	}
	return d
}

// bmNewTab opens another tab in b's browser: in the same session (cookies)
// when isolated is false, else in a fresh browser context of its own, as a
// second device would be. The tab closes with the test or with close().
func bmNewTab(b *tab, isolated bool) (*tab, func()) {
	b.t.Helper()
	var opts []chromedp.ContextOption
	if isolated {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	ctx, cancel := chromedp.NewContext(b.ctx, opts...)
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // open the tab with no deadline
		b.t.Fatalf("new tab: %v", err)
	}
	return &tab{t: b.t, e: b.e, ctx: ctx}, cancel
}

// bmPhone opens a phone-sized (360×740) tab of its own, signed in as user.
func bmPhone(b *tab, user string) (*tab, func()) {
	b.t.Helper()
	p, closeTab := bmNewTab(b, true)
	p.do("phone viewport", chromedp.EmulateViewport(360, 740))
	p.signIn(user)
	return p, closeTab
}

// bmUntil polls a JavaScript condition in the tab until it holds (15 s);
// errors while a page loads count as "not yet".
func bmUntil(b *tab, what, js string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](`(function(){try{return !!(`+js+`)}catch(e){return false}})()`))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			url := evalIn[string](b, `location.pathname + location.search`)
			b.t.Fatalf("waiting for %s (%s) on %s: %v\npage: %.1500s", what, js, url, err,
				evalIn[string](b, `document.body ? document.body.innerText : ""`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// bmHas is a JavaScript condition: the text of the first match of sel
// contains want.
func bmHas(sel, want string) string {
	return `(document.querySelector(` + jsString(sel) + `)||{innerText:""}).innerText.includes(` + jsString(want) + `)`
}

// bmSubmit clicks sel (a link or a form's button) and waits for the next
// page, where cond must hold: the old page is marked, so that only a new
// document counts.
func bmSubmit(b *tab, what, sel, cond string) {
	b.t.Helper()
	evalIn[bool](b, `window.__bmOld = true`)
	b.do(what, chromedp.Click(chromedp.CSS(sel)))
	bmUntil(b, what, `!window.__bmOld && document.readyState === "complete" && (`+cond+`)`)
}

// bmPath is the tab's path and query.
func bmPath(b *tab) string {
	b.t.Helper()
	return evalIn[string](b, `location.pathname + location.search`)
}

// bmFits fails when the page is wider than the phone's screen.
func bmFits(b *tab, what string) {
	b.t.Helper()
	if over := evalIn[int](b, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		b.t.Errorf("%s is %d px wider than the phone's screen", what, over)
	}
}

// bmMemberAccount gives a member a member-role account with the fixture
// password.
func bmMemberAccount(t *testing.T, e *env, user, name string, memberID int64) {
	t.Helper()
	ctx := context.Background()
	a, err := e.db.CreateAccount(ctx, app.System, auth.AccountInput{Username: user, DisplayName: name,
		Role: auth.MemberRole, OrgID: e.countyA.ID, MemberID: memberID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ClearMustChangePassword(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
}

// bmCount runs a COUNT(*) query.
func bmCount(t *testing.T, e *env, query string, args ...any) int {
	t.Helper()
	var n int
	err := e.db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRowContext(context.Background(), query, args...).Scan(&n)
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// bmRoster fills a roster template (the downloaded workbook) with rows given
// as header → value, in place of the template's example row.
func bmRoster(t *testing.T, tpl []byte, rows []map[string]string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatalf("the downloaded template: %v", err)
	}
	all, err := f.GetRows(roster.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	header, cols := -1, map[string]int{}
	for i, r := range all {
		for j, h := range r {
			if strings.TrimSuffix(h, "*") == "姓名" {
				header = i
			}
			cols[strings.TrimSuffix(h, "*")] = j
		}
		if header >= 0 {
			break
		}
	}
	if header < 0 {
		t.Fatalf("the template has no header row: %v", all)
	}
	if err := f.RemoveRow(roster.SheetName, header+2); err != nil { // the example
		t.Fatal(err)
	}
	for i, r := range rows {
		for h, v := range r {
			c, ok := cols[h]
			if !ok {
				t.Fatalf("the template has no column %q", h)
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, header+2+i)
			if err := f.SetCellStr(roster.SheetName, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// In a real browser: the clerk downloads the roster template, fills it with
// a row of a sector that does not exist, a wrong identity number and a
// member already on the roll; the page lists each bad row with its reason
// and nothing is imported. The mended file imports, and the new members are
// on the list and in the database.
func TestBrowserRosterImport(t *testing.T) {
	e := newEnv(t)
	fx := newMemberFixture(t, e)
	ctx := context.Background()
	b := e.tab(t)
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	b.signIn("office-a")
	b.open("/members")
	b.check("roster-list-before")
	bmSubmit(b, "the import link", `a[href="/members/import"]`, `document.querySelector('input[type="file"]')`)
	b.check("roster-import-form")
	// The form starts at the clerk's committee and its current term.
	if got := evalIn[string](b, `document.getElementById("f-term_id").value`); got != id(fx.termA.ID) {
		t.Fatalf("the form's term is %q, want %d", got, fx.termA.ID)
	}

	// The template, as the browser saves it.
	b.do("download the template", chromedp.Click(chromedp.CSS(`a[href="/members/template.xlsx"]`)))
	var tpl []byte
	for deadline := time.Now().Add(15 * time.Second); tpl == nil; {
		if data, err := os.ReadFile(filepath.Join(downloads, "委员名册导入模板.xlsx")); err == nil && len(data) > 0 {
			tpl = data
		} else if time.Now().After(deadline) {
			names, _ := filepath.Glob(filepath.Join(downloads, "*"))
			t.Fatalf("the template was not downloaded: %v", names)
		}
		time.Sleep(100 * time.Millisecond)
	}

	upload := func(name string, data []byte) {
		t.Helper()
		file := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		b.do("choose "+name, chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"][name="file"]`), []string{file}))
	}
	badID := idNumber(301)
	badID = badID[:17] + map[bool]string{true: "0", false: "1"}[badID[17] != '0']
	upload("名册.xlsx", bmRoster(t, tpl, []map[string]string{
		{"姓名": "陈一", "身份证号": idNumber(201), "界别": "教育界"},
		{"姓名": "陈二", "身份证号": idNumber(202), "界别": "文艺界"},
		{"姓名": "陈三", "身份证号": badID, "界别": "经济界"},
		{"姓名": "陈四", "身份证号": fx.zhangIDNumber, "界别": "经济界"},
	}))
	bmSubmit(b, "upload the bad roster", `form[action="/members/import"] button[type="submit"]`, `document.querySelector(".import-errors")`)
	b.check("roster-import-refused")
	if h := b.text(".import-errors h2"); !strings.Contains(h, "未导入任何委员") {
		t.Errorf("the errors' heading: %q", h)
	}
	rows := evalIn[[][]string](b, `[...document.querySelectorAll(".import-errors tbody tr")].map(r => [...r.cells].map(c => c.innerText.trim()))`)
	reasons := map[string]string{}
	for _, r := range rows {
		if len(r) == 3 {
			reasons[r[0]] += r[2]
		}
	}
	for line, want := range map[string]string{"3": "界别“文艺界”不存在", "4": "身份证号校验位不正确", "5": "该身份证号已登记为本会委员"} {
		if !strings.Contains(reasons[line], want) {
			t.Errorf("row %s: the page says %q, want %q (all: %q)", line, reasons[line], want, rows)
		}
	}
	if _, ok := reasons["2"]; ok || len(reasons) != 3 {
		t.Errorf("listed rows %q, want 3, 4 and 5", rows)
	}
	if _, total, err := e.db.FindMembers(ctx, fx.countyAActor, store.MemberFilter{}); err != nil || total != 1 {
		t.Fatalf("after the refused roster county A has %d members (%v), want 1", total, err)
	}
	if n := bmCount(t, e, `SELECT COUNT(*) FROM member WHERE name LIKE '陈%'`); n != 0 {
		t.Fatalf("the refused roster wrote %d members", n)
	}

	// The mended roster: the committee and term are still chosen.
	upload("名册-改.xlsx", bmRoster(t, tpl, []map[string]string{
		{"姓名": "陈一", "身份证号": idNumber(201), "界别": "教育界"},
		{"姓名": "陈二", "身份证号": idNumber(202), "界别": "教育界", "手机号": "13900001111"},
		{"姓名": "陈三", "身份证号": idNumber(203), "界别": "经济界", "职务": "常委"},
	}))
	bmSubmit(b, "upload the mended roster", `form[action="/members/import"] button[type="submit"]`,
		`location.pathname.startsWith("/members/import/jobs/")`)
	bmUntil(b, "the import to end", bmHas(".alert.ok", "已导入 3 名委员")) // the page reloads itself until done
	b.check("roster-import-done")
	bmSubmit(b, "the list link", `a.btn.primary[href^="/members?"]`, `document.querySelector("table")`)
	b.check("roster-list-after")
	list := b.text("main")
	for _, name := range []string{"陈一", "陈二", "陈三", "张三"} {
		if !strings.Contains(list, name) {
			t.Errorf("the member list lacks %s", name)
		}
	}
	ms, total, err := e.db.FindMembers(ctx, fx.countyAActor, store.MemberFilter{TermID: fx.termA.ID, Limit: 10})
	if err != nil || total != 4 {
		t.Fatalf("after the import county A has %d members (%v), want 4", total, err)
	}
	sectors := map[string]string{}
	for _, m := range ms {
		sectors[m.Name] = m.SectorName
		if m.Name == "陈三" && (len(m.Roles) != 1 || m.Roles[0].Kind != "standing") {
			t.Errorf("陈三's roles: %+v", m.Roles)
		}
	}
	if sectors["陈一"] != "教育界" || sectors["陈二"] != "教育界" || sectors["陈三"] != "经济界" {
		t.Errorf("imported sectors %v", sectors)
	}
}

var bmMeetingPath = regexp.MustCompile(`^/meetings/(\d+)`)
