package web

import (
	"context"
	"net/http"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
)

// orgPatch is the body of PATCH /api/v1/orgs/{id}: every editable field, all
// of them (a missing field is taken as empty). Tier and parent change only by
// the move call.
type orgPatch struct {
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Code      string `json:"code"`
	Sort      int    `json:"sort"`
}

// orgMoveBody is the body of POST /api/v1/orgs/{id}/move.
type orgMoveBody struct {
	ParentID int64  `json:"parent_id"`
	Reason   string `json:"reason"`
}

var pageParams = []APIParam{
	{Name: "offset", Type: "integer", Description: "跳过的条数，默认 0"},
	{Name: "limit", Type: "integer", Description: "每页条数，默认 50，最大 200"},
}

func (s *Server) orgAPIRoutes() []Route {
	read, write := auth.OrgRead, auth.OrgWrite
	api := func(method, pattern string, perm auth.Permission, doc APIDoc, h func(http.ResponseWriter, *http.Request) error) Route {
		doc.Tag = "组织机构"
		return Route{Method: method, Pattern: "/api/v1" + pattern, Perm: perm, API: true, Doc: &doc, Handle: h}
	}
	return []Route{
		api("GET", "/orgs", read, APIDoc{Summary: "列出本账号管辖范围内的组织", Response: apiList[store.OrgRow]{},
			Query: append([]APIParam{
				{Name: "parent_id", Type: "integer", Description: "只列出该组织的直接下级"},
				{Name: "kind", Type: "string", Description: "层级：city, county, township, village"},
				{Name: "q", Type: "string", Description: "名称或简称包含的文字"},
				{Name: "include_archived", Type: "boolean", Description: "是否包含已撤销的组织"},
				{Name: "sort", Type: "string", Description: "排序：name, kind, sort, created；默认按层级树序"},
				{Name: "dir", Type: "string", Description: "asc 或 desc"},
			}, pageParams...)}, s.apiOrgList),
		api("POST", "/orgs", write, APIDoc{Summary: "新建组织（层级须为上级的下一级）", Request: org.Input{},
			Response: org.Org{}, Status: http.StatusCreated}, s.apiOrgCreate),
		api("GET", "/orgs/{id}", read, APIDoc{Summary: "读取组织", Response: org.Org{}}, s.apiOrgGet),
		api("PATCH", "/orgs/{id}", write, APIDoc{Summary: "修改组织：须提交全部可编辑字段（name, short_name, code, sort），缺省的字段按空值处理；层级和上级不能在此修改",
			Request: orgPatch{}, Response: org.Org{}}, s.apiOrgPatch),
		api("POST", "/orgs/{id}/move", write, APIDoc{Summary: "调整隶属关系，下级组织随之调整并记录历史",
			Request: orgMoveBody{}, Response: org.Org{}}, s.apiOrgMove),
		api("POST", "/orgs/{id}/archive", write, APIDoc{Summary: "撤销组织（有未撤销的下级时拒绝）", Response: org.Org{}}, s.apiOrgArchive),
		api("GET", "/orgs/{id}/moves", read, APIDoc{Summary: "组织的隶属调整记录，按时间先后", Response: apiList[org.Move]{},
			Query: pageParams}, s.apiOrgMoves),
		api("GET", "/orgs/{id}/terms", read, APIDoc{Summary: "政协组织的届次，新的在前", Response: apiList[org.Term]{},
			Query: pageParams}, s.apiTermList),
		api("POST", "/orgs/{id}/terms", write, APIDoc{Summary: "新建届次（届次号不重复，各届时间不重叠）", Request: org.TermInput{},
			Response: org.Term{}, Status: http.StatusCreated}, s.apiTermCreate),
		api("PATCH", "/terms/{id}", write, APIDoc{Summary: "修改届次：须提交全部字段（number, start_date, end_date）",
			Request: org.TermInput{}, Response: org.Term{}}, s.apiTermPatch),
		api("GET", "/orgs/{id}/sectors", read, APIDoc{Summary: "政协组织的界别，按排序号", Response: apiList[org.Sector]{},
			Query: pageParams}, sectorAPI.listHandler(s)),
		api("POST", "/orgs/{id}/sectors", write, APIDoc{Summary: "新建界别（同一政协内名称不重复）", Request: org.NamedInput{},
			Response: org.Sector{}, Status: http.StatusCreated}, sectorAPI.createHandler(s)),
		api("PATCH", "/sectors/{id}", write, APIDoc{Summary: "修改界别：须提交全部字段（name, sort）", Request: org.NamedInput{},
			Response: org.Sector{}}, sectorAPI.patchHandler(s)),
		api("DELETE", "/sectors/{id}", write, APIDoc{Summary: "删除界别（已有委员任职时拒绝）", Status: http.StatusNoContent},
			sectorAPI.deleteHandler(s)),
		api("GET", "/orgs/{id}/special-committees", read, APIDoc{Summary: "政协组织的专门委员会，按排序号",
			Response: apiList[org.SpecialCommittee]{}, Query: pageParams}, specialAPI.listHandler(s)),
		api("POST", "/orgs/{id}/special-committees", write, APIDoc{Summary: "新建专门委员会（同一政协内名称不重复）",
			Request: org.NamedInput{}, Response: org.SpecialCommittee{}, Status: http.StatusCreated}, specialAPI.createHandler(s)),
		api("PATCH", "/special-committees/{id}", write, APIDoc{Summary: "修改专门委员会：须提交全部字段（name, sort）",
			Request: org.NamedInput{}, Response: org.SpecialCommittee{}}, specialAPI.patchHandler(s)),
		api("DELETE", "/special-committees/{id}", write, APIDoc{Summary: "删除专门委员会（已有委员任职时拒绝）",
			Status: http.StatusNoContent}, specialAPI.deleteHandler(s)),
	}
}

// apiPage reads offset and limit (default 50, at most 200).
func apiPage(r *http.Request) (int, int) {
	limit := queryInt(r, "limit", 50, 200)
	if limit == 0 {
		limit = 50
	}
	return queryInt(r, "offset", 0, 1_000_000_000), limit
}

// pageOf answers a short list that the store returns whole (a committee's
// terms, sectors, special committees, an organisation's moves) page by page.
func pageOf[T any](r *http.Request, all []T) apiList[T] {
	offset, limit := apiPage(r)
	items := []T{}
	if offset < len(all) {
		items = all[offset:min(offset+limit, len(all))]
	}
	return apiList[T]{Items: items, Total: len(all), Offset: offset, Limit: limit}
}

func (s *Server) apiOrgList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	offset, limit := apiPage(r)
	name, err := orgQuery(r)
	if err != nil {
		return err
	}
	f := store.OrgListFilter{ParentID: queryID(r, "parent_id"), Name: name, Offset: offset, Limit: limit}
	f.Sort, f.Desc = orgSort(q)
	if v := q.Get("sort"); v != "" && f.Sort == "" {
		return app.Errorf(app.EINVALID, "不支持按“%s”排序", v)
	}
	switch q.Get("include_archived") {
	case "", "false", "0":
	case "true", "1":
		f.IncludeArchived = true
	default:
		return app.Errorf(app.EINVALID, "include_archived 应为 true 或 false")
	}
	if k := q.Get("kind"); k != "" {
		if !org.Kind(k).Valid() {
			return app.Errorf(app.EINVALID, "未知的组织层级：%s", k)
		}
		f.Kinds = []org.Kind{org.Kind(k)}
	}
	list, total, err := s.db.ListOrgs(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.OrgRow{}
	}
	writeJSON(w, http.StatusOK, apiList[store.OrgRow]{Items: list, Total: total, Offset: offset, Limit: limit})
	return nil
}

func (s *Server) apiOrgCreate(w http.ResponseWriter, r *http.Request) error {
	var in org.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o, err := s.db.CreateOrg(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) apiOrgGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.db.FindOrgByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiOrgPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Look the organisation up first, so that one outside the scope answers
	// 404 whatever the body holds.
	o, err := s.db.FindOrgByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	if o.Archived {
		return archivedError(o)
	}
	var in orgPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o, err = s.db.UpdateOrg(r.Context(), actor(r), id, org.Input{Name: in.Name, ShortName: in.ShortName,
		Code: in.Code, Sort: in.Sort})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiOrgMove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindOrgByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in orgMoveBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.ParentID <= 0 {
		var errs app.FieldErrors
		errs.Add("parent_id", "请选择新上级组织")
		return errs.Err()
	}
	o, err := s.db.MoveOrg(r.Context(), actor(r), id, in.ParentID, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiOrgArchive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.ArchiveOrg(r.Context(), actor(r), id); err != nil {
		return err
	}
	o, err := s.db.FindOrgByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiOrgMoves(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	moves, err := s.db.FindOrgMoves(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, moves))
	return nil
}

func (s *Server) apiTermList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	terms, err := s.db.FindTerms(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(r, terms))
	return nil
}

// apiCommittee checks the {id} committee before a body is read, so that one
// outside the scope answers 404 whatever the body holds.
func (s *Server) apiCommittee(r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	o, err := s.db.FindOrgByID(r.Context(), actor(r), id)
	if err != nil {
		return 0, err
	}
	if !o.IsCommittee() {
		return 0, app.Errorf(app.EINVALID, "%s是%s，只有市、县(区)政协设有届次、界别和专门委员会", o.Name, o.KindLabel())
	}
	return id, nil
}

func (s *Server) apiTermCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiCommittee(r)
	if err != nil {
		return err
	}
	var in org.TermInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.db.CreateTerm(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiTermPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.FindTermByID(r.Context(), actor(r), id); err != nil {
		return err
	}
	var in org.TermInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.db.UpdateTerm(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// namedAPI binds the JSON handlers to sectors or special committees, the two
// committee lists that are just names; one set of handlers serves both.
type namedAPI[T any] struct {
	list   func(*store.DB, context.Context, app.Actor, int64) ([]T, error)
	byID   func(*store.DB, context.Context, app.Actor, int64) (T, error)
	create func(*store.DB, context.Context, app.Actor, int64, org.NamedInput) (T, error)
	update func(*store.DB, context.Context, app.Actor, int64, org.NamedInput) (T, error)
	delete func(*store.DB, context.Context, app.Actor, int64) error
}

var (
	sectorAPI = namedAPI[org.Sector]{(*store.DB).FindSectors, (*store.DB).FindSectorByID,
		(*store.DB).CreateSector, (*store.DB).UpdateSector, (*store.DB).DeleteSector}
	specialAPI = namedAPI[org.SpecialCommittee]{(*store.DB).FindSpecialCommittees, (*store.DB).FindSpecialCommitteeByID,
		(*store.DB).CreateSpecialCommittee, (*store.DB).UpdateSpecialCommittee, (*store.DB).DeleteSpecialCommittee}
)

func (n namedAPI[T]) listHandler(s *Server) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		list, err := n.list(s.db, r.Context(), actor(r), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, pageOf(r, list))
		return nil
	}
}

func (n namedAPI[T]) createHandler(s *Server) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := s.apiCommittee(r)
		if err != nil {
			return err
		}
		var in org.NamedInput
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		x, err := n.create(s.db, r.Context(), actor(r), id, in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, x)
		return nil
	}
}

// patchHandler answers 404 for an unknown id before it reads the body.
func (n namedAPI[T]) patchHandler(s *Server) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := n.byID(s.db, r.Context(), actor(r), id); err != nil {
			return err
		}
		var in org.NamedInput
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		x, err := n.update(s.db, r.Context(), actor(r), id, in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, x)
		return nil
	}
}

func (n namedAPI[T]) deleteHandler(s *Server) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := n.delete(s.db, r.Context(), actor(r), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
