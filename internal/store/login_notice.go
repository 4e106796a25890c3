package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"xieshang/internal/app"
)

// LoginNotice is what an account is told after signing in (等保 level 3: the
// user learns of a sign-in that was not theirs): the sign-in before this
// session's, with its address, and the failed attempts on the account since.
type LoginNotice struct {
	PrevAt      time.Time // zero: this is the account's first sign-in
	PrevIP      string
	FailedSince int // failed sign-ins between the previous sign-in and this session's
}

// FindLoginNotice reads the account's sign-ins and failures from the audit
// log (each is an entry with the address it came from): the newest sign-in
// before since (the current session's start) and the failures after it.
func (db *DB) FindLoginNotice(ctx context.Context, accountID int64, since time.Time) (LoginNotice, error) {
	// The session and its sign-in's entry were written at one moment; the
	// entry keeps microseconds, so the sign-in that opened this session is
	// not "before" it.
	since = since.UTC().Truncate(time.Microsecond)
	var n LoginNotice
	err := db.read.QueryRowContext(ctx, `SELECT at, ip FROM audit_log
		WHERE entity = 'account' AND entity_id = $1 AND action = 'login' AND at < $2
		ORDER BY at DESC LIMIT 1`, accountID, since).Scan(&n.PrevAt, &n.PrevIP)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return n, app.Internal(err, "login notice: previous sign-in")
	}
	q, args := `SELECT COUNT(*) FROM audit_log
		WHERE entity = 'account' AND entity_id = $1 AND action = 'login_failed' AND at < $2`, []any{accountID, since}
	if !n.PrevAt.IsZero() {
		q, args = q+` AND at > $3`, append(args, n.PrevAt)
	}
	if err := db.read.QueryRowContext(ctx, q, args...).Scan(&n.FailedSince); err != nil {
		return n, app.Internal(err, "login notice: failures")
	}
	return n, nil
}
