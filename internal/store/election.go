package store

// CONTRACT STUBS — the store helper implements these (in election.go and
// further election_*.go files) with the signatures unchanged; the web layer
// is written against them at the same time.

import (
	"context"
	"time"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/member"
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

var errElectionTODO = app.Errorf(app.EINTERNAL, "选举功能尚未实现")

// CreateElection creates an election at a sitting of a plenary session,
// with the two agenda items the meeting adopts first (选举办法, 总监票人、监票人名单).
func (db *DB) CreateElection(ctx context.Context, actor app.Actor, meetingID int64, in ElectionInput) (Election, error) {
	return Election{}, errElectionTODO
}

// UpdateElection changes title, mode and rules while the rules are not yet put to the vote.
func (db *DB) UpdateElection(ctx context.Context, actor app.Actor, id int64, in ElectionInput) (Election, error) {
	return Election{}, errElectionTODO
}

// FindElectionByID reads an election in the actor's subtree with offices, candidates and scrutineers.
func (db *DB) FindElectionByID(ctx context.Context, actor app.Actor, id int64) (Election, error) {
	return Election{}, errElectionTODO
}

// FindElections lists the elections of a meeting (a sitting) in creation order.
func (db *DB) FindElections(ctx context.Context, actor app.Actor, meetingID int64) ([]Election, error) {
	return nil, errElectionTODO
}

// AddOffice, UpdateOffice, RemoveOffice edit an office while the rules are not yet put to the vote.
func (db *DB) AddOffice(ctx context.Context, actor app.Actor, electionID int64, in OfficeInput) (election.Office, error) {
	return election.Office{}, errElectionTODO
}
func (db *DB) UpdateOffice(ctx context.Context, actor app.Actor, officeID int64, in OfficeInput) (election.Office, error) {
	return election.Office{}, errElectionTODO
}
func (db *DB) RemoveOffice(ctx context.Context, actor app.Actor, officeID int64) error {
	return errElectionTODO
}

// SetCandidates replaces an office's candidate list (ballot order) with
// members of the election's term; a scrutineer cannot be a candidate.
func (db *DB) SetCandidates(ctx context.Context, actor app.Actor, officeID int64, memberIDs []int64) error {
	return errElectionTODO
}

// SetScrutineers replaces the scrutineers and tellers; a candidate cannot be
// one; at least one 总监票人 and one 监票人.
func (db *DB) SetScrutineers(ctx context.Context, actor app.Actor, electionID int64, list []ElectionScrutineer) error {
	return errElectionTODO
}

// OpenElection issues the ballots (发票) to every expected member checked in
// at the sitting, once the rules are adopted, the scrutineers approved and
// the hold rule met.
func (db *DB) OpenElection(ctx context.Context, actor app.Actor, id int64) (Election, error) {
	return Election{}, errElectionTODO
}

// IssueBallot issues a ballot to a member who checked in after the ballots were issued.
func (db *DB) IssueBallot(ctx context.Context, actor app.Actor, id, memberID int64) error {
	return errElectionTODO
}

// CastElectionBallot records a member's electronic ballots (one per paper,
// in paper order) and returns the receipt code; the voter record and the
// ballot are not linked.
func (db *DB) CastElectionBallot(ctx context.Context, actor app.Actor, id, memberID int64, ballots []election.Ballot) (string, error) {
	return "", errElectionTODO
}

// ElectionProgressOf counts ballots issued and returned.
func (db *DB) ElectionProgressOf(ctx context.Context, actor app.Actor, id int64) (ElectionProgress, error) {
	return ElectionProgress{}, errElectionTODO
}

// VoterStatusOf is a member's own ballot record.
func (db *DB) VoterStatusOf(ctx context.Context, actor app.Actor, id, memberID int64) (VoterStatus, error) {
	return VoterStatus{}, errElectionTODO
}

// CloseElectionVoting ends voting; the ballots are counted next.
func (db *DB) CloseElectionVoting(ctx context.Context, actor app.Actor, id int64) (Election, error) {
	return Election{}, errElectionTODO
}

// AppendEntries appends paper ballots to an entry pass; a batch with any bad
// line saves nothing and lists every bad line.
func (db *DB) AppendEntries(ctx context.Context, actor app.Actor, id int64, paper, pass int, lines []string) (int, error) {
	return 0, errElectionTODO
}

// FindEntryPasses lists the entry passes of every paper.
func (db *DB) FindEntryPasses(ctx context.Context, actor app.Actor, id int64) ([]EntryPass, error) {
	return nil, errElectionTODO
}

// FindEntries lists one pass's ballots in order.
func (db *DB) FindEntries(ctx context.Context, actor app.Actor, id int64, paper, pass int) ([]Entry, error) {
	return nil, errElectionTODO
}

// CompareEntries returns every ballot where the two passes of a paper differ.
func (db *DB) CompareEntries(ctx context.Context, actor app.Actor, id int64, paper int) ([]election.Difference, error) {
	return nil, errElectionTODO
}

// ResolveEntry sets ballot seq of both passes to the line read from the paper.
func (db *DB) ResolveEntry(ctx context.Context, actor app.Actor, id int64, paper, seq int, line string) error {
	return errElectionTODO
}

// SetEntry, InsertEntry and DeleteEntry correct one pass (insert and delete shift later ballots).
func (db *DB) SetEntry(ctx context.Context, actor app.Actor, id int64, paper, pass, seq int, line string) error {
	return errElectionTODO
}
func (db *DB) InsertEntry(ctx context.Context, actor app.Actor, id int64, paper, pass, seq int, line string) error {
	return errElectionTODO
}
func (db *DB) DeleteEntry(ctx context.Context, actor app.Actor, id int64, paper, pass, seq int) error {
	return errElectionTODO
}

// SignTally counts the ballots, freezes the tally and records the chief
// scrutineer's signature; refused while entry passes differ.
func (db *DB) SignTally(ctx context.Context, actor app.Actor, id int64) (Election, error) {
	return Election{}, errElectionTODO
}

// FindTally reads the signed tally, one per paper.
func (db *DB) FindTally(ctx context.Context, actor app.Actor, id int64) ([]election.Tally, error) {
	return nil, errElectionTODO
}

// ConfirmElection confirms the results: each person elected to an office
// with a role holds it from effective.
func (db *DB) ConfirmElection(ctx context.Context, actor app.Actor, id int64, effective app.Date) (Election, error) {
	return Election{}, errElectionTODO
}

// CheckReceipt looks a receipt code up.
func (db *DB) CheckReceipt(ctx context.Context, actor app.Actor, id int64, code string) (ReceiptCheck, error) {
	return ReceiptCheck{}, errElectionTODO
}
