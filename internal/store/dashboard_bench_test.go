package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// provinceWorld fills a database of the province generator's size for the
// dashboard: 1 city and 10 counties, 150 townships, 3,000 villages, 6,000
// members (one term each), 3,000 meetings of 2026 with their expected
// members and sign-ins, 20,000 topics, 50,000 proposals, 2,000,000 duty
// events and their tally. Rows are written in bulk; the dashboard reads the
// same tables either way.
func provinceWorld(tb testing.TB, db *store.DB) org.Org {
	tb.Helper()
	ctx := context.Background()
	mk := func(parent int64, k org.Kind, name string) org.Org {
		o, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: parent, Kind: k, Name: name})
		if err != nil {
			tb.Fatal(err)
		}
		return o
	}
	now := db.Now().UTC().Format("2006-01-02 15:04:05")
	bulk := bulkInserter(tb, db, 1000)
	first := func(table string) int64 { return firstID(tb, db, table) }
	city := mk(0, org.City, "基准市政协")
	committees := []org.Org{city}
	var villages []org.Org
	for c := range 10 {
		county := mk(city.ID, org.County, fmt.Sprintf("第%d县政协", c+1))
		committees = append(committees, county)
		for t := range 15 {
			town := mk(county.ID, org.Township, fmt.Sprintf("第%d县第%d镇", c+1, t+1))
			for v := range 20 {
				villages = append(villages, mk(town.ID, org.Village, fmt.Sprintf("第%d县第%d镇第%d村", c+1, t+1, v+1)))
			}
		}
	}
	terms := make([]int64, len(committees))
	for i, c := range committees {
		t, err := db.CreateTerm(ctx, app.System, c.ID, org.TermInput{Number: 13, StartDate: app.MustDate("2022-01-10")})
		if err != nil {
			tb.Fatal(err)
		}
		terms[i] = t.ID
	}
	const members = 6000
	per := members / len(committees) // 545 a committee
	bulk(`INSERT INTO member (committee_id, name, created_at, updated_at) VALUES `, per*len(committees), func(i int) string {
		return fmt.Sprintf("(%d, '委员%d', '%s', '%s')", committees[i/per].ID, i, now, now)
	})
	m0 := first("member")
	bulk(`INSERT INTO term_member (committee_id, term_id, member_id, start_date) VALUES `, per*len(committees), func(i int) string {
		return fmt.Sprintf("(%d, %d, %d, '2022-01-10')", committees[i/per].ID, terms[i/per], m0+int64(i))
	})
	rng := rand.New(rand.NewPCG(3, 5))
	kinds := []string{"standing", "chairs", "bimonthly", "thematic", "symposium", "onsite"}
	const meetings, expectedPer = 3000, 60
	type mtg struct {
		c     int
		start time.Time
	}
	ms := make([]mtg, meetings)
	for i := range ms {
		ms[i] = mtg{c: i % len(committees), start: time.Date(2026, time.Month(1+rng.IntN(11)), 1+rng.IntN(28), 1, 0, 0, 0, time.UTC)}
	}
	bulk(`INSERT INTO meeting (committee_id, term_id, kind, title, starts_at, status, quorum_num, quorum_den, quorum_strict,
		created_at, updated_at) VALUES `, meetings, func(i int) string {
		m := ms[i]
		return fmt.Sprintf("(%d, %d, '%s', '会议%d', '%s', 'closed', 1, 2, TRUE, '%s', '%s')", committees[m.c].ID, terms[m.c],
			kinds[i%len(kinds)], i, m.start.Format("2006-01-02 15:04:05"), now, now)
	})
	mt0 := first("meeting")
	bulk(`INSERT INTO meeting_expected (meeting_id, member_id, committee_id) VALUES `, meetings*expectedPer, func(i int) string {
		m := ms[i/expectedPer]
		return fmt.Sprintf("(%d, %d, %d)", mt0+int64(i/expectedPer), m0+int64(m.c*per+(i%expectedPer)*7%per), committees[m.c].ID)
	})
	bulk(`INSERT INTO sign_in (committee_id, meeting_id, member_id, signed_at, method) VALUES `, meetings*expectedPer*9/10, func(j int) string {
		i := j + j/9 // nine in ten expected sign in
		m := ms[i/expectedPer]
		return fmt.Sprintf("(%d, %d, %d, '%s', 'clerk')", committees[m.c].ID, mt0+int64(i/expectedPer),
			m0+int64(m.c*per+(i%expectedPer)*7%per), m.start.Format("2006-01-02 15:04:05"))
	})
	states := []string{"collected", "selected", "research", "consulted", "outcome", "sent", "feedback", "closed"}
	bulk(`INSERT INTO topic (org_id, committee_id, year, title, source, state, state_since, created_at, updated_at) VALUES `,
		20000, func(i int) string {
			o := villages[i%len(villages)]
			if i%10 == 0 {
				o = committees[i%len(committees)]
			}
			return fmt.Sprintf("(%d, %d, 2026, '议题%d', 'office', '%s', '%s', '%s', '%s')", o.ID, o.CommitteeID, i,
				states[i%len(states)], now, now, now)
		})
	bulk(`INSERT INTO proposal (committee_id, term_id, session, seq, title, author_kind, member_id, state, state_since,
		submitted_on, created_at, updated_at) VALUES `, 50000, func(i int) string {
		c := i % len(committees)
		return fmt.Sprintf("(%d, %d, %d, %d, '提案%d', 'member', %d, 'filed', '%s', '2026-01-%02d', '%s', '%s')", committees[c].ID,
			terms[c], 1+i/len(committees)%5, 1+i/len(committees), i, m0+int64(c*per+i%per), now, 10+i%15, now, now)
	})
	dk := []string{"attended", "proposal_cosigner", "research", "speech", "room_activity", "assist_visit", "voted"}
	bulk(`INSERT INTO duty_event (committee_id, member_id, kind, occurred_on, source, source_id, created_at) VALUES `,
		2000000, func(i int) string {
			m := i % (per * len(committees))
			return fmt.Sprintf("(%d, %d, '%s', '%d-%02d-%02d', 'bench', %d, '%s')", committees[m/per].ID, m0+int64(m),
				dk[i/(per*len(committees))%len(dk)], 2022+i%5, 1+i%12, 1+i%28, i, now)
		})
	if err := db.RebuildDutyTally(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := db.ConsultTestExec(ctx, `ANALYZE`); err != nil {
		tb.Fatal(err)
	}
	return city
}

// The dashboard of a province-sized database: the city's whole subtree for
// 2026, and one county.
func BenchmarkDashboardProvince(b *testing.B) {
	for _, d := range storetest.Backends {
		b.Run(string(d), func(b *testing.B) {
			db := storetest.OpenDialect(b, d)
			start := time.Now()
			city := provinceWorld(b, db)
			b.Logf("filled in %s", time.Since(start).Round(time.Second))
			ctx := context.Background()
			from, to := app.MustDate("2026-01-01"), app.MustDate("2026-12-31")
			b.Run("city", func(b *testing.B) {
				for b.Loop() {
					if d, err := db.FindDashboard(ctx, app.System, city.ID, from, to); err != nil || d.Held == 0 || len(d.DutyScores) == 0 {
						b.Fatalf("%d %d %v", d.Held, len(d.DutyScores), err)
					}
				}
			})
		})
	}
}
