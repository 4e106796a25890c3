package meeting_test

import (
	"math/rand/v2"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/meeting"
)

func TestDefaultPassRule(t *testing.T) {
	r := meeting.DefaultPassRule()
	if r.Check() != "" {
		t.Fatalf("default rule fails Check: %q", r.Check())
	}
	if got := r.Text(); got != "赞成票超过应到人数的二分之一" {
		t.Errorf("Text = %q", got)
	}
	// 419 expected: 210 for-votes pass, 209 do not, whatever the present
	// and the other votes.
	cases := []struct {
		t       meeting.Tally
		present int
		want    bool
	}{
		{meeting.Tally{For: 380, Against: 2, Abstain: 4}, 386, true},
		{meeting.Tally{For: 210}, 386, true},
		{meeting.Tally{For: 209}, 386, false},
		{meeting.Tally{For: 209, Against: 0, Abstain: 0}, 209, false}, // every present voted for: still not half of 419
		{meeting.Tally{For: 210, Against: 176}, 386, true},
		{meeting.Tally{}, 0, false},
	}
	for _, c := range cases {
		if got := r.Passed(c.t, 419, c.present); got != c.want {
			t.Errorf("Passed(%+v, 419, %d) = %v, want %v", c.t, c.present, got, c.want)
		}
	}
}

func TestPassRules(t *testing.T) {
	cases := []struct {
		name              string
		rule              meeting.PassRule
		t                 meeting.Tally
		expected, present int
		want              bool
	}{
		{"half of present", meeting.PassRule{Num: 1, Den: 2, Strict: true, Base: meeting.BasePresent}, meeting.Tally{For: 194}, 419, 386, true},
		{"half of present, exactly half", meeting.PassRule{Num: 1, Den: 2, Strict: true, Base: meeting.BasePresent}, meeting.Tally{For: 193}, 419, 386, false},
		{"at least half of present", meeting.PassRule{Num: 1, Den: 2, Base: meeting.BasePresent}, meeting.Tally{For: 193}, 419, 386, true},
		{"half of cast", meeting.PassRule{Num: 1, Den: 2, Strict: true, Base: meeting.BaseCast}, meeting.Tally{For: 6, Against: 3, Abstain: 2}, 419, 386, true},
		{"half of cast, tie", meeting.PassRule{Num: 1, Den: 2, Strict: true, Base: meeting.BaseCast}, meeting.Tally{For: 5, Against: 3, Abstain: 2}, 419, 386, false},
		{"two-thirds of expected", meeting.PassRule{Num: 2, Den: 3, Base: meeting.BaseExpected}, meeting.Tally{For: 30}, 45, 40, true},
		{"two-thirds of expected, short", meeting.PassRule{Num: 2, Den: 3, Base: meeting.BaseExpected}, meeting.Tally{For: 29}, 45, 40, false},
		{"no for-votes never pass", meeting.PassRule{Num: 1, Den: 2, Base: meeting.BaseCast}, meeting.Tally{}, 0, 0, false},
		{"invalid rule passes nothing", meeting.PassRule{}, meeting.Tally{For: 100}, 100, 100, false},
		{"unknown base passes nothing", meeting.PassRule{Num: 1, Den: 2, Base: "all"}, meeting.Tally{For: 100}, 100, 100, false},
	}
	for _, c := range cases {
		if got := c.rule.Passed(c.t, c.expected, c.present); got != c.want {
			t.Errorf("%s: Passed = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPassRuleCheckAndText(t *testing.T) {
	cases := []struct {
		rule meeting.PassRule
		ok   bool
		text string
	}{
		{meeting.DefaultPassRule(), true, "赞成票超过应到人数的二分之一"},
		{meeting.PassRule{Num: 2, Den: 3, Base: meeting.BasePresent}, true, "赞成票不少于实到人数的三分之二"},
		{meeting.PassRule{Num: 1, Den: 2, Strict: true, Base: meeting.BaseCast}, true, "赞成票超过投票人数的二分之一"},
		{meeting.PassRule{Num: 1, Den: 1, Base: meeting.BasePresent}, true, "赞成票不少于实到人数"},
		{meeting.PassRule{Num: 1, Den: 1, Strict: true, Base: meeting.BasePresent}, false, ""},
		{meeting.PassRule{Num: 1, Den: 2}, false, ""},
		{meeting.PassRule{Num: 0, Den: 2, Base: meeting.BaseExpected}, false, ""},
		{meeting.PassRule{Num: 3, Den: 2, Base: meeting.BaseExpected}, false, ""},
		{meeting.PassRule{Num: 1, Den: 200, Base: meeting.BaseExpected}, false, ""},
	}
	for _, c := range cases {
		if got := c.rule.Check(); (got == "") != c.ok {
			t.Errorf("%+v: Check = %q, want ok=%v", c.rule, got, c.ok)
		}
		if c.text != "" && c.rule.Text() != c.text {
			t.Errorf("%+v: Text = %q, want %q", c.rule, c.rule.Text(), c.text)
		}
	}
}

func TestResultLabelAndSentence(t *testing.T) {
	if meeting.ResultLabel(true) != "通过" || meeting.ResultLabel(false) != "未通过" {
		t.Error("ResultLabel")
	}
	got := meeting.Tally{For: 380, Against: 2, Abstain: 4, NotVoted: 0}.Sentence(true)
	if got != "赞成380票，反对2票，弃权4票，未投票0人，通过" {
		t.Errorf("Sentence = %q", got)
	}
	got = meeting.Tally{For: 150, Against: 200, Abstain: 30, NotVoted: 6}.Sentence(false)
	if got != "赞成150票，反对200票，弃权30票，未投票6人，未通过" {
		t.Errorf("Sentence = %q", got)
	}
}

func TestCheckTally(t *testing.T) {
	cases := []struct {
		name    string
		t       meeting.Tally
		present int
		want    meeting.Tally
		field   string // "" when valid
		msg     string
	}{
		{"real", meeting.Tally{For: 380, Against: 2, Abstain: 4}, 386, meeting.Tally{For: 380, Against: 2, Abstain: 4}, "", ""},
		{"some did not vote", meeting.Tally{For: 300, Against: 20, Abstain: 6}, 386, meeting.Tally{For: 300, Against: 20, Abstain: 6, NotVoted: 60}, "", ""},
		{"entered NotVoted is recomputed", meeting.Tally{For: 300, NotVoted: 999}, 386, meeting.Tally{For: 300, NotVoted: 86}, "", ""},
		{"nobody", meeting.Tally{}, 0, meeting.Tally{}, "", ""},
		{"too many", meeting.Tally{For: 380, Against: 5, Abstain: 4}, 386, meeting.Tally{}, "for", "赞成、反对、弃权合计389票，超过实到人数386人"},
		{"negative for", meeting.Tally{For: -1}, 386, meeting.Tally{}, "for", "赞成票数不能为负数"},
		{"negative against", meeting.Tally{For: 10, Against: -2}, 386, meeting.Tally{}, "against", "反对票数不能为负数"},
		{"negative abstain", meeting.Tally{Abstain: -3}, 386, meeting.Tally{}, "abstain", "弃权票数不能为负数"},
	}
	for _, c := range cases {
		got, err := meeting.CheckTally(c.t, c.present)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			} else if got != c.want {
				t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
			}
			continue
		}
		if app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err).Get(c.field) != c.msg {
			t.Errorf("%s: err = %v, want %s: %s", c.name, err, c.field, c.msg)
		}
	}
}

// TestTallyProperties: an accepted tally never counts more votes than
// members present and accounts for each of them; passing is monotonic in For.
func TestTallyProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rules := []meeting.PassRule{
		meeting.DefaultPassRule(),
		{Num: 1, Den: 2, Base: meeting.BasePresent},
		{Num: 2, Den: 3, Strict: true, Base: meeting.BaseCast},
		{Num: 2, Den: 3, Base: meeting.BaseExpected},
	}
	for range 20000 {
		expected := rng.IntN(500)
		present := rng.IntN(expected + 1)
		in := meeting.Tally{For: rng.IntN(present+3) - 1, Against: rng.IntN(present+3) - 1, Abstain: rng.IntN(present/4+3) - 1}
		got, err := meeting.CheckTally(in, present)
		if err != nil {
			if in.For >= 0 && in.Against >= 0 && in.Abstain >= 0 && in.Cast() <= present {
				t.Fatalf("CheckTally(%+v, %d) refused a good tally: %v", in, present, err)
			}
			continue
		}
		if got.Cast() > present || got.Cast()+got.NotVoted != present || got.NotVoted < 0 {
			t.Fatalf("CheckTally(%+v, %d) = %+v", in, present, got)
		}
		for _, r := range rules {
			more := got
			more.For++
			more.NotVoted--
			// One more for-vote (a member who had not voted): never from 通过 to 未通过.
			if got.NotVoted > 0 && r.Passed(got, expected, present) && !r.Passed(more, expected, present) {
				t.Fatalf("%+v: %+v passes but %+v does not", r, got, more)
			}
			// Under a base that does not move with the vote, only For matters
			// and the threshold is a single point.
			if r.Base != meeting.BaseCast {
				switched := got
				switched.For++
				switched.Against = max(switched.Against-1, 0)
				if r.Passed(got, expected, present) && !r.Passed(switched, expected, present) {
					t.Fatalf("%+v: not monotonic at %+v", r, got)
				}
			}
		}
	}
	// Exhaustively for a small body: for each base, Passed is monotonic in For.
	for _, r := range rules {
		for expected := 0; expected <= 40; expected++ {
			for present := 0; present <= expected; present++ {
				for against := 0; against <= present; against++ {
					prev := false
					for f := 0; f+against <= present; f++ {
						p := r.Passed(meeting.Tally{For: f, Against: against}, expected, present)
						if prev && !p {
							t.Fatalf("%+v: passes with %d for, fails with %d (expected %d, present %d, against %d)", r, f-1, f, expected, present, against)
						}
						prev = p
					}
				}
			}
		}
	}
}

func TestCanVote(t *testing.T) {
	cases := []struct {
		checkedIn, closed bool
		c                 meeting.Choice
		code, msg         string
	}{
		{true, false, meeting.VoteFor, "", ""},
		{true, false, meeting.VoteAgainst, "", ""},
		{true, false, meeting.VoteAbstain, "", ""},
		{true, false, "yes", app.EINVALID, "请选择赞成、反对或弃权"},
		{true, true, meeting.VoteFor, app.ECONFLICT, "表决已结束，不能再投票或改票"},
		{false, false, meeting.VoteFor, app.ECONFLICT, "请先签到，签到后才能表决"},
		{false, true, meeting.VoteFor, app.ECONFLICT, "表决已结束，不能再投票或改票"},
	}
	for _, c := range cases {
		err := meeting.CanVote(c.checkedIn, c.closed, c.c)
		if app.ErrorCode(err) != c.code || (err != nil && app.ErrorMessage(err) != c.msg) {
			t.Errorf("CanVote(%v, %v, %q) = %v, want %s %s", c.checkedIn, c.closed, c.c, err, c.code, c.msg)
		}
	}
	if meeting.VoteFor.Label() != "赞成" || meeting.VoteAgainst.Label() != "反对" || meeting.VoteAbstain.Label() != "弃权" {
		t.Error("choice labels")
	}
}

func TestTallyVotes(t *testing.T) {
	votes := map[int64]meeting.Choice{
		1: meeting.VoteFor, 2: meeting.VoteFor, 3: meeting.VoteAgainst, 4: meeting.VoteAbstain,
		5: "bogus",         // not counted
		9: meeting.VoteFor, // not present: not counted
	}
	// A member who changed the vote has one entry: the last choice.
	votes[2] = meeting.VoteAgainst
	present := map[int64]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: false}
	got := meeting.TallyVotes(votes, present)
	want := meeting.Tally{For: 1, Against: 2, Abstain: 1, NotVoted: 2}
	if got != want {
		t.Fatalf("TallyVotes = %+v, want %+v", got, want)
	}
	if _, err := meeting.CheckTally(got, 6); err != nil {
		t.Errorf("an electronic tally must pass CheckTally: %v", err)
	}
}
