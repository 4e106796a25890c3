package web

// Annual consultation work plans (年度协商工作计划): the list, one plan with
// its items by month, adding, adjusting and removing items (with a reason
// once adopted), submitting the plan to a standing committee or chair's
// meeting, and the revision history. The topic page itself is /topics/{id}.

import (
	"context"
	"net/http"
	"strconv"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

func (s *Server) consultPlanRoutes() []Route {
	read, write := auth.ConsultRead, auth.ConsultWrite
	return []Route{
		{Method: "GET", Pattern: "/plans", Perm: read, Handle: s.planList},
		{Method: "POST", Pattern: "/plans", Perm: write, Handle: s.planCreate},
		{Method: "GET", Pattern: "/plans/{id}", Perm: read, Handle: s.planShow},
		{Method: "POST", Pattern: "/plans/{id}/items", Perm: write, Handle: s.planItemCreate},
		{Method: "POST", Pattern: "/plans/{id}/items/add", Perm: write, Handle: s.planItemAdd},
		{Method: "POST", Pattern: "/plans/{id}/items/{topic}", Perm: write, Handle: s.planItemUpdate},
		{Method: "POST", Pattern: "/plans/{id}/items/{topic}/remove", Perm: write, Handle: s.planItemRemove},
		{Method: "POST", Pattern: "/plans/{id}/submit", Perm: write, Handle: s.planSubmit},
	}
}

func monthOptions() []view.Option {
	opts := []view.Option{{Value: "", Label: "请选择"}}
	for m := 1; m <= 12; m++ {
		opts = append(opts, view.Option{Value: strconv.Itoa(m), Label: consult.MonthLabel(m)})
	}
	return opts
}

// leadOptions are a committee's special committees with "none" first.
func (s *Server) leadOptions(ctx context.Context, a app.Actor, committeeID int64) ([]view.Option, error) {
	scs, err := s.db.FindSpecialCommittees(ctx, a, committeeID)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return nil, err
	}
	opts := []view.Option{{Value: "", Label: "（无）"}}
	for _, sc := range scs {
		opts = append(opts, view.Option{Value: app.Itoa(sc.ID), Label: sc.Name})
	}
	return opts, nil
}

// committeeOptions are the committees of the actor's subtree.
func (s *Server) committeeOptions(ctx context.Context, a app.Actor) ([]view.Option, error) {
	orgs, err := s.db.FindOrgs(ctx, a, store.OrgFilter{Kinds: []org.Kind{org.City, org.County}})
	if err != nil {
		return nil, err
	}
	var opts []view.Option
	for _, o := range orgs {
		opts = append(opts, view.Option{Value: app.Itoa(o.ID), Label: o.Name})
	}
	return opts, nil
}

// planItemForm reads an item's form, lead special committee, month and reason.
func planItemForm(f *form) consult.PlanItemInput {
	return consult.PlanItemInput{Form: consult.Form(f.Str("form")), LeadCommitteeID: f.ID("lead_committee_id"),
		Month: f.Int("month"), Reason: f.Str("reason")}
}

func (s *Server) planList(w http.ResponseWriter, r *http.Request) error {
	return s.renderPlanList(w, r, http.StatusOK, nil, store.PlanInput{Year: s.db.Today().Y})
}

func (s *Server) renderPlanList(w http.ResponseWriter, r *http.Request, status int, err error, in store.PlanInput) error {
	ctx, a := r.Context(), actor(r)
	plans, ferr := s.db.FindPlans(ctx, a, 0)
	if ferr != nil {
		return ferr
	}
	d := view.PlanList{CanWrite: can(r, auth.ConsultWrite), Errs: app.ErrorFields(err)}
	if err != nil && len(d.Errs) == 0 {
		d.Msg = app.ErrorMessage(err)
	}
	for _, p := range plans {
		d.Rows = append(d.Rows, view.PlanRow{ID: p.ID, Title: p.Title, Committee: p.CommitteeName, Year: p.Year,
			Status: p.StatusLabel, Items: p.Items, Version: p.Version})
	}
	if d.CanWrite {
		committees, err := s.committeeOptions(ctx, a)
		if err != nil {
			return err
		}
		cid := in.CommitteeID
		if cid == 0 {
			cid = a.CommitteeID
		}
		d.Fields = []view.Field{
			{Name: "committee_id", Label: "政协", Options: committees, Value: app.Itoa(cid), Required: true},
			{Name: "year", Label: "年度", Type: "number", Value: strconv.Itoa(in.Year), Required: true},
			{Name: "title", Label: "计划名称", Value: in.Title, Hint: "不填则为“××政协××××年度协商工作计划”"},
		}
	}
	return render(w, r, status, view.PlanListPage(withExport(page(r, "协商计划", "plans"), r, "/plans.xlsx"), d))
}

func (s *Server) planCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := store.PlanInput{CommitteeID: f.ID("committee_id"), Year: f.Int("year"), Title: f.Str("title")}
	p, err := s.db.CreatePlan(r.Context(), actor(r), in)
	if err = f.merge(err); err != nil {
		if formError(err) {
			return s.renderPlanList(w, r, formStatus(err), err, in)
		}
		return err
	}
	return redirect(w, r, "/plans/"+app.Itoa(p.ID)+"?ok=created")
}

func (s *Server) planShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderPlan(w, r, id, http.StatusOK, nil, store.PlanTopicInput{})
}

// renderPlan shows a plan, after err (re-rendered with its messages) or none.
func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, id int64, status int, err error, in store.PlanTopicInput) error {
	ctx, a := r.Context(), actor(r)
	p, ferr := s.db.FindPlanByID(ctx, a, id)
	if ferr != nil {
		return ferr
	}
	items, ferr := s.db.FindPlanItems(ctx, a, id)
	if ferr != nil {
		return ferr
	}
	revs, ferr := s.db.FindPlanRevisions(ctx, a, id)
	if ferr != nil {
		return ferr
	}
	d := view.PlanShow{ID: p.ID, Title: p.Title, Committee: p.CommitteeName, Year: p.Year, Status: p.StatusLabel,
		Version: p.Version, Adopted: p.Status == store.PlanAdopted, AdoptedOn: p.AdoptedOn, MeetingID: p.MeetingID,
		MeetingTitle: p.MeetingTitle, VoteID: p.VoteID, VoteResult: p.VoteResult, CanWrite: can(r, auth.ConsultWrite),
		Errs: app.ErrorFields(err), Forms: formOptions("请选择"), MonthOpts: monthOptions(), Msg: errSummary(err)}
	for _, t := range items {
		row := view.PlanItemRow{TopicID: t.ID, Title: t.Title, Org: t.OrgName, Source: t.Source.Label(),
			Form: t.Form.Label(), FormCode: string(t.Form), Lead: t.LeadCommittee, Month: strconv.Itoa(t.PlannedMonth),
			State: t.StateLabel}
		if t.LeadCommitteeID != 0 {
			row.LeadID = app.Itoa(t.LeadCommitteeID)
		}
		label := consult.MonthLabel(t.PlannedMonth)
		if n := len(d.Months); n == 0 || d.Months[n-1].Label != label {
			d.Months = append(d.Months, view.PlanMonth{Label: label})
		}
		d.Months[len(d.Months)-1].Items = append(d.Months[len(d.Months)-1].Items, row)
	}
	for _, rv := range revs {
		d.Revisions = append(d.Revisions, view.PlanRevisionRow{Version: rv.Version, At: s.noticeTime(rv.At),
			Actor: rv.Actor, Reason: rv.Reason, Changes: rv.Changes})
	}
	if d.CanWrite {
		if d.Leads, ferr = s.leadOptions(ctx, a, p.CommitteeID); ferr != nil {
			return ferr
		}
		d.NewItem = []view.Field{
			{Name: "title", Label: "议题名称", Value: in.Title, Required: true},
			{Name: "description", Label: "议题说明", Type: "textarea", Value: in.Description},
			{Name: "form", Label: "协商形式", Options: d.Forms, Value: string(in.Form), Required: true},
			{Name: "lead_committee_id", Label: "牵头专门委员会", Options: d.Leads, Value: idValue(in.LeadCommitteeID)},
			{Name: "month", Label: "计划月份", Options: d.MonthOpts, Value: idValue(int64(in.Month)), Required: true},
		}
		selected, _, ferr := s.db.FindTopics(ctx, a, store.TopicFilter{Year: p.Year, State: consult.Selected, Limit: 200})
		if ferr != nil {
			return ferr
		}
		for _, t := range selected {
			if t.PlanID == 0 && t.CommitteeID == p.CommitteeID {
				d.Candidates = append(d.Candidates, view.Option{Value: app.Itoa(t.ID), Label: t.Title + "（" + t.OrgName + "）"})
			}
		}
		if d.Meetings, ferr = s.planMeetings(ctx, a, p.CommitteeID); ferr != nil {
			return ferr
		}
	}
	return render(w, r, status, view.PlanShowPage(page(r, p.Title, "plans"), d))
}

func idValue(n int64) string {
	if n == 0 {
		return ""
	}
	return app.Itoa(n)
}

// planMeetings are the committee's standing committee and chair's meetings
// that have not closed.
func (s *Server) planMeetings(ctx context.Context, a app.Actor, committeeID int64) ([]view.Option, error) {
	var opts []view.Option
	for _, k := range []meeting.Kind{meeting.Standing, meeting.Chairs} {
		ms, _, err := s.db.FindMeetings(ctx, a, store.MeetingFilter{CommitteeID: committeeID, Kind: k, Limit: 50})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.Status != meeting.Closed {
				opts = append(opts, view.Option{Value: app.Itoa(m.ID), Label: m.Title})
			}
		}
	}
	return opts, nil
}

// planPost runs a change of a plan and redirects to it, or re-renders it
// with the error.
func (s *Server) planPost(w http.ResponseWriter, r *http.Request, change func(f *form, planID int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if err = f.merge(change(f, id)); err != nil {
		if formError(err) {
			return s.renderPlan(w, r, id, formStatus(err), err, store.PlanTopicInput{Title: f.Str("title"),
				Description: f.Str("description"), PlanItemInput: planItemForm(f)})
		}
		return err
	}
	return redirect(w, r, "/plans/"+app.Itoa(id)+"?ok=saved")
}

func (s *Server) planItemCreate(w http.ResponseWriter, r *http.Request) error {
	return s.planPost(w, r, func(f *form, planID int64) error {
		_, err := s.db.CreatePlanItem(r.Context(), actor(r), planID, store.PlanTopicInput{Title: f.Str("title"),
			Description: f.Str("description"), PlanItemInput: planItemForm(f)})
		return err
	})
}

func (s *Server) planItemAdd(w http.ResponseWriter, r *http.Request) error {
	return s.planPost(w, r, func(f *form, planID int64) error {
		topicID := f.ID("topic_id")
		if topicID == 0 {
			f.Errs.Add("topic_id", "请选择议题")
			return nil
		}
		return s.db.AddPlanItem(r.Context(), actor(r), planID, topicID, planItemForm(f))
	})
}

func (s *Server) planItemUpdate(w http.ResponseWriter, r *http.Request) error {
	topicID, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	return s.planPost(w, r, func(f *form, planID int64) error {
		return s.db.UpdatePlanItem(r.Context(), actor(r), planID, topicID, planItemForm(f))
	})
}

func (s *Server) planItemRemove(w http.ResponseWriter, r *http.Request) error {
	topicID, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	return s.planPost(w, r, func(f *form, planID int64) error {
		return s.db.RemovePlanItem(r.Context(), actor(r), planID, topicID, f.Str("reason"))
	})
}

func (s *Server) planSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.planPost(w, r, func(f *form, planID int64) error {
		_, err := s.db.SubmitPlan(r.Context(), actor(r), planID, f.ID("meeting_id"))
		return err
	})
}
