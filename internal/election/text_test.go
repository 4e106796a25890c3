package election_test

import (
	"slices"
	"strings"
	"testing"

	"xieshang/internal/election"
	"xieshang/internal/member"
)

func realDoc(r election.Rules, mode election.Mode) election.RulesDoc {
	return election.RulesDoc{
		Meeting: "明湖市政协十三届四次会议", Committee: "市政协", Mode: mode, Rules: r,
		Offices: append(paperTwo(), paperOne()...), // out of order: the text orders them
		Chiefs:  1, Scrutineers: 3, ChiefTellers: 1, Tellers: 3,
	}
}

// TestRulesTextReal: the default rules (a city committee's) on paper.
func TestRulesTextReal(t *testing.T) {
	lines := election.RulesText(realDoc(election.DefaultRules(), election.Paper))
	if lines[0] != "明湖市政协十三届四次会议选举办法" {
		t.Errorf("title %q", lines[0])
	}
	for i, l := range lines[1:] {
		want := []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"}[i] + "、"
		if !strings.HasPrefix(l, want) {
			t.Errorf("article %d: %q", i+1, l)
		}
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		"一、根据《中国人民政治协商会议章程》的有关规定，明湖市政协十三届四次会议选举市政协副主席1名、秘书长1名、常务委员11名。",
		"二、副主席候选人1名，实行等额选举；秘书长候选人1名，实行等额选举；常务委员候选人12名，应选11名，差额1名，实行差额选举。选举分两张选票进行：第一张选票选举副主席、秘书长，第二张选票选举常务委员，各张选票分别计票。",
		"选举采用无记名投票方式，使用纸质选票。",
		"选举设总监票人1名、监票人3名，由全体会议通过。设总计票人1名、计票人3名",
		"候选人不得担任总监票人、监票人、总计票人、计票人。",
		"出席会议的委员超过全体委员的二分之一，方可进行选举。",
		"赞成的，在其姓名下方的符号栏内划“○”；反对的，划“×”；弃权的，划“△”。对候选人不划任何符号的，按弃权计算。",
		"对候选人投反对票的，可以另选他人",
		"另选人数不得多于反对的人数；投弃权票的，不得另选他人。另选人须为本届委员会的现任委员",
		"多于应选人数的，该职务的选票无效。另选人数多于反对人数的，该职务的选票无效。",
		"对候选人所划符号模糊不清、无法辨认的，该项无效，不影响其他各项。未划任何符号的选票为有效票。",
		"收回的选票等于或者少于发出的选票，选举有效；多于发出的选票，选举无效，应重新选举。",
		"候选人和另选人获得的赞成票超过应到会委员半数的，始得当选。",
		"如遇票数相等不能确定当选人时，对票数相等的被选举人另行选举",
		"不足的名额另行选举。",
		"由总监票人向全体会议报告计票结果，由会议执行主席宣布选举结果。",
		"本办法经全体会议表决通过后施行。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// TestRulesTextDiffers: the 2013 national rules electronically read
// differently wherever the rules differ.
func TestRulesTextDiffers(t *testing.T) {
	a := strings.Join(election.RulesText(realDoc(election.DefaultRules(), election.Paper)), "\n")
	d := realDoc(rules2013, election.Electronic)
	d.ChiefTellers, d.Tellers = 0, 0
	b := strings.Join(election.RulesText(d), "\n")
	for _, want := range []string{
		"出席会议的委员超过全体委员的三分之二，方可进行选举。",
		"获得的赞成票超过全体委员半数的，始得当选。",
		"对候选人未作选择的，视为赞成。",
		"使用电子投票系统进行",
		"回执码",
		"赞成和视为赞成的候选人数",
		"候选人不得担任总监票人、监票人。",
	} {
		if !strings.Contains(b, want) || strings.Contains(a, want) {
			t.Errorf("only the 2013 text should have %q", want)
		}
	}
	if strings.Contains(b, "计票人") || strings.Contains(b, "未划任何符号的选票为有效票") {
		t.Error("2013 text mentions tellers or blank ballots as valid")
	}
	c := strings.Join(election.RulesText(realDoc(rulesCity, election.Paper)), "\n")
	if !strings.Contains(c, "模糊不清、无法辨认的，该职务的选票无效。") || c == a {
		t.Errorf("city by-election text:\n%s", c)
	}
	n := strings.Join(election.RulesText(realDoc(rulesNoWriteIns, election.Paper)), "\n")
	for _, want := range []string{"选举人不得另选他人；在选票上另写姓名的，该姓名不予计票。", "不计入赞成、反对或者弃权票数", "该项按弃权计算", "不少于应到会委员半数"} {
		if !strings.Contains(n, want) {
			t.Errorf("no-write-in text lacks %q:\n%s", want, n)
		}
	}
	if strings.Contains(n, "可以另选他人") {
		t.Error("no-write-in text allows write-ins")
	}
}

// TestReportLinesWriteInsAndMarks: write-ins, void marks and void
// write-ins appear in the report.
func TestReportLinesWriteInsAndMarks(t *testing.T) {
	paper := paperOne()
	c := election.NewCounter(realRules(), paper)
	for _, l := range []string{"1/1", "2+李四#301/.", "2+张三/1"} {
		b, err := election.ParseLine(paper, l)
		if err != nil {
			t.Fatal(err)
		}
		c.Add(b)
	}
	lines := election.ReportLines("市政协", []election.Tally{c.Tally(1, election.Figures{All: 5, Expected: 5, Issued: 3})})
	for _, want := range []string{
		"计票结果报告",
		"发出选票3张，收回选票3张，收回的选票等于发出的选票，选举有效。",
		"副主席（应选1名）：有效票3张，无效票0张；当选须得赞成票3票以上。",
		"王学臣：赞成1票，反对2票，弃权0票，未当选。",
		"另选人李四：赞成1票，未当选。",
		"另写的姓名不予计票的1人次。",
		"副主席尚缺1名，另行选举。",
		"周文明：赞成2票，反对0票，弃权0票，无效标记1个，未当选。",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("report lacks %q:\n%q", want, lines)
		}
	}
	if lines[1] != "发出选票3张，收回选票3张，收回的选票等于发出的选票，选举有效。" {
		t.Errorf("one paper has no paper heading: %q", lines[1])
	}
}

// TestResultSentenceNames: names up to three, a count beyond; the office
// as its role is called, else its name.
func TestResultSentenceNames(t *testing.T) {
	names := []string{"", "王一", "王二", "王三", "王四", "王五", "王六", "王七"}
	office := func(name string, role member.RoleKind, ids ...int64) election.OfficeTally {
		o := election.OfficeTally{Name: name, Role: role, Seats: len(ids), Elected: ids}
		for _, id := range ids {
			o.Candidates = append(o.Candidates, election.CandidateTally{MemberID: id, Name: names[id], Elected: true})
		}
		return o
	}
	tallies := []election.Tally{{Paper: 1, Offices: []election.OfficeTally{office("副主席", "", 1, 2, 3), office("顾问", "", 4, 5, 6, 7)}}}
	want := "选举王一、王二、王三为县政协副主席，选举4名政协委员为县政协顾问"
	if got := election.ResultSentence("县政协", tallies); got != want {
		t.Errorf("%q, want %q", got, want)
	}
	tallies = []election.Tally{{Paper: 1, Offices: []election.OfficeTally{office("常务委员", member.Standing, 1)}}}
	if got := election.ResultSentence("市政协", tallies); got != "选举王一为市政协常委" {
		t.Errorf("%q", got)
	}
}
