package store_test

import (
	"context"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func names(ms []member.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

// The member list's cached order follows every change: a rename, a new
// member, a role that moves someone up the protocol order.
func TestMemberListCacheFollowsChanges(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMemberWorld(t, db)
		var ids []int64
		for i, n := range []string{"乙", "丙", "丁"} {
			m, err := db.CreateMember(ctx, w.actorA, w.countyA.ID, person(n, 10+i))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddMembership(ctx, w.actorA, m.ID, member.MembershipInput{TermID: w.term.ID, SectorID: w.edu.ID,
				StartDate: w.term.StartDate}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		list := func(f store.MemberFilter) []string {
			t.Helper()
			f.Limit = 2
			ms, total, err := db.FindMembers(ctx, w.actorA, f)
			if err != nil {
				t.Fatal(err)
			}
			if total != 3 {
				t.Fatalf("total = %d", total)
			}
			return names(ms)
		}
		byName := store.MemberFilter{Sort: "name"}
		first := list(byName)
		if len(first) != 2 {
			t.Fatalf("page = %v", first)
		}
		// Reading again gives the same page (from the cache).
		if again := list(byName); again[0] != first[0] || again[1] != first[1] {
			t.Fatalf("second read %v != %v", again, first)
		}
		// Rename the last member so it sorts first: the next read shows it.
		m, _ := db.FindMemberByID(ctx, w.actorA, ids[0]) // 乙 sorts last
		in := person("一", 10)                            // U+4E00 sorts before every other name
		in.Workplace = m.Workplace
		if _, err := db.UpdateMember(ctx, w.actorA, ids[0], in); err != nil {
			t.Fatal(err)
		}
		all := names(mustFind(t, db, w.actorA, byName))
		if all[0] != "一" {
			t.Fatalf("after rename, order = %v", all)
		}
		// A role moves a member to the top of the protocol order.
		if _, err := db.AddRole(ctx, w.actorA, ids[1], member.RoleInput{TermID: w.term.ID, Kind: member.ViceChair,
			StartDate: w.term.StartDate}); err != nil {
			t.Fatal(err)
		}
		if top := names(mustFind(t, db, w.actorA, store.MemberFilter{})); top[0] != "丙" {
			t.Fatalf("after role, protocol order = %v", top)
		}
	})
}

func mustFind(t *testing.T, db *store.DB, a app.Actor, f store.MemberFilter) []member.Member {
	t.Helper()
	ms, _, err := db.FindMembers(context.Background(), a, f)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// A change written through another handle on the same database (another app
// node) is seen too: the cache checks the data version on every read.
func TestMemberListCacheSeesOtherNodes(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	open := func() *store.DB { return storetest.OpenDSN(t, dsn) }
	a, b := open(), open()
	w := buildMemberWorld(t, a)
	b.Now = a.Now
	if _, err := a.CreateMember(ctx, w.actorA, w.countyA.ID, person("甲", 1)); err != nil {
		t.Fatal(err)
	}
	if got := names(mustFind(t, a, w.actorA, store.MemberFilter{Sort: "name"})); len(got) != 1 {
		t.Fatalf("node a sees %v", got)
	}
	if _, err := b.CreateMember(ctx, w.actorA, w.countyA.ID, person("乙", 2)); err != nil {
		t.Fatal(err)
	}
	if got := names(mustFind(t, a, w.actorA, store.MemberFilter{Sort: "name"})); len(got) != 2 {
		t.Fatalf("node a after node b's insert sees %v", got)
	}
}

func dataVersion(t *testing.T, db *store.DB) int64 {
	t.Helper()
	v, err := db.DataVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The data version advances with every change and with nothing else: an
// audited read (an export, a sign-in, a failed one, a household viewed)
// leaves it, while the audit version, which the audit log's page follows,
// counts those too.
func TestDataVersionCountsChangesNotReads(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		city, err := db.CreateOrg(ctx, app.System, org.Input{Kind: org.City, Name: "版本市政协"})
		if err != nil {
			t.Fatal(err)
		}
		county, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: city.ID, Kind: org.County, Name: "版本县政协"})
		if err != nil {
			t.Fatal(err)
		}
		town, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: county.ID, Kind: org.Township, Name: "版本镇"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateAccount(ctx, app.System, auth.AccountInput{Username: "reader", DisplayName: "读者",
			Role: auth.Office, OrgID: city.ID, Password: "Versi0n-pass-2026"}); err != nil {
			t.Fatal(err)
		}
		h, err := db.CreateHousehold(ctx, app.System, store.HouseholdInput{OrgID: town.ID, HeadName: "版本户",
			RegisteredOn: app.MustDate("2024-01-02")})
		if err != nil {
			t.Fatal(err)
		}
		auditVersion := func() int64 {
			t.Helper()
			v, err := db.AuditVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		v, av := dataVersion(t, db), auditVersion()
		if _, _, err := db.Login(ctx, "reader", "Versi0n-pass-2026", "10.0.0.1", "test"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Login(ctx, "reader", "wrong", "10.0.0.1", "test"); err == nil {
			t.Fatal("a wrong password signed in")
		}
		if _, err := db.FindHouseholdByID(ctx, app.System, h.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := db.AuditRead(ctx, app.System, store.Change{Action: "export", Entity: "member", Summary: "导出"}); err != nil {
			t.Fatal(err)
		}
		if got := dataVersion(t, db); got != v {
			t.Fatalf("reads moved the data version from %d to %d", v, got)
		}
		if got := auditVersion(); got != av+4 {
			t.Fatalf("audit version %d after four audited reads from %d", got, av)
		}
		err = db.AuditRead(ctx, app.System, store.Change{Action: "update", Entity: "org", Summary: "改"})
		if app.ErrorCode(err) != app.EINTERNAL {
			t.Fatalf("a change written as a read: %v", err)
		}
		if _, err := db.UpdateHousehold(ctx, app.System, h.ID, store.HouseholdInput{OrgID: town.ID, HeadName: "版本户改",
			RegisteredOn: app.MustDate("2024-01-02")}); err != nil {
			t.Fatal(err)
		}
		if got := dataVersion(t, db); got != v+1 {
			t.Fatalf("a change moved the data version from %d to %d, want +1", v, got)
		}
	})
}
