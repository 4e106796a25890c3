package meeting

import (
	"strconv"

	"xieshang/internal/org"
)

// Check returns "" when the rule is well formed, otherwise the reason: a
// positive fraction not above one (denominator at most 100); "more than all
// expected members" can never be met and is refused.
func (r QuorumRule) Check() string {
	if r.Den <= 0 || r.Num <= 0 || r.Num > r.Den || r.Den > 100 {
		return "法定人数比例应为不超过1的正分数，如二分之一"
	}
	if r.Strict && r.Num == r.Den {
		return "“超过全部应到人数”无法满足，请改为“不少于”"
	}
	return ""
}

// Met reports whether present members satisfy the rule for expected members.
// 419 expected: more than half needs 210 present; 209 does not do.
func (r QuorumRule) Met(expected, present int) bool {
	need := r.Num * expected
	if r.Strict {
		return present*r.Den > need
	}
	return present*r.Den >= need
}

// Need is the fewest present members that satisfy the rule: Met(e, Need(e))
// holds and Met(e, Need(e)-1) does not. More than half of 419 needs 210, at
// least two-thirds of 30 needs 20. For a rule without a positive denominator
// (one that fails Check) it returns 0.
func (r QuorumRule) Need(expected int) int {
	if r.Den <= 0 {
		return 0
	}
	base := r.Num * expected
	if r.Strict { // present*Den > base: the next whole number above base/Den
		return floorDiv(base, r.Den) + 1
	}
	return -floorDiv(-base, r.Den) // present*Den >= base: base/Den rounded up
}

// Text is the rule in the words of a report or a set of rules:
// 超过应到人数的二分之一, 不少于应到人数的三分之二, 不少于应到人数 (all).
func (r QuorumRule) Text() string {
	return compareText(r.Strict) + "应到人数" + FractionText(r.Num, r.Den)
}

// QuorumResult is a quorum decision as the record keeps it: the figures, the
// rule applied, the fewest present it needed and whether it held.
type QuorumResult struct {
	Rule     QuorumRule `json:"rule"`
	Expected int        `json:"expected"`
	Present  int        `json:"present"`
	Need     int        `json:"need"`
	Met      bool       `json:"met"`
}

// Evaluate applies the rule to a meeting's attendance. Guests never count.
func (r QuorumRule) Evaluate(a Attendance) QuorumResult {
	return QuorumResult{Rule: r, Expected: a.Expected, Present: a.Present, Need: r.Need(a.Expected), Met: r.Met(a.Expected, a.Present)}
}

// QuorumSentence is the attendance line of a meeting report:
//
//	应到委员419人，实到386人，符合规定人数
//	应到委员419人，实到209人，不符合规定人数
//	应到委员419人，实到386人，请假21人，符合规定人数
//
// The excused figure (请假) is given only when it is not zero; absences and
// guests are not part of this sentence. The body is called 委员 for every
// kind: standing-committee and chair's-meeting members are 委员 too.
func QuorumSentence(a Attendance, r QuorumRule) string {
	s := "应到委员" + strconv.Itoa(a.Expected) + "人，实到" + strconv.Itoa(a.Present) + "人，"
	if a.Excused != 0 {
		s += "请假" + strconv.Itoa(a.Excused) + "人，"
	}
	if r.Met(a.Expected, a.Present) {
		return s + "符合规定人数"
	}
	return s + "不符合规定人数"
}

// compareText is 超过 for a strict comparison, 不少于 otherwise.
func compareText(strict bool) string {
	if strict {
		return "超过"
	}
	return "不少于"
}

// FractionText writes num/den of something in Chinese, reduced: 的二分之一,
// 的三分之二; a whole (num == den) is written as nothing, so that
// 不少于应到人数 reads as "all of them". Malformed fractions stay in digits.
// Quorum, pass and election rules all write their fractions with it.
func FractionText(num, den int) string {
	if num <= 0 || den <= 0 {
		return "的" + strconv.Itoa(num) + "/" + strconv.Itoa(den)
	}
	g := gcd(num, den)
	num, den = num/g, den/g
	if num == den {
		return ""
	}
	return "的" + org.Numeral(den) + "分之" + org.Numeral(num)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// floorDiv is a/b rounded towards minus infinity, for b > 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
