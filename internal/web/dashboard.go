package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/chart"
	"xieshang/internal/report"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// The statistics dashboard (统计概览): an organisation's subtree over a
// year, a quarter, a month or any run of days — each chart with its table,
// the summary sentences with the figures behind them, every table a sheet
// of the workbook, and the same as JSON.

func (s *Server) dashboardRoutes() []Route {
	read := auth.DashboardRead
	q := []APIParam{{Name: "org_id", Type: "integer", Description: "组织（含下级），缺省为本账号所属组织"},
		{Name: "period", Type: "string", Description: "year | quarter | month | custom（缺省 year）"},
		{Name: "year", Type: "integer", Description: "年度（缺省为今年）"},
		{Name: "quarter", Type: "integer", Description: "季度 1–4（period=quarter）"},
		{Name: "month", Type: "integer", Description: "月份 1–12（period=month）"},
		{Name: "from", Type: "string", Description: "起始日期 YYYY-MM-DD（period=custom）"},
		{Name: "to", Type: "string", Description: "截止日期 YYYY-MM-DD（period=custom）"}}
	return []Route{
		{Method: "GET", Pattern: "/dashboard", Perm: read, Cache: cacheData, Handle: s.dashboard},
		{Method: "GET", Pattern: "/dashboard.xlsx", Perm: read, Handle: s.dashboardXLSX},
		{Method: "GET", Pattern: "/api/v1/dashboard", Perm: read, API: true, Doc: &APIDoc{Tag: "统计",
			Summary:  "统计概览：会议与出席、选举、协商议题与成果反馈、议事室覆盖、帮扶、提案与满意率、社情民意采用，及按报告口径生成的句子和其中每个数字的出处",
			Response: dashboardJSON{}, Query: q}, Handle: s.apiDashboard},
	}
}

// dashboardJSON is the API's answer: the figures and the summary.
type dashboardJSON struct {
	store.Dashboard
	Summary report.Summary `json:"summary"`
}

// dashboardPeriod reads the period from the query; the current year by
// default.
func (s *Server) dashboardPeriod(r *http.Request) (app.Date, app.Date, error) {
	q := r.URL.Query()
	today := s.db.Today()
	year := queryInt(r, "year", today.Y, 2100)
	if year < 2000 {
		year = today.Y
	}
	day := func(y int, m time.Month, d int) app.Date { return app.DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) }
	switch q.Get("period") {
	case "quarter":
		n := queryInt(r, "quarter", (int(today.M)-1)/3+1, 4)
		n = max(n, 1)
		return day(year, time.Month(3*n-2), 1), day(year, time.Month(3*n+1), 0), nil
	case "month":
		m := max(queryInt(r, "month", int(today.M), 12), 1)
		return day(year, time.Month(m), 1), day(year, time.Month(m+1), 0), nil
	case "custom":
		errs := app.FieldErrors{}
		from, err := app.ParseDate(q.Get("from"))
		if err != nil || from.IsZero() {
			errs.Add("from", "请填写起始日期，如 2026-01-01")
		}
		to, err := app.ParseDate(q.Get("to"))
		if err != nil || to.IsZero() {
			errs.Add("to", "请填写截止日期，如 2026-06-30")
		}
		return from, to, errs.Err()
	}
	return day(year, time.January, 1), day(year, time.December, 31), nil
}

// dashboardSummary writes the sentences from the figures.
func dashboardSummary(d store.Dashboard, today app.Date) report.Summary {
	in := report.Input{Who: d.Who, From: d.From, To: d.To, Today: today, Expected: d.Expected, Present: d.Present,
		Elections: d.Elections, Topics: d.Topics, Outcomes: d.Outcomes, Feedback: d.WithFeedback,
		Submitted: d.Proposals.Submitted, Filed: d.Proposals.Filed, Rated: d.Proposals.Rated(),
		Satisfied: d.Proposals.Satisfied + d.Proposals.Basically, ReportsAdopted: d.ReportsAdopted}
	for _, k := range d.Meetings {
		in.Meetings = append(in.Meetings, report.KindCount{Label: k.Label, Held: k.Held})
	}
	if c := d.Rooms; c != nil {
		in.RoomsVillages, in.RoomsCovered, in.Rooms = c.Villages, c.Covered, c.Rooms
	}
	if a := d.Assist; a != nil && a.Figures.Paired > 0 {
		in.AssistSentence, in.Assist = a.Sentence, &a.Figures
	}
	return report.Write(in)
}

// dashboardTables are the dashboard's tables, each with its chart: what
// the page shows and the workbook's sheets.
func dashboardTables(d store.Dashboard) []view.DashTable {
	var out []view.DashTable
	series := func(name string, vs ...float64) []chart.Series { return []chart.Series{{Name: name, Values: vs}} }

	// Overview.
	att, fb := d.Attendance(), d.Feedback()
	sat := d.Proposals.Satisfaction()
	out = append(out, view.DashTable{ID: "overview", Sheet: "主要指标", Title: "主要指标", Head: []string{"指标", "数值"}, Rows: [][]any{
		{"召开会议（次）", d.Held}, {"应到（人次）", d.Expected}, {"实到（人次）", d.Present}, {"委员出席率", att.Percent()},
		{"符合法定人数（场）", fmt.Sprintf("%d / %d", d.QuorumMet, d.Counted)}, {"完成选举（项）", d.Elections},
		{"协商议题（个）", d.Topics}, {"协商成果（项）", d.Outcomes}, {"成果反馈率", fb.Percent()},
		{"提案（件）", d.Proposals.Submitted}, {"立案（件）", d.Proposals.Filed}, {"提案办理满意率", sat.Percent()},
		{"社情民意信息被采用（篇）", d.ReportsAdopted},
	}})

	// Meetings by kind.
	t := view.DashTable{ID: "meetings", Sheet: "会议", Title: "会议召开与出席", Head: []string{"会议类别", "召开（次）", "应到（人次）", "实到（人次）", "出席率", "符合法定人数（场）"}}
	var labels []string
	var held, rate []float64
	for _, k := range d.Meetings {
		r := k.Attendance()
		t.Rows = append(t.Rows, []any{k.Label, k.Held, k.Expected, k.Present, r.Percent(), fmt.Sprintf("%d / %d", k.QuorumMet, k.Counted)})
		labels = append(labels, k.Label)
		held = append(held, float64(k.Held))
		if r.Den > 0 {
			rate = append(rate, float64(r.Num*1000/r.Den)/10)
		} else {
			rate = append(rate, 0)
		}
	}
	t.Rows = append(t.Rows, []any{"合计", d.Held, d.Expected, d.Present, att.Percent(), fmt.Sprintf("%d / %d", d.QuorumMet, d.Counted)})
	t.Chart = chart.Bar(chart.Chart{ID: "c-meetings", Title: "各类会议召开次数", Desc: "按会议类别的召开次数，数据见下表",
		Labels: labels, Series: series("召开次数", held...), Unit: "次"})
	t.Chart2 = chart.HBar(chart.Chart{ID: "c-attendance", Title: "各类会议委员出席率", Desc: "实到人次除以应到人次，数据见下表",
		Labels: labels, Series: series("出席率", rate...), Unit: "%"})
	out = append(out, t)

	// Topics by state and tier.
	t = view.DashTable{ID: "topics", Sheet: "协商议题", Title: "协商议题（按状态和层级）", Head: []string{"状态"}}
	for _, tier := range d.TopicTiers {
		t.Head = append(t.Head, tier.Label)
	}
	t.Head = append(t.Head, "合计")
	var stateLabels []string
	tierSeries := make([]chart.Series, len(d.TopicTiers))
	for i, tier := range d.TopicTiers {
		tierSeries[i].Name = tier.Label
	}
	for _, st := range d.TopicStates {
		if st.Total == 0 {
			continue
		}
		row := []any{st.Label}
		for i, tier := range d.TopicTiers {
			row = append(row, st.ByTier[tier.Kind])
			tierSeries[i].Values = append(tierSeries[i].Values, float64(st.ByTier[tier.Kind]))
		}
		t.Rows = append(t.Rows, append(row, st.Total))
		stateLabels = append(stateLabels, st.Label)
	}
	total := []any{"合计"}
	for _, tier := range d.TopicTiers {
		total = append(total, tier.Topics)
	}
	t.Rows = append(t.Rows, append(total, d.Topics))
	t.Chart = chart.Stacked(chart.Chart{ID: "c-topics", Title: "协商议题按状态和层级", Desc: "各状态的议题数，按组织层级堆叠，数据见下表",
		Labels: stateLabels, Series: tierSeries, Unit: "个"})
	out = append(out, t)

	// Rooms.
	if d.Rooms != nil || len(d.RoomsBelow) > 0 {
		t = view.DashTable{ID: "rooms", Sheet: "议事室覆盖", Title: "村（社区）议事室覆盖", Head: []string{"组织", "村（社区）", "已覆盖", "议事室", "覆盖率"}}
		var names []string
		var pct []float64
		list := d.RoomsBelow
		if d.Rooms != nil {
			list = append(list, *d.Rooms)
		}
		for _, c := range list {
			t.Rows = append(t.Rows, []any{c.Org.Name, c.Villages, c.Covered, c.Rooms, c.Percent()})
			names = append(names, c.Org.Name)
			if c.Villages > 0 {
				pct = append(pct, float64(c.Covered*1000/c.Villages)/10)
			} else {
				pct = append(pct, 0)
			}
		}
		t.Chart = chart.HBar(chart.Chart{ID: "c-rooms", Title: "议事室覆盖率", Desc: "有在用议事室服务的村（社区）所占比例，数据见下表",
			Labels: names, Series: series("覆盖率", pct...), Unit: "%"})
		out = append(out, t)
	}

	// Assistance.
	if a := d.Assist; a != nil {
		f := a.Figures
		t = view.DashTable{ID: "assist", Sheet: "结对帮扶", Title: "结对帮扶（" + a.Period.From + " 至 " + a.Period.To + "）", Head: []string{"指标", "数值"}, Rows: [][]any{
			{"结对帮扶干部（名）", f.Cadres}, {"在册户数", f.Registered}, {"结对户数", f.Paired}, {"结对人数", f.Persons},
			{"结对覆盖率", f.PairingCoverage().Percent()}, {"走访覆盖率", f.VisitCoverage().Percent()},
			{"慰问覆盖率", f.AidCoverage().Percent()}, {"问题提出（件）", f.ProblemsRaised}, {"问题解决（件）", f.ProblemsSolved},
		}}
		pct := func(num, den int) float64 {
			if den == 0 {
				return 0
			}
			return float64(num*1000/den) / 10
		}
		t.Chart = chart.Bar(chart.Chart{ID: "c-assist", Title: "结对、走访、慰问覆盖率", Desc: "数据见下表",
			Labels: []string{"结对", "走访", "慰问"}, Unit: "%", Series: series("覆盖率",
				pct(f.Paired, f.Registered), pct(f.Visited, f.Paired), pct(f.Aided, f.Paired))})
		out = append(out, t)
	}

	// Proposals and reports.
	p := d.Proposals
	t = view.DashTable{ID: "proposals", Sheet: "提案与社情民意", Title: "提案与社情民意", Head: []string{"指标", "数值"}, Rows: [][]any{
		{"提交（件）", p.Submitted}, {"立案（件）", p.Filed}, {"评价（件次）", p.Rated()}, {"满意（件次）", p.Satisfied},
		{"基本满意（件次）", p.Basically}, {"不满意（件次）", p.Dissatisfied}, {"满意率", sat.Percent()},
		{"社情民意信息被采用（篇）", d.ReportsAdopted},
	}}
	t.Chart = chart.Bar(chart.Chart{ID: "c-proposals", Title: "提案与社情民意", Desc: "提案提交、立案、评价和社情民意采用数，数据见下表",
		Labels: []string{"提交", "立案", "评价", "满意及基本满意", "社情民意采用"},
		Series: series("件数", float64(p.Submitted), float64(p.Filed), float64(p.Rated()), float64(p.Satisfied+p.Basically), float64(d.ReportsAdopted))})
	out = append(out, t)

	// The highest and lowest duty scores of each sector.
	if len(d.DutyScores) > 0 {
		t = view.DashTable{ID: "duty", Sheet: "履职得分", Title: "各界别履职得分最高和最低", Head: []string{"界别", "最高", "最低"}}
		for _, r := range d.DutyScores {
			t.Rows = append(t.Rows, []any{r.Sector, r.Top, r.Bottom})
		}
		out = append(out, t)
	}
	return out
}

func periodTitle(d store.Dashboard, today app.Date) string {
	return d.OrgName + "统计概览（" + report.Period(d.From, d.To, today) + "）"
}

func (s *Server) dashboardFilters(r *http.Request) ([]view.Field, error) {
	q := r.URL.Query()
	orgFields, err := s.orgFilter(r, "org_id", "组织", "本账号所属组织")
	if err != nil {
		return nil, err
	}
	today := s.db.Today()
	year := q.Get("year")
	if year == "" {
		year = strconv.Itoa(today.Y)
	}
	var quarters, months []view.Option
	for i := 1; i <= 4; i++ {
		quarters = append(quarters, view.Option{Value: strconv.Itoa(i), Label: "第" + []string{"一", "二", "三", "四"}[i-1] + "季度"})
	}
	for i := 1; i <= 12; i++ {
		months = append(months, view.Option{Value: strconv.Itoa(i), Label: strconv.Itoa(i) + "月"})
	}
	return append(orgFields, []view.Field{
		{Name: "period", Label: "期间", Value: q.Get("period"), Options: []view.Option{{Value: "year", Label: "全年"},
			{Value: "quarter", Label: "季度"}, {Value: "month", Label: "月份"}, {Value: "custom", Label: "自定义起止日期"}}},
		{Name: "year", Label: "年度", Value: year, Options: yearOptions(today.Y)[1:]},
		{Name: "quarter", Label: "季度", Value: q.Get("quarter"), Options: quarters, Hint: "期间为季度时"},
		{Name: "month", Label: "月份", Value: q.Get("month"), Options: months, Hint: "期间为月份时"},
		{Name: "from", Label: "起始日期", Type: "date", Value: q.Get("from"), Hint: "期间为自定义时"},
		{Name: "to", Label: "截止日期", Type: "date", Value: q.Get("to"), Hint: "期间为自定义时"},
	}...), nil
}

func (s *Server) findDashboard(r *http.Request) (store.Dashboard, error) {
	from, to, err := s.dashboardPeriod(r)
	if err != nil {
		return store.Dashboard{}, err
	}
	return s.db.FindDashboard(r.Context(), actor(r), queryID(r, "org_id"), from, to)
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := s.findDashboard(r)
	if err != nil {
		if !formError(err) {
			return err
		}
		filters, ferr := s.dashboardFilters(r)
		if ferr != nil {
			return ferr
		}
		errs := app.ErrorFields(err)
		for i := range filters {
			filters[i] = view.FieldFrom(errs, filters[i])
		}
		return render(w, r, formStatus(err), view.DashboardPage(page(r, "统计概览", "dashboard"),
			view.Dashboard{Msg: app.ErrorMessage(err), Filters: filters}))
	}
	today := s.db.Today()
	sum := dashboardSummary(d, today)
	filters, err := s.dashboardFilters(r)
	if err != nil {
		return err
	}
	v := view.Dashboard{Filters: filters, Title: periodTitle(d, today), Query: r.URL.Query().Encode(),
		Sentence: sum.Text, Tables: dashboardTables(d)}
	for _, f := range sum.Figures {
		v.Figures = append(v.Figures, view.DashFigure{Name: f.Name, Value: f.Value, Source: f.Source})
	}
	return render(w, r, http.StatusOK, view.DashboardPage(page(r, "统计概览", "dashboard"), v))
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := s.findDashboard(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dashboardJSON{Dashboard: d, Summary: dashboardSummary(d, s.db.Today())})
	return nil
}

// dashboardXLSX writes every table as a sheet, the sentences first.
func (s *Server) dashboardXLSX(w http.ResponseWriter, r *http.Request) error {
	d, err := s.findDashboard(r)
	if err != nil {
		return err
	}
	today := s.db.Today()
	sum := dashboardSummary(d, today)
	title := periodTitle(d, today)
	summary := xlsx.Sheet{Name: "概述", Title: title, Header: []string{"项目", "数值", "出处"}, Rows: [][]any{{"概述", sum.Text, ""}}}
	for _, f := range sum.Figures {
		summary.Rows = append(summary.Rows, []any{f.Name, f.Value, f.Source})
	}
	sheets := []xlsx.Sheet{summary}
	for _, t := range dashboardTables(d) {
		sheets = append(sheets, xlsx.Sheet{Name: t.Sheet, Title: title + " · " + t.Title, Header: t.Head, Rows: t.Rows})
	}
	return s.sendWorkbook(w, r, "dashboard", title+".xlsx", "dashboard.xlsx", sheets...)
}
