package meeting

import (
	"cmp"
	"slices"

	"xieshang/internal/member"
)

// Side is a side of the rostrum (主席台) as seen from the audience.
type Side string

const (
	AudienceLeft  Side = "left"  // the audience's left: the rostrum's right hand
	AudienceRight Side = "right" // the audience's right: the rostrum's left hand
)

// Label is the side in Chinese, as seen from the audience.
func (s Side) Label() string {
	switch s {
	case AudienceLeft:
		return "台下观众的左侧"
	case AudienceRight:
		return "台下观众的右侧"
	}
	return string(s)
}

// SeatingConvention is how a committee seats its rostrum (主席台座次), as data,
// because practice differs between places and occasions.
//
// The most senior person (No. 1) sits in the centre; No. 2 sits beside No. 1
// on one side, No. 3 beside No. 1 on the other side, and then the seats
// alternate outward: No. 4 beyond No. 2, No. 5 beyond No. 3, and so on.
// With an odd number of people No. 1 takes the centre seat; with an even
// number No. 1 and No. 2 share the two centre seats. The side of No. 2 is
// given separately for odd and even counts (OddSecond, EvenSecond), which
// also fixes, for an even count, whether No. 1 sits left or right of the
// hall's centre line.
type SeatingConvention struct {
	OddSecond    Side `json:"odd_second"`    // odd count: where No. 2 sits beside No. 1 (AudienceLeft or AudienceRight)
	EvenSecond   Side `json:"even_second"`   // even count: where No. 2 sits beside No. 1
	InvitedFirst bool `json:"invited_first"` // invited leaders (应邀出席) before the committee's own leaders
}

var (
	// LeftHandSecond is the usual order at Party and government meetings
	// (以左为尊): No. 2 on No. 1's left hand, the audience's right, for odd
	// and even counts alike; invited leaders (the Party secretary, the
	// mayor) before the committee's own leaders. Five people A–E, seen
	// from the audience: E C A B D; four: C A B D.
	LeftHandSecond = SeatingConvention{OddSecond: AudienceRight, EvenSecond: AudienceRight, InvitedFirst: true}

	// RightHandSecond is the mirror (以右为尊, as at international
	// occasions): No. 2 on No. 1's right hand, the audience's left. Five
	// people A–E, seen from the audience: D B A C E; four: D B A C.
	RightHandSecond = SeatingConvention{OddSecond: AudienceLeft, EvenSecond: AudienceLeft, InvitedFirst: true}
)

// Check returns "" when the convention is well formed, otherwise the reason.
func (c SeatingConvention) Check() string {
	for _, s := range []Side{c.OddSecond, c.EvenSecond} {
		if s != AudienceLeft && s != AudienceRight {
			return "请选择2号位在1号位的哪一侧"
		}
	}
	return ""
}

// Rostrum seats people given in protocol order (most senior first) and
// returns them left to right as seen from the audience, following conv
// (see SeatingConvention). A side that is not AudienceLeft counts as
// AudienceRight. With RightHandSecond, A B C D E is seated D B A C E; with
// LeftHandSecond, E C A B D.
func Rostrum(ordered []string, conv SeatingConvention) []string {
	n := len(ordered)
	if n == 0 {
		return nil
	}
	second := conv.OddSecond
	if n%2 == 0 {
		second = conv.EvenSecond
	}
	// Build the row outward from No. 1: even positions (No. 2, 4, …) on the
	// second's side, odd positions (No. 3, 5, …) on the other side.
	var left, right []string // each from the centre outward
	for k, name := range ordered[1:] {
		toSecond := k%2 == 0 // k = 0 is No. 2
		if toSecond == (second == AudienceLeft) {
			left = append(left, name)
		} else {
			right = append(right, name)
		}
	}
	row := make([]string, 0, n)
	for i := len(left) - 1; i >= 0; i-- {
		row = append(row, left[i])
	}
	row = append(row, ordered[0])
	return append(row, right...)
}

// Person is someone to be seated on the rostrum: one of the committee's
// leaders (Role) or an invited leader (Invited, e.g. 市委书记, 市长).
type Person struct {
	Name    string          `json:"name"`
	Role    member.RoleKind `json:"role"`    // the committee role on the day; ignored for an invited leader
	Order   int             `json:"order"`   // explicit order within the same role, or the position in the invited list
	Invited bool            `json:"invited"` // an invited leader (应邀出席)
}

// ProtocolOrder sorts people most senior first, for Rostrum or a list of
// names. The committee's leaders go by role (member.RoleKind.Rank: 主席,
// 副主席, 秘书长, 常委, 委员; an unknown role last), then Order, then name;
// invited leaders keep their list's order (Order, then the order given)
// and come before the committee's leaders when c.InvitedFirst, after them
// otherwise. Names compare by code point, which is not the stroke order
// (姓氏笔画) of official lists: where that matters, set Order. The input is
// not modified.
func (c SeatingConvention) ProtocolOrder(people []Person) []Person {
	out := slices.Clone(people)
	group := func(p Person) int {
		if p.Invited == c.InvitedFirst {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(out, func(a, b Person) int {
		if d := cmp.Compare(group(a), group(b)); d != 0 {
			return d
		}
		if a.Invited { // both invited: their list's order
			return cmp.Compare(a.Order, b.Order)
		}
		return cmp.Or(
			cmp.Compare(a.Role.Rank(), b.Role.Rank()),
			cmp.Compare(a.Order, b.Order),
			cmp.Compare(a.Name, b.Name),
		)
	})
	return out
}

// Names lists the people's names in order.
func Names(people []Person) []string {
	names := make([]string, len(people))
	for i, p := range people {
		names[i] = p.Name
	}
	return names
}
