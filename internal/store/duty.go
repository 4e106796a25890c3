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

// RecordDuty writes duty events in the transaction, in batches. An event
// already recorded (same member, kind, source and source id) is not recorded
// again.
func (tx *Tx) RecordDuty(ctx context.Context, events ...DutyEvent) error {
	err := tx.insertRows(ctx, `INSERT INTO duty_event (committee_id, member_id, kind, occurred_on, meeting_id, source,
		source_id, share, created_at) VALUES `, len(events), func(i int) []any {
		e := events[i]
		if e.Share == 0 {
			e.Share = 4
		}
		return []any{e.CommitteeID, e.MemberID, e.Kind, e.OccurredOn, nullInt(e.MeetingID), e.Source, e.SourceID, e.Share, tx.Now}
	}, ` ON CONFLICT (source, source_id, member_id, kind) DO NOTHING`)
	return app.Internal(err, "record duty events")
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
// (all members when none is given), in the transaction: an edited record
// that no longer names a member takes back the point it gave.
func (tx *Tx) RetractDuty(ctx context.Context, source string, sourceID int64, memberIDs ...int64) error {
	q := `DELETE FROM duty_event WHERE source = $1 AND source_id = $2`
	args := []any{source, sourceID}
	if len(memberIDs) > 0 {
		var ph []string
		for _, id := range memberIDs {
			args = append(args, id)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		q += " AND member_id IN (" + strings.Join(ph, ", ") + ")"
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return app.Internal(err, "retract duty events")
}
