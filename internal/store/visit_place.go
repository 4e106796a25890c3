package store

import (
	"context"

	"xieshang/internal/app"
)

// FindVisitPlace returns the household or the enterprise a visit of the
// actor's scope was made to (the duty file links a member cadre's visit
// to the page that lists it).
func (db *DB) FindVisitPlace(ctx context.Context, actor app.Actor, id int64) (householdID, enterpriseID int64, err error) {
	cond, arg, ok := visitAccess(actor, 2)
	if !ok {
		return 0, 0, app.NotFound("走访记录")
	}
	err = db.read.QueryRowContext(ctx, `SELECT COALESCE(v.household_id, 0), COALESCE(v.enterprise_id, 0)`+visitFrom+
		` WHERE v.id = $1 AND `+cond, id, arg).Scan(&householdID, &enterpriseID)
	return householdID, enterpriseID, notFound(err, "走访记录", "find visit place")
}
