package election

// CONTRACT STUBS — the domain helper replaces every function here with the
// real implementation in proper files (rules.go, ballot.go, entry.go,
// tally.go, text.go) and deletes this file. Signatures are fixed: the store
// and web layers are written against them at the same time.

import "xieshang/internal/app"

// Labels in Chinese.
func (m Mode) Label() string        { panic("TODO") } // 纸质选票 / 电子投票
func (m Mode) Valid() bool          { panic("TODO") }
func (s Status) Label() string      { panic("TODO") } // 筹备中 / 投票中 / 计票中 / 已签字 / 已确认
func (b Base) Label() string        { panic("TODO") } // 全体委员 / 应到会委员 / 收回选票
func (b BlankMark) Label() string   { panic("TODO") } // 按弃权计 / 视为赞成 / 不计票
func (u UnclearMark) Label() string { panic("TODO") } // 该项按弃权计 / 该项无效 / 该票（该职务部分）无效
func (w WriteInRule) Label() string { panic("TODO") } // 不得另选他人 / 投反对票的可以另选他人
func (m Mark) Label() string        { panic("TODO") } // 未划 / 赞成 / 反对 / 弃权 / 不清

// DefaultRules: held if more than 1/2 of all members take part; elected with
// for-votes more than 1/2 of the expected members; blank = abstain; an
// unclear mark is void on its own; write-ins allowed when voting against.
func DefaultRules() Rules { panic("TODO") }

// Check reports malformed rules as field errors keyed hold, elect,
// elect_base, blank, unclear, write_ins (Chinese reasons).
func (r Rules) Check() app.FieldErrors { panic("TODO") }

// Met reports whether n compares with f of base; Need is the fewest n that
// meets it (more than half of 419 needs 210; the text says 209.5).
func (f Fraction) Met(n, base int) bool { panic("TODO") }
func (f Fraction) Need(base int) int    { panic("TODO") }

// Held reports whether an election may be held: participants (ballots
// issued) against all members under r.Hold.
func (r Rules) Held(participants, all int) bool { panic("TODO") }

// CheckOffices checks one election's offices: names, seats ≥ 1, papers
// numbered 1…n without gaps, seq unique per paper, 等额 lists with exactly
// Seats candidates and 差额 lists with more, no candidate twice on one list.
// Field errors keyed "offices" (or "office_<id>" when ID is set) in Chinese.
func CheckOffices(offices []Office) app.FieldErrors { panic("TODO") }

// PaperOffices returns the offices of paper p in Seq order.
func PaperOffices(offices []Office, p int) []Office { panic("TODO") }

// Papers returns the paper numbers in use, ascending.
func Papers(offices []Office) []int { panic("TODO") }

// CandidateScrutineers returns the ids that are both a candidate on some
// office and in scrutineers (scrutineers cannot be candidates).
func CandidateScrutineers(offices []Office, scrutineers []int64) []int64 { panic("TODO") }

// ParseLine reads one paper ballot as a scrutineer types it. The format,
// made for the numeric keypad: one character per candidate in list order
// (1 赞成, 2 反对, 3 弃权, 0 未划, . 不清), offices of the paper separated by
// "/", write-ins after an office's marks as "+姓名" (repeatable); a line "*"
// is a spoiled paper. Spaces are ignored; full-width digits and ＋／＊．
// are accepted. WriteIn.MemberID is left 0 (see ResolveWriteIns). The error
// is an EINVALID *app.Error whose message says what is wrong in Chinese
// (e.g. "常务委员应有12个标记，实际11个").
func ParseLine(paper []Office, line string) (Ballot, error) { panic("TODO") }

// FormatLine writes b in the canonical entry format (ParseLine's inverse).
func FormatLine(b Ballot) string { panic("TODO") }

// ResolveWriteIns sets each write-in's MemberID through lookup (0: unknown
// or ambiguous name).
func ResolveWriteIns(b *Ballot, lookup func(name string) int64) { panic("TODO") }

// Judge decides one office's part of a ballot: void (with the Chinese
// reason) when the marks do not fit the list, when more for-votes (blank
// counted as for when r.Blank is BlankFor) plus write-ins than seats, when
// more write-ins than against-votes under WriteInAgainst, or when a mark is
// unclear under UnclearBallot.
func (r Rules) Judge(o Office, s Section) (void bool, reason string) { panic("TODO") }

// CheckElectronic refuses an electronic ballot that could not be cast on a
// correct form: wrong shape, unclear marks, spoiled, over-votes, write-ins
// the rules forbid or that name no member or a listed candidate, duplicate
// write-ins. EINVALID *app.Error with field errors keyed "office_<ID>".
// A blank ballot is accepted.
func (r Rules) CheckElectronic(paper []Office, b Ballot) error { panic("TODO") }

// Counter counts the ballots of one paper; the result does not depend on
// the order of Add calls. Not safe for concurrent use.
type Counter struct{ impl any }

func NewCounter(r Rules, paper []Office) *Counter { panic("TODO") }
func (c *Counter) Add(b Ballot)                   { panic("TODO") }

// Tally is the paper's count: returned = ballots added; void when returned
// exceeds f.Issued (then nobody is elected); elected per office by the
// threshold and, for more qualifiers than seats, by for-votes with a tie at
// the last seat reported as Tied.
func (c *Counter) Tally(paper int, f Figures) Tally { panic("TODO") }

// Difference is a ballot where the two entry passes disagree (Seq from 1;
// "" when a pass has no ballot at that position).
type Difference struct {
	Seq    int    `json:"seq"`
	First  string `json:"first"`
	Second string `json:"second"`
}

// Compare returns every position where the passes' canonical lines differ.
func Compare(paper []Office, first, second []string) []Difference { panic("TODO") }

// RulesDoc is what the 选举办法 text is written from.
type RulesDoc struct {
	Meeting      string // 明湖市政协十三届四次会议
	Committee    string // short name: 市政协
	Mode         Mode
	Rules        Rules
	Offices      []Office
	Chiefs       int // 总监票人
	Scrutineers  int // 监票人
	ChiefTellers int // 总计票人
	Tellers      int // 计票人
}

// RulesText renders the 选举办法: a title line then numbered articles
// (一、…), in the real documents' wording.
func RulesText(d RulesDoc) []string { panic("TODO") }

// ReportLines are the chief scrutineer's report (计票结果报告): per paper the
// ballots issued, returned, valid, void and whether the election stands; per
// office each person's for / against / abstain and 当选, ties (另行选举) and
// unfilled seats.
func ReportLines(committee string, tallies []Tally) []string { panic("TODO") }

// ResultSentence is the report's sentence:
// 选举王学臣为市政协副主席，选举周文明为市政协秘书长，选举11名政协委员为市政协常委
// (names for up to three elected, a count beyond). "" when nobody is elected.
func ResultSentence(committee string, tallies []Tally) string { panic("TODO") }
