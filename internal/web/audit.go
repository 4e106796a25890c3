package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/audit"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// auditRoutes: the audit log for the audit administrator and office staff
// in scope, and the chain verification for the deployment's audit administrator.
func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/audit", Perm: auth.AuditRead, Cache: cacheAudit, Handle: s.auditList},
		{Method: "GET", Pattern: "/audit/verify", Perm: auth.AuditRead, Handle: s.auditVerify},
	}
}

const auditPageSize = 50

// auditEntities are the kinds of record the log names, with labels; the
// filter offers these, and unknown ones are shown as stored.
var auditEntities = []view.Option{
	{Value: "org", Label: "组织"}, {Value: "term", Label: "届次"}, {Value: "sector", Label: "界别"},
	{Value: "special_committee", Label: "专门委员会"}, {Value: "member", Label: "委员"},
	{Value: "account", Label: "账号"}, {Value: "api_token", Label: "API令牌"},
	{Value: "security_setting", Label: "安全策略"},
}

// auditActions are the actions the filter offers.
var auditActions = []string{"create", "update", "delete", "move", "archive", "import", "export",
	"login", "login_failed", "lockout", "logout", "password", "reset_password", "token", "settings_change",
	"household_export", "household_reveal", "household_view", "audit_review"}

func entityLabel(e string) string {
	for _, o := range auditEntities {
		if o.Value == e {
			return o.Label
		}
	}
	return e
}

// auditQuery reads the log filters shared by the page and the API; problems
// come back by field name.
func (s *Server) auditQuery(r *http.Request) (store.AuditFilter, map[string]string) {
	q := r.URL.Query()
	errs := map[string]string{}
	f := store.AuditFilter{
		Entity: strings.TrimSpace(q.Get("entity")),
		Offset: queryInt(r, "offset", 0, 10_000_000),
		Limit:  queryInt(r, "limit", auditPageSize, 200),
	}
	if f.Limit == 0 {
		f.Limit = auditPageSize
	}
	// action: one, or several from the review's links (any of them).
	for _, a := range q["action"] {
		if a = strings.TrimSpace(a); a != "" {
			f.Actions = append(f.Actions, a)
		}
	}
	if len(f.Actions) == 1 {
		f.Action, f.Actions = f.Actions[0], nil
	}
	switch q.Get("offhours") {
	case "":
	case "1":
		f.OffHours = true
	default:
		errs["offhours"] = "应为 1"
	}
	if v := strings.TrimSpace(q.Get("entity_id")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs["entity_id"] = "应为正整数"
		}
		f.EntityID = n
	}
	// account: an id, or a username in scope (API: account_id).
	acct := strings.TrimSpace(q.Get("account"))
	if acct == "" {
		acct = strings.TrimSpace(q.Get("account_id"))
	}
	if acct != "" {
		if n, err := strconv.ParseInt(acct, 10, 64); err == nil && n > 0 {
			f.AccountID = n
		} else {
			list, _, err := s.db.FindAccounts(r.Context(), actor(r), store.AccountFilter{Username: acct, Limit: 1})
			if err != nil || len(list) == 0 {
				errs["account"] = "未找到该账号"
			} else {
				f.AccountID = list[0].ID
			}
		}
	}
	var err error
	if f.From, err = app.ParseDate(q.Get("from")); err != nil {
		errs["from"] = err.Error()
	}
	if f.To, err = app.ParseDate(q.Get("to")); err != nil {
		errs["to"] = err.Error()
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs["to"] = "截止日期不能早于起始日期"
	}
	return f, errs
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	f, errs := s.auditQuery(r)
	var entries []audit.Entry
	total := 0
	if len(errs) == 0 {
		var err error
		if entries, total, err = s.db.FindAuditEntries(r.Context(), actor(r), f); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	keep := url.Values{}
	for _, k := range []string{"entity", "entity_id", "account", "action", "from", "to", "offhours"} {
		for _, v := range q[k] {
			if v = strings.TrimSpace(v); v != "" {
				keep.Add(k, v)
			}
		}
	}
	actions := []view.Option{{Value: "", Label: "全部操作"}}
	for _, a := range auditActions {
		actions = append(actions, view.Option{Value: a, Label: audit.ActionLabel(a)})
	}
	l := view.AuditList{Rows: s.auditRows(entries), Entity: f.Entity, EntityID: q.Get("entity_id"),
		Account: q.Get("account"), Action: f.Action, Actions: f.Actions, OffHours: f.OffHours, From: q.Get("from"), To: q.Get("to"),
		EntityOptions: append([]view.Option{{Value: "", Label: "全部对象"}}, auditEntities...),
		ActionOptions: actions, Errs: errs, Query: keep, CanVerify: mayVerifyAudit(r),
		Pager: view.Pager{Total: total, Offset: f.Offset, Limit: f.Limit, Query: keep, Path: "/audit"}}
	for i, a := range f.Actions {
		if i > 0 {
			l.ActionsLabel += "、"
		}
		l.ActionsLabel += audit.ActionLabel(a)
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return render(w, r, status, view.Audit(withExport(page(r, "审计日志", "audit"), r, "/audit.xlsx"), l))
}

// auditRows prepares entries for display: local time, labels, indented JSON.
func (s *Server) auditRows(entries []audit.Entry) []view.AuditRow {
	out := make([]view.AuditRow, len(entries))
	for i, e := range entries {
		out[i] = view.AuditRow{At: e.At.In(s.db.Loc).Format("2006-01-02 15:04:05"), Actor: e.Actor, IP: e.IP,
			Action: audit.ActionLabel(e.Action), Entity: entityLabel(e.Entity), EntityID: e.EntityID,
			Summary: e.Summary, Before: prettyJSON(e.Before), After: prettyJSON(e.After), Chain: e.Chain, Seq: e.Seq}
	}
	return out
}

func prettyJSON(s string) string {
	if s == "" {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		return s
	}
	return b.String()
}

// mayVerifyAudit: verification reads every committee's chain, so only the
// deployment-wide audit administrator runs it (三员分立: the system
// administrator reads no audit trail).
func mayVerifyAudit(r *http.Request) bool {
	st := state(r)
	return st.account.Role == auth.Auditor && st.actor.Path == "/"
}

func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) error {
	if !mayVerifyAudit(r) {
		return app.Errorf(app.EFORBIDDEN, "只有全平台的审计管理员可以校验全部审计日志")
	}
	rep, err := s.db.VerifyAudit(r.Context())
	if err != nil {
		return app.Internal(err, "verify audit")
	}
	v := view.AuditVerifyResult{Chains: rep.Chains, Entries: rep.Entries, Unprotected: rep.Unprotected,
		Retention: auth.DefaultAuditRetentionDays}
	if !rep.Oldest.IsZero() {
		v.Oldest = rep.Oldest.In(s.db.Loc).Format("2006-01-02")
	}
	for _, p := range rep.Problems {
		v.Problems = append(v.Problems, p.String())
	}
	return render(w, r, http.StatusOK, view.AuditVerify(page(r, "日志完整性校验", "audit"), v))
}
