package election

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
	"xieshang/internal/member"
	"xieshang/internal/org"
)

// DefaultRules are the rules a new election starts with: held if more than
// 1/2 of all members take part; elected with for-votes more than 1/2 of the
// expected members (超过应到会委员半数); a blank counts as abstain; an
// unclear mark is void on its own; write-ins allowed when voting against,
// no more than the candidates opposed.
func DefaultRules() Rules {
	return Rules{
		Hold:      Fraction{Num: 1, Den: 2, Strict: true},
		Elect:     Fraction{Num: 1, Den: 2, Strict: true},
		ElectBase: BaseExpected,
		Blank:     BlankAbstain,
		Unclear:   UnclearInvalid,
		WriteIns:  WriteInAgainst,
	}
}

// Check reports malformed rules as field errors keyed hold, elect,
// elect_base, blank, unclear, write_ins (Chinese reasons); nil when the
// rules are well formed.
func (r Rules) Check() app.FieldErrors {
	var errs app.FieldErrors
	if msg := r.Hold.check("全体委员"); msg != "" {
		errs.Add("hold", "进行选举所需人数："+msg)
	}
	if msg := r.Elect.check(r.ElectBase.Label()); msg != "" {
		errs.Add("elect", "当选所需赞成票："+msg)
	}
	if !r.ElectBase.Valid() {
		errs.Add("elect_base", "请选择当选票数的计算基数：全体委员、应到会委员或收回选票")
	}
	if !r.Blank.Valid() {
		errs.Add("blank", "请选择未划符号的计票方式：按弃权计、视为赞成或不计票")
	}
	if !r.Unclear.Valid() {
		errs.Add("unclear", "请选择符号不清的处理方式：该项按弃权计、该项无效或该票无效")
	}
	if !r.WriteIns.Valid() {
		errs.Add("write_ins", "请选择是否可以另选他人")
	}
	return errs
}

// check returns "" for a positive fraction not above one (denominator at
// most 100) that can be met; otherwise the reason.
func (f Fraction) check(base string) string {
	if f.Den <= 0 || f.Num <= 0 || f.Num > f.Den || f.Den > 100 {
		return "比例应为不超过1的正分数，如二分之一"
	}
	if f.Strict && f.Num == f.Den {
		return "“超过" + base + "总数”无法满足，请改为“不少于”"
	}
	return ""
}

// Met reports whether n compares with f of base, in exact integer
// arithmetic: more than half of 419 (209.5) is met by 210, not by 209. A
// fraction without a positive denominator is never met. The arithmetic is
// the quorum rule's (meeting.QuorumRule), which has the same shape.
func (f Fraction) Met(n, base int) bool {
	if f.Den <= 0 {
		return false
	}
	return meeting.QuorumRule(f).Met(base, n) // Met(expected, present)
}

// Need is the fewest n that meets f of base: Met(Need(b), b) holds and
// Met(Need(b)-1, b) does not. More than half of 419 needs 210 (the text
// says 超过209.5票); at least two-thirds of 30 needs 20. For a fraction
// without a positive denominator it returns 0 (and Met is false).
func (f Fraction) Need(base int) int { return meeting.QuorumRule(f).Need(base) }

// Exact is f of base as a report writes it: 209.5 for half of 419, 838/3
// for two-thirds of 419 (a fraction that does not end in tenths or
// hundredths stays a fraction), 210 when whole.
func (f Fraction) Exact(base int) string {
	if f.Den <= 0 {
		return "0"
	}
	x := f.Num * base
	if x%f.Den == 0 {
		return strconv.Itoa(x / f.Den)
	}
	for _, scale := range []int{10, 100} {
		if x*scale%f.Den == 0 {
			v := x * scale / f.Den
			frac := strconv.Itoa(v % scale)
			for len(frac) < len(strconv.Itoa(scale))-1 {
				frac = "0" + frac
			}
			return strconv.Itoa(v/scale) + "." + strings.TrimRight(frac, "0")
		}
	}
	g := gcd(x, f.Den)
	return strconv.Itoa(x/g) + "/" + strconv.Itoa(f.Den/g)
}

// Text is the comparison in words, of a base named by the caller:
// 超过全体委员的二分之一, 不少于应到会委员的三分之二, 超过应到会委员半数
// (with half written 半数 when half is true), 不少于全体委员 (a whole).
func (f Fraction) Text(base string, half bool) string {
	cmp := "不少于"
	if f.Strict {
		cmp = "超过"
	}
	if half && f.Num > 0 && f.Den == 2*f.Num {
		return cmp + base + "半数"
	}
	return cmp + base + meeting.FractionText(f.Num, f.Den)
}

func gcd(a, b int) int {
	if a < 0 {
		a = -a
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Held reports whether an election may be held: participants (members
// checked in and issued a ballot) against all members (全体委员) under
// r.Hold, e.g. 出席会议的委员超过全体委员的二分之一.
func (r Rules) Held(participants, all int) bool { return r.Hold.Met(participants, all) }

// Base returns the figure the election threshold is taken of: all members,
// the expected members or the ballots returned.
func (r Rules) Base(f Figures, returned int) int {
	switch r.ElectBase {
	case BaseAll:
		return f.All
	case BaseReturned:
		return returned
	}
	return f.Expected
}

// maxOfficeName is the longest office name accepted, in characters.
const maxOfficeName = 30

// CheckOffices checks one election's offices before the ballots are issued:
// at least one office; names present, at most 30 characters and not
// repeated; a role that elections give (主席, 副主席, 秘书长, 常委) or none;
// seats ≥ 1; papers numbered 1…n without gaps; seq ≥ 1 and unique per
// paper; 等额 lists with exactly Seats candidates and 差额 lists with more;
// every candidate a member (id > 0), none twice on one list. Field errors
// are keyed "offices" (or "office_<id>" when the office's ID is set), with
// Chinese reasons that name the office; nil when all is well.
func CheckOffices(offices []Office) app.FieldErrors {
	var errs app.FieldErrors
	if len(offices) == 0 {
		errs.Add("offices", "请至少设置一个选举职务")
		return errs
	}
	names := map[string]bool{}
	type pos struct{ paper, seq int }
	seqs := map[pos]string{}
	papers := map[int]bool{}
	for _, o := range offices {
		key := "offices"
		if o.ID != 0 {
			key = "office_" + app.Itoa(o.ID)
		}
		name := strings.TrimSpace(o.Name)
		label := "“" + name + "”"
		switch {
		case name == "":
			errs.Add(key, "请填写职务名称")
			label = "该职务"
		case utf8.RuneCountInString(name) > maxOfficeName:
			errs.Add(key, "职务名称不能超过"+strconv.Itoa(maxOfficeName)+"个字")
		case names[name]:
			errs.Add(key, "职务名称"+label+"重复")
		}
		names[name] = true
		if o.Role != "" {
			if k, ok := member.ParseRoleKind(string(o.Role)); !ok || k != o.Role || k == member.Ordinary {
				errs.Add(key, label+"担任的职务应为主席、副主席、秘书长或常委，或不设")
			}
		}
		if o.Seats < 1 {
			errs.Add(key, label+"的应选名额至少为1名")
		}
		if o.Paper < 1 {
			errs.Add(key, label+"的选票编号应从1开始")
		} else {
			papers[o.Paper] = true
		}
		if o.Seq < 1 {
			errs.Add(key, label+"在选票上的顺序应从1开始")
		} else if other, dup := seqs[pos{o.Paper, o.Seq}]; dup {
			errs.Add(key, label+"与“"+other+"”在第"+org.Numeral(o.Paper)+"张选票上的顺序相同")
		} else {
			seqs[pos{o.Paper, o.Seq}] = name
		}
		n := len(o.Candidates)
		if o.Seats >= 1 {
			if o.Competitive && n <= o.Seats {
				errs.Add(key, label+"为差额选举，候选人应多于应选名额"+strconv.Itoa(o.Seats)+"名，现有"+strconv.Itoa(n)+"名")
			}
			if !o.Competitive && n != o.Seats {
				errs.Add(key, label+"为等额选举，候选人应为"+strconv.Itoa(o.Seats)+"名，现有"+strconv.Itoa(n)+"名")
			}
		}
		seen := map[int64]bool{}
		for _, c := range o.Candidates {
			if c.MemberID <= 0 {
				errs.Add(key, label+"的候选人"+c.Name+"不是本届委员")
				continue
			}
			if seen[c.MemberID] {
				errs.Add(key, "候选人"+c.Name+"在"+label+"的名单中重复")
			}
			seen[c.MemberID] = true
		}
	}
	for p := 1; p <= len(papers); p++ {
		if !papers[p] {
			errs.Add("offices", "选票应从第一张起连续编号，缺少第"+org.Numeral(p)+"张选票")
			break
		}
	}
	return errs
}

// PaperOffices returns the offices of paper p in Seq order (a new slice; the
// offices share their candidate lists with the input).
func PaperOffices(offices []Office, p int) []Office {
	var out []Office
	for _, o := range offices {
		if o.Paper == p {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b Office) int { return a.Seq - b.Seq })
	return out
}

// Papers returns the paper numbers in use, ascending, each once.
func Papers(offices []Office) []int {
	var out []int
	for _, o := range offices {
		if !slices.Contains(out, o.Paper) {
			out = append(out, o.Paper)
		}
	}
	slices.Sort(out)
	return out
}

// CandidateScrutineers returns the ids that are both a candidate on some
// office and in scrutineers (scrutineers cannot be candidates), each once,
// in scrutineers' order; nil when there are none.
func CandidateScrutineers(offices []Office, scrutineers []int64) []int64 {
	cand := map[int64]bool{}
	for _, o := range offices {
		for _, c := range o.Candidates {
			cand[c.MemberID] = true
		}
	}
	var out []int64
	for _, id := range scrutineers {
		if cand[id] && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
