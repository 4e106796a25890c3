package store

import (
	"context"

	"xieshang/internal/app"
)

// What a handling unit's list of proposals needs besides FindUnitProposals.

// FindUnitReturnReasons returns, by assignment id, the office's reason on
// the latest reply of each of the actor's unit's assignments returned for
// rework (答复退回重办), so the unit's list can say why without reading
// every proposal's work.
func (db *DB) FindUnitReturnReasons(ctx context.Context, actor app.Actor) (map[int64]string, error) {
	if !isUnitAccount(actor) {
		return nil, app.Errorf(app.EFORBIDDEN, "只有承办单位的账号可以查看交办的提案")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, r.verdict_reason FROM proposal_assignment a
		JOIN proposal_reply r ON r.assignment_id = a.id
		WHERE a.unit_id = $1 AND a.withdrawn = FALSE AND a.status = 'returned'
		AND r.id = (SELECT MAX(x.id) FROM proposal_reply x WHERE x.assignment_id = a.id)`, actor.UnitID)
	if err != nil {
		return nil, app.Internal(err, "unit return reasons")
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var reason string
		if err := rows.Scan(&id, &reason); err != nil {
			return nil, app.Internal(err, "unit return reasons")
		}
		out[id] = reason
	}
	return out, app.Internal(rows.Err(), "unit return reasons")
}
