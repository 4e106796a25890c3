package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
)

// Ballots: issuing (发票), electronic casting, closing, progress and receipts.
//
// SECRECY of electronic ballots. Who received and returned a ballot is in
// election_voter (election, member, paper, received, returned); what a
// ballot says is in election_ballot (election, paper, random 128-bit id,
// content, SHA-256 of the receipt code). The two tables share nothing but
// the election and paper: no voter column on a ballot, no timestamp on
// either, no sequential id. On SQLite both tables are WITHOUT ROWID, so they
// are stored in key order (voters by member, ballots by random id). On
// PostgreSQL the heap keeps insertion order and each row's xmin is its
// writing transaction, so CloseElectionVoting rewrites the election's ballot
// rows in key order and its voter rows in member order in the closing
// transaction: after the close no physical order or transaction id follows
// the order of voting. A cast writes no audit row (one per ballot would
// record its time and serialise voting on the audit chain's head); the close
// is audited with the counts and a SHA-256 digest of the sorted ballot
// contents, and the voters' duty events are written then, in one batch in
// member order, all with the same time. The receipt code is returned once
// to the voter and stored only as its SHA-256.
//
// During voting a database superuser watching the physical pages or the WAL
// could see the order of writes; that observer is trusted (README).

// OpenElection issues the ballots (发票) to every expected member checked in
// at the sitting, once the rules are adopted, the scrutineers approved and
// the hold rule met.
func (db *DB) OpenElection(ctx context.Context, actor app.Actor, id int64) (Election, error) {
	if err := refuseMemberAccount(actor); err != nil {
		return Election{}, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.lockElection(ctx, actor, id)
		if err != nil {
			return err
		}
		if e.Status != election.Draft {
			return app.Errorf(app.ECONFLICT, "选票已发出（%s），不能重复发票", e.Status.Label())
		}
		m := e.meeting
		switch m.Status {
		case meeting.Draft, meeting.Notified:
			return app.Errorf(app.ECONFLICT, "会议尚未开始签到，不能发放选票")
		case meeting.Closed:
			return app.Errorf(app.ECONFLICT, "会议已结束，不能发放选票")
		}
		if err := e.details(ctx, tx); err != nil {
			return err
		}
		if !e.RulesAdopted {
			return app.Errorf(app.ECONFLICT, "选举办法尚未经大会表决通过，不能发放选票")
		}
		if !e.ScrutineersApproved {
			return app.Errorf(app.ECONFLICT, "总监票人、监票人名单尚未经大会表决通过，不能发放选票")
		}
		duties := map[ScrutineerDuty]int{}
		ids := make([]int64, len(e.Scrutineers))
		for i, s := range e.Scrutineers {
			duties[s.Duty]++
			ids[i] = s.MemberID
		}
		if duties[ChiefScrutineer] == 0 || duties[Scrutineer] == 0 {
			return app.Errorf(app.ECONFLICT, "须有总监票人和监票人各至少一名，才能发放选票")
		}
		if errs := election.CheckOffices(e.Offices); len(errs) > 0 {
			msgs := make([]string, len(errs))
			for i, f := range errs {
				msgs[i] = f.Message
			}
			return &app.Error{Code: app.ECONFLICT, Message: "选举职务和候选人设置有误，不能发放选票：" + strings.Join(msgs, "；"),
				Fields: errs}
		}
		if both := election.CandidateScrutineers(e.Offices, ids); len(both) > 0 {
			for _, s := range e.Scrutineers {
				if s.MemberID == both[0] {
					return app.Errorf(app.ECONFLICT, "%s既是候选人又是%s，不能发放选票", s.Name, s.Duty.Label())
				}
			}
		}
		rows, err := attendanceRows(ctx, tx, m.Meeting, db.Loc)
		if err != nil {
			return err
		}
		var voters []int64
		for _, r := range rows {
			if r.signInID != 0 {
				voters = append(voters, r.id)
			}
		}
		slices.Sort(voters)
		seated, err := seatedMembers(ctx, tx, e.TermID, m.Day(db.Loc))
		if err != nil {
			return err
		}
		fig := election.Figures{All: len(seated), Expected: len(rows), Issued: len(voters)}
		if !e.Rules.Held(fig.Issued, fig.All) {
			return app.Errorf(app.ECONFLICT, "出席委员%d人，未达到%s（全体委员%d人），不能进行选举",
				fig.Issued, e.Rules.Hold.Text("全体委员", false), fig.All)
		}
		papers := election.Papers(e.Offices)
		if err := tx.issue(ctx, e, voters, papers); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE election SET status = $2, fig_all = $3, fig_expected = $4, fig_issued = $5,
			updated_at = $6 WHERE id = $1`, id, string(election.Voting), fig.All, fig.Expected, fig.Issued, tx.Now); err != nil {
			return app.Internal(err, "open election")
		}
		after := e.Election
		after.Status, after.Figures = election.Voting, fig
		return tx.Audit(ctx, actor, Change{Action: "election_open", Entity: "election", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path,
			Summary: fmt.Sprintf("%s %s：发出选票%d张（每人%d张），全体委员%d人，应到%d人", m.Title, e.Title, fig.Issued,
				len(papers), fig.All, fig.Expected),
			Before: e.Election, After: struct {
				Election
				Voters []int64 `json:"voters"`
			}{after, voters}})
	})
	if err != nil {
		return Election{}, err
	}
	return db.FindElectionByID(ctx, actor, id)
}

// issue inserts the voter rows of members (in member order), one per paper.
func (tx *Tx) issue(ctx context.Context, e electionScope, members []int64, papers []int) error {
	n := len(papers)
	err := tx.insertRows(ctx, `INSERT INTO election_voter (election_id, member_id, paper, committee_id, received, returned) VALUES `,
		len(members)*n, func(i int) []any {
			return []any{e.ID, members[i/n], papers[i%n], e.CommitteeID, true, false}
		})
	return app.Internal(err, "issue ballots")
}

// IssueBallot issues a ballot to a member who checked in after the ballots were issued.
func (db *DB) IssueBallot(ctx context.Context, actor app.Actor, id, memberID int64) error {
	if err := refuseMemberAccount(actor); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.lockElection(ctx, actor, id)
		if err != nil {
			return err
		}
		if e.Status != election.Voting {
			return app.Errorf(app.ECONFLICT, "选举%s，不能补发选票", e.Status.Label())
		}
		var name string
		var signed, issued int
		err = tx.QueryRowContext(ctx, `SELECT mb.name,
			(SELECT COUNT(*) FROM sign_in s WHERE s.meeting_id = x.meeting_id AND s.member_id = x.member_id),
			(SELECT COUNT(*) FROM election_voter v WHERE v.election_id = $3 AND v.member_id = x.member_id)
			FROM meeting_expected x JOIN member mb ON mb.id = x.member_id WHERE x.meeting_id = $1 AND x.member_id = $2`,
			e.MeetingID, memberID, e.ID).Scan(&name, &signed, &issued)
		if errors.Is(err, sql.ErrNoRows) {
			return app.Errorf(app.EINVALID, "该委员不在本次会议的应到名单中，不能领取选票")
		} else if err != nil {
			return app.Internal(err, "issue ballot: member")
		}
		if signed == 0 {
			return app.Errorf(app.ECONFLICT, "%s尚未签到，请先签到再领取选票", name)
		}
		if issued > 0 {
			return app.Errorf(app.ECONFLICT, "%s已领取选票，不能重复领取", name)
		}
		offices, err := electionOffices(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		papers := election.Papers(offices)
		if err := tx.issue(ctx, e, []int64{memberID}, papers); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE election SET fig_issued = fig_issued + 1, updated_at = $2 WHERE id = $1`,
			e.ID, tx.Now); err != nil {
			return app.Internal(err, "issue ballot")
		}
		return tx.Audit(ctx, actor, Change{Action: "election_issue", Entity: "election", EntityID: e.ID,
			Committee: e.CommitteeID, OrgPath: e.path,
			Summary: fmt.Sprintf("%s 向%s补发选票（发出选票%d张）", e.Title, name, e.Figures.Issued+1),
			After:   struct{ MemberID int64 }{memberID}})
	})
}

// castInfo is what a cast checks a ballot against: frozen once the ballots
// are issued, so it is read once per election and kept.
type castInfo struct {
	committeeID int64
	path        string
	mode        election.Mode
	rules       election.Rules
	papers      [][]election.Office // paper p at index p-1, offices in seq order
	members     map[int64]string    // seated in the term on the day: who may be written in
}

type castKey struct {
	db *DB
	id int64
}

var (
	castCache  sync.Map   // castKey → *castInfo
	castFillMu sync.Mutex // one fill at a time: the first casts of a hall arrive together
)

// castInfoOf reads (or takes from the cache) what a cast is checked against.
// Casts that miss the cache together wait for one fill instead of each
// reading the term's seats (tens of milliseconds with 10,000 members).
func (db *DB) castInfoOf(ctx context.Context, actor app.Actor, id int64) (*castInfo, error) {
	if ci, ok := cachedCastInfo(db, id); ok {
		return ci.seenBy(actor)
	}
	castFillMu.Lock()
	defer castFillMu.Unlock()
	if ci, ok := cachedCastInfo(db, id); ok {
		return ci.seenBy(actor)
	}
	e, err := findElection(ctx, db.read, actor, id)
	if err != nil {
		return nil, err
	}
	if e.Status == election.Draft {
		return nil, app.Errorf(app.ECONFLICT, "选举尚未开始投票")
	}
	m, err := findMeeting(ctx, db.read, app.System, e.MeetingID)
	if err != nil {
		return nil, err
	}
	offices, err := electionOffices(ctx, db.read, id)
	if err != nil {
		return nil, err
	}
	members, err := seatedMembers(ctx, db.read, e.TermID, m.Day(db.Loc))
	if err != nil {
		return nil, err
	}
	ci := &castInfo{committeeID: e.CommitteeID, path: e.path, mode: e.Mode, rules: e.Rules, members: members}
	for _, p := range election.Papers(offices) {
		ci.papers = append(ci.papers, election.PaperOffices(offices, p))
	}
	castCache.Store(castKey{db, id}, ci)
	return ci, nil
}

func cachedCastInfo(db *DB, id int64) (*castInfo, bool) {
	v, ok := castCache.Load(castKey{db, id})
	if !ok {
		return nil, false
	}
	return v.(*castInfo), true
}

// seenBy answers not found to an actor outside the election's committee.
func (ci *castInfo) seenBy(actor app.Actor) (*castInfo, error) {
	if !actor.Sees(ci.path) {
		return nil, app.NotFound("选举")
	}
	return ci, nil
}

// receiptAlphabet has no 0/O or 1/I, so a code read aloud is not mistaken.
const receiptAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// receiptLength is the code's length: 10 characters of 5 bits.
const receiptLength = 10

// newReceipt returns a random receipt code.
func newReceipt() string {
	var b [receiptLength]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = receiptAlphabet[b[i]&31]
	}
	return string(b[:])
}

// normalizeReceipt folds a typed code: upper case, without spaces or dashes.
func normalizeReceipt(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r == ' ' || r == '-' || r == '\t' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// receiptHash is what is stored of a receipt code.
func receiptHash(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}

// newBallotID is a random 128-bit key.
func newBallotID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// castContents checks a member's ballots against the election and returns
// the canonical content of each (write-ins by member id only).
func (ci *castInfo) contents(ballots []election.Ballot) ([]string, error) {
	if len(ballots) != len(ci.papers) {
		var errs app.FieldErrors
		errs.Add("ballot", fmt.Sprintf("本次选举有%d张选票，提交了%d张", len(ci.papers), len(ballots)))
		return nil, errs.Err()
	}
	out := make([]string, len(ballots))
	for p, b := range ballots {
		b.Sections = slices.Clone(b.Sections)
		for i := range b.Sections {
			ws := slices.Clone(b.Sections[i].WriteIns)
			for j := range ws {
				if ws[j].MemberID == 0 {
					continue
				}
				if name, ok := ci.members[ws[j].MemberID]; ok {
					ws[j].Name = name
				} else {
					ws[j].MemberID = 0
				}
			}
			b.Sections[i].WriteIns = ws
		}
		if err := ci.rules.CheckElectronic(ci.papers[p], b); err != nil {
			if len(ci.papers) > 1 {
				if ae, ok := err.(*app.Error); ok {
					ae.Message = fmt.Sprintf("第%d张选票有误：%s", p+1, ae.Message)
				}
			}
			return nil, err
		}
		for i := range b.Sections {
			for j := range b.Sections[i].WriteIns {
				b.Sections[i].WriteIns[j].Name = "" // the id is stored, not the name
			}
		}
		out[p] = election.FormatLine(b)
	}
	return out, nil
}

// CastElectionBallot records a member's electronic ballots (one per paper,
// in paper order) and returns the receipt code; the voter record and the
// ballot are not linked.
//
// One short transaction with prepared statements: a shared lock on the
// election row (so that the close waits for casts in flight, and casts after
// it see it closed), the voter rows set returned (received and not yet
// returned), the ballot rows inserted under random keys. Refused: a member
// account voting for another (EFORBIDDEN), malformed ballots (EINVALID), an
// election not voting, a member without a ballot, a second ballot
// (ECONFLICT), an election outside the actor's subtree (ENOTFOUND).
func (db *DB) CastElectionBallot(ctx context.Context, actor app.Actor, id, memberID int64, ballots []election.Ballot) (string, error) {
	if err := actsForSelf(actor, memberID, "投票"); err != nil {
		return "", err
	}
	ci, err := db.castInfoOf(ctx, actor, id)
	if err != nil {
		return "", err
	}
	if ci.mode != election.Electronic {
		return "", app.Errorf(app.ECONFLICT, "本次选举使用纸质选票，不能电子投票")
	}
	contents, err := ci.contents(ballots)
	if err != nil {
		return "", err
	}
	code := newReceipt()
	c := &cast{id: id, memberID: memberID, committeeID: ci.committeeID, contents: contents, receipt: receiptHash(code),
		done: make(chan struct{})}
	db.casts.submit(ctx, db, c)
	select {
	case <-c.done:
	case <-ctx.Done():
		// The cast may still be recorded: the batch it is in runs on.
		return "", app.Internal(ctx.Err(), "cast: waiting for the commit")
	}
	if c.err != nil {
		return "", c.err
	}
	return code, nil
}

// Casts are group-committed (groupcommit.go): each cast gets its own
// result — a cast refused by its checks does not fail the others, and when a
// batch's transaction fails its casts are retried one by one.

// maxCastBatch is the most casts written in one transaction.
const maxCastBatch = 256

// runCasts writes a batch and delivers each cast's result.
func runCasts(ctx context.Context, db *DB, batch []*cast) {
	if err := db.castBatch(ctx, batch); err != nil {
		if len(batch) == 1 {
			batch[0].err = err
		} else {
			for _, c := range batch {
				c.err = nil
				if err := db.castBatch(ctx, []*cast{c}); err != nil {
					c.err = err
				}
			}
		}
	}
	for _, c := range batch {
		close(c.done)
	}
}

// cast is one member's ballots on their way into the database.
type cast struct {
	id, memberID, committeeID int64
	contents                  []string
	receipt                   string
	err                       error         // this cast's refusal
	done                      chan struct{} // closed when err is final
}

func (db *DB) castStatement(ctx context.Context, query string) (*sql.Stmt, error) {
	s, err := db.writeStmt(ctx, query)
	if err != nil {
		return nil, app.Internal(err, "cast: prepare")
	}
	return s, nil
}

// castBatch records casts in one transaction. A cast refused by its own
// checks gets its err set (the checks come before any write of that cast)
// and does not fail the others; the function
// returns an error only when the transaction itself fails.
func (db *DB) castBatch(ctx context.Context, casts []*cast) error {
	status, err := db.castStatement(ctx, `SELECT e.status FROM election e WHERE e.id = $1`+db.Dialect.forShareOf("e"))
	if err != nil {
		return err
	}
	diagnose, err := db.castStatement(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN returned THEN 1 ELSE 0 END), 0)
		FROM election_voter WHERE election_id = $1 AND member_id = $2`)
	if err != nil {
		return err
	}
	returned, err := db.castStatement(ctx, `UPDATE election_voter SET returned = TRUE
		WHERE election_id = $1 AND member_id = $2 AND received AND NOT returned`)
	if err != nil {
		return err
	}
	inserts := map[int]*sql.Stmt{}
	for _, c := range casts {
		n := len(c.contents)
		if inserts[n] == nil {
			if inserts[n], err = db.castStatement(ctx, ballotInsert(n)); err != nil {
				return err
			}
		}
	}
	return db.InTx(ctx, func(tx *Tx) error {
		statuses := map[int64]election.Status{}
		for _, c := range casts {
			c.err = nil
			st, ok := statuses[c.id]
			if !ok {
				if err := tx.StmtContext(ctx, status).QueryRowContext(ctx, c.id).Scan(&st); err != nil {
					return app.Internal(err, "cast: election")
				}
				statuses[c.id] = st
			}
			switch st {
			case election.Voting:
			case election.Draft:
				c.err = app.Errorf(app.ECONFLICT, "选举尚未开始投票")
				continue
			default:
				c.err = app.Errorf(app.ECONFLICT, "投票已结束，不能再投票")
				continue
			}
			res, err := tx.StmtContext(ctx, returned).ExecContext(ctx, c.id, c.memberID)
			if err != nil {
				return app.Internal(err, "cast: voter")
			}
			n, err := res.RowsAffected()
			if err != nil {
				return app.Internal(err, "cast: voter")
			}
			if int(n) != len(c.contents) {
				if n != 0 {
					return app.Internal(fmt.Errorf("voter rows %d of %d papers", n, len(c.contents)), "cast: voter")
				}
				var issued, done int
				if err := tx.StmtContext(ctx, diagnose).QueryRowContext(ctx, c.id, c.memberID).Scan(&issued, &done); err != nil {
					return app.Internal(err, "cast: voter status")
				}
				if issued == 0 {
					c.err = app.Errorf(app.ECONFLICT, "该委员未领取本次选举的选票（签到后领取），不能投票")
				} else {
					c.err = app.Errorf(app.ECONFLICT, "已经投过票，每人只能投票一次")
				}
				continue
			}
			args := make([]any, 0, 6*len(c.contents))
			for p, content := range c.contents {
				args = append(args, c.id, p+1, newBallotID(), c.committeeID, content, c.receipt)
			}
			if _, err := tx.StmtContext(ctx, inserts[len(c.contents)]).ExecContext(ctx, args...); err != nil {
				return app.Internal(err, "cast: ballot")
			}
		}
		return nil
	})
}

// ballotInsert is the insert of one member's n ballots.
func ballotInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO election_ballot (election_id, paper, id, committee_id, content, receipt) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d)", 6*i+1, 6*i+2, 6*i+3, 6*i+4, 6*i+5, 6*i+6)
	}
	return b.String()
}

// ElectionProgressOf counts ballots issued and returned.
func (db *DB) ElectionProgressOf(ctx context.Context, actor app.Actor, id int64) (ElectionProgress, error) {
	e, err := db.readElection(ctx, db.read, actor, id)
	if err != nil {
		return ElectionProgress{}, err
	}
	p := ElectionProgress{Issued: e.Figures.Issued, Returned: e.Returned}
	if e.Status == election.Voting && e.Mode == election.Electronic {
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_voter WHERE election_id = $1 AND paper = 1
			AND returned`, id).Scan(&p.Returned); err != nil {
			return p, app.Internal(err, "election progress")
		}
	}
	return p, nil
}

// VoterStatusOf is a member's own ballot record.
func (db *DB) VoterStatusOf(ctx context.Context, actor app.Actor, id, memberID int64) (VoterStatus, error) {
	if err := actsForSelf(actor, memberID, "查看领票、投票情况"); err != nil {
		return VoterStatus{}, err
	}
	if _, err := db.readElection(ctx, db.read, actor, id); err != nil {
		return VoterStatus{}, err
	}
	var s VoterStatus
	var n, ret int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN returned THEN 1 ELSE 0 END), 0)
		FROM election_voter WHERE election_id = $1 AND member_id = $2 AND received`, id, memberID).Scan(&n, &ret); err != nil {
		return s, app.Internal(err, "voter status")
	}
	s.Received, s.Returned = n > 0, ret > 0
	return s, nil
}

// CloseElectionVoting ends voting; the ballots are counted next.
func (db *DB) CloseElectionVoting(ctx context.Context, actor app.Actor, id int64) (Election, error) {
	if err := refuseMemberAccount(actor); err != nil {
		return Election{}, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.lockElection(ctx, actor, id)
		if err != nil {
			return err
		}
		if e.Status != election.Voting {
			return app.Errorf(app.ECONFLICT, "选举不在投票中（%s），不能结束投票", e.Status.Label())
		}
		var returned, ballots int
		var digest string
		if e.Mode == election.Electronic {
			if ballots, digest, err = tx.rewriteBallots(ctx, e.ID); err != nil {
				return err
			}
			voters, err := tx.rewriteVoters(ctx, e.ID)
			if err != nil {
				return err
			}
			day := e.meeting.Day(db.Loc)
			events := make([]DutyEvent, len(voters))
			for i, m := range voters {
				events[i] = DutyEvent{CommitteeID: e.CommitteeID, MemberID: m, Kind: DutyElectionVoted, OccurredOn: day,
					MeetingID: e.MeetingID, Source: SourceElection, SourceID: e.ID}
			}
			if err := tx.RecordDuty(ctx, events...); err != nil {
				return err
			}
			returned = len(voters)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE election SET status = $2, returned = $3, ballots_sha256 = $4, updated_at = $5
			WHERE id = $1`, id, string(election.Counting), returned, digest, tx.Now); err != nil {
			return app.Internal(err, "close election")
		}
		after := e.Election
		after.Status, after.Returned = election.Counting, returned
		summary := fmt.Sprintf("%s %s：投票结束，发出选票%d张", e.meeting.Title, e.Title, e.Figures.Issued)
		if e.Mode == election.Electronic {
			summary += fmt.Sprintf("，收回%d张（电子选票%d份）", returned, ballots)
		}
		return tx.Audit(ctx, actor, Change{Action: "election_close", Entity: "election", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path, Summary: summary, Before: e.Election,
			After: struct {
				Election
				Ballots       int    `json:"ballots,omitempty"`
				BallotsSHA256 string `json:"ballots_sha256,omitempty"`
			}{after, ballots, digest}})
	})
	if err != nil {
		return Election{}, err
	}
	return db.FindElectionByID(ctx, actor, id)
}

// rewriteBallots rewrites an election's ballots in key order (see the note
// at the top) and returns their number and the digest: SHA-256 over
// "paper:content\n" lines sorted.
func (tx *Tx) rewriteBallots(ctx context.Context, electionID int64) (int, string, error) {
	type row struct {
		paper                int
		id, content, receipt string
		committeeID          int64
	}
	rs, err := tx.QueryContext(ctx, `SELECT paper, id, content, receipt, committee_id FROM election_ballot
		WHERE election_id = $1 ORDER BY paper, id`, electionID)
	if err != nil {
		return 0, "", app.Internal(err, "close: ballots")
	}
	var rows []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.paper, &r.id, &r.content, &r.receipt, &r.committeeID); err != nil {
			rs.Close()
			return 0, "", app.Internal(err, "close: scan ballot")
		}
		rows = append(rows, r)
	}
	err = rs.Err()
	rs.Close()
	if err != nil {
		return 0, "", app.Internal(err, "close: ballots")
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = fmt.Sprintf("%d:%s\n", r.paper, r.content)
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM election_ballot WHERE election_id = $1`, electionID); err != nil {
		return 0, "", app.Internal(err, "close: clear ballots")
	}
	if err := tx.insertRows(ctx, `INSERT INTO election_ballot (election_id, paper, id, committee_id, content, receipt) VALUES `,
		len(rows), func(i int) []any {
			r := rows[i]
			return []any{electionID, r.paper, r.id, r.committeeID, r.content, r.receipt}
		}); err != nil {
		return 0, "", app.Internal(err, "close: rewrite ballots")
	}
	return len(rows), hex.EncodeToString(h.Sum(nil)), nil
}

// rewriteVoters rewrites an election's voter rows in member order and
// returns the members who returned their ballots, in member order.
func (tx *Tx) rewriteVoters(ctx context.Context, electionID int64) ([]int64, error) {
	type row struct {
		member, committee  int64
		paper              int
		received, returned bool
	}
	rs, err := tx.QueryContext(ctx, `SELECT member_id, paper, committee_id, received, returned FROM election_voter
		WHERE election_id = $1 ORDER BY member_id, paper`, electionID)
	if err != nil {
		return nil, app.Internal(err, "close: voters")
	}
	var rows []row
	var voters []int64
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.member, &r.paper, &r.committee, &r.received, &r.returned); err != nil {
			rs.Close()
			return nil, app.Internal(err, "close: scan voter")
		}
		if r.returned && (len(voters) == 0 || voters[len(voters)-1] != r.member) {
			voters = append(voters, r.member)
		}
		rows = append(rows, r)
	}
	err = rs.Err()
	rs.Close()
	if err != nil {
		return nil, app.Internal(err, "close: voters")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM election_voter WHERE election_id = $1`, electionID); err != nil {
		return nil, app.Internal(err, "close: clear voters")
	}
	if err := tx.insertRows(ctx, `INSERT INTO election_voter (election_id, member_id, paper, committee_id, received, returned) VALUES `,
		len(rows), func(i int) []any {
			r := rows[i]
			return []any{electionID, r.member, r.paper, r.committee, r.received, r.returned}
		}); err != nil {
		return nil, app.Internal(err, "close: rewrite voters")
	}
	return voters, nil
}

// CheckReceipt looks a receipt code up.
func (db *DB) CheckReceipt(ctx context.Context, actor app.Actor, id int64, code string) (ReceiptCheck, error) {
	e, err := db.readElection(ctx, db.read, actor, id)
	if err != nil {
		return ReceiptCheck{}, err
	}
	code = normalizeReceipt(code)
	if len(code) != receiptLength || strings.Trim(code, receiptAlphabet) != "" {
		var errs app.FieldErrors
		errs.Add("code", fmt.Sprintf("回执码应为%d位字母或数字", receiptLength))
		return ReceiptCheck{}, errs.Err()
	}
	var r ReceiptCheck
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_ballot WHERE election_id = $1 AND receipt = $2`,
		id, receiptHash(code)).Scan(&r.Papers); err != nil {
		return r, app.Internal(err, "check receipt")
	}
	r.Found = r.Papers > 0
	r.Counted = r.Found && (e.Status == election.Signed || e.Status == election.Confirmed)
	return r, nil
}
