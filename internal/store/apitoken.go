package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
)

// CreateAPIToken issues a named bearer token for the actor's own account and
// returns it once; only its hash is stored.
func (db *DB) CreateAPIToken(ctx context.Context, actor app.Actor, name string, ttl time.Duration) (auth.APIToken, string, error) {
	name = strings.TrimSpace(name)
	var errs app.FieldErrors
	if name == "" || utf8.RuneCountInString(name) > 40 {
		errs.Add("name", "令牌名称应为1至40个字")
	}
	if err := errs.Err(); err != nil {
		return auth.APIToken{}, "", err
	}
	token := auth.APITokenPrefix + auth.NewToken()
	var t auth.APIToken
	err := db.InTx(ctx, func(tx *Tx) error {
		var exp any
		if ttl > 0 {
			exp = tx.Now.Add(ttl)
			t.ExpiresAt = tx.Now.Add(ttl)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO api_token (committee_id, account_id, name, token_hash, prefix, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, actor.CommitteeID, actor.AccountID, name,
			auth.TokenHash(token), token[:9], tx.Now, exp).Scan(&t.ID)
		if err != nil {
			return app.Internal(err, "create api token")
		}
		t.AccountID, t.Name, t.Prefix, t.CreatedAt = actor.AccountID, name, token[:9], tx.Now
		return tx.Audit(ctx, actor, Change{Action: "token", Entity: "api_token", EntityID: t.ID, Committee: actor.CommitteeID,
			OrgPath: actor.Path, Summary: "创建API令牌 " + name, After: t})
	})
	return t, token, err
}

// FindAPIToken returns the account behind a live bearer token.
func (db *DB) FindAPIToken(ctx context.Context, token string) (auth.Account, error) {
	var a auth.Account
	var id int64
	var exp, revoked, used sql.NullTime
	err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+`, t.id, t.expires_at, t.revoked_at, t.last_used_at `+
		accountFrom+` JOIN api_token t ON t.account_id = a.id WHERE t.token_hash = $1`, auth.TokenHash(token)),
		&a, &id, &exp, &revoked, &used)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, app.Errorf(app.EUNAUTHORIZED, "API令牌无效")
		}
		return a, app.Internal(err, "find api token")
	}
	now := db.Now()
	if revoked.Valid || (exp.Valid && now.After(exp.Time)) || a.Disabled {
		return a, app.Errorf(app.EUNAUTHORIZED, "API令牌已失效")
	}
	// Record use at most once a minute, so a busy client does not write per call.
	if !used.Valid || now.Sub(used.Time) > time.Minute {
		if _, err := db.write.ExecContext(ctx, `UPDATE api_token SET last_used_at = $2 WHERE id = $1`, id, now.UTC()); err != nil {
			return a, app.Internal(err, "touch api token")
		}
	}
	return a, nil
}

// revokeAPITokens ends every live API token of an account: a password change
// or reset also cuts off tokens an intruder may have made with the old one.
func (tx *Tx) revokeAPITokens(ctx context.Context, accountID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE api_token SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL`,
		accountID, tx.Now)
	return app.Internal(err, "revoke api tokens")
}
