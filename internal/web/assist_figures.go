package web

import (
	"fmt"
	"net/http"
	"strconv"

	"xieshang/internal/app"

	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// The assistance figures (帮扶工作统计): an organisation's subtree over a
// year, a quarter or a month, with the sentence the reports print, the
// same for each organisation directly below, and as a workbook.

func (s *Server) assistFiguresRoutes() []Route {
	read := auth.AssistRead
	q := []APIParam{{Name: "org_id", Type: "integer", Description: "组织（含下级），缺省为本账号所属组织"},
		{Name: "from", Type: "string", Description: "起始月份 YYYY-MM（缺省为本季度第一个月）"},
		{Name: "to", Type: "string", Description: "截止月份 YYYY-MM（缺省为本月）"},
		{Name: "who", Type: "string", Description: "句子中的主语，如“县政协”（缺省为组织简称）"}}
	return []Route{
		{Method: "GET", Pattern: "/assist", Perm: read, Handle: s.assistFigures},
		{Method: "GET", Pattern: "/assist/figures.xlsx", Perm: read, Handle: s.assistFiguresXLSX},
		{Method: "GET", Pattern: "/api/v1/assist/figures", Perm: read, API: true, Doc: &APIDoc{Tag: "帮扶",
			Summary:  "帮扶工作统计：结对干部、结对户数和人数、结对/走访/慰问覆盖、急难愁盼问题、慰问物资价值、包联企业及问题，和按报告口径生成的句子",
			Response: store.AssistFigures{}, Query: q}, Handle: s.apiAssistFigures},
	}
}

// assistPeriod reads the period from the query: from/to months, or a
// year/quarter choice; the whole current quarter by default.
func (s *Server) assistPeriod(r *http.Request) store.AssistPeriod {
	q := r.URL.Query()
	today := s.db.Today()
	if from, to := q.Get("from"), q.Get("to"); from != "" || to != "" {
		if from == "" {
			from = to
		}
		if to == "" {
			to = from
		}
		return store.AssistPeriod{From: from, To: to}
	}
	year := queryInt(r, "year", today.Y, 2100)
	switch quarter := q.Get("quarter"); quarter {
	case "1", "2", "3", "4":
		n, _ := strconv.Atoi(quarter)
		return store.AssistPeriod{From: fmt.Sprintf("%d-%02d", year, 3*n-2), To: fmt.Sprintf("%d-%02d", year, 3*n)}
	case "year":
		return store.AssistPeriod{From: fmt.Sprintf("%d-01", year), To: fmt.Sprintf("%d-12", year)}
	}
	return quarterOf(today)
}

// quarterOf is the whole quarter a day falls in (figures are kept by
// month, quarter and year, so a quarter-to-date is not a period).
func quarterOf(d app.Date) store.AssistPeriod {
	first := (int(d.M)-1)/3*3 + 1
	return store.AssistPeriod{From: fmt.Sprintf("%d-%02d", d.Y, first), To: fmt.Sprintf("%d-%02d", d.Y, first+2)}
}

func periodText(p store.AssistPeriod) string {
	if p.From == p.To {
		return p.From
	}
	return p.From + " 至 " + p.To
}

func (s *Server) assistFigures(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	p := s.assistPeriod(r)
	filters, err := s.assistFilters(r)
	if err != nil {
		return err
	}
	main, err := s.db.FindAssistFigures(ctx, a, queryID(r, "org_id"), p, q.Get("who"))
	if err != nil {
		if !formError(err) {
			return err
		}
		return render(w, r, formStatus(err), view.AssistFiguresPage(page(r, "帮扶工作统计", "assist"),
			view.AssistFigures{Msg: app.ErrorMessage(err), Filters: filters}))
	}
	d := view.AssistFigures{Filters: filters, Period: periodText(p), Query: q.Encode(),
		Rows: []view.AssistRow{assistRow(main, true)}, Sentence: main.Sentence, Enterprise: main.Enterprise}
	children, err := s.db.FindOrgs(ctx, a, store.OrgFilter{ParentID: main.OrgID})
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.Archived || main.OrgID == 0 {
			continue
		}
		cf, err := s.db.FindAssistFigures(ctx, a, c.ID, p, "")
		if err != nil {
			return err
		}
		if cf.Figures.Registered == 0 && cf.Figures.Enterprises == 0 {
			continue
		}
		d.Rows = append(d.Rows, assistRow(cf, false))
	}
	return render(w, r, http.StatusOK, view.AssistFiguresPage(page(r, "帮扶工作统计", "assist"), d))
}

func assistRow(af store.AssistFigures, total bool) view.AssistRow {
	f := af.Figures
	return view.AssistRow{OrgID: af.OrgID, Org: af.OrgName, Total: total, Cadres: f.Cadres, Registered: f.Registered,
		Paired: f.Paired, Persons: f.Persons, PairCov: f.PairingCoverage().Percent(), Visited: f.Visited,
		VisitCov: f.VisitCoverage().Percent(), Aided: f.Aided, AidCov: f.AidCoverage().Percent(),
		Aid: yuanText(f.AidFen), Raised: f.ProblemsRaised, Solved: f.ProblemsSolved, Enterprises: f.Enterprises,
		EntRaised: f.EnterpriseRaised, EntSolved: f.EnterpriseSolved}
}

// yuanText writes fen as yuan with two decimals: 2136.00.
func yuanText(fen int64) string {
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}

func (s *Server) assistFilters(r *http.Request) ([]view.Field, error) {
	q := r.URL.Query()
	orgFields, err := s.orgFilter(r, "org_id", "组织", "本账号所属组织")
	if err != nil {
		return nil, err
	}
	year := q.Get("year")
	if year == "" {
		year = strconv.Itoa(s.db.Today().Y)
	}
	return append(orgFields, []view.Field{
		{Name: "year", Label: "年度", Value: year, Options: yearOptions(s.db.Today().Y)[1:]},
		{Name: "quarter", Label: "期间", Value: q.Get("quarter"), Options: []view.Option{{Label: "本季度"},
			{Value: "year", Label: "全年"}, {Value: "1", Label: "第一季度"}, {Value: "2", Label: "第二季度"},
			{Value: "3", Label: "第三季度"}, {Value: "4", Label: "第四季度"}}},
		{Name: "who", Label: "句子主语", Value: q.Get("who"), Hint: "如“县政协”，缺省为组织简称"},
	}...), nil
}

func (s *Server) apiAssistFigures(w http.ResponseWriter, r *http.Request) error {
	af, err := s.db.FindAssistFigures(r.Context(), actor(r), queryID(r, "org_id"), s.assistPeriod(r), r.URL.Query().Get("who"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, af)
	return nil
}

// assistFiguresXLSX writes the organisation and the ones directly below,
// one row each, with the sentence under the table.
func (s *Server) assistFiguresXLSX(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	p := s.assistPeriod(r)
	main, err := s.db.FindAssistFigures(ctx, a, queryID(r, "org_id"), p, r.URL.Query().Get("who"))
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "帮扶工作统计", Title: main.OrgName + "帮扶工作统计（" + periodText(p) + "）",
		Header: []string{"组织", "结对干部", "在册户数", "结对户数", "结对人数", "结对覆盖", "走访户数", "走访覆盖",
			"慰问户数", "慰问覆盖", "慰问物资价值（元）", "问题提出", "问题解决", "包联企业", "企业问题提出", "企业问题解决"}}
	add := func(af store.AssistFigures) {
		f := af.Figures
		sheet.Rows = append(sheet.Rows, []any{af.OrgName, f.Cadres, f.Registered, f.Paired, f.Persons,
			f.PairingCoverage().Percent(), f.Visited, f.VisitCoverage().Percent(), f.Aided, f.AidCoverage().Percent(),
			float64(f.AidFen) / 100, f.ProblemsRaised, f.ProblemsSolved, f.Enterprises, f.EnterpriseRaised, f.EnterpriseSolved})
	}
	add(main)
	if main.OrgID != 0 {
		children, err := s.db.FindOrgs(ctx, a, store.OrgFilter{ParentID: main.OrgID})
		if err != nil {
			return err
		}
		for _, c := range children {
			if c.Archived {
				continue
			}
			cf, err := s.db.FindAssistFigures(ctx, a, c.ID, p, "")
			if err != nil {
				return err
			}
			add(cf)
		}
	}
	sheet.Rows = append(sheet.Rows, []any{main.Sentence}, []any{main.Enterprise})
	return s.sendWorkbook(w, r, "assist_figures", main.OrgName+"帮扶工作统计.xlsx", "assist-figures.xlsx", sheet)
}
