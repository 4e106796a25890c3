package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/member"
	"xieshang/internal/org"
	"xieshang/internal/roster"
)

// Roster import (委员名册导入): every row is checked against the database
// first and all problems are returned together; only a clean batch is written,
// in one transaction with one audit row.

// importColumns names the roster column of each member field, for row errors.
var importColumns = map[string]string{
	"name": "姓名", "gender": "性别", "birth_date": "出生日期", "ethnicity": "民族", "party": "政治面貌",
	"education": "学历", "workplace": "工作单位及职务", "id_number": "身份证号", "phone": "手机号",
	"email": "电子邮箱", "address": "通讯地址", "status": "状态", "status_date": "状态变更日期", "note": "备注",
}

const (
	colSector    = "界别"
	colSpecial   = "专门委员会"
	colRole      = "职务"
	colRoleStart = "任职开始日期"
)

// importPlan is what the check learns and the insert needs.
type importPlan struct {
	committee org.Org
	term      org.Term
	sectors   map[string]int64
	specials  map[string]int64
}

// checkImport validates rows against the committee, the term and the members
// already registered. It returns every row problem; the error is for a
// committee or term that cannot be used at all (field errors on committee_id
// or term_id) and for database failures.
func (db *DB) checkImport(ctx context.Context, q querier, actor app.Actor, committeeID, termID int64,
	rows []roster.Row) (importPlan, []roster.RowError, error) {
	var p importPlan
	var err error
	if p.committee, err = findCommittee(ctx, q, actor, committeeID); err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			return p, nil, err
		}
		var errs app.FieldErrors
		errs.Add("committee_id", "请选择委员所属的市、县(区)政协")
		return p, nil, errs.Err()
	}
	if p.committee.Archived {
		return p, nil, app.Errorf(app.ECONFLICT, "%s已撤销，不能导入委员", p.committee.Name)
	}
	err = scanTerm(q.QueryRowContext(ctx, `SELECT `+termColumns+` FROM term t WHERE t.id = $1 AND t.committee_id = $2`,
		termID, committeeID), &p.term)
	if errors.Is(err, sql.ErrNoRows) {
		var errs app.FieldErrors
		errs.Add("term_id", "请选择"+p.committee.Name+"的届次")
		return p, nil, errs.Err()
	} else if err != nil {
		return p, nil, app.Internal(err, "import: term")
	}
	sectors, err := sectorKind.list(ctx, q, committeeID)
	if err != nil {
		return p, nil, err
	}
	specials, err := specialKind.list(ctx, q, committeeID)
	if err != nil {
		return p, nil, err
	}
	p.sectors, p.specials = nameIndex(sectors), nameIndex(specials)
	taken, err := idNumbersOf(ctx, q, committeeID)
	if err != nil {
		return p, nil, err
	}
	chair, err := chairOf(ctx, q, p.term)
	if err != nil {
		return p, nil, err
	}

	var bad []roster.RowError
	add := func(line int, col, msg string) {
		bad = append(bad, roster.RowError{Line: line, Column: col, Message: msg})
	}
	today := db.Today()
	seenID := map[string]int{}
	chairLine := 0
	for _, r := range rows {
		in := r.Member
		in.Normalize()
		for _, fe := range in.Validate(today) {
			col := importColumns[fe.Field]
			if col == "" {
				col = fe.Field
			}
			add(r.Line, col, fe.Message)
		}
		if in.IDNumber != "" {
			if taken[db.index(colMemberID, in.IDNumber)] {
				add(r.Line, importColumns["id_number"], "该身份证号已登记为本会委员")
			} else if first, dup := seenID[in.IDNumber]; dup {
				add(r.Line, importColumns["id_number"], fmt.Sprintf("与第%d行的身份证号重复", first))
			} else {
				seenID[in.IDNumber] = r.Line
			}
		}
		switch name := strings.TrimSpace(r.Sector); {
		case name == "":
			add(r.Line, colSector, "界别不能为空。可选："+namesOf(sectors))
		case p.sectors[name] == 0:
			add(r.Line, colSector, "界别“"+name+"”不存在。可选："+namesOf(sectors))
		}
		if name := strings.TrimSpace(r.SpecialCommittee); name != "" && p.specials[name] == 0 {
			add(r.Line, colSpecial, "专门委员会“"+name+"”不存在。可选："+namesOf(specials))
		}
		kind := r.Role
		if kind == "" {
			kind = member.Ordinary
		}
		if kind.Rank() >= len(member.RoleKinds) {
			add(r.Line, colRole, "职务应为主席、副主席、秘书长、常委或委员")
		}
		if !r.RoleStart.IsZero() && !p.term.Covers(r.RoleStart) {
			add(r.Line, colRoleStart, "任职开始日期应在"+p.term.Label()+"任期内（"+p.term.Span()+"）")
		}
		if in.Status != member.Serving && !in.StatusDate.IsZero() && in.StatusDate.Before(p.term.StartDate) {
			add(r.Line, importColumns["status_date"], "状态变更日期早于"+p.term.Label()+"开始日期")
		}
		if kind == member.Chair {
			switch {
			case chair != "":
				add(r.Line, colRole, p.term.Label()+"已有主席（"+chair+"），一届同一时间只能有一位主席")
			case chairLine != 0:
				add(r.Line, colRole, fmt.Sprintf("名册中第%d行已是主席，一届同一时间只能有一位主席", chairLine))
			default:
				chairLine = r.Line
			}
		}
	}
	return p, bad, nil
}

func nameIndex(list []org.Sector) map[string]int64 {
	m := make(map[string]int64, len(list))
	for _, s := range list {
		m[s.Name] = s.ID
	}
	return m
}

func namesOf(list []org.Sector) string {
	if len(list) == 0 {
		return "（本会尚未设置，请先在组织机构中添加）"
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Name
	}
	return strings.Join(names, "、")
}

// idNumbersOf returns the blind indexes of the identity numbers registered
// in a committee (the numbers themselves are sealed).
func idNumbersOf(ctx context.Context, q querier, committeeID int64) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT id_number_hmac FROM member WHERE committee_id = $1 AND id_number_hmac <> ''`,
		committeeID)
	if err != nil {
		return nil, app.Internal(err, "import: id numbers")
	}
	defer rows.Close()
	taken := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, app.Internal(err, "import: scan id number")
		}
		taken[s] = true
	}
	return taken, app.Internal(rows.Err(), "import: id numbers")
}

// chairOf names the member holding (or due to hold) the term's chair without an end.
func chairOf(ctx context.Context, q querier, t org.Term) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT m.name FROM member_role r JOIN member m ON m.id = r.member_id
		WHERE r.term_id = $1 AND r.kind = $2 AND r.end_date = '' ORDER BY r.start_date LIMIT 1`,
		t.ID, string(member.Chair)).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, app.Internal(err, "import: chair")
}

// CheckImport validates a parsed roster against the database without writing
// anything; the web layer shows its row errors with the parser's.
func (db *DB) CheckImport(ctx context.Context, actor app.Actor, committeeID, termID int64, rows []roster.Row) ([]roster.RowError, error) {
	_, bad, err := db.checkImport(ctx, db.read, actor, committeeID, termID, rows)
	return bad, err
}

// ImportMembers checks every row (see CheckImport) and, when none is bad,
// inserts each member with a seat in the term and their role in one
// transaction with one audit row. It returns the number imported, or the row
// errors and nothing written. progress, when not nil, is called every 100
// rows and at the end with the number of rows written so far.
func (db *DB) ImportMembers(ctx context.Context, actor app.Actor, committeeID, termID int64, rows []roster.Row,
	progress func(done int)) (int, []roster.RowError, error) {
	if progress == nil {
		progress = func(int) {}
	}
	var bad []roster.RowError
	n := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		p, rowErrs, err := db.checkImport(ctx, tx, actor, committeeID, termID, rows)
		if err != nil {
			return err
		}
		if len(rowErrs) > 0 {
			bad = rowErrs
			return nil
		}
		insMember, err := tx.PrepareContext(ctx, `INSERT INTO member (committee_id, name, gender, birth_date, ethnicity,
			party, education, workplace, id_number, phone, email, address, status, status_date, note, created_at, updated_at,
			id_number_hmac)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) RETURNING id`)
		if err != nil {
			return app.Internal(err, "import: prepare member")
		}
		defer insMember.Close()
		insSeat, err := tx.PrepareContext(ctx, `INSERT INTO term_member (committee_id, term_id, member_id, sector_id,
			special_committee_id, start_date, end_date) VALUES ($1, $2, $3, $4, $5, $6, $7)`)
		if err != nil {
			return app.Internal(err, "import: prepare seat")
		}
		defer insSeat.Close()
		insRole, err := tx.PrepareContext(ctx, `INSERT INTO member_role (committee_id, member_id, term_id, kind,
			start_date, end_date) VALUES ($1, $2, $3, $4, $5, $6)`)
		if err != nil {
			return app.Internal(err, "import: prepare role")
		}
		defer insRole.Close()
		c, t := p.committee, p.term
		for i, r := range rows {
			in := r.Member
			in.Normalize()
			sealed, err := db.sealMember(in)
			if err != nil {
				return err
			}
			var id int64
			if err := insMember.QueryRowContext(ctx, c.ID, in.Name, in.Gender, in.BirthDate, in.Ethnicity, in.Party,
				in.Education, in.Workplace, sealed.id, sealed.phone, in.Email, in.Address, string(in.Status),
				in.StatusDate, in.Note, tx.Now, sealed.index).Scan(&id); err != nil {
				if isUniqueViolation(err) { // registered meanwhile by someone else
					bad = append(bad, roster.RowError{Line: r.Line, Column: importColumns["id_number"],
						Message: "该身份证号已登记为本会委员"})
					return errImportRow
				}
				return app.Internal(err, "import: insert member")
			}
			tx.SearchTouch("member", id) // one audit entry for the file: index each member
			// A member who has left ends their seat and role on the status date.
			var end app.Date
			if in.Status != member.Serving && !in.StatusDate.IsZero() {
				end = in.StatusDate
			}
			if _, err := insSeat.ExecContext(ctx, c.ID, t.ID, id, p.sectors[strings.TrimSpace(r.Sector)],
				nullInt(p.specials[strings.TrimSpace(r.SpecialCommittee)]), t.StartDate, end); err != nil {
				return app.Internal(err, "import: insert seat")
			}
			if r.Role != "" && r.Role != member.Ordinary {
				start := r.RoleStart
				if start.IsZero() {
					start = t.StartDate
				}
				roleEnd := end
				if !roleEnd.IsZero() && roleEnd.Before(start) {
					roleEnd = start
				}
				if _, err := insRole.ExecContext(ctx, c.ID, id, t.ID, string(r.Role), start, roleEnd); err != nil {
					return app.Internal(err, "import: insert role")
				}
			}
			n = i + 1
			if n%100 == 0 {
				progress(n)
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "import", Entity: "member", Committee: c.ID, OrgPath: c.Path,
			Summary: fmt.Sprintf("导入委员名册：%s%s委员%d名", c.Name, t.Label(), n),
			After:   map[string]any{"committee_id": c.ID, "term_id": t.ID, "term_number": t.Number, "count": n}})
	})
	if errors.Is(err, errImportRow) {
		return 0, bad, nil
	}
	if err != nil || len(bad) > 0 {
		return 0, bad, err
	}
	progress(n)
	return n, nil, nil
}

// errImportRow rolls the import back after a row error found while inserting.
var errImportRow = errors.New("import: row error")

// --- Import jobs ---

// ImportJob follows one roster import that runs in the background.
type ImportJob struct {
	ID          int64     `json:"id"`
	CommitteeID int64     `json:"committee_id"`
	AccountID   int64     `json:"account_id"`
	Kind        string    `json:"kind"` // "member"
	FileName    string    `json:"file_name"`
	RowsTotal   int       `json:"rows_total"`
	RowsDone    int       `json:"rows_done"`
	Status      string    `json:"status"` // running, done, failed
	Message     string    `json:"message"`
	CreatedAt   time.Time `json:"created_at"`
	FinishedAt  time.Time `json:"finished_at"`
}

// Import job states.
const (
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// CreateImportJob records an import about to run for a committee in the
// actor's subtree. Jobs are bookkeeping: the import itself is audited.
func (db *DB) CreateImportJob(ctx context.Context, actor app.Actor, committeeID int64, kind, fileName string, total int) (ImportJob, error) {
	j := ImportJob{CommitteeID: committeeID, AccountID: actor.AccountID, Kind: kind, FileName: fileName,
		RowsTotal: total, Status: JobRunning}
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := findCommittee(ctx, tx, actor, committeeID); err != nil {
			return err
		}
		j.CreatedAt = tx.Now
		return app.Internal(tx.QueryRowContext(ctx, `INSERT INTO import_job (committee_id, account_id, kind, file_name,
			rows_total, rows_done, status, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7) RETURNING id`,
			committeeID, actor.AccountID, kind, fileName, total, JobRunning, tx.Now).Scan(&j.ID), "insert import job")
	})
	return j, err
}

// FinishImportJob records how an import ended.
func (db *DB) FinishImportJob(ctx context.Context, id int64, status string, done int, message string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE import_job SET status = $2, rows_done = $3, message = $4, finished_at = $5
			WHERE id = $1`, id, status, done, message, tx.Now)
		return app.Internal(err, "finish import job")
	})
}

// FindImportJob returns a job of a committee in the actor's subtree.
func (db *DB) FindImportJob(ctx context.Context, actor app.Actor, id int64) (ImportJob, error) {
	var j ImportJob
	var finished sql.NullTime
	err := db.read.QueryRowContext(ctx, `SELECT j.id, j.committee_id, j.account_id, j.kind, j.file_name, j.rows_total,
		j.rows_done, j.status, j.message, j.created_at, j.finished_at FROM import_job j JOIN org o ON o.id = j.committee_id
		WHERE j.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path).Scan(&j.ID, &j.CommitteeID, &j.AccountID, &j.Kind,
		&j.FileName, &j.RowsTotal, &j.RowsDone, &j.Status, &j.Message, &j.CreatedAt, &finished)
	if err != nil {
		return j, notFound(err, "导入任务", "find import job")
	}
	j.FinishedAt = finished.Time
	return j, nil
}

// FailInterruptedImportJobs marks jobs still "running" as failed. Called at
// start: a job that was running when the process stopped had its single
// transaction rolled back, so nothing of it was imported. With several app
// nodes, only jobs older than olderThan are touched, so a job running on
// another node is left alone.
func (db *DB) FailInterruptedImportJobs(ctx context.Context, olderThan time.Duration) (int64, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE import_job SET status = 'failed', finished_at = $1,
		message = '导入因服务重启而中断，未导入任何数据，请重新上传' WHERE status = 'running' AND created_at < $2`,
		db.Now().UTC(), db.Now().UTC().Add(-olderThan))
	if err != nil {
		return 0, app.Internal(err, "fail interrupted import jobs")
	}
	return res.RowsAffected()
}
