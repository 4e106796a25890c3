package web

import (
	"fmt"
	"net/http"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// settingsRoutes: the security policy (安全策略) for the security
// administrator — passwords, lockout, sessions, audit retention — and the
// accounts locked after failed sign-ins, to unlock them.
func (s *Server) settingsRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/settings/security", Perm: auth.SettingsWrite, Handle: s.securityPage},
		{Method: "POST", Pattern: "/settings/security", Perm: auth.SettingsWrite, Handle: s.securitySave},
		{Method: "GET", Pattern: "/api/v1/settings/security", Perm: auth.SettingsWrite, API: true, Handle: s.apiSecurity,
			Doc: &APIDoc{Summary: "安全策略：当前值及其来源（默认、环境变量、已保存）", Tag: "settings", Response: store.SecuritySettings{}}},
		{Method: "PATCH", Pattern: "/api/v1/settings/security", Perm: auth.SettingsWrite, API: true, Handle: s.apiSecurityPatch,
			Doc: &APIDoc{Summary: "修改安全策略（只改提交的字段；仅限全平台的安全管理员）", Tag: "settings",
				Request: apiSecurityPatch{}, Response: store.SecuritySettings{}}},
	}
}

func (s *Server) securityPage(w http.ResponseWriter, r *http.Request) error {
	st, err := s.db.SecuritySettings(r.Context())
	if err != nil {
		return err
	}
	return s.renderSecurity(w, r, http.StatusOK, st, st.Policy, nil)
}

// renderSecurity shows the policy in force with its sources, the form with
// the values v (posted ones after an error) and the locked accounts.
func (s *Server) renderSecurity(w http.ResponseWriter, r *http.Request, status int, st store.SecuritySettings,
	v auth.SecurityPolicy, err error) error {
	locked, _, lerr := s.db.FindAccounts(r.Context(), actor(r), store.AccountFilter{Locked: true, Limit: 100})
	if lerr != nil {
		return lerr
	}
	pg := view.SecurityPage{CanSave: actor(r).Path == "/", Errs: app.ErrorFields(err)}
	if err != nil {
		pg.Msg = fieldlessMessage(err)
	}
	if !st.UpdatedAt.IsZero() {
		pg.Updated = st.UpdatedAt.In(s.db.Loc).Format("2006-01-02 15:04") + " " + st.UpdatedBy
	}
	for _, f := range auth.PolicyFields {
		rng := fmt.Sprintf("%d–%d%s", f.Min, f.Max, f.Unit)
		if f.Zero {
			rng = "0 或 " + rng
		}
		value := fmt.Sprintf("%d %s", *f.Of(&st.Policy), f.Unit)
		if f.Zero && *f.Of(&st.Policy) == 0 {
			value = "不过期"
		}
		pg.Rows = append(pg.Rows, view.SecurityRow{Label: f.Label, Value: value, Source: st.Source[f.Key], Range: rng})
		pg.Fields = append(pg.Fields, view.Field{Name: f.Key, Label: f.Label + "（" + f.Unit + "）", Type: "number",
			Value: app.Itoa(int64(*f.Of(&v))), Hint: f.Hint + "；可填 " + rng, Required: true, Error: pg.Errs.Get(f.Key),
			Attrs: map[string]string{"min": minOf(f), "max": app.Itoa(int64(f.Max)), "step": "1"}})
	}
	for _, a := range locked {
		org := a.OrgName
		if org == "" {
			org = "全平台"
		}
		pg.Locked = append(pg.Locked, view.LockedAccount{ID: a.ID, Username: a.Username, Name: a.DisplayName,
			Role: a.Role.Label(), Org: org, Until: a.LockedUntil.In(s.db.Loc).Format("2006-01-02 15:04")})
	}
	return render(w, r, status, view.Security(page(r, "安全策略", "settings"), pg))
}

func minOf(f auth.PolicyField) string {
	if f.Zero {
		return "0"
	}
	return app.Itoa(int64(f.Min))
}

// errPolicyTop: the policy applies everywhere, so only a security
// administrator of the whole deployment changes it.
var errPolicyTop = app.Errorf(app.EFORBIDDEN, "安全策略对全平台生效，只有全平台的安全管理员可以修改")

func (s *Server) securitySave(w http.ResponseWriter, r *http.Request) error {
	if actor(r).Path != "/" {
		return errPolicyTop
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	var in auth.SecurityPolicy
	for _, pf := range auth.PolicyFields {
		if f.Str(pf.Key) == "" {
			f.Errs.Add(pf.Key, pf.Label+"不能为空")
			continue
		}
		*pf.Of(&in) = f.Int(pf.Key)
	}
	if len(f.Errs) > 0 {
		err = f.merge(in.Validate().Err())
	} else {
		_, err = s.db.UpdateSecuritySettings(r.Context(), actor(r), in)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		st, serr := s.db.SecuritySettings(r.Context())
		if serr != nil {
			return serr
		}
		return s.renderSecurity(w, r, formStatus(err), st, in, err)
	}
	return redirect(w, r, "/settings/security?ok=saved")
}

func (s *Server) apiSecurity(w http.ResponseWriter, r *http.Request) error {
	st, err := s.db.SecuritySettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// apiSecurityPatch: the settings to change; those left out keep their value.
type apiSecurityPatch struct {
	PasswordMinLength    *int `json:"password_min_length"`
	PasswordMinClasses   *int `json:"password_min_classes"`
	PasswordMaxAgeDays   *int `json:"password_max_age_days"`
	ThrottleFailures     *int `json:"throttle_failures"`
	LockAfter            *int `json:"lock_after"`
	LockMinutes          *int `json:"lock_minutes"`
	SessionIdleMinutes   *int `json:"session_idle_minutes"`
	SessionAbsoluteHours *int `json:"session_absolute_hours"`
	AuditRetentionDays   *int `json:"audit_retention_days"`
}

func (s *Server) apiSecurityPatch(w http.ResponseWriter, r *http.Request) error {
	if actor(r).Path != "/" {
		return errPolicyTop
	}
	var p apiSecurityPatch
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	st, err := s.db.SecuritySettings(r.Context())
	if err != nil {
		return err
	}
	in := st.Policy
	for _, c := range []struct {
		v  *int
		to *int
	}{{p.PasswordMinLength, &in.PasswordMinLength}, {p.PasswordMinClasses, &in.PasswordMinClasses},
		{p.PasswordMaxAgeDays, &in.PasswordMaxAgeDays}, {p.ThrottleFailures, &in.ThrottleFailures},
		{p.LockAfter, &in.LockAfter}, {p.LockMinutes, &in.LockMinutes}, {p.SessionIdleMinutes, &in.SessionIdleMinutes},
		{p.SessionAbsoluteHours, &in.SessionAbsoluteHours}, {p.AuditRetentionDays, &in.AuditRetentionDays}} {
		if c.v != nil {
			*c.to = *c.v
		}
	}
	after, err := s.db.UpdateSecuritySettings(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}
