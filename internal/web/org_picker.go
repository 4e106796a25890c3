package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// The organisation filter of list pages. A province has 3,161 organisations
// in an office's scope (3,000 of them villages): a select of them all was
// 180 KB of the topic list's 180 KB. The filter instead offers
//   - the committees and townships of the scope (about 160 in a province),
//   - the children of the account's own organisation (a township's villages),
//   - the branch of the current choice: its ancestors' children down to it
//     and its own children, so choosing a township and filtering offers its
//     villages next time (下级 navigation without JavaScript),
//   - and, when the org_q field names part of a name, the matching
//     organisations in their own group with where they lie, at most
//     orgSearchCap of them.
// Every list page with an organisation filter uses orgFilter.

// orgSearchCap is how many organisations a name search offers.
const orgSearchCap = 50

// orgSearchParam is the query parameter of the filter's name search.
const orgSearchParam = "org_q"

// orgPickerKinds are the tiers the filter always offers.
var orgPickerKinds = []org.Kind{org.City, org.County, org.Township}

// orgFilter returns the filter's two fields: the select named param (its
// value read from the query, first its empty choice) and the name search.
func (s *Server) orgFilter(r *http.Request, param, label, first string) ([]view.Field, error) {
	q := r.URL.Query()
	sel := view.Field{Name: param, Label: label, Value: q.Get(param)}
	opts, err := s.orgChoices(r, q.Get(param))
	if err != nil {
		return nil, err
	}
	sel.Options = append([]view.Option{{Label: first}}, opts...)
	search := view.Field{Name: orgSearchParam, Label: "查找" + label, Value: strings.TrimSpace(q.Get(orgSearchParam)),
		Attrs: map[string]string{"placeholder": "输入名称中的字", "maxlength": "30", "autocomplete": "off"}}
	if search.Value != "" {
		found, err := s.orgSearch(r, search.Value)
		if err != nil {
			return nil, err
		}
		sel.Options = append(sel.Options, found...)
		search.Hint = "在“" + label + "”中选择查找结果，再点筛选"
	}
	return []view.Field{sel, search}, nil
}

// orgChoices are the organisations the filter offers without a search, in
// tree order and indented by tier, for the current choice cur (an id or "").
func (s *Server) orgChoices(r *http.Request, cur string) ([]view.Option, error) {
	a := actor(r)
	var expand []int64
	if a.OrgID != 0 {
		expand = append(expand, a.OrgID)
	}
	if id, err := strconv.ParseInt(cur, 10, 64); err == nil && id > 0 {
		o, err := s.db.FindOrgByID(r.Context(), a, id)
		switch {
		case err == nil:
			expand = append(expand, pathIDs(o.Path)...)
		case app.ErrorCode(err) != app.ENOTFOUND:
			return nil, err
		}
	}
	orgs, err := s.db.FindOrgChoices(r.Context(), a, store.OrgChoiceFilter{Kinds: orgPickerKinds, Expand: expand})
	if err != nil {
		return nil, err
	}
	return indentedOrgOptions(orgs), nil
}

// indentedOrgOptions puts organisations (ordered by depth) in tree order,
// each indented by its depth below the shallowest.
func indentedOrgOptions(orgs []org.Org) []view.Option {
	if len(orgs) == 0 {
		return nil
	}
	top := orgs[0].Depth
	out := make([]view.Option, 0, len(orgs))
	for _, o := range orgTreeOrder(orgs) {
		out = append(out, view.Option{Value: app.Itoa(o.ID), Label: strings.Repeat("　", max(o.Depth-top, 0)) + o.Name})
	}
	return out
}

// orgSearch offers the organisations whose name or short name holds text,
// at most orgSearchCap, each with where it lies, in one option group.
func (s *Server) orgSearch(r *http.Request, text string) ([]view.Option, error) {
	if utf8.RuneCountInString(text) > 30 {
		text = string([]rune(text)[:30])
	}
	rows, total, err := s.db.ListOrgs(r.Context(), actor(r), store.OrgListFilter{Name: text, Limit: orgSearchCap})
	if err != nil {
		return nil, err
	}
	group := "名称含“" + text + "”的组织"
	if total == 0 {
		return []view.Option{{Label: "没有找到，请换个说法", Group: group, Disabled: true}}, nil
	}
	group += "（" + strconv.Itoa(total) + "个）"
	out := make([]view.Option, 0, len(rows)+1)
	for _, o := range rows {
		label := o.Name
		if where := orgWhere(o.Trail); where != "" {
			label += "（" + where + "）"
		}
		out = append(out, view.Option{Value: app.Itoa(o.ID), Label: label, Group: group})
	}
	if total > len(rows) {
		out = append(out, view.Option{Label: "只列出前" + strconv.Itoa(len(rows)) + "个，请输入更多字缩小范围",
			Group: group, Disabled: true})
	}
	return out, nil
}

// orgWhere is where an organisation lies, from its trail of ancestors
// without the scope's root, which every organisation shares: "甲县政协 / 乙镇".
func orgWhere(trail string) string {
	if _, rest, ok := strings.Cut(trail, " / "); ok {
		return rest
	}
	return ""
}

// pathIDs splits an organisation path ("/1/4/9/") into its ids.
func pathIDs(path string) []int64 {
	var out []int64
	for p := range strings.SplitSeq(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// orgField makes f, the organisation select of a form (its Value the
// current choice), a searching picker: first, the choices of orgChoices
// for that value, the matches of the page's org_q, and a search box that
// reopens the form's GET page (page) with org_q, keeping that page's query.
func (s *Server) orgField(r *http.Request, f view.Field, first, page string) (view.Field, error) {
	opts, err := s.orgChoices(r, f.Value)
	if err != nil {
		return f, err
	}
	f.Options = append([]view.Option{{Label: first}}, opts...)
	search := &view.FieldSearch{Name: orgSearchParam, Label: "查找组织", Action: page}
	if r.Method == http.MethodGet {
		search.Value = strings.TrimSpace(r.URL.Query().Get(orgSearchParam))
		search.Keep = url.Values{}
		for k, v := range r.URL.Query() {
			if k != orgSearchParam && k != "ok" {
				search.Keep[k] = v
			}
		}
	}
	if search.Value != "" {
		found, err := s.orgSearch(r, search.Value)
		if err != nil {
			return f, err
		}
		f.Options = append(f.Options, found...)
	}
	f.Search = search
	const how = "找不到村（社区）时输入名称中的字点“查找组织”（会重新打开本页，已填内容不保留）"
	if f.Hint == "" {
		f.Hint = how
	} else {
		f.Hint += "；" + how
	}
	return f, nil
}
