package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/assist"
	"xieshang/internal/auth"
)

// The enterprise ledger (企业基本情况台账) of enterprise liaison (包联企业):
// each enterprise registered at an organisation of the committee, with its
// unified social credit code (checked, unique per committee). An
// enterprise shares its organisation's scope: another county's enterprise
// answers "not found". Enterprises are archived, never deleted, so their
// visits and problems keep their name.

// Enterprise is one line of the ledger.
type Enterprise struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	OrgName      string    `json:"org_name"`
	CommitteeID  int64     `json:"committee_id"`
	Name         string    `json:"name"`
	USCC         string    `json:"uscc"`
	Sector       string    `json:"sector"`
	Size         string    `json:"size"`
	SizeLabel    string    `json:"size_label"`
	Address      string    `json:"address"`
	Contact      string    `json:"contact"`
	ContactPhone string    `json:"contact_phone"` // masked for accounts without member:contact
	Employees    int       `json:"employees"`
	Note         string    `json:"note"`
	Archived     bool      `json:"archived"`
	Liaisons     []string  `json:"liaisons"`      // cadres currently paired (包联领导), in the list
	OpenProblems int       `json:"open_problems"` // problems not yet closed
	Problems     int       `json:"problems"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	path string
}

// Masked hides the contact's phone (first 3 and last 4 digits shown).
func (e Enterprise) Masked() Enterprise {
	e.ContactPhone = assist.MaskPhone(e.ContactPhone)
	return e
}

// EnterpriseInput creates or edits an enterprise; OrgID is read on creation
// only (0: the actor's organisation).
type EnterpriseInput struct {
	OrgID        int64  `json:"org_id"`
	Name         string `json:"name"`
	USCC         string `json:"uscc"`
	Sector       string `json:"sector"`
	Size         string `json:"size"` // large, medium, small, micro or ''
	Address      string `json:"address"`
	Contact      string `json:"contact"`
	ContactPhone string `json:"contact_phone"`
	Employees    int    `json:"employees"`
	Note         string `json:"note"`
}

// Validate trims, normalizes (the code upper-cased) and checks the fields.
func (in *EnterpriseInput) Validate() app.FieldErrors {
	for _, p := range []*string{&in.Name, &in.Sector, &in.Address, &in.Contact, &in.ContactPhone, &in.Note} {
		*p = strings.TrimSpace(*p)
	}
	in.USCC = assist.NormalizeUSCC(in.USCC)
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs.Add("name", "请填写企业名称")
	case n > 100:
		errs.Add("name", "企业名称不能超过100个字")
	}
	if msg := assist.CheckUSCC(in.USCC); msg != "" {
		errs.Add("uscc", msg)
	}
	if utf8.RuneCountInString(in.Sector) > 40 {
		errs.Add("sector", "所属行业不能超过40个字")
	}
	if size, ok := assist.ParseEnterpriseSize(in.Size); ok {
		in.Size = size
	} else {
		errs.Add("size", "企业规模应为大型、中型、小型或微型")
	}
	if utf8.RuneCountInString(in.Address) > 200 {
		errs.Add("address", "地址不能超过200个字")
	}
	if utf8.RuneCountInString(in.Contact) > 30 {
		errs.Add("contact", "联系人不能超过30个字")
	}
	if in.ContactPhone != "" && !phoneText(in.ContactPhone) {
		errs.Add("contact_phone", "联系电话应为7至20位数字（可含“-”）")
	}
	if in.Employees < 0 || in.Employees > 10_000_000 {
		errs.Add("employees", "职工人数应为0至10000000")
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		errs.Add("note", "备注不能超过2000个字")
	}
	return errs
}

const enterpriseColumns = `e.id, e.org_id, o.name, e.committee_id, e.name, e.uscc, e.sector, e.size, e.address, e.contact,
	e.contact_phone, e.employees, e.note, e.archived, e.created_at, e.updated_at, o.path`

const enterpriseFrom = ` FROM enterprise e JOIN org o ON o.id = e.org_id`

func scanEnterprise(s scanner, e *Enterprise, extra ...any) error {
	err := s.Scan(append([]any{&e.ID, &e.OrgID, &e.OrgName, &e.CommitteeID, &e.Name, &e.USCC, &e.Sector, &e.Size,
		&e.Address, &e.Contact, &e.ContactPhone, &e.Employees, &e.Note, &e.Archived, &e.CreatedAt, &e.UpdatedAt,
		&e.path}, extra...)...)
	e.SizeLabel = assist.EnterpriseSizeLabel(e.Size)
	e.Liaisons = []string{}
	return err
}

func findEnterprise(ctx context.Context, q querier, actor app.Actor, id int64) (Enterprise, error) {
	var e Enterprise
	err := scanEnterprise(q.QueryRowContext(ctx, `SELECT `+enterpriseColumns+enterpriseFrom+
		` WHERE e.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &e)
	if err != nil {
		return e, notFound(err, "企业", "find enterprise")
	}
	return e, fillEnterpriseFigures(ctx, q, []*Enterprise{&e})
}

// fillEnterpriseFigures adds each enterprise's current liaisons and its
// problem counts.
func fillEnterpriseFigures(ctx context.Context, q querier, list []*Enterprise) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	byID := map[int64]*Enterprise{}
	for i, e := range list {
		ids[i], byID[e.ID] = e.ID, e
	}
	args, ph := idArgs(ids, 0)
	rows, err := q.QueryContext(ctx, `SELECT p.enterprise_id, c.name FROM pairing p JOIN cadre c ON c.id = p.cadre_id
		WHERE p.ends_on = '' AND p.enterprise_id IN (`+ph+`) ORDER BY p.enterprise_id, p.starts_on, p.id`, args...)
	if err != nil {
		return app.Internal(err, "enterprise liaisons")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return app.Internal(err, "scan enterprise liaison")
		}
		byID[id].Liaisons = append(byID[id].Liaisons, name)
	}
	if err := rows.Err(); err != nil {
		return app.Internal(err, "enterprise liaisons")
	}
	prows, err := q.QueryContext(ctx, `SELECT enterprise_id, COUNT(*),
		SUM(CASE WHEN status IN ('solved', 'unsolvable') THEN 0 ELSE 1 END)
		FROM assist_problem WHERE enterprise_id IN (`+ph+`) GROUP BY enterprise_id`, args...)
	if err != nil {
		return app.Internal(err, "enterprise problems")
	}
	defer prows.Close()
	for prows.Next() {
		var id int64
		var n, open int
		if err := prows.Scan(&id, &n, &open); err != nil {
			return app.Internal(err, "scan enterprise problems")
		}
		byID[id].Problems, byID[id].OpenProblems = n, open
	}
	return app.Internal(prows.Err(), "enterprise problems")
}

// FindEnterpriseByID returns an enterprise in the actor's subtree.
func (db *DB) FindEnterpriseByID(ctx context.Context, actor app.Actor, id int64) (Enterprise, error) {
	return findEnterprise(ctx, db.read, actor, id)
}

// EnterpriseFilter narrows FindEnterprises.
type EnterpriseFilter struct {
	OrgID    int64  // registered at or below this organisation
	Query    string // substring of the name, or the code's start
	Sector   string // exact sector
	Size     string // size code
	Archived bool   // include archived enterprises
	Offset   int
	Limit    int // 0: 50; at most 5000 (exports)
}

// FindEnterprises lists the ledger in the actor's subtree by organisation
// and name, with the total for paging. An OrgID outside the subtree is not
// found.
func (db *DB) FindEnterprises(ctx context.Context, actor app.Actor, f EnterpriseFilter) ([]Enterprise, int, error) {
	q := `SELECT ` + enterpriseColumns + `, COUNT(*) OVER()` + enterpriseFrom + ` WHERE o.path LIKE $1 || '%'`
	args := []any{actor.Path}
	if f.OrgID != 0 {
		o, err := findOrg(ctx, db.read, actor, f.OrgID)
		if err != nil {
			return nil, 0, err
		}
		args = append(args, o.Path)
		q += fmt.Sprintf(" AND o.path LIKE $%d || '%%'", len(args))
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		args = append(args, likeEscape(s), likeEscape(strings.ToUpper(s)))
		q += fmt.Sprintf(` AND (e.name LIKE '%%' || $%d || '%%' ESCAPE '\' OR e.uscc LIKE $%d || '%%' ESCAPE '\')`,
			len(args)-1, len(args))
	}
	if f.Sector != "" {
		args = append(args, f.Sector)
		q += fmt.Sprintf(" AND e.sector = $%d", len(args))
	}
	if f.Size != "" {
		args = append(args, f.Size)
		q += fmt.Sprintf(" AND e.size = $%d", len(args))
	}
	if !f.Archived {
		q += " AND e.archived = FALSE"
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 5000)
	args = append(args, f.Limit, max(f.Offset, 0))
	q += fmt.Sprintf(" ORDER BY o.path, e.name, e.id LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find enterprises")
	}
	defer rows.Close()
	out := []Enterprise{}
	total := 0
	for rows.Next() {
		var e Enterprise
		if err := scanEnterprise(rows, &e, &total); err != nil {
			return nil, 0, app.Internal(err, "scan enterprise")
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, app.Internal(err, "find enterprises")
	}
	ptrs := make([]*Enterprise, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, total, fillEnterpriseFigures(ctx, db.read, ptrs)
}

// FindEnterpriseSectors lists the sectors used in the actor's subtree, for
// the list's filter.
func (db *DB) FindEnterpriseSectors(ctx context.Context, actor app.Actor) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT e.sector`+enterpriseFrom+`
		WHERE o.path LIKE $1 || '%' AND e.sector <> '' ORDER BY e.sector`, actor.Path)
	if err != nil {
		return nil, app.Internal(err, "find enterprise sectors")
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, app.Internal(err, "scan sector")
		}
		out = append(out, s)
	}
	return out, app.Internal(rows.Err(), "find enterprise sectors")
}

func mayKeepEnterprises(actor app.Actor) error {
	if !auth.Role(actor.Role).Can(auth.AssistWrite) {
		return app.Errorf(app.EFORBIDDEN, "当前账号不能维护企业台账")
	}
	return nil
}

func usccTaken() error {
	var errs app.FieldErrors
	errs.Add("uscc", "本政协的企业台账中已有该统一社会信用代码的企业")
	return errs.Err()
}

// CreateEnterprise adds an enterprise to the ledger of the committee of an
// organisation in the actor's subtree. A code already in the committee's
// ledger is a field error.
func (db *DB) CreateEnterprise(ctx context.Context, actor app.Actor, in EnterpriseInput) (Enterprise, error) {
	if err := mayKeepEnterprises(actor); err != nil {
		return Enterprise{}, err
	}
	if in.OrgID == 0 {
		in.OrgID = actor.OrgID
	}
	errs := in.Validate()
	var created Enterprise
	err := db.InTx(ctx, func(tx *Tx) error {
		o, err := findOrg(ctx, tx, actor, in.OrgID)
		switch {
		case app.ErrorCode(err) == app.ENOTFOUND:
			errs.Add("org_id", "请选择本账号管辖范围内的组织")
		case err != nil:
			return err
		case o.Archived:
			errs.Add("org_id", o.Name+"已撤销")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO enterprise (org_id, committee_id, name, uscc, sector, size, address,
			contact, contact_phone, employees, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`, o.ID, o.CommitteeID, in.Name,
			in.USCC, in.Sector, in.Size, in.Address, in.Contact, in.ContactPhone, in.Employees, in.Note,
			tx.Now).Scan(&id); err != nil {
			if isUniqueViolation(err) {
				return usccTaken()
			}
			return app.Internal(err, "insert enterprise")
		}
		if created, err = findEnterprise(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "enterprise", EntityID: id, Committee: o.CommitteeID,
			OrgPath: o.Path, Summary: "企业台账新增 " + in.Name, After: created})
	})
	return created, err
}

// lockEnterprise reads an enterprise in the actor's subtree for a change.
func (tx *Tx) lockEnterprise(ctx context.Context, actor app.Actor, id int64) (Enterprise, error) {
	var e Enterprise
	err := scanEnterprise(tx.QueryRowContext(ctx, `SELECT `+enterpriseColumns+enterpriseFrom+
		` WHERE e.id = $1 AND o.path LIKE $2 || '%'`+tx.db.Dialect.forUpdateOf("e"), id, actor.Path), &e)
	return e, notFound(err, "企业", "lock enterprise")
}

// UpdateEnterprise changes an enterprise's fields (not its organisation).
func (db *DB) UpdateEnterprise(ctx context.Context, actor app.Actor, id int64, in EnterpriseInput) (Enterprise, error) {
	if err := mayKeepEnterprises(actor); err != nil {
		return Enterprise{}, err
	}
	var after Enterprise
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.lockEnterprise(ctx, actor, id)
		if err != nil {
			return err
		}
		if err := in.Validate().Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enterprise SET name = $2, uscc = $3, sector = $4, size = $5, address = $6,
			contact = $7, contact_phone = $8, employees = $9, note = $10, updated_at = $11 WHERE id = $1`, id, in.Name,
			in.USCC, in.Sector, in.Size, in.Address, in.Contact, in.ContactPhone, in.Employees, in.Note, tx.Now); err != nil {
			if isUniqueViolation(err) {
				return usccTaken()
			}
			return app.Internal(err, "update enterprise")
		}
		if after, err = findEnterprise(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "enterprise", EntityID: id,
			Committee: before.CommitteeID, OrgPath: before.path, Summary: "修改企业台账 " + after.Name,
			Before: before, After: after})
	})
	return after, err
}

// ArchiveEnterprise archives (or restores) an enterprise: an archived one
// leaves the ledger's list and takes no new liaisons, visits or problems.
func (db *DB) ArchiveEnterprise(ctx context.Context, actor app.Actor, id int64, archived bool) (Enterprise, error) {
	if err := mayKeepEnterprises(actor); err != nil {
		return Enterprise{}, err
	}
	var after Enterprise
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.lockEnterprise(ctx, actor, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enterprise SET archived = $2, updated_at = $3 WHERE id = $1`,
			id, archived, tx.Now); err != nil {
			return app.Internal(err, "archive enterprise")
		}
		if after, err = findEnterprise(ctx, tx, app.System, id); err != nil {
			return err
		}
		summary := "企业台账归档 " + e.Name
		if !archived {
			summary = "企业台账恢复 " + e.Name
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "enterprise", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path, Summary: summary,
			Before: struct{ Archived bool }{e.Archived}, After: struct{ Archived bool }{archived}})
	})
	return after, err
}
