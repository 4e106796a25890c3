package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
)

// Implementation feedback (成果落实反馈). The office sends an outcome to one
// or more handling units (lead or supporting) with a deadline; each unit's
// account sees only what was sent to its unit and replies in the platform
// (text and an optional document). The office accepts a reply or returns it
// with a reason, and the unit replies again; every reply is kept. The office
// records the proposer side's satisfaction. An assignment is overdue when
// its deadline has passed without an accepted reply.
//
// Assignment status: sent → replied → returned → replied → … → accepted.

// Assignment statuses.
const (
	AssignSent     = "sent"     // 已交办，待答复
	AssignReplied  = "replied"  // 已答复，待审核
	AssignReturned = "returned" // 已退回，待重新答复
	AssignAccepted = "accepted" // 答复已认可
)

var assignLabels = map[string]string{AssignSent: "待答复", AssignReplied: "已答复待审核",
	AssignReturned: "已退回重办", AssignAccepted: "已认可"}

// AssignStatusLabel is an assignment status in Chinese.
func AssignStatusLabel(s string) string { return labelOr(assignLabels, s) }

// Satisfaction (满意度) of the proposer side with a unit's handling.
const (
	Satisfied    = "satisfied"    // 满意
	Basically    = "basically"    // 基本满意
	Dissatisfied = "dissatisfied" // 不满意
)

// Satisfactions in display order.
var Satisfactions = []string{Satisfied, Basically, Dissatisfied}

var satisfactionLabels = map[string]string{Satisfied: "满意", Basically: "基本满意", Dissatisfied: "不满意"}

// SatisfactionLabel is a satisfaction in Chinese ("" for none).
func SatisfactionLabel(s string) string { return labelOr(satisfactionLabels, s) }

// Verdicts on a reply.
const (
	VerdictAccepted = "accepted" // 认可
	VerdictReturned = "returned" // 退回重办
)

// Assignment is an outcome sent to a handling unit.
type Assignment struct {
	ID                int64     `json:"id"`
	TopicID           int64     `json:"topic_id"`
	TopicTitle        string    `json:"topic_title"`
	OrgName           string    `json:"org_name"`
	OutcomeID         int64     `json:"outcome_id"`
	OutcomeTitle      string    `json:"outcome_title"`
	OutcomeKind       string    `json:"outcome_kind"`
	UnitID            int64     `json:"unit_id"`
	UnitName          string    `json:"unit_name"`
	Lead              bool      `json:"lead"` // 主办 (else 协办)
	Deadline          app.Date  `json:"deadline"`
	Status            string    `json:"status"`
	StatusLabel       string    `json:"status_label"`
	SentAt            time.Time `json:"sent_at"`
	RepliedAt         time.Time `json:"replied_at,omitzero"`
	AcceptedAt        time.Time `json:"accepted_at,omitzero"`
	Satisfaction      string    `json:"satisfaction"`
	SatisfactionLabel string    `json:"satisfaction_label"`
	Overdue           bool      `json:"overdue"` // the deadline passed without an accepted reply
	Replies           []Reply   `json:"replies,omitempty"`

	committeeID int64
	path        string
}

// Reply is a handling unit's reply to an assignment.
type Reply struct {
	ID            int64       `json:"id"`
	AssignmentID  int64       `json:"assignment_id"`
	Body          string      `json:"body"`
	AccountID     int64       `json:"account_id"`
	Actor         string      `json:"actor"`
	At            time.Time   `json:"at"`
	Verdict       string      `json:"verdict"` // "", accepted, returned
	VerdictReason string      `json:"verdict_reason"`
	VerdictActor  string      `json:"verdict_actor"`
	VerdictAt     time.Time   `json:"verdict_at,omitzero"`
	Files         []TopicFile `json:"files"`
}

// AssignInput sends an outcome to handling units of the topic's committee.
type AssignInput struct {
	OutcomeID      int64    `json:"outcome_id"`
	LeadUnitIDs    []int64  `json:"lead_unit_ids"`    // 主办单位
	SupportUnitIDs []int64  `json:"support_unit_ids"` // 协办单位
	Deadline       app.Date `json:"deadline"`
}

// ReplyInput is a unit's reply.
type ReplyInput struct {
	Body string `json:"body"`
}

// VerdictInput accepts or returns a reply; returning needs a reason.
type VerdictInput struct {
	Verdict string `json:"verdict"` // accepted | returned
	Reason  string `json:"reason"`
}

// today is the date in the committees' time zone.
func (db *DB) today() app.Date { return app.DateOf(db.Now().In(db.Loc)) }

const assignmentColumns = `a.id, a.topic_id, t.title, o.name, a.outcome_id, oc.title, oc.kind, a.unit_id, u.name, a.lead,
	a.deadline, a.status, a.sent_at, a.replied_at, a.accepted_at, a.satisfaction, t.committee_id, o.path`

const assignmentFrom = ` FROM topic_assignment a JOIN topic t ON t.id = a.topic_id JOIN org o ON o.id = t.org_id
	JOIN topic_outcome oc ON oc.id = a.outcome_id JOIN handling_unit u ON u.id = a.unit_id`

func scanAssignment(s scanner, a *Assignment, today app.Date) error {
	var replied, accepted sql.NullTime
	err := s.Scan(&a.ID, &a.TopicID, &a.TopicTitle, &a.OrgName, &a.OutcomeID, &a.OutcomeTitle, &a.OutcomeKind, &a.UnitID,
		&a.UnitName, &a.Lead, &a.Deadline, &a.Status, &a.SentAt, &replied, &accepted, &a.Satisfaction, &a.committeeID,
		&a.path)
	a.RepliedAt, a.AcceptedAt = replied.Time, accepted.Time
	a.StatusLabel, a.SatisfactionLabel = AssignStatusLabel(a.Status), SatisfactionLabel(a.Satisfaction)
	a.Overdue = a.Status != AssignAccepted && a.Deadline.Before(today)
	return err
}

// assignments reads assignments with their replies and the replies' files.
func (db *DB) assignments(ctx context.Context, where string, arg any, files []TopicFile) ([]Assignment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+` WHERE `+where+`
		ORDER BY a.outcome_id, a.lead DESC, u.sort, u.name, a.id`, arg)
	if err != nil {
		return nil, app.Internal(err, "find assignments")
	}
	defer rows.Close()
	today := db.today()
	var out []Assignment
	index := map[int64]int{}
	for rows.Next() {
		var a Assignment
		if err := scanAssignment(rows, &a, today); err != nil {
			return nil, app.Internal(err, "scan assignment")
		}
		index[a.ID] = len(out)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "find assignments")
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	replyRows, err := db.read.QueryContext(ctx, `SELECT r.id, r.assignment_id, r.body, r.account_id, r.actor, r.at,
		r.verdict, r.verdict_reason, r.verdict_actor, r.verdict_at FROM topic_reply r
		JOIN topic_assignment a ON a.id = r.assignment_id JOIN topic t ON t.id = a.topic_id
		JOIN org o ON o.id = t.org_id JOIN topic_outcome oc ON oc.id = a.outcome_id
		JOIN handling_unit u ON u.id = a.unit_id WHERE `+where+` ORDER BY r.id`, arg)
	if err != nil {
		return nil, app.Internal(err, "find replies")
	}
	defer replyRows.Close()
	for replyRows.Next() {
		var r Reply
		var vat sql.NullTime
		if err := replyRows.Scan(&r.ID, &r.AssignmentID, &r.Body, &r.AccountID, &r.Actor, &r.At, &r.Verdict,
			&r.VerdictReason, &r.VerdictActor, &vat); err != nil {
			return nil, app.Internal(err, "scan reply")
		}
		r.VerdictAt = vat.Time
		for _, f := range files {
			if f.ReplyID == r.ID {
				r.Files = append(r.Files, f)
			}
		}
		if i, ok := index[r.AssignmentID]; ok {
			out[i].Replies = append(out[i].Replies, r)
		}
	}
	return out, app.Internal(replyRows.Err(), "find replies")
}

// AssignTopicOutcome sends an outcome of the topic to handling units of its
// committee with a deadline (not in the past). A unit already sent the same
// outcome, or named both lead and supporting, is a field error.
func (db *DB) AssignTopicOutcome(ctx context.Context, actor app.Actor, topicID int64, in AssignInput) ([]Assignment, error) {
	var errs app.FieldErrors
	if in.OutcomeID == 0 {
		errs.Add("outcome_id", "请选择交办的协商成果")
	}
	if len(in.LeadUnitIDs)+len(in.SupportUnitIDs) == 0 {
		errs.Add("lead_unit_ids", "请选择至少一个承办单位")
	}
	if in.Deadline.IsZero() {
		errs.Add("deadline", "请填写办理期限")
	} else if in.Deadline.Before(db.today()) {
		errs.Add("deadline", "办理期限不能早于今天")
	}
	lead := map[int64]bool{}
	for _, id := range in.LeadUnitIDs {
		lead[id] = true
	}
	for _, id := range in.SupportUnitIDs {
		if lead[id] {
			errs.Add("support_unit_ids", "同一单位不能既是主办单位又是协办单位")
			break
		}
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		t, _, err := tx.workTopic(ctx, actor, topicID, true)
		if err != nil {
			return err
		}
		o, err := tx.outcomeOf(ctx, topicID, in.OutcomeID)
		if err != nil {
			errs.Add("outcome_id", "所选成果不属于本议题")
			return errs.Err()
		}
		var names []string
		seen := map[int64]bool{}
		send := func(ids []int64, isLead bool, field string) error {
			for _, uid := range ids {
				if seen[uid] {
					continue
				}
				seen[uid] = true
				u, err := tx.unitOfCommittee(ctx, t.CommitteeID, uid)
				if err != nil {
					if app.ErrorCode(err) == app.EINTERNAL {
						return err
					}
					errs.Add(field, fmt.Sprintf("承办单位（编号%d）不是本政协的承办单位或已撤销", uid))
					continue
				}
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM topic_assignment WHERE outcome_id = $1 AND unit_id = $2`,
					o.ID, uid).Scan(&n); err != nil {
					return app.Internal(err, "assign outcome")
				}
				if n > 0 {
					errs.Add(field, u.Name+"已交办过该成果")
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO topic_assignment (topic_id, outcome_id, unit_id, lead, deadline,
					status, sent_at) VALUES ($1, $2, $3, $4, $5, 'sent', $6)`, topicID, o.ID, uid, isLead, in.Deadline,
					tx.Now); err != nil {
					return app.Internal(err, "assign outcome")
				}
				role := "协办"
				if isLead {
					role = "主办"
				}
				names = append(names, u.Name+"（"+role+"）")
			}
			return nil
		}
		if err := send(in.LeadUnitIDs, true, "lead_unit_ids"); err != nil {
			return err
		}
		if err := send(in.SupportUnitIDs, false, "support_unit_ids"); err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_assign", Entity: "topic", EntityID: topicID,
			Committee: t.CommitteeID, OrgPath: t.path,
			Summary: fmt.Sprintf("议题“%s”的%s“%s”交%s办理，期限%s", t.Title, o.KindLabel, o.Title,
				strings.Join(names, "、"), in.Deadline.Chinese()), After: in})
	})
	if err != nil {
		return nil, err
	}
	return db.assignments(ctx, `a.topic_id = $1`, topicID, nil)
}

// lockAssignment reads an assignment for a change, by where (which scopes
// it) and locks its row.
func (tx *Tx) lockAssignment(ctx context.Context, where string, args ...any) (Assignment, error) {
	var a Assignment
	err := scanAssignment(tx.QueryRowContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+` WHERE `+where+
		tx.db.Dialect.forUpdateOf("a"), args...), &a, tx.db.today())
	return a, notFound(err, "交办事项", "lock assignment")
}

// ReplyAssignment is a handling unit's reply to what was sent to it, with
// an optional document (PDF or Word). Only an account of the unit the
// outcome was sent to may reply (another unit's account gets ENOTFOUND and
// nothing is written); a reply waits for the office's verdict, and after a
// return the unit replies again.
func (db *DB) ReplyAssignment(ctx context.Context, actor app.Actor, assignmentID int64, in ReplyInput, doc *DocumentInput) (Reply, error) {
	if !auth.Role(actor.Role).Can(auth.UnitReply) || actor.UnitID == 0 {
		return Reply{}, app.Errorf(app.EFORBIDDEN, "只有承办单位的账号可以答复")
	}
	in.Body = strings.TrimSpace(in.Body)
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Body); {
	case n == 0:
		errs.Add("body", "请填写答复内容")
	case n > 20000:
		errs.Add("body", "答复内容不能超过20000个字")
	}
	if len(errs) > 0 {
		return Reply{}, errs.Err()
	}
	var r Reply
	err := db.InTx(ctx, func(tx *Tx) error {
		a, err := tx.lockAssignment(ctx, `a.id = $1 AND a.unit_id = $2`, assignmentID, actor.UnitID)
		if err != nil {
			return err
		}
		switch a.Status {
		case AssignReplied:
			return app.Errorf(app.ECONFLICT, "已答复，请等待政协机关审核")
		case AssignAccepted:
			return app.Errorf(app.ECONFLICT, "答复已被认可，不能再答复")
		}
		r = Reply{AssignmentID: a.ID, Body: in.Body, AccountID: actor.AccountID, Actor: actor.Name, At: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO topic_reply (assignment_id, body, account_id, actor, at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.ID, r.Body, r.AccountID, r.Actor, tx.Now).Scan(&r.ID); err != nil {
			return app.Internal(err, "add reply")
		}
		if doc != nil {
			t := Topic{ID: a.TopicID, CommitteeID: a.committeeID}
			f, err := tx.addTopicFile(ctx, actor, t, *doc, documentTypes, topicFileLink{ReplyID: r.ID}, "file")
			if err != nil {
				return err
			}
			r.Files = append(r.Files, f)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE topic_assignment SET status = 'replied', replied_at = $2 WHERE id = $1`,
			a.ID, tx.Now); err != nil {
			return app.Internal(err, "reply")
		}
		again := ""
		if a.Status == AssignReturned {
			again = "重新"
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_reply", Entity: "topic", EntityID: a.TopicID,
			Committee: a.committeeID, OrgPath: a.path,
			Summary: fmt.Sprintf("%s%s答复议题“%s”的“%s”", a.UnitName, again, a.TopicTitle, a.OutcomeTitle), After: r})
	})
	return r, err
}

// JudgeReply accepts or returns (with a reason) the latest reply of an
// assignment, which must be waiting for a verdict.
func (db *DB) JudgeReply(ctx context.Context, actor app.Actor, replyID int64, in VerdictInput) (Assignment, error) {
	if !canRunConsultation(actor) {
		return Assignment{}, app.Errorf(app.EFORBIDDEN, "当前账号不能审核答复")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var errs app.FieldErrors
	switch in.Verdict {
	case VerdictAccepted:
	case VerdictReturned:
		if in.Reason == "" {
			errs.Add("reason", "退回须说明理由")
		}
	default:
		errs.Add("verdict", "请选择认可或退回")
	}
	tooLong(&errs, "reason", "理由", in.Reason, 2000)
	if len(errs) > 0 {
		return Assignment{}, errs.Err()
	}
	var assignmentID int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var verdict string
		if err := tx.QueryRowContext(ctx, `SELECT assignment_id, verdict FROM topic_reply WHERE id = $1`, replyID).
			Scan(&assignmentID, &verdict); err != nil {
			return notFound(err, "答复", "judge reply")
		}
		a, err := tx.lockAssignment(ctx, `a.id = $1 AND o.path LIKE $2 || '%'`, assignmentID, actor.Path)
		if err != nil {
			if app.ErrorCode(err) == app.ENOTFOUND {
				return app.NotFound("答复")
			}
			return err
		}
		var latest int64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM topic_reply WHERE assignment_id = $1`, a.ID).Scan(&latest); err != nil {
			return app.Internal(err, "judge reply")
		}
		if verdict != "" || latest != replyID || a.Status != AssignReplied {
			return app.Errorf(app.ECONFLICT, "该答复已审核，或已有更新的答复")
		}
		status, acceptedAt := AssignReturned, any(nil)
		if in.Verdict == VerdictAccepted {
			status, acceptedAt = AssignAccepted, tx.Now
		}
		if _, err := tx.ExecContext(ctx, `UPDATE topic_reply SET verdict = $2, verdict_reason = $3, verdict_actor = $4,
			verdict_at = $5 WHERE id = $1`, replyID, in.Verdict, in.Reason, actor.Name, tx.Now); err != nil {
			return app.Internal(err, "judge reply")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE topic_assignment SET status = $2, accepted_at = $3 WHERE id = $1`,
			a.ID, status, acceptedAt); err != nil {
			return app.Internal(err, "judge reply")
		}
		summary := fmt.Sprintf("认可%s对议题“%s”的答复", a.UnitName, a.TopicTitle)
		if in.Verdict == VerdictReturned {
			summary = fmt.Sprintf("退回%s对议题“%s”的答复：%s", a.UnitName, a.TopicTitle, in.Reason)
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_verdict", Entity: "topic", EntityID: a.TopicID,
			Committee: a.committeeID, OrgPath: a.path, Summary: summary, After: in})
	})
	if err != nil {
		return Assignment{}, err
	}
	return db.findAssignment(ctx, `a.id = $1`, assignmentID)
}

// SetAssignmentSatisfaction records the proposer side's satisfaction with a
// unit's handling, once the unit has replied.
func (db *DB) SetAssignmentSatisfaction(ctx context.Context, actor app.Actor, assignmentID int64, satisfaction string) (Assignment, error) {
	if !canRunConsultation(actor) {
		return Assignment{}, app.Errorf(app.EFORBIDDEN, "当前账号不能评价办理情况")
	}
	if _, ok := satisfactionLabels[satisfaction]; !ok {
		var errs app.FieldErrors
		errs.Add("satisfaction", "请选择满意、基本满意或不满意")
		return Assignment{}, errs.Err()
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		a, err := tx.lockAssignment(ctx, `a.id = $1 AND o.path LIKE $2 || '%'`, assignmentID, actor.Path)
		if err != nil {
			return err
		}
		if a.Status == AssignSent {
			return app.Errorf(app.ECONFLICT, "%s尚未答复，暂不能评价", a.UnitName)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE topic_assignment SET satisfaction = $2 WHERE id = $1`,
			a.ID, satisfaction); err != nil {
			return app.Internal(err, "satisfaction")
		}
		return tx.Audit(ctx, actor, Change{Action: "topic_satisfaction", Entity: "topic", EntityID: a.TopicID,
			Committee: a.committeeID, OrgPath: a.path,
			Summary: fmt.Sprintf("对%s办理议题“%s”的评价：%s", a.UnitName, a.TopicTitle, SatisfactionLabel(satisfaction)),
			Before:  struct{ Satisfaction string }{a.Satisfaction}, After: struct{ Satisfaction string }{satisfaction}})
	})
	if err != nil {
		return Assignment{}, err
	}
	return db.findAssignment(ctx, `a.id = $1`, assignmentID)
}

func (db *DB) findAssignment(ctx context.Context, where string, arg any) (Assignment, error) {
	files, err := db.topicFiles(ctx, `f.reply_id IN (SELECT r.id FROM topic_reply r JOIN topic_assignment a
		ON a.id = r.assignment_id WHERE `+where+`)`, arg)
	if err != nil {
		return Assignment{}, err
	}
	as, err := db.assignments(ctx, where, arg, files)
	if err != nil {
		return Assignment{}, err
	}
	if len(as) == 0 {
		return Assignment{}, app.NotFound("交办事项")
	}
	return as[0], nil
}

// FindAssignmentByID returns an assignment of a topic in the actor's
// subtree with its replies.
func (db *DB) FindAssignmentByID(ctx context.Context, actor app.Actor, id int64) (Assignment, error) {
	a, err := db.findAssignment(ctx, `a.id = $1`, id)
	if err != nil {
		return a, err
	}
	if !auth.Role(actor.Role).Can(auth.ConsultRead) || !actor.Sees(a.path) {
		return Assignment{}, app.NotFound("交办事项")
	}
	return a, nil
}

// FindReplyAssignment returns the assignment a reply belongs to, for a
// reader of a topic in its subtree.
func (db *DB) FindReplyAssignment(ctx context.Context, actor app.Actor, replyID int64) (Assignment, error) {
	var id int64
	if err := db.read.QueryRowContext(ctx, `SELECT assignment_id FROM topic_reply WHERE id = $1`, replyID).Scan(&id); err != nil {
		return Assignment{}, notFound(err, "答复", "find reply")
	}
	a, err := db.FindAssignmentByID(ctx, actor, id)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return a, app.NotFound("答复")
	}
	return a, err
}

// UnitInboxFilter narrows a unit's inbox.
type UnitInboxFilter struct {
	Open    bool // only assignments not yet accepted
	Overdue bool // only overdue ones
}

// mustBeUnit refuses accounts that are not a handling unit's.
func mustBeUnit(actor app.Actor) error {
	if !auth.Role(actor.Role).Can(auth.UnitReply) || actor.UnitID == 0 {
		return app.Errorf(app.EFORBIDDEN, "只有承办单位的账号可以查看交办事项")
	}
	return nil
}

// FindUnitInbox lists what was sent to the actor's handling unit, open ones
// first by deadline, without the replies.
func (db *DB) FindUnitInbox(ctx context.Context, actor app.Actor, f UnitInboxFilter) ([]Assignment, error) {
	if err := mustBeUnit(actor); err != nil {
		return nil, err
	}
	as, err := db.assignments(ctx, `a.unit_id = $1`, actor.UnitID, nil)
	if err != nil {
		return nil, err
	}
	out := as[:0]
	for _, a := range as {
		if f.Open && a.Status == AssignAccepted || f.Overdue && !a.Overdue {
			continue
		}
		a.Replies = nil
		out = append(out, a)
	}
	rank := func(a Assignment) int {
		switch a.Status {
		case AssignReturned:
			return 0
		case AssignSent:
			return 1
		case AssignReplied:
			return 2
		}
		return 3
	}
	slices.SortStableFunc(out, func(x, y Assignment) int {
		if rank(x) != rank(y) {
			return rank(x) - rank(y)
		}
		return strings.Compare(x.Deadline.String(), y.Deadline.String())
	})
	return out, nil
}

// UnitAssignment is what a unit sees of one assignment: the topic as a
// summary, the outcome with its documents, and its replies.
type UnitAssignment struct {
	Assignment
	TopicForm   string  `json:"topic_form"`
	Description string  `json:"description"`
	Outcome     Outcome `json:"outcome"`
}

// FindUnitAssignment returns an assignment of the actor's unit; another
// unit's (and any, for an account without a unit) is ENOTFOUND.
func (db *DB) FindUnitAssignment(ctx context.Context, actor app.Actor, id int64) (UnitAssignment, error) {
	var ua UnitAssignment
	if actor.UnitID == 0 { // nothing was sent to an account without a unit
		return ua, app.NotFound("交办事项")
	}
	var unit int64
	if err := db.read.QueryRowContext(ctx, `SELECT unit_id FROM topic_assignment WHERE id = $1`, id).Scan(&unit); err != nil {
		return ua, notFound(err, "交办事项", "unit assignment")
	}
	if unit != actor.UnitID {
		return ua, app.NotFound("交办事项")
	}
	a, err := db.findAssignment(ctx, `a.id = $1`, id)
	if err != nil {
		return ua, err
	}
	ua.Assignment = a
	if err := db.read.QueryRowContext(ctx, `SELECT form, description FROM topic WHERE id = $1`, a.TopicID).
		Scan(&ua.TopicForm, &ua.Description); err != nil {
		return ua, app.Internal(err, "unit assignment topic")
	}
	files, err := db.topicFiles(ctx, `f.outcome_id = $1`, a.OutcomeID)
	if err != nil {
		return ua, err
	}
	if err := scanOutcome(db.read.QueryRowContext(ctx, `SELECT `+outcomeColumns+` FROM topic_outcome WHERE id = $1`,
		a.OutcomeID), &ua.Outcome); err != nil {
		return ua, app.Internal(err, "unit assignment outcome")
	}
	ua.Outcome.Files = files
	return ua, nil
}
