// Package election holds elections (选举) at a plenary: the election's rules
// (选举办法) as data and their text, offices with seats and candidate lists
// (等额 or 差额), ballots and their validity, the tally with its threshold,
// ties and unfilled seats, the two-pass paper entry format and its
// comparison, and the report's wording. Pure rules: no SQL, no HTTP, no
// clock.
package election

import (
	"xieshang/internal/member"
)

// Mode is how the ballots are cast.
type Mode string

const (
	Paper      Mode = "paper"      // 纸质选票: counted by scrutineers, entered twice
	Electronic Mode = "electronic" // 电子投票: each checked-in member votes once
)

// Status is where an election stands.
type Status string

const (
	Draft     Status = "draft"     // 筹备中: rules, offices, candidates, scrutineers being set
	Voting    Status = "voting"    // 投票中: ballots issued
	Counting  Status = "counting"  // 计票中: voting closed, ballots being entered / counted
	Signed    Status = "signed"    // 已签字: the chief scrutineer signed the tally; announced
	Confirmed Status = "confirmed" // 已确认: results confirmed, roles given from the effective date
)

// Base is what the election threshold's fraction is taken of.
type Base string

const (
	BaseAll      Base = "all"      // 全体委员: all members of the term on the day
	BaseExpected Base = "expected" // 应到会委员: the sitting's expected members (应到)
	BaseReturned Base = "returned" // 收回选票: ballots returned for the paper
)

// BlankMark is what a candidate left unmarked on a ballot counts as.
type BlankMark string

const (
	BlankAbstain BlankMark = "abstain" // 不划符号的，按弃权计
	BlankFor     BlankMark = "for"     // 不划符号的，视为赞成
	BlankNone    BlankMark = "none"    // 不划符号的，不计票 (counted in no column)
)

// UnclearMark is what a mark that cannot be read (符号不清、无法辨认) does.
type UnclearMark string

const (
	UnclearAbstain UnclearMark = "abstain" // that mark counts as 弃权
	UnclearInvalid UnclearMark = "invalid" // that mark is void (无效标记), counted apart
	UnclearBallot  UnclearMark = "ballot"  // the whole ballot (that office's part of it) is void
)

// WriteInRule is whether a voter may write in another name (另选他人).
type WriteInRule string

const (
	WriteInNone    WriteInRule = "none"    // 不得另选他人
	WriteInAgainst WriteInRule = "against" // 投反对票的可以另选他人，另选人数不得多于反对人数；弃权的不得另选
)

// Fraction compares a count with num/den of a base, strictly more (超过) or at
// least (不少于).
type Fraction struct {
	Num    int  `json:"num"`
	Den    int  `json:"den"`
	Strict bool `json:"strict"`
}

// Rules are an election's rules (选举办法) as data. Everything a real set of
// rules decides differently is here (see DOMAIN.md section 3's table).
type Rules struct {
	// Hold: the election may be held only if the members taking part (those
	// checked in and issued a ballot) compare so with all members (全体委员):
	// e.g. more than 1/2, or more than 2/3.
	Hold Fraction `json:"hold"`
	// Elect: a candidate is elected when their for-votes compare so with
	// ElectBase: e.g. more than 1/2 of the expected members.
	Elect     Fraction    `json:"elect"`
	ElectBase Base        `json:"elect_base"`
	Blank     BlankMark   `json:"blank"`
	Unclear   UnclearMark `json:"unclear"`
	WriteIns  WriteInRule `json:"write_ins"`
}

// Candidate is a person on an office's list, in ballot order.
type Candidate struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
}

// Office is one office on a ballot paper: 副主席 1 seat (等额), 常务委员 11
// seats (差额, 12 candidates). One election may use several papers (Paper 1,
// 2, …), each counted separately; the offices of a paper appear on it in Seq
// order.
type Office struct {
	ID          int64           `json:"id"`
	Paper       int             `json:"paper"` // ballot paper number, from 1
	Seq         int             `json:"seq"`   // order on the paper, from 1
	Name        string          `json:"name"`  // 副主席, 秘书长, 常务委员
	Role        member.RoleKind `json:"role"`  // the role the elected take ("" for none)
	Seats       int             `json:"seats"`
	Competitive bool            `json:"competitive"` // 差额 (more candidates than seats) or 等额 (as many as seats)
	Candidates  []Candidate     `json:"candidates"`
}

// Mark is what a ballot says about one candidate.
type Mark byte

const (
	MarkBlank   Mark = '0' // 未划符号
	MarkFor     Mark = '1' // 赞成
	MarkAgainst Mark = '2' // 反对
	MarkAbstain Mark = '3' // 弃权
	MarkUnclear Mark = '.' // 符号不清、无法辨认
)

// WriteIn is another name written in (另选他人). MemberID is 0 when the name
// is not exactly one current member of the committee's term (the mark is then
// void); Name is what was written.
type WriteIn struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
}

// Section is one office's part of a ballot: a mark per candidate in list
// order, then the write-ins.
type Section struct {
	Marks    []Mark    `json:"marks"`
	WriteIns []WriteIn `json:"write_ins,omitempty"`
}

// Ballot is one returned ballot paper: one section per office of the paper,
// in office order. Spoiled is set when the scrutineers judged the paper
// itself void (not an official paper, torn, signed): every section is void.
type Ballot struct {
	Spoiled  bool      `json:"spoiled,omitempty"`
	Sections []Section `json:"sections"`
}

// Figures are the numbers a paper's tally is taken against.
type Figures struct {
	All      int `json:"all"`      // 全体委员 on the day
	Expected int `json:"expected"` // 应到会委员 (the sitting's 应到)
	Issued   int `json:"issued"`   // 发出选票
}

// CandidateTally is one person's count for one office.
type CandidateTally struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
	WriteIn  bool   `json:"write_in"` // not on the list: written in (另选他人)
	For      int    `json:"for"`
	Against  int    `json:"against"`
	Abstain  int    `json:"abstain"`
	Invalid  int    `json:"invalid"` // void marks (UnclearInvalid)
	Meets    bool   `json:"meets"`   // for-votes meet the threshold
	Elected  bool   `json:"elected"` // 当选
	Tied     bool   `json:"tied"`    // tied for the last seat: 另行选举
}

// OfficeTally is an office's count.
type OfficeTally struct {
	OfficeID        int64            `json:"office_id"`
	Name            string           `json:"name"`
	Role            member.RoleKind  `json:"role"`
	Seats           int              `json:"seats"`
	Competitive     bool             `json:"competitive"`
	Valid           int              `json:"valid"`             // 有效票
	Void            int              `json:"void"`              // 无效票 (废票)
	InvalidWriteIns int              `json:"invalid_write_ins"` // write-ins not counted (unknown name, a listed candidate, over the rule)
	Base            int              `json:"base"`              // the threshold's base figure
	Need            int              `json:"need"`              // fewest for-votes that meet the threshold
	Candidates      []CandidateTally `json:"candidates"`        // list candidates in ballot order, then write-ins by for-votes
	Elected         []int64          `json:"elected"`           // member ids, by for-votes
	Tied            []int64          `json:"tied"`              // tied at the last seat: a further round decides
	Unfilled        int              `json:"unfilled"`          // seats left (including the tied seats)
}

// Tally is one ballot paper's count.
type Tally struct {
	Paper    int           `json:"paper"`
	Figures  Figures       `json:"figures"`
	Returned int           `json:"returned"` // 收回选票
	Void     bool          `json:"void"`     // more returned than issued: the election on this paper is void (选举无效)
	Offices  []OfficeTally `json:"offices"`
}
