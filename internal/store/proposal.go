package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/org"
	"xieshang/internal/proposal"
	"xieshang/internal/workflow"
)

// Proposals (提案). A proposal belongs to a committee, a term and a
// plenary session; it moves through its committee's proposal graph
// (consult_graph.go, kind "proposal") by AdvanceProposal, which checks the
// graph, the role and the transition's requirements (proposal_flow.go),
// and by the steps the handling units and the proposer take on their own
// part (co-signing, signing for, asking to return, replying, rating), which
// move the proposal on when the graph allows it and the part was the last
// one missing.
//
// Who sees what: the office, admins and leaders see the proposals of the
// committees in their subtree; members those of their committee; a draft
// only its proposer and the account that wrote it; a handling unit's
// account only the proposals assigned to its unit (co-assigned units see
// each other's part of the same proposal).

// Proposal is one proposal.
type Proposal struct {
	ID                 int64     `json:"id"`
	CommitteeID        int64     `json:"committee_id"`
	CommitteeName      string    `json:"committee_name"`
	TermID             int64     `json:"term_id"`
	TermNumber         int       `json:"term_number"`
	Session            int       `json:"session"`
	Seq                int       `json:"seq,omitempty"`
	Number             string    `json:"number,omitempty"` // 第十三届第四次会议第0123号 once submitted
	Title              string    `json:"title"`
	Reason             string    `json:"reason"`
	Suggestions        string    `json:"suggestions"`
	Category           string    `json:"category,omitempty"`
	AuthorKind         string    `json:"author_kind"`
	MemberID           int64     `json:"member_id,omitempty"`
	GroupKind          string    `json:"group_kind,omitempty"`
	SectorID           int64     `json:"sector_id,omitempty"`
	SpecialCommitteeID int64     `json:"special_committee_id,omitempty"`
	Proposer           string    `json:"proposer"` // the lead member's name or the group's
	State              string    `json:"state"`
	StateLabel         string    `json:"state_label"`
	StateSince         time.Time `json:"state_since"`
	Due                time.Time `json:"due,omitzero"` // when the current step becomes overdue
	Overdue            bool      `json:"overdue"`
	Progress           int       `json:"progress"`
	CosignDeadline     string    `json:"cosign_deadline,omitempty"`
	SubmittedOn        string    `json:"submitted_on,omitempty"`
	Conversion         string    `json:"conversion,omitempty"`
	MergedInto         int64     `json:"merged_into,omitempty"`
	KeyYear            int       `json:"key_year,omitempty"`
	KeyLeader          string    `json:"key_leader,omitempty"`
	ExcellentYear      int       `json:"excellent_year,omitempty"`
	Cosigners          int       `json:"cosigners"`
	ReplyDue           string    `json:"reply_due,omitempty"` // the earliest deadline of a lead unit yet to reply
	Units              []string  `json:"units,omitempty"`     // active assignments: lead units first
	CreatedBy          int64     `json:"created_by"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`

	path string
}

const proposalColumns = `p.id, p.committee_id, o.name, p.term_id, tm.number, p.session, p.seq, p.title, p.reason,
	p.suggestions, p.category, p.author_kind, COALESCE(p.member_id, 0), p.group_kind, COALESCE(p.sector_id, 0),
	COALESCE(p.special_committee_id, 0), COALESCE(m.name, p.group_name), p.state, p.state_since, p.cosign_deadline,
	p.submitted_on, p.conversion, COALESCE(p.merged_into, 0), p.key_year, p.key_leader, p.excellent_year,
	(SELECT COUNT(*) FROM proposal_cosigner c WHERE c.proposal_id = p.id),
	COALESCE((SELECT MIN(a.deadline) FROM proposal_assignment a WHERE a.proposal_id = p.id AND a.withdrawn = FALSE
		AND a.lead = TRUE AND a.status NOT IN ('replied', 'rated')), ''),
	p.created_by, p.created_at, p.updated_at, o.path`

const proposalFrom = ` FROM proposal p JOIN org o ON o.id = p.committee_id JOIN term tm ON tm.id = p.term_id
	LEFT JOIN member m ON m.id = p.member_id`

// proposalCountFrom is proposalFrom without the term and, unless the
// filter searches the proposer's name, the member: what counting needs.
func proposalCountFrom(f ProposalFilter) string {
	from := ` FROM proposal p JOIN org o ON o.id = p.committee_id`
	if strings.TrimSpace(f.Query) != "" {
		from += ` LEFT JOIN member m ON m.id = p.member_id`
	}
	return from
}

func scanProposal(s scanner, p *Proposal) error {
	return s.Scan(&p.ID, &p.CommitteeID, &p.CommitteeName, &p.TermID, &p.TermNumber, &p.Session, &p.Seq, &p.Title,
		&p.Reason, &p.Suggestions, &p.Category, &p.AuthorKind, &p.MemberID, &p.GroupKind, &p.SectorID,
		&p.SpecialCommitteeID, &p.Proposer, &p.State, &p.StateSince, &p.CosignDeadline, &p.SubmittedOn, &p.Conversion,
		&p.MergedInto, &p.KeyYear, &p.KeyLeader, &p.ExcellentYear, &p.Cosigners, &p.ReplyDue, &p.CreatedBy,
		&p.CreatedAt, &p.UpdatedAt, &p.path)
}

// derive fills the number, state label, progress and due date from the
// committee's graph: while units handle it, the proposal is due when the
// earliest lead unit's reply is.
func (p *Proposal) derive(g workflow.Graph, now time.Time, loc *time.Location) {
	if p.Seq > 0 {
		p.Number = proposal.Number(p.TermNumber, p.Session, p.Seq)
	}
	p.StateLabel = g.Label(p.State)
	p.Progress = g.Progress(p.State)
	p.Due = g.Due(p.State, p.StateSince)
	if p.ReplyDue != "" && (p.State == proposal.Accepted || p.State == proposal.ReplyReturned) {
		if d, err := app.ParseDate(p.ReplyDue); err == nil {
			p.Due = d.Time(loc).AddDate(0, 0, 1)
		}
	}
	p.Overdue = !p.Due.IsZero() && now.After(p.Due)
}

// IsKey and IsExcellent report the proposal's designations.
func (p Proposal) IsKey() bool       { return p.KeyYear > 0 }
func (p Proposal) IsExcellent() bool { return p.ExcellentYear > 0 }

// proposalGraphs caches committees' proposal graphs for one read.
type proposalGraphs map[int64]workflow.Graph

func (gs proposalGraphs) of(ctx context.Context, q querier, committeeID int64) (workflow.Graph, error) {
	return cachedGraph(ctx, q, gs, committeeID, GraphKindProposal)
}

// canHandleProposals reports whether the actor is the proposal office.
func canHandleProposals(actor app.Actor) bool { return auth.Role(actor.Role).Can(auth.ProposalWrite) }

// isUnitAccount reports whether the actor answers for a handling unit.
func isUnitAccount(actor app.Actor) bool {
	return auth.Role(actor.Role).Can(auth.UnitReply) && actor.UnitID != 0
}

// proposalScope is the condition (with its arguments from $n on) that keeps
// a read to the proposals the actor may see, or false when it sees none.
func proposalScope(actor app.Actor, n int) (string, []any, bool) {
	switch {
	case isUnitAccount(actor):
		return fmt.Sprintf(`EXISTS (SELECT 1 FROM proposal_assignment sa WHERE sa.proposal_id = p.id AND sa.unit_id = $%d)`, n),
			[]any{actor.UnitID}, true
	case auth.Role(actor.Role).Can(auth.ProposalRead):
		return fmt.Sprintf(`o.path LIKE $%d || '%%' AND (p.state <> '%s' OR p.created_by = $%d OR p.member_id = $%d)`,
			n, proposal.Draft, n+1, n+2), []any{actor.Path, actor.AccountID, actor.MemberID}, true
	}
	return "", nil, false
}

func findProposal(ctx context.Context, q querier, actor app.Actor, id int64, suffix string) (Proposal, error) {
	var p Proposal
	cond, args, ok := proposalScope(actor, 2)
	if !ok {
		return p, app.NotFound("提案")
	}
	err := scanProposal(q.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE p.id = $1 AND `+cond+suffix,
		append([]any{id}, args...)...), &p)
	return p, notFound(err, "提案", "find proposal")
}

// lockProposal locks a proposal the actor sees and reads its committee's
// graph, as every change needs both.
func (tx *Tx) lockProposal(ctx context.Context, actor app.Actor, id int64) (Proposal, workflow.Graph, error) {
	p, err := findProposal(ctx, tx, actor, id, tx.db.Dialect.forUpdateOf("p"))
	if err != nil {
		return p, workflow.Graph{}, err
	}
	g, _, err := readGraph(ctx, tx, p.CommitteeID, GraphKindProposal)
	if err == nil {
		p.derive(g, tx.Now, tx.db.Loc)
	}
	return p, g, err
}

// FindProposalByID returns a proposal the actor sees, with its units.
func (db *DB) FindProposalByID(ctx context.Context, actor app.Actor, id int64) (Proposal, error) {
	p, err := findProposal(ctx, db.read, actor, id, "")
	if err != nil {
		return p, err
	}
	g, _, err := readGraph(ctx, db.read, p.CommitteeID, GraphKindProposal)
	if err != nil {
		return p, err
	}
	p.derive(g, db.Now(), db.Loc)
	ps := []Proposal{p}
	if err := db.proposalUnits(ctx, ps); err != nil {
		return p, err
	}
	return ps[0], nil
}

// proposalUnits fills the names of the units each proposal is assigned to.
func (db *DB) proposalUnits(ctx context.Context, ps []Proposal) error {
	if len(ps) == 0 {
		return nil
	}
	at := make(map[int64]int, len(ps))
	ids := make([]string, len(ps))
	for i, p := range ps {
		at[p.ID] = i
		ids[i] = app.Itoa(p.ID)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.proposal_id, u.name, a.lead FROM proposal_assignment a
		JOIN handling_unit u ON u.id = a.unit_id WHERE a.withdrawn = FALSE AND a.proposal_id IN (`+strings.Join(ids, ",")+`)
		ORDER BY a.proposal_id, a.lead DESC, a.id`)
	if err != nil {
		return app.Internal(err, "proposal units")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var lead bool
		if err := rows.Scan(&id, &name, &lead); err != nil {
			return app.Internal(err, "proposal units")
		}
		if !lead {
			name += "（会办）"
		}
		ps[at[id]].Units = append(ps[at[id]].Units, name)
	}
	return app.Internal(rows.Err(), "proposal units")
}

// ProposalFilter narrows FindProposals.
type ProposalFilter struct {
	CommitteeID int64
	TermID      int64
	Session     int
	State       string
	MemberID    int64 // the member's proposals: as lead proposer or co-signer
	UnitID      int64 // assigned to this unit
	SectorID    int64 // the lead member's sector in the term, or the sector's own proposals
	Category    string
	Key         bool   // only key proposals (重点提案)
	Excellent   bool   // only excellent ones (优秀提案)
	Overdue     bool   // only those whose current step is overdue
	Query       string // words of the title, text, proposer or unit, all of them
	Limit       int    // 0: 50
	Offset      int
}

// proposalWhere is the condition and its arguments that select what f
// names among the proposals the actor sees; false when it sees none.
func proposalWhere(actor app.Actor, f ProposalFilter) ([]string, []any, bool) {
	cond, args, ok := proposalScope(actor, 1)
	if !ok {
		return nil, nil, false
	}
	where := []string{cond}
	add := func(c string, v ...any) {
		for _, x := range v {
			args = append(args, x)
			c = strings.Replace(c, "?", fmt.Sprintf("$%d", len(args)), 1)
		}
		where = append(where, c)
	}
	if f.CommitteeID != 0 {
		add(`p.committee_id = ?`, f.CommitteeID)
	}
	if f.TermID != 0 {
		add(`p.term_id = ?`, f.TermID)
	}
	if f.Session != 0 {
		add(`p.session = ?`, f.Session)
	}
	if f.State != "" {
		add(`p.state = ?`, f.State)
	}
	if f.MemberID != 0 {
		add(`(p.member_id = ? OR EXISTS (SELECT 1 FROM proposal_cosigner c WHERE c.proposal_id = p.id AND c.member_id = ?))`,
			f.MemberID, f.MemberID)
	}
	if f.UnitID != 0 {
		add(`EXISTS (SELECT 1 FROM proposal_assignment fa WHERE fa.proposal_id = p.id AND fa.unit_id = ? AND fa.withdrawn = FALSE)`, f.UnitID)
	}
	if f.SectorID != 0 {
		add(`(p.sector_id = ? OR EXISTS (SELECT 1 FROM term_member tmm WHERE tmm.term_id = p.term_id
			AND tmm.member_id = p.member_id AND tmm.sector_id = ?))`, f.SectorID, f.SectorID)
	}
	if f.Category != "" {
		add(`p.category = ?`, f.Category)
	}
	if f.Key {
		where = append(where, `p.key_year > 0`)
	}
	if f.Excellent {
		where = append(where, `p.excellent_year > 0`)
	}
	for _, w := range strings.Fields(f.Query) {
		w = likeEscape(w)
		add(`(p.title LIKE '%' || ? || '%' ESCAPE '\' OR p.reason LIKE '%' || ? || '%' ESCAPE '\'
			OR p.suggestions LIKE '%' || ? || '%' ESCAPE '\' OR COALESCE(m.name, p.group_name) LIKE '%' || ? || '%' ESCAPE '\'
			OR EXISTS (SELECT 1 FROM proposal_assignment qa JOIN handling_unit qu ON qu.id = qa.unit_id
				WHERE qa.proposal_id = p.id AND qu.name LIKE '%' || ? || '%' ESCAPE '\'))`, w, w, w, w, w)
	}
	return where, args, true
}

// FindProposals lists the proposals the actor sees, by number within the
// session (newest sessions first, drafts last), with the total matching.
func (db *DB) FindProposals(ctx context.Context, actor app.Actor, f ProposalFilter) ([]Proposal, int, error) {
	where, args, ok := proposalWhere(actor, f)
	if !ok {
		return nil, 0, nil
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	order := ` ORDER BY tm.number DESC, p.session DESC, CASE WHEN p.seq = 0 THEN 1 ELSE 0 END, p.seq, p.id DESC`
	query := `SELECT ` + proposalColumns + proposalFrom + ` WHERE ` + strings.Join(where, " AND ") + order
	qargs := args
	var page []int64
	if !f.Overdue {
		// The page's ids first, so that the per-row columns (co-signers,
		// the reply deadline) are read for the page only, not for every
		// row the sort sees.
		ids, err := queryIDs(ctx, db.read, `SELECT p.id`+proposalCountFrom(f)+` JOIN term tm ON tm.id = p.term_id WHERE `+strings.Join(where, " AND ")+order+
			fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, max(f.Offset, 0)), args...)
		if err != nil {
			return nil, 0, err
		}
		if len(ids) == 0 {
			var total int
			err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+proposalCountFrom(f)+` WHERE `+strings.Join(where, " AND "), args...).Scan(&total)
			return nil, total, app.Internal(err, "count proposals")
		}
		page = ids
		in := make([]string, len(ids))
		for i, id := range ids {
			in[i] = app.Itoa(id)
		}
		query, qargs = `SELECT `+proposalColumns+proposalFrom+` WHERE p.id IN (`+strings.Join(in, ",")+`)`, nil
	}
	rows, err := db.read.QueryContext(ctx, query, qargs...)
	if err != nil {
		return nil, 0, app.Internal(err, "find proposals")
	}
	defer rows.Close()
	var out []Proposal
	gs, now := proposalGraphs{}, db.Now()
	for rows.Next() {
		var p Proposal
		if err := scanProposal(rows, &p); err != nil {
			return nil, 0, app.Internal(err, "find proposals")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, app.Internal(err, "find proposals")
	}
	rows.Close()
	if page != nil { // back in the page's order
		at := make(map[int64]int, len(page))
		for i, id := range page {
			at[id] = i
		}
		slices.SortFunc(out, func(a, b Proposal) int { return at[a.ID] - at[b.ID] })
	}
	kept := out[:0]
	for _, p := range out {
		g, err := gs.of(ctx, db.read, p.CommitteeID)
		if err != nil {
			return nil, 0, err
		}
		p.derive(g, now, db.Loc)
		if f.Overdue && !p.Overdue {
			continue
		}
		kept = append(kept, p)
	}
	total := len(kept)
	if f.Overdue {
		kept = kept[min(max(f.Offset, 0), len(kept)):]
		kept = kept[:min(limit, len(kept))]
	} else if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+proposalCountFrom(f)+` WHERE `+strings.Join(where, " AND "),
		args...).Scan(&total); err != nil {
		return nil, 0, app.Internal(err, "count proposals")
	}
	return kept, total, db.proposalUnits(ctx, kept)
}

// ProposalStateCounts are the proposals a filter selects, whatever their state:
// how many in each state, in all, and overdue now.
type ProposalStateCounts struct {
	ByState map[string]int `json:"by_state"`
	Total   int            `json:"total"`
	Overdue int            `json:"overdue"`
}

// CountProposals counts what f selects (its State and paging aside) by
// state in one grouped query; the overdue count reads only the proposals in
// a step with a deadline.
func (db *DB) CountProposals(ctx context.Context, actor app.Actor, f ProposalFilter) (ProposalStateCounts, error) {
	c := ProposalStateCounts{ByState: map[string]int{}}
	f.State = ""
	where, args, ok := proposalWhere(actor, f)
	if !ok {
		return c, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT p.state, COUNT(*)`+proposalCountFrom(f)+` WHERE `+strings.Join(where, " AND ")+
		` GROUP BY p.state`, args...)
	if err != nil {
		return c, app.Internal(err, "count proposals")
	}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			rows.Close()
			return c, app.Internal(err, "count proposals")
		}
		c.ByState[state] = n
		c.Total += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, app.Internal(err, "count proposals")
	}
	rows, err = db.read.QueryContext(ctx, `SELECT p.committee_id, p.state, p.state_since,
		CASE WHEN p.state IN ('`+proposal.Accepted+`', '`+proposal.ReplyReturned+`') THEN
			COALESCE((SELECT MIN(a.deadline) FROM proposal_assignment a WHERE a.proposal_id = p.id AND a.withdrawn = FALSE
				AND a.lead = TRUE AND a.status NOT IN ('replied', 'rated')), '') ELSE '' END`+proposalCountFrom(f)+` WHERE `+strings.Join(where, " AND ")+
		` AND p.state NOT IN ('`+proposal.Closed+`', '`+proposal.NotFiled+`', '`+proposal.Merged+`', '`+proposal.Draft+`')`, args...)
	if err != nil {
		return c, app.Internal(err, "count overdue proposals")
	}
	// Read them all before reading any committee's graph: a read inside the
	// loop would wait for a second connection while this one is held, and
	// as many concurrent counts as the pool has connections wait forever.
	var open []Proposal
	for rows.Next() {
		var p Proposal
		if err := rows.Scan(&p.CommitteeID, &p.State, &p.StateSince, &p.ReplyDue); err != nil {
			rows.Close()
			return c, app.Internal(err, "count overdue proposals")
		}
		open = append(open, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, app.Internal(err, "count overdue proposals")
	}
	gs, now := proposalGraphs{}, db.Now()
	for _, p := range open {
		g, err := gs.of(ctx, db.read, p.CommitteeID)
		if err != nil {
			return c, err
		}
		p.derive(g, now, db.Loc)
		if p.Overdue {
			c.Overdue++
		}
	}
	return c, nil
}

// ProposalStep is one transition a proposal took.
type ProposalStep struct {
	ID        int64     `json:"id"`
	From      string    `json:"from"`
	FromLabel string    `json:"from_label"`
	To        string    `json:"to"`
	ToLabel   string    `json:"to_label"`
	Note      string    `json:"note"`
	Actor     string    `json:"actor"`
	At        time.Time `json:"at"`
}

// FindProposalSteps lists a proposal's steps, oldest first.
func (db *DB) FindProposalSteps(ctx context.Context, actor app.Actor, id int64) ([]ProposalStep, error) {
	p, err := findProposal(ctx, db.read, actor, id, "")
	if err != nil {
		return nil, err
	}
	g, _, err := readGraph(ctx, db.read, p.CommitteeID, GraphKindProposal)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, from_state, to_state, note, actor, at
		FROM proposal_step WHERE proposal_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, app.Internal(err, "proposal steps")
	}
	defer rows.Close()
	var out []ProposalStep
	for rows.Next() {
		var s ProposalStep
		if err := rows.Scan(&s.ID, &s.From, &s.To, &s.Note, &s.Actor, &s.At); err != nil {
			return nil, app.Internal(err, "proposal steps")
		}
		if s.From != "" {
			s.FromLabel = g.Label(s.From)
		}
		s.ToLabel = g.Label(s.To)
		out = append(out, s)
	}
	return out, app.Internal(rows.Err(), "proposal steps")
}

func (tx *Tx) proposalStep(ctx context.Context, actor app.Actor, id int64, from, to, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO proposal_step (proposal_id, from_state, to_state, note, account_id, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, from, to, note, actor.AccountID, actor.Name, tx.Now)
	return app.Internal(err, "proposal step")
}

// CreateProposal writes a draft in the committee graph's initial state. A
// member's account writes its own (itself the lead proposer, of its own
// committee); the office writes any, of a committee in its subtree.
func (db *DB) CreateProposal(ctx context.Context, actor app.Actor, in proposal.Input) (Proposal, error) {
	if !auth.Role(actor.Role).Can(auth.ProposalDraft) {
		return Proposal{}, app.Errorf(app.EFORBIDDEN, "当前账号不能提出提案")
	}
	if isMemberAccount(actor) {
		in.AuthorKind, in.MemberID = proposal.ByMember, actor.MemberID
	}
	in.Normalize()
	if errs := in.Validate(); len(errs) > 0 {
		return Proposal{}, errs.Err()
	}
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		committeeID, path, err := tx.proposalTerm(ctx, actor, &in)
		if err != nil {
			return err
		}
		g, _, err := readGraph(ctx, tx, committeeID, GraphKindProposal)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO proposal (committee_id, term_id, session, title, reason,
			suggestions, category, author_kind, member_id, group_kind, sector_id, special_committee_id, group_name,
			state, state_since, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15, $15) RETURNING id`,
			committeeID, in.TermID, in.Session, in.Title, in.Reason, in.Suggestions, in.Category, in.AuthorKind,
			nullInt(in.MemberID), in.GroupKind, nullInt(in.SectorID), nullInt(in.SpecialCommitteeID), in.GroupName,
			g.Initial, tx.Now, actor.AccountID).Scan(&id); err != nil {
			return app.Internal(err, "create proposal")
		}
		if err := tx.proposalStep(ctx, actor, id, "", g.Initial, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "proposal_create", Entity: "proposal", EntityID: id,
			Committee: committeeID, OrgPath: path, Summary: fmt.Sprintf("起草提案“%s”", in.Title), After: in})
	})
	if err != nil {
		return Proposal{}, err
	}
	return db.FindProposalByID(ctx, actor, id)
}

// proposalTerm checks the term, lead member and group an input names
// against the actor's scope, fills the group's printed name, and returns
// the committee and its path.
func (tx *Tx) proposalTerm(ctx context.Context, actor app.Actor, in *proposal.Input) (int64, string, error) {
	var errs app.FieldErrors
	t, err := findTerm(ctx, tx, actor, in.TermID)
	if err != nil {
		errs.Add("term_id", "所选届次不存在或不在本账号管辖范围内")
		return 0, "", errs.Err()
	}
	c, err := findCommittee(ctx, tx, actor, t.CommitteeID)
	if err != nil {
		return 0, "", err
	}
	if in.MemberID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM term_member WHERE term_id = $1 AND member_id = $2`,
			t.ID, in.MemberID).Scan(&n); err != nil {
			return 0, "", app.Internal(err, "proposal member")
		}
		if n == 0 {
			errs.Add("member_id", fmt.Sprintf("提案人不是第%s届委员", org.Numeral(t.Number)))
		}
	}
	lookup := func(field, msg, query string, id int64) error {
		if id == 0 {
			return nil
		}
		var name string
		err := tx.QueryRowContext(ctx, query, id, t.CommitteeID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			errs.Add(field, msg)
			return nil
		}
		if err != nil {
			return app.Internal(err, "proposal group")
		}
		in.GroupName = name
		return nil
	}
	if err := lookup("sector_id", "所选界别不属于本政协", `SELECT name FROM sector WHERE id = $1 AND committee_id = $2`, in.SectorID); err != nil {
		return 0, "", err
	}
	if err := lookup("special_committee_id", "所选专门委员会不属于本政协",
		`SELECT name FROM special_committee WHERE id = $1 AND committee_id = $2`, in.SpecialCommitteeID); err != nil {
		return 0, "", err
	}
	return c.ID, c.Path, errs.Err()
}

// mayEditProposal refuses an actor that is neither the office nor the
// proposal's writer or lead proposer.
func mayEditProposal(actor app.Actor, p Proposal) error {
	if canHandleProposals(actor) {
		return nil
	}
	if auth.Role(actor.Role).Can(auth.ProposalDraft) && (p.CreatedBy == actor.AccountID || (p.MemberID != 0 && p.MemberID == actor.MemberID)) {
		return nil
	}
	return app.Errorf(app.EFORBIDDEN, "只有提案人或提案委工作人员可以修改提案")
}

// UpdateProposal changes a proposal's text, category, session and authors:
// the proposer while it is a draft or gathers co-signers, the office until
// it is filed. Its number does not change.
func (db *DB) UpdateProposal(ctx context.Context, actor app.Actor, id int64, in proposal.Input) (Proposal, error) {
	in.Normalize()
	err := db.InTx(ctx, func(tx *Tx) error {
		p, g, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		if err := mayEditProposal(actor, p); err != nil {
			return err
		}
		open := p.State == g.Initial || p.State == proposal.Cosigning
		if !open && !(canHandleProposals(actor) && p.State == proposal.Submitted) {
			return app.Errorf(app.ECONFLICT, "提案%s，不能再修改", g.Label(p.State))
		}
		if isMemberAccount(actor) {
			in.AuthorKind, in.MemberID = proposal.ByMember, p.MemberID
		}
		if p.Seq > 0 && (in.TermID != p.TermID || in.Session != p.Session) {
			var errs app.FieldErrors
			errs.Add("session", "提案已编号，不能改到其他会议")
			return errs.Err()
		}
		if errs := in.Validate(); len(errs) > 0 {
			return errs.Err()
		}
		if _, _, err := tx.proposalTerm(ctx, actor, &in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE proposal SET term_id = $2, session = $3, title = $4, reason = $5,
			suggestions = $6, category = $7, author_kind = $8, member_id = $9, group_kind = $10, sector_id = $11,
			special_committee_id = $12, group_name = $13, updated_at = $14 WHERE id = $1`, id, in.TermID, in.Session,
			in.Title, in.Reason, in.Suggestions, in.Category, in.AuthorKind, nullInt(in.MemberID), in.GroupKind,
			nullInt(in.SectorID), nullInt(in.SpecialCommitteeID), in.GroupName, tx.Now); err != nil {
			return app.Internal(err, "update proposal")
		}
		return tx.Audit(ctx, actor, Change{Action: "proposal_update", Entity: "proposal", EntityID: id,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("修改提案“%s”", in.Title),
			Before: p, After: in})
	})
	if err != nil {
		return Proposal{}, err
	}
	return db.FindProposalByID(ctx, actor, id)
}

// ProposalNext lists the transitions the actor may take from the
// proposal's state under its committee's graph. A member may take the
// proposer's steps only on its own proposal.
func (db *DB) ProposalNext(ctx context.Context, actor app.Actor, p Proposal) ([]workflow.Transition, error) {
	g, _, err := readGraph(ctx, db.read, p.CommitteeID, GraphKindProposal)
	if err != nil {
		return nil, err
	}
	if isMemberAccount(actor) && p.MemberID != actor.MemberID {
		return nil, nil
	}
	return g.Next(p.State, actor.Role), nil
}
