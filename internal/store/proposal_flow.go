package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/proposal"
	"xieshang/internal/workflow"
)

// How a proposal moves: AdvanceProposal takes one transition of the
// committee's graph; the units' and the proposer's own steps (SignProposal,
// ReplyProposal, RateProposal, and co-signing) change their part and then
// take the graph's next transition themselves when it is allowed and
// nothing else is missing. Every change is one transaction with its step,
// audit row and duty events.

// Duty event kinds and source written by proposals: a filed (or merged)
// proposal counts for its lead proposer and each co-signer; a key or
// excellent designation adds its own event.
const (
	DutyProposalLead          = "proposal_lead"
	DutyProposalCosigner      = "proposal_cosigner"
	DutyProposalKeyLead       = "proposal_key_lead"
	DutyProposalKeyCosigner   = "proposal_key_cosigner"
	DutyProposalExcellentLead = "proposal_excellent_lead"
	DutyProposalExcellentCo   = "proposal_excellent_cosigner"
	SourceProposal            = "proposal"
)

// Assignment statuses of proposal_assignment.
const (
	PAAssigned    = "assigned"     // 待签收
	PASigned      = "signed"       // 已签收，办理中
	PAReturnAsked = "return_asked" // 申请退回
	PAWithdrawn   = "withdrawn"    // 同意退回，已撤回
	PAReplied     = "replied"      // 已答复
	PAReturned    = "returned"     // 答复退回重办
	PARated       = "rated"        // 提案人已评价
)

// PAStatusLabel is an assignment status in Chinese.
func PAStatusLabel(s string) string {
	return labelOr(map[string]string{PAAssigned: "待签收", PASigned: "办理中", PAReturnAsked: "申请退回",
		PAWithdrawn: "已退回", PAReplied: "已答复", PAReturned: "答复退回重办", PARated: "已评价"}, s)
}

// ProposalAdvance is a transition the office (or the proposer, or a unit)
// takes, with what its requirements ask for.
type ProposalAdvance struct {
	To         string       `json:"to"`
	Note       string       `json:"note"`                 // the reason, where one is required
	Conversion string       `json:"conversion,omitempty"` // not filed: letter | report
	MergeInto  int64        `json:"merge_into,omitempty"` // merged: the proposal it joins
	Units      []AssignUnit `json:"units,omitempty"`      // assigned: the units
	Deadline   app.Date     `json:"deadline,omitzero"`    // assigned: the reply deadline (default: the rules')
	UnitID     int64        `json:"unit_id,omitempty"`    // reply returned: the unit whose reply goes back (0: every lead's)
}

// AssignUnit is one unit a proposal is assigned to.
type AssignUnit struct {
	UnitID int64 `json:"unit_id"`
	Lead   bool  `json:"lead"` // 主办; false: 会办
}

// proposalRequirement checks one requirement code before a transition
// and, for those that name what to do (merge_into, units, conversion),
// does it.
type proposalRequirement func(ctx context.Context, tx *Tx, actor app.Actor, p Proposal, in *ProposalAdvance) error

// proposalRequirements are the checks behind proposal.Requirements; a test
// keeps the two lists equal.
var proposalRequirements = map[string]proposalRequirement{
	proposal.NeedReason: func(_ context.Context, _ *Tx, _ app.Actor, _ Proposal, in *ProposalAdvance) error {
		if strings.TrimSpace(in.Note) == "" {
			var errs app.FieldErrors
			errs.Add("note", "请填写理由")
			return errs.Err()
		}
		return nil
	},
	proposal.NeedConversion: func(ctx context.Context, tx *Tx, _ app.Actor, p Proposal, in *ProposalAdvance) error {
		if in.Conversion != proposal.ToLetter && in.Conversion != proposal.ToReport {
			var errs app.FieldErrors
			errs.Add("conversion", "请选择不予立案后转为来信还是社情民意信息")
			return errs.Err()
		}
		_, err := tx.ExecContext(ctx, `UPDATE proposal SET conversion = $2 WHERE id = $1`, p.ID, in.Conversion)
		return app.Internal(err, "proposal conversion")
	},
	proposal.NeedCosignOver: func(_ context.Context, tx *Tx, _ app.Actor, p Proposal, in *ProposalAdvance) error {
		if p.CosignDeadline == "" || app.DateOf(tx.Now.In(tx.db.Loc)).String() > p.CosignDeadline {
			return nil
		}
		if strings.TrimSpace(in.Note) == "" {
			var errs app.FieldErrors
			errs.Add("note", fmt.Sprintf("联名截止日期为%s，提前提交请说明理由（提交后不能再联名）", p.CosignDeadline))
			return errs.Err()
		}
		return nil
	},
	proposal.NeedMergeInto: mergeProposal,
	proposal.NeedUnits:     assignProposal,
	proposal.NeedAllSigned: func(ctx context.Context, tx *Tx, _ app.Actor, p Proposal, _ *ProposalAdvance) error {
		return tx.assignmentsLeft(ctx, p.ID, `status NOT IN ('signed', 'replied', 'returned', 'rated')`, false,
			"还有%d个承办单位尚未签收")
	},
	proposal.NeedGrade: func(ctx context.Context, tx *Tx, _ app.Actor, p Proposal, _ *ProposalAdvance) error {
		return tx.assignmentsLeft(ctx, p.ID, `lead = TRUE AND status NOT IN ('replied', 'rated')`, true,
			"还有%d个主办单位尚未答复（须注明办理类别并附答复文件）")
	},
	proposal.NeedRating: func(ctx context.Context, tx *Tx, _ app.Actor, p Proposal, _ *ProposalAdvance) error {
		return tx.assignmentsLeft(ctx, p.ID, `lead = TRUE AND status <> 'rated'`, true, "提案人还有%d个主办单位未评价")
	},
}

// assignmentsLeft fails with msg when active assignments match cond (or,
// with needLead, when there is no active lead assignment at all).
func (tx *Tx) assignmentsLeft(ctx context.Context, proposalID int64, cond string, needLead bool, msg string) error {
	var left, leads int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN `+cond+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN lead = TRUE THEN 1 ELSE 0 END), 0)
		FROM proposal_assignment WHERE proposal_id = $1 AND withdrawn = FALSE`, proposalID).Scan(&left, &leads); err != nil {
		return app.Internal(err, "check assignments")
	}
	if leads == 0 {
		return app.Errorf(app.ECONFLICT, "提案尚未交办主办单位")
	}
	if left > 0 {
		return app.Errorf(app.ECONFLICT, msg, left)
	}
	return nil
}

// mergeProposal is the merge_into requirement: the proposal joins another
// of the same committee, term and session that is not itself merged, not
// rejected and not closed; proposals merged into this one follow it.
func mergeProposal(ctx context.Context, tx *Tx, actor app.Actor, p Proposal, in *ProposalAdvance) error {
	var errs app.FieldErrors
	if in.MergeInto == 0 {
		errs.Add("merge_into", "请选择并入的提案")
		return errs.Err()
	}
	if in.MergeInto == p.ID {
		errs.Add("merge_into", "提案不能并入自身")
		return errs.Err()
	}
	target, err := findProposal(ctx, tx, actor, in.MergeInto, tx.db.Dialect.forUpdateOf("p"))
	if err != nil {
		errs.Add("merge_into", "所选提案不存在")
		return errs.Err()
	}
	switch {
	case target.CommitteeID != p.CommitteeID || target.TermID != p.TermID || target.Session != p.Session:
		errs.Add("merge_into", "只能并入同一次会议的提案")
	case target.Seq == 0:
		errs.Add("merge_into", "所选提案尚未提交")
	case target.State == proposal.Merged || target.State == proposal.NotFiled || target.State == proposal.Closed:
		errs.Add("merge_into", fmt.Sprintf("所选提案（%s）已%s，不能再并入",
			proposal.Number(target.TermNumber, target.Session, target.Seq), map[string]string{
				proposal.Merged: "并入其他提案", proposal.NotFiled: "不予立案", proposal.Closed: "办结"}[target.State]))
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	if _, err := tx.ExecContext(ctx, `UPDATE proposal SET merged_into = $2 WHERE id = $1 OR merged_into = $1`,
		p.ID, target.ID); err != nil {
		return app.Internal(err, "merge proposal")
	}
	if in.Note == "" {
		in.Note = "并入" + proposal.Number(target.TermNumber, target.Session, target.Seq) + "“" + target.Title + "”"
	}
	return nil
}

// assignProposal is the units requirement: the named units of the
// committee are assigned, lead or supporting, with the reply deadline;
// afterwards at least one lead unit must hold it.
func assignProposal(ctx context.Context, tx *Tx, actor app.Actor, p Proposal, in *ProposalAdvance) error {
	var errs app.FieldErrors
	rules, err := readProposalRules(ctx, tx, p.CommitteeID)
	if err != nil {
		return err
	}
	today := app.DateOf(tx.Now.In(tx.db.Loc))
	deadline := in.Deadline
	if deadline.IsZero() {
		deadline = rules.ReplyDeadline(today)
	} else if !deadline.After(today) {
		errs.Add("deadline", "办理期限应晚于今天")
		return errs.Err()
	}
	seen := map[int64]bool{}
	var names []string
	for _, u := range in.Units {
		if u.UnitID == 0 || seen[u.UnitID] {
			if u.UnitID != 0 {
				errs.Add("units", "同一承办单位只能选择一次")
			}
			continue
		}
		seen[u.UnitID] = true
		unit, err := tx.unitOfCommittee(ctx, p.CommitteeID, u.UnitID)
		if err != nil {
			errs.Add("units", fmt.Sprintf("承办单位（编号%d）不属于本政协", u.UnitID))
			continue
		}
		if unit.Archived {
			errs.Add("units", unit.Name+"已停用")
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_assignment WHERE proposal_id = $1
			AND unit_id = $2 AND withdrawn = FALSE`, p.ID, u.UnitID).Scan(&n); err != nil {
			return app.Internal(err, "assign proposal")
		}
		if n > 0 {
			errs.Add("units", unit.Name+"已承办本提案")
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_assignment (proposal_id, unit_id, lead, deadline, status,
			assigned_at) VALUES ($1, $2, $3, $4, 'assigned', $5)`, p.ID, u.UnitID, u.Lead, deadline.String(), tx.Now); err != nil {
			return app.Internal(err, "assign proposal")
		}
		role := "主办"
		if !u.Lead {
			role = "会办"
		}
		names = append(names, unit.Name+"（"+role+"）")
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	var leads int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_assignment WHERE proposal_id = $1
		AND withdrawn = FALSE AND lead = TRUE`, p.ID).Scan(&leads); err != nil {
		return app.Internal(err, "assign proposal")
	}
	if leads == 0 {
		errs.Add("units", "请至少选择一个主办单位")
		return errs.Err()
	}
	if len(names) > 0 && in.Note == "" {
		in.Note = "交" + strings.Join(names, "、") + "办理，" + deadline.String() + "前答复"
	}
	return nil
}

// AdvanceProposal moves a proposal to in.To: the committee's graph must
// allow the transition from the current state, the actor's role must be
// one it names (a member only on its own proposal; a unit only on one
// assigned to it), and its requirements must be met. Errors: ECONFLICT for
// a transition the graph lacks or a requirement unmet, EFORBIDDEN for a
// role not allowed, field errors for what the requirement asks.
func (db *DB) AdvanceProposal(ctx context.Context, actor app.Actor, id int64, in ProposalAdvance) (Proposal, error) {
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 2000 {
		var errs app.FieldErrors
		errs.Add("note", "说明不能超过2000个字")
		return Proposal{}, errs.Err()
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		p, g, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		if isMemberAccount(actor) && p.MemberID != actor.MemberID {
			return app.Errorf(app.EFORBIDDEN, "只有第一提案人可以办理本提案的这一步")
		}
		tr, err := g.Check(p.State, in.To, actor.Role)
		if err != nil {
			return err
		}
		return tx.moveProposal(ctx, actor, p, g, tr, &in)
	})
	if err != nil {
		return Proposal{}, err
	}
	return db.FindProposalByID(ctx, actor, id)
}

// moveProposal checks tr's requirements, moves the proposal, does what
// entering the new state means, and records the step and the audit row.
func (tx *Tx) moveProposal(ctx context.Context, actor app.Actor, p Proposal, g workflow.Graph, tr workflow.Transition, in *ProposalAdvance) error {
	for _, code := range tr.Requires {
		check, ok := proposalRequirements[code]
		if !ok {
			return app.Internal(fmt.Errorf("requirement %q has no check", code), "advance proposal")
		}
		if err := check(ctx, tx, actor, p, in); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE proposal SET state = $2, state_since = $3, updated_at = $3 WHERE id = $1`,
		p.ID, tr.To, tx.Now); err != nil {
		return app.Internal(err, "advance proposal")
	}
	if err := tx.enterProposalState(ctx, actor, p, tr.To, in); err != nil {
		return err
	}
	if err := tx.proposalStep(ctx, actor, p.ID, p.State, tr.To, in.Note); err != nil {
		return err
	}
	summary := fmt.Sprintf("提案“%s”：%s（%s → %s）", p.Title, tr.Label, g.Label(p.State), g.Label(tr.To))
	if in.Note != "" {
		summary += "，" + in.Note
	}
	return tx.Audit(ctx, actor, Change{Action: "proposal_advance", Entity: "proposal", EntityID: p.ID,
		Committee: p.CommitteeID, OrgPath: p.path, Summary: summary, Before: struct{ State string }{p.State}, After: in})
}

// enterProposalState does what entering a state of the built-in lifecycle
// means: co-signing opens with its deadline, submission numbers the
// proposal, filing and merging count for the authors, a return request is
// granted or refused, a reply goes back. States a committee adds mean only
// themselves.
func (tx *Tx) enterProposalState(ctx context.Context, actor app.Actor, p Proposal, to string, in *ProposalAdvance) error {
	today := app.DateOf(tx.Now.In(tx.db.Loc))
	switch to {
	case proposal.Cosigning:
		rules, err := readProposalRules(ctx, tx, p.CommitteeID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE proposal SET cosign_deadline = $2 WHERE id = $1`,
			p.ID, rules.CosignDeadline(today).String())
		return app.Internal(err, "open co-signing")
	case proposal.Submitted:
		if p.Seq > 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE proposal SET submitted_on = $2, seq = (SELECT COALESCE(MAX(seq), 0) + 1
			FROM proposal WHERE committee_id = $3 AND term_id = $4 AND session = $5) WHERE id = $1`,
			p.ID, today.String(), p.CommitteeID, p.TermID, p.Session)
		return app.Internal(err, "number proposal")
	case proposal.Filed, proposal.Merged:
		if p.State == proposal.ReturnAsked { // the office agreed: the asking units give it back
			_, err := tx.ExecContext(ctx, `UPDATE proposal_assignment SET withdrawn = TRUE, status = 'withdrawn'
				WHERE proposal_id = $1 AND status = 'return_asked' AND withdrawn = FALSE`, p.ID)
			return app.Internal(err, "grant return")
		}
		return tx.proposalDuty(ctx, p, today, DutyProposalLead, DutyProposalCosigner)
	case proposal.Assigned:
		if p.State == proposal.ReturnAsked { // refused: they keep it
			_, err := tx.ExecContext(ctx, `UPDATE proposal_assignment SET status = 'assigned'
				WHERE proposal_id = $1 AND status = 'return_asked' AND withdrawn = FALSE`, p.ID)
			return app.Internal(err, "refuse return")
		}
	case proposal.ReturnAsked:
		if isUnitAccount(actor) {
			return tx.askReturn(ctx, actor, p, in.Note)
		}
	case proposal.ReplyReturned:
		return tx.returnReplies(ctx, actor, p, in)
	case proposal.NotFiled:
		if in.Conversion == proposal.ToReport {
			return tx.reportFromProposal(ctx, actor, p, today)
		}
	}
	return nil
}

// reportFromProposal turns a proposal not filed into a social-conditions
// report of its committee: the same title and text, its lead proposer and
// co-signers (or the group) as authors, submitted for the office to edit
// and forward; the report names the proposal it came from.
func (tx *Tx) reportFromProposal(ctx context.Context, actor app.Actor, p Proposal, today app.Date) error {
	body := strings.TrimSpace(p.Reason + "\n\n" + p.Suggestions)
	if body == "" {
		body = p.Title
	}
	number := proposal.Number(p.TermNumber, p.Session, p.Seq)
	body = "（由" + number + "提案转来）\n" + body
	if utf8.RuneCountInString(body) > 20000 {
		body = string([]rune(body)[:20000])
	}
	authors := []ReportAuthor{{MemberID: p.MemberID, Name: p.Proposer}} // a group's proposal: the group by name
	rows, err := tx.QueryContext(ctx, `SELECT c.member_id, m.name FROM proposal_cosigner c JOIN member m ON m.id = c.member_id
		WHERE c.proposal_id = $1 ORDER BY c.signed_at, c.member_id`, p.ID)
	if err != nil {
		return app.Internal(err, "report from proposal")
	}
	for rows.Next() {
		var a ReportAuthor
		if err := rows.Scan(&a.MemberID, &a.Name); err != nil {
			rows.Close()
			return app.Internal(err, "report from proposal")
		}
		authors = append(authors, a)
	}
	rows.Close()
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO report (committee_id, org_id, year, title, body, category, state,
		state_since, submitted_by, submitter, proposal_id, created_at, updated_at)
		VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $7, $7) RETURNING id`, p.CommitteeID, today.Y, p.Title, body,
		p.Category, proposal.ReportSubmitted, tx.Now, actor.AccountID, actor.Name, p.ID).Scan(&id); err != nil {
		return app.Internal(err, "report from proposal")
	}
	if err := tx.addReportAuthors(ctx, id, 0, authors); err != nil {
		return err
	}
	if err := tx.reportStep(ctx, actor, id, "", proposal.ReportSubmitted, "submit", number+"提案不予立案，转为社情民意信息"); err != nil {
		return err
	}
	return tx.Audit(ctx, actor, Change{Action: "report_create", Entity: "report", EntityID: id,
		Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("提案“%s”（%s）不予立案，转为社情民意信息", p.Title, number)})
}

// proposalDuty records the lead and co-signer events of a proposal.
func (tx *Tx) proposalDuty(ctx context.Context, p Proposal, day app.Date, leadKind, coKind string) error {
	var events []DutyEvent
	if p.MemberID != 0 {
		events = append(events, DutyEvent{CommitteeID: p.CommitteeID, MemberID: p.MemberID, Kind: leadKind,
			OccurredOn: day, Source: SourceProposal, SourceID: p.ID})
	}
	co, err := tx.cosignerIDs(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, m := range co {
		events = append(events, DutyEvent{CommitteeID: p.CommitteeID, MemberID: m, Kind: coKind,
			OccurredOn: day, Source: SourceProposal, SourceID: p.ID})
	}
	if len(events) == 0 {
		return nil
	}
	return tx.RecordDuty(ctx, events...)
}

func (tx *Tx) cosignerIDs(ctx context.Context, proposalID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT member_id FROM proposal_cosigner WHERE proposal_id = $1 ORDER BY signed_at, member_id`, proposalID)
	if err != nil {
		return nil, app.Internal(err, "co-signers")
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, app.Internal(err, "co-signers")
		}
		ids = append(ids, id)
	}
	return ids, app.Internal(rows.Err(), "co-signers")
}

// tryProposal takes the transition from the proposal's state to `to` when
// the graph has it for the actor's role and its requirements are met;
// otherwise the proposal stays where it is.
func (tx *Tx) tryProposal(ctx context.Context, actor app.Actor, id int64, to, note string) error {
	p, g, err := tx.lockProposal(ctx, app.System, id)
	if err != nil {
		return err
	}
	tr, err := g.Check(p.State, to, actor.Role)
	if err != nil {
		return nil
	}
	for _, code := range tr.Requires {
		if code == proposal.NeedMergeInto || code == proposal.NeedUnits || code == proposal.NeedConversion {
			return nil // these ask the office for something
		}
		in := ProposalAdvance{Note: note}
		if err := proposalRequirements[code](ctx, tx, actor, p, &in); err != nil {
			if app.ErrorCode(err) == app.EINTERNAL {
				return err
			}
			return nil
		}
	}
	return tx.moveProposal(ctx, actor, p, g, tr, &ProposalAdvance{To: to, Note: note})
}

// TakenByItself reports whether the platform takes a transition on its own
// once the units' or the proposer's steps meet its requirement (every unit
// signed, every lead unit replied, every lead unit rated): pages offer the
// steps, not the transition.
func TakenByItself(tr workflow.Transition) bool {
	auto := map[string]string{proposal.Accepted: proposal.NeedAllSigned, proposal.Replied: proposal.NeedGrade,
		proposal.Rated: proposal.NeedRating}
	need, ok := auto[tr.To]
	return ok && slices.Contains(tr.Requires, need)
}

// Cosign adds a member as a co-signer (联名) while the proposal gathers
// co-signers and its deadline has not passed: a member's account signs for
// itself; the office may add a member of the committee. Signing twice,
// after the deadline, or one's own proposal is refused.
func (db *DB) Cosign(ctx context.Context, actor app.Actor, id, memberID int64) error {
	if isMemberAccount(actor) {
		memberID = actor.MemberID
	} else if !canHandleProposals(actor) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能联名")
	}
	if memberID == 0 {
		var errs app.FieldErrors
		errs.Add("member_id", "请选择联名的委员")
		return errs.Err()
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, g, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		if p.State != proposal.Cosigning {
			return app.Errorf(app.ECONFLICT, "提案%s，不在征集联名阶段", g.Label(p.State))
		}
		if today := app.DateOf(tx.Now.In(tx.db.Loc)).String(); today > p.CosignDeadline {
			return app.Errorf(app.ECONFLICT, "联名已于%s截止", p.CosignDeadline)
		}
		if memberID == p.MemberID {
			return app.Errorf(app.ECONFLICT, "第一提案人不需要联名")
		}
		var name string
		err = tx.QueryRowContext(ctx, `SELECT m.name FROM member m JOIN term_member tm ON tm.member_id = m.id
			WHERE m.id = $1 AND tm.term_id = $2`, memberID, p.TermID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			var errs app.FieldErrors
			errs.Add("member_id", "联名人应为本届委员")
			return errs.Err()
		}
		if err != nil {
			return app.Internal(err, "co-sign")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_cosigner WHERE proposal_id = $1 AND member_id = $2`,
			id, memberID).Scan(&n); err != nil {
			return app.Internal(err, "co-sign")
		}
		if n > 0 {
			return app.Errorf(app.ECONFLICT, "%s已联名本提案", name)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_cosigner (proposal_id, member_id, signed_at) VALUES ($1, $2, $3)`,
			id, memberID, tx.Now); err != nil {
			return app.Internal(err, "co-sign")
		}
		return tx.Audit(ctx, actor, Change{Action: "proposal_cosign", Entity: "proposal", EntityID: id,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("%s联名提案“%s”", name, p.Title),
			After: struct{ MemberID int64 }{memberID}})
	})
}

// WithdrawCosign takes a co-signature back before co-signing closes.
func (db *DB) WithdrawCosign(ctx context.Context, actor app.Actor, id, memberID int64) error {
	if isMemberAccount(actor) {
		memberID = actor.MemberID
	} else if !canHandleProposals(actor) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能撤回联名")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, g, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		if p.State != proposal.Cosigning {
			return app.Errorf(app.ECONFLICT, "提案%s，联名不能再撤回", g.Label(p.State))
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM proposal_cosigner WHERE proposal_id = $1 AND member_id = $2`, id, memberID)
		if err != nil {
			return app.Internal(err, "withdraw co-signature")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ECONFLICT, "未联名本提案")
		}
		return tx.Audit(ctx, actor, Change{Action: "proposal_cosign_withdraw", Entity: "proposal", EntityID: id,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("撤回对提案“%s”的联名", p.Title),
			Before: struct{ MemberID int64 }{memberID}})
	})
}

// proposalAssignment is an active assignment, locked.
type proposalAssignment struct {
	ID       int64
	UnitID   int64
	UnitName string
	Lead     bool
	Status   string
}

// lockProposalAssignment locks the active assignment of unitID on a
// proposal: a unit's account acts for its own unit only, the office for the
// unit it names.
func (tx *Tx) lockProposalAssignment(ctx context.Context, actor app.Actor, proposalID, unitID int64) (proposalAssignment, error) {
	if isUnitAccount(actor) {
		unitID = actor.UnitID
	} else if !canHandleProposals(actor) {
		return proposalAssignment{}, app.Errorf(app.EFORBIDDEN, "只有承办单位或提案委工作人员可以办理")
	}
	if unitID == 0 {
		var errs app.FieldErrors
		errs.Add("unit_id", "请选择承办单位")
		return proposalAssignment{}, errs.Err()
	}
	a, found, err := tx.activeAssignment(ctx, proposalID, unitID)
	if err == nil && !found {
		err = app.Errorf(app.ECONFLICT, "该单位没有承办本提案")
	}
	return a, err
}

// activeAssignment locks a unit's active assignment on a proposal; found
// is false when the unit holds none.
func (tx *Tx) activeAssignment(ctx context.Context, proposalID, unitID int64) (proposalAssignment, bool, error) {
	var a proposalAssignment
	err := tx.QueryRowContext(ctx, `SELECT a.id, a.unit_id, u.name, a.lead, a.status FROM proposal_assignment a
		JOIN handling_unit u ON u.id = a.unit_id WHERE a.proposal_id = $1 AND a.unit_id = $2 AND a.withdrawn = FALSE`+
		tx.db.Dialect.forUpdateOf("a"), proposalID, unitID).Scan(&a.ID, &a.UnitID, &a.UnitName, &a.Lead, &a.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, app.Internal(err, "lock assignment")
}

// SignProposal records that a unit signed for (签收) its assignment; when
// every unit has, the proposal moves on as the graph allows.
func (db *DB) SignProposal(ctx context.Context, actor app.Actor, id, unitID int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		p, _, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		a, err := tx.lockProposalAssignment(ctx, actor, id, unitID)
		if err != nil {
			return err
		}
		if a.Status != PAAssigned {
			return app.Errorf(app.ECONFLICT, "%s对本提案的交办%s，不需要签收", a.UnitName, PAStatusLabel(a.Status))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE proposal_assignment SET status = 'signed', signed_at = $2 WHERE id = $1`,
			a.ID, tx.Now); err != nil {
			return app.Internal(err, "sign proposal")
		}
		if err := tx.Audit(ctx, actor, Change{Action: "proposal_sign", Entity: "proposal", EntityID: id,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("%s签收提案“%s”", a.UnitName, p.Title)}); err != nil {
			return err
		}
		if err := tx.tryProposal(ctx, actor, id, proposal.Accepted, "各承办单位均已签收"); err != nil {
			return err
		}
		// A lead unit may have replied before the last unit signed.
		return tx.tryProposal(ctx, actor, id, proposal.Replied, "各主办单位均已答复")
	})
}

// AskReturn is a unit's request to give the proposal back (申请退回) with
// its reason; the office agrees or refuses by its graph's transitions.
func (db *DB) AskReturn(ctx context.Context, actor app.Actor, id int64, reason string) error {
	if !isUnitAccount(actor) {
		return app.Errorf(app.EFORBIDDEN, "只有承办单位可以申请退回")
	}
	reason = strings.TrimSpace(reason)
	var errs app.FieldErrors
	if reason == "" {
		errs.Add("note", "请填写申请退回的理由")
	} else if utf8.RuneCountInString(reason) > 2000 {
		errs.Add("note", "理由不能超过2000个字")
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, g, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		if p.State == proposal.ReturnAsked { // another unit asked first: add this one's request
			return tx.askReturn(ctx, actor, p, reason)
		}
		tr, err := g.Check(p.State, proposal.ReturnAsked, actor.Role)
		if err != nil {
			return err
		}
		return tx.moveProposal(ctx, actor, p, g, tr, &ProposalAdvance{To: proposal.ReturnAsked, Note: reason})
	})
}

func (tx *Tx) askReturn(ctx context.Context, actor app.Actor, p Proposal, reason string) error {
	a, err := tx.lockProposalAssignment(ctx, actor, p.ID, 0)
	if err != nil {
		return err
	}
	if a.Status != PAAssigned {
		return app.Errorf(app.ECONFLICT, "%s已%s，不能再申请退回", a.UnitName, PAStatusLabel(a.Status))
	}
	_, err = tx.ExecContext(ctx, `UPDATE proposal_assignment SET status = 'return_asked', return_reason = $2 WHERE id = $1`,
		a.ID, reason)
	if err != nil {
		return app.Internal(err, "ask return")
	}
	return tx.Audit(ctx, actor, Change{Action: "proposal_return_ask", Entity: "proposal", EntityID: p.ID,
		Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("%s申请退回提案“%s”：%s", a.UnitName, p.Title, reason)})
}

// returnReplies sends replies back for rework: the named unit's, or every
// lead unit's that has replied.
func (tx *Tx) returnReplies(ctx context.Context, actor app.Actor, p Proposal, in *ProposalAdvance) error {
	q := `SELECT id FROM proposal_assignment WHERE proposal_id = $1 AND withdrawn = FALSE AND status = 'replied'`
	args := []any{p.ID}
	if in.UnitID != 0 {
		q += ` AND unit_id = $2`
		args = append(args, in.UnitID)
	} else {
		q += ` AND lead = TRUE`
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return app.Internal(err, "return replies")
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return app.Internal(err, "return replies")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		var errs app.FieldErrors
		errs.Add("unit_id", "所选单位没有待审核的答复")
		return errs.Err()
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE proposal_reply SET verdict = 'returned', verdict_reason = $2,
			verdict_actor = $3, verdict_at = $4 WHERE id = (SELECT MAX(id) FROM proposal_reply WHERE assignment_id = $1)`,
			id, in.Note, actor.Name, tx.Now); err != nil {
			return app.Internal(err, "return reply")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE proposal_assignment SET status = 'returned', grade = '' WHERE id = $1`, id); err != nil {
			return app.Internal(err, "return reply")
		}
	}
	return nil
}

// ProposalReplyInput is a unit's reply.
type ProposalReplyInput struct {
	Grade  proposal.Grade `json:"grade"`  // lead units: A, B or C
	Reason string         `json:"reason"` // a C reply: why it cannot be solved now
	Body   string         `json:"body"`   // the reply's text or summary
}

// ReplyProposal records a unit's reply (办复) with its document: a lead
// unit's needs a grade (C with its reason) and the document; a supporting
// unit's (会办意见) a text or a document. The unit must have signed for it,
// or its reply was returned. When every lead unit has replied, the
// proposal moves on as the graph allows.
func (db *DB) ReplyProposal(ctx context.Context, actor app.Actor, id, unitID int64, in ProposalReplyInput, doc *DocumentInput) error {
	in.Reason, in.Body = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Body)
	in.Grade = proposal.Grade(strings.ToUpper(strings.TrimSpace(string(in.Grade))))
	var errs app.FieldErrors
	tooLong(&errs, "body", "答复内容", in.Body, 20000)
	tooLong(&errs, "reason", "原因", in.Reason, 2000)
	if len(errs) > 0 {
		return errs.Err()
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, _, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		a, err := tx.lockProposalAssignment(ctx, actor, id, unitID)
		if err != nil {
			return err
		}
		switch a.Status {
		case PAAssigned, PAReturnAsked:
			return app.Errorf(app.ECONFLICT, "%s尚未签收本提案，签收后才能答复", a.UnitName)
		case PAReplied:
			return app.Errorf(app.ECONFLICT, "%s已答复，请等待提案委审核", a.UnitName)
		case PARated:
			return app.Errorf(app.ECONFLICT, "提案人已评价%s的办理，不能再答复", a.UnitName)
		}
		if a.Lead {
			errs = proposal.CheckReply(in.Grade, in.Reason, doc != nil && doc.FileName != "")
		} else {
			if in.Grade != "" && in.Grade != proposal.GradeA && in.Grade != proposal.GradeB && in.Grade != proposal.GradeC {
				errs.Add("grade", "请选择办理类别（A、B、C）")
			}
			if in.Body == "" && (doc == nil || doc.FileName == "") {
				errs.Add("body", "请填写会办意见或上传答复文件")
			}
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		var replyID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO proposal_reply (assignment_id, grade, grade_reason, body, account_id,
			actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.ID, string(in.Grade), in.Reason, in.Body,
			actor.AccountID, actor.Name, tx.Now).Scan(&replyID); err != nil {
			return app.Internal(err, "reply proposal")
		}
		if doc != nil && doc.FileName != "" {
			if _, err := tx.addProposalFile(ctx, actor, p, *doc, replyID, "document"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE proposal_assignment SET status = 'replied', grade = $2, replied_at = $3
			WHERE id = $1`, a.ID, string(in.Grade), tx.Now); err != nil {
			return app.Internal(err, "reply proposal")
		}
		again := ""
		if a.Status == PAReturned {
			again = "重新"
		}
		summary := fmt.Sprintf("%s%s答复提案“%s”", a.UnitName, again, p.Title)
		if in.Grade != "" {
			summary += "（" + in.Grade.Label() + "）"
		}
		if err := tx.Audit(ctx, actor, Change{Action: "proposal_reply", Entity: "proposal", EntityID: id,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: summary, After: in}); err != nil {
			return err
		}
		return tx.tryProposal(ctx, actor, id, proposal.Replied, "各主办单位均已答复")
	})
}

// RatingInput is the proposer's rating of one unit's handling.
type RatingInput struct {
	Satisfaction proposal.Satisfaction `json:"satisfaction"`
	Contact      proposal.Contact      `json:"contact"`
	Note         string                `json:"note"`
}

// RateProposal records the proposer's rating (满意/基本满意/不满意) of a
// unit's reply and how the unit communicated. Only the lead proposer's own
// account rates a member's proposal; the office rates a group's on its
// behalf. When every lead unit is rated, the proposal moves on.
func (db *DB) RateProposal(ctx context.Context, actor app.Actor, id, unitID int64, in RatingInput) error {
	in.Note = strings.TrimSpace(in.Note)
	var errs app.FieldErrors
	if !in.Satisfaction.Valid() {
		errs.Add("satisfaction", "请选择满意、基本满意或不满意")
	}
	if in.Contact.Label() == string(in.Contact) {
		errs.Add("contact", "请选择承办单位的沟通方式（当面、座谈会、电话、书面或未沟通）")
	}
	tooLong(&errs, "note", "意见", in.Note, 2000)
	if len(errs) > 0 {
		return errs.Err()
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, g, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		switch {
		case p.MemberID != 0 && (!isMemberAccount(actor) || actor.MemberID != p.MemberID):
			return app.Errorf(app.EFORBIDDEN, "只有提案人本人可以评价办理情况")
		case p.MemberID == 0 && !canHandleProposals(actor):
			return app.Errorf(app.EFORBIDDEN, "集体提案的办理评价由提案委工作人员代为填写")
		}
		if p.State != proposal.Replied && p.State != proposal.Rated {
			return app.Errorf(app.ECONFLICT, "提案%s，还不能评价", g.Label(p.State))
		}
		a, found, err := tx.activeAssignment(ctx, id, unitID)
		if err != nil {
			return err
		}
		if !found {
			errs.Add("unit_id", "请选择承办本提案的单位")
			return errs.Err()
		}
		if a.Status != PAReplied && a.Status != PARated {
			return app.Errorf(app.ECONFLICT, "%s尚未答复，不能评价", a.UnitName)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE proposal_assignment SET status = 'rated', satisfaction = $2, contact = $3,
			rating_note = $4, rated_by = $5, rated_at = $6 WHERE id = $1`, a.ID, string(in.Satisfaction), string(in.Contact),
			in.Note, actor.Name, tx.Now); err != nil {
			return app.Internal(err, "rate proposal")
		}
		if err := tx.Audit(ctx, actor, Change{Action: "proposal_rate", Entity: "proposal", EntityID: id,
			Committee: p.CommitteeID, OrgPath: p.path, After: in,
			Summary: fmt.Sprintf("评价%s对提案“%s”的办理：%s，%s", a.UnitName, p.Title, in.Satisfaction.Label(), in.Contact.Label())}); err != nil {
			return err
		}
		return tx.tryProposal(ctx, actor, id, proposal.Rated, "提案人已评价各主办单位的办理")
	})
}

// handledProposal refuses a proposal that was never filed or no longer
// stands on its own (a draft, one not yet reviewed, not filed, merged).
func handledProposal(p Proposal, g workflow.Graph) error {
	if p.Seq == 0 || slices.Contains([]string{g.Initial, proposal.Cosigning, proposal.Submitted, proposal.NotFiled,
		proposal.Merged}, p.State) {
		return app.Errorf(app.ECONFLICT, "提案%s，只有已立案的提案可以评为重点提案或优秀提案", g.Label(p.State))
	}
	return nil
}

// MarkKeyProposal makes a filed proposal a key proposal (重点提案) of a year,
// supervised by the named leader; with year 0 it takes the designation
// back. The authors' duty events follow.
func (db *DB) MarkKeyProposal(ctx context.Context, actor app.Actor, id int64, year int, leader string) error {
	leader = strings.TrimSpace(leader)
	var errs app.FieldErrors
	if year != 0 {
		if year < 2000 || year > 2100 {
			errs.Add("key_year", "请填写年度")
		}
		if leader == "" {
			errs.Add("key_leader", "请填写督办领导")
		}
		tooLong(&errs, "key_leader", "督办领导", leader, 60)
	} else {
		leader = ""
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	return db.designate(ctx, actor, id, `key_year = $2, key_leader = $3`, []any{year, leader},
		DutyProposalKeyLead, DutyProposalKeyCosigner, year != 0, func(p Proposal) string {
			if year == 0 {
				return fmt.Sprintf("取消提案“%s”的重点提案", p.Title)
			}
			return fmt.Sprintf("提案“%s”列为%d年度重点提案，由%s督办", p.Title, year, leader)
		})
}

// MarkExcellentProposal names a filed proposal excellent (优秀提案) of a
// year; with year 0 it takes the title back.
func (db *DB) MarkExcellentProposal(ctx context.Context, actor app.Actor, id int64, year int) error {
	if year != 0 && (year < 2000 || year > 2100) {
		var errs app.FieldErrors
		errs.Add("excellent_year", "请填写年度")
		return errs.Err()
	}
	return db.designate(ctx, actor, id, `excellent_year = $2`, []any{year},
		DutyProposalExcellentLead, DutyProposalExcellentCo, year != 0, func(p Proposal) string {
			if year == 0 {
				return fmt.Sprintf("取消提案“%s”的优秀提案", p.Title)
			}
			return fmt.Sprintf("提案“%s”评为%d年度优秀提案", p.Title, year)
		})
}

func (db *DB) designate(ctx context.Context, actor app.Actor, id int64, set string, args []any, leadKind, coKind string,
	on bool, summary func(Proposal) string) error {
	if !canHandleProposals(actor) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能评定重点提案或优秀提案")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, g, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		if on {
			if err := handledProposal(p, g); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE proposal SET `+set+`, updated_at = $`+app.Itoa(int64(len(args)+2))+` WHERE id = $1`,
			append(append([]any{id}, args...), tx.Now)...); err != nil {
			return app.Internal(err, "designate proposal")
		}
		if err := tx.RetractDutyKinds(ctx, SourceProposal, id, leadKind, coKind); err != nil {
			return err
		}
		if on {
			if err := tx.proposalDuty(ctx, p, app.DateOf(tx.Now.In(tx.db.Loc)), leadKind, coKind); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "proposal_designate", Entity: "proposal", EntityID: id,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: summary(p), Before: p, After: args})
	})
}
