package store

import (
	"context"

	"xieshang/internal/app"
	"xieshang/internal/duty"
)

// The kinds of 履职活动 (activity_kind): a committee's own list, or
// duty.DefaultActivityKinds while it has none. Scoring rules name activity
// events as duty.ActivityPrefix + a kind's code.

// activityKinds lists a committee's activity kinds (archived ones too, so
// old events keep their label), in order.
func activityKinds(ctx context.Context, q querier, committeeID int64) ([]duty.ActivityKind, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, label FROM activity_kind WHERE committee_id = $1 ORDER BY sort, code`, committeeID)
	if err != nil {
		return nil, app.Internal(err, "activity kinds")
	}
	defer rows.Close()
	var out []duty.ActivityKind
	for rows.Next() {
		var k duty.ActivityKind
		if err := rows.Scan(&k.Code, &k.Label); err != nil {
			return nil, app.Internal(err, "activity kinds")
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "activity kinds")
	}
	if len(out) == 0 {
		out = append(out, duty.DefaultActivityKinds...)
	}
	return out, nil
}

// activityLabels is activityKinds as code → label, what duty.KindOf and
// duty.Rules.Validate take.
func activityLabels(ctx context.Context, q querier, committeeID int64) (map[string]string, error) {
	ks, err := activityKinds(ctx, q, committeeID)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(ks))
	for _, k := range ks {
		m[k.Code] = k.Label
	}
	return m, nil
}

// FindActivityKinds lists the activity kinds of a committee the actor sees
// (its own when committeeID is 0).
func (db *DB) FindActivityKinds(ctx context.Context, actor app.Actor, committeeID int64) ([]duty.ActivityKind, error) {
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if err := db.seesCommittee(ctx, actor, committeeID); err != nil {
		return nil, err
	}
	return activityKinds(ctx, db.read, committeeID)
}
