package web

// The JSON API of plans, campaigns and suggestions (office side), with the
// same store calls as the pages. The public suggestion form is a page only.

import (
	"net/http"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/store"
)

// apiPlan is a plan with its items and revisions.
type apiPlan struct {
	store.Plan
	ItemList  []store.Topic        `json:"item_list"`
	Revisions []store.PlanRevision `json:"revisions"`
}

type apiPlanItemBody struct {
	TopicID int64 `json:"topic_id"`
	consult.PlanItemInput
}

type apiReasonBody struct {
	Reason string `json:"reason"`
}

type apiSubmitPlanBody struct {
	MeetingID int64 `json:"meeting_id"`
}

type apiDeclineBody struct {
	Note string `json:"note"` // the reason, required
}

type apiCreated struct {
	ID int64 `json:"id"`
}

var yearParam = []APIParam{{Name: "year", Type: "integer", Description: "年度，不填为全部"}}

func (s *Server) consultCollectAPIRoutes() []Route {
	read, write := auth.ConsultRead, auth.ConsultWrite
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "协商计划与议题征集"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	return []Route{
		api("GET", "/plans", read, APIDoc{Summary: "管辖范围内的年度协商工作计划", Response: apiList[store.Plan]{},
			Query: append(append([]APIParam{}, yearParam...), pageParams...)}, s.apiPlanList),
		api("POST", "/plans", write, APIDoc{Summary: "建立政协的年度协商工作计划（每个政协每年一份）",
			Request: store.PlanInput{}, Response: store.Plan{}, Status: http.StatusCreated}, s.apiPlanCreate),
		api("GET", "/plans/{id}", read, APIDoc{Summary: "读取计划：议题（按计划月份）、审议会议和表决、修订记录（含每次调整内容）",
			Response: apiPlan{}}, s.apiPlanGet),
		api("POST", "/plans/{id}/items", write, APIDoc{Summary: "在计划中直接增加政协机关拟定的议题（自动选定）；计划通过后须填写 reason",
			Request: store.PlanTopicInput{}, Response: apiCreated{}, Status: http.StatusCreated}, s.apiPlanItemCreate),
		api("POST", "/plans/{id}/topics", write, APIDoc{Summary: "将已选定的议题列入计划（协商形式、牵头专委会、计划月份）；计划通过后须填写 reason",
			Request: apiPlanItemBody{}, Response: apiPlan{}}, s.apiPlanTopicAdd),
		api("PATCH", "/plans/{id}/topics/{topic}", write, APIDoc{Summary: "调整计划中议题的协商形式、牵头专委会或计划月份；计划通过后须填写 reason 并留存修订记录",
			Request: consult.PlanItemInput{}, Response: apiPlan{}}, s.apiPlanTopicUpdate),
		api("POST", "/plans/{id}/topics/{topic}/remove", write, APIDoc{Summary: "将议题移出计划（议题本身保留）；计划通过后须填写 reason",
			Request: apiReasonBody{}, Response: apiPlan{}}, s.apiPlanTopicRemove),
		api("POST", "/plans/{id}/submit", write, APIDoc{Summary: "提交常委会会议或主席会议审议：会议议程增加《…年度协商工作计划（草案）》，该项表决通过即计划通过",
			Request: apiSubmitPlanBody{}, Response: apiPlan{}}, s.apiPlanSubmit),
		api("GET", "/campaigns", read, APIDoc{Summary: "议题征集活动（本级及下级的，以及上级组织的）", Response: apiList[store.Campaign]{},
			Query: append(append([]APIParam{}, yearParam...), pageParams...)}, s.apiCampaignList),
		api("POST", "/campaigns", write, APIDoc{Summary: "发起议题征集活动（public 为 true 时开放无需登录的征集页面 /public/campaigns/{id}）",
			Request: consult.Campaign{}, Response: store.Campaign{}, Status: http.StatusCreated}, s.apiCampaignCreate),
		api("GET", "/campaigns/{id}", read, APIDoc{Summary: "读取议题征集活动", Response: store.Campaign{}}, s.apiCampaignGet),
		api("PUT", "/campaigns/{id}", write, APIDoc{Summary: "修改议题征集活动的名称、说明、征集时间和是否公开（组织和年度不变）",
			Request: consult.Campaign{}, Response: store.Campaign{}}, s.apiCampaignUpdate),
		api("GET", "/campaigns/{id}/suggestions", read, APIDoc{Summary: "征集到的建议（议题），新的在前；须为本级或下级的征集活动",
			Response: apiList[store.Topic]{}, Query: pageParams}, s.apiSuggestionList),
		api("POST", "/campaigns/{id}/suggestions", read, APIDoc{Summary: "提出建议：委员账号为本人建议，议事室联络员为议事室建议，工作人员录入部门等来源的建议（source, source_name）",
			Request: consult.TopicInput{}, Response: store.Topic{}, Status: http.StatusCreated}, s.apiSuggestionCreate),
		api("POST", "/campaigns/{id}/suggestions/{topic}/select", write, APIDoc{Summary: "选定建议并列入该年度协商工作计划（plan_id 为 0 时取议题所属政协和年度的计划）",
			Request: store.SelectInput{}, Response: store.Topic{}}, s.apiSuggestionSelect),
		api("POST", "/campaigns/{id}/suggestions/{topic}/decline", write, APIDoc{Summary: "不予采纳建议，须填写理由（note）",
			Request: apiDeclineBody{}, Response: store.Topic{}}, s.apiSuggestionDecline),
	}
}

func (s *Server) apiPlanList(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.db.FindPlans(r.Context(), actor(r), queryInt(r, "year", 0, 2100))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, ps))
	return nil
}

func (s *Server) apiPlanCreate(w http.ResponseWriter, r *http.Request) error {
	var in store.PlanInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.db.CreatePlan(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) writePlan(w http.ResponseWriter, r *http.Request, id int64) error {
	ctx, a := r.Context(), actor(r)
	p, err := s.db.FindPlanByID(ctx, a, id)
	if err != nil {
		return err
	}
	out := apiPlan{Plan: p}
	if out.ItemList, err = s.db.FindPlanItems(ctx, a, id); err != nil {
		return err
	}
	if out.Revisions, err = s.db.FindPlanRevisions(ctx, a, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiPlanGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.writePlan(w, r, id)
}

// apiPlanChange looks the plan up, decodes the body into in and runs change.
func apiPlanChange[T any](s *Server, w http.ResponseWriter, r *http.Request, change func(planID int64, in T) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindPlanByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in T
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := change(id, in); err != nil {
		return err
	}
	return s.writePlan(w, r, id)
}

func (s *Server) apiPlanItemCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindPlanByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in store.PlanTopicInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	topicID, err := s.db.CreatePlanItem(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiCreated{ID: topicID})
	return nil
}

func (s *Server) apiPlanTopicAdd(w http.ResponseWriter, r *http.Request) error {
	return apiPlanChange(s, w, r, func(planID int64, in apiPlanItemBody) error {
		if in.TopicID == 0 {
			var errs app.FieldErrors
			errs.Add("topic_id", "请选择议题")
			return errs.Err()
		}
		return s.db.AddPlanItem(r.Context(), actor(r), planID, in.TopicID, in.PlanItemInput)
	})
}

func (s *Server) apiPlanTopicUpdate(w http.ResponseWriter, r *http.Request) error {
	topicID, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	return apiPlanChange(s, w, r, func(planID int64, in consult.PlanItemInput) error {
		return s.db.UpdatePlanItem(r.Context(), actor(r), planID, topicID, in)
	})
}

func (s *Server) apiPlanTopicRemove(w http.ResponseWriter, r *http.Request) error {
	topicID, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	return apiPlanChange(s, w, r, func(planID int64, in apiReasonBody) error {
		return s.db.RemovePlanItem(r.Context(), actor(r), planID, topicID, in.Reason)
	})
}

func (s *Server) apiPlanSubmit(w http.ResponseWriter, r *http.Request) error {
	return apiPlanChange(s, w, r, func(planID int64, in apiSubmitPlanBody) error {
		_, err := s.db.SubmitPlan(r.Context(), actor(r), planID, in.MeetingID)
		return err
	})
}

func (s *Server) apiCampaignList(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.db.FindCampaigns(r.Context(), actor(r), queryInt(r, "year", 0, 2100))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, cs))
	return nil
}

func (s *Server) apiCampaignCreate(w http.ResponseWriter, r *http.Request) error {
	var in consult.Campaign
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.db.CreateCampaign(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) apiCampaign(r *http.Request) (store.Campaign, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return store.Campaign{}, err
	}
	return s.db.FindCampaignByID(r.Context(), actor(r), id)
}

func (s *Server) apiCampaignGet(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCampaign(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiCampaignUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCampaign(r)
	if err != nil {
		return err
	}
	var in consult.Campaign
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err = s.db.UpdateCampaign(r.Context(), actor(r), c.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiSuggestionList(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCampaign(r)
	if err != nil {
		return err
	}
	if !c.Manages(actor(r)) {
		return app.Errorf(app.EFORBIDDEN, "只能查看本级或下级征集活动收到的建议")
	}
	ts, _, err := s.db.FindTopics(r.Context(), actor(r), store.TopicFilter{CampaignID: c.ID, Limit: 100000})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, ts))
	return nil
}

func (s *Server) apiSuggestionCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCampaign(r)
	if err != nil {
		return err
	}
	var in consult.TopicInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.db.SubmitSuggestion(r.Context(), actor(r), c.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiSuggestionSelect(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCampaign(r)
	if err != nil {
		return err
	}
	topicID, err := s.campaignTopic(r, c.ID)
	if err != nil {
		return err
	}
	var in store.SelectInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.SelectTopic(r.Context(), actor(r), topicID, in); err != nil {
		return err
	}
	t, err := s.db.FindTopicByID(r.Context(), actor(r), topicID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiSuggestionDecline(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCampaign(r)
	if err != nil {
		return err
	}
	topicID, err := s.campaignTopic(r, c.ID)
	if err != nil {
		return err
	}
	var in apiDeclineBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.db.DeclineTopic(r.Context(), actor(r), topicID, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
