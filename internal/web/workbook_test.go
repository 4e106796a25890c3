package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/web"
)

// workbook fetches the year workbook and returns each sheet's data rows
// (below title and header) by name, and the sheet order.
func (c *client) workbook(path string) (int, []string, map[string][][]string) {
	c.t.Helper()
	res, err := c.http.Get(c.e.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil, nil
	}
	b, _ := io.ReadAll(res.Body)
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil || len(rows) < 2 {
			c.t.Fatalf("sheet %s: %v %q", name, err, rows)
		}
		out[name] = rows[2:]
	}
	return res.StatusCode, f.GetSheetList(), out
}

func TestYearWorkbook(t *testing.T) {
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	year := strconv.Itoa(fx.starts.Year())
	office := e.login("office-a")

	st, names, sheets := office.workbook("/workbook.xlsx?year=" + year)
	if st != 200 || !reflect.DeepEqual(names, web.WorkbookSheets) {
		t.Fatalf("workbook: %d %q", st, names)
	}
	if m := sheets["会议"]; len(m) != 1 || m[0][3] != "县会议中心" && m[0][4] != "县会议中心" {
		t.Errorf("会议 = %q, want the fixture's meeting", m)
	}
	if a := sheets["结对帮扶"]; len(a) < 15 || a[0][0] != "结对干部" {
		t.Errorf("结对帮扶 = %q, want the figures", a)
	}
	// Another year has no meetings; county B's office sees none of county A's.
	if _, _, sheets := office.workbook("/workbook.xlsx?year=2001"); len(sheets["会议"]) != 0 {
		t.Errorf("2001 meetings: %q", sheets["会议"])
	}
	if _, _, sheets := e.login("office-b").workbook("/workbook.xlsx?year=" + year); len(sheets["会议"]) != 0 {
		t.Errorf("county B sees %q", sheets["会议"])
	}
	if st, _, sheets := e.login("leader-city").workbook("/workbook.xlsx?year=" + year + "&org_id=" + id(e.countyA.ID)); st != 200 || len(sheets["会议"]) != 1 {
		t.Errorf("city leader on county A: %d %q", st, sheets["会议"])
	}
	if st, _ := office.get("/workbook.xlsx?org_id=" + id(e.countyB.ID)); st != http.StatusNotFound {
		t.Errorf("county A's office asks for county B: %d, want 404", st)
	}
	if st, _ := office.get("/workbook.xlsx?year=abc"); st != http.StatusUnprocessableEntity {
		t.Errorf("bad year: %d", st)
	}
	for _, who := range []string{"member-zhang", "unit-a", "cadre-a", "coordinator-a"} {
		if st, _ := e.login(who).get("/workbook.xlsx"); st != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", who, st)
		}
	}
}

// TestYearWorkbookTiming times the workbook of a year with many meetings;
// it runs only with XIESHANG_BENCH_WORKBOOK=<meetings>.
func TestYearWorkbookTiming(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("XIESHANG_BENCH_WORKBOOK"))
	if n == 0 {
		t.Skip("set XIESHANG_BENCH_WORKBOOK to the number of meetings")
	}
	e := newEnv(t)
	fx := newMeetingFixture(t, e)
	ctx := context.Background()
	start := time.Date(fx.starts.Year(), 1, 1, 9, 0, 0, 0, e.db.Loc)
	for i := range n {
		m, err := e.db.CreateMeeting(ctx, app.System, e.countyA.ID, meeting.Input{TermID: fx.term.ID, Kind: meeting.Plenary,
			StartsAt: start.Add(time.Duration(i%360) * 24 * time.Hour), Title: "会议" + strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := e.db.OpenMeeting(ctx, app.System, m.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	office := e.login("office-a")
	for range 3 {
		t0 := time.Now()
		st, _, sheets := office.workbook("/workbook.xlsx?year=" + strconv.Itoa(start.Year()))
		t.Logf("workbook with %d meetings: %v (status %d, %d meeting rows)", len(sheets["会议"]), time.Since(t0), st, len(sheets["会议"]))
	}
}
