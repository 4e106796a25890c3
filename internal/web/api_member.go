package web

import (
	"net/http"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
)

// apiMemberCreate is the body of POST /api/v1/members: the committee and the
// member's fields.
type apiMemberCreate struct {
	CommitteeID int64 `json:"committee_id"`
	member.Input
}

// apiMemberDetail is a member with every term seat and every role (with dates).
type apiMemberDetail struct {
	member.Member
	Memberships []member.TermMembership `json:"memberships"`
}

// apiRoleSortBody sets a role's protocol order within its kind.
type apiRoleSortBody struct {
	Sort int `json:"sort"`
}

// apiEndBody ends a seat or a role on a date (inclusive).
type apiEndBody struct {
	EndDate app.Date `json:"end_date"`
}

var memberParams = []APIParam{
	{Name: "committee_id", Type: "integer", Description: "所属政协（市、县政协组织 id）"},
	{Name: "term_id", Type: "integer", Description: "届次：只列该届委员；默认按各政协的当前届次显示界别和职务"},
	{Name: "sector_id", Type: "integer", Description: "界别"},
	{Name: "role", Type: "string", Description: "职务：chair, vice_chair, secretary_general, standing；member 为无其他职务的委员"},
	{Name: "status", Type: "string", Description: "状态：serving, resigned, deceased, removed"},
	{Name: "q", Type: "string", Description: "姓名或工作单位包含的文字，或完整的18位身份证号"},
	{Name: "day", Type: "string", Description: "按哪一天计算现任职务（YYYY-MM-DD），默认今天"},
	{Name: "sort", Type: "string", Description: "排序：name, sector, role, status, workplace, updated；默认 role（按职务排序）"},
	{Name: "dir", Type: "string", Description: "asc 或 desc"},
}

func (s *Server) memberAPIRoutes() []Route {
	read, write := auth.MemberRead, auth.MemberWrite
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "委员"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	masked := "；无查看联系方式权限的账号，身份证号和手机号部分隐藏"
	return []Route{
		api("GET", "/members", read, APIDoc{Summary: "列出管辖范围内的委员，含所属政协、界别和现任职务" + masked,
			Response: apiList[member.Member]{}, Query: append(append([]APIParam{}, memberParams...), pageParams...)},
			s.apiMemberList),
		api("POST", "/members", write, APIDoc{Summary: "新增委员（committee_id 为所属政协）", Request: apiMemberCreate{},
			Response: member.Member{}, Status: http.StatusCreated}, s.apiMemberCreate),
		api("GET", "/members/{id}", read, APIDoc{Summary: "读取委员，含各届任职和全部职务（含起止日期）" + masked,
			Response: apiMemberDetail{}}, s.apiMemberGet),
		api("PATCH", "/members/{id}", write, APIDoc{Summary: "修改委员：只改提交的字段，未提交的字段保持不变",
			Request: member.Input{}, Response: member.Member{}}, s.apiMemberPatch),
		api("GET", "/members/{id}/memberships", read, APIDoc{Summary: "委员的各届任职（界别、专门委员会、起止日期），新的在前",
			Response: apiList[member.TermMembership]{}, Query: pageParams}, s.apiMembershipList),
		api("POST", "/members/{id}/memberships", write, APIDoc{Summary: "登记委员在某一届的任职（界别必填，同一届只能登记一次）",
			Request: member.MembershipInput{}, Response: member.TermMembership{}, Status: http.StatusCreated}, s.apiMembershipCreate),
		api("POST", "/memberships/{id}/end", write, APIDoc{Summary: "结束届内任职，该届尚未结束的职务同时结束",
			Request: apiEndBody{}, Response: member.TermMembership{}}, s.apiMembershipEnd),
		api("GET", "/members/{id}/roles", read, APIDoc{Summary: "委员的全部职务（主席、副主席、秘书长、常委）及起止日期",
			Response: apiList[member.Role]{}, Query: pageParams}, s.apiRoleList),
		api("POST", "/members/{id}/roles", write, APIDoc{Summary: "任命职务：须为该届委员；同一职务不能重叠；一届同一时间只有一位主席",
			Request: member.RoleInput{}, Response: member.Role{}, Status: http.StatusCreated}, s.apiRoleCreate),
		api("POST", "/roles/{id}/end", write, APIDoc{Summary: "免去职务（结束日期含当日）", Request: apiEndBody{},
			Response: member.Role{}}, s.apiRoleEnd),
		api("POST", "/roles/{id}/sort", write, APIDoc{Summary: "设置职务排序：同一职务内的排名顺序（如副主席按姓氏笔画），小者在前；0 为不指定，排在已指定者之后；0–999",
			Request: apiRoleSortBody{}, Response: member.Role{}}, s.apiRoleSort),
	}
}

func (s *Server) apiMemberList(w http.ResponseWriter, r *http.Request) error {
	f, errs := memberQuery(r.URL.Query())
	if err := errs.Err(); err != nil {
		return err
	}
	f.Offset, f.Limit = apiPage(r)
	list, total, err := s.db.FindMembers(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	items := make([]member.Member, len(list))
	for i, m := range list {
		items[i] = memberFor(r, m)
	}
	writeJSON(w, http.StatusOK, apiList[member.Member]{Items: items, Total: total, Offset: f.Offset, Limit: f.Limit})
	return nil
}

func (s *Server) apiMemberCreate(w http.ResponseWriter, r *http.Request) error {
	var in apiMemberCreate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.db.CreateMember(r.Context(), actor(r), in.CommitteeID, in.Input)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, memberFor(r, m))
	return nil
}

func (s *Server) apiMemberGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	m, err := s.db.FindMemberByID(ctx, a, id)
	if err != nil {
		return err
	}
	seats, err := s.db.FindMemberships(ctx, a, id)
	if err != nil {
		return err
	}
	if m.Roles, err = s.db.FindRoles(ctx, a, id); err != nil {
		return err
	}
	if seats == nil {
		seats = []member.TermMembership{}
	}
	writeJSON(w, http.StatusOK, apiMemberDetail{Member: memberFor(r, m), Memberships: seats})
	return nil
}

// apiMemberPatch applies the fields present in the body to the stored record.
func (s *Server) apiMemberPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	m, err := s.db.FindMemberByID(ctx, a, id)
	if err != nil {
		return err
	}
	in := member.Input{Name: m.Name, Gender: m.Gender, BirthDate: m.BirthDate, Ethnicity: m.Ethnicity, Party: m.Party,
		Education: m.Education, Workplace: m.Workplace, IDNumber: m.IDNumber, Phone: m.Phone, Email: m.Email,
		Address: m.Address, Status: m.Status, StatusDate: m.StatusDate, Note: m.Note}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if m, err = s.db.UpdateMember(ctx, a, id, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, memberFor(r, m))
	return nil
}

func (s *Server) apiMembershipList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	seats, err := s.db.FindMemberships(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, seats))
	return nil
}

func (s *Server) apiMembershipCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindMemberByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in member.MembershipInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.StartDate.IsZero() && in.TermID != 0 {
		if t, err := s.db.FindTermByID(r.Context(), actor(r), in.TermID); err == nil {
			in.StartDate = t.StartDate
		}
	}
	tm, err := s.db.AddMembership(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tm)
	return nil
}

func (s *Server) apiMembershipEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	if _, err := s.db.FindMembershipByID(ctx, a, id); err != nil {
		return err
	}
	var in apiEndBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.EndMembership(ctx, a, id, in.EndDate); err != nil {
		return err
	}
	tm, err := s.db.FindMembershipByID(ctx, a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tm)
	return nil
}

func (s *Server) apiRoleList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	roles, err := s.db.FindRoles(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, roles))
	return nil
}

func (s *Server) apiRoleCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindMemberByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in member.RoleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	role, err := s.db.AddRole(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, role)
	return nil
}

func (s *Server) apiRoleSort(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	if _, err := s.db.FindRoleByID(ctx, a, id); err != nil {
		return err
	}
	var in apiRoleSortBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.UpdateRoleSort(ctx, a, id, in.Sort); err != nil {
		return err
	}
	role, err := s.db.FindRoleByID(ctx, a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, role)
	return nil
}

func (s *Server) apiRoleEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	if _, err := s.db.FindRoleByID(ctx, a, id); err != nil {
		return err
	}
	var in apiEndBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.EndRole(ctx, a, id, in.EndDate); err != nil {
		return err
	}
	role, err := s.db.FindRoleByID(ctx, a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, role)
	return nil
}
