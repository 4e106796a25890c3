package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/member"
	"xieshang/internal/org"
)

// Counting: the two entry passes of paper ballots (each pass owned by one
// account, the two passes of a paper by two different accounts), their
// comparison and correction, the signed tally and the confirmation that
// gives the elected their roles.

// maxEntryBatch is the most lines one AppendEntries call takes.
const maxEntryBatch = 5000

// passWord is a pass's number in words: 一, 二.
func passWord(pass int) string { return org.Numeral(pass) }

// mayEnter refuses an account that may not enter paper ballots: accounts
// that run meetings may; a member's account only when the member is a
// scrutineer or teller of this election.
func mayEnter(ctx context.Context, q querier, actor app.Actor, electionID int64) error {
	if canRunMeetings(actor) {
		return nil
	}
	if actor.MemberID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_scrutineer WHERE election_id = $1 AND member_id = $2`,
			electionID, actor.MemberID).Scan(&n); err != nil {
			return app.Internal(err, "entry: scrutineer")
		}
		if n > 0 {
			return nil
		}
	}
	return app.Errorf(app.EFORBIDDEN, "只有本次选举的监票人、计票人或会务工作人员可以录入选票")
}

// entryPaper checks that paper ballots of paper may be entered now and
// returns the paper's offices.
func entryPaper(e electionScope, offices []election.Office, paper int) ([]election.Office, error) {
	if e.Mode != election.Paper {
		return nil, app.Errorf(app.ECONFLICT, "本次选举为电子投票，无需录入选票")
	}
	switch e.Status {
	case election.Draft, election.Voting:
		return nil, app.Errorf(app.ECONFLICT, "投票尚未结束，请先结束投票再录入选票")
	case election.Signed, election.Confirmed:
		return nil, app.Errorf(app.ECONFLICT, "计票结果已签字，不能再修改选票录入")
	}
	po := election.PaperOffices(offices, paper)
	if len(po) == 0 {
		var errs app.FieldErrors
		errs.Add("paper", fmt.Sprintf("本次选举没有第%s张选票", org.Numeral(paper)))
		return nil, errs.Err()
	}
	return po, nil
}

func checkPass(pass int) error {
	if pass != 1 && pass != 2 {
		var errs app.FieldErrors
		errs.Add("pass", "录入遍次应为第一遍或第二遍")
		return errs.Err()
	}
	return nil
}

// lockEntry locks an election for a change of its paper entries and checks
// the account, the state, the paper and the pass (0: both).
func (tx *Tx) lockEntry(ctx context.Context, actor app.Actor, id int64, paper, pass int) (electionScope, []election.Office, error) {
	e, err := tx.lockElection(ctx, actor, id)
	if err != nil {
		return e, nil, err
	}
	if err := mayEnter(ctx, tx, actor, e.ID); err != nil {
		return e, nil, err
	}
	offices, err := electionOffices(ctx, tx, e.ID)
	if err != nil {
		return e, nil, err
	}
	po, err := entryPaper(e, offices, paper)
	if err != nil {
		return e, nil, err
	}
	if pass != 0 {
		if err := checkPass(pass); err != nil {
			return e, nil, err
		}
	}
	return e, po, nil
}

// entryLines reads one pass's lines in order.
func entryLines(ctx context.Context, q querier, id int64, paper, pass int) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT line FROM election_entry WHERE election_id = $1 AND paper = $2 AND pass = $3
		ORDER BY seq`, id, paper, pass)
	if err != nil {
		return nil, app.Internal(err, "entries")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, app.Internal(err, "scan entry")
		}
		out = append(out, l)
	}
	return out, app.Internal(rows.Err(), "entries")
}

func (tx *Tx) passCount(ctx context.Context, id int64, paper, pass int) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_entry WHERE election_id = $1 AND paper = $2 AND pass = $3`,
		id, paper, pass).Scan(&n)
	return n, app.Internal(err, "entry count")
}

// canonicalLine parses a line against a paper and returns its canonical form.
func canonicalLine(po []election.Office, line string) (string, error) {
	b, err := election.ParseLine(po, line)
	if err != nil {
		return "", err
	}
	return election.FormatLine(b), nil
}

// lineField is canonicalLine for a correction's one line: a line that does
// not parse is a field error on "line".
func lineField(po []election.Office, line string) (string, error) {
	c, err := canonicalLine(po, line)
	if err != nil {
		var errs app.FieldErrors
		errs.Add("line", app.ErrorMessage(err))
		return "", errs.Err()
	}
	return c, nil
}

// AppendEntries appends paper ballots to an entry pass; a batch with any bad
// line saves nothing and lists every bad line. Blank lines are skipped. The
// first batch of a pass makes the account its owner; the two passes of a
// paper must be entered by two different accounts. It returns the number of
// ballots in the pass after the batch.
func (db *DB) AppendEntries(ctx context.Context, actor app.Actor, id int64, paper, pass int, lines []string) (int, error) {
	var total int
	err := db.InTx(ctx, func(tx *Tx) error {
		e, po, err := tx.lockEntry(ctx, actor, id, paper, pass)
		if err != nil {
			return err
		}
		if len(lines) > maxEntryBatch {
			var errs app.FieldErrors
			errs.Add("lines", fmt.Sprintf("每次最多录入%d张选票", maxEntryBatch))
			return errs.Err()
		}
		var good []string
		var bad app.FieldErrors
		for i, l := range lines {
			if strings.TrimSpace(l) == "" {
				continue
			}
			c, err := canonicalLine(po, l)
			if err != nil {
				bad.Add("lines", fmt.Sprintf("第%d行：%s", i+1, app.ErrorMessage(err)))
				continue
			}
			good = append(good, c)
		}
		if len(bad) > 0 {
			msgs := make([]string, len(bad))
			for i, f := range bad {
				msgs[i] = f.Message
			}
			return &app.Error{Code: app.EINVALID, Fields: bad,
				Message: fmt.Sprintf("有%d行无法识别，本批未保存：%s", len(bad), strings.Join(msgs, "；"))}
		}
		if len(good) == 0 {
			var errs app.FieldErrors
			errs.Add("lines", "请录入选票")
			return errs.Err()
		}
		owners, err := passOwners(ctx, tx, id, paper)
		if err != nil {
			return err
		}
		other := owners[3-pass]
		if other.AccountID != 0 && other.AccountID == actor.AccountID {
			return app.Errorf(app.ECONFLICT, "第%s遍须由另一位监票人录入", passWord(pass))
		}
		own := owners[pass]
		switch {
		case own.AccountID == 0:
			if _, err := tx.ExecContext(ctx, `INSERT INTO election_pass (election_id, paper, pass, committee_id, account_id, who)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, paper, pass, e.CommitteeID, actor.AccountID, actor.Name); err != nil {
				return app.Internal(err, "entry pass")
			}
		case own.AccountID != actor.AccountID:
			return app.Errorf(app.ECONFLICT, "第%s张选票第%s遍由%s录入，请录入另一遍", org.Numeral(paper), passWord(pass), own.Who)
		}
		start, err := tx.passCount(ctx, id, paper, pass)
		if err != nil {
			return err
		}
		if err := tx.insertRows(ctx, `INSERT INTO election_entry (election_id, paper, pass, seq, committee_id, line, account_id) VALUES `,
			len(good), func(i int) []any {
				return []any{id, paper, pass, start + i + 1, e.CommitteeID, good[i], actor.AccountID}
			}); err != nil {
			return app.Internal(err, "insert entries")
		}
		total = start + len(good)
		h := sha256.New()
		for _, l := range good {
			h.Write([]byte(l + "\n"))
		}
		return tx.Audit(ctx, actor, Change{Action: "election_entry", Entity: "election", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path,
			Summary: fmt.Sprintf("%s 第%s张选票第%s遍录入%d张（第%d至%d张）", e.Title, org.Numeral(paper), passWord(pass),
				len(good), start+1, total),
			After: map[string]any{"paper": paper, "pass": pass, "from": start + 1, "to": total,
				"lines_sha256": hex.EncodeToString(h.Sum(nil))}})
	})
	return total, err
}

// passOwners reads who owns each pass of a paper (index 1 and 2).
func passOwners(ctx context.Context, q querier, id int64, paper int) ([3]EntryPass, error) {
	var out [3]EntryPass
	rows, err := q.QueryContext(ctx, `SELECT pass, account_id, who FROM election_pass WHERE election_id = $1 AND paper = $2`,
		id, paper)
	if err != nil {
		return out, app.Internal(err, "entry passes")
	}
	defer rows.Close()
	for rows.Next() {
		var p EntryPass
		if err := rows.Scan(&p.Pass, &p.AccountID, &p.Who); err != nil {
			return out, app.Internal(err, "scan entry pass")
		}
		if p.Pass == 1 || p.Pass == 2 {
			out[p.Pass] = p
		}
	}
	return out, app.Internal(rows.Err(), "entry passes")
}

// readEntries finds an election whose entries the actor may read: member
// accounts only as scrutineers or tellers of it.
func (db *DB) readEntries(ctx context.Context, actor app.Actor, id int64) (electionScope, error) {
	e, err := db.readElection(ctx, db.read, actor, id)
	if err != nil {
		return e, err
	}
	if isMemberAccount(actor) {
		if err := mayEnter(ctx, db.read, actor, id); err != nil {
			return e, err
		}
	}
	return e, nil
}

// FindEntryPasses lists the entry passes of every paper: for each paper of
// the election both passes, with the owner (AccountID 0 while nobody has
// entered it) and the number of ballots entered.
func (db *DB) FindEntryPasses(ctx context.Context, actor app.Actor, id int64) ([]EntryPass, error) {
	e, err := db.readEntries(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	offices, err := electionOffices(ctx, db.read, e.ID)
	if err != nil {
		return nil, err
	}
	var out []EntryPass
	for _, p := range election.Papers(offices) {
		owners, err := passOwners(ctx, db.read, id, p)
		if err != nil {
			return nil, err
		}
		for pass := 1; pass <= 2; pass++ {
			ep := owners[pass]
			ep.Paper, ep.Pass = p, pass
			if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_entry WHERE election_id = $1 AND paper = $2
				AND pass = $3`, id, p, pass).Scan(&ep.Count); err != nil {
				return nil, app.Internal(err, "entry count")
			}
			out = append(out, ep)
		}
	}
	return out, nil
}

// FindEntries lists one pass's ballots in order.
func (db *DB) FindEntries(ctx context.Context, actor app.Actor, id int64, paper, pass int) ([]Entry, error) {
	if _, err := db.readEntries(ctx, actor, id); err != nil {
		return nil, err
	}
	if err := checkPass(pass); err != nil {
		return nil, err
	}
	lines, err := entryLines(ctx, db.read, id, paper, pass)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(lines))
	for i, l := range lines {
		out[i] = Entry{Seq: i + 1, Line: l}
	}
	return out, nil
}

// CompareEntries returns every ballot where the two passes of a paper differ.
func (db *DB) CompareEntries(ctx context.Context, actor app.Actor, id int64, paper int) ([]election.Difference, error) {
	e, err := db.readEntries(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	offices, err := electionOffices(ctx, db.read, e.ID)
	if err != nil {
		return nil, err
	}
	po := election.PaperOffices(offices, paper)
	if len(po) == 0 {
		var errs app.FieldErrors
		errs.Add("paper", fmt.Sprintf("本次选举没有第%s张选票", org.Numeral(paper)))
		return nil, errs.Err()
	}
	first, err := entryLines(ctx, db.read, id, paper, 1)
	if err != nil {
		return nil, err
	}
	second, err := entryLines(ctx, db.read, id, paper, 2)
	if err != nil {
		return nil, err
	}
	return election.Compare(po, first, second), nil
}

func badSeq(seq, max int) error {
	var errs app.FieldErrors
	if max == 0 {
		errs.Add("seq", "该遍尚未录入选票")
	} else {
		errs.Add("seq", fmt.Sprintf("选票序号应在1至%d之间", max))
	}
	return errs.Err()
}

// entryAt reads the line at seq of a pass ("" when there is none).
func (tx *Tx) entryAt(ctx context.Context, id int64, paper, pass, seq int) string {
	var l string
	tx.QueryRowContext(ctx, `SELECT line FROM election_entry WHERE election_id = $1 AND paper = $2 AND pass = $3 AND seq = $4`,
		id, paper, pass, seq).Scan(&l)
	return l
}

// putEntry sets the line at seq of a pass, appending when seq is one past the end.
func (tx *Tx) putEntry(ctx context.Context, e electionScope, actor app.Actor, paper, pass, seq int, line string, n int) error {
	var err error
	if seq <= n {
		_, err = tx.ExecContext(ctx, `UPDATE election_entry SET line = $5, account_id = $6 WHERE election_id = $1 AND paper = $2
			AND pass = $3 AND seq = $4`, e.ID, paper, pass, seq, line, actor.AccountID)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO election_entry (election_id, paper, pass, seq, committee_id, line, account_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.ID, paper, pass, seq, e.CommitteeID, line, actor.AccountID)
	}
	return app.Internal(err, "put entry")
}

// shiftEntries moves the ballots of a pass from seq on by delta (+1 or -1),
// through negative numbers so that no two rows share a key on the way.
func (tx *Tx) shiftEntries(ctx context.Context, id int64, paper, pass, from, delta int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE election_entry SET seq = -(seq + $5) WHERE election_id = $1 AND paper = $2
		AND pass = $3 AND seq >= $4`, id, paper, pass, from, delta); err != nil {
		return app.Internal(err, "shift entries")
	}
	_, err := tx.ExecContext(ctx, `UPDATE election_entry SET seq = -seq WHERE election_id = $1 AND paper = $2 AND pass = $3
		AND seq < 0`, id, paper, pass)
	return app.Internal(err, "shift entries")
}

// entryChange is what the audit log keeps of a correction.
type entryChange struct {
	Paper int    `json:"paper"`
	Pass  int    `json:"pass,omitempty"`
	Seq   int    `json:"seq"`
	Line  string `json:"line"`
	First string `json:"first,omitempty"`
	Other string `json:"second,omitempty"`
}

// ResolveEntry sets ballot seq of both passes to the line read from the paper.
func (db *DB) ResolveEntry(ctx context.Context, actor app.Actor, id int64, paper, seq int, line string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		e, po, err := tx.lockEntry(ctx, actor, id, paper, 0)
		if err != nil {
			return err
		}
		c, err := lineField(po, line)
		if err != nil {
			return err
		}
		var n [3]int
		for pass := 1; pass <= 2; pass++ {
			if n[pass], err = tx.passCount(ctx, id, paper, pass); err != nil {
				return err
			}
		}
		if seq < 1 || seq > max(n[1], n[2]) || seq > min(n[1], n[2])+1 {
			return badSeq(seq, max(n[1], n[2]))
		}
		before := entryChange{Paper: paper, Seq: seq, First: tx.entryAt(ctx, id, paper, 1, seq),
			Other: tx.entryAt(ctx, id, paper, 2, seq)}
		for pass := 1; pass <= 2; pass++ {
			if err := tx.putEntry(ctx, e, actor, paper, pass, seq, c, n[pass]); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "election_entry", Entity: "election", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path,
			Summary: fmt.Sprintf("%s 第%s张选票第%d张核对为：%s", e.Title, org.Numeral(paper), seq, c),
			Before:  before, After: entryChange{Paper: paper, Seq: seq, Line: c}})
	})
}

// SetEntry, InsertEntry and DeleteEntry correct one pass (insert and delete shift later ballots).
func (db *DB) SetEntry(ctx context.Context, actor app.Actor, id int64, paper, pass, seq int, line string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		e, po, err := tx.lockEntry(ctx, actor, id, paper, pass)
		if err != nil {
			return err
		}
		c, err := lineField(po, line)
		if err != nil {
			return err
		}
		n, err := tx.passCount(ctx, id, paper, pass)
		if err != nil {
			return err
		}
		if seq < 1 || seq > n {
			return badSeq(seq, n)
		}
		before := entryChange{Paper: paper, Pass: pass, Seq: seq, Line: tx.entryAt(ctx, id, paper, pass, seq)}
		if err := tx.putEntry(ctx, e, actor, paper, pass, seq, c, n); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "election_entry", Entity: "election", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path,
			Summary: fmt.Sprintf("%s 第%s张选票第%s遍第%d张改为：%s", e.Title, org.Numeral(paper), passWord(pass), seq, c),
			Before:  before, After: entryChange{Paper: paper, Pass: pass, Seq: seq, Line: c}})
	})
}

func (db *DB) InsertEntry(ctx context.Context, actor app.Actor, id int64, paper, pass, seq int, line string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		e, po, err := tx.lockEntry(ctx, actor, id, paper, pass)
		if err != nil {
			return err
		}
		c, err := lineField(po, line)
		if err != nil {
			return err
		}
		n, err := tx.passCount(ctx, id, paper, pass)
		if err != nil {
			return err
		}
		if seq < 1 || seq > n+1 {
			return badSeq(seq, n+1)
		}
		if err := tx.shiftEntries(ctx, id, paper, pass, seq, 1); err != nil {
			return err
		}
		if err := tx.putEntry(ctx, e, actor, paper, pass, seq, c, seq-1); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "election_entry", Entity: "election", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path,
			Summary: fmt.Sprintf("%s 第%s张选票第%s遍在第%d张插入：%s", e.Title, org.Numeral(paper), passWord(pass), seq, c),
			After:   entryChange{Paper: paper, Pass: pass, Seq: seq, Line: c}})
	})
}

func (db *DB) DeleteEntry(ctx context.Context, actor app.Actor, id int64, paper, pass, seq int) error {
	return db.InTx(ctx, func(tx *Tx) error {
		e, _, err := tx.lockEntry(ctx, actor, id, paper, pass)
		if err != nil {
			return err
		}
		n, err := tx.passCount(ctx, id, paper, pass)
		if err != nil {
			return err
		}
		if seq < 1 || seq > n {
			return badSeq(seq, n)
		}
		before := entryChange{Paper: paper, Pass: pass, Seq: seq, Line: tx.entryAt(ctx, id, paper, pass, seq)}
		if _, err := tx.ExecContext(ctx, `DELETE FROM election_entry WHERE election_id = $1 AND paper = $2 AND pass = $3
			AND seq = $4`, id, paper, pass, seq); err != nil {
			return app.Internal(err, "delete entry")
		}
		if err := tx.shiftEntries(ctx, id, paper, pass, seq+1, -1); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "election_entry", Entity: "election", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path,
			Summary: fmt.Sprintf("%s 第%s张选票第%s遍删除第%d张：%s", e.Title, org.Numeral(paper), passWord(pass), seq, before.Line),
			Before:  before})
	})
}

// SignTally counts the ballots, freezes the tally and records the chief
// scrutineer's signature; refused while entry passes differ.
//
// The signing account must be the chief scrutineer's own member account, or
// an account that runs meetings signing on the chief's behalf (recorded so).
// Paper ballots: both passes of every paper entered and agreeing; returned
// is the number of agreed ballots; write-ins are resolved against the
// members seated in the term on the sitting's day by exact name (a name
// several members share counts for nobody). Electronic: the ballots cast.
// A paper whose returned ballots exceed those issued is void (Tally.Void).
func (db *DB) SignTally(ctx context.Context, actor app.Actor, id int64) (Election, error) {
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.lockElection(ctx, actor, id)
		if err != nil {
			return err
		}
		switch e.Status {
		case election.Draft, election.Voting:
			return app.Errorf(app.ECONFLICT, "投票尚未结束，不能签字")
		case election.Signed, election.Confirmed:
			return app.Errorf(app.ECONFLICT, "计票结果已签字")
		}
		if err := e.details(ctx, tx); err != nil {
			return err
		}
		var chief *ElectionScrutineer
		onBehalf := false
		for i, s := range e.Scrutineers {
			if s.Duty == ChiefScrutineer && (chief == nil || (actor.MemberID != 0 && s.MemberID == actor.MemberID)) {
				chief = &e.Scrutineers[i]
			}
		}
		switch {
		case chief == nil:
			return app.Errorf(app.ECONFLICT, "本次选举没有总监票人，不能签字")
		case actor.MemberID != 0 && actor.MemberID == chief.MemberID:
		case canRunMeetings(actor):
			onBehalf = true
		default:
			return app.Errorf(app.EFORBIDDEN, "计票结果须由总监票人本人签字，或由会务工作人员代为签字")
		}
		seated, err := seatedMembers(ctx, tx, e.TermID, e.meeting.Day(db.Loc))
		if err != nil {
			return err
		}
		tallies, err := tx.count(ctx, e, seated)
		if err != nil {
			return err
		}
		returned := 0
		for _, t := range tallies {
			returned = max(returned, t.Returned)
		}
		frozen, err := json.Marshal(tallies)
		if err != nil {
			return app.Internal(err, "sign: tally")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE election SET status = $2, returned = $3, tally_json = $4, signed_by = $5,
			signed_account = $6, signed_at = $7, updated_at = $7 WHERE id = $1`, id, string(election.Signed), returned,
			string(frozen), chief.Name, actor.AccountID, tx.Now); err != nil {
			return app.Internal(err, "sign tally")
		}
		after := e.Election
		after.Status, after.Returned, after.SignedBy, after.SignedAt = election.Signed, returned, chief.Name, tx.Now
		who := "总监票人" + chief.Name + "签字"
		if onBehalf {
			who = actor.Name + "代总监票人" + chief.Name + "签字"
		}
		var voids []string
		for _, t := range tallies {
			if t.Void {
				voids = append(voids, fmt.Sprintf("第%s张选票收回%d张，多于发出的%d张，选举无效", org.Numeral(t.Paper),
					t.Returned, t.Figures.Issued))
			}
		}
		summary := fmt.Sprintf("%s 计票结果（%s）", e.Title, who)
		if s := election.ResultSentence(shortCommittee(ctx, tx, e.CommitteeID), tallies); s != "" {
			summary += "：" + s
		}
		if len(voids) > 0 {
			summary += "；" + strings.Join(voids, "；")
		}
		return tx.Audit(ctx, actor, Change{Action: "election_sign", Entity: "election", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path, Summary: summary, Before: e.Election,
			After: struct {
				Election
				OnBehalf bool             `json:"on_behalf,omitempty"`
				Tallies  []election.Tally `json:"tallies"`
			}{after, onBehalf, tallies}})
	})
	if err != nil {
		return Election{}, err
	}
	return db.FindElectionByID(ctx, actor, id)
}

// shortCommittee is the committee's name as a report writes it (市政协); ""
// when unknown.
func shortCommittee(ctx context.Context, q querier, committeeID int64) string {
	var name string
	q.QueryRowContext(ctx, `SELECT name FROM org WHERE id = $1`, committeeID).Scan(&name)
	return name
}

// count counts every paper of an election.
func (tx *Tx) count(ctx context.Context, e electionScope, seated map[int64]string) ([]election.Tally, error) {
	byName := map[string]int64{}
	for id, name := range seated {
		if _, dup := byName[name]; dup {
			byName[name] = 0 // ambiguous: counts for nobody
		} else {
			byName[name] = id
		}
	}
	lookup := func(name string) int64 { return byName[name] }
	var out []election.Tally
	for _, p := range election.Papers(e.Offices) {
		po := election.PaperOffices(e.Offices, p)
		c := election.NewCounter(e.Rules, po)
		var lines []string
		if e.Mode == election.Paper {
			first, err := entryLines(ctx, tx, e.ID, p, 1)
			if err != nil {
				return nil, err
			}
			second, err := entryLines(ctx, tx, e.ID, p, 2)
			if err != nil {
				return nil, err
			}
			switch {
			case len(first) == 0:
				return nil, app.Errorf(app.ECONFLICT, "第%s张选票第一遍尚未录入，不能签字", org.Numeral(p))
			case len(second) == 0:
				return nil, app.Errorf(app.ECONFLICT, "第%s张选票第二遍尚未录入，不能签字", org.Numeral(p))
			}
			if d := election.Compare(po, first, second); len(d) > 0 {
				return nil, app.Errorf(app.ECONFLICT, "两遍录入不一致：第%s张选票有%d处不同（第一处为第%d张），请核对后再签字",
					org.Numeral(p), len(d), d[0].Seq)
			}
			lines = first
		} else {
			rows, err := tx.QueryContext(ctx, `SELECT content FROM election_ballot WHERE election_id = $1 AND paper = $2`, e.ID, p)
			if err != nil {
				return nil, app.Internal(err, "count: ballots")
			}
			for rows.Next() {
				var l string
				if err := rows.Scan(&l); err != nil {
					rows.Close()
					return nil, app.Internal(err, "count: scan ballot")
				}
				lines = append(lines, l)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, app.Internal(err, "count: ballots")
			}
		}
		for _, l := range lines {
			b, err := election.ParseLine(po, l)
			if err != nil {
				return nil, app.Internal(err, "count: stored ballot")
			}
			if e.Mode == election.Paper {
				election.ResolveWriteIns(&b, lookup)
			} else {
				for i := range b.Sections {
					for j := range b.Sections[i].WriteIns {
						w := &b.Sections[i].WriteIns[j]
						w.Name = seated[w.MemberID]
					}
				}
			}
			c.Add(b)
		}
		out = append(out, c.Tally(p, e.Figures))
	}
	return out, nil
}

// FindTally reads the signed tally, one per paper; nil before the tally is
// signed.
func (db *DB) FindTally(ctx context.Context, actor app.Actor, id int64) ([]election.Tally, error) {
	if _, err := db.readElection(ctx, db.read, actor, id); err != nil {
		return nil, err
	}
	var frozen string
	if err := db.read.QueryRowContext(ctx, `SELECT tally_json FROM election WHERE id = $1`, id).Scan(&frozen); err != nil {
		return nil, app.Internal(err, "find tally")
	}
	if frozen == "" {
		return nil, nil
	}
	var out []election.Tally
	if err := json.Unmarshal([]byte(frozen), &out); err != nil {
		return nil, app.Internal(err, "find tally: decode")
	}
	return out, nil
}

// ConfirmElection confirms the results: each person elected to an office
// with a role holds it from effective.
func (db *DB) ConfirmElection(ctx context.Context, actor app.Actor, id int64, effective app.Date) (Election, error) {
	if err := refuseMemberAccount(actor); err != nil {
		return Election{}, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.lockElection(ctx, actor, id)
		if err != nil {
			return err
		}
		switch e.Status {
		case election.Confirmed:
			return app.Errorf(app.ECONFLICT, "选举结果已确认")
		case election.Signed:
		default:
			return app.Errorf(app.ECONFLICT, "计票结果尚未签字，不能确认")
		}
		day := e.meeting.Day(db.Loc)
		if effective.IsZero() {
			effective = day
		}
		if effective.Before(day) {
			var errs app.FieldErrors
			errs.Add("effective_date", "任职日期不能早于选举日期（"+day.Chinese()+"）")
			return errs.Err()
		}
		var frozen string
		if err := tx.QueryRowContext(ctx, `SELECT tally_json FROM election WHERE id = $1`, id).Scan(&frozen); err != nil {
			return app.Internal(err, "confirm: tally")
		}
		var tallies []election.Tally
		if err := json.Unmarshal([]byte(frozen), &tallies); err != nil {
			return app.Internal(err, "confirm: tally")
		}
		var roles []member.Role
		var words []string
		for _, t := range tallies {
			if t.Void {
				continue
			}
			for _, o := range t.Offices {
				if o.Role == "" {
					continue
				}
				for _, mid := range o.Elected {
					// Someone elected to a role they already hold from that
					// day on (say a 常委 re-elected) keeps the role they have.
					var held int
					if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM member_role WHERE member_id = $1 AND term_id = $2
						AND kind = $3 AND start_date <= $4 AND (end_date = '' OR end_date >= $4)`,
						mid, e.TermID, string(o.Role), effective).Scan(&held); err != nil {
						return app.Internal(err, "confirm: roles held")
					}
					if held > 0 {
						words = append(words, candidateName(o, mid)+"已任"+o.Role.Label()+"（沿用）")
						continue
					}
					r, err := tx.addRole(ctx, actor, mid, member.RoleInput{TermID: e.TermID, Kind: o.Role,
						StartDate: effective, Note: e.Title + "当选"})
					if err != nil {
						if app.ErrorCode(err) != app.EINVALID {
							return err
						}
						name := candidateName(o, mid)
						msg := app.ErrorMessage(err)
						if fs := app.ErrorFields(err); len(fs) > 0 {
							msg = fs[0].Message
						}
						return app.Errorf(app.ECONFLICT, "%s不能自%s任%s：%s", name, effective.Chinese(), o.Role.Label(), msg)
					}
					roles = append(roles, r)
					words = append(words, candidateName(o, mid)+"任"+o.Role.Label())
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE election SET status = $2, effective_date = $3, confirmed_at = $4,
			updated_at = $4 WHERE id = $1`, id, string(election.Confirmed), effective, tx.Now); err != nil {
			return app.Internal(err, "confirm election")
		}
		after := e.Election
		after.Status, after.EffectiveDate, after.ConfirmedAt = election.Confirmed, effective, tx.Now
		summary := fmt.Sprintf("%s 确认选举结果，自%s起", e.Title, effective.Chinese())
		if len(words) > 0 {
			summary += strings.Join(words, "，")
		} else {
			summary += "无人因本次选举任职"
		}
		return tx.Audit(ctx, actor, Change{Action: "election_confirm", Entity: "election", EntityID: id,
			Committee: e.CommitteeID, OrgPath: e.path, Summary: summary, Before: e.Election,
			After: struct {
				Election
				Roles []member.Role `json:"roles"`
			}{after, roles}})
	})
	if err != nil {
		return Election{}, err
	}
	return db.FindElectionByID(ctx, actor, id)
}

// candidateName is the name of a person in an office's tally.
func candidateName(o election.OfficeTally, id int64) string {
	for _, c := range o.Candidates {
		if c.MemberID == id {
			return c.Name
		}
	}
	return "编号" + app.Itoa(id) + "的委员"
}
