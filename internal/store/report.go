package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
)

// Social-conditions reports (社情民意信息, DOMAIN.md §6). A member submits a
// report with itself as the first author (co-authors may follow); the
// office submits reports for any authors; accounts whose role the
// committee's proposal rules list in ReportRoles submit under their own
// name as non-member authors. The office edits the text, merges similar
// reports into one (the merged ones are final and linked, their authors
// become authors of the kept one), forwards reports to a higher body,
// records each adoption (采用) at a level — at most one per level — with
// the leader's instruction (批示), or declines a report with the reason.
// The states and the actions between them are proposal.ReportNext's table.
//
// Every adoption gives each member author a duty event of kind
// report_<level> whose share is proposal.Share: full alone, half when
// co-written or merged, a quarter when both.
//
// Scope: reports belong to the submitter's organisation; the office and
// leaders read those of their subtree, a member its own and the adopted
// ones, other submitters what they submitted.

// Duty event kinds and source written by report adoptions: one kind per
// level (report_county, report_city, report_province, report_national).
const (
	DutyReportCounty     = "report_county"
	DutyReportCity       = "report_city"
	DutyReportProvince   = "report_province"
	DutyReportNational   = "report_national"
	SourceReportAdoption = "report_adoption"
)

// DutyReportKind is the duty event kind of an adoption at level l.
func DutyReportKind(l proposal.Level) string { return "report_" + string(l) }

// Report is one social-conditions report.
type Report struct {
	ID              int64            `json:"id"`
	CommitteeID     int64            `json:"committee_id"`
	OrgID           int64            `json:"org_id"`
	OrgName         string           `json:"org_name"`
	Year            int              `json:"year"`
	Title           string           `json:"title"`
	Body            string           `json:"body"`
	Category        string           `json:"category"`
	State           string           `json:"state"`
	StateLabel      string           `json:"state_label"`
	StateSince      time.Time        `json:"state_since"`
	SubmittedBy     int64            `json:"submitted_by"` // the account
	Submitter       string           `json:"submitter"`
	MergedInto      int64            `json:"merged_into,omitempty"`
	MergedIntoTitle string           `json:"merged_into_title,omitempty"`
	ForwardedTo     string           `json:"forwarded_to,omitempty"`
	ForwardedOn     app.Date         `json:"forwarded_on,omitzero"`
	DeclineReason   string           `json:"decline_reason,omitempty"`
	Authors         []ReportAuthor   `json:"authors"`
	Adoptions       []ReportAdoption `json:"adoptions"`
	MergedFrom      []ReportLink     `json:"merged_from,omitempty"` // reports merged into this one
	CreatedAt       time.Time        `json:"created_at"`
	UpdatedAt       time.Time        `json:"updated_at"`

	path string
}

// AuthorNames lists the authors' names, 、-separated.
func (r Report) AuthorNames() string {
	names := make([]string, len(r.Authors))
	for i, a := range r.Authors {
		names[i] = a.Name
	}
	return strings.Join(names, "、")
}

// Merged reports whether the report absorbed others or was merged into one.
func (r Report) Merged() bool { return len(r.MergedFrom) > 0 || r.MergedInto != 0 }

// ReportAuthor is an author of a report: a member of the committee, or a
// named non-member. MergedFrom names the report it came with by a merge.
type ReportAuthor struct {
	MemberID   int64  `json:"member_id,omitempty"`
	Name       string `json:"name"`
	MergedFrom int64  `json:"merged_from,omitempty"`
}

// ReportAdoption is the adoption of a report at a level.
type ReportAdoption struct {
	ID            int64          `json:"id"`
	ReportID      int64          `json:"report_id"`
	Level         proposal.Level `json:"level"`
	LevelLabel    string         `json:"level_label"`
	AdoptedOn     app.Date       `json:"adopted_on"`
	AdoptedBy     string         `json:"adopted_by"`
	Instruction   string         `json:"instruction,omitempty"`
	Leader        string         `json:"leader,omitempty"`
	InstructionOn app.Date       `json:"instruction_on,omitzero"`
	CreatedAt     time.Time      `json:"created_at"`
}

// ReportLink is another report as a summary.
type ReportLink struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	State      string `json:"state"`
	StateLabel string `json:"state_label"`
}

// ReportStep is one change of a report's state (or an edit).
type ReportStep struct {
	ID        int64     `json:"id"`
	From      string    `json:"from"`
	FromLabel string    `json:"from_label"`
	To        string    `json:"to"`
	ToLabel   string    `json:"to_label"`
	Action    string    `json:"action"`
	Note      string    `json:"note"`
	AccountID int64     `json:"account_id"`
	Actor     string    `json:"actor"`
	At        time.Time `json:"at"`
}

// ReportInput is a new report.
type ReportInput struct {
	OrgID    int64  `json:"org_id"` // the submitting organisation; 0: the account's own
	Year     int    `json:"year"`   // 0: this year
	Title    string `json:"title"`
	Body     string `json:"body"`
	Category string `json:"category"`
	// Authors in order. A member's account is always the first author, an
	// account submitting under ReportRoles too (by its name); the office
	// names them all.
	Authors []ReportAuthorInput `json:"authors"`
}

// ReportAuthorInput names an author: a member by id, or by name or
// 姓名#编号 in Member; or a non-member by Name.
type ReportAuthorInput struct {
	MemberID int64  `json:"member_id"`
	Member   string `json:"member"`
	Name     string `json:"name"`
}

// ForwardInput is where a report is sent on to (报送上级).
type ForwardInput struct {
	To   string   `json:"to"` // the body: 市政协办公室
	On   app.Date `json:"on"` // 0: today
	Note string   `json:"note"`
}

const reportColumns = `r.id, r.committee_id, r.org_id, o.name, r.year, r.title, r.body, r.category, r.state, r.state_since,
	r.submitted_by, r.submitter, COALESCE(r.merged_into, 0), r.forwarded_to, r.forwarded_on, r.decline_reason,
	r.created_at, r.updated_at, o.path`

const reportFrom = ` FROM report r JOIN org o ON o.id = r.org_id`

func scanReport(s scanner, r *Report, extra ...any) error {
	err := s.Scan(append([]any{&r.ID, &r.CommitteeID, &r.OrgID, &r.OrgName, &r.Year, &r.Title, &r.Body, &r.Category,
		&r.State, &r.StateSince, &r.SubmittedBy, &r.Submitter, &r.MergedInto, &r.ForwardedTo, &r.ForwardedOn,
		&r.DeclineReason, &r.CreatedAt, &r.UpdatedAt, &r.path}, extra...)...)
	r.StateLabel = proposal.ReportStateLabel(r.State)
	r.Authors, r.Adoptions = []ReportAuthor{}, []ReportAdoption{}
	return err
}

// reportQuery builds the WHERE clause of report reads: ? placeholders
// become $n in order.
type reportQuery struct {
	where []string
	args  []any
}

func (q *reportQuery) add(cond string, vals ...any) {
	for _, v := range vals {
		q.args = append(q.args, v)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(q.args)), 1)
	}
	q.where = append(q.where, cond)
}

func (q *reportQuery) sql() string { return strings.Join(q.where, " AND ") }

// visibleTo limits the reads to what the actor may see: the subtree; for
// a member, its own reports and the adopted ones; for other submitters,
// what they submitted. Handling units see none.
func (q *reportQuery) visibleTo(actor app.Actor) error {
	role := auth.Role(actor.Role)
	q.add(`o.path LIKE ? || '%'`, actor.Path)
	switch {
	case isMemberAccount(actor):
		q.add(`(r.submitted_by = ? OR EXISTS (SELECT 1 FROM report_author ra WHERE ra.report_id = r.id AND ra.member_id = ?)
			OR EXISTS (SELECT 1 FROM report_adoption ad WHERE ad.report_id = r.id))`, actor.AccountID, actor.MemberID)
	case role.Can(auth.ProposalRead):
	case role == auth.Coordinator || role == auth.Cadre:
		q.add(`r.submitted_by = ?`, actor.AccountID)
	default:
		return app.Errorf(app.EFORBIDDEN, "当前账号不能查看社情民意信息")
	}
	return nil
}

// canHandleReports reports whether the actor handles reports (the office).
func canHandleReports(actor app.Actor) bool { return auth.Role(actor.Role).Can(auth.ProposalWrite) }

func refuseReportHandling(actor app.Actor) error {
	if !canHandleReports(actor) {
		return app.Errorf(app.EFORBIDDEN, "只有政协机关工作人员可以办理社情民意信息")
	}
	return nil
}

func findReport(ctx context.Context, q querier, actor app.Actor, id int64) (Report, error) {
	var rq reportQuery
	rq.add(`r.id = ?`, id)
	if err := rq.visibleTo(actor); err != nil {
		return Report{}, err
	}
	var r Report
	err := scanReport(q.QueryRowContext(ctx, `SELECT `+reportColumns+reportFrom+` WHERE `+rq.sql(), rq.args...), &r)
	return r, notFound(err, "社情民意信息", "find report")
}

// lockReport locks a report of the actor's subtree for a change by the office.
func (tx *Tx) lockReport(ctx context.Context, actor app.Actor, id int64) (Report, error) {
	var r Report
	err := scanReport(tx.QueryRowContext(ctx, `SELECT `+reportColumns+reportFrom+`
		WHERE r.id = $1 AND o.path LIKE $2 || '%'`+tx.db.Dialect.forUpdateOf("r"), id, actor.Path), &r)
	return r, notFound(err, "社情民意信息", "lock report")
}

// FindReportByID returns a report the actor may see, with its authors,
// adoptions and the reports merged into it.
func (db *DB) FindReportByID(ctx context.Context, actor app.Actor, id int64) (Report, error) {
	r, err := findReport(ctx, db.read, actor, id)
	if err != nil {
		return r, err
	}
	rs := []Report{r}
	if err := db.fillReports(ctx, db.read, rs); err != nil {
		return r, err
	}
	r = rs[0]
	rows, err := db.read.QueryContext(ctx, `SELECT id, title, state FROM report WHERE merged_into = $1 ORDER BY id`, id)
	if err != nil {
		return r, app.Internal(err, "merged reports")
	}
	defer rows.Close()
	for rows.Next() {
		var l ReportLink
		if err := rows.Scan(&l.ID, &l.Title, &l.State); err != nil {
			return r, app.Internal(err, "merged reports")
		}
		l.StateLabel = proposal.ReportStateLabel(l.State)
		r.MergedFrom = append(r.MergedFrom, l)
	}
	if err := rows.Err(); err != nil {
		return r, app.Internal(err, "merged reports")
	}
	if r.MergedInto != 0 {
		if err := db.read.QueryRowContext(ctx, `SELECT title FROM report WHERE id = $1`, r.MergedInto).
			Scan(&r.MergedIntoTitle); err != nil {
			return r, app.Internal(err, "merged into")
		}
	}
	return r, nil
}

// fillReports reads the authors and adoptions of the reports.
func (db *DB) fillReports(ctx context.Context, q querier, rs []Report) error {
	if len(rs) == 0 {
		return nil
	}
	index := map[int64]int{}
	ph := make([]string, len(rs))
	args := make([]any, len(rs))
	for i, r := range rs {
		index[r.ID] = i
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = r.ID
	}
	in := strings.Join(ph, ", ")
	rows, err := q.QueryContext(ctx, `SELECT report_id, COALESCE(member_id, 0), name, COALESCE(merged_from, 0)
		FROM report_author WHERE report_id IN (`+in+`) ORDER BY report_id, seq`, args...)
	if err != nil {
		return app.Internal(err, "report authors")
	}
	for rows.Next() {
		var id int64
		var a ReportAuthor
		if err := rows.Scan(&id, &a.MemberID, &a.Name, &a.MergedFrom); err != nil {
			rows.Close()
			return app.Internal(err, "report authors")
		}
		rs[index[id]].Authors = append(rs[index[id]].Authors, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return app.Internal(err, "report authors")
	}
	rows, err = q.QueryContext(ctx, `SELECT id, report_id, level, adopted_on, adopted_by, instruction, leader,
		instruction_on, created_at FROM report_adoption WHERE report_id IN (`+in+`) ORDER BY report_id, adopted_on, id`, args...)
	if err != nil {
		return app.Internal(err, "report adoptions")
	}
	defer rows.Close()
	for rows.Next() {
		var a ReportAdoption
		if err := rows.Scan(&a.ID, &a.ReportID, &a.Level, &a.AdoptedOn, &a.AdoptedBy, &a.Instruction, &a.Leader,
			&a.InstructionOn, &a.CreatedAt); err != nil {
			return app.Internal(err, "report adoptions")
		}
		a.LevelLabel = a.Level.Label()
		i := index[a.ReportID]
		rs[i].Adoptions = append(rs[i].Adoptions, a)
	}
	return app.Internal(rows.Err(), "report adoptions")
}

// ReportFilter narrows FindReports.
type ReportFilter struct {
	CommitteeID int64
	Year        int
	State       string
	States      []string       // any of these states
	Level       proposal.Level // adopted at this level
	MemberID    int64          // an author
	Author      string         // part of an author's name
	Query       string         // part of the title or text
	Offset      int
	Limit       int // 0: 50; at most 1000
}

func (f ReportFilter) query(actor app.Actor, withState bool) (reportQuery, error) {
	var q reportQuery
	if err := q.visibleTo(actor); err != nil {
		return q, err
	}
	if f.CommitteeID != 0 {
		q.add(`r.committee_id = ?`, f.CommitteeID)
	}
	if f.Year != 0 {
		q.add(`r.year = ?`, f.Year)
	}
	if withState && f.State != "" {
		q.add(`r.state = ?`, f.State)
	}
	if withState && len(f.States) > 0 {
		ph := make([]string, len(f.States))
		vals := make([]any, len(f.States))
		for i, s := range f.States {
			ph[i], vals[i] = "?", s
		}
		q.add(`r.state IN (`+strings.Join(ph, ", ")+`)`, vals...)
	}
	if f.Level != "" {
		q.add(`EXISTS (SELECT 1 FROM report_adoption fa WHERE fa.report_id = r.id AND fa.level = ?)`, string(f.Level))
	}
	if f.MemberID != 0 {
		q.add(`EXISTS (SELECT 1 FROM report_author fm WHERE fm.report_id = r.id AND fm.member_id = ?)`, f.MemberID)
	}
	if s := strings.TrimSpace(f.Author); s != "" {
		q.add(`EXISTS (SELECT 1 FROM report_author fn WHERE fn.report_id = r.id AND fn.name LIKE '%' || ? || '%' ESCAPE '\')`,
			likeEscape(s))
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		q.add(`(r.title LIKE '%' || ? || '%' ESCAPE '\' OR r.body LIKE '%' || ? || '%' ESCAPE '\')`, likeEscape(s), likeEscape(s))
	}
	return q, nil
}

// FindReports lists the reports the actor may see, newest first, with
// their authors and adoptions and the total matching.
func (db *DB) FindReports(ctx context.Context, actor app.Actor, f ReportFilter) ([]Report, int, error) {
	q, err := f.query(actor, true)
	if err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 1000)
	args := append(q.args, f.Limit, max(f.Offset, 0))
	rows, err := db.read.QueryContext(ctx, `SELECT `+reportColumns+`, COUNT(*) OVER()`+reportFrom+` WHERE `+q.sql()+
		fmt.Sprintf(` ORDER BY r.year DESC, r.id DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, app.Internal(err, "find reports")
	}
	defer rows.Close()
	var out []Report
	total := 0
	for rows.Next() {
		var r Report
		if err := scanReport(rows, &r, &total); err != nil {
			return nil, 0, app.Internal(err, "find reports")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, app.Internal(err, "find reports")
	}
	rows.Close()
	return out, total, db.fillReports(ctx, db.read, out)
}

// CountReportsByState counts the reports the filter matches (its state
// aside) per state.
func (db *DB) CountReportsByState(ctx context.Context, actor app.Actor, f ReportFilter) (map[string]int, error) {
	q, err := f.query(actor, false)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT r.state, COUNT(*)`+reportFrom+` WHERE `+q.sql()+` GROUP BY r.state`, q.args...)
	if err != nil {
		return nil, app.Internal(err, "count reports")
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, app.Internal(err, "count reports")
		}
		out[s] = n
	}
	return out, app.Internal(rows.Err(), "count reports")
}

// FindReportSteps lists a report's history, oldest first.
func (db *DB) FindReportSteps(ctx context.Context, actor app.Actor, id int64) ([]ReportStep, error) {
	if _, err := findReport(ctx, db.read, actor, id); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, from_state, to_state, action, note, account_id, actor, at
		FROM report_step WHERE report_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, app.Internal(err, "report steps")
	}
	defer rows.Close()
	var out []ReportStep
	for rows.Next() {
		var s ReportStep
		if err := rows.Scan(&s.ID, &s.From, &s.To, &s.Action, &s.Note, &s.AccountID, &s.Actor, &s.At); err != nil {
			return nil, app.Internal(err, "report steps")
		}
		if s.From != "" {
			s.FromLabel = proposal.ReportStateLabel(s.From)
		}
		s.ToLabel = proposal.ReportStateLabel(s.To)
		out = append(out, s)
	}
	return out, app.Internal(rows.Err(), "report steps")
}

func (tx *Tx) reportStep(ctx context.Context, actor app.Actor, id int64, from, to, action, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO report_step (report_id, from_state, to_state, action, note, account_id,
		actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, from, to, action, note, actor.AccountID, actor.Name, tx.Now)
	return app.Internal(err, "report step")
}

// moveReport sets a report's state (its time too when it changes) and
// records the step.
func (tx *Tx) moveReport(ctx context.Context, actor app.Actor, r Report, to string, action proposal.ReportAction, note string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE report SET state = $2,
		state_since = CASE WHEN state = $2 THEN state_since ELSE $3 END, updated_at = $3 WHERE id = $1`,
		r.ID, to, tx.Now); err != nil {
		return app.Internal(err, "move report")
	}
	return tx.reportStep(ctx, actor, r.ID, r.State, to, string(action), note)
}

// reportText is the normalized, validated text of an input.
func reportText(in ReportInput, today app.Date) (proposal.ReportText, app.FieldErrors) {
	t := proposal.ReportText{Year: in.Year, Title: in.Title, Body: in.Body, Category: in.Category}
	if t.Year == 0 {
		t.Year = today.Y
	}
	t.Normalize()
	return t, t.Validate()
}

// CreateReport records a submitted report. A member's account submits
// with itself as the first author; the office names the authors; an
// account whose role the committee allows (proposal.Rules.ReportRoles)
// submits under its own name. Errors: EFORBIDDEN for other accounts, field
// errors for the text and the authors.
func (db *DB) CreateReport(ctx context.Context, actor app.Actor, in ReportInput) (Report, error) {
	if err := db.MayWriteReports(ctx, actor); err != nil {
		return Report{}, err // who may write comes before what is written
	}
	text, errs := reportText(in, db.Today())
	orgID := in.OrgID
	if orgID == 0 || isMemberAccount(actor) {
		orgID = actor.OrgID
	}
	if orgID == 0 {
		errs.Add("org_id", "请选择报送信息的组织")
	}
	if len(errs) > 0 {
		return Report{}, errs.Err()
	}
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		o, err := findOrg(ctx, tx, actor, orgID)
		if err != nil {
			var errs app.FieldErrors
			errs.Add("org_id", "所选组织不存在或不在本账号管辖范围内")
			return errs.Err()
		}
		if o.Archived {
			return app.Errorf(app.EINVALID, "%s已撤销，不能再报送信息", o.Name)
		}
		rules, err := readProposalRules(ctx, tx, o.CommitteeID)
		if err != nil {
			return err
		}
		role := auth.Role(actor.Role)
		var first *ReportAuthorInput
		switch {
		case isMemberAccount(actor):
			if actor.MemberID == 0 {
				return app.Errorf(app.EFORBIDDEN, "当前委员账号未关联委员，不能报送信息")
			}
			first = &ReportAuthorInput{MemberID: actor.MemberID}
		case role.Can(auth.ProposalDraft):
		case slices.Contains(rules.ReportRoles, actor.Role):
			first = &ReportAuthorInput{Name: actor.Name}
		default:
			return app.Errorf(app.EFORBIDDEN, "当前账号不能报送社情民意信息")
		}
		inputs := in.Authors
		if first != nil {
			inputs = append([]ReportAuthorInput{*first}, inputs...)
		}
		authors, err := tx.resolveReportAuthors(ctx, o.CommitteeID, inputs, first != nil)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO report (committee_id, org_id, year, title, body, category, state,
			state_since, submitted_by, submitter, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8, $8) RETURNING id`, o.CommitteeID, o.ID, text.Year,
			text.Title, text.Body, text.Category, proposal.ReportSubmitted, tx.Now, actor.AccountID, actor.Name).Scan(&id); err != nil {
			return app.Internal(err, "create report")
		}
		if err := tx.addReportAuthors(ctx, id, 0, authors); err != nil {
			return err
		}
		if err := tx.reportStep(ctx, actor, id, "", proposal.ReportSubmitted, "submit", ""); err != nil {
			return err
		}
		r := Report{Year: text.Year, Title: text.Title, Body: text.Body, Category: text.Category, Authors: authors}
		return tx.Audit(ctx, actor, Change{Action: "report_create", Entity: "report", EntityID: id,
			Committee: o.CommitteeID, OrgPath: o.Path, After: r,
			Summary: fmt.Sprintf("%s报送社情民意信息“%s”（%s）", o.Name, text.Title, r.AuthorNames())})
	})
	if err != nil {
		return Report{}, err
	}
	return db.FindReportByID(ctx, actor, id)
}

// MayWriteReports refuses (EFORBIDDEN) an account that may not submit
// reports: a member account needs its member; other roles need
// proposal:draft (the office) or a place among the report roles of their
// committee's proposal rules (proposal.Rules.ReportRoles). CreateReport
// asks it before it validates anything; the committee of the organisation
// reported for is checked again there.
func (db *DB) MayWriteReports(ctx context.Context, actor app.Actor) error {
	role := auth.Role(actor.Role)
	switch {
	case isMemberAccount(actor):
		if actor.MemberID == 0 {
			return app.Errorf(app.EFORBIDDEN, "当前委员账号未关联委员，不能报送信息")
		}
		return nil
	case role.Can(auth.ProposalDraft):
		return nil
	case actor.CommitteeID != 0:
		rules, err := readProposalRules(ctx, db.read, actor.CommitteeID)
		if err != nil {
			return err
		}
		if slices.Contains(rules.ReportRoles, actor.Role) {
			return nil
		}
	}
	return app.Errorf(app.EFORBIDDEN, "当前账号不能报送社情民意信息")
}

// resolveReportAuthors checks the named authors: members of the committee
// (by id, name or 姓名#编号), each once, or non-members by name. Without a
// forced first author at least one is needed.
func (tx *Tx) resolveReportAuthors(ctx context.Context, committeeID int64, in []ReportAuthorInput, forced bool) ([]ReportAuthor, error) {
	var errs app.FieldErrors
	var out []ReportAuthor
	members := map[int64]bool{}
	names := map[string]bool{}
	for _, a := range in {
		a.Member, a.Name = strings.TrimSpace(a.Member), strings.TrimSpace(a.Name)
		switch {
		case a.MemberID != 0 || a.Member != "":
			id, name, _, err := tx.resolveMember(ctx, committeeID, a.MemberID, a.Member, "authors")
			if err != nil {
				return nil, err
			}
			if members[id] {
				if forced && len(out) > 0 && out[0].MemberID == id {
					continue // the member's own account named itself again
				}
				errs.Add("authors", "作者“"+name+"”重复")
				return nil, errs.Err()
			}
			members[id] = true
			out = append(out, ReportAuthor{MemberID: id, Name: name})
		case a.Name != "":
			if utf8.RuneCountInString(a.Name) > 50 {
				errs.Add("authors", "作者姓名不能超过50个字")
				return nil, errs.Err()
			}
			if names[a.Name] {
				errs.Add("authors", "作者“"+a.Name+"”重复")
				return nil, errs.Err()
			}
			names[a.Name] = true
			out = append(out, ReportAuthor{Name: a.Name})
		default:
			errs.Add("authors", "作者须填写委员姓名或其他作者姓名")
			return nil, errs.Err()
		}
	}
	if len(out) == 0 {
		errs.Add("authors", "请填写至少一名作者")
		return nil, errs.Err()
	}
	if len(out) > 50 {
		errs.Add("authors", "作者不能超过50人")
		return nil, errs.Err()
	}
	return out, nil
}

// addReportAuthors appends authors to a report after its last one.
func (tx *Tx) addReportAuthors(ctx context.Context, reportID int64, after int, authors []ReportAuthor) error {
	return app.Internal(tx.insertRows(ctx, `INSERT INTO report_author (report_id, seq, member_id, name, merged_from) VALUES `,
		len(authors), func(i int) []any {
			a := authors[i]
			return []any{reportID, after + i + 1, nullInt(a.MemberID), a.Name, nullInt(a.MergedFrom)}
		}), "add report authors")
}

// UpdateReport changes a report's text (the office's editing, 编辑); the
// report is then being edited. The audit row keeps the text before and
// after.
func (db *DB) UpdateReport(ctx context.Context, actor app.Actor, id int64, in proposal.ReportText) (Report, error) {
	if err := refuseReportHandling(actor); err != nil {
		return Report{}, err
	}
	if in.Year == 0 {
		in.Year = db.Today().Y
	}
	in.Normalize()
	err := db.InTx(ctx, func(tx *Tx) error {
		r, err := tx.lockReport(ctx, actor, id) // the report first: outside the subtree it is 404, whatever the text
		if err != nil {
			return err
		}
		if errs := in.Validate(); len(errs) > 0 {
			return errs.Err()
		}
		to, err := proposal.ReportNext(r.State, proposal.ReportEdit)
		if err != nil {
			return err
		}
		before := proposal.ReportText{Year: r.Year, Title: r.Title, Body: r.Body, Category: r.Category}
		if before == in {
			return nil // nothing changed
		}
		if _, err := tx.ExecContext(ctx, `UPDATE report SET year = $2, title = $3, body = $4, category = $5 WHERE id = $1`,
			id, in.Year, in.Title, in.Body, in.Category); err != nil {
			return app.Internal(err, "update report")
		}
		if err := tx.moveReport(ctx, actor, r, to, proposal.ReportEdit, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "report_update", Entity: "report", EntityID: id,
			Committee: r.CommitteeID, OrgPath: r.path, Before: before, After: in,
			Summary: fmt.Sprintf("编辑社情民意信息“%s”", in.Title)})
	})
	if err != nil {
		return Report{}, err
	}
	return db.FindReportByID(ctx, actor, id)
}

// MergeReports merges the reports mergeIDs into keepID (并入): each merged
// one becomes final, linked to the kept one, and its authors become
// authors of the kept one, marked as merged in (a member already an author
// is not repeated). All the reports belong to one committee and are still
// with the office.
func (db *DB) MergeReports(ctx context.Context, actor app.Actor, keepID int64, mergeIDs []int64, note string) (Report, error) {
	if err := refuseReportHandling(actor); err != nil {
		return Report{}, err
	}
	var errs app.FieldErrors
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		errs.Add("note", "说明不能超过500个字")
	}
	var ids []int64
	for _, id := range mergeIDs {
		if id != keepID && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		errs.Add("merge_ids", "请选择要并入本条的其他信息")
	}
	if len(errs) > 0 {
		return Report{}, errs.Err()
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		keep, err := tx.lockReport(ctx, actor, keepID)
		if err != nil {
			return err
		}
		to, err := proposal.ReportNext(keep.State, proposal.ReportAbsorb)
		if err != nil {
			return err
		}
		var others []Report
		for _, id := range ids {
			o, err := tx.lockReport(ctx, actor, id)
			switch {
			case app.ErrorCode(err) == app.ENOTFOUND:
				errs.Add("merge_ids", fmt.Sprintf("编号%d的信息不存在或不在本账号管辖范围内", id))
				continue
			case err != nil:
				return err
			case o.CommitteeID != keep.CommitteeID:
				errs.Add("merge_ids", fmt.Sprintf("“%s”不是同一政协的信息，不能合并", o.Title))
				continue
			}
			if _, err := proposal.ReportNext(o.State, proposal.ReportMergeIn); err != nil {
				errs.Add("merge_ids", fmt.Sprintf("“%s”%s，不能再合并", o.Title, o.StateLabel))
				continue
			}
			others = append(others, o)
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		authors, err := tx.reportAuthors(ctx, keepID)
		if err != nil {
			return err
		}
		has := func(a ReportAuthor) bool {
			for _, b := range authors {
				if a.MemberID != 0 && a.MemberID == b.MemberID || a.MemberID == 0 && b.MemberID == 0 && a.Name == b.Name {
					return true
				}
			}
			return false
		}
		var titles []string
		for _, o := range others {
			theirs, err := tx.reportAuthors(ctx, o.ID)
			if err != nil {
				return err
			}
			var added []ReportAuthor
			for _, a := range theirs {
				if has(a) {
					continue
				}
				a.MergedFrom = o.ID
				added = append(added, a)
				authors = append(authors, a)
			}
			if err := tx.addReportAuthors(ctx, keepID, len(authors)-len(added), added); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE report SET merged_into = $2 WHERE id = $1`, o.ID, keepID); err != nil {
				return app.Internal(err, "merge report")
			}
			stepNote := fmt.Sprintf("并入“%s”", keep.Title)
			if note != "" {
				stepNote += "：" + note
			}
			if err := tx.moveReport(ctx, actor, o, proposal.ReportMerged, proposal.ReportMergeIn, stepNote); err != nil {
				return err
			}
			if err := tx.Audit(ctx, actor, Change{Action: "report_merge", Entity: "report", EntityID: o.ID,
				Committee: o.CommitteeID, OrgPath: o.path, Before: struct{ State string }{o.State},
				After:   struct{ MergedInto int64 }{keepID},
				Summary: fmt.Sprintf("社情民意信息“%s”并入“%s”", o.Title, keep.Title)}); err != nil {
				return err
			}
			titles = append(titles, "“"+o.Title+"”")
		}
		stepNote := "合并了" + strings.Join(titles, "、")
		if note != "" {
			stepNote += "：" + note
		}
		if err := tx.moveReport(ctx, actor, keep, to, proposal.ReportAbsorb, stepNote); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "report_merge", Entity: "report", EntityID: keepID,
			Committee: keep.CommitteeID, OrgPath: keep.path, After: struct {
				Merged  []int64
				Authors []ReportAuthor
			}{ids, authors},
			Summary: fmt.Sprintf("社情民意信息“%s”%s", keep.Title, stepNote)})
	})
	if err != nil {
		return Report{}, err
	}
	return db.FindReportByID(ctx, actor, keepID)
}

func (tx *Tx) reportAuthors(ctx context.Context, id int64) ([]ReportAuthor, error) {
	rows, err := tx.QueryContext(ctx, `SELECT COALESCE(member_id, 0), name, COALESCE(merged_from, 0) FROM report_author
		WHERE report_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, app.Internal(err, "report authors")
	}
	defer rows.Close()
	var out []ReportAuthor
	for rows.Next() {
		var a ReportAuthor
		if err := rows.Scan(&a.MemberID, &a.Name, &a.MergedFrom); err != nil {
			return nil, app.Internal(err, "report authors")
		}
		out = append(out, a)
	}
	return out, app.Internal(rows.Err(), "report authors")
}

// ForwardReport records that the office sent a report on to a higher body
// (报送上级). An adopted report may be sent on again, higher up.
func (db *DB) ForwardReport(ctx context.Context, actor app.Actor, id int64, in ForwardInput) (Report, error) {
	if err := refuseReportHandling(actor); err != nil {
		return Report{}, err
	}
	in.To, in.Note = strings.TrimSpace(in.To), strings.TrimSpace(in.Note)
	today := db.Today()
	if in.On.IsZero() {
		in.On = today
	}
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.To); {
	case n == 0:
		errs.Add("to", "请填写报送的上级单位，如“市政协办公室”")
	case n > 100:
		errs.Add("to", "报送单位不能超过100个字")
	}
	if in.On.After(today) {
		errs.Add("on", "报送日期不能晚于今天")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		errs.Add("note", "说明不能超过500个字")
	}
	if len(errs) > 0 {
		return Report{}, errs.Err()
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		r, err := tx.lockReport(ctx, actor, id)
		if err != nil {
			return err
		}
		to, err := proposal.ReportNext(r.State, proposal.ReportForward)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE report SET forwarded_to = $2, forwarded_on = $3 WHERE id = $1`,
			id, in.To, in.On.String()); err != nil {
			return app.Internal(err, "forward report")
		}
		note := fmt.Sprintf("%s报送%s", in.On.Chinese(), in.To)
		if in.Note != "" {
			note += "：" + in.Note
		}
		if err := tx.moveReport(ctx, actor, r, to, proposal.ReportForward, note); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "report_forward", Entity: "report", EntityID: id,
			Committee: r.CommitteeID, OrgPath: r.path, After: in,
			Before:  struct{ State, ForwardedTo string }{r.State, r.ForwardedTo},
			Summary: fmt.Sprintf("社情民意信息“%s”%s", r.Title, note)})
	})
	if err != nil {
		return Report{}, err
	}
	return db.FindReportByID(ctx, actor, id)
}

// AdoptReport records the adoption of a report at a level (one adoption
// per level) with any leader's instruction, and gives each member author
// its duty event: kind report_<level>, source the adoption, a share of
// proposal.Share(other authors, merged). Errors: EFORBIDDEN for accounts
// other than the office, field errors for the adoption (a second one at
// a level included), ECONFLICT for a merged or declined report.
func (db *DB) AdoptReport(ctx context.Context, actor app.Actor, id int64, in proposal.Adoption) (ReportAdoption, error) {
	if !canHandleReports(actor) {
		return ReportAdoption{}, app.Errorf(app.EFORBIDDEN, "只有政协机关工作人员可以登记信息采用情况")
	}
	in.Normalize()
	if errs := in.Validate(db.Today()); len(errs) > 0 {
		return ReportAdoption{}, errs.Err()
	}
	a := ReportAdoption{ReportID: id, Level: in.Level, LevelLabel: in.Level.Label(), AdoptedOn: in.AdoptedOn,
		AdoptedBy: in.AdoptedBy, Instruction: in.Instruction, Leader: in.Leader, InstructionOn: in.InstructionOn}
	err := db.InTx(ctx, func(tx *Tx) error {
		r, err := tx.lockReport(ctx, actor, id)
		if err != nil {
			return err
		}
		to, err := proposal.ReportNext(r.State, proposal.ReportAdopt)
		if err != nil {
			return err
		}
		var prior ReportAdoption
		err = tx.QueryRowContext(ctx, `SELECT adopted_on, adopted_by FROM report_adoption WHERE report_id = $1 AND level = $2`,
			id, string(in.Level)).Scan(&prior.AdoptedOn, &prior.AdoptedBy)
		if err == nil {
			return adoptedAlready(in.Level, prior)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return app.Internal(err, "adopt report")
		}
		a.CreatedAt = tx.Now
		if err := tx.QueryRowContext(ctx, `INSERT INTO report_adoption (report_id, committee_id, level, adopted_on,
			adopted_by, instruction, leader, instruction_on, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, id, r.CommitteeID, string(in.Level),
			in.AdoptedOn.String(), in.AdoptedBy, in.Instruction, in.Leader, in.InstructionOn.String(), actor.AccountID,
			tx.Now).Scan(&a.ID); err != nil {
			if isUniqueViolation(err) {
				return adoptedAlready(in.Level, ReportAdoption{AdoptedOn: in.AdoptedOn})
			}
			return app.Internal(err, "adopt report")
		}
		note := in.Level.Label() + "：" + in.AdoptedBy
		if in.Instruction != "" {
			note += "；" + in.Leader + "批示"
		}
		if err := tx.moveReport(ctx, actor, r, to, proposal.ReportAdopt, note); err != nil {
			return err
		}
		if err := tx.recordAdoptionDuty(ctx, r, a); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "report_adopt", Entity: "report", EntityID: id,
			Committee: r.CommitteeID, OrgPath: r.path, After: a,
			Summary: fmt.Sprintf("社情民意信息“%s”%s", r.Title, note)})
	})
	if err != nil {
		return ReportAdoption{}, err
	}
	return a, nil
}

func adoptedAlready(l proposal.Level, prior ReportAdoption) error {
	var errs app.FieldErrors
	msg := "本条信息已登记过" + l.Label()
	if !prior.AdoptedOn.IsZero() {
		msg = fmt.Sprintf("本条信息已于%s%s", prior.AdoptedOn.Chinese(), l.Label())
		if prior.AdoptedBy != "" {
			msg += "（" + prior.AdoptedBy + "）"
		}
	}
	errs.Add("level", msg+"，同一级别只登记一次")
	return errs.Err()
}

// recordAdoptionDuty writes one duty event per member author of an
// adopted report.
func (tx *Tx) recordAdoptionDuty(ctx context.Context, r Report, a ReportAdoption) error {
	authors, err := tx.reportAuthors(ctx, r.ID)
	if err != nil {
		return err
	}
	var absorbed int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM report WHERE merged_into = $1`, r.ID).Scan(&absorbed); err != nil {
		return app.Internal(err, "adoption duty")
	}
	share := proposal.Share(len(authors)-1, absorbed > 0 || r.MergedInto != 0)
	var events []DutyEvent
	for _, au := range authors {
		if au.MemberID != 0 {
			events = append(events, DutyEvent{CommitteeID: r.CommitteeID, MemberID: au.MemberID,
				Kind: DutyReportKind(a.Level), OccurredOn: a.AdoptedOn, Source: SourceReportAdoption, SourceID: a.ID,
				Share: share})
		}
	}
	if len(events) == 0 {
		return nil
	}
	return tx.RecordDuty(ctx, events...)
}

// DeclineReport records that a report is not adopted (未采用), with the
// reason; it is then final.
func (db *DB) DeclineReport(ctx context.Context, actor app.Actor, id int64, reason string) (Report, error) {
	if err := refuseReportHandling(actor); err != nil {
		return Report{}, err
	}
	reason = strings.TrimSpace(reason)
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		errs.Add("reason", "请填写未采用的原因")
	case n > 500:
		errs.Add("reason", "原因不能超过500个字")
	}
	if len(errs) > 0 {
		return Report{}, errs.Err()
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		r, err := tx.lockReport(ctx, actor, id)
		if err != nil {
			return err
		}
		to, err := proposal.ReportNext(r.State, proposal.ReportDecline)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE report SET decline_reason = $2 WHERE id = $1`, id, reason); err != nil {
			return app.Internal(err, "decline report")
		}
		if err := tx.moveReport(ctx, actor, r, to, proposal.ReportDecline, reason); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "report_decline", Entity: "report", EntityID: id,
			Committee: r.CommitteeID, OrgPath: r.path, Before: struct{ State string }{r.State},
			After: struct{ Reason string }{reason}, Summary: fmt.Sprintf("社情民意信息“%s”未采用：%s", r.Title, reason)})
	})
	if err != nil {
		return Report{}, err
	}
	return db.FindReportByID(ctx, actor, id)
}
