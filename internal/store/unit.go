package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
)

// Handling units (承办单位): the party and government departments a
// committee sends consultation outcomes (and later proposals) to. The office
// keeps the list per committee; a unit is archived, never deleted, so old
// assignments keep their name. Accounts of role unit name their unit
// (account.unit_id) and see only what was sent to it (consult_feedback.go).

// Unit kinds.
const (
	UnitParty      = "party"      // 党委及其部门
	UnitGovernment = "government" // 政府及其部门
	UnitDepartment = "department" // 其他部门单位
	UnitOther      = "other"      // 其他
)

// UnitKinds in display order.
var UnitKinds = []string{UnitParty, UnitGovernment, UnitDepartment, UnitOther}

var unitKindLabels = map[string]string{UnitParty: "党委及其部门", UnitGovernment: "政府及其部门",
	UnitDepartment: "部门单位", UnitOther: "其他"}

// UnitKindLabel is a unit kind in Chinese.
func UnitKindLabel(k string) string {
	if l, ok := unitKindLabels[k]; ok {
		return l
	}
	return k
}

// Unit is a handling unit of a committee.
type Unit struct {
	ID          int64     `json:"id"`
	CommitteeID int64     `json:"committee_id"`
	Name        string    `json:"name"`
	ShortName   string    `json:"short_name"`
	Kind        string    `json:"kind"`
	KindLabel   string    `json:"kind_label"`
	Contact     string    `json:"contact"`
	Phone       string    `json:"phone"`
	Sort        int       `json:"sort"`
	Archived    bool      `json:"archived"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`

	path string
}

// UnitInput creates or edits a unit. CommitteeID is read on creation only
// (0: the actor's committee).
type UnitInput struct {
	CommitteeID int64  `json:"committee_id"`
	Name        string `json:"name"`
	ShortName   string `json:"short_name"`
	Kind        string `json:"kind"`
	Contact     string `json:"contact"`
	Phone       string `json:"phone"`
	Sort        int    `json:"sort"`
}

// Validate trims and checks the fields.
func (in *UnitInput) Validate() app.FieldErrors {
	in.Name, in.ShortName = strings.TrimSpace(in.Name), strings.TrimSpace(in.ShortName)
	in.Contact, in.Phone = strings.TrimSpace(in.Contact), strings.TrimSpace(in.Phone)
	if in.Kind == "" {
		in.Kind = UnitDepartment
	}
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs.Add("name", "单位名称不能为空")
	case n > 60:
		errs.Add("name", "单位名称不能超过60个字")
	}
	if utf8.RuneCountInString(in.ShortName) > 20 {
		errs.Add("short_name", "简称不能超过20个字")
	}
	if _, ok := unitKindLabels[in.Kind]; !ok {
		errs.Add("kind", "单位类别不正确")
	}
	if utf8.RuneCountInString(in.Contact) > 30 {
		errs.Add("contact", "联系人不能超过30个字")
	}
	if in.Phone != "" && !phoneText(in.Phone) {
		errs.Add("phone", "联系电话应为7至20位数字（可含“-”）")
	}
	if in.Sort < 0 || in.Sort > 9999 {
		errs.Add("sort", "排序号应为0至9999")
	}
	return errs
}

func phoneText(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == ' ':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 20
}

const unitColumns = `u.id, u.committee_id, u.name, u.short_name, u.kind, u.contact, u.phone, u.sort, u.archived,
	u.created_at, u.updated_at, o.path`

const unitFrom = ` FROM handling_unit u JOIN org o ON o.id = u.committee_id`

func scanUnit(s scanner, u *Unit) error {
	err := s.Scan(&u.ID, &u.CommitteeID, &u.Name, &u.ShortName, &u.Kind, &u.Contact, &u.Phone, &u.Sort, &u.Archived,
		&u.CreatedAt, &u.UpdatedAt, &u.path)
	u.KindLabel = UnitKindLabel(u.Kind)
	return err
}

// unitsScope: units of committees in the actor's subtree, or the actor's
// own committee's units (a township's office sees its county's units).
const unitsScope = ` (o.path LIKE $1 || '%' OR u.committee_id = $2)`

func findUnit(ctx context.Context, q querier, actor app.Actor, id int64) (Unit, error) {
	var u Unit
	err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitColumns+unitFrom+` WHERE u.id = $3 AND`+unitsScope,
		actor.Path, actor.CommitteeID, id), &u)
	return u, notFound(err, "承办单位", "find unit")
}

// FindUnitByID returns a handling unit the actor may see.
func (db *DB) FindUnitByID(ctx context.Context, actor app.Actor, id int64) (Unit, error) {
	return findUnit(ctx, db.read, actor, id)
}

// UnitFilter narrows FindUnits.
type UnitFilter struct {
	CommitteeID int64 // 0: every committee the actor sees
	Archived    bool  // include archived units
}

// FindUnits lists handling units by committee, sort number and name.
func (db *DB) FindUnits(ctx context.Context, actor app.Actor, f UnitFilter) ([]Unit, error) {
	q := `SELECT ` + unitColumns + unitFrom + ` WHERE` + unitsScope
	args := []any{actor.Path, actor.CommitteeID}
	if f.CommitteeID != 0 {
		args = append(args, f.CommitteeID)
		q += ` AND u.committee_id = $3`
	}
	if !f.Archived {
		q += ` AND NOT u.archived`
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY o.path, u.archived, u.sort, u.name`, args...)
	if err != nil {
		return nil, app.Internal(err, "find units")
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := scanUnit(rows, &u); err != nil {
			return nil, app.Internal(err, "scan unit")
		}
		out = append(out, u)
	}
	return out, app.Internal(rows.Err(), "find units")
}

func mayKeepUnits(actor app.Actor) error {
	if !auth.Role(actor.Role).Can(auth.ConsultWrite) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能管理承办单位")
	}
	return nil
}

// CreateUnit adds a handling unit to a committee in the actor's subtree.
// A name already used in the committee is a field error.
func (db *DB) CreateUnit(ctx context.Context, actor app.Actor, in UnitInput) (Unit, error) {
	if err := mayKeepUnits(actor); err != nil {
		return Unit{}, err
	}
	if in.CommitteeID == 0 {
		in.CommitteeID = actor.CommitteeID
	}
	if errs := in.Validate(); len(errs) > 0 {
		return Unit{}, errs.Err()
	}
	var u Unit
	err := db.InTx(ctx, func(tx *Tx) error {
		o, err := findOrg(ctx, tx, actor, in.CommitteeID)
		if err != nil || o.CommitteeID != o.ID {
			var errs app.FieldErrors
			errs.Add("committee_id", "请选择本账号管辖范围内的政协")
			return errs.Err()
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO handling_unit (committee_id, name, short_name, kind, contact, phone,
			sort, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, o.ID, in.Name,
			in.ShortName, in.Kind, in.Contact, in.Phone, in.Sort, tx.Now).Scan(&id); err != nil {
			if isUniqueViolation(err) {
				var errs app.FieldErrors
				errs.Add("name", "本政协已有同名的承办单位")
				return errs.Err()
			}
			return app.Internal(err, "create unit")
		}
		if u, err = findUnit(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "handling_unit", EntityID: id, Committee: o.ID,
			OrgPath: o.Path, Summary: "新增承办单位 " + in.Name, After: u})
	})
	return u, err
}

// UpdateUnit changes a unit's fields (not its committee).
func (db *DB) UpdateUnit(ctx context.Context, actor app.Actor, id int64, in UnitInput) (Unit, error) {
	if err := mayKeepUnits(actor); err != nil {
		return Unit{}, err
	}
	var after Unit
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.lockUnit(ctx, actor, id) // the unit first: one the actor does not keep is 404, whatever the input
		if err != nil {
			return err
		}
		if errs := in.Validate(); len(errs) > 0 {
			return errs.Err()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE handling_unit SET name = $2, short_name = $3, kind = $4, contact = $5,
			phone = $6, sort = $7, updated_at = $8 WHERE id = $1`, id, in.Name, in.ShortName, in.Kind, in.Contact,
			in.Phone, in.Sort, tx.Now); err != nil {
			if isUniqueViolation(err) {
				var errs app.FieldErrors
				errs.Add("name", "本政协已有同名的承办单位")
				return errs.Err()
			}
			return app.Internal(err, "update unit")
		}
		if after, err = findUnit(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "handling_unit", EntityID: id,
			Committee: before.CommitteeID, OrgPath: before.path, Summary: "修改承办单位 " + in.Name,
			Before: before, After: after})
	})
	return after, err
}

// FindKeptUnit returns a unit the actor keeps, that is may change: one of
// a committee in its subtree (FindUnitByID also gives a township's office
// its county's units, which it sees but does not keep).
func (db *DB) FindKeptUnit(ctx context.Context, actor app.Actor, id int64) (Unit, error) {
	var u Unit
	err := scanUnit(db.read.QueryRowContext(ctx, `SELECT `+unitColumns+unitFrom+` WHERE u.id = $1 AND o.path LIKE $2 || '%'`,
		id, actor.Path), &u)
	return u, notFound(err, "承办单位", "find kept unit")
}

// lockUnit reads a unit the actor keeps: one of a committee in its subtree.
func (tx *Tx) lockUnit(ctx context.Context, actor app.Actor, id int64) (Unit, error) {
	var u Unit
	err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+unitFrom+` WHERE u.id = $1 AND o.path LIKE $2 || '%'`+
		tx.db.Dialect.forUpdateOf("u"), id, actor.Path), &u)
	return u, notFound(err, "承办单位", "lock unit")
}

// ArchiveUnit archives (or restores) a unit: archived units are not offered
// for new assignments or accounts; their history stays.
func (db *DB) ArchiveUnit(ctx context.Context, actor app.Actor, id int64, archived bool) (Unit, error) {
	if err := mayKeepUnits(actor); err != nil {
		return Unit{}, err
	}
	var after Unit
	err := db.InTx(ctx, func(tx *Tx) error {
		u, err := tx.lockUnit(ctx, actor, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE handling_unit SET archived = $2, updated_at = $3 WHERE id = $1`,
			id, archived, tx.Now); err != nil {
			return app.Internal(err, "archive unit")
		}
		after = u
		after.Archived = archived
		summary := "撤销承办单位 " + u.Name
		if !archived {
			summary = "恢复承办单位 " + u.Name
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "handling_unit", EntityID: id,
			Committee: u.CommitteeID, OrgPath: u.path, Summary: summary,
			Before: struct{ Archived bool }{u.Archived}, After: struct{ Archived bool }{archived}})
	})
	return after, err
}

// unitOfCommittee checks that a unit belongs to a committee and is not
// archived, for assignments and participants.
func (tx *Tx) unitOfCommittee(ctx context.Context, committeeID, unitID int64) (Unit, error) {
	var u Unit
	err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+unitFrom+` WHERE u.id = $1`, unitID), &u)
	if err != nil {
		return u, notFound(err, "承办单位", "unit of committee")
	}
	if u.CommitteeID != committeeID {
		return u, app.NotFound("承办单位")
	}
	if u.Archived {
		return u, app.Errorf(app.ECONFLICT, "%s已撤销", u.Name)
	}
	return u, nil
}
