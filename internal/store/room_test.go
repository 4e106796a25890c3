package store_test

import (
	"context"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// roomWorld is buildTree's tree with more communities under 铜城街道, a
// township with two villages in the other county, and members in both.
type roomWorld struct {
	tree
	v2, v3, otherTown, otherVillage org.Org
	m1, m2, mB                      member.Member
	office, officeB, coord          app.Actor
}

func buildRoomWorld(t *testing.T, db *store.DB) roomWorld {
	t.Helper()
	ctx := context.Background()
	w := roomWorld{tree: buildTree(t, db)}
	mk := func(parent int64, k org.Kind, name string) org.Org {
		t.Helper()
		o, err := db.CreateOrg(ctx, app.System, org.Input{ParentID: parent, Kind: k, Name: name})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	w.v2 = mk(w.town.ID, org.Village, "后街社区")
	w.v3 = mk(w.town.ID, org.Village, "南关社区")
	w.otherTown = mk(w.countyB.ID, org.Township, "七级镇")
	w.otherVillage = mk(w.otherTown.ID, org.Village, "七级村")
	w.office, w.officeB = actorAt(w.countyA), actorAt(w.countyB)
	w.coord = actorAt(w.town)
	w.coord.Role = "coordinator"
	var err error
	if w.m1, err = db.CreateMember(ctx, w.office, w.countyA.ID, person("王建国", 1)); err != nil {
		t.Fatal(err)
	}
	if w.m2, err = db.CreateMember(ctx, w.office, w.countyA.ID, person("李秀英", 2)); err != nil {
		t.Fatal(err)
	}
	if w.mB, err = db.CreateMember(ctx, w.officeB, w.countyB.ID, person("赵强", 3)); err != nil {
		t.Fatal(err)
	}
	return w
}

func auditCount(t *testing.T, db *store.DB) int {
	t.Helper()
	_, total, err := db.FindAuditEntries(context.Background(), app.System, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func roomCount(t *testing.T, db *store.DB) int {
	t.Helper()
	_, total, err := db.FindRooms(context.Background(), app.System, store.RoomFilter{IncludeArchived: true})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func TestRoomCreateEditAndScope(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildRoomWorld(t, db)
		town, err := db.CreateRoom(ctx, w.office, consult.RoomInput{OrgID: w.town.ID, Name: "铜城街道协商议事室",
			Brand: "有事好商量", Address: "铜城街道办事处二楼", Coordinator: "刘芳", CoordinatorPhone: "138-1234-5678",
			Established: app.MustDate("2020-05-12"), VillageIDs: []int64{w.v2.ID, w.v3.ID, w.v2.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if town.CommitteeID != w.countyA.ID || town.CoordinatorPhone != "13812345678" || town.VillageNames() != "后街社区、南关社区" {
			t.Fatalf("created %+v", town)
		}
		village, err := db.CreateRoom(ctx, w.office, consult.RoomInput{OrgID: w.village.ID, Name: "前街社区议事室", Brand: "嘉事好商量"})
		if err != nil {
			t.Fatal(err)
		}
		if len(village.Villages) != 1 || village.Villages[0].ID != w.village.ID {
			t.Fatalf("a village room serves its village by default: %+v", village.Villages)
		}

		// Scope: the township's coordinator sees both; the other county neither.
		list, total, err := db.FindRooms(ctx, w.coord, store.RoomFilter{})
		if err != nil || total != 2 || len(list) != 2 || list[0].Name != "铜城街道协商议事室" {
			t.Fatalf("coordinator's rooms %d %+v %v", total, list, err)
		}
		if _, err := db.FindRoomByID(ctx, w.officeB, town.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other county reads the room: %v", err)
		}
		if _, err := db.UpdateRoom(ctx, w.officeB, town.ID, consult.RoomInput{Name: "改名"}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other county edits the room: %v", err)
		}
		if _, _, err := db.FindRooms(ctx, w.officeB, store.RoomFilter{OrgID: w.town.ID}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other county filters by a township it does not see: %v", err)
		}
		list, _, _ = db.FindRooms(ctx, w.office, store.RoomFilter{OrgID: w.village.ID})
		if len(list) != 1 || list[0].ID != village.ID {
			t.Fatalf("filter by village: %+v", list)
		}
		list, _, _ = db.FindRooms(ctx, w.office, store.RoomFilter{Name: "嘉事"})
		if len(list) != 1 || list[0].ID != village.ID {
			t.Fatalf("filter by brand: %+v", list)
		}

		// Bad input is refused with a field and nothing is written.
		rooms, audits := roomCount(t, db), auditCount(t, db)
		for _, tc := range []struct {
			in    consult.RoomInput
			field string
			msg   string
		}{
			{consult.RoomInput{OrgID: w.countyA.ID, Name: "县议事室"}, "org_id", "只能设在乡镇(街道)或村(社区)"},
			{consult.RoomInput{OrgID: w.otherTown.ID, Name: "七级镇协商议事室"}, "org_id", "管辖范围"},
			{consult.RoomInput{OrgID: w.town.ID, Name: "铜城街道协商议事室"}, "name", "同名"},
			{consult.RoomInput{OrgID: w.town.ID, Name: "联建议事室", VillageIDs: []int64{w.otherVillage.ID}}, "village_ids", "本乡镇"},
			{consult.RoomInput{OrgID: w.town.ID, Name: "", CoordinatorPhone: "abc"}, "name", "不能为空"},
		} {
			_, err := db.CreateRoom(ctx, w.office, tc.in)
			if got := app.ErrorFields(err).Get(tc.field); !strings.Contains(got, tc.msg) {
				t.Errorf("%+v: %v; want %s %s", tc.in, err, tc.field, tc.msg)
			}
		}
		if roomCount(t, db) != rooms || auditCount(t, db) != audits {
			t.Fatal("a refused room wrote something")
		}

		// Edit: served villages change, the organisation stays; archiving hides it.
		town2, err := db.UpdateRoom(ctx, w.office, town.ID, consult.RoomInput{OrgID: w.otherTown.ID, Name: "铜城街道协商议事室",
			Brand: "有事好商量", VillageIDs: []int64{w.village.ID}, Archived: true})
		if err != nil {
			t.Fatal(err)
		}
		if town2.OrgID != w.town.ID || !town2.Archived || town2.VillageNames() != "前街社区" || town2.Coordinator != "" {
			t.Fatalf("updated %+v", town2)
		}
		if _, total, _ := db.FindRooms(ctx, w.office, store.RoomFilter{}); total != 1 {
			t.Fatalf("archived room listed: %d", total)
		}
		entries, _, _ := db.FindAuditEntries(ctx, auditReader(w.office), store.AuditFilter{Entity: "room", EntityID: town.ID})
		if len(entries) != 2 {
			t.Fatalf("audit rows for the room: %d", len(entries))
		}
	})
}

func dutyOf(t *testing.T, db *store.DB, m member.Member) []store.DutyEvent {
	t.Helper()
	ev, _, err := db.FindDutyEvents(context.Background(), app.System, store.DutyFilter{MemberID: m.ID, Kind: store.DutyRoomActivity})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestRoomMembersActivitiesAndDuty(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildRoomWorld(t, db)
		room, err := db.CreateRoom(ctx, w.office, consult.RoomInput{OrgID: w.town.ID, Name: "铜城街道协商议事室",
			VillageIDs: []int64{w.village.ID, w.v2.ID}})
		if err != nil {
			t.Fatal(err)
		}
		// 委员下沉: a member of the room's committee, periods not overlapping.
		as, err := db.AssignRoomMember(ctx, w.office, room.ID, consult.RoomMemberInput{MemberID: w.m1.ID, From: app.MustDate("2024-01-01")})
		if err != nil || as.MemberName != "王建国" {
			t.Fatalf("assign: %+v %v", as, err)
		}
		if _, err := db.AssignRoomMember(ctx, w.office, room.ID, consult.RoomMemberInput{MemberID: w.m1.ID,
			From: app.MustDate("2024-03-01")}); !strings.Contains(app.ErrorFields(err).Get("member_id"), "已下沉") {
			t.Fatalf("overlapping assignment: %v", err)
		}
		if _, err := db.AssignRoomMember(ctx, w.office, room.ID, consult.RoomMemberInput{MemberID: w.mB.ID,
			From: app.MustDate("2024-03-01")}); !strings.Contains(app.ErrorFields(err).Get("member_id"), "不是本议事室所属政协") {
			t.Fatalf("another county's member: %v", err)
		}
		choices, err := db.FindRoomMemberChoices(ctx, w.coord, room.ID)
		if err != nil || len(choices) != 1 || choices[0].ID != w.m1.ID {
			t.Fatalf("coordinator's choices: %+v %v", choices, err)
		}
		if choices, _ = db.FindRoomMemberChoices(ctx, w.office, room.ID); len(choices) != 2 {
			t.Fatalf("office's choices: %+v", choices)
		}

		// The coordinator records an activity with the assigned member.
		in := consult.ActivityInput{HeldOn: app.MustDate("2024-05-20"), Title: "老旧小区加装电梯", MemberIDs: []int64{w.m1.ID},
			Residents: 23, Others: "街道城建办", Result: "形成加装方案", TopicID: 42}
		act, err := db.CreateRoomActivity(ctx, w.coord, room.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if act.MemberNames() != "王建国" || act.TopicID != 42 || act.Residents != 23 {
			t.Fatalf("activity %+v", act)
		}
		ev := dutyOf(t, db, w.m1)
		if len(ev) != 1 || ev[0].Source != store.SourceRoomActivity || ev[0].SourceID != act.ID ||
			ev[0].OccurredOn != in.HeldOn || ev[0].CommitteeID != w.countyA.ID {
			t.Fatalf("duty events %+v", ev)
		}

		// Refused: an unassigned member for the coordinator, a future date,
		// another county's member for the office; nothing written.
		audits := auditCount(t, db)
		bad := in
		bad.MemberIDs = []int64{w.m2.ID}
		if _, err := db.CreateRoomActivity(ctx, w.coord, room.ID, bad); !strings.Contains(app.ErrorFields(err).Get("member_ids"), "下沉到本议事室") {
			t.Fatalf("coordinator names an unassigned member: %v", err)
		}
		bad = in
		bad.HeldOn = app.DateOf(db.Now().In(db.Loc).AddDate(0, 0, 2))
		if _, err := db.CreateRoomActivity(ctx, w.office, room.ID, bad); app.ErrorFields(err).Get("held_on") == "" {
			t.Fatalf("future date: %v", err)
		}
		bad = in
		bad.MemberIDs = []int64{w.m1.ID, w.mB.ID}
		if _, err := db.CreateRoomActivity(ctx, w.office, room.ID, bad); app.ErrorFields(err).Get("member_ids") == "" {
			t.Fatalf("other county's member: %v", err)
		}
		if _, err := db.CreateRoomActivity(ctx, w.officeB, room.ID, in); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("other county records in the room: %v", err)
		}
		if list, _ := db.FindRoomActivities(ctx, w.office, room.ID); len(list) != 1 || auditCount(t, db) != audits ||
			len(dutyOf(t, db, w.m2)) != 0 {
			t.Fatalf("a refused activity wrote something: %d activities", len(list))
		}

		// The office edits it: 王建国 out, 李秀英 in, a new date.
		in.MemberIDs, in.HeldOn, in.TopicID = []int64{w.m2.ID}, app.MustDate("2024-05-21"), 0
		act, err = db.UpdateRoomActivity(ctx, w.office, act.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if act.MemberNames() != "李秀英" || act.TopicID != 0 {
			t.Fatalf("edited %+v", act)
		}
		if ev := dutyOf(t, db, w.m1); len(ev) != 0 {
			t.Fatalf("removed member keeps the duty event: %+v", ev)
		}
		if ev := dutyOf(t, db, w.m2); len(ev) != 1 || ev[0].OccurredOn != app.MustDate("2024-05-21") {
			t.Fatalf("added member's duty events %+v", ev)
		}

		// Ending an assignment; an archived room takes no more activities.
		if _, err := db.EndRoomMember(ctx, w.office, as.ID, app.MustDate("2023-12-31")); app.ErrorFields(err).Get("to") == "" {
			t.Fatalf("end before start: %v", err)
		}
		if ended, err := db.EndRoomMember(ctx, w.office, as.ID, app.MustDate("2024-06-30")); err != nil || ended.To != app.MustDate("2024-06-30") {
			t.Fatalf("end: %+v %v", ended, err)
		}
		if _, err := db.UpdateRoom(ctx, w.office, room.ID, consult.RoomInput{Name: room.Name, Archived: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateRoomActivity(ctx, w.office, room.ID, in); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("activity in an archived room: %v", err)
		}
	})
}

func TestRoomCoverageFromRows(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildRoomWorld(t, db)
		mustRoom := func(in consult.RoomInput) consult.Room {
			t.Helper()
			r, err := db.CreateRoom(ctx, app.System, in)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// 铜城街道: 2 of 3 communities, 前街社区 by two rooms; 七级镇: only an archived room.
		mustRoom(consult.RoomInput{OrgID: w.town.ID, Name: "铜城街道协商议事室", VillageIDs: []int64{w.village.ID, w.v2.ID}})
		mustRoom(consult.RoomInput{OrgID: w.village.ID, Name: "前街社区议事室"})
		mustRoom(consult.RoomInput{OrgID: w.otherVillage.ID, Name: "七级村议事室", Archived: true})
		rows, err := db.RoomCoverage(ctx, app.System)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range rows {
			got[c.Org.Name] = app.Itoa(int64(c.Covered)) + "/" + app.Itoa(int64(c.Villages)) + " " + c.Percent()
		}
		want := map[string]string{"聊城市政协": "2/4 50.0%", "东阿县政协": "2/3 66.7%", "铜城街道": "2/3 66.7%",
			"阳谷县政协": "0/1 0.0%", "七级镇": "0/1 0.0%"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s, want %s", k, got[k], v)
			}
		}
		// A county's office sees its own subtree only.
		rows, _ = db.RoomCoverage(ctx, w.office)
		if len(rows) != 2 || rows[0].Org.ID != w.countyA.ID || rows[1].Uncovered[0].Name != "南关社区" {
			t.Fatalf("county rows %+v", rows)
		}
	})
}
