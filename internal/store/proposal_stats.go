package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/proposal"
)

// The proposal statistics (提案统计) of one committee's term, for one
// plenary session or all of them: proposals submitted and how they were
// reviewed, by session, category and sector; the handling units' work
// (signed for, replied, overdue, reply grades, the proposers' ratings);
// satisfaction rates; key, excellent and closed proposals. Every figure is
// counted from the records by the queries below.
//
// What counts:
//   - submitted (提交): numbered proposals — drafts and proposals still
//     gathering co-signers have no number and do not count;
//   - filed (立案): submitted proposals that were filed and stand on their
//     own (the ones merged into another count as merged, not here);
//   - not filed (不予立案), of which converted to letters or to
//     social-conditions reports; merged (并案) into another proposal;
//   - pending review (待审查): the rest of the submitted — so submitted =
//     filed + not filed + merged + pending;
//   - a unit's figures count its active assignments (not those handed back
//     with the office's consent) of proposals not merged or rejected;
//     grades count lead units' replies standing (not sent back), ratings
//     every unit's rated handling;
//   - overdue now: an assignment past its sign-by day still unsigned, or
//     past its reply deadline while handled or sent back for rework, of a
//     proposal not yet closed (as the units' lists mark them).

// ProposalCounts are the review figures of one session (Session 0: the total).
type ProposalCounts struct {
	Session   int `json:"session"`
	Submitted int `json:"submitted"` // 提交（已编号）
	Filed     int `json:"filed"`     // 立案
	NotFiled  int `json:"not_filed"` // 不予立案
	ToLetter  int `json:"to_letter"` // of which 转为来信
	ToReport  int `json:"to_report"` // of which 转为社情民意
	Merged    int `json:"merged"`    // 并案（并入其他提案）
	Pending   int `json:"pending"`   // 待审查
	Closed    int `json:"closed"`    // 已办结
	Key       int `json:"key"`       // 重点提案
	Excellent int `json:"excellent"` // 优秀提案
}

func (c *ProposalCounts) add(o ProposalCounts) {
	c.Submitted += o.Submitted
	c.Filed += o.Filed
	c.NotFiled += o.NotFiled
	c.ToLetter += o.ToLetter
	c.ToReport += o.ToReport
	c.Merged += o.Merged
	c.Pending += o.Pending
	c.Closed += o.Closed
	c.Key += o.Key
	c.Excellent += o.Excellent
}

// ProposalGroupCount is a category's or a sector's proposals.
type ProposalGroupCount struct {
	Name      string `json:"name"`
	SectorID  int64  `json:"sector_id,omitempty"` // by sector: the sector's row
	Submitted int    `json:"submitted"`
	Filed     int    `json:"filed"`
}

// ProposalUnitCount is a handling unit's work on the selected proposals.
type ProposalUnitCount struct {
	UnitID       int64  `json:"unit_id"`
	Name         string `json:"name"`
	Lead         int    `json:"lead"`         // 主办
	Supporting   int    `json:"supporting"`   // 会办
	Signed       int    `json:"signed"`       // 已签收
	Replied      int    `json:"replied"`      // 已答复（答复未被退回）
	Overdue      int    `json:"overdue"`      // 当前超期（签收或答复）
	GradeA       int    `json:"grade_a"`      // 主办答复 A 类
	GradeB       int    `json:"grade_b"`      // B 类
	GradeC       int    `json:"grade_c"`      // C 类
	Satisfied    int    `json:"satisfied"`    // 满意
	Basically    int    `json:"basically"`    // 基本满意
	Dissatisfied int    `json:"dissatisfied"` // 不满意
}

// ProposalGrades are the lead units' reply grades.
type ProposalGrades struct {
	A int `json:"a"`
	B int `json:"b"`
	C int `json:"c"`
}

// ProposalRatings are the proposers' ratings of the units' handling.
type ProposalRatings struct {
	Satisfied    int `json:"satisfied"`
	Basically    int `json:"basically"`
	Dissatisfied int `json:"dissatisfied"`
	Rated        int `json:"rated"` // the three together
}

// ProposalRate is a rate with the counts it comes from.
type ProposalRate struct {
	Count int    `json:"count"`
	Of    int    `json:"of"`
	Text  string `json:"text"` // proposal.Rate: "85.7%", "—" when Of is 0
}

func proposalRate(n, d int) ProposalRate {
	return ProposalRate{Count: n, Of: d, Text: proposal.Rate(n, d)}
}

// ProposalOverdueUnit is a unit with assignments overdue now.
type ProposalOverdueUnit struct {
	UnitID  int64  `json:"unit_id"`
	Name    string `json:"name"`
	Overdue int    `json:"overdue"`
	Oldest  string `json:"oldest"` // the earliest missed day (to sign by or to reply by)
}

// ProposalStats are a committee's proposal figures for a term and session.
type ProposalStats struct {
	CommitteeID   int64  `json:"committee_id"`
	CommitteeName string `json:"committee_name"`
	TermID        int64  `json:"term_id"` // 0: the committee has no term yet
	TermNumber    int    `json:"term_number"`
	Session       int    `json:"session"`  // 0: every session of the term
	Sessions      []int  `json:"sessions"` // sessions of the term with submitted proposals
	AsOf          string `json:"as_of"`    // the day "overdue now" is counted on

	BySession    []ProposalCounts      `json:"by_session"`
	Total        ProposalCounts        `json:"total"`
	ByCategory   []ProposalGroupCount  `json:"by_category"`
	BySector     []ProposalGroupCount  `json:"by_sector"`
	ByUnit       []ProposalUnitCount   `json:"by_unit"`
	Grades       ProposalGrades        `json:"grades"`
	Ratings      ProposalRatings       `json:"ratings"`
	Satisfied    ProposalRate          `json:"satisfied_rate"`  // 满意率 = 满意 / 已评价
	Favourable   ProposalRate          `json:"favourable_rate"` // 满意和基本满意率 = (满意 + 基本满意) / 已评价
	OverdueUnits []ProposalOverdueUnit `json:"overdue_units"`
}

// Labels of the sector table's rows that are not sectors.
const (
	StatsNoSector    = "未分界别" // members' proposals whose lead has no sector in the term
	StatsUncategory  = "未分类"
	statsFiledClause = `fs.proposal_id IS NOT NULL AND p.state NOT IN ('` + proposal.Merged + `', '` + proposal.NotFiled + `')`
)

// FindProposalStats counts the proposals of a committee's term (the
// actor's committee when committeeID is 0, the newest term when termID is
// 0; a term names its committee) for one session or, with session 0, all
// of them. A committee outside the actor's subtree is not found.
func (db *DB) FindProposalStats(ctx context.Context, actor app.Actor, committeeID, termID int64, session int) (ProposalStats, error) {
	st := ProposalStats{Session: session, AsOf: db.Today().String(), Satisfied: proposalRate(0, 0), Favourable: proposalRate(0, 0)}
	if !auth.Role(actor.Role).Can(auth.ProposalRead) {
		return st, app.Errorf(app.EFORBIDDEN, "当前账号不能查看提案统计")
	}
	var errs app.FieldErrors
	if session < 0 || session > 10 {
		errs.Add("session", "请选择第几次会议（1至10），或全部会议")
		return st, errs.Err()
	}
	if termID != 0 {
		t, err := findTerm(ctx, db.read, actor, termID)
		if err != nil {
			return st, err
		}
		if committeeID != 0 && committeeID != t.CommitteeID {
			errs.Add("term_id", "所选届次不属于所选政协")
			return st, errs.Err()
		}
		committeeID, st.TermID, st.TermNumber = t.CommitteeID, t.ID, t.Number
	}
	if committeeID == 0 {
		committeeID = actor.CommitteeID
	}
	if committeeID == 0 {
		errs.Add("committee_id", "请选择政协")
		return st, errs.Err()
	}
	c, err := findCommittee(ctx, db.read, actor, committeeID)
	if err != nil {
		return st, err
	}
	st.CommitteeID, st.CommitteeName = c.ID, c.Name
	if st.TermID == 0 {
		terms, err := findTerms(ctx, db.read, c.ID)
		if err != nil {
			return st, err
		}
		if len(terms) == 0 {
			return st, nil
		}
		st.TermID, st.TermNumber = terms[0].ID, terms[0].Number
	}
	q := proposalStatsQuery{db: db, args: []any{st.CommitteeID, st.TermID, session}}
	steps := []func(context.Context, *ProposalStats) error{q.sessions, q.bySession, q.byCategory, q.bySector, q.byUnit, q.overdueUnits}
	for _, step := range steps {
		if err := step(ctx, &st); err != nil {
			return st, err
		}
	}
	for _, u := range st.ByUnit {
		st.Grades.A += u.GradeA
		st.Grades.B += u.GradeB
		st.Grades.C += u.GradeC
		st.Ratings.Satisfied += u.Satisfied
		st.Ratings.Basically += u.Basically
		st.Ratings.Dissatisfied += u.Dissatisfied
	}
	r := &st.Ratings
	r.Rated = r.Satisfied + r.Basically + r.Dissatisfied
	st.Satisfied = proposalRate(r.Satisfied, r.Rated)
	st.Favourable = proposalRate(r.Satisfied+r.Basically, r.Rated)
	return st, nil
}

// proposalStatsQuery runs the statistics' queries on one selection: $1
// the committee, $2 the term, $3 the session (0: all).
type proposalStatsQuery struct {
	db   *DB
	args []any
}

// proposalStatsFrom is the selection: numbered proposals of the term and
// session, each with fs.proposal_id set when it was ever filed.
const proposalStatsFrom = ` FROM proposal p
	LEFT JOIN (SELECT DISTINCT s.proposal_id FROM proposal_step s JOIN proposal sp ON sp.id = s.proposal_id
		WHERE s.to_state = '` + proposal.Filed + `' AND sp.committee_id = $1 AND sp.term_id = $2) fs ON fs.proposal_id = p.id`

const proposalStatsWhere = ` p.committee_id = $1 AND p.term_id = $2 AND ($3 = 0 OR p.session = $3) AND p.seq > 0`

func (q proposalStatsQuery) query(ctx context.Context, what, sql string, args []any, scan func(scanner) error) error {
	rows, err := q.db.read.QueryContext(ctx, sql, args...)
	if err != nil {
		return app.Internal(err, what)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return app.Internal(err, what)
		}
	}
	return app.Internal(rows.Err(), what)
}

func (q proposalStatsQuery) sessions(ctx context.Context, st *ProposalStats) error {
	return q.query(ctx, "proposal sessions", `SELECT DISTINCT p.session FROM proposal p
		WHERE p.committee_id = $1 AND p.term_id = $2 AND p.seq > 0 ORDER BY p.session`, q.args[:2], func(s scanner) error {
		var n int
		err := s.Scan(&n)
		st.Sessions = append(st.Sessions, n)
		return err
	})
}

func (q proposalStatsQuery) bySession(ctx context.Context, st *ProposalStats) error {
	count := func(cond string) string { return `SUM(CASE WHEN ` + cond + ` THEN 1 ELSE 0 END)` }
	notFiled := `p.state = '` + proposal.NotFiled + `'`
	err := q.query(ctx, "proposals by session", `SELECT p.session, COUNT(*), `+count(statsFiledClause)+`, `+count(notFiled)+`,
		`+count(notFiled+` AND p.conversion = '`+proposal.ToLetter+`'`)+`,
		`+count(notFiled+` AND p.conversion = '`+proposal.ToReport+`'`)+`,
		`+count(`p.state = '`+proposal.Merged+`'`)+`, `+count(`p.state = '`+proposal.Closed+`'`)+`,
		`+count(`p.key_year > 0`)+`, `+count(`p.excellent_year > 0`)+proposalStatsFrom+`
		WHERE`+proposalStatsWhere+` GROUP BY p.session ORDER BY p.session`, q.args, func(s scanner) error {
		var c ProposalCounts
		if err := s.Scan(&c.Session, &c.Submitted, &c.Filed, &c.NotFiled, &c.ToLetter, &c.ToReport, &c.Merged, &c.Closed,
			&c.Key, &c.Excellent); err != nil {
			return err
		}
		c.Pending = c.Submitted - c.Filed - c.NotFiled - c.Merged
		st.BySession = append(st.BySession, c)
		st.Total.add(c)
		return nil
	})
	return err
}

// byCategory lists every category of proposal.Categories (empty ones too),
// then any other category found, then the uncategorised.
func (q proposalStatsQuery) byCategory(ctx context.Context, st *ProposalStats) error {
	for _, name := range proposal.Categories {
		st.ByCategory = append(st.ByCategory, ProposalGroupCount{Name: name})
	}
	var none *ProposalGroupCount
	err := q.query(ctx, "proposals by category", `SELECT p.category, COUNT(*), SUM(CASE WHEN `+statsFiledClause+` THEN 1 ELSE 0 END)`+
		proposalStatsFrom+` WHERE`+proposalStatsWhere+` GROUP BY p.category ORDER BY p.category`, q.args, func(s scanner) error {
		var g ProposalGroupCount
		if err := s.Scan(&g.Name, &g.Submitted, &g.Filed); err != nil {
			return err
		}
		if g.Name == "" {
			g.Name = StatsUncategory
			none = &g
			return nil
		}
		if i := slices.IndexFunc(st.ByCategory, func(x ProposalGroupCount) bool { return x.Name == g.Name }); i >= 0 {
			st.ByCategory[i] = g
		} else {
			st.ByCategory = append(st.ByCategory, g)
		}
		return nil
	})
	if none != nil {
		st.ByCategory = append(st.ByCategory, *none)
	}
	return err
}

// bySector counts a member's proposal under its lead member's sector in
// the term and a sector's own proposal under that sector; every sector of
// the committee has its row. Other groups' proposals follow under
// 专门委员会, 党派团体 and 其他集体, then members' proposals without a
// sector under 未分界别, each only when there are some.
func (q proposalStatsQuery) bySector(ctx context.Context, st *ProposalStats) error {
	at := map[int64]int{}
	if err := q.query(ctx, "sectors", `SELECT id, name FROM sector WHERE committee_id = $1 ORDER BY sort, id`, q.args[:1],
		func(s scanner) error {
			var g ProposalGroupCount
			err := s.Scan(&g.SectorID, &g.Name)
			at[g.SectorID] = len(st.BySector)
			st.BySector = append(st.BySector, g)
			return err
		}); err != nil {
		return err
	}
	others := map[string]*ProposalGroupCount{}
	for _, k := range []string{proposal.GroupSpecial, proposal.GroupParty, proposal.GroupOther, ""} {
		name := StatsNoSector
		if k != "" {
			name = proposal.GroupKindLabel(k)
		}
		others[k] = &ProposalGroupCount{Name: name}
	}
	err := q.query(ctx, "proposals by sector", `SELECT p.author_kind, p.group_kind, COALESCE(p.sector_id, tm.sector_id, 0),
		COUNT(*), SUM(CASE WHEN `+statsFiledClause+` THEN 1 ELSE 0 END)`+proposalStatsFrom+`
		LEFT JOIN term_member tm ON tm.term_id = p.term_id AND tm.member_id = p.member_id
		WHERE`+proposalStatsWhere+` GROUP BY p.author_kind, p.group_kind, COALESCE(p.sector_id, tm.sector_id, 0)`, q.args,
		func(s scanner) error {
			var kind, group string
			var sector int64
			var n, filed int
			if err := s.Scan(&kind, &group, &sector, &n, &filed); err != nil {
				return err
			}
			g := others[""]
			if i, ok := at[sector]; ok && (kind == proposal.ByMember || group == proposal.GroupSector) {
				g = &st.BySector[i]
			} else if o, ok := others[group]; ok && kind == proposal.ByGroup {
				g = o
			}
			g.Submitted += n
			g.Filed += filed
			return nil
		})
	for _, k := range []string{proposal.GroupSpecial, proposal.GroupParty, proposal.GroupOther, ""} {
		if g := others[k]; g.Submitted > 0 {
			st.BySector = append(st.BySector, *g)
		}
	}
	return err
}

// proposalOverdue is the condition of an assignment overdue now: $4 is
// today, $5 the first moment from which an assignment made before it is
// past its sign-by day.
const proposalOverdue = `p.state <> '` + proposal.Closed + `' AND ((a.status = '` + PAAssigned + `' AND a.assigned_at < $5)
	OR (a.status IN ('` + PASigned + `', '` + PAReturned + `') AND a.deadline < $4))`

// proposalUnitsFrom joins the selection's active assignments.
const proposalUnitsFrom = ` FROM proposal_assignment a JOIN proposal p ON p.id = a.proposal_id
	WHERE a.withdrawn = FALSE AND p.state NOT IN ('` + proposal.Merged + `', '` + proposal.NotFiled + `') AND` + proposalStatsWhere

// overdueArgs adds today and the sign-by cut-off to the selection's arguments.
func (q proposalStatsQuery) overdueArgs(ctx context.Context, committeeID int64) ([]any, proposal.Rules, error) {
	rules, err := readProposalRules(ctx, q.db.read, committeeID)
	if err != nil {
		return nil, rules, err
	}
	today := q.db.Today()
	// Overdue to sign when the assignment's day + SignDays < today, that
	// is when it was made before the start of today - SignDays.
	cutoff := today.Time(q.db.Loc).AddDate(0, 0, -rules.SignDays).UTC()
	return append(slices.Clone(q.args), today.String(), cutoff), rules, nil
}

func (q proposalStatsQuery) byUnit(ctx context.Context, st *ProposalStats) error {
	args, _, err := q.overdueArgs(ctx, st.CommitteeID)
	if err != nil {
		return err
	}
	count := func(cond string) string { return `SUM(CASE WHEN ` + cond + ` THEN 1 ELSE 0 END)` }
	grade := func(g proposal.Grade) string {
		return count(`a.lead = TRUE AND a.status IN ('` + PAReplied + `', '` + PARated + `') AND a.grade = '` + string(g) + `'`)
	}
	rating := func(s proposal.Satisfaction) string {
		return count(`a.status = '` + PARated + `' AND a.satisfaction = '` + string(s) + `'`)
	}
	return q.query(ctx, "proposals by unit", fmt.Sprintf(`SELECT u.id, u.name, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s
		FROM handling_unit u JOIN (SELECT a.* %s) a ON a.unit_id = u.id
		GROUP BY u.id, u.name, u.sort ORDER BY u.sort, u.id`,
		count(`a.lead = TRUE`), count(`a.lead = FALSE`),
		count(`a.status IN ('`+PASigned+`', '`+PAReplied+`', '`+PAReturned+`', '`+PARated+`')`),
		count(`a.status IN ('`+PAReplied+`', '`+PARated+`')`),
		count(`a.overdue = 1`),
		grade(proposal.GradeA), grade(proposal.GradeB), grade(proposal.GradeC),
		rating(proposal.Satisfied), rating(proposal.FairlySatisfied), rating(proposal.Dissatisfied),
		`, CASE WHEN `+proposalOverdue+` THEN 1 ELSE 0 END AS overdue`+proposalUnitsFrom), args, func(s scanner) error {
		var u ProposalUnitCount
		if err := s.Scan(&u.UnitID, &u.Name, &u.Lead, &u.Supporting, &u.Signed, &u.Replied, &u.Overdue, &u.GradeA, &u.GradeB,
			&u.GradeC, &u.Satisfied, &u.Basically, &u.Dissatisfied); err != nil {
			return err
		}
		st.ByUnit = append(st.ByUnit, u)
		return nil
	})
}

// overdueUnits lists the units with assignments overdue now, the most
// first, with the earliest day each missed.
func (q proposalStatsQuery) overdueUnits(ctx context.Context, st *ProposalStats) error {
	args, rules, err := q.overdueArgs(ctx, st.CommitteeID)
	if err != nil {
		return err
	}
	oldest := map[int64]string{}
	if err := q.query(ctx, "overdue assignments", `SELECT a.unit_id, a.status, a.assigned_at, a.deadline`+proposalUnitsFrom+
		` AND `+proposalOverdue, args, func(s scanner) error {
		var unit int64
		var status, deadline string
		var assigned time.Time
		if err := s.Scan(&unit, &status, &assigned, &deadline); err != nil {
			return err
		}
		if status == PAAssigned {
			deadline = rules.SignDeadline(app.DateOf(assigned.In(q.db.Loc))).String()
		}
		if o, ok := oldest[unit]; !ok || deadline < o {
			oldest[unit] = deadline
		}
		return nil
	}); err != nil {
		return err
	}
	for _, u := range st.ByUnit {
		if u.Overdue > 0 {
			st.OverdueUnits = append(st.OverdueUnits, ProposalOverdueUnit{UnitID: u.UnitID, Name: u.Name, Overdue: u.Overdue,
				Oldest: oldest[u.UnitID]})
		}
	}
	slices.SortStableFunc(st.OverdueUnits, func(x, y ProposalOverdueUnit) int {
		if x.Overdue != y.Overdue {
			return y.Overdue - x.Overdue
		}
		if x.Oldest != y.Oldest {
			if x.Oldest < y.Oldest {
				return -1
			}
			return 1
		}
		return 0
	})
	return nil
}
