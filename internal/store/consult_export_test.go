package store

import (
	"context"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/consult"
)

// ConsultTestExec runs a raw statement on the write connection, for tests
// that set up rows whose own store functions are not under test.
func (db *DB) ConsultTestExec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// Every requirement code a graph may name has a check, and every check is
// offered to graphs.
func TestTopicRequirementsHaveChecks(t *testing.T) {
	for code := range consult.Requirements {
		if topicRequirements[code] == nil {
			t.Errorf("requirement %q has no check", code)
		}
	}
	for code := range topicRequirements {
		if consult.Requirements[code] == "" {
			t.Errorf("check %q is not offered to graphs", code)
		}
	}
}

// ExactAssistFigures counts the assistance figures from the records, the
// oracle of the rollups.
func (db *DB) ExactAssistFigures(ctx context.Context, actor app.Actor, orgID int64, p AssistPeriod, who string) (AssistFigures, error) {
	return db.exactAssistFigures(ctx, actor, orgID, p, who)
}

// AssistTestVisit records a visit row and rolls it up, as the store's visit
// function does, so the rollups' incremental path can be tested before and
// apart from the pages that record visits.
func (db *DB) AssistTestVisit(ctx context.Context, committeeID, orgID, cadreID, householdID int64, day app.Date, fen int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO assist_visit (committee_id, org_id, cadre_id, household_id, visited_on,
			aid_fen, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, committeeID, orgID, cadreID, householdID, day, fen, tx.Now); err != nil {
			return err
		}
		return tx.rollupVisit(ctx, householdID, day, fen)
	})
}

// AssistTestExec runs a statement and then restocks the household, as the
// store's register and pairing functions do.
func (db *DB) AssistTestExec(ctx context.Context, householdID int64, query string, args ...any) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
		return tx.restockHousehold(ctx, householdID)
	})
}

// AssistTestProblem inserts a household problem and rolls it up.
func (db *DB) AssistTestProblem(ctx context.Context, committeeID, orgID, householdID int64, raised, solved app.Date) error {
	return db.InTx(ctx, func(tx *Tx) error {
		status, resolved, n := "open", "", 0
		if !solved.IsZero() {
			status, resolved, n = "solved", solved.String(), 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assist_problem (committee_id, org_id, household_id, category, description,
			status, raised_on, resolution, resolved_on, created_at, updated_at) VALUES ($1, $2, $3, 'living', '困难', $4, $5, '已办', $6, $7, $7)`,
			committeeID, orgID, householdID, status, raised, resolved, tx.Now); err != nil {
			return err
		}
		return tx.rollupProblem(ctx, orgID, raised, 1, solved, n)
	})
}
