package web

import (
	"net/http"
	"net/url"
	"strconv"

	"xieshang/internal/app"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// The figures of social-conditions reports (社情民意信息统计) per committee
// and year, on a page and as an .xlsx workbook.

func (s *Server) readReportStats(r *http.Request) (store.ReportStats, error) {
	return s.db.FindReportStats(r.Context(), actor(r), queryID(r, "committee_id"), queryInt(r, "year", 0, 2100))
}

func reportStatsYear(st store.ReportStats) string {
	if st.Year == 0 {
		return "全部年度"
	}
	return strconv.Itoa(st.Year) + "年"
}

// reportSummary is the summary table, the same on the page and in the
// workbook: label, count, instructions ("" where it does not apply), and
// the list it links to.
func reportSummary(st store.ReportStats) []view.ReportStatRow {
	q := url.Values{"committee_id": {app.Itoa(st.CommitteeID)}}
	if st.Year != 0 {
		q.Set("year", strconv.Itoa(st.Year))
	}
	link := func(k, v string) string {
		n := url.Values{}
		for key, x := range q {
			n[key] = x
		}
		if k != "" {
			n.Set(k, v)
		}
		return "/reports?" + n.Encode()
	}
	rows := []view.ReportStatRow{
		{Label: "报送信息", N: st.Submitted, Link: link("", "")},
		{Label: "被合并", N: st.Merged, Link: link("state", "merged")},
		{Label: "报送上级", N: st.Forwarded},
		{Label: "被采用（条）", N: st.Adopted, Link: link("state", "adopted")},
		{Label: "采用（次）", N: st.Adoptions, Instructions: strconv.Itoa(st.Instructions)},
	}
	for _, l := range st.Levels {
		rows = append(rows, view.ReportStatRow{Label: l.Label, N: l.Adopted, Instructions: strconv.Itoa(l.Instructions),
			Link: link("level", string(l.Level)), Sub: true})
	}
	return append(rows, view.ReportStatRow{Label: "未采用", N: st.NotAdopted, Link: link("state", "not_adopted")})
}

func (s *Server) reportStats(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	st, err := s.readReportStats(r)
	if err != nil {
		return err
	}
	cs, err := s.db.FindCommittees(ctx, a)
	if err != nil {
		return err
	}
	committees := []view.Option{{Label: "本账号所属政协"}}
	for _, c := range cs {
		committees = append(committees, view.Option{Value: app.Itoa(c.ID), Label: c.Name})
	}
	d := view.ReportStats{CommitteeName: st.CommitteeName, Year: reportStatsYear(st), Query: q.Encode(),
		Summary: reportSummary(st)}
	d.Filters = []view.Field{
		{Name: "committee_id", Label: "政协", Value: q.Get("committee_id"), Options: committees},
		{Name: "year", Label: "年度", Value: q.Get("year"), Options: yearOptions(s.db.Today().Y)},
	}
	for _, au := range st.Authors {
		v := url.Values{"member_id": {app.Itoa(au.MemberID)}, "committee_id": {app.Itoa(st.CommitteeID)}}
		if st.Year != 0 {
			v.Set("year", strconv.Itoa(st.Year))
		}
		d.Authors = append(d.Authors, view.ReportAuthorStat{Name: au.Name, Sector: au.Sector, Submitted: au.Submitted,
			Adopted: au.Adopted, Link: "/reports?" + v.Encode()})
	}
	for _, sc := range st.Sectors {
		d.Sectors = append(d.Sectors, view.ReportSectorStat{Name: sc.Name, Submitted: sc.Submitted, Adopted: sc.Adopted})
	}
	return render(w, r, http.StatusOK, view.ReportStatsPage(page(r, "社情民意信息统计", "proposals"), d))
}

func (s *Server) apiReportStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.readReportStats(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// reportStatsXLSX writes the summary, the sectors and the members as sheets.
func (s *Server) reportStatsXLSX(w http.ResponseWriter, r *http.Request) error {
	st, err := s.readReportStats(r)
	if err != nil {
		return err
	}
	title := st.CommitteeName + reportStatsYear(st) + "社情民意信息"
	summary := xlsx.Sheet{Name: "汇总", Title: title + "报送和采用情况", Header: []string{"项目", "条数", "其中有领导批示"}}
	for _, row := range reportSummary(st) {
		label := row.Label
		if row.Sub {
			label = "　　" + label
		}
		summary.Rows = append(summary.Rows, []any{label, row.N, row.Instructions})
	}
	sectors := xlsx.Sheet{Name: "按界别", Title: title + "按界别统计", Header: []string{"界别", "报送", "采用"}}
	for _, sc := range st.Sectors {
		sectors.Rows = append(sectors.Rows, []any{sc.Name, sc.Submitted, sc.Adopted})
	}
	members := xlsx.Sheet{Name: "按委员", Title: title + "按委员统计", Header: []string{"委员", "界别", "报送", "采用"}}
	for _, au := range st.Authors {
		members.Rows = append(members.Rows, []any{au.Name, au.Sector, au.Submitted, au.Adopted})
	}
	return s.sendWorkbook(w, r, "report_stats", title+"统计.xlsx", "report-stats.xlsx", summary, sectors, members)
}
