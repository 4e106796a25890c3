package web

// A handling unit's inbox (/unit): what was sent to the account's unit,
// open ones first with due and overdue flags, and one assignment's page with
// the topic as a summary, the outcome and its documents, the replies so
// far, and the reply form. Accounts of other units get 404 for it.

import (
	"net/http"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

func (s *Server) unitInboxRoutes() []Route {
	u := auth.UnitReply
	return []Route{
		{Method: "GET", Pattern: "/unit", Perm: u, Handle: s.unitInbox},
		{Method: "GET", Pattern: "/unit/assignments/{id}", Perm: u, Handle: s.unitAssignmentShow},
		{Method: "POST", Pattern: "/unit/assignments/{id}/reply", Perm: u, Handle: s.unitReply},
	}
}

func (s *Server) unitInbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.UnitInboxFilter{Open: q.Get("show") != "all", Overdue: q.Get("overdue") == "1"}
	as, err := s.db.FindUnitInbox(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	d := view.UnitInbox{All: !f.Open, Overdue: f.Overdue}
	if u, err := s.db.FindUnitByID(r.Context(), app.System, actor(r).UnitID); err == nil {
		d.Unit = u.Name
	}
	counts, err := s.unitProposalCounts(r)
	if err != nil {
		return err
	}
	d.Proposals = &counts
	for _, a := range as {
		d.Rows = append(d.Rows, assignmentRow(a, s))
		if a.Overdue {
			d.OverdueCount++
		}
	}
	return render(w, r, http.StatusOK, view.UnitInboxPage(page(r, "交办事项", "unit"), d))
}

func (s *Server) unitAssignmentShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderUnitAssignment(w, r, id, http.StatusOK, "", nil, nil)
}

func (s *Server) renderUnitAssignment(w http.ResponseWriter, r *http.Request, id int64, status int, body string, errs app.FieldErrors, err error) error {
	ua, ferr := s.db.FindUnitAssignment(r.Context(), actor(r), id)
	if ferr != nil {
		return ferr
	}
	d := view.UnitAssignment{Row: assignmentRow(ua.Assignment, s), Description: ua.Description,
		Form: consult.Form(ua.TopicForm).Label(), Outcome: ua.Outcome.Title, OutcomeKind: ua.Outcome.KindLabel,
		OutcomeBody: ua.Outcome.Body, OutcomeFiles: fileRows(ua.Outcome.Files),
		CanReply: ua.Status == store.AssignSent || ua.Status == store.AssignReturned, Body: body, Errs: errs}
	if err != nil {
		d.Msg = fieldlessMessage(err)
	}
	return render(w, r, status, view.UnitAssignmentPage(page(r, ua.TopicTitle, "unit"), d))
}

func (s *Server) unitReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := store.ReplyInput{Body: f.Str("body")}
	doc, err := s.oneUpload(r, "file")
	if err == nil && len(f.Errs) > 0 {
		err = f.Errs.Err()
	}
	if err == nil {
		_, err = s.db.ReplyAssignment(r.Context(), actor(r), id, in, doc)
	}
	if err != nil {
		err = f.merge(err)
		if !formError(err) {
			return err
		}
		return s.renderUnitAssignment(w, r, id, formStatus(err), in.Body, app.ErrorFields(err), err)
	}
	return redirect(w, r, "/unit/assignments/"+app.Itoa(id)+"?ok=reply_sent")
}
