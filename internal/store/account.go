package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
)

const accountColumns = `a.id, a.committee_id, COALESCE(a.org_id, 0), COALESCE(o.name, ''), COALESCE(o.path, '/'),
	a.username, a.display_name, a.role, COALESCE(a.member_id, 0), a.disabled, a.must_change_password,
	a.password_changed_at, a.locked_until, a.last_login_at, a.created_at, a.updated_at, a.password_hash, COALESCE(a.unit_id, 0)`

const accountFrom = ` FROM account a LEFT JOIN org o ON o.id = a.org_id`

func scanAccount(s scanner, a *auth.Account, extra ...any) error {
	var locked, last sql.NullTime
	err := s.Scan(append([]any{&a.ID, &a.CommitteeID, &a.OrgID, &a.OrgName, &a.OrgPath, &a.Username, &a.DisplayName,
		&a.Role, &a.MemberID, &a.Disabled, &a.MustChangePassword, &a.PasswordChangedAt, &locked, &last,
		&a.CreatedAt, &a.UpdatedAt, &a.PasswordHash, &a.UnitID}, extra...)...)
	a.LockedUntil, a.LastLoginAt = locked.Time, last.Time
	return err
}

// scopeAccounts limits account queries to accounts bound inside the actor's
// subtree; deployment-wide accounts (org NULL) only to a deployment-wide actor.
const scopeAccounts = ` (o.path LIKE $1 || '%' OR ($1 = '/' AND a.org_id IS NULL))`

// FindAccountByID returns an account in the actor's subtree.
func (db *DB) FindAccountByID(ctx context.Context, actor app.Actor, id int64) (auth.Account, error) {
	return findAccount(ctx, db.read, actor, id)
}

func findAccount(ctx context.Context, q querier, actor app.Actor, id int64) (auth.Account, error) {
	var a auth.Account
	err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+accountFrom+` WHERE a.id = $2 AND`+scopeAccounts,
		actor.Path, id), &a)
	if err != nil {
		return a, notFound(err, "账号", "find account")
	}
	return a, nil
}

// PasswordPolicy is the policy new passwords must meet and the age at which
// they expire: the security settings saved in the app, else DB.Passwords,
// else the default.
func (db *DB) PasswordPolicy(ctx context.Context) (auth.PasswordPolicy, error) {
	pw, _, _, err := db.policies(ctx, db.read)
	return pw, err
}

// CreateAccount adds an account bound to an organisation in the actor's subtree.
// The password is hashed with argon2id using db.Argon2.
func (db *DB) CreateAccount(ctx context.Context, actor app.Actor, in auth.AccountInput) (auth.Account, error) {
	policy, err := db.PasswordPolicy(ctx)
	if err != nil {
		return auth.Account{}, err
	}
	errs := in.Validate(&policy)
	if len(errs) > 0 {
		return auth.Account{}, errs.Err()
	}
	if !auth.Role(actor.Role).CanAssign(in.Role) {
		return auth.Account{}, app.Errorf(app.EFORBIDDEN, "无权创建%s账号", in.Role.Label())
	}
	hash, err := auth.HashPassword(in.Password, db.argon2())
	if err != nil {
		return auth.Account{}, app.Internal(err, "create account")
	}
	var created auth.Account
	err = db.InTx(ctx, func(tx *Tx) error {
		committee, path, err := tx.accountBinding(ctx, actor, &in)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO account (committee_id, org_id, username, display_name, password_hash,
			role, member_id, disabled, must_change_password, password_changed_at, created_at, updated_at, unit_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $9, $9, $10) RETURNING id`,
			committee, nullInt(in.OrgID), in.Username, in.DisplayName, hash, string(in.Role), nullInt(in.MemberID),
			in.Disabled, tx.Now, nullInt(in.UnitID)).Scan(&id)
		if err != nil {
			if isUniqueViolation(err) {
				var errs app.FieldErrors
				errs.Add("username", "用户名已被使用")
				return errs.Err()
			}
			return app.Internal(err, "insert account")
		}
		if created, err = findAccount(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "account", EntityID: id, Committee: committee,
			OrgPath: path, Summary: "新建账号 " + in.Username + "（" + in.Role.Label() + "）", After: created})
	})
	return created, err
}

// accountBinding checks the organisation (and member) an account is bound to
// lie in the actor's subtree and returns the committee and path to record.
func (tx *Tx) accountBinding(ctx context.Context, actor app.Actor, in *auth.AccountInput) (int64, string, error) {
	if in.OrgID == 0 {
		if actor.Path != "/" {
			var errs app.FieldErrors
			errs.Add("org_id", "请选择所属组织")
			return 0, "", errs.Err()
		}
		return 0, "/", nil
	}
	o, err := findOrg(ctx, tx, actor, in.OrgID)
	if err != nil {
		var errs app.FieldErrors
		errs.Add("org_id", "所属组织不存在")
		return 0, "", errs.Err()
	}
	if in.MemberID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM member m JOIN org o ON o.id = m.committee_id
			WHERE m.id = $1 AND o.path LIKE $2 || '%'`, in.MemberID, actor.Path).Scan(&n); err != nil {
			return 0, "", app.Internal(err, "account member")
		}
		if n == 0 {
			var errs app.FieldErrors
			errs.Add("member_id", "关联的委员不存在")
			return 0, "", errs.Err()
		}
	}
	if in.UnitID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM handling_unit WHERE id = $1 AND committee_id = $2
			AND NOT archived`, in.UnitID, o.CommitteeID).Scan(&n); err != nil {
			return 0, "", app.Internal(err, "account unit")
		}
		if n == 0 {
			var errs app.FieldErrors
			errs.Add("unit_id", "承办单位不存在，或不是该账号所属政协的承办单位")
			return 0, "", errs.Err()
		}
	}
	return o.CommitteeID, o.Path, nil
}

func (db *DB) argon2() auth.Argon2Params {
	if db.Argon2.Memory == 0 {
		return auth.DefaultArgon2
	}
	return db.Argon2
}

// ErrBadCredentials is what a failed login returns, whatever the reason, so
// that a caller cannot tell unknown users from wrong passwords.
var ErrBadCredentials = &app.Error{Code: app.EUNAUTHORIZED, Message: "用户名或密码不正确"}

// Login checks a username and password under the throttling rule and, on
// success, opens a session and returns its cookie token. Failures are recorded
// per username and per IP; too many lock the account for a while.
func (db *DB) Login(ctx context.Context, username, password, ip, userAgent string) (auth.Account, string, error) {
	now := db.Now().UTC()
	passwords, th, sessions, err := db.policies(ctx, db.read)
	if err != nil {
		return auth.Account{}, "", err
	}
	userKey, ipKey := "u:"+username, "ip:"+ip
	since := th.Since(now)
	var userFails, ipFails, lockFails int
	if err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM login_failure WHERE key = $1 AND at > $3),
		(SELECT COUNT(*) FROM login_failure WHERE key = $2 AND at > $3),
		(SELECT COUNT(*) FROM login_failure WHERE key = $1 AND at > $4)`,
		userKey, ipKey, since, th.LockSince(now)).Scan(&userFails, &ipFails, &lockFails); err != nil {
		return auth.Account{}, "", app.Internal(err, "login: count failures")
	}
	if th.Blocked(ipFails, th.MaxPerIP) || th.Blocked(userFails, th.MaxFailures) {
		return auth.Account{}, "", app.Errorf(app.ETHROTTLED, "登录失败次数过多，请%d分钟后再试", int(th.Window/time.Minute))
	}
	var a auth.Account
	err = scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+accountFrom+` WHERE a.username = $1`, username), &a)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return a, "", app.Internal(err, "login: find account")
	}
	ok := false
	if found {
		ok, err = auth.CheckPassword(a.PasswordHash, password)
		if err != nil {
			return a, "", app.Internal(err, "login: check password")
		}
	} else {
		// Spend the same time on unknown users as on known ones.
		auth.CheckPassword(dummyHash(db.argon2()), password)
	}
	if found && a.LockedUntil.After(now) {
		return auth.Account{}, "", app.Errorf(app.ETHROTTLED, "账号已被临时锁定，请于%s后再试",
			a.LockedUntil.In(db.Loc).Format("15:04"))
	}
	if !ok || a.Disabled {
		err := db.InTx(ctx, func(tx *Tx) error {
			for _, k := range []string{userKey, ipKey} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO login_failure (key, at) VALUES ($1, $2)`, k, tx.Now); err != nil {
					return app.Internal(err, "login: record failure")
				}
			}
			locks := found && lockFails+1 >= th.LockAfter
			if locks {
				if _, err := tx.ExecContext(ctx, `UPDATE account SET locked_until = $2 WHERE id = $1`,
					a.ID, tx.Now.Add(th.LockFor)); err != nil {
					return app.Internal(err, "login: lock")
				}
			}
			if !found {
				return nil
			}
			if err := tx.Audit(ctx, a.Actor(ip), Change{Action: "login_failed", Entity: "account", EntityID: a.ID,
				Committee: a.CommitteeID, OrgPath: a.OrgPath, Summary: "登录失败 " + a.Username}); err != nil || !locks {
				return err
			}
			// The lockout has its own entry, for the audit review.
			return tx.Audit(ctx, a.Actor(ip), Change{Action: "lockout", Entity: "account", EntityID: a.ID,
				Committee: a.CommitteeID, OrgPath: a.OrgPath, Summary: "账号锁定 " + a.Username + "（连续登录失败）",
				After: map[string]any{"locked_until": tx.Now.Add(th.LockFor)}})
		})
		if err != nil {
			return auth.Account{}, "", err
		}
		return auth.Account{}, "", ErrBadCredentials
	}
	// A hash made with older cost parameters is replaced by one with today's.
	rehash := ""
	if auth.NeedsRehash(a.PasswordHash, db.argon2()) {
		if rehash, err = auth.HashPassword(password, db.argon2()); err != nil {
			return a, "", app.Internal(err, "login: rehash password")
		}
	}
	token := auth.NewToken()
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.createSession(ctx, a, token, ip, userAgent, sessions); err != nil {
			return err
		}
		if rehash != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE account SET password_hash = $2 WHERE id = $1`, a.ID, rehash); err != nil {
				return app.Internal(err, "login: rehash password")
			}
		}
		// A password older than the policy allows must be changed before
		// the account goes on (the same gate as a reset password's).
		if passwords.Expired(a.PasswordChangedAt, tx.Now) {
			a.MustChangePassword = true
		}
		if _, err := tx.ExecContext(ctx, `UPDATE account SET last_login_at = $2, locked_until = NULL,
			must_change_password = $3 WHERE id = $1`, a.ID, tx.Now, a.MustChangePassword); err != nil {
			return app.Internal(err, "login: last login")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failure WHERE key = $1`, userKey); err != nil {
			return app.Internal(err, "login: clear failures")
		}
		return tx.Audit(ctx, a.Actor(ip), Change{Action: "login", Entity: "account", EntityID: a.ID,
			Committee: a.CommitteeID, OrgPath: a.OrgPath, Summary: "登录 " + a.Username})
	})
	return a, token, err
}

// dummyHashes holds one throwaway hash per cost setting, so a login for an
// unknown user spends the same time as one for a known user. Logins run
// concurrently: the map is shared, hence sync.Map.
var dummyHashes sync.Map // auth.Argon2Params → string

func dummyHash(p auth.Argon2Params) string {
	if h, ok := dummyHashes.Load(p); ok {
		return h.(string)
	}
	h, _ := auth.HashPassword("dummy-password", p)
	v, _ := dummyHashes.LoadOrStore(p, h)
	return v.(string)
}

func (tx *Tx) createSession(ctx context.Context, a auth.Account, token, ip, userAgent string, p auth.SessionPolicy) error {
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO session (id, committee_id, account_id, csrf_token, created_at, expires_at,
		last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8)`,
		auth.TokenHash(token), a.CommitteeID, a.ID, auth.NewToken(), tx.Now, tx.Now.Add(p.Absolute), ip, userAgent)
	return app.Internal(err, "create session")
}

// FindSession returns the live session for a cookie token and its account. An
// expired, idle or unknown session, or a disabled account, is EUNAUTHORIZED.
// The last-seen time is refreshed at most once a minute.
func (db *DB) FindSession(ctx context.Context, token string) (auth.Session, auth.Account, error) {
	var s auth.Session
	var a auth.Account
	// The session limits saved in the security settings come with the
	// session, in the same query: a change applies to every node's next
	// request without another round trip on this, the busiest path.
	var idle, absolute sql.NullInt64
	err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+`, s.id, s.csrf_token, s.created_at,
		s.expires_at, s.last_seen_at, s.ip, ss.session_idle_minutes, ss.session_absolute_hours `+accountFrom+`
		JOIN session s ON s.account_id = a.id LEFT JOIN security_setting ss ON ss.id = 1 WHERE s.id = $1`,
		auth.TokenHash(token)), &a, &s.ID, &s.CSRFToken, &s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt, &s.IP, &idle, &absolute)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return s, a, app.Errorf(app.EUNAUTHORIZED, "请先登录")
		}
		return s, a, app.Internal(err, "find session")
	}
	s.AccountID = a.ID
	now := db.Now()
	_, _, policy := db.startupPolicy()
	if idle.Valid {
		policy.Idle = time.Duration(idle.Int64) * time.Minute
	}
	if absolute.Valid {
		// A shortened lifetime ends sessions opened before the change too.
		policy.Absolute = time.Duration(absolute.Int64) * time.Hour
		if end := s.CreatedAt.Add(policy.Absolute); end.Before(s.ExpiresAt) {
			s.ExpiresAt = end
		}
	}
	if !policy.Valid(s, now) || a.Disabled {
		return s, a, app.Errorf(app.EUNAUTHORIZED, "登录已过期，请重新登录")
	}
	// last_seen_at is kept to within sessionTouch: precise enough for an
	// idle limit of hours, and a hall of members voting within minutes of
	// signing in does not queue a session write before every ballot.
	if now.Sub(s.LastSeenAt) > sessionTouch {
		if _, err := db.write.ExecContext(ctx, `UPDATE session SET last_seen_at = $2 WHERE id = $1`, s.ID, now.UTC()); err != nil {
			return s, a, app.Internal(err, "touch session")
		}
	}
	return s, a, nil
}

// sessionTouch is how stale a session's last_seen_at may get before a
// request refreshes it.
const sessionTouch = 5 * time.Minute

// Logout ends the session of a cookie token.
func (db *DB) Logout(ctx context.Context, actor app.Actor, token string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM session WHERE id = $1`, auth.TokenHash(token))
		if err != nil {
			return app.Internal(err, "logout")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.Audit(ctx, actor, Change{Action: "logout", Entity: "account", EntityID: actor.AccountID,
			Committee: actor.CommitteeID, OrgPath: actor.Path, Summary: "退出登录"})
	})
}

// DeleteExpiredSessions removes sessions past their absolute expiry and old
// login failures; run periodically.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	now := db.Now().UTC()
	res, err := db.write.ExecContext(ctx, `DELETE FROM session WHERE expires_at < $1`, now)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failure WHERE at < $1`, now.Add(-24*time.Hour)); err != nil {
		return 0, fmt.Errorf("delete old login failures: %w", err)
	}
	return res.RowsAffected()
}

// ResetPasswordByUsername sets a new password (the account must change it at
// next sign-in), unlocks the account and ends its sessions. For the command
// line; the web uses ResetPassword with scoping.
func (db *DB) ResetPasswordByUsername(ctx context.Context, actor app.Actor, username, password string) (auth.Account, error) {
	var a auth.Account
	if err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+accountFrom+` WHERE a.username = $1`, username), &a); err != nil {
		return a, notFound(err, "账号", "reset password")
	}
	return a, db.ResetPassword(ctx, actor, a.ID, password)
}

// ResetPassword sets a new password chosen by an administrator for an account
// in the actor's subtree; the owner must change it at next sign-in. Sessions
// of the account end.
func (db *DB) ResetPassword(ctx context.Context, actor app.Actor, id int64, password string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		a, err := findAccount(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !auth.Role(actor.Role).CanAssign(a.Role) {
			return app.Errorf(app.EFORBIDDEN, "无权重置%s账号的密码", a.Role.Label())
		}
		policy, _, _, err := db.policies(ctx, tx)
		if err != nil {
			return err
		}
		if msg := policy.Check(password, a.Username); msg != "" {
			var errs app.FieldErrors
			errs.Add("password", msg)
			return errs.Err()
		}
		hash, err := auth.HashPassword(password, db.argon2())
		if err != nil {
			return app.Internal(err, "reset password")
		}
		if err := tx.revokeAPITokens(ctx, a.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE account SET password_hash = $2, must_change_password = TRUE,
			password_changed_at = $3, locked_until = NULL, updated_at = $3 WHERE id = $1`, id, hash, tx.Now); err != nil {
			return app.Internal(err, "reset password")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM session WHERE account_id = $1`, id); err != nil {
			return app.Internal(err, "reset password: sessions")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failure WHERE key = $1`, "u:"+a.Username); err != nil {
			return app.Internal(err, "reset password: failures")
		}
		return tx.Audit(ctx, actor, Change{Action: "reset_password", Entity: "account", EntityID: id,
			Committee: a.CommitteeID, OrgPath: a.OrgPath, Summary: "重置密码 " + a.Username})
	})
}

// ClearMustChangePassword lets an account keep its current password; for the
// demo world and test fixtures, whose passwords are printed on purpose.
func (db *DB) ClearMustChangePassword(ctx context.Context, id int64) error {
	_, err := db.write.ExecContext(ctx, `UPDATE account SET must_change_password = FALSE WHERE id = $1`, id)
	return app.Internal(err, "clear must-change-password")
}
