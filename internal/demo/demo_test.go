package demo

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/org"
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
			{member.ViceChair, "", 7},
			{member.SecretaryGeneral, "", 1},
			{member.Standing, "", 40},
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
		wantUsers := []string{"admin", "office", "office-dl", "leader", "member", "coordinator", "cadre", "unit"}
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
