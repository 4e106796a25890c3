package web

// Visit campaigns (遍访): /visit-campaigns (not /campaigns, which is topic
// collection) — the list with progress, a campaign's page with progress per
// visitor, its targets, visits and rectification list (问题清单 → 整改),
// the rectification list's .xlsx export, and the JSON API.

import (
	"net/http"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

func (s *Server) visitCampaignRoutes() []Route {
	read, write, visit := auth.AssistRead, auth.AssistWrite, auth.AssistVisit
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "遍访"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	return []Route{
		{Method: "GET", Pattern: "/visit-campaigns", Perm: read, Handle: s.visitCampaignList},
		{Method: "GET", Pattern: "/visit-campaigns/new", Perm: write, Handle: s.visitCampaignNew},
		{Method: "POST", Pattern: "/visit-campaigns", Perm: write, Handle: s.visitCampaignCreate},
		{Method: "GET", Pattern: "/visit-campaigns/{id}", Perm: read, Handle: s.visitCampaignShow},
		{Method: "GET", Pattern: "/visit-campaigns/{id}/edit", Perm: write, Handle: s.visitCampaignEdit},
		{Method: "POST", Pattern: "/visit-campaigns/{id}", Perm: write, Handle: s.visitCampaignUpdate},
		{Method: "POST", Pattern: "/visit-campaigns/{id}/targets", Perm: write, Handle: s.visitCampaignTargetsAdd},
		{Method: "POST", Pattern: "/visit-campaigns/{id}/visitor", Perm: write, Handle: s.visitCampaignVisitorSet},
		{Method: "POST", Pattern: "/visit-campaigns/{id}/visits", Perm: visit, Handle: s.visitCampaignVisitCreate},
		{Method: "POST", Pattern: "/visit-campaigns/{id}/problems", Perm: visit, Handle: s.visitCampaignProblemCreate},
		{Method: "POST", Pattern: "/visit-campaigns/{id}/problems/{pid}/status", Perm: visit, Handle: s.visitCampaignProblemStatus},
		{Method: "GET", Pattern: "/visit-campaigns/{id}/rectification.xlsx", Perm: read, Handle: s.visitCampaignExport},

		api("GET", "/visit-campaigns", read, APIDoc{Summary: "遍访活动及进度（已走访户数/遍访对象户数、问题数、是否已全部整改完毕）",
			Response: []store.VisitCampaign{}}, s.apiVisitCampaignList),
		api("POST", "/visit-campaigns", write, APIDoc{Summary: "新建遍访活动（org_id 缺省为本账号所属组织）",
			Request: store.VisitCampaignInput{}, Response: store.VisitCampaign{}, Status: http.StatusCreated}, s.apiVisitCampaignCreate),
		api("GET", "/visit-campaigns/{id}", read, APIDoc{Summary: "读取遍访活动：进度（总体和各走访人）、遍访对象（帮扶干部账号只见分配给本人的户）、走访记录和问题整改清单",
			Response: visitCampaignDetail{}}, s.apiVisitCampaignGet),
		api("PUT", "/visit-campaigns/{id}", write, APIDoc{Summary: "修改遍访活动的名称、期间和说明",
			Request: store.VisitCampaignInput{}, Response: store.VisitCampaign{}}, s.apiVisitCampaignUpdate),
		api("POST", "/visit-campaigns/{id}/targets", write, APIDoc{Summary: "加入遍访对象：all=true 加入本组织及下级全部在册困难户，或 household_ids 所选的户；cadre_id 为走访人（可不填）",
			Request: store.CampaignTargetsInput{}, Response: apiTargetsAdded{}}, s.apiVisitCampaignTargetsAdd),
		api("POST", "/visit-campaigns/{id}/visitor", write, APIDoc{Summary: "为遍访对象分配走访人（cadre_id 为 0 时取消分配）",
			Request: apiVisitorBody{}, Response: visitCampaignDetail{}}, s.apiVisitCampaignVisitorSet),
		api("POST", "/visit-campaigns/{id}/targets/{hid}/visits", visit, APIDoc{Summary: "登记对遍访对象的走访（日期须在活动期间内；由分配的走访人走访）",
			Request: store.LiaisonVisitInput{}, Response: store.LiaisonVisit{}, Status: http.StatusCreated}, s.apiVisitCampaignVisitCreate),
		api("POST", "/visit-campaigns/{id}/problems", visit, APIDoc{Summary: "把遍访发现的问题列入问题清单（household_id 可为遍访对象）",
			Request: store.LiaisonProblemInput{}, Response: store.LiaisonProblem{}, Status: http.StatusCreated}, s.apiVisitCampaignProblemCreate),
		api("POST", "/visit-campaigns/{id}/problems/{pid}/status", visit, APIDoc{Summary: "更新整改状态；办结须填写整改情况和办结日期",
			Request: store.ProblemStatusInput{}, Response: store.LiaisonProblem{}}, s.apiVisitCampaignProblemStatus),
	}
}

// visitCampaignDetail is GET /api/v1/visit-campaigns/{id}.
type visitCampaignDetail struct {
	Campaign store.VisitCampaign     `json:"campaign"`
	Visitors []store.VisitorProgress `json:"visitors"`
	Targets  []store.CampaignTarget  `json:"targets"`
	Visits   []store.LiaisonVisit    `json:"visits"`
	Problems []store.LiaisonProblem  `json:"problems"`
}

type apiTargetsAdded struct {
	Added    int                 `json:"added"`
	Campaign store.VisitCampaign `json:"campaign"`
}

type apiVisitorBody struct {
	HouseholdIDs []int64 `json:"household_ids"`
	CadreID      int64   `json:"cadre_id"`
}

func visitCampaignRow(c store.VisitCampaign) view.VisitCampaignRow {
	return view.VisitCampaignRow{ID: c.ID, Title: c.Title, Org: c.OrgName, Window: c.StartsOn.String() + " 至 " + c.EndsOn.String(),
		Targets: c.Targets, Visited: c.Visited, Percent: c.Percent(), Problems: c.Problems, Open: c.OpenProblems,
		Rectified: c.Rectified, Note: c.Note}
}

func (s *Server) visitCampaignList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.FindVisitCampaigns(r.Context(), actor(r))
	if err != nil {
		return err
	}
	d := view.VisitCampaignList{CanWrite: can(r, auth.AssistWrite)}
	for _, c := range list {
		d.Rows = append(d.Rows, visitCampaignRow(c))
	}
	return render(w, r, http.StatusOK, view.VisitCampaignListPage(withExport(page(r, "遍访活动", "assist"), r, "/visit-campaigns.xlsx"), d))
}

func visitCampaignInput(f *form) store.VisitCampaignInput {
	return store.VisitCampaignInput{OrgID: f.ID("org_id"), Title: f.Str("title"), StartsOn: f.Date("starts_on"),
		EndsOn: f.Date("ends_on"), Note: f.Raw("note")}
}

func (s *Server) renderVisitCampaignForm(w http.ResponseWriter, r *http.Request, status int, id int64, in store.VisitCampaignInput, err error) error {
	f := view.VisitCampaignForm{ID: id, OrgID: app.Itoa(in.OrgID), Title: in.Title, StartsOn: in.StartsOn.String(),
		EndsOn: in.EndsOn.String(), Note: in.Note}
	if err != nil {
		f.Errs, f.Msg = app.ErrorFields(err), fieldlessMessage(err)
	}
	title := "修改遍访活动"
	if id == 0 {
		title = "新建遍访活动"
		var oerr error
		if f.OrgField, oerr = s.orgField(r, view.Field{Name: "org_id", Label: "组织", Value: f.OrgID, Required: true,
			Hint: "遍访该组织及其下级的在册困难户"}, "请选择", "/visit-campaigns/new"); oerr != nil {
			return oerr
		}
	}
	return render(w, r, status, view.VisitCampaignEdit(page(r, title, "assist"), f))
}

func (s *Server) visitCampaignNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderVisitCampaignForm(w, r, http.StatusOK, 0, store.VisitCampaignInput{OrgID: actor(r).OrgID}, nil)
}

func (s *Server) visitCampaignSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := visitCampaignInput(f)
	var c store.VisitCampaign
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate().Err())
	} else if id == 0 {
		c, err = s.db.CreateVisitCampaign(r.Context(), actor(r), in)
	} else {
		c, err = s.db.UpdateVisitCampaign(r.Context(), actor(r), id, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderVisitCampaignForm(w, r, formStatus(err), id, in, err)
	}
	return redirect(w, r, "/visit-campaigns/"+app.Itoa(c.ID)+"?ok=saved")
}

func (s *Server) visitCampaignCreate(w http.ResponseWriter, r *http.Request) error {
	return s.visitCampaignSave(w, r, 0)
}

func (s *Server) visitCampaignUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindVisitCampaignByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	return s.visitCampaignSave(w, r, id)
}

func (s *Server) visitCampaignEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.db.FindVisitCampaignByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.renderVisitCampaignForm(w, r, http.StatusOK, id, store.VisitCampaignInput{OrgID: c.OrgID, Title: c.Title,
		StartsOn: c.StartsOn, EndsOn: c.EndsOn, Note: c.Note}, nil)
}

func (s *Server) visitCampaignDetailOf(r *http.Request, id int64) (visitCampaignDetail, error) {
	ctx, a := r.Context(), actor(r)
	var d visitCampaignDetail
	var err error
	if d.Campaign, err = s.db.FindVisitCampaignByID(ctx, a, id); err != nil {
		return d, err
	}
	if d.Targets, err = s.db.FindCampaignTargets(ctx, a, id); err != nil {
		return d, err
	}
	d.Visitors = store.CampaignProgressByVisitor(d.Targets)
	if d.Visits, err = s.db.FindCampaignVisits(ctx, a, id); err != nil {
		return d, err
	}
	d.Problems, err = s.db.FindCampaignProblems(ctx, a, id)
	return d, err
}

func (s *Server) showVisitCampaign(w http.ResponseWriter, r *http.Request, id int64, status int, fd view.DetailForms) error {
	cd, err := s.visitCampaignDetailOf(r, id)
	if err != nil {
		return err
	}
	d := view.VisitCampaignShow{C: visitCampaignRow(cd.Campaign), CanWrite: can(r, auth.AssistWrite), CanVisit: can(r, auth.AssistVisit),
		F: fd, Problems: problemRows(cd.Problems), TargetOptions: []view.Option{{Value: "", Label: "（请选择）"}}}
	for _, v := range cd.Visitors {
		d.Visitors = append(d.Visitors, view.VisitorRow{Name: v.CadreName, Targets: v.Targets, Visited: v.Visited,
			Percent: v.Percent()})
	}
	names := map[int64]string{}
	for _, t := range cd.Targets {
		names[t.HouseholdID] = t.HeadName
		d.Targets = append(d.Targets, view.TargetRow{HouseholdID: t.HouseholdID, HeadName: t.HeadName, Org: t.OrgName,
			Visitor: t.CadreName, Visited: t.Visited, LastVisit: t.LastVisit.String()})
		d.TargetOptions = append(d.TargetOptions, view.Option{Value: app.Itoa(t.HouseholdID), Label: t.HeadName + "（" + t.OrgName + "）"})
	}
	d.Visits = visitRows(cd.Visits, names)
	picker, err := s.newCadrePicker(r, cd.Campaign.OrgID, cd.Campaign.CommitteeID, "cadre_id")
	if err != nil {
		return err
	}
	d.CadreOptions, d.CadreSearch = picker.Options("（不选）"), picker.Search("/visit-campaigns/"+app.Itoa(id), nil)
	if d.P, err = s.problemForms(r, "/visit-campaigns/"+app.Itoa(id), cd.Campaign.CommitteeID); err != nil {
		return err
	}
	if d.CanWrite {
		choices, err := s.db.FindCampaignHouseholdChoices(r.Context(), actor(r), id)
		if err != nil {
			return err
		}
		for _, c := range choices {
			d.Choices = append(d.Choices, view.Option{Value: app.Itoa(c.HouseholdID), Label: c.HeadName + "（" + c.OrgName + "）"})
		}
	}
	return render(w, r, status, view.VisitCampaignShowPage(page(r, cd.Campaign.Title, "assist"), d))
}

func (s *Server) visitCampaignShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.showVisitCampaign(w, r, id, http.StatusOK, view.DetailForms{})
}

func (s *Server) visitCampaignDetailPost(w http.ResponseWriter, r *http.Request, formName string, fields []string,
	do func(id int64, f *form) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindVisitCampaignByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	return detailPost(w, r, "/visit-campaigns/"+app.Itoa(id), formName, fields, func(f *form) error {
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		return do(id, f)
	}, func(status int, fd view.DetailForms) error { return s.showVisitCampaign(w, r, id, status, fd) })
}

func (s *Server) visitCampaignTargetsAdd(w http.ResponseWriter, r *http.Request) error {
	return s.visitCampaignDetailPost(w, r, "targets", []string{"cadre_id"}, func(id int64, f *form) error {
		in := store.CampaignTargetsInput{All: f.Bool("all"), HouseholdIDs: formIDs(f, "household_ids"), CadreID: f.ID("cadre_id")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.AddCampaignTargets(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) visitCampaignVisitorSet(w http.ResponseWriter, r *http.Request) error {
	return s.visitCampaignDetailPost(w, r, "assign", []string{"cadre_id"}, func(id int64, f *form) error {
		ids, cadre := formIDs(f, "household_ids"), f.ID("cadre_id")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		return s.db.SetCampaignVisitor(r.Context(), actor(r), id, ids, cadre)
	})
}

func (s *Server) visitCampaignVisitCreate(w http.ResponseWriter, r *http.Request) error {
	return s.visitCampaignDetailPost(w, r, "visit", append([]string{"household_id"}, visitFields...), func(id int64, f *form) error {
		in, hid := visitInput(f), f.ID("household_id")
		if hid == 0 {
			f.Errs.Add("household_id", "请选择走访对象")
		}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.CreateCampaignVisit(r.Context(), actor(r), id, hid, in)
		return err
	})
}

func (s *Server) visitCampaignProblemCreate(w http.ResponseWriter, r *http.Request) error {
	return s.visitCampaignDetailPost(w, r, "problem", problemFields, func(id int64, f *form) error {
		in := problemInput(f)
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.CreateCampaignProblem(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) visitCampaignProblemStatus(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	return s.visitCampaignDetailPost(w, r, "status-"+app.Itoa(pid), statusFields, func(id int64, f *form) error {
		in := statusInput(f)
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		if err := s.problemOf(r, pid, 0, id); err != nil {
			return err
		}
		_, err := s.db.ChangeLiaisonProblemStatus(r.Context(), actor(r), pid, in)
		return err
	})
}

func (s *Server) visitCampaignExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.db.FindVisitCampaignByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	ps, err := s.db.FindCampaignProblems(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	status := "整改中"
	switch {
	case c.Rectified:
		status = "问题已全部整改完毕"
	case c.Problems == 0:
		status = "暂未发现问题"
	}
	sheet := xlsx.Sheet{Name: "问题整改清单", Title: c.Title + " 问题整改清单（" + status + "）",
		Header: []string{"序号", "提出日期", "类别", "涉及的户", "问题", "协调部门", "状态", "整改情况", "办结日期"}}
	for i, p := range ps {
		sheet.Rows = append(sheet.Rows, []any{i + 1, p.RaisedOn, p.CategoryLabel, p.HouseholdName, p.Description,
			p.Department, p.StatusLabel, p.Resolution, p.ResolvedOn})
	}
	return s.sendWorkbook(w, r, "visit_campaign", c.Title+"问题整改清单.xlsx", "rectification.xlsx", sheet)
}

// --- API ---

func (s *Server) apiVisitCampaignList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.FindVisitCampaigns(r.Context(), actor(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) apiVisitCampaignCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.VisitCampaignInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.db.CreateVisitCampaign(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) apiVisitCampaignGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.visitCampaignDetailOf(r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// apiVisitCampaignBody finds the campaign in the path, then decodes the body.
func (s *Server) apiVisitCampaignBody(r *http.Request, v any) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	if _, err := s.db.FindVisitCampaignByID(r.Context(), actor(r), id); err != nil {
		return 0, err
	}
	return id, decodeJSON(r, v)
}

func (s *Server) apiVisitCampaignUpdate(w http.ResponseWriter, r *http.Request) error {
	var in store.VisitCampaignInput
	id, err := s.apiVisitCampaignBody(r, &in)
	if err != nil {
		return err
	}
	c, err := s.db.UpdateVisitCampaign(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiVisitCampaignTargetsAdd(w http.ResponseWriter, r *http.Request) error {
	var in store.CampaignTargetsInput
	id, err := s.apiVisitCampaignBody(r, &in)
	if err != nil {
		return err
	}
	n, err := s.db.AddCampaignTargets(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	c, err := s.db.FindVisitCampaignByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiTargetsAdded{Added: n, Campaign: c})
	return nil
}

func (s *Server) apiVisitCampaignVisitorSet(w http.ResponseWriter, r *http.Request) error {
	var in apiVisitorBody
	id, err := s.apiVisitCampaignBody(r, &in)
	if err != nil {
		return err
	}
	if err := s.db.SetCampaignVisitor(r.Context(), actor(r), id, in.HouseholdIDs, in.CadreID); err != nil {
		return err
	}
	d, err := s.visitCampaignDetailOf(r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiVisitCampaignVisitCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.LiaisonVisitInput
	id, err := s.apiVisitCampaignBody(r, &in)
	if err != nil {
		return err
	}
	hid, err := pathID(r, "hid")
	if err != nil {
		return err
	}
	v, err := s.db.CreateCampaignVisit(r.Context(), actor(r), id, hid, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) apiVisitCampaignProblemCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.LiaisonProblemInput
	id, err := s.apiVisitCampaignBody(r, &in)
	if err != nil {
		return err
	}
	p, err := s.db.CreateCampaignProblem(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiVisitCampaignProblemStatus(w http.ResponseWriter, r *http.Request) error {
	var in store.ProblemStatusInput
	id, err := s.apiVisitCampaignBody(r, &in)
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	if err := s.problemOf(r, pid, 0, id); err != nil {
		return err
	}
	p, err := s.db.ChangeLiaisonProblemStatus(r.Context(), actor(r), pid, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
