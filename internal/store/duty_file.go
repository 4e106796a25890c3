package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"xieshang/internal/app"
	"xieshang/internal/duty"
	"xieshang/internal/member"
)

// A member's duty file (履职档案) for a year and the rankings by sector:
// the tally of the year scored by the committee's rules for the year at
// read time; standing-committee rates for members who held a standing
// seat (常委, 主席, 副主席, 秘书长) at any time in the year.

// standingKinds are the roles scored at standing-committee rates.
var standingKinds = []member.RoleKind{member.Standing, member.Chair, member.ViceChair, member.SecretaryGeneral}

// DutyKindTotal is a kind's line in a file: how many events and their points.
type DutyKindTotal struct {
	Kind     string      `json:"kind"`
	Label    string      `json:"label"`
	Category string      `json:"category"`
	N        int         `json:"n"`
	Points   duty.Points `json:"points"`
}

// DutyCategoryTotal is a heading of a file with its kinds.
type DutyCategoryTotal struct {
	Category string          `json:"category"`
	Label    string          `json:"label"`
	N        int             `json:"n"`
	Points   duty.Points     `json:"points"`
	Kinds    []DutyKindTotal `json:"kinds"`
}

// DutyLink is the record an event links to: Page is meeting, vote (the
// meeting's votes), topic, room, visit, proposal, report, election, or the
// event's source for activities.
type DutyLink struct {
	Page  string `json:"page"`
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// DutyFileEvent is an event of a file with its points and link.
type DutyFileEvent struct {
	ID          int64       `json:"id"`
	Kind        string      `json:"kind"`
	Label       string      `json:"label"`
	Category    string      `json:"category"`
	OccurredOn  app.Date    `json:"occurred_on"`
	MeetingKind string      `json:"meeting_kind,omitempty"`
	Share       int         `json:"share"`
	Points      duty.Points `json:"points"`
	Link        DutyLink    `json:"link"`
}

// DutyFile is a member's duty file for a year.
type DutyFile struct {
	MemberID    int64               `json:"member_id"`
	Name        string              `json:"name"`
	CommitteeID int64               `json:"committee_id"`
	Year        int                 `json:"year"`
	SectorID    int64               `json:"sector_id"`
	Sector      string              `json:"sector"`
	Standing    bool                `json:"standing"`
	Total       duty.Points         `json:"total"`
	Rank        int                 `json:"rank"`        // within the sector; 0 without a seat in the year
	SectorSize  int                 `json:"sector_size"` // members ranked in the sector
	Categories  []DutyCategoryTotal `json:"categories"`
	Events      []DutyFileEvent     `json:"events"`
	Rules       DutyRuleSet         `json:"rules"`
}

// DutyScore is a member's line in a ranking.
type DutyScore struct {
	MemberID   int64                  `json:"member_id"`
	Name       string                 `json:"name"`
	SectorID   int64                  `json:"sector_id"`
	Sector     string                 `json:"sector"`
	Standing   bool                   `json:"standing"`
	Total      duty.Points            `json:"total"`
	ByCategory map[string]duty.Points `json:"by_category"`
	Rank       int                    `json:"rank"` // within the sector, ties shared
}

// DutyRanking is a committee's members scored for a year, by sector.
type DutyRanking struct {
	CommitteeID int64       `json:"committee_id"`
	Year        int         `json:"year"`
	SectorID    int64       `json:"sector_id,omitempty"`
	Rules       DutyRuleSet `json:"rules"`
	Rows        []DutyScore `json:"rows"`
}

func yearBounds(year int) (first, last string) {
	return fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
}

// standingMembers are the members of a committee (one member when
// memberID is set) holding a standing seat at any time in year.
func standingMembers(ctx context.Context, q querier, committeeID, memberID int64, year int) (map[int64]bool, error) {
	first, last := yearBounds(year)
	args := []any{committeeID, last, first}
	cond := ""
	if memberID != 0 {
		args = append(args, memberID)
		cond = " AND member_id = $4"
	}
	ph := ""
	for i, k := range standingKinds {
		args = append(args, string(k))
		if i > 0 {
			ph += ", "
		}
		ph += fmt.Sprintf("$%d", len(args))
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT member_id FROM member_role WHERE committee_id = $1
		AND start_date <= $2 AND (end_date = '' OR end_date >= $3)`+cond+` AND kind IN (`+ph+`)`, args...)
	if err != nil {
		return nil, app.Internal(err, "standing members")
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, app.Internal(err, "standing members")
		}
		out[id] = true
	}
	return out, app.Internal(rows.Err(), "standing members")
}

// dutyTallies reads the tally of a committee's year (one member's when
// memberID is set), by member.
func dutyTallies(ctx context.Context, q querier, committeeID, memberID int64, year int) (map[int64][]duty.Tally, error) {
	args := []any{committeeID, year}
	cond := ""
	if memberID != 0 {
		args = append(args, memberID)
		cond = " AND member_id = $3"
	}
	rows, err := q.QueryContext(ctx, `SELECT member_id, kind, meeting_kind, share, n FROM duty_tally
		WHERE committee_id = $1 AND year = $2`+cond, args...)
	if err != nil {
		return nil, app.Internal(err, "duty tally")
	}
	defer rows.Close()
	out := map[int64][]duty.Tally{}
	for rows.Next() {
		var id int64
		var t duty.Tally
		if err := rows.Scan(&id, &t.Kind, &t.MeetingKind, &t.Share, &t.N); err != nil {
			return nil, app.Internal(err, "duty tally")
		}
		out[id] = append(out[id], t)
	}
	return out, app.Internal(rows.Err(), "duty tally")
}

// dutySeated are a committee's members seated in a term covering year
// (in the latest such term when two do), in sector order.
func dutySeated(ctx context.Context, q querier, committeeID int64, year int) ([]DutyScore, error) {
	first, last := yearBounds(year)
	rows, err := q.QueryContext(ctx, `SELECT tm.member_id, m.name, COALESCE(tm.sector_id, 0), COALESCE(s.name, '')
		FROM term_member tm JOIN term t ON t.id = tm.term_id JOIN member m ON m.id = tm.member_id
		LEFT JOIN sector s ON s.id = tm.sector_id
		WHERE tm.committee_id = $1 AND t.start_date <= $2 AND (t.end_date = '' OR t.end_date >= $3)
		AND tm.start_date <= $2 AND (tm.end_date = '' OR tm.end_date >= $3)
		ORDER BY t.start_date DESC, COALESCE(s.sort, 0), COALESCE(s.id, 0), tm.member_id`, committeeID, last, first)
	if err != nil {
		return nil, app.Internal(err, "seated members")
	}
	defer rows.Close()
	var out []DutyScore
	seen := map[int64]bool{}
	for rows.Next() {
		var s DutyScore
		if err := rows.Scan(&s.MemberID, &s.Name, &s.SectorID, &s.Sector); err != nil {
			return nil, app.Internal(err, "seated members")
		}
		if !seen[s.MemberID] {
			seen[s.MemberID] = true
			out = append(out, s)
		}
	}
	return out, app.Internal(rows.Err(), "seated members")
}

// dutyScores scores a committee's seated members for a year and ranks
// them within their sectors.
func dutyScores(ctx context.Context, q querier, committeeID int64, year int) ([]DutyScore, DutyRuleSet, error) {
	rules, err := dutyRulesFor(ctx, q, committeeID, year)
	if err != nil {
		return nil, rules, err
	}
	acts, err := activityLabels(ctx, q, committeeID)
	if err != nil {
		return nil, rules, err
	}
	members, err := dutySeated(ctx, q, committeeID, year)
	if err != nil {
		return nil, rules, err
	}
	tallies, err := dutyTallies(ctx, q, committeeID, 0, year)
	if err != nil {
		return nil, rules, err
	}
	standing, err := standingMembers(ctx, q, committeeID, 0, year)
	if err != nil {
		return nil, rules, err
	}
	bySector := map[int64][]int64{}
	scores := map[int64]duty.Points{}
	for i := range members {
		s := &members[i]
		s.Standing = standing[s.MemberID]
		s.Total, s.ByCategory = rules.Total(tallies[s.MemberID], s.Standing, acts)
		scores[s.MemberID] = s.Total
		bySector[s.SectorID] = append(bySector[s.SectorID], s.MemberID)
	}
	rank := map[int64]int{}
	for _, ids := range bySector {
		for _, r := range duty.Rank(scores, ids) {
			rank[r.MemberID] = r.Rank
		}
	}
	for i := range members {
		members[i].Rank = rank[members[i].MemberID]
	}
	// Sector by sector (in the order seated), by rank within each.
	order := map[int64]int{}
	for _, s := range members {
		if _, ok := order[s.SectorID]; !ok {
			order[s.SectorID] = len(order)
		}
	}
	slices.SortStableFunc(members, func(a, b DutyScore) int {
		if d := order[a.SectorID] - order[b.SectorID]; d != 0 {
			return d
		}
		return a.Rank - b.Rank
	})
	return members, rules, nil
}

// FindDutyRanking scores a committee's members for a year (one sector's
// when sectorID is set), ranked within their sectors. The office and
// leaders only.
func (db *DB) FindDutyRanking(ctx context.Context, actor app.Actor, committeeID int64, year int, sectorID int64) (DutyRanking, error) {
	if !canReadDuty(actor) {
		return DutyRanking{}, app.Errorf(app.EFORBIDDEN, "当前账号不能查看履职排名")
	}
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if err := db.seesCommittee(ctx, actor, committeeID); err != nil {
		return DutyRanking{}, err
	}
	rows, rules, err := db.cachedDutyScores(ctx, committeeID, year)
	if err != nil {
		return DutyRanking{}, err
	}
	if sectorID != 0 {
		rows = slices.DeleteFunc(rows, func(s DutyScore) bool { return s.SectorID != sectorID })
	}
	return DutyRanking{CommitteeID: committeeID, Year: year, SectorID: sectorID, Rules: rules, Rows: rows}, nil
}

// FindDutyFile builds a member's duty file for a year. A member account
// sees only its own; the office and leaders those of their subtree; any
// other answers not found.
func (db *DB) FindDutyFile(ctx context.Context, actor app.Actor, memberID int64, year int) (DutyFile, error) {
	f := DutyFile{MemberID: memberID, Year: year}
	var path string
	err := db.read.QueryRowContext(ctx, `SELECT m.name, m.committee_id, o.path FROM member m JOIN org o ON o.id = m.committee_id
		WHERE m.id = $1`, memberID).Scan(&f.Name, &f.CommitteeID, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return f, app.NotFound("委员")
	}
	if err != nil {
		return f, app.Internal(err, "find member")
	}
	own := actor.MemberID != 0 && actor.MemberID == memberID
	if !own && (!canReadDuty(actor) || !actor.Sees(path)) {
		return f, app.NotFound("委员")
	}
	scores, rules, err := db.cachedDutyScores(ctx, f.CommitteeID, year)
	if err != nil {
		return f, err
	}
	f.Rules = rules
	acts, err := activityLabels(ctx, db.read, f.CommitteeID)
	if err != nil {
		return f, err
	}
	standing, err := standingMembers(ctx, db.read, f.CommitteeID, memberID, year)
	if err != nil {
		return f, err
	}
	f.Standing = standing[memberID]
	for _, s := range scores {
		if s.MemberID == memberID {
			f.SectorID, f.Sector, f.Rank = s.SectorID, s.Sector, s.Rank
		}
	}
	if f.Rank != 0 {
		for _, s := range scores {
			if s.SectorID == f.SectorID {
				f.SectorSize++
			}
		}
	}
	tallies, err := dutyTallies(ctx, db.read, f.CommitteeID, memberID, year)
	if err != nil {
		return f, err
	}
	byKind := map[string]*DutyKindTotal{}
	for _, t := range tallies[memberID] {
		k, ok := duty.KindOf(t.Kind, acts)
		if !ok {
			k = duty.Kind{Code: t.Kind, Label: t.Kind, Category: "activity"}
		}
		kt := byKind[t.Kind]
		if kt == nil {
			kt = &DutyKindTotal{Kind: t.Kind, Label: k.Label, Category: k.Category}
			byKind[t.Kind] = kt
		}
		p := rules.Points(t.Event, f.Standing) * duty.Points(t.N)
		kt.N += t.N
		kt.Points += p
		f.Total += p
	}
	for _, c := range duty.Categories {
		ct := DutyCategoryTotal{Category: c.Code, Label: c.Label}
		for _, k := range duty.Kinds {
			if kt := byKind[k.Code]; kt != nil && k.Category == c.Code {
				ct.Kinds = append(ct.Kinds, *kt)
			}
		}
		if c.Code == "activity" {
			var extra []DutyKindTotal
			for code, kt := range byKind {
				if _, ok := duty.KindOf(code, nil); !ok {
					extra = append(extra, *kt)
				}
			}
			slices.SortFunc(extra, func(a, b DutyKindTotal) int {
				if a.Kind < b.Kind {
					return -1
				}
				if a.Kind > b.Kind {
					return 1
				}
				return 0
			})
			ct.Kinds = append(ct.Kinds, extra...)
		}
		for _, kt := range ct.Kinds {
			ct.N += kt.N
			ct.Points += kt.Points
		}
		f.Categories = append(f.Categories, ct)
	}
	f.Events, err = dutyFileEvents(ctx, db.read, rules, f.Standing, acts, memberID, year)
	return f, err
}

// dutyFileEvents lists a member's events of a year, oldest first, with
// their points and the record each links to. A household visit names no
// household.
func dutyFileEvents(ctx context.Context, q querier, rules DutyRuleSet, standing bool, acts map[string]string,
	memberID int64, year int) ([]DutyFileEvent, error) {
	first, last := yearBounds(year)
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.kind, d.occurred_on, COALESCE(mt.kind, ''), d.share, d.source, d.source_id,
		COALESCE(d.meeting_id, 0), COALESCE(mt.title, ''), COALESCE(tp.id, 0), COALESCE(tp.title, ''),
		COALESCE(ra.room_id, 0), COALESCE(ra.title, ''), COALESCE(p.title, ''), COALESCE(rp.id, 0), COALESCE(rp.title, ''),
		COALESCE(el.title, '')
		FROM duty_event d LEFT JOIN meeting mt ON mt.id = d.meeting_id
		LEFT JOIN topic_visit tv ON d.source = 'topic_visit' AND tv.id = d.source_id
		LEFT JOIN topic_speech ts ON d.source = 'topic_speech' AND ts.id = d.source_id
		LEFT JOIN topic tp ON tp.id = COALESCE(tv.topic_id, ts.topic_id)
		LEFT JOIN room_activity ra ON d.source = 'room_activity' AND ra.id = d.source_id
		LEFT JOIN proposal p ON d.source = 'proposal' AND p.id = d.source_id
		LEFT JOIN report_adoption rad ON d.source = 'report_adoption' AND rad.id = d.source_id
		LEFT JOIN report rp ON rp.id = rad.report_id
		LEFT JOIN election el ON d.source = 'election' AND el.id = d.source_id
		WHERE d.member_id = $1 AND d.occurred_on >= $2 AND d.occurred_on <= $3
		ORDER BY d.occurred_on, d.id`, memberID, first, last)
	if err != nil {
		return nil, app.Internal(err, "duty file events")
	}
	defer rows.Close()
	var out []DutyFileEvent
	for rows.Next() {
		var e DutyFileEvent
		var source, meetingTitle, topicTitle, roomTitle, proposalTitle, reportTitle, electionTitle string
		var sourceID, meetingID, topicID, roomID, reportID int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.OccurredOn, &e.MeetingKind, &e.Share, &source, &sourceID, &meetingID,
			&meetingTitle, &topicID, &topicTitle, &roomID, &roomTitle, &proposalTitle, &reportID, &reportTitle,
			&electionTitle); err != nil {
			return nil, app.Internal(err, "duty file events")
		}
		k, ok := duty.KindOf(e.Kind, acts)
		if !ok {
			k = duty.Kind{Code: e.Kind, Label: e.Kind, Category: "activity"}
		}
		e.Label, e.Category = k.Label, k.Category
		e.Points = rules.Points(duty.Event{Kind: e.Kind, MeetingKind: e.MeetingKind, Share: e.Share}, standing)
		switch source {
		case SourceVote:
			e.Link = DutyLink{Page: "vote", ID: meetingID, Title: meetingTitle + "表决"}
		case SourceMeeting, SourceSignIn, SourceLeaveRequest:
			e.Link = DutyLink{Page: "meeting", ID: meetingID, Title: meetingTitle}
		case SourceTopicVisit, SourceTopicSpeech:
			e.Link = DutyLink{Page: "topic", ID: topicID, Title: topicTitle}
		case SourceRoomActivity:
			e.Link = DutyLink{Page: "room", ID: roomID, Title: roomTitle}
		case SourceAssistVisit:
			e.Link = DutyLink{Page: "visit", ID: sourceID, Title: "结对帮扶走访"}
		case SourceProposal:
			e.Link = DutyLink{Page: "proposal", ID: sourceID, Title: proposalTitle}
		case SourceReportAdoption:
			e.Link = DutyLink{Page: "report", ID: reportID, Title: reportTitle}
		case SourceElection:
			e.Link = DutyLink{Page: "election", ID: sourceID, Title: electionTitle}
		default:
			e.Link = DutyLink{Page: source, ID: sourceID, Title: k.Label}
		}
		out = append(out, e)
	}
	return out, app.Internal(rows.Err(), "duty file events")
}
