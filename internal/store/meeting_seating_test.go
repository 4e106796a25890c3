package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

func rostrumNames(seats []store.RostrumSeat) string {
	var s []string
	for _, x := range seats {
		s = append(s, x.Name)
	}
	return strings.Join(s, " ")
}

func hallPlan(blocks []meeting.HallBlock) string {
	var parts []string
	for _, b := range blocks {
		var seats []string
		for _, s := range b.Seats {
			seats = append(seats, fmt.Sprintf("%d.%d%s", s.Row, s.Seat, s.Name))
		}
		parts = append(parts, b.Sector+": "+strings.Join(seats, " "))
	}
	return strings.Join(parts, "; ")
}

// TestMeetingSeating: the rostrum from the roles on the day and the invited
// guests, under both conventions; the hall by sector blocks; settings and
// guest order as data; scoping; a closed meeting's seating is history.
func TestMeetingSeating(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildMeetingWorld(t, db)
		a := w.actorA
		// One more member, in 经济界 (sort 20, after 教育界's 10).
		feng, err := db.CreateMemberInTerm(ctx, a, w.countyA.ID, person("冯经", 301),
			&member.MembershipInput{TermID: w.term.ID, SectorID: w.econ.ID, StartDate: w.term.StartDate})
		if err != nil {
			t.Fatal(err)
		}
		m := mustMeeting(t, db, a, w.countyA.ID, meeting.Input{TermID: w.term.ID, Kind: meeting.Plenary,
			StartsAt: w.at("2024-06-10", 9, 0)})

		s, err := db.FindSeating(ctx, a, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Settings != store.DefaultSeating {
			t.Fatalf("default settings = %+v", s.Settings)
		}
		// No. 1 in the centre, No. 2 on the audience's right (以左为尊).
		if got := rostrumNames(s.Rostrum); got != "王秘 张主席 李副" {
			t.Fatalf("rostrum = %s", got)
		}
		if s.Protocol[0].Name != "张主席" || s.Protocol[0].No != 1 || s.Protocol[0].Title != "主席" || s.Protocol[0].MemberID != w.zhang.ID {
			t.Fatalf("No. 1 = %+v", s.Protocol[0])
		}
		want := "教育界: 1.1赵常 1.2孙委 1.3钱委; 经济界: 2.1冯经"
		if got := hallPlan(s.Hall); got != want {
			t.Fatalf("hall = %s, want %s", got, want)
		}

		add := func(name, position string, kind store.GuestKind) store.Guest {
			g, err := db.AddGuest(ctx, a, m.ID, store.GuestInput{Name: name, Position: position, Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		secretary := add("孙书记", "中共东阿县委书记", store.GuestInvited)
		mayor := add("李县长", "东阿县人民政府县长", store.GuestInvited)
		attending := add("周列席", "县发改局局长", store.GuestAttending)

		s, err = db.FindSeating(ctx, a, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Invited first: 孙书记 李县长 张主席 李副 王秘 → E C A B D.
		if got := rostrumNames(s.Rostrum); got != "王秘 张主席 孙书记 李县长 李副" {
			t.Fatalf("rostrum with guests = %s", got)
		}
		if len(s.Guests) != 2 || s.Guests[0].ID != secretary.ID || !s.Guests[0].OnRostrum {
			t.Fatalf("invited guests = %+v", s.Guests)
		}
		if p := s.Protocol[0]; !p.Invited || p.Title != "中共东阿县委书记" || p.GuestID != secretary.ID {
			t.Fatalf("No. 1 = %+v", p)
		}

		// The mirror convention, invited leaders after the committee's own, two seats a row.
		set := store.SeatingSettings{Convention: meeting.RightHandSecond, SeatsPerRow: 2}
		set.Convention.InvitedFirst = false
		if _, err := db.SaveSeating(ctx, a, m.ID, set); err != nil {
			t.Fatal(err)
		}
		s, err = db.FindSeating(ctx, a, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Settings != set {
			t.Fatalf("saved settings = %+v, want %+v", s.Settings, set)
		}
		// 张主席 李副 王秘 孙书记 李县长 → D B A C E.
		if got := rostrumNames(s.Rostrum); got != "孙书记 李副 张主席 王秘 李县长" {
			t.Fatalf("mirrored rostrum = %s", got)
		}
		want = "教育界: 1.1赵常 1.2孙委 2.1钱委; 经济界: 3.1冯经"
		if got := hallPlan(s.Hall); got != want {
			t.Fatalf("hall in rows of 2 = %s, want %s", got, want)
		}
		// Saving again updates the one row.
		set.SeatsPerRow = 30
		if _, err := db.SaveSeating(ctx, a, m.ID, set); err != nil {
			t.Fatal(err)
		}
		if s, _ := db.FindSeating(ctx, a, m.ID); s.Settings.SeatsPerRow != 30 {
			t.Fatalf("seats per row after the second save = %d", s.Settings.SeatsPerRow)
		}

		_, err = db.SaveSeating(ctx, a, m.ID, store.SeatingSettings{Convention: meeting.SeatingConvention{OddSecond: "centre"}})
		wantErr(t, "bad settings", err, app.EINVALID, "odd_second", "单数")
		fields := app.ErrorFields(err)
		if fields.Get("even_second") == "" || !strings.Contains(fields.Get("seats_per_row"), "每排座位数") {
			t.Fatalf("bad settings fields = %+v", fields)
		}

		// Guests: move the mayor up, take the secretary off the rostrum.
		if err := db.MoveRostrumGuest(ctx, a, m.ID, mayor.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveRostrumGuest(ctx, a, m.ID, mayor.ID, true); err != nil { // already first: nothing
			t.Fatal(err)
		}
		guests, err := db.FindGuests(ctx, a, m.ID)
		if err != nil || len(guests) != 3 || guests[0].ID != mayor.ID || guests[0].Sort != 1 || guests[1].Sort != 2 {
			t.Fatalf("guests after the move = %+v %v", guests, err)
		}
		if err := db.SetGuestOnRostrum(ctx, a, m.ID, secretary.ID, false); err != nil {
			t.Fatal(err)
		}
		s, err = db.FindSeating(ctx, a, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 张主席 李副 王秘 李县长 → D B A C (even count, RightHandSecond).
		if got := rostrumNames(s.Rostrum); got != "李县长 李副 张主席 王秘" {
			t.Fatalf("rostrum without the secretary = %s", got)
		}
		if len(s.Guests) != 2 || s.Guests[1].OnRostrum {
			t.Fatalf("guests = %+v", s.Guests)
		}
		err = db.MoveRostrumGuest(ctx, a, m.ID, attending.ID, true)
		wantErr(t, "move a 列席 guest", err, app.ENOTFOUND, "", "应邀出席人员")

		entries, _, err := db.FindAuditEntries(ctx, auditReader(a), store.AuditFilter{Entity: "meeting", EntityID: m.ID, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var summaries []string
		for _, e := range entries {
			summaries = append(summaries, e.Summary)
		}
		all := strings.Join(summaries, "\n")
		for _, s := range []string{"修改座次设置", "李县长 上移", "孙书记不在主席台就座"} {
			if !strings.Contains(all, s) {
				t.Errorf("audit lacks %q:\n%s", s, all)
			}
		}

		// Scoping: county B sees nothing and changes nothing.
		b := w.actorB
		if _, err := db.FindSeating(ctx, b, m.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B reads: %v", err)
		}
		if _, err := db.SaveSeating(ctx, b, m.ID, store.DefaultSeating); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B saves: %v", err)
		}
		if err := db.MoveRostrumGuest(ctx, b, m.ID, mayor.ID, false); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B moves: %v", err)
		}
		if err := db.SetGuestOnRostrum(ctx, b, m.ID, secretary.ID, true); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("county B seats: %v", err)
		}

		// Once open, the frozen body decides; once closed, nothing changes.
		if _, err := db.OpenMeeting(ctx, a, m.ID); err != nil {
			t.Fatal(err)
		}
		if s, err := db.FindSeating(ctx, a, m.ID); err != nil || rostrumNames(s.Rostrum) != "李县长 李副 张主席 王秘" ||
			len(s.Hall) != 2 || s.Hall[1].Seats[0].ID != feng.ID {
			t.Fatalf("seating of the open meeting = %+v %v", s, err)
		}
		if _, err := db.CloseMeeting(ctx, a, m.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.SaveSeating(ctx, a, m.ID, store.DefaultSeating)
		wantErr(t, "closed meeting", err, app.ECONFLICT, "", "会议已结束")
		err = db.MoveRostrumGuest(ctx, a, m.ID, secretary.ID, true)
		wantErr(t, "closed meeting move", err, app.ECONFLICT, "", "会议已结束")
	})
}
