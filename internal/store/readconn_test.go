package store_test

import (
	"context"
	"testing"
	"time"

	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// A read holds its connection until its rows are read. A read made while
// another's rows are still open needs a second connection, and as many
// concurrent requests as the pool has connections (4 on a 2-core machine
// with SQLite) then wait for each other until they time out: the /proposals
// page answered 1 request a second under load. With one read connection
// such a read never finishes; these must.
func TestProposalReadsNeedOneConnectionAtATime(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		w := buildProposalWorld(t, db)
		office := w.actorA
		p := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "城区停车", MemberID: w.qian.ID})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Submitted})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Filed})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Assigned,
			Units: []store.AssignUnit{{UnitID: w.jian.ID, Lead: true}}})
		w.days(30) // past the days to sign for it: overdue
		db.LimitReadConns(1)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := db.CountProposals(ctx, office, store.ProposalFilter{})
		if err != nil || c.Total != 1 || c.Overdue != 1 {
			t.Fatalf("counts %+v, %v; want 1 in all, 1 overdue", c, err)
		}
		ps, total, err := db.FindProposals(ctx, office, store.ProposalFilter{})
		if err != nil || total != 1 || len(ps) != 1 || !ps[0].Overdue {
			t.Fatalf("list %+v (%d), %v", ps, total, err)
		}
	})
}
