package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// memberRoutes are the roster pages: the list with filters and export, one
// member with seats and roles, the forms, and the roster import with its
// progress page. The JSON API's routes come from api_member.go.
//
// Import jobs live at /members/import/jobs/{job}: a path /members/import/{job}
// would collide with /members/{id}/edit in the standard mux (both match
// /members/import/edit), which refuses such a pair.
func (s *Server) memberRoutes() []Route {
	read, write := auth.MemberRead, auth.MemberWrite
	routes := []Route{
		{Method: "GET", Pattern: "/members", Perm: read, Cache: cacheData, Handle: s.memberList},
		{Method: "GET", Pattern: "/members/new", Perm: write, Handle: s.memberNew},
		{Method: "POST", Pattern: "/members", Perm: write, Handle: s.memberCreate},
		{Method: "GET", Pattern: "/members/template.xlsx", Perm: write, Handle: s.memberTemplate},
		{Method: "GET", Pattern: "/members/export.xlsx", Perm: read, Handle: s.memberExport},
		{Method: "GET", Pattern: "/members/import", Perm: write, Handle: s.memberImportForm},
		{Method: "POST", Pattern: "/members/import", Perm: write, Handle: s.memberImport},
		{Method: "GET", Pattern: "/members/import/jobs/{job}", Perm: write, Handle: s.memberImportJob},
		{Method: "GET", Pattern: "/members/{id}", Perm: read, Cache: cacheData, Handle: s.memberShow},
		{Method: "GET", Pattern: "/members/{id}/edit", Perm: write, Handle: s.memberEdit},
		{Method: "POST", Pattern: "/members/{id}", Perm: write, Handle: s.memberUpdate},
		{Method: "POST", Pattern: "/members/{id}/memberships", Perm: write, Handle: s.memberAddSeat},
		{Method: "POST", Pattern: "/memberships/{id}/end", Perm: write, Handle: s.memberEndSeat},
		{Method: "POST", Pattern: "/members/{id}/roles", Perm: write, Handle: s.memberAddRole},
		{Method: "POST", Pattern: "/roles/{id}/end", Perm: write, Handle: s.memberEndRole},
		{Method: "POST", Pattern: "/roles/{id}/sort", Perm: write, Handle: s.memberRoleSort},
	}
	return append(routes, s.memberAPIRoutes()...)
}

const (
	memberPageSize   = 50
	memberImportMax  = 20000
	memberImportKind = "member"
	xlsxContentType  = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// --- Masking ---

// memberContact reports whether the account may see identity numbers and
// phones in full (auth.MemberContact).
func memberContact(r *http.Request) bool { return can(r, auth.MemberContact) }

// memberFor returns m as the account may see it.
func memberFor(r *http.Request, m member.Member) member.Member {
	if memberContact(r) {
		return m
	}
	return m.Masked()
}

// --- Choices: committees, terms, sectors, special committees in scope ---

// memberChoices are the committees in the actor's scope with their terms,
// sectors and special committees, for selects. With more than one committee
// every label names its committee.
type memberChoices struct {
	committees []org.Org
	terms      map[int64][]org.Term
	sectors    map[int64][]org.Sector
	specials   map[int64][]org.SpecialCommittee
}

// memberChoicesFor loads the choices; only is a committee to restrict the
// lists to (0: every committee in scope).
func (s *Server) memberChoicesFor(ctx context.Context, a app.Actor, only int64) (memberChoices, error) {
	ch := memberChoices{terms: map[int64][]org.Term{}, sectors: map[int64][]org.Sector{},
		specials: map[int64][]org.SpecialCommittee{}}
	all, err := s.db.FindCommittees(ctx, a)
	if err != nil {
		return ch, err
	}
	ch.committees = all
	lists, err := s.db.FindCommitteeLists(ctx, a, only)
	if err != nil {
		return ch, err
	}
	ch.terms, ch.sectors, ch.specials = lists.Terms, lists.Sectors, lists.Specials
	return ch, nil
}

func (ch memberChoices) many() bool { return len(ch.committees) > 1 }

func (ch memberChoices) prefix(c org.Org) string {
	if ch.many() {
		return c.Name + " · "
	}
	return ""
}

func (ch memberChoices) committeeOptions(first string) []view.Option {
	out := []view.Option{{Value: "", Label: first}}
	for _, c := range ch.committees {
		out = append(out, view.Option{Value: app.Itoa(c.ID), Label: c.Name})
	}
	return out
}

// termOptions lists terms; keep, when not nil, chooses which.
func (ch memberChoices) termOptions(first string, keep func(org.Term) bool) []view.Option {
	out := []view.Option{{Value: "", Label: first}}
	for _, c := range ch.committees {
		for _, t := range ch.terms[c.ID] {
			if keep == nil || keep(t) {
				out = append(out, view.Option{Value: app.Itoa(t.ID), Label: ch.prefix(c) + t.Label() + "（" + t.Span() + "）"})
			}
		}
	}
	return out
}

func (ch memberChoices) sectorOptions(first string) []view.Option {
	out := []view.Option{{Value: "", Label: first}}
	for _, c := range ch.committees {
		for _, s := range ch.sectors[c.ID] {
			out = append(out, view.Option{Value: app.Itoa(s.ID), Label: ch.prefix(c) + s.Name})
		}
	}
	return out
}

func (ch memberChoices) specialOptions(first string) []view.Option {
	out := []view.Option{{Value: "", Label: first}}
	for _, c := range ch.committees {
		for _, s := range ch.specials[c.ID] {
			out = append(out, view.Option{Value: app.Itoa(s.ID), Label: ch.prefix(c) + s.Name})
		}
	}
	return out
}

// term finds a loaded term by id.
func (ch memberChoices) term(id int64) (org.Term, bool) {
	for _, list := range ch.terms {
		for _, t := range list {
			if t.ID == id {
				return t, true
			}
		}
	}
	return org.Term{}, false
}

// defaultCommittee is the committee a form starts with: the account's own
// when it is in scope, else the only one.
func (ch memberChoices) defaultCommittee(a app.Actor) int64 {
	for _, c := range ch.committees {
		if c.ID == a.CommitteeID {
			return c.ID
		}
	}
	if len(ch.committees) == 1 {
		return ch.committees[0].ID
	}
	return 0
}

// currentTerm is the committee's term covering day, if loaded.
func (ch memberChoices) currentTerm(committeeID int64, day app.Date) (org.Term, bool) {
	for _, t := range ch.terms[committeeID] {
		if t.Covers(day) {
			return t, true
		}
	}
	return org.Term{}, false
}

func roleKindOptions(first string, withOrdinary bool) []view.Option {
	out := []view.Option{{Value: "", Label: first}}
	for _, k := range member.RoleKinds {
		if k != member.Ordinary || withOrdinary {
			out = append(out, view.Option{Value: string(k), Label: k.Label()})
		}
	}
	return out
}

func statusOptions(first string) []view.Option {
	var out []view.Option
	if first != "" {
		out = append(out, view.Option{Value: "", Label: first})
	}
	for _, st := range member.Statuses {
		out = append(out, view.Option{Value: string(st), Label: st.Label()})
	}
	return out
}

// --- The list ---

// memberQuery reads the list's filters from the query string (the page, the
// export and the API share it). Unknown values are reported, for the API.
func memberQuery(q url.Values) (store.MemberFilter, app.FieldErrors) {
	var errs app.FieldErrors
	id := func(name string) int64 {
		v := q.Get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs.Add(name, "应为正整数")
			return 0
		}
		return n
	}
	f := store.MemberFilter{CommitteeID: id("committee_id"), TermID: id("term_id"), SectorID: id("sector_id"),
		Name: strings.TrimSpace(q.Get("q")), Desc: q.Get("dir") == "desc"}
	if utf8.RuneCountInString(f.Name) > 50 || !utf8.ValidString(f.Name) {
		errs.Add("q", "搜索内容过长或包含无效字符")
		f.Name = ""
	}
	if v := q.Get("role"); v != "" {
		if k, ok := member.ParseRoleKind(v); ok {
			f.Role = k
		} else {
			errs.Add("role", "职务应为 chair, vice_chair, secretary_general, standing 或 member")
		}
	}
	if v := q.Get("status"); v != "" {
		if st, ok := member.ParseStatus(v); ok {
			f.Status = st
		} else {
			errs.Add("status", "状态应为 serving, resigned, deceased 或 removed")
		}
	}
	if v := q.Get("sort"); v != "" {
		if slices.Contains(store.MemberSorts, v) {
			f.Sort = v
		} else {
			errs.Add("sort", "排序应为 "+strings.Join(store.MemberSorts, ", ")+" 之一")
		}
	}
	if v := q.Get("day"); v != "" {
		d, err := app.ParseDate(v)
		if err != nil {
			errs.Add("day", err.Error())
		}
		f.Day = d
	}
	return f, errs
}

// memberRoles is a member's current roles in Chinese, most senior first;
// "委员" for a seated member without one.
func memberRoles(m member.Member) string {
	if len(m.Roles) == 0 {
		if m.SectorName != "" {
			return member.Ordinary.Label()
		}
		return ""
	}
	labels := make([]string, len(m.Roles))
	for i, r := range m.Roles {
		labels[i] = r.Kind.Label()
	}
	return strings.Join(labels, "、")
}

func (s *Server) memberList(w http.ResponseWriter, r *http.Request) error {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	f, _ := memberQuery(q) // the page ignores what it cannot read
	f.Offset, f.Limit = queryInt(r, "offset", 0, 1_000_000_000), memberPageSize
	ch, err := s.memberChoicesFor(ctx, a, f.CommitteeID)
	if err != nil {
		return err
	}
	list, total, err := s.db.FindMembers(ctx, a, f)
	if err != nil {
		return err
	}
	d := view.MemberList{Total: total, Q: q, CanWrite: can(r, auth.MemberWrite), ShowCommittee: ch.many()}
	for _, m := range list {
		m = memberFor(r, m)
		d.Rows = append(d.Rows, view.MemberRow{ID: m.ID, Name: m.Name, Gender: m.Gender, Committee: m.CommitteeName,
			Sector: m.SectorName, Roles: memberRoles(m), Workplace: m.Workplace, Phone: m.Phone,
			Status: m.Status.Label(), Serving: m.Status == member.Serving})
	}
	if ch.many() {
		d.Filters = append(d.Filters, view.Field{Name: "committee_id", Label: "所属政协", Value: q.Get("committee_id"),
			Options: ch.committeeOptions("全部")})
	}
	d.Filters = append(d.Filters,
		view.Field{Name: "term_id", Label: "届次", Value: q.Get("term_id"), Options: ch.termOptions("当前届次", nil)},
		view.Field{Name: "sector_id", Label: "界别", Value: q.Get("sector_id"), Options: ch.sectorOptions("全部界别")},
		view.Field{Name: "role", Label: "职务", Value: string(f.Role), Options: roleKindOptions("全部职务", true)},
		view.Field{Name: "status", Label: "状态", Value: string(f.Status), Options: statusOptions("全部状态")},
		view.Field{Name: "q", Label: "姓名、工作单位或身份证号", Type: "search", Value: q.Get("q")},
	)
	rest := url.Values{}
	for k, v := range q {
		if k != "offset" && k != "ok" {
			rest[k] = v
		}
	}
	d.Pager = view.Pager{Total: total, Offset: f.Offset, Limit: memberPageSize, Query: rest, Path: "/members"}
	d.ExportURL = "/members/export.xlsx"
	if len(rest) > 0 {
		d.ExportURL += "?" + rest.Encode()
	}
	d.ImportURL = "/members/import"
	if f.CommitteeID != 0 {
		d.ImportURL += "?committee_id=" + app.Itoa(f.CommitteeID)
	}
	return render(w, r, http.StatusOK, view.MemberListPage(page(r, "委员", "members"), d))
}

// --- The form ---

// memberFields are the personal fields in form order: name, label, type.
var memberFields = []struct{ name, label, typ string }{
	{"name", "姓名", ""}, {"gender", "性别", "select"}, {"birth_date", "出生日期", "date"},
	{"ethnicity", "民族", ""}, {"party", "政治面貌", ""}, {"education", "学历", ""},
	{"workplace", "工作单位及职务", ""}, {"id_number", "身份证号", ""}, {"phone", "手机号", "tel"},
	{"email", "电子邮箱", "email"}, {"address", "通讯地址", ""}, {"status", "状态", "select"},
	{"status_date", "状态变更日期", "date"}, {"note", "备注", "textarea"},
}

// personFields builds the personal fields from values (what was typed, or the
// stored record) and errors.
func personFields(values map[string]string, errs app.FieldErrors) []view.Field {
	var out []view.Field
	for _, mf := range memberFields {
		f := view.Field{Name: mf.name, Label: mf.label, Type: mf.typ, Value: values[mf.name], Error: errs.Get(mf.name)}
		switch mf.name {
		case "name":
			f.Required = true
		case "gender":
			f.Type = ""
			f.Options = []view.Option{{Value: "", Label: "未填"}, {Value: "男", Label: "男"}, {Value: "女", Label: "女"}}
		case "status":
			f.Type = ""
			f.Options = statusOptions("")
		case "status_date":
			f.Hint = "状态不是在职时必填"
		case "id_number":
			f.Hint = "18位居民身份证号"
			f.Attrs = map[string]string{"autocomplete": "off", "maxlength": "18"}
		case "birth_date":
			f.Hint = "格式 YYYY-MM-DD"
		}
		out = append(out, f)
	}
	return out
}

// memberValues are the form values of a stored member.
func memberValues(m member.Member) map[string]string {
	return map[string]string{
		"name": m.Name, "gender": m.Gender, "birth_date": m.BirthDate.String(), "ethnicity": m.Ethnicity,
		"party": m.Party, "education": m.Education, "workplace": m.Workplace, "id_number": m.IDNumber,
		"phone": m.Phone, "email": m.Email, "address": m.Address, "status": string(m.Status),
		"status_date": m.StatusDate.String(), "note": m.Note,
	}
}

// postedValues are the posted values of the named fields, as typed.
func postedValues(r *http.Request, names ...string) map[string]string {
	v := map[string]string{}
	for _, mf := range memberFields {
		v[mf.name] = r.PostFormValue(mf.name)
	}
	for _, n := range names {
		v[n] = r.PostFormValue(n)
	}
	return v
}

// memberInputOf reads the personal fields of a posted form.
func memberInputOf(f *form) member.Input {
	return member.Input{
		Name: f.Str("name"), Gender: f.Str("gender"), BirthDate: f.Date("birth_date"), Ethnicity: f.Str("ethnicity"),
		Party: f.Str("party"), Education: f.Str("education"), Workplace: f.Str("workplace"),
		IDNumber: f.Str("id_number"), Phone: f.Str("phone"), Email: f.Str("email"), Address: f.Str("address"),
		Status: member.Status(f.Str("status")), StatusDate: f.Date("status_date"), Note: f.Str("note"),
	}
}

// renderMemberNew shows the creation form with the committee and the optional seat.
func (s *Server) renderMemberNew(w http.ResponseWriter, r *http.Request, status int, values map[string]string,
	errs app.FieldErrors, msg string) error {
	ch, err := s.memberChoicesFor(r.Context(), actor(r), 0)
	if err != nil {
		return err
	}
	committee := view.Field{Name: "committee_id", Label: "所属政协", Value: values["committee_id"], Required: true,
		Options: ch.committeeOptions("请选择"), Error: errs.Get("committee_id")}
	d := view.MemberForm{Action: "/members", Cancel: "/members", Msg: msg,
		Person: append([]view.Field{committee}, personFields(values, errs)...),
		Seat: []view.Field{
			{Name: "term_id", Label: "届次", Value: values["term_id"], Options: ch.termOptions("不登记", nil), Error: errs.Get("term_id")},
			{Name: "sector_id", Label: "界别", Value: values["sector_id"], Options: ch.sectorOptions("请选择"), Error: errs.Get("sector_id")},
			{Name: "special_committee_id", Label: "专门委员会", Value: values["special_committee_id"],
				Options: ch.specialOptions("无"), Error: errs.Get("special_committee_id")},
			{Name: "start_date", Label: "任职开始日期", Type: "date", Value: values["start_date"], Hint: "不填为该届开始日期",
				Error: errs.Get("start_date")},
		}}
	return render(w, r, status, view.MemberFormPage(page(r, "新增委员", "members"), d))
}

func (s *Server) memberNew(w http.ResponseWriter, r *http.Request) error {
	ch, err := s.memberChoicesFor(r.Context(), actor(r), 0)
	if err != nil {
		return err
	}
	values := map[string]string{"status": string(member.Serving)}
	c := queryID(r, "committee_id")
	if c == 0 {
		c = ch.defaultCommittee(actor(r))
	}
	if c != 0 {
		values["committee_id"] = app.Itoa(c)
		if t, ok := ch.currentTerm(c, s.db.Today()); ok {
			values["term_id"] = app.Itoa(t.ID)
		}
	}
	return s.renderMemberNew(w, r, http.StatusOK, values, nil, "")
}

// seatStart is the posted start date, or the term's start when left empty.
func (s *Server) seatStart(r *http.Request, f *form, termID int64) app.Date {
	d := f.Date("start_date")
	if d.IsZero() && termID != 0 {
		if t, err := s.db.FindTermByID(r.Context(), actor(r), termID); err == nil {
			d = t.StartDate
		}
	}
	return d
}

func (s *Server) memberCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := memberInputOf(f)
	committee := f.ID("committee_id")
	var seat *member.MembershipInput
	if f.Str("term_id") != "" || f.Str("sector_id") != "" || f.Str("special_committee_id") != "" {
		termID := f.ID("term_id")
		seat = &member.MembershipInput{TermID: termID, SectorID: f.ID("sector_id"),
			SpecialCommitteeID: f.ID("special_committee_id"), StartDate: s.seatStart(r, f, termID)}
	}
	var m member.Member
	if len(f.Errs) > 0 {
		in.Normalize()
		errs := in.Validate(s.db.Today())
		if seat != nil {
			errs = append(errs, seat.Validate()...)
		}
		err = f.merge(errs.Err())
	} else {
		m, err = s.db.CreateMemberInTerm(r.Context(), actor(r), committee, in, seat)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		values := postedValues(r, "committee_id", "term_id", "sector_id", "special_committee_id", "start_date")
		return s.renderMemberNew(w, r, formStatus(err), values, app.ErrorFields(err), fieldlessMessage(err))
	}
	return redirect(w, r, "/members/"+app.Itoa(m.ID)+"?ok=created")
}

// renderMemberEdit shows the edit form.
func (s *Server) renderMemberEdit(w http.ResponseWriter, r *http.Request, status int, m member.Member,
	values map[string]string, errs app.FieldErrors, msg string) error {
	base := "/members/" + app.Itoa(m.ID)
	d := view.MemberForm{Action: base, Cancel: base, Msg: msg, Person: personFields(values, errs)}
	if !memberContact(r) {
		for i := range d.Person {
			if n := d.Person[i].Name; n == "id_number" || n == "phone" {
				d.Person[i].Hint = "已部分隐藏；不修改则保留原值"
			}
		}
	}
	return render(w, r, status, view.MemberFormPage(page(r, "修改委员 "+m.Name, "members"), d))
}

func (s *Server) memberEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.db.FindMemberByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.renderMemberEdit(w, r, http.StatusOK, m, memberValues(memberFor(r, m)), nil, "")
}

func (s *Server) memberUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	stored, err := s.db.FindMemberByID(ctx, a, id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := memberInputOf(f)
	if !memberContact(r) {
		// The form showed masked values; sent back unchanged they mean "keep".
		if in.IDNumber == member.MaskIDNumber(stored.IDNumber) {
			in.IDNumber = stored.IDNumber
		}
		if in.Phone == member.MaskPhone(stored.Phone) {
			in.Phone = stored.Phone
		}
	}
	if len(f.Errs) > 0 {
		in.Normalize()
		err = f.merge(in.Validate(s.db.Today()).Err())
	} else {
		_, err = s.db.UpdateMember(ctx, a, id, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderMemberEdit(w, r, formStatus(err), stored, postedValues(r), app.ErrorFields(err), fieldlessMessage(err))
	}
	return redirect(w, r, "/members/"+app.Itoa(id)+"?ok=saved")
}

// --- One member: details, seats, roles ---

// memberPageState carries a refused seat, role or end form back to the page.
type memberPageState struct {
	seatValues, roleValues map[string]string
	seatErrs, roleErrs     app.FieldErrors
	seatMsg, roleMsg       string
	endSeat, endRole       int64 // the row whose end form was refused
	endMsg                 string
	sortRole               int64 // the row whose order form was refused
	sortValue, sortMsg     string
}

func (s *Server) memberShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderMemberShow(w, r, http.StatusOK, id, memberPageState{})
}

func (s *Server) renderMemberShow(w http.ResponseWriter, r *http.Request, status int, id int64, st memberPageState) error {
	ctx, a := r.Context(), actor(r)
	stored, err := s.db.FindMemberByID(ctx, a, id)
	if err != nil {
		return err
	}
	m := memberFor(r, stored)
	seats, err := s.db.FindMemberships(ctx, a, id)
	if err != nil {
		return err
	}
	roles, err := s.db.FindRoles(ctx, a, id)
	if err != nil {
		return err
	}
	ch, err := s.memberChoicesFor(ctx, a, m.CommitteeID)
	if err != nil {
		return err
	}
	// Only this committee's lists: the member's labels need no committee prefix.
	ch.committees = slices.DeleteFunc(ch.committees, func(c org.Org) bool { return c.ID != m.CommitteeID })
	today := s.db.Today()
	statusText := m.Status.Label()
	if !m.StatusDate.IsZero() && m.Status != member.Serving {
		statusText += "（" + m.StatusDate.String() + "）"
	}
	d := view.MemberShow{ID: m.ID, Name: m.Name, Status: m.Status.Label(), Serving: m.Status == member.Serving,
		Masked: !memberContact(r), CanWrite: can(r, auth.MemberWrite), Today: today.String(),
		CanAudit: can(r, auth.AuditRead), AuditURL: "/audit?entity=member&entity_id=" + app.Itoa(m.ID),
		SeatMsg: st.seatMsg, RoleMsg: st.roleMsg,
		Details: memberDetails([]view.MemberKV{
			{Label: "所属政协", Value: m.CommitteeName}, {Label: "性别", Value: m.Gender},
			{Label: "出生日期", Value: m.BirthDate.String()}, {Label: "民族", Value: m.Ethnicity},
			{Label: "政治面貌", Value: m.Party}, {Label: "学历", Value: m.Education},
			{Label: "工作单位及职务", Value: m.Workplace}, {Label: "身份证号", Value: m.IDNumber},
			{Label: "手机号", Value: m.Phone}, {Label: "电子邮箱", Value: m.Email},
			{Label: "通讯地址", Value: m.Address}, {Label: "状态", Value: statusText}, {Label: "备注", Value: m.Note},
		})}
	seated := map[int64]bool{}
	for _, t := range seats {
		t.SpecialCommittee = cmp.Or(t.SpecialCommittee, "—")
		seated[t.TermID] = true
		row := view.SeatRow{ID: t.ID, Term: org.Term{Number: t.TermNumber}.Label(), Sector: t.SectorName,
			Special: t.SpecialCommittee, Start: t.StartDate.String(), End: t.EndDate.String(), Open: t.EndDate.IsZero()}
		if t.ID == st.endSeat {
			row.Error = st.endMsg
		}
		d.Seats = append(d.Seats, row)
	}
	for _, ro := range slices.Backward(roles) { // newest first
		term := ""
		if t, ok := ch.term(ro.TermID); ok {
			term = t.Label()
		}
		row := view.RoleRow{ID: ro.ID, Term: term, Kind: ro.Kind.Label(), Start: ro.StartDate.String(),
			End: ro.EndDate.String(), Note: ro.Note, Open: ro.EndDate.IsZero(), Active: ro.ActiveOn(today),
			Sort: "—", SortValue: app.Itoa(int64(ro.Sort))}
		if ro.Sort > 0 {
			row.Sort = app.Itoa(int64(ro.Sort))
		}
		if ro.ID == st.endRole {
			row.Error = st.endMsg
		}
		if ro.ID == st.sortRole {
			row.SortValue, row.SortError = st.sortValue, st.sortMsg
		}
		d.Roles = append(d.Roles, row)
	}
	if d.CanWrite {
		sv, se := st.seatValues, st.seatErrs
		if sv == nil {
			sv = map[string]string{}
			if t, ok := ch.currentTerm(m.CommitteeID, today); ok && !seated[t.ID] {
				sv["term_id"] = app.Itoa(t.ID)
			}
		}
		free := ch.termOptions("请选择", func(t org.Term) bool { return !seated[t.ID] })
		if len(free) > 1 {
			d.SeatForm = []view.Field{
				{Form: "seat", Name: "term_id", Label: "届次", Value: sv["term_id"], Options: free, Required: true, Error: se.Get("term_id")},
				{Form: "seat", Name: "sector_id", Label: "界别", Value: sv["sector_id"], Options: ch.sectorOptions("请选择"), Required: true,
					Error: se.Get("sector_id")},
				{Form: "seat", Name: "special_committee_id", Label: "专门委员会", Value: sv["special_committee_id"],
					Options: ch.specialOptions("无"), Error: se.Get("special_committee_id")},
				{Form: "seat", Name: "start_date", Label: "开始日期", Type: "date", Value: sv["start_date"], Hint: "不填为该届开始日期",
					Error: se.Get("start_date")},
			}
		}
		rv, re := st.roleValues, st.roleErrs
		if rv == nil {
			rv = map[string]string{"start_date": today.String()}
			if t, ok := ch.currentTerm(m.CommitteeID, today); ok && seated[t.ID] {
				rv["term_id"] = app.Itoa(t.ID)
			}
		}
		mine := ch.termOptions("请选择", func(t org.Term) bool { return seated[t.ID] })
		if len(mine) > 1 {
			d.RoleForm = []view.Field{
				{Form: "role", Name: "term_id", Label: "届次", Value: rv["term_id"], Options: mine, Required: true, Error: re.Get("term_id")},
				{Form: "role", Name: "kind", Label: "职务", Value: rv["kind"], Options: roleKindOptions("请选择", false), Required: true,
					Error: re.Get("kind")},
				{Form: "role", Name: "start_date", Label: "任职开始日期", Type: "date", Value: rv["start_date"], Required: true,
					Hint: "如选举产生，填当选日期", Error: re.Get("start_date")},
				{Form: "role", Name: "end_date", Label: "结束日期", Type: "date", Value: rv["end_date"], Hint: "现任不填",
					Error: re.Get("end_date")},
				{Form: "role", Name: "note", Label: "备注", Value: rv["note"], Hint: "如：十届三次会议补选", Error: re.Get("note")},
				{Form: "role", Name: "sort", Label: "排序", Type: "number", Value: rv["sort"],
					Hint:  "同一职务内的排名顺序（如副主席按姓氏笔画或选举顺序），小者在前；不填排在已排序者之后",
					Attrs: map[string]string{"min": "0", "max": "999"}, Error: re.Get("sort")},
			}
		}
	}
	return render(w, r, status, view.MemberShowPage(page(r, m.Name, "members"), d))
}

func (s *Server) memberAddSeat(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	termID := f.ID("term_id")
	in := member.MembershipInput{TermID: termID, SectorID: f.ID("sector_id"),
		SpecialCommitteeID: f.ID("special_committee_id"), StartDate: s.seatStart(r, f, termID)}
	if len(f.Errs) > 0 {
		if _, err = s.db.FindMemberByID(r.Context(), actor(r), id); err == nil {
			err = f.merge(in.Validate().Err())
		}
	} else {
		_, err = s.db.AddMembership(r.Context(), actor(r), id, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderMemberShow(w, r, formStatus(err), id, memberPageState{
			seatValues: postedValues(r, "term_id", "sector_id", "special_committee_id", "start_date"),
			seatErrs:   app.ErrorFields(err), seatMsg: memberFormMessage(err)})
	}
	return redirect(w, r, "/members/"+app.Itoa(id)+"?ok=saved")
}

// memberFormMessage is the message above a refused form.
func memberFormMessage(err error) string {
	if msg := fieldlessMessage(err); msg != "" {
		return msg
	}
	return app.ErrorMessage(err)
}

func (s *Server) memberEndSeat(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	seat, err := s.db.FindMembershipByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	end := f.Date("end_date")
	if len(f.Errs) > 0 {
		err = f.Errs.Err()
	} else {
		err = s.db.EndMembership(r.Context(), actor(r), id, end)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderMemberShow(w, r, formStatus(err), seat.MemberID, memberPageState{endSeat: id,
			endMsg: endMessage(err), seatMsg: "未能结束任职：" + endMessage(err)})
	}
	return redirect(w, r, "/members/"+app.Itoa(seat.MemberID)+"?ok=saved")
}

// endMessage is the reason an end form was refused.
func endMessage(err error) string {
	if msg := app.ErrorFields(err).Get("end_date"); msg != "" {
		return msg
	}
	return app.ErrorMessage(err)
}

func (s *Server) memberAddRole(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := member.RoleInput{TermID: f.ID("term_id"), Kind: member.RoleKind(f.Str("kind")),
		StartDate: f.Date("start_date"), EndDate: f.Date("end_date"), Note: f.Str("note"), Sort: f.Int("sort")}
	if len(f.Errs) > 0 {
		if _, err = s.db.FindMemberByID(r.Context(), actor(r), id); err == nil {
			err = f.merge(in.Validate().Err())
		}
	} else {
		_, err = s.db.AddRole(r.Context(), actor(r), id, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderMemberShow(w, r, formStatus(err), id, memberPageState{
			roleValues: postedValues(r, "term_id", "kind", "start_date", "end_date", "note", "sort"),
			roleErrs:   app.ErrorFields(err), roleMsg: memberFormMessage(err)})
	}
	return redirect(w, r, "/members/"+app.Itoa(id)+"?ok=saved")
}

func (s *Server) memberEndRole(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	role, err := s.db.FindRoleByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	end := f.Date("end_date")
	if len(f.Errs) > 0 {
		err = f.Errs.Err()
	} else {
		err = s.db.EndRole(r.Context(), actor(r), id, end)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		return s.renderMemberShow(w, r, formStatus(err), role.MemberID, memberPageState{endRole: id,
			endMsg: endMessage(err), roleMsg: "未能免去职务：" + endMessage(err)})
	}
	return redirect(w, r, "/members/"+app.Itoa(role.MemberID)+"?ok=saved")
}

// memberRoleSort sets a role's protocol order within its kind (排序).
func (s *Server) memberRoleSort(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	role, err := s.db.FindRoleByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	sort := f.Int("sort")
	if len(f.Errs) > 0 {
		err = f.Errs.Err()
	} else {
		err = s.db.UpdateRoleSort(r.Context(), actor(r), id, sort)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		msg := app.ErrorFields(err).Get("sort")
		if msg == "" {
			msg = app.ErrorMessage(err)
		}
		return s.renderMemberShow(w, r, formStatus(err), role.MemberID, memberPageState{sortRole: id,
			sortValue: r.PostFormValue("sort"), sortMsg: msg, roleMsg: "未能修改排序：" + msg})
	}
	return redirect(w, r, "/members/"+app.Itoa(role.MemberID)+"?ok=saved")
}

// memberDetails shows an empty value as a dash.
func memberDetails(kv []view.MemberKV) []view.MemberKV {
	for i := range kv {
		kv[i].Value = cmp.Or(kv[i].Value, "—")
	}
	return kv
}
