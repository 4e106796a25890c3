package meeting

import (
	"strings"

	"xieshang/internal/org"
)

// Title is the computed title of a numbered meeting, without the committee:
//
//	Title(Plenary, 13, 4, "")       十三届四次会议
//	Title(Chairs, 5, 12, "")        五届十二次主席会议
//	Title(Standing, 10, 9, "")      十届九次常委会会议
//	Title(Sitting, 13, 4, Opening)  十三届四次会议开幕会
//
// For a sitting, seq is the number of the plenary session it belongs to.
// It returns "" when the title is not computed: for kinds whose titles are
// typed (consultation and on-site meetings), for a term or number below 1
// (the store assigns the number first), and for a sitting of unknown kind.
func Title(kind Kind, termNumber, seq int, sitting SittingKind) string {
	if termNumber < 1 || seq < 1 {
		return ""
	}
	base := org.Numeral(termNumber) + "届" + org.Numeral(seq) + "次"
	switch kind {
	case Plenary:
		return base + "会议"
	case Standing:
		return base + "常委会会议"
	case Chairs:
		return base + "主席会议"
	case Sitting:
		if !sitting.Valid() {
			return ""
		}
		return SittingTitle(base+"会议", sitting)
	}
	return ""
}

// SittingTitle is the title of a sitting within a plenary session: the
// session's title and the sitting's name, e.g. 十三届四次会议闭幕会,
// 市政协十三届四次会议选举大会. It returns parentTitle unchanged for a sitting
// of unknown kind.
func SittingTitle(parentTitle string, s SittingKind) string {
	if !s.Valid() {
		return parentTitle
	}
	return parentTitle + s.Label()
}

// FullTitle puts the committee's short name (市政协, 县政协, 东昌府区政协 —
// data of the committee) before a title: FullTitle("市政协", "十三届四次会议")
// is 市政协十三届四次会议. A typed title that already starts with the short
// name is not prefixed twice; an empty short name leaves the title as it is.
func FullTitle(committeeShort, title string) string {
	committeeShort = strings.TrimSpace(committeeShort)
	title = strings.TrimSpace(title)
	if committeeShort == "" || strings.HasPrefix(title, committeeShort) {
		return title
	}
	return committeeShort + title
}
