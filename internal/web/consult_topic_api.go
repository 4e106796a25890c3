package web

// The JSON API of the topic page and of the handling units' inbox, with the
// same store calls (and so the same validation and scoping) as the pages.
// Files (visit photos, outcome and reply documents) are uploaded through the
// pages and read at /topic-files/{id}.

import (
	"net/http"

	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/workflow"
)

// apiTopicDetail is a topic with everything on its page.
type apiTopicDetail struct {
	Topic store.Topic           `json:"topic"`
	Steps []store.TopicStep     `json:"steps"`
	Links store.TopicLinks      `json:"links"`
	Next  []workflow.Transition `json:"next"` // the transitions the caller may take now
	Work  store.TopicWork       `json:"work"`
}

type apiPushBody struct {
	OrgIDs []int64 `json:"org_ids"`
}

type apiTopicMeetingBody struct {
	MeetingID int64 `json:"meeting_id"` // 0 unlinks
}

type apiSatisfactionBody struct {
	Satisfaction string `json:"satisfaction"` // satisfied | basically | dissatisfied
}

func (s *Server) topicAPIRoutes() []Route {
	read, write, unit := auth.ConsultRead, auth.ConsultWrite, auth.UnitReply
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "协商议题办理"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	// The two routes of one assignment are open to any account and answer
	// 404 to all but the unit it was sent to (the store decides), so that an
	// id says nothing to anyone else.
	return []Route{
		api("GET", "/topics/{id}", read, APIDoc{Summary: "议题详情：状态、进度、各环节记录（谁、何时、说明）、上下级关联、当前账号可办理的操作，以及参加主体、调研视察、发言、成果、交办和答复",
			Response: apiTopicDetail{}}, s.apiTopicGet),
		api("POST", "/topics/{id}/advance", read, APIDoc{Summary: "办理议题到下一环节（to：目标状态；note：说明，不予采纳等须填写；上报时 target_org_id 为上级组织）；流程图、角色和前置条件不满足时返回409或422",
			Request: store.AdvanceInput{}, Response: store.Topic{}}, s.apiTopicAdvance),
		api("POST", "/topics/{id}/push", write, APIDoc{Summary: "向下级组织部署议题（org_ids：本议题所属组织的下级），下级从“已选定”开始办理",
			Request: apiPushBody{}, Response: []store.TopicLink{}, Status: http.StatusCreated}, s.apiTopicPush),
		api("POST", "/topics/{id}/participants", read, APIDoc{Summary: "增加参加主体（kind：member 委员，以 member_id 或 member“姓名#编号”指定；department 部门，以 unit_id 或 name；expert 专家、resident 群众代表，以 name）",
			Request: store.ParticipantInput{}, Response: store.Participant{}, Status: http.StatusCreated}, s.apiParticipantAdd),
		api("DELETE", "/topics/{id}/participants/{pid}", read, APIDoc{Summary: "移除参加主体", Status: http.StatusNoContent},
			s.apiParticipantRemove),
		api("POST", "/topics/{id}/visits", read, APIDoc{Summary: "记录调研视察（kind：research 调研、inspection 视察、supervision 监督性调研；places 每行一个地点；参加委员记入履职记录；照片在页面上传）",
			Request: store.VisitInput{}, Response: store.Visit{}, Status: http.StatusCreated}, s.apiVisitAdd),
		api("PUT", "/topics/{id}/meeting", read, APIDoc{Summary: "关联协商会议（本政协的会议；meeting_id 为0时取消关联）",
			Request: apiTopicMeetingBody{}, Status: http.StatusNoContent}, s.apiMeetingLink),
		api("POST", "/topics/{id}/speeches", read, APIDoc{Summary: "记录协商会议上的发言和意见（委员以 member_id 或 member 指定，记入履职记录；其他人员填 speaker）；须先关联协商会议",
			Request: store.SpeechInput{}, Response: store.Speech{}, Status: http.StatusCreated}, s.apiSpeechAdd),
		api("POST", "/topics/{id}/outcomes", read, APIDoc{Summary: "增加协商成果（kind：recommendation 建议案、report 调研报告、opinions 协商意见；sent_to 与 sent_on 同时填写表示已报送）",
			Request: store.OutcomeInput{}, Response: store.Outcome{}, Status: http.StatusCreated}, s.apiOutcomeAdd),
		api("PUT", "/topics/{id}/outcomes/{oid}", read, APIDoc{Summary: "修改协商成果或登记报送（须提交全部字段）",
			Request: store.OutcomeInput{}, Response: store.Outcome{}}, s.apiOutcomeUpdate),
		api("POST", "/topics/{id}/assignments", write, APIDoc{Summary: "将协商成果交承办单位办理（主办 lead_unit_ids、协办 support_unit_ids，本政协的承办单位；deadline 办理期限不早于今天）",
			Request: store.AssignInput{}, Response: []store.Assignment{}, Status: http.StatusCreated}, s.apiAssign),
		api("GET", "/assignments/{id}", read, APIDoc{Summary: "交办事项及各次答复", Response: store.Assignment{}}, s.apiAssignmentGet),
		api("POST", "/replies/{id}/verdict", write, APIDoc{Summary: "审核承办单位的最新答复：verdict 为 accepted 认可，returned 退回重办（须填 reason）",
			Request: store.VerdictInput{}, Response: store.Assignment{}}, s.apiVerdict),
		api("PUT", "/assignments/{id}/satisfaction", write, APIDoc{Summary: "记录提出方对承办单位办理的满意度（satisfied 满意、basically 基本满意、dissatisfied 不满意；单位答复后）",
			Request: apiSatisfactionBody{}, Response: store.Assignment{}}, s.apiSatisfaction),
		api("GET", "/unit/assignments", unit, APIDoc{Summary: "承办单位账号：交本单位办理的事项（open=1 只列未认可的，overdue=1 只列已逾期的）",
			Response: []store.Assignment{}, Query: []APIParam{
				{Name: "open", Type: "integer", Description: "1：只列答复尚未认可的"},
				{Name: "overdue", Type: "integer", Description: "1：只列已超过办理期限的"}}}, s.apiUnitInbox),
		api("GET", "/unit/assignments/{id}", "", APIDoc{Summary: "承办单位账号：一件交办事项（议题摘要、协商成果及文件、本单位的各次答复）；其他单位的事项返回404",
			Response: store.UnitAssignment{}}, s.apiUnitAssignment),
		api("POST", "/unit/assignments/{id}/replies", "", APIDoc{Summary: "承办单位账号答复交办事项（待答复或被退回时）；其他单位的事项返回404",
			Request: store.ReplyInput{}, Response: store.Reply{}, Status: http.StatusCreated}, s.apiUnitReply),
	}
}

// apiTopicID reads {id} and checks the topic is one the caller sees.
func (s *Server) apiTopicID(r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	if _, err := s.db.FindTopicByID(r.Context(), actor(r), id); err != nil {
		return 0, err
	}
	return id, nil
}

func (s *Server) apiTopicGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	var d apiTopicDetail
	if d.Topic, err = s.db.FindTopicByID(ctx, a, id); err != nil {
		return err
	}
	if d.Steps, err = s.db.FindTopicSteps(ctx, a, id); err != nil {
		return err
	}
	if d.Links, err = s.db.FindTopicLinks(ctx, a, id); err != nil {
		return err
	}
	if d.Next, err = s.db.TopicNext(ctx, a, d.Topic); err != nil {
		return err
	}
	if d.Work, err = s.db.FindTopicWork(ctx, a, id); err != nil {
		return err
	}
	if d.Next == nil {
		d.Next = []workflow.Transition{}
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// apiTopicBody reads {id} (checked) and the JSON body into v.
func (s *Server) apiTopicBody(r *http.Request, v any) (int64, error) {
	id, err := s.apiTopicID(r)
	if err != nil {
		return 0, err
	}
	return id, decodeJSON(r, v)
}

func (s *Server) apiTopicAdvance(w http.ResponseWriter, r *http.Request) error {
	var in store.AdvanceInput
	id, err := s.apiTopicBody(r, &in)
	if err != nil {
		return err
	}
	t, err := s.db.AdvanceTopic(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiTopicPush(w http.ResponseWriter, r *http.Request) error {
	var in apiPushBody
	id, err := s.apiTopicBody(r, &in)
	if err != nil {
		return err
	}
	links, err := s.db.PushDownTopic(r.Context(), actor(r), id, in.OrgIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, links)
	return nil
}

func (s *Server) apiParticipantAdd(w http.ResponseWriter, r *http.Request) error {
	var in store.ParticipantInput
	id, err := s.apiTopicBody(r, &in)
	if err != nil {
		return err
	}
	p, err := s.db.AddTopicParticipant(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiParticipantRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiTopicID(r)
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	if err := s.db.RemoveTopicParticipant(r.Context(), actor(r), id, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiVisitAdd(w http.ResponseWriter, r *http.Request) error {
	var in store.VisitInput
	id, err := s.apiTopicBody(r, &in)
	if err != nil {
		return err
	}
	v, err := s.db.AddTopicVisit(r.Context(), actor(r), id, in, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) apiMeetingLink(w http.ResponseWriter, r *http.Request) error {
	var in apiTopicMeetingBody
	id, err := s.apiTopicBody(r, &in)
	if err != nil {
		return err
	}
	if err := s.db.LinkTopicMeeting(r.Context(), actor(r), id, in.MeetingID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiSpeechAdd(w http.ResponseWriter, r *http.Request) error {
	var in store.SpeechInput
	id, err := s.apiTopicBody(r, &in)
	if err != nil {
		return err
	}
	sp, err := s.db.AddTopicSpeech(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sp)
	return nil
}

func (s *Server) apiOutcomeAdd(w http.ResponseWriter, r *http.Request) error {
	var in store.OutcomeInput
	id, err := s.apiTopicBody(r, &in)
	if err != nil {
		return err
	}
	o, err := s.db.AddTopicOutcome(r.Context(), actor(r), id, in, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) apiOutcomeUpdate(w http.ResponseWriter, r *http.Request) error {
	var in store.OutcomeInput
	id, err := s.apiTopicBody(r, &in)
	if err != nil {
		return err
	}
	oid, err := pathID(r, "oid")
	if err != nil {
		return err
	}
	o, err := s.db.UpdateTopicOutcome(r.Context(), actor(r), id, oid, in, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiAssign(w http.ResponseWriter, r *http.Request) error {
	var in store.AssignInput
	id, err := s.apiTopicBody(r, &in)
	if err != nil {
		return err
	}
	as, err := s.db.AssignTopicOutcome(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, as)
	return nil
}

func (s *Server) apiAssignmentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.db.FindAssignmentByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiVerdict(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindReplyAssignment(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in store.VerdictInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.db.JudgeReply(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiSatisfaction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindAssignmentByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in apiSatisfactionBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.db.SetAssignmentSatisfaction(r.Context(), actor(r), id, in.Satisfaction)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiUnitInbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	as, err := s.db.FindUnitInbox(r.Context(), actor(r), store.UnitInboxFilter{Open: q.Get("open") == "1",
		Overdue: q.Get("overdue") == "1"})
	if err != nil {
		return err
	}
	if as == nil {
		as = []store.Assignment{}
	}
	writeJSON(w, http.StatusOK, as)
	return nil
}

func (s *Server) apiUnitAssignment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ua, err := s.db.FindUnitAssignment(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ua)
	return nil
}

func (s *Server) apiUnitReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindUnitAssignment(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in store.ReplyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rp, err := s.db.ReplyAssignment(r.Context(), actor(r), id, in, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rp)
	return nil
}
