package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// accountRoutes: account administration (account:manage), the own password
// and API tokens (any signed-in account) and the account API.
func (s *Server) accountRoutes() []Route {
	return slices.Concat([]Route{
		{Method: "GET", Pattern: "/accounts", Perm: auth.AccountManage, Handle: s.accountList},
		{Method: "GET", Pattern: "/accounts/new", Perm: auth.AccountManage, Handle: s.accountNew},
		{Method: "POST", Pattern: "/accounts", Perm: auth.AccountManage, Handle: s.accountCreate},
		{Method: "GET", Pattern: "/accounts/{id}", Perm: auth.AccountManage, Handle: s.accountShow},
		{Method: "GET", Pattern: "/accounts/{id}/edit", Perm: auth.AccountManage, Handle: s.accountEdit},
		{Method: "POST", Pattern: "/accounts/{id}", Perm: auth.AccountManage, Handle: s.accountUpdate},
		{Method: "POST", Pattern: "/accounts/{id}/reset-password", Perm: auth.AccountManage, Handle: s.accountResetPassword},
		{Method: "POST", Pattern: "/accounts/{id}/unlock", Perm: auth.AccountUnlock, Handle: s.accountUnlock},
		{Method: "POST", Pattern: "/accounts/{id}/revoke-sessions", Perm: auth.AccountManage, Handle: s.accountRevokeSessions},
		{Method: "POST", Pattern: "/accounts/{id}/tokens/{tid}/revoke", Perm: auth.AccountManage, Handle: s.accountRevokeToken},
	}, s.passwordRoutes(), s.tokenRoutes(), s.accountAPIRoutes())
}

const accountPageSize = 50

// accountFilter reads the list filters shared by the page and the API.
func accountFilter(r *http.Request) store.AccountFilter {
	q := r.URL.Query()
	f := store.AccountFilter{
		OrgID:  queryID(r, "org"),
		Name:   strings.TrimSpace(q.Get("name")),
		Offset: queryInt(r, "offset", 0, 1_000_000),
		Limit:  accountPageSize,
		Sort:   q.Get("sort"),
		Desc:   q.Get("dir") == "desc",
	}
	if role, ok := auth.ParseRole(q.Get("role")); ok {
		f.Role = role
	}
	switch q.Get("status") {
	case "active":
		no := false
		f.Disabled = &no
	case "disabled":
		yes := true
		f.Disabled = &yes
	case "locked":
		f.Locked = true
	}
	return f
}

func (s *Server) accountList(w http.ResponseWriter, r *http.Request) error {
	f := accountFilter(r)
	list, total, err := s.db.FindAccounts(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	orgFields, err := s.orgFilter(r, "org", "所属组织", "全部组织")
	if err != nil {
		return err
	}
	now := s.db.Now()
	rows := make([]view.AccountRow, len(list))
	for i, a := range list {
		status, class := accountStatus(a, now)
		rows[i] = view.AccountRow{ID: a.ID, Username: a.Username, DisplayName: a.DisplayName, RoleLabel: a.Role.Label(),
			OrgName: orgLabel(a), Status: status, StatusClass: class, LastLogin: s.fmtTime(a.LastLoginAt)}
	}
	q := r.URL.Query()
	keep := url.Values{}
	for _, k := range []string{"name", "org", "role", "status", "sort", "dir"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	l := view.AccountList{Rows: rows, Org: q.Get("org"), Role: q.Get("role"), Status: q.Get("status"), Name: f.Name,
		OrgFields: orgFields, RoleOptions: roleOptions(auth.Roles, "全部角色"), Query: keep,
		Pager: view.Pager{Total: total, Offset: f.Offset, Limit: f.Limit, Query: keep, Path: "/accounts"}}
	return render(w, r, http.StatusOK, view.Accounts(withExport(page(r, "账号", "accounts"), r, "/accounts.xlsx"), l))
}

// accountStatus is the status shown for an account, with its tag class.
func accountStatus(a auth.Account, now time.Time) (string, string) {
	switch {
	case a.Disabled:
		return "停用", "err"
	case a.LockedUntil.After(now):
		return "锁定", "warn"
	case a.MustChangePassword:
		return "待修改密码", "warn"
	}
	return "正常", "ok"
}

func orgLabel(a auth.Account) string {
	if a.OrgID == 0 {
		return "全平台"
	}
	return a.OrgName
}

// fmtTime shows a timestamp in the committee time zone; zero is "".
func (s *Server) fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.db.Loc).Format("2006-01-02 15:04")
}

// roleOptions lists roles with an empty first choice labelled first.
func roleOptions(roles []auth.Role, first string) []view.Option {
	out := []view.Option{{Value: "", Label: first}}
	for _, r := range roles {
		out = append(out, view.Option{Value: string(r), Label: r.Label()})
	}
	return out
}

// assignableRoles are the roles the signed-in account may give.
func assignableRoles(r *http.Request) []auth.Role {
	mine := state(r).account.Role
	var out []auth.Role
	for _, x := range auth.Roles {
		if mine.CanAssign(x) {
			out = append(out, x)
		}
	}
	return out
}

// accountInput reads the create/edit form.
func accountInput(f *form) auth.AccountInput {
	return auth.AccountInput{
		Username:    f.Str("username"),
		DisplayName: f.Str("display_name"),
		Role:        auth.Role(f.Str("role")),
		OrgID:       f.ID("org_id"),
		MemberID:    f.ID("member_id"),
		UnitID:      f.ID("unit_id"),
		Password:    f.Raw("password"),
		Disabled:    f.Bool("disabled"),
	}
}

// renderAccountForm shows the form with the choices the actor may make.
func (s *Server) renderAccountForm(w http.ResponseWriter, r *http.Request, status int, f view.AccountForm) error {
	first := "请选择组织"
	if actor(r).Path == "/" {
		first = "全平台（仅限系统、安全、审计管理员）"
	}
	formPage := "/accounts/new"
	if f.ID != 0 {
		formPage = "/accounts/" + app.Itoa(f.ID) + "/edit"
	}
	policy, err := s.db.PasswordPolicy(r.Context())
	if err != nil {
		return err
	}
	f.PasswordHint = policy.Hint()
	if f.OrgField, err = s.orgField(r, view.Field{Name: "org_id", Label: "所属组织", Value: f.OrgID, Required: true,
		Hint: "账号只能查看和处理该组织及其下级的数据"}, first, formPage); err != nil {
		return err
	}
	f.RoleOptions = roleOptions(assignableRoles(r), "请选择角色")
	if f.UnitOptions, err = s.unitOptions(r, "无（承办单位账号必选）"); err != nil {
		return err
	}
	title := "新建账号"
	if f.ID != 0 {
		title = "修改账号 " + f.Username
	}
	return render(w, r, status, view.AccountEdit(page(r, title, "accounts"), f))
}

func (s *Server) accountNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccountForm(w, r, http.StatusOK, view.AccountForm{})
}

// accountFormOf fills the form from what was posted (never the password).
func accountFormOf(id int64, in auth.AccountInput, f *form) view.AccountForm {
	return view.AccountForm{ID: id, Username: in.Username, DisplayName: in.DisplayName, Role: string(in.Role),
		OrgID: f.r.PostFormValue("org_id"), MemberID: f.r.PostFormValue("member_id"),
		UnitID: f.r.PostFormValue("unit_id"), Disabled: in.Disabled}
}

func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := accountInput(f)
	var a auth.Account
	if len(f.Errs) > 0 {
		policy, perr := s.db.PasswordPolicy(r.Context())
		if perr != nil {
			return perr
		}
		err = f.merge(in.Validate(&policy).Err())
	} else {
		a, err = s.db.CreateAccount(r.Context(), actor(r), in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		form := accountFormOf(0, in, f)
		form.Errs, form.Msg = app.ErrorFields(err), fieldlessMessage(err)
		return s.renderAccountForm(w, r, formStatus(err), form)
	}
	return redirect(w, r, "/accounts/"+app.Itoa(a.ID)+"?ok=created")
}

// fieldlessMessage is the message to show above a form for an error that
// names no field (a conflict), "" otherwise.
func fieldlessMessage(err error) string {
	if len(app.ErrorFields(err)) > 0 {
		return ""
	}
	return app.ErrorMessage(err)
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, act := r.Context(), actor(r)
	a, err := s.db.FindAccountByID(ctx, act, id)
	if err != nil {
		return err
	}
	sessions, err := s.db.FindSessions(ctx, act, id)
	if err != nil {
		return err
	}
	tokens, err := s.db.FindAccountAPITokens(ctx, act, id)
	if err != nil {
		return err
	}
	about, aboutTotal, err := s.db.FindAuditEntries(ctx, act, store.AuditFilter{Entity: "account", EntityID: id, Limit: 10})
	if err != nil {
		return err
	}
	by, byTotal, err := s.db.FindAuditEntries(ctx, act, store.AuditFilter{AccountID: id, Limit: 10})
	if err != nil {
		return err
	}
	now := s.db.Now()
	status, _ := accountStatus(a, now)
	d := view.AccountDetail{ID: a.ID, Username: a.Username, Title: a.DisplayName + "（" + a.Username + "）",
		Disabled: a.Disabled, Locked: a.LockedUntil.After(now), Self: a.ID == act.AccountID,
		CanEdit: state(r).account.Role.CanAssign(a.Role)}
	d.Details = []view.KV{
		{Key: "用户名", Value: a.Username},
		{Key: "姓名", Value: a.DisplayName},
		{Key: "角色", Value: a.Role.Label()},
		{Key: "所属组织", Value: orgLabel(a)},
	}
	if a.MemberID != 0 {
		kv := view.KV{Key: "关联委员", Value: "委员ID " + app.Itoa(a.MemberID)}
		if can(r, auth.MemberRead) {
			kv.Href = "/members/" + app.Itoa(a.MemberID)
			if m, err := s.db.FindMemberByID(ctx, act, a.MemberID); err == nil {
				kv.Value = m.Name
			}
		}
		d.Details = append(d.Details, kv)
	}
	d.Details = append(d.Details,
		view.KV{Key: "状态", Value: status},
		view.KV{Key: "最近登录", Value: orDash(s.fmtTime(a.LastLoginAt))},
		view.KV{Key: "密码修改时间", Value: s.fmtTime(a.PasswordChangedAt)},
	)
	if d.Locked {
		d.Details = append(d.Details, view.KV{Key: "锁定至", Value: s.fmtTime(a.LockedUntil)})
	}
	d.Details = append(d.Details,
		view.KV{Key: "创建时间", Value: s.fmtTime(a.CreatedAt)},
		view.KV{Key: "最后修改", Value: s.fmtTime(a.UpdatedAt)},
	)
	for _, ss := range sessions {
		d.Sessions = append(d.Sessions, view.SessionRow{Created: s.fmtTime(ss.CreatedAt), LastSeen: s.fmtTime(ss.LastSeenAt),
			Expires: s.fmtTime(ss.ExpiresAt), IP: ss.IP, UserAgent: ss.UserAgent})
	}
	d.Tokens = s.tokenRows(tokens)
	d.About = s.auditRows(about)
	d.ByAccount = s.auditRows(by)
	if aboutTotal > len(about) {
		d.AuditQuery = url.Values{"entity": {"account"}, "entity_id": {app.Itoa(id)}}.Encode()
	}
	if byTotal > len(by) {
		d.ByQuery = url.Values{"account": {app.Itoa(id)}}.Encode()
	}
	return render(w, r, http.StatusOK, view.Account(page(r, a.Username, "accounts"), d))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// editableAccount loads an account in scope that the signed-in account may
// change (an office cannot change an administrator).
func (s *Server) editableAccount(r *http.Request) (auth.Account, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return auth.Account{}, err
	}
	a, err := s.db.FindAccountByID(r.Context(), actor(r), id)
	if err != nil {
		return a, err
	}
	if !state(r).account.Role.CanAssign(a.Role) {
		return a, app.Errorf(app.EFORBIDDEN, "无权修改%s账号", a.Role.Label())
	}
	return a, nil
}

func (s *Server) accountEdit(w http.ResponseWriter, r *http.Request) error {
	a, err := s.editableAccount(r)
	if err != nil {
		return err
	}
	f := view.AccountForm{ID: a.ID, Username: a.Username, DisplayName: a.DisplayName, Role: string(a.Role),
		Disabled: a.Disabled}
	if a.OrgID != 0 {
		f.OrgID = app.Itoa(a.OrgID)
	}
	if a.MemberID != 0 {
		f.MemberID = app.Itoa(a.MemberID)
	}
	if a.UnitID != 0 {
		f.UnitID = app.Itoa(a.UnitID)
	}
	return s.renderAccountForm(w, r, http.StatusOK, f)
}

func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := s.editableAccount(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := accountInput(f)
	in.Username = a.Username
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate(nil).Err())
	} else {
		_, err = s.db.UpdateAccount(r.Context(), actor(r), a.ID, in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		form := accountFormOf(a.ID, in, f)
		form.Errs, form.Msg = app.ErrorFields(err), fieldlessMessage(err)
		return s.renderAccountForm(w, r, formStatus(err), form)
	}
	return redirect(w, r, "/accounts/"+app.Itoa(a.ID)+"?ok=saved")
}

// accountResetPassword gives the account a generated password, shown once;
// its owner must change it at the next sign-in.
func (s *Server) accountResetPassword(w http.ResponseWriter, r *http.Request) error {
	a, err := s.editableAccount(r)
	if err != nil {
		return err
	}
	if a.ID == actor(r).AccountID {
		return app.Errorf(app.EFORBIDDEN, "请通过“修改密码”修改本人的密码")
	}
	policy, err := s.db.PasswordPolicy(r.Context())
	if err != nil {
		return err
	}
	pw := newPassword(policy, a.Username)
	if err := s.db.ResetPassword(r.Context(), actor(r), a.ID, pw); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.AccountPasswordReset(page(r, "密码已重置", "accounts"),
		view.PasswordReset{ID: a.ID, Username: a.Username, DisplayName: a.DisplayName, Password: pw}))
}

// accountUnlock lifts a lockout: the security administrator's (who returns
// to the security settings, which list locked accounts) or an account
// manager's for accounts it may assign (the store checks which).
func (s *Server) accountUnlock(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.UnlockAccount(r.Context(), actor(r), id); err != nil {
		return err
	}
	if !state(r).account.Role.Can(auth.AccountManage) {
		return redirect(w, r, "/settings/security?ok=unlocked")
	}
	return redirect(w, r, "/accounts/"+app.Itoa(id)+"?ok=unlocked")
}

func (s *Server) accountRevokeSessions(w http.ResponseWriter, r *http.Request) error {
	a, err := s.editableAccount(r)
	if err != nil {
		return err
	}
	if _, err := s.db.RevokeSessions(r.Context(), actor(r), a.ID); err != nil {
		return err
	}
	if a.ID == actor(r).AccountID {
		return redirect(w, r, "/login")
	}
	return redirect(w, r, "/accounts/"+app.Itoa(a.ID)+"?ok=signed_out")
}

func (s *Server) accountRevokeToken(w http.ResponseWriter, r *http.Request) error {
	a, err := s.editableAccount(r)
	if err != nil {
		return err
	}
	tid, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	if err := s.db.RevokeAPIToken(r.Context(), actor(r), tid); err != nil {
		return err
	}
	return redirect(w, r, "/accounts/"+app.Itoa(a.ID)+"?ok=revoked")
}
