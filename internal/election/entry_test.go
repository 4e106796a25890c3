package election_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"xieshang/internal/app"
	"xieshang/internal/election"
)

func TestParseLine(t *testing.T) {
	one, two := paperOne(), paperTwo()
	sec := func(marks string, ws ...election.WriteIn) election.Section {
		return election.Section{Marks: []election.Mark(marks), WriteIns: ws}
	}
	cases := []struct {
		paper     []election.Office
		line      string
		want      election.Ballot
		canonical string
	}{
		{one, "1/1", election.Ballot{Sections: []election.Section{sec("1"), sec("1")}}, "1/1"},
		{one, " 1 / 2 ", election.Ballot{Sections: []election.Section{sec("1"), sec("2")}}, "1/2"},
		{one, "０／．", election.Ballot{Sections: []election.Section{sec("0"), sec(".")}}, "0/."},
		{one, "3/。", election.Ballot{Sections: []election.Section{sec("3"), sec(".")}}, "3/."},
		{one, "2+李四/1", election.Ballot{Sections: []election.Section{sec("2", election.WriteIn{Name: "李四"}), sec("1")}}, "2+李四/1"},
		{one, "2＋李 四＋王五/2+赵六", election.Ballot{Sections: []election.Section{
			sec("2", election.WriteIn{Name: "李四"}, election.WriteIn{Name: "王五"}), sec("2", election.WriteIn{Name: "赵六"})}}, "2+李四+王五/2+赵六"},
		{one, "2+阿不都・热合曼/1", election.Ballot{Sections: []election.Section{sec("2", election.WriteIn{Name: "阿不都·热合曼"}), sec("1")}}, "2+阿不都·热合曼/1"},
		{one, "2+李四#301/2+#302", election.Ballot{Sections: []election.Section{
			sec("2", election.WriteIn{MemberID: 301, Name: "李四"}), sec("2", election.WriteIn{MemberID: 302})}}, "2+李四#301/2+#302"},
		{one, "*", election.Ballot{Spoiled: true}, "*"},
		{one, " ＊ ", election.Ballot{Spoiled: true}, "*"},
		{two, "1111 1111 1112", election.Ballot{Sections: []election.Section{sec("111111111112")}}, "111111111112"},
		{two, "000000000000", election.Ballot{Sections: []election.Section{sec("000000000000")}}, "000000000000"},
	}
	for _, c := range cases {
		b, err := election.ParseLine(c.paper, c.line)
		if err != nil {
			t.Errorf("ParseLine(%q): %v", c.line, err)
			continue
		}
		if !reflect.DeepEqual(b, c.want) {
			t.Errorf("ParseLine(%q) = %+v, want %+v", c.line, b, c.want)
		}
		if got := election.FormatLine(b); got != c.canonical {
			t.Errorf("FormatLine(ParseLine(%q)) = %q, want %q", c.line, got, c.canonical)
		}
	}
}

func TestParseLineErrors(t *testing.T) {
	one, two := paperOne(), paperTwo()
	cases := []struct {
		paper []election.Office
		line  string
		msg   string
	}{
		{one, "", "选票内容为空（空白选票请输入0）"},
		{one, "   ", "选票内容为空（空白选票请输入0）"},
		{one, "1", "本张选票有2个职务（副主席、秘书长），应以“/”分为2段，实际1段"},
		{one, "1/1/", "本张选票有2个职务（副主席、秘书长），应以“/”分为2段，实际3段"},
		{one, "11/1", "副主席应有1个标记，实际2个"},
		{one, "/1", "副主席应有1个标记，实际0个"},
		{two, "11111111111", "常务委员应有12个标记，实际11个"},
		{two, "11111111111２２", "常务委员应有12个标记，实际13个"},
		{one, "4/1", "副主席的第1个标记“4”无法识别（1赞成、2反对、3弃权、0未划、.不清）"},
		{one, "1/李", "秘书长的第1个标记“李”无法识别（1赞成、2反对、3弃权、0未划、.不清）"},
		{one, "2+/1", "副主席的另选人姓名为空（“+”后应写姓名）"},
		{one, "2+李四1/1", "副主席的另选人姓名“李四1”含有数字或符号（另选人应写在本职务标记之后）"},
		{one, "2+李四#0/1", "副主席的另选人编号“#0”有误"},
		{one, "2+李四#/1", "副主席的另选人编号“#”有误"},
		{one, "2+李四#-3/1", "副主席的另选人编号“#-3”有误"},
		{one, "2+" + strings.Repeat("李", 21) + "/1", "副主席的另选人姓名“" + strings.Repeat("李", 21) + "”过长"},
		{one, "1/*", "“*”表示整张选票作废，应单独输入"},
		{nil, "1", "本张选票没有选举职务"},
		{one, strings.Repeat("1", 5000), "选票内容过长"},
	}
	for _, c := range cases {
		_, err := election.ParseLine(c.paper, c.line)
		if app.ErrorCode(err) != app.EINVALID || app.ErrorMessage(err) != c.msg {
			t.Errorf("ParseLine(%.40q) = %v, want %q", c.line, err, c.msg)
		}
	}
}

func TestResolveWriteIns(t *testing.T) {
	b, err := election.ParseLine(paperOne(), "2+李四+张三/2+#302")
	if err != nil {
		t.Fatal(err)
	}
	election.ResolveWriteIns(&b, func(name string) int64 { return map[string]int64{"李四": 301}[name] })
	got := election.FormatLine(b)
	if got != "2+李四#301+张三/2+#302" {
		t.Errorf("resolved: %q", got)
	}
	b2, err := election.ParseLine(paperOne(), got)
	if err != nil || !reflect.DeepEqual(b, b2) {
		t.Errorf("resolved line reads back as %+v, %v", b2, err)
	}
}

func TestCompare(t *testing.T) {
	one := paperOne()
	first := []string{"1/1", "2 / 1", "2+李四/1", "1/1", "x", "1/1"}
	second := []string{"1/1", "2/1", "2+王五/1", "1/2", "x", "1/1", "3/3"}
	want := []election.Difference{
		{Seq: 3, First: "2+李四/1", Second: "2+王五/1"},
		{Seq: 4, First: "1/1", Second: "1/2"},
		{Seq: 7, First: "", Second: "3/3"},
	}
	if got := election.Compare(one, first, second); !reflect.DeepEqual(got, want) {
		t.Errorf("Compare = %+v, want %+v", got, want)
	}
	if got := election.Compare(one, []string{"1/1", " y "}, []string{"1/1", "z"}); !reflect.DeepEqual(got, []election.Difference{{Seq: 2, First: "y", Second: "z"}}) {
		t.Errorf("unparseable lines compared raw: %+v", got)
	}
	if got := election.Compare(one, []string{""}, nil); len(got) != 1 || got[0].Seq != 1 {
		t.Errorf("a ballot one pass lacks: %+v", got)
	}
	if got := election.Compare(one, nil, nil); got != nil {
		t.Errorf("empty passes: %+v", got)
	}
}

// FuzzParseLine: ParseLine never panics; an accepted line reads back the
// same from its canonical form, which is a fixed point; a refused line
// gets a Chinese message.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"1/1", "2+李四/1", "111111111112", "*", "0/.", "2+李四#301/2+#302", "１／２", "", "+", "#", "/", "2+a·b/3"} {
		f.Add(s)
	}
	papers := [][]election.Office{paperOne(), paperTwo(), {threeOfFour}}
	f.Fuzz(func(t *testing.T, line string) {
		for _, paper := range papers {
			b, err := election.ParseLine(paper, line)
			if err != nil {
				if app.ErrorCode(err) != app.EINVALID || !strings.ContainsFunc(app.ErrorMessage(err), func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
					t.Fatalf("ParseLine(%q): %v", line, err)
				}
				continue
			}
			canon := election.FormatLine(b)
			b2, err := election.ParseLine(paper, canon)
			if err != nil {
				t.Fatalf("ParseLine(%q) accepted, its canonical form %q refused: %v", line, canon, err)
			}
			if !reflect.DeepEqual(b, b2) {
				t.Fatalf("ParseLine(%q) = %+v; canonical %q reads back as %+v", line, b, canon, b2)
			}
			if again := election.FormatLine(b2); again != canon {
				t.Fatalf("canonical form not a fixed point: %q → %q", canon, again)
			}
			if !b.Spoiled && len(b.Sections) != len(paper) {
				t.Fatalf("ParseLine(%q): %d sections for %d offices", line, len(b.Sections), len(paper))
			}
		}
	})
}
