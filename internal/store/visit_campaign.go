package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
)

// Visit campaigns (遍访): a target list of households an organisation must
// visit in full within a window, each target with its assigned visitor (a
// cadre). Progress rule: a target counts as visited when the household has
// any visit (assist_visit) dated within the campaign's window — a visit
// recorded from the campaign (campaign_id set) or a routine pairing visit
// in the window alike, since the point is that every household was seen.
// Problems found (assist_problem with campaign_id) form the campaign's
// rectification list (问题清单 → 整改); the list is rectified when it has
// problems and every one of them is closed.
//
// A cadre account sees the campaigns of its subtree but only the targets
// assigned to it, and records visits only to those.

// VisitCampaign is a campaign with its progress.
type VisitCampaign struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	OrgName      string    `json:"org_name"`
	CommitteeID  int64     `json:"committee_id"`
	Title        string    `json:"title"`
	StartsOn     app.Date  `json:"starts_on"`
	EndsOn       app.Date  `json:"ends_on"`
	Note         string    `json:"note"`
	Targets      int       `json:"targets"`
	Visited      int       `json:"visited"` // targets with a visit within the window
	Problems     int       `json:"problems"`
	OpenProblems int       `json:"open_problems"`
	Rectified    bool      `json:"rectified"` // problems found and every one closed (问题已全部整改完毕)
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	path string
}

// Percent is visited ÷ targets in whole percent, rounded down (100 only
// when every target was visited).
func (c VisitCampaign) Percent() int { return percentOf(c.Visited, c.Targets) }

func percentOf(n, of int) int {
	if of == 0 {
		return 0
	}
	return n * 100 / of
}

// VisitCampaignInput creates or edits a campaign; OrgID is read on creation
// only (0: the actor's organisation).
type VisitCampaignInput struct {
	OrgID    int64    `json:"org_id"`
	Title    string   `json:"title"`
	StartsOn app.Date `json:"starts_on"`
	EndsOn   app.Date `json:"ends_on"`
	Note     string   `json:"note"`
}

// Validate trims and checks the fields.
func (in *VisitCampaignInput) Validate() app.FieldErrors {
	in.Title, in.Note = strings.TrimSpace(in.Title), strings.TrimSpace(in.Note)
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs.Add("title", "请填写遍访活动名称")
	case n > 100:
		errs.Add("title", "名称不能超过100个字")
	}
	if in.StartsOn.IsZero() {
		errs.Add("starts_on", "请填写开始日期")
	}
	switch {
	case in.EndsOn.IsZero():
		errs.Add("ends_on", "请填写结束日期")
	case !in.StartsOn.IsZero() && in.EndsOn.Before(in.StartsOn):
		errs.Add("ends_on", "结束日期不能早于开始日期")
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		errs.Add("note", "说明不能超过2000个字")
	}
	return errs
}

const visitCampaignColumns = `c.id, c.org_id, o.name, c.committee_id, c.title, c.starts_on, c.ends_on, c.note, c.created_at,
	c.updated_at, o.path,
	(SELECT COUNT(*) FROM campaign_target t WHERE t.campaign_id = c.id),
	(SELECT COUNT(*) FROM campaign_target t WHERE t.campaign_id = c.id AND EXISTS (SELECT 1 FROM assist_visit v
		WHERE v.household_id = t.household_id AND v.visited_on >= c.starts_on AND v.visited_on <= c.ends_on)),
	(SELECT COUNT(*) FROM assist_problem p WHERE p.campaign_id = c.id),
	(SELECT COUNT(*) FROM assist_problem p WHERE p.campaign_id = c.id AND p.status NOT IN ('solved', 'unsolvable'))`

const visitCampaignFrom = ` FROM visit_campaign c JOIN org o ON o.id = c.org_id`

func scanVisitCampaign(s scanner, c *VisitCampaign) error {
	err := s.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.CommitteeID, &c.Title, &c.StartsOn, &c.EndsOn, &c.Note, &c.CreatedAt,
		&c.UpdatedAt, &c.path, &c.Targets, &c.Visited, &c.Problems, &c.OpenProblems)
	c.Rectified = c.Problems > 0 && c.OpenProblems == 0
	return err
}

func findVisitCampaign(ctx context.Context, q querier, actor app.Actor, id int64) (VisitCampaign, error) {
	var c VisitCampaign
	err := scanVisitCampaign(q.QueryRowContext(ctx, `SELECT `+visitCampaignColumns+visitCampaignFrom+
		` WHERE c.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &c)
	return c, notFound(err, "遍访活动", "find visit campaign")
}

// FindVisitCampaignByID returns a campaign in the actor's subtree with its progress.
func (db *DB) FindVisitCampaignByID(ctx context.Context, actor app.Actor, id int64) (VisitCampaign, error) {
	return findVisitCampaign(ctx, db.read, actor, id)
}

// FindVisitCampaigns lists the campaigns in the actor's subtree, newest first.
func (db *DB) FindVisitCampaigns(ctx context.Context, actor app.Actor) ([]VisitCampaign, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+visitCampaignColumns+visitCampaignFrom+` WHERE o.path LIKE $1 || '%'
		ORDER BY c.starts_on DESC, c.id DESC`, actor.Path)
	if err != nil {
		return nil, app.Internal(err, "find visit campaigns")
	}
	defer rows.Close()
	out := []VisitCampaign{}
	for rows.Next() {
		var c VisitCampaign
		if err := scanVisitCampaign(rows, &c); err != nil {
			return nil, app.Internal(err, "scan visit campaign")
		}
		out = append(out, c)
	}
	return out, app.Internal(rows.Err(), "find visit campaigns")
}

// CreateVisitCampaign starts a campaign of an organisation in the actor's subtree.
func (db *DB) CreateVisitCampaign(ctx context.Context, actor app.Actor, in VisitCampaignInput) (VisitCampaign, error) {
	if err := mayKeepEnterprises(actor); err != nil {
		return VisitCampaign{}, err
	}
	if in.OrgID == 0 {
		in.OrgID = actor.OrgID
	}
	errs := in.Validate()
	var created VisitCampaign
	err := db.InTx(ctx, func(tx *Tx) error {
		o, err := findOrg(ctx, tx, actor, in.OrgID)
		switch {
		case app.ErrorCode(err) == app.ENOTFOUND:
			errs.Add("org_id", "请选择本账号管辖范围内的组织")
		case err != nil:
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO visit_campaign (org_id, committee_id, title, starts_on, ends_on,
			note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, o.ID, o.CommitteeID,
			in.Title, in.StartsOn, in.EndsOn, in.Note, tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "insert visit campaign")
		}
		if created, err = findVisitCampaign(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "visit_campaign", EntityID: id,
			Committee: o.CommitteeID, OrgPath: o.Path, Summary: "新建遍访活动 " + in.Title, After: created})
	})
	return created, err
}

func (tx *Tx) lockVisitCampaign(ctx context.Context, actor app.Actor, id int64) (VisitCampaign, error) {
	var locked int64
	if err := tx.QueryRowContext(ctx, `SELECT c.id FROM visit_campaign c JOIN org o ON o.id = c.org_id
		WHERE c.id = $1 AND o.path LIKE $2 || '%'`+tx.db.Dialect.forUpdateOf("c"), id, actor.Path).Scan(&locked); err != nil {
		return VisitCampaign{}, notFound(err, "遍访活动", "lock visit campaign")
	}
	return findVisitCampaign(ctx, tx, app.System, id)
}

// UpdateVisitCampaign changes a campaign's title, window and note.
func (db *DB) UpdateVisitCampaign(ctx context.Context, actor app.Actor, id int64, in VisitCampaignInput) (VisitCampaign, error) {
	if err := mayKeepEnterprises(actor); err != nil {
		return VisitCampaign{}, err
	}
	var after VisitCampaign
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.lockVisitCampaign(ctx, actor, id)
		if err != nil {
			return err
		}
		if err := in.Validate().Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE visit_campaign SET title = $2, starts_on = $3, ends_on = $4, note = $5,
			updated_at = $6 WHERE id = $1`, id, in.Title, in.StartsOn, in.EndsOn, in.Note, tx.Now); err != nil {
			return app.Internal(err, "update visit campaign")
		}
		if after, err = findVisitCampaign(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "visit_campaign", EntityID: id,
			Committee: before.CommitteeID, OrgPath: before.path, Summary: "修改遍访活动 " + in.Title,
			Before: before, After: after})
	})
	return after, err
}

// --- Targets and visitors ---

// CampaignTarget is one household on a campaign's list.
type CampaignTarget struct {
	HouseholdID int64    `json:"household_id"`
	HeadName    string   `json:"head_name"` // 户主
	OrgName     string   `json:"org_name"`  // the village or township
	CadreID     int64    `json:"cadre_id"`  // 0: no visitor assigned yet
	CadreName   string   `json:"cadre_name"`
	Visited     bool     `json:"visited"` // a visit within the window
	LastVisit   app.Date `json:"last_visit"`
}

// CampaignTargetsInput adds targets: every registered household of the
// campaign's organisation and below (All), or the households chosen; Cadre
// is the visitor assigned to the added targets (0: none yet).
type CampaignTargetsInput struct {
	All          bool    `json:"all"`
	HouseholdIDs []int64 `json:"household_ids"`
	CadreID      int64   `json:"cadre_id"`
}

// AddCampaignTargets adds households to a campaign's list (those already on
// it stay as they are) and returns how many were added.
func (db *DB) AddCampaignTargets(ctx context.Context, actor app.Actor, campaignID int64, in CampaignTargetsInput) (int, error) {
	if err := mayKeepEnterprises(actor); err != nil {
		return 0, err
	}
	added := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := tx.lockVisitCampaign(ctx, actor, campaignID)
		if err != nil {
			return err
		}
		var errs app.FieldErrors
		if in.CadreID != 0 {
			if _, err := liaisonCadre(ctx, tx, c.CommitteeID, in.CadreID, "cadre_id"); err != nil {
				return err
			}
		}
		q := `INSERT INTO campaign_target (campaign_id, household_id, cadre_id) SELECT $1, h.id, $2 FROM household h
			JOIN org o ON o.id = h.org_id WHERE o.path LIKE $3 || '%' AND h.exited_on = ''`
		args := []any{c.ID, nullInt(in.CadreID), c.path}
		if !in.All {
			if len(in.HouseholdIDs) == 0 {
				errs.Add("household_ids", "请选择要遍访的户")
				return errs.Err()
			}
			ids, ph := idArgs(in.HouseholdIDs, 3)
			var n int
			ids2, ph2 := idArgs(in.HouseholdIDs, 1)
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT h.id) FROM household h JOIN org o ON o.id = h.org_id
				WHERE o.path LIKE $1 || '%' AND h.exited_on = '' AND h.id IN (`+ph2+`)`,
				append([]any{c.path}, ids2...)...).Scan(&n); err != nil {
				return app.Internal(err, "check campaign targets")
			}
			if n != len(uniqueIDs(in.HouseholdIDs)) {
				errs.Add("household_ids", "只能选择"+c.OrgName+"及其下级在册的困难户")
				return errs.Err()
			}
			q += ` AND h.id IN (` + ph + `)`
			args = append(args, ids...)
		}
		res, err := tx.ExecContext(ctx, q+` ON CONFLICT (campaign_id, household_id) DO NOTHING`, args...)
		if err != nil {
			return app.Internal(err, "insert campaign targets")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return app.Internal(err, "insert campaign targets")
		}
		added = int(n)
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "visit_campaign", EntityID: c.ID,
			Committee: c.CommitteeID, OrgPath: c.path, Summary: fmt.Sprintf("遍访活动 %s 新增遍访对象%d户", c.Title, added),
			After: in})
	})
	return added, err
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// SetCampaignVisitor assigns a visitor (a cadre of the committee; 0 clears)
// to targets of a campaign.
func (db *DB) SetCampaignVisitor(ctx context.Context, actor app.Actor, campaignID int64, householdIDs []int64, cadreID int64) error {
	if err := mayKeepEnterprises(actor); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		c, err := tx.lockVisitCampaign(ctx, actor, campaignID)
		if err != nil {
			return err
		}
		name := "（未分配）"
		if cadreID != 0 {
			cd, err := liaisonCadre(ctx, tx, c.CommitteeID, cadreID, "cadre_id")
			if err != nil {
				return err
			}
			name = cd.Name
		}
		householdIDs = uniqueIDs(householdIDs)
		if len(householdIDs) == 0 {
			var errs app.FieldErrors
			errs.Add("household_ids", "请选择遍访对象")
			return errs.Err()
		}
		ids, ph := idArgs(householdIDs, 2)
		res, err := tx.ExecContext(ctx, `UPDATE campaign_target SET cadre_id = $1 WHERE campaign_id = $2
			AND household_id IN (`+ph+`)`, append([]any{nullInt(cadreID), c.ID}, ids...)...)
		if err != nil {
			return app.Internal(err, "set campaign visitor")
		}
		if n, err := res.RowsAffected(); err != nil || int(n) != len(householdIDs) {
			if err != nil {
				return app.Internal(err, "set campaign visitor")
			}
			return app.NotFound("遍访对象")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "visit_campaign", EntityID: c.ID,
			Committee: c.CommitteeID, OrgPath: c.path,
			Summary: fmt.Sprintf("遍访活动 %s 分配走访人 %s（%d户）", c.Title, name, len(householdIDs)),
			After:   map[string]any{"household_ids": householdIDs, "cadre_id": cadreID}})
	})
}

// FindCampaignTargets lists a campaign's targets by village and head of
// household, each with its visitor and whether it was visited in the
// window; a cadre account sees only its own targets.
func (db *DB) FindCampaignTargets(ctx context.Context, actor app.Actor, campaignID int64) ([]CampaignTarget, error) {
	c, err := findVisitCampaign(ctx, db.read, actor, campaignID)
	if err != nil {
		return nil, err
	}
	own, err := actorCadre(ctx, db.read, actor)
	if err != nil {
		return nil, err
	}
	q := `SELECT t.household_id, h.head_name, o.name, COALESCE(t.cadre_id, 0), COALESCE(cd.name, ''),
		(SELECT MAX(v.visited_on) FROM assist_visit v WHERE v.household_id = t.household_id
			AND v.visited_on >= $2 AND v.visited_on <= $3)
		FROM campaign_target t JOIN household h ON h.id = t.household_id JOIN org o ON o.id = h.org_id
		LEFT JOIN cadre cd ON cd.id = t.cadre_id WHERE t.campaign_id = $1`
	args := []any{c.ID, c.StartsOn, c.EndsOn}
	if own != 0 {
		q += ` AND t.cadre_id = $4`
		args = append(args, own)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY o.path, h.head_name, h.id`, args...)
	if err != nil {
		return nil, app.Internal(err, "find campaign targets")
	}
	defer rows.Close()
	out := []CampaignTarget{}
	for rows.Next() {
		var t CampaignTarget
		var last sql.NullString
		if err := rows.Scan(&t.HouseholdID, &t.HeadName, &t.OrgName, &t.CadreID, &t.CadreName, &last); err != nil {
			return nil, app.Internal(err, "scan campaign target")
		}
		if last.Valid && last.String != "" {
			if err := t.LastVisit.Scan(last.String); err != nil {
				return nil, app.Internal(err, "scan campaign target visit")
			}
			t.Visited = true
		}
		out = append(out, t)
	}
	return out, app.Internal(rows.Err(), "find campaign targets")
}

// VisitorProgress is one visitor's share of a campaign.
type VisitorProgress struct {
	CadreID   int64  `json:"cadre_id"` // 0: targets without a visitor
	CadreName string `json:"cadre_name"`
	Targets   int    `json:"targets"`
	Visited   int    `json:"visited"`
}

// Percent is visited ÷ targets in whole percent, rounded down.
func (p VisitorProgress) Percent() int { return percentOf(p.Visited, p.Targets) }

// CampaignProgressByVisitor sums targets by visitor, in the order visitors
// first appear by name, targets without a visitor last.
func CampaignProgressByVisitor(targets []CampaignTarget) []VisitorProgress {
	idx := map[int64]int{}
	var out []VisitorProgress
	var none *VisitorProgress
	for _, t := range targets {
		var p *VisitorProgress
		if t.CadreID == 0 {
			if none == nil {
				none = &VisitorProgress{CadreName: "未分配走访人"}
			}
			p = none
		} else {
			i, ok := idx[t.CadreID]
			if !ok {
				i = len(out)
				idx[t.CadreID] = i
				out = append(out, VisitorProgress{CadreID: t.CadreID, CadreName: t.CadreName})
			}
			p = &out[i]
		}
		p.Targets++
		if t.Visited {
			p.Visited++
		}
	}
	if none != nil {
		out = append(out, *none)
	}
	if out == nil {
		out = []VisitorProgress{}
	}
	return out
}

// campaignTarget reads a target for a visit or a problem; a cadre account
// reaches only its own targets.
func (tx *Tx) campaignTarget(ctx context.Context, actor app.Actor, c VisitCampaign, householdID int64) (CampaignTarget, int64, error) {
	var t CampaignTarget
	var orgID int64
	err := tx.QueryRowContext(ctx, `SELECT t.household_id, h.head_name, COALESCE(t.cadre_id, 0), h.org_id
		FROM campaign_target t JOIN household h ON h.id = t.household_id WHERE t.campaign_id = $1 AND t.household_id = $2`,
		c.ID, householdID).Scan(&t.HouseholdID, &t.HeadName, &t.CadreID, &orgID)
	if err != nil {
		return t, 0, notFound(err, "遍访对象", "find campaign target")
	}
	own, err := actorCadre(ctx, tx, actor)
	if err != nil {
		return t, 0, err
	}
	if own != 0 && t.CadreID != own {
		return t, 0, app.NotFound("遍访对象")
	}
	return t, orgID, nil
}

// cadreOnCampaign refuses a cadre account without targets in a campaign (as
// not found); other accounts pass.
func (tx *Tx) cadreOnCampaign(ctx context.Context, actor app.Actor, campaignID int64) error {
	own, err := actorCadre(ctx, tx, actor)
	if err != nil || own == 0 {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM campaign_target WHERE campaign_id = $1 AND cadre_id = $2`,
		campaignID, own).Scan(&n); err != nil {
		return app.Internal(err, "cadre on campaign")
	}
	if n == 0 {
		return app.NotFound("遍访活动")
	}
	return nil
}

// CreateCampaignVisit records a visit to a target within the campaign's
// window by its assigned visitor (a target without one: the cadre named;
// a cadre account: only its own targets).
func (db *DB) CreateCampaignVisit(ctx context.Context, actor app.Actor, campaignID, householdID int64, in LiaisonVisitInput) (LiaisonVisit, error) {
	if err := mayVisit(actor); err != nil {
		return LiaisonVisit{}, err
	}
	var out LiaisonVisit
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := tx.lockVisitCampaign(ctx, actor, campaignID)
		if err != nil {
			return err
		}
		t, orgID, err := tx.campaignTarget(ctx, actor, c, householdID)
		if err != nil {
			return err
		}
		errs := in.validate(db.Today(), false)
		if t.CadreID != 0 {
			in.CadreID = t.CadreID
		} else if in.CadreID == 0 {
			errs.Add("cadre_id", "该户尚未分配走访人，请选择走访干部")
		} else if _, err := liaisonCadre(ctx, tx, c.CommitteeID, in.CadreID, "cadre_id"); err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				return err
			}
			errs = append(errs, app.ErrorFields(err)...)
		}
		if !in.VisitedOn.IsZero() && (in.VisitedOn.Before(c.StartsOn) || in.VisitedOn.After(c.EndsOn)) &&
			errs.Get("visited_on") == "" {
			errs.Add("visited_on", "走访日期应在遍访期间（"+c.StartsOn.Chinese()+"至"+c.EndsOn.Chinese()+"）内")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if out, err = tx.createCampaignVisit(ctx, actor, c, householdID, orgID, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "assist_visit", EntityID: out.ID,
			Committee: c.CommitteeID, OrgPath: c.path, Summary: "遍访 " + c.Title + " 走访 " + t.HeadName + "户",
			After: out})
	})
	return out, err
}

// FindCampaignVisits lists the visits recorded from a campaign, newest first.
func (db *DB) FindCampaignVisits(ctx context.Context, actor app.Actor, campaignID int64) ([]LiaisonVisit, error) {
	c, err := findVisitCampaign(ctx, db.read, actor, campaignID)
	if err != nil {
		return nil, err
	}
	return findLiaisonVisits(ctx, db.read, `v.campaign_id = $1`, c.ID)
}

// --- Rectification list (问题清单 → 整改) ---

// FindCampaignProblems is a campaign's rectification list, open problems first.
func (db *DB) FindCampaignProblems(ctx context.Context, actor app.Actor, campaignID int64) ([]LiaisonProblem, error) {
	c, err := findVisitCampaign(ctx, db.read, actor, campaignID)
	if err != nil {
		return nil, err
	}
	list, _, _, err := findLiaisonProblems(ctx, db.read, `p.campaign_id = $1`, c.ID)
	return list, err
}

// CreateCampaignProblem puts a problem found by the campaign on its
// rectification list, for a target household or the campaign as a whole.
func (db *DB) CreateCampaignProblem(ctx context.Context, actor app.Actor, campaignID int64, in LiaisonProblemInput) (LiaisonProblem, error) {
	if err := mayVisit(actor); err != nil {
		return LiaisonProblem{}, err
	}
	var out LiaisonProblem
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := tx.lockVisitCampaign(ctx, actor, campaignID)
		if err != nil {
			return err
		}
		orgID := c.OrgID
		if in.HouseholdID != 0 {
			var herr error
			if _, orgID, herr = tx.campaignTarget(ctx, actor, c, in.HouseholdID); herr != nil {
				if app.ErrorCode(herr) != app.ENOTFOUND {
					return herr
				}
				var errs app.FieldErrors
				errs.Add("household_id", "请选择本次遍访的对象")
				return errs.Err()
			}
		} else if err := tx.cadreOnCampaign(ctx, actor, c.ID); err != nil {
			return err
		}
		if err := in.validate(db.Today()).Err(); err != nil {
			return err
		}
		if err := tx.problemUnit(ctx, c.CommitteeID, in); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO assist_problem (committee_id, org_id, household_id, campaign_id,
			category, description, unit_id, department, raised_on, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`, c.CommitteeID, orgID,
			nullInt(in.HouseholdID), c.ID, in.Category, in.Description, nullInt(in.UnitID), in.Department, in.RaisedOn,
			actor.AccountID, tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "insert campaign problem")
		}
		if in.HouseholdID != 0 {
			if err := tx.rollupProblem(ctx, orgID, in.RaisedOn, 1, app.Date{}, 0); err != nil {
				return err
			}
		}
		list, _, _, err := findLiaisonProblems(ctx, tx, `p.id = $1`, id)
		if err != nil {
			return err
		}
		out = list[0]
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "assist_problem", EntityID: id,
			Committee: c.CommitteeID, OrgPath: c.path, Summary: "遍访 " + c.Title + " 发现问题：" + in.Description,
			After: out})
	})
	return out, err
}

// FindCampaignHouseholdChoices lists the registered households of the
// campaign's organisation and below that are not yet on its list, for the
// office choosing targets (head of household and village only).
func (db *DB) FindCampaignHouseholdChoices(ctx context.Context, actor app.Actor, campaignID int64) ([]CampaignTarget, error) {
	if err := mayKeepEnterprises(actor); err != nil {
		return nil, err
	}
	c, err := findVisitCampaign(ctx, db.read, actor, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT h.id, h.head_name, o.name FROM household h JOIN org o ON o.id = h.org_id
		WHERE o.path LIKE $1 || '%' AND h.exited_on = '' AND NOT EXISTS (SELECT 1 FROM campaign_target t
		WHERE t.campaign_id = $2 AND t.household_id = h.id) ORDER BY o.path, h.head_name, h.id LIMIT 2000`, c.path, c.ID)
	if err != nil {
		return nil, app.Internal(err, "find campaign household choices")
	}
	defer rows.Close()
	out := []CampaignTarget{}
	for rows.Next() {
		var t CampaignTarget
		if err := rows.Scan(&t.HouseholdID, &t.HeadName, &t.OrgName); err != nil {
			return nil, app.Internal(err, "scan campaign household choice")
		}
		out = append(out, t)
	}
	return out, app.Internal(rows.Err(), "find campaign household choices")
}
