package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/roster"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// memberWorld is the org tree plus, for county A, the tenth term (from
// 2021-01-10, running), two sectors and a special committee; county B has a
// term and a sector of its own. The clock stands at 2024-06-01.
type memberWorld struct {
	tree
	term, termB            org.Term
	edu, econ, sectorB     org.Sector
	proposals              org.SpecialCommittee
	actorA, actorB, actorC app.Actor
}

var today = app.MustDate("2024-06-01")

func buildMemberWorld(t testing.TB, db *store.DB) memberWorld {
	t.Helper()
	db.Now = func() time.Time { return time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	var w memberWorld
	mk := func(parent int64, k org.Kind, name string) org.Org {
		o, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: parent, Kind: k, Name: name})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	w.city = mk(0, org.City, "聊城市政协")
	w.countyA = mk(w.city.ID, org.County, "东阿县政协")
	w.countyB = mk(w.city.ID, org.County, "阳谷县政协")
	w.town = mk(w.countyA.ID, org.Township, "铜城街道")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	w.term, err = db.CreateTerm(ctx, app.System, w.countyA.ID, org.TermInput{Number: 10, StartDate: app.MustDate("2021-01-10")})
	must(err)
	w.termB, err = db.CreateTerm(ctx, app.System, w.countyB.ID, org.TermInput{Number: 9, StartDate: app.MustDate("2021-01-12")})
	must(err)
	w.edu, err = db.CreateSector(ctx, app.System, w.countyA.ID, org.NamedInput{Name: "教育界", Sort: 10})
	must(err)
	w.econ, err = db.CreateSector(ctx, app.System, w.countyA.ID, org.NamedInput{Name: "经济界", Sort: 20})
	must(err)
	w.sectorB, err = db.CreateSector(ctx, app.System, w.countyB.ID, org.NamedInput{Name: "教育界", Sort: 10})
	must(err)
	w.proposals, err = db.CreateSpecialCommittee(ctx, app.System, w.countyA.ID, org.NamedInput{Name: "提案委员会"})
	must(err)
	w.actorA, w.actorB, w.actorC = actorAt(w.countyA), actorAt(w.countyB), actorAt(w.city)
	return w
}

// idNo is a valid identity number, distinct for each seq.
func idNo(seq int) string {
	birth := app.DateOf(time.Date(1960, 1, 1+seq/1000, 0, 0, 0, 0, time.UTC))
	return member.MakeIDNumber("371524", birth, seq%1000)
}

func person(name string, seq int) member.Input {
	return member.Input{Name: name, Gender: "男", IDNumber: idNo(seq), Phone: "13812345678", Workplace: "东阿县第" + fmt.Sprint(seq) + "中学校长"}
}

func TestMemberCreateFindUpdate(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		m, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, person("张三", 1))
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.FindMemberByID(ctx, w.actorA, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "张三" || got.CommitteeName != "东阿县政协" || got.Status != member.Serving || got.IDNumber != idNo(1) {
			t.Fatalf("found %+v", got)
		}
		// The same identity number in the same committee is a field error.
		_, err = db.CreateMember(ctx, w.actorA, w.countyA.ID, person("张三二", 1))
		if msg := app.ErrorFields(err).Get("id_number"); msg != "该身份证号已登记为本会委员" {
			t.Fatalf("duplicate id number: err = %v", err)
		}
		// ... but another committee may register the same person.
		if _, err := db.CreateMember(ctx, w.actorB, w.countyB.ID, person("张三", 1)); err != nil {
			t.Fatalf("same id number in county B: %v", err)
		}
		bad := person("李四", 2)
		bad.IDNumber = bad.IDNumber[:17] + map[bool]string{true: "1", false: "2"}[bad.IDNumber[17] != '1']
		_, err = db.CreateMember(ctx, w.actorA, w.countyA.ID, bad)
		if msg := app.ErrorFields(err).Get("id_number"); msg != "身份证号校验位不正确" {
			t.Fatalf("bad check digit: err = %v", err)
		}
		// A town is not a committee.
		_, err = db.CreateMember(ctx, w.actorA, w.town.ID, person("王五", 3))
		if app.ErrorFields(err).Get("committee_id") == "" {
			t.Fatalf("member of a township: err = %v", err)
		}

		in := person("张三", 1)
		in.Phone = "13900001111"
		in.Party = "民盟"
		up, err := db.UpdateMember(ctx, w.actorA, m.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if up.Phone != "13900001111" || up.Party != "民盟" {
			t.Fatalf("updated %+v", up)
		}
		// Moving onto another member's identity number is refused.
		other, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, person("赵六", 4))
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.UpdateMember(ctx, w.actorA, other.ID, person("赵六", 1))
		if app.ErrorFields(err).Get("id_number") != "该身份证号已登记为本会委员" {
			t.Fatalf("update onto taken id number: %v", err)
		}

		entries, _, err := db.FindAuditEntries(ctx, auditReader(w.actorA), store.AuditFilter{Entity: "member", EntityID: m.ID, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		// The log shows the phone changed, masked as on screen: it is not
		// sealed, so it keeps no full phone or identity number.
		if len(entries) != 2 || entries[0].Action != "update" || !strings.Contains(entries[0].Before, "138****5678") ||
			!strings.Contains(entries[0].After, "139****1111") || entries[1].Action != "create" {
			t.Fatalf("audit entries = %+v", entries)
		}
		for _, e := range entries {
			if strings.Contains(e.Before+e.After, "13812345678") || strings.Contains(e.Before+e.After, m.IDNumber) {
				t.Fatalf("the audit log keeps a full phone or identity number: %+v", e)
			}
		}
	})
}

func TestMemberScope(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		m, err := db.CreateMemberInTerm(ctx, w.actorA, w.countyA.ID, person("张三", 1),
			&member.MembershipInput{TermID: w.term.ID, SectorID: w.edu.ID, StartDate: w.term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		b := w.actorB
		notFound := func(what string, err error) {
			t.Helper()
			if app.ErrorCode(err) != app.ENOTFOUND {
				t.Errorf("county B %s county A's member: err = %v, want not found", what, err)
			}
		}
		_, err = db.FindMemberByID(ctx, b, m.ID)
		notFound("reads", err)
		_, err = db.UpdateMember(ctx, b, m.ID, person("张三", 1))
		notFound("updates", err)
		_, err = db.FindMemberships(ctx, b, m.ID)
		notFound("lists seats of", err)
		_, err = db.FindRoles(ctx, b, m.ID)
		notFound("lists roles of", err)
		_, err = db.AddMembership(ctx, b, m.ID, member.MembershipInput{TermID: w.termB.ID, SectorID: w.sectorB.ID, StartDate: w.termB.StartDate})
		notFound("seats", err)
		_, err = db.AddRole(ctx, b, m.ID, member.RoleInput{TermID: w.term.ID, Kind: member.Standing, StartDate: w.term.StartDate})
		notFound("appoints", err)
		seats, err := db.FindMemberships(ctx, w.actorA, m.ID)
		if err != nil || len(seats) != 1 {
			t.Fatalf("seats = %v, %v", seats, err)
		}
		notFound("ends the seat of", db.EndMembership(ctx, b, seats[0].ID, today))
		_, err = db.CreateMember(ctx, b, w.countyA.ID, person("李四", 2))
		if app.ErrorFields(err).Get("committee_id") == "" {
			t.Errorf("county B creating in county A: %v", err)
		}
		list, total, err := db.FindMembers(ctx, b, store.MemberFilter{})
		if err != nil || total != 0 || len(list) != 0 {
			t.Errorf("county B lists %d (%d) members: %v", total, len(list), err)
		}
		list, total, err = db.FindMembers(ctx, w.actorC, store.MemberFilter{})
		if err != nil || total != 1 || list[0].CommitteeName != "东阿县政协" || list[0].SectorName != "教育界" {
			t.Errorf("city lists %v (%d): %v", list, total, err)
		}
		// A seat in another committee's term or sector is refused.
		m2, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, person("李四", 2))
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.AddMembership(ctx, w.actorC, m2.ID, member.MembershipInput{TermID: w.termB.ID, SectorID: w.sectorB.ID, StartDate: w.termB.StartDate})
		if f := app.ErrorFields(err); f.Get("term_id") == "" || f.Get("sector_id") == "" {
			t.Errorf("seat in county B's term: %v", err)
		}
	})
}

func TestMemberRoles(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		a := w.actorA
		seat := &member.MembershipInput{TermID: w.term.ID, SectorID: w.edu.ID, SpecialCommitteeID: w.proposals.ID, StartDate: w.term.StartDate}
		zhang, err := db.CreateMemberInTerm(ctx, a, w.countyA.ID, person("张三", 1), seat)
		if err != nil {
			t.Fatal(err)
		}
		li, err := db.CreateMemberInTerm(ctx, a, w.countyA.ID, person("李四", 2), seat)
		if err != nil {
			t.Fatal(err)
		}
		loner, err := db.CreateMember(ctx, a, w.countyA.ID, person("王五", 3))
		if err != nil {
			t.Fatal(err)
		}
		// A second seat in the same term is refused.
		_, err = db.AddMembership(ctx, a, zhang.ID, *seat)
		if app.ErrorFields(err).Get("term_id") == "" {
			t.Fatalf("second seat: %v", err)
		}
		d := app.MustDate
		add := func(id int64, k member.RoleKind, start, end string) error {
			_, err := db.AddRole(ctx, a, id, member.RoleInput{TermID: w.term.ID, Kind: k, StartDate: d(start), EndDate: dateOrZero(end)})
			return err
		}
		if err := add(zhang.ID, member.Standing, "2021-01-10", ""); err != nil {
			t.Fatal(err)
		}
		// Elected vice-chair mid-term.
		if err := add(zhang.ID, member.ViceChair, "2023-03-01", ""); err != nil {
			t.Fatal(err)
		}
		if err := add(li.ID, member.Chair, "2021-01-10", "2023-12-31"); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			id    int64
			kind  member.RoleKind
			start string
			end   string
			field string
		}{
			{"same role overlapping", zhang.ID, member.Standing, "2022-01-01", "", "kind"},
			{"second chair at the same time", zhang.ID, member.Chair, "2023-06-01", "", "kind"},
			{"not seated in the term", loner.ID, member.Standing, "2022-01-01", "", "term_id"},
			{"before the seat", zhang.ID, member.SecretaryGeneral, "2020-01-01", "", "start_date"},
			{"ordinary is not a role", zhang.ID, member.Ordinary, "2022-01-01", "", "kind"},
			{"end before start", zhang.ID, member.SecretaryGeneral, "2022-01-01", "2021-01-01", "end_date"},
		}
		for _, c := range cases {
			err := add(c.id, c.kind, c.start, c.end)
			if app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err).Get(c.field) == "" {
				t.Errorf("%s: err = %v, want field error on %s", c.name, err, c.field)
			}
		}
		// After the first chair's role ended, the next one may start.
		if err := add(zhang.ID, member.Chair, "2024-01-01", ""); err != nil {
			t.Fatalf("chair after the previous one: %v", err)
		}
		roles, err := db.FindRoles(ctx, a, zhang.ID)
		if err != nil || len(roles) != 3 {
			t.Fatalf("roles = %v, %v", roles, err)
		}
		for day, want := range map[string]member.RoleKind{
			"2022-05-01": member.Standing, "2023-05-01": member.ViceChair, "2024-05-01": member.Chair, "2020-05-01": member.Ordinary,
		} {
			if got := member.TopRole(roles, d(day)); got != want {
				t.Errorf("top role on %s = %s, want %s", day, got, want)
			}
		}
		// Ending a role, then ending it again.
		var vice member.Role
		for _, r := range roles {
			if r.Kind == member.ViceChair {
				vice = r
			}
		}
		if err := db.EndRole(ctx, a, vice.ID, d("2020-01-01")); app.ErrorFields(err).Get("end_date") == "" {
			t.Errorf("end before start: %v", err)
		}
		if err := db.EndRole(ctx, a, vice.ID, d("2023-12-31")); err != nil {
			t.Fatal(err)
		}
		if err := db.EndRole(ctx, a, vice.ID, d("2024-01-31")); app.ErrorCode(err) != app.ECONFLICT {
			t.Errorf("ending twice: %v", err)
		}
		if err := db.EndRole(ctx, w.actorB, vice.ID, d("2024-01-31")); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("county B ends county A's role: %v", err)
		}
		// Ending the seat ends the roles still held in the term.
		seats, err := db.FindMemberships(ctx, a, zhang.ID)
		if err != nil || len(seats) != 1 || seats[0].SectorName != "教育界" || seats[0].SpecialCommittee != "提案委员会" || seats[0].TermNumber != 10 {
			t.Fatalf("seats = %+v, %v", seats, err)
		}
		if err := db.EndMembership(ctx, a, seats[0].ID, d("2024-05-31")); err != nil {
			t.Fatal(err)
		}
		roles, _ = db.FindRoles(ctx, a, zhang.ID)
		for _, r := range roles {
			if r.EndDate.IsZero() {
				t.Errorf("role %s still open after the seat ended", r.Kind)
			}
		}
		if got := member.TopRole(roles, today); got != member.Ordinary {
			t.Errorf("top role after the seat ended = %s", got)
		}
	})
}

func dateOrZero(s string) app.Date {
	if s == "" {
		return app.Date{}
	}
	return app.MustDate(s)
}

func TestMemberStatusEndsSeat(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		m, err := db.CreateMemberInTerm(ctx, w.actorA, w.countyA.ID, person("张三", 1),
			&member.MembershipInput{TermID: w.term.ID, SectorID: w.edu.ID, StartDate: w.term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddRole(ctx, w.actorA, m.ID, member.RoleInput{TermID: w.term.ID, Kind: member.Standing, StartDate: w.term.StartDate}); err != nil {
			t.Fatal(err)
		}
		in := person("张三", 1)
		in.Status = member.Resigned
		if _, err := db.UpdateMember(ctx, w.actorA, m.ID, in); app.ErrorFields(err).Get("status_date") == "" {
			t.Fatalf("resigned without a date: %v", err)
		}
		in.StatusDate = app.MustDate("2024-03-01")
		if _, err := db.UpdateMember(ctx, w.actorA, m.ID, in); err != nil {
			t.Fatal(err)
		}
		seats, _ := db.FindMemberships(ctx, w.actorA, m.ID)
		roles, _ := db.FindRoles(ctx, w.actorA, m.ID)
		if seats[0].EndDate != in.StatusDate || roles[0].EndDate != in.StatusDate {
			t.Fatalf("seat %+v role %+v, want both ended 2024-03-01", seats[0], roles[0])
		}
		list, total, _ := db.FindMembers(ctx, w.actorA, store.MemberFilter{Role: member.Standing})
		if total != 0 {
			t.Fatalf("resigned member still listed as 常委: %+v", list)
		}
	})
}

// seedMembers adds n members to county A's term: every 10th in 经济界, the
// rest in 教育界; member 0 chair, 1–2 vice-chairs, 3–12 standing; every 7th resigned.
func seedMembers(t testing.TB, db *store.DB, w memberWorld, n int) {
	t.Helper()
	rows := make([]roster.Row, n)
	for i := range rows {
		in := person(fmt.Sprintf("委员%04d", i), i+1)
		if i%7 == 6 {
			in.Status, in.StatusDate = member.Resigned, app.MustDate("2024-01-01")
		}
		r := roster.Row{Line: i + 2, Member: in, Sector: "教育界"}
		if i%10 == 9 {
			r.Sector = "经济界"
		}
		switch {
		case i == 0:
			r.Role = member.Chair
		case i <= 2:
			r.Role = member.ViceChair
		case i <= 12:
			r.Role = member.Standing
		}
		rows[i] = r
	}
	got, bad, err := db.ImportMembers(context.Background(), app.System, w.countyA.ID, w.term.ID, rows, nil)
	if err != nil || len(bad) > 0 || got != n {
		t.Fatalf("seed: %d, %v, %v", got, bad, err)
	}
}

func TestFindMembersFilterSortPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		seedMembers(t, db, w, 120)
		// One member of county A without a seat in the term.
		if _, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, member.Input{Name: "未任职", Workplace: "某某公司"}); err != nil {
			t.Fatal(err)
		}
		a := w.actorA
		cases := []struct {
			name  string
			f     store.MemberFilter
			total int
		}{
			{"all", store.MemberFilter{}, 121},
			{"term", store.MemberFilter{TermID: w.term.ID}, 120},
			{"committee", store.MemberFilter{CommitteeID: w.countyA.ID}, 121},
			{"other committee", store.MemberFilter{CommitteeID: w.countyB.ID}, 0},
			{"sector", store.MemberFilter{SectorID: w.econ.ID}, 12},
			{"chair", store.MemberFilter{Role: member.Chair}, 1},
			{"vice chairs", store.MemberFilter{Role: member.ViceChair}, 2},
			// members 6 and 13 of the first 13 resigned on 2024-01-01, and 6 was standing.
			{"standing today", store.MemberFilter{Role: member.Standing}, 9},
			{"standing in 2023", store.MemberFilter{Role: member.Standing, Day: app.MustDate("2023-06-01")}, 10},
			{"ordinary", store.MemberFilter{Role: member.Ordinary, Day: app.MustDate("2023-06-01")}, 107},
			{"resigned", store.MemberFilter{Status: member.Resigned}, 17},
			{"name", store.MemberFilter{Name: "委员001"}, 10},
			{"workplace", store.MemberFilter{Name: "第77中学"}, 1},
			{"like wildcard is literal", store.MemberFilter{Name: "%"}, 0},
			{"before the term", store.MemberFilter{TermID: w.term.ID, Role: member.Chair, Day: app.MustDate("2000-01-01")}, 1},
		}
		for _, c := range cases {
			list, total, err := db.FindMembers(ctx, a, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if total != c.total || len(list) != min(c.total, 50) {
				t.Errorf("%s: total %d, %d rows; want %d", c.name, total, len(list), c.total)
			}
		}
		// Paging: three pages of 50, 50 and 21 with the same total.
		seen := map[int64]bool{}
		for off := 0; off < 150; off += 50 {
			list, total, err := db.FindMembers(ctx, a, store.MemberFilter{Sort: "name", Offset: off, Limit: 50})
			if err != nil || total != 121 {
				t.Fatalf("page at %d: total %d, %v", off, total, err)
			}
			for _, m := range list {
				seen[m.ID] = true
			}
		}
		if len(seen) != 121 {
			t.Fatalf("pages covered %d members, want 121", len(seen))
		}
		// Default order is protocol rank: chair, vice-chairs, standing, members, then the unseated.
		list, _, _ := db.FindMembers(ctx, a, store.MemberFilter{Limit: 200})
		if list[0].Name != "委员0000" || len(list[0].Roles) != 1 || list[0].Roles[0].Kind != member.Chair {
			t.Fatalf("first = %+v", list[0])
		}
		if list[1].Roles[0].Kind != member.ViceChair || list[3].Roles[0].Kind != member.Standing {
			t.Fatalf("order: %s %v, %s %v", list[1].Name, list[1].Roles, list[3].Name, list[3].Roles)
		}
		if last := list[len(list)-1]; last.Name != "未任职" || last.SectorName != "" {
			t.Fatalf("last = %+v", last)
		}
		list, _, _ = db.FindMembers(ctx, a, store.MemberFilter{Sort: "role", Desc: true, Limit: 1})
		if list[0].Name != "未任职" {
			t.Fatalf("desc role first = %s", list[0].Name)
		}
		list, _, _ = db.FindMembers(ctx, a, store.MemberFilter{Sort: "name", Desc: true, Limit: 1})
		if list[0].Name != "未任职" && list[0].Name != "委员0119" {
			t.Fatalf("desc name first = %s", list[0].Name)
		}
		list, _, _ = db.FindMembers(ctx, a, store.MemberFilter{Sort: "sector", Limit: 200})
		if list[0].SectorName != "教育界" || list[119].SectorName != "经济界" || list[120].SectorName != "" {
			t.Fatalf("sector order: %s … %s, %s", list[0].SectorName, list[119].SectorName, list[120].SectorName)
		}
		list, _, _ = db.FindMembers(ctx, a, store.MemberFilter{Sort: "status", Desc: true, Limit: 1})
		if list[0].Status != member.Resigned {
			t.Fatalf("status desc first = %s", list[0].Status)
		}
		// An unknown sort key falls back to the default, never into SQL.
		if _, _, err := db.FindMembers(ctx, a, store.MemberFilter{Sort: "name; DROP TABLE member"}); err != nil {
			t.Fatal(err)
		}
		rows, err := db.FindMembersForExport(ctx, a, store.MemberFilter{TermID: w.term.ID})
		if err != nil || len(rows) != 120 {
			t.Fatalf("export: %d rows, %v", len(rows), err)
		}
		if rows[0].Role != "主席" || rows[0].TermNumber != 10 || rows[0].Sector != "教育界" || rows[0].Committee != "东阿县政协" {
			t.Fatalf("export first row = %+v", rows[0])
		}
		if rows[119].Role != "委员" {
			t.Fatalf("export last row = %+v", rows[119])
		}
	})
}

func TestImportMembersAllOrNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		existing, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, person("已登记", 50))
		if err != nil {
			t.Fatal(err)
		}
		good := func(line int, name string, seq int) roster.Row {
			return roster.Row{Line: line, Member: person(name, seq), Sector: "教育界"}
		}
		rows := []roster.Row{
			good(2, "甲", 1),
			{Line: 3, Member: person("乙", 2), Sector: "文艺界", SpecialCommittee: "不存在委员会"},
			good(4, "丙", 50), // registered already
			good(5, "丁", 1),  // same as row 2
			{Line: 6, Member: person("戊", 6), Sector: "经济界", Role: member.Chair},
			{Line: 7, Member: person("己", 7), Sector: "经济界", Role: member.Chair, RoleStart: app.MustDate("2020-01-01")},
			{Line: 8, Member: member.Input{Name: "", Phone: "123"}, Sector: "教育界"},
		}
		calls := 0
		n, bad, err := db.ImportMembers(ctx, w.actorA, w.countyA.ID, w.term.ID, rows, func(int) { calls++ })
		if err != nil || n != 0 {
			t.Fatalf("bad batch: n %d, err %v", n, err)
		}
		want := []roster.RowError{
			{Line: 3, Column: "界别", Message: "界别“文艺界”不存在。可选：教育界、经济界"},
			{Line: 3, Column: "专门委员会", Message: "专门委员会“不存在委员会”不存在。可选：提案委员会"},
			{Line: 4, Column: "身份证号", Message: "该身份证号已登记为本会委员"},
			{Line: 5, Column: "身份证号", Message: "与第2行的身份证号重复"},
			{Line: 7, Column: "任职开始日期"},
			{Line: 7, Column: "职务", Message: "名册中第6行已是主席，一届同一时间只能有一位主席"},
			{Line: 8, Column: "姓名", Message: "姓名不能为空"},
			{Line: 8, Column: "手机号"},
		}
		if len(bad) != len(want) {
			t.Fatalf("row errors = %+v", bad)
		}
		for i, wt := range want {
			if bad[i].Line != wt.Line || bad[i].Column != wt.Column || (wt.Message != "" && bad[i].Message != wt.Message) {
				t.Errorf("row error %d = %+v, want %+v", i, bad[i], wt)
			}
		}
		if calls != 0 {
			t.Errorf("progress called %d times for a refused batch", calls)
		}
		if _, total, err := db.FindMembers(ctx, w.actorA, store.MemberFilter{}); err != nil || total != 1 {
			t.Fatalf("refused batch wrote members: total %d, err %v", total, err)
		}
		// CheckImport reports the same without a transaction.
		if again, err := db.CheckImport(ctx, w.actorA, w.countyA.ID, w.term.ID, rows); err != nil || len(again) != len(want) {
			t.Fatalf("check: %d errors, %v", len(again), err)
		}
		// A term of another committee is refused as a whole.
		if _, _, err := db.ImportMembers(ctx, w.actorA, w.countyA.ID, w.termB.ID, rows[:1], nil); app.ErrorFields(err).Get("term_id") == "" {
			t.Fatalf("foreign term: %v", err)
		}
		if _, _, err := db.ImportMembers(ctx, w.actorB, w.countyA.ID, w.term.ID, rows[:1], nil); app.ErrorFields(err).Get("committee_id") == "" {
			t.Fatalf("foreign committee: %v", err)
		}

		var fine []roster.Row
		for i := 0; i < 250; i++ {
			r := good(i+2, fmt.Sprintf("新委员%03d", i), 100+i)
			if i == 0 {
				r.Role, r.RoleStart, r.SpecialCommittee = member.ViceChair, app.MustDate("2023-03-01"), "提案委员会"
			}
			fine = append(fine, r)
		}
		var marks []int
		n, bad, err = db.ImportMembers(ctx, w.actorA, w.countyA.ID, w.term.ID, fine, func(d int) { marks = append(marks, d) })
		if err != nil || len(bad) > 0 || n != 250 {
			t.Fatalf("good batch: n %d, bad %v, err %v", n, bad, err)
		}
		if fmt.Sprint(marks) != "[100 200 250]" {
			t.Errorf("progress marks = %v", marks)
		}
		list, total, _ := db.FindMembers(ctx, w.actorA, store.MemberFilter{TermID: w.term.ID, Role: member.ViceChair})
		if total != 1 || list[0].Name != "新委员000" || list[0].SectorName != "教育界" || list[0].Roles[0].StartDate != app.MustDate("2023-03-01") {
			t.Fatalf("imported vice-chair = %+v (total %d)", list, total)
		}
		seats, _ := db.FindMemberships(ctx, w.actorA, list[0].ID)
		if len(seats) != 1 || seats[0].SpecialCommittee != "提案委员会" || seats[0].StartDate != w.term.StartDate {
			t.Fatalf("seat = %+v", seats)
		}
		entries, total, _ := db.FindAuditEntries(ctx, auditReader(w.actorA), store.AuditFilter{Action: "import", Limit: 10})
		if total != 1 || !strings.Contains(entries[0].Summary, "250") {
			t.Fatalf("import audit = %+v", entries)
		}
		if _, all, _ := db.FindAuditEntries(ctx, auditReader(w.actorA), store.AuditFilter{Entity: "member", Limit: 1}); all != 2 {
			t.Fatalf("audit rows for members = %d, want 2 (one create, one import)", all)
		}
		_ = existing
	})
}

func TestImportJobScope(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		j, err := db.CreateImportJob(ctx, w.actorA, w.countyA.ID, "member", "名册.xlsx", 10)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindImportJob(ctx, w.actorB, j.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B sees county A's job: %v", err)
		}
		if err := db.FinishImportJob(ctx, j.ID, store.JobDone, 10, "已导入 10 名委员"); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindImportJob(ctx, w.actorC, j.ID)
		if err != nil || got.Status != store.JobDone || got.RowsDone != 10 || got.FinishedAt.IsZero() || got.FileName != "名册.xlsx" {
			t.Fatalf("job = %+v, %v", got, err)
		}
		if _, err := db.CreateImportJob(ctx, w.actorB, w.countyA.ID, "member", "x.xlsx", 1); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("job for a foreign committee: %v", err)
		}
	})
}

// BenchmarkImport10000 measures importing a roster of 10,000 members (with
// seats and roles) into an empty term, on the backend XIESHANG_TEST_DB names.
func BenchmarkImport10000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.Open(b)
		w := buildMemberWorld(b, db)
		rows := make([]roster.Row, 10000)
		for j := range rows {
			rows[j] = roster.Row{Line: j + 2, Member: person(fmt.Sprintf("委员%05d", j), j+1), Sector: "教育界"}
			if j > 0 && j <= 300 {
				rows[j].Role = member.Standing
			}
		}
		b.StartTimer()
		n, bad, err := db.ImportMembers(context.Background(), app.System, w.countyA.ID, w.term.ID, rows, nil)
		if err != nil || len(bad) > 0 || n != 10000 {
			b.Fatalf("import: %d, %v, %v", n, bad[:min(3, len(bad))], err)
		}
		b.StopTimer()
		start := time.Now()
		if _, total, err := db.FindMembers(context.Background(), w.actorA, store.MemberFilter{Sort: "role"}); err != nil || total != 10000 {
			b.Fatalf("list: %d, %v", total, err)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "list-ms")
	}
}
