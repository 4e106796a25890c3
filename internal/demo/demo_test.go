package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// TestLoad loads the demo world into a fresh database of each kind and checks
// what the database then holds and that every printed login works.
func TestLoad(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var out bytes.Buffer
		logins, err := Load(ctx, db, &out)
		if err != nil {
			t.Fatalf("Load: %v\n%s", err, out.String())
		}
		// Everything the demo wrote through the store is in the search index
		// exactly as a rebuild would make it: no change path forgets it.
		if diff, err := db.VerifySearch(ctx); err != nil || len(diff) > 0 {
			t.Errorf("search index after the demo load: %v %q", err, diff)
		}
		if res, err := db.Search(ctx, app.System, store.SearchFilter{Query: "协商"}); err != nil || len(res.Groups) == 0 {
			t.Errorf("searching the demo for 协商: %+v %v", res.Groups, err)
		}
		w := plan(Options{})
		wantVillages := 0
		for _, c := range w.Counties {
			for _, tp := range c.Townships {
				wantVillages += len(tp.Villages)
			}
		}
		ov, err := db.FindOverview(ctx, app.System)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Committees != 4 || ov.Townships != 16 || ov.Villages != wantVillages {
			t.Errorf("overview = %d committees, %d townships, %d villages; want 4, 16, %d",
				ov.Committees, ov.Townships, ov.Villages, wantVillages)
		}
		if wantVillages < 16*5 || wantVillages > 16*10 {
			t.Errorf("villages = %d, want 5–10 per township", wantVillages)
		}

		committees, err := db.FindCommittees(ctx, app.System)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]org.Org{}
		for _, c := range committees {
			byName[c.Name] = c
		}
		count := func(f store.MemberFilter) int {
			t.Helper()
			f.Limit = 1
			_, total, err := db.FindMembers(ctx, app.System, f)
			if err != nil {
				t.Fatal(err)
			}
			return total
		}
		for name, want := range map[string]int{"明湖市政协": 400, "东岭县政协": 100, "西河县政协": 100, "南湖区政协": 100} {
			c, ok := byName[name]
			if !ok {
				t.Fatalf("committee %s missing; have %v", name, committees)
			}
			if got := count(store.MemberFilter{CommitteeID: c.ID}); got != want {
				t.Errorf("%s: %d members, want %d", name, got, want)
			}
			sectors, err := db.FindSectors(ctx, app.System, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(sectors) != len(org.DefaultSectors) {
				t.Errorf("%s: %d sectors, want the %d defaults", name, len(sectors), len(org.DefaultSectors))
			}
		}

		city := byName["明湖市政协"]
		terms, err := db.FindTerms(ctx, app.System, city.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(terms) != 2 {
			t.Fatalf("city terms = %v, want 12 and 13", terms)
		}
		cur, err := db.CurrentTerm(ctx, app.System, city.ID, db.Today())
		if err != nil || cur.Number != 13 {
			t.Fatalf("current term = %v, %v; want 13", cur, err)
		}
		// Roles in the current term, today and on days around the by-election.
		roleCount := func(k member.RoleKind, day string) int {
			f := store.MemberFilter{CommitteeID: city.ID, TermID: cur.ID, Role: k}
			if day != "" {
				f.Day = app.MustDate(day)
			}
			return count(f)
		}
		for _, c := range []struct {
			kind member.RoleKind
			day  string
			want int
		}{
			{member.Chair, "", 1},
			{member.ViceChair, "", 8}, // seven, and one elected at the 选举大会 of 15 January 2025
			{member.SecretaryGeneral, "", 1},
			{member.Standing, "", 51}, // forty, and eleven elected
			{member.ViceChair, "2025-01-14", 7},
			{member.SecretaryGeneral, "2025-01-14", 1}, // the one who left that day
			{member.SecretaryGeneral, "2025-01-15", 1}, // the one elected
			{member.Standing, "2025-01-14", 40},
			{member.Standing, "2025-01-15", 51},
			{member.ViceChair, "2023-06-01", 7}, // before the resignation: the one who left, not yet his successor
			{member.ViceChair, "2023-12-15", 6}, // between resignation and by-election
			{member.Standing, "2022-06-01", 40},
		} {
			if got := roleCount(c.kind, c.day); got != c.want {
				t.Errorf("%s on %q: %d members, want %d", c.kind.Label(), c.day, got, c.want)
			}
		}
		if got := count(store.MemberFilter{CommitteeID: city.ID, Status: member.Resigned}); got != 3 {
			t.Errorf("city: %d resigned, want 3", got)
		}
		if got := count(store.MemberFilter{CommitteeID: city.ID, Status: member.Deceased}); got != 1 {
			t.Errorf("city: %d deceased, want 1", got)
		}
		// The chair was a vice-chair of the 12th term.
		prev := terms[0]
		if prev.Number != 12 {
			prev = terms[1]
		}
		if got := count(store.MemberFilter{CommitteeID: city.ID, TermID: prev.ID, Role: member.ViceChair}); got != 1 {
			t.Errorf("12th term vice-chairs = %d, want 1 (the present chair)", got)
		}
		for _, name := range []string{"东岭县政协", "西河县政协", "南湖区政协"} {
			c := byName[name]
			ct, err := db.CurrentTerm(ctx, app.System, c.ID, db.Today())
			if err != nil {
				t.Fatal(err)
			}
			f := store.MemberFilter{CommitteeID: c.ID, TermID: ct.ID, Role: member.Chair}
			if got := count(f); got != 1 {
				t.Errorf("%s: %d chairs, want 1", name, got)
			}
			f.Role = member.Standing
			if got := count(f); got != 20 {
				t.Errorf("%s: %d standing-committee members, want 20", name, got)
			}
		}

		// Every printed login signs in, and none must change its password.
		wantUsers := []string{"admin", "secadmin", "auditor", "office", "office-dl", "leader", "member", "coordinator", "cadre", "unit"}
		var users []string
		for _, l := range logins {
			users = append(users, l.Username)
			a, token, err := db.Login(ctx, l.Username, l.Password, "127.0.0.1", "demo test")
			if err != nil || token == "" {
				t.Errorf("login %s with %q: %v", l.Username, l.Password, err)
				continue
			}
			if a.MustChangePassword {
				t.Errorf("%s must change its password", l.Username)
			}
			if string(a.Role) != l.Username && l.Username != "office-dl" {
				t.Errorf("%s has role %s", l.Username, a.Role)
			}
		}
		if !slices.Equal(users, wantUsers) {
			t.Errorf("logins = %v, want %v", users, wantUsers)
		}

		checkMeetings(t, db, byName["明湖市政协"])
		checkElection(t, db, byName["明湖市政协"])
		checkConsult(t, db, byName["明湖市政协"], byName["东岭县政协"])
		checkAssist(t, db, byName["东岭县政协"])
		checkProposals(t, db, byName["明湖市政协"])
		checkReports(t, db, byName["明湖市政协"])

		if _, err := Load(ctx, db, nil); !errors.Is(err, ErrNotEmpty) {
			t.Errorf("second Load: %v, want ErrNotEmpty", err)
		}
	})
}

// TestLoadWithMembers sizes the city committee for benchmarks.
func TestLoadWithMembers(t *testing.T) {
	db := storetest.OpenDialect(t, store.SQLite)
	ctx := context.Background()
	if _, err := LoadWith(ctx, db, nil, Options{CityMembers: 1500, CountyMembers: 40}); err != nil {
		t.Fatal(err)
	}
	committees, err := db.FindCommittees(ctx, app.System)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range committees {
		want := 40
		if c.Kind == org.City {
			want = 1500
		}
		_, total, err := db.FindMembers(ctx, app.System, store.MemberFilter{CommitteeID: c.ID, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if total != want {
			t.Errorf("%s: %d members, want %d", c.Name, total, want)
		}
	}
}

// TestPlan checks the plan without a database: it is deterministic, every
// member passes the same validation as a clerk's entry, identity numbers are
// unique per committee, and the sectors are spread as intended.
func TestPlan(t *testing.T) {
	a, b := plan(Options{}), plan(Options{})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans differ: the demo world must be deterministic")
	}
	today := app.MustDate("2026-01-01")
	for _, c := range append([]committeePlan{a.City}, a.Counties...) {
		ids := map[string]bool{}
		perSector := map[string]int{}
		check := func(what string, in member.Input, sector string) {
			in.Normalize()
			if errs := in.Validate(today); len(errs) > 0 {
				t.Errorf("%s %s %s: %v", c.Org.Name, what, in.Name, errs)
			}
			if ids[in.IDNumber] {
				t.Errorf("%s: identity number %s twice", c.Org.Name, in.IDNumber)
			}
			ids[in.IDNumber] = true
			if member.IDGender(in.IDNumber) != in.Gender || member.IDBirthDate(in.IDNumber) != in.BirthDate {
				t.Errorf("%s: %s's identity number %s does not match gender %s / birth %s", c.Org.Name, in.Name,
					in.IDNumber, in.Gender, in.BirthDate)
			}
			if y := in.BirthDate.Y; y < 1960 || y > 1990 {
				t.Errorf("%s: %s born %d", c.Org.Name, in.Name, y)
			}
			if !slices.Contains(org.DefaultSectors, sector) {
				t.Errorf("%s: unknown sector %q", c.Org.Name, sector)
			}
			perSector[sector]++
		}
		for _, p := range c.People {
			check("person", p.Member, p.Sector)
		}
		for _, r := range c.Rows {
			check("row", r.Member, r.Sector)
			if r.SpecialCommittee != "" && !slices.Contains(org.DefaultSpecialCommittees, r.SpecialCommittee) {
				t.Errorf("%s: unknown special committee %q", c.Org.Name, r.SpecialCommittee)
			}
		}
		if c.Org.Kind == org.City {
			if n := len(c.People) + len(c.Rows); n != 400 {
				t.Errorf("city plans %d members, want 400", n)
			}
			for _, s := range []string{"民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社"} {
				if n := perSector[s]; n < 10 || n > 20 {
					t.Errorf("city sector %s has %d members, want 10–20", s, n)
				}
			}
			if perSector["中国共产党"] < perSector["经济界"] || perSector["无党派人士"] < perSector["经济界"] {
				t.Errorf("the party and the non-party people should be the largest groups: %v", perSector)
			}
		}
	}
	big := plan(Options{CityMembers: 10000})
	if n := len(big.City.People) + len(big.City.Rows); n != 10000 {
		t.Errorf("CityMembers 10000 plans %d", n)
	}
}

func TestAllocate(t *testing.T) {
	for _, c := range []struct {
		n       int
		weights []int
		want    []int
	}{
		{10, []int{1, 1}, []int{5, 5}},
		{3, []int{1, 1}, []int{2, 1}},
		{7, []int{3, 1}, []int{5, 2}},
		{0, []int{1, 2}, []int{0, 0}},
		{5, []int{0, 0}, []int{0, 0}},
	} {
		if got := allocate(c.n, c.weights); !slices.Equal(got, c.want) {
			t.Errorf("allocate(%d, %v) = %v, want %v", c.n, c.weights, got, c.want)
		}
	}
}

// checkMeetings checks the city committee's demo meetings: the closed
// plenary's closing sitting with figures consistent with its expected list
// and quorum met, its resolutions adopted, the chair's meeting closed last
// month, the upcoming consultation and standing-committee meetings, and the
// store's clock given back.
func checkMeetings(t *testing.T, db *store.DB, city org.Org) {
	t.Helper()
	ctx := context.Background()
	if d := time.Since(db.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("the store's clock was not restored: db.Now() = %v", db.Now())
	}
	list, total, err := db.FindMeetings(ctx, app.System, store.MeetingFilter{CommitteeID: city.ID, Sort: "starts_at", Desc: true})
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]meeting.Meeting{}
	var titles []string
	for _, m := range list {
		byTitle[m.Title] = m
		titles = append(titles, m.Title+" "+string(m.Status))
		if !m.CreatedAt.Before(m.StartsAt) {
			t.Errorf("%s created %v, not before it starts %v", m.Title, m.CreatedAt, m.StartsAt)
		}
	}
	wantTitles := []string{"十三届四次会议 closed", "十三届四次会议选举大会 closed", "十三届四次会议闭幕会 closed", "十三届五十五次主席会议 closed", "十三届五十六次主席会议 closed",
		"“加快推进明湖流域综合治理”双月协商会 notified", "十三届二十一次常委会会议 draft"}
	if total != len(wantTitles) || !slices.Equal(titles, wantTitles) {
		t.Fatalf("city meetings = %q, want %q", titles, wantTitles)
	}
	today := Today.Time(db.Loc)
	month := func(m meeting.Meeting) int { // months after Today's month
		d := m.StartsAt.In(db.Loc)
		return (d.Year()-today.Year())*12 + int(d.Month()) - int(today.Month())
	}

	// The closing sitting of the fourth plenary session.
	closing := byTitle["十三届四次会议闭幕会"]
	if closing.ParentID != byTitle["十三届四次会议"].ID || closing.Sitting != meeting.Closing ||
		closing.Day(db.Loc) != app.MustDate("2025-01-16") {
		t.Errorf("closing sitting = %+v", closing)
	}
	att, err := db.AttendanceOf(ctx, app.System, closing.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Seated on the day: the plan's city members less those who had left.
	day, w := closing.Day(db.Loc), plan(Options{})
	cur, seated := len(w.City.Terms)-1, 0
	for _, p := range w.City.People {
		for _, s := range p.Seats {
			if s.Term == cur && (s.End.IsZero() || !s.End.Before(day)) {
				seated++
			}
		}
	}
	for _, r := range w.City.Rows {
		if r.Member.Status == member.Serving || !r.Member.StatusDate.Before(day) {
			seated++
		}
	}
	expected, err := db.ExpectedMembers(ctx, app.System, closing.ID)
	if err != nil {
		t.Fatal(err)
	}
	signed, onLeave := 0, 0
	for _, e := range expected {
		if e.SignedIn {
			signed++
		} else if e.Leave == store.LeaveApproved {
			onLeave++
		}
	}
	if att.Expected != seated || att.Expected != len(expected) || att.Present != signed || att.Excused != onLeave ||
		att.Present+att.Excused+att.Absent != att.Expected || att.Guests != 2 {
		t.Errorf("closing attendance = %+v; %d seated that day, %d expected, %d signed in, %d on leave",
			att, seated, len(expected), signed, onLeave)
	}
	if pct := att.Present * 100 / att.Expected; pct < 90 || pct > 94 || att.Excused == 0 || att.Absent == 0 || att.Late == 0 {
		t.Errorf("closing attendance = %+v (%d%% present); want about 92%% present, some on leave, absent and late", att, pct)
	}
	if q, err := db.QuorumOf(ctx, app.System, closing.ID); err != nil || !q.Met {
		t.Errorf("closing quorum = %+v, %v; want met", q, err)
	}
	session, err := db.AttendanceOf(ctx, app.System, byTitle["十三届四次会议"].ID)
	if err != nil || session.Expected != att.Expected || session.Present != att.Present || session.Excused != att.Excused {
		t.Errorf("session attendance = %+v, %v; want the closing sitting's %+v", session, err, att)
	}
	guests, err := db.FindGuests(ctx, app.System, closing.ID)
	if err != nil || len(guests) != 2 || guests[0].Kind != store.GuestInvited || guests[1].Kind != store.GuestInvited {
		t.Errorf("closing guests = %+v, %v; want two invited", guests, err)
	}
	leaves, err := db.FindLeaveRequests(ctx, app.System, closing.ID)
	if err != nil || len(leaves) != att.Excused {
		t.Errorf("closing leave requests = %d, %v; want %d", len(leaves), err, att.Excused)
	}
	for _, l := range leaves {
		if l.Status != store.LeaveApproved || !l.CreatedAt.Before(closing.StartsAt) {
			t.Errorf("leave request %+v", l)
		}
	}
	votes, err := db.FindVotes(ctx, app.System, closing.ID)
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for i, v := range votes {
		items = append(items, v.ItemTitle)
		mode := store.VoteElectronic
		if i == 2 {
			mode = store.VoteHands
		}
		if v.Status != store.VoteClosed || v.Result() != "通过" || v.Mode != mode || v.Expected != att.Expected ||
			v.Present != att.Present || v.Tally.Cast()+v.Tally.NotVoted != att.Present || v.Tally.For*2 <= att.Expected {
			t.Errorf("vote on %s = %+v", v.ItemTitle, v)
		}
	}
	if !slices.Equal(items, plenaryResolutions) || !strings.HasSuffix(items[2], "政治决议") {
		t.Errorf("closing votes on %q, want %q", items, plenaryResolutions)
	}

	// The chair's meeting last month.
	chairs := byTitle["十三届五十六次主席会议"]
	if a, err := db.AttendanceOf(ctx, app.System, chairs.ID); err != nil || month(chairs) != -1 ||
		a.Expected != 10 || a.Present != 9 || a.Excused != 1 {
		// chair, eight vice-chairs (one elected in January 2025), the secretary-general
		t.Errorf("chair's meeting in month %+d: %+v, %v; want last month, 10 expected, 9 present, 1 on leave", month(chairs), a, err)
	}
	if vs, err := db.FindVotes(ctx, app.System, chairs.ID); err != nil || len(vs) != 1 || vs[0].Result() != "通过" {
		t.Errorf("chair's meeting votes = %+v, %v", vs, err)
	}

	// The upcoming consultation: a topic, named invitees, notice sent.
	bi := byTitle["“加快推进明湖流域综合治理”双月协商会"]
	inv, err := db.FindInvitees(ctx, app.System, bi.ID)
	if err != nil || bi.Kind != meeting.Bimonthly || bi.Topic == "" || len(inv) < 10 || !bi.StartsAt.After(today) {
		t.Errorf("bimonthly = %+v with %d invitees, %v", bi, len(inv), err)
	}
	notices, err := db.FindMeetingNotices(ctx, app.System, bi.ID)
	if err != nil || len(notices) != 1 || notices[0].Recipients != len(inv) {
		t.Errorf("bimonthly notices = %+v, %v; want one to the %d invitees", notices, err, len(inv))
	}

	// Next month's standing-committee meeting, in preparation.
	st := byTitle["十三届二十一次常委会会议"]
	agenda, err := db.FindAgendaItems(ctx, app.System, st.ID)
	if err != nil || st.Kind != meeting.Standing || month(st) != 1 || len(agenda) != 2 {
		t.Errorf("standing meeting in month %+d with %d agenda items, %v; want next month, 2 items", month(st), len(agenda), err)
	}
	// The 51 常委 and the vice-chair and secretary-general elected in January
	// 2025, who sit on the standing committee by office (the other leaders
	// are 常委 as well).
	if a, err := db.AttendanceOf(ctx, app.System, st.ID); err != nil || a.Expected != 53 {
		t.Errorf("standing meeting expects %+v, %v; want the 53 standing-committee members", a, err)
	}
}

// meetingSummary renders the demo meetings of a database with their
// figures, votes, guests, sign-ins and leave, for comparing two loads.
func meetingSummary(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	list, _, err := db.FindMeetings(ctx, app.System, store.MeetingFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range list {
		att, err := db.AttendanceOf(ctx, app.System, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s %s created %s %+v", m.Title, m.Topic, m.Status,
			m.StartsAt.In(db.Loc).Format(time.DateTime), m.CreatedAt.In(db.Loc).Format(time.DateTime), att))
		votes, err := db.FindVotes(ctx, app.System, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range votes {
			out = append(out, fmt.Sprintf("  %s %s %+v %s", v.ItemTitle, v.Mode, v.Tally, v.Result()))
		}
		guests, err := db.FindGuests(ctx, app.System, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range guests {
			out = append(out, "  "+g.Name+" "+g.Position+" "+g.Kind.Label())
		}
		expected, err := db.ExpectedMembers(ctx, app.System, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range expected {
			out = append(out, fmt.Sprintf("  %s %v %s %s", e.Name, e.SignedIn, e.SignedAt.Format(time.DateTime), e.Leave))
		}
	}
	return out
}

// Two loads give the same meetings with the same figures, down to who signed
// in when.
func TestLoadDeterministic(t *testing.T) {
	var sums [][]string
	for range 2 {
		db := storetest.OpenDialect(t, store.SQLite)
		start := time.Now()
		if _, err := Load(context.Background(), db, nil); err != nil {
			t.Fatal(err)
		}
		t.Logf("demo loaded in %v", time.Since(start))
		sums = append(sums, meetingSummary(t, db))
	}
	if len(sums[0]) < 400 {
		t.Fatalf("summary has %d lines, want the meetings with their expected members", len(sums[0]))
	}
	if !slices.Equal(sums[0], sums[1]) {
		for i := range min(len(sums[0]), len(sums[1])) {
			if sums[0][i] != sums[1][i] {
				t.Fatalf("two loads differ at line %d:\n%s\n%s", i, sums[0][i], sums[1][i])
			}
		}
		t.Fatalf("two loads differ: %d and %d lines", len(sums[0]), len(sums[1]))
	}
}

// checkElection: the by-election at the 选举大会 of 十三届四次会议, on paper
// ballots entered twice (the slips of pass 2 resolved), signed and confirmed.
func checkElection(t *testing.T, db *store.DB, city org.Org) {
	t.Helper()
	ctx := context.Background()
	list, _, err := db.FindMeetings(ctx, app.System, store.MeetingFilter{CommitteeID: city.ID, Sort: "starts_at"})
	if err != nil {
		t.Fatal(err)
	}
	var sitting meeting.Meeting
	for _, m := range list {
		if m.Sitting == meeting.Election {
			sitting = m
		}
	}
	els, err := db.FindElections(ctx, app.System, sitting.ID)
	if err != nil || len(els) != 1 {
		t.Fatalf("elections at %q = %v, %v; want 1", sitting.Title, els, err)
	}
	el := els[0]
	if el.Status != election.Confirmed || !el.RulesAdopted || !el.ScrutineersApproved ||
		el.EffectiveDate != app.MustDate(electionDay) {
		t.Errorf("election = %+v", el)
	}
	att, err := db.AttendanceOf(ctx, app.System, sitting.ID)
	if err != nil {
		t.Fatal(err)
	}
	if el.Figures.Issued != att.Present || el.Figures.Expected != att.Expected || el.Figures.All < att.Expected {
		t.Errorf("figures %+v, attendance %+v", el.Figures, att)
	}
	tallies, err := db.FindTally(ctx, app.System, el.ID)
	if err != nil || len(tallies) != 2 {
		t.Fatalf("tally = %v, %v", tallies, err)
	}
	for _, tl := range tallies {
		if tl.Void || tl.Returned != att.Present {
			t.Errorf("paper %d: returned %d of %d issued, void %v", tl.Paper, tl.Returned, tl.Figures.Issued, tl.Void)
		}
		for _, o := range tl.Offices {
			if len(o.Elected) != o.Seats || o.Unfilled != 0 || len(o.Tied) != 0 {
				t.Errorf("%s: elected %d of %d seats, tied %v", o.Name, len(o.Elected), o.Seats, o.Tied)
			}
			if o.Valid+o.Void != tl.Returned || o.Void == 0 && o.Name == "常务委员" {
				t.Errorf("%s: valid %d + void %d, returned %d", o.Name, o.Valid, o.Void, tl.Returned)
			}
		}
	}
	standing := tallies[1].Offices[0]
	if last := standing.Candidates[len(standing.Candidates)-1]; last.Elected || last.WriteIn {
		t.Errorf("the last standing candidate, most opposed, = %+v; want not elected", last)
	}
	sentence := election.ResultSentence("市政协", tallies)
	if !strings.HasPrefix(sentence, "选举") || !strings.Contains(sentence, "为市政协副主席") ||
		!strings.Contains(sentence, "选举11名政协委员为市政协常委") {
		t.Errorf("result sentence = %q", sentence)
	}
	for paper := 1; paper <= 2; paper++ {
		diffs, err := db.CompareEntries(ctx, app.System, el.ID, paper)
		if err != nil || len(diffs) != 0 {
			t.Errorf("paper %d: differences left %v, %v", paper, diffs, err)
		}
	}
}

// checkConsult reads the demo's consultation back: the rooms' coverage in
// 东岭县, the escalated village topic and the city topic's children.
func checkConsult(t *testing.T, db *store.DB, city, county org.Org) {
	t.Helper()
	ctx := context.Background()
	covs, err := db.RoomCoverage(ctx, app.System)
	if err != nil {
		t.Fatal(err)
	}
	towns, _ := db.FindOrgs(ctx, app.System, store.OrgFilter{ParentID: county.ID, Kinds: []org.Kind{org.Township}})
	cov := map[int64]consult.Coverage{}
	for _, c := range covs {
		cov[c.Org.ID] = c
	}
	if c := cov[towns[0].ID]; !c.Full() || c.Rooms != c.Villages {
		t.Errorf("first township: %d of %d villages, %d rooms", c.Covered, c.Villages, c.Rooms)
	}
	if c := cov[towns[1].ID]; c.Covered != c.Villages-1 || len(c.Uncovered) != 1 {
		t.Errorf("second township: %d of %d", c.Covered, c.Villages)
	}
	if c := cov[towns[2].ID]; c.Covered != 3 || c.Rooms != 1 {
		t.Errorf("third township: %d covered by %d rooms", c.Covered, c.Rooms)
	}
	// 东岭县: the escalated road topic closed with its feedback; the pushed-down one at its participants.
	ups, _, err := db.FindTopics(ctx, app.System, store.TopicFilter{OrgID: county.ID, Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	var road, pushed store.Topic
	for _, tp := range ups {
		switch {
		case tp.Source == consult.FromLower && tp.OriginID != 0:
			road = tp
		case tp.ParentID != 0 && tp.OrgID == county.ID:
			pushed = tp
		}
	}
	if road.State != consult.Closed || pushed.State != consult.Participants {
		t.Errorf("county topics: road %q, pushed down %q", road.State, pushed.State)
	}
	work, err := db.FindTopicWork(ctx, app.System, road.ID)
	if err != nil || len(work.Assignments) != 2 || len(work.Visits) != 1 || len(work.Speeches) != 3 {
		t.Errorf("road topic's work: %d assignments, %d visits, %d speeches (%v)", len(work.Assignments),
			len(work.Visits), len(work.Speeches), err)
	}
	// The city's plan adopted at a chair's meeting; the screened suggestions.
	plans, err := db.FindPlans(ctx, app.System, 2026)
	if err != nil || len(plans) != 1 || plans[0].Status != store.PlanAdopted || plans[0].Items != 6 {
		t.Fatalf("2026 plan: %+v %v", plans, err)
	}
	declined, _, _ := db.FindTopics(ctx, app.System, store.TopicFilter{OrgID: city.ID, Year: 2026, State: consult.Declined})
	if len(declined) != 3 {
		t.Errorf("declined suggestions: %d", len(declined))
	}
	st, err := db.FindConsultStats(ctx, app.System, city.ID, 2026, 0)
	if err != nil || st.WithFeedback != 1 || st.NoFeedback != 1 || st.FeedbackSamples != 1 {
		t.Errorf("figures: with %d, without %d, samples %d (%v)", st.WithFeedback, st.NoFeedback, st.FeedbackSamples, err)
	}
	cts, _, err := db.FindTopics(ctx, app.System, store.TopicFilter{OrgID: city.ID, Year: 2026, Query: "人居环境"})
	if err != nil || len(cts) != 3 {
		t.Fatalf("city topic and its children: %d %v", len(cts), err)
	}
}

// checkAssist reads 东岭县's assistance figures back in the real report's shape.
func checkAssist(t *testing.T, db *store.DB, county org.Org) {
	t.Helper()
	ctx := context.Background()
	year, err := db.FindAssistFigures(ctx, app.System, county.ID, store.AssistPeriod{From: "2026-01", To: "2026-12"}, "县政协")
	if err != nil {
		t.Fatal(err)
	}
	f := year.Figures
	if f.Cadres != 13 || f.Paired != 13 || f.Persons != 14 || f.Visited != 13 || f.Aided != 13 || f.ProblemsSolved != 5 ||
		f.Enterprises != 2 || f.EnterpriseRaised != 2 {
		t.Errorf("2026 figures: %+v", f)
	}
	want := "县政协13名结对帮扶干部，“一对一”结对帮扶孤儿、重度残疾人、特困人员13户14人。至目前，帮助解决急难愁盼问题5件，" +
		"慰问物资价值8000余元，实现结对全覆盖、走访全覆盖、慰问全覆盖。"
	if year.Sentence != want {
		t.Errorf("sentence:\n got %s\nwant %s", year.Sentence, want)
	}
	q4, err := db.FindAssistFigures(ctx, app.System, county.ID, store.AssistPeriod{From: "2026-10", To: "2026-12"}, "")
	if err != nil || q4.Figures.Visited != 12 || q4.Figures.VisitCoverage().Percent() != "92.3%" {
		t.Errorf("fourth quarter: %+v %v", q4.Figures, err)
	}
}

func checkProposals(t *testing.T, db *store.DB, city org.Org) {
	t.Helper()
	ctx := context.Background()
	ps, total, err := db.FindProposals(ctx, app.System, store.ProposalFilter{CommitteeID: city.ID, Limit: 100})
	if err != nil || total != 11 {
		t.Fatalf("demo proposals: %d %v", total, err)
	}
	states := map[string]int{}
	for _, p := range ps {
		states[p.State]++
	}
	want := map[string]int{proposal.Closed: 4, proposal.Merged: 1, proposal.NotFiled: 1, proposal.Replied: 1,
		proposal.Assigned: 1, proposal.Filed: 1, proposal.Submitted: 1, proposal.Cosigning: 1}
	if !maps.Equal(states, want) {
		t.Errorf("demo proposal states %v, want %v", states, want)
	}
	key, _, err := db.FindProposals(ctx, app.System, store.ProposalFilter{CommitteeID: city.ID, Key: true, Excellent: true})
	if err != nil || len(key) != 1 || key[0].Number != "第十三届第四次会议第0001号" || key[0].KeyLeader == "" {
		t.Errorf("key and excellent: %+v %v", key, err)
	}
	w, err := db.FindProposalWork(ctx, app.System, key[0].ID)
	if err != nil || len(w.Cosigners) != 2 || len(w.Assignments) != 2 || w.Assignments[0].Grade != proposal.GradeB ||
		w.Assignments[0].Satisfaction != proposal.FairlySatisfied || len(w.Assignments[0].Replies) != 2 {
		t.Errorf("the member's key proposal: %+v %v", w, err)
	}
}

func checkReports(t *testing.T, db *store.DB, city org.Org) {
	t.Helper()
	st, err := db.FindReportStats(context.Background(), app.System, city.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if st.Submitted != 5 || st.Merged != 1 || st.NotAdopted != 1 || st.Adopted != 2 || st.Adoptions != 3 || st.Instructions != 2 ||
		st.Levels[1].Adopted != 2 || st.Levels[2].Adopted != 1 || st.Levels[2].Instructions != 1 {
		t.Errorf("demo reports of 2026: %+v", st)
	}
}
