package store

import (
	"context"
	"testing"

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
