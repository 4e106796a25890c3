package web

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/meeting"
	"xieshang/internal/store"
)

// The meetings' JSON API: meetings, attendance and quorum, sign-in, leave,
// agenda items and deliberation votes, with the same store calls (and so the
// same validation and scoping) as the pages. Every handler looks its {id}
// record up before it reads the body, so a record outside the caller's
// subtree answers 404 whatever the body holds. A member's own account sees
// only the meetings it is expected at, as on the pages.

// apiTime is a time in a request body: RFC 3339, e.g.
// "2030-06-01T09:00:00+08:00"; "" for none.
type apiTime time.Time

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *apiTime) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = apiTime{}
		return nil
	}
	v, err := time.Parse(time.RFC3339, string(b))
	if err != nil {
		// A plain error: decodeJSON names the field it came from.
		return errors.New("时间格式应为 RFC 3339，如 2030-06-01T09:00:00+08:00")
	}
	*t = apiTime(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (t apiTime) MarshalText() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte{}, nil
	}
	return []byte(time.Time(t).Format(time.RFC3339)), nil
}

// apiMeetingBody is a meeting's fields in a request (meeting.Input with
// times in RFC 3339).
type apiMeetingBody struct {
	TermID   int64               `json:"term_id"`
	Kind     meeting.Kind        `json:"kind"`
	Seq      int                 `json:"seq"`       // 0: the next number in the term (numbered kinds)
	ParentID int64               `json:"parent_id"` // the plenary session, for a sitting
	Sitting  meeting.SittingKind `json:"sitting"`
	Title    string              `json:"title"` // required for unnumbered kinds; computed otherwise
	Topic    string              `json:"topic"`
	StartsAt apiTime             `json:"starts_at"`
	EndsAt   apiTime             `json:"ends_at"` // "" for none
	Place    string              `json:"place"`
	Presider string              `json:"presider"`
	Quorum   *meeting.QuorumRule `json:"quorum"`   // null: the kind's default
	Invitees []int64             `json:"invitees"` // member ids, for kinds whose body is a named list
}

func (b apiMeetingBody) input() meeting.Input {
	return meeting.Input{TermID: b.TermID, Kind: b.Kind, Seq: b.Seq, ParentID: b.ParentID, Sitting: b.Sitting,
		Title: b.Title, Topic: b.Topic, StartsAt: time.Time(b.StartsAt), EndsAt: time.Time(b.EndsAt), Place: b.Place,
		Presider: b.Presider, Quorum: b.Quorum, Invitees: b.Invitees}
}

func meetingBody(m meeting.Meeting, invitees []int64) apiMeetingBody {
	q := m.Quorum
	return apiMeetingBody{TermID: m.TermID, Kind: m.Kind, Seq: m.Seq, ParentID: m.ParentID, Sitting: m.Sitting,
		Title: m.Title, Topic: m.Topic, StartsAt: apiTime(m.StartsAt), EndsAt: apiTime(m.EndsAt), Place: m.Place,
		Presider: m.Presider, Quorum: &q, Invitees: invitees}
}

// apiMeetingCreate is the body of POST /api/v1/meetings.
type apiMeetingCreate struct {
	CommitteeID int64 `json:"committee_id"`
	apiMeetingBody
}

// apiAttendance is a meeting's figures and whether its quorum holds.
type apiAttendance struct {
	Attendance meeting.Attendance   `json:"attendance"`
	Quorum     meeting.QuorumResult `json:"quorum"`
	Rule       string               `json:"rule"`     // the quorum rule in words
	Sentence   string               `json:"sentence"` // 应到委员…人，实到…人，符合规定人数
}

type apiMemberBody struct {
	MemberID int64 `json:"member_id"`
}

type apiLeaveBody struct {
	MemberID int64  `json:"member_id"` // a member's own account may leave it 0
	Reason   string `json:"reason"`
}

type apiDecisionBody struct {
	Approve *bool `json:"approve"`
}

// apiAgendaItem is an agenda item with its documents and its vote, if any.
type apiAgendaItem struct {
	store.AgendaItem
	Documents []store.AgendaDocument `json:"documents"` // download: GET /documents/{id}
	VoteID    int64                  `json:"vote_id"`   // 0 before the item is put to the vote
}

type apiVoteOpen struct {
	Mode store.VoteMode    `json:"mode"` // hands | electronic
	Rule *meeting.PassRule `json:"rule"` // null: for-votes more than half of 应到
}

type apiHandsBody struct {
	For     int `json:"for"`
	Against int `json:"against"`
	Abstain int `json:"abstain"`
}

type apiBallotBody struct {
	Choice meeting.Choice `json:"choice"` // for | against | abstain
}

type apiBallot struct {
	VoteID   int64          `json:"vote_id"`
	MemberID int64          `json:"member_id"`
	Choice   meeting.Choice `json:"choice"`
}

// apiVote is a vote as the API shows it: while an electronic vote is open,
// only how many have voted (cast), never how.
type apiVote struct {
	store.Vote
	RuleText string `json:"rule_text"` // 赞成票超过应到人数的二分之一
	Result   string `json:"result"`    // 通过 or 未通过 once closed
	Cast     int    `json:"cast"`      // ballots cast so far (electronic)
}

var meetingAPIParams = []APIParam{
	{Name: "committee_id", Type: "integer", Description: "召开会议的政协"},
	{Name: "term_id", Type: "integer", Description: "届次"},
	{Name: "kind", Type: "string", Description: "类型：plenary, standing, chairs, bimonthly, thematic, symposium, onsite, sitting"},
	{Name: "status", Type: "string", Description: "状态：draft, notified, open, closed"},
	{Name: "from", Type: "string", Description: "开始日期不早于（YYYY-MM-DD）"},
	{Name: "to", Type: "string", Description: "开始日期不晚于（YYYY-MM-DD）"},
	{Name: "sort", Type: "string", Description: "排序：starts_at（默认，新的在前）, title, kind, status"},
	{Name: "dir", Type: "string", Description: "asc 或 desc"},
}

func (s *Server) meetingAPIRoutes() []Route {
	read, write := auth.MeetingRead, auth.MeetingWrite
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "会议"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	mine := "；委员本人账号只能看到本人应出席的会议"
	return []Route{
		api("GET", "/meetings", read, APIDoc{Summary: "列出管辖范围内的会议" + mine, Response: apiList[meeting.Meeting]{},
			Query: append(append([]APIParam{}, meetingAPIParams...), pageParams...)}, s.apiMeetingList),
		api("POST", "/meetings", write, APIDoc{Summary: "新建会议：全体会议、常委会会议、主席会议按届自动编号并生成名称",
			Request: apiMeetingCreate{}, Response: meeting.Meeting{}, Status: http.StatusCreated}, s.apiMeetingCreate),
		api("GET", "/meetings/{id}", read, APIDoc{Summary: "读取会议" + mine, Response: meeting.Meeting{}}, s.apiMeetingGet),
		api("PATCH", "/meetings/{id}", write, APIDoc{Summary: "修改会议：只改提交的字段；会议开始后只能修改议题、地点、主持人和结束时间，结束后不能修改",
			Request: apiMeetingBody{}, Response: meeting.Meeting{}}, s.apiMeetingPatch),
		api("POST", "/meetings/{id}/open", write, APIDoc{Summary: "开始会议（开放签到），按会议当日的任职固定应到名单",
			Response: meeting.Meeting{}}, s.apiMeetingOpen),
		api("POST", "/meetings/{id}/close", write, APIDoc{Summary: "结束会议，记录每位应到委员的出席、请假或缺席（有未结束的表决时拒绝）",
			Response: meeting.Meeting{}}, s.apiMeetingClose),
		api("GET", "/meetings/{id}/attendance", read, APIDoc{Summary: "出席情况：应到、实到、请假、缺席及是否达到法定人数",
			Response: apiAttendance{}}, s.apiMeetingAttendance),
		api("GET", "/meetings/{id}/expected", read, APIDoc{Summary: "应到名单及各人签到、请假情况（委员本人账号只看到本人一行）",
			Response: apiList[store.ExpectedMember]{}, Query: pageParams}, s.apiMeetingExpected),
		api("POST", "/meetings/{id}/signins", write, APIDoc{Summary: "工作人员为应到委员签到", Request: apiMemberBody{},
			Response: store.SignInRecord{}, Status: http.StatusCreated}, s.apiMeetingSignIn),
		api("GET", "/meetings/{id}/leave", read, APIDoc{Summary: "会议的请假申请，待审批的在前（委员本人账号只看到本人的）",
			Response: apiList[store.LeaveRequest]{}, Query: pageParams}, s.apiLeaveList),
		api("POST", "/meetings/{id}/leave", read, APIDoc{Summary: "请假：委员本人账号为本人请假（member_id 可为 0），工作人员为应到委员请假；会议开始后不能请假",
			Request: apiLeaveBody{}, Response: store.LeaveRequest{}, Status: http.StatusCreated}, s.apiLeaveCreate),
		api("POST", "/leave/{id}/decision", write, APIDoc{Summary: "审批请假申请（approve: true 批准，false 不批准）",
			Request: apiDecisionBody{}, Response: store.LeaveRequest{}}, s.apiLeaveDecide),
		api("GET", "/meetings/{id}/agenda", read, APIDoc{Summary: "会议议程，按序号，含议程文件和表决",
			Response: apiList[apiAgendaItem]{}, Query: pageParams}, s.apiAgendaList),
		api("POST", "/meetings/{id}/agenda", write, APIDoc{Summary: "增加议程（kind：resolution, work_plan, recommendation, research_report, meeting_plan, other；seq 为 0 时取下一号）",
			Request: store.AgendaItemInput{}, Response: store.AgendaItem{}, Status: http.StatusCreated}, s.apiAgendaCreate),
		api("PATCH", "/agenda/{id}", write, APIDoc{Summary: "修改议程：只改提交的字段；付表决后不能修改",
			Request: store.AgendaItemInput{}, Response: store.AgendaItem{}}, s.apiAgendaPatch),
		api("GET", "/agenda/{id}/documents", read, APIDoc{Summary: "议程文件（下载：GET /documents/{id}）",
			Response: apiList[store.AgendaDocument]{}, Query: pageParams}, s.apiDocumentList),
		api("GET", "/meetings/{id}/votes", read, APIDoc{Summary: "会议的表决，按开始先后；进行中的电子表决只显示已表决人数",
			Response: apiList[apiVote]{}, Query: pageParams}, s.apiVoteList),
		api("POST", "/agenda/{id}/votes", write, APIDoc{Summary: "付表决：mode 为 hands（举手）或 electronic（电子）；rule 为通过规则，缺省为赞成票超过应到人数的二分之一；须已达到法定人数",
			Request: apiVoteOpen{}, Response: apiVote{}, Status: http.StatusCreated}, s.apiVoteOpen),
		api("GET", "/votes/{id}", read, APIDoc{Summary: "读取表决；进行中时不显示票数，只显示已表决人数", Response: apiVote{}}, s.apiVoteGet),
		api("POST", "/votes/{id}/ballots", read, APIDoc{Summary: "委员本人电子表决（choice：for, against, abstain），表决结束前可以改票；须已签到",
			Request: apiBallotBody{}, Response: apiBallot{}, Status: http.StatusCreated}, s.apiBallotCast),
		api("POST", "/votes/{id}/hands", write, APIDoc{Summary: "录入举手表决的赞成、反对、弃权票数（合计不超过实到人数）",
			Request: apiHandsBody{}, Response: apiVote{}}, s.apiVoteHands),
		api("POST", "/votes/{id}/close", write, APIDoc{Summary: "结束表决，按通过规则计算结果", Response: apiVote{}}, s.apiVoteClose),
	}
}

// apiMeeting finds the {id} meeting for the caller: in its subtree and, for
// a member's own account, one it is expected at.
func (s *Server) apiMeeting(r *http.Request) (meeting.Meeting, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return meeting.Meeting{}, err
	}
	return s.meetingFor(r, id)
}

func (s *Server) meetingFor(r *http.Request, id int64) (meeting.Meeting, error) {
	m, err := s.db.FindMeetingByID(r.Context(), actor(r), id)
	if err != nil {
		return m, err
	}
	if memberAccount(r) {
		if _, err := s.ownLine(r.Context(), actor(r), id); err != nil {
			return m, err
		}
	}
	return m, nil
}

func (s *Server) apiMeetingList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	offset, limit := apiPage(r)
	ctx, a := r.Context(), actor(r)
	var list []meeting.Meeting
	var total int
	var err error
	if memberAccount(r) {
		list, total, err = s.db.FindMemberMeetings(ctx, a, a.MemberID, offset, limit)
	} else {
		f := store.MeetingFilter{CommitteeID: queryID(r, "committee_id"), TermID: queryID(r, "term_id"),
			Sort: q.Get("sort"), Desc: q.Get("dir") == "desc", Offset: offset, Limit: limit}
		var errs app.FieldErrors
		if k := q.Get("kind"); k != "" {
			if !meeting.Kind(k).Valid() {
				errs.Add("kind", "未知的会议类型："+k)
			}
			f.Kind = meeting.Kind(k)
		}
		switch st := meeting.Status(q.Get("status")); st {
		case "", meeting.Draft, meeting.Notified, meeting.Open, meeting.Closed:
			f.Status = st
		default:
			errs.Add("status", "状态应为 draft, notified, open 或 closed")
		}
		for _, p := range []struct {
			name string
			d    *app.Date
		}{{"from", &f.From}, {"to", &f.To}} {
			d, err := app.ParseDate(q.Get(p.name))
			if err != nil {
				errs.Add(p.name, err.Error())
			}
			*p.d = d
		}
		if v := q.Get("sort"); v != "" && !slices.Contains(store.MeetingSorts, v) {
			errs.Add("sort", "不支持按“"+v+"”排序")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		list, total, err = s.db.FindMeetings(ctx, a, f)
	}
	if err != nil {
		return err
	}
	if list == nil {
		list = []meeting.Meeting{}
	}
	writeJSON(w, http.StatusOK, apiList[meeting.Meeting]{Items: list, Total: total, Offset: offset, Limit: limit})
	return nil
}

func (s *Server) apiMeetingCreate(w http.ResponseWriter, r *http.Request) error {
	var in apiMeetingCreate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.db.CreateMeeting(r.Context(), actor(r), in.CommitteeID, in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) apiMeetingGet(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// apiMeetingPatch merges the body into the meeting's current fields: what
// the body leaves out stays as it is.
func (s *Server) apiMeetingPatch(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	inv, err := s.db.FindInvitees(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	in := meetingBody(m, inv)
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err = s.db.UpdateMeeting(r.Context(), actor(r), m.ID, in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// apiMeetingChange runs a body-less change of the {id} meeting and answers
// the meeting after it.
func (s *Server) apiMeetingChange(do func(r *http.Request, id int64) (meeting.Meeting, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		m, err := s.apiMeeting(r)
		if err != nil {
			return err
		}
		if m, err = do(r, m.ID); err != nil {
			return err
		}
		s.publishMeeting(r.Context(), m.ID)
		writeJSON(w, http.StatusOK, m)
		return nil
	}
}

func (s *Server) apiMeetingOpen(w http.ResponseWriter, r *http.Request) error {
	return s.apiMeetingChange(func(r *http.Request, id int64) (meeting.Meeting, error) {
		return s.db.OpenMeeting(r.Context(), actor(r), id)
	})(w, r)
}

func (s *Server) apiMeetingClose(w http.ResponseWriter, r *http.Request) error {
	return s.apiMeetingChange(func(r *http.Request, id int64) (meeting.Meeting, error) {
		return s.db.CloseMeeting(r.Context(), actor(r), id)
	})(w, r)
}

func (s *Server) apiMeetingAttendance(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	att, err := s.db.AttendanceOf(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiAttendance{Attendance: att, Quorum: m.Quorum.Evaluate(att), Rule: m.Quorum.Text(),
		Sentence: meeting.QuorumSentence(att, m.Quorum)})
	return nil
}

func (s *Server) apiMeetingExpected(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	list, err := s.db.ExpectedMembers(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	if memberAccount(r) {
		list = slices.DeleteFunc(list, func(e store.ExpectedMember) bool { return e.MemberID != actor(r).MemberID })
	}
	writeJSON(w, http.StatusOK, pageOf(r, list))
	return nil
}

func (s *Server) apiMeetingSignIn(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	var in apiMemberBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.MemberID <= 0 {
		var errs app.FieldErrors
		errs.Add("member_id", "请选择签到的委员")
		return errs.Err()
	}
	rec, err := s.db.SignIn(r.Context(), actor(r), m.ID, in.MemberID, store.SignInClerk, time.Time{})
	if err != nil {
		return err
	}
	s.publishMeeting(r.Context(), m.ID)
	writeJSON(w, http.StatusCreated, rec)
	return nil
}

func (s *Server) apiLeaveList(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	list, err := s.db.FindLeaveRequests(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	if memberAccount(r) {
		list = slices.DeleteFunc(list, func(l store.LeaveRequest) bool { return l.MemberID != actor(r).MemberID })
	}
	writeJSON(w, http.StatusOK, pageOf(r, list))
	return nil
}

func (s *Server) apiLeaveCreate(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	var in apiLeaveBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := actor(r)
	switch {
	case memberAccount(r):
		if in.MemberID == 0 {
			in.MemberID = a.MemberID
		}
	case !can(r, auth.MeetingWrite):
		return app.Errorf(app.EFORBIDDEN, "您的角色无权代委员请假")
	case in.MemberID <= 0:
		var errs app.FieldErrors
		errs.Add("member_id", "请选择请假的委员")
		return errs.Err()
	}
	l, err := s.db.RequestLeave(r.Context(), a, m.ID, in.MemberID, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (s *Server) apiLeaveDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.db.FindLeaveRequestByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	var in apiDecisionBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Approve == nil {
		var errs app.FieldErrors
		errs.Add("approve", "请选择批准（true）或不批准（false）")
		return errs.Err()
	}
	if l, err = s.db.DecideLeave(r.Context(), actor(r), id, *in.Approve); err != nil {
		return err
	}
	s.publishMeeting(r.Context(), l.MeetingID)
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) apiAgendaList(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	items, err := s.db.FindAgendaItems(ctx, a, m.ID)
	if err != nil {
		return err
	}
	docs, err := s.db.FindAgendaDocuments(ctx, a, m.ID)
	if err != nil {
		return err
	}
	votes, err := s.db.FindVotes(ctx, a, m.ID)
	if err != nil {
		return err
	}
	out := make([]apiAgendaItem, len(items))
	for i, it := range items {
		out[i] = apiAgendaItem{AgendaItem: it, Documents: []store.AgendaDocument{}}
		for _, d := range docs {
			if d.AgendaItemID == it.ID {
				out[i].Documents = append(out[i].Documents, d)
			}
		}
		for _, v := range votes {
			if v.AgendaItemID == it.ID {
				out[i].VoteID = v.ID
			}
		}
	}
	writeJSON(w, http.StatusOK, pageOf(r, out))
	return nil
}

func (s *Server) apiAgendaCreate(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	var in store.AgendaItemInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	it, err := s.db.AddAgendaItem(r.Context(), actor(r), m.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, it)
	return nil
}

// apiAgendaItemFor finds the {id} agenda item for the caller (see apiMeeting).
func (s *Server) apiAgendaItemFor(r *http.Request) (store.AgendaItem, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return store.AgendaItem{}, err
	}
	it, err := s.db.FindAgendaItemByID(r.Context(), actor(r), id)
	if err != nil {
		return it, err
	}
	if _, err := s.meetingFor(r, it.MeetingID); err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			return it, err // the database failed: not an answer about the item
		}
		return it, app.NotFound("议程")
	}
	return it, nil
}

func (s *Server) apiAgendaPatch(w http.ResponseWriter, r *http.Request) error {
	it, err := s.apiAgendaItemFor(r)
	if err != nil {
		return err
	}
	in := store.AgendaItemInput{Seq: it.Seq, Kind: it.Kind, Title: it.Title, Note: it.Note}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if it, err = s.db.UpdateAgendaItem(r.Context(), actor(r), it.ID, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (s *Server) apiDocumentList(w http.ResponseWriter, r *http.Request) error {
	it, err := s.apiAgendaItemFor(r)
	if err != nil {
		return err
	}
	docs, err := s.db.FindAgendaDocuments(r.Context(), actor(r), it.MeetingID)
	if err != nil {
		return err
	}
	docs = slices.DeleteFunc(docs, func(d store.AgendaDocument) bool { return d.AgendaItemID != it.ID })
	writeJSON(w, http.StatusOK, pageOf(r, docs))
	return nil
}

// apiVoteOf is a vote as the API shows it (see apiVote).
func (s *Server) apiVoteOf(r *http.Request, v store.Vote) (apiVote, error) {
	out := apiVote{Vote: v, RuleText: v.Rule.Text(), Result: v.Result()}
	if v.Status == store.VoteOpen && v.Mode == store.VoteElectronic {
		out.Tally = meeting.Tally{}
		p, err := s.db.VoteProgress(r.Context(), actor(r), v.ID)
		if err != nil {
			return out, err
		}
		out.Cast = p.Cast
	}
	return out, nil
}

func (s *Server) apiVoteList(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	votes, err := s.db.FindVotes(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	out := make([]apiVote, len(votes))
	for i, v := range votes {
		if out[i], err = s.apiVoteOf(r, v); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, pageOf(r, out))
	return nil
}

func (s *Server) apiVoteOpen(w http.ResponseWriter, r *http.Request) error {
	it, err := s.apiAgendaItemFor(r)
	if err != nil {
		return err
	}
	var in apiVoteOpen
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var rule meeting.PassRule
	if in.Rule != nil {
		rule = *in.Rule
	}
	v, err := s.db.OpenVote(r.Context(), actor(r), it.ID, in.Mode, rule)
	if err != nil {
		return err
	}
	s.publishMeeting(r.Context(), v.MeetingID)
	out, err := s.apiVoteOf(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// apiVoteFor finds the {id} vote for the caller (see apiMeeting).
func (s *Server) apiVoteFor(r *http.Request) (store.Vote, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return store.Vote{}, err
	}
	v, err := s.db.FindVoteByID(r.Context(), actor(r), id)
	if err != nil {
		return v, err
	}
	if _, err := s.meetingFor(r, v.MeetingID); err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			return v, err // the database failed: not an answer about the vote
		}
		return v, app.NotFound("表决")
	}
	return v, nil
}

func (s *Server) apiVoteGet(w http.ResponseWriter, r *http.Request) error {
	v, err := s.apiVoteFor(r)
	if err != nil {
		return err
	}
	out, err := s.apiVoteOf(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiBallotCast(w http.ResponseWriter, r *http.Request) error {
	v, err := s.apiVoteFor(r)
	if err != nil {
		return err
	}
	var in apiBallotBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := actor(r)
	if a.MemberID == 0 {
		return app.Errorf(app.EFORBIDDEN, "只有委员本人可以使用本人账号表决")
	}
	if err := s.db.CastBallot(r.Context(), a, v.ID, a.MemberID, in.Choice); err != nil {
		return err
	}
	s.publishMeeting(r.Context(), v.MeetingID)
	writeJSON(w, http.StatusCreated, apiBallot{VoteID: v.ID, MemberID: a.MemberID, Choice: in.Choice})
	return nil
}

func (s *Server) apiVoteHands(w http.ResponseWriter, r *http.Request) error {
	v, err := s.apiVoteFor(r)
	if err != nil {
		return err
	}
	var in apiHandsBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if v, err = s.db.RecordHands(r.Context(), actor(r), v.ID, meeting.Tally{For: in.For, Against: in.Against,
		Abstain: in.Abstain}); err != nil {
		return err
	}
	s.publishMeeting(r.Context(), v.MeetingID)
	out, err := s.apiVoteOf(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiVoteClose(w http.ResponseWriter, r *http.Request) error {
	v, err := s.apiVoteFor(r)
	if err != nil {
		return err
	}
	if v, err = s.db.CloseVote(r.Context(), actor(r), v.ID); err != nil {
		return err
	}
	s.publishMeeting(r.Context(), v.MeetingID)
	out, err := s.apiVoteOf(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
