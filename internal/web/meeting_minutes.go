package web

import (
	"net/http"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/notice"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// meetingMinutesRoutes: a meeting's notice (composed from the records, sent
// to every expected member, with who has read it), its minutes as a
// printable page and its attendance sheet as .xlsx. Reminders before the
// meeting are sent by cmd/xieshang (reminders.go).
//
// The minutes and the sheet list every expected member's attendance, so a
// member account (which sees only its own line of a meeting) may not open
// them.
func (s *Server) meetingMinutesRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/meetings/{id}/notice", Perm: auth.MeetingWrite, Handle: s.meetingNotice},
		{Method: "POST", Pattern: "/meetings/{id}/notify", Perm: auth.MeetingWrite, Handle: s.meetingNotify},
		{Method: "GET", Pattern: "/meetings/{id}/minutes", Perm: auth.MeetingRead, Handle: s.meetingMinutes},
		{Method: "GET", Pattern: "/meetings/{id}/attendance.xlsx", Perm: auth.MeetingRead, Handle: s.meetingAttendanceSheet},
	}
}

// --- notice ---

func (s *Server) meetingNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderMeetingNotice(w, r, id, http.StatusOK, "")
}

func (s *Server) renderMeetingNotice(w http.ResponseWriter, r *http.Request, id int64, status int, msg string) error {
	ctx, a := r.Context(), actor(r)
	m, err := s.db.FindMeetingByID(ctx, a, id)
	if err != nil {
		return err
	}
	sent, err := s.db.FindMeetingNotices(ctx, a, id)
	if err != nil {
		return err
	}
	d := view.MeetingNoticeView{Head: s.meetingHead(m), Msg: msg}
	noticed := false
	for _, n := range sent {
		noticed = noticed || n.Kind != notice.KindReminder
		d.Sent = append(d.Sent, view.MeetingNoticeRow{ID: n.ID, Kind: n.Kind.Label(), Subject: n.Subject,
			When: s.meetingTime(n.CreatedAt), Recipients: n.Recipients, Read: n.Read})
	}
	if !noticed && m.Status != meeting.Closed {
		draft, err := s.db.DraftMeetingNotice(ctx, a, id)
		if err != nil {
			return err
		}
		d.CanSend, d.Subject, d.Body, d.Recipients = true, draft.Subject, draft.Body, draft.Recipients
	}
	return render(w, r, status, view.MeetingNoticePage(page(r, "会议通知", "meetings"), d))
}

func (s *Server) meetingNotify(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseForm(r); err != nil {
		return err
	}
	if _, err := s.db.SendMeetingNotice(r.Context(), actor(r), id); err != nil {
		if !formError(err) {
			return err
		}
		return s.renderMeetingNotice(w, r, id, formStatus(err), app.ErrorMessage(err))
	}
	return redirect(w, r, "/meetings/"+app.Itoa(id)+"/notice?ok=notice_sent")
}

// --- minutes ---

// minutesRecords reads what the minutes and the sheet are made of.
type minutesRecords struct {
	m         meeting.Meeting
	committee string
	att       meeting.Attendance
	expected  []store.ExpectedMember
}

func (s *Server) readMinutes(r *http.Request, id int64) (minutesRecords, error) {
	ctx, a := r.Context(), actor(r)
	var rec minutesRecords
	if memberAccount(r) {
		return rec, app.Errorf(app.EFORBIDDEN, "会议纪要和签到表由政协机关查阅")
	}
	m, err := s.db.FindMeetingByID(ctx, a, id)
	if err != nil {
		return rec, err
	}
	c, err := s.db.FindOrgByID(ctx, a, m.CommitteeID)
	if err != nil {
		return rec, err
	}
	rec.m, rec.committee = m, c.WrittenName()
	if rec.att, err = s.db.AttendanceOf(ctx, a, id); err != nil {
		return rec, err
	}
	rec.expected, err = s.db.ExpectedMembers(ctx, a, id)
	return rec, err
}

func (s *Server) meetingMinutes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := s.readMinutes(r, id)
	if err != nil {
		return err
	}
	ctx, a, m := r.Context(), actor(r), rec.m
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
	full := meeting.FullTitle(rec.committee, m.Title)
	d := view.MinutesView{ID: id, Title: meeting.MinutesTitle(full), When: s.meetingWhen(m), Place: m.Place,
		Presider: m.Presider, Opening: meeting.OpeningSentence(m, rec.committee, s.db.Loc),
		Presiding: meeting.PresiderSentence(m), Attendance: meeting.AttendanceLine(m, rec.att),
		Office: meeting.Office(rec.committee), Generated: s.db.Today().Chinese(), Closed: m.Status == meeting.Closed}
	var invited, attending []meeting.GuestLine
	for _, g := range guests {
		line := meeting.GuestLine{Name: g.Name, Position: g.Position}
		if g.Kind == store.GuestInvited {
			invited = append(invited, line)
		} else {
			attending = append(attending, line)
		}
	}
	d.Invited = meeting.GuestSentence(m, invited, store.GuestInvited.Label())
	d.Attending = meeting.GuestSentence(m, attending, store.GuestAttending.Label())
	closed := map[int64]store.Vote{} // the last closed vote of each item
	for _, v := range votes {
		if v.Status == store.VoteClosed {
			closed[v.AgendaItemID] = v
		}
	}
	var results []meeting.AgendaResult
	for _, it := range items {
		res := meeting.AgendaResult{Title: it.Title, Bare: it.Kind == store.AgendaResolution}
		if v, ok := closed[it.ID]; ok {
			res.Voted, res.Passed, res.Tally, res.Expected, res.Present = true, v.Passed, v.Tally, v.Expected, v.Present
		}
		results = append(results, res)
		d.Agenda = append(d.Agenda, view.MinutesAgenda{Seq: it.Seq, Kind: it.Kind.Label(), Title: it.Title,
			Result: meeting.ResultLine(res)})
	}
	d.Adopted = meeting.AdoptedSentence(results)
	if err := s.minutesElections(r, rec.committee, &d); err != nil {
		return err
	}
	var excused []string
	for _, e := range rec.expected {
		if !e.SignedIn && e.Leave == store.LeaveApproved {
			excused = append(excused, e.Name)
		}
	}
	d.Leave = meeting.LeaveSentence(excused)
	return render(w, r, http.StatusOK, view.MinutesPage(d))
}

// minutesElections adds the results of the meeting's signed elections: the
// report's sentence (会议选举王学臣为市政协副主席，…。) and each election's
// count as the chief scrutineer reported it.
func (s *Server) minutesElections(r *http.Request, committee string, d *view.MinutesView) error {
	ctx, a := r.Context(), actor(r)
	els, err := s.db.FindElections(ctx, a, d.ID)
	if err != nil {
		return err
	}
	var sentences []string
	for _, el := range els {
		if el.Status != election.Signed && el.Status != election.Confirmed {
			continue
		}
		tallies, err := s.db.FindTally(ctx, a, el.ID)
		if err != nil {
			return err
		}
		if sn := election.ResultSentence(committee, tallies); sn != "" {
			sentences = append(sentences, sn)
		}
		d.Elections = append(d.Elections, view.MinutesElection{Title: el.Title, Report: election.ReportLines(committee, tallies)})
	}
	if len(sentences) > 0 {
		d.Elected = "会议" + strings.Join(sentences, "，") + "。"
	}
	return nil
}

// --- attendance sheet ---

// sheetMethod is how a member signed in, in Chinese.
func sheetMethod(method string) string {
	switch method {
	case store.SignInQR:
		return "扫码签到"
	case store.SignInClerk:
		return "工作人员代签"
	}
	return method
}

func (s *Server) meetingAttendanceSheet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := s.readMinutes(r, id)
	if err != nil {
		return err
	}
	m, att := rec.m, rec.att
	closed := m.Status == meeting.Closed
	full := meeting.FullTitle(rec.committee, m.Title)
	sheet := xlsx.Sheet{Name: "签到表", Title: full + "签到表（" + s.meetingWhen(m) + "）",
		Header: []string{"姓名", "界别", "职务", "签到时间", "方式", "迟到", "请假", "状态"}}
	for _, e := range rec.expected {
		signed, late, leave := "", "", ""
		if e.SignedIn {
			signed = s.meetingTime(e.SignedAt)
		}
		if e.Late {
			late = "是"
		}
		if e.Leave != "" {
			leave = e.Leave.Label()
		}
		sheet.Rows = append(sheet.Rows, []any{e.Name, e.Sector, roleLabel(e.Role), signed, sheetMethod(e.Method), late,
			leave, meeting.SheetStatus(e.SignedIn, e.Leave == store.LeaveApproved, closed)})
	}
	n := func(k int) string { return strconv.Itoa(k) + "人" }
	sheet.Rows = append(sheet.Rows, []any{"合计", "应到" + n(att.Expected), "", "实到" + n(att.Present), "",
		"迟到" + n(att.Late), "请假" + n(att.Excused), "缺席" + n(att.Absent)})
	return s.sendWorkbook(w, r, "meeting", full+"签到表.xlsx", "attendance-"+app.Itoa(id)+".xlsx", sheet)
}
