package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
)

// Deliberation (审议): agenda items and the votes that adopt them. A vote is
// taken by show of hands (the office enters the counts) or electronically by
// the members signed in (one ballot each, changeable until the vote closes).
// The pass rule is kept with the vote; when it closes the figures (应到, 实到,
// for, against, abstain, not voted) are frozen and the result computed with
// the domain's rule.
//
// Audit: a ballot is not audited on its own. Each audit row takes the lock on
// its committee's chain head, so one row per ballot would serialise the whole
// vote on that lock (and multiply the log by the number of voters). Instead
// the vote's opening and closing are audited, the closing with the figures and
// a SHA-256 digest of every ballot (member id and choice, in member order), so
// the ballots recorded at close can be checked against the log later. Show-of-
// hands counts are entered by the office and audited like any other change.

// AgendaKind is the kind of document an agenda item puts before the meeting.
type AgendaKind string

const (
	AgendaResolution     AgendaKind = "resolution"      // 决议
	AgendaWorkPlan       AgendaKind = "work_plan"       // 协商工作计划
	AgendaRecommendation AgendaKind = "recommendation"  // 建议案
	AgendaResearchReport AgendaKind = "research_report" // 调研报告
	AgendaMeetingPlan    AgendaKind = "meeting_plan"    // 协商会方案
	AgendaOther          AgendaKind = "other"           // 其他

	// Items an election (store/election.go) puts on its sitting's agenda.
	AgendaElectionRules AgendaKind = "election_rules" // 选举办法
	AgendaScrutineers   AgendaKind = "scrutineers"    // 监票人名单
)

// AgendaKinds in display order.
var AgendaKinds = []AgendaKind{AgendaResolution, AgendaWorkPlan, AgendaRecommendation, AgendaResearchReport,
	AgendaMeetingPlan, AgendaOther, AgendaElectionRules, AgendaScrutineers}

// Label is the agenda kind in Chinese.
func (k AgendaKind) Label() string {
	switch k {
	case AgendaResolution:
		return "决议"
	case AgendaWorkPlan:
		return "协商工作计划"
	case AgendaRecommendation:
		return "建议案"
	case AgendaResearchReport:
		return "调研报告"
	case AgendaMeetingPlan:
		return "协商会方案"
	case AgendaOther:
		return "其他"
	case AgendaElectionRules:
		return "选举办法"
	case AgendaScrutineers:
		return "监票人名单"
	}
	return string(k)
}

// Valid reports whether k is a known agenda kind.
func (k AgendaKind) Valid() bool {
	for _, x := range AgendaKinds {
		if x == k {
			return true
		}
	}
	return false
}

// AgendaItem is one item on a meeting's agenda (议程).
type AgendaItem struct {
	ID        int64      `json:"id"`
	MeetingID int64      `json:"meeting_id"`
	Seq       int        `json:"seq"`
	Kind      AgendaKind `json:"kind"`
	Title     string     `json:"title"`
	Note      string     `json:"note"`
}

// AgendaItemInput is what a form supplies for an agenda item; Seq 0 is the
// next number.
type AgendaItemInput struct {
	Seq   int        `json:"seq"`
	Kind  AgendaKind `json:"kind"`
	Title string     `json:"title"`
	Note  string     `json:"note"`
}

func (in *AgendaItemInput) validate() app.FieldErrors {
	in.Title, in.Note = strings.TrimSpace(in.Title), strings.TrimSpace(in.Note)
	var errs app.FieldErrors
	if !in.Kind.Valid() {
		errs.Add("kind", "请选择议程类型")
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs.Add("title", "请填写议程名称")
	case n > 200:
		errs.Add("title", "议程名称不能超过200个字")
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		errs.Add("note", "说明不能超过2000个字")
	}
	if in.Seq < 0 || in.Seq > 999 {
		errs.Add("seq", "议程序号应在1至999之间")
	}
	return errs
}

func agendaSeqTaken(seq int) error {
	var errs app.FieldErrors
	errs.Add("seq", fmt.Sprintf("第%d项议程已存在", seq))
	return errs.Err()
}

const agendaColumns = `a.id, a.meeting_id, a.seq, a.kind, a.title, a.note`

func scanAgenda(s scanner, a *AgendaItem) error {
	return s.Scan(&a.ID, &a.MeetingID, &a.Seq, &a.Kind, &a.Title, &a.Note)
}

// AddAgendaItem puts an item on the agenda of a meeting that has not closed.
func (db *DB) AddAgendaItem(ctx context.Context, actor app.Actor, meetingID int64, in AgendaItemInput) (AgendaItem, error) {
	var a AgendaItem
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockMeeting(ctx, actor, meetingID)
		if err != nil {
			return err
		}
		if err := in.validate().Err(); err != nil {
			return err
		}
		if m.Status == meeting.Closed {
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再修改议程")
		}
		if in.Seq == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM agenda_item WHERE meeting_id = $1`,
				m.ID).Scan(&in.Seq); err != nil {
				return app.Internal(err, "next agenda number")
			}
		}
		a = AgendaItem{MeetingID: m.ID, Seq: in.Seq, Kind: in.Kind, Title: in.Title, Note: in.Note}
		err = tx.QueryRowContext(ctx, `INSERT INTO agenda_item (committee_id, meeting_id, seq, kind, title, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (meeting_id, seq) DO NOTHING RETURNING id`,
			m.CommitteeID, m.ID, a.Seq, string(a.Kind), a.Title, a.Note, tx.Now).Scan(&a.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return agendaSeqTaken(a.Seq)
		} else if err != nil {
			return app.Internal(err, "insert agenda item")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 增加议程%d：%s", m.Title, a.Seq, a.Title), After: a})
	})
	return a, err
}

// UpdateAgendaItem changes an agenda item until it is put to a vote.
func (db *DB) UpdateAgendaItem(ctx context.Context, actor app.Actor, itemID int64, in AgendaItemInput) (AgendaItem, error) {
	var after AgendaItem
	err := db.InTx(ctx, func(tx *Tx) error {
		before, m, err := tx.agendaItem(ctx, actor, itemID)
		if err != nil {
			return err
		}
		if err := in.validate().Err(); err != nil {
			return err
		}
		if m.Status == meeting.Closed {
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再修改议程")
		}
		var votes int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote WHERE agenda_item_id = $1`, itemID).Scan(&votes); err != nil {
			return app.Internal(err, "agenda item votes")
		}
		if votes > 0 {
			return app.Errorf(app.ECONFLICT, "该议程已付表决，不能再修改")
		}
		if in.Seq == 0 {
			in.Seq = before.Seq
		}
		var other int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM agenda_item WHERE meeting_id = $1 AND seq = $2 AND id <> $3`,
			m.ID, in.Seq, itemID).Scan(&other)
		if err == nil {
			return agendaSeqTaken(in.Seq)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return app.Internal(err, "agenda number taken")
		}
		after = AgendaItem{ID: itemID, MeetingID: m.ID, Seq: in.Seq, Kind: in.Kind, Title: in.Title, Note: in.Note}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_item SET seq = $2, kind = $3, title = $4, note = $5, updated_at = $6
			WHERE id = $1`, itemID, after.Seq, string(after.Kind), after.Title, after.Note, tx.Now); err != nil {
			if isUniqueViolation(err) {
				return agendaSeqTaken(in.Seq)
			}
			return app.Internal(err, "update agenda item")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 修改议程%d：%s", m.Title, after.Seq, after.Title), Before: before, After: after})
	})
	return after, err
}

// agendaItem finds an agenda item and locks its meeting; one outside the
// actor's subtree is not found.
func (tx *Tx) agendaItem(ctx context.Context, actor app.Actor, itemID int64) (AgendaItem, meetingScope, error) {
	var a AgendaItem
	if err := scanAgenda(tx.QueryRowContext(ctx, `SELECT `+agendaColumns+` FROM agenda_item a WHERE a.id = $1`, itemID), &a); err != nil {
		return a, meetingScope{}, notFound(err, "议程", "find agenda item")
	}
	m, err := tx.lockMeeting(ctx, actor, a.MeetingID)
	if err != nil {
		return a, m, app.NotFound("议程")
	}
	return a, m, nil
}

// FindAgendaItems lists a meeting's agenda in order.
func (db *DB) FindAgendaItems(ctx context.Context, actor app.Actor, meetingID int64) ([]AgendaItem, error) {
	if _, err := findMeeting(ctx, db.read, actor, meetingID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+agendaColumns+` FROM agenda_item a WHERE a.meeting_id = $1
		ORDER BY a.seq, a.id`, meetingID)
	if err != nil {
		return nil, app.Internal(err, "find agenda items")
	}
	defer rows.Close()
	var out []AgendaItem
	for rows.Next() {
		var a AgendaItem
		if err := scanAgenda(rows, &a); err != nil {
			return nil, app.Internal(err, "scan agenda item")
		}
		out = append(out, a)
	}
	return out, app.Internal(rows.Err(), "find agenda items")
}

// --- Votes ---

// VoteMode is how a vote is taken.
type VoteMode string

const (
	VoteHands      VoteMode = "hands"      // 举手表决: the office enters the counts
	VoteElectronic VoteMode = "electronic" // 电子表决: members signed in vote on their devices
)

// Label is the mode in Chinese.
func (m VoteMode) Label() string {
	switch m {
	case VoteHands:
		return "举手表决"
	case VoteElectronic:
		return "电子表决"
	}
	return string(m)
}

// VoteStatus is whether a vote is open or closed.
type VoteStatus string

const (
	VoteOpen   VoteStatus = "open"   // 表决中
	VoteClosed VoteStatus = "closed" // 已结束
)

// Vote is a deliberation vote on an agenda item. Expected, Present and the
// tally are written when it closes (a show of hands' counts when entered);
// an open electronic vote shows no running tally.
type Vote struct {
	ID           int64            `json:"id"`
	MeetingID    int64            `json:"meeting_id"`
	AgendaItemID int64            `json:"agenda_item_id"`
	ItemTitle    string           `json:"item_title"`
	Mode         VoteMode         `json:"mode"`
	Status       VoteStatus       `json:"status"`
	Rule         meeting.PassRule `json:"rule"`
	Expected     int              `json:"expected"`
	Present      int              `json:"present"`
	Tallied      bool             `json:"tallied"` // show of hands: counts entered
	Tally        meeting.Tally    `json:"tally"`
	Passed       bool             `json:"passed"`
	OpenedAt     time.Time        `json:"opened_at"`
	ClosedAt     time.Time        `json:"closed_at"`
}

// Result is 通过 or 未通过 once the vote has closed, "" before.
func (v Vote) Result() string {
	if v.Status != VoteClosed {
		return ""
	}
	return meeting.ResultLabel(v.Passed)
}

const voteColumns = `v.id, v.meeting_id, v.agenda_item_id, a.title, v.mode, v.status, v.pass_num, v.pass_den,
	v.pass_strict, v.pass_base, v.expected, v.present, v.tallied, v.for_count, v.against_count, v.abstain_count,
	v.not_voted, v.passed, v.opened_at, v.closed_at`

const voteFrom = ` FROM vote v JOIN agenda_item a ON a.id = v.agenda_item_id JOIN org o ON o.id = v.committee_id`

func scanVote(s scanner, v *Vote, extra ...any) error {
	var closed sql.NullTime
	err := s.Scan(append([]any{&v.ID, &v.MeetingID, &v.AgendaItemID, &v.ItemTitle, &v.Mode, &v.Status, &v.Rule.Num,
		&v.Rule.Den, &v.Rule.Strict, &v.Rule.Base, &v.Expected, &v.Present, &v.Tallied, &v.Tally.For, &v.Tally.Against,
		&v.Tally.Abstain, &v.Tally.NotVoted, &v.Passed, &v.OpenedAt, &closed}, extra...)...)
	if closed.Valid {
		v.ClosedAt = closed.Time
	}
	return err
}

// FindVoteByID returns a vote of a meeting in the actor's subtree.
func (db *DB) FindVoteByID(ctx context.Context, actor app.Actor, id int64) (Vote, error) {
	var v Vote
	err := scanVote(db.read.QueryRowContext(ctx, `SELECT `+voteColumns+voteFrom+` WHERE v.id = $1 AND o.path LIKE $2 || '%'`,
		id, actor.Path), &v)
	if err != nil {
		return v, notFound(err, "表决", "find vote")
	}
	return v, nil
}

// FindVotes lists a meeting's votes in the order they were opened.
func (db *DB) FindVotes(ctx context.Context, actor app.Actor, meetingID int64) ([]Vote, error) {
	if _, err := findMeeting(ctx, db.read, actor, meetingID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+voteColumns+voteFrom+` WHERE v.meeting_id = $1 ORDER BY v.id`, meetingID)
	if err != nil {
		return nil, app.Internal(err, "find votes")
	}
	defer rows.Close()
	var out []Vote
	for rows.Next() {
		var v Vote
		if err := scanVote(rows, &v); err != nil {
			return nil, app.Internal(err, "scan vote")
		}
		out = append(out, v)
	}
	return out, app.Internal(rows.Err(), "find votes")
}

// OpenVote puts an agenda item to the vote, by show of hands or
// electronically, under a pass rule (the zero rule is the default: for-votes
// more than half of all expected members). It is refused unless the meeting
// is open and its quorum holds, while another vote of the meeting is open,
// and for an item already put to the vote.
func (db *DB) OpenVote(ctx context.Context, actor app.Actor, itemID int64, mode VoteMode, rule meeting.PassRule) (Vote, error) {
	var v Vote
	err := db.InTx(ctx, func(tx *Tx) error {
		item, m, err := tx.agendaItem(ctx, actor, itemID)
		if err != nil {
			return err
		}
		if rule == (meeting.PassRule{}) {
			rule = meeting.DefaultPassRule()
		}
		var errs app.FieldErrors
		if mode != VoteHands && mode != VoteElectronic {
			errs.Add("mode", "请选择举手表决或电子表决")
		}
		if msg := rule.Check(); msg != "" {
			errs.Add("rule", msg)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		switch m.Status {
		case meeting.Draft, meeting.Notified:
			return app.Errorf(app.ECONFLICT, "会议尚未开始，不能表决")
		case meeting.Closed:
			return app.Errorf(app.ECONFLICT, "会议已结束，不能表决")
		}
		var title string
		var status VoteStatus
		err = tx.QueryRowContext(ctx, `SELECT a.title, v.status FROM vote v JOIN agenda_item a ON a.id = v.agenda_item_id
			WHERE v.meeting_id = $1 AND (v.status = 'open' OR v.agenda_item_id = $2) ORDER BY v.id DESC LIMIT 1`,
			m.ID, itemID).Scan(&title, &status)
		switch {
		case err == nil && status == VoteOpen:
			return app.Errorf(app.ECONFLICT, "“%s”正在表决，请先结束该表决", title)
		case err == nil:
			return app.Errorf(app.ECONFLICT, "“%s”已表决", title)
		case !errors.Is(err, sql.ErrNoRows):
			return app.Internal(err, "open vote: other votes")
		}
		att, err := attendanceOf(ctx, tx, m.Meeting, db.Loc)
		if err != nil {
			return err
		}
		q := m.Quorum.Evaluate(att)
		if !q.Met {
			return app.Errorf(app.ECONFLICT, "未达到法定人数，不能表决：应到%d人，实到%d人，须%s（至少%d人）",
				q.Expected, q.Present, m.Quorum.Text(), q.Need)
		}
		v = Vote{MeetingID: m.ID, AgendaItemID: item.ID, ItemTitle: item.Title, Mode: mode, Status: VoteOpen, Rule: rule,
			OpenedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO vote (committee_id, meeting_id, agenda_item_id, mode, status,
			pass_num, pass_den, pass_strict, pass_base, opened_at, opened_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			m.CommitteeID, m.ID, item.ID, string(mode), string(VoteOpen), rule.Num, rule.Den, rule.Strict, string(rule.Base),
			tx.Now, actor.AccountID).Scan(&v.ID); err != nil {
			if isUniqueViolation(err) {
				return app.Errorf(app.ECONFLICT, "本次会议已有正在进行的表决，请先结束该表决")
			}
			return app.Internal(err, "insert vote")
		}
		return tx.Audit(ctx, actor, Change{Action: "vote_open", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 对“%s”开始%s（%s）", m.Title, item.Title, mode.Label(), rule.Text()),
			After: struct {
				Vote
				Quorum meeting.QuorumResult `json:"quorum"`
			}{v, q}})
	})
	return v, err
}

// CastBallot records or changes an expected, signed-in member's electronic
// ballot while the vote is open: one ballot per member, the last choice
// counts. One small transaction: the vote row (shared lock, so the vote
// cannot close under it), two key lookups and an upsert; not audited on its
// own (see the package note above).
func (db *DB) CastBallot(ctx context.Context, actor app.Actor, voteID, memberID int64, choice meeting.Choice) error {
	if err := actsForSelf(actor, memberID, "投票"); err != nil {
		return err
	}
	check, err := db.writeStmt(ctx, `SELECT v.status, v.mode, v.committee_id,
		(SELECT COUNT(*) FROM meeting_expected e WHERE e.meeting_id = v.meeting_id AND e.member_id = $3),
		(SELECT COUNT(*) FROM sign_in s WHERE s.meeting_id = v.meeting_id AND s.member_id = $3)
		FROM vote v JOIN org o ON o.id = v.committee_id
		WHERE v.id = $1 AND o.path LIKE $2 || '%'`+db.Dialect.forShareOf("v"))
	if err != nil {
		return app.Internal(err, "cast ballot: prepare")
	}
	upsert, err := db.writeStmt(ctx, `INSERT INTO vote_ballot (vote_id, member_id, committee_id, choice, cast_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (vote_id, member_id) DO UPDATE SET choice = excluded.choice, cast_at = excluded.cast_at`)
	if err != nil {
		return app.Internal(err, "cast ballot: prepare")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var status VoteStatus
		var mode VoteMode
		var committeeID int64
		var expected, signed int
		err := tx.StmtContext(ctx, check).QueryRowContext(ctx, voteID, actor.Path, memberID).
			Scan(&status, &mode, &committeeID, &expected, &signed)
		if err != nil {
			return notFound(err, "表决", "cast ballot: vote")
		}
		closed := status != VoteOpen
		if err := meeting.CanVote(true, closed, choice); err != nil {
			return err
		}
		if mode != VoteElectronic {
			return app.Errorf(app.ECONFLICT, "本项为举手表决，不能电子投票")
		}
		if expected == 0 {
			return app.Errorf(app.EINVALID, "该委员不在本次会议的应到名单中，不能表决")
		}
		if err := meeting.CanVote(signed > 0, closed, choice); err != nil {
			return err
		}
		if _, err := tx.StmtContext(ctx, upsert).ExecContext(ctx, voteID, memberID, committeeID, string(choice), tx.Now); err != nil {
			return app.Internal(err, "cast ballot")
		}
		return nil
	})
}

// voteScope is a vote with its meeting and the meeting's committee path.
type voteScope struct {
	Vote
	meeting meetingScope
}

// lockVote finds a vote in the actor's subtree and locks it (and, through
// lockMeeting, its meeting) until the transaction ends.
func (tx *Tx) lockVote(ctx context.Context, actor app.Actor, id int64) (voteScope, error) {
	var v voteScope
	var meetingID int64
	if err := tx.QueryRowContext(ctx, `SELECT v.meeting_id FROM vote v JOIN org o ON o.id = v.committee_id
		WHERE v.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path).Scan(&meetingID); err != nil {
		return v, notFound(err, "表决", "find vote")
	}
	m, err := tx.lockMeeting(ctx, actor, meetingID)
	if err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			return v, err // the database failed: not an answer about the vote
		}
		return v, app.NotFound("表决")
	}
	v.meeting = m
	err = scanVote(tx.QueryRowContext(ctx, `SELECT `+voteColumns+voteFrom+` WHERE v.id = $1`+tx.db.Dialect.forUpdateOf("v"), id), &v.Vote)
	return v, notFound(err, "表决", "lock vote")
}

// RecordHands enters the counts of a show of hands while the vote is open;
// they are checked against the members present (meeting.CheckTally) and may
// be entered again until the vote closes.
func (db *DB) RecordHands(ctx context.Context, actor app.Actor, voteID int64, t meeting.Tally) (Vote, error) {
	var after Vote
	err := db.InTx(ctx, func(tx *Tx) error {
		v, err := tx.lockVote(ctx, actor, voteID)
		if err != nil {
			return err
		}
		if v.Status != VoteOpen {
			return app.Errorf(app.ECONFLICT, "表决已结束，不能再修改票数")
		}
		if v.Mode != VoteHands {
			return app.Errorf(app.ECONFLICT, "本项为电子表决，票数由系统统计")
		}
		att, err := attendanceOf(ctx, tx, v.meeting.Meeting, db.Loc)
		if err != nil {
			return err
		}
		t, err := meeting.CheckTally(t, att.Present)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vote SET tallied = TRUE, for_count = $2, against_count = $3,
			abstain_count = $4, not_voted = $5 WHERE id = $1`, voteID, t.For, t.Against, t.Abstain, t.NotVoted); err != nil {
			return app.Internal(err, "record hands")
		}
		after = v.Vote
		after.Tallied, after.Tally = true, t
		return tx.Audit(ctx, actor, Change{Action: "vote_hands", Entity: "meeting", EntityID: v.MeetingID,
			Committee: v.meeting.CommitteeID, OrgPath: v.meeting.path,
			Summary: fmt.Sprintf("%s “%s”举手表决录入：赞成%d，反对%d，弃权%d，实到%d", v.meeting.Title, v.ItemTitle,
				t.For, t.Against, t.Abstain, att.Present), Before: v.Vote, After: after})
	})
	return after, err
}

// CloseVote ends a vote: it freezes 应到 and 实到, counts the electronic
// ballots (or takes the show of hands' counts, which must have been
// entered), computes 通过/未通过 with the vote's pass rule, writes a duty event
// "voted" for every member whose ballot counted, and audits the figures with
// a digest of the ballots, all in one transaction.
func (db *DB) CloseVote(ctx context.Context, actor app.Actor, voteID int64) (Vote, error) {
	var after Vote
	err := db.InTx(ctx, func(tx *Tx) error {
		v, err := tx.lockVote(ctx, actor, voteID)
		if err != nil {
			return err
		}
		if v.Status != VoteOpen {
			return app.Errorf(app.ECONFLICT, "表决已结束")
		}
		m := v.meeting
		rows, err := attendanceRows(ctx, tx, m.Meeting, db.Loc)
		if err != nil {
			return err
		}
		att := countAttendance(rows, 0)
		present := make(map[int64]bool, len(rows))
		for _, r := range rows {
			present[r.id] = r.signInID != 0
		}
		var tally meeting.Tally
		var digest string
		var voters []int64
		switch v.Mode {
		case VoteElectronic:
			votes, sum, err := ballots(ctx, tx, voteID)
			if err != nil {
				return err
			}
			digest = sum
			tally = meeting.TallyVotes(votes, present)
			for id, c := range votes {
				if present[id] && c.Valid() {
					voters = append(voters, id)
				}
			}
		default:
			if !v.Tallied {
				return app.Errorf(app.ECONFLICT, "请先录入举手表决的赞成、反对、弃权票数")
			}
			if tally, err = meeting.CheckTally(v.Tally, att.Present); err != nil {
				return err
			}
		}
		passed := v.Rule.Passed(tally, att.Expected, att.Present)
		if _, err := tx.ExecContext(ctx, `UPDATE vote SET status = $2, expected = $3, present = $4, for_count = $5,
			against_count = $6, abstain_count = $7, not_voted = $8, passed = $9, closed_at = $10, closed_by = $11
			WHERE id = $1`, voteID, string(VoteClosed), att.Expected, att.Present, tally.For, tally.Against, tally.Abstain,
			tally.NotVoted, passed, tx.Now, actor.AccountID); err != nil {
			return app.Internal(err, "close vote")
		}
		day := m.Day(db.Loc)
		if passed { // a consultation work plan put to this vote is adopted (consult_plan.go)
			if err := tx.adoptPlans(ctx, actor, v.AgendaItemID, day); err != nil {
				return err
			}
		}
		events := make([]DutyEvent, len(voters))
		for i, id := range voters {
			events[i] = DutyEvent{CommitteeID: m.CommitteeID, MemberID: id, Kind: DutyVoted, OccurredOn: day,
				MeetingID: m.ID, Source: SourceVote, SourceID: voteID}
		}
		if err := tx.RecordDuty(ctx, events...); err != nil {
			return err
		}
		after = v.Vote
		after.Status, after.Expected, after.Present, after.Tally, after.Passed, after.ClosedAt =
			VoteClosed, att.Expected, att.Present, tally, passed, tx.Now
		return tx.Audit(ctx, actor, Change{Action: "vote_close", Entity: "meeting", EntityID: m.ID, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s “%s”%s结束：应到%d人，实到%d人，%s", m.Title, v.ItemTitle,
				v.Mode.Label(), att.Expected, att.Present, tally.Sentence(passed)),
			Before: v.Vote, After: struct {
				Vote
				Ballots       int    `json:"ballots,omitempty"`
				BallotsSHA256 string `json:"ballots_sha256,omitempty"`
			}{after, len(voters), digest}})
	})
	return after, err
}

// ballots reads a vote's ballots and their digest: SHA-256 over
// "member_id:choice\n" lines in member order.
func ballots(ctx context.Context, q querier, voteID int64) (map[int64]meeting.Choice, string, error) {
	rows, err := q.QueryContext(ctx, `SELECT member_id, choice FROM vote_ballot WHERE vote_id = $1 ORDER BY member_id`, voteID)
	if err != nil {
		return nil, "", app.Internal(err, "read ballots")
	}
	defer rows.Close()
	h := sha256.New()
	out := map[int64]meeting.Choice{}
	for rows.Next() {
		var id int64
		var c meeting.Choice
		if err := rows.Scan(&id, &c); err != nil {
			return nil, "", app.Internal(err, "scan ballot")
		}
		out[id] = c
		fmt.Fprintf(h, "%d:%s\n", id, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", app.Internal(err, "read ballots")
	}
	return out, hex.EncodeToString(h.Sum(nil)), nil
}

// VoteProgress is what the live board shows while a vote runs: how many have
// voted, never how.
type VoteProgress struct {
	VoteID   int64      `json:"vote_id"`
	Status   VoteStatus `json:"status"`
	Mode     VoteMode   `json:"mode"`
	Cast     int        `json:"cast"`     // ballots cast (electronic)
	Present  int        `json:"present"`  // 实到
	Expected int        `json:"expected"` // 应到
}

// VoteProgress reports how many of the members present have voted.
func (db *DB) VoteProgress(ctx context.Context, actor app.Actor, voteID int64) (VoteProgress, error) {
	p := VoteProgress{VoteID: voteID}
	err := db.read.QueryRowContext(ctx, `SELECT v.status, v.mode,
		(SELECT COUNT(*) FROM vote_ballot b WHERE b.vote_id = v.id),
		(SELECT COUNT(*) FROM sign_in s JOIN meeting_expected e ON e.meeting_id = s.meeting_id AND e.member_id = s.member_id
			WHERE s.meeting_id = v.meeting_id),
		(SELECT COUNT(*) FROM meeting_expected e WHERE e.meeting_id = v.meeting_id)
		FROM vote v JOIN org o ON o.id = v.committee_id WHERE v.id = $1 AND o.path LIKE $2 || '%'`,
		voteID, actor.Path).Scan(&p.Status, &p.Mode, &p.Cast, &p.Present, &p.Expected)
	if err != nil {
		return p, notFound(err, "表决", "vote progress")
	}
	return p, nil
}
