package store

import (
	"context"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/org"
)

// The consultation figures an office reports (DOMAIN.md §8): topics by
// state and tier, the overdue list, outcomes with and without feedback,
// and the days from the consultation to the handling units' feedback.

// StateCount is one state's topics per tier.
type StateCount struct {
	State  string           `json:"state"`
	Label  string           `json:"label"`
	ByTier map[org.Kind]int `json:"by_tier"`
	Total  int              `json:"total"`
}

// OutcomeFeedback is an outcome with its handling units' progress.
type OutcomeFeedback struct {
	OutcomeID  int64  `json:"outcome_id"`
	TopicID    int64  `json:"topic_id"`
	TopicTitle string `json:"topic_title"`
	OrgName    string `json:"org_name"`
	Kind       string `json:"kind"`
	Title      string `json:"title"`
	SentOn     string `json:"sent_on"`
	Units      int    `json:"units"`    // handling units it was sent to
	Replied    int    `json:"replied"`  // of which replied (replied or accepted)
	Accepted   int    `json:"accepted"` // of which accepted
	Overdue    int    `json:"overdue"`  // of which past the deadline without an accepted reply
}

// HasFeedback reports whether every unit the outcome was sent to replied.
func (o OutcomeFeedback) HasFeedback() bool { return o.Units > 0 && o.Replied == o.Units }

// ConsultStats are a subtree's consultation figures for a year.
type ConsultStats struct {
	OrgID        int64             `json:"org_id"`
	OrgName      string            `json:"org_name"`
	Year         int               `json:"year"`
	Topics       int               `json:"topics"`
	States       []StateCount      `json:"states"`
	Tiers        []org.Kind        `json:"tiers"` // the tiers present in the subtree, from the top
	Overdue      []Topic           `json:"overdue"`
	OverdueTotal int               `json:"overdue_total"` // Overdue may hold only the first of them
	Outcomes     []OutcomeFeedback `json:"outcomes"`
	// OutcomesTotal counts the outcomes; Outcomes may hold only the first.
	OutcomesTotal int `json:"outcomes_total"`
	WithFeedback  int `json:"with_feedback"`
	NoFeedback    int `json:"no_feedback"`
	// Days from the step into consultation to the step into feedback,
	// averaged over the topics that took both (tenths of a day), and how
	// many topics that is.
	AvgDaysToFeedbackTenths int `json:"avg_days_to_feedback_tenths"`
	FeedbackSamples         int `json:"feedback_samples"`
}

// FindConsultStats computes the figures for the subtree of orgID (the
// actor's own when 0) and year (every year when 0), with the first list
// overdue topics and outcomes (every one when list is 0; the totals are
// always whole: a province has thousands, which the page does not print).
func (db *DB) FindConsultStats(ctx context.Context, actor app.Actor, orgID int64, year, list int) (ConsultStats, error) {
	return db.consultStats(ctx, actor, orgID, year, list)
}

// consultStats is FindConsultStats; with list < 0 it counts only — the
// topics by state and tier and the outcomes with and without feedback —
// and leaves out the overdue topics, the outcomes' list and the days to
// feedback, which read every topic, outcome and step of the subtree (the
// dashboard counts, it does not list).
func (db *DB) consultStats(ctx context.Context, actor app.Actor, orgID int64, year, list int) (ConsultStats, error) {
	st := ConsultStats{Year: year}
	path := actor.Path
	if orgID == 0 {
		orgID = actor.OrgID
	}
	if orgID != 0 {
		o, err := findOrg(ctx, db.read, actor, orgID)
		if err != nil {
			return st, err
		}
		path, st.OrgID, st.OrgName = o.Path, o.ID, o.Name
	} else {
		st.OrgName = "全平台"
	}
	yearCond, args := "", []any{path}
	if year != 0 {
		yearCond, args = ` AND t.year = $2`, append(args, year)
	}
	// Every topic's state and tier; the overdue ones in full.
	if list >= 0 {
		limit := list
		if limit == 0 {
			limit = 1 << 30
		}
		topics, total, err := db.FindTopics(ctx, actor, TopicFilter{OrgID: orgID, Year: year, Overdue: true, Limit: limit})
		if err != nil {
			return st, err
		}
		st.Overdue, st.OverdueTotal = topics, total
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.state, o.kind, t.committee_id, COUNT(*) FROM topic t
		JOIN org o ON o.id = t.org_id WHERE o.path LIKE $1 || '%'`+yearCond+`
		GROUP BY t.state, o.kind, t.committee_id`, args...)
	if err != nil {
		return st, app.Internal(err, "topic states")
	}
	type cell struct {
		state     string
		kind      org.Kind
		committee int64
		n         int
	}
	var cells []cell
	for rows.Next() {
		var c cell
		if err := rows.Scan(&c.state, &c.kind, &c.committee, &c.n); err != nil {
			rows.Close()
			return st, app.Internal(err, "topic states")
		}
		cells = append(cells, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, app.Internal(err, "topic states")
	}
	// States in the order of the subtree committee's graph (the built-in
	// one for the platform), then any other state found.
	gs := graphs{}
	committee := actor.CommitteeID
	if orgID != 0 {
		var c int64
		if err := db.read.QueryRowContext(ctx, `SELECT committee_id FROM org WHERE id = $1`, orgID).Scan(&c); err == nil {
			committee = c
		}
	}
	order := consult.TopicGraph()
	if committee != 0 {
		if order, err = gs.of(ctx, db.read, committee); err != nil {
			return st, err
		}
	}
	index := map[string]int{}
	for _, s := range order.States {
		index[s.Code] = len(st.States)
		st.States = append(st.States, StateCount{State: s.Code, Label: s.Label, ByTier: map[org.Kind]int{}})
	}
	tiers := map[org.Kind]bool{}
	for _, c := range cells {
		i, ok := index[c.state]
		if !ok {
			g, err := gs.of(ctx, db.read, c.committee)
			if err != nil {
				return st, err
			}
			index[c.state] = len(st.States)
			i = len(st.States)
			st.States = append(st.States, StateCount{State: c.state, Label: g.Label(c.state), ByTier: map[org.Kind]int{}})
		}
		st.States[i].ByTier[c.kind] += c.n
		st.States[i].Total += c.n
		st.Topics += c.n
		tiers[c.kind] = true
	}
	for _, k := range org.Kinds {
		if tiers[k] {
			st.Tiers = append(st.Tiers, k)
		}
	}
	if list < 0 {
		return st, db.countFeedback(ctx, &st, yearCond, args)
	}
	if err := db.outcomeFeedback(ctx, &st, yearCond, args, list); err != nil {
		return st, err
	}
	return st, db.daysToFeedback(ctx, &st, yearCond, args)
}

// countFeedback counts the outcomes with and without feedback
// (OutcomeFeedback.HasFeedback) as outcomeFeedback does, without listing
// them.
func (db *DB) countFeedback(ctx context.Context, st *ConsultStats, yearCond string, args []any) error {
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN units > 0 AND replied = units THEN 1 ELSE 0 END), 0),
		COUNT(*) FROM (SELECT oc.id, COUNT(a.id) AS units,
			COALESCE(SUM(CASE WHEN a.status IN ('replied', 'accepted') THEN 1 ELSE 0 END), 0) AS replied
		FROM topic_outcome oc JOIN topic t ON t.id = oc.topic_id JOIN org o ON o.id = t.org_id
		LEFT JOIN topic_assignment a ON a.outcome_id = oc.id
		WHERE o.path LIKE $1 || '%'`+yearCond+` GROUP BY oc.id) x`, args...).Scan(&st.WithFeedback, &st.OutcomesTotal)
	st.NoFeedback = st.OutcomesTotal - st.WithFeedback
	return app.Internal(err, "count feedback")
}

func (db *DB) outcomeFeedback(ctx context.Context, st *ConsultStats, yearCond string, args []any, list int) error {
	today := db.Today().String()
	rows, err := db.read.QueryContext(ctx, `SELECT oc.id, t.id, t.title, o.name, oc.kind, oc.title, oc.sent_on,
		COUNT(a.id),
		COALESCE(SUM(CASE WHEN a.status IN ('replied', 'accepted') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.status = 'accepted' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.status <> 'accepted' AND a.deadline < '`+today+`' THEN 1 ELSE 0 END), 0)
		FROM topic_outcome oc JOIN topic t ON t.id = oc.topic_id JOIN org o ON o.id = t.org_id
		LEFT JOIN topic_assignment a ON a.outcome_id = oc.id
		WHERE o.path LIKE $1 || '%'`+yearCond+`
		GROUP BY oc.id, t.id, t.title, o.name, oc.kind, oc.title, oc.sent_on
		ORDER BY oc.sent_on DESC, oc.id DESC`, args...)
	if err != nil {
		return app.Internal(err, "outcome feedback")
	}
	defer rows.Close()
	for rows.Next() {
		var f OutcomeFeedback
		if err := rows.Scan(&f.OutcomeID, &f.TopicID, &f.TopicTitle, &f.OrgName, &f.Kind, &f.Title, &f.SentOn,
			&f.Units, &f.Replied, &f.Accepted, &f.Overdue); err != nil {
			return app.Internal(err, "outcome feedback")
		}
		if f.HasFeedback() {
			st.WithFeedback++
		} else {
			st.NoFeedback++
		}
		if st.OutcomesTotal++; list == 0 || len(st.Outcomes) < list {
			st.Outcomes = append(st.Outcomes, f)
		}
	}
	return app.Internal(rows.Err(), "outcome feedback")
}

// daysToFeedback averages, over topics that entered both states, the time
// from first entering consultation to first entering feedback.
func (db *DB) daysToFeedback(ctx context.Context, st *ConsultStats, yearCond string, args []any) error {
	rows, err := db.read.QueryContext(ctx, `SELECT s.topic_id, s.to_state, s.at FROM topic_step s
		JOIN topic t ON t.id = s.topic_id JOIN org o ON o.id = t.org_id
		WHERE o.path LIKE $1 || '%'`+yearCond+` AND s.to_state IN ('`+consult.Consultation+`', '`+consult.Feedback+`')
		ORDER BY s.id`, args...)
	if err != nil {
		return app.Internal(err, "days to feedback")
	}
	defer rows.Close()
	type pair struct{ consulted, fed time.Time }
	pairs := map[int64]*pair{}
	for rows.Next() {
		var id int64
		var state string
		var at time.Time
		if err := rows.Scan(&id, &state, &at); err != nil {
			return app.Internal(err, "days to feedback")
		}
		p := pairs[id]
		if p == nil {
			p = &pair{}
			pairs[id] = p
		}
		switch { // the first time it entered each state
		case state == consult.Consultation && p.consulted.IsZero():
			p.consulted = at
		case state == consult.Feedback && p.fed.IsZero():
			p.fed = at
		}
	}
	if err := rows.Err(); err != nil {
		return app.Internal(err, "days to feedback")
	}
	var seconds int64
	for _, p := range pairs {
		if p.consulted.IsZero() || p.fed.IsZero() || p.fed.Before(p.consulted) {
			continue
		}
		seconds += int64(p.fed.Sub(p.consulted) / time.Second)
		st.FeedbackSamples++
	}
	if n := int64(st.FeedbackSamples); n > 0 {
		const day = 86400
		st.AvgDaysToFeedbackTenths = int((seconds*10 + n*day/2) / (n * day)) // rounded to a tenth of a day
	}
	return nil
}
