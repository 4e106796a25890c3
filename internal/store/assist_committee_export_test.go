package store

import (
	"context"
	"fmt"

	"xieshang/internal/app"
)

// AssistFiguresByOrgs gives FindAssistFigures' figures summed from the
// organisations' rollups even for a committee: what the committee rollups
// must equal.
func (db *DB) AssistFiguresByOrgs(ctx context.Context, actor app.Actor, orgID int64, p AssistPeriod) (AssistFigures, error) {
	return db.assistFigures(ctx, actor, orgID, p, "", true)
}

// AssistTestRows lists the non-zero rows of the organisations' stock
// rollups and the households' contributions, one line a row, to compare a
// rebuild with the rows kept change by change.
func (db *DB) AssistTestRows(ctx context.Context) ([]string, error) {
	var out []string
	for _, q := range []string{
		`SELECT 'stock', org_id, month, households, persons, paired, paired_persons FROM assist_org_stock
			WHERE households <> 0 OR persons <> 0 OR paired <> 0 OR paired_persons <> 0 ORDER BY org_id, month`,
		`SELECT 'category', org_id, month, category, persons, '', '' FROM assist_org_category WHERE persons <> 0
			ORDER BY org_id, month, category`,
		`SELECT 'cadre', org_id, cadre_id, month, households, '', '' FROM assist_org_cadre WHERE households <> 0
			ORDER BY org_id, cadre_id, month`,
		`SELECT 'household', household_id, org_id, stock_json, '', '', '' FROM household_rollup ORDER BY household_id`,
	} {
		rows, err := db.read.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			v := make([]string, 7)
			if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, fmt.Sprint(v))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
