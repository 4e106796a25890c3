package press

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"xieshang/internal/app"
)

func TestNumeral(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 12, true}, {"十三", 13, true}, {"四", 4, true}, {"十", 10, true}, {"二十", 20, true},
		{"二十一", 21, true}, {"一百零五", 105, true}, {"三万", 30000, true}, {"两千", 2000, true},
		{"", 0, false}, {"届", 0, false}, {"-3", 0, false},
	}
	for _, c := range cases {
		got, ok := Numeral(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("Numeral(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestFindMeeting(t *testing.T) {
	cases := []struct {
		in   string
		want *Meeting
	}{
		{"市政协十三届四次会议胜利闭幕", &Meeting{"十三届四次会议", 13, 4, "plenary"}},
		{"金昌市政协召开五届十二次主席会议", &Meeting{"五届十二次主席会议", 5, 12, "chair"}},
		{"召开十届七次常委会议", &Meeting{"十届七次常委会议", 10, 7, "standing"}},
		{"市政协十三届常委会第十五次会议", &Meeting{"十三届常委会第十五次会议", 13, 15, "standing"}},
		{"政协第十三届聊城市委员会第四次会议", &Meeting{"第十三届聊城市委员会第四次会议", 13, 4, "plenary"}},
		{"市政协召开主席会议", nil},
		{"委员视察城区", nil},
	}
	for _, c := range cases {
		if got := findMeeting(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("findMeeting(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestOrgAt(t *testing.T) {
	cases := map[string]string{
		"阳谷县七级镇第一书记":     "阳谷县七级镇",
		"东昌府区梁水镇“党建+扶贫”": "东昌府区梁水镇",
		"东阿县扎实开展县乡村三级书记": "东阿县",
		"聊城市政协召开":        "聊城市政协",
		"市政协十三届四次会议":     "市政协",
		"冠县政协委员":         "冠县政协",
		"王学臣当选市政协副主席":    "",
		"走进社区听民声":        "",
		"全市政协系统":         "",
		"精准扶贫":           "",
		"通过市政协十三届四次会议决议": "",
	}
	for in, want := range cases {
		if got := orgAt(in); got != want {
			t.Errorf("orgAt(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindDate(t *testing.T) {
	cases := []struct {
		lead string
		year int
		want string
	}{
		{"本报聊城5月27日讯(记者李军) 中国人民政治协商会议…闭幕。", 2020, "2020-05-27"},
		{"本报讯 6月5日,市政协召开会议。", 2021, "2021-06-05"},
		{"6月5日至6日,市政协组织委员视察。", 2021, "2021-06-05"},
		{"2019年12月30日,市政协召开会议。", 2021, "2019-12-30"},
		{"近日,冠县政协组织委员视察,6月5日结束。", 2021, ""},
		{"今年以来,梁水镇抓好党建责任。", 2020, ""},
		{"市政协召开会议。", 2020, ""},
		{"6月5日,市政协召开会议。", 0, ""}, // no year known
		{"2月30日,不存在的日子。", 2021, ""},
	}
	for _, c := range cases {
		got := findDate(c.lead, c.year)
		if (got == nil && c.want != "") || (got != nil && *got != c.want) {
			t.Errorf("findDate(%q, %d) = %v, want %q", c.lead, c.year, deref(got), c.want)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestFigures(t *testing.T) {
	cases := []struct {
		text string
		want map[string]int64
	}{
		{"闭幕大会应到委员419人,实到386人,符合规定人数。选举11名政协委员为市政协常委。",
			map[string]int64{FigMembersExpected: 419, FigMembersPresent: 386}},
		{"组织党员干部32名,走访困难群众86户,送去慰问物资价值1.2万元。",
			map[string]int64{FigCadres: 32, FigHouseholds: 86, FigAidValueYuan: 12000}},
		{"走访企业23家,梳理问题41个,已协调解决问题28个。",
			map[string]int64{FigCompaniesVisited: 23, FigProblemsRaised: 41, FigProblemsSolved: 28}},
		{"走访城区8个社区,惠及群众200余人,服务300人次。",
			map[string]int64{FigCommunitiesVisited: 8, FigPersons: 200}},
		{"全县规模以上企业126家。", map[string]int64{FigEnterprises: 126}},
		{"落实“一户一策”,千家万户受益,明年纯收入将达3万元。", map[string]int64{}},
		{"为三户困难群众送去慰问金5000元。", map[string]int64{FigHouseholds: 3, FigAidValueYuan: 5000}},
	}
	for _, c := range cases {
		if got := figures(c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("figures(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestNames(t *testing.T) {
	cases := map[string][]string{
		"(何福广 刘少华)":    {"何福广", "刘少华"},
		"记者 王海 通讯员 李娜": {"王海", "李娜"},
		"本报记者 赵刚 摄影报道": {"赵刚"},
		"记者李军":         {"李军"},
		"通讯员 高峰、韩雪":    {"高峰", "韩雪"},
		"(记者 周明)":      {"周明"},
	}
	for in, want := range cases {
		if got := names(in); !reflect.DeepEqual(got, want) {
			t.Errorf("names(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSplitLeadIn(t *testing.T) {
	cases := []struct{ in, lead, title string }{
		{"围绕中心服务大局 为推动聊城高质量发展凝心聚力 市政协十三届四次会议胜利闭幕",
			"围绕中心服务大局 为推动聊城高质量发展凝心聚力", "市政协十三届四次会议胜利闭幕"},
		{"王学臣当选市政协副主席 周文明当选市政协秘书长", "", "王学臣当选市政协副主席 周文明当选市政协秘书长"},
		{"聚焦民生实事 凝聚奋进力量", "", "聚焦民生实事 凝聚奋进力量"},
	}
	for _, c := range cases {
		if lead, title := splitLeadIn(c.in); lead != c.lead || title != c.title {
			t.Errorf("splitLeadIn(%q) = %q, %q", c.in, lead, title)
		}
	}
}

// TestRepair checks the text layer's repairs on the real page.
func TestRepair(t *testing.T) {
	src, err := os.ReadFile("testdata/liaocheng-2020-05.txt")
	if err != nil {
		t.Fatal(err)
	}
	page, err := Parse(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, a := range page.Articles {
		all += a.Title + "\n" + a.Text + "\n"
	}
	for _, s := range []string{"委员们紧扣全市工作大局、人民群众关切", "的战略部署和政协党的建设", "全面建成小康社会的历史性胜利", "(记者李军)"} {
		if !strings.Contains(all, s) {
			t.Errorf("text lacks the rejoined %q", s)
		}
	}
	for _, s := range []string{"找记者", "读者热线", "8451234", "18864996192", "部署和5月27日"} {
		if strings.Contains(all, s) {
			t.Errorf("text holds %q", s)
		}
	}
	if page.Year != 2020 {
		t.Errorf("year %d, want 2020 (from 2020年是…)", page.Year)
	}
	// --year decides the year of dates printed without one.
	page, _ = Parse(src, Options{Year: 2019})
	if d := page.Articles[0].Date; d == nil || *d != "2019-05-27" {
		t.Errorf("with Year 2019: date %v", deref(d))
	}
}

func TestBadInput(t *testing.T) {
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String("市政协召开主席会议\n本报讯 6月5日,市政协召开五届十二次主席会议。\n")
	cases := []struct {
		name string
		src  []byte
		want string // "" = parses
	}{
		{"empty", nil, "空"},
		{"blank", []byte(" \n\t\n"), "空"},
		{"NUL", []byte("市政协\x00召开会议"), "二进制"},
		{"controls", bytes.Repeat([]byte{1, 2, 3, 'a'}, 100), "不是文本"},
		{"invalid", []byte{0xff, 0xfe, 0xfd, 0x80, 0x81}, "编码"},
		{"too large", bytes.Repeat([]byte("政协"), MaxInput/6+1), "上限"},
		{"no item", []byte("hello world\nthis is not a newspaper page.\n"), "没有找到"},
		{"furniture only", []byte("找记者 上壹点\n读者热线 >>>\n8451234\n"), "没有找到"},
		{"gb18030", []byte(gb), ""},
		{"bom", append([]byte("\xef\xbb\xbf"), "市政协召开主席会议\n本报讯 6月5日,市政协召开会议。\n"...), ""},
		{"crlf", []byte("市政协召开主席会议\r\n本报讯 6月5日,市政协召开会议。\r\n"), ""},
	}
	for _, c := range cases {
		page, err := Parse(c.src, Options{Year: 2021})
		if c.want == "" {
			if err != nil || len(page.Articles) != 1 || page.Articles[0].Title != "市政协召开主席会议" {
				t.Errorf("%s: %v %+v", c.name, err, page)
			}
			continue
		}
		var ae *app.Error
		if !errors.As(err, &ae) || ae.Code != app.EINVALID || !strings.Contains(ae.Message, c.want) {
			t.Errorf("%s: err = %v, want EINVALID with %q", c.name, err, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/3])
	}
	f.Add([]byte("(接一版)\n"))
	f.Add([]byte("记者\n(\n摄\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		page, err := Parse(src, Options{})
		if err != nil {
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Code != app.EINVALID || ae.Message == msgPanic {
				t.Fatalf("error %v: a panic, or not EINVALID", err)
			}
			return
		}
		if page == nil || page.Articles == nil || len(page.Articles) == 0 {
			t.Fatal("success without articles")
		}
		for _, a := range page.Articles {
			if a.Byline == nil || a.Figures == nil {
				t.Fatalf("nil byline or figures: %+v", a)
			}
		}
	})
}

func TestFindElected(t *testing.T) {
	for _, c := range []struct {
		text string
		want []Elected
	}{
		{"会议选举王学臣为市政协副主席,选举周文明为市政协秘书长,选举11名政协委员为市政协常委。",
			[]Elected{{Name: "王学臣", Office: "市政协副主席"}, {Name: "周文明", Office: "市政协秘书长"}, {Count: 11, Office: "市政协常委"}}},
		{"王学臣当选市政协副主席 周文明当选市政协秘书长", []Elected{{Name: "王学臣", Office: "市政协副主席"}, {Name: "周文明", Office: "市政协秘书长"}}},
		{"刘国栋当选为区政协主席。选出十二名委员为常务委员。", []Elected{{Name: "刘国栋", Office: "区政协主席"}, {Count: 12, Office: "常务委员"}}},
		{"举行选举大会,选举产生了区政协主席、副主席。", nil},
		{"委员们积极建言,当选的代表发言。", nil},
	} {
		if got := findElected(c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("findElected(%q) = %+v, want %+v", c.text, got, c.want)
		}
	}
}
