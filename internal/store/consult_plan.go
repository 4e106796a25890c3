package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/consult"
	"xieshang/internal/meeting"
)

// The annual consultation work plan (年度协商工作计划) of a committee: its
// items are topics with plan_id set, each with a form, a lead special
// committee and a planned month. The office submits the plan to a standing
// committee or chair's meeting (SubmitPlan puts 《…年度协商工作计划（草案）》
// on the agenda); when that item's deliberation vote passes, CloseVote calls
// adoptPlans and the plan is adopted. From then on every change to its items
// needs a reason and keeps a revision: version+1 and a JSON snapshot of the
// items before the change (consult.DiffPlan shows what changed).

// PlanStatus is where a plan stands.
type PlanStatus string

const (
	PlanDraft     PlanStatus = "draft"     // 草案
	PlanSubmitted PlanStatus = "submitted" // 已提交会议审议
	PlanAdopted   PlanStatus = "adopted"   // 已通过
)

// Label is the status in Chinese.
func (s PlanStatus) Label() string {
	switch s {
	case PlanDraft:
		return "草案"
	case PlanSubmitted:
		return "已提交会议审议"
	case PlanAdopted:
		return "已通过"
	}
	return string(s)
}

// Plan is a committee's consultation work plan for a year.
type Plan struct {
	ID            int64      `json:"id"`
	CommitteeID   int64      `json:"committee_id"`
	CommitteeName string     `json:"committee_name"`
	Year          int        `json:"year"`
	Title         string     `json:"title"`
	Status        PlanStatus `json:"status"`
	StatusLabel   string     `json:"status_label"`
	AgendaItemID  int64      `json:"agenda_item_id,omitempty"`
	MeetingID     int64      `json:"meeting_id,omitempty"`
	MeetingTitle  string     `json:"meeting_title,omitempty"`
	VoteID        int64      `json:"vote_id,omitempty"` // the deliberation vote on the agenda item
	VoteResult    string     `json:"vote_result,omitempty"`
	AdoptedOn     string     `json:"adopted_on,omitempty"`
	Version       int        `json:"version"`
	Items         int        `json:"items"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`

	path      string
	voteOpen  bool
	voteTaken bool // the latest vote closed
	passed    bool
}

// PlanInput creates a plan; an empty title is 《<committee><year>年度协商工作计划》.
type PlanInput struct {
	CommitteeID int64  `json:"committee_id"`
	Year        int    `json:"year"`
	Title       string `json:"title"`
}

// PlanRevision is one change to an adopted plan.
type PlanRevision struct {
	ID        int64              `json:"id"`
	Version   int                `json:"version"`
	Reason    string             `json:"reason"`
	Before    []consult.PlanItem `json:"before"`
	Changes   []string           `json:"changes"` // what changed from Before to the next version
	AccountID int64              `json:"account_id"`
	Actor     string             `json:"actor"`
	At        time.Time          `json:"at"`
}

const planColumns = `p.id, p.committee_id, o.name, o.short_name, p.year, p.title, p.status,
	COALESCE(p.agenda_item_id, 0), COALESCE(a.meeting_id, 0), COALESCE(mt.title, ''), p.adopted_on, p.version,
	(SELECT COUNT(*) FROM topic t WHERE t.plan_id = p.id), p.created_at, p.updated_at, o.path,
	COALESCE(v.id, 0), COALESCE(v.status, ''), COALESCE(v.passed, FALSE)`

// planFrom joins the latest vote on the plan's agenda item.
const planFrom = ` FROM consult_plan p JOIN org o ON o.id = p.committee_id
	LEFT JOIN agenda_item a ON a.id = p.agenda_item_id
	LEFT JOIN meeting mt ON mt.id = a.meeting_id
	LEFT JOIN vote v ON v.id = (SELECT MAX(id) FROM vote WHERE agenda_item_id = p.agenda_item_id)`

func scanPlan(s scanner, p *Plan) error {
	var name, short, voteStatus string
	err := s.Scan(&p.ID, &p.CommitteeID, &name, &short, &p.Year, &p.Title, &p.Status, &p.AgendaItemID, &p.MeetingID,
		&p.MeetingTitle, &p.AdoptedOn, &p.Version, &p.Items, &p.CreatedAt, &p.UpdatedAt, &p.path, &p.VoteID,
		&voteStatus, &p.passed)
	p.CommitteeName = name
	if short != "" {
		p.CommitteeName = short
	}
	p.StatusLabel = p.Status.Label()
	p.voteOpen = voteStatus == string(VoteOpen)
	p.voteTaken = voteStatus == string(VoteClosed)
	switch {
	case p.voteOpen:
		p.VoteResult = "表决中"
	case p.voteTaken:
		p.VoteResult = meeting.ResultLabel(p.passed)
	}
	if p.Status == PlanSubmitted && p.voteTaken && !p.passed {
		p.StatusLabel = "会议表决未通过"
	}
	return err
}

func findPlan(ctx context.Context, q querier, actor app.Actor, id int64, lock string) (Plan, error) {
	var p Plan
	err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planColumns+planFrom+` WHERE p.id = $1 AND o.path LIKE $2 || '%'`+lock,
		id, actor.Path), &p)
	return p, notFound(err, "协商工作计划", "find plan")
}

// lockPlan finds a plan in the actor's subtree and locks it.
func (tx *Tx) lockPlan(ctx context.Context, actor app.Actor, id int64) (Plan, error) {
	return findPlan(ctx, tx, actor, id, tx.db.Dialect.forUpdateOf("p"))
}

// FindPlanByID reads a plan of the actor's subtree.
func (db *DB) FindPlanByID(ctx context.Context, actor app.Actor, id int64) (Plan, error) {
	return findPlan(ctx, db.read, actor, id, "")
}

// FindPlans lists the plans of the actor's subtree (one year, or all with 0), newest first.
func (db *DB) FindPlans(ctx context.Context, actor app.Actor, year int) ([]Plan, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+planColumns+planFrom+` WHERE o.path LIKE $1 || '%'
		AND ($2 = 0 OR p.year = $2) ORDER BY p.year DESC, o.path`, actor.Path, year)
	if err != nil {
		return nil, app.Internal(err, "find plans")
	}
	defer rows.Close()
	var out []Plan
	for rows.Next() {
		var p Plan
		if err := scanPlan(rows, &p); err != nil {
			return nil, app.Internal(err, "find plans")
		}
		out = append(out, p)
	}
	return out, app.Internal(rows.Err(), "find plans")
}

// CreatePlan creates a committee's plan for a year (one per committee and year).
func (db *DB) CreatePlan(ctx context.Context, actor app.Actor, in PlanInput) (Plan, error) {
	if !canRunConsultation(actor) {
		return Plan{}, app.Errorf(app.EFORBIDDEN, "当前账号不能制定协商工作计划")
	}
	in.Title = strings.TrimSpace(in.Title)
	var errs app.FieldErrors
	if in.Year < 2000 || in.Year > 2100 {
		errs.Add("year", "年度应为2000至2100之间的年份")
	}
	if len([]rune(in.Title)) > 100 {
		errs.Add("title", "计划名称不能超过100个字")
	}
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := findOrg(ctx, tx, actor, in.CommitteeID)
		if err != nil || !c.IsCommittee() {
			errs.Add("committee_id", "请选择本账号管辖范围内的市、县(区)政协")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if in.Title == "" {
			in.Title = fmt.Sprintf("%s%d年度协商工作计划", c.WrittenName(), in.Year)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO consult_plan (committee_id, year, title, status, created_at, updated_at)
			VALUES ($1, $2, $3, 'draft', $4, $4) RETURNING id`, c.ID, in.Year, in.Title, tx.Now).Scan(&id)
		if isUniqueViolation(err) {
			errs.Add("year", fmt.Sprintf("%s%d年度的协商工作计划已建立", c.WrittenName(), in.Year))
			return errs.Err()
		} else if err != nil {
			return app.Internal(err, "create plan")
		}
		return tx.Audit(ctx, actor, Change{Action: "plan_create", Entity: "consult_plan", EntityID: id, Committee: c.ID,
			OrgPath: c.Path, Summary: "建立" + in.Title, After: in})
	})
	if err != nil {
		return Plan{}, err
	}
	return db.FindPlanByID(ctx, actor, id)
}

const planItemQuery = `SELECT t.id, t.title, t.form, COALESCE(sc.name, ''), t.planned_month FROM topic t
	LEFT JOIN special_committee sc ON sc.id = t.lead_committee_id WHERE t.plan_id = $1 ORDER BY t.planned_month, t.id`

// planItems reads a plan's items as a snapshot.
func planItems(ctx context.Context, q querier, planID int64) ([]consult.PlanItem, error) {
	rows, err := q.QueryContext(ctx, planItemQuery, planID)
	if err != nil {
		return nil, app.Internal(err, "plan items")
	}
	defer rows.Close()
	out := []consult.PlanItem{}
	for rows.Next() {
		var it consult.PlanItem
		if err := rows.Scan(&it.TopicID, &it.Title, &it.Form, &it.LeadCommittee, &it.Month); err != nil {
			return nil, app.Internal(err, "plan items")
		}
		out = append(out, it)
	}
	return out, app.Internal(rows.Err(), "plan items")
}

// FindPlanItems lists a plan's topics by planned month.
func (db *DB) FindPlanItems(ctx context.Context, actor app.Actor, planID int64) ([]Topic, error) {
	if _, err := db.FindPlanByID(ctx, actor, planID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+topicColumns+topicFrom+` WHERE t.plan_id = $1
		ORDER BY t.planned_month, t.id`, planID)
	if err != nil {
		return nil, app.Internal(err, "find plan items")
	}
	defer rows.Close()
	var out []Topic
	for rows.Next() {
		var t Topic
		if err := db.scanTopic(rows, &t); err != nil {
			return nil, app.Internal(err, "find plan items")
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "find plan items")
	}
	rows.Close()
	gs, now := graphs{}, db.Now()
	for i := range out {
		g, err := gs.of(ctx, db.read, out[i].CommitteeID)
		if err != nil {
			return nil, err
		}
		out[i].derive(g, now, db.Loc)
		out[i].maskFor(actor)
	}
	return out, nil
}

// FindPlanRevisions lists an adopted plan's revisions, oldest first, each
// with what it changed.
func (db *DB) FindPlanRevisions(ctx context.Context, actor app.Actor, planID int64) ([]PlanRevision, error) {
	if _, err := db.FindPlanByID(ctx, actor, planID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, version, reason, snapshot_json, account_id, actor, at
		FROM consult_plan_revision WHERE plan_id = $1 ORDER BY version, id`, planID)
	if err != nil {
		return nil, app.Internal(err, "plan revisions")
	}
	defer rows.Close()
	var out []PlanRevision
	for rows.Next() {
		var r PlanRevision
		var snap string
		if err := rows.Scan(&r.ID, &r.Version, &r.Reason, &snap, &r.AccountID, &r.Actor, &r.At); err != nil {
			return nil, app.Internal(err, "plan revisions")
		}
		if err := json.Unmarshal([]byte(snap), &r.Before); err != nil {
			return nil, app.Internal(err, "plan revision snapshot")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "plan revisions")
	}
	rows.Close()
	current, err := planItems(ctx, db.read, planID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		after := current
		if i+1 < len(out) {
			after = out[i+1].Before
		}
		out[i].Changes = consult.DiffPlan(out[i].Before, after)
	}
	return out, nil
}

// changePlan runs a change to a plan's items: refused while the plan's vote
// is open; once adopted, with a reason, a revision row (the items before,
// version+1) and the plan's version raised. The change's own audit row is
// written by the caller.
func (tx *Tx) changePlan(ctx context.Context, actor app.Actor, p Plan, reason string, change func() error) error {
	if p.voteOpen {
		return app.Errorf(app.ECONFLICT, "计划正在会议表决中，不能调整")
	}
	if p.Status != PlanAdopted {
		return change()
	}
	if errs := consult.CheckReason(reason, true); len(errs) > 0 {
		return errs.Err()
	}
	before, err := planItems(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	snap, err := json.Marshal(before)
	if err != nil {
		return app.Internal(err, "plan snapshot")
	}
	version := p.Version + 1
	if _, err := tx.ExecContext(ctx, `INSERT INTO consult_plan_revision (plan_id, version, reason, snapshot_json,
		account_id, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, version, strings.TrimSpace(reason), string(snap),
		actor.AccountID, actor.Name, tx.Now); err != nil {
		return app.Internal(err, "plan revision")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE consult_plan SET version = $2, updated_at = $3 WHERE id = $1`,
		p.ID, version, tx.Now); err != nil {
		return app.Internal(err, "plan version")
	}
	return nil
}

// placeTopic writes a topic's plan fields after checking the special committee.
func (tx *Tx) placeTopic(ctx context.Context, p Plan, topicID int64, in consult.PlanItemInput) error {
	if in.LeadCommitteeID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM special_committee WHERE id = $1 AND committee_id = $2`,
			in.LeadCommitteeID, p.CommitteeID).Scan(&n); err != nil {
			return app.Internal(err, "plan: lead committee")
		}
		if n == 0 {
			var errs app.FieldErrors
			errs.Add("lead_committee_id", "牵头专门委员会不属于本政协")
			return errs.Err()
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE topic SET plan_id = $2, form = $3, lead_committee_id = $4, planned_month = $5,
		updated_at = $6 WHERE id = $1`, topicID, p.ID, string(in.Form), nullInt(in.LeadCommitteeID), in.Month, tx.Now)
	return app.Internal(err, "place topic in plan")
}

func checkPlanItem(in *consult.PlanItemInput, p Plan) error {
	in.Reason = strings.TrimSpace(in.Reason)
	return in.Validate(p.Status == PlanAdopted).Err()
}

// planTopic locks a topic for a plan change: a topic of the plan's committee
// and year.
func (tx *Tx) planTopic(ctx context.Context, actor app.Actor, p Plan, topicID int64) (Topic, error) {
	t, err := tx.lockTopic(ctx, actor, topicID)
	if err != nil {
		return t, err
	}
	if t.CommitteeID != p.CommitteeID {
		return t, app.Errorf(app.ECONFLICT, "议题“%s”不属于%s", t.Title, p.CommitteeName)
	}
	if t.Year != p.Year {
		return t, app.Errorf(app.ECONFLICT, "议题“%s”是%d年度的议题，不能列入%d年度计划", t.Title, t.Year, p.Year)
	}
	return t, nil
}

// AddPlanItem puts a selected topic of the plan's committee and year into
// the plan with its form, lead special committee and month.
func (db *DB) AddPlanItem(ctx context.Context, actor app.Actor, planID, topicID int64, in consult.PlanItemInput) error {
	if !canRunConsultation(actor) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能调整协商工作计划")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, err := tx.lockPlan(ctx, actor, planID)
		if err != nil {
			return err
		}
		return tx.addPlanItem(ctx, actor, p, topicID, in)
	})
}

func (tx *Tx) addPlanItem(ctx context.Context, actor app.Actor, p Plan, topicID int64, in consult.PlanItemInput) error {
	if err := checkPlanItem(&in, p); err != nil {
		return err
	}
	t, err := tx.planTopic(ctx, actor, p, topicID)
	if err != nil {
		return err
	}
	switch {
	case t.PlanID == p.ID:
		return app.Errorf(app.ECONFLICT, "议题“%s”已在计划中", t.Title)
	case t.PlanID != 0:
		return app.Errorf(app.ECONFLICT, "议题“%s”已列入另一份计划", t.Title)
	}
	g, _, err := readGraph(ctx, tx, t.CommitteeID, GraphKindTopic)
	if err != nil {
		return err
	}
	if s, _ := g.State(t.State); s.Final || t.State == g.Initial {
		return app.Errorf(app.ECONFLICT, "议题“%s”%s，选定后才能列入计划", t.Title, g.Label(t.State))
	}
	err = tx.changePlan(ctx, actor, p, in.Reason, func() error { return tx.placeTopic(ctx, p, topicID, in) })
	if err != nil {
		return err
	}
	return tx.Audit(ctx, actor, Change{Action: "plan_add", Entity: "consult_plan", EntityID: p.ID,
		Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("%s增加议题“%s”（%s，%s）%s", p.Title, t.Title,
			in.Form.Label(), consult.MonthLabel(in.Month), reasonNote(in.Reason)), After: in})
}

func reasonNote(reason string) string {
	if reason == "" {
		return ""
	}
	return "，理由：" + reason
}

// PlanTopicInput creates a topic directly in a plan (source office).
type PlanTopicInput struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	consult.PlanItemInput
}

// CreatePlanItem creates a topic of the office directly in the plan: at the
// plan's committee, source office, moved to selected through the committee's
// graph, then placed in the plan.
func (db *DB) CreatePlanItem(ctx context.Context, actor app.Actor, planID int64, in PlanTopicInput) (int64, error) {
	if !canRunConsultation(actor) {
		return 0, app.Errorf(app.EFORBIDDEN, "当前账号不能调整协商工作计划")
	}
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		p, err := tx.lockPlan(ctx, actor, planID)
		if err != nil {
			return err
		}
		ti := consult.TopicInput{OrgID: p.CommitteeID, Year: p.Year, Title: in.Title, Description: in.Description,
			Form: in.Form, Source: consult.FromOffice}
		ti.Normalize()
		errs := ti.Validate()
		in.Reason = strings.TrimSpace(in.Reason)
		errs = append(errs, in.PlanItemInput.Validate(p.Status == PlanAdopted)...)
		if err := errs.Err(); err != nil {
			return err
		}
		if id, err = tx.createTopic(ctx, actor, ti, 0, 0); err != nil {
			return err
		}
		if err := tx.advanceTopic(ctx, actor, id, AdvanceInput{To: consult.Selected, Note: "列入" + p.Title}); err != nil {
			return err
		}
		return tx.addPlanItem(ctx, actor, p, id, in.PlanItemInput)
	})
	return id, err
}

// UpdatePlanItem changes an item's form, lead special committee or month.
func (db *DB) UpdatePlanItem(ctx context.Context, actor app.Actor, planID, topicID int64, in consult.PlanItemInput) error {
	if !canRunConsultation(actor) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能调整协商工作计划")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, err := tx.lockPlan(ctx, actor, planID)
		if err != nil {
			return err
		}
		if err := checkPlanItem(&in, p); err != nil {
			return err
		}
		t, err := tx.planTopic(ctx, actor, p, topicID)
		if err != nil {
			return err
		}
		if t.PlanID != p.ID {
			return app.NotFound("计划中的议题")
		}
		if t.Form == in.Form && t.LeadCommitteeID == in.LeadCommitteeID && t.PlannedMonth == in.Month {
			return app.Errorf(app.ECONFLICT, "没有需要保存的修改")
		}
		err = tx.changePlan(ctx, actor, p, in.Reason, func() error { return tx.placeTopic(ctx, p, topicID, in) })
		if err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "plan_update", Entity: "consult_plan", EntityID: p.ID,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("%s调整议题“%s”：%s，%s%s", p.Title, t.Title,
				in.Form.Label(), consult.MonthLabel(in.Month), reasonNote(in.Reason)),
			Before: consult.PlanItemInput{Form: t.Form, LeadCommitteeID: t.LeadCommitteeID, Month: t.PlannedMonth}, After: in})
	})
}

// RemovePlanItem takes a topic out of the plan (the topic itself stays).
func (db *DB) RemovePlanItem(ctx context.Context, actor app.Actor, planID, topicID int64, reason string) error {
	if !canRunConsultation(actor) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能调整协商工作计划")
	}
	reason = strings.TrimSpace(reason)
	return db.InTx(ctx, func(tx *Tx) error {
		p, err := tx.lockPlan(ctx, actor, planID)
		if err != nil {
			return err
		}
		if errs := consult.CheckReason(reason, p.Status == PlanAdopted); len(errs) > 0 {
			return errs.Err()
		}
		t, err := tx.planTopic(ctx, actor, p, topicID)
		if err != nil {
			return err
		}
		if t.PlanID != p.ID {
			return app.NotFound("计划中的议题")
		}
		err = tx.changePlan(ctx, actor, p, reason, func() error {
			_, err := tx.ExecContext(ctx, `UPDATE topic SET plan_id = NULL, updated_at = $2 WHERE id = $1`, topicID, tx.Now)
			return app.Internal(err, "remove plan item")
		})
		if err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "plan_remove", Entity: "consult_plan", EntityID: p.ID,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("%s删除议题“%s”%s", p.Title, t.Title,
				reasonNote(reason))})
	})
}

// SelectInput selects a collected topic (议题选定) into a plan.
type SelectInput struct {
	PlanID int64 `json:"plan_id"` // 0: the plan of the topic's committee and year
	consult.PlanItemInput
}

// SelectTopic moves a collected topic to selected through the committee's
// graph and puts it into the plan, in one transaction.
func (db *DB) SelectTopic(ctx context.Context, actor app.Actor, topicID int64, in SelectInput) error {
	if !canRunConsultation(actor) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能选定议题")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		t, err := db.findTopic(ctx, tx, actor, topicID)
		if err != nil {
			return err
		}
		if in.PlanID == 0 {
			err := tx.QueryRowContext(ctx, `SELECT id FROM consult_plan WHERE committee_id = $1 AND year = $2`,
				t.CommitteeID, t.Year).Scan(&in.PlanID)
			if errors.Is(err, sql.ErrNoRows) {
				var errs app.FieldErrors
				errs.Add("plan_id", fmt.Sprintf("尚未建立%d年度协商工作计划，请先建立计划", t.Year))
				return errs.Err()
			} else if err != nil {
				return app.Internal(err, "select: plan")
			}
		}
		p, err := tx.lockPlan(ctx, actor, in.PlanID)
		if err != nil {
			return err
		}
		if err := checkPlanItem(&in.PlanItemInput, p); err != nil {
			return err
		}
		note := "选定列入" + p.Title
		if in.Reason != "" {
			note += "：" + in.Reason
		}
		if err := tx.advanceTopic(ctx, actor, topicID, AdvanceInput{To: consult.Selected, Note: note}); err != nil {
			return err
		}
		return tx.addPlanItem(ctx, actor, p, topicID, in.PlanItemInput)
	})
}

// DeclineTopic declines a collected topic (不予采纳) with a reason, which is
// required whatever the committee's graph says.
func (db *DB) DeclineTopic(ctx context.Context, actor app.Actor, topicID int64, reason string) (Topic, error) {
	if strings.TrimSpace(reason) == "" {
		var errs app.FieldErrors
		errs.Add("note", "请填写不予采纳的理由")
		return Topic{}, errs.Err()
	}
	return db.AdvanceTopic(ctx, actor, topicID, AdvanceInput{To: consult.Declined, Note: reason})
}

// SubmitPlan puts the plan before a sitting of a plenary (the press page: the
// closing sitting adopted the year's plan), a standing committee or chair's meeting of
// its committee: an agenda item 《…年度协商工作计划（草案）》 whose
// deliberation vote, when it passes, adopts the plan. A plan may be submitted
// again after its vote failed or its meeting closed without a vote.
func (db *DB) SubmitPlan(ctx context.Context, actor app.Actor, planID, meetingID int64) (Plan, error) {
	if !canRunConsultation(actor) {
		return Plan{}, app.Errorf(app.EFORBIDDEN, "当前账号不能提交协商工作计划")
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockMeeting(ctx, actor, meetingID)
		if err != nil {
			var errs app.FieldErrors
			errs.Add("meeting_id", "所选会议不存在或不在本账号管辖范围内")
			return errs.Err()
		}
		p, err := tx.lockPlan(ctx, actor, planID)
		if err != nil {
			return err
		}
		var errs app.FieldErrors
		switch {
		case m.CommitteeID != p.CommitteeID:
			errs.Add("meeting_id", "应提交本政协的会议审议")
		case m.Kind != meeting.Standing && m.Kind != meeting.Chairs && m.Kind != meeting.Sitting:
			errs.Add("meeting_id", "协商工作计划应提交全体会议的大会（如闭幕会）、常委会会议或主席会议审议")
		case m.Status == meeting.Closed:
			errs.Add("meeting_id", "会议已结束，不能再增加议程")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		switch p.Status {
		case PlanAdopted:
			return app.Errorf(app.ECONFLICT, "计划已于%s经会议通过", p.AdoptedOn)
		case PlanSubmitted:
			var closed bool
			if err := tx.QueryRowContext(ctx, `SELECT mt.status = 'closed' FROM agenda_item a JOIN meeting mt ON mt.id = a.meeting_id
				WHERE a.id = $1`, p.AgendaItemID).Scan(&closed); err != nil {
				return app.Internal(err, "submit plan: previous meeting")
			}
			failed := p.voteTaken && !p.passed
			if !failed && !(closed && p.VoteID == 0) {
				return app.Errorf(app.ECONFLICT, "计划已提交“%s”审议，尚未表决", p.MeetingTitle)
			}
		}
		if p.Items == 0 {
			return app.Errorf(app.ECONFLICT, "计划中还没有议题，不能提交审议")
		}
		var c struct{ name, short string }
		if err := tx.QueryRowContext(ctx, `SELECT name, short_name FROM org WHERE id = $1`, p.CommitteeID).
			Scan(&c.name, &c.short); err != nil {
			return app.Internal(err, "submit plan: committee")
		}
		written := c.name
		if c.short != "" {
			written = c.short
		}
		title := consult.PlanTitle(written, p.Year)
		var itemID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO agenda_item (committee_id, meeting_id, seq, kind, title, note,
			created_at, updated_at) VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM agenda_item WHERE meeting_id = $2),
			$3, $4, '', $5, $5) RETURNING id`, m.CommitteeID, m.ID, string(AgendaWorkPlan), title, tx.Now).Scan(&itemID); err != nil {
			return app.Internal(err, "submit plan: agenda item")
		}
		tx.SearchTouch("meeting", m.ID) // the agenda is part of the meeting's index
		if _, err := tx.ExecContext(ctx, `UPDATE consult_plan SET status = 'submitted', agenda_item_id = $2, updated_at = $3
			WHERE id = $1`, p.ID, itemID, tx.Now); err != nil {
			return app.Internal(err, "submit plan")
		}
		return tx.Audit(ctx, actor, Change{Action: "plan_submit", Entity: "consult_plan", EntityID: p.ID,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("%s提交%s审议，议程增加%s", p.Title, m.Title, title),
			After: struct {
				MeetingID    int64 `json:"meeting_id"`
				AgendaItemID int64 `json:"agenda_item_id"`
			}{m.ID, itemID}})
	})
	if err != nil {
		return Plan{}, err
	}
	return db.FindPlanByID(ctx, actor, planID)
}

// adoptPlans adopts the plans submitted with the agenda item whose vote has
// just passed (called by CloseVote in the vote's transaction).
func (tx *Tx) adoptPlans(ctx context.Context, actor app.Actor, itemID int64, day app.Date) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.committee_id, p.title, o.path FROM consult_plan p
		JOIN org o ON o.id = p.committee_id WHERE p.agenda_item_id = $1 AND p.status = 'submitted'`, itemID)
	if err != nil {
		return app.Internal(err, "adopt plan")
	}
	type adopted struct {
		id, committee int64
		title, path   string
	}
	var ps []adopted
	for rows.Next() {
		var a adopted
		if err := rows.Scan(&a.id, &a.committee, &a.title, &a.path); err != nil {
			rows.Close()
			return app.Internal(err, "adopt plan")
		}
		ps = append(ps, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return app.Internal(err, "adopt plan")
	}
	for _, a := range ps {
		if _, err := tx.ExecContext(ctx, `UPDATE consult_plan SET status = 'adopted', adopted_on = $2, updated_at = $3
			WHERE id = $1`, a.id, day.String(), tx.Now); err != nil {
			return app.Internal(err, "adopt plan")
		}
		if err := tx.Audit(ctx, actor, Change{Action: "plan_adopt", Entity: "consult_plan", EntityID: a.id,
			Committee: a.committee, OrgPath: a.path, Summary: a.title + "经会议表决通过"}); err != nil {
			return err
		}
	}
	return nil
}
