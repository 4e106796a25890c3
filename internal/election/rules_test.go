package election_test

import (
	"slices"
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/election"
	"xieshang/internal/member"
)

var (
	moreThanHalf    = election.Fraction{Num: 1, Den: 2, Strict: true}
	atLeastHalf     = election.Fraction{Num: 1, Den: 2}
	moreThanTwo3rds = election.Fraction{Num: 2, Den: 3, Strict: true}
	atLeastTwo3rds  = election.Fraction{Num: 2, Den: 3}
)

// TestFractionRealFigures: more than half of 419 (209.5) needs 210.
func TestFractionRealFigures(t *testing.T) {
	cases := []struct {
		f       election.Fraction
		n, base int
		want    bool
	}{
		{moreThanHalf, 380, 419, true},
		{moreThanHalf, 210, 419, true},
		{moreThanHalf, 209, 419, false},
		{atLeastHalf, 210, 419, true},
		{atLeastHalf, 209, 419, false},
		{moreThanHalf, 210, 420, false}, // exactly half is not more than half
		{atLeastHalf, 210, 420, true},
		{moreThanTwo3rds, 280, 419, true}, // 279.33
		{moreThanTwo3rds, 279, 419, false},
		{moreThanTwo3rds, 20, 30, false},
		{atLeastTwo3rds, 20, 30, true},
		{moreThanHalf, 1, 0, true},
		{moreThanHalf, 0, 0, false},
		{election.Fraction{}, 5, 1, false},
	}
	for _, c := range cases {
		if got := c.f.Met(c.n, c.base); got != c.want {
			t.Errorf("%+v: Met(%d, %d) = %v, want %v", c.f, c.n, c.base, got, c.want)
		}
	}
	for _, c := range []struct {
		f          election.Fraction
		base, need int
		exact      string
	}{
		{moreThanHalf, 419, 210, "209.5"}, {atLeastHalf, 419, 210, "209.5"}, {moreThanHalf, 420, 211, "210"},
		{moreThanTwo3rds, 419, 280, "838/3"}, {atLeastTwo3rds, 30, 20, "20"}, {moreThanTwo3rds, 30, 21, "20"},
		{election.Fraction{Num: 1, Den: 4}, 419, 105, "104.75"}, {election.Fraction{Num: 1, Den: 5}, 11, 3, "2.2"},
		{election.Fraction{}, 10, 0, "0"},
	} {
		if got := c.f.Need(c.base); got != c.need {
			t.Errorf("%+v: Need(%d) = %d, want %d", c.f, c.base, got, c.need)
		}
		if got := c.f.Exact(c.base); got != c.exact {
			t.Errorf("%+v: Exact(%d) = %q, want %q", c.f, c.base, got, c.exact)
		}
	}
}

// TestFractionNeed: Need is the fewest n that meets the fraction.
func TestFractionNeed(t *testing.T) {
	fs := []election.Fraction{moreThanHalf, atLeastHalf, moreThanTwo3rds, atLeastTwo3rds, {Num: 1, Den: 1},
		{Num: 1, Den: 3, Strict: true}, {Num: 3, Den: 4}, {Num: 51, Den: 100}, {Num: 99, Den: 100, Strict: true}}
	for _, f := range fs {
		for base := 0; base <= 2000; base++ {
			n := f.Need(base)
			if !f.Met(n, base) || f.Met(n-1, base) {
				t.Fatalf("%+v: Need(%d) = %d", f, base, n)
			}
		}
	}
}

func TestFractionText(t *testing.T) {
	for _, c := range []struct {
		f    election.Fraction
		base string
		half bool
		want string
	}{
		{moreThanHalf, "应到会委员", true, "超过应到会委员半数"},
		{moreThanHalf, "全体委员", false, "超过全体委员的二分之一"},
		{atLeastTwo3rds, "全体委员", true, "不少于全体委员的三分之二"},
		{election.Fraction{Num: 2, Den: 4}, "全体委员", true, "不少于全体委员半数"},
		{election.Fraction{Num: 1, Den: 1}, "全体委员", false, "不少于全体委员"},
	} {
		if got := c.f.Text(c.base, c.half); got != c.want {
			t.Errorf("%+v: %q, want %q", c.f, got, c.want)
		}
	}
}

func TestHeld(t *testing.T) {
	if r := election.DefaultRules(); !r.Held(386, 419) || !r.Held(210, 419) || r.Held(209, 419) || r.Held(0, 0) {
		t.Error("more than half of 419")
	}
	if !rules2013.Held(280, 419) || rules2013.Held(279, 419) {
		t.Error("more than two-thirds of 419")
	}
}

func TestRulesCheck(t *testing.T) {
	for _, r := range []election.Rules{election.DefaultRules(), rules2003, rules2013, rulesCity, rulesNoWriteIns} {
		if errs := r.Check(); errs != nil {
			t.Errorf("%+v: %v", r, errs)
		}
	}
	if errs := (election.Rules{}).Check(); len(errs) != 6 {
		t.Errorf("zero rules: %v", errs)
	}
	cases := []struct {
		mod   func(*election.Rules)
		field string
		msg   string
	}{
		{func(r *election.Rules) { r.Hold = election.Fraction{Num: 3, Den: 2} }, "hold", "进行选举所需人数：比例应为不超过1的正分数，如二分之一"},
		{func(r *election.Rules) { r.Elect = election.Fraction{Num: 1, Den: 1, Strict: true} }, "elect", "当选所需赞成票：“超过应到会委员总数”无法满足，请改为“不少于”"},
		{func(r *election.Rules) { r.Elect.Den = 0 }, "elect", "当选所需赞成票：比例应为不超过1的正分数，如二分之一"},
		{func(r *election.Rules) { r.ElectBase = "present" }, "elect_base", "请选择当选票数的计算基数：全体委员、应到会委员或收回选票"},
		{func(r *election.Rules) { r.Blank = "x" }, "blank", "请选择未划符号的计票方式：按弃权计、视为赞成或不计票"},
		{func(r *election.Rules) { r.Unclear = "" }, "unclear", "请选择符号不清的处理方式：该项按弃权计、该项无效或该票无效"},
		{func(r *election.Rules) { r.WriteIns = "always" }, "write_ins", "请选择是否可以另选他人"},
	}
	for _, c := range cases {
		r := election.DefaultRules()
		c.mod(&r)
		errs := r.Check()
		if len(errs) != 1 || errs.Get(c.field) != c.msg {
			t.Errorf("%s: %v", c.field, errs)
		}
	}
}

func TestCheckOffices(t *testing.T) {
	good := append(paperOne(), paperTwo()...)
	if errs := election.CheckOffices(good); errs != nil {
		t.Fatalf("real offices: %v", errs)
	}
	cases := []struct {
		name string
		mod  func([]election.Office) []election.Office
		key  string
		msg  string
	}{
		{"none", func([]election.Office) []election.Office { return nil }, "offices", "请至少设置一个选举职务"},
		{"no name", func(o []election.Office) []election.Office { o[0].Name = " "; return o }, "office_1", "请填写职务名称"},
		{"name twice", func(o []election.Office) []election.Office { o[1].Name = "副主席"; return o }, "office_2", "职务名称“副主席”重复"},
		{"no seats", func(o []election.Office) []election.Office { o[0].Seats = 0; return o }, "office_1", "“副主席”的应选名额至少为1名"},
		{"bad role", func(o []election.Office) []election.Office { o[0].Role = member.Ordinary; return o }, "office_1", "“副主席”担任的职务应为主席、副主席、秘书长或常委，或不设"},
		{"gap in papers", func(o []election.Office) []election.Office { o[2].Paper = 3; return o }, "offices", "选票应从第一张起连续编号，缺少第二张选票"},
		{"paper 0", func(o []election.Office) []election.Office { o[0].Paper = 0; return o }, "office_1", "“副主席”的选票编号应从1开始"},
		{"same seq", func(o []election.Office) []election.Office { o[1].Seq = 1; return o }, "office_2", "“秘书长”与“副主席”在第一张选票上的顺序相同"},
		{"equal list too long", func(o []election.Office) []election.Office {
			o[0].Candidates = append(o[0].Candidates, election.Candidate{MemberID: 109, Name: "李四"})
			return o
		}, "office_1", "“副主席”为等额选举，候选人应为1名，现有2名"},
		{"competitive list too short", func(o []election.Office) []election.Office {
			o[2].Candidates = o[2].Candidates[:11]
			return o
		}, "office_3", "“常务委员”为差额选举，候选人应多于应选名额11名，现有11名"},
		{"candidate twice", func(o []election.Office) []election.Office {
			o[2].Candidates[11] = o[2].Candidates[0]
			return o
		}, "office_3", "候选人张伟在“常务委员”的名单中重复"},
		{"not a member", func(o []election.Office) []election.Office { o[1].Candidates[0].MemberID = 0; return o }, "office_2", "“秘书长”的候选人周文明不是本届委员"},
		{"no id: key offices", func(o []election.Office) []election.Office { o[0].ID = 0; o[0].Seats = 0; return o }, "offices", "“副主席”的应选名额至少为1名"},
	}
	for _, c := range cases {
		offices := c.mod(append(paperOne(), paperTwo()...))
		errs := election.CheckOffices(offices)
		if !slices.Contains(errs, app.FieldError{Field: c.key, Message: c.msg}) {
			t.Errorf("%s: %v", c.name, errs)
		}
	}
}

func TestPapers(t *testing.T) {
	offices := []election.Office{{Name: "c", Paper: 2, Seq: 1}, {Name: "b", Paper: 1, Seq: 2}, {Name: "a", Paper: 1, Seq: 1}}
	if got := election.Papers(offices); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("Papers = %v", got)
	}
	var names []string
	for _, o := range election.PaperOffices(offices, 1) {
		names = append(names, o.Name)
	}
	if strings.Join(names, ",") != "a,b" || len(election.PaperOffices(offices, 3)) != 0 {
		t.Errorf("PaperOffices(1) = %v", names)
	}
	if offices[1].Name != "b" {
		t.Error("PaperOffices reordered its input")
	}
}

func TestCandidateScrutineers(t *testing.T) {
	offices := append(paperOne(), paperTwo()...)
	if got := election.CandidateScrutineers(offices, []int64{500, 203, 101, 203, 501}); !slices.Equal(got, []int64{203, 101}) {
		t.Errorf("got %v", got)
	}
	if got := election.CandidateScrutineers(offices, []int64{500, 501}); got != nil {
		t.Errorf("got %v", got)
	}
}

// TestLabels: every value of every enumeration has a Chinese label.
func TestLabels(t *testing.T) {
	var labels []string
	for _, x := range election.Modes {
		labels = append(labels, x.Label())
		if !x.Valid() {
			t.Errorf("%s invalid", x)
		}
	}
	for _, x := range election.Statuses {
		labels = append(labels, x.Label())
	}
	for _, x := range election.Bases {
		labels = append(labels, x.Label())
	}
	for _, x := range election.BlankMarks {
		labels = append(labels, x.Label())
	}
	for _, x := range election.UnclearMarks {
		labels = append(labels, x.Label())
	}
	for _, x := range election.WriteInRules {
		labels = append(labels, x.Label())
	}
	for _, x := range election.Marks {
		labels = append(labels, x.Label())
	}
	want := "纸质选票 电子投票 筹备中 投票中 计票中 已签字 已确认 应到会委员 全体委员 收回选票 按弃权计 视为赞成 不计票 " +
		"该项无效 该项按弃权计 该票（该职务部分）无效 投反对票的可以另选他人 不得另选他人 赞成 反对 弃权 未划 不清"
	if got := strings.Join(labels, " "); got != want {
		t.Errorf("labels\n%s\nwant\n%s", got, want)
	}
	if election.Mode("x").Valid() || election.Status("x").Valid() || election.Mark('9').Valid() || election.Mode("x").Label() != "x" {
		t.Error("unknown values")
	}
}
