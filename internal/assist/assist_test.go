package assist

import (
	"testing"

	"xieshang/internal/app"
)

func TestYuanApprox(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{
		{0, "0元"}, {8500, "85元"}, {8550, "85余元"}, {30000, "300元"}, {35000, "300余元"},
		{200000, "2000元"}, {213600, "2000余元"}, {200050, "2000余元"}, {999900, "9000余元"},
		{1000000, "1万元"}, {1580000, "1.5万余元"}, {3000000, "3万元"}, {3020000, "3万余元"},
		{12345600, "12.3万余元"}, {100000000, "100万元"},
	} {
		if got := YuanApprox(c.fen); got != c.want {
			t.Errorf("YuanApprox(%d) = %s, want %s", c.fen, got, c.want)
		}
	}
}

// The real report: "县政协13名结对帮扶干部,'一对一'结对帮扶孤儿、困难重度残疾人、特困家庭
// 13户14人。至目前,帮助解决急难愁盼问题5件,慰问物资价值2000余元,实现结对全覆盖、走访全覆盖、慰问全覆盖".
func TestSentenceRealFigures(t *testing.T) {
	f := Figures{Cadres: 13, Registered: 13, Paired: 13, Persons: 14, Visited: 13, Aided: 13, AidFen: 213600,
		ProblemsRaised: 6, ProblemsSolved: 5}
	kinds := []string{"孤儿", "困难重度残疾人", "特困家庭"}
	want := "县政协13名结对帮扶干部，“一对一”结对帮扶孤儿、困难重度残疾人、特困家庭13户14人。至目前，" +
		"帮助解决急难愁盼问题5件，慰问物资价值2000余元，实现结对全覆盖、走访全覆盖、慰问全覆盖。"
	if got := f.Sentence("县政协", kinds, true); got != want {
		t.Errorf("sentence:\n got %s\nwant %s", got, want)
	}
	for _, r := range []Ratio{f.PairingCoverage(), f.VisitCoverage(), f.AidCoverage()} {
		if !r.Full() || r.Percent() != "100.0%" {
			t.Errorf("coverage %+v %s", r, r.Percent())
		}
	}
	// One household not visited this quarter.
	f.Visited = 12
	if r := f.VisitCoverage(); r.Full() || r.Percent() != "92.3%" || r.Num != 12 || r.Den != 13 {
		t.Errorf("12/13: %+v %s", r, r.Percent())
	}
	want = "县政协13名结对帮扶干部，“一对一”结对帮扶孤儿、困难重度残疾人、特困家庭13户14人。至目前，" +
		"帮助解决急难愁盼问题5件，慰问物资价值2000余元，实现结对全覆盖、慰问全覆盖，走访覆盖12户，覆盖率92.3%。"
	if got := f.Sentence("县政协", kinds, true); got != want {
		t.Errorf("sentence 12/13:\n got %s\nwant %s", got, want)
	}
	if (Ratio{0, 0}).Percent() != "—" || (Ratio{1999, 2000}).Percent() != "99.9%" {
		t.Error("ratio edges")
	}
	e := Figures{Enterprises: 16, Liaisons: 11, EnterpriseRaised: 23}
	if got := e.EnterpriseSentence("主席会议成员和各委办负责同志"); got != "主席会议成员和各委办负责同志11名同志包联企业16家，共收集梳理包联企业经营发展难点堵点问题23条。" {
		t.Errorf("enterprise sentence: %s", got)
	}
	e.EnterpriseRaised = 0
	if got := e.EnterpriseSentence("县政协"); got != "县政协11名同志包联企业16家。" {
		t.Errorf("enterprise sentence without problems: %s", got)
	}
}

func TestParseYuanAndAid(t *testing.T) {
	for _, c := range []struct {
		in  string
		fen int64
		ok  bool
	}{{"200", 20000, true}, {"1,280.50", 128050, true}, {"99.9", 9990, true}, {"300元", 30000, true},
		{"-5", 0, false}, {"1.234", 0, false}, {"abc", 0, false}, {"", 0, false}, {"5.", 0, false}, {".5", 0, false}} {
		fen, ok := ParseYuan(c.in)
		if fen != c.fen || ok != c.ok {
			t.Errorf("ParseYuan(%q) = %d %v", c.in, fen, ok)
		}
	}
	if CheckAidFen(0) == "" || CheckAidFen(MaxAidFen+1) == "" || CheckAidFen(20000) != "" {
		t.Error("CheckAidFen")
	}
}

func TestProblemChange(t *testing.T) {
	raised, today := app.MustDate("2026-03-01"), app.MustDate("2026-06-01")
	if errs := CheckProblemChange(ProblemOpen, ProblemSolved, "", app.Date{}, raised, today); errs.Get("resolution") == "" || errs.Get("resolved_on") == "" {
		t.Errorf("closed without a resolution: %v", errs)
	}
	if errs := CheckProblemChange(ProblemOpen, ProblemSolved, "已办理低保", app.MustDate("2026-02-01"), raised, today); errs.Get("resolved_on") == "" {
		t.Error("resolved before raised")
	}
	if errs := CheckProblemChange(ProblemOpen, ProblemSolved, "已办理低保", app.MustDate("2026-07-01"), raised, today); errs.Get("resolved_on") == "" {
		t.Error("resolved in the future")
	}
	if errs := CheckProblemChange(ProblemInProgress, ProblemUnsolvable, "政策不支持", app.MustDate("2026-05-01"), raised, today); len(errs) != 0 {
		t.Errorf("unsolvable with reason: %v", errs)
	}
	if errs := CheckProblemChange(ProblemOpen, ProblemInProgress, "", app.Date{}, raised, today); len(errs) != 0 {
		t.Errorf("in progress: %v", errs)
	}
	if errs := CheckProblemChange(ProblemOpen, "done", "", app.Date{}, raised, today); errs.Get("status") == "" {
		t.Error("unknown status")
	}
}

func TestMasking(t *testing.T) {
	if got := MaskIDNumber("37150219900101123X"); got != "371502********123X" {
		t.Errorf("mask id: %s", got)
	}
	if got := MaskPhone("13812345678"); got != "138****5678" {
		t.Errorf("mask phone: %s", got)
	}
	if c, ok := ParseCategory("孤儿"); !ok || c != "orphan" || CategoryLabel("elder80") != "80岁以上老人" {
		t.Error("categories")
	}
}
