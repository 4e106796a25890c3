package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// Meetings of the province world: for every committee and term, five
// plenary sessions (each with its opening, election and closing sittings),
// standing-committee and chair's meetings through the term, and
// consultation meetings (双月协商会, 专题协商会, 协商座谈会, 现场观摩推进会).
// Past meetings are closed with their bodies frozen, leave, sign-ins, votes
// and the duty events closing writes; the next standing-committee and
// chair's meetings of the current term are in preparation.

// provSession is a plenary session planned with its days and elections.
type provSession struct {
	seq       int
	term      int
	day1      app.Date // opening
	day3      app.Date // elections and closing
	elections []*provElection
	meeting   *provMeeting
	sittings  map[meeting.SittingKind]*provMeeting
}

// provMeeting is a meeting as planned and written.
type provMeeting struct {
	id         int64
	pc         *provCommittee
	term       int
	kind       meeting.Kind
	seq        int
	parent     *provMeeting
	sitting    meeting.SittingKind
	title      string
	topic      string
	start, end time.Time
	day        app.Date
	place      string
	presider   string
	closed     bool
	invitees   []int // member indices of a named list
	session    *provSession
	subject    int
	// Filled when attendance is drawn (closed meetings):
	expected []int // member indices
	present  []int // signed in, in sign-in order
	items    int   // agenda items so far
}

// planSessions plans the plenary sessions of a committee's two terms.
func (pl *provLoader) planSessions(pc *provCommittee) {
	for t := range 2 {
		pc.sessions[t] = nil
		for s := 1; s <= 5; s++ {
			day1 := pc.start[t]
			if s > 1 {
				day1 = app.Date{Y: pc.start[t].Y + s - 1, M: time.January, D: min(pc.start[t].D+2, 20)}
			}
			pc.sessions[t] = append(pc.sessions[t], &provSession{seq: s, term: t, day1: day1, day3: addDays(day1, 2),
				sittings: map[meeting.SittingKind]*provMeeting{}})
		}
	}
}

// ---------------------------------------------------------------- elections planned

// provElection is an election as planned: its offices, candidates and who
// the ballots will elect.
type provElection struct {
	id      int64
	pc      *provCommittee
	term    int
	session *provSession
	sitting meeting.SittingKind
	title   string
	mode    election.Mode
	offices []*provOffice
	general bool
}

type provOffice struct {
	id          int64
	paper, seq  int
	name        string
	role        member.RoleKind
	seats       int
	competitive bool
	cands       []int // member indices in ballot order; the first seats are elected
}

// planElections plans every election and gives the elected their roles:
// each term's general election at its first session (chair, vice-chairs,
// secretary-general, standing committee) and by-elections (补选) at later
// sittings. A committee and term without a general election (small worlds)
// has its leaders from the term's first day.
func (pl *provLoader) planElections(r *rand.Rand) {
	type ct struct {
		pc *provCommittee
		t  int
	}
	var cts []ct
	for _, pc := range pl.committees {
		for t := range 2 {
			cts = append(cts, ct{pc, t})
		}
	}
	general := min(pl.c.Elections, len(cts))
	byElections := make([]int, len(cts))
	for i := range pl.c.Elections - general {
		byElections[i%len(cts)]++
	}
	for k, x := range cts {
		pl.planTerm(x.pc, x.t, k < general, byElections[k], r)
	}
}

// planTerm plans one committee term's leaders and elections.
func (pl *provLoader) planTerm(pc *provCommittee, t int, general bool, byElections int, r *rand.Rand) {
	seated := slices.Clone(pc.seated[t])
	r.Shuffle(len(seated), func(i, j int) { seated[i], seated[j] = seated[j], seated[i] })
	first := pc.sessions[t][0]
	day := pc.start[t]
	note := ""
	if general {
		day = first.day3
		note = fullSession(pc, t, 1) + "选举"
	}
	give := func(i int, kind member.RoleKind, from app.Date, note string) {
		pc.members[i].roles = append(pc.members[i].roles, provRole{term: t, kind: kind, start: from, end: pc.end[t], note: note})
	}
	vice := min(6, len(seated)/40+3)
	standing := max(3, len(seated)/10)
	chair, vices, sg := seated[0], seated[1:1+vice], seated[1+vice]
	std := seated[2+vice : 2+vice+standing]
	losers := seated[2+vice+standing : 2+vice+standing+max(1, standing/10)]
	give(chair, member.Chair, day, note)
	for _, v := range vices {
		give(v, member.ViceChair, day, note)
	}
	give(sg, member.SecretaryGeneral, day, note)
	for _, s := range append(append([]int{chair, sg}, vices...), std...) {
		give(s, member.Standing, day, note)
	}
	if general {
		e := &provElection{pc: pc, term: t, session: first, sitting: meeting.Election, general: true,
			title: "选举主席、副主席、秘书长和常务委员", mode: election.Electronic}
		e.offices = []*provOffice{
			{paper: 1, seq: 1, name: "主席", role: member.Chair, seats: 1, cands: []int{chair}},
			{paper: 1, seq: 2, name: "副主席", role: member.ViceChair, seats: len(vices), cands: slices.Clone(vices)},
			{paper: 1, seq: 3, name: "秘书长", role: member.SecretaryGeneral, seats: 1, cands: []int{sg}},
			{paper: 2, seq: 1, name: "常务委员", role: member.Standing, seats: len(std), competitive: true,
				cands: append(slices.Clone(std), losers...)},
		}
		first.elections = append(first.elections, e)
	}
	// By-elections in the sittings of the term, in order: each session's
	// election sitting (after the first) and closing sitting.
	type slot struct {
		s       *provSession
		sitting meeting.SittingKind
	}
	var slots []slot
	for _, s := range pc.sessions[t] {
		if s.seq > 1 {
			slots = append(slots, slot{s, meeting.Election})
		}
		slots = append(slots, slot{s, meeting.Closing})
	}
	for k := range byElections {
		sl := slots[k*len(slots)/max(byElections, 1)]
		d := sl.s.day3
		on := func(kind member.RoleKind) []int {
			var out []int
			for _, i := range pc.seated[t] {
				if pc.members[i].roleOn(t, d) == kind {
					out = append(out, i)
				}
			}
			r.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
			return out
		}
		e := &provElection{pc: pc, term: t, session: sl.s, sitting: sl.sitting, mode: election.Electronic}
		if r.IntN(100) < 20 {
			e.mode = election.Paper
		}
		note := fullSession(pc, t, sl.s.seq) + "补选"
		x := r.IntN(100)
		standingOnly := on(member.Standing)
		switch {
		case x < 8 && len(standingOnly) > 0:
			e.title = "补选副主席"
			e.offices = []*provOffice{{paper: 1, seq: 1, name: "副主席", role: member.ViceChair, seats: 1, cands: standingOnly[:1]}}
			give(standingOnly[0], member.ViceChair, d, note)
		case x < 14 && len(standingOnly) > 0:
			e.title = "补选秘书长"
			e.offices = []*provOffice{{paper: 1, seq: 1, name: "秘书长", role: member.SecretaryGeneral, seats: 1, cands: standingOnly[:1]}}
			for _, i := range pc.seated[t] { // the secretary-general in office leaves the day before
				m := pc.members[i]
				for j := range m.roles {
					ro := &m.roles[j]
					if ro.term == t && ro.kind == member.SecretaryGeneral && !d.Before(ro.start) && (ro.end.IsZero() || !d.After(ro.end)) {
						ro.end = addDays(d, -1)
					}
				}
			}
			give(standingOnly[0], member.SecretaryGeneral, d, note)
		default:
			ordinary := on(member.Ordinary)
			seats := 1 + r.IntN(3)
			competitive := r.IntN(100) < 30
			n := seats
			if competitive {
				n++
			}
			e.title = "补选常务委员"
			e.offices = []*provOffice{{paper: 1, seq: 1, name: "常务委员", role: member.Standing, seats: seats,
				competitive: competitive, cands: slices.Clone(ordinary[:n])}}
			for _, i := range ordinary[:seats] {
				give(i, member.Standing, d, note)
			}
		}
		sl.s.elections = append(sl.s.elections, e)
	}
}

// fullSession is a session's full title: 江州市政协十三届四次会议.
func fullSession(pc *provCommittee, t, seq int) string {
	return meeting.FullTitle(pc.org.WrittenName(), meeting.Title(meeting.Plenary, pc.terms[t].Number, seq, ""))
}

// ---------------------------------------------------------------- meetings planned

var consultKinds = []meeting.Kind{meeting.Bimonthly, meeting.Thematic, meeting.Symposium, meeting.OnSite}

// planMeetings plans every meeting of every committee and term.
func (pl *provLoader) planMeetings(r *rand.Rand) []*provMeeting {
	var all []*provMeeting
	k := 0
	cts := 2 * len(pl.committees)
	for _, pc := range pl.committees {
		for t := range 2 {
			budget := share(pl.c.Meetings, cts, k)
			k++
			all = append(all, pl.planTermMeetings(pc, t, budget, r)...)
		}
	}
	return all
}

func (pl *provLoader) planTermMeetings(pc *provCommittee, t, budget int, r *rand.Rand) []*provMeeting {
	var out []*provMeeting
	term := pc.terms[t]
	hall := pc.place + "会堂"
	chairOn := func(d app.Date) string {
		for _, i := range pc.seated[t] {
			if pc.members[i].roleOn(t, d) == member.Chair {
				return pc.members[i].name
			}
		}
		return ""
	}
	for _, s := range pc.sessions[t] {
		sm := &provMeeting{pc: pc, term: t, kind: meeting.Plenary, seq: s.seq, session: s,
			title: meeting.Title(meeting.Plenary, term.Number, s.seq, ""), start: at(s.day1, 9, 0), end: at(s.day3, 17, 30),
			day: s.day1, place: hall, presider: "大会主席团", closed: true}
		s.meeting = sm
		out = append(out, sm)
		for _, st := range []struct {
			kind  meeting.SittingKind
			day   app.Date
			h, mi int
		}{{meeting.Opening, s.day1, 9, 0}, {meeting.Election, s.day3, 9, 0}, {meeting.Closing, s.day3, 15, 0}} {
			m := &provMeeting{pc: pc, term: t, kind: meeting.Sitting, parent: sm, sitting: st.kind, session: s,
				title: meeting.SittingTitle(sm.title, st.kind), start: at(st.day, st.h, st.mi), end: at(st.day, st.h+2, 0),
				day: st.day, place: hall, presider: chairOn(st.day), closed: true}
			if m.presider == "" {
				m.presider = "大会主席团"
			}
			s.sittings[st.kind] = m
			out = append(out, m)
		}
	}
	rest := budget - len(out)
	standing := rest * 22 / 100
	chairs := rest * 45 / 100
	consult := rest - standing - chairs
	from := addDays(pc.start[t], 20)
	to := pc.end[t]
	if to.IsZero() {
		to = addDays(provToday, -3)
	}
	span := daysBetween(from, to)
	spread := func(i, n int) app.Date { return addDays(from, (2*i+1)*span/(2*n)) }
	mk := func(kind meeting.Kind, seq, i, n int) *provMeeting {
		d := spread(i, n)
		for d.Time(shanghai).Weekday() == time.Saturday || d.Time(shanghai).Weekday() == time.Sunday {
			d = addDays(d, 1)
		}
		m := &provMeeting{pc: pc, term: t, kind: kind, seq: seq, day: d, closed: true, start: at(d, 9, 0), end: at(d, 11, 30)}
		m.presider = chairOn(d)
		if kind.Numbered() {
			m.title = meeting.Title(kind, term.Number, seq, "")
		}
		return m
	}
	upcoming := func(m *provMeeting, days int) {
		d := addDays(provToday, days)
		for d.Time(shanghai).Weekday() == time.Saturday || d.Time(shanghai).Weekday() == time.Sunday {
			d = addDays(d, 1)
		}
		m.day, m.start, m.end, m.closed = d, at(d, 9, 0), at(d, 11, 30), false
	}
	for i := range standing {
		m := mk(meeting.Standing, i+1, i, standing)
		m.place = pc.place + "会堂第一会议室"
		if t == 1 && i == standing-1 {
			upcoming(m, 28)
		}
		out = append(out, m)
	}
	for i := range chairs {
		m := mk(meeting.Chairs, i+1, i, chairs)
		m.place = pc.org.Name + "机关三楼会议室"
		m.start, m.end = at(m.day, 15, 0), at(m.day, 16, 30)
		if t == 1 && i == chairs-1 {
			upcoming(m, 14)
			m.start, m.end = at(m.day, 15, 0), at(m.day, 16, 30)
		}
		out = append(out, m)
	}
	for i := range consult {
		kind := consultKinds[r.IntN(len(consultKinds))]
		m := mk(kind, 0, i, consult)
		m.subject = r.IntN(len(subjects))
		topic := subjects[m.subject].phrase
		m.topic = topic
		m.title = "“" + topic + "”" + kind.Label()
		m.start, m.end = at(m.day, 14, 30), at(m.day, 17, 0)
		m.place = pc.org.Name + "机关四楼协商议事厅"
		if kind == meeting.OnSite {
			m.place = "现场观摩点"
		}
		n := min(len(pc.seated[t]), 12+r.IntN(20))
		perm := r.Perm(len(pc.seated[t]))[:n]
		for _, p := range perm {
			m.invitees = append(m.invitees, pc.seated[t][p])
		}
		slices.Sort(m.invitees)
		out = append(out, m)
	}
	return out
}

// bodyOf is who the meeting expects on its day (member indices).
func (m *provMeeting) bodyOf() []int {
	pc := m.pc
	switch m.kind.Body() {
	case meeting.BodyNamed:
		return m.invitees
	case meeting.BodyAll:
		return pc.seated[m.term]
	}
	var out []int
	for _, i := range pc.seated[m.term] {
		k := pc.members[i].roleOn(m.term, m.day)
		if k == member.Chair || k == member.ViceChair || k == member.SecretaryGeneral ||
			(m.kind.Body() == meeting.BodyStanding && k == member.Standing) {
			out = append(out, i)
		}
	}
	return out
}

// ---------------------------------------------------------------- writing

// meetings writes every meeting with its attendance, agenda and votes,
// then its duty events.
func (pl *provLoader) meetings(ctx context.Context) error {
	r := rngFor(pl.opt.Seed, seedMeetings)
	all := pl.planMeetings(r)
	ids, err := pl.nextIDs(ctx, "meeting", "sign_in", "leave_request", "agenda_item", "vote", "meeting_guest")
	if err != nil {
		return err
	}
	pl.consultMeetings = map[int64]map[int][]*provMeeting{}
	for i, m := range all {
		m.id = ids["meeting"] + int64(i)
		if m.kind.Body() == meeting.BodyNamed && m.closed {
			byYear := pl.consultMeetings[m.pc.org.ID]
			if byYear == nil {
				byYear = map[int][]*provMeeting{}
				pl.consultMeetings[m.pc.org.ID] = byYear
			}
			byYear[m.day.Y] = append(byYear[m.day.Y], m)
		}
	}
	pl.stats.meetings = len(all)
	w := &meetingWriter{pl: pl, r: r, ids: ids}
	for _, m := range all {
		if m.closed {
			w.attend(m)
		}
	}
	for _, m := range all {
		if m.closed {
			w.agenda(m)
		}
	}
	if err := pl.bulkN("会议", "meeting", "id, committee_id, term_id, kind, seq, parent_id, sitting, title, topic, starts_at, "+
		"ends_at, place, presider, status, quorum_num, quorum_den, quorum_strict, created_at, updated_at", len(all), func(i int) []any {
		m := all[i]
		var parent any
		if m.parent != nil {
			parent = m.parent.id
		}
		status, updated := meeting.Closed, m.end
		if !m.closed {
			status, updated = meeting.Draft, m.start.AddDate(0, 0, -20)
		}
		return []any{m.id, m.pc.org.ID, m.pc.terms[m.term].ID, string(m.kind), m.seq, parent, string(m.sitting), m.title,
			m.topic, m.start, m.end, m.place, m.presider, string(status), 1, 2, true, m.start.AddDate(0, 0, -20), updated}
	}); err != nil {
		return err
	}
	var inv [][3]int64
	for _, m := range all {
		for _, i := range m.invitees {
			inv = append(inv, [3]int64{m.id, m.pc.members[i].id, m.pc.org.ID})
		}
	}
	if err := pl.bulkN("会议指定参会人员", "meeting_invitee", "meeting_id, member_id, committee_id", len(inv), func(i int) []any {
		return []any{inv[i][0], inv[i][1], inv[i][2]}
	}); err != nil {
		return err
	}
	return w.write()
}

// meetingWriter collects a meeting phase's rows.
type meetingWriter struct {
	pl       *provLoader
	r        *rand.Rand
	ids      map[string]int64
	expected [][5]any
	signIns  [][]any
	leaves   [][]any
	guests   [][]any
	items    [][]any
	votes    [][]any
	ballots  [][]any
	duty     []dutyRow
	// sessionState: per plenary session, who is on leave and who stays away.
	sessionLeave  map[*provSession]map[int]string
	sessionAbsent map[*provSession]map[int]bool
}

var leaveReasonsProv = append(slices.Clone(leaveReasons), "参加上级组织的学习培训", "因公在外地招商", "家中有急事")

// attend draws a closed meeting's body, leave and sign-ins and the duty
// events closing writes.
func (w *meetingWriter) attend(m *provMeeting) {
	pc, r := m.pc, w.r
	body := m.bodyOf()
	m.expected = body
	leaveP, absentP := 3, 4
	switch m.kind {
	case meeting.Chairs:
		leaveP, absentP = 8, 0
	case meeting.Standing:
		leaveP, absentP = 6, 2
	case meeting.Plenary, meeting.Sitting:
		leaveP, absentP = 4, 2
	default:
		leaveP, absentP = 8, 6
	}
	// Plenary sittings share the session's leave and absences.
	var leave map[int]string
	var absent map[int]bool
	if m.session != nil {
		if w.sessionLeave == nil {
			w.sessionLeave, w.sessionAbsent = map[*provSession]map[int]string{}, map[*provSession]map[int]bool{}
		}
		if w.sessionLeave[m.session] == nil {
			l, a := map[int]string{}, map[int]bool{}
			for _, i := range body {
				switch x := r.IntN(100); {
				case x < leaveP:
					l[i] = pick(r, leaveReasonsProv)
				case x < leaveP+absentP:
					a[i] = true
				}
			}
			w.sessionLeave[m.session], w.sessionAbsent[m.session] = l, a
		}
		leave, absent = w.sessionLeave[m.session], w.sessionAbsent[m.session]
	} else {
		leave, absent = map[int]string{}, map[int]bool{}
		for _, i := range body {
			switch x := r.IntN(100); {
			case x < leaveP:
				leave[i] = pick(r, leaveReasonsProv)
			case x < leaveP+absentP:
				absent[i] = true
			}
		}
	}
	day := m.day.String()
	base := m.start.Add(-40 * time.Minute)
	var present []int
	for _, i := range body {
		mb := pc.members[i]
		role := mb.roleOn(m.term, m.day)
		if m.kind.Body() == meeting.BodyNamed && !mb.seats[m.term] {
			role = ""
		}
		w.expected = append(w.expected, [5]any{m.id, mb.id, pc.org.ID, string(role), pc.sectors[mb.sector].ID})
		ev := dutyRow{committee: pc.org.ID, member: mb.id, on: day, meeting: m.id}
		if reason, ok := leave[i]; ok {
			id := w.next("leave_request")
			status := store.LeaveApproved
			if r.IntN(100) < 10 {
				status = store.LeaveRefused
			}
			asked := m.start.AddDate(0, 0, -3-r.IntN(4))
			w.leaves = append(w.leaves, []any{id, pc.org.ID, m.id, mb.id, reason, string(status), pc.officeAcc.ID,
				pc.officeAcc.ID, asked.Add(5 * time.Hour), asked})
			if status == store.LeaveApproved {
				ev.kind, ev.source, ev.sourceID = store.DutyExcused, store.SourceLeaveRequest, id
			} else {
				w.duty = append(w.duty, dutyRow{committee: pc.org.ID, member: mb.id, on: day, meeting: m.id,
					kind: store.DutyLeaveRefused, source: store.SourceLeaveRequest, sourceID: id})
				ev.kind, ev.source, ev.sourceID = store.DutyAbsent, store.SourceMeeting, m.id
			}
			w.duty = append(w.duty, ev)
			continue
		}
		if absent[i] || (m.kind == meeting.Sitting && r.IntN(100) < 1) {
			ev.kind, ev.source, ev.sourceID = store.DutyAbsent, store.SourceMeeting, m.id
			w.duty = append(w.duty, ev)
			continue
		}
		present = append(present, i)
	}
	r.Shuffle(len(present), func(a, b int) { present[a], present[b] = present[b], present[a] })
	for k, i := range present {
		mb := pc.members[i]
		id := w.next("sign_in")
		signed := base.Add(time.Duration(k*35/max(1, len(present)/60+1)) * time.Second)
		late := false
		if r.IntN(100) < 2 {
			signed, late = m.start.Add(time.Duration(3+r.IntN(20))*time.Minute), true
		}
		method := "qr"
		if k%5 == 0 {
			method = "clerk"
		}
		w.signIns = append(w.signIns, []any{id, pc.org.ID, m.id, mb.id, signed, method, late, pc.officeAcc.ID})
		w.duty = append(w.duty, dutyRow{committee: pc.org.ID, member: mb.id, on: day, meeting: m.id,
			kind: store.DutyAttended, source: store.SourceSignIn, sourceID: id})
	}
	m.present = present
}

func (w *meetingWriter) next(table string) int64 {
	id := w.ids[table]
	w.ids[table]++
	return id
}

// item adds an agenda item to a meeting and returns its id.
func (w *meetingWriter) item(m *provMeeting, kind store.AgendaKind, title string) int64 {
	id := w.next("agenda_item")
	m.items++
	created := m.start.AddDate(0, 0, -7)
	w.items = append(w.items, []any{id, m.pc.org.ID, m.id, m.items, string(kind), title, "", created, created})
	return id
}

// handsVote records a show of hands on an item: nearly all present for.
func (w *meetingWriter) handsVote(m *provMeeting, item int64, opened time.Time) int64 {
	id := w.next("vote")
	present := len(m.present)
	against, abstain := 0, 0
	if present > 20 {
		against, abstain = w.r.IntN(2), w.r.IntN(4)
	}
	forN := present - against - abstain
	rule := meeting.DefaultPassRule()
	passed := rule.Passed(meeting.Tally{For: forN, Against: against, Abstain: abstain}, len(m.expected), present)
	w.votes = append(w.votes, []any{id, m.pc.org.ID, m.id, item, string(store.VoteHands), "closed", rule.Num, rule.Den,
		rule.Strict, string(rule.Base), len(m.expected), present, true, forN, against, abstain, 0, passed, opened,
		opened.Add(3 * time.Minute), m.pc.officeAcc.ID, m.pc.officeAcc.ID})
	return id
}

// electronicVote records an electronic vote with its ballots and voted events.
func (w *meetingWriter) electronicVote(m *provMeeting, item int64, opened time.Time) {
	id := w.next("vote")
	pc, r := m.pc, w.r
	voters := slices.Clone(m.present)
	notVoted := min(len(voters), r.IntN(4))
	voters = voters[notVoted:]
	var t meeting.Tally
	for k, i := range voters {
		choice := meeting.VoteFor
		switch x := r.IntN(100); {
		case x < 2:
			choice = meeting.VoteAgainst
		case x < 5:
			choice = meeting.VoteAbstain
		}
		switch choice {
		case meeting.VoteFor:
			t.For++
		case meeting.VoteAgainst:
			t.Against++
		default:
			t.Abstain++
		}
		mb := pc.members[i]
		w.ballots = append(w.ballots, []any{id, mb.id, pc.org.ID, string(choice), opened.Add(time.Duration(5+k/8) * time.Second)})
		w.duty = append(w.duty, dutyRow{committee: pc.org.ID, member: mb.id, on: m.day.String(), meeting: m.id,
			kind: store.DutyVoted, source: store.SourceVote, sourceID: id})
	}
	t.NotVoted = len(m.present) - len(voters)
	rule := meeting.DefaultPassRule()
	passed := rule.Passed(t, len(m.expected), len(m.present))
	w.votes = append(w.votes, []any{id, pc.org.ID, m.id, item, string(store.VoteElectronic), "closed", rule.Num, rule.Den,
		rule.Strict, string(rule.Base), len(m.expected), len(m.present), false, t.For, t.Against, t.Abstain, t.NotVoted,
		passed, opened, opened.Add(3 * time.Minute), pc.officeAcc.ID, pc.officeAcc.ID})
}

var standingItems = []struct {
	kind  store.AgendaKind
	title string
}{
	{store.AgendaWorkPlan, "%s年度协商工作计划（草案）"},
	{store.AgendaRecommendation, "关于%s的建议案（草案）"},
	{store.AgendaResearchReport, "关于%s情况的调研报告"},
	{store.AgendaOther, "关于召开%s的决定（草案）"},
	{store.AgendaResolution, "关于增补委员的决定（草案）"},
}

// agenda writes a closed meeting's agenda and votes.
func (w *meetingWriter) agenda(m *provMeeting) {
	pc, r := m.pc, w.r
	name := pc.org.WrittenName()
	switch {
	case m.kind == meeting.Sitting && m.sitting == meeting.Closing:
		for k, title := range []string{
			"关于政协" + pc.place + "委员会常务委员会工作报告的决议",
			"关于" + m.parent.title + "以来提案工作情况报告的决议",
			"政协" + pc.place + "第" + org.Numeral(pc.terms[m.term].Number) + "届委员会第" + org.Numeral(m.session.seq) + "次会议政治决议",
		} {
			item := w.item(m, store.AgendaResolution, title)
			opened := m.start.Add(time.Duration(40+12*k) * time.Minute)
			if k == 2 {
				w.handsVote(m, item, opened)
			} else {
				w.electronicVote(m, item, opened)
			}
		}
		guests := newNamer(uint64(m.id) + 77)
		for k, post := range []string{"中共" + pc.place + "委书记", pc.place + "人大常委会主任"} {
			w.guests = append(w.guests, []any{w.next("meeting_guest"), pc.org.ID, m.id, guests.name(guests.gender(20)), post,
				string(store.GuestInvited), 10 * (k + 1), m.start.AddDate(0, 0, -2), true})
		}
	case m.kind == meeting.Standing:
		for k := range 2 {
			it := standingItems[(m.seq+k)%len(standingItems)]
			s := subjects[r.IntN(len(subjects))]
			arg := s.phrase
			switch it.kind {
			case store.AgendaWorkPlan:
				arg = fmt.Sprint(m.day.Y + 1)
			case store.AgendaOther:
				arg = name + meeting.Title(meeting.Plenary, pc.terms[m.term].Number, min(5, (m.day.Y-pc.start[m.term].Y)+2), "")
			}
			title := fmt.Sprintf(it.title, arg)
			if it.kind == store.AgendaWorkPlan {
				title = name + title
			}
			item := w.item(m, it.kind, title)
			w.handsVote(m, item, m.start.Add(time.Duration(30+20*k)*time.Minute))
		}
	case m.kind == meeting.Chairs:
		s := subjects[r.IntN(len(subjects))]
		item := w.item(m, store.AgendaOther, "研究"+s.phrase+"有关工作")
		w.handsVote(m, item, m.start.Add(40*time.Minute))
	case m.kind.Body() == meeting.BodyNamed:
		s := subjects[m.subject]
		w.item(m, store.AgendaMeetingPlan, "“"+s.phrase+"”"+m.kind.Label()+"工作方案")
		w.item(m, store.AgendaResearchReport, "关于"+s.phrase+"情况的调研报告")
	}
}

// write writes what the meetings collected.
func (w *meetingWriter) write() error {
	pl := w.pl
	steps := []struct {
		what, table, cols string
		rows              [][]any
	}{
		{"会议请假", "leave_request", "id, committee_id, meeting_id, member_id, reason, status, submitted_by, decided_by, decided_at, created_at", w.leaves},
		{"会议签到", "sign_in", "id, committee_id, meeting_id, member_id, signed_at, method, late, account_id", w.signIns},
		{"会议列席和应邀出席人员", "meeting_guest", "id, committee_id, meeting_id, name, position, kind, sort, created_at, on_rostrum", w.guests},
		{"会议议程", "agenda_item", "id, committee_id, meeting_id, seq, kind, title, note, created_at, updated_at", w.items},
		{"表决", "vote", "id, committee_id, meeting_id, agenda_item_id, mode, status, pass_num, pass_den, pass_strict, pass_base, " +
			"expected, present, tallied, for_count, against_count, abstain_count, not_voted, passed, opened_at, closed_at, opened_by, closed_by", w.votes},
		{"表决票", "vote_ballot", "vote_id, member_id, committee_id, choice, cast_at", w.ballots},
	}
	if err := pl.bulkN("会议应到人员", "meeting_expected", "meeting_id, member_id, committee_id, role, sector_id",
		len(w.expected), func(i int) []any { e := w.expected[i]; return e[:] }); err != nil {
		return err
	}
	for _, s := range steps {
		if err := pl.bulkN(s.what, s.table, s.cols, len(s.rows), func(i int) []any { return s.rows[i] }); err != nil {
			return err
		}
	}
	return pl.writeDuty("会议", w.duty)
}
