package store

import "context"

// DutyTallyRows reads the tally, or (countEvents) the same counted from
// duty_event: the tally's upkeep test compares the two.
func (db *DB) DutyTallyRows(ctx context.Context, countEvents bool) ([]DutyTallyRow, error) {
	return dutyTallyRows(ctx, db.read, countEvents)
}
