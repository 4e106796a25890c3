package web

// A handling unit's proposals (/unit/proposals): what the office assigned
// to the account's unit, grouped by what it needs — to sign for (or ask to
// return), in hand, replies returned for rework, replies awaiting the check
// and the proposer's rating, done — with the sign-by day, the reply
// deadline and overdue flags; and one proposal as the unit sees it, with
// the unit's own part, the parts of the units co-assigned with it, every
// reply with the office's verdict, and the forms to sign, ask to return and
// reply. Another unit's proposal answers 404 (the store decides).

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/workflow"
)

func (s *Server) unitProposalRoutes() []Route {
	u := auth.UnitReply
	return []Route{
		{Method: "GET", Pattern: "/unit/proposals", Perm: u, Handle: s.unitProposalList},
		{Method: "GET", Pattern: "/unit/proposals/{id}", Perm: u, Handle: s.unitProposalShow},
		{Method: "POST", Pattern: "/unit/proposals/{id}/sign", Perm: u, Handle: s.unitProposalSign},
		{Method: "POST", Pattern: "/unit/proposals/{id}/return", Perm: u, Handle: s.unitProposalReturn},
		{Method: "POST", Pattern: "/unit/proposals/{id}/reply", Perm: u, Handle: s.unitProposalReply},
		{Method: "GET", Pattern: "/unit/proposals/files/{id}", Perm: u, Handle: s.proposalFileGet},
	}
}

// unitOpen reports whether an assignment still waits for the unit.
func unitOpen(status string) bool {
	return status == store.PAAssigned || status == store.PAReturnAsked || status == store.PASigned || status == store.PAReturned
}

// countUnitProposals counts a unit's assignments by what they need.
func countUnitProposals(as []store.ProposalAssignment) view.UnitProposalCounts {
	var c view.UnitProposalCounts
	for _, a := range as {
		switch a.Status {
		case store.PAAssigned, store.PAReturnAsked:
			c.ToSign++
		case store.PASigned:
			c.InHand++
		case store.PAReturned:
			c.Returned++
		case store.PAReplied:
			c.Awaiting++
		case store.PARated:
			c.Done++
		}
		if a.Overdue {
			c.Overdue++
		}
	}
	return c
}

// unitProposalCounts are the counts on the unit's inbox (/unit).
func (s *Server) unitProposalCounts(r *http.Request) (view.UnitProposalCounts, error) {
	as, err := s.db.FindUnitProposals(r.Context(), actor(r), store.UnitProposalFilter{})
	if err != nil {
		return view.UnitProposalCounts{}, err
	}
	return countUnitProposals(as), nil
}

func unitRole(lead bool) string {
	if lead {
		return "主办"
	}
	return "会办"
}

func (s *Server) unitProposalRow(a store.ProposalAssignment, returned map[int64]string) view.UnitProposalRow {
	row := view.UnitProposalRow{ProposalID: a.ProposalID, Number: a.Number, Title: a.Title, Role: unitRole(a.Lead),
		Status: a.StatusLabel, StatusCode: a.Status, AssignedOn: app.DateOf(a.AssignedAt.In(s.db.Loc)).String(),
		SignBy: a.SignBy, Deadline: a.Deadline, Overdue: a.Overdue, Returned: returned[a.ID]}
	if a.Status == store.PAReturnAsked {
		row.ReturnAsked = a.ReturnReason
	}
	if a.Grade != "" {
		row.Grade = a.Grade.Label()
	}
	if a.Satisfaction != "" {
		row.Satisfaction, row.Contact = a.Satisfaction.Label(), a.Contact.Label()
	}
	return row
}

// unitSections are the groups of the unit's list, in the order shown.
var unitSections = []struct {
	key, title, hint string
	statuses         []string
}{
	{"to-sign", "待签收", "请在签收期限内签收；不属于本单位职责的，填写理由申请退回。", []string{store.PAAssigned, store.PAReturnAsked}},
	{"returned", "答复退回重办", "政协提案委退回了本单位的答复，请按退回理由重新办理并答复。", []string{store.PAReturned}},
	{"in-hand", "办理中", "已签收，请在答复期限内答复；主办单位须注明办理类别并上传答复文件。", []string{store.PASigned}},
	{"replied", "已答复，待审核", "", []string{store.PAReplied}},
	{"done", "已办结（提案人已评价）", "", []string{store.PARated}},
}

func (s *Server) unitProposalList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	filter := r.URL.Query().Get("show")
	if filter != "all" && filter != "overdue" {
		filter = "open"
	}
	as, err := s.db.FindUnitProposals(ctx, a, store.UnitProposalFilter{})
	if err != nil {
		return err
	}
	returned, err := s.db.FindUnitReturnReasons(ctx, a)
	if err != nil {
		return err
	}
	d := view.UnitProposals{Filter: filter, Counts: countUnitProposals(as)}
	if u, err := s.db.FindUnitByID(ctx, app.System, a.UnitID); err == nil {
		d.Unit = u.Name
	}
	for _, sec := range unitSections {
		out := view.UnitProposalSection{Key: sec.key, Title: sec.title, Hint: sec.hint}
		for _, x := range as {
			if !slices.Contains(sec.statuses, x.Status) || (filter == "open" && !unitOpen(x.Status)) ||
				(filter == "overdue" && !x.Overdue) {
				continue
			}
			out.Rows = append(out.Rows, s.unitProposalRow(x, returned))
		}
		if len(out.Rows) > 0 {
			d.Sections = append(d.Sections, out)
		}
	}
	return render(w, r, http.StatusOK, view.UnitProposalsPage(page(r, "交办的提案", "unit"), d))
}

func (s *Server) unitProposalShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderUnitProposal(w, r, id, http.StatusOK, "", nil, nil)
}

func proposalFileRows(fs []store.ProposalFile) []view.ProposalFileRow {
	var out []view.ProposalFileRow
	for _, f := range fs {
		out = append(out, view.ProposalFileRow{ID: f.ID, Name: f.FileName, Size: store.SizeText(f.Size)})
	}
	return out
}

// unitPart is one unit's part of a proposal for the page.
func (s *Server) unitPart(a store.ProposalAssignment) view.UnitProposalPart {
	part := view.UnitProposalPart{Unit: a.UnitName, Role: unitRole(a.Lead), Lead: a.Lead, Status: a.StatusLabel,
		StatusCode: a.Status, AssignedOn: app.DateOf(a.AssignedAt.In(s.db.Loc)).String(), SignBy: a.SignBy,
		SignedAt: s.dateTime(a.SignedAt), Deadline: a.Deadline, Overdue: a.Overdue, ReturnReason: a.ReturnReason,
		RatingNote: a.RatingNote}
	if a.Withdrawn {
		part.Status, part.StatusCode, part.Overdue = store.PAStatusLabel(store.PAWithdrawn), store.PAWithdrawn, false
	}
	if a.Grade != "" {
		part.Grade = a.Grade.Label()
	}
	if a.Satisfaction != "" {
		part.Satisfaction, part.Contact = a.Satisfaction.Label(), a.Contact.Label()
	}
	for i, rp := range a.Replies {
		row := view.UnitProposalReply{Seq: i + 1, At: s.dateTime(rp.At), Actor: rp.Actor, GradeReason: rp.GradeReason,
			Body: rp.Body, VerdictReason: rp.VerdictReason, VerdictActor: rp.VerdictActor, Files: proposalFileRows(rp.Files)}
		if rp.Grade != "" {
			row.Grade = rp.Grade.Label()
		}
		switch {
		case rp.Verdict == "returned":
			row.Verdict, row.VerdictCode = "退回重办", "returned"
		case i < len(a.Replies)-1:
		case a.Status == store.PAReplied:
			row.Verdict, row.VerdictCode = "待审核", "pending"
		case a.Status == store.PARated:
			row.Verdict, row.VerdictCode = "提案人已评价", "rated"
		}
		part.Replies = append(part.Replies, row)
	}
	return part
}

// renderUnitProposal renders the unit's page of a proposal; after a refused
// form, active names it, posted holds what was typed and err says why.
func (s *Server) renderUnitProposal(w http.ResponseWriter, r *http.Request, id int64, status int, active string,
	posted map[string]string, err error) error {
	ctx, a := r.Context(), actor(r)
	p, ferr := s.db.FindProposalByID(ctx, a, id)
	if ferr != nil {
		return ferr
	}
	work, ferr := s.db.FindProposalWork(ctx, a, id)
	if ferr != nil {
		return ferr
	}
	next, ferr := s.db.ProposalNext(ctx, a, p)
	if ferr != nil {
		return ferr
	}
	d := view.UnitProposal{ID: p.ID, Number: p.Number, Title: p.Title, Committee: p.CommitteeName, Proposer: p.Proposer,
		Category: p.Category, SubmittedOn: p.SubmittedOn, State: p.StateLabel, Reason: p.Reason, Suggestions: p.Suggestions,
		Files: proposalFileRows(work.Files), Active: active, Posted: posted}
	if p.IsKey() {
		d.Key = fmt.Sprintf("%d年度重点提案", p.KeyYear)
	}
	var names []string
	for _, c := range work.Cosigners {
		names = append(names, c.Name)
	}
	d.Cosigners = strings.Join(names, "、")
	// The unit's own assignment: the active one, else the one it gave back.
	mine := -1
	for i, x := range work.Assignments {
		if x.UnitID == a.UnitID && (mine < 0 || work.Assignments[mine].Withdrawn && !x.Withdrawn) {
			mine = i
		}
	}
	if mine < 0 {
		return app.NotFound("提案")
	}
	own := work.Assignments[mine]
	d.Mine = s.unitPart(own)
	for i, x := range work.Assignments {
		if i != mine && !x.Withdrawn {
			d.Others = append(d.Others, s.unitPart(x))
		}
	}
	if !own.Withdrawn {
		d.CanSign = own.Status == store.PAAssigned
		d.CanAskReturn = own.Status == store.PAAssigned && (p.State == proposal.ReturnAsked ||
			slices.ContainsFunc(next, func(t workflow.Transition) bool { return t.To == proposal.ReturnAsked }))
		d.CanReply = own.Status == store.PASigned || own.Status == store.PAReturned
	}
	if err != nil {
		d.Errs, d.Msg = app.ErrorFields(err), fieldlessMessage(err)
	}
	return render(w, r, status, view.UnitProposalPage(page(r, p.Title, "unit"), d))
}

// unitProposalAction runs a unit's step on a proposal it sees: the step
// gets the parsed form and returns what was typed and the outcome; a
// refused step re-renders the page with the form's reasons (4xx), a done
// one redirects with the flash key ok.
func (s *Server) unitProposalAction(w http.ResponseWriter, r *http.Request, active, ok string,
	step func(id int64, f *form) (map[string]string, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindProposalByID(r.Context(), actor(r), id); err != nil {
		return err // another unit's proposal: 404 before anything is read
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	posted, err := step(id, f)
	if err != nil {
		err = f.merge(err)
		if !formError(err) {
			return err
		}
		return s.renderUnitProposal(w, r, id, formStatus(err), active, posted, err)
	}
	return redirect(w, r, "/unit/proposals/"+app.Itoa(id)+"?ok="+ok)
}

func (s *Server) unitProposalSign(w http.ResponseWriter, r *http.Request) error {
	return s.unitProposalAction(w, r, "sign", "proposal_signed", func(id int64, f *form) (map[string]string, error) {
		return nil, s.db.SignProposal(r.Context(), actor(r), id, 0)
	})
}

func (s *Server) unitProposalReturn(w http.ResponseWriter, r *http.Request) error {
	return s.unitProposalAction(w, r, "return", "proposal_return_asked", func(id int64, f *form) (map[string]string, error) {
		note := f.Str("note")
		posted := map[string]string{"note": note}
		if len(f.Errs) > 0 {
			return posted, f.Errs.Err()
		}
		return posted, s.db.AskReturn(r.Context(), actor(r), id, note)
	})
}

func (s *Server) unitProposalReply(w http.ResponseWriter, r *http.Request) error {
	return s.unitProposalAction(w, r, "reply", "reply_sent", func(id int64, f *form) (map[string]string, error) {
		in := store.ProposalReplyInput{Grade: proposal.Grade(f.Str("grade")), Reason: f.Str("reason"), Body: f.Str("body")}
		posted := map[string]string{"grade": string(in.Grade), "reason": in.Reason, "body": in.Body}
		doc, err := s.oneUpload(r, "document")
		if err != nil {
			return posted, err
		}
		if len(f.Errs) > 0 {
			return posted, f.Errs.Err()
		}
		return posted, s.db.ReplyProposal(r.Context(), actor(r), id, 0, in, doc)
	})
}
