package web

// Other duty activities (履职活动): the list with counts by kind
// (/activities), the form, an activity's page, the committee's kinds
// (/activities/kinds) and the JSON API.

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

func (s *Server) activityRoutes() []Route {
	read, write := auth.MemberRead, auth.MemberWrite
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "履职活动"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	return []Route{
		{Method: "GET", Pattern: "/activities", Perm: read, Cache: cacheData, Handle: s.dutyActivityList},
		{Method: "GET", Pattern: "/activities/new", Perm: write, Handle: s.dutyActivityNew},
		{Method: "POST", Pattern: "/activities", Perm: write, Handle: s.dutyActivityCreate},
		{Method: "GET", Pattern: "/activities/kinds", Perm: read, Handle: s.activityKinds},
		{Method: "POST", Pattern: "/activities/kinds", Perm: write, Handle: s.activityKindsSave},
		{Method: "GET", Pattern: "/activities/{id}", Perm: read, Handle: s.dutyActivityShow},
		{Method: "GET", Pattern: "/activities/{id}/edit", Perm: write, Handle: s.dutyActivityEdit},
		{Method: "POST", Pattern: "/activities/{id}", Perm: write, Handle: s.dutyActivityUpdate},
		{Method: "POST", Pattern: "/activities/{id}/delete", Perm: write, Handle: s.dutyActivityDelete},

		api("GET", "/activities", read, APIDoc{Summary: "履职活动列表（本账号管辖范围内，按开始日期倒序）",
			Response: apiList[store.Activity]{}, Query: append([]APIParam{
				{Name: "year", Type: "integer", Description: "开始日期所在年度"},
				{Name: "kind", Type: "string", Description: "活动类型代码（见 /activities/kinds）"},
				{Name: "member_id", Type: "integer", Description: "只列出该委员参加的活动"},
				{Name: "org_id", Type: "integer", Description: "只列出该组织及其下级的活动"},
				{Name: "q", Type: "string", Description: "名称、地点、活动情况或组织单位包含的文字"},
			}, pageParams...)}, s.apiActivityList),
		api("POST", "/activities", write, APIDoc{Summary: "登记履职活动：类型为本政协在用的活动类型；数据项为非负整数、名称不超过20字且不重复；" +
			"members 为本政协委员（member_id，或 name 写“姓名”或“姓名#编号”），每人记一次履职；others 为其他人员（按姓名）",
			Request: store.ActivityInput{}, Response: store.Activity{}, Status: http.StatusCreated}, s.apiActivityCreate),
		api("GET", "/activities/{id}", read, APIDoc{Summary: "读取履职活动及其数据和参加人员", Response: store.Activity{}}, s.apiActivityGet),
		api("PUT", "/activities/{id}", write, APIDoc{Summary: "修改履职活动（须提交全部字段）；委员的履职记录随日期、类型和参加人员调整",
			Request: store.ActivityInput{}, Response: store.Activity{}}, s.apiActivityUpdate),
		api("DELETE", "/activities/{id}", write, APIDoc{Summary: "删除履职活动及其履职记录", Status: http.StatusNoContent},
			s.apiActivityDelete),
	}
}

func activityFilter(r *http.Request) store.ActivityFilter {
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	if year < 1900 || year > 2200 {
		year = 0
	}
	return store.ActivityFilter{Year: year, Kind: strings.TrimSpace(q.Get("kind")), MemberID: queryID(r, "member_id"),
		OrgID: queryID(r, "org_id"), Query: strings.TrimSpace(q.Get("q"))}
}

func activityDate(a store.Activity) string {
	d := a.StartsOn.String()
	if !a.EndsOn.IsZero() && a.EndsOn != a.StartsOn {
		e := a.EndsOn.String()
		if a.EndsOn.Y == a.StartsOn.Y {
			e = e[5:]
		}
		d += "至" + e
	}
	return d
}

func (s *Server) activityKindOptions(r *http.Request, first string, keep string) ([]view.Option, error) {
	kinds, err := s.db.FindActivityKindList(r.Context(), actor(r), 0)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return nil, err
	}
	out := []view.Option{{Value: "", Label: first}}
	for _, k := range kinds {
		if !k.Archived || k.Code == keep {
			out = append(out, view.Option{Value: k.Code, Label: k.Label})
		}
	}
	return out, nil
}

func (s *Server) dutyActivityList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	f := activityFilter(r)
	f.Offset, f.Limit = queryInt(r, "offset", 0, 1_000_000_000), 50
	list, total, err := s.db.FindActivities(ctx, a, f)
	if err != nil {
		return err
	}
	counts, err := s.db.CountActivitiesByKind(ctx, a, f)
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, k := range []string{"year", "kind", "q", "member_id", "org_id"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	d := view.DutyActivityList{Q: f.Query, Kind: f.Kind, Total: total, CanWrite: can(r, auth.MemberWrite),
		Pager: view.Pager{Total: total, Offset: f.Offset, Limit: f.Limit, Query: q, Path: "/activities"}}
	if f.Year != 0 {
		d.Year = strconv.Itoa(f.Year)
	}
	if f.MemberID != 0 {
		d.MemberID = app.Itoa(f.MemberID)
		if m, err := s.db.FindMemberByID(ctx, a, f.MemberID); err == nil {
			d.MemberName = m.Name
		}
	}
	d.YearOptions = []view.Option{{Value: "", Label: "全部"}}
	for y := s.db.Today().Y; y >= s.db.Today().Y-10; y-- {
		d.YearOptions = append(d.YearOptions, view.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y) + "年"})
	}
	if d.KindOptions, err = s.activityKindOptions(r, "全部", f.Kind); err != nil {
		return err
	}
	without := func(kind string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del("kind")
		if kind != "" {
			v.Set("kind", kind)
		}
		return "/activities?" + v.Encode()
	}
	d.AllURL = without("")
	for _, c := range counts {
		d.Counts = append(d.Counts, view.KindCount{Label: c.Label, N: c.N, URL: without(c.Kind), Active: c.Kind == f.Kind})
	}
	for _, x := range list {
		var names []string
		for _, m := range x.Members() {
			names = append(names, m.Name)
		}
		d.Rows = append(d.Rows, view.DutyActivityRow{ID: x.ID, Date: activityDate(x), Kind: x.KindLabel, Title: x.Title,
			Org: x.OrgName, Members: strings.Join(names, "、"), NMembers: len(names), NOthers: len(x.Others())})
	}
	return render(w, r, http.StatusOK, view.ActivityListPage(withExport(page(r, "履职活动", "duty"), r, "/activities.xlsx"), d))
}

// --- The form ---

// splitFields splits a line of a form's text area at ，, |, tabs.
func splitFields(line string, n int) []string {
	line = strings.NewReplacer("，", "\x00", ",", "\x00", "|", "\x00", "｜", "\x00", "\t", "\x00").Replace(line)
	parts := strings.SplitN(line, "\x00", n)
	for len(parts) < n {
		parts = append(parts, "")
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func textLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// activityFigures reads lines “名称：数量”.
func activityFigures(f *form, name string) []store.ActivityFigure {
	var out []store.ActivityFigure
	for i, l := range textLines(f.Str(name)) {
		j := strings.LastIndexAny(l, "：:=\t ")
		if j < 0 {
			f.Errs.Add(name, "第"+strconv.Itoa(i+1)+"行“"+l+"”应写成“名称：数量”")
			continue
		}
		_, size := firstRune(l[j:])
		label, num := strings.TrimSpace(l[:j]), strings.TrimSpace(l[j+size:])
		v, err := strconv.Atoi(num)
		if err != nil {
			f.Errs.Add(name, "第"+strconv.Itoa(i+1)+"行：“"+label+"”的数量“"+num+"”应为非负整数")
			continue
		}
		out = append(out, store.ActivityFigure{Name: label, Value: v})
	}
	return out
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

func activityPeople(s string) []store.ActivityPersonInput {
	var out []store.ActivityPersonInput
	for _, l := range textLines(s) {
		p := splitFields(l, 3)
		out = append(out, store.ActivityPersonInput{Name: p[0], Role: p[1], Note: p[2]})
	}
	return out
}

func dutyActivityInput(f *form) (store.ActivityInput, view.DutyActivityForm) {
	v := view.DutyActivityForm{OrgID: f.Str("org_id"), Kind: f.Str("kind"), Title: f.Str("title"), StartsOn: f.Str("starts_on"),
		EndsOn: f.Str("ends_on"), Places: f.Str("places"), Organiser: f.Str("organiser"), Summary: f.Str("summary"),
		Figures: f.Str("figures"), Members: f.Str("members"), Others: f.Str("others")}
	in := store.ActivityInput{OrgID: f.ID("org_id"), Kind: v.Kind, Title: v.Title, StartsOn: f.Date("starts_on"),
		EndsOn: f.Date("ends_on"), Places: textLines(v.Places), Organiser: v.Organiser, Summary: v.Summary,
		Figures: activityFigures(f, "figures"), Members: activityPeople(v.Members), Others: activityPeople(v.Others)}
	return in, v
}

func personLines(ps []store.ActivityParticipant) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Name)
		if p.Role != "" || p.Note != "" {
			b.WriteString("，" + p.Role)
		}
		if p.Note != "" {
			b.WriteString("，" + p.Note)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// activityFormOf fills the form from a stored activity; members named
// 姓名#编号 so that the same members come back.
func activityFormOf(a store.Activity) view.DutyActivityForm {
	ms := a.Members()
	for i := range ms {
		ms[i].Name += "#" + app.Itoa(ms[i].MemberID)
	}
	var figs []string
	for _, x := range a.Figures {
		figs = append(figs, x.Name+"："+strconv.Itoa(x.Value))
	}
	return view.DutyActivityForm{ID: a.ID, OrgID: app.Itoa(a.OrgID), Kind: a.Kind, Title: a.Title, StartsOn: a.StartsOn.String(),
		EndsOn: a.EndsOn.String(), Places: strings.Join(a.Places, "\n"), Organiser: a.Organiser, Summary: a.Summary,
		Figures: strings.Join(figs, "\n"), Members: personLines(ms), Others: personLines(a.Others())}
}

func (s *Server) renderDutyActivityForm(w http.ResponseWriter, r *http.Request, status int, v view.DutyActivityForm, keepKind string, err error) error {
	if err != nil {
		v.Errs, v.Msg = app.ErrorFields(err), fieldlessMessage(err)
	}
	formPage := "/activities/new"
	if v.ID != 0 {
		formPage = "/activities/" + app.Itoa(v.ID) + "/edit"
	}
	var oerr error
	if v.OrgField, oerr = s.orgField(r, view.Field{Name: "org_id", Label: "组织", Value: v.OrgID, Required: true}, "请选择",
		formPage); oerr != nil {
		return oerr
	}
	if v.KindOptions, oerr = s.activityKindOptions(r, "请选择", keepKind); oerr != nil {
		return oerr
	}
	title := "登记履职活动"
	if v.ID != 0 {
		title = "修改履职活动"
	}
	return render(w, r, status, view.ActivityEditPage(page(r, title, "duty"), v))
}

func (s *Server) dutyActivityNew(w http.ResponseWriter, r *http.Request) error {
	v := view.DutyActivityForm{OrgID: app.Itoa(actor(r).OrgID), StartsOn: s.db.Today().String()}
	return s.renderDutyActivityForm(w, r, http.StatusOK, v, "", nil)
}

func (s *Server) dutyActivitySave(w http.ResponseWriter, r *http.Request, id int64, keepKind string) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in, v := dutyActivityInput(f)
	v.ID = id
	var a store.Activity
	if len(f.Errs) > 0 {
		in.Normalize()
		err = f.merge(in.Validate(s.db.Today()).Err())
	} else if id == 0 {
		a, err = s.db.CreateActivity(r.Context(), actor(r), in)
	} else {
		a, err = s.db.UpdateActivity(r.Context(), actor(r), id, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderDutyActivityForm(w, r, formStatus(err), v, keepKind, err)
	}
	return redirect(w, r, "/activities/"+app.Itoa(a.ID)+"?ok=saved")
}

func (s *Server) dutyActivityCreate(w http.ResponseWriter, r *http.Request) error {
	return s.dutyActivitySave(w, r, 0, "")
}

func (s *Server) dutyActivityUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.db.FindActivity(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.dutyActivitySave(w, r, id, a.Kind)
}

func (s *Server) dutyActivityEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.db.FindActivity(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.renderDutyActivityForm(w, r, http.StatusOK, activityFormOf(a), a.Kind, nil)
}

func (s *Server) dutyActivityDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.DeleteActivity(r.Context(), actor(r), id); err != nil {
		return err
	}
	return redirect(w, r, "/activities?ok=deleted")
}

func (s *Server) dutyActivityShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.db.FindActivity(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	d := view.DutyActivityShow{ID: a.ID, Title: a.Title, Kind: a.KindLabel, Date: activityDate(a), Org: a.OrgName,
		Organiser: a.Organiser, Places: a.Places, Summary: a.Summary, CanWrite: can(r, auth.MemberWrite),
		CanMember: can(r, auth.MemberRead)}
	for _, x := range a.Figures {
		d.Figures = append(d.Figures, view.Option{Label: x.Name, Value: strconv.Itoa(x.Value)})
	}
	switch src, err := s.db.FindPressSource(r.Context(), actor(r), store.PressRecord{Kind: store.PressRecordActivity, ID: a.ID}); {
	case err == nil:
		d.Source = &view.PressLink{URL: "/press/items/" + app.Itoa(src.ID), Text: "来源：" + src.SourceLabel()}
	case app.ErrorCode(err) != app.ENOTFOUND:
		return err
	}
	for _, p := range a.Participants {
		vp := view.DutyActivityPerson{MemberID: p.MemberID, Name: p.Name, Role: p.Role, Note: p.Note}
		if p.MemberID != 0 {
			d.Members = append(d.Members, vp)
		} else {
			d.Others = append(d.Others, vp)
		}
	}
	return render(w, r, http.StatusOK, view.ActivityShowPage(page(r, a.Title, "duty"), d))
}

// --- Kinds ---

func activityKindRows(ks []store.ActivityKindItem) []view.ActivityKindRow {
	out := make([]view.ActivityKindRow, 0, len(ks)+3)
	for i, k := range ks {
		out = append(out, view.ActivityKindRow{Code: k.Code, Label: k.Label, Archived: k.Archived, Used: k.Used,
			Sort: strconv.Itoa(i + 1)})
	}
	return out
}

func (s *Server) renderActivityKinds(w http.ResponseWriter, r *http.Request, status int, rows []view.ActivityKindRow, err error) error {
	d := view.ActivityKinds{Rows: rows, CanWrite: can(r, auth.MemberWrite)}
	if d.CanWrite {
		for range 3 {
			d.Rows = append(d.Rows, view.ActivityKindRow{Sort: strconv.Itoa(len(d.Rows) + 1)})
		}
	}
	if err != nil {
		d.Errs, d.Msg = app.ErrorFields(err), fieldlessMessage(err)
	}
	return render(w, r, status, view.ActivityKindsPage(page(r, "履职活动类型", "duty"), d))
}

func (s *Server) activityKinds(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.db.FindActivityKindList(r.Context(), actor(r), 0)
	if err != nil {
		return err
	}
	return s.renderActivityKinds(w, r, http.StatusOK, activityKindRows(ks), nil)
}

func (s *Server) activityKindsSave(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	n := min(max(f.Int("n"), 0), 200)
	type row struct {
		sort int
		view.ActivityKindRow
	}
	var rows []row
	for i := range n {
		k := strconv.Itoa(i)
		v := view.ActivityKindRow{Code: f.Str("code_" + k), Label: f.Str("label_" + k), Sort: f.Str("sort_" + k),
			Archived: f.Bool("archived_" + k)}
		if v.Code == "" && v.Label == "" {
			continue
		}
		sort, serr := strconv.Atoi(v.Sort)
		if serr != nil {
			sort = i + 1
		}
		rows = append(rows, row{sort, v})
	}
	slices.SortStableFunc(rows, func(a, b row) int { return a.sort - b.sort })
	var items []store.ActivityKindItem
	var typed []view.ActivityKindRow
	for _, x := range rows {
		items = append(items, store.ActivityKindItem{Code: x.Code, Label: x.Label, Archived: x.Archived})
		typed = append(typed, x.ActivityKindRow)
	}
	if len(f.Errs) > 0 {
		return s.renderActivityKinds(w, r, http.StatusUnprocessableEntity, typed, f.Errs.Err())
	}
	if _, err := s.db.SaveActivityKinds(r.Context(), actor(r), 0, items); err != nil {
		if !formError(err) {
			return err
		}
		return s.renderActivityKinds(w, r, formStatus(err), typed, err)
	}
	return redirect(w, r, "/activities/kinds?ok=saved")
}

// --- API ---

func (s *Server) apiActivityList(w http.ResponseWriter, r *http.Request) error {
	offset, limit := apiPage(r)
	f := activityFilter(r)
	f.Offset, f.Limit = offset, limit
	list, total, err := s.db.FindActivities(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiList[store.Activity]{Items: list, Total: total, Offset: offset, Limit: limit})
	return nil
}

func (s *Server) apiActivityCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.ActivityInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.db.CreateActivity(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) apiActivityGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.db.FindActivity(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiActivityUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindActivity(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in store.ActivityInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.db.UpdateActivity(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiActivityDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.DeleteActivity(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
