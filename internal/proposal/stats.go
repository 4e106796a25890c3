package proposal

import (
	"strconv"

	"xieshang/internal/org"
)

// The arithmetic of the proposal statistics (提案统计); the counting is the
// store's.

// Rate writes n of d as a percentage rounded half up to one decimal, the
// way the reports print it: 6 of 7 is "85.7%", 3 of 3 is "100%", 0 of 4 is
// "0%". Without a denominator there is no rate: "—".
func Rate(n, d int) string {
	if d <= 0 || n < 0 {
		return "—"
	}
	tenths := (n*1000 + d/2) / d
	s := strconv.Itoa(tenths / 10)
	if r := tenths % 10; r != 0 {
		s += "." + strconv.Itoa(r)
	}
	return s + "%"
}

// SessionLabel names a plenary session of a term: 第四次会议 for 4, and
// 各次会议 (every session of the term) for 0.
func SessionLabel(session int) string {
	if session == 0 {
		return "各次会议"
	}
	return "第" + org.Numeral(session) + "次会议"
}
