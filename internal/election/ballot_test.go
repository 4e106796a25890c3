package election_test

import (
	"strings"
	"testing"

	"xieshang/internal/app"
	"xieshang/internal/election"
)

// The three columns of DOMAIN.md section 3's table, and a rule set without
// write-ins. Where the table has "—" the rules take the default.
var (
	rules2003 = election.Rules{ // national committee, 2003
		Hold: election.Fraction{Num: 1, Den: 2, Strict: true}, Elect: election.Fraction{Num: 1, Den: 2, Strict: true},
		ElectBase: election.BaseAll, Blank: election.BlankAbstain, Unclear: election.UnclearInvalid, WriteIns: election.WriteInAgainst,
	}
	rules2013 = election.Rules{ // national committee, 2013: blank = for
		Hold: election.Fraction{Num: 2, Den: 3, Strict: true}, Elect: election.Fraction{Num: 1, Den: 2, Strict: true},
		ElectBase: election.BaseAll, Blank: election.BlankFor, Unclear: election.UnclearInvalid, WriteIns: election.WriteInAgainst,
	}
	rulesCity = election.Rules{ // a city committee's by-election: unclear voids the ballot
		Hold: election.Fraction{Num: 1, Den: 2, Strict: true}, Elect: election.Fraction{Num: 1, Den: 2, Strict: true},
		ElectBase: election.BaseExpected, Blank: election.BlankAbstain, Unclear: election.UnclearBallot, WriteIns: election.WriteInAgainst,
	}
	rulesNoWriteIns = election.Rules{
		Hold: election.Fraction{Num: 1, Den: 2, Strict: true}, Elect: election.Fraction{Num: 1, Den: 2},
		ElectBase: election.BaseExpected, Blank: election.BlankNone, Unclear: election.UnclearAbstain, WriteIns: election.WriteInNone,
	}
)

// threeOfFour is 常务委员: 3 seats, 4 candidates.
var threeOfFour = election.Office{ID: 7, Paper: 1, Seq: 1, Name: "常务委员", Seats: 3, Competitive: true,
	Candidates: []election.Candidate{{MemberID: 1, Name: "甲"}, {MemberID: 2, Name: "乙"}, {MemberID: 3, Name: "丙"}, {MemberID: 4, Name: "丁"}}}

// TestJudge: each line under each rule set; "" is a valid section,
// otherwise the reason.
func TestJudge(t *testing.T) {
	const (
		ok    = ""
		over  = "所选人数多于应选人数"
		wover = "另选人数多于反对人数"
		fuzzy = "有符号不清、无法辨认的标记"
	)
	cases := []struct {
		line                           string
		r2003, r2013, city, noWriteIns string
	}{
		{"0000", ok, over, ok, ok}, // blank: valid, but blanks are for-votes under 2013
		{"3333", ok, ok, ok, ok},
		{"1110", ok, over, ok, ok},
		{"1112", ok, ok, ok, ok},
		{"1111", over, over, over, over},
		{"1122+李四", ok, ok, ok, ok},
		{"1122+李四+王五", over, over, over, over}, // write-ins count toward the seats, allowed or not
		{"1132+李四", ok, ok, ok, ok},
		{"1133+李四", wover, wover, wover, ok}, // writing in while abstaining
		{"2133+李四+王五", wover, wover, wover, ok},
		{"11.2", ok, ok, fuzzy, ok},
		{"....", ok, ok, fuzzy, ok},
		{"2222+李四+王五+赵六", ok, ok, ok, ok},
		{"2222+李四+王五+赵六+钱七", over, over, over, over},
		{"0222+李四+王五+赵六", ok, over, ok, ok},
		{"1122+李四+李四", over, over, over, over},
		{"1222+李四+李四", ok, ok, ok, ok}, // a name written twice: counted once, not void
	}
	paper := []election.Office{threeOfFour}
	for _, c := range cases {
		b, err := election.ParseLine(paper, c.line)
		if err != nil {
			t.Fatalf("ParseLine(%q): %v", c.line, err)
		}
		for _, rc := range []struct {
			name string
			r    election.Rules
			want string
		}{{"2003", rules2003, c.r2003}, {"2013", rules2013, c.r2013}, {"city", rulesCity, c.city}, {"no write-ins", rulesNoWriteIns, c.noWriteIns}} {
			void, reason := rc.r.Judge(threeOfFour, b.Sections[0])
			if void != (rc.want != "") || reason != rc.want {
				t.Errorf("%s: Judge(%q) = %v %q, want %q", rc.name, c.line, void, reason, rc.want)
			}
		}
	}
	// Marks that do not fit the list.
	for _, s := range []election.Section{
		{Marks: []election.Mark{'1', '1', '2'}},
		{Marks: []election.Mark{'1', '1', '2', '2', '2'}},
		{},
	} {
		void, reason := rules2003.Judge(threeOfFour, s)
		if !void || !strings.HasPrefix(reason, "常务委员应有4个标记") {
			t.Errorf("Judge(%q) = %v %q", s.Marks, void, reason)
		}
	}
	if void, reason := rules2003.Judge(threeOfFour, election.Section{Marks: []election.Mark{'1', 'x', '2', '2'}}); !void || reason != "有无法识别的标记" {
		t.Errorf("bad mark: %v %q", void, reason)
	}
}

// TestJudgeAgreesWithCounter: a section the counter counts as valid is one
// Judge finds valid.
func TestJudgeAgreesWithCounter(t *testing.T) {
	paper := []election.Office{threeOfFour}
	for _, r := range []election.Rules{rules2003, rules2013, rulesCity, rulesNoWriteIns} {
		for _, line := range []string{"0000", "1111", "11.2", "1133+李四", "1122+李四", "*"} {
			b, _ := election.ParseLine(paper, line)
			c := election.NewCounter(r, paper)
			c.Add(b)
			o := c.Tally(1, election.Figures{Issued: 1}).Offices[0]
			void := b.Spoiled
			if !void {
				void, _ = r.Judge(threeOfFour, b.Sections[0])
			}
			if (o.Void == 1) != void || o.Valid+o.Void != 1 {
				t.Errorf("%+v %q: counter valid %d void %d, Judge void %v", r, line, o.Valid, o.Void, void)
			}
		}
	}
}

// TestCheckElectronic: what an electronic ballot form may submit.
func TestCheckElectronic(t *testing.T) {
	one := paperOne()
	two := paperTwo()
	sec := func(marks string, ws ...election.WriteIn) election.Section {
		return election.Section{Marks: []election.Mark(marks), WriteIns: ws}
	}
	li := election.WriteIn{MemberID: 301, Name: "李四"}
	cases := []struct {
		name  string
		r     election.Rules
		paper []election.Office
		b     election.Ballot
		field string // "" accepted
		msg   string
	}{
		{"blank", rules2003, one, election.Ballot{Sections: []election.Section{sec("0"), sec("0")}}, "", ""},
		{"for both", rules2003, one, election.Ballot{Sections: []election.Section{sec("1"), sec("1")}}, "", ""},
		{"write-in", rules2003, one, election.Ballot{Sections: []election.Section{sec("2", li), sec("3")}}, "", ""},
		{"spoiled", rules2003, one, election.Ballot{Spoiled: true}, "ballot", "电子选票不能作废"},
		{"one section", rules2003, one, election.Ballot{Sections: []election.Section{sec("1")}}, "ballot", "选票应有2个职务（副主席、秘书长），实际1个"},
		{"unclear", rules2003, one, election.Ballot{Sections: []election.Section{sec("."), sec("1")}}, "office_1", "副主席：请对每位候选人选择赞成、反对或弃权"},
		{"unclear under city rules", rulesCity, one, election.Ballot{Sections: []election.Section{sec("1"), sec(".")}}, "office_2", "秘书长：请对每位候选人选择赞成、反对或弃权"},
		{"marks missing", rules2003, one, election.Ballot{Sections: []election.Section{sec(""), sec("1")}}, "office_1", "副主席：副主席应有1个标记，实际0个"},
		{"over-vote", rules2003, one, election.Ballot{Sections: []election.Section{sec("1", li), sec("1")}}, "office_1", "副主席：赞成和另选的人数合计2名，多于应选名额1名"},
		{"write-in while abstaining", rules2003, one, election.Ballot{Sections: []election.Section{sec("3", li), sec("1")}}, "office_1", "副主席：另选人数多于反对人数"},
		{"write-ins forbidden", rulesNoWriteIns, one, election.Ballot{Sections: []election.Section{sec("2", li), sec("1")}}, "office_1", "副主席：本次选举不得另选他人"},
		{"not a member", rules2003, one, election.Ballot{Sections: []election.Section{sec("2", election.WriteIn{Name: "张三"}), sec("1")}}, "office_1", "副主席：另选人“张三”不是本届委员会委员"},
		{"a listed candidate", rules2003, one, election.Ballot{Sections: []election.Section{sec("1"), sec("2", election.WriteIn{MemberID: 102, Name: "周文明"})}}, "office_2", "秘书长：另选人“周文明”已是候选人，不能另选"},
		{"written twice", rules2003, two, election.Ballot{Sections: []election.Section{sec("222111111111", li, li)}}, "office_3", "常务委员：另选人“李四”重复"},
		{"blank standing", rules2003, two, election.Ballot{Sections: []election.Section{sec("000000000000")}}, "", ""},
		{"blank standing is an over-vote when blank means for", rules2013, two, election.Ballot{Sections: []election.Section{sec("000000000000")}}, "office_3", "常务委员：赞成和另选的人数合计12名，多于应选名额11名"},
	}
	for _, c := range cases {
		err := c.r.CheckElectronic(c.paper, c.b)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err).Get(c.field) != c.msg {
			t.Errorf("%s: %v, want %s: %s", c.name, err, c.field, c.msg)
		}
	}
}
