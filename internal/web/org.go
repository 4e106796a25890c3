package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// orgRoutes are the organisation pages: the tree, one organisation with its
// children, terms, sectors, special committees and move history, and the
// forms that change them. The JSON API's routes come from api_org.go.
func (s *Server) orgRoutes() []Route {
	read, write := auth.OrgRead, auth.OrgWrite
	routes := []Route{
		{Method: "GET", Pattern: "/orgs", Perm: read, Handle: s.orgIndex},
		{Method: "GET", Pattern: "/orgs/new", Perm: write, Handle: s.orgNew},
		{Method: "POST", Pattern: "/orgs", Perm: write, Handle: s.orgCreate},
		{Method: "GET", Pattern: "/orgs/{id}", Perm: read, Handle: s.orgShow},
		{Method: "GET", Pattern: "/orgs/{id}/edit", Perm: write, Handle: s.orgEdit},
		{Method: "POST", Pattern: "/orgs/{id}", Perm: write, Handle: s.orgUpdate},
		{Method: "GET", Pattern: "/orgs/{id}/move", Perm: write, Handle: s.orgMove},
		{Method: "POST", Pattern: "/orgs/{id}/move", Perm: write, Handle: s.orgMovePost},
		{Method: "POST", Pattern: "/orgs/{id}/archive", Perm: write, Handle: s.orgArchive},
		{Method: "GET", Pattern: "/orgs/{id}/terms/new", Perm: write, Handle: s.termNew},
		{Method: "POST", Pattern: "/orgs/{id}/terms", Perm: write, Handle: s.termCreate},
		{Method: "GET", Pattern: "/terms/{id}/edit", Perm: write, Handle: s.termEdit},
		{Method: "POST", Pattern: "/terms/{id}", Perm: write, Handle: s.termUpdate},
		{Method: "POST", Pattern: "/orgs/{id}/defaults", Perm: write, Handle: s.orgSeedDefaults},
		{Method: "POST", Pattern: "/orgs/{id}/sectors", Perm: write, Handle: s.namedCreate(sectorOps)},
		{Method: "POST", Pattern: "/sectors/{id}", Perm: write, Handle: s.namedUpdate(sectorOps)},
		{Method: "POST", Pattern: "/sectors/{id}/delete", Perm: write, Handle: s.namedDelete(sectorOps)},
		{Method: "POST", Pattern: "/orgs/{id}/special-committees", Perm: write, Handle: s.namedCreate(specialOps)},
		{Method: "POST", Pattern: "/special-committees/{id}", Perm: write, Handle: s.namedUpdate(specialOps)},
		{Method: "POST", Pattern: "/special-committees/{id}/delete", Perm: write, Handle: s.namedDelete(specialOps)},
	}
	return append(routes, s.orgAPIRoutes()...)
}

const orgPageSize = 50

// orgURL is an organisation's page, with an optional flash key.
func orgURL(id int64, ok string) string {
	u := "/orgs/" + app.Itoa(id)
	if ok != "" {
		u += "?ok=" + ok
	}
	return u
}

// orgSort reads the whitelisted sort key and direction of a list.
func orgSort(q url.Values) (string, bool) {
	key := q.Get("sort")
	if !store.OrgSortKey(key) {
		key = ""
	}
	return key, q.Get("dir") == "desc"
}

// orgQuery reads the name search; an overlong text is refused before it
// reaches the database (invalid UTF-8 never gets here: see validQuery).
func orgQuery(r *http.Request) (string, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 100 {
		return "", app.Errorf(app.EINVALID, "搜索内容不能超过100个字")
	}
	return q, nil
}

func orgRows(list []store.OrgRow) []view.OrgRow {
	out := make([]view.OrgRow, len(list))
	for i, r := range list {
		out[i] = view.OrgRow{Org: r.Org, Children: r.Children, Trail: r.Trail}
	}
	return out
}

// --- The tree ---

func (s *Server) orgIndex(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	name, err := orgQuery(r)
	if err != nil {
		return err
	}
	d := view.OrgIndex{
		Query:           name,
		IncludeArchived: q.Get("archived") == "1",
		CanWrite:        can(r, auth.OrgWrite),
		CanCreateRoot:   can(r, auth.OrgWrite) && a.Path == "/",
	}
	if d.Query != "" {
		// A search spans every tier, villages included, as a flat paged list.
		key, desc := orgSort(q)
		f := store.OrgListFilter{Name: d.Query, IncludeArchived: d.IncludeArchived, Sort: key, Desc: desc,
			Offset: queryInt(r, "offset", 0, 1_000_000), Limit: orgPageSize}
		list, total, err := s.db.ListOrgs(ctx, a, f)
		if err != nil {
			return err
		}
		keep := url.Values{"q": {d.Query}}
		if d.IncludeArchived {
			keep.Set("archived", "1")
		}
		d.Query, d.Matches = f.Name, orgRows(list)
		d.Q = withSort(keep, q)
		d.Pager = view.Pager{Total: total, Offset: f.Offset, Limit: f.Limit, Query: d.Q, Path: "/orgs"}
		return render(w, r, http.StatusOK, view.OrgIndexPage(withExport(page(r, "组织机构", "orgs"), r, "/orgs.xlsx"), d))
	}
	// The tree stops at townships: villages (thousands in a province) are
	// listed on their township's page.
	list, _, err := s.db.ListOrgs(ctx, a, store.OrgListFilter{Kinds: []org.Kind{org.City, org.County, org.Township},
		IncludeArchived: d.IncludeArchived})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		// An account bound to a village sees just that village.
		if list, _, err = s.db.ListOrgs(ctx, a, store.OrgListFilter{IncludeArchived: d.IncludeArchived, Limit: orgPageSize}); err != nil {
			return err
		}
	}
	d.Roots = buildTree(list)
	return render(w, r, http.StatusOK, view.OrgIndexPage(withExport(page(r, "组织机构", "orgs"), r, "/orgs.xlsx"), d))
}

// withSort copies the sort parameters of q into keep.
func withSort(keep, q url.Values) url.Values {
	if key, desc := orgSort(q); key != "" {
		keep.Set("sort", key)
		if desc {
			keep.Set("dir", "desc")
		}
	}
	return keep
}

// buildTree links rows (ordered by depth) into nodes; rows whose parent is
// not in the list are roots.
func buildTree(list []store.OrgRow) []*view.OrgNode {
	byID := map[int64]*view.OrgNode{}
	var roots []*view.OrgNode
	for _, r := range list {
		n := &view.OrgNode{Org: r.Org, Children: r.Children}
		byID[r.ID] = n
		if p, ok := byID[r.ParentID]; ok {
			p.Kids = append(p.Kids, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots
}

// --- One organisation ---

func (s *Server) orgShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderOrg(w, r, id, http.StatusOK, nil)
}

// renderOrg shows an organisation's page; edit, when set, adjusts it before
// rendering (a refused action's message, an inline form's typed values).
func (s *Server) renderOrg(w http.ResponseWriter, r *http.Request, id int64, status int, edit func(*view.OrgShow)) error {
	ctx, a := r.Context(), actor(r)
	o, err := s.db.FindOrgByID(ctx, a, id)
	if err != nil {
		return err
	}
	d := view.OrgShow{Org: o, Today: s.db.Today()}
	if d.Crumbs, err = s.db.FindAncestors(ctx, a, o); err != nil {
		return err
	}
	q := r.URL.Query() // empty when re-rendering after a refused POST
	key, desc := orgSort(q)
	f := store.OrgListFilter{ParentID: o.ID, IncludeArchived: q.Get("archived") == "1", Sort: key, Desc: desc,
		Offset: queryInt(r, "offset", 0, 1_000_000), Limit: orgPageSize}
	list, total, err := s.db.ListOrgs(ctx, a, f)
	if err != nil {
		return err
	}
	keep := url.Values{}
	if f.IncludeArchived {
		keep.Set("archived", "1")
	}
	d.Children, d.IncludeArchived = orgRows(list), f.IncludeArchived
	d.Q = withSort(keep, q)
	d.Pager = view.Pager{Total: total, Offset: f.Offset, Limit: f.Limit, Query: d.Q, Path: orgURL(o.ID, "")}
	moves, err := s.db.FindOrgMoves(ctx, a, o.ID)
	if err != nil {
		return err
	}
	for _, m := range moves {
		d.Moves = append(d.Moves, view.MoveRow{When: m.MovedAt.In(s.db.Loc).Format("2006-01-02 15:04"),
			From: m.FromName, To: m.ToName, Reason: m.Reason})
	}
	if o.IsCommittee() {
		if d.Terms, err = s.db.FindTerms(ctx, a, o.ID); err != nil {
			return err
		}
		if d.Sectors, err = s.db.FindSectors(ctx, a, o.ID); err != nil {
			return err
		}
		if d.Specials, err = s.db.FindSpecialCommittees(ctx, a, o.ID); err != nil {
			return err
		}
	}
	d.CanWrite = can(r, auth.OrgWrite) && !o.Archived
	d.CanMove = d.CanWrite && o.ParentID != 0 && o.Path != a.Path
	d.CanArchive = d.CanWrite && o.Path != a.Path
	if edit != nil {
		edit(&d)
	}
	title := o.Name
	return render(w, r, status, view.OrgShowPage(page(r, title, "orgs"), d))
}

// --- Create and edit ---

// kindOptions offers the one tier allowed under parent (a city at the top).
func kindOptions(parent org.Org) []view.Option {
	k := org.City
	if parent.ID != 0 {
		k = parent.Kind.ChildKind()
	}
	if k == "" {
		return nil
	}
	return []view.Option{{Value: string(k), Label: k.Label()}}
}

func (s *Server) orgNew(w http.ResponseWriter, r *http.Request) error {
	a := actor(r)
	parentID := queryID(r, "parent")
	if parentID == 0 && a.Path != "/" {
		parentID = a.OrgID
	}
	parent, crumbs, err := s.orgParent(r.Context(), a, parentID)
	if err != nil {
		return err
	}
	if parent.ID != 0 && (parent.Archived || parent.Kind.ChildKind() == "") {
		return app.Errorf(app.ECONFLICT, "%s下不能再设立下级组织", parent.Name)
	}
	f := view.OrgForm{Action: "/orgs", Parent: parent, Crumbs: crumbs, KindOptions: kindOptions(parent)}
	if len(f.KindOptions) > 0 {
		f.Kind = f.KindOptions[0].Value
	}
	return render(w, r, http.StatusOK, view.OrgFormPage(page(r, "新建组织", "orgs"), f))
}

// orgParent finds the chosen parent (0 for none: a root, for platform admins)
// with its breadcrumb; a parent outside the actor's subtree is not found.
func (s *Server) orgParent(ctx context.Context, a app.Actor, id int64) (org.Org, []org.Org, error) {
	if id == 0 {
		if a.Path != "/" {
			return org.Org{}, nil, app.NotFound("上级组织")
		}
		return org.Org{}, nil, nil
	}
	p, err := s.db.FindOrgByID(ctx, a, id)
	if err != nil {
		return p, nil, err
	}
	crumbs, err := s.db.FindAncestors(ctx, a, p)
	return p, append(crumbs, p), err
}

func orgInput(f *form) (org.Input, view.OrgForm) {
	in := org.Input{ParentID: f.ID("parent_id"), Kind: org.Kind(f.Str("kind")), Name: f.Str("name"),
		ShortName: f.Str("short_name"), Code: f.Str("code"), Sort: f.Int("sort")}
	typed := view.OrgForm{Kind: string(in.Kind), Name: in.Name, ShortName: in.ShortName, Code: in.Code,
		Sort: f.r.PostFormValue("sort")}
	return in, typed
}

func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	a := actor(r)
	in, d := orgInput(f)
	parent, crumbs, err := s.orgParent(r.Context(), a, in.ParentID)
	if err != nil {
		return err
	}
	var created org.Org
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate(parent.Kind).Err())
	} else {
		created, err = s.db.CreateOrg(r.Context(), a, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		d.Action, d.Parent, d.Crumbs, d.KindOptions = "/orgs", parent, crumbs, kindOptions(parent)
		d.Errs, d.Msg = app.ErrorFields(err), formMessage(err, "parent_id")
		return render(w, r, formStatus(err), view.OrgFormPage(page(r, "新建组织", "orgs"), d))
	}
	return redirect(w, r, orgURL(created.ID, "created"))
}

// formMessage is the message to show above a form: a conflict's message, or
// the error of a field the form has no input for.
func formMessage(err error, field string) string {
	if app.ErrorCode(err) != app.EINVALID {
		return app.ErrorMessage(err)
	}
	return app.ErrorFields(err).Get(field)
}

func (s *Server) orgEdit(w http.ResponseWriter, r *http.Request) error {
	o, crumbs, err := s.orgForEdit(r)
	if err != nil {
		return err
	}
	if o.Archived {
		return archivedError(o)
	}
	d := view.OrgForm{Action: orgURL(o.ID, ""), Editing: o, Crumbs: crumbs, Kind: string(o.Kind), Name: o.Name,
		ShortName: o.ShortName, Code: o.Code, Sort: strconv.Itoa(o.Sort)}
	return render(w, r, http.StatusOK, view.OrgFormPage(page(r, "编辑 "+o.Name, "orgs"), d))
}

// archivedError refuses changes to a dissolved organisation; its record and
// history stay as they were.
func archivedError(o org.Org) error {
	return app.Errorf(app.ECONFLICT, "%s已撤销，不能再修改", o.Name)
}

// orgForEdit finds the {id} organisation with its breadcrumb for a form.
func (s *Server) orgForEdit(r *http.Request) (org.Org, []org.Org, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return org.Org{}, nil, err
	}
	o, err := s.db.FindOrgByID(r.Context(), actor(r), id)
	if err != nil {
		return o, nil, err
	}
	crumbs, err := s.db.FindAncestors(r.Context(), actor(r), o)
	return o, crumbs, err
}

func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request) error {
	o, crumbs, err := s.orgForEdit(r)
	if err != nil {
		return err
	}
	if o.Archived {
		return archivedError(o)
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in, d := orgInput(f)
	in.Kind, in.ParentID = o.Kind, o.ParentID
	if len(f.Errs) > 0 {
		err = f.merge(app.FieldErrors{}.Err())
	} else {
		_, err = s.db.UpdateOrg(r.Context(), actor(r), o.ID, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		d.Action, d.Editing, d.Crumbs, d.Kind = orgURL(o.ID, ""), o, crumbs, string(o.Kind)
		d.Errs, d.Msg = app.ErrorFields(err), formMessage(err, "parent_id")
		return render(w, r, formStatus(err), view.OrgFormPage(page(r, "编辑 "+o.Name, "orgs"), d))
	}
	return redirect(w, r, orgURL(o.ID, "saved"))
}

// --- Move and archive ---

func (s *Server) orgMove(w http.ResponseWriter, r *http.Request) error {
	o, crumbs, err := s.orgForEdit(r)
	if err != nil {
		return err
	}
	d, err := s.moveForm(r, o, crumbs)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.OrgMovePage(page(r, "调整隶属 "+o.Name, "orgs"), d))
}

// moveForm lists the valid new parents in scope: organisations of the
// current parent's tier that are not archived, other than the current parent.
func (s *Server) moveForm(r *http.Request, o org.Org, crumbs []org.Org) (view.OrgMoveForm, error) {
	a := actor(r)
	d := view.OrgMoveForm{Org: o, Crumbs: crumbs}
	if o.ParentID == 0 {
		return d, app.Errorf(app.ECONFLICT, "市政协是顶级组织，没有上级")
	}
	if o.Path == a.Path {
		return d, app.Errorf(app.EFORBIDDEN, "不能调整本账号所属组织自身的隶属关系")
	}
	if o.Archived {
		return d, archivedError(o)
	}
	if len(crumbs) > 0 {
		d.Current = crumbs[len(crumbs)-1].Name
	}
	var parentKind org.Kind
	for _, k := range org.Kinds {
		if k.ChildKind() == o.Kind {
			parentKind = k
		}
	}
	list, err := s.db.FindOrgs(r.Context(), a, store.OrgFilter{Kinds: []org.Kind{parentKind}})
	if err != nil {
		return d, err
	}
	for _, p := range list {
		if p.ID != o.ParentID {
			d.Options = append(d.Options, view.Option{Value: app.Itoa(p.ID), Label: p.Name})
		}
	}
	return d, nil
}

func (s *Server) orgMovePost(w http.ResponseWriter, r *http.Request) error {
	o, crumbs, err := s.orgForEdit(r)
	if err != nil {
		return err
	}
	d, err := s.moveForm(r, o, crumbs)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	parentID, reason := f.ID("parent_id"), f.Str("reason")
	if parentID == 0 && len(f.Errs) == 0 {
		f.Errs.Add("parent_id", "请选择新上级组织")
	}
	if len(f.Errs) > 0 {
		err = f.merge(app.FieldErrors{}.Err())
	} else {
		_, err = s.db.MoveOrg(r.Context(), actor(r), o.ID, parentID, reason)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		d.ParentID, d.Reason = f.r.PostFormValue("parent_id"), reason
		d.Errs, d.Msg = app.ErrorFields(err), formMessage(err, "")
		return render(w, r, formStatus(err), view.OrgMovePage(page(r, "调整隶属 "+o.Name, "orgs"), d))
	}
	return redirect(w, r, orgURL(o.ID, "moved"))
}

func (s *Server) orgArchive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.ArchiveOrg(r.Context(), actor(r), id); err != nil {
		if app.ErrorCode(err) != app.ECONFLICT {
			return err
		}
		return s.renderOrg(w, r, id, formStatus(err), func(d *view.OrgShow) { d.Msg = app.ErrorMessage(err) })
	}
	return redirect(w, r, orgURL(id, "archived"))
}

// --- Terms ---

func (s *Server) termNew(w http.ResponseWriter, r *http.Request) error {
	c, crumbs, err := s.orgForEdit(r)
	if err != nil {
		return err
	}
	if !c.IsCommittee() {
		return app.NotFound("政协组织")
	}
	if c.Archived {
		return archivedError(c)
	}
	d := view.TermForm{Committee: c, Crumbs: crumbs, Action: orgURL(c.ID, "") + "/terms"}
	// Suggest the term after the newest.
	if terms, err := s.db.FindTerms(r.Context(), actor(r), c.ID); err == nil && len(terms) > 0 {
		d.Number = strconv.Itoa(terms[0].Number + 1)
		if !terms[0].EndDate.IsZero() {
			next := terms[0].EndDate.Time(s.db.Loc).AddDate(0, 0, 1)
			d.StartDate = app.DateOf(next).String()
		}
	}
	return render(w, r, http.StatusOK, view.TermFormPage(page(r, "新建届次", "orgs"), d))
}

func termInput(f *form) (org.TermInput, view.TermForm) {
	in := org.TermInput{Number: f.Int("number"), StartDate: f.Date("start_date"), EndDate: f.Date("end_date")}
	d := view.TermForm{Number: f.r.PostFormValue("number"), StartDate: f.r.PostFormValue("start_date"),
		EndDate: f.r.PostFormValue("end_date")}
	return in, d
}

func (s *Server) termCreate(w http.ResponseWriter, r *http.Request) error {
	c, crumbs, err := s.orgForEdit(r)
	if err != nil {
		return err
	}
	if !c.IsCommittee() {
		return app.NotFound("政协组织")
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in, d := termInput(f)
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate().Err())
	} else {
		_, err = s.db.CreateTerm(r.Context(), actor(r), c.ID, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		d.Committee, d.Crumbs, d.Action = c, crumbs, orgURL(c.ID, "")+"/terms"
		d.Errs, d.Msg = app.ErrorFields(err), formMessage(err, "")
		return render(w, r, formStatus(err), view.TermFormPage(page(r, "新建届次", "orgs"), d))
	}
	return redirect(w, r, orgURL(c.ID, "created")+"#terms")
}

// termForEdit finds the {id} term and its committee with the breadcrumb.
func (s *Server) termForEdit(r *http.Request) (org.Term, org.Org, []org.Org, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return org.Term{}, org.Org{}, nil, err
	}
	a := actor(r)
	t, err := s.db.FindTermByID(r.Context(), a, id)
	if err != nil {
		return t, org.Org{}, nil, err
	}
	c, err := s.db.FindOrgByID(r.Context(), a, t.CommitteeID)
	if err != nil {
		return t, c, nil, err
	}
	crumbs, err := s.db.FindAncestors(r.Context(), a, c)
	return t, c, append(crumbs, c), err
}

func (s *Server) termEdit(w http.ResponseWriter, r *http.Request) error {
	t, c, crumbs, err := s.termForEdit(r)
	if err != nil {
		return err
	}
	d := view.TermForm{Committee: c, Crumbs: crumbs, Term: t, Action: "/terms/" + app.Itoa(t.ID),
		Number: strconv.Itoa(t.Number), StartDate: t.StartDate.String(), EndDate: t.EndDate.String()}
	return render(w, r, http.StatusOK, view.TermFormPage(page(r, "编辑"+t.Label(), "orgs"), d))
}

func (s *Server) termUpdate(w http.ResponseWriter, r *http.Request) error {
	t, c, crumbs, err := s.termForEdit(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in, d := termInput(f)
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate().Err())
	} else {
		_, err = s.db.UpdateTerm(r.Context(), actor(r), t.ID, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		d.Committee, d.Crumbs, d.Term, d.Action = c, crumbs, t, "/terms/"+app.Itoa(t.ID)
		d.Errs, d.Msg = app.ErrorFields(err), formMessage(err, "")
		return render(w, r, formStatus(err), view.TermFormPage(page(r, "编辑"+t.Label(), "orgs"), d))
	}
	return redirect(w, r, orgURL(c.ID, "saved")+"#terms")
}

// --- Sectors and special committees (inline forms on the committee page) ---

// namedOps binds the inline-form handlers to sectors or special committees.
type namedOps struct {
	list      string // view.SectorList or view.SpecialList
	committee func(db *store.DB, ctx context.Context, a app.Actor, id int64) (int64, error)
	create    func(db *store.DB, ctx context.Context, a app.Actor, committeeID int64, in org.NamedInput) error
	update    func(db *store.DB, ctx context.Context, a app.Actor, id int64, in org.NamedInput) error
	delete    func(db *store.DB, ctx context.Context, a app.Actor, id int64) error
}

var sectorOps = namedOps{
	list: view.SectorList,
	committee: func(db *store.DB, ctx context.Context, a app.Actor, id int64) (int64, error) {
		x, err := db.FindSectorByID(ctx, a, id)
		return x.CommitteeID, err
	},
	create: func(db *store.DB, ctx context.Context, a app.Actor, c int64, in org.NamedInput) error {
		_, err := db.CreateSector(ctx, a, c, in)
		return err
	},
	update: func(db *store.DB, ctx context.Context, a app.Actor, id int64, in org.NamedInput) error {
		_, err := db.UpdateSector(ctx, a, id, in)
		return err
	},
	delete: (*store.DB).DeleteSector,
}

var specialOps = namedOps{
	list: view.SpecialList,
	committee: func(db *store.DB, ctx context.Context, a app.Actor, id int64) (int64, error) {
		x, err := db.FindSpecialCommitteeByID(ctx, a, id)
		return x.CommitteeID, err
	},
	create: func(db *store.DB, ctx context.Context, a app.Actor, c int64, in org.NamedInput) error {
		_, err := db.CreateSpecialCommittee(ctx, a, c, in)
		return err
	},
	update: func(db *store.DB, ctx context.Context, a app.Actor, id int64, in org.NamedInput) error {
		_, err := db.UpdateSpecialCommittee(ctx, a, id, in)
		return err
	},
	delete: (*store.DB).DeleteSpecialCommittee,
}

// namedSubmit decodes an inline form, runs save and redirects to the
// committee page, or re-renders it with the typed values and errors.
func (s *Server) namedSubmit(w http.ResponseWriter, r *http.Request, ops namedOps, committeeID, rowID int64,
	save func(org.NamedInput) error) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := org.NamedInput{Name: f.Str("name"), Sort: f.Int("sort")}
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate().Err())
	} else {
		err = save(in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		typed := view.NamedEdit{List: ops.list, ID: rowID, Name: f.r.PostFormValue("name"),
			Sort: f.r.PostFormValue("sort"), Errs: app.ErrorFields(err), Msg: formMessage(err, "")}
		return s.renderOrg(w, r, committeeID, formStatus(err), func(d *view.OrgShow) { d.Named = typed })
	}
	ok := "saved"
	if rowID == 0 {
		ok = "created"
	}
	return redirect(w, r, orgURL(committeeID, ok)+"#"+ops.list)
}

func (s *Server) namedCreate(ops namedOps) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, _, err := s.orgForEdit(r)
		if err != nil {
			return err
		}
		if !c.IsCommittee() {
			return app.NotFound("政协组织")
		}
		return s.namedSubmit(w, r, ops, c.ID, 0, func(in org.NamedInput) error {
			return ops.create(s.db, r.Context(), actor(r), c.ID, in)
		})
	}
}

func (s *Server) namedUpdate(ops namedOps) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		committeeID, err := ops.committee(s.db, r.Context(), actor(r), id)
		if err != nil {
			return err
		}
		return s.namedSubmit(w, r, ops, committeeID, id, func(in org.NamedInput) error {
			return ops.update(s.db, r.Context(), actor(r), id, in)
		})
	}
}

func (s *Server) namedDelete(ops namedOps) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		committeeID, err := ops.committee(s.db, r.Context(), actor(r), id)
		if err != nil {
			return err
		}
		if err := ops.delete(s.db, r.Context(), actor(r), id); err != nil {
			if app.ErrorCode(err) != app.ECONFLICT {
				return err
			}
			return s.renderOrg(w, r, committeeID, formStatus(err), func(d *view.OrgShow) {
				d.Named = view.NamedEdit{List: ops.list, ID: id, Msg: app.ErrorMessage(err)}
			})
		}
		return redirect(w, r, orgURL(committeeID, "deleted")+"#"+ops.list)
	}
}

func (s *Server) orgSeedDefaults(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.SeedDefaults(r.Context(), actor(r), id); err != nil {
		if app.ErrorCode(err) != app.ECONFLICT {
			return err
		}
		return s.renderOrg(w, r, id, formStatus(err), func(d *view.OrgShow) { d.Msg = app.ErrorMessage(err) })
	}
	return redirect(w, r, orgURL(id, "seeded")+"#"+view.SectorList)
}
