package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/org"
)

// Terms (届), sectors (界别) and special committees (专门委员会) belong to a
// committee (a city or county organisation). Every function finds the
// committee in the actor's subtree first, so a committee outside it answers
// "not found", and changes lock the committee row so that the overlap and
// uniqueness checks see every concurrent change.

// findCommittee returns the committee id in the actor's subtree; an
// organisation that is not a committee is refused.
func findCommittee(ctx context.Context, q querier, actor app.Actor, id int64) (org.Org, error) {
	c, err := findOrg(ctx, q, actor, id)
	if err != nil {
		return c, err
	}
	if !c.IsCommittee() {
		return c, app.Errorf(app.EINVALID, "%s是%s，只有市、县(区)政协设有届次、界别和专门委员会", c.Name, c.KindLabel())
	}
	return c, nil
}

// lockCommittee finds the committee for a change and locks its row until the
// transaction ends; an archived committee takes no changes.
func (tx *Tx) lockCommittee(ctx context.Context, actor app.Actor, id int64) (org.Org, error) {
	c, err := findCommittee(ctx, tx, actor, id)
	if err != nil {
		return c, err
	}
	if c.Archived {
		return c, app.Errorf(app.ECONFLICT, "%s已撤销，不能再修改", c.Name)
	}
	var locked int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM org WHERE id = $1`+tx.db.Dialect.forUpdate(), id).Scan(&locked); err != nil {
		return c, app.Internal(err, "lock committee")
	}
	return c, nil
}

// --- Terms ---

const termColumns = `t.id, t.committee_id, t.number, t.start_date, t.end_date`

func scanTerm(s scanner, t *org.Term) error {
	return s.Scan(&t.ID, &t.CommitteeID, &t.Number, &t.StartDate, &t.EndDate)
}

func findTerm(ctx context.Context, q querier, actor app.Actor, id int64) (org.Term, error) {
	var t org.Term
	err := scanTerm(q.QueryRowContext(ctx, `SELECT `+termColumns+` FROM term t JOIN org o ON o.id = t.committee_id
		WHERE t.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &t)
	if err != nil {
		return t, notFound(err, "届次", "find term")
	}
	return t, nil
}

// FindTermByID returns a term of a committee in the actor's subtree.
func (db *DB) FindTermByID(ctx context.Context, actor app.Actor, id int64) (org.Term, error) {
	return findTerm(ctx, db.read, actor, id)
}

// FindTerms lists a committee's terms, newest first.
func (db *DB) FindTerms(ctx context.Context, actor app.Actor, committeeID int64) ([]org.Term, error) {
	if _, err := findCommittee(ctx, db.read, actor, committeeID); err != nil {
		return nil, err
	}
	return findTerms(ctx, db.read, committeeID)
}

func findTerms(ctx context.Context, q querier, committeeID int64) ([]org.Term, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+termColumns+` FROM term t WHERE t.committee_id = $1
		ORDER BY t.start_date DESC, t.number DESC`, committeeID)
	if err != nil {
		return nil, app.Internal(err, "find terms")
	}
	defer rows.Close()
	var out []org.Term
	for rows.Next() {
		var t org.Term
		if err := scanTerm(rows, &t); err != nil {
			return nil, app.Internal(err, "scan term")
		}
		out = append(out, t)
	}
	return out, app.Internal(rows.Err(), "find terms")
}

// CurrentTerm returns the committee's term that covers day, or ENOTFOUND.
func (db *DB) CurrentTerm(ctx context.Context, actor app.Actor, committeeID int64, day app.Date) (org.Term, error) {
	c, err := findCommittee(ctx, db.read, actor, committeeID)
	if err != nil {
		return org.Term{}, err
	}
	var t org.Term
	err = scanTerm(db.read.QueryRowContext(ctx, `SELECT `+termColumns+` FROM term t WHERE t.committee_id = $1
		AND t.start_date <= $2 AND (t.end_date = '' OR t.end_date >= $2)
		ORDER BY t.start_date DESC LIMIT 1`, committeeID, day.String()), &t)
	if errors.Is(err, sql.ErrNoRows) {
		return t, app.Errorf(app.ENOTFOUND, "%s没有涵盖%s的届次", c.Name, day.Chinese())
	}
	if err != nil {
		return t, app.Internal(err, "current term")
	}
	return t, nil
}

// CreateTerm adds a term to a committee. Numbers are unique and terms do not
// overlap (field errors on number and start_date).
func (db *DB) CreateTerm(ctx context.Context, actor app.Actor, committeeID int64, in org.TermInput) (org.Term, error) {
	var t org.Term
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := tx.lockCommittee(ctx, actor, committeeID)
		if err != nil {
			return err
		}
		others, err := findTerms(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if err := org.CheckTerm(in, 0, others).Err(); err != nil {
			return err
		}
		t = org.Term{CommitteeID: c.ID, Number: in.Number, StartDate: in.StartDate, EndDate: in.EndDate}
		if err := tx.QueryRowContext(ctx, `INSERT INTO term (committee_id, number, start_date, end_date)
			VALUES ($1, $2, $3, $4) RETURNING id`, c.ID, t.Number, t.StartDate, t.EndDate).Scan(&t.ID); err != nil {
			if isUniqueViolation(err) {
				return termNumberTaken(t)
			}
			return app.Internal(err, "insert term")
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "term", EntityID: t.ID, Committee: c.ID,
			OrgPath: c.Path, Summary: "新建届次 " + c.Name + t.Label(), After: t})
	})
	return t, err
}

// UpdateTerm changes a term's number and dates under the same rules.
func (db *DB) UpdateTerm(ctx context.Context, actor app.Actor, id int64, in org.TermInput) (org.Term, error) {
	var after org.Term
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := findTerm(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c, err := tx.lockCommittee(ctx, actor, before.CommitteeID)
		if err != nil {
			return err
		}
		others, err := findTerms(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if err := org.CheckTerm(in, id, others).Err(); err != nil {
			return err
		}
		after = org.Term{ID: id, CommitteeID: c.ID, Number: in.Number, StartDate: in.StartDate, EndDate: in.EndDate}
		if _, err := tx.ExecContext(ctx, `UPDATE term SET number = $2, start_date = $3, end_date = $4 WHERE id = $1`,
			id, after.Number, after.StartDate, after.EndDate); err != nil {
			if isUniqueViolation(err) {
				return termNumberTaken(after)
			}
			return app.Internal(err, "update term")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "term", EntityID: id, Committee: c.ID,
			OrgPath: c.Path, Summary: "修改届次 " + c.Name + after.Label(), Before: before, After: after})
	})
	return after, err
}

func termNumberTaken(t org.Term) error {
	var errs app.FieldErrors
	errs.Add("number", t.Label()+"已存在")
	return errs.Err()
}

// --- Sectors and special committees ---

// namedKind describes one of the two committee lists that are just names:
// sectors and special committees. The table and column names are constants,
// never user input.
type namedKind struct {
	table string // also the audit entity
	ref   string // the term_member column that points at a row
	label string // 界别, 专门委员会
}

var (
	sectorKind  = namedKind{table: "sector", ref: "sector_id", label: "界别"}
	specialKind = namedKind{table: "special_committee", ref: "special_committee_id", label: "专门委员会"}
)

func (k namedKind) find(ctx context.Context, q querier, actor app.Actor, id int64) (org.Sector, error) {
	var s org.Sector
	err := q.QueryRowContext(ctx, `SELECT s.id, s.committee_id, s.name, s.sort FROM `+k.table+` s
		JOIN org o ON o.id = s.committee_id WHERE s.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path).
		Scan(&s.ID, &s.CommitteeID, &s.Name, &s.Sort)
	if err != nil {
		return s, notFound(err, k.label, "find "+k.table)
	}
	return s, nil
}

func (k namedKind) list(ctx context.Context, q querier, committeeID int64) ([]org.Sector, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, committee_id, name, sort FROM `+k.table+`
		WHERE committee_id = $1 ORDER BY sort, id`, committeeID)
	if err != nil {
		return nil, app.Internal(err, "find "+k.table)
	}
	defer rows.Close()
	var out []org.Sector
	for rows.Next() {
		var s org.Sector
		if err := rows.Scan(&s.ID, &s.CommitteeID, &s.Name, &s.Sort); err != nil {
			return nil, app.Internal(err, "scan "+k.table)
		}
		out = append(out, s)
	}
	return out, app.Internal(rows.Err(), "find "+k.table)
}

func (k namedKind) findAll(ctx context.Context, db *DB, actor app.Actor, committeeID int64) ([]org.Sector, error) {
	if _, err := findCommittee(ctx, db.read, actor, committeeID); err != nil {
		return nil, err
	}
	return k.list(ctx, db.read, committeeID)
}

func (k namedKind) nameTaken() error {
	var errs app.FieldErrors
	errs.Add("name", "已有同名"+k.label)
	return errs.Err()
}

func (k namedKind) create(ctx context.Context, db *DB, actor app.Actor, committeeID int64, in org.NamedInput) (org.Sector, error) {
	var s org.Sector
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := tx.lockCommittee(ctx, actor, committeeID)
		if err != nil {
			return err
		}
		if err := in.Validate().Err(); err != nil {
			return err
		}
		s = org.Sector{CommitteeID: c.ID, Name: in.Name, Sort: in.Sort}
		if err := tx.QueryRowContext(ctx, `INSERT INTO `+k.table+` (committee_id, name, sort) VALUES ($1, $2, $3)
			RETURNING id`, c.ID, s.Name, s.Sort).Scan(&s.ID); err != nil {
			if isUniqueViolation(err) {
				return k.nameTaken()
			}
			return app.Internal(err, "insert "+k.table)
		}
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: k.table, EntityID: s.ID, Committee: c.ID,
			OrgPath: c.Path, Summary: "新建" + k.label + " " + s.Name, After: s})
	})
	return s, err
}

func (k namedKind) update(ctx context.Context, db *DB, actor app.Actor, id int64, in org.NamedInput) (org.Sector, error) {
	var after org.Sector
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := k.find(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c, err := tx.lockCommittee(ctx, actor, before.CommitteeID)
		if err != nil {
			return err
		}
		if err := in.Validate().Err(); err != nil {
			return err
		}
		after = org.Sector{ID: id, CommitteeID: c.ID, Name: in.Name, Sort: in.Sort}
		if _, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET name = $2, sort = $3 WHERE id = $1`,
			id, after.Name, after.Sort); err != nil {
			if isUniqueViolation(err) {
				return k.nameTaken()
			}
			return app.Internal(err, "update "+k.table)
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: k.table, EntityID: id, Committee: c.ID,
			OrgPath: c.Path, Summary: "修改" + k.label + " " + before.Name + " → " + after.Name, Before: before, After: after})
	})
	return after, err
}

func (k namedKind) delete(ctx context.Context, db *DB, actor app.Actor, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		before, err := k.find(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c, err := tx.lockCommittee(ctx, actor, before.CommitteeID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM term_member WHERE `+k.ref+` = $1`, id).Scan(&n); err != nil {
			return app.Internal(err, "count "+k.table+" use")
		}
		if n > 0 {
			return k.inUse(before, n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+k.table+` WHERE id = $1`, id); err != nil {
			if isForeignKeyViolation(err) {
				return k.inUse(before, 0)
			}
			return app.Internal(err, "delete "+k.table)
		}
		return tx.Audit(ctx, actor, Change{Action: "delete", Entity: k.table, EntityID: id, Committee: c.ID,
			OrgPath: c.Path, Summary: "删除" + k.label + " " + before.Name, Before: before})
	})
}

func (k namedKind) inUse(s org.Sector, n int) error {
	if n > 0 {
		return app.Errorf(app.ECONFLICT, "%s“%s”下有%d条委员任职记录，不能删除", k.label, s.Name, n)
	}
	return app.Errorf(app.ECONFLICT, "%s“%s”仍被引用，不能删除", k.label, s.Name)
}

// FindSectorByID returns a sector of a committee in the actor's subtree.
func (db *DB) FindSectorByID(ctx context.Context, actor app.Actor, id int64) (org.Sector, error) {
	return sectorKind.find(ctx, db.read, actor, id)
}

// FindSectors lists a committee's sectors in their sort order.
func (db *DB) FindSectors(ctx context.Context, actor app.Actor, committeeID int64) ([]org.Sector, error) {
	return sectorKind.findAll(ctx, db, actor, committeeID)
}

// CreateSector adds a sector; names are unique per committee (field error on name).
func (db *DB) CreateSector(ctx context.Context, actor app.Actor, committeeID int64, in org.NamedInput) (org.Sector, error) {
	return sectorKind.create(ctx, db, actor, committeeID, in)
}

// UpdateSector renames or re-sorts a sector.
func (db *DB) UpdateSector(ctx context.Context, actor app.Actor, id int64, in org.NamedInput) (org.Sector, error) {
	return sectorKind.update(ctx, db, actor, id, in)
}

// DeleteSector removes a sector; refused (ECONFLICT) while members are seated in it.
func (db *DB) DeleteSector(ctx context.Context, actor app.Actor, id int64) error {
	return sectorKind.delete(ctx, db, actor, id)
}

// FindSpecialCommitteeByID returns a special committee in the actor's subtree.
func (db *DB) FindSpecialCommitteeByID(ctx context.Context, actor app.Actor, id int64) (org.SpecialCommittee, error) {
	s, err := specialKind.find(ctx, db.read, actor, id)
	return org.SpecialCommittee(s), err
}

// FindSpecialCommittees lists a committee's special committees in their sort order.
func (db *DB) FindSpecialCommittees(ctx context.Context, actor app.Actor, committeeID int64) ([]org.SpecialCommittee, error) {
	list, err := specialKind.findAll(ctx, db, actor, committeeID)
	return asSpecial(list), err
}

// CreateSpecialCommittee adds a special committee; names are unique per committee.
func (db *DB) CreateSpecialCommittee(ctx context.Context, actor app.Actor, committeeID int64, in org.NamedInput) (org.SpecialCommittee, error) {
	s, err := specialKind.create(ctx, db, actor, committeeID, in)
	return org.SpecialCommittee(s), err
}

// UpdateSpecialCommittee renames or re-sorts a special committee.
func (db *DB) UpdateSpecialCommittee(ctx context.Context, actor app.Actor, id int64, in org.NamedInput) (org.SpecialCommittee, error) {
	s, err := specialKind.update(ctx, db, actor, id, in)
	return org.SpecialCommittee(s), err
}

// DeleteSpecialCommittee removes a special committee; refused (ECONFLICT)
// while members are seated in it.
func (db *DB) DeleteSpecialCommittee(ctx context.Context, actor app.Actor, id int64) error {
	return specialKind.delete(ctx, db, actor, id)
}

func asSpecial(list []org.Sector) []org.SpecialCommittee {
	if list == nil {
		return nil
	}
	out := make([]org.SpecialCommittee, len(list))
	for i, s := range list {
		out[i] = org.SpecialCommittee(s)
	}
	return out
}

// Seeded reports what SeedDefaults added.
type Seeded struct {
	Sectors           []string `json:"sectors"`
	SpecialCommittees []string `json:"special_committees"`
}

// SeedDefaults adds the default sectors and special committees that the
// committee does not have yet, after the existing ones in sort order.
func (db *DB) SeedDefaults(ctx context.Context, actor app.Actor, committeeID int64) (Seeded, error) {
	var added Seeded
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := tx.lockCommittee(ctx, actor, committeeID)
		if err != nil {
			return err
		}
		if added.Sectors, err = seedNames(ctx, tx, sectorKind, c.ID, org.DefaultSectors); err != nil {
			return err
		}
		if added.SpecialCommittees, err = seedNames(ctx, tx, specialKind, c.ID, org.DefaultSpecialCommittees); err != nil {
			return err
		}
		if len(added.Sectors)+len(added.SpecialCommittees) == 0 {
			return nil
		}
		return tx.Audit(ctx, actor, Change{Action: "seed", Entity: "org", EntityID: c.ID, Committee: c.ID, OrgPath: c.Path,
			Summary: fmt.Sprintf("添加默认界别%d个、专门委员会%d个：%s", len(added.Sectors), len(added.SpecialCommittees),
				strings.Join(append(append([]string{}, added.Sectors...), added.SpecialCommittees...), "、")),
			After: added})
	})
	return added, err
}

func seedNames(ctx context.Context, tx *Tx, k namedKind, committeeID int64, names []string) ([]string, error) {
	existing, err := k.list(ctx, tx, committeeID)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	sort := 0
	for _, s := range existing {
		have[s.Name] = true
		sort = max(sort, s.Sort)
	}
	var added []string
	for _, name := range names {
		if have[name] {
			continue
		}
		sort += 10
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+k.table+` (committee_id, name, sort) VALUES ($1, $2, $3)`,
			committeeID, name, sort); err != nil {
			return nil, app.Internal(err, "seed "+k.table)
		}
		added = append(added, name)
	}
	return added, nil
}
