package web

import (
	"fmt"
	"net/http"
	"strconv"

	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// The consultation figures (协商工作统计) per organisation subtree and
// year, on a page and as .xlsx workbooks.

func (s *Server) consultStatsRoutes() []Route {
	read := auth.ConsultRead
	return []Route{
		{Method: "GET", Pattern: "/consult", Perm: read, Cache: cacheData, Handle: s.consultStats},
		{Method: "GET", Pattern: "/consult/stats.xlsx", Perm: read, Handle: s.consultStatsXLSX},
		{Method: "GET", Pattern: "/consult/topics.xlsx", Perm: read, Handle: s.consultTopicsXLSX},
		{Method: "GET", Pattern: "/api/v1/consult/stats", Perm: read, API: true, Doc: &APIDoc{Tag: "协商",
			Summary:  "协商工作统计：各状态议题数（按层级）、超期议题、协商成果及落实反馈、从协商到反馈的平均天数（十分之一天）",
			Response: store.ConsultStats{}, Query: []APIParam{{Name: "org_id", Type: "integer", Description: "组织（含下级），缺省为本账号所属组织"},
				{Name: "year", Type: "integer", Description: "年度，缺省为全部"}}}, Handle: s.apiConsultStats},
	}
}

var outcomeKindLabels = map[string]string{"recommendation": "建议案", "report": "调研报告", "opinions": "协商意见"}

func outcomeKindLabel(k string) string {
	if l, ok := outcomeKindLabels[k]; ok {
		return l
	}
	return k
}

func daysText(tenths int) string {
	return strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10)
}

// readConsultStats reads the figures with the first list overdue topics
// and outcomes (0: all of them, for the API and the workbook).
func (s *Server) readConsultStats(r *http.Request, list int) (store.ConsultStats, error) {
	return s.db.FindConsultStats(r.Context(), actor(r), queryID(r, "org_id"), queryInt(r, "year", 0, 2100), list)
}

// consultPageList is how many overdue topics and outcomes the page lists;
// the rest are on the topic list (超期) and in the workbook.
const consultPageList = 50

func (s *Server) consultStats(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	st, err := s.readConsultStats(r, consultPageList)
	if err != nil {
		return err
	}
	orgFields, err := s.orgFilter(r, "org_id", "组织", "本账号所属组织")
	if err != nil {
		return err
	}
	d := view.ConsultStats{OrgName: st.OrgName, Year: "全部年度", Topics: st.Topics, WithFeedback: st.WithFeedback,
		NoFeedback: st.NoFeedback, Samples: st.FeedbackSamples, Query: q.Encode(), OverdueTotal: st.OverdueTotal,
		OutcomesTotal: st.OutcomesTotal}
	if st.Year != 0 {
		d.Year = strconv.Itoa(st.Year) + "年"
	}
	if st.FeedbackSamples > 0 {
		d.AvgDays = daysText(st.AvgDaysToFeedbackTenths)
	}
	for _, k := range st.Tiers {
		d.Tiers = append(d.Tiers, k.Label())
	}
	covs, err := s.db.RoomCoverage(ctx, a)
	if err != nil {
		return err
	}
	for _, c := range covs {
		if c.Org.ID == st.OrgID && c.Villages > 0 {
			d.Coverage = fmt.Sprintf("%s议事室阵地覆盖%d个村(社区)中的%d个（%s），共有议事室%d个", c.Org.Name, c.Villages,
				c.Covered, c.Percent(), c.Rooms)
		}
	}
	for _, sc := range st.States {
		row := view.StateRow{Label: sc.Label, Total: sc.Total, Link: "/topics?state=" + sc.State + "&" + q.Encode()}
		for _, k := range st.Tiers {
			row.ByTier = append(row.ByTier, sc.ByTier[k])
		}
		d.States = append(d.States, row)
	}
	for _, t := range st.Overdue {
		d.Overdue = append(d.Overdue, s.topicRow(t))
	}
	for _, o := range st.Outcomes {
		d.Outcomes = append(d.Outcomes, view.OutcomeFeedbackRow{TopicID: o.TopicID, Topic: o.TopicTitle, Org: o.OrgName,
			Kind: outcomeKindLabel(o.Kind), Title: o.Title, SentOn: o.SentOn, Units: o.Units, Replied: o.Replied,
			Accepted: o.Accepted, Overdue: o.Overdue, Feedback: o.HasFeedback()})
	}
	d.Filters = append(orgFields, view.Field{Name: "year", Label: "年度", Value: q.Get("year"), Options: yearOptions(s.db.Today().Y)})
	return render(w, r, http.StatusOK, view.ConsultStatsPage(page(r, "协商工作统计", "topics"), d))
}

func (s *Server) apiConsultStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.readConsultStats(r, 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// consultStatsXLSX writes the page's three tables as sheets.
func (s *Server) consultStatsXLSX(w http.ResponseWriter, r *http.Request) error {
	st, err := s.readConsultStats(r, 0)
	if err != nil {
		return err
	}
	year := "全部年度"
	if st.Year != 0 {
		year = strconv.Itoa(st.Year) + "年"
	}
	states := xlsx.Sheet{Name: "议题状态", Title: st.OrgName + year + "协商议题情况", Header: []string{"状态"}}
	for _, k := range st.Tiers {
		states.Header = append(states.Header, k.Label())
	}
	states.Header = append(states.Header, "合计")
	for _, sc := range st.States {
		row := []any{sc.Label}
		for _, k := range st.Tiers {
			row = append(row, sc.ByTier[k])
		}
		states.Rows = append(states.Rows, append(row, sc.Total))
	}
	total := []any{"合计"}
	for _, k := range st.Tiers {
		n := 0
		for _, sc := range st.States {
			n += sc.ByTier[k]
		}
		total = append(total, n)
	}
	states.Rows = append(states.Rows, append(total, st.Topics))
	overdue := s.topicSheet("超期议题", st.OrgName+year+"超期议题", st.Overdue)
	outcomes := xlsx.Sheet{Name: "成果反馈", Title: st.OrgName + year + "协商成果落实反馈情况",
		Header: []string{"议题", "组织", "成果类型", "成果名称", "报送日期", "交办单位数", "已答复", "已认可", "超期未办结", "反馈情况"}}
	for _, o := range st.Outcomes {
		fb := "待反馈"
		if o.Units == 0 {
			fb = "未交办"
		} else if o.HasFeedback() {
			fb = "已反馈"
		}
		outcomes.Rows = append(outcomes.Rows, []any{o.TopicTitle, o.OrgName, outcomeKindLabel(o.Kind), o.Title, o.SentOn,
			o.Units, o.Replied, o.Accepted, o.Overdue, fb})
	}
	avg := "—"
	if st.FeedbackSamples > 0 {
		avg = daysText(st.AvgDaysToFeedbackTenths) + "天（" + strconv.Itoa(st.FeedbackSamples) + "个议题）"
	}
	outcomes.Rows = append(outcomes.Rows, []any{"合计", "", "", fmt.Sprintf("有反馈%d项，无反馈%d项", st.WithFeedback, st.NoFeedback),
		"", "", "", "", "", "从协商到反馈平均" + avg})
	return s.sendWorkbook(w, r, "consult_stats", st.OrgName+year+"协商工作统计.xlsx", "consult-stats.xlsx", states, overdue, outcomes)
}

// topicSheet is a sheet of topics as the list shows them.
func (s *Server) topicSheet(name, title string, ts []store.Topic) xlsx.Sheet {
	sheet := xlsx.Sheet{Name: name, Title: title,
		Header: []string{"议题", "组织", "层级", "年度", "计划月份", "协商形式", "来源", "牵头专委会", "状态", "进度(%)", "本环节时限", "超期"}}
	for _, t := range ts {
		month, due, over := "", "", ""
		if t.PlannedMonth > 0 {
			month = strconv.Itoa(t.PlannedMonth) + "月"
		}
		if !t.Due.IsZero() {
			due = t.Due.In(s.db.Loc).Format("2006-01-02")
		}
		if t.Overdue {
			over = "是"
		}
		sheet.Rows = append(sheet.Rows, []any{t.Title, t.OrgName, org.Kind(t.OrgKind).Label(), t.Year, month, t.Form.Label(),
			t.Source.Label(), t.LeadCommittee, t.StateLabel, t.Progress, due, over})
	}
	return sheet
}

// consultTopicsXLSX exports the topic list with the list's filters (every
// page, up to 100,000 topics).
func (s *Server) consultTopicsXLSX(w http.ResponseWriter, r *http.Request) error {
	f := topicFilter(r)
	f.Offset, f.Limit = 0, 100_000
	ts, _, err := s.db.FindTopics(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	return s.sendWorkbook(w, r, "topic", "协商议题.xlsx", "topics.xlsx", s.topicSheet("协商议题", "协商议题一览", ts))
}
