package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"xieshang/internal/app"
)

// Duty events (履职记录) are the facts a member's duty record is built from:
// each attendance, leave and vote, and later research, speeches, proposals.
// Each is written in the transaction of the change that earns it, through
// RecordDuty (the one writer), and names its source record, so every point in
// a member's file can link to what earned it. Scoring belongs to the
// duty-record module, which reads these rows; nothing here weighs them.

// Duty event kinds written by meetings.
const (
	DutyAttended     = "attended"      // signed in at a meeting (source sign_in)
	DutyExcused      = "excused"       // approved leave, did not sign in (source leave_request)
	DutyAbsent       = "absent"        // expected, neither signed in nor excused (source meeting)
	DutyLeaveRefused = "leave_refused" // a leave request the office refused (source leave_request)
	DutyVoted        = "voted"         // cast an electronic ballot in a deliberation vote (source vote)
)

// Duty event kinds written by consultation (consult_work.go).
const (
	DutyResearch = "research" // joined a research, inspection or supervision visit of a topic (source topic_visit)
	DutySpeech   = "speech"   // spoke at a topic's consultation (source topic_speech)
)

// Duty event sources: the table the source id points into.
const (
	SourceMeeting      = "meeting"
	SourceSignIn       = "sign_in"
	SourceLeaveRequest = "leave_request"
	SourceVote         = "vote"
	SourceTopicVisit   = "topic_visit"
	SourceTopicSpeech  = "topic_speech"
)

// DutyEvent is one fact in a member's duty record.
type DutyEvent struct {
	ID          int64     `json:"id"`
	CommitteeID int64     `json:"committee_id"`
	MemberID    int64     `json:"member_id"`
	Kind        string    `json:"kind"`
	OccurredOn  app.Date  `json:"occurred_on"`
	MeetingID   int64     `json:"meeting_id,omitempty"`
	Source      string    `json:"source"`
	SourceID    int64     `json:"source_id"`
	Share       int       `json:"share"` // quarters of the full score: 4 (0 is taken as 4), 2 or 1
	CreatedAt   time.Time `json:"created_at"`
}

// RecordDuty writes duty events in the transaction, in batches, and counts
// them in duty_tally. An event already recorded (same member, kind, source
// and source id) is not recorded (nor counted) again.
func (tx *Tx) RecordDuty(ctx context.Context, events ...DutyEvent) error {
	const batch = 400
	for start := 0; start < len(events); start += batch {
		var b strings.Builder
		b.WriteString(`INSERT INTO duty_event (committee_id, member_id, kind, occurred_on, meeting_id, source,
		source_id, share, created_at) VALUES `)
		var args []any
		for i, e := range events[start:min(start+batch, len(events))] {
			if e.Share == 0 {
				e.Share = 4
			}
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9)
			args = append(args, e.CommitteeID, e.MemberID, e.Kind, e.OccurredOn, nullInt(e.MeetingID), e.Source, e.SourceID, e.Share, tx.Now)
		}
		b.WriteString(` ON CONFLICT (source, source_id, member_id, kind) DO NOTHING RETURNING id`)
		rows, err := tx.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return app.Internal(err, "record duty events")
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return app.Internal(err, "record duty events")
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return app.Internal(err, "record duty events")
		}
		if len(ids) == 0 {
			continue
		}
		idv, ph := idArgs(ids, 0)
		if err := tx.tallyDuty(ctx, 1, `d.id IN (`+ph+`)`, idv); err != nil {
			return err
		}
	}
	return nil
}

// The tally (duty_tally) counts duty events per member, year, kind, kind of
// meeting and share: what a year's file and the rankings sum by the rules
// at read time. Every writer of duty_event goes through this file and
// moves the tally in the same transaction.

// tallyYear is the year of an event's day ('YYYY-MM-DD').
const tallyYear = `CAST(SUBSTR(d.occurred_on, 1, 4) AS INTEGER)`

// tallyDuty adds sign (1 or -1) times the events matching cond (over
// duty_event d) to the tally, then drops the rows of those members that
// came to zero. Call it while the events are in duty_event: after
// inserting them, before deleting them.
func (tx *Tx) tallyDuty(ctx context.Context, sign int, cond string, args []any) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO duty_tally (committee_id, member_id, year, kind, meeting_kind, share, n)
		SELECT d.committee_id, d.member_id, `+tallyYear+`, d.kind, COALESCE(m.kind, ''), d.share, `+app.Itoa(int64(sign))+` * COUNT(*)
		FROM duty_event d LEFT JOIN meeting m ON m.id = d.meeting_id WHERE `+cond+`
		GROUP BY d.committee_id, d.member_id, `+tallyYear+`, d.kind, COALESCE(m.kind, ''), d.share
		ON CONFLICT (member_id, year, kind, meeting_kind, share) DO UPDATE SET n = duty_tally.n + excluded.n`, args...)
	if err != nil {
		return app.Internal(err, "tally duty events")
	}
	if sign < 0 {
		_, err = tx.ExecContext(ctx, `DELETE FROM duty_tally WHERE n = 0 AND member_id IN
			(SELECT d.member_id FROM duty_event d WHERE `+cond+`)`, args...)
	}
	return app.Internal(err, "tally duty events")
}

// removeDuty deletes the events matching cond, taking them off the tally.
func (tx *Tx) removeDuty(ctx context.Context, cond string, args []any) error {
	if err := tx.tallyDuty(ctx, -1, cond, args); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM duty_event WHERE id IN (SELECT d.id FROM duty_event d WHERE `+cond+`)`, args...)
	return app.Internal(err, "retract duty events")
}

// RetractDutyKinds removes the events of the given kinds of one source
// record (all members): a proposal no longer key takes back its key points.
func (tx *Tx) RetractDutyKinds(ctx context.Context, source string, sourceID int64, kinds ...string) error {
	if len(kinds) == 0 {
		return nil
	}
	args := []any{source, sourceID}
	var ph []string
	for _, k := range kinds {
		args = append(args, k)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	return tx.removeDuty(ctx, `d.source = $1 AND d.source_id = $2 AND d.kind IN (`+strings.Join(ph, ", ")+`)`, args)
}

// MoveDuty moves the events of one source record to another day (the
// record's date changed), moving them between years of the tally.
func (tx *Tx) MoveDuty(ctx context.Context, source string, sourceID int64, on app.Date) error {
	args := []any{source, sourceID}
	cond := `d.source = $1 AND d.source_id = $2`
	if err := tx.tallyDuty(ctx, -1, cond, args); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE duty_event SET occurred_on = $3 WHERE source = $1 AND source_id = $2`,
		source, sourceID, on); err != nil {
		return app.Internal(err, "move duty events")
	}
	return tx.tallyDuty(ctx, 1, cond, args)
}

// untallyMeetingDuty and tallyMeetingDuty bracket a change of a meeting's
// kind: its events leave the tally under the old kind and come back under
// the new one.
func (tx *Tx) untallyMeetingDuty(ctx context.Context, meetingID int64) error {
	return tx.tallyDuty(ctx, -1, `d.meeting_id = $1`, []any{meetingID})
}

func (tx *Tx) tallyMeetingDuty(ctx context.Context, meetingID int64) error {
	return tx.tallyDuty(ctx, 1, `d.meeting_id = $1`, []any{meetingID})
}

// RebuildDutyTally recomputes the whole tally from duty_event, all or
// nothing: the oracle of the tally's upkeep and the repair after a restore.
func (db *DB) RebuildDutyTally(ctx context.Context) error {
	// Not audited, so the data version stays: forget this node's scores
	// (duty_cache.go). Another node keeps its own until the next change; a
	// rebuild that repairs nothing changes no score.
	defer db.dutyScores.clear()
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM duty_tally`); err != nil {
			return app.Internal(err, "rebuild duty tally")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO duty_tally (committee_id, member_id, year, kind, meeting_kind, share, n)
			SELECT d.committee_id, d.member_id, `+tallyYear+`, d.kind, COALESCE(m.kind, ''), d.share, COUNT(*)
			FROM duty_event d LEFT JOIN meeting m ON m.id = d.meeting_id
			GROUP BY d.committee_id, d.member_id, `+tallyYear+`, d.kind, COALESCE(m.kind, ''), d.share`)
		return app.Internal(err, "rebuild duty tally")
	})
}

// DutyTallyRow is one row of the tally.
type DutyTallyRow struct {
	CommitteeID, MemberID int64
	Year                  int
	Kind, MeetingKind     string
	Share, N              int
}

// dutyTallyRows reads the tally (countEvents: counted from duty_event
// instead), in a fixed order: what the upkeep test compares.
func dutyTallyRows(ctx context.Context, q querier, countEvents bool) ([]DutyTallyRow, error) {
	sql := `SELECT committee_id, member_id, year, kind, meeting_kind, share, n FROM duty_tally`
	if countEvents {
		sql = `SELECT d.committee_id, d.member_id, ` + tallyYear + `, d.kind, COALESCE(m.kind, ''), d.share, COUNT(*)
			FROM duty_event d LEFT JOIN meeting m ON m.id = d.meeting_id
			GROUP BY d.committee_id, d.member_id, ` + tallyYear + `, d.kind, COALESCE(m.kind, ''), d.share`
	}
	rows, err := q.QueryContext(ctx, `SELECT * FROM (`+sql+`) t ORDER BY 2, 3, 4, 5, 6`)
	if err != nil {
		return nil, app.Internal(err, "duty tally")
	}
	defer rows.Close()
	var out []DutyTallyRow
	for rows.Next() {
		var r DutyTallyRow
		if err := rows.Scan(&r.CommitteeID, &r.MemberID, &r.Year, &r.Kind, &r.MeetingKind, &r.Share, &r.N); err != nil {
			return nil, app.Internal(err, "duty tally")
		}
		out = append(out, r)
	}
	return out, app.Internal(rows.Err(), "duty tally")
}

// DutyFilter narrows FindDutyEvents. From and To are inclusive.
type DutyFilter struct {
	CommitteeID int64
	MemberID    int64
	MeetingID   int64
	Kind        string
	From, To    app.Date
	Offset      int
	Limit       int // 0: 50; at most 1000
}

// FindDutyEvents lists duty events of committees in the actor's subtree,
// newest first, with the total for paging.
func (db *DB) FindDutyEvents(ctx context.Context, actor app.Actor, f DutyFilter) ([]DutyEvent, int, error) {
	q := `SELECT d.id, d.committee_id, d.member_id, d.kind, d.occurred_on, COALESCE(d.meeting_id, 0), d.source,
		d.source_id, d.share, d.created_at, COUNT(*) OVER() FROM duty_event d JOIN org o ON o.id = d.committee_id
		WHERE o.path LIKE $1 || '%'`
	args := []any{actor.Path}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.CommitteeID != 0 {
		add("d.committee_id = $%d", f.CommitteeID)
	}
	if f.MemberID != 0 {
		add("d.member_id = $%d", f.MemberID)
	}
	if f.MeetingID != 0 {
		add("d.meeting_id = $%d", f.MeetingID)
	}
	if f.Kind != "" {
		add("d.kind = $%d", f.Kind)
	}
	if !f.From.IsZero() {
		add("d.occurred_on >= $%d", f.From.String())
	}
	if !f.To.IsZero() {
		add("d.occurred_on <= $%d", f.To.String())
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 1000)
	args = append(args, f.Limit, max(f.Offset, 0))
	q += fmt.Sprintf(" ORDER BY d.occurred_on DESC, d.id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find duty events")
	}
	defer rows.Close()
	var out []DutyEvent
	total := 0
	for rows.Next() {
		var e DutyEvent
		if err := rows.Scan(&e.ID, &e.CommitteeID, &e.MemberID, &e.Kind, &e.OccurredOn, &e.MeetingID, &e.Source,
			&e.SourceID, &e.Share, &e.CreatedAt, &total); err != nil {
			return nil, 0, app.Internal(err, "scan duty event")
		}
		out = append(out, e)
	}
	return out, total, app.Internal(rows.Err(), "find duty events")
}

// Duty event kind and source written by grassroots consultation rooms
// (room.go): a member who took part in a room's activity (议事活动).
const (
	DutyRoomActivity   = "room_activity" // joined a room's consultation activity (source room_activity)
	SourceRoomActivity = "room_activity"
)

// RetractDuty removes the events of one source record for the given members
// (all members when none is given), in the transaction, and takes them off
// the tally: an edited record that no longer names a member takes back the
// point it gave.
func (tx *Tx) RetractDuty(ctx context.Context, source string, sourceID int64, memberIDs ...int64) error {
	cond := `d.source = $1 AND d.source_id = $2`
	args := []any{source, sourceID}
	if len(memberIDs) > 0 {
		var ph []string
		for _, id := range memberIDs {
			args = append(args, id)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		cond += " AND d.member_id IN (" + strings.Join(ph, ", ") + ")"
	}
	return tx.removeDuty(ctx, cond, args)
}
