package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// meetingRoutes: the meeting list and form, a meeting's page (attendance,
// sign-in, leave, guests, agenda), the hall's QR code and live board, and a
// member's own view: its meetings, leave requests and the QR sign-in page.
// Votes are in meeting_vote.go.
//
// A member account holds MeetingRead but sees only the meetings it is
// expected at (应到), and on them only what concerns itself.
func (s *Server) meetingRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/meetings", Perm: auth.MeetingRead, Cache: cacheData, Handle: s.meetingList},
		{Method: "GET", Pattern: "/meetings/new", Perm: auth.MeetingWrite, Handle: s.meetingNew},
		{Method: "POST", Pattern: "/meetings", Perm: auth.MeetingWrite, Handle: s.meetingCreate},
		{Method: "GET", Pattern: "/meetings/{id}", Perm: auth.MeetingRead, Cache: cacheData, Handle: s.meetingShow},
		{Method: "POST", Pattern: "/meetings/{id}/open", Perm: auth.MeetingWrite, Handle: s.meetingOpen},
		{Method: "POST", Pattern: "/meetings/{id}/close", Perm: auth.MeetingWrite, Handle: s.meetingClose},
		{Method: "POST", Pattern: "/meetings/{id}/signin", Perm: auth.MeetingWrite, Handle: s.meetingSignIn},
		{Method: "POST", Pattern: "/meetings/{id}/leave", Perm: auth.MeetingRead, Handle: s.meetingLeave},
		{Method: "POST", Pattern: "/leave/{id}/approve", Perm: auth.MeetingWrite, Handle: s.leaveDecide(true)},
		{Method: "POST", Pattern: "/leave/{id}/refuse", Perm: auth.MeetingWrite, Handle: s.leaveDecide(false)},
		{Method: "POST", Pattern: "/meetings/{id}/guests", Perm: auth.MeetingWrite, Handle: s.guestAdd},
		{Method: "POST", Pattern: "/guests/{id}/delete", Perm: auth.MeetingWrite, Handle: s.guestRemove},
		{Method: "POST", Pattern: "/meetings/{id}/agenda", Perm: auth.MeetingWrite, Handle: s.agendaAdd},
		{Method: "GET", Pattern: "/meetings/{id}/qr", Perm: auth.MeetingWrite, Handle: s.meetingQR},
		{Method: "GET", Pattern: "/meetings/{id}/board", Perm: auth.MeetingRead, Handle: s.meetingBoard},
		{Method: "GET", Pattern: "/s/{token}", Handle: s.signPage},
		{Method: "POST", Pattern: "/s/{token}", Handle: s.signPost},
		{Method: "POST", Pattern: "/agenda/{id}/vote", Perm: auth.MeetingWrite, Handle: s.voteOpen},
		{Method: "POST", Pattern: "/votes/{id}/hands", Perm: auth.MeetingWrite, Handle: s.voteHands},
		{Method: "POST", Pattern: "/votes/{id}/close", Perm: auth.MeetingWrite, Handle: s.voteClose},
		{Method: "GET", Pattern: "/votes/{id}/ballot", Perm: auth.MeetingRead, Handle: s.ballotPage},
		{Method: "POST", Pattern: "/votes/{id}/ballot", Perm: auth.MeetingRead, Handle: s.ballotPost},
	}
}

const meetingPageSize = 50

// memberAccount reports whether the request comes from a member's own
// account, which sees only the meetings it is expected at.
func memberAccount(r *http.Request) bool {
	st := state(r)
	return st.signed && st.account.Role == auth.MemberRole
}

// meetingTime formats a time in the committee's zone.
func (s *Server) meetingTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.db.Loc).Format("2006-01-02 15:04")
}

func (s *Server) meetingWhen(m meeting.Meeting) string {
	w := s.meetingTime(m.StartsAt)
	if !m.EndsAt.IsZero() {
		end := m.EndsAt.In(s.db.Loc)
		if app.DateOf(end) == app.DateOf(m.StartsAt.In(s.db.Loc)) {
			w += "–" + end.Format("15:04")
		} else {
			w += " 至 " + s.meetingTime(m.EndsAt)
		}
	}
	return w
}

func (s *Server) meetingHead(m meeting.Meeting) view.MeetingHead {
	return view.MeetingHead{ID: m.ID, Title: m.Title, Kind: m.Kind.Label(), When: s.meetingWhen(m), Place: m.Place,
		Presider: m.Presider, Topic: m.Topic, Status: m.Status.Label(),
		Draft: m.Status == meeting.Draft || m.Status == meeting.Notified, Open: m.Status == meeting.Open,
		Closed: m.Status == meeting.Closed}
}

func attendanceView(a meeting.Attendance, r meeting.QuorumRule) view.AttendanceView {
	return view.AttendanceView{Expected: a.Expected, Present: a.Present, Excused: a.Excused, Absent: a.Absent,
		Late: a.Late, Guests: a.Guests, Sentence: meeting.QuorumSentence(a, r), Rule: r.Text(), Met: r.Met(a.Expected, a.Present)}
}

// --- list ---

func (s *Server) meetingList(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	offset := queryInt(r, "offset", 0, 1_000_000_000)
	var ms []meeting.Meeting
	var total int
	var err error
	mine := memberAccount(r)
	if mine {
		ms, total, err = s.db.FindMemberMeetings(ctx, a, a.MemberID, offset, meetingPageSize)
	} else {
		f := store.MeetingFilter{CommitteeID: queryID(r, "committee_id"), TermID: queryID(r, "term_id"),
			Sort: q.Get("sort"), Desc: q.Get("dir") == "desc", Offset: offset, Limit: meetingPageSize}
		if k := meeting.Kind(q.Get("kind")); k.Valid() {
			f.Kind = k
		}
		switch st := meeting.Status(q.Get("status")); st {
		case meeting.Draft, meeting.Notified, meeting.Open, meeting.Closed:
			f.Status = st
		}
		ms, total, err = s.db.FindMeetings(ctx, a, f)
	}
	if err != nil {
		return err
	}
	d := view.MeetingList{Q: q, CanWrite: can(r, auth.MeetingWrite), Mine: mine}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	figures, err := s.db.AttendanceOfMeetings(ctx, a, ids)
	if err != nil {
		return err
	}
	for _, m := range ms {
		row := view.MeetingRow{ID: m.ID, Title: m.Title, Kind: m.Kind.Label(), When: s.meetingTime(m.StartsAt),
			Place: m.Place, Status: m.Status.Label()}
		if att, ok := figures[m.ID]; ok {
			row.Figures = strconv.Itoa(att.Expected) + " / " + strconv.Itoa(att.Present)
		}
		d.Rows = append(d.Rows, row)
	}
	if !mine {
		committees, terms, err := s.committeeTermOptions(ctx, a, 0)
		if err != nil {
			return err
		}
		d.Filters = []view.Field{
			{Name: "committee_id", Label: "政协", Value: q.Get("committee_id"), Options: append([]view.Option{{Label: "全部"}}, committees...)},
			{Name: "term_id", Label: "届次", Value: q.Get("term_id"), Options: append([]view.Option{{Label: "全部"}}, terms...)},
			{Name: "kind", Label: "类型", Value: q.Get("kind"), Options: meetingKindOptions(true)},
			{Name: "status", Label: "状态", Value: q.Get("status"), Options: []view.Option{{Label: "全部"},
				{Value: string(meeting.Draft), Label: meeting.Draft.Label()}, {Value: string(meeting.Notified), Label: meeting.Notified.Label()},
				{Value: string(meeting.Open), Label: meeting.Open.Label()}, {Value: string(meeting.Closed), Label: meeting.Closed.Label()}}},
		}
	}
	d.Pager = view.Pager{Total: total, Offset: offset, Limit: meetingPageSize, Query: noticeListRest(q), Path: "/meetings"}
	title := "会议"
	if mine {
		title = "我的会议"
	}
	return render(w, r, http.StatusOK, view.MeetingListPage(withExport(page(r, title, "meetings"), r, "/meetings.xlsx"), d))
}

func meetingKindOptions(all bool) []view.Option {
	var out []view.Option
	if all {
		out = append(out, view.Option{Label: "全部"})
	}
	for _, k := range meeting.Kinds {
		out = append(out, view.Option{Value: string(k), Label: k.Label()})
	}
	return out
}

// committeeTermOptions lists the committees in scope and their terms
// (of committeeID only, when not 0).
func (s *Server) committeeTermOptions(ctx context.Context, a app.Actor, committeeID int64) ([]view.Option, []view.Option, error) {
	cs, err := s.db.FindCommittees(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	// Every committee's terms in one read (not two queries per committee:
	// 22 for a province's city office).
	lists, err := s.db.FindCommitteeLists(ctx, a, committeeID)
	if err != nil {
		return nil, nil, err
	}
	var committees, terms []view.Option
	for _, c := range cs {
		committees = append(committees, view.Option{Value: app.Itoa(c.ID), Label: c.Name})
		if committeeID != 0 && c.ID != committeeID {
			continue
		}
		for _, t := range lists.Terms[c.ID] {
			label := t.Label()
			if committeeID == 0 {
				label = c.Name + " " + label
			}
			terms = append(terms, view.Option{Value: app.Itoa(t.ID), Label: label})
		}
	}
	return committees, terms, nil
}

// --- new meeting ---

const datetimeLocal = "2006-01-02T15:04"

func (s *Server) meetingNew(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	if v.Get("committee_id") == "" && state(r).account.CommitteeID != 0 {
		v.Set("committee_id", app.Itoa(state(r).account.CommitteeID))
	}
	if v.Get("quorum_num") == "" {
		q := meeting.Plenary.DefaultQuorum()
		v.Set("quorum_num", strconv.Itoa(q.Num))
		v.Set("quorum_den", strconv.Itoa(q.Den))
		v.Set("quorum_strict", "1")
	}
	return s.renderMeetingForm(w, r, http.StatusOK, v, "", nil)
}

func (s *Server) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, v url.Values, msg string, errs app.FieldErrors) error {
	ctx, a := r.Context(), actor(r)
	committeeID, _ := strconv.ParseInt(v.Get("committee_id"), 10, 64)
	committees, terms, err := s.committeeTermOptions(ctx, a, max(committeeID, 0))
	if err != nil {
		return err
	}
	if committeeID <= 0 {
		terms = nil
	}
	var plenaries []view.Option
	var invitees []view.Option
	if committeeID > 0 {
		ps, _, err := s.db.FindMeetings(ctx, a, store.MeetingFilter{CommitteeID: committeeID, Kind: meeting.Plenary, Limit: 200})
		if err != nil {
			return err
		}
		for _, p := range ps {
			plenaries = append(plenaries, view.Option{Value: app.Itoa(p.ID), Label: p.Title})
		}
		termID, _ := strconv.ParseInt(v.Get("term_id"), 10, 64)
		ms, _, err := s.db.FindMembers(ctx, a, store.MemberFilter{CommitteeID: committeeID, TermID: max(termID, 0), Limit: 2000})
		if err != nil && app.ErrorCode(err) != app.EINVALID {
			return err
		}
		for _, m := range ms {
			invitees = append(invitees, view.Option{Value: app.Itoa(m.ID), Label: m.Name})
		}
	}
	sittings := []view.Option{{Label: "（非大会会次）"}}
	for _, k := range meeting.SittingKinds {
		sittings = append(sittings, view.Option{Value: string(k), Label: k.Label()})
	}
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(errs, f)
	}
	d := view.MeetingForm{Msg: msg, Errs: errs, Invitees: invitees, Chosen: map[string]bool{}, InvError: errs.Get("invitees"),
		Committee: v.Get("committee_id")}
	for _, id := range v["invitees"] {
		d.Chosen[id] = true
	}
	d.Fields = []view.Field{
		fe(view.Field{Name: "committee_id", Label: "召开会议的政协", Required: true, Options: append([]view.Option{{Label: "请选择"}}, committees...)}),
		fe(view.Field{Name: "term_id", Label: "届次", Required: true, Options: append([]view.Option{{Label: "请选择"}}, terms...),
			Hint: "先选择政协并点击“载入委员”即可列出届次"}),
		fe(view.Field{Name: "kind", Label: "会议类型", Required: true, Options: append([]view.Option{{Label: "请选择"}}, meetingKindOptions(false)...)}),
		fe(view.Field{Name: "seq", Label: "会次", Type: "number", Hint: "全体会议、常委会会议、主席会议按届编号；留空则自动取下一次，会议名称自动生成"}),
		fe(view.Field{Name: "parent_id", Label: "所属全体会议（大会会次）", Options: append([]view.Option{{Label: "—"}}, plenaries...)}),
		fe(view.Field{Name: "sitting", Label: "会次（开幕会、大会发言等）", Options: sittings}),
		fe(view.Field{Name: "title", Label: "会议名称", Hint: "协商会、座谈会、现场会须填写"}),
		fe(view.Field{Name: "topic", Label: "协商议题"}),
		fe(view.Field{Name: "starts_at", Label: "开始时间", Type: "datetime-local", Required: true}),
		fe(view.Field{Name: "ends_at", Label: "结束时间", Type: "datetime-local"}),
		fe(view.Field{Name: "place", Label: "地点"}),
		fe(view.Field{Name: "presider", Label: "主持人"}),
		fe(view.Field{Name: "quorum_strict", Label: "法定人数", Options: []view.Option{{Value: "1", Label: "超过"}, {Value: "0", Label: "不少于"}}}),
		fe(view.Field{Name: "quorum_num", Label: "应到人数的（分子）", Type: "number"}),
		fe(view.Field{Name: "quorum_den", Label: "分之（分母）", Type: "number", Hint: "默认：超过应到人数的二分之一"}),
	}
	if q := errs.Get("quorum"); q != "" {
		d.Fields[len(d.Fields)-1].Error = q
	}
	return render(w, r, status, view.MeetingNewPage(page(r, "新建会议", "meetings"), d))
}

// parseLocal reads a datetime-local value in the committee's zone.
func (s *Server) parseLocal(f *form, name string) time.Time {
	v := f.Str(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(datetimeLocal, v, s.db.Loc)
	if err != nil {
		if t, err = time.ParseInLocation(datetimeLocal+":05", v, s.db.Loc); err != nil {
			f.Errs.Add(name, "时间格式应为 年-月-日 时:分")
			return time.Time{}
		}
	}
	return t
}

func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	committeeID := f.ID("committee_id")
	in := meeting.Input{TermID: f.ID("term_id"), Kind: meeting.Kind(f.Str("kind")), Seq: f.Int("seq"),
		ParentID: f.ID("parent_id"), Sitting: meeting.SittingKind(f.Str("sitting")), Title: f.Str("title"),
		Topic: f.Str("topic"), StartsAt: s.parseLocal(f, "starts_at"), EndsAt: s.parseLocal(f, "ends_at"),
		Place: f.Str("place"), Presider: f.Str("presider")}
	if num, den := f.Int("quorum_num"), f.Int("quorum_den"); num != 0 || den != 0 {
		in.Quorum = &meeting.QuorumRule{Num: num, Den: den, Strict: f.Str("quorum_strict") != "0"}
	}
	for _, v := range r.PostForm["invitees"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			f.Errs.Add("invitees", "选择无效")
			continue
		}
		in.Invitees = append(in.Invitees, id)
	}
	m, err := s.db.CreateMeeting(r.Context(), actor(r), committeeID, in)
	if err == nil && len(f.Errs) > 0 {
		err = f.Errs.Err() // cannot happen after a successful save, kept for safety
	}
	if err != nil {
		err = f.merge(err)
		if !formError(err) {
			return err
		}
		msg := ""
		if len(app.ErrorFields(err)) == 0 {
			msg = app.ErrorMessage(err)
		}
		return s.renderMeetingForm(w, r, formStatus(err), r.PostForm, msg, app.ErrorFields(err))
	}
	return redirect(w, r, "/meetings/"+app.Itoa(m.ID)+"?ok=created")
}

// --- one meeting ---

func (s *Server) meetingShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if memberAccount(r) {
		return s.renderMine(w, r, id, http.StatusOK, nil)
	}
	return s.renderMeeting(w, r, id, http.StatusOK, "", nil)
}

// renderMeeting renders the office's page of a meeting; after a failed
// action, err (a field error or a conflict) is shown for the form named
// formName, with what was posted.
func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, id int64, status int, formName string, actErr error) error {
	ctx, a := r.Context(), actor(r)
	m, err := s.db.FindMeetingByID(ctx, a, id)
	if err != nil {
		return err
	}
	att, err := s.db.AttendanceOf(ctx, a, id)
	if err != nil {
		return err
	}
	expected, err := s.db.ExpectedMembers(ctx, a, id)
	if err != nil {
		return err
	}
	leaves, err := s.db.FindLeaveRequests(ctx, a, id)
	if err != nil {
		return err
	}
	guests, err := s.db.FindGuests(ctx, a, id)
	if err != nil {
		return err
	}
	items, err := s.db.FindAgendaItems(ctx, a, id)
	if err != nil {
		return err
	}
	votes, err := s.db.FindVotes(ctx, a, id)
	if err != nil {
		return err
	}
	d := view.MeetingShow{Head: s.meetingHead(m), Att: attendanceView(att, m.Quorum), CanWrite: can(r, auth.MeetingWrite),
		Form: formName}
	if actErr != nil {
		d.Errs = app.ErrorFields(actErr)
		if len(d.Errs) == 0 {
			d.Msg = app.ErrorMessage(actErr)
		}
		d.Posted = r.PostForm
	}
	for _, e := range expected {
		row := view.ExpectedRow{MemberID: e.MemberID, Name: e.Name, Sector: e.Sector, Role: roleLabel(e.Role),
			SignedIn: e.SignedIn, Late: e.Late}
		if e.SignedIn {
			row.Signed = e.SignedAt.In(s.db.Loc).Format("15:04")
			if e.Method == store.SignInQR {
				row.Signed += " 扫码"
			}
		}
		if e.Leave != "" {
			row.Leave = e.Leave.Label()
		}
		d.Expected = append(d.Expected, row)
		if e.Leave == "" && !e.SignedIn {
			d.LeaveOptions = append(d.LeaveOptions, view.Option{Value: app.Itoa(e.MemberID), Label: e.Name})
		}
	}
	for _, l := range leaves {
		d.Leaves = append(d.Leaves, view.LeaveRow{ID: l.ID, Name: l.Name, Reason: l.Reason, Status: l.Status.Label(),
			Pending: l.Status == store.LeavePending})
	}
	for _, g := range guests {
		d.Guests = append(d.Guests, view.GuestRow{ID: g.ID, Name: g.Name, Position: g.Position, Kind: g.Kind.Label()})
	}
	byItem := map[int64]store.Vote{}
	for _, v := range votes {
		byItem[v.AgendaItemID] = v
	}
	for _, it := range items {
		row := view.AgendaRow{ID: it.ID, Seq: it.Seq, Kind: it.Kind.Label(), Title: it.Title, Note: it.Note}
		if v, ok := byItem[it.ID]; ok {
			vr, err := s.voteRow(ctx, a, v)
			if err != nil {
				return err
			}
			row.Vote = &vr
		}
		d.Items = append(d.Items, row)
	}
	for _, k := range store.AgendaKinds {
		d.AgendaKinds = append(d.AgendaKinds, view.Option{Value: string(k), Label: k.Label()})
	}
	if err := s.fillAgendaDocs(ctx, a, id, d.Items); err != nil { // meeting_edit.go
		return err
	}
	return render(w, r, status, view.MeetingShowPage(page(r, m.Title, "meetings"), d))
}

// roleLabel is a member's top role in Chinese, or "" for none.
func roleLabel(k member.RoleKind) string {
	if k == "" {
		return ""
	}
	return k.Label()
}

// meetingAction runs a change posted from a meeting's page and redirects back
// to it, or re-renders the page with the error for an expected failure.
func (s *Server) meetingAction(w http.ResponseWriter, r *http.Request, meetingID int64, formName, ok string, do func(f *form) error) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if err := do(f); err != nil {
		err = f.merge(err)
		if !formError(err) {
			return err
		}
		if memberAccount(r) {
			return s.renderMine(w, r, meetingID, formStatus(err), err)
		}
		return s.renderMeeting(w, r, meetingID, formStatus(err), formName, err)
	}
	s.publishMeeting(r.Context(), meetingID) // the live board
	return redirect(w, r, "/meetings/"+app.Itoa(meetingID)+"?ok="+ok)
}

// formMeetingID is the meeting a form posted from a meeting's page returns
// to, for actions addressed by another record's id. It only chooses where to
// go back; the store checks the record itself.
func formMeetingID(r *http.Request) (int64, error) { return formReturnID(r, "meeting_id", "会议") }

// formReturnID reads the id of the page a form returns to from field; a
// missing or malformed one answers not found, naming what.
func formReturnID(r *http.Request, field, what string) (int64, error) {
	if err := r.ParseForm(); err != nil {
		return 0, app.Errorf(app.EINVALID, "无法读取提交的表单")
	}
	id, err := strconv.ParseInt(r.PostFormValue(field), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.NotFound(what)
	}
	return id, nil
}

func (s *Server) meetingOpen(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, id, "", "meeting_opened", func(*form) error {
		_, err := s.db.OpenMeeting(r.Context(), actor(r), id)
		return err
	})
}

func (s *Server) meetingClose(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, id, "", "meeting_closed", func(*form) error {
		_, err := s.db.CloseMeeting(r.Context(), actor(r), id)
		return err
	})
}

func (s *Server) meetingSignIn(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, id, "signin", "signed_in", func(f *form) error {
		memberID := f.ID("member_id")
		if err := f.Errs.Err(); err != nil {
			return err
		}
		_, err := s.db.SignIn(r.Context(), actor(r), id, memberID, store.SignInClerk, time.Time{})
		return err
	})
}

// meetingLeave files a leave request: a member account for itself, the
// office for any expected member.
func (s *Server) meetingLeave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actor(r)
	if !memberAccount(r) && !can(r, auth.MeetingWrite) {
		return app.Errorf(app.EFORBIDDEN, "您的角色无权代委员请假")
	}
	if memberAccount(r) {
		if _, err := s.ownLine(r.Context(), a, id); err != nil {
			return err
		}
	}
	return s.meetingAction(w, r, id, "leave", "leave_sent", func(f *form) error {
		memberID := a.MemberID
		if !memberAccount(r) {
			memberID = f.ID("member_id")
		}
		reason := f.Str("reason")
		if err := f.Errs.Err(); err != nil {
			return err
		}
		_, err := s.db.RequestLeave(r.Context(), a, id, memberID, reason)
		return err
	})
}

func (s *Server) leaveDecide(approve bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		meetingID, err := formMeetingID(r)
		if err != nil {
			return err
		}
		return s.meetingAction(w, r, meetingID, "", "saved", func(*form) error {
			_, err := s.db.DecideLeave(r.Context(), actor(r), id, approve)
			return err
		})
	}
}

func (s *Server) guestAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, id, "guest", "saved", func(f *form) error {
		in := store.GuestInput{Name: f.Str("name"), Position: f.Str("position"), Kind: store.GuestKind(f.Str("kind"))}
		_, err := s.db.AddGuest(r.Context(), actor(r), id, in)
		return err
	})
}

func (s *Server) guestRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	meetingID, err := formMeetingID(r)
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, meetingID, "", "deleted", func(*form) error {
		return s.db.RemoveGuest(r.Context(), actor(r), id)
	})
}

func (s *Server) agendaAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.meetingAction(w, r, id, "agenda", "saved", func(f *form) error {
		in := store.AgendaItemInput{Kind: store.AgendaKind(f.Str("kind")), Title: f.Str("title"), Note: f.Str("note")}
		_, err := s.db.AddAgendaItem(r.Context(), actor(r), id, in)
		return err
	})
}

// --- a member's own view ---

// ownLine returns the member account's line of a meeting's expected list; a
// meeting that does not expect the member is not found for it.
func (s *Server) ownLine(ctx context.Context, a app.Actor, meetingID int64) (store.ExpectedMember, error) {
	if a.MemberID == 0 {
		return store.ExpectedMember{}, app.NotFound("会议")
	}
	e, err := s.db.FindExpectedMember(ctx, a, meetingID, a.MemberID) // one row, not the whole list
	if app.ErrorCode(err) == app.ENOTFOUND {
		return store.ExpectedMember{}, app.NotFound("会议")
	}
	return e, err
}

func (s *Server) renderMine(w http.ResponseWriter, r *http.Request, id int64, status int, actErr error) error {
	ctx, a := r.Context(), actor(r)
	line, err := s.ownLine(ctx, a, id)
	if err != nil {
		return err
	}
	m, err := s.db.FindMeetingByID(ctx, a, id)
	if err != nil {
		return err
	}
	d := view.MeetingMine{Head: s.meetingHead(m)}
	switch {
	case line.SignedIn:
		d.Status = "已签到（" + line.SignedAt.In(s.db.Loc).Format("01-02 15:04") + "）"
	case line.Leave != "":
		d.Status = "请假（" + line.Leave.Label() + "）"
	case m.Status == meeting.Closed:
		d.Status = "未出席"
	default:
		d.Status = "未签到"
	}
	d.CanLeave = !line.SignedIn && line.Leave == "" && m.Status != meeting.Closed && s.db.Now().Before(m.StartsAt)
	if actErr != nil {
		d.Errs = app.ErrorFields(actErr)
		if len(d.Errs) == 0 {
			d.Msg = app.ErrorMessage(actErr)
		}
		d.Reason = r.PostFormValue("reason")
	}
	if m.Status == meeting.Open && line.SignedIn {
		votes, err := s.db.FindVotes(ctx, a, id)
		if err != nil {
			return err
		}
		for _, v := range votes {
			if v.Status == store.VoteOpen && v.Mode == store.VoteElectronic {
				d.OpenVotes = append(d.OpenVotes, view.AgendaRow{Title: v.ItemTitle, Vote: &view.VoteRow{ID: v.ID}})
			}
		}
	}
	return render(w, r, status, view.MeetingMinePage(page(r, m.Title, "meetings"), d))
}

// --- board: meeting_live.go ---

// --- QR sign-in ---

// signExpiry is how long a meeting's sign-in code is valid: until the
// meeting ends, or 12 hours after its start when no end is set.
func signExpiry(m meeting.Meeting) time.Time {
	if !m.EndsAt.IsZero() {
		return m.EndsAt
	}
	return m.StartsAt.Add(12 * time.Hour)
}

func (s *Server) meetingQR(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.db.FindMeetingByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	exp := signExpiry(m)
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	link := scheme + "://" + r.Host + "/s/" + meeting.SignToken(s.cfg.SignKey, m.ID, exp)
	d := view.MeetingQR{Head: s.meetingHead(m), URL: link, Image: qrDataURI(link), Expires: s.meetingTime(exp)}
	return render(w, r, http.StatusOK, view.MeetingQRPage(page(r, "签到二维码", "meetings"), d))
}

// signState checks a sign-in token for the member account: the meeting,
// the member's line, and why signing in is not possible ("" when it is).
func (s *Server) signState(r *http.Request) (meeting.Meeting, string, int, error) {
	a := actor(r)
	if a.MemberID == 0 {
		return meeting.Meeting{}, "请使用本人的委员账号登录后扫码签到", http.StatusForbidden, nil
	}
	id, err := meeting.VerifyToken(s.cfg.SignKey, r.PathValue("token"), s.db.Now())
	if err != nil {
		return meeting.Meeting{}, app.ErrorMessage(err), httpStatus(app.ErrorCode(err)), nil
	}
	m, err := s.db.FindMeetingByID(r.Context(), a, id)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return m, "签到码无效", http.StatusNotFound, nil
	} else if err != nil {
		return m, "", 0, err
	}
	line, err := s.ownLine(r.Context(), a, id)
	switch {
	case app.ErrorCode(err) == app.ENOTFOUND:
		return m, "您不在本次会议的应到名单中，无需签到", http.StatusUnprocessableEntity, nil
	case err != nil:
		return m, "", 0, err
	case line.SignedIn:
		return m, "您已于" + line.SignedAt.In(s.db.Loc).Format("01-02 15:04") + "签到，不能重复签到", http.StatusConflict, nil
	case m.Status == meeting.Closed:
		return m, "会议已结束，不能再签到", http.StatusConflict, nil
	case m.Status != meeting.Open:
		return m, "会议尚未开始签到，请稍后再扫码", http.StatusConflict, nil
	}
	return m, "", http.StatusOK, nil
}

func (s *Server) signPage(w http.ResponseWriter, r *http.Request) error {
	m, msg, status, err := s.signState(r)
	if err != nil {
		return err
	}
	d := view.SignView{Token: r.PathValue("token"), Title: m.Title, Place: m.Place, Msg: msg, CanSign: msg == ""}
	if m.ID != 0 {
		d.When = s.meetingWhen(m)
	}
	if r.URL.Query().Get("ok") == "signed_in" && status == http.StatusConflict && strings.HasPrefix(msg, "您已于") {
		d.Done, d.Msg, status = strings.TrimSuffix(msg, "，不能重复签到"), "", http.StatusOK
	}
	return render(w, r, status, view.SignPage(page(r, "会议签到", "meetings"), d))
}

func (s *Server) signPost(w http.ResponseWriter, r *http.Request) error {
	m, msg, status, err := s.signState(r)
	if err != nil {
		return err
	}
	token := r.PathValue("token")
	if msg == "" {
		_, err = s.db.SignIn(r.Context(), actor(r), m.ID, actor(r).MemberID, store.SignInQR, s.db.Now())
		if err == nil {
			s.publishMeeting(r.Context(), m.ID) // the live board
			return redirect(w, r, "/s/"+token+"?ok=signed_in")
		}
		if !formError(err) && app.ErrorCode(err) != app.EFORBIDDEN {
			return err
		}
		msg, status = app.ErrorMessage(err), httpStatus(app.ErrorCode(err))
	}
	d := view.SignView{Token: token, Title: m.Title, Place: m.Place, Msg: msg}
	if m.ID != 0 {
		d.When = s.meetingWhen(m)
	}
	return render(w, r, status, view.SignPage(page(r, "会议签到", "meetings"), d))
}
