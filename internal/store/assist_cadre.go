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
	"xieshang/internal/org"
)

// Cadres (帮扶干部) pair with households and liaise with enterprises: office
// cadres, members, leaders. A cadre may be a member of the committee
// (member_id: its visits count in the member's duty record) and may have its
// own account of role cadre (account_id: it then sees only the households
// it is currently paired with). A cadre who leaves keeps its history; its
// pairings are handed over (pairing.go: CadreLeaves).

// Cadre is a person who pairs with households or enterprises. Phone is
// masked.
type Cadre struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	OrgName     string    `json:"org_name"`
	CommitteeID int64     `json:"committee_id"`
	Name        string    `json:"name"`
	Post        string    `json:"post"`
	Phone       string    `json:"phone"`
	MemberID    int64     `json:"member_id,omitempty"`
	AccountID   int64     `json:"account_id,omitempty"`
	LeftOn      app.Date  `json:"left_on"`
	Households  int       `json:"households"`  // active household pairings
	Enterprises int       `json:"enterprises"` // active enterprise liaisons
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`

	path string
}

// Active reports whether the cadre has not left.
func (c Cadre) Active() bool { return c.LeftOn.IsZero() }

// CadreInput creates or edits a cadre.
type CadreInput struct {
	OrgID     int64  `json:"org_id"`
	Name      string `json:"name"`
	Post      string `json:"post"`
	Phone     string `json:"phone"`
	MemberID  int64  `json:"member_id"`
	AccountID int64  `json:"account_id"`
}

func (in *CadreInput) validate() app.FieldErrors {
	in.Name, in.Post, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Post), strings.TrimSpace(in.Phone)
	var errs app.FieldErrors
	if in.OrgID == 0 {
		errs.Add("org_id", "请选择所在单位")
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs.Add("name", "姓名不能为空")
	case n > 30:
		errs.Add("name", "姓名不能超过30个字")
	}
	tooLong(&errs, "post", "职务", in.Post, 60)
	if in.Phone != "" && !phoneText(in.Phone) {
		errs.Add("phone", "联系电话应为7至20位数字（可含“-”）")
	}
	return errs
}

// mayAssist checks an assistance permission.
func mayAssist(actor app.Actor, p auth.Permission) error {
	if !auth.Role(actor.Role).Can(p) {
		switch p {
		case auth.AssistWrite:
			return app.Errorf(app.EFORBIDDEN, "当前账号不能维护结对帮扶台账")
		case auth.AssistVisit:
			return app.Errorf(app.EFORBIDDEN, "当前账号不能登记走访")
		}
		return app.Errorf(app.EFORBIDDEN, "当前账号不能查看结对帮扶")
	}
	return nil
}

// supervises reports whether the actor reads households of its whole
// subtree (admin, office, leader); a cadre account reads only those it is
// paired with.
func supervises(actor app.Actor) bool {
	switch auth.Role(actor.Role) {
	case auth.Admin, auth.Office, auth.Leader:
		return true
	}
	return false
}

const cadreColumns = `c.id, c.org_id, o.name, c.committee_id, c.name, c.post, c.phone, COALESCE(c.member_id, 0),
	COALESCE(c.account_id, 0), c.left_on, c.created_at, c.updated_at, o.path,
	(SELECT COUNT(*) FROM pairing p WHERE p.cadre_id = c.id AND p.ends_on = '' AND p.household_id IS NOT NULL),
	(SELECT COUNT(*) FROM pairing p WHERE p.cadre_id = c.id AND p.ends_on = '' AND p.enterprise_id IS NOT NULL)`

const cadreFrom = ` FROM cadre c JOIN org o ON o.id = c.org_id`

func scanCadre(s scanner, c *Cadre) error {
	var left string
	err := s.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.CommitteeID, &c.Name, &c.Post, &c.Phone, &c.MemberID, &c.AccountID,
		&left, &c.CreatedAt, &c.UpdatedAt, &c.path, &c.Households, &c.Enterprises)
	c.LeftOn, _ = app.ParseDate(left)
	c.Phone = assist.MaskPhone(c.Phone)
	return err
}

func findCadre(ctx context.Context, q querier, actor app.Actor, id int64) (Cadre, error) {
	var c Cadre
	err := scanCadre(q.QueryRowContext(ctx, `SELECT `+cadreColumns+cadreFrom+` WHERE c.id = $1 AND o.path LIKE $2 || '%'`,
		id, actor.Path), &c)
	return c, notFound(err, "帮扶干部", "find cadre")
}

// FindCadreByID returns a cadre in the actor's subtree.
func (db *DB) FindCadreByID(ctx context.Context, actor app.Actor, id int64) (Cadre, error) {
	if err := mayAssist(actor, auth.AssistRead); err != nil {
		return Cadre{}, err
	}
	return findCadre(ctx, db.read, actor, id)
}

// CadreOfAccount returns the cadre an account of role cadre is, or
// app.NotFound.
func (db *DB) CadreOfAccount(ctx context.Context, actor app.Actor) (Cadre, error) {
	return cadreOfAccount(ctx, db.read, actor)
}

func cadreOfAccount(ctx context.Context, q querier, actor app.Actor) (Cadre, error) {
	var c Cadre
	err := scanCadre(q.QueryRowContext(ctx, `SELECT `+cadreColumns+cadreFrom+` WHERE c.account_id = $1`, actor.AccountID), &c)
	return c, notFound(err, "帮扶干部", "cadre of account")
}

// CadreFilter narrows FindCadres.
type CadreFilter struct {
	OrgID  int64
	Active bool // only cadres who have not left
	Query  string
	Offset int
	Limit  int // 0: all
}

// FindCadres lists cadres of the actor's subtree by organisation and name.
func (db *DB) FindCadres(ctx context.Context, actor app.Actor, f CadreFilter) ([]Cadre, error) {
	if err := mayAssist(actor, auth.AssistRead); err != nil {
		return nil, err
	}
	q := `SELECT ` + cadreColumns + cadreFrom + ` WHERE o.path LIKE $1 || '%'`
	args := []any{actor.Path}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.OrgID != 0 {
		add("(c.org_id = $%[1]d OR o.path LIKE (SELECT path FROM org WHERE id = $%[1]d) || '%%')", f.OrgID)
	}
	if f.Active {
		q += ` AND c.left_on = ''`
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		add(`c.name LIKE '%%' || $%d || '%%' ESCAPE '\'`, likeEscape(s))
	}
	q += ` ORDER BY c.left_on <> '', o.path, c.name, c.id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, app.Internal(err, "find cadres")
	}
	defer rows.Close()
	var out []Cadre
	for rows.Next() {
		var c Cadre
		if err := scanCadre(rows, &c); err != nil {
			return nil, app.Internal(err, "scan cadre")
		}
		out = append(out, c)
	}
	return out, app.Internal(rows.Err(), "find cadres")
}

// checkCadreLinks checks the organisation, the member and the account a
// cadre names, and returns the organisation.
func (tx *Tx) checkCadreLinks(ctx context.Context, actor app.Actor, in CadreInput, selfID int64) (org.Org, error) {
	var errs app.FieldErrors
	o, err := findOrg(ctx, tx, actor, in.OrgID)
	if err != nil {
		errs.Add("org_id", "请选择本账号管辖范围内的单位")
		return o, errs.Err()
	}
	if in.MemberID != 0 {
		var committee int64
		err := tx.QueryRowContext(ctx, `SELECT committee_id FROM member WHERE id = $1`, in.MemberID).Scan(&committee)
		if err != nil || committee != o.CommitteeID {
			errs.Add("member_id", "请选择本政协的委员")
		}
	}
	if in.AccountID != 0 {
		var role, path string
		err := tx.QueryRowContext(ctx, `SELECT a.role, COALESCE(o.path, '') FROM account a LEFT JOIN org o ON o.id = a.org_id
			WHERE a.id = $1`, in.AccountID).Scan(&role, &path)
		switch {
		case err != nil || !actor.Sees(path):
			errs.Add("account_id", "请选择本账号管辖范围内的账号")
		case role != string(auth.Cadre):
			errs.Add("account_id", "只能关联角色为“帮扶干部”的账号")
		default:
			var other int64
			if tx.QueryRowContext(ctx, `SELECT id FROM cadre WHERE account_id = $1 AND id <> $2`, in.AccountID,
				selfID).Scan(&other) == nil {
				errs.Add("account_id", "该账号已关联其他帮扶干部")
			}
		}
	}
	return o, errs.Err()
}

// CreateCadre registers a cadre at an organisation of the actor's subtree.
func (db *DB) CreateCadre(ctx context.Context, actor app.Actor, in CadreInput) (Cadre, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return Cadre{}, err
	}
	if errs := in.validate(); len(errs) > 0 {
		return Cadre{}, errs.Err()
	}
	var c Cadre
	err := db.InTx(ctx, func(tx *Tx) error {
		o, err := tx.checkCadreLinks(ctx, actor, in, 0)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO cadre (org_id, committee_id, name, post, phone, member_id, account_id,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, o.ID, o.CommitteeID, in.Name,
			in.Post, in.Phone, nullInt(in.MemberID), nullInt(in.AccountID), tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "create cadre")
		}
		if c, err = findCadre(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "cadre", EntityID: id, Committee: o.CommitteeID,
			OrgPath: o.Path, Summary: "登记帮扶干部 " + in.Name, After: c})
	})
	return c, err
}

// UpdateCadre changes a cadre's fields.
func (db *DB) UpdateCadre(ctx context.Context, actor app.Actor, id int64, in CadreInput) (Cadre, error) {
	if err := mayAssist(actor, auth.AssistWrite); err != nil {
		return Cadre{}, err
	}
	var after Cadre
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.lockCadre(ctx, actor, id)
		if err != nil {
			return err
		}
		if errs := in.validate(); len(errs) > 0 {
			return errs.Err()
		}
		o, err := tx.checkCadreLinks(ctx, actor, in, id)
		if err != nil {
			return err
		}
		if o.CommitteeID != before.CommitteeID {
			var errs app.FieldErrors
			errs.Add("org_id", "不能把帮扶干部调到其他政协")
			return errs.Err()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cadre SET org_id = $2, name = $3, post = $4, phone = $5, member_id = $6,
			account_id = $7, updated_at = $8 WHERE id = $1`, id, o.ID, in.Name, in.Post, in.Phone, nullInt(in.MemberID),
			nullInt(in.AccountID), tx.Now); err != nil {
			return app.Internal(err, "update cadre")
		}
		if after, err = findCadre(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "cadre", EntityID: id, Committee: before.CommitteeID,
			OrgPath: before.path, Summary: "修改帮扶干部 " + in.Name, Before: before, After: after})
	})
	return after, err
}

func (tx *Tx) lockCadre(ctx context.Context, actor app.Actor, id int64) (Cadre, error) {
	var c Cadre
	err := scanCadre(tx.QueryRowContext(ctx, `SELECT `+cadreColumns+cadreFrom+` WHERE c.id = $1 AND o.path LIKE $2 || '%'`+
		tx.db.Dialect.forUpdateOf("c"), id, actor.Path), &c)
	return c, notFound(err, "帮扶干部", "lock cadre")
}
