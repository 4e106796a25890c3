package store

import (
	"context"
	"database/sql"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
)

// FindExpectedMember returns one member's line of a meeting's expected list,
// as ExpectedMembers gives it. It answers ENOTFOUND when the meeting is not in
// the actor's subtree or does not expect the member. Once the meeting has
// opened it reads one row of the frozen list by its key, so that the
// requests of 2,000 members signing in and voting at once do not each read
// and sort the whole list; before, it computes the body as ExpectedMembers
// does.
func (db *DB) FindExpectedMember(ctx context.Context, actor app.Actor, meetingID, memberID int64) (ExpectedMember, error) {
	m, err := findMeeting(ctx, db.read, actor, meetingID)
	if err != nil {
		return ExpectedMember{}, err
	}
	if m.Status != meeting.Open && m.Status != meeting.Closed {
		rows, err := attendanceRows(ctx, db.read, m.Meeting, db.Loc)
		if err != nil {
			return ExpectedMember{}, err
		}
		for _, r := range rows {
			if r.id == memberID {
				return r.expected(), nil
			}
		}
		return ExpectedMember{}, app.NotFound("应到委员")
	}
	var r attendanceRow
	var signed sql.NullTime
	err = db.read.QueryRowContext(ctx, `SELECT e.member_id, mb.name, e.role, COALESCE(e.sector_id, 0), COALESCE(s.name, ''),
		COALESCE(s.sort, 0), COALESCE(si.id, 0), si.signed_at, COALESCE(si.method, ''), COALESCE(si.late, FALSE),
		COALESCE(l.id, 0), COALESCE(l.status, ''), COALESCE(l.reason, '')
		FROM meeting_expected e JOIN member mb ON mb.id = e.member_id
		LEFT JOIN sector s ON s.id = e.sector_id
		LEFT JOIN sign_in si ON si.meeting_id = e.meeting_id AND si.member_id = e.member_id
		LEFT JOIN leave_request l ON l.meeting_id = e.meeting_id AND l.member_id = e.member_id
		WHERE e.meeting_id = $1 AND e.member_id = $2`, meetingID, memberID).Scan(&r.id, &r.name, &r.role, &r.sectorID,
		&r.sector, &r.sectorSort, &r.signInID, &signed, &r.method, &r.late, &r.leaveID, &r.leave, &r.leaveReason)
	if err != nil {
		return ExpectedMember{}, notFound(err, "应到委员", "find expected member")
	}
	if signed.Valid {
		r.signedAt = signed.Time.UTC()
	}
	return r.expected(), nil
}

// expected is the row as a line of the expected list.
func (r attendanceRow) expected() ExpectedMember {
	return ExpectedMember{MemberID: r.id, Name: r.name, Sector: r.sector, Role: r.role, SignedIn: r.signInID != 0,
		SignedAt: r.signedAt, Method: r.method, Late: r.late, LeaveID: r.leaveID, Leave: r.leave, LeaveReason: r.leaveReason}
}
