package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
)

// Where a security setting's value comes from.
const (
	SourceDefault = "默认"
	SourceEnv     = "环境变量"
	SourceSaved   = "已保存"
)

// SecuritySettings is the security policy in force, with where each value
// comes from (by auth.PolicyFields key) and who saved the row last.
type SecuritySettings struct {
	Policy    auth.SecurityPolicy `json:"policy"`
	Source    map[string]string   `json:"source"`
	UpdatedAt time.Time           `json:"updated_at"`
	UpdatedBy string              `json:"updated_by"`
}

// policyColumns is the row's setting columns in auth.PolicyFields order:
// the keys are fixed identifiers, never user input.
var policyColumns = func() string {
	keys := make([]string, len(auth.PolicyFields))
	for i, f := range auth.PolicyFields {
		keys[i] = f.Key
	}
	return strings.Join(keys, ", ")
}()

// startupPolicy is the policy before anything is saved: DB.Passwords,
// DB.Throttle and DB.Sessions (set from the environment at start, or by
// tests), else the built-in defaults.
func (db *DB) startupPolicy() (auth.PasswordPolicy, auth.Throttle, auth.SessionPolicy) {
	pw := db.Passwords
	if pw == (auth.PasswordPolicy{}) {
		pw = auth.DefaultPasswordPolicy
	}
	th := db.Throttle
	if th.MaxFailures == 0 {
		th = auth.DefaultThrottle
	}
	s := db.Sessions
	if s.Idle == 0 {
		s = auth.DefaultSessionPolicy
	}
	return pw, th, s
}

// savedPolicy is the row as stored: a setting never saved is not Valid.
type savedPolicy struct {
	values    []sql.NullInt64 // in auth.PolicyFields order
	updatedAt sql.NullTime
	updatedBy string
}

func (s savedPolicy) saved(key string) bool {
	for i, f := range auth.PolicyFields {
		if f.Key == key {
			return s.values[i].Valid
		}
	}
	return false
}

func (s savedPolicy) policy() auth.SecurityPolicy {
	var p auth.SecurityPolicy
	for i, f := range auth.PolicyFields {
		*f.Of(&p) = int(s.values[i].Int64)
	}
	return p
}

func readSavedPolicy(ctx context.Context, q querier) (savedPolicy, error) {
	s := savedPolicy{values: make([]sql.NullInt64, len(auth.PolicyFields))}
	dest := make([]any, 0, len(s.values)+2)
	for i := range s.values {
		dest = append(dest, &s.values[i])
	}
	dest = append(dest, &s.updatedAt, &s.updatedBy)
	err := q.QueryRowContext(ctx, `SELECT `+policyColumns+`, updated_at, updated_by FROM security_setting WHERE id = 1`).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	return s, app.Internal(err, "read security settings")
}

// policies returns the password, throttling and session policies in force:
// the start-up values with the saved settings in their place. It reads the
// one row by its key each time it is asked (at a sign-in or a password
// change), so a change made on any node applies on every node at once.
func (db *DB) policies(ctx context.Context, q querier) (auth.PasswordPolicy, auth.Throttle, auth.SessionPolicy, error) {
	pw, th, s := db.startupPolicy()
	saved, err := readSavedPolicy(ctx, q)
	if err != nil {
		return pw, th, s, err
	}
	pw, th, s = saved.policy().Apply(saved.saved, pw, th, s)
	return pw, th, s, nil
}

// SecuritySettings is the security policy in force and where each value
// comes from: saved in the app, else the start-up value (from the
// environment when it differs from the built-in default).
func (db *DB) SecuritySettings(ctx context.Context) (SecuritySettings, error) {
	return db.securitySettings(ctx, db.read)
}

func (db *DB) securitySettings(ctx context.Context, q querier) (SecuritySettings, error) {
	pw, th, s := db.startupPolicy()
	start := auth.PolicyOf(pw, th, s, auth.DefaultAuditRetentionDays)
	def := auth.PolicyOf(auth.DefaultPasswordPolicy, auth.DefaultThrottle, auth.DefaultSessionPolicy, auth.DefaultAuditRetentionDays)
	saved, err := readSavedPolicy(ctx, q)
	if err != nil {
		return SecuritySettings{}, err
	}
	out := SecuritySettings{Policy: start, Source: map[string]string{}, UpdatedAt: saved.updatedAt.Time, UpdatedBy: saved.updatedBy}
	sp := saved.policy()
	for _, f := range auth.PolicyFields {
		switch {
		case saved.saved(f.Key):
			*f.Of(&out.Policy) = *f.Of(&sp)
			out.Source[f.Key] = SourceSaved
		case *f.Of(&start) != *f.Of(&def):
			out.Source[f.Key] = SourceEnv
		default:
			out.Source[f.Key] = SourceDefault
		}
	}
	return out, nil
}

// UpdateSecuritySettings saves the policy, for a security administrator of
// the whole deployment (the policy applies everywhere).
// Values out of bounds come back by field; the change is audited with the
// policy before and after.
func (db *DB) UpdateSecuritySettings(ctx context.Context, actor app.Actor, in auth.SecurityPolicy) (SecuritySettings, error) {
	if !auth.Role(actor.Role).Can(auth.SettingsWrite) {
		return SecuritySettings{}, app.Errorf(app.EFORBIDDEN, "只有安全管理员可以修改安全策略")
	}
	if actor.Path != "/" {
		return SecuritySettings{}, app.Errorf(app.EFORBIDDEN, "安全策略对全平台生效，只有全平台的安全管理员可以修改")
	}
	if err := in.Validate().Err(); err != nil {
		return SecuritySettings{}, err
	}
	var after SecuritySettings
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := db.securitySettings(ctx, tx)
		if err != nil {
			return err
		}
		// A setting is written when it was saved before or differs from the
		// start-up value: one left as it starts keeps following the
		// environment (and a later change of it).
		args := []any{tx.Now, actor.Name}
		sets := make([]string, 0, len(auth.PolicyFields))
		for _, f := range auth.PolicyFields {
			if before.Source[f.Key] != SourceSaved && *f.Of(&in) == *f.Of(&before.Policy) {
				continue
			}
			args = append(args, *f.Of(&in))
			sets = append(sets, f.Key+" = $"+app.Itoa(int64(len(args))))
		}
		sets = append(sets, "updated_at = $1", "updated_by = $2")
		if _, err := tx.ExecContext(ctx, `INSERT INTO security_setting (id, updated_at, updated_by) VALUES (1, $1, $2)
			ON CONFLICT (id) DO NOTHING`, tx.Now, actor.Name); err != nil {
			return app.Internal(err, "save security settings")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE security_setting SET `+strings.Join(sets, ", ")+` WHERE id = 1`, args...); err != nil {
			return app.Internal(err, "save security settings")
		}
		if after, err = db.securitySettings(ctx, tx); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "settings_change", Entity: "security_setting", EntityID: 1,
			OrgPath: "/", Summary: "修改安全策略" + policyDiff(before.Policy, after.Policy),
			Before: before.Policy, After: after.Policy})
	})
	return after, err
}

// policyDiff names the settings that changed, e.g. "：密码最短长度 10→12".
func policyDiff(before, after auth.SecurityPolicy) string {
	var parts []string
	for _, f := range auth.PolicyFields {
		if b, a := *f.Of(&before), *f.Of(&after); a != b {
			parts = append(parts, f.Label+" "+app.Itoa(int64(b))+"→"+app.Itoa(int64(a)))
		}
	}
	if len(parts) == 0 {
		return "（无变化）"
	}
	return "：" + strings.Join(parts, "，")
}
