package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/auth"
)

// AccountFilter narrows FindAccounts. Sort names a column from
// accountSorts; anything else sorts by organisation, then username.
type AccountFilter struct {
	OrgID    int64     // accounts bound to this organisation or below it
	Role     auth.Role // one role
	Name     string    // substring of the username or the display name
	Username string    // exactly this username
	Disabled *bool     // only disabled (true) or only enabled (false) accounts
	Locked   bool      // only accounts locked at the moment
	Offset   int
	Limit    int
	Sort     string
	Desc     bool
}

// accountSorts maps the sort keys a list may ask for to fixed SQL; a user's
// sort string is never put into a query.
var accountSorts = map[string][]string{
	"username":   {"a.username"},
	"name":       {"a.display_name", "a.username"},
	"role":       {"a.role", "a.username"},
	"org":        {"COALESCE(o.path, '')", "a.username"},
	"last_login": {"a.last_login_at IS NULL", "a.last_login_at", "a.username"},
	"created":    {"a.created_at", "a.id"},
}

// AccountSortKeys lists the accepted sort keys, for the web and API layers.
func AccountSortKeys() []string {
	return []string{"username", "name", "role", "org", "last_login", "created"}
}

// FindAccounts lists accounts in the actor's subtree with the total for paging.
func (db *DB) FindAccounts(ctx context.Context, actor app.Actor, f AccountFilter) ([]auth.Account, int, error) {
	q := `SELECT ` + accountColumns + `, COUNT(*) OVER()` + accountFrom + ` WHERE` + scopeAccounts
	args := []any{actor.Path}
	add := func(cond string, v any) {
		args = append(args, v)
		q += " AND " + strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args)))
	}
	if f.OrgID != 0 {
		add(`o.path LIKE (SELECT path FROM org WHERE id = $?) || '%'`, f.OrgID)
	}
	if f.Role != "" {
		add(`a.role = $?`, string(f.Role))
	}
	if name := strings.TrimSpace(f.Name); name != "" {
		add(`(a.username LIKE '%' || $? || '%' ESCAPE '\' OR LOWER(a.display_name) LIKE '%' || $? || '%' ESCAPE '\')`,
			likeEscape(strings.ToLower(name)))
	}
	if f.Username != "" {
		add(`a.username = $?`, strings.ToLower(strings.TrimSpace(f.Username)))
	}
	if f.Disabled != nil {
		add(`a.disabled = $?`, *f.Disabled)
	}
	if f.Locked {
		add(`a.locked_until > $?`, db.Now().UTC())
	}
	cols, ok := accountSorts[f.Sort]
	if !ok {
		cols = []string{"COALESCE(o.path, '')", "a.username"}
	}
	order := make([]string, 0, len(cols)+1)
	for _, c := range cols {
		if f.Desc {
			c += " DESC"
		}
		order = append(order, c)
	}
	order = append(order, "a.id")
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	args = append(args, f.Limit, f.Offset)
	q += fmt.Sprintf(" ORDER BY %s LIMIT $%d OFFSET $%d", strings.Join(order, ", "), len(args)-1, len(args))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find accounts")
	}
	defer rows.Close()
	var out []auth.Account
	total := 0
	for rows.Next() {
		var a auth.Account
		if err := scanAccount(rows, &a, &total); err != nil {
			return nil, 0, app.Internal(err, "scan account")
		}
		out = append(out, a)
	}
	return out, total, app.Internal(rows.Err(), "find accounts")
}

// UpdateAccount changes an account's display name, role, organisation, member
// and disabled flag (the username never changes). The actor must be allowed to
// assign both the old and the new role; nobody may disable, demote or move
// their own account. Disabling an account ends its sessions.
func (db *DB) UpdateAccount(ctx context.Context, actor app.Actor, id int64, in auth.AccountInput) (auth.Account, error) {
	var after auth.Account
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := findAccount(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		in.Username, in.Password = before.Username, ""
		if err := in.Validate(nil).Err(); err != nil {
			return err
		}
		r := auth.Role(actor.Role)
		if !r.CanAssign(before.Role) {
			return app.Errorf(app.EFORBIDDEN, "无权修改%s账号", before.Role.Label())
		}
		if !r.CanAssign(in.Role) {
			var errs app.FieldErrors
			errs.Add("role", "无权设置为"+in.Role.Label())
			return errs.Err()
		}
		if id == actor.AccountID {
			var errs app.FieldErrors
			if in.Disabled {
				errs.Add("disabled", "不能停用本人的账号")
			}
			if in.Role != before.Role {
				errs.Add("role", "不能修改本人账号的角色")
			}
			if in.OrgID != before.OrgID {
				errs.Add("org_id", "不能修改本人账号的所属组织")
			}
			if err := errs.Err(); err != nil {
				return err
			}
		}
		committee, path, err := tx.accountBinding(ctx, actor, &in)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE account SET committee_id = $2, org_id = $3, display_name = $4, role = $5,
			member_id = $6, disabled = $7, updated_at = $8, unit_id = $9 WHERE id = $1`,
			id, committee, nullInt(in.OrgID), in.DisplayName, string(in.Role), nullInt(in.MemberID), in.Disabled, tx.Now,
			nullInt(in.UnitID)); err != nil {
			return app.Internal(err, "update account")
		}
		if in.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM session WHERE account_id = $1`, id); err != nil {
				return app.Internal(err, "update account: end sessions")
			}
		}
		if after, err = findAccount(ctx, tx, app.System, id); err != nil {
			return err
		}
		summary := "修改账号 " + before.Username
		switch {
		case in.Disabled && !before.Disabled:
			summary = "停用账号 " + before.Username
		case !in.Disabled && before.Disabled:
			summary = "启用账号 " + before.Username
		}
		// The log is scoped by path: record the change under the new binding,
		// and under the old one too when the account left a subtree.
		if err := tx.Audit(ctx, actor, Change{Action: "update", Entity: "account", EntityID: id, Committee: committee,
			OrgPath: path, Summary: summary, Before: before, After: after}); err != nil {
			return err
		}
		if !strings.HasPrefix(path, before.OrgPath) && before.OrgPath != "" {
			to := after.OrgName
			if after.OrgID == 0 {
				to = "全平台"
			}
			return tx.Audit(ctx, actor, Change{Action: "move", Entity: "account", EntityID: id, Committee: before.CommitteeID,
				OrgPath: before.OrgPath, Summary: "账号 " + before.Username + " 调出至 " + to, Before: before, After: after})
		}
		return nil
	})
	return after, err
}

// mayManage refuses changes to an account whose role the actor may not
// assign (an office and an administrator's account), except to its own.
func mayManage(actor app.Actor, a auth.Account) error {
	if a.ID != actor.AccountID && !auth.Role(actor.Role).CanAssign(a.Role) {
		return app.Errorf(app.EFORBIDDEN, "无权管理%s账号", a.Role.Label())
	}
	return nil
}

// UnlockAccount lifts a lockout after failed sign-ins and forgets the
// account's recent failures.
func (db *DB) UnlockAccount(ctx context.Context, actor app.Actor, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		a, err := findAccount(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !auth.Role(actor.Role).CanUnlock(a.Role) {
			return app.Errorf(app.EFORBIDDEN, "无权解锁%s账号", a.Role.Label())
		}
		if _, err := tx.ExecContext(ctx, `UPDATE account SET locked_until = NULL, updated_at = $2 WHERE id = $1`, id, tx.Now); err != nil {
			return app.Internal(err, "unlock account")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failure WHERE key = $1`, "u:"+a.Username); err != nil {
			return app.Internal(err, "unlock account: failures")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "account", EntityID: id, Committee: a.CommitteeID,
			OrgPath: a.OrgPath, Summary: "解锁账号 " + a.Username})
	})
}

// ChangePassword sets a new password for the actor's own account after
// checking the current one. It clears the must-change flag and ends every
// other session of the account: keepToken is the cookie token of the session
// that stays signed in ("" ends them all). A wrong current password counts as
// a failed sign-in for throttling, so a stolen session cannot guess it.
func (db *DB) ChangePassword(ctx context.Context, actor app.Actor, keepToken, current, next string) error {
	if actor.AccountID == 0 {
		return app.Errorf(app.EUNAUTHORIZED, "请先登录")
	}
	a, err := findAccount(ctx, db.read, app.System, actor.AccountID)
	if err != nil {
		return err
	}
	policy, th, _, err := db.policies(ctx, db.read)
	if err != nil {
		return err
	}
	userKey := "u:" + a.Username
	var fails int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failure WHERE key = $1 AND at > $2`,
		userKey, th.Since(db.Now().UTC())).Scan(&fails); err != nil {
		return app.Internal(err, "change password: count failures")
	}
	if th.Blocked(fails, th.MaxFailures) {
		return app.Errorf(app.ETHROTTLED, "密码错误次数过多，请%d分钟后再试", int(th.Window.Minutes()))
	}
	var errs app.FieldErrors
	ok := false
	if current == "" {
		errs.Add("current_password", "请输入当前密码")
	} else if ok, err = auth.CheckPassword(a.PasswordHash, current); err != nil {
		return app.Internal(err, "change password: check")
	} else if !ok {
		errs.Add("current_password", "当前密码不正确")
		err := db.InTx(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO login_failure (key, at) VALUES ($1, $2)`, userKey, tx.Now)
			return app.Internal(err, "change password: record failure")
		})
		if err != nil {
			return err
		}
	}
	if msg := policy.Check(next, a.Username); msg != "" {
		errs.Add("new_password", msg)
	} else if ok && next == current {
		errs.Add("new_password", "新密码不能与当前密码相同")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	hash, err := auth.HashPassword(next, db.argon2())
	if err != nil {
		return app.Internal(err, "change password: hash")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		// Only if nobody changed the password since it was checked.
		res, err := tx.ExecContext(ctx, `UPDATE account SET password_hash = $2, must_change_password = FALSE,
			password_changed_at = $3, updated_at = $3 WHERE id = $1 AND password_hash = $4`, a.ID, hash, tx.Now, a.PasswordHash)
		if err != nil {
			return app.Internal(err, "change password")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ECONFLICT, "密码刚被修改过，请重新登录后再试")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM session WHERE account_id = $1 AND id <> $2`,
			a.ID, auth.TokenHash(keepToken)); err != nil {
			return app.Internal(err, "change password: end other sessions")
		}
		if err := tx.revokeAPITokens(ctx, a.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failure WHERE key = $1`, userKey); err != nil {
			return app.Internal(err, "change password: failures")
		}
		return tx.Audit(ctx, actor, Change{Action: "password", Entity: "account", EntityID: a.ID,
			Committee: a.CommitteeID, OrgPath: a.OrgPath, Summary: "修改密码 " + a.Username})
	})
}

// FindSessions lists the live sessions of an account in the actor's subtree,
// most recently used first. The CSRF token is not read.
func (db *DB) FindSessions(ctx context.Context, actor app.Actor, accountID int64) ([]auth.Session, error) {
	if _, err := findAccount(ctx, db.read, actor, accountID); err != nil {
		return nil, err
	}
	_, _, policy, err := db.policies(ctx, db.read)
	if err != nil {
		return nil, err
	}
	now := db.Now().UTC()
	rows, err := db.read.QueryContext(ctx, `SELECT id, account_id, created_at, expires_at, last_seen_at, ip, user_agent
		FROM session WHERE account_id = $1 AND expires_at > $2 AND last_seen_at > $3 AND created_at > $4
		ORDER BY last_seen_at DESC, created_at DESC`, accountID, now, now.Add(-policy.Idle), now.Add(-policy.Absolute))
	if err != nil {
		return nil, app.Internal(err, "find sessions")
	}
	defer rows.Close()
	var out []auth.Session
	for rows.Next() {
		var s auth.Session
		if err := rows.Scan(&s.ID, &s.AccountID, &s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt, &s.IP, &s.UserAgent); err != nil {
			return nil, app.Internal(err, "scan session")
		}
		out = append(out, s)
	}
	return out, app.Internal(rows.Err(), "find sessions")
}

// RevokeSessions signs an account in the actor's subtree out everywhere and
// returns how many sessions ended.
func (db *DB) RevokeSessions(ctx context.Context, actor app.Actor, accountID int64) (int64, error) {
	var n int64
	err := db.InTx(ctx, func(tx *Tx) error {
		a, err := findAccount(ctx, tx, actor, accountID)
		if err != nil {
			return err
		}
		if err := mayManage(actor, a); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM session WHERE account_id = $1`, accountID)
		if err != nil {
			return app.Internal(err, "revoke sessions")
		}
		n, _ = res.RowsAffected()
		return tx.Audit(ctx, actor, Change{Action: "logout", Entity: "account", EntityID: accountID,
			Committee: a.CommitteeID, OrgPath: a.OrgPath, Summary: fmt.Sprintf("强制退出账号 %s 的全部会话（%d个）", a.Username, n)})
	})
	return n, err
}

const apiTokenColumns = `t.id, t.account_id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at`

func scanAPIToken(s scanner, t *auth.APIToken, extra ...any) error {
	var exp, used, revoked sql.NullTime
	err := s.Scan(append([]any{&t.ID, &t.AccountID, &t.Name, &t.Prefix, &t.CreatedAt, &exp, &used, &revoked}, extra...)...)
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = exp.Time, used.Time, revoked.Time
	return err
}

// ListAPITokens lists the actor's own API tokens, newest first (revoked ones
// too, so the owner sees what was revoked and when).
func (db *DB) ListAPITokens(ctx context.Context, actor app.Actor) ([]auth.APIToken, error) {
	return db.apiTokensOf(ctx, actor.AccountID)
}

// FindAccountAPITokens lists the API tokens of an account in the actor's subtree.
func (db *DB) FindAccountAPITokens(ctx context.Context, actor app.Actor, accountID int64) ([]auth.APIToken, error) {
	if _, err := findAccount(ctx, db.read, actor, accountID); err != nil {
		return nil, err
	}
	return db.apiTokensOf(ctx, accountID)
}

func (db *DB) apiTokensOf(ctx context.Context, accountID int64) ([]auth.APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+apiTokenColumns+` FROM api_token t WHERE t.account_id = $1
		ORDER BY t.created_at DESC, t.id DESC LIMIT 200`, accountID)
	if err != nil {
		return nil, app.Internal(err, "list api tokens")
	}
	defer rows.Close()
	var out []auth.APIToken
	for rows.Next() {
		var t auth.APIToken
		if err := scanAPIToken(rows, &t); err != nil {
			return nil, app.Internal(err, "scan api token")
		}
		out = append(out, t)
	}
	return out, app.Internal(rows.Err(), "list api tokens")
}

// RevokeAPIToken revokes one of the actor's own tokens, or, for an actor who
// manages accounts, any token of an account in its subtree. Revoking a token
// that is already revoked changes nothing.
func (db *DB) RevokeAPIToken(ctx context.Context, actor app.Actor, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		q := `SELECT ` + apiTokenColumns + `, a.username, a.committee_id, COALESCE(o.path, '/')
			FROM api_token t JOIN account a ON a.id = t.account_id LEFT JOIN org o ON o.id = a.org_id
			WHERE t.id = $2 AND (t.account_id = $3`
		args := []any{actor.Path, id, actor.AccountID}
		if auth.Role(actor.Role).Can(auth.AccountManage) {
			q += ` OR` + scopeAccounts + `)`
		} else {
			q += ` AND $1 <> '')` // $1 unused otherwise; PostgreSQL needs every parameter typed
		}
		var t auth.APIToken
		var username, path string
		var committee int64
		if err := scanAPIToken(tx.QueryRowContext(ctx, q, args...),
			&t, &username, &committee, &path); err != nil {
			return notFound(err, "API令牌", "revoke api token")
		}
		res, err := tx.ExecContext(ctx, `UPDATE api_token SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, tx.Now)
		if err != nil {
			return app.Internal(err, "revoke api token")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already revoked
		}
		after := t
		after.RevokedAt = tx.Now
		return tx.Audit(ctx, actor, Change{Action: "token", Entity: "api_token", EntityID: id, Committee: committee,
			OrgPath: path, Summary: "吊销API令牌 " + t.Name + "（" + username + "）", Before: t, After: after})
	})
}
