package web

// The proposal page (/proposals/{id}): number, state with progress and
// due date, the proposer and co-signers, the text and attachments, merged
// proposals, the key and excellent marks, the units it was assigned to with
// their replies and the proposer's ratings, and the history of steps. The
// forms shown are those the account may use now: one per transition the
// committee's graph allows it (each asking only for what the transition
// requires), co-signing, rating, and the office's marks and entries on a
// unit's behalf. Every form posts to its own route and comes back here: a
// redirect on success, the page again with the store's Chinese message and
// what was typed (4xx) otherwise.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/workflow"
)

func (s *Server) proposalShowRoutes() []Route {
	read, write, draft := auth.ProposalRead, auth.ProposalWrite, auth.ProposalDraft
	return []Route{
		{Method: "GET", Pattern: "/proposals/{id}", Perm: read, Cache: cacheData, Handle: s.proposalShow},
		{Method: "POST", Pattern: "/proposals/{id}/advance", Perm: read, Handle: s.proposalAdvance},
		{Method: "POST", Pattern: "/proposals/{id}/cosign", Perm: draft, Handle: s.proposalCosign},
		{Method: "POST", Pattern: "/proposals/{id}/uncosign", Perm: draft, Handle: s.proposalUncosign},
		{Method: "POST", Pattern: "/proposals/{id}/files", Perm: draft, Handle: s.proposalAttach},
		{Method: "POST", Pattern: "/proposals/{id}/rate", Perm: draft, Handle: s.proposalRate},
		{Method: "POST", Pattern: "/proposals/{id}/key", Perm: write, Handle: s.proposalKey},
		{Method: "POST", Pattern: "/proposals/{id}/unkey", Perm: write, Handle: s.proposalUnkey},
		{Method: "POST", Pattern: "/proposals/{id}/excellent", Perm: write, Handle: s.proposalExcellent},
		{Method: "POST", Pattern: "/proposals/{id}/unexcellent", Perm: write, Handle: s.proposalUnexcellent},
		{Method: "POST", Pattern: "/proposals/{id}/sign", Perm: write, Handle: s.proposalSignFor},
		{Method: "POST", Pattern: "/proposals/{id}/reply", Perm: write, Handle: s.proposalReplyFor},
		// Not /proposals/files/{id}: that pattern would overlap /proposals/{id}/edit.
		{Method: "GET", Pattern: "/proposal-files/{id}", Perm: read, Handle: s.proposalFileGet},
	}
}

// proposalFail is a form of the proposal page that was refused: which,
// what was posted, and why.
type proposalFail struct {
	name string
	f    *form
	err  error
}

func (s *Server) proposalShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderProposal(w, r, id, http.StatusOK, proposalFail{})
}

// proposalAction runs a form of the proposal page: back to the page at
// anchor on success, the page again with the refusal otherwise. name
// tells which form failed, from what was posted.
func (s *Server) proposalAction(w http.ResponseWriter, r *http.Request, name func(*form) string, anchor, ok string,
	do func(id int64, f *form) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if err := do(id, f); err != nil {
		err = f.merge(err)
		if !formError(err) {
			return err
		}
		return s.renderProposal(w, r, id, formStatus(err), proposalFail{name: name(f), f: f, err: err})
	}
	return redirect(w, r, "/proposals/"+app.Itoa(id)+"?ok="+ok+"#"+anchor)
}

func named(name string) func(*form) string { return func(*form) string { return name } }

// proposalView is what the page needs to decide which forms to show.
type proposalView struct {
	p      store.Proposal
	g      workflow.Graph
	work   store.ProposalWork
	office bool // proposal:write
	rater  bool // rates the units' handling: the lead proposer, or the office for a group's proposal
}

func (s *Server) renderProposal(w http.ResponseWriter, r *http.Request, id int64, status int, pf proposalFail) error {
	ctx, a := r.Context(), actor(r)
	p, err := s.db.FindProposalByID(ctx, a, id)
	if err != nil {
		return err
	}
	work, err := s.db.FindProposalWork(ctx, a, id)
	if err != nil {
		return err
	}
	steps, err := s.db.FindProposalSteps(ctx, a, id)
	if err != nil {
		return err
	}
	next, err := s.db.ProposalNext(ctx, a, p)
	if err != nil {
		return err
	}
	g, _, err := s.db.FindGraph(ctx, a, p.CommitteeID, store.GraphKindProposal)
	if err != nil {
		return err
	}
	pv := proposalView{p: p, g: g, work: work, office: can(r, auth.ProposalWrite)}
	pv.rater = (p.MemberID != 0 && memberAccount(r) && a.MemberID == p.MemberID) || (p.MemberID == 0 && pv.office)
	st, _ := g.State(p.State)
	today := s.db.Today()
	d := view.ProposalShow{ID: p.ID, Number: p.Number, Title: p.Title, Committee: p.CommitteeName,
		Session:  fmt.Sprintf("第%s届第%s次会议", org.Numeral(p.TermNumber), org.Numeral(p.Session)),
		Proposer: p.Proposer, Category: orDash(p.Category), State: p.State, StateLabel: p.StateLabel, Progress: p.Progress,
		Overdue: p.Overdue, Final: st.Final, SubmittedOn: p.SubmittedOn, CosignDeadline: p.CosignDeadline,
		KeyYear: p.KeyYear, KeyLeader: p.KeyLeader, ExcellentYear: p.ExcellentYear, Reason: p.Reason,
		Suggestions: p.Suggestions, Office: pv.office, ThisYear: strconv.Itoa(today.Y)}
	if p.AuthorKind == proposal.ByGroup {
		d.ProposerKind = proposal.GroupKindLabel(p.GroupKind) + "提案"
	} else {
		d.ProposerKind = "委员提案"
	}
	if p.Conversion != "" {
		d.Conversion = proposal.ConversionLabel(p.Conversion)
	}
	if !p.Due.IsZero() && !st.Final {
		d.Due = app.DateOf(p.Due.In(s.db.Loc)).Chinese()
	}
	for _, f := range work.Files {
		d.Files = append(d.Files, proposalFileRow(f))
	}
	if work.MergedInto != nil {
		d.MergedInto = &view.ProposalLink{ID: work.MergedInto.ID, Number: work.MergedInto.Number, Title: work.MergedInto.Title}
	}
	for _, m := range work.Merged {
		d.Merged = append(d.Merged, view.ProposalLink{ID: m.ID, Number: m.Number, Title: m.Title, Proposer: m.Proposer})
	}
	cosigned := false
	for _, c := range work.Cosigners {
		d.Cosigners = append(d.Cosigners, view.ProposalCosigner{MemberID: c.MemberID, Name: c.Name, Workplace: c.Workplace,
			SignedAt: s.fmtTime(c.SignedAt)})
		cosigned = cosigned || (a.MemberID != 0 && c.MemberID == a.MemberID)
	}
	d.Cosigning = p.State == proposal.Cosigning
	d.CosignOpen = d.Cosigning && p.CosignDeadline != "" && today.String() <= p.CosignDeadline
	if d.CosignOpen && memberAccount(r) && a.MemberID != p.MemberID {
		d.CanCosign, d.CanUncosign = !cosigned, cosigned
	}
	d.CanManageCosigners = d.CosignOpen && pv.office
	d.CanEdit = proposalEditable(r, p, g)
	d.CanAttach = !st.Final && (d.CanEdit || pv.office)
	d.CanDesignate = pv.office && p.Seq > 0 && !slices.Contains([]string{g.Initial, proposal.Cosigning,
		proposal.Submitted, proposal.NotFiled, proposal.Merged}, p.State)
	for _, as := range work.Assignments {
		d.Assignments = append(d.Assignments, s.proposalAssignmentRow(as, pv))
	}
	for _, st := range steps {
		d.Steps = append(d.Steps, view.TopicStepRow{At: s.fmtTime(st.At), Who: st.Actor, From: st.FromLabel, To: st.ToLabel, Note: st.Note})
	}
	if err := s.proposalActions(ctx, a, pv, next, today, &d); err != nil {
		return err
	}
	if !st.Final && pv.office {
		for _, as := range work.Assignments {
			if as.Withdrawn {
				continue
			}
			o := view.Option{Value: app.Itoa(as.UnitID), Label: as.UnitName}
			switch as.Status {
			case store.PAAssigned:
				d.SignUnits = append(d.SignUnits, o)
			case store.PASigned, store.PAReturned:
				d.ReplyUnits = append(d.ReplyUnits, o)
			}
		}
	}
	if d.CanManageCosigners {
		if d.MemberList, err = s.proposalMemberList(ctx, a, 0, p.TermID); err != nil {
			return err
		}
	}
	d.Grades = []view.Option{{Label: "请选择"}}
	for _, g := range []proposal.Grade{proposal.GradeA, proposal.GradeB, proposal.GradeC} {
		d.Grades = append(d.Grades, view.Option{Value: string(g), Label: g.Label()})
	}
	for _, x := range []proposal.Satisfaction{proposal.Satisfied, proposal.FairlySatisfied, proposal.Dissatisfied} {
		d.Satisfactions = append(d.Satisfactions, view.Option{Value: string(x), Label: x.Label()})
	}
	for _, x := range []proposal.Contact{proposal.FaceToFace, proposal.Meeting, proposal.Phone, proposal.Letter, proposal.NoContact} {
		d.Contacts = append(d.Contacts, view.Option{Value: string(x), Label: x.Label()})
	}
	if pf.name != "" {
		d.Active, d.Errs, d.Msg = pf.name, app.ErrorFields(pf.err), fieldlessMessage(pf.err)
		if !proposalFormShown(d, pf.name) {
			d.Active = "page" // a form the page does not show now: the reasons go to its top
		}
		d.Posted = map[string]string{}
		for k, v := range pf.f.r.PostForm {
			if k != "csrf_token" && len(v) > 0 {
				d.Posted[k] = strings.Join(v, "\n")
			}
		}
	}
	return render(w, r, status, view.ProposalShowPage(page(r, p.Title, "proposals"), d))
}

// proposalFormShown reports whether the page shows the form named name.
func proposalFormShown(d view.ProposalShow, name string) bool {
	switch name {
	case "cosign":
		return true
	case "files":
		return d.CanAttach
	case "sign":
		return len(d.SignUnits) > 0
	case "reply":
		return len(d.ReplyUnits) > 0
	case "key", "excellent":
		return d.Office && (d.CanDesignate || d.KeyYear > 0 || d.ExcellentYear > 0)
	}
	for _, act := range d.Actions {
		if name == "advance-"+act.To {
			return true
		}
	}
	for _, a := range d.Assignments {
		if a.Rateable && name == "rate-"+app.Itoa(a.UnitID) {
			return true
		}
	}
	return false
}

func proposalFileRow(f store.ProposalFile) view.FileRow {
	return view.FileRow{ID: f.ID, Name: f.FileName, Size: store.SizeText(f.Size)}
}

func (s *Server) proposalAssignmentRow(as store.ProposalAssignment, pv proposalView) view.ProposalAssignmentRow {
	row := view.ProposalAssignmentRow{UnitID: as.UnitID, Unit: as.UnitName, Lead: as.Lead, Status: as.StatusLabel,
		StatusCode: as.Status, Deadline: as.Deadline, SignBy: as.SignBy, AssignedAt: s.dateTime(as.AssignedAt),
		SignedAt: s.dateTime(as.SignedAt), Overdue: as.Overdue, ReturnReason: as.ReturnReason, Withdrawn: as.Withdrawn,
		RatingNote: as.RatingNote, RatedBy: as.RatedBy}
	if as.Grade != "" {
		row.Grade = as.Grade.Label()
	}
	if as.Satisfaction != "" {
		row.Satisfaction, row.Contact = as.Satisfaction.Label(), as.Contact.Label()
	}
	for _, rp := range as.Replies {
		rr := view.ProposalReplyRow{At: s.dateTime(rp.At), Actor: rp.Actor, GradeReason: rp.GradeReason, Body: rp.Body,
			Returned: rp.Verdict == "returned", VerdictReason: rp.VerdictReason, VerdictActor: rp.VerdictActor}
		if rp.Grade != "" {
			rr.Grade = rp.Grade.Label()
		}
		for _, f := range rp.Files {
			rr.Files = append(rr.Files, proposalFileRow(f))
		}
		row.Replies = append(row.Replies, rr)
	}
	p := pv.p
	row.Rateable = pv.rater && as.Lead && !as.Withdrawn && (p.State == proposal.Replied || p.State == proposal.Rated) &&
		(as.Status == store.PAReplied || as.Status == store.PARated)
	return row
}

// proposalActions turns the transitions the account may take into forms,
// each with the inputs its requirements need, and fills their choices.
func (s *Server) proposalActions(ctx context.Context, a app.Actor, pv proposalView, next []workflow.Transition, today app.Date, d *view.ProposalShow) error {
	p := pv.p
	var needMerge, needUnits, needReturn bool
	for _, tr := range next {
		if store.TakenByItself(tr) { // signing, replying and rating have their own forms
			continue
		}
		act := view.ProposalAction{To: tr.To, Label: tr.Label}
		for _, req := range tr.Requires {
			switch req {
			case proposal.NeedReason:
				act.Note, act.NoteRequired, act.NoteLabel = true, true, "理由"
			case proposal.NeedCosignOver:
				if p.CosignDeadline != "" && today.String() <= p.CosignDeadline && !act.Note {
					act.Note, act.NoteLabel = true, "提前提交的理由"
					act.NoteHint = "联名截止日期为" + p.CosignDeadline + "，截止前提交须说明理由；提交后不能再联名"
				}
				continue
			case proposal.NeedConversion:
				act.Conversion = true
			case proposal.NeedMergeInto:
				act.Merge, needMerge = true, true
			case proposal.NeedUnits:
				act.Units, needUnits = true, true
			}
			if label, ok := proposal.Requirements[req]; ok {
				act.Hints = append(act.Hints, label)
			}
		}
		if tr.To == proposal.ReplyReturned {
			act.ReturnUnit, needReturn = true, true
		}
		d.Actions = append(d.Actions, act)
	}
	if needMerge {
		ps, _, err := s.db.FindProposals(ctx, a, store.ProposalFilter{CommitteeID: p.CommitteeID, TermID: p.TermID,
			Session: p.Session, Limit: 1000})
		if err != nil {
			return err
		}
		d.MergeOptions = []view.Option{{Label: "请选择并入的提案"}}
		for _, x := range ps {
			if x.ID != p.ID && x.Seq > 0 && (x.State == proposal.Submitted || x.State == proposal.Filed) {
				d.MergeOptions = append(d.MergeOptions, view.Option{Value: app.Itoa(x.ID), Label: x.Number + " " + x.Title})
			}
		}
	}
	if needUnits {
		units, err := s.db.FindUnits(ctx, a, store.UnitFilter{CommitteeID: p.CommitteeID})
		if err != nil {
			return err
		}
		for _, u := range units {
			d.UnitChoices = append(d.UnitChoices, view.Option{Value: app.Itoa(u.ID), Label: u.Name})
		}
		rules, err := s.db.FindProposalRules(ctx, a, p.CommitteeID)
		if err != nil {
			return err
		}
		d.DefaultDeadline = rules.ReplyDeadline(today).String()
		d.ReplyMonths = rules.ReplyMonths
	}
	if needReturn {
		d.ReturnUnits = []view.Option{{Label: "全部主办单位的答复"}}
		for _, as := range pv.work.Assignments {
			if !as.Withdrawn && as.Status == store.PAReplied {
				d.ReturnUnits = append(d.ReturnUnits, view.Option{Value: app.Itoa(as.UnitID), Label: as.UnitName})
			}
		}
	}
	return nil
}

// --- the forms ---

// assignUnits reads the units of an assignment: unit_<id> = lead (主办) or
// support (会办); empty is not chosen.
func assignUnits(f *form) []store.AssignUnit {
	var out []store.AssignUnit
	for k, vs := range f.r.PostForm {
		rest, ok := strings.CutPrefix(k, "unit_")
		if !ok || rest == "id" || len(vs) == 0 {
			continue
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			f.Errs.Add("units", "承办单位选择无效")
			continue
		}
		switch strings.TrimSpace(vs[len(vs)-1]) {
		case "":
		case "lead":
			out = append(out, store.AssignUnit{UnitID: id, Lead: true})
		case "support":
			out = append(out, store.AssignUnit{UnitID: id})
		default:
			f.Errs.Add("units", "请为承办单位选择主办或会办")
		}
	}
	slices.SortFunc(out, func(x, y store.AssignUnit) int {
		if x.Lead != y.Lead {
			if x.Lead {
				return -1
			}
			return 1
		}
		return int(x.UnitID - y.UnitID)
	})
	return out
}

func (s *Server) proposalAdvance(w http.ResponseWriter, r *http.Request) error {
	name := func(f *form) string { return "advance-" + f.r.PostFormValue("to") }
	return s.proposalAction(w, r, name, "actions", "proposal_advanced", func(id int64, f *form) error {
		in := store.ProposalAdvance{To: f.Str("to"), Note: f.Str("note"), Conversion: f.Str("conversion"),
			MergeInto: f.ID("merge_into"), Units: assignUnits(f), Deadline: f.Date("deadline"), UnitID: f.ID("unit_id")}
		if in.To == "" {
			return app.Errorf(app.EINVALID, "请选择要办理的操作")
		}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.AdvanceProposal(r.Context(), actor(r), id, in)
		return err
	})
}

// proposalCosign: a member signs for itself; the office adds a member of
// the term by 姓名 or 姓名#编号.
func (s *Server) proposalCosign(w http.ResponseWriter, r *http.Request) error {
	return s.proposalAction(w, r, named("cosign"), "cosigners", "proposal_cosigned", func(id int64, f *form) error {
		ctx, a := r.Context(), actor(r)
		var memberID int64
		if !memberAccount(r) {
			ref := f.Str("member")
			if ref == "" {
				f.Errs.Add("member", "请填写联名委员的姓名")
				return f.Errs.Err()
			}
			p, err := s.db.FindProposalByID(ctx, a, id)
			if err != nil {
				return err
			}
			if memberID, err = s.termMemberRef(ctx, a, p.TermID, ref, "member", &f.Errs); err != nil {
				return err
			}
			if len(f.Errs) > 0 {
				return f.Errs.Err()
			}
		}
		err := s.db.Cosign(ctx, a, id, memberID)
		if fe := app.ErrorFields(err); fe.Get("member_id") != "" {
			f.Errs.Add("member", fe.Get("member_id"))
			return f.Errs.Err()
		}
		return err
	})
}

func (s *Server) proposalUncosign(w http.ResponseWriter, r *http.Request) error {
	return s.proposalAction(w, r, named("cosign"), "cosigners", "proposal_uncosigned", func(id int64, f *form) error {
		memberID := f.ID("member_id")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		return s.db.WithdrawCosign(r.Context(), actor(r), id, memberID)
	})
}

func (s *Server) proposalAttach(w http.ResponseWriter, r *http.Request) error {
	return s.proposalAction(w, r, named("files"), "files", "uploaded", func(id int64, f *form) error {
		doc, err := s.oneUpload(r, "file")
		if err != nil {
			return err
		}
		if doc == nil {
			f.Errs.Add("file", "请选择要上传的文件")
			return f.Errs.Err()
		}
		_, err = s.db.AddProposalFile(r.Context(), actor(r), id, *doc)
		return err
	})
}

func (s *Server) proposalRate(w http.ResponseWriter, r *http.Request) error {
	name := func(f *form) string { return "rate-" + f.r.PostFormValue("unit_id") }
	return s.proposalAction(w, r, name, "assignments", "proposal_rated", func(id int64, f *form) error {
		unitID := f.ID("unit_id")
		in := store.RatingInput{Satisfaction: proposal.Satisfaction(f.Str("satisfaction")),
			Contact: proposal.Contact(f.Str("contact")), Note: f.Str("note")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		return s.db.RateProposal(r.Context(), actor(r), id, unitID, in)
	})
}

func (s *Server) proposalKey(w http.ResponseWriter, r *http.Request) error {
	return s.proposalAction(w, r, named("key"), "designations", "proposal_marked", func(id int64, f *form) error {
		year, leader := f.Int("key_year"), f.Str("key_leader")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		if year == 0 {
			f.Errs.Add("key_year", "请填写年度")
			return f.Errs.Err()
		}
		return s.db.MarkKeyProposal(r.Context(), actor(r), id, year, leader)
	})
}

func (s *Server) proposalUnkey(w http.ResponseWriter, r *http.Request) error {
	return s.proposalAction(w, r, named("key"), "designations", "proposal_marked", func(id int64, f *form) error {
		return s.db.MarkKeyProposal(r.Context(), actor(r), id, 0, "")
	})
}

func (s *Server) proposalExcellent(w http.ResponseWriter, r *http.Request) error {
	return s.proposalAction(w, r, named("excellent"), "designations", "proposal_marked", func(id int64, f *form) error {
		year := f.Int("excellent_year")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		if year == 0 {
			f.Errs.Add("excellent_year", "请填写年度")
			return f.Errs.Err()
		}
		return s.db.MarkExcellentProposal(r.Context(), actor(r), id, year)
	})
}

func (s *Server) proposalUnexcellent(w http.ResponseWriter, r *http.Request) error {
	return s.proposalAction(w, r, named("excellent"), "designations", "proposal_marked", func(id int64, f *form) error {
		return s.db.MarkExcellentProposal(r.Context(), actor(r), id, 0)
	})
}

// proposalSignFor: the office signs for an assignment on a unit's behalf.
func (s *Server) proposalSignFor(w http.ResponseWriter, r *http.Request) error {
	return s.proposalAction(w, r, named("sign"), "assignments", "proposal_signed_for", func(id int64, f *form) error {
		unitID := f.ID("unit_id")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		return s.db.SignProposal(r.Context(), actor(r), id, unitID)
	})
}

// proposalReplyFor: the office enters a unit's reply with its document.
func (s *Server) proposalReplyFor(w http.ResponseWriter, r *http.Request) error {
	return s.proposalAction(w, r, named("reply"), "assignments", "proposal_replied", func(id int64, f *form) error {
		unitID := f.ID("unit_id")
		in := store.ProposalReplyInput{Grade: proposal.Grade(f.Str("grade")), Reason: f.Str("reason"), Body: f.Str("body")}
		doc, err := s.oneUpload(r, "document")
		if err != nil {
			return err
		}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		if unitID == 0 {
			f.Errs.Add("unit_id", "请选择承办单位")
			return f.Errs.Err()
		}
		return s.db.ReplyProposal(r.Context(), actor(r), id, unitID, in, doc)
	})
}

// proposalFileGet sends a proposal's file as an attachment; the store
// decides who may read it.
func (s *Server) proposalFileGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, data, err := s.db.FindProposalFileData(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return sendFile(w, f.FileName, f.ContentType, data, false)
}
