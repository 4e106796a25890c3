package web

import (
	"net/http"
	"strconv"
	"sync"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// The member's electronic ballot on a phone (all papers in one form; the
// receipt code shown once) and the receipt check. Routes are in
// electionRoutes; the JSON ballot is in election_api.go.

// electionKey names an election of one server, for electionMeetings.
type electionKey struct {
	s  *Server
	id int64
}

// electionMeetings caches election → sitting (see electionMeetingOf).
var electionMeetings sync.Map

// maxWriteInSlots is the most write-in selects an office shows on a phone.
const maxWriteInSlots = 5

func markField(officeID int64, i int) string {
	return "m-" + app.Itoa(officeID) + "-" + strconv.Itoa(i)
}

func writeInField(officeID int64, k int) string {
	return "w-" + app.Itoa(officeID) + "-" + strconv.Itoa(k)
}

// writeInSlots is how many write-ins an office's part of the ballot offers.
func writeInSlots(rr election.Rules, o election.Office) int {
	if rr.WriteIns == election.WriteInNone {
		return 0
	}
	return min(len(o.Candidates), maxWriteInSlots)
}

// ballotBlocked says why the member cannot vote now ("" when it can).
func (s *Server) ballotBlocked(r *http.Request, e store.Election) (string, int, error) {
	a := actor(r)
	switch {
	case !memberAccount(r) || a.MemberID == 0:
		return "只有委员本人可以使用本人账号投票", http.StatusForbidden, nil
	case e.Mode != election.Electronic:
		return "本次选举使用纸质选票，请在会场填写选票", http.StatusConflict, nil
	case e.Status == election.Draft:
		return "选举尚未开始投票", http.StatusConflict, nil
	case e.Status != election.Voting:
		return "投票已结束，不能再投票", http.StatusConflict, nil
	}
	st, err := s.db.VoterStatusOf(r.Context(), a, e.ID, a.MemberID)
	if err != nil {
		return "", 0, err
	}
	switch {
	case !st.Received:
		return "您没有领取本次选举的选票（须先在会议签到，由工作人员发放选票）", http.StatusConflict, nil
	case st.Returned:
		return "您已投票，不能重复投票。可凭回执码查询选票是否已计入结果。", http.StatusConflict, nil
	}
	return "", http.StatusOK, nil
}

// renderElectionBallot renders the ballot form; after a refused ballot the
// member's choices are kept.
func (s *Server) renderElectionBallot(w http.ResponseWriter, r *http.Request, e store.Election, status int, d view.ElectionBallotView) error {
	d.Head = electionHead(e)
	if d.Blocked == "" && d.Receipt == "" {
		posted := r.PostForm
		for _, n := range election.Papers(e.Offices) {
			bp := view.BallotPaper{N: n}
			for _, o := range election.PaperOffices(e.Offices, n) {
				bo := view.BallotOffice{Name: o.Name, Seats: o.Seats, Competitive: o.Competitive}
				for i, c := range o.Candidates {
					f := markField(o.ID, i)
					bo.Candidates = append(bo.Candidates, view.BallotCandidate{Field: f, Name: c.Name, Choice: posted.Get(f)})
				}
				for k := range writeInSlots(e.Rules, o) {
					f := writeInField(o.ID, k)
					bo.WriteIns = append(bo.WriteIns, view.BallotWriteIn{Field: f, Value: posted.Get(f), Error: d.Errs.Get(f)})
				}
				bp.Offices = append(bp.Offices, bo)
			}
			d.Papers = append(d.Papers, bp)
		}
	}
	return render(w, r, status, view.ElectionBallotPage(page(r, "电子选票", "meetings"), d))
}

func (s *Server) electionBallot(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	blocked, status, err := s.ballotBlocked(r, e)
	if err != nil {
		return err
	}
	return s.renderElectionBallot(w, r, e, status, view.ElectionBallotView{Blocked: blocked})
}

// ballotsFromForm reads the member's ballots (one per paper) from the form.
// A write-in is a name typed by the member, resolved against the sitting's
// members (resolveNames: "姓名#编号" picks one of namesakes); the members
// are read only when a name was written.
func (s *Server) ballotsFromForm(r *http.Request, f *form, e store.Election) ([]election.Ballot, error) {
	var people []store.ExpectedMember
	writeIn := func(field string) (int64, error) {
		text := f.Str(field)
		if text == "" {
			return 0, nil
		}
		if people == nil {
			var err error
			if people, err = s.db.ExpectedMembers(r.Context(), actor(r), e.MeetingID); err != nil {
				return 0, err
			}
		}
		ids, errs := resolveNames(text, field, people)
		if len(errs) > 0 || len(ids) != 1 {
			if len(errs) == 0 {
				errs.Add(field, "每栏只写一位另选人")
			}
			f.Errs = append(f.Errs, errs...)
			return 0, nil
		}
		return ids[0], nil
	}
	return ballotsFrom(f, e, writeIn)
}

func ballotsFrom(f *form, e store.Election, writeIn func(field string) (int64, error)) ([]election.Ballot, error) {
	var out []election.Ballot
	for _, n := range election.Papers(e.Offices) {
		var b election.Ballot
		for _, o := range election.PaperOffices(e.Offices, n) {
			sec := election.Section{Marks: make([]election.Mark, len(o.Candidates))}
			for i := range o.Candidates {
				name := markField(o.ID, i)
				switch v := f.Str(name); v {
				case "":
					sec.Marks[i] = election.MarkBlank
				case "1", "2", "3":
					sec.Marks[i] = election.Mark(v[0])
				default:
					f.Errs.Add(name, "选择无效")
				}
			}
			for k := range writeInSlots(e.Rules, o) {
				id, err := writeIn(writeInField(o.ID, k))
				if err != nil {
					return nil, err
				}
				if id != 0 {
					sec.WriteIns = append(sec.WriteIns, election.WriteIn{MemberID: id})
				}
			}
			b.Sections = append(b.Sections, sec)
		}
		out = append(out, b)
	}
	return out, nil
}

func (s *Server) electionBallotPost(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	blocked, status, err := s.ballotBlocked(r, e)
	if err != nil {
		return err
	}
	if blocked != "" {
		return s.renderElectionBallot(w, r, e, status, view.ElectionBallotView{Blocked: blocked})
	}
	ballots, err := s.ballotsFromForm(r, f, e)
	if err != nil {
		return err
	}
	if err := f.Errs.Err(); err != nil {
		return s.renderElectionBallot(w, r, e, formStatus(err), view.ElectionBallotView{Msg: "选票填写有误，请改正后再提交",
			Errs: f.Errs})
	}
	a := actor(r)
	code, err := s.db.CastElectionBallot(r.Context(), a, e.ID, a.MemberID, ballots)
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderElectionBallot(w, r, e, formStatus(err), view.ElectionBallotView{Msg: app.ErrorMessage(err)})
	}
	s.publishMeeting(r.Context(), e.MeetingID) // the board: how many have voted
	return s.renderElectionBallot(w, r, e, http.StatusOK, view.ElectionBallotView{Receipt: code})
}

// --- receipts ---

func (s *Server) electionReceipt(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.ElectionReceiptPage(page(r, "回执查询", "meetings"),
		view.ReceiptView{Head: electionHead(e)}))
}

// receiptResult is what a receipt check says, never the ballot's content.
func receiptResult(rc store.ReceiptCheck) (string, bool) {
	switch {
	case !rc.Found:
		return "未找到该回执码对应的选票，请核对回执码。", false
	case rc.Counted:
		return "该回执码对应的选票已计入计票结果。", true
	}
	return "已收到该回执码对应的选票，计票结果尚未签字。", true
}

func (s *Server) electionReceiptPost(w http.ResponseWriter, r *http.Request) error {
	e, err := s.pathElection(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	d := view.ReceiptView{Head: electionHead(e), Code: f.Str("code")}
	status := http.StatusOK
	rc, err := s.db.CheckReceipt(r.Context(), actor(r), e.ID, d.Code)
	switch {
	case err == nil:
		d.Result, d.OK = receiptResult(rc)
	case formError(err):
		status = formStatus(err)
		d.Error = app.ErrorFields(err).Get("code")
		if d.Error == "" {
			d.Error = app.ErrorMessage(err)
		}
	default:
		return err
	}
	return render(w, r, status, view.ElectionReceiptPage(page(r, "回执查询", "meetings"), d))
}
