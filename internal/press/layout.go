package press

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The layout pass turns the text layer's lines into items. A PDF's text
// layer gives a paragraph per line, broken where a column or the page ends,
// with the page's furniture (hotlines, slogans, page headers) mixed in and
// photo captions wherever the photo stood.

// item is an item of the page before its fields are read.
type item struct {
	kicker    []string // lines above the title and sub-titles below it
	above     int      // how many of kicker stand above the title
	title     string
	paras     []string // body paragraphs, broken sentences rejoined
	byline    []string // names from byline lines and signatures
	caption   bool
	continued string // "一版" for "(接一版)"
	closed    bool   // a trailing byline ended the item
}

// open reports whether the item's last paragraph stops mid-sentence.
func (it *item) open() bool {
	return len(it.paras) > 0 && !endsSentence(it.paras[len(it.paras)-1])
}

var (
	// Page furniture: hotlines, phone numbers, app slogans, editors' credits, links.
	reFurniture = regexp.MustCompile(`热线|找记者|上壹点|扫码|扫一扫|客户端|公众号|责任编辑|责编|美编|校对|组版|版式设计|投稿邮箱|E-?mail|邮箱[:：]|https?://|www\.|>>>|》》》`)
	rePhoneOnly = regexp.MustCompile(`^[\d\s\-—()（）+转、,，/]{5,}$`)
	// A page header: "2020年5月28日 星期四", "A05 聊城新闻", "第3版".
	reHeaderDate = regexp.MustCompile(`^((?:19|20)\d\d)年\d{1,2}月\d{1,2}日(?:\s*(?:星期|周)[一二三四五六日天]|\s*$)`)
	reMasthead   = regexp.MustCompile(`^\p{Han}{2,6}(?:日报|晚报|都市报|时报|商报|政协报)$`)
	rePageLabel  = regexp.MustCompile(`^(?:[A-Z]\d{1,2}|第?[\d一二三四五六七八九十]{1,3}版)(?:\s|$)`)
	// "(接一版)", "(上接第1版)", "（接A1版）".
	reContinued = regexp.MustCompile(`^[(（]\s*(?:上)?接(?:第)?\s*([A-Za-z]?[\d一二三四五六七八九十]{1,3})\s*版\s*[)）]\s*`)
	// "(下转第二版)" at a column's end: furniture.
	reTurnTo = regexp.MustCompile(`\s*[(（]\s*(?:下)?转(?:第)?\s*[A-Za-z]?[\d一二三四五六七八九十]{1,3}\s*版\s*[)）]\s*$`)
	// A dateline: "本报讯", "本报聊城5月27日讯", "5月27日讯", "新华社北京6月1日电".
	reDateline  = regexp.MustCompile(`^(?:(?:本报|新华社|本刊|中新社)\p{Han}{0,6}?(?:\d{1,2}月\d{1,2}日)?(?:讯|电)|\d{1,2}月\d{1,2}日(?:讯|电))`)
	reDateStart = regexp.MustCompile(`^\d{1,2}月\d{1,2}日`)
	// Byline lines: "记者 王某 通讯员 李某", "本报记者 赵刚 摄影报道",
	// "(何福广 刘少华)".
	reRoleLine  = regexp.MustCompile(`^(?:(?:本报|特约|见习)?(?:记者|通讯员|实习生|摄影记者)[\s:：]*)[\p{Han}·]{2,4}(?:[\s、,，/]+(?:(?:本报|特约|见习)?(?:记者|通讯员|实习生|摄影记者)[\s:：]*)?[\p{Han}·]{2,4})*(?:\s*(?:摄影报道|摄影|报道|摄))?$`)
	rePhotoLine = regexp.MustCompile(`^(?:(?:本报|特约|见习)?(?:记者|通讯员|摄影记者)\s*)?[\p{Han}·]{2,4}(?:[\s、,，/]+[\p{Han}·]{2,4})*\s*(?:摄影报道|摄)$`)
	reParenLine = regexp.MustCompile(`^[(（]\s*(?:(?:本报)?(?:记者|通讯员)\s*)?[\p{Han}·]{2,4}(?:[\s、,，/]+(?:(?:本报)?(?:记者|通讯员)\s*)?[\p{Han}·]{2,4})*\s*[)）]$`)
	// A photo's signature at the end of a caption: "记者 张明 摄", "(李华 摄)".
	reSignature = regexp.MustCompile(`\s*[(（]?\s*((?:(?:本报|特约)?(?:记者|通讯员|摄影记者)\s*)?[\p{Han}·]{2,4}(?:[\s、,，/]+[\p{Han}·]{2,4})*)\s*(?:摄影报道|摄)\s*[)）]?$`)
)

// furniture reports whether a line is page furniture, not part of any item.
func furniture(s string) bool {
	return reFurniture.MatchString(s) || rePhoneOnly.MatchString(s) ||
		reHeaderDate.MatchString(s) || reMasthead.MatchString(s) || (rePageLabel.MatchString(s) && utf8.RuneCountInString(s) <= 12)
}

// lastRune returns the last rune of s after closing quotes and brackets.
func lastRune(s string) rune {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	for s != "" {
		r, n := utf8.DecodeLastRuneInString(s)
		switch r {
		case '”', '’', '"', '\'', '」', '』', '》':
			s = s[:len(s)-n]
			continue
		}
		return r
	}
	return 0
}

// endsSentence reports whether a line ends a sentence (or a clause that a
// column break does not split: a colon before a list).
func endsSentence(s string) bool {
	switch lastRune(s) {
	case '。', '！', '？', '；', '…', '!', '?', ';', '：', ':', '.':
		return true
	}
	return false
}

// clausePunct reports whether s holds the punctuation of running text.
func clausePunct(s string) bool {
	return strings.ContainsAny(s, ",，;；。")
}

// headlineish reports whether a line can be a title, kicker or sub-title:
// short, not ending in punctuation, no full stop, not a dateline.
func headlineish(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 48 || strings.ContainsAny(s, "。") || endsSentence(s) {
		return false
	}
	// A title may hold a comma ("精准扶贫,贫困户靠养牛走上致富路"); a longer
	// line with several is running text cut by a column break.
	if clausePunct(s) && (n > 24 || strings.Count(s, ",")+strings.Count(s, "，")+strings.Count(s, ";")+strings.Count(s, "；") > 1) {
		return false
	}
	switch lastRune(s) {
	case ',', '，', '、', '(', '（':
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	if strings.ContainsRune("、，,。；;：:)）", r) || !chinese(s) {
		return false
	}
	return !reDateline.MatchString(s) && !bylineLine(s) && !reContinued.MatchString(s)
}

// bylineLine reports whether a line is only a byline.
func bylineLine(s string) bool {
	return !reContinued.MatchString(s) && reRoleLine.MatchString(s) || rePhotoLine.MatchString(s) || reParenLine.MatchString(s)
}

// kickerLike reports whether a headline line reads as a kicker rather than a
// title: a section line ("决战决胜·脱贫攻坚"), a short slogan ("聊城在行动"),
// a committee's name alone, a meeting's name alone, a "——" sub-title.
func kickerLike(s string) bool {
	if strings.ContainsAny(s, "·•・") || strings.HasPrefix(s, "—") || utf8.RuneCountInString(s) <= 6 {
		return true
	}
	if o := orgAt(s); o != "" && o == s {
		return true
	}
	if m := reMeeting.FindString(s); m != "" && m == s {
		return true
	}
	return false
}

// names reads the names of a byline: role words dropped, split on spaces
// and list marks, 2-4 characters each.
var reRoles = regexp.MustCompile(`本报|特约|见习|摄影记者|记者|通讯员|实习生|摄影报道|摄影|报道|摄|文/图|[(（)）:：]`)

func names(s string) []string {
	s = reRoles.ReplaceAllString(s, " ")
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("、,，/", r)
	}) {
		n := utf8.RuneCountInString(f)
		if n < 2 || n > 4 {
			continue
		}
		han := true
		for _, r := range f {
			if !unicode.Is(unicode.Han, r) && r != '·' {
				han = false
			}
		}
		if han {
			out = append(out, f)
		}
	}
	return out
}

// pageLines returns the lines of the page that can belong to items:
// trimmed, non-empty, furniture dropped. year is from a page header, 0 when none.
func pageLines(text string) (lines []string, year int) {
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n") {
		l = strings.TrimFunc(l, func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' })
		if l == "" {
			continue
		}
		if m := reHeaderDate.FindStringSubmatch(l); m != nil && year == 0 {
			year = atoi(m[1])
		}
		if furniture(l) {
			continue
		}
		l = reTurnTo.ReplaceAllString(l, "")
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines, year
}

// segment groups the lines into items in page order.
func segment(lines []string) []*item {
	var (
		items   []*item
		cur     *item    // the article body lines go to
		last    *item    // the item a byline line goes to
		pending []string // a section line ("图片新闻") for the caption below it
	)
	addBody := func(l string) {
		if m := reContinued.FindStringSubmatch(l); m != nil {
			l = strings.TrimSpace(l[len(m[0]):])
			if cur == nil || len(cur.paras) > 0 {
				cur = &item{}
				items = append(items, cur)
			}
			cur.continued = m[1] + "版"
			last = cur
			if l == "" {
				return
			}
		}
		if cur == nil {
			if !reDateline.MatchString(l) {
				return // the tail of an article that began elsewhere
			}
			cur = &item{}
			items = append(items, cur)
		}
		last = cur
		if cur.open() {
			cur.paras[len(cur.paras)-1] += l
			return
		}
		cur.paras = append(cur.paras, l)
	}
	for i := 0; i < len(lines); {
		l := lines[i]
		switch {
		case reContinued.MatchString(l):
			addBody(l)
			i++
		case bylineLine(l):
			if last != nil {
				last.byline = append(last.byline, names(l)...)
				if reParenLine.MatchString(l) || rePhotoLine.MatchString(l) {
					last.closed = true
				}
			}
			i++
		case caption(lines, i, cur, last):
			c := &item{caption: true, kicker: pending, above: len(pending)}
			pending = nil
			text := l
			if m := reSignature.FindStringSubmatchIndex(l); m != nil && m[0] > 0 {
				c.byline = names(l[m[2]:m[3]])
				text = strings.TrimSpace(l[:m[0]])
			}
			c.title = text
			c.paras = []string{text}
			items = append(items, c)
			last = c
			i++
		case headlineish(l):
			j := i
			for j < len(lines) && headlineish(lines[j]) {
				j++
			}
			run := lines[i:j]
			if j == len(lines) {
				for _, r := range run {
					addBody(r)
				}
				i = j
				continue
			}
			// Leading lines with running text's commas before a clean title
			// are the tail of the article above, cut by a column break.
			k := 0
			for k < len(run)-1 && clausePunct(run[k]) && !clausePunct(run[len(run)-1]) {
				addBody(run[k])
				k++
			}
			run = run[k:]
			if j < len(lines) && signed(lines[j]) && allKickers(run) {
				pending = append(pending, run...) // a photo page's section line
				i = j
				continue
			}
			if len(run) == 1 && cur != nil && cur.open() && clausePunct(run[0]) && last == cur {
				addBody(run[0])
				i = j
				continue
			}
			cur = headline(run)
			items = append(items, cur)
			last = cur
			i = j
		default:
			addBody(l)
			i++
		}
	}
	return items
}

// caption reports whether lines[i] is a photo caption: a short single
// sentence with a photographer's signature ("记者 张明 摄", "图为…"), or a
// dated sentence standing between the two halves of a broken sentence.
func caption(lines []string, i int, cur, last *item) bool {
	l := lines[i]
	if utf8.RuneCountInString(l) > 90 || strings.Count(l, "。") > 2 {
		return false
	}
	if cur != nil && last == cur && cur.title != "" && len(cur.paras) == 0 {
		return false // the body of a titled photo report
	}
	if strings.HasPrefix(l, "图为") {
		return true
	}
	if signed(l) {
		return true
	}
	return reDateStart.MatchString(l) && endsSentence(l) && strings.Count(l, "。") == 1 &&
		cur != nil && cur.open() && i+1 < len(lines) && !headlineish(lines[i+1])
}

// headline makes an item from a group of headline lines: the kickers above
// the title, the title (its lead-in split off when printed on the same
// line), the sub-titles below it.
func headline(run []string) *item {
	t := len(run) - 1
	for k, l := range run {
		if !kickerLike(l) {
			t = k
			break
		}
	}
	it := &item{title: run[t]}
	it.kicker = append(it.kicker, run[:t]...)
	if lead, title := splitLeadIn(run[t]); lead != "" {
		it.kicker = append(it.kicker, lead)
		it.title = title
	}
	it.above = len(it.kicker)
	it.kicker = append(it.kicker, run[t+1:]...)
	return it
}

// splitLeadIn splits "围绕中心服务大局 为推动聊城高质量发展凝心聚力
// 市政协十三届四次会议胜利闭幕" into its lead-in and the title proper: the
// title is the part from the first segment naming an organisation or a
// meeting, when the segments before name neither.
func splitLeadIn(s string) (lead, title string) {
	segs := strings.Fields(s)
	for k, seg := range segs {
		if orgAt(seg) != "" || reMeeting.MatchString(seg) || strings.Contains(seg, "政协") {
			if k == 0 {
				return "", s
			}
			return strings.Join(segs[:k], " "), strings.Join(segs[k:], " ")
		}
	}
	return "", s
}

// signed reports whether a line is a sentence signed by a photographer:
// "…建设。 记者 张明 摄".
func signed(l string) bool {
	m := reSignature.FindStringIndex(l)
	return m != nil && m[0] > 0 && strings.ContainsAny(l[:m[0]], "。，,") && utf8.RuneCountInString(l) <= 90
}

func allKickers(run []string) bool {
	for _, l := range run {
		if !kickerLike(l) {
			return false
		}
	}
	return len(run) > 0
}

// chinese reports whether at least half of a line's letters are Chinese
// characters (a title of a Chinese page).
func chinese(s string) bool {
	han, other := 0, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.IsLetter(r):
			other++
		}
	}
	return han >= 2 && han >= other
}
