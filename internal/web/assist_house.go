package web

// Pairing assistance pages: households (masked, audited views, reveal for
// the paired cadre), persons, cadres, pairings and handovers, visits,
// problems and the due list.

import (
	"context"
	"net/http"
	"net/url"
	"path"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

func (s *Server) assistHouseRoutes() []Route {
	rd, wr, vi := auth.AssistRead, auth.AssistWrite, auth.AssistVisit
	return []Route{
		{Method: "GET", Pattern: "/households", Perm: rd, Cache: cacheData, Handle: s.householdList},
		{Method: "GET", Pattern: "/households/new", Perm: wr, Handle: s.householdNew},
		{Method: "POST", Pattern: "/households", Perm: wr, Handle: s.householdCreate},
		{Method: "GET", Pattern: "/households/{id}", Perm: rd, Cache: cacheData, Handle: s.householdShow},
		{Method: "GET", Pattern: "/households/{id}/edit", Perm: wr, Handle: s.householdEdit},
		{Method: "POST", Pattern: "/households/{id}", Perm: wr, Handle: s.householdUpdate},
		{Method: "POST", Pattern: "/households/{id}/persons", Perm: wr, Handle: s.personCreate},
		{Method: "GET", Pattern: "/households/{id}/persons/{pid}/edit", Perm: wr, Handle: s.personEdit},
		{Method: "POST", Pattern: "/households/{id}/persons/{pid}", Perm: wr, Handle: s.personUpdate},
		{Method: "POST", Pattern: "/households/{id}/persons/{pid}/reveal", Perm: rd, Handle: s.personReveal},
		{Method: "POST", Pattern: "/households/{id}/pairings", Perm: wr, Handle: s.householdPair},
		{Method: "POST", Pattern: "/visits", Perm: vi, Handle: s.visitCreate},
		{Method: "GET", Pattern: "/visit-photos/{id}", Perm: rd, Handle: s.visitPhoto},
		{Method: "GET", Pattern: "/problems", Perm: rd, Handle: s.problemList},
		{Method: "POST", Pattern: "/problems", Perm: vi, Handle: s.problemCreate},
		{Method: "POST", Pattern: "/problems/{id}/status", Perm: vi, Handle: s.problemChange},
		{Method: "GET", Pattern: "/cadres", Perm: rd, Handle: s.cadreList},
		{Method: "POST", Pattern: "/cadres", Perm: wr, Handle: s.cadreCreate},
		{Method: "POST", Pattern: "/cadres/{id}/leave", Perm: wr, Handle: s.cadreLeave},
		{Method: "GET", Pattern: "/pairings", Perm: rd, Handle: s.pairingList},
		{Method: "POST", Pattern: "/pairings/{id}/handover", Perm: wr, Handle: s.pairingHandover},
		{Method: "POST", Pattern: "/pairings/{id}/end", Perm: wr, Handle: s.pairingEnd},
		{Method: "GET", Pattern: "/assist/due", Perm: rd, Handle: s.dueList},
		{Method: "GET", Pattern: "/assist/rules", Perm: wr, Handle: s.rulesEdit},
		{Method: "POST", Pattern: "/assist/rules", Perm: wr, Handle: s.rulesSave},
	}
}

func assistCategoryOptions(first string) []view.Option {
	opts := []view.Option{{Value: "", Label: first}}
	for _, c := range assist.Categories {
		opts = append(opts, view.Option{Value: c.Code, Label: c.Label})
	}
	return opts
}

func (s *Server) householdList(w http.ResponseWriter, r *http.Request) error {
	f := householdFilter(r)
	f.Purpose = "查看帮扶对象名单"
	hs, total, err := s.db.FindHouseholds(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	onCacheHit(r, func(ctx context.Context, a app.Actor) error {
		return s.db.AuditRead(ctx, a, store.HouseholdListAudit(a, f, total))
	})
	q := r.URL.Query()
	orgFields, err := s.orgFilter(r, "org_id", "所在单位", "全部")
	if err != nil {
		return err
	}
	d := view.HouseholdList{Query: q.Encode(), CanWrite: can(r, auth.AssistWrite), Pager: view.Pager{Total: total, Offset: f.Offset,
		Limit: f.Limit, Query: q}, Filter: append(orgFields, []view.Field{
		{Name: "category", Label: "类别", Value: q.Get("category"), Options: assistCategoryOptions("全部")},
		{Name: "paired", Label: "结对", Value: q.Get("paired"), Options: []view.Option{{Value: "", Label: "全部"},
			{Value: "yes", Label: "已结对"}, {Value: "no", Label: "未结对"}}},
		{Name: "q", Label: "户主或身份证号", Value: q.Get("q")}}...)}
	for _, h := range hs {
		d.Rows = append(d.Rows, view.HouseholdRow{ID: h.ID, HeadName: h.HeadName, OrgName: h.OrgName, Phone: h.Phone,
			Persons: h.PersonCount, Categories: strings.Join(h.CategoryLabels(), "、"), Cadres: h.Cadres})
	}
	return render(w, r, http.StatusOK, view.HouseholdListPage(page(r, "帮扶对象", "assist"), d))
}

// householdFields are the household form's fields; page is the form's GET
// page, which the organisation search reopens.
func (s *Server) householdFields(r *http.Request, in store.HouseholdInput, page string) ([]view.Field, error) {
	orgField, err := s.orgField(r, view.Field{Name: "org_id", Label: "所在乡镇（街道）或村（社区）", Required: true,
		Value: assistIDText(in.OrgID)}, "请选择", page)
	if err != nil {
		return nil, err
	}
	return []view.Field{
		orgField,
		{Name: "head_name", Label: "户主姓名", Required: true, Value: in.HeadName},
		{Name: "address", Label: "住址", Value: in.Address},
		{Name: "phone", Label: "联系电话", Type: "tel", Value: in.Phone, Hint: "保存后只显示脱敏号码"},
		{Name: "registered_on", Label: "登记日期", Type: "date", Required: true, Value: in.RegisteredOn.String()},
		{Name: "exited_on", Label: "退出日期", Type: "date", Value: in.ExitedOn.String()},
		{Name: "exit_reason", Label: "退出原因", Value: in.ExitReason},
		{Name: "note", Label: "备注", Type: "textarea", Value: in.Note},
	}, nil
}

func assistIDText(id int64) string {
	if id == 0 {
		return ""
	}
	return app.Itoa(id)
}

func (s *Server) householdNew(w http.ResponseWriter, r *http.Request) error {
	in := store.HouseholdInput{RegisteredOn: s.db.Today()}
	fields, err := s.householdFields(r, in, "/households/new")
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.AssistFormPage(page(r, "登记帮扶对象", "assist"), view.AssistForm{
		Action: "/households", Fields: fields, Submit: "保存", Back: "/households"}))
}

func (s *Server) householdSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := store.HouseholdInput{OrgID: f.ID("org_id"), HeadName: f.Str("head_name"), Address: f.Str("address"),
		Phone: f.Str("phone"), Note: f.Str("note"), RegisteredOn: f.Date("registered_on"), ExitedOn: f.Date("exited_on"),
		ExitReason: f.Str("exit_reason")}
	var h store.Household
	if len(f.Errs) > 0 {
		err = f.Errs.Err()
	} else if id == 0 {
		h, err = s.db.CreateHousehold(r.Context(), actor(r), in)
	} else {
		h, err = s.db.UpdateHousehold(r.Context(), actor(r), id, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		action, title, formPage := "/households", "登记帮扶对象", "/households/new"
		if id != 0 {
			action, title, formPage = "/households/"+app.Itoa(id), "修改帮扶对象", "/households/"+app.Itoa(id)+"/edit"
			in.Phone = ""
		}
		fields, ferr := s.householdFields(r, in, formPage)
		if ferr != nil {
			return ferr
		}
		return render(w, r, formStatus(err), view.AssistFormPage(page(r, title, "assist"), view.AssistForm{
			Action: action, Fields: fields, Submit: "保存", Errs: app.ErrorFields(err),
			Msg: fieldlessMessage(err), Back: "/households"}))
	}
	return redirect(w, r, "/households/"+app.Itoa(h.ID)+"?ok=saved")
}

func (s *Server) householdCreate(w http.ResponseWriter, r *http.Request) error {
	return s.householdSave(w, r, 0)
}

func (s *Server) householdUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.householdSave(w, r, id)
}

func (s *Server) householdEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, err := s.db.FindHouseholdByID(r.Context(), actor(r), id, "修改帮扶对象档案")
	if err != nil {
		return err
	}
	in := store.HouseholdInput{OrgID: h.OrgID, HeadName: h.HeadName, Address: h.Address, Note: h.Note,
		RegisteredOn: h.RegisteredOn, ExitedOn: h.ExitedOn, ExitReason: h.ExitReason}
	fields, err := s.householdFields(r, in, "/households/"+app.Itoa(id)+"/edit")
	if err != nil {
		return err
	}
	fields[3].Hint = "现为 " + h.Phone + "；留空则清除，如需保留请重新填写"
	return render(w, r, http.StatusOK, view.AssistFormPage(page(r, "修改帮扶对象", "assist"), view.AssistForm{
		Action: "/households/" + app.Itoa(id), Fields: fields, Submit: "保存", Back: "/households/" + app.Itoa(id)}))
}

func householdPersonFields(in store.PersonInput, masked string) []view.Field {
	cats := make([]string, len(in.Categories))
	copy(cats, in.Categories)
	hint := "多个类别用逗号分隔，可选：" + strings.Join(categoryLabelsAll(), "、")
	idHint := "18位，按国家标准校验；保存后只显示前6位和后4位"
	if masked != "" {
		idHint = "现为 " + masked + "；留空则清除，如需保留请重新填写"
	}
	return []view.Field{
		{Name: "name", Label: "姓名", Required: true, Value: in.Name},
		{Name: "relation", Label: "与户主关系", Value: in.Relation},
		{Name: "gender", Label: "性别", Value: in.Gender, Options: []view.Option{{Value: "", Label: "按身份证号码"},
			{Value: "男", Label: "男"}, {Value: "女", Label: "女"}}},
		{Name: "birth_date", Label: "出生日期", Type: "date", Value: in.BirthDate.String()},
		{Name: "id_number", Label: "身份证号码", Value: in.IDNumber, Hint: idHint},
		{Name: "categories", Label: "帮扶对象类别", Value: strings.Join(labelsOf(cats), "，"), Hint: hint},
		{Name: "disability", Label: "残疾情况", Value: in.Disability},
		{Name: "health", Label: "健康状况", Value: in.Health},
	}
}

func categoryLabelsAll() []string {
	var out []string
	for _, c := range assist.Categories {
		out = append(out, c.Label)
	}
	return out
}

func labelsOf(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = assist.CategoryLabel(c)
	}
	return out
}

func personInput(f *form) store.PersonInput {
	cats := strings.FieldsFunc(f.Str("categories"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' })
	return store.PersonInput{Name: f.Str("name"), Relation: f.Str("relation"), Gender: f.Str("gender"),
		BirthDate: f.Date("birth_date"), IDNumber: f.Str("id_number"), Categories: cats, Disability: f.Str("disability"),
		Health: f.Str("health")}
}

// householdPage renders a household's page (an audited view); extra
// adjusts it (a form's errors, a reveal).
func (s *Server) householdPage(w http.ResponseWriter, r *http.Request, id int64, status int, purpose string,
	extra func(d *view.HouseholdShow)) error {
	a := actor(r)
	h, err := s.db.FindHouseholdByID(r.Context(), a, id, purpose)
	if err != nil {
		return err
	}
	onCacheHit(r, func(ctx context.Context, a app.Actor) error {
		return s.db.AuditRead(ctx, a, store.HouseholdViewAudit(h, purpose))
	})
	if purpose == "" {
		purpose = store.DefaultViewPurpose
	}
	ctx := r.Context()
	ps, err := s.db.FindPairings(ctx, a, store.PairingFilter{HouseholdID: id})
	if err != nil {
		return err
	}
	vs, err := s.db.FindAssistVisits(ctx, a, store.AssistVisitFilter{HouseholdID: id})
	if err != nil {
		return err
	}
	pr, _, err := s.db.FindProblems(ctx, a, store.ProblemFilter{HouseholdID: id, Limit: 200})
	if err != nil {
		return err
	}
	d := view.HouseholdShow{ID: h.ID, HeadName: h.HeadName, CanWrite: can(r, auth.AssistWrite), Purpose: purpose,
		Facts: []view.Option{{Value: "所在单位", Label: h.OrgName}, {Value: "住址", Label: h.Address},
			{Value: "电话", Label: h.Phone}, {Value: "登记日期", Label: h.RegisteredOn.String()},
			{Value: "类别", Label: strings.Join(h.CategoryLabels(), "、")}, {Value: "结对干部", Label: h.Cadres},
			{Value: "备注", Label: h.Note}}}
	if !h.ExitedOn.IsZero() {
		d.Facts = append(d.Facts, view.Option{Value: "退出", Label: h.ExitedOn.String() + " " + h.ExitReason})
	}
	for _, p := range h.Persons {
		d.Persons = append(d.Persons, view.PersonRow{ID: p.ID, Name: p.Name, Relation: p.Relation, Gender: p.Gender,
			BirthDate: p.BirthDate.String(), IDNumber: p.IDNumber, Categories: strings.Join(p.CategoryLabels(), "、"),
			Disability: p.Disability, Health: p.Health})
	}
	paired := false
	if auth.Role(a.Role) == auth.Cadre {
		if c, err := s.db.CadreOfAccount(ctx, a); err == nil {
			for _, p := range ps {
				paired = paired || (p.Active() && p.CadreID == c.ID)
			}
		}
	}
	d.CanReveal = paired
	for _, p := range ps {
		d.Pairings = append(d.Pairings, view.SimpleRow{Cells: []string{p.CadreName, p.StartsOn.String(), p.EndsOn.String(), p.EndReason}})
	}
	for _, v := range vs {
		var aid []string
		for _, x := range v.Aid {
			aid = append(aid, x.Item+x.Quantity+" "+store.FenText(x.ValueFen))
		}
		photos := ""
		if len(v.Photos) > 0 {
			photos = app.Itoa(int64(len(v.Photos))) + "张"
		}
		d.Visits = append(d.Visits, view.SimpleRow{Cells: []string{v.VisitedOn.String(), v.CadreName, v.OccasionLabel,
			v.Seen, v.Needs, strings.Join(aid, "；"), photos}})
	}
	for _, p := range pr {
		d.Problems = append(d.Problems, view.SimpleRow{Href: "/problems?household_id=" + app.Itoa(id),
			Cells: []string{p.Description, p.CategoryLabel, p.Department, p.StatusLabel, p.RaisedOn.String()}})
	}
	// Both forms' pickers: the cadres of the household's township and those
	// found by name, read once.
	var picker *cadrePicker
	cadreOptions := func() ([]view.Option, error) {
		if picker == nil {
			var err error
			if picker, err = s.newCadrePicker(r, h.OrgID, h.CommitteeID, "cadre_id"); err != nil {
				return nil, err
			}
		}
		return picker.Options("请选择"), nil
	}
	var keep url.Values
	if p := r.URL.Query().Get("purpose"); p != "" {
		keep = url.Values{"purpose": {p}}
	}
	if d.CanWrite {
		d.PersonForm = &view.AssistForm{ID: "person", Title: "新增家庭成员", Action: "/households/" + app.Itoa(id) + "/persons",
			Fields: householdPersonFields(store.PersonInput{}, ""), Submit: "添加"}
		opts, err := cadreOptions()
		if err != nil {
			return err
		}
		d.PairForm = &view.AssistForm{ID: "pair", Title: "结对", Action: "/households/" + app.Itoa(id) + "/pairings", Submit: "建立结对",
			Fields: []view.Field{{Name: "cadre_id", Label: "帮扶干部", Required: true, Options: opts},
				{Name: "starts_on", Label: "开始日期", Type: "date", Required: true, Value: s.db.Today().String()}},
			Search: picker.Search("/households/"+app.Itoa(id), keep)}
	}
	if can(r, auth.AssistVisit) && (paired || d.CanWrite) {
		rules, _ := s.db.FindAssistRules(ctx, a, h.CommitteeID)
		occ := []view.Option{{Value: "", Label: "日常走访"}}
		for _, o := range rules.Occasions {
			occ = append(occ, view.Option{Value: o.Code, Label: o.Label})
		}
		fields := []view.Field{{Name: "household_id", Type: "hidden", Value: app.Itoa(id)}}
		var search *view.PickerSearch
		if !paired {
			opts, err := cadreOptions()
			if err != nil {
				return err
			}
			fields = append(fields, view.Field{Name: "cadre_id", Label: "走访干部", Required: true, Options: opts})
			if d.PairForm == nil {
				search = picker.Search("/households/"+app.Itoa(id), keep)
			}
		}
		fields = append(fields,
			view.Field{Name: "visited_on", Label: "走访日期", Type: "date", Required: true, Value: s.db.Today().String()},
			view.Field{Name: "occasion", Label: "走访时机", Options: occ},
			view.Field{Name: "seen", Label: "走访情况", Type: "textarea"},
			view.Field{Name: "needs", Label: "需求", Type: "textarea"},
			view.Field{Name: "aid", Label: "慰问物资", Type: "textarea", Hint: "每行一项：物资 数量 价值（元），如：米 1袋 150"},
			view.Field{Name: "photos", Label: "照片（JPEG 或 PNG，可多选）", Type: "file", Attrs: map[string]string{"multiple": "multiple",
				"accept": "image/jpeg,image/png"}})
		d.VisitForm = &view.AssistForm{ID: "visit", Title: "登记走访", Action: "/visits", Fields: fields, Submit: "保存走访", Search: search}
		d.ProblemForm = &view.AssistForm{ID: "problem", Title: "登记问题", Action: "/problems", Submit: "登记", Fields: []view.Field{
			{Name: "household_id", Type: "hidden", Value: app.Itoa(id)},
			{Name: "category", Label: "类别", Required: true, Options: problemCategoryOptions()},
			{Name: "description", Label: "问题或需求", Type: "textarea", Required: true},
			{Name: "department", Label: "协助部门"}}}
	}
	if extra != nil {
		extra(&d)
	}
	return render(w, r, status, view.HouseholdShowPage(page(r, h.HeadName+" 户", "assist"), d))
}

func problemCategoryOptions() []view.Option {
	opts := []view.Option{{Value: "", Label: "请选择"}}
	for _, c := range assist.ProblemCategories {
		opts = append(opts, view.Option{Value: c.Code, Label: c.Label})
	}
	return opts
}

func (s *Server) householdShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.householdPage(w, r, id, http.StatusOK, r.URL.Query().Get("purpose"), nil)
}

// householdAction runs a form action of the household page: on a form
// error the page is shown again with the errors in the named form.
func (s *Server) householdAction(w http.ResponseWriter, r *http.Request, id int64, form string,
	fn func(f *form) error) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		if !formError(err) {
			return err
		}
		return s.householdPage(w, r, id, formStatus(err), "", func(d *view.HouseholdShow) {
			var target *view.AssistForm
			switch form {
			case "person":
				target = d.PersonForm
			case "pair":
				target = d.PairForm
			case "visit":
				target = d.VisitForm
			case "problem":
				target = d.ProblemForm
			}
			if target != nil {
				target.Errs, target.Msg = app.ErrorFields(err), fieldlessMessage(err)
				for i := range target.Fields {
					if target.Fields[i].Type != "file" && target.Fields[i].Type != "hidden" {
						target.Fields[i].Value = f.Raw(target.Fields[i].Name)
					}
				}
			}
		})
	}
	return redirect(w, r, "/households/"+app.Itoa(id)+"?ok=saved")
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.householdAction(w, r, id, "person", func(f *form) error {
		in := personInput(f)
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.AddHouseholdPerson(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	p, err := s.db.FindHouseholdPerson(r.Context(), actor(r), id, pid)
	if err != nil {
		return err
	}
	in := store.PersonInput{Name: p.Name, Relation: p.Relation, Gender: p.Gender, BirthDate: p.BirthDate,
		Categories: p.Categories, Disability: p.Disability, Health: p.Health}
	return render(w, r, http.StatusOK, view.AssistFormPage(page(r, "修改家庭成员", "assist"), view.AssistForm{
		Action: "/households/" + app.Itoa(id) + "/persons/" + app.Itoa(pid), Fields: householdPersonFields(in, p.IDNumber),
		Submit: "保存", Back: "/households/" + app.Itoa(id)}))
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := personInput(f)
	if len(f.Errs) > 0 {
		err = f.Errs.Err()
	} else {
		_, err = s.db.UpdateHouseholdPerson(r.Context(), actor(r), id, pid, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return render(w, r, formStatus(err), view.AssistFormPage(page(r, "修改家庭成员", "assist"), view.AssistForm{
			Action: "/households/" + app.Itoa(id) + "/persons/" + app.Itoa(pid), Fields: householdPersonFields(in, ""),
			Submit: "保存", Errs: app.ErrorFields(err), Msg: fieldlessMessage(err), Back: "/households/" + app.Itoa(id)}))
	}
	return redirect(w, r, "/households/"+app.Itoa(id)+"?ok=saved")
}

func (s *Server) personReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	reason := f.Str("reason")
	rv, err := s.db.RevealHouseholdPerson(r.Context(), actor(r), pid, reason)
	if err != nil {
		if app.ErrorCode(err) == app.EINVALID {
			return s.householdPage(w, r, id, formStatus(err), "", func(d *view.HouseholdShow) {})
		}
		return err
	}
	if rv.Person.HouseholdID != id {
		return app.NotFound("家庭成员")
	}
	return s.householdPage(w, r, id, http.StatusOK, "查看完整信息："+reason, func(d *view.HouseholdShow) {
		d.RevealPhone = rv.HouseholdPhone
		for i := range d.Persons {
			if d.Persons[i].ID == pid {
				d.Persons[i].IDNumber, d.Persons[i].Revealed = rv.Person.IDNumber, true
			}
		}
	})
}

func (s *Server) householdPair(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.householdAction(w, r, id, "pair", func(f *form) error {
		in := store.PairingInput{CadreID: f.ID("cadre_id"), HouseholdID: id, StartsOn: f.Date("starts_on")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.CreatePairing(r.Context(), actor(r), in)
		return err
	})
}

// aidLines reads "物资 数量 价值" lines.
func aidLines(s string) []store.AidInput {
	var out []store.AidInput
	for _, line := range strings.Split(s, "\n") {
		fs := strings.Fields(line)
		switch len(fs) {
		case 0:
		case 1:
			out = append(out, store.AidInput{Item: fs[0]})
		case 2:
			out = append(out, store.AidInput{Item: fs[0], Yuan: fs[1]})
		default:
			out = append(out, store.AidInput{Item: fs[0], Quantity: strings.Join(fs[1:len(fs)-1], " "), Yuan: fs[len(fs)-1]})
		}
	}
	return out
}

func (s *Server) visitCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := store.AssistVisitInput{CadreID: f.ID("cadre_id"), HouseholdID: f.ID("household_id"),
		EnterpriseID: f.ID("enterprise_id"), CampaignID: f.ID("campaign_id"), VisitedOn: f.Date("visited_on"),
		Occasion: f.Str("occasion"), Reason: f.Str("reason"), Seen: f.Str("seen"), Needs: f.Str("needs"),
		Aid: aidLines(f.Str("aid"))}
	back := r.Referer()
	if in.HouseholdID != 0 {
		back = "/households/" + app.Itoa(in.HouseholdID)
		return s.householdAction(w, r, in.HouseholdID, "visit", func(f *form) error {
			photos, err := s.readUploads(r, "photos", store.MaxVisitPhotos+1)
			if err != nil {
				return err
			}
			if len(f.Errs) > 0 {
				return f.Errs.Err()
			}
			_, err = s.db.AddAssistVisit(r.Context(), actor(r), in, photos)
			return err
		})
	}
	photos, err := s.readUploads(r, "photos", store.MaxVisitPhotos+1)
	if err != nil {
		return err
	}
	if len(f.Errs) > 0 {
		return f.Errs.Err()
	}
	if _, err := s.db.AddAssistVisit(r.Context(), actor(r), in, photos); err != nil {
		return err
	}
	if !strings.HasPrefix(back, "/") {
		back = "/assist/due"
	}
	return redirect(w, r, back)
}

func (s *Server) visitPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, data, err := s.db.FindAssistFile(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(data)
	return err
}

func problemStatusOptions(first string) []view.Option {
	opts := []view.Option{{Value: "", Label: first}}
	if first != "" {
		opts = append(opts, view.Option{Value: "active", Label: "未办结"})
	}
	for _, st := range assist.ProblemStatuses {
		opts = append(opts, view.Option{Value: string(st), Label: st.Label()})
	}
	if first == "" {
		opts = opts[1:]
	}
	return opts
}

// formFailure is a refused form of a list page: which form (its action),
// what was posted, and why.
type formFailure struct {
	action string
	posted url.Values
	err    error
}

// refill puts what was posted and why it was refused into the form that
// posted it, so the list page shows it again with its messages.
func refill(forms []view.AssistForm, ff *formFailure) {
	if ff == nil {
		return
	}
	for i := range forms {
		// The list's forms post to /pairings/0/end and the like; the same
		// action from a record's own page names its id instead of 0.
		if path.Base(forms[i].Action) != path.Base(ff.action) {
			continue
		}
		forms[i].Errs = app.ErrorFields(ff.err)
		if len(forms[i].Errs) == 0 {
			forms[i].Msg = app.ErrorMessage(ff.err)
		}
		for j := range forms[i].Fields {
			if v, ok := ff.posted[forms[i].Fields[j].Name]; ok && len(v) > 0 {
				forms[i].Fields[j].Value = v[0]
			}
			forms[i].Fields[j] = view.FieldFrom(forms[i].Errs, forms[i].Fields[j])
		}
	}
}

// listFailed answers a refused list-page form: the page again (4xx) for an
// expected error, the error itself otherwise (not found, forbidden, internal).
func listFailed(err error, r *http.Request, again func(status int, ff *formFailure) error) error {
	if !formError(err) || app.ErrorCode(err) == app.ENOTFOUND || app.ErrorCode(err) == app.EFORBIDDEN {
		return err
	}
	return again(formStatus(err), &formFailure{action: r.URL.Path, posted: r.PostForm, err: err})
}

func (s *Server) problemList(w http.ResponseWriter, r *http.Request) error {
	return s.renderProblemList(w, r, http.StatusOK, nil)
}

// renderProblemList shows the problem list; after a refused status change
// the form comes back with what was typed and why it was refused.
func (s *Server) renderProblemList(w http.ResponseWriter, r *http.Request, status int, ff *formFailure) error {
	f := problemFilter(r)
	f.HouseholdID = queryID(r, "household_id")
	ps, total, err := s.db.FindProblems(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	orgFields, err := s.orgFilter(r, "org_id", "所在单位", "全部")
	if err != nil {
		return err
	}
	d := view.SimpleList{Intro: "帮扶对象的急难愁盼问题、包联企业的需求问题清单和遍访发现的问题。",
		Head:  []string{"问题", "所属", "类别", "协助部门", "状态", "提出日期", "办理情况"},
		Empty: "没有符合条件的问题。", Pager: &view.Pager{Total: total, Offset: f.Offset, Limit: f.Limit, Query: q},
		Filter: append(orgFields, []view.Field{
			{Name: "status", Label: "状态", Value: q.Get("status"), Options: problemStatusOptions("全部")},
			{Name: "kind", Label: "类型", Value: q.Get("kind"), Options: []view.Option{{Value: "", Label: "全部"},
				{Value: "household", Label: "帮扶对象"}, {Value: "enterprise", Label: "企业"}, {Value: "campaign", Label: "遍访"}}},
			{Name: "from", Label: "提出日期自", Type: "date", Value: q.Get("from")},
			{Name: "to", Label: "至", Type: "date", Value: q.Get("to")}}...)}
	for _, p := range ps {
		res := p.Resolution
		if !p.ResolvedOn.IsZero() {
			res += "（" + p.ResolvedOn.String() + "）"
		}
		d.Rows = append(d.Rows, view.SimpleRow{Cells: []string{"#" + app.Itoa(p.ID) + " " + p.Description, p.Target,
			p.CategoryLabel, p.Department, p.StatusLabel, p.RaisedOn.String(), res}})
	}
	if can(r, auth.AssistVisit) && (len(ps) > 0 || ff != nil) {
		d.Forms = append(d.Forms, view.AssistForm{ID: "status", Title: "变更问题状态", Action: "/problems/0/status", Submit: "保存",
			Fields: []view.Field{{Name: "id", Label: "问题编号", Required: true},
				{Name: "status", Label: "状态", Required: true, Options: problemStatusOptions("")},
				{Name: "resolution", Label: "解决情况", Type: "textarea"},
				{Name: "resolved_on", Label: "办结日期", Type: "date"}}})
		refill(d.Forms, ff)
	}
	return render(w, r, status, view.SimpleListPage(withExport(page(r, "问题清单", "assist"), r, "/problems.xlsx"), d))
}

func (s *Server) problemCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := store.ProblemInput{HouseholdID: f.ID("household_id"), EnterpriseID: f.ID("enterprise_id"),
		CampaignID: f.ID("campaign_id"), VisitID: f.ID("visit_id"), Category: f.Str("category"),
		Description: f.Str("description"), UnitID: f.ID("unit_id"), Department: f.Str("department"),
		RaisedOn: f.Date("raised_on")}
	if in.HouseholdID != 0 && in.VisitID == 0 {
		return s.householdAction(w, r, in.HouseholdID, "problem", func(f *form) error {
			if len(f.Errs) > 0 {
				return f.Errs.Err()
			}
			_, err := s.db.CreateProblem(r.Context(), actor(r), in)
			return err
		})
	}
	if len(f.Errs) > 0 {
		return f.Errs.Err()
	}
	if _, err := s.db.CreateProblem(r.Context(), actor(r), in); err != nil {
		return err
	}
	return redirect(w, r, "/problems?ok=saved")
}

func (s *Server) problemChange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil && r.PathValue("id") != "0" {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if id == 0 {
		id = f.ID("id")
	}
	ch := store.ProblemChange{Status: assist.ProblemStatus(f.Str("status")), Resolution: f.Str("resolution"),
		ResolvedOn: f.Date("resolved_on"), UnitID: f.ID("unit_id"), Department: f.Str("department")}
	again := func(status int, ff *formFailure) error { return s.renderProblemList(w, r, status, ff) }
	if len(f.Errs) > 0 {
		return listFailed(f.Errs.Err(), r, again)
	}
	if _, err := s.db.ChangeProblem(r.Context(), actor(r), id, ch); err != nil {
		return listFailed(err, r, again)
	}
	return redirect(w, r, "/problems?ok=saved")
}

func (s *Server) cadreList(w http.ResponseWriter, r *http.Request) error {
	return s.renderCadreList(w, r, http.StatusOK, nil)
}

func (s *Server) renderCadreList(w http.ResponseWriter, r *http.Request, status int, ff *formFailure) error {
	cs, err := s.db.FindCadres(r.Context(), actor(r), store.CadreFilter{OrgID: queryID(r, "org_id")})
	if err != nil {
		return err
	}
	d := view.SimpleList{Intro: "结对帮扶干部和包联企业的领导干部（电话已脱敏）。", Empty: "还没有登记帮扶干部。",
		Head: []string{"姓名", "单位", "职务", "电话", "结对户数", "包联企业", "离岗日期"}}
	for _, c := range cs {
		d.Rows = append(d.Rows, view.SimpleRow{Href: "/pairings?cadre_id=" + app.Itoa(c.ID), Cells: []string{c.Name,
			c.OrgName, c.Post, c.Phone, app.Itoa(int64(c.Households)), app.Itoa(int64(c.Enterprises)), c.LeftOn.String()}})
	}
	if can(r, auth.AssistWrite) {
		picker, err := s.newCadrePicker(r, queryID(r, "org_id"), 0, "cadre_id", "successor_id")
		if err != nil {
			return err
		}
		orgField, err := s.orgField(r, view.Field{Name: "org_id", Label: "所在单位", Required: true,
			Value: r.PostFormValue("org_id")}, "请选择", "/cadres")
		if err != nil {
			return err
		}
		d.Forms = append(d.Forms, view.AssistForm{ID: "cadre", Title: "登记帮扶干部", Action: "/cadres", Submit: "登记", Fields: []view.Field{
			orgField,
			{Name: "name", Label: "姓名", Required: true}, {Name: "post", Label: "职务"},
			{Name: "phone", Label: "电话", Type: "tel"},
			{Name: "member_id", Label: "委员编号（是委员时填写）", Type: "number"},
			{Name: "account_id", Label: "帮扶干部账号编号", Type: "number"}}},
			view.AssistForm{ID: "leave", Title: "干部离岗并移交结对", Action: "/cadres/0/leave", Submit: "离岗", Fields: []view.Field{
				{Name: "cadre_id", Label: "离岗干部", Required: true, Options: picker.Options("请选择")},
				{Name: "left_on", Label: "离岗日期", Type: "date", Required: true, Value: s.db.Today().String()},
				{Name: "successor_id", Label: "接替干部", Options: picker.Options("不移交（结束结对）")},
				{Name: "reason", Label: "原因"}}, Search: picker.Search("/cadres", cadreListKeep(r))})
		refill(d.Forms, ff)
	}
	return render(w, r, status, view.SimpleListPage(withExport(page(r, "帮扶干部", "assist"), r, "/cadres.xlsx"), d))
}

func (s *Server) cadreCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := store.CadreInput{OrgID: f.ID("org_id"), Name: f.Str("name"), Post: f.Str("post"), Phone: f.Str("phone"),
		MemberID: f.ID("member_id"), AccountID: f.ID("account_id")}
	again := func(status int, ff *formFailure) error { return s.renderCadreList(w, r, status, ff) }
	if len(f.Errs) > 0 {
		return listFailed(f.Errs.Err(), r, again)
	}
	if _, err := s.db.CreateCadre(r.Context(), actor(r), in); err != nil {
		return listFailed(err, r, again)
	}
	return redirect(w, r, "/cadres?ok=saved")
}

func (s *Server) cadreLeave(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	id, _ := pathID(r, "id")
	if id == 0 {
		id = f.ID("cadre_id")
	}
	left, succ, reason := f.Date("left_on"), f.ID("successor_id"), f.Str("reason")
	again := func(status int, ff *formFailure) error { return s.renderCadreList(w, r, status, ff) }
	if len(f.Errs) > 0 {
		return listFailed(f.Errs.Err(), r, again)
	}
	if _, err := s.db.CadreLeaves(r.Context(), actor(r), id, left, succ, reason); err != nil {
		return listFailed(err, r, again)
	}
	return redirect(w, r, "/cadres?ok=saved")
}

func (s *Server) pairingList(w http.ResponseWriter, r *http.Request) error {
	return s.renderPairingList(w, r, http.StatusOK, nil)
}

func (s *Server) renderPairingList(w http.ResponseWriter, r *http.Request, status int, ff *formFailure) error {
	ps, err := s.db.FindPairings(r.Context(), actor(r), store.PairingFilter{CadreID: queryID(r, "cadre_id"),
		Kind: r.URL.Query().Get("kind"), Active: r.URL.Query().Get("active") == "1"})
	if err != nil {
		return err
	}
	d := view.SimpleList{Intro: "结对帮扶和包联企业关系；干部离岗时移交给接替的干部。", Empty: "没有结对关系。",
		Head: []string{"编号", "类型", "干部", "对象", "所在单位", "开始", "结束", "结束原因"}}
	for _, p := range ps {
		href := ""
		if p.HouseholdID != 0 {
			href = "/households/" + app.Itoa(p.HouseholdID)
		}
		d.Rows = append(d.Rows, view.SimpleRow{Href: href, Cells: []string{"#" + app.Itoa(p.ID), p.KindLabel(), p.CadreName,
			p.Target, p.OrgName, p.StartsOn.String(), p.EndsOn.String(), p.EndReason}})
	}
	if can(r, auth.AssistWrite) {
		picker, err := s.newCadrePicker(r, 0, 0, "to_cadre_id")
		if err != nil {
			return err
		}
		d.Forms = append(d.Forms, view.AssistForm{ID: "handover", Title: "移交结对", Action: "/pairings/0/handover", Submit: "移交",
			Search: picker.Search("/pairings", pairingListKeep(r)),
			Fields: []view.Field{{Name: "pairing_id", Label: "结对编号", Required: true},
				{Name: "to_cadre_id", Label: "接替干部", Required: true, Options: picker.Options("请选择")},
				{Name: "on", Label: "移交日期", Type: "date", Required: true, Value: s.db.Today().String()},
				{Name: "reason", Label: "原因", Required: true}}},
			view.AssistForm{ID: "end", Title: "结束结对", Action: "/pairings/0/end", Submit: "结束", Fields: []view.Field{
				{Name: "pairing_id", Label: "结对编号", Required: true},
				{Name: "ends_on", Label: "结束日期", Type: "date", Required: true, Value: s.db.Today().String()},
				{Name: "reason", Label: "原因", Required: true}}})
		refill(d.Forms, ff)
	}
	return render(w, r, status, view.SimpleListPage(withExport(page(r, "结对关系", "assist"), r, "/pairings.xlsx"), d))
}

func pairingFormID(r *http.Request, f *form) int64 {
	if id, err := pathID(r, "id"); err == nil {
		return id
	}
	return f.ID("pairing_id")
}

func (s *Server) pairingHandover(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	id, to, on, reason := pairingFormID(r, f), f.ID("to_cadre_id"), f.Date("on"), f.Str("reason")
	again := func(status int, ff *formFailure) error { return s.renderPairingList(w, r, status, ff) }
	if len(f.Errs) > 0 {
		return listFailed(f.Errs.Err(), r, again)
	}
	if _, err := s.db.HandoverPairing(r.Context(), actor(r), id, to, on, reason); err != nil {
		return listFailed(err, r, again)
	}
	return redirect(w, r, "/pairings?ok=saved")
}

func (s *Server) pairingEnd(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	id, on, reason := pairingFormID(r, f), f.Date("ends_on"), f.Str("reason")
	again := func(status int, ff *formFailure) error { return s.renderPairingList(w, r, status, ff) }
	if len(f.Errs) > 0 {
		return listFailed(f.Errs.Err(), r, again)
	}
	if _, err := s.db.EndPairing(r.Context(), actor(r), id, on, reason); err != nil {
		return listFailed(err, r, again)
	}
	return redirect(w, r, "/pairings?ok=saved")
}

func (s *Server) dueList(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.db.FindDueVisits(r.Context(), actor(r), s.db.Today())
	if err != nil {
		return err
	}
	d := view.SimpleList{Intro: "按本政协的走访规则（定期走访、六必访时机）列出逾期未走访和近期应走访的户。",
		Head: []string{"户", "干部", "事项", "期间", "上次走访", "状态"}, Empty: "目前没有应走访或逾期的户。"}
	for _, c := range ds {
		for _, x := range append(c.Overdue, c.Soon...) {
			st := "还有" + app.Itoa(int64(x.Days)) + "天"
			if x.Overdue {
				st = "逾期" + app.Itoa(int64(-x.Days)) + "天"
			}
			last := x.LastVisit.String()
			if last == "" {
				last = "未走访"
			}
			d.Rows = append(d.Rows, view.SimpleRow{Href: "/households/" + app.Itoa(x.HouseholdID), Cells: []string{x.Household,
				x.CadreName, x.Label, x.From.String() + " 至 " + x.DueOn.String(), last, st}})
		}
	}
	return render(w, r, http.StatusOK, view.SimpleListPage(page(r, "走访提醒", "assist"), d))
}

func (s *Server) rulesEdit(w http.ResponseWriter, r *http.Request) error {
	rules, err := s.db.FindAssistRules(r.Context(), actor(r), 0)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.AssistFormPage(page(r, "结对帮扶规则", "assist"), rulesForm(rules, nil)))
}

func rulesForm(rules assist.Rules, err error) view.AssistForm {
	var occ []string
	for _, o := range rules.Occasions {
		line := o.Code + " " + o.Label + " " + app.Itoa(int64(o.WithinDays))
		if len(o.Dates) > 0 {
			line += " " + strings.Join(o.Dates, ",")
		}
		occ = append(occ, line)
	}
	return view.AssistForm{Action: "/assist/rules", Submit: "保存", Back: "/assist/due", Errs: app.ErrorFields(err),
		Msg: fieldlessMessage(err), Fields: []view.Field{
			{Name: "households_per_cadre", Label: "每名干部最多结对户数（0为不限）", Type: "number", Value: app.Itoa(int64(rules.HouseholdsPerCadre))},
			{Name: "cadres_per_household", Label: "每户最多结对干部数（0为不限）", Type: "number", Value: app.Itoa(int64(rules.CadresPerHousehold))},
			{Name: "visit_every_days", Label: "至少每隔多少天走访一次（0为不要求）", Type: "number", Value: app.Itoa(int64(rules.VisitEveryDays))},
			{Name: "occasions", Label: "走访时机（六必访）", Type: "textarea", Value: strings.Join(occ, "\n"),
				Hint: "每行一项：代码 名称 前后天数 [日期,日期…]，如：spring_festival 春节 15 2026-02-17"}}}
}

func (s *Server) rulesSave(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	rules := assist.Rules{HouseholdsPerCadre: f.Int("households_per_cadre"), CadresPerHousehold: f.Int("cadres_per_household"),
		VisitEveryDays: f.Int("visit_every_days")}
	var errs app.FieldErrors
	for _, line := range strings.Split(f.Str("occasions"), "\n") {
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		if len(fs) < 3 {
			errs.Add("occasions", "“"+strings.TrimSpace(line)+"”应为：代码 名称 前后天数 [日期…]")
			continue
		}
		o := assist.Occasion{Code: fs[0], Label: fs[1]}
		n := 0
		for _, c := range fs[2] {
			if c < '0' || c > '9' || n > 1000 {
				n = -1
				break
			}
			n = n*10 + int(c-'0')
		}
		o.WithinDays = n
		if len(fs) > 3 {
			o.Dates = strings.Split(strings.Join(fs[3:], ","), ",")
		}
		rules.Occasions = append(rules.Occasions, o)
	}
	if len(f.Errs) > 0 || len(errs) > 0 {
		err = append(f.Errs, errs...).Err()
	} else {
		_, err = s.db.SaveAssistRules(r.Context(), actor(r), 0, rules)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return render(w, r, formStatus(err), view.AssistFormPage(page(r, "结对帮扶规则", "assist"), rulesForm(rules, err)))
	}
	return redirect(w, r, "/assist/rules?ok=saved")
}
