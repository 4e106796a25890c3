package web

import (
	"net/http"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/audit"
	"xieshang/internal/auth"
)

// accountAPIRoutes: who am I, accounts (account:manage) and the audit log
// (audit:read) as JSON. Password hashes never leave the store (json:"-").
func (s *Server) accountAPIRoutes() []Route {
	listQuery := []APIParam{
		{Name: "org", Type: "integer", Description: "所属组织ID（含下级）"},
		{Name: "role", Type: "string", Description: "角色：admin office leader member coordinator cadre unit"},
		{Name: "name", Type: "string", Description: "用户名或姓名包含"},
		{Name: "status", Type: "string", Description: "active 正常、disabled 停用、locked 锁定"},
		{Name: "sort", Type: "string", Description: "username name role org last_login created"},
		{Name: "dir", Type: "string", Description: "desc 为倒序"},
		{Name: "offset", Type: "integer", Description: "跳过的条数"},
		{Name: "limit", Type: "integer", Description: "每页条数，最多500，默认50"},
	}
	auditQuery := []APIParam{
		{Name: "entity", Type: "string", Description: "对象类型：org member account api_token …"},
		{Name: "entity_id", Type: "integer", Description: "对象ID"},
		{Name: "account_id", Type: "string", Description: "操作账号ID或用户名"},
		{Name: "action", Type: "string", Description: "操作：create update delete move login password …"},
		{Name: "from", Type: "string", Description: "起始日期 YYYY-MM-DD（含）"},
		{Name: "to", Type: "string", Description: "截止日期 YYYY-MM-DD（含）"},
		{Name: "offset", Type: "integer", Description: "跳过的条数"},
		{Name: "limit", Type: "integer", Description: "每页条数，最多200，默认50"},
	}
	return []Route{
		{Method: "GET", Pattern: "/api/v1/me", API: true, Handle: s.apiMe,
			Doc: &APIDoc{Summary: "当前账号、角色、权限和所属组织", Tag: "accounts", Response: apiWhoAmI{}}},
		{Method: "GET", Pattern: "/api/v1/accounts", Perm: auth.AccountManage, API: true, Handle: s.apiAccounts,
			Doc: &APIDoc{Summary: "账号列表（本组织及下级）", Tag: "accounts", Response: apiList[auth.Account]{}, Query: listQuery}},
		{Method: "GET", Pattern: "/api/v1/accounts/{id}", Perm: auth.AccountManage, API: true, Handle: s.apiAccount,
			Doc: &APIDoc{Summary: "一个账号", Tag: "accounts", Response: auth.Account{}}},
		{Method: "POST", Pattern: "/api/v1/accounts", Perm: auth.AccountManage, API: true, Handle: s.apiAccountCreate,
			Doc: &APIDoc{Summary: "新建账号（本人首次登录须修改密码）", Tag: "accounts", Request: auth.AccountInput{},
				Response: auth.Account{}, Status: http.StatusCreated}},
		{Method: "PATCH", Pattern: "/api/v1/accounts/{id}", Perm: auth.AccountManage, API: true, Handle: s.apiAccountPatch,
			Doc: &APIDoc{Summary: "修改账号（只改提交的字段；用户名和密码不能在此修改）", Tag: "accounts",
				Request: apiAccountPatch{}, Response: auth.Account{}}},
		{Method: "GET", Pattern: "/api/v1/audit", Perm: auth.AuditRead, API: true, Handle: s.apiAudit,
			Doc: &APIDoc{Summary: "审计日志（本组织及下级，新的在前）", Tag: "audit", Response: apiList[audit.Entry]{}, Query: auditQuery}},
	}
}

// apiWhoAmI is the signed-in account as the API shows it.
type apiWhoAmI struct {
	Account     auth.Account      `json:"account"`
	RoleLabel   string            `json:"role_label"`
	Permissions []auth.Permission `json:"permissions"`
	Org         apiOrgRef         `json:"org"`
}

// apiOrgRef names an organisation; ID 0 is the whole deployment.
type apiOrgRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Path string `json:"path"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	a := state(r).account
	perms := a.Role.Grants()
	if perms == nil {
		perms = []auth.Permission{}
	}
	me := apiWhoAmI{Account: a, RoleLabel: a.Role.Label(), Permissions: perms,
		Org: apiOrgRef{ID: a.OrgID, Name: orgLabel(a), Path: actor(r).Path}}
	writeJSON(w, http.StatusOK, me)
	return nil
}

func (s *Server) apiAccounts(w http.ResponseWriter, r *http.Request) error {
	f := accountFilter(r)
	f.Limit = queryInt(r, "limit", accountPageSize, 500)
	if f.Limit == 0 {
		f.Limit = accountPageSize
	}
	if v := r.URL.Query().Get("role"); v != "" && f.Role == "" {
		var errs app.FieldErrors
		errs.Add("role", "未知角色")
		return errs.Err()
	}
	list, total, err := s.db.FindAccounts(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []auth.Account{}
	}
	writeJSON(w, http.StatusOK, apiList[auth.Account]{Items: list, Total: total, Offset: f.Offset, Limit: f.Limit})
	return nil
}

func (s *Server) apiAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.db.FindAccountByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiAccountCreate(w http.ResponseWriter, r *http.Request) error {
	var in auth.AccountInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.db.CreateAccount(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/accounts/"+app.Itoa(a.ID))
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// apiAccountPatch is a partial change: absent fields keep their value.
type apiAccountPatch struct {
	DisplayName *string    `json:"display_name"`
	Role        *auth.Role `json:"role"`
	OrgID       *int64     `json:"org_id"`
	MemberID    *int64     `json:"member_id"`
	UnitID      *int64     `json:"unit_id"` // role unit: a handling unit of the account's committee
	Disabled    *bool      `json:"disabled"`
}

func (s *Server) apiAccountPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var p apiAccountPatch
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	a, err := s.db.FindAccountByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	in := auth.AccountInput{Username: a.Username, DisplayName: a.DisplayName, Role: a.Role, OrgID: a.OrgID,
		MemberID: a.MemberID, UnitID: a.UnitID, Disabled: a.Disabled}
	if p.DisplayName != nil {
		in.DisplayName = *p.DisplayName
	}
	if p.Role != nil {
		in.Role = auth.Role(strings.TrimSpace(string(*p.Role)))
	}
	if p.OrgID != nil {
		in.OrgID = *p.OrgID
	}
	if p.MemberID != nil {
		in.MemberID = *p.MemberID
	}
	if p.UnitID != nil {
		in.UnitID = *p.UnitID
	}
	if p.Disabled != nil {
		in.Disabled = *p.Disabled
	}
	after, err := s.db.UpdateAccount(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	f, problems := s.auditQuery(r)
	if len(problems) > 0 {
		var errs app.FieldErrors
		for _, k := range []string{"entity_id", "account", "from", "to"} {
			if msg, ok := problems[k]; ok {
				if k == "account" {
					k = "account_id"
				}
				errs.Add(k, msg)
			}
		}
		return errs.Err()
	}
	entries, total, err := s.db.FindAuditEntries(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []audit.Entry{}
	}
	writeJSON(w, http.StatusOK, apiList[audit.Entry]{Items: entries, Total: total, Offset: f.Offset, Limit: f.Limit})
	return nil
}
