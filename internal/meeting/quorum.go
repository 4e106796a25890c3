package meeting

// Check returns "" when the rule is well formed, otherwise the reason.
func (r QuorumRule) Check() string {
	if r.Den <= 0 || r.Num <= 0 || r.Num > r.Den || r.Den > 100 {
		return "法定人数比例应为不超过1的正分数，如二分之一"
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

// Need is the fewest present members that satisfy the rule.
func (r QuorumRule) Need(expected int) int {
	n := r.Num * expected / r.Den
	if r.Strict || n*r.Den < r.Num*expected {
		n++
	}
	if !r.Strict && n*r.Den >= r.Num*expected && n > 0 && (n-1)*r.Den >= r.Num*expected {
		n--
	}
	return n
}
