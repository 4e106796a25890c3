package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// addViceChairs adds three vice-chairs whose protocol order (3, 1, 2)
// differs from their names' code-point order (丙 < 乙 < 甲), and gives 李副
// (a vice-chair without an order) a standing role with order 1, which must
// not lift them: only the top kind's order counts.
func addViceChairs(t *testing.T, db *store.DB, w meetingWorld) {
	t.Helper()
	ctx := context.Background()
	for i, v := range []struct {
		name string
		sort int
	}{{"丙副", 3}, {"甲副", 1}, {"乙副", 2}} {
		m, err := db.CreateMemberInTerm(ctx, w.actorA, w.countyA.ID, person(v.name, 400+i),
			&member.MembershipInput{TermID: w.term.ID, SectorID: w.edu.ID, StartDate: w.term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.AddRole(ctx, w.actorA, m.ID, member.RoleInput{TermID: w.term.ID, Kind: member.ViceChair,
			StartDate: w.term.StartDate, Sort: v.sort})
		if err != nil {
			t.Fatal(err)
		}
		if r.Sort != v.sort {
			t.Fatalf("%s sort = %d", v.name, r.Sort)
		}
	}
	if _, err := db.AddRole(ctx, w.actorA, w.li.ID, member.RoleInput{TermID: w.term.ID, Kind: member.Standing,
		StartDate: app.MustDate("2024-03-01"), Sort: 1}); err != nil {
		t.Fatal(err)
	}
}

func memberNames(ms []member.Member) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Name)
	}
	return strings.Join(s, " ")
}

// TestMemberRoleOrder: members of the same role list in their roles'
// protocol order (set orders first, then unset by name); the order is
// validated, changed with an audit row and scoped.
func TestMemberRoleOrder(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		addViceChairs(t, db, w)
		f := store.MemberFilter{CommitteeID: w.countyA.ID, TermID: w.term.ID, Role: member.ViceChair, Limit: 50}
		got, _, err := db.FindMembers(ctx, w.actorA, f)
		if err != nil {
			t.Fatal(err)
		}
		if names := memberNames(got); names != "甲副 乙副 丙副 李副" {
			t.Fatalf("vice-chairs in protocol order = %s", names)
		}
		// The whole list: chair, vice-chairs by order, secretary-general, …
		f.Role = ""
		got, _, err = db.FindMembers(ctx, w.actorA, f)
		if err != nil {
			t.Fatal(err)
		}
		if names := memberNames(got); !strings.HasPrefix(names, "张主席 甲副 乙副 丙副 李副 王秘 赵常") {
			t.Fatalf("protocol order = %s", names)
		}
		var bing member.Member
		for _, m := range got {
			if m.Name == "丙副" {
				bing = m
			}
		}
		roles, err := db.FindRoles(ctx, w.actorA, bing.ID)
		if err != nil || len(roles) != 1 || roles[0].Sort != 3 {
			t.Fatalf("roles of 丙副 = %+v, %v", roles, err)
		}
		id := roles[0].ID

		// Validation: 0–999, also on AddRole.
		for _, bad := range []int{-1, 1000} {
			err := db.UpdateRoleSort(ctx, w.actorA, id, bad)
			if app.ErrorFields(err).Get("sort") == "" {
				t.Fatalf("sort %d: %v", bad, err)
			}
		}
		_, err = db.AddRole(ctx, w.actorA, bing.ID, member.RoleInput{TermID: w.term.ID, Kind: member.Standing,
			StartDate: w.term.StartDate, Sort: 1000})
		if app.ErrorFields(err).Get("sort") == "" {
			t.Fatalf("add role with sort 1000: %v", err)
		}
		// Out of scope: not found, nothing changed.
		if err := db.UpdateRoleSort(ctx, w.actorB, id, 1); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other county: %v", err)
		}
		// 丙副 first.
		if err := db.UpdateRoleSort(ctx, w.actorA, id, 0); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateRoleSort(ctx, w.actorA, id, 1); err != nil {
			t.Fatal(err)
		}
		r, err := db.FindRoleByID(ctx, w.actorA, id)
		if err != nil || r.Sort != 1 {
			t.Fatalf("stored sort = %+v, %v", r, err)
		}
		f.Role = member.ViceChair
		got, _, err = db.FindMembers(ctx, w.actorA, f)
		if err != nil {
			t.Fatal(err)
		}
		// 甲副 and 丙副 both 1: by name (code point).
		if names := memberNames(got); names != "丙副 甲副 乙副 李副" {
			t.Fatalf("after the change = %s", names)
		}
		entries, _, err := db.FindAuditEntries(ctx, auditReader(w.actorA), store.AuditFilter{Entity: "member", EntityID: bing.ID, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var summaries []string
		for _, e := range entries {
			summaries = append(summaries, e.Summary)
		}
		all := strings.Join(summaries, "|")
		if !strings.Contains(all, "丙副 副主席排序改为1") || !strings.Contains(all, "丙副 副主席排序改为不指定") {
			t.Fatalf("audit = %s", all)
		}
	})
}

// TestMeetingSeatingRoleOrder: the rostrum puts vice-chairs in their
// protocol order, before and after the meeting opens.
func TestMeetingSeatingRoleOrder(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		addViceChairs(t, db, w)
		m := mustMeeting(t, db, w.actorA, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
			StartsAt: w.at("2024-06-10", 9, 0)})
		s, err := db.FindSeating(ctx, w.actorA, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := rostrumNames(s.Protocol); got != "张主席 甲副 乙副 丙副 李副 王秘" {
			t.Fatalf("protocol = %s", got)
		}
		// Six on the rostrum, seen from the audience: 5 3 1 2 4 6.
		if got := rostrumNames(s.Rostrum); got != "李副 乙副 张主席 甲副 丙副 王秘" {
			t.Fatalf("rostrum = %s", got)
		}
		if _, err := db.OpenMeeting(ctx, w.actorA, m.ID); err != nil {
			t.Fatal(err)
		}
		s, err = db.FindSeating(ctx, w.actorA, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := rostrumNames(s.Protocol); got != "张主席 甲副 乙副 丙副 李副 王秘" {
			t.Fatalf("protocol once open = %s", got)
		}
	})
}
