package meeting_test

import (
	"testing"

	"xieshang/internal/meeting"
)

var (
	moreThanHalf    = meeting.QuorumRule{Num: 1, Den: 2, Strict: true}
	atLeastHalf     = meeting.QuorumRule{Num: 1, Den: 2}
	moreThanTwo3rds = meeting.QuorumRule{Num: 2, Den: 3, Strict: true}
	atLeastTwo3rds  = meeting.QuorumRule{Num: 2, Den: 3}
)

// TestQuorumRealFigures uses the figures of the closing sitting of 聊城市政协
// 十三届四次会议 (应到委员419人，实到386人，符合规定人数).
func TestQuorumRealFigures(t *testing.T) {
	cases := []struct {
		rule              meeting.QuorumRule
		expected, present int
		want              bool
	}{
		{moreThanHalf, 419, 386, true},
		{moreThanHalf, 419, 210, true},
		{moreThanHalf, 419, 209, false},
		{moreThanHalf, 419, 0, false},
		{moreThanHalf, 419, 419, true},
		{atLeastHalf, 419, 210, true},
		{atLeastHalf, 419, 209, false},  // 209.5 is half
		{moreThanHalf, 420, 210, false}, // exactly half is not more than half
		{atLeastHalf, 420, 210, true},
		{moreThanTwo3rds, 419, 280, true}, // 2/3 of 419 = 279.33
		{moreThanTwo3rds, 419, 279, false},
		{moreThanTwo3rds, 30, 20, false}, // exactly two-thirds
		{moreThanTwo3rds, 30, 21, true},
		{atLeastTwo3rds, 30, 20, true},
		{atLeastTwo3rds, 30, 19, false},
		{meeting.QuorumRule{Num: 1, Den: 1}, 13, 13, true},
		{meeting.QuorumRule{Num: 1, Den: 1}, 13, 12, false},
	}
	for _, c := range cases {
		if got := c.rule.Met(c.expected, c.present); got != c.want {
			t.Errorf("%s: Met(%d, %d) = %v, want %v", c.rule.Text(), c.expected, c.present, got, c.want)
		}
	}
	if got := moreThanHalf.Need(419); got != 210 {
		t.Errorf("Need(419) = %d, want 210", got)
	}
	if got := atLeastTwo3rds.Need(30); got != 20 {
		t.Errorf("Need(30) under 2/3 = %d, want 20", got)
	}
	if got := moreThanTwo3rds.Need(30); got != 21 {
		t.Errorf("Need(30) over 2/3 = %d, want 21", got)
	}
}

// TestQuorumNeed: Need is the fewest present that satisfy Met.
func TestQuorumNeed(t *testing.T) {
	rules := []meeting.QuorumRule{
		moreThanHalf, atLeastHalf, moreThanTwo3rds, atLeastTwo3rds,
		{Num: 1, Den: 1}, {Num: 1, Den: 3, Strict: true}, {Num: 3, Den: 4}, {Num: 3, Den: 5, Strict: true},
		{Num: 2, Den: 4, Strict: true}, {Num: 51, Den: 100}, {Num: 99, Den: 100, Strict: true},
		meeting.Plenary.DefaultQuorum(),
	}
	for _, r := range rules {
		for e := 0; e <= 2000; e++ {
			n := r.Need(e)
			if !r.Met(e, n) || r.Met(e, n-1) {
				t.Fatalf("%+v: Need(%d) = %d; Met(n) = %v, Met(n-1) = %v", r, e, n, r.Met(e, n), r.Met(e, n-1))
			}
			if n < 0 || n > e+1 || (n > e && e > 0 && !(r.Strict && r.Num == r.Den)) {
				t.Fatalf("%+v: Need(%d) = %d out of range", r, e, n)
			}
		}
	}
	if got := (meeting.QuorumRule{}).Need(10); got != 0 {
		t.Errorf("zero rule: Need = %d, want 0 (no panic)", got)
	}
}

func TestQuorumCheck(t *testing.T) {
	cases := []struct {
		rule meeting.QuorumRule
		ok   bool
	}{
		{moreThanHalf, true}, {atLeastTwo3rds, true}, {meeting.QuorumRule{Num: 1, Den: 1}, true},
		{meeting.QuorumRule{}, false},
		{meeting.QuorumRule{Num: 1, Den: 0}, false},
		{meeting.QuorumRule{Num: 0, Den: 2}, false},
		{meeting.QuorumRule{Num: 3, Den: 2}, false},
		{meeting.QuorumRule{Num: -1, Den: -2}, false},
		{meeting.QuorumRule{Num: 1, Den: 101}, false},
		{meeting.QuorumRule{Num: 1, Den: 1, Strict: true}, false},
	}
	for _, c := range cases {
		if got := c.rule.Check(); (got == "") != c.ok {
			t.Errorf("%+v: Check() = %q, want ok=%v", c.rule, got, c.ok)
		}
	}
}

func TestQuorumText(t *testing.T) {
	cases := []struct {
		rule meeting.QuorumRule
		want string
	}{
		{moreThanHalf, "超过应到人数的二分之一"},
		{atLeastHalf, "不少于应到人数的二分之一"},
		{atLeastTwo3rds, "不少于应到人数的三分之二"},
		{moreThanTwo3rds, "超过应到人数的三分之二"},
		{meeting.QuorumRule{Num: 2, Den: 4, Strict: true}, "超过应到人数的二分之一"},
		{meeting.QuorumRule{Num: 3, Den: 4}, "不少于应到人数的四分之三"},
		{meeting.QuorumRule{Num: 51, Den: 100}, "不少于应到人数的一百分之五十一"},
		{meeting.QuorumRule{Num: 1, Den: 1}, "不少于应到人数"},
	}
	for _, c := range cases {
		if got := c.rule.Text(); got != c.want {
			t.Errorf("%+v: Text() = %q, want %q", c.rule, got, c.want)
		}
	}
}

func TestQuorumSentence(t *testing.T) {
	cases := []struct {
		a    meeting.Attendance
		rule meeting.QuorumRule
		want string
	}{
		{meeting.Attendance{Expected: 419, Present: 386, Absent: 33}, moreThanHalf, "应到委员419人，实到386人，符合规定人数"},
		{meeting.Attendance{Expected: 419, Present: 210, Absent: 209}, moreThanHalf, "应到委员419人，实到210人，符合规定人数"},
		{meeting.Attendance{Expected: 419, Present: 209, Absent: 210}, moreThanHalf, "应到委员419人，实到209人，不符合规定人数"},
		{meeting.Attendance{Expected: 419, Present: 386, Excused: 21, Absent: 12}, moreThanHalf, "应到委员419人，实到386人，请假21人，符合规定人数"},
		{meeting.Attendance{Expected: 45, Present: 30, Excused: 10, Absent: 5, Guests: 8}, moreThanTwo3rds, "应到委员45人，实到30人，请假10人，不符合规定人数"},
		{meeting.Attendance{Expected: 45, Present: 31, Excused: 10, Absent: 4, Guests: 8}, moreThanTwo3rds, "应到委员45人，实到31人，请假10人，符合规定人数"},
	}
	for _, c := range cases {
		if got := meeting.QuorumSentence(c.a, c.rule); got != c.want {
			t.Errorf("QuorumSentence(%+v) = %q, want %q", c.a, got, c.want)
		}
	}
}

func TestQuorumEvaluate(t *testing.T) {
	got := moreThanHalf.Evaluate(meeting.Attendance{Expected: 419, Present: 386, Guests: 12})
	want := meeting.QuorumResult{Rule: moreThanHalf, Expected: 419, Present: 386, Need: 210, Met: true}
	if got != want {
		t.Errorf("Evaluate = %+v, want %+v", got, want)
	}
	got = moreThanHalf.Evaluate(meeting.Attendance{Expected: 419, Present: 209, Guests: 300})
	if got.Met || got.Need != 210 {
		t.Errorf("guests must not count: %+v", got)
	}
}
