package auth

import (
	"fmt"
	"time"

	"xieshang/internal/app"
)

// SecurityPolicy is the security policy the security administrator (安全管理员)
// sets in the app: passwords, lockout, sessions and how long the audit
// trail is kept. Every field is a whole number in the unit its name says.
type SecurityPolicy struct {
	PasswordMinLength    int `json:"password_min_length"`
	PasswordMinClasses   int `json:"password_min_classes"`
	PasswordMaxAgeDays   int `json:"password_max_age_days"`  // 0: passwords do not expire
	ThrottleFailures     int `json:"throttle_failures"`      // failed sign-ins per account in the throttle window before further attempts wait
	LockAfter            int `json:"lock_after"`             // failed sign-ins in the lockout window that lock the account
	LockMinutes          int `json:"lock_minutes"`           // how long a locked account stays locked
	SessionIdleMinutes   int `json:"session_idle_minutes"`   // a session unused this long ends
	SessionAbsoluteHours int `json:"session_absolute_hours"` // a session ends this long after sign-in, used or not
	AuditRetentionDays   int `json:"audit_retention_days"`   // the audit trail is kept at least this long
}

// PolicyField describes one setting of a SecurityPolicy: its key (the
// form field, JSON name and database column), label, unit, bounds and hint.
type PolicyField struct {
	Key, Label, Unit, Hint string
	Min, Max               int
	Zero                   bool // 0 is allowed too (it means "never")
	Of                     func(*SecurityPolicy) *int
}

// PolicyFields lists the settings in display order; their bounds keep a
// policy meaningful (等保 level 3 asks for complexity, periodic change,
// lockout, session timeouts and an audit trail kept at least 180 days).
var PolicyFields = []PolicyField{
	{Key: "password_min_length", Label: "密码最短长度", Unit: "位", Min: 8, Max: 32,
		Hint: "新设的密码至少这么多个字符", Of: func(p *SecurityPolicy) *int { return &p.PasswordMinLength }},
	{Key: "password_min_classes", Label: "密码字符种类", Unit: "类", Min: 2, Max: 4,
		Hint: "大写字母、小写字母、数字、符号中至少包含几类", Of: func(p *SecurityPolicy) *int { return &p.PasswordMinClasses }},
	{Key: "password_max_age_days", Label: "密码有效期", Unit: "天", Min: 1, Max: 365, Zero: true,
		Hint: "超过这么多天未改密码，登录时须先改密码；0 表示不过期", Of: func(p *SecurityPolicy) *int { return &p.PasswordMaxAgeDays }},
	{Key: "throttle_failures", Label: "限速失败次数", Unit: "次", Min: 3, Max: 20,
		Hint: "同一账号短时间内连续失败这么多次后，须等待再试", Of: func(p *SecurityPolicy) *int { return &p.ThrottleFailures }},
	{Key: "lock_after", Label: "锁定失败次数", Unit: "次", Min: 3, Max: 50,
		Hint: "同一账号一天内登录失败这么多次即被锁定", Of: func(p *SecurityPolicy) *int { return &p.LockAfter }},
	{Key: "lock_minutes", Label: "锁定时长", Unit: "分钟", Min: 5, Max: 1440,
		Hint: "锁定的账号过这么久自动解锁，安全管理员也可提前解锁", Of: func(p *SecurityPolicy) *int { return &p.LockMinutes }},
	{Key: "session_idle_minutes", Label: "空闲超时", Unit: "分钟", Min: 5, Max: 240,
		Hint: "登录后这么久没有操作即须重新登录", Of: func(p *SecurityPolicy) *int { return &p.SessionIdleMinutes }},
	{Key: "session_absolute_hours", Label: "登录最长有效", Unit: "小时", Min: 1, Max: 24,
		Hint: "无论是否操作，登录这么久后须重新登录", Of: func(p *SecurityPolicy) *int { return &p.SessionAbsoluteHours }},
	{Key: "audit_retention_days", Label: "审计日志保留", Unit: "天", Min: 180, Max: 3650,
		Hint: "审计日志至少保留这么多天（等保要求不少于180天）", Of: func(p *SecurityPolicy) *int { return &p.AuditRetentionDays }},
}

// DefaultAuditRetentionDays: 等保 2.0 asks for at least six months.
const DefaultAuditRetentionDays = 180

// Check reports the problem with value v for the field in Chinese, or "".
func (f PolicyField) Check(v int) string {
	if v == 0 && f.Zero {
		return ""
	}
	if v < f.Min || v > f.Max {
		if f.Zero {
			return fmt.Sprintf("%s应为0或%d至%d%s", f.Label, f.Min, f.Max, f.Unit)
		}
		return fmt.Sprintf("%s应为%d至%d%s", f.Label, f.Min, f.Max, f.Unit)
	}
	return ""
}

// Validate checks every field against its bounds, naming the field.
func (p SecurityPolicy) Validate() app.FieldErrors {
	var errs app.FieldErrors
	for _, f := range PolicyFields {
		if msg := f.Check(*f.Of(&p)); msg != "" {
			errs.Add(f.Key, msg)
		}
	}
	return errs
}

// PolicyOf is the SecurityPolicy of the policies the platform runs with.
func PolicyOf(pw PasswordPolicy, th Throttle, s SessionPolicy, auditDays int) SecurityPolicy {
	return SecurityPolicy{
		PasswordMinLength: pw.MinLength, PasswordMinClasses: pw.MinClasses, PasswordMaxAgeDays: int(pw.MaxAge / (24 * time.Hour)),
		ThrottleFailures: th.MaxFailures, LockAfter: th.LockAfter, LockMinutes: int(th.LockFor / time.Minute),
		SessionIdleMinutes: int(s.Idle / time.Minute), SessionAbsoluteHours: int(s.Absolute / time.Hour),
		AuditRetentionDays: auditDays,
	}
}

// Apply returns the policies the platform runs with: pw, th and s (the
// start-up values) with the settings of p that saved reports true for by key
// put in their place. The throttle's windows and limit per address stay th's.
func (p SecurityPolicy) Apply(saved func(key string) bool, pw PasswordPolicy, th Throttle, s SessionPolicy) (PasswordPolicy, Throttle, SessionPolicy) {
	day := 24 * time.Hour
	for _, f := range PolicyFields {
		if !saved(f.Key) {
			continue
		}
		v := *f.Of(&p)
		switch f.Key {
		case "password_min_length":
			pw.MinLength = v
		case "password_min_classes":
			pw.MinClasses = v
		case "password_max_age_days":
			pw.MaxAge = time.Duration(v) * day
		case "throttle_failures":
			th.MaxFailures = v
		case "lock_after":
			th.LockAfter = v
		case "lock_minutes":
			th.LockFor = time.Duration(v) * time.Minute
		case "session_idle_minutes":
			s.Idle = time.Duration(v) * time.Minute
		case "session_absolute_hours":
			s.Absolute = time.Duration(v) * time.Hour
		}
	}
	return pw, th, s
}
