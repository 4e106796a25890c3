package web

// Proposals (提案) for the office and members: the list with its filters
// and counts per state, the forms to write and edit a proposal, the
// committee's proposal rules and its handling workflow (the graph editor of
// consult_graph.go for kind "proposal"). The proposal page and its forms
// are in proposal_show.go. Handling units work in their own pages, and the
// figures have theirs.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
	"xieshang/internal/workflow"
)

var proposalGraphKind = graphKind{kind: store.GraphKindProposal, path: "/proposals/graph", title: "提案办理流程",
	nav: "proposals", back: "/proposals", backLabel: "提案", write: auth.ProposalWrite, roles: proposal.Roles,
	requirements: proposal.Requirements, ownNote: "本政协已自定义提案办理流程。",
	builtInNote: "目前使用平台内置流程（草稿 → 征集联名 → 提交 → 立案（或不予立案、并案）→ 交办 → 签收 → 答复 → 评价 → 办结）。",
	initialHint: "初始状态（新提案所处的状态）"}

func (s *Server) proposalRoutes() []Route {
	read, write, draft := auth.ProposalRead, auth.ProposalWrite, auth.ProposalDraft
	routes := []Route{
		{Method: "GET", Pattern: "/proposals", Perm: read, Cache: cacheData, Handle: s.proposalList},
		{Method: "GET", Pattern: "/proposals/new", Perm: draft, Handle: s.proposalNew},
		{Method: "POST", Pattern: "/proposals/new", Perm: draft, Handle: s.proposalCreate},
		{Method: "GET", Pattern: "/proposals/{id}/edit", Perm: draft, Handle: s.proposalEdit},
		{Method: "POST", Pattern: "/proposals/{id}/edit", Perm: draft, Handle: s.proposalUpdate},
		{Method: "GET", Pattern: "/proposals/rules", Perm: read, Handle: s.proposalRulesShow},
		{Method: "POST", Pattern: "/proposals/rules", Perm: write, Handle: s.proposalRulesSave},
	}
	routes = append(routes, s.graphRoutes(proposalGraphKind, read)...)
	return append(routes, s.proposalShowRoutes()...)
}

const proposalPageSize = 50

// --- the list ---

// proposalListFilter reads the list's filters from the query. Without a
// term in the query the committee's current term is shown, and without a
// session the latest session of that term with proposals; the defaults are
// written back into the query so that the filter form and the pager show
// them. "全部" (an empty value) asks for no filter.
func (s *Server) proposalListFilter(r *http.Request) (store.ProposalFilter, url.Values, error) {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	f := store.ProposalFilter{TermID: queryID(r, "term_id"), Session: queryInt(r, "session", 0, 10), State: q.Get("state"),
		Category: q.Get("category"), SectorID: queryID(r, "sector_id"), UnitID: queryID(r, "unit_id"),
		Key: q.Get("key") == "1", Excellent: q.Get("excellent") == "1", Overdue: q.Get("overdue") == "1",
		Query: q.Get("q"), Offset: queryInt(r, "offset", 0, 1_000_000_000), Limit: proposalPageSize}
	if q.Get("mine") == "1" {
		if a.MemberID == 0 {
			q.Del("mine") // an account that is no member has no proposals of its own
		} else {
			f.MemberID = a.MemberID
		}
	}
	if !q.Has("term_id") {
		t, ok, err := s.currentProposalTerm(ctx, r)
		if err != nil {
			return f, q, err
		}
		if ok {
			f.TermID = t.ID
			q.Set("term_id", app.Itoa(t.ID))
		}
	}
	if !q.Has("session") && f.TermID != 0 {
		n, err := s.latestSession(ctx, a, f.TermID)
		if err != nil {
			return f, q, err
		}
		if n > 0 {
			f.Session = n
			q.Set("session", strconv.Itoa(n))
		}
	}
	return f, q, nil
}

// currentProposalTerm is the account's committee's term covering today,
// else its newest; ok is false for an account bound to no committee or a
// committee without terms.
func (s *Server) currentProposalTerm(ctx context.Context, r *http.Request) (org.Term, bool, error) {
	committee := state(r).account.CommitteeID
	if committee == 0 {
		return org.Term{}, false, nil
	}
	t, err := s.db.CurrentTerm(ctx, actor(r), committee, s.db.Today())
	if err == nil {
		return t, true, nil
	}
	if app.ErrorCode(err) != app.ENOTFOUND {
		return t, false, err
	}
	ts, err := s.db.FindTerms(ctx, actor(r), committee)
	if err != nil || len(ts) == 0 {
		if app.ErrorCode(err) == app.ENOTFOUND {
			err = nil
		}
		return org.Term{}, false, err
	}
	return ts[0], true, nil
}

// latestSession is the newest session of a term with a proposal the actor
// sees, 0 when there is none.
func (s *Server) latestSession(ctx context.Context, a app.Actor, termID int64) (int, error) {
	ps, _, err := s.db.FindProposals(ctx, a, store.ProposalFilter{TermID: termID, Limit: 1})
	if err != nil || len(ps) == 0 {
		return 0, err
	}
	return ps[0].Session, nil
}

func (s *Server) proposalList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actor(r)
	f, q, err := s.proposalListFilter(r)
	if err != nil {
		return err
	}
	ps, total, err := s.db.FindProposals(ctx, a, f)
	if err != nil {
		return err
	}
	g, err := s.proposalGraphOrBuiltIn(ctx, a)
	if err != nil {
		return err
	}
	c, err := s.db.CountProposals(ctx, a, f)
	if err != nil {
		return err
	}
	counts, all, overdue := c.ByState, c.Total, c.Overdue
	d := view.ProposalList{CanDraft: can(r, auth.ProposalDraft), CanManage: can(r, auth.ProposalWrite),
		Total: all, Mine: q.Get("mine") == "1"}
	for _, p := range ps {
		d.Rows = append(d.Rows, proposalRow(p))
	}
	// The counts link to the list of that state with the other filters kept.
	link := func(set func(url.Values)) string {
		v := url.Values{}
		for k, x := range q {
			if k != "offset" && k != "state" && k != "overdue" {
				v[k] = x
			}
		}
		set(v)
		return "/proposals?" + v.Encode()
	}
	d.Counts = append(d.Counts, view.ProposalCount{Label: "全部", N: all, Href: link(func(url.Values) {}),
		Active: f.State == "" && !f.Overdue})
	states := []view.Option{{Label: "全部"}}
	for _, st := range g.States {
		states = append(states, view.Option{Value: st.Code, Label: st.Label})
		if counts[st.Code] > 0 || f.State == st.Code {
			code := st.Code
			d.Counts = append(d.Counts, view.ProposalCount{Label: st.Label, N: counts[st.Code],
				Href: link(func(v url.Values) { v.Set("state", code) }), Active: f.State == st.Code})
		}
	}
	d.Counts = append(d.Counts, view.ProposalCount{Label: "超期", N: overdue, Warn: true,
		Href: link(func(v url.Values) { v.Set("overdue", "1") }), Active: f.Overdue})
	if memberAccount(r) && !d.Mine && a.MemberID != 0 {
		mine, _, err := s.db.FindProposals(ctx, a, store.ProposalFilter{MemberID: a.MemberID, Limit: 20})
		if err != nil {
			return err
		}
		d.ShowMine = true
		for _, p := range mine {
			d.MineRows = append(d.MineRows, proposalRow(p))
		}
	}
	if d.Filters, err = s.proposalFilters(ctx, r, q, states); err != nil {
		return err
	}
	rest := url.Values{}
	for k, v := range q {
		if k != "offset" {
			rest[k] = v
		}
	}
	d.Pager = view.Pager{Total: total, Offset: f.Offset, Limit: proposalPageSize, Query: rest, Path: "/proposals"}
	return render(w, r, http.StatusOK, view.ProposalListPage(withExport(page(r, "提案", "proposals"), r, "/proposals.xlsx"), d))
}

// proposalFilters are the list's filter fields with the query's values.
func (s *Server) proposalFilters(ctx context.Context, r *http.Request, q url.Values, states []view.Option) ([]view.Field, error) {
	a := actor(r)
	committee := state(r).account.CommitteeID
	terms, err := s.proposalTermOptions(ctx, r)
	if err != nil {
		return nil, err
	}
	sectors, units := []view.Option{{Label: "全部"}}, []view.Option{{Label: "全部"}}
	if committee != 0 {
		ss, err := s.db.FindSectors(ctx, a, committee)
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
			return nil, err
		}
		for _, x := range ss {
			sectors = append(sectors, view.Option{Value: app.Itoa(x.ID), Label: x.Name})
		}
		us, err := s.db.FindUnits(ctx, a, store.UnitFilter{CommitteeID: committee})
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
			return nil, err
		}
		for _, u := range us {
			units = append(units, view.Option{Value: app.Itoa(u.ID), Label: u.Name})
		}
	}
	only := func(label string) []view.Option { return []view.Option{{Label: "全部"}, {Value: "1", Label: label}} }
	fs := []view.Field{
		{Name: "q", Label: "查找", Value: q.Get("q"), Hint: "标题、正文、提案人或承办单位"},
		{Name: "term_id", Label: "届次", Value: q.Get("term_id"), Options: append([]view.Option{{Label: "全部"}}, terms...)},
		{Name: "session", Label: "会议", Value: q.Get("session"), Options: append([]view.Option{{Label: "全部"}}, sessionOptions()...)},
		{Name: "state", Label: "状态", Value: q.Get("state"), Options: states},
		{Name: "category", Label: "分类", Value: q.Get("category"), Options: categoryOptions("全部")},
		{Name: "sector_id", Label: "界别", Value: q.Get("sector_id"), Options: sectors},
		{Name: "unit_id", Label: "承办单位", Value: q.Get("unit_id"), Options: units},
		{Name: "key", Label: "重点提案", Value: q.Get("key"), Options: only("仅重点提案")},
		{Name: "excellent", Label: "优秀提案", Value: q.Get("excellent"), Options: only("仅优秀提案")},
		{Name: "overdue", Label: "超期", Value: q.Get("overdue"), Options: only("仅超期")},
	}
	if a.MemberID != 0 {
		fs = append(fs, view.Field{Name: "mine", Label: "我的提案", Value: q.Get("mine"), Options: only("仅我提出或联名的")})
	}
	return fs, nil
}

func proposalRow(p store.Proposal) view.ProposalRow {
	row := view.ProposalRow{ID: p.ID, Number: p.Number, Title: p.Title, Proposer: p.Proposer, Cosigners: p.Cosigners,
		Category: p.Category, State: p.StateLabel, Overdue: p.Overdue, Key: p.IsKey(), Excellent: p.IsExcellent(),
		Units: p.Units, ReplyDue: p.ReplyDue, Session: fmt.Sprintf("第%s届第%s次会议", org.Numeral(p.TermNumber), org.Numeral(p.Session))}
	if p.AuthorKind == proposal.ByGroup {
		row.Group = proposal.GroupKindLabel(p.GroupKind)
	}
	return row
}

// proposalTermOptions lists the terms proposals may belong to: the
// account's committee's, or every committee's in its subtree (named) for
// an account bound to none.
func (s *Server) proposalTermOptions(ctx context.Context, r *http.Request) ([]view.Option, error) {
	a := actor(r)
	var out []view.Option
	add := func(committeeID int64, prefix string) error {
		ts, err := s.db.FindTerms(ctx, a, committeeID)
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
			return err
		}
		for _, t := range ts {
			out = append(out, view.Option{Value: app.Itoa(t.ID), Label: prefix + "第" + org.Numeral(t.Number) + "届"})
		}
		return nil
	}
	if c := state(r).account.CommitteeID; c != 0 {
		return out, add(c, "")
	}
	os, err := s.db.FindOrgs(ctx, a, store.OrgFilter{Kinds: []org.Kind{org.City, org.County}})
	if err != nil {
		return nil, err
	}
	for _, o := range os {
		if err := add(o.ID, o.Name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sessionOptions() []view.Option {
	var out []view.Option
	for n := 1; n <= 10; n++ {
		out = append(out, view.Option{Value: strconv.Itoa(n), Label: "第" + org.Numeral(n) + "次会议"})
	}
	return out
}

func categoryOptions(none string) []view.Option {
	out := []view.Option{{Label: none}}
	for _, c := range proposal.Categories {
		out = append(out, view.Option{Value: c, Label: c})
	}
	return out
}

// proposalGraphOrBuiltIn is the actor's committee's proposal graph, or the
// built-in one for an account bound to no committee.
func (s *Server) proposalGraphOrBuiltIn(ctx context.Context, a app.Actor) (workflow.Graph, error) {
	g, _, err := s.db.FindGraph(ctx, a, 0, store.GraphKindProposal)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return proposal.Graph(), nil
	}
	return g, err
}

// --- writing and editing ---

func (s *Server) proposalNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := url.Values{"author_kind": {proposal.ByMember}}
	t, ok, err := s.currentProposalTerm(ctx, r)
	if err != nil {
		return err
	}
	if ok {
		v.Set("term_id", app.Itoa(t.ID))
		n, err := s.latestSession(ctx, actor(r), t.ID)
		if err != nil {
			return err
		}
		v.Set("session", strconv.Itoa(max(n, 1)))
	}
	return s.renderProposalForm(w, r, http.StatusOK, store.Proposal{}, v, "", nil)
}

// proposalEditable reports whether the account may change the proposal's
// text now: its proposer or writer while it is a draft or gathers
// co-signers, the office until it is filed (as UpdateProposal decides).
func proposalEditable(r *http.Request, p store.Proposal, g workflow.Graph) bool {
	a := actor(r)
	open := p.State == g.Initial || p.State == proposal.Cosigning
	if can(r, auth.ProposalWrite) {
		return open || p.State == proposal.Submitted
	}
	own := p.CreatedBy == a.AccountID || (p.MemberID != 0 && p.MemberID == a.MemberID)
	return can(r, auth.ProposalDraft) && own && open
}

func (s *Server) proposalEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	p, err := s.db.FindProposalByID(ctx, a, id)
	if err != nil {
		return err
	}
	g, _, err := s.db.FindGraph(ctx, a, p.CommitteeID, store.GraphKindProposal)
	if err != nil {
		return err
	}
	if !proposalEditable(r, p, g) {
		return app.Errorf(app.ECONFLICT, "提案%s，当前账号不能修改", p.StateLabel)
	}
	v := url.Values{"term_id": {app.Itoa(p.TermID)}, "session": {strconv.Itoa(p.Session)}, "title": {p.Title},
		"reason": {p.Reason}, "suggestions": {p.Suggestions}, "category": {p.Category}, "author_kind": {p.AuthorKind},
		"group_kind": {p.GroupKind}, "sector_id": {idOrEmpty(p.SectorID)},
		"special_committee_id": {idOrEmpty(p.SpecialCommitteeID)}}
	if p.MemberID != 0 {
		v.Set("member", p.Proposer+"#"+app.Itoa(p.MemberID))
	}
	if p.GroupKind == proposal.GroupParty || p.GroupKind == proposal.GroupOther {
		v.Set("group_name", p.Proposer)
	}
	return s.renderProposalForm(w, r, http.StatusOK, p, v, "", nil)
}

func (s *Server) renderProposalForm(w http.ResponseWriter, r *http.Request, status int, p store.Proposal, v url.Values, msg string, errs app.FieldErrors) error {
	ctx, a := r.Context(), actor(r)
	office := can(r, auth.ProposalWrite)
	terms, err := s.proposalTermOptions(ctx, r)
	if err != nil {
		return err
	}
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(errs, f)
	}
	d := view.ProposalForm{ID: p.ID, Number: p.Number, Msg: msg, Errs: errs, Office: office}
	d.Fields = []view.Field{
		fe(view.Field{Name: "term_id", Label: "届次", Required: true, Options: append([]view.Option{{Label: "请选择"}}, terms...)}),
		fe(view.Field{Name: "session", Label: "会议", Required: true, Options: append([]view.Option{{Label: "请选择"}}, sessionOptions()...),
			Hint: "提案提交后按届次和会议编号，如“第十三届第四次会议第0123号”"}),
		fe(view.Field{Name: "title", Label: "标题", Required: true, Attrs: map[string]string{"maxlength": "100"},
			Hint: "一般以“关于……的建议”为题"}),
		fe(view.Field{Name: "category", Label: "分类", Options: categoryOptions("请选择")}),
		fe(view.Field{Name: "reason", Label: "案由（问题和理由）", Type: "textarea"}),
		fe(view.Field{Name: "suggestions", Label: "办法与建议", Type: "textarea"}),
	}
	if office {
		committee := p.CommitteeID
		if committee == 0 {
			committee = state(r).account.CommitteeID
		}
		var sectors, specials []view.Option
		if committee != 0 {
			ss, err := s.db.FindSectors(ctx, a, committee)
			if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
				return err
			}
			for _, x := range ss {
				sectors = append(sectors, view.Option{Value: app.Itoa(x.ID), Label: x.Name})
			}
			scs, err := s.db.FindSpecialCommittees(ctx, a, committee)
			if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
				return err
			}
			for _, x := range scs {
				specials = append(specials, view.Option{Value: app.Itoa(x.ID), Label: x.Name})
			}
		}
		groupKinds := []view.Option{{Label: "请选择"}}
		for _, k := range []string{proposal.GroupSector, proposal.GroupSpecial, proposal.GroupParty, proposal.GroupOther} {
			groupKinds = append(groupKinds, view.Option{Value: k, Label: proposal.GroupKindLabel(k)})
		}
		d.Author = []view.Field{
			fe(view.Field{Name: "author_kind", Label: "提案人", Required: true, Options: []view.Option{
				{Value: proposal.ByMember, Label: "委员个人（可有联名人）"}, {Value: proposal.ByGroup, Label: "集体（界别、专门委员会、党派团体）"}}}),
			fe(view.Field{Name: "member", Label: "第一提案人（委员个人提案）", Hint: "填写姓名；重名时填写“姓名#编号”",
				Attrs: map[string]string{"list": "proposal-members", "autocomplete": "off"}}),
			fe(view.Field{Name: "group_kind", Label: "集体提案的提出者", Options: groupKinds}),
			fe(view.Field{Name: "sector_id", Label: "界别", Options: append([]view.Option{{Label: "—"}}, sectors...),
				Hint: "以界别名义提出时选择"}),
			fe(view.Field{Name: "special_committee_id", Label: "专门委员会", Options: append([]view.Option{{Label: "—"}}, specials...),
				Hint: "以专门委员会名义提出时选择"}),
			fe(view.Field{Name: "group_name", Label: "党派、团体或集体名称", Attrs: map[string]string{"maxlength": "60"},
				Hint: "如：民盟县委会、县工商联"}),
		}
		if d.MemberList, err = s.proposalMemberList(ctx, a, committee, 0); err != nil {
			return err
		}
	} else if p.ID != 0 {
		d.Proposer = p.Proposer
	} else {
		d.Proposer = state(r).account.DisplayName
	}
	d.File = view.FieldFrom(errs, view.Field{Name: "file", Label: "附件（可选，PDF 或 Word）", Type: "file",
		Hint: "如调研报告；提交被退回时须重新选择文件"})
	title := "撰写提案"
	if p.ID != 0 {
		title = "修改提案"
	}
	return render(w, r, status, view.ProposalFormPage(page(r, title, "proposals"), d))
}

// proposalMemberList lists the members of a term (of the committee's
// current members when termID is 0) as 姓名#编号 for a datalist.
func (s *Server) proposalMemberList(ctx context.Context, a app.Actor, committeeID, termID int64) ([]string, error) {
	if committeeID == 0 && termID == 0 {
		return nil, nil
	}
	ms, _, err := s.db.FindMembers(ctx, a, store.MemberFilter{CommitteeID: committeeID, TermID: termID, Sort: "name", Limit: 5000})
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return nil, err
	}
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Name+"#"+app.Itoa(m.ID))
	}
	return out, nil
}

// memberRef finds the member that "姓名", "姓名#编号", "#编号" or "编号"
// names among ms (the members of a term). Problems are field errors on
// field, added to errs; 0 when none could be found.
func memberRef(ms []member.Member, ref, what, field string, errs *app.FieldErrors) int64 {
	ref = strings.TrimSpace(ref)
	name, idText := ref, ""
	if i := strings.LastIndexAny(ref, "#＃"); i >= 0 {
		name, idText = strings.TrimSpace(ref[:i]), strings.TrimSpace(strings.TrimLeft(ref[i:], "#＃"))
	} else if _, err := strconv.ParseInt(ref, 10, 64); err == nil {
		name, idText = "", ref
	}
	if idText != "" {
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			errs.Add(field, "委员编号应为数字，如“张三#12”")
			return 0
		}
		i := slices.IndexFunc(ms, func(m member.Member) bool { return m.ID == id })
		switch {
		case i < 0:
			errs.Add(field, fmt.Sprintf("%s没有编号为%d的委员", what, id))
			return 0
		case name != "" && ms[i].Name != name:
			errs.Add(field, fmt.Sprintf("编号%d的委员是%s，不是%s", id, ms[i].Name, name))
			return 0
		}
		return id
	}
	var found []member.Member
	for _, m := range ms {
		if m.Name == name {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 0:
		errs.Add(field, what+"没有名为“"+name+"”的委员")
		return 0
	case 1:
		return found[0].ID
	}
	errs.Add(field, what+"有多名委员名为“"+name+"”，请写成“姓名#编号”")
	return 0
}

// termMemberRef resolves a member reference among the members of a term.
func (s *Server) termMemberRef(ctx context.Context, a app.Actor, termID int64, ref, field string, errs *app.FieldErrors) (int64, error) {
	t, err := s.db.FindTermByID(ctx, a, termID)
	if err != nil {
		if app.ErrorCode(err) == app.ENOTFOUND {
			errs.Add("term_id", "所选届次不存在或不在本账号管辖范围内")
			return 0, nil
		}
		return 0, err
	}
	ms, _, err := s.db.FindMembers(ctx, a, store.MemberFilter{TermID: termID, Limit: 5000})
	if err != nil {
		return 0, err
	}
	return memberRef(ms, ref, "第"+org.Numeral(t.Number)+"届委员中", field, errs), nil
}

// proposalInput decodes the form. The office names the proposer by 姓名
// or 姓名#编号 among the term's members; a member account is itself the
// proposer. The domain's checks run here too, so that every problem is
// shown at once and nothing is written while any remains.
func (s *Server) proposalInput(r *http.Request, f *form) (proposal.Input, *store.DocumentInput, error) {
	ctx, a := r.Context(), actor(r)
	in := proposal.Input{TermID: f.ID("term_id"), Session: f.Int("session"), Title: f.Str("title"),
		Reason: f.Str("reason"), Suggestions: f.Str("suggestions"), Category: f.Str("category"),
		AuthorKind: f.Str("author_kind"), GroupKind: f.Str("group_kind"), SectorID: f.ID("sector_id"),
		SpecialCommitteeID: f.ID("special_committee_id"), GroupName: f.Str("group_name")}
	if memberAccount(r) || !can(r, auth.ProposalWrite) {
		in.AuthorKind, in.MemberID = proposal.ByMember, a.MemberID
	} else if ref := f.Str("member"); ref != "" && in.AuthorKind != proposal.ByGroup && in.TermID != 0 {
		id, err := s.termMemberRef(ctx, a, in.TermID, ref, "member", &f.Errs)
		if err != nil {
			return in, nil, err
		}
		in.MemberID = id
	}
	in.Normalize()
	for _, e := range in.Validate() {
		field := e.Field
		if field == "member_id" {
			field = "member"
		}
		if f.Errs.Get(field) == "" {
			f.Errs.Add(field, e.Message)
		}
	}
	doc, err := s.oneUpload(r, "file")
	if err != nil {
		if app.ErrorCode(err) != app.EINVALID {
			return in, nil, err
		}
		f.Errs.Add("file", app.ErrorMessage(err))
	}
	if doc != nil {
		if err := store.CheckProposalDocument(*doc, "file"); err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				return in, nil, err
			}
			f.Errs = append(f.Errs, app.ErrorFields(err)...)
		}
	}
	return in, doc, f.Errs.Err()
}

// proposalFormFailed re-renders the form with what was typed and why it
// was refused; the store's member_id problem shows at the member field.
func (s *Server) proposalFormFailed(w http.ResponseWriter, r *http.Request, p store.Proposal, f *form, err error) error {
	err = f.merge(err)
	if !formError(err) {
		return err
	}
	var errs app.FieldErrors
	for _, e := range app.ErrorFields(err) {
		if e.Field == "member_id" {
			e.Field = "member"
		}
		if errs.Get(e.Field) == "" {
			errs = append(errs, e)
		}
	}
	return s.renderProposalForm(w, r, formStatus(err), p, r.PostForm, fieldlessMessage(err), errs)
}

func (s *Server) proposalCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	in, doc, err := s.proposalInput(r, f)
	if err != nil {
		return s.proposalFormFailed(w, r, store.Proposal{}, f, err)
	}
	p, err := s.db.CreateProposal(ctx, a, in)
	if err != nil {
		return s.proposalFormFailed(w, r, store.Proposal{}, f, err)
	}
	if doc != nil {
		if _, err := s.db.AddProposalFile(ctx, a, p.ID, *doc); err != nil {
			return err // checked above: only an internal failure is left
		}
	}
	return redirect(w, r, "/proposals/"+app.Itoa(p.ID)+"?ok=proposal_created")
}

func (s *Server) proposalUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	p, err := s.db.FindProposalByID(ctx, a, id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in, doc, err := s.proposalInput(r, f)
	if err != nil {
		return s.proposalFormFailed(w, r, p, f, err)
	}
	if _, err := s.db.UpdateProposal(ctx, a, id, in); err != nil {
		return s.proposalFormFailed(w, r, p, f, err)
	}
	if doc != nil {
		if _, err := s.db.AddProposalFile(ctx, a, id, *doc); err != nil {
			return err
		}
	}
	return redirect(w, r, "/proposals/"+app.Itoa(id)+"?ok=saved")
}

// --- rules ---

func (s *Server) proposalRulesShow(w http.ResponseWriter, r *http.Request) error {
	committee := graphCommittee(r)
	if committee == 0 {
		return app.Errorf(app.EINVALID, "请在地址中指定政协（committee_id）")
	}
	rules, err := s.db.FindProposalRules(r.Context(), actor(r), committee)
	if err != nil {
		return err
	}
	v := url.Values{"cosign_days": {strconv.Itoa(rules.CosignDays)}, "reply_months": {strconv.Itoa(rules.ReplyMonths)},
		"sign_days": {strconv.Itoa(rules.SignDays)}, "report_roles": rules.ReportRoles}
	return s.renderProposalRules(w, r, http.StatusOK, committee, v, "", nil)
}

func (s *Server) renderProposalRules(w http.ResponseWriter, r *http.Request, status int, committee int64, v url.Values, msg string, errs app.FieldErrors) error {
	c, err := s.db.FindOrgByID(r.Context(), actor(r), committee)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	fe := func(f view.Field) view.Field {
		f.Value = v.Get(f.Name)
		return view.FieldFrom(errs, f)
	}
	d := view.ProposalRules{Committee: committee, CommitteeName: c.Name, CanWrite: can(r, auth.ProposalWrite), Msg: msg, Errs: errs,
		Fields: []view.Field{
			fe(view.Field{Name: "cosign_days", Label: "征集联名期限（天）", Type: "number", Required: true,
				Hint: "自开始征集联名之日起，委员可在此天数内联名（1至90天）"}),
			fe(view.Field{Name: "sign_days", Label: "签收期限（天）", Type: "number", Required: true,
				Hint: "交办后承办单位应在此天数内签收或申请退回（1至30天）"}),
			fe(view.Field{Name: "reply_months", Label: "办理期限（月）", Type: "number", Required: true,
				Hint: "交办后承办单位应在此月数内答复（一般为三个月）"}),
		}, RolesError: errs.Get("report_roles")}
	if d.CommitteeName == "" {
		d.CommitteeName = "本政协"
	}
	for _, role := range []string{string(auth.Coordinator), string(auth.Cadre), string(auth.Leader)} {
		d.Roles = append(d.Roles, view.ProposalRoleChoice{Value: role, Label: auth.Role(role).Label(),
			Checked: slices.Contains(v["report_roles"], role)})
	}
	return render(w, r, status, view.ProposalRulesPage(page(r, "提案工作规则", "proposals"), d))
}

func (s *Server) proposalRulesSave(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	committee := f.ID("committee_id")
	rules := proposal.Rules{CosignDays: f.Int("cosign_days"), ReplyMonths: f.Int("reply_months"), SignDays: f.Int("sign_days")}
	for _, role := range r.PostForm["report_roles"] {
		if role = strings.TrimSpace(role); role != "" {
			rules.ReportRoles = append(rules.ReportRoles, role)
		}
	}
	if len(f.Errs) > 0 {
		err = f.Errs.Err()
	} else {
		err = s.db.SaveProposalRules(r.Context(), actor(r), committee, rules)
	}
	if err != nil {
		err = f.merge(err)
		if !formError(err) {
			return err
		}
		return s.renderProposalRules(w, r, formStatus(err), committee, r.PostForm, fieldlessMessage(err), app.ErrorFields(err))
	}
	return redirect(w, r, "/proposals/rules?committee_id="+app.Itoa(committee)+"&ok=saved")
}
