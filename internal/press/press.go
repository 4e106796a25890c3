// Package press reads the text layer of a newspaper page (as a PDF's text
// layer gives it) into items — articles and photo captions — with what a
// committee office records from them: organisation, date, kind, byline, a
// meeting's numbering and the figures stated. Pure functions: no database,
// no HTTP.
package press

import (
	"slices"
	"strings"

	"xieshang/internal/app"
)

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
	ContinuedFrom *string          `json:"continued_from"` // "一版" for "(接一版)", else null
	// Elected: who the item says was elected to what ("选举王学臣为市政协副主席",
	// "周文明当选市政协秘书长", "选举11名政协委员为市政协常委": Count 11).
	Elected []Elected `json:"elected,omitempty"`
	Caption bool      `json:"caption,omitempty"` // a photo caption, kept as its own item
	Text    string    `json:"text"`              // the repaired body text, paragraphs separated by "\n"
}

// Elected is one election result an item states: a person (Name) or a
// number of persons (Count) elected to an office.
type Elected struct {
	Name   string `json:"name,omitempty"`
	Count  int    `json:"count,omitempty"`
	Office string `json:"office"`
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

// msgPanic answers input that tripped a bug in the rules (the fuzz test
// fails on it).
const msgPanic = "无法解析这段文字，请检查内容后重试"

// Parse reads a page's text (UTF-8, or GB18030 detected and converted).
// Errors are app errors (EINVALID) with a Chinese message: empty input,
// binary input, input over MaxInput, no recognisable item.
func Parse(src []byte, opt Options) (page *Page, err error) {
	defer func() {
		if r := recover(); r != nil { // a rule's bug must not take the server down
			page, err = nil, app.Errorf(app.EINVALID, msgPanic)
		}
	}()
	text, err := decode(src)
	if err != nil {
		return nil, err
	}
	lines, headerYear := pageLines(text)
	year := opt.Year
	if year == 0 {
		year = headerYear
	}
	if year == 0 {
		year = pageYear(text)
	}
	city := pageCity(text)
	page = &Page{Year: year, Articles: []Article{}}
	for _, it := range segment(lines) {
		if a, ok := article(it, year, city); ok {
			page.Articles = append(page.Articles, a)
		}
	}
	if len(page.Articles) == 0 {
		return nil, app.Errorf(app.EINVALID, "没有找到可识别的稿件：请粘贴报纸版面的文字（标题、正文、署名）")
	}
	return page, nil
}

// article reads an item's fields; ok is false for an item with neither
// title nor text.
func article(it *item, year int, city string) (Article, bool) {
	paras := slices.Clone(it.paras)
	byline := leadByline(firstOf(paras))
	if n := len(paras); n > 0 {
		if m := reTrailParen.FindStringSubmatchIndex(paras[n-1]); m != nil && m[0] > 0 {
			byline = append(byline, names(paras[n-1][m[2]:m[3]])...)
			paras[n-1] = strings.TrimSpace(paras[n-1][:m[0]])
		}
	}
	byline = append(byline, it.byline...)
	text := strings.Join(paras, "\n")
	if it.title == "" && text == "" {
		return Article{}, false
	}
	lead := firstOf(paras)
	if lead == "" {
		lead = it.title
	}
	a := Article{
		Title:   it.title,
		Kicker:  it.kicker,
		Org:     findOrg(it, lead, city),
		Date:    findDate(lead, year),
		Byline:  dedupe(byline),
		Figures: figures(it.title + "\n" + text),
		Caption: it.caption,
		Text:    text,
	}
	if it.caption {
		a.Figures = figures(text)
	}
	a.Kind = findKind(it, it.title+"\n"+text)
	srcs := append([]string{it.title}, it.kicker...)
	if a.Kind == KindMeeting || a.Kind == KindElection {
		srcs = append(srcs, text)
	}
	a.Elected = findElected(append(slices.Clone(it.kicker), it.title, text)...)
	if m := findMeeting(srcs...); m != nil {
		a.MeetingRef = m
		a.Meeting = &m.Name
	}
	if it.continued != "" {
		c := it.continued
		a.ContinuedFrom = &c
	}
	return a, true
}

func firstOf(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

// dedupe keeps the first of each name, in order; never nil.
func dedupe(names []string) []string {
	out := []string{}
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
