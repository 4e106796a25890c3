package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// smallProvince is the province world shrunk for tests: the same shapes,
// a few hundred rows of each.
var smallProvince = ProvinceCounts{Counties: 2, Townships: 4, Villages: 12, Members: 132, Meetings: 144,
	Elections: 6, Ballots: 28, Topics: 150, Households: 80, Visits: 800, DutyEvents: 10000, Proposals: 150}

// provinceDB is a loaded small province: the store and a plain connection
// to the same database for the checks.
type provinceDB struct {
	db     *store.DB
	raw    *sql.DB
	logins []Login
	out    string
}

func loadSmallProvince(t *testing.T, d store.Dialect, seed uint64) provinceDB {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, d)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetKeys(storetest.Keys)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	driver, rawDSN := "pgx", dsn
	if d == store.SQLite {
		driver, rawDSN = "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, rawDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	var out bytes.Buffer
	logins, err := LoadProvince(ctx, db, &out, ProvinceOptions{Seed: seed, Counts: smallProvince})
	if err != nil {
		t.Fatalf("LoadProvince: %v\n%s", err, out.String())
	}
	return provinceDB{db: db, raw: raw, logins: logins, out: out.String()}
}

func (p provinceDB) int(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := p.raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// lines reads a query's rows as text lines.
func (p provinceDB) lines(t *testing.T, query string, args ...any) []string {
	t.Helper()
	rows, err := p.raw.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestProvince loads the shrunk province world on both databases and checks
// what pages rely on.
func TestProvince(t *testing.T) {
	for _, d := range storetest.Backends {
		t.Run(string(d), func(t *testing.T) {
			p := loadSmallProvince(t, d, 7)
			ctx := context.Background()
			c := smallProvince

			t.Run("counts equal the plan", func(t *testing.T) {
				for _, want := range []struct {
					query string
					n     int
				}{
					{`SELECT COUNT(*) FROM org WHERE kind = 'city'`, 1},
					{`SELECT COUNT(*) FROM org WHERE kind = 'county'`, c.Counties},
					{`SELECT COUNT(*) FROM org WHERE kind = 'township'`, c.Townships},
					{`SELECT COUNT(*) FROM org WHERE kind = 'village'`, c.Villages},
					{`SELECT COUNT(*) FROM member`, c.Members},
					{`SELECT COUNT(*) FROM meeting`, c.Meetings},
					{`SELECT COUNT(*) FROM election`, c.Elections},
					{`SELECT COUNT(*) FROM topic`, c.Topics},
					{`SELECT COUNT(*) FROM household`, c.Households},
					{`SELECT COUNT(*) FROM assist_visit`, c.Visits},
					{`SELECT COUNT(*) FROM duty_event`, c.DutyEvents},
					{`SELECT COUNT(*) FROM proposal`, c.Proposals},
					{`SELECT COUNT(*) FROM term`, 2 * (c.Counties + 1)},
				} {
					if n := p.int(t, want.query); n != want.n {
						t.Errorf("%s: %d, want %d", want.query, n, want.n)
					}
				}
				for _, table := range []string{"sign_in", "leave_request", "vote_ballot", "election_ballot", "topic_step",
					"proposal_assignment", "proposal_reply", "pairing", "assist_aid", "room_activity", "activity", "report",
					"report_adoption", "enterprise", "assist_problem", "household_month", "assist_org_period"} {
					if n := p.int(t, `SELECT COUNT(*) FROM `+table); n == 0 {
						t.Errorf("%s is empty", table)
					}
				}
			})

			t.Run("meetings", func(t *testing.T) {
				if n := p.int(t, `SELECT COUNT(*) FROM sign_in s WHERE NOT EXISTS (SELECT 1 FROM meeting_expected e
					WHERE e.meeting_id = s.meeting_id AND e.member_id = s.member_id)`); n != 0 {
					t.Errorf("%d sign-ins of members not expected", n)
				}
				// Every expected member of a closed meeting has exactly one
				// attendance event; a meeting in preparation has none.
				if n := p.int(t, `SELECT COUNT(*) FROM (SELECT e.meeting_id, e.member_id, COUNT(d.id) AS n
					FROM meeting_expected e LEFT JOIN duty_event d ON d.member_id = e.member_id AND d.meeting_id = e.meeting_id
					AND d.kind IN ('attended', 'excused', 'absent') GROUP BY e.meeting_id, e.member_id) x WHERE n <> 1`); n != 0 {
					t.Errorf("%d expected members without exactly one attendance event", n)
				}
				if n := p.int(t, `SELECT COUNT(*) FROM meeting WHERE status = 'draft' AND EXISTS
					(SELECT 1 FROM meeting_expected e WHERE e.meeting_id = meeting.id)`); n != 0 {
					t.Errorf("%d meetings in preparation with a frozen body", n)
				}
				if n := p.int(t, `SELECT COUNT(*) FROM vote v WHERE v.mode = 'electronic' AND v.for_count + v.against_count +
					v.abstain_count <> (SELECT COUNT(*) FROM vote_ballot b WHERE b.vote_id = v.id)`); n != 0 {
					t.Errorf("%d electronic votes whose figures are not their ballots", n)
				}
			})

			t.Run("elections", func(t *testing.T) {
				if n := p.int(t, `SELECT COUNT(*) FROM election WHERE returned > fig_issued OR returned <> $1`, c.Ballots); n != 0 {
					t.Errorf("%d elections with more ballots returned than issued, or not %d", n, c.Ballots)
				}
				office := actorOf(t, p, "office")
				ids := p.lines(t, `SELECT e.id, e.mode FROM election e JOIN org o ON o.id = e.committee_id ORDER BY e.id`)
				for _, row := range ids {
					var id int64
					var mode string
					fmt.Sscanf(strings.Replace(row, "|", " ", 1), "%d %s", &id, &mode)
					e, err := p.db.FindElectionByID(ctx, app.System, id)
					if err != nil {
						t.Fatal(err)
					}
					if e.Status != election.Confirmed || !e.RulesAdopted || !e.ScrutineersApproved || len(e.Scrutineers) == 0 {
						t.Errorf("election %d: %s, rules %v, scrutineers %v", id, e.Status, e.RulesAdopted, e.ScrutineersApproved)
					}
					signed, err := p.db.FindTally(ctx, app.System, id)
					if err != nil || len(signed) == 0 {
						t.Fatalf("election %d tally: %v", id, err)
					}
					// Counted again from the ballots, as SignTally counts.
					var again []election.Tally
					for _, paper := range election.Papers(e.Offices) {
						po := election.PaperOffices(e.Offices, paper)
						counter := election.NewCounter(e.Rules, po)
						q := `SELECT content FROM election_ballot WHERE election_id = $1 AND paper = $2`
						if mode == "paper" {
							q = `SELECT line FROM election_entry WHERE election_id = $1 AND paper = $2 AND pass = 1`
							if a, b := p.lines(t, q, id, paper), p.lines(t, strings.Replace(q, "pass = 1", "pass = 2", 1), id, paper); len(election.Compare(po, a, b)) > 0 {
								t.Errorf("election %d: the two entry passes differ", id)
							}
						}
						lines := p.lines(t, q, id, paper)
						if len(lines) != e.Returned {
							t.Errorf("election %d paper %d: %d ballots, %d returned", id, paper, len(lines), e.Returned)
						}
						for _, l := range lines {
							b, err := election.ParseLine(po, l)
							if err != nil {
								t.Fatal(err)
							}
							counter.Add(b)
						}
						again = append(again, counter.Tally(paper, e.Figures))
					}
					a, _ := json.Marshal(again)
					b, _ := json.Marshal(signed)
					if !bytes.Equal(a, b) {
						t.Errorf("election %d: tally %s, counted %s", id, b, a)
					}
					if _, err := p.db.FindElections(ctx, office, e.MeetingID); err != nil && !strings.Contains(err.Error(), "未找到") {
						t.Errorf("election %d: the sitting's elections: %v", id, err)
					}
					lines := election.ReportLines(e.MeetingTitle, signed)
					if len(lines) == 0 {
						t.Errorf("election %d: no report", id)
					}
				}
				// The elected hold their roles from the election day.
				if n := p.int(t, `SELECT COUNT(*) FROM election_office o JOIN election e ON e.id = o.election_id
					JOIN election_candidate c ON c.office_id = o.id
					WHERE c.seq <= o.seats AND o.role <> '' AND NOT EXISTS (SELECT 1 FROM member_role r
					WHERE r.member_id = c.member_id AND r.term_id = e.term_id AND r.kind = o.role AND r.start_date = e.effective_date)`); n != 0 {
					t.Errorf("%d elected without the role from the election day", n)
				}
			})

			t.Run("duty tally equals the events", func(t *testing.T) {
				events := p.lines(t, `SELECT d.member_id, CAST(SUBSTR(d.occurred_on, 1, 4) AS INTEGER), d.kind, COALESCE(m.kind, ''),
					d.share, COUNT(*) FROM duty_event d LEFT JOIN meeting m ON m.id = d.meeting_id
					GROUP BY d.member_id, CAST(SUBSTR(d.occurred_on, 1, 4) AS INTEGER), d.kind, COALESCE(m.kind, ''), d.share
					ORDER BY 1, 2, 3, 4, 5`)
				tally := p.lines(t, `SELECT member_id, year, kind, meeting_kind, share, n FROM duty_tally ORDER BY 1, 2, 3, 4, 5`)
				if strings.Join(events, "\n") != strings.Join(tally, "\n") {
					t.Errorf("duty tally (%d rows) differs from the events (%d groups)", len(tally), len(events))
				}
				// Every event names a record that exists.
				for source, table := range map[string]string{"sign_in": "sign_in", "leave_request": "leave_request",
					"vote": "vote", "election": "election", "topic_visit": "topic_visit", "topic_speech": "topic_speech",
					"proposal": "proposal", "room_activity": "room_activity", "assist_visit": "assist_visit",
					"activity": "activity", "report_adoption": "report_adoption", "meeting": "meeting"} {
					if n := p.int(t, `SELECT COUNT(*) FROM duty_event d WHERE d.source = $1 AND NOT EXISTS
						(SELECT 1 FROM `+table+` x WHERE x.id = d.source_id)`, source); n != 0 {
						t.Errorf("%d %s events without their record", n, source)
					}
				}
				if n := p.int(t, `SELECT COUNT(*) FROM duty_event d WHERE d.source = 'assist_visit' AND NOT EXISTS
					(SELECT 1 FROM assist_visit v JOIN cadre c ON c.id = v.cadre_id WHERE v.id = d.source_id AND c.member_id = d.member_id)`); n != 0 {
					t.Errorf("%d visit events not of the visiting member", n)
				}
			})

			t.Run("visits by the paired cadre", func(t *testing.T) {
				if n := p.int(t, `SELECT COUNT(*) FROM assist_visit v WHERE v.household_id IS NOT NULL AND NOT EXISTS
					(SELECT 1 FROM pairing p WHERE p.household_id = v.household_id AND p.cadre_id = v.cadre_id
					AND p.starts_on <= v.visited_on AND (p.ends_on = '' OR p.ends_on > v.visited_on))`); n != 0 {
					t.Errorf("%d visits by a cadre not paired with the household that day", n)
				}
				if n := p.int(t, `SELECT COUNT(*) FROM assist_visit v WHERE v.aid_fen <> COALESCE((SELECT SUM(a.value_fen)
					FROM assist_aid a WHERE a.visit_id = v.id), 0)`); n != 0 {
					t.Errorf("%d visits whose aid total is not their items", n)
				}
				if n := p.int(t, `SELECT COUNT(*) FROM (SELECT household_id FROM pairing WHERE household_id IS NOT NULL
					AND ends_on = '' GROUP BY household_id HAVING COUNT(*) > 1) x`); n != 0 {
					t.Errorf("%d households paired twice at once", n)
				}
				if n := p.int(t, `SELECT COALESCE(SUM(visits), 0) FROM household_month`); n != p.int(t,
					`SELECT COUNT(*) FROM assist_visit WHERE household_id IS NOT NULL`) {
					t.Errorf("household_month counts %d visits", n)
				}
			})

			t.Run("proposals numbered without gaps", func(t *testing.T) {
				if n := p.int(t, `SELECT COUNT(*) FROM (SELECT committee_id, term_id, session FROM proposal WHERE seq > 0
					GROUP BY committee_id, term_id, session HAVING COUNT(*) <> MAX(seq) OR COUNT(DISTINCT seq) <> COUNT(*)) x`); n != 0 {
					t.Errorf("%d sessions numbered with gaps", n)
				}
				if n := p.int(t, `SELECT COUNT(*) FROM proposal WHERE (seq = 0) <> (state IN ('draft', 'cosigning'))`); n != 0 {
					t.Errorf("%d proposals numbered against their state", n)
				}
				if n := p.int(t, `SELECT COUNT(*) FROM proposal p WHERE state IN ('replied', 'rated', 'closed') AND NOT EXISTS
					(SELECT 1 FROM proposal_assignment a JOIN proposal_reply r ON r.assignment_id = a.id
					JOIN proposal_file f ON f.reply_id = r.id WHERE a.proposal_id = p.id AND a.lead AND r.grade <> '')`); n != 0 {
					t.Errorf("%d replied proposals without a graded reply and its document", n)
				}
			})

			t.Run("pages read it", func(t *testing.T) {
				for _, username := range []string{"office", "office-01", "leader", "member", "unit", "cadre-01", "coordinator-01-v"} {
					found := false
					for _, l := range p.logins {
						found = found || l.Username == username
					}
					if !found {
						t.Errorf("no login %s", username)
					}
					if _, _, err := p.db.Login(ctx, username, Password, "127.0.0.1", "test"); err != nil {
						t.Errorf("login %s: %v", username, err)
					}
				}
				office := actorOf(t, p, "office")
				city := office.OrgID
				d, err := p.db.FindDashboard(ctx, office, city, app.MustDate("2025-01-01"), app.MustDate("2025-12-31"))
				if err != nil || d.Held == 0 {
					t.Errorf("dashboard: %d held, %v", d.Held, err)
				}
				var memberID int64
				p.raw.QueryRow(`SELECT member_id FROM duty_event WHERE committee_id = $1 GROUP BY member_id ORDER BY COUNT(*) DESC, member_id LIMIT 1`,
					city).Scan(&memberID)
				f, err := p.db.FindDutyFile(ctx, office, memberID, 2025)
				if err != nil || len(f.Events) == 0 {
					t.Errorf("duty file of %d: %d events, %v", memberID, len(f.Events), err)
				}
				ps, total, err := p.db.FindProposals(ctx, office, store.ProposalFilter{CommitteeID: city, Limit: 50})
				if err != nil || total == 0 || len(ps) == 0 {
					t.Fatalf("proposals: %d, %v", total, err)
				}
				if _, err := p.db.FindProposalWork(ctx, office, ps[0].ID); err != nil {
					t.Errorf("proposal %d: %v", ps[0].ID, err)
				}
				ts, total, err := p.db.FindTopics(ctx, office, store.TopicFilter{Limit: 50})
				if err != nil || total == 0 {
					t.Fatalf("topics: %d, %v", total, err)
				}
				if _, err := p.db.FindTopicWork(ctx, office, ts[0].ID); err != nil {
					t.Errorf("topic %d: %v", ts[0].ID, err)
				}
				county := actorOf(t, p, "office-01")
				hs, total, err := p.db.FindHouseholds(ctx, county, store.HouseholdFilter{Limit: 20})
				if err != nil || total == 0 {
					t.Fatalf("households: %d, %v", total, err)
				}
				if h, err := p.db.FindHouseholdByID(ctx, county, hs[0].ID, ""); err != nil || len(h.Persons) == 0 || h.Cadres == "" {
					t.Errorf("household %d: %d persons, cadres %q, %v", hs[0].ID, len(h.Persons), h.Cadres, err)
				}
				cadre := actorOf(t, p, "cadre-01")
				if mine, n, err := p.db.FindHouseholds(ctx, cadre, store.HouseholdFilter{Limit: 20}); err != nil || n == 0 || len(mine) == 0 {
					t.Errorf("the cadre login's households: %d, %v", n, err)
				}
				ms, total, err := p.db.FindMeetings(ctx, office, store.MeetingFilter{CommitteeID: city, Limit: 50})
				if err != nil || total == 0 {
					t.Fatalf("meetings: %d, %v", total, err)
				}
				if _, err := p.db.ExpectedMembers(ctx, office, ms[0].ID); err != nil {
					t.Errorf("meeting %d: %v", ms[0].ID, err)
				}
				// The search index is whole, and two-character words find realistic titles.
				if diffs, err := p.db.VerifySearch(ctx); err != nil || len(diffs) > 0 {
					t.Errorf("search index: %v %v", diffs, err)
				}
				for _, word := range []string{"养老", "乡村振兴", "5G基站"} {
					res, err := p.db.Search(ctx, office, store.SearchFilter{Query: word})
					hits := 0
					for _, g := range res.Groups {
						hits += len(g.Hits)
					}
					if err != nil || hits == 0 {
						t.Errorf("search %s: %d hits, %v", word, hits, err)
					}
				}
			})

			t.Run("the same seed gives the same data", func(t *testing.T) {
				if testing.Short() || (raceEnabled && d == store.SQLite) {
					t.Skip("loads the world again (not with -short, nor on SQLite with -race)")
				}
				again := loadSmallProvince(t, d, 7)
				if a, b := checksum(t, p), checksum(t, again); a != b {
					t.Errorf("checksums differ: %s, %s", a, b)
				}
				if raceEnabled {
					return
				}
				other := loadSmallProvince(t, d, 8)
				if a, b := checksum(t, p), checksum(t, other); a == b {
					t.Errorf("another seed gave the same data")
				}
			})
		})
	}
}

// checksum digests a few tables of a loaded world.
func checksum(t *testing.T, p provinceDB) string {
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, committee_id, name, gender, birth_date, workplace, id_number_hmac FROM member ORDER BY id`,
		`SELECT id, committee_id, kind, seq, title, starts_at, status FROM meeting ORDER BY id`,
		`SELECT id, member_id, kind, occurred_on, source, source_id, share FROM duty_event ORDER BY id`,
		`SELECT id, household_id, cadre_id, visited_on, aid_fen FROM assist_visit ORDER BY id`,
		`SELECT id, session, seq, title, state, member_id FROM proposal ORDER BY id`,
		`SELECT id, title, state, org_id FROM topic ORDER BY id`,
		`SELECT id, tally_json, ballots_sha256 FROM election ORDER BY id`,
		`SELECT election_id, paper, id, content FROM election_ballot ORDER BY election_id, paper, id`,
	} {
		for _, l := range p.lines(t, q) {
			io.WriteString(h, l+"\n")
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// actorOf is the actor of a demo login.
func actorOf(t *testing.T, p provinceDB, username string) app.Actor {
	t.Helper()
	acc, _, err := p.db.Login(context.Background(), username, Password, "127.0.0.1", "test")
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return acc.Actor("127.0.0.1")
}
