package web

// Enterprise liaison (包联企业): the ledger (/enterprises), each
// enterprise's page with its liaisons, visits (with reasons) and the
// needs-and-problems list, the ledger's .xlsx export, and the JSON API.

import (
	"net/http"
	"net/url"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

func (s *Server) enterpriseRoutes() []Route {
	read, write, visit, export := auth.AssistRead, auth.AssistWrite, auth.AssistVisit, auth.AssistExport
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "包联企业"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	return []Route{
		{Method: "GET", Pattern: "/enterprises", Perm: read, Cache: cacheData, Handle: s.enterpriseList},
		{Method: "GET", Pattern: "/enterprises.xlsx", Perm: export, Handle: s.enterpriseExport},
		{Method: "GET", Pattern: "/enterprises/new", Perm: write, Handle: s.enterpriseNew},
		{Method: "POST", Pattern: "/enterprises", Perm: write, Handle: s.enterpriseCreate},
		{Method: "GET", Pattern: "/enterprises/{id}", Perm: read, Cache: cacheData, Handle: s.enterpriseShow},
		{Method: "GET", Pattern: "/enterprises/{id}/edit", Perm: write, Handle: s.enterpriseEdit},
		{Method: "POST", Pattern: "/enterprises/{id}", Perm: write, Handle: s.enterpriseUpdate},
		{Method: "POST", Pattern: "/enterprises/{id}/archive", Perm: write, Handle: s.enterpriseArchive},
		{Method: "POST", Pattern: "/enterprises/{id}/liaisons", Perm: write, Handle: s.enterpriseLiaisonCreate},
		{Method: "POST", Pattern: "/enterprises/{id}/liaisons/{pid}/end", Perm: write, Handle: s.enterpriseLiaisonEnd},
		{Method: "POST", Pattern: "/enterprises/{id}/visits", Perm: visit, Handle: s.enterpriseVisitCreate},
		{Method: "POST", Pattern: "/enterprises/{id}/problems", Perm: visit, Handle: s.enterpriseProblemCreate},
		{Method: "POST", Pattern: "/enterprises/{id}/problems/{pid}/status", Perm: visit, Handle: s.enterpriseProblemStatus},

		api("GET", "/enterprises", read, APIDoc{Summary: "企业基本情况台账（本账号管辖范围内；无 member:contact 权限时联系电话打码）",
			Response: apiList[store.Enterprise]{}, Query: append([]APIParam{
				{Name: "q", Type: "string", Description: "企业名称包含的文字或信用代码开头"},
				{Name: "size", Type: "string", Description: "规模：large, medium, small, micro"},
				{Name: "sector", Type: "string", Description: "行业"},
				{Name: "org_id", Type: "integer", Description: "只列出该组织及其下级的企业"},
				{Name: "archived", Type: "boolean", Description: "是否包含已归档的企业"},
			}, pageParams...)}, s.apiEnterpriseList),
		api("POST", "/enterprises", write, APIDoc{Summary: "登记企业（统一社会信用代码按 GB 32100 校验，本政协内不得重复；org_id 缺省为本账号所属组织）",
			Request: store.EnterpriseInput{}, Response: store.Enterprise{}, Status: http.StatusCreated}, s.apiEnterpriseCreate),
		api("GET", "/enterprises/{id}", read, APIDoc{Summary: "读取企业及其包联干部、走访记录（含事由）和需求问题清单",
			Response: enterpriseDetail{}}, s.apiEnterpriseGet),
		api("PUT", "/enterprises/{id}", write, APIDoc{Summary: "修改企业台账（须提交全部字段；所在组织不变）",
			Request: store.EnterpriseInput{}, Response: store.Enterprise{}}, s.apiEnterpriseUpdate),
		api("POST", "/enterprises/{id}/archive", write, APIDoc{Summary: "归档（archived=true）或恢复企业",
			Request: apiArchiveBody{}, Response: store.Enterprise{}}, s.apiEnterpriseArchive),
		api("POST", "/enterprises/{id}/liaisons", write, APIDoc{Summary: "确定包联干部（本政协在任干部，开始日期不晚于今天）",
			Request: store.EnterprisePairingInput{}, Response: store.EnterprisePairing{}, Status: http.StatusCreated},
			s.apiEnterpriseLiaisonCreate),
		api("POST", "/enterprises/{id}/liaisons/{pid}/end", write, APIDoc{Summary: "结束包联",
			Request: apiEndLiaison{}, Response: store.EnterprisePairing{}}, s.apiEnterpriseLiaisonEnd),
		api("POST", "/enterprises/{id}/visits", visit, APIDoc{Summary: "登记走访企业：事由必填（有事必应、无事不扰）；走访干部须当天在包联该企业（帮扶干部账号只能登记本人的走访）",
			Request: store.LiaisonVisitInput{}, Response: store.LiaisonVisit{}, Status: http.StatusCreated},
			s.apiEnterpriseVisitCreate),
		api("POST", "/enterprises/{id}/problems", visit, APIDoc{Summary: "把企业的需求或问题加入需求问题清单（协调部门为承办单位 unit_id 或文字 department）",
			Request: store.LiaisonProblemInput{}, Response: store.LiaisonProblem{}, Status: http.StatusCreated},
			s.apiEnterpriseProblemCreate),
		api("POST", "/enterprises/{id}/problems/{pid}/status", visit, APIDoc{Summary: "更新问题状态（open, in_progress, solved, unsolvable）；办结须填写解决情况和办结日期",
			Request: store.ProblemStatusInput{}, Response: store.LiaisonProblem{}}, s.apiEnterpriseProblemStatus),
	}
}

// enterpriseDetail is GET /api/v1/enterprises/{id}.
type enterpriseDetail struct {
	Enterprise store.Enterprise          `json:"enterprise"`
	Liaisons   []store.EnterprisePairing `json:"liaisons"`
	Visits     []store.LiaisonVisit      `json:"visits"`
	Problems   []store.LiaisonProblem    `json:"problems"`
}

type apiEndLiaison struct {
	EndsOn    app.Date `json:"ends_on"`
	EndReason string   `json:"end_reason"`
}

// enterpriseFor returns an enterprise as the account may see it.
func enterpriseFor(r *http.Request, e store.Enterprise) store.Enterprise {
	if memberContact(r) {
		return e
	}
	return e.Masked()
}

func enterpriseRow(r *http.Request, e store.Enterprise) view.EnterpriseRow {
	e = enterpriseFor(r, e)
	return view.EnterpriseRow{ID: e.ID, Name: e.Name, USCC: e.USCC, Org: e.OrgName, Sector: e.Sector, Size: e.SizeLabel,
		Address: e.Address, Contact: e.Contact, Phone: e.ContactPhone, Employees: e.Employees, Note: e.Note,
		Liaisons: strings.Join(e.Liaisons, "、"), Problems: e.Problems, Open: e.OpenProblems, Archived: e.Archived}
}

func enterpriseSizeOptions(first string) []view.Option {
	out := []view.Option{{Value: "", Label: first}}
	for _, z := range assist.EnterpriseSizes {
		out = append(out, view.Option{Value: z.Code, Label: z.Label})
	}
	return out
}

func enterpriseFilter(r *http.Request) store.EnterpriseFilter {
	q := r.URL.Query()
	return store.EnterpriseFilter{Query: strings.TrimSpace(q.Get("q")), Size: q.Get("size"), Sector: q.Get("sector"),
		OrgID: queryID(r, "org_id"), Archived: q.Get("archived") == "1" || q.Get("archived") == "true"}
}

func (s *Server) enterpriseList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	f := enterpriseFilter(r)
	f.Offset, f.Limit = queryInt(r, "offset", 0, 1_000_000_000), 50
	list, total, err := s.db.FindEnterprises(ctx, a, f)
	if err != nil {
		return err
	}
	sectors, err := s.db.FindEnterpriseSectors(ctx, a)
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, k := range []string{"q", "size", "sector", "archived", "org_id"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	d := view.EnterpriseList{Q: f.Query, Size: f.Size, Sector: f.Sector, Archived: f.Archived,
		SizeOptions: enterpriseSizeOptions("全部"), SectorOptions: []view.Option{{Value: "", Label: "全部"}},
		CanWrite: can(r, auth.AssistWrite), CanExport: can(r, auth.AssistExport), ExportURL: "/enterprises.xlsx?" + q.Encode(),
		Pager: view.Pager{Total: total, Offset: f.Offset, Limit: f.Limit, Query: q, Path: "/enterprises"}}
	for _, sec := range sectors {
		d.SectorOptions = append(d.SectorOptions, view.Option{Value: sec, Label: sec})
	}
	for _, e := range list {
		d.Rows = append(d.Rows, enterpriseRow(r, e))
	}
	return render(w, r, http.StatusOK, view.EnterpriseListPage(page(r, "包联企业台账", "assist"), d))
}

func enterpriseInput(f *form) store.EnterpriseInput {
	return store.EnterpriseInput{OrgID: f.ID("org_id"), Name: f.Str("name"), USCC: f.Str("uscc"), Sector: f.Str("sector"),
		Size: f.Str("size"), Address: f.Str("address"), Contact: f.Str("contact"), ContactPhone: f.Str("contact_phone"),
		Employees: f.Int("employees"), Note: f.Raw("note")}
}

func (s *Server) renderEnterpriseForm(w http.ResponseWriter, r *http.Request, status int, id int64, in store.EnterpriseInput, err error) error {
	f := view.EnterpriseForm{ID: id, OrgID: app.Itoa(in.OrgID), Name: in.Name, USCC: in.USCC, Sector: in.Sector, Size: in.Size,
		Address: in.Address, Contact: in.Contact, ContactPhone: in.ContactPhone, Employees: view.Itoa(in.Employees),
		Note: in.Note, SizeOptions: enterpriseSizeOptions("（未填）")}
	if err != nil {
		f.Errs, f.Msg = app.ErrorFields(err), fieldlessMessage(err)
	}
	title := "登记企业"
	if id != 0 {
		title = "修改企业台账"
	} else {
		var oerr error
		if f.OrgField, oerr = s.orgField(r, view.Field{Name: "org_id", Label: "所在组织", Value: f.OrgID, Required: true},
			"请选择", "/enterprises/new"); oerr != nil {
			return oerr
		}
	}
	return render(w, r, status, view.EnterpriseEdit(page(r, title, "assist"), f))
}

func (s *Server) enterpriseNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderEnterpriseForm(w, r, http.StatusOK, 0, store.EnterpriseInput{OrgID: actor(r).OrgID}, nil)
}

func (s *Server) enterpriseSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := enterpriseInput(f)
	var e store.Enterprise
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate().Err())
	} else if id == 0 {
		e, err = s.db.CreateEnterprise(r.Context(), actor(r), in)
	} else {
		e, err = s.db.UpdateEnterprise(r.Context(), actor(r), id, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderEnterpriseForm(w, r, formStatus(err), id, in, err)
	}
	return redirect(w, r, "/enterprises/"+app.Itoa(e.ID)+"?ok=saved")
}

func (s *Server) enterpriseCreate(w http.ResponseWriter, r *http.Request) error {
	return s.enterpriseSave(w, r, 0)
}

func (s *Server) enterpriseUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindEnterpriseByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	return s.enterpriseSave(w, r, id)
}

func (s *Server) enterpriseEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.db.FindEnterpriseByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.renderEnterpriseForm(w, r, http.StatusOK, id, store.EnterpriseInput{OrgID: e.OrgID, Name: e.Name, USCC: e.USCC,
		Sector: e.Sector, Size: e.Size, Address: e.Address, Contact: e.Contact, ContactPhone: e.ContactPhone,
		Employees: e.Employees, Note: e.Note}, nil)
}

func (s *Server) enterpriseArchive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if _, err := s.db.ArchiveEnterprise(r.Context(), actor(r), id, f.Str("archived") != "0"); err != nil {
		return err
	}
	return redirect(w, r, "/enterprises/"+app.Itoa(id)+"?ok=saved")
}

// --- The enterprise's page and its forms ---

func (s *Server) problemForms(r *http.Request, base string, committeeID int64) (view.ProblemForms, error) {
	pf := view.ProblemForms{ActionBase: base, Today: s.db.Today().String(),
		CategoryOptions: []view.Option{{Value: "", Label: "请选择"}}}
	for _, c := range assist.ProblemCategories {
		pf.CategoryOptions = append(pf.CategoryOptions, view.Option{Value: c.Code, Label: c.Label})
	}
	for _, st := range assist.ProblemStatuses {
		pf.StatusOptions = append(pf.StatusOptions, view.Option{Value: string(st), Label: st.Label()})
	}
	pf.UnitOptions = []view.Option{{Value: "", Label: "（不选）"}}
	units, err := s.db.FindUnits(r.Context(), app.System, store.UnitFilter{CommitteeID: committeeID})
	if err != nil {
		return pf, err
	}
	for _, u := range units {
		pf.UnitOptions = append(pf.UnitOptions, view.Option{Value: app.Itoa(u.ID), Label: u.Name})
	}
	return pf, nil
}

func problemRows(ps []store.LiaisonProblem) []view.ProblemRow {
	out := make([]view.ProblemRow, len(ps))
	for i, p := range ps {
		out[i] = view.ProblemRow{ID: p.ID, RaisedOn: p.RaisedOn.String(), Category: p.CategoryLabel, Household: p.HouseholdName,
			Description: p.Description, Department: p.Department, Status: p.StatusLabel, Closed: p.Status.Closed(),
			Resolution: p.Resolution, ResolvedOn: p.ResolvedOn.String()}
	}
	return out
}

func visitRows(vs []store.LiaisonVisit, names map[int64]string) []view.LiaisonVisitRow {
	out := make([]view.LiaisonVisitRow, len(vs))
	for i, v := range vs {
		out[i] = view.LiaisonVisitRow{VisitedOn: v.VisitedOn.String(), Cadre: v.CadreName, Target: names[v.HouseholdID],
			Reason: v.Reason, Seen: v.Seen, Needs: v.Needs}
	}
	return out
}

// formVals keeps what was typed into a failed form, to show it again.
func formVals(f *form, names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = f.Raw(n)
	}
	return m
}

func (s *Server) showEnterprise(w http.ResponseWriter, r *http.Request, id int64, status int, fd view.DetailForms) error {
	ctx, a := r.Context(), actor(r)
	e, err := s.db.FindEnterpriseByID(ctx, a, id)
	if err != nil {
		return err
	}
	d := view.EnterpriseShow{E: enterpriseRow(r, e), CanWrite: can(r, auth.AssistWrite), CanVisit: can(r, auth.AssistVisit), F: fd}
	ls, err := s.db.FindEnterprisePairings(ctx, a, id)
	if err != nil {
		return err
	}
	for _, l := range ls {
		d.Liaisons = append(d.Liaisons, view.LiaisonRow{ID: l.ID, Cadre: l.CadreName, Post: l.CadrePost,
			StartsOn: l.StartsOn.String(), EndsOn: l.EndsOn.String(), EndReason: l.EndReason, Active: l.EndsOn.IsZero()})
	}
	vs, err := s.db.FindEnterpriseVisits(ctx, a, id)
	if err != nil {
		return err
	}
	d.Visits = visitRows(vs, nil)
	ps, err := s.db.FindEnterpriseProblems(ctx, a, id)
	if err != nil {
		return err
	}
	d.Problems = problemRows(ps)
	picker, err := s.newCadrePicker(r, e.OrgID, e.CommitteeID, "cadre_id")
	if err != nil {
		return err
	}
	d.CadreOptions, d.CadreSearch = picker.Options("请选择"), picker.Search("/enterprises/"+app.Itoa(id), nil)
	if d.P, err = s.problemForms(r, "/enterprises/"+app.Itoa(id), e.CommitteeID); err != nil {
		return err
	}
	return render(w, r, status, view.EnterpriseShowPage(page(r, e.Name, "assist"), d))
}

func (s *Server) enterpriseShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.showEnterprise(w, r, id, http.StatusOK, view.DetailForms{})
}

// detailPost runs one form of a detail page: on an expected error the page
// is shown again with the form's errors and what was typed; on success it
// redirects back.
func detailPost(w http.ResponseWriter, r *http.Request, back string, formName string, fields []string,
	do func(f *form) error, show func(status int, fd view.DetailForms) error) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	err = do(f)
	if err != nil {
		if !formError(err) {
			return err
		}
		return show(formStatus(err), view.DetailForms{Form: formName, Errs: app.ErrorFields(err), Msg: fieldlessMessage(err),
			Vals: formVals(f, fields...)})
	}
	return redirect(w, r, back+"?ok=saved")
}

func (s *Server) enterpriseDetailPost(w http.ResponseWriter, r *http.Request, formName string, fields []string,
	do func(id int64, f *form) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindEnterpriseByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	return detailPost(w, r, "/enterprises/"+app.Itoa(id), formName, fields, func(f *form) error {
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		return do(id, f)
	}, func(status int, fd view.DetailForms) error { return s.showEnterprise(w, r, id, status, fd) })
}

func (s *Server) enterpriseLiaisonCreate(w http.ResponseWriter, r *http.Request) error {
	return s.enterpriseDetailPost(w, r, "liaison", []string{"cadre_id", "starts_on"}, func(id int64, f *form) error {
		in := store.EnterprisePairingInput{CadreID: f.ID("cadre_id"), StartsOn: f.Date("starts_on")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.CreateEnterprisePairing(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) enterpriseLiaisonEnd(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	return s.enterpriseDetailPost(w, r, "end-"+app.Itoa(pid), []string{"ends_on", "end_reason"}, func(id int64, f *form) error {
		on := f.Date("ends_on")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.EndEnterprisePairing(r.Context(), actor(r), pid, on, f.Str("end_reason"))
		return err
	})
}

func visitInput(f *form) store.LiaisonVisitInput {
	return store.LiaisonVisitInput{CadreID: f.ID("cadre_id"), VisitedOn: f.Date("visited_on"), Reason: f.Str("reason"),
		Seen: f.Raw("seen"), Needs: f.Raw("needs")}
}

var visitFields = []string{"cadre_id", "visited_on", "reason", "seen", "needs"}

func (s *Server) enterpriseVisitCreate(w http.ResponseWriter, r *http.Request) error {
	return s.enterpriseDetailPost(w, r, "visit", visitFields, func(id int64, f *form) error {
		in := visitInput(f)
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.CreateEnterpriseVisit(r.Context(), actor(r), id, in)
		return err
	})
}

func problemInput(f *form) store.LiaisonProblemInput {
	return store.LiaisonProblemInput{Category: f.Str("category"), Description: f.Raw("description"), UnitID: f.ID("unit_id"),
		Department: f.Str("department"), RaisedOn: f.Date("raised_on"), HouseholdID: f.ID("household_id")}
}

var problemFields = []string{"category", "description", "unit_id", "department", "raised_on", "household_id"}

func (s *Server) enterpriseProblemCreate(w http.ResponseWriter, r *http.Request) error {
	return s.enterpriseDetailPost(w, r, "problem", problemFields, func(id int64, f *form) error {
		in := problemInput(f)
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.CreateEnterpriseProblem(r.Context(), actor(r), id, in)
		return err
	})
}

func statusInput(f *form) store.ProblemStatusInput {
	return store.ProblemStatusInput{Status: assist.ProblemStatus(f.Str("status")), Resolution: f.Raw("resolution"),
		ResolvedOn: f.Date("resolved_on")}
}

var statusFields = []string{"status", "resolution", "resolved_on"}

func (s *Server) enterpriseProblemStatus(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	return s.enterpriseDetailPost(w, r, "status-"+app.Itoa(pid), statusFields, func(id int64, f *form) error {
		in := statusInput(f)
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		if err := s.problemOf(r, pid, id, 0); err != nil {
			return err
		}
		_, err := s.db.ChangeLiaisonProblemStatus(r.Context(), actor(r), pid, in)
		return err
	})
}

// problemOf checks that a problem belongs to the enterprise or campaign in
// the path (another one's problem is not found there).
func (s *Server) problemOf(r *http.Request, problemID, enterpriseID, campaignID int64) error {
	var list []store.LiaisonProblem
	var err error
	if enterpriseID != 0 {
		list, err = s.db.FindEnterpriseProblems(r.Context(), actor(r), enterpriseID)
	} else {
		list, err = s.db.FindCampaignProblems(r.Context(), actor(r), campaignID)
	}
	if err != nil {
		return err
	}
	for _, p := range list {
		if p.ID == problemID {
			return nil
		}
	}
	return app.NotFound("问题")
}

// --- Export ---

func (s *Server) enterpriseExport(w http.ResponseWriter, r *http.Request) error {
	f := enterpriseFilter(r)
	f.Limit = 5000
	list, _, err := s.db.FindEnterprises(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "企业台账", Title: "包联企业基本情况台账",
		Header: []string{"序号", "企业名称", "统一社会信用代码", "所在地", "所属行业", "企业规模", "职工人数", "地址",
			"联系人", "联系电话", "包联领导", "问题数", "未办结", "备注"},
		TextColumns: []int{2, 9}}
	for i, e := range list {
		e = enterpriseFor(r, e)
		sheet.Rows = append(sheet.Rows, []any{i + 1, e.Name, e.USCC, e.OrgName, e.Sector, e.SizeLabel, e.Employees,
			e.Address, e.Contact, e.ContactPhone, strings.Join(e.Liaisons, "、"), e.Problems, e.OpenProblems, e.Note})
	}
	return s.sendWorkbook(w, r, "enterprise", "包联企业台账.xlsx", "enterprises.xlsx", sheet)
}

// --- API ---

func (s *Server) apiEnterpriseList(w http.ResponseWriter, r *http.Request) error {
	offset, limit := apiPage(r)
	f := enterpriseFilter(r)
	f.Offset, f.Limit = offset, limit
	list, total, err := s.db.FindEnterprises(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	for i := range list {
		list[i] = enterpriseFor(r, list[i])
	}
	writeJSON(w, http.StatusOK, apiList[store.Enterprise]{Items: list, Total: total, Offset: offset, Limit: limit})
	return nil
}

func (s *Server) apiEnterpriseCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.EnterpriseInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := s.db.CreateEnterprise(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, enterpriseFor(r, e))
	return nil
}

func (s *Server) apiEnterpriseGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	var d enterpriseDetail
	if d.Enterprise, err = s.db.FindEnterpriseByID(ctx, a, id); err != nil {
		return err
	}
	d.Enterprise = enterpriseFor(r, d.Enterprise)
	if d.Liaisons, err = s.db.FindEnterprisePairings(ctx, a, id); err != nil {
		return err
	}
	if d.Visits, err = s.db.FindEnterpriseVisits(ctx, a, id); err != nil {
		return err
	}
	if d.Problems, err = s.db.FindEnterpriseProblems(ctx, a, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// apiEnterpriseBody finds the enterprise in the path (so that another
// county's answers 404 before the body is read) and decodes the body.
func (s *Server) apiEnterpriseBody(r *http.Request, v any) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	if _, err := s.db.FindEnterpriseByID(r.Context(), actor(r), id); err != nil {
		return 0, err
	}
	return id, decodeJSON(r, v)
}

func (s *Server) apiEnterpriseUpdate(w http.ResponseWriter, r *http.Request) error {
	var in store.EnterpriseInput
	id, err := s.apiEnterpriseBody(r, &in)
	if err != nil {
		return err
	}
	e, err := s.db.UpdateEnterprise(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, enterpriseFor(r, e))
	return nil
}

func (s *Server) apiEnterpriseArchive(w http.ResponseWriter, r *http.Request) error {
	var in apiArchiveBody
	id, err := s.apiEnterpriseBody(r, &in)
	if err != nil {
		return err
	}
	e, err := s.db.ArchiveEnterprise(r.Context(), actor(r), id, in.Archived)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, enterpriseFor(r, e))
	return nil
}

func (s *Server) apiEnterpriseLiaisonCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.EnterprisePairingInput
	id, err := s.apiEnterpriseBody(r, &in)
	if err != nil {
		return err
	}
	p, err := s.db.CreateEnterprisePairing(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiEnterpriseLiaisonEnd(w http.ResponseWriter, r *http.Request) error {
	var in apiEndLiaison
	id, err := s.apiEnterpriseBody(r, &in)
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	ls, err := s.db.FindEnterprisePairings(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	found := false
	for _, l := range ls {
		found = found || l.ID == pid
	}
	if !found {
		return app.NotFound("包联关系")
	}
	p, err := s.db.EndEnterprisePairing(r.Context(), actor(r), pid, in.EndsOn, in.EndReason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiEnterpriseVisitCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.LiaisonVisitInput
	id, err := s.apiEnterpriseBody(r, &in)
	if err != nil {
		return err
	}
	v, err := s.db.CreateEnterpriseVisit(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) apiEnterpriseProblemCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.LiaisonProblemInput
	id, err := s.apiEnterpriseBody(r, &in)
	if err != nil {
		return err
	}
	p, err := s.db.CreateEnterpriseProblem(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiEnterpriseProblemStatus(w http.ResponseWriter, r *http.Request) error {
	var in store.ProblemStatusInput
	id, err := s.apiEnterpriseBody(r, &in)
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	if err := s.problemOf(r, pid, id, 0); err != nil {
		return err
	}
	p, err := s.db.ChangeLiaisonProblemStatus(r.Context(), actor(r), pid, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
