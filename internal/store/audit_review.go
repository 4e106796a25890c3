package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
)

// The audit administrator's review (审计审阅): what happened in a period,
// counted by kind, and the sign-off that the period was reviewed. Every
// query here starts from auditScope, as the list does.

// AuditGroup is a count of entries by one account from one address.
type AuditGroup struct {
	AccountID int64
	Actor     string
	IP        string
	N         int
}

// CountAuditByAccount counts the entries that pass f by account and
// address, most first, at most limit groups.
func (db *DB) CountAuditByAccount(ctx context.Context, actor app.Actor, f AuditFilter, limit int) ([]AuditGroup, error) {
	where, args := db.auditWhere(actor, f)
	q := `SELECT account_id, MAX(actor), ip, COUNT(*) FROM audit_log` + where +
		fmt.Sprintf(` GROUP BY account_id, ip ORDER BY COUNT(*) DESC, MAX(at) DESC LIMIT $%d`, len(args)+1)
	rows, err := db.read.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, app.Internal(err, "count audit entries by account")
	}
	defer rows.Close()
	var out []AuditGroup
	for rows.Next() {
		var g AuditGroup
		if err := rows.Scan(&g.AccountID, &g.Actor, &g.IP, &g.N); err != nil {
			return nil, app.Internal(err, "count audit entries by account")
		}
		out = append(out, g)
	}
	return out, app.Internal(rows.Err(), "count audit entries by account")
}

// VerifyAuditInScope verifies the chains of the committees in the actor's
// subtree (and of its own committee; the deployment's chain for a
// deployment-wide actor), as VerifyAudit does for all.
func (db *DB) VerifyAuditInScope(ctx context.Context, actor app.Actor) (VerifyReport, error) {
	rep := VerifyReport{ByAlg: map[string]int64{}}
	rows, err := db.read.QueryContext(ctx, `SELECT h.chain, h.seq, h.hash FROM audit_head h
		WHERE h.seq > 0 AND (h.chain = $2 OR ($1 = '/' AND h.chain = 0)
			OR h.chain IN (SELECT o.id FROM org o WHERE o.path LIKE $1 || '%' AND o.committee_id = o.id))
		ORDER BY h.chain`, actor.Path, actor.CommitteeID)
	if err != nil {
		return rep, app.Internal(err, "verify audit in scope: heads")
	}
	type head struct {
		chain, seq int64
		hash       string
	}
	var heads []head
	for rows.Next() {
		var h head
		if err := rows.Scan(&h.chain, &h.seq, &h.hash); err != nil {
			rows.Close()
			return rep, app.Internal(err, "verify audit in scope: heads")
		}
		heads = append(heads, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, app.Internal(err, "verify audit in scope: heads")
	}
	for _, h := range heads {
		if err := db.verifyChain(ctx, &rep, h.chain, h.seq, h.hash); err != nil {
			return rep, app.Internal(err, "verify audit in scope")
		}
	}
	if rep.Unprotected, err = db.MissingAuditTriggers(ctx); err != nil {
		return rep, app.Internal(err, "verify audit in scope")
	}
	return rep, nil
}

// MaxReviewNote bounds a review sign-off's note, in characters.
const MaxReviewNote = 500

// RecordAuditReview writes the sign-off (审阅确认) that the actor reviewed
// the log of its scope for the period from–to, with its note.
func (db *DB) RecordAuditReview(ctx context.Context, actor app.Actor, from, to app.Date, note string) error {
	note = strings.TrimSpace(note)
	var errs app.FieldErrors
	switch {
	case note == "":
		errs.Add("note", "请填写审阅意见")
	case utf8.RuneCountInString(note) > MaxReviewNote:
		errs.Add("note", fmt.Sprintf("不能超过%d个字", MaxReviewNote))
	}
	if from.IsZero() || to.IsZero() || to.Before(from) {
		errs.Add("to", "审阅期间无效")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		return tx.Audit(ctx, actor, Change{Action: "audit_review", Entity: "audit", Committee: actor.CommitteeID,
			OrgPath: actor.Path, Summary: "审计审阅 " + from.String() + " 至 " + to.String() + "：" + note,
			After: map[string]any{"from": from.String(), "to": to.String(), "note": note}})
	})
}
