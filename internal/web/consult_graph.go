package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/workflow"
)

// The workflow editors (议题流程, 提案办理流程): a committee's states and
// transitions as two editable tables; saving validates the whole graph.
// One editor serves every kind of graph; a graphKind says what differs.

// graphKind is what differs between the editors of the graph kinds.
type graphKind struct {
	kind         string // store.GraphKindTopic, store.GraphKindProposal
	path         string // the editor's page; reset is path + "/reset"
	title        string
	nav          string
	back         string // the list the page belongs to
	backLabel    string
	write        auth.Permission
	roles        []string
	requirements map[string]string
	ownNote      string // shown when the committee has its own graph
	builtInNote  string // shown while the built-in one applies
	initialHint  string // what the initial state is
}

var topicGraphKind = graphKind{kind: store.GraphKindTopic, path: "/consult/graph", title: "议题流程", nav: "topics",
	back: "/topics", backLabel: "协商议题", write: auth.ConsultWrite, roles: consult.Roles, requirements: consult.Requirements,
	ownNote:     "本政协已自定义流程；乡镇(街道)、村(社区)的议题也按此流程办理。",
	builtInNote: "目前使用平台内置流程（议题征集 → 选定 → 主体确定 → 调研视察 → 协商议事 → 成果形成 → 报送交办 → 落实反馈 → 办结）。",
	initialHint: "初始状态（新议题所处的状态）"}

// graphRoutes are the editor's page, save and reset for a kind.
func (s *Server) graphRoutes(k graphKind, read auth.Permission) []Route {
	return []Route{
		{Method: "GET", Pattern: k.path, Perm: read, Handle: func(w http.ResponseWriter, r *http.Request) error { return s.graphShow(w, r, k) }},
		{Method: "POST", Pattern: k.path, Perm: k.write, Handle: func(w http.ResponseWriter, r *http.Request) error { return s.graphSave(w, r, k) }},
		{Method: "POST", Pattern: k.path + "/reset", Perm: k.write, Handle: func(w http.ResponseWriter, r *http.Request) error { return s.graphReset(w, r, k) }},
	}
}

func (s *Server) consultGraphRoutes() []Route {
	return append(s.graphRoutes(topicGraphKind, auth.ConsultRead), []Route{
		{Method: "GET", Pattern: "/api/v1/consult/graph", Perm: auth.ConsultRead, API: true, Doc: &APIDoc{Tag: "协商",
			Summary:  "本政协（committee_id 指定下级政协）的议题流程：状态、流转、可操作角色和前提条件",
			Response: workflow.Graph{}, Query: []APIParam{{Name: "committee_id", Type: "integer", Description: "政协，缺省为本账号所属政协"}}},
			Handle: s.apiGraphGet},
		{Method: "PUT", Pattern: "/api/v1/consult/graph", Perm: auth.ConsultWrite, API: true, Doc: &APIDoc{Tag: "协商",
			Summary: "保存议题流程（整体校验；仍有议题处于某状态时不能删除该状态）", Request: workflow.Graph{},
			Response: workflow.Graph{}, Query: []APIParam{{Name: "committee_id", Type: "integer", Description: "政协，缺省为本账号所属政协"}}},
			Handle: s.apiGraphPut},
	}...)
}

// graphCommittee is the committee whose graph is shown: ?committee_id or
// the account's own.
func graphCommittee(r *http.Request) int64 {
	if id := queryID(r, "committee_id"); id != 0 {
		return id
	}
	return state(r).account.CommitteeID
}

func (s *Server) graphShow(w http.ResponseWriter, r *http.Request, k graphKind) error {
	committee := graphCommittee(r)
	if committee == 0 {
		return app.Errorf(app.EINVALID, "请在地址中指定政协（committee_id）")
	}
	g, own, err := s.db.FindGraph(r.Context(), actor(r), committee, k.kind)
	if err != nil {
		return err
	}
	return s.renderGraph(w, r, http.StatusOK, k, committee, g, own, "", nil)
}

func graphRoleOptions(roles []string) []view.Option {
	var out []view.Option
	for _, code := range roles {
		out = append(out, view.Option{Value: code, Label: auth.Role(code).Label()})
	}
	return out
}

func requirementOptions(reqs map[string]string) []view.Option {
	var out []view.Option
	for code, label := range reqs {
		out = append(out, view.Option{Value: code, Label: label})
	}
	slices.SortFunc(out, func(a, b view.Option) int { return strings.Compare(a.Value, b.Value) })
	return out
}

func (s *Server) renderGraph(w http.ResponseWriter, r *http.Request, status int, k graphKind, committee int64, g workflow.Graph, own bool, msg string, errs app.FieldErrors) error {
	c, err := s.db.FindOrgByID(r.Context(), actor(r), committee)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	d := view.GraphEditor{Committee: committee, CommitteeName: c.Name, Own: own, CanWrite: can(r, k.write),
		Msg: msg, Errs: errs, Initial: g.Initial, Roles: graphRoleOptions(k.roles), Requirements: requirementOptions(k.requirements),
		Title: k.title, Action: k.path, Back: k.back, BackLabel: k.backLabel, OwnNote: k.ownNote, BuiltInNote: k.builtInNote,
		InitialHint: k.initialHint}
	if d.CommitteeName == "" {
		d.CommitteeName = "本政协"
	}
	for _, st := range g.States {
		d.States = append(d.States, view.GraphState{Code: st.Code, Label: st.Label, Progress: strconv.Itoa(st.Progress),
			DueDays: strconv.Itoa(st.DueDays), Final: st.Final})
	}
	for _, t := range g.Transitions {
		d.Transitions = append(d.Transitions, view.GraphTransition{From: t.From, To: t.To, Label: t.Label,
			Roles: strings.Join(t.Roles, ","), Requires: strings.Join(t.Requires, ",")})
	}
	for range 3 { // blank rows to add
		d.States = append(d.States, view.GraphState{})
		d.Transitions = append(d.Transitions, view.GraphTransition{})
	}
	return render(w, r, status, view.GraphEditorPage(page(r, k.title, k.nav), d))
}

// graphFromForm reads the two tables; rows with an empty code (states) or
// empty ends (transitions) are blank and skipped.
func graphFromForm(r *http.Request, f *form, kind string) workflow.Graph {
	g := workflow.Graph{Kind: kind, Initial: f.Str("initial")}
	p := r.PostForm
	num := func(field, v, what string, row int) int {
		v = strings.TrimSpace(v)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Errs.Add(field, "第"+strconv.Itoa(row)+"个状态的"+what+"应为整数")
		}
		return n
	}
	codes := p["state_code"]
	for i := range codes {
		code := strings.TrimSpace(codes[i])
		if code == "" {
			continue
		}
		st := workflow.State{Code: code, Label: strings.TrimSpace(at(p["state_label"], i)),
			Progress: num("states", at(p["state_progress"], i), "进度", i+1),
			DueDays:  num("states", at(p["state_due"], i), "时限天数", i+1),
			Final:    at(p["state_final"], i) == "1"}
		g.States = append(g.States, st)
	}
	froms := p["tr_from"]
	for i := range froms {
		from, to := strings.TrimSpace(froms[i]), strings.TrimSpace(at(p["tr_to"], i))
		if from == "" && to == "" {
			continue
		}
		g.Transitions = append(g.Transitions, workflow.Transition{From: from, To: to,
			Label: strings.TrimSpace(at(p["tr_label"], i)), Roles: codeList(at(p["tr_roles"], i)),
			Requires: codeList(at(p["tr_requires"], i))})
	}
	return g
}

func at(vs []string, i int) string {
	if i < len(vs) {
		return vs[i]
	}
	return ""
}

// codeList splits "office, coordinator" (also with 、 or ，) into codes.
func codeList(s string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
		out = append(out, c)
	}
	return out
}

func (s *Server) graphSave(w http.ResponseWriter, r *http.Request, k graphKind) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	committee := f.ID("committee_id")
	g := graphFromForm(r, f, k.kind)
	if len(f.Errs) == 0 {
		err = s.db.SaveGraph(r.Context(), actor(r), committee, g)
	} else {
		err = f.Errs.Err()
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		msg := ""
		if len(app.ErrorFields(err)) == 0 {
			msg = app.ErrorMessage(err)
		}
		return s.renderGraph(w, r, formStatus(err), k, committee, g, true, msg, app.ErrorFields(err))
	}
	return redirect(w, r, k.path+"?committee_id="+app.Itoa(committee)+"&ok=saved")
}

func (s *Server) graphReset(w http.ResponseWriter, r *http.Request, k graphKind) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	committee := f.ID("committee_id")
	if err := s.db.ResetGraph(r.Context(), actor(r), committee, k.kind); err != nil {
		if !formError(err) {
			return err
		}
		g, own, ferr := s.db.FindGraph(r.Context(), actor(r), committee, k.kind)
		if ferr != nil {
			return ferr
		}
		return s.renderGraph(w, r, formStatus(err), k, committee, g, own, app.ErrorMessage(err), app.ErrorFields(err))
	}
	return redirect(w, r, k.path+"?committee_id="+app.Itoa(committee)+"&ok=saved")
}

func (s *Server) apiGraphGet(w http.ResponseWriter, r *http.Request) error {
	g, _, err := s.db.FindGraph(r.Context(), actor(r), graphCommittee(r), store.GraphKindTopic)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) apiGraphPut(w http.ResponseWriter, r *http.Request) error {
	var g workflow.Graph
	if err := decodeJSON(r, &g); err != nil {
		return err
	}
	if g.Kind == "" {
		g.Kind = store.GraphKindTopic
	}
	committee := graphCommittee(r)
	if err := s.db.SaveGraph(r.Context(), actor(r), committee, g); err != nil {
		return err
	}
	g, _, err := s.db.FindGraph(r.Context(), actor(r), committee, store.GraphKindTopic)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}
