package store

import (
	"context"

	"xieshang/internal/app"
)

// Overview is the home page's figures for the actor's subtree.
type Overview struct {
	Committees, Townships, Villages int
	MembersServing                  int
	Accounts                        int
}

// FindOverview counts what the home page shows, in one query.
func (db *DB) FindOverview(ctx context.Context, actor app.Actor) (Overview, error) {
	var o Overview
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM org WHERE path LIKE $1 || '%' AND archived = FALSE AND kind IN ('city', 'county')),
		(SELECT COUNT(*) FROM org WHERE path LIKE $1 || '%' AND archived = FALSE AND kind = 'township'),
		(SELECT COUNT(*) FROM org WHERE path LIKE $1 || '%' AND archived = FALSE AND kind = 'village'),
		(SELECT COUNT(*) FROM member m JOIN org o ON o.id = m.committee_id
			WHERE o.path LIKE $1 || '%' AND m.status = 'serving'),
		(SELECT COUNT(*) FROM account a LEFT JOIN org o ON o.id = a.org_id WHERE`+scopeAccounts+`)`,
		actor.Path).Scan(&o.Committees, &o.Townships, &o.Villages, &o.MembersServing, &o.Accounts)
	return o, app.Internal(err, "overview")
}
