package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
)

// Pairings: a cadre paired with a household (结对帮扶) or liaising with an
// enterprise (包联企业), from a date until ended. The committee's rules
// (assist_rules, assist.DefaultRules without a row) bound the active
// household pairings per cadre and per household: one-to-one by default. A
// handover ends a pairing and starts the next cadre's with handed_from set,
// in one transaction; a cadre who leaves hands all its pairings over.

// Pairing is a cadre's pairing with a household or an enterprise.
type Pairing struct {
	ID           int64     `json:"id"`
	CommitteeID  int64     `json:"committee_id"`
	CadreID      int64     `json:"cadre_id"`
	CadreName    string    `json:"cadre_name"`
	HouseholdID  int64     `json:"household_id,omitempty"`
	EnterpriseID int64     `json:"enterprise_id,omitempty"`
	Target       string    `json:"target"` // the household head's or the enterprise's name
	OrgName      string    `json:"org_name"`
	StartsOn     app.Date  `json:"starts_on"`
	EndsOn       app.Date  `json:"ends_on"`
	EndReason    string    `json:"end_reason"`
	HandedFrom   int64     `json:"handed_from,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	cadreAccount int64
	path         string
}

// Active reports whether the pairing has not ended.
func (p Pairing) Active() bool { return p.EndsOn.IsZero() }

// KindLabel is 结对帮扶 or 包联企业.
func (p Pairing) KindLabel() string {
	if p.EnterpriseID != 0 {
		return "包联企业"
	}
	return "结对帮扶"
}

// PairingInput starts a pairing: a cadre and either a household or an
// enterprise.
type PairingInput struct {
	CadreID      int64    `json:"cadre_id"`
	HouseholdID  int64    `json:"household_id"`
	EnterpriseID int64    `json:"enterprise_id"`
	StartsOn     app.Date `json:"starts_on"`
}

// --- rules ---

// FindAssistRules returns a committee's assistance rules (the built-in ones
// when it has none). committeeID 0 is the actor's committee.
func (db *DB) FindAssistRules(ctx context.Context, actor app.Actor, committeeID int64) (assist.Rules, error) {
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if _, err := findOrg(ctx, db.read, actor, committeeID); err != nil && committeeID != actor.CommitteeID {
		return assist.Rules{}, err
	}
	return assistRules(ctx, db.read, committeeID)
}

func assistRules(ctx context.Context, q querier, committeeID int64) (assist.Rules, error) {
	var js string
	err := q.QueryRowContext(ctx, `SELECT rules_json FROM assist_rules WHERE committee_id = $1`, committeeID).Scan(&js)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return assist.DefaultRules(), nil
		}
		return assist.Rules{}, app.Internal(err, "assist rules")
	}
	var r assist.Rules
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return assist.Rules{}, app.Internal(err, "assist rules: decode")
	}
	return r, nil
}

// CheckRules checks assistance rules a committee saves.
func CheckRules(r *assist.Rules) app.FieldErrors {
	var errs app.FieldErrors
	if r.HouseholdsPerCadre < 0 || r.HouseholdsPerCadre > 100 {
		errs.Add("households_per_cadre", "每名干部结对户数应为0（不限）至100")
	}
	if r.CadresPerHousehold < 0 || r.CadresPerHousehold > 10 {
		errs.Add("cadres_per_household", "每户结对干部数应为0（不限）至10")
	}
	if r.VisitEveryDays < 0 || r.VisitEveryDays > 366 {
		errs.Add("visit_every_days", "走访间隔应为0（不要求）至366天")
	}
	seen := map[string]bool{}
	for i := range r.Occasions {
		o := &r.Occasions[i]
		o.Code, o.Label = strings.TrimSpace(o.Code), strings.TrimSpace(o.Label)
		switch {
		case o.Code == "" || o.Label == "":
			errs.Add("occasions", fmt.Sprintf("第%d个走访时机缺少代码或名称", i+1))
		case seen[o.Code]:
			errs.Add("occasions", "走访时机“"+o.Code+"”重复")
		}
		seen[o.Code] = true
		if o.WithinDays < 0 || o.WithinDays > 60 {
			errs.Add("occasions", o.Label+"：前后天数应为0至60")
		}
		if o.Month < 0 || o.Month > 12 || o.Day < 0 || o.Day > 31 || (o.Month == 0) != (o.Day == 0) {
			errs.Add("occasions", o.Label+"：固定日期不正确")
		}
		for _, d := range o.Dates {
			if _, err := app.ParseDate(d); err != nil {
				errs.Add("occasions", o.Label+"：日期“"+d+"”不正确")
			}
		}
	}
	return errs
}

// SaveAssistRules stores a committee's assistance rules.
func (db *DB) SaveAssistRules(ctx context.Context, actor app.Actor, committeeID int64, r assist.Rules) (assist.Rules, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return r, err
	}
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if errs := CheckRules(&r); len(errs) > 0 {
		return r, errs.Err()
	}
	js, err := json.Marshal(r)
	if err != nil {
		return r, app.Internal(err, "assist rules: encode")
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		o, err := findOrg(ctx, tx, actor, committeeID)
		if err != nil {
			return renameNotFound(err, "政协")
		}
		if o.CommitteeID != o.ID {
			return app.NotFound("政协")
		}
		before, err := assistRules(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assist_rules (committee_id, rules_json, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (committee_id) DO UPDATE SET rules_json = excluded.rules_json, updated_at = excluded.updated_at`,
			o.ID, string(js), tx.Now); err != nil {
			return app.Internal(err, "save assist rules")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "assist_rules", EntityID: o.ID, Committee: o.ID,
			OrgPath: o.Path, Summary: "修改结对帮扶规则", Before: before, After: r})
	})
	return r, err
}

// --- pairings ---

const pairingColumns = `p.id, p.committee_id, p.cadre_id, c.name, COALESCE(p.household_id, 0), COALESCE(p.enterprise_id, 0),
	COALESCE(h.head_name, e.name, ''), o.name, p.starts_on, p.ends_on, p.end_reason, COALESCE(p.handed_from, 0),
	p.created_at, p.updated_at, COALESCE(c.account_id, 0), o.path`

const pairingFrom = ` FROM pairing p JOIN cadre c ON c.id = p.cadre_id
	LEFT JOIN household h ON h.id = p.household_id LEFT JOIN enterprise e ON e.id = p.enterprise_id
	JOIN org o ON o.id = COALESCE(h.org_id, e.org_id)`

func scanPairing(s scanner, p *Pairing) error {
	var starts, ends string
	err := s.Scan(&p.ID, &p.CommitteeID, &p.CadreID, &p.CadreName, &p.HouseholdID, &p.EnterpriseID, &p.Target, &p.OrgName,
		&starts, &ends, &p.EndReason, &p.HandedFrom, &p.CreatedAt, &p.UpdatedAt, &p.cadreAccount, &p.path)
	p.StartsOn, _ = app.ParseDate(starts)
	p.EndsOn, _ = app.ParseDate(ends)
	return err
}

// pairingAccess: supervisors read pairings of their subtree, a cadre
// account its own.
func pairingAccess(actor app.Actor, n int) (string, any, bool) {
	if !auth.Role(actor.Role).Can(auth.AssistRead) {
		return "", nil, false
	}
	if supervises(actor) {
		return fmt.Sprintf("o.path LIKE $%d || '%%'", n), actor.Path, true
	}
	if auth.Role(actor.Role) == auth.Cadre && actor.AccountID != 0 {
		return fmt.Sprintf("c.account_id = $%d", n), actor.AccountID, true
	}
	return "", nil, false
}

// PairingFilter narrows FindPairings.
type PairingFilter struct {
	CadreID      int64
	HouseholdID  int64
	EnterpriseID int64
	Kind         string // "household", "enterprise" or "" for both
	Active       bool
}

// FindPairings lists pairings the actor reads, active first, newest first.
func (db *DB) FindPairings(ctx context.Context, actor app.Actor, f PairingFilter) ([]Pairing, error) {
	cond, arg, ok := pairingAccess(actor, 1)
	if !ok {
		return nil, mayAssist(actor, auth.AssistRead)
	}
	q := `SELECT ` + pairingColumns + pairingFrom + ` WHERE ` + cond
	args := []any{arg}
	add := func(c string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+c, len(args))
	}
	if f.CadreID != 0 {
		add("p.cadre_id = $%d", f.CadreID)
	}
	if f.HouseholdID != 0 {
		add("p.household_id = $%d", f.HouseholdID)
	}
	if f.EnterpriseID != 0 {
		add("p.enterprise_id = $%d", f.EnterpriseID)
	}
	switch f.Kind {
	case "household":
		q += ` AND p.household_id IS NOT NULL`
	case "enterprise":
		q += ` AND p.enterprise_id IS NOT NULL`
	}
	if f.Active {
		q += ` AND p.ends_on = ''`
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY p.ends_on <> '', p.starts_on DESC, p.id DESC`, args...)
	if err != nil {
		return nil, app.Internal(err, "find pairings")
	}
	defer rows.Close()
	var out []Pairing
	for rows.Next() {
		var p Pairing
		if err := scanPairing(rows, &p); err != nil {
			return nil, app.Internal(err, "scan pairing")
		}
		out = append(out, p)
	}
	return out, app.Internal(rows.Err(), "find pairings")
}

func (tx *Tx) lockPairing(ctx context.Context, actor app.Actor, id int64) (Pairing, error) {
	var p Pairing
	err := scanPairing(tx.QueryRowContext(ctx, `SELECT `+pairingColumns+pairingFrom+` WHERE p.id = $1 AND o.path LIKE $2 || '%'`+
		tx.db.Dialect.forUpdateOf("p"), id, actor.Path), &p)
	return p, notFound(err, "结对关系", "lock pairing")
}

func findPairing(ctx context.Context, q querier, id int64) (Pairing, error) {
	var p Pairing
	err := scanPairing(q.QueryRowContext(ctx, `SELECT `+pairingColumns+pairingFrom+` WHERE p.id = $1`, id), &p)
	return p, notFound(err, "结对关系", "find pairing")
}

// pairingTarget checks the household or enterprise of a new pairing and
// returns its committee, organisation path and name.
func (tx *Tx) pairingTarget(ctx context.Context, actor app.Actor, in PairingInput) (committee int64, path, name string, err error) {
	var errs app.FieldErrors
	switch {
	case (in.HouseholdID == 0) == (in.EnterpriseID == 0):
		errs.Add("household_id", "请选择结对的帮扶对象或包联的企业（二选一）")
		return 0, "", "", errs.Err()
	case in.HouseholdID != 0:
		var exited string
		err := tx.QueryRowContext(ctx, `SELECT h.committee_id, o.path, h.head_name, h.exited_on FROM household h
			JOIN org o ON o.id = h.org_id WHERE h.id = $1 AND o.path LIKE $2 || '%'`+tx.db.Dialect.forUpdateOf("h"),
			in.HouseholdID, actor.Path).Scan(&committee, &path, &name, &exited)
		if err != nil {
			errs.Add("household_id", "请选择本账号管辖范围内的帮扶对象")
			return 0, "", "", errs.Err()
		}
		if exited != "" {
			errs.Add("household_id", name+" 户已退出帮扶名单")
		}
	default:
		var archived bool
		err := tx.QueryRowContext(ctx, `SELECT e.committee_id, o.path, e.name, e.archived FROM enterprise e
			JOIN org o ON o.id = e.org_id WHERE e.id = $1 AND o.path LIKE $2 || '%'`+tx.db.Dialect.forUpdateOf("e"),
			in.EnterpriseID, actor.Path).Scan(&committee, &path, &name, &archived)
		if err != nil {
			errs.Add("enterprise_id", "请选择本账号管辖范围内的企业")
			return 0, "", "", errs.Err()
		}
		if archived {
			errs.Add("enterprise_id", name+"已移出台账")
		}
	}
	return committee, path, name, errs.Err()
}

// checkPairingRules refuses a household pairing beyond the committee's
// rules; except is a pairing being handed over (it ends in the same
// transaction).
func (tx *Tx) checkPairingRules(ctx context.Context, committee, cadreID, householdID, except int64) error {
	if householdID == 0 {
		return nil // the rules bound household pairings only
	}
	r, err := assistRules(ctx, tx, committee)
	if err != nil {
		return err
	}
	var byCadre, byHousehold, same int
	if err := tx.QueryRowContext(ctx, `SELECT
		COUNT(CASE WHEN cadre_id = $1 THEN 1 END), COUNT(CASE WHEN household_id = $2 THEN 1 END),
		COUNT(CASE WHEN cadre_id = $1 AND household_id = $2 THEN 1 END)
		FROM pairing WHERE household_id IS NOT NULL AND ends_on = '' AND id <> $3 AND (cadre_id = $1 OR household_id = $2)`,
		cadreID, householdID, except).Scan(&byCadre, &byHousehold, &same); err != nil {
		return app.Internal(err, "pairing rules")
	}
	var errs app.FieldErrors
	switch {
	case same > 0:
		errs.Add("cadre_id", "该干部已与该户结对")
	case r.CadresPerHousehold > 0 && byHousehold >= r.CadresPerHousehold:
		errs.Add("household_id", fmt.Sprintf("该户已有%d名结对干部，按本政协规则每户最多%d名（一对一结对），请先结束或移交原结对",
			byHousehold, r.CadresPerHousehold))
	case r.HouseholdsPerCadre > 0 && byCadre >= r.HouseholdsPerCadre:
		errs.Add("cadre_id", fmt.Sprintf("该干部已结对%d户，按本政协规则每名干部最多结对%d户", byCadre, r.HouseholdsPerCadre))
	}
	return errs.Err()
}

// pairingCadre checks the cadre of a pairing: active, of the committee.
func (tx *Tx) pairingCadre(ctx context.Context, actor app.Actor, id, committee int64, on app.Date) (Cadre, error) {
	var errs app.FieldErrors
	c, err := tx.lockCadre(ctx, actor, id)
	switch {
	case err != nil || c.CommitteeID != committee:
		errs.Add("cadre_id", "请选择本政协的帮扶干部")
	case !c.Active() && !c.LeftOn.After(on):
		errs.Add("cadre_id", c.Name+"已于"+c.LeftOn.String()+"离开帮扶岗位")
	}
	return c, errs.Err()
}

func checkStart(errs *app.FieldErrors, field string, d, today app.Date) {
	switch {
	case d.IsZero():
		errs.Add(field, "请填写开始日期")
	case d.After(today):
		errs.Add(field, "开始日期不能晚于今天")
	}
}

// CreatePairing pairs a cadre with a household or an enterprise, within the
// committee's rules.
func (db *DB) CreatePairing(ctx context.Context, actor app.Actor, in PairingInput) (Pairing, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return Pairing{}, err
	}
	var errs app.FieldErrors
	checkStart(&errs, "starts_on", in.StartsOn, db.Today())
	if in.CadreID == 0 {
		errs.Add("cadre_id", "请选择帮扶干部")
	}
	if len(errs) > 0 {
		return Pairing{}, errs.Err()
	}
	var p Pairing
	err := db.InTx(ctx, func(tx *Tx) error {
		committee, path, name, err := tx.pairingTarget(ctx, actor, in)
		if err != nil {
			return err
		}
		c, err := tx.pairingCadre(ctx, actor, in.CadreID, committee, in.StartsOn)
		if err != nil {
			return err
		}
		if in.EnterpriseID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairing WHERE cadre_id = $1 AND enterprise_id = $2
				AND ends_on = ''`, c.ID, in.EnterpriseID).Scan(&n); err != nil {
				return app.Internal(err, "pairing")
			}
			if n > 0 {
				var errs app.FieldErrors
				errs.Add("cadre_id", c.Name+"已包联"+name)
				return errs.Err()
			}
		} else if err := tx.checkPairingRules(ctx, committee, c.ID, in.HouseholdID, 0); err != nil {
			return err
		}
		id, err := tx.insertPairing(ctx, committee, c.ID, in.HouseholdID, in.EnterpriseID, in.StartsOn, 0)
		if err != nil {
			return err
		}
		if p, err = findPairing(ctx, tx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "pairing", EntityID: id, Committee: committee,
			OrgPath: path, Summary: c.Name + " " + p.KindLabel() + " " + name, After: p})
	})
	return p, err
}

func (tx *Tx) insertPairing(ctx context.Context, committee, cadre, household, enterprise int64, on app.Date, from int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO pairing (committee_id, cadre_id, household_id, enterprise_id, starts_on,
		handed_from, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, committee, cadre,
		nullInt(household), nullInt(enterprise), on, nullInt(from), tx.Now).Scan(&id)
	if err != nil {
		return 0, app.Internal(err, "insert pairing")
	}
	if household != 0 {
		return id, tx.restockHousehold(ctx, household)
	}
	return id, nil
}

// endPairing ends an active pairing on a date for a reason.
func (tx *Tx) endPairing(ctx context.Context, actor app.Actor, p Pairing, on app.Date, reason string) error {
	var errs app.FieldErrors
	reason = strings.TrimSpace(reason)
	switch {
	case !p.Active():
		return app.Errorf(app.ECONFLICT, "该结对已于%s结束", p.EndsOn.String())
	case on.IsZero():
		errs.Add("ends_on", "请填写结束日期")
	case on.Before(p.StartsOn):
		errs.Add("ends_on", "结束日期不能早于结对开始日期（"+p.StartsOn.String()+"）")
	case on.After(tx.db.Today()):
		errs.Add("ends_on", "结束日期不能晚于今天")
	}
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		errs.Add("end_reason", "请填写结束原因")
	case n > 100:
		errs.Add("end_reason", "结束原因不能超过100个字")
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	if _, err := tx.ExecContext(ctx, `UPDATE pairing SET ends_on = $2, end_reason = $3, updated_at = $4 WHERE id = $1`,
		p.ID, on, reason, tx.Now); err != nil {
		return app.Internal(err, "end pairing")
	}
	if p.HouseholdID != 0 {
		if err := tx.restockHousehold(ctx, p.HouseholdID); err != nil {
			return err
		}
	}
	after := p
	after.EndsOn, after.EndReason = on, reason
	return tx.Audit(ctx, actor, Change{Action: "update", Entity: "pairing", EntityID: p.ID, Committee: p.CommitteeID,
		OrgPath: p.path, Summary: "结束 " + p.CadreName + " 与 " + p.Target + " 的" + p.KindLabel() + "：" + reason,
		Before: p, After: after})
}

// EndPairing ends a pairing on a date, for a reason.
func (db *DB) EndPairing(ctx context.Context, actor app.Actor, id int64, on app.Date, reason string) (Pairing, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return Pairing{}, err
	}
	var p Pairing
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.lockPairing(ctx, actor, id)
		if err != nil {
			return err
		}
		if err := tx.endPairing(ctx, actor, before, on, reason); err != nil {
			return err
		}
		p, err = findPairing(ctx, tx, id)
		return err
	})
	return p, err
}

// handover ends p and starts the same pairing for another cadre.
func (tx *Tx) handover(ctx context.Context, actor app.Actor, p Pairing, to int64, on app.Date, reason string) (int64, error) {
	if to == p.CadreID {
		var errs app.FieldErrors
		errs.Add("to_cadre_id", "请选择另一名帮扶干部")
		return 0, errs.Err()
	}
	if err := tx.endPairing(ctx, actor, p, on, reason); err != nil {
		return 0, err
	}
	c, err := tx.pairingCadre(ctx, actor, to, p.CommitteeID, on)
	if err != nil {
		return 0, app.FieldErrors{{Field: "to_cadre_id", Message: app.ErrorFields(err).Get("cadre_id")}}.Err()
	}
	if err := tx.checkPairingRules(ctx, p.CommitteeID, c.ID, p.HouseholdID, p.ID); err != nil {
		fe := app.ErrorFields(err)
		msg := fe.Get("cadre_id") + fe.Get("household_id")
		if msg == "" {
			return 0, err
		}
		return 0, app.FieldErrors{{Field: "to_cadre_id", Message: msg}}.Err()
	}
	id, err := tx.insertPairing(ctx, p.CommitteeID, c.ID, p.HouseholdID, p.EnterpriseID, on, p.ID)
	if err != nil {
		return 0, err
	}
	np, err := findPairing(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	return id, tx.Audit(ctx, actor, Change{Action: "create", Entity: "pairing", EntityID: id, Committee: p.CommitteeID,
		OrgPath: p.path, Summary: p.CadreName + " 将与 " + p.Target + " 的" + p.KindLabel() + "移交给 " + c.Name, After: np})
}

// HandoverPairing ends a pairing and starts it for another cadre on the same
// day, with handed_from set, in one transaction.
func (db *DB) HandoverPairing(ctx context.Context, actor app.Actor, id, toCadreID int64, on app.Date, reason string) (Pairing, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return Pairing{}, err
	}
	var p Pairing
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.lockPairing(ctx, actor, id)
		if err != nil {
			return err
		}
		nid, err := tx.handover(ctx, actor, before, toCadreID, on, reason)
		if err != nil {
			return err
		}
		p, err = findPairing(ctx, tx, nid)
		return err
	})
	return p, err
}

// CadreLeaves records that a cadre left on a date and hands each of its
// active pairings over to a successor (or, without one, ends them), in one
// transaction.
func (db *DB) CadreLeaves(ctx context.Context, actor app.Actor, cadreID int64, on app.Date, successorID int64, reason string) (Cadre, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return Cadre{}, err
	}
	var after Cadre
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := tx.lockCadre(ctx, actor, cadreID)
		if err != nil {
			return err
		}
		if !c.Active() {
			return app.Errorf(app.ECONFLICT, "%s已于%s离开帮扶岗位", c.Name, c.LeftOn.String())
		}
		var errs app.FieldErrors
		switch {
		case on.IsZero():
			errs.Add("left_on", "请填写离岗日期")
		case on.After(tx.db.Today()):
			errs.Add("left_on", "离岗日期不能晚于今天")
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		if strings.TrimSpace(reason) == "" {
			reason = "帮扶干部离岗"
		}
		rows, err := tx.QueryContext(ctx, `SELECT p.id FROM pairing p WHERE p.cadre_id = $1 AND p.ends_on = '' ORDER BY p.id`, c.ID)
		if err != nil {
			return app.Internal(err, "cadre pairings")
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return app.Internal(err, "cadre pairings")
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			p, err := tx.lockPairing(ctx, actor, id)
			if err != nil {
				return err
			}
			if successorID != 0 {
				_, err = tx.handover(ctx, actor, p, successorID, on, reason)
			} else {
				err = tx.endPairing(ctx, actor, p, on, reason)
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cadre SET left_on = $2, updated_at = $3 WHERE id = $1`, c.ID, on, tx.Now); err != nil {
			return app.Internal(err, "cadre leaves")
		}
		if after, err = findCadre(ctx, tx, app.System, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "cadre", EntityID: c.ID, Committee: c.CommitteeID,
			OrgPath: c.path, Summary: fmt.Sprintf("%s离开帮扶岗位，%d个结对已%s", c.Name, len(ids),
				map[bool]string{true: "移交", false: "结束"}[successorID != 0]), Before: c, After: after})
	})
	return after, err
}

// FindDueVisits lists, per cadre, the visits due soon and overdue under
// each committee's rules: a cadre account its own, supervisors their
// subtree's cadres.
func (db *DB) FindDueVisits(ctx context.Context, actor app.Actor, today app.Date) ([]assist.CadreDue, error) {
	ps, err := db.FindPairings(ctx, actor, PairingFilter{Kind: "household", Active: true})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, nil
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = app.Itoa(p.HouseholdID)
	}
	visits := map[int64][]app.Date{}
	rows, err := db.read.QueryContext(ctx, `SELECT household_id, visited_on FROM assist_visit
		WHERE household_id IN (`+strings.Join(ids, ",")+`) AND visited_on >= $1`, today.Time(time.UTC).AddDate(-1, 0, -60).Format("2006-01-02"))
	if err != nil {
		return nil, app.Internal(err, "due visits")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var on app.Date
		if err := rows.Scan(&id, &on); err != nil {
			return nil, app.Internal(err, "due visits")
		}
		visits[id] = append(visits[id], on)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "due visits")
	}
	byCommittee := map[int64][]assist.PairingVisits{}
	for _, p := range ps {
		byCommittee[p.CommitteeID] = append(byCommittee[p.CommitteeID], assist.PairingVisits{PairingID: p.ID,
			CadreID: p.CadreID, CadreName: p.CadreName, HouseholdID: p.HouseholdID, Household: p.Target,
			StartsOn: p.StartsOn, Visits: visits[p.HouseholdID]})
	}
	var all []assist.Due
	for committee, pvs := range byCommittee {
		r, err := assistRules(ctx, db.read, committee)
		if err != nil {
			return nil, err
		}
		all = append(all, assist.DueVisits(r, pvs, today)...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Overdue != b.Overdue {
			return a.Overdue
		}
		return a.DueOn.Before(b.DueOn)
	})
	return assist.ByCadre(all), nil
}
