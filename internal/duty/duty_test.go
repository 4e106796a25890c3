package duty

import (
	"slices"
	"strings"
	"testing"
)

var meetingKinds = []string{"plenary", "standing", "chairs", "bimonthly", "thematic", "symposium", "onsite", "sitting"}

// The real shapes of DOMAIN.md §7, event by event.
func TestPointsOfEvents(t *testing.T) {
	r := DefaultRules(2026)
	if errs := r.Validate(nil, meetingKinds); len(errs) != 0 {
		t.Fatalf("default rules: %v", errs)
	}
	for _, c := range []struct {
		name string
		e    Event
		want string
	}{
		{"a half-day sitting of the plenary", Event{Kind: "attended", MeetingKind: "sitting"}, "5"},
		{"another meeting attended", Event{Kind: "attended", MeetingKind: "symposium"}, "2"},
		{"lead proposer of a filed proposal", Event{Kind: "proposal_lead"}, "15"},
		{"co-signer", Event{Kind: "proposal_cosigner"}, "3"},
		{"key: lead", Event{Kind: "proposal_key_lead"}, "15"},
		{"key: co-signer", Event{Kind: "proposal_key_cosigner"}, "3"},
		{"excellent: lead", Event{Kind: "proposal_excellent_lead"}, "10"},
		{"excellent: co-signer", Event{Kind: "proposal_excellent_cosigner"}, "2"},
		{"refused leave, required meeting", Event{Kind: "leave_refused", MeetingKind: "standing"}, "-2"},
		{"refused leave, optional meeting", Event{Kind: "leave_refused", MeetingKind: "symposium"}, "-1"},
		{"approved leave, required meeting", Event{Kind: "excused", MeetingKind: "plenary"}, "-1"},
		{"approved leave, optional meeting", Event{Kind: "excused", MeetingKind: "thematic"}, "0"},
		{"report adopted by the city, alone", Event{Kind: "report_city", Share: 4}, "10"},
		{"co-written or merged: half", Event{Kind: "report_city", Share: 2}, "5"},
		{"both: a quarter", Event{Kind: "report_city", Share: 1}, "2.5"},
		{"a county adoption shared and merged", Event{Kind: "report_county", Share: 1}, "1.25"},
		{"no rule", Event{Kind: "voted", MeetingKind: "plenary"}, "0"},
	} {
		if got := r.Points(c.e, false).String(); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// A member's year built from events scores exactly by the rules; a
// standing-committee member's higher rate applies where the rules give one;
// changing a rule changes the total (nothing is stored to go stale).
func TestYearTotal(t *testing.T) {
	r := DefaultRules(2026)
	year := []Tally{
		{Event{Kind: "attended", MeetingKind: "sitting"}, 6},        // 3 days of plenary, 6 half-days: 30
		{Event{Kind: "attended", MeetingKind: "standing"}, 3},       // 6
		{Event{Kind: "excused", MeetingKind: "standing"}, 1},        // -1
		{Event{Kind: "leave_refused", MeetingKind: "symposium"}, 1}, // -1
		{Event{Kind: "proposal_lead"}, 2},                           // 30
		{Event{Kind: "proposal_cosigner"}, 3},                       // 9
		{Event{Kind: "proposal_key_lead"}, 1},                       // 15
		{Event{Kind: "proposal_excellent_lead"}, 1},                 // 10
		{Event{Kind: "report_province", Share: 2}, 1},               // 10
		{Event{Kind: "report_county", Share: 1}, 1},                 // 1.25
		{Event{Kind: "research"}, 2},                                // 6
		{Event{Kind: "activity_training"}, 1},                       // no rule: 0
	}
	acts := map[string]string{"training": "履职能力提升培训班"}
	total, by := r.Total(year, false, acts)
	if total.String() != "115.25" || by["meeting"].String() != "34" || by["proposal"].String() != "64" ||
		by["report"].String() != "11.25" || by["consult"].String() != "6" || by["activity"] != 0 {
		t.Fatalf("total %s by %v", total, by)
	}
	// Standing members earn 4 a sitting; training now scores 2.
	r.Rules[0].Standing = ptr(pts(4))
	r.Rules = append(r.Rules, Rule{Kind: "activity_training", Points: pts(2)})
	if errs := r.Validate(acts, meetingKinds); len(errs) != 0 {
		t.Fatal(errs)
	}
	if total, _ := r.Total(year, true, acts); total.String() != "111.25" {
		t.Errorf("standing member: %s", total)
	}
	if total, _ := r.Total(year, false, acts); total.String() != "117.25" {
		t.Errorf("after the change: %s", total)
	}
}

func ptr(p Points) *Points { return &p }

func TestRulesValidate(t *testing.T) {
	bad := Rules{FromYear: 2026, ToYear: 2025, RequiredMeetings: []string{"banquet"}, Rules: []Rule{
		{Kind: "dancing", Points: pts(1)},
		{Kind: "proposal_lead", Meeting: "plenary", Points: pts(1)},
		{Kind: "attended", Meeting: "party", Points: pts(1)},
		{Kind: "speech", Points: pts(101)},
		{Kind: "speech", Points: pts(1)},
		{Kind: "research", Points: pts(1), Standing: ptr(pts(-200))},
	}}
	errs := bad.Validate(nil, meetingKinds)
	for _, want := range []string{"截止年度不能早于起始年度", "未知的会议类型“banquet”", "第1条规则：未知的履职事项“dancing”",
		"第2条规则：提出提案（第一提案人）不是会议事项", "第3条规则：未知的会议类型“party”", "第4条规则：分值应在-100至100之间",
		"第5条规则：协商发言的规则重复", "第6条规则：常委分值应在-100至100之间"} {
		found := false
		for _, e := range errs {
			if strings.Contains(e.Message, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error %q in %v", want, errs)
		}
	}
	a, b := Rules{FromYear: 2024, ToYear: 2025}, Rules{FromYear: 2025}
	c := Rules{FromYear: 2026}
	if !a.Overlaps(b) || a.Overlaps(c) || !b.Overlaps(c) || !c.Covers(2030) || a.Covers(2026) {
		t.Error("overlaps and covers")
	}
}

// The rank within a sector with ties: 1, 2, 2, 4.
func TestRankWithTies(t *testing.T) {
	scores := map[int64]Points{1: pts(40), 2: pts(55), 3: pts(40), 4: pts(12.5), 5: pts(55)}
	got := Rank(scores, []int64{1, 2, 3, 4, 5})
	var ids []int64
	var ranks []int
	for _, r := range got {
		ids, ranks = append(ids, r.MemberID), append(ranks, r.Rank)
	}
	if !slices.Equal(ids, []int64{2, 5, 1, 3, 4}) || !slices.Equal(ranks, []int{1, 1, 3, 3, 5}) {
		t.Errorf("ids %v ranks %v", ids, ranks)
	}
}

func TestParsePoints(t *testing.T) {
	for in, want := range map[string]string{"15": "15", "-2": "-2", "7.5": "7.5", "3.75": "3.75", " 0 ": "0"} {
		p, err := ParsePoints(in)
		if err != nil || p.String() != want {
			t.Errorf("ParsePoints(%q) = %s %v", in, p, err)
		}
	}
	for _, in := range []string{"", "abc", "1.234", "NaN"} {
		if _, err := ParsePoints(in); err == nil {
			t.Errorf("ParsePoints(%q) accepted", in)
		}
	}
}
