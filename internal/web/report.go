package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// Social-conditions reports (社情民意信息): the list with its filters and
// counts, the form to submit one, the report page with the office's forms
// (edit, merge others into it, forward, adopt at a level with the
// leader's instruction, decline), the figures (report_stats.go) and the
// JSON API. Who may read and submit is the store's to decide: members see
// their own and the adopted reports; accounts the committee lets submit
// see what they submitted.

func (s *Server) reportRoutes() []Route {
	read, write := auth.ProposalRead, auth.ProposalWrite
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "社情民意"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	listQ := append([]APIParam{{Name: "year", Type: "integer", Description: "年度"},
		{Name: "state", Type: "string", Description: "状态：submitted、editing、forwarded、adopted、merged、not_adopted"},
		{Name: "level", Type: "string", Description: "采用级别：county、city、province、national"},
		{Name: "member_id", Type: "integer", Description: "作者（委员）"},
		{Name: "author", Type: "string", Description: "作者姓名包含"},
		{Name: "q", Type: "string", Description: "标题或正文包含"},
		{Name: "committee_id", Type: "integer", Description: "政协"}}, pageParams...)
	return []Route{
		// Reading and submitting: any account; the store decides (a member
		// its own and the adopted ones, others what they submitted).
		{Method: "GET", Pattern: "/reports", Handle: s.reportList},
		{Method: "GET", Pattern: "/reports/new", Handle: s.reportNew},
		{Method: "POST", Pattern: "/reports", Handle: s.reportCreate},
		{Method: "GET", Pattern: "/reports/{id}", Handle: s.reportShow},
		{Method: "GET", Pattern: "/reports/{id}/edit", Perm: write, Handle: s.reportEdit},
		{Method: "POST", Pattern: "/reports/{id}/edit", Perm: write, Handle: s.reportUpdate},
		{Method: "POST", Pattern: "/reports/{id}/merge", Perm: write, Handle: s.reportMerge},
		{Method: "POST", Pattern: "/reports/{id}/forward", Perm: write, Handle: s.reportForward},
		{Method: "POST", Pattern: "/reports/{id}/adopt", Perm: write, Handle: s.reportAdopt},
		{Method: "POST", Pattern: "/reports/{id}/decline", Perm: write, Handle: s.reportDecline},
		{Method: "GET", Pattern: "/reports/stats", Perm: read, Handle: s.reportStats},
		{Method: "GET", Pattern: "/reports/stats.xlsx", Perm: read, Handle: s.reportStatsXLSX},
		api("GET", "/reports", "", APIDoc{Summary: "社情民意信息列表（机关、领导：管辖范围内全部；委员：本人的和已采用的；其他报送人：本人报送的），新的在前",
			Response: apiList[store.Report]{}, Query: listQ}, s.apiReportList),
		api("POST", "/reports", "", APIDoc{Summary: "报送社情民意信息：委员账号本人为第一作者；机关指定作者（委员按姓名或“姓名#编号”，非委员填 name）；提案工作规则允许的其他角色以本人姓名报送",
			Request: store.ReportInput{}, Response: store.Report{}, Status: http.StatusCreated}, s.apiReportCreate),
		api("GET", "/reports/{id}", "", APIDoc{Summary: "一条社情民意信息：作者、采用情况（级别、领导批示）、合并关系",
			Response: store.Report{}}, s.apiReportShow),
		api("POST", "/reports/{id}/adoptions", write, APIDoc{Summary: "登记采用：级别（每级一次）、采用日期、采用单位及刊物期次、领导批示；委员作者按独立、联名或合并计履职分值",
			Request: proposal.Adoption{}, Response: store.ReportAdoption{}, Status: http.StatusCreated}, s.apiReportAdopt),
		api("GET", "/reports/stats", read, APIDoc{Summary: "社情民意信息统计：报送、合并、报送上级、各级采用、领导批示，按委员和界别",
			Response: store.ReportStats{}, Query: []APIParam{{Name: "committee_id", Type: "integer", Description: "政协，缺省为本账号所属政协"},
				{Name: "year", Type: "integer", Description: "年度，缺省为全部"}}}, s.apiReportStats),
	}
}

const reportPageSize = 50

func reportFilter(r *http.Request) store.ReportFilter {
	q := r.URL.Query()
	f := store.ReportFilter{CommitteeID: queryID(r, "committee_id"), Year: queryInt(r, "year", 0, 2100), State: q.Get("state"), MemberID: queryID(r, "member_id"),
		Author: q.Get("author"), Query: q.Get("q"), Offset: queryInt(r, "offset", 0, 1_000_000_000), Limit: reportPageSize}
	if l, ok := proposal.ParseReportLevel(q.Get("level")); ok {
		f.Level = l
	}
	return f
}

// canSubmitReport reports whether the account may submit reports: members
// and the office, or a role the committee's rules allow.
func (s *Server) canSubmitReport(ctx context.Context, r *http.Request) (bool, error) {
	err := s.db.MayWriteReports(ctx, actor(r))
	if app.ErrorCode(err) == app.EFORBIDDEN {
		return false, nil
	}
	return err == nil, err
}

func levelOptions(first string) []view.Option {
	out := []view.Option{{Label: first}}
	for _, l := range proposal.Levels {
		out = append(out, view.Option{Value: string(l), Label: l.Label()})
	}
	if first == "" {
		return out[1:]
	}
	return out
}

func (s *Server) reportList(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	f := reportFilter(r)
	rs, total, err := s.db.FindReports(ctx, a, f)
	if err != nil {
		return err
	}
	counts, err := s.db.CountReportsByState(ctx, a, f)
	if err != nil {
		return err
	}
	canSubmit, err := s.canSubmitReport(ctx, r)
	if err != nil {
		return err
	}
	role := state(r).account.Role
	d := view.ReportList{CanSubmit: canSubmit, CanStats: role.Can(auth.ProposalRead) && !memberAccount(r)}
	rest := url.Values{}
	for k, v := range q {
		if k != "offset" {
			rest[k] = v
		}
	}
	all := 0
	for _, st := range proposal.ReportStates {
		all += counts[st]
	}
	link := func(st string) string {
		v := url.Values{}
		for k, x := range rest {
			v[k] = x
		}
		v.Del("state")
		if st != "" {
			v.Set("state", st)
		}
		return "/reports?" + v.Encode()
	}
	d.Counts = append(d.Counts, view.ReportCount{Label: "全部", N: all, Link: link(""), Active: f.State == ""})
	states := []view.Option{{Label: "全部"}}
	for _, st := range proposal.ReportStates {
		label := proposal.ReportStateLabel(st)
		d.Counts = append(d.Counts, view.ReportCount{Label: label, N: counts[st], Link: link(st), Active: f.State == st})
		states = append(states, view.Option{Value: st, Label: label})
	}
	for _, rp := range rs {
		d.Rows = append(d.Rows, reportRow(rp))
	}
	d.Filters = []view.Field{
		{Name: "q", Label: "标题或正文", Value: q.Get("q")},
		{Name: "author", Label: "作者", Value: q.Get("author")},
		{Name: "year", Label: "年度", Value: q.Get("year"), Options: yearOptions(s.db.Today().Y)},
		{Name: "state", Label: "状态", Value: q.Get("state"), Options: states},
		{Name: "level", Label: "采用级别", Value: q.Get("level"), Options: levelOptions("全部")},
	}
	if f.MemberID != 0 {
		d.Filters = append(d.Filters, view.Field{Name: "member_id", Label: "委员编号", Value: q.Get("member_id")})
	}
	d.Pager = view.Pager{Total: total, Offset: f.Offset, Limit: reportPageSize, Query: rest, Path: "/reports"}
	return render(w, r, http.StatusOK, view.ReportListPage(withExport(page(r, "社情民意信息", "proposals"), r, "/reports.xlsx"), d))
}

func reportRow(rp store.Report) view.ReportRow {
	row := view.ReportRow{ID: rp.ID, Title: rp.Title, Org: rp.OrgName, Year: rp.Year, Authors: rp.AuthorNames(),
		State: rp.State, StateLabel: rp.StateLabel}
	var levels []string
	for _, ad := range rp.Adoptions {
		levels = append(levels, ad.LevelLabel)
		row.Instructed = row.Instructed || ad.Instruction != ""
	}
	row.Adoptions = strings.Join(levels, "、")
	return row
}

// --- submitting and editing ---

func (s *Server) reportNew(w http.ResponseWriter, r *http.Request) error {
	ok, err := s.canSubmitReport(r.Context(), r)
	if err != nil {
		return err
	}
	if !ok {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能报送社情民意信息")
	}
	v := url.Values{"year": {strconv.Itoa(s.db.Today().Y)}}
	return s.renderReportForm(w, r, http.StatusOK, 0, v, "", nil)
}

func (s *Server) reportEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rp, err := s.db.FindReportByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	v := url.Values{"year": {strconv.Itoa(rp.Year)}, "title": {rp.Title}, "body": {rp.Body}, "category": {rp.Category}}
	return s.renderReportForm(w, r, http.StatusOK, id, v, "", nil)
}

func (s *Server) renderReportForm(w http.ResponseWriter, r *http.Request, status int, id int64, v url.Values, msg string, errs app.FieldErrors) error {
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(errs, f)
	}
	acc := state(r).account
	d := view.ReportForm{ID: id, Msg: msg, Errs: errs}
	if id == 0 && acc.OrgID == 0 {
		f, err := s.orgField(r, fe(view.Field{Name: "org_id", Label: "报送单位", Required: true}), "请选择", "/reports/new")
		if err != nil {
			return err
		}
		d.Fields = append(d.Fields, f)
	}
	d.Fields = append(d.Fields,
		fe(view.Field{Name: "year", Label: "年度", Type: "number", Required: true}),
		fe(view.Field{Name: "title", Label: "标题", Required: true, Attrs: map[string]string{"maxlength": "100"}}),
		fe(view.Field{Name: "category", Label: "类别", Hint: "可不填，如：经济发展、社会民生、生态环境", Attrs: map[string]string{"maxlength": "20"}}),
		fe(view.Field{Name: "body", Label: "正文", Type: "textarea", Required: true, Hint: "反映的情况、存在的问题和建议"}),
	)
	title := "编辑社情民意信息"
	if id == 0 {
		title = "报送社情民意信息"
		if acc.Role.Can(auth.ProposalWrite) {
			d.Intro = "机关代为报送时请填写作者：委员每行一人，同名时写“姓名#编号”；非委员作者填在“其他作者”中。"
			d.Fields = append(d.Fields,
				fe(view.Field{Name: "authors", Label: "委员作者", Type: "textarea", Hint: "每行一人，按署名顺序"}),
				fe(view.Field{Name: "other_authors", Label: "其他作者（非委员）", Type: "textarea", Hint: "每行一人，排在委员之后"}))
		} else {
			d.Intro = "本人为第一作者。联名报送的，请在下面填写其他作者。"
			d.Fields = append(d.Fields,
				fe(view.Field{Name: "authors", Label: "联名委员", Type: "textarea", Hint: "每行一人，同名时写“姓名#编号”"}),
				fe(view.Field{Name: "other_authors", Label: "其他作者（非委员）", Type: "textarea", Hint: "每行一人"}))
		}
	}
	return render(w, r, status, view.ReportFormPage(page(r, title, "proposals"), d))
}

// reportLines splits a textarea into its non-blank lines.
func reportLines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.MayWriteReports(r.Context(), actor(r)); err != nil {
		return err // who may write comes before the form
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := store.ReportInput{OrgID: f.ID("org_id"), Year: f.Int("year"), Title: f.Str("title"), Body: f.Str("body"),
		Category: f.Str("category")}
	for _, l := range reportLines(f.Str("authors")) {
		in.Authors = append(in.Authors, store.ReportAuthorInput{Member: l})
	}
	for _, l := range reportLines(f.Str("other_authors")) {
		in.Authors = append(in.Authors, store.ReportAuthorInput{Name: l})
	}
	if len(f.Errs) > 0 {
		return s.reportFormFailed(w, r, 0, f, f.Errs.Err())
	}
	rp, err := s.db.CreateReport(r.Context(), actor(r), in)
	if err != nil {
		return s.reportFormFailed(w, r, 0, f, err)
	}
	return redirect(w, r, "/reports/"+app.Itoa(rp.ID)+"?ok=created")
}

func (s *Server) reportUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindReportByID(r.Context(), actor(r), id); err != nil {
		return err // the report before the form: outside the subtree it is 404
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := proposal.ReportText{Year: f.Int("year"), Title: f.Str("title"), Body: f.Str("body"), Category: f.Str("category")}
	if len(f.Errs) > 0 {
		return s.reportFormFailed(w, r, id, f, f.Errs.Err())
	}
	if _, err := s.db.UpdateReport(r.Context(), actor(r), id, in); err != nil {
		return s.reportFormFailed(w, r, id, f, err)
	}
	return redirect(w, r, "/reports/"+app.Itoa(id)+"?ok=saved")
}

func (s *Server) reportFormFailed(w http.ResponseWriter, r *http.Request, id int64, f *form, err error) error {
	err = f.merge(err)
	if !formError(err) {
		return err
	}
	return s.renderReportForm(w, r, formStatus(err), id, r.PostForm, fieldlessMessage(err), app.ErrorFields(err))
}

// --- the report page ---

// reportFailure is the office's form of the report page that failed.
type reportFailure struct {
	name string
	f    *form
	err  error
}

func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderReport(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, id int64, status int, rf *reportFailure) error {
	ctx, a := r.Context(), actor(r)
	rp, err := s.db.FindReportByID(ctx, a, id)
	if err != nil {
		return err
	}
	steps, err := s.db.FindReportSteps(ctx, a, id)
	if err != nil {
		return err
	}
	d := view.ReportShow{ID: rp.ID, Title: rp.Title, Body: rp.Body, Category: rp.Category, Year: strconv.Itoa(rp.Year) + "年",
		Org: rp.OrgName, Submitter: rp.Submitter, Submitted: s.fmtTime(rp.CreatedAt), State: rp.State,
		StateLabel: rp.StateLabel, Final: proposal.ReportFinal(rp.State), ForwardedTo: rp.ForwardedTo,
		ForwardedOn: rp.ForwardedOn.Chinese(), DeclineReason: rp.DeclineReason, MergedInto: rp.MergedInto,
		MergedIntoTitle: rp.MergedIntoTitle}
	for _, au := range rp.Authors {
		d.Authors = append(d.Authors, view.ReportAuthorRow{Name: au.Name, Member: au.MemberID != 0, MergedFrom: au.MergedFrom})
	}
	for _, m := range rp.MergedFrom {
		d.MergedFrom = append(d.MergedFrom, view.ReportLinkRow{ID: m.ID, Title: m.Title, State: m.StateLabel})
	}
	for _, ad := range rp.Adoptions {
		d.Adoptions = append(d.Adoptions, view.ReportAdoptionRow{Level: ad.LevelLabel, AdoptedOn: ad.AdoptedOn.Chinese(),
			AdoptedBy: ad.AdoptedBy, Instruction: ad.Instruction, Leader: ad.Leader, InstructionOn: ad.InstructionOn.Chinese()})
	}
	for _, st := range steps {
		d.Steps = append(d.Steps, view.ReportStepRow{At: s.fmtTime(st.At), Who: st.Actor, To: st.ToLabel, Note: st.Note,
			Action: reportActionLabel(st.Action)})
	}
	if can(r, auth.ProposalWrite) {
		if err := s.reportForms(ctx, a, rp, &d); err != nil {
			return err
		}
	}
	if rf != nil {
		for i := range d.Forms {
			f := &d.Forms[i]
			if f.Name != rf.name {
				continue
			}
			f.Errs, f.Msg = app.ErrorFields(rf.err), fieldlessMessage(rf.err)
			for j := range f.Fields {
				f.Fields[j].Value = rf.f.r.PostFormValue(f.Fields[j].Name)
			}
			f.Checked = map[string]bool{}
			for _, v := range rf.f.r.PostForm["merge_ids"] {
				f.Checked[v] = true
			}
		}
	}
	return render(w, r, status, view.ReportShowPage(page(r, rp.Title, "proposals"), d))
}

func reportActionLabel(action string) string {
	if action == "submit" {
		return "报送"
	}
	return proposal.ReportAction(action).Label()
}

// reportForms adds the office's forms open to the report in its state.
func (s *Server) reportForms(ctx context.Context, a app.Actor, rp store.Report, d *view.ReportShow) error {
	today := s.db.Today().String()
	for _, act := range proposal.ReportActions(rp.State) {
		switch act {
		case proposal.ReportEdit:
			d.CanEdit = true
		case proposal.ReportAbsorb:
			cands, _, err := s.db.FindReports(ctx, a, store.ReportFilter{CommitteeID: rp.CommitteeID,
				States: []string{proposal.ReportSubmitted, proposal.ReportEditing}, Limit: 200})
			if err != nil {
				return err
			}
			f := view.ReportActionForm{Name: "merge", Title: "合并信息", Submit: "并入本条",
				Fields: []view.Field{{Name: "note", Label: "说明", Hint: "被并入的信息不再单独办理，其作者成为本条的作者"}}}
			for _, c := range cands {
				if c.ID != rp.ID {
					f.Checks = append(f.Checks, view.Option{Value: app.Itoa(c.ID),
						Label: "#" + app.Itoa(c.ID) + " " + c.Title + "（" + c.AuthorNames() + "）"})
				}
			}
			if len(f.Checks) > 0 {
				d.Forms = append(d.Forms, f)
			}
		case proposal.ReportForward:
			d.Forms = append(d.Forms, view.ReportActionForm{Name: "forward", Title: "报送上级", Submit: "登记报送",
				Fields: []view.Field{
					{Name: "to", Label: "报送至", Required: true, Hint: "如：市政协办公室、省政协办公厅"},
					{Name: "on", Label: "报送日期", Type: "date", Value: today}}})
		case proposal.ReportAdopt:
			d.Forms = append(d.Forms, view.ReportActionForm{Name: "adopt", Title: "登记采用", Submit: "登记采用",
				Fields: []view.Field{
					{Name: "level", Label: "采用级别", Required: true, Options: levelOptions("请选择")},
					{Name: "adopted_on", Label: "采用日期", Type: "date", Required: true, Value: today},
					{Name: "adopted_by", Label: "采用单位及刊物期次", Required: true, Hint: "如：省政协办公厅《社情民意》第12期"},
					{Name: "leader", Label: "批示领导", Hint: "有领导批示时填写"},
					{Name: "instruction", Label: "批示内容", Type: "textarea"},
					{Name: "instruction_on", Label: "批示日期", Type: "date"}}})
		case proposal.ReportDecline:
			d.Forms = append(d.Forms, view.ReportActionForm{Name: "decline", Title: "不予采用", Submit: "登记未采用",
				Fields: []view.Field{{Name: "reason", Label: "原因", Type: "textarea", Required: true}}})
		}
	}
	return nil
}

// reportAction runs an office form of the report page: back to the page
// on success, the page again with the form's errors (4xx) otherwise.
func (s *Server) reportAction(w http.ResponseWriter, r *http.Request, name string, do func(id int64, f *form) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if err := do(id, f); err != nil {
		err = f.merge(err)
		if !formError(err) {
			return err
		}
		return s.renderReport(w, r, id, formStatus(err), &reportFailure{name: name, f: f, err: err})
	}
	return redirect(w, r, "/reports/"+app.Itoa(id)+"?ok=saved#"+name)
}

func (s *Server) reportMerge(w http.ResponseWriter, r *http.Request) error {
	return s.reportAction(w, r, "merge", func(id int64, f *form) error {
		ids := formIDs(f, "merge_ids")
		note := f.Str("note")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.MergeReports(r.Context(), actor(r), id, ids, note)
		return err
	})
}

func (s *Server) reportForward(w http.ResponseWriter, r *http.Request) error {
	return s.reportAction(w, r, "forward", func(id int64, f *form) error {
		in := store.ForwardInput{To: f.Str("to"), On: f.Date("on")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.ForwardReport(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) reportAdopt(w http.ResponseWriter, r *http.Request) error {
	return s.reportAction(w, r, "adopt", func(id int64, f *form) error {
		in := proposal.Adoption{Level: proposal.Level(f.Str("level")), AdoptedOn: f.Date("adopted_on"),
			AdoptedBy: f.Str("adopted_by"), Instruction: f.Str("instruction"), Leader: f.Str("leader"),
			InstructionOn: f.Date("instruction_on")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.AdoptReport(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) reportDecline(w http.ResponseWriter, r *http.Request) error {
	return s.reportAction(w, r, "decline", func(id int64, f *form) error {
		reason := f.Str("reason")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.DeclineReport(r.Context(), actor(r), id, reason)
		return err
	})
}

// --- API ---

func (s *Server) apiReportList(w http.ResponseWriter, r *http.Request) error {
	f := reportFilter(r)
	f.Limit = queryInt(r, "limit", reportPageSize, 200)
	rs, total, err := s.db.FindReports(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []store.Report{}
	}
	writeJSON(w, http.StatusOK, apiList[store.Report]{Items: rs, Total: total, Offset: f.Offset, Limit: f.Limit})
	return nil
}

func (s *Server) apiReportCreate(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.MayWriteReports(r.Context(), actor(r)); err != nil { // 403 before the body is read
		return err
	}
	var in store.ReportInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rp, err := s.db.CreateReport(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rp)
	return nil
}

func (s *Server) apiReportShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rp, err := s.db.FindReportByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rp)
	return nil
}

func (s *Server) apiReportAdopt(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindReportByID(r.Context(), actor(r), id); err != nil {
		return err // an unknown id is not found, whatever the body
	}
	var in proposal.Adoption
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ad, err := s.db.AdoptReport(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ad)
	return nil
}
