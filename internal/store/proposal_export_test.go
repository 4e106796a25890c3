package store

import (
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
