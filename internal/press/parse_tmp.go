package press

// TEMPORARY: a minimal Parse so that the import in the app builds and its
// tests run while the real parser is written on its own branch. Drop this
// file when that parser is merged.

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
)

var (
	tmpDate     = regexp.MustCompile(`(\d{1,2})月(\d{1,2})日`)
	tmpYear     = regexp.MustCompile(`((?:19|20)\d\d)年`)
	tmpReporter = regexp.MustCompile(`(?:记者|通讯员)\s*([\p{Han}]{2,4})`)
	tmpTrailing = regexp.MustCompile(`[（(]([\p{Han}]{2,4}(?:\s+[\p{Han}]{2,4})*)[)）]\s*$`)
	tmpOrg      = regexp.MustCompile(`[\p{Han}]{1,8}?(?:市|县|区)政协`)
	tmpMeeting  = regexp.MustCompile(`([一二三四五六七八九十]+)届([一二三四五六七八九十]+)次(主席会议|常委会议|会议)`)
	tmpExpected = regexp.MustCompile(`应到委员(\d+)人`)
	tmpPresent  = regexp.MustCompile(`实到(?:委员)?(\d+)人`)
)

// Parse splits the text into items at title lines: a block (lines between
// blank lines) of one short line without sentence punctuation.
func Parse(src []byte, opt Options) (*Page, error) {
	switch {
	case len(bytes.TrimSpace(src)) == 0:
		return nil, app.Errorf(app.EINVALID, "内容为空")
	case len(src) > MaxInput:
		return nil, app.Errorf(app.EINVALID, "内容超过%d MB", MaxInput>>20)
	case bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src):
		return nil, app.Errorf(app.EINVALID, "不是文本内容")
	}
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	p := &Page{Year: opt.Year}
	if p.Year == 0 {
		if m := tmpYear.FindStringSubmatch(text); m != nil {
			p.Year, _ = strconv.Atoi(m[1])
		}
	}
	var cur *Article
	var body []string
	flush := func() {
		if cur != nil && len(body) > 0 {
			cur.Text = strings.Join(body, "\n")
			tmpFill(cur, p.Year)
			p.Articles = append(p.Articles, *cur)
		}
		cur, body = nil, nil
	}
	for _, block := range strings.Split(text, "\n\n") {
		block = strings.TrimSpace(block)
		if block == "" {
			continue
		}
		if !strings.Contains(block, "\n") && utf8.RuneCountInString(block) <= 40 && !strings.ContainsAny(block, "。，,；") {
			flush()
			cur = &Article{Title: block}
			continue
		}
		if cur != nil {
			body = append(body, strings.ReplaceAll(block, "\n", ""))
		}
	}
	flush()
	if len(p.Articles) == 0 {
		return nil, app.Errorf(app.EINVALID, "没有识别出稿件")
	}
	return p, nil
}

func tmpFill(a *Article, year int) {
	a.Byline, a.Figures = []string{}, map[string]int64{}
	if m := tmpDate.FindStringSubmatch(a.Text); m != nil && year != 0 {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		s := fmt.Sprintf("%04d-%02d-%02d", year, mo, d)
		a.Date = &s
	}
	for _, m := range tmpReporter.FindAllStringSubmatch(a.Text, -1) {
		a.Byline = append(a.Byline, m[1])
	}
	if m := tmpTrailing.FindStringSubmatch(a.Text); m != nil {
		a.Byline = append(a.Byline, strings.Fields(m[1])...)
	}
	if a.Org = tmpOrg.FindString(a.Title); a.Org == "" {
		a.Org = tmpOrg.FindString(a.Text)
	}
	switch all := a.Title + a.Text; {
	case strings.Contains(all, "选举"):
		a.Kind = KindElection
	case strings.Contains(all, "会议") || strings.Contains(all, "座谈会"):
		a.Kind = KindMeeting
	case strings.ContainsAny(all, "调研视察"):
		a.Kind = KindResearch
	case strings.Contains(all, "帮扶") || strings.Contains(all, "慰问") || strings.Contains(all, "扶贫"):
		a.Kind = KindAssistance
	case strings.Contains(all, "企业") || strings.Contains(all, "招商"):
		a.Kind = KindLiaison
	default:
		a.Kind = KindOther
	}
	if m := tmpMeeting.FindStringSubmatch(a.Title + a.Text); m != nil {
		name := m[0]
		a.Meeting = &name
		ref := &Meeting{Name: name, Term: tmpNumeral(m[1]), Number: tmpNumeral(m[2]), Kind: "plenary"}
		switch m[3] {
		case "主席会议":
			ref.Kind = "chair"
		case "常委会议":
			ref.Kind = "standing"
		}
		a.MeetingRef = ref
	}
	if m := tmpExpected.FindStringSubmatch(a.Text); m != nil {
		a.Figures[FigMembersExpected], _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := tmpPresent.FindStringSubmatch(a.Text); m != nil {
		a.Figures[FigMembersPresent], _ = strconv.ParseInt(m[1], 10, 64)
	}
}

// tmpNumeral reads 一 … 九十九.
func tmpNumeral(s string) int {
	digits := map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	n, cur := 0, 0
	for _, r := range s {
		if r == '十' {
			if cur == 0 {
				cur = 1
			}
			n += cur * 10
			cur = 0
			continue
		}
		cur = digits[r]
	}
	return n + cur
}
