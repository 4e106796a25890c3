package store

// Enterprise liaison (包联) and campaign visits and problems: the minimal
// pairing, visit and problem code the enterprise ledger and the visit
// campaigns need, written against the pinned tables (cadre, pairing,
// assist_visit, household_month, assist_problem). The pairing, visit and
// problem store of households lives on another branch; at merge these
// functions are meant to be replaced by (or folded into) the shared ones.
// Everything here is prefixed Liaison/Enterprise/Campaign so it is easy to find.

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
)

// LiaisonCadre is a cadre who may liaise with an enterprise or visit a
// campaign's targets.
type LiaisonCadre struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Post    string `json:"post"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
}

// actorCadre is the cadre row of a cadre account (cadre.account_id), 0 for
// other accounts.
func actorCadre(ctx context.Context, q querier, actor app.Actor) (int64, error) {
	if actor.Role != string(auth.Cadre) {
		return 0, nil
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM cadre WHERE account_id = $1`, actor.AccountID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, app.Errorf(app.EFORBIDDEN, "当前账号没有登记为帮扶干部")
	}
	return id, app.Internal(err, "actor cadre")
}

// liaisonCadre checks a cadre chosen for a committee: active and of it.
func liaisonCadre(ctx context.Context, q querier, committeeID, cadreID int64, field string) (LiaisonCadre, error) {
	var c LiaisonCadre
	var committee int64
	var left string
	err := q.QueryRowContext(ctx, `SELECT c.id, c.name, c.post, c.org_id, o.name, c.committee_id, c.left_on FROM cadre c
		JOIN org o ON o.id = c.org_id WHERE c.id = $1`, cadreID).Scan(&c.ID, &c.Name, &c.Post, &c.OrgID, &c.OrgName,
		&committee, &left)
	var errs app.FieldErrors
	switch {
	case errors.Is(err, sql.ErrNoRows) || (err == nil && committee != committeeID):
		errs.Add(field, "请选择本政协的干部")
	case err != nil:
		return c, app.Internal(err, "liaison cadre")
	case left != "":
		errs.Add(field, c.Name+"已于"+left+"离任")
	}
	return c, errs.Err()
}

// --- Pairings (包联) ---

// EnterprisePairing is a cadre liaising with an enterprise from a date.
type EnterprisePairing struct {
	ID           int64    `json:"id"`
	EnterpriseID int64    `json:"enterprise_id"`
	CadreID      int64    `json:"cadre_id"`
	CadreName    string   `json:"cadre_name"`
	CadrePost    string   `json:"cadre_post"`
	StartsOn     app.Date `json:"starts_on"`
	EndsOn       app.Date `json:"ends_on"` // zero while active
	EndReason    string   `json:"end_reason"`
}

// EnterprisePairingInput pairs a cadre with an enterprise.
type EnterprisePairingInput struct {
	CadreID  int64    `json:"cadre_id"`
	StartsOn app.Date `json:"starts_on"`
}

// FindEnterprisePairings lists an enterprise's liaisons, active first.
func (db *DB) FindEnterprisePairings(ctx context.Context, actor app.Actor, enterpriseID int64) ([]EnterprisePairing, error) {
	if _, err := findEnterprise(ctx, db.read, actor, enterpriseID); err != nil {
		return nil, err
	}
	return enterprisePairings(ctx, db.read, `p.enterprise_id = $1`, enterpriseID)
}

func enterprisePairings(ctx context.Context, q querier, where string, args ...any) ([]EnterprisePairing, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.enterprise_id, p.cadre_id, c.name, c.post, p.starts_on, p.ends_on,
		p.end_reason FROM pairing p JOIN cadre c ON c.id = p.cadre_id WHERE p.enterprise_id IS NOT NULL AND `+where+`
		ORDER BY CASE WHEN p.ends_on = '' THEN 0 ELSE 1 END, p.starts_on DESC, p.id`, args...)
	if err != nil {
		return nil, app.Internal(err, "find enterprise pairings")
	}
	defer rows.Close()
	out := []EnterprisePairing{}
	for rows.Next() {
		var p EnterprisePairing
		if err := rows.Scan(&p.ID, &p.EnterpriseID, &p.CadreID, &p.CadreName, &p.CadrePost, &p.StartsOn, &p.EndsOn,
			&p.EndReason); err != nil {
			return nil, app.Internal(err, "scan enterprise pairing")
		}
		out = append(out, p)
	}
	return out, app.Internal(rows.Err(), "find enterprise pairings")
}

// liveEnterprise locks an enterprise for a liaison change and refuses an
// archived one.
func (tx *Tx) liveEnterprise(ctx context.Context, actor app.Actor, id int64) (Enterprise, error) {
	e, err := tx.lockEnterprise(ctx, actor, id)
	if err == nil && e.Archived {
		err = app.Errorf(app.ECONFLICT, "%s已归档，不能再登记", e.Name)
	}
	return e, err
}

// CreateEnterprisePairing pairs an active cadre of the enterprise's
// committee with it from a date (not in the future); a cadre already
// liaising with the enterprise is refused.
func (db *DB) CreateEnterprisePairing(ctx context.Context, actor app.Actor, enterpriseID int64, in EnterprisePairingInput) (EnterprisePairing, error) {
	if err := mayKeepEnterprises(actor); err != nil {
		return EnterprisePairing{}, err
	}
	var out EnterprisePairing
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.liveEnterprise(ctx, actor, enterpriseID)
		if err != nil {
			return err
		}
		var errs app.FieldErrors
		var c LiaisonCadre
		if in.CadreID == 0 {
			errs.Add("cadre_id", "请选择包联干部")
		} else if c, err = liaisonCadre(ctx, tx, e.CommitteeID, in.CadreID, "cadre_id"); err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				return err
			}
			errs = append(errs, app.ErrorFields(err)...)
		}
		switch {
		case in.StartsOn.IsZero():
			errs.Add("starts_on", "请填写包联开始日期")
		case in.StartsOn.After(db.Today()):
			errs.Add("starts_on", "开始日期不能晚于今天")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairing WHERE enterprise_id = $1 AND cadre_id = $2
			AND ends_on = ''`, e.ID, c.ID).Scan(&n); err != nil {
			return app.Internal(err, "enterprise pairing: active")
		}
		if n > 0 {
			errs.Add("cadre_id", c.Name+"已在包联该企业")
			return errs.Err()
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO pairing (committee_id, cadre_id, enterprise_id, starts_on,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, e.CommitteeID, c.ID, e.ID, in.StartsOn,
			tx.Now).Scan(&out.ID); err != nil {
			return app.Internal(err, "insert enterprise pairing")
		}
		out = EnterprisePairing{ID: out.ID, EnterpriseID: e.ID, CadreID: c.ID, CadreName: c.Name, CadrePost: c.Post,
			StartsOn: in.StartsOn}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "pairing", EntityID: out.ID,
			Committee: e.CommitteeID, OrgPath: e.path, Summary: c.Name + " 包联企业 " + e.Name, After: out})
	})
	return out, err
}

// EndEnterprisePairing ends an active liaison on a date, not before it
// began nor after today, with a reason.
func (db *DB) EndEnterprisePairing(ctx context.Context, actor app.Actor, pairingID int64, endsOn app.Date, reason string) (EnterprisePairing, error) {
	if err := mayKeepEnterprises(actor); err != nil {
		return EnterprisePairing{}, err
	}
	var p EnterprisePairing
	err := db.InTx(ctx, func(tx *Tx) error {
		var enterpriseID int64
		if err := tx.QueryRowContext(ctx, `SELECT p.enterprise_id FROM pairing p JOIN enterprise e ON e.id = p.enterprise_id
			JOIN org o ON o.id = e.org_id WHERE p.id = $1 AND o.path LIKE $2 || '%'`, pairingID, actor.Path).
			Scan(&enterpriseID); err != nil {
			return notFound(err, "包联关系", "find enterprise pairing")
		}
		e, err := tx.lockEnterprise(ctx, actor, enterpriseID)
		if err != nil {
			return err
		}
		list, err := enterprisePairings(ctx, tx, `p.id = $1`, pairingID)
		if err != nil || len(list) == 0 {
			return notFound(errors.Join(err, sql.ErrNoRows), "包联关系", "find enterprise pairing")
		}
		p = list[0]
		if !p.EndsOn.IsZero() {
			return app.Errorf(app.ECONFLICT, "%s的包联已于%s结束", p.CadreName, p.EndsOn.Chinese())
		}
		reason = strings.TrimSpace(reason)
		var errs app.FieldErrors
		switch {
		case endsOn.IsZero():
			errs.Add("ends_on", "请填写结束日期")
		case endsOn.Before(p.StartsOn):
			errs.Add("ends_on", "结束日期不能早于开始日期")
		case endsOn.After(db.Today()):
			errs.Add("ends_on", "结束日期不能晚于今天")
		}
		if utf8.RuneCountInString(reason) > 200 {
			errs.Add("end_reason", "结束原因不能超过200个字")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		before := p
		p.EndsOn, p.EndReason = endsOn, reason
		if _, err := tx.ExecContext(ctx, `UPDATE pairing SET ends_on = $2, end_reason = $3, updated_at = $4 WHERE id = $1`,
			p.ID, endsOn, reason, tx.Now); err != nil {
			return app.Internal(err, "end enterprise pairing")
		}
		return tx.Audit(ctx, actor, Change{Action: "end", Entity: "pairing", EntityID: p.ID, Committee: e.CommitteeID,
			OrgPath: e.path, Summary: p.CadreName + " 结束包联企业 " + e.Name, Before: before, After: p})
	})
	return p, err
}

// --- Visits ---

// LiaisonVisit is a visit to an enterprise, or a campaign visit to a household.
type LiaisonVisit struct {
	ID           int64     `json:"id"`
	CadreID      int64     `json:"cadre_id"`
	CadreName    string    `json:"cadre_name"`
	EnterpriseID int64     `json:"enterprise_id,omitempty"`
	HouseholdID  int64     `json:"household_id,omitempty"`
	CampaignID   int64     `json:"campaign_id,omitempty"`
	VisitedOn    app.Date  `json:"visited_on"`
	Reason       string    `json:"reason"` // why the enterprise was visited (有事必应、无事不扰)
	Seen         string    `json:"seen"`
	Needs        string    `json:"needs"`
	CreatedAt    time.Time `json:"created_at"`
}

// LiaisonVisitInput records a visit. CadreID is ignored for a cadre account
// (its own cadre visits); Reason is required for an enterprise.
type LiaisonVisitInput struct {
	CadreID   int64    `json:"cadre_id"`
	VisitedOn app.Date `json:"visited_on"`
	Reason    string   `json:"reason"`
	Seen      string   `json:"seen"`
	Needs     string   `json:"needs"`
}

func (in *LiaisonVisitInput) validate(today app.Date, enterprise bool) app.FieldErrors {
	in.Reason, in.Seen, in.Needs = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Seen), strings.TrimSpace(in.Needs)
	var errs app.FieldErrors
	if enterprise {
		if msg := assist.CheckVisitReason(in.Reason); msg != "" {
			errs.Add("reason", msg)
		}
	} else if utf8.RuneCountInString(in.Reason) > 200 {
		errs.Add("reason", "走访事由不能超过200个字")
	}
	switch {
	case in.VisitedOn.IsZero():
		errs.Add("visited_on", "请填写走访日期")
	case in.VisitedOn.After(today):
		errs.Add("visited_on", "走访日期不能晚于今天")
	}
	if utf8.RuneCountInString(in.Seen) > 2000 {
		errs.Add("seen", "走访情况不能超过2000个字")
	}
	if utf8.RuneCountInString(in.Needs) > 2000 {
		errs.Add("needs", "反映的需求不能超过2000个字")
	}
	return errs
}

const liaisonVisitColumns = `v.id, v.cadre_id, c.name, COALESCE(v.enterprise_id, 0), COALESCE(v.household_id, 0),
	COALESCE(v.campaign_id, 0), v.visited_on, v.reason, v.seen, v.needs, v.created_at`

func findLiaisonVisits(ctx context.Context, q querier, where string, args ...any) ([]LiaisonVisit, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+liaisonVisitColumns+` FROM assist_visit v JOIN cadre c ON c.id = v.cadre_id
		WHERE `+where+` ORDER BY v.visited_on DESC, v.id DESC`, args...)
	if err != nil {
		return nil, app.Internal(err, "find visits")
	}
	defer rows.Close()
	out := []LiaisonVisit{}
	for rows.Next() {
		var v LiaisonVisit
		if err := rows.Scan(&v.ID, &v.CadreID, &v.CadreName, &v.EnterpriseID, &v.HouseholdID, &v.CampaignID,
			&v.VisitedOn, &v.Reason, &v.Seen, &v.Needs, &v.CreatedAt); err != nil {
			return nil, app.Internal(err, "scan visit")
		}
		out = append(out, v)
	}
	return out, app.Internal(rows.Err(), "find visits")
}

// FindEnterpriseVisits lists an enterprise's visits, newest first, each with its reason.
func (db *DB) FindEnterpriseVisits(ctx context.Context, actor app.Actor, enterpriseID int64) ([]LiaisonVisit, error) {
	if _, err := findEnterprise(ctx, db.read, actor, enterpriseID); err != nil {
		return nil, err
	}
	return findLiaisonVisits(ctx, db.read, `v.enterprise_id = $1`, enterpriseID)
}

func mayVisit(actor app.Actor) error {
	if !auth.Role(actor.Role).Can(auth.AssistVisit) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能登记走访")
	}
	return nil
}

// CreateEnterpriseVisit records a visit to an enterprise by a cadre
// liaising with it on that day (a cadre account: itself), with the reason
// the visit was made; a visit without a reason, in the future or before the
// liaison began is refused.
func (db *DB) CreateEnterpriseVisit(ctx context.Context, actor app.Actor, enterpriseID int64, in LiaisonVisitInput) (LiaisonVisit, error) {
	if err := mayVisit(actor); err != nil {
		return LiaisonVisit{}, err
	}
	var out LiaisonVisit
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.liveEnterprise(ctx, actor, enterpriseID)
		if err != nil {
			return err
		}
		own, err := actorCadre(ctx, tx, actor)
		if err != nil {
			return err
		}
		if own != 0 {
			in.CadreID = own
		}
		errs := in.validate(db.Today(), true)
		if in.CadreID == 0 {
			errs.Add("cadre_id", "请选择走访的包联干部")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		list, err := enterprisePairings(ctx, tx, `p.enterprise_id = $1 AND p.cadre_id = $2`, e.ID, in.CadreID)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			if own != 0 {
				return app.NotFound("企业")
			}
			errs.Add("cadre_id", "所选干部没有包联该企业")
			return errs.Err()
		}
		covered, first := false, list[0].StartsOn
		for _, p := range list {
			if !in.VisitedOn.Before(p.StartsOn) && (p.EndsOn.IsZero() || !in.VisitedOn.After(p.EndsOn)) {
				covered = true
			}
			if p.StartsOn.Before(first) {
				first = p.StartsOn
			}
		}
		if !covered {
			if in.VisitedOn.Before(first) {
				errs.Add("visited_on", "走访日期不能早于包联开始日期（"+first.Chinese()+"）")
			} else {
				errs.Add("visited_on", "走访当天该干部不在包联该企业")
			}
			return errs.Err()
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO assist_visit (committee_id, org_id, cadre_id, enterprise_id,
			visited_on, reason, seen, needs, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			RETURNING id`, e.CommitteeID, e.OrgID, in.CadreID, e.ID, in.VisitedOn, in.Reason, in.Seen, in.Needs,
			actor.AccountID, tx.Now).Scan(&out.ID); err != nil {
			return app.Internal(err, "insert enterprise visit")
		}
		vs, err := findLiaisonVisits(ctx, tx, `v.id = $1`, out.ID)
		if err != nil {
			return err
		}
		out = vs[0]
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "assist_visit", EntityID: out.ID,
			Committee: e.CommitteeID, OrgPath: e.path, Summary: out.CadreName + " 走访企业 " + e.Name + "：" + in.Reason,
			After: out})
	})
	return out, err
}

// createCampaignVisit records a campaign visit to a target household by the
// given cadre and counts it in household_month in the same transaction (the
// figures read it).
func (tx *Tx) createCampaignVisit(ctx context.Context, actor app.Actor, c VisitCampaign, householdID, orgID int64, in LiaisonVisitInput) (LiaisonVisit, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO assist_visit (committee_id, org_id, cadre_id, household_id, campaign_id,
		visited_on, reason, seen, needs, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		RETURNING id`, c.CommitteeID, orgID, in.CadreID, householdID, c.ID, in.VisitedOn, in.Reason, in.Seen, in.Needs,
		actor.AccountID, tx.Now).Scan(&id); err != nil {
		return LiaisonVisit{}, app.Internal(err, "insert campaign visit")
	}
	if err := tx.rollupVisit(ctx, householdID, in.VisitedOn, 0); err != nil {
		return LiaisonVisit{}, err
	}
	vs, err := findLiaisonVisits(ctx, tx, `v.id = $1`, id)
	if err != nil {
		return LiaisonVisit{}, err
	}
	return vs[0], nil
}

// --- Problems (需求问题清单, 整改清单) ---

// LiaisonProblem is a need or problem of an enterprise, or one found by a
// visit campaign (its rectification list).
type LiaisonProblem struct {
	ID             int64                `json:"id"`
	EnterpriseID   int64                `json:"enterprise_id,omitempty"`
	EnterpriseName string               `json:"enterprise_name,omitempty"`
	CampaignID     int64                `json:"campaign_id,omitempty"`
	HouseholdID    int64                `json:"household_id,omitempty"`
	HouseholdName  string               `json:"household_name,omitempty"` // head of household
	Category       string               `json:"category"`
	CategoryLabel  string               `json:"category_label"`
	Description    string               `json:"description"`
	UnitID         int64                `json:"unit_id,omitempty"`
	Department     string               `json:"department"` // the unit's name, or the department typed
	Status         assist.ProblemStatus `json:"status"`
	StatusLabel    string               `json:"status_label"`
	RaisedOn       app.Date             `json:"raised_on"`
	Resolution     string               `json:"resolution"`
	ResolvedOn     app.Date             `json:"resolved_on"`
}

// LiaisonProblemInput raises a problem. A department is a handling unit
// (UnitID) or free text; HouseholdID names a campaign target (campaign
// problems only).
type LiaisonProblemInput struct {
	Category    string   `json:"category"`
	Description string   `json:"description"`
	UnitID      int64    `json:"unit_id"`
	Department  string   `json:"department"`
	RaisedOn    app.Date `json:"raised_on"`
	HouseholdID int64    `json:"household_id"`
}

func (in *LiaisonProblemInput) validate(today app.Date) app.FieldErrors {
	in.Description, in.Department = strings.TrimSpace(in.Description), strings.TrimSpace(in.Department)
	var errs app.FieldErrors
	if assist.ProblemCategoryLabel(in.Category) == in.Category {
		errs.Add("category", "请选择问题类别")
	}
	switch n := utf8.RuneCountInString(in.Description); {
	case n == 0:
		errs.Add("description", "请填写问题描述")
	case n > 2000:
		errs.Add("description", "问题描述不能超过2000个字")
	}
	if utf8.RuneCountInString(in.Department) > 60 {
		errs.Add("department", "协调部门不能超过60个字")
	}
	switch {
	case in.RaisedOn.IsZero():
		errs.Add("raised_on", "请填写问题提出日期")
	case in.RaisedOn.After(today):
		errs.Add("raised_on", "提出日期不能晚于今天")
	}
	return errs
}

const liaisonProblemColumns = `p.id, COALESCE(p.enterprise_id, 0), COALESCE(e.name, ''), COALESCE(p.campaign_id, 0),
	COALESCE(p.household_id, 0), COALESCE(h.head_name, ''), p.category, p.description, COALESCE(p.unit_id, 0),
	COALESCE(u.name, p.department), p.status, p.raised_on, p.resolution, p.resolved_on, o.path, p.committee_id`

const liaisonProblemFrom = ` FROM assist_problem p JOIN org o ON o.id = p.org_id
	LEFT JOIN enterprise e ON e.id = p.enterprise_id LEFT JOIN household h ON h.id = p.household_id
	LEFT JOIN handling_unit u ON u.id = p.unit_id`

func findLiaisonProblems(ctx context.Context, q querier, where string, args ...any) ([]LiaisonProblem, []string, []int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+liaisonProblemColumns+liaisonProblemFrom+` WHERE `+where+`
		ORDER BY CASE WHEN p.status IN ('solved', 'unsolvable') THEN 1 ELSE 0 END, p.raised_on, p.id`, args...)
	if err != nil {
		return nil, nil, nil, app.Internal(err, "find problems")
	}
	defer rows.Close()
	out := []LiaisonProblem{}
	var paths []string
	var committees []int64
	for rows.Next() {
		var p LiaisonProblem
		var path string
		var committee int64
		if err := rows.Scan(&p.ID, &p.EnterpriseID, &p.EnterpriseName, &p.CampaignID, &p.HouseholdID, &p.HouseholdName,
			&p.Category, &p.Description, &p.UnitID, &p.Department, &p.Status, &p.RaisedOn, &p.Resolution, &p.ResolvedOn,
			&path, &committee); err != nil {
			return nil, nil, nil, app.Internal(err, "scan problem")
		}
		p.CategoryLabel, p.StatusLabel = assist.ProblemCategoryLabel(p.Category), p.Status.Label()
		out = append(out, p)
		paths, committees = append(paths, path), append(committees, committee)
	}
	return out, paths, committees, app.Internal(rows.Err(), "find problems")
}

// FindEnterpriseProblems is an enterprise's needs-and-problems list (需求问题清单), open ones first.
func (db *DB) FindEnterpriseProblems(ctx context.Context, actor app.Actor, enterpriseID int64) ([]LiaisonProblem, error) {
	if _, err := findEnterprise(ctx, db.read, actor, enterpriseID); err != nil {
		return nil, err
	}
	list, _, _, err := findLiaisonProblems(ctx, db.read, `p.enterprise_id = $1`, enterpriseID)
	return list, err
}

// problemUnit checks the handling unit chosen for a problem.
func (tx *Tx) problemUnit(ctx context.Context, committeeID int64, in LiaisonProblemInput) error {
	if in.UnitID == 0 {
		return nil
	}
	if _, err := tx.unitOfCommittee(ctx, committeeID, in.UnitID); err != nil {
		var errs app.FieldErrors
		switch app.ErrorCode(err) {
		case app.ENOTFOUND:
			errs.Add("unit_id", "请选择本政协的承办单位")
		case app.ECONFLICT:
			errs.Add("unit_id", app.ErrorMessage(err))
		default:
			return err
		}
		return errs.Err()
	}
	return nil
}

// CreateEnterpriseProblem adds a need or problem to an enterprise's list,
// to be worked with a department. A cadre account may raise problems only
// for enterprises it liaises with.
func (db *DB) CreateEnterpriseProblem(ctx context.Context, actor app.Actor, enterpriseID int64, in LiaisonProblemInput) (LiaisonProblem, error) {
	if err := mayVisit(actor); err != nil {
		return LiaisonProblem{}, err
	}
	var out LiaisonProblem
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.liveEnterprise(ctx, actor, enterpriseID)
		if err != nil {
			return err
		}
		if err := tx.cadreLiaises(ctx, actor, e.ID); err != nil {
			return err
		}
		in.HouseholdID = 0
		if err := in.validate(db.Today()).Err(); err != nil {
			return err
		}
		if err := tx.problemUnit(ctx, e.CommitteeID, in); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO assist_problem (committee_id, org_id, enterprise_id, category,
			description, unit_id, department, raised_on, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`, e.CommitteeID, e.OrgID, e.ID, in.Category,
			in.Description, nullInt(in.UnitID), in.Department, in.RaisedOn, actor.AccountID, tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "insert enterprise problem")
		}
		list, _, _, err := findLiaisonProblems(ctx, tx, `p.id = $1`, id)
		if err != nil {
			return err
		}
		out = list[0]
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "assist_problem", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path, Summary: e.Name + " 需求问题：" + in.Description, After: out})
	})
	return out, err
}

// cadreLiaises refuses a cadre account acting on an enterprise it does not
// currently liaise with (as not found); other accounts pass.
func (tx *Tx) cadreLiaises(ctx context.Context, actor app.Actor, enterpriseID int64) error {
	own, err := actorCadre(ctx, tx, actor)
	if err != nil || own == 0 {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairing WHERE enterprise_id = $1 AND cadre_id = $2
		AND ends_on = ''`, enterpriseID, own).Scan(&n); err != nil {
		return app.Internal(err, "cadre liaises")
	}
	if n == 0 {
		return app.NotFound("企业")
	}
	return nil
}

// ProblemStatusInput moves a problem to a status; closing it (solved or
// unsolvable) needs the resolution and its date.
type ProblemStatusInput struct {
	Status     assist.ProblemStatus `json:"status"`
	Resolution string               `json:"resolution"`
	ResolvedOn app.Date             `json:"resolved_on"`
}

// ChangeLiaisonProblemStatus moves an enterprise's or a campaign's problem
// along (assist.CheckProblemChange): a problem closed without a resolution
// is refused; reopening clears the resolution.
func (db *DB) ChangeLiaisonProblemStatus(ctx context.Context, actor app.Actor, problemID int64, in ProblemStatusInput) (LiaisonProblem, error) {
	if err := mayVisit(actor); err != nil {
		return LiaisonProblem{}, err
	}
	var after LiaisonProblem
	err := db.InTx(ctx, func(tx *Tx) error {
		var locked int64
		if err := tx.QueryRowContext(ctx, `SELECT p.id FROM assist_problem p JOIN org o ON o.id = p.org_id
			WHERE p.id = $1 AND o.path LIKE $2 || '%' AND (p.enterprise_id IS NOT NULL OR p.campaign_id IS NOT NULL)`+
			tx.db.Dialect.forUpdateOf("p"), problemID, actor.Path).Scan(&locked); err != nil {
			return notFound(err, "问题", "lock problem")
		}
		list, paths, committees, err := findLiaisonProblems(ctx, tx, `p.id = $1`, problemID)
		if err != nil {
			return err
		}
		before := list[0]
		if before.EnterpriseID != 0 {
			if err := tx.cadreLiaises(ctx, actor, before.EnterpriseID); err != nil {
				return err
			}
		} else if err := tx.cadreOnCampaign(ctx, actor, before.CampaignID); err != nil {
			return err
		}
		in.Resolution = strings.TrimSpace(in.Resolution)
		if err := assist.CheckProblemChange(before.Status, in.Status, in.Resolution, in.ResolvedOn, before.RaisedOn,
			db.Today()).Err(); err != nil {
			return err
		}
		if !in.Status.Closed() {
			in.Resolution, in.ResolvedOn = "", app.Date{}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assist_problem SET status = $2, resolution = $3, resolved_on = $4,
			updated_at = $5 WHERE id = $1`, problemID, string(in.Status), in.Resolution, in.ResolvedOn, tx.Now); err != nil {
			return app.Internal(err, "change problem status")
		}
		if list, _, _, err = findLiaisonProblems(ctx, tx, `p.id = $1`, problemID); err != nil {
			return err
		}
		after = list[0]
		if err := tx.rollupSolved(ctx, problemID, before.Status, before.ResolvedOn, after.Status, after.ResolvedOn); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "assist_problem", EntityID: problemID,
			Committee: committees[0], OrgPath: paths[0], Summary: "问题" + after.StatusLabel + "：" + after.Description,
			Before: before, After: after})
	})
	return after, err
}
