package web

// Search (搜索): one box over members, meetings, topics, proposals, reports,
// enterprises, problems and households — what the account may see, in its
// subtree — with results grouped by kind and the words marked (/search and
// GET /api/v1/search). The index and its rules are store/search.go.

import (
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/search"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

func (s *Server) searchRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/search", Cache: cacheData, Handle: s.searchPage},
		{Method: "GET", Pattern: "/api/v1/search", API: true, Handle: s.apiSearch, Doc: &APIDoc{Tag: "搜索",
			Summary: "全文搜索：本账号管辖范围内、有权查看的委员、会议（含议程和文件名）、协商议题（含成果）、提案、社情民意、企业、帮扶问题和帮扶户；" +
				"两个字的词、中英文数字混合（如“5G基站”“2023年”）均可；多个词用空格分开，须同时出现；结果按类别分组，最近修改的在前；" +
				"标题和摘要中匹配的文字 mark=true。不指定 kind 时每类返回前 limit 条（默认5），more=true 表示还有更多；" +
				"指定 kind 时分页（默认20）并给出总数 total（最多1000，capped=true 表示更多）",
			Response: store.SearchResult{}, Query: append([]APIParam{
				{Name: "q", Type: "string", Description: "搜索词，最多100字、8个词"},
				{Name: "kind", Type: "string", Description: "只搜一类：member meeting topic proposal report enterprise problem household"},
				{Name: "org_id", Type: "integer", Description: "只搜该组织及其下级"},
				{Name: "year", Type: "integer", Description: "年度（会议的召开年度、议题年度、提案的提交年度等）"},
			}, pageParams...)}},
	}
}

// searchFilter reads the query string; a year that is not a number is
// refused by the store like any other bad year.
func searchFilter(r *http.Request) store.SearchFilter {
	q := r.URL.Query()
	f := store.SearchFilter{Query: q.Get("q"), Kind: strings.TrimSpace(q.Get("kind")), OrgID: queryID(r, "org_id")}
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			n = -1
		}
		f.Year = n
	}
	return f
}

// runSearch searches and turns an organisation outside the subtree into a
// field error, as a filter the user chose rather than a page not found.
func (s *Server) runSearch(r *http.Request, f store.SearchFilter) (store.SearchResult, error) {
	res, err := s.db.Search(r.Context(), actor(r), f)
	if err != nil && f.OrgID != 0 && app.ErrorCode(err) == app.ENOTFOUND {
		var errs app.FieldErrors
		errs.Add("org_id", "该组织不在本账号管辖范围内")
		err = errs.Err()
	}
	return res, err
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	f := searchFilter(r)
	f.Offset, f.Limit = apiPage(r)
	if r.URL.Query().Get("limit") == "" {
		f.Limit = 0 // the store's default: 5 per kind, 20 for one kind
	}
	res, err := s.runSearch(r, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// searchLink is the page a hit opens.
func searchLink(h store.SearchHit) string {
	kind, id := h.Kind, h.RefID
	if h.ParentKind != "" {
		kind, id = h.ParentKind, h.ParentID
	}
	if p, ok := searchPages[kind]; ok {
		return p + app.Itoa(id)
	}
	return "/problems" // a problem of neither a household nor an enterprise: the list
}

// searchPages is where each kind's records are shown.
var searchPages = map[string]string{
	"member": "/members/", "meeting": "/meetings/", "topic": "/topics/", "proposal": "/proposals/",
	"report": "/reports/", "enterprise": "/enterprises/", "household": "/households/",
}

func segments(s []search.Segment) []view.Mark {
	out := make([]view.Mark, len(s))
	for i, x := range s {
		out[i] = view.Mark{Text: x.Text, On: x.Mark}
	}
	return out
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) error {
	a := actor(r)
	f := searchFilter(r)
	const perPage = 20 // one kind; every kind shows the store's first 5
	if f.Kind != "" {
		f.Offset, f.Limit = queryInt(r, "offset", 0, 1_000_000), perPage
	}
	d := view.SearchPage{Q: f.Query, Kind: f.Kind, Org: r.URL.Query().Get("org_id"), Year: r.URL.Query().Get("year")}
	status := http.StatusOK
	res, err := s.runSearch(r, f)
	switch {
	case err != nil && app.ErrorCode(err) == app.EINVALID:
		d.Errs, status = app.ErrorFields(err), http.StatusUnprocessableEntity
		res.Kinds = store.SearchableKinds(a)
	case err != nil:
		return err
	}
	d.Asked = !res.Query.Empty()
	d.KindOptions = []view.Option{{Value: "", Label: "全部类别"}}
	for _, k := range res.Kinds {
		d.KindOptions = append(d.KindOptions, view.Option{Value: k.Name, Label: k.Label})
	}
	d.NoKinds = len(res.Kinds) == 0
	orgs, err := s.searchOrgOptions(r)
	if err != nil {
		return err
	}
	d.OrgOptions = orgs
	base := url.Values{}
	base.Set("q", f.Query)
	if d.Org != "" {
		base.Set("org_id", d.Org)
	}
	if d.Year != "" {
		base.Set("year", d.Year)
	}
	for _, g := range res.Groups {
		vg := view.SearchGroup{Label: g.Label}
		if f.Kind != "" {
			vg.Count = strconv.Itoa(g.Total)
			if g.Capped {
				vg.Count += "+"
			}
		}
		if g.More {
			q := maps.Clone(base)
			q.Set("kind", g.Kind)
			vg.More = "/search?" + q.Encode()
		}
		for _, h := range g.Hits {
			q := maps.Clone(base)
			q.Set("org_id", app.Itoa(h.OrgID))
			if f.Kind != "" {
				q.Set("kind", f.Kind)
			}
			row := view.SearchHit{Link: searchLink(h), Title: segments(h.Title), Snippet: segments(h.Snippet),
				Org: h.OrgName, OrgLink: "/search?" + q.Encode()}
			if h.Year > 0 {
				row.Year = strconv.Itoa(h.Year) + "年"
			}
			if h.ParentKind != "" {
				row.Via = store.SearchKindLabel(h.ParentKind)
			}
			vg.Hits = append(vg.Hits, row)
		}
		if f.Kind != "" {
			q := maps.Clone(base)
			q.Set("kind", f.Kind)
			vg.Pager = &view.Pager{Total: g.Total, Offset: f.Offset, Limit: perPage, Query: q, Path: "/search"}
		}
		d.Groups = append(d.Groups, vg)
	}
	title := "搜索"
	if d.Asked {
		title = "搜索：" + strings.TrimSpace(f.Query)
	}
	return render(w, r, status, view.SearchResults(page(r, title, "search"), d))
}

// searchOrgOptions are the organisations the filter offers: the account's
// own and the committees in its subtree.
func (s *Server) searchOrgOptions(r *http.Request) ([]view.Option, error) {
	a := actor(r)
	out := []view.Option{{Value: "", Label: "全部组织"}}
	if a.OrgID != 0 {
		if o, err := s.db.FindOrgByID(r.Context(), a, a.OrgID); err == nil && o.Kind != org.City && o.Kind != org.County {
			out = append(out, view.Option{Value: app.Itoa(o.ID), Label: o.Name})
		}
	}
	cs, err := s.db.FindCommittees(r.Context(), a)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		out = append(out, view.Option{Value: app.Itoa(c.ID), Label: c.Name})
	}
	return out, nil
}
