package store_test

import (
	"context"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/proposal"
	"xieshang/internal/store"
	"xieshang/internal/storetest"
)

// A unit's returned replies carry the office's latest reason; other units
// and other accounts get nothing of it.
func TestFindUnitReturnReasons(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildProposalWorld(t, db)
		office := w.actorA
		p := mustProposal(t, db, office, proposal.Input{TermID: w.term.ID, Session: 4, Title: "城区停车", MemberID: w.qian.ID})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Submitted})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Filed})
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.Assigned,
			Units: []store.AssignUnit{{UnitID: w.jian.ID, Lead: true}}})
		mustOK(t, "sign", db.SignProposal(ctx, w.unitJian, p.ID, 0))
		reply := func() {
			mustOK(t, "reply", db.ReplyProposal(ctx, w.unitJian, p.ID, 0, store.ProposalReplyInput{Grade: "A"},
				&store.DocumentInput{FileName: "答复.pdf", Data: pdfBytes}))
		}
		reply()
		if got, err := db.FindUnitReturnReasons(ctx, w.unitJian); err != nil || len(got) != 0 {
			t.Fatalf("before any return: %v %v", got, err)
		}
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.ReplyReturned, Note: "第一次退回"})
		reply()
		moveProposal(t, db, office, p.ID, store.ProposalAdvance{To: proposal.ReplyReturned, Note: "第二次退回"})
		got, err := db.FindUnitReturnReasons(ctx, w.unitJian)
		mustOK(t, "reasons", err)
		if len(got) != 1 {
			t.Fatalf("reasons %v", got)
		}
		for _, reason := range got {
			if reason != "第二次退回" {
				t.Fatalf("reason %q, want the latest", reason)
			}
		}
		if got, err := db.FindUnitReturnReasons(ctx, w.unitJiao); err != nil || len(got) != 0 {
			t.Fatalf("another unit: %v %v", got, err)
		}
		if _, err := db.FindUnitReturnReasons(ctx, office); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("the office: %v", err)
		}
	})
}
