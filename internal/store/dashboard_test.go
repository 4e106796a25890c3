package store_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"xieshang/internal/duty"

	"xieshang/internal/app"
	"xieshang/internal/demo"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// demoOrgs loads the demo world and returns the city committee and a
// county committee.
func demoOrgs(t *testing.T, db *store.DB) (city, county org.Org) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, io.Discard); err != nil {
		t.Fatal(err)
	}
	orgs, err := db.FindOrgs(ctx, app.System, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		switch {
		case o.ParentID == 0 && city.ID == 0:
			city = o
		case o.Kind == org.County && county.ID == 0 && o.IsCommittee():
			county = o
		}
	}
	if city.ID == 0 || county.ID == 0 {
		t.Fatalf("demo orgs: city %v county %v", city, county)
	}
	return city, county
}

// TestDashboardDemo checks the dashboard of the demo city against counts
// written here in SQL of their own, for whole years and a custom period.
func TestDashboardDemo(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		city, county := demoOrgs(t, db)
		count := func(q string, args ...any) int {
			t.Helper()
			n, err := db.CountTestRows(ctx, q, args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
			return n
		}
		for _, p := range []struct{ from, to string }{
			{"2025-01-01", "2025-12-31"}, {"2026-01-01", "2026-12-31"}, {"2025-01-10", "2026-06-30"},
		} {
			from, to := app.MustDate(p.from), app.MustDate(p.to)
			d, err := db.FindDashboard(ctx, app.System, city.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			start, end := from.Time(db.Loc).UTC(), to.Time(db.Loc).AddDate(0, 0, 1).UTC()
			sub := `(SELECT id FROM org WHERE path LIKE '` + city.Path + `%')`
			held := count(`SELECT COUNT(*) FROM meeting s WHERE s.parent_id IS NULL AND s.committee_id IN `+sub+`
				AND s.starts_at >= $1 AND s.starts_at < $2 AND EXISTS (SELECT 1 FROM meeting x
				WHERE (x.id = s.id OR x.parent_id = s.id) AND x.status IN ('open', 'closed'))`, start, end)
			expected := count(`SELECT COUNT(*) FROM meeting_expected e JOIN meeting m ON m.id = e.meeting_id
				WHERE m.committee_id IN `+sub+` AND m.starts_at >= $1 AND m.starts_at < $2`, start, end)
			present := count(`SELECT COUNT(*) FROM sign_in si JOIN meeting_expected e ON e.meeting_id = si.meeting_id
				AND e.member_id = si.member_id JOIN meeting m ON m.id = si.meeting_id
				WHERE m.committee_id IN `+sub+` AND m.starts_at >= $1 AND m.starts_at < $2`, start, end)
			elections := count(`SELECT COUNT(*) FROM election el JOIN meeting m ON m.id = el.meeting_id
				WHERE el.status IN ('signed', 'confirmed') AND m.starts_at >= $1 AND m.starts_at < $2`, start, end)
			topics := count(`SELECT COUNT(*) FROM topic WHERE year BETWEEN $1 AND $2`, from.Y, to.Y)
			outcomes := count(`SELECT COUNT(*) FROM topic_outcome oc JOIN topic t ON t.id = oc.topic_id
				WHERE t.year BETWEEN $1 AND $2`, from.Y, to.Y)
			submitted := count(`SELECT COUNT(*) FROM proposal WHERE seq > 0 AND submitted_on >= $1 AND submitted_on <= $2`, p.from, p.to)
			filed := count(`SELECT COUNT(*) FROM proposal WHERE seq > 0 AND submitted_on >= $1 AND submitted_on <= $2
				AND state IN ('filed', 'assigned', 'accepted', 'return_asked', 'replied', 'reply_returned', 'rated', 'closed')`, p.from, p.to)
			rated := count(`SELECT COUNT(*) FROM proposal_assignment a JOIN proposal pr ON pr.id = a.proposal_id
				WHERE pr.seq > 0 AND pr.submitted_on >= $1 AND pr.submitted_on <= $2 AND a.satisfaction <> '' AND NOT a.withdrawn`, p.from, p.to)
			adopted := count(`SELECT COUNT(*) FROM report r WHERE EXISTS (SELECT 1 FROM report_adoption ad
				WHERE ad.report_id = r.id AND ad.adopted_on >= $1 AND ad.adopted_on <= $2)`, p.from, p.to)
			for _, c := range []struct {
				name      string
				got, want int
			}{
				{"held", d.Held, held}, {"expected", d.Expected, expected}, {"present", d.Present, present},
				{"elections", d.Elections, elections}, {"topics", d.Topics, topics}, {"outcomes", d.Outcomes, outcomes},
				{"submitted", d.Proposals.Submitted, submitted}, {"filed", d.Proposals.Filed, filed},
				{"rated", d.Proposals.Rated(), rated}, {"adopted", d.ReportsAdopted, adopted},
			} {
				if c.got != c.want {
					t.Errorf("%s..%s %s: dashboard %d, SQL %d", p.from, p.to, c.name, c.got, c.want)
				}
			}
			kinds := 0
			for _, k := range d.Meetings {
				kinds += k.Held
			}
			if kinds != d.Held {
				t.Errorf("meetings by kind add up to %d, not %d", kinds, d.Held)
			}
			if (d.Assist != nil) != (p.from[5:] == "01-01" && p.to[5:] == "12-31") {
				t.Errorf("%s..%s: assist figures %v", p.from, p.to, d.Assist)
			}
			if p.from == "2025-01-01" && (d.Held == 0 || d.Expected == 0 || d.Present == 0) {
				t.Errorf("the demo's 2025 meetings are missing: %+v", d.Meetings)
			}
			if p.from == "2026-01-01" && (d.Topics == 0 || d.Proposals.Submitted == 0 || d.ReportsAdopted == 0) {
				t.Errorf("the demo's 2026 figures are missing: %d topics, %+v, %d reports", d.Topics, d.Proposals, d.ReportsAdopted)
			}
		}
		if d, err := db.FindDashboard(ctx, app.System, city.ID, app.MustDate("2026-01-01"), app.MustDate("2026-12-31")); err != nil || d.Rooms == nil {
			t.Errorf("the city's room coverage: %v %v", d.Rooms, err)
		}
		// The highest and lowest duty scores of each sector in 2025 agree with the
		// ranking: one line per sector, each the sector's extremes.
		d25, err := db.FindDashboard(ctx, app.System, city.ID, app.MustDate("2025-01-01"), app.MustDate("2025-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		rank, err := db.FindDutyRanking(ctx, app.System, city.ID, 2025, 0)
		if err != nil {
			t.Fatal(err)
		}
		hi, lo := map[string]duty.Points{}, map[string]duty.Points{}
		for _, r := range rank.Rows {
			if v, ok := hi[r.Sector]; !ok || r.Total > v {
				hi[r.Sector] = r.Total
			}
			if v, ok := lo[r.Sector]; !ok || r.Total < v {
				lo[r.Sector] = r.Total
			}
		}
		if len(d25.DutyScores) != len(hi) || len(hi) == 0 {
			t.Fatalf("duty scores by sector: %d lines for %d sectors", len(d25.DutyScores), len(hi))
		}
		for _, ds := range d25.DutyScores {
			if !strings.HasSuffix(ds.Top, " "+hi[ds.Sector].String()+"分") || !strings.HasSuffix(ds.Bottom, " "+lo[ds.Sector].String()+"分") {
				t.Errorf("%s: top %s bottom %s, want %s and %s", ds.Sector, ds.Top, ds.Bottom, hi[ds.Sector], lo[ds.Sector])
			}
		}

		// A county's office sees its own county, not the city.
		countyActor := app.Actor{Name: "县办公室", Role: "office", OrgID: county.ID, Path: county.Path, CommitteeID: county.ID}
		if _, err := db.FindDashboard(ctx, countyActor, city.ID, app.MustDate("2026-01-01"), app.MustDate("2026-12-31")); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("another committee's org: %v", err)
		}
		d, err := db.FindDashboard(ctx, countyActor, 0, app.MustDate("2026-01-01"), app.MustDate("2026-12-31"))
		if err != nil || d.OrgID != county.ID {
			t.Errorf("the county's own dashboard: %v %v", d.OrgID, err)
		}
		if _, err := db.FindDashboard(ctx, app.System, city.ID, app.MustDate("2026-02-01"), app.MustDate("2026-01-01")); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("a period ending before it starts: %v", err)
		}
	})
}

func TestAssistPeriodOf(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     string
	}{
		{"2026-01-01", "2026-12-31", "2026-01..2026-12"},
		{"2026-04-01", "2026-06-30", "2026-04..2026-06"},
		{"2026-02-01", "2026-02-28", "2026-02..2026-02"},
		{"2026-02-01", "2026-03-31", ""},
		{"2026-01-02", "2026-12-31", ""},
		{"2026-01-01", "2026-12-30", ""},
	} {
		p, ok := store.AssistPeriodOf(app.MustDate(c.from), app.MustDate(c.to))
		got := ""
		if ok {
			got = p.From + ".." + p.To
		}
		if got != c.want {
			t.Errorf("%s..%s: %q, want %q", c.from, c.to, got, c.want)
		}
	}
}
