package store

import (
	"context"

	"xieshang/internal/app"
)

// AssistFiguresByOrgs gives FindAssistFigures' figures summed from the
// organisations' rollups even for a committee: what the committee rollups
// must equal.
func (db *DB) AssistFiguresByOrgs(ctx context.Context, actor app.Actor, orgID int64, p AssistPeriod) (AssistFigures, error) {
	return db.assistFigures(ctx, actor, orgID, p, "", true)
}
