package election_test

import (
	"slices"
	"testing"

	"xieshang/internal/election"
)

// TestTallyRealPaperOne: 419 members, 386 ballots issued and returned;
// more than half of 419 (209.5) needs 210 for-votes.
func TestTallyRealPaperOne(t *testing.T) {
	cases := []struct {
		name          string
		lines         []any
		wangFor       int
		wangElected   bool
		zhouElected   bool
		valid, void   int
		sentence      string
		unfilledLines []string
	}{
		{"380 for each", []any{"1/1", 380, "2/2", 3, "3/3", 2, "*", 1}, 380, true, true, 385, 1,
			"选举王学臣为市政协副主席，选举周文明为市政协秘书长", nil},
		{"209 for: not elected", []any{"1/1", 209, "2/1", 170, "3/1", 7}, 209, false, true, 386, 0,
			"选举周文明为市政协秘书长", []string{"副主席尚缺1名，另行选举。"}},
		{"210 for: elected", []any{"1/1", 210, "2/1", 169, "0/1", 7}, 210, true, true, 386, 0,
			"选举王学臣为市政协副主席，选举周文明为市政协秘书长", nil},
		{"write-ins split the against votes", []any{"1/1", 370, "2+李四/1", 10, "2+李四+张三/1", 6}, 370, true, true, 380, 6,
			"选举王学臣为市政协副主席，选举周文明为市政协秘书长", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tally := count(t, realRules(), paperOne(), c.lines...).Tally(1, realFigures)
			if tally.Returned != 386 || tally.Void {
				t.Fatalf("returned %d void %v", tally.Returned, tally.Void)
			}
			vice, sec := tally.Offices[0], tally.Offices[1]
			if vice.Base != 419 || vice.Need != 210 {
				t.Errorf("base %d need %d, want 419 and 210", vice.Base, vice.Need)
			}
			if vice.Valid != c.valid || vice.Void != c.void {
				t.Errorf("副主席 valid %d void %d, want %d %d", vice.Valid, vice.Void, c.valid, c.void)
			}
			w := cand(t, vice, "王学臣")
			if w.For != c.wangFor || w.Elected != c.wangElected || w.Meets != c.wangElected {
				t.Errorf("王学臣 %+v", w)
			}
			if z := cand(t, sec, "周文明"); z.Elected != c.zhouElected {
				t.Errorf("周文明 %+v", z)
			}
			if got := election.ResultSentence("市政协", []election.Tally{tally}); got != c.sentence {
				t.Errorf("sentence %q, want %q", got, c.sentence)
			}
			lines := election.ReportLines("市政协", []election.Tally{tally})
			for _, want := range c.unfilledLines {
				if !slices.Contains(lines, want) {
					t.Errorf("report lacks %q:\n%q", want, lines)
				}
			}
			if c.wangElected && !slices.Contains(lines, "王学臣当选为市政协副主席。") {
				t.Errorf("report lacks the election of 王学臣:\n%q", lines)
			}
		})
	}
}

// TestTallyWriteInsRealPaper: 李四 (id 301) written in 16 times, 张三
// (unknown, id 0) 6 times under the real rules.
func TestTallyWriteInsRealPaper(t *testing.T) {
	paper := paperOne()
	c := election.NewCounter(realRules(), paper)
	add := func(line string, n int, lookup map[string]int64) {
		b, err := election.ParseLine(paper, line)
		if err != nil {
			t.Fatal(err)
		}
		election.ResolveWriteIns(&b, func(name string) int64 { return lookup[name] })
		for range n {
			c.Add(b)
		}
	}
	ids := map[string]int64{"李四": 301, "王学臣": 101}
	add("1/1", 360, ids)
	add("2+李四/1", 16, ids)
	add("2+张三/1", 6, ids)    // 张三 is not a member: the write-in is void, the ballot valid
	add("2+王学臣/1", 2, ids)   // a listed candidate: void write-in
	add("2+李四+李四/1", 1, ids) // over-vote: two names for one seat
	add("3+李四/1", 1, ids)    // write-in while abstaining: more write-ins than against
	tally := c.Tally(1, realFigures)
	vice := tally.Offices[0]
	if vice.Valid != 384 || vice.Void != 2 || vice.InvalidWriteIns != 8 {
		t.Fatalf("valid %d void %d invalid write-ins %d", vice.Valid, vice.Void, vice.InvalidWriteIns)
	}
	li := cand(t, vice, "李四")
	if !li.WriteIn || li.For != 16 || li.Meets || li.Elected || li.MemberID != 301 {
		t.Errorf("李四 %+v", li)
	}
	if w := cand(t, vice, "王学臣"); w.For != 360 || w.Against != 24 || !w.Elected {
		t.Errorf("王学臣 %+v", w)
	}
	if len(vice.Candidates) != 2 || vice.Candidates[1].Name != "李四" {
		t.Errorf("candidates %+v", vice.Candidates)
	}
}

// TestTallyRealStanding: 11 standing-committee seats from 12 candidates.
// Candidates 1–9 get every vote; ballots against candidate 10, 11 or 12
// decide the last two seats.
func TestTallyRealStanding(t *testing.T) {
	cases := []struct {
		name      string
		x, y, z   int // ballots against candidates 10, 11, 12
		elected   int
		tied      []int64
		unfilled  int
		notElect  []string
		reportHas string
		sentence  string
	}{
		{"normal: 12 qualify, lowest out", 120, 130, 136, 11, nil, 0, []string{"孙丽"},
			"孙丽：赞成250票，反对136票，弃权0票，未当选。", "选举11名政协委员为市政协常委"},
		{"tie at the 11th seat", 120, 133, 133, 10, []int64{211, 212}, 1, []string{"徐亮", "孙丽"},
			"徐亮、孙丽得票相等（各253票），常务委员尚缺1名，另行选举。", "选举10名政协委员为市政协常委"},
		{"equal votes above the last seat elect both", 176, 105, 105, 11, nil, 0, []string{"吴霞"},
			"徐亮：赞成281票，反对105票，弃权0票，当选。", "选举11名政协委员为市政协常委"},
		{"209 for-votes fall short: a seat unfilled", 0, 177, 209, 10, nil, 1, []string{"徐亮", "孙丽"},
			"常务委员尚缺1名，另行选举。", "选举10名政协委员为市政协常委"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctr := count(t, realRules(), paperTwo(), against12(10), c.x, against12(11), c.y, against12(12), c.z)
			tally := ctr.Tally(2, realFigures)
			o := tally.Offices[0]
			if o.Valid != 386 || o.Void != 0 || o.Need != 210 {
				t.Fatalf("valid %d void %d need %d", o.Valid, o.Void, o.Need)
			}
			if len(o.Elected) != c.elected || !slices.Equal(o.Tied, c.tied) || o.Unfilled != c.unfilled {
				t.Errorf("elected %v tied %v unfilled %d", o.Elected, o.Tied, o.Unfilled)
			}
			for _, n := range c.notElect {
				if cand(t, o, n).Elected {
					t.Errorf("%s elected", n)
				}
			}
			for _, ct := range o.Candidates {
				if ct.Elected && (!ct.Meets || ct.For < 210) {
					t.Errorf("%+v elected below the threshold", ct)
				}
			}
			lines := election.ReportLines("市政协", []election.Tally{tally})
			if !slices.Contains(lines, c.reportHas) {
				t.Errorf("report lacks %q:\n%q", c.reportHas, lines)
			}
			if got := election.ResultSentence("市政协", []election.Tally{tally}); got != c.sentence {
				t.Errorf("sentence %q", got)
			}
		})
	}
}

// TestTallyRealAllPapers: the real report's sentence over both papers.
func TestTallyRealAllPapers(t *testing.T) {
	one := count(t, realRules(), paperOne(), "1/1", 380, "2/2", 6).Tally(1, realFigures)
	two := count(t, realRules(), paperTwo(), against12(10), 120, against12(11), 130, against12(12), 136).Tally(2, realFigures)
	want := "选举王学臣为市政协副主席，选举周文明为市政协秘书长，选举11名政协委员为市政协常委"
	if got := election.ResultSentence("市政协", []election.Tally{one, two}); got != want {
		t.Errorf("sentence\n%s\nwant\n%s", got, want)
	}
	lines := election.ReportLines("市政协", []election.Tally{one, two})
	for _, want := range []string{"计票结果报告", "第一张选票（副主席、秘书长）", "第二张选票（常务委员）",
		"发出选票386张，收回选票386张，收回的选票等于发出的选票，选举有效。",
		"副主席（应选1名）：有效票386张，无效票0张；当选须得赞成票210票以上。",
		"王学臣：赞成380票，反对6票，弃权0票，当选。"} {
		if !slices.Contains(lines, want) {
			t.Errorf("report lacks %q:\n%q", want, lines)
		}
	}
	if got := election.ResultSentence("市政协", nil); got != "" {
		t.Errorf("nobody elected: %q", got)
	}
}

// TestTallyVoidPaper: 387 ballots returned of 386 issued — the election on
// that paper is void, nobody is elected, every seat unfilled.
func TestTallyVoidPaper(t *testing.T) {
	for _, c := range []struct {
		name  string
		paper []election.Office
		line  string
	}{{"paper one", paperOne(), "1/1"}, {"standing", paperTwo(), against12(12)}} {
		t.Run(c.name, func(t *testing.T) {
			tally := count(t, realRules(), c.paper, c.line, 387).Tally(1, realFigures)
			if !tally.Void || tally.Returned != 387 {
				t.Fatalf("void %v returned %d", tally.Void, tally.Returned)
			}
			for _, o := range tally.Offices {
				if len(o.Elected) != 0 || o.Unfilled != o.Seats || len(o.Tied) != 0 || o.Valid != 387 {
					t.Errorf("%+v", o)
				}
				for _, ct := range o.Candidates {
					if ct.Elected {
						t.Errorf("%s elected on a void paper", ct.Name)
					}
				}
			}
			if s := election.ResultSentence("市政协", []election.Tally{tally}); s != "" {
				t.Errorf("sentence %q", s)
			}
			lines := election.ReportLines("市政协", []election.Tally{tally})
			want := "发出选票386张，收回选票387张，收回的选票多于发出的选票，本张选票的选举无效，应重新选举。"
			if !slices.Contains(lines, want) || len(lines) != 2 {
				t.Errorf("report %q", lines)
			}
		})
	}
	// 385 of 386: fewer returned, the election stands.
	tally := count(t, realRules(), paperOne(), "1/1", 385).Tally(1, realFigures)
	if tally.Void || len(tally.Offices[0].Elected) != 1 {
		t.Errorf("385 of 386: %+v", tally)
	}
	if lines := election.ReportLines("市政协", []election.Tally{tally}); !slices.Contains(lines, "发出选票386张，收回选票385张，收回的选票少于发出的选票，选举有效。") {
		t.Errorf("report %q", lines)
	}
}

// TestTallyColumns: where each mark counts under each blank and unclear
// rule.
func TestTallyColumns(t *testing.T) {
	paper := []election.Office{{ID: 9, Paper: 1, Seq: 1, Name: "常务委员", Seats: 5,
		Candidates: []election.Candidate{{1, "甲"}, {2, "乙"}, {3, "丙"}, {4, "丁"}, {5, "戊"}}}}
	type cols struct{ f, a, ab, inv int }
	cases := []struct {
		blank   election.BlankMark
		unclear election.UnclearMark
		valid   int
		want    []cols // per candidate
	}{
		{election.BlankAbstain, election.UnclearInvalid, 1, []cols{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}},
		{election.BlankFor, election.UnclearAbstain, 1, []cols{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 0}, {0, 0, 1, 0}}},
		{election.BlankNone, election.UnclearInvalid, 1, []cols{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 0}, {0, 0, 0, 1}}},
		{election.BlankAbstain, election.UnclearBallot, 0, []cols{{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}},
	}
	for _, c := range cases {
		r := election.DefaultRules()
		r.Blank, r.Unclear = c.blank, c.unclear
		o := count(t, r, paper, "1230.", 1).Tally(1, election.Figures{All: 10, Expected: 10, Issued: 10}).Offices[0]
		if o.Valid != c.valid || o.Valid+o.Void != 1 {
			t.Errorf("%s/%s: valid %d void %d", c.blank, c.unclear, o.Valid, o.Void)
		}
		for i, w := range c.want {
			ct := o.Candidates[i]
			if got := (cols{ct.For, ct.Against, ct.Abstain, ct.Invalid}); got != w {
				t.Errorf("%s/%s: %s = %+v, want %+v", c.blank, c.unclear, ct.Name, got, w)
			}
		}
	}
}

// TestTallyBases: the threshold's base per ElectBase.
func TestTallyBases(t *testing.T) {
	f := election.Figures{All: 450, Expected: 419, Issued: 386}
	for _, c := range []struct {
		base election.Base
		want int
		need int
	}{{election.BaseAll, 450, 226}, {election.BaseExpected, 419, 210}, {election.BaseReturned, 380, 191}} {
		r := election.DefaultRules()
		r.ElectBase = c.base
		o := count(t, r, paperOne(), "1/1", 380).Tally(1, f).Offices[0]
		if o.Base != c.want || o.Need != c.need {
			t.Errorf("%s: base %d need %d, want %d %d", c.base, o.Base, o.Need, c.want, c.need)
		}
	}
}

// TestAddAllocFree: counting a ballot without write-ins allocates nothing.
func TestAddAllocFree(t *testing.T) {
	paper := paperTwo()
	c := election.NewCounter(election.DefaultRules(), paper)
	var bs []election.Ballot
	for _, l := range []string{against12(3), "000000000000", "111111111111", "1111.1111112", "*"} {
		b, err := election.ParseLine(paper, l)
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	i := 0
	if n := testing.AllocsPerRun(1000, func() { c.Add(bs[i%len(bs)]); i++ }); n != 0 {
		t.Errorf("Add allocates %.1f times per ballot", n)
	}
}
