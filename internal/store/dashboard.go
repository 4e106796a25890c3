package store

import (
	"context"
	"fmt"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/org"
)

// The statistics dashboard (统计概览, DOMAIN.md §8): an organisation's
// subtree over a period of days, the figures of every module side by side —
// meetings and attendance, elections, consultation topics and feedback,
// rooms, assistance, proposals and social-conditions reports. Each figure
// is counted by an existing store function where one fits the period
// (FindConsultStats per year, RoomCoverage, FindAssistFigures for a month,
// quarter or year), otherwise by the grouped queries below.
//
// What counts:
//   - a meeting is held in the period when it started in it and was opened
//     (sign-in) — or, for a plenary session, when one of its sittings was;
//     sittings are not counted as meetings of their own, their attendance
//     counts for their session;
//   - attendance: over every opened meeting and sitting, 应到 (the body
//     frozen at opening) and 实到 (of them, signed in), as meeting.Count
//     counts them; the quorum met when meeting.QuorumRule.Met holds;
//   - elections held: signed or confirmed, at a sitting in the period;
//   - topics: of the years the period touches (a topic belongs to a year);
//   - proposals: numbered ones submitted in the period; filed (立案) the
//     ones that went on past review; satisfaction from the proposers'
//     ratings of their handling;
//   - reports adopted: reports with an adoption (at any level) in the period.

// DashMeetingKind is one kind of meeting's figures.
type DashMeetingKind struct {
	Kind      meeting.Kind `json:"kind"`
	Label     string       `json:"label"`
	Held      int          `json:"held"`
	Expected  int          `json:"expected"`   // 应到, summed over its opened meetings and sittings
	Present   int          `json:"present"`    // 实到
	Counted   int          `json:"counted"`    // opened meetings and sittings with a body
	QuorumMet int          `json:"quorum_met"` // of which the quorum held
}

// Attendance is present of expected.
func (k DashMeetingKind) Attendance() assist.Ratio {
	return assist.Ratio{Num: k.Present, Den: k.Expected}
}

// DashTier is one tier's topics.
type DashTier struct {
	Kind   org.Kind `json:"kind"`
	Label  string   `json:"label"`
	Topics int      `json:"topics"`
}

// DashProposals are the proposal figures of the period.
type DashProposals struct {
	Submitted    int `json:"submitted"`
	Filed        int `json:"filed"`
	Satisfied    int `json:"satisfied"`
	Basically    int `json:"basically"`
	Dissatisfied int `json:"dissatisfied"`
}

// Rated is every rating given.
func (p DashProposals) Rated() int { return p.Satisfied + p.Basically + p.Dissatisfied }

// Satisfaction is 满意 and 基本满意 of the ratings.
func (p DashProposals) Satisfaction() assist.Ratio {
	return assist.Ratio{Num: p.Satisfied + p.Basically, Den: p.Rated()}
}

// DutyScoreSlot is the place for the top and bottom duty scores by sector
// (dscore's FindDutyRanking): empty until the lead wires it in.
type DutyScoreSlot struct {
	Sector string `json:"sector"`
	Top    string `json:"top"`
	Bottom string `json:"bottom"`
}

// Dashboard is the statistics of an organisation's subtree over a period.
type Dashboard struct {
	OrgID   int64    `json:"org_id"` // 0: the whole platform
	OrgName string   `json:"org_name"`
	Who     string   `json:"who"` // as the sentences name it (市政协)
	From    app.Date `json:"from"`
	To      app.Date `json:"to"`

	Meetings  []DashMeetingKind `json:"meetings"` // the kinds held, in display order
	Held      int               `json:"held"`
	Expected  int               `json:"expected"`
	Present   int               `json:"present"`
	Counted   int               `json:"counted"`
	QuorumMet int               `json:"quorum_met"`
	Elections int               `json:"elections"`

	Topics       int          `json:"topics"`
	TopicStates  []StateCount `json:"topic_states"`
	TopicTiers   []DashTier   `json:"topic_tiers"`
	Outcomes     int          `json:"outcomes"`
	WithFeedback int          `json:"with_feedback"`

	Rooms      *consult.Coverage  `json:"rooms,omitempty"`       // the organisation's own coverage (a city, county or township)
	RoomsBelow []consult.Coverage `json:"rooms_below,omitempty"` // the tiers just below it

	// Assist are the assistance figures when the period is a month, a
	// quarter or a year (the rollups' periods); nil otherwise.
	Assist *AssistFigures `json:"assist,omitempty"`

	Proposals      DashProposals `json:"proposals"`
	ReportsAdopted int           `json:"reports_adopted"`

	// DutyScores are the highest and lowest duty scores of each sector of
	// the committee in the year the period ends in (for the office and
	// leaders of a committee).
	DutyScores []DutyScoreSlot `json:"duty_scores,omitempty"`
}

// Attendance is present of expected over every opened meeting.
func (d Dashboard) Attendance() assist.Ratio { return assist.Ratio{Num: d.Present, Den: d.Expected} }

// Feedback is the outcomes whose units all replied, of all outcomes.
func (d Dashboard) Feedback() assist.Ratio { return assist.Ratio{Num: d.WithFeedback, Den: d.Outcomes} }

// AssistPeriodOf is the assistance period of from..to when it is a whole
// month, quarter or year; ok false otherwise.
func AssistPeriodOf(from, to app.Date) (AssistPeriod, bool) {
	if from.IsZero() || to.IsZero() || from.D != 1 {
		return AssistPeriod{}, false
	}
	last := app.DateOf(time.Date(to.Y, to.M+1, 0, 0, 0, 0, 0, time.UTC))
	if to != last {
		return AssistPeriod{}, false
	}
	p := AssistPeriod{From: fmt.Sprintf("%04d-%02d", from.Y, from.M), To: fmt.Sprintf("%04d-%02d", to.Y, to.M)}
	if _, err := p.periodKey(); err != nil {
		return AssistPeriod{}, false
	}
	return p, true
}

// FindDashboard computes the dashboard of orgID's subtree (the actor's
// own organisation when 0) from from to to, both days included.
func (db *DB) FindDashboard(ctx context.Context, actor app.Actor, orgID int64, from, to app.Date) (Dashboard, error) {
	d := Dashboard{From: from, To: to}
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return d, app.Errorf(app.EINVALID, "统计期间应有起止日期，且截止日期不早于开始日期")
	}
	if to.Y-from.Y > 10 {
		return d, app.Errorf(app.EINVALID, "统计期间不能超过十年")
	}
	path := actor.Path
	if orgID == 0 {
		orgID = actor.OrgID
	}
	if orgID != 0 {
		o, err := findOrg(ctx, db.read, actor, orgID)
		if err != nil {
			return d, err
		}
		path, d.OrgID, d.OrgName, d.Who = o.Path, o.ID, o.Name, o.WrittenName()
	} else {
		d.OrgName, d.Who = "全平台", "全平台"
	}
	if err := db.dashMeetings(ctx, &d, path); err != nil {
		return d, err
	}
	if err := db.dashTopics(ctx, actor, &d); err != nil {
		return d, err
	}
	if err := db.dashRooms(ctx, actor, &d, path); err != nil {
		return d, err
	}
	if p, ok := AssistPeriodOf(from, to); ok {
		f, err := db.FindAssistFigures(ctx, actor, d.OrgID, p, d.Who)
		if err != nil {
			return d, err
		}
		d.Assist = &f
	}
	if err := db.dashProposals(ctx, &d, path); err != nil {
		return d, err
	}
	return d, db.dashDuty(ctx, actor, &d)
}

// dashDuty fills the highest and lowest duty scores of each sector of the
// committee the organisation is (the year the period ends in), for those
// who read rankings; townships and villages have no members of their own.
func (db *DB) dashDuty(ctx context.Context, actor app.Actor, d *Dashboard) error {
	if d.OrgID == 0 || !canReadDuty(actor) {
		return nil
	}
	o, err := findOrg(ctx, db.read, actor, d.OrgID)
	if err != nil || !o.IsCommittee() {
		return err
	}
	r, err := db.FindDutyRanking(ctx, actor, o.ID, d.To.Y, 0)
	if err != nil {
		return err
	}
	type span struct{ top, bottom *DutyScore }
	var order []string
	by := map[string]*span{}
	for i := range r.Rows {
		row := &r.Rows[i]
		sp, ok := by[row.Sector]
		if !ok {
			sp = &span{top: row, bottom: row}
			by[row.Sector] = sp
			order = append(order, row.Sector)
		}
		if row.Total > sp.top.Total {
			sp.top = row
		}
		if row.Total < sp.bottom.Total {
			sp.bottom = row
		}
	}
	for _, name := range order {
		sp := by[name]
		d.DutyScores = append(d.DutyScores, DutyScoreSlot{Sector: name,
			Top: sp.top.Name + " " + sp.top.Total.String() + "分", Bottom: sp.bottom.Name + " " + sp.bottom.Total.String() + "分"})
	}
	return nil
}

func (db *DB) dashMeetings(ctx context.Context, d *Dashboard, path string) error {
	start, end := d.From.Time(db.Loc).UTC(), d.To.Time(db.Loc).AddDate(0, 0, 1).UTC()
	// Every meeting and sitting of the subtree that started in the period,
	// with its body and how many of it signed in (only expected members can
	// sign in, store/meeting_attendance.go); a sitting as its session's kind.
	rows, err := db.read.QueryContext(ctx, `SELECT mt.id, COALESCE(p.id, 0), COALESCE(p.kind, mt.kind), mt.status,
		mt.quorum_num, mt.quorum_den, mt.quorum_strict,
		(SELECT COUNT(*) FROM meeting_expected e WHERE e.meeting_id = mt.id),
		(SELECT COUNT(*) FROM sign_in si WHERE si.meeting_id = mt.id)
		FROM meeting mt JOIN org o ON o.id = mt.committee_id LEFT JOIN meeting p ON p.id = mt.parent_id
		WHERE o.path LIKE $1 || '%' AND mt.starts_at >= $2 AND mt.starts_at < $3
		ORDER BY mt.id`, path, start, end)
	if err != nil {
		return app.Internal(err, "dashboard meetings")
	}
	defer rows.Close()
	byKind := map[meeting.Kind]*DashMeetingKind{}
	held := map[int64]bool{} // meetings (sessions for sittings) held
	kindOf := map[int64]meeting.Kind{}
	for rows.Next() {
		var id, parent int64
		var kind meeting.Kind
		var status meeting.Status
		var rule meeting.QuorumRule
		var expected, present int
		if err := rows.Scan(&id, &parent, &kind, &status, &rule.Num, &rule.Den, &rule.Strict, &expected, &present); err != nil {
			return app.Internal(err, "scan dashboard meetings")
		}
		k := byKind[kind]
		if k == nil {
			k = &DashMeetingKind{Kind: kind, Label: kind.Label()}
			byKind[kind] = k
		}
		opened := status == meeting.Open || status == meeting.Closed
		if parent == 0 {
			kindOf[id] = kind
		}
		if !opened {
			continue
		}
		if parent != 0 {
			held[parent] = true
		} else {
			held[id] = true
		}
		if expected > 0 {
			k.Expected += expected
			k.Present += present
			k.Counted++
			if rule.Met(expected, present) {
				k.QuorumMet++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return app.Internal(err, "dashboard meetings")
	}
	for id := range held {
		if k, ok := kindOf[id]; ok { // a session held in the period (not one begun before it)
			byKind[k].Held++
		}
	}
	for _, kind := range meeting.Kinds {
		k := byKind[kind]
		if k == nil || (k.Held == 0 && k.Counted == 0) {
			continue
		}
		d.Meetings = append(d.Meetings, *k)
		d.Held += k.Held
		d.Expected += k.Expected
		d.Present += k.Present
		d.Counted += k.Counted
		d.QuorumMet += k.QuorumMet
	}
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM election el JOIN meeting mt ON mt.id = el.meeting_id
		JOIN org o ON o.id = el.committee_id
		WHERE o.path LIKE $1 || '%' AND el.status IN ('signed', 'confirmed') AND mt.starts_at >= $2 AND mt.starts_at < $3`,
		path, start, end).Scan(&d.Elections)
	return app.Internal(err, "dashboard elections")
}

// dashTopics adds up the consultation figures of each year the period
// touches.
func (db *DB) dashTopics(ctx context.Context, actor app.Actor, d *Dashboard) error {
	index := map[string]int{}
	tiers := map[org.Kind]int{}
	for year := d.From.Y; year <= d.To.Y; year++ {
		st, err := db.consultStats(ctx, actor, d.OrgID, year, -1)
		if err != nil {
			return err
		}
		d.Topics += st.Topics
		d.Outcomes += st.WithFeedback + st.NoFeedback
		d.WithFeedback += st.WithFeedback
		for _, s := range st.States {
			i, ok := index[s.State]
			if !ok {
				i = len(d.TopicStates)
				index[s.State] = i
				d.TopicStates = append(d.TopicStates, StateCount{State: s.State, Label: s.Label, ByTier: map[org.Kind]int{}})
			}
			d.TopicStates[i].Total += s.Total
			for k, n := range s.ByTier {
				d.TopicStates[i].ByTier[k] += n
				tiers[k] += n
			}
		}
	}
	for _, k := range org.Kinds {
		if n, ok := tiers[k]; ok {
			d.TopicTiers = append(d.TopicTiers, DashTier{Kind: k, Label: k.Label(), Topics: n})
		}
	}
	return nil
}

// dashRooms picks the organisation's coverage and its children's from
// the coverage of its subtree (path): RoomCoverage's figures for them, with
// only what the coverage needs read of the subtree's organisations (a
// province's city has 3,161) and the rows shown read in full.
func (db *DB) dashRooms(ctx context.Context, actor app.Actor, d *Dashboard, path string) error {
	rows, err := db.read.QueryContext(ctx, `SELECT o.id, COALESCE(o.parent_id, 0), o.kind, o.name FROM org o
		WHERE o.path LIKE $1 || '%' AND o.archived = FALSE ORDER BY o.depth, o.sort, o.id`, path)
	if err != nil {
		return app.Internal(err, "dashboard rooms")
	}
	var orgs []org.Org
	for rows.Next() {
		var o org.Org
		if err := rows.Scan(&o.ID, &o.ParentID, &o.Kind, &o.Name); err != nil {
			rows.Close()
			return app.Internal(err, "dashboard rooms")
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return app.Internal(err, "dashboard rooms")
	}
	rooms, err := db.activeRooms(ctx, actor.Path)
	if err != nil {
		return err
	}
	cov := consult.ComputeCoverage(orgs, rooms)
	var shown []int64
	for i, c := range cov {
		switch {
		case d.OrgID != 0 && c.Org.ID == d.OrgID:
			d.Rooms = &cov[i]
			shown = append(shown, c.Org.ID)
		case d.OrgID != 0 && c.Org.ParentID == d.OrgID, d.OrgID == 0 && c.Org.ParentID == 0:
			d.RoomsBelow = append(d.RoomsBelow, c)
			shown = append(shown, c.Org.ID)
		}
	}
	if len(shown) == 0 {
		return nil
	}
	full := map[int64]org.Org{}
	rows, err = db.read.QueryContext(ctx, `SELECT `+orgColumns+` FROM org o WHERE o.id IN (`+idList(shown)+`)`)
	if err != nil {
		return app.Internal(err, "dashboard rooms")
	}
	defer rows.Close()
	for rows.Next() {
		var o org.Org
		if err := scanOrg(rows, &o); err != nil {
			return app.Internal(err, "dashboard rooms")
		}
		full[o.ID] = o
	}
	if d.Rooms != nil {
		d.Rooms.Org = full[d.Rooms.Org.ID]
	}
	for i := range d.RoomsBelow {
		d.RoomsBelow[i].Org = full[d.RoomsBelow[i].Org.ID]
	}
	return app.Internal(rows.Err(), "dashboard rooms")
}

// dashProposals counts the proposals submitted in the period, those filed
// and their ratings, and the social-conditions reports adopted.
func (db *DB) dashProposals(ctx context.Context, d *Dashboard, path string) error {
	from, to := d.From.String(), d.To.String()
	p := &d.Proposals
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN pr.state NOT IN ('submitted', 'not_filed', 'merged') THEN 1 ELSE 0 END), 0)
		FROM proposal pr JOIN org o ON o.id = pr.committee_id
		WHERE o.path LIKE $1 || '%' AND pr.seq > 0 AND pr.submitted_on BETWEEN $2 AND $3`, path, from, to).
		Scan(&p.Submitted, &p.Filed)
	if err != nil {
		return app.Internal(err, "dashboard proposals")
	}
	err = db.read.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN a.satisfaction = 'satisfied' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.satisfaction = 'basically' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.satisfaction = 'dissatisfied' THEN 1 ELSE 0 END), 0)
		FROM proposal_assignment a JOIN proposal pr ON pr.id = a.proposal_id JOIN org o ON o.id = pr.committee_id
		WHERE o.path LIKE $1 || '%' AND pr.seq > 0 AND pr.submitted_on BETWEEN $2 AND $3 AND a.withdrawn = FALSE`,
		path, from, to).Scan(&p.Satisfied, &p.Basically, &p.Dissatisfied)
	if err != nil {
		return app.Internal(err, "dashboard ratings")
	}
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT r.id) FROM report r JOIN org o ON o.id = r.org_id
		JOIN report_adoption ad ON ad.report_id = r.id
		WHERE o.path LIKE $1 || '%' AND ad.adopted_on BETWEEN $2 AND $3`, path, from, to).Scan(&d.ReportsAdopted)
	return app.Internal(err, "dashboard reports")
}
