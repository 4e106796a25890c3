package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/proposal"
)

// A proposal's work: co-signers, the units it was assigned to with their
// replies and documents, the proposals merged into it, its files; and a
// handling unit's list of what it was assigned.

// Cosigner is a member who co-signed a proposal.
type Cosigner struct {
	MemberID  int64     `json:"member_id"`
	Name      string    `json:"name"`
	Workplace string    `json:"workplace"`
	SignedAt  time.Time `json:"signed_at"`
}

// ProposalFile is a file of a proposal, without its bytes.
type ProposalFile struct {
	ID          int64     `json:"id"`
	ProposalID  int64     `json:"proposal_id"`
	ReplyID     int64     `json:"reply_id,omitempty"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// ProposalReply is one reply of a unit, with the office's verdict.
type ProposalReply struct {
	ID            int64          `json:"id"`
	Grade         proposal.Grade `json:"grade,omitempty"`
	GradeReason   string         `json:"grade_reason,omitempty"`
	Body          string         `json:"body"`
	Actor         string         `json:"actor"`
	At            time.Time      `json:"at"`
	Verdict       string         `json:"verdict,omitempty"` // returned
	VerdictReason string         `json:"verdict_reason,omitempty"`
	VerdictActor  string         `json:"verdict_actor,omitempty"`
	Files         []ProposalFile `json:"files,omitempty"`
}

// ProposalAssignment is a proposal assigned to one unit, with its replies.
type ProposalAssignment struct {
	ID           int64                 `json:"id"`
	ProposalID   int64                 `json:"proposal_id"`
	UnitID       int64                 `json:"unit_id"`
	UnitName     string                `json:"unit_name"`
	Lead         bool                  `json:"lead"`
	Deadline     string                `json:"deadline"`
	Status       string                `json:"status"`
	StatusLabel  string                `json:"status_label"`
	AssignedAt   time.Time             `json:"assigned_at"`
	SignBy       string                `json:"sign_by"` // the day the unit should sign by
	SignedAt     time.Time             `json:"signed_at,omitzero"`
	ReturnReason string                `json:"return_reason,omitempty"`
	RepliedAt    time.Time             `json:"replied_at,omitzero"`
	Grade        proposal.Grade        `json:"grade,omitempty"`
	Satisfaction proposal.Satisfaction `json:"satisfaction,omitempty"`
	Contact      proposal.Contact      `json:"contact,omitempty"`
	RatingNote   string                `json:"rating_note,omitempty"`
	RatedBy      string                `json:"rated_by,omitempty"`
	Withdrawn    bool                  `json:"withdrawn"`
	Overdue      bool                  `json:"overdue"` // the sign-by day or the reply deadline has passed undone
	Replies      []ProposalReply       `json:"replies,omitempty"`

	// The proposal, for a unit's list.
	Number string `json:"number,omitempty"`
	Title  string `json:"title,omitempty"`
}

// ProposalWork is everything recorded about a proposal besides its text.
type ProposalWork struct {
	Cosigners   []Cosigner           `json:"cosigners"`
	Assignments []ProposalAssignment `json:"assignments"`
	Merged      []Proposal           `json:"merged,omitempty"`      // proposals merged into this one
	MergedInto  *Proposal            `json:"merged_into,omitempty"` // the one this was merged into
	Files       []ProposalFile       `json:"files,omitempty"`       // attachments of the text
	ReportID    int64                `json:"report_id,omitempty"`   // not filed: the social-conditions report it became
}

const proposalAssignmentColumns = `a.id, a.proposal_id, a.unit_id, u.name, a.lead, a.deadline, a.status, a.assigned_at,
	a.signed_at, a.return_reason, a.replied_at, a.grade, a.satisfaction, a.contact, a.rating_note, a.rated_by, a.withdrawn`

func scanProposalAssignment(s scanner, a *ProposalAssignment, extra ...any) error {
	var signed, replied sql.NullTime
	err := s.Scan(append([]any{&a.ID, &a.ProposalID, &a.UnitID, &a.UnitName, &a.Lead, &a.Deadline, &a.Status,
		&a.AssignedAt, &signed, &a.ReturnReason, &replied, &a.Grade, &a.Satisfaction, &a.Contact, &a.RatingNote,
		&a.RatedBy, &a.Withdrawn}, extra...)...)
	a.SignedAt, a.RepliedAt = signed.Time, replied.Time
	a.StatusLabel = PAStatusLabel(a.Status)
	return err
}

// deriveAssignment fills the sign-by day and the overdue flag.
func (a *ProposalAssignment) derive(rules proposal.Rules, today app.Date, loc *time.Location) {
	a.SignBy = rules.SignDeadline(app.DateOf(a.AssignedAt.In(loc))).String()
	switch a.Status {
	case PAAssigned:
		a.Overdue = today.String() > a.SignBy
	case PASigned, PAReturned:
		a.Overdue = today.String() > a.Deadline
	}
}

// FindProposalWork returns a proposal's co-signers, assignments with their
// replies, merged proposals and files, for an actor who sees the proposal.
func (db *DB) FindProposalWork(ctx context.Context, actor app.Actor, id int64) (ProposalWork, error) {
	var w ProposalWork
	p, err := db.FindProposalByID(ctx, actor, id)
	if err != nil {
		return w, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT c.member_id, m.name, m.workplace, c.signed_at FROM proposal_cosigner c
		JOIN member m ON m.id = c.member_id WHERE c.proposal_id = $1 ORDER BY c.signed_at, c.member_id`, id)
	if err != nil {
		return w, app.Internal(err, "co-signers")
	}
	for rows.Next() {
		var c Cosigner
		if err := rows.Scan(&c.MemberID, &c.Name, &c.Workplace, &c.SignedAt); err != nil {
			rows.Close()
			return w, app.Internal(err, "co-signers")
		}
		w.Cosigners = append(w.Cosigners, c)
	}
	rows.Close()
	if w.Assignments, err = db.proposalAssignments(ctx, `a.proposal_id = $1`, id); err != nil {
		return w, err
	}
	files, err := db.proposalFiles(ctx, `f.proposal_id = $1`, id)
	if err != nil {
		return w, err
	}
	byReply := map[int64][]ProposalFile{}
	for _, f := range files {
		if f.ReplyID == 0 {
			w.Files = append(w.Files, f)
		} else {
			byReply[f.ReplyID] = append(byReply[f.ReplyID], f)
		}
	}
	for i := range w.Assignments {
		if w.Assignments[i].Replies, err = db.proposalReplies(ctx, w.Assignments[i].ID, byReply); err != nil {
			return w, err
		}
	}
	if w.Merged, _, err = db.FindProposals(ctx, app.System, ProposalFilter{CommitteeID: p.CommitteeID,
		TermID: p.TermID, Session: p.Session, State: proposal.Merged, Limit: 1000}); err != nil {
		return w, err
	}
	w.Merged = slices.DeleteFunc(w.Merged, func(m Proposal) bool { return m.MergedInto != id })
	if p.Conversion == proposal.ToReport {
		if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM report WHERE proposal_id = $1`, id).Scan(&w.ReportID); err != nil {
			return w, app.Internal(err, "proposal report")
		}
	}
	if p.MergedInto != 0 {
		if into, err := db.FindProposalByID(ctx, app.System, p.MergedInto); err == nil {
			w.MergedInto = &into
		}
	}
	return w, nil
}

func (db *DB) proposalAssignments(ctx context.Context, where string, args ...any) ([]ProposalAssignment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+proposalAssignmentColumns+`, p.committee_id, p.state, p.title, p.session,
		p.seq, tm.number FROM proposal_assignment a JOIN handling_unit u ON u.id = a.unit_id
		JOIN proposal p ON p.id = a.proposal_id JOIN term tm ON tm.id = p.term_id
		WHERE `+where+` ORDER BY a.withdrawn, a.lead DESC, a.id`, args...)
	if err != nil {
		return nil, app.Internal(err, "proposal assignments")
	}
	defer rows.Close()
	var out []ProposalAssignment
	type of struct {
		committeeID int64
		state       string
	}
	var ofs []of
	for rows.Next() {
		var a ProposalAssignment
		var o of
		var session, seq, term int
		if err := scanProposalAssignment(rows, &a, &o.committeeID, &o.state, &a.Title, &session, &seq, &term); err != nil {
			return nil, app.Internal(err, "proposal assignments")
		}
		if seq > 0 {
			a.Number = proposal.Number(term, session, seq)
		}
		out = append(out, a)
		ofs = append(ofs, o)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err, "proposal assignments")
	}
	rows.Close()
	today := db.Today()
	rules := map[int64]proposal.Rules{}
	gs := proposalGraphs{}
	for i := range out {
		c := ofs[i].committeeID
		r, ok := rules[c]
		if !ok {
			if r, err = readProposalRules(ctx, db.read, c); err != nil {
				return nil, err
			}
			rules[c] = r
		}
		out[i].derive(r, today, db.Loc)
		g, err := gs.of(ctx, db.read, c)
		if err != nil {
			return nil, err
		}
		if st, _ := g.State(ofs[i].state); st.Final { // closed or set aside: nothing is due any more
			out[i].Overdue = false
		}
	}
	return out, nil
}

func (db *DB) proposalReplies(ctx context.Context, assignmentID int64, files map[int64][]ProposalFile) ([]ProposalReply, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, grade, grade_reason, body, actor, at, verdict, verdict_reason,
		verdict_actor FROM proposal_reply WHERE assignment_id = $1 ORDER BY id`, assignmentID)
	if err != nil {
		return nil, app.Internal(err, "proposal replies")
	}
	defer rows.Close()
	var out []ProposalReply
	for rows.Next() {
		var r ProposalReply
		if err := rows.Scan(&r.ID, &r.Grade, &r.GradeReason, &r.Body, &r.Actor, &r.At, &r.Verdict, &r.VerdictReason,
			&r.VerdictActor); err != nil {
			return nil, app.Internal(err, "proposal replies")
		}
		r.Files = files[r.ID]
		out = append(out, r)
	}
	return out, app.Internal(rows.Err(), "proposal replies")
}

// addProposalFile checks and stores one uploaded document of a proposal (a
// reply's when replyID is set); a field error names field.
func (tx *Tx) addProposalFile(ctx context.Context, actor app.Actor, p Proposal, in DocumentInput, replyID int64, field string) (ProposalFile, error) {
	name, ct, err := checkUpload(in, documentTypes, field)
	if err != nil {
		return ProposalFile{}, err
	}
	sum := sha256.Sum256(in.Data)
	f := ProposalFile{ProposalID: p.ID, ReplyID: replyID, FileName: name, ContentType: ct, Size: int64(len(in.Data)),
		SHA256: hex.EncodeToString(sum[:]), UploadedAt: tx.Now}
	if err := tx.QueryRowContext(ctx, `INSERT INTO proposal_file (proposal_id, committee_id, reply_id, file_name,
		content_type, size, sha256, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING id`, p.ID, p.CommitteeID, nullInt(replyID), f.FileName, f.ContentType, f.Size, f.SHA256, in.Data,
		actor.AccountID, tx.Now).Scan(&f.ID); err != nil {
		return f, app.Internal(err, "add proposal file")
	}
	return f, nil
}

// CheckProposalDocument checks an upload as AddProposalFile and
// ReplyProposal will (a name, a PDF or Word file whose content agrees with
// its extension, the size), so that a form that creates a proposal and
// attaches its document can refuse a bad file before anything is written.
// The error is a field error on field, or ETOOLARGE.
func CheckProposalDocument(in DocumentInput, field string) error {
	_, _, err := checkUpload(in, documentTypes, field)
	return err
}

// AddProposalFile attaches a document to a proposal's text (the proposer
// while it is open, the office at any time before closure).
func (db *DB) AddProposalFile(ctx context.Context, actor app.Actor, id int64, in DocumentInput) (ProposalFile, error) {
	var f ProposalFile
	err := db.InTx(ctx, func(tx *Tx) error {
		p, g, err := tx.lockProposal(ctx, actor, id)
		if err != nil {
			return err
		}
		if err := mayEditProposal(actor, p); err != nil {
			return err
		}
		if s, _ := g.State(p.State); s.Final {
			return app.Errorf(app.ECONFLICT, "提案%s，不能再添加附件", g.Label(p.State))
		}
		if f, err = tx.addProposalFile(ctx, actor, p, in, 0, "file"); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "proposal_file", Entity: "proposal", EntityID: id,
			Committee: p.CommitteeID, OrgPath: p.path, Summary: fmt.Sprintf("提案“%s”添加附件%s", p.Title, f.FileName), After: f})
	})
	return f, err
}

const proposalFileColumns = `f.id, f.proposal_id, COALESCE(f.reply_id, 0), f.file_name, f.content_type, f.size, f.sha256, f.uploaded_at`

func scanProposalFile(s scanner, f *ProposalFile, extra ...any) error {
	err := s.Scan(append([]any{&f.ID, &f.ProposalID, &f.ReplyID, &f.FileName, &f.ContentType, &f.Size, &f.SHA256,
		&f.UploadedAt}, extra...)...)
	f.UploadedAt = f.UploadedAt.UTC()
	return err
}

func (db *DB) proposalFiles(ctx context.Context, where string, arg any) ([]ProposalFile, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+proposalFileColumns+` FROM proposal_file f WHERE `+where+` ORDER BY f.id`, arg)
	if err != nil {
		return nil, app.Internal(err, "proposal files")
	}
	defer rows.Close()
	var out []ProposalFile
	for rows.Next() {
		var f ProposalFile
		if err := scanProposalFile(rows, &f); err != nil {
			return nil, app.Internal(err, "proposal files")
		}
		out = append(out, f)
	}
	return out, app.Internal(rows.Err(), "proposal files")
}

// FindProposalFileData returns a file of a proposal the actor sees, with
// its bytes.
func (db *DB) FindProposalFileData(ctx context.Context, actor app.Actor, id int64) (ProposalFile, []byte, error) {
	var f ProposalFile
	var data []byte
	if err := scanProposalFile(db.read.QueryRowContext(ctx, `SELECT `+proposalFileColumns+`, f.data FROM proposal_file f
		WHERE f.id = $1`, id), &f, &data); err != nil {
		return f, nil, notFound(err, "文件", "find proposal file")
	}
	if _, err := findProposal(ctx, db.read, actor, f.ProposalID, ""); err != nil {
		return ProposalFile{}, nil, app.NotFound("文件")
	}
	return f, data, nil
}

// UnitProposalFilter narrows a unit's list.
type UnitProposalFilter struct {
	Open    bool // only those not yet replied to or returned for rework
	Overdue bool // only those overdue (to sign or to reply)
}

// FindUnitProposals lists the proposals assigned to the actor's unit, with
// the proposal's number and title: open ones first by deadline.
func (db *DB) FindUnitProposals(ctx context.Context, actor app.Actor, f UnitProposalFilter) ([]ProposalAssignment, error) {
	if !isUnitAccount(actor) {
		return nil, app.Errorf(app.EFORBIDDEN, "只有承办单位的账号可以查看交办的提案")
	}
	where := `a.unit_id = $1 AND a.withdrawn = FALSE`
	if f.Open {
		where += ` AND a.status IN ('assigned', 'return_asked', 'signed', 'returned')`
	}
	as, err := db.proposalAssignments(ctx, where, actor.UnitID)
	if err != nil {
		return nil, err
	}
	if f.Overdue {
		as = slices.DeleteFunc(as, func(a ProposalAssignment) bool { return !a.Overdue })
	}
	open := func(a ProposalAssignment) int {
		if a.Status == PAAssigned || a.Status == PASigned || a.Status == PAReturned || a.Status == PAReturnAsked {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(as, func(x, y ProposalAssignment) int {
		if d := open(x) - open(y); d != 0 {
			return d
		}
		if x.Deadline != y.Deadline {
			if x.Deadline < y.Deadline {
				return -1
			}
			return 1
		}
		return int(x.ID - y.ID)
	})
	return as, nil
}
