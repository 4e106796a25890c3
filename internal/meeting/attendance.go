package meeting

import "xieshang/internal/member"

// Count works out a meeting's attendance from who is expected (应到: the
// body's members on the meeting day, or the invitee list), who signed in,
// whose leave was approved, and who signed in late:
//
//   - Present (实到): expected members who signed in. Someone who signed in
//     but is not expected (a member of another body, a guest, a person who
//     left the body before the meeting day) is not counted, so 实到 never
//     exceeds 应到 and quorum is computed on the body alone.
//   - Excused (请假): expected members with approved leave who did not sign
//     in; a member on leave who comes after all counts as present.
//   - Absent (缺席): the rest, Expected − Present − Excused.
//   - Late: present members who signed in late (a subset of Present).
//   - Guests (列席, 应邀出席): as given, never counted in the other figures;
//     a negative count is taken as 0.
//
// An id listed twice in expected is counted once. Only true entries in the
// maps count.
func Count(expected []int64, present map[int64]bool, excused map[int64]bool, late map[int64]bool, guests int) Attendance {
	var a Attendance
	seen := make(map[int64]bool, len(expected))
	for _, id := range expected {
		if seen[id] {
			continue
		}
		seen[id] = true
		a.Expected++
		switch {
		case present[id]:
			a.Present++
			if late[id] {
				a.Late++
			}
		case excused[id]:
			a.Excused++
		default:
			a.Absent++
		}
	}
	a.Guests = max(guests, 0)
	return a
}

// InBody reports whether a member holding roles on the meeting day belongs
// to the body a meeting expects. roles are the member's roles active that
// day, with member.Ordinary for a seated member without a higher role; an
// empty list means no seat in the term, which belongs to no body.
//
//   - BodyAll: any seat (委员 and every role above it).
//   - BodyStanding: 常委, 主席, 副主席, 秘书长.
//   - BodyChairs: 主席, 副主席, 秘书长 (member.RoleKind.ChairsMeeting).
//   - BodyNamed: false; such a meeting's body is its invitee list, decided
//     by whoever holds the list, not by roles.
func InBody(b Body, roles []member.RoleKind) bool {
	for _, r := range roles {
		if r.Rank() >= len(member.RoleKinds) { // not a known role
			continue
		}
		switch b {
		case BodyAll:
			return true
		case BodyStanding:
			if r == member.Standing || r.ChairsMeeting() {
				return true
			}
		case BodyChairs:
			if r.ChairsMeeting() {
				return true
			}
		}
	}
	return false
}
