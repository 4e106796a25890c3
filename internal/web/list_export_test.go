package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"xieshang/internal/app"
	"xieshang/internal/store"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/xlsx"
)

// fetchXLSX gets a workbook and returns its first sheet's rows below the
// title and header, with the status; rows is nil unless the status is 200.
func (c *client) fetchXLSX(path string) (int, [][]string) {
	c.t.Helper()
	res, err := c.http.Get(c.e.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil
	}
	b, _ := io.ReadAll(res.Body)
	rows, err := xlsx.ReadFirstSheet(bytes.NewReader(b), 100000, 40)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close()
	if p, _ := f.GetPanes(f.GetSheetName(0)); !p.Freeze || p.YSplit != 2 {
		c.t.Errorf("GET %s: panes %+v, want title and header frozen", path, p)
	}
	if len(rows) < 2 || rows[1][0] != "序号" {
		c.t.Fatalf("GET %s: no header: %q", path, rows)
	}
	return res.StatusCode, rows[2:]
}

func column(rows [][]string, c int) []string {
	var out []string
	for _, r := range rows {
		if c < len(r) {
			out = append(out, r[c])
		} else {
			out = append(out, "")
		}
	}
	return out
}

func TestListExports(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	office, officeB, admin, auditor := e.login("office-a"), e.login("office-b"), e.login("admin"), e.login("auditor")

	// Meetings: county A's office sees its plenary meeting, county B's none.
	st, rows := office.fetchXLSX("/meetings.xlsx")
	if st != 200 || len(rows) != 1 || rows[0][2] != "全体会议" || rows[0][4] != "县会议中心" ||
		rows[0][3] != fx.starts.Format("2006-01-02 15:04") {
		t.Errorf("meetings: %d %q", st, rows)
	}
	if st, rows := officeB.fetchXLSX("/meetings.xlsx"); st != 200 || len(rows) != 0 {
		t.Errorf("county B's meetings: %d %q", st, rows)
	}
	if st, rows := office.fetchXLSX("/meetings.xlsx?status=closed"); st != 200 || len(rows) != 0 {
		t.Errorf("closed meetings (filter): %d %q", st, rows)
	}

	// Every export is audited: who took how many rows of what, with which filters.
	es, _, err := e.db.FindAuditEntries(context.Background(), app.System, store.AuditFilter{Action: "export", Entity: "meetings"})
	if err != nil || len(es) != 3 || es[0].Summary != "导出会议：0条（status=closed）" {
		t.Errorf("export audit rows: %v %v", es, err)
	}

	// Each page links its export with its filters.
	for page, link := range map[string]string{"/meetings?status=closed&offset=20": `href="/meetings.xlsx?status=closed"`,
		"/units": `href="/units.xlsx"`, "/rooms": `href="/rooms.xlsx"`, "/plans": `href="/plans.xlsx"`,
		"/proposals": `href="/proposals.xlsx"`, "/reports?year=2025": `href="/reports.xlsx?year=2025"`} {
		if _, b := office.get(page); !strings.Contains(b, link) || !strings.Contains(b, "导出Excel") {
			t.Errorf("%s lacks the export link %s", page, link)
		}
	}
	if _, b := auditor.get("/audit"); !strings.Contains(b, `href="/audit.xlsx"`) {
		t.Errorf("/audit lacks the export link")
	}
	if _, b := admin.get("/accounts?role=office"); !strings.Contains(b, `href="/accounts.xlsx?role=office"`) {
		t.Errorf("/accounts lacks the export link")
	}

	// Units: the rows are the page's units, within the office's subtree.
	st, rows = office.fetchXLSX("/units.xlsx")
	_, page := office.get("/units")
	if st != 200 || len(rows) == 0 {
		t.Fatalf("units: %d %q", st, rows)
	}
	for _, name := range column(rows, 1) {
		if !strings.Contains(page, name) {
			t.Errorf("exported unit %q is not on the page", name)
		}
	}
	if st, _ := e.login("member-zhang").fetchXLSX("/units.xlsx"); st != http.StatusForbidden {
		t.Errorf("member exports units: %d", st)
	}

	// Accounts: the admin's filter by role keeps to that role.
	st, rows = admin.fetchXLSX("/accounts.xlsx?role=office")
	if st != 200 || len(rows) != 3 {
		t.Errorf("office accounts: %d %q", st, rows)
	}
	for _, r := range rows {
		if r[3] != "机关工作人员" {
			t.Errorf("account role %q, want the office", r[3])
		}
	}
	if st, _ := e.login("leader-a").fetchXLSX("/accounts.xlsx"); st != http.StatusForbidden {
		t.Errorf("leader exports accounts: %d", st)
	}

	// Audit log: every entry of the filter, across pages.
	st, rows = auditor.fetchXLSX("/audit.xlsx?entity=account")
	if st != 200 || len(rows) < 10 {
		t.Errorf("audit: %d %d rows", st, len(rows))
	}
	if st, _ := admin.fetchXLSX("/audit.xlsx"); st != http.StatusForbidden {
		t.Errorf("the system administrator exports the audit log: %d", st)
	}
	if st, _ := e.login("member-zhang").fetchXLSX("/audit.xlsx"); st != http.StatusForbidden {
		t.Errorf("member exports the audit log: %d", st)
	}

	// The other lists answer a workbook to those who see the page and 403
	// where the page does.
	for _, p := range []string{"/rooms.xlsx", "/plans.xlsx", "/proposals.xlsx", "/reports.xlsx"} {
		if st, _ := office.fetchXLSX(p); st != 200 {
			t.Errorf("GET %s: %d", p, st)
		}
	}
	unit := e.login("unit-a")
	for _, p := range []string{"/rooms.xlsx", "/plans.xlsx", "/meetings.xlsx"} {
		pst, _ := unit.get(strings.TrimSuffix(p, ".xlsx"))
		if st, _ := unit.fetchXLSX(p); st != pst || st == 200 {
			t.Errorf("unit GET %s: %d, page %d", p, st, pst)
		}
	}
}
