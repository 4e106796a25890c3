package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
)

// A committee's proposal rules (proposal.Rules) as data, in table
// proposal_rules; the defaults apply until it saves its own. Townships and
// villages follow their committee's.

func readProposalRules(ctx context.Context, q querier, committeeID int64) (proposal.Rules, error) {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT rules_json FROM proposal_rules WHERE committee_id = $1`, committeeID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return proposal.DefaultRules(), nil
	}
	if err != nil {
		return proposal.Rules{}, app.Internal(err, "read proposal rules")
	}
	r := proposal.DefaultRules()
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return r, app.Internal(err, "decode proposal rules")
	}
	return r, nil
}

// FindProposalRules returns the proposal rules of a committee the actor
// sees (its own when committeeID is 0).
func (db *DB) FindProposalRules(ctx context.Context, actor app.Actor, committeeID int64) (proposal.Rules, error) {
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if err := db.seesCommittee(ctx, actor, committeeID); err != nil {
		return proposal.Rules{}, err
	}
	return readProposalRules(ctx, db.read, committeeID)
}

// SaveProposalRules stores a committee's proposal rules after validating
// them. Deadlines already set (co-signing, replies) keep their days.
func (db *DB) SaveProposalRules(ctx context.Context, actor app.Actor, committeeID int64, r proposal.Rules) error {
	if !auth.Role(actor.Role).Can(auth.ProposalWrite) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能修改提案工作规则")
	}
	if errs := r.Validate(); len(errs) > 0 {
		return errs.Err()
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return app.Internal(err, "encode proposal rules")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		c, err := findOrg(ctx, tx, actor, committeeID)
		if err != nil {
			return err
		}
		if !c.IsCommittee() {
			return app.Errorf(app.EINVALID, "提案工作规则只能由市、县(区)政协设置")
		}
		before, err := readProposalRules(ctx, tx, committeeID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM proposal_rules WHERE committee_id = $1`, committeeID); err != nil {
			return app.Internal(err, "save proposal rules")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_rules (committee_id, rules_json, updated_by, updated_at)
			VALUES ($1, $2, $3, $4)`, committeeID, string(raw), actor.AccountID, tx.Now); err != nil {
			return app.Internal(err, "save proposal rules")
		}
		return tx.Audit(ctx, actor, Change{Action: "proposal_rules", Entity: "proposal_rules", EntityID: committeeID,
			Committee: committeeID, OrgPath: c.Path, Before: before, After: r,
			Summary: fmt.Sprintf("修改%s的提案工作规则：联名%d天，签收%d天，办理%d个月", c.Name, r.CosignDays, r.SignDays, r.ReplyMonths)})
	})
}
