// Package duty holds members' duty performance (委员履职): the catalogue of
// duty event kinds the platform records, a committee's scoring rules as
// data (points per kind, narrowed by the meeting's kind or whether it was
// required, higher rates for standing-committee members), the points of an
// event and of a member's year, and the rank within a sector with ties.
// Pure: no SQL, no HTTP, no clock.
package duty

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"xieshang/internal/app"
)

// Kind is one kind of duty event.
type Kind struct {
	Code     string `json:"code"`
	Label    string `json:"label"`
	Category string `json:"category"` // a Categories code: the file's totals are by category
	Meeting  bool   `json:"meeting"`  // an event of a meeting: rules may narrow it by the meeting
}

// Categories are the headings of a member's duty file, in order.
var Categories = []struct{ Code, Label string }{
	{"meeting", "会议出勤"},
	{"vote", "表决和选举"},
	{"consult", "调研视察和协商"},
	{"assist", "帮扶和联系群众"},
	{"proposal", "提案"},
	{"report", "社情民意信息"},
	{"activity", "其他履职活动"},
}

// CategoryLabel is a category in Chinese.
func CategoryLabel(code string) string {
	for _, c := range Categories {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// Kinds are the event kinds the platform writes (store.Duty* constants).
// Activity kinds (履职活动) are added per committee as data; their event
// kind is ActivityPrefix + the activity kind's code.
var Kinds = []Kind{
	{"attended", "出席会议", "meeting", true},
	{"excused", "请假（已批准）", "meeting", true},
	{"absent", "缺席", "meeting", true},
	{"leave_refused", "请假未获批准", "meeting", true},
	{"voted", "参加会议表决", "vote", true},
	{"election_voted", "参加选举投票", "vote", false},
	{"research", "参加调研视察", "consult", false},
	{"speech", "协商发言", "consult", false},
	{"room_activity", "参加基层协商议事活动", "consult", false},
	{"assist_visit", "结对帮扶走访", "assist", false},
	{"proposal_lead", "提出提案（第一提案人）", "proposal", false},
	{"proposal_cosigner", "联名提案", "proposal", false},
	{"proposal_key_lead", "重点提案（第一提案人）", "proposal", false},
	{"proposal_key_cosigner", "重点提案（联名）", "proposal", false},
	{"proposal_excellent_lead", "优秀提案（第一提案人）", "proposal", false},
	{"proposal_excellent_cosigner", "优秀提案（联名）", "proposal", false},
	{"report_county", "社情民意信息县级采用", "report", false},
	{"report_city", "社情民意信息市级采用", "report", false},
	{"report_province", "社情民意信息省级采用", "report", false},
	{"report_national", "社情民意信息全国政协采用", "report", false},
}

// ActivityPrefix starts the event kind of a 履职活动 participant.
const ActivityPrefix = "activity_"

// KindOf finds a kind of the catalogue, or an activity kind (category
// activity) whose label the caller supplies in activities (code → label).
func KindOf(code string, activities map[string]string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Code == code {
			return k, true
		}
	}
	if a, ok := strings.CutPrefix(code, ActivityPrefix); ok {
		if label, ok := activities[a]; ok {
			return Kind{Code: code, Label: label, Category: "activity"}, true
		}
	}
	return Kind{}, false
}

// Points are hundredths of a point: 1500 is 15 points, -50 is −0.5.
type Points int64

// String writes points as the file prints them: 15, 7.5, -2, 3.75.
func (p Points) String() string {
	s := strconv.FormatFloat(float64(p)/100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// ParsePoints reads "15", "-2", "7.5", "3.75" (at most two decimals).
func ParsePoints(s string) (Points, error) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("分值“%s”不是数字", s)
	}
	c := math.Round(f * 100)
	if math.Abs(c) > maxParsed {
		// Points(c) of 1e30 would be any int64, and print as another value.
		return 0, fmt.Errorf("分值“%s”超出范围", s)
	}
	if math.Abs(f*100-c) > 1e-6 {
		return 0, fmt.Errorf("分值“%s”最多保留两位小数", s)
	}
	return Points(c), nil
}

// maxParsed bounds what ParsePoints reads, in hundredths: exact in a
// float64, so the value prints and reads back unchanged. Validate's ±100
// points is the bound of a rule; this one only keeps a typo's value honest.
const maxParsed = 1 << 50

// Meeting selectors a rule may narrow a meeting event by, besides a
// meeting kind's code (plenary, sitting, standing, …).
const (
	AnyMeeting = ""         // every meeting (and events of no meeting)
	Required   = "required" // meetings of a kind the rules name as required
	Optional   = "optional" // the other meetings
)

// Rule gives an event kind its points, for every event of that kind or
// only those of a kind of meeting (a meeting kind's code) or of a required
// or optional meeting. Standing, when set, is the rate for members who hold
// a standing-committee seat in the year (常委).
type Rule struct {
	Kind     string  `json:"kind"`
	Meeting  string  `json:"meeting,omitempty"`
	Points   Points  `json:"points"`
	Standing *Points `json:"standing,omitempty"`
}

// Rules are a committee's scoring rules for the years from FromYear to
// ToYear (0: still in force).
type Rules struct {
	FromYear         int      `json:"from_year"`
	ToYear           int      `json:"to_year,omitempty"`
	RequiredMeetings []string `json:"required_meetings"` // meeting kinds whose attendance is required
	Rules            []Rule   `json:"rules"`
}

// Covers reports whether the rules apply in year.
func (r Rules) Covers(year int) bool {
	return year >= r.FromYear && (r.ToYear == 0 || year <= r.ToYear)
}

// Overlaps reports whether two rule sets share a year.
func (r Rules) Overlaps(o Rules) bool {
	rEnd, oEnd := r.ToYear, o.ToYear
	if rEnd == 0 {
		rEnd = math.MaxInt32
	}
	if oEnd == 0 {
		oEnd = math.MaxInt32
	}
	return r.FromYear <= oEnd && o.FromYear <= rEnd
}

// pts is a rule value from whole points.
func pts(n float64) Points { return Points(math.Round(n * 100)) }

// DefaultRules are the real shapes of DOMAIN.md §7: 5 points a half-day
// sitting of the plenary; a filed proposal 15 to its lead and 3 to each
// co-signer, +15/+3 key, +10/+2 excellent; a refused leave request −2 for a
// required meeting (−1 otherwise), an approved leave for a required meeting
// −1; reports by level, in full alone, half co-written or merged, a quarter
// both (the event's share). The rest are a committee's usual values, to edit.
func DefaultRules(from int) Rules {
	return Rules{FromYear: from, RequiredMeetings: []string{"plenary", "sitting", "standing", "chairs"}, Rules: []Rule{
		{Kind: "attended", Meeting: "sitting", Points: pts(5)},
		{Kind: "attended", Meeting: AnyMeeting, Points: pts(2)},
		{Kind: "excused", Meeting: Required, Points: pts(-1)},
		{Kind: "absent", Meeting: Required, Points: pts(-3)},
		{Kind: "leave_refused", Meeting: Required, Points: pts(-2)},
		{Kind: "leave_refused", Meeting: Optional, Points: pts(-1)},
		{Kind: "research", Points: pts(3)},
		{Kind: "speech", Points: pts(3)},
		{Kind: "room_activity", Points: pts(2)},
		{Kind: "assist_visit", Points: pts(1)},
		{Kind: "proposal_lead", Points: pts(15)},
		{Kind: "proposal_cosigner", Points: pts(3)},
		{Kind: "proposal_key_lead", Points: pts(15)},
		{Kind: "proposal_key_cosigner", Points: pts(3)},
		{Kind: "proposal_excellent_lead", Points: pts(10)},
		{Kind: "proposal_excellent_cosigner", Points: pts(2)},
		{Kind: "report_county", Points: pts(5)},
		{Kind: "report_city", Points: pts(10)},
		{Kind: "report_province", Points: pts(20)},
		{Kind: "report_national", Points: pts(40)},
	}}
}

// maxPoints bounds a rule's value: ±100 points.
const maxPoints = Points(10000)

// Validate checks the rules against the catalogue (and the committee's
// activity kinds) and the meeting kinds: years in order, known kinds, a
// meeting selector only on meeting events, one rule per kind and
// selector, values within ±100 points. Each problem names the rule.
func (r Rules) Validate(activities map[string]string, meetingKinds []string) app.FieldErrors {
	var errs app.FieldErrors
	if r.FromYear < 2000 || r.FromYear > 2100 {
		errs.Add("from_year", "起始年度应为2000至2100之间的年份")
	}
	if r.ToYear != 0 && r.ToYear < r.FromYear {
		errs.Add("to_year", "截止年度不能早于起始年度")
	}
	for _, k := range r.RequiredMeetings {
		if !slices.Contains(meetingKinds, k) {
			errs.Add("required_meetings", "未知的会议类型“"+k+"”")
		}
	}
	seen := map[string]bool{}
	for i, rule := range r.Rules {
		at := fmt.Sprintf("第%d条规则：", i+1)
		k, ok := KindOf(rule.Kind, activities)
		if !ok {
			errs.Add("rules", at+"未知的履职事项“"+rule.Kind+"”")
			continue
		}
		if rule.Meeting != AnyMeeting {
			if !k.Meeting {
				errs.Add("rules", at+k.Label+"不是会议事项，不能按会议区分")
			} else if rule.Meeting != Required && rule.Meeting != Optional && !slices.Contains(meetingKinds, rule.Meeting) {
				errs.Add("rules", at+"未知的会议类型“"+rule.Meeting+"”")
			}
		}
		key := rule.Kind + "|" + rule.Meeting
		if seen[key] {
			errs.Add("rules", at+k.Label+"的规则重复")
		}
		seen[key] = true
		if rule.Points > maxPoints || rule.Points < -maxPoints {
			errs.Add("rules", at+"分值应在-100至100之间")
		}
		if rule.Standing != nil && (*rule.Standing > maxPoints || *rule.Standing < -maxPoints) {
			errs.Add("rules", at+"常委分值应在-100至100之间")
		}
	}
	return errs
}

// Event is what scoring needs of a duty event: its kind, the kind of its
// meeting ("" without one), and its share of the full score in quarters.
type Event struct {
	Kind        string
	MeetingKind string
	Share       int // 4 full, 2 half, 1 a quarter; 0 is taken as 4
}

// rule finds the rule for an event: one naming its meeting's kind first,
// then one for required or optional meetings, then one for any.
func (r Rules) rule(e Event) (Rule, bool) {
	var byKind, bySelector, any *Rule
	required := e.MeetingKind != "" && slices.Contains(r.RequiredMeetings, e.MeetingKind)
	for i := range r.Rules {
		x := &r.Rules[i]
		if x.Kind != e.Kind {
			continue
		}
		switch {
		case x.Meeting == AnyMeeting:
			any = x
		case x.Meeting == Required && required, x.Meeting == Optional && e.MeetingKind != "" && !required:
			bySelector = x
		case e.MeetingKind != "" && x.Meeting == e.MeetingKind:
			byKind = x
		}
	}
	for _, x := range []*Rule{byKind, bySelector, any} {
		if x != nil {
			return *x, true
		}
	}
	return Rule{}, false
}

// Points are an event's points for a member (standing: a standing-committee
// member in the year): the rule's value times the event's share, rounded
// to the hundredth. No rule: 0.
func (r Rules) Points(e Event, standing bool) Points {
	rule, ok := r.rule(e)
	if !ok {
		return 0
	}
	p := rule.Points
	if standing && rule.Standing != nil {
		p = *rule.Standing
	}
	share := e.Share
	if share <= 0 || share > 4 {
		share = 4
	}
	if share == 4 {
		return p
	}
	return Points(math.Round(float64(p) * float64(share) / 4))
}

// Tally is a number of like events: what a year's file sums.
type Tally struct {
	Event
	N int
}

// Total sums tallies by the rules, overall and by category.
func (r Rules) Total(ts []Tally, standing bool, activities map[string]string) (Points, map[string]Points) {
	var total Points
	by := map[string]Points{}
	for _, t := range ts {
		p := r.Points(t.Event, standing) * Points(t.N)
		total += p
		cat := "activity"
		if k, ok := KindOf(t.Kind, activities); ok {
			cat = k.Category
		}
		by[cat] += p
	}
	return total, by
}

// Ranked is a member's place in a list ranked by score.
type Ranked struct {
	MemberID int64
	Score    Points
	Rank     int // 1 for the highest; equal scores share a rank and the next rank skips (1, 2, 2, 4)
}

// Rank ranks scores from the highest; equal scores share a rank (standard
// competition ranking) and members with equal scores keep the order given.
func Rank(scores map[int64]Points, order []int64) []Ranked {
	out := make([]Ranked, 0, len(order))
	for _, id := range order {
		out = append(out, Ranked{MemberID: id, Score: scores[id]})
	}
	slices.SortStableFunc(out, func(a, b Ranked) int { return cmp.Compare(b.Score, a.Score) })
	for i := range out {
		if i > 0 && out[i].Score == out[i-1].Score {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// ActivityKind is a kind of 履职活动 that no other module records; a
// committee keeps its own list (store: activity_kind), these until then.
type ActivityKind struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// DefaultActivityKinds are the kinds the real reports name.
var DefaultActivityKinds = []ActivityKind{
	{"training", "履职能力提升培训班"},
	{"study", "学习会"},
	{"visit_member", "走访看望委员"},
	{"talk", "谈心交流"},
	{"investment", "招商考察"},
	{"commendation", "表彰先进集体和个人"},
	// What newspaper items report (the press import proposes these).
	{"meeting_report", "会议报道"},
	{"research", "调研视察"},
	{"assistance", "帮扶慰问"},
	{"liaison", "联系企业"},
	{"other", "其他履职活动"},
}
