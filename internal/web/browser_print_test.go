package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/demo"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
	"xieshang/internal/web"
)

// pdfPage matches a page object of a PDF ("/Type /Page", not "/Pages").
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// printHiddenJS lists what must not be printed but is: the header with its
// navigation and search, the footer, buttons, links dressed as buttons,
// inputs, selects, text areas, filter forms and the minutes' toolbar. An
// element is printed unless its computed display is none or it has no
// offsetParent (an ancestor is not displayed).
const printHiddenJS = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('header.top, header.top nav, footer, .top-search, button, .btn, input:not([type=hidden]), select, textarea, form.filters, .minutes-toolbar, summary')) {
    if (getComputedStyle(el).display !== 'none' && el.offsetParent !== null)
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' “' + (el.innerText || el.value || '').trim().slice(0, 20) + '”');
  }
  return out;
})()`

// printStyleJS reports what the print style sheet must give: black text on
// white, table heads repeated on each page, rows kept whole, charts kept
// with their tables.
const printStyleJS = `(() => {
  const out = [], cs = el => getComputedStyle(el);
  const black = 'rgb(0, 0, 0)';
  if (cs(document.body).color !== black) out.push('body text ' + cs(document.body).color);
  const bg = cs(document.body).backgroundColor;
  if (bg !== 'rgb(255, 255, 255)' && bg !== 'rgba(0, 0, 0, 0)') out.push('body background ' + bg);
  for (const el of document.querySelectorAll('main h1, main h2, main p, main th, main td, main dt, main dd, main li, main a')) {
    if (el.offsetParent !== null && cs(el).color !== black) { out.push(el.tagName.toLowerCase() + ' “' + el.innerText.trim().slice(0, 12) + '” is ' + cs(el).color); break; }
  }
  for (const el of document.querySelectorAll('main thead')) if (cs(el).display !== 'table-header-group') out.push('thead ' + cs(el).display);
  for (const el of document.querySelectorAll('main tr')) if (cs(el).breakInside !== 'avoid') { out.push('a row may break: ' + cs(el).breakInside); break; }
  for (const el of document.querySelectorAll('main figure.chart')) if (cs(el).breakInside !== 'avoid' || cs(el).breakAfter !== 'avoid') out.push('a chart may part from its table');
  for (const el of document.querySelectorAll('main .table-wrap, main .scroll-x')) if (cs(el).overflowX !== 'visible') { out.push('a table is clipped: overflow ' + cs(el).overflowX); break; }
  return out;
})()`

// printOverflowJS lists the elements reaching past the right edge of the
// page (on paper: cut off, or the whole page shrunk to fit).
const printOverflowJS = `(() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > 1 && r.right > w + 0.5 && out.length < 8)
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : "") + " reaches " + Math.round(r.right) + " of " + w + " px");
  }
  return out;
})()`

// printed is what a page gives on A4: its PDF, saved under
// XIESHANG_ARTIFACTS/pdf, with minPages to maxPages pages; in print media
// the words want are shown and no navigation, button or form control is,
// and the text is black on white with whole table rows.
func (b *tab) printed(name string, minPages, maxPages int, want ...string) {
	b.t.Helper()
	b.check("print-" + name) // the screen first
	b.do("print media", cdpDo(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}))
	defer b.do("screen media", cdpDo(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}))
	text := evalIn[string](b, `document.body.innerText`)
	for _, w := range want {
		if !strings.Contains(text, w) {
			b.t.Errorf("%s: %q is not printed; the printed text:\n%s", name, w, text)
		}
	}
	if shown := evalIn[[]string](b, printHiddenJS); len(shown) > 0 {
		b.t.Errorf("%s: printed but should not be:\n  %s", name, strings.Join(shown, "\n  "))
	}
	if bad := evalIn[[]string](b, printStyleJS); len(bad) > 0 {
		b.t.Errorf("%s: print style:\n  %s", name, strings.Join(bad, "\n  "))
	}
	// At the width of A4 inside the margins (170 mm: 643 CSS px) nothing
	// reaches past the right edge.
	b.do("A4 width", chromedp.EmulateViewport(643, 900))
	if over := evalIn[[]string](b, printOverflowJS); len(over) > 0 {
		b.t.Errorf("%s: wider than A4:\n  %s", name, strings.Join(over, "\n  "))
	}
	b.do("screen width", chromedp.EmulateViewport(1280, 900))
	c, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	pdf, err := chromedp.Run(c, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		b.t.Fatalf("%s: print to PDF: %v", name, err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		b.t.Fatalf("%s: not a PDF: %.20q", name, pdf)
	}
	if dir := os.Getenv("XIESHANG_ARTIFACTS"); dir != "" {
		dir = filepath.Join(dir, "pdf")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	n := len(pdfPage.FindAll(pdf, -1))
	b.t.Logf("%s: %d A4 page(s), %d bytes", name, n, len(pdf))
	if n < minPages || n > maxPages {
		b.t.Errorf("%s: %d pages on A4, want %d to %d", name, n, minPages, maxPages)
	}
	if size := evalIn[string](b, `(() => { const r = [...document.styleSheets].flatMap(s => [...s.cssRules]).flatMap(r => r.cssRules ? [...r.cssRules] : [r]).find(r => r instanceof CSSPageRule && !r.selectorText); return r ? r.style.size : '' })()`); !strings.EqualFold(size, "A4") {
		b.t.Errorf("%s: the page rule's size is %q, want A4", name, size)
	}
}

// The meeting minutes, the election's count report and a member's duty file
// print cleanly on A4: the words that matter are there, the navigation and
// the controls are not, tables keep their heads and rows, and each takes as
// many pages as its data needs.
func TestBrowserPrintDocuments(t *testing.T) {
	e := newEnv(t)
	fx := newElectionFixture(t, e)
	ctx := context.Background()
	office := e.login("office-a")

	// The plenary: three agenda items, 钱七 on leave, four signed in, one
	// item adopted by a show of hands, closed.
	plenary := "/meetings/" + id(fx.meetingID)
	for _, title := range []string{"政协甲县第十三届委员会常务委员会工作报告", "政协甲县第十三届委员会提案工作情况报告", "政治决议"} {
		mustStatus(t, "agenda", office.post(plenary+"/agenda", url.Values{"kind": {string(store.AgendaResolution)},
			"title": {title}}), http.StatusSeeOther)
	}
	mustStatus(t, "leave", e.login("member-qian").post(plenary+"/leave", url.Values{"reason": {"出差"}}), http.StatusSeeOther)
	leaves, err := e.db.FindLeaveRequests(ctx, app.System, fx.meetingID)
	if err != nil || len(leaves) != 1 {
		t.Fatalf("leave requests: %+v %v", leaves, err)
	}
	mustStatus(t, "approve leave", office.post("/leave/"+id(leaves[0].ID)+"/approve", url.Values{"meeting_id": {id(fx.meetingID)}}), http.StatusSeeOther)
	mustStatus(t, "open", office.post(plenary+"/open", nil), http.StatusSeeOther)
	for _, name := range []string{"张三", "李四", "王五", "赵六"} {
		mustStatus(t, "sign in "+name, office.post(plenary+"/signin", url.Values{"member_id": {fx.id(name)}}), http.StatusSeeOther)
	}
	items, err := e.db.FindAgendaItems(ctx, app.System, fx.meetingID)
	if err != nil || len(items) != 3 {
		t.Fatalf("agenda: %+v %v", items, err)
	}
	mustStatus(t, "open vote", office.post("/agenda/"+id(items[2].ID)+"/vote", url.Values{"meeting_id": {id(fx.meetingID)},
		"mode": {"hands"}}), http.StatusSeeOther)
	votes, err := e.db.FindVotes(ctx, app.System, fx.meetingID)
	if err != nil || len(votes) != 1 {
		t.Fatalf("votes: %+v %v", votes, err)
	}
	mustStatus(t, "hands", office.post("/votes/"+id(votes[0].ID)+"/hands", url.Values{"for": {"4"}, "against": {"0"},
		"abstain": {"0"}}), http.StatusSeeOther)
	mustStatus(t, "close vote", office.post("/votes/"+id(votes[0].ID)+"/close", nil), http.StatusSeeOther)
	mustStatus(t, "close", office.post(plenary+"/close", nil), http.StatusSeeOther)

	// The election on the sitting: four vote electronically, three for 王五.
	el, _ := browserElection(t, e, fx, office)
	sitting := "/meetings/" + id(fx.sittingID)
	mustStatus(t, "open sitting", office.post(sitting+"/open", nil), http.StatusSeeOther)
	for _, name := range []string{"张三", "李四", "王五", "赵六"} {
		mustStatus(t, "sign in "+name, office.post(sitting+"/signin", url.Values{"member_id": {fx.id(name)}}), http.StatusSeeOther)
	}
	adoptItems(t, e, office, fx.sittingID, el, 4)
	ep := "/api/v1/elections/" + id(el.ID)
	mustStatus(t, "open election", office.post("/elections/"+id(el.ID)+"/open", nil), http.StatusSeeOther)
	for user, mark := range map[string]string{"member-zhang": "for", "member-li": "for", "member-zhao": "against"} {
		if st := e.login(user).api("POST", ep+"/ballots", map[string]any{"papers": []any{map[string]any{"offices": []any{
			map[string]any{"marks": []string{mark}}}}}}, nil); st != http.StatusCreated {
			t.Fatalf("%s votes: %d", user, st)
		}
	}
	if st := office.api("POST", ep+"/close", nil, nil); st != http.StatusOK {
		t.Fatalf("close election: %d", st)
	}
	if st := office.api("POST", ep+"/sign", nil, nil); st != http.StatusOK {
		t.Fatalf("sign: %d", st)
	}

	// 张三's duty file: the two sign-ins and the vote, and 60 household visits
	// through the year — more than one A4 page of lines.
	zhang := fx.byName["张三"]
	year := fx.starts.In(e.db.Loc).Year()
	var events []store.DutyEvent
	for i := range 60 {
		on := app.DateOf(time.Date(year, time.Month(1+i/6), 1+i%6*4, 0, 0, 0, 0, e.db.Loc))
		events = append(events, store.DutyEvent{CommitteeID: e.countyA.ID, MemberID: zhang.ID, Kind: store.DutyAssistVisit,
			OccurredOn: on, Source: store.SourceAssistVisit, SourceID: int64(1000 + i)})
	}
	if err := e.db.InTx(ctx, func(tx *store.Tx) error { return tx.RecordDuty(ctx, events...) }); err != nil {
		t.Fatal(err)
	}
	file, err := e.db.FindDutyFile(ctx, app.System, zhang.ID, year)
	if err != nil {
		t.Fatal(err)
	}

	b := e.tab(t)
	b.signIn("office-a")
	b.open(plenary + "/minutes")
	b.printed("minutes", 1, 2, "甲县政协十三届一次会议纪要", "县会议中心", "会议应到委员5人，实到4人", "政治决议", "钱七")

	b.open("/elections/" + id(el.ID) + "/report")
	b.printed("election-report", 1, 1, "计票结果报告", "补选县政协副主席", "发出选票4张，收回选票3张", "王五", "总监票人：李四")

	b.open(fmt.Sprintf("/duty/members/%d?year=%d", zhang.ID, year))
	b.printed("duty-file", 2, 4, "张三", file.Total.String(), "结对帮扶走访", fmt.Sprintf("%d-12-", year))
}

// The dashboard of the demo city prints on A4: the sentence and every
// table's figures, its charts beside their tables, no filter form.
func TestBrowserPrintDashboard(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, io.Discard); err != nil {
		t.Fatal(err)
	}
	orgs, err := db.FindOrgs(ctx, app.System, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var city org.Org
	for _, o := range orgs {
		if o.ParentID == 0 {
			city = o
			break
		}
	}
	srv := httptest.NewServer(web.New(db, web.Config{}, nil))
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, srv: srv}
	e.account("print-office", auth.Office, city.ID)
	d, err := db.FindDashboard(ctx, app.System, city.ID, app.MustDate("2026-01-01"), app.MustDate("2026-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	b := e.tab(t)
	b.signIn("print-office")
	b.open("/dashboard?org_id=" + id(city.ID) + "&period=year&year=2026")
	b.printed("dashboard", 2, 8, "2026年，"+city.WrittenName(), fmt.Sprintf("开展协商议题%d个", d.Topics),
		fmt.Sprintf("收到提案%d件", d.Proposals.Submitted), "会议召开与出席", "主席会议")
}
