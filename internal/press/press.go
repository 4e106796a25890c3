// Package press reads the text layer of a newspaper page (as a PDF's text
// layer gives it) into items — articles and photo captions — with what a
// committee office records from them: organisation, date, kind, byline, a
// meeting's numbering and the figures stated. Pure functions: no database,
// no HTTP.
package press

// Kinds of item.
const (
	KindMeeting    = "meeting"    // 会议 (plenary, standing committee, chair's meeting, 座谈会 …)
	KindElection   = "election"   // 选举
	KindResearch   = "research"   // 调研 / 视察 / 观摩 / 监督性调研
	KindAssistance = "assistance" // 帮扶 / 扶贫 / 关爱 / 慰问
	KindLiaison    = "liaison"    // 包联 / 招商 / 企业
	KindOther      = "other"
)

// Figure names (the keys of Article.Figures), stable: the JSON and the app use them.
const (
	FigMembersExpected    = "members_expected"    // 应到委员
	FigMembersPresent     = "members_present"     // 实到
	FigCadres             = "cadres"              // 干部（名）
	FigHouseholds         = "households"          // 户
	FigPersons            = "persons"             // 人
	FigProblemsRaised     = "problems_raised"     // 问题（件/个）
	FigProblemsSolved     = "problems_solved"     // 解决…问题
	FigAidValueYuan       = "aid_value_yuan"      // 物资价值 / 资金 (元, 万元 → yuan)
	FigEnterprises        = "enterprises"         // 企业
	FigCompaniesVisited   = "companies_visited"   // 走访企业
	FigCommunitiesVisited = "communities_visited" // 走访社区
)

// Meeting is a meeting's numbering when the text names it:
// "五届十二次主席会议" → Term 5, Number 12, Kind "chair".
type Meeting struct {
	Name   string `json:"name"`   // as printed: 五届十二次主席会议, 十三届四次会议
	Term   int    `json:"term"`   // 届
	Number int    `json:"number"` // 次
	// Kind: "plenary" (…届…次会议 of the full committee), "standing"
	// (常委会议), "chair" (主席会议), "" when not said.
	Kind string `json:"kind"`
}

// Article is one item of the page.
type Article struct {
	Title string `json:"title"`
	// Kicker: lines printed with the title — a section line above it
	// ("决战决胜·脱贫攻坚", a committee's name) and sub-titles.
	Kicker []string `json:"kicker,omitempty"`
	Org    string   `json:"org"`  // 聊城市政协, 阳谷县七级镇; "" when none is named
	Date   *string  `json:"date"` // YYYY-MM-DD, the event's first day; null when not stated (近日)
	Kind   string   `json:"kind"`
	Byline []string `json:"byline"` // reporters and correspondents, in order
	// Meeting is the printed numbering, null when none.
	Meeting    *string  `json:"meeting"`
	MeetingRef *Meeting `json:"meeting_ref,omitempty"`
	// Figures stated in the text, only those stated, as integers.
	Figures       map[string]int64 `json:"figures"`
	ContinuedFrom *string          `json:"continued_from"`    // "一版" for "(接一版)", else null
	Caption       bool             `json:"caption,omitempty"` // a photo caption, kept as its own item
	Text          string           `json:"text"`              // the repaired body text, paragraphs separated by "\n"
}

// Page is what Parse returns.
type Page struct {
	Year     int       `json:"year,omitempty"` // the page's year (from the text or Options.Year)
	Articles []Article `json:"articles"`
}

// Options tune Parse.
type Options struct {
	Year int // the year of dates printed without one; 0: from the page's text
}

// MaxInput is the largest input Parse takes (bytes).
const MaxInput = 8 << 20

// Parse reads a page's text (UTF-8, or GB18030 detected and converted).
// Errors are app errors (EINVALID) with a Chinese message: empty input,
// binary input, input over MaxInput, no recognisable item.
// func Parse(src []byte, opt Options) (*Page, error)
