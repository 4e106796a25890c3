package store

import (
	"context"
	"testing"

	"xieshang/internal/proposal"
)

// Every requirement code a proposal graph may name has a check, and every
// check is offered to graphs.
func TestProposalRequirementsHaveChecks(t *testing.T) {
	for code := range proposal.Requirements {
		if proposalRequirements[code] == nil {
			t.Errorf("requirement %q has no check", code)
		}
	}
	for code := range proposalRequirements {
		if proposal.Requirements[code] == "" {
			t.Errorf("check %q is not offered to graphs", code)
		}
	}
}

// ConsultTestQueryRow reads one row on the read connection, for benchmarks
// that fill tables in bulk.
func (db *DB) ConsultTestQueryRow(ctx context.Context, query string, dest ...any) error {
	return db.read.QueryRowContext(ctx, query).Scan(dest...)
}
