package web

// The JSON API of pairing assistance: cadres, households and persons
// (masked; a reveal is a POST with a reason by the paired cadre), pairings
// and handovers, the committee's rules, visits (households and enterprises),
// problems and the due list.

import (
	"net/http"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
	"xieshang/internal/store"
)

func (s *Server) assistHouseAPIRoutes() []Route {
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "结对帮扶"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	rd, wr, vi := auth.AssistRead, auth.AssistWrite, auth.AssistVisit
	purpose := APIParam{Name: "purpose", Type: "string", Description: "查看事由（写入审计日志；缺省为“查看帮扶对象档案”）"}
	return []Route{
		api("GET", "/cadres", rd, APIDoc{Summary: "帮扶干部（电话已脱敏）", Response: []store.Cadre{},
			Query: []APIParam{{Name: "org_id", Type: "integer"}, {Name: "active", Type: "integer", Description: "1：只列在岗的"}}},
			s.apiCadreList),
		api("POST", "/cadres", wr, APIDoc{Summary: "登记帮扶干部（可关联委员 member_id、帮扶干部账号 account_id）",
			Request: store.CadreInput{}, Response: store.Cadre{}, Status: http.StatusCreated}, s.apiCadreCreate),
		api("PUT", "/cadres/{id}", wr, APIDoc{Summary: "修改帮扶干部", Request: store.CadreInput{}, Response: store.Cadre{}},
			s.apiCadreUpdate),
		api("POST", "/cadres/{id}/leave", wr, APIDoc{Summary: "帮扶干部离岗：其全部结对移交给 successor_id（为0则结束）",
			Request: apiCadreLeaveBody{}, Response: store.Cadre{}}, s.apiCadreLeave),
		api("GET", "/households", rd, APIDoc{Summary: "帮扶对象名单（身份证号码、电话已脱敏；每次查询写一条审计记录）",
			Response: apiHouseholdPage{}, Query: []APIParam{{Name: "org_id", Type: "integer"},
				{Name: "category", Type: "string", Description: "类别代码，如 orphan"},
				{Name: "paired", Type: "string", Description: "yes 或 no"}, {Name: "q", Type: "string"},
				{Name: "offset", Type: "integer"}, {Name: "limit", Type: "integer"}, purpose}}, s.apiHouseholdList),
		api("POST", "/households", wr, APIDoc{Summary: "登记帮扶对象户", Request: store.HouseholdInput{},
			Response: store.Household{}, Status: http.StatusCreated}, s.apiHouseholdCreate),
		api("GET", "/households/{id}", rd, APIDoc{Summary: "帮扶对象户及其成员（脱敏；每次查看写一条审计记录）",
			Response: store.Household{}, Query: []APIParam{purpose}}, s.apiHouseholdShow),
		api("PUT", "/households/{id}", wr, APIDoc{Summary: "修改帮扶对象户", Request: store.HouseholdInput{},
			Response: store.Household{}}, s.apiHouseholdUpdate),
		api("POST", "/households/{id}/persons", wr, APIDoc{Summary: "新增家庭成员（身份证号码按 GB 11643 校验，本政协内不得重复）",
			Request: store.PersonInput{}, Response: store.Person{}, Status: http.StatusCreated}, s.apiPersonCreate),
		api("PUT", "/households/{id}/persons/{pid}", wr, APIDoc{Summary: "修改家庭成员", Request: store.PersonInput{},
			Response: store.Person{}}, s.apiPersonUpdate),
		api("POST", "/persons/{id}/reveal", rd, APIDoc{Summary: "结对干部查看成员完整身份证号码和户电话（须填写事由，写入审计日志）",
			Request: apiRevealBody{}, Response: store.Revealed{}}, s.apiPersonReveal),
		api("GET", "/pairings", rd, APIDoc{Summary: "结对帮扶和包联企业关系", Response: []store.Pairing{},
			Query: []APIParam{{Name: "cadre_id", Type: "integer"}, {Name: "household_id", Type: "integer"},
				{Name: "enterprise_id", Type: "integer"}, {Name: "kind", Type: "string", Description: "household 或 enterprise"},
				{Name: "active", Type: "integer"}}}, s.apiPairingList),
		api("POST", "/pairings", wr, APIDoc{Summary: "建立结对（household_id）或包联（enterprise_id），受本政协结对规则约束",
			Request: store.PairingInput{}, Response: store.Pairing{}, Status: http.StatusCreated}, s.apiPairingCreate),
		api("POST", "/pairings/{id}/end", wr, APIDoc{Summary: "结束结对", Request: apiPairingEndBody{}, Response: store.Pairing{}},
			s.apiPairingEnd),
		api("POST", "/pairings/{id}/handover", wr, APIDoc{Summary: "移交结对给另一名干部（原结对结束，新结对记录 handed_from）",
			Request: apiHandoverBody{}, Response: store.Pairing{}}, s.apiPairingHandover),
		api("GET", "/assist/rules", rd, APIDoc{Summary: "本政协结对帮扶规则（未设置时为默认规则）", Response: assist.Rules{}},
			s.apiRulesShow),
		api("PUT", "/assist/rules", wr, APIDoc{Summary: "修改本政协结对帮扶规则", Request: assist.Rules{}, Response: assist.Rules{}},
			s.apiRulesSave),
		api("GET", "/visits", rd, APIDoc{Summary: "走访记录（含慰问物资、照片）", Response: []store.AssistVisit{},
			Query: []APIParam{{Name: "household_id", Type: "integer"}, {Name: "enterprise_id", Type: "integer"},
				{Name: "cadre_id", Type: "integer"}, {Name: "campaign_id", Type: "integer"},
				{Name: "kind", Type: "string"}, {Name: "from", Type: "string"}, {Name: "to", Type: "string"}}}, s.apiVisitList),
		api("POST", "/visits", vi, APIDoc{Summary: "登记走访（帮扶对象或企业；企业须写 reason；慰问物资 aid 的金额 yuan 或 value_fen）",
			Request: store.AssistVisitInput{}, Response: store.AssistVisit{}, Status: http.StatusCreated}, s.apiVisitCreate),
		api("GET", "/problems", rd, APIDoc{Summary: "问题清单（帮扶对象、企业、遍访）", Response: apiProblemPage{},
			Query: []APIParam{{Name: "org_id", Type: "integer"}, {Name: "status", Type: "string", Description: "open, in_progress, solved, unsolvable, active"},
				{Name: "kind", Type: "string", Description: "household, enterprise, campaign"}, {Name: "from", Type: "string"},
				{Name: "to", Type: "string"}, {Name: "offset", Type: "integer"}, {Name: "limit", Type: "integer"}}}, s.apiProblemList),
		api("POST", "/problems", vi, APIDoc{Summary: "登记问题（在走访中 visit_id，或直接为帮扶对象、企业、遍访登记）",
			Request: store.ProblemInput{}, Response: store.Problem{}, Status: http.StatusCreated}, s.apiProblemCreate),
		api("POST", "/problems/{id}/status", vi, APIDoc{Summary: "变更问题状态（办结须填写 resolution 和 resolved_on）",
			Request: store.ProblemChange{}, Response: store.Problem{}}, s.apiProblemChange),
		api("GET", "/assist/due", rd, APIDoc{Summary: "各帮扶干部应走访和逾期未走访的户", Response: []assist.CadreDue{}},
			s.apiDueList),
	}
}

type apiCadreLeaveBody struct {
	LeftOn      app.Date `json:"left_on"`
	SuccessorID int64    `json:"successor_id"`
	Reason      string   `json:"reason"`
}

type apiRevealBody struct {
	Reason string `json:"reason"`
}

type apiPairingEndBody struct {
	EndsOn app.Date `json:"ends_on"`
	Reason string   `json:"reason"`
}

type apiHandoverBody struct {
	ToCadreID int64    `json:"to_cadre_id"`
	On        app.Date `json:"on"`
	Reason    string   `json:"reason"`
}

type apiHouseholdPage struct {
	Total int               `json:"total"`
	Items []store.Household `json:"items"`
}

type apiProblemPage struct {
	Total int             `json:"total"`
	Items []store.Problem `json:"items"`
}

func assistQueryDate(r *http.Request, name string) app.Date {
	d, _ := app.ParseDate(r.URL.Query().Get(name))
	return d
}

func assistJSON[T any](w http.ResponseWriter, status int, v T, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

func assistNonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (s *Server) apiCadreList(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.db.FindCadres(r.Context(), actor(r), store.CadreFilter{OrgID: queryID(r, "org_id"),
		Active: r.URL.Query().Get("active") == "1"})
	return assistJSON(w, http.StatusOK, assistNonNil(cs), err)
}

func (s *Server) apiCadreCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.CadreInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.db.CreateCadre(r.Context(), actor(r), in)
	return assistJSON(w, http.StatusCreated, c, err)
}

func (s *Server) apiCadreUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in store.CadreInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.db.UpdateCadre(r.Context(), actor(r), id, in)
	return assistJSON(w, http.StatusOK, c, err)
}

func (s *Server) apiCadreLeave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiCadreLeaveBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.db.CadreLeaves(r.Context(), actor(r), id, in.LeftOn, in.SuccessorID, in.Reason)
	return assistJSON(w, http.StatusOK, c, err)
}

func householdFilter(r *http.Request) store.HouseholdFilter {
	q := r.URL.Query()
	return store.HouseholdFilter{OrgID: queryID(r, "org_id"), Category: q.Get("category"), Paired: q.Get("paired"),
		Query: q.Get("q"), Offset: queryInt(r, "offset", 0, 1<<30), Limit: queryInt(r, "limit", 50, 500)}
}

func purposeOf(r *http.Request) string {
	if p := r.URL.Query().Get("purpose"); p != "" {
		return p
	}
	return store.DefaultViewPurpose
}

func (s *Server) apiHouseholdList(w http.ResponseWriter, r *http.Request) error {
	f := householdFilter(r)
	f.Purpose = purposeOf(r)
	hs, total, err := s.db.FindHouseholds(r.Context(), actor(r), f)
	return assistJSON(w, http.StatusOK, apiHouseholdPage{Total: total, Items: assistNonNil(hs)}, err)
}

func (s *Server) apiHouseholdCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.HouseholdInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	h, err := s.db.CreateHousehold(r.Context(), actor(r), in)
	return assistJSON(w, http.StatusCreated, h, err)
}

func (s *Server) apiHouseholdShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, err := s.db.FindHouseholdByID(r.Context(), actor(r), id, r.URL.Query().Get("purpose"))
	return assistJSON(w, http.StatusOK, h, err)
}

func (s *Server) apiHouseholdUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in store.HouseholdInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	h, err := s.db.UpdateHousehold(r.Context(), actor(r), id, in)
	return assistJSON(w, http.StatusOK, h, err)
}

func (s *Server) apiPersonCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in store.PersonInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.db.AddHouseholdPerson(r.Context(), actor(r), id, in)
	return assistJSON(w, http.StatusCreated, p, err)
}

func (s *Server) apiPersonUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	var in store.PersonInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.db.UpdateHouseholdPerson(r.Context(), actor(r), id, pid, in)
	return assistJSON(w, http.StatusOK, p, err)
}

func (s *Server) apiPersonReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiRevealBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := s.db.RevealHouseholdPerson(r.Context(), actor(r), id, in.Reason)
	return assistJSON(w, http.StatusOK, v, err)
}

func (s *Server) apiPairingList(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.db.FindPairings(r.Context(), actor(r), store.PairingFilter{CadreID: queryID(r, "cadre_id"),
		HouseholdID: queryID(r, "household_id"), EnterpriseID: queryID(r, "enterprise_id"), Kind: r.URL.Query().Get("kind"),
		Active: r.URL.Query().Get("active") == "1"})
	return assistJSON(w, http.StatusOK, assistNonNil(ps), err)
}

func (s *Server) apiPairingCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.PairingInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.db.CreatePairing(r.Context(), actor(r), in)
	return assistJSON(w, http.StatusCreated, p, err)
}

func (s *Server) apiPairingEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiPairingEndBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.db.EndPairing(r.Context(), actor(r), id, in.EndsOn, in.Reason)
	return assistJSON(w, http.StatusOK, p, err)
}

func (s *Server) apiPairingHandover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiHandoverBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.db.HandoverPairing(r.Context(), actor(r), id, in.ToCadreID, in.On, in.Reason)
	return assistJSON(w, http.StatusOK, p, err)
}

func (s *Server) apiRulesShow(w http.ResponseWriter, r *http.Request) error {
	rules, err := s.db.FindAssistRules(r.Context(), actor(r), 0)
	return assistJSON(w, http.StatusOK, rules, err)
}

func (s *Server) apiRulesSave(w http.ResponseWriter, r *http.Request) error {
	var in assist.Rules
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rules, err := s.db.SaveAssistRules(r.Context(), actor(r), 0, in)
	return assistJSON(w, http.StatusOK, rules, err)
}

func (s *Server) apiVisitList(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.db.FindAssistVisits(r.Context(), actor(r), store.AssistVisitFilter{HouseholdID: queryID(r, "household_id"),
		EnterpriseID: queryID(r, "enterprise_id"), CadreID: queryID(r, "cadre_id"), CampaignID: queryID(r, "campaign_id"),
		Kind: r.URL.Query().Get("kind"), From: assistQueryDate(r, "from"), To: assistQueryDate(r, "to")})
	return assistJSON(w, http.StatusOK, assistNonNil(vs), err)
}

func (s *Server) apiVisitCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.AssistVisitInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := s.db.AddAssistVisit(r.Context(), actor(r), in, nil)
	return assistJSON(w, http.StatusCreated, v, err)
}

func problemFilter(r *http.Request) store.ProblemFilter {
	q := r.URL.Query()
	return store.ProblemFilter{OrgID: queryID(r, "org_id"), Status: q.Get("status"), Kind: q.Get("kind"),
		From: assistQueryDate(r, "from"), To: assistQueryDate(r, "to"), Offset: queryInt(r, "offset", 0, 1<<30),
		Limit: queryInt(r, "limit", 50, 500)}
}

func (s *Server) apiProblemList(w http.ResponseWriter, r *http.Request) error {
	ps, total, err := s.db.FindProblems(r.Context(), actor(r), problemFilter(r))
	return assistJSON(w, http.StatusOK, apiProblemPage{Total: total, Items: assistNonNil(ps)}, err)
}

func (s *Server) apiProblemCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.ProblemInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.db.CreateProblem(r.Context(), actor(r), in)
	return assistJSON(w, http.StatusCreated, p, err)
}

func (s *Server) apiProblemChange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in store.ProblemChange
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.db.ChangeProblem(r.Context(), actor(r), id, in)
	return assistJSON(w, http.StatusOK, p, err)
}

func (s *Server) apiDueList(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.db.FindDueVisits(r.Context(), actor(r), s.db.Today())
	return assistJSON(w, http.StatusOK, assistNonNil(ds), err)
}
