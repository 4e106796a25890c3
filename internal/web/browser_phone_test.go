package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/election"
	"xieshang/internal/store"
)

// Phone-sized (360×740): the pages a member or a cadre opens on a phone fit
// the screen's width — nothing to scroll sideways.
func TestBrowserPhoneWidth(t *testing.T) {
	e := newEnv(t)
	b := e.tab(t)
	b.do("phone screen", chromedp.EmulateViewport(360, 740))
	fits := func(path string) {
		t.Helper()
		b.open(path)
		bmFits(b, path)
		screenshot(t, b.ctx, "phone"+strings.ReplaceAll(path, "/", "-"))
	}
	fits("/login")
	b.signIn("cadre-a")
	for _, p := range []string{"/", "/households", "/search?q=扶贫", "/me/password"} {
		fits(p)
	}
}

// cdpDo sends one raw protocol command (cdproto) as a chromedp action.
func cdpDo[P, R any](c cdp.Command[P, R], p P) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, c, p)
		return chromedp.Void{}, err
	}
}

// phoneBudget is the most a phone page may transfer, gzipped: the page
// itself and the style sheet and script it loads.
const phoneBudget = 60 << 10

// phoneOverflowJS: the page's width beyond the screen (inside its scroll
// bar), and the elements reaching past it, but for those inside a box that
// scrolls sideways on its own.
const phoneOverflowJS = `(() => {
  const w = document.documentElement.clientWidth, out = [];
  const over = document.documentElement.scrollWidth - w;
  if (over > 0) out.push("the page scrolls " + over + " px sideways");
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > 1 && r.right > w + 0.5 && !el.parentElement.closest(".scroll-x, .table-wrap") && out.length < 8)
      out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "") + " reaches " + Math.round(r.right) + " of " + w + " px");
  }
  return out;
})()`

// phoneTargetsJS lists the controls a thumb must hit that are less than
// 44 CSS px tall: buttons, inputs, selects, text areas, and links that stand
// on their own (no words of running text beside them in their element).
// A checkbox or radio counts by its label. Controls not shown (hidden,
// display none, the screen readers' 1 px text, off the screen) are left out.
const phoneTargetsJS = `(() => {
  const out = [];
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0; };
  const inText = a => [...a.parentElement.childNodes].some(n => n !== a && n.nodeType === 3 && n.textContent.trim() !== "");
  for (const el of document.querySelectorAll('button, input:not([type=hidden]), select, textarea, a[href]')) {
    let box = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) box = el.closest('label') || el;
    if (!shown(box)) continue;
    if (el.tagName === 'A' && inText(el)) continue;
    const h = box.getBoundingClientRect().height;
    if (h < 44) out.push(el.tagName.toLowerCase() + (el.name ? '[name=' + el.name + ']' : '') + ' “' +
      (el.innerText || el.value || el.placeholder || '').trim().slice(0, 20) + '” ' + Math.round(h) + 'px');
  }
  return out;
})()`

// phoneCheck is what each phone page gets: nothing to scroll sideways, every
// control big enough for a thumb, under the size budget, the accessibility
// check and a screenshot.
func (b *tab) phoneCheck(name string) {
	b.t.Helper()
	// clientWidth: the width inside the page's scroll bar
	if over := evalIn[[]string](b, phoneOverflowJS); len(over) > 0 {
		b.t.Errorf("%s: wider than the screen:\n  %s", name, strings.Join(over, "\n  "))
	}
	if small := evalIn[[]string](b, phoneTargetsJS); len(small) > 0 {
		b.t.Errorf("%s: %d control(s) under 44 px tall:\n  %s", name, len(small), strings.Join(small, "\n  "))
	}
	doc := evalIn[int](b, `performance.getEntriesByType("navigation")[0].encodedBodySize`)
	all := evalIn[int](b, `performance.getEntriesByType("navigation")[0].encodedBodySize +
		performance.getEntriesByType("resource").reduce((n, r) => n + r.encodedBodySize, 0)`)
	if doc == 0 || all > phoneBudget {
		b.t.Errorf("%s: the page is %d bytes, %d with its style sheet and script (budget %d)", name, doc, all, phoneBudget)
	}
	b.t.Logf("%s: %d bytes gzipped, %d with style sheet and script", name, doc, all)
	b.check("phone-" + name)
}

var signLinkRe = regexp.MustCompile(`https?://[^/"<\s]+(/s/[^"<\s]+)`)

// The pages a member uses on a phone (360×740) — sign-in, the QR sign-in,
// the show-of-hands ballot and the election ballot, the leave request, the
// duty file, the topic suggestion — and the cadre's visit entry: no sideways
// scrolling, thumb-sized controls, small pages, accessible; and a leave
// request filed with JavaScript switched off reaches the database.
func TestBrowserPhoneMemberPages(t *testing.T) {
	e := newEnv(t)
	fx := newElectionFixture(t, e)
	ctx := context.Background()
	office := e.login("office-a")
	sitting := "/meetings/" + id(fx.sittingID)

	// An electronic election on the sitting, a campaign open today, and a
	// household paired with a cadre who has an account.
	el, _ := browserElection(t, e, fx, office)
	today := e.db.Today()
	camp, err := e.db.CreateCampaign(ctx, app.System, consult.Campaign{OrgID: e.countyA.ID, Year: today.Y,
		Title: "年度协商议题征集", Intro: "欢迎提出建议", OpensOn: app.DateOf(today.Time(e.db.Loc).AddDate(0, 0, -1)),
		ClosesOn: app.DateOf(today.Time(e.db.Loc).AddDate(0, 0, 10))})
	if err != nil {
		t.Fatal(err)
	}
	acct := e.account("cadre-phone", auth.Cadre, e.town.ID)
	cadre, err := e.db.CreateCadre(ctx, app.System, store.CadreInput{OrgID: e.town.ID, Name: "甲干部", AccountID: acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	house, err := e.db.CreateHousehold(ctx, app.System, store.HouseholdInput{OrgID: e.village.ID, HeadName: "刘大娘",
		RegisteredOn: app.MustDate("2024-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreatePairing(ctx, app.System, store.PairingInput{CadreID: cadre.ID, HouseholdID: house.ID,
		StartsOn: app.MustDate("2024-02-01")}); err != nil {
		t.Fatal(err)
	}

	b := e.tab(t)
	b.do("phone size", chromedp.EmulateViewport(360, 740))
	b.open("/login")
	b.phoneCheck("login")
	b.signIn("member-zhang")

	// The sitting opens; 张三 scans the hall's QR code and signs in.
	mustStatus(t, "open sitting", office.post(sitting+"/open", nil), http.StatusSeeOther)
	_, qr := office.get(sitting + "/qr")
	m := signLinkRe.FindStringSubmatch(qr)
	if m == nil {
		t.Fatalf("no sign-in link on the QR page:\n%s", qr)
	}
	b.open(m[1])
	b.phoneCheck("sign")
	b.do("sign in to the sitting", chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert.ok`)))
	b.phoneCheck("signed")

	// The others are signed in by the office; the election opens; 张三 votes.
	for _, name := range []string{"李四", "王五", "赵六"} {
		mustStatus(t, "sign in "+name, office.post(sitting+"/signin", url.Values{"member_id": {fx.id(name)}}), http.StatusSeeOther)
	}
	adoptItems(t, e, office, fx.sittingID, el, 4)
	mustStatus(t, "open election", office.post("/elections/"+id(el.ID)+"/open", nil), http.StatusSeeOther)
	b.open("/elections/" + id(el.ID) + "/ballot")
	b.phoneCheck("election-ballot")

	// A show of hands on the phone.
	mustStatus(t, "agenda", office.post(sitting+"/agenda", url.Values{"kind": {string(store.AgendaResolution)},
		"title": {"政治决议"}}), http.StatusSeeOther)
	items, err := e.db.FindAgendaItems(ctx, app.System, fx.sittingID)
	if err != nil {
		t.Fatal(err)
	}
	mustStatus(t, "open vote", office.post("/agenda/"+id(items[len(items)-1].ID)+"/vote", url.Values{
		"mode": {"electronic"}, "meeting_id": {id(fx.sittingID)}}), http.StatusSeeOther)
	b.open(sitting)
	b.phoneCheck("sitting")
	b.do("to the ballot", chromedp.Click(chromedp.CSS(`a[href^="/votes/"]`)), chromedp.WaitVisible(chromedp.CSS(`button[value="for"]`)))
	b.phoneCheck("ballot")

	// The duty file and the suggestion form.
	b.open("/me/duty")
	b.phoneCheck("duty")
	b.open("/campaigns/" + id(camp.ID))
	b.phoneCheck("suggest")

	// The leave request for the plenary, with JavaScript switched off.
	plenary := "/meetings/" + id(fx.meetingID)
	b.open(plenary)
	b.phoneCheck("leave")
	bmScripts(b, false)
	b.open(plenary)
	if evalIn[bool](b, `(() => { const s = document.createElement("script"); s.textContent = "window.ran = 1"; document.head.append(s); return window.ran === 1 })()`) {
		t.Fatal("scripts still run")
	}
	b.do("file the leave request", chromedp.SendKeys(chromedp.CSS(`textarea[name="reason"]`), "外出学习"),
		chromedp.Click(chromedp.CSS(`form[action$="/leave"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert`)))
	if got := b.text(`main`); !strings.Contains(got, "请假申请已提交") || !strings.Contains(got, "我的状态：请假（待审批）") {
		t.Fatalf("after the leave request the page says:\n%s", got)
	}
	leaves, err := e.db.FindLeaveRequests(ctx, app.System, fx.meetingID)
	if err != nil || len(leaves) != 1 || leaves[0].MemberID != fx.byName["张三"].ID || leaves[0].Reason != "外出学习" {
		t.Fatalf("leave requests: %+v %v", leaves, err)
	}
	bmScripts(b, true)

	// The cadre's visit entry on the household's page.
	b.do("sign out", chromedp.Click(chromedp.CSS(`.who button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	b.signIn("cadre-phone")
	b.open("/households/" + id(house.ID))
	b.phoneCheck("visit")
}

// browserElection sets up an electronic election on the fixture's sitting
// through the API: one 副主席 with 王五 as candidate, 李四 chief scrutineer
// and 赵六 scrutineer.
func browserElection(t *testing.T, e *env, fx electionFixture, c *client) (store.Election, election.Office) {
	t.Helper()
	var el store.Election
	if st := c.api("POST", "/api/v1/meetings/"+id(fx.sittingID)+"/elections", map[string]any{"title": "补选县政协副主席",
		"mode": "electronic"}, &el); st != http.StatusCreated || el.Rules != election.DefaultRules() {
		t.Fatalf("create election: %d %+v", st, el)
	}
	ep := "/api/v1/elections/" + id(el.ID)
	var office election.Office
	if st := c.api("POST", ep+"/offices", map[string]any{"name": "副主席", "role": "vice_chair", "seats": 1}, &office); st != http.StatusCreated {
		t.Fatalf("office: %d", st)
	}
	if st := c.api("PUT", "/api/v1/offices/"+id(office.ID)+"/candidates", map[string]any{"member_ids": []int64{fx.byName["王五"].ID}}, nil); st != http.StatusNoContent {
		t.Fatalf("candidates: %d", st)
	}
	if st := c.api("PUT", ep+"/scrutineers", map[string]any{"scrutineers": []map[string]any{
		{"member_id": fx.byName["李四"].ID, "duty": "chief_scrutineer"},
		{"member_id": fx.byName["赵六"].ID, "duty": "scrutineer"}}}, &el); st != http.StatusOK {
		t.Fatalf("scrutineers: %d", st)
	}
	return el, office
}
