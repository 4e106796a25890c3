package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/consult"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/xlsx"
)

// roomRoutes are the grassroots consultation rooms (协商议事室): the list with
// the coverage figure, a room with its members and activities, their forms,
// the coverage table and its export. The office (consult:write) registers
// rooms and assigns members; a coordinator (room:write) records activities
// of the rooms in its subtree. The JSON API's routes come from room_api.go.
func (s *Server) roomRoutes() []Route {
	read, manage, record := auth.ConsultRead, auth.ConsultWrite, auth.RoomWrite
	routes := []Route{
		{Method: "GET", Pattern: "/rooms", Perm: read, Handle: s.roomIndex},
		{Method: "GET", Pattern: "/rooms/coverage", Perm: read, Handle: s.roomCoverage},
		{Method: "GET", Pattern: "/rooms/coverage.xlsx", Perm: read, Handle: s.roomCoverageSheet},
		{Method: "GET", Pattern: "/rooms/new", Perm: manage, Handle: s.roomNew},
		{Method: "POST", Pattern: "/rooms", Perm: manage, Handle: s.roomCreate},
		{Method: "GET", Pattern: "/rooms/{id}", Perm: read, Handle: s.roomShow},
		{Method: "GET", Pattern: "/rooms/{id}/edit", Perm: manage, Handle: s.roomEdit},
		{Method: "POST", Pattern: "/rooms/{id}", Perm: manage, Handle: s.roomUpdate},
		{Method: "POST", Pattern: "/rooms/{id}/members", Perm: manage, Handle: s.roomAssign},
		{Method: "POST", Pattern: "/room-members/{id}/end", Perm: manage, Handle: s.roomMemberEnd},
		{Method: "GET", Pattern: "/rooms/{id}/activities/new", Perm: record, Handle: s.activityNew},
		{Method: "POST", Pattern: "/rooms/{id}/activities", Perm: record, Handle: s.activityCreate},
		{Method: "GET", Pattern: "/room-activities/{id}/edit", Perm: record, Handle: s.activityEdit},
		{Method: "POST", Pattern: "/room-activities/{id}", Perm: record, Handle: s.activityUpdate},
	}
	return append(routes, s.roomAPIRoutes()...)
}

const roomPageSize = 50

func roomURL(id int64, ok string) string {
	u := "/rooms/" + app.Itoa(id)
	if ok != "" {
		u += "?ok=" + ok
	}
	return u
}

// roomFor returns the room as the account may see it: the coordinator's
// phone masked without member:contact.
func roomFor(r *http.Request, room consult.Room) consult.Room {
	if memberContact(r) {
		return room
	}
	return room.Masked()
}

// coverageTop sums the rows at the top of the account's subtree (those whose
// parent is not in the table): the figure for the account as a whole.
func coverageTop(rows []consult.Coverage) consult.Coverage {
	in := map[int64]bool{}
	for _, c := range rows {
		in[c.Org.ID] = true
	}
	var top []consult.Coverage
	for _, c := range rows {
		if !in[c.Org.ParentID] {
			top = append(top, c)
		}
	}
	return consult.Total(top)
}

// roomQuery reads the name search of the list.
func roomQuery(r *http.Request) (string, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 100 {
		return "", app.Errorf(app.EINVALID, "搜索内容不能超过100个字")
	}
	return q, nil
}

// --- The list ---

func (s *Server) roomIndex(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	name, err := roomQuery(r)
	if err != nil {
		return err
	}
	f := store.RoomFilter{OrgID: queryID(r, "org"), Name: name, IncludeArchived: q.Get("archived") == "1",
		Offset: queryInt(r, "offset", 0, 1_000_000), Limit: roomPageSize}
	rooms, total, err := s.db.FindRooms(ctx, a, f)
	if err != nil {
		return err
	}
	cov, err := s.db.RoomCoverage(ctx, a)
	if err != nil {
		return err
	}
	orgs, err := s.db.FindOrgs(ctx, a, store.OrgFilter{Kinds: []org.Kind{org.County, org.Township}})
	if err != nil {
		return err
	}
	d := view.RoomIndex{Query: name, IncludeArchived: f.IncludeArchived, Coverage: coverageTop(cov),
		CanWrite: can(r, auth.ConsultWrite)}
	if f.OrgID != 0 {
		d.OrgID = app.Itoa(f.OrgID)
	}
	for _, o := range orgs {
		d.OrgOptions = append(d.OrgOptions, view.Option{Value: app.Itoa(o.ID), Label: o.Name})
	}
	for _, room := range rooms {
		d.Rooms = append(d.Rooms, roomFor(r, room))
	}
	keep := url.Values{}
	for k, v := range map[string]string{"org": d.OrgID, "q": name, "archived": q.Get("archived")} {
		if v != "" {
			keep.Set(k, v)
		}
	}
	d.Pager = view.Pager{Total: total, Offset: f.Offset, Limit: f.Limit, Query: keep, Path: "/rooms"}
	return render(w, r, http.StatusOK, view.RoomIndexPage(withExport(page(r, "议事室", "rooms"), r, "/rooms.xlsx"), d))
}

// --- Register and edit ---

// siteOptions lists the townships and villages in scope where a room may be
// registered, each village under its township.
func (s *Server) siteOptions(r *http.Request) ([]view.Option, error) {
	orgs, err := s.db.FindOrgs(r.Context(), actor(r), store.OrgFilter{Kinds: []org.Kind{org.Township, org.Village}})
	if err != nil {
		return nil, err
	}
	kids := map[int64][]org.Org{}
	var towns []org.Org
	for _, o := range orgs {
		if o.Kind == org.Township {
			towns = append(towns, o)
		} else {
			kids[o.ParentID] = append(kids[o.ParentID], o)
		}
	}
	opts := []view.Option{{Value: "", Label: "请选择"}}
	seen := map[int64]bool{}
	for _, t := range towns {
		seen[t.ID] = true
		opts = append(opts, view.Option{Value: app.Itoa(t.ID), Label: t.Name})
		for _, v := range kids[t.ID] {
			opts = append(opts, view.Option{Value: app.Itoa(v.ID), Label: t.Name + " · " + v.Name})
		}
	}
	for _, o := range orgs { // villages whose township lies outside the scope
		if o.Kind == org.Village && !seen[o.ParentID] {
			opts = append(opts, view.Option{Value: app.Itoa(o.ID), Label: o.Name})
		}
	}
	return opts, nil
}

// villageOptions lists the villages a room at site may serve: those of its township.
func (s *Server) villageOptions(r *http.Request, site org.Org) ([]view.Option, error) {
	town := site.ID
	if site.Kind == org.Village {
		town = site.ParentID
	}
	vs, err := s.db.FindOrgs(r.Context(), actor(r), store.OrgFilter{ParentID: town, Kinds: []org.Kind{org.Village}})
	if err != nil {
		return nil, err
	}
	var opts []view.Option
	for _, v := range vs {
		opts = append(opts, view.Option{Value: app.Itoa(v.ID), Label: v.Name})
	}
	return opts, nil
}

func selectedIDs(ids []int64) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[app.Itoa(id)] = true
	}
	return m
}

func (s *Server) roomNew(w http.ResponseWriter, r *http.Request) error {
	siteID := queryID(r, "org")
	var site org.Org
	var msg string
	if siteID != 0 {
		var err error
		site, err = s.db.FindOrgByID(r.Context(), actor(r), siteID)
		switch {
		case app.ErrorCode(err) == app.ENOTFOUND:
			msg = "请选择本账号管辖范围内的乡镇(街道)或村(社区)"
		case err != nil:
			return err
		case site.Kind != org.Township && site.Kind != org.Village:
			msg = "议事室只能设在乡镇(街道)或村(社区)"
		case site.Archived:
			msg = site.Name + "已撤销"
		}
	}
	if siteID == 0 || msg != "" {
		opts, err := s.siteOptions(r)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if msg != "" {
			status = http.StatusUnprocessableEntity
		}
		return render(w, r, status, view.RoomSitePage(page(r, "登记议事室", "rooms"), view.RoomSitePick{Options: opts, Error: msg}))
	}
	d := view.RoomForm{Action: "/rooms", Site: site, In: consult.RoomInput{OrgID: site.ID, Name: site.Name + "协商议事室"}}
	if site.Kind == org.Village {
		d.Selected = selectedIDs([]int64{site.ID})
	}
	return s.renderRoomForm(w, r, http.StatusOK, "登记议事室", d)
}

func (s *Server) renderRoomForm(w http.ResponseWriter, r *http.Request, status int, title string, d view.RoomForm) error {
	var err error
	if d.Villages, err = s.villageOptions(r, d.Site); err != nil {
		return err
	}
	if d.Selected == nil {
		d.Selected = selectedIDs(d.In.VillageIDs)
	}
	if d.Phone == "" {
		d.Phone = d.In.CoordinatorPhone
	}
	return render(w, r, status, view.RoomFormPage(page(r, title, "rooms"), d))
}

func roomInput(f *form) (consult.RoomInput, string) {
	in := consult.RoomInput{OrgID: f.ID("org_id"), Name: f.Str("name"), Brand: f.Str("brand"), Address: f.Str("address"),
		Coordinator: f.Str("coordinator"), CoordinatorPhone: f.Str("coordinator_phone"),
		Established: f.Date("established"), VillageIDs: formIDs(f, "village_ids"), Archived: f.Bool("archived")}
	return in, in.CoordinatorPhone
}

func (s *Server) roomCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in, phone := roomInput(f)
	in.Archived = false
	var created consult.Room
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate(s.db.Today()).Err())
	} else {
		created, err = s.db.CreateRoom(r.Context(), actor(r), in)
	}
	if err == nil {
		return redirect(w, r, roomURL(created.ID, "created"))
	}
	if !formError(err) {
		return err
	}
	site, ferr := s.db.FindOrgByID(r.Context(), actor(r), in.OrgID)
	if ferr != nil || (site.Kind != org.Township && site.Kind != org.Village) {
		// No place to register it: back to choosing one, with the reason.
		opts, oerr := s.siteOptions(r)
		if oerr != nil {
			return oerr
		}
		msg := app.ErrorFields(err).Get("org_id")
		if msg == "" {
			msg = "请选择议事室所在的乡镇(街道)或村(社区)"
		}
		return render(w, r, http.StatusUnprocessableEntity, view.RoomSitePage(page(r, "登记议事室", "rooms"),
			view.RoomSitePick{Options: opts, Error: msg}))
	}
	d := view.RoomForm{Action: "/rooms", Site: site, In: in, Phone: phone, Errs: app.ErrorFields(err),
		Msg: formMessage(err, "org_id")}
	return s.renderRoomForm(w, r, formStatus(err), "登记议事室", d)
}

// roomForEdit finds the {id} room and its organisation.
func (s *Server) roomForEdit(r *http.Request) (consult.Room, org.Org, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return consult.Room{}, org.Org{}, err
	}
	room, err := s.db.FindRoomByID(r.Context(), actor(r), id)
	if err != nil {
		return room, org.Org{}, err
	}
	site, err := s.db.FindOrgByID(r.Context(), actor(r), room.OrgID)
	return room, site, err
}

func roomIDs(refs []consult.Ref) []int64 {
	out := make([]int64, len(refs))
	for i, v := range refs {
		out[i] = v.ID
	}
	return out
}

func (s *Server) roomEdit(w http.ResponseWriter, r *http.Request) error {
	room, site, err := s.roomForEdit(r)
	if err != nil {
		return err
	}
	room = roomFor(r, room)
	d := view.RoomForm{Action: roomURL(room.ID, ""), Editing: room, Site: site, In: consult.RoomInput{OrgID: room.OrgID,
		Name: room.Name, Brand: room.Brand, Address: room.Address, Coordinator: room.Coordinator,
		CoordinatorPhone: room.CoordinatorPhone, Established: room.Established, VillageIDs: roomIDs(room.Villages),
		Archived: room.Archived}}
	return s.renderRoomForm(w, r, http.StatusOK, "编辑 "+room.Name, d)
}

func (s *Server) roomUpdate(w http.ResponseWriter, r *http.Request) error {
	room, site, err := s.roomForEdit(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in, phone := roomInput(f)
	in.OrgID = room.OrgID
	if !memberContact(r) && in.CoordinatorPhone == room.Masked().CoordinatorPhone {
		in.CoordinatorPhone = room.CoordinatorPhone // the masked phone sent back unchanged
	}
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate(s.db.Today()).Err())
	} else {
		_, err = s.db.UpdateRoom(r.Context(), actor(r), room.ID, in)
	}
	if err == nil {
		return redirect(w, r, roomURL(room.ID, "saved"))
	}
	if !formError(err) {
		return err
	}
	d := view.RoomForm{Action: roomURL(room.ID, ""), Editing: room, Site: site, In: in, Phone: phone,
		Errs: app.ErrorFields(err), Msg: formMessage(err, "org_id")}
	return s.renderRoomForm(w, r, formStatus(err), "编辑 "+room.Name, d)
}

// --- One room ---

func (s *Server) roomShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderRoom(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderRoom(w http.ResponseWriter, r *http.Request, id int64, status int, edit func(*view.RoomShow)) error {
	ctx, a := r.Context(), actor(r)
	room, err := s.db.FindRoomByID(ctx, a, id)
	if err != nil {
		return err
	}
	d := view.RoomShow{Room: roomFor(r, room), Today: s.db.Today()}
	if d.Members, err = s.db.FindRoomMembers(ctx, a, id); err != nil {
		return err
	}
	if d.Activities, err = s.db.FindRoomActivities(ctx, a, id); err != nil {
		return err
	}
	d.CanManage = can(r, auth.ConsultWrite) // an archived room can still be edited (and restored)
	d.CanRecord = can(r, auth.RoomWrite) && !room.Archived
	if d.CanManage && !room.Archived {
		choices, err := s.db.FindRoomMemberChoices(ctx, a, id)
		if err != nil {
			return err
		}
		for _, c := range choices {
			d.MemberOptions = append(d.MemberOptions, view.Option{Value: app.Itoa(c.ID), Label: c.Name})
		}
		d.Assign.From = d.Today
	}
	if edit != nil {
		edit(&d)
	}
	return render(w, r, status, view.RoomShowPage(page(r, room.Name, "rooms"), d))
}

func (s *Server) roomAssign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindRoomByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := consult.RoomMemberInput{MemberID: f.ID("member_id"), From: f.Date("from"), To: f.Date("to")}
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate().Err())
	} else {
		_, err = s.db.AssignRoomMember(r.Context(), actor(r), id, in)
	}
	if err == nil {
		return redirect(w, r, roomURL(id, "room_assigned")+"#members")
	}
	if !formError(err) {
		return err
	}
	return s.renderRoom(w, r, id, formStatus(err), func(d *view.RoomShow) {
		d.Assign, d.AssignErrs = in, app.ErrorFields(err)
		d.Msg = fieldlessMessage(err)
	})
}

func (s *Server) roomMemberEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	// A malformed date reads as none: the store finds the assignment (404
	// outside the account's subtree) before it refuses the missing date, and
	// then the form's own message about the date is the one shown.
	to := f.Date("to")
	m, err := s.db.EndRoomMember(r.Context(), actor(r), id, to)
	if len(f.Errs) > 0 && app.ErrorCode(err) == app.EINVALID {
		err = f.Errs.Err()
	}
	if err == nil {
		return redirect(w, r, roomURL(m.RoomID, "saved")+"#members")
	}
	return err
}

// --- Activities ---

func (s *Server) activityOptions(r *http.Request, roomID int64) ([]view.Option, error) {
	choices, err := s.db.FindRoomMemberChoices(r.Context(), actor(r), roomID)
	if err != nil {
		return nil, err
	}
	opts := make([]view.Option, len(choices))
	for i, c := range choices {
		opts[i] = view.Option{Value: app.Itoa(c.ID), Label: c.Name}
	}
	return opts, nil
}

// renderActivityForm shows the activity form; named are the members the
// activity already names, kept on the form even when no longer offered (an
// assignment since ended) so that saving does not drop them unasked.
func (s *Server) renderActivityForm(w http.ResponseWriter, r *http.Request, status int, title string, d view.ActivityForm,
	named []consult.Ref) error {
	opts, err := s.activityOptions(r, d.Room.ID)
	if err != nil {
		return err
	}
	offered := map[string]bool{}
	for _, o := range opts {
		offered[o.Value] = true
	}
	for _, m := range named {
		if !offered[app.Itoa(m.ID)] {
			opts = append(opts, view.Option{Value: app.Itoa(m.ID), Label: m.Name})
		}
	}
	d.Members = opts
	d.Selected = selectedIDs(d.In.MemberIDs)
	return render(w, r, status, view.ActivityFormPage(page(r, title, "rooms"), d))
}

func (s *Server) activityNew(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	room, err := s.db.FindRoomByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	if room.Archived {
		return app.Errorf(app.ECONFLICT, "%s已停用，不能再登记活动", room.Name)
	}
	d := view.ActivityForm{Action: roomURL(id, "") + "/activities", Room: room, In: consult.ActivityInput{HeldOn: s.db.Today()},
		Residents: "0"}
	return s.renderActivityForm(w, r, http.StatusOK, "登记议事活动", d, nil)
}

func activityInput(f *form) (consult.ActivityInput, view.ActivityForm) {
	in := consult.ActivityInput{HeldOn: f.Date("held_on"), Title: f.Str("title"), Content: f.Str("content"),
		MemberIDs: formIDs(f, "member_ids"), Residents: f.Int("residents"), Others: f.Str("others"),
		Result: f.Str("result")}
	if v := f.Str("topic_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			f.Errs.Add("topic_id", "关联议题编号应为正整数")
		}
		in.TopicID = max(n, 0)
	}
	return in, view.ActivityForm{In: in, Residents: f.r.PostFormValue("residents"), TopicID: f.r.PostFormValue("topic_id")}
}

func (s *Server) activityCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	room, err := s.db.FindRoomByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in, d := activityInput(f)
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate(s.db.Today()).Err())
	} else {
		_, err = s.db.CreateRoomActivity(r.Context(), actor(r), id, in)
	}
	if err == nil {
		return redirect(w, r, roomURL(id, "activity_saved")+"#activities")
	}
	if !formError(err) {
		return err
	}
	d.Action, d.Room, d.Errs, d.Msg = roomURL(id, "")+"/activities", room, app.ErrorFields(err), fieldlessMessage(err)
	return s.renderActivityForm(w, r, formStatus(err), "登记议事活动", d, nil)
}

func (s *Server) activityForEdit(r *http.Request) (consult.Activity, consult.Room, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return consult.Activity{}, consult.Room{}, err
	}
	act, err := s.db.FindRoomActivityByID(r.Context(), actor(r), id)
	if err != nil {
		return act, consult.Room{}, err
	}
	room, err := s.db.FindRoomByID(r.Context(), actor(r), act.RoomID)
	return act, room, err
}

func activityURL(id int64) string { return "/room-activities/" + app.Itoa(id) }

func (s *Server) activityEdit(w http.ResponseWriter, r *http.Request) error {
	act, room, err := s.activityForEdit(r)
	if err != nil {
		return err
	}
	d := view.ActivityForm{Action: activityURL(act.ID), Room: room, EditingID: act.ID, In: consult.ActivityInput{
		HeldOn: act.HeldOn, Title: act.Title, Content: act.Content, MemberIDs: roomIDs(act.Members), Residents: act.Residents,
		Others: act.Others, Result: act.Result, TopicID: act.TopicID}, Residents: strconv.Itoa(act.Residents)}
	if act.TopicID != 0 {
		d.TopicID = app.Itoa(act.TopicID)
	}
	return s.renderActivityForm(w, r, http.StatusOK, "修改议事活动", d, act.Members)
}

func (s *Server) activityUpdate(w http.ResponseWriter, r *http.Request) error {
	act, room, err := s.activityForEdit(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in, d := activityInput(f)
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate(s.db.Today()).Err())
	} else {
		_, err = s.db.UpdateRoomActivity(r.Context(), actor(r), act.ID, in)
	}
	if err == nil {
		return redirect(w, r, roomURL(room.ID, "activity_saved")+"#activities")
	}
	if !formError(err) {
		return err
	}
	d.Action, d.Room, d.EditingID, d.Errs, d.Msg = activityURL(act.ID), room, act.ID, app.ErrorFields(err), fieldlessMessage(err)
	return s.renderActivityForm(w, r, formStatus(err), "修改议事活动", d, act.Members)
}

// --- Coverage ---

// coverageRows indents each row under the nearest row above it in the tree.
func coverageRows(rows []consult.Coverage) []view.CoverageRow {
	level := map[int64]int{}
	out := make([]view.CoverageRow, len(rows))
	for i, c := range rows {
		l := 0
		if pl, ok := level[c.Org.ParentID]; ok {
			l = pl + 1
		}
		level[c.Org.ID] = l
		out[i] = view.CoverageRow{Coverage: c, Level: l}
	}
	return out
}

func (s *Server) roomCoverage(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.db.RoomCoverage(r.Context(), actor(r))
	if err != nil {
		return err
	}
	d := view.CoveragePage{Rows: coverageRows(rows), Total: coverageTop(rows)}
	return render(w, r, http.StatusOK, view.RoomCoveragePage(page(r, "议事室覆盖情况", "rooms"), d))
}

func (s *Server) roomCoverageSheet(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.db.RoomCoverage(r.Context(), actor(r))
	if err != nil {
		return err
	}
	sheet := xlsx.Sheet{Name: "议事室覆盖情况", Title: "村(社区)议事室阵地覆盖情况（" + s.db.Today().Chinese() + "）",
		Header: []string{"组织", "层级", "村(社区)数", "已覆盖", "覆盖率", "议事室数", "尚无议事室的村(社区)"}}
	for _, c := range coverageRows(rows) {
		var unc []string
		for _, v := range c.Uncovered {
			unc = append(unc, v.Name)
		}
		sheet.Rows = append(sheet.Rows, []any{strings.Repeat("　", c.Level) + c.Org.Name, c.Org.KindLabel(), c.Villages,
			c.Covered, c.Percent(), c.Rooms, strings.Join(unc, "、")})
	}
	stamp := s.db.Today().String()
	return s.sendWorkbook(w, r, "room", "议事室覆盖情况-"+stamp+".xlsx", "room-coverage-"+stamp+".xlsx", sheet)
}
