package web

import (
	"net/http"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/store"
)

// roomPatch is the body of PATCH /api/v1/rooms/{id}: every editable field
// (a missing one is taken as empty); the organisation a room is registered
// at does not change.
type roomPatch struct {
	Name             string   `json:"name"`
	Brand            string   `json:"brand"`
	Address          string   `json:"address"`
	Coordinator      string   `json:"coordinator"`
	CoordinatorPhone string   `json:"coordinator_phone"`
	Established      app.Date `json:"established"`
	VillageIDs       []int64  `json:"village_ids"`
	Archived         bool     `json:"archived"`
}

// roomDetail is GET /api/v1/rooms/{id}: the room, its members assigned and
// its activities, newest first.
type roomDetail struct {
	Room       consult.Room         `json:"room"`
	Members    []consult.RoomMember `json:"members"`
	Activities []consult.Activity   `json:"activities"`
}

// coverageItem is one organisation's line of GET /api/v1/rooms/coverage.
type coverageItem struct {
	OrgID     int64         `json:"org_id"`
	ParentID  int64         `json:"parent_id"`
	OrgName   string        `json:"org_name"`
	Kind      string        `json:"kind"`
	Villages  int           `json:"villages"`
	Covered   int           `json:"covered"`
	Rooms     int           `json:"rooms"`
	Percent   string        `json:"percent"` // "83.3%", or "—" without villages
	Uncovered []consult.Ref `json:"uncovered"`
}

// coverageAnswer is GET /api/v1/rooms/coverage: each township, county and
// city in scope, and the scope as a whole.
type coverageAnswer struct {
	Items []coverageItem `json:"items"`
	Total coverageItem   `json:"total"`
}

func coverageItemOf(c consult.Coverage) coverageItem {
	unc := c.Uncovered
	if unc == nil {
		unc = []consult.Ref{}
	}
	return coverageItem{OrgID: c.Org.ID, ParentID: c.Org.ParentID, OrgName: c.Org.Name, Kind: string(c.Org.Kind),
		Villages: c.Villages, Covered: c.Covered, Rooms: c.Rooms, Percent: c.Percent(), Uncovered: unc}
}

func (s *Server) roomAPIRoutes() []Route {
	read, manage, record := auth.ConsultRead, auth.ConsultWrite, auth.RoomWrite
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "协商议事室"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	return []Route{
		api("GET", "/rooms", read, APIDoc{Summary: "列出本账号管辖范围内的协商议事室（按组织树序）", Response: apiList[consult.Room]{},
			Query: append([]APIParam{
				{Name: "org_id", Type: "integer", Description: "只列出设在该组织及其下级的议事室"},
				{Name: "q", Type: "string", Description: "名称或品牌名称包含的文字"},
				{Name: "include_archived", Type: "boolean", Description: "是否包含已停用的议事室"},
			}, pageParams...)}, s.apiRoomList),
		api("POST", "/rooms", manage, APIDoc{Summary: "登记议事室（设在乡镇(街道)或村(社区)；设在村(社区)且不指定服务村时服务本村）",
			Request: consult.RoomInput{}, Response: consult.Room{}, Status: http.StatusCreated}, s.apiRoomCreate),
		api("GET", "/rooms/coverage", read, APIDoc{Summary: "村(社区)议事室阵地覆盖情况：各乡镇(街道)、县(区)、市的村(社区)数、已覆盖数和覆盖率",
			Response: coverageAnswer{}}, s.apiRoomCoverage),
		api("GET", "/rooms/{id}", read, APIDoc{Summary: "读取议事室及其下沉委员和议事活动", Response: roomDetail{}}, s.apiRoomGet),
		api("PATCH", "/rooms/{id}", manage, APIDoc{Summary: "修改议事室：须提交全部可编辑字段，缺省的字段按空值处理；所在组织不能修改",
			Request: roomPatch{}, Response: consult.Room{}}, s.apiRoomPatch),
		api("POST", "/rooms/{id}/activities", record, APIDoc{Summary: "登记议事活动；参加的委员各记一次履职（room_activity）",
			Request: consult.ActivityInput{}, Response: consult.Activity{}, Status: http.StatusCreated}, s.apiRoomActivityCreate),
	}
}

func (s *Server) apiRoomList(w http.ResponseWriter, r *http.Request) error {
	offset, limit := apiPage(r)
	name, err := roomQuery(r)
	if err != nil {
		return err
	}
	f := store.RoomFilter{OrgID: queryID(r, "org_id"), Name: name, Offset: offset, Limit: limit}
	switch r.URL.Query().Get("include_archived") {
	case "", "false", "0":
	case "true", "1":
		f.IncludeArchived = true
	default:
		return app.Errorf(app.EINVALID, "include_archived 应为 true 或 false")
	}
	rooms, total, err := s.db.FindRooms(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	items := make([]consult.Room, len(rooms))
	for i, room := range rooms {
		items[i] = roomFor(r, room)
	}
	writeJSON(w, http.StatusOK, apiList[consult.Room]{Items: items, Total: total, Offset: offset, Limit: limit})
	return nil
}

func (s *Server) apiRoomCreate(w http.ResponseWriter, r *http.Request) error {
	var in consult.RoomInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	room, err := s.db.CreateRoom(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, roomFor(r, room))
	return nil
}

func (s *Server) apiRoomGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	room, err := s.db.FindRoomByID(ctx, a, id)
	if err != nil {
		return err
	}
	d := roomDetail{Room: roomFor(r, room)}
	if d.Members, err = s.db.FindRoomMembers(ctx, a, id); err != nil {
		return err
	}
	if d.Activities, err = s.db.FindRoomActivities(ctx, a, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiRoomPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Look the room up first, so that one outside the scope answers 404
	// whatever the body holds.
	if _, err := s.db.FindRoomByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in roomPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	room, err := s.db.UpdateRoom(r.Context(), actor(r), id, consult.RoomInput{Name: in.Name, Brand: in.Brand,
		Address: in.Address, Coordinator: in.Coordinator, CoordinatorPhone: in.CoordinatorPhone,
		Established: in.Established, VillageIDs: in.VillageIDs, Archived: in.Archived})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, roomFor(r, room))
	return nil
}

func (s *Server) apiRoomActivityCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindRoomByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in consult.ActivityInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	act, err := s.db.CreateRoomActivity(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, act)
	return nil
}

func (s *Server) apiRoomCoverage(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.db.RoomCoverage(r.Context(), actor(r))
	if err != nil {
		return err
	}
	out := coverageAnswer{Items: make([]coverageItem, len(rows)), Total: coverageItemOf(coverageTop(rows))}
	out.Total.OrgName = "合计"
	for i, c := range rows {
		out.Items[i] = coverageItemOf(c)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
