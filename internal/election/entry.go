package election

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"xieshang/internal/app"
)

// The entry format's syntax characters.
const (
	sepOffice  = '/' // between the offices of a paper
	sepWriteIn = '+' // before each write-in
	spoiledTag = "*" // a whole line: the paper is spoiled
	idTag      = '#' // after a write-in's name: its member id (+姓名#123)
)

// Limits that keep a typing accident from becoming a huge ballot.
const (
	maxLineRunes = 4000
	maxNameRunes = 20
)

// ParseLine reads one paper ballot as a scrutineer types it. The format,
// made for the numeric keypad:
//
//	11            副主席 赞成, 秘书长 赞成 (two offices, one candidate each: "1/1")
//	1/2+张三      秘书长 反对, 另选张三
//	111111111112  twelve standing-committee candidates, the last opposed
//	*             a spoiled paper (废票: every office void)
//
// One character per candidate in list order (1 赞成, 2 反对, 3 弃权, 0 未划,
// . 不清), the offices of the paper (in Seq order) separated by "/",
// write-ins after an office's marks as "+姓名" (repeatable). A write-in may
// carry its member id as "+姓名#123" (the store writes resolved ballots so;
// "+#123" alone is an id without a name). Spaces are ignored; full-width
// characters (０-９, ＋, ／, ＊, ．, ＃, full-width letters and spaces) and 。
// for "." are accepted; the middle dots of names (·・•‧) are all written ·.
// A name is letters and · only, at most 20 characters.
//
// ParseLine checks the ballot's shape only: an over-vote or a write-in the
// rules forbid is a real ballot, entered as it is and judged void or not by
// the count. WriteIn.MemberID is 0 unless written with #id (see
// ResolveWriteIns). The error is an EINVALID *app.Error whose message names
// the office and says what is wrong in Chinese, e.g. 常务委员应有12个标记，实际11个.
func ParseLine(paper []Office, line string) (Ballot, error) {
	if len(paper) == 0 {
		return Ballot{}, app.Errorf(app.EINVALID, "本张选票没有选举职务")
	}
	if utf8.RuneCountInString(line) > maxLineRunes {
		return Ballot{}, app.Errorf(app.EINVALID, "选票内容过长")
	}
	s := normalizeLine(line)
	if s == "" {
		return Ballot{}, app.Errorf(app.EINVALID, "选票内容为空（空白选票请输入0）")
	}
	if s == spoiledTag {
		return Ballot{Spoiled: true}, nil
	}
	if strings.Contains(s, spoiledTag) {
		return Ballot{}, app.Errorf(app.EINVALID, "“*”表示整张选票作废，应单独输入")
	}
	parts := strings.Split(s, string(sepOffice))
	if len(parts) != len(paper) {
		return Ballot{}, app.Errorf(app.EINVALID, "本张选票有%d个职务（%s），应以“/”分为%d段，实际%d段",
			len(paper), officeNames(paper), len(paper), len(parts))
	}
	b := Ballot{Sections: make([]Section, len(paper))}
	for i, part := range parts {
		sec, err := parseSection(paper[i], part)
		if err != nil {
			return Ballot{}, err
		}
		b.Sections[i] = sec
	}
	return b, nil
}

// parseSection reads one office's marks and write-ins.
func parseSection(o Office, part string) (Section, error) {
	marks, rest, hasWriteIns := strings.Cut(part, string(sepWriteIn))
	n := utf8.RuneCountInString(marks)
	if n != len(o.Candidates) {
		return Section{}, app.Errorf(app.EINVALID, "%s应有%d个标记，实际%d个", o.Name, len(o.Candidates), n)
	}
	sec := Section{Marks: make([]Mark, 0, n)}
	k := 0
	for _, r := range marks {
		k++
		m := Mark(r)
		if r >= utf8.RuneSelf || !m.Valid() {
			return Section{}, app.Errorf(app.EINVALID, "%s的第%d个标记“%c”无法识别（1赞成、2反对、3弃权、0未划、.不清）", o.Name, k, r)
		}
		sec.Marks = append(sec.Marks, m)
	}
	if !hasWriteIns {
		return sec, nil
	}
	for _, w := range strings.Split(rest, string(sepWriteIn)) {
		wi, err := parseWriteIn(o, w)
		if err != nil {
			return Section{}, err
		}
		sec.WriteIns = append(sec.WriteIns, wi)
	}
	return sec, nil
}

// parseWriteIn reads "姓名", "姓名#123" or "#123".
func parseWriteIn(o Office, w string) (WriteIn, error) {
	var wi WriteIn
	name := w
	if i := strings.LastIndexByte(w, idTag); i >= 0 {
		id, err := strconv.ParseInt(w[i+1:], 10, 64)
		if err != nil || id <= 0 || w[i+1] == '0' || w[i+1] == '+' {
			return wi, app.Errorf(app.EINVALID, "%s的另选人编号“%s”有误", o.Name, w[i:])
		}
		wi.MemberID, name = id, w[:i]
	}
	if name == "" && wi.MemberID == 0 {
		return wi, app.Errorf(app.EINVALID, "%s的另选人姓名为空（“+”后应写姓名）", o.Name)
	}
	if utf8.RuneCountInString(name) > maxNameRunes {
		return wi, app.Errorf(app.EINVALID, "%s的另选人姓名“%s”过长", o.Name, name)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && r != '·' {
			return wi, app.Errorf(app.EINVALID, "%s的另选人姓名“%s”含有数字或符号（另选人应写在本职务标记之后）", o.Name, name)
		}
	}
	wi.Name = name
	return wi, nil
}

// normalizeLine folds full-width forms to ASCII, 。 to ".", the middle dots
// of names to ·, and drops every space.
func normalizeLine(line string) string {
	var b strings.Builder
	b.Grow(len(line))
	for _, r := range line {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r == '。':
			r = '.'
		case r == '・' || r == '•' || r == '‧' || r == '･':
			r = '·'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// officeNames lists the offices' names: 副主席、秘书长.
func officeNames(paper []Office) string {
	names := make([]string, len(paper))
	for i, o := range paper {
		names[i] = o.Name
	}
	return strings.Join(names, "、")
}

// FormatLine writes b in the canonical entry format, ParseLine's inverse:
// marks as digits, offices joined by "/", each write-in as "+姓名" and, when
// its MemberID is set, "#id" after the name; "*" for a spoiled paper.
func FormatLine(b Ballot) string {
	if b.Spoiled {
		return spoiledTag
	}
	var sb strings.Builder
	for i, s := range b.Sections {
		if i > 0 {
			sb.WriteByte(sepOffice)
		}
		for _, m := range s.Marks {
			sb.WriteByte(byte(m))
		}
		for _, w := range s.WriteIns {
			sb.WriteByte(sepWriteIn)
			sb.WriteString(w.Name)
			if w.MemberID != 0 {
				sb.WriteByte(idTag)
				sb.WriteString(strconv.FormatInt(w.MemberID, 10))
			}
		}
	}
	return sb.String()
}

// ResolveWriteIns sets each write-in's MemberID through lookup (which
// returns 0 for an unknown or ambiguous name). A write-in without a name
// keeps the MemberID it carries.
func ResolveWriteIns(b *Ballot, lookup func(name string) int64) {
	for i := range b.Sections {
		for j := range b.Sections[i].WriteIns {
			w := &b.Sections[i].WriteIns[j]
			if w.Name != "" {
				w.MemberID = lookup(w.Name)
			}
		}
	}
}

// Difference is a ballot where the two entry passes disagree (Seq from 1;
// "" when a pass has no ballot at that position). First and Second are the
// lines in canonical form (as typed when they do not parse).
type Difference struct {
	Seq    int    `json:"seq"`
	First  string `json:"first"`
	Second string `json:"second"`
}

// Compare returns every position where the passes' canonical lines differ,
// in order: "1 1" and "11" agree, a line that does not parse is compared as
// typed (without surrounding spaces), and a ballot one pass has and the
// other has not is a difference against "".
func Compare(paper []Office, first, second []string) []Difference {
	var out []Difference
	for i := range max(len(first), len(second)) {
		var a, b string
		if i < len(first) {
			a = canonical(paper, first[i])
		}
		if i < len(second) {
			b = canonical(paper, second[i])
		}
		if a != b || (i >= len(first)) != (i >= len(second)) {
			out = append(out, Difference{Seq: i + 1, First: a, Second: b})
		}
	}
	return out
}

// canonical is the line's canonical form, or the line as typed when it does
// not parse.
func canonical(paper []Office, line string) string {
	b, err := ParseLine(paper, line)
	if err != nil {
		return strings.TrimSpace(line)
	}
	return FormatLine(b)
}
