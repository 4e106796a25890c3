package store_test

import (
	"context"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// The figures come from the rows: topics per state and tier, overdue
// topics, outcomes with and without feedback, days from consultation to
// feedback.
func TestConsultStats(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := fixedClock(db)
		tr := buildTree(t, db)
		office := actorAt(tr.countyA)
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.ConsultTestExec(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		// Two county topics run to feedback: consulted on day 0, feedback
		// after 10 and 21 days → 15.5 days on average.
		var ids []int64
		for i, days := range []int{10, 21} {
			tp := mustTopic(t, db, office, consult.TopicInput{OrgID: tr.countyA.ID, Year: 2026, Title: "议题" + app.Itoa(int64(i)),
				Source: consult.FromOffice})
			ids = append(ids, tp.ID)
			advance(t, db, office, tp.ID, consult.Selected, "")
			exec(`INSERT INTO topic_participant (topic_id, kind, name, created_at) VALUES ($1, 'expert', '专家', $2)`, tp.ID, *now)
			advance(t, db, office, tp.ID, consult.Participants, "")
			exec(`INSERT INTO topic_visit (topic_id, committee_id, kind, starts_on, ends_on, created_at, updated_at)
				VALUES ($1, $2, 'research', '2026-03-01', '2026-03-01', $3, $3)`, tp.ID, tr.countyA.ID, *now)
			advance(t, db, office, tp.ID, consult.Research, "")
			m := mkMeetingFor(t, db, tr.countyA)
			if err := db.LinkTopicMeeting(ctx, office, tp.ID, m); err != nil {
				t.Fatal(err)
			}
			start := *now
			advance(t, db, office, tp.ID, consult.Consultation, "")
			exec(`INSERT INTO topic_outcome (topic_id, kind, title, sent_on, created_at, updated_at)
				VALUES ($1, 'recommendation', '建议案', '2026-03-05', $2, $2)`, tp.ID, *now)
			advance(t, db, office, tp.ID, consult.Outcome, "")
			exec(`INSERT INTO handling_unit (committee_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)`,
				tr.countyA.ID, "住建局"+app.Itoa(int64(i)), *now)
			exec(`INSERT INTO topic_assignment (topic_id, outcome_id, unit_id, deadline, status, sent_at)
				SELECT $1, oc.id, u.id, '2026-04-01', 'replied', $2 FROM topic_outcome oc, handling_unit u
				WHERE oc.topic_id = $1 AND u.name = $3`, tp.ID, *now, "住建局"+app.Itoa(int64(i)))
			advance(t, db, office, tp.ID, consult.Sent, "")
			*now = start.Add(time.Duration(days) * 24 * time.Hour)
			advance(t, db, office, tp.ID, consult.Feedback, "")
		}
		// An outcome sent nowhere yet, on a township topic.
		town := mustTopic(t, db, actorAt(tr.town), consult.TopicInput{OrgID: tr.town.ID, Year: 2026, Title: "镇议题",
			Source: consult.FromRoom})
		exec(`INSERT INTO topic_outcome (topic_id, kind, title, created_at, updated_at) VALUES ($1, 'opinions', '协商意见', $2, $2)`, town.ID, *now)
		// A village topic left collected for 61 days is overdue; another year is not counted.
		vil := mustTopic(t, db, actorAt(tr.village), consult.TopicInput{OrgID: tr.village.ID, Year: 2026, Title: "村议题",
			Source: consult.FromRoom})
		mustTopic(t, db, actorAt(tr.village), consult.TopicInput{OrgID: tr.village.ID, Year: 2025, Title: "去年的议题",
			Source: consult.FromRoom})
		*now = now.Add(61 * 24 * time.Hour)

		st, err := db.FindConsultStats(ctx, office, 0, 2026, 0)
		if err != nil {
			t.Fatal(err)
		}
		if st.Topics != 4 || st.OrgName != "东阿县政协" {
			t.Fatalf("topics %d in %s", st.Topics, st.OrgName)
		}
		byState := map[string]store.StateCount{}
		for _, s := range st.States {
			byState[s.State] = s
		}
		if f := byState[consult.Feedback]; f.Total != 2 || f.ByTier[org.County] != 2 {
			t.Errorf("feedback: %+v", f)
		}
		if c := byState[consult.Collected]; c.Total != 2 || c.ByTier[org.Township] != 1 || c.ByTier[org.Village] != 1 {
			t.Errorf("collected: %+v", c)
		}
		if len(st.Tiers) != 3 || st.Tiers[0] != org.County {
			t.Errorf("tiers %v", st.Tiers)
		}
		overdue := map[int64]bool{}
		for _, o := range st.Overdue {
			overdue[o.ID] = true
		}
		// The two in feedback for 40 days are past its 30-day limit too.
		if !overdue[vil.ID] || !overdue[town.ID] || !overdue[ids[0]] || len(st.Overdue) != 4 {
			t.Errorf("overdue: %v", overdue)
		}
		if len(st.Outcomes) != 3 || st.WithFeedback != 2 || st.NoFeedback != 1 {
			t.Errorf("outcomes %d, with %d, without %d", len(st.Outcomes), st.WithFeedback, st.NoFeedback)
		}
		if st.FeedbackSamples != 2 || st.AvgDaysToFeedbackTenths != 155 {
			t.Errorf("days to feedback: %d tenths over %d", st.AvgDaysToFeedbackTenths, st.FeedbackSamples)
		}
		if st.OverdueTotal != 4 || st.OutcomesTotal != 3 {
			t.Errorf("totals: %d overdue, %d outcomes", st.OverdueTotal, st.OutcomesTotal)
		}
		// The page's view: the first two of each, the totals and figures whole.
		short, err := db.FindConsultStats(ctx, office, 0, 2026, 2)
		if err != nil || len(short.Overdue) != 2 || short.OverdueTotal != 4 || len(short.Outcomes) != 2 ||
			short.OutcomesTotal != 3 || short.WithFeedback != 2 || short.NoFeedback != 1 ||
			short.Outcomes[0].OutcomeID != st.Outcomes[0].OutcomeID {
			t.Errorf("short: %d/%d overdue, %d/%d outcomes, feedback %d/%d (%v)", len(short.Overdue), short.OverdueTotal,
				len(short.Outcomes), short.OutcomesTotal, short.WithFeedback, short.NoFeedback, err)
		}
		// The dashboard counts the same topics and outcomes without listing them.
		d, err := db.FindDashboard(ctx, office, 0, app.MustDate("2026-01-01"), app.MustDate("2026-12-31"))
		if err != nil || d.Topics != 4 || d.Outcomes != 3 || d.WithFeedback != 2 {
			t.Errorf("the dashboard's topics %d, outcomes %d, with feedback %d: %v", d.Topics, d.Outcomes, d.WithFeedback, err)
		}
		// The township's own view has its topic and its village's.
		ts, err := db.FindConsultStats(ctx, actorAt(tr.town), 0, 2026, 0)
		if err != nil || ts.Topics != 2 || len(ts.Outcomes) != 1 {
			t.Errorf("township stats: %d topics %d outcomes %v", ts.Topics, len(ts.Outcomes), err)
		}
	})
}

// mkMeetingFor creates a standing-committee meeting of a committee,
// with a term if it has none.
func mkMeetingFor(t *testing.T, db *store.DB, c org.Org) int64 {
	t.Helper()
	ctx := context.Background()
	terms, err := db.FindTerms(ctx, app.System, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var term org.Term
	if len(terms) > 0 {
		term = terms[0]
	} else if term, err = db.CreateTerm(ctx, app.System, c.ID, org.TermInput{Number: 10, StartDate: app.MustDate("2021-01-10")}); err != nil {
		t.Fatal(err)
	}
	start := db.Now().Add(24 * time.Hour)
	m := mustMeeting(t, db, actorAt(c), c.ID, meeting.Input{TermID: term.ID, Kind: meeting.Standing,
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "会议室"})
	return m.ID
}
