package store

// Elections (选举) at a sitting of a plenary session. Lifecycle (election.Status):
//
//   - draft: the office creates the election at a sitting; two agenda items
//     are added to the sitting (选举办法, 总监票人、监票人名单) which the meeting
//     adopts with the ordinary votes (OpenVote/CloseVote). Title, mode, rules,
//     offices and candidates can change until the rules item is put to the
//     vote; the scrutineers until theirs is.
//   - voting (OpenElection, election_vote.go): ballots issued to every
//     expected member signed in; figures frozen.
//   - counting (CloseElectionVoting): electronic ballots closed (and, for
//     secrecy, rewritten in key order); paper ballots entered twice
//     (election_count.go).
//   - signed (SignTally): the tally counted and frozen as JSON.
//   - confirmed (ConfirmElection): roles given from the effective date.
//
// Every function keeps to the actor's subtree (another county's election is
// not found) and audits its change in the same transaction, except single
// electronic ballots (see election_vote.go on secrecy). Member accounts read
// only the elections of sittings they are expected at, cast only their own
// ballot, and enter paper ballots only as a scrutineer or teller of the
// election.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/auth"
	"xieshang/internal/election"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
)

// ScrutineerDuty is a scrutineer's or teller's duty at an election.
type ScrutineerDuty string

const (
	ChiefScrutineer ScrutineerDuty = "chief_scrutineer" // 总监票人
	Scrutineer      ScrutineerDuty = "scrutineer"       // 监票人
	ChiefTeller     ScrutineerDuty = "chief_teller"     // 总计票人
	Teller          ScrutineerDuty = "teller"           // 计票人
)

// ScrutineerDuties in display order.
var ScrutineerDuties = []ScrutineerDuty{ChiefScrutineer, Scrutineer, ChiefTeller, Teller}

// Label is the duty in Chinese.
func (d ScrutineerDuty) Label() string {
	switch d {
	case ChiefScrutineer:
		return "总监票人"
	case Scrutineer:
		return "监票人"
	case ChiefTeller:
		return "总计票人"
	case Teller:
		return "计票人"
	}
	return string(d)
}

// ElectionScrutineer is a member serving as scrutineer or teller.
type ElectionScrutineer struct {
	MemberID int64          `json:"member_id"`
	Name     string         `json:"name"`
	Duty     ScrutineerDuty `json:"duty"`
}

// Election is an election held at a sitting of a plenary (选举大会).
type Election struct {
	ID           int64           `json:"id"`
	CommitteeID  int64           `json:"committee_id"`
	MeetingID    int64           `json:"meeting_id"` // the sitting
	MeetingTitle string          `json:"meeting_title"`
	TermID       int64           `json:"term_id"`
	Title        string          `json:"title"` // e.g. 补选市政协副主席、秘书长和常务委员
	Mode         election.Mode   `json:"mode"`
	Status       election.Status `json:"status"`
	Rules        election.Rules  `json:"rules"`
	// The two agenda items of the sitting the meeting adopts by vote before
	// the ballots are issued: the 选举办法 and the list of 总监票人、监票人.
	// Created with the election; Adopted/Approved are read from their votes
	// (closed and passed).
	RulesItemID         int64                `json:"rules_item_id"`
	ScrutineersItemID   int64                `json:"scrutineers_item_id"`
	RulesAdopted        bool                 `json:"rules_adopted"`
	ScrutineersApproved bool                 `json:"scrutineers_approved"`
	Figures             election.Figures     `json:"figures"`  // frozen when the ballots are issued
	Returned            int                  `json:"returned"` // electronic: ballots cast so far; paper: set at signing
	Offices             []election.Office    `json:"offices"`  // by paper, seq; with candidates
	Scrutineers         []ElectionScrutineer `json:"scrutineers"`
	SignedBy            string               `json:"signed_by"` // the chief scrutineer's name
	SignedAt            time.Time            `json:"signed_at"`
	EffectiveDate       app.Date             `json:"effective_date"` // roles held from (set on confirmation)
	ConfirmedAt         time.Time            `json:"confirmed_at"`
	CreatedAt           time.Time            `json:"created_at"`
}

// ElectionInput is what a form supplies for an election.
type ElectionInput struct {
	Title string         `json:"title"`
	Mode  election.Mode  `json:"mode"`
	Rules election.Rules `json:"rules"`
}

// OfficeInput is what a form supplies for an office on a ballot paper.
type OfficeInput struct {
	Paper       int             `json:"paper"` // 0: paper 1
	Seq         int             `json:"seq"`   // 0: next on the paper
	Name        string          `json:"name"`
	Role        member.RoleKind `json:"role"`
	Seats       int             `json:"seats"`
	Competitive bool            `json:"competitive"`
}

// ElectionProgress is how many ballots are out and back.
type ElectionProgress struct {
	Issued   int `json:"issued"`
	Returned int `json:"returned"`
}

// VoterStatus is one member's ballot record: received and returned, never
// what the ballot said.
type VoterStatus struct {
	Received bool `json:"received"`
	Returned bool `json:"returned"`
}

// EntryPass is one of the two entry passes of a paper.
type EntryPass struct {
	Paper     int    `json:"paper"`
	Pass      int    `json:"pass"` // 1 or 2
	AccountID int64  `json:"account_id"`
	Who       string `json:"who"` // account display name
	Count     int    `json:"count"`
}

// Entry is one paper ballot as a pass entered it.
type Entry struct {
	Seq  int    `json:"seq"`
	Line string `json:"line"`
}

// ReceiptCheck is what a receipt code confirms.
type ReceiptCheck struct {
	Found   bool `json:"found"`   // a ballot of this election carries the code
	Counted bool `json:"counted"` // the tally has been signed with it in
	Papers  int  `json:"papers"`  // ballot papers cast under the code
}

// Duty events written by elections (duty.go's RecordDuty).
const (
	DutyElectionVoted = "election_voted" // cast an electronic ballot in an election (source election)
	SourceElection    = "election"
)

// Limits on what forms supply.
const (
	maxElectionTitle = 100
	maxOfficeSeats   = 999
	maxPapers        = 9
)

const electionColumns = `e.id, e.committee_id, e.meeting_id, mt.title, e.term_id, e.title, e.mode, e.status, e.rules_json,
	e.rules_item_id, e.scrutineers_item_id, e.fig_all, e.fig_expected, e.fig_issued, e.returned, e.signed_by,
	e.signed_at, e.effective_date, e.confirmed_at, e.created_at`

const electionFrom = ` FROM election e JOIN meeting mt ON mt.id = e.meeting_id JOIN org o ON o.id = e.committee_id`

func scanElection(s scanner, e *Election, extra ...any) error {
	var rules string
	var signed, confirmed sql.NullTime
	err := s.Scan(append([]any{&e.ID, &e.CommitteeID, &e.MeetingID, &e.MeetingTitle, &e.TermID, &e.Title, &e.Mode,
		&e.Status, &rules, &e.RulesItemID, &e.ScrutineersItemID, &e.Figures.All, &e.Figures.Expected,
		&e.Figures.Issued, &e.Returned, &e.SignedBy, &signed, &e.EffectiveDate, &confirmed, &e.CreatedAt}, extra...)...)
	if err != nil {
		return err
	}
	e.CreatedAt = e.CreatedAt.UTC()
	if signed.Valid {
		e.SignedAt = signed.Time.UTC()
	}
	if confirmed.Valid {
		e.ConfirmedAt = confirmed.Time.UTC()
	}
	if err := json.Unmarshal([]byte(rules), &e.Rules); err != nil {
		return fmt.Errorf("election %d rules: %w", e.ID, err)
	}
	return nil
}

// electionScope is an election with its committee's path and its sitting.
type electionScope struct {
	Election
	path    string
	meeting meetingScope
}

// findElection reads an election in the actor's subtree (no details).
func findElection(ctx context.Context, q querier, actor app.Actor, id int64) (electionScope, error) {
	var e electionScope
	err := scanElection(q.QueryRowContext(ctx, `SELECT `+electionColumns+`, o.path`+electionFrom+`
		WHERE e.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path), &e.Election, &e.path)
	return e, notFound(err, "选举", "find election")
}

// lockElection finds an election for a change: it locks the sitting (as
// every change of a meeting does, so sign-ins and status changes do not
// interleave), then the election row.
func (tx *Tx) lockElection(ctx context.Context, actor app.Actor, id int64) (electionScope, error) {
	var meetingID int64
	if err := tx.QueryRowContext(ctx, `SELECT e.meeting_id FROM election e JOIN org o ON o.id = e.committee_id
		WHERE e.id = $1 AND o.path LIKE $2 || '%'`, id, actor.Path).Scan(&meetingID); err != nil {
		return electionScope{}, notFound(err, "选举", "find election")
	}
	m, err := tx.lockMeeting(ctx, actor, meetingID)
	if err != nil {
		return electionScope{}, renameNotFound(err, "选举")
	}
	var e electionScope
	err = scanElection(tx.QueryRowContext(ctx, `SELECT `+electionColumns+`, o.path`+electionFrom+`
		WHERE e.id = $1`+tx.db.Dialect.forUpdateOf("e"), id), &e.Election, &e.path)
	if err != nil {
		return e, notFound(err, "选举", "lock election")
	}
	e.meeting = m
	return e, nil
}

// details reads the offices with their candidates, the scrutineers, whether
// the two agenda items were adopted and, while electronic voting runs, the
// ballots returned so far.
func (e *Election) details(ctx context.Context, q querier) error {
	offices, err := electionOffices(ctx, q, e.ID)
	if err != nil {
		return err
	}
	e.Offices = offices
	rows, err := q.QueryContext(ctx, `SELECT s.member_id, mb.name, s.duty FROM election_scrutineer s
		JOIN member mb ON mb.id = s.member_id WHERE s.election_id = $1 ORDER BY s.seq, s.member_id`, e.ID)
	if err != nil {
		return app.Internal(err, "election scrutineers")
	}
	defer rows.Close()
	e.Scrutineers = nil
	for rows.Next() {
		var s ElectionScrutineer
		if err := rows.Scan(&s.MemberID, &s.Name, &s.Duty); err != nil {
			return app.Internal(err, "scan scrutineer")
		}
		e.Scrutineers = append(e.Scrutineers, s)
	}
	if err := rows.Err(); err != nil {
		return app.Internal(err, "election scrutineers")
	}
	slices.SortStableFunc(e.Scrutineers, func(a, b ElectionScrutineer) int {
		return slices.Index(ScrutineerDuties, a.Duty) - slices.Index(ScrutineerDuties, b.Duty)
	})
	e.RulesAdopted, e.ScrutineersApproved = false, false
	vrows, err := q.QueryContext(ctx, `SELECT agenda_item_id FROM vote WHERE agenda_item_id IN ($1, $2)
		AND status = 'closed' AND passed`, e.RulesItemID, e.ScrutineersItemID)
	if err != nil {
		return app.Internal(err, "election adoption")
	}
	defer vrows.Close()
	for vrows.Next() {
		var item int64
		if err := vrows.Scan(&item); err != nil {
			return app.Internal(err, "scan adoption")
		}
		e.RulesAdopted = e.RulesAdopted || item == e.RulesItemID
		e.ScrutineersApproved = e.ScrutineersApproved || item == e.ScrutineersItemID
	}
	if err := vrows.Err(); err != nil {
		return app.Internal(err, "election adoption")
	}
	if e.Status == election.Voting && e.Mode == election.Electronic {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_voter WHERE election_id = $1 AND paper = 1
			AND returned`, e.ID).Scan(&e.Returned); err != nil {
			return app.Internal(err, "election returned")
		}
	}
	return nil
}

// electionOffices reads an election's offices by paper and seq, with their
// candidates in ballot order.
func electionOffices(ctx context.Context, q querier, electionID int64) ([]election.Office, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, paper, seq, name, role, seats, competitive FROM election_office
		WHERE election_id = $1 ORDER BY paper, seq, id`, electionID)
	if err != nil {
		return nil, app.Internal(err, "election offices")
	}
	var out []election.Office
	at := map[int64]int{}
	for rows.Next() {
		var o election.Office
		if err := rows.Scan(&o.ID, &o.Paper, &o.Seq, &o.Name, &o.Role, &o.Seats, &o.Competitive); err != nil {
			rows.Close()
			return nil, app.Internal(err, "scan office")
		}
		at[o.ID] = len(out)
		out = append(out, o)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, app.Internal(err, "election offices")
	}
	rows, err = q.QueryContext(ctx, `SELECT c.office_id, c.member_id, mb.name FROM election_candidate c
		JOIN member mb ON mb.id = c.member_id WHERE c.election_id = $1 ORDER BY c.office_id, c.seq`, electionID)
	if err != nil {
		return nil, app.Internal(err, "election candidates")
	}
	defer rows.Close()
	for rows.Next() {
		var officeID int64
		var c election.Candidate
		if err := rows.Scan(&officeID, &c.MemberID, &c.Name); err != nil {
			return nil, app.Internal(err, "scan candidate")
		}
		if i, ok := at[officeID]; ok {
			out[i].Candidates = append(out[i].Candidates, c)
		}
	}
	return out, app.Internal(rows.Err(), "election candidates")
}

// isMemberAccount reports whether the actor is a member's own account.
func isMemberAccount(actor app.Actor) bool { return actor.Role == string(auth.MemberRole) }

// canRunMeetings reports whether the actor's role may prepare and run
// meetings (meeting:write).
func canRunMeetings(actor app.Actor) bool { return auth.Role(actor.Role).Can(auth.MeetingWrite) }

// refuseMemberAccount keeps member accounts from setting up and running elections.
func refuseMemberAccount(actor app.Actor) error {
	if isMemberAccount(actor) {
		return app.Errorf(app.EFORBIDDEN, "委员账号不能办理选举事务")
	}
	return nil
}

// memberMaySee refuses (as not found) a member account reading an election
// of a sitting it is not expected at.
func (db *DB) memberMaySee(ctx context.Context, q querier, actor app.Actor, m meeting.Meeting) error {
	if !isMemberAccount(actor) {
		return nil
	}
	if actor.MemberID == 0 {
		return app.NotFound("选举")
	}
	if m.Status == meeting.Open || m.Status == meeting.Closed {
		// The body is frozen: one key lookup, not the whole list (a member's
		// ballot page is on the hot path of a hall of thousands).
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_expected WHERE meeting_id = $1 AND member_id = $2`,
			m.ID, actor.MemberID).Scan(&n); err != nil {
			return app.Internal(err, "election: expected member")
		}
		if n == 0 {
			return app.NotFound("选举")
		}
		return nil
	}
	body, err := db.body(ctx, q, m)
	if err != nil {
		return err
	}
	for _, b := range body {
		if b.id == actor.MemberID && actor.MemberID != 0 {
			return nil
		}
	}
	return app.NotFound("选举")
}

// readElection finds an election the actor may read, with its sitting.
func (db *DB) readElection(ctx context.Context, q querier, actor app.Actor, id int64) (electionScope, error) {
	e, err := findElection(ctx, q, actor, id)
	if err != nil {
		return e, err
	}
	if e.meeting, err = findMeeting(ctx, q, actor, e.MeetingID); err != nil {
		return e, app.NotFound("选举")
	}
	return e, db.memberMaySee(ctx, q, actor, e.meeting.Meeting)
}

func (in *ElectionInput) validate() app.FieldErrors {
	in.Title = strings.TrimSpace(in.Title)
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs.Add("title", "请填写选举名称，如：补选市政协副主席、秘书长和常务委员")
	case n > maxElectionTitle:
		errs.Add("title", fmt.Sprintf("选举名称不能超过%d个字", maxElectionTitle))
	}
	if !in.Mode.Valid() {
		errs.Add("mode", "请选择纸质选票或电子投票")
	}
	if in.Rules == (election.Rules{}) {
		in.Rules = election.DefaultRules()
	}
	return append(errs, in.Rules.Check()...)
}

// rulesItemTitle and scrutineersItemTitle are the two agenda items an
// election puts on its sitting's agenda.
func rulesItemTitle(session string) string { return "《" + session + "选举办法（草案）》" }

const scrutineersItemTitle = "总监票人、监票人名单（草案）"

// CreateElection creates an election at a sitting of a plenary session,
// with the two agenda items the meeting adopts first (选举办法, 总监票人、监票人名单).
func (db *DB) CreateElection(ctx context.Context, actor app.Actor, meetingID int64, in ElectionInput) (Election, error) {
	if err := refuseMemberAccount(actor); err != nil {
		return Election{}, err
	}
	var created Election
	err := db.InTx(ctx, func(tx *Tx) error {
		m, err := tx.lockMeeting(ctx, actor, meetingID)
		if err != nil {
			return err
		}
		if m.Kind != meeting.Sitting || m.ParentID == 0 {
			return app.Errorf(app.ECONFLICT, "选举须在全体会议的一次大会（如选举大会、闭幕会）上进行")
		}
		if m.Status == meeting.Closed {
			return app.Errorf(app.ECONFLICT, "会议已结束，不能再安排选举")
		}
		if err := in.validate().Err(); err != nil {
			return err
		}
		// The rules are named after the session with its committee:
		// 《明湖市政协十三届四次会议选举办法（草案）》.
		var session string
		var c org.Org
		if err := tx.QueryRowContext(ctx, `SELECT mt.title, o.name, o.short_name FROM meeting mt
			JOIN org o ON o.id = mt.committee_id WHERE mt.id = $1`, m.ParentID).Scan(&session, &c.Name, &c.ShortName); err != nil {
			return app.Internal(err, "election: session")
		}
		session = meeting.FullTitle(c.WrittenName(), session)
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM agenda_item WHERE meeting_id = $1`,
			m.ID).Scan(&seq); err != nil {
			return app.Internal(err, "election: agenda numbers")
		}
		items := [2]int64{}
		for i, it := range []struct {
			kind  AgendaKind
			title string
		}{{AgendaElectionRules, rulesItemTitle(session)}, {AgendaScrutineers, scrutineersItemTitle}} {
			if err := tx.QueryRowContext(ctx, `INSERT INTO agenda_item (committee_id, meeting_id, seq, kind, title, note,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $5, '', $6, $6) RETURNING id`,
				m.CommitteeID, m.ID, seq+1+i, string(it.kind), it.title, tx.Now).Scan(&items[i]); err != nil {
				return app.Internal(err, "election: agenda item")
			}
		}
		tx.SearchTouch("meeting", m.ID) // the agenda is part of the meeting's index
		rules, err := json.Marshal(in.Rules)
		if err != nil {
			return app.Internal(err, "election: rules")
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO election (committee_id, meeting_id, term_id, title, mode, status,
			rules_json, rules_item_id, scrutineers_item_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			m.CommitteeID, m.ID, m.TermID, in.Title, string(in.Mode), string(election.Draft), string(rules),
			items[0], items[1], tx.Now).Scan(&id); err != nil {
			return app.Internal(err, "insert election")
		}
		e, err := findElection(ctx, tx, app.System, id)
		if err != nil {
			return err
		}
		if err := e.details(ctx, tx); err != nil {
			return err
		}
		created = e.Election
		return tx.Audit(ctx, actor, Change{Action: "create", Entity: "election", EntityID: id, Committee: m.CommitteeID,
			OrgPath: m.path, Summary: fmt.Sprintf("%s 新建选举：%s（%s），议程增加%s和%s", m.Title, in.Title,
				in.Mode.Label(), rulesItemTitle(session), scrutineersItemTitle), After: created})
	})
	return created, err
}

// itemVoted reports whether an agenda item has been put to the vote.
func (tx *Tx) itemVoted(ctx context.Context, itemID int64) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote WHERE agenda_item_id = $1`, itemID).Scan(&n); err != nil {
		return false, app.Internal(err, "election: item votes")
	}
	return n > 0, nil
}

// editableRules refuses changes to the rules, offices and candidates once
// the 选举办法 is put to the vote.
func (tx *Tx) editableRules(ctx context.Context, e electionScope) error {
	if e.Status != election.Draft {
		return app.Errorf(app.ECONFLICT, "选举已%s，不能再修改", e.Status.Label())
	}
	voted, err := tx.itemVoted(ctx, e.RulesItemID)
	if err != nil {
		return err
	}
	if voted {
		return app.Errorf(app.ECONFLICT, "选举办法已付表决，选举名称、方式、规则、职务和候选人不能再修改")
	}
	return nil
}

// UpdateElection changes title, mode and rules while the rules are not yet put to the vote.
func (db *DB) UpdateElection(ctx context.Context, actor app.Actor, id int64, in ElectionInput) (Election, error) {
	if err := refuseMemberAccount(actor); err != nil {
		return Election{}, err
	}
	var after Election
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.lockElection(ctx, actor, id)
		if err != nil {
			return err
		}
		if err := tx.editableRules(ctx, e); err != nil {
			return err
		}
		if err := in.validate().Err(); err != nil {
			return err
		}
		rules, err := json.Marshal(in.Rules)
		if err != nil {
			return app.Internal(err, "election: rules")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE election SET title = $2, mode = $3, rules_json = $4, updated_at = $5
			WHERE id = $1`, id, in.Title, string(in.Mode), string(rules), tx.Now); err != nil {
			return app.Internal(err, "update election")
		}
		after = e.Election
		after.Title, after.Mode, after.Rules = in.Title, in.Mode, in.Rules
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "election", EntityID: id, Committee: e.CommitteeID,
			OrgPath: e.path, Summary: fmt.Sprintf("%s 修改选举：%s（%s）", e.MeetingTitle, in.Title, in.Mode.Label()),
			Before: e.Election, After: after})
	})
	if err != nil {
		return Election{}, err
	}
	return db.FindElectionByID(ctx, actor, id)
}

// FindElectionByID reads an election in the actor's subtree with offices, candidates and scrutineers.
func (db *DB) FindElectionByID(ctx context.Context, actor app.Actor, id int64) (Election, error) {
	e, err := db.readElection(ctx, db.read, actor, id)
	if err != nil {
		return Election{}, err
	}
	if err := e.details(ctx, db.read); err != nil {
		return Election{}, err
	}
	return e.Election, nil
}

// FindElections lists the elections of a meeting (a sitting) in creation order.
func (db *DB) FindElections(ctx context.Context, actor app.Actor, meetingID int64) ([]Election, error) {
	m, err := findMeeting(ctx, db.read, actor, meetingID)
	if err != nil {
		return nil, err
	}
	if err := db.memberMaySee(ctx, db.read, actor, m.Meeting); err != nil {
		return nil, app.NotFound("会议")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+electionColumns+electionFrom+` WHERE e.meeting_id = $1 ORDER BY e.id`,
		meetingID)
	if err != nil {
		return nil, app.Internal(err, "find elections")
	}
	var out []Election
	for rows.Next() {
		var e Election
		if err := scanElection(rows, &e); err != nil {
			rows.Close()
			return nil, app.Internal(err, "scan election")
		}
		out = append(out, e)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, app.Internal(err, "find elections")
	}
	for i := range out {
		if err := out[i].details(ctx, db.read); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// officeInput checks an office's input against the election's other offices.
func (in *OfficeInput) validate(others []election.Office, self int64) app.FieldErrors {
	in.Name = strings.TrimSpace(in.Name)
	if in.Paper == 0 {
		in.Paper = 1
	}
	var errs app.FieldErrors
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs.Add("name", "请填写职务名称，如：副主席")
	case n > 30:
		errs.Add("name", "职务名称不能超过30个字")
	}
	if in.Role != "" {
		if k, ok := member.ParseRoleKind(string(in.Role)); !ok || k == member.Ordinary {
			errs.Add("role", "当选后担任的职务应为主席、副主席、秘书长或常委，或不设")
		} else {
			in.Role = k
		}
	}
	if in.Seats < 1 || in.Seats > maxOfficeSeats {
		errs.Add("seats", fmt.Sprintf("应选名额应在1至%d名之间", maxOfficeSeats))
	}
	if in.Paper < 1 || in.Paper > maxPapers {
		errs.Add("paper", fmt.Sprintf("选票编号应在1至%d之间", maxPapers))
	}
	if in.Seq < 0 || in.Seq > 99 {
		errs.Add("seq", "顺序应在1至99之间")
	}
	next := 1
	for _, o := range others {
		if o.ID == self {
			continue
		}
		if o.Name == in.Name && in.Name != "" {
			errs.Add("name", "职务“"+in.Name+"”已在本次选举中")
		}
		if o.Paper == in.Paper {
			next = max(next, o.Seq+1)
			if in.Seq != 0 && o.Seq == in.Seq {
				errs.Add("seq", fmt.Sprintf("第%d张选票上第%d个职务已是“%s”", in.Paper, in.Seq, o.Name))
			}
		}
	}
	if in.Seq == 0 {
		in.Seq = next
	}
	return errs
}

// AddOffice, UpdateOffice, RemoveOffice edit an office while the rules are not yet put to the vote.
func (db *DB) AddOffice(ctx context.Context, actor app.Actor, electionID int64, in OfficeInput) (election.Office, error) {
	if err := refuseMemberAccount(actor); err != nil {
		return election.Office{}, err
	}
	var o election.Office
	err := db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.lockElection(ctx, actor, electionID)
		if err != nil {
			return err
		}
		if err := tx.editableRules(ctx, e); err != nil {
			return err
		}
		others, err := electionOffices(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if err := in.validate(others, 0).Err(); err != nil {
			return err
		}
		o = election.Office{Paper: in.Paper, Seq: in.Seq, Name: in.Name, Role: in.Role, Seats: in.Seats,
			Competitive: in.Competitive}
		if err := tx.QueryRowContext(ctx, `INSERT INTO election_office (committee_id, election_id, paper, seq, name, role,
			seats, competitive) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, e.CommitteeID, e.ID, o.Paper, o.Seq,
			o.Name, string(o.Role), o.Seats, o.Competitive).Scan(&o.ID); err != nil {
			return app.Internal(err, "insert office")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "election", EntityID: e.ID, Committee: e.CommitteeID,
			OrgPath: e.path, Summary: fmt.Sprintf("%s 增加选举职务：%s，应选%d名（第%d张选票）", e.Title, o.Name, o.Seats, o.Paper),
			After: o})
	})
	return o, err
}

// lockOffice finds an office and locks its election.
func (tx *Tx) lockOffice(ctx context.Context, actor app.Actor, officeID int64) (election.Office, electionScope, error) {
	var electionID int64
	if err := tx.QueryRowContext(ctx, `SELECT election_id FROM election_office WHERE id = $1`, officeID).Scan(&electionID); err != nil {
		return election.Office{}, electionScope{}, notFound(err, "选举职务", "find office")
	}
	e, err := tx.lockElection(ctx, actor, electionID)
	if err != nil {
		return election.Office{}, e, renameNotFound(err, "选举职务")
	}
	offices, err := electionOffices(ctx, tx, electionID)
	if err != nil {
		return election.Office{}, e, err
	}
	for _, o := range offices {
		if o.ID == officeID {
			e.Offices = offices
			return o, e, nil
		}
	}
	return election.Office{}, e, app.NotFound("选举职务")
}

func (db *DB) UpdateOffice(ctx context.Context, actor app.Actor, officeID int64, in OfficeInput) (election.Office, error) {
	if err := refuseMemberAccount(actor); err != nil {
		return election.Office{}, err
	}
	var after election.Office
	err := db.InTx(ctx, func(tx *Tx) error {
		before, e, err := tx.lockOffice(ctx, actor, officeID)
		if err != nil {
			return err
		}
		if err := tx.editableRules(ctx, e); err != nil {
			return err
		}
		if in.Seq == 0 && in.Paper == before.Paper {
			in.Seq = before.Seq
		}
		if err := in.validate(e.Offices, officeID).Err(); err != nil {
			return err
		}
		after = election.Office{ID: officeID, Paper: in.Paper, Seq: in.Seq, Name: in.Name, Role: in.Role,
			Seats: in.Seats, Competitive: in.Competitive, Candidates: before.Candidates}
		if _, err := tx.ExecContext(ctx, `UPDATE election_office SET paper = $2, seq = $3, name = $4, role = $5, seats = $6,
			competitive = $7 WHERE id = $1`, officeID, after.Paper, after.Seq, after.Name, string(after.Role), after.Seats,
			after.Competitive); err != nil {
			return app.Internal(err, "update office")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "election", EntityID: e.ID, Committee: e.CommitteeID,
			OrgPath: e.path, Summary: fmt.Sprintf("%s 修改选举职务：%s，应选%d名（第%d张选票）", e.Title, after.Name,
				after.Seats, after.Paper), Before: before, After: after})
	})
	return after, err
}

func (db *DB) RemoveOffice(ctx context.Context, actor app.Actor, officeID int64) error {
	if err := refuseMemberAccount(actor); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		before, e, err := tx.lockOffice(ctx, actor, officeID)
		if err != nil {
			return err
		}
		if err := tx.editableRules(ctx, e); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM election_candidate WHERE office_id = $1`, officeID); err != nil {
			return app.Internal(err, "delete candidates")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM election_office WHERE id = $1`, officeID); err != nil {
			return app.Internal(err, "delete office")
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "election", EntityID: e.ID, Committee: e.CommitteeID,
			OrgPath: e.path, Summary: fmt.Sprintf("%s 删除选举职务：%s", e.Title, before.Name), Before: before})
	})
}

// seatedMembers returns the members seated in the term on day, id → name.
func seatedMembers(ctx context.Context, q querier, termID int64, day app.Date) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT mb.id, mb.name FROM term_member tm JOIN member mb ON mb.id = tm.member_id
		WHERE tm.term_id = $1 AND tm.start_date <= $2 AND (tm.end_date = '' OR tm.end_date >= $2)`, termID, day.String())
	if err != nil {
		return nil, app.Internal(err, "seated members")
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, app.Internal(err, "scan seated member")
		}
		out[id] = name
	}
	return out, app.Internal(rows.Err(), "seated members")
}

// checkPeople checks a list of member ids for field: each once, each seated
// in the election's term on the sitting's day. It returns the names.
func (tx *Tx) checkPeople(ctx context.Context, e electionScope, field string, ids []int64) (map[int64]string, error) {
	day := e.meeting.Day(tx.db.Loc)
	seated, err := seatedMembers(ctx, tx, e.TermID, day)
	if err != nil {
		return nil, err
	}
	var errs app.FieldErrors
	seen := map[int64]bool{}
	for _, id := range ids {
		name, ok := seated[id]
		switch {
		case !ok:
			var other string
			err := tx.QueryRowContext(ctx, `SELECT name FROM member WHERE id = $1 AND committee_id = $2`, id,
				e.CommitteeID).Scan(&other)
			if errors.Is(err, sql.ErrNoRows) {
				errs.Add(field, fmt.Sprintf("编号%d的人员不是本会委员", id))
			} else if err != nil {
				return nil, app.Internal(err, "check people")
			} else {
				errs.Add(field, fmt.Sprintf("%s在%s不是本届委员会委员", other, day.Chinese()))
			}
		case seen[id]:
			errs.Add(field, name+"重复")
		}
		seen[id] = true
	}
	return seated, errs.Err()
}

// SetCandidates replaces an office's candidate list (ballot order) with
// members of the election's term; a scrutineer cannot be a candidate.
func (db *DB) SetCandidates(ctx context.Context, actor app.Actor, officeID int64, memberIDs []int64) error {
	if err := refuseMemberAccount(actor); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		before, e, err := tx.lockOffice(ctx, actor, officeID)
		if err != nil {
			return err
		}
		if err := tx.editableRules(ctx, e); err != nil {
			return err
		}
		if len(memberIDs) > maxOfficeSeats {
			var errs app.FieldErrors
			errs.Add("candidates", fmt.Sprintf("候选人不能超过%d名", maxOfficeSeats))
			return errs.Err()
		}
		names, err := tx.checkPeople(ctx, e, "candidates", memberIDs)
		if err != nil {
			return err
		}
		if err := e.details(ctx, tx); err != nil {
			return err
		}
		var errs app.FieldErrors
		for _, s := range e.Scrutineers {
			if slices.Contains(memberIDs, s.MemberID) {
				errs.Add("candidates", fmt.Sprintf("%s是本次选举的%s，不能作为候选人", s.Name, s.Duty.Label()))
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM election_candidate WHERE office_id = $1`, officeID); err != nil {
			return app.Internal(err, "clear candidates")
		}
		if err := tx.insertRows(ctx, `INSERT INTO election_candidate (office_id, member_id, committee_id, election_id, seq) VALUES `,
			len(memberIDs), func(i int) []any { return []any{officeID, memberIDs[i], e.CommitteeID, e.ID, i + 1} }); err != nil {
			return app.Internal(err, "insert candidates")
		}
		after := before
		after.Candidates = make([]election.Candidate, len(memberIDs))
		list := make([]string, len(memberIDs))
		for i, id := range memberIDs {
			after.Candidates[i] = election.Candidate{MemberID: id, Name: names[id]}
			list[i] = names[id]
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "election", EntityID: e.ID, Committee: e.CommitteeID,
			OrgPath: e.path, Summary: fmt.Sprintf("%s %s候选人：%s", e.Title, before.Name, strings.Join(list, "、")),
			Before: before, After: after})
	})
}

// SetScrutineers replaces the scrutineers and tellers; a candidate cannot be
// one; at least one 总监票人 and one 监票人.
func (db *DB) SetScrutineers(ctx context.Context, actor app.Actor, electionID int64, list []ElectionScrutineer) error {
	if err := refuseMemberAccount(actor); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		e, err := tx.lockElection(ctx, actor, electionID)
		if err != nil {
			return err
		}
		if e.Status != election.Draft {
			return app.Errorf(app.ECONFLICT, "选举已%s，不能再修改监票人", e.Status.Label())
		}
		voted, err := tx.itemVoted(ctx, e.ScrutineersItemID)
		if err != nil {
			return err
		}
		if voted {
			return app.Errorf(app.ECONFLICT, "总监票人、监票人名单已付表决，不能再修改")
		}
		var errs app.FieldErrors
		count := map[ScrutineerDuty]int{}
		ids := make([]int64, len(list))
		for i, s := range list {
			ids[i] = s.MemberID
			if !slices.Contains(ScrutineerDuties, s.Duty) {
				errs.Add("scrutineers", fmt.Sprintf("第%d位的职责应为总监票人、监票人、总计票人或计票人", i+1))
			}
			count[s.Duty]++
		}
		if count[ChiefScrutineer] == 0 {
			errs.Add("scrutineers", "请至少指定一名总监票人")
		}
		if count[Scrutineer] == 0 {
			errs.Add("scrutineers", "请至少指定一名监票人")
		}
		if len(list) > 200 {
			errs.Add("scrutineers", "监票人、计票人不能超过200名")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		names, err := tx.checkPeople(ctx, e, "scrutineers", ids)
		if err != nil {
			return err
		}
		if err := e.details(ctx, tx); err != nil {
			return err
		}
		before := e.Scrutineers
		for _, o := range e.Offices {
			for _, c := range o.Candidates {
				for _, s := range list {
					if s.MemberID == c.MemberID {
						errs.Add("scrutineers", fmt.Sprintf("%s是%s候选人，不能担任%s", c.Name, o.Name, s.Duty.Label()))
					}
				}
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM election_scrutineer WHERE election_id = $1`, e.ID); err != nil {
			return app.Internal(err, "clear scrutineers")
		}
		if err := tx.insertRows(ctx, `INSERT INTO election_scrutineer (election_id, member_id, committee_id, duty, seq) VALUES `,
			len(list), func(i int) []any { return []any{e.ID, list[i].MemberID, e.CommitteeID, string(list[i].Duty), i + 1} }); err != nil {
			return app.Internal(err, "insert scrutineers")
		}
		after := make([]ElectionScrutineer, len(list))
		var words []string
		for i, s := range list {
			after[i] = ElectionScrutineer{MemberID: s.MemberID, Name: names[s.MemberID], Duty: s.Duty}
			words = append(words, s.Duty.Label()+after[i].Name)
		}
		return tx.Audit(ctx, actor, Change{Action: "update", Entity: "election", EntityID: e.ID, Committee: e.CommitteeID,
			OrgPath: e.path, Summary: fmt.Sprintf("%s 监票人、计票人：%s", e.Title, strings.Join(words, "、")),
			Before: before, After: after})
	})
}
