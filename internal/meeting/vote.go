package meeting

import (
	"strconv"

	"xieshang/internal/app"
)

// DefaultPassRule is the rule a deliberation vote starts with: for-votes
// more than half of all expected members (赞成票超过应到人数的二分之一).
func DefaultPassRule() PassRule {
	return PassRule{Num: 1, Den: 2, Strict: true, Base: BaseExpected}
}

// Valid reports whether b is a known base.
func (b PassBase) Valid() bool { return b == BaseExpected || b == BasePresent || b == BaseCast }

// Label is the base in Chinese, as it reads in a rule: 应到人数, 实到人数, 投票人数.
func (b PassBase) Label() string {
	switch b {
	case BaseExpected:
		return "应到人数"
	case BasePresent:
		return "实到人数"
	case BaseCast:
		return "投票人数"
	}
	return string(b)
}

// Check returns "" when the rule is well formed, otherwise the reason.
func (r PassRule) Check() string {
	if !r.Base.Valid() {
		return "请选择表决通过的基数：应到人数、实到人数或投票人数"
	}
	if r.Den <= 0 || r.Num <= 0 || r.Num > r.Den || r.Den > 100 {
		return "通过比例应为不超过1的正分数，如二分之一"
	}
	if r.Strict && r.Num == r.Den {
		return "“超过全部”无法满足，请改为“不少于”"
	}
	return ""
}

// Text is the rule in words: 赞成票超过应到人数的二分之一,
// 赞成票不少于实到人数的三分之二.
func (r PassRule) Text() string {
	return "赞成票" + compareText(r.Strict) + r.Base.Label() + FractionText(r.Num, r.Den)
}

// Passed reports whether a vote with tally t passes under the rule, where
// expected (应到) and present (实到) are the meeting's figures; the cast base
// is t.For + t.Against + t.Abstain. A vote without a single for-vote never
// passes, and a rule that fails Check passes nothing. Passing is monotonic
// in t.For: more for-votes, all else equal, never turn 通过 into 未通过.
func (r PassRule) Passed(t Tally, expected, present int) bool {
	if r.Check() != "" || t.For <= 0 {
		return false
	}
	var base int
	switch r.Base {
	case BaseExpected:
		base = expected
	case BasePresent:
		base = present
	case BaseCast:
		base = t.Cast()
	}
	if r.Strict {
		return t.For*r.Den > r.Num*base
	}
	return t.For*r.Den >= r.Num*base
}

// ResultLabel is a vote's result as recorded: 通过 or 未通过.
func ResultLabel(passed bool) string {
	if passed {
		return "通过"
	}
	return "未通过"
}

// Cast is the number of votes cast: for, against and abstain.
func (t Tally) Cast() int { return t.For + t.Against + t.Abstain }

// Sentence gives the figures and the result as a report prints them:
// 赞成380票，反对2票，弃权4票，未投票0人，通过.
func (t Tally) Sentence(passed bool) string {
	return "赞成" + strconv.Itoa(t.For) + "票，反对" + strconv.Itoa(t.Against) + "票，弃权" +
		strconv.Itoa(t.Abstain) + "票，未投票" + strconv.Itoa(t.NotVoted) + "人，" + ResultLabel(passed)
}

// CheckTally validates a show-of-hands tally (counts entered by the office)
// against the members present and returns it with NotVoted set to
// present − cast (whatever NotVoted was entered). No count may be negative
// and for + against + abstain may not exceed present (a negative present
// counts as 0). The error is an
// EINVALID *app.Error with field errors on for, against, abstain (negative
// counts) or for (too many votes in all).
func CheckTally(t Tally, present int) (Tally, error) {
	present = max(present, 0)
	var errs app.FieldErrors
	for _, f := range []struct {
		field, label string
		n            int
	}{{"for", "赞成", t.For}, {"against", "反对", t.Against}, {"abstain", "弃权", t.Abstain}} {
		if f.n < 0 {
			errs.Add(f.field, f.label+"票数不能为负数")
		}
	}
	if len(errs) == 0 && t.Cast() > present {
		errs.Add("for", "赞成、反对、弃权合计"+strconv.Itoa(t.Cast())+"票，超过实到人数"+strconv.Itoa(present)+"人")
	}
	if err := errs.Err(); err != nil {
		return t, err
	}
	t.NotVoted = present - t.Cast()
	return t, nil
}

// Choice is one member's vote in an electronic vote.
type Choice string

const (
	VoteFor     Choice = "for"     // 赞成
	VoteAgainst Choice = "against" // 反对
	VoteAbstain Choice = "abstain" // 弃权
)

// Choices in display order.
var Choices = []Choice{VoteFor, VoteAgainst, VoteAbstain}

// Valid reports whether c is a known choice.
func (c Choice) Valid() bool { return c == VoteFor || c == VoteAgainst || c == VoteAbstain }

// Label is the choice in Chinese.
func (c Choice) Label() string {
	switch c {
	case VoteFor:
		return "赞成"
	case VoteAgainst:
		return "反对"
	case VoteAbstain:
		return "弃权"
	}
	return string(c)
}

// CanVote checks whether a member may cast or change an electronic vote:
// only a member who is expected and signed in (checkedIn), only while the
// vote is open, and only with a known choice. A member's later vote
// replaces the earlier one until the vote closes; keeping one vote per
// member is the store's (one row per item and member). The error is an
// *app.Error: EINVALID for an unknown choice, ECONFLICT otherwise.
func CanVote(checkedIn, closed bool, c Choice) error {
	switch {
	case !c.Valid():
		return app.Errorf(app.EINVALID, "请选择赞成、反对或弃权")
	case closed:
		return app.Errorf(app.ECONFLICT, "表决已结束，不能再投票或改票")
	case !checkedIn:
		return app.Errorf(app.ECONFLICT, "请先签到，签到后才能表决")
	}
	return nil
}

// TallyVotes counts an electronic vote: votes holds each member's last
// choice (one per member by construction), present is 实到. Votes of
// members not in present are not counted (they should not exist: CanVote
// refuses them), nor are unknown choices. NotVoted is the present members
// without a counted vote.
func TallyVotes(votes map[int64]Choice, present map[int64]bool) Tally {
	var t Tally
	n := 0
	for id, ok := range present {
		if !ok {
			continue
		}
		n++
		switch votes[id] {
		case VoteFor:
			t.For++
		case VoteAgainst:
			t.Against++
		case VoteAbstain:
			t.Abstain++
		}
	}
	t.NotVoted = n - t.Cast()
	return t
}
