package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
)

// Attendance: who a meeting expects (应到), who signed in (实到), whose leave
// was approved (请假) and who is absent (缺席). The figures are worked out by
// meeting.Count from one query's rows; sign-ins and leave requests are
// refused with a clear message when they do not fit the meeting's state.
//
// Audit: every sign-in is audited on its own (one per member and meeting, so
// at most the body's size; a clerk signing in for someone is an act that
// should be traceable), and so is every leave request and decision.

// LeaveStatus is where a leave request (请假) stands.
type LeaveStatus string

const (
	LeavePending  LeaveStatus = "pending"  // 待审批
	LeaveApproved LeaveStatus = "approved" // 已批准
	LeaveRefused  LeaveStatus = "refused"  // 未批准
)

// Label is the leave status in Chinese.
func (s LeaveStatus) Label() string {
	switch s {
	case LeavePending:
		return "待审批"
	case LeaveApproved:
		return "已批准"
	case LeaveRefused:
		return "未批准"
	}
	return string(s)
}

// Sign-in methods.
const (
	SignInClerk = "clerk" // by the clerk from the list
	SignInQR    = "qr"    // by the member scanning the meeting's QR code
)

// ExpectedMember is one line of a meeting's expected list (应到名单) with how
// the member stands: signed in (when, late or not), leave requested.
type ExpectedMember struct {
	MemberID    int64           `json:"member_id"`
	Name        string          `json:"name"`
	Sector      string          `json:"sector"`
	Role        member.RoleKind `json:"role"` // the top role held on the meeting day ("" for an invitee without a seat)
	SignedIn    bool            `json:"signed_in"`
	SignedAt    time.Time       `json:"signed_at"`
	Method      string          `json:"method"`
	Late        bool            `json:"late"`
	LeaveID     int64           `json:"leave_id,omitempty"`
	Leave       LeaveStatus     `json:"leave,omitempty"` // "" when no leave was requested
	LeaveReason string          `json:"leave_reason,omitempty"`
}

// attendanceRow is an expected member with their sign-in and leave request.
type attendanceRow struct {
	bodyMember
	signInID    int64
	signedAt    time.Time
	method      string
	late        bool
	leaveID     int64
	leave       LeaveStatus
	leaveReason string
}

// attendanceRows reads the meeting's expected members with sign-ins and leave
// requests: one query once the body is frozen, the computed body and the
// leave requests before.
func attendanceRows(ctx context.Context, q querier, m meeting.Meeting, loc *time.Location) ([]attendanceRow, error) {
	var out []attendanceRow
	if m.Status != meeting.Open && m.Status != meeting.Closed {
		body, err := liveBody(ctx, q, m, loc)
		if err != nil {
			return nil, err
		}
		leaves := map[int64]attendanceRow{}
		rows, err := q.QueryContext(ctx, `SELECT id, member_id, status, reason FROM leave_request WHERE meeting_id = $1`, m.ID)
		if err != nil {
			return nil, app.Internal(err, "attendance: leave")
		}
		defer rows.Close()
		for rows.Next() {
			var r attendanceRow
			var memberID int64
			if err := rows.Scan(&r.leaveID, &memberID, &r.leave, &r.leaveReason); err != nil {
				return nil, app.Internal(err, "attendance: scan leave")
			}
			leaves[memberID] = r
		}
		if err := rows.Err(); err != nil {
			return nil, app.Internal(err, "attendance: leave")
		}
		for _, b := range body {
			r := leaves[b.id]
			r.bodyMember = b
			out = append(out, r)
		}
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT e.member_id, mb.name, e.role, COALESCE(e.sector_id, 0), COALESCE(s.name, ''),
		COALESCE(s.sort, 0), COALESCE(si.id, 0), si.signed_at, COALESCE(si.method, ''), COALESCE(si.late, FALSE),
		COALESCE(l.id, 0), COALESCE(l.status, ''), COALESCE(l.reason, '')
		FROM meeting_expected e JOIN member mb ON mb.id = e.member_id
		LEFT JOIN sector s ON s.id = e.sector_id
		LEFT JOIN sign_in si ON si.meeting_id = e.meeting_id AND si.member_id = e.member_id
		LEFT JOIN leave_request l ON l.meeting_id = e.meeting_id AND l.member_id = e.member_id
		WHERE e.meeting_id = $1`, m.ID)
	if err != nil {
		return nil, app.Internal(err, "attendance")
	}
	defer rows.Close()
	for rows.Next() {
		var r attendanceRow
		var signed sql.NullTime
		if err := rows.Scan(&r.id, &r.name, &r.role, &r.sectorID, &r.sector, &r.sectorSort, &r.signInID, &signed,
			&r.method, &r.late, &r.leaveID, &r.leave, &r.leaveReason); err != nil {
			return nil, app.Internal(err, "attendance: scan")
		}
		if signed.Valid {
			r.signedAt = signed.Time.UTC()
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "attendance")
	}
	sortRows(out)
	return out, nil
}

func sortRows(rows []attendanceRow) {
	body := make([]bodyMember, len(rows))
	at := make(map[int64]attendanceRow, len(rows))
	for i, r := range rows {
		body[i] = r.bodyMember
		at[r.id] = r
	}
	sortBody(body)
	for i, b := range body {
		rows[i] = at[b.id]
	}
}

// countAttendance works out the figures with the domain's rule.
func countAttendance(rows []attendanceRow, guests int) meeting.Attendance {
	expected := make([]int64, len(rows))
	present, excused, late := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for i, r := range rows {
		expected[i] = r.id
		present[r.id] = r.signInID != 0
		excused[r.id] = r.leave == LeaveApproved
		late[r.id] = r.late
	}
	return meeting.Count(expected, present, excused, late, guests)
}

// ExpectedMembers lists the members a meeting expects, in protocol order,
// with their sign-in and leave request. Before the meeting opens the list is
// computed from seats and roles on the meeting day; from then on it is the
// list frozen at opening.
func (db *DB) ExpectedMembers(ctx context.Context, actor app.Actor, meetingID int64) ([]ExpectedMember, error) {
	m, err := findMeeting(ctx, db.read, actor, meetingID)
	if err != nil {
		return nil, err
	}
	rows, err := attendanceRows(ctx, db.read, m.Meeting, db.Loc)
	if err != nil {
		return nil, err
	}
	out := make([]ExpectedMember, len(rows))
	for i, r := range rows {
		out[i] = ExpectedMember{MemberID: r.id, Name: r.name, Sector: r.sector, Role: r.role, SignedIn: r.signInID != 0,
			SignedAt: r.signedAt, Method: r.method, Late: r.late, LeaveID: r.leaveID, Leave: r.leave, LeaveReason: r.leaveReason}
	}
	return out, nil
}

// AttendanceOf returns a meeting's figures: 应到, 实到, 请假, 缺席, late
// sign-ins, and guests apart.
func (db *DB) AttendanceOf(ctx context.Context, actor app.Actor, meetingID int64) (meeting.Attendance, error) {
	m, err := findMeeting(ctx, db.read, actor, meetingID)
	if err != nil {
		return meeting.Attendance{}, err
	}
	return attendanceOf(ctx, db.read, m.Meeting, db.Loc)
}

func attendanceOf(ctx context.Context, q querier, m meeting.Meeting, loc *time.Location) (meeting.Attendance, error) {
	rows, err := attendanceRows(ctx, q, m, loc)
	if err != nil {
		return meeting.Attendance{}, err
	}
	var guests int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_guest WHERE meeting_id = $1`, m.ID).Scan(&guests); err != nil {
		return meeting.Attendance{}, app.Internal(err, "count guests")
	}
	return countAttendance(rows, guests), nil
}

// AttendanceOfMeetings is AttendanceOf for the open and closed meetings
// among ids (a page of the meeting list) in two queries instead of three
// each; meetings not yet open (whose body is computed, not frozen) and
// those outside the actor's subtree are left out.
func (db *DB) AttendanceOfMeetings(ctx context.Context, actor app.Actor, ids []int64) (map[int64]meeting.Attendance, error) {
	out := make(map[int64]meeting.Attendance, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{actor.Path}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	in := strings.Join(marks, ", ")
	rows, err := db.read.QueryContext(ctx, `SELECT e.meeting_id, COUNT(*),
		SUM(CASE WHEN si.id IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN si.id IS NOT NULL AND si.late THEN 1 ELSE 0 END),
		SUM(CASE WHEN si.id IS NULL AND l.status = '`+string(LeaveApproved)+`' THEN 1 ELSE 0 END)
		FROM meeting_expected e JOIN meeting mt ON mt.id = e.meeting_id JOIN org o ON o.id = mt.committee_id
		LEFT JOIN sign_in si ON si.meeting_id = e.meeting_id AND si.member_id = e.member_id
		LEFT JOIN leave_request l ON l.meeting_id = e.meeting_id AND l.member_id = e.member_id
		WHERE o.path LIKE $1 || '%' AND mt.status IN ('`+string(meeting.Open)+`', '`+string(meeting.Closed)+`')
		AND e.meeting_id IN (`+in+`)
		GROUP BY e.meeting_id`, args...)
	if err != nil {
		return nil, app.Internal(err, "attendance of meetings")
	}
	for rows.Next() {
		var id int64
		var a meeting.Attendance
		if err := rows.Scan(&id, &a.Expected, &a.Present, &a.Late, &a.Excused); err != nil {
			rows.Close()
			return nil, app.Internal(err, "attendance of meetings")
		}
		a.Absent = a.Expected - a.Present - a.Excused
		out[id] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "attendance of meetings")
	}
	// An open meeting nobody is expected at has figures too: all zero.
	rows, err = db.read.QueryContext(ctx, `SELECT mt.id, (SELECT COUNT(*) FROM meeting_guest g WHERE g.meeting_id = mt.id)
		FROM meeting mt JOIN org o ON o.id = mt.committee_id
		WHERE o.path LIKE $1 || '%' AND mt.status IN ('`+string(meeting.Open)+`', '`+string(meeting.Closed)+`')
		AND mt.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, app.Internal(err, "attendance of meetings: guests")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var guests int
		if err := rows.Scan(&id, &guests); err != nil {
			return nil, app.Internal(err, "attendance of meetings: guests")
		}
		a := out[id]
		a.Guests = guests
		out[id] = a
	}
	return out, app.Internal(rows.Err(), "attendance of meetings: guests")
}

// QuorumOf applies a meeting's quorum rule to its attendance now: the figures,
// the rule, the fewest present it needs and whether it holds. Deliberation
// (OpenVote) and elections at the meeting are refused while it does not.
func (db *DB) QuorumOf(ctx context.Context, actor app.Actor, meetingID int64) (meeting.QuorumResult, error) {
	m, err := findMeeting(ctx, db.read, actor, meetingID)
	if err != nil {
		return meeting.QuorumResult{}, err
	}
	att, err := attendanceOf(ctx, db.read, m.Meeting, db.Loc)
	if err != nil {
		return meeting.QuorumResult{}, err
	}
	return m.Quorum.Evaluate(att), nil
}

// SignInRecord is a recorded sign-in.
type SignInRecord struct {
	ID        int64     `json:"id"`
	MeetingID int64     `json:"meeting_id"`
	MemberID  int64     `json:"member_id"`
	Name      string    `json:"name"`
	SignedAt  time.Time `json:"signed_at"`
	Method    string    `json:"method"`
	Late      bool      `json:"late"`
}

// shareMeeting finds a meeting and holds a shared lock on its row, so that
// sign-ins proceed together but not while the meeting is being closed.
func (tx *Tx) shareMeeting(ctx context.Context, actor app.Actor, id int64) (meetingScope, error) {
	var m meetingScope
	err := scanMeeting(tx.QueryRowContext(ctx, `SELECT `+meetingColumns+`, o.path`+meetingFrom+`
		WHERE mt.id = $1 AND o.path LIKE $2 || '%'`+tx.db.Dialect.forShareOf("mt"), id, actor.Path), &m.Meeting, &m.path)
	if err != nil {
		return m, notFound(err, "会议", "share meeting")
	}
	return m, nil
}

// actsForSelf refuses a member account acting for another member.
func actsForSelf(actor app.Actor, memberID int64, what string) error {
	if actor.Role == string(auth.MemberRole) && actor.MemberID != memberID {
		return app.Errorf(app.EFORBIDDEN, "只能为本人%s", what)
	}
	return nil
}

// SignIn records a member's sign-in at an open meeting, by the clerk from the
// list (method "clerk") or by the member with the meeting's QR code (method
// "qr": the web layer has verified the signed token, and the actor must be
// the member's own account). A sign-in after the start is marked late. It is
// refused for a member not expected (EINVALID), a second time (ECONFLICT
// "…已签到…"), and before the meeting opens or after it closed (ECONFLICT).
func (db *DB) SignIn(ctx context.Context, actor app.Actor, meetingID, memberID int64, method string, at time.Time) (SignInRecord, error) {
	var s SignInRecord
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.shareMeeting(ctx, actor, meetingID)
		if err != nil {
			return err
		}
		switch method {
		case SignInClerk:
			if err := actsForSelf(actor, memberID, "签到"); err != nil {
				return err
			}
		case SignInQR:
			if actor.MemberID == 0 || actor.MemberID != memberID {
				return app.Errorf(app.EFORBIDDEN, "扫码签到须由委员本人使用自己的账号完成")
			}
		default:
			return app.Errorf(app.EINVALID, "签到方式应为工作人员代签或扫码签到")
		}
		switch m.Status {
		case meeting.Draft, meeting.Notified:
			return app.Errorf(app.ECONFLICT, "会议尚未开始签到")
		case meeting.Closed:
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再签到")
		}
		if at.IsZero() {
			at = tx.Now
		}
		s = SignInRecord{MeetingID: m.ID, MemberID: memberID, SignedAt: at.UTC(), Method: method, Late: meeting.LateAfter(m.Meeting, at, lateGrace)}
		err = tx.QueryRowContext(ctx, `SELECT mb.name FROM meeting_expected e JOIN member mb ON mb.id = e.member_id
			WHERE e.meeting_id = $1 AND e.member_id = $2`, m.ID, memberID).Scan(&s.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return app.Errorf(app.EINVALID, "该委员不在本次会议的应到名单中，不能签到")
		} else if err != nil {
			return app.Internal(err, "sign in: expected")
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO sign_in (committee_id, meeting_id, member_id, signed_at, method, late, account_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (meeting_id, member_id) DO NOTHING RETURNING id`,
			m.CommitteeID, m.ID, memberID, s.SignedAt, method, s.Late, actor.AccountID).Scan(&s.ID)
		if errors.Is(err, sql.ErrNoRows) {
			var first time.Time
			if err := tx.QueryRowContext(ctx, `SELECT signed_at FROM sign_in WHERE meeting_id = $1 AND member_id = $2`,
				m.ID, memberID).Scan(&first); err != nil {
				return app.Internal(err, "sign in: earlier")
			}
			return app.Errorf(app.ECONFLICT, "%s已签到（%s），不能重复签到", s.Name, first.In(db.Loc).Format("01-02 15:04"))
		} else if err != nil {
			return app.Internal(err, "sign in")
		}
		how := "工作人员代签"
		if method == SignInQR {
			how = "扫码签到"
		}
		if s.Late {
			how += "，迟到"
		}
		return tx.Audit(ctx, actor, Change{Action: "sign_in", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s %s签到（%s）", m.Title, s.Name, how), After: s})
	})
	return s, err
}

// lateGrace is how long after the start a sign-in still counts as on time;
// none for now (a committee setting later).
const lateGrace = 0

// LeaveRequest is a member's request for leave from a meeting (请假).
type LeaveRequest struct {
	ID          int64       `json:"id"`
	MeetingID   int64       `json:"meeting_id"`
	MemberID    int64       `json:"member_id"`
	Name        string      `json:"name"`
	Reason      string      `json:"reason"`
	Status      LeaveStatus `json:"status"`
	SubmittedBy int64       `json:"submitted_by"`
	DecidedBy   int64       `json:"decided_by"`
	DecidedAt   time.Time   `json:"decided_at"`
	CreatedAt   time.Time   `json:"created_at"`
}

const leaveColumns = `l.id, l.meeting_id, l.member_id, mb.name, l.reason, l.status, l.submitted_by, l.decided_by,
	l.decided_at, l.created_at`

func scanLeave(s scanner, l *LeaveRequest) error {
	var decided sql.NullTime
	err := s.Scan(&l.ID, &l.MeetingID, &l.MemberID, &l.Name, &l.Reason, &l.Status, &l.SubmittedBy, &l.DecidedBy,
		&decided, &l.CreatedAt)
	if decided.Valid {
		l.DecidedAt = decided.Time
	}
	return err
}

// RequestLeave records a leave request for an expected member, submitted by
// the member or by a clerk, with a reason (required). It is refused once the
// meeting has started or closed, for a member the meeting does not expect,
// and a second time for the same meeting.
func (db *DB) RequestLeave(ctx context.Context, actor app.Actor, meetingID, memberID int64, reason string) (LeaveRequest, error) {
	reason = strings.TrimSpace(reason)
	var l LeaveRequest
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockMeeting(ctx, actor, meetingID)
		if err != nil {
			return err
		}
		if err := actsForSelf(actor, memberID, "请假"); err != nil {
			return err
		}
		var errs app.FieldErrors
		switch n := utf8.RuneCountInString(reason); {
		case n == 0:
			errs.Add("reason", "请填写请假事由")
		case n > 200:
			errs.Add("reason", "请假事由不能超过200个字")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if m.Status == meeting.Closed {
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再请假")
		}
		if !tx.Now.Before(m.StartsAt) {
			return app.Errorf(app.ECONFLICT, "会议已于%s开始，不能再请假", m.StartsAt.In(db.Loc).Format("2006-01-02 15:04"))
		}
		body, err := db.body(ctx, tx, m.Meeting)
		if err != nil {
			return err
		}
		for _, b := range body {
			if b.id == memberID {
				l.Name = b.name
			}
		}
		if l.Name == "" {
			return app.Errorf(app.EINVALID, "该委员不在本次会议的应到名单中，无需请假")
		}
		l = LeaveRequest{MeetingID: m.ID, MemberID: memberID, Name: l.Name, Reason: reason, Status: LeavePending,
			SubmittedBy: actor.AccountID, CreatedAt: tx.Now}
		err = tx.QueryRowContext(ctx, `INSERT INTO leave_request (committee_id, meeting_id, member_id, reason, status,
			submitted_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (meeting_id, member_id) DO NOTHING RETURNING id`,
			m.CommitteeID, m.ID, memberID, reason, string(LeavePending), actor.AccountID, tx.Now).Scan(&l.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return app.Errorf(app.ECONFLICT, "%s已提交过本次会议的请假申请", l.Name)
		} else if err != nil {
			return app.Internal(err, "insert leave request")
		}
		return tx.Audit(ctx, actor, Change{Action: "leave_request", Entity: "meeting", EntityID: m.ID,
			Committee: m.CommitteeID, OrgPath: m.path, Summary: fmt.Sprintf("%s %s请假：%s", m.Title, l.Name, reason), After: l})
	})
	return l, err
}

// DecideLeave approves or refuses a pending leave request. A decision is
// final; the meeting must not have closed.
func (db *DB) DecideLeave(ctx context.Context, actor app.Actor, leaveID int64, approve bool) (LeaveRequest, error) {
	var l LeaveRequest
	err := db.InTx(ctx, func(tx *Tx) error {
		var meetingID int64
		if err := tx.QueryRowContext(ctx, `SELECT meeting_id FROM leave_request WHERE id = $1`, leaveID).Scan(&meetingID); err != nil {
			return notFound(err, "请假申请", "find leave request")
		}
		m, err := tx.lockMeeting(ctx, actor, meetingID)
		if err != nil {
			return renameNotFound(err, "请假申请")
		}
		if err := scanLeave(tx.QueryRowContext(ctx, `SELECT `+leaveColumns+` FROM leave_request l
			JOIN member mb ON mb.id = l.member_id WHERE l.id = $1`, leaveID), &l); err != nil {
			return app.Internal(err, "find leave request")
		}
		if m.Status == meeting.Closed {
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再审批请假")
		}
		if l.Status != LeavePending {
			return app.Errorf(app.ECONFLICT, "该请假申请已审批（%s）", l.Status.Label())
		}
		before := l
		l.Status, l.DecidedBy, l.DecidedAt = LeaveRefused, actor.AccountID, tx.Now
		if approve {
			l.Status = LeaveApproved
		}
		if _, err := tx.ExecContext(ctx, `UPDATE leave_request SET status = $2, decided_by = $3, decided_at = $4
			WHERE id = $1`, leaveID, string(l.Status), actor.AccountID, tx.Now); err != nil {
			return app.Internal(err, "decide leave")
		}
		return tx.Audit(ctx, actor, Change{Action: "leave_decide", Entity: "meeting", EntityID: m.ID,
			Committee: m.CommitteeID, OrgPath: m.path, Summary: fmt.Sprintf("%s %s的请假申请%s", m.Title, l.Name, l.Status.Label()),
			Before: before, After: l})
	})
	return l, err
}

// FindLeaveRequests lists a meeting's leave requests, pending first, then by
// submission.
func (db *DB) FindLeaveRequests(ctx context.Context, actor app.Actor, meetingID int64) ([]LeaveRequest, error) {
	if _, err := findMeeting(ctx, db.read, actor, meetingID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+leaveColumns+` FROM leave_request l JOIN member mb ON mb.id = l.member_id
		WHERE l.meeting_id = $1 ORDER BY CASE l.status WHEN 'pending' THEN 0 ELSE 1 END, l.created_at, l.id`, meetingID)
	if err != nil {
		return nil, app.Internal(err, "find leave requests")
	}
	defer rows.Close()
	var out []LeaveRequest
	for rows.Next() {
		var l LeaveRequest
		if err := scanLeave(rows, &l); err != nil {
			return nil, app.Internal(err, "scan leave request")
		}
		out = append(out, l)
	}
	return out, app.Internal(rows.Err(), "find leave requests")
}
