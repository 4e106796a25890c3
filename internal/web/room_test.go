package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/xlsx"
)

// roomEnv adds to the fixture tree a second village under 甲镇, a township
// with a village in county B, a member of county A and coordinators bound
// to 甲镇 and to county B's township.
type roomEnv struct {
	*env
	village2, townB, villageB org.Org
	m1, m2                    member.Member
}

func newRoomEnv(t *testing.T) *roomEnv {
	e := &roomEnv{env: newEnv(t)}
	ctx := context.Background()
	mk := func(parent int64, k org.Kind, name string) org.Org {
		o, err := e.db.CreateOrg(ctx, app.System, org.Input{ParentID: parent, Kind: k, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	e.village2 = mk(e.town.ID, org.Village, "乙村")
	e.townB = mk(e.countyB.ID, org.Township, "七级镇")
	e.villageB = mk(e.townB.ID, org.Village, "七级村")
	var err error
	if e.m1, err = e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "王建国", Gender: "男"}); err != nil {
		t.Fatal(err)
	}
	if e.m2, err = e.db.CreateMember(ctx, app.System, e.countyA.ID, member.Input{Name: "李秀英", Gender: "女"}); err != nil {
		t.Fatal(err)
	}
	e.account("coord-town", auth.Coordinator, e.town.ID)
	e.account("coord-b", auth.Coordinator, e.townB.ID)
	return e
}

func (e *roomEnv) room(at org.Org, name string, villages ...int64) consult.Room {
	e.t.Helper()
	r, err := e.db.CreateRoom(context.Background(), app.System, consult.RoomInput{OrgID: at.ID, Name: name,
		Brand: "嘉事好商量", Coordinator: "刘芳", CoordinatorPhone: "13812345678", VillageIDs: villages})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *roomEnv) roomTotal() int {
	e.t.Helper()
	_, n, err := e.db.FindRooms(context.Background(), app.System, store.RoomFilter{IncludeArchived: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestRoomRegisterListAndShow(t *testing.T) {
	e := newRoomEnv(t)
	c := e.login("office-a")
	if status, page := c.get("/rooms"); status != 200 || !strings.Contains(page, "没有登记的议事室") ||
		!strings.Contains(page, "0.0%") || !strings.Contains(page, `href="/rooms"`) {
		t.Fatalf("empty list: %d\n%s", status, page)
	}
	if status, page := c.get("/rooms/new"); status != 200 || !strings.Contains(page, "甲镇 · 甲村") {
		t.Fatalf("site choice: %d", status)
	}
	if status, page := c.get("/rooms/new?org=" + id(e.town.ID)); status != 200 || !strings.Contains(page, "甲镇协商议事室") ||
		!strings.Contains(page, "乙村") {
		t.Fatalf("form: %d", status)
	}
	res := c.post("/rooms", url.Values{"org_id": {id(e.town.ID)}, "name": {"甲镇协商议事室"}, "brand": {"有事好商量"},
		"coordinator": {"刘芳"}, "coordinator_phone": {"138 1234 5678"}, "established": {"2020-05-12"},
		"village_ids": {id(e.village.ID), id(e.village2.ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, body(res))
	}
	loc := res.Header.Get("Location")
	status, page := c.get(loc)
	if status != 200 || !strings.Contains(page, "已创建") || !strings.Contains(page, "有事好商量") ||
		!strings.Contains(page, "甲村、乙村") || !strings.Contains(page, "13812345678") || !strings.Contains(page, "2020年5月12日") {
		t.Fatalf("room page: %d\n%s", status, page)
	}
	if _, page := c.get("/rooms"); !strings.Contains(page, "100.0%") || !strings.Contains(page, "2/2") {
		t.Fatalf("coverage at the top of the list:\n%s", page)
	}
	// A coordinator without member:contact sees the phone masked; another
	// county's office does not see the room at all.
	cc := e.login("coord-town")
	if _, page := cc.get(loc); !strings.Contains(page, "138****5678") || strings.Contains(page, "13812345678") {
		t.Fatal("coordinator sees the phone unmasked")
	}
	if status, _ := e.login("office-b").get(loc); status != 404 {
		t.Fatalf("other county: %d", status)
	}
	if status, page := e.login("leader-a").get("/rooms"); status != 200 || !strings.Contains(page, "甲镇协商议事室") ||
		strings.Contains(page, "登记议事室</a>") {
		t.Fatalf("leader reads: %d", status)
	}
}

func TestRoomBadFormSavesNothing(t *testing.T) {
	e := newRoomEnv(t)
	c := e.login("office-a")
	res := c.post("/rooms", url.Values{"org_id": {id(e.town.ID)}, "name": {""}, "coordinator_phone": {"电话"},
		"established": {"2020-02-30"}, "village_ids": {id(e.villageB.ID)}})
	page := body(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "议事室名称不能为空") ||
		!strings.Contains(page, "日期格式应为") || !strings.Contains(page, "联系电话应为7至20位数字") {
		t.Fatalf("bad form: %d\n%s", res.StatusCode, page)
	}
	res = c.post("/rooms", url.Values{"org_id": {id(e.town.ID)}, "name": {"甲镇议事室"}, "village_ids": {id(e.villageB.ID)}})
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "须是本乡镇(街道)") {
		t.Fatalf("village of another township: %d\n%s", res.StatusCode, page)
	}
	res = c.post("/rooms", url.Values{"org_id": {id(e.townB.ID)}, "name": {"七级镇议事室"}})
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "管辖范围") {
		t.Fatalf("township of another county: %d\n%s", res.StatusCode, page)
	}
	if n := e.roomTotal(); n != 0 {
		t.Fatalf("%d rooms saved by refused forms", n)
	}
}

func TestRoomPageEscapesScript(t *testing.T) {
	e := newRoomEnv(t)
	evil := `<script>alert("x")</script>`
	r, err := e.db.CreateRoom(context.Background(), app.System, consult.RoomInput{OrgID: e.village.ID, Name: evil, Brand: evil,
		Address: evil})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateRoomActivity(context.Background(), app.System, r.ID, consult.ActivityInput{
		HeldOn: app.MustDate("2024-05-20"), Title: evil, Result: evil, Residents: 3}); err != nil {
		t.Fatal(err)
	}
	c := e.login("office-a")
	for _, path := range []string{"/rooms/" + id(r.ID), "/rooms"} {
		_, page := c.get(path)
		if strings.Contains(page, evil) || !strings.Contains(page, "&lt;script&gt;") {
			t.Errorf("%s does not escape the script", path)
		}
	}
}

func TestRoomCoordinatorRecordsOnlyItsRooms(t *testing.T) {
	e := newRoomEnv(t)
	ctx := context.Background()
	roomA := e.room(e.town, "甲镇协商议事室", e.village.ID)
	roomB := e.room(e.townB, "七级镇协商议事室", e.villageB.ID)
	if _, err := e.db.AssignRoomMember(ctx, app.System, roomA.ID, consult.RoomMemberInput{MemberID: e.m1.ID,
		From: app.MustDate("2024-01-01")}); err != nil {
		t.Fatal(err)
	}
	c := e.login("coord-town")
	if status, page := c.get("/rooms/" + id(roomA.ID) + "/activities/new"); status != 200 || !strings.Contains(page, "王建国") ||
		strings.Contains(page, "李秀英") {
		t.Fatalf("activity form offers the assigned members only: %d", status)
	}
	form := url.Values{"held_on": {"2024-05-20"}, "title": {"老旧小区加装电梯"}, "member_ids": {id(e.m1.ID)},
		"residents": {"23"}, "others": {"街道城建办"}, "result": {"形成加装方案"}}
	res := c.post("/rooms/"+id(roomA.ID)+"/activities", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d %s", res.StatusCode, body(res))
	}
	_, page := c.get(res.Header.Get("Location"))
	if !strings.Contains(page, "老旧小区加装电梯") || !strings.Contains(page, "议事活动已保存") {
		t.Fatalf("room page after recording:\n%s", page)
	}
	ev, _, _ := e.db.FindDutyEvents(ctx, app.System, store.DutyFilter{MemberID: e.m1.ID, Kind: store.DutyRoomActivity})
	if len(ev) != 1 || ev[0].OccurredOn != app.MustDate("2024-05-20") {
		t.Fatalf("duty events %+v", ev)
	}
	// An unassigned member, or a bad residents count: 422 in Chinese, nothing saved.
	bad := url.Values{"held_on": {"2024-05-21"}, "title": {"第二次"}, "member_ids": {id(e.m2.ID)}, "residents": {"很多"}}
	res = c.post("/rooms/"+id(roomA.ID)+"/activities", bad)
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "应为整数") {
		t.Fatalf("bad activity: %d\n%s", res.StatusCode, page)
	}
	bad.Set("residents", "5")
	res = c.post("/rooms/"+id(roomA.ID)+"/activities", bad)
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "下沉到本议事室的委员") {
		t.Fatalf("unassigned member: %d\n%s", res.StatusCode, page)
	}
	if list, _ := e.db.FindRoomActivities(ctx, app.System, roomA.ID); len(list) != 1 {
		t.Fatalf("%d activities after refused forms", len(list))
	}
	// Another county's room: not found, whatever the form; office pages: forbidden.
	for _, path := range []string{"/rooms/" + id(roomB.ID), "/rooms/" + id(roomB.ID) + "/activities/new"} {
		if status, _ := c.get(path); status != 404 {
			t.Errorf("GET %s: %d", path, status)
		}
	}
	if res := c.post("/rooms/"+id(roomB.ID)+"/activities", form); res.StatusCode != 404 {
		t.Errorf("record in another county's room: %d", res.StatusCode)
	}
	if list, _ := e.db.FindRoomActivities(ctx, app.System, roomB.ID); len(list) != 0 {
		t.Fatal("activity written to another county's room")
	}
	if status, _ := c.get("/rooms/new"); status != 403 {
		t.Errorf("coordinator registers rooms: %d", status)
	}
	if res := c.post("/rooms/"+id(roomA.ID), url.Values{"name": {"改名"}}); res.StatusCode != 403 {
		t.Errorf("coordinator edits the room: %d", res.StatusCode)
	}
	// The office assigns a member on the room page.
	o := e.login("office-a")
	res = o.post("/rooms/"+id(roomA.ID)+"/members", url.Values{"member_id": {id(e.m2.ID)}, "from": {"2024-05-01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", res.StatusCode, body(res))
	}
	res = o.post("/rooms/"+id(roomA.ID)+"/members", url.Values{"member_id": {id(e.m2.ID)}, "from": {"2024-06-01"}})
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "已下沉到本议事室") {
		t.Fatalf("overlapping assignment: %d\n%s", res.StatusCode, page)
	}
}

func TestRoomCoveragePageAndExport(t *testing.T) {
	e := newRoomEnv(t)
	e.room(e.town, "甲镇协商议事室", e.village.ID)
	e.room(e.village, "甲村议事室")
	c := e.login("office-city")
	status, page := c.get("/rooms/coverage")
	if status != 200 || !strings.Contains(page, "50.0%") || !strings.Contains(page, "乙村") || !strings.Contains(page, "33.3%") {
		t.Fatalf("coverage page: %d\n%s", status, page)
	}
	res, err := c.http.Get(e.srv.URL + "/rooms/coverage.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestRoomAPI(t *testing.T) {
	e := newRoomEnv(t)
	c := e.login("office-a")
	var room consult.Room
	if status := c.api("POST", "/api/v1/rooms", consult.RoomInput{OrgID: e.village.ID, Name: "甲村议事室", Brand: "嘉事好商量"},
		&room); status != 201 || len(room.Villages) != 1 || room.Villages[0].Name != "甲村" {
		t.Fatalf("create: %d %+v", status, room)
	}
	var bad struct {
		Error struct {
			Message string          `json:"message"`
			Fields  app.FieldErrors `json:"fields"`
		} `json:"error"`
	}
	if status := c.api("POST", "/api/v1/rooms", consult.RoomInput{OrgID: e.countyA.ID, Name: ""}, &bad); status != 422 ||
		bad.Error.Fields.Get("name") == "" || !strings.Contains(bad.Error.Fields.Get("org_id"), "乡镇(街道)或村(社区)") {
		t.Fatalf("bad create: %d %+v", status, bad)
	}
	var patched consult.Room
	if status := c.api("PATCH", "/api/v1/rooms/"+id(room.ID), map[string]any{"name": "甲村协商议事室", "brand": "有事好商量",
		"village_ids": []int64{e.village.ID, e.village2.ID}}, &patched); status != 200 || patched.VillageNames() != "甲村、乙村" {
		t.Fatalf("patch: %d %+v", status, patched)
	}
	var act consult.Activity
	if status := c.api("POST", "/api/v1/rooms/"+id(room.ID)+"/activities", consult.ActivityInput{HeldOn: app.MustDate("2024-05-20"),
		Title: "村道修缮", MemberIDs: []int64{e.m1.ID}, Residents: 12, TopicID: 7}, &act); status != 201 || act.TopicID != 7 ||
		act.MemberNames() != "王建国" {
		t.Fatalf("activity: %d %+v", status, act)
	}
	var detail struct {
		Room       consult.Room       `json:"room"`
		Activities []consult.Activity `json:"activities"`
	}
	if status := c.api("GET", "/api/v1/rooms/"+id(room.ID), nil, &detail); status != 200 || len(detail.Activities) != 1 ||
		detail.Room.Name != "甲村协商议事室" {
		t.Fatalf("get: %d %+v", status, detail)
	}
	var list apiListOf[consult.Room]
	if status := c.api("GET", "/api/v1/rooms?org_id="+id(e.town.ID), nil, &list); status != 200 || list.Total != 1 {
		t.Fatalf("list: %d %+v", status, list)
	}
	var cov struct {
		Items []struct {
			OrgName, Percent string
		} `json:"items"`
		Total struct {
			Covered, Villages int
			Percent           string
		} `json:"total"`
	}
	if status := c.api("GET", "/api/v1/rooms/coverage", nil, &cov); status != 200 || cov.Total.Covered != 2 ||
		cov.Total.Villages != 2 || cov.Total.Percent != "100.0%" {
		t.Fatalf("coverage: %d %+v", status, cov)
	}
	// Another county: 404; a coordinator: may record, may not edit.
	b := e.login("office-b")
	if status := b.api("GET", "/api/v1/rooms/"+id(room.ID), nil, nil); status != 404 {
		t.Errorf("other county reads: %d", status)
	}
	if status := b.api("PATCH", "/api/v1/rooms/"+id(room.ID), map[string]any{"name": "x"}, nil); status != 404 {
		t.Errorf("other county patches: %d", status)
	}
	cc := e.login("coord-town")
	if status := cc.api("PATCH", "/api/v1/rooms/"+id(room.ID), map[string]any{"name": "x"}, nil); status != 403 {
		t.Errorf("coordinator patches: %d", status)
	}
	if status := cc.api("POST", "/api/v1/rooms/"+id(room.ID)+"/activities", consult.ActivityInput{HeldOn: app.MustDate("2024-05-21"),
		Title: "议事", Residents: 5}, nil); status != 201 {
		t.Errorf("coordinator records: %d", status)
	}
}

func TestRoomEditActivityEditAndExportRows(t *testing.T) {
	e := newRoomEnv(t)
	ctx := context.Background()
	room := e.room(e.town, "甲镇协商议事室", e.village.ID)
	as, err := e.db.AssignRoomMember(ctx, app.System, room.ID, consult.RoomMemberInput{MemberID: e.m1.ID, From: app.MustDate("2024-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	act, err := e.db.CreateRoomActivity(ctx, app.System, room.ID, consult.ActivityInput{HeldOn: app.MustDate("2024-05-20"),
		Title: "村道修缮", MemberIDs: []int64{e.m1.ID}, Residents: 8})
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("office-a")
	// The activity: 王建国 replaced by 李秀英; the duty events follow.
	if status, page := c.get("/room-activities/" + id(act.ID) + "/edit"); status != 200 || !strings.Contains(page, "村道修缮") {
		t.Fatalf("activity edit form: %d", status)
	}
	res := c.post("/room-activities/"+id(act.ID), url.Values{"held_on": {"2024-05-22"}, "title": {"村道修缮"},
		"member_ids": {id(e.m2.ID)}, "residents": {"8"}, "topic_id": {"abc"}})
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "关联议题编号应为正整数") {
		t.Fatalf("bad topic id: %d\n%s", res.StatusCode, page)
	}
	res = c.post("/room-activities/"+id(act.ID), url.Values{"held_on": {"2024-05-22"}, "title": {"村道修缮"},
		"member_ids": {id(e.m2.ID)}, "residents": {"8"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("activity edit: %d %s", res.StatusCode, body(res))
	}
	for _, m := range []struct {
		id int64
		n  int
	}{{e.m1.ID, 0}, {e.m2.ID, 1}} {
		ev, _, _ := e.db.FindDutyEvents(ctx, app.System, store.DutyFilter{MemberID: m.id, Kind: store.DutyRoomActivity})
		if len(ev) != m.n {
			t.Errorf("member %d: %d duty events, want %d", m.id, len(ev), m.n)
		}
	}
	// A malformed end date: the form's message here, but outside the
	// subtree the assignment is not found whatever the form holds.
	res = c.post("/room-members/"+id(as.ID)+"/end", url.Values{"to": {"2024-13-40"}})
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "日期") {
		t.Fatalf("end with a malformed date: %d\n%s", res.StatusCode, page)
	}
	if res := e.login("office-b").post("/room-members/"+id(as.ID)+"/end", url.Values{"to": {"2024-13-40"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another county ends the assignment with a malformed date: %d, want 404", res.StatusCode)
	}
	// End the assignment, then stop the room: it leaves the coverage.
	if res := c.post("/room-members/"+id(as.ID)+"/end", url.Values{"to": {"2024-06-30"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end assignment: %d %s", res.StatusCode, body(res))
	}
	if status, page := c.get("/rooms/" + id(room.ID) + "/edit"); status != 200 || !strings.Contains(page, "13812345678") {
		t.Fatalf("room edit form: %d", status)
	}
	res = c.post("/rooms/"+id(room.ID), url.Values{"name": {"甲镇协商议事室"}, "brand": {"有事好商量"}, "archived": {"1"},
		"village_ids": {id(e.village.ID), id(e.village2.ID)}, "coordinator_phone": {"13812345678"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("room edit: %d %s", res.StatusCode, body(res))
	}
	_, page := c.get("/rooms/" + id(room.ID))
	if !strings.Contains(page, "已停用") || !strings.Contains(page, "甲村、乙村") || strings.Contains(page, "登记议事活动") {
		t.Fatalf("archived room page:\n%s", page)
	}
	res, err = c.http.Get(e.srv.URL + "/rooms/coverage.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rows, err := xlsx.ReadFirstSheet(res.Body, 100, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, strings.Join(r, "|"))
	}
	text := strings.Join(got, "\n")
	if !strings.Contains(text, "甲镇|乡镇(街道)|2|0|0.0%|0|甲村、乙村") {
		t.Fatalf("export rows:\n%s", text)
	}
}
