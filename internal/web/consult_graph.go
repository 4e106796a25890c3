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

// The topic workflow editor (议题流程): a committee's states and
// transitions as two editable tables; saving validates the whole graph.

func (s *Server) consultGraphRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/consult/graph", Perm: auth.ConsultRead, Handle: s.graphShow},
		{Method: "POST", Pattern: "/consult/graph", Perm: auth.ConsultWrite, Handle: s.graphSave},
		{Method: "POST", Pattern: "/consult/graph/reset", Perm: auth.ConsultWrite, Handle: s.graphReset},
		{Method: "GET", Pattern: "/api/v1/consult/graph", Perm: auth.ConsultRead, API: true, Doc: &APIDoc{Tag: "协商",
			Summary:  "本政协（committee_id 指定下级政协）的议题流程：状态、流转、可操作角色和前提条件",
			Response: workflow.Graph{}, Query: []APIParam{{Name: "committee_id", Type: "integer", Description: "政协，缺省为本账号所属政协"}}},
			Handle: s.apiGraphGet},
		{Method: "PUT", Pattern: "/api/v1/consult/graph", Perm: auth.ConsultWrite, API: true, Doc: &APIDoc{Tag: "协商",
			Summary: "保存议题流程（整体校验；仍有议题处于某状态时不能删除该状态）", Request: workflow.Graph{},
			Response: workflow.Graph{}, Query: []APIParam{{Name: "committee_id", Type: "integer", Description: "政协，缺省为本账号所属政协"}}},
			Handle: s.apiGraphPut},
	}
}

// graphCommittee is the committee whose graph is shown: ?committee_id or
// the account's own.
func graphCommittee(r *http.Request) int64 {
	if id := queryID(r, "committee_id"); id != 0 {
		return id
	}
	return state(r).account.CommitteeID
}

func (s *Server) graphShow(w http.ResponseWriter, r *http.Request) error {
	committee := graphCommittee(r)
	if committee == 0 {
		return app.Errorf(app.EINVALID, "请在地址中指定政协（committee_id）")
	}
	g, own, err := s.db.FindGraph(r.Context(), actor(r), committee, store.GraphKindTopic)
	if err != nil {
		return err
	}
	return s.renderGraph(w, r, http.StatusOK, committee, g, own, "", nil)
}

func graphRoleOptions() []view.Option {
	var out []view.Option
	for _, code := range consult.Roles {
		out = append(out, view.Option{Value: code, Label: auth.Role(code).Label()})
	}
	return out
}

func requirementOptions() []view.Option {
	var out []view.Option
	for code, label := range consult.Requirements {
		out = append(out, view.Option{Value: code, Label: label})
	}
	slices.SortFunc(out, func(a, b view.Option) int { return strings.Compare(a.Value, b.Value) })
	return out
}

func (s *Server) renderGraph(w http.ResponseWriter, r *http.Request, status int, committee int64, g workflow.Graph, own bool, msg string, errs app.FieldErrors) error {
	c, err := s.db.FindOrgByID(r.Context(), actor(r), committee)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	d := view.GraphEditor{Committee: committee, CommitteeName: c.Name, Own: own, CanWrite: can(r, auth.ConsultWrite),
		Msg: msg, Errs: errs, Initial: g.Initial, Roles: graphRoleOptions(), Requirements: requirementOptions()}
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
	return render(w, r, status, view.GraphEditorPage(page(r, "议题流程", "topics"), d))
}

// graphFromForm reads the two tables; rows with an empty code (states) or
// empty ends (transitions) are blank and skipped.
func graphFromForm(r *http.Request, f *form) workflow.Graph {
	g := workflow.Graph{Kind: store.GraphKindTopic, Initial: f.Str("initial")}
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

func (s *Server) graphSave(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	committee := f.ID("committee_id")
	g := graphFromForm(r, f)
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
		return s.renderGraph(w, r, formStatus(err), committee, g, true, msg, app.ErrorFields(err))
	}
	return redirect(w, r, "/consult/graph?committee_id="+app.Itoa(committee)+"&ok=saved")
}

func (s *Server) graphReset(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	committee := f.ID("committee_id")
	if err := s.db.ResetGraph(r.Context(), actor(r), committee, store.GraphKindTopic); err != nil {
		if !formError(err) {
			return err
		}
		g, own, ferr := s.db.FindGraph(r.Context(), actor(r), committee, store.GraphKindTopic)
		if ferr != nil {
			return ferr
		}
		return s.renderGraph(w, r, formStatus(err), committee, g, own, app.ErrorMessage(err), app.ErrorFields(err))
	}
	return redirect(w, r, "/consult/graph?committee_id="+app.Itoa(committee)+"&ok=saved")
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
