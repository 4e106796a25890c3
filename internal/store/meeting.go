package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
)

// Meetings (会议) belong to a committee and a term; every query joins the
// committee's org row and keeps to the actor's subtree, so a meeting of
// another county answers "not found". Numbered kinds take the next number in
// (committee, term, kind) unless one is given, and their titles are computed
// (meeting.Title). The body a meeting expects (应到) is computed from seats and
// roles on the meeting day until the meeting opens, then frozen in
// meeting_expected, so that later role changes do not rewrite its record.
// Sign-ins, leave requests and duty events are in meeting_attendance.go,
// agenda items and votes in meeting_vote.go.

const meetingColumns = `mt.id, mt.committee_id, mt.term_id, t.number, mt.kind, mt.seq, COALESCE(mt.parent_id, 0),
	mt.sitting, mt.title, mt.topic, mt.starts_at, mt.ends_at, mt.place, mt.presider, mt.status,
	mt.quorum_num, mt.quorum_den, mt.quorum_strict, mt.created_at, mt.updated_at`

const meetingFrom = ` FROM meeting mt JOIN term t ON t.id = mt.term_id JOIN org o ON o.id = mt.committee_id`

func scanMeeting(s scanner, m *meeting.Meeting, extra ...any) error {
	var ends sql.NullTime
	err := s.Scan(append([]any{&m.ID, &m.CommitteeID, &m.TermID, &m.TermNumber, &m.Kind, &m.Seq, &m.ParentID,
		&m.Sitting, &m.Title, &m.Topic, &m.StartsAt, &ends, &m.Place, &m.Presider, &m.Status,
		&m.Quorum.Num, &m.Quorum.Den, &m.Quorum.Strict, &m.CreatedAt, &m.UpdatedAt}, extra...)...)
	m.StartsAt = m.StartsAt.UTC()
	m.EndsAt = time.Time{}
	if ends.Valid {
		m.EndsAt = ends.Time.UTC()
	}
	return err
}

// meetingScope is a meeting with its committee's path, for scoping and the
// audit log.
type meetingScope struct {
	meeting.Meeting
	path string
}

func findMeeting(ctx context.Context, q querier, actor app.Actor, id int64) (meetingScope, error) {
	var m meetingScope
	err := scanMeeting(q.QueryRowContext(ctx, `SELECT `+meetingColumns+`, o.path`+meetingFrom+`
		WHERE mt.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &m.Meeting, &m.path)
	if err != nil {
		return m, notFound(err, "会议", "find meeting")
	}
	return m, nil
}

// lockMeeting finds a meeting for a change and locks its row until the
// transaction ends, so that status changes (open, close) and what depends on
// the status (sign-ins, leave, votes) do not interleave.
func (tx *Tx) lockMeeting(ctx context.Context, actor app.Actor, id int64) (meetingScope, error) {
	var m meetingScope
	err := scanMeeting(tx.QueryRowContext(ctx, `SELECT `+meetingColumns+`, o.path`+meetingFrom+`
		WHERE mt.id = $1 AND o.path LIKE $2 || '%'`+tx.db.Dialect.forUpdateOf("mt"), id, actor.Path), &m.Meeting, &m.path)
	if err != nil {
		return m, notFound(err, "会议", "lock meeting")
	}
	return m, nil
}

// FindMeetingByID returns a meeting of a committee in the actor's subtree.
func (db *DB) FindMeetingByID(ctx context.Context, actor app.Actor, id int64) (meeting.Meeting, error) {
	m, err := findMeeting(ctx, db.read, actor, id)
	return m.Meeting, err
}

// MeetingFilter narrows FindMeetings. From and To are inclusive days of the
// start, in the committee time zone.
type MeetingFilter struct {
	CommitteeID int64
	TermID      int64
	Kind        meeting.Kind
	Status      meeting.Status
	From, To    app.Date
	Sort        string // starts_at (default), title, kind, status
	Desc        bool   // for starts_at the default is newest first; Desc reverses the other keys
	Offset      int
	Limit       int // 0: 50; at most 200
}

// MeetingSorts are the sort keys FindMeetings accepts.
var MeetingSorts = []string{"starts_at", "title", "kind", "status"}

// meetingOrder maps a sort key to fixed SQL; user text never reaches ORDER BY.
var meetingOrder = map[string]string{
	"starts_at": "mt.starts_at %s, mt.id %[1]s",
	"title":     "mt.title %s, mt.starts_at DESC, mt.id DESC",
	"kind":      kindRank + " %s, mt.starts_at DESC, mt.id DESC",
	"status":    statusOrder + " %s, mt.starts_at DESC, mt.id DESC",
}

var kindRank = func() string {
	var b strings.Builder
	b.WriteString("CASE mt.kind")
	for i, k := range meeting.Kinds {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", k, i)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(meeting.Kinds))
	return b.String()
}()

var statusOrder = func() string {
	var b strings.Builder
	b.WriteString("CASE mt.status")
	for i, s := range []meeting.Status{meeting.Draft, meeting.Notified, meeting.Open, meeting.Closed} {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", s, i)
	}
	b.WriteString(" ELSE 9 END")
	return b.String()
}()

// FindMeetings lists meetings in the actor's subtree with the total for paging.
func (db *DB) FindMeetings(ctx context.Context, actor app.Actor, f MeetingFilter) ([]meeting.Meeting, int, error) {
	// The page and the total in two queries: COUNT(*) OVER() made SQLite
	// read and sort every meeting in scope for one page (3,000 in a
	// province: 11 ms → 2 ms).
	where := ` WHERE o.path LIKE $1 || '%'`
	args := []any{actor.Path}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.CommitteeID != 0 {
		add("mt.committee_id = $%d", f.CommitteeID)
	}
	if f.TermID != 0 {
		add("mt.term_id = $%d", f.TermID)
	}
	if f.Kind != "" {
		add("mt.kind = $%d", string(f.Kind))
	}
	if f.Status != "" {
		add("mt.status = $%d", string(f.Status))
	}
	if !f.From.IsZero() {
		add("mt.starts_at >= $%d", f.From.Time(db.Loc).UTC())
	}
	if !f.To.IsZero() {
		add("mt.starts_at < $%d", f.To.Time(db.Loc).AddDate(0, 0, 1).UTC())
	}
	order, ok := meetingOrder[f.Sort]
	if !ok {
		order, f.Sort = meetingOrder["starts_at"], "starts_at"
	}
	dir := "ASC"
	if f.Desc != (f.Sort == "starts_at") {
		dir = "DESC"
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting mt JOIN org o ON o.id = mt.committee_id`+where,
		args...).Scan(&total); err != nil {
		return nil, 0, app.Internal(err, "count meetings")
	}
	n := len(args)
	q := `SELECT ` + meetingColumns + meetingFrom + where + " ORDER BY " + fmt.Sprintf(order, dir) +
		fmt.Sprintf(" LIMIT $%d OFFSET $%d", n+1, n+2)
	rows, err := db.read.QueryContext(ctx, q, append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, app.Internal(err, "find meetings")
	}
	defer rows.Close()
	var out []meeting.Meeting
	for rows.Next() {
		var m meeting.Meeting
		if err := scanMeeting(rows, &m); err != nil {
			return nil, 0, app.Internal(err, "scan meeting")
		}
		out = append(out, m)
	}
	return out, total, app.Internal(rows.Err(), "find meetings")
}

// FindInvitees returns the member ids of a named-list meeting's invitees.
func (db *DB) FindInvitees(ctx context.Context, actor app.Actor, meetingID int64) ([]int64, error) {
	if _, err := findMeeting(ctx, db.read, actor, meetingID); err != nil {
		return nil, err
	}
	return invitees(ctx, db.read, meetingID)
}

func invitees(ctx context.Context, q querier, meetingID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT member_id FROM meeting_invitee WHERE meeting_id = $1 ORDER BY member_id`, meetingID)
	if err != nil {
		return nil, app.Internal(err, "find invitees")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, app.Internal(err, "scan invitee")
		}
		out = append(out, id)
	}
	return out, app.Internal(rows.Err(), "find invitees")
}

// meetingCommittee finds the committee a new meeting goes to; one outside
// the scope, or an organisation that is not a committee, is a field error.
func meetingCommittee(ctx context.Context, tx *Tx, actor app.Actor, id int64) (org.Org, error) {
	c, err := tx.lockCommittee(ctx, actor, id)
	switch app.ErrorCode(err) {
	case "":
		return c, nil
	case app.ENOTFOUND, app.EINVALID:
		var errs app.FieldErrors
		errs.Add("committee_id", "请选择召开会议的市、县(区)政协")
		return c, errs.Err()
	}
	return c, err
}

// resolveMeeting checks a meeting's input against the database and works out
// what the input leaves to the store: the term (a sitting's is its
// session's), the number, the title, the quorum rule and the invitee list.
// self is the meeting being edited (zero for a new one).
func (tx *Tx) resolveMeeting(ctx context.Context, c org.Org, in meeting.Input, self meeting.Meeting) (meeting.Meeting, []int64, error) {
	errs := in.Validate()
	m := meeting.Meeting{ID: self.ID, CommitteeID: c.ID, TermID: in.TermID, Kind: in.Kind, Seq: in.Seq,
		Title: in.Title, Topic: in.Topic, StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt, Place: in.Place,
		Presider: in.Presider, Status: meeting.Draft, CreatedAt: self.CreatedAt}
	if !m.EndsAt.IsZero() {
		m.EndsAt = m.EndsAt.UTC()
	}
	if self.ID != 0 {
		m.Status = self.Status
	}
	if in.Quorum != nil {
		m.Quorum = *in.Quorum
	} else if in.Kind.Valid() {
		m.Quorum = in.Kind.DefaultQuorum()
	}
	var parent meeting.Meeting
	if in.Kind == meeting.Sitting && in.ParentID != 0 {
		err := scanMeeting(tx.QueryRowContext(ctx, `SELECT `+meetingColumns+meetingFrom+`
			WHERE mt.id = $1 AND mt.committee_id = $2 AND mt.kind = $3`, in.ParentID, c.ID, string(meeting.Plenary)), &parent)
		if errors.Is(err, sql.ErrNoRows) {
			errs.Add("parent_id", "请选择本会的全体会议")
		} else if err != nil {
			return m, nil, app.Internal(err, "find plenary session")
		} else {
			m.ParentID, m.Sitting, m.TermID = parent.ID, in.Sitting, parent.TermID
			in.TermID = parent.TermID
		}
	}
	var term org.Term
	if in.TermID != 0 && errs.Get("term_id") == "" {
		var err error
		term, err = tx.termOf(ctx, c.ID, in.TermID, false)
		if app.ErrorCode(err) == app.EINVALID {
			errs = append(errs, app.ErrorFields(err)...)
		} else if err != nil {
			return m, nil, err
		}
		m.TermNumber = term.Number
	}
	if term.ID != 0 && !in.StartsAt.IsZero() && !term.Covers(app.DateOf(in.StartsAt.In(tx.db.Loc))) {
		errs.Add("starts_at", "会议日期应在"+term.Label()+"任期内（"+term.Span()+"）")
	}
	var members []int64
	if in.Kind.Valid() && in.Kind.Body() == meeting.BodyNamed && len(in.Invitees) > 0 {
		var err error
		if members, err = tx.checkInvitees(ctx, c.ID, in.Invitees); err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				return m, nil, err
			}
			errs = append(errs, app.ErrorFields(err)...)
		}
	}
	if err := errs.Err(); err != nil {
		return m, nil, err
	}

	// Number and title.
	switch {
	case in.Kind.Numbered():
		if m.Seq == 0 && self.ID != 0 && self.Kind == in.Kind && self.TermID == in.TermID {
			m.Seq = self.Seq // editing: keep the number unless another is given
		}
		if m.Seq == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting
				WHERE committee_id = $1 AND term_id = $2 AND kind = $3`, c.ID, in.TermID, string(in.Kind)).Scan(&m.Seq); err != nil {
				return m, nil, app.Internal(err, "next meeting number")
			}
		}
		m.Title = meeting.Title(in.Kind, term.Number, m.Seq, "")
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM meeting WHERE committee_id = $1 AND term_id = $2 AND kind = $3
			AND seq = $4 AND id <> $5`, c.ID, in.TermID, string(in.Kind), m.Seq, self.ID).Scan(&other)
		if err == nil {
			return m, nil, numberTaken(m.Title)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return m, nil, app.Internal(err, "meeting number taken")
		}
	case in.Kind == meeting.Sitting:
		m.Seq = 0
		m.Title = meeting.SittingTitle(parent.Title, in.Sitting)
	default:
		m.Seq = 0
	}
	if m.Title == "" {
		var errs app.FieldErrors
		errs.Add("title", "请填写会议名称")
		return m, nil, errs.Err()
	}
	return m, members, nil
}

func numberTaken(title string) error {
	var errs app.FieldErrors
	errs.Add("seq", title+"已存在，请填写其他会次")
	return errs.Err()
}

// checkInvitees returns the distinct ids of a named list, all of which must
// be members of the committee.
func (tx *Tx) checkInvitees(ctx context.Context, committeeID int64, ids []int64) ([]int64, error) {
	uniq := slices.Clone(ids)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	var errs app.FieldErrors
	if len(uniq) > 5000 {
		errs.Add("invitees", "参会委员不能超过5000人")
		return nil, errs.Err()
	}
	found := 0
	for start := 0; start < len(uniq); start += 500 {
		part := uniq[start:min(start+500, len(uniq))]
		args := []any{committeeID}
		ph := make([]string, len(part))
		for i, id := range part {
			args = append(args, id)
			ph[i] = fmt.Sprintf("$%d", i+2)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM member WHERE committee_id = $1 AND id IN (`+
			strings.Join(ph, ",")+`)`, args...).Scan(&n); err != nil {
			return nil, app.Internal(err, "check invitees")
		}
		found += n
	}
	if found != len(uniq) {
		errs.Add("invitees", "参会委员中有不属于本会的人员")
		return nil, errs.Err()
	}
	return uniq, nil
}

func (tx *Tx) setInvitees(ctx context.Context, m meeting.Meeting, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM meeting_invitee WHERE meeting_id = $1`, m.ID); err != nil {
		return app.Internal(err, "clear invitees")
	}
	return tx.insertRows(ctx, `INSERT INTO meeting_invitee (meeting_id, member_id, committee_id) VALUES `, len(ids),
		func(i int) []any { return []any{m.ID, ids[i], m.CommitteeID} })
}

// insertRows inserts n rows in batches with one multi-row VALUES statement
// each; row(i) gives the values of row i (the same number for every row) and
// suffix (at most one) ends each statement, e.g. an ON CONFLICT clause.
func (tx *Tx) insertRows(ctx context.Context, prefix string, n int, row func(i int) []any, suffix ...string) error {
	const batch = 400
	for start := 0; start < n; start += batch {
		var b strings.Builder
		b.WriteString(prefix)
		var args []any
		for i := start; i < min(start+batch, n); i++ {
			vals := row(i)
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for j, v := range vals {
				args = append(args, v)
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", len(args))
			}
			b.WriteString(")")
		}
		for _, x := range suffix {
			b.WriteString(x)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// CreateMeeting adds a meeting to a committee. A numbered kind (plenary,
// standing committee, chair's meeting) takes the next number in its term and
// kind when in.Seq is 0; a number already used is a field error on seq. The
// title of numbered kinds and sittings is computed; others keep the typed one.
func (db *DB) CreateMeeting(ctx context.Context, actor app.Actor, committeeID int64, in meeting.Input) (meeting.Meeting, error) {
	in.Normalize()
	var created meetingScope
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := meetingCommittee(ctx, tx, actor, committeeID)
		if err != nil {
			errs := append(app.ErrorFields(err), in.Validate()...)
			if app.ErrorCode(err) == app.EINVALID {
				return errs.Err()
			}
			return err
		}
		m, members, err := tx.resolveMeeting(ctx, c, in, meeting.Meeting{})
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO meeting (committee_id, term_id, kind, seq, parent_id, sitting,
			title, topic, starts_at, ends_at, place, presider, status, quorum_num, quorum_den, quorum_strict,
			created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
			c.ID, m.TermID, string(m.Kind), m.Seq, nullInt(m.ParentID), string(m.Sitting), m.Title, m.Topic,
			m.StartsAt, nullTime(m.EndsAt), m.Place, m.Presider, string(meeting.Draft), m.Quorum.Num, m.Quorum.Den,
			m.Quorum.Strict, tx.Now).Scan(&id); err != nil {
			if isUniqueViolation(err) {
				return numberTaken(m.Title)
			}
			return app.Internal(err, "insert meeting")
		}
		m.ID = id
		if err := tx.setInvitees(ctx, m, members); err != nil {
			return app.Internal(err, "insert invitees")
		}
		if created, err = findMeeting(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "meeting", EntityID: id, Committee: c.ID,
			OrgPath: c.Path, Summary: "新建会议 " + created.Title, After: meetingRecord{created.Meeting, members}})
	})
	return created.Meeting, err
}

// meetingRecord is what the audit log keeps of a meeting.
type meetingRecord struct {
	meeting.Meeting
	Invitees []int64 `json:"invitees,omitempty"`
}

// UpdateMeeting changes a meeting. Before it opens everything may change (a
// new kind or term takes a new number unless one is given); once open, only
// the topic, place, presider and end time, because the body has been frozen
// and members have signed in; once closed, nothing.
func (db *DB) UpdateMeeting(ctx context.Context, actor app.Actor, id int64, in meeting.Input) (meeting.Meeting, error) {
	in.Normalize()
	var after meetingScope
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.lockMeeting(ctx, actor, id)
		if err != nil {
			return err
		}
		if before.Status == meeting.Closed {
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再修改")
		}
		beforeInv, err := invitees(ctx, tx, id)
		if err != nil {
			return err
		}
		c, err := findOrg(ctx, tx, app.System, before.CommitteeID)
		if err != nil {
			return err
		}
		if before.Status == meeting.Open {
			if err := frozenUnchanged(before.Meeting, beforeInv, in); err != nil {
				return err
			}
			in.Quorum = &before.Quorum // the rule applied stays on the record
		}
		m, members, err := tx.resolveMeeting(ctx, c, in, before.Meeting)
		if err != nil {
			return err
		}
		rekind := m.Kind != before.Kind // its duty events move to the new kind in the tally
		if rekind {
			if err := tx.untallyMeetingDuty(ctx, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meeting SET term_id = $2, kind = $3, seq = $4, parent_id = $5,
			sitting = $6, title = $7, topic = $8, starts_at = $9, ends_at = $10, place = $11, presider = $12,
			quorum_num = $13, quorum_den = $14, quorum_strict = $15, updated_at = $16 WHERE id = $1`,
			id, m.TermID, string(m.Kind), m.Seq, nullInt(m.ParentID), string(m.Sitting), m.Title, m.Topic,
			m.StartsAt, nullTime(m.EndsAt), m.Place, m.Presider, m.Quorum.Num, m.Quorum.Den, m.Quorum.Strict,
			tx.Now); err != nil {
			if isUniqueViolation(err) {
				return numberTaken(m.Title)
			}
			return app.Internal(err, "update meeting")
		}
		if rekind {
			if err := tx.tallyMeetingDuty(ctx, id); err != nil {
				return err
			}
		}
		if before.Status != meeting.Open {
			if err := tx.setInvitees(ctx, m, members); err != nil {
				return app.Internal(err, "update invitees")
			}
		} else {
			members = beforeInv
		}
		if after, err = findMeeting(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: id, Committee: c.ID,
			OrgPath: c.Path, Summary: "修改会议 " + after.Title, Before: meetingRecord{before.Meeting, beforeInv},
			After: meetingRecord{after.Meeting, members}})
	})
	return after.Meeting, err
}

// frozenUnchanged refuses changes to what an open meeting has fixed: its
// kind, term, number, session, start, quorum rule and invitees.
func frozenUnchanged(m meeting.Meeting, inv []int64, in meeting.Input) error {
	q := m.Quorum
	if in.Quorum != nil {
		q = *in.Quorum
	}
	newInv := slices.Clone(in.Invitees)
	slices.Sort(newInv)
	newInv = slices.Compact(newInv)
	termChanged := in.TermID != m.TermID && !(m.Kind == meeting.Sitting && in.ParentID == m.ParentID)
	if in.Kind != m.Kind || termChanged || (in.Seq != 0 && in.Seq != m.Seq) || in.ParentID != m.ParentID ||
		in.Sitting != m.Sitting || !in.StartsAt.Equal(m.StartsAt) || q != m.Quorum ||
		(m.Kind.Body() == meeting.BodyNamed && !slices.Equal(newInv, inv)) {
		return app.Errorf(app.ECONFLICT, "会议已开始签到，只能修改议题、地点、主持人和结束时间")
	}
	return nil
}

// bodyMember is one member of the body a meeting expects, with the top role
// and the seat's sector on the meeting day.
type bodyMember struct {
	id         int64
	name       string
	role       member.RoleKind
	sectorID   int64
	sector     string
	sectorSort int
}

// liveBody computes the body a meeting expects on its day from the seats and
// roles in its term (or its invitee list), using the domain's rules
// (seat and role dates, meeting.InBody).
func liveBody(ctx context.Context, q querier, m meeting.Meeting, loc *time.Location) ([]bodyMember, error) {
	day := m.Day(loc)
	named := m.Kind.Body() == meeting.BodyNamed
	// Seats in the term, or for a named list the invitees with their seat if any.
	var seatsQ string
	args := []any{m.TermID}
	if named {
		args = append(args, m.ID)
		seatsQ = `SELECT mb.id, mb.name, COALESCE(tm.sector_id, 0), COALESCE(s.name, ''), COALESCE(s.sort, 0),
			COALESCE(tm.start_date, ''), COALESCE(tm.end_date, '')
			FROM meeting_invitee i JOIN member mb ON mb.id = i.member_id
			LEFT JOIN term_member tm ON tm.member_id = i.member_id AND tm.term_id = $1
			LEFT JOIN sector s ON s.id = tm.sector_id
			WHERE i.meeting_id = $2`
	} else {
		seatsQ = `SELECT mb.id, mb.name, COALESCE(tm.sector_id, 0), COALESCE(s.name, ''), COALESCE(s.sort, 0),
			tm.start_date, tm.end_date
			FROM term_member tm JOIN member mb ON mb.id = tm.member_id
			LEFT JOIN sector s ON s.id = tm.sector_id
			WHERE tm.term_id = $1`
	}
	rows, err := q.QueryContext(ctx, seatsQ, args...)
	if err != nil {
		return nil, app.Internal(err, "body: seats")
	}
	type cand struct {
		bodyMember
		seated bool
	}
	var cands []cand
	for rows.Next() {
		var c cand
		var seat member.TermMembership
		if err := rows.Scan(&c.id, &c.name, &c.sectorID, &c.sector, &c.sectorSort, &seat.StartDate, &seat.EndDate); err != nil {
			rows.Close()
			return nil, app.Internal(err, "body: scan seat")
		}
		c.seated = !seat.StartDate.IsZero() && seat.ActiveOn(day)
		if !c.seated {
			c.sectorID, c.sector, c.sectorSort = 0, "", 0
		}
		if c.seated || named {
			cands = append(cands, c)
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, app.Internal(err, "body: seats")
	}
	roles := map[int64][]member.Role{}
	rows, err = q.QueryContext(ctx, `SELECT `+roleColumns+` FROM member_role r WHERE r.term_id = $1`, m.TermID)
	if err != nil {
		return nil, app.Internal(err, "body: roles")
	}
	for rows.Next() {
		var r member.Role
		if err := scanRole(rows, &r); err != nil {
			rows.Close()
			return nil, app.Internal(err, "body: scan role")
		}
		roles[r.MemberID] = append(roles[r.MemberID], r)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, app.Internal(err, "body: roles")
	}
	var out []bodyMember
	for _, c := range cands {
		var held []member.RoleKind
		if c.seated {
			held = append(held, member.Ordinary)
			for _, r := range roles[c.id] {
				if r.ActiveOn(day) {
					held = append(held, r.Kind)
				}
			}
		}
		if !named && !meeting.InBody(m.Kind.Body(), held) {
			continue
		}
		c.role = member.TopRole(roles[c.id], day)
		if !c.seated {
			c.role = ""
		}
		out = append(out, c.bodyMember)
	}
	sortBody(out)
	return out, nil
}

// sortBody puts a body in protocol order: role, then sector, then name.
func sortBody(b []bodyMember) {
	sort.SliceStable(b, func(i, j int) bool {
		ri, rj := b[i].role.Rank(), b[j].role.Rank()
		if ri != rj {
			return ri < rj
		}
		if b[i].sectorSort != b[j].sectorSort {
			return b[i].sectorSort < b[j].sectorSort
		}
		if b[i].name != b[j].name {
			return b[i].name < b[j].name
		}
		return b[i].id < b[j].id
	})
}

// frozenBody reads the body frozen when the meeting opened.
func frozenBody(ctx context.Context, q querier, meetingID int64) ([]bodyMember, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.member_id, mb.name, e.role, COALESCE(e.sector_id, 0), COALESCE(s.name, ''),
		COALESCE(s.sort, 0) FROM meeting_expected e JOIN member mb ON mb.id = e.member_id
		LEFT JOIN sector s ON s.id = e.sector_id WHERE e.meeting_id = $1`, meetingID)
	if err != nil {
		return nil, app.Internal(err, "frozen body")
	}
	defer rows.Close()
	var out []bodyMember
	for rows.Next() {
		var b bodyMember
		if err := rows.Scan(&b.id, &b.name, &b.role, &b.sectorID, &b.sector, &b.sectorSort); err != nil {
			return nil, app.Internal(err, "scan frozen body")
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "frozen body")
	}
	sortBody(out)
	return out, nil
}

// body is the meeting's body: frozen once it has opened, computed before.
func (db *DB) body(ctx context.Context, q querier, m meeting.Meeting) ([]bodyMember, error) {
	if m.Status == meeting.Open || m.Status == meeting.Closed {
		return frozenBody(ctx, q, m.ID)
	}
	return liveBody(ctx, q, m, db.Loc)
}

// OpenMeeting opens sign-in: it freezes the body the meeting expects (the
// members seated in the term on the meeting day whose roles that day put them
// in the body, or the invitees) into meeting_expected with the role and sector
// each held, and sets the status to open. A meeting with nobody expected
// cannot open.
func (db *DB) OpenMeeting(ctx context.Context, actor app.Actor, id int64) (meeting.Meeting, error) {
	var after meetingScope
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockMeeting(ctx, actor, id)
		if err != nil {
			return err
		}
		switch m.Status {
		case meeting.Open:
			return app.Errorf(app.ECONFLICT, "会议已开始")
		case meeting.Closed:
			return app.Errorf(app.ECONFLICT, "会议已结束")
		}
		body, err := liveBody(ctx, tx, m.Meeting, db.Loc)
		if err != nil {
			return err
		}
		if len(body) == 0 {
			return app.Errorf(app.ECONFLICT, "%s在%s没有应到人员（%s），不能开始会议", m.Title,
				m.Day(db.Loc).Chinese(), m.Kind.Body().Label())
		}
		if err := tx.insertRows(ctx, `INSERT INTO meeting_expected (meeting_id, member_id, committee_id, role, sector_id) VALUES `,
			len(body), func(i int) []any {
				return []any{m.ID, body[i].id, m.CommitteeID, string(body[i].role), nullInt(body[i].sectorID)}
			}); err != nil {
			return app.Internal(err, "freeze body")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meeting SET status = $2, updated_at = $3 WHERE id = $1`,
			id, string(meeting.Open), tx.Now); err != nil {
			return app.Internal(err, "open meeting")
		}
		if after, err = findMeeting(ctx, tx, app.System, id); err != nil {
			return err
		}
		ids := make([]int64, len(body))
		for i, b := range body {
			ids[i] = b.id
		}
		return tx.Audit(ctx, actor, Change{Action: "open", Entity: "meeting", EntityID: id, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("开始会议 %s，应到%d人", m.Title, len(body)),
			Before: m.Meeting, After: struct {
				meeting.Meeting
				Expected []int64 `json:"expected"`
			}{after.Meeting, ids}})
	})
	return after.Meeting, err
}

// CloseMeeting ends a meeting. In the same transaction every expected
// member's duty event is written: attended (signed in), excused (approved
// leave, not signed in) or absent, and leave_refused for each refused leave
// request. A meeting with a vote still open cannot close.
func (db *DB) CloseMeeting(ctx context.Context, actor app.Actor, id int64) (meeting.Meeting, error) {
	var after meetingScope
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockMeeting(ctx, actor, id)
		if err != nil {
			return err
		}
		switch m.Status {
		case meeting.Closed:
			return app.Errorf(app.ECONFLICT, "会议已结束")
		case meeting.Draft, meeting.Notified:
			return app.Errorf(app.ECONFLICT, "会议尚未开始，不能结束")
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote WHERE meeting_id = $1 AND status = 'open'`, id).Scan(&open); err != nil {
			return app.Internal(err, "close meeting: open votes")
		}
		if open > 0 {
			return app.Errorf(app.ECONFLICT, "还有未结束的表决，请先结束表决")
		}
		rows, err := attendanceRows(ctx, tx, m.Meeting, db.Loc)
		if err != nil {
			return err
		}
		att := countAttendance(rows, 0)
		day := m.Day(db.Loc)
		var events []DutyEvent
		for _, r := range rows {
			e := DutyEvent{CommitteeID: m.CommitteeID, MemberID: r.id, OccurredOn: day, MeetingID: m.ID}
			switch {
			case r.signInID != 0:
				e.Kind, e.Source, e.SourceID = DutyAttended, SourceSignIn, r.signInID
			case r.leave == LeaveApproved:
				e.Kind, e.Source, e.SourceID = DutyExcused, SourceLeaveRequest, r.leaveID
			default:
				e.Kind, e.Source, e.SourceID = DutyAbsent, SourceMeeting, m.ID
			}
			events = append(events, e)
			if r.leave == LeaveRefused {
				events = append(events, DutyEvent{CommitteeID: m.CommitteeID, MemberID: r.id, OccurredOn: day,
					MeetingID: m.ID, Kind: DutyLeaveRefused, Source: SourceLeaveRequest, SourceID: r.leaveID})
			}
		}
		if err := tx.RecordDuty(ctx, events...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meeting SET status = $2, updated_at = $3 WHERE id = $1`,
			id, string(meeting.Closed), tx.Now); err != nil {
			return app.Internal(err, "close meeting")
		}
		if after, err = findMeeting(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "close", Entity: "meeting", EntityID: id, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: "结束会议 " + m.Title + "：" + meeting.QuorumSentence(att, m.Quorum),
			Before: m.Meeting, After: struct {
				meeting.Meeting
				Attendance meeting.Attendance   `json:"attendance"`
				Quorum     meeting.QuorumResult `json:"quorum"`
			}{after.Meeting, att, m.Quorum.Evaluate(att)}})
	})
	return after.Meeting, err
}

// --- Guests (应邀出席, 列席) ---

// GuestKind is how a guest takes part; guests never count toward quorum.
type GuestKind string

const (
	GuestInvited   GuestKind = "invited"   // 应邀出席
	GuestAttending GuestKind = "attending" // 列席
)

// Label is the guest kind in Chinese.
func (k GuestKind) Label() string {
	switch k {
	case GuestInvited:
		return "应邀出席"
	case GuestAttending:
		return "列席"
	}
	return string(k)
}

// Guest is a person invited to a meeting who is not one of its expected members.
type Guest struct {
	ID        int64     `json:"id"`
	MeetingID int64     `json:"meeting_id"`
	Name      string    `json:"name"`
	Position  string    `json:"position"` // 单位及职务
	Kind      GuestKind `json:"kind"`
	Sort      int       `json:"sort"`
}

// GuestInput is what a form supplies for a guest.
type GuestInput struct {
	Name     string    `json:"name"`
	Position string    `json:"position"`
	Kind     GuestKind `json:"kind"`
	Sort     int       `json:"sort"`
}

func (in *GuestInput) validate() app.FieldErrors {
	in.Name, in.Position = strings.TrimSpace(in.Name), strings.TrimSpace(in.Position)
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs.Add("name", "请填写姓名")
	case n > 30:
		errs.Add("name", "姓名不能超过30个字")
	}
	if utf8.RuneCountInString(in.Position) > 100 {
		errs.Add("position", "单位及职务不能超过100个字")
	}
	if in.Kind != GuestInvited && in.Kind != GuestAttending {
		errs.Add("kind", "请选择应邀出席或列席")
	}
	if in.Sort < 0 || in.Sort > 100000 {
		errs.Add("sort", "排序号应在0至100000之间")
	}
	return errs
}

// AddGuest lists a guest (应邀出席 or 列席) for a meeting that has not closed.
func (db *DB) AddGuest(ctx context.Context, actor app.Actor, meetingID int64, in GuestInput) (Guest, error) {
	var g Guest
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockMeeting(ctx, actor, meetingID)
		if err != nil {
			return err
		}
		if err := in.validate().Err(); err != nil {
			return err
		}
		if m.Status == meeting.Closed {
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再修改列席人员")
		}
		g = Guest{MeetingID: m.ID, Name: in.Name, Position: in.Position, Kind: in.Kind, Sort: in.Sort}
		if err := tx.QueryRowContext(ctx, `INSERT INTO meeting_guest (committee_id, meeting_id, name, position, kind, sort, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, m.CommitteeID, m.ID, g.Name, g.Position, string(g.Kind),
			g.Sort, tx.Now).Scan(&g.ID); err != nil {
			return app.Internal(err, "insert guest")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 增加%s人员 %s", m.Title, g.Kind.Label(), g.Name), After: g})
	})
	return g, err
}

// RemoveGuest takes a guest off a meeting that has not closed.
func (db *DB) RemoveGuest(ctx context.Context, actor app.Actor, guestID int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var meetingID int64
		if err := tx.QueryRowContext(ctx, `SELECT meeting_id FROM meeting_guest WHERE id = $1`, guestID).Scan(&meetingID); err != nil {
			return notFound(err, "列席人员", "find guest")
		}
		m, err := tx.lockMeeting(ctx, actor, meetingID)
		if err != nil {
			return renameNotFound(err, "列席人员")
		}
		if m.Status == meeting.Closed {
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再修改列席人员")
		}
		var g Guest
		if err := tx.QueryRowContext(ctx, `SELECT id, meeting_id, name, position, kind, sort FROM meeting_guest WHERE id = $1`,
			guestID).Scan(&g.ID, &g.MeetingID, &g.Name, &g.Position, &g.Kind, &g.Sort); err != nil {
			return app.Internal(err, "find guest")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM meeting_guest WHERE id = $1`, guestID); err != nil {
			return app.Internal(err, "delete guest")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 删除%s人员 %s", m.Title, g.Kind.Label(), g.Name), Before: g})
	})
}

// FindGuests lists a meeting's guests: 应邀出席 first, then 列席, each by sort order.
func (db *DB) FindGuests(ctx context.Context, actor app.Actor, meetingID int64) ([]Guest, error) {
	if _, err := findMeeting(ctx, db.read, actor, meetingID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, meeting_id, name, position, kind, sort FROM meeting_guest
		WHERE meeting_id = $1 ORDER BY CASE kind WHEN 'invited' THEN 0 ELSE 1 END, sort, id`, meetingID)
	if err != nil {
		return nil, app.Internal(err, "find guests")
	}
	defer rows.Close()
	var out []Guest
	for rows.Next() {
		var g Guest
		if err := rows.Scan(&g.ID, &g.MeetingID, &g.Name, &g.Position, &g.Kind, &g.Sort); err != nil {
			return nil, app.Internal(err, "scan guest")
		}
		out = append(out, g)
	}
	return out, app.Internal(rows.Err(), "find guests")
}
