package store_test

import (
	"context"
	"testing"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func termIn(n int, start, end string) org.TermInput {
	in := org.TermInput{Number: n, StartDate: app.MustDate(start)}
	if end != "" {
		in.EndDate = app.MustDate(end)
	}
	return in
}

func TestTermCreateFindCurrent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		a := actorAt(tr.countyA)
		t12, err := db.CreateTerm(ctx, a, tr.countyA.ID, termIn(12, "2017-01-08", "2022-01-09"))
		if err != nil {
			t.Fatal(err)
		}
		t13, err := db.CreateTerm(ctx, a, tr.countyA.ID, termIn(13, "2022-01-10", ""))
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.FindTerms(ctx, a, tr.countyA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != t13.ID || list[1].ID != t12.ID {
			t.Fatalf("terms = %+v, want 13 then 12", list)
		}
		got, err := db.FindTermByID(ctx, a, t12.ID)
		if err != nil || got.EndDate != app.MustDate("2022-01-09") || got.CommitteeID != tr.countyA.ID {
			t.Fatalf("find term 12 = %+v, %v", got, err)
		}
		for day, want := range map[string]int64{"2017-01-08": t12.ID, "2022-01-09": t12.ID, "2022-01-10": t13.ID, "2030-05-01": t13.ID} {
			cur, err := db.CurrentTerm(ctx, a, tr.countyA.ID, app.MustDate(day))
			if err != nil || cur.ID != want {
				t.Errorf("current term on %s = %+v, %v; want id %d", day, cur, err, want)
			}
		}
		if _, err := db.CurrentTerm(ctx, a, tr.countyA.ID, app.MustDate("2010-01-01")); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("current term before the first: %v, want not found", err)
		}
		// The creation is in the audit log of the county's chain.
		entries, _, err := db.FindAuditEntries(ctx, auditReader(a), store.AuditFilter{Entity: "term", EntityID: t13.ID})
		if err != nil || len(entries) != 1 || entries[0].Summary != "新建届次 东阿县政协第十三届" || entries[0].Chain != tr.countyA.ID {
			t.Fatalf("audit = %+v, %v", entries, err)
		}
	})
}

func TestTermRules(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		a := actorAt(tr.countyA)
		t12, err := db.CreateTerm(ctx, a, tr.countyA.ID, termIn(12, "2017-01-08", ""))
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			in    org.TermInput
			field string
		}{
			{"overlaps the running term", termIn(13, "2022-01-10", ""), "start_date"},
			{"duplicate number", termIn(12, "2030-01-01", ""), "number"},
			{"end before start", termIn(13, "2022-01-10", "2020-01-01"), "end_date"},
		}
		for _, c := range cases {
			_, err := db.CreateTerm(ctx, a, tr.countyA.ID, c.in)
			if app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err).Get(c.field) == "" {
				t.Errorf("%s: err = %v, want field error on %s", c.name, err, c.field)
			}
		}
		// Closing the running term makes room for the next.
		if _, err := db.UpdateTerm(ctx, a, t12.ID, termIn(12, "2017-01-08", "2022-01-09")); err != nil {
			t.Fatal(err)
		}
		t13, err := db.CreateTerm(ctx, a, tr.countyA.ID, termIn(13, "2022-01-10", ""))
		if err != nil {
			t.Fatal(err)
		}
		// Editing one term into the other's dates is refused.
		if _, err := db.UpdateTerm(ctx, a, t13.ID, termIn(13, "2021-01-10", "")); app.ErrorFields(err).Get("start_date") == "" {
			t.Errorf("update into overlap: %v", err)
		}
		// Only committees have terms.
		if _, err := db.CreateTerm(ctx, a, tr.town.ID, termIn(1, "2020-01-01", "")); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("term for a township: %v, want invalid", err)
		}
		if _, err := db.FindTerms(ctx, a, tr.town.ID); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("terms of a township: %v, want invalid", err)
		}
		// The city sees county A's terms; county B does not, and cannot change them.
		if list, err := db.FindTerms(ctx, actorAt(tr.city), tr.countyA.ID); err != nil || len(list) != 2 {
			t.Errorf("city reads county A's terms: %v, %v", list, err)
		}
		b := actorAt(tr.countyB)
		if _, err := db.FindTermByID(ctx, b, t12.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("county B reads A's term: %v", err)
		}
		if _, err := db.FindTerms(ctx, b, tr.countyA.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("county B lists A's terms: %v", err)
		}
		if _, err := db.UpdateTerm(ctx, b, t12.ID, termIn(12, "2017-01-08", "2022-01-09")); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("county B updates A's term: %v", err)
		}
		if _, err := db.CreateTerm(ctx, b, tr.countyA.ID, termIn(14, "2027-01-10", "")); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("county B creates a term for A: %v", err)
		}
		if _, err := db.CurrentTerm(ctx, b, tr.countyA.ID, app.MustDate("2023-01-01")); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("county B reads A's current term: %v", err)
		}
	})
}

// seat puts a member into a term with a sector and special committee (the
// member store is another area's; plain SQL keeps this test independent).
func seat(t *testing.T, db *store.DB, committee, term, sector, special int64) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	if err := db.TermTestExec(ctx, `INSERT INTO member (committee_id, name, created_at, updated_at) VALUES ($1, '张三', $2, $2)`,
		committee, now); err != nil {
		t.Fatal(err)
	}
	if err := db.TermTestExec(ctx, `INSERT INTO term_member (committee_id, term_id, member_id, sector_id, special_committee_id, start_date)
		SELECT $1, $2, MAX(id), $3, $4, '2022-01-10' FROM member`, committee, term, sector, special); err != nil {
		t.Fatal(err)
	}
}

func TestSectors(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		a := actorAt(tr.countyA)
		s1, err := db.CreateSector(ctx, a, tr.countyA.ID, org.NamedInput{Name: " 教育界 ", Sort: 20})
		if err != nil || s1.Name != "教育界" {
			t.Fatalf("create = %+v, %v", s1, err)
		}
		s2, err := db.CreateSector(ctx, a, tr.countyA.ID, org.NamedInput{Name: "民革", Sort: 10})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateSector(ctx, a, tr.countyA.ID, org.NamedInput{Name: "民革"}); app.ErrorFields(err).Get("name") != "已有同名界别" {
			t.Errorf("duplicate: %v", err)
		}
		if _, err := db.CreateSector(ctx, a, tr.countyA.ID, org.NamedInput{Name: " "}); app.ErrorFields(err).Get("name") != "名称不能为空" {
			t.Errorf("empty: %v", err)
		}
		// The same name in another committee is fine.
		if _, err := db.CreateSector(ctx, app.System, tr.countyB.ID, org.NamedInput{Name: "民革"}); err != nil {
			t.Errorf("same name in county B: %v", err)
		}
		list, err := db.FindSectors(ctx, a, tr.countyA.ID)
		if err != nil || len(list) != 2 || list[0].ID != s2.ID || list[1].ID != s1.ID {
			t.Fatalf("sectors = %+v, %v; want sorted 民革, 教育界", list, err)
		}
		if _, err := db.UpdateSector(ctx, a, s1.ID, org.NamedInput{Name: "民革"}); app.ErrorFields(err).Get("name") == "" {
			t.Errorf("rename to a taken name: %v", err)
		}
		if u, err := db.UpdateSector(ctx, a, s1.ID, org.NamedInput{Name: "教育界别", Sort: 5}); err != nil || u.Name != "教育界别" {
			t.Errorf("rename: %+v, %v", u, err)
		}
		// Scope: county B neither sees nor changes A's sectors.
		b := actorAt(tr.countyB)
		if _, err := db.FindSectorByID(ctx, b, s1.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("B reads A's sector: %v", err)
		}
		if _, err := db.UpdateSector(ctx, b, s1.ID, org.NamedInput{Name: "x"}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("B renames A's sector: %v", err)
		}
		if err := db.DeleteSector(ctx, b, s1.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("B deletes A's sector: %v", err)
		}
		// A sector in use is kept.
		term, err := db.CreateTerm(ctx, a, tr.countyA.ID, termIn(13, "2022-01-10", ""))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := db.CreateSpecialCommittee(ctx, a, tr.countyA.ID, org.NamedInput{Name: "提案委员会"})
		if err != nil {
			t.Fatal(err)
		}
		seat(t, db, tr.countyA.ID, term.ID, s2.ID, sc.ID)
		if err := db.DeleteSector(ctx, a, s2.ID); app.ErrorCode(err) != app.ECONFLICT {
			t.Errorf("delete sector in use: %v, want conflict", err)
		}
		if err := db.DeleteSpecialCommittee(ctx, a, sc.ID); app.ErrorCode(err) != app.ECONFLICT {
			t.Errorf("delete special committee in use: %v, want conflict", err)
		}
		if err := db.DeleteSector(ctx, a, s1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSectorByID(ctx, a, s1.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("deleted sector still found: %v", err)
		}
		entries, _, err := db.FindAuditEntries(ctx, auditReader(a), store.AuditFilter{Entity: "sector", EntityID: s1.ID})
		if err != nil || len(entries) != 3 {
			t.Errorf("audit of sector: %d entries, %v; want create, update, delete", len(entries), err)
		}
	})
}

func TestSpecialCommittees(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		a := actorAt(tr.city)
		sc, err := db.CreateSpecialCommittee(ctx, a, tr.city.ID, org.NamedInput{Name: "经济委员会"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateSpecialCommittee(ctx, a, tr.city.ID, org.NamedInput{Name: "经济委员会"}); app.ErrorFields(err).Get("name") != "已有同名专门委员会" {
			t.Errorf("duplicate: %v", err)
		}
		if _, err := db.UpdateSpecialCommittee(ctx, a, sc.ID, org.NamedInput{Name: "经济和科技委员会"}); err != nil {
			t.Fatal(err)
		}
		list, err := db.FindSpecialCommittees(ctx, a, tr.city.ID)
		if err != nil || len(list) != 1 || list[0].Name != "经济和科技委员会" {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if _, err := db.FindSpecialCommitteeByID(ctx, actorAt(tr.countyA), sc.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("county reads the city's special committee: %v", err)
		}
		if _, err := db.CreateSpecialCommittee(ctx, a, tr.village.ID, org.NamedInput{Name: "x"}); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("special committee for a village: %v", err)
		}
		if err := db.DeleteSpecialCommittee(ctx, a, sc.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.FindSpecialCommittees(ctx, a, tr.city.ID); len(list) != 0 {
			t.Errorf("after delete: %+v", list)
		}
	})
}

func TestSeedDefaults(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := buildTree(t, db)
		a := actorAt(tr.countyA)
		if _, err := db.CreateSector(ctx, a, tr.countyA.ID, org.NamedInput{Name: "民革", Sort: 500}); err != nil {
			t.Fatal(err)
		}
		got, err := db.SeedDefaults(ctx, a, tr.countyA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Sectors) != len(org.DefaultSectors)-1 || len(got.SpecialCommittees) != len(org.DefaultSpecialCommittees) {
			t.Fatalf("added %d sectors, %d special committees", len(got.Sectors), len(got.SpecialCommittees))
		}
		list, err := db.FindSectors(ctx, a, tr.countyA.ID)
		if err != nil || len(list) != len(org.DefaultSectors) || list[0].Name != "民革" || list[1].Name != "中国共产党" {
			t.Fatalf("sectors after seeding: %d, first %+v, %v", len(list), list[:2], err)
		}
		again, err := db.SeedDefaults(ctx, a, tr.countyA.ID)
		if err != nil || len(again.Sectors)+len(again.SpecialCommittees) != 0 {
			t.Fatalf("second seed added %+v, %v", again, err)
		}
		if _, err := db.SeedDefaults(ctx, actorAt(tr.countyB), tr.countyA.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("county B seeds A: %v", err)
		}
		if err := db.ArchiveOrg(ctx, app.System, tr.countyB.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SeedDefaults(ctx, app.System, tr.countyB.ID); app.ErrorCode(err) != app.ECONFLICT {
			t.Errorf("seed an archived committee: %v, want conflict", err)
		}
	})
}
