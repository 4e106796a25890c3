package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/duty"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// Members' duty performance (履职): the ranking by sector, a member's duty
// file (履职档案) per year, the member's own file, the scoring rules, and
// their JSON API. Scores come from the store, computed at read time by the
// rules for the year.

func (s *Server) dutyRoutes() []Route {
	mine, read, write := auth.MeetingRead, auth.MemberRead, auth.MemberWrite
	yearQ := APIParam{Name: "year", Type: "integer", Description: "年度，缺省为今年"}
	return []Route{
		{Method: "GET", Pattern: "/duty", Perm: mine, Cache: cacheData, Handle: s.dutyRanking},
		{Method: "GET", Pattern: "/duty/ranking.xlsx", Perm: read, Handle: s.dutyRankingXLSX},
		{Method: "GET", Pattern: "/duty/members/{id}", Perm: mine, Cache: cacheData, Handle: s.dutyFile},
		{Method: "GET", Pattern: "/duty/members/{id}/file.xlsx", Perm: mine, Handle: s.dutyFileXLSX},
		{Method: "GET", Pattern: "/me/duty", Perm: mine, Handle: s.dutyMine},
		{Method: "GET", Pattern: "/duty/rules", Perm: read, Handle: s.dutyRulesList},
		{Method: "GET", Pattern: "/duty/rules/new", Perm: write, Handle: s.dutyRulesNew},
		{Method: "POST", Pattern: "/duty/rules", Perm: write, Handle: s.dutyRulesCreate},
		{Method: "GET", Pattern: "/duty/rules/{id}", Perm: write, Handle: s.dutyRulesEdit},
		{Method: "POST", Pattern: "/duty/rules/{id}", Perm: write, Handle: s.dutyRulesUpdate},
		{Method: "POST", Pattern: "/duty/rules/{id}/delete", Perm: write, Handle: s.dutyRulesDelete},
		{Method: "GET", Pattern: "/api/v1/duty/members/{id}", Perm: mine, API: true, Doc: &APIDoc{Tag: "履职",
			Summary:  "委员的年度履职档案：按类别和事项的次数和积分、总分、界别内排名，以及每项履职记录的积分和来源（委员本人账号只能读本人的）",
			Response: store.DutyFile{}, Query: []APIParam{yearQ}}, Handle: s.apiDutyFile},
		{Method: "GET", Pattern: "/api/v1/duty/ranking", Perm: read, API: true, Doc: &APIDoc{Tag: "履职",
			Summary: "年度履职积分排名：各委员总分、分类积分和界别内名次（同分同名次）", Response: store.DutyRanking{},
			Query: []APIParam{yearQ, {Name: "committee_id", Type: "integer", Description: "政协，缺省为本账号所属政协"},
				{Name: "sector_id", Type: "integer", Description: "界别，缺省为全部界别"}}}, Handle: s.apiDutyRanking},
		{Method: "GET", Pattern: "/api/v1/duty/rules", Perm: read, API: true, Doc: &APIDoc{Tag: "履职",
			Summary: "适用于某年度的履职积分规则（未设置时为默认规则，id 为 0）", Response: store.DutyRuleSet{},
			Query: []APIParam{yearQ, {Name: "committee_id", Type: "integer", Description: "政协，缺省为本账号所属政协"}}},
			Handle: s.apiDutyRulesGet},
		{Method: "PUT", Pattern: "/api/v1/duty/rules", Perm: write, API: true, Doc: &APIDoc{Tag: "履职",
			Summary: "保存本政协的履职积分规则：与已有规则起始年度相同的替换之，否则新增；年度不能与其他规则重叠；分值以百分之一分计（1500 为 15 分）",
			Request: duty.Rules{}, Response: store.DutyRuleSet{}}, Handle: s.apiDutyRulesPut},
	}
}

// dutyYear reads ?year=, this year by default.
func (s *Server) dutyYear(r *http.Request) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && n >= 2000 && n <= 2100 {
		return n
	}
	return s.db.Today().Y
}

func (s *Server) yearOptions(year int) []view.Option {
	var out []view.Option
	for y := s.db.Today().Y; y >= s.db.Today().Y-6; y-- {
		out = append(out, view.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y) + "年"})
	}
	if !slices.ContainsFunc(out, func(o view.Option) bool { return o.Value == strconv.Itoa(year) }) {
		out = append(out, view.Option{Value: strconv.Itoa(year), Label: strconv.Itoa(year) + "年"})
	}
	return out
}

// --- Ranking ---

func (s *Server) readDutyRanking(r *http.Request) (store.DutyRanking, error) {
	return s.db.FindDutyRanking(r.Context(), actor(r), queryID(r, "committee_id"), s.dutyYear(r), queryID(r, "sector_id"))
}

func dutyRankingQuery(rk store.DutyRanking) string {
	q := url.Values{"committee_id": {app.Itoa(rk.CommitteeID)}, "year": {strconv.Itoa(rk.Year)}}
	if rk.SectorID != 0 {
		q.Set("sector_id", app.Itoa(rk.SectorID))
	}
	return q.Encode()
}

// dutyRankingRows are the ranking's cells: sector, rank, name, total, then
// one column per category.
func dutyRankingRows(rk store.DutyRanking) ([]string, [][]any) {
	header := []string{"界别", "界别内名次", "姓名", "总分"}
	for _, c := range duty.Categories {
		header = append(header, c.Label)
	}
	var rows [][]any
	for _, r := range rk.Rows {
		sector := r.Sector
		if sector == "" {
			sector = "（未分界别）"
		}
		name := r.Name
		if r.Standing {
			name += "（常委）"
		}
		row := []any{sector, r.Rank, name, r.Total.String()}
		for _, c := range duty.Categories {
			row = append(row, r.ByCategory[c.Code].String())
		}
		rows = append(rows, row)
	}
	return header, rows
}

func (s *Server) dutyRanking(w http.ResponseWriter, r *http.Request) error {
	if !can(r, auth.MemberRead) { // a member's 履职 is its own file
		return redirect(w, r, "/me/duty")
	}
	rk, err := s.readDutyRanking(r)
	if err != nil {
		return err
	}
	d := view.DutyRanking{Year: rk.Year, Query: dutyRankingQuery(rk), RulesNote: dutyRulesNote(rk.Rules)}
	d.Filters = append(d.Filters, view.Field{Name: "year", Label: "年度", Value: strconv.Itoa(rk.Year), Options: s.yearOptions(rk.Year)})
	a := actor(r)
	if cs, err := s.db.FindCommittees(r.Context(), a); err == nil && len(cs) > 1 {
		f := view.Field{Name: "committee_id", Label: "政协", Value: app.Itoa(rk.CommitteeID)}
		for _, c := range cs {
			f.Options = append(f.Options, view.Option{Value: app.Itoa(c.ID), Label: c.Name})
		}
		d.Filters = append(d.Filters, f)
	}
	sector := view.Field{Name: "sector_id", Label: "界别", Value: app.Itoa(rk.SectorID), Options: []view.Option{{Value: "0", Label: "全部界别"}}}
	if ss, err := s.db.FindSectors(r.Context(), a, rk.CommitteeID); err == nil {
		for _, x := range ss {
			sector.Options = append(sector.Options, view.Option{Value: app.Itoa(x.ID), Label: x.Name})
		}
	}
	d.Filters = append(d.Filters, sector)
	d.Header, _ = dutyRankingRows(rk)
	_, rows := dutyRankingRows(rk)
	for i, row := range rows {
		cells := make([]string, len(row))
		for j, c := range row {
			cells[j] = fmt.Sprint(c)
		}
		d.Rows = append(d.Rows, view.DutyRankingRow{Cells: cells,
			Href: "/duty/members/" + app.Itoa(rk.Rows[i].MemberID) + "?year=" + strconv.Itoa(rk.Year)})
	}
	return render(w, r, http.StatusOK, view.DutyRankingPage(page(r, "履职积分排名", "duty"), d))
}

func (s *Server) dutyRankingXLSX(w http.ResponseWriter, r *http.Request) error {
	rk, err := s.readDutyRanking(r)
	if err != nil {
		return err
	}
	header, rows := dutyRankingRows(rk)
	title := fmt.Sprintf("%d年度委员履职积分排名", rk.Year)
	return s.sendWorkbook(w, r, "duty_ranking", title+".xlsx", fmt.Sprintf("duty-ranking-%d.xlsx", rk.Year),
		xlsx.Sheet{Name: "履职积分", Title: title, Header: header, Rows: rows})
}

// dutyRulesNote says which rules scored a year.
func dutyRulesNote(rs store.DutyRuleSet) string {
	if rs.ID == 0 {
		return "按平台默认积分规则计分（本政协尚未设置该年度的规则）。"
	}
	if rs.ToYear == 0 {
		return fmt.Sprintf("按本政协%d年起施行的积分规则计分。", rs.FromYear)
	}
	return fmt.Sprintf("按本政协%d至%d年度的积分规则计分。", rs.FromYear, rs.ToYear)
}

// --- A member's file ---

// dutyLinkHref is the page of the record an event links to ("" for
// none): a household visit links to /visits/{id}, which opens the
// household's page for those who may read it, and names no household.
func dutyLinkHref(l store.DutyLink) string {
	if l.ID == 0 {
		return ""
	}
	id := app.Itoa(l.ID)
	switch l.Page {
	case "meeting":
		return "/meetings/" + id
	case "vote":
		return "/meetings/" + id + "/votes"
	case "topic":
		return "/topics/" + id
	case "room":
		return "/rooms/" + id
	case "proposal":
		return "/proposals/" + id
	case "report":
		return "/reports/" + id
	case "election":
		return "/elections/" + id
	case "activity":
		return "/activities/" + id
	case "visit":
		return "/visits/" + id
	}
	return ""
}

func shareLabel(share int) string {
	switch share {
	case 2:
		return "半数"
	case 1:
		return "四分之一"
	}
	return ""
}

func (s *Server) dutyFileView(r *http.Request, f store.DutyFile, self bool) view.DutyFile {
	d := view.DutyFile{MemberID: f.MemberID, Name: f.Name, Year: f.Year, Sector: f.Sector, Standing: f.Standing,
		Total: f.Total.String(), Rank: f.Rank, SectorSize: f.SectorSize, RulesNote: dutyRulesNote(f.Rules), Self: self,
		Years: s.yearOptions(f.Year)}
	if self {
		d.Action = "/me/duty"
	} else {
		d.Action = "/duty/members/" + app.Itoa(f.MemberID)
	}
	d.Export = "/duty/members/" + app.Itoa(f.MemberID) + "/file.xlsx?year=" + strconv.Itoa(f.Year)
	for _, c := range f.Categories {
		vc := view.DutyCategory{Label: c.Label, N: c.N, Points: c.Points.String()}
		for _, k := range c.Kinds {
			vc.Kinds = append(vc.Kinds, view.DutyKindLine{Label: k.Label, N: k.N, Points: k.Points.String()})
		}
		d.Categories = append(d.Categories, vc)
	}
	for _, e := range f.Events {
		label := e.Label
		if sl := shareLabel(e.Share); sl != "" {
			label += "（" + sl + "）"
		}
		href := dutyLinkHref(e.Link)
		if e.Link.Page == "visit" && !can(r, auth.AssistRead) { // households are for those who read assistance
			href = ""
		}
		d.Events = append(d.Events, view.DutyEventLine{Date: e.OccurredOn.String(), Label: label, Points: e.Points.String(),
			Title: e.Link.Title, Href: href})
	}
	return d
}

func (s *Server) dutyFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.db.FindDutyFile(r.Context(), actor(r), id, s.dutyYear(r))
	if err != nil {
		return err
	}
	self := actor(r).MemberID == id
	return render(w, r, http.StatusOK, view.DutyFilePage(page(r, f.Name+"履职档案", "duty"), s.dutyFileView(r, f, self)))
}

func (s *Server) dutyMine(w http.ResponseWriter, r *http.Request) error {
	a := actor(r)
	if a.MemberID == 0 {
		return app.Errorf(app.ENOTFOUND, "当前账号不是委员账号，没有本人履职档案")
	}
	f, err := s.db.FindDutyFile(r.Context(), a, a.MemberID, s.dutyYear(r))
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.DutyFilePage(page(r, "我的履职档案", "duty"), s.dutyFileView(r, f, true)))
}

func (s *Server) dutyFileXLSX(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.db.FindDutyFile(r.Context(), actor(r), id, s.dutyYear(r))
	if err != nil {
		return err
	}
	title := fmt.Sprintf("%s%d年度履职档案", f.Name, f.Year)
	rank := "—"
	if f.Rank != 0 {
		rank = fmt.Sprintf("%d / %d", f.Rank, f.SectorSize)
	}
	summary := xlsx.Sheet{Name: "概况", Title: title, Header: []string{"项目", "次数", "积分"}, Rows: [][]any{
		{"界别", f.Sector, ""}, {"界别内名次", rank, ""}, {"总分", "", f.Total.String()}}}
	for _, c := range f.Categories {
		summary.Rows = append(summary.Rows, []any{c.Label, c.N, c.Points.String()})
		for _, k := range c.Kinds {
			summary.Rows = append(summary.Rows, []any{"　" + k.Label, k.N, k.Points.String()})
		}
	}
	events := xlsx.Sheet{Name: "履职记录", Title: title + "（履职记录）", Header: []string{"日期", "事项", "积分", "来源"}}
	for _, e := range f.Events {
		events.Rows = append(events.Rows, []any{e.OccurredOn.String(), e.Label, e.Points.String(), e.Link.Title})
	}
	return s.sendWorkbook(w, r, "duty_file", title+".xlsx", fmt.Sprintf("duty-file-%d-%d.xlsx", f.MemberID, f.Year),
		summary, events)
}

// --- Rules ---

func (s *Server) dutyRulesList(w http.ResponseWriter, r *http.Request) error {
	a := actor(r)
	sets, err := s.db.ListDutyRules(r.Context(), a, 0)
	if err != nil {
		return err
	}
	d := view.DutyRulesList{CanEdit: can(r, auth.MemberWrite)}
	for _, x := range sets {
		d.Sets = append(d.Sets, view.DutyRuleSetLine{ID: x.ID, Years: yearsText(x.Rules), N: len(x.Rules.Rules),
			Updated: x.UpdatedAt.In(s.db.Loc).Format("2006-01-02 15:04")})
	}
	d.Default = s.dutyRulesTable(r, duty.DefaultRules(s.db.Today().Y), nil)
	return render(w, r, http.StatusOK, view.DutyRulesListPage(page(r, "履职积分规则", "duty"), d))
}

func yearsText(r duty.Rules) string {
	if r.ToYear == 0 {
		return strconv.Itoa(r.FromYear) + "年起"
	}
	return fmt.Sprintf("%d—%d年", r.FromYear, r.ToYear)
}

func meetingSelectorOptions() []view.Option {
	out := []view.Option{{Value: duty.AnyMeeting, Label: "（不区分会议）"}, {Value: duty.Required, Label: "应出席的会议"},
		{Value: duty.Optional, Label: "其他会议"}}
	for _, k := range meeting.Kinds {
		out = append(out, view.Option{Value: string(k), Label: k.Label()})
	}
	return out
}

// rowErrRE finds the row a rules error names (“第3条规则：…”).
var rowErrRE = regexp.MustCompile(`^第(\d+)条规则：`)

// dutyRulesTable is the rules as the form's rows, with each row's errors,
// and three empty rows to add rules.
func (s *Server) dutyRulesTable(r *http.Request, rules duty.Rules, errs app.FieldErrors) view.DutyRulesForm {
	d := view.DutyRulesForm{FromYear: strconv.Itoa(rules.FromYear), MeetingOptions: meetingSelectorOptions()}
	if rules.ToYear != 0 {
		d.ToYear = strconv.Itoa(rules.ToYear)
	}
	d.KindOptions = []view.Option{{Value: "", Label: "（空行，不保存）"}}
	for _, k := range duty.Kinds {
		d.KindOptions = append(d.KindOptions, view.Option{Value: k.Code, Label: k.Label})
	}
	if acts, err := s.db.FindActivityKinds(r.Context(), actor(r), 0); err == nil {
		for _, a := range acts {
			d.KindOptions = append(d.KindOptions, view.Option{Value: duty.ActivityPrefix + a.Code, Label: a.Label})
		}
	}
	for _, k := range meeting.Kinds {
		d.Required = append(d.Required, view.DutyCheck{Value: string(k), Label: k.Label(), Checked: slices.Contains(rules.RequiredMeetings, string(k))})
	}
	for _, x := range rules.Rules {
		row := view.DutyRuleRow{Kind: x.Kind, Meeting: x.Meeting, Points: x.Points.String()}
		if x.Standing != nil {
			row.Standing = x.Standing.String()
		}
		d.Rows = append(d.Rows, row)
	}
	for i := 0; i < 3; i++ {
		d.Rows = append(d.Rows, view.DutyRuleRow{})
	}
	for _, e := range errs {
		if m := rowErrRE.FindStringSubmatch(e.Message); m != nil && e.Field == "rules" {
			n, _ := strconv.Atoi(m[1])
			if n >= 1 && n <= len(d.Rows) {
				d.Rows[n-1].Errors = append(d.Rows[n-1].Errors, strings.TrimPrefix(e.Message, m[0]))
				continue
			}
		}
		switch e.Field {
		case "from_year":
			d.FromYearErr = e.Message
		case "to_year":
			d.ToYearErr = e.Message
		default:
			d.Errors = append(d.Errors, e.Message)
		}
	}
	return d
}

func (s *Server) dutyRulesNew(w http.ResponseWriter, r *http.Request) error {
	d := s.dutyRulesTable(r, duty.DefaultRules(s.db.Today().Y), nil)
	d.Action = "/duty/rules"
	return render(w, r, http.StatusOK, view.DutyRulesFormPage(page(r, "设置履职积分规则", "duty"), d))
}

func (s *Server) dutyRulesEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	set, err := s.db.FindDutyRuleSet(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	d := s.dutyRulesTable(r, set.Rules, nil)
	d.Action, d.ID = "/duty/rules/"+app.Itoa(id), id
	return render(w, r, http.StatusOK, view.DutyRulesFormPage(page(r, "修改履职积分规则", "duty"), d))
}

// parseDutyRules reads the table: rows with an empty kind are skipped; a
// value that is not a number is the row's error (numbered as the row
// stands in the table, which is how Validate numbers them).
func parseDutyRules(r *http.Request) (duty.Rules, app.FieldErrors, error) {
	if _, err := parseForm(r); err != nil {
		return duty.Rules{}, nil, err
	}
	var errs app.FieldErrors
	var rules duty.Rules
	year := func(name, label string, must bool) int {
		v := strings.TrimSpace(r.PostForm.Get(name))
		if v == "" && !must {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs.Add(name, label+"应为年份")
		}
		return n
	}
	rules.FromYear = year("from_year", "起始年度", true)
	rules.ToYear = year("to_year", "截止年度", false)
	rules.RequiredMeetings = r.PostForm["required"]
	kinds, meetings, points, standing := r.PostForm["kind"], r.PostForm["meeting"], r.PostForm["points"], r.PostForm["standing"]
	at := func(xs []string, i int) string {
		if i < len(xs) {
			return strings.TrimSpace(xs[i])
		}
		return ""
	}
	n := 0
	for i := range kinds {
		if at(kinds, i) == "" {
			continue
		}
		n++
		rule := duty.Rule{Kind: at(kinds, i), Meeting: at(meetings, i)}
		p, err := duty.ParsePoints(at(points, i))
		if err != nil {
			errs.Add("rules", fmt.Sprintf("第%d条规则：%s", n, err.Error()))
		}
		rule.Points = p
		if v := at(standing, i); v != "" {
			sp, err := duty.ParsePoints(v)
			if err != nil {
				errs.Add("rules", fmt.Sprintf("第%d条规则：常委%s", n, err.Error()))
			}
			rule.Standing = &sp
		}
		rules.Rules = append(rules.Rules, rule)
	}
	return rules, errs, nil
}

func (s *Server) dutyRulesSave(w http.ResponseWriter, r *http.Request, id int64) error {
	if id != 0 {
		if _, err := s.db.FindDutyRuleSet(r.Context(), actor(r), id); err != nil {
			return err // the rule set before the form: outside the subtree it is 404
		}
	}
	rules, errs, err := parseDutyRules(r)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		_, err = s.db.SaveDutyRules(r.Context(), actor(r), 0, id, rules)
		if err == nil {
			return redirect(w, r, "/duty/rules?ok=saved")
		}
		if app.ErrorCode(err) != app.EINVALID {
			return err
		}
		errs = app.ErrorFields(err)
		if len(errs) == 0 {
			errs.Add("", app.ErrorMessage(err))
		}
	}
	d := s.dutyRulesTable(r, rules, errs)
	d.Action, d.ID = "/duty/rules", id
	if id != 0 {
		d.Action = "/duty/rules/" + app.Itoa(id)
	}
	return render(w, r, http.StatusUnprocessableEntity, view.DutyRulesFormPage(page(r, "履职积分规则", "duty"), d))
}

func (s *Server) dutyRulesCreate(w http.ResponseWriter, r *http.Request) error {
	return s.dutyRulesSave(w, r, 0)
}

func (s *Server) dutyRulesUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.dutyRulesSave(w, r, id)
}

func (s *Server) dutyRulesDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.DeleteDutyRules(r.Context(), actor(r), id); err != nil {
		return err
	}
	return redirect(w, r, "/duty/rules?ok=deleted")
}

// --- API ---

func (s *Server) apiDutyFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.db.FindDutyFile(r.Context(), actor(r), id, s.dutyYear(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) apiDutyRanking(w http.ResponseWriter, r *http.Request) error {
	rk, err := s.readDutyRanking(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rk)
	return nil
}

func (s *Server) apiDutyRulesGet(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.db.FindDutyRules(r.Context(), actor(r), queryID(r, "committee_id"), s.dutyYear(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rs)
	return nil
}

func (s *Server) apiDutyRulesPut(w http.ResponseWriter, r *http.Request) error {
	var in duty.Rules
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := actor(r)
	sets, err := s.db.ListDutyRules(r.Context(), a, 0)
	if err != nil {
		return err
	}
	var id int64
	for _, x := range sets {
		if x.FromYear == in.FromYear {
			id = x.ID
		}
	}
	saved, err := s.db.SaveDutyRules(r.Context(), a, 0, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, saved)
	return nil
}
