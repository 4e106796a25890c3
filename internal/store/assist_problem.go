package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
)

// Needs and problems (急难愁盼问题, 需求问题清单, 整改清单): the one list for
// households, enterprises and campaigns. A problem is raised on a visit or
// directly, names its category and the department asked to help (a handling
// unit or free text), and moves open → in progress → solved or unsolvable;
// closing needs a resolution and its date (assist.CheckProblemChange).

// Problem is a need or problem of a household, an enterprise or a campaign.
type Problem struct {
	ID            int64                `json:"id"`
	CommitteeID   int64                `json:"committee_id"`
	OrgID         int64                `json:"org_id"`
	OrgName       string               `json:"org_name"`
	HouseholdID   int64                `json:"household_id,omitempty"`
	EnterpriseID  int64                `json:"enterprise_id,omitempty"`
	CampaignID    int64                `json:"campaign_id,omitempty"`
	VisitID       int64                `json:"visit_id,omitempty"`
	Target        string               `json:"target"` // household head, enterprise or campaign title
	Category      string               `json:"category"`
	CategoryLabel string               `json:"category_label"`
	Description   string               `json:"description"`
	UnitID        int64                `json:"unit_id,omitempty"`
	Department    string               `json:"department"` // the unit's name, or the free text
	Status        assist.ProblemStatus `json:"status"`
	StatusLabel   string               `json:"status_label"`
	RaisedOn      app.Date             `json:"raised_on"`
	Resolution    string               `json:"resolution"`
	ResolvedOn    app.Date             `json:"resolved_on"`
	CreatedAt     time.Time            `json:"created_at"`
	UpdatedAt     time.Time            `json:"updated_at"`

	path string
}

// Kind is household, enterprise or campaign.
func (p Problem) Kind() string {
	switch {
	case p.HouseholdID != 0:
		return "household"
	case p.EnterpriseID != 0:
		return "enterprise"
	}
	return "campaign"
}

// ProblemInput raises a problem: on a visit (VisitID, its target taken from
// the visit), or directly for a household, an enterprise or a campaign.
type ProblemInput struct {
	HouseholdID  int64    `json:"household_id"`
	EnterpriseID int64    `json:"enterprise_id"`
	CampaignID   int64    `json:"campaign_id"`
	VisitID      int64    `json:"visit_id"`
	Category     string   `json:"category"`
	Description  string   `json:"description"`
	UnitID       int64    `json:"unit_id"`
	Department   string   `json:"department"`
	RaisedOn     app.Date `json:"raised_on"`
}

// ProblemChange moves a problem to a status.
type ProblemChange struct {
	Status     assist.ProblemStatus `json:"status"`
	Resolution string               `json:"resolution"`
	ResolvedOn app.Date             `json:"resolved_on"`
	UnitID     int64                `json:"unit_id"`
	Department string               `json:"department"`
}

const problemColumns = `p.id, p.committee_id, p.org_id, o.name, COALESCE(p.household_id, 0), COALESCE(p.enterprise_id, 0),
	COALESCE(p.campaign_id, 0), COALESCE(p.visit_id, 0), COALESCE(h.head_name, e.name, vc.title, ''), p.category,
	p.description, COALESCE(p.unit_id, 0), COALESCE(u.name, p.department), p.status, p.raised_on, p.resolution,
	p.resolved_on, p.created_at, p.updated_at, o.path`

const problemFrom = ` FROM assist_problem p JOIN org o ON o.id = p.org_id
	LEFT JOIN household h ON h.id = p.household_id LEFT JOIN enterprise e ON e.id = p.enterprise_id
	LEFT JOIN visit_campaign vc ON vc.id = p.campaign_id LEFT JOIN handling_unit u ON u.id = p.unit_id`

func scanProblem(s scanner, p *Problem, extra ...any) error {
	var raised, resolved, status string
	err := s.Scan(append([]any{&p.ID, &p.CommitteeID, &p.OrgID, &p.OrgName, &p.HouseholdID, &p.EnterpriseID, &p.CampaignID,
		&p.VisitID, &p.Target, &p.Category, &p.Description, &p.UnitID, &p.Department, &status, &raised, &p.Resolution,
		&resolved, &p.CreatedAt, &p.UpdatedAt, &p.path}, extra...)...)
	p.RaisedOn, _ = app.ParseDate(raised)
	p.ResolvedOn, _ = app.ParseDate(resolved)
	p.Status = assist.ProblemStatus(status)
	p.StatusLabel = p.Status.Label()
	p.CategoryLabel = assist.ProblemCategoryLabel(p.Category)
	return err
}

// problemAccess: supervisors read problems of their subtree; a cadre
// account those of the households and enterprises it is currently paired
// with and of campaign targets assigned to it.
func problemAccess(actor app.Actor, n int) (string, any, bool) {
	if !auth.Role(actor.Role).Can(auth.AssistRead) {
		return "", nil, false
	}
	if supervises(actor) {
		return fmt.Sprintf("o.path LIKE $%d || '%%'", n), actor.Path, true
	}
	if auth.Role(actor.Role) == auth.Cadre && actor.AccountID != 0 {
		return fmt.Sprintf(`(EXISTS (SELECT 1 FROM pairing ap JOIN cadre ac ON ac.id = ap.cadre_id
			WHERE ap.ends_on = '' AND ac.account_id = $%[1]d AND (ap.household_id = p.household_id
			OR ap.enterprise_id = p.enterprise_id))
			OR EXISTS (SELECT 1 FROM campaign_target ct JOIN cadre ac ON ac.id = ct.cadre_id
			WHERE ac.account_id = $%[1]d AND ct.campaign_id = p.campaign_id AND ct.household_id = p.household_id))`, n),
			actor.AccountID, true
	}
	return "", nil, false
}

// ProblemFilter narrows FindProblems. From and To bound the date raised.
type ProblemFilter struct {
	OrgID        int64
	Status       string // a status, "active" (open or in progress) or ""
	Kind         string // household, enterprise, campaign or ""
	HouseholdID  int64
	EnterpriseID int64
	CampaignID   int64
	From, To     app.Date
	Offset       int
	Limit        int // 0: 50; at most 500
}

// FindProblems lists problems the actor reads, open first, newest first,
// with the total for paging.
func (db *DB) FindProblems(ctx context.Context, actor app.Actor, f ProblemFilter) ([]Problem, int, error) {
	cond, arg, ok := problemAccess(actor, 1)
	if !ok {
		return nil, 0, mayAssist(actor, auth.AssistRead)
	}
	q := `SELECT ` + problemColumns + `, COUNT(*) OVER()` + problemFrom + ` WHERE ` + cond
	args := []any{arg}
	add := func(c string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+c, len(args))
	}
	if f.OrgID != 0 {
		add("o.path LIKE (SELECT path FROM org WHERE id = $%d) || '%%'", f.OrgID)
	}
	switch f.Status {
	case "":
	case "active":
		q += ` AND p.status IN ('open', 'in_progress')`
	default:
		add("p.status = $%d", f.Status)
	}
	switch f.Kind {
	case "household":
		q += ` AND p.household_id IS NOT NULL`
	case "enterprise":
		q += ` AND p.enterprise_id IS NOT NULL`
	case "campaign":
		q += ` AND p.campaign_id IS NOT NULL`
	}
	if f.HouseholdID != 0 {
		add("p.household_id = $%d", f.HouseholdID)
	}
	if f.EnterpriseID != 0 {
		add("p.enterprise_id = $%d", f.EnterpriseID)
	}
	if f.CampaignID != 0 {
		add("p.campaign_id = $%d", f.CampaignID)
	}
	if !f.From.IsZero() {
		add("p.raised_on >= $%d", f.From.String())
	}
	if !f.To.IsZero() {
		add("p.raised_on <= $%d", f.To.String())
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q += fmt.Sprintf(` ORDER BY CASE WHEN p.status IN ('open', 'in_progress') THEN 0 ELSE 1 END, p.raised_on DESC, p.id DESC
		LIMIT %d OFFSET %d`, min(f.Limit, 500), max(f.Offset, 0))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find problems")
	}
	defer rows.Close()
	var out []Problem
	total := 0
	for rows.Next() {
		var p Problem
		if err := scanProblem(rows, &p, &total); err != nil {
			return nil, 0, app.Internal(err, "scan problem")
		}
		out = append(out, p)
	}
	return out, total, app.Internal(rows.Err(), "find problems")
}

// FindProblemByID returns a problem the actor reads.
func (db *DB) FindProblemByID(ctx context.Context, actor app.Actor, id int64) (Problem, error) {
	cond, arg, ok := problemAccess(actor, 2)
	if !ok {
		return Problem{}, app.NotFound("问题")
	}
	var p Problem
	err := scanProblem(db.read.QueryRowContext(ctx, `SELECT `+problemColumns+problemFrom+` WHERE p.id = $1 AND `+cond, id, arg), &p)
	return p, notFound(err, "问题", "find problem")
}

func (db *DB) problemInScope(ctx context.Context, q querier, actor app.Actor, id int64) (Problem, error) {
	cond, arg, ok := problemAccess(actor, 2)
	if !ok {
		return Problem{}, app.NotFound("问题")
	}
	var p Problem
	err := scanProblem(q.QueryRowContext(ctx, `SELECT `+problemColumns+problemFrom+` WHERE p.id = $1 AND `+cond, id, arg), &p)
	return p, notFound(err, "问题", "find problem")
}

// problemDepartment checks the department: a unit of the committee or text.
func (tx *Tx) problemDepartment(ctx context.Context, committee int64, unitID int64, dept string, errs *app.FieldErrors) {
	if unitID != 0 {
		if _, err := tx.unitOfCommittee(ctx, committee, unitID); err != nil {
			errs.Add("unit_id", "请选择本政协的承办单位")
		}
	}
	tooLong(errs, "department", "协助部门", dept, 60)
}

// CreateProblem raises a problem. A cadre account raises problems only of
// the households and enterprises it is paired with (or its campaign
// targets).
func (db *DB) CreateProblem(ctx context.Context, actor app.Actor, in ProblemInput) (Problem, error) {
	if err := mayAssist(actor, auth.AssistVisit); err != nil {
		return Problem{}, err
	}
	in.Category, in.Description, in.Department = strings.TrimSpace(in.Category), strings.TrimSpace(in.Description),
		strings.TrimSpace(in.Department)
	var errs app.FieldErrors
	if code, ok := parseProblemCategory(in.Category); ok {
		in.Category = code
	} else {
		errs.Add("category", "请选择问题类别")
	}
	switch n := utf8.RuneCountInString(in.Description); {
	case n == 0:
		errs.Add("description", "请描述问题或需求")
	case n > 1000:
		errs.Add("description", "问题描述不能超过1000个字")
	}
	today := db.Today()
	if in.RaisedOn.After(today) {
		errs.Add("raised_on", "提出日期不能晚于今天")
	}
	if len(errs) > 0 {
		return Problem{}, errs.Err()
	}
	var p Problem
	err := db.InTx(ctx, func(tx *Tx) error {
		if in.VisitID != 0 {
			v, err := db.visitForProblem(ctx, tx, actor, in.VisitID)
			if err != nil {
				return err
			}
			in.HouseholdID, in.EnterpriseID, in.CampaignID = v.HouseholdID, v.EnterpriseID, v.CampaignID
			if in.RaisedOn.IsZero() {
				in.RaisedOn = v.VisitedOn // raised on the visit
			} else if in.RaisedOn.Before(v.VisitedOn) {
				var errs app.FieldErrors
				errs.Add("raised_on", "提出日期不能早于走访日期（"+v.VisitedOn.String()+"）")
				return errs.Err()
			}
		}
		if in.RaisedOn.IsZero() {
			in.RaisedOn = today
		}
		var committee, orgID int64
		var path, name string
		var err error
		switch {
		case in.HouseholdID != 0:
			var h Household
			if h, err = tx.db.findHousehold(ctx, tx, actor, in.HouseholdID); err == nil {
				committee, orgID, path, name = h.CommitteeID, h.OrgID, h.path, h.HeadName+" 户"
			}
		case in.EnterpriseID != 0:
			err = tx.QueryRowContext(ctx, `SELECT e.committee_id, e.org_id, o.path, e.name FROM enterprise e
				JOIN org o ON o.id = e.org_id WHERE e.id = $1`, in.EnterpriseID).Scan(&committee, &orgID, &path, &name)
			if err == nil && !supervises(actor) {
				var n int
				tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairing p JOIN cadre c ON c.id = p.cadre_id
					WHERE p.enterprise_id = $1 AND p.ends_on = '' AND c.account_id = $2`, in.EnterpriseID, actor.AccountID).Scan(&n)
				if n == 0 {
					err = sql.ErrNoRows
				}
			}
		case in.CampaignID != 0:
			if !supervises(actor) {
				err = sql.ErrNoRows
				break
			}
			err = tx.QueryRowContext(ctx, `SELECT vc.committee_id, vc.org_id, o.path, vc.title FROM visit_campaign vc
				JOIN org o ON o.id = vc.org_id WHERE vc.id = $1`, in.CampaignID).Scan(&committee, &orgID, &path, &name)
		default:
			var errs app.FieldErrors
			errs.Add("household_id", "请选择问题所属的帮扶对象、企业或遍访")
			return errs.Err()
		}
		if err != nil {
			return renameNotFound(err, "问题所属的帮扶对象、企业或遍访")
		}
		if !actor.Sees(path) {
			return app.NotFound("问题所属的帮扶对象、企业或遍访")
		}
		var errs app.FieldErrors
		tx.problemDepartment(ctx, committee, in.UnitID, in.Department, &errs)
		if len(errs) > 0 {
			return errs.Err()
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO assist_problem (committee_id, org_id, household_id, enterprise_id,
			campaign_id, visit_id, category, description, unit_id, department, status, raised_on, created_by, created_at,
			updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $13) RETURNING id`,
			committee, orgID, nullInt(in.HouseholdID), nullInt(in.EnterpriseID), nullInt(in.CampaignID), nullInt(in.VisitID),
			in.Category, in.Description, nullInt(in.UnitID), in.Department, in.RaisedOn, actor.AccountID, tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "create problem")
		}
		if p, err = db.problemInScope(ctx, tx, app.System, id); err != nil {
			return err
		}
		if in.HouseholdID != 0 {
			if err := tx.rollupProblem(ctx, orgID, in.RaisedOn, 1, app.Date{}, 0); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "assist_problem", EntityID: id, Committee: committee,
			OrgPath: path, Summary: "登记问题（" + name + "）：" + p.CategoryLabel, After: p})
	})
	return p, err
}

// visitForProblem reads a visit the actor may raise problems on.
func (db *DB) visitForProblem(ctx context.Context, q querier, actor app.Actor, id int64) (AssistVisit, error) {
	cond, arg, ok := visitAccess(actor, 2)
	if !ok {
		return AssistVisit{}, app.NotFound("走访记录")
	}
	var v AssistVisit
	err := scanVisit(q.QueryRowContext(ctx, `SELECT `+visitColumns+visitFrom+` WHERE v.id = $1 AND `+cond, id, arg), &v)
	return v, notFound(err, "走访记录", "visit for problem")
}

// ChangeProblem moves a problem to a status (and may name its department).
func (db *DB) ChangeProblem(ctx context.Context, actor app.Actor, id int64, ch ProblemChange) (Problem, error) {
	if err := mayAssist(actor, auth.AssistVisit); err != nil {
		return Problem{}, err
	}
	ch.Resolution, ch.Department = strings.TrimSpace(ch.Resolution), strings.TrimSpace(ch.Department)
	var after Problem
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE assist_problem SET updated_at = updated_at WHERE id = $1`, id); err != nil {
			return app.Internal(err, "lock problem") // takes the row's lock before reading it
		}
		before, err := db.problemInScope(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		errs := assist.CheckProblemChange(before.Status, ch.Status, ch.Resolution, ch.ResolvedOn, before.RaisedOn, db.Today())
		unitID, dept := ch.UnitID, ch.Department
		if unitID == 0 && dept == "" {
			unitID = before.UnitID
			if unitID == 0 {
				dept = before.Department
			}
		}
		tx.problemDepartment(ctx, before.CommitteeID, unitID, dept, &errs)
		if len(errs) > 0 {
			return errs.Err()
		}
		resolution, resolved := ch.Resolution, ch.ResolvedOn.String()
		if !ch.Status.Closed() {
			resolution, resolved = "", ""
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assist_problem SET status = $2, resolution = $3, resolved_on = $4,
			unit_id = $5, department = $6, updated_at = $7 WHERE id = $1`, id, string(ch.Status), resolution, resolved,
			nullInt(unitID), dept, tx.Now); err != nil {
			return app.Internal(err, "change problem")
		}
		if after, err = db.problemInScope(ctx, tx, app.System, id); err != nil {
			return err
		}
		if err := tx.rollupSolved(ctx, id, before.Status, before.ResolvedOn, after.Status, after.ResolvedOn); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "assist_problem", EntityID: id,
			Committee: before.CommitteeID, OrgPath: before.path, Summary: "问题（" + before.Target + "）" +
				before.StatusLabel + " → " + after.StatusLabel, Before: before, After: after})
	})
	return after, err
}

// parseProblemCategory accepts a problem category's code or label.
func parseProblemCategory(s string) (string, bool) {
	for _, c := range assist.ProblemCategories {
		if s == c.Code || s == c.Label {
			return c.Code, true
		}
	}
	return "", false
}
