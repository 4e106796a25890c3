package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// The proposal statistics (提案统计) of a committee's term and session: a
// page of tables, the same tables as a workbook (one sheet each), and the
// figures as JSON. The page and the workbook are built from one list of
// blocks, so they cannot disagree.

func (s *Server) proposalStatsRoutes() []Route {
	read := auth.ProposalRead
	return []Route{
		{Method: "GET", Pattern: "/proposals/stats", Perm: read, Handle: s.proposalStats},
		{Method: "GET", Pattern: "/proposals/stats.xlsx", Perm: read, Handle: s.proposalStatsXLSX},
		{Method: "GET", Pattern: "/api/v1/proposals/stats", Perm: read, API: true, Doc: &APIDoc{Tag: "提案",
			Summary: "提案统计：届次内各次会议的提交、立案、不予立案（转来信/社情民意）、并案、待审查件数；按类别、按界别的提交和立案；" +
				"各承办单位的主办、会办、签收、答复、当前超期、答复类别和评价；答复类别合计、满意率和满意及基本满意率（含件数）；超期单位；重点、优秀、办结件数",
			Response: store.ProposalStats{}, Query: []APIParam{
				{Name: "committee_id", Type: "integer", Description: "政协，缺省为本账号所属政协"},
				{Name: "term_id", Type: "integer", Description: "届次，缺省为最新一届"},
				{Name: "session", Type: "integer", Description: "第几次会议（1至10），缺省或0为本届各次会议"}}},
			Handle: s.apiProposalStats},
	}
}

// readProposalStats reads the selection from the query: a session that is
// not a number from 0 to 10 is refused with a field error. On the page
// (lenient), a committee chosen while the previous committee's term is
// still selected shows the newest term of the chosen one; the API refuses
// the pair.
func (s *Server) readProposalStats(r *http.Request, lenient bool) (store.ProposalStats, error) {
	session := 0
	if v := r.URL.Query().Get("session"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		session = n
	}
	committee, term := queryID(r, "committee_id"), queryID(r, "term_id")
	st, err := s.db.FindProposalStats(r.Context(), actor(r), committee, term, session)
	if lenient && committee != 0 && term != 0 && app.ErrorFields(err).Get("term_id") != "" {
		return s.db.FindProposalStats(r.Context(), actor(r), committee, 0, session)
	}
	return st, err
}

// proposalStatsQuery is the resolved selection as a query string.
func proposalStatsQuery(st store.ProposalStats) string {
	q := url.Values{"committee_id": {app.Itoa(st.CommitteeID)}, "term_id": {app.Itoa(st.TermID)}}
	if st.Session != 0 {
		q.Set("session", strconv.Itoa(st.Session))
	}
	return q.Encode()
}

// statsBlock is one table of the statistics: a section of the page and a
// sheet of the workbook.
type statsBlock struct {
	ID     string // the table's id on the page
	Sheet  string // the sheet's name
	Title  string
	Header []string
	Rows   [][]any
	Empty  string // shown instead of an empty table
	Text   int    // a column of text besides the first (0: none)
}

func termLabel(n int) string { return "第" + org.Numeral(n) + "届" }

// proposalStatsHeading names the selection: 东阿县政协第十届第四次会议.
func proposalStatsHeading(st store.ProposalStats) string {
	if st.TermID == 0 {
		return st.CommitteeName
	}
	return st.CommitteeName + termLabel(st.TermNumber) + proposal.SessionLabel(st.Session)
}

// proposalStatsSummary is the paragraph the reports print.
func proposalStatsSummary(st store.ProposalStats) string {
	t := st.Total
	s := fmt.Sprintf("%s共提交提案%d件，经审查立案%d件，不予立案%d件（转为来信%d件、转为社情民意信息%d件），并案%d件，待审查%d件；"+
		"已办结%d件，重点提案%d件，优秀提案%d件。", proposalStatsHeading(st), t.Submitted, t.Filed, t.NotFiled, t.ToLetter,
		t.ToReport, t.Merged, t.Pending, t.Closed, t.Key, t.Excellent)
	g := st.Grades
	s += fmt.Sprintf("主办单位答复A类%d件、B类%d件、C类%d件。", g.A, g.B, g.C)
	if st.Ratings.Rated > 0 {
		s += fmt.Sprintf("提案人评价%d件次，满意率%s，满意和基本满意率%s。", st.Ratings.Rated, st.Satisfied.Text, st.Favourable.Text)
	}
	if n := len(st.OverdueUnits); n > 0 {
		s += fmt.Sprintf("截至%s，有%d个承办单位存在超期未签收或未答复的提案。", st.AsOf, n)
	}
	return s
}

// proposalStatsBlocks are the tables of the statistics, in order.
func proposalStatsBlocks(st store.ProposalStats) []statsBlock {
	sessions := statsBlock{ID: "by-session", Sheet: "审查情况", Title: "提案提交和审查情况",
		Header: []string{"会议", "提交", "立案", "不予立案", "其中转来信", "其中转社情民意", "并案", "待审查", "已办结", "重点提案", "优秀提案"},
		Empty:  "所选会议还没有提交的提案。"}
	counts := func(label string, c store.ProposalCounts) []any {
		return []any{label, c.Submitted, c.Filed, c.NotFiled, c.ToLetter, c.ToReport, c.Merged, c.Pending, c.Closed, c.Key, c.Excellent}
	}
	for _, c := range st.BySession {
		sessions.Rows = append(sessions.Rows, counts(proposal.SessionLabel(c.Session), c))
	}
	if len(st.BySession) > 0 {
		sessions.Rows = append(sessions.Rows, counts("合计", st.Total))
	}

	groups := func(id, sheet, title, col string, gs []store.ProposalGroupCount) statsBlock {
		b := statsBlock{ID: id, Sheet: sheet, Title: title, Header: []string{col, "提交", "立案"}}
		var n, filed int
		for _, g := range gs {
			b.Rows = append(b.Rows, []any{g.Name, g.Submitted, g.Filed})
			n, filed = n+g.Submitted, filed+g.Filed
		}
		b.Rows = append(b.Rows, []any{"合计", n, filed})
		return b
	}

	units := statsBlock{ID: "by-unit", Sheet: "承办单位", Title: "承办单位办理情况",
		Header: []string{"承办单位", "主办", "会办", "已签收", "已答复", "当前超期", "A类", "B类", "C类", "满意", "基本满意", "不满意", "满意率"},
		Empty:  "所选会议的提案还没有交办。"}
	unit := func(name string, u store.ProposalUnitCount) []any {
		return []any{name, u.Lead, u.Supporting, u.Signed, u.Replied, u.Overdue, u.GradeA, u.GradeB, u.GradeC, u.Satisfied,
			u.Basically, u.Dissatisfied, proposal.Rate(u.Satisfied, u.Satisfied+u.Basically+u.Dissatisfied)}
	}
	total := make([]int, 11)
	for _, u := range st.ByUnit {
		row := unit(u.Name, u)
		units.Rows = append(units.Rows, row)
		for i := range total {
			total[i] += row[i+1].(int)
		}
	}
	if len(st.ByUnit) > 0 {
		units.Rows = append(units.Rows, unit("合计", store.ProposalUnitCount{Lead: total[0], Supporting: total[1], Signed: total[2],
			Replied: total[3], Overdue: total[4], GradeA: total[5], GradeB: total[6], GradeC: total[7], Satisfied: total[8],
			Basically: total[9], Dissatisfied: total[10]}))
	}

	r := st.Ratings
	replies := statsBlock{ID: "replies", Sheet: "答复与评价", Title: "答复类别和办理评价", Header: []string{"项目", "数量", "说明"}, Text: 2,
		Rows: [][]any{
			{proposal.GradeA.Label(), st.Grades.A, "主办单位的答复（退回重办的不计）"},
			{proposal.GradeB.Label(), st.Grades.B, ""},
			{proposal.GradeC.Label(), st.Grades.C, ""},
			{proposal.Satisfied.Label(), r.Satisfied, "提案人对各承办单位办理的评价"},
			{proposal.FairlySatisfied.Label(), r.Basically, ""},
			{proposal.Dissatisfied.Label(), r.Dissatisfied, ""},
			{"已评价", r.Rated, ""},
			{"满意率", st.Satisfied.Text, fmt.Sprintf("满意%d件次 ÷ 已评价%d件次", st.Satisfied.Count, st.Satisfied.Of)},
			{"满意和基本满意率", st.Favourable.Text, fmt.Sprintf("满意和基本满意%d件次 ÷ 已评价%d件次", st.Favourable.Count, st.Favourable.Of)},
			{"重点提案", st.Total.Key, ""},
			{"优秀提案", st.Total.Excellent, ""},
			{"已办结", st.Total.Closed, ""},
		}}

	overdue := statsBlock{ID: "overdue-units", Sheet: "超期单位", Title: "超期承办单位（截至" + st.AsOf + "）",
		Header: []string{"承办单位", "超期件数", "最早应办日期"}, Empty: "没有超期未签收或未答复的承办单位。"}
	for _, u := range st.OverdueUnits {
		overdue.Rows = append(overdue.Rows, []any{u.Name, u.Overdue, u.Oldest})
	}

	// The social-conditions reports' block joins these (reportsBlock).
	return []statsBlock{sessions,
		groups("by-category", "按类别", "按提案类别", "类别", st.ByCategory),
		groups("by-sector", "按界别", "按界别（委员按本届所在界别，集体提案按提出单位）", "界别", st.BySector),
		units, replies, overdue}
}

// reportsBlock is the social-conditions reports submitted and adopted per
// level for the selection: of the year the session was held (the year its
// first proposal was submitted), or of every year for a whole term.
func (s *Server) reportsBlock(r *http.Request, st store.ProposalStats) (statsBlock, error) {
	year := 0
	if st.Session > 0 {
		year = s.db.Today().Y
		ps, _, err := s.db.FindProposals(r.Context(), actor(r), store.ProposalFilter{CommitteeID: st.CommitteeID,
			TermID: st.TermID, Session: st.Session, Limit: 1})
		if err != nil {
			return statsBlock{}, err
		}
		if len(ps) > 0 && len(ps[0].SubmittedOn) >= 4 {
			year, _ = strconv.Atoi(ps[0].SubmittedOn[:4])
		}
	}
	rs, err := s.db.FindReportStats(r.Context(), actor(r), st.CommitteeID, year)
	if app.ErrorCode(err) == app.EFORBIDDEN { // members do not read the reports' figures
		return statsBlock{}, nil
	}
	if err != nil {
		return statsBlock{}, err
	}
	b := statsBlock{ID: "reports", Sheet: "社情民意", Title: "社情民意信息报送和采用情况（" + reportStatsYear(rs) + "）",
		Header: []string{"项目", "条数", "其中有领导批示"}}
	for _, row := range reportSummary(rs) {
		label := row.Label
		if row.Sub {
			label = "其中" + label
		}
		b.Rows = append(b.Rows, []any{label, row.N, row.Instructions})
	}
	return b, nil
}

// allStatsBlocks are the proposal blocks and, for those who read them, the
// reports' block.
func (s *Server) allStatsBlocks(r *http.Request, st store.ProposalStats) ([]statsBlock, error) {
	blocks := proposalStatsBlocks(st)
	rb, err := s.reportsBlock(r, st)
	if err != nil || rb.ID == "" {
		return blocks, err
	}
	return append(blocks, rb), nil
}

func (s *Server) proposalStatsFilters(r *http.Request, st store.ProposalStats) []view.Field {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	var fields []view.Field
	if cs, err := s.db.FindCommittees(ctx, a); err == nil && len(cs) > 1 {
		f := view.Field{Name: "committee_id", Label: "政协", Value: q.Get("committee_id")}
		if st.CommitteeID != 0 {
			f.Value = app.Itoa(st.CommitteeID)
		}
		for _, c := range cs {
			f.Options = append(f.Options, view.Option{Value: app.Itoa(c.ID), Label: c.Name})
		}
		fields = append(fields, f)
	}
	term := view.Field{Name: "term_id", Label: "届次", Value: q.Get("term_id")}
	if st.TermID != 0 {
		term.Value = app.Itoa(st.TermID)
	}
	if st.CommitteeID != 0 {
		terms, _ := s.db.FindTerms(ctx, a, st.CommitteeID)
		for _, t := range terms {
			term.Options = append(term.Options, view.Option{Value: app.Itoa(t.ID), Label: termLabel(t.Number)})
		}
	}
	if len(term.Options) == 0 {
		term.Options = []view.Option{{Label: "最新一届"}}
	}
	session := view.Field{Name: "session", Label: "会议", Value: q.Get("session"), Options: []view.Option{{Value: "", Label: "本届各次会议"}}}
	if st.Session > 0 {
		session.Value = strconv.Itoa(st.Session)
	} else if session.Value == "0" {
		session.Value = ""
	}
	last := 5
	for _, n := range append(st.Sessions, st.Session) {
		last = max(last, n)
	}
	for n := 1; n <= min(last, 10); n++ {
		session.Options = append(session.Options, view.Option{Value: strconv.Itoa(n), Label: proposal.SessionLabel(n)})
	}
	return append(fields, term, session)
}

func (s *Server) proposalStats(w http.ResponseWriter, r *http.Request) error {
	pg := page(r, "提案统计", "proposals")
	st, err := s.readProposalStats(r, true)
	if err != nil {
		if app.ErrorCode(err) != app.EINVALID {
			return err
		}
		d := view.ProposalStats{Msg: app.ErrorMessage(err)}
		for _, f := range s.proposalStatsFilters(r, st) {
			d.Filters = append(d.Filters, view.FieldFrom(app.ErrorFields(err), f))
		}
		return render(w, r, formStatus(err), view.ProposalStatsPage(pg, d))
	}
	d := view.ProposalStats{Filters: s.proposalStatsFilters(r, st), Query: proposalStatsQuery(st),
		Heading: proposalStatsHeading(st), NoTerm: st.TermID == 0}
	if !d.NoTerm {
		d.Summary = proposalStatsSummary(st)
		blocks, err := s.allStatsBlocks(r, st)
		if err != nil {
			return err
		}
		for _, b := range blocks {
			t := view.StatsTable{ID: b.ID, Title: b.Title, Header: b.Header, Empty: b.Empty, Text: b.Text}
			for _, row := range b.Rows {
				cells := make([]string, len(row))
				for i, c := range row {
					cells[i] = fmt.Sprint(c)
				}
				t.Rows = append(t.Rows, cells)
			}
			d.Tables = append(d.Tables, t)
		}
	}
	return render(w, r, http.StatusOK, view.ProposalStatsPage(pg, d))
}

func (s *Server) apiProposalStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.readProposalStats(r, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// proposalStatsXLSX writes the summary and then each block as a sheet.
func (s *Server) proposalStatsXLSX(w http.ResponseWriter, r *http.Request) error {
	st, err := s.readProposalStats(r, true)
	if err != nil {
		return err
	}
	if st.TermID == 0 {
		return app.Errorf(app.ECONFLICT, "%s尚未设置届次，没有提案统计", st.CommitteeName)
	}
	heading := proposalStatsHeading(st)
	sheets := []xlsx.Sheet{{Name: "概况", Title: heading + "提案统计", Header: []string{"项目", "内容"}, Rows: [][]any{
		{"政协", st.CommitteeName}, {"届次", termLabel(st.TermNumber)}, {"会议", proposal.SessionLabel(st.Session)},
		{"统计日期", st.AsOf}, {"概述", proposalStatsSummary(st)}}}}
	blocks, err := s.allStatsBlocks(r, st)
	if err != nil {
		return err
	}
	for _, b := range blocks {
		sheets = append(sheets, xlsx.Sheet{Name: b.Sheet, Title: heading + b.Title, Header: b.Header, Rows: b.Rows})
	}
	return s.sendWorkbook(w, r, "proposal_stats", heading+"提案统计.xlsx", "proposal-stats.xlsx", sheets...)
}
