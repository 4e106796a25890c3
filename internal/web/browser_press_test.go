package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"xieshang/internal/app"
	"xieshang/internal/store"
)

// TestBrowserPressImport imports a newspaper page through the screens: paste
// it, see its items, choose the organisation of the one the tree lacks,
// confirm both, see the activity with its source, then paste the same page
// again and see its items already imported.
func TestBrowserPressImport(t *testing.T) {
	e := newEnv(t)
	b := e.tab(t)
	b.signIn("office-a")
	ctx := context.Background()

	b.open("/activities")
	b.check("press-activities")
	b.wSubmit("open the press import", `a[href="/press"]`)
	b.check("press-list")
	b.wSubmit("open the paste form", `a[href="/press/new"]`)
	b.check("press-new")

	paste := func() (store.PressImport, string) {
		b.wFill(`form[action="/press"]`, "text", pressTestPage, "year", "2024")
		at := b.wSubmit("recognise the page", `form[action="/press"] button[type="submit"]`)
		m := pressLoc.FindStringSubmatch(at)
		if m == nil {
			t.Fatalf("after pasting: %s", at)
		}
		imp, err := e.db.FindPressImport(ctx, app.System, parseID(t, m[1]))
		if err != nil || len(imp.Items) != 2 {
			t.Fatalf("import: %+v %v", imp, err)
		}
		return imp, at
	}
	imp, at := paste()
	b.check("press-import")
	page := b.text("main")
	for _, want := range []string{"第1条 甲县政协视察重点项目建设", "第2条 丙县政协慰问困难群众", "未找到组织，请选择", "确认全部可导入的条目（1条）"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the import's page lacks %q:\n%s", want, page)
		}
	}
	if acts := pressActivities(t, e); len(acts) != 0 {
		t.Fatalf("activities before confirmation: %d", len(acts))
	}

	// The unknown committee's item is refused until an organisation is chosen.
	second := `form[action="/press/items/` + app.Itoa(imp.Items[1].ID) + `/confirm"]`
	b.wSubmit("confirm without an organisation", second+` button[type="submit"]`, 422)
	b.check("press-import-refused")
	if msg := b.text(second + ` .field.has-error`); !strings.Contains(msg, "未找到组织，请选择") {
		t.Fatalf("the refused item says %q", msg)
	}
	b.wFill(second, "org_id", "甲镇", "title", "甲镇慰问困难群众")
	if got := b.wSubmit("confirm with 甲镇", second+` button[type="submit"]`); !strings.HasPrefix(got, at+"?ok=press_confirmed") {
		t.Fatalf("after confirming: %s", got)
	}
	b.check("press-import-one-confirmed")

	// The other item as proposed, by confirming all that are ready.
	b.wSubmit("confirm all", `form[action="/press/`+app.Itoa(imp.ID)+`/confirm"] button`)
	b.check("press-import-all-confirmed")
	if page := b.text("main"); !strings.Contains(page, "已确认全部可导入的条目") || strings.Count(page, "已导入：") != 2 {
		t.Fatalf("after confirming all:\n%s", page)
	}
	acts := pressActivities(t, e)
	if len(acts) != 2 {
		t.Fatalf("activities: %+v", acts)
	}
	var visit store.Activity
	for _, a := range acts {
		if a.OrgID == e.countyA.ID {
			visit = a
		}
	}
	if visit.Title != "甲县政协视察重点项目建设" || visit.Kind != "research" || len(visit.Figures) != 2 || visit.Figures[0].Value != 30 {
		t.Fatalf("the visit: %+v", visit)
	}

	// The activity shows its source; the source shows the item.
	b.wSubmit("open the activity", `a[href="/activities/`+app.Itoa(visit.ID)+`"]`)
	b.check("press-activity")
	if facts := b.text(".facts"); !strings.Contains(facts, "来源：报纸（粘贴的文本）第1条") {
		t.Fatalf("the activity's facts: %s", facts)
	}
	b.wSubmit("open the source", `a[href="/press/items/`+app.Itoa(imp.Items[0].ID)+`"]`)
	b.check("press-item")
	if page := b.text("main"); !strings.Contains(page, "实到委员28人") {
		t.Fatalf("the source page:\n%s", page)
	}

	// The same page again: both items already imported, nothing to confirm.
	b.open("/press/new")
	again, _ := paste()
	b.check("press-import-again")
	page = b.text("main")
	if strings.Count(page, "已导入") < 2 || strings.Contains(page, "确认全部可导入的条目") || strings.Contains(page, "确认导入") {
		t.Fatalf("the page again:\n%s", page)
	}
	if n := len(pressActivities(t, e)); n != 2 || again.ID == imp.ID {
		t.Fatalf("activities after the page again: %d", n)
	}
	_ = chromedp.Location
}
