package duty

import (
	"math/rand/v2"
	"testing"
)

// benchEvents is a year's mix of events as the store writes them: meetings
// of every kind (attended, excused, absent), votes, proposals, reports with
// shares, activities.
func benchEvents() []Event {
	meetings := []string{"plenary", "sitting", "standing", "chairs", "consult", "site", ""}
	kinds := []string{"attended", "attended", "attended", "excused", "absent", "voted", "election_voted", "research",
		"speech", "room_activity", "assist_visit", "proposal_lead", "proposal_cosigner", "report_city", "activity_study"}
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]Event, 1000)
	for i := range out {
		e := Event{Kind: kinds[r.IntN(len(kinds))], Share: []int{4, 4, 2, 1}[r.IntN(4)]}
		if k, ok := KindOf(e.Kind, nil); ok && k.Meeting {
			e.MeetingKind = meetings[r.IntN(len(meetings))]
		}
		out[i] = e
	}
	return out
}

// One event's points by the default rules (the store scores each event
// when it is written; the province world has 2,000,000).
func BenchmarkPoints(b *testing.B) {
	rules, events := DefaultRules(2024), benchEvents()
	i := 0
	for b.Loop() {
		rules.Points(events[i%len(events)], i%7 == 0)
		i++
	}
}

// A member's year from the tally: about twenty kinds of event with counts.
func BenchmarkTotal(b *testing.B) {
	rules := DefaultRules(2024)
	seen := map[Event]int{}
	for _, e := range benchEvents()[:300] {
		seen[e]++
	}
	var ts []Tally
	for e, n := range seen {
		ts = append(ts, Tally{Event: e, N: n})
	}
	activities := map[string]string{"study": "学习培训"}
	b.ReportMetric(float64(len(ts)), "tallies")
	for b.Loop() {
		rules.Total(ts, false, activities)
	}
}

// Ranking a sector of 600 and a whole committee of 6,000 members, with ties.
func BenchmarkRank(b *testing.B) {
	for _, n := range []int{600, 6000} {
		r := rand.New(rand.NewPCG(3, 4))
		scores := make(map[int64]Points, n)
		order := make([]int64, n)
		for i := range order {
			id := int64(i + 1)
			order[i] = id
			scores[id] = Points(r.IntN(200) * 50) // 0 to 99.5 points in halves: many ties
		}
		b.Run(map[int]string{600: "600", 6000: "6000"}[n], func(b *testing.B) {
			for b.Loop() {
				Rank(scores, order)
			}
		})
	}
}
