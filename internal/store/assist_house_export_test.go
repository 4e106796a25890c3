package store

import (
	"context"
	"fmt"
	"strings"
)

// ExecForTest runs a statement on the write pool (fixtures of tables
// another area keeps).
func (db *DB) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := db.write.ExecContext(ctx, q, args...)
	return err
}

// LastIDForTest is the largest id of a table.
func (db *DB) LastIDForTest(ctx context.Context, table string) int64 {
	var id int64
	db.write.QueryRowContext(ctx, `SELECT MAX(id) FROM `+table).Scan(&id)
	return id
}

// HouseholdMonthsForTest writes a household's month rows as
// "month:visits:aided:fen" and checks them against the visits themselves.
func (db *DB) HouseholdMonthsForTest(ctx context.Context, householdID int64) string {
	rows, err := db.write.QueryContext(ctx, `SELECT m.month, m.visits, m.aided, m.aid_fen,
		(SELECT COUNT(*) FROM assist_visit v WHERE v.household_id = m.household_id AND SUBSTR(v.visited_on, 1, 7) = m.month),
		(SELECT COUNT(*) FROM assist_visit v WHERE v.household_id = m.household_id AND SUBSTR(v.visited_on, 1, 7) = m.month AND v.aid_fen > 0),
		(SELECT COALESCE(SUM(a.value_fen), 0) FROM assist_visit v JOIN assist_aid a ON a.visit_id = v.id
			WHERE v.household_id = m.household_id AND SUBSTR(v.visited_on, 1, 7) = m.month)
		FROM household_month m WHERE m.household_id = $1 ORDER BY m.month`, householdID)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var month string
		var visits, aided, cv, ca int
		var fen, cf int64
		if err := rows.Scan(&month, &visits, &aided, &fen, &cv, &ca, &cf); err != nil {
			return err.Error()
		}
		if visits != cv || aided != ca || fen != cf {
			return fmt.Sprintf("%s: rollup %d/%d/%d, visits say %d/%d/%d", month, visits, aided, fen, cv, ca, cf)
		}
		out = append(out, fmt.Sprintf("%s:%d:%d:%d", month, visits, aided, fen))
	}
	return strings.Join(out, " ")
}
