package web

// The topic page (/topics/{id}): the header with state, progress and due
// date, the timeline of steps, the transitions the account may take now,
// the links across tiers and the push-down form, then the work done on the
// topic — participants, research visits, the consultation meeting and its
// speeches, outcomes, assignments to handling units with their replies —
// each with its form. Every form posts to its own route and comes back here:
// a redirect on success, the page re-rendered with the store's Chinese
// message (4xx) otherwise. Member accounts read it without the forms; unit
// accounts never see it (they work in their inbox, unit_inbox.go).

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

func (s *Server) topicShowRoutes() []Route {
	read, write := auth.ConsultRead, auth.ConsultWrite
	pages := []Route{
		{Method: "GET", Pattern: "/topics/{id}", Perm: read, Cache: cacheData, Handle: s.topicShow},
		{Method: "POST", Pattern: "/topics/{id}/advance", Perm: read, Handle: s.topicAdvance},
		{Method: "POST", Pattern: "/topics/{id}/push", Perm: write, Handle: s.topicPush},
		{Method: "POST", Pattern: "/topics/{id}/participants", Perm: read, Handle: s.topicParticipantAdd},
		{Method: "POST", Pattern: "/topics/{id}/participants/{pid}/delete", Perm: read, Handle: s.topicParticipantRemove},
		{Method: "POST", Pattern: "/topics/{id}/visits", Perm: read, Handle: s.topicVisitAdd},
		{Method: "POST", Pattern: "/topics/{id}/meeting", Perm: read, Handle: s.topicMeetingLink},
		{Method: "POST", Pattern: "/topics/{id}/speeches", Perm: read, Handle: s.topicSpeechAdd},
		{Method: "POST", Pattern: "/topics/{id}/outcomes", Perm: read, Handle: s.topicOutcomeAdd},
		{Method: "POST", Pattern: "/topics/{id}/outcomes/{oid}", Perm: read, Handle: s.topicOutcomeUpdate},
		{Method: "POST", Pattern: "/topics/{id}/assignments", Perm: write, Handle: s.topicAssign},
		{Method: "POST", Pattern: "/topics/{id}/replies/{rid}/verdict", Perm: write, Handle: s.topicVerdict},
		{Method: "POST", Pattern: "/topics/{id}/assignments/{aid}/satisfaction", Perm: write, Handle: s.topicSatisfaction},
		{Method: "GET", Pattern: "/topic-files/{id}", Handle: s.topicFileGet},
	}
	return append(pages, s.topicAPIRoutes()...)
}

// topicForm is a form of the topic page that failed: which, what was
// posted, and why.
type topicForm struct {
	name string
	f    *form
	err  error
}

func (s *Server) topicShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderTopic(w, r, id, http.StatusOK, topicForm{})
}

// topicAction runs a form of the topic page: redirect back on success,
// re-render with the error otherwise.
func (s *Server) topicAction(w http.ResponseWriter, r *http.Request, name, ok string, do func(id int64, f *form) error) error {
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
		return s.renderTopic(w, r, id, formStatus(err), topicForm{name: name, f: f, err: err})
	}
	return redirect(w, r, "/topics/"+app.Itoa(id)+"?ok="+ok+"#"+name)
}

func (s *Server) renderTopic(w http.ResponseWriter, r *http.Request, id int64, status int, tf topicForm) error {
	ctx, a := r.Context(), actor(r)
	t, err := s.db.FindTopicByID(ctx, a, id)
	if err != nil {
		return err
	}
	steps, err := s.db.FindTopicSteps(ctx, a, id)
	if err != nil {
		return err
	}
	links, err := s.db.FindTopicLinks(ctx, a, id)
	if err != nil {
		return err
	}
	work, err := s.db.FindTopicWork(ctx, a, id)
	if err != nil {
		return err
	}
	next, err := s.db.TopicNext(ctx, a, t)
	if err != nil {
		return err
	}
	role := state(r).account.Role
	d := view.TopicShow{ID: t.ID, Title: t.Title, Org: t.OrgName, Tier: tierLabel(t.OrgKind), Form: orDash(t.Form.Label()),
		Source: t.Source.Label(), SourceName: t.SourceName, Description: t.Description, Year: view.Itoa(t.Year),
		State: t.State, StateLabel: t.StateLabel, Progress: t.Progress, Overdue: t.Overdue,
		CanWork: role.Can(auth.ConsultWrite) || role.Can(auth.RoomWrite), CanOffice: role.Can(auth.ConsultWrite)}
	if t.PlannedMonth > 0 {
		d.PlanMonth = fmt.Sprintf("%d年%d月", t.Year, t.PlannedMonth)
	}
	if t.LeadCommittee != "" {
		d.LeadCommittee = t.LeadCommittee
	}
	if !t.Due.IsZero() {
		d.Due = app.DateOf(t.Due.In(s.db.Loc)).Chinese()
	}
	g, _, err := s.db.FindGraph(ctx, a, t.CommitteeID, store.GraphKindTopic)
	if err != nil {
		return err
	}
	st, _ := g.State(t.State)
	d.Final = st.Final
	if d.Final {
		d.CanWork, d.CanOffice = false, false
	}
	for _, st := range steps {
		d.Steps = append(d.Steps, view.TopicStepRow{At: s.fmtTime(st.At), Who: st.Actor, From: st.FromLabel,
			To: st.ToLabel, Note: st.Note})
	}
	needTarget := false
	for _, tr := range next {
		act := view.TopicAction{To: tr.To, Label: tr.Label}
		for _, req := range tr.Requires {
			switch req {
			case consult.NeedReason:
				act.NeedReason = true
			case consult.NeedTarget:
				act.NeedTarget, needTarget = true, true
			}
			act.Requires = append(act.Requires, consult.Requirements[req])
		}
		d.Actions = append(d.Actions, act)
	}
	if needTarget {
		if d.TargetOptions, err = s.escalationTargets(ctx, t); err != nil {
			return err
		}
	}
	d.Links = topicLinksView(links)
	if d.CanOffice {
		if d.PushOptions, err = s.pushTargets(ctx, a, t); err != nil {
			return err
		}
	}
	fillTopicWork(&d, work, s)
	if d.CanWork {
		if err := s.topicChoices(ctx, a, t, &d); err != nil {
			return err
		}
	}
	if t.MeetingID != 0 {
		d.MeetingID = t.MeetingID
		if m, err := s.db.FindMeetingByID(ctx, a, t.MeetingID); err == nil {
			d.Meeting = m.Title + "（" + app.DateOf(m.StartsAt.In(s.db.Loc)).Chinese() + "）"
		} else {
			d.Meeting = "会议" + app.Itoa(t.MeetingID)
		}
	}
	if tf.name != "" {
		d.Active, d.Errs, d.Msg = tf.name, app.ErrorFields(tf.err), fieldlessMessage(tf.err)
		d.Posted = map[string]string{}
		for k, v := range tf.f.r.PostForm {
			if k != "csrf_token" && len(v) > 0 {
				d.Posted[k] = strings.Join(v, "\n")
			}
		}
	}
	return render(w, r, status, view.TopicShowPage(page(r, t.Title, "topics"), d))
}

// tierLabel names the tier of an organisation kind.
func tierLabel(kind string) string {
	switch kind {
	case "city":
		return "市级"
	case "county":
		return "县（区）级"
	case "township":
		return "乡镇（街道）级"
	case "village":
		return "村（社区）级"
	}
	return kind
}

func topicLinkView(l store.TopicLink) view.TopicLinkRow {
	return view.TopicLinkRow{ID: l.ID, Org: l.OrgName, Title: l.Title, State: l.StateLabel, Progress: l.Progress,
		Overdue: l.Overdue, Visible: l.Visible}
}

func topicLinksView(ls store.TopicLinks) view.TopicLinks {
	var v view.TopicLinks
	one := func(l *store.TopicLink) *view.TopicLinkRow {
		if l == nil {
			return nil
		}
		x := topicLinkView(*l)
		return &x
	}
	v.Origin, v.Upper, v.Parent = one(ls.Origin), one(ls.Upper), one(ls.Parent)
	for _, c := range ls.Children {
		v.Children = append(v.Children, topicLinkView(c))
	}
	return v
}

// escalationTargets are the ancestors of the topic's organisation (names
// only, whatever the reader's scope: a village may escalate to its county).
func (s *Server) escalationTargets(ctx context.Context, t store.Topic) ([]view.Option, error) {
	o, err := s.db.FindOrgByID(ctx, app.System, t.OrgID)
	if err != nil {
		return nil, err
	}
	ups, err := s.db.FindAncestors(ctx, app.System, o)
	if err != nil {
		return nil, err
	}
	opts := []view.Option{{Value: "", Label: "请选择上报的上级组织"}}
	for i := len(ups) - 1; i >= 0; i-- {
		opts = append(opts, view.Option{Value: app.Itoa(ups[i].ID), Label: ups[i].Name})
	}
	return opts, nil
}

// pushTargets are the organisations below the topic's, in the reader's
// subtree, not archived.
func (s *Server) pushTargets(ctx context.Context, a app.Actor, t store.Topic) ([]view.Option, error) {
	o, err := s.db.FindOrgByID(ctx, a, t.OrgID)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return nil, nil // a topic above the reader's own organisation: nothing to push
	}
	if err != nil {
		return nil, err
	}
	// The organisations below the topic's only (it is in the reader's
	// subtree), not the reader's whole subtree: 3,161 for a province's city
	// office, whatever the topic.
	below := a
	below.Path = o.Path
	orgs, err := s.db.FindOrgs(ctx, below, store.OrgFilter{})
	if err != nil {
		return nil, err
	}
	var opts []view.Option
	for _, x := range orgs {
		if x.ID != o.ID && strings.HasPrefix(x.Path, o.Path) && !x.Archived {
			opts = append(opts, view.Option{Value: app.Itoa(x.ID), Label: strings.Repeat("　", x.Depth-o.Depth-1) + x.Name})
		}
	}
	return opts, nil
}

// topicChoices fills the selects of the work forms.
func (s *Server) topicChoices(ctx context.Context, a app.Actor, t store.Topic, d *view.TopicShow) error {
	opts := func(codes []string, label func(string) string, first string) []view.Option {
		out := []view.Option{{Value: "", Label: first}}
		for _, c := range codes {
			out = append(out, view.Option{Value: c, Label: label(c)})
		}
		return out
	}
	d.ParticipantKinds = opts(store.ParticipantKinds, store.ParticipantKindLabel, "请选择类别")
	d.VisitKinds = opts(store.VisitKinds, store.VisitKindLabel, "请选择")
	d.OutcomeKinds = opts(store.OutcomeKinds, store.OutcomeKindLabel, "请选择成果类别")
	d.Satisfactions = opts(store.Satisfactions, store.SatisfactionLabel, "请选择")
	units, err := s.db.FindUnits(ctx, a, store.UnitFilter{CommitteeID: t.CommitteeID})
	if err != nil {
		return err
	}
	d.UnitOptions = []view.Option{{Value: "", Label: "请选择承办单位"}}
	for _, u := range units {
		d.UnitOptions = append(d.UnitOptions, view.Option{Value: app.Itoa(u.ID), Label: u.Name})
		d.UnitChoices = append(d.UnitChoices, view.Option{Value: app.Itoa(u.ID), Label: u.Name})
	}
	ms, err := s.db.FindMemberNames(ctx, a, store.MemberFilter{CommitteeID: t.CommitteeID, Sort: "name"})
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	for _, m := range ms[:min(len(ms), 2000)] {
		d.MemberList = append(d.MemberList, m.Name+"#"+app.Itoa(m.ID))
	}
	meetings, _, err := s.db.FindMeetings(ctx, a, store.MeetingFilter{CommitteeID: t.CommitteeID, Limit: 200})
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	d.MeetingOptions = []view.Option{{Value: "", Label: "不关联"}}
	for _, m := range meetings {
		d.MeetingOptions = append(d.MeetingOptions, view.Option{Value: app.Itoa(m.ID),
			Label: app.DateOf(m.StartsAt.In(s.db.Loc)).String() + " " + m.Title})
	}
	d.OutcomeOptions = []view.Option{{Value: "", Label: "请选择协商成果"}}
	for _, o := range d.Outcomes {
		d.OutcomeOptions = append(d.OutcomeOptions, view.Option{Value: app.Itoa(o.ID), Label: o.Kind + "：" + o.Title})
	}
	return nil
}

func fileRows(fs []store.TopicFile) []view.FileRow {
	var out []view.FileRow
	for _, f := range fs {
		out = append(out, view.FileRow{ID: f.ID, Name: f.FileName, Size: store.SizeText(f.Size), Image: f.IsImage()})
	}
	return out
}

func (s *Server) dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return s.fmtTime(t)
}

func fillTopicWork(d *view.TopicShow, w store.TopicWork, s *Server) {
	for _, p := range w.Participants {
		row := view.ParticipantRow{ID: p.ID, Kind: p.KindLabel, Name: p.Name, Affiliation: p.Affiliation, Note: p.Note}
		if p.MemberID != 0 {
			row.Name += "#" + app.Itoa(p.MemberID)
		}
		d.Participants = append(d.Participants, row)
	}
	for _, v := range w.Visits {
		dates := v.StartsOn.Chinese()
		if v.EndsOn != v.StartsOn {
			dates += "至" + v.EndsOn.Chinese()
		}
		var names []string
		for _, m := range v.Members {
			names = append(names, m.Name)
		}
		d.Visits = append(d.Visits, view.VisitRow{Kind: v.KindLabel, Dates: dates, Places: v.Places,
			Members: strings.Join(names, "、"), Others: v.Others, Findings: v.Findings, Photos: fileRows(v.Photos)})
	}
	for _, sp := range w.Speeches {
		d.Speeches = append(d.Speeches, view.SpeechRow{Seq: sp.Seq, Speaker: sp.Speaker, Affiliation: sp.Affiliation,
			Opinion: sp.Opinion, Member: sp.MemberID != 0})
	}
	for _, o := range w.Outcomes {
		row := view.OutcomeRow{ID: o.ID, Kind: o.KindLabel, KindCode: o.Kind, Title: o.Title, Body: o.Body,
			SentTo: o.SentTo, Files: fileRows(o.Files)}
		if !o.SentOn.IsZero() {
			row.SentOn, row.SentOnISO = o.SentOn.Chinese(), o.SentOn.String()
		}
		d.Outcomes = append(d.Outcomes, row)
	}
	for _, a := range w.Assignments {
		d.Assignments = append(d.Assignments, assignmentRow(a, s))
	}
}

func assignmentRow(a store.Assignment, s *Server) view.AssignmentRow {
	row := view.AssignmentRow{ID: a.ID, TopicID: a.TopicID, Topic: a.TopicTitle, Org: a.OrgName, Outcome: a.OutcomeTitle,
		OutcomeKind: store.OutcomeKindLabel(a.OutcomeKind), Unit: a.UnitName, Role: "协办",
		Deadline: a.Deadline.Chinese(), Status: a.StatusLabel, StatusCode: a.Status, Overdue: a.Overdue,
		Satisfaction: a.SatisfactionLabel, SentAt: s.dateTime(a.SentAt)}
	if a.Lead {
		row.Role = "主办"
	}
	for i, r := range a.Replies {
		rr := view.ReplyRow{ID: r.ID, At: s.dateTime(r.At), Actor: r.Actor, Body: r.Body, Reason: r.VerdictReason,
			VerdictAt: s.dateTime(r.VerdictAt), Files: fileRows(r.Files)}
		switch r.Verdict {
		case store.VerdictAccepted:
			rr.Verdict = "已认可"
		case store.VerdictReturned:
			rr.Verdict = "已退回"
		default:
			rr.Pending = i == len(a.Replies)-1 && a.Status == store.AssignReplied
		}
		row.Replies = append(row.Replies, rr)
	}
	return row
}

// --- the forms ---

func (s *Server) topicAdvance(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "advance", "topic_advanced", func(id int64, f *form) error {
		in := store.AdvanceInput{To: f.Str("to"), Note: f.Str("note"), TargetOrgID: f.ID("target_org_id")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.AdvanceTopic(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) topicPush(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "push", "topic_pushed", func(id int64, f *form) error {
		ids := formIDs(f, "org_ids")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.PushDownTopic(r.Context(), actor(r), id, ids)
		return err
	})
}

func (s *Server) topicParticipantAdd(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "participants", "saved", func(id int64, f *form) error {
		in := store.ParticipantInput{Kind: f.Str("kind"), Member: f.Str("member"), UnitID: f.ID("unit_id"),
			Name: f.Str("name"), Affiliation: f.Str("affiliation"), Note: f.Str("note")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.AddTopicParticipant(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) topicParticipantRemove(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "participants", "deleted", func(id int64, f *form) error {
		pid, err := pathID(r, "pid")
		if err != nil {
			return err
		}
		return s.db.RemoveTopicParticipant(r.Context(), actor(r), id, pid)
	})
}

// readUploads reads every file posted under field (at most max).
func (s *Server) readUploads(r *http.Request, field string, max int) ([]store.DocumentInput, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []store.DocumentInput
	for i, fh := range r.MultipartForm.File[field] {
		if i >= max {
			var errs app.FieldErrors
			errs.Add(field, fmt.Sprintf("一次最多上传%d个文件", max))
			return nil, errs.Err()
		}
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		file, err := fh.Open()
		if err != nil {
			return nil, app.Errorf(app.EINVALID, "无法读取上传的文件")
		}
		data, err := io.ReadAll(io.LimitReader(file, s.cfg.MaxUploadBytes+1))
		file.Close()
		if err != nil {
			return nil, app.Errorf(app.EINVALID, "无法读取上传的文件")
		}
		out = append(out, store.DocumentInput{FileName: fh.Filename, Data: data, MaxSize: s.cfg.MaxUploadBytes})
	}
	return out, nil
}

// oneUpload reads an optional single file.
func (s *Server) oneUpload(r *http.Request, field string) (*store.DocumentInput, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, nil
	}
	name, data, err := readUpload(r, field, s.cfg.MaxUploadBytes)
	if err != nil || name == "" {
		return nil, err
	}
	return &store.DocumentInput{FileName: name, Data: data, MaxSize: s.cfg.MaxUploadBytes}, nil
}

func (s *Server) topicVisitAdd(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "visits", "saved", func(id int64, f *form) error {
		in := store.VisitInput{Kind: f.Str("kind"), StartsOn: f.Date("starts_on"), EndsOn: f.Date("ends_on"),
			Places: f.Str("places"), Members: f.Str("members"), Others: f.Str("others"), Findings: f.Str("findings")}
		photos, err := s.readUploads(r, "photos", 20)
		if err != nil {
			return err
		}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err = s.db.AddTopicVisit(r.Context(), actor(r), id, in, photos)
		return err
	})
}

func (s *Server) topicMeetingLink(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "meeting", "saved", func(id int64, f *form) error {
		mid := f.ID("meeting_id")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		return s.db.LinkTopicMeeting(r.Context(), actor(r), id, mid)
	})
}

func (s *Server) topicSpeechAdd(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "speeches", "saved", func(id int64, f *form) error {
		in := store.SpeechInput{Member: f.Str("member"), Speaker: f.Str("speaker"), Affiliation: f.Str("affiliation"),
			Opinion: f.Str("opinion")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.AddTopicSpeech(r.Context(), actor(r), id, in)
		return err
	})
}

func outcomeInput(f *form) store.OutcomeInput {
	return store.OutcomeInput{Kind: f.Str("kind"), Title: f.Str("title"), Body: f.Str("body"), SentTo: f.Str("sent_to"),
		SentOn: f.Date("sent_on")}
}

func (s *Server) topicOutcomeAdd(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "outcomes", "saved", func(id int64, f *form) error {
		in := outcomeInput(f)
		doc, err := s.oneUpload(r, "file")
		if err != nil {
			return err
		}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err = s.db.AddTopicOutcome(r.Context(), actor(r), id, in, doc)
		return err
	})
}

func (s *Server) topicOutcomeUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "outcomes", "saved", func(id int64, f *form) error {
		oid, err := pathID(r, "oid")
		if err != nil {
			return err
		}
		in := outcomeInput(f)
		doc, err := s.oneUpload(r, "file")
		if err != nil {
			return err
		}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err = s.db.UpdateTopicOutcome(r.Context(), actor(r), id, oid, in, doc)
		return err
	})
}

func (s *Server) topicAssign(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "assignments", "topic_assigned", func(id int64, f *form) error {
		in := store.AssignInput{OutcomeID: f.ID("outcome_id"), LeadUnitIDs: formIDs(f, "lead_unit_ids"),
			SupportUnitIDs: formIDs(f, "support_unit_ids"), Deadline: f.Date("deadline")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err := s.db.AssignTopicOutcome(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) topicVerdict(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "assignments", "reply_judged", func(id int64, f *form) error {
		rid, err := pathID(r, "rid")
		if err != nil {
			return err
		}
		in := store.VerdictInput{Verdict: f.Str("verdict"), Reason: f.Str("reason")}
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err = s.db.JudgeReply(r.Context(), actor(r), rid, in)
		return err
	})
}

func (s *Server) topicSatisfaction(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "assignments", "saved", func(id int64, f *form) error {
		aid, err := pathID(r, "aid")
		if err != nil {
			return err
		}
		sat := f.Str("satisfaction")
		if len(f.Errs) > 0 {
			return f.Errs.Err()
		}
		_, err = s.db.SetAssignmentSatisfaction(r.Context(), actor(r), aid, sat)
		return err
	})
}

// topicFileGet sends a topic's file: a photo inline, documents as
// attachments; the store decides who may read it.
func (s *Server) topicFileGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, data, err := s.db.FindTopicFileData(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return sendFile(w, f.FileName, f.ContentType, data, f.IsImage())
}
