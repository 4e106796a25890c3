package meeting_test

import (
	"math/rand/v2"
	"testing"

	"xieshang/internal/meeting"
	"xieshang/internal/member"
)

func set(ids ...int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func TestCount(t *testing.T) {
	cases := []struct {
		name                   string
		expected               []int64
		present, excused, late map[int64]bool
		guests                 int
		want                   meeting.Attendance
	}{
		{"nobody expected", nil, set(1), set(2), set(1), 3,
			meeting.Attendance{Guests: 3}},
		{"all present", []int64{1, 2, 3}, set(1, 2, 3), nil, nil, 0,
			meeting.Attendance{Expected: 3, Present: 3}},
		{"present, excused, absent", []int64{1, 2, 3, 4, 5}, set(1, 2), set(3), nil, 0,
			meeting.Attendance{Expected: 5, Present: 2, Excused: 1, Absent: 2}},
		{"on leave but came: present", []int64{1, 2, 3}, set(1, 2), set(2, 3), nil, 0,
			meeting.Attendance{Expected: 3, Present: 2, Excused: 1}},
		{"signed in but not expected: not counted", []int64{1, 2}, set(1, 9, 10), set(11), set(9), 0,
			meeting.Attendance{Expected: 2, Present: 1, Absent: 1}},
		{"late is a part of present", []int64{1, 2, 3}, set(1, 2), nil, set(2, 3), 0,
			meeting.Attendance{Expected: 3, Present: 2, Absent: 1, Late: 1}},
		{"duplicate expected id counted once", []int64{1, 1, 2}, set(1), nil, nil, 0,
			meeting.Attendance{Expected: 2, Present: 1, Absent: 1}},
		{"false entries do not count", []int64{1, 2}, map[int64]bool{1: false, 2: true}, map[int64]bool{1: false}, nil, 0,
			meeting.Attendance{Expected: 2, Present: 1, Absent: 1}},
		{"guests apart, negative taken as 0", []int64{1}, set(1), nil, nil, -4,
			meeting.Attendance{Expected: 1, Present: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := meeting.Count(c.expected, c.present, c.excused, c.late, c.guests); got != c.want {
				t.Errorf("Count = %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestCountRealFigures rebuilds the closing sitting of 聊城市政协十三届四次会议:
// 419 expected, 386 present.
func TestCountRealFigures(t *testing.T) {
	expected := make([]int64, 419)
	present := map[int64]bool{}
	for i := range expected {
		expected[i] = int64(i + 1)
		if i < 386 {
			present[int64(i+1)] = true
		}
	}
	excused := set(400, 401, 402)
	present[9001] = true // a guest scanned the code: not a member of the body
	a := meeting.Count(expected, present, excused, nil, 12)
	want := meeting.Attendance{Expected: 419, Present: 386, Excused: 3, Absent: 30, Guests: 12}
	if a != want {
		t.Fatalf("Count = %+v, want %+v", a, want)
	}
	rule := meeting.Plenary.DefaultQuorum()
	if got := meeting.QuorumSentence(a, rule); got != "应到委员419人，实到386人，请假3人，符合规定人数" {
		t.Errorf("QuorumSentence = %q", got)
	}
}

// TestCountProperties: the figures always add up, whatever the inputs.
func TestCountProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(n int) map[int64]bool {
		m := map[int64]bool{}
		for range rng.IntN(n + 1) {
			m[int64(rng.IntN(60))] = rng.IntN(5) > 0
		}
		return m
	}
	for range 5000 {
		var expected []int64
		for range rng.IntN(50) {
			expected = append(expected, int64(rng.IntN(60)))
		}
		present, excused, late := pick(60), pick(20), pick(20)
		a := meeting.Count(expected, present, excused, late, rng.IntN(10)-3)
		if a.Present+a.Excused+a.Absent != a.Expected {
			t.Fatalf("%+v: Present+Excused+Absent != Expected", a)
		}
		if a.Present < 0 || a.Excused < 0 || a.Absent < 0 || a.Late < 0 || a.Guests < 0 {
			t.Fatalf("%+v: negative figure", a)
		}
		if a.Late > a.Present || a.Expected > len(expected) {
			t.Fatalf("%+v: Late > Present or Expected > ids", a)
		}
	}
}

func TestInBody(t *testing.T) {
	type roles = []member.RoleKind
	cases := []struct {
		name                         string
		roles                        roles
		all, standing, chairs, named bool
	}{
		{"no seat", nil, false, false, false, false},
		{"member", roles{member.Ordinary}, true, false, false, false},
		{"standing", roles{member.Standing}, true, true, false, false},
		{"member and standing", roles{member.Ordinary, member.Standing}, true, true, false, false},
		{"chair", roles{member.Chair}, true, true, true, false},
		{"vice-chair", roles{member.ViceChair}, true, true, true, false},
		{"secretary-general", roles{member.SecretaryGeneral}, true, true, true, false},
		{"vice-chair and standing", roles{member.Standing, member.ViceChair}, true, true, true, false},
		{"unknown role only", roles{"mayor"}, false, false, false, false},
		{"unknown and member", roles{"mayor", member.Ordinary}, true, false, false, false},
	}
	for _, c := range cases {
		for _, b := range []struct {
			body meeting.Body
			want bool
		}{{meeting.BodyAll, c.all}, {meeting.BodyStanding, c.standing}, {meeting.BodyChairs, c.chairs}, {meeting.BodyNamed, c.named}, {"other", false}} {
			if got := meeting.InBody(b.body, c.roles); got != b.want {
				t.Errorf("%s: InBody(%s) = %v, want %v", c.name, b.body, got, b.want)
			}
		}
	}
	// The kinds' bodies: a standing-committee meeting expects 常委 but not 委员.
	if !meeting.InBody(meeting.Standing.Body(), []member.RoleKind{member.Standing}) ||
		meeting.InBody(meeting.Standing.Body(), []member.RoleKind{member.Ordinary}) ||
		meeting.InBody(meeting.Chairs.Body(), []member.RoleKind{member.Standing}) {
		t.Error("kind bodies do not match InBody")
	}
}
