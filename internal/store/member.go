package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/roster"
)

// Members (委员) belong to a committee; every query joins the committee's org
// row and keeps to the actor's subtree, so a member of another county answers
// "not found". Term seats (term_member) and roles (member_role) are reached
// through their member and share its scope.

const memberColumns = `m.id, m.committee_id, m.name, m.gender, m.birth_date, m.ethnicity, m.party, m.education,
	m.workplace, m.id_number, m.phone, m.email, m.address, m.status, m.status_date, m.note, m.created_at, m.updated_at`

// scanMember reads a member row, opening its sealed identity number and phone.
func (db *DB) scanMember(s scanner, m *member.Member, extra ...any) error {
	if err := s.Scan(append([]any{&m.ID, &m.CommitteeID, &m.Name, &m.Gender, &m.BirthDate, &m.Ethnicity, &m.Party,
		&m.Education, &m.Workplace, &m.IDNumber, &m.Phone, &m.Email, &m.Address, &m.Status, &m.StatusDate, &m.Note,
		&m.CreatedAt, &m.UpdatedAt}, extra...)...); err != nil {
		return err
	}
	return db.openAll(colMemberID, &m.IDNumber, colMemberPhone, &m.Phone)
}

// memberScope is a member with the path of its committee, for scoping and the audit log.
type memberScope struct {
	member.Member
	path string
}

func (db *DB) findMember(ctx context.Context, q querier, actor app.Actor, id int64) (memberScope, error) {
	var m memberScope
	err := db.scanMember(q.QueryRowContext(ctx, `SELECT `+memberColumns+`, o.name, o.path FROM member m
		JOIN org o ON o.id = m.committee_id WHERE m.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path),
		&m.Member, &m.CommitteeName, &m.path)
	if err != nil {
		return m, notFound(err, "委员", "find member")
	}
	return m, nil
}

// FindMemberByID returns a member of a committee in the actor's subtree, with
// the committee's name.
func (db *DB) FindMemberByID(ctx context.Context, actor app.Actor, id int64) (member.Member, error) {
	m, err := db.findMember(ctx, db.read, actor, id)
	return m.Member, err
}

// memberCommittee finds the committee a new member or import goes to; a
// committee outside the scope, or an organisation that is not one, is a field
// error on committee_id.
func memberCommittee(ctx context.Context, tx *Tx, actor app.Actor, id int64) (org.Org, error) {
	c, err := tx.lockCommittee(ctx, actor, id)
	switch app.ErrorCode(err) {
	case "":
		return c, nil
	case app.ENOTFOUND, app.EINVALID:
		var errs app.FieldErrors
		errs.Add("committee_id", "请选择委员所属的市、县(区)政协")
		return c, errs.Err()
	}
	return c, err
}

// sealedMember is a member's identity number and phone as stored: sealed,
// with the number's blind index.
type sealedMember struct{ id, phone, index string }

func (db *DB) sealMember(in member.Input) (sealedMember, error) {
	var s sealedMember
	var err error
	if s.id, err = db.seal(colMemberID, in.IDNumber); err != nil {
		return s, err
	}
	if s.phone, err = db.seal(colMemberPhone, in.Phone); err != nil {
		return s, err
	}
	s.index = db.index(colMemberID, in.IDNumber)
	return s, nil
}

func idNumberTaken() error {
	var errs app.FieldErrors
	errs.Add("id_number", "该身份证号已登记为本会委员")
	return errs.Err()
}

// CreateMember adds a member to a committee's roster.
func (db *DB) CreateMember(ctx context.Context, actor app.Actor, committeeID int64, in member.Input) (member.Member, error) {
	return db.CreateMemberInTerm(ctx, actor, committeeID, in, nil)
}

// CreateMemberInTerm adds a member and, when seat is not nil, seats them in a
// term in the same transaction: either both are saved or neither, and the
// field errors of both are reported together.
func (db *DB) CreateMemberInTerm(ctx context.Context, actor app.Actor, committeeID int64, in member.Input,
	seat *member.MembershipInput) (member.Member, error) {
	in.Normalize()
	var created memberScope
	err := db.InTx(ctx, func(tx *Tx) error {
		c, err := memberCommittee(ctx, tx, actor, committeeID)
		errs := in.Validate(db.Today())
		if err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				return err
			}
			errs = append(app.ErrorFields(err), errs...)
		}
		if seat != nil {
			errs = append(errs, seat.Validate()...)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		sealed, err := db.sealMember(in)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO member (committee_id, name, gender, birth_date, ethnicity,
			party, education, workplace, id_number, phone, email, address, status, status_date, note, created_at, updated_at,
			id_number_hmac)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) RETURNING id`,
			c.ID, in.Name, in.Gender, in.BirthDate, in.Ethnicity, in.Party, in.Education, in.Workplace, sealed.id,
			sealed.phone, in.Email, in.Address, string(in.Status), in.StatusDate, in.Note, tx.Now, sealed.index).Scan(&id); err != nil {
			if isUniqueViolation(err) {
				return idNumberTaken()
			}
			return app.Internal(err, "insert member")
		}
		if created, err = db.findMember(ctx, tx, app.System, id); err != nil {
			return err
		}
		if err := tx.Audit(ctx, actor, Change{Action: "create", Entity: "member", EntityID: id, Committee: c.ID,
			OrgPath: c.Path, Summary: "新增委员 " + created.Name, After: created.Member}); err != nil {
			return err
		}
		if seat != nil {
			if _, err := tx.addMembership(ctx, actor, created, *seat); err != nil {
				return err
			}
		}
		return nil
	})
	return created.Member, err
}

// UpdateMember changes a member's personal record. When the status leaves
// 在职 (resigned, deceased, removed), the member's open term seats and roles
// end on the status date, so that later rosters and meetings no longer count them.
func (db *DB) UpdateMember(ctx context.Context, actor app.Actor, id int64, in member.Input) (member.Member, error) {
	in.Normalize()
	var after memberScope
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := db.findMember(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := in.Validate(db.Today()).Err(); err != nil {
			return err
		}
		sealed, err := db.sealMember(in)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE member SET name = $2, gender = $3, birth_date = $4, ethnicity = $5,
			party = $6, education = $7, workplace = $8, id_number = $9, phone = $10, email = $11, address = $12,
			status = $13, status_date = $14, note = $15, updated_at = $16, id_number_hmac = $17 WHERE id = $1`,
			id, in.Name, in.Gender, in.BirthDate, in.Ethnicity, in.Party, in.Education, in.Workplace, sealed.id,
			sealed.phone, in.Email, in.Address, string(in.Status), in.StatusDate, in.Note, tx.Now, sealed.index); err != nil {
			if isUniqueViolation(err) {
				return idNumberTaken()
			}
			return app.Internal(err, "update member")
		}
		summary := "修改委员 " + before.Name
		if before.Status == member.Serving && in.Status != member.Serving {
			end := in.StatusDate.String()
			if _, err := tx.ExecContext(ctx, `UPDATE term_member SET end_date = $2
				WHERE member_id = $1 AND start_date <= $2 AND (end_date = '' OR end_date > $2)`, id, end); err != nil {
				return app.Internal(err, "end seats")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE member_role SET end_date = $2
				WHERE member_id = $1 AND start_date <= $2 AND (end_date = '' OR end_date > $2)`, id, end); err != nil {
				return app.Internal(err, "end roles")
			}
			summary += "（" + in.Status.Label() + "，任职截至" + in.StatusDate.Chinese() + "）"
		}
		if after, err = db.findMember(ctx, tx, app.System, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "member", EntityID: id, Committee: after.CommitteeID,
			OrgPath: after.path, Summary: summary, Before: before.Member, After: after.Member})
	})
	return after.Member, err
}

// --- Term seats (届内委员身份) ---

const membershipColumns = `tm.id, tm.member_id, tm.term_id, t.number, COALESCE(tm.sector_id, 0), COALESCE(s.name, ''),
	COALESCE(tm.special_committee_id, 0), COALESCE(sc.name, ''), tm.start_date, tm.end_date`

const membershipFrom = ` FROM term_member tm JOIN term t ON t.id = tm.term_id
	LEFT JOIN sector s ON s.id = tm.sector_id LEFT JOIN special_committee sc ON sc.id = tm.special_committee_id`

func scanMembership(s scanner, t *member.TermMembership) error {
	return s.Scan(&t.ID, &t.MemberID, &t.TermID, &t.TermNumber, &t.SectorID, &t.SectorName, &t.SpecialCommitteeID,
		&t.SpecialCommittee, &t.StartDate, &t.EndDate)
}

func findMembership(ctx context.Context, q querier, id int64) (member.TermMembership, error) {
	var t member.TermMembership
	err := scanMembership(q.QueryRowContext(ctx, `SELECT `+membershipColumns+membershipFrom+` WHERE tm.id = $1`, id), &t)
	return t, notFound(err, "任职记录", "find membership")
}

// termOf finds a term of the committee for a seat or role; one of another
// committee is a field error on term_id. lock serialises role changes in the term.
func (tx *Tx) termOf(ctx context.Context, committeeID, termID int64, lock bool) (org.Term, error) {
	var t org.Term
	q := `SELECT ` + termColumns + ` FROM term t WHERE t.id = $1 AND t.committee_id = $2`
	if lock {
		q += tx.db.Dialect.forUpdate()
	}
	err := scanTerm(tx.QueryRowContext(ctx, q, termID, committeeID), &t)
	if errors.Is(err, sql.ErrNoRows) {
		var errs app.FieldErrors
		errs.Add("term_id", "请选择本会的届次")
		return t, errs.Err()
	}
	return t, app.Internal(err, "find term")
}

// namedIn checks that a sector or special committee belongs to the committee.
func (tx *Tx) namedIn(ctx context.Context, k namedKind, committeeID, id int64) (string, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM `+k.table+` WHERE id = $1 AND committee_id = $2`, id, committeeID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, app.Internal(err, "find "+k.table)
}

func (tx *Tx) addMembership(ctx context.Context, actor app.Actor, m memberScope, in member.MembershipInput) (member.TermMembership, error) {
	errs := in.Validate()
	var term org.Term
	if in.TermID != 0 {
		var err error
		term, err = tx.termOf(ctx, m.CommitteeID, in.TermID, false)
		if app.ErrorCode(err) == app.EINVALID {
			errs = append(errs, app.ErrorFields(err)...)
		} else if err != nil {
			return member.TermMembership{}, err
		}
	}
	if in.SectorID == 0 {
		errs.Add("sector_id", "请选择界别")
	} else if name, err := tx.namedIn(ctx, sectorKind, m.CommitteeID, in.SectorID); err != nil {
		return member.TermMembership{}, err
	} else if name == "" {
		errs.Add("sector_id", "请选择本会的界别")
	}
	if in.SpecialCommitteeID != 0 {
		if name, err := tx.namedIn(ctx, specialKind, m.CommitteeID, in.SpecialCommitteeID); err != nil {
			return member.TermMembership{}, err
		} else if name == "" {
			errs.Add("special_committee_id", "请选择本会的专门委员会")
		}
	}
	if term.ID != 0 && !in.StartDate.IsZero() && !term.Covers(in.StartDate) {
		errs.Add("start_date", "开始日期应在"+term.Label()+"任期内（"+term.Span()+"）")
	}
	if term.ID != 0 && !in.EndDate.IsZero() && !term.Covers(in.EndDate) {
		errs.Add("end_date", "结束日期应在"+term.Label()+"任期内（"+term.Span()+"）")
	}
	if err := errs.Err(); err != nil {
		return member.TermMembership{}, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO term_member (committee_id, term_id, member_id, sector_id,
		special_committee_id, start_date, end_date) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		m.CommitteeID, in.TermID, m.ID, in.SectorID, nullInt(in.SpecialCommitteeID), in.StartDate, in.EndDate).Scan(&id); err != nil {
		if isUniqueViolation(err) {
			var errs app.FieldErrors
			errs.Add("term_id", "该委员已是"+term.Label()+"委员")
			return member.TermMembership{}, errs.Err()
		}
		return member.TermMembership{}, app.Internal(err, "insert membership")
	}
	tm, err := findMembership(ctx, tx, id)
	if err != nil {
		return tm, err
	}
	summary := fmt.Sprintf("%s 任%s委员（%s", m.Name, term.Label(), tm.SectorName)
	if tm.SpecialCommittee != "" {
		summary += "，" + tm.SpecialCommittee
	}
	summary += "），自" + tm.StartDate.Chinese()
	return tm, tx.Audit(ctx, actor, Change{Action: "update", Entity: "member", EntityID: m.ID, Committee: m.CommitteeID,
		OrgPath: m.path, Summary: summary, After: tm})
}

// AddMembership seats a member in a term of their committee with a sector
// (required) and a special committee (optional). A second seat in the same
// term is a field error on term_id.
func (db *DB) AddMembership(ctx context.Context, actor app.Actor, memberID int64, in member.MembershipInput) (member.TermMembership, error) {
	var tm member.TermMembership
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := db.findMember(ctx, tx, actor, memberID)
		if err != nil {
			return err
		}
		tm, err = tx.addMembership(ctx, actor, m, in)
		return err
	})
	return tm, err
}

// EndMembership ends a member's seat in a term on end (inclusive); the roles
// the member holds in that term end with it.
func (db *DB) EndMembership(ctx context.Context, actor app.Actor, membershipID int64, end app.Date) error {
	return db.InTx(ctx, func(tx *Tx) error {
		before, err := findMembership(ctx, tx, membershipID)
		if err != nil {
			return err
		}
		m, err := db.findMember(ctx, tx, actor, before.MemberID)
		if err != nil {
			return renameNotFound(err, "任职记录")
		}
		if !before.EndDate.IsZero() {
			return app.Errorf(app.ECONFLICT, "该任职已于%s结束", before.EndDate.Chinese())
		}
		var errs app.FieldErrors
		if end.IsZero() {
			errs.Add("end_date", "请填写结束日期")
		} else if end.Before(before.StartDate) {
			errs.Add("end_date", "结束日期不能早于开始日期（"+before.StartDate.String()+"）")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE term_member SET end_date = $2 WHERE id = $1`, membershipID, end); err != nil {
			return app.Internal(err, "end membership")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE member_role SET end_date = $3 WHERE member_id = $1 AND term_id = $2
			AND start_date <= $3 AND (end_date = '' OR end_date > $3)`, m.ID, before.TermID, end); err != nil {
			return app.Internal(err, "end roles with membership")
		}
		after := before
		after.EndDate = end
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "member", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 第%d届委员任职截至%s", m.Name, before.TermNumber, end.Chinese()),
			Before: before, After: after})
	})
}

// FindMemberships lists a member's term seats, newest term first.
func (db *DB) FindMemberships(ctx context.Context, actor app.Actor, memberID int64) ([]member.TermMembership, error) {
	if _, err := db.findMember(ctx, db.read, actor, memberID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+membershipColumns+membershipFrom+`
		WHERE tm.member_id = $1 ORDER BY t.start_date DESC, tm.id`, memberID)
	if err != nil {
		return nil, app.Internal(err, "find memberships")
	}
	defer rows.Close()
	var out []member.TermMembership
	for rows.Next() {
		var t member.TermMembership
		if err := scanMembership(rows, &t); err != nil {
			return nil, app.Internal(err, "scan membership")
		}
		out = append(out, t)
	}
	return out, app.Internal(rows.Err(), "find memberships")
}

// --- Roles (职务) ---

const roleColumns = `r.id, r.member_id, r.term_id, r.kind, r.start_date, r.end_date, r.note, r.sort`

func scanRole(s scanner, r *member.Role) error {
	return s.Scan(&r.ID, &r.MemberID, &r.TermID, &r.Kind, &r.StartDate, &r.EndDate, &r.Note, &r.Sort)
}

// openEnd stands for "still held" in overlap comparisons of 'YYYY-MM-DD' text.
const openEnd = "9999-12-31"

func endOrOpen(d app.Date) string {
	if d.IsZero() {
		return openEnd
	}
	return d.String()
}

// AddRole gives a member a role in a term from a start date (an election may
// fill it mid-term). The member must hold a seat in that term covering the
// dates; the same role may not overlap itself; a term has one 主席 at a time.
func (db *DB) AddRole(ctx context.Context, actor app.Actor, memberID int64, in member.RoleInput) (member.Role, error) {
	var role member.Role
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		role, err = tx.addRole(ctx, actor, memberID, in)
		return err
	})
	return role, err
}

// addRole is AddRole inside a transaction (also used by ConfirmElection):
// the same checks, the insert and its audit row.
func (tx *Tx) addRole(ctx context.Context, actor app.Actor, memberID int64, in member.RoleInput) (member.Role, error) {
	in.Note = strings.TrimSpace(in.Note)
	var role member.Role
	m, err := tx.db.findMember(ctx, tx, actor, memberID)
	if err != nil {
		return role, err
	}
	errs := in.Validate()
	if len([]rune(in.Note)) > 200 {
		errs.Add("note", "备注不能超过200个字")
	}
	if err := errs.Err(); err != nil {
		return role, err
	}
	// Locking the term serialises role changes in it, so the one-chair
	// check sees every concurrent appointment.
	term, err := tx.termOf(ctx, m.CommitteeID, in.TermID, true)
	if err != nil {
		return role, err
	}
	var seatStart, seatEnd app.Date
	err = tx.QueryRowContext(ctx, `SELECT start_date, end_date FROM term_member WHERE term_id = $1 AND member_id = $2`,
		in.TermID, memberID).Scan(&seatStart, &seatEnd)
	if errors.Is(err, sql.ErrNoRows) {
		errs.Add("term_id", "该委员不是"+term.Label()+"委员，请先登记其本届委员身份")
		return role, errs.Err()
	} else if err != nil {
		return role, app.Internal(err, "find seat")
	}
	if in.StartDate.Before(seatStart) || (!seatEnd.IsZero() && in.StartDate.After(seatEnd)) {
		errs.Add("start_date", "任职开始日期应在其本届委员任期内（"+seatSpan(seatStart, seatEnd)+"）")
	}
	if !seatEnd.IsZero() && (in.EndDate.IsZero() || in.EndDate.After(seatEnd)) {
		errs.Add("end_date", "该委员本届任期至"+seatEnd.String()+"，职务结束日期不能晚于此日")
	}
	if err := errs.Err(); err != nil {
		return role, err
	}
	overlap := ` FROM member_role r WHERE r.term_id = $1 AND r.kind = $2 AND r.start_date <= $3
		AND (r.end_date = '' OR r.end_date >= $4)`
	args := []any{in.TermID, string(in.Kind), endOrOpen(in.EndDate), in.StartDate.String()}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*)`+overlap+` AND r.member_id = $5`,
		append(args, memberID)...).Scan(&n); err != nil {
		return role, app.Internal(err, "role overlap")
	}
	if n > 0 {
		errs.Add("kind", "该委员在此期间已担任"+in.Kind.Label())
		return role, errs.Err()
	}
	if in.Kind == member.Chair {
		var other string
		err := tx.QueryRowContext(ctx, `SELECT om.name`+strings.Replace(overlap, "FROM member_role r",
			"FROM member_role r JOIN member om ON om.id = r.member_id", 1)+` ORDER BY r.start_date LIMIT 1`, args...).Scan(&other)
		if err == nil {
			errs.Add("kind", term.Label()+"在此期间已有主席（"+other+"），一届同一时间只能有一位主席")
			return role, errs.Err()
		} else if !errors.Is(err, sql.ErrNoRows) {
			return role, app.Internal(err, "chair overlap")
		}
	}
	role = member.Role{MemberID: memberID, TermID: in.TermID, Kind: in.Kind, StartDate: in.StartDate,
		EndDate: in.EndDate, Note: in.Note, Sort: in.Sort}
	if err := tx.QueryRowContext(ctx, `INSERT INTO member_role (committee_id, member_id, term_id, kind, start_date,
		end_date, note, sort) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, m.CommitteeID, memberID, in.TermID,
		string(in.Kind), in.StartDate, in.EndDate, in.Note, in.Sort).Scan(&role.ID); err != nil {
		return role, app.Internal(err, "insert role")
	}
	return role, tx.Audit(ctx, actor, Change{Action: "update", Entity: "member", EntityID: memberID, Committee: m.CommitteeID,
		OrgPath: m.path, Summary: fmt.Sprintf("%s 任%s%s，自%s", m.Name, term.Label(), in.Kind.Label(),
			in.StartDate.Chinese()), After: role})
}

func seatSpan(start, end app.Date) string {
	if end.IsZero() {
		return start.String() + " 起"
	}
	return start.String() + " 至 " + end.String()
}

// EndRole ends a role on end (inclusive).
func (db *DB) EndRole(ctx context.Context, actor app.Actor, roleID int64, end app.Date) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var before member.Role
		if err := scanRole(tx.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM member_role r
			JOIN org o ON o.id = r.committee_id WHERE r.id = $1 AND o.path LIKE $2 || '%'`, roleID, actor.Path), &before); err != nil {
			return notFound(err, "职务记录", "find role")
		}
		m, err := db.findMember(ctx, tx, actor, before.MemberID)
		if err != nil {
			return err
		}
		if !before.EndDate.IsZero() {
			return app.Errorf(app.ECONFLICT, "该职务已于%s结束", before.EndDate.Chinese())
		}
		var errs app.FieldErrors
		if end.IsZero() {
			errs.Add("end_date", "请填写结束日期")
		} else if end.Before(before.StartDate) {
			errs.Add("end_date", "结束日期不能早于任职开始日期（"+before.StartDate.String()+"）")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE member_role SET end_date = $2 WHERE id = $1`, roleID, end); err != nil {
			return app.Internal(err, "end role")
		}
		after := before
		after.EndDate = end
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "member", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 免去%s，截至%s", m.Name, before.Kind.Label(), end.Chinese()),
			Before: before, After: after})
	})
}

// UpdateRoleSort sets a role's protocol order within its kind (排名顺序:
// lower first; 0 clears it, so the role sorts after those with an order,
// then by name). It returns a field error on "sort" outside 0–999 and not
// found outside the actor's subtree.
func (db *DB) UpdateRoleSort(ctx context.Context, actor app.Actor, roleID int64, sort int) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var before member.Role
		if err := scanRole(tx.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM member_role r
			JOIN org o ON o.id = r.committee_id WHERE r.id = $1 AND o.path LIKE $2 || '%'`, roleID, actor.Path), &before); err != nil {
			return notFound(err, "职务记录", "find role")
		}
		m, err := db.findMember(ctx, tx, actor, before.MemberID)
		if err != nil {
			return err
		}
		if msg := member.CheckRoleSort(sort); msg != "" {
			var errs app.FieldErrors
			errs.Add("sort", msg)
			return errs.Err()
		}
		if before.Sort == sort {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE member_role SET sort = $2 WHERE id = $1`, roleID, sort); err != nil {
			return app.Internal(err, "update role sort")
		}
		after := before
		after.Sort = sort
		order := "不指定"
		if sort > 0 {
			order = strconv.Itoa(sort)
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "member", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s %s排序改为%s", m.Name, before.Kind.Label(), order),
			Before: before, After: after})
	})
}

// FindRoles lists all of a member's roles, earliest first.
func (db *DB) FindRoles(ctx context.Context, actor app.Actor, memberID int64) ([]member.Role, error) {
	if _, err := db.findMember(ctx, db.read, actor, memberID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+roleColumns+` FROM member_role r WHERE r.member_id = $1
		ORDER BY r.start_date, r.id`, memberID)
	if err != nil {
		return nil, app.Internal(err, "find roles")
	}
	defer rows.Close()
	var out []member.Role
	for rows.Next() {
		var r member.Role
		if err := scanRole(rows, &r); err != nil {
			return nil, app.Internal(err, "scan role")
		}
		out = append(out, r)
	}
	return out, app.Internal(rows.Err(), "find roles")
}

// --- Lists ---

// MemberFilter narrows FindMembers. With TermID 0 each member is shown with
// their seat in their committee's term covering Day (see CurrentTerm); with a
// TermID only that term's members are listed. Roles are those held on Day
// (for a past term, on its last day).
type MemberFilter struct {
	CommitteeID int64
	TermID      int64
	SectorID    int64
	Role        member.RoleKind // holds this role on Day; member.Ordinary: seated without a higher role
	Status      member.Status
	Name        string // substring of the name or the workplace
	Sort        string // name, sector, role, status, workplace, updated; "" is role (protocol order)
	Desc        bool
	Offset      int
	Limit       int      // 0: all (export)
	Day         app.Date // zero: today
}

// MemberSorts are the sort keys FindMembers accepts.
var MemberSorts = []string{"name", "sector", "role", "status", "workplace", "updated"}

// roleRank orders role kinds by protocol inside SQL; it mirrors member.RoleKind.Rank.
var roleRank = func() string {
	var b strings.Builder
	b.WriteString("CASE r.kind")
	for i, k := range member.RoleKinds {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", k, i)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(member.RoleKinds))
	return b.String()
}()

var statusRank = func() string {
	var b strings.Builder
	b.WriteString("CASE m.status")
	for i, s := range member.Statuses {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", s, i)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(member.Statuses))
	return b.String()
}()

// memberSort is one sort key's fixed ORDER BY columns and the joins they
// need (sector s, active roles rr); user text never reaches ORDER BY.
type memberSort struct {
	cols          []string
	sector, roles bool
}

// memberOrder maps a sort key to its columns.
var memberOrder = map[string]memberSort{
	"name":   {cols: []string{"m.name"}},
	"sector": {cols: []string{"CASE WHEN s.id IS NULL THEN 1 ELSE 0 END", "s.sort", "s.name", "m.name"}, sector: true},
	"role": {cols: []string{"COALESCE(rr.rank, CASE WHEN tm.id IS NULL THEN 5 ELSE 4 END)", "COALESCE(rr.rsort, 0)",
		"CASE WHEN s.id IS NULL THEN 1 ELSE 0 END", "s.sort", "m.name"}, sector: true, roles: true},
	"status":    {cols: []string{statusRank, "m.name"}},
	"workplace": {cols: []string{"m.workplace", "m.name"}},
	"updated":   {cols: []string{"m.updated_at"}},
}

// memberRow is one line of the list query.
type memberRow struct {
	member.Member
	termNumber       int
	specialCommittee string
}

// memberQuery builds the FROM and WHERE of the member list for a filter, so
// that the page of ids, the count and the full rows share one definition.
type memberQuery struct {
	f       MemberFilter
	idIndex string // the blind index of f.Name when it is a whole identity number
	path    string
	day     app.Date
	termIDs []int64 // the term(s) whose seat a row shows

	// per statement: its arguments, and the placeholder of the day once used
	args   []any
	dayArg string

	only []int64 // when set, only these members (a page being read in full)
}

// onlyIn is "IN ($a, $b, …)" over q.only, with fresh placeholders.
func (q *memberQuery) onlyIn() string {
	in := "IN ("
	for i, id := range q.only {
		if i > 0 {
			in += ", "
		}
		in += q.arg(id)
	}
	return in + ")"
}

// start begins a statement: $1 is the scope path; other arguments are added
// as they are used, so that every placeholder has a use (PostgreSQL infers
// parameter types from their uses).
func (q *memberQuery) start() {
	q.args, q.dayArg = []any{q.path}, ""
}

func (q *memberQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// dayP is the placeholder of the day the roles are read for.
func (q *memberQuery) dayP() string {
	if q.dayArg == "" {
		q.dayArg = q.arg(q.day.String())
	}
	return q.dayArg
}

// terms is the condition on tm.term_id.
func (q *memberQuery) terms() string {
	if len(q.termIDs) == 1 && q.f.TermID != 0 {
		return "= " + q.arg(q.termIDs[0])
	}
	in := "IN (" + q.arg(int64(-1))
	for _, id := range q.termIDs {
		in += ", " + q.arg(id)
	}
	return in + ")"
}

// activeRoles is the roles held on $2, one row per member and term with the
// most senior rank and (when full) all of them aggregated (string_agg exists
// in both databases).
func (q *memberQuery) activeRoles(full bool) string {
	cols := ""
	if full {
		cols = `, string_agg(CAST(r.id AS TEXT) || ':' || r.kind || ':' || r.start_date || ':' || r.end_date, ',') AS roles`
	}
	scope := ""
	if q.f.CommitteeID != 0 {
		scope = " AND r.committee_id = " + q.arg(q.f.CommitteeID)
	}
	if len(q.only) > 0 {
		scope += " AND r.member_id " + q.onlyIn()
	}
	d := q.dayP()
	// rsort orders members of the same top rank by their top role's protocol
	// order (member_role.sort; 0 = unset, after the set ones): the minimum of
	// rank*1001 + order over the active roles, which is reached by the most
	// senior kind, so a lower kind's order never counts.
	return `(SELECT r.member_id, r.term_id, MIN(` + roleRank + `) AS rank,
		MIN((` + roleRank + `) * 1001 + CASE WHEN r.sort > 0 THEN r.sort ELSE ` + strconv.Itoa(member.UnsetSortKey) + ` END) AS rsort` + cols + `
		FROM member_role r WHERE r.start_date <= ` + d + ` AND (r.end_date = '' OR r.end_date >= ` + d + `)` + scope + `
		GROUP BY r.member_id, r.term_id)`
}

// from returns FROM … WHERE …; withSector and withRoles add the joins that
// sorting or showing needs (filters add their own).
func (q *memberQuery) from(withSector, withRoles, fullRoles bool) string {
	f := q.f
	var b strings.Builder
	b.WriteString(`
	FROM member m
	JOIN org c ON c.id = m.committee_id`)
	if f.TermID != 0 {
		b.WriteString(`
	JOIN term_member tm ON tm.member_id = m.id AND tm.term_id ` + q.terms())
	} else {
		b.WriteString(`
	LEFT JOIN term_member tm ON tm.member_id = m.id AND tm.term_id ` + q.terms())
	}
	if withSector {
		b.WriteString(`
	LEFT JOIN sector s ON s.id = tm.sector_id`)
	}
	if withRoles || f.Role == member.Ordinary {
		b.WriteString(`
	LEFT JOIN ` + q.activeRoles(fullRoles) + ` rr ON rr.member_id = m.id AND rr.term_id = tm.term_id`)
	}
	b.WriteString(`
	WHERE c.path LIKE $1 || '%'`)
	if f.CommitteeID != 0 {
		b.WriteString(` AND m.committee_id = ` + q.arg(f.CommitteeID))
	}
	if len(q.only) > 0 {
		b.WriteString(` AND m.id ` + q.onlyIn())
	}
	if f.SectorID != 0 {
		b.WriteString(` AND tm.sector_id = ` + q.arg(f.SectorID))
	}
	if f.Status != "" {
		b.WriteString(` AND m.status = ` + q.arg(string(f.Status)))
	}
	switch {
	case q.idIndex != "":
		// A whole identity number: found through its blind index (the
		// number itself is sealed).
		b.WriteString(` AND m.id_number_hmac = ` + q.arg(q.idIndex))
	case f.Name != "":
		p := q.arg(likeEscape(f.Name))
		b.WriteString(` AND (m.name LIKE '%' || ` + p + ` || '%' ESCAPE '\' OR m.workplace LIKE '%' || ` + p + ` || '%' ESCAPE '\')`)
	}
	switch {
	case f.Role == member.Ordinary:
		b.WriteString(` AND tm.id IS NOT NULL AND rr.member_id IS NULL`)
	case f.Role != "":
		b.WriteString(` AND EXISTS (SELECT 1 FROM member_role r2 WHERE r2.member_id = m.id AND r2.term_id = tm.term_id
			AND r2.kind = ` + q.arg(string(f.Role)) + ` AND r2.start_date <= ` + q.dayP() + ` AND (r2.end_date = '' OR r2.end_date >= ` + q.dayP() + `))`)
	}
	return b.String()
}

// orderBy is the fixed ORDER BY of the filter's sort key.
func (q *memberQuery) orderBy() (sql string, needsSector, needsRoles bool) {
	order, ok := memberOrder[q.f.Sort]
	if !ok {
		order = memberOrder["role"]
	}
	dir := ""
	if q.f.Desc {
		dir = " DESC"
	}
	var b strings.Builder
	b.WriteString(" ORDER BY ")
	for _, o := range order.cols {
		b.WriteString(o + dir + ", ")
	}
	b.WriteString("m.id" + dir)
	return b.String(), order.sector, order.roles
}

// findMembers is the one list query behind the page, the API and the export:
// the member, the committee, the seat in the chosen term (or each committee's
// current term) with sector and special committee, and the roles held on the
// day. A page is read in two steps, so that only 50 full rows are ever built:
// the ids of the whole list in the requested order (narrow rows, kept in the
// list cache until the data changes, so paging does not sort again), then the
// page's members in full.
func (db *DB) findMembers(ctx context.Context, actor app.Actor, f MemberFilter) ([]memberRow, int, error) {
	q, err := db.memberQueryFor(ctx, actor, f)
	if err != nil || q == nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		q.start()
		from := q.from(true, true, true)
		order, _, _ := q.orderBy()
		rows, err := db.memberRows(ctx, q, from+order)
		return rows, len(rows), err
	}

	// 1. The ids of the whole list in order (cached until the data changes),
	// and this page of them.
	all, err := db.memberListIDs(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	total := len(all)
	lo := min(max(0, f.Offset), total)
	ids := all[lo:min(lo+f.Limit, total)]
	if len(ids) == 0 {
		return nil, total, nil
	}
	// 2. The page's members in full, put back in the page's order.
	q.start()
	q.only = ids
	rows, err := db.memberRows(ctx, q, q.from(true, true, true))
	if err != nil {
		return nil, 0, err
	}
	pos := make(map[int64]int, len(ids))
	for i, id := range ids {
		pos[id] = i
	}
	sort.Slice(rows, func(i, j int) bool { return pos[rows[i].ID] < pos[rows[j].ID] })
	return rows, total, nil
}

// memberQueryFor sets up the query for f: the terms it reads and the day of
// the roles shown. nil when f names a term the actor does not see.
func (db *DB) memberQueryFor(ctx context.Context, actor app.Actor, f MemberFilter) (*memberQuery, error) {
	day := f.Day
	if day.IsZero() {
		day = db.Today()
	}
	q := &memberQuery{f: f, path: actor.Path}
	if id := strings.ToUpper(strings.TrimSpace(f.Name)); member.CheckIDNumber(id) == "" {
		q.idIndex = db.index(colMemberID, id)
	}
	if f.TermID != 0 {
		t, err := findTerm(ctx, db.read, actor, f.TermID)
		if err != nil {
			if app.ErrorCode(err) == app.ENOTFOUND {
				return nil, nil
			}
			return nil, err
		}
		// A past term shows its roles on its last day, a future one on its first.
		if !t.EndDate.IsZero() && day.After(t.EndDate) {
			day = t.EndDate
		}
		if day.Before(t.StartDate) {
			day = t.StartDate
		}
		q.termIDs = []int64{t.ID}
	} else {
		ids, err := db.currentTermIDs(ctx, actor, f.CommitteeID, day)
		if err != nil {
			return nil, err
		}
		q.termIDs = ids
	}
	q.day = day
	return q, nil
}

// memberListIDs are the ids of q's whole list in order, cached until the
// data changes.
func (db *DB) memberListIDs(ctx context.Context, q *memberQuery) ([]int64, error) {
	q.start()
	order, sortSector, sortRoles := q.orderBy()
	return db.cachedIDs(ctx, `SELECT m.id`+q.from(sortSector, sortRoles, false)+order, q.args)
}

// memberRows reads full list rows for a FROM … WHERE … [ORDER BY] built by q.
func (db *DB) memberRows(ctx context.Context, q *memberQuery, fromWhere string) ([]memberRow, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+memberColumns+`, c.name, COALESCE(t.number, 0), COALESCE(s.name, ''),
		COALESCE(sc.name, ''), COALESCE(rr.roles, '')`+
		strings.Replace(fromWhere, "\n\tWHERE ", `
	LEFT JOIN term t ON t.id = tm.term_id
	LEFT JOIN special_committee sc ON sc.id = tm.special_committee_id
	WHERE `, 1), q.args...)
	if err != nil {
		return nil, app.Internal(err, "find members")
	}
	defer rows.Close()
	var out []memberRow
	for rows.Next() {
		var r memberRow
		var roles string
		if err := db.scanMember(rows, &r.Member, &r.CommitteeName, &r.termNumber, &r.SectorName, &r.specialCommittee,
			&roles); err != nil {
			return nil, app.Internal(err, "scan member")
		}
		if r.Roles, err = parseRoles(roles, r.ID); err != nil {
			return nil, app.Internal(err, "parse roles")
		}
		out = append(out, r)
	}
	return out, app.Internal(rows.Err(), "find members")
}

// currentTermIDs returns, for each committee in scope (or the one given), the
// term covering day; where terms touch, the one that started last.
func (db *DB) currentTermIDs(ctx context.Context, actor app.Actor, committeeID int64, day app.Date) ([]int64, error) {
	args := []any{actor.Path, day.String()}
	cond := ""
	if committeeID != 0 {
		args = append(args, committeeID)
		cond = " AND t.committee_id = $3"
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.committee_id, t.id FROM term t JOIN org c ON c.id = t.committee_id
		WHERE c.path LIKE $1 || '%' AND t.start_date <= $2 AND (t.end_date = '' OR t.end_date >= $2)`+cond+`
		ORDER BY t.committee_id, t.start_date DESC`, args...)
	if err != nil {
		return nil, app.Internal(err, "current terms")
	}
	defer rows.Close()
	var ids []int64
	last := int64(-1)
	for rows.Next() {
		var c, id int64
		if err := rows.Scan(&c, &id); err != nil {
			return nil, app.Internal(err, "current terms")
		}
		if c != last {
			ids = append(ids, id)
			last = c
		}
	}
	return ids, app.Internal(rows.Err(), "current terms")
}

// parseRoles reads the aggregated "id:kind:start:end,…" of the list query,
// most senior first.
func parseRoles(s string, memberID int64) ([]member.Role, error) {
	if s == "" {
		return nil, nil
	}
	var out []member.Role
	for _, part := range strings.Split(s, ",") {
		f := strings.Split(part, ":")
		if len(f) != 4 {
			return nil, fmt.Errorf("bad role %q", part)
		}
		r := member.Role{MemberID: memberID, Kind: member.RoleKind(f[1])}
		var err error
		if r.ID, err = strconv.ParseInt(f[0], 10, 64); err != nil {
			return nil, err
		}
		if err := r.StartDate.Scan(f[2]); err != nil {
			return nil, err
		}
		if err := r.EndDate.Scan(f[3]); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].Kind.Rank(), out[j].Kind.Rank(); a != b {
			return a < b
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// FindMembers lists members of committees in the actor's subtree with their
// committee, sector and current roles, one page at a time, with the total.
func (db *DB) FindMembers(ctx context.Context, actor app.Actor, f MemberFilter) ([]member.Member, int, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, total, err := db.findMembers(ctx, actor, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]member.Member, len(rows))
	for i, r := range rows {
		out[i] = r.Member
	}
	return out, total, nil
}

// FindMembersForExport returns every member the filter selects (no paging),
// as roster lines.
func (db *DB) FindMembersForExport(ctx context.Context, actor app.Actor, f MemberFilter) ([]roster.ExportRow, error) {
	f.Offset, f.Limit = 0, 0
	rows, _, err := db.findMembers(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	out := make([]roster.ExportRow, len(rows))
	for i, r := range rows {
		role := "" // not seated in the term
		if len(r.Roles) > 0 {
			role = r.Roles[0].Kind.Label() // the most senior
		} else if r.termNumber != 0 {
			role = member.Ordinary.Label()
		}
		out[i] = roster.ExportRow{Member: r.Member, Committee: r.CommitteeName, TermNumber: r.termNumber,
			Sector: r.SectorName, SpecialCommittee: r.specialCommittee, Role: role}
	}
	return out, nil
}

// FindMembershipByID returns a term seat of a member in the actor's subtree.
func (db *DB) FindMembershipByID(ctx context.Context, actor app.Actor, id int64) (member.TermMembership, error) {
	var t member.TermMembership
	err := scanMembership(db.read.QueryRowContext(ctx, `SELECT `+membershipColumns+membershipFrom+`
		JOIN org o ON o.id = tm.committee_id WHERE tm.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &t)
	return t, notFound(err, "任职记录", "find membership")
}

// FindRoleByID returns a role of a member in the actor's subtree.
func (db *DB) FindRoleByID(ctx context.Context, actor app.Actor, id int64) (member.Role, error) {
	var r member.Role
	err := scanRole(db.read.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM member_role r
		JOIN org o ON o.id = r.committee_id WHERE r.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &r)
	return r, notFound(err, "职务记录", "find role")
}

// RecordMemberExport writes the audit row of a roster export: who took how
// many members' records out, of which committee (0: the actor's whole scope),
// with which filters.
func (db *DB) RecordMemberExport(ctx context.Context, actor app.Actor, committeeID int64, count int, filters string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		chain, path, name := actor.CommitteeID, actor.Path, "管辖范围内"
		if committeeID != 0 {
			c, err := findCommittee(ctx, tx, actor, committeeID)
			if err != nil {
				return err
			}
			chain, path, name = c.ID, c.Path, c.Name
		}
		summary := fmt.Sprintf("导出委员名册：%s委员%d名", name, count)
		if filters != "" {
			summary += "（" + filters + "）"
		}
		return tx.Audit(ctx, actor, Change{Action: "export", Entity: "member", Committee: chain, OrgPath: path,
			Summary: summary, After: map[string]any{"count": count, "filters": filters}})
	})
}
