package web

// The JSON API of proposals (提案), with the same store calls — and so the
// same graph, role checks, validation and scoping — as the pages: the list
// and one proposal with its steps, work and the transitions the caller may
// take; drafting and editing; taking a transition; co-signing; a unit's
// signing for, return request and reply (the reply's document as
// multipart/form-data, as JSON has no files); the proposer's rating; a
// unit's own list. A proposal the caller does not see answers 404.

import (
	"net/http"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/workflow"
)

// apiProposalDetail is a proposal with everything recorded about it.
type apiProposalDetail struct {
	Proposal store.Proposal        `json:"proposal"`
	Steps    []store.ProposalStep  `json:"steps"`
	Next     []workflow.Transition `json:"next"` // the transitions the caller may take now
	Work     store.ProposalWork    `json:"work"`
}

// apiProposalMember names a member (the office co-signs for one; a member's
// own account leaves it out).
type apiProposalMember struct {
	MemberID int64 `json:"member_id,omitempty"`
}

// apiProposalUnit names the unit the office acts for; a unit's own account
// leaves it out.
type apiProposalUnit struct {
	UnitID int64 `json:"unit_id,omitempty"`
}

// apiProposalReturn is a unit's request to give a proposal back.
type apiProposalReturn struct {
	Note string `json:"note"` // the reason (required)
}

// apiProposalReply is a unit's reply sent as JSON (without a document).
type apiProposalReply struct {
	UnitID int64 `json:"unit_id,omitempty"`
	store.ProposalReplyInput
}

// apiProposalRating is the proposer's rating of one unit's handling.
type apiProposalRating struct {
	UnitID int64 `json:"unit_id"`
	store.RatingInput
}

var proposalQuery = []APIParam{
	{Name: "committee_id", Type: "integer", Description: "所属政协"},
	{Name: "term_id", Type: "integer", Description: "届次"},
	{Name: "session", Type: "integer", Description: "第几次会议"},
	{Name: "state", Type: "string", Description: "状态代码（draft、cosigning、submitted、filed、not_filed、merged、assigned、return_asked、accepted、replied、reply_returned、rated、closed，或本政协流程中增加的状态）"},
	{Name: "member_id", Type: "integer", Description: "委员作为第一提案人或联名人的提案"},
	{Name: "unit_id", Type: "integer", Description: "交该承办单位办理的提案"},
	{Name: "sector_id", Type: "integer", Description: "界别"},
	{Name: "category", Type: "string", Description: "提案分类"},
	{Name: "key", Type: "boolean", Description: "1：只列重点提案"},
	{Name: "excellent", Type: "boolean", Description: "1：只列优秀提案"},
	{Name: "overdue", Type: "boolean", Description: "1：只列当前环节已逾期的"},
	{Name: "q", Type: "string", Description: "标题、正文、提案人或承办单位包含的词（空格分隔，须全部包含）"},
}

func (s *Server) proposalAPIRoutes() []Route {
	read, draft, unit := auth.ProposalRead, auth.ProposalDraft, auth.UnitReply
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "提案"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	// Routes a handling unit's account takes too are open to any account:
	// the store decides (a unit sees only what was assigned to it, others
	// answer 404).
	return []Route{
		api("GET", "/proposals", read, APIDoc{Summary: "列出可见的提案（按届次、会议和编号排列，草稿在后），含编号、状态、进度、当前环节期限和是否逾期、承办单位",
			Response: apiList[store.Proposal]{}, Query: append(append([]APIParam{}, proposalQuery...), pageParams...)}, s.apiProposalList),
		api("POST", "/proposals", draft, APIDoc{Summary: "起草提案（委员账号为本人的提案；提案委工作人员可代委员或集体起草）；从本政协流程的初始状态（草稿）开始",
			Request: proposal.Input{}, Response: store.Proposal{}, Status: http.StatusCreated}, s.apiProposalCreate),
		api("GET", "/proposals/{id}", "", APIDoc{Summary: "提案详情：提案、办理环节记录、当前账号可办理的操作、联名人、各承办单位的交办和答复（含审核意见和文件）、并案情况和附件；承办单位只能查看交本单位办理的提案，其他返回404",
			Response: apiProposalDetail{}}, s.apiProposalGet),
		api("PUT", "/proposals/{id}", draft, APIDoc{Summary: "修改提案（须提交全部字段）：提案人在草稿和征集联名阶段，提案委工作人员在立案前；已编号的提案不能改到其他会议",
			Request: proposal.Input{}, Response: store.Proposal{}}, s.apiProposalUpdate),
		api("POST", "/proposals/{id}/advance", "", APIDoc{Summary: "办理提案到下一环节（to：目标状态；note：理由，不予立案、退回等须填写；conversion：不予立案时 letter 转来信或 report 转社情民意；merge_into：并案时并入的提案；units：交办的单位及是否主办；deadline：办理期限，默认按本政协规则；unit_id：退回重办时只退回该单位的答复）；流程图、角色或前置条件不满足时返回409、403或422",
			Request: store.ProposalAdvance{}, Response: store.Proposal{}}, s.apiProposalAdvance),
		api("POST", "/proposals/{id}/cosign", draft, APIDoc{Summary: "联名（征集联名阶段、截止日期前；委员账号为本人联名，提案委工作人员以 member_id 代本届委员联名）",
			Request: apiProposalMember{}, Response: apiProposalDetail{}}, s.apiProposalCosign),
		api("DELETE", "/proposals/{id}/cosign", draft, APIDoc{Summary: "撤回联名（征集联名阶段；提案委工作人员以查询参数 member_id 指定委员）",
			Response: apiProposalDetail{}, Query: []APIParam{{Name: "member_id", Type: "integer", Description: "撤回联名的委员（提案委工作人员）"}}},
			s.apiProposalWithdrawCosign),
		api("POST", "/proposals/{id}/sign", "", APIDoc{Summary: "承办单位签收提案（提案委工作人员以 unit_id 代单位签收）；各承办单位均签收后提案进入“已签收”",
			Request: apiProposalUnit{}, Response: apiProposalDetail{}}, s.apiProposalSign),
		api("POST", "/proposals/{id}/return", "", APIDoc{Summary: "承办单位申请退回提案（签收前；note 填写理由），由提案委同意（重新交办）或不同意",
			Request: apiProposalReturn{}, Response: apiProposalDetail{}}, s.apiProposalReturn),
		api("POST", "/proposals/{id}/reply", "", APIDoc{Summary: "承办单位答复提案（签收后或答复被退回后）。主办单位须选择办理类别 grade（A、B、C；C 须填 reason 说明原因）并上传答复文件：以 multipart/form-data 提交字段 grade、reason、body、unit_id 和文件字段 document（PDF 或 Word）；会办单位可只提交 body，也可提交 JSON。提案委工作人员以 unit_id 代单位答复；各主办单位均答复后提案进入“已答复”",
			Request: apiProposalReply{}, Response: apiProposalDetail{}, Status: http.StatusCreated}, s.apiProposalReply),
		api("POST", "/proposals/{id}/rating", draft, APIDoc{Summary: "提案人评价承办单位的办理（unit_id；satisfaction：satisfied 满意、basically 基本满意、dissatisfied 不满意；contact：face 当面、meeting 座谈会、phone 电话、letter 书面、none 未沟通）；委员提案只能由第一提案人本人评价，集体提案由提案委工作人员代为评价",
			Request: apiProposalRating{}, Response: apiProposalDetail{}}, s.apiProposalRate),
		api("GET", "/unit/proposals", unit, APIDoc{Summary: "承办单位账号：交本单位办理的提案（含签收期限、答复期限、是否逾期、办理类别和提案人评价），待办的在前、按期限排列",
			Response: []store.ProposalAssignment{}, Query: []APIParam{
				{Name: "open", Type: "integer", Description: "1：只列待签收、办理中和答复被退回的"},
				{Name: "overdue", Type: "integer", Description: "1：只列已超过签收或答复期限的"}}}, s.apiUnitProposals),
	}
}

// proposalFilter reads the list's query; a number that does not parse is
// a field error.
func proposalFilter(r *http.Request) (store.ProposalFilter, error) {
	q := r.URL.Query()
	var errs app.FieldErrors
	num := func(name string) int64 {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs.Add(name, "应为正整数")
			return 0
		}
		return n
	}
	flag := func(name string) bool {
		switch q.Get(name) {
		case "1", "true":
			return true
		}
		return false
	}
	f := store.ProposalFilter{CommitteeID: num("committee_id"), TermID: num("term_id"), Session: int(min(num("session"), 100)),
		State: strings.TrimSpace(q.Get("state")), MemberID: num("member_id"), UnitID: num("unit_id"),
		SectorID: num("sector_id"), Category: strings.TrimSpace(q.Get("category")), Key: flag("key"),
		Excellent: flag("excellent"), Overdue: flag("overdue"), Query: q.Get("q")}
	f.Offset, f.Limit = apiPage(r)
	return f, errs.Err()
}

func (s *Server) apiProposalList(w http.ResponseWriter, r *http.Request) error {
	f, err := proposalFilter(r)
	if err != nil {
		return err
	}
	list, total, err := s.db.FindProposals(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.Proposal{}
	}
	writeJSON(w, http.StatusOK, apiList[store.Proposal]{Items: list, Total: total, Offset: f.Offset, Limit: f.Limit})
	return nil
}

func (s *Server) apiProposalCreate(w http.ResponseWriter, r *http.Request) error {
	var in proposal.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.db.CreateProposal(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

// proposalDetail reads a proposal the caller sees with its steps, next
// transitions and work.
func (s *Server) proposalDetail(r *http.Request, id int64) (apiProposalDetail, error) {
	ctx, a := r.Context(), actor(r)
	var d apiProposalDetail
	var err error
	if d.Proposal, err = s.db.FindProposalByID(ctx, a, id); err != nil {
		return d, err
	}
	if d.Steps, err = s.db.FindProposalSteps(ctx, a, id); err != nil {
		return d, err
	}
	if d.Next, err = s.db.ProposalNext(ctx, a, d.Proposal); err != nil {
		return d, err
	}
	if d.Work, err = s.db.FindProposalWork(ctx, a, id); err != nil {
		return d, err
	}
	if d.Next == nil {
		d.Next = []workflow.Transition{}
	}
	if d.Work.Cosigners == nil {
		d.Work.Cosigners = []store.Cosigner{}
	}
	if d.Work.Assignments == nil {
		d.Work.Assignments = []store.ProposalAssignment{}
	}
	return d, nil
}

// apiProposalID reads {id} and checks the proposal is one the caller sees,
// so that nothing of the body is read for a proposal it does not.
func (s *Server) apiProposalID(r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	if _, err := s.db.FindProposalByID(r.Context(), actor(r), id); err != nil {
		return 0, err
	}
	return id, nil
}

// apiProposalBody reads {id} (checked) and the JSON body into v.
func (s *Server) apiProposalBody(r *http.Request, v any) (int64, error) {
	id, err := s.apiProposalID(r)
	if err != nil {
		return 0, err
	}
	return id, decodeJSON(r, v)
}

// writeProposalDetail answers the proposal as it now stands.
func (s *Server) writeProposalDetail(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	d, err := s.proposalDetail(r, id)
	if err != nil {
		return err
	}
	writeJSON(w, status, d)
	return nil
}

func (s *Server) apiProposalGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.writeProposalDetail(w, r, id, http.StatusOK)
}

func (s *Server) apiProposalUpdate(w http.ResponseWriter, r *http.Request) error {
	var in proposal.Input
	id, err := s.apiProposalBody(r, &in)
	if err != nil {
		return err
	}
	p, err := s.db.UpdateProposal(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiProposalAdvance(w http.ResponseWriter, r *http.Request) error {
	var in store.ProposalAdvance
	id, err := s.apiProposalBody(r, &in)
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.To) == "" {
		var errs app.FieldErrors
		errs.Add("to", "请指定要进入的环节（目标状态）")
		return errs.Err()
	}
	p, err := s.db.AdvanceProposal(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiProposalCosign(w http.ResponseWriter, r *http.Request) error {
	var in apiProposalMember
	id, err := s.apiProposalBody(r, &in)
	if err != nil {
		return err
	}
	if err := s.db.Cosign(r.Context(), actor(r), id, in.MemberID); err != nil {
		return err
	}
	return s.writeProposalDetail(w, r, id, http.StatusOK)
}

func (s *Server) apiProposalWithdrawCosign(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiProposalID(r)
	if err != nil {
		return err
	}
	memberID := int64(0)
	if v := r.URL.Query().Get("member_id"); v != "" {
		if memberID, err = strconv.ParseInt(v, 10, 64); err != nil || memberID <= 0 {
			var errs app.FieldErrors
			errs.Add("member_id", "应为正整数")
			return errs.Err()
		}
	}
	if err := s.db.WithdrawCosign(r.Context(), actor(r), id, memberID); err != nil {
		return err
	}
	return s.writeProposalDetail(w, r, id, http.StatusOK)
}

func (s *Server) apiProposalSign(w http.ResponseWriter, r *http.Request) error {
	var in apiProposalUnit
	id, err := s.apiProposalBody(r, &in)
	if err != nil {
		return err
	}
	if err := s.db.SignProposal(r.Context(), actor(r), id, in.UnitID); err != nil {
		return err
	}
	return s.writeProposalDetail(w, r, id, http.StatusOK)
}

func (s *Server) apiProposalReturn(w http.ResponseWriter, r *http.Request) error {
	var in apiProposalReturn
	id, err := s.apiProposalBody(r, &in)
	if err != nil {
		return err
	}
	if err := s.db.AskReturn(r.Context(), actor(r), id, in.Note); err != nil {
		return err
	}
	return s.writeProposalDetail(w, r, id, http.StatusOK)
}

// apiProposalReply takes the reply as multipart/form-data (with its
// document) or as JSON (a supporting unit's opinion without one).
func (s *Server) apiProposalReply(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiProposalID(r)
	if err != nil {
		return err
	}
	var in apiProposalReply
	var doc *store.DocumentInput
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		f, err := parseForm(r)
		if err != nil {
			return err
		}
		in.UnitID = f.ID("unit_id")
		in.Grade, in.Reason, in.Body = proposal.Grade(f.Str("grade")), f.Str("reason"), f.Str("body")
		if doc, err = s.oneUpload(r, "document"); err != nil {
			return err
		}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
	} else if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.ReplyProposal(r.Context(), actor(r), id, in.UnitID, in.ProposalReplyInput, doc); err != nil {
		return err
	}
	return s.writeProposalDetail(w, r, id, http.StatusCreated)
}

func (s *Server) apiProposalRate(w http.ResponseWriter, r *http.Request) error {
	var in apiProposalRating
	id, err := s.apiProposalBody(r, &in)
	if err != nil {
		return err
	}
	if err := s.db.RateProposal(r.Context(), actor(r), id, in.UnitID, in.RatingInput); err != nil {
		return err
	}
	return s.writeProposalDetail(w, r, id, http.StatusOK)
}

func (s *Server) apiUnitProposals(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	as, err := s.db.FindUnitProposals(r.Context(), actor(r), store.UnitProposalFilter{Open: q.Get("open") == "1",
		Overdue: q.Get("overdue") == "1"})
	if err != nil {
		return err
	}
	if as == nil {
		as = []store.ProposalAssignment{}
	}
	writeJSON(w, http.StatusOK, as)
	return nil
}
