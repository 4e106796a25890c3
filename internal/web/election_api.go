package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/election"
	"xieshang/internal/store"
)

// The elections' JSON API, with the same store calls (and so the same
// validation, scoping and secrecy) as the pages. Every handler looks its {id}
// record up before it reads the body, except where the store call itself
// does so first (offices, the ballot's hot path).

// apiOfficeBody is an office's fields in a request.
type apiOfficeBody = store.OfficeInput

type apiCandidatesBody struct {
	MemberIDs []int64 `json:"member_ids"` // in ballot order
}

type apiScrutineer struct {
	MemberID int64                `json:"member_id"`
	Duty     store.ScrutineerDuty `json:"duty"` // chief_scrutineer, scrutineer, chief_teller, teller
}

type apiScrutineersBody struct {
	Scrutineers []apiScrutineer `json:"scrutineers"`
}

type apiConfirmBody struct {
	EffectiveDate app.Date `json:"effective_date"` // "" for the sitting's day
}

// apiBallotOffice is one office's part of an electronic ballot: a mark per
// candidate in list order, then the members written in.
type apiBallotOffice struct {
	Marks    []string `json:"marks"`     // for, against, abstain or blank ("" is blank)
	WriteIns []int64  `json:"write_ins"` // member ids (另选他人), when the rules allow
}

// apiBallotPaper is one ballot paper: its offices in order.
type apiBallotPaper struct {
	Offices []apiBallotOffice `json:"offices"`
}

// apiElectionBallot is the member's electronic ballot: every paper, in order.
type apiElectionBallot struct {
	Papers []apiBallotPaper `json:"papers"`
}

// apiReceipt answers a cast ballot: the receipt code, shown only now.
type apiReceipt struct {
	Receipt string `json:"receipt"`
}

type apiEntriesBody struct {
	Paper int      `json:"paper"`
	Pass  int      `json:"pass"`  // 1 or 2
	Lines []string `json:"lines"` // one ballot each, in the keypad format
}

type apiEntriesResult struct {
	Paper int `json:"paper"`
	Pass  int `json:"pass"`
	Count int `json:"count"` // ballots in the pass after the batch
}

type apiResolveBody struct {
	Paper int    `json:"paper"`
	Seq   int    `json:"seq"`
	Line  string `json:"line"` // the ballot as read from the paper: both passes are set to it
}

type apiReceiptBody struct {
	Code string `json:"code"`
}

// apiTally is the signed tally: per paper, with the report and its sentence.
type apiTally struct {
	Signed   bool             `json:"signed"`
	Tallies  []election.Tally `json:"tallies"`
	Report   []string         `json:"report"`   // 计票结果报告, line by line
	Sentence string           `json:"sentence"` // 选举…为…
}

type apiIssueBody struct {
	MemberID int64 `json:"member_id"`
}

func (s *Server) electionAPIRoutes() []Route {
	read, write := auth.MeetingRead, auth.MeetingWrite
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "选举"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	paperQ := APIParam{Name: "paper", Type: "integer", Description: "第几张选票（从1起）"}
	return []Route{
		api("GET", "/meetings/{id}/elections", read, APIDoc{Summary: "大会会次的选举，按创建先后；委员本人账号只能看到本人应出席的会次",
			Response: apiList[store.Election]{}, Query: pageParams}, s.apiElectionList),
		api("POST", "/meetings/{id}/elections", write, APIDoc{Summary: "在全体会议的一次大会上新建选举（mode：paper 纸质选票，electronic 电子投票；rules 缺省为默认选举办法），议程增加选举办法和监票人名单两项",
			Request: store.ElectionInput{}, Response: store.Election{}, Status: http.StatusCreated}, s.apiElectionCreate),
		api("GET", "/elections/{id}", read, APIDoc{Summary: "读取选举：规则、职务和候选人、监票人、两项议程是否通过、票数", Response: store.Election{}},
			s.apiElectionGet),
		api("PATCH", "/elections/{id}", write, APIDoc{Summary: "修改选举名称、投票方式和选举办法：只改提交的字段；选举办法付表决后不能修改",
			Request: store.ElectionInput{}, Response: store.Election{}}, s.apiElectionPatch),
		api("POST", "/elections/{id}/offices", write, APIDoc{Summary: "增加选举职务（paper 为 0 时为第1张选票，seq 为 0 时排在最后；role：chair, vice_chair, secretary_general, standing 或空）",
			Request: apiOfficeBody{}, Response: election.Office{}, Status: http.StatusCreated}, s.apiOfficeAdd),
		api("PATCH", "/offices/{id}", write, APIDoc{Summary: "修改选举职务：须提交全部字段（paper, seq, name, role, seats, competitive）",
			Request: apiOfficeBody{}, Response: election.Office{}}, s.apiOfficePatch),
		api("DELETE", "/offices/{id}", write, APIDoc{Summary: "删除选举职务及其候选人（选举办法付表决前）", Status: http.StatusNoContent},
			s.apiOfficeDelete),
		api("PUT", "/offices/{id}/candidates", write, APIDoc{Summary: "设置职务的候选人（按选票顺序，本届委员；监票人不能作为候选人）",
			Request: apiCandidatesBody{}, Status: http.StatusNoContent}, s.apiCandidatesPut),
		api("PUT", "/elections/{id}/scrutineers", write, APIDoc{Summary: "设置总监票人、监票人、总计票人、计票人（候选人不能担任；至少一名总监票人和一名监票人）",
			Request: apiScrutineersBody{}, Response: store.Election{}}, s.apiScrutineersPut),
		api("POST", "/elections/{id}/open", write, APIDoc{Summary: "发放选票：须会议已开始、选举办法和监票人名单已表决通过、出席人数符合选举办法",
			Response: store.Election{}}, s.apiElectionChange(s.db.OpenElection)),
		api("POST", "/elections/{id}/issue", write, APIDoc{Summary: "向发票后签到的委员补发选票", Request: apiIssueBody{},
			Response: store.Election{}}, s.apiElectionIssue),
		api("POST", "/elections/{id}/close", write, APIDoc{Summary: "结束投票，进入计票", Response: store.Election{}},
			s.apiElectionChange(s.db.CloseElectionVoting)),
		api("POST", "/elections/{id}/sign", read, APIDoc{Summary: "总监票人签字（或会务工作人员代签）：计票并固定结果；两遍录入不一致时拒绝",
			Response: store.Election{}}, s.apiElectionChange(s.db.SignTally)),
		api("POST", "/elections/{id}/confirm", write, APIDoc{Summary: "确认选举结果：当选人员自任职日期（缺省为选举当日）起担任相应职务",
			Request: apiConfirmBody{}, Response: store.Election{}}, s.apiElectionConfirm),
		api("POST", "/elections/{id}/ballots", read, APIDoc{Summary: "委员本人电子投票（每人一次，全部选票一并提交）；marks 为 for, against, abstain 或 blank；答复回执码，只显示这一次",
			Request: apiElectionBallot{}, Response: apiReceipt{}, Status: http.StatusCreated}, s.apiElectionBallotCast),
		api("GET", "/elections/{id}/progress", read, APIDoc{Summary: "发出和收回的选票数（投票中只有收回张数，不显示票数）",
			Response: store.ElectionProgress{}}, s.apiElectionProgress),
		api("POST", "/elections/{id}/entries", read, APIDoc{Summary: "录入纸质选票（一批，每行一张，按键盘录入格式）；有一行无法识别时整批不保存，逐行说明原因",
			Request: apiEntriesBody{}, Response: apiEntriesResult{}, Status: http.StatusCreated}, s.apiEntriesAppend),
		api("GET", "/elections/{id}/entries", read, APIDoc{Summary: "某张选票某一遍的录入，按序号",
			Response: apiList[store.Entry]{}, Query: append([]APIParam{paperQ,
				{Name: "pass", Type: "integer", Description: "遍次：1 或 2"}}, pageParams...)}, s.apiEntriesList),
		api("GET", "/elections/{id}/differences", read, APIDoc{Summary: "两遍录入不一致之处（序号、第一遍、第二遍）",
			Response: apiList[election.Difference]{}, Query: append([]APIParam{paperQ}, pageParams...)}, s.apiDifferences),
		api("POST", "/elections/{id}/resolve", write, APIDoc{Summary: "按选票原件更正：两遍的该序号都改为提交的内容；答复其余的不一致之处",
			Request: apiResolveBody{}, Response: apiList[election.Difference]{}}, s.apiResolve),
		api("GET", "/elections/{id}/tally", read, APIDoc{Summary: "签字后的计票结果：每张选票、每个职务、每位候选人的赞成、反对、弃权票及当选情况，计票结果报告",
			Response: apiTally{}}, s.apiTallyGet),
		api("POST", "/elections/{id}/receipt", read, APIDoc{Summary: "查询回执码：该选票是否已收到、是否已计票（不显示选票内容）",
			Request: apiReceiptBody{}, Response: store.ReceiptCheck{}}, s.apiReceiptCheck),
	}
}

func (s *Server) apiElectionList(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	list, err := s.db.FindElections(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, list))
	return nil
}

func (s *Server) apiElectionCreate(w http.ResponseWriter, r *http.Request) error {
	m, err := s.apiMeeting(r)
	if err != nil {
		return err
	}
	var in store.ElectionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := s.db.CreateElection(r.Context(), actor(r), m.ID, in)
	if err != nil {
		return err
	}
	s.publishMeeting(r.Context(), m.ID)
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) apiElectionGet(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// apiElectionPatch merges the body into the election's current title, mode
// and rules.
func (s *Server) apiElectionPatch(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	in := store.ElectionInput{Title: e.Title, Mode: e.Mode, Rules: e.Rules}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if e, err = s.db.UpdateElection(r.Context(), actor(r), e.ID, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) apiOfficeAdd(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	var in apiOfficeBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o, err := s.db.AddOffice(r.Context(), actor(r), e.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) apiOfficePatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiOfficeBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o, err := s.db.UpdateOffice(r.Context(), actor(r), id, in) // looks the office up before checking the body
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiOfficeDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.RemoveOffice(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiCandidatesPut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiCandidatesBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.SetCandidates(r.Context(), actor(r), id, in.MemberIDs); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiScrutineersPut(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	var in apiScrutineersBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	list := make([]store.ElectionScrutineer, len(in.Scrutineers))
	for i, sc := range in.Scrutineers {
		list[i] = store.ElectionScrutineer{MemberID: sc.MemberID, Duty: sc.Duty}
	}
	if err := s.db.SetScrutineers(r.Context(), actor(r), e.ID, list); err != nil {
		return err
	}
	if e, err = s.db.FindElectionByID(r.Context(), actor(r), e.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// apiElectionChange runs a body-less change of the {id} election, tells the
// sitting's board and answers the election after it.
func (s *Server) apiElectionChange(do func(context.Context, app.Actor, int64) (store.Election, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, err := s.pathElection(r)
		if err != nil {
			return err
		}
		if e, err = do(r.Context(), actor(r), e.ID); err != nil {
			return err
		}
		s.publishMeeting(r.Context(), e.MeetingID)
		writeJSON(w, http.StatusOK, e)
		return nil
	}
}

func (s *Server) apiElectionIssue(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	var in apiIssueBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.MemberID <= 0 {
		var errs app.FieldErrors
		errs.Add("member_id", "请选择补发选票的委员")
		return errs.Err()
	}
	if err := s.db.IssueBallot(r.Context(), actor(r), e.ID, in.MemberID); err != nil {
		return err
	}
	s.publishMeeting(r.Context(), e.MeetingID)
	if e, err = s.db.FindElectionByID(r.Context(), actor(r), e.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) apiElectionConfirm(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	var in apiConfirmBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if e, err = s.db.ConfirmElection(r.Context(), actor(r), e.ID, in.EffectiveDate); err != nil {
		return err
	}
	s.publishMeeting(r.Context(), e.MeetingID)
	writeJSON(w, http.StatusOK, e)
	return nil
}

// apiMarks are the marks a JSON ballot may carry.
var apiMarks = map[string]election.Mark{"for": election.MarkFor, "against": election.MarkAgainst,
	"abstain": election.MarkAbstain, "blank": election.MarkBlank, "": election.MarkBlank}

// ballots converts a JSON ballot; unknown marks are field errors.
func (b apiElectionBallot) ballots() ([]election.Ballot, error) {
	out := make([]election.Ballot, len(b.Papers))
	var errs app.FieldErrors
	for p, paper := range b.Papers {
		out[p].Sections = make([]election.Section, len(paper.Offices))
		for o, off := range paper.Offices {
			sec := &out[p].Sections[o]
			sec.Marks = make([]election.Mark, len(off.Marks))
			for i, m := range off.Marks {
				mk, ok := apiMarks[m]
				if !ok {
					errs.Add("papers", fmt.Sprintf("第%d张选票第%d个职务第%d个标记应为 for、against、abstain 或 blank", p+1, o+1, i+1))
				}
				sec.Marks[i] = mk
			}
			for _, id := range off.WriteIns {
				sec.WriteIns = append(sec.WriteIns, election.WriteIn{MemberID: id})
			}
		}
	}
	return out, errs.Err()
}

// apiElectionBallotCast is the hot path (thousands of ballots a second):
// decode, one store call (which finds the election from its cache and
// refuses an unknown one as not found), a small answer. Only a caller that
// is not a member's own account costs a lookup, to answer 404 or 403.
func (s *Server) apiElectionBallotCast(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actor(r)
	self := a.MemberID != 0 && memberAccount(r)
	if !self {
		if _, err := s.db.FindElectionByID(r.Context(), a, id); err != nil {
			return err
		}
	}
	var in apiElectionBallot
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if !self {
		return app.Errorf(app.EFORBIDDEN, "只有委员本人可以使用本人账号投票")
	}
	ballots, err := in.ballots()
	if err != nil {
		return err
	}
	code, err := s.db.CastElectionBallot(r.Context(), a, id, a.MemberID, ballots)
	if err != nil {
		return err
	}
	if meetingID, ok := s.electionMeetingOf(r.Context(), a, id); ok {
		s.publishMeeting(r.Context(), meetingID)
	}
	writeJSON(w, http.StatusCreated, apiReceipt{Receipt: code})
	return nil
}

func (s *Server) apiElectionProgress(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.db.ElectionProgressOf(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiEntriesAppend(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	var in apiEntriesBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n, err := s.db.AppendEntries(r.Context(), actor(r), e.ID, in.Paper, in.Pass, in.Lines)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiEntriesResult{Paper: in.Paper, Pass: in.Pass, Count: n})
	return nil
}

// queryNumber reads a required positive number from the query string.
func queryNumber(r *http.Request, name, what string, errs *app.FieldErrors) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil || n <= 0 || n > 99 {
		errs.Add(name, "请指定"+what)
		return 0
	}
	return n
}

func (s *Server) apiEntriesList(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	var errs app.FieldErrors
	paper := queryNumber(r, "paper", "第几张选票", &errs)
	pass := queryNumber(r, "pass", "录入遍次（1 或 2）", &errs)
	if err := errs.Err(); err != nil {
		return err
	}
	list, err := s.db.FindEntries(r.Context(), actor(r), e.ID, paper, pass)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, list))
	return nil
}

func (s *Server) apiDifferences(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	var errs app.FieldErrors
	paper := queryNumber(r, "paper", "第几张选票", &errs)
	if err := errs.Err(); err != nil {
		return err
	}
	list, err := s.db.CompareEntries(r.Context(), actor(r), e.ID, paper)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, list))
	return nil
}

func (s *Server) apiResolve(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	var in apiResolveBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.ResolveEntry(r.Context(), actor(r), e.ID, in.Paper, in.Seq, in.Line); err != nil {
		return err
	}
	list, err := s.db.CompareEntries(r.Context(), actor(r), e.ID, in.Paper)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, list))
	return nil
}

func (s *Server) apiTallyGet(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	tallies, err := s.db.FindTally(r.Context(), actor(r), e.ID)
	if err != nil {
		return err
	}
	out := apiTally{Signed: len(tallies) > 0, Tallies: tallies, Report: []string{}}
	if out.Tallies == nil {
		out.Tallies = []election.Tally{}
	}
	if len(tallies) > 0 {
		name := s.committeeName(r.Context(), actor(r), e.CommitteeID)
		out.Report = election.ReportLines(name, tallies)
		out.Sentence = election.ResultSentence(name, tallies)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiReceiptCheck(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	var in apiReceiptBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rc, err := s.db.CheckReceipt(r.Context(), actor(r), e.ID, in.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rc)
	return nil
}
