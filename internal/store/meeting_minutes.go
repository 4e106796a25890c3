package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/notice"
)

// A meeting's notice (会议通知) and its reminders (会前提醒) are ordinary
// notices (SendNotice) found back by their source: ('meeting', meeting id)
// for the notice, ('meeting_reminder', meeting id) for each reminder. No
// column of the meeting points at them.
//
// Which reminder rules have been settled is worked out from the times the
// notice and the reminders went out (meeting.RemindersCovered), so nothing
// else is stored; a meeting moved to a later day is reminded again for its
// new time.

// Notice sources of meetings.
const (
	SourceMeetingNotice   = "meeting"
	SourceMeetingReminder = "meeting_reminder"
)

// MeetingNoticeDraft is a meeting's notice as it would go out now.
type MeetingNoticeDraft struct {
	Subject    string
	Body       string
	Recipients int // the members the meeting expects
}

// composeNotice writes the notice of meeting m and lists its recipients:
// every member of the body the meeting expects.
func (db *DB) composeNotice(ctx context.Context, q querier, m meeting.Meeting, issued time.Time) (notice.Notice, []notice.Recipient, error) {
	c, err := findOrg(ctx, q, app.System, m.CommitteeID)
	if err != nil {
		return notice.Notice{}, nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT title FROM agenda_item WHERE meeting_id = $1 ORDER BY seq, id`, m.ID)
	if err != nil {
		return notice.Notice{}, nil, app.Internal(err, "notice: agenda")
	}
	var agenda []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return notice.Notice{}, nil, app.Internal(err, "notice: scan agenda")
		}
		agenda = append(agenda, t)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return notice.Notice{}, nil, app.Internal(err, "notice: agenda")
	}
	body, err := db.body(ctx, q, m)
	if err != nil {
		return notice.Notice{}, nil, err
	}
	subject, text := meeting.NoticeText(m, c.WrittenName(), agenda, issued, db.Loc)
	n := notice.Notice{OrgID: m.CommitteeID, Kind: notice.KindMeeting, Subject: subject, Body: text,
		Link: "/meetings/" + app.Itoa(m.ID), Source: SourceMeetingNotice, SourceID: m.ID}
	rs := make([]notice.Recipient, len(body))
	for i, b := range body {
		rs[i] = notice.Recipient{MemberID: b.id}
	}
	return n, rs, nil
}

// DraftMeetingNotice composes a meeting's notice without sending it, for
// the office to read before it goes out.
func (db *DB) DraftMeetingNotice(ctx context.Context, actor app.Actor, meetingID int64) (MeetingNoticeDraft, error) {
	m, err := findMeeting(ctx, db.read, actor, meetingID)
	if err != nil {
		return MeetingNoticeDraft{}, err
	}
	n, rs, err := db.composeNotice(ctx, db.read, m.Meeting, db.Now())
	if err != nil {
		return MeetingNoticeDraft{}, err
	}
	return MeetingNoticeDraft{Subject: n.Subject, Body: n.Body, Recipients: len(rs)}, nil
}

// SendMeetingNotice sends a meeting's notice to every member it expects
// (their inbox, and e-mail and SMS where configured) and marks a meeting
// in preparation as notified (已通知), in one transaction. It is refused
// (ECONFLICT) for a closed meeting, for one that expects nobody, and when the
// notice has gone out already. Returns the notice's id.
func (db *DB) SendMeetingNotice(ctx context.Context, actor app.Actor, meetingID int64) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockMeeting(ctx, actor, meetingID)
		if err != nil {
			return err
		}
		if m.Status == meeting.Closed {
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再发送会议通知")
		}
		var sentAt time.Time
		err = tx.QueryRowContext(ctx, `SELECT created_at FROM notice WHERE source = $1 AND source_id = $2
			AND committee_id = $3 ORDER BY id LIMIT 1`, SourceMeetingNotice, m.ID, m.CommitteeID).Scan(&sentAt)
		if err == nil {
			return app.Errorf(app.ECONFLICT, "会议通知已于%s发送，可在“会议通知”中查看阅读情况",
				sentAt.In(db.Loc).Format("2006-01-02 15:04"))
		} else if err != sql.ErrNoRows {
			return app.Internal(err, "meeting notice: earlier")
		}
		n, rs, err := db.composeNotice(ctx, tx, m.Meeting, tx.Now)
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return app.Errorf(app.ECONFLICT, "%s没有应到人员（%s），无法发送会议通知", m.Title, m.Kind.Body().Label())
		}
		if id, err = tx.SendNotice(ctx, actor, n, rs); err != nil {
			return err
		}
		if m.Status != meeting.Draft {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meeting SET status = $2, updated_at = $3 WHERE id = $1`,
			m.ID, string(meeting.Notified), tx.Now); err != nil {
			return app.Internal(err, "meeting notified")
		}
		after := m.Meeting
		after.Status, after.UpdatedAt = meeting.Notified, tx.Now
		return tx.Audit(ctx, actor, Change{Action: "notify", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("发送会议通知 %s（%d人）", m.Title, len(rs)), Before: m.Meeting, After: after})
	})
	return id, err
}

// MeetingNotice is a notice or reminder of a meeting with how far it reached.
type MeetingNotice struct {
	ID         int64
	Kind       notice.Kind
	Subject    string
	CreatedAt  time.Time
	Recipients int
	Read       int
}

// FindMeetingNotices lists a meeting's notice and reminders, oldest first.
func (db *DB) FindMeetingNotices(ctx context.Context, actor app.Actor, meetingID int64) ([]MeetingNotice, error) {
	m, err := findMeeting(ctx, db.read, actor, meetingID)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT n.id, n.kind, n.subject, n.created_at, COUNT(r.id), COUNT(r.read_at)
		FROM notice n JOIN org o ON o.id = n.org_id
		LEFT JOIN notice_recipient r ON r.notice_id = n.id
		WHERE n.source IN ($1, $2) AND n.source_id = $3 AND n.committee_id = $4 AND o.path LIKE $5 || '%'
		GROUP BY n.id, n.kind, n.subject, n.created_at ORDER BY n.created_at, n.id`,
		SourceMeetingNotice, SourceMeetingReminder, m.ID, m.CommitteeID, actor.Path)
	if err != nil {
		return nil, app.Internal(err, "find meeting notices")
	}
	defer rows.Close()
	var out []MeetingNotice
	for rows.Next() {
		var n MeetingNotice
		if err := rows.Scan(&n.ID, &n.Kind, &n.Subject, &n.CreatedAt, &n.Recipients, &n.Read); err != nil {
			return nil, app.Internal(err, "scan meeting notice")
		}
		out = append(out, n)
	}
	return out, app.Internal(rows.Err(), "find meeting notices")
}

// --- Reminders (会前提醒), sent by a ticker in cmd/xieshang ---
//
// The reminder worker acts for the system: it reads every committee's
// meetings and sends as app.System, and its notices are audited like any.

// ReminderCandidate is a meeting that starts soon and has had its notice:
// when it starts and when its notice and reminders went out.
type ReminderCandidate struct {
	MeetingID int64
	StartsAt  time.Time
	SentAt    []time.Time // the notice's and every reminder's send time
}

// Scheduled is the candidate as notice.DueReminders takes it: the rules
// already settled are those the notice or a reminder covered when sent.
func (c ReminderCandidate) Scheduled(rules []notice.ReminderRule) notice.Scheduled {
	hours := make([]int, len(rules))
	for i, r := range rules {
		hours[i] = r.HoursBefore
	}
	return notice.Scheduled{SourceID: c.MeetingID, StartsAt: c.StartsAt, Rules: rules,
		Sent: meeting.RemindersCovered(c.StartsAt, hours, c.SentAt)}
}

// FindReminderCandidates lists the meetings not closed that start after now
// and no later than now+horizon and whose notice has been sent, soonest
// first.
func (db *DB) FindReminderCandidates(ctx context.Context, now time.Time, horizon time.Duration) ([]ReminderCandidate, error) {
	return reminderCandidates(ctx, db.read, now.UTC(), now.UTC().Add(horizon), 0)
}

// reminderCandidates reads the candidates starting in (from, to], or the one
// meeting when meetingID is not 0.
func reminderCandidates(ctx context.Context, q querier, from, to time.Time, meetingID int64) ([]ReminderCandidate, error) {
	query := `SELECT mt.id, mt.starts_at, n.source, n.created_at FROM meeting mt
		JOIN notice n ON n.source_id = mt.id AND n.committee_id = mt.committee_id AND n.source IN ($1, $2)
		WHERE mt.status <> 'closed' AND mt.starts_at > $3`
	args := []any{SourceMeetingNotice, SourceMeetingReminder, from}
	if meetingID != 0 {
		query += ` AND mt.id = $4`
		args = append(args, meetingID)
	} else {
		query += ` AND mt.starts_at <= $4`
		args = append(args, to)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY mt.starts_at, mt.id, n.created_at`, args...)
	if err != nil {
		return nil, app.Internal(err, "reminder candidates")
	}
	defer rows.Close()
	var out []ReminderCandidate
	noticed := map[int64]bool{}
	for rows.Next() {
		var id int64
		var starts, at time.Time
		var source string
		if err := rows.Scan(&id, &starts, &source, &at); err != nil {
			return nil, app.Internal(err, "scan reminder candidate")
		}
		if len(out) == 0 || out[len(out)-1].MeetingID != id {
			out = append(out, ReminderCandidate{MeetingID: id, StartsAt: starts.UTC()})
		}
		c := &out[len(out)-1]
		c.SentAt = append(c.SentAt, at.UTC())
		noticed[id] = noticed[id] || source == SourceMeetingNotice
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "reminder candidates")
	}
	kept := out[:0]
	for _, c := range out {
		if noticed[c.MeetingID] {
			kept = append(kept, c)
		}
	}
	return kept, nil
}

// SendMeetingReminder sends the reminder due now (the store's clock) for a meeting under rules,
// if one still is, to the recipients of the meeting's notice except members
// whose leave has been approved. The meeting row is locked first (FOR UPDATE
// on PostgreSQL; SQLite has one writer) and what is due is worked out again
// under the lock, so two nodes that both found the meeting due send one
// reminder between them. Returns the reminder's id, or 0 when nothing was
// due (any more) or nobody is left to remind.
func (db *DB) SendMeetingReminder(ctx context.Context, meetingID int64, rules []notice.ReminderRule) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockMeeting(ctx, app.System, meetingID)
		if err != nil {
			return err
		}
		cands, err := reminderCandidates(ctx, tx, tx.Now, time.Time{}, m.ID)
		if err != nil || len(cands) == 0 {
			return err
		}
		due := notice.DueReminders(tx.Now, []notice.Scheduled{cands[0].Scheduled(rules)})
		if len(due) == 0 {
			return nil
		}
		var noticeID int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM notice WHERE source = $1 AND source_id = $2 AND committee_id = $3
			ORDER BY id DESC LIMIT 1`, SourceMeetingNotice, m.ID, m.CommitteeID).Scan(&noticeID); err != nil {
			return app.Internal(err, "reminder: notice")
		}
		rows, err := tx.QueryContext(ctx, `SELECT COALESCE(r.member_id, 0), COALESCE(r.account_id, 0) FROM notice_recipient r
			WHERE r.notice_id = $1 AND NOT EXISTS (SELECT 1 FROM leave_request l WHERE l.meeting_id = $2
				AND l.member_id = r.member_id AND l.status = $3) ORDER BY r.id`, noticeID, m.ID, string(LeaveApproved))
		if err != nil {
			return app.Internal(err, "reminder: recipients")
		}
		var rs []notice.Recipient
		for rows.Next() {
			var r notice.Recipient
			if err := rows.Scan(&r.MemberID, &r.AccountID); err != nil {
				rows.Close()
				return app.Internal(err, "reminder: scan recipient")
			}
			rs = append(rs, r)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return app.Internal(err, "reminder: recipients")
		}
		if len(rs) == 0 {
			return nil
		}
		c, err := findOrg(ctx, tx, app.System, m.CommitteeID)
		if err != nil {
			return err
		}
		subject, body := meeting.ReminderText(m.Meeting, c.WrittenName(), db.Loc)
		id, err = tx.SendNotice(ctx, app.System, notice.Notice{OrgID: m.CommitteeID, Kind: notice.KindReminder,
			Subject: subject, Body: body, Link: "/meetings/" + app.Itoa(m.ID), Source: SourceMeetingReminder,
			SourceID: m.ID, Channels: due[0].Rule.Channels}, rs)
		return err
	})
	return id, err
}
