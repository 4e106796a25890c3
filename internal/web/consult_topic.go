package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/workflow"
)

// Consultation topics: the list with its filters, and the forms to raise
// and edit a topic. The topic page and the work done on a topic are in
// consult_topic_show.go; the graph editor in consult_graph.go; the
// figures in consult_stats.go.

func (s *Server) consultTopicRoutes() []Route {
	read := auth.ConsultRead
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "协商"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	topicQ := append([]APIParam{{Name: "org_id", Type: "integer", Description: "组织（含下级）"},
		{Name: "year", Type: "integer", Description: "年度"}, {Name: "state", Type: "string", Description: "状态代码"},
		{Name: "form", Type: "string", Description: "协商形式代码"}, {Name: "campaign_id", Type: "integer", Description: "议题征集活动"},
		{Name: "plan_id", Type: "integer", Description: "年度协商计划"}, {Name: "parent_id", Type: "integer", Description: "上级部署的议题"},
		{Name: "overdue", Type: "string", Description: "1：仅当前环节超期的议题"}, {Name: "q", Type: "string", Description: "议题名称包含"}},
		pageParams...)
	return []Route{
		{Method: "GET", Pattern: "/topics", Perm: read, Cache: cacheData, Handle: s.topicList},
		{Method: "GET", Pattern: "/topics/new", Perm: read, Handle: s.topicNew},
		{Method: "POST", Pattern: "/topics", Perm: read, Handle: s.topicCreate},
		{Method: "GET", Pattern: "/topics/{id}/edit", Perm: read, Handle: s.topicEdit},
		{Method: "POST", Pattern: "/topics/{id}/edit", Perm: read, Handle: s.topicUpdate},
		api("GET", "/topics", read, APIDoc{Summary: "议题列表（本账号管辖范围内），按年度、计划月份排列",
			Response: apiList[store.Topic]{}, Query: topicQ}, s.apiTopicList),
		api("POST", "/topics", read, APIDoc{Summary: "提出议题（机关、议事室联络员；委员账号只能以本人名义提出），进入流程的初始状态",
			Request: consult.TopicInput{}, Response: store.Topic{}, Status: http.StatusCreated}, s.apiTopicCreate),
		api("PATCH", "/topics/{id}", read, APIDoc{Summary: "修改议题名称、说明、形式、牵头专委会、计划月份（须提交这些字段的全部）",
			Request: consult.TopicInput{}, Response: store.Topic{}}, s.apiTopicUpdate),
	}
}

const topicPageSize = 50

// topicFilter reads the list's filters from the query.
func topicFilter(r *http.Request) store.TopicFilter {
	q := r.URL.Query()
	f := store.TopicFilter{OrgID: queryID(r, "org_id"), Year: queryInt(r, "year", 0, 2100), State: q.Get("state"),
		CampaignID: queryID(r, "campaign_id"), PlanID: queryID(r, "plan_id"), ParentID: queryID(r, "parent_id"),
		Overdue: q.Get("overdue") == "1", Query: q.Get("q"), Offset: queryInt(r, "offset", 0, 1_000_000_000),
		Limit: topicPageSize}
	if fm, ok := consult.ParseForm(q.Get("form")); ok {
		f.Form = fm
	}
	return f
}

func (s *Server) topicList(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	f := topicFilter(r)
	ts, total, err := s.db.FindTopics(ctx, a, f)
	if err != nil {
		return err
	}
	g, err := s.graphOrBuiltIn(ctx, a)
	if err != nil {
		return err
	}
	orgFields, err := s.orgFilter(r, "org_id", "组织", "全部")
	if err != nil {
		return err
	}
	d := view.TopicList{CanRaise: can(r, auth.ConsultWrite) || can(r, auth.RoomWrite) || memberAccount(r),
		CanManage: can(r, auth.ConsultWrite)}
	for _, t := range ts {
		d.Rows = append(d.Rows, s.topicRow(t))
	}
	states := []view.Option{{Label: "全部"}}
	for _, st := range g.States {
		states = append(states, view.Option{Value: st.Code, Label: st.Label})
	}
	d.Filters = append(append([]view.Field{{Name: "q", Label: "议题名称", Value: q.Get("q")}}, orgFields...), []view.Field{
		{Name: "year", Label: "年度", Value: q.Get("year"), Options: yearOptions(s.db.Today().Y)},
		{Name: "state", Label: "状态", Value: q.Get("state"), Options: states},
		{Name: "form", Label: "协商形式", Value: q.Get("form"), Options: formOptions("全部")},
		{Name: "overdue", Label: "超期", Value: q.Get("overdue"), Options: []view.Option{{Label: "全部"}, {Value: "1", Label: "仅超期"}}},
	}...)
	rest := url.Values{}
	for k, v := range q {
		if k != "offset" {
			rest[k] = v
		}
	}
	d.Pager = view.Pager{Total: total, Offset: f.Offset, Limit: topicPageSize, Query: rest, Path: "/topics"}
	d.Export = "/consult/topics.xlsx?" + rest.Encode()
	return render(w, r, http.StatusOK, view.TopicListPage(page(r, "协商议题", "topics"), d))
}

func (s *Server) topicRow(t store.Topic) view.TopicRow {
	row := view.TopicRow{ID: t.ID, Title: t.Title, Org: t.OrgName, Tier: org.Kind(t.OrgKind).Label(), Year: t.Year,
		Form: t.Form.Label(), Source: t.Source.Label(), State: t.StateLabel, Progress: t.Progress, Overdue: t.Overdue}
	if t.PlannedMonth > 0 {
		row.Month = strconv.Itoa(t.PlannedMonth) + "月"
	}
	if !t.Due.IsZero() {
		row.Due = t.Due.In(s.db.Loc).Format("2006-01-02")
	}
	return row
}

func yearOptions(this int) []view.Option {
	out := []view.Option{{Label: "全部"}}
	for y := this + 1; y >= this-5; y-- {
		out = append(out, view.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y) + "年"})
	}
	return out
}

func formOptions(none string) []view.Option {
	out := []view.Option{{Label: none}}
	for _, f := range consult.Forms {
		out = append(out, view.Option{Value: string(f), Label: f.Label()})
	}
	return out
}

// orgTreeOrder puts organisations (ordered by depth) into tree order: each
// followed by its children.
func orgTreeOrder(os []org.Org) []org.Org {
	children := map[int64][]org.Org{}
	ids := map[int64]bool{}
	for _, o := range os {
		ids[o.ID] = true
	}
	var roots []org.Org
	for _, o := range os {
		if ids[o.ParentID] {
			children[o.ParentID] = append(children[o.ParentID], o)
		} else {
			roots = append(roots, o)
		}
	}
	out := make([]org.Org, 0, len(os))
	var walk func(o org.Org)
	walk = func(o org.Org) {
		out = append(out, o)
		for _, c := range children[o.ID] {
			walk(c)
		}
	}
	for _, o := range roots {
		walk(o)
	}
	return out
}

// --- new and edit ---

func (s *Server) topicNew(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	acc := state(r).account
	if v.Get("org_id") == "" && acc.OrgID != 0 {
		v.Set("org_id", app.Itoa(acc.OrgID))
	}
	if v.Get("year") == "" {
		v.Set("year", strconv.Itoa(s.db.Today().Y))
	}
	if v.Get("source") == "" {
		switch {
		case memberAccount(r):
			v.Set("source", string(consult.FromMember))
		case acc.Role == auth.Coordinator:
			v.Set("source", string(consult.FromRoom))
		default:
			v.Set("source", string(consult.FromOffice))
		}
	}
	return s.renderTopicForm(w, r, http.StatusOK, 0, v, "", nil)
}

func (s *Server) topicEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.db.FindTopicByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	v := url.Values{"org_id": {app.Itoa(t.OrgID)}, "year": {strconv.Itoa(t.Year)}, "title": {t.Title},
		"description": {t.Description}, "form": {string(t.Form)}, "lead_committee_id": {idOrEmpty(t.LeadCommitteeID)},
		"planned_month": {monthOrEmpty(t.PlannedMonth)}, "source": {string(t.Source)}}
	return s.renderTopicForm(w, r, http.StatusOK, id, v, "", nil)
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return app.Itoa(id)
}

func monthOrEmpty(m int) string {
	if m == 0 {
		return ""
	}
	return strconv.Itoa(m)
}

func (s *Server) renderTopicForm(w http.ResponseWriter, r *http.Request, status int, id int64, v url.Values, msg string, errs app.FieldErrors) error {
	ctx, a := r.Context(), actor(r)
	committee := state(r).account.CommitteeID
	var leads []view.Option
	if committee != 0 {
		scs, err := s.db.FindSpecialCommittees(ctx, a, committee)
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
			return err
		}
		for _, sc := range scs {
			leads = append(leads, view.Option{Value: app.Itoa(sc.ID), Label: sc.Name})
		}
	}
	months := []view.Option{{Label: "未定"}}
	for m := 1; m <= 12; m++ {
		months = append(months, view.Option{Value: strconv.Itoa(m), Label: strconv.Itoa(m) + "月"})
	}
	var sources []view.Option
	for _, src := range consult.Sources {
		if src == consult.FromLower || src == consult.FromUpper {
			continue // set by escalation and push-down only
		}
		sources = append(sources, view.Option{Value: string(src), Label: src.Label()})
	}
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(errs, f)
	}
	d := view.TopicForm{ID: id, Msg: msg, Errs: errs}
	if id == 0 {
		f, err := s.orgField(r, fe(view.Field{Name: "org_id", Label: "议题所属组织", Required: true,
			Hint: "议题在哪一级协商：市、县(区)政协，乡镇(街道)或村(社区)"}), "请选择", "/topics/new")
		if err != nil {
			return err
		}
		d.Fields = append(d.Fields, f)
	}
	d.Fields = append(d.Fields,
		fe(view.Field{Name: "year", Label: "年度", Type: "number", Required: true}),
		fe(view.Field{Name: "title", Label: "议题名称", Required: true, Attrs: map[string]string{"maxlength": "80"}}),
		fe(view.Field{Name: "description", Label: "议题说明", Type: "textarea", Hint: "背景、要解决的问题、建议的协商方式"}),
		fe(view.Field{Name: "form", Label: "协商形式", Options: formOptions("未定")}),
		fe(view.Field{Name: "lead_committee_id", Label: "牵头专门委员会", Options: append([]view.Option{{Label: "—"}}, leads...)}),
		fe(view.Field{Name: "planned_month", Label: "计划月份", Options: months}),
	)
	if id == 0 && !memberAccount(r) {
		d.Fields = append(d.Fields,
			fe(view.Field{Name: "source", Label: "议题来源", Required: true, Options: sources}),
			fe(view.Field{Name: "source_name", Label: "建议人或单位", Hint: "群众建议可不填姓名"}),
			fe(view.Field{Name: "source_phone", Label: "联系电话", Type: "tel"}),
		)
	}
	title := "提出议题"
	if id != 0 {
		title = "修改议题"
	}
	return render(w, r, status, view.TopicFormPage(page(r, title, "topics"), d))
}

func topicInputFrom(f *form) consult.TopicInput {
	return consult.TopicInput{OrgID: f.ID("org_id"), Year: f.Int("year"), Title: f.Str("title"),
		Description: f.Str("description"), Form: consult.Form(f.Str("form")), LeadCommitteeID: f.ID("lead_committee_id"),
		PlannedMonth: f.Int("planned_month"), Source: consult.Source(f.Str("source")), SourceName: f.Str("source_name"),
		SourcePhone: f.Str("source_phone")}
}

func (s *Server) topicCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	t, err := s.db.CreateTopic(r.Context(), actor(r), topicInputFrom(f))
	if err != nil {
		return s.topicFormFailed(w, r, 0, f, err)
	}
	return redirect(w, r, "/topics/"+app.Itoa(t.ID)+"?ok=created")
}

func (s *Server) topicUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if _, err := s.db.UpdateTopic(r.Context(), actor(r), id, topicInputFrom(f)); err != nil {
		return s.topicFormFailed(w, r, id, f, err)
	}
	return redirect(w, r, "/topics/"+app.Itoa(id)+"?ok=saved")
}

func (s *Server) topicFormFailed(w http.ResponseWriter, r *http.Request, id int64, f *form, err error) error {
	err = f.merge(err)
	if !formError(err) {
		return err
	}
	msg := ""
	if len(app.ErrorFields(err)) == 0 {
		msg = app.ErrorMessage(err)
	}
	return s.renderTopicForm(w, r, formStatus(err), id, r.PostForm, msg, app.ErrorFields(err))
}

// --- API ---

func (s *Server) apiTopicList(w http.ResponseWriter, r *http.Request) error {
	f := topicFilter(r)
	f.Limit = queryInt(r, "limit", topicPageSize, 200)
	ts, total, err := s.db.FindTopics(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []store.Topic{}
	}
	writeJSON(w, http.StatusOK, apiList[store.Topic]{Items: ts, Total: total, Offset: f.Offset, Limit: f.Limit})
	return nil
}

func (s *Server) apiTopicCreate(w http.ResponseWriter, r *http.Request) error {
	var in consult.TopicInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.db.CreateTopic(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiTopicUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in consult.TopicInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.db.UpdateTopic(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// graphOrBuiltIn is the actor's committee graph, or the built-in one for
// an account bound to no committee.
func (s *Server) graphOrBuiltIn(ctx context.Context, a app.Actor) (workflow.Graph, error) {
	g, _, err := s.db.FindGraph(ctx, a, 0, store.GraphKindTopic)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return consult.TopicGraph(), nil
	}
	return g, err
}
