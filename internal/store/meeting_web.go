package store

import (
	"context"
	"sort"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
)

// FindMemberMeetings lists the meetings in the actor's subtree that expect a
// member (应到), newest first, with the total for paging: once a meeting has
// opened, its frozen list decides; before, its invitee list (named kinds) or
// the body computed from seats and roles on the meeting day. It serves a
// member account's own meeting list.
func (db *DB) FindMemberMeetings(ctx context.Context, actor app.Actor, memberID int64, offset, limit int) ([]meeting.Meeting, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	// Candidates: frozen lists and invitee lists that name the member, and
	// meetings not yet open in a term where the member holds a seat.
	rows, err := db.read.QueryContext(ctx, `SELECT `+meetingColumns+meetingFrom+`
		WHERE o.path LIKE $1 || '%' AND (
			EXISTS (SELECT 1 FROM meeting_expected e WHERE e.meeting_id = mt.id AND e.member_id = $2)
			OR (mt.status IN ('draft', 'notified') AND (
				EXISTS (SELECT 1 FROM meeting_invitee i WHERE i.meeting_id = mt.id AND i.member_id = $2)
				OR EXISTS (SELECT 1 FROM term_member tm WHERE tm.term_id = mt.term_id AND tm.member_id = $2))))
		ORDER BY mt.starts_at DESC, mt.id DESC`, actor.Path, memberID)
	if err != nil {
		return nil, 0, app.Internal(err, "find member meetings")
	}
	var cands []meeting.Meeting
	for rows.Next() {
		var m meeting.Meeting
		if err := scanMeeting(rows, &m); err != nil {
			rows.Close()
			return nil, 0, app.Internal(err, "scan member meeting")
		}
		cands = append(cands, m)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, 0, app.Internal(err, "find member meetings")
	}
	var out []meeting.Meeting
	for _, m := range cands {
		if m.Status == meeting.Draft || m.Status == meeting.Notified {
			body, err := liveBody(ctx, db.read, m, db.Loc)
			if err != nil {
				return nil, 0, err
			}
			found := false
			for _, b := range body {
				found = found || b.id == memberID
			}
			if !found {
				continue
			}
		}
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartsAt.After(out[j].StartsAt) })
	total := len(out)
	offset = min(max(offset, 0), total)
	return out[offset:min(offset+limit, total)], total, nil
}

// FindBallot returns a member's current choice in an electronic vote of a
// meeting in the actor's subtree, "" when the member has not voted.
func (db *DB) FindBallot(ctx context.Context, actor app.Actor, voteID, memberID int64) (meeting.Choice, error) {
	var c meeting.Choice
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(b.choice, '') FROM vote v JOIN org o ON o.id = v.committee_id
		LEFT JOIN vote_ballot b ON b.vote_id = v.id AND b.member_id = $3
		WHERE v.id = $1 AND o.path LIKE $2 || '%'`, voteID, actor.Path, memberID).Scan(&c)
	if err != nil {
		return "", notFound(err, "表决", "find ballot")
	}
	return c, nil
}
