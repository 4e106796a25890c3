package web

import (
	"net/http"
	"net/url"
	"strconv"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/store"
	"xieshang/internal/web/view"
)

// The audit review (审计审阅) for the holders of AuditRead: what happened in
// a period that an audit administrator must look at, each kind counted with
// its latest entries and a link to all of them in the log; the state of the
// chains in scope; and the sign-off that the period was reviewed. Scoped as
// the log is (store.auditScope): an account that changes settings does not
// review its own actions.

func (s *Server) auditReviewRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/audit/review", Perm: auth.AuditRead, Handle: s.auditReview},
		{Method: "POST", Pattern: "/audit/review", Perm: auth.AuditRead, Handle: s.auditReviewSign},
	}
}

// reviewDays is the default period: the last seven days, today included.
const reviewDays = 7

// maxReviewDays bounds one review's period.
const maxReviewDays = 366

// reviewSections are the kinds of entry the review counts.
var reviewSections = []struct {
	title, hint string
	filter      store.AuditFilter
	byAccount   bool
}{
	{"登录失败和账号锁定", "按账号和来源地址统计；同一地址多次失败可能是猜测密码。",
		store.AuditFilter{Actions: []string{"login_failed", "lockout"}}, true},
	{"账号和角色变更", "新建、修改（含角色、停用、解锁）、调整隶属、重置和修改密码。",
		store.AuditFilter{Entity: "account", Actions: []string{"create", "update", "move", "reset_password", "password"}}, false},
	{"安全设置变更", "密码策略、锁定和会话时限等安全设置的修改。",
		store.AuditFilter{Actions: []string{"settings_change"}}, false},
	{"数据导出和个人信息查看", "导出的名单和统计表，以及查看帮扶对象、显示完整证件号码。",
		store.AuditFilter{Actions: []string{"export", "household_export", "household_reveal", "household_view"}}, true},
	{"非工作时间的操作", "07:00 前或 22:00 后（本会时间）的全部操作。",
		store.AuditFilter{OffHours: true}, true},
}

// reviewPeriod reads the period from the query (or the form), defaulting
// to the last reviewDays days; problems come back by field name.
func (s *Server) reviewPeriod(v url.Values) (from, to app.Date, errs app.FieldErrors) {
	today := s.db.Today()
	from, to = app.DateOf(today.Time(s.db.Loc).AddDate(0, 0, 1-reviewDays)), today
	var err error
	if x := v.Get("from"); x != "" {
		if from, err = app.ParseDate(x); err != nil {
			errs.Add("from", err.Error())
		}
	}
	if x := v.Get("to"); x != "" {
		if to, err = app.ParseDate(x); err != nil {
			errs.Add("to", err.Error())
		}
	}
	switch {
	case len(errs) > 0:
	case to.Before(from):
		errs.Add("to", "截止日期不能早于起始日期")
	case to.Time(s.db.Loc).Sub(from.Time(s.db.Loc)).Hours()/24 >= maxReviewDays:
		errs.Add("to", "审阅期间不能超过"+strconv.Itoa(maxReviewDays)+"天")
	}
	return from, to, errs
}

// reviewLink is the log filtered as f for the period.
func reviewLink(f store.AuditFilter, from, to app.Date, accountID int64) string {
	q := url.Values{"from": {from.String()}, "to": {to.String()}}
	if f.Entity != "" {
		q.Set("entity", f.Entity)
	}
	for _, a := range f.Actions {
		q.Add("action", a)
	}
	if f.OffHours {
		q.Set("offhours", "1")
	}
	if accountID != 0 {
		q.Set("account", app.Itoa(accountID))
	}
	return "/audit?" + q.Encode()
}

func (s *Server) auditReview(w http.ResponseWriter, r *http.Request) error {
	return s.renderAuditReview(w, r, http.StatusOK, r.URL.Query(), nil)
}

func (s *Server) renderAuditReview(w http.ResponseWriter, r *http.Request, status int, v url.Values, signErrs app.FieldErrors) error {
	ctx, act := r.Context(), actor(r)
	from, to, errs := s.reviewPeriod(v)
	d := view.AuditReview{Errs: errs, SignErrs: signErrs, Note: v.Get("note"), MaxNote: store.MaxReviewNote}
	d.From, d.To = v.Get("from"), v.Get("to")
	if len(errs) == 0 {
		d.From, d.To = from.String(), to.String()
		for _, sec := range reviewSections {
			f := sec.filter
			f.From, f.To, f.Limit = from, to, 5
			rows, total, err := s.db.FindAuditEntries(ctx, act, f)
			if err != nil {
				return err
			}
			vs := view.AuditReviewSection{Title: sec.title, Hint: sec.hint, Count: total,
				Link: reviewLink(f, from, to, 0), Rows: s.auditRows(rows)}
			if sec.byAccount && total > 0 {
				groups, err := s.db.CountAuditByAccount(ctx, act, f, 10)
				if err != nil {
					return err
				}
				for _, g := range groups {
					vs.Groups = append(vs.Groups, view.AuditReviewGroup{Actor: g.Actor, IP: g.IP, N: g.N,
						Link: reviewLink(f, from, to, g.AccountID)})
				}
			}
			d.Sections = append(d.Sections, vs)
		}
	} else if status == http.StatusOK {
		status = http.StatusUnprocessableEntity
	}
	rep, err := s.db.VerifyAuditInScope(ctx, act)
	if err != nil {
		return err
	}
	d.Chains, d.Entries, d.Unprotected = rep.Chains, rep.Entries, rep.Unprotected
	for _, p := range rep.Problems {
		d.Problems = append(d.Problems, p.String())
	}
	signs, _, err := s.db.FindAuditEntries(ctx, act, store.AuditFilter{Action: "audit_review", Limit: 20})
	if err != nil {
		return err
	}
	d.SignOffs = s.auditRows(signs)
	return render(w, r, status, view.AuditReviewPage(page(r, "审计审阅", "audit"), d))
}

func (s *Server) auditReviewSign(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	from, to, errs := s.reviewPeriod(r.PostForm)
	if len(errs) > 0 {
		return s.renderAuditReview(w, r, http.StatusUnprocessableEntity, r.PostForm, nil)
	}
	if err := s.db.RecordAuditReview(r.Context(), actor(r), from, to, f.Str("note")); err != nil {
		if !formError(err) {
			return err
		}
		return s.renderAuditReview(w, r, formStatus(err), r.PostForm, app.ErrorFields(err))
	}
	return redirect(w, r, "/audit/review?"+url.Values{"from": {from.String()}, "to": {to.String()}, "ok": {"reviewed"}}.Encode())
}
